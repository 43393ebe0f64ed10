//! Server fns of the profile page and of the administrators' people pages.

use super::model::{PersonSummary, Profile, RoleChange};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::request::{finish, lang};

#[cfg(feature = "ssr")]
async fn current_session_id() -> Option<String> {
    crate::auth::guard::session()
        .await
        .ok()
        .and_then(|s| s.id())
        .map(|id| id.to_string())
}

#[cfg(feature = "ssr")]
fn back_to_profile(anchor: &str) {
    leptos_axum::redirect(&format!("/mon-compte?enregistre={anchor}"));
}

/// The signed-in person's profile.
#[server(prefix = "/api", endpoint = "profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    super::profile::profile(&state, &user, current_session_id().await.as_deref()).await
}

/// Changes the display name.
#[server(prefix = "/api", endpoint = "update_display_name")]
pub async fn update_display_name(display_name: String) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = super::profile::rename(&state, &user, &display_name).await;
    finish(
        result,
        "update_display_name",
        &[("display_name", &display_name)],
    )
    .await?;
    back_to_profile("nom");
    Ok(())
}

/// Changes the password (the current one is asked again).
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let keep = current_session_id().await;
    let result = super::profile::change_password(
        &state,
        &user,
        &current_password,
        &new_password,
        keep.as_deref(),
    )
    .await;
    finish(result, "change_password", &[]).await?;
    back_to_profile("mot-de-passe");
    Ok(())
}

/// Mails a confirmation link to a new address (the current password is asked again).
#[server(prefix = "/api", endpoint = "request_email_change")]
pub async fn request_email_change(
    new_email: String,
    current_password: String,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result =
        super::profile::request_email_change(&state, &user, &new_email, &current_password, lang())
            .await;
    finish(result, "request_email_change", &[("new_email", &new_email)]).await?;
    back_to_profile("adresse");
    Ok(())
}

/// Follows the link mailed to a new address.
#[server(prefix = "/api", endpoint = "confirm_email_change")]
pub async fn confirm_email_change(token: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let signed_in = crate::auth::current_user().await?.map(|u| u.id);
    let session = current_session_id().await;
    let keep = signed_in.zip(session.as_deref());
    let result = super::profile::confirm_email_change(&state, &token, keep).await;
    finish(result, "confirm_email_change", &[]).await?;
    leptos_axum::redirect("/mon-compte?enregistre=adresse-confirmee");
    Ok(())
}

/// Signs the person out of every other browser.
#[server(prefix = "/api", endpoint = "sign_out_elsewhere")]
pub async fn sign_out_elsewhere() -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let keep = current_session_id().await;
    let result = super::profile::sign_out_elsewhere(&state, &user, keep.as_deref()).await;
    finish(result.map(|_| ()), "sign_out_elsewhere", &[]).await?;
    back_to_profile("sessions");
    Ok(())
}

/// A page of the people list (administrators only).
#[server(prefix = "/api", endpoint = "search_people")]
pub async fn search_people(
    query: String,
    page: u32,
) -> Result<(Vec<PersonSummary>, bool), AppError> {
    crate::auth::require_role(super::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    super::admin::search(&state, &query, page.max(1)).await
}

/// Grants (`change = "grant"`) or withdraws (`"revoke"`) a staff role (administrators only).
#[server(prefix = "/api", endpoint = "set_role")]
pub async fn set_role(
    user_id: i64,
    role: String,
    change: String,
    back: String,
) -> Result<(), AppError> {
    let admin = crate::auth::require_role(super::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let role = super::model::Role::parse(&role)
            .ok_or_else(|| AppError::field("role", "errors.invalid"))?;
        let grant = match change.as_str() {
            "grant" => true,
            "revoke" => false,
            _ => return Err(AppError::field("role", "errors.invalid")),
        };
        super::admin::set_role(&state, &admin, user_id, role, grant).await
    }
    .await;
    finish(result, "set_role", &[]).await?;
    leptos_axum::redirect(&crate::site::locale::safe_return_path(&back));
    Ok(())
}

/// The latest role changes (administrators only).
#[server(prefix = "/api", endpoint = "role_log")]
pub async fn get_role_log() -> Result<Vec<RoleChange>, AppError> {
    crate::auth::require_role(super::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    super::admin::role_log(&state, 50).await
}
