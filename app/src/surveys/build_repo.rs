//! SQL of the survey builder: settings, pages, questions, options, conditions, copies.

use super::builder::{QuestionForm, SurveyForm, Target};
use super::model::Survey;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

pub async fn insert_survey(
    conn: &mut AnyConnection,
    form: &SurveyForm,
    agent: i64,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO surveys (title, intro, opens_at, closes_at, audience, results, anonymous, \
         created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(&form.title)
    .bind(&form.intro)
    .bind(form.opens_at_ms)
    .bind(form.closes_at_ms)
    .bind(form.audience.as_str())
    .bind(form.results.as_str())
    .bind(i64::from(form.anonymous))
    .bind(agent)
    .bind(now_ms)
    .fetch_one(conn)
    .await
}

pub async fn update_survey(
    conn: &mut AnyConnection,
    id: i64,
    form: &SurveyForm,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE surveys SET title = $1, intro = $2, opens_at = $3, closes_at = $4, \
         audience = $5, results = $6, anonymous = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&form.title)
    .bind(&form.intro)
    .bind(form.opens_at_ms)
    .bind(form.closes_at_ms)
    .bind(form.audience.as_str())
    .bind(form.results.as_str())
    .bind(i64::from(form.anonymous))
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn publish(conn: &mut AnyConnection, id: i64, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE surveys SET published_at = $1, updated_at = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds a page after the others; returns its id.
pub async fn insert_page(
    conn: &mut AnyConnection,
    survey: i64,
    title: &str,
    _now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO survey_pages (survey_id, position, title) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM survey_pages WHERE survey_id = $1), $2) \
         RETURNING id",
    )
    .bind(survey)
    .bind(title)
    .fetch_one(conn)
    .await
}

