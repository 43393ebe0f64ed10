//! Moderators review free-text answers before the public results show them. The
//! decision is written to the audit log with the moderator, never with the respondent.

use super::results_model::PendingText;
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use sqlx::Row;

/// Free text reviewed per page.
pub const PENDING_SHOWN: i64 = 50;

/// Free-text answers of a survey waiting for review, first ones.
pub async fn pending_texts(state: &AppState, survey: i64) -> Result<Vec<PendingText>, AppError> {
    let rows = sqlx::query(
        "SELECT a.response_id, a.question_id, a.item, a.text_value, q.label \
         FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id \
         WHERE a.survey_id = $1 AND a.text_status = 'pending' \
         ORDER BY a.response_id, a.question_id, a.item LIMIT $2",
    )
    .bind(survey)
    .bind(PENDING_SHOWN)
    .fetch_all(state.db.pool())
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            let (response, question, item): (i64, i64, i64) = (
                r.try_get("response_id")?,
                r.try_get("question_id")?,
                r.try_get("item")?,
            );
            Ok(PendingText {
                key: format!("{response}:{question}:{item}"),
                question: r.try_get("label")?,
                text: r.try_get("text_value")?,
            })
        })
        .collect::<sqlx::Result<_>>()
        .map_err(internal)
}

/// Approves (shown in public results) or hides a free-text answer.
pub async fn review_text(
    state: &AppState,
    moderator: i64,
    survey: i64,
    key: &str,
    approve: bool,
) -> Result<(), AppError> {
    let parts: Vec<i64> = key.split(':').filter_map(|p| p.parse().ok()).collect();
    let [response, question, item] = parts.as_slice() else {
        return Err(AppError::NotFound);
    };
    let now = state.clock.now_ms();
    let status = if approve { "approved" } else { "hidden" };
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let done = sqlx::query(
        "UPDATE survey_answers SET text_status = $1 WHERE survey_id = $2 AND response_id = $3 \
         AND question_id = $4 AND item = $5 AND text_status IS NOT NULL",
    )
    .bind(status)
    .bind(survey)
    .bind(*response)
    .bind(*question)
    .bind(*item)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    let action = if approve {
        "survey.text.approve"
    } else {
        "survey.text.hide"
    };
    crate::auth::repo::audit(
        &mut *tx,
        Some(moderator),
        action,
        None,
        &survey.to_string(),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.survey_results.forget(survey);
    Ok(())
}
