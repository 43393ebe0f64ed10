//! Agents build surveys: settings, pages, questions with their options and conditions,
//! publication and duplication. Before the first answer everything may change; after it
//! only wording may, so collected answers keep their meaning.

use super::model::{QuestionKind, Survey};
use super::repo;
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::server::state::AppState;
use sqlx::AnyConnection;

/// Most options of a choice question.
pub const MAX_CHOICES: usize = 30;
/// Widest scale (number of steps).
pub const MAX_SCALE_STEPS: i64 = 11;

fn text(raw: &str, field: &str, min: usize, max: usize, errors: &mut FieldErrors) -> String {
    let value = raw.trim().to_owned();
    let len = value.chars().count();
    if len < min {
        add_field_error(errors, field, "errors.required");
    } else if len > max {
        add_field_error(errors, field, "errors.text_too_long");
    }
    value
}

fn optional_number(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            add_field_error(errors, field, "errors.survey_number_invalid");
            None
        }
    }
}

/// A survey's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyForm {
    pub title: String,
    pub intro: String,
    pub opens_at_ms: i64,
    pub closes_at_ms: i64,
    pub audience: super::model::Audience,
    pub results: super::model::ResultsVisibility,
    pub anonymous: bool,
}

impl SurveyForm {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        title: &str,
        intro: &str,
        opens_at: &str,
        closes_at: &str,
        audience: &str,
        results: &str,
        anonymous: &str,
    ) -> Result<SurveyForm, AppError> {
        let mut errors = FieldErrors::new();
        let title = text(title, "title", 3, 200, &mut errors);
        let intro = text(intro, "intro", 0, 5_000, &mut errors);
        let opens = crate::server::paris::parse_input(opens_at);
        let closes = crate::server::paris::parse_input(closes_at);
        if opens.is_none() {
            add_field_error(&mut errors, "opens_at", "errors.survey_datetime_invalid");
        }
        if closes.is_none() {
            add_field_error(&mut errors, "closes_at", "errors.survey_datetime_invalid");
        }
        if let (Some(o), Some(c)) = (opens, closes) {
            if c <= o {
                add_field_error(
                    &mut errors,
                    "closes_at",
                    "errors.survey_closes_before_opening",
                );
            }
        }
        let audience = super::model::Audience::parse(audience);
        if audience.is_none() {
            add_field_error(&mut errors, "audience", "errors.choice_unknown");
        }
        let results = super::model::ResultsVisibility::parse(results);
        if results.is_none() {
            add_field_error(&mut errors, "results", "errors.choice_unknown");
        }
        match (errors.is_empty(), opens, closes, audience, results) {
            (true, Some(opens_at_ms), Some(closes_at_ms), Some(audience), Some(results)) => {
                Ok(SurveyForm {
                    title,
                    intro,
                    opens_at_ms,
                    closes_at_ms,
                    audience,
                    results,
                    anonymous: !anonymous.is_empty(),
                })
            }
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// A question as the builder form posts it, checked on its own (conditions are checked
/// against the survey by [`save_question`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionForm {
    pub page_id: i64,
    pub kind: QuestionKind,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub choices: Vec<String>,
    pub min_choices: Option<i64>,
    pub max_choices: Option<i64>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub min_label: String,
    pub max_label: String,
    pub allow_other: bool,
    pub condition: Vec<i64>,
}

/// The raw fields of the question form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionFields<'a> {
    pub page_id: i64,
    pub kind: &'a str,
    pub label: &'a str,
    pub help: &'a str,
    pub required: &'a str,
    pub choices: &'a str,
    pub min_choices: &'a str,
    pub max_choices: &'a str,
    pub min_value: &'a str,
    pub max_value: &'a str,
    pub min_label: &'a str,
    pub max_label: &'a str,
    pub allow_other: &'a str,
    pub condition: Vec<i64>,
}

