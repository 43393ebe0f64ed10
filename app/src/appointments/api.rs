//! Server fns of appointments (residents and agents) and of the facilities directory.
//! Each one authenticates when it must, then calls one service fn that checks who may
//! do what. Forms post plain HTML; after a failure Leptos sends the browser back to the
//! form's page with the error.
// A server fn takes one argument per form field; the counter booking form has many.
#![allow(clippy::too_many_arguments)]

use super::views::{
    AgendaSummary, AgentDay, AppointmentSummary, AppointmentView, DayPage, DaysPage, Directory,
    FacilityView,
};
use crate::error::AppError;
use crate::services::views::Paged;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::request::finish;
#[cfg(feature = "ssr")]
use crate::services::api::{actor, answer};
#[cfg(feature = "ssr")]
use crate::services::service::Actor;

#[cfg(feature = "ssr")]
async fn maybe_actor() -> Result<Option<Actor>, AppError> {
    Ok(crate::auth::current_user().await?.as_ref().map(Actor::of))
}

/// The appointment being moved, from the pages' query (`deplacer`, `cle`).
#[cfg(feature = "ssr")]
fn move_of(id: i64, key: String) -> Option<(i64, String)> {
    (id > 0).then_some((id, key))
}

/// The agendas residents may book in.
#[server(prefix = "/api", endpoint = "agendas")]
pub async fn list_agendas() -> Result<Vec<AgendaSummary>, AppError> {
    let state = crate::server::state::app_state()?;
    answer(super::service::public_agendas(&state).await)
}

/// A service's agendas, and whether it has a form (its page then offers both).
#[server(prefix = "/api", endpoint = "service_agendas")]
pub async fn service_agendas(service_id: i64) -> Result<(Vec<AgendaSummary>, bool), AppError> {
    let state = crate::server::state::app_state()?;
    answer(super::service::for_service(&state, service_id).await)
}

#[server(prefix = "/api", endpoint = "agenda_days")]
pub async fn get_days(
    slug: String,
    #[server(default)] from: String,
    #[server(default)] moving: i64,
    #[server(default)] key: String,
) -> Result<DaysPage, AppError> {
    let result = async {
        let state = crate::server::state::app_state()?;
        let actor = maybe_actor().await?;
        super::service::days_page(&state, actor, &slug, &from, move_of(moving, key)).await
    }
    .await;
    answer(result)
}

#[server(prefix = "/api", endpoint = "agenda_day")]
pub async fn get_day(
    slug: String,
    day: String,
    #[server(default)] moving: i64,
    #[server(default)] key: String,
) -> Result<DayPage, AppError> {
    let result = async {
        let state = crate::server::state::app_state()?;
        let actor = maybe_actor().await?;
        super::service::day_page(&state, actor, &slug, &day, move_of(moving, key)).await
    }
    .await;
    answer(result)
}

#[cfg(feature = "ssr")]
fn parse_instant(raw: &str) -> Result<i64, AppError> {
    raw.trim().parse::<i64>().map_err(|_| {
        AppError::Validation(
            [(
                "starts_at".to_owned(),
                vec!["errors.appt_choose_slot".to_owned()],
            )]
            .into(),
        )
    })
}

/// A signed-in resident books a slot.
#[server(prefix = "/api", endpoint = "book_appointment")]
pub async fn book_appointment(
    slug: String,
    #[server(default)] starts_at: String,
) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        let at = parse_instant(&starts_at)?;
        crate::server::db::retry_contended(|| super::service::book(&state, actor, &slug, at)).await
    }
    .await;
    let id = finish(result, "book_appointment", &[("starts_at", &starts_at)]).await?;
    leptos_axum::redirect(&format!("/mon-espace/rendez-vous/{id}?confirme=1"));
    Ok(())
}

/// Moves an appointment (signed in, or with the mail link's key).
#[server(prefix = "/api", endpoint = "move_appointment")]
pub async fn move_appointment(
    id: i64,
    #[server(default)] key: String,
    #[server(default)] starts_at: String,
) -> Result<(), AppError> {
    let result = async {
        let actor = maybe_actor().await?;
        let state = crate::server::state::app_state()?;
        let at = parse_instant(&starts_at)?;
        super::service::reschedule(&state, actor, id, &key, at).await
    }
    .await;
    let (new_id, new_key) =
        finish(result, "move_appointment", &[("starts_at", &starts_at)]).await?;
    if key.trim().is_empty() {
        leptos_axum::redirect(&format!("/mon-espace/rendez-vous/{new_id}?deplace=1"));
    } else {
        leptos_axum::redirect(&format!(
            "/mon-espace/rendez-vous/{new_id}?cle={new_key}&deplace=1"
        ));
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "appointment")]
pub async fn get_appointment(
    id: i64,
    #[server(default)] key: String,
) -> Result<AppointmentView, AppError> {
    let result = async {
        let actor = maybe_actor().await?;
        let state = crate::server::state::app_state()?;
        super::service::view(&state, actor, id, &key).await
    }
    .await;
    answer(result)
}

