//! A form that creates something, posted again with the key it was rendered with,
//! creates it once: a retry after a lost answer, two posts at once, a retry after the
//! process stopped between the commit and the answer, a repeat while the first post is
//! still being answered.

use crate::common::{body_text, demo_session, form_post, get_with, scalar, send, state};
use axum::http::header;

/// The key rendered in the comment form of the first demo proposal, for `cookie`.
async fn rendered_key(router: &axum::Router, cookie: &str) -> String {
    let page = body_text(
        send(
            router.clone(),
            get_with("/forum/propositions/1", Some(cookie)),
        )
        .await,
    )
    .await;
    let at = page
        .find("name=\"__once\" value=\"")
        .expect("the comment form carries its key")
        + "name=\"__once\" value=\"".len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

async fn comments(db: &app::server::db::Db) -> i64 {
    scalar(db, "SELECT COUNT(*) FROM proposal_comments").await
}

fn comment_post(key: &str, text: &str, cookie: &str) -> axum::http::Request<axum::body::Body> {
    let mut request = form_post(
        "/api/add_comment",
        &format!("proposal_id=1&body={text}&__once={key}"),
        Some(cookie),
        true,
    );
    request.headers_mut().insert(
        header::REFERER,
        "http://127.0.0.1:3000/forum/propositions/1"
            .parse()
            .unwrap(),
    );
    request
}

fn location(response: &axum::response::Response) -> String {
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

app::db_test!(a_form_posted_again_creates_nothing_more, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let yanis = demo_session(&router, "yanis").await;
    let camille = demo_session(&router, "camille").await;
    let before = comments(&db).await;

    let key = rendered_key(&router, &yanis).await;
    let first = send(router.clone(), comment_post(&key, "Une+fois", &yanis)).await;
    assert!(first.status().is_redirection(), "{}", first.status());
    let again = send(router.clone(), comment_post(&key, "Une+fois", &yanis)).await;
    assert_eq!(again.status(), first.status(), "the first answer again");
    assert_eq!(location(&again), location(&first));
    assert_eq!(comments(&db).await, before + 1, "one comment for two posts");

    // Another rendering of the form is another key: a second comment.
    let second_key = rendered_key(&router, &yanis).await;
    assert_ne!(second_key, key);
    let response = send(
        router.clone(),
        comment_post(&second_key, "Deux+fois", &yanis),
    )
    .await;
    assert!(response.status().is_redirection());
    assert_eq!(comments(&db).await, before + 2);

    // Someone else's post is never taken for a repeat of Yanis's.
    let response = send(router.clone(), comment_post(&key, "Moi+aussi", &camille)).await;
    assert!(response.status().is_redirection());
    assert_eq!(comments(&db).await, before + 3);

    // The answer was lost with the process, after the commit: the repeat creates nothing
    // and goes back to the page, where the comment shows.
    let lost = rendered_key(&router, &yanis).await;
    let response = send(router.clone(), comment_post(&lost, "Perdu", &yanis)).await;
    assert!(response.status().is_redirection());
    sqlx::query("UPDATE idempotency_keys SET status = NULL, location = NULL WHERE key = $1")
        .bind(&lost)
        .execute(db.pool())
        .await
        .unwrap();
    let response = send(router.clone(), comment_post(&lost, "Perdu", &yanis)).await;
    assert_eq!(response.status(), axum::http::StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/forum/propositions/1");
    assert_eq!(comments(&db).await, before + 4);

    // A key that is not one is ignored: the post is served as any other.
    let response = send(router.clone(), comment_post("x", "Sans+cl%C3%A9", &yanis)).await;
    assert!(response.status().is_redirection());
    assert_eq!(comments(&db).await, before + 5);
});

app::db_test!(a_form_posted_twice_at_once_creates_one_thing, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let yanis = demo_session(&router, "yanis").await;
    let before = comments(&db).await;
    for round in 0..5 {
        let key = rendered_key(&router, &yanis).await;
        let text = format!("Double+clic+{round}");
        let (a, b) = tokio::join!(
            send(router.clone(), comment_post(&key, &text, &yanis)),
            send(router.clone(), comment_post(&key, &text, &yanis)),
        );
        assert!(a.status().is_redirection(), "{}", a.status());
        assert!(b.status().is_redirection(), "{}", b.status());
        assert_eq!(location(&a), location(&b), "both get the first answer");
        assert_eq!(comments(&db).await, before + round + 1, "round {round}");
    }
});

app::db_test!(
    a_repeat_while_the_first_is_being_answered_waits_for_its_answer,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let yanis = demo_session(&router, "yanis").await;
        let key = rendered_key(&router, &yanis).await;
        let first = send(router.clone(), comment_post(&key, "Premier", &yanis)).await;
        let answer = location(&first);
        assert!(answer.contains("#commentaire-"), "{answer}");
        // The moment of a double click the rehearsal hit: the first post has committed, its
        // answer is not recorded yet, and is recorded a little later.
        sqlx::query("UPDATE idempotency_keys SET status = NULL, location = NULL WHERE key = $1")
            .bind(&key)
            .execute(db.pool())
            .await
            .unwrap();
        let recorder = {
            let (db, key, answer) = (db.clone(), key.clone(), answer.clone());
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                sqlx::query(
                    "UPDATE idempotency_keys SET status = 303, location = $1 WHERE key = $2",
                )
                .bind(&answer)
                .bind(&key)
                .execute(db.pool())
                .await
                .unwrap();
            })
        };
        let again = send(router.clone(), comment_post(&key, "Premier", &yanis)).await;
        recorder.await.unwrap();
        assert_eq!(
            location(&again),
            answer,
            "the first post's answer, not the fallback"
        );
    }
);
