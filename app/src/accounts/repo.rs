//! SQL for accounts and their roles.

use super::model::{Email, Role};
use sqlx::{AnyPool, Row};

/// An account as stored (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub email_verified: bool,
    /// Staff roles; every account is also a citizen.
    pub roles: Vec<Role>,
}

/// Inserts an account, with its acceptance of the terms in force (the forms that create
/// accounts say so); `None` when the e-mail is already taken.
pub async fn insert_user(
    pool: &AnyPool,
    email: &Email,
    display_name: &str,
    password_hash: Option<&str>,
    verified_at: Option<i64>,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    let mut tx = pool.begin().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, email_verified_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email.as_str())
    .bind(display_name)
    .bind(password_hash)
    .bind(verified_at)
    .bind(now_ms)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = id {
        crate::privacy::consents::accept_current_terms(&mut tx, id, now_ms).await?;
    }
    tx.commit().await?;
    Ok(id)
}

fn user_from_row(row: &sqlx::any::AnyRow, roles: Vec<Role>) -> sqlx::Result<UserRow> {
    Ok(UserRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        email_verified: row
            .try_get::<Option<i64>, _>("email_verified_at")?
            .is_some(),
        roles,
    })
}

/// Staff roles of an account, in a stable order.
pub async fn roles_of(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<Role>> {
    let raw: Vec<String> =
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    Ok(raw.iter().filter_map(|r| Role::parse(r)).collect())
}

async fn find_where(pool: &AnyPool, clause: &str, bind: Bind<'_>) -> sqlx::Result<Option<UserRow>> {
    let sql =
        format!("SELECT id, email, display_name, email_verified_at FROM users WHERE {clause}");
    let query = sqlx::query(&sql);
    let query = match bind {
        Bind::Id(id) => query.bind(id),
        Bind::Text(text) => query.bind(text),
    };
    let Some(row) = query.fetch_optional(pool).await? else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let roles = roles_of(pool, id).await?;
    user_from_row(&row, roles).map(Some)
}

enum Bind<'a> {
    Id(i64),
    Text(&'a str),
}

/// Looks an account up by its normalised e-mail.
pub async fn find_by_email(pool: &AnyPool, email: &Email) -> sqlx::Result<Option<UserRow>> {
    find_where(pool, "email = $1", Bind::Text(email.as_str())).await
}

/// Looks an account up by id.
pub async fn find_by_id(pool: &AnyPool, id: i64) -> sqlx::Result<Option<UserRow>> {
    find_where(pool, "id = $1", Bind::Id(id)).await
}

/// The stored argon2id hash of an account (`None` for accounts without a password).
pub async fn password_hash(pool: &AnyPool, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await
        .map(Option::flatten)
}

/// Replaces the password hash.
pub async fn set_password_hash<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user_id: i64,
    hash: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_ms)
        .bind(user_id)
        .execute(executor)
        .await?;
    Ok(())
}

/// Marks the e-mail address as proven (first verification only); true when it was not
/// proven before.
pub async fn mark_email_verified<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET email_verified_at = $1, updated_at = $1 \
         WHERE id = $2 AND email_verified_at IS NULL",
    )
    .bind(now_ms)
    .bind(user_id)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Grants a staff role; false when the account already held it.
pub async fn grant_role(
    pool: &AnyPool,
    user_id: i64,
    role: Role,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, role) DO NOTHING",
    )
    .bind(user_id)
    .bind(role.as_str())
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Changes the display name.
pub async fn set_display_name(
    pool: &AnyPool,
    user_id: i64,
    name: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET display_name = $1, updated_at = $2 WHERE id = $3")
        .bind(name)
        .bind(now_ms)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Moves an account to a new, proven address; false when another account uses it.
pub async fn set_email(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    email: &str,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some_and(|id| id != user_id) {
        return Ok(false);
    }
    let done = sqlx::query(
        "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(email)
    .bind(now_ms)
    .bind(user_id)
    .execute(&mut *conn)
    .await;
    match done {
        Ok(_) => Ok(true),
        // Another account took the address between the check and the update.
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => Ok(false),
        Err(err) => Err(err),
    }
}

/// A page of accounts whose e-mail or name contains `query`, by e-mail.
pub async fn search(
    pool: &AnyPool,
    query: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<UserRow>> {
    let pattern = format!(
        "%{}%",
        query
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = sqlx::query(
        "SELECT id, email, display_name, email_verified_at FROM users \
         WHERE email LIKE $1 ESCAPE '\\' OR LOWER(display_name) LIKE $1 ESCAPE '\\' \
         ORDER BY email LIMIT $2 OFFSET $3",
    )
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<sqlx::Result<_>>()?;
    // One query for the roles of the whole page (no N+1).
    let mut roles = roles_of_many(pool, &ids).await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            user_from_row(row, roles.remove(&id).unwrap_or_default())
        })
        .collect()
}

async fn roles_of_many(
    pool: &AnyPool,
    ids: &[i64],
) -> sqlx::Result<std::collections::HashMap<i64, Vec<Role>>> {
    let mut map: std::collections::HashMap<i64, Vec<Role>> = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT user_id, role FROM user_roles WHERE user_id IN ({}) ORDER BY role",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    for (user_id, role) in query.fetch_all(pool).await? {
        if let Some(role) = Role::parse(&role) {
            map.entry(user_id).or_default().push(role);
        }
    }
    Ok(map)
}

/// The language `user_id`'s mails are written in (`fr` or `en`).
pub async fn set_lang(pool: &AnyPool, user_id: i64, lang: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
        .bind(lang)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}
