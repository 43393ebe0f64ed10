//! SQL of participations and responses: who took part (an account or a browser), the
//! answers as rows, and what the results and the participants' list read.

use super::model::{Answer, Answers, Survey};
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::BTreeMap;

/// Who is answering: an account, or a browser (hash of its key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Participant {
    Account(i64),
    Browser(String),
}

impl Participant {
    /// The key of this participant's draft.
    pub fn draft_key(&self) -> String {
        match self {
            Participant::Account(id) => format!("u:{id}"),
            Participant::Browser(key) => format!("b:{key}"),
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        match self {
            Participant::Account(id) => Some(*id),
            Participant::Browser(_) => None,
        }
    }
}

/// Whether this participant already answered.
pub async fn has_participated(
    conn: &mut AnyConnection,
    survey: i64,
    who: &Participant,
) -> sqlx::Result<bool> {
    let (user, browser) = match who {
        Participant::Account(id) => (Some(*id), None),
        Participant::Browser(key) => (None, Some(key.as_str())),
    };
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM survey_participations WHERE survey_id = $1 \
         AND (user_id = $2 OR browser_key = $3)",
    )
    .bind(survey)
    .bind(user)
    .bind(browser)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Records that `who` took part on `day`; false when they already had (the unique
/// constraints decide, whatever the concurrency).
pub async fn insert_participation(
    conn: &mut AnyConnection,
    survey: i64,
    who: &Participant,
    day: &str,
) -> sqlx::Result<bool> {
    let (user, browser) = match who {
        Participant::Account(id) => (Some(*id), None),
        Participant::Browser(key) => (None, Some(key.clone())),
    };
    let done = sqlx::query(
        "INSERT INTO survey_participations (survey_id, user_id, browser_key, taken_on) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(survey)
    .bind(user)
    .bind(browser)
    .bind(day)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        sqlx::query("UPDATE surveys SET participants = participants + 1 WHERE id = $1")
            .bind(survey)
            .execute(conn)
            .await?;
    }
    Ok(done.rows_affected() == 1)
}

/// Stores a response under a random id. `user_id` and `submitted_at` are `None` in an
/// anonymous survey. Free text waits for moderation (`pending`).
pub async fn insert_response(
    conn: &mut AnyConnection,
    survey: &Survey,
    user_id: Option<i64>,
    submitted_at: Option<i64>,
    answers: &Answers,
) -> sqlx::Result<i64> {
    let rows = response_rows(answers);
    insert_response_rows(conn, survey.info.id, user_id, submitted_at, &rows).await
}

/// The rows `answers` are stored as, with their question.
pub fn response_rows(answers: &Answers) -> Vec<(i64, AnswerRow)> {
    answers
        .iter()
        .flat_map(|(question, answer)| {
            answer_rows(*question, answer)
                .into_iter()
                .map(|row| (*question, row))
        })
        .collect()
}

/// Stores a response made of answer rows (question, row) under a random id.
pub async fn insert_response_rows(
    conn: &mut AnyConnection,
    survey_id: i64,
    user_id: Option<i64>,
    submitted_at: Option<i64>,
    rows: &[(i64, AnswerRow)],
) -> sqlx::Result<i64> {
    let id = loop {
        let candidate: i64 = rand::random::<i64>() & i64::MAX;
        let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM survey_responses WHERE id = $1")
            .bind(candidate)
            .fetch_optional(&mut *conn)
            .await?;
        if candidate > 0 && taken.is_none() {
            break candidate;
        }
    };
    sqlx::query(
        "INSERT INTO survey_responses (id, survey_id, user_id, submitted_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(survey_id)
    .bind(user_id)
    .bind(submitted_at)
    .execute(&mut *conn)
    .await?;
    for (question, row) in rows {
        sqlx::query(
            "INSERT INTO survey_answers (response_id, question_id, item, survey_id, choice_id, \
             rank, number_value, text_value, text_status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(*question)
        .bind(row.item)
        .bind(survey_id)
        .bind(row.choice)
        .bind(row.rank)
        .bind(row.number)
        .bind(row.text.clone())
        .bind(row.text_status)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Every response of `survey` as its answer rows (question, row), and deletes them: the
/// closing of an anonymous survey writes them again with its last answers, shuffled.
pub async fn take_responses(
    conn: &mut AnyConnection,
    survey: i64,
) -> sqlx::Result<Vec<Vec<(i64, AnswerRow)>>> {
    let rows = sqlx::query(
        "SELECT response_id, question_id, item, choice_id, rank, number_value, text_value, \
         text_status FROM survey_answers WHERE survey_id = $1 ORDER BY response_id",
    )
    .bind(survey)
    .fetch_all(&mut *conn)
    .await?;
    let mut responses: BTreeMap<i64, Vec<(i64, AnswerRow)>> = BTreeMap::new();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM survey_responses WHERE survey_id = $1")
        .bind(survey)
        .fetch_all(&mut *conn)
        .await?;
    for id in ids {
        responses.entry(id).or_default();
    }
    for row in &rows {
        let status: Option<String> = row.try_get("text_status")?;
        responses
            .entry(row.try_get("response_id")?)
            .or_default()
            .push((
                row.try_get("question_id")?,
                AnswerRow {
                    item: row.try_get("item")?,
                    choice: row.try_get("choice_id")?,
                    rank: row.try_get("rank")?,
                    number: row.try_get("number_value")?,
                    text: row.try_get("text_value")?,
                    text_status: match status.as_deref() {
                        Some("approved") => Some("approved"),
                        Some("hidden") => Some("hidden"),
                        Some(_) => Some("pending"),
                        None => None,
                    },
                },
            ));
    }
    sqlx::query("DELETE FROM survey_answers WHERE survey_id = $1")
        .bind(survey)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM survey_responses WHERE survey_id = $1")
        .bind(survey)
        .execute(&mut *conn)
        .await?;
    Ok(responses.into_values().collect())
}

/// One stored value of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub item: i64,
    pub choice: Option<i64>,
    pub rank: Option<i64>,
    pub number: Option<i64>,
    pub text: Option<String>,
    pub text_status: Option<&'static str>,
}

impl AnswerRow {
    fn head() -> Self {
        AnswerRow {
            item: 0,
            choice: None,
            rank: None,
            number: None,
            text: None,
            text_status: None,
        }
    }
}

/// The rows an answer is stored as: one head row (item 0) per answered question, which
/// counts respondents, plus one row per option of a multiple choice or a ranking and
/// one for the "other" text of a multiple choice (item -1).
pub fn answer_rows(_question: i64, answer: &Answer) -> Vec<AnswerRow> {
    let pending = Some("pending");
    match answer {
        Answer::Choices { chosen, other } if chosen.len() <= 1 && other.is_none() => {
            vec![AnswerRow {
                choice: chosen.first().copied(),
                ..AnswerRow::head()
            }]
        }
        Answer::Choices { chosen, other } => {
            let mut rows = vec![AnswerRow::head()];
            rows.extend(chosen.iter().map(|c| AnswerRow {
                item: *c,
                choice: Some(*c),
                ..AnswerRow::head()
            }));
            if let Some(text) = other {
                rows.push(AnswerRow {
                    item: -1,
                    text: Some(text.clone()),
                    text_status: pending,
                    ..AnswerRow::head()
                });
            }
            rows
        }
        Answer::Ranking(order) => {
            let mut rows = vec![AnswerRow::head()];
            rows.extend(order.iter().enumerate().map(|(i, c)| AnswerRow {
                item: *c,
                choice: Some(*c),
                rank: Some(i as i64 + 1),
                ..AnswerRow::head()
            }));
            rows
        }
        Answer::Number(n) => vec![AnswerRow {
            number: Some(*n),
            ..AnswerRow::head()
        }],
        Answer::Text(text) => vec![AnswerRow {
            text: Some(text.clone()),
            text_status: pending,
            ..AnswerRow::head()
        }],
        Answer::Date(date) => vec![AnswerRow {
            text: Some(date.clone()),
            ..AnswerRow::head()
        }],
    }
}

/// Who took part (never what they answered), a page of `per_page`: (name, day) of
/// accounts, most recent day first, then the number of visitors without an account. In
/// an anonymous survey (`by_name`) names come in alphabetical order without their day,
/// which would tell who came after the last batch of answers.
pub async fn participants(
    pool: &AnyPool,
    survey: i64,
    page: u32,
    per_page: u32,
    by_name: bool,
) -> sqlx::Result<(Vec<(String, String)>, i64, i64)> {
    let sql = if by_name {
        "SELECT u.display_name, '' AS taken_on FROM survey_participations p \
         JOIN users u ON u.id = p.user_id WHERE p.survey_id = $1 \
         ORDER BY u.display_name, u.id LIMIT $2 OFFSET $3"
    } else {
        "SELECT u.display_name, p.taken_on FROM survey_participations p \
         JOIN users u ON u.id = p.user_id WHERE p.survey_id = $1 \
         ORDER BY p.taken_on DESC, u.display_name, u.id LIMIT $2 OFFSET $3"
    };
    let rows = sqlx::query(sql)
        .bind(survey)
        .bind(i64::from(per_page))
        .bind(i64::from(page.saturating_sub(1) * per_page))
        .fetch_all(pool)
        .await?;
    let accounts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM survey_participations WHERE survey_id = $1 AND user_id IS NOT NULL",
    )
    .bind(survey)
    .fetch_one(pool)
    .await?;
    let browsers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM survey_participations WHERE survey_id = $1 AND user_id IS NULL",
    )
    .bind(survey)
    .fetch_one(pool)
    .await?;
    let list = rows
        .iter()
        .map(|r| Ok((r.try_get("display_name")?, r.try_get("taken_on")?)))
        .collect::<sqlx::Result<_>>()?;
    Ok((list, accounts, browsers))
}