/// Replaces the condition of a page (`kind` "page") or a question ("question").
pub async fn set_conditions(
    conn: &mut AnyConnection,
    kind: &str,
    target: i64,
    choices: &[i64],
) -> sqlx::Result<()> {
    let (table, column) = if kind == "page" {
        ("survey_page_conditions", "page_id")
    } else {
        ("survey_question_conditions", "question_id")
    };
    sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
        .bind(target)
        .execute(&mut *conn)
        .await?;
    for choice in choices {
        sqlx::query(&format!(
            "INSERT INTO {table} ({column}, choice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        ))
        .bind(target)
        .bind(*choice)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The position after every question of the survey.
pub async fn next_question_position(conn: &mut AnyConnection, survey: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM survey_questions WHERE survey_id = $1",
    )
    .bind(survey)
    .fetch_one(conn)
    .await
}

/// Inserts or updates a question and its options. Options keep their ids: labels are
/// updated in place, extra lines appended, missing ones deleted.
pub async fn save_question(
    conn: &mut AnyConnection,
    survey: i64,
    id: Option<i64>,
    position: i64,
    form: &QuestionForm,
) -> sqlx::Result<i64> {
    let id =
        match id {
            Some(id) => {
                sqlx::query(
                "UPDATE survey_questions SET page_id = $1, position = $2, kind = $3, label = $4, \
                 help = $5, required = $6, min_choices = $7, max_choices = $8, min_value = $9, \
                 max_value = $10, min_label = $11, max_label = $12, allow_other = $13 \
                 WHERE id = $14",
            )
            .bind(form.page_id)
            .bind(position)
            .bind(form.kind.as_str())
            .bind(&form.label)
            .bind(&form.help)
            .bind(i64::from(form.required))
            .bind(form.min_choices)
            .bind(form.max_choices)
            .bind(form.min_value)
            .bind(form.max_value)
            .bind(&form.min_label)
            .bind(&form.max_label)
            .bind(i64::from(form.allow_other))
            .bind(id)
            .execute(&mut *conn)
            .await?;
                id
            }
            None => sqlx::query_scalar(
                "INSERT INTO survey_questions (survey_id, page_id, position, kind, label, help, \
                 required, min_choices, max_choices, min_value, max_value, min_label, max_label, \
                 allow_other) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            )
            .bind(survey)
            .bind(form.page_id)
            .bind(position)
            .bind(form.kind.as_str())
            .bind(&form.label)
            .bind(&form.help)
            .bind(i64::from(form.required))
            .bind(form.min_choices)
            .bind(form.max_choices)
            .bind(form.min_value)
            .bind(form.max_value)
            .bind(&form.min_label)
            .bind(&form.max_label)
            .bind(i64::from(form.allow_other))
            .fetch_one(&mut *conn)
            .await?,
        };
    let existing: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM survey_choices WHERE question_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for (i, label) in form.choices.iter().enumerate() {
        let position = i as i64 + 1;
        match existing.get(i) {
            Some(choice) => {
                sqlx::query("UPDATE survey_choices SET label = $1, position = $2 WHERE id = $3")
                    .bind(label)
                    .bind(position)
                    .bind(*choice)
                    .execute(&mut *conn)
                    .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO survey_choices (question_id, position, label) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(position)
                .bind(label)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    for extra in existing.iter().skip(form.choices.len()) {
        sqlx::query("DELETE FROM survey_choices WHERE id = $1")
            .bind(*extra)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

pub async fn delete(conn: &mut AnyConnection, target: Target) -> sqlx::Result<()> {
    let (sql, id) = match target {
        Target::Page(id) => ("DELETE FROM survey_pages WHERE id = $1", id),
        Target::Question(id) => ("DELETE FROM survey_questions WHERE id = $1", id),
    };
    sqlx::query(sql).bind(id).execute(conn).await?;
    Ok(())
}

pub async fn swap_positions(
    conn: &mut AnyConnection,
    a: i64,
    a_position: i64,
    b: i64,
    b_position: i64,
) -> sqlx::Result<()> {
    for (id, position) in [(a, b_position), (b, a_position)] {
        sqlx::query("UPDATE survey_questions SET position = $1 WHERE id = $2")
            .bind(position)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Copies `survey` as an unpublished draft; returns the copy's id.
pub async fn copy(
    conn: &mut AnyConnection,
    survey: &Survey,
    agent: i64,
    now_ms: i64,
) -> sqlx::Result<i64> {
    let info = &survey.info;
    let form = SurveyForm {
        title: format!("{} (copie)", info.title),
        intro: info.intro.clone(),
        opens_at_ms: info.opens_at_ms,
        closes_at_ms: info.closes_at_ms,
        audience: info.audience,
        results: info.results,
        anonymous: info.anonymous,
    };
    let id = insert_survey(&mut *conn, &form, agent, now_ms).await?;
    // Old option id → new option id, to copy conditions.
    let mut choice_ids: BTreeMap<i64, i64> = BTreeMap::new();
    let mut conditions: Vec<(&str, i64, &[i64])> = Vec::new();
    for page in &survey.pages {
        let page_id = insert_page(&mut *conn, id, &page.title, now_ms).await?;
        conditions.push(("page", page_id, &page.condition));
        for q in &page.questions {
            let form = QuestionForm {
                page_id,
                kind: q.kind,
                label: q.label.clone(),
                help: q.help.clone(),
                required: q.required,
                choices: q.choices.iter().map(|c| c.label.clone()).collect(),
                min_choices: q.min_choices,
                max_choices: q.max_choices,
                min_value: q.min_value,
                max_value: q.max_value,
                min_label: q.min_label.clone(),
                max_label: q.max_label.clone(),
                allow_other: q.allow_other,
                condition: Vec::new(),
            };
            let qid = save_question(&mut *conn, id, None, q.position, &form).await?;
            let rows = sqlx::query(
                "SELECT id FROM survey_choices WHERE question_id = $1 ORDER BY position, id",
            )
            .bind(qid)
            .fetch_all(&mut *conn)
            .await?;
            for (old, row) in q.choices.iter().zip(rows.iter()) {
                choice_ids.insert(old.id, row.try_get("id")?);
            }
            conditions.push(("question", qid, &q.condition));
        }
    }
    for (kind, target, old) in conditions {
        let new: Vec<i64> = old
            .iter()
            .filter_map(|c| choice_ids.get(c).copied())
            .collect();
        set_conditions(&mut *conn, kind, target, &new).await?;
    }
    Ok(id)
}
