//! The HTTP stack: Leptos pages and server fns, static files, `/healthz`, and the
//! middleware every response goes through (security headers, cross-site POST refusal,
//! caching, compression, panic page, request logs).

use app::server::security::STRICT_POLICY;
use app::server::sessions::DbSessionStore;
use app::server::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(app::auth::guard::RequestUser::default());
        }
    };
    let page_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let fallback_shell = {
        let options = state.leptos_options.clone();
        move |_| shell(options.clone())
    };
    let pages = Router::new()
        .route("/healthz", get(healthz))
        .route("/forum/export.csv", get(export_csv))
        .route("/forum/export.json", get(export_json))
        .route(
            "/forum/propositions/{id}/evenements",
            get(crate::live::proposal_events),
        )
        .route(
            "/forum/propositions/{id}/changements",
            get(crate::live::proposal_changes),
        )
        .route("/consultations/{id}/reponses.csv", get(survey_answers_csv))
        .route(
            "/consultations/{id}/resultats.json",
            get(survey_results_json),
        )
        .route(
            "/mon-espace/demandes/{id}/formulaire",
            axum::routing::post(request_form_post).layer(upload_limit(&state)),
        )
        .route(
            "/mon-espace/demandes/{id}/messages",
            axum::routing::post(request_message_post).layer(upload_limit(&state)),
        )
        .route("/pieces-jointes/{id}", get(attachment))
        .route("/mon-espace/donnees/export/{id}", get(data_export))
        .route("/guichet/{service}/export.csv", get(queue_csv))
        .leptos_routes_with_context(&state, routes, context.clone(), page_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, fallback_shell))
        .with_state(state.clone());
    with_middleware(pages, state)
}

/// Wraps any router in Parvis's middleware (shared with the HTTP tests).
pub fn with_middleware(router: Router, state: AppState) -> Router {
    let hsts = state.public_url.scheme() == "https";
    let hashed_assets = state.leptos_options.hash_files;
    let pkg_prefix = format!("/{}/", state.leptos_options.site_pkg_dir.trim_matches('/'));
    // Layers listed innermost first. Headers are set outside the panic catcher so the
    // 500 page gets them too.
    let secure = state.public_url.scheme() == "https";
    router
        .layer(crate::stall_guard::StallGuardLayer {
            limit: std::time::Duration::from_secs(8),
        })
        // Inside the session (it knows who posts) and the limit on anonymous posts (a
        // refused post is not recorded).
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::idempotency::once,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::hygiene::limit_anonymous_posts,
        ))
        .layer(session_layer(&state, secure))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            restore_page_csp,
        ))
        // Outside the session: a page served from memory reads no session.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::page_cache::page_cache,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::hygiene::server_fn_input,
        ))
        .layer(middleware::from_fn_with_state(
            state,
            refuse_cross_site_writes,
        ))
        // Level 4: most of the size win for a fraction of the CPU of the defaults
        // (static files are precompressed at build time and served as is).
        .layer(
            CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(CompressionLevel::Precise(4)),
        )
        .layer(CatchPanicLayer::custom(panic_page))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let pkg_prefix = pkg_prefix.clone();
            async move {
                let path = req.uri().path().to_owned();
                let mut res = next.run(req).await;
                set_cache_policy(&mut res, &path, &pkg_prefix, hashed_assets);
                set_security_headers(&mut res, hsts);
                res
            }
        }))
        .layer(TraceLayer::new_for_http())
}

/// Sessions live in the database and are tied to one cookie: `HttpOnly`, `SameSite=Lax`,
/// and on HTTPS `Secure` with the `__Host-` prefix (no sub-domain can set or read it).
/// They end after two days without activity: every request of a signed-in browser saves
/// its session (`with_always_save`), which renews the cookie and, at most once an hour,
/// the expiry in the database (`app::server::sessions`).
fn session_layer(state: &AppState, secure: bool) -> SessionManagerLayer<DbSessionStore> {
    let name = if secure {
        "__Host-parvis_session"
    } else {
        "parvis_session"
    };
    SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(name)
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::days(2)))
        .with_always_save(true)
}

