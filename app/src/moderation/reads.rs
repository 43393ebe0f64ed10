//! What moderation pages show: the queue, a contribution's review page, the public log,
//! a resident's own decisions and sanctions, the settings.

use super::model::{
    ItemKind, LogPage, MyDecision, MyModeration, QueueFilter, QueuePage, ReviewItem,
    SanctionRecord, Visibility, LOG_PAGE_SIZE, QUEUE_PAGE_SIZE,
};
use super::repo;
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use sqlx::Row;

fn page_count(total: i64, size: u32) -> u32 {
    let size = i64::from(size);
    u32::try_from(((total + size - 1) / size).max(1)).unwrap_or(u32::MAX)
}

/// A page of the queue and the open appeals, for moderator `viewer`.
pub async fn queue(
    state: &AppState,
    viewer: i64,
    filter: &QueueFilter,
) -> Result<QueuePage, AppError> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let total = repo::queue_total(pool, filter, now)
        .await
        .map_err(internal)?;
    let pages = page_count(total, QUEUE_PAGE_SIZE);
    let page = filter.page.clamp(1, pages);
    let size = i64::from(QUEUE_PAGE_SIZE);
    let items = repo::queue_page(pool, filter, now, size, i64::from(page - 1) * size)
        .await
        .map_err(internal)?;
    let appeals = repo::open_appeals(pool, viewer, 50)
        .await
        .map_err(internal)?;
    Ok(QueuePage {
        items,
        total,
        page,
        page_count: pages,
        appeals,
    })
}

/// A contribution with its thread, flags, history and author's record, for moderator
/// `viewer`.
pub async fn review(
    state: &AppState,
    viewer: i64,
    kind: ItemKind,
    id: i64,
) -> Result<ReviewItem, AppError> {
    let pool = state.db.pool();
    let mut conn = pool.acquire().await.map_err(internal)?;
    let item = repo::item(&mut conn, kind, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let proposal = sqlx::query("SELECT title, body_html FROM proposals WHERE id = $1")
        .bind(item.proposal_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(internal)?;
    let proposal_title: String = proposal.try_get("title").map_err(internal)?;
    let (body_html, parent_html, replies_html) = match kind {
        ItemKind::Comment => {
            let row = sqlx::query(
                "SELECT c.body_html, p.body_html AS parent_html FROM proposal_comments c \
                 LEFT JOIN proposal_comments p ON p.id = c.parent_id WHERE c.id = $1",
            )
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .map_err(internal)?;
            let replies: Vec<String> = sqlx::query_scalar(
                "SELECT body_html FROM proposal_comments WHERE parent_id = $1 \
                 AND deleted_at IS NULL ORDER BY id LIMIT 20",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
            (
                row.try_get("body_html").map_err(internal)?,
                row.try_get("parent_html").map_err(internal)?,
                replies,
            )
        }
        _ => (
            proposal.try_get("body_html").map_err(internal)?,
            None,
            Vec::new(),
        ),
    };
    let (author_name, author_is_admin) = match item.author_id {
        Some(author) => {
            let name: Option<String> =
                sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
                    .bind(author)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(internal)?;
            let admin = repo::is_admin(&mut conn, author).await.map_err(internal)?;
            (name, admin)
        }
        None => (None, false),
    };
    let now = state.clock.now_ms();
    let author_sanction = match item.author_id {
        Some(author) => repo::posting_block(&mut conn, author, now)
            .await
            .map_err(internal)?,
        None => None,
    };
    drop(conn);
    let author_record = match item.author_id {
        Some(author) => repo::decisions_about(pool, author, 20)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|d| !(d.kind == kind && d.id == id))
            .collect(),
        None => Vec::new(),
    };
    Ok(ReviewItem {
        kind,
        id,
        proposal_id: item.proposal_id,
        proposal_title,
        body_html,
        body: item.body.clone(),
        parent_html,
        replies_html,
        author_id: item.author_id,
        author_name,
        author_is_admin,
        viewer_is_admin: repo::is_admin(&mut *pool.acquire().await.map_err(internal)?, viewer)
            .await
            .map_err(internal)?,
        visibility: item.visibility,
        cause: repo::queued_cause(pool, kind, id).await.map_err(internal)?,
        flags: repo::flags_of(pool, kind, id).await.map_err(internal)?,
        history: repo::decisions_on(pool, kind, id).await.map_err(internal)?,
        author_record,
        author_sanction,
        open_appeal: repo::open_appeal_on(pool, kind, id, viewer)
            .await
            .map_err(internal)?
            .or(match item.author_id {
                Some(author) => repo::open_appeal_on(pool, ItemKind::Account, author, viewer)
                    .await
                    .map_err(internal)?,
                None => None,
            }),
    })
}

/// Page `page` of the public log.
pub async fn public_log(state: &AppState, page: u32) -> Result<LogPage, AppError> {
    let pool = state.db.pool();
    let total = repo::log_total(pool).await.map_err(internal)?;
    let pages = page_count(total, LOG_PAGE_SIZE);
    let page = page.clamp(1, pages);
    let size = i64::from(LOG_PAGE_SIZE);
    Ok(LogPage {
        entries: repo::public_log(pool, size, i64::from(page - 1) * size)
            .await
            .map_err(internal)?,
        page,
        page_count: pages,
    })
}

/// Decisions about `user_id`'s contributions and account, and their sanctions.
pub async fn mine(state: &AppState, user_id: i64) -> Result<MyModeration, AppError> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let decisions = repo::decisions_for_author(pool, user_id, 100)
        .await
        .map_err(internal)?
        .into_iter()
        .map(
            |(decision, item_id, proposal_id, title, not_appealed, appeal)| {
                let appealable = not_appealed && super::service::appealable(decision.action);
                MyDecision {
                    decision,
                    item_id,
                    proposal_id,
                    proposal_title: title,
                    appealable,
                    appeal,
                }
            },
        )
        .collect();
    let sanctions = repo::sanctions_of(pool, user_id, now)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(sanction, in_force)| SanctionRecord { sanction, in_force })
        .collect();
    Ok(MyModeration {
        decisions,
        sanctions,
    })
}

/// The sanction stopping `user_id` from posting now, if any (for the forms' notice).
pub async fn restriction(
    state: &AppState,
    user_id: i64,
) -> Result<Option<super::model::SanctionView>, AppError> {
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    repo::posting_block(&mut conn, user_id, state.clock.now_ms())
        .await
        .map_err(internal)
}

/// Whether `viewer` may see a contribution in state `visibility` written by `author`.
pub fn may_see(
    visibility: Visibility,
    author: Option<i64>,
    viewer: Option<i64>,
    moderator: bool,
) -> bool {
    visibility == Visibility::Published || moderator || (viewer.is_some() && viewer == author)
}
