//! Sign-in over HTTP: session cookies, id rotation, sign-out, cross-site refusal and the
//! 429 answers of rate limits.

use crate::common;

use crate::common::{body_text, form_post, send, session_cookie, state};
use app::accounts::model::{Email, NewPassword, Role};
use app::accounts::service::create_user;
use app::server::clock::Clock;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

/// The sign-out form, only in pages of a signed-in person.
const SIGN_OUT: &str = "action=\"/api/sign_out\"";

const PASSWORD: &str = "Le héron pêche au bord du canal";

async fn account(db: &app::server::db::Db, email: &str, name: &str, role: Role) {
    let email = Email::parse(email).unwrap();
    let password = NewPassword::parse(PASSWORD).unwrap();
    create_user(db, &Clock::System, &email, name, role, password)
        .await
        .unwrap();
}

async fn resident(db: &app::server::db::Db) {
    account(db, "camille@example.org", "Camille", Role::Citizen).await;
}

/// A same-origin form post, as a browser sends it; `html` false mimics a script client.
fn sign_in_body(password: &str) -> String {
    format!(
        "email=camille%40example.org&password={}&next=",
        url::form_urlencoded::byte_serialize(password.as_bytes()).collect::<String>()
    )
}

async fn page_with(router: axum::Router, cookie: &str) -> String {
    let request = Request::get("/")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    body_text(send(router, request).await).await
}

app::db_test!(
    signing_in_sets_a_fresh_http_only_session_that_signing_out_destroys,
    |db| {
        resident(&db).await;
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));

        // A failed attempt keeps what was typed in a cookie, not in a session row…
        let failed = send(
            router.clone(),
            form_post("/api/sign_in", &sign_in_body("wrong password!"), None, true),
        )
        .await;
        assert!(failed.status().is_redirection());
        let location = failed.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(location.contains("__err="), "{location}");
        assert!(
            session_cookie(&failed).is_none(),
            "no session for a visitor"
        );
        // …and a session id planted in the browser is never the one signed in
        // (no session fixation).
        let anonymous = "parvis_session=planted-by-someone-else".to_owned();

        let signed_in = send(
            router.clone(),
            form_post(
                "/api/sign_in",
                &sign_in_body(PASSWORD),
                Some(&anonymous),
                true,
            ),
        )
        .await;
        assert_eq!(signed_in.headers()[header::LOCATION], "/mon-espace");
        let (session, raw) = session_cookie(&signed_in).expect("session cookie");
        assert_ne!(session, anonymous);
        assert!(
            raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
            "{raw}"
        );
        assert!(!raw.contains("Secure"), "plain HTTP in tests: {raw}");
        let page = page_with(router.clone(), &session).await;
        assert!(
            page.contains("Connecté·e : <!>Camille") && page.contains(SIGN_OUT),
            "{page}"
        );
        assert!(!page_with(router.clone(), &anonymous)
            .await
            .contains(SIGN_OUT));

        let signed_out = send(
            router.clone(),
            form_post("/api/sign_out", "", Some(&session), true),
        )
        .await;
        assert!(signed_out.status().is_redirection());
        let (_, expired) = session_cookie(&signed_out).expect("cookie removal");
        assert!(
            expired.contains("Max-Age=0") || expired.contains("1970"),
            "{expired}"
        );
        assert!(
            !page_with(router, &session).await.contains(SIGN_OUT),
            "the old id is dead"
        );
        let left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(left, 0);
    }
);

app::db_test!(on_https_the_session_cookie_is_secure_and_host_only, |db| {
    resident(&db).await;
    let router = server::http::router(state(db, "https://127.0.0.1:3000"));
    let mut request = form_post("/api/sign_in", &sign_in_body(PASSWORD), None, true);
    request
        .headers_mut()
        .insert(header::ORIGIN, "https://127.0.0.1:3000".parse().unwrap());
    let response = send(router, request).await;
    let (name_value, raw) = session_cookie(&response).expect("cookie");
    assert!(name_value.starts_with("__Host-parvis_session="), "{raw}");
    assert!(
        raw.contains("Secure") && raw.contains("Path=/") && !raw.contains("Domain"),
        "{raw}"
    );
});

