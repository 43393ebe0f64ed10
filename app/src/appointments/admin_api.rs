//! Server fns of the administration of agendas and facilities (admin role).
// A server fn takes one argument per form field; the agenda form has many.
#![allow(clippy::too_many_arguments)]

use super::views::{AgendaInfo, AgendaSummary, FacilityView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::admin::{AgendaForm, ExceptionForm, FacilityForm};
#[cfg(feature = "ssr")]
use super::repo::Owner;
#[cfg(feature = "ssr")]
use crate::server::request::finish;
#[cfg(feature = "ssr")]
use crate::services::api::{actor, answer};

#[server(prefix = "/api", endpoint = "admin_agendas")]
pub async fn admin_agendas() -> Result<Vec<AgendaSummary>, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::admin::agendas(&state, actor).await
    }
    .await;
    answer(result)
}

#[server(prefix = "/api", endpoint = "agenda_admin")]
pub async fn get_agenda_admin(id: i64) -> Result<AgendaInfo, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::admin::agenda(&state, actor, id).await
    }
    .await;
    answer(result)
}

/// The seven day fields of an hours form, kept after a failed post.
#[cfg(feature = "ssr")]
fn typed_hours(hours: &[String; 7]) -> [(&'static str, &str); 7] {
    const NAMES: [&str; 7] = [
        "hours_0", "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6",
    ];
    std::array::from_fn(|i| (NAMES[i], hours[i].as_str()))
}

/// Creates an agenda (`id` 0) or saves it.
#[server(prefix = "/api", endpoint = "save_agenda")]
pub async fn save_agenda(
    id: i64,
    #[server(default)] slug: String,
    #[server(default)] service_id: String,
    #[server(default)] name: String,
    #[server(default)] place: String,
    #[server(default)] instructions: String,
    #[server(default)] hours_0: String,
    #[server(default)] hours_1: String,
    #[server(default)] hours_2: String,
    #[server(default)] hours_3: String,
    #[server(default)] hours_4: String,
    #[server(default)] hours_5: String,
    #[server(default)] hours_6: String,
    #[server(default)] slot_minutes: String,
    #[server(default)] capacity: String,
    #[server(default)] horizon_days: String,
    #[server(default)] notice_hours: String,
    #[server(default)] published: String,
) -> Result<(), AppError> {
    let form = AgendaForm {
        slug,
        service_id,
        name,
        place,
        instructions,
        hours: [
            hours_0, hours_1, hours_2, hours_3, hours_4, hours_5, hours_6,
        ],
        slot_minutes,
        capacity,
        horizon_days,
        notice_hours,
        published: published == "on",
    };
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::admin::save_agenda(&state, actor, (id > 0).then_some(id), &form).await
    }
    .await;
    let mut typed = vec![
        ("slug", form.slug.as_str()),
        ("service_id", form.service_id.as_str()),
        ("name", form.name.as_str()),
        ("place", form.place.as_str()),
        ("instructions", form.instructions.as_str()),
        ("slot_minutes", form.slot_minutes.as_str()),
        ("capacity", form.capacity.as_str()),
        ("horizon_days", form.horizon_days.as_str()),
        ("notice_hours", form.notice_hours.as_str()),
    ];
    typed.extend(typed_hours(&form.hours));
    let saved = finish(result, "save_agenda", &typed).await?;
    leptos_axum::redirect(&format!("/admin/rendez-vous/{saved}?enregistre=1"));
    Ok(())
}

/// Every facility: (id, name, published).
#[server(prefix = "/api", endpoint = "admin_facilities")]
pub async fn admin_facilities() -> Result<Vec<(i64, String, bool)>, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::admin::facilities(&state, actor).await
    }
    .await;
    answer(result)
}

#[server(prefix = "/api", endpoint = "facility_admin")]
pub async fn get_facility_admin(id: i64) -> Result<FacilityView, AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::admin::facility(&state, actor, id).await
    }
    .await;
    answer(result)
}

