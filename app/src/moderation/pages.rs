//! Residents' side of moderation: the flag form (`/signaler/:kind/:id`), the thanks and
//! the posting-restriction notices shown on forum pages, the resident's decisions with
//! their appeal forms (`/mon-espace/moderation`) and the public log
//! (`/moderation/journal`). Moderators' pages are in `queue_pages`.

use super::api::{
    get_flag_target, get_my_moderation, get_public_log, Appeal, FlagItem, FlagTarget,
};
use super::model::{
    Action, DecisionView, ItemKind, LogPage, MyDecision, MyModeration, Reason, SanctionKind,
    SanctionView,
};
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, query_value, title_with_error, typed, use_form_error, use_typed_values, FormAlert,
    SelectField, TextAreaField,
};
use crate::ui::time::{moment, Moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

pub fn reason_label(reason: Reason) -> String {
    let i18n = use_i18n();
    match reason {
        Reason::Spam => t_string!(i18n, moderation.reason_spam),
        Reason::Abuse => t_string!(i18n, moderation.reason_abuse),
        Reason::PersonalData => t_string!(i18n, moderation.reason_personal_data),
        Reason::OffTopic => t_string!(i18n, moderation.reason_off_topic),
        Reason::Illegal => t_string!(i18n, moderation.reason_illegal),
        Reason::Other => t_string!(i18n, moderation.reason_other),
    }
    .to_string()
}

/// (value, text) pairs of the reasons' drop-down list.
pub fn reason_options() -> Vec<(String, String)> {
    Reason::ALL
        .into_iter()
        .map(|r| (r.as_str().to_owned(), reason_label(r)))
        .collect()
}

pub fn action_label(action: Action) -> String {
    let i18n = use_i18n();
    match action {
        Action::Keep => t_string!(i18n, moderation.action_keep),
        Action::Hide => t_string!(i18n, moderation.action_hide),
        Action::AutoHide => t_string!(i18n, moderation.action_auto_hide),
        Action::Restore => t_string!(i18n, moderation.action_restore),
        Action::Approve => t_string!(i18n, moderation.action_approve),
        Action::Redact => t_string!(i18n, moderation.action_redact),
        Action::Warn => t_string!(i18n, moderation.action_warn),
        Action::Suspend => t_string!(i18n, moderation.action_suspend),
        Action::Ban => t_string!(i18n, moderation.action_ban),
        Action::Lift => t_string!(i18n, moderation.action_lift),
    }
    .to_string()
}

pub fn kind_label(kind: ItemKind) -> String {
    let i18n = use_i18n();
    match kind {
        ItemKind::Proposal => t_string!(i18n, moderation.kind_proposal),
        ItemKind::Comment => t_string!(i18n, moderation.kind_comment),
        ItemKind::Account => t_string!(i18n, moderation.kind_account),
    }
    .to_string()
}

pub fn sanction_label(kind: SanctionKind) -> String {
    let i18n = use_i18n();
    match kind {
        SanctionKind::Warning => t_string!(i18n, moderation.sanction_warning),
        SanctionKind::Suspension => t_string!(i18n, moderation.sanction_suspension),
        SanctionKind::Ban => t_string!(i18n, moderation.sanction_ban),
    }
    .to_string()
}

/// "Thank you" after a flag (`?signalement=merci`).
#[component]
pub fn ThanksForFlag() -> impl IntoView {
    let i18n = use_i18n();
    let flagged = query_value("signalement");
    move || {
        (flagged.get() == "merci").then(|| {
            view! { <div class="alert alert--success" role="status"><p>{t!(i18n, moderation.flag_thanks)}</p></div> }
        })
    }
}

/// Why the signed-in resident may not post, and until when.
#[component]
pub fn PostingRestriction(sanction: SanctionView) -> impl IntoView {
    let i18n = use_i18n();
    let reason = reason_label(sanction.reason);
    let text = match sanction.ends_at_ms {
        Some(end) => {
            view! { {t!(i18n, moderation.suspended_until, date = move || moment(end, Style::Full), reason = move || reason.clone())} }
                .into_any()
        }
        None => view! { {t!(i18n, moderation.banned, reason = move || reason.clone())} }.into_any(),
    };
    view! {
        <div class="alert alert--warning" role="status">
            <p>{text}" "<a href="/mon-espace/moderation">{t!(i18n, moderation.see_my_moderation)}</a></p>
        </div>
    }
}

/// `/signaler/:kind/:id`: the flag form.
#[component]
pub fn FlagPage() -> impl IntoView {
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
    let error = use_form_error(FlagItem::url());
    let values = use_typed_values("flag_item", error);
    let item = Resource::new(target, |(kind, id)| get_flag_target(kind, id));
    view! {
        <PageTitle text=title_with_error(error, move || t_string!(i18n, moderation.flag_title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, moderation.flag_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let FlagTarget { proposal_id, excerpt } = match item.await {
                        Ok(found) => found,
                        Err(error) => return view! { <AccessDenied error /> }.into_any(),
                    };
                    let (kind, id) = target();
                    view! {
                        <p>{t!(i18n, moderation.flag_intro)}</p>
                        <blockquote class="quote">{excerpt}</blockquote>
                        <FormAlert error fields=&["reason", "detail"] />
                        <form class="form" method="post" action=FlagItem::url() novalidate>
                            <crate::ui::form::OnceField />
                            <input type="hidden" name="kind" value=kind />
                            <input type="hidden" name="id" value=id />
                            <SelectField name="reason" options=reason_options()
                                label=Signal::derive(move || t_string!(i18n, moderation.flag_reason).to_string())
                                placeholder=Signal::derive(move || t_string!(i18n, moderation.choose_reason).to_string())
                                value=typed(values, "reason") errors=errors_of(error, "reason") />
                            <TextAreaField name="detail" rows=4 required=false
                                label=Signal::derive(move || t_string!(i18n, moderation.flag_detail).to_string())
                                hint=Signal::derive(move || t_string!(i18n, moderation.flag_detail_hint).to_string())
                                value=typed(values, "detail") errors=errors_of(error, "detail") />
                            <button type="submit" class="button">{t!(i18n, moderation.flag_send)}</button>
                        </form>
                        <p><a href=format!("/forum/propositions/{proposal_id}")>{t!(i18n, forum.cancel)}</a></p>
                    }
                    .into_any()
                })}
            </Suspense>
        </div>
    }
}

