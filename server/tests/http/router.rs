//! HTTP behaviour of the whole router, without a browser: health, status codes,
//! security headers, cross-site refusal, language negotiation, compression, panics.

use crate::common::{body_text, get_req, send, state};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::Router;

app::db_test!(
    health_reports_the_database_and_turns_503_when_it_is_gone,
    |db| {
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let response = send(router.clone(), get_req("/healthz")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let json: serde_json::Value =
            serde_json::from_str(&body_text(response).await).expect("json");
        assert_eq!(json["status"], "ok");
        assert_eq!(json["database"], db.kind().name());
        assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
        // No listener in a router built without `serve`.
        let live = match db.kind() {
            app::server::db::DbKind::Sqlite => "local",
            app::server::db::DbKind::Postgres => "polling",
        };
        assert_eq!(json["live_updates"], live);

        db.close().await;
        let response = send(router, get_req("/healthz")).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
);

app::db_test!(pages_carry_security_headers_and_a_fresh_nonce, |db| {
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    let first = send(router.clone(), get_req("/")).await;
    assert_eq!(first.status(), StatusCode::OK);
    let headers = first.headers().clone();
    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(csp.contains("script-src 'nonce-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert!(headers.contains_key(header::REFERRER_POLICY));
    assert!(
        !headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "no HSTS over plain HTTP"
    );
    let html = body_text(first).await;
    assert!(html.contains("<html lang=\"fr\""), "French by default");
    assert!(html.contains("Saint-Aubin-du-Parvis"));

    // Each rendered page gets its own nonce (the home page itself is kept for signed-out
    // visitors, with the nonce it was rendered with: `page_cache.rs`).
    let nonce_of = |response: &axum::response::Response| {
        response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii")
            .to_owned()
    };
    let first = send(router.clone(), get_req("/demarches")).await;
    let second = send(router, get_req("/demarches")).await;
    assert_ne!(
        nonce_of(&first),
        nonce_of(&second),
        "each response gets its own nonce"
    );
});

app::db_test!(hsts_is_sent_when_the_site_is_served_over_https, |db| {
    let router = server::http::router(state(db, "https://portail.example"));
    let response = send(router, get_req("/healthz")).await;
    assert!(response
        .headers()
        .contains_key(header::STRICT_TRANSPORT_SECURITY));
    assert!(response
        .headers()
        .contains_key(header::CONTENT_SECURITY_POLICY));
});

app::db_test!(unknown_addresses_answer_404_with_a_page, |db| {
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    let response = send(router, get_req("/nulle-part")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = body_text(response).await;
    assert!(html.contains("Page introuvable"));
});

app::db_test!(language_follows_accept_language_then_the_cookie, |db| {
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    let english = Request::get("/")
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
        .body(Body::empty())
        .expect("req");
    let html = body_text(send(router.clone(), english).await).await;
    assert!(html.contains("<html lang=\"en\""));

    let cookie_wins = Request::get("/")
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::COOKIE, "parvis_lang=fr")
        .body(Body::empty())
        .expect("req");
    let html = body_text(send(router, cookie_wins).await).await;
    assert!(html.contains("<html lang=\"fr\""));
});

fn language_post(origin: Option<&str>, fetch_site: Option<&str>, next: &str) -> Request<Body> {
    let mut builder = Request::post("/api/set_language")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        builder = builder.header(header::ORIGIN, origin);
    }
    if let Some(site) = fetch_site {
        builder = builder.header("sec-fetch-site", site);
    }
    builder
        .body(Body::from(format!("lang=en&next={next}")))
        .expect("req")
}

app::db_test!(
    the_language_switch_sets_a_cookie_and_returns_to_the_page,
    |db| {
        let router = server::http::router(state(db, "http://127.0.0.1:3000"));
        let response = send(
            router.clone(),
            language_post(
                Some("http://127.0.0.1:3000"),
                Some("same-origin"),
                "%2Fforum",
            ),
        )
        .await;
        assert!(
            response.status().is_redirection(),
            "status {}",
            response.status()
        );
        assert_eq!(response.headers()[header::LOCATION], "/forum");
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("ascii");
        assert!(cookie.starts_with("parvis_lang=en;"), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

        let response = send(
            router,
            language_post(Some("http://127.0.0.1:3000"), None, "%2F%2Fevil.example"),
        )
        .await;
        assert_eq!(
            response.headers()[header::LOCATION],
            "/",
            "no open redirect"
        );
    }
);

app::db_test!(cross_site_writes_are_refused, |db| {
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    for (origin, site) in [
        (Some("https://evil.example"), None),
        (None, Some("cross-site")),
        (Some("http://127.0.0.1:3000"), Some("same-site")),
        (Some("null"), None),
    ] {
        let response = send(router.clone(), language_post(origin, site, "%2F")).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "origin {origin:?}, fetch-site {site:?}"
        );
        assert!(!response.headers().contains_key(header::SET_COOKIE));
    }
});

app::db_test!(responses_are_compressed_for_browsers_that_accept_it, |db| {
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    let request = Request::get("/")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .expect("req");
    let response = send(router, request).await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
});

app::db_test!(a_panic_gives_a_500_page_without_internals, |db| {
    let boom: Router = Router::new().route(
        "/boom",
        get(|| async {
            if std::hint::black_box(true) {
                panic!("secret table users_password_hash");
            }
            "unreachable"
        }),
    );
    let router = server::http::with_middleware(boom, state(db, "http://127.0.0.1:3000"));
    let response = send(router, get_req("/boom")).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response
        .headers()
        .contains_key(header::CONTENT_SECURITY_POLICY));
    let html = body_text(response).await;
    assert!(html.contains("Une erreur est survenue"));
    assert!(!html.contains("secret"));
});

app::db_test!(a_page_that_lost_its_csp_gets_it_back_from_its_nonce, |db| {
    let page = Router::new()
        .route(
            "/lost",
            get(|| async {
                axum::response::Html(
                    r#"<html><head><script nonce="Zm9v_-1">x</script></head></html>"#,
                )
            }),
        )
        .route(
            "/plain",
            get(|| async { axum::response::Html("<html><body>no script</body></html>") }),
        );
    let router = server::http::with_middleware(page, state(db, "http://127.0.0.1:3000"));
    let lost = send(router.clone(), get_req("/lost")).await;
    let csp = lost.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'nonce-Zm9v_-1'"), "{csp}");
    assert!(
        body_text(lost).await.contains("nonce=\"Zm9v_-1\""),
        "the body is untouched"
    );
    let plain = send(router, get_req("/plain")).await;
    let csp = plain.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.starts_with("default-src 'none'"),
        "no nonce, strict policy: {csp}"
    );
});
