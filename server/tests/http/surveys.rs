//! Surveys over HTTP: only agents build and export, residents answer with plain form
//! posts (no JavaScript), errors come back to the page, results are open data.

use crate::common;

use crate::common::{body_text, demo_session, form_post, get_req, get_with, scalar, send, state};
use axum::http::{header, StatusCode};

app::db_test!(only_agents_build_publish_and_export_surveys, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let camille = demo_session(&router, "camille").await;
    let moderator = demo_session(&router, "moderation@").await;
    let agent = demo_session(&router, "agent").await;
    let survey = scalar(&db, "SELECT MIN(id) FROM surveys").await;
    let page = scalar(&db, "SELECT MIN(id) FROM survey_pages").await;
    let settings = "title=Essai&intro=&opens_at=2026-12-01T09:00&closes_at=2026-12-31T18:00\
                    &audience=residents&results=live";
    let actions = [
        ("/api/all_surveys", "page=1".to_owned()),
        ("/api/survey_builder", format!("id={survey}")),
        (
            "/api/survey_participants",
            format!("survey_id={survey}&page=1"),
        ),
        ("/api/create_survey", settings.to_owned()),
        (
            "/api/update_survey",
            format!("survey_id={survey}&{settings}"),
        ),
        (
            "/api/add_survey_page",
            format!("survey_id={survey}&page_title=Fin"),
        ),
        (
            "/api/save_survey_question",
            format!("survey_id={survey}&question_id=0&page_id={page}&kind=date&label=Quand"),
        ),
        (
            "/api/delete_survey_item",
            format!("survey_id={survey}&target=page:{page}"),
        ),
        ("/api/publish_survey", format!("survey_id={survey}")),
        ("/api/duplicate_survey", format!("survey_id={survey}")),
    ];
    let surveys_before = scalar(&db, "SELECT COUNT(*) FROM surveys").await;
    for (path, body) in &actions {
        let response = send(router.clone(), form_post(path, body, None, false)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{path} signed out"
        );
        for (who, cookie) in [("resident", &camille), ("moderator", &moderator)] {
            let response = send(router.clone(), form_post(path, body, Some(cookie), false)).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path} as {who}");
        }
    }
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM surveys").await,
        surveys_before
    );
    // An agent creates a survey from the plain form and lands on its builder.
    let response = send(
        router.clone(),
        form_post("/api/create_survey", settings, Some(&agent), true),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        location.starts_with("/consultations/gestion/"),
        "{location}"
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM surveys").await,
        surveys_before + 1
    );

    // The answers' export: agents only, downloaded, never cached.
    let csv = format!("/consultations/{survey}/reponses.csv");
    let response = send(router.clone(), get_with(&csv, None)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = send(router.clone(), get_with(&csv, Some(&camille))).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = send(router.clone(), get_with(&csv, Some(&agent))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "private, no-store"
    );
    let body = body_text(response).await;
    assert!(body.starts_with("reponse,"), "{body}");

    // Free-text review: moderators only.
    let review = format!("survey_id={survey}&key=1:1:0&decision=approve");
    let response = send(
        router.clone(),
        form_post("/api/review_survey_text", &review, Some(&agent), false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
});

app::db_test!(a_resident_answers_with_plain_forms_and_only_once, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let survey = scalar(&db, "SELECT MIN(id) FROM surveys").await;
    let children = scalar(&db, "SELECT MIN(id) FROM survey_questions").await;
    let yes = scalar(
        &db,
        &format!("SELECT MIN(id) FROM survey_choices WHERE question_id = {children}"),
    )
    .await;
    let school = children + 1;
    // Signed out: a survey for residents refuses answers.
    let body = format!("survey_id={survey}&index=0&go=next&t[{children}]={yes}");
    let response = send(
        router.clone(),
        form_post("/api/save_survey_answers", &body, None, false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let camille = demo_session(&router, "camille").await;
    // "Oui" but no school: the error comes back to the page, what was typed is kept.
    let response = send(
        router.clone(),
        form_post("/api/save_survey_answers", &body, Some(&camille), true),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("__err="), "{location}");
    // A choice that does not exist is refused too.
    let tampered = format!("survey_id={survey}&index=0&go=next&t[{children}]=999999");
    let response = send(
        router.clone(),
        form_post("/api/save_survey_answers", &tampered, Some(&camille), false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM survey_drafts").await, 0);

    let school_choice = scalar(
        &db,
        &format!("SELECT MIN(id) FROM survey_choices WHERE question_id = {school}"),
    )
    .await;
    let page1 = format!("{body}&t[{school}]={school_choice}");
    let response = send(
        router.clone(),
        form_post("/api/save_survey_answers", &page1, Some(&camille), true),
    )
    .await;
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("/consultations/{survey}/repondre?page=2")
    );
    let week = school + 1;
    let four = scalar(
        &db,
        &format!("SELECT MIN(id) FROM survey_choices WHERE question_id = {week}"),
    )
    .await;
    let activities = week + 1;
    let sport = scalar(
        &db,
        &format!("SELECT MIN(id) FROM survey_choices WHERE question_id = {activities}"),
    )
    .await;
    let satisfaction = activities + 1;
    // (c) A page refused in an anonymous survey: what was typed comes back through the
    // browser, and no session row ever holds it next to the account.
    let refused = format!(
        "survey_id={survey}&index=1&go=next&m[{activities}][0]=1&o[{activities}]=Marqueur-page"
    );
    let response = send(
        router.clone(),
        form_post("/api/save_survey_answers", &refused, Some(&camille), true),
    )
    .await;
    assert!(
        common::location(&response).contains("__err="),
        "{}",
        common::location(&response)
    );
    let carried = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("parvis_typed=") && v.contains("Marqueur-page"));
    assert!(carried, "what was typed is lost");
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM sessions WHERE data LIKE '%Marqueur%'"
        )
        .await,
        0,
        "a refused page of an anonymous survey was kept in a session"
    );
    let page2 = format!(
        "survey_id={survey}&index=1&go=next&t[{week}]={four}&m[{activities}][{sport}]=1&m[{activities}][0]=1\
         &o[{activities}]=Th%C3%A9%C3%A2tre&t[{satisfaction}]=4"
    );
    let response = send(
        router.clone(),
        form_post("/api/save_survey_answers", &page2, Some(&camille), true),
    )
    .await;
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("/consultations/{survey}/repondre?page=3")
    );
    let page3 = format!("survey_id={survey}&index=2&go=next");
    let response = send(
        router.clone(),
        form_post("/api/save_survey_answers", &page3, Some(&camille), true),
    )
    .await;
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("/consultations/{survey}/merci")
    );
    // An anonymous survey: the answers wait, sealed, for four others.
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM survey_responses").await,
        0
    );
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM survey_pool").await, 1);
    let response = send(
        router.clone(),
        form_post("/api/save_survey_answers", &page3, Some(&camille), false),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM survey_pool").await, 1);

    // (a) Agents see how many took part, not who, while answers still arrive.
    let agent = demo_session(&router, "agent").await;
    let name: String =
        sqlx::query_scalar("SELECT display_name FROM users WHERE email LIKE 'camille%'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let participants = format!("survey_id={survey}&page=1");
    let response = send(
        router.clone(),
        form_post(
            "/api/survey_participants",
            &participants,
            Some(&agent),
            false,
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let listed = body_text(response).await;
    assert!(listed.contains("\"names_hidden\":true"), "{listed}");
    assert!(listed.contains("\"accounts\":1"), "{listed}");
    assert!(!listed.contains(&name), "{listed}");
    let response = send(
        router.clone(),
        get_req(&format!("/consultations/{survey}/resultats.json")),
    )
    .await;
    let json = body_text(response).await;
    assert!(json.contains("\"respondents\": 0"), "{json}");
    assert!(json.contains("\"pending\": 1"), "{json}");

    // Closed, what waited is written (fewer than five: with every answer already
    // there), and the names are listed, without their day.
    sqlx::query("UPDATE surveys SET closes_at = opens_at + 1 WHERE id = $1")
        .bind(survey)
        .execute(db.pool())
        .await
        .unwrap();
    let response = send(
        router.clone(),
        form_post(
            "/api/survey_participants",
            &participants,
            Some(&agent),
            false,
        ),
    )
    .await;
    let listed = body_text(response).await;
    assert!(listed.contains("\"names_hidden\":false"), "{listed}");
    assert!(listed.contains(&name), "{listed}");

    // Live public results, as a page and as open data.
    let response = send(
        router.clone(),
        get_req(&format!("/consultations/{survey}/resultats.json")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let json = body_text(response).await;
    assert!(json.contains("\"respondents\": 1"), "{json}");
    assert!(!json.contains("Théâtre"), "free text waits for review");
    let response = send(
        router.clone(),
        get_req(&format!("/consultations/{survey}/resultats")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = body_text(response).await;
    assert!(html.contains("<svg"), "charts are drawn on the server");
});
