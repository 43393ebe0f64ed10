//! The agents' side of appointments (agent role and in the team of the agenda's
//! service): a day of an agenda, presence or absence, booking for someone at the counter
//! or on the phone, closing a slot.

use super::model::{Channel, Status};
use super::repo::{self, AgendaRow, AppointmentRow, Owner};
use super::schedule;
use super::service::{
    book_in, day_bounds, exceptions_from, info_of, slot_at, slot_states, summary_of, tell, Holder,
};
use super::views::{AgendaSummary, AgentDay, AgentSlot, Booking};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::mail::templates::AppointmentNews;
use crate::server::state::AppState;
use crate::services::service::Actor;

/// The agendas of the agent's services.
pub async fn agendas(state: &AppState, actor: Actor) -> Result<Vec<AgendaSummary>, AppError> {
    if !actor.agent {
        return Err(AppError::Forbidden);
    }
    Ok(repo::agendas_of_agent(state.db.pool(), actor.id)
        .await
        .map_err(internal)?
        .iter()
        .map(summary_of)
        .collect())
}

/// The agenda, if `actor` is an agent in its service's team.
pub async fn check_team(
    state: &AppState,
    actor: Actor,
    agenda_id: i64,
) -> Result<AgendaRow, AppError> {
    if !actor.agent {
        return Err(AppError::Forbidden);
    }
    repo::agendas_of_agent(state.db.pool(), actor.id)
        .await
        .map_err(internal)?
        .into_iter()
        .find(|a| a.id == agenda_id)
        .ok_or(AppError::Forbidden)
}

fn booking_of(row: &AppointmentRow, now_ms: i64) -> Booking {
    let (date, _) = schedule::local(row.starts_at);
    Booking {
        id: row.id,
        day: schedule::day_of(date),
        time: schedule::time_text(row.starts_at),
        name: row.name(),
        email: row.email(),
        phone: row.contact_phone.clone(),
        channel: row.channel,
        status: row.status,
        markable: markable(row, now_ms),
    }
}

/// Presence is recorded from the appointment's day on, for an appointment that stands.
fn markable(row: &AppointmentRow, now_ms: i64) -> bool {
    row.status != Status::Cancelled && schedule::local(row.starts_at).0 <= schedule::today(now_ms)
}

/// One day of an agenda: its slots with their bookings, and the past week's
/// appointments whose presence is not recorded yet.
pub async fn day(
    state: &AppState,
    actor: Actor,
    agenda_id: i64,
    day: &str,
) -> Result<AgentDay, AppError> {
    let agenda = check_team(state, actor, agenda_id).await?;
    let now = state.clock.now_ms();
    let today = schedule::today(now);
    let date = schedule::parse_day(day).unwrap_or(today);
    let exceptions = exceptions_from(state, Owner::Agenda(agenda.id), date.min(today)).await?;
    let (from, to) = day_bounds(date);
    let states = slot_states(state, agenda.id, from, to).await?;
    let appointments = repo::in_agenda(state.db.pool(), agenda.id, from, to, false)
        .await
        .map_err(internal)?;
    let mut slots: Vec<AgentSlot> = schedule::slots_on(&agenda.rules(), &exceptions, date)
        .into_iter()
        .map(|slot| {
            let (taken, blocked) = states.get(&slot.starts_at).copied().unwrap_or((0, false));
            AgentSlot {
                starts_at: slot.starts_at,
                time: schedule::time_text(slot.starts_at),
                taken,
                blocked,
                past: slot.starts_at <= now,
                bookings: Vec::new(),
            }
        })
        .collect();
    for row in &appointments {
        // An appointment outside today's schedule (hours changed since) still shows.
        match slots.iter_mut().find(|s| s.starts_at == row.starts_at) {
            Some(slot) => slot.bookings.push(booking_of(row, now)),
            None => slots.push(AgentSlot {
                starts_at: row.starts_at,
                time: schedule::time_text(row.starts_at),
                taken: 1,
                blocked: false,
                past: row.starts_at <= now,
                bookings: vec![booking_of(row, now)],
            }),
        }
    }
    slots.sort_by_key(|s| s.starts_at);
    let week_ago = day_bounds(schedule::add_days(today, -7)).0;
    let to_mark = repo::in_agenda(state.db.pool(), agenda.id, week_ago, now, true)
        .await
        .map_err(internal)?
        .iter()
        .map(|row| booking_of(row, now))
        .collect();
    let waiting = repo::waiting_count(state.db.pool(), agenda.id, &today.to_string())
        .await
        .map_err(internal)?;
    Ok(AgentDay {
        agenda: info_of(&agenda, &exceptions),
        day: schedule::day_of(date),
        previous: schedule::add_days(date, -1).to_string(),
        next: schedule::add_days(date, 1).to_string(),
        slots,
        to_mark,
        waiting,
    })
}

