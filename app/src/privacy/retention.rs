//! The retention job: once a day across all processes, it removes the personal data whose
//! period is over and records how much it removed per category (counts, never contents).
//!
//! - the security log after its period (12 months by default);
//! - requests after their service's period, counted from their last change, once they
//!   are decided, closed, cancelled or left as drafts (requests still being processed
//!   are kept whatever their age), with their timeline, messages, access log,
//!   notifications and attachment files; drafts untouched for 30 days sooner;
//! - appointments after their period, counted from their end, and the waiting lists of
//!   days that are over;
//! - in-app notifications after their period;
//! - residents' exports a week after they were asked for;
//! - answered requests to the DPO after their period (five years by default);
//! - mails delivered or given up a month ago.
//!
//! A month counts as 31 days, so nothing goes before its period is over.

use super::model::{Category, EXPORTS_KEY, MAX_MONTHS, REQUESTS_KEY, WAITS_KEY};
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use anyhow::Context;
use sqlx::AnyPool;

/// Name of the job in `job_runs`.
pub const JOB: &str = "privacy.retention";
/// A draft nobody touched for this many days is abandoned: it goes with its files,
/// whatever its service's period (files uploaded to drafts are not kept for ever).
pub const ABANDONED_DRAFT_DAYS: i64 = 30;
/// One month of a retention period, in milliseconds.
pub const MONTH_MS: i64 = 31 * 24 * 3_600_000;
/// How long the outbox keeps a mail once delivered or given up (they hold addresses and
/// contents; the mail worker also forgets delivered ones after this long).
const MAILS_KEPT_MS: i64 = 30 * 24 * 3_600_000;
/// Key of the mails' line in `retention_purges`.
const MAILS_KEY: &str = "mail_outbox";
/// Requests removed per transaction.
const BATCH: usize = 200;

/// The period of `category`, in months: the commune's, or Parvis's default.
pub async fn months(pool: &AnyPool, category: Category) -> sqlx::Result<i64> {
    let set: Option<i64> =
        sqlx::query_scalar("SELECT months FROM retention_settings WHERE category = $1")
            .bind(category.key())
            .fetch_optional(pool)
            .await?;
    Ok(set.unwrap_or(category.default_months()))
}

/// Sets the commune's period for `category` from what an administrator typed.
pub async fn set_months(pool: &AnyPool, category: Category, raw: &str) -> Result<i64, AppError> {
    let months = raw
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|m| (1..=MAX_MONTHS).contains(m))
        .ok_or_else(|| AppError::field("months", "errors.retention_months"))?;
    sqlx::query(
        "INSERT INTO retention_settings (category, months) VALUES ($1, $2) \
         ON CONFLICT (category) DO UPDATE SET months = excluded.months",
    )
    .bind(category.key())
    .bind(months)
    .execute(pool)
    .await
    .map_err(internal)?;
    Ok(months)
}

/// What one run removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Purged {
    pub security_log: u64,
    pub requests: u64,
    pub attachment_files: u64,
    pub appointments: u64,
    pub appointment_waits: u64,
    pub notifications: u64,
    /// Residents' exports past their days.
    pub exports: u64,
    /// Answered requests to the DPO past their period.
    pub data_requests: u64,
    /// Mails delivered or given up more than a month ago.
    pub mails: u64,
}

/// Removes everything whose period ended before `now_ms`, and logs the counts.
pub async fn purge(state: &AppState, now_ms: i64) -> anyhow::Result<Purged> {
    let pool = state.db.pool();
    let mut purged = Purged {
        security_log: delete_older(state, Category::SecurityLog, now_ms).await?,
        ..Purged::default()
    };
    loop {
        let (requests, files) = purge_requests(state, now_ms).await?;
        purged.requests += requests;
        purged.attachment_files += files;
        if requests < BATCH as u64 {
            break;
        }
    }
    purged.appointments = delete_older(state, Category::Appointments, now_ms).await?;
    purged.appointment_waits =
        crate::appointments::service::purge_past_waits(state, now_ms).await?;
    purged.notifications = delete_older(state, Category::Notifications, now_ms).await?;
    purged.exports = super::export::purge_expired(state, now_ms).await?;
    purged.data_requests = delete_older(state, Category::DataRequests, now_ms).await?;
    purged.mails = sqlx::query("DELETE FROM mail_outbox WHERE sent_at < $1 OR failed_at < $1")
        .bind(now_ms - MAILS_KEPT_MS)
        .execute(pool)
        .await
        .context("purging delivered and failed mails")?
        .rows_affected();
    let lines = [
        (Category::SecurityLog.key(), purged.security_log),
        (REQUESTS_KEY, purged.requests),
        (Category::Appointments.key(), purged.appointments),
        (WAITS_KEY, purged.appointment_waits),
        (Category::Notifications.key(), purged.notifications),
        (EXPORTS_KEY, purged.exports),
        (Category::DataRequests.key(), purged.data_requests),
        (MAILS_KEY, purged.mails),
    ];
    for (category, count) in lines.into_iter().filter(|(_, count)| *count > 0) {
        sqlx::query("INSERT INTO retention_purges (ran_at, category, purged) VALUES ($1, $2, $3)")
            .bind(now_ms)
            .bind(category)
            .bind(i64::try_from(count).unwrap_or(i64::MAX))
            .execute(pool)
            .await
            .context("logging a purge")?;
    }
    Ok(purged)
}