#[server(prefix = "/api", endpoint = "cancel_appointment")]
pub async fn cancel_appointment(id: i64, #[server(default)] key: String) -> Result<(), AppError> {
    let result = async {
        let actor = maybe_actor().await?;
        let state = crate::server::state::app_state()?;
        super::service::cancel(&state, actor, id, &key).await
    }
    .await;
    finish(result, "cancel_appointment", &[]).await?;
    if key.trim().is_empty() {
        leptos_axum::redirect(&format!("/mon-espace/rendez-vous/{id}?annule=1"));
    } else {
        let key = crate::ui::encode_query(key.trim());
        leptos_axum::redirect(&format!("/mon-espace/rendez-vous/{id}?cle={key}&annule=1"));
    }
    Ok(())
}

/// The signed-in resident asks to be told when a place frees on a full day.
#[server(prefix = "/api", endpoint = "join_waiting_list")]
pub async fn join_waiting_list(slug: String, day: String) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::service::wait(&state, actor, &slug, &day).await
    }
    .await;
    finish(result, "join_waiting_list", &[]).await?;
    leptos_axum::redirect(&format!("/rendez-vous/{slug}/{day}?attente=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "leave_waiting_list")]
pub async fn leave_waiting_list(slug: String, day: String) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::service::stop_waiting(&state, actor, &slug, &day).await
    }
    .await;
    finish(result, "leave_waiting_list", &[]).await?;
    leptos_axum::redirect(&format!("/rendez-vous/{slug}/{day}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "my_appointments")]
pub async fn my_appointments(
    #[server(default)] page: u32,
) -> Result<Paged<AppointmentSummary>, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::service::mine(&state, actor, page).await
    }
    .await;
    answer(result)
}

/// The agendas of the agent's services.
#[server(prefix = "/api", endpoint = "desk_agendas")]
pub async fn desk_agendas() -> Result<Vec<AgendaSummary>, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::desk::agendas(&state, actor).await
    }
    .await;
    answer(result)
}

#[server(prefix = "/api", endpoint = "agent_day")]
pub async fn get_agent_day(
    agenda_id: i64,
    #[server(default)] day: String,
) -> Result<AgentDay, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::desk::day(&state, actor, agenda_id, &day).await
    }
    .await;
    answer(result)
}

/// Records presence (`attended`) or absence (`no_show`).
#[server(prefix = "/api", endpoint = "mark_appointment")]
pub async fn mark_appointment(
    id: i64,
    outcome: String,
    #[server(default)] day: String,
) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        let outcome = super::model::Status::parse(&outcome).unwrap_or(super::model::Status::Booked);
        super::desk::mark(&state, actor, id, outcome).await
    }
    .await;
    let agenda = finish(result, "mark_appointment", &[]).await?;
    leptos_axum::redirect(&format!(
        "/guichet/rendez-vous/{agenda}?jour={day}#a-pointer"
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "block_slot")]
pub async fn block_slot(
    agenda_id: i64,
    starts_at: i64,
    #[server(default)] blocked: bool,
    #[server(default)] day: String,
) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::desk::block(&state, actor, agenda_id, starts_at, blocked).await
    }
    .await;
    finish(result, "block_slot", &[]).await?;
    leptos_axum::redirect(&format!("/guichet/rendez-vous/{agenda_id}?jour={day}"));
    Ok(())
}

/// An agent books for someone at the counter or on the phone.
#[server(prefix = "/api", endpoint = "book_at_counter")]
pub async fn book_at_counter(
    agenda_id: i64,
    #[server(default)] day: String,
    #[server(default)] starts_at: String,
    #[server(default)] channel: String,
    #[server(default)] email: String,
    #[server(default)] name: String,
    #[server(default)] phone: String,
) -> Result<(), AppError> {
    let form = super::desk::CounterBooking {
        starts_at,
        channel,
        email,
        name,
        phone,
    };
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::desk::book_for(&state, actor, agenda_id, &form).await
    }
    .await;
    let typed = [
        ("starts_at", form.starts_at.as_str()),
        ("channel", form.channel.as_str()),
        ("email", form.email.as_str()),
        ("name", form.name.as_str()),
        ("phone", form.phone.as_str()),
    ];
    finish(result, "book_at_counter", &typed).await?;
    leptos_axum::redirect(&format!(
        "/guichet/rendez-vous/{agenda_id}?jour={day}&reserve=1"
    ));
    Ok(())
}

/// `/equipements`, at `quand` (`2026-12-05T10:00`) or now.
#[server(prefix = "/api", endpoint = "facilities")]
pub async fn get_directory(#[server(default)] quand: String) -> Result<Directory, AppError> {
    let state = crate::server::state::app_state()?;
    answer(super::facilities::directory(&state, &quand).await)
}

#[server(prefix = "/api", endpoint = "facility")]
pub async fn get_facility(
    slug: String,
    #[server(default)] quand: String,
) -> Result<FacilityView, AppError> {
    let state = crate::server::state::app_state()?;
    answer(super::facilities::facility(&state, &slug, &quand).await)
}
