//! The site search over HTTP (`/recherche?q=`, the header's box): every kind found,
//! accents, plurals and misspellings forgiven, on both databases alike, and nothing shown
//! that its reader may not see.

use crate::common::{body_text, demo_router, get_req, get_with, send};
use axum::http::StatusCode;

/// The results page for `q` (already URL-encoded); its HTML, without the hydration
/// markers (`<!>`) that separate a sentence's interpolated values.
async fn results(router: &axum::Router, q: &str) -> String {
    let response = send(router.clone(), get_req(&format!("/recherche?q={q}"))).await;
    assert_eq!(response.status(), StatusCode::OK, "q={q}");
    body_text(response).await.replace("<!>", "")
}

async fn exec(db: &app::server::db::Db, sql: &str) {
    sqlx::query(sql).execute(db.pool()).await.unwrap();
}

app::db_test!(every_kind_is_found_whatever_the_accents_and_plurals, |db| {
    let router = demo_router(&db).await;
    // "ecole", without its accent: the canteen by its keywords, the proposal by its title
    // (PostgreSQL included: it searches the words Parvis folds, as SQLite does).
    let page = results(&router, "ecole").await;
    assert!(
        page.contains("Inscription à la cantine et au périscolaire"),
        "{page}"
    );
    assert!(
        page.contains("Végétaliser la cour de l’école des Tilleuls"),
        "{page}"
    );
    assert!(page.contains("id=\"demarches\""), "grouped by kind: {page}");
    assert!(page.contains("id=\"propositions\""), "{page}");
    // A plural finds the singular; the counts are written with plural rules.
    let page = results(&router, "Piscines").await;
    assert!(page.contains("Piscine des Tilleuls"), "{page}");
    assert!(page.contains("Équipement (1)"), "{page}");
    let page = results(&router, "rythmes%20scolaires").await;
    assert!(page.contains("Rythmes scolaires : votre avis"), "{page}");
    assert!(
        page.contains("Ouverte jusqu’au"),
        "an open consultation says until when: {page}"
    );
    // The site's own pages, by their words.
    let page = results(&router, "h%C3%A9bergeur").await;
    assert!(page.contains("href=\"/mentions-legales\""), "{page}");
    // The title says what was searched and how much was found.
    assert!(
        page.contains("<title>« hébergeur » : 1 résultat – Recherche"),
        "{page}"
    );
});

app::db_test!(a_misspelt_word_is_searched_as_the_nearest_known_one, |db| {
    let router = demo_router(&db).await;
    let page = results(&router, "biblioteque").await;
    assert!(
        page.contains("« bibliothèque »"),
        "the correction is said: {page}"
    );
    assert!(page.contains("Inscription à la médiathèque"), "{page}");
    let page = results(&router, "piscne").await;
    assert!(page.contains("Piscine des Tilleuls"), "{page}");
    // Nothing near: nothing found, and what to do next.
    let page = results(&router, "zzxqwv").await;
    assert!(page.contains("Aucun résultat pour « zzxqwv »"), "{page}");
    assert!(page.contains("href=\"/demarches\""), "{page}");
});

app::db_test!(the_search_shows_nothing_its_reader_may_not_see, |db| {
    let router = demo_router(&db).await;
    // Before: each is found.
    let page = results(&router, "dimanche").await;
    assert!(
        page.contains("Ouvrir la médiathèque le dimanche matin"),
        "{page}"
    );
    exec(
        &db,
        "UPDATE proposals SET moderation = 'hidden' WHERE title LIKE 'Ouvrir la m%'",
    )
    .await;
    exec(
        &db,
        "UPDATE proposals SET moderation = 'held' WHERE title LIKE 'Un abri %'",
    )
    .await;
    exec(
        &db,
        "UPDATE services SET published = 0 WHERE slug = 'inscription-mediatheque'",
    )
    .await;
    exec(
        &db,
        "UPDATE facilities SET published = 0 WHERE slug = 'piscine'",
    )
    .await;
    exec(&db, "UPDATE surveys SET published_at = NULL").await;
    let camille = crate::common::demo_session(&router, "camille").await;
    let admin = crate::common::demo_session(&router, "admin").await;
    for cookie in [None, Some(camille.as_str()), Some(admin.as_str())] {
        let search = |q: &str| get_with(&format!("/recherche?q={q}"), cookie);
        for (q, hidden) in [
            ("dimanche", "Ouvrir la médiathèque le dimanche matin"),
            ("abri%20velos", "Un abri à vélos sécurisé à la gare"),
            ("inscription%20mediatheque", "Inscription à la médiathèque"),
            ("piscine", "Piscine des Tilleuls"),
            ("rythmes", "Rythmes scolaires : votre avis"),
        ] {
            let page = body_text(send(router.clone(), search(q)).await).await;
            assert!(!page.contains(hidden), "{q} ({cookie:?}) shows {hidden}");
        }
    }
    // The forum's own search agrees.
    let page = body_text(send(router.clone(), get_req("/forum?q=dimanche")).await).await;
    assert!(!page.contains("Ouvrir la médiathèque le dimanche matin"));
});

app::db_test!(hostile_queries_are_answered_calmly, |db| {
    let router = demo_router(&db).await;
    let long = "a%C3%A9".repeat(5_000);
    for q in [
        "%22%20OR%20*%3A(NEAR",
        "%27%3B%20DROP%20TABLE%20proposals%3B--",
        "%00%01",
        "%E2%80%AE%F0%9F%98%80",
        "&q=deux",
        long.as_str(),
        "",
    ] {
        let response = send(router.clone(), get_req(&format!("/recherche?q={q}"))).await;
        assert_eq!(response.status(), StatusCode::OK, "q={q}");
    }
    // Every page carries the search box, a plain GET form.
    let page = body_text(send(router.clone(), get_req("/forum")).await).await;
    assert!(page.contains("action=\"/recherche\""), "{page}");
    assert!(page.contains("id=\"recherche-site\" name=\"q\""), "{page}");
});
