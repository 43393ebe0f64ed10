//! What admins set up: agendas (schedule, slots, capacity, horizon, notice, closures)
//! and the facilities directory (hours and exceptional closures). Every function checks
//! the admin role itself.

use super::model::{valid_slug, DayHours, FacilityKind, WeekHours};
use super::repo::{self, AgendaFields, FacilityRow, Owner};
use super::schedule;
use super::service::{exceptions_from, info_of, summary_of};
use super::views::{AgendaInfo, AgendaSummary, FacilityView};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::server::state::AppState;
use crate::services::service::Actor;

fn check_admin(actor: Actor) -> Result<(), AppError> {
    if actor.admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Every agenda, published or not.
pub async fn agendas(state: &AppState, actor: Actor) -> Result<Vec<AgendaSummary>, AppError> {
    check_admin(actor)?;
    Ok(repo::agendas(state.db.pool(), false)
        .await
        .map_err(internal)?
        .iter()
        .map(summary_of)
        .collect())
}

/// An agenda with its coming exceptions.
pub async fn agenda(state: &AppState, actor: Actor, id: i64) -> Result<AgendaInfo, AppError> {
    check_admin(actor)?;
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let row = repo::agenda_by_id(&mut conn, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let today = schedule::today(state.clock.now_ms());
    let exceptions = exceptions_from(state, Owner::Agenda(id), today).await?;
    Ok(info_of(&row, &exceptions))
}

/// An agenda's form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgendaForm {
    pub slug: String,
    pub service_id: String,
    pub name: String,
    pub place: String,
    pub instructions: String,
    pub hours: [String; 7],
    pub slot_minutes: String,
    pub capacity: String,
    pub horizon_days: String,
    pub notice_hours: String,
    pub published: bool,
}

fn number_in(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<i64>,
) -> i64 {
    match raw.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            add_field_error(errors, field, &format!("errors.appt_{field}"));
            *range.start()
        }
    }
}

fn text(errors: &mut FieldErrors, field: &str, raw: &str, max: usize, required: bool) -> String {
    let value = raw.trim();
    if required && value.is_empty() {
        add_field_error(errors, field, "errors.required");
    }
    if value.chars().count() > max {
        add_field_error(errors, field, "errors.text_too_long");
    }
    value.to_owned()
}

/// The weekly hours of a form, and the slug of a new agenda or facility; problems go to
/// `errors`.
fn week_and_slug(
    errors: &mut FieldErrors,
    hours: &[String; 7],
    slug: &str,
    new: bool,
) -> (WeekHours, String) {
    let week = WeekHours::parse_days(hours).unwrap_or_else(|bad| {
        errors.extend(bad);
        WeekHours::default()
    });
    let slug = slug.trim().to_owned();
    if new && !valid_slug(&slug) {
        add_field_error(errors, "slug", "errors.slug_invalid");
    }
    (week, slug)
}

/// Creates an agenda (`id` None) or saves it; its id.
pub async fn save_agenda(
    state: &AppState,
    actor: Actor,
    id: Option<i64>,
    form: &AgendaForm,
) -> Result<i64, AppError> {
    check_admin(actor)?;
    let mut errors = FieldErrors::new();
    let (week, slug) = week_and_slug(&mut errors, &form.hours, &form.slug, id.is_none());
    let service_id = form.service_id.trim().parse::<i64>().unwrap_or(0);
    let service = {
        let mut conn = state.db.pool().acquire().await.map_err(internal)?;
        crate::services::catalogue_repo::by_id(&mut conn, service_id)
            .await
            .map_err(internal)?
    };
    if service.is_none() {
        add_field_error(&mut errors, "service_id", "errors.required");
    }
    let fields = AgendaFields {
        slug,
        service_id,
        name: text(&mut errors, "name", &form.name, 120, true),
        place: text(&mut errors, "place", &form.place, 300, false),
        instructions: text(&mut errors, "instructions", &form.instructions, 2000, false),
        week,
        slot_minutes: number_in(&mut errors, "slot_minutes", &form.slot_minutes, 5..=480),
        capacity: number_in(&mut errors, "capacity", &form.capacity, 1..=50),
        horizon_days: number_in(&mut errors, "horizon_days", &form.horizon_days, 1..=365),
        notice_hours: number_in(&mut errors, "notice_hours", &form.notice_hours, 0..=720),
        published: form.published,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if id.is_none()
        && repo::agenda_by_slug(state.db.pool(), &fields.slug)
            .await
            .map_err(internal)?
            .is_some()
    {
        add_field_error(&mut errors, "slug", "errors.slug_taken");
        return Err(AppError::Validation(errors));
    }
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let saved = repo::save_agenda(&mut tx, id, &fields, state.clock.now_ms())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(saved)
}

/// An exception as typed: days, hours (empty: closed), label.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExceptionForm {
    pub first_day: String,
    pub last_day: String,
    pub hours: String,
    pub label: String,
}

