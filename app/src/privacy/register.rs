//! The processing register (registre des traitements, RGPD art. 30) as Parvis configures
//! it: for each purpose, its legal basis, the tables holding its data and how long they
//! are kept. The privacy centre, the export and the erasure all follow it, and tests check
//! the database against it: a new table naming a person must be entered here.

use super::model::{Category, Purpose};
use serde::{Deserialize, Serialize};

/// Why the commune may process the data (RGPD art. 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Basis {
    /// Art. 6-1-b: the terms of use the person accepted.
    Contract,
    /// Art. 6-1-c: a legal obligation (security logs, records of requests).
    LegalObligation,
    /// Art. 6-1-e: the commune's public service mission.
    PublicTask,
    /// Art. 6-1-a: the person's consent, withdrawable at any time.
    Consent,
}

/// How long a purpose's data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Retention {
    /// As long as the account exists.
    AccountLifetime,
    /// Each service's own period, from the request's decision.
    PerService,
    /// A period the commune sets (see `parvis retention`).
    Category(Category),
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Treatment {
    pub purpose: Purpose,
    pub basis: Basis,
    pub retention: Retention,
    /// Tables holding this purpose's data about a person; each is a section of the
    /// purpose's file in the export.
    pub tables: &'static [&'static str],
}

/// The register, one treatment per purpose.
pub const REGISTER: [Treatment; 9] = [
    Treatment {
        purpose: Purpose::Account,
        basis: Basis::Contract,
        retention: Retention::AccountLifetime,
        tables: &[
            "users",
            "user_roles",
            "user_identities",
            "sessions",
            "auth_tokens",
            "service_agents",
            "data_exports",
            "erasure_requests",
        ],
    },
    Treatment {
        purpose: Purpose::Requests,
        basis: Basis::PublicTask,
        retention: Retention::PerService,
        tables: &["service_requests", "request_events", "request_attachments"],
    },
    Treatment {
        purpose: Purpose::Appointments,
        basis: Basis::PublicTask,
        retention: Retention::Category(Category::Appointments),
        tables: &["appointments", "appointment_waits"],
    },
    Treatment {
        purpose: Purpose::Forum,
        basis: Basis::PublicTask,
        retention: Retention::AccountLifetime,
        tables: &[
            "proposals",
            "proposal_comments",
            "proposal_supports",
            "proposal_follows",
            "proposal_answers",
            "moderation_flags",
            "moderation_decisions",
            "moderation_queue",
            "moderation_sanctions",
            "moderation_appeals",
        ],
    },
    Treatment {
        purpose: Purpose::Surveys,
        basis: Basis::PublicTask,
        retention: Retention::AccountLifetime,
        tables: &["survey_participations", "survey_responses", "survey_drafts"],
    },
    Treatment {
        purpose: Purpose::Notifications,
        basis: Basis::PublicTask,
        retention: Retention::Category(Category::Notifications),
        tables: &["notifications"],
    },
    Treatment {
        purpose: Purpose::Consents,
        basis: Basis::Consent,
        retention: Retention::AccountLifetime,
        tables: &["consents", "consent_events"],
    },
    Treatment {
        purpose: Purpose::Security,
        basis: Basis::LegalObligation,
        retention: Retention::Category(Category::SecurityLog),
        tables: &["audit_log", "request_accesses"],
    },
    Treatment {
        purpose: Purpose::DataRequests,
        basis: Basis::LegalObligation,
        retention: Retention::Category(Category::DataRequests),
        tables: &["data_requests"],
    },
];

/// Columns naming a person that record an agent's or moderator's work on someone else's
/// file: they belong to that file (exported to its owner), not to the agent's own data.
pub const STAFF_COLUMNS: [(&str, &str); 10] = [
    ("service_requests", "filed_by"),
    ("service_requests", "assignee_id"),
    ("request_events", "author_id"),
    ("request_attachments", "uploaded_by"),
    ("request_accesses", "agent_id"),
    ("appointments", "booked_by"),
    ("moderation_decisions", "moderator_id"),
    ("moderation_appeals", "decided_by"),
    ("surveys", "created_by"),
    ("data_requests", "answered_by"),
];

/// The treatment of `purpose`.
pub fn treatment(purpose: Purpose) -> &'static Treatment {
    REGISTER
        .iter()
        .find(|t| t.purpose == purpose)
        .unwrap_or(&REGISTER[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_purpose_has_one_treatment_and_no_table_is_in_two() {
        for purpose in Purpose::ALL {
            assert_eq!(REGISTER.iter().filter(|t| t.purpose == purpose).count(), 1);
            assert_eq!(treatment(purpose).purpose, purpose);
        }
        let mut tables: Vec<&str> = REGISTER
            .iter()
            .flat_map(|t| t.tables.iter().copied())
            .collect();
        let all = tables.len();
        tables.sort_unstable();
        tables.dedup();
        assert_eq!(tables.len(), all);
    }
}
