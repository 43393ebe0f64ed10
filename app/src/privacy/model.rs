//! Categories of personal data with a retention period of their own.

use serde::{Deserialize, Serialize};

/// A category of personal data the retention job removes when its period ends.
/// Requests are not here: each follows the period of its service
/// (`services.retention_months`), counted from its last change once it is decided,
/// closed, cancelled, or left as a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    /// The security log (`audit_log`): sign-ins, role changes, moderation actions.
    SecurityLog,
    /// Appointments, counted from their end.
    Appointments,
    /// In-app notifications, counted from their creation.
    Notifications,
    /// Requests to the DPO, counted from their answer (open ones are kept).
    DataRequests,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::SecurityLog,
        Category::Appointments,
        Category::Notifications,
        Category::DataRequests,
    ];

    /// Key in `retention_settings` and `retention_purges`.
    pub fn key(self) -> &'static str {
        match self {
            Category::SecurityLog => "security_log",
            Category::Appointments => "appointments",
            Category::Notifications => "notifications",
            Category::DataRequests => "data_requests",
        }
    }

    pub fn parse(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == raw)
    }

    /// Parvis's period when the commune has not set one, in months: twelve months of
    /// security logs (CNIL recommendation for access logs, 6 to 12 months); a year of
    /// appointments and of notifications; five years of requests to the DPO (the proof
    /// of how they were handled, for as long as they may be disputed).
    pub fn default_months(self) -> i64 {
        match self {
            Category::SecurityLog => 12,
            Category::Appointments => 12,
            Category::Notifications => 12,
            Category::DataRequests => 60,
        }
    }
}

/// Key of the requests' line in `retention_purges` (their periods are per service).
pub const REQUESTS_KEY: &str = "requests";

/// Key of the waiting lists' line in `retention_purges` (kept until their day is over).
pub const WAITS_KEY: &str = "appointment_waits";

/// Key of the exports' line in `retention_purges` (kept a week).
pub const EXPORTS_KEY: &str = "data_exports";

/// Longest period the commune may set, in months (a century: the longest legal
/// retention of civil-status files, before they go to the archives).
pub const MAX_MONTHS: i64 = 1200;

/// What a resident's data is held for: the sections of `/mon-espace/donnees`, of the
/// export and of the processing register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Purpose {
    /// The account: name, e-mail address, language, sign-in methods, browsers signed in.
    Account,
    /// Requests filed with the town hall's services, their messages and files.
    Requests,
    /// Appointments booked and waiting lists.
    Appointments,
    /// Proposals, comments, supports, follows and flags in the forum.
    Forum,
    /// Answers to surveys, when not anonymous.
    Surveys,
    /// In-app notifications.
    Notifications,
    /// Consents given and withdrawn.
    Consents,
    /// The security log: sign-ins, role changes.
    Security,
    /// Requests to the data protection officer.
    DataRequests,
}

impl Purpose {
    pub const ALL: [Purpose; 9] = [
        Purpose::Account,
        Purpose::Requests,
        Purpose::Appointments,
        Purpose::Forum,
        Purpose::Surveys,
        Purpose::Notifications,
        Purpose::Consents,
        Purpose::Security,
        Purpose::DataRequests,
    ];

    /// Key in URLs, anchors and the export's file names.
    pub fn key(self) -> &'static str {
        match self {
            Purpose::Account => "compte",
            Purpose::Requests => "demandes",
            Purpose::Appointments => "rendez-vous",
            Purpose::Forum => "forum",
            Purpose::Surveys => "consultations",
            Purpose::Notifications => "notifications",
            Purpose::Consents => "consentements",
            Purpose::Security => "securite",
            Purpose::DataRequests => "demandes-dpo",
        }
    }

    /// The export's JSON file for this purpose.
    pub fn export_file(self) -> String {
        format!("{}.json", self.key())
    }
}

/// What a person may consent to, or choose, about their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConsentPurpose {
    /// The terms of use (a version is accepted; required to use an account).
    Terms,
    /// The daily digest of followed proposals, by mail.
    DigestMail,
    /// Reminders of appointments the day before, by mail.
    ReminderMail,
}

impl ConsentPurpose {
    pub const ALL: [ConsentPurpose; 3] = [
        ConsentPurpose::Terms,
        ConsentPurpose::DigestMail,
        ConsentPurpose::ReminderMail,
    ];

    /// The ones a person may withdraw and give again at will.
    pub const OPTIONAL: [ConsentPurpose; 2] =
        [ConsentPurpose::DigestMail, ConsentPurpose::ReminderMail];

    pub fn key(self) -> &'static str {
        match self {
            ConsentPurpose::Terms => "terms",
            ConsentPurpose::DigestMail => "digest_mail",
            ConsentPurpose::ReminderMail => "reminder_mail",
        }
    }

    pub fn parse(raw: &str) -> Option<ConsentPurpose> {
        ConsentPurpose::ALL.into_iter().find(|p| p.key() == raw)
    }

    /// Where a person stands before choosing: mails they asked for by following a
    /// proposal or booking an appointment are sent until they say otherwise.
    pub fn given_by_default(self) -> bool {
        !matches!(self, ConsentPurpose::Terms)
    }
}

/// What happens to a person's public contributions when their account is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErasureMode {
    /// Kept, signed "ancien participant".
    Pseudonymise,
    /// Proposals and comments removed.
    Delete,
}

impl ErasureMode {
    pub fn key(self) -> &'static str {
        match self {
            ErasureMode::Pseudonymise => "pseudonymise",
            ErasureMode::Delete => "delete",
        }
    }

    pub fn parse(raw: &str) -> Option<ErasureMode> {
        [ErasureMode::Pseudonymise, ErasureMode::Delete]
            .into_iter()
            .find(|m| m.key() == raw)
    }
}

