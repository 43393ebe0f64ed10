//! Sign-in through an OpenID provider, over HTTP: what Parvis answers before and without a
//! provider (the journeys with a real provider are in `end2end/tests/auth/oidc.spec.ts`).

use crate::common::{body_text, send, state};
use app::auth::oidc::{Oidc, OidcSettings};
use app::server::state::AppState;
use axum::body::Body;
use axum::http::{header, Request};
use std::sync::Arc;

const PUBLIC_URL: &str = "http://127.0.0.1:3000";

/// A provider nobody answers for (port 9: discard, closed here).
fn with_provider(mut state: AppState) -> AppState {
    let settings = OidcSettings {
        issuer: "http://127.0.0.1:9".into(),
        client_id: "parvis".into(),
        client_secret: Some("secret".into()),
        scopes: vec!["openid".into(), "email".into()],
        acr_values: vec!["eidas1".into()],
        label: "FranceConnect".into(),
        trust_email: false,
    };
    let url = url::Url::parse(PUBLIC_URL).unwrap();
    state.oidc = Some(Arc::new(Oidc::new(settings, &url).unwrap()));
    let mut site = state.site.as_ref().clone();
    site.sign_in_provider = Some("FranceConnect".into());
    state.site = Arc::new(site);
    state
}

fn browser_get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap()
}

async fn location(router: axum::Router, uri: &str) -> String {
    let response = send(router, browser_get(uri)).await;
    assert!(
        response.status().is_redirection(),
        "{uri}: {}",
        response.status()
    );
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

app::db_test!(without_a_provider_the_sign_in_page_offers_none, |db| {
    let router = server::http::router(state(db, PUBLIC_URL));
    let page = body_text(send(router.clone(), browser_get("/connexion")).await).await;
    assert!(!page.contains("/api/oidc/start"), "{page}");
    assert_eq!(
        location(router, "/api/oidc/start?next=/mon-espace").await,
        "/connexion?oidc=indisponible"
    );
});

app::db_test!(the_sign_in_page_links_to_the_configured_provider, |db| {
    let router = server::http::router(with_provider(state(db, PUBLIC_URL)));
    let response = send(router, browser_get("/connexion?suite=/forum")).await;
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("form-action 'self' http://127.0.0.1:9;"),
        "signing out may lead to the provider: {csp}"
    );
    let page = body_text(response).await;
    assert!(
        page.contains("href=\"/api/oidc/start?next=/forum\""),
        "{page}"
    );
    assert!(
        page.contains("rel=\"external\""),
        "a full page load, also when hydrated"
    );
});

app::db_test!(an_unreachable_provider_gets_a_clear_message, |db| {
    let router = server::http::router(with_provider(state(db, PUBLIC_URL)));
    assert_eq!(
        location(router.clone(), "/api/oidc/start?next=/mon-espace").await,
        "/connexion?oidc=indisponible"
    );
    let page = body_text(send(router, browser_get("/connexion?oidc=indisponible")).await).await;
    assert!(page.contains("role=\"alert\""), "{page}");
    assert!(page.contains("ne répond pas"), "{page}");
});

app::db_test!(an_answer_nobody_asked_for_is_refused, |db| {
    let router = server::http::router(with_provider(state(db, PUBLIC_URL)));
    assert_eq!(
        location(router, "/api/oidc/callback?code=stolen&state=guessed").await,
        "/connexion?oidc=expiree"
    );
});
