//! Live updates of proposal pages, recorded in the database.
//!
//! Each change a page shows live (a comment, the support count…) writes an event in the
//! same transaction as the change. Events are numbered per proposal under the proposal's
//! row lock, so their numbers follow the order in which transactions commit: a page that
//! has seen event n never misses an event numbered below n that commits later. Any
//! server process can then serve any page's stream from the table, and a browser that
//! reconnects resumes from the last number it saw (`Last-Event-ID`).

use super::model::LiveEvent;
use sqlx::{AnyConnection, AnyPool, Row};

/// An event read back for a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    /// The [`LiveEvent`] as JSON, sent as it is.
    pub payload: String,
}

/// Numbers and stores `event` for `proposal_id`; returns its number. Call it inside the
/// transaction that makes the change.
pub async fn record(
    conn: &mut AnyConnection,
    proposal_id: i64,
    event: &LiveEvent,
    now_ms: i64,
) -> sqlx::Result<i64> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE proposals SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq",
    )
    .bind(proposal_id)
    .fetch_one(&mut *conn)
    .await?;
    let payload = serde_json::to_string(event).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let kind = payload_kind(event);
    sqlx::query(
        "INSERT INTO forum_events (proposal_id, seq, kind, payload, created_at, item_id) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(proposal_id)
    .bind(seq)
    .bind(kind)
    .bind(payload)
    .bind(now_ms)
    .bind(item_of(event))
    .execute(&mut *conn)
    .await?;
    // Wakes the streams of every server process when the transaction commits (and not
    // at all if it rolls back). Only a wake-up: streams read the event from the table.
    if conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(super::live::CHANNEL)
            .bind(proposal_id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(seq)
}

/// The comment an event is about, if any.
fn item_of(event: &LiveEvent) -> Option<i64> {
    match event {
        LiveEvent::Comment { id }
        | LiveEvent::CommentEdited { id }
        | LiveEvent::CommentRestored { id }
        | LiveEvent::CommentDeleted { id }
        | LiveEvent::CommentHidden { id } => Some(*id),
        LiveEvent::Supports { .. }
        | LiveEvent::Status { .. }
        | LiveEvent::Withdrawn
        | LiveEvent::Hidden => None,
    }
}

/// Removes the recorded events about comment `comment_id` (they may hold a text that
/// moderation hid or redacted): browsers replaying events never receive it again.
pub async fn forget_comment(
    conn: &mut AnyConnection,
    proposal_id: i64,
    comment_id: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM forum_events WHERE proposal_id = $1 AND item_id = $2")
        .bind(proposal_id)
        .bind(comment_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

fn payload_kind(event: &LiveEvent) -> &'static str {
    match event {
        LiveEvent::Comment { .. } => "comment",
        LiveEvent::CommentEdited { .. } => "comment_edited",
        LiveEvent::CommentDeleted { .. } => "comment_deleted",
        LiveEvent::CommentHidden { .. } => "comment_hidden",
        LiveEvent::CommentRestored { .. } => "comment_restored",
        LiveEvent::Hidden => "hidden",
        LiveEvent::Supports { .. } => "supports",
        LiveEvent::Status { .. } => "status",
        LiveEvent::Withdrawn => "withdrawn",
    }
}

/// Events of `proposal_id` numbered after `after`, oldest first, at most `limit`.
pub async fn since(
    pool: &AnyPool,
    proposal_id: i64,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<StoredEvent>> {
    let rows = sqlx::query(
        "SELECT seq, payload FROM forum_events WHERE proposal_id = $1 AND seq > $2 \
         ORDER BY seq LIMIT $3",
    )
    .bind(proposal_id)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StoredEvent {
                seq: row.try_get("seq")?,
                payload: row.try_get("payload")?,
            })
        })
        .collect()
}

/// Forgets events older than `keep_ms` (pages open longer than that reload).
pub async fn prune(pool: &AnyPool, now_ms: i64, keep_ms: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM forum_events WHERE created_at < $1")
        .bind(now_ms - keep_ms)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
