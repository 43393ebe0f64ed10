//! What the home page shows, as the server sends it.

use crate::appointments::model::OpenState;
use crate::forum::model::ProposalStatus;
use crate::notifications::model::Notification;
use crate::services::views::{RequestSummary, ServiceSummary};
use serde::{Deserialize, Serialize};

/// Open consultations shown at most.
pub const MAX_CONSULTATIONS: i64 = 4;
/// Answered proposals shown at most.
pub const MAX_ANSWERS: i64 = 4;
/// Services shown at most.
pub const MAX_SERVICES: i64 = 6;
/// Facilities shown at most in each group (open now, later today, closed today).
pub const MAX_PLACES: usize = 8;
/// Requests waiting for the resident shown at most.
pub const MAX_WAITING: i64 = 5;
/// Unread notifications shown at most.
pub const MAX_NEWS: i64 = 3;

/// The home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    /// The signed-in person's own business; `None` when signed out.
    pub for_you: Option<ForYou>,
    pub town: Town,
}

/// What is happening in the commune: the same for every visitor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Town {
    /// Published consultations open now, the soonest closing first.
    pub consultations: Vec<OpenConsultation>,
    /// Published proposals the town hall answered, the latest answer first.
    pub answered: Vec<AnsweredProposal>,
    pub open_now: Vec<Place>,
    /// Closed now, opening later today.
    pub later_today: Vec<Place>,
    /// Not opening at all today.
    pub closed_today: Vec<Place>,
    /// Published facilities in all.
    pub facilities: usize,
    /// Published services, the most asked for in the last year first.
    pub services: Vec<ServiceSummary>,
    /// The town hall's own opening, when the directory lists it.
    pub town_hall: Option<TownHall>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenConsultation {
    pub id: i64,
    pub title: String,
    pub closes_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredProposal {
    pub id: i64,
    pub title: String,
    pub status: ProposalStatus,
    pub answered_at_ms: i64,
}

/// A facility and whether it is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub slug: String,
    pub name: String,
    pub state: OpenState,
}

/// The town hall as the facilities directory describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownHall {
    pub slug: String,
    pub state: OpenState,
    /// Opening hours of each weekday, Monday first, as shown (empty: closed).
    pub week: Vec<String>,
}

/// The signed-in person's own business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForYou {
    pub name: String,
    /// Requests waiting for the resident (information asked, unread messages, drafts).
    pub waiting: Vec<RequestSummary>,
    pub waiting_total: i64,
    pub unread_messages: i64,
    pub next_appointment: Option<NextAppointment>,
    pub news: Vec<Notification>,
    pub unread_notifications: i64,
    /// Services the person works on as an agent.
    pub work: Vec<ServiceSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextAppointment {
    pub id: i64,
    pub agenda_name: String,
    pub place: String,
    pub starts_at_ms: i64,
}
