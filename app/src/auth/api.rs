//! Server fns of signing in and out. Each is posted by a plain HTML form (works without
//! JavaScript; a full page load after signing in or out refreshes every part of the page).

use super::model::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::request::{client_ip, finish, lang};

/// Where a form goes after success: a path on this site only.
#[cfg(feature = "ssr")]
fn go(path: &str) {
    leptos_axum::redirect(&crate::site::locale::safe_return_path(path));
}

/// The signed-in person, for the header and pages (`None` when signed out).
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    let Some(mut user) = super::guard::current_user().await? else {
        return Ok(None);
    };
    let state = crate::server::state::app_state()?;
    user.unread_notifications = crate::notifications::repo::unread_count(state.db.pool(), user.id)
        .await
        .map_err(crate::error::internal)?;
    Ok(Some(user))
}

/// Values typed in a form whose last post failed (never passwords).
#[server(prefix = "/api", endpoint = "typed_values")]
pub async fn get_typed_values(
    form: String,
) -> Result<std::collections::BTreeMap<String, String>, AppError> {
    Ok(crate::server::request::typed_values(&form).await)
}

/// Creates an account and mails its verification link.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(
    display_name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let result = async {
        let form = super::service::SignUp::parse(
            &display_name,
            &email,
            &password,
            &state.site.commune_name,
        )?;
        let browser = super::proof::browser::bind();
        // Not retried on a conflict: the attempt already counted against the rate limit.
        super::service::sign_up(&state, form, lang(), &client_ip(), &browser).await
    }
    .await;
    finish(
        result,
        "sign_up",
        &[("display_name", &display_name), ("email", &email)],
    )
    .await?;
    go("/verifiez-vos-mails");
    Ok(())
}

/// Confirms an e-mail address with the mailed link.
#[server(prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let browser = super::proof::browser::hash();
    let result = crate::server::db::retry_contended(|| {
        super::service::confirm_email(&state, &token, browser.as_deref())
    })
    .await;
    match finish(result, "confirm_email", &[]).await? {
        super::service::Confirmed::Done => go("/connexion?confirmee=1"),
        super::service::Confirmed::ChoosePassword(reset) => {
            go(&format!("/nouveau-mot-de-passe?jeton={reset}&confirmee=1"))
        }
    }
    Ok(())
}

/// Signs in with e-mail and password, then goes to `next` (default: "Mon espace").
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let result = async {
        let browser = super::proof::browser::bind();
        let user =
            super::service::sign_in(&state, &email, &password, &client_ip(), lang(), &browser)
                .await?;
        super::guard::start_session(&user, state.clock.now_ms()).await?;
        Ok(user.id)
    }
    .await;
    let user_id = finish(result, "sign_in", &[("email", &email)]).await?;
    let next = if next.is_empty() {
        "/mon-espace"
    } else {
        &next
    };
    go(&crate::privacy::consents::after_sign_in(&state, user_id, next).await);
    Ok(())
}

/// Signs out of this browser, and at the OpenID provider when signed in through it.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let provider_logout = super::guard::provider_logout_url().await;
    super::guard::end_session().await?;
    match provider_logout {
        Some(url) => leptos_axum::redirect(url.as_str()),
        None => go("/"),
    }
    Ok(())
}

/// Leaves for the commune's OpenID provider (FranceConnect) to sign in. A link, not a
/// form: the browser follows it with or without JavaScript.
#[server(prefix = "/api", endpoint = "oidc/start", input = GetUrl)]
pub async fn oidc_start(next: Option<String>) -> Result<(), AppError> {
    let target = super::guard::start_oidc(next.as_deref().unwrap_or("/mon-espace")).await;
    redirect_to(target);
    Ok(())
}

/// Where the OpenID provider sends the person back. Every outcome is a redirect: to the
/// page asked for, or to the sign-in page saying what went wrong.
#[server(prefix = "/api", endpoint = "oidc/callback", input = GetUrl)]
pub async fn oidc_callback(
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
) -> Result<(), AppError> {
    let callback = super::oidc::Callback {
        code,
        state,
        error,
        iss,
    };
    let target = super::guard::complete_oidc(&callback).await;
    redirect_to(target);
    Ok(())
}

/// Redirects to an address of the provider, or back to the sign-in page with the reason.
#[cfg(feature = "ssr")]
fn redirect_to(target: Result<String, super::oidc::OidcFailure>) {
    match target {
        Ok(url) => leptos_axum::redirect(&url),
        Err(failure) => go(&format!("/connexion?oidc={}", failure.code())),
    }
}

/// Mails a link to choose a new password (same answer whether the account exists or not).
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let result = super::service::request_link(
        &state,
        super::service::LinkRequest::ResetPassword,
        &email,
        &client_ip(),
        lang(),
    )
    .await;
    finish(result, "request_password_reset", &[("email", &email)]).await?;
    go("/verifiez-vos-mails");
    Ok(())
}

/// Sets a new password with a mailed link.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::service::reset_password(&state, &token, &password)
    })
    .await;
    finish(result, "reset_password", &[]).await?;
    go("/connexion?nouveau-mot-de-passe=1");
    Ok(())
}

/// Mails a single-use sign-in link (same answer whether the account exists or not).
#[server(prefix = "/api", endpoint = "request_magic_link")]
pub async fn request_magic_link(email: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let result = super::service::request_link(
        &state,
        super::service::LinkRequest::MagicLink,
        &email,
        &client_ip(),
        lang(),
    )
    .await;
    finish(result, "request_magic_link", &[("email", &email)]).await?;
    go("/verifiez-vos-mails");
    Ok(())
}

/// Signs in with a mailed link. The page asks for a click first, so that mail scanners
/// following links do not use it up.
#[server(prefix = "/api", endpoint = "use_magic_link")]
pub async fn use_magic_link(token: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let result = async {
        let user =
            crate::server::db::retry_contended(|| super::service::use_magic_link(&state, &token))
                .await?;
        super::guard::start_session(&user, state.clock.now_ms()).await?;
        Ok(user.id)
    }
    .await;
    let user_id = finish(result, "use_magic_link", &[]).await?;
    go(&crate::privacy::consents::after_sign_in(&state, user_id, "/mon-espace").await);
    Ok(())
}
