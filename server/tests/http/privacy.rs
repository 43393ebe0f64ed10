//! The privacy centre over HTTP: new terms asked at sign-in and accepted with a plain
//! form post; exports, consents and erasures reachable by their owner only.

use crate::common;

use crate::common::{body_text, demo_session, form_post, get_with, location, scalar, send, state};
use axum::http::{header, StatusCode};

app::db_test!(new_terms_are_asked_at_the_next_sign_in, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let state = state(db.clone(), "http://127.0.0.1:3000");
    let router = server::http::router(state.clone());
    // Accepted with the account: signing in goes straight on.
    demo_session(&router, "camille").await;
    app::privacy::consents::publish_terms(&state, "Une charte du forum.")
        .await
        .unwrap();
    let body = format!(
        "email=camille.martin%40example.org&password={}&next=%2Fforum",
        app::demo::DEMO_PASSWORD
    );
    let signed_in = send(router.clone(), form_post("/api/sign_in", &body, None, true)).await;
    assert_eq!(
        location(&signed_in),
        "/conditions-utilisation/accepter?suite=/forum"
    );
    let cookie = common::session_cookie(&signed_in).unwrap().0;
    let page = send(
        router.clone(),
        get_with(
            "/conditions-utilisation/accepter?suite=/forum",
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = body_text(page).await;
    assert!(
        html.contains("Une charte du forum."),
        "what changed is shown"
    );
    assert!(
        html.contains("name=\"version\" value=\"2\""),
        "the form accepts version 2"
    );
    // An outdated version is refused; the one in force is accepted and leads on, but only
    // to a page of this site.
    let stale = send(
        router.clone(),
        form_post(
            "/api/accept_terms",
            "version=1&suite=%2Fforum",
            Some(&cookie),
            false,
        ),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let accepted = send(
        router.clone(),
        form_post(
            "/api/accept_terms",
            "version=2&suite=https%3A%2F%2Fevil.example",
            Some(&cookie),
            true,
        ),
    )
    .await;
    assert_eq!(location(&accepted), "/");
    demo_session(&router, "camille").await;
});

app::db_test!(the_privacy_centre_acts_for_its_owner_only, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let mut state = state(db.clone(), "http://127.0.0.1:3000");
    state.uploads.dir = std::env::temp_dir().join(format!(
        "parvis-http-privacy-{}-{}",
        std::process::id(),
        db.kind().name()
    ));
    let router = server::http::router(state.clone());
    // Signed out: refused.
    for endpoint in [
        "/api/request_export",
        "/api/cancel_erasure",
        "/api/set_consent",
    ] {
        let refused = send(
            router.clone(),
            form_post(endpoint, "purpose=digest_mail&given=0", None, false),
        )
        .await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let camille = demo_session(&router, "camille").await;
    let yanis = demo_session(&router, "yanis").await;
    let asked = send(
        router.clone(),
        form_post("/api/request_export", "", Some(&camille), true),
    )
    .await;
    assert_eq!(location(&asked), "/mon-espace/donnees#export");
    app::privacy::export::run_pending(&state).await.unwrap();
    let id = scalar(&db, "SELECT MAX(id) FROM data_exports").await;
    let url = format!("/mon-espace/donnees/export/{id}");
    let mut ready = StatusCode::NOT_FOUND;
    for _ in 0..50 {
        let response = send(router.clone(), get_with(&url, Some(&camille))).await;
        ready = response.status();
        if ready == StatusCode::OK {
            assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
            assert_eq!(
                response.headers()[header::CACHE_CONTROL],
                "private, no-store"
            );
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ready, StatusCode::OK);
    let theirs = send(router.clone(), get_with(&url, Some(&yanis))).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let nobody = send(router.clone(), get_with(&url, None)).await;
    assert_eq!(nobody.status(), StatusCode::UNAUTHORIZED);
    // Consents and erasures are the poster's own.
    let withdrawn = send(
        router.clone(),
        form_post(
            "/api/set_consent",
            "purpose=digest_mail&given=0",
            Some(&yanis),
            true,
        ),
    )
    .await;
    assert_eq!(location(&withdrawn), "/mon-espace/donnees#consentements");
    let erasure = send(
        router.clone(),
        form_post(
            "/api/schedule_erasure",
            "mode=delete&confirm=1",
            Some(&yanis),
            true,
        ),
    )
    .await;
    assert_eq!(location(&erasure), "/mon-espace/donnees#effacement");
    let mine = body_text(
        send(
            router.clone(),
            get_with("/mon-espace/donnees", Some(&camille)),
        )
        .await,
    )
    .await;
    assert!(
        mine.contains("Demander l’effacement"),
        "camille has no erasure planned"
    );
    assert!(!mine.contains("Votre compte sera effacé"));
    let theirs = body_text(
        send(
            router.clone(),
            get_with("/mon-espace/donnees", Some(&yanis)),
        )
        .await,
    )
    .await;
    assert!(theirs.contains("Votre compte sera effacé le"));
    assert!(theirs.contains("refusé"));
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM erasure_requests").await,
        1
    );
});

app::db_test!(
    the_dpo_is_written_to_by_anyone_and_answered_by_administrators,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let form = send(router.clone(), get_with("/contact-dpo", None)).await;
        let html = body_text(form).await;
        assert!(html.contains("Écrire au délégué à la protection des données"));
        assert!(html.contains("name=\"message\""));
        // Signed out, a plain form post.
        let sent = send(
        router.clone(),
        form_post(
            "/api/contact_dpo",
            "kind=access&name=Jean+Visiteur&email=jean%40example.org&message=Quelles+donn%C3%A9es+%3F",
            None,
            true,
        ),
    )
    .await;
        let id = scalar(&db, "SELECT MAX(id) FROM data_requests").await;
        assert_eq!(location(&sent), format!("/contact-dpo?envoyee={id}"));
        // Residents and agents may not see the queue nor act on it.
        let camille = demo_session(&router, "camille").await;
        let agent = demo_session(&router, "agent.etat-civil").await;
        for cookie in [&camille, &agent] {
            for (endpoint, body) in [
                ("/api/privacy_admin", String::new()),
                ("/api/answer_data_request", format!("id={id}&answer=Non")),
                (
                    "/api/set_retention",
                    "category=security_log&months=1".to_owned(),
                ),
                ("/api/publish_terms", "summary=Pirat%C3%A9".to_owned()),
            ] {
                let refused = send(
                    router.clone(),
                    form_post(endpoint, &body, Some(cookie), false),
                )
                .await;
                assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{endpoint}");
            }
        }
        assert_eq!(
            scalar(
                &db,
                "SELECT COUNT(*) FROM data_requests WHERE answered_at IS NOT NULL"
            )
            .await,
            0
        );
        assert_eq!(
            scalar(&db, "SELECT MAX(version) FROM terms_versions").await,
            1
        );
        // The administrator sees it with its deadline and answers.
        let admin = demo_session(&router, "admin").await;
        let page =
            body_text(send(router.clone(), get_with("/admin/donnees", Some(&admin))).await).await;
        assert!(
            page.contains("Jean Visiteur") && page.contains("Réponse attendue au plus tard le")
        );
        let answered = send(
            router.clone(),
            form_post(
                "/api/answer_data_request",
                &format!("id={id}&answer=Aucune+donn%C3%A9e."),
                Some(&admin),
                true,
            ),
        )
        .await;
        assert_eq!(location(&answered), format!("/admin/donnees#demande-{id}"));
        let kept = send(
            router.clone(),
            form_post(
                "/api/set_retention",
                "category=security_log&months=6",
                Some(&admin),
                true,
            ),
        )
        .await;
        assert_eq!(location(&kept), "/admin/donnees?enregistre=1#conservation");
        let register =
            body_text(send(router.clone(), get_with("/registre-des-traitements", None)).await)
                .await;
        assert!(register.contains("Journal") || register.contains("Sécurité"));
        assert!(
            register.contains("6 mois"),
            "the register shows the period in force"
        );
    }
);