/// Creates a facility (`id` 0) or saves it.
#[server(prefix = "/api", endpoint = "save_facility")]
pub async fn save_facility(
    id: i64,
    #[server(default)] slug: String,
    #[server(default)] kind: String,
    #[server(default)] name: String,
    #[server(default)] description: String,
    #[server(default)] address: String,
    #[server(default)] phone: String,
    #[server(default)] email: String,
    #[server(default)] accessibility: String,
    #[server(default)] hours_0: String,
    #[server(default)] hours_1: String,
    #[server(default)] hours_2: String,
    #[server(default)] hours_3: String,
    #[server(default)] hours_4: String,
    #[server(default)] hours_5: String,
    #[server(default)] hours_6: String,
    #[server(default)] published: String,
) -> Result<(), AppError> {
    let form = FacilityForm {
        slug,
        kind,
        name,
        description,
        address,
        phone,
        email,
        accessibility,
        hours: [
            hours_0, hours_1, hours_2, hours_3, hours_4, hours_5, hours_6,
        ],
        published: published == "on",
    };
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        super::admin::save_facility(&state, actor, (id > 0).then_some(id), &form).await
    }
    .await;
    let mut typed = vec![
        ("slug", form.slug.as_str()),
        ("kind", form.kind.as_str()),
        ("name", form.name.as_str()),
        ("description", form.description.as_str()),
        ("address", form.address.as_str()),
        ("phone", form.phone.as_str()),
        ("email", form.email.as_str()),
        ("accessibility", form.accessibility.as_str()),
    ];
    typed.extend(typed_hours(&form.hours));
    let saved = finish(result, "save_facility", &typed).await?;
    leptos_axum::redirect(&format!("/admin/equipements/{saved}?enregistre=1"));
    Ok(())
}

/// Whose exceptions a form changes: `agenda` or `facility` (its id), and the admin page
/// to go back to.
#[cfg(feature = "ssr")]
fn owner_of(kind: &str, id: i64) -> Result<(Owner, String), AppError> {
    match kind {
        "agenda" => Ok((
            Owner::Agenda(id),
            format!("/admin/rendez-vous/{id}#exceptions"),
        )),
        "facility" => Ok((
            Owner::Facility(id),
            format!("/admin/equipements/{id}#exceptions"),
        )),
        _ => Err(AppError::NotFound),
    }
}

/// Closes an agenda or a facility (or opens it with other hours) on some days.
#[server(prefix = "/api", endpoint = "add_exception")]
pub async fn add_exception(
    owner: String,
    id: i64,
    #[server(default)] first_day: String,
    #[server(default)] last_day: String,
    #[server(default)] hours: String,
    #[server(default)] label: String,
) -> Result<(), AppError> {
    let form = ExceptionForm {
        first_day,
        last_day,
        hours,
        label,
    };
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        let (owner, back) = owner_of(&owner, id)?;
        super::admin::add_exception(&state, actor, owner, &form).await?;
        Ok(back)
    }
    .await;
    let typed = [
        ("first_day", form.first_day.as_str()),
        ("last_day", form.last_day.as_str()),
        ("hours", form.hours.as_str()),
        ("label", form.label.as_str()),
    ];
    let back = finish(result, "add_exception", &typed).await?;
    leptos_axum::redirect(&back);
    Ok(())
}

#[server(prefix = "/api", endpoint = "delete_exception")]
pub async fn delete_exception(owner: String, id: i64, exception_id: i64) -> Result<(), AppError> {
    let result = async {
        let actor = actor().await?;
        let state = crate::server::state::app_state()?;
        let (owner, back) = owner_of(&owner, id)?;
        super::admin::delete_exception(&state, actor, owner, exception_id).await?;
        Ok(back)
    }
    .await;
    let back = finish(result, "delete_exception", &[]).await?;
    leptos_axum::redirect(&back);
    Ok(())
}
