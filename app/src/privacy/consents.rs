//! Consents: where each person stands on each purpose, and the ledger of every consent
//! given or withdrawn (never changed afterwards). The terms of use are versioned: a
//! person who accepted an older version (or none) is asked again at their next sign-in.

use super::model::{ConsentEvent, ConsentPurpose, ConsentState, TermsVersion};
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use sqlx::{AnyConnection, AnyPool, Row};

/// Records that `user_id` gave (or withdrew) `purpose`, in the ledger and as their state.
pub async fn record(
    conn: &mut AnyConnection,
    user_id: i64,
    purpose: ConsentPurpose,
    given: bool,
    version: Option<i64>,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO consents (user_id, purpose, given, version, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, purpose) DO UPDATE \
         SET given = excluded.given, version = excluded.version, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(purpose.key())
    .bind(i64::from(given))
    .bind(version)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO consent_events (user_id, purpose, given, version, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(purpose.key())
    .bind(i64::from(given))
    .bind(version)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The terms in force: the highest version published.
pub async fn current_terms(pool: &AnyPool) -> sqlx::Result<TermsVersion> {
    let row = sqlx::query(
        "SELECT version, summary, published_at FROM terms_versions \
         ORDER BY version DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    Ok(TermsVersion {
        version: row.try_get("version")?,
        summary: row.try_get("summary")?,
        published_at_ms: row.try_get("published_at")?,
    })
}

/// Records a new account's acceptance of the terms in force (creating an account says
/// it accepts them, next to the button).
pub async fn accept_current_terms(
    conn: &mut AnyConnection,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM terms_versions")
        .fetch_one(&mut *conn)
        .await?;
    record(
        conn,
        user_id,
        ConsentPurpose::Terms,
        true,
        Some(version),
        now_ms,
    )
    .await
}

/// The terms version `user_id` must still accept, if any.
pub async fn terms_pending(pool: &AnyPool, user_id: i64) -> sqlx::Result<Option<TermsVersion>> {
    let current = current_terms(pool).await?;
    let accepted: Option<i64> = sqlx::query_scalar::<_, Option<i64>>(
        "SELECT version FROM consents WHERE user_id = $1 AND purpose = 'terms' AND given = 1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?
    .flatten();
    Ok((accepted.unwrap_or(0) < current.version).then_some(current))
}

/// Where to go after signing in: the page asked for, unless new terms must be accepted
/// first (the acceptance page then leads on to it).
pub async fn after_sign_in(state: &AppState, user_id: i64, next: &str) -> String {
    match terms_pending(state.db.pool(), user_id).await {
        Ok(Some(_)) => format!(
            "/conditions-utilisation/accepter?suite={}",
            crate::ui::encode_query(next)
        ),
        Ok(None) => next.to_owned(),
        Err(err) => {
            // Signing in must not fail for this: the question comes at the next sign-in.
            tracing::warn!(error = %err, "checking the terms accepted");
            next.to_owned()
        }
    }
}

/// Accepts terms `version`, which must be the one in force (a newer one published since
/// the page was shown must be read first).
pub async fn accept_terms(state: &AppState, user_id: i64, version: i64) -> Result<(), AppError> {
    let pool = state.db.pool();
    let current = current_terms(pool).await.map_err(internal)?;
    if version != current.version {
        return Err(AppError::Conflict("errors.terms_changed".into()));
    }
    let mut conn = pool.acquire().await.map_err(internal)?;
    record(
        &mut conn,
        user_id,
        ConsentPurpose::Terms,
        true,
        Some(version),
        state.clock.now_ms(),
    )
    .await
    .map_err(internal)
}

/// Gives or withdraws an optional consent.
pub async fn set_optional(
    state: &AppState,
    user_id: i64,
    raw_purpose: &str,
    given: bool,
) -> Result<(), AppError> {
    let purpose = ConsentPurpose::parse(raw_purpose)
        .filter(|p| ConsentPurpose::OPTIONAL.contains(p))
        .ok_or(AppError::NotFound)?;
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    record(
        &mut conn,
        user_id,
        purpose,
        given,
        None,
        state.clock.now_ms(),
    )
    .await
    .map_err(internal)
}

/// Publishes a new version of the terms (administrators); its number.
pub async fn publish_terms(state: &AppState, summary: &str) -> Result<i64, AppError> {
    let summary = summary.trim();
    if summary.is_empty() || summary.chars().count() > 2000 {
        return Err(AppError::field("summary", "errors.terms_summary"));
    }
    let pool = state.db.pool();
    let mut tx = pool.begin().await.map_err(internal)?;
    let version: i64 = sqlx::query_scalar(
        "INSERT INTO terms_versions (version, summary, published_at) \
         SELECT MAX(version) + 1, $1, $2 FROM terms_versions RETURNING version",
    )
    .bind(summary)
    .bind(state.clock.now_ms())
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(version)
}

/// Where `user_id` stands on each purpose (the default where they never chose).
pub async fn states(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<ConsentState>> {
    let rows =
        sqlx::query("SELECT purpose, given, version, updated_at FROM consents WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    let mut states = Vec::new();
    for purpose in ConsentPurpose::ALL {
        let row = rows
            .iter()
            .find(|r| r.try_get::<String, _>("purpose").ok().as_deref() == Some(purpose.key()));
        states.push(match row {
            Some(row) => ConsentState {
                purpose,
                given: row.try_get::<i64, _>("given")? == 1,
                version: row.try_get("version")?,
                since_ms: Some(row.try_get("updated_at")?),
            },
            None => ConsentState {
                purpose,
                given: purpose.given_by_default(),
                version: None,
                since_ms: None,
            },
        });
    }
    Ok(states)
}

/// The ledger of `user_id`, newest first.
pub async fn ledger(pool: &AnyPool, user_id: i64, limit: i64) -> sqlx::Result<Vec<ConsentEvent>> {
    let rows = sqlx::query(
        "SELECT purpose, given, version, created_at FROM consent_events WHERE user_id = $1 \
         ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut events = Vec::new();
    for row in &rows {
        let Some(purpose) = ConsentPurpose::parse(&row.try_get::<String, _>("purpose")?) else {
            continue;
        };
        events.push(ConsentEvent {
            purpose,
            given: row.try_get::<i64, _>("given")? == 1,
            version: row.try_get("version")?,
            at_ms: row.try_get("created_at")?,
        });
    }
    Ok(events)
}

/// True when `user_id` withdrew `purpose`.
pub async fn withdrawn(
    conn: &mut AnyConnection,
    user_id: i64,
    purpose: ConsentPurpose,
) -> sqlx::Result<bool> {
    let given: Option<i64> =
        sqlx::query_scalar("SELECT given FROM consents WHERE user_id = $1 AND purpose = $2")
            .bind(user_id)
            .bind(purpose.key())
            .fetch_optional(conn)
            .await?;
    Ok(given == Some(0))
}
