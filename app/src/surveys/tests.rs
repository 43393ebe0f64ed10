//! Surveys on SQLite and PostgreSQL: building, answering page by page, one answer per
//! participant under concurrency, results (anonymity: `anonymity_tests.rs`).
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::answering::{AnswerState, RawPage};
use super::builder::{self, QuestionFields, QuestionForm, SurveyForm};
use super::model::{Answer, Answers, Survey};
use super::repo::Participant;
use super::results_model::ResultBody;
use super::service::{self, After, Move, Viewer};
use crate::error::AppError;
use crate::forum::tests::{resident, state};
use crate::server::state::AppState;

pub(super) const HOUR: i64 = 3_600_000;
pub(super) const AGENT: Viewer = Viewer {
    user_id: Some(1),
    agent: true,
};

pub(super) fn settings(state: &AppState, anonymous: bool) -> SurveyForm {
    let now = state.clock.now_ms();
    SurveyForm {
        title: "Horaires de la médiathèque".into(),
        intro: "Votre avis sur les horaires.".into(),
        opens_at_ms: now - HOUR,
        closes_at_ms: now + 48 * HOUR,
        audience: super::model::Audience::Residents,
        results: super::model::ResultsVisibility::Live,
        anonymous,
    }
}

fn question(
    page_id: i64,
    kind: &str,
    label: &str,
    choices: &str,
    condition: Vec<i64>,
) -> QuestionForm {
    QuestionForm::parse(&QuestionFields {
        page_id,
        kind,
        label,
        required: "1",
        choices,
        condition,
        ..QuestionFields::default()
    })
    .unwrap()
}

/// A published survey: page 1 "Venez-vous ?" (Oui/Non) and "Pourquoi ?" shown only
/// after Non; page 2 "Quel jour ?" (multiple) and a 1–5 scale.
pub(super) async fn survey(state: &AppState, anonymous: bool) -> Survey {
    let email = crate::accounts::model::Email::parse("agent@parvis.example").unwrap();
    let agent = match crate::accounts::repo::find_by_email(state.db.pool(), &email)
        .await
        .unwrap()
    {
        Some(agent) => agent.id,
        None => resident(state, "agent@parvis.example").await,
    };
    let id = builder::create(state, agent, &settings(state, anonymous))
        .await
        .unwrap();
    let s = service::survey_for(state, id, AGENT).await.unwrap();
    let page1 = s.pages[0].id;
    let come = builder::save_question(
        state,
        id,
        None,
        &question(page1, "single", "Venez-vous ?", "Oui\nNon", vec![]),
    )
    .await
    .unwrap();
    let s = service::survey_for(state, id, AGENT).await.unwrap();
    let no = s.question(come).unwrap().choices[1].id;
    builder::save_question(
        state,
        id,
        None,
        &question(page1, "short_text", "Pourquoi ?", "", vec![no]),
    )
    .await
    .unwrap();
    let page2 = builder::add_page(state, id, "Vos préférences", &[])
        .await
        .unwrap();
    builder::save_question(
        state,
        id,
        None,
        &question(
            page2,
            "multiple",
            "Quels jours ?",
            "Mardi\nSamedi\nDimanche",
            vec![],
        ),
    )
    .await
    .unwrap();
    let mut scale = question(page2, "scale", "Satisfaction", "", vec![]);
    scale.required = false;
    builder::save_question(state, id, None, &scale)
        .await
        .unwrap();
    builder::publish(state, agent, id).await.unwrap();
    service::survey_for(state, id, AGENT).await.unwrap()
}

pub(super) fn raw(fields: &[(&str, &str)]) -> RawPage {
    super::answering::raw_page(fields)
}

pub(super) fn ids(s: &Survey) -> (i64, i64, i64, i64, i64, i64, i64) {
    let q: Vec<_> = s.questions().collect();
    (
        q[0].id,
        q[0].choices[0].id,
        q[0].choices[1].id,
        q[1].id,
        q[2].id,
        q[2].choices[1].id,
        q[3].id,
    )
}

/// Answers the whole survey for `who`: "Non", a reason, Saturday, 4.
pub(super) async fn answer_all(
    state: &AppState,
    s: &Survey,
    who: &Participant,
) -> Result<After, AppError> {
    let (come, _, no, why, days, saturday, scale) = ids(s);
    let page1 = raw(&[
        (&format!("t[{come}]"), &no.to_string()),
        (&format!("t[{why}]"), "Trop tôt"),
    ]);
    service::save_page(state, s, who, 0, Move::Next, &page1).await?;
    let page2 = raw(&[
        (&format!("m[{days}][{saturday}]"), "1"),
        (&format!("t[{scale}]"), "4"),
    ]);
    service::save_page(state, s, who, 1, Move::Next, &page2).await
}

