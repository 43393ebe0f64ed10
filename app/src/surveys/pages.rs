//! Residents' pages: the list of consultations, a survey's front page, the answering
//! form page by page ("step 2 of 4") and the thank-you page.

use super::answering::{error_field, AnswerState};
use super::api::{get_answer_page, get_survey, list_surveys, SaveAnswers, SurveyView};
use super::controls::{Fields, QuestionControl, SurveyConditions};
use super::model::{Audience, QuestionKind, SurveyInfo, SurveyState};
use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    error_text, field_errors, form_error_text, query_value, title_with_error, use_form_error,
    use_typed_values,
};
use crate::ui::time::{moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The survey id in the URL (`/consultations/:id…`).
pub(super) fn survey_id() -> Signal<i64> {
    let params = use_params_map();
    Signal::derive(move || params.with(|p| p.get("id").and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// The state of a survey, as a badge.
#[component]
pub fn StateBadge(state: SurveyState) -> impl IntoView {
    let i18n = use_i18n();
    let text = match state {
        SurveyState::Draft => t_string!(i18n, surveys.state_draft),
        SurveyState::Upcoming => t_string!(i18n, surveys.state_upcoming),
        SurveyState::Open => t_string!(i18n, surveys.state_open),
        SurveyState::Closed => t_string!(i18n, surveys.state_closed),
    };
    view! { <span class="badge">{text}</span> }
}

/// Dates and participants of a survey.
#[component]
pub fn SurveyFacts(info: SurveyInfo) -> impl IntoView {
    let i18n = use_i18n();
    let (opens, closes, n) = (info.opens_at_ms, info.closes_at_ms, info.participants);
    view! {
        <p class="meta">
            <StateBadge state=info.state />" "
            {t!(
                i18n,
                surveys.dates,
                opens = move || moment(opens, Style::Full),
                closes = move || moment(closes, Style::Full)
            )}
            " · "{t!(i18n, surveys.participants, count = move || n)}
        </p>
    }
}

/// `/consultations`: open and upcoming surveys, or closed ones (`?section=closes`).
#[component]
pub fn SurveysPage() -> impl IntoView {
    let i18n = use_i18n();
    let section = query_value("section");
    let page = query_value("page");
    let list = Resource::new(
        move || (section.get(), page.get().parse::<u32>().unwrap_or(1)),
        |(section, page)| {
            let section = if section == "closes" {
                "closed"
            } else {
                "current"
            };
            list_surveys(section.to_owned(), page)
        },
    );
    let closed = move || section.get() == "closes";
    let user = use_context::<crate::auth::CurrentUserResource>();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.surveys).to_string()) />
        <h1>{t!(i18n, nav.surveys)}</h1>
        <p>{t!(i18n, section.surveys_intro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let agent = crate::auth::signed_in(user)
                    .await
                    .is_some_and(|u| u.has_role(crate::accounts::model::Role::Agent));
                agent.then(|| view! {
                    <p><A href="/consultations/gestion">{t!(i18n, surveys.admin_title)}</A></p>
                })
            })}
        </Suspense>
        <nav class="tabs" aria-label=move || t_string!(i18n, surveys.sections).to_string()>
            <a href="/consultations" aria-current=move || (!closed()).then_some("page")>{t!(i18n, surveys.current)}</a>
            <a href="/consultations?section=closes" aria-current=move || closed().then_some("page")>{t!(i18n, surveys.closed)}</a>
        </nav>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.surveys.is_empty() => view! { <p>{t!(i18n, surveys.none)}</p> }.into_any(),
                    Ok(list) => {
                        let prefix = if closed() { "/consultations?section=closes&page=" } else { "/consultations?page=" };
                        view! {
                            <ul class="cards">
                                {list.surveys.into_iter().map(|info| view! { <li><SurveyCard info /></li> }).collect_view()}
                            </ul>
                            <Pages page=list.page count=list.page_count prefix />
                        }.into_any()
                    }
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Links to the previous and next pages of a list.
#[component]
pub fn Pages(page: u32, count: u32, #[prop(into)] prefix: String) -> impl IntoView {
    let i18n = use_i18n();
    (count > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=t_string!(i18n, surveys.pages).to_string()>
                {(page > 1).then(|| view! { <a href=format!("{prefix}{}", page - 1)>{t!(i18n, forum.previous)}</a> })}
                <span>{t!(i18n, forum.page_of, page = move || page, pages = move || count)}</span>
                {(page < count).then(|| view! { <a href=format!("{prefix}{}", page + 1)>{t!(i18n, forum.next)}</a> })}
            </nav>
        }
    })
}

