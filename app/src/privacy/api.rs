//! Server fns of the privacy centre. Each acts on the signed-in person's own data only;
//! forms post to them as plain HTML forms and come back to `/mon-espace/donnees`.

use super::model::{MyData, TermsVersion};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::request::finish;

#[cfg(feature = "ssr")]
fn back_to(anchor: &str) {
    leptos_axum::redirect(&format!("/mon-espace/donnees#{anchor}"));
}

/// What `/mon-espace/donnees` shows, with page `page` of the accesses.
#[server(prefix = "/api", endpoint = "my_data")]
pub async fn get_my_data(page: u32) -> Result<MyData, AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    super::centre::my_data(
        &state,
        user.id,
        i64::from(page.max(1)),
        crate::server::request::lang(),
    )
    .await
}

/// Asks for an export of everything held about the person; it is built in the
/// background and mailed when ready.
#[server(prefix = "/api", endpoint = "request_export")]
pub async fn request_export() -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result =
        crate::server::db::retry_contended(|| super::export::request(&state, user.id)).await;
    finish(result, "request_export", &[]).await?;
    let worker = state.clone();
    tokio::spawn(async move {
        if let Err(err) = super::export::run_pending(&worker).await {
            tracing::warn!(error = ?err, "building exports; retried within a minute");
        }
    });
    back_to("export");
    Ok(())
}

/// Gives (`given` = "1") or withdraws an optional consent.
#[server(prefix = "/api", endpoint = "set_consent")]
pub async fn set_consent(purpose: String, given: String) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::consents::set_optional(&state, user.id, &purpose, given == "1")
    })
    .await;
    finish(result, "set_consent", &[]).await?;
    back_to("consentements");
    Ok(())
}

/// Schedules the erasure of the person's account after the cooling-off period.
#[server(prefix = "/api", endpoint = "schedule_erasure")]
pub async fn schedule_erasure(
    #[server(default)] mode: String,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::erasure::schedule(&state, user.id, &mode, confirm.is_some())
    })
    .await;
    finish(result, "schedule_erasure", &[("mode", &mode)]).await?;
    back_to("effacement");
    Ok(())
}

/// Cancels a scheduled erasure.
#[server(prefix = "/api", endpoint = "cancel_erasure")]
pub async fn cancel_erasure() -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = super::erasure::cancel(&state, user.id).await.map(|_| ());
    finish(result, "cancel_erasure", &[]).await?;
    back_to("effacement");
    Ok(())
}

/// The terms the signed-in person must still accept, if any.
#[server(prefix = "/api", endpoint = "terms_to_accept")]
pub async fn get_terms_to_accept() -> Result<Option<TermsVersion>, AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    super::consents::terms_pending(state.db.pool(), user.id)
        .await
        .map_err(crate::error::internal)
}

/// Accepts terms `version`, then goes on to `suite` (a page of this site).
#[server(prefix = "/api", endpoint = "accept_terms")]
pub async fn accept_terms(version: i64, #[server(default)] suite: String) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = super::consents::accept_terms(&state, user.id, version).await;
    finish(result, "accept_terms", &[]).await?;
    let next = if suite.is_empty() {
        "/mon-espace"
    } else {
        &suite
    };
    leptos_axum::redirect(&crate::site::locale::safe_return_path(next));
    Ok(())
}
