//! SQL of surveys: definitions, lists and drafts. Participations and responses are in
//! `response_repo`.

use super::model::{
    Answers, Audience, Choice, Page, Question, QuestionKind, ResultsVisibility, Survey, SurveyInfo,
    SurveyState,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::BTreeMap;

pub use super::response_repo::{
    answer_rows, has_participated, insert_participation, insert_response, insert_response_rows,
    participants, response_rows, take_responses, AnswerRow, Participant,
};

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

/// Published surveys open at `now_ms`, the soonest closing first (the home page).
pub async fn open_at(pool: &AnyPool, now_ms: i64, limit: i64) -> sqlx::Result<Vec<SurveyInfo>> {
    let sql = format!(
        "SELECT {INFO_COLUMNS} FROM surveys WHERE published_at IS NOT NULL \
         AND opens_at <= $1 AND closes_at > $1 ORDER BY closes_at, id LIMIT $2"
    );
    sqlx::query(&sql)
        .bind(now_ms)
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