#[component]
fn SurveyCard(info: SurveyInfo) -> impl IntoView {
    let href = format!("/consultations/{}", info.id);
    let title = info.title.clone();
    view! {
        <article class="card">
            <h2 class="card__title"><A href=href>{title}</A></h2>
            <SurveyFacts info />
        </article>
    }
}

/// What anonymity and the one-answer guarantee mean for this survey.
#[component]
pub fn Guarantees(info: SurveyInfo) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="guarantees">
            <li>{if info.anonymous { t!(i18n, surveys.anonymous_explained).into_any() } else { t!(i18n, surveys.named_explained).into_any() }}</li>
            <li>{match info.audience {
                Audience::Residents => t!(i18n, surveys.guarantee_account).into_any(),
                Audience::Link => t!(i18n, surveys.guarantee_browser).into_any(),
            }}</li>
        </ul>
    }
}

/// `/consultations/:id`: what the survey is about, its dates and guarantees, and the way
/// in (start, resume, results).
#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = survey_id();
    let saved = query_value("enregistre");
    let survey = Resource::new(move || id.get(), get_survey);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match survey.await {
                    Ok(view) => view! { <SurveyFront view saved=saved.get_untracked() == "1" /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.surveys).to_string()) />
                        <h1>{t!(i18n, nav.surveys)}</h1>
                        <AccessDenied error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SurveyFront(view: SurveyView, saved: bool) -> impl IntoView {
    let i18n = use_i18n();
    let info = view.info.clone();
    let id = info.id;
    let title = info.title.clone();
    let answer = format!("/consultations/{id}/repondre");
    let action = match info.state {
        SurveyState::Open if view.participated => {
            view! { <p class="alert alert--success">{t!(i18n, surveys.already_answered)}</p> }.into_any()
        }
        SurveyState::Open if info.audience == Audience::Residents && !view.signed_in => {
            let href = format!("/connexion?suite=/consultations/{id}");
            view! {
                <p>{t!(i18n, surveys.sign_in_to_answer)}</p>
                <p><A href=href attr:class="button">{t!(i18n, nav.sign_in)}</A></p>
            }
            .into_any()
        }
        SurveyState::Open => view! {
            <p><A href=answer attr:class="button">
                {if view.has_draft { t!(i18n, surveys.resume).into_any() } else { t!(i18n, surveys.start).into_any() }}
            </A></p>
        }
        .into_any(),
        SurveyState::Upcoming => view! { <p>{t!(i18n, surveys.not_open_yet)}</p> }.into_any(),
        SurveyState::Closed => view! { <p>{t!(i18n, surveys.is_closed)}</p> }.into_any(),
        SurveyState::Draft => view! { <p>{t!(i18n, surveys.draft_notice)}</p> }.into_any(),
    };
    let (pages, questions) = (view.pages, view.questions);
    view! {
        <PageTitle text=Signal::derive(move || title.clone()) />
        <article class="narrow">
            <h1>{info.title.clone()}</h1>
            <SurveyFacts info=info.clone() />
            {saved.then(|| view! { <div class="alert alert--success" role="status"><p>{t!(i18n, surveys.draft_saved)}</p></div> })}
            {(!info.intro.is_empty()).then(|| view! { <div class="prose survey-intro">{info.intro.clone()}</div> })}
            <p>{t!(
                i18n,
                surveys.size,
                pages = move || t!(i18n, surveys.size_pages, count = move || pages),
                questions = move || t!(i18n, surveys.size_questions, count = move || questions)
            )}</p>
            <Guarantees info=info.clone() />
            {action}
            {view.results_visible.then(|| view! {
                <p><A href=format!("/consultations/{id}/resultats")>{t!(i18n, surveys.see_results)}</A></p>
            })}
            {view.is_agent.then(|| view! {
                <p><A href=format!("/consultations/gestion/{id}")>{t!(i18n, surveys.manage)}</A></p>
            })}
        </article>
    }
}