#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    version: &'static str,
    /// How this process learns of live updates written by others
    /// ([`app::forum::live::LiveHub::mode`]).
    live_updates: &'static str,
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    let reachable = state.db.is_reachable().await;
    let body = Json(Health {
        status: if reachable { "ok" } else { "unavailable" },
        database: state.db.kind().name(),
        version: env!("CARGO_PKG_VERSION"),
        live_updates: state.live.mode(state.db.kind()),
    });
    let status = if reachable {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /forum/export.csv`: the forum's public proposals as open data.
async fn export_csv(State(state): State<AppState>) -> Response {
    let body = app::forum::service::export(&state)
        .await
        .and_then(|rows| app::forum::service::export_csv(&rows));
    download(body, "text/csv; charset=utf-8", "propositions.csv")
}

/// `GET /forum/export.json`: the same as JSON.
async fn export_json(State(state): State<AppState>) -> Response {
    let body = app::forum::service::export(&state)
        .await
        .and_then(|rows| serde_json::to_string_pretty(&rows).map_err(app::error::internal));
    download(body, "application/json", "propositions.json")
}

/// The account signed in on this session, if any.
pub(crate) async fn session_user(session: &tower_sessions::Session) -> Option<i64> {
    app::server::sessions::signed_in_user(session).await
}

/// A survey download: the body with its type, disposition and caching, or the status of
/// the error (401, 403, 404…).
fn survey_download(
    result: Result<String, app::error::AppError>,
    content_type: &'static str,
    disposition: Option<String>,
    cache: &'static str,
) -> Response {
    let body = match result {
        Ok(body) => body,
        Err(err) => {
            return StatusCode::from_u16(err.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response()
        }
    };
    let mut res = body.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(value) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// `GET /consultations/:id/reponses.csv`: every response of a survey (agents only),
/// never cached, always downloaded.
async fn survey_answers_csv(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    session: tower_sessions::Session,
) -> Response {
    let result = async {
        let viewer = app::surveys::export::viewer_of(&state, session_user(&session).await).await?;
        app::surveys::export::answers_csv(&state, viewer, id).await
    }
    .await;
    let disposition = format!("attachment; filename=\"consultation-{id}.csv\"");
    survey_download(
        result,
        "text/csv; charset=utf-8",
        Some(disposition),
        "private, no-store",
    )
}

/// `GET /consultations/:id/resultats.json`: public results as open data.
async fn survey_results_json(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    session: tower_sessions::Session,
) -> Response {
    let result = async {
        let viewer = app::surveys::export::viewer_of(&state, session_user(&session).await).await?;
        app::surveys::export::results_json(&state, viewer, id).await
    }
    .await;
    survey_download(result, "application/json", None, "public, max-age=60")
}

/// Multipart posts may carry a few files of the configured size, and the form around them.
fn upload_limit(state: &AppState) -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(state.uploads.max_bytes * 4 + 1024 * 1024)
}

/// `POST /mon-espace/demandes/:id/formulaire` (multipart): saves or submits a request's
/// form, then redirects (303) to the next page or back to the form with its errors.
async fn request_form_post(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    session: tower_sessions::Session,
    multipart: axum::extract::Multipart,
) -> Response {
    let user = session_user(&session).await;
    let location = app::services::upload::form_post(&state, user, id, multipart).await;
    axum::response::Redirect::to(&location).into_response()
}

/// `POST /mon-espace/demandes/:id/messages` (multipart): a message with an optional file.
async fn request_message_post(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    session: tower_sessions::Session,
    multipart: axum::extract::Multipart,
) -> Response {
    let location = app::services::upload::message_post(&state, &session, id, multipart).await;
    axum::response::Redirect::to(&location).into_response()
}

/// `GET /pieces-jointes/:id`: a request's file, for its resident and the agents of its
/// service only; always downloaded (never shown inline), never sniffed, never cached.
async fn attachment(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    session: tower_sessions::Session,
) -> Response {
    let user = session_user(&session).await;
    private_file(app::services::upload::download(&state, user, id).await)
}

/// `GET /mon-espace/donnees/export/:id`: a resident's ready export, for them only (404
/// for anyone else, as if it did not exist).
async fn data_export(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    session: tower_sessions::Session,
) -> Response {
    let Some(user) = session_user(&session).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let (name, path) = match app::privacy::export::download(&state, user, id).await {
        Ok(found) => found,
        Err(err) => return private_file(Err(err)),
    };
    // Sent from disk in pieces: an export may be large.
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(err) => {
            tracing::warn!(error = %err, "opening a ready export");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let length = file.metadata().await.map(|m| m.len()).ok();
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut res = private_download(&name, "application/zip", body);
    if let Some(length) = length {
        res.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    res
}

/// A file of one person's to download, (name, content type, bytes), or the status of the
/// error (401, 403, 404…).
fn private_file(result: Result<(String, String, Vec<u8>), app::error::AppError>) -> Response {
    match result {
        Ok((name, content_type, bytes)) => {
            private_download(&name, &content_type, Body::from(bytes))
        }
        Err(err) => StatusCode::from_u16(err.status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
    }
}

/// `body` as a download of one person's: never cached, its name offered as given (ASCII
/// fallback for old browsers).
fn private_download(name: &str, content_type: &str, body: Body) -> Response {
    let mut res = Response::new(body);
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        app::ui::encode_query(name)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// `GET /guichet/:service/export.csv`: a service's queue (same filters as the page), for
/// the agents of its team.
async fn queue_csv(
    State(state): State<AppState>,
    axum::extract::Path(service): axum::extract::Path<i64>,
    axum::extract::Query(filter): axum::extract::Query<app::services::views::QueueFilter>,
    session: tower_sessions::Session,
) -> Response {
    let user = session_user(&session).await;
    let result = app::services::upload::queue_csv(&state, user, service, &filter).await;
    survey_download(
        result,
        "text/csv; charset=utf-8",
        Some(format!("attachment; filename=\"demandes-{service}.csv\"")),
        "private, no-store",
    )
}

fn download(
    body: Result<String, app::error::AppError>,
    content_type: &'static str,
    file_name: &'static str,
) -> Response {
    let Ok(body) = body else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut res = body.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    res
}

/// Pages get their CSP (with the nonce of their scripts) while Leptos renders them. Rarely,
/// under concurrent load, a rendered page came out without it, and the strict fallback
/// policy then blocked its scripts. Such a page gets its policy back from the nonce of its
/// own `<script>` tags; anything else keeps the strict fallback.
async fn restore_page_csp(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html
        || !res.status().is_success()
        || res.headers().contains_key(header::CONTENT_SECURITY_POLICY)
    {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut res = Response::from_parts(parts, Body::from(bytes.clone()));
    if let Some(nonce) = script_nonce(&bytes) {
        tracing::warn!("a page lost its CSP header while rendering: restored from its nonce");
        let targets = state
            .oidc
            .as_ref()
            .map(|oidc| oidc.form_targets())
            .unwrap_or_default();
        let policy = app::server::security::page_policy(&nonce, &targets);
        if let Ok(value) = HeaderValue::from_str(&policy) {
            res.headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    res
}

/// The nonce of the first `<script nonce="…">` of a page. Residents' text cannot forge
/// one: `<` is escaped in text and sanitised HTML has no scripts.
fn script_nonce(html: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(html).ok()?;
    text.match_indices("<script").find_map(|(start, _)| {
        let tag = &text[start..start + text[start..].find('>')?];
        let value_start = tag.find(" nonce=\"")? + " nonce=\"".len();
        let value = &tag[value_start..value_start + tag[value_start..].find('"')?];
        let valid = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '='));
        valid.then(|| value.to_owned())
    })
}

/// Browsers send `Sec-Fetch-Site` and `Origin` with every POST: a write coming from
/// another site (a forged form, a script elsewhere) is refused before any handler runs.
async fn refuse_cross_site_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(&req, &state.public_url) {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site write");
        return crate::hygiene::refusal(
            StatusCode::FORBIDDEN,
            "Requête refusée : elle ne vient pas de ce site.",
            "Request refused: it does not come from this site.",
            None,
        );
    }
    next.run(req).await
}

fn is_cross_site(req: &Request, public_url: &url::Url) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if origin == "null" {
        return true;
    }
    let public_origin = public_url.origin().ascii_serialization();
    let host_origin = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|host| {
            let scheme = if public_url.scheme() == "https" {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{host}")
        });
    origin != public_origin && Some(origin) != host_origin.as_deref()
}

fn set_cache_policy(res: &mut Response, path: &str, pkg_prefix: &str, hashed_assets: bool) {
    if res.headers().contains_key(header::CACHE_CONTROL) {
        return;
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let policy = if is_html || !res.status().is_success() {
        "no-cache, private"
    } else if path.starts_with(pkg_prefix) && hashed_assets {
        "public, max-age=31536000, immutable"
    } else if path.starts_with("/api/") {
        "no-store"
    } else {
        "public, max-age=3600"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
}

fn set_security_headers(res: &mut Response, hsts: bool) {
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_POLICY),
        );
    }
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
}

/// Shown when a handler panics: status 500, no internals, both languages.
const PANIC_PAGE: &str = include_str!("panic_page.html");

fn panic_page(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "request handler panicked");
    let mut res = Response::new(Body::from(PANIC_PAGE));
    *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::script_nonce;

    #[test]
    fn the_nonce_comes_from_a_script_tag_only() {
        let page = br#"<html><head><title>nonce="forged"</title><script nonce="Ab-_9" src="/x.js"></script>"#;
        assert_eq!(script_nonce(page).as_deref(), Some("Ab-_9"));
        assert_eq!(script_nonce(b"<p> nonce=\"x\"</p>"), None);
        assert_eq!(script_nonce(br#"<script nonce="a b">"#), None);
    }
}
