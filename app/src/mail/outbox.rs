//! SQL of the mail outbox.

use crate::server::db::Db;
use anyhow::Context;

/// A rendered mail waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// An iCalendar text sent along as an `.ics` attachment.
    pub calendar: Option<String>,
}

/// A queued mail with its delivery state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub calendar: Option<String>,
}

/// Queues a mail for the worker.
pub async fn enqueue(db: &Db, mail: &OutgoingMail, now_ms: i64) -> anyhow::Result<i64> {
    let mut conn = db.pool().acquire().await.context("queueing a mail")?;
    enqueue_in(&mut conn, mail, now_ms).await
}

/// Queues a mail inside a transaction (sent only if the transaction commits).
pub async fn enqueue_in(
    conn: &mut sqlx::AnyConnection,
    mail: &OutgoingMail,
    now_ms: i64,
) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO mail_outbox (to_address, subject, text_body, html_body, created_at, next_attempt_at, calendar) \
         VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(now_ms)
    .bind(mail.calendar.as_deref())
    .fetch_one(conn)
    .await
    .context("queueing a mail")
}

/// Mails due for an attempt, oldest first.
pub async fn due(db: &Db, now_ms: i64, limit: i64) -> anyhow::Result<Vec<QueuedMail>> {
    sqlx::query_as(
        "SELECT id, to_address, subject, text_body, html_body, attempts, next_attempt_at, calendar \
         FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
         ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(db.pool())
    .await
    .context("reading the mail outbox")
}

/// Takes a mail for one attempt: pushes its next attempt `lease_ms` away, so that another
/// app node does not send it at the same time. False when another node took it first.
pub async fn claim(db: &Db, mail: &QueuedMail, now_ms: i64, lease_ms: i64) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE mail_outbox SET next_attempt_at = $1 \
         WHERE id = $2 AND next_attempt_at = $3 AND sent_at IS NULL",
    )
    .bind(now_ms + lease_ms)
    .bind(mail.id)
    .bind(mail.next_attempt_at)
    .execute(db.pool())
    .await
    .context("claiming a mail")?;
    Ok(done.rows_affected() == 1)
}

/// Records a delivered mail.
pub async fn mark_sent(db: &Db, id: i64, now_ms: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(db.pool())
        .await
        .context("marking a mail sent")?;
    Ok(())
}

/// Records a failed attempt and when to retry (`None`: give up).
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: Option<i64>,
    now_ms: i64,
) -> anyhow::Result<()> {
    let error: String = error.chars().take(500).collect();
    match retry_at {
        Some(at) => sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
        )
        .bind(error)
        .bind(at)
        .bind(id),
        None => sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, failed_at = $2 WHERE id = $3",
        )
        .bind(error)
        .bind(now_ms)
        .bind(id),
    }
    .execute(db.pool())
    .await
    .context("recording a mail failure")?;
    Ok(())
}

/// Forgets mails delivered more than `keep_ms` ago (they hold personal data).
pub async fn purge_sent(db: &Db, now_ms: i64, keep_ms: i64) -> anyhow::Result<u64> {
    let done = sqlx::query("DELETE FROM mail_outbox WHERE sent_at IS NOT NULL AND sent_at < $1")
        .bind(now_ms - keep_ms)
        .execute(db.pool())
        .await
        .context("purging sent mails")?;
    Ok(done.rows_affected())
}
