//! A proposal's page (`/forum/propositions/:id`): the proposal, the town hall's answer
//! and its history, supporting and following, the author's edit and withdraw buttons,
//! the agents' answer form, and the comment threads, kept live while the page is open.
//! Its edit form is `/forum/propositions/:id/modifier`.

use super::api::{
    get_editable_proposal, get_forum_categories, get_proposal, AnswerProposal, EditProposal,
    ForumCategories, ProposalView, SetFollow, SetSupport, WithdrawProposal,
};
use super::comments::api::{AddComment, DeleteComment, EditComment};
use super::comments::components::{group_by_parent, CommentSection, ThreadContext};
use super::live_view::{LiveProposal, LiveTexts};
use super::model::{OfficialAnswer, ProposalStatus};
use super::pages::{status_label, ProposalFields, ProposalMeta, SupportsText};
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::moderation::model::Visibility;
use crate::moderation::pages::{PostingRestriction, ThanksForFlag};
use crate::ui::form::{
    errors_of, query_value, title_failed_when, title_with_error, typed, use_form_error,
    use_typed_values, FormAlert, PostForm, SelectField, TextAreaField,
};
use crate::ui::time::{moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn proposal_id() -> Signal<i64> {
    let params = use_params_map();
    Signal::derive(move || {
        params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    })
}

fn number(name: &'static str) -> Signal<Option<i64>> {
    let raw = query_value(name);
    Signal::derive(move || raw.get().parse::<i64>().ok())
}

/// `/forum/propositions/:id`.
#[component]
pub fn ProposalPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = proposal_id();
    let page = number("commentaires");
    let proposal = Resource::new(
        move || (id.get(), page.get().unwrap_or(1).max(1)),
        |(id, page)| get_proposal(id, u32::try_from(page).unwrap_or(1)),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match proposal.await {
                    Ok(view) => view! { <ProposalArticle view /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, forum.title).to_string()) />
                        <h1>{t!(i18n, forum.title)}</h1>
                        <AccessDenied error />
                    }.into_any(),
                }
            })}
        </Suspense>
        <p><A href="/forum">{t!(i18n, forum.back_to_list)}</A></p>
    }
}

#[component]
fn ProposalArticle(view: ProposalView) -> impl IntoView {
    let i18n = use_i18n();
    let ProposalView {
        detail,
        answers,
        comments,
        signed_in,
        supported,
        following,
        can_edit,
        is_author,
        is_agent,
        is_moderator,
        restriction,
    } = view;
    let moderation = detail.moderation;
    let published = moderation == Visibility::Published;
    let id = detail.summary.id;
    let title = detail.summary.title.clone();
    let withdrawn = detail.summary.withdrawn;
    let status = detail.summary.status;
    let supports = detail.summary.support_count;
    let comment_count = detail.summary.comment_count;
    let comments_page = comments.page;
    let shown = RwSignal::new(comments.comments);
    let add_error = use_form_error(AddComment::url());
    let edit_error = use_form_error(EditComment::url());
    let thread = ThreadContext {
        proposal_id: id,
        page: comments.page,
        comments: shown,
        by_parent: Memo::new(move |_| shown.with(|all| group_by_parent(all))),
        signed_in,
        moderator: is_moderator,
        open: !withdrawn && published && restriction.is_none(),
        reply_to: number("repondre"),
        editing: number("modifier"),
        add_error,
        edit_error,
        delete_error: use_form_error(DeleteComment::url()),
        add_body: typed(use_typed_values("add_comment", add_error), "body"),
        edit_body: typed(use_typed_values("edit_comment", edit_error), "body"),
    };
    // The island's texts; `{name}` is filled in the browser. (Interpolated translations
    // are only compiled for the server, which is the only side rendering this.)
    #[cfg(feature = "ssr")]
    let new_comment_from = t_string!(i18n, forum.new_comment_from, name = "{name}").to_string();
    #[cfg(not(feature = "ssr"))]
    let new_comment_from = String::new();
    let live_texts = LiveTexts {
        new_comment_from,
        new_comment: t_string!(i18n, forum.new_comment).to_string(),
        former_participant: t_string!(i18n, forum.former_participant).to_string(),
        page_outdated: t_string!(i18n, forum.page_outdated).to_string(),
        reload: t_string!(i18n, forum.reload).to_string(),
    };
    let page_title = title.clone();
    // A failed post of any form of the page puts "Erreur" in the title (RGAA 11.10).
    let form_errors = [
        thread.add_error,
        thread.edit_error,
        thread.delete_error,
        use_form_error(SetSupport::url()),
        use_form_error(SetFollow::url()),
        use_form_error(WithdrawProposal::url()),
        use_form_error(AnswerProposal::url()),
    ];
    let failed = move || form_errors.iter().any(|e| e.with(Option::is_some));
    let edited = detail.edited_at_ms;
    view! {
        <PageTitle text=title_failed_when(failed, move || page_title.clone()) />
        <article class="proposal">
            <h1>{title}</h1>
            <ProposalMeta proposal=detail.summary supports=Signal::stored(supports)
                comments=Signal::stored(comment_count) live=true />
            <LiveProposal proposal_id=id page=comments_page after=detail.event_seq texts=live_texts />
            {withdrawn.then(|| view! { <p class="notice">{t!(i18n, forum.withdrawn_notice)}</p> })}
            <ThanksForFlag />
            {match moderation {
                Visibility::Published => ().into_any(),
                Visibility::Held => view! { <p class="notice notice--warning">{t!(i18n, moderation.proposal_held)}</p> }.into_any(),
                Visibility::Hidden => view! {
                    <p class="notice notice--warning">
                        {t!(i18n, moderation.proposal_hidden)}" "
                        {is_author.then(|| view! { <a href="/mon-espace/moderation">{t!(i18n, moderation.see_decision)}</a> })}
                    </p>
                }.into_any(),
            }}
            {restriction.map(|sanction| view! { <PostingRestriction sanction /> })}
            <div class="prose" inner_html=detail.body_html></div>
            {edited.map(|at| view! { <p class="meta">{t!(i18n, forum.edited_on, date = move || moment(at, Style::Phrase))}</p> })}
            <OfficialAnswers answers />
            {published.then(|| view! { <SupportAndFollow id signed_in supported following withdrawn supports /> })}
            {(is_author && !withdrawn).then(|| view! { <AuthorActions id can_edit /> })}
            {(is_agent && !withdrawn && published).then(|| view! { <AnswerForm id current=status /> })}
            {(signed_in && !is_author && published).then(|| view! {
                <p class="meta"><a href=format!("/signaler/proposal/{id}")>{t!(i18n, moderation.flag_proposal)}</a></p>
            })}
            {is_moderator.then(|| view! {
                <p class="meta"><a href=format!("/moderation/proposal/{id}")>{t!(i18n, moderation.review_proposal)}</a></p>
            })}
        </article>
        <CommentSection ctx=thread page_count=comments.page_count comment_count />
    }
    .into_any()
}

