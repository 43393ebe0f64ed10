//! The home page over HTTP: the town now for everyone (open consultations, the town
//! hall's answers, facilities, the services most asked for, how to reach the town hall),
//! and first, for a signed-in person, what waits for them: their own, never anyone
//! else's, and nothing held, hidden or unpublished.

use crate::common::{body_text, demo_session, get_with, scalar, send, state};
use app::server::db::DbKind;
use axum::http::StatusCode;
use server::page_cache::CACHE_HEADER;

/// The home page as `cookie`'s person (or a signed-out visitor) gets it, without the
/// hydration markers (`<!>`) between a sentence's interpolated values.
async fn home(router: &axum::Router, cookie: Option<&str>) -> (Option<String>, String) {
    let response = send(router.clone(), get_with("/", cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let verdict = response
        .headers()
        .get(CACHE_HEADER)
        .map(|v| v.to_str().unwrap().to_owned());
    (verdict, body_text(response).await.replace("<!>", ""))
}

async fn exec(db: &app::server::db::Db, sql: &str) {
    sqlx::query(sql).execute(db.pool()).await.unwrap();
}

/// A router on the demo commune, and its state (to drop what it keeps, as a write does).
async fn demo(db: &app::server::db::Db) -> (axum::Router, app::server::state::AppState) {
    app::demo::load(db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let state = state(db.clone(), "http://127.0.0.1:3000");
    (server::http::router(state.clone()), state)
}

app::db_test!(the_home_page_says_what_is_happening_in_the_town, |db| {
    let (router, _) = demo(&db).await;
    let (_, page) = home(&router, None).await;
    // The open consultation, with its closing day in words.
    assert!(page.contains("Consultations ouvertes"), "{page}");
    assert!(page.contains("Rythmes scolaires : votre avis"), "{page}");
    assert!(page.contains("jusqu’au "), "{page}");
    // The town hall's answer, with its status.
    assert!(
        page.contains("Les dernières réponses de la mairie"),
        "{page}"
    );
    assert!(
        page.contains("href=\"/forum/propositions/2#reponse\""),
        "{page}"
    );
    assert!(page.contains("À l’étude"), "{page}");
    // Facilities by their state now, and the town hall's contact and hours.
    assert!(page.contains("Équipements"), "{page}");
    assert!(page.contains("href=\"/equipements/piscine\""), "{page}");
    assert!(page.contains("Contacter la mairie"), "{page}");
    assert!(page.contains("href=\"tel:0200000000\""), "{page}");
    assert!(page.contains("Horaires d’ouverture de la mairie"), "{page}");
    // The most asked for service (the demo's one request) comes first.
    let services = &page[page.find("Les démarches les plus demandées").unwrap()..];
    let first_card = &services[services.find("href=\"/demarches/").unwrap()..];
    assert!(
        first_card.starts_with("href=\"/demarches/inscription-mediatheque\""),
        "{first_card}"
    );
    // Signed out: nothing personal.
    assert!(!page.contains("Pour vous"), "{page}");
    // One main heading, and times in words, never as UTC or ISO.
    assert_eq!(page.matches("<h1").count(), 1, "{page}");
    assert!(!page.contains("UTC"), "{page}");
});

app::db_test!(
    the_home_page_shows_nothing_held_hidden_or_unpublished,
    |db| {
        let (router, state) = demo(&db).await;
        let (_, before) = home(&router, None).await;
        assert!(before.contains("Une zone 30 rue de la République"));
        assert!(before.contains("Rythmes scolaires : votre avis"));
        assert!(before.contains("Inscription à la médiathèque"));
        exec(
            &db,
            "UPDATE proposals SET moderation = 'hidden' WHERE id = 2",
        )
        .await;
        exec(&db, "UPDATE surveys SET published_at = NULL").await;
        exec(
            &db,
            "UPDATE services SET published = 0 WHERE slug = 'inscription-mediatheque'",
        )
        .await;
        // What a change made by a server process does: every kept page and town dropped.
        state.live.pages.invalidate(None);
        let (_, after) = home(&router, None).await;
        assert!(
            !after.contains("Une zone 30 rue de la République"),
            "{after}"
        );
        assert!(!after.contains("Rythmes scolaires : votre avis"), "{after}");
        assert!(!after.contains("Inscription à la médiathèque"), "{after}");
        // Each block says it is empty rather than vanishing.
        assert!(
            after.contains("Aucune consultation n’est ouverte en ce moment."),
            "{after}"
        );
        assert!(
            after.contains("La mairie n’a encore répondu à aucune proposition."),
            "{after}"
        );
    }
);

app::db_test!(
    a_resident_sees_first_what_waits_for_them_and_only_theirs,
    |db| {
        let (router, _) = demo(&db).await;
        // The demo's request is Yanis's: the library asks him for information, with a message.
        exec(
            &db,
            "UPDATE service_requests SET status = 'info_requested', unread_for_resident = 2",
        )
        .await;
        let yanis = demo_session(&router, "yanis").await;
        let (verdict, page) = home(&router, Some(&yanis)).await;
        assert_eq!(verdict, None, "a personal page is never kept");
        let for_you = page.find("Pour vous, Yanis Benali").expect("for you");
        let town = page.find("En ce moment dans la commune").expect("town");
        assert!(for_you < town, "for you comes first");
        assert!(page.contains("1 demande attend votre action"), "{page}");
        assert!(page.contains("Messages de la mairie non lus : 2"), "{page}");
        assert!(page.contains("Informations demandées"), "{page}");
        let id = scalar(&db, "SELECT id FROM service_requests").await;
        assert!(
            page.contains(&format!("href=\"/mon-espace/demandes/{id}\"")),
            "{page}"
        );
        assert!(page.contains("Aucun rendez-vous à venir."), "{page}");

        // A booked appointment to come is his next one; past and cancelled ones are not.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let day = 86_400_000_i64;
        for (at, status) in [
            (now - day, "booked"),
            (now + day, "cancelled"),
            (now + 3 * day, "booked"),
            (now + 5 * day, "booked"),
        ] {
            exec(
                &db,
                &format!(
                    "INSERT INTO appointments (agenda_id, starts_at, ends_at, user_id, channel, \
                     status, manage_key, created_at, updated_at) SELECT a.id, {at}, {at} + 1800000, \
                     u.id, 'web', '{status}', 'k{at}', {now}, {now} FROM agendas a, users u \
                     WHERE a.slug = 'passeport-cni' AND u.email = 'yanis.benali@example.org'"
                ),
            )
            .await;
        }
        let (_, page) = home(&router, Some(&yanis)).await;
        let next = scalar(
            &db,
            &format!(
                "SELECT id FROM appointments WHERE starts_at = {}",
                now + 3 * day
            ),
        )
        .await;
        assert!(
            page.contains(&format!("href=\"/mon-espace/rendez-vous/{next}\"")),
            "{page}"
        );
        assert_eq!(
            page.matches("href=\"/mon-espace/rendez-vous/").count(),
            1,
            "{page}"
        );
        assert!(!page.contains("Aucun rendez-vous à venir."), "{page}");

        // Camille has nothing waiting, and sees nothing of Yanis's.
        let camille = demo_session(&router, "camille").await;
        let (_, page) = home(&router, Some(&camille)).await;
        assert!(page.contains("Pour vous, Camille Martin"), "{page}");
        assert!(page.contains("0 demande attend votre action"), "{page}");
        assert!(
            page.contains("Rien n’attend votre action pour l’instant."),
            "{page}"
        );
        assert!(
            !page.contains(&format!("/mon-espace/demandes/{id}")),
            "{page}"
        );
        assert!(
            !page.contains("Messages de la mairie non lus : 2"),
            "{page}"
        );
    }
);

app::db_test!(signed_out_visitors_share_one_home_page, |db| {
    let (router, _) = demo(&db).await;
    let expected = |verdict: &str| (db.kind() == DbKind::Sqlite).then(|| verdict.to_owned());
    let (first, page) = home(&router, None).await;
    assert_eq!(first, expected("miss"));
    let (second, again) = home(&router, None).await;
    assert_eq!(second, expected("hit"));
    if db.kind() == DbKind::Sqlite {
        assert_eq!(page, again);
    }
    // A query string the page does not read is not looked up (nor kept).
    let response = send(router.clone(), get_with("/?x=1", None)).await;
    assert_eq!(response.headers().get(CACHE_HEADER), None);
});
