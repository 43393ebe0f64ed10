//! Helpers shared by the HTTP test files.
// Test helpers fail by panicking; each test file uses its own subset.
#![allow(clippy::expect_used, clippy::unwrap_used, dead_code)]

use app::server::clock::Clock;
use app::server::db::Db;
use app::server::state::AppState;
use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use axum::Router;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use tower::ServiceExt;

pub fn state(db: Db, public_url: &str) -> AppState {
    AppState::new(
        LeptosOptions::builder().output_name("parvis").build(),
        db,
        url::Url::parse(public_url).expect("test URL"),
        Clock::System,
    )
}

pub async fn send(router: Router, request: Request<Body>) -> Response {
    router.oneshot(request).await.expect("router never fails")
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