app::db_test!(a_cross_site_sign_in_is_refused, |db| {
    resident(&db).await;
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    let mut request = form_post("/api/sign_in", &sign_in_body(PASSWORD), None, true);
    request
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    request
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    let response = send(router, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&response).is_none());
});

app::db_test!(too_many_sign_ins_get_429_and_a_translated_message, |db| {
    resident(&db).await;
    // Rate-limit windows are whole minutes: with the system clock, the attempts could
    // straddle two windows (they take several seconds of password hashing) and the
    // limit would never be reached. A fixed clock keeps them in one.
    let router = server::http::router(app::server::state::AppState::detached(
        db,
        url::Url::parse("http://127.0.0.1:3000").unwrap(),
        Clock::fixed(1_800_000_030_000),
    ));
    for _ in 0..6 {
        let response = send(
            router.clone(),
            form_post(
                "/api/sign_in",
                &sign_in_body("wrong password!"),
                None,
                false,
            ),
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = send(
        router.clone(),
        form_post("/api/sign_in", &sign_in_body(PASSWORD), None, false),
    )
    .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()[header::RETRY_AFTER], "60");
    assert!(body_text(limited).await.contains("RateLimited"));

    // A browser posting the form is sent back to it, where the message is shown.
    let form = send(
        router.clone(),
        form_post("/api/sign_in", &sign_in_body(PASSWORD), None, true),
    )
    .await;
    let location = form.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let path = location.trim_start_matches("http://127.0.0.1:3000");
    let page = body_text(send(router, Request::get(path).body(Body::empty()).unwrap()).await).await;
    assert!(page.contains("Trop de tentatives"), "{path}");
});

app::db_test!(
    sign_up_is_limited_to_three_accounts_per_address_per_day,
    |db| {
        let router = server::http::router(state(db, "http://127.0.0.1:3000"));
        for i in 0..4 {
            let body = format!(
                "display_name=R{i}&email=r{i}%40example.org&password={}",
                url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>()
            );
            let response = send(
                router.clone(),
                form_post("/api/sign_up", &body, None, false),
            )
            .await;
            let expected = if i < 3 {
                StatusCode::OK
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(response.status(), expected, "sign-up #{}", i + 1);
        }
    }
);

async fn sign_in_as(router: &axum::Router, email: &str) -> String {
    common::sign_in(router, email, PASSWORD).await
}

async fn admin(db: &app::server::db::Db) {
    account(db, "admin@example.org", "Admin", Role::Admin).await;
}

async fn roles_of_camille(db: &app::server::db::Db) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT r.role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.email = 'camille@example.org'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
}

async fn camille_id(db: &app::server::db::Db) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = 'camille@example.org'")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

app::db_test!(account_server_fns_require_a_signed_in_person, |db| {
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    for path in [
        "/api/profile",
        "/api/sign_out_elsewhere",
        "/api/search_people",
        "/api/role_log",
    ] {
        let body = if path == "/api/search_people" {
            "query=&page=1"
        } else {
            ""
        };
        let response = send(router.clone(), form_post(path, body, None, false)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let page = send(
        router,
        Request::get("/mon-compte").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(page.status(), StatusCode::UNAUTHORIZED);
    assert!(body_text(page)
        .await
        .contains("/connexion?suite=/mon-compte"));
});

app::db_test!(only_administrators_see_people_and_change_roles, |db| {
    resident(&db).await;
    admin(&db).await;
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let citizen = sign_in_as(&router, "camille@example.org").await;
    let target = camille_id(&db).await;
    let grant = format!("user_id={target}&role=admin&change=grant&back=%2F");

    let response = send(
        router.clone(),
        form_post("/api/search_people", "query=&page=1", Some(&citizen), false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = send(
        router.clone(),
        form_post("/api/set_role", &grant, Some(&citizen), false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        roles_of_camille(&db).await.is_empty(),
        "a citizen cannot make themselves admin"
    );
    let page = Request::get("/admin/personnes")
        .header(header::COOKIE, &citizen)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(router.clone(), page).await.status(),
        StatusCode::FORBIDDEN
    );

    let admin = sign_in_as(&router, "admin@example.org").await;
    let agent = format!("user_id={target}&role=agent&change=grant&back=%2Fadmin%2Fpersonnes");
    let response = send(
        router.clone(),
        form_post("/api/set_role", &agent, Some(&admin), true),
    )
    .await;
    assert_eq!(response.headers()[header::LOCATION], "/admin/personnes");
    assert_eq!(roles_of_camille(&db).await, vec!["agent".to_owned()]);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'role_granted' AND target_user_id = $1 AND detail = 'agent'",
    )
    .bind(target)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);
    let page = Request::get("/admin/personnes?q=camille")
        .header(header::COOKIE, &admin)
        .body(Body::empty())
        .unwrap();
    let html = body_text(send(router, page).await).await;
    assert!(
        html.contains("camille@example.org") && !html.contains("admin@example.org</span>"),
        "search filters"
    );
});

app::db_test!(
    a_session_in_use_ends_two_days_after_its_last_request_not_its_sign_in,
    |db| {
        resident(&db).await;
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let session = common::sign_in(&router, "camille@example.org", PASSWORD).await;
        let now_ms = || {
            i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
                .unwrap()
        };
        // As if the sign-in was nearly two days ago: half an hour left.
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE user_id IS NOT NULL")
            .bind(now_ms() + 30 * 60 * 1000)
            .execute(db.pool())
            .await
            .unwrap();

        let response = send(
            router.clone(),
            common::get_with("/mon-espace", Some(&session)),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
        let (_, cookie) = session_cookie(&response).expect("the cookie is renewed");
        assert!(cookie.contains("Max-Age=172800"), "{cookie}");
        let expires_at: i64 =
            sqlx::query_scalar("SELECT expires_at FROM sessions WHERE user_id IS NOT NULL")
                .fetch_one(db.pool())
                .await
                .unwrap();
        let two_days = 2 * 24 * 3600 * 1000;
        assert!(
            expires_at > now_ms() + two_days - 60_000,
            "the session now ends two days after this request"
        );
        // The next request within the hour writes nothing (its cookie is renewed all the same).
        let response = send(router, common::get_with("/mon-espace", Some(&session))).await;
        assert!(session_cookie(&response).is_some());
        let again: i64 =
            sqlx::query_scalar("SELECT expires_at FROM sessions WHERE user_id IS NOT NULL")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(again, expires_at);
    }
);

app::db_test!(
    a_refused_form_names_each_field_to_correct_with_a_link_to_it,
    |db| {
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        // Without JavaScript: the post is refused and the browser sent back to the form.
        let mut post = form_post(
        "/api/sign_up",
        "display_name=Camille&email=camille-at-example.org&password=Le+h%C3%A9ron+p%C3%AAche+au+bord+du+canal",
        None,
        true,
    );
        post.headers_mut().insert(
            header::REFERER,
            "http://127.0.0.1:3000/inscription".parse().unwrap(),
        );
        let refused = send(router.clone(), post).await;
        assert!(refused.status().is_redirection());
        let back = common::location(&refused);
        assert!(back.contains("__err="), "{back}");
        let page = body_text(send(router.clone(), common::get_with(&back, None)).await)
            .await
            .replace("<!>", "");
        let alert = &page[page.find("role=\"alert\"").expect("an alert")..];
        let alert = &alert[..alert.find("</div>").unwrap()];
        assert!(
            alert.contains("Certains champs sont à corriger."),
            "{alert}"
        );
        assert!(
        alert.contains("<a href=\"#champ-email\">Adresse électronique : Saisissez une adresse électronique valide"),
        "{alert}"
    );
        // Only the field in error is named.
        assert!(!alert.contains("#champ-display_name"), "{alert}");
        assert!(!alert.contains("#champ-password"), "{alert}");
    }
);
