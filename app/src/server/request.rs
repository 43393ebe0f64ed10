//! Facts about the request a server fn is answering: the client's address, its
//! language, whether it is a plain HTML form, and what to give back on failure.

use crate::error::AppError;
use crate::server::state::app_state;
use crate::site::Lang;
use leptos::prelude::use_context;
use std::collections::BTreeMap;

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The client's IP address: the TCP peer, or the last `X-Forwarded-For` hop when
/// `PARVIS_TRUST_PROXY=true` says a reverse proxy stands in front.
pub fn client_ip() -> String {
    let trust_proxy = app_state().map(|s| s.trust_proxy).unwrap_or(false);
    let Some(parts) = parts() else {
        return "unknown".into();
    };
    if trust_proxy {
        if let Some(forwarded) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
        {
            return forwarded.trim().to_owned();
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The browser's user agent, shortened, for the sessions list.
pub fn user_agent() -> String {
    parts()
        .and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(300).collect())
        })
        .unwrap_or_default()
}

/// The language of the request, negotiated as for pages (cookie, then `Accept-Language`).
pub fn lang() -> Lang {
    parts()
        .and_then(|p| crate::site::locale::preferred_languages(&p.headers))
        .and_then(|tags| {
            tags.split(',')
                .find_map(|tag| Lang::parse(tag.split(['-', ';']).next().unwrap_or_default()))
        })
        .unwrap_or(Lang::Fr)
}

/// True for a plain HTML form post (JavaScript off, or a form the app does not intercept).
pub fn is_html_form() -> bool {
    parts()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

const FLASH_PREFIX: &str = "form.";

/// Ends a server fn that a form posted. On failure:
/// - a plain form post goes back to its page (Leptos adds the error to the URL), and the
///   non-secret values typed are kept in the session so the page can show them again;
/// - other clients get the HTTP status of the error (429 with `Retry-After`, 403…).
pub async fn finish<T>(
    result: Result<T, AppError>,
    form: &str,
    typed: &[(&str, &str)],
) -> Result<T, AppError> {
    let Err(err) = result else {
        return result;
    };
    if is_html_form() {
        if let Ok(session) = crate::auth::guard::session().await {
            keep_typed(&session, form, typed).await;
        }
    } else {
        set_error_status(&err);
    }
    Err(err)
}

/// Keeps the values typed in `form` (never secrets) in the session, for its page to show
/// them again after a failed post.
pub async fn keep_typed(session: &tower_sessions::Session, form: &str, typed: &[(&str, &str)]) {
    let values: BTreeMap<&str, &str> = typed.iter().copied().collect();
    let _ = session
        .insert(&format!("{FLASH_PREFIX}{form}"), values)
        .await;
}

/// Gives a script client (not a plain form post, which is redirected back to its page)
/// the HTTP status of `err`: 401, 403, 422, 429 with `Retry-After`…
pub fn set_error_status(err: &AppError) {
    if is_html_form() {
        return;
    }
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(err.status()) {
            res.set_status(status);
        }
        if *err == AppError::RateLimited {
            res.insert_header(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static("60"),
            );
        }
    }
}

/// The values last typed in `form`, kept by [`finish`] after a failed plain form post.
pub async fn typed_values(form: &str) -> BTreeMap<String, String> {
    let Ok(session) = crate::auth::guard::session().await else {
        return BTreeMap::new();
    };
    session
        .get::<BTreeMap<String, String>>(&format!("{FLASH_PREFIX}{form}"))
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}
