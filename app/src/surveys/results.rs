//! Results of a survey, aggregated by the database (a few grouped queries, whatever the
//! number of answers), optionally among the respondents who gave one answer to one
//! question; free text shown publicly only once a moderator approved it.

use super::model::{QuestionKind, Survey};
use super::results_model::{Bar, FilterOption, QuestionResult, RankRow, ResultBody, Results};
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use sqlx::{AnyPool, Row};
use std::collections::BTreeMap;

/// Free-text answers listed per question on the results page.
pub const TEXTS_SHOWN: i64 = 20;

/// Which answer rows to count: the survey's (`$1`), or only those of the respondents
/// who picked option `$3` of question `$2`. The filtered form names the survey only in
/// the sub-query, so the database reaches each respondent's rows through the primary
/// key (response first) instead of intersecting with every row of the survey, a plan
/// that is quick whatever its statistics say.
fn rows_sql(filter: Option<(i64, i64)>, id_column: &str) -> String {
    match filter {
        Some(_) => format!(
            "{id_column} IN (SELECT response_id FROM survey_answers \
             WHERE survey_id = $1 AND question_id = $2 AND choice_id = $3)"
        ),
        None => "survey_id = $1".to_owned(),
    }
}

/// (question, option, value) of a group of answer rows.
type GroupKey = (i64, Option<i64>, Option<i64>);

#[derive(Default)]
struct Group {
    n: i64,
    rank_sum: i64,
    firsts: i64,
    heads: i64,
}

/// [`results`], kept a few seconds (see [`super::cache`]).
pub async fn cached(
    state: &AppState,
    survey: &Survey,
    agent: bool,
    filter: Option<(i64, i64)>,
) -> Result<Results, AppError> {
    super::pool::settle(state, survey).await?;
    let key = (survey.info.id, agent, filter);
    state
        .survey_results
        .get_or_compute(key, state.clock.now_ms(), || {
            results(state, survey, agent, filter)
        })
        .await
}

