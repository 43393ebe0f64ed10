//! SQL queries per request do not grow with the data: each list page is rendered with
//! 10 items and with 100, on SQLite and on PostgreSQL, and must run the same number of
//! queries both times (no query per row: no N+1).
//!
//! Queries are counted from sqlx's own log of every statement it runs (target
//! `sqlx::query`). This file holds a single test, so that nothing else runs queries in
//! this process while it counts.

// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use app::server::db::{Db, DbKind};
use common::{body_text, demo_session, get_with, send, state};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// The statements counted since the last reset (their number is the count).
static STATEMENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Counts the statements sqlx logs, except the settings a new pooled connection applies
/// (SQLite's `PRAGMA`s): connections open lazily, whenever a render needs one more.
struct CountQueries;

struct Summary(String);

impl tracing::field::Visit for Summary {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            value.clone_into(&mut self.0);
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for CountQueries {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut summary = Summary(String::new());
        event.record(&mut summary);
        let setting = summary
            .0
            .trim_start_matches('"')
            .to_ascii_uppercase()
            .starts_with("PRAGMA");
        if !setting {
            STATEMENTS.lock().unwrap().push(summary.0);
        }
    }
}

/// Pages whose lists grow with the data, keyed by what they list: the statements run.
type Counts = BTreeMap<String, Vec<String>>;

/// Loads `items` proposals, comments on a proposal, notifications (one per followed
/// proposal), accounts, requests of a resident to one service and comments waiting
/// for moderation, then counts the queries of each list page.
async fn count_pages(db: Db, items: usize) -> Counts {
    let state = state(db.clone(), "http://127.0.0.1:3000");
    let data = app::loadtest::load(&state, items, items, 2).await.unwrap();
    let now = app::server::clock::Clock::System.now_ms();
    for n in 0..items {
        sqlx::query(
            "INSERT INTO users (email, display_name, created_at, updated_at) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(format!("habitant{n}@example.org"))
        .bind(format!("Habitant {n}"))
        .bind(now)
        .execute(db.pool())
        .await
        .unwrap();
    }
    // Camille follows `items` proposals, each with news: one notification per proposal.
    let camille_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind("camille.martin@example.org")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let followed: Vec<i64> = sqlx::query_scalar("SELECT id FROM proposals ORDER BY id LIMIT $1")
        .bind(items as i64)
        .fetch_all(db.pool())
        .await
        .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    for proposal in followed {
        app::forum::follows::follow(&mut tx, proposal, camille_id, now)
            .await
            .unwrap();
        app::notifications::repo::notify_comment(&mut tx, proposal, 0, now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    // Yanis files `items` more requests to the service of his demo request; the first
    // comments of the typical proposal wait in the moderation queue.
    let (service_id, form_version_id, yanis_id): (i64, i64, i64) = sqlx::query_as(
        "SELECT service_id, form_version_id, user_id FROM service_requests WHERE id = 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    for n in 0..items {
        let new = app::services::requests_repo::NewRequest {
            service_id,
            form_version_id,
            user_id: Some(yanis_id),
            filed_by: None,
            channel: app::services::model::Channel::Web,
            contact_name: "Yanis Benali".into(),
            contact_email: "yanis.benali@example.org".into(),
            contact_phone: String::new(),
        };
        let id = app::services::requests_repo::insert_draft(&mut tx, &new, now)
            .await
            .unwrap();
        app::services::requests_repo::submit(&mut tx, id, &format!("TEST-{n}"), now)
            .await
            .unwrap();
    }
    let comments: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM proposal_comments WHERE proposal_id = $1 ORDER BY id LIMIT $2",
    )
    .bind(data.typical_proposal)
    .bind(items as i64)
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(comments.len(), items);
    for comment in comments {
        use app::moderation::model::{Cause, ItemKind, Reason};
        let item = app::moderation::repo::item(&mut tx, ItemKind::Comment, comment)
            .await
            .unwrap()
            .unwrap();
        app::moderation::repo::enqueue(&mut tx, &item, Cause::Flags, Some(Reason::Spam), now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let live = state.live.clone();
    let router = server::http::router(state);
    let camille = demo_session(&router, "camille").await;
    let yanis = demo_session(&router, "yanis").await;
    let admin = demo_session(&router, "admin").await;
    let agent = demo_session(&router, "agent.etat-civil").await;
    let moderator = demo_session(&router, "moderation").await;
    let pages = [
        ("forum list", "/forum".to_owned(), None),
        (
            "forum list, most supported",
            "/forum?tri=soutenues".to_owned(),
            None,
        ),
        ("forum search", "/forum?q=%C3%A9cole".to_owned(), None),
        (
            "proposal comments",
            format!("/forum/propositions/{}", data.typical_proposal),
            Some(&camille),
        ),
        ("notifications", "/notifications".to_owned(), Some(&camille)),
        (
            "accounts (admin)",
            "/admin/personnes".to_owned(),
            Some(&admin),
        ),
        (
            "my requests (mon espace)",
            "/mon-espace".to_owned(),
            Some(&yanis),
        ),
        (
            "a service's queue (guichet)",
            format!("/guichet/{service_id}"),
            Some(&agent),
        ),
        (
            "moderation queue",
            "/moderation".to_owned(),
            Some(&moderator),
        ),
    ];
    let mut counts = Counts::new();
    for (what, path, cookie) in pages {
        // Once to open connections and fill caches, then counted.
        let warm = send(router.clone(), get_with(&path, cookie.map(String::as_str))).await;
        assert_eq!(warm.status(), 200, "{path}");
        body_text(warm).await;
        // Rendered, not served from the pages kept for signed-out visitors.
        live.pages.invalidate(None);
        STATEMENTS.lock().unwrap().clear();
        let response = send(router.clone(), get_with(&path, cookie.map(String::as_str))).await;
        assert_eq!(response.status(), 200, "{path}");
        body_text(response).await;
        let statements = std::mem::take(&mut *STATEMENTS.lock().unwrap());
        counts.insert(what.to_owned(), statements);
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_pages_run_as_many_queries_for_100_items_as_for_10() {
    let subscriber = tracing_subscriber::registry().with(
        CountQueries.with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target("sqlx::query", tracing::Level::TRACE),
        ),
    );
    tracing::subscriber::set_global_default(subscriber).unwrap();
    for kind in [DbKind::Sqlite, DbKind::Postgres] {
        let found: Arc<Mutex<Vec<Counts>>> = Arc::default();
        for items in [10, 100] {
            let found = Arc::clone(&found);
            app::server::testing::with_db(kind, move |db| async move {
                let counts = count_pages(db, items).await;
                found.lock().unwrap().push(counts);
            })
            .await;
        }
        let found = found.lock().unwrap();
        let (small, large) = (&found[0], &found[1]);
        let tally = |c: &Counts| -> BTreeMap<String, usize> {
            c.iter().map(|(page, s)| (page.clone(), s.len())).collect()
        };
        println!(
            "{kind:?}: queries at 10 items {:?}, at 100 items {:?}",
            tally(small),
            tally(large)
        );
        for (page, statements) in small {
            assert!(
                !statements.is_empty(),
                "{kind:?}: no query counted for {page}"
            );
            let at_100 = large.get(page).cloned().unwrap_or_default();
            assert_eq!(
                statements.len(),
                at_100.len(),
                "{kind:?}: {page} runs a different number of queries for 100 items than for 10\n\
                 at 10: {statements:#?}\nat 100: {at_100:#?}"
            );
        }
    }
}
