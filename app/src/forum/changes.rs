//! What changed on an open proposal page: the fragment a live update fetches.
//!
//! When a page's event stream names changed comments (or a new support count), the
//! page's island asks `/forum/propositions/<id>/changements?commentaires=<page>&ids=…`
//! and receives only the changed comments and the counts, as HTML in the page's
//! language, instead of the whole page again.
//!
//! What a visitor receives is computed for them, with their own rights (held comments
//! only for their author and moderators, the author's own buttons, a restricted poster
//! without reply links), and then rendered by a pure function of that computed input
//! ([`PageChanges`]) and the language. The server keeps renders by a digest of that input
//! (the server's `live` module), so every visitor for whom the input is the same (every
//! signed-out reader, every resident who wrote none of the changed comments…) shares one
//! render, and no visitor can receive a render made from anyone else's input.

use super::comments::components::{ChangedComments, ThreadContext};
use super::comments::repo::{self as comment_repo, Reader};
use super::comments::service::{page_of, view_of};
use super::model::{CommentView, THREADS_PER_PAGE};
use super::pages::{CountsText, SupportsText};
use crate::error::{internal, AppError};
use crate::i18n::{t, use_i18n, Locale};
use crate::moderation::model::Visibility;
use crate::server::state::AppState;
use crate::site::model::Lang;
use leptos::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Comments a live update may ask for at once; more, and the page is fetched whole.
pub const MAX_IDS: usize = 50;

/// Who asks, and what they may do on the forum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub moderator: bool,
    /// Barred from posting by a moderation sanction: no reply links.
    pub restricted: bool,
}

impl Viewer {
    /// The visitor signed in as `user_id` (an account since deleted reads as signed out).
    pub async fn of(state: &AppState, user_id: Option<i64>) -> Result<Viewer, AppError> {
        let Some(user_id) = user_id else {
            return Ok(Viewer::default());
        };
        let Some(user) = crate::accounts::repo::find_by_id(state.db.pool(), user_id)
            .await
            .map_err(internal)?
        else {
            return Ok(Viewer::default());
        };
        let restricted = crate::moderation::reads::restriction(state, user_id)
            .await?
            .is_some();
        Ok(Viewer {
            user_id: Some(user_id),
            moderator: user
                .roles
                .contains(&crate::accounts::model::Role::Moderator),
            restricted,
        })
    }

    fn reader(self) -> Reader {
        Reader {
            user_id: self.user_id,
            moderator: self.moderator,
        }
    }
}

/// Everything a fragment shows, as one visitor sees it. The render depends on nothing
/// else but the language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageChanges {
    pub proposal_id: i64,
    /// The page of threads the visitor has open.
    pub page: u32,
    pub signed_in: bool,
    pub moderator: bool,
    /// Replies may be written (not withdrawn, published, the visitor not restricted).
    pub open: bool,
    pub supports: i64,
    pub comment_count: i64,
    /// When comments were asked for: whether the open page now shows no thread.
    pub empty: Option<bool>,
    /// The asked comments the visitor sees on that page, oldest first (a parent before
    /// its replies).
    pub comments: Vec<CommentView>,
}

/// The changes of proposal `proposal_id` that `viewer`, reading page `page` of its
/// threads, asks for: comments `ids` (at most [`MAX_IDS`]) and the counts.
pub async fn changes(
    state: &AppState,
    proposal_id: i64,
    viewer: Viewer,
    page: u32,
    ids: &[i64],
) -> Result<PageChanges, AppError> {
    if ids.len() > MAX_IDS {
        return Err(AppError::field("ids", "errors.invalid"));
    }
    let reader = viewer.reader();
    let detail = super::service::proposal_for(state, proposal_id, reader).await?;
    let published = detail.moderation == Visibility::Published;
    let page = page.max(1);
    let mut comments = Vec::new();
    let mut empty = None;
    if !ids.is_empty() {
        let pool = state.db.pool();
        let records = comment_repo::by_ids(pool, proposal_id, ids, reader)
            .await
            .map_err(internal)?;
        let now = state.clock.now_ms();
        let window = state.forum.comment_edit_ms;
        // The page each thread is on, looked up once per thread.
        let mut pages: HashMap<i64, u32> = HashMap::new();
        for record in &records {
            let root = record.root_id.unwrap_or(record.id);
            let on = match pages.get(&root) {
                Some(on) => *on,
                None => {
                    let on = page_of(state, proposal_id, record.id, record.root_id, reader).await?;
                    pages.insert(root, on);
                    on
                }
            };
            if on == page {
                comments.push(view_of(
                    record,
                    reader.user_id,
                    reader.moderator,
                    now,
                    window,
                ));
            }
        }
        let threads = comment_repo::thread_count(pool, proposal_id, reader)
            .await
            .map_err(internal)?;
        empty = Some(threads <= i64::from(page - 1) * i64::from(THREADS_PER_PAGE));
    }
    Ok(PageChanges {
        proposal_id,
        page,
        signed_in: viewer.user_id.is_some(),
        moderator: viewer.moderator,
        open: !detail.summary.withdrawn && published && !viewer.restricted,
        supports: detail.summary.support_count,
        comment_count: detail.summary.comment_count,
        empty,
        comments,
    })
}

