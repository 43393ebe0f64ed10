//! Who is asking: the session of the request, the signed-in person, and the guards
//! every server fn starts with (`require_user`, `require_role`).

use super::model::CurrentUser;
use super::oidc::{Callback, OidcFailure, Pending};
use crate::accounts::model::Role;
use crate::accounts::repo::{self as accounts, UserRow};
use crate::error::{internal, AppError};
use crate::server::sessions::keys;
use crate::server::state::app_state;
use tower_sessions::Session;

/// The session of the current request (created lazily: nothing is stored until written).
pub async fn session() -> Result<Session, AppError> {
    // A page whose client went away (a closed tab, a load tester stopping) is torn down
    // while its data may still be loading: the request is gone, nothing is wrong.
    if leptos::prelude::use_context::<http::request::Parts>().is_none() {
        tracing::debug!("no request any more: its client went away");
        return Err(AppError::Internal);
    }
    leptos_axum::extract::<Session>()
        .await
        .map_err(|err| internal(anyhow::anyhow!("no session layer: {err}")))
}

/// The signed-in person of the request being served, looked up once: every data loader
/// of a page asks, and the answer does not change within one request (signing in or out
/// forgets it). Provided per request by the server; without it, every call looks up.
#[derive(Clone, Debug, Default)]
pub struct RequestUser(std::sync::Arc<tokio::sync::Mutex<Option<Option<CurrentUser>>>>);

impl RequestUser {
    fn forget() {
        if let Some(cache) = leptos::prelude::use_context::<RequestUser>() {
            if let Ok(mut known) = cache.0.try_lock() {
                *known = None;
            }
        }
    }
}

/// The signed-in person, if any. A session whose account was deleted counts as signed out.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let Some(cache) = leptos::prelude::use_context::<RequestUser>() else {
        return look_up_user().await;
    };
    // Held while looking up, so that loaders asking at once wait for one lookup.
    let mut known = cache.0.lock().await;
    if let Some(user) = known.as_ref() {
        return Ok(user.clone());
    }
    let user = look_up_user().await?;
    *known = Some(user.clone());
    Ok(user)
}

async fn look_up_user() -> Result<Option<CurrentUser>, AppError> {
    let session = session().await?;
    let Some(user_id) = session
        .get::<i64>(keys::USER_ID)
        .await
        .map_err(|err| internal(anyhow::anyhow!("reading the session: {err}")))?
    else {
        return Ok(None);
    };
    let state = app_state()?;
    let user = accounts::find_by_id(state.db.pool(), user_id)
        .await
        .map_err(internal)?;
    Ok(user.map(|u| CurrentUser {
        id: u.id,
        display_name: u.display_name,
        email: u.email,
        roles: u.roles,
        unread_notifications: 0,
    }))
}

/// The signed-in person, or `Unauthenticated`.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user().await?.ok_or_else(|| {
        crate::server::request::set_error_status(&AppError::Unauthenticated);
        AppError::Unauthenticated
    })
}

/// The signed-in person holding `role`: `Unauthenticated` when signed out, `Forbidden`
/// when signed in without the role.
pub async fn require_role(role: Role) -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if user.has_role(role) {
        Ok(user)
    } else {
        crate::server::request::set_error_status(&AppError::Forbidden);
        Err(AppError::Forbidden)
    }
}

/// Signs `user` in: a fresh session id (no fixation), the account and browser recorded.
pub async fn start_session(user: &UserRow, now_ms: i64) -> Result<(), AppError> {
    RequestUser::forget();
    let session = session().await?;
    let fail = |err: tower_sessions::session::Error| internal(anyhow::anyhow!("session: {err}"));
    session.cycle_id().await.map_err(fail)?;
    session.clear().await;
    session.insert(keys::USER_ID, user.id).await.map_err(fail)?;
    session
        .insert(keys::SIGNED_IN_AT, now_ms)
        .await
        .map_err(fail)?;
    let agent = crate::server::request::user_agent();
    session
        .insert(keys::USER_AGENT, agent)
        .await
        .map_err(fail)?;
    Ok(())
}

/// Signs out: the session is deleted from the database and its cookie expired.
pub async fn end_session() -> Result<(), AppError> {
    RequestUser::forget();
    session()
        .await?
        .flush()
        .await
        .map_err(|err| internal(anyhow::anyhow!("ending a session: {err}")))
}

/// Starts a sign-in at the OpenID provider: the address to send the browser to. What
/// checks the answer (state, nonce, PKCE verifier) stays in this browser's session.
pub async fn start_oidc(next: &str) -> Result<String, OidcFailure> {
    let state = app_state().map_err(OidcFailure::internal)?;
    let oidc = state.oidc.clone().ok_or(OidcFailure::Unavailable)?;
    let ip = crate::server::request::client_ip();
    super::service::check_limit(
        &state,
        &format!("signin-ip:{ip}"),
        state.limits.sign_in_per_ip,
    )
    .await
    .map_err(|err| match err {
        AppError::RateLimited => OidcFailure::RateLimited,
        other => OidcFailure::internal(other),
    })?;
    let lang = crate::server::request::lang();
    let (url, pending) = oidc.start(next, lang, state.clock.now_ms()).await?;
    session()
        .await
        .map_err(OidcFailure::internal)?
        .insert(keys::OIDC_PENDING, pending)
        .await
        .map_err(OidcFailure::internal)?;
    Ok(url.to_string())
}

/// Completes a sign-in at the OpenID provider: signs the person in (their account linked
/// or created on first use) and gives the page to go to. The started sign-in is used up
/// whatever the outcome.
pub async fn complete_oidc(callback: &Callback) -> Result<String, OidcFailure> {
    let state = app_state().map_err(OidcFailure::internal)?;
    let oidc = state.oidc.clone().ok_or(OidcFailure::Unavailable)?;
    let session = session().await.map_err(OidcFailure::internal)?;
    let pending: Option<Pending> = session
        .remove(keys::OIDC_PENDING)
        .await
        .map_err(OidcFailure::internal)?;
    let now = state.clock.now_ms();
    let done = oidc.complete(pending, callback, now).await?;
    let lang = crate::server::request::lang();
    let user = super::identity::account_for(&state, &done.identity, lang).await?;
    start_session(&user, now)
        .await
        .map_err(OidcFailure::internal)?;
    session
        .insert(keys::OIDC_ID_TOKEN, done.id_token)
        .await
        .map_err(OidcFailure::internal)?;
    Ok(crate::privacy::consents::after_sign_in(&state, user.id, &done.next).await)
}

/// Where to sign out at the provider, when this session was opened through it.
pub async fn provider_logout_url() -> Option<url::Url> {
    let oidc = app_state().ok()?.oidc.clone()?;
    let id_token: String = session()
        .await
        .ok()?
        .get(keys::OIDC_ID_TOKEN)
        .await
        .ok()??;
    oidc.logout_url(&id_token).await
}
