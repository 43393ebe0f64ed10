//! Requests over HTTP: filing with files by plain multipart posts (no JavaScript),
//! errors back on the form, files served only to the right people and always as
//! downloads, and every endpoint refused to whoever may not use it.

use crate::common::{body_text, demo_session, form_post, get_with, location, scalar, send, state};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// A browser's multipart post: text fields, then files (field, name, bytes).
fn multipart(
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Request<Body> {
    let boundary = "----parvis-test-boundary";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// The demo commune with its own uploads folder (`name` keeps tests apart); its state
/// and router.
async fn demo_with_uploads(
    db: &app::server::db::Db,
    name: &str,
) -> (app::server::state::AppState, axum::Router) {
    app::demo::load(db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let mut app_state = state(db.clone(), "http://127.0.0.1:3000");
    app_state.uploads.dir = std::env::temp_dir().join(format!(
        "parvis-http-{name}-{}-{}",
        std::process::id(),
        db.kind().name()
    ));
    let router = server::http::router(app_state.clone());
    (app_state, router)
}

/// Starts a canteen registration as the resident of `cookie`: the form page it goes to.
async fn start_canteen(router: &axum::Router, cookie: &str) -> String {
    let started = send(
        router.clone(),
        form_post(
            "/api/start_request",
            "slug=inscription-cantine",
            Some(cookie),
            true,
        ),
    )
    .await;
    location(&started)
}

app::db_test!(a_resident_files_a_canteen_request_with_plain_posts, |db| {
    let (app_state, router) = demo_with_uploads(&db, "files").await;
    let camille = demo_session(&router, "camille").await;
    let yanis = demo_session(&router, "yanis").await;
    let catalogue = send(router.clone(), get_with("/demarches", None)).await;
    assert_eq!(catalogue.status(), StatusCode::OK);
    assert!(body_text(catalogue)
        .await
        .contains("Inscription à la cantine"));
    let form_page = start_canteen(&router, &camille).await;
    assert!(form_page.ends_with("/formulaire"), "{form_page}");
    let id: i64 = form_page
        .trim_start_matches("/mon-espace/demandes/")
        .trim_end_matches("/formulaire")
        .parse()
        .unwrap();
    let action = format!("/mon-espace/demandes/{id}/formulaire");
    // An HTML page renamed .pdf and a missing answer: back to the form, errors in the
    // address, what was typed kept, no file stored.
    let fields = [
        ("f.c2", "Lou Martin"),
        ("f.c3", "2019-09-14"),
        ("f.c4", "École des Tilleuls"),
        ("f.c6", "Lundi"),
        ("f.c6", "Jeudi"),
        ("f.c7", "Non"),
        ("go", "submit"),
    ];
    let html: &[u8] = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
    let refused = send(
        router.clone(),
        multipart(
            &action,
            &camille,
            &fields,
            &[("file.c11", "domicile.pdf", html)],
        ),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    let back = location(&refused);
    assert!(back.starts_with(&format!("{action}?__path=")), "{back}");
    assert!(back.contains("__err="));
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM request_attachments").await,
        0
    );
    let answers: String = sqlx::query_scalar("SELECT answers FROM service_requests WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(answers.contains("Lou Martin"));
    // The form page shows the error next to the field.
    let page = send(router.clone(), get_with(&back, Some(&camille))).await;
    let page = body_text(page).await;
    assert!(
        page.contains("champ-c11-erreur"),
        "error next to the file field"
    );
    assert!(page.contains("Lou Martin"));
    // With a real PDF and the box ticked: submitted.
    let mut fields = fields.to_vec();
    fields.push(("f.c12", "oui"));
    let done = send(
        router.clone(),
        multipart(
            &action,
            &camille,
            &fields,
            &[("file.c11", "domicile.pdf", PDF)],
        ),
    )
    .await;
    assert_eq!(
        location(&done),
        format!("/mon-espace/demandes/{id}?deposee=1")
    );
    let reference: String =
        sqlx::query_scalar("SELECT reference FROM service_requests WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let page = body_text(
        send(
            router.clone(),
            get_with(&format!("/mon-espace/demandes/{id}"), Some(&camille)),
        )
        .await,
    )
    .await;
    assert!(page.contains(&reference));
    // A message with a file that is not a PDF: refused next to the file, the text kept.
    let refused = send(
        router.clone(),
        multipart(
            &format!("/mon-espace/demandes/{id}/messages"),
            &camille,
            &[("body", "Voici le projet d’accueil")],
            &[("file", "pai.pdf", html)],
        ),
    )
    .await;
    let back = location(&refused);
    assert!(back.contains("__err="), "{back}");
    let page = body_text(send(router.clone(), get_with(&back, Some(&camille))).await).await;
    assert!(page.contains("champ-message-file-erreur"));
    assert!(
        page.contains("Voici le projet d’accueil"),
        "the message typed is shown again"
    );
    // The file: to its resident as a download, to nobody else.
    let file_id = scalar(&db, "SELECT MIN(id) FROM request_attachments").await;
    let file = send(
        router.clone(),
        get_with(&format!("/pieces-jointes/{file_id}"), Some(&camille)),
    )
    .await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.headers()[header::CONTENT_TYPE], "application/pdf");
    assert!(file.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    let bytes = axum::body::to_bytes(file.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(&bytes[..], PDF);
    let other = send(
        router.clone(),
        get_with(&format!("/pieces-jointes/{file_id}"), Some(&yanis)),
    )
    .await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let anonymous = send(
        router.clone(),
        get_with(&format!("/pieces-jointes/{file_id}"), None),
    )
    .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // Another resident's request page and message form.
    let page = send(
        router.clone(),
        get_with(&format!("/mon-espace/demandes/{id}"), Some(&yanis)),
    )
    .await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let message = send(
        router.clone(),
        multipart(
            &format!("/mon-espace/demandes/{id}/messages"),
            &yanis,
            &[("body", "Bonjour")],
            &[],
        ),
    )
    .await;
    assert!(location(&message).contains("__err="));
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM request_events WHERE kind = 'message'"
        )
        .await,
        0
    );
    let _ = std::fs::remove_dir_all(&app_state.uploads.dir);
});

app::db_test!(
    every_request_endpoint_is_refused_to_whoever_may_not_use_it,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let camille = demo_session(&router, "camille").await;
        let agent = demo_session(&router, "agent.etat").await;
        // The demo request (Yanis's library card) and its service.
        let request = scalar(&db, "SELECT MIN(id) FROM service_requests").await;
        let service = scalar(&db, "SELECT service_id FROM service_requests WHERE id = (SELECT MIN(id) FROM service_requests)").await;
        let agent_actions = [
            ("/api/request", format!("id={request}")),
            ("/api/cancel_request", format!("id={request}")),
            ("/api/queue", format!("service_id={service}&page=1")),
            ("/api/service_stats", format!("service_id={service}")),
            (
                "/api/change_request_status",
                format!("id={request}&status=accepted&message=Oui"),
            ),
            ("/api/add_request_note", format!("id={request}&note=x")),
            ("/api/assign_request", format!("id={request}&assignee=me")),
            (
                "/api/start_counter_request",
                format!("service_id={service}&channel=counter&email=&name=X&phone=0123456789"),
            ),
        ];
        for (path, body) in &agent_actions {
            let signed_out = send(router.clone(), form_post(path, body, None, false)).await;
            assert_eq!(
                signed_out.status(),
                StatusCode::UNAUTHORIZED,
                "{path} signed out"
            );
            let resident = send(router.clone(), form_post(path, body, Some(&camille), false)).await;
            assert!(
                [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&resident.status()),
                "{path} as another resident: {}",
                resident.status()
            );
        }
        let admin_actions = [
            ("/api/admin_services", String::new()),
            ("/api/service_admin", format!("id={service}")),
            (
                "/api/save_service",
                "id=0&slug=essai&category=other&title=Essai&retention_months=12".to_owned(),
            ),
            (
                "/api/add_service_agent",
                format!("id={service}&email=x%40y.fr"),
            ),
            (
                "/api/remove_service_agent",
                format!("id={service}&user_id=1"),
            ),
            (
                "/api/add_service_template",
                format!("id={service}&template_title=a&template_body=b"),
            ),
            (
                "/api/delete_service_template",
                format!("id={service}&template_id=1"),
            ),
            (
                "/api/save_service_field",
                format!("id={service}&kind=short_text&label=Nom"),
            ),
            (
                "/api/change_service_field",
                format!("id={service}&key=c1&action=delete"),
            ),
        ];
        for (path, body) in &admin_actions {
            let signed_out = send(router.clone(), form_post(path, body, None, false)).await;
            assert_eq!(
                signed_out.status(),
                StatusCode::UNAUTHORIZED,
                "{path} signed out"
            );
            let as_agent = send(router.clone(), form_post(path, body, Some(&agent), false)).await;
            assert_eq!(
                as_agent.status(),
                StatusCode::FORBIDDEN,
                "{path} as an agent"
            );
        }
        // The queue's CSV: agents of the team only.
        let csv = format!("/guichet/{service}/export.csv?statut=all");
        let refused = send(router.clone(), get_with(&csv, Some(&camille))).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let refused = send(router.clone(), get_with(&csv, None)).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        let export = send(router.clone(), get_with(&csv, Some(&agent))).await;
        assert_eq!(export.status(), StatusCode::OK);
        assert!(export.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        assert_eq!(export.headers()[header::CACHE_CONTROL], "private, no-store");
        assert!(body_text(export).await.contains("Yanis Benali"));
        // The agent's opening of the request is recorded.
        let before = scalar(&db, "SELECT COUNT(*) FROM request_accesses").await;
        let page = send(
            router.clone(),
            get_with(&format!("/guichet/demandes/{request}"), Some(&agent)),
        )
        .await;
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM request_accesses").await,
            before + 1
        );
    }
);

app::db_test!(
    a_long_timeline_is_paged_for_its_resident_and_its_agents,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        // Yanis's demo request (1) gets 60 more messages: two pages of timeline.
        let yanis_id = scalar(&db, "SELECT user_id FROM service_requests WHERE id = 1").await;
        for n in 0..60 {
            sqlx::query(
            "INSERT INTO request_events (request_id, kind, author_id, from_agent, body, created_at) \
             VALUES (1, 'message', $1, 0, $2, $3)",
        )
        .bind(yanis_id)
        .bind(format!("Relance numéro {n}"))
        .bind(1_900_000_000_000_i64 + n)
        .execute(db.pool())
        .await
        .unwrap();
        }
        let yanis = demo_session(&router, "yanis").await;
        let agent = demo_session(&router, "agent.etat-civil").await;
        let camille = demo_session(&router, "camille").await;
        for (who, base) in [
            (&yanis, "/mon-espace/demandes/1"),
            (&agent, "/guichet/demandes/1"),
        ] {
            let latest = send(router.clone(), get_with(base, Some(who))).await;
            assert_eq!(latest.status(), StatusCode::OK, "{base}");
            let latest = body_text(latest).await;
            // Page 1: the latest 50 events (messages 10 to 59), newest last.
            assert_eq!(latest.matches("Relance numéro ").count(), 50, "{base}");
            assert!(latest.contains("Relance numéro 10"), "{base}");
            assert!(!latest.contains("Relance numéro 9"), "{base}");
            assert!(latest.contains("Pages du suivi de la demande"), "{base}");
            assert!(latest.contains(&format!("{base}?fil=2#suivi")), "{base}");
            let older = send(
                router.clone(),
                get_with(&format!("{base}?fil=2"), Some(who)),
            )
            .await;
            assert_eq!(older.status(), StatusCode::OK, "{base}");
            let older = body_text(older).await;
            // Page 2: messages 0 to 9 and the request's first events.
            assert_eq!(older.matches("Relance numéro ").count(), 10, "{base}");
            assert!(older.contains("Relance numéro 9"), "{base}");
            assert!(!older.contains("Relance numéro 10"), "{base}");
            assert!(older.contains(&format!("{base}?fil=1#suivi")), "{base}");
        }
        // Another resident gets neither page.
        for path in ["/mon-espace/demandes/1?fil=2", "/guichet/demandes/1?fil=2"] {
            let page = body_text(send(router.clone(), get_with(path, Some(&camille))).await).await;
            assert!(!page.contains("Relance numéro"), "{path}");
        }
    }
);

app::db_test!(
    a_residents_draft_and_its_files_are_hidden_from_agents_until_filed,
    |db| {
        let (_, router) = demo_with_uploads(&db, "drafts").await;
        let camille = demo_session(&router, "camille").await;
        let agent = demo_session(&router, "agent.enfance").await;
        let id: i64 = start_canteen(&router, &camille)
            .await
            .trim_start_matches("/mon-espace/demandes/")
            .trim_end_matches("/formulaire")
            .parse()
            .unwrap();
        let saved = send(
            router.clone(),
            multipart(
                &format!("/mon-espace/demandes/{id}/formulaire"),
                &camille,
                &[("f.c2", "Lou Martin"), ("go", "save")],
                &[("file.c11", "domicile.pdf", PDF)],
            ),
        )
        .await;
        assert!(saved.status().is_redirection());
        let file = scalar(&db, "SELECT MAX(id) FROM request_attachments").await;
        assert!(file > 0, "the draft holds a file");
        for path in [
            format!("/pieces-jointes/{file}"),
            format!("/guichet/demandes/{id}"),
            format!("/guichet/demandes/{id}/formulaire"),
        ] {
            let response = send(router.clone(), get_with(&path, Some(&agent))).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let own = send(
            router.clone(),
            get_with(&format!("/pieces-jointes/{file}"), Some(&camille)),
        )
        .await;
        assert_eq!(own.status(), StatusCode::OK, "its author still gets it");
    }
);

app::db_test!(
    a_message_with_a_file_sent_again_after_a_lost_answer_is_stored_once,
    |db| {
        let (_, router) = demo_with_uploads(&db, "once").await;
        let yanis = demo_session(&router, "yanis").await;
        let page = body_text(
            send(
                router.clone(),
                get_with("/mon-espace/demandes/1", Some(&yanis)),
            )
            .await,
        )
        .await;
        // The form's address carries the key drawn when it was rendered.
        let start = page
            .find("action=\"/mon-espace/demandes/1/messages?__once=")
            .expect("the message form posts to an address with its key")
            + "action=\"".len();
        let action = page[start..start + page[start..].find('"').unwrap()].to_owned();
        let messages = || async {
            scalar(
                &db,
                "SELECT COUNT(*) FROM request_events WHERE request_id = 1 AND kind = 'message'",
            )
            .await
        };
        let files = || async { scalar(&db, "SELECT COUNT(*) FROM request_attachments").await };
        let (before, files_before) = (messages().await, files().await);
        let post = || {
            multipart(
                &action,
                &yanis,
                &[("body", "Voici le justificatif demandé")],
                &[("file", "justificatif.pdf", PDF)],
            )
        };
        let first = send(router.clone(), post()).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        assert!(!location(&first).contains("__err="), "{}", location(&first));
        // The answer was lost: the browser sends the same form again.
        let again = send(router.clone(), post()).await;
        assert_eq!(again.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&again), location(&first), "the first answer");
        assert_eq!(messages().await, before + 1, "one message");
        assert_eq!(files().await, files_before + 1, "one file");
        // Another key (a form rendered again): another message.
        let other = action.replace("__once=", "__once=0123456789abcdef0123456789abcdef&x=");
        let response = send(
            router.clone(),
            multipart(&other, &yanis, &[("body", "Un second envoi")], &[]),
        )
        .await;
        assert!(!location(&response).contains("__err="));
        assert_eq!(messages().await, before + 2);
    }
);
