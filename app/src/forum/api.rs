//! Server fns of proposals. Reading is public; proposing, supporting, following need an
//! account; only a proposal's author edits or withdraws it; only agents answer.

use super::model::{Category, CommentPage, OfficialAnswer, ProposalDetail, ProposalList};
#[cfg(feature = "ssr")]
use super::model::{ProposalQuery, ProposalSort, ProposalStatus};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::request::finish;

/// The values of a proposal form kept after a failed post.
#[cfg(feature = "ssr")]
fn proposal_values<'a>(
    title: &'a str,
    body: &'a str,
    theme: &'a str,
    neighbourhood: &'a str,
) -> [(&'static str, &'a str); 4] {
    [
        ("title", title),
        ("body", body),
        ("theme", theme),
        ("neighbourhood", neighbourhood),
    ]
}

/// Themes and neighbourhoods offered in filters and in the proposal form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumCategories {
    pub themes: Vec<Category>,
    pub neighbourhoods: Vec<Category>,
}

#[server(prefix = "/api", endpoint = "forum_categories")]
pub async fn get_forum_categories() -> Result<ForumCategories, AppError> {
    use super::categories::{categories, CategoryKind};
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

/// A proposal, a page of its comments, and what the visitor may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub detail: ProposalDetail,
    /// Status changes and official answers, newest first.
    pub answers: Vec<OfficialAnswer>,
    pub comments: CommentPage,
    pub signed_in: bool,
    pub supported: bool,
    pub following: bool,
    /// The visitor wrote it and may still edit it.
    pub can_edit: bool,
    /// The visitor wrote it (and may withdraw it while it is not withdrawn).
    pub is_author: bool,
    /// The visitor answers for the town hall.
    pub is_agent: bool,
    /// The visitor moderates contributions.
    pub is_moderator: bool,
    /// The sanction stopping the signed-in visitor from posting, if any.
    pub restriction: Option<crate::moderation::model::SanctionView>,
}

/// A proposal's page: the proposal, its answers and page `page` of its comments. Seeing
/// it marks the visitor's notifications about it read.
#[server(prefix = "/api", endpoint = "proposal")]
pub async fn get_proposal(id: i64, page: u32) -> Result<ProposalView, AppError> {
    use crate::accounts::model::Role;
    use crate::error::internal;
    let state = crate::server::state::app_state()?;
    let user = crate::auth::current_user().await?;
    let reader = super::comments::repo::Reader {
        user_id: user.as_ref().map(|u| u.id),
        moderator: user.as_ref().is_some_and(|u| u.has_role(Role::Moderator)),
    };
    let detail = match super::service::proposal_for(&state, id, reader).await {
        Ok(detail) => detail,
        Err(err) => {
            crate::server::request::set_error_status(&err);
            return Err(err);
        }
    };
    let pool = state.db.pool();
    let (following, supported) = match &user {
        Some(user) => {
            crate::notifications::repo::mark_proposal_read(pool, user.id, id, state.clock.now_ms())
                .await
                .map_err(internal)?;
            super::follows::relation(pool, id, user.id)
                .await
                .map_err(internal)?
        }
        None => (false, false),
    };
    let viewer = reader.user_id;
    let comments = super::comments::service::page(&state, id, reader, page).await?;
    let restriction = match viewer {
        Some(v) => crate::moderation::reads::restriction(&state, v).await?,
        None => None,
    };
    let answers = super::answers::history(pool, id).await.map_err(internal)?;
    Ok(ProposalView {
        can_edit: viewer.is_some_and(|v| super::service::may_edit(&state, &detail, v)),
        is_author: viewer.is_some() && viewer == detail.author_id,
        is_agent: user.as_ref().is_some_and(|u| u.has_role(Role::Agent)),
        is_moderator: reader.moderator,
        restriction,
        signed_in: user.is_some(),
        detail,
        answers,
        comments,
        supported,
        following,
    })
}

