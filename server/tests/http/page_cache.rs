//! The forum pages kept for signed-out visitors (`server::page_cache`): never someone's
//! own page, never a hidden contribution, never the wrong language.
//!
//! On PostgreSQL the pages are kept only while the process listens to the others'
//! notifications (`tests/http/cluster.rs` covers that, with two real processes); these tests
//! check there that nothing is kept without the listener.

use crate::common;

use crate::common::{body_text, demo_session, form_post, get_with, send, state};
use app::server::db::DbKind;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use server::page_cache::CACHE_HEADER;

fn cache_status(response: &axum::response::Response) -> Option<String> {
    response
        .headers()
        .get(CACHE_HEADER)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// What a signed-out visitor gets: the cache's verdict and the page.
async fn visit(router: &axum::Router, uri: &str) -> (Option<String>, String) {
    let response = send(router.clone(), get_with(uri, None)).await;
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    let verdict = cache_status(&response);
    (verdict, body_text(response).await)
}

fn expected(kind: DbKind, verdict: &str) -> Option<String> {
    (kind == DbKind::Sqlite).then(|| verdict.to_owned())
}

app::db_test!(
    signed_out_visitors_share_a_page_and_signed_in_ones_never_get_it,
    |db| {
        app::demo::load(&db, &app::server::clock::Clock::System)
            .await
            .unwrap();
        let kind = db.kind();
        let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
        let camille = demo_session(&router, "camille").await;
        let page = "/forum/propositions/1";
        let (first, anonymous) = visit(&router, page).await;
        assert_eq!(first, expected(kind, "miss"));
        let (second, again) = visit(&router, page).await;
        assert_eq!(second, expected(kind, "hit"));
        if kind == DbKind::Sqlite {
            assert_eq!(
                anonymous, again,
                "the same page for every signed-out visitor"
            );
        }
        assert!(anonymous.contains("Se connecter"));
        assert!(!anonymous.contains("Se déconnecter"));

        // Signed in: rendered for this person, never from memory, never kept.
        let response = send(router.clone(), get_with(page, Some(&camille))).await;
        assert_eq!(cache_status(&response), None);
        let own = body_text(response).await;
        assert!(own.contains("Se déconnecter"), "Camille's own page");
        assert!(own.contains("Ajouter un commentaire") || own.contains("Votre commentaire"));
        let (third, after) = visit(&router, page).await;
        assert_eq!(third, expected(kind, "hit"));
        assert!(
            !after.contains("Se déconnecter"),
            "nobody gets Camille's page"
        );

        // A stale or forged session cookie is not a way around it either: rendered.
        let response = send(
            router.clone(),
            get_with(page, Some("parvis_session=forged")),
        )
        .await;
        assert_eq!(cache_status(&response), None);

        // Each language its own page.
        let english = Request::get(page)
            .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.8")
            .body(Body::empty())
            .unwrap();
        let response = send(router.clone(), english).await;
        assert_eq!(cache_status(&response), expected(kind, "miss"));
        let html = body_text(response).await;
        assert!(html.contains("<html lang=\"en\""), "English page");
        assert!(html.contains("Sign in"));
        let (_, french) = visit(&router, page).await;
        assert!(french.contains("<html lang=\"fr\""));
    }
);

app::db_test!(a_hidden_comment_leaves_the_kept_page_at_once, |db| {
    let kind = db.kind();
    let router = common::demo_router(&db).await;
    let yanis = demo_session(&router, "yanis").await;
    let moderator = demo_session(&router, "moderation").await;
    let comment = common::comment(&router, &yanis, "Un+avis+bient%C3%B4t+masqu%C3%A9").await;

    let page = "/forum/propositions/1";
    let (_, before) = visit(&router, page).await;
    assert!(before.contains("Un avis bientôt masqué"));
    let (kept, _) = visit(&router, page).await;
    assert_eq!(kept, expected(kind, "hit"));

    common::moderate_comment(&router, &moderator, comment, "hide").await;
    let (verdict, after) = visit(&router, page).await;
    assert_eq!(verdict, expected(kind, "miss"), "rendered again");
    assert!(!after.contains("Un avis bientôt masqué"), "hidden at once");
    let (_, list) = visit(&router, "/forum").await;
    assert!(!list.contains("Un avis bientôt masqué"));
});

app::db_test!(kept_pages_are_sent_compressed_and_whole, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let (_, plain) = visit(&router, "/forum").await;
    for encoding in ["br", "gzip"] {
        let request = Request::get("/forum")
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let response = send(router.clone(), request).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_ENCODING], encoding);
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        let mut html = Vec::new();
        if encoding == "br" {
            std::io::Read::read_to_end(&mut brotli::Decompressor::new(&bytes[..], 4096), &mut html)
                .unwrap();
        } else {
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut html)
                .unwrap();
        }
        let html = String::from_utf8(html).unwrap();
        if db.kind() == DbKind::Sqlite {
            assert_eq!(html, plain, "{encoding}: the same page");
        }
        // The page's scripts carry the nonce its policy names.
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap();
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{encoding}");
    }
});

