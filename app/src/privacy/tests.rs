//! Retention on SQLite and PostgreSQL, under a fixed clock: what is past its period goes
//! (rows and files), what is not stays, and the purge log holds counts only.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::model::Category;
use super::retention::{self, MONTH_MS};
use crate::error::AppError;
use crate::forum::tests::{resident, state};
use crate::server::state::AppState;
use crate::services::tests::{canteen, file, with_uploads, PDF};

async fn count(state: &AppState, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(state.db.pool())
        .await
        .unwrap()
}

async fn set(state: &AppState, sql: &str, a: i64, b: i64) {
    sqlx::query(sql)
        .bind(a)
        .bind(b)
        .execute(state.db.pool())
        .await
        .unwrap();
}

/// A security-log line written `age_ms` before now.
async fn log_line(state: &AppState, age_ms: i64) {
    let at = state.clock.now_ms() - age_ms;
    sqlx::query("INSERT INTO audit_log (action, detail, created_at) VALUES ('sign_in', '', $1)")
        .bind(at)
        .execute(state.db.pool())
        .await
        .unwrap();
}

/// A notification about request `request` for `user`, created `age_ms` before now.
async fn notification(state: &AppState, user: i64, request: i64, age_ms: i64) {
    let at = state.clock.now_ms() - age_ms;
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, request_id, created_at, updated_at) \
         VALUES ($1, 'request', $2, $3, $3)",
    )
    .bind(user)
    .bind(request)
    .bind(at)
    .execute(state.db.pool())
    .await
    .unwrap();
}

/// A PDF stored and attached to `request`'s form; its storage key.
async fn attach_pdf(state: &AppState, request: i64) -> String {
    let key = state.uploads.store(PDF).await.unwrap();
    sqlx::query(
        "INSERT INTO request_attachments (request_id, field_key, file_name, content_type, \
         size, storage_key, created_at) VALUES ($1, 'c4', 'avis.pdf', 'application/pdf', 10, $2, 0)",
    )
    .bind(request)
    .bind(&key)
    .execute(state.db.pool())
    .await
    .unwrap();
    key
}

crate::db_test!(what_is_past_its_period_goes_and_the_rest_stays, |db| {
    let state = with_uploads(state(&db));
    let camille = resident(&state, "camille@example.org").await;
    // The canteen keeps requests 36 months.
    canteen(&state, "cantine", &[]).await;
    let old_closed = file(&state, camille, "cantine").await;
    let old_open = file(&state, camille, "cantine").await;
    let recent_closed = file(&state, camille, "cantine").await;
    let key = attach_pdf(&state, old_closed).await;
    let now = state.clock.now_ms();
    // Closed 37 months ago, still in progress after 40 months, closed 35 months ago.
    let closed = "UPDATE service_requests SET status = 'closed', updated_at = $1 WHERE id = $2";
    set(&state, closed, now - 37 * MONTH_MS, old_closed).await;
    set(
        &state,
        "UPDATE service_requests SET status = 'in_progress', updated_at = $1 WHERE id = $2",
        now - 40 * MONTH_MS,
        old_open,
    )
    .await;
    set(&state, closed, now - 35 * MONTH_MS, recent_closed).await;
    notification(&state, camille, recent_closed, 13 * MONTH_MS).await;
    notification(&state, camille, recent_closed, MONTH_MS).await;
    log_line(&state, 13 * MONTH_MS).await;
    log_line(&state, 11 * MONTH_MS).await;

    let purged = retention::purge(&state, now).await.unwrap();
    assert_eq!(purged.requests, 1);
    assert_eq!(purged.attachment_files, 1);
    assert_eq!(purged.security_log, 1);
    assert_eq!(purged.notifications, 1);
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM service_requests ORDER BY id")
        .fetch_all(state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        left,
        vec![old_open, recent_closed],
        "only the old closed one went"
    );
    assert_eq!(
        count(&state, "SELECT COUNT(*) FROM request_attachments").await,
        0
    );
    assert!(
        state.uploads.read(&key).await.is_err(),
        "the attachment's file is gone too"
    );
    assert_eq!(count(&state, "SELECT COUNT(*) FROM audit_log").await, 1);
    assert_eq!(count(&state, "SELECT COUNT(*) FROM notifications").await, 1);
    // The log has counts per category, nothing about whose data it was.
    let log = retention::log(state.db.pool(), 10).await.unwrap();
    let mut lines: Vec<(String, i64)> =
        log.iter().map(|l| (l.category.clone(), l.purged)).collect();
    lines.sort();
    assert_eq!(
        lines,
        vec![
            ("notifications".to_owned(), 1),
            ("requests".to_owned(), 1),
            ("security_log".to_owned(), 1),
        ]
    );
    assert!(log.iter().all(|l| l.ran_at == now));

    // A second run the same day finds nothing and logs nothing.
    assert_eq!(
        retention::purge(&state, now).await.unwrap(),
        retention::Purged::default()
    );
    assert_eq!(retention::log(state.db.pool(), 10).await.unwrap().len(), 3);

    // Two months later the other closed request has reached its 36 months.
    state.clock.advance_ms(2 * MONTH_MS);
    let later = retention::purge(&state, state.clock.now_ms())
        .await
        .unwrap();
    assert_eq!(later.requests, 1);
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM service_requests")
        .fetch_all(state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        left,
        vec![old_open],
        "a request still in progress is never removed"
    );
});

