//! SQL of e-mailed tokens, sessions lists and the audit log.

use super::model::TokenPurpose;
use sqlx::AnyPool;

/// Stores a token by its hash.
pub async fn insert_token(
    pool: &AnyPool,
    token_hash: &str,
    purpose: TokenPurpose,
    user_id: i64,
    email: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO auth_tokens (token_hash, purpose, user_id, email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(user_id)
    .bind(email)
    .bind(now_ms)
    .bind(now_ms + purpose.lifetime_ms())
    .execute(pool)
    .await?;
    Ok(())
}

/// Uses a token once: returns its account and e-mail when it exists, has this purpose,
/// has not expired and was not used before (in one statement, so two clicks race safely).
pub async fn consume_token(
    pool: &AnyPool,
    token_hash: &str,
    purpose: TokenPurpose,
    now_ms: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "UPDATE auth_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id, email",
    )
    .bind(now_ms)
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(pool)
    .await
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
pub async fn delete_sessions_of(
    pool: &AnyPool,
    user_id: i64,
    keep: Option<&str>,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Appends to the audit log.
pub async fn audit(
    pool: &AnyPool,
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
    .execute(pool)
    .await?;
    Ok(())
}
