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