/// `/consultations/:id/repondre?page=N`: one page of the survey as a form.
#[component]
pub fn AnswerSurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = survey_id();
    let page = query_value("page");
    let missing = query_value("manque");
    let error = use_form_error(SaveAnswers::url());
    let typed = use_typed_values("save_survey_answers", error);
    let state = Resource::new(
        move || (id.get(), page.get().parse::<u32>().unwrap_or(0)),
        |(id, page)| get_answer_page(id, page),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let typed = typed.await;
                match state.await {
                    Ok(AnswerState::AlreadyAnswered) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, surveys.already_answered).to_string()) />
                        <h1>{t!(i18n, surveys.already_answered)}</h1>
                        <p><A href=format!("/consultations/{}", id.get_untracked())>{t!(i18n, surveys.back_to_survey)}</A></p>
                    }.into_any(),
                    Ok(AnswerState::Page(page)) => {
                        let missing = missing.get_untracked() == "1";
                        view! { <AnswerForm page=*page typed error missing /> }.into_any()
                    }
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.surveys).to_string()) />
                        <h1>{t!(i18n, nav.surveys)}</h1>
                        <AccessDenied error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AnswerForm(
    page: super::answering::AnswerPage,
    typed: BTreeMap<String, String>,
    error: Memo<Option<AppError>>,
    missing: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let info = page.info.clone();
    // After a failed post, what was typed; else the draft.
    let fields: Fields = Arc::new(if error.get_untracked().is_some() {
        typed
    } else {
        page.fields.clone()
    });
    // Conditions of this page's questions, applied in the browser by an island.
    let rules: Vec<(i64, Vec<i64>)> = page
        .page
        .questions
        .iter()
        .filter(|q| !q.condition.is_empty())
        .map(|q| (q.id, q.condition.clone()))
        .collect();
    let choosers: Vec<i64> = page
        .page
        .questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Single | QuestionKind::Multiple))
        .map(|q| q.id)
        .collect();
    let earlier = page.earlier_choices.clone();
    let all_questions: Vec<super::model::Question> = page.page.questions.clone();
    let summary_questions: Vec<(i64, String)> = all_questions
        .iter()
        .map(|q| (q.id, q.label.clone()))
        .collect();
    let title = info.title.clone();
    let (step, steps) = (page.step, page.steps);
    let heading = if page.page.title.is_empty() {
        None
    } else {
        Some(page.page.title.clone())
    };
    let controls = page
        .page
        .questions
        .iter()
        .map(|q| {
            let words = (
                t_string!(i18n, surveys.condition_note_before).to_string(),
                t_string!(i18n, surveys.condition_note_after).to_string(),
            );
            let note = condition_note(&all_questions, &q.condition, words);
            let errors = error.with_untracked(|e| field_errors(e.as_ref(), &error_field(q.id)));
            view! {
                <QuestionControl question=q.clone() fields=fields.clone() errors visible=true
                    condition_note=note />
            }
        })
        .collect_view();
    let page_title = title.clone();
    view! {
        <PageTitle text=title_with_error(error, move || format!("{} – {}", page_title, t_string!(i18n, surveys.answer_title))) />
        <div class="narrow">
            <h1>{title.clone()}</h1>
            <p class="progress-text">{t!(i18n, surveys.step, step = move || step, steps = move || steps)}</p>
            <progress class="progress" max=steps value=step aria-hidden="true"></progress>
            {heading.map(|h| view! { <h2>{h}</h2> })}
            {missing.then(|| view! {
                <div class="alert alert--error" role="alert"><p>{t!(i18n, surveys.missing_answers)}</p></div>
            })}
            <ErrorSummary error questions=summary_questions />
            <form class="form survey-form" method="post" action=SaveAnswers::url() novalidate>
                <input type="hidden" name="survey_id" value=info.id />
                <input type="hidden" name="index" value=page.index />
                {(!rules.is_empty()).then(|| view! { <SurveyConditions rules choosers earlier /> })}
                {controls}
                <div class="form__actions">
                    <button type="submit" name="go" value="next" class="button">
                        {if page.last { t!(i18n, surveys.send).into_any() } else { t!(i18n, surveys.continue_).into_any() }}
                    </button>
                    {(step > 1).then(|| view! {
                        <button type="submit" name="go" value="back" class="button button--secondary">{t!(i18n, surveys.previous_page)}</button>
                    })}
                    <button type="submit" name="go" value="save" class="button button--secondary">{t!(i18n, surveys.save_for_later)}</button>
                </div>
            </form>
            <Guarantees info />
        </div>
    }
}

