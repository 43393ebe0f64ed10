//! Server fns of the survey builder (agents) and of free-text review (moderators).
// A server fn takes one argument per form field; the question form has many.
#![allow(clippy::too_many_arguments)]

use super::model::{Survey, SurveyList};
#[cfg(feature = "ssr")]
use crate::accounts::model::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use crate::server::request::finish;

/// Every survey, drafts included, newest first (agents).
#[server(prefix = "/api", endpoint = "all_surveys")]
pub async fn list_all_surveys(page: u32) -> Result<SurveyList, AppError> {
    use super::repo::{list, ListFilter};
    crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let page = page.max(1);
    let per_page = super::api::PER_PAGE;
    let (surveys, total) = list(
        state.db.pool(),
        ListFilter::All,
        state.clock.now_ms(),
        page,
        per_page,
    )
    .await
    .map_err(crate::error::internal)?;
    Ok(SurveyList::new(surveys, total, page, per_page))
}

/// A survey as its builder shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderView {
    pub survey: Survey,
    /// Dates as `datetime-local` values, Paris time.
    pub opens_input: String,
    pub closes_input: String,
}

#[server(prefix = "/api", endpoint = "survey_builder")]
pub async fn get_builder(id: i64) -> Result<BuilderView, AppError> {
    let agent = crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let viewer = super::service::Viewer {
        user_id: Some(agent.id),
        agent: true,
    };
    let result = super::service::survey_for(&state, id, viewer).await;
    if let Err(err) = &result {
        crate::server::request::set_error_status(err);
    }
    let survey = result?;
    Ok(BuilderView {
        opens_input: crate::server::paris::to_input(survey.info.opens_at_ms),
        closes_input: crate::server::paris::to_input(survey.info.closes_at_ms),
        survey,
    })
}

/// The settings form's values, kept after a failed post.
#[cfg(feature = "ssr")]
fn settings_values<'a>(
    title: &'a str,
    intro: &'a str,
    opens_at: &'a str,
    closes_at: &'a str,
    audience: &'a str,
    results: &'a str,
    anonymous: &'a str,
) -> [(&'static str, &'a str); 7] {
    [
        ("title", title),
        ("intro", intro),
        ("opens_at", opens_at),
        ("closes_at", closes_at),
        ("audience", audience),
        ("results", results),
        ("anonymous", anonymous),
    ]
}

/// Creates a survey, then opens its builder.
#[server(prefix = "/api", endpoint = "create_survey")]
pub async fn create_survey(
    title: String,
    intro: String,
    opens_at: String,
    closes_at: String,
    audience: String,
    results: String,
    #[server(default)] anonymous: String,
) -> Result<(), AppError> {
    let agent = crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let form = super::builder::SurveyForm::parse(
            &title, &intro, &opens_at, &closes_at, &audience, &results, &anonymous,
        )?;
        crate::server::db::retry_contended(|| super::builder::create(&state, agent.id, &form)).await
    }
    .await;
    let values = settings_values(
        &title, &intro, &opens_at, &closes_at, &audience, &results, &anonymous,
    );
    let id = finish(result, "create_survey", &values).await?;
    leptos_axum::redirect(&format!("/consultations/gestion/{id}"));
    Ok(())
}

/// Changes a survey's settings, then shows its builder.
#[server(prefix = "/api", endpoint = "update_survey")]
pub async fn update_survey(
    survey_id: i64,
    title: String,
    intro: String,
    opens_at: String,
    closes_at: String,
    audience: String,
    results: String,
    #[server(default)] anonymous: String,
) -> Result<(), AppError> {
    crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let form = super::builder::SurveyForm::parse(
            &title, &intro, &opens_at, &closes_at, &audience, &results, &anonymous,
        )?;
        crate::server::db::retry_contended(|| super::builder::update(&state, survey_id, &form))
            .await
    }
    .await;
    let values = settings_values(
        &title, &intro, &opens_at, &closes_at, &audience, &results, &anonymous,
    );
    finish(result, "update_survey", &values).await?;
    leptos_axum::redirect(&format!("/consultations/gestion/{survey_id}?enregistre=1"));
    Ok(())
}

