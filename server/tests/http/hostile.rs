//! Hostile input over every server fn and every upload endpoint, signed out and signed in
//! as an administrator: missing and extra fields, wrong types, invalid UTF-8, oversized
//! bodies, wrong content types, and random bytes. Never a 5xx, never a panic, and the
//! server still healthy after. The list of server fns is read from the registry, so a
//! new one is covered without touching this file.

use crate::common;

use crate::common::{demo_session, send, state};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

/// A same-site POST with `content_type` and `body`, as a script client sends it.
fn post(
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
    cookie: Option<&str>,
) -> Request<Body> {
    let mut builder = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "application/json");
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::from(body)).unwrap()
}

/// The bodies every endpoint is sent.
fn hostile_bodies() -> Vec<(&'static str, Option<&'static str>, Vec<u8>)> {
    let form = Some("application/x-www-form-urlencoded");
    vec![
        ("empty", form, Vec::new()),
        ("unknown fields", form, b"zzz=1&yyy=%00".to_vec()),
        (
            "wrong types",
            form,
            b"id=abc&proposal_id=-&page=99999999999999999999&support=maybe&kind=%FF&lang=xx"
                .to_vec(),
        ),
        (
            "escaped non-UTF-8",
            form,
            b"title=%FF%FE%FD&body=%C3%28&email=%E2%82".to_vec(),
        ),
        ("raw non-UTF-8", form, vec![b'a', b'=', 0xC3, 0x28, 0xFF]),
        (
            "repeated fields",
            form,
            b"id=1&id=2&id=3&token=a&token=b".to_vec(),
        ),
        ("a 3 MB body", form, vec![b'x'; 3 * 1024 * 1024]),
        (
            "JSON",
            Some("application/json"),
            br#"{"id":1,"title":"x"}"#.to_vec(),
        ),
        (
            "multipart",
            Some("multipart/form-data; boundary=x"),
            b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n".to_vec(),
        ),
        ("no content type", None, b"id=1".to_vec()),
        (
            "random bytes",
            Some("application/octet-stream"),
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
    ]
}

app::db_test!(no_server_fn_answers_hostile_input_with_a_5xx, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let mut app_state = state(db.clone(), "http://127.0.0.1:3000");
    // Many anonymous posts from one address: this test is about decoding, not the limit.
    app_state.limits.anonymous_posts_per_ip = app::server::ratelimit::Limit::per_minute(100_000);
    app_state.limits.sign_in_per_ip = app::server::ratelimit::Limit::per_minute(100_000);
    app_state.uploads.dir = std::env::temp_dir().join(format!(
        "parvis-hostile-{}-{}",
        std::process::id(),
        db.kind().name()
    ));
    let router = server::http::router(app_state);
    let admin = demo_session(&router, "admin").await;
    let mut paths: Vec<(&'static str, Method)> =
        leptos::server_fn::axum::server_fn_paths().collect();
    paths.sort_by_key(|(path, _)| *path);
    assert!(
        paths.len() > 50,
        "the registry lists the server fns: {}",
        paths.len()
    );
    // The routes taking files, outside the server fn registry.
    let uploads = [
        "/mon-espace/demandes/1/formulaire",
        "/mon-espace/demandes/1/messages",
    ];
    let mut failures = Vec::new();
    for cookie in [None, Some(admin.as_str())] {
        for (path, method) in &paths {
            // Signing out would end the administrator's session for the next paths.
            if path.ends_with("/sign_out") {
                continue;
            }
            for (what, content_type, body) in hostile_bodies() {
                let request = if *method == Method::GET {
                    // The body as a query string, what may not appear in a URI escaped.
                    let query: String = body
                        .iter()
                        .take(2_000)
                        .map(|b| {
                            if b.is_ascii_alphanumeric() || b"=&%._-+".contains(b) {
                                (*b as char).to_string()
                            } else {
                                format!("%{b:02X}")
                            }
                        })
                        .collect();
                    let uri = format!("{path}?{query}");
                    let mut request = common::get_with(&uri, cookie);
                    request
                        .headers_mut()
                        .insert(header::ACCEPT, "application/json".parse().unwrap());
                    request
                } else {
                    post(path, content_type, body, cookie)
                };
                let response = send(router.clone(), request).await;
                if response.status().is_server_error() {
                    failures.push(format!(
                        "{} {path} ({what}, {}): {}",
                        method,
                        if cookie.is_some() {
                            "admin"
                        } else {
                            "anonymous"
                        },
                        response.status()
                    ));
                }
            }
        }
        for path in uploads {
            for (what, content_type, body) in hostile_bodies() {
                let response = send(router.clone(), post(path, content_type, body, cookie)).await;
                if response.status().is_server_error() {
                    failures.push(format!("POST {path} ({what}): {}", response.status()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "5xx answers:\n{}", failures.join("\n"));
    let health = send(router, common::get_req("/healthz")).await;
    assert_eq!(health.status(), StatusCode::OK, "still healthy");
});