/// Results of `survey`, for an agent (`agent`: every free text, approved or not) or the
/// public, among respondents who picked `filter` = (question, choice) if given.
pub async fn results(
    state: &AppState,
    survey: &Survey,
    agent: bool,
    filter: Option<(i64, i64)>,
) -> Result<Results, AppError> {
    let pool = state.db.pool();
    let id = survey.info.id;
    let filter = filter.filter(|(q, c)| {
        survey
            .question(*q)
            .is_some_and(|q| q.kind.can_be_condition() && q.choices.iter().any(|x| x.id == *c))
    });
    let groups = grouped(pool, id, filter).await.map_err(internal)?;
    let respondents = respondents(pool, id, filter).await.map_err(internal)?;
    let pending = {
        let mut conn = pool.acquire().await.map_err(internal)?;
        super::pool::pending(&mut conn, id)
            .await
            .map_err(internal)?
    };
    let dates = date_spans(pool, id, filter).await.map_err(internal)?;
    let (texts, text_counts) = texts(pool, id, agent, filter).await.map_err(internal)?;

    let mut questions = Vec::new();
    for q in survey.questions() {
        let of_q: Vec<(&GroupKey, &Group)> = groups
            .iter()
            .filter(|((qid, _, _), _)| *qid == q.id)
            .collect();
        let answered: i64 = of_q.iter().map(|(_, g)| g.heads).sum();
        let body = match q.kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                let mut bars: Vec<Bar> = q
                    .choices
                    .iter()
                    .map(|c| Bar {
                        label: c.label.clone(),
                        count: of_q
                            .iter()
                            .filter(|((_, choice, _), _)| *choice == Some(c.id))
                            .map(|(_, g)| g.n)
                            .sum(),
                    })
                    .collect();
                if q.allow_other {
                    // Rows without an option: heads of "other" single answers and head
                    // rows of multiple answers; the "other" texts are the rest.
                    let (n, heads) = of_q
                        .iter()
                        .filter(|((_, choice, _), _)| choice.is_none())
                        .fold((0, 0), |(n, h), (_, g)| (n + g.n, h + g.heads));
                    let other = if q.kind == QuestionKind::Single {
                        n
                    } else {
                        n - heads
                    };
                    bars.push(Bar {
                        label: String::new(),
                        count: other,
                    });
                }
                ResultBody::Bars {
                    bars,
                    mean_tenths: None,
                }
            }
            QuestionKind::Scale => {
                let (lo, hi) = (q.min_value.unwrap_or(1), q.max_value.unwrap_or(5));
                let bars: Vec<Bar> = (lo..=hi)
                    .map(|v| Bar {
                        label: v.to_string(),
                        count: of_q
                            .iter()
                            .filter(|((_, _, value), _)| *value == Some(v))
                            .map(|(_, g)| g.n)
                            .sum(),
                    })
                    .collect();
                let total: i64 = of_q
                    .iter()
                    .filter_map(|((_, _, v), g)| v.map(|v| v * g.n))
                    .sum();
                ResultBody::Bars {
                    mean_tenths: (answered > 0).then(|| (total * 10 + answered / 2) / answered),
                    bars,
                }
            }
            QuestionKind::Ranking => ResultBody::Ranking {
                rows: q
                    .choices
                    .iter()
                    .map(|c| {
                        let g = of_q
                            .iter()
                            .find(|((_, choice, _), _)| *choice == Some(c.id))
                            .map(|(_, g)| (g.n, g.rank_sum, g.firsts))
                            .unwrap_or_default();
                        RankRow {
                            label: c.label.clone(),
                            average_tenths: (g.0 > 0).then(|| (g.1 * 10 + g.0 / 2) / g.0),
                            firsts: g.2,
                        }
                    })
                    .collect(),
            },
            QuestionKind::Number => {
                let mut values: Vec<(i64, i64)> = of_q
                    .iter()
                    .filter_map(|((_, _, v), g)| v.map(|v| (v, g.n)))
                    .collect();
                values.sort();
                let total: i64 = values.iter().map(|(v, n)| v * n).sum();
                let mut seen = 0;
                let median = values.iter().find_map(|(v, n)| {
                    seen += n;
                    (seen * 2 >= answered).then_some(*v)
                });
                ResultBody::Number {
                    min: values.first().map(|(v, _)| *v),
                    max: values.last().map(|(v, _)| *v),
                    mean_tenths: (answered > 0).then(|| (total * 10 + answered / 2) / answered),
                    median,
                }
            }
            QuestionKind::Date => {
                let span = dates.get(&q.id).cloned().unwrap_or_default();
                ResultBody::Dates {
                    earliest: span.0,
                    latest: span.1,
                }
            }
            QuestionKind::ShortText | QuestionKind::LongText => ResultBody::Texts,
        };
        let counts = text_counts.get(&q.id).copied().unwrap_or_default();
        questions.push(QuestionResult {
            id: q.id,
            label: q.label.clone(),
            kind: q.kind,
            answered,
            body,
            texts: texts.get(&q.id).cloned().unwrap_or_default(),
            texts_total: counts.0,
            texts_pending: counts.1,
        });
    }
    let filters = survey
        .questions()
        .filter(|q| q.kind.can_be_condition())
        .flat_map(|q| {
            q.choices.iter().map(|c| FilterOption {
                value: format!("{}:{}", q.id, c.id),
                label: format!("{} : {}", q.label, c.label),
            })
        })
        .collect::<Vec<_>>();
    let filter_label = filter.and_then(|(q, c)| {
        filters
            .iter()
            .find(|f| f.value == format!("{q}:{c}"))
            .map(|f| f.label.clone())
    });
    Ok(Results {
        info: survey.info.clone(),
        respondents,
        pending,
        filter: filter.map(|(q, c)| format!("{q}:{c}")),
        filter_label,
        filters,
        questions,
    })
}

