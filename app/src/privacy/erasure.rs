//! Erasing an account at its owner's request: asked for from `/mon-espace/donnees`,
//! carried out [`COOLING_OFF_DAYS`] days later unless cancelled meanwhile.
//!
//! What goes: the account and everything tied to it only (sessions, sign-in methods,
//! consents, notifications, follows, supports, flags, waiting lists, drafts of requests
//! and surveys, exports), mails to its address, rate-limit counters naming it, upcoming
//! appointments (their places are given back). What stays: requests filed and past
//! appointments, which the commune must keep until their retention period ends (then the
//! retention job removes them): they keep the name and address as a record. Survey
//! answers stay, no longer linked to anyone. Public contributions are kept signed
//! "ancien participant", or removed, as the person chose.

use super::model::{ErasureMode, ErasurePlan, COOLING_OFF_DAYS};
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use anyhow::Context;
use sqlx::{AnyPool, Row};

const DAY_MS: i64 = 24 * 3_600_000;

/// The erasure `user_id` asked for, if any.
pub async fn plan(pool: &AnyPool, user_id: i64) -> sqlx::Result<Option<ErasurePlan>> {
    plan_of(pool, user_id).await
}

async fn plan_of<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user_id: i64,
) -> sqlx::Result<Option<ErasurePlan>> {
    let row =
        sqlx::query("SELECT mode, requested_at, due_at FROM erasure_requests WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(executor)
            .await?;
    row.map(|row| {
        Ok(ErasurePlan {
            mode: ErasureMode::parse(&row.try_get::<String, _>("mode")?)
                .unwrap_or(ErasureMode::Pseudonymise),
            requested_at_ms: row.try_get("requested_at")?,
            due_at_ms: row.try_get("due_at")?,
        })
    })
    .transpose()
}

/// Schedules the erasure of `user_id`'s account, mailing them how to cancel it.
pub async fn schedule(
    state: &AppState,
    user_id: i64,
    raw_mode: &str,
    confirmed: bool,
) -> Result<ErasurePlan, AppError> {
    let mut problems = crate::error::FieldErrors::new();
    let mode = ErasureMode::parse(raw_mode);
    if mode.is_none() {
        crate::error::add_field_error(&mut problems, "mode", "errors.erasure_mode");
    }
    if !confirmed {
        crate::error::add_field_error(&mut problems, "confirm", "errors.erasure_confirm");
    }
    let Some(mode) = mode.filter(|_| confirmed) else {
        return Err(AppError::Validation(problems));
    };
    let now = state.clock.now_ms();
    let due = now + COOLING_OFF_DAYS * DAY_MS;
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    sqlx::query(
        "INSERT INTO erasure_requests (user_id, mode, requested_at, due_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode",
    )
    .bind(user_id)
    .bind(mode.key())
    .bind(now)
    .bind(due)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    let user = sqlx::query("SELECT email, lang FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
    let email: String = user.try_get("email").map_err(internal)?;
    let lang: String = user.try_get("lang").map_err(internal)?;
    let plan = plan_of(&mut *tx, user_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal(anyhow::anyhow!("the erasure just scheduled is missing")))?;
    let link = state
        .public_url
        .join("/mon-espace/donnees#effacement")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let lang = crate::site::Lang::parse(&lang).unwrap_or(crate::site::Lang::Fr);
    let mail = crate::mail::templates::privacy_mail(
        crate::mail::templates::PrivacyMail::ErasureScheduled,
        lang,
        &email,
        &state.site.commune_name,
        &link,
        &crate::mail::templates::when(lang, plan.due_at_ms),
    );
    crate::mail::outbox::enqueue_in(&mut tx, &mail, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok(plan)
}

/// Cancels a scheduled erasure; false when none was scheduled.
pub async fn cancel(state: &AppState, user_id: i64) -> Result<bool, AppError> {
    Ok(
        sqlx::query("DELETE FROM erasure_requests WHERE user_id = $1")
            .bind(user_id)
            .execute(state.db.pool())
            .await
            .map_err(internal)?
            .rows_affected()
            == 1,
    )
}

/// Carries out the erasures whose cooling-off period is over; how many.
pub async fn run_due(state: &AppState, now_ms: i64) -> anyhow::Result<u64> {
    let due: Vec<(i64, String)> = sqlx::query(
        "SELECT user_id, mode FROM erasure_requests WHERE due_at <= $1 ORDER BY due_at LIMIT 50",
    )
    .bind(now_ms)
    .fetch_all(state.db.pool())
    .await
    .context("listing due erasures")?
    .iter()
    .map(|row| Ok((row.try_get("user_id")?, row.try_get("mode")?)))
    .collect::<sqlx::Result<_>>()?;
    let mut erased = 0;
    for (user_id, mode) in due {
        let mode = ErasureMode::parse(&mode).unwrap_or(ErasureMode::Pseudonymise);
        erase(state, user_id, mode, now_ms)
            .await
            .with_context(|| format!("erasing account {user_id}"))?;
        erased += 1;
    }
    if erased > 0 {
        sqlx::query(
            "INSERT INTO retention_purges (ran_at, category, purged) VALUES ($1, 'erasures', $2)",
        )
        .bind(now_ms)
        .bind(i64::try_from(erased).unwrap_or(i64::MAX))
        .execute(state.db.pool())
        .await
        .context("logging erasures")?;
    }
    Ok(erased)
}

/// Erases account `user_id` now, in one transaction; its files go after the commit.
pub async fn erase(
    state: &AppState,
    user_id: i64,
    mode: ErasureMode,
    now_ms: i64,
) -> anyhow::Result<()> {
    let mut tx = state.db.begin_write().await?;
    let Some(user) = sqlx::query("SELECT email, display_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(());
    };
    let email: String = user.try_get("email")?;
    let name: String = user.try_get("display_name")?;
    let mut files: Vec<String> = sqlx::query_scalar(
        "SELECT a.storage_key FROM request_attachments a JOIN service_requests r ON r.id = a.request_id \
         WHERE r.user_id = $1 AND r.status = 'draft'",
    )
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    let exports: Vec<Option<String>> =
        sqlx::query_scalar("SELECT storage_key FROM data_exports WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *tx)
            .await?;
    files.extend(exports.into_iter().flatten());

    // Drafts were never filed: nothing to keep.
    sqlx::query("DELETE FROM service_requests WHERE user_id = $1 AND status = 'draft'")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .context("erasing drafts")?;
    // Filed requests and past appointments stay as records, under the name and address
    // they were filed with.
    let keep_contact = "SET contact_name = CASE WHEN contact_name = '' THEN $2 ELSE contact_name END, \
         contact_email = CASE WHEN contact_email = '' THEN $3 ELSE contact_email END WHERE user_id = $1";
    sqlx::query(&format!("UPDATE service_requests {keep_contact}"))
        .bind(user_id)
        .bind(&name)
        .bind(&email)
        .execute(&mut *tx)
        .await
        .context("keeping the requests' contact")?;
    sqlx::query(&format!(
        "UPDATE appointments {keep_contact} AND starts_at <= $4"
    ))
    .bind(user_id)
    .bind(&name)
    .bind(&email)
    .bind(now_ms)
    .execute(&mut *tx)
    .await
    .context("keeping the past appointments' contact")?;
    // Upcoming appointments are cancelled: their places go back to the agenda.
    for sql in [
        "UPDATE agenda_slots SET taken = taken - 1 WHERE taken > 0 AND EXISTS (SELECT 1 FROM appointments p \
         WHERE p.agenda_id = agenda_slots.agenda_id AND p.starts_at = agenda_slots.starts_at \
         AND p.user_id = $1 AND p.status = 'booked' AND p.starts_at > $2)",
        "DELETE FROM appointments WHERE user_id = $1 AND starts_at > $2",
    ] {
        sqlx::query(sql)
            .bind(user_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .context("cancelling upcoming appointments")?;
    }
    for (what, sql) in [
        // Supports go with the person: the proposals' counts follow.
        (
            "supports",
            "UPDATE proposals SET support_count = support_count - 1 WHERE support_count > 0 \
             AND id IN (SELECT proposal_id FROM proposal_supports WHERE user_id = $1)",
        ),
        // Live-update events of their comments carry their name (kept a day at most).
        (
            "live events",
            "DELETE FROM forum_events WHERE item_id IN \
             (SELECT id FROM proposal_comments WHERE author_id = $1)",
        ),
    ] {
        sqlx::query(sql)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("erasing {what}"))?;
    }
    // Mails to the address, and rate-limit counters naming it.
    for (what, sql) in [
        ("mails", "DELETE FROM mail_outbox WHERE to_address = $1"),
        (
            "rate limits",
            "DELETE FROM rate_limits WHERE substr(bucket, length(bucket) - length($1) + 1) = $1",
        ),
    ] {
        sqlx::query(sql)
            .bind(&email)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("erasing {what}"))?;
    }
    if mode == ErasureMode::Delete {
        remove_contributions(&mut tx, user_id, now_ms).await?;
    }
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .context("deleting the account")?;
    tx.commit().await?;
    state.uploads.remove(&files).await;
    // Contributions of many proposals may have changed.
    state.live_changed(None);
    Ok(())
}

/// Removes a person's proposals (with their threads) and the text of their comments
/// (their places stay, for the replies), and what moderation kept of them.
async fn remove_contributions(
    tx: &mut sqlx::AnyConnection,
    user_id: i64,
    now_ms: i64,
) -> anyhow::Result<()> {
    let comments: Vec<(i64, i64)> = sqlx::query(
        "SELECT id, proposal_id FROM proposal_comments WHERE author_id = $1 AND deleted_at IS NULL",
    )
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("id")?, row.try_get("proposal_id")?)))
    .collect::<sqlx::Result<_>>()?;
    for (id, proposal_id) in comments {
        crate::forum::comments::repo::mark_deleted(&mut *tx, id, proposal_id, now_ms).await?;
    }
    for sql in [
        "UPDATE moderation_flags SET snapshot = '', detail = '' WHERE item_kind = 'comment' \
         AND item_id IN (SELECT id FROM proposal_comments WHERE author_id = $1)",
        "UPDATE moderation_decisions SET previous_text = NULL WHERE author_id = $1",
        "DELETE FROM moderation_flags WHERE item_kind = 'proposal' \
         AND item_id IN (SELECT id FROM proposals WHERE author_id = $1)",
        "DELETE FROM moderation_queue WHERE author_id = $1",
        "DELETE FROM proposals WHERE author_id = $1",
    ] {
        sqlx::query(sql)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .context("removing contributions")?;
    }
    Ok(())
}
