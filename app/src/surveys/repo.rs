//! SQL of surveys: definitions, lists, drafts, participations and responses.

use super::model::{
    Answer, Answers, Audience, Choice, Page, Question, QuestionKind, ResultsVisibility, Survey,
    SurveyInfo, SurveyState,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::BTreeMap;

const INFO_COLUMNS: &str = "id, title, intro, opens_at, closes_at, audience, results, anonymous, \
     published_at, participants";

fn info_from_row(row: &AnyRow, now_ms: i64) -> sqlx::Result<SurveyInfo> {
    let opens: i64 = row.try_get("opens_at")?;
    let closes: i64 = row.try_get("closes_at")?;
    let published = row.try_get::<Option<i64>, _>("published_at")?.is_some();
    let audience: String = row.try_get("audience")?;
    let results: String = row.try_get("results")?;
    Ok(SurveyInfo {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        intro: row.try_get("intro")?,
        opens_at_ms: opens,
        closes_at_ms: closes,
        audience: Audience::parse(&audience).unwrap_or(Audience::Residents),
        results: ResultsVisibility::parse(&results).unwrap_or(ResultsVisibility::Agents),
        anonymous: row.try_get::<i64, _>("anonymous")? != 0,
        published,
        participants: row.try_get("participants")?,
        state: SurveyState::at(published, opens, closes, now_ms),
    })
}

/// A survey's settings.
pub async fn info(
    conn: &mut AnyConnection,
    id: i64,
    now_ms: i64,
) -> sqlx::Result<Option<SurveyInfo>> {
    let sql = format!("SELECT {INFO_COLUMNS} FROM surveys WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.map(|r| info_from_row(&r, now_ms)).transpose()
}

/// A survey with its pages, questions, choices and conditions (five queries, whatever
/// its size).
pub async fn load(conn: &mut AnyConnection, id: i64, now_ms: i64) -> sqlx::Result<Option<Survey>> {
    let Some(info) = info(&mut *conn, id, now_ms).await? else {
        return Ok(None);
    };
    let page_rows = sqlx::query(
        "SELECT id, position, title FROM survey_pages WHERE survey_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let question_rows = sqlx::query(
        "SELECT id, page_id, position, kind, label, help, required, min_choices, max_choices, \
         min_value, max_value, min_label, max_label, allow_other \
         FROM survey_questions WHERE survey_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let choice_rows = sqlx::query(
        "SELECT c.id, c.question_id, c.label FROM survey_choices c \
         JOIN survey_questions q ON q.id = c.question_id \
         WHERE q.survey_id = $1 ORDER BY c.position, c.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let condition_rows = sqlx::query(
        "SELECT 'page' AS target, p.id AS target_id, pc.choice_id FROM survey_page_conditions pc \
         JOIN survey_pages p ON p.id = pc.page_id WHERE p.survey_id = $1 \
         UNION ALL \
         SELECT 'question', q.id, qc.choice_id FROM survey_question_conditions qc \
         JOIN survey_questions q ON q.id = qc.question_id WHERE q.survey_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;

    let mut choices: BTreeMap<i64, Vec<Choice>> = BTreeMap::new();
    for row in &choice_rows {
        choices
            .entry(row.try_get("question_id")?)
            .or_default()
            .push(Choice {
                id: row.try_get("id")?,
                label: row.try_get("label")?,
            });
    }
    let mut page_conditions: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut question_conditions: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for row in &condition_rows {
        let target: String = row.try_get("target")?;
        let map = if target == "page" {
            &mut page_conditions
        } else {
            &mut question_conditions
        };
        map.entry(row.try_get("target_id")?)
            .or_default()
            .push(row.try_get("choice_id")?);
    }
    let mut pages: Vec<Page> = page_rows
        .iter()
        .map(|row| {
            let page_id: i64 = row.try_get("id")?;
            Ok(Page {
                id: page_id,
                position: row.try_get("position")?,
                title: row.try_get("title")?,
                condition: page_conditions.remove(&page_id).unwrap_or_default(),
                questions: Vec::new(),
            })
        })
        .collect::<sqlx::Result<_>>()?;
    for row in &question_rows {
        let qid: i64 = row.try_get("id")?;
        let page_id: i64 = row.try_get("page_id")?;
        let kind: String = row.try_get("kind")?;
        let question = Question {
            id: qid,
            page_id,
            position: row.try_get("position")?,
            kind: QuestionKind::parse(&kind).unwrap_or(QuestionKind::ShortText),
            label: row.try_get("label")?,
            help: row.try_get("help")?,
            required: row.try_get::<i64, _>("required")? != 0,
            min_choices: row.try_get("min_choices")?,
            max_choices: row.try_get("max_choices")?,
            min_value: row.try_get("min_value")?,
            max_value: row.try_get("max_value")?,
            min_label: row.try_get("min_label")?,
            max_label: row.try_get("max_label")?,
            allow_other: row.try_get::<i64, _>("allow_other")? != 0,
            choices: choices.remove(&qid).unwrap_or_default(),
            condition: question_conditions.remove(&qid).unwrap_or_default(),
        };
        if let Some(page) = pages.iter_mut().find(|p| p.id == page_id) {
            page.questions.push(question);
        }
    }
    Ok(Some(Survey { info, pages }))
}

/// Published surveys that are open or closed (`open`), newest first, a page of `per_page`.
pub async fn list(
    pool: &AnyPool,
    filter: ListFilter,
    now_ms: i64,
    page: u32,
    per_page: u32,
) -> sqlx::Result<(Vec<SurveyInfo>, i64)> {
    let condition = match filter {
        ListFilter::Current => "published_at IS NOT NULL AND closes_at > $1",
        ListFilter::Closed => "published_at IS NOT NULL AND closes_at <= $1",
        ListFilter::All => "$1 = $1",
    };
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM surveys WHERE {condition}"))
        .bind(now_ms)
        .fetch_one(pool)
        .await?;
    let order = match filter {
        ListFilter::Current => "opens_at, id",
        ListFilter::Closed => "closes_at DESC, id DESC",
        ListFilter::All => "created_at DESC, id DESC",
    };
    let sql = format!(
        "SELECT {INFO_COLUMNS} FROM surveys WHERE {condition} ORDER BY {order} LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(&sql)
        .bind(now_ms)
        .bind(i64::from(per_page))
        .bind(i64::from(page.saturating_sub(1) * per_page))
        .fetch_all(pool)
        .await?;
    let surveys = rows
        .iter()
        .map(|r| info_from_row(r, now_ms))
        .collect::<sqlx::Result<_>>()?;
    Ok((surveys, total))
}

/// Published surveys, open, upcoming or closed, the latest closing first, at most `limit`
/// (the site search reads them all: a commune publishes tens a year).
pub async fn published(pool: &AnyPool, now_ms: i64, limit: i64) -> sqlx::Result<Vec<SurveyInfo>> {
    let sql = format!(
        "SELECT {INFO_COLUMNS} FROM surveys WHERE published_at IS NOT NULL \
         ORDER BY closes_at DESC, id DESC LIMIT $1"
    );
    sqlx::query(&sql)
        .bind(limit)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| info_from_row(r, now_ms))
        .collect()
}

/// Which surveys a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    /// Published, open or upcoming.
    Current,
    /// Published and closed.
    Closed,
    /// Every survey, drafts included (agents).
    All,
}

/// How a survey's drafts are kept: as they are, or (anonymous surveys) sealed with the
/// instance's key and dated to the day only, so that the database never holds readable
/// unfinished answers next to an account.
#[derive(Clone, Copy)]
pub enum DraftSeal<'a> {
    Plain,
    Sealed {
        sealer: &'a crate::server::seal::Sealer,
        survey: i64,
    },
}

impl DraftSeal<'_> {
    /// How drafts of `survey` are kept.
    pub fn of<'a>(state: &'a crate::server::state::AppState, info: &SurveyInfo) -> DraftSeal<'a> {
        if info.anonymous {
            DraftSeal::Sealed {
                sealer: &state.sealer,
                survey: info.id,
            }
        } else {
            DraftSeal::Plain
        }
    }

    fn purpose(survey: i64) -> String {
        format!("survey-draft:{survey}")
    }

    /// What a sealed draft of `survey` holds (its JSON), for its author's data export.
    pub fn open_stored(
        sealer: &crate::server::seal::Sealer,
        survey: i64,
        stored: &str,
    ) -> Option<String> {
        let json = sealer.open(&Self::purpose(survey), stored)?;
        String::from_utf8(json).ok()
    }

    fn encode(self, answers: &Answers) -> String {
        let json = serde_json::to_string(answers).unwrap_or_else(|_| "{}".into());
        match self {
            DraftSeal::Plain => json,
            DraftSeal::Sealed { sealer, survey } => {
                sealer.seal(&Self::purpose(survey), json.as_bytes())
            }
        }
    }

    fn decode(self, stored: &str) -> Answers {
        let json = match self {
            DraftSeal::Plain => stored.as_bytes().to_vec(),
            // A draft kept before sealing existed reads as it is; the next save seals it.
            DraftSeal::Sealed { sealer, survey } => sealer
                .open(&Self::purpose(survey), stored)
                .unwrap_or_else(|| stored.as_bytes().to_vec()),
        };
        // A draft that no longer reads (never expected) starts afresh rather than failing.
        serde_json::from_slice(&json).unwrap_or_default()
    }

    /// The time kept with a draft: the day only when sealed.
    fn time(self, now_ms: i64) -> i64 {
        match self {
            DraftSeal::Plain => now_ms,
            DraftSeal::Sealed { .. } => now_ms - now_ms.rem_euclid(24 * 3_600_000),
        }
    }
}