async fn grouped(
    pool: &AnyPool,
    survey: i64,
    filter: Option<(i64, i64)>,
) -> sqlx::Result<BTreeMap<GroupKey, Group>> {
    let sql = format!(
        "SELECT question_id, choice_id, number_value, COUNT(*) AS n, \
         CAST(SUM(COALESCE(rank, 0)) AS BIGINT) AS rank_sum, \
         CAST(SUM(CASE WHEN rank = 1 THEN 1 ELSE 0 END) AS BIGINT) AS firsts, \
         CAST(SUM(CASE WHEN item = 0 THEN 1 ELSE 0 END) AS BIGINT) AS heads \
         FROM survey_answers WHERE {} \
         GROUP BY question_id, choice_id, number_value",
        rows_sql(filter, "response_id")
    );
    let mut query = sqlx::query(&sql).bind(survey);
    if let Some((q, c)) = filter {
        query = query.bind(q).bind(c);
    }
    let rows = query.fetch_all(pool).await?;
    let mut out = BTreeMap::new();
    for row in rows {
        out.insert(
            (
                row.try_get("question_id")?,
                row.try_get("choice_id")?,
                row.try_get("number_value")?,
            ),
            Group {
                n: row.try_get("n")?,
                rank_sum: row.try_get("rank_sum")?,
                firsts: row.try_get("firsts")?,
                heads: row.try_get("heads")?,
            },
        );
    }
    Ok(out)
}

async fn respondents(pool: &AnyPool, survey: i64, filter: Option<(i64, i64)>) -> sqlx::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM survey_responses WHERE {}",
        rows_sql(filter, "id")
    );
    let mut query = sqlx::query_scalar(&sql).bind(survey);
    if let Some((q, c)) = filter {
        query = query.bind(q).bind(c);
    }
    query.fetch_one(pool).await
}

async fn date_spans(
    pool: &AnyPool,
    survey: i64,
    filter: Option<(i64, i64)>,
) -> sqlx::Result<BTreeMap<i64, (Option<String>, Option<String>)>> {
    let sql = format!(
        "SELECT question_id, MIN(text_value) AS earliest, MAX(text_value) AS latest \
         FROM survey_answers WHERE {} AND text_value IS NOT NULL \
         AND text_status IS NULL GROUP BY question_id",
        rows_sql(filter, "response_id")
    );
    let mut query = sqlx::query(&sql).bind(survey);
    if let Some((q, c)) = filter {
        query = query.bind(q).bind(c);
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("question_id")?,
                (r.try_get("earliest")?, r.try_get("latest")?),
            ))
        })
        .collect()
}

type Texts = BTreeMap<i64, Vec<String>>;
/// Per question: (texts that may be shown, texts waiting for a moderator).
type TextCounts = BTreeMap<i64, (i64, i64)>;

async fn texts(
    pool: &AnyPool,
    survey: i64,
    agent: bool,
    filter: Option<(i64, i64)>,
) -> sqlx::Result<(Texts, TextCounts)> {
    let shown = if agent {
        "text_status IN ('pending', 'approved')"
    } else {
        "text_status = 'approved'"
    };
    // Ordered by the random response id: a stable order that says nothing of who
    // answered when.
    let sql = format!(
        "SELECT question_id, text_value FROM (\
           SELECT question_id, text_value, ROW_NUMBER() OVER \
             (PARTITION BY question_id ORDER BY response_id, item) AS rn \
           FROM survey_answers WHERE {} AND text_value IS NOT NULL AND {shown}\
         ) t WHERE rn <= {TEXTS_SHOWN} ORDER BY question_id, rn",
        rows_sql(filter, "response_id")
    );
    let mut query = sqlx::query(&sql).bind(survey);
    if let Some((q, c)) = filter {
        query = query.bind(q).bind(c);
    }
    let mut texts = Texts::new();
    for row in query.fetch_all(pool).await? {
        texts
            .entry(row.try_get("question_id")?)
            .or_default()
            .push(row.try_get("text_value")?);
    }
    let sql = format!(
        "SELECT question_id, \
         CAST(SUM(CASE WHEN {shown} THEN 1 ELSE 0 END) AS BIGINT) AS shown, \
         CAST(SUM(CASE WHEN text_status = 'pending' THEN 1 ELSE 0 END) AS BIGINT) AS pending \
         FROM survey_answers WHERE {} AND text_value IS NOT NULL \
         AND text_status IS NOT NULL \
         GROUP BY question_id",
        rows_sql(filter, "response_id")
    );
    let mut query = sqlx::query(&sql).bind(survey);
    if let Some((q, c)) = filter {
        query = query.bind(q).bind(c);
    }
    let mut counts = TextCounts::new();
    for row in query.fetch_all(pool).await? {
        counts.insert(
            row.try_get("question_id")?,
            (row.try_get("shown")?, row.try_get("pending")?),
        );
    }
    Ok((texts, counts))
}
