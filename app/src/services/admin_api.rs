//! Server fns of the catalogue's administration (admin role): services, teams,
//! templates, form fields.
// A server fn takes one argument per form field; the service form has many.
#![allow(clippy::too_many_arguments)]

use super::views::{ServiceAdmin, ServiceSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::admin::{FieldChange, FieldForm, ServiceForm};
#[cfg(feature = "ssr")]
use super::api::{actor, answer};
#[cfg(feature = "ssr")]
use crate::server::request::finish;

/// Every service, published or not.
#[server(prefix = "/api", endpoint = "admin_services")]
pub async fn admin_services() -> Result<Vec<ServiceSummary>, AppError> {
    let result = async {
        crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
        let state = crate::server::state::app_state()?;
        super::catalogue_repo::list(state.db.pool(), false)
            .await
            .map_err(crate::error::internal)
    }
    .await;
    answer(result)
}

#[server(prefix = "/api", endpoint = "service_admin")]
pub async fn get_service_admin(id: i64) -> Result<ServiceAdmin, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::admin::service_admin(&state, actor, id).await
    }
    .await;
    answer(result)
}

/// Creates a service (`id` 0) or saves its description.
#[server(prefix = "/api", endpoint = "save_service")]
pub async fn save_service(
    id: i64,
    #[server(default)] slug: String,
    category: String,
    title: String,
    #[server(default)] summary: String,
    #[server(default)] keywords: String,
    #[server(default)] eligibility: String,
    #[server(default)] documents: String,
    #[server(default)] processing_time: String,
    #[server(default)] cost: String,
    #[server(default)] contact: String,
    retention_months: String,
    #[server(default)] published: String,
) -> Result<(), AppError> {
    let form = ServiceForm {
        slug,
        category,
        title,
        summary,
        keywords,
        eligibility,
        documents,
        processing_time,
        cost,
        contact,
        retention_months,
        published: published == "on",
    };
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        if id == 0 {
            crate::server::db::retry_contended(|| {
                super::admin::create_service(&state, actor, &form)
            })
            .await
        } else {
            crate::server::db::retry_contended(|| {
                super::admin::update_service(&state, actor, id, &form)
            })
            .await
            .map(|()| id)
        }
    }
    .await;
    let typed = [
        ("slug", form.slug.as_str()),
        ("category", form.category.as_str()),
        ("title", form.title.as_str()),
        ("summary", form.summary.as_str()),
        ("keywords", form.keywords.as_str()),
        ("eligibility", form.eligibility.as_str()),
        ("documents", form.documents.as_str()),
        ("processing_time", form.processing_time.as_str()),
        ("cost", form.cost.as_str()),
        ("contact", form.contact.as_str()),
        ("retention_months", form.retention_months.as_str()),
    ];
    let saved = finish(result, "save_service", &typed).await?;
    leptos_axum::redirect(&format!("/admin/demarches/{saved}?enregistre=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "add_service_agent")]
pub async fn add_service_agent(id: i64, email: String) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| super::admin::add_member(&state, actor, id, &email))
            .await
    }
    .await;
    finish(result, "add_service_agent", &[("email", &email)]).await?;
    leptos_axum::redirect(&format!("/admin/demarches/{id}#equipe"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "remove_service_agent")]
pub async fn remove_service_agent(id: i64, user_id: i64) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| {
            super::admin::remove_member(&state, actor, id, user_id)
        })
        .await
    }
    .await;
    finish(result, "remove_service_agent", &[]).await?;
    leptos_axum::redirect(&format!("/admin/demarches/{id}#equipe"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "add_service_template")]
pub async fn add_service_template(
    id: i64,
    template_title: String,
    template_body: String,
) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| {
            super::admin::add_template(&state, actor, id, &template_title, &template_body)
        })
        .await
    }
    .await;
    let typed = [
        ("template_title", template_title.as_str()),
        ("template_body", template_body.as_str()),
    ];
    finish(result, "add_service_template", &typed).await?;
    leptos_axum::redirect(&format!("/admin/demarches/{id}#modeles"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "delete_service_template")]
pub async fn delete_service_template(id: i64, template_id: i64) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| {
            super::admin::delete_template(&state, actor, id, template_id)
        })
        .await
    }
    .await;
    finish(result, "delete_service_template", &[]).await?;
    leptos_axum::redirect(&format!("/admin/demarches/{id}#modeles"));
    Ok(())
}

/// Adds a field (`key` empty) or saves the field `key`.
#[server(prefix = "/api", endpoint = "save_service_field")]
pub async fn save_service_field(
    id: i64,
    #[server(default)] key: String,
    kind: String,
    label: String,
    #[server(default)] help: String,
    #[server(default)] required: String,
    #[server(default)] options: String,
    #[server(default)] condition: String,
) -> Result<(), AppError> {
    let form = FieldForm {
        kind,
        label,
        help,
        required: required == "on",
        options,
        condition,
    };
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        let change = FieldChange::Save((!key.is_empty()).then(|| key.clone()), form.clone());
        crate::server::db::retry_contended(|| super::admin::change_form(&state, actor, id, &change))
            .await
    }
    .await;
    let typed = [
        ("kind", form.kind.as_str()),
        ("label", form.label.as_str()),
        ("help", form.help.as_str()),
        ("options", form.options.as_str()),
        ("condition", form.condition.as_str()),
    ];
    finish(result, "save_service_field", &typed).await?;
    leptos_axum::redirect(&format!("/admin/demarches/{id}#formulaire"));
    Ok(())
}

/// Deletes a field, or moves it (`action`: "delete", "up", "down").
#[server(prefix = "/api", endpoint = "change_service_field")]
pub async fn change_service_field(id: i64, key: String, action: String) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        let change = match action.as_str() {
            "delete" => FieldChange::Delete(key.clone()),
            "up" => FieldChange::Move(key.clone(), true),
            _ => FieldChange::Move(key.clone(), false),
        };
        crate::server::db::retry_contended(|| super::admin::change_form(&state, actor, id, &change))
            .await
    }
    .await;
    finish(result, "change_service_field", &[]).await?;
    leptos_axum::redirect(&format!("/admin/demarches/{id}#formulaire"));
    Ok(())
}