/// Decisions as a table: date, content type, decision, reason, and for moderators who
/// took it.
#[component]
pub fn DecisionTable(
    decisions: Vec<DecisionView>,
    caption: String,
    with_moderator: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, moderation.col_date)}</th>
                    <th scope="col">{t!(i18n, moderation.col_content)}</th>
                    <th scope="col">{t!(i18n, moderation.col_action)}</th>
                    <th scope="col">{t!(i18n, moderation.col_reason)}</th>
                    {with_moderator.then(|| view! { <th scope="col">{t!(i18n, moderation.col_moderator)}</th> })}
                </tr></thead>
                <tbody>
                    {decisions.into_iter().map(|d| {
                        let reason = d.reason.map(reason_label).unwrap_or_else(|| "—".to_owned());
                        let who = d.moderator.clone().unwrap_or_else(|| "—".to_owned());
                        view! {
                            <tr>
                                <td><Moment at_ms=d.created_at_ms style=Style::Full /></td>
                                <td>{kind_label(d.kind)}</td>
                                <td>
                                    {action_label(d.action)}
                                    {d.on_appeal.then(|| view! { " "{t!(i18n, moderation.on_appeal)} })}
                                </td>
                                <td>{reason}</td>
                                {with_moderator.then(|| view! { <td>{who}</td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// `/moderation/journal`: every decision, without names or texts.
#[component]
pub fn PublicLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = query_value("page");
    let log = Resource::new(
        move || page.get().parse::<u32>().unwrap_or(1).max(1),
        get_public_log,
    );
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, moderation.log_title).to_string()) />
        <h1>{t!(i18n, moderation.log_title)}</h1>
        <p>{t!(i18n, moderation.log_intro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <LogTable log /> }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LogTable(log: LogPage) -> impl IntoView {
    let i18n = use_i18n();
    let LogPage {
        entries,
        page,
        page_count,
    } = log;
    if entries.is_empty() {
        return view! { <p>{t!(i18n, moderation.log_empty)}</p> }.into_any();
    }
    let link = |n: u32| format!("/moderation/journal?page={n}");
    view! {
        <DecisionTable decisions=entries caption=t_string!(i18n, moderation.log_title).to_string() with_moderator=false />
        {(page_count > 1).then(|| view! {
            <nav class="pagination" aria-label=t_string!(i18n, moderation.log_pages).to_string()>
                {(page > 1).then(|| view! { <a href=link(page - 1)>{t!(i18n, forum.previous)}</a> })}
                <span>{t!(i18n, forum.page_of, page = move || page, pages = move || page_count)}</span>
                {(page < page_count).then(|| view! { <a href=link(page + 1)>{t!(i18n, forum.next)}</a> })}
            </nav>
        })}
    }
    .into_any()
}

/// `/mon-espace/moderation`: decisions about the resident's contributions, appeals,
/// sanctions.
#[component]
pub fn MyModerationPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_my_moderation());
    let error = use_form_error(Appeal::url());
    let sent = query_value("appel");
    view! {
        <PageTitle text=title_with_error(error, move || t_string!(i18n, moderation.mine_title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, moderation.mine_title)}</h1>
            {move || (sent.get() == "envoye").then(|| view! {
                <div class="alert alert--success" role="status"><p>{t!(i18n, moderation.appeal_sent)}</p></div>
            })}
            <FormAlert error fields=&["text"] />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(mine) => view! { <MyModerationBody mine error /> }.into_any(),
                        Err(error) => view! { <AccessDenied error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn MyModerationBody(
    mine: MyModeration,
    error: Memo<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let MyModeration {
        decisions,
        sanctions,
    } = mine;
    view! {
        <section aria-labelledby="sanctions-titre">
            <h2 id="sanctions-titre">{t!(i18n, moderation.my_status)}</h2>
            {match sanctions.iter().find(|s| s.in_force) {
                Some(s) => view! { <PostingRestriction sanction=s.sanction.clone() /> }.into_any(),
                None => view! { <p>{t!(i18n, moderation.no_restriction)}</p> }.into_any(),
            }}
            {(!sanctions.is_empty()).then(|| view! {
                <ul role="list">
                    {sanctions.into_iter().map(|s| {
                        let date = moment(s.sanction.created_at_ms, Style::Stamp);
                        let end = s.sanction.ends_at_ms;
                        view! {
                            <li>
                                {date}" – "{sanction_label(s.sanction.kind)}" – "{reason_label(s.sanction.reason)}
                                {end.map(|end| view! { " – "{t!(i18n, moderation.until, date = move || moment(end, Style::Full))} })}
                                {(!s.sanction.note.is_empty()).then(|| view! { <br />{s.sanction.note.clone()} })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
        <section aria-labelledby="decisions-titre">
            <h2 id="decisions-titre">{t!(i18n, moderation.my_decisions)}</h2>
            {decisions.is_empty().then(|| view! { <p>{t!(i18n, moderation.no_decisions)}</p> })}
            <ul class="decisions" role="list">
                {decisions.into_iter().map(|d| view! { <li><MyDecisionItem item=d error /></li> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn MyDecisionItem(item: MyDecision, error: Memo<Option<crate::error::AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let MyDecision {
        decision,
        item_id,
        proposal_id,
        proposal_title,
        appealable,
        appeal,
    } = item;
    let date = moment(decision.created_at_ms, Style::Stamp);
    let id = decision.id;
    let link = match (decision.kind, proposal_id) {
        (ItemKind::Comment, Some(p)) => {
            Some(format!("/forum/propositions/{p}#commentaire-{item_id}"))
        }
        (ItemKind::Proposal, Some(p)) => Some(format!("/forum/propositions/{p}")),
        _ => None,
    };
    let title = proposal_title.unwrap_or_default();
    let appeal_text = match appeal {
        None => None,
        Some(None) => Some(t_string!(i18n, moderation.appeal_waiting).to_string()),
        Some(Some(true)) => Some(t_string!(i18n, moderation.appeal_upheld).to_string()),
        Some(Some(false)) => Some(t_string!(i18n, moderation.appeal_overturned).to_string()),
    };
    view! {
        <article class="decision" id=format!("decision-{id}")>
            <h3>{action_label(decision.action)}" – "{kind_label(decision.kind)}</h3>
            <p class="meta">{date}</p>
            {link.map(|href| view! { <p><a href=href>{title}</a></p> })}
            {decision.reason.map(|r| view! { <p>{t!(i18n, moderation.reason_is, reason = move || reason_label(r))}</p> })}
            {(!decision.rule.is_empty()).then(|| {
                let rule = decision.rule.clone();
                view! { <p>{t!(i18n, moderation.rule_is, rule = move || rule.clone())}</p> }
            })}
            {(!decision.note.is_empty()).then(|| view! { <p class="quote">{decision.note.clone()}</p> })}
            {appeal_text.map(|text| view! { <p class="badge">{text}</p> })}
            {appealable.then(|| view! {
                <details class="confirm">
                    <summary>{t!(i18n, moderation.appeal)}</summary>
                    <form class="form form--compact" method="post" action=Appeal::url() novalidate>
                        <input type="hidden" name="decision_id" value=id />
                        <TextAreaField name="text" rows=4 id_suffix=format!("{id}")
                            label=Signal::derive(move || t_string!(i18n, moderation.appeal_text).to_string())
                            hint=Signal::derive(move || t_string!(i18n, moderation.appeal_hint).to_string())
                            errors=errors_of(error, "text") />
                        <button type="submit" class="button">{t!(i18n, moderation.appeal_send)}</button>
                    </form>
                </details>
            })}
        </article>
    }
    .into_any()
}
