//! What pages receive from the server: agendas and their free slots, an appointment,
//! an agent's day, facilities and their hours.

use super::model::{Channel, Day, FacilityKind, OpenState, Status};
use serde::{Deserialize, Serialize};

/// An agenda in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub place: String,
    pub service_title: String,
    pub service_slug: String,
    pub published: bool,
}

/// A change to the usual hours, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionView {
    pub id: i64,
    pub first_day: Day,
    pub last_day: Day,
    /// Empty when closed.
    pub hours: String,
    pub label: String,
}

/// An agenda's description and rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaInfo {
    pub id: i64,
    pub slug: String,
    pub service_id: i64,
    pub service_title: String,
    pub name: String,
    pub place: String,
    pub instructions: String,
    /// Each weekday's hours as shown (Monday first; empty when closed).
    pub week: Vec<String>,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub horizon_days: i64,
    pub notice_hours: i64,
    pub published: bool,
    pub exceptions: Vec<ExceptionView>,
}

/// A day residents may pick, with its free places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayChoice {
    pub day: Day,
    pub free_slots: i64,
    pub slots: i64,
}

/// An appointment being moved: the booking pages then move it instead of booking anew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moving {
    pub id: i64,
    pub key: String,
    pub when: Day,
    pub time: String,
}

/// `/rendez-vous/:slug`: the days of the horizon, a page of them at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaysPage {
    pub agenda: AgendaInfo,
    pub days: Vec<DayChoice>,
    /// The first day of the next page, if any.
    pub next_from: Option<String>,
    pub previous_from: Option<String>,
    pub moving: Option<Moving>,
}

/// A slot residents may pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotChoice {
    pub starts_at: i64,
    pub time: String,
    pub free: i64,
}

/// A free slot on another day, offered when the one asked for was just taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeSlot {
    pub day: Day,
    pub time: String,
}

/// `/rendez-vous/:slug/:day`: the slots of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayPage {
    pub agenda: AgendaInfo,
    pub day: Day,
    pub slots: Vec<SlotChoice>,
    /// Slots of the day that are full or closed by agents.
    pub full_slots: Vec<String>,
    /// The signed-in resident is on this day's waiting list.
    pub waiting: bool,
    /// The next free slots after this day's (offered when it is full).
    pub next_free: Vec<FreeSlot>,
    pub moving: Option<Moving>,
    /// Whoever looks is signed in (they may book and wait).
    pub signed_in: bool,
}

/// An appointment as its resident (or the holder of its mail link) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    pub id: i64,
    pub agenda_slug: String,
    pub agenda_name: String,
    pub place: String,
    pub instructions: String,
    pub day: Day,
    pub time: String,
    pub end_time: String,
    pub status: Status,
    pub channel: Channel,
    pub contact_name: String,
    /// The slot has not started yet and the appointment stands: it can be cancelled or
    /// moved.
    pub changeable: bool,
    /// The key of the mail link, echoed in the page's forms (empty when signed in).
    pub key: String,
}

/// An appointment in mon espace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentSummary {
    pub id: i64,
    pub agenda_name: String,
    pub place: String,
    pub day: Day,
    pub time: String,
    pub status: Status,
}

/// A booking in an agent's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub id: i64,
    pub day: Day,
    pub time: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub channel: Channel,
    pub status: Status,
    /// The appointment's time has come: presence can be recorded.
    pub markable: bool,
}

/// A slot of an agent's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentSlot {
    pub starts_at: i64,
    pub time: String,
    pub taken: i64,
    pub blocked: bool,
    /// The slot has started: it can no longer be booked.
    pub past: bool,
    pub bookings: Vec<Booking>,
}

/// `/guichet/rendez-vous/:id`: one day of an agenda for its team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentDay {
    pub agenda: AgendaInfo,
    pub day: Day,
    pub previous: String,
    pub next: String,
    pub slots: Vec<AgentSlot>,
    /// Past appointments of the last week whose presence was not recorded.
    pub to_mark: Vec<Booking>,
    pub waiting: i64,
}

/// A facility in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilitySummary {
    pub id: i64,
    pub slug: String,
    pub kind: FacilityKind,
    pub name: String,
    pub address: String,
    pub state: OpenState,
    pub published: bool,
}

/// `/equipements`: the facilities, open or not at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub facilities: Vec<FacilitySummary>,
    /// The moment asked for (`2026-12-05T10:00`), or empty for now.
    pub at: String,
    /// The moment as shown.
    pub at_day: Day,
    pub at_time: String,
}

/// A facility's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityView {
    pub id: i64,
    pub slug: String,
    pub kind: FacilityKind,
    pub name: String,
    pub description: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub accessibility: String,
    pub week: Vec<String>,
    /// Changes to come (and under way).
    pub exceptions: Vec<ExceptionView>,
    pub state: OpenState,
    pub published: bool,
}
