//! The person's address and name, read from ID token or userinfo claims.

use super::{OidcSettings, VerifiedIdentity};
use openidconnect::core::{CoreIdTokenClaims, CoreUserInfoClaims};

/// The person's address and name out of ID token or userinfo claims (same getters).
macro_rules! person_claims {
    ($settings:expr, $claims:expr) => {{
        let claims = $claims;
        person(
            $settings,
            claims.email().map(|e| e.as_str()),
            claims.email_verified(),
            claims.name().and_then(|n| n.get(None)).map(|n| n.as_str()),
            [
                claims
                    .given_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str()),
                claims
                    .family_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str()),
            ],
        )
    }};
}

struct PersonClaims {
    email: Option<String>,
    email_verified: bool,
    display_name: Option<String>,
}

fn person(
    settings: &OidcSettings,
    email: Option<&str>,
    email_verified: Option<bool>,
    full_name: Option<&str>,
    parts: [Option<&str>; 2],
) -> PersonClaims {
    let joined: Vec<&str> = parts.into_iter().flatten().collect();
    let display_name = full_name
        .map(str::to_owned)
        .or_else(|| (!joined.is_empty()).then(|| joined.join(" ")))
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    PersonClaims {
        email: email.map(str::to_owned),
        email_verified: email.is_some() && (settings.trust_email || email_verified == Some(true)),
        display_name,
    }
}

pub(super) fn identity_from(
    settings: &OidcSettings,
    issuer: &str,
    claims: &CoreIdTokenClaims,
) -> VerifiedIdentity {
    let person = person_claims!(settings, claims);
    VerifiedIdentity {
        issuer: issuer.to_owned(),
        subject: claims.subject().as_str().to_owned(),
        email: person.email,
        email_verified: person.email_verified,
        display_name: person.display_name,
    }
}

/// Completes `identity` with the address (and the name, when the ID token had none) that
/// the userinfo endpoint gave.
pub(super) fn merge_userinfo(
    settings: &OidcSettings,
    identity: &mut VerifiedIdentity,
    info: &CoreUserInfoClaims,
) {
    let extra = person_claims!(settings, info.standard_claims());
    identity.email = extra.email;
    identity.email_verified = extra.email_verified;
    if identity.display_name.is_none() {
        identity.display_name = extra.display_name;
    }
}
