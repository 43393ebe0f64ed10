//! Server fns of the catalogue and of requests, for residents and agents. Each one
//! authenticates, then calls one service fn that checks who may do what. Posts with
//! files (the request form, messages) are plain HTTP handlers: see `upload.rs`.

use super::views::{
    Dashboard, Queue, QueueFilter, RequestView, ServiceInfo, ServiceSummary, Stats,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::service::Actor;
#[cfg(feature = "ssr")]
use crate::server::request::{finish, set_error_status};

#[cfg(feature = "ssr")]
pub(crate) async fn actor() -> Result<Actor, AppError> {
    Ok(Actor::of(&crate::auth::require_user().await?))
}

/// Gives a page's data, or the HTTP status of its error.
#[cfg(feature = "ssr")]
pub(crate) fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        set_error_status(err);
    }
    result
}

/// The published catalogue; `search` keeps the services the site search finds for it
/// (every word in the title, keywords or summary; stems, accents and case ignored).
#[server(prefix = "/api", endpoint = "catalogue")]
pub async fn list_catalogue(search: String) -> Result<Vec<ServiceSummary>, AppError> {
    use crate::search::service::{score_texts, Query};
    let state = crate::server::state::app_state()?;
    let all = super::catalogue_repo::searchable(state.db.pool())
        .await
        .map_err(crate::error::internal)?;
    let query = Query::parse(&search);
    Ok(all
        .into_iter()
        .filter(|(s, keywords)| {
            query.is_empty()
                || score_texts(
                    &query.words,
                    &[(&s.title, 4), (keywords, 3), (&s.summary, 1)],
                )
                .is_some()
        })
        .map(|(s, _)| s)
        .collect())
}

/// A published service's page (admins also see unpublished ones).
#[server(prefix = "/api", endpoint = "service")]
pub async fn get_service(slug: String) -> Result<ServiceInfo, AppError> {
    let state = crate::server::state::app_state()?;
    let admin = crate::auth::current_user()
        .await?
        .is_some_and(|u| u.has_role(crate::accounts::model::Role::Admin));
    let found = super::catalogue_repo::by_slug(state.db.pool(), &slug)
        .await
        .map_err(crate::error::internal)?
        .filter(|s| s.published || admin)
        .ok_or(AppError::NotFound);
    answer(found)
}

/// Starts a request (or reopens the draft for the same service) and opens its form.
#[server(prefix = "/api", endpoint = "start_request")]
pub async fn start_request(slug: String) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| super::service::start(&state, actor, &slug)).await
    }
    .await;
    let id = finish(result, "start_request", &[]).await?;
    leptos_axum::redirect(&format!("/mon-espace/demandes/{id}/formulaire"));
    Ok(())
}

/// A request, as its resident or an agent of its service sees it.
#[server(prefix = "/api", endpoint = "request")]
pub async fn get_request(
    id: i64,
    /// Page of the timeline (1, or absent: the latest events).
    #[server(default)]
    timeline_page: u32,
) -> Result<RequestView, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::service::view_page(&state, actor, id, timeline_page).await
    }
    .await;
    answer(result)
}

#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn get_dashboard(page: u32) -> Result<Dashboard, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::service::dashboard(&state, actor, page).await
    }
    .await;
    answer(result)
}

/// The resident withdraws their request.
#[server(prefix = "/api", endpoint = "cancel_request")]
pub async fn cancel_request(id: i64) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| super::service::cancel(&state, actor, id)).await
    }
    .await;
    finish(result, "cancel_request", &[]).await?;
    leptos_axum::redirect(&format!("/mon-espace/demandes/{id}?annulee=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "delete_request_draft")]
pub async fn delete_request_draft(id: i64) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| super::service::delete_draft(&state, actor, id)).await
    }
    .await;
    finish(result, "delete_request_draft", &[]).await?;
    leptos_axum::redirect("/mon-espace?brouillon_supprime=1");
    Ok(())
}

/// The services the signed-in agent works on.
#[server(prefix = "/api", endpoint = "my_services")]
pub async fn my_services() -> Result<Vec<ServiceSummary>, AppError> {
    let result = async {
        let user = crate::auth::require_role(crate::accounts::model::Role::Agent).await?;
        let state = crate::server::state::app_state()?;
        super::catalogue_repo::services_of_agent(state.db.pool(), user.id)
            .await
            .map_err(crate::error::internal)
    }
    .await;
    answer(result)
}

/// A page of a service's queue.
#[server(prefix = "/api", endpoint = "queue")]
pub async fn get_queue(
    service_id: i64,
    #[server(default)] filter: QueueFilter,
    #[server(default)] page: u32,
) -> Result<Queue, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::processing::queue(&state, actor, service_id, &filter, page).await
    }
    .await;
    answer(result)
}

#[server(prefix = "/api", endpoint = "service_stats")]
pub async fn get_stats(service_id: i64) -> Result<Stats, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::processing::stats(&state, actor, service_id).await
    }
    .await;
    answer(result)
}

/// Moves a request to a new status with a message to the resident.
#[server(prefix = "/api", endpoint = "change_request_status")]
pub async fn change_request_status(
    id: i64,
    status: String,
    message: String,
) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        let to = super::model::Status::parse(&status)
            .ok_or_else(|| AppError::field("status", "errors.required"))?;
        crate::server::db::retry_contended(|| {
            super::processing::change_status(&state, actor, id, to, &message)
        })
        .await
    }
    .await;
    finish(
        result,
        "change_request_status",
        &[("status", &status), ("message", &message)],
    )
    .await?;
    leptos_axum::redirect(&format!("/guichet/demandes/{id}?traitee=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "add_request_note")]
pub async fn add_request_note(id: i64, note: String) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| super::processing::add_note(&state, actor, id, &note))
            .await
    }
    .await;
    finish(result, "add_request_note", &[("note", &note)]).await?;
    leptos_axum::redirect(&format!("/guichet/demandes/{id}#notes"));
    Ok(())
}

/// Gives a request to an agent: `assignee` is an agent id, "me", or empty for nobody.
#[server(prefix = "/api", endpoint = "assign_request")]
pub async fn assign_request(id: i64, assignee: String) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        let to = match assignee.as_str() {
            "" => None,
            "me" => Some(actor.id),
            raw => Some(
                raw.parse()
                    .map_err(|_| AppError::field("assignee", "errors.choice_unknown"))?,
            ),
        };
        crate::server::db::retry_contended(|| super::processing::assign(&state, actor, id, to))
            .await
    }
    .await;
    finish(result, "assign_request", &[]).await?;
    leptos_axum::redirect(&format!("/guichet/demandes/{id}?attribuee=1"));
    Ok(())
}

/// Starts a request for a resident at the counter, by phone or by mail.
#[server(prefix = "/api", endpoint = "start_counter_request")]
pub async fn start_counter_request(
    service_id: i64,
    channel: String,
    email: String,
    name: String,
    phone: String,
) -> Result<(), AppError> {
    let form = super::processing::CounterForm {
        channel: channel.clone(),
        email: email.clone(),
        name: name.clone(),
        phone: phone.clone(),
    };
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        crate::server::db::retry_contended(|| {
            super::processing::start_for_resident(&state, actor, service_id, &form)
        })
        .await
    }
    .await;
    let typed = [
        ("channel", channel.as_str()),
        ("email", email.as_str()),
        ("name", name.as_str()),
        ("phone", phone.as_str()),
    ];
    let id = finish(result, "start_counter_request", &typed).await?;
    leptos_axum::redirect(&format!("/guichet/demandes/{id}/formulaire"));
    Ok(())
}
