//! The comment threads of a proposal page. Replying and editing open a form in place
//! through the URL (`?repondre=12`, `?modifier=12`), so they work without JavaScript;
//! with it, comments posted by others appear as they are written. Links are plain `<a>`
//! (the router still handles them in the browser): a page shows dozens of them, and the
//! router's `<A>` costs far more to render on the server.

use super::api::{AddComment, DeleteComment, EditComment};
use crate::error::AppError;
use crate::forum::model::{CommentView, MAX_COMMENT_DEPTH};
use crate::i18n::{t, t_string, use_i18n};
use crate::moderation::model::Visibility;
use crate::ui::form::{errors_of, FormAlert, TextAreaField};
use crate::ui::time::{moment, Style};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use std::collections::HashMap;

/// Groups comments by parent, keeping their order.
pub fn group_by_parent(comments: &[CommentView]) -> HashMap<Option<i64>, Vec<CommentView>> {
    let mut groups: HashMap<Option<i64>, Vec<CommentView>> = HashMap::new();
    for comment in comments {
        groups
            .entry(comment.parent_id)
            .or_default()
            .push(comment.clone());
    }
    groups
}

/// What every comment of a page needs to know to render itself and its forms.
#[derive(Clone, Copy)]
pub struct ThreadContext {
    pub proposal_id: i64,
    /// Page of threads shown (1-based).
    pub page: u32,
    /// The page's comments in reading order.
    pub comments: RwSignal<Vec<CommentView>>,
    /// The same comments grouped by parent (computed once per change, not per list).
    pub by_parent: Memo<HashMap<Option<i64>, Vec<CommentView>>>,
    pub signed_in: bool,
    /// The visitor moderates: every comment links to its review page.
    pub moderator: bool,
    /// False once the proposal is withdrawn: no more comments or replies.
    pub open: bool,
    /// The comment being answered (`?repondre=`), if any.
    pub reply_to: Signal<Option<i64>>,
    /// The comment being edited (`?modifier=`), if any.
    pub editing: Signal<Option<i64>>,
    pub add_error: Memo<Option<AppError>>,
    pub edit_error: Memo<Option<AppError>>,
    pub delete_error: Memo<Option<AppError>>,
    /// What was typed before a failed post of a comment or an edit.
    pub add_body: Signal<String>,
    pub edit_body: Signal<String>,
}

impl ThreadContext {
    /// The proposal page at this page of threads, with `extra` query parameters and
    /// fragment.
    fn url(&self, extra: &str) -> String {
        format!(
            "/forum/propositions/{}?commentaires={}{extra}",
            self.proposal_id, self.page
        )
    }
}

/// The comments heading, threads, page links and the form for a new comment.
#[component]
pub fn CommentSection(ctx: ThreadContext, page_count: u32, comment_count: i64) -> impl IntoView {
    let i18n = use_i18n();
    let empty = move || {
        ctx.comments
            .with(|c| c.iter().all(|c| c.parent_id.is_some()))
    };
    let pid = ctx.proposal_id;
    let page = ctx.page;
    let page_link =
        move |n: u32| format!("/forum/propositions/{pid}?commentaires={n}#commentaires");
    view! {
        <section class="comments" id="commentaires" aria-labelledby="commentaires-titre">
            <h2 id="commentaires-titre" data-live="comment-heading">
                {t!(i18n, forum.comments_title)}" ("{comment_count}")"
            </h2>
            <FormAlert error=ctx.delete_error fields=&[] />
            <div data-live="comments-empty">
                <Show when=empty>
                    <p>{t!(i18n, forum.no_comments)}</p>
                </Show>
            </div>
            // Live updates add new comments here (crate::ui::live).
            {threads(ctx)}
            {(page_count > 1).then(|| view! {
                <nav class="pagination" aria-label=t_string!(i18n, forum.comment_pages).to_string()>
                    {(page > 1).then(|| view! { <a href=page_link(page - 1)>{t!(i18n, forum.previous_comments)}</a> })}
                    <span>{t!(i18n, forum.page_of, page = move || page, pages = move || page_count)}</span>
                    {(page < page_count).then(|| view! { <a href=page_link(page + 1)>{t!(i18n, forum.next_comments)}</a> })}
                </nav>
            })}
            {move || new_comment_form(ctx)}
        </section>
    }
    .into_any()
}

