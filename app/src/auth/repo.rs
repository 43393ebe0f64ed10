//! SQL of e-mailed tokens, sessions lists, provider identities and the audit log.

use super::model::TokenPurpose;
use sqlx::{AnyPool, Row};

/// A token to store: its hash, what it is for, whose it is and where it is mailed.
pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub purpose: TokenPurpose,
    pub user_id: i64,
    pub email: &'a str,
    /// The hash of the secret of the browser the link is bound to, if any.
    pub browser_hash: Option<&'a str>,
}

/// Stores a token by its hash.
pub async fn insert_token<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    token: &NewToken<'_>,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO auth_tokens \
         (token_hash, purpose, user_id, email, browser_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token.token_hash)
    .bind(token.purpose.as_str())
    .bind(token.user_id)
    .bind(token.email)
    .bind(token.browser_hash)
    .bind(now_ms)
    .bind(now_ms + token.purpose.lifetime_ms())
    .execute(executor)
    .await?;
    Ok(())
}

/// A token used up: whose it is, the address it was mailed to, the browser it is bound to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsedToken {
    pub user_id: i64,
    pub email: String,
    pub browser_hash: Option<String>,
}

/// Uses a token once: its account and e-mail when it exists, has this purpose, has not
/// expired and was not used (or revoked) before (in one statement, so two clicks race
/// safely).
pub async fn consume_token<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    token_hash: &str,
    purpose: TokenPurpose,
    now_ms: i64,
) -> sqlx::Result<Option<UsedToken>> {
    sqlx::query_as(
        "UPDATE auth_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id, email, browser_hash",
    )
    .bind(now_ms)
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(executor)
    .await
}

/// True when a token exists with this purpose, unexpired and unused (without using it).
pub async fn token_is_usable(
    pool: &AnyPool,
    token_hash: &str,
    purpose: TokenPurpose,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM auth_tokens \
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now_ms)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Revokes every link of an account not used yet (they stop working at once).
pub async fn revoke_tokens_of<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<u64> {
    let done =
        sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(now_ms)
            .bind(user_id)
            .execute(executor)
            .await?;
    Ok(done.rows_affected())
}

/// Forgets tokens expired for more than a week.
pub async fn purge_tokens(pool: &AnyPool, now_ms: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM auth_tokens WHERE expires_at < $1")
        .bind(now_ms - 7 * 24 * 3_600_000)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Signed-in sessions of an account: (id, user agent, signed in at), newest first.
pub async fn sessions_of(
    pool: &AnyPool,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<Vec<(String, Option<String>, Option<i64>)>> {
    sqlx::query_as(
        "SELECT id, user_agent, signed_in_at FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 ORDER BY signed_in_at DESC, id LIMIT 50",
    )
    .bind(user_id)
    .bind(now_ms)
    .fetch_all(pool)
    .await
}

/// Ends every session of an account but `keep` (the current one, if any).
pub async fn delete_sessions_of<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user_id: i64,
    keep: Option<&str>,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(executor)
        .await?;
    Ok(done.rows_affected())
}

/// Appends to the audit log, on the pool or inside the transaction making the change.
pub async fn audit<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    actor: Option<i64>,
    action: &str,
    target: Option<i64>,
    detail: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor_user_id, action, target_user_id, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(detail)
    .bind(now_ms)
    .execute(executor)
    .await?;
    Ok(())
}

/// The account signed in with (issuer, subject), if any, recording this use.
pub async fn identity_user(
    pool: &AnyPool,
    issuer: &str,
    subject: &str,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "UPDATE user_identities SET last_used_at = $1 \
         WHERE issuer = $2 AND subject = $3 RETURNING user_id",
    )
    .bind(now_ms)
    .bind(issuer)
    .bind(subject)
    .fetch_optional(pool)
    .await
}

/// Links (issuer, subject) to an account; the account it is linked to (the existing one
/// when another request linked it first).
pub async fn link_identity(
    pool: &AnyPool,
    issuer: &str,
    subject: &str,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO user_identities (issuer, subject, user_id, created_at, last_used_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (issuer, subject) DO NOTHING",
    )
    .bind(issuer)
    .bind(subject)
    .bind(user_id)
    .bind(now_ms)
    .execute(pool)
    .await?;
    sqlx::query_scalar("SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2")
        .bind(issuer)
        .bind(subject)
        .fetch_one(pool)
        .await
}

/// Issuers an account can sign in with, and since when.
pub async fn identities_of(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT issuer, created_at FROM user_identities WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("issuer")?, row.try_get("created_at")?)))
        .collect()
}