pub(super) async fn count(state: &AppState, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(state.db.pool())
        .await
        .unwrap()
}

crate::db_test!(a_resident_answers_page_by_page_and_only_once, |db| {
    let state = state(&db);
    let s = survey(&state, false).await;
    let me = Participant::Account(resident(&state, "camille@parvis.example").await);
    let (come, yes, _, why, ..) = ids(&s);
    // "Oui" then a reason: the reason is hidden by its condition, so refused.
    let refused = service::save_page(
        &state,
        &s,
        &me,
        0,
        Move::Next,
        &raw(&[
            (&format!("t[{come}]"), &yes.to_string()),
            (&format!("t[{why}]"), "Rien"),
        ]),
    )
    .await;
    assert!(
        matches!(refused, Err(AppError::Validation(ref e)) if e.contains_key(&format!("q{why}")))
    );
    assert_eq!(
        count(&state, "survey_drafts").await,
        0,
        "nothing stored half-way"
    );

    assert_eq!(answer_all(&state, &s, &me).await, Ok(After::Sent));
    assert_eq!(count(&state, "survey_participations").await, 1);
    assert_eq!(count(&state, "survey_responses").await, 1);
    assert_eq!(
        count(&state, "survey_drafts").await,
        0,
        "the draft goes with the sending"
    );
    let again = answer_all(&state, &s, &me).await;
    assert_eq!(
        again,
        Err(AppError::Conflict("errors.survey_already_answered".into()))
    );
    let page = service::answer_page(&state, s.clone(), &me, None)
        .await
        .unwrap();
    assert_eq!(page, AnswerState::AlreadyAnswered);
    let info = service::info_for(&state, s.info.id, AGENT).await.unwrap();
    assert_eq!(info.participants, 1);
});

crate::db_test!(a_draft_is_kept_on_the_server_and_resumed, |db| {
    let state = state(&db);
    let s = survey(&state, false).await;
    let me = Participant::Account(resident(&state, "dominique@parvis.example").await);
    let (come, yes, ..) = ids(&s);
    let after = service::save_page(
        &state,
        &s,
        &me,
        0,
        Move::SaveForLater,
        &raw(&[(&format!("t[{come}]"), &yes.to_string())]),
    )
    .await
    .unwrap();
    assert_eq!(after, After::Saved);
    let AnswerState::Page(page) = service::answer_page(&state, s.clone(), &me, None)
        .await
        .unwrap()
    else {
        panic!("expected a page");
    };
    assert_eq!(page.index, 0);
    assert_eq!(page.fields[&format!("t[{come}]")], yes.to_string());
    assert_eq!((page.step, page.steps), (1, 2));
    // Moving on keeps page 1 and shows page 2 ("step 2 of 2").
    let next = service::save_page(
        &state,
        &s,
        &me,
        0,
        Move::Next,
        &raw(&[(&format!("t[{come}]"), &yes.to_string())]),
    )
    .await
    .unwrap();
    assert_eq!(next, After::Page(1));
    let AnswerState::Page(page) = service::answer_page(&state, s.clone(), &me, None)
        .await
        .unwrap()
    else {
        panic!("expected a page");
    };
    assert_eq!((page.index, page.step, page.last), (1, 2, true));
    assert_eq!(page.earlier_choices, vec![yes]);
});

crate::db_test!(a_survey_not_open_refuses_answers, |db| {
    let state = state(&db);
    let s = survey(&state, false).await;
    let me = Participant::Account(resident(&state, "eden@parvis.example").await);
    state.clock.advance_ms(49 * HOUR);
    let closed = service::survey_for(&state, s.info.id, AGENT).await.unwrap();
    assert_eq!(
        answer_all(&state, &closed, &me).await,
        Err(AppError::Closed)
    );
    assert_eq!(count(&state, "survey_participations").await, 0);
    // A visitor without account cannot answer a survey for signed-in residents.
    let open = service::info_for(&state, s.info.id, AGENT).await.unwrap();
    let visitor = Participant::Browser("cafe".into());
    assert_eq!(
        service::check_may_answer(&open, Some(&visitor)),
        Err(AppError::Closed)
    );
});

