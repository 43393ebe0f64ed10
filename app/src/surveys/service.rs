//! Answering surveys: who may, page by page with a draft kept on the server, and the one
//! transaction that records a participation and its response (the unique constraints
//! decide when the same person sends twice at once).

use super::answering::{self, AnswerPage, AnswerState, Completeness, RawPage};
use super::model::{Answers, Audience, ResultsVisibility, Survey, SurveyInfo, SurveyState};
use super::repo::{self, Participant};
use crate::error::{internal, AppError};
use crate::server::ratelimit::{self, Limit};
use crate::server::state::AppState;

/// Answers sent from one network address to one survey open to anyone, per day, by
/// people not signed in (a household or an office shares an address).
pub const ANSWERS_PER_ADDRESS: Limit = Limit::per_day(30);

/// Drafts of visitors who never came back are deleted after this long.
pub const DRAFT_LIFETIME_MS: i64 = 30 * Limit::DAY;

/// Who is asking, as far as surveys are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub agent: bool,
}

/// The survey, for `viewer`: drafts exist only for agents.
pub async fn survey_for(state: &AppState, id: i64, viewer: Viewer) -> Result<Survey, AppError> {
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let survey = repo::load(&mut conn, id, state.clock.now_ms())
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if !survey.info.published && !viewer.agent {
        return Err(AppError::NotFound);
    }
    Ok(survey)
}

/// A survey's settings, for `viewer` (drafts only for agents).
pub async fn info_for(state: &AppState, id: i64, viewer: Viewer) -> Result<SurveyInfo, AppError> {
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let info = repo::info(&mut conn, id, state.clock.now_ms())
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if !info.published && !viewer.agent {
        return Err(AppError::NotFound);
    }
    Ok(info)
}

/// Whether `viewer` may see the results of a survey now.
pub fn may_see_results(info: &SurveyInfo, viewer: Viewer) -> bool {
    if viewer.agent {
        return true;
    }
    info.published
        && match info.results {
            ResultsVisibility::Live => info.state != SurveyState::Upcoming,
            ResultsVisibility::AfterClose => info.state == SurveyState::Closed,
            ResultsVisibility::Agents => false,
        }
}

/// Refuses a survey that is not open for answers, or a visitor its audience excludes.
pub fn check_may_answer(info: &SurveyInfo, who: Option<&Participant>) -> Result<(), AppError> {
    if info.state != SurveyState::Open {
        return Err(AppError::Closed);
    }
    match (info.audience, who) {
        (_, None) | (Audience::Residents, Some(Participant::Browser(_))) => {
            Err(AppError::Unauthenticated)
        }
        _ => Ok(()),
    }
}

/// The page to show: `requested` (1-based, as in the URL) if it is shown given the
/// draft, else the draft's current page.
pub async fn answer_page(
    state: &AppState,
    survey: Survey,
    who: &Participant,
    requested: Option<usize>,
) -> Result<AnswerState, AppError> {
    check_may_answer(&survey.info, Some(who))?;
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    if repo::has_participated(&mut conn, survey.info.id, who)
        .await
        .map_err(internal)?
    {
        return Ok(AnswerState::AlreadyAnswered);
    }
    let seal = repo::DraftSeal::of(state, &survey.info);
    let (answers, current) = repo::draft(&mut conn, survey.info.id, &who.draft_key(), seal)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    let visible = survey.visible_pages(&answers);
    let wanted = requested.map(|p| p.saturating_sub(1)).unwrap_or(current);
    let index = if visible.contains(&wanted) {
        wanted
    } else if visible.contains(&current) {
        current
    } else {
        visible.first().copied().ok_or(AppError::NotFound)?
    };
    let step = visible.iter().position(|i| *i == index).unwrap_or(0) + 1;
    let steps = visible.len().max(step);
    let page = survey.pages[index].clone();
    let here: Vec<i64> = page.questions.iter().map(|q| q.id).collect();
    let earlier: Answers = answers
        .iter()
        .filter(|(q, _)| !here.contains(q))
        .map(|(q, a)| (*q, a.clone()))
        .collect();
    let earlier_choices = earlier
        .values()
        .flat_map(|a| match a {
            super::model::Answer::Choices { chosen, .. } => chosen.clone(),
            _ => Vec::new(),
        })
        .collect();
    let mine: Answers = answers
        .into_iter()
        .filter(|(q, _)| here.contains(q))
        .collect();
    Ok(AnswerState::Page(Box::new(AnswerPage {
        last: !survey.has_later_page(index, &earlier),
        fields: answering::fields_of(&mine),
        info: survey.info,
        page,
        index,
        step,
        steps,
        earlier_choices,
    })))
}

/// What the respondent asked for with the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Next,
    Back,
    SaveForLater,
}