#[cfg(feature = "ssr")]
fn ids(map: &BTreeMap<String, String>) -> Vec<i64> {
    map.keys().filter_map(|k| k.parse().ok()).collect()
}

/// Adds a page, shown only when one of the `condition` options was picked.
#[server(prefix = "/api", endpoint = "add_survey_page")]
pub async fn add_survey_page(
    survey_id: i64,
    page_title: String,
    #[server(default)] condition: BTreeMap<String, String>,
) -> Result<(), AppError> {
    crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let condition = ids(&condition);
    let result = crate::server::db::retry_contended(|| {
        super::builder::add_page(&state, survey_id, &page_title, &condition)
    })
    .await;
    let page = finish(result, "add_survey_page", &[("page_title", &page_title)]).await?;
    leptos_axum::redirect(&format!("/consultations/gestion/{survey_id}#page-{page}"));
    Ok(())
}

/// Adds (`question_id` 0) or changes a question, then shows the builder at it.
#[server(prefix = "/api", endpoint = "save_survey_question")]
pub async fn save_survey_question(
    survey_id: i64,
    question_id: i64,
    page_id: i64,
    kind: String,
    label: String,
    #[server(default)] help: String,
    #[server(default)] required: String,
    #[server(default)] choices: String,
    #[server(default)] min_choices: String,
    #[server(default)] max_choices: String,
    #[server(default)] min_value: String,
    #[server(default)] max_value: String,
    #[server(default)] min_label: String,
    #[server(default)] max_label: String,
    #[server(default)] allow_other: String,
    #[server(default)] condition: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use super::builder::{QuestionFields, QuestionForm};
    crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let fields = QuestionFields {
        page_id,
        kind: &kind,
        label: &label,
        help: &help,
        required: &required,
        choices: &choices,
        min_choices: &min_choices,
        max_choices: &max_choices,
        min_value: &min_value,
        max_value: &max_value,
        min_label: &min_label,
        max_label: &max_label,
        allow_other: &allow_other,
        condition: ids(&condition),
    };
    let result = async {
        let form = QuestionForm::parse(&fields)?;
        let existing = (question_id > 0).then_some(question_id);
        crate::server::db::retry_contended(|| {
            super::builder::save_question(&state, survey_id, existing, &form)
        })
        .await
    }
    .await;
    let page = page_id.to_string();
    let values = [
        ("page_id", page.as_str()),
        ("kind", kind.as_str()),
        ("label", label.as_str()),
        ("help", help.as_str()),
        ("required", required.as_str()),
        ("choices", choices.as_str()),
        ("min_choices", min_choices.as_str()),
        ("max_choices", max_choices.as_str()),
        ("min_value", min_value.as_str()),
        ("max_value", max_value.as_str()),
        ("min_label", min_label.as_str()),
        ("max_label", max_label.as_str()),
        ("allow_other", allow_other.as_str()),
    ];
    let id = finish(result, "save_survey_question", &values).await?;
    leptos_axum::redirect(&format!("/consultations/gestion/{survey_id}#question-{id}"));
    Ok(())
}

/// Deletes `page:<id>` or `question:<id>`, before the first answer.
#[server(prefix = "/api", endpoint = "delete_survey_item")]
pub async fn delete_survey_item(survey_id: i64, target: String) -> Result<(), AppError> {
    use super::builder::Target;
    crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let target = match target.split_once(':') {
            Some(("page", id)) => id.parse().ok().map(Target::Page),
            Some(("question", id)) => id.parse().ok().map(Target::Question),
            _ => None,
        }
        .ok_or(AppError::NotFound)?;
        crate::server::db::retry_contended(|| super::builder::delete(&state, survey_id, target))
            .await
    }
    .await;
    finish(result, "delete_survey_item", &[]).await?;
    leptos_axum::redirect(&format!("/consultations/gestion/{survey_id}"));
    Ok(())
}

/// Moves a question one place `up` or `down` within its page.
#[server(prefix = "/api", endpoint = "move_survey_question")]
pub async fn move_survey_question(
    survey_id: i64,
    question_id: i64,
    direction: String,
) -> Result<(), AppError> {
    crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::builder::move_question(&state, survey_id, question_id, direction == "up")
    })
    .await;
    finish(result, "move_survey_question", &[]).await?;
    leptos_axum::redirect(&format!(
        "/consultations/gestion/{survey_id}#question-{question_id}"
    ));
    Ok(())
}

