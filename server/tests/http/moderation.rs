//! Moderation over HTTP: every action refused to those who may not take it, a bulk
//! decision read from a plain form, the public log open to all.

use crate::common::{body_text, demo_session, form_post, get_req, send, state};
use axum::http::StatusCode;

async fn scalar(db: &app::server::db::Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

/// Yanis's comment on the first demo proposal; its id.
async fn yanis_comment(
    db: &app::server::db::Db,
    router: &axum::Router,
    yanis: &str,
    text: &str,
) -> i64 {
    let body = format!("proposal_id=1&body={text}");
    let response = send(
        router.clone(),
        form_post("/api/add_comment", &body, Some(yanis), true),
    )
    .await;
    assert!(response.status().is_redirection());
    scalar(db, "SELECT MAX(id) FROM proposal_comments").await
}

app::db_test!(only_moderators_review_decide_sanction_and_configure, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let camille = demo_session(&router, "camille").await;
    let yanis = demo_session(&router, "yanis").await;
    let agent = demo_session(&router, "agent").await;
    let admin = demo_session(&router, "admin").await;
    let comment = yanis_comment(&db, &router, &yanis, "Un+avis").await;

    let actions = [
        (
            "/api/moderation_queue",
            "kind=&reason=&age=&page=1".to_owned(),
        ),
        (
            "/api/moderation_review",
            format!("kind=comment&id={comment}"),
        ),
        (
            "/api/moderate",
            format!("kind=comment&id={comment}&action=hide&reason=spam"),
        ),
        (
            "/api/moderate_many",
            format!("items[0]=comment:{comment}&action=hide&reason=spam"),
        ),
        (
            "/api/settle_appeal",
            "appeal_id=1&outcome=overturn".to_owned(),
        ),
        (
            "/api/sanction",
            format!("kind=comment&id={comment}&sanction=ban&sanction_reason=abuse"),
        ),
        ("/api/moderation_settings", String::new()),
        ("/api/set_premoderation", "theme=education&on=1".to_owned()),
        ("/api/save_watched_words", "words=casino".to_owned()),
    ];
    for (path, body) in &actions {
        let response = send(router.clone(), form_post(path, body, None, false)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{path} signed out"
        );
        // Residents, agents and administrators are not moderators.
        for who in [&camille, &agent, &admin] {
            let response = send(router.clone(), form_post(path, body, Some(who), false)).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
    }
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM moderation_decisions").await,
        0
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM moderation_sanctions").await,
        0
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM moderation_watched_words").await,
        0
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT premoderated FROM forum_themes WHERE slug = 'education'"
        )
        .await,
        0
    );

    // Flagging and appealing need an account; an appeal is the author's alone.
    let flag = format!("kind=comment&id={comment}&reason=spam&detail=");
    let response = send(
        router.clone(),
        form_post("/api/flag_item", &flag, None, false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let moderator = demo_session(&router, "moderation@").await;
    let hide = format!("kind=comment&id={comment}&action=hide&reason=abuse&rule=&note=&passage=");
    let response = send(
        router.clone(),
        form_post("/api/moderate", &hide, Some(&moderator), true),
    )
    .await;
    assert!(response.status().is_redirection());
    assert_eq!(
        scalar(&db, &format!("SELECT COUNT(*) FROM proposal_comments WHERE id = {comment} AND moderation = 'hidden'")).await,
        1
    );
    let decision = scalar(&db, "SELECT MAX(id) FROM moderation_decisions").await;
    let appeal = format!("decision_id={decision}&text=Ce+n%27est+pas+moi");
    let response = send(
        router.clone(),
        form_post("/api/appeal", &appeal, Some(&camille), false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = send(
        router.clone(),
        form_post("/api/appeal", &appeal, None, false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM moderation_appeals").await,
        0
    );
    // The audit log names the moderator, for administrators only.
    for who in [&camille, &moderator] {
        let response = send(
            router.clone(),
            form_post("/api/audit_log", "area=moderation&page=1", Some(who), false),
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let response = send(
        router.clone(),
        form_post(
            "/api/audit_log",
            "area=moderation&page=1",
            Some(&admin),
            false,
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let audit = body_text(response).await;
    assert!(
        audit.contains("moderation_hide") && audit.contains("Malik Perrin"),
        "{audit}"
    );
    // Hidden: the comment's text is on nobody else's page.
    let page = body_text(send(router.clone(), get_req("/forum/propositions/1")).await).await;
    assert!(!page.contains("Un avis"), "hidden text served");
    assert!(
        page.contains("masqué par la modération"),
        "placeholder shown"
    );
});

app::db_test!(
    a_bulk_decision_reads_the_ticked_items_of_a_plain_form,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let yanis = demo_session(&router, "yanis").await;
        let moderator = demo_session(&router, "moderation@").await;
        let first = yanis_comment(&db, &router, &yanis, "Premier").await;
        // New accounts wait between posts; the demo accounts are not new.
        let second = yanis_comment(&db, &router, &yanis, "Second").await;
        let body = format!(
        "items%5B0%5D=comment%3A{first}&items%5B1%5D=comment%3A{second}&action=hide&reason=spam"
    );
        let response = send(
            router.clone(),
            form_post("/api/moderate_many", &body, Some(&moderator), true),
        )
        .await;
        assert!(response.status().is_redirection());
        assert_eq!(
            scalar(
                &db,
                "SELECT COUNT(*) FROM proposal_comments WHERE moderation = 'hidden'"
            )
            .await,
            2
        );
        // Nothing ticked: an error, nothing decided.
        let response = send(
            router.clone(),
            form_post(
                "/api/moderate_many",
                "action=keep&reason=",
                Some(&moderator),
                false,
            ),
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The public log shows both decisions without the moderator's name.
        let log = send(router.clone(), get_req("/moderation/journal")).await;
        assert_eq!(log.status(), StatusCode::OK);
        let html = body_text(log).await;
        assert_eq!(html.matches("Spam ou publicité").count(), 2, "{html}");
        assert!(!html.contains("Malik Perrin"), "no moderator name");
        // The queue page is the moderators'.
        let queue = send(router, get_req("/moderation")).await;
        assert_eq!(queue.status(), StatusCode::UNAUTHORIZED);
    }
);