/// Records that the resident came (`Attended`) or did not (`NoShow`); the agenda's id.
pub async fn mark(
    state: &AppState,
    actor: Actor,
    id: i64,
    outcome: Status,
) -> Result<i64, AppError> {
    if !matches!(outcome, Status::Attended | Status::NoShow) {
        return Err(AppError::Validation(FieldErrors::from([(
            "outcome".to_owned(),
            vec!["errors.choice_unknown".to_owned()],
        )])));
    }
    let row = {
        let mut conn = state.db.pool().acquire().await.map_err(internal)?;
        repo::appointment(&mut conn, id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?
    };
    // Agents outside the team learn nothing about the appointment.
    check_team(state, actor, row.agenda_id)
        .await
        .map_err(|_| AppError::NotFound)?;
    let now = state.clock.now_ms();
    if !markable(&row, now) {
        return Err(AppError::Conflict("errors.appt_not_markable".into()));
    }
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    repo::set_status(
        &mut conn,
        id,
        &[Status::Booked, Status::Attended, Status::NoShow],
        outcome,
        now,
    )
    .await
    .map_err(internal)?;
    Ok(row.agenda_id)
}

/// Closes (or reopens) a slot of the schedule to new bookings; those made stay.
pub async fn block(
    state: &AppState,
    actor: Actor,
    agenda_id: i64,
    starts_at: i64,
    blocked: bool,
) -> Result<(), AppError> {
    let agenda = check_team(state, actor, agenda_id).await?;
    let (date, _) = schedule::local(starts_at);
    let exceptions = exceptions_from(state, Owner::Agenda(agenda.id), date).await?;
    if slot_at(&agenda, &exceptions, starts_at).is_none() {
        return Err(AppError::NotFound);
    }
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    repo::set_blocked(&mut conn, agenda.id, starts_at, blocked)
        .await
        .map_err(internal)
}

/// Who an agent books for: an account (by its e-mail) or a name with a phone or e-mail.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CounterBooking {
    pub starts_at: String,
    pub channel: String,
    pub email: String,
    pub name: String,
    pub phone: String,
}

/// An agent books a slot for a resident who came or phoned: notice and horizon do not
/// apply, the capacity does. The new appointment's id.
pub async fn book_for(
    state: &AppState,
    actor: Actor,
    agenda_id: i64,
    form: &CounterBooking,
) -> Result<i64, AppError> {
    let agenda = check_team(state, actor, agenda_id).await?;
    let now = state.clock.now_ms();
    let mut errors = FieldErrors::new();
    let slot = match form.starts_at.trim().parse::<i64>() {
        Ok(at) if at > now => {
            let (date, _) = schedule::local(at);
            let exceptions = exceptions_from(state, Owner::Agenda(agenda.id), date).await?;
            slot_at(&agenda, &exceptions, at)
        }
        Ok(_) => {
            add_field_error(&mut errors, "starts_at", "errors.appt_past");
            None
        }
        Err(_) => None,
    };
    if slot.is_none() && errors.is_empty() {
        add_field_error(&mut errors, "starts_at", "errors.appt_no_such_slot");
    }
    let channel = Channel::parse(&form.channel).filter(|c| *c != Channel::Web);
    if channel.is_none() {
        add_field_error(&mut errors, "channel", "errors.required");
    }
    let (user_id, email) = crate::services::processing::counter_resident(
        state,
        &form.email,
        &form.name,
        &form.phone,
        &mut errors,
    )
    .await?;
    let (Some(slot), Some(channel)) = (slot, channel.filter(|_| errors.is_empty())) else {
        return Err(AppError::Validation(errors));
    };
    let holder = Holder {
        user_id,
        booked_by: Some(actor.id),
        channel,
        contact_name: if user_id.is_some() {
            String::new()
        } else {
            form.name.trim().to_owned()
        },
        contact_email: if user_id.is_some() {
            String::new()
        } else {
            email
        },
        contact_phone: form.phone.trim().to_owned(),
    };
    let key = crate::auth::service::new_token().0;
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let id = book_in(&mut tx, state, &agenda, slot, &holder, &key).await?;
    tell(&mut tx, state, &agenda, id, AppointmentNews::Booked).await?;
    tx.commit().await.map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok(id)
}
