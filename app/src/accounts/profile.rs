//! A person's own account: name, e-mail (re-verified), password, signed-in browsers.

use super::model::{Email, NewPassword, Profile};
use super::repo as accounts;
use super::service::{hash_password_async, verify_password_async};
use crate::auth::model::{ActiveSession, CurrentUser, DisplayName, TokenPurpose};
use crate::auth::proof::credentials_changed;
use crate::auth::repo;
use crate::auth::service::{check_password_strength, consume_link, personal_words, send_token_to};
use crate::error::{internal, AppError};
use crate::mail::templates::LinkMail;
use crate::server::state::AppState;
use crate::site::Lang;

/// The profile page's data; `current_session` marks this browser in the list.
pub async fn profile(
    state: &AppState,
    user: &CurrentUser,
    current_session: Option<&str>,
) -> Result<Profile, AppError> {
    let pool = state.db.pool();
    let sessions = repo::sessions_of(pool, user.id, state.clock.now_ms())
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(id, agent, since)| ActiveSession {
            user_agent: agent.unwrap_or_default(),
            signed_in_at: since.unwrap_or_default(),
            current: Some(id.as_str()) == current_session,
        })
        .collect();
    let has_password = accounts::password_hash(pool, user.id)
        .await
        .map_err(internal)?
        .is_some();
    Ok(Profile {
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        has_password,
        sessions,
    })
}

/// Changes the display name.
pub async fn rename(state: &AppState, user: &CurrentUser, raw: &str) -> Result<(), AppError> {
    let name = DisplayName::parse(raw).map_err(|e| AppError::field("display_name", e))?;
    accounts::set_display_name(
        state.db.pool(),
        user.id,
        name.as_str(),
        state.clock.now_ms(),
    )
    .await
    .map_err(internal)
}

async fn check_current_password(
    state: &AppState,
    user_id: i64,
    candidate: &str,
) -> Result<(), AppError> {
    let stored = accounts::password_hash(state.db.pool(), user_id)
        .await
        .map_err(internal)?;
    if verify_password_async(stored, candidate)
        .await
        .map_err(internal)?
    {
        Ok(())
    } else {
        Err(AppError::field("current_password", "errors.password_wrong"))
    }
}

/// Changes the password after checking the current one; other browsers are signed out.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
    new: &str,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    let new = NewPassword::parse(new).map_err(|e| AppError::field("new_password", e))?;
    let words = personal_words(&user.email, &user.display_name, &state.site.commune_name);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    check_password_strength(&new, &words).map_err(|e| AppError::field("new_password", e))?;
    check_current_password(state, user.id, current).await?;
    let hash = hash_password_async(&new).await.map_err(internal)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    accounts::set_password_hash(&mut *tx, user.id, &hash, now)
        .await
        .map_err(internal)?;
    credentials_changed(&mut tx, user.id, keep_session, now)
        .await
        .map_err(internal)?;
    repo::audit(
        &mut *tx,
        Some(user.id),
        "password_changed",
        Some(user.id),
        "",
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Mails a confirmation link to a new address; the address changes when it is followed.
/// An address already used by another account gets nothing (the answer is the same).
pub async fn request_email_change(
    state: &AppState,
    user: &CurrentUser,
    new_email: &str,
    current_password: &str,
    lang: Lang,
) -> Result<(), AppError> {
    let email = Email::parse(new_email).map_err(|e| AppError::field("new_email", e))?;
    if email.as_str() == user.email {
        return Err(AppError::field("new_email", "errors.email_unchanged"));
    }
    check_current_password(state, user.id, current_password).await?;
    let taken = accounts::find_by_email(state.db.pool(), &email)
        .await
        .map_err(internal)?
        .is_some();
    if taken {
        return Ok(());
    }
    send_token_to(
        state,
        user.id,
        email.as_str(),
        TokenPurpose::ChangeEmail,
        LinkMail::ChangeEmail,
        "/confirmer-adresse",
        lang,
    )
    .await
}

/// Follows the link mailed to a new address. Every other link of the account (a reset
/// mailed to the old address…) is revoked and every session but `keep_session` (the
/// browser confirming, when it is signed in to this account) ends.
pub async fn confirm_email_change(
    state: &AppState,
    token: &str,
    keep_session: Option<(i64, &str)>,
) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let used = consume_link(&mut tx, token, TokenPurpose::ChangeEmail, now).await?;
    let user_id = used.user_id;
    if !accounts::set_email(&mut tx, user_id, &used.email, now)
        .await
        .map_err(internal)?
    {
        return Err(AppError::field("token", "errors.email_taken"));
    }
    let keep = keep_session
        .filter(|(owner, _)| *owner == user_id)
        .map(|(_, id)| id);
    credentials_changed(&mut tx, user_id, keep, now)
        .await
        .map_err(internal)?;
    repo::audit(
        &mut *tx,
        Some(user_id),
        "email_changed",
        Some(user_id),
        "",
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Signs the person out of every other browser.
pub async fn sign_out_elsewhere(
    state: &AppState,
    user: &CurrentUser,
    keep_session: Option<&str>,
) -> Result<u64, AppError> {
    repo::delete_sessions_of(state.db.pool(), user.id, keep_session)
        .await
        .map_err(internal)
}
