//! Many pages rendered at once, signed out and in: none may stall.
//!
//! Guards against the Leptos SSR stalls (a `<Suspense>` that never resolves) described
//! in README.md, "Known problems". `STRESS_N` raises the number of requests (600 by
//! default; 8,000 over both databases showed no stall when this file was written).

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
    futures::stream::iter(0..requests)
        .map(|i| {
            let router = router.clone();
            let stalled = Arc::clone(&stalled);
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
                if tokio::time::timeout(std::time::Duration::from_secs(20), page)
                    .await
                    .is_err()
                {
                    eprintln!(
                        "{path} (request {i}, signed in: {}) stalled",
                        cookie.is_some()
                    );
                    stalled.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
        .buffer_unordered(24)
        .collect::<Vec<()>>()
        .await;
    assert_eq!(stalled.load(Ordering::SeqCst), 0, "stalled page renders");
});