/// A draft: the answers so far and the index of the page to show.
pub async fn draft(
    conn: &mut AnyConnection,
    survey: i64,
    respondent: &str,
    seal: DraftSeal<'_>,
) -> sqlx::Result<Option<(Answers, usize)>> {
    let row = sqlx::query(
        "SELECT answers, page FROM survey_drafts WHERE survey_id = $1 AND respondent = $2",
    )
    .bind(survey)
    .bind(respondent)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let stored: String = row.try_get("answers")?;
    let page: i64 = row.try_get("page")?;
    Ok(Some((
        seal.decode(&stored),
        usize::try_from(page).unwrap_or(0),
    )))
}

/// Keeps the answers so far and where the respondent is.
#[allow(clippy::too_many_arguments)]
pub async fn save_draft(
    conn: &mut AnyConnection,
    survey: i64,
    respondent: &str,
    user_id: Option<i64>,
    answers: &Answers,
    page: usize,
    now_ms: i64,
    seal: DraftSeal<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO survey_drafts (survey_id, respondent, user_id, answers, page, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (survey_id, respondent) \
         DO UPDATE SET answers = excluded.answers, page = excluded.page, \
         updated_at = excluded.updated_at",
    )
    .bind(survey)
    .bind(respondent)
    .bind(user_id)
    .bind(seal.encode(answers))
    .bind(i64::try_from(page).unwrap_or(0))
    .bind(seal.time(now_ms))
    .execute(conn)
    .await?;
    Ok(())
}

/// Drafts untouched since `before` (visitors who never came back).
pub async fn purge_drafts(pool: &AnyPool, before_ms: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM survey_drafts WHERE updated_at < $1")
        .bind(before_ms)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

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

/// Deletes a draft (the response was recorded).
pub async fn delete_draft(
    conn: &mut AnyConnection,
    survey: i64,
    respondent: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM survey_drafts WHERE survey_id = $1 AND respondent = $2")
        .bind(survey)
        .bind(respondent)
        .execute(conn)
        .await?;
    Ok(())
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
