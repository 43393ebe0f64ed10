//! What an open proposal page fetches when its event stream names a change
//! (`/forum/propositions/:id/changements`): only the changed comments and the counts,
//! computed with the visitor's own rights, and one render shared by every visitor who
//! would get the same bytes, never by anyone else.

use crate::common;
use crate::common::{body_text, demo_session, form_post, get_with, scalar, send, state};
use axum::http::{header, StatusCode};
use server::page_cache::CACHE_HEADER;

/// The fragment of `uri` for the session `cookie`: the cache's verdict and the HTML.
async fn changes(router: &axum::Router, uri: &str, cookie: Option<&str>) -> (String, String) {
    let response = send(router.clone(), get_with(uri, cookie)).await;
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "no-store",
        "never kept by a browser or a proxy"
    );
    let verdict = response.headers()[CACHE_HEADER]
        .to_str()
        .unwrap()
        .to_owned();
    // Without the renderer's text separators (`<!>`), for reading.
    (verdict, body_text(response).await.replace("<!>", ""))
}

app::db_test!(
    each_visitor_gets_the_change_as_they_may_see_it_and_shares_only_an_identical_render,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let yanis = demo_session(&router, "yanis").await;
        let camille = demo_session(&router, "camille").await;
        let julien = demo_session(&router, "agent.enfance").await;
        let moderator = demo_session(&router, "moderation@").await;
        common::comment(&router, &yanis, "Une+id%C3%A9e+%C3%A0+suivre").await;
        let id = scalar(&db, "SELECT MAX(id) FROM proposal_comments").await;
        let count = scalar(&db, "SELECT comment_count FROM proposals WHERE id = 1").await;
        let uri = format!("/forum/propositions/1/changements?commentaires=1&langue=fr&ids={id}");

        // Signed out: the comment, the counts, no button; the second reader shares it.
        let (verdict, anonymous) = changes(&router, &uri, None).await;
        assert_eq!(verdict, "miss");
        assert!(
            anonymous.contains(&format!("id=\"commentaire-{id}\"")),
            "{anonymous}"
        );
        assert!(anonymous.contains("Une idée à suivre"));
        assert!(anonymous.contains("Yanis Benali"));
        assert!(
            anonymous.contains(&format!("Commentaires ({count})")),
            "{anonymous}"
        );
        assert!(anonymous.contains("data-live=\"support-count\""));
        assert!(!anonymous.contains(&format!("repondre={id}")));
        assert!(!anonymous.contains("Se déconnecter"), "no page around it");
        let (verdict, again) = changes(&router, &uri, None).await;
        assert_eq!(verdict, "hit");
        assert_eq!(again, anonymous);

        // A resident who did not write it: reply and flag; another such resident gets
        // the same bytes from memory.
        let (verdict, resident) = changes(&router, &uri, Some(&camille)).await;
        assert_eq!(verdict, "miss");
        assert!(resident.contains(&format!("repondre={id}")), "{resident}");
        assert!(resident.contains(&format!("/signaler/comment/{id}")));
        assert!(!resident.contains("/api/delete_comment"));
        let (verdict, other) = changes(&router, &uri, Some(&julien)).await;
        assert_eq!(verdict, "hit", "the same rights, the same render");
        assert_eq!(other, resident);

        // Its author: edit and delete, rendered for them alone.
        let (verdict, own) = changes(&router, &uri, Some(&yanis)).await;
        assert_eq!(verdict, "miss");
        assert!(own.contains("/api/delete_comment"), "{own}");
        assert!(own.contains(&format!("modifier={id}")));
        let (_, resident_again) = changes(&router, &uri, Some(&camille)).await;
        assert!(!resident_again.contains("/api/delete_comment"));

        // A moderator: the review link.
        let (_, moderating) = changes(&router, &uri, Some(&moderator)).await;
        assert!(moderating.contains(&format!("/moderation/comment/{id}")));

        // Hidden by a moderator: gone from the next fragment of every visitor, though
        // the earlier render is still in memory.
        let response = send(
            router.clone(),
            form_post(
                "/api/moderate",
                &format!("kind=comment&id={id}&action=hide&reason=spam"),
                Some(&moderator),
                true,
            ),
        )
        .await;
        assert!(response.status().is_redirection());
        let (_, hidden) = changes(&router, &uri, None).await;
        assert!(hidden.contains(&format!("id=\"commentaire-{id}\"")));
        assert!(!hidden.contains("Une idée à suivre"), "{hidden}");
        assert!(!hidden.contains("Yanis Benali"));
        let (_, hidden) = changes(&router, &uri, Some(&camille)).await;
        assert!(!hidden.contains("Une idée à suivre"));
        let (_, own) = changes(&router, &uri, Some(&yanis)).await;
        assert!(
            own.contains("Une idée à suivre"),
            "its author still reads it"
        );
    }
);

app::db_test!(
    a_comment_held_for_review_reaches_its_author_and_moderators_only,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let yanis = demo_session(&router, "yanis").await;
        let camille = demo_session(&router, "camille").await;
        let moderator = demo_session(&router, "moderation@").await;
        common::comment(&router, &yanis, "En+attente+de+relecture").await;
        let id = scalar(&db, "SELECT MAX(id) FROM proposal_comments").await;
        sqlx::query("UPDATE proposal_comments SET moderation = 'held' WHERE id = $1")
            .bind(id)
            .execute(db.pool())
            .await
            .unwrap();
        let uri = format!("/forum/propositions/1/changements?commentaires=1&langue=fr&ids={id}");
        for (who, cookie, sees) in [
            ("signed out", None, false),
            ("another resident", Some(camille.as_str()), false),
            ("its author", Some(yanis.as_str()), true),
            ("a moderator", Some(moderator.as_str()), true),
        ] {
            let (_, html) = changes(&router, &uri, cookie).await;
            assert_eq!(
                html.contains("En attente de relecture"),
                sees,
                "{who}: {html}"
            );
            assert_eq!(html.contains(&format!("commentaire-{id}")), sees, "{who}");
        }
    }
);

app::db_test!(the_changes_come_in_the_page_language, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let (_, english) = changes(
        &router,
        "/forum/propositions/1/changements?commentaires=1&langue=en",
        None,
    )
    .await;
    assert!(english.contains("<html lang=\"en\">"), "{english}");
    assert!(english.contains("Comments ("), "{english}");
    let (_, unknown) = changes(&router, "/forum/propositions/1/changements?langue=xx", None).await;
    assert!(unknown.contains("<html lang=\"fr\">"), "French by default");
});

app::db_test!(bad_requests_for_changes_are_refused_with_a_reason, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let many: Vec<String> = (1..=51).map(|n| n.to_string()).collect();
    for (uri, status) in [
        (
            "/forum/propositions/1/changements?ids=1,x".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!("/forum/propositions/1/changements?ids={}", many.join(",")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/forum/propositions/999999/changements".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/forum/propositions/1/changements?commentaires=-1".to_owned(),
            StatusCode::OK,
        ),
    ] {
        let response = send(router.clone(), get_with(&uri, None)).await;
        assert_eq!(response.status(), status, "{uri}");
        if status != StatusCode::OK {
            let text = body_text(response).await;
            assert!(!text.is_empty() && !text.contains("error"), "{uri}: {text}");
        }
    }
    // A proposal hidden by moderation: not found for anyone else.
    sqlx::query("UPDATE proposals SET moderation = 'hidden' WHERE id = 1")
        .execute(db.pool())
        .await
        .unwrap();
    let response = send(
        router.clone(),
        get_with("/forum/propositions/1/changements", None),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
});
