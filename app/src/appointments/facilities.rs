//! The public directory of facilities: each one's hours and exceptional closures, and
//! whether it is open now (or at a moment the resident asks about), in Paris time.

use super::repo::{self, FacilityRow, Owner};
use super::schedule::{self, Exception};
use super::service::{exception_view, exceptions_from};
use super::views::{Directory, FacilitySummary, FacilityView};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::server::state::AppState;

/// The moment asked about (`2026-12-05T10:00`, Paris time), or now when empty.
fn moment(state: &AppState, at: &str) -> Result<i64, AppError> {
    if at.trim().is_empty() {
        return Ok(state.clock.now_ms());
    }
    crate::server::paris::parse_input(at).ok_or_else(|| {
        let mut errors = FieldErrors::new();
        add_field_error(&mut errors, "quand", "errors.date_invalid");
        AppError::Validation(errors)
    })
}

/// `/equipements`: published facilities, open or not at the moment asked about. Two
/// queries whatever the number of facilities.
pub async fn directory(state: &AppState, at: &str) -> Result<Directory, AppError> {
    let when = moment(state, at)?;
    let (date, minute) = schedule::local(when);
    let rows = repo::facilities(state.db.pool(), true)
        .await
        .map_err(internal)?;
    let exceptions = repo::all_facility_exceptions(state.db.pool(), &date.to_string())
        .await
        .map_err(internal)?;
    let facilities = rows
        .into_iter()
        .map(|row| {
            let own: Vec<Exception> = exceptions
                .iter()
                .filter(|(id, _)| *id == row.id)
                .map(|(_, e)| e.clone())
                .collect();
            FacilitySummary {
                id: row.id,
                state: schedule::open_state(&row.week, &own, when),
                slug: row.slug,
                kind: row.kind,
                name: row.name,
                address: row.address,
                published: row.published,
            }
        })
        .collect();
    Ok(Directory {
        facilities,
        at: at.trim().to_owned(),
        at_day: schedule::day_of(date),
        at_time: super::model::clock_text(minute),
    })
}

/// A facility's page, with its state at `when`.
pub(super) async fn view_of(
    state: &AppState,
    row: FacilityRow,
    when: i64,
) -> Result<FacilityView, AppError> {
    let today = schedule::today(when);
    let exceptions = exceptions_from(state, Owner::Facility(row.id), today).await?;
    Ok(FacilityView {
        id: row.id,
        state: schedule::open_state(&row.week, &exceptions, when),
        week: row.week.0.iter().map(|d| d.display()).collect(),
        exceptions: exceptions.iter().map(exception_view).collect(),
        slug: row.slug,
        kind: row.kind,
        name: row.name,
        description: row.description,
        address: row.address,
        phone: row.phone,
        email: row.email,
        accessibility: row.accessibility,
        published: row.published,
    })
}

/// `/equipements/:slug`.
pub async fn facility(state: &AppState, slug: &str, at: &str) -> Result<FacilityView, AppError> {
    let when = moment(state, at)?;
    let row = repo::facility_by_slug(state.db.pool(), slug)
        .await
        .map_err(internal)?
        .filter(|f| f.published)
        .ok_or(AppError::NotFound)?;
    view_of(state, row, when).await
}