/// The threads of the page. Without a reply or edit form open, their render is shared
/// by every visitor who sees them the same way (`super::renders`).
fn threads(ctx: ThreadContext) -> AnyView {
    #[cfg(feature = "ssr")]
    if ctx.reply_to.get_untracked().is_none() && ctx.editing.get_untracked().is_none() {
        if let Ok(state) = crate::server::state::app_state() {
            let input = super::renders::ThreadsInput {
                locale: use_i18n().get_locale_untracked(),
                proposal_id: ctx.proposal_id,
                page: ctx.page,
                signed_in: ctx.signed_in,
                moderator: ctx.moderator,
                open: ctx.open,
                minute: state.clock.now_ms().div_euclid(60_000),
                comments: ctx.comments.get_untracked(),
            };
            let html = state.live.threads.get_or_render(&input, || {
                view! { <CommentList parent=None ctx /> }.to_html()
            });
            return view! {
                <div class="comment-threads" data-threads="" inner_html=html.to_string()></div>
            }
            .into_any();
        }
    }
    view! {
        <div class="comment-threads" data-threads="">
            <CommentList parent=None ctx />
        </div>
    }
    .into_any()
}

/// The form under the threads, or why there is none.
fn new_comment_form(ctx: ThreadContext) -> AnyView {
    let i18n = use_i18n();
    if !ctx.open {
        return view! { <p class="notice">{t!(i18n, forum.comments_closed)}</p> }.into_any();
    }
    if !ctx.signed_in {
        let href = format!(
            "/connexion?suite={}",
            crate::ui::encode_query(&format!("/forum/propositions/{}", ctx.proposal_id))
        );
        return view! { <p><a href=href>{t!(i18n, forum.sign_in_to_comment)}</a></p> }.into_any();
    }
    if ctx.reply_to.get().is_some() {
        return ().into_any();
    }
    view! {
        <h3 id="nouveau-commentaire">{t!(i18n, forum.new_comment)}</h3>
        <CommentForm ctx parent=None />
    }
    .into_any()
}

/// The form posting a comment or a reply to `parent`.
#[component]
fn CommentForm(ctx: ThreadContext, parent: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let suffix = parent.map_or_else(|| "nouveau".to_owned(), |p| format!("reponse-{p}"));
    let label = if parent.is_some() {
        Signal::derive(move || t_string!(i18n, forum.your_reply).to_string())
    } else {
        Signal::derive(move || t_string!(i18n, forum.your_comment).to_string())
    };
    view! {
        <FormAlert error=ctx.add_error fields=&["body"] />
        <form class="form form--compact" method="post" action=AddComment::url() novalidate>
            <crate::ui::form::OnceField />
            <input type="hidden" name="proposal_id" value=ctx.proposal_id />
            {parent.map(|p| view! { <input type="hidden" name="parent_id" value=p /> })}
            <TextAreaField name="body" rows=4 id_suffix=suffix label
                hint=Signal::derive(move || t_string!(i18n, forum.comment_hint).to_string())
                value=ctx.add_body errors=errors_of(ctx.add_error, "body") />
            <button type="submit" class="button">
                {if parent.is_some() { t_string!(i18n, forum.send_reply) } else { t_string!(i18n, forum.send_comment) }}
            </button>
        </form>
    }
    .into_any()
}

/// The replies to `parent` (the top-level comments for `None`), as a list.
#[component]
fn CommentList(parent: Option<i64>, ctx: ThreadContext) -> impl IntoView {
    let children = Memo::new(move |_| {
        ctx.by_parent
            .with(|groups| groups.get(&parent).cloned().unwrap_or_default())
    });
    view! {
        <Show when=move || !children.with(Vec::is_empty)>
            <ol class="comment-list" role="list">
                <For
                    each=move || children.get()
                    key=|c| (c.id, c.deleted, c.moderation, c.body_html.clone())
                    children=move |comment| view! { <li><CommentItem comment ctx /></li> }
                />
            </ol>
        </Show>
    }
}

/// Changed comments for a live update (`crate::forum::changes`), each in a list item
/// naming its parent (`data-parent`), without their replies: the open page puts a new
/// one under its parent and replaces a changed one, keeping the replies it shows.
#[component]
pub fn ChangedComments(ctx: ThreadContext) -> impl IntoView {
    let comments = ctx.comments.get_untracked();
    view! {
        <ol data-changes="" role="list">
            {comments.into_iter().map(|comment| {
                let parent = comment.parent_id.map(|p| p.to_string());
                view! { <li data-parent=parent><CommentItem comment ctx /></li> }
            }).collect_view()}
        </ol>
    }
}