/// The latest official answer, prominently, and the history of status changes.
#[component]
fn OfficialAnswers(answers: Vec<OfficialAnswer>) -> impl IntoView {
    let i18n = use_i18n();
    if answers.is_empty() {
        return ().into_any();
    }
    let latest = answers.iter().find(|a| !a.answer_html.is_empty()).cloned();
    view! {
        <section class="official-answer" id="reponse" aria-labelledby="reponse-titre">
            <h2 id="reponse-titre">{t!(i18n, forum.official_answer)}</h2>
            {latest.map(|answer| {
                let at = answer.created_at_ms;
                view! {
                    <p class="meta">{t!(i18n, forum.answered_on, date = move || moment(at, Style::Phrase))}</p>
                    <div class="prose" inner_html=answer.answer_html></div>
                }
            })}
            <details class="history">
                <summary>{t!(i18n, forum.status_history)}</summary>
                <ol role="list">
                    {answers.into_iter().map(|a| {
                        let date = moment(a.created_at_ms, Style::Stamp);
                        view! { <li>{date}" – "{status_label(a.status)}</li> }
                    }).collect_view()}
                </ol>
            </details>
        </section>
    }
    .into_any()
}

/// Support and follow buttons (plain forms), or the invitation to sign in.
#[component]
fn SupportAndFollow(
    id: i64,
    signed_in: bool,
    supported: bool,
    following: bool,
    withdrawn: bool,
    supports: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let support_error = use_form_error(SetSupport::url());
    let follow_error = use_form_error(SetFollow::url());
    if !signed_in {
        let href = format!("/connexion?suite=/forum/propositions/{id}");
        return view! {
            <section class="support" aria-label=t_string!(i18n, forum.support_section).to_string()>
                <p class="support__count" data-live="support-count"><SupportsText supports /></p>
                <p><A href=href>{t!(i18n, forum.sign_in_to_support)}</A></p>
            </section>
        }
        .into_any();
    }
    let support = if supported {
        view! {
            <p>{t!(i18n, forum.you_support)}</p>
            <form method="post" action=SetSupport::url()>
                <input type="hidden" name="proposal_id" value=id />
                <input type="hidden" name="support" value="0" />
                <button type="submit" class="button button--small">{t!(i18n, forum.unsupport)}</button>
            </form>
        }
        .into_any()
    } else if withdrawn {
        ().into_any()
    } else {
        view! {
            <form method="post" action=SetSupport::url()>
                <input type="hidden" name="proposal_id" value=id />
                <input type="hidden" name="support" value="1" />
                <button type="submit" class="button">{t!(i18n, forum.support)}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="support" aria-label=t_string!(i18n, forum.support_section).to_string()>
            <FormAlert error=support_error fields=&[] />
            <FormAlert error=follow_error fields=&[] />
            <p class="support__count" data-live="support-count"><SupportsText supports /></p>
            {support}
            <form method="post" action=SetFollow::url()>
                <input type="hidden" name="proposal_id" value=id />
                <input type="hidden" name="follow" value=if following { "0" } else { "1" } />
                <p class="meta">
                    {if following { t_string!(i18n, forum.you_follow) } else { t_string!(i18n, forum.follow_explained) }}
                </p>
                <button type="submit" class="button button--small button--secondary">
                    {if following { t_string!(i18n, forum.unfollow) } else { t_string!(i18n, forum.follow) }}
                </button>
            </form>
        </section>
    }
    .into_any()
}

/// The author's edit link (within the edit window) and withdraw button (confirmed).
#[component]
fn AuthorActions(id: i64, can_edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(WithdrawProposal::url());
    view! {
        <section class="author-actions" aria-label=t_string!(i18n, forum.your_proposal).to_string()>
            <FormAlert error fields=&[] />
            {can_edit.then(|| view! {
                <p><A href=format!("/forum/propositions/{id}/modifier")>{t!(i18n, forum.edit_proposal)}</A></p>
            })}
            <details class="confirm">
                <summary>{t!(i18n, forum.withdraw)}</summary>
                <form method="post" action=WithdrawProposal::url()>
                    <input type="hidden" name="id" value=id />
                    <p>{t!(i18n, forum.withdraw_confirm)}</p>
                    <button type="submit" class="button button--small button--danger">{t!(i18n, forum.withdraw_button)}</button>
                </form>
            </details>
        </section>
    }
    .into_any()
}

/// The agents' form: new status and official answer.
#[component]
fn AnswerForm(id: i64, current: ProposalStatus) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(AnswerProposal::url());
    let values = use_typed_values("answer_proposal", error);
    let typed_status = typed(values, "status");
    let status = Signal::derive(move || {
        if error.with(Option::is_some) {
            typed_status.get()
        } else {
            current.as_str().to_owned()
        }
    });
    let statuses: Vec<(String, String)> = ProposalStatus::ALL
        .into_iter()
        .map(|s| (s.as_str().to_owned(), status_label(s)))
        .collect();
    view! {
        <section class="agent-answer" aria-labelledby="repondre-titre">
            <h2 id="repondre-titre">{t!(i18n, forum.answer_title)}</h2>
            <FormAlert error fields=&["status", "answer"] />
            <form class="form" method="post" action=AnswerProposal::url() novalidate>
                <crate::ui::form::OnceField />
                <input type="hidden" name="proposal_id" value=id />
                <SelectField name="status" options=statuses
                    placeholder=Signal::derive(move || t_string!(i18n, forum.choose_status).to_string())
                    label=Signal::derive(move || t_string!(i18n, forum.new_status).to_string())
                    value=status errors=errors_of(error, "status") />
                <TextAreaField name="answer" required=false
                    label=Signal::derive(move || t_string!(i18n, forum.answer_text).to_string())
                    hint=Signal::derive(move || t_string!(i18n, forum.answer_hint).to_string())
                    value=typed(values, "answer") errors=errors_of(error, "answer") />
                <button type="submit" class="button">{t!(i18n, forum.publish_answer)}</button>
            </form>
        </section>
    }
    .into_any()
}