/// Deletes the rows of `category` whose period ended before `now_ms`; how many.
async fn delete_older(state: &AppState, category: Category, now_ms: i64) -> anyhow::Result<u64> {
    // Each table's time column: appointments count from their end.
    let sql = match category {
        Category::SecurityLog => "DELETE FROM audit_log WHERE created_at < $1",
        Category::Appointments => "DELETE FROM appointments WHERE ends_at < $1",
        Category::Notifications => "DELETE FROM notifications WHERE created_at < $1",
        Category::DataRequests => "DELETE FROM data_requests WHERE answered_at < $1",
    };
    let pool = state.db.pool();
    let cutoff = now_ms - months(pool, category).await? * MONTH_MS;
    Ok(sqlx::query(sql)
        .bind(cutoff)
        .execute(pool)
        .await
        .with_context(|| format!("purging {}", category.key()))?
        .rows_affected())
}

/// Removes up to [`BATCH`] requests past their service's period, in one transaction,
/// then their files; how many requests and files.
async fn purge_requests(state: &AppState, now_ms: i64) -> anyhow::Result<(u64, u64)> {
    let mut tx = state.db.pool().begin().await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT r.id FROM service_requests r JOIN services s ON s.id = r.service_id \
         WHERE (r.status IN ('draft', 'accepted', 'refused', 'closed', 'cancelled') \
         AND r.updated_at < $1 - s.retention_months * $2) \
         OR (r.status = 'draft' AND r.updated_at < $4) \
         ORDER BY r.id LIMIT $3",
    )
    .bind(now_ms)
    .bind(MONTH_MS)
    .bind(BATCH as i64)
    .bind(now_ms - ABANDONED_DRAFT_DAYS * 24 * 3_600_000)
    .fetch_all(&mut *tx)
    .await
    .context("finding requests past retention")?;
    if ids.is_empty() {
        return Ok((0, 0));
    }
    let list = (1..=ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let keys_sql =
        format!("SELECT storage_key FROM request_attachments WHERE request_id IN ({list})");
    let mut keys = sqlx::query_scalar::<_, String>(&keys_sql);
    for id in &ids {
        keys = keys.bind(*id);
    }
    let keys = keys
        .fetch_all(&mut *tx)
        .await
        .context("listing attachments")?;
    // Timeline, attachments' rows, access log and notifications go with the request
    // (ON DELETE CASCADE).
    let delete_sql = format!("DELETE FROM service_requests WHERE id IN ({list})");
    let mut delete = sqlx::query(&delete_sql);
    for id in &ids {
        delete = delete.bind(*id);
    }
    let removed = delete
        .execute(&mut *tx)
        .await
        .context("deleting requests")?
        .rows_affected();
    tx.commit().await?;
    // Files go once no row names them; a crash in between leaves files no request
    // points to, which nothing can serve.
    state.uploads.remove(&keys).await;
    Ok((removed, keys.len() as u64))
}

/// One line of the purge log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeLine {
    pub ran_at: i64,
    pub category: String,
    pub purged: i64,
}

/// The latest lines of the purge log, newest first.
pub async fn log(pool: &AnyPool, limit: i64) -> sqlx::Result<Vec<PurgeLine>> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT ran_at, category, purged FROM retention_purges ORDER BY ran_at DESC, id DESC \
         LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PurgeLine {
                ran_at: row.try_get("ran_at")?,
                category: row.try_get("category")?,
                purged: row.try_get("purged")?,
            })
        })
        .collect()
}
