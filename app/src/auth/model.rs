//! What pages know about the signed-in person, and validated sign-in inputs.

use crate::accounts::model::Role;
use serde::{Deserialize, Serialize};

/// The signed-in person, as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    /// Staff roles (every account is also a citizen).
    pub roles: Vec<Role>,
    /// Unread notifications, for the header: counted for page renders
    /// (`get_current_user`), left at 0 by the guards of other server fns.
    #[serde(default)]
    pub unread_notifications: i64,
}

impl CurrentUser {
    /// True for citizens always, and for staff roles the person holds.
    pub fn has_role(&self, role: Role) -> bool {
        role == Role::Citizen || self.roles.contains(&role)
    }
}

/// A name shown to agents and on public contributions: 1 to 80 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(raw: &str) -> Result<DisplayName, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            Err("errors.name_required")
        } else if name.chars().count() > Self::MAX_CHARS {
            Err("errors.name_too_long")
        } else if name.chars().any(char::is_control) {
            Err("errors.invalid")
        } else {
            Ok(DisplayName(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an e-mailed link lets its holder do; each has its own lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    MagicLink,
    ChangeEmail,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::MagicLink => "magic_link",
            TokenPurpose::ChangeEmail => "change_email",
        }
    }

    /// How long a link stays valid: short for links that sign in.
    pub fn lifetime_ms(self) -> i64 {
        const MINUTE: i64 = 60_000;
        match self {
            TokenPurpose::VerifyEmail | TokenPurpose::ChangeEmail => 48 * 60 * MINUTE,
            TokenPurpose::ResetPassword => 60 * MINUTE,
            TokenPurpose::MagicLink => 15 * MINUTE,
        }
    }
}

/// A signed-in browser, as listed on the profile page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSession {
    pub user_agent: String,
    pub signed_in_at: i64,
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Léa  ").map(|n| n.0),
            Ok("Léa".to_owned())
        );
        assert_eq!(DisplayName::parse("   "), Err("errors.name_required"));
        assert_eq!(
            DisplayName::parse(&"é".repeat(81)),
            Err("errors.name_too_long")
        );
        assert!(DisplayName::parse(&"é".repeat(80)).is_ok());
    }

    #[test]
    fn links_that_sign_in_expire_first() {
        assert!(TokenPurpose::MagicLink.lifetime_ms() < TokenPurpose::ResetPassword.lifetime_ms());
        assert!(
            TokenPurpose::ResetPassword.lifetime_ms() < TokenPurpose::VerifyEmail.lifetime_ms()
        );
    }

    #[test]
    fn citizens_hold_only_the_roles_granted_to_them() {
        let user = CurrentUser {
            id: 1,
            display_name: "A".into(),
            email: "a@b.fr".into(),
            roles: vec![Role::Agent],
            unread_notifications: 0,
        };
        assert!(user.has_role(Role::Citizen));
        assert!(user.has_role(Role::Agent));
        assert!(!user.has_role(Role::Admin));
    }
}