/// What identifies a render: a digest of everything it shows, and its language.
pub fn render_key(changes: &PageChanges, lang: Lang) -> String {
    use sha2::{Digest, Sha256};
    let input = serde_json::to_vec(changes).unwrap_or_default();
    let digest = Sha256::new()
        .chain_update(lang.code())
        .chain_update([0])
        .chain_update(&input)
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fragment's HTML: elements named like the page's live regions (`data-live`) with
/// their new content, and the changed comments (`data-changes`), each with its parent.
/// Runs inside a Tokio runtime.
pub fn render(changes: &PageChanges, lang: Lang) -> String {
    let locale = crate::mail::templates::locale_of(lang);
    crate::site::locale::install_plural_rules();
    // The translations' context starts a reactive effect; pages rendered by Leptos run on
    // the same executor (set once per process: this call is a no-op after the first).
    let _ = any_spawner::Executor::init_tokio();
    let owner = Owner::new();
    let html = owner.with(|| {
        let i18n =
            leptos_i18n::context::init_i18n_subcontext::<Locale>(Some(Signal::stored(locale)));
        provide_context(i18n);
        let changes = changes.clone();
        view! { <Changes changes /> }.to_html()
    });
    owner.unset();
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>-</title></head><body>{html}</body></html>",
        lang.code()
    )
}

/// The text of `err` for the fragment's caller, in `lang`.
pub fn error_text(err: &AppError, lang: Lang) -> String {
    use crate::i18n::td_string;
    let locale = crate::mail::templates::locale_of(lang);
    match err {
        AppError::NotFound => td_string!(locale, errors.not_found),
        AppError::Forbidden => td_string!(locale, errors.forbidden),
        AppError::Unauthenticated => td_string!(locale, errors.unauthenticated),
        AppError::Validation(_) => td_string!(locale, errors.invalid),
        AppError::RateLimited => td_string!(locale, errors.rate_limited),
        AppError::Busy => td_string!(locale, errors.busy),
        _ => td_string!(locale, errors.internal),
    }
    .to_string()
}

#[component]
fn Changes(changes: PageChanges) -> impl IntoView {
    let i18n = use_i18n();
    let PageChanges {
        proposal_id,
        page,
        signed_in,
        moderator,
        open,
        supports,
        comment_count,
        empty,
        comments,
    } = changes;
    let shown = RwSignal::new(comments);
    let none = Memo::new(|_| None);
    let ctx = ThreadContext {
        proposal_id,
        page,
        comments: shown,
        // Replies are not repeated: the page keeps those it shows.
        by_parent: Memo::new(|_| HashMap::new()),
        signed_in,
        moderator,
        open,
        reply_to: Signal::stored(None),
        editing: Signal::stored(None),
        add_error: none,
        edit_error: none,
        delete_error: none,
        add_body: Signal::stored(String::new()),
        edit_body: Signal::stored(String::new()),
    };
    view! {
        <div data-live="support-count"><SupportsText supports /></div>
        <div data-live="proposal-counts"><CountsText supports comments=comment_count /></div>
        <div data-live="comment-heading">{t!(i18n, forum.comments_title)}" ("{comment_count}")"</div>
        {empty.map(|empty| view! {
            <div data-live="comments-empty">{empty.then(|| view! { <p>{t!(i18n, forum.no_comments)}</p> })}</div>
        })}
        <ChangedComments ctx />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes() -> PageChanges {
        PageChanges {
            proposal_id: 3,
            page: 1,
            signed_in: false,
            moderator: false,
            open: true,
            supports: 2,
            comment_count: 1,
            empty: Some(false),
            comments: vec![CommentView {
                id: 9,
                parent_id: Some(4),
                depth: 1,
                author_name: Some("Inès".to_owned()),
                body_html: "<p>Bonne idée</p>".to_owned(),
                created_at_ms: 1_700_000_000_000,
                edited: false,
                deleted: false,
                editable: false,
                deletable: false,
                source: None,
                moderation: Visibility::Published,
            }],
        }
    }

    #[tokio::test]
    async fn the_fragment_holds_the_counts_and_the_comment_under_its_parent() {
        let html = render(&changes(), Lang::Fr);
        assert!(html.contains("<html lang=\"fr\">"), "{html}");
        assert!(html.contains("data-live=\"support-count\""), "{html}");
        assert!(html.contains("data-live=\"support-count\">2"), "{html}");
        assert!(html.contains("2<!> soutiens</div>"), "{html}");
        assert!(html.contains("data-parent=\"4\""), "{html}");
        assert!(html.contains("id=\"commentaire-9\""), "{html}");
        assert!(html.contains("<p>Bonne idée</p>"), "{html}");
        // Signed out: no reply, flag or delete.
        assert!(!html.contains("repondre=9"), "{html}");
        assert!(!html.contains("/signaler/comment/9"), "{html}");
        let english = render(&changes(), Lang::En);
        assert!(english.contains("<html lang=\"en\">"), "{english}");
        assert!(english.contains("2<!> supports</div>"), "{english}");
    }

    #[test]
    fn a_render_is_named_by_everything_it_shows_and_its_language() {
        let base = changes();
        let key = render_key(&base, Lang::Fr);
        assert_eq!(key, render_key(&base.clone(), Lang::Fr));
        assert_ne!(key, render_key(&base, Lang::En));
        let mut mine = base.clone();
        mine.comments[0].deletable = true;
        assert_ne!(key, render_key(&mine, Lang::Fr));
        let mut signed_in = base;
        signed_in.signed_in = true;
        assert_ne!(key, render_key(&signed_in, Lang::Fr));
    }
}
