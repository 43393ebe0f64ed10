//! Server fns of the DPO's contact form (anyone), of the administrators' privacy page and
//! of the processing register (public).

use super::model::{PrivacyAdmin, RegisterLine};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::request::finish;

/// Files a request to the data protection officer.
#[server(prefix = "/api", endpoint = "contact_dpo")]
pub async fn contact_dpo(
    #[server(default)] kind: String,
    #[server(default)] name: String,
    #[server(default)] email: String,
    #[server(default)] message: String,
) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let user = crate::auth::current_user().await?;
    let form = super::dpo::DpoForm {
        kind: &kind,
        name: &name,
        email: &email,
        message: &message,
    };
    let result = super::dpo::file(
        &state,
        user.map(|u| u.id),
        &form,
        &crate::server::request::client_ip(),
    )
    .await;
    let id = finish(
        result,
        "contact_dpo",
        &[
            ("kind", &kind),
            ("name", &name),
            ("email", &email),
            ("message", &message),
        ],
    )
    .await?;
    leptos_axum::redirect(&format!("/contact-dpo?envoyee={id}"));
    Ok(())
}

/// The administrators' privacy page.
#[server(prefix = "/api", endpoint = "privacy_admin")]
pub async fn get_privacy_admin() -> Result<PrivacyAdmin, AppError> {
    crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    super::admin::privacy_admin(&state).await
}

/// Answers a request to the DPO (administrators).
#[server(prefix = "/api", endpoint = "answer_data_request")]
pub async fn answer_data_request(
    id: i64,
    #[server(default)] answer: String,
) -> Result<(), AppError> {
    let admin = crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let result =
        crate::server::db::retry_contended(|| super::dpo::answer(&state, admin.id, id, &answer))
            .await;
    finish(result, "answer_data_request", &[("answer", &answer)]).await?;
    leptos_axum::redirect(&format!("/admin/donnees#demande-{id}"));
    Ok(())
}

/// Sets a retention period (administrators).
#[server(prefix = "/api", endpoint = "set_retention")]
pub async fn set_retention(
    category: String,
    #[server(default)] months: String,
) -> Result<(), AppError> {
    crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::admin::set_retention(&state, &category, &months)
    })
    .await;
    finish(
        result,
        "set_retention",
        &[("category", &category), ("months", &months)],
    )
    .await?;
    leptos_axum::redirect("/admin/donnees?enregistre=1#conservation");
    Ok(())
}

/// Publishes a new version of the terms (administrators).
#[server(prefix = "/api", endpoint = "publish_terms")]
pub async fn publish_terms(#[server(default)] summary: String) -> Result<(), AppError> {
    crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let result =
        crate::server::db::retry_contended(|| super::consents::publish_terms(&state, &summary))
            .await;
    finish(result, "publish_terms", &[("summary", &summary)]).await?;
    leptos_axum::redirect("/admin/donnees?publiee=1#conditions");
    Ok(())
}

/// The processing register, in the reader's language.
#[server(prefix = "/api", endpoint = "register")]
pub async fn get_register() -> Result<Vec<RegisterLine>, AppError> {
    let state = crate::server::state::app_state()?;
    super::admin::register_lines(&state, crate::server::request::lang()).await
}
