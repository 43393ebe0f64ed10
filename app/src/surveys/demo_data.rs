//! The demo commune's consultation on school hours: a survey with every common kind of
//! question and a condition, open for a month, answered by two demo residents.

use super::builder::{self, QuestionFields, QuestionForm, SurveyForm};
use super::model::{Audience, ResultsVisibility};
use crate::server::state::AppState;
use anyhow::Context;

const DAY: i64 = 24 * 3_600_000;

fn form(
    page_id: i64,
    kind: &'static str,
    label: &'static str,
    choices: &'static str,
) -> QuestionFields<'static> {
    QuestionFields {
        page_id,
        kind,
        label,
        choices,
        required: "1",
        ..QuestionFields::default()
    }
}

fn parse(fields: &QuestionFields<'_>) -> anyhow::Result<QuestionForm> {
    QuestionForm::parse(fields).map_err(|err| anyhow::anyhow!("demo question: {err:?}"))
}

/// Creates the demo survey (only into an instance without surveys).
pub async fn load(state: &AppState, agent: i64) -> anyhow::Result<bool> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM surveys")
        .fetch_one(state.db.pool())
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    let now = state.clock.now_ms();
    let settings = SurveyForm {
        title: "Rythmes scolaires : votre avis".into(),
        intro: "La commune réfléchit à l’organisation de la semaine dans ses trois écoles à la rentrée prochaine. Donnez votre avis en cinq minutes.".into(),
        opens_at_ms: now - DAY,
        closes_at_ms: now + 30 * DAY,
        audience: Audience::Residents,
        results: ResultsVisibility::Live,
        anonymous: true,
    };
    let fail = |err| anyhow::anyhow!("demo survey: {err:?}");
    let id = builder::create(state, agent, &settings)
        .await
        .map_err(fail)?;
    let viewer = super::service::Viewer {
        user_id: Some(agent),
        agent: true,
    };
    let survey = super::service::survey_for(state, id, viewer)
        .await
        .map_err(fail)?;
    let page1 = survey.pages[0].id;
    let children = builder::save_question(
        state,
        id,
        None,
        &parse(&form(
            page1,
            "single",
            "Avez-vous des enfants scolarisés dans la commune ?",
            "Oui\nNon",
        ))?,
    )
    .await
    .map_err(fail)?;
    let survey = super::service::survey_for(state, id, viewer)
        .await
        .map_err(fail)?;
    let yes = survey.question(children).context("question")?.choices[0].id;
    let mut school = form(
        page1,
        "single",
        "Dans quelle école ?",
        "École du Centre\nÉcole du Moulin\nÉcole de la Gare",
    );
    school.condition = vec![yes];
    builder::save_question(state, id, None, &parse(&school)?)
        .await
        .map_err(fail)?;
    let page2 = builder::add_page(state, id, "L’organisation de la semaine", &[])
        .await
        .map_err(fail)?;
    builder::save_question(
        state,
        id,
        None,
        &parse(&form(
            page2,
            "single",
            "Quelle semaine préférez-vous ?",
            "Quatre jours\nQuatre jours et demi (mercredi matin)",
        ))?,
    )
    .await
    .map_err(fail)?;
    let mut activities = form(
        page2,
        "multiple",
        "Quelles activités périscolaires souhaitez-vous ?",
        "Sport\nMusique\nArts plastiques\nAide aux devoirs\nJardinage",
    );
    activities.max_choices = "3";
    activities.allow_other = "1";
    builder::save_question(state, id, None, &parse(&activities)?)
        .await
        .map_err(fail)?;
    let mut satisfaction = form(
        page2,
        "scale",
        "Êtes-vous satisfait de l’organisation actuelle ?",
        "",
    );
    satisfaction.min_value = "1";
    satisfaction.max_value = "5";
    satisfaction.min_label = "Pas du tout";
    satisfaction.max_label = "Tout à fait";
    builder::save_question(state, id, None, &parse(&satisfaction)?)
        .await
        .map_err(fail)?;
    let page3 = builder::add_page(state, id, "Vos priorités", &[])
        .await
        .map_err(fail)?;
    let mut priorities = form(
        page3,
        "ranking",
        "Classez ces priorités",
        "Horaires\nCantine\nTransport scolaire",
    );
    priorities.required = "";
    builder::save_question(state, id, None, &parse(&priorities)?)
        .await
        .map_err(fail)?;
    let mut idea = form(page3, "long_text", "Une suggestion pour la commune ?", "");
    idea.required = "";
    builder::save_question(state, id, None, &parse(&idea)?)
        .await
        .map_err(fail)?;
    builder::publish(state, agent, id).await.map_err(fail)?;
    Ok(true)
}
