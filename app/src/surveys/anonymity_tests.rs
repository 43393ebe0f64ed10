//! Anonymous surveys on SQLite and PostgreSQL: nobody — agent, administrator, or someone
//! with a copy of the database — can link an answer to the person who gave it. Each
//! attack of the security review is tried: (a) comparing what agents see around one
//! participation, (b) joining rows through the database's own columns (`xmin` on
//! PostgreSQL) or reading what waits, (c) finding unfinished answers next to an account.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::model::SurveyState;
use super::repo::Participant;
use super::service::{self, After, Move};
use super::tests::{answer_all, count, ids, raw, survey, AGENT, HOUR};
use crate::forum::tests::{resident, state};
use crate::server::db::DbKind;
use sqlx::{Column, Row};

/// Every value of `column` in `table`, as text.
async fn texts(state: &crate::server::state::AppState, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sql)
        .fetch_all(state.db.pool())
        .await
        .unwrap()
}

crate::db_test!(
    answers_arrive_in_shuffled_batches_agents_cannot_pair,
    |db| {
        let state = state(&db);
        let s = survey(&state, true).await;
        let id = s.info.id;
        let export = || crate::surveys::export::answers_csv(&state, AGENT, id);
        let header_only = export().await.unwrap();
        assert_eq!(header_only.lines().count(), 1);
        // (a) Four people answer, one by one; an agent takes a snapshot of the results and
        // the export around each: nothing appears, so nothing pairs with a newcomer.
        for i in 0..4 {
            let who = Participant::Account(resident(&state, &format!("a{i}@p.example")).await);
            let (come, _, no, why, ..) = ids(&s);
            // (c) The first page, kept as a draft: sealed, and dated to the day only.
            let page1 = raw(&[
                (&format!("t[{come}]"), &no.to_string()),
                (&format!("t[{why}]"), "Marqueur-brouillon"),
            ]);
            service::save_page(&state, &s, &who, 0, Move::SaveForLater, &page1)
                .await
                .unwrap();
            let drafts = texts(&state, "SELECT answers FROM survey_drafts").await;
            assert_eq!(drafts.len(), 1);
            assert!(
                !drafts[0].contains("Marqueur"),
                "a draft is readable: {drafts:?}"
            );
            let day: i64 = sqlx::query_scalar("SELECT updated_at FROM survey_drafts")
                .fetch_one(state.db.pool())
                .await
                .unwrap();
            assert_eq!(day % (24 * HOUR), 0, "a draft's time finer than the day");
            // Its author's data export reads it.
            let Participant::Account(me) = &who else {
                panic!()
            };
            let mine = crate::privacy::export::purpose_json(
                state.db.pool(),
                &state.sealer,
                crate::privacy::model::Purpose::Surveys,
                *me,
            )
            .await
            .unwrap();
            assert!(mine.to_string().contains("Marqueur-brouillon"), "{mine}");
            // Resumed, it reads again.
            let state_now = service::answer_page(&state, s.clone(), &who, None)
                .await
                .unwrap();
            let crate::surveys::answering::AnswerState::Page(page) = state_now else {
                panic!("no page")
            };
            assert_eq!(
                page.fields.get(&format!("t[{why}]")).map(String::as_str),
                Some("Marqueur-brouillon")
            );
            assert_eq!(answer_all(&state, &s, &who).await, Ok(After::Sent));
            state.survey_results.forget(id);
            let results = crate::surveys::results::cached(&state, &s, true, None)
                .await
                .unwrap();
            assert_eq!(results.respondents, 0, "an answer appeared alone");
            assert_eq!(results.pending, i + 1);
            assert_eq!(export().await.unwrap(), header_only);
            assert_eq!(count(&state, "survey_responses").await, 0);
            // (b) What waits is sealed: the database alone cannot read it.
            for sealed in texts(&state, "SELECT sealed FROM survey_pool").await {
                assert!(!sealed.contains("Trop"), "pooled answers are readable");
            }
            assert_eq!(count(&state, "survey_drafts").await, 0);
            state.clock.advance_ms(60_000);
        }
        // The fifth sending writes the five together.
        let fifth = Participant::Account(resident(&state, "a4@p.example").await);
        assert_eq!(answer_all(&state, &s, &fifth).await, Ok(After::Sent));
        assert_eq!(count(&state, "survey_responses").await, 5);
        assert_eq!(count(&state, "survey_pool").await, 0);
        state.survey_results.forget(id);
        let results = crate::surveys::results::cached(&state, &s, true, None)
            .await
            .unwrap();
        assert_eq!((results.respondents, results.pending), (5, 0));
        assert_eq!(export().await.unwrap().lines().count(), 6);
        let rows_each = count(&state, "survey_answers").await / 5;

        // (b) On PostgreSQL no response or answer row was written by the transaction of a
        // participation: their `xmin` never meet.
        if db.kind() == DbKind::Postgres {
            let participations =
                texts(&state, "SELECT xmin::text FROM survey_participations").await;
            let written = texts(
            &state,
            "SELECT xmin::text FROM survey_responses UNION SELECT xmin::text FROM survey_answers",
        )
        .await;
            assert_eq!(participations.len(), 5);
            for x in &written {
                assert!(
                    !participations.contains(x),
                    "a response shares its transaction ({x}) with a participation"
                );
            }
        }

        // Two more wait; at closing they are written, whatever their number.
        for i in 5..7 {
            let who = Participant::Account(resident(&state, &format!("a{i}@p.example")).await);
            answer_all(&state, &s, &who).await.unwrap();
        }
        assert_eq!(count(&state, "survey_pool").await, 2);
        state.clock.advance_ms(49 * HOUR);
        let closed = service::survey_for(&state, id, AGENT).await.unwrap();
        assert_eq!(closed.info.state, SurveyState::Closed);
        assert_eq!(
            crate::surveys::pool::settle_closed(&state).await.unwrap(),
            2
        );
        assert_eq!(count(&state, "survey_responses").await, 7);
        assert_eq!(count(&state, "survey_pool").await, 0);
        assert_eq!(count(&state, "survey_answers").await, 7 * rows_each);
        // The two last are not a batch of their own: everything was written again together.
        if db.kind() == DbKind::Postgres {
            let transactions = texts(
            &state,
            "SELECT DISTINCT xmin::text FROM survey_responses UNION SELECT DISTINCT xmin::text FROM survey_answers",
        )
        .await;
            assert_eq!(transactions.len(), 1, "{transactions:?}");
        }
        let results = crate::surveys::results::results(&state, &closed, true, None)
            .await
            .unwrap();
        assert_eq!((results.respondents, results.pending), (7, 0));
        // Closed, it cannot reopen: its participants are listed from now on.
        let mut form = crate::surveys::tests::settings(&state, true);
        form.opens_at_ms = closed.info.opens_at_ms;
        form.closes_at_ms = state.clock.now_ms() + 24 * HOUR;
        assert_eq!(
            crate::surveys::builder::update(&state, id, &form).await,
            Err(crate::error::AppError::field(
                "closes_at",
                "errors.survey_closed_for_good"
            ))
        );
    }
);