app::db_test!(a_comment_drops_its_proposal_and_the_lists_only, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let kind = db.kind();
    let router = server::http::router(state(db.clone(), "http://127.0.0.1:3000"));
    let yanis = demo_session(&router, "yanis").await;
    for page in ["/forum/propositions/1", "/forum/propositions/2", "/forum"] {
        visit(&router, page).await;
        let (kept, _) = visit(&router, page).await;
        assert_eq!(kept, expected(kind, "hit"), "{page}");
    }
    let response = send(
        router.clone(),
        form_post(
            "/api/add_comment",
            "proposal_id=1&body=Un+avis+de+plus",
            Some(&yanis),
            true,
        ),
    )
    .await;
    assert!(response.status().is_redirection());
    let (own, page) = visit(&router, "/forum/propositions/1").await;
    assert_eq!(own, expected(kind, "miss"), "the proposal commented on");
    assert!(page.contains("Un avis de plus"));
    let (list, _) = visit(&router, "/forum").await;
    assert_eq!(list, expected(kind, "miss"), "the lists show the counts");
    let (other, _) = visit(&router, "/forum/propositions/2").await;
    assert_eq!(
        other,
        expected(kind, "hit"),
        "another proposal's page stays"
    );
});

/// The page of `cookie`'s person (signed out for `None`), as text.
async fn page_of(router: &axum::Router, uri: &str, cookie: Option<&str>) -> String {
    let response = send(router.clone(), get_with(uri, cookie)).await;
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    body_text(response).await
}

app::db_test!(
    shared_comment_threads_never_carry_someone_elses_rights_or_hidden_text,
    |db| {
        let router = common::demo_router(&db).await;
        let yanis = demo_session(&router, "yanis").await;
        let camille = demo_session(&router, "camille").await;
        let moderator = demo_session(&router, "moderation").await;
        let comment = common::comment(&router, &yanis, "Le+mot+de+Yanis").await;
        let page = "/forum/propositions/1";
        let edit = format!("modifier={comment}");
        let delete = format!("name=\"comment_id\" value=\"{comment}\"");
        let flag = format!("/signaler/comment/{comment}");
        let review = format!("/moderation/comment/{comment}");

        // Each twice, in an order where every one follows someone else's render.
        for _ in 0..2 {
            let own = page_of(&router, page, Some(&yanis)).await;
            assert!(
                own.contains(&edit) && own.contains(&delete),
                "the author's buttons"
            );
            assert!(!own.contains(&flag), "one does not flag oneself");
            let other = page_of(&router, page, Some(&camille)).await;
            assert!(other.contains("Le mot de Yanis"));
            assert!(
                !other.contains(&edit) && !other.contains(&delete),
                "not Yanis's buttons"
            );
            assert!(other.contains(&flag) && !other.contains(&review));
            let anonymous = page_of(&router, page, None).await;
            assert!(!anonymous.contains(&edit) && !anonymous.contains(&flag));
            let moderating = page_of(&router, page, Some(&moderator)).await;
            assert!(moderating.contains(&review));
            let again = page_of(&router, page, Some(&camille)).await;
            assert!(!again.contains(&review), "not the moderator's links");
        }

        common::moderate_comment(&router, &moderator, comment, "hide").await;
        for _ in 0..2 {
            let moderating = page_of(&router, page, Some(&moderator)).await;
            assert!(
                moderating.contains("Le mot de Yanis"),
                "moderators see what they hid"
            );
            let own = page_of(&router, page, Some(&yanis)).await;
            assert!(
                own.contains("Le mot de Yanis"),
                "the author sees their hidden comment"
            );
            let other = page_of(&router, page, Some(&camille)).await;
            assert!(
                !other.contains("Le mot de Yanis"),
                "hidden from others at once"
            );
            let anonymous = page_of(&router, page, None).await;
            assert!(!anonymous.contains("Le mot de Yanis"));
        }
    }
);