/// Adds a closure or other hours to an agenda or a facility.
pub async fn add_exception(
    state: &AppState,
    actor: Actor,
    owner: Owner,
    form: &ExceptionForm,
) -> Result<(), AppError> {
    check_admin(actor)?;
    let mut errors = FieldErrors::new();
    let first = schedule::parse_day(&form.first_day);
    if first.is_none() {
        add_field_error(&mut errors, "first_day", "errors.date_invalid");
    }
    let last = if form.last_day.trim().is_empty() {
        first
    } else {
        schedule::parse_day(&form.last_day)
    };
    match (first, last) {
        (_, None) => add_field_error(&mut errors, "last_day", "errors.date_invalid"),
        (Some(f), Some(l)) if l < f => {
            add_field_error(&mut errors, "last_day", "errors.appt_days_order")
        }
        _ => {}
    }
    let hours = DayHours::parse(&form.hours).unwrap_or_else(|key| {
        add_field_error(&mut errors, "hours", key);
        DayHours::default()
    });
    let label = text(&mut errors, "label", &form.label, 200, false);
    let (Some(first), Some(last)) = (first, last) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    check_owner(state, owner).await?;
    repo::insert_exception(
        state.db.pool(),
        owner,
        &first.to_string(),
        &last.to_string(),
        &hours,
        &label,
    )
    .await
    .map_err(internal)
}

async fn check_owner(state: &AppState, owner: Owner) -> Result<(), AppError> {
    let found = match owner {
        Owner::Agenda(id) => {
            let mut conn = state.db.pool().acquire().await.map_err(internal)?;
            repo::agenda_by_id(&mut conn, id)
                .await
                .map_err(internal)?
                .is_some()
        }
        Owner::Facility(id) => repo::facility_by_id(state.db.pool(), id)
            .await
            .map_err(internal)?
            .is_some(),
    };
    found.then_some(()).ok_or(AppError::NotFound)
}

pub async fn delete_exception(
    state: &AppState,
    actor: Actor,
    owner: Owner,
    exception_id: i64,
) -> Result<(), AppError> {
    check_admin(actor)?;
    repo::delete_exception(state.db.pool(), owner, exception_id)
        .await
        .map_err(internal)
}

/// Every facility, published or not, for the admin list.
pub async fn facilities(
    state: &AppState,
    actor: Actor,
) -> Result<Vec<(i64, String, bool)>, AppError> {
    check_admin(actor)?;
    Ok(repo::facilities(state.db.pool(), false)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|f| (f.id, f.name, f.published))
        .collect())
}

/// A facility for its edit page.
pub async fn facility(state: &AppState, actor: Actor, id: i64) -> Result<FacilityView, AppError> {
    check_admin(actor)?;
    let row = repo::facility_by_id(state.db.pool(), id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    super::facilities::view_of(state, row, state.clock.now_ms()).await
}

/// A facility's form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FacilityForm {
    pub slug: String,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub accessibility: String,
    pub hours: [String; 7],
    pub published: bool,
}

/// Creates a facility (`id` None) or saves it; its id.
pub async fn save_facility(
    state: &AppState,
    actor: Actor,
    id: Option<i64>,
    form: &FacilityForm,
) -> Result<i64, AppError> {
    check_admin(actor)?;
    let mut errors = FieldErrors::new();
    let (week, slug) = week_and_slug(&mut errors, &form.hours, &form.slug, id.is_none());
    let kind = FacilityKind::parse(form.kind.trim()).unwrap_or_else(|| {
        add_field_error(&mut errors, "kind", "errors.required");
        FacilityKind::Other
    });
    let email = form.email.trim();
    if !email.is_empty() && crate::accounts::model::Email::parse(email).is_err() {
        add_field_error(&mut errors, "email", "errors.email_invalid");
    }
    let row = FacilityRow {
        id: id.unwrap_or(0),
        slug: slug.clone(),
        kind,
        name: text(&mut errors, "name", &form.name, 120, true),
        description: text(&mut errors, "description", &form.description, 2000, false),
        address: text(&mut errors, "address", &form.address, 300, false),
        phone: text(&mut errors, "phone", &form.phone, 40, false),
        email: email.to_owned(),
        accessibility: text(
            &mut errors,
            "accessibility",
            &form.accessibility,
            2000,
            false,
        ),
        week,
        published: form.published,
    };
    if errors.is_empty()
        && id.is_none()
        && repo::facility_by_slug(state.db.pool(), &slug)
            .await
            .map_err(internal)?
            .is_some()
    {
        add_field_error(&mut errors, "slug", "errors.slug_taken");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if let Some(id) = id {
        check_owner(state, Owner::Facility(id)).await?;
    }
    repo::save_facility(state.db.pool(), id, &row, state.clock.now_ms())
        .await
        .map_err(internal)
}
