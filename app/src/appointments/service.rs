//! The rules of appointments for residents: which days and slots are free, booking (a
//! place is taken with one conditional update, so a slot is never overbooked), moving
//! and cancelling (signed in, or with the key of the mail's link), waiting lists, and
//! the reminder sent the day before. Agents' side: `desk.rs`.

use super::ics::{self, Invitation};
use super::model::{Channel, Day, Status};
use super::repo::{self, AgendaRow, AppointmentRow, NewAppointment, Owner};
use super::schedule::{self, Exception};
use super::views::{
    AgendaInfo, AgendaSummary, AppointmentSummary, AppointmentView, DayChoice, DayPage, DaysPage,
    ExceptionView, FreeSlot, Moving, SlotChoice,
};
use crate::error::{internal, AppError, FieldErrors};
use crate::mail::templates::{AppointmentMail, AppointmentNews};
use crate::server::state::AppState;
use crate::services::service::Actor;
use crate::services::views::Paged;
use jiff::civil::Date;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Days listed per page of an agenda.
pub const DAYS_PER_PAGE: i64 = 14;
/// Residents told at once when a place frees on a day they wait for.
pub const TOLD_PER_PLACE: i64 = 3;
/// A reminder goes this long before the appointment.
pub const REMINDER_AHEAD_MS: i64 = 24 * 3_600_000;
const DAY_MS: i64 = 24 * 3_600_000;

pub(super) fn exception_view(e: &Exception) -> ExceptionView {
    ExceptionView {
        id: e.id,
        first_day: schedule::day_of(e.first_day),
        last_day: schedule::day_of(e.last_day),
        hours: e.hours.display(),
        label: e.label.clone(),
    }
}

pub(super) fn info_of(row: &AgendaRow, exceptions: &[Exception]) -> AgendaInfo {
    AgendaInfo {
        id: row.id,
        slug: row.slug.clone(),
        service_id: row.service_id,
        service_title: row.service_title.clone(),
        name: row.name.clone(),
        place: row.place.clone(),
        instructions: row.instructions.clone(),
        week: row.week.0.iter().map(|d| d.display()).collect(),
        slot_minutes: row.slot_minutes,
        capacity: row.capacity,
        horizon_days: row.horizon_days,
        notice_hours: row.notice_hours,
        published: row.published,
        exceptions: exceptions.iter().map(exception_view).collect(),
    }
}

pub(super) fn summary_of(row: &AgendaRow) -> AgendaSummary {
    AgendaSummary {
        id: row.id,
        slug: row.slug.clone(),
        name: row.name.clone(),
        place: row.place.clone(),
        service_title: row.service_title.clone(),
        service_slug: row.service_slug.clone(),
        published: row.published,
    }
}

/// Published agendas, for residents.
pub async fn public_agendas(state: &AppState) -> Result<Vec<AgendaSummary>, AppError> {
    Ok(repo::agendas(state.db.pool(), true)
        .await
        .map_err(internal)?
        .iter()
        .map(summary_of)
        .collect())
}

/// A service's published agendas, and whether it has a form to fill in.
pub async fn for_service(
    state: &AppState,
    service_id: i64,
) -> Result<(Vec<AgendaSummary>, bool), AppError> {
    let agendas = repo::agendas_of_service(state.db.pool(), service_id)
        .await
        .map_err(internal)?
        .iter()
        .map(summary_of)
        .collect();
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let has_form = crate::services::catalogue_repo::current_form(&mut conn, service_id)
        .await
        .map_err(internal)?
        .is_some_and(|(_, _, fields)| !fields.is_empty());
    Ok((agendas, has_form))
}

async fn published_agenda(state: &AppState, slug: &str) -> Result<AgendaRow, AppError> {
    repo::agenda_by_slug(state.db.pool(), slug)
        .await
        .map_err(internal)?
        .filter(|a| a.published)
        .ok_or(AppError::NotFound)
}

