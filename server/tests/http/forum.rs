//! The forum over HTTP: who may propose and support, and what unknown proposals answer.

use crate::common::{body_text, demo_session, form_post, get_req, send, state};
use axum::http::{header, StatusCode};

/// The demo account with this e-mail prefix, signed in; its session cookie.
async fn scalar(db: &app::server::db::Db, sql: &str, id: i64) -> String {
    sqlx::query_scalar::<_, String>(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// The proposal Camille publishes through the form; its id.
async fn camilles_proposal(db: &app::server::db::Db, router: &axum::Router, camille: &str) -> i64 {
    let response = send(
        router.clone(),
        form_post(
            "/api/create_proposal",
            "title=Des+nichoirs+au+parc&body=Pour+les+m%C3%A9sanges.&theme=environnement&neighbourhood=",
            Some(camille),
            true,
        ),
    )
    .await;
    assert!(response.status().is_redirection());
    sqlx::query_scalar("SELECT MAX(id) FROM proposals")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

app::db_test!(proposing_and_supporting_need_an_account, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let proposal = "title=Un+titre+correct&body=Texte&theme=mobilites&neighbourhood=";
    let response = send(
        router.clone(),
        form_post("/api/create_proposal", proposal, None, false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = send(
        router.clone(),
        form_post("/api/set_support", "proposal_id=1&support=1", None, false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proposals")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 6, "only the demo proposals");

    // A browser's form post goes back to the form with the error instead.
    let response = send(
        router,
        form_post("/api/create_proposal", proposal, None, true),
    )
    .await;
    assert!(response.status().is_redirection());
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(location.contains("__err="), "{location}");
});

app::db_test!(
    the_list_and_an_unknown_proposal_answer_as_they_should,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db, "http://127.0.0.1:3000"));
        let list = send(
            router.clone(),
            get_req("/forum?theme=mobilites&tri=soutenues"),
        )
        .await;
        assert_eq!(list.status(), StatusCode::OK);
        let html = body_text(list).await;
        assert!(html.contains("Une zone 30 rue de la République"), "{html}");
        assert!(!html.contains("Végétaliser la cour"), "filtered out");
        let missing = send(router, get_req("/forum/propositions/999999")).await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
);

app::db_test!(public_proposals_are_open_data_without_addresses, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    let csv = send(router.clone(), get_req("/forum/export.csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(
        csv.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let text = body_text(csv).await;
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,url,title,theme,neighbourhood,status,author,published_at,supports,comments,withdrawn")
    );
    assert_eq!(lines.count(), 6, "one line per demo proposal");
    assert!(text.contains("Une zone 30 rue de la République"), "{text}");
    assert!(
        text.contains("http://127.0.0.1:3000/forum/propositions/"),
        "{text}"
    );
    assert!(!text.contains('@'), "no e-mail address: {text}");

    let json = send(router, get_req("/forum/export.json")).await;
    assert_eq!(json.status(), StatusCode::OK);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&body_text(json).await).unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0]["theme"], "Éducation et jeunesse");
    assert!(rows.iter().all(|r| r["supports"].as_i64().is_some()));
});

app::db_test!(nobody_changes_someone_elses_proposal_or_comment, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let camille = demo_session(&router, "camille").await;
    let yanis = demo_session(&router, "yanis").await;
    let id = camilles_proposal(&db, &router, &camille).await;

    let edit = format!(
        "id={id}&title=Titre+pirat%C3%A9&body=Pirat%C3%A9&theme=environnement&neighbourhood="
    );
    let response = send(
        router.clone(),
        form_post("/api/edit_proposal", &edit, Some(&yanis), false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = send(
        router.clone(),
        form_post(
            "/api/withdraw_proposal",
            &format!("id={id}"),
            Some(&yanis),
            false,
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let title = scalar(&db, "SELECT title FROM proposals WHERE id = $1", id).await;
    assert_eq!(title, "Des nichoirs au parc");

    let response = send(
        router.clone(),
        form_post(
            "/api/add_comment",
            &format!("proposal_id={id}&body=Super+id%C3%A9e"),
            Some(&camille),
            true,
        ),
    )
    .await;
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        location.starts_with(&format!(
            "/forum/propositions/{id}?commentaires=1#commentaire-"
        )),
        "{location}"
    );
    let comment: i64 = location.rsplit('-').next().unwrap().parse().unwrap();
    for (path, body) in [
        (
            "/api/edit_comment",
            format!("comment_id={comment}&body=Pirat%C3%A9"),
        ),
        ("/api/delete_comment", format!("comment_id={comment}")),
    ] {
        let response = send(router.clone(), form_post(path, &body, Some(&yanis), false)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let text = scalar(
        &db,
        "SELECT body FROM proposal_comments WHERE id = $1",
        comment,
    )
    .await;
    assert_eq!(text, "Super idée");

    // Signed out: the same requests ask to sign in.
    let response = send(
        router.clone(),
        form_post(
            "/api/add_comment",
            &format!("proposal_id={id}&body=Anonyme"),
            None,
            false,
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // The author may: her edit is stored, her withdrawal closes comments.
    let edit = format!("id={id}&title=Des+nichoirs+au+parc+Moulin&body=Pour+les+m%C3%A9sanges.&theme=environnement&neighbourhood=");
    let response = send(
        router.clone(),
        form_post("/api/edit_proposal", &edit, Some(&camille), false),
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());
    let response = send(
        router.clone(),
        form_post(
            "/api/withdraw_proposal",
            &format!("id={id}"),
            Some(&camille),
            false,
        ),
    )
    .await;
    assert!(response.status().is_success());
    let response = send(
        router,
        form_post(
            "/api/add_comment",
            &format!("proposal_id={id}&body=Trop+tard"),
            Some(&yanis),
            false,
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
});

app::db_test!(only_agents_answer_and_only_admins_keep_the_themes, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let camille = demo_session(&router, "camille").await;
    let agent = demo_session(&router, "agent").await;
    let admin = demo_session(&router, "admin").await;
    let answer = "proposal_id=1&status=accepted&answer=C%27est+d%C3%A9cid%C3%A9.";
    for (who, cookie) in [("resident", &camille), ("admin", &admin)] {
        let response = send(
            router.clone(),
            form_post("/api/answer_proposal", answer, Some(cookie), false),
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(
        scalar(&db, "SELECT status FROM proposals WHERE id = $1", 1).await,
        "open"
    );
    let response = send(
        router.clone(),
        form_post("/api/answer_proposal", answer, Some(&agent), false),
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(
        scalar(&db, "SELECT status FROM proposals WHERE id = $1", 1).await,
        "accepted"
    );
    let page = body_text(send(router.clone(), get_req("/forum/propositions/1")).await).await;
    assert!(
        page.contains("id=\"reponse\"") && page.contains("est décidé."),
        "the answer is shown"
    );

    let add = "kind=theme&name_fr=Propret%C3%A9&name_en=Cleanliness&position=9";
    for (who, cookie) in [("resident", &camille), ("agent", &agent)] {
        let response = send(
            router.clone(),
            form_post("/api/add_category", add, Some(cookie), false),
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let response = send(
        router.clone(),
        form_post("/api/add_category", add, Some(&admin), false),
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());
    let themes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM forum_themes WHERE slug = 'proprete'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(themes, 1);
    let response = send(
        router,
        form_post("/api/notifications", "page=1", None, false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
});

app::db_test!(a_proposal_page_streams_what_changes, |db| {
    use http_body_util::BodyExt;
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let missing = send(
        router.clone(),
        get_req("/forum/propositions/999999/evenements"),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let seq: i64 = sqlx::query_scalar("SELECT event_seq FROM proposals WHERE id = 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let camille = demo_session(&router, "camille").await;
    let response = send(
        router.clone(),
        form_post(
            "/api/add_comment",
            "proposal_id=1&body=En+direct",
            Some(&camille),
            false,
        ),
    )
    .await;
    assert!(response.status().is_success());
    // A browser that saw everything up to `seq` gets the comment, numbered after it.
    let request = axum::http::Request::get("/forum/propositions/1/evenements")
        .header("last-event-id", seq.to_string())
        .body(axum::body::Body::empty())
        .unwrap();
    let stream = send(router, request).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut body = stream.into_body();
    let mut text = String::new();
    while !text.contains("\n\n") {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
            .await
            .expect("an event within 10 s")
            .expect("a frame")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    assert!(text.contains(&format!("id: {}", seq + 1)), "{text}");
    // It names the new comment, never its text (the page fetches that).
    assert!(
        text.contains("\"type\":\"comment\"") && !text.contains("En direct"),
        "{text}"
    );
});

app::db_test!(signing_in_from_a_page_comes_back_to_it, |db| {
    let router = crate::common::demo_router(&db).await;
    let page = body_text(send(router.clone(), get_req("/forum/propositions/1")).await).await;
    assert!(
        page.contains("href=\"/connexion?suite=/forum/propositions/1\""),
        "the header's link names the page"
    );
    let home = body_text(send(router.clone(), get_req("/")).await).await;
    assert!(
        home.contains("href=\"/connexion\""),
        "no return to the home page"
    );

    let body = format!(
        "email=camille.martin%40example.org&password={}&next=%2Fforum%2Fpropositions%2F1",
        app::demo::DEMO_PASSWORD
    );
    let response = send(router.clone(), form_post("/api/sign_in", &body, None, true)).await;
    assert_eq!(
        response.headers()[header::LOCATION],
        "/forum/propositions/1"
    );
    // Another site is never a way back.
    let body = format!(
        "email=camille.martin%40example.org&password={}&next=%2F%2Fevil.example%2Fx",
        app::demo::DEMO_PASSWORD
    );
    let response = send(router, form_post("/api/sign_in", &body, None, true)).await;
    assert_eq!(response.headers()[header::LOCATION], "/");
});