crate::db_test!(answers_sealed_with_another_key_wait_for_it, |db| {
    let state = state(&db);
    let s = survey(&state, true).await;
    // An answer sealed with a key that is not the instance's (the key file was replaced).
    let other = crate::server::state::AppState {
        sealer: std::sync::Arc::new(crate::server::seal::Sealer::random()),
        ..state.clone()
    };
    let mut conn = state.db.pool().acquire().await.unwrap();
    let answers = crate::surveys::bench_data::answers_for(&s, 1);
    crate::surveys::pool::add(&mut conn, &other, s.info.id, &answers)
        .await
        .unwrap();
    drop(conn);
    for i in 0..5 {
        let who = Participant::Account(resident(&state, &format!("k{i}@p.example")).await);
        answer_all(&state, &s, &who).await.unwrap();
    }
    assert_eq!(count(&state, "survey_responses").await, 5);
    assert_eq!(count(&state, "survey_pool").await, 1, "kept for its key");
    // Closing writes nothing it cannot read, and loses nothing.
    state.clock.advance_ms(49 * HOUR);
    assert_eq!(
        crate::surveys::pool::settle_closed(&state).await.unwrap(),
        0
    );
    assert_eq!(count(&state, "survey_responses").await, 5);
    assert_eq!(count(&state, "survey_pool").await, 1);
    // With its key back, it is written.
    assert_eq!(
        crate::surveys::pool::settle_closed(&other).await.unwrap(),
        1
    );
    assert_eq!(count(&state, "survey_responses").await, 6);
});

