//! Rules of comments: who may write, reply, edit and delete, and how a page of threads
//! is put in reading order.

use super::repo::{self, CommentRecord, Placement, Reader};
use crate::error::{internal, AppError};
use crate::forum::model::{
    CommentPage, CommentView, LiveEvent, COMMENT_MAX_CHARS, MAX_COMMENT_DEPTH, THREADS_PER_PAGE,
};
use crate::forum::service::render_markdown;
use crate::forum::service::require_state;
use crate::forum::{events, follows};
use crate::moderation::model::{ItemKind, Visibility};
use crate::moderation::service::{admit, hold, Change, Posting};
use crate::server::state::AppState;
use std::collections::HashMap;

/// A comment's text, trimmed and within limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    pub fn parse(raw: &str) -> Result<CommentBody, AppError> {
        let body = raw.trim();
        if body.is_empty() {
            Err(AppError::field("body", "errors.required"))
        } else if body.chars().count() > COMMENT_MAX_CHARS {
            Err(AppError::field("body", "errors.comment_too_long"))
        } else {
            Ok(CommentBody(body.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored comment as `viewer` sees it: deleted text stays hidden, text hidden by
/// moderation too (but from its author and moderators), and only its author gets the
/// edit (within the window, not once hidden) and delete buttons.
pub fn view_of(
    record: &CommentRecord,
    viewer: Option<i64>,
    moderator: bool,
    now_ms: i64,
    edit_window_ms: i64,
) -> CommentView {
    let deleted = record.deleted_at_ms.is_some();
    let mine = !deleted && viewer.is_some() && viewer == record.author_id;
    let hidden = record.moderation == Visibility::Hidden;
    let masked = deleted || (hidden && !mine && !moderator);
    let editable = mine && !hidden && now_ms - record.created_at_ms <= edit_window_ms;
    CommentView {
        id: record.id,
        parent_id: record.parent_id,
        depth: u32::try_from(record.depth).unwrap_or(0),
        author_name: if masked {
            None
        } else {
            record.author_name.clone()
        },
        body_html: if masked {
            String::new()
        } else {
            record.body_html.clone()
        },
        created_at_ms: record.created_at_ms,
        edited: record.edited_at_ms.is_some(),
        deleted,
        editable,
        deletable: mine,
        source: editable.then(|| record.body.clone()),
        moderation: record.moderation,
    }
}

/// Puts a page's records in reading order: each top-level comment, then its replies,
/// each reply directly under its parent (depth first, oldest first).
pub fn reading_order(records: Vec<CommentRecord>) -> Vec<CommentRecord> {
    let mut children: HashMap<Option<i64>, Vec<CommentRecord>> = HashMap::new();
    for record in records {
        children.entry(record.parent_id).or_default().push(record);
    }
    for list in children.values_mut() {
        list.sort_by_key(|r| r.id);
        list.reverse();
    }
    let mut ordered = Vec::new();
    let mut stack: Vec<CommentRecord> = children.remove(&None).unwrap_or_default();
    while let Some(record) = stack.pop() {
        if let Some(replies) = children.remove(&Some(record.id)) {
            stack.extend(replies);
        }
        ordered.push(record);
    }
    ordered
}

/// Page `page` (1-based) of a proposal's threads for `reader`.
pub async fn page(
    state: &AppState,
    proposal_id: i64,
    reader: Reader,
    page: u32,
) -> Result<CommentPage, AppError> {
    let pool = state.db.pool();
    let threads = repo::thread_count(pool, proposal_id, reader)
        .await
        .map_err(internal)?;
    let size = i64::from(THREADS_PER_PAGE);
    let page_count = u32::try_from(((threads + size - 1) / size).max(1)).unwrap_or(u32::MAX);
    let page = page.clamp(1, page_count);
    let records = repo::threads(pool, proposal_id, reader, size, i64::from(page - 1) * size)
        .await
        .map_err(internal)?;
    let now = state.clock.now_ms();
    let window = state.forum.comment_edit_ms;
    Ok(CommentPage {
        comments: reading_order(records)
            .iter()
            .map(|r| view_of(r, reader.user_id, reader.moderator, now, window))
            .collect(),
        page,
        page_count,
    })
}

/// The page of threads showing comment `id`'s thread.
pub async fn page_of(
    state: &AppState,
    proposal_id: i64,
    id: i64,
    root_id: Option<i64>,
    reader: Reader,
) -> Result<u32, AppError> {
    let before = repo::threads_before(state.db.pool(), proposal_id, root_id.unwrap_or(id), reader)
        .await
        .map_err(internal)?;
    Ok(u32::try_from(before / i64::from(THREADS_PER_PAGE) + 1).unwrap_or(1))
}

/// Posts `author_id`'s comment on a proposal, as a reply to `parent_id` if given. In one
/// transaction: the comment, the proposal's count, the live event, the author's follow
/// and the followers' notifications; or, when it must wait for a moderator, the comment
/// held in the queue. Returns the comment's id and its page.
pub async fn add_comment(
    state: &AppState,
    author_id: i64,
    proposal_id: i64,
    parent_id: Option<i64>,
    body: &CommentBody,
) -> Result<(i64, u32), AppError> {
    let now = state.clock.now_ms();
    let html = render_markdown(body.as_str());
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let proposal = require_state(&mut tx, proposal_id).await?;
    if proposal.moderation != Visibility::Published {
        return Err(AppError::NotFound);
    }
    if proposal.withdrawn {
        return Err(AppError::field("body", "errors.proposal_withdrawn"));
    }
    let admission = admit(
        state,
        &mut tx,
        author_id,
        Posting::Comment { proposal_id },
        body.as_str(),
        Change::New,
    )
    .await?;
    let placement = match parent_id {
        None => None,
        Some(parent_id) => {
            let parent = repo::find(&mut tx, parent_id)
                .await
                .map_err(internal)?
                .filter(|p| p.proposal_id == proposal_id)
                .ok_or(AppError::NotFound)?;
            if parent.deleted_at_ms.is_some() {
                return Err(AppError::field("body", "errors.reply_to_deleted"));
            }
            if parent.moderation != Visibility::Published {
                return Err(AppError::field("body", "errors.reply_to_hidden"));
            }
            if parent.depth >= i64::from(MAX_COMMENT_DEPTH) {
                return Err(AppError::field("body", "errors.reply_too_deep"));
            }
            Some(Placement {
                parent_id: parent.id,
                root_id: parent.root_id.unwrap_or(parent.id),
                depth: parent.depth + 1,
            })
        }
    };
    let id = repo::insert(
        &mut tx,
        proposal_id,
        placement,
        author_id,
        body.as_str(),
        &html,
        admission.visibility,
        now,
    )
    .await
    .map_err(internal)?;
    let record = repo::find(&mut tx, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Internal)?;
    if let Some(cause) = admission.cause {
        hold(
            &mut tx,
            ItemKind::Comment,
            id,
            proposal_id,
            author_id,
            cause,
            now,
        )
        .await?;
    } else {
        events::record(&mut tx, proposal_id, &LiveEvent::Comment { id }, now)
            .await
            .map_err(internal)?;
        crate::notifications::repo::notify_comment(&mut tx, proposal_id, author_id, now)
            .await
            .map_err(internal)?;
    }
    follows::follow(&mut tx, proposal_id, author_id, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.live_changed(Some(proposal_id));
    let reader = Reader::resident(author_id);
    let page = page_of(state, proposal_id, id, record.root_id, reader).await?;
    Ok((id, page))
}

/// Loads comment `id` for a change by `user_id`: it must be theirs, not deleted, on a
/// proposal still open to comments.
async fn own_comment(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    user_id: i64,
) -> Result<CommentRecord, AppError> {
    let record = repo::find(conn, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if record.deleted_at_ms.is_some() {
        return Err(AppError::NotFound);
    }
    if record.author_id != Some(user_id) {
        return Err(AppError::Forbidden);
    }
    let proposal = require_state(conn, record.proposal_id).await?;
    if proposal.moderation == Visibility::Hidden {
        return Err(AppError::field("body", "errors.hidden_by_moderation"));
    }
    if proposal.withdrawn {
        return Err(AppError::field("body", "errors.proposal_withdrawn"));
    }
    Ok(record)
}

/// The author's new text for their comment, within the edit window. Returns the
/// comment's proposal and page.
pub async fn edit_comment(
    state: &AppState,
    user_id: i64,
    id: i64,
    body: &CommentBody,
) -> Result<(i64, u32), AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let record = own_comment(&mut tx, id, user_id).await?;
    if record.moderation == Visibility::Hidden {
        return Err(AppError::field("body", "errors.hidden_by_moderation"));
    }
    if now - record.created_at_ms > state.forum.comment_edit_ms {
        return Err(AppError::field("body", "errors.edit_window_over"));
    }
    let admission = admit(
        state,
        &mut tx,
        user_id,
        Posting::Comment {
            proposal_id: record.proposal_id,
        },
        body.as_str(),
        Change::Edit,
    )
    .await?;
    let html = render_markdown(body.as_str());
    repo::update_body(&mut tx, id, body.as_str(), &html, now)
        .await
        .map_err(internal)?;
    let updated = repo::find(&mut tx, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Internal)?;
    if let Some(cause) = admission.cause {
        crate::moderation::service::hold_edited(&mut tx, ItemKind::Comment, id, cause, now).await?;
    } else if updated.moderation == Visibility::Published {
        events::record(
            &mut tx,
            record.proposal_id,
            &LiveEvent::CommentEdited { id },
            now,
        )
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.live_changed(Some(record.proposal_id));
    let page = page_of(
        state,
        record.proposal_id,
        id,
        record.root_id,
        Reader::resident(user_id),
    )
    .await?;
    Ok((record.proposal_id, page))
}

/// Deletes the author's comment: its text goes, its place and its replies stay. Returns
/// the comment's proposal and page.
pub async fn delete_comment(
    state: &AppState,
    user_id: i64,
    id: i64,
) -> Result<(i64, u32), AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let record = own_comment(&mut tx, id, user_id).await?;
    if repo::mark_deleted(&mut tx, id, record.proposal_id, now)
        .await
        .map_err(internal)?
        && record.moderation == Visibility::Published
    {
        events::record(
            &mut tx,
            record.proposal_id,
            &LiveEvent::CommentDeleted { id },
            now,
        )
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.live_changed(Some(record.proposal_id));
    let page = page_of(
        state,
        record.proposal_id,
        id,
        record.root_id,
        Reader::resident(user_id),
    )
    .await?;
    Ok((record.proposal_id, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, parent_id: Option<i64>) -> CommentRecord {
        CommentRecord {
            id,
            proposal_id: 1,
            parent_id,
            root_id: parent_id.map(|_| 1),
            depth: 0,
            author_id: Some(7),
            author_name: Some("Alix".into()),
            body: "texte".into(),
            body_html: "<p>texte</p>".into(),
            created_at_ms: 1_000,
            edited_at_ms: None,
            deleted_at_ms: None,
            moderation: Visibility::Published,
        }
    }

    #[test]
    fn replies_come_right_under_their_parent() {
        let records = vec![
            record(1, None),
            record(2, None),
            record(3, Some(1)),
            record(4, Some(3)),
            record(5, Some(1)),
            record(6, Some(2)),
        ];
        let ids: Vec<i64> = reading_order(records).iter().map(|r| r.id).collect();
        assert_eq!(ids, [1, 3, 4, 5, 2, 6]);
    }

    #[test]
    fn only_the_author_gets_buttons_and_editing_closes_after_the_window() {
        let r = record(1, None);
        assert!(view_of(&r, Some(7), false, 2_000, 5_000).editable);
        assert!(!view_of(&r, Some(7), false, 10_000, 5_000).editable);
        assert!(view_of(&r, Some(7), false, 10_000, 5_000).deletable);
        assert!(!view_of(&r, Some(8), false, 2_000, 5_000).deletable);
        assert!(!view_of(&r, None, false, 2_000, 5_000).editable);
    }

    #[test]
    fn a_deleted_comment_shows_neither_text_nor_author() {
        let mut r = record(1, None);
        r.deleted_at_ms = Some(1_500);
        let view = view_of(&r, Some(7), false, 2_000, 5_000);
        assert!(view.deleted && view.body_html.is_empty() && view.author_name.is_none());
        assert!(!view.deletable && !view.editable);
    }

    #[test]
    fn a_hidden_comment_shows_its_text_to_its_author_and_moderators_only() {
        let mut r = record(1, None);
        r.moderation = Visibility::Hidden;
        let other = view_of(&r, Some(8), false, 2_000, 5_000);
        assert!(other.body_html.is_empty() && other.author_name.is_none());
        assert_eq!(other.moderation, Visibility::Hidden);
        let author = view_of(&r, Some(7), false, 2_000, 5_000);
        assert_eq!(author.body_html, "<p>texte</p>");
        assert!(!author.editable && author.deletable);
        let moderator = view_of(&r, Some(9), true, 2_000, 5_000);
        assert_eq!(moderator.body_html, "<p>texte</p>");
        assert!(!moderator.deletable);
    }
}