/// One comment: who and when, its text (or its edit form), its buttons, its replies.
#[component]
fn CommentItem(comment: CommentView, ctx: ThreadContext) -> impl IntoView {
    let i18n = use_i18n();
    let id = comment.id;
    let author = comment
        .author_name
        .clone()
        .unwrap_or_else(|| t_string!(i18n, forum.former_participant).to_string());
    let date = moment(comment.created_at_ms, Style::Stamp);
    let published = comment.moderation == Visibility::Published;
    let can_reply = ctx.signed_in
        && ctx.open
        && published
        && !comment.deleted
        && comment.depth < MAX_COMMENT_DEPTH;
    // Others' published comments can be flagged; moderators review any comment.
    let can_flag = ctx.signed_in && published && !comment.deleted && !comment.deletable;
    let masked = comment.moderation == Visibility::Hidden && comment.body_html.is_empty();
    let mark = match comment.moderation {
        Visibility::Hidden if !masked => Some(t_string!(i18n, moderation.hidden_mark).to_string()),
        Visibility::Held => Some(t_string!(i18n, moderation.held_mark).to_string()),
        _ => None,
    };
    let editable = comment.editable && ctx.open;
    let deletable = comment.deletable;
    let deleted = comment.deleted;
    let body_html = comment.body_html.clone();
    let source = comment.source.clone().unwrap_or_default();
    let reply_href = ctx.url(&format!("&repondre={id}#repondre-{id}"));
    let edit_href = ctx.url(&format!("&modifier={id}#commentaire-{id}"));
    let reply_author = author.clone();
    let flag_author = author.clone();
    let body = move || {
        if deleted {
            view! { <p class="comment__deleted">{t!(i18n, forum.comment_deleted)}</p> }.into_any()
        } else if masked {
            view! { <p class="comment__deleted">{t!(i18n, moderation.comment_hidden)}</p> }
                .into_any()
        } else if editable && ctx.editing.get() == Some(id) {
            let typed_body = ctx.edit_body;
            let source = source.clone();
            let value = Signal::derive(move || {
                let typed = typed_body.get();
                if typed.is_empty() {
                    source.clone()
                } else {
                    typed
                }
            });
            view! {
                <FormAlert error=ctx.edit_error fields=&["body"] />
                <form class="form form--compact" method="post" action=EditComment::url() novalidate>
                    <input type="hidden" name="comment_id" value=id />
                    <TextAreaField name="body" rows=4 id_suffix=format!("modifier-{id}")
                        label=Signal::derive(move || t_string!(i18n, forum.edit_comment_label).to_string())
                        value errors=errors_of(ctx.edit_error, "body") />
                    <button type="submit" class="button">{t!(i18n, forum.save_comment)}</button>
                    " "<a href=ctx.url(&format!("#commentaire-{id}"))>{t!(i18n, forum.cancel)}</a>
                </form>
            }
            .into_any()
        } else {
            view! { <div class="prose" inner_html=body_html.clone()></div> }.into_any()
        }
    };
    view! {
        <article class="comment" id=format!("commentaire-{id}")>
            <p class="comment__meta">
                <span class="comment__author">{if deleted || masked { String::new() } else { author }}</span>
                {(!deleted && !masked).then_some(" · ")}
                <span>{date}</span>
                {comment.edited.then(|| view! { " · "{t!(i18n, forum.edited)} })}
                {mark.map(|m| view! { " " <span class="badge badge--warning">{m}</span> })}
            </p>
            {body}
            <div class="comment__actions">
                {can_reply.then(|| view! {
                    <a href=reply_href.clone()>
                        {t!(i18n, forum.reply)}
                        <span class="visually-hidden">{t!(i18n, forum.reply_to, name = move || reply_author.clone())}</span>
                    </a>
                })}
                {editable.then(|| view! { <a href=edit_href.clone()>{t!(i18n, forum.edit)}</a> })}
                {can_flag.then(|| view! {
                    <a href=format!("/signaler/comment/{id}")>
                        {t!(i18n, moderation.flag)}
                        <span class="visually-hidden">{t!(i18n, moderation.flag_comment_of, name = move || flag_author.clone())}</span>
                    </a>
                })}
                {ctx.moderator.then(|| view! {
                    <a href=format!("/moderation/comment/{id}")>{t!(i18n, moderation.review)}</a>
                })}
                {deletable.then(|| view! {
                    <details class="confirm">
                        <summary>{t!(i18n, forum.delete)}</summary>
                        <form method="post" action=DeleteComment::url()>
                            <input type="hidden" name="comment_id" value=id />
                            <p>{t!(i18n, forum.delete_comment_confirm)}</p>
                            <button type="submit" class="button button--small button--danger">{t!(i18n, forum.delete_confirm)}</button>
                        </form>
                    </details>
                })}
            </div>
            {move || (can_reply && ctx.reply_to.get() == Some(id)).then(|| view! {
                <div class="comment__reply" id=format!("repondre-{id}")>
                    <CommentForm ctx parent=Some(id) />
                    <a href=ctx.url(&format!("#commentaire-{id}"))>{t!(i18n, forum.cancel)}</a>
                </div>
            })}
            <CommentList parent=Some(id) ctx />
        </article>
    }
    // Erased: a comment holds its replies, which are comments (the type would recurse).
    .into_any()
}