impl QuestionForm {
    pub fn parse(fields: &QuestionFields<'_>) -> Result<QuestionForm, AppError> {
        let mut errors = FieldErrors::new();
        let kind = QuestionKind::parse(fields.kind);
        if kind.is_none() {
            add_field_error(&mut errors, "kind", "errors.choice_unknown");
        }
        let kind = kind.unwrap_or(QuestionKind::ShortText);
        let label = text(fields.label, "label", 1, 300, &mut errors);
        let help = text(fields.help, "help", 0, 1_000, &mut errors);
        let mut choices: Vec<String> = Vec::new();
        let (mut min_choices, mut max_choices) = (None, None);
        let (mut min_value, mut max_value) = (None, None);
        let allow_other = !fields.allow_other.is_empty()
            && matches!(kind, QuestionKind::Single | QuestionKind::Multiple);
        if kind.has_choices() {
            for line in fields
                .choices
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                if line.chars().count() > 200 {
                    add_field_error(&mut errors, "choices", "errors.text_too_long");
                } else if choices.iter().any(|c| c == line) {
                    add_field_error(&mut errors, "choices", "errors.survey_choice_twice");
                } else {
                    choices.push(line.to_owned());
                }
            }
            if choices.len() < 2 {
                add_field_error(&mut errors, "choices", "errors.survey_two_choices");
            } else if choices.len() > MAX_CHOICES {
                add_field_error(&mut errors, "choices", "errors.survey_too_many_choices");
            }
        }
        if kind == QuestionKind::Multiple {
            min_choices = optional_number(fields.min_choices, "min_choices", &mut errors);
            max_choices = optional_number(fields.max_choices, "max_choices", &mut errors);
            let offered = choices.len() as i64 + i64::from(allow_other);
            if min_choices.is_some_and(|m| m < 0 || m > offered) {
                add_field_error(&mut errors, "min_choices", "errors.survey_out_of_range");
            }
            if max_choices
                .is_some_and(|m| m < 1 || m > offered || min_choices.is_some_and(|n| m < n))
            {
                add_field_error(&mut errors, "max_choices", "errors.survey_out_of_range");
            }
        }
        if matches!(kind, QuestionKind::Scale | QuestionKind::Number) {
            min_value = optional_number(fields.min_value, "min_value", &mut errors);
            max_value = optional_number(fields.max_value, "max_value", &mut errors);
            if kind == QuestionKind::Scale {
                min_value = min_value.or(Some(1));
                max_value = max_value.or(Some(5));
            }
            if let (Some(lo), Some(hi)) = (min_value, max_value) {
                if hi <= lo || (kind == QuestionKind::Scale && hi - lo + 1 > MAX_SCALE_STEPS) {
                    add_field_error(&mut errors, "max_value", "errors.survey_out_of_range");
                }
            }
        }
        let (min_label, max_label) = if kind == QuestionKind::Scale {
            (
                text(fields.min_label, "min_label", 0, 60, &mut errors),
                text(fields.max_label, "max_label", 0, 60, &mut errors),
            )
        } else {
            (String::new(), String::new())
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(QuestionForm {
            page_id: fields.page_id,
            kind,
            label,
            help,
            required: !fields.required.is_empty(),
            choices,
            min_choices,
            max_choices,
            min_value,
            max_value,
            min_label,
            max_label,
            allow_other,
            condition: fields.condition.clone(),
        })
    }
}

/// Refuses a change of structure once answers exist.
fn check_unlocked(survey: &Survey) -> Result<(), AppError> {
    if survey.info.participants > 0 {
        return Err(AppError::field("form", "errors.survey_locked"));
    }
    Ok(())
}

/// Checks that `condition` names options of one single or multiple choice question
/// placed before the target (`page_index`, and `before_position` on that page for a
/// question; `None` for a page, whose condition must come from an earlier page).
fn check_condition(
    survey: &Survey,
    condition: &[i64],
    page_index: usize,
    before_position: Option<i64>,
) -> Result<(), AppError> {
    if condition.is_empty() {
        return Ok(());
    }
    let mut source = None;
    for choice in condition {
        let question = survey
            .question_of_choice(*choice)
            .ok_or_else(|| AppError::field("condition", "errors.choice_unknown"))?;
        if source.is_some_and(|s| s != question.id) || !question.kind.can_be_condition() {
            return Err(AppError::field(
                "condition",
                "errors.survey_condition_one_question",
            ));
        }
        source = Some(question.id);
        let source_page = survey
            .pages
            .iter()
            .position(|p| p.id == question.page_id)
            .unwrap_or(usize::MAX);
        let earlier = source_page < page_index
            || (source_page == page_index
                && before_position.is_some_and(|pos| question.position < pos));
        if !earlier {
            return Err(AppError::field(
                "condition",
                "errors.survey_condition_order",
            ));
        }
    }
    Ok(())
}

