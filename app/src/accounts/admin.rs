//! Administrators' work on accounts: finding people and granting or withdrawing staff
//! roles, each change written to the audit log in the same transaction.

use super::model::{PersonSummary, Role, RoleChange};
use super::repo as accounts;
use crate::auth::model::CurrentUser;
use crate::error::{internal, AppError};
use crate::server::state::AppState;

/// People per page of the list.
pub const PAGE_SIZE: i64 = 25;

/// A page of accounts matching `query` (e-mail or name), and whether more follow.
pub async fn search(
    state: &AppState,
    query: &str,
    page: u32,
) -> Result<(Vec<PersonSummary>, bool), AppError> {
    let offset = i64::from(page.saturating_sub(1)) * PAGE_SIZE;
    let mut rows = accounts::search(state.db.pool(), query, PAGE_SIZE + 1, offset)
        .await
        .map_err(internal)?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(usize::try_from(PAGE_SIZE).unwrap_or(25));
    let people = rows
        .into_iter()
        .map(|u| PersonSummary {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            email_verified: u.email_verified,
            roles: u.roles,
        })
        .collect();
    Ok((people, more))
}

/// Grants (`grant`) or withdraws a staff role. An administrator cannot withdraw their own
/// admin role, so an instance never loses its last administrator by mistake.
pub async fn set_role(
    state: &AppState,
    actor: &CurrentUser,
    target: i64,
    role: Role,
    grant: bool,
) -> Result<(), AppError> {
    if role == Role::Citizen {
        return Err(AppError::field("role", "errors.invalid"));
    }
    if !grant && role == Role::Admin && target == actor.id {
        return Err(AppError::field("role", "errors.own_admin_role"));
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.pool().begin().await.map_err(internal)?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
        .bind(target)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
    if exists.is_none() {
        return Err(AppError::NotFound);
    }
    let done = if grant {
        sqlx::query(
            "INSERT INTO user_roles (user_id, role, granted_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, role) DO NOTHING",
        )
        .bind(target)
        .bind(role.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
    } else {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2")
            .bind(target)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await
    };
    let changed = done.map_err(internal)?.rows_affected() == 1;
    if changed {
        let action = if grant {
            "role_granted"
        } else {
            "role_revoked"
        };
        crate::auth::repo::audit(
            &mut *tx,
            Some(actor.id),
            action,
            Some(target),
            role.as_str(),
            now,
        )
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)
}

/// A row of the role-change log as queried.
#[derive(sqlx::FromRow)]
struct RoleChangeRow {
    created_at: i64,
    actor: Option<String>,
    target: Option<String>,
    detail: String,
    action: String,
}

/// The latest role changes, newest first.
pub async fn role_log(state: &AppState, limit: i64) -> Result<Vec<RoleChange>, AppError> {
    let rows: Vec<RoleChangeRow> = sqlx::query_as(
        "SELECT a.created_at, actor.email AS actor, target.email AS target, a.detail, a.action \
         FROM audit_log a \
         LEFT JOIN users actor ON actor.id = a.actor_user_id \
         LEFT JOIN users target ON target.id = a.target_user_id \
         WHERE a.action IN ('role_granted', 'role_revoked') \
         ORDER BY a.created_at DESC, a.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(state.db.pool())
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|row| RoleChange {
            at_ms: row.created_at,
            actor: row.actor.unwrap_or_default(),
            target: row.target.unwrap_or_default(),
            role: row.detail,
            granted: row.action == "role_granted",
        })
        .collect())
}
