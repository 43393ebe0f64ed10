//! Which account a person signed in at the OpenID provider gets.
//!
//! The identity (issuer, subject) decides, never the e-mail alone: once linked, the
//! account stays the same even when the address changes at the provider. A first sign-in
//! links to the account of the same address only when the provider vouches for that
//! address; otherwise it creates an account.

use super::model::DisplayName;
use super::oidc::{OidcFailure, VerifiedIdentity};
use super::repo;
use crate::accounts::model::Email;
use crate::accounts::repo::{self as accounts, UserRow};
use crate::server::state::AppState;
use crate::site::Lang;

/// The account of `identity`, linked or created on first use.
pub async fn account_for(
    state: &AppState,
    identity: &VerifiedIdentity,
    lang: Lang,
) -> Result<UserRow, OidcFailure> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let known = repo::identity_user(pool, &identity.issuer, &identity.subject, now)
        .await
        .map_err(OidcFailure::internal)?;
    let user_id = match known {
        Some(user_id) => user_id,
        None => first_sign_in(state, identity, lang).await?,
    };
    accounts::find_by_id(pool, user_id)
        .await
        .map_err(OidcFailure::internal)?
        .ok_or(OidcFailure::Internal)
}

async fn first_sign_in(
    state: &AppState,
    identity: &VerifiedIdentity,
    lang: Lang,
) -> Result<i64, OidcFailure> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let email = identity
        .email
        .as_deref()
        .and_then(|e| Email::parse(e).ok())
        .ok_or(OidcFailure::NoEmail)?;
    let existing = accounts::find_by_email(pool, &email)
        .await
        .map_err(OidcFailure::internal)?;
    let (user_id, action) = match existing {
        Some(_) if !identity.email_verified => return Err(OidcFailure::AccountExists),
        Some(user) => {
            if !user.email_verified {
                // The provider proves the mailbox now: whoever chose this account's
                // password never did, so the one rule of proofs drops it.
                let mut tx = state
                    .db
                    .begin_write()
                    .await
                    .map_err(OidcFailure::internal)?;
                super::proof::address_proven(&mut tx, user.id, false, now)
                    .await
                    .map_err(OidcFailure::internal)?;
                tx.commit().await.map_err(OidcFailure::internal)?;
            }
            (user.id, "oidc_linked")
        }
        None => {
            let name = display_name(identity, &email);
            let verified_at = identity.email_verified.then_some(now);
            let created = accounts::insert_user(pool, &email, &name, None, verified_at, now)
                .await
                .map_err(OidcFailure::internal)?
                // Another request took the address in between: treat it as existing.
                .ok_or(OidcFailure::AccountExists)?;
            if !identity.email_verified {
                super::service::send_confirmation(state, created, email.as_str(), None, lang)
                    .await
                    .map_err(|_| OidcFailure::Internal)?;
            }
            (created, "oidc_account_created")
        }
    };
    let linked = repo::link_identity(pool, &identity.issuer, &identity.subject, user_id, now)
        .await
        .map_err(OidcFailure::internal)?;
    repo::audit(
        pool,
        Some(linked),
        action,
        Some(linked),
        &identity.issuer,
        now,
    )
    .await
    .map_err(OidcFailure::internal)?;
    Ok(linked)
}

/// The name the provider gives, else the address's local part ("camille.martin").
fn display_name(identity: &VerifiedIdentity, email: &Email) -> String {
    identity
        .display_name
        .as_deref()
        .map(|name| {
            name.chars()
                .take(DisplayName::MAX_CHARS)
                .collect::<String>()
        })
        .and_then(|name| DisplayName::parse(&name).ok())
        .map(|name| name.as_str().to_owned())
        .unwrap_or_else(|| {
            email
                .as_str()
                .split('@')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
}
