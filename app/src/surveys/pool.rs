//! The pool of an anonymous survey: nobody — agent, administrator, or someone with a
//! copy of the database and the logs — may link an answer to the person who gave it.
//!
//! - Sending records the participation and puts the answers in the pool, sealed with the
//!   instance's key ([`crate::server::seal`]): the database alone cannot read them, and
//!   the pool row holds no time and no reference to anyone.
//! - Once at least [`BATCH`] answers wait, they are written as responses in a shuffled
//!   order, in a transaction of their own (on PostgreSQL, no system column such as
//!   `xmin` joins a response to a participation), under random ids, without any time.
//!   Whoever compares two snapshots of the results or the export sees answers arrive
//!   [`BATCH`] or more at once, never one.
//! - When the survey closes, what is left is written the same way ([`settle`], run by
//!   the periodic jobs and before anything reads the answers of a closed survey); fewer
//!   than [`BATCH`] left are written again together with every answer already written,
//!   so that no small last batch stands apart. A closed anonymous survey cannot reopen.
//! - Until then, agents see how many took part, not who (`builder_api`).

use super::model::{Answers, Survey, SurveyState};
use super::repo;
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use rand::seq::SliceRandom;
use sqlx::AnyConnection;

/// Answers written together, at least, while the survey is open.
pub const BATCH: usize = super::model::ANONYMITY_BATCH;

/// What the pool's sealed values are bound to.
fn purpose(survey: i64) -> String {
    format!("survey-pool:{survey}")
}

/// Puts `answers` in `survey`'s pool, sealed, under a random id.
pub async fn add(
    conn: &mut AnyConnection,
    state: &AppState,
    survey: i64,
    answers: &Answers,
) -> Result<(), AppError> {
    let json = serde_json::to_vec(answers).map_err(internal)?;
    let sealed = state.sealer.seal(&purpose(survey), &json);
    let id = rand::random::<i64>() & i64::MAX;
    sqlx::query("INSERT INTO survey_pool (id, survey_id, sealed) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(survey)
        .bind(sealed)
        .execute(conn)
        .await
        .map_err(internal)?;
    Ok(())
}

/// How many answers of `survey` wait in the pool.
pub async fn pending(conn: &mut AnyConnection, survey: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM survey_pool WHERE survey_id = $1")
        .bind(survey)
        .fetch_one(conn)
        .await
}

/// Writes the pooled answers of `survey` as responses, shuffled, in one transaction of
/// their own, when at least [`BATCH`] wait, or whatever waits when `closing`. Returns
/// how many were written. Safe to run from many processes at once: batches of one
/// survey are made one at a time, under the lock of the survey's row.
pub async fn flush(state: &AppState, survey: &Survey, closing: bool) -> Result<usize, AppError> {
    let id = survey.info.id;
    {
        let mut conn = state.db.pool().acquire().await.map_err(internal)?;
        let waiting = pending(&mut conn, id).await.map_err(internal)?;
        let needed = if closing { 1 } else { BATCH as i64 };
        if waiting < needed {
            return Ok(0);
        }
    }
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    // One batch of a survey at a time: the survey's row is the lock (on SQLite the write
    // transaction already is), so the claim below sees every answer that waits.
    sqlx::query("UPDATE surveys SET participants = participants WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let sealed: Vec<String> =
        sqlx::query_scalar("DELETE FROM survey_pool WHERE survey_id = $1 RETURNING sealed")
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
    let purpose = purpose(id);
    let mut batch: Vec<Vec<(i64, repo::AnswerRow)>> = Vec::with_capacity(sealed.len());
    let mut unreadable: Vec<&String> = Vec::new();
    for value in &sealed {
        match state
            .sealer
            .open(&purpose, value)
            .and_then(|json| serde_json::from_slice::<Answers>(&json).ok())
        {
            Some(answers) => batch.push(repo::response_rows(&answers)),
            None => unreadable.push(value),
        }
    }
    if !unreadable.is_empty() {
        // Sealed with another key (the key file was replaced): they stay in the pool,
        // untouched, until the instance's key is put back.
        tracing::error!(
            survey = id,
            unreadable = unreadable.len(),
            "pooled answers not sealed with this instance's key wait in the pool: put back the key file (PARVIS_SECRET_KEY_FILE) they were sealed with"
        );
    }
    if batch.is_empty() || (!closing && batch.len() < BATCH) {
        tx.rollback().await.map_err(internal)?;
        return Ok(0);
    }
    for value in unreadable {
        sqlx::query("INSERT INTO survey_pool (id, survey_id, sealed) VALUES ($1, $2, $3)")
            .bind(rand::random::<i64>() & i64::MAX)
            .bind(id)
            .bind(value)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    let fresh = batch.len();
    if closing && fresh < BATCH {
        // A last batch smaller than five would stand apart (on PostgreSQL, its own
        // transaction id) and pair with the last few participants: it joins every answer
        // already written, and all are written again together, under new ids.
        batch.extend(repo::take_responses(&mut tx, id).await.map_err(internal)?);
    }
    batch.shuffle(&mut rand::thread_rng());
    for rows in &batch {
        repo::insert_response_rows(&mut tx, id, None, None, rows)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.survey_results.forget(id);
    Ok(fresh)
}

/// Writes what is left in the pool of `survey` once it is closed.
pub async fn settle(state: &AppState, survey: &Survey) -> Result<(), AppError> {
    if survey.info.state == SurveyState::Closed {
        flush(state, survey, true).await?;
    }
    Ok(())
}

/// Settles every closed survey that still has pooled answers (periodic jobs).
pub async fn settle_closed(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now_ms();
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT p.survey_id FROM survey_pool p JOIN surveys s ON s.id = p.survey_id \
         WHERE s.closes_at <= $1",
    )
    .bind(now)
    .fetch_all(state.db.pool())
    .await
    .map_err(internal)?;
    let mut written = 0;
    for id in ids {
        let mut conn = state.db.pool().acquire().await.map_err(internal)?;
        let survey = repo::load(&mut conn, id, now).await.map_err(internal)?;
        drop(conn);
        if let Some(survey) = survey {
            written += flush(state, &survey, true).await?;
        }
    }
    Ok(written)
}
