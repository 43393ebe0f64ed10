//! Downloads: every answer as CSV for agents, and the public results as open data (JSON).

use super::model::{QuestionKind, Survey};
use super::service::{may_see_results, survey_for, Viewer};
use crate::accounts::model::Role;
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use futures::TryStreamExt;
use sqlx::Row;
use std::collections::BTreeMap;

/// Who is downloading, read from the session by the HTTP handler.
pub async fn viewer_of(state: &AppState, user_id: Option<i64>) -> Result<Viewer, AppError> {
    let Some(id) = user_id else {
        return Ok(Viewer {
            user_id: None,
            agent: false,
        });
    };
    let user = crate::accounts::repo::find_by_id(state.db.pool(), id)
        .await
        .map_err(internal)?;
    Ok(Viewer {
        user_id: user.as_ref().map(|u| u.id),
        agent: user.is_some_and(|u| u.roles.contains(&Role::Agent)),
    })
}

/// Every response of a survey, one line each (agents only). Columns: the response's
/// random number, its date when the survey is not anonymous, then one column per
/// question. Rows are read as a stream, in response order.
pub async fn answers_csv(
    state: &AppState,
    viewer: Viewer,
    survey_id: i64,
) -> Result<String, AppError> {
    if viewer.user_id.is_none() {
        return Err(AppError::Unauthenticated);
    }
    if !viewer.agent {
        return Err(AppError::Forbidden);
    }
    let survey = survey_for(state, survey_id, viewer).await?;
    super::pool::settle(state, &survey).await?;
    let questions: Vec<_> = survey.questions().cloned().collect();
    let mut out = crate::server::csv::SafeCsv::new();
    let mut header = vec!["reponse".to_owned()];
    if !survey.info.anonymous {
        header.push("date".to_owned());
    }
    header.extend(questions.iter().map(|q| q.label.clone()));
    out.row(&header)?;
    let mut rows = sqlx::query(
        "SELECT r.id, r.submitted_at, a.question_id, a.item, a.choice_id, a.rank, a.number_value, \
         a.text_value FROM survey_responses r \
         JOIN survey_answers a ON a.response_id = r.id \
         WHERE r.survey_id = $1 ORDER BY r.id, a.question_id, a.item",
    )
    .bind(survey_id)
    .fetch(state.db.pool());
    let mut current: Option<(i64, Option<i64>)> = None;
    let mut cells: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    while let Some(row) = rows.try_next().await.map_err(internal)? {
        let response: i64 = row.try_get("id").map_err(internal)?;
        if current.is_some_and(|(id, _)| id != response) {
            write_line(&mut out, &survey, &questions, current, &cells)?;
            cells.clear();
        }
        current = Some((response, row.try_get("submitted_at").map_err(internal)?));
        let question: i64 = row.try_get("question_id").map_err(internal)?;
        let item: i64 = row.try_get("item").map_err(internal)?;
        let choice: Option<i64> = row.try_get("choice_id").map_err(internal)?;
        let rank: Option<i64> = row.try_get("rank").map_err(internal)?;
        let number: Option<i64> = row.try_get("number_value").map_err(internal)?;
        let text: Option<String> = row.try_get("text_value").map_err(internal)?;
        let label = survey
            .question(question)
            .and_then(|q| choice.and_then(|c| q.choice_label(c).map(str::to_owned)));
        let value = label
            .or(number.map(|n| n.to_string()))
            .or(text)
            .unwrap_or_default();
        if !value.is_empty() {
            let order = rank.unwrap_or(item);
            cells.entry(question).or_default().push((order, value));
        }
    }
    write_line(&mut out, &survey, &questions, current, &cells)?;
    out.finish()
}

fn write_line(
    out: &mut crate::server::csv::SafeCsv,
    survey: &Survey,
    questions: &[super::model::Question],
    current: Option<(i64, Option<i64>)>,
    cells: &BTreeMap<i64, Vec<(i64, String)>>,
) -> Result<(), AppError> {
    let Some((id, at)) = current else {
        return Ok(());
    };
    let mut line = vec![id.to_string()];
    if !survey.info.anonymous {
        line.push(at.map(crate::server::paris::format).unwrap_or_default());
    }
    for q in questions {
        let mut values = cells.get(&q.id).cloned().unwrap_or_default();
        values.sort_by_key(|(order, _)| *order);
        let sep = if q.kind == QuestionKind::Ranking {
            " > "
        } else {
            " | "
        };
        let cell = values
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
            .join(sep);
        line.push(cell);
    }
    out.row(&line)
}

/// The public results as JSON (open data): the same figures as the results page, with
/// approved free text only.
pub async fn results_json(
    state: &AppState,
    viewer: Viewer,
    survey_id: i64,
) -> Result<String, AppError> {
    let public = Viewer {
        agent: false,
        ..viewer
    };
    let survey = survey_for(state, survey_id, public).await?;
    if !may_see_results(&survey.info, public) {
        return Err(AppError::Forbidden);
    }
    let results = super::results::cached(state, &survey, false, None).await?;
    serde_json::to_string_pretty(&results).map_err(internal)
}
