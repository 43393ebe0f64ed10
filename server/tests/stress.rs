//! Many pages rendered at once, signed out and in: every one answers.
//!
//! Looks for the server render stalls described in README.md, "Known problems" (a page
//! whose response never starts; the stall guard renders it again after 8 s). Every page
//! must answer within 20 s, so a stall the guard does not rescue fails the test; a page
//! slower than 7 s is reported as a stall the guard rescued. `STRESS_N` sets the number
//! of requests (600 by default) and `STRESS_STRICT=1` fails on a rescued stall too:
//! `STRESS_N=2400 STRESS_STRICT=1 cargo test -p server --test stress` reproduced the
//! stall in two runs out of three on the 2-core machine (SQLite, signed-in pages).

// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{body_text, demo_session, get_with, state};
use futures::StreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

app::db_test!(pages_rendered_concurrently_all_answer, |db| {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let kind = db.kind();
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    let camille = demo_session(&router, "camille").await;
    let admin = demo_session(&router, "admin").await;
    let paths = [
        "/forum/propositions/999999",
        "/forum/propositions/1",
        "/",
        "/forum",
        "/mon-compte",
        "/mon-espace",
        "/demarches",
        "/equipements",
        "/admin/personnes",
        "/rendez-vous",
        "/consultations",
    ];
    let requests: usize = std::env::var("STRESS_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(600);
    let stalled = Arc::new(AtomicUsize::new(0));
    let unanswered = Arc::new(AtomicUsize::new(0));
    futures::stream::iter(0..requests)
        .map(|i| {
            let router = router.clone();
            let stalled = Arc::clone(&stalled);
            let unanswered = Arc::clone(&unanswered);
            let path = paths[i % paths.len()];
            let cookie = match i % 3 {
                0 => None,
                1 => Some(camille.clone()),
                _ => Some(admin.clone()),
            };
            async move {
                let page = async {
                    let response = router
                        .oneshot(get_with(path, cookie.as_deref()))
                        .await
                        .unwrap();
                    body_text(response).await
                };
                // Slower than 7 s, under the stall guard's 8 s: past them the guard
                // renders the page again, and the stall would only show as a delay.
                let started = std::time::Instant::now();
                let finished = tokio::time::timeout(std::time::Duration::from_secs(20), page).await;
                let took = started.elapsed();
                if finished.is_err() {
                    unanswered.fetch_add(1, Ordering::SeqCst);
                }
                if took >= std::time::Duration::from_secs(7) {
                    eprintln!(
                        "{path} (request {i}, {}, signed in: {}) took {:.1} s{}",
                        kind.name(),
                        cookie.is_some(),
                        took.as_secs_f64(),
                        if finished.is_err() {
                            " and never answered"
                        } else {
                            ""
                        }
                    );
                    stalled.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
        .buffer_unordered(24)
        .collect::<Vec<()>>()
        .await;
    assert_eq!(
        unanswered.load(Ordering::SeqCst),
        0,
        "pages that never answered"
    );
    if std::env::var("STRESS_STRICT").as_deref() == Ok("1") {
        assert_eq!(stalled.load(Ordering::SeqCst), 0, "stalled page renders");
    }
});
