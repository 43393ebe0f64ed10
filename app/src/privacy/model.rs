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
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::SecurityLog,
        Category::Appointments,
        Category::Notifications,
    ];

    /// Key in `retention_settings` and `retention_purges`.
    pub fn key(self) -> &'static str {
        match self {
            Category::SecurityLog => "security_log",
            Category::Appointments => "appointments",
            Category::Notifications => "notifications",
        }
    }

    pub fn parse(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == raw)
    }

    /// Parvis's period when the commune has not set one, in months: twelve months of
    /// security logs (CNIL recommendation for access logs, 6 to 12 months); a year of
    /// appointments and of notifications.
    pub fn default_months(self) -> i64 {
        match self {
            Category::SecurityLog => 12,
            Category::Appointments => 12,
            Category::Notifications => 12,
        }
    }
}

/// Key of the requests' line in `retention_purges` (their periods are per service).
pub const REQUESTS_KEY: &str = "requests";

/// Key of the waiting lists' line in `retention_purges` (kept until their day is over).
pub const WAITS_KEY: &str = "appointment_waits";

/// Longest period the commune may set, in months (a century: the longest legal
/// retention of civil-status files, before they go to the archives).
pub const MAX_MONTHS: i64 = 1200;

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
}