/// Publishes a survey.
#[server(prefix = "/api", endpoint = "publish_survey")]
pub async fn publish_survey(survey_id: i64) -> Result<(), AppError> {
    let agent = crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let result =
        crate::server::db::retry_contended(|| super::builder::publish(&state, agent.id, survey_id))
            .await;
    finish(result, "publish_survey", &[]).await?;
    leptos_axum::redirect(&format!("/consultations/gestion/{survey_id}?publie=1"));
    Ok(())
}

/// Copies a survey as a new draft, then opens the copy's builder.
#[server(prefix = "/api", endpoint = "duplicate_survey")]
pub async fn duplicate_survey(survey_id: i64) -> Result<(), AppError> {
    let agent = crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::builder::duplicate(&state, agent.id, survey_id)
    })
    .await;
    let id = finish(result, "duplicate_survey", &[]).await?;
    leptos_axum::redirect(&format!("/consultations/gestion/{id}"));
    Ok(())
}

/// Free-text answers of a survey waiting for review (moderators).
#[server(prefix = "/api", endpoint = "survey_pending_texts")]
pub async fn get_pending_texts(
    survey_id: i64,
) -> Result<Vec<super::results_model::PendingText>, AppError> {
    crate::auth::require_role(Role::Moderator).await?;
    let state = crate::server::state::app_state()?;
    super::review::pending_texts(&state, survey_id).await
}

/// Approves (`decision` "approve") or hides a free-text answer, then shows the rest.
#[server(prefix = "/api", endpoint = "review_survey_text")]
pub async fn review_survey_text(
    survey_id: i64,
    key: String,
    decision: String,
) -> Result<(), AppError> {
    let moderator = crate::auth::require_role(Role::Moderator).await?;
    let state = crate::server::state::app_state()?;
    let result = crate::server::db::retry_contended(|| {
        super::review::review_text(&state, moderator.id, survey_id, &key, decision == "approve")
    })
    .await;
    finish(result, "review_survey_text", &[]).await?;
    leptos_axum::redirect(&format!("/consultations/{survey_id}/relecture"));
    Ok(())
}

/// Who took part in a survey (agents): names and days, never answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participants {
    pub title: String,
    /// (name, day `YYYY-MM-DD`).
    pub people: Vec<(String, String)>,
    /// An anonymous survey still open: names are not shown, only counts.
    pub names_hidden: bool,
    /// Days are shown (not in an anonymous survey).
    pub days_shown: bool,
    pub accounts: i64,
    /// Visitors without an account (surveys open to anyone with the link).
    pub browsers: i64,
    pub page: u32,
    pub page_count: u32,
}

#[server(prefix = "/api", endpoint = "survey_participants")]
pub async fn get_participants(survey_id: i64, page: u32) -> Result<Participants, AppError> {
    let agent = crate::auth::require_role(Role::Agent).await?;
    let state = crate::server::state::app_state()?;
    let viewer = super::service::Viewer {
        user_id: Some(agent.id),
        agent: true,
    };
    let info = super::service::info_for(&state, survey_id, viewer).await?;
    let page = page.max(1);
    let per_page = 50;
    let (people, accounts, browsers) =
        super::repo::participants(state.db.pool(), survey_id, page, per_page, info.anonymous)
            .await
            .map_err(crate::error::internal)?;
    // In an anonymous survey, names listed while answers still arrive would pair a
    // newcomer with the next batch: until closing, counts only.
    let names_hidden = info.anonymous && info.state != super::model::SurveyState::Closed;
    let (people, accounts_listed) = if names_hidden {
        (Vec::new(), 0)
    } else {
        (people, accounts)
    };
    Ok(Participants {
        title: info.title,
        people,
        names_hidden,
        days_shown: !info.anonymous,
        accounts,
        browsers,
        page,
        page_count: u32::try_from(accounts_listed.max(0))
            .unwrap_or(u32::MAX)
            .div_ceil(per_page)
            .max(1),
    })
}