/// The signed-in author's proposal, for its edit form; refused once it may no longer
/// be edited.
#[server(prefix = "/api", endpoint = "editable_proposal")]
pub async fn get_editable_proposal(id: i64) -> Result<ProposalDetail, AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let reader = super::comments::repo::Reader::resident(user.id);
        let detail = super::service::proposal_for(&state, id, reader).await?;
        if detail.author_id != Some(user.id) {
            return Err(AppError::Forbidden);
        }
        if !super::service::may_edit(&state, &detail, user.id) {
            return Err(AppError::Closed);
        }
        Ok(detail)
    }
    .await;
    if let Err(err) = &result {
        crate::server::request::set_error_status(err);
    }
    result
}

/// The author's new version of their proposal, then the proposal.
#[server(prefix = "/api", endpoint = "edit_proposal")]
pub async fn edit_proposal(
    id: i64,
    title: String,
    body: String,
    theme: String,
    neighbourhood: String,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let form = super::service::ProposalForm::parse(&title, &body, &theme, &neighbourhood)?;
        crate::server::db::retry_contended(|| {
            super::service::edit_proposal(&state, user.id, id, &form)
        })
        .await
    }
    .await;
    finish(
        result,
        "edit_proposal",
        &proposal_values(&title, &body, &theme, &neighbourhood),
    )
    .await?;
    leptos_axum::redirect(&format!("/forum/propositions/{id}"));
    Ok(())
}

/// The author withdraws their proposal, then sees it marked withdrawn.
#[server(prefix = "/api", endpoint = "withdraw_proposal")]
pub async fn withdraw_proposal(id: i64) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::service::withdraw_proposal(&state, user.id, id)
    })
    .await;
    finish(result, "withdraw_proposal", &[]).await?;
    leptos_axum::redirect(&format!("/forum/propositions/{id}"));
    Ok(())
}

/// Follows (`follow = "1"`) or stops following a proposal, then shows it again.
#[server(prefix = "/api", endpoint = "set_follow")]
pub async fn set_follow(proposal_id: i64, follow: String) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let mut conn = state
            .db
            .pool()
            .acquire()
            .await
            .map_err(crate::error::internal)?;
        super::service::require_published(&mut conn, proposal_id).await?;
        if follow == "1" {
            super::follows::follow(&mut conn, proposal_id, user.id, state.clock.now_ms())
                .await
                .map_err(crate::error::internal)
        } else {
            super::follows::unfollow(state.db.pool(), proposal_id, user.id)
                .await
                .map_err(crate::error::internal)
        }
    }
    .await;
    finish(result, "set_follow", &[]).await?;
    leptos_axum::redirect(&format!("/forum/propositions/{proposal_id}"));
    Ok(())
}

/// An agent sets a proposal's status, with an official answer, then sees the proposal.
#[server(prefix = "/api", endpoint = "answer_proposal")]
pub async fn answer_proposal(
    proposal_id: i64,
    status: String,
    answer: String,
) -> Result<(), AppError> {
    let agent = crate::auth::require_role(crate::accounts::model::Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let form = super::answers::AnswerForm::parse(&status, &answer)?;
        crate::server::db::retry_contended(|| {
            super::answers::answer_proposal(&state, agent.id, proposal_id, &form)
        })
        .await
    }
    .await;
    finish(
        result,
        "answer_proposal",
        &[("status", &status), ("answer", &answer)],
    )
    .await?;
    leptos_axum::redirect(&format!("/forum/propositions/{proposal_id}#reponse"));
    Ok(())
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
        crate::server::db::retry_contended(|| {
            super::service::create_proposal(&state, user.id, &form)
        })
        .await
    }
    .await;
    let id = finish(
        result,
        "create_proposal",
        &proposal_values(&title, &body, &theme, &neighbourhood),
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
    let result = crate::server::db::retry_contended(|| {
        super::service::set_support(&state, proposal_id, user.id, support == "1")
    })
    .await;
    finish(result, "set_support", &[]).await?;
    leptos_axum::redirect(&format!("/forum/propositions/{proposal_id}"));
    Ok(())
}
