//! Agents' pages: every survey, the builder (settings, pages, questions, conditions,
//! publication, duplication), a question's edit form and the preview.

use super::builder_api::{
    get_builder, list_all_surveys, AddSurveyPage, BuilderView, CreateSurvey, DeleteSurveyItem,
    DuplicateSurvey, MoveSurveyQuestion, PublishSurvey, SaveSurveyQuestion, UpdateSurvey,
};
use super::controls::QuestionControl;
use super::model::{Audience, Question, QuestionKind, ResultsVisibility, Survey};
use super::pages::{Pages, StateBadge};
use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, query_value, title_with_error, typed, use_form_error, use_typed_values, Field,
    FormAlert, SelectField, TextAreaField,
};
use crate::ui::time::{Moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;
use std::sync::Arc;

fn kind_name(kind: QuestionKind) -> String {
    let i18n = use_i18n();
    match kind {
        QuestionKind::Single => t_string!(i18n, surveys.kind_single),
        QuestionKind::Multiple => t_string!(i18n, surveys.kind_multiple),
        QuestionKind::Scale => t_string!(i18n, surveys.kind_scale),
        QuestionKind::Ranking => t_string!(i18n, surveys.kind_ranking),
        QuestionKind::ShortText => t_string!(i18n, surveys.kind_short_text),
        QuestionKind::LongText => t_string!(i18n, surveys.kind_long_text),
        QuestionKind::Number => t_string!(i18n, surveys.kind_number),
        QuestionKind::Date => t_string!(i18n, surveys.kind_date),
    }
    .to_string()
}

/// `/consultations/gestion`: every survey and the form to start one (agents).
#[component]
pub fn SurveyAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = query_value("page");
    let list = Resource::new(
        move || page.get().parse::<u32>().unwrap_or(1),
        list_all_surveys,
    );
    let error = use_form_error(CreateSurvey::url());
    let values = use_typed_values("create_survey", error);
    view! {
        <PageTitle text=title_with_error(error, move || t_string!(i18n, surveys.admin_title).to_string()) />
        <h1>{t!(i18n, surveys.admin_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        {if list.surveys.is_empty() {
                            view! { <p>{t!(i18n, surveys.none)}</p> }.into_any()
                        } else {
                            view! {
                                <table class="table">
                                    <caption>{t!(i18n, surveys.admin_title)}</caption>
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, surveys.field_title)}</th>
                                        <th scope="col">{t!(i18n, surveys.state)}</th>
                                        <th scope="col">{t!(i18n, surveys.dates_short)}</th>
                                        <th scope="col">{t!(i18n, surveys.participants_short)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.surveys.into_iter().map(|s| view! {
                                            <tr>
                                                <th scope="row"><A href=format!("/consultations/gestion/{}", s.id)>{s.title.clone()}</A></th>
                                                <td><StateBadge state=s.state /></td>
                                                <td><Moment at_ms=s.opens_at_ms style=Style::Full />" → "<Moment at_ms=s.closes_at_ms style=Style::Full /></td>
                                                <td>{s.participants}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                        <Pages page=list.page count=list.page_count prefix="/consultations/gestion?page=" />
                        <h2>{t!(i18n, surveys.new_survey)}</h2>
                        <FormAlert error fields=SETTINGS_FIELDS />
                        <form class="form" method="post" action=CreateSurvey::url() novalidate>
                            <crate::ui::form::OnceField />
                            <SettingsFields error value=move |f| typed(values, f) />
                            <button type="submit" class="button">{t!(i18n, surveys.create)}</button>
                        </form>
                    }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const SETTINGS_FIELDS: &[&str] = &[
    "title",
    "intro",
    "opens_at",
    "closes_at",
    "audience",
    "results",
];

/// A group of radio buttons with a legend.
#[component]
fn RadioGroup(
    name: &'static str,
    legend: String,
    options: Vec<(&'static str, String)>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
) -> impl IntoView {
    let error_id = format!("champ-{name}-erreur");
    view! {
        <fieldset class="field" aria-describedby=move || (!errors.with(Vec::is_empty)).then(|| error_id.clone())>
            <legend>{legend}</legend>
            {move || {
                let errs = errors.get();
                (!errs.is_empty()).then(|| view! {
                    <p class="field__error" id=format!("champ-{name}-erreur")>
                        {errs.iter().map(|k| crate::ui::form::error_text(k)).collect::<Vec<_>>().join(" ")}
                    </p>
                })
            }}
            {options.into_iter().enumerate().map(|(i, (v, text))| {
                let id = format!("champ-{name}-{i}");
                view! {
                    <div class="choice">
                        <input type="radio" id=id.clone() name=name value=v checked=move || value.with(|c| c == v) />
                        <label for=id>{text}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The settings of a survey, for creating and editing it.
#[component]
fn SettingsFields(
    error: Memo<Option<AppError>>,
    value: impl Fn(&'static str) -> Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let audience = value("audience");
    let results = value("results");
    let anonymous = value("anonymous");
    let or = |s: Signal<String>, default: &'static str| {
        Signal::derive(move || {
            let v = s.get();
            if v.is_empty() {
                default.to_owned()
            } else {
                v
            }
        })
    };
    view! {
        <Field name="title" label=Signal::derive(move || t_string!(i18n, surveys.field_title).to_string())
            value=value("title") errors=errors_of(error, "title") />
        <TextAreaField name="intro" required=false rows=5
            label=Signal::derive(move || t_string!(i18n, surveys.field_intro).to_string())
            value=value("intro") errors=errors_of(error, "intro") />
        <Field name="opens_at" input_type="datetime-local"
            label=Signal::derive(move || t_string!(i18n, surveys.field_opens).to_string())
            hint=Signal::derive(move || t_string!(i18n, surveys.field_time_hint).to_string())
            value=value("opens_at") errors=errors_of(error, "opens_at") />
        <Field name="closes_at" input_type="datetime-local"
            label=Signal::derive(move || t_string!(i18n, surveys.field_closes).to_string())
            hint=Signal::derive(move || t_string!(i18n, surveys.field_time_hint).to_string())
            value=value("closes_at") errors=errors_of(error, "closes_at") />
        <RadioGroup name="audience" legend=t_string!(i18n, surveys.field_audience).to_string()
            options=vec![
                (Audience::Residents.as_str(), t_string!(i18n, surveys.audience_residents).to_string()),
                (Audience::Link.as_str(), t_string!(i18n, surveys.audience_link).to_string()),
            ]
            value=or(audience, "residents") errors=errors_of(error, "audience") />
        <RadioGroup name="results" legend=t_string!(i18n, surveys.field_results).to_string()
            options=vec![
                (ResultsVisibility::Live.as_str(), t_string!(i18n, surveys.results_live).to_string()),
                (ResultsVisibility::AfterClose.as_str(), t_string!(i18n, surveys.results_after_close).to_string()),
                (ResultsVisibility::Agents.as_str(), t_string!(i18n, surveys.results_agents).to_string()),
            ]
            value=or(results, "after_close") errors=errors_of(error, "results") />
        <div class="field choice">
            <input type="checkbox" id="champ-anonymous" name="anonymous" value="1"
                checked=move || !anonymous.get().is_empty() aria-describedby="champ-anonymous-aide" />
            <label for="champ-anonymous">{t!(i18n, surveys.field_anonymous)}</label>
            <p class="field__hint" id="champ-anonymous-aide">{t!(i18n, surveys.anonymous_explained)}</p>
        </div>
    }
}

pub(super) fn builder_id() -> Signal<i64> {
    let params = use_params_map();
    Signal::derive(move || params.with(|p| p.get("id").and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// `/consultations/gestion/:id`: the builder.
#[component]
pub fn BuilderPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = builder_id();
    let view_res = Resource::new(move || id.get(), get_builder);
    let saved = query_value("enregistre");
    let published = query_value("publie");
    // Any of the builder's forms may have failed: show that one's alert.
    let errors = [
        use_form_error(UpdateSurvey::url()),
        use_form_error(AddSurveyPage::url()),
        use_form_error(SaveSurveyQuestion::url()),
        use_form_error(DeleteSurveyItem::url()),
        use_form_error(MoveSurveyQuestion::url()),
        use_form_error(PublishSurvey::url()),
        use_form_error(DuplicateSurvey::url()),
    ];
    let any_error = Memo::new(move |_| errors.iter().find_map(|e| e.get()));
    let settings_error = errors[0];
    let question_error = errors[2];
    let settings_values = use_typed_values("update_survey", settings_error);
    let question_values = use_typed_values("save_survey_question", question_error);
    view! {
        <PageTitle text=title_with_error(any_error, move || t_string!(i18n, surveys.builder_title).to_string()) />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let settings_typed = settings_values.await;
                let question_typed = question_values.await;
                match view_res.await {
                    Ok(view) => view! {
                        {(saved.get_untracked() == "1").then(|| view! { <div class="alert alert--success" role="status"><p>{t!(i18n, surveys.saved)}</p></div> })}
                        {(published.get_untracked() == "1").then(|| view! { <div class="alert alert--success" role="status"><p>{t!(i18n, surveys.published)}</p></div> })}
                        <FormAlert error=any_error fields=&[] />
                        <Builder view settings_error settings_typed question_error question_typed />
                    }.into_any(),
                    Err(error) => view! { <h1>{t!(i18n, surveys.builder_title)}</h1><AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Builder(
    view: BuilderView,
    settings_error: Memo<Option<AppError>>,
    settings_typed: BTreeMap<String, String>,
    question_error: Memo<Option<AppError>>,
    question_typed: BTreeMap<String, String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let BuilderView {
        survey,
        opens_input,
        closes_input,
    } = view;
    let info = survey.info.clone();
    let id = info.id;
    let locked = info.participants > 0;
    let failed = settings_error.get_untracked().is_some();
    let stored: BTreeMap<&'static str, String> = BTreeMap::from([
        ("title", info.title.clone()),
        ("intro", info.intro.clone()),
        ("opens_at", opens_input),
        ("closes_at", closes_input),
        ("audience", info.audience.as_str().to_owned()),
        ("results", info.results.as_str().to_owned()),
        (
            "anonymous",
            if info.anonymous {
                "1".into()
            } else {
                String::new()
            },
        ),
    ]);
    let settings_value = move |f: &'static str| {
        let v = if failed {
            settings_typed.get(f).cloned()
        } else {
            stored.get(f).cloned()
        };
        Signal::stored(v.unwrap_or_default())
    };
    let survey = Arc::new(survey);
    let pages = survey
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let questions = page
                .questions
                .iter()
                .map(|q| view! { <QuestionSummary survey=survey.clone() q=q.clone() locked /> })
                .collect_view();
            let condition = condition_text(&survey, &page.condition);
            let page_id = page.id;
            let title = if page.title.is_empty() {
                format!("{} {}", t_string!(i18n, surveys.page), i + 1)
            } else {
                format!("{} {} – {}", t_string!(i18n, surveys.page), i + 1, page.title)
            };
            view! {
                <section class="builder-page" id=format!("page-{page_id}") aria-labelledby=format!("page-{page_id}-titre")>
                    <h3 id=format!("page-{page_id}-titre")>{title}</h3>
                    {condition.map(|c| view! { <p class="meta">{c}</p> })}
                    {if page.questions.is_empty() {
                        view! { <p>{t!(i18n, surveys.page_empty)}</p> }.into_any()
                    } else {
                        view! { <ol class="builder-questions">{questions}</ol> }.into_any()
                    }}
                    {(!locked && survey.pages.len() > 1).then(|| view! {
                        <form method="post" action=DeleteSurveyItem::url()>
                            <input type="hidden" name="survey_id" value=id />
                            <input type="hidden" name="target" value=format!("page:{page_id}") />
                            <button type="submit" class="button button--secondary">{t!(i18n, surveys.delete_page)}</button>
                        </form>
                    })}
                </section>
            }
        })
        .collect_view();
    let question_fields = Arc::new(question_typed);
    let question_failed = question_error.get_untracked().is_some();
    view! {
        <h1>{info.title.clone()}</h1>
        <p class="meta"><StateBadge state=info.state />" · "{t!(i18n, surveys.participants, count = move || info.participants)}</p>
        <ul class="actions-list">
            <li><A href=format!("/consultations/gestion/{id}/apercu")>{t!(i18n, surveys.preview)}</A></li>
            <li><A href=format!("/consultations/{id}")>{t!(i18n, surveys.public_page)}</A></li>
            <li><A href=format!("/consultations/{id}/resultats")>{t!(i18n, surveys.results_title)}</A></li>
            <li><a href=format!("/consultations/{id}/reponses.csv")>{t!(i18n, surveys.export_csv)}</a></li>
            <li><A href=format!("/consultations/gestion/{id}/participants")>{t!(i18n, surveys.participants_title)}</A></li>
        </ul>
        <div class="button-row">
            {(!info.published).then(|| view! {
                <form method="post" action=PublishSurvey::url()>
                    <input type="hidden" name="survey_id" value=id />
                    <button type="submit" class="button">{t!(i18n, surveys.publish)}</button>
                </form>
            })}
            <form method="post" action=DuplicateSurvey::url()>
                <input type="hidden" name="survey_id" value=id />
                <button type="submit" class="button button--secondary">{t!(i18n, surveys.duplicate)}</button>
            </form>
        </div>
        {locked.then(|| view! { <p class="alert">{t!(i18n, surveys.locked_notice)}</p> })}

        <h2>{t!(i18n, surveys.questions)}</h2>
        {pages}

        <h2>{t!(i18n, surveys.add_question)}</h2>
        {if locked {
            view! { <p>{t!(i18n, surveys.locked_short)}</p> }.into_any()
        } else {
            let value = move |f: &'static str| {
                Signal::stored(if question_failed { question_fields.get(f).cloned().unwrap_or_default() } else { String::new() })
            };
            view! {
                <form class="form" method="post" action=SaveSurveyQuestion::url() novalidate>
                    <input type="hidden" name="survey_id" value=id />
                    <input type="hidden" name="question_id" value="0" />
                    <QuestionFormFields survey=survey.clone() current=None error=question_error value />
                    <button type="submit" class="button">{t!(i18n, surveys.add_question)}</button>
                </form>
            }.into_any()
        }}

        {(!locked).then(|| view! {
            <h2>{t!(i18n, surveys.add_page)}</h2>
            <form class="form" method="post" action=AddSurveyPage::url() novalidate>
                <crate::ui::form::OnceField />
                <input type="hidden" name="survey_id" value=id />
                <Field name="page_title" required=false
                    label=Signal::derive(move || t_string!(i18n, surveys.field_page_title).to_string())
                    errors=Signal::stored(Vec::new()) />
                <ConditionFields survey=survey.clone() before=None current=Vec::new() id_prefix="condition-page" />
                <button type="submit" class="button button--secondary">{t!(i18n, surveys.add_page)}</button>
            </form>
        })}

        <h2>{t!(i18n, surveys.settings)}</h2>
        <form class="form" method="post" action=UpdateSurvey::url() novalidate>
            <input type="hidden" name="survey_id" value=id />
            <SettingsFields error=settings_error value=settings_value />
            <button type="submit" class="button">{t!(i18n, surveys.save)}</button>
        </form>
    }
}

/// "Shown only if « Question » is « A » or « B »."
fn condition_text(survey: &Survey, condition: &[i64]) -> Option<String> {
    let i18n = use_i18n();
    let source = survey.question_of_choice(*condition.first()?)?;
    let labels: Vec<String> = source
        .choices
        .iter()
        .filter(|c| condition.contains(&c.id))
        .map(|c| format!("« {} »", c.label))
        .collect();
    Some(format!(
        "{} « {} » : {}",
        t_string!(i18n, surveys.shown_only_if),
        source.label,
        labels.join(" / ")
    ))
}

#[component]
fn QuestionSummary(survey: Arc<Survey>, q: Question, locked: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = survey.info.id;
    let qid = q.id;
    let label = q.label.clone();
    let button_label = label.clone();
    let delete_label = label.clone();
    let condition = condition_text(&survey, &q.condition);
    let move_button = move |direction: &'static str| {
        view! {
            <form method="post" action=MoveSurveyQuestion::url()>
                <input type="hidden" name="survey_id" value=id />
                <input type="hidden" name="question_id" value=qid />
                <input type="hidden" name="direction" value=direction />
                <button type="submit" class="button button--secondary button--small">
                    {if direction == "up" { t!(i18n, surveys.move_up).into_any() } else { t!(i18n, surveys.move_down).into_any() }}
                    <span class="visually-hidden">" : "{button_label.clone()}</span>
                </button>
            </form>
        }
    };
    view! {
        <li id=format!("question-{qid}") class="builder-question">
            <p><strong>{q.label.clone()}</strong>" "<span class="badge badge--muted">{kind_name(q.kind)}</span>
                {q.required.then(|| view! { " "<span class="badge">{t!(i18n, surveys.required_short)}</span> })}</p>
            {(!q.choices.is_empty()).then(|| view! {
                <p class="meta">{q.choices.iter().map(|c| c.label.clone()).collect::<Vec<_>>().join(" · ")}</p>
            })}
            {condition.map(|c| view! { <p class="meta">{c}</p> })}
            <div class="button-row">
                <A href=format!("/consultations/gestion/{id}/questions/{qid}") attr:class="button button--secondary button--small">
                    {t!(i18n, surveys.edit)}<span class="visually-hidden">" : "{label.clone()}</span>
                </A>
                {(!locked).then(|| view! {
                    {move_button("up")}
                    {move_button("down")}
                    <form method="post" action=DeleteSurveyItem::url()>
                        <input type="hidden" name="survey_id" value=id />
                        <input type="hidden" name="target" value=format!("question:{qid}") />
                        <button type="submit" class="button button--secondary button--small">
                            {t!(i18n, surveys.delete)}<span class="visually-hidden">" : "{delete_label.clone()}</span>
                        </button>
                    </form>
                })}
            </div>
        </li>
    }
}

/// Options of earlier single or multiple choice questions, as check boxes: the question
/// or page is shown only when one of the ticked options was picked.
#[component]
fn ConditionFields(
    survey: Arc<Survey>,
    before: Option<i64>,
    current: Vec<i64>,
    /// Makes the ids of these check boxes unique when two forms show them.
    id_prefix: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let candidates: Vec<Question> = survey
        .questions()
        .filter(|q| q.kind.can_be_condition() && Some(q.id) != before)
        .cloned()
        .collect();
    if candidates.is_empty() {
        return ().into_any();
    }
    view! {
        <fieldset class="field">
            <legend>{t!(i18n, surveys.field_condition)}</legend>
            <p class="field__hint">{t!(i18n, surveys.field_condition_hint)}</p>
            {candidates.into_iter().map(|q| {
                let current = current.clone();
                view! {
                    <fieldset class="condition-group">
                        <legend>{q.label.clone()}</legend>
                        {q.choices.iter().map(|c| {
                            let id = format!("{id_prefix}-{}", c.id);
                            let checked = current.contains(&c.id);
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name=format!("condition[{}]", c.id) value="1" checked=checked />
                                    <label for=id>{c.label.clone()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
        </fieldset>
    }
    .into_any()
}

/// The fields of a question. `current`: the question being edited.
#[component]
fn QuestionFormFields(
    survey: Arc<Survey>,
    current: Option<Question>,
    error: Memo<Option<AppError>>,
    value: impl Fn(&'static str) -> Signal<String> + Clone + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let pages: Vec<(String, String)> = survey
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = format!("{} {}", t_string!(i18n, surveys.page), i + 1);
            let name = if p.title.is_empty() {
                name
            } else {
                format!("{name} – {}", p.title)
            };
            (p.id.to_string(), name)
        })
        .collect();
    let kinds: Vec<(String, String)> = QuestionKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), kind_name(*k)))
        .collect();
    let pick = {
        let value = value.clone();
        let current = current.clone();
        let last_page = survey
            .pages
            .last()
            .map(|p| p.id.to_string())
            .unwrap_or_default();
        move |f: &'static str| -> Signal<String> {
            let typed = value(f);
            let stored = current.as_ref().map(|q| match f {
                "page_id" => q.page_id.to_string(),
                "kind" => q.kind.as_str().to_owned(),
                "label" => q.label.clone(),
                "help" => q.help.clone(),
                "required" => {
                    if q.required {
                        "1".into()
                    } else {
                        String::new()
                    }
                }
                "choices" => q
                    .choices
                    .iter()
                    .map(|c| c.label.clone())
                    .collect::<Vec<_>>()
                    .join("\n"),
                "min_choices" => q.min_choices.map(|v| v.to_string()).unwrap_or_default(),
                "max_choices" => q.max_choices.map(|v| v.to_string()).unwrap_or_default(),
                "min_value" => q.min_value.map(|v| v.to_string()).unwrap_or_default(),
                "max_value" => q.max_value.map(|v| v.to_string()).unwrap_or_default(),
                "min_label" => q.min_label.clone(),
                "max_label" => q.max_label.clone(),
                "allow_other" => {
                    if q.allow_other {
                        "1".into()
                    } else {
                        String::new()
                    }
                }
                _ => String::new(),
            });
            let default = if f == "page_id" {
                last_page.clone()
            } else {
                String::new()
            };
            Signal::derive(move || {
                let t = typed.get();
                if !t.is_empty() {
                    t
                } else {
                    stored.clone().unwrap_or_else(|| default.clone())
                }
            })
        }
    };
    let required = pick("required");
    let allow_other = pick("allow_other");
    let label = |key: &'static str| {
        Signal::derive(move || match key {
            "page" => t_string!(i18n, surveys.field_page).to_string(),
            "kind" => t_string!(i18n, surveys.field_kind).to_string(),
            "label" => t_string!(i18n, surveys.field_label).to_string(),
            "help" => t_string!(i18n, surveys.field_help).to_string(),
            "choices" => t_string!(i18n, surveys.field_choices).to_string(),
            "choices_hint" => t_string!(i18n, surveys.field_choices_hint).to_string(),
            "min_choices" => t_string!(i18n, surveys.field_min_choices).to_string(),
            "max_choices" => t_string!(i18n, surveys.field_max_choices).to_string(),
            "min_value" => t_string!(i18n, surveys.field_min_value).to_string(),
            "max_value" => t_string!(i18n, surveys.field_max_value).to_string(),
            "bounds_hint" => t_string!(i18n, surveys.field_bounds_hint).to_string(),
            "min_label" => t_string!(i18n, surveys.field_min_label).to_string(),
            "max_label" => t_string!(i18n, surveys.field_max_label).to_string(),
            "scale_hint" => t_string!(i18n, surveys.field_scale_hint).to_string(),
            _ => t_string!(i18n, surveys.choose).to_string(),
        })
    };
    let condition = current
        .as_ref()
        .map(|q| q.condition.clone())
        .unwrap_or_default();
    view! {
        <SelectField name="page_id" options=pages placeholder=label("choose") label=label("page")
            value=pick("page_id") errors=errors_of(error, "page_id") />
        <SelectField name="kind" options=kinds placeholder=label("choose") label=label("kind")
            value=pick("kind") errors=errors_of(error, "kind") />
        <Field name="label" label=label("label") value=pick("label") errors=errors_of(error, "label") />
        <TextAreaField name="help" required=false rows=2 label=label("help") value=pick("help") errors=errors_of(error, "help") />
        <div class="field choice">
            <input type="checkbox" id="champ-required" name="required" value="1" checked=move || !required.get().is_empty() />
            <label for="champ-required">{t!(i18n, surveys.field_required)}</label>
        </div>
        <TextAreaField name="choices" required=false rows=5 label=label("choices") hint=label("choices_hint")
            value=pick("choices") errors=errors_of(error, "choices") />
        <div class="field choice">
            <input type="checkbox" id="champ-allow_other" name="allow_other" value="1" checked=move || !allow_other.get().is_empty() />
            <label for="champ-allow_other">{t!(i18n, surveys.field_allow_other)}</label>
        </div>
        <Field name="min_choices" input_type="number" required=false label=label("min_choices")
            value=pick("min_choices") errors=errors_of(error, "min_choices") />
        <Field name="max_choices" input_type="number" required=false label=label("max_choices")
            value=pick("max_choices") errors=errors_of(error, "max_choices") />
        <Field name="min_value" input_type="number" required=false label=label("min_value") hint=label("bounds_hint")
            value=pick("min_value") errors=errors_of(error, "min_value") />
        <Field name="max_value" input_type="number" required=false label=label("max_value") hint=label("bounds_hint")
            value=pick("max_value") errors=errors_of(error, "max_value") />
        <Field name="min_label" required=false label=label("min_label") hint=label("scale_hint")
            value=pick("min_label") errors=errors_of(error, "min_label") />
        <Field name="max_label" required=false label=label("max_label") hint=label("scale_hint")
            value=pick("max_label") errors=errors_of(error, "max_label") />
        <ConditionFields survey before=current.as_ref().map(|q| q.id) current=condition id_prefix="condition-question" />
    }
}

/// `/consultations/gestion/:id/questions/:qid`: one question's edit form.
#[component]
pub fn QuestionEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = builder_id();
    let params = use_params_map();
    let qid = Signal::derive(move || {
        params.with(|p| {
            p.get("qid")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    let view_res = Resource::new(move || id.get(), get_builder);
    let error = use_form_error(SaveSurveyQuestion::url());
    let values = use_typed_values("save_survey_question", error);
    view! {
        <PageTitle text=title_with_error(error, move || t_string!(i18n, surveys.edit_question).to_string()) />
        <h1>{t!(i18n, surveys.edit_question)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let typed_values = values.await;
                match view_res.await {
                    Ok(view) => {
                        let Some(q) = view.survey.question(qid.get_untracked()).cloned() else {
                            return view! { <AccessDenied error=AppError::NotFound /> }.into_any();
                        };
                        let survey_id = view.survey.info.id;
                        let locked = view.survey.info.participants > 0;
                        let failed = error.get_untracked().is_some();
                        let typed_values = Arc::new(typed_values);
                        let value = move |f: &'static str| {
                            Signal::stored(if failed { typed_values.get(f).cloned().unwrap_or_default() } else { String::new() })
                        };
                        view! {
                            {locked.then(|| view! { <p class="alert">{t!(i18n, surveys.locked_notice)}</p> })}
                            <FormAlert error fields=QUESTION_FIELDS />
                            <form class="form" method="post" action=SaveSurveyQuestion::url() novalidate>
                                <input type="hidden" name="survey_id" value=survey_id />
                                <input type="hidden" name="question_id" value=q.id />
                                <QuestionFormFields survey=Arc::new(view.survey) current=Some(q) error value />
                                <button type="submit" class="button">{t!(i18n, surveys.save)}</button>
                            </form>
                            <p><A href=format!("/consultations/gestion/{survey_id}")>{t!(i18n, surveys.back_to_builder)}</A></p>
                        }.into_any()
                    }
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const QUESTION_FIELDS: &[&str] = &[
    "page_id",
    "kind",
    "label",
    "help",
    "choices",
    "min_choices",
    "max_choices",
    "min_value",
    "max_value",
    "min_label",
    "max_label",
];

/// `/consultations/gestion/:id/apercu`: every page as residents will see it, inert.
#[component]
pub fn PreviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = builder_id();
    let view_res = Resource::new(move || id.get(), get_builder);
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, surveys.preview).to_string()) />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match view_res.await {
                    Ok(view) => {
                        let survey = view.survey;
                        let id = survey.info.id;
                        view! {
                            <h1>{t!(i18n, surveys.preview)}" : "{survey.info.title.clone()}</h1>
                            <p class="alert">{t!(i18n, surveys.preview_notice)}</p>
                            {survey.pages.iter().enumerate().map(|(i, page)| view! {
                                <section class="preview-page">
                                    <h2>{t!(i18n, surveys.page_n, n = i + 1)}{(!page.title.is_empty()).then(|| format!(" – {}", page.title))}</h2>
                                    {condition_text(&survey, &page.condition).map(|c| view! { <p class="meta">{c}</p> })}
                                    {page.questions.iter().map(|q| view! {
                                        <QuestionControl question=q.clone() fields=Arc::new(BTreeMap::new()) errors=Vec::new()
                                            visible=true condition_note=condition_text(&survey, &q.condition) preview=true />
                                    }).collect_view()}
                                </section>
                            }).collect_view()}
                            <p><A href=format!("/consultations/gestion/{id}")>{t!(i18n, surveys.back_to_builder)}</A></p>
                        }.into_any()
                    }
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/consultations/gestion/:id/participants`: who took part (never who answered what).
#[component]
pub fn ParticipantsPage() -> impl IntoView {
    use super::builder_api::get_participants;
    let i18n = use_i18n();
    let id = builder_id();
    let page = query_value("page");
    let data = Resource::new(
        move || (id.get(), page.get().parse::<u32>().unwrap_or(1)),
        |(id, page)| get_participants(id, page),
    );
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, surveys.participants_title).to_string()) />
        <h1>{t!(i18n, surveys.participants_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => {
                        let survey = id.get_untracked();
                        let (accounts, browsers) = (p.accounts, p.browsers);
                        let days = p.days_shown;
                        view! {
                            <p class="lead">{p.title.clone()}</p>
                            <p>{t!(
                                i18n,
                                surveys.participants_counts,
                                accounts = move || t!(i18n, surveys.participants_accounts, count = move || accounts),
                                browsers = move || t!(i18n, surveys.participants_browsers, count = move || browsers)
                            )}</p>
                            <p class="meta">{t!(i18n, surveys.participants_notice)}</p>
                            {p.names_hidden.then(|| view! { <p class="alert" role="note">{t!(i18n, surveys.participants_hidden)}</p> })}
                            {(!p.people.is_empty()).then(|| view! {
                                <table class="table">
                                    <caption>{t!(i18n, surveys.participants_title)}</caption>
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, surveys.participant_name)}</th>
                                        {days.then(|| view! { <th scope="col">{t!(i18n, surveys.participant_day)}</th> })}
                                    </tr></thead>
                                    <tbody>
                                        {p.people.iter().map(|(name, day)| view! {
                                            <tr><td>{name.clone()}</td>{days.then(|| view! { <td>{day.clone()}</td> })}</tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            })}
                            <Pages page=p.page count=p.page_count prefix=format!("/consultations/gestion/{survey}/participants?page=") />
                            <p><A href=format!("/consultations/gestion/{survey}")>{t!(i18n, surveys.back_to_builder)}</A></p>
                        }.into_any()
                    }
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