impl Move {
    pub fn parse(raw: &str) -> Move {
        match raw {
            "back" => Move::Back,
            "save" => Move::SaveForLater,
            _ => Move::Next,
        }
    }
}

/// Where to go after a page was saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Show this page (index).
    Page(usize),
    /// The draft is kept; come back later.
    Saved,
    /// The response is recorded.
    Sent,
    /// Sending found a required answer missing on this page (index).
    Missing(usize),
}

/// Checks page `index`'s answers, keeps them in the draft and moves on; after the last
/// page, records the response.
pub async fn save_page(
    state: &AppState,
    survey: &Survey,
    who: &Participant,
    index: usize,
    go: Move,
    raw: &RawPage,
) -> Result<After, AppError> {
    check_may_answer(&survey.info, Some(who))?;
    let key = who.draft_key();
    let now = state.clock.now_ms();
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    if repo::has_participated(&mut conn, survey.info.id, who)
        .await
        .map_err(internal)?
    {
        return Err(AppError::Conflict("errors.survey_already_answered".into()));
    }
    let seal = repo::DraftSeal::of(state, &survey.info);
    let (mut answers, _) = repo::draft(&mut conn, survey.info.id, &key, seal)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    if !survey.page_visible(index, &answers) {
        return Err(AppError::field("form", "errors.survey_tampered"));
    }
    let completeness = if go == Move::Next {
        Completeness::Required
    } else {
        Completeness::Partial
    };
    let page_answers = answering::read_page(survey, index, &answers, raw, completeness)
        .map_err(AppError::Validation)?;
    let on_page: Vec<i64> = survey.pages[index].questions.iter().map(|q| q.id).collect();
    answers.retain(|q, _| !on_page.contains(q));
    answers.extend(page_answers);
    let visible = survey.visible_pages(&answers);
    let position = visible.iter().position(|i| *i == index).unwrap_or(0);
    let after = match go {
        Move::SaveForLater => After::Saved,
        Move::Back => After::Page(visible[position.saturating_sub(1)]),
        Move::Next => match visible.get(position + 1) {
            Some(next) => After::Page(*next),
            None => match answering::complete(survey, &answers) {
                Ok(kept) => {
                    drop(conn);
                    check_address_limit(state, survey.info.id, who).await?;
                    send(state, survey, who, &kept).await?;
                    return Ok(After::Sent);
                }
                Err((missing, _)) => After::Missing(missing),
            },
        },
    };
    let resume_at = match after {
        After::Page(i) | After::Missing(i) => i,
        After::Saved | After::Sent => index,
    };
    repo::save_draft(
        &mut conn,
        survey.info.id,
        &key,
        who.user_id(),
        &answers,
        resume_at,
        now,
        seal,
    )
    .await
    .map_err(internal)?;
    Ok(after)
}

/// Visitors without an account send at most [`ANSWERS_PER_ADDRESS`] answers a day to
/// one survey from one network address.
async fn check_address_limit(
    state: &AppState,
    survey: i64,
    who: &Participant,
) -> Result<(), AppError> {
    if let Participant::Browser(_) = who {
        let bucket = format!("survey:{survey}:{}", crate::server::request::client_ip());
        let now = state.clock.now_ms();
        if !ratelimit::allow(&state.db, &bucket, ANSWERS_PER_ADDRESS, now)
            .await
            .map_err(internal)?
        {
            return Err(AppError::RateLimited);
        }
    }
    Ok(())
}

/// Records one participation and its response, in one transaction. A second sending by
/// the same participant, even at the same instant, is refused by the database. In an
/// anonymous survey the response goes to the pool instead ([`super::pool`]), and is
/// written later with others.
pub async fn send(
    state: &AppState,
    survey: &Survey,
    who: &Participant,
    answers: &Answers,
) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let id = survey.info.id;
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let info = repo::info(&mut tx, id, now)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    check_may_answer(&info, Some(who))?;
    let day = crate::server::paris::day(now);
    if !repo::insert_participation(&mut tx, id, who, &day)
        .await
        .map_err(internal)?
    {
        return Err(AppError::Conflict("errors.survey_already_answered".into()));
    }
    if info.anonymous {
        super::pool::add(&mut tx, state, id, answers).await?;
    } else {
        repo::insert_response(&mut tx, survey, who.user_id(), Some(now), answers)
            .await
            .map_err(internal)?;
    }
    repo::delete_draft(&mut tx, id, &who.draft_key())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    if info.anonymous {
        // The answers are safe in the pool; writing a batch can wait for the next sending
        // or the closing if it fails now.
        if let Err(err) = super::pool::flush(state, survey, false).await {
            tracing::warn!(survey = id, error = ?err, "writing a batch of anonymous answers; retried later");
        }
    }
    Ok(())
}
