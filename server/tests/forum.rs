//! The forum over HTTP: who may propose and support, and what unknown proposals answer.

// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use axum::http::{header, StatusCode};
use common::{body_text, form_post, get_req, send, state};

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
