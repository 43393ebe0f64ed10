//! SQL of agendas, their slots and appointments, waiting lists, and facilities.

use super::model::{Channel, DayHours, FacilityKind, Status, WeekHours};
use super::schedule::{parse_day, Exception, Rules};
use sqlx::{AnyConnection, AnyPool, Row};

fn decode<T>(what: &str, value: Option<T>) -> sqlx::Result<T> {
    value.ok_or_else(|| sqlx::Error::Decode(format!("unknown {what}").into()))
}

/// An agenda as stored, with its service's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaRow {
    pub id: i64,
    pub slug: String,
    pub service_id: i64,
    pub service_title: String,
    pub service_slug: String,
    pub name: String,
    pub place: String,
    pub instructions: String,
    pub week: WeekHours,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub horizon_days: i64,
    pub notice_hours: i64,
    pub published: bool,
}

impl AgendaRow {
    pub fn rules(&self) -> Rules {
        Rules {
            week: self.week.clone(),
            slot_minutes: self.slot_minutes,
            horizon_days: self.horizon_days,
            notice_hours: self.notice_hours,
        }
    }
}

const AGENDA_SELECT: &str = "SELECT a.id, a.slug, a.service_id, s.title AS service_title, \
     s.slug AS service_slug, a.name, a.place, a.instructions, a.weekly_hours, a.slot_minutes, \
     a.capacity, a.horizon_days, a.notice_hours, a.published \
     FROM agendas a JOIN services s ON s.id = a.service_id";

fn agenda_of(row: &sqlx::any::AnyRow) -> sqlx::Result<AgendaRow> {
    Ok(AgendaRow {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        service_id: row.try_get("service_id")?,
        service_title: row.try_get("service_title")?,
        service_slug: row.try_get("service_slug")?,
        name: row.try_get("name")?,
        place: row.try_get("place")?,
        instructions: row.try_get("instructions")?,
        week: WeekHours::from_storage(&row.try_get::<String, _>("weekly_hours")?),
        slot_minutes: row.try_get("slot_minutes")?,
        capacity: row.try_get("capacity")?,
        horizon_days: row.try_get("horizon_days")?,
        notice_hours: row.try_get("notice_hours")?,
        published: row.try_get::<i64, _>("published")? != 0,
    })
}

/// Agendas by name; `published_only` for residents.
pub async fn agendas(pool: &AnyPool, published_only: bool) -> sqlx::Result<Vec<AgendaRow>> {
    let sql = if published_only {
        format!("{AGENDA_SELECT} WHERE a.published = 1 AND s.published = 1 ORDER BY a.name, a.id")
    } else {
        format!("{AGENDA_SELECT} ORDER BY a.name, a.id")
    };
    sqlx::query(&sql)
        .fetch_all(pool)
        .await?
        .iter()
        .map(agenda_of)
        .collect()
}

