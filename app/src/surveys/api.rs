//! Server fns of surveys for residents: lists, a survey's page, answering page by page,
//! results. Reading is public for published surveys; answering follows the survey's
//! audience; results follow its visibility setting.

use super::model::{SurveyInfo, SurveyList};
use super::results_model::Results;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use super::repo::Participant;
#[cfg(feature = "ssr")]
use super::service::Viewer;

/// Surveys per list page.
pub const PER_PAGE: u32 = 20;

/// Session key of a visitor's browser key (surveys open to anyone with the link).
#[cfg(feature = "ssr")]
const BROWSER_KEY: &str = "survey.browser";

#[cfg(feature = "ssr")]
pub(super) async fn viewer() -> Result<(Viewer, Option<crate::auth::model::CurrentUser>), AppError>
{
    let user = crate::auth::current_user().await?;
    Ok((
        Viewer {
            user_id: user.as_ref().map(|u| u.id),
            agent: user
                .as_ref()
                .is_some_and(|u| u.has_role(crate::accounts::model::Role::Agent)),
        },
        user,
    ))
}

/// Who answers: the account, else (surveys open to anyone) this browser, identified by
/// a random key kept in its session; only its hash is stored. `create`: make the key if
/// the browser has none yet.
#[cfg(feature = "ssr")]
async fn participant(viewer: Viewer, create: bool) -> Result<Option<Participant>, AppError> {
    if let Some(id) = viewer.user_id {
        return Ok(Some(Participant::Account(id)));
    }
    let session = crate::auth::guard::session().await?;
    let fail = |err: tower_sessions::session::Error| {
        crate::error::internal(anyhow::anyhow!("session: {err}"))
    };
    let key = match session.get::<String>(BROWSER_KEY).await.map_err(fail)? {
        Some(key) => key,
        None if create => {
            let key = format!("{:032x}", rand::random::<u128>());
            session
                .insert(BROWSER_KEY, key.clone())
                .await
                .map_err(fail)?;
            key
        }
        None => return Ok(None),
    };
    Ok(Some(Participant::Browser(
        crate::auth::service::token_hash(&key),
    )))
}

/// Published surveys: `section` "current" (open or upcoming) or "closed".
#[server(prefix = "/api", endpoint = "list_surveys")]
pub async fn list_surveys(section: String, page: u32) -> Result<SurveyList, AppError> {
    use super::repo::{list, ListFilter};
    let state = crate::server::state::app_state()?;
    let filter = if section == "closed" {
        ListFilter::Closed
    } else {
        ListFilter::Current
    };
    let page = page.max(1);
    let (surveys, total) = list(
        state.db.pool(),
        filter,
        state.clock.now_ms(),
        page,
        PER_PAGE,
    )
    .await
    .map_err(crate::error::internal)?;
    Ok(SurveyList::new(surveys, total, page, PER_PAGE))
}

/// A survey's front page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyView {
    pub info: SurveyInfo,
    pub pages: usize,
    pub questions: usize,
    pub signed_in: bool,
    pub is_agent: bool,
    /// The visitor already took part.
    pub participated: bool,
    /// The visitor has answers saved for later.
    pub has_draft: bool,
    pub results_visible: bool,
}

#[server(prefix = "/api", endpoint = "survey")]
pub async fn get_survey(id: i64) -> Result<SurveyView, AppError> {
    let state = crate::server::state::app_state()?;
    let (viewer, _) = viewer().await?;
    let result = async {
        let survey = super::service::survey_for(&state, id, viewer).await?;
        let who = participant(viewer, false).await?;
        let (participated, has_draft) = match &who {
            Some(who) => {
                let mut conn = state
                    .db
                    .pool()
                    .acquire()
                    .await
                    .map_err(crate::error::internal)?;
                (
                    super::repo::has_participated(&mut conn, id, who)
                        .await
                        .map_err(crate::error::internal)?,
                    super::repo::draft(
                        &mut conn,
                        id,
                        &who.draft_key(),
                        super::repo::DraftSeal::of(&state, &survey.info),
                    )
                    .await
                    .map_err(crate::error::internal)?
                    .is_some(),
                )
            }
            None => (false, false),
        };
        Ok(SurveyView {
            pages: survey.pages.len(),
            questions: survey.questions().count(),
            signed_in: viewer.user_id.is_some(),
            is_agent: viewer.agent,
            participated,
            has_draft,
            results_visible: super::service::may_see_results(&survey.info, viewer),
            info: survey.info,
        })
    }
    .await;
    if let Err(err) = &result {
        crate::server::request::set_error_status(err);
    }
    result
}