/// Above the form after a failed post: what went wrong, with a link to each question
/// to correct (announced; the links move the focus to the question).
#[component]
fn ErrorSummary(error: Memo<Option<AppError>>, questions: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let err = error.get()?;
        let AppError::Validation(map) = &err else {
            let text = form_error_text(&err, &[]).unwrap_or_default();
            return Some(
                view! { <div class="alert alert--error" role="alert"><p>{text}</p></div> }
                    .into_any(),
            );
        };
        let general: Vec<String> = map
            .get("form")
            .map(|keys| keys.iter().map(|k| error_text(k)).collect())
            .unwrap_or_default();
        let links: Vec<(String, String)> = questions
            .iter()
            .filter(|(id, _)| map.contains_key(&error_field(*id)))
            .map(|(id, label)| (format!("#{}", error_field(*id)), label.clone()))
            .collect();
        Some(view! {
            <div class="alert alert--error" role="alert">
                {general.into_iter().map(|text| view! { <p>{text}</p> }).collect_view()}
                {(!links.is_empty()).then(|| view! {
                    <p>{t!(i18n, surveys.fix_answers)}</p>
                    <ul>
                        {links.into_iter().map(|(href, label)| view! { <li><a href=href>{label}</a></li> }).collect_view()}
                    </ul>
                })}
            </div>
        }.into_any())
    }
}

/// "Answer only if you chose « A » or « B » to « Question »."
fn condition_note(
    questions: &[super::model::Question],
    condition: &[i64],
    words: (String, String),
) -> Option<String> {
    let source = questions
        .iter()
        .find(|q| q.choices.iter().any(|c| condition.contains(&c.id)))?;
    let labels: Vec<String> = source
        .choices
        .iter()
        .filter(|c| condition.contains(&c.id))
        .map(|c| format!("« {} »", c.label))
        .collect();
    Some(format!(
        "{} {} {} « {} ».",
        words.0,
        labels.join(" / "),
        words.1,
        source.label
    ))
}

/// `/consultations/:id/merci`: the response is recorded.
#[component]
pub fn ThanksPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = survey_id();
    let survey = Resource::new(move || id.get(), get_survey);
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, surveys.thanks_title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, surveys.thanks_title)}</h1>
            <div class="alert alert--success" role="status"><p>{t!(i18n, surveys.thanks_text)}</p></div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    survey.await.ok().map(|view| {
                        let id = view.info.id;
                        view! {
                            <Guarantees info=view.info.clone() />
                            {view.results_visible.then(|| view! {
                                <p><A href=format!("/consultations/{id}/resultats")>{t!(i18n, surveys.see_results)}</A></p>
                            })}
                            <p><A href="/consultations">{t!(i18n, surveys.all_surveys)}</A></p>
                        }
                    })
                })}
            </Suspense>
        </div>
    }
}