async fn load_for_update(
    conn: &mut AnyConnection,
    state: &AppState,
    id: i64,
) -> Result<Survey, AppError> {
    repo::load(conn, id, state.clock.now_ms())
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// Creates a survey with one empty page; returns its id.
pub async fn create(state: &AppState, agent: i64, form: &SurveyForm) -> Result<i64, AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let id = super::build_repo::insert_survey(&mut tx, form, agent, now)
        .await
        .map_err(internal)?;
    super::build_repo::insert_page(&mut tx, id, "", now)
        .await
        .map_err(internal)?;
    crate::auth::repo::audit(
        &mut *tx,
        Some(agent),
        "survey.create",
        None,
        &id.to_string(),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// Changes a survey's settings. Once answers exist, only the title, the introduction
/// and the closing date may change (answers keep their meaning).
pub async fn update(state: &AppState, id: i64, form: &SurveyForm) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let survey = load_for_update(&mut tx, state, id).await?;
    let info = &survey.info;
    if info.participants > 0
        && (form.opens_at_ms != info.opens_at_ms
            || form.audience != info.audience
            || form.anonymous != info.anonymous)
    {
        return Err(AppError::field("form", "errors.survey_locked"));
    }
    // Its participants are listed once it is closed: reopened, every newcomer would pair
    // with the answers that follow.
    if info.anonymous
        && info.participants > 0
        && info.state == super::model::SurveyState::Closed
        && form.closes_at_ms != info.closes_at_ms
    {
        return Err(AppError::field(
            "closes_at",
            "errors.survey_closed_for_good",
        ));
    }
    super::build_repo::update_survey(&mut tx, id, form, state.clock.now_ms())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.survey_results.forget(id);
    Ok(())
}

/// Adds a page at the end, shown only when `condition` is met; returns its id.
pub async fn add_page(
    state: &AppState,
    survey_id: i64,
    title: &str,
    condition: &[i64],
) -> Result<i64, AppError> {
    let title = title.trim();
    if title.chars().count() > 200 {
        return Err(AppError::field("page_title", "errors.text_too_long"));
    }
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let survey = load_for_update(&mut tx, state, survey_id).await?;
    check_unlocked(&survey)?;
    check_condition(&survey, condition, survey.pages.len(), None)?;
    let page = super::build_repo::insert_page(&mut tx, survey_id, title, state.clock.now_ms())
        .await
        .map_err(internal)?;
    super::build_repo::set_conditions(&mut tx, "page", page, condition)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.survey_results.forget(survey_id);
    Ok(page)
}

/// Adds (`question_id` None) or changes a question. After the first answer only its
/// wording (label, help, option labels, scale labels) may change.
pub async fn save_question(
    state: &AppState,
    survey_id: i64,
    question_id: Option<i64>,
    form: &QuestionForm,
) -> Result<i64, AppError> {
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let survey = load_for_update(&mut tx, state, survey_id).await?;
    let page_index = survey
        .pages
        .iter()
        .position(|p| p.id == form.page_id)
        .ok_or_else(|| AppError::field("page_id", "errors.choice_unknown"))?;
    let existing = match question_id {
        Some(qid) => Some(survey.question(qid).ok_or(AppError::NotFound)?.clone()),
        None => None,
    };
    if survey.info.participants > 0 {
        let Some(before) = &existing else {
            return Err(AppError::field("form", "errors.survey_locked"));
        };
        let same_structure = before.page_id == form.page_id
            && before.kind == form.kind
            && before.required == form.required
            && before.choices.len() == form.choices.len()
            && before.min_choices == form.min_choices
            && before.max_choices == form.max_choices
            && before.min_value == form.min_value
            && before.max_value == form.max_value
            && before.allow_other == form.allow_other
            && before.condition == form.condition;
        if !same_structure {
            return Err(AppError::field("form", "errors.survey_locked"));
        }
    }
    let position = match &existing {
        Some(q) if q.page_id == form.page_id => q.position,
        _ => super::build_repo::next_question_position(&mut tx, survey_id)
            .await
            .map_err(internal)?,
    };
    check_condition(&survey, &form.condition, page_index, Some(position))?;
    if let Some(q) = &existing {
        // A question that others depend on cannot stop offering their options.
        let depended = survey.pages.iter().any(|p| {
            p.condition
                .iter()
                .chain(p.questions.iter().flat_map(|x| x.condition.iter()))
                .any(|c| q.choices.iter().any(|qc| qc.id == *c))
        });
        if depended && (form.kind != q.kind || form.choices.len() < q.choices.len()) {
            return Err(AppError::field(
                "choices",
                "errors.survey_condition_depends",
            ));
        }
    }
    let id = super::build_repo::save_question(&mut tx, survey_id, question_id, position, form)
        .await
        .map_err(internal)?;
    if survey.info.participants == 0 {
        super::build_repo::set_conditions(&mut tx, "question", id, &form.condition)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.survey_results.forget(survey_id);
    Ok(id)
}

/// Deletes a question or a page (with its questions), before the first answer.
pub async fn delete(state: &AppState, survey_id: i64, target: Target) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let survey = load_for_update(&mut tx, state, survey_id).await?;
    check_unlocked(&survey)?;
    let found = match target {
        Target::Question(id) => survey.question(id).is_some(),
        Target::Page(id) => survey.pages.iter().any(|p| p.id == id) && survey.pages.len() > 1,
    };
    if !found {
        return Err(AppError::NotFound);
    }
    super::build_repo::delete(&mut tx, target)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.survey_results.forget(survey_id);
    Ok(())
}

/// A page or a question of the survey being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Page(i64),
    Question(i64),
}

