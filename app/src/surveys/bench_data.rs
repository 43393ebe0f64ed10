//! Data for the survey benchmark (`parvis survey-bench-data`, used by `.ci/bench-surveys`):
//! a survey of ten questions with public live results and many answers, loaded in large
//! transactions, then a timed run of concurrent sendings through the same service as the
//! answering form. Never load it on a real instance.

use super::builder::{self, QuestionFields, QuestionForm, SurveyForm};
use super::model::{Answer, Answers, Audience, QuestionKind, ResultsVisibility, Survey};
use super::repo::{self, Participant};
use super::service::{self, Viewer};
use crate::server::state::AppState;
use anyhow::Context;
use std::time::Instant;

/// What the benchmark loaded and measured.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyBench {
    pub survey: i64,
    pub answers: usize,
    /// Sendings per second of the timed run.
    pub sendings_per_second: f64,
    pub sendings: usize,
}

const QUESTIONS: &[(&str, &str, &str)] = &[
    (
        "single",
        "Votre quartier",
        "Centre\nLe Moulin\nLa Gare\nLa Croix",
    ),
    (
        "single",
        "Votre âge",
        "Moins de 18 ans\n18-29 ans\n30-44 ans\n45-64 ans\n65 ans et plus",
    ),
    (
        "multiple",
        "Vos modes de déplacement",
        "À pied\nVélo\nBus\nVoiture\nTrain",
    ),
    ("scale", "Satisfaction envers les transports", ""),
    ("scale", "Satisfaction envers la propreté", ""),
    ("ranking", "Vos priorités", "Sécurité\nPropreté\nCulture"),
    ("number", "Personnes dans votre foyer", ""),
    ("date", "Date de votre arrivée dans la commune", ""),
    ("short_text", "Un mot pour la commune", ""),
    (
        "single",
        "Participerez-vous à la réunion publique ?",
        "Oui\nNon\nPeut-être",
    ),
];

fn fail(err: crate::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("survey bench data: {err:?}")
}

/// Deterministic answers number `n` to `survey`.
pub fn answers_for(survey: &Survey, n: usize) -> Answers {
    let mut answers = Answers::new();
    for (i, q) in survey.questions().enumerate() {
        let pick = (n * 7 + i * 13) % q.choices.len().max(1);
        let answer = match q.kind {
            QuestionKind::Single => Answer::Choices {
                chosen: vec![q.choices[pick].id],
                other: None,
            },
            QuestionKind::Multiple => Answer::Choices {
                chosen: q
                    .choices
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| (n + j).is_multiple_of(3) || *j == pick)
                    .map(|(_, c)| c.id)
                    .collect(),
                other: None,
            },
            QuestionKind::Ranking => {
                let mut order: Vec<i64> = q.choices.iter().map(|c| c.id).collect();
                order.rotate_left(pick);
                Answer::Ranking(order)
            }
            QuestionKind::Scale => Answer::Number(1 + ((n + i) % 5) as i64),
            QuestionKind::Number => Answer::Number(1 + (n % 6) as i64),
            QuestionKind::Date => {
                Answer::Date(format!("20{:02}-{:02}-15", 10 + n % 16, 1 + n % 12))
            }
            QuestionKind::ShortText | QuestionKind::LongText => {
                if !n.is_multiple_of(10) {
                    continue;
                }
                Answer::Text(format!("Idée numéro {n}"))
            }
        };
        answers.insert(q.id, answer);
    }
    answers
}

/// Creates the survey and loads `count` responses in transactions of a thousand, then
/// times `sendings` sendings by distinct visitors, `concurrency` at a time.
pub async fn load(
    state: &AppState,
    count: usize,
    sendings: usize,
    concurrency: usize,
) -> anyhow::Result<SurveyBench> {
    let now = state.clock.now_ms();
    let settings = SurveyForm {
        title: "Enquête de mobilité (banc d’essai)".into(),
        intro: "Données de mesure.".into(),
        opens_at_ms: now - 3_600_000,
        closes_at_ms: now + 30 * 24 * 3_600_000,
        audience: Audience::Link,
        results: ResultsVisibility::Live,
        anonymous: true,
    };
    let id = builder::create(state, 1, &settings).await.map_err(fail)?;
    let viewer = Viewer {
        user_id: None,
        agent: true,
    };
    let page = service::survey_for(state, id, viewer)
        .await
        .map_err(fail)?
        .pages[0]
        .id;
    for (kind, label, choices) in QUESTIONS {
        let fields = QuestionFields {
            page_id: page,
            kind,
            label,
            choices,
            ..QuestionFields::default()
        };
        let form = QuestionForm::parse(&fields).map_err(fail)?;
        builder::save_question(state, id, None, &form)
            .await
            .map_err(fail)?;
    }
    builder::publish(state, 1, id).await.map_err(fail)?;
    let survey = service::survey_for(state, id, viewer).await.map_err(fail)?;
    let day = crate::server::paris::day(now);
    for batch in (0..count).collect::<Vec<_>>().chunks(1_000) {
        let mut tx = state.db.begin_write().await?;
        for n in batch {
            let who = Participant::Browser(format!("bench-{n}"));
            repo::insert_participation(&mut tx, id, &who, &day).await?;
            repo::insert_response(&mut tx, &survey, None, None, &answers_for(&survey, *n)).await?;
        }
        tx.commit().await.context("committing a batch of answers")?;
    }
    // Sendings as the form does them: one transaction each, checks included.
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0;
    let mut done = 0;
    while done < sendings {
        while tasks.len() < concurrency && next < sendings {
            let (state, survey) = (state.clone(), survey.clone());
            let n = count + next;
            tasks.spawn(async move {
                let who = Participant::Browser(format!("timed-{n}"));
                service::send(&state, &survey, &who, &answers_for(&survey, n)).await
            });
            next += 1;
        }
        if let Some(result) = tasks.join_next().await {
            result?.map_err(fail)?;
            done += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(SurveyBench {
        survey: id,
        answers: count,
        sendings,
        sendings_per_second: sendings as f64 / seconds.max(f64::EPSILON),
    })
}
