//! What pages receive from the server: the catalogue, a request as its resident or an
//! agent sees it, a queue page, statistics.

use super::model::{Answers, Category, Channel, FieldDef, Status};
use serde::{Deserialize, Serialize};

/// The `__path` the request form's errors are filed under (see `upload.rs`).
pub const FORM_PATH: &str = "/mon-espace/demandes/formulaire";
/// The `__path` of the message form's errors.
pub const MESSAGE_PATH: &str = "/mon-espace/demandes/message";
/// The name the message form's typed values are kept under after a failed post.
pub const MESSAGE_FORM: &str = "request_message";

/// A service as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub id: i64,
    pub slug: String,
    pub category: Category,
    pub title: String,
    pub summary: String,
    pub published: bool,
}

/// A service's full description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    pub id: i64,
    pub slug: String,
    pub category: Category,
    pub title: String,
    pub summary: String,
    /// Words a resident may search with that the title does not hold ("école").
    pub keywords: String,
    pub eligibility: String,
    pub documents: String,
    pub processing_time: String,
    pub cost: String,
    pub contact: String,
    pub retention_months: i64,
    pub published: bool,
}

/// A person, as lists of agents show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

/// A message template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    pub title: String,
    pub body: String,
}

/// What the admin's page of a service shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAdmin {
    pub info: ServiceInfo,
    pub fields: Vec<FieldDef>,
    /// Number of the form's current version, and whether requests use it already (the
    /// next change then starts a new version).
    pub form_version: i64,
    pub version_in_use: bool,
    pub team: Vec<Person>,
    pub templates: Vec<Template>,
}

/// A request in a list (mon espace, a queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: i64,
    pub reference: Option<String>,
    pub service_title: String,
    pub status: Status,
    /// Who filed it (queues only).
    pub resident: String,
    pub assignee: Option<String>,
    pub submitted_at: Option<i64>,
    pub updated_at: i64,
    pub unread: i64,
    pub channel: Channel,
}

impl RequestSummary {
    /// Where its resident opens it: a draft's form, or the request's page.
    pub fn resident_href(&self) -> String {
        if self.status == super::model::Status::Draft {
            format!("/mon-espace/demandes/{}/formulaire", self.id)
        } else {
            format!("/mon-espace/demandes/{}", self.id)
        }
    }
}

/// One entry of a request's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub kind: EventKind,
    pub status: Option<Status>,
    pub author: Option<String>,
    pub from_agent: bool,
    pub body: String,
    pub at: i64,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Status,
    Message,
    Note,
    Assigned,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Status => "status",
            EventKind::Message => "message",
            EventKind::Note => "note",
            EventKind::Assigned => "assigned",
        }
    }

    pub fn parse(raw: &str) -> Option<EventKind> {
        [
            EventKind::Status,
            EventKind::Message,
            EventKind::Note,
            EventKind::Assigned,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }
}

/// A file of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub field_key: Option<String>,
    pub file_name: String,
    pub size: i64,
}

/// A request, with what its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: i64,
    pub reference: Option<String>,
    pub service_id: i64,
    pub service_slug: String,
    pub service_title: String,
    pub status: Status,
    pub channel: Channel,
    pub form_version: i64,
    pub fields: Vec<FieldDef>,
    pub answers: Answers,
    pub attachments: Vec<Attachment>,
    /// One page of the timeline (page 1: the latest events), oldest first.
    pub events: Vec<Event>,
    pub timeline_page: u32,
    pub timeline_pages: u32,
    pub resident: String,
    pub contact: String,
    pub assignee: Option<Person>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    /// Who opened the file (agents' view; the privacy centre shows it to the resident).
    pub accesses: Vec<(String, i64)>,
    /// Agents' view only: the service's team and templates.
    pub team: Vec<Person>,
    pub templates: Vec<Template>,
    /// The viewer is an agent of the service (else the resident).
    pub as_agent: bool,
    /// Largest attachment accepted, in megabytes.
    pub max_upload_mb: usize,
}

/// A page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub page_count: u32,
    pub total: i64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: i64, page: u32, per_page: u32) -> Self {
        let pages = ((total.max(0) as u64).div_ceil(u64::from(per_page))).max(1);
        Paged {
            items,
            page,
            page_count: u32::try_from(pages).unwrap_or(u32::MAX),
            total,
        }
    }
}

/// Filters of a queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueFilter {
    /// A status, "open" (every open status, the default) or "all".
    pub status: String,
    /// "me", "none", an agent id, or empty for anyone.
    pub assignee: String,
    /// Only requests submitted at least this many days ago.
    pub older_than_days: Option<u32>,
    /// A tracking number or part of a name.
    pub search: String,
    /// "newest" first, else oldest first.
    pub sort: String,
}

/// A service's queue page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub service: ServiceSummary,
    pub requests: Paged<RequestSummary>,
    pub team: Vec<Person>,
}

/// Processing figures of one month or of a whole service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    /// `2026-11`, or empty for the whole period.
    pub month: String,
    pub submitted: i64,
    pub decided: i64,
    /// Median and 90th percentile of submission-to-decision times, in hours.
    pub median_hours: Option<i64>,
    pub p90_hours: Option<i64>,
}

/// A service's statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub service: ServiceSummary,
    pub by_status: Vec<(Status, i64)>,
    pub overall: Durations,
    pub months: Vec<Durations>,
}

/// What mon espace gathers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub requests: Paged<RequestSummary>,
    pub drafts: Vec<RequestSummary>,
    pub unread_messages: i64,
    pub unread_notifications: i64,
    /// Surveys the person took part in: (id, title, day).
    pub surveys: Vec<(i64, String, String)>,
    /// Services the person works on as an agent.
    pub agent_services: Vec<ServiceSummary>,
}
