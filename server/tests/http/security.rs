//! The attacks of the outside security review (issue 22), replayed over HTTP against the
//! whole router, on SQLite and PostgreSQL. Each test failed before its fix.

use crate::common;

use crate::common::{body_text, form_post, location, scalar, send, session_cookie, state};
use app::server::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const STRANGER_PASSWORD: &str = "Le héron pêche au bord du canal";

fn enc(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The `name=value` of cookie `name` set by a response.
fn cookie(response: &axum::response::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// The token of the last link mailed to `to`.
async fn mailed_token(state: &AppState, to: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT text_body FROM mail_outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(state.db.pool())
    .await
    .unwrap();
    let start = body.find("jeton=").expect("a link") + "jeton=".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

async fn sign_in_status(router: &axum::Router, email: &str, password: &str) -> String {
    let body = format!("email={}&password={}&next=", enc(email), enc(password));
    let response = send(router.clone(), form_post("/api/sign_in", &body, None, true)).await;
    location(&response)
}

app::db_test!(
    item_1_a_stranger_who_signed_up_first_cannot_sign_in_once_the_owner_proves_the_address,
    |db| {
        let state = state(db.clone(), "http://127.0.0.1:3000");
        let router = server::http::router(state.clone());
        // The stranger signs up with Léa's address and a password of their choice.
        let body = format!(
            "display_name=L%C3%A9a&email=lea%40example.org&password={}",
            enc(STRANGER_PASSWORD)
        );
        let signed_up = send(router.clone(), form_post("/api/sign_up", &body, None, true)).await;
        assert_eq!(location(&signed_up), "/verifiez-vos-mails");
        assert!(
            cookie(&signed_up, "parvis_browser").is_some(),
            "the browser is bound"
        );
        // Léa opens the confirmation mail in her own browser.
        let token = mailed_token(&state, "lea@example.org").await;
        let confirmed = send(
            router.clone(),
            form_post("/api/confirm_email", &format!("token={token}"), None, true),
        )
        .await;
        let next = location(&confirmed);
        assert!(
            next.starts_with("/nouveau-mot-de-passe?jeton=") && next.ends_with("&confirmee=1"),
            "{next}"
        );
        assert_ne!(
            sign_in_status(&router, "lea@example.org", STRANGER_PASSWORD).await,
            "/mon-espace",
            "the stranger's password was dropped"
        );
        // Léa chooses hers with the link she was given, and signs in.
        let reset = next
            .trim_start_matches("/nouveau-mot-de-passe?jeton=")
            .trim_end_matches("&confirmee=1");
        let hers = "Une autre phrase de passe bien longue";
        let chosen = send(
            router.clone(),
            form_post(
                "/api/reset_password",
                &format!("token={reset}&password={}", enc(hers)),
                None,
                true,
            ),
        )
        .await;
        assert_eq!(location(&chosen), "/connexion?nouveau-mot-de-passe=1");
        assert_eq!(
            sign_in_status(&router, "lea@example.org", hers).await,
            "/mon-espace"
        );
    }
);

app::db_test!(
    item_1_the_browser_that_signed_up_confirms_and_keeps_its_password,
    |db| {
        let state = state(db.clone(), "http://127.0.0.1:3000");
        let router = server::http::router(state.clone());
        let body = format!(
            "display_name=Tom&email=tom%40example.org&password={}",
            enc(STRANGER_PASSWORD)
        );
        let signed_up = send(router.clone(), form_post("/api/sign_up", &body, None, true)).await;
        let browser = cookie(&signed_up, "parvis_browser").unwrap();
        let token = mailed_token(&state, "tom@example.org").await;
        let confirmed = send(
            router.clone(),
            form_post(
                "/api/confirm_email",
                &format!("token={token}"),
                Some(&browser),
                true,
            ),
        )
        .await;
        assert_eq!(location(&confirmed), "/connexion?confirmee=1");
        assert_eq!(
            sign_in_status(&router, "tom@example.org", STRANGER_PASSWORD).await,
            "/mon-espace"
        );
    }
);

app::db_test!(
    item_3_an_address_with_a_display_name_or_a_second_address_is_refused_everywhere,
    |db| {
        let state = state(db.clone(), "http://127.0.0.1:3000");
        let router = server::http::router(state.clone());
        for hostile in [
            "someone@example.org<attacker@evil.example>",
            "x<attacker@evil.example>",
            "Someone <attacker@evil.example>",
        ] {
            let sign_up = format!(
                "display_name=X&email={}&password={}",
                enc(hostile),
                enc(STRANGER_PASSWORD)
            );
            let dpo = format!("kind=access&name=X&email={}&message=Bonjour", enc(hostile));
            for (path, body) in [("/api/sign_up", sign_up), ("/api/contact_dpo", dpo)] {
                let response = send(router.clone(), form_post(path, &body, None, false)).await;
                assert_eq!(
                    response.status(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{path} {hostile}"
                );
                assert!(body_text(response).await.contains("errors.email_invalid"));
            }
        }
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM mail_outbox").await,
            0,
            "no mail left"
        );
    }
);

app::db_test!(item_14_failed_anonymous_posts_leave_no_server_state, |db| {
    let state = state(db.clone(), "http://127.0.0.1:3000");
    let router = server::http::router(state.clone());
    let sessions_before = scalar(&db, "SELECT COUNT(*) FROM sessions").await;
    let long = "é".repeat(4_000);
    for _ in 0..20 {
        let body = format!("kind=nope&name=X&email=a%40b.fr&message={}", enc(&long));
        let response = send(
            router.clone(),
            form_post("/api/contact_dpo", &body, None, true),
        )
        .await;
        assert!(response.status().is_redirection());
        assert!(
            session_cookie(&response).is_none(),
            "no session for a visitor's error"
        );
        let typed = cookie(&response, "parvis_typed").expect("what was typed, in a cookie");
        assert!(typed.len() < 3_100, "a bounded cookie: {}", typed.len());
    }
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM sessions").await,
        sessions_before
    );
});

app::db_test!(
    item_13_anonymous_posts_are_rate_limited_and_bogus_resets_cost_no_hashing,
    |db| {
        let state = state(db.clone(), "http://127.0.0.1:3000");
        let router = server::http::router(state.clone());
        // What one hash costs on this machine now, load included.
        let one_hash = {
            let started = std::time::Instant::now();
            app::accounts::service::hash_password(STRANGER_PASSWORD).unwrap();
            started.elapsed()
        };
        let started = std::time::Instant::now();
        let mut limited = 0;
        for _ in 0..40 {
            let body = format!("token=bogus&password={}", enc(STRANGER_PASSWORD));
            let response = send(
                router.clone(),
                form_post("/api/reset_password", &body, None, false),
            )
            .await;
            match response.status() {
                StatusCode::UNPROCESSABLE_ENTITY => {}
                StatusCode::TOO_MANY_REQUESTS => limited += 1,
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(limited, 10, "30 a minute from one address");
        // Hashing first, the thirty resets let through would cost thirty hashes.
        let spent = started.elapsed();
        assert!(
            spent < one_hash * 15,
            "{spent:?} for 40 posts, {one_hash:?} a hash"
        );
        let health = send(router, common::get_req("/healthz")).await;
        assert_eq!(health.status(), StatusCode::OK);
    }
);

app::db_test!(
    item_16_forwarded_for_is_ignored_unless_a_trusted_proxy_sent_it,
    |db| {
        let state = state(db.clone(), "http://127.0.0.1:3000");
        let router = server::http::router(state.clone());
        // Varying the header no longer escapes the sign-in limit (6 a minute).
        let mut limited = 0;
        for i in 0..10 {
            let mut request = form_post(
                "/api/sign_in",
                "email=x%40example.org&password=whatever-whatever&next=",
                None,
                false,
            );
            request
                .headers_mut()
                .insert("x-forwarded-for", format!("10.0.0.{i}").parse().unwrap());
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                "203.0.113.5:4000".parse::<std::net::SocketAddr>().unwrap(),
            ));
            if send(router.clone(), request).await.status() == StatusCode::TOO_MANY_REQUESTS {
                limited += 1;
            }
        }
        assert_eq!(limited, 4);
    }
);

app::db_test!(item_17_undecodable_input_is_the_client_error, |db| {
    let state = state(db.clone(), "http://127.0.0.1:3000");
    let router = server::http::router(state.clone());
    let post = |body: Body, content_type: &str, html: bool| {
        let mut request = form_post("/api/sign_in", "", None, html);
        request
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type.parse().unwrap());
        *request.body_mut() = body;
        request
    };
    let form = "application/x-www-form-urlencoded";
    let cases: Vec<(&str, Body, &str, StatusCode)> = vec![
        (
            "a missing field",
            Body::from("email=a%40b.fr"),
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "escaped bytes that are not UTF-8",
            Body::from("email=%FF%FE&password=x&next="),
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "raw bytes that are not UTF-8",
            Body::from(vec![b'e', b'=', 0xff, 0xfe]),
            form,
            StatusCode::BAD_REQUEST,
        ),
        (
            "a 20 MB body",
            Body::from(vec![b'a'; 20 * 1024 * 1024]),
            form,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "a JSON body",
            Body::from(r#"{"email":"a@b.fr"}"#),
            "application/json",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "no content type",
            Body::from("email=a"),
            "",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ];
    for (what, body, content_type, expected) in cases {
        let mut request = post(body, content_type, false);
        if content_type.is_empty() {
            request.headers_mut().remove(header::CONTENT_TYPE);
        }
        let response = send(router.clone(), request).await;
        assert_eq!(response.status(), expected, "{what}");
    }
    // A failed plain form post goes back to its own page, whatever the Referer says,
    // in an address that does not grow with the input.
    for referer in [
        "https://evil.example/phish".to_owned(),
        format!("http://127.0.0.1:3000/connexion?q={}", "x".repeat(30_000)),
    ] {
        let mut request = post(Body::from("email=a%40b.fr"), form, true);
        request
            .headers_mut()
            .insert(header::REFERER, referer.parse().unwrap());
        let response = send(router.clone(), request).await;
        assert!(response.status().is_redirection());
        let to = location(&response);
        assert!(to.starts_with('/') && !to.contains("evil"), "{to}");
        assert!(to.len() <= 2048, "{} bytes", to.len());
    }
    let health = send(router, common::get_req("/healthz")).await;
    assert_eq!(health.status(), StatusCode::OK);
});

app::db_test!(item_15_one_client_cannot_take_every_live_stream, |db| {
    let state = state(db.clone(), "http://127.0.0.1:3000");
    let router = server::http::router(state.clone());
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let id = scalar(&db, "SELECT MIN(id) FROM proposals").await;
    let stream = |ip: &str| {
        let mut request = Request::get(format!("/forum/propositions/{id}/evenements"))
            .header(header::HOST, "127.0.0.1:3000")
            .body(Body::empty())
            .unwrap();
        request.extensions_mut().insert(axum::extract::ConnectInfo(
            format!("{ip}:5000")
                .parse::<std::net::SocketAddr>()
                .unwrap(),
        ));
        request
    };
    let mut open = Vec::new();
    for _ in 0..app::server::state::LIVE_STREAMS_PER_CLIENT {
        let response = send(router.clone(), stream("203.0.113.9")).await;
        assert_eq!(response.status(), StatusCode::OK);
        open.push(response);
    }
    let refused = send(router.clone(), stream("203.0.113.9")).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let other = send(router.clone(), stream("198.51.100.1")).await;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "everyone else still gets theirs"
    );
    drop(open);
});

app::db_test!(item_18_exported_cells_never_start_a_formula, |db| {
    let state = state(db.clone(), "http://127.0.0.1:3000");
    let router = server::http::router(state.clone());
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    // What residents may type as a name or a title.
    sqlx::query("UPDATE users SET display_name = '@SUM(A1)'")
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE proposals SET title = '=HYPERLINK(\"https://evil.example\")'")
        .execute(db.pool())
        .await
        .unwrap();
    let csv = body_text(send(router, common::get_req("/forum/export.csv")).await).await;
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "formula cell {cell:?} in {csv}"
            );
        }
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
});
