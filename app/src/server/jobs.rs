//! Periodic jobs run once per period across all server processes sharing the database.
//!
//! A process takes a job by moving its lease forward with a conditional update (only
//! one process's update can match); it records the run when done. A process that dies
//! mid-run loses its lease when it expires and another process runs the job again, so
//! jobs must be safe to resume (each one records its own progress as it goes).

use super::db::Db;
use anyhow::Context;

/// Takes job `name` if it last ran `period_ms` ago or more and nobody holds it; true
/// when this process should run it now.
pub async fn claim(
    db: &Db,
    name: &str,
    period_ms: i64,
    lease_ms: i64,
    now_ms: i64,
) -> anyhow::Result<bool> {
    sqlx::query("INSERT INTO job_runs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .execute(db.pool())
        .await
        .context("registering a job")?;
    let done = sqlx::query(
        "UPDATE job_runs SET lease_until = $1 \
         WHERE name = $2 AND last_run_at <= $3 AND lease_until < $4",
    )
    .bind(now_ms + lease_ms)
    .bind(name)
    .bind(now_ms - period_ms)
    .bind(now_ms)
    .execute(db.pool())
    .await
    .context("claiming a job")?;
    Ok(done.rows_affected() == 1)
}

/// Takes job `name` if it never ran to the end and nobody holds it: for work done once
/// per database (a data migration written in Rust).
pub async fn claim_once(db: &Db, name: &str, lease_ms: i64, now_ms: i64) -> anyhow::Result<bool> {
    // A run records `last_run_at = now`, after which `last_run_at <= now - now` fails.
    claim(db, name, now_ms, lease_ms, now_ms).await
}

/// Records that job `name` ran to the end, and frees it.
pub async fn finish(db: &Db, name: &str, now_ms: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE job_runs SET last_run_at = $1, lease_until = 0 WHERE name = $2")
        .bind(now_ms)
        .bind(name)
        .execute(db.pool())
        .await
        .context("recording a job run")?;
    Ok(())
}

/// How long live-update events are kept (a page left open longer reloads).
const EVENTS_KEPT_MS: i64 = 24 * 60 * 60 * 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Runs `job` if no process has run `name` in the last day, and records the run when
/// it succeeds; a failure is logged and the job is tried again within the hour (when
/// its lease ends).
async fn once_a_day<F, Fut>(
    state: &super::state::AppState,
    name: &str,
    now: i64,
    what: &str,
    job: F,
) where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    match claim(&state.db, name, DAY_MS, 60 * 60 * 1000, now).await {
        Ok(true) => match job().await {
            Ok(()) => {
                if let Err(err) = finish(&state.db, name, now).await {
                    tracing::warn!(error = ?err, "recording the {what}");
                }
            }
            Err(err) => tracing::warn!(error = ?err, "{what} failed; retried later"),
        },
        Ok(false) => {}
        Err(err) => tracing::warn!(error = ?err, "claiming the {what}"),
    }
}

/// The periodic work of a server process, every minute: the forum's daily digest and the
/// removal of personal data past retention (each once a day across all processes),
/// appointment reminders, residents' data exports and the erasures whose cooling-off
/// period is over, writing the anonymous answers left when a survey closed, forgetting
/// old live-update events, the keys of forms sent more than a day ago, and survey drafts
/// left for more than a month.
pub async fn run(state: super::state::AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = state.clock.now_ms();
        once_a_day(
            &state,
            crate::forum::digest::JOB,
            now,
            "forum digest",
            || async {
                let sent = crate::forum::digest::run(&state).await?;
                tracing::info!(mails = sent, "forum digest queued");
                Ok(())
            },
        )
        .await;
        once_a_day(
            &state,
            crate::privacy::retention::JOB,
            now,
            "retention",
            || async {
                let purged = crate::privacy::retention::purge(&state, now).await?;
                tracing::info!(?purged, "personal data past retention removed");
                Ok(())
            },
        )
        .await;
        if let Err(err) = crate::forum::events::prune(state.db.pool(), now, EVENTS_KEPT_MS).await {
            tracing::warn!(error = %err, "pruning live events");
        }
        // Each reminder is claimed in the transaction that queues it: running this on
        // every process at once sends each reminder once.
        match crate::appointments::service::send_reminders(&state).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(mails = sent, "appointment reminders queued"),
            Err(err) => tracing::warn!(error = ?err, "appointment reminders; retried later"),
        }
        // Exports and erasures are claimed row by row: every process may run these.
        match crate::privacy::export::run_pending(&state).await {
            Ok(0) => {}
            Ok(built) => tracing::info!(exports = built, "data exports built"),
            Err(err) => tracing::warn!(error = ?err, "data exports; retried later"),
        }
        match crate::privacy::erasure::run_due(&state, now).await {
            Ok(0) => {}
            Ok(erased) => tracing::info!(
                accounts = erased,
                "accounts erased at their owners' request"
            ),
            Err(err) => tracing::warn!(error = ?err, "account erasures; retried later"),
        }
        // Anonymous answers still pooled when their survey closed are written now; batches
        // of a survey are made one at a time under its row's lock, so every process may.
        match crate::surveys::pool::settle_closed(&state).await {
            Ok(0) => {}
            Ok(written) => {
                tracing::info!(answers = written, "anonymous answers written at closing")
            }
            Err(err) => {
                tracing::warn!(error = ?err, "writing anonymous answers at closing; retried later")
            }
        }
        if let Err(err) = super::idempotency::prune(state.db.pool(), now).await {
            tracing::warn!(error = %err, "forgetting the keys of forms sent yesterday");
        }
        let stale = now - crate::surveys::service::DRAFT_LIFETIME_MS;
        if let Err(err) = crate::surveys::repo::purge_drafts(state.db.pool(), stale).await {
            tracing::warn!(error = %err, "deleting abandoned survey drafts");
        }
    }
}
