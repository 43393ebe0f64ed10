//! Many pages rendered at once, signed out and in: every one answers.
//!
//! Looks for the server render stalls described in README.md, "Known problems" (a page
//! whose response never starts; the stall guard renders it again after 8 s). Every page
//! must answer within 20 s, so a stall the guard does not rescue fails the test; a page
//! slower than 7 s is reported as a stall the guard rescued. `STRESS_N` sets the number
//! of requests (600 by default) and `STRESS_STRICT=1` fails on a rescued stall too:
//! `STRESS_N=2400 STRESS_STRICT=1 cargo test -p server --test stress` reproduced the
//! stall in two runs out of three on one 2-core machine (SQLite, signed-in pages), and
//! in none of 18 on another. No request may answer a 5xx either.
//!
//! The same pages are also rendered on a runtime of one thread, and the same data
//! loaders sent as plain server-function posts, with no page render around them (no
//! `<Suspense>`, no stall guard: a POST is never retried): which of them stalls places
//! a stall seen again (the database, the pool or the sessions, or the rendering).

// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use axum::Router;
use common::{body_text, demo_session, form_post, get_with, state};
use futures::StreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

fn requests() -> usize {
    std::env::var("STRESS_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(600)
}

/// One request of the hammer: a page (`GET`) or a server function (`POST` with `form`).
struct Call {
    path: &'static str,
    form: Option<&'static str>,
    cookie: Option<String>,
}

/// Sends `calls` 24 at a time; fails if one never answers within 20 s, and (with
/// `STRESS_STRICT=1`) if one took `slow` or more.
async fn hammer(router: &Router, kind: &str, calls: Vec<Call>, slow: Duration) {
    let stalled = Arc::new(AtomicUsize::new(0));
    let unanswered = Arc::new(AtomicUsize::new(0));
    futures::stream::iter(calls.into_iter().enumerate())
        .map(|(i, call)| {
            let router = router.clone();
            let stalled = Arc::clone(&stalled);
            let unanswered = Arc::clone(&unanswered);
            async move {
                let request = match call.form {
                    Some(form) => form_post(call.path, form, call.cookie.as_deref(), false),
                    None => get_with(call.path, call.cookie.as_deref()),
                };
                let page = async {
                    let response = router.oneshot(request).await.unwrap();
                    let status = response.status();
                    (status, body_text(response).await)
                };
                let started = std::time::Instant::now();
                let finished = tokio::time::timeout(Duration::from_secs(20), page).await;
                let took = started.elapsed();
                if let Ok((status, body)) = &finished {
                    assert!(
                        !status.is_server_error(),
                        "{} answered {status}: {body}",
                        call.path
                    );
                } else {
                    unanswered.fetch_add(1, Ordering::SeqCst);
                }
                if took >= slow {
                    eprintln!(
                        "{} (request {i}, {kind}, signed in: {}) took {:.1} s{}",
                        call.path,
                        call.cookie.is_some(),
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
        "requests that never answered"
    );
    if std::env::var("STRESS_STRICT").as_deref() == Ok("1") {
        assert_eq!(stalled.load(Ordering::SeqCst), 0, "stalled requests");
    }
}

/// The demo commune on `db`, its router, and the sessions of a resident and the
/// administrator.
struct Demo {
    kind: app::server::db::DbKind,
    router: Router,
    camille: String,
    admin: String,
}

async fn demo(db: app::server::db::Db) -> Demo {
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let kind = db.kind();
    let router = server::http::router(state(db, "http://127.0.0.1:3000"));
    let camille = demo_session(&router, "camille").await;
    let admin = demo_session(&router, "admin").await;
    Demo {
        kind,
        router,
        camille,
        admin,
    }
}

/// The pages, signed out and in, on `db`.
async fn pages(db: app::server::db::Db) {
    let Demo {
        kind,
        router,
        camille,
        admin,
    } = demo(db).await;
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
    let calls = (0..requests())
        .map(|i| Call {
            path: paths[i % paths.len()],
            form: None,
            cookie: match i % 3 {
                0 => None,
                1 => Some(camille.clone()),
                _ => Some(admin.clone()),
            },
        })
        .collect();
    // Slower than 7 s, under the stall guard's 8 s: past them the guard renders the
    // page again, and the stall would only show as a delay.
    hammer(&router, kind.name(), calls, Duration::from_secs(7)).await;
}

app::db_test!(pages_rendered_concurrently_all_answer, |db| {
    pages(db).await;
});

/// The same on a runtime of one thread: every render, its data loaders and the effects
/// of its `<Suspense>` run on one thread.
#[test]
fn pages_rendered_concurrently_on_one_thread_all_answer() {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(app::server::testing::with_db(
            app::server::db::DbKind::Sqlite,
            pages,
        ));
}

app::db_test!(data_loaders_called_concurrently_all_answer, |db| {
    let Demo {
        kind,
        router,
        camille,
        admin,
    } = demo(db).await;
    let loaders = [
        ("/api/proposal", "id=1&page=1"),
        ("/api/proposal", "id=999999&page=1"),
        (
            "/api/list_proposals",
            "search=&theme=&neighbourhood=&status=&sort=&page=1",
        ),
        ("/api/catalogue", "search="),
        ("/api/notifications", "page=1"),
    ];
    let calls = (0..requests())
        .map(|i| {
            let (path, form) = loaders[i % loaders.len()];
            Call {
                path,
                form: Some(form),
                cookie: Some(if i % 2 == 0 { &camille } else { &admin }.clone()),
            }
        })
        .collect();
    // Nothing renders again here: a stall is the whole wait.
    hammer(&router, kind.name(), calls, Duration::from_secs(7)).await;
});
