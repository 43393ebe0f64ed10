//! Server fns of comments: posting needs an account; only a comment's author edits or
//! deletes it.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::request::finish;

#[cfg(feature = "ssr")]
fn comment_url(proposal_id: i64, page: u32, comment_id: i64) -> String {
    format!("/forum/propositions/{proposal_id}?commentaires={page}#commentaire-{comment_id}")
}

/// Posts a comment (a reply when `parent_id` is given), then shows it in its thread.
#[server(prefix = "/api", endpoint = "add_comment")]
pub async fn add_comment(
    proposal_id: i64,
    #[server(default)] parent_id: Option<i64>,
    body: String,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let body = super::service::CommentBody::parse(&body)?;
        crate::server::db::retry_contended(|| {
            super::service::add_comment(&state, user.id, proposal_id, parent_id, &body)
        })
        .await
    }
    .await;
    let (id, page) = finish(result, "add_comment", &[("body", &body)]).await?;
    leptos_axum::redirect(&comment_url(proposal_id, page, id));
    Ok(())
}

/// The author's new text for their comment, then the comment.
#[server(prefix = "/api", endpoint = "edit_comment")]
pub async fn edit_comment(comment_id: i64, body: String) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let body = super::service::CommentBody::parse(&body)?;
        crate::server::db::retry_contended(|| {
            super::service::edit_comment(&state, user.id, comment_id, &body)
        })
        .await
    }
    .await;
    let (proposal_id, page) = finish(result, "edit_comment", &[("body", &body)]).await?;
    leptos_axum::redirect(&comment_url(proposal_id, page, comment_id));
    Ok(())
}

/// The author deletes their comment; its replies stay.
#[server(prefix = "/api", endpoint = "delete_comment")]
pub async fn delete_comment(comment_id: i64) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::service::delete_comment(&state, user.id, comment_id)
    })
    .await;
    let (proposal_id, page) = finish(result, "delete_comment", &[]).await?;
    leptos_axum::redirect(&comment_url(proposal_id, page, comment_id));
    Ok(())
}