pub(super) async fn exceptions_from(
    state: &AppState,
    owner: Owner,
    from: Date,
) -> Result<Vec<Exception>, AppError> {
    repo::exceptions(state.db.pool(), owner, &from.to_string())
        .await
        .map_err(internal)
}

/// Taken places and blocks of an agenda's slots in `[from, to)`.
pub(super) async fn slot_states(
    state: &AppState,
    agenda_id: i64,
    from_ms: i64,
    to_ms: i64,
) -> Result<HashMap<i64, (i64, bool)>, AppError> {
    Ok(
        repo::slot_states(state.db.pool(), agenda_id, from_ms, to_ms)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|(at, taken, blocked)| (at, (taken, blocked)))
            .collect(),
    )
}

/// The bookable slots of the days `first..=last` with their free places: one query for
/// the whole range.
async fn open_slots(
    state: &AppState,
    agenda: &AgendaRow,
    exceptions: &[Exception],
    first: Date,
    last: Date,
) -> Result<Vec<(Date, Vec<(schedule::SlotTime, i64)>)>, AppError> {
    let rules = agenda.rules();
    let earliest = schedule::earliest_start(&rules, state.clock.now_ms());
    let mut days = Vec::new();
    let mut date = first;
    while date <= last {
        let slots: Vec<_> = schedule::slots_on(&rules, exceptions, date)
            .into_iter()
            .filter(|s| s.starts_at >= earliest)
            .collect();
        if !slots.is_empty() {
            days.push((date, slots));
        }
        date = schedule::add_days(date, 1);
    }
    let (Some(from), Some(to)) = (
        days.first()
            .and_then(|(_, s)| s.first())
            .map(|s| s.starts_at),
        days.last()
            .and_then(|(_, s)| s.last())
            .map(|s| s.starts_at + 1),
    ) else {
        return Ok(Vec::new());
    };
    let states = slot_states(state, agenda.id, from, to).await?;
    Ok(days
        .into_iter()
        .map(|(date, slots)| {
            let with_free = slots
                .into_iter()
                .map(|slot| {
                    let free = match states.get(&slot.starts_at) {
                        Some((_, true)) => 0,
                        Some((taken, false)) => (agenda.capacity - taken).max(0),
                        None => agenda.capacity,
                    };
                    (slot, free)
                })
                .collect();
            (date, with_free)
        })
        .collect())
}