crate::db_test!(the_commune_sets_its_own_periods_within_bounds, |db| {
    let state = state(&db);
    let pool = state.db.pool();
    assert_eq!(
        retention::months(pool, Category::SecurityLog)
            .await
            .unwrap(),
        12
    );
    for bad in ["0", "-3", "douze", "1201", ""] {
        match retention::set_months(pool, Category::SecurityLog, bad).await {
            Err(AppError::Validation(errors)) => assert!(
                errors
                    .get("months")
                    .is_some_and(|keys| keys.iter().any(|k| k == "errors.retention_months")),
                "{bad}: {errors:?}"
            ),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(
        retention::set_months(pool, Category::SecurityLog, " 6 ")
            .await
            .unwrap(),
        6
    );
    retention::set_months(pool, Category::SecurityLog, "24")
        .await
        .unwrap();
    assert_eq!(
        retention::months(pool, Category::SecurityLog)
            .await
            .unwrap(),
        24
    );
    assert_eq!(
        retention::months(pool, Category::Appointments)
            .await
            .unwrap(),
        12,
        "the other categories keep their default"
    );
    // Six months of security log: a line of seven months goes.
    retention::set_months(pool, Category::SecurityLog, "6")
        .await
        .unwrap();
    log_line(&state, 7 * MONTH_MS).await;
    log_line(&state, 5 * MONTH_MS).await;
    let purged = retention::purge(&state, state.clock.now_ms())
        .await
        .unwrap();
    assert_eq!(purged.security_log, 1);
});

crate::db_test!(
    appointments_go_a_period_after_they_end_and_waiting_lists_after_their_day,
    |db| {
        let state = state(&db);
        let agenda = crate::appointments::tests::agenda(&state, "passeports", "2", &[]).await;
        let camille = resident(&state, "camille@example.org").await;
        let now = state.clock.now_ms();
        for (ends, key) in [(now - 13 * MONTH_MS, "a"), (now - 11 * MONTH_MS, "b")] {
            sqlx::query(
            "INSERT INTO appointments (agenda_id, starts_at, ends_at, user_id, channel, status, \
             manage_key, created_at, updated_at) VALUES ($1, $2, $3, $4, 'web', 'attended', $5, 0, 0)",
        )
        .bind(agenda)
        .bind(ends - 1_800_000)
        .bind(ends)
        .bind(camille)
        .bind(key)
        .execute(state.db.pool())
        .await
        .unwrap();
        }
        // Waiting lists: the clock is on 15 January 2027; only days before yesterday go.
        for day in ["2027-01-10", "2027-01-14", "2027-01-20"] {
            sqlx::query(
                "INSERT INTO appointment_waits (agenda_id, day, user_id, created_at) \
             VALUES ($1, $2, $3, 0)",
            )
            .bind(agenda)
            .bind(day)
            .bind(camille)
            .execute(state.db.pool())
            .await
            .unwrap();
        }
        let purged = retention::purge(&state, now).await.unwrap();
        assert_eq!(purged.appointments, 1);
        assert_eq!(purged.appointment_waits, 1);
        let days: Vec<String> =
            sqlx::query_scalar("SELECT day FROM appointment_waits ORDER BY day")
                .fetch_all(state.db.pool())
                .await
                .unwrap();
        assert_eq!(days, vec!["2027-01-14".to_owned(), "2027-01-20".to_owned()]);
        let left: Vec<String> = sqlx::query_scalar("SELECT manage_key FROM appointments")
            .fetch_all(state.db.pool())
            .await
            .unwrap();
        assert_eq!(left, vec!["b".to_owned()]);
    }
);

crate::db_test!(
    an_abandoned_draft_goes_with_its_files_after_thirty_days,
    |db| {
        let state = with_uploads(state(&db));
        let camille = resident(&state, "camille@example.org").await;
        canteen(&state, "cantine", &[]).await;
        let abandoned = file(&state, camille, "cantine").await;
        let recent = file(&state, camille, "cantine").await;
        let key = attach_pdf(&state, abandoned).await;
        let now = state.clock.now_ms();
        let draft = "UPDATE service_requests SET status = 'draft', updated_at = $1 WHERE id = $2";
        set(
            &state,
            draft,
            now - (retention::ABANDONED_DRAFT_DAYS + 1) * 24 * 3_600_000,
            abandoned,
        )
        .await;
        set(&state, draft, now - 2 * 24 * 3_600_000, recent).await;
        let purged = retention::purge(&state, now).await.unwrap();
        assert_eq!((purged.requests, purged.attachment_files), (1, 1));
        assert!(state.uploads.read(&key).await.is_err(), "its file is gone");
        let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM service_requests")
            .fetch_all(state.db.pool())
            .await
            .unwrap();
        assert_eq!(left, vec![recent]);
    }
);