/// `/forum/propositions/:id/modifier`: the author's edit form.
#[component]
pub fn EditProposalPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = proposal_id();
    let error = use_form_error(EditProposal::url());
    let values = use_typed_values("edit_proposal", error);
    let proposal = Resource::new(move || id.get(), get_editable_proposal);
    let categories = Resource::new(|| (), |_| get_forum_categories());
    view! {
        <PageTitle text=title_with_error(error, move || t_string!(i18n, forum.edit_title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, forum.edit_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let detail = match proposal.await {
                        Ok(detail) => detail,
                        Err(error) => return view! { <AccessDenied error /> }.into_any(),
                    };
                    let categories = categories.await.unwrap_or(ForumCategories {
                        themes: Vec::new(),
                        neighbourhoods: Vec::new(),
                    });
                    let pid = detail.summary.id;
                    let stored = [
                        ("title", detail.summary.title.clone()),
                        ("body", detail.body.clone()),
                        ("theme", detail.summary.theme.slug.clone()),
                        ("neighbourhood", detail.summary.neighbourhood.as_ref().map(|n| n.slug.clone()).unwrap_or_default()),
                    ];
                    let initial = move |field: &'static str| {
                        let saved = stored.iter().find(|(f, _)| *f == field).map(|(_, v)| v.clone()).unwrap_or_default();
                        let typed = typed(values, field);
                        Signal::derive(move || {
                            if error.with(Option::is_some) { typed.get() } else { saved.clone() }
                        })
                    };
                    view! {
                        <p>{t!(i18n, forum.edit_intro)}</p>
                        <PostForm action=EditProposal::url() error
                            fields=&["title", "body", "theme", "neighbourhood"]
                            submit=Signal::derive(move || t_string!(i18n, forum.save_proposal).to_string())>
                            <input type="hidden" name="id" value=pid />
                            <ProposalFields categories error value=initial />
                        </PostForm>
                        <p><A href=format!("/forum/propositions/{pid}")>{t!(i18n, forum.cancel)}</A></p>
                    }
                    .into_any()
                })}
            </Suspense>
        </div>
    }
}
