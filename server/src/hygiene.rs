//! What every request must look like before a handler sees it, and what a refused one
//! gets back. Bad input is the client's error: a 4xx with a message in both languages,
//! logged below ERROR, never a 500.
//!
//! - Server fns (`/api/…`) posted take URL-encoded forms only, of at most [`FORM_MAX_BYTES`], in
//!   UTF-8; anything else is refused before it is decoded (415, 413, 400).
//! - A server fn that failed answers with the status of its error: a form whose fields do
//!   not decode is a 422, not the 500 the server fn framework gives every failure.
//! - A failed plain form post goes back to its own page on this site: the `Referer` it
//!   came with decides the page only when it is this site's, and the address is bounded
//!   (the framework would follow any `Referer`, and add error parameters on each failure).
//! - POSTs from someone not signed in are rate-limited per address.

use crate::http::session_user;
use app::error::AppError;
use app::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest form a server fn takes (forms with files go to their own routes).
pub const FORM_MAX_BYTES: usize = 1024 * 1024;
/// The longest address a failed form post is sent back to.
const LOCATION_MAX_BYTES: usize = 2048;

/// A short answer refusing a request, in both languages (no page shell: the refusal comes
/// before any page is rendered).
pub fn refusal(
    status: StatusCode,
    fr: &str,
    en: &str,
    retry_after: Option<&'static str>,
) -> Response {
    let mut res = (status, format!("{fr} / {en}")).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Some(seconds) = retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static(seconds));
    }
    res
}

/// Every POST from someone not signed in counts against their address
/// (`PARVIS_LIMIT_ANONYMOUS_POSTS_PER_MINUTE`): forms anyone may post (sign-in, sign-up,
/// password reset, contact of the DPO…) cannot be used to flood the server.
pub async fn limit_anonymous_posts(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let signed_in = match req.extensions().get::<tower_sessions::Session>() {
        Some(session) => session_user(session).await.is_some(),
        None => false,
    };
    if !signed_in {
        let ip = app::server::request::client_ip_from(
            req.headers(),
            req.extensions(),
            &state.trusted_proxies,
        );
        let allowed = app::server::ratelimit::allow(
            &state.db,
            &format!("post-ip:{ip}"),
            state.limits.anonymous_posts_per_ip,
            state.clock.now_ms(),
        )
        .await;
        match allowed {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(%ip, path = %req.uri().path(), "anonymous posts rate-limited");
                return refusal(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Trop de demandes envoyées depuis votre connexion : réessayez dans une minute.",
                    "Too many requests from your connection: try again in a minute.",
                    Some("60"),
                );
            }
            Err(err) => {
                tracing::warn!(error = ?err, "counting an anonymous post");
                return refusal(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Le service est très sollicité en ce moment : rien n’a été enregistré. Réessayez dans un instant.",
                    "The service is very busy right now: nothing was saved. Try again in a moment.",
                    Some("5"),
                );
            }
        }
    }
    next.run(req).await
}

/// Checks a server fn's input before it is decoded, and mends its answer after: see the
/// module's doc.
pub async fn server_fn_input(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    if req.method() != Method::POST {
        // Server fns read by GET (the provider's callback…): only their answer is mended.
        return with_error_status(next.run(req).await).await;
    }
    let form_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false);
    if !form_type {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Ce formulaire n’a pas été envoyé comme un formulaire : rien n’a été enregistré.",
            "This form was not sent as a form: nothing was saved.",
            None,
        );
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, FORM_MAX_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Le formulaire envoyé est trop long : rien n’a été enregistré.",
                "The form sent is too long: nothing was saved.",
                None,
            )
        }
    };
    // Escaped bytes that are not UTF-8 (`%FF`) fail to decode later, as a 422.
    if std::str::from_utf8(&bytes).is_err() {
        return refusal(
            StatusCode::BAD_REQUEST,
            "Le formulaire envoyé contient des caractères illisibles : rien n’a été enregistré.",
            "The form sent holds unreadable characters: nothing was saved.",
            None,
        );
    }
    let referer = parts
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let res = with_error_status(res).await;
    bounded_return(res, referer.as_deref(), host.as_deref(), &state.public_url)
}

/// A server fn's failure answered with the status of its error (422 for a form that did
/// not decode, 404, 403…) instead of the framework's 500 for every failure.
async fn with_error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(err) = serde_json::from_str::<AppError>(&String::from_utf8_lossy(&bytes)) {
        if let Ok(status) = StatusCode::from_u16(err.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A redirect the framework built from the request's `Referer` goes to that page only
/// when it is one of this site's, with at most one error attached, in a bounded address.
fn bounded_return(
    mut res: Response,
    referer: Option<&str>,
    host: Option<&str>,
    public_url: &url::Url,
) -> Response {
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return res;
    };
    // Only addresses derived from the Referer: the ones server fns chose themselves (a
    // provider's sign-in page, a page of this site) are left alone.
    let from_referer = referer.is_some_and(|r| {
        let base = r.split(['?', '#']).next().unwrap_or(r);
        !base.is_empty() && location.starts_with(base)
    }) || location.contains("__err=");
    if !from_referer {
        return res;
    }
    let own = own_page(&location, host, public_url);
    if let Ok(value) = HeaderValue::from_str(&own) {
        res.headers_mut().insert(header::LOCATION, value);
    }
    res
}

/// `location` as a path of this site, its query kept within bounds (with one error at
/// most), or `/` when it is another site's.
pub(crate) fn own_page(location: &str, host: Option<&str>, public_url: &url::Url) -> String {
    let Ok(url) = public_url.join(location) else {
        return "/".into();
    };
    let same_site = url.origin() == public_url.origin()
        || host.is_some_and(|h| url.host_str().is_some() && url.authority() == h);
    if !same_site {
        return "/".into();
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let last_error = pairs
        .iter()
        .rposition(|(k, _)| k == "__path")
        .map(|at| pairs[at..].iter().take(2).cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let others: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "__path" && k != "__err")
        .collect();
    let build = |others: &[&(String, String)]| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in others.iter().copied().chain(last_error.iter()) {
            query.append_pair(k, v);
        }
        let query = query.finish();
        if query.is_empty() {
            url.path().to_owned()
        } else {
            format!("{}?{query}", url.path())
        }
    };
    let full = build(&others);
    if full.len() <= LOCATION_MAX_BYTES {
        return full;
    }
    let errors_only = build(&[]);
    if errors_only.len() <= LOCATION_MAX_BYTES {
        errors_only
    } else {
        url.path().chars().take(LOCATION_MAX_BYTES).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::own_page;

    fn site() -> url::Url {
        url::Url::parse("https://mairie.example").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn a_failed_post_goes_back_to_a_page_of_this_site_only() {
        assert_eq!(
            own_page("https://evil.example/x?__path=a&__err=b", None, &site()),
            "/"
        );
        assert_eq!(
            own_page(
                "https://mairie.example/forum?page=2&__path=a&__err=b",
                None,
                &site()
            ),
            "/forum?page=2&__path=a&__err=b"
        );
        assert_eq!(
            own_page(
                "http://127.0.0.1:3000/connexion?__path=a&__err=b",
                Some("127.0.0.1:3000"),
                &site()
            ),
            "/connexion?__path=a&__err=b"
        );
    }

    #[test]
    fn the_address_never_grows_with_the_input_or_with_repeated_failures() {
        let huge = "x".repeat(50_000);
        let location = format!(
            "https://mairie.example/forum?q={huge}&__path=old&__err=old&__path=new&__err=new"
        );
        let own = own_page(&location, None, &site());
        assert_eq!(own, "/forum?__path=new&__err=new");
    }
}
