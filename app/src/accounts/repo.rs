//! SQL for accounts.

use super::model::{Email, Role};
use sqlx::AnyPool;

/// An account as stored (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// Inserts an account; `None` when the e-mail is already taken.
pub async fn insert_user(
    pool: &AnyPool,
    email: &Email,
    display_name: &str,
    role: Role,
    password_hash: &str,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, role, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email.as_str())
    .bind(display_name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now_ms)
    .fetch_optional(pool)
    .await
}

/// Looks an account up by its normalised e-mail.
pub async fn find_by_email(pool: &AnyPool, email: &Email) -> sqlx::Result<Option<UserRow>> {
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, email, display_name, role FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(id, email, display_name, role)| UserRow {
        id,
        email,
        display_name,
        role: Role::parse(&role).unwrap_or(Role::Citizen),
    }))
}

/// The stored argon2id hash of an account, for tests and sign-in.
pub async fn password_hash(pool: &AnyPool, email: &Email) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(pool)
        .await
}