/// The answering form's page: `page` is 1-based (0: where the draft stands).
#[server(prefix = "/api", endpoint = "survey_answer_page")]
pub async fn get_answer_page(
    id: i64,
    page: u32,
) -> Result<super::answering::AnswerState, AppError> {
    let state = crate::server::state::app_state()?;
    let (viewer, _) = viewer().await?;
    let result = async {
        let survey = super::service::survey_for(&state, id, viewer).await?;
        let who = participant(viewer, false).await?;
        let who = match who {
            Some(who) => who,
            None if survey.info.audience == super::model::Audience::Link => {
                // A visitor who has not saved anything yet: a key that matches nothing.
                Participant::Browser(String::new())
            }
            None => return Err(AppError::Unauthenticated),
        };
        let requested = (page > 0).then_some(page as usize);
        super::service::answer_page(&state, survey, &who, requested).await
    }
    .await;
    if let Err(err) = &result {
        crate::server::request::set_error_status(err);
    }
    result
}

/// Saves one page of answers (`go`: "next", "back" or "save"), then shows the next page,
/// the survey (saved for later) or the thank-you page.
#[server(prefix = "/api", endpoint = "save_survey_answers")]
pub async fn save_answers(
    survey_id: i64,
    index: u32,
    go: String,
    #[server(default)] t: BTreeMap<String, String>,
    #[server(default)] m: BTreeMap<String, BTreeMap<String, String>>,
    #[server(default)] r: BTreeMap<String, BTreeMap<String, String>>,
    #[server(default)] o: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use super::service::{After, Move};
    let state = crate::server::state::app_state()?;
    let raw = super::answering::RawPage { t, m, r, o };
    // What was typed on a refused page of an anonymous survey (or one that could not be
    // read) is carried back by the browser only, never kept in the account's session.
    let anonymous = std::sync::atomic::AtomicBool::new(true);
    let result = async {
        let (viewer, _) = viewer().await?;
        let survey = super::service::survey_for(&state, survey_id, viewer).await?;
        anonymous.store(survey.info.anonymous, std::sync::atomic::Ordering::Relaxed);
        let who = participant(viewer, survey.info.audience == super::model::Audience::Link)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        crate::server::db::retry_contended(|| {
            super::service::save_page(
                &state,
                &survey,
                &who,
                index as usize,
                Move::parse(&go),
                &raw,
            )
        })
        .await
    }
    .await;
    let fields: Vec<(String, String)> = raw.fields().into_iter().collect();
    let typed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let after = if anonymous.load(std::sync::atomic::Ordering::Relaxed) {
        crate::server::request::finish_in_browser(result, "save_survey_answers", &typed).await
    } else {
        crate::server::request::finish(result, "save_survey_answers", &typed).await
    }?;
    let base = format!("/consultations/{survey_id}");
    match after {
        After::Page(i) => leptos_axum::redirect(&format!("{base}/repondre?page={}", i + 1)),
        After::Missing(i) => {
            leptos_axum::redirect(&format!("{base}/repondre?page={}&manque=1", i + 1))
        }
        After::Saved => leptos_axum::redirect(&format!("{base}?enregistre=1")),
        After::Sent => leptos_axum::redirect(&format!("{base}/merci")),
    }
    Ok(())
}

/// The results, if the visitor may see them; `filter` is `<question>:<choice>` or empty.
#[server(prefix = "/api", endpoint = "survey_results")]
pub async fn get_results(id: i64, filter: String) -> Result<(Results, bool), AppError> {
    let state = crate::server::state::app_state()?;
    let (viewer, _) = viewer().await?;
    let result = async {
        let survey = super::service::survey_for(&state, id, viewer).await?;
        if !super::service::may_see_results(&survey.info, viewer) {
            return Err(AppError::Forbidden);
        }
        let filter = filter
            .split_once(':')
            .and_then(|(q, c)| Some((q.parse().ok()?, c.parse().ok()?)));
        let results = super::results::cached(&state, &survey, viewer.agent, filter).await?;
        Ok((results, viewer.agent))
    }
    .await;
    if let Err(err) = &result {
        crate::server::request::set_error_status(err);
    }
    result
}