crate::db_test!(a_named_survey_records_at_once, |db| {
    let state = state(&db);
    let s = survey(&state, false).await;
    let who = Participant::Account(resident(&state, "named@p.example").await);
    answer_all(&state, &s, &who).await.unwrap();
    assert_eq!(count(&state, "survey_responses").await, 1);
    assert_eq!(count(&state, "survey_pool").await, 0);
    // Its drafts are not sealed (agents never read them; the resident's own export does).
    let other = Participant::Account(resident(&state, "named2@p.example").await);
    let (come, _, no, why, ..) = ids(&s);
    let page1 = raw(&[
        (&format!("t[{come}]"), &no.to_string()),
        (&format!("t[{why}]"), "En clair"),
    ]);
    service::save_page(&state, &s, &other, 0, Move::SaveForLater, &page1)
        .await
        .unwrap();
    let drafts = texts(&state, "SELECT answers FROM survey_drafts").await;
    assert!(drafts[0].contains("En clair"));
});

crate::db_test!(a_batch_is_written_once_when_many_send_at_once, |db| {
    let state = state(&db);
    let s = survey(&state, true).await;
    let mut people = Vec::new();
    for i in 0..12 {
        people.push(Participant::Account(
            resident(&state, &format!("c{i}@p.example")).await,
        ));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for who in people {
        let (state, s) = (state.clone(), s.clone());
        tasks.spawn(async move {
            let answers = crate::surveys::bench_data::answers_for(&s, 1);
            crate::server::db::retry_contended(|| service::send(&state, &s, &who, &answers)).await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().unwrap();
    }
    let written = count(&state, "survey_responses").await;
    let waiting = count(&state, "survey_pool").await;
    assert_eq!(written + waiting, 12, "an answer was lost or doubled");
    assert!(written >= 5, "a batch smaller than five: {written}");
    assert!(
        waiting < 5,
        "{waiting} left waiting although a batch was due"
    );
});

crate::db_test!(anonymous_answers_cannot_be_joined_to_participants, |db| {
    let state = state(&db);
    let s = survey(&state, true).await;
    // Five: one batch, written at the fifth sending.
    for email in [
        "g@parvis.example",
        "h@parvis.example",
        "i@parvis.example",
        "i2@parvis.example",
        "i3@parvis.example",
    ] {
        let who = Participant::Account(resident(&state, email).await);
        assert_eq!(answer_all(&state, &s, &who).await, Ok(After::Sent));
        state.clock.advance_ms(60_000);
    }
    let pool = state.db.pool();
    // The schema: a response holds no participant, a participation no response, and
    // neither an answer nor a response holds a time finer than nothing.
    let columns = |table: &'static str| async move {
        let sql = format!("SELECT * FROM {table} LIMIT 1");
        let row = sqlx::query(&sql).fetch_one(pool).await.unwrap();
        row.columns()
            .iter()
            .map(|c| c.name().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        columns("survey_responses").await,
        ["id", "survey_id", "user_id", "submitted_at"]
    );
    assert!(!columns("survey_participations")
        .await
        .iter()
        .any(|c| c.contains("response")));
    let answer_columns = columns("survey_answers").await;
    assert!(!answer_columns
        .iter()
        .any(|c| c.ends_with("_at") || c == "user_id"));
    // The data: in an anonymous survey no response names its author or its time, and
    // participations keep the day only.
    let named: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM survey_responses WHERE user_id IS NOT NULL OR submitted_at IS NOT NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(named, 0);
    let days: Vec<String> = sqlx::query_scalar("SELECT taken_on FROM survey_participations")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(days.iter().all(|d| d.len() == 10), "{days:?}");
    // Response ids are random, not a sequence that follows the order of participation.
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM survey_responses ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(ids.iter().all(|id| *id > 1_000_000), "{ids:?}");
    // A named survey records who answered and when.
    let named_survey = survey(&state, false).await;
    let who = Participant::Account(resident(&state, "j@parvis.example").await);
    answer_all(&state, &named_survey, &who).await.unwrap();
    let named: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM survey_responses WHERE user_id IS NOT NULL AND submitted_at IS NOT NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(named, 1);
});