/// Moves a question one place up (`up`) or down within its page, unless that would put
/// it before the question its condition depends on (or after one depending on it).
pub async fn move_question(
    state: &AppState,
    survey_id: i64,
    question_id: i64,
    up: bool,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let survey = load_for_update(&mut tx, state, survey_id).await?;
    check_unlocked(&survey)?;
    let page = survey
        .pages
        .iter()
        .find(|p| p.questions.iter().any(|q| q.id == question_id))
        .ok_or(AppError::NotFound)?;
    let at = page
        .questions
        .iter()
        .position(|q| q.id == question_id)
        .ok_or(AppError::NotFound)?;
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(other) = other.and_then(|i| page.questions.get(i)) else {
        return Ok(());
    };
    let (first, second) = if up {
        (other, &page.questions[at])
    } else {
        (&page.questions[at], other)
    };
    // After the swap `second` comes before `first`: refused when `second` depends on it.
    if second
        .condition
        .iter()
        .any(|c| first.choices.iter().any(|fc| fc.id == *c))
    {
        return Err(AppError::field("form", "errors.survey_condition_order"));
    }
    super::build_repo::swap_positions(
        &mut tx,
        first.id,
        first.position,
        second.id,
        second.position,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.survey_results.forget(survey_id);
    Ok(())
}

/// Publishes a survey: it needs at least one question.
pub async fn publish(state: &AppState, agent: i64, survey_id: i64) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let survey = load_for_update(&mut tx, state, survey_id).await?;
    if survey.info.published {
        return Ok(());
    }
    if survey.questions().next().is_none() {
        return Err(AppError::field("form", "errors.survey_no_question"));
    }
    super::build_repo::publish(&mut tx, survey_id, now)
        .await
        .map_err(internal)?;
    crate::auth::repo::audit(
        &mut *tx,
        Some(agent),
        "survey.publish",
        None,
        &survey_id.to_string(),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.survey_results.forget(survey_id);
    Ok(())
}

/// Copies a survey (settings, pages, questions, options, conditions) as an unpublished
/// draft titled "<title> (copie)"; returns the copy's id.
pub async fn duplicate(state: &AppState, agent: i64, survey_id: i64) -> Result<i64, AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let survey = load_for_update(&mut tx, state, survey_id).await?;
    let id = super::build_repo::copy(&mut tx, &survey, agent, now)
        .await
        .map_err(internal)?;
    crate::auth::repo::audit(
        &mut *tx,
        Some(agent),
        "survey.duplicate",
        None,
        &id.to_string(),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}
