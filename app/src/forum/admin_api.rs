//! Server fns of the forum's administration: themes and neighbourhoods (admin role).

use super::model::ManagedCategory;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::request::finish;

/// Both lists, archived entries included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedCategories {
    pub themes: Vec<ManagedCategory>,
    pub neighbourhoods: Vec<ManagedCategory>,
}

#[cfg(feature = "ssr")]
fn kind_of(kind: &str) -> Result<super::categories::CategoryKind, AppError> {
    super::categories::CategoryKind::parse(kind).ok_or(AppError::NotFound)
}

#[server(prefix = "/api", endpoint = "managed_categories")]
pub async fn get_managed_categories() -> Result<ManagedCategories, AppError> {
    use super::categories::{all, CategoryKind};
    crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    Ok(ManagedCategories {
        themes: all(pool, CategoryKind::Theme)
            .await
            .map_err(crate::error::internal)?,
        neighbourhoods: all(pool, CategoryKind::Neighbourhood)
            .await
            .map_err(crate::error::internal)?,
    })
}

/// Adds a theme (`kind = "theme"`) or a neighbourhood (`"quartier"`).
#[server(prefix = "/api", endpoint = "add_category")]
pub async fn add_category(
    kind: String,
    name_fr: String,
    name_en: String,
    position: String,
) -> Result<(), AppError> {
    crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let kind = kind_of(&kind)?;
        let form = super::categories::CategoryForm::parse(&name_fr, &name_en, &position)?;
        crate::server::db::retry_contended(|| super::categories::add(&state, kind, &form)).await
    }
    .await;
    finish(
        result,
        "add_category",
        &[
            ("kind", &kind),
            ("name_fr", &name_fr),
            ("name_en", &name_en),
            ("position", &position),
        ],
    )
    .await?;
    leptos_axum::redirect("/admin/forum");
    Ok(())
}

/// Renames or moves an entry.
#[server(prefix = "/api", endpoint = "edit_category")]
pub async fn edit_category(
    kind: String,
    id: i64,
    name_fr: String,
    name_en: String,
    position: String,
) -> Result<(), AppError> {
    crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let kind = kind_of(&kind)?;
        let form = super::categories::CategoryForm::parse(&name_fr, &name_en, &position)?;
        crate::server::db::retry_contended(|| super::categories::edit(&state, kind, id, &form))
            .await
    }
    .await;
    finish(
        result,
        "edit_category",
        &[
            ("id", &id.to_string()),
            ("name_fr", &name_fr),
            ("name_en", &name_en),
            ("position", &position),
        ],
    )
    .await?;
    leptos_axum::redirect("/admin/forum");
    Ok(())
}

/// Stops offering an entry (`archived = "1"`) or offers it again.
#[server(prefix = "/api", endpoint = "archive_category")]
pub async fn archive_category(kind: String, id: i64, archived: String) -> Result<(), AppError> {
    crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let kind = kind_of(&kind)?;
        crate::server::db::retry_contended(|| {
            super::categories::archive(&state, kind, id, archived == "1")
        })
        .await
    }
    .await;
    finish(result, "archive_category", &[]).await?;
    leptos_axum::redirect("/admin/forum");
    Ok(())
}