/// Checks that whoever asks may change appointment `id`: its resident signed in, or the
/// holder of its mail link's key. Anyone else learns nothing (`NotFound`).
async fn check_holder(
    state: &AppState,
    actor: Option<Actor>,
    id: i64,
    key: &str,
) -> Result<(AppointmentRow, AgendaRow), AppError> {
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let row = repo::appointment(&mut conn, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let own = actor.is_some_and(|a| row.user_id == Some(a.id));
    let key = key.trim();
    let with_key = !key.is_empty() && crate::server::security::same_secret(key, &row.manage_key);
    if !own && !with_key {
        return Err(AppError::NotFound);
    }
    let agenda = repo::agenda_by_id(&mut conn, row.agenda_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    Ok((row, agenda))
}

/// The appointment being moved, when the booking pages were opened to move one.
async fn moving(
    state: &AppState,
    actor: Option<Actor>,
    agenda: &AgendaRow,
    moving: Option<(i64, String)>,
) -> Result<Option<Moving>, AppError> {
    let Some((id, key)) = moving else {
        return Ok(None);
    };
    let (row, of) = check_holder(state, actor, id, &key).await?;
    if of.id != agenda.id || !changeable(&row, state.clock.now_ms()) {
        return Ok(None);
    }
    let (date, _) = schedule::local(row.starts_at);
    Ok(Some(Moving {
        id,
        key,
        when: schedule::day_of(date),
        time: schedule::time_text(row.starts_at),
    }))
}

/// `/rendez-vous/:slug`: a page of the bookable days with their free slots.
pub async fn days_page(
    state: &AppState,
    actor: Option<Actor>,
    slug: &str,
    from: &str,
    move_of: Option<(i64, String)>,
) -> Result<DaysPage, AppError> {
    let agenda = published_agenda(state, slug).await?;
    let rules = agenda.rules();
    let (first, last) = schedule::bookable_days(&rules, state.clock.now_ms());
    let start = schedule::parse_day(from)
        .filter(|d| *d >= first && *d <= last)
        .unwrap_or(first);
    let end = schedule::add_days(start, DAYS_PER_PAGE - 1).min(last);
    let exceptions = exceptions_from(state, Owner::Agenda(agenda.id), first).await?;
    let days = open_slots(state, &agenda, &exceptions, start, end)
        .await?
        .into_iter()
        .map(|(date, slots)| DayChoice {
            day: schedule::day_of(date),
            free_slots: i64::try_from(slots.iter().filter(|(_, free)| *free > 0).count())
                .unwrap_or(0),
            slots: i64::try_from(slots.len()).unwrap_or(0),
        })
        .collect();
    let moving = moving(state, actor, &agenda, move_of).await?;
    Ok(DaysPage {
        agenda: info_of(&agenda, &exceptions),
        days,
        next_from: (end < last).then(|| schedule::add_days(end, 1).to_string()),
        previous_from: (start > first).then(|| {
            schedule::add_days(start, -DAYS_PER_PAGE)
                .max(first)
                .to_string()
        }),
        moving,
    })
}

/// The first `count` free slots from `from` on.
async fn next_free(
    state: &AppState,
    agenda: &AgendaRow,
    exceptions: &[Exception],
    from: Date,
    count: usize,
) -> Result<Vec<FreeSlot>, AppError> {
    let (_, last) = schedule::bookable_days(&agenda.rules(), state.clock.now_ms());
    let mut found = Vec::new();
    // A week at a time: the next free slots are usually close.
    let mut start = from;
    while start <= last && found.len() < count {
        let end = schedule::add_days(start, 6).min(last);
        for (date, slots) in open_slots(state, agenda, exceptions, start, end).await? {
            for (slot, free) in slots {
                if free > 0 && found.len() < count {
                    found.push(FreeSlot {
                        day: schedule::day_of(date),
                        time: schedule::time_text(slot.starts_at),
                    });
                }
            }
        }
        start = schedule::add_days(end, 1);
    }
    Ok(found)
}

/// `/rendez-vous/:slug/:day`: the slots of one day.
pub async fn day_page(
    state: &AppState,
    actor: Option<Actor>,
    slug: &str,
    day: &str,
    move_of: Option<(i64, String)>,
) -> Result<DayPage, AppError> {
    let agenda = published_agenda(state, slug).await?;
    let date = schedule::parse_day(day).ok_or(AppError::NotFound)?;
    let (first, last) = schedule::bookable_days(&agenda.rules(), state.clock.now_ms());
    let exceptions = exceptions_from(state, Owner::Agenda(agenda.id), first).await?;
    let (slots, full_slots) = match open_slots(state, &agenda, &exceptions, date, date)
        .await?
        .pop()
    {
        Some((_, slots)) if date >= first && date <= last => {
            let (free, full): (Vec<_>, Vec<_>) = slots.into_iter().partition(|(_, f)| *f > 0);
            (
                free.into_iter()
                    .map(|(slot, free)| SlotChoice {
                        starts_at: slot.starts_at,
                        time: schedule::time_text(slot.starts_at),
                        free,
                    })
                    .collect::<Vec<_>>(),
                full.into_iter()
                    .map(|(slot, _)| schedule::time_text(slot.starts_at))
                    .collect(),
            )
        }
        _ => (Vec::new(), Vec::new()),
    };
    let waiting = match actor {
        Some(actor) => repo::is_waiting(state.db.pool(), agenda.id, &date.to_string(), actor.id)
            .await
            .map_err(internal)?,
        None => false,
    };
    let next_free = if slots.is_empty() {
        next_free(
            state,
            &agenda,
            &exceptions,
            schedule::add_days(date, 1).max(first),
            3,
        )
        .await?
    } else {
        Vec::new()
    };
    let moving = moving(state, actor, &agenda, move_of).await?;
    Ok(DayPage {
        agenda: info_of(&agenda, &exceptions),
        day: schedule::day_of(date),
        slots,
        full_slots,
        waiting,
        next_free,
        moving,
        signed_in: actor.is_some(),
    })
}

fn validation(field: &str, key: &str) -> AppError {
    let mut errors = FieldErrors::new();
    crate::error::add_field_error(&mut errors, field, key);
    AppError::Validation(errors)
}

/// Why a slot cannot be booked by a resident now, as a field error.
async fn check_bookable(
    state: &AppState,
    agenda: &AgendaRow,
    starts_at: i64,
) -> Result<schedule::SlotTime, AppError> {
    let now = state.clock.now_ms();
    let rules = agenda.rules();
    let (first, _) = schedule::bookable_days(&rules, now);
    let exceptions = exceptions_from(state, Owner::Agenda(agenda.id), first).await?;
    if let Some(key) = schedule::refusal(&rules, &exceptions, starts_at, now) {
        return Err(validation("starts_at", key));
    }
    slot_at(agenda, &exceptions, starts_at)
        .ok_or_else(|| validation("starts_at", "errors.appt_no_such_slot"))
}

/// The slot of the agenda's schedule starting at `starts_at`.
pub(super) fn slot_at(
    agenda: &AgendaRow,
    exceptions: &[Exception],
    starts_at: i64,
) -> Option<schedule::SlotTime> {
    let (date, _) = schedule::local(starts_at);
    schedule::slots_on(&agenda.rules(), exceptions, date)
        .into_iter()
        .find(|s| s.starts_at == starts_at)
}

/// A new random key for an appointment's mail links.
fn new_key() -> String {
    crate::auth::service::new_token().0
}

/// What a booking records, besides the slot.
pub(super) struct Holder {
    pub user_id: Option<i64>,
    pub booked_by: Option<i64>,
    pub channel: Channel,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// Takes a place in the slot and records the appointment, in `tx`. The error says the
/// slot was just taken (or closed by agents) when no place was left.
pub(super) async fn book_in(
    tx: &mut AnyConnection,
    state: &AppState,
    agenda: &AgendaRow,
    slot: schedule::SlotTime,
    holder: &Holder,
    key: &str,
) -> Result<i64, AppError> {
    let now = state.clock.now_ms();
    if !repo::take_place(tx, agenda.id, slot.starts_at, agenda.capacity)
        .await
        .map_err(internal)?
    {
        return Err(AppError::Conflict("errors.appt_slot_taken".into()));
    }
    let new = NewAppointment {
        agenda_id: agenda.id,
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
        user_id: holder.user_id,
        booked_by: holder.booked_by,
        channel: holder.channel,
        contact_name: holder.contact_name.clone(),
        contact_email: holder.contact_email.clone(),
        contact_phone: holder.contact_phone.clone(),
        manage_key: key.to_owned(),
        reminded_at: (slot.starts_at - now <= REMINDER_AHEAD_MS).then_some(now),
    };
    repo::insert_appointment(tx, &new, now)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::Conflict("errors.appt_already_booked".into()))
}

/// A resident books a slot; the new appointment's id.
pub async fn book(
    state: &AppState,
    actor: Actor,
    slug: &str,
    starts_at: i64,
) -> Result<i64, AppError> {
    let agenda = published_agenda(state, slug).await?;
    let slot = check_bookable(state, &agenda, starts_at).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    if repo::upcoming_in_agenda(&mut tx, actor.id, agenda.id, now)
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(AppError::Conflict("errors.appt_already_booked".into()));
    }
    let holder = Holder {
        user_id: Some(actor.id),
        booked_by: None,
        channel: Channel::Web,
        contact_name: String::new(),
        contact_email: String::new(),
        contact_phone: String::new(),
    };
    let key = new_key();
    let id = book_in(&mut tx, state, &agenda, slot, &holder, &key).await?;
    tell(&mut tx, state, &agenda, id, AppointmentNews::Booked).await?;
    tx.commit().await.map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok(id)
}

/// Whether an appointment can still be cancelled or moved.
fn changeable(row: &AppointmentRow, now_ms: i64) -> bool {
    row.status == Status::Booked && row.starts_at > now_ms
}

/// An appointment, for its resident or the holder of its link's key.
pub async fn view(
    state: &AppState,
    actor: Option<Actor>,
    id: i64,
    key: &str,
) -> Result<AppointmentView, AppError> {
    let (row, agenda) = check_holder(state, actor, id, key).await?;
    let (date, _) = schedule::local(row.starts_at);
    let signed_in_owner = actor.is_some_and(|a| row.user_id == Some(a.id));
    Ok(AppointmentView {
        id: row.id,
        agenda_slug: agenda.slug.clone(),
        agenda_name: agenda.name.clone(),
        place: agenda.place.clone(),
        instructions: agenda.instructions.clone(),
        day: schedule::day_of(date),
        time: schedule::time_text(row.starts_at),
        end_time: schedule::time_text(row.ends_at),
        status: row.status,
        channel: row.channel,
        contact_name: row.name(),
        changeable: changeable(&row, state.clock.now_ms()),
        key: if signed_in_owner {
            String::new()
        } else {
            key.trim().to_owned()
        },
    })
}

/// Frees a place in the slot of `row` and tells the first residents waiting for its day
/// (when the slot can still be booked).
async fn free_place(
    tx: &mut AnyConnection,
    state: &AppState,
    agenda: &AgendaRow,
    row: &AppointmentRow,
) -> Result<(), AppError> {
    repo::release_place(tx, agenda.id, row.starts_at)
        .await
        .map_err(internal)?;
    let now = state.clock.now_ms();
    if row.starts_at < schedule::earliest_start(&agenda.rules(), now) {
        return Ok(());
    }
    let (date, _) = schedule::local(row.starts_at);
    let day = date.to_string();
    let waiting = repo::take_waiting(tx, agenda.id, &day, TOLD_PER_PLACE, now)
        .await
        .map_err(internal)?;
    for (email, lang) in waiting {
        let lang = crate::site::Lang::parse(&lang).unwrap_or(crate::site::Lang::Fr);
        let link = state
            .public_url
            .join(&format!("rendez-vous/{}/{}", agenda.slug, day))
            .map_err(internal)?;
        let d = schedule::day_of(date);
        let when = crate::mail::templates::long_date(lang, d.weekday, d.day, d.month, d.year);
        let mail = crate::mail::templates::appointment_mail(
            lang,
            &email,
            &AppointmentMail {
                commune: &state.site.commune_name,
                news: AppointmentNews::PlaceFreed,
                agenda: &agenda.name,
                place: &agenda.place,
                when: &when,
                instructions: "",
                link: link.as_str(),
                calendar: None,
            },
        );
        crate::mail::outbox::enqueue_in(tx, &mail, now)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

/// The resident (or the link's holder) cancels an appointment that has not started.
pub async fn cancel(
    state: &AppState,
    actor: Option<Actor>,
    id: i64,
    key: &str,
) -> Result<(), AppError> {
    let (row, agenda) = check_holder(state, actor, id, key).await?;
    let now = state.clock.now_ms();
    if !changeable(&row, now) {
        return Err(AppError::Conflict("errors.appt_not_changeable".into()));
    }
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    if !repo::set_status(&mut tx, id, &[Status::Booked], Status::Cancelled, now)
        .await
        .map_err(internal)?
    {
        return Err(AppError::Conflict("errors.appt_not_changeable".into()));
    }
    tell(&mut tx, state, &agenda, id, AppointmentNews::Cancelled).await?;
    free_place(&mut tx, state, &agenda, &row).await?;
    tx.commit().await.map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// Moves an appointment to another slot of the same agenda: the new place is taken
/// before the old one is given back, in one transaction. The new appointment's id and
/// link key.
pub async fn reschedule(
    state: &AppState,
    actor: Option<Actor>,
    id: i64,
    key: &str,
    starts_at: i64,
) -> Result<(i64, String), AppError> {
    let (row, agenda) = check_holder(state, actor, id, key).await?;
    let now = state.clock.now_ms();
    if !changeable(&row, now) {
        return Err(AppError::Conflict("errors.appt_not_changeable".into()));
    }
    if starts_at == row.starts_at {
        return Err(validation("starts_at", "errors.appt_same_slot"));
    }
    let slot = check_bookable(state, &agenda, starts_at).await?;
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    if !repo::set_status(&mut tx, id, &[Status::Booked], Status::Cancelled, now)
        .await
        .map_err(internal)?
    {
        return Err(AppError::Conflict("errors.appt_not_changeable".into()));
    }
    let holder = Holder {
        user_id: row.user_id,
        booked_by: None,
        channel: row.channel,
        contact_name: row.contact_name.clone(),
        contact_email: row.contact_email.clone(),
        contact_phone: row.contact_phone.clone(),
    };
    let new_key = new_key();
    let new_id = book_in(&mut tx, state, &agenda, slot, &holder, &new_key).await?;
    tell(&mut tx, state, &agenda, new_id, AppointmentNews::Moved).await?;
    free_place(&mut tx, state, &agenda, &row).await?;
    tx.commit().await.map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok((new_id, new_key))
}

/// Puts the resident on the waiting list of a day with no free slot.
pub async fn wait(state: &AppState, actor: Actor, slug: &str, day: &str) -> Result<(), AppError> {
    let page = day_page(state, Some(actor), slug, day, None).await?;
    if !page.slots.is_empty() {
        return Err(validation("day", "errors.appt_day_not_full"));
    }
    if page.full_slots.is_empty() {
        return Err(validation("day", "errors.appt_closed_day"));
    }
    repo::add_wait(
        state.db.pool(),
        page.agenda.id,
        &page.day.iso,
        actor.id,
        state.clock.now_ms(),
    )
    .await
    .map_err(internal)
}

/// Takes the resident off a day's waiting list.
pub async fn stop_waiting(
    state: &AppState,
    actor: Actor,
    slug: &str,
    day: &str,
) -> Result<(), AppError> {
    let agenda = published_agenda(state, slug).await?;
    repo::remove_wait(state.db.pool(), agenda.id, day, actor.id)
        .await
        .map_err(internal)
}

/// The resident's appointments, the coming ones first; 10 a page.
pub async fn mine(
    state: &AppState,
    actor: Actor,
    page: u32,
) -> Result<Paged<AppointmentSummary>, AppError> {
    const PER_PAGE: u32 = 10;
    let page = page.max(1);
    let (rows, total) = repo::of_user(
        state.db.pool(),
        actor.id,
        state.clock.now_ms(),
        i64::from(PER_PAGE),
        i64::from((page - 1) * PER_PAGE),
    )
    .await
    .map_err(internal)?;
    let items = rows
        .into_iter()
        .map(|(row, agenda_name, place)| AppointmentSummary {
            id: row.id,
            agenda_name,
            place,
            day: schedule::day_of(schedule::local(row.starts_at).0),
            time: schedule::time_text(row.starts_at),
            status: row.status,
        })
        .collect();
    Ok(Paged::new(items, total, page, PER_PAGE))
}

/// The day as a mail writes it, with the time.
fn when_text(lang: crate::site::Lang, starts_at: i64) -> String {
    let Day {
        weekday,
        day,
        month,
        year,
        ..
    } = schedule::day_of(schedule::local(starts_at).0);
    let date = crate::mail::templates::long_date(lang, weekday, day, month, year);
    crate::mail::templates::long_date_time(lang, &date, &schedule::time_text(starts_at))
}

/// Queues the mail about appointment `id` (its resident's account, or the contact
/// address given at the counter), with the calendar attached, in `tx`.
pub(super) async fn tell(
    tx: &mut AnyConnection,
    state: &AppState,
    agenda: &AgendaRow,
    id: i64,
    news: AppointmentNews,
) -> Result<(), AppError> {
    let row = repo::appointment(tx, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let to = row.email();
    if to.is_empty() {
        return Ok(());
    }
    let lang = row
        .user_lang
        .as_deref()
        .and_then(crate::site::Lang::parse)
        .unwrap_or(crate::site::Lang::Fr);
    let now = state.clock.now_ms();
    let when = when_text(lang, row.starts_at);
    let link = match news {
        AppointmentNews::Cancelled => state
            .public_url
            .join(&format!("rendez-vous/{}", agenda.slug)),
        _ => state.public_url.join(&format!(
            "mon-espace/rendez-vous/{}?cle={}",
            row.id, row.manage_key
        )),
    }
    .map_err(internal)?;
    let host = state
        .public_url
        .host_str()
        .unwrap_or("parvis.local")
        .to_owned();
    let calendar = ics::calendar(&Invitation {
        uid: format!("appointment-{}@{host}", row.id),
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        summary: &agenda.name,
        location: &agenda.place,
        description: &agenda.instructions,
        now_ms: now,
        cancelled: news == AppointmentNews::Cancelled,
    });
    let mail = crate::mail::templates::appointment_mail(
        lang,
        &to,
        &AppointmentMail {
            commune: &state.site.commune_name,
            news,
            agenda: &agenda.name,
            place: &agenda.place,
            when: &when,
            instructions: &agenda.instructions,
            link: link.as_str(),
            calendar: Some(&calendar),
        },
    );
    crate::mail::outbox::enqueue_in(tx, &mail, now)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Deletes the waiting lists of days before yesterday (Paris time) at `now`: nobody can
/// book those days any more. Run by the daily retention job.
pub async fn purge_past_waits(state: &AppState, now: i64) -> anyhow::Result<u64> {
    let yesterday = schedule::add_days(schedule::today(now), -1).to_string();
    Ok(repo::purge_waits(state.db.pool(), &yesterday).await?)
}

/// Queues the reminders of appointments starting within a day that were not reminded
/// yet; each is claimed with a conditional update in the transaction that queues its
/// mail, so two processes never send the same reminder and a crash loses none.
pub async fn send_reminders(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now_ms();
    let due = repo::due_reminders(state.db.pool(), now, now + REMINDER_AHEAD_MS, 200).await?;
    let mut sent = 0;
    for id in due {
        let mut tx = state.db.begin_write().await?;
        if !repo::claim_reminder(&mut tx, id, now).await? {
            continue;
        }
        let Some(row) = repo::appointment(&mut tx, id).await? else {
            continue;
        };
        // The reminder is claimed either way, so a resident who declined reminders is not
        // looked at again every minute.
        if let Some(user_id) = row.user_id {
            if crate::privacy::consents::withdrawn(
                &mut tx,
                user_id,
                crate::privacy::model::ConsentPurpose::ReminderMail,
            )
            .await?
            {
                tx.commit().await?;
                continue;
            }
        }
        let Some(agenda) = repo::agenda_by_id(&mut tx, row.agenda_id).await? else {
            continue;
        };
        tell(&mut tx, state, &agenda, id, AppointmentNews::Reminder)
            .await
            .map_err(|err| anyhow::anyhow!("reminder of appointment {id}: {err}"))?;
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        state.mail_wakeup.notify_one();
    }
    Ok(sent)
}

/// The agenda's slot instants of a whole day, for range queries.
pub(super) fn day_bounds(date: Date) -> (i64, i64) {
    let start = date
        .at(0, 0, 0, 0)
        .to_zoned(crate::ui::time::paris())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0);
    let next = schedule::add_days(date, 1)
        .at(0, 0, 0, 0)
        .to_zoned(crate::ui::time::paris())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(start + DAY_MS);
    (start, next)
}