/// The agendas of the services `user_id` is in the team of.
pub async fn agendas_of_agent(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<AgendaRow>> {
    sqlx::query(&format!(
        "{AGENDA_SELECT} JOIN service_agents t ON t.service_id = a.service_id \
         WHERE t.user_id = $1 ORDER BY a.name, a.id"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(agenda_of)
    .collect()
}

/// The published agendas of a service.
pub async fn agendas_of_service(pool: &AnyPool, service_id: i64) -> sqlx::Result<Vec<AgendaRow>> {
    sqlx::query(&format!(
        "{AGENDA_SELECT} WHERE a.service_id = $1 AND a.published = 1 ORDER BY a.name, a.id"
    ))
    .bind(service_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(agenda_of)
    .collect()
}

pub async fn agenda_by_slug(pool: &AnyPool, slug: &str) -> sqlx::Result<Option<AgendaRow>> {
    sqlx::query(&format!("{AGENDA_SELECT} WHERE a.slug = $1"))
        .bind(slug)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(agenda_of)
        .transpose()
}

pub async fn agenda_by_id(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<AgendaRow>> {
    sqlx::query(&format!("{AGENDA_SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(agenda_of)
        .transpose()
}

/// What an admin saves of an agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaFields {
    pub slug: String,
    pub service_id: i64,
    pub name: String,
    pub place: String,
    pub instructions: String,
    pub week: WeekHours,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub horizon_days: i64,
    pub notice_hours: i64,
    pub published: bool,
}

/// Creates an agenda (`id` None) or saves it; its id.
pub async fn save_agenda(
    conn: &mut AnyConnection,
    id: Option<i64>,
    a: &AgendaFields,
    now_ms: i64,
) -> sqlx::Result<i64> {
    let query = match id {
        None => sqlx::query(
            "INSERT INTO agendas (service_id, name, place, instructions, weekly_hours, \
             slot_minutes, capacity, horizon_days, notice_hours, published, slug, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        ),
        Some(_) => sqlx::query(
            "UPDATE agendas SET service_id = $1, name = $2, place = $3, instructions = $4, \
             weekly_hours = $5, slot_minutes = $6, capacity = $7, horizon_days = $8, \
             notice_hours = $9, published = $10, updated_at = $12 WHERE id = $11 RETURNING id",
        ),
    };
    let query = query
        .bind(a.service_id)
        .bind(&a.name)
        .bind(&a.place)
        .bind(&a.instructions)
        .bind(a.week.storage())
        .bind(a.slot_minutes)
        .bind(a.capacity)
        .bind(a.horizon_days)
        .bind(a.notice_hours)
        .bind(i64::from(a.published));
    let query = match id {
        None => query.bind(a.slug.clone()),
        Some(id) => query.bind(id),
    };
    query.bind(now_ms).fetch_one(conn).await?.try_get("id")
}

/// Whose exceptions: an agenda's or a facility's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Agenda(i64),
    Facility(i64),
}

impl Owner {
    fn table(self) -> (&'static str, &'static str, i64) {
        match self {
            Owner::Agenda(id) => ("agenda_exceptions", "agenda_id", id),
            Owner::Facility(id) => ("facility_exceptions", "facility_id", id),
        }
    }
}

/// The exceptions of `owner` that end on `from_day` or later, in date order.
pub async fn exceptions(
    pool: &AnyPool,
    owner: Owner,
    from_day: &str,
) -> sqlx::Result<Vec<Exception>> {
    let (table, column, id) = owner.table();
    let rows = sqlx::query(&format!(
        "SELECT id, first_day, last_day, hours, label FROM {table} \
         WHERE {column} = $1 AND last_day >= $2 ORDER BY first_day, id"
    ))
    .bind(id)
    .bind(from_day)
    .fetch_all(pool)
    .await?;
    rows.iter().map(exception_of).collect()
}

fn exception_of(row: &sqlx::any::AnyRow) -> sqlx::Result<Exception> {
    Ok(Exception {
        id: row.try_get("id")?,
        first_day: decode("day", parse_day(&row.try_get::<String, _>("first_day")?))?,
        last_day: decode("day", parse_day(&row.try_get::<String, _>("last_day")?))?,
        hours: DayHours::parse(&row.try_get::<String, _>("hours")?).unwrap_or_default(),
        label: row.try_get("label")?,
    })
}

pub async fn insert_exception(
    pool: &AnyPool,
    owner: Owner,
    first_day: &str,
    last_day: &str,
    hours: &DayHours,
    label: &str,
) -> sqlx::Result<()> {
    let (table, column, id) = owner.table();
    sqlx::query(&format!(
        "INSERT INTO {table} ({column}, first_day, last_day, hours, label) VALUES ($1, $2, $3, $4, $5)"
    ))
    .bind(id)
    .bind(first_day)
    .bind(last_day)
    .bind(hours.storage())
    .bind(label)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn delete_exception(pool: &AnyPool, owner: Owner, exception_id: i64) -> sqlx::Result<()> {
    let (table, column, id) = owner.table();
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE id = $1 AND {column} = $2"
    ))
    .bind(exception_id)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Places taken and blocks of an agenda's slots between two instants:
/// (starts_at, taken, blocked).
pub async fn slot_states(
    pool: &AnyPool,
    agenda_id: i64,
    from_ms: i64,
    to_ms: i64,
) -> sqlx::Result<Vec<(i64, i64, bool)>> {
    let rows = sqlx::query(
        "SELECT starts_at, taken, blocked FROM agenda_slots \
         WHERE agenda_id = $1 AND starts_at >= $2 AND starts_at < $3",
    )
    .bind(agenda_id)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("starts_at")?,
                r.try_get("taken")?,
                r.try_get::<i64, _>("blocked")? != 0,
            ))
        })
        .collect()
}

async fn ensure_slot(conn: &mut AnyConnection, agenda_id: i64, starts_at: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO agenda_slots (agenda_id, starts_at) VALUES ($1, $2) \
         ON CONFLICT (agenda_id, starts_at) DO NOTHING",
    )
    .bind(agenda_id)
    .bind(starts_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes one place in a slot if one is left and agents did not block it. A single
/// conditional update: of concurrent bookings of the last place, exactly one matches
/// (PostgreSQL re-checks the condition after waiting for the row lock; SQLite runs
/// writers one at a time).
pub async fn take_place(
    conn: &mut AnyConnection,
    agenda_id: i64,
    starts_at: i64,
    capacity: i64,
) -> sqlx::Result<bool> {
    ensure_slot(conn, agenda_id, starts_at).await?;
    let done = sqlx::query(
        "UPDATE agenda_slots SET taken = taken + 1 \
         WHERE agenda_id = $1 AND starts_at = $2 AND blocked = 0 AND taken < $3",
    )
    .bind(agenda_id)
    .bind(starts_at)
    .bind(capacity)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a place back.
pub async fn release_place(
    conn: &mut AnyConnection,
    agenda_id: i64,
    starts_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE agenda_slots SET taken = taken - 1 \
         WHERE agenda_id = $1 AND starts_at = $2 AND taken > 0",
    )
    .bind(agenda_id)
    .bind(starts_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Agents close or reopen a slot.
pub async fn set_blocked(
    conn: &mut AnyConnection,
    agenda_id: i64,
    starts_at: i64,
    blocked: bool,
) -> sqlx::Result<()> {
    ensure_slot(conn, agenda_id, starts_at).await?;
    sqlx::query("UPDATE agenda_slots SET blocked = $1 WHERE agenda_id = $2 AND starts_at = $3")
        .bind(i64::from(blocked))
        .bind(agenda_id)
        .bind(starts_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// A new appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppointment {
    pub agenda_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub user_id: Option<i64>,
    pub booked_by: Option<i64>,
    pub channel: Channel,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub manage_key: String,
    /// Set when no reminder is needed (booked less than a day ahead).
    pub reminded_at: Option<i64>,
}

/// Records an appointment. `Ok(None)`: the same person already holds this slot.
pub async fn insert_appointment(
    conn: &mut AnyConnection,
    new: &NewAppointment,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    let inserted = sqlx::query(
        "INSERT INTO appointments (agenda_id, starts_at, ends_at, user_id, booked_by, channel, \
         contact_name, contact_email, contact_phone, status, manage_key, created_at, updated_at, reminded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'booked', $10, $11, $11, $12) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(new.agenda_id)
    .bind(new.starts_at)
    .bind(new.ends_at)
    .bind(new.user_id)
    .bind(new.booked_by)
    .bind(new.channel.as_str())
    .bind(&new.contact_name)
    .bind(&new.contact_email)
    .bind(&new.contact_phone)
    .bind(&new.manage_key)
    .bind(now_ms)
    .bind(new.reminded_at)
    .fetch_optional(conn)
    .await?;
    inserted.map(|row| row.try_get("id")).transpose()
}

/// An appointment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRow {
    pub id: i64,
    pub agenda_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub user_id: Option<i64>,
    pub channel: Channel,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub status: Status,
    pub manage_key: String,
    /// The account's name and e-mail, when there is an account.
    pub user_name: Option<String>,
    pub user_email: Option<String>,
    pub user_lang: Option<String>,
}

impl AppointmentRow {
    /// Who the appointment is for, as agents see it.
    pub fn name(&self) -> String {
        self.user_name
            .clone()
            .unwrap_or_else(|| self.contact_name.clone())
    }

    /// Where its mails go (empty when nowhere).
    pub fn email(&self) -> String {
        self.user_email
            .clone()
            .unwrap_or_else(|| self.contact_email.clone())
    }
}

const APPOINTMENT_SELECT: &str = "SELECT p.id, p.agenda_id, p.starts_at, p.ends_at, p.user_id, \
     p.channel, p.contact_name, p.contact_email, p.contact_phone, p.status, p.manage_key, \
     u.display_name AS user_name, u.email AS user_email, u.lang AS user_lang \
     FROM appointments p LEFT JOIN users u ON u.id = p.user_id";

fn appointment_of(row: &sqlx::any::AnyRow) -> sqlx::Result<AppointmentRow> {
    Ok(AppointmentRow {
        id: row.try_get("id")?,
        agenda_id: row.try_get("agenda_id")?,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        user_id: row.try_get("user_id")?,
        channel: decode(
            "channel",
            Channel::parse(&row.try_get::<String, _>("channel")?),
        )?,
        contact_name: row.try_get("contact_name")?,
        contact_email: row.try_get("contact_email")?,
        contact_phone: row.try_get("contact_phone")?,
        status: decode(
            "status",
            Status::parse(&row.try_get::<String, _>("status")?),
        )?,
        manage_key: row.try_get("manage_key")?,
        user_name: row.try_get("user_name")?,
        user_email: row.try_get("user_email")?,
        user_lang: row.try_get("user_lang")?,
    })
}

pub async fn appointment(
    conn: &mut AnyConnection,
    id: i64,
) -> sqlx::Result<Option<AppointmentRow>> {
    sqlx::query(&format!("{APPOINTMENT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(appointment_of)
        .transpose()
}

/// Moves an appointment from one status to another; false when it was no longer in
/// `from` (someone else changed it first).
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: &[Status],
    to: Status,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let cancelled_at = (to == Status::Cancelled).then_some(now_ms);
    let done = sqlx::query(&format!(
        "UPDATE appointments SET status = $1, updated_at = $2, \
         cancelled_at = COALESCE($3, cancelled_at) WHERE id = $4 AND status IN ({})",
        allowed.join(", ")
    ))
    .bind(to.as_str())
    .bind(now_ms)
    .bind(cancelled_at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The resident's standing appointment in this agenda that has not started yet.
pub async fn upcoming_in_agenda(
    conn: &mut AnyConnection,
    user_id: i64,
    agenda_id: i64,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM appointments WHERE user_id = $1 AND agenda_id = $2 \
         AND status = 'booked' AND starts_at > $3 LIMIT 1",
    )
    .bind(user_id)
    .bind(agenda_id)
    .bind(now_ms)
    .fetch_optional(conn)
    .await
}

/// A resident's appointments with their agenda's names: the coming ones first (soonest
/// first), then the past ones (latest first).
pub async fn of_user(
    pool: &AnyPool,
    user_id: i64,
    now_ms: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<(AppointmentRow, String, String)>, i64)> {
    let rows = sqlx::query(&format!(
        "SELECT q.*, a.name AS agenda_name, a.place AS agenda_place FROM ({APPOINTMENT_SELECT} \
         WHERE p.user_id = $1) q JOIN agendas a ON a.id = q.agenda_id \
         ORDER BY CASE WHEN q.starts_at >= $2 AND q.status = 'booked' THEN 0 ELSE 1 END, \
         CASE WHEN q.starts_at >= $2 AND q.status = 'booked' THEN q.starts_at ELSE -q.starts_at END \
         LIMIT $3 OFFSET $4"
    ))
    .bind(user_id)
    .bind(now_ms)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    let list = rows
        .iter()
        .map(|r| {
            Ok((
                appointment_of(r)?,
                r.try_get("agenda_name")?,
                r.try_get("agenda_place")?,
            ))
        })
        .collect::<sqlx::Result<Vec<_>>>()?;
    Ok((list, total))
}

/// A resident's next booked appointment at or after `now_ms`, with its agenda's name and
/// place (the home page).
pub async fn next_of_user(
    pool: &AnyPool,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<Option<(AppointmentRow, String, String)>> {
    let row = sqlx::query(&format!(
        "SELECT q.*, a.name AS agenda_name, a.place AS agenda_place FROM ({APPOINTMENT_SELECT} \
         WHERE p.user_id = $1 AND p.status = 'booked' AND p.starts_at >= $2) q \
         JOIN agendas a ON a.id = q.agenda_id ORDER BY q.starts_at, q.id LIMIT 1"
    ))
    .bind(user_id)
    .bind(now_ms)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok((
            appointment_of(&r)?,
            r.try_get("agenda_name")?,
            r.try_get("agenda_place")?,
        ))
    })
    .transpose()
}

/// The appointments of an agenda between two instants (cancelled ones left out), in
/// time order.
pub async fn in_agenda(
    pool: &AnyPool,
    agenda_id: i64,
    from_ms: i64,
    to_ms: i64,
    unmarked_only: bool,
) -> sqlx::Result<Vec<AppointmentRow>> {
    let filter = if unmarked_only {
        "p.status = 'booked'"
    } else {
        "p.status <> 'cancelled'"
    };
    sqlx::query(&format!(
        "{APPOINTMENT_SELECT} WHERE p.agenda_id = $1 AND p.starts_at >= $2 AND p.starts_at < $3 \
         AND {filter} ORDER BY p.starts_at, p.id LIMIT 500"
    ))
    .bind(agenda_id)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?
    .iter()
    .map(appointment_of)
    .collect()
}

/// Standing appointments starting before `until` that were not reminded yet.
pub async fn due_reminders(
    pool: &AnyPool,
    now_ms: i64,
    until: i64,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM appointments WHERE status = 'booked' AND reminded_at IS NULL \
         AND starts_at > $1 AND starts_at <= $2 ORDER BY starts_at LIMIT $3",
    )
    .bind(now_ms)
    .bind(until)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Takes the reminder of an appointment; false when another process took it.
pub async fn claim_reminder(conn: &mut AnyConnection, id: i64, now_ms: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE appointments SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND status = 'booked'",
    )
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a resident on a day's waiting list (once).
pub async fn add_wait(
    pool: &AnyPool,
    agenda_id: i64,
    day: &str,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO appointment_waits (agenda_id, day, user_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (agenda_id, day, user_id) DO UPDATE SET notified_at = NULL, created_at = \
         CASE WHEN appointment_waits.notified_at IS NULL THEN appointment_waits.created_at ELSE excluded.created_at END",
    )
    .bind(agenda_id)
    .bind(day)
    .bind(user_id)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn remove_wait(
    pool: &AnyPool,
    agenda_id: i64,
    day: &str,
    user_id: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM appointment_waits WHERE agenda_id = $1 AND day = $2 AND user_id = $3")
        .bind(agenda_id)
        .bind(day)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn is_waiting(
    pool: &AnyPool,
    agenda_id: i64,
    day: &str,
    user_id: i64,
) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM appointment_waits WHERE agenda_id = $1 AND day = $2 AND user_id = $3 \
         AND notified_at IS NULL",
    )
    .bind(agenda_id)
    .bind(day)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Residents still waiting for an agenda (all days from `from_day`).
pub async fn waiting_count(pool: &AnyPool, agenda_id: i64, from_day: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM appointment_waits WHERE agenda_id = $1 AND day >= $2 AND notified_at IS NULL",
    )
    .bind(agenda_id)
    .bind(from_day)
    .fetch_one(pool)
    .await
}

/// Takes the first `count` residents waiting for a day, marking them told: (e-mail,
/// language) of each.
pub async fn take_waiting(
    conn: &mut AnyConnection,
    agenda_id: i64,
    day: &str,
    count: i64,
    now_ms: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT w.id, u.email, u.lang FROM appointment_waits w JOIN users u ON u.id = w.user_id \
         WHERE w.agenda_id = $1 AND w.day = $2 AND w.notified_at IS NULL \
         ORDER BY w.created_at, w.id LIMIT $3",
    )
    .bind(agenda_id)
    .bind(day)
    .bind(count)
    .fetch_all(&mut *conn)
    .await?;
    let mut told = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        sqlx::query("UPDATE appointment_waits SET notified_at = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        told.push((row.try_get("email")?, row.try_get("lang")?));
    }
    Ok(told)
}

/// Forgets waiting lists of days gone by.
pub async fn purge_waits(pool: &AnyPool, before_day: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM appointment_waits WHERE day < $1")
        .bind(before_day)
        .execute(pool)
        .await?
        .rows_affected())
}

/// A facility as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityRow {
    pub id: i64,
    pub slug: String,
    pub kind: FacilityKind,
    pub name: String,
    pub description: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub accessibility: String,
    pub week: WeekHours,
    pub published: bool,
}

fn facility_of(row: &sqlx::any::AnyRow) -> sqlx::Result<FacilityRow> {
    Ok(FacilityRow {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        kind: decode(
            "kind",
            FacilityKind::parse(&row.try_get::<String, _>("kind")?),
        )?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        address: row.try_get("address")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        accessibility: row.try_get("accessibility")?,
        week: WeekHours::from_storage(&row.try_get::<String, _>("weekly_hours")?),
        published: row.try_get::<i64, _>("published")? != 0,
    })
}

const FACILITY_SELECT: &str = "SELECT id, slug, kind, name, description, address, phone, email, \
     accessibility, weekly_hours, published FROM facilities";

pub async fn facilities(pool: &AnyPool, published_only: bool) -> sqlx::Result<Vec<FacilityRow>> {
    let filter = if published_only {
        "WHERE published = 1"
    } else {
        ""
    };
    sqlx::query(&format!("{FACILITY_SELECT} {filter} ORDER BY name, id"))
        .fetch_all(pool)
        .await?
        .iter()
        .map(facility_of)
        .collect()
}

pub async fn facility_by_slug(pool: &AnyPool, slug: &str) -> sqlx::Result<Option<FacilityRow>> {
    sqlx::query(&format!("{FACILITY_SELECT} WHERE slug = $1"))
        .bind(slug)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(facility_of)
        .transpose()
}

pub async fn facility_by_id(pool: &AnyPool, id: i64) -> sqlx::Result<Option<FacilityRow>> {
    sqlx::query(&format!("{FACILITY_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(facility_of)
        .transpose()
}

/// The exceptions of every facility ending on `from_day` or later: (facility, exception).
pub async fn all_facility_exceptions(
    pool: &AnyPool,
    from_day: &str,
) -> sqlx::Result<Vec<(i64, Exception)>> {
    let rows = sqlx::query(
        "SELECT id, facility_id, first_day, last_day, hours, label FROM facility_exceptions \
         WHERE last_day >= $1 ORDER BY first_day, id",
    )
    .bind(from_day)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("facility_id")?, exception_of(row)?)))
        .collect()
}

/// Creates a facility (`id` None) or saves it; its id.
pub async fn save_facility(
    pool: &AnyPool,
    id: Option<i64>,
    f: &FacilityRow,
    now_ms: i64,
) -> sqlx::Result<i64> {
    let query = match id {
        None => sqlx::query(
            "INSERT INTO facilities (kind, name, description, address, phone, email, accessibility, \
             weekly_hours, published, slug, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        ),
        Some(_) => sqlx::query(
            "UPDATE facilities SET kind = $1, name = $2, description = $3, address = $4, phone = $5, \
             email = $6, accessibility = $7, weekly_hours = $8, published = $9, updated_at = $11 \
             WHERE id = $10 RETURNING id",
        ),
    };
    let query = query
        .bind(f.kind.as_str())
        .bind(&f.name)
        .bind(&f.description)
        .bind(&f.address)
        .bind(&f.phone)
        .bind(&f.email)
        .bind(&f.accessibility)
        .bind(f.week.storage())
        .bind(i64::from(f.published));
    let query = match id {
        None => query.bind(f.slug.clone()),
        Some(id) => query.bind(id),
    };
    query.bind(now_ms).fetch_one(pool).await?.try_get("id")
}
