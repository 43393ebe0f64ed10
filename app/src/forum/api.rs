//! Server fns of the forum. Reading is public; proposing and supporting need an account.

use super::model::{Category, ProposalDetail, ProposalList};
#[cfg(feature = "ssr")]
use super::model::{ProposalQuery, ProposalSort, ProposalStatus};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::request::finish;

/// Themes and neighbourhoods offered in filters and in the proposal form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumCategories {
    pub themes: Vec<Category>,
    pub neighbourhoods: Vec<Category>,
}

#[server(prefix = "/api", endpoint = "forum_categories")]
pub async fn get_forum_categories() -> Result<ForumCategories, AppError> {
    use super::repo::{categories, CategoryKind};
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    Ok(ForumCategories {
        themes: categories(pool, CategoryKind::Theme)
            .await
            .map_err(crate::error::internal)?,
        neighbourhoods: categories(pool, CategoryKind::Neighbourhood)
            .await
            .map_err(crate::error::internal)?,
    })
}

/// A page of proposals. Empty or unknown filter values are ignored.
#[server(prefix = "/api", endpoint = "list_proposals")]
pub async fn list_proposals(
    search: String,
    theme: String,
    neighbourhood: String,
    status: String,
    sort: String,
    page: u32,
) -> Result<ProposalList, AppError> {
    let state = crate::server::state::app_state()?;
    let non_empty = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let query = ProposalQuery {
        search: search.chars().take(200).collect(),
        theme: non_empty(theme),
        neighbourhood: non_empty(neighbourhood),
        status: ProposalStatus::parse(&status),
        sort: ProposalSort::parse(&sort),
        page: page.max(1),
    };
    super::service::list_proposals(&state, &query).await
}

/// A proposal and what the visitor may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub detail: ProposalDetail,
    pub signed_in: bool,
    pub supported: bool,
}

#[server(prefix = "/api", endpoint = "proposal")]
pub async fn get_proposal(id: i64) -> Result<ProposalView, AppError> {
    let state = crate::server::state::app_state()?;
    let detail = match super::service::proposal(&state, id).await {
        Ok(detail) => detail,
        Err(err) => {
            crate::server::request::set_error_status(&err);
            return Err(err);
        }
    };
    let user = crate::auth::current_user().await?;
    let supported = match &user {
        Some(user) => super::repo::supports(state.db.pool(), id, user.id)
            .await
            .map_err(crate::error::internal)?,
        None => false,
    };
    Ok(ProposalView {
        detail,
        signed_in: user.is_some(),
        supported,
    })
}

/// Publishes a proposal by the signed-in resident, then shows it.
#[server(prefix = "/api", endpoint = "create_proposal")]
pub async fn create_proposal(
    title: String,
    body: String,
    theme: String,
    neighbourhood: String,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let form = super::service::ProposalForm::parse(&title, &body, &theme, &neighbourhood)?;
        super::service::create_proposal(&state, user.id, &form).await
    }
    .await;
    let id = finish(
        result,
        "create_proposal",
        &[
            ("title", &title),
            ("body", &body),
            ("theme", &theme),
            ("neighbourhood", &neighbourhood),
        ],
    )
    .await?;
    leptos_axum::redirect(&format!("/forum/propositions/{id}"));
    Ok(())
}

/// Supports (`support = "1"`) or stops supporting a proposal, then shows it again.
#[server(prefix = "/api", endpoint = "set_support")]
pub async fn set_support(proposal_id: i64, support: String) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = super::service::set_support(&state, proposal_id, user.id, support == "1").await;
    finish(result, "set_support", &[]).await?;
    leptos_axum::redirect(&format!("/forum/propositions/{proposal_id}"));
    Ok(())
}
