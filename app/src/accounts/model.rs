//! Validated account inputs shared by server and browser.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an account may do. Agents work on requests, moderators on contributions,
/// admins configure the instance; citizens are residents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Citizen,
    Agent,
    Moderator,
    Admin,
}

impl Role {
    /// Stored and command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Agent => "agent",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored or command-line spelling.
    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "citizen" => Some(Role::Citizen),
            "agent" => Some(Role::Agent),
            "moderator" => Some(Role::Moderator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A plausible e-mail address, trimmed and lower-cased so one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` without spaces, at most 254 characters.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let email = raw.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else {
            return Err("errors.email_invalid");
        };
        let valid = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Email(email))
        } else {
            Err("errors.email_invalid")
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 12 to 256 characters (ANSSI recommends length over complexity).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    /// Checks the length; the value is never logged.
    pub fn parse(raw: &str) -> Result<NewPassword, &'static str> {
        let count = raw.chars().count();
        if count < Self::MIN_CHARS {
            Err("errors.password_too_short")
        } else if count > Self::MAX_CHARS {
            Err("errors.password_too_long")
        } else {
            Ok(NewPassword(raw.to_owned()))
        }
    }

    /// The secret itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// What a person sees and changes on their profile page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub display_name: String,
    pub email: String,
    pub has_password: bool,
    pub sessions: Vec<crate::auth::model::ActiveSession>,
}

/// An account in the administrators' people list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub email_verified: bool,
    pub roles: Vec<Role>,
}

/// One line of the role-change log: who changed whose role, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChange {
    pub at_ms: i64,
    pub actor: String,
    pub target: String,
    pub role: String,
    pub granted: bool,
}

/// The staff roles an administrator can grant.
pub const STAFF_ROLES: [Role; 3] = [Role::Agent, Role::Moderator, Role::Admin];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_so_one_person_has_one_account() {
        let email = Email::parse("  Marie.Curie@Mairie.EXAMPLE ").expect("valid");
        assert_eq!(email.as_str(), "marie.curie@mairie.example");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "marie",
            "@mairie.fr",
            "marie@",
            "marie@fr",
            "ma rie@x.fr",
            "a@b@c.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert_eq!(
            NewPassword::parse("court"),
            Err("errors.password_too_short")
        );
        let ok = NewPassword::parse("une phrase de passe longue").expect("long enough");
        assert_eq!(format!("{ok:?}"), "NewPassword(***)");
    }

    #[test]
    fn roles_round_trip_through_their_stored_spelling() {
        for role in [Role::Citizen, Role::Agent, Role::Moderator, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("mayor"), None);
    }
}