/// Days between asking for an erasure and its being carried out (cancellable meanwhile).
pub const COOLING_OFF_DAYS: i64 = 7;

/// Days an export stays downloadable.
pub const EXPORT_KEPT_DAYS: i64 = 7;

/// How many rows a purpose holds about the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub purpose: Purpose,
    /// (what, how many): e.g. ("requests", 3).
    pub counts: Vec<(String, i64)>,
}

/// A consent's current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentState {
    pub purpose: ConsentPurpose,
    pub given: bool,
    /// The terms version accepted.
    pub version: Option<i64>,
    pub since_ms: Option<i64>,
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEvent {
    pub purpose: ConsentPurpose,
    pub given: bool,
    pub version: Option<i64>,
    pub at_ms: i64,
}

/// The state of the person's latest export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportState {
    pub id: i64,
    /// `pending`, `running`, `ready` or `failed`.
    pub status: String,
    pub progress: i64,
    pub size: Option<i64>,
    pub created_at_ms: i64,
    /// Until when a ready export can be downloaded.
    pub expires_at_ms: Option<i64>,
}

/// An erasure waiting for its cooling-off period to end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasurePlan {
    pub mode: ErasureMode,
    pub requested_at_ms: i64,
    pub due_at_ms: i64,
}

/// An agent's opening of one of the person's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub agent: Option<String>,
    pub service: String,
    pub reference: Option<String>,
    pub request_id: i64,
    pub at_ms: i64,
}

/// Accesses shown per page.
pub const ACCESS_PAGE_SIZE: i64 = 20;

/// Everything `/mon-espace/donnees` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyData {
    pub holdings: Vec<Holding>,
    pub consents: Vec<ConsentState>,
    pub ledger: Vec<ConsentEvent>,
    pub export: Option<ExportState>,
    pub erasure: Option<ErasurePlan>,
    pub accesses: Vec<Access>,
    pub access_page: i64,
    pub access_pages: i64,
    /// Their requests to the DPO, newest first.
    pub data_requests: Vec<DataRequest>,
}

/// What a resident asks the data protection officer (RGPD art. 15 to 21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataRequestKind {
    /// A copy of their data and how it is used (art. 15).
    Access,
    /// Correcting inaccurate data (art. 16).
    Rectification,
    /// Erasing data (art. 17).
    Erasure,
    /// Objecting to a processing (art. 21).
    Objection,
    /// Any other question.
    Other,
}

impl DataRequestKind {
    pub const ALL: [DataRequestKind; 5] = [
        DataRequestKind::Access,
        DataRequestKind::Rectification,
        DataRequestKind::Erasure,
        DataRequestKind::Objection,
        DataRequestKind::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DataRequestKind::Access => "access",
            DataRequestKind::Rectification => "rectification",
            DataRequestKind::Erasure => "erasure",
            DataRequestKind::Objection => "objection",
            DataRequestKind::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<DataRequestKind> {
        DataRequestKind::ALL.into_iter().find(|k| k.key() == raw)
    }
}

/// A request to the data protection officer, as the resident and the DPO's queue see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequest {
    pub id: i64,
    pub kind: DataRequestKind,
    pub name: String,
    pub email: String,
    pub message: String,
    pub answered: bool,
    pub answer: String,
    pub created_at_ms: i64,
    /// The statutory deadline: one month after it was received.
    pub due_at_ms: i64,
    /// Still open after its deadline.
    pub overdue: bool,
    pub answered_at_ms: Option<i64>,
}

/// Longest message to the DPO, in characters.
pub const DPO_MESSAGE_MAX: usize = 5000;

/// The administrators' privacy page: the DPO's queue, retention periods, the purge log
/// and the terms in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyAdmin {
    /// Open requests first (soonest deadline first), then the latest answered.
    pub requests: Vec<DataRequest>,
    /// (category, months, default months).
    pub retention: Vec<(Category, i64, i64)>,
    /// (date, category key, count), newest first.
    /// When each purge ran, what it purged and how many rows.
    pub purges: Vec<(i64, String, i64)>,
    pub terms: TermsVersion,
}

/// One purpose of the processing register, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterLine {
    pub purpose: Purpose,
    pub basis: String,
    pub data: String,
    pub recipients: String,
    pub retention: String,
}

/// The terms in force and what changed, for the acceptance page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsVersion {
    pub version: i64,
    pub summary: String,
    pub published_at_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_reads_back_from_its_key() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.key()), Some(category));
        }
        assert_eq!(Category::parse(REQUESTS_KEY), None);
        assert_eq!(Category::parse("users"), None);
    }

    #[test]
    fn consents_and_erasure_modes_read_back_from_their_keys() {
        for purpose in ConsentPurpose::ALL {
            assert_eq!(ConsentPurpose::parse(purpose.key()), Some(purpose));
        }
        assert!(!ConsentPurpose::OPTIONAL.contains(&ConsentPurpose::Terms));
        assert!(!ConsentPurpose::Terms.given_by_default());
        assert_eq!(ErasureMode::parse("delete"), Some(ErasureMode::Delete));
        assert_eq!(
            ErasureMode::parse("pseudonymise"),
            Some(ErasureMode::Pseudonymise)
        );
        assert_eq!(ErasureMode::parse(""), None);
    }

    #[test]
    fn each_purpose_has_its_own_export_file() {
        let files: std::collections::HashSet<String> =
            Purpose::ALL.iter().map(|p| p.export_file()).collect();
        assert_eq!(files.len(), Purpose::ALL.len());
    }
}
