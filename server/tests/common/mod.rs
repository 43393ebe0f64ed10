//! Helpers shared by the HTTP test files.
// Test helpers fail by panicking; each test file uses its own subset.
#![allow(clippy::expect_used, clippy::unwrap_used, dead_code)]

use app::server::clock::Clock;
use app::server::db::Db;
use app::server::state::AppState;
use axum::body::Body;
use axum::http::{header, Request};
use axum::response::Response;
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub fn state(db: Db, public_url: &str) -> AppState {
    AppState::detached(
        db,
        url::Url::parse(public_url).expect("test URL"),
        Clock::System,
    )
}

/// Sends `request` through `router`; a request that hangs fails the test, naming itself.
/// The router includes the stall guard (`server::stall_guard`), which renders a stalled
/// GET page again after 8 s; the generous limit leaves room for a slow CI disk.
pub async fn send(router: Router, request: Request<Body>) -> Response {
    let what = format!("{} {}", request.method(), request.uri());
    tokio::time::timeout(std::time::Duration::from_secs(90), router.oneshot(request))
        .await
        .unwrap_or_else(|_| panic!("{what} did not answer within 90 s"))
        .expect("router never fails")
}

pub async fn body_text(response: Response) -> String {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub fn get_req(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

/// A same-site form post, as a browser sends it (`html`) or as a script does.
pub fn form_post(path: &str, body: &str, cookie: Option<&str>, html: bool) -> Request<Body> {
    let mut builder = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::REFERER, "http://127.0.0.1:3000/connexion")
        .header(
            header::ACCEPT,
            if html {
                "text/html,application/xhtml+xml"
            } else {
                "application/json"
            },
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

/// `name=value` of the session cookie set by a response, and the whole header.
pub fn session_cookie(response: &Response) -> Option<(String, String)> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("parvis_session="))
        .map(|v| (v.split(';').next().unwrap().to_owned(), v.to_owned()))
}

/// Signs `email` in with `password` as a browser does; the session cookie to send back.
pub async fn sign_in(router: &Router, email: &str, password: &str) -> String {
    let body = format!(
        "email={}&password={}&next=",
        url::form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>(),
        url::form_urlencoded::byte_serialize(password.as_bytes()).collect::<String>()
    );
    let response = send(router.clone(), form_post("/api/sign_in", &body, None, true)).await;
    assert_eq!(
        response.headers()[header::LOCATION],
        "/mon-espace",
        "sign-in of {email}"
    );
    session_cookie(&response).expect("session").0
}

/// The demo account whose e-mail starts with `prefix`, signed in; its session cookie.
pub async fn demo_session(router: &Router, prefix: &str) -> String {
    let email = app::demo::DEMO_ACCOUNTS
        .iter()
        .find(|(email, _, _)| email.starts_with(prefix))
        .map(|(email, _, _)| *email)
        .expect("demo account");
    sign_in(router, email, app::demo::DEMO_PASSWORD).await
}

/// One number read from the database.
pub async fn scalar(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

/// A GET from the site's own origin, with the session `cookie` if any.
pub fn get_with(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(uri).header(header::HOST, "127.0.0.1:3000");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::empty()).unwrap()
}

/// Where a redirect goes.
pub fn location(response: &Response) -> String {
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The router of a site holding the demo commune.
pub async fn demo_router(db: &Db) -> Router {
    app::demo::load(db, &Clock::System).await.unwrap();
    server::http::router(state(db.clone(), "http://127.0.0.1:3000"))
}

/// Posts `body` (form-encoded) as a comment on the demo's proposal 1 from `cookie`'s
/// person, as a browser does; the new comment's id.
pub async fn comment(router: &Router, cookie: &str, body: &str) -> i64 {
    let response = send(
        router.clone(),
        form_post(
            "/api/add_comment",
            &format!("proposal_id=1&body={body}"),
            Some(cookie),
            true,
        ),
    )
    .await;
    assert!(response.status().is_redirection(), "{}", response.status());
    location(&response)
        .rsplit("commentaire-")
        .next()
        .and_then(|id| id.parse().ok())
        .expect("the comment's anchor")
}

/// A moderator's decision `action` (hide, restore…) on comment `id`, as a browser posts it.
pub async fn moderate_comment(router: &Router, moderator: &str, id: i64, action: &str) {
    let response = send(
        router.clone(),
        form_post(
            "/api/moderate",
            &format!("kind=comment&id={id}&action={action}&reason=spam"),
            Some(moderator),
            true,
        ),
    )
    .await;
    assert!(response.status().is_redirection(), "{}", response.status());
}
