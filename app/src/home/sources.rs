//! What each kind of content shows on the home page: the one place where a kind declares
//! it (which rows, only those anyone may see, how many). A new kind of content joins the
//! home page here: a field of [`Town`] (public, the same for everyone) or of [`ForYou`]
//! (the signed-in person's own), filled below with at most a few rows, and its block in
//! `pages.rs`. (Its place in the site search is declared in `search::sources`.)

use super::model::{
    AnsweredProposal, ForYou, NextAppointment, OpenConsultation, Place, Town, TownHall,
    MAX_ANSWERS, MAX_CONSULTATIONS, MAX_NEWS, MAX_PLACES, MAX_SERVICES, MAX_WAITING,
};
use crate::appointments::model::{FacilityKind, OpenState};
use crate::auth::model::CurrentUser;
use crate::error::{internal, AppError};
use crate::server::state::AppState;

/// A year, for "the most used services".
const YEAR_MS: i64 = 365 * 24 * 60 * 60 * 1000;

/// The town now. Eight small queries, whatever the size of the commune.
pub async fn town(state: &AppState) -> Result<Town, AppError> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    // Consultations: published and open now; drafts, upcoming and closed ones are not news.
    let consultations = crate::surveys::repo::open_at(pool, now, MAX_CONSULTATIONS)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|s| OpenConsultation {
            id: s.id,
            title: s.title,
            closes_at_ms: s.closes_at_ms,
        })
        .collect();
    // Proposals: published ones the town hall answered (held and hidden ones never).
    let answered = crate::forum::repo::recently_answered(pool, MAX_ANSWERS)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(id, title, status, answered_at_ms)| AnsweredProposal {
            id,
            title,
            status,
            answered_at_ms,
        })
        .collect();
    // Facilities: published ones, by their state now (exceptional closures included).
    let directory = crate::appointments::facilities::directory(state, "").await?;
    let today = directory.at_day.iso.clone();
    let mut town = Town {
        consultations,
        answered,
        facilities: directory.facilities.len(),
        services: crate::services::catalogue_repo::most_used(pool, now - YEAR_MS, MAX_SERVICES)
            .await
            .map_err(internal)?,
        ..Town::default()
    };
    let mut town_hall = None;
    for facility in directory.facilities {
        if town_hall.is_none() && facility.kind == FacilityKind::TownHall {
            town_hall = Some(facility.slug.clone());
        }
        let group = match &facility.state {
            OpenState::Open { .. } => &mut town.open_now,
            OpenState::Closed {
                next: Some((day, _)),
            } if day.iso == today => &mut town.later_today,
            OpenState::Closed { .. } => &mut town.closed_today,
        };
        if group.len() < MAX_PLACES {
            group.push(Place {
                slug: facility.slug,
                name: facility.name,
                state: facility.state,
            });
        }
    }
    if let Some(slug) = town_hall {
        let view = crate::appointments::facilities::facility(state, &slug, "").await?;
        town.town_hall = Some(TownHall {
            slug,
            state: view.state,
            week: view.week,
        });
    }
    Ok(town)
}

/// The signed-in person's own business. Seven small queries.
pub async fn for_you(state: &AppState, user: &CurrentUser) -> Result<ForYou, AppError> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let (waiting, waiting_total) =
        crate::services::requests_repo::awaiting_resident(pool, user.id, MAX_WAITING)
            .await
            .map_err(internal)?;
    let unread_messages = crate::services::requests_repo::unread_messages(pool, user.id)
        .await
        .map_err(internal)?;
    let next_appointment = crate::appointments::repo::next_of_user(pool, user.id, now)
        .await
        .map_err(internal)?
        .map(|(row, agenda_name, place)| NextAppointment {
            id: row.id,
            agenda_name,
            place,
            starts_at_ms: row.starts_at,
        });
    // Unread ones are listed first.
    let news = crate::notifications::repo::page(pool, user.id, MAX_NEWS, 0)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|n| !n.read)
        .collect();
    let unread_notifications = crate::notifications::repo::unread_count(pool, user.id)
        .await
        .map_err(internal)?;
    let work = if user.has_role(crate::accounts::model::Role::Agent) {
        crate::services::catalogue_repo::services_of_agent(pool, user.id)
            .await
            .map_err(internal)?
    } else {
        Vec::new()
    };
    Ok(ForYou {
        name: user.display_name.clone(),
        waiting,
        waiting_total,
        unread_messages,
        next_appointment,
        news,
        unread_notifications,
        work,
    })
}
