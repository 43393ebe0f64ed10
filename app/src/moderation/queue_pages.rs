//! Moderators' pages: the review queue with its filters, bulk decisions and appeals
//! (`/moderation`), a contribution's review page with its thread, flags, history, the
//! author's record and the decision, sanction and appeal forms
//! (`/moderation/:kind/:id`), and the settings (`/moderation/reglages`).

use super::api::{
    get_moderation_settings, get_queue, get_review, Moderate, ModerateMany, ModerationSettingsView,
    Sanction, SaveWatchedWords, SetPremoderation, SettleAppeal,
};
use super::model::{
    Action, AgeFilter, Cause, ItemKind, QueueItem, QueuePage, ReviewItem, SanctionKind, Visibility,
};
use super::pages::{
    action_label, kind_label, reason_label, reason_options, sanction_label, DecisionTable,
};
use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::form::{
    errors_of, query_value, title_failed_when, typed, use_form_error, use_typed_values, Field,
    FormAlert, SelectField, TextAreaField,
};
use crate::ui::time::{moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

fn cause_label(cause: Cause) -> String {
    let i18n = use_i18n();
    match cause {
        Cause::Flags => t_string!(i18n, moderation.cause_flags),
        Cause::Premoderation => t_string!(i18n, moderation.cause_premoderation),
        Cause::WatchedWord => t_string!(i18n, moderation.cause_watched_word),
        Cause::NewAccount => t_string!(i18n, moderation.cause_new_account),
    }
    .to_string()
}

fn visibility_label(visibility: Visibility) -> String {
    let i18n = use_i18n();
    match visibility {
        Visibility::Published => t_string!(i18n, moderation.state_published),
        Visibility::Held => t_string!(i18n, moderation.state_held),
        Visibility::Hidden => t_string!(i18n, moderation.state_hidden),
    }
    .to_string()
}

fn decision_options(restore_only: bool) -> Vec<(String, String)> {
    Action::ON_CONTENT
        .into_iter()
        .chain([Action::Redact])
        .filter(|a| !restore_only || matches!(a, Action::Keep | Action::Approve | Action::Restore))
        .map(|a| (a.as_str().to_owned(), action_label(a)))
        .collect()
}

/// "Decision recorded" after a post (`?decision=ok`).
#[component]
fn Recorded(param: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let done = query_value(param);
    move || {
        (done.get() == "ok").then(|| {
            view! { <div class="alert alert--success" role="status"><p>{t!(i18n, moderation.recorded)}</p></div> }
        })
    }
}

/// `/moderation`: the queue.
#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let (kind, reason, age, page) = (
        query_value("type"),
        query_value("motif"),
        query_value("age"),
        query_value("page"),
    );
    let queue = Resource::new(
        move || {
            (
                kind.get(),
                reason.get(),
                age.get(),
                page.get().parse::<u32>().unwrap_or(1).max(1),
            )
        },
        |(kind, reason, age, page)| get_queue(kind, reason, age, page),
    );
    let bulk_error = use_form_error(ModerateMany::url());
    let appeal_error = use_form_error(SettleAppeal::url());
    let failed = move || bulk_error.with(Option::is_some) || appeal_error.with(Option::is_some);
    view! {
        <PageTitle text=title_failed_when(failed, move || t_string!(i18n, moderation.queue_title).to_string()) />
        <h1>{t!(i18n, moderation.queue_title)}</h1>
        <p><a href="/moderation/journal">{t!(i18n, moderation.log_title)}</a>" · "<a href="/moderation/reglages">{t!(i18n, moderation.settings_title)}</a></p>
        <Recorded param="decision" />
        <FormAlert error=appeal_error fields=&[] />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(queue) => view! {
                        <QueueFilters />
                        <QueueList queue bulk_error />
                    }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The filters: a GET form (works without JavaScript).
#[component]
fn QueueFilters() -> impl IntoView {
    let i18n = use_i18n();
    let no_errors = || Signal::derive(Vec::new);
    let kinds = vec![
        ("proposal".to_owned(), kind_label(ItemKind::Proposal)),
        ("comment".to_owned(), kind_label(ItemKind::Comment)),
    ];
    let ages = vec![
        (
            AgeFilter::OverDay.as_param().to_owned(),
            t_string!(i18n, moderation.age_day).to_string(),
        ),
        (
            AgeFilter::OverWeek.as_param().to_owned(),
            t_string!(i18n, moderation.age_week).to_string(),
        ),
    ];
    view! {
        <form class="filters" method="get" action="/moderation" role="search"
            aria-label=t_string!(i18n, moderation.filters).to_string()>
            <fieldset>
            <legend class="visually-hidden">{t!(i18n, moderation.filters)}</legend>
            <SelectField name="type" options=kinds required=false
                label=Signal::derive(move || t_string!(i18n, moderation.filter_type).to_string())
                placeholder=Signal::derive(move || t_string!(i18n, moderation.any).to_string())
                value=query_value("type") errors=no_errors() />
            <SelectField name="motif" options=reason_options() required=false
                label=Signal::derive(move || t_string!(i18n, moderation.filter_reason).to_string())
                placeholder=Signal::derive(move || t_string!(i18n, moderation.any).to_string())
                value=query_value("motif") errors=no_errors() />
            <SelectField name="age" options=ages required=false
                label=Signal::derive(move || t_string!(i18n, moderation.filter_age).to_string())
                placeholder=Signal::derive(move || t_string!(i18n, moderation.any).to_string())
                value=query_value("age") errors=no_errors() />
            <button type="submit" class="button button--secondary">{t!(i18n, moderation.apply_filters)}</button>
            </fieldset>
        </form>
    }
}

#[component]
fn QueueList(queue: QueuePage, bulk_error: Memo<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let QueuePage {
        items,
        total,
        page,
        page_count,
        appeals,
    } = queue;
    let appeal_list = (!appeals.is_empty()).then(|| view! {
        <section aria-labelledby="appels-titre">
            <h2 id="appels-titre">{t!(i18n, moderation.appeals_title)}</h2>
            <ul class="queue" role="list">
                {appeals.into_iter().map(|a| {
                    let href = match a.kind {
                        ItemKind::Account => None,
                        kind => Some(format!("/moderation/{}/{}", kind.as_str(), a.item_id)),
                    };
                    view! {
                        <li class="queue-item">
                            <p>
                                {kind_label(a.kind)}" – "{action_label(a.action)}
                                {a.reason.map(|r| view! { " – "{reason_label(r)} })}" "
                                {href.map(|h| view! { <a href=h>{t!(i18n, moderation.review)}</a> })}
                            </p>
                            <AppealForm appeal=a.appeal />
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    });
    let link = move |n: u32| {
        let q = |name| query_value(name).get_untracked();
        format!(
            "/moderation?type={}&motif={}&age={}&page={n}",
            q("type"),
            q("motif"),
            q("age")
        )
    };
    view! {
        {appeal_list}
        <h2>{t!(i18n, moderation.queue_count, count = move || total)}</h2>
        {if items.is_empty() {
            view! { <p>{t!(i18n, moderation.queue_empty)}</p> }.into_any()
        } else {
            view! {
                <FormAlert error=bulk_error fields=&["items", "action", "reason"] />
                <form method="post" action=ModerateMany::url() class="bulk" novalidate>
                    <ul class="queue" role="list">
                        {items.into_iter().enumerate().map(|(n, item)| view! { <li><QueueEntry n item /></li> }).collect_view()}
                    </ul>
                    <fieldset class="bulk__actions">
                        <legend>{t!(i18n, moderation.bulk_legend)}</legend>
                        <SelectField name="action"
                            options=[Action::Keep, Action::Hide, Action::Approve, Action::Restore].into_iter().map(|a| (a.as_str().to_owned(), action_label(a))).collect()
                            label=Signal::derive(move || t_string!(i18n, moderation.decision).to_string())
                            placeholder=Signal::derive(move || t_string!(i18n, moderation.choose_decision).to_string())
                            errors=errors_of(bulk_error, "action") />
                        <SelectField name="reason" options=reason_options() required=false
                            label=Signal::derive(move || t_string!(i18n, moderation.decision_reason).to_string())
                            placeholder=Signal::derive(move || t_string!(i18n, moderation.choose_reason).to_string())
                            errors=errors_of(bulk_error, "reason") />
                        <button type="submit" class="button">{t!(i18n, moderation.bulk_apply)}</button>
                    </fieldset>
                </form>
            }.into_any()
        }}
        {(page_count > 1).then(|| view! {
            <nav class="pagination" aria-label=t_string!(i18n, moderation.queue_pages).to_string()>
                {(page > 1).then(|| view! { <a href=link(page - 1)>{t!(i18n, forum.previous)}</a> })}
                <span>{t!(i18n, forum.page_of, page = move || page, pages = move || page_count)}</span>
                {(page < page_count).then(|| view! { <a href=link(page + 1)>{t!(i18n, forum.next)}</a> })}
            </nav>
        })}
    }
    .into_any()
}

#[component]
fn QueueEntry(n: usize, item: QueueItem) -> impl IntoView {
    let i18n = use_i18n();
    let QueueItem {
        kind,
        id,
        proposal_title,
        author_name,
        excerpt,
        visibility,
        cause,
        reason,
        flag_count,
        entered_at_ms,
        ..
    } = item;
    let check_id = format!("choix-{}-{id}", kind.as_str());
    let date = moment(entered_at_ms, Style::Stamp);
    let author =
        author_name.unwrap_or_else(|| t_string!(i18n, forum.former_participant).to_string());
    view! {
        <article class="queue-item">
            <p class="queue-item__select">
                <input type="checkbox" id=check_id.clone() name=format!("items[{n}]") value=format!("{}:{id}", kind.as_str()) />
                <label for=check_id>
                    {kind_label(kind)}" – "{author}" – "{proposal_title}
                </label>
            </p>
            <p class="quote">{excerpt}</p>
            <p class="meta">
                {cause_label(cause)}" · "{visibility_label(visibility)}" · "
                {t!(i18n, moderation.flags_count, count = move || flag_count)}
                {reason.map(|r| view! { " · "{reason_label(r)} })}
                " · "{date}
            </p>
            <p><a href=format!("/moderation/{}/{id}", kind.as_str())>{t!(i18n, moderation.review)}</a></p>
        </article>
    }
    .into_any()
}

/// `/moderation/:kind/:id`.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let target = move || {
        params.with(|p| {
            (
                p.get("kind").unwrap_or_default(),
                p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0),
            )
        })
    };
    let review = Resource::new(target, |(kind, id)| get_review(kind, id));
    let errors = [
        use_form_error(Moderate::url()),
        use_form_error(Sanction::url()),
        use_form_error(SettleAppeal::url()),
    ];
    let failed = move || errors.iter().any(|e| e.with(Option::is_some));
    view! {
        <PageTitle text=title_failed_when(failed, move || t_string!(i18n, moderation.review_title).to_string()) />
        <h1>{t!(i18n, moderation.review_title)}</h1>
        <p><a href="/moderation">{t!(i18n, moderation.back_to_queue)}</a></p>
        <Recorded param="sanction" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match review.await {
                    Ok(item) => view! { <Review item /> }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Review(item: ReviewItem) -> impl IntoView {
    let i18n = use_i18n();
    let author = item
        .author_name
        .clone()
        .unwrap_or_else(|| t_string!(i18n, forum.former_participant).to_string());
    let kind = item.kind;
    let id = item.id;
    let pid = item.proposal_id;
    let context_href = match kind {
        ItemKind::Comment => format!("/forum/propositions/{pid}#commentaire-{id}"),
        _ => format!("/forum/propositions/{pid}"),
    };
    // An administrator's contribution: another administrator decides; any moderator may
    // still bring back what flags hid.
    let restore_only = item.author_is_admin && !item.viewer_is_admin;
    view! {
        <section aria-labelledby="contenu-titre">
            <h2 id="contenu-titre">{kind_label(kind)}" – "{visibility_label(item.visibility)}</h2>
            <p class="meta">
                {t!(i18n, moderation.by, name = move || author.clone())}
                {item.cause.map(|c| view! { " · "{cause_label(c)} })}
            </p>
            <p><a href=context_href>{item.proposal_title.clone()}</a></p>
            {item.parent_html.clone().map(|html| view! {
                <p class="meta">{t!(i18n, moderation.in_reply_to)}</p>
                <div class="prose quote" inner_html=html></div>
            })}
            <div class="prose review__body" inner_html=item.body_html.clone()></div>
            {(!item.replies_html.is_empty()).then(|| view! {
                <details>
                    <summary>{t!(i18n, moderation.replies, count = { let n = item.replies_html.len(); move || n })}</summary>
                    {item.replies_html.clone().into_iter().map(|html| view! { <div class="prose quote" inner_html=html></div> }).collect_view()}
                </details>
            })}
        </section>
        <FlagsSection item=item.clone() />
        {if restore_only {
            view! {
                <p class="notice">{t!(i18n, moderation.author_is_admin)}</p>
                {item.open_appeal.clone().map(|appeal| view! { <AppealForm appeal /> })}
                <DecisionForm kind id restore_only=true />
            }.into_any()
        } else {
            view! {
                {item.open_appeal.clone().map(|appeal| view! { <AppealForm appeal /> })}
                <DecisionForm kind id />
                {item.author_id.map(|_| view! { <SanctionForm kind id current=item.author_sanction.clone() /> })}
            }.into_any()
        }}
        <HistorySection title=t_string!(i18n, moderation.history).to_string() decisions=item.history.clone() />
        <HistorySection title=t_string!(i18n, moderation.author_record).to_string() decisions=item.author_record.clone() />
    }
    .into_any()
}

#[component]
fn FlagsSection(item: ReviewItem) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="signalements-titre">
            <h2 id="signalements-titre">{t!(i18n, moderation.flags_title)}</h2>
            {item.flags.is_empty().then(|| view! { <p>{t!(i18n, moderation.no_flags)}</p> })}
            <ul role="list">
                {item.flags.into_iter().map(|f| {
                    let date = moment(f.created_at_ms, Style::Stamp);
                    view! {
                        <li class="flag">
                            <p>
                                <strong>{reason_label(f.reason)}</strong>" – "{date}
                                {(!f.open).then(|| view! { " "<span class="badge">{t!(i18n, moderation.flag_resolved)}</span> })}
                            </p>
                            {(!f.detail.is_empty()).then(|| view! { <p>{f.detail.clone()}</p> })}
                            <details>
                                <summary>{t!(i18n, moderation.snapshot)}</summary>
                                <p class="quote snapshot">{f.snapshot.clone()}</p>
                            </details>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn HistorySection(title: String, decisions: Vec<super::model::DecisionView>) -> impl IntoView {
    if decisions.is_empty() {
        return ().into_any();
    }
    view! {
        <section>
            <h2>{title.clone()}</h2>
            <DecisionTable decisions caption=title with_moderator=true />
        </section>
    }
    .into_any()
}

#[component]
fn DecisionForm(
    kind: ItemKind,
    id: i64,
    /// Only the decisions bringing a contribution back (an administrator's, judged by a
    /// moderator who is not one).
    #[prop(optional)]
    restore_only: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(Moderate::url());
    let values = use_typed_values("moderate", error);
    view! {
        <section aria-labelledby="decision-titre">
            <h2 id="decision-titre">{t!(i18n, moderation.decision)}</h2>
            <FormAlert error fields=&["action", "reason", "rule", "note", "passage"] />
            <form class="form" method="post" action=Moderate::url() novalidate>
                <input type="hidden" name="kind" value=kind.as_str() />
                <input type="hidden" name="id" value=id />
                <SelectField name="action" options=decision_options(restore_only)
                    label=Signal::derive(move || t_string!(i18n, moderation.decision).to_string())
                    placeholder=Signal::derive(move || t_string!(i18n, moderation.choose_decision).to_string())
                    value=typed(values, "action") errors=errors_of(error, "action") />
                <SelectField name="reason" options=reason_options() required=false
                    label=Signal::derive(move || t_string!(i18n, moderation.decision_reason).to_string())
                    hint=Signal::derive(move || t_string!(i18n, moderation.decision_reason_hint).to_string())
                    placeholder=Signal::derive(move || t_string!(i18n, moderation.choose_reason).to_string())
                    value=typed(values, "reason") errors=errors_of(error, "reason") />
                <Field name="rule" required=false
                    label=Signal::derive(move || t_string!(i18n, moderation.rule).to_string())
                    hint=Signal::derive(move || t_string!(i18n, moderation.rule_hint).to_string())
                    value=typed(values, "rule") errors=errors_of(error, "rule") />
                <TextAreaField name="note" rows=3 required=false
                    label=Signal::derive(move || t_string!(i18n, moderation.note).to_string())
                    hint=Signal::derive(move || t_string!(i18n, moderation.note_hint).to_string())
                    value=typed(values, "note") errors=errors_of(error, "note") />
                <TextAreaField name="passage" rows=2 required=false
                    label=Signal::derive(move || t_string!(i18n, moderation.passage).to_string())
                    hint=Signal::derive(move || t_string!(i18n, moderation.passage_hint).to_string())
                    value=typed(values, "passage") errors=errors_of(error, "passage") />
                <button type="submit" class="button">{t!(i18n, moderation.record_decision)}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn SanctionForm(
    kind: ItemKind,
    id: i64,
    current: Option<super::model::SanctionView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(Sanction::url());
    let values = use_typed_values("sanction", error);
    let kinds: Vec<(String, String)> = SanctionKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_owned(), sanction_label(k)))
        .collect();
    view! {
        <section aria-labelledby="sanction-titre">
            <h2 id="sanction-titre">{t!(i18n, moderation.sanction_title)}</h2>
            {current.map(|s| {
                let end = s.ends_at_ms;
                view! { <p class="notice">{sanction_label(s.kind)}" – "{match end {
                    Some(end) => t!(i18n, moderation.until, date = move || moment(end, Style::Full)).into_any(),
                    None => "—".into_any(),
                }}</p> }
            })}
            <details class="confirm">
                <summary>{t!(i18n, moderation.sanction_open)}</summary>
                <FormAlert error fields=&["sanction", "days", "sanction_reason", "sanction_note"] />
                <form class="form" method="post" action=Sanction::url() novalidate>
                    <input type="hidden" name="kind" value=kind.as_str() />
                    <input type="hidden" name="id" value=id />
                    <SelectField name="sanction" options=kinds
                        label=Signal::derive(move || t_string!(i18n, moderation.sanction_kind).to_string())
                        placeholder=Signal::derive(move || t_string!(i18n, moderation.choose_sanction).to_string())
                        value=typed(values, "sanction") errors=errors_of(error, "sanction") />
                    <Field name="days" input_type="number" required=false
                        label=Signal::derive(move || t_string!(i18n, moderation.days).to_string())
                        hint=Signal::derive(move || t_string!(i18n, moderation.days_hint).to_string())
                        value=typed(values, "days") errors=errors_of(error, "days") />
                    <SelectField name="sanction_reason" options=reason_options()
                        label=Signal::derive(move || t_string!(i18n, moderation.sanction_reason).to_string())
                        placeholder=Signal::derive(move || t_string!(i18n, moderation.choose_reason).to_string())
                        value=typed(values, "sanction_reason") errors=errors_of(error, "sanction_reason") />
                    <TextAreaField name="sanction_note" rows=3 required=false
                        label=Signal::derive(move || t_string!(i18n, moderation.note).to_string())
                        value=typed(values, "sanction_note") errors=errors_of(error, "sanction_note") />
                    <button type="submit" class="button button--danger">{t!(i18n, moderation.sanction_send)}</button>
                </form>
            </details>
        </section>
    }
    .into_any()
}

#[component]
fn AppealForm(appeal: super::model::AppealView) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(SettleAppeal::url());
    let date = moment(appeal.created_at_ms, Style::Stamp);
    let outcomes = vec![
        (
            "overturn".to_owned(),
            t_string!(i18n, moderation.overturn).to_string(),
        ),
        (
            "uphold".to_owned(),
            t_string!(i18n, moderation.uphold).to_string(),
        ),
    ];
    view! {
        <section class="appeal" aria-labelledby=format!("appel-titre-{}", appeal.id)>
            <h3 id=format!("appel-titre-{}", appeal.id)>{t!(i18n, moderation.appeal_to_settle)}</h3>
            <p class="meta">{date}</p>
            <p class="quote">{appeal.text.clone()}</p>
            {if appeal.own_decision {
                view! { <p class="notice">{t!(i18n, moderation.appeal_own_decision)}</p> }.into_any()
            } else {
                view! {
                    <FormAlert error fields=&["outcome", "note"] />
                    <form class="form" method="post" action=SettleAppeal::url() novalidate>
                        <input type="hidden" name="appeal_id" value=appeal.id />
                        <SelectField name="outcome" options=outcomes id_suffix=format!("{}", appeal.id)
                            label=Signal::derive(move || t_string!(i18n, moderation.appeal_outcome).to_string())
                            placeholder=Signal::derive(move || t_string!(i18n, moderation.choose_decision).to_string())
                            errors=errors_of(error, "outcome") />
                        <TextAreaField name="note" rows=3 required=false id_suffix=format!("appel-{}", appeal.id)
                            label=Signal::derive(move || t_string!(i18n, moderation.note).to_string())
                            errors=errors_of(error, "note") />
                        <button type="submit" class="button">{t!(i18n, moderation.settle)}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// `/moderation/reglages`: pre-moderated themes and watched words.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = Resource::new(|| (), |_| get_moderation_settings());
    let words_error = use_form_error(SaveWatchedWords::url());
    let theme_error = use_form_error(SetPremoderation::url());
    let failed = move || words_error.with(Option::is_some) || theme_error.with(Option::is_some);
    view! {
        <PageTitle text=title_failed_when(failed, move || t_string!(i18n, moderation.settings_title).to_string()) />
        <h1>{t!(i18n, moderation.settings_title)}</h1>
        <p><a href="/moderation">{t!(i18n, moderation.back_to_queue)}</a></p>
        <Recorded param="mots" />
        <FormAlert error=theme_error fields=&[] />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => view! { <Settings settings words_error /> }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Settings(
    settings: ModerationSettingsView,
    words_error: Memo<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let words = settings.watched_words.clone();
    view! {
        <section aria-labelledby="premoderation-titre">
            <h2 id="premoderation-titre">{t!(i18n, moderation.premoderation_title)}</h2>
            <p>{t!(i18n, moderation.premoderation_intro)}</p>
            <ul class="settings-list" role="list">
                {settings.themes.into_iter().map(|(slug, fr, en, on)| {
                    let name = if locale == Locale::en { en } else { fr };
                    let label = name.clone();
                    view! {
                        <li>
                            <form method="post" action=SetPremoderation::url()>
                                <input type="hidden" name="theme" value=slug />
                                <input type="hidden" name="on" value=if on { "0" } else { "1" } />
                                <span>{name}" – "{if on { t_string!(i18n, moderation.premoderated) } else { t_string!(i18n, moderation.not_premoderated) }}</span>" "
                                <button type="submit" class="button button--small button--secondary">
                                    {if on { t_string!(i18n, moderation.premoderation_off) } else { t_string!(i18n, moderation.premoderation_on) }}
                                    <span class="visually-hidden">" – "{label}</span>
                                </button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="mots-titre">
            <h2 id="mots-titre">{t!(i18n, moderation.words_title)}</h2>
            <FormAlert error=words_error fields=&["words"] />
            <form class="form" method="post" action=SaveWatchedWords::url() novalidate>
                <TextAreaField name="words" rows=8 required=false
                    label=Signal::derive(move || t_string!(i18n, moderation.words_label).to_string())
                    hint=Signal::derive(move || t_string!(i18n, moderation.words_hint).to_string())
                    value=Signal::derive(move || words.clone()) errors=errors_of(words_error, "words") />
                <button type="submit" class="button">{t!(i18n, moderation.words_save)}</button>
            </form>
        </section>
    }
    .into_any()
}
