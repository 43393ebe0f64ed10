//! Appointments and facilities over HTTP: booking and cancelling with plain form posts
//! (no JavaScript), the pages public visitors see, and every endpoint refused to whoever
//! may not use it.

use crate::common::{body_text, demo_session, form_post, get_with, location, scalar, send, state};
use axum::http::StatusCode;

/// The first `prefix…"` found in `html`, without the closing quote.
fn first_after<'a>(html: &'a str, prefix: &str) -> &'a str {
    let start = html
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in page"))
        + prefix.len();
    let end = html[start..].find('"').unwrap() + start;
    &html[start..end]
}

app::db_test!(a_resident_books_and_cancels_with_plain_posts, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let camille = demo_session(&router, "camille").await;
    let agendas = send(router.clone(), get_with("/rendez-vous", None)).await;
    assert_eq!(agendas.status(), StatusCode::OK);
    assert!(body_text(agendas)
        .await
        .contains("Carte d’identité et passeport"));
    let days =
        body_text(send(router.clone(), get_with("/rendez-vous/passeport-cni", None)).await).await;
    let day = first_after(&days, "href=\"/rendez-vous/passeport-cni/");
    let page = body_text(
        send(
            router.clone(),
            get_with(&format!("/rendez-vous/passeport-cni/{day}"), Some(&camille)),
        )
        .await,
    )
    .await;
    let slot = first_after(&page, "name=\"starts_at\" value=\"").to_owned();
    let booked = send(
        router.clone(),
        form_post(
            "/api/book_appointment",
            &format!("slug=passeport-cni&starts_at={slot}"),
            Some(&camille),
            true,
        ),
    )
    .await;
    let confirmation = location(&booked);
    assert!(confirmation.ends_with("?confirme=1"), "{confirmation}");
    let shown =
        body_text(send(router.clone(), get_with(&confirmation, Some(&camille))).await).await;
    assert!(shown.contains("Votre rendez-vous est confirmé"));
    let with_calendar = scalar(
        &db,
        "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'camille.martin@example.org' \
         AND calendar LIKE '%BEGIN:VEVENT%'",
    )
    .await;
    assert_eq!(with_calendar, 1);
    // A second booking in the same agenda goes back to the page with the reason.
    let again = send(
        router.clone(),
        form_post(
            "/api/book_appointment",
            &format!("slug=passeport-cni&starts_at={slot}"),
            Some(&camille),
            true,
        ),
    )
    .await;
    assert!(location(&again).contains("__err="), "{}", location(&again));
    let id: i64 = confirmation
        .trim_start_matches("/mon-espace/rendez-vous/")
        .trim_end_matches("?confirme=1")
        .parse()
        .unwrap();
    let cancelled = send(
        router.clone(),
        form_post(
            "/api/cancel_appointment",
            &format!("id={id}"),
            Some(&camille),
            true,
        ),
    )
    .await;
    assert!(location(&cancelled).ends_with("?annule=1"));
    let status = scalar(
        &db,
        &format!("SELECT COUNT(*) FROM appointments WHERE id = {id} AND status = 'cancelled'"),
    )
    .await;
    assert_eq!(status, 1);
    let directory = body_text(send(router.clone(), get_with("/equipements", None)).await).await;
    assert!(directory.contains("Piscine des Tilleuls"));
    let at_night = body_text(
        send(
            router.clone(),
            get_with("/equipements/mairie?quand=2026-12-06T23:00", None),
        )
        .await,
    )
    .await;
    assert!(
        at_night.contains("Fermé"),
        "the town hall is closed on Sunday night"
    );
});

app::db_test!(
    every_appointment_endpoint_refuses_whoever_may_not_use_it,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let camille = demo_session(&router, "camille").await;
        let agent = demo_session(&router, "agent.etat").await;
        // Yanis's appointment (demo data) and the agenda it is in.
        let theirs = scalar(
            &db,
            "SELECT MIN(a.id) FROM appointments a JOIN users u ON u.id = a.user_id \
         WHERE u.email = 'yanis.benali@example.org'",
        )
        .await;
        let agenda = scalar(
            &db,
            &format!("SELECT agenda_id FROM appointments WHERE id = {theirs}"),
        )
        .await;
        let facility = scalar(&db, "SELECT MIN(id) FROM facilities").await;
        // Someone else's appointment does not exist, whoever asks.
        for (path, body) in [
            ("/api/appointment", format!("id={theirs}")),
            ("/api/cancel_appointment", format!("id={theirs}")),
            ("/api/move_appointment", format!("id={theirs}&starts_at=1")),
            ("/api/appointment", format!("id={theirs}&key=devine")),
        ] {
            let signed_out = send(router.clone(), form_post(path, &body, None, false)).await;
            assert_eq!(
                signed_out.status(),
                StatusCode::NOT_FOUND,
                "{path} signed out"
            );
            let other = send(
                router.clone(),
                form_post(path, &body, Some(&camille), false),
            )
            .await;
            assert_eq!(
                other.status(),
                StatusCode::NOT_FOUND,
                "{path} as another resident"
            );
        }
        for (path, body) in [
            (
                "/api/book_appointment",
                "slug=passeport-cni&starts_at=1".to_owned(),
            ),
            (
                "/api/join_waiting_list",
                "slug=conciliateur&day=2030-01-01".to_owned(),
            ),
            (
                "/api/leave_waiting_list",
                "slug=conciliateur&day=2030-01-01".to_owned(),
            ),
            ("/api/my_appointments", "page=1".to_owned()),
        ] {
            let signed_out = send(router.clone(), form_post(path, &body, None, false)).await;
            assert_eq!(
                signed_out.status(),
                StatusCode::UNAUTHORIZED,
                "{path} signed out"
            );
        }
        let agent_actions = [
            ("/api/desk_agendas", String::new()),
            ("/api/agent_day", format!("agenda_id={agenda}")),
            (
                "/api/mark_appointment",
                format!("id={theirs}&outcome=no_show"),
            ),
            (
                "/api/block_slot",
                format!("agenda_id={agenda}&starts_at=1&blocked=true"),
            ),
            (
                "/api/book_at_counter",
                format!("agenda_id={agenda}&starts_at=1&channel=phone&name=X&phone=0600000000"),
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
                "{path} as a resident: {}",
                resident.status()
            );
        }
        let admin_actions = [
            ("/api/admin_agendas", String::new()),
            ("/api/agenda_admin", format!("id={agenda}")),
            ("/api/save_agenda", format!("id={agenda}&name=X")),
            (
                "/api/add_exception",
                format!("owner=agenda&id={agenda}&first_day=2030-01-01"),
            ),
            (
                "/api/delete_exception",
                format!("owner=agenda&id={agenda}&exception_id=1"),
            ),
            ("/api/admin_facilities", String::new()),
            ("/api/facility_admin", format!("id={facility}")),
            ("/api/save_facility", format!("id={facility}&name=X")),
            (
                "/api/add_exception",
                format!("owner=facility&id={facility}&first_day=2030-01-01"),
            ),
            (
                "/api/delete_exception",
                format!("owner=facility&id={facility}&exception_id=1"),
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
        // The agent of the team sees the day and the attendance to record.
        let desk = send(
            router.clone(),
            form_post(
                "/api/agent_day",
                &format!("agenda_id={agenda}"),
                Some(&agent),
                false,
            ),
        )
        .await;
        assert_eq!(desk.status(), StatusCode::OK);
        assert!(body_text(desk).await.contains("Odette Leroy"));
    }
);
