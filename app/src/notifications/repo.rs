//! SQL of notifications. Notifying the followers of a proposal is one or two statements,
//! whatever their number.

use super::model::{Notification, NotificationKind};
use sqlx::{AnyConnection, AnyPool, Row};

/// Tells the followers of `proposal_id` (but `except_user`, who caused it) about a new
/// comment: an unread comments notification counts one more, otherwise a new one starts.
pub async fn notify_comment(
    conn: &mut AnyConnection,
    proposal_id: i64,
    except_user: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE notifications SET item_count = item_count + 1, updated_at = $1 \
         WHERE proposal_id = $2 AND kind = 'comments' AND read_at IS NULL AND user_id <> $3 \
         AND user_id IN (SELECT user_id FROM proposal_follows WHERE proposal_id = $2)",
    )
    .bind(now_ms)
    .bind(proposal_id)
    .bind(except_user)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, proposal_id, item_count, created_at, updated_at) \
         SELECT f.user_id, 'comments', f.proposal_id, 1, $1, $1 FROM proposal_follows f \
         WHERE f.proposal_id = $2 AND f.user_id <> $3 AND NOT EXISTS (\
           SELECT 1 FROM notifications n WHERE n.user_id = f.user_id \
           AND n.proposal_id = f.proposal_id AND n.kind = 'comments' AND n.read_at IS NULL)",
    )
    .bind(now_ms)
    .bind(proposal_id)
    .bind(except_user)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Tells every follower of `proposal_id` about a new answer or status.
pub async fn notify_answer(
    conn: &mut AnyConnection,
    proposal_id: i64,
    now_ms: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO notifications (user_id, kind, proposal_id, item_count, created_at, updated_at) \
         SELECT user_id, 'answer', proposal_id, 1, $1, $1 FROM proposal_follows \
         WHERE proposal_id = $2",
    )
    .bind(now_ms)
    .bind(proposal_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The notifications a person sees: none about a proposal held or hidden by moderation,
/// unless it is theirs or the notification is a moderation decision about their own
/// contribution; every one about their requests.
const SHOWN: &str = "FROM notifications n LEFT JOIN proposals p ON p.id = n.proposal_id \
     LEFT JOIN service_requests r ON r.id = n.request_id \
     WHERE n.user_id = $1 AND (n.kind = 'request' OR p.moderation = 'published' \
     OR p.author_id = n.user_id OR n.kind = 'moderation')";

pub async fn unread_count(pool: &AnyPool, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("SELECT COUNT(*) {SHOWN} AND n.read_at IS NULL"))
        .bind(user_id)
        .fetch_one(pool)
        .await
}

pub async fn total(pool: &AnyPool, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("SELECT COUNT(*) {SHOWN}"))
        .bind(user_id)
        .fetch_one(pool)
        .await
}

/// A page of `user_id`'s notifications, unread first, then newest first.
pub async fn page(
    pool: &AnyPool,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Notification>> {
    let rows = sqlx::query(&format!(
        "SELECT n.id, n.kind, COALESCE(n.proposal_id, n.request_id) AS subject_id, \
         COALESCE(p.title, r.reference, '') AS title, n.item_count, n.updated_at, n.read_at \
         {SHOWN} \
         ORDER BY CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END, n.updated_at DESC, n.id DESC \
         LIMIT $2 OFFSET $3"
    ))
    .bind(user_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok(Notification {
                id: row.try_get("id")?,
                kind: NotificationKind::parse(&kind).unwrap_or(NotificationKind::Comments),
                subject_id: row.try_get("subject_id")?,
                subject_title: row.try_get("title")?,
                count: row.try_get("item_count")?,
                updated_at_ms: row.try_get("updated_at")?,
                read: row.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect()
}

/// Marks all of `user_id`'s notifications read.
pub async fn mark_all_read(pool: &AnyPool, user_id: i64, now_ms: i64) -> sqlx::Result<u64> {
    let done =
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(now_ms)
            .bind(user_id)
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}

/// Marks read what `user_id` had unread about `proposal_id` (they are looking at it).
/// Reads first, so that a page view writes nothing when there is nothing to mark.
pub async fn mark_proposal_read(
    pool: &AnyPool,
    user_id: i64,
    proposal_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    let unread: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND proposal_id = $2 \
         AND read_at IS NULL",
    )
    .bind(user_id)
    .bind(proposal_id)
    .fetch_one(pool)
    .await?;
    if unread > 0 {
        sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND proposal_id = $3 \
             AND read_at IS NULL",
        )
        .bind(now_ms)
        .bind(user_id)
        .bind(proposal_id)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Tells a resident about news of their request `request_id`.
pub async fn notify_request(
    conn: &mut AnyConnection,
    user_id: i64,
    request_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, request_id, item_count, created_at, updated_at) \
         VALUES ($1, 'request', $2, 1, $3, $3)",
    )
    .bind(user_id)
    .bind(request_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks read what `user_id` had unread about their request `request_id`.
pub async fn mark_request_read(
    pool: &AnyPool,
    user_id: i64,
    request_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND request_id = $3 \
         AND read_at IS NULL",
    )
    .bind(now_ms)
    .bind(user_id)
    .bind(request_id)
    .execute(pool)
    .await?;
    Ok(())
}