crate::db_test!(two_hundred_simultaneous_sendings_record_one_answer, |db| {
    let state = state(&db);
    let s = survey(&state, false).await;
    let me = Participant::Account(resident(&state, "frederique@parvis.example").await);
    let (come, _, no, why, days, saturday, scale) = ids(&s);
    let answers = Answers::from([
        (
            come,
            Answer::Choices {
                chosen: vec![no],
                other: None,
            },
        ),
        (why, Answer::Text("Trop tôt".into())),
        (
            days,
            Answer::Choices {
                chosen: vec![saturday],
                other: None,
            },
        ),
        (scale, Answer::Number(3)),
    ]);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let (state, s, me, answers) = (state.clone(), s.clone(), me.clone(), answers.clone());
        tasks.push(tokio::spawn(async move {
            service::send(&state, &s, &me, &answers).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => ok += 1,
            Err(AppError::Conflict(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(count(&state, "survey_responses").await, 1);
    assert_eq!(count(&state, "survey_participations").await, 1);
    let info = service::info_for(&state, s.info.id, AGENT).await.unwrap();
    assert_eq!(info.participants, 1);
});

crate::db_test!(
    results_are_counted_by_the_database_and_can_be_filtered,
    |db| {
        let state = state(&db);
        let s = survey(&state, false).await;
        let (come, yes, no, _, days, saturday, scale) = ids(&s);
        let sunday = s.question(days).unwrap().choices[2].id;
        for (i, email) in ["k@p.example", "l@p.example", "m@p.example"]
            .iter()
            .enumerate()
        {
            let who = Participant::Account(resident(&state, email).await);
            let first = if i == 0 { yes } else { no };
            let answers = Answers::from([
                (
                    come,
                    Answer::Choices {
                        chosen: vec![first],
                        other: None,
                    },
                ),
                (
                    days,
                    Answer::Choices {
                        chosen: if i == 2 {
                            vec![saturday, sunday]
                        } else {
                            vec![saturday]
                        },
                        other: None,
                    },
                ),
                (scale, Answer::Number(i as i64 + 3)),
            ]);
            service::send(&state, &s, &who, &answers).await.unwrap();
        }
        let all = crate::surveys::results::results(&state, &s, false, None)
            .await
            .unwrap();
        assert_eq!(all.respondents, 3);
        let q = |r: &crate::surveys::results_model::Results, id: i64| {
            r.questions.iter().find(|q| q.id == id).cloned().unwrap()
        };
        let ResultBody::Bars { bars, .. } = q(&all, come).body else {
            panic!()
        };
        assert_eq!(bars.iter().map(|b| b.count).collect::<Vec<_>>(), vec![1, 2]);
        let days_result = q(&all, days);
        assert_eq!(days_result.answered, 3);
        let ResultBody::Bars { bars, .. } = days_result.body else {
            panic!()
        };
        assert_eq!(
            bars.iter().map(|b| b.count).collect::<Vec<_>>(),
            vec![0, 3, 1]
        );
        let ResultBody::Bars { bars, mean_tenths } = q(&all, scale).body else {
            panic!()
        };
        assert_eq!(mean_tenths, Some(40));
        assert_eq!(bars[3].count, 1);
        // Among those who answered "Non": two respondents, nobody on Tuesday.
        let filtered = crate::surveys::results::results(&state, &s, false, Some((come, no)))
            .await
            .unwrap();
        assert_eq!(filtered.respondents, 2);
        let ResultBody::Bars { bars, .. } = q(&filtered, come).body else {
            panic!()
        };
        assert_eq!(bars.iter().map(|b| b.count).collect::<Vec<_>>(), vec![0, 2]);
    }
);

crate::db_test!(
    free_text_waits_for_a_moderator_before_the_public_sees_it,
    |db| {
        let state = state(&db);
        let s = survey(&state, false).await;
        let who = Participant::Account(resident(&state, "n@p.example").await);
        answer_all(&state, &s, &who).await.unwrap();
        let why = ids(&s).3;
        let public = crate::surveys::results::results(&state, &s, false, None)
            .await
            .unwrap();
        let text = public.questions.iter().find(|q| q.id == why).unwrap();
        assert!(text.texts.is_empty());
        assert_eq!(text.texts_pending, 1);
        let agents = crate::surveys::results::results(&state, &s, true, None)
            .await
            .unwrap();
        let text = agents.questions.iter().find(|q| q.id == why).unwrap();
        assert_eq!(text.texts, vec!["Trop tôt".to_owned()]);
        let moderator = resident(&state, "moderatrice@p.example").await;
        let pending = crate::surveys::review::pending_texts(&state, s.info.id)
            .await
            .unwrap();
        assert_eq!(pending.len(), 1);
        crate::surveys::review::review_text(&state, moderator, s.info.id, &pending[0].key, true)
            .await
            .unwrap();
        let public = crate::surveys::results::results(&state, &s, false, None)
            .await
            .unwrap();
        let text = public.questions.iter().find(|q| q.id == why).unwrap();
        assert_eq!(text.texts, vec!["Trop tôt".to_owned()]);
    }
);

crate::db_test!(after_the_first_answer_only_wording_may_change, |db| {
    let state = state(&db);
    let s = survey(&state, false).await;
    let who = Participant::Account(resident(&state, "o@p.example").await);
    answer_all(&state, &s, &who).await.unwrap();
    let first = s.questions().next().unwrap().clone();
    let mut reworded = question(
        first.page_id,
        "single",
        "Viendrez-vous ?",
        "Oui, bien sûr\nNon",
        vec![],
    );
    assert!(
        builder::save_question(&state, s.info.id, Some(first.id), &reworded)
            .await
            .is_ok()
    );
    reworded.choices.push("Peut-être".into());
    let refused = builder::save_question(&state, s.info.id, Some(first.id), &reworded).await;
    assert_eq!(
        refused,
        Err(AppError::field("form", "errors.survey_locked"))
    );
    let added = builder::save_question(
        &state,
        s.info.id,
        None,
        &question(first.page_id, "date", "Quand ?", "", vec![]),
    )
    .await;
    assert_eq!(added, Err(AppError::field("form", "errors.survey_locked")));
    let copy = builder::duplicate(&state, 1, s.info.id).await;
    let copy = service::survey_for(&state, copy.unwrap(), AGENT)
        .await
        .unwrap();
    assert!(!copy.info.published);
    assert_eq!(copy.questions().count(), 4);
    // The copy's condition points at the copy's own option.
    let why = copy.questions().nth(1).unwrap();
    let no = copy.questions().next().unwrap().choices[1].id;
    assert_eq!(why.condition, vec![no]);
});

crate::db_test!(
    a_condition_must_come_from_an_earlier_choice_question,
    |db| {
        let state = state(&db);
        let s = survey(&state, false).await;
        let days = ids(&s).4;
        let tuesday = s.question(days).unwrap().choices[0].id;
        // A page-1 question cannot depend on a page-2 answer.
        let form = question(s.pages[0].id, "number", "Âge", "", vec![tuesday]);
        let refused = builder::save_question(&state, s.info.id, None, &form).await;
        assert_eq!(
            refused,
            Err(AppError::field(
                "condition",
                "errors.survey_condition_order"
            ))
        );
    }
);

crate::db_test!(drafts_left_for_a_month_are_deleted, |db| {
    let state = state(&db);
    let s = survey(&state, false).await;
    let me = Participant::Account(resident(&state, "p@p.example").await);
    let come = ids(&s).0;
    service::save_page(
        &state,
        &s,
        &me,
        0,
        Move::SaveForLater,
        &raw(&[(&format!("t[{come}]"), "")]),
    )
    .await
    .unwrap();
    assert_eq!(count(&state, "survey_drafts").await, 1);
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    assert_eq!(
        crate::surveys::repo::purge_drafts(pool, now - service::DRAFT_LIFETIME_MS)
            .await
            .unwrap(),
        0
    );
    state.clock.advance_ms(service::DRAFT_LIFETIME_MS + 1);
    let now = state.clock.now_ms();
    assert_eq!(
        crate::surveys::repo::purge_drafts(pool, now - service::DRAFT_LIFETIME_MS)
            .await
            .unwrap(),
        1
    );
});

crate::db_test!(results_are_kept_a_few_seconds_then_recomputed, |db| {
    let state = state(&db);
    let s = survey(&state, false).await;
    let first = crate::surveys::results::cached(&state, &s, false, None)
        .await
        .unwrap();
    assert_eq!(first.respondents, 0);
    let who = Participant::Account(resident(&state, "q@p.example").await);
    answer_all(&state, &s, &who).await.unwrap();
    let soon = crate::surveys::results::cached(&state, &s, false, None)
        .await
        .unwrap();
    assert_eq!(soon.respondents, 0, "served from memory within the delay");
    state.clock.advance_ms(crate::surveys::cache::TTL_MS);
    let later = crate::surveys::results::cached(&state, &s, false, None)
        .await
        .unwrap();
    assert_eq!(later.respondents, 1);
    // A moderator's decision shows at once.
    let other = Participant::Account(resident(&state, "r@p.example").await);
    answer_all(&state, &s, &other).await.unwrap();
    state.survey_results.forget(s.info.id);
    let now = crate::surveys::results::cached(&state, &s, false, None)
        .await
        .unwrap();
    assert_eq!(now.respondents, 2);
});
