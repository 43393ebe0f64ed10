//! Posts of forms that create something are served once (see
//! [`app::server::idempotency`]): this layer reads the form's key (a field of a server
//! fn's form, or the `__once` parameter of the address a form with files posts to),
//! answers a repeated post with the first answer, and records the answer of the first.
//!
//! A repeat is answered with the first answer's status and address (the page of the
//! comment, proposal or request created). When the first post's answer was never
//! recorded (the process stopped between the commit and the answer), a browser's form
//! post is sent back to the page it came from, where what it created now shows, and a
//! script gets a 409.

use crate::http::session_user;
use app::server::idempotency::{self, Submission, FIELD};
use app::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long a repeat waits for the first post's answer to be recorded.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(3);

/// The middleware (see the module's documentation).
pub async fn once(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let (req, key) = if req.uri().path().starts_with("/api/") {
        // The form was read and checked (type, size, UTF-8) by `hygiene::server_fn_input`.
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, crate::hygiene::FORM_MAX_BYTES).await else {
            return crate::hygiene::refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Le formulaire envoyé est trop long : rien n’a été enregistré.",
                "The form sent is too long: nothing was saved.",
                None,
            );
        };
        let key = key_in(&bytes);
        (Request::from_parts(parts, Body::from(bytes)), key)
    } else {
        // A form with files (multipart) carries its key in its address
        // (`app::ui::form::once_action`): its body goes to disk as it comes and is never
        // held here.
        let key = key_in(req.uri().query().unwrap_or("").as_bytes());
        (req, key)
    };
    let Some(key) = key else {
        return next.run(req).await;
    };
    let principal = match req.extensions().get::<tower_sessions::Session>() {
        Some(session) => session_user(session)
            .await
            .map_or_else(|| "anonymous".to_owned(), |id| format!("u{id}")),
        None => "anonymous".to_owned(),
    };
    let html = wants_html(&req);
    let back = same_site_referer(&req, &state);
    match idempotency::first_answer(state.db.pool(), &principal, &key).await {
        Ok(None) => {}
        Ok(Some(first)) => {
            // Recorded without its answer: the first post committed and is being answered
            // now (a double click), or its process stopped in between. Wait for the
            // answer before falling back to the page the form came from.
            let first = match first {
                Some(first) => Some(first),
                None => wait_for_first(&state, &principal, &key).await,
            };
            tracing::info!(path = %req.uri().path(), "a form sent again was answered with its first answer");
            return replay(first, html, back);
        }
        Err(err) => {
            tracing::warn!(error = %err, "reading a form's key; served as a first post");
        }
    }
    let submission = Submission::new(principal, key);
    let res = idempotency::serve(submission.clone(), next.run(req)).await;
    if submission.repeated() {
        // Another post with the same key was being served at the same time and committed
        // first: this one created nothing and gets that one's answer.
        tracing::info!("a form sent twice at once was answered with its first answer");
        let first = wait_for_first(&state, submission.principal(), submission.key()).await;
        return replay(first, html, back);
    }
    if submission.claimed() {
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok());
        if let Err(err) = idempotency::record_answer(
            state.db.pool(),
            &submission,
            res.status().as_u16(),
            location,
        )
        .await
        {
            tracing::warn!(error = %err, "recording a form's answer for its repeats");
        }
    }
    res
}

/// The form key among url-encoded `pairs`, if it is one.
fn key_in(pairs: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(pairs)
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.into_owned())
        .filter(|value| idempotency::is_key(value))
}

/// The first answer, once recorded (waiting a little for a post still being served).
async fn wait_for_first(
    state: &AppState,
    principal: &str,
    key: &str,
) -> Option<(u16, Option<String>)> {
    let deadline = tokio::time::Instant::now() + WAIT_FOR_FIRST;
    loop {
        if let Ok(Some(Some(first))) =
            idempotency::first_answer(state.db.pool(), principal, key).await
        {
            return Some(first);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The answer to a repeated post.
fn replay(first: Option<(u16, Option<String>)>, html: bool, back: Option<String>) -> Response {
    let mut res = match first {
        Some((status, location)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SEE_OTHER);
            let mut res = status.into_response();
            if let Some(value) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
                res.headers_mut().insert(header::LOCATION, value);
            }
            res
        }
        None if html => {
            let mut res = StatusCode::SEE_OTHER.into_response();
            let target = back.unwrap_or_else(|| "/".to_owned());
            if let Ok(value) = HeaderValue::from_str(&target) {
                res.headers_mut().insert(header::LOCATION, value);
            }
            res
        }
        None => crate::hygiene::refusal(
            StatusCode::CONFLICT,
            "Ce formulaire a déjà été envoyé : il n’a pas été enregistré une seconde fois.",
            "This form was already sent: it was not saved a second time.",
            None,
        ),
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Whether the post comes from a browser's form (it is answered with redirects).
fn wants_html(req: &Request) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The page the form was on: its `Referer` when that is a page of this site, else `/`
/// (the same rule as a failed form post's return, `hygiene::own_page`).
fn same_site_referer(req: &Request, state: &AppState) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    Some(crate::hygiene::own_page(referer, host, &state.public_url))
}
