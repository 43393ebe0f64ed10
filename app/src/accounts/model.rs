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

/// A bare e-mail address (`local@domain.tld`), trimmed and lower-cased so one person
/// has one account. Only the address itself is accepted — never a display name, angle
/// brackets, quotes, comments or several addresses — so what is typed is exactly where
/// mail goes: `someone@example.org<attacker@evil.example>` is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// At most 254 characters: a local part of 1 to 64 characters of letters, digits and
    /// ``!#$%&'*+/=?^_`{|}~-``, dots between them; a domain name of at least two labels,
    /// each 1 to 63 letters, digits or inner hyphens (accented letters allowed).
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let email = raw.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else {
            return Err("errors.email_invalid");
        };
        if email.chars().count() <= 254 && valid_local_part(local) && valid_domain(domain) {
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

/// An RFC 5322 dot-atom (no quoted strings, no comments).
fn valid_local_part(local: &str) -> bool {
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atom_char))
}

/// A host name of two labels or more; the last is not all digits.
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
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
    fn only_a_bare_address_is_accepted_never_a_display_name_or_a_second_address() {
        for hostile in [
            "someone@example.org<attacker@evil.example>",
            "x<attacker@evil.example>",
            "Someone <someone@example.org>",
            "\"someone\"@example.org",
            "someone@example.org, attacker@evil.example",
            "someone@example.org;attacker@evil.example",
            "someone(comment)@example.org",
            "someone@[127.0.0.1]",
            "someone@example.org\r\nBcc: attacker@evil.example",
            "some..one@example.org",
            ".someone@example.org",
            "someone@-example.org",
            "someone@example.123",
            "someone@exa_mple.org",
        ] {
            assert!(
                Email::parse(hostile).is_err(),
                "{hostile:?} should be refused"
            );
        }
        for fine in [
            "marie.curie+mairie@example.org",
            "o'brien@example.ie",
            "jean-luc@mairie-évry.fr",
            "a@b.co",
        ] {
            assert!(Email::parse(fine).is_ok(), "{fine:?} should be accepted");
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
