//! One question as a form control: a group of radio buttons or check boxes in a
//! fieldset, a ranking as one drop-down per option, a field for a number, a date or a
//! text. Hints state the rules (how many options, bounds), errors are tied to the
//! controls, and a question hidden by its condition is disabled so it posts nothing.

use super::answering::error_field;
use super::model::{Question, QuestionKind};
use crate::i18n::{t, use_i18n};
use crate::ui::form::error_text;
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Field values to show, by field name (`t[12]`, `m[12][40]`…).
pub type Fields = Arc<BTreeMap<String, String>>;

/// A question of the answering form (or of a preview, with `preview` disabling it).
#[component]
pub fn QuestionControl(
    question: Question,
    fields: Fields,
    errors: Vec<String>,
    #[prop(into)] visible: Signal<bool>,
    /// "Answer only if…", for questions with a condition (read without JavaScript).
    condition_note: Option<String>,
    #[prop(default = false)] preview: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let qid = question.id;
    let base = format!("question-{qid}");
    let hint_id = format!("{base}-aide");
    let error_id = format!("{base}-erreur");
    let has_errors = !errors.is_empty();
    let described = {
        let mut ids = vec![hint_id.clone()];
        if has_errors {
            ids.push(error_id.clone());
        }
        ids.join(" ")
    };
    let disabled = move || preview || !visible.get();
    let value = {
        let fields = fields.clone();
        move |name: String| fields.get(&name).cloned().unwrap_or_default()
    };
    let rules = rules_hint(&question);
    let help = question.help.clone();
    let hint = view! {
        <div class="field__hint" id=hint_id.clone()>
            {(!help.is_empty()).then(|| view! { <p>{help.clone()}</p> })}
            {rules}
            {condition_note.map(|note| view! { <p class="question__condition">{note}</p> })}
            {question.required.then(|| view! { <p>{t!(i18n, surveys.required_answer)}</p> })}
        </div>
    };
    let error_view = has_errors.then(|| {
        view! {
            <p class="field__error" id=error_id.clone()>
                {errors.iter().map(|k| error_text(k)).collect::<Vec<_>>().join(" ")}
            </p>
        }
    });
    let label = question.label.clone();
    let required = question.required;
    let invalid = has_errors.then_some("true");
    let body = match question.kind {
        QuestionKind::Single | QuestionKind::Multiple | QuestionKind::Scale => {
            let multiple = question.kind == QuestionKind::Multiple;
            let mut options: Vec<(String, String)> = match question.kind {
                QuestionKind::Scale => {
                    let (lo, hi) = (
                        question.min_value.unwrap_or(1),
                        question.max_value.unwrap_or(5),
                    );
                    (lo..=hi)
                        .map(|v| {
                            let mut text = v.to_string();
                            if v == lo && !question.min_label.is_empty() {
                                text = format!("{v} – {}", question.min_label);
                            }
                            if v == hi && !question.max_label.is_empty() {
                                text = format!("{v} – {}", question.max_label);
                            }
                            (v.to_string(), text)
                        })
                        .collect()
                }
                _ => question
                    .choices
                    .iter()
                    .map(|c| (c.id.to_string(), c.label.clone()))
                    .collect(),
            };
            if question.allow_other {
                options.push(("other".into(), String::new()));
            }
            let other_name = format!("o[{qid}]");
            let other_value = value(other_name.clone());
            let items = options
                .into_iter()
                .map(|(v, text)| {
                    let id = format!("{base}-{v}");
                    let (name, checked) = if multiple {
                        let key = if v == "other" { super::answering::OTHER_KEY } else { v.as_str() };
                        let name = format!("m[{qid}][{key}]");
                        let checked = !value(name.clone()).is_empty();
                        (name, checked)
                    } else {
                        let name = format!("t[{qid}]");
                        let checked = value(name.clone()) == v;
                        (name, checked)
                    };
                    let input_value = if multiple { "1".to_owned() } else { v.clone() };
                    let is_other = v == "other";
                    let other_label_id = format!("{base}-other-text");
                    view! {
                        <div class="choice">
                            <input type=if multiple { "checkbox" } else { "radio" }
                                id=id.clone() name=name value=input_value checked=checked
                                disabled=disabled
                                aria-describedby=described.clone() aria-invalid=invalid
                                />
                            <label for=id>
                                {if is_other { view! { {t!(i18n, surveys.other)} }.into_any() } else { text.into_any() }}
                            </label>
                            {is_other.then(|| view! {
                                <label class="visually-hidden" for=other_label_id.clone()>{t!(i18n, surveys.other_specify)}</label>
                                <input type="text" class="choice__other" id=other_label_id.clone()
                                    name=other_name.clone() value=other_value.clone() maxlength="300"
                                    disabled=disabled />
                            })}
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="question">
                    <legend>{label.clone()}</legend>
                    {hint}
                    {error_view}
                    <div class="choices">{items}</div>
                </fieldset>
            }
            .into_any()
        }
        QuestionKind::Ranking => {
            let n = question.choices.len();
            let items = question
                .choices
                .iter()
                .map(|c| {
                    let id = format!("{base}-{}", c.id);
                    let name = format!("r[{qid}][{}]", c.id);
                    let current = value(name.clone());
                    let label = c.label.clone();
                    view! {
                        <div class="ranking__item">
                            <label for=id.clone()>{label}</label>
                            <select id=id name=name disabled=disabled
                                aria-describedby=described.clone() aria-invalid=invalid>
                                <option value="">{t!(i18n, surveys.rank_none)}</option>
                                {(1..=n).map(|r| {
                                    let selected = current == r.to_string();
                                    view! { <option value=r.to_string() selected=selected>{r}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="question">
                    <legend>{label.clone()}</legend>
                    {hint}
                    {error_view}
                    <div class="ranking">{items}</div>
                </fieldset>
            }
            .into_any()
        }
        QuestionKind::ShortText
        | QuestionKind::LongText
        | QuestionKind::Number
        | QuestionKind::Date => {
            let id = format!("{base}-champ");
            let name = format!("t[{qid}]");
            let current = value(name.clone());
            let control = match question.kind {
                QuestionKind::LongText => view! {
                    <textarea id=id.clone() name=name rows="6" maxlength="5000" disabled=disabled
                        required=required aria-describedby=described.clone() aria-invalid=invalid>
                        {current}
                    </textarea>
                }
                .into_any(),
                kind => {
                    let input_type = match kind {
                        QuestionKind::Number => "number",
                        QuestionKind::Date => "date",
                        _ => "text",
                    };
                    let inputmode = (kind == QuestionKind::Number).then_some("numeric");
                    view! {
                        <input id=id.clone() name=name type=input_type value=current
                            inputmode=inputmode disabled=disabled required=required
                            min=question.min_value.map(|v| v.to_string())
                            max=question.max_value.map(|v| v.to_string())
                            maxlength=(kind == QuestionKind::ShortText).then_some("300")
                            aria-describedby=described.clone() aria-invalid=invalid />
                    }
                    .into_any()
                }
            };
            view! {
                <div class="question field" class:field--error=has_errors>
                    <label for=id>{label.clone()}</label>
                    {hint}
                    {error_view}
                    {control}
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div class="question-wrap" id=error_field(qid) tabindex="-1" hidden=move || !visible.get()>
            {body}
        </div>
    }
}

/// The rules of a question, stated before the resident answers.
fn rules_hint(question: &Question) -> Option<AnyView> {
    let i18n = use_i18n();
    let (min, max) = match question.kind {
        QuestionKind::Multiple => (question.min_choices, question.max_choices),
        QuestionKind::Number | QuestionKind::Scale => (question.min_value, question.max_value),
        QuestionKind::Ranking => {
            return Some(view! { <p>{t!(i18n, surveys.hint_ranking)}</p> }.into_any());
        }
        QuestionKind::Date => {
            return Some(view! { <p>{t!(i18n, surveys.hint_date)}</p> }.into_any());
        }
        _ => return None,
    };
    let choices = question.kind == QuestionKind::Multiple;
    Some(match (min, max) {
        (Some(min), Some(max)) if choices => {
            view! { <p>{t!(i18n, surveys.hint_choices_between, min = min, max = max)}</p> }
                .into_any()
        }
        (Some(min), None) if choices => {
            view! { <p>{t!(i18n, surveys.hint_choices_min, count = move || min)}</p> }.into_any()
        }
        (None, Some(max)) if choices => {
            view! { <p>{t!(i18n, surveys.hint_choices_max, count = move || max)}</p> }.into_any()
        }
        (Some(min), Some(max)) => {
            view! { <p>{t!(i18n, surveys.hint_number_between, min = min, max = max)}</p> }
                .into_any()
        }
        (Some(min), None) => {
            view! { <p>{t!(i18n, surveys.hint_number_min, min = min)}</p> }.into_any()
        }
        (None, Some(max)) => {
            view! { <p>{t!(i18n, surveys.hint_number_max, max = max)}</p> }.into_any()
        }
        (None, None) if choices => view! { <p>{t!(i18n, surveys.hint_choices_any)}</p> }.into_any(),
        (None, None) => return None,
    })
}

/// Applies the conditions of the page's questions as the participant picks options: a
/// question whose condition is not met is hidden and disabled (it posts nothing). Each
/// rule is (question, options of which one must be picked); `choosers` are the questions
/// whose inputs are options (not scales), `earlier` the options picked on earlier pages.
///
/// Browser only. Without JavaScript every question is shown with its condition stated,
/// and the server ignores answers to questions whose condition is not met.
#[island]
pub fn SurveyConditions(
    rules: Vec<(i64, Vec<i64>)>,
    choosers: Vec<i64>,
    earlier: Vec<i64>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    conditions_browser::watch(rules, choosers, earlier);
    #[cfg(not(feature = "hydrate"))]
    let _ = (rules, choosers, earlier);
}

/// The options picked in a form, from the names of its checked inputs: `t[q]` (the
/// value is the option) and `m[q][option]`, for questions in `choosers` only.
pub fn picked_options<'a>(
    checked: impl IntoIterator<Item = (&'a str, &'a str)>,
    choosers: &[i64],
) -> Vec<i64> {
    let mut picked = Vec::new();
    for (name, value) in checked {
        let Some(rest) = name
            .strip_prefix(['t', 'm'])
            .and_then(|r| r.strip_prefix('['))
        else {
            continue;
        };
        let Some((question, rest)) = rest.split_once(']') else {
            continue;
        };
        if !question.parse::<i64>().is_ok_and(|q| choosers.contains(&q)) {
            continue;
        }
        let option = if name.starts_with('t') {
            value.parse::<i64>().ok()
        } else {
            rest.strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|o| o.parse::<i64>().ok())
        };
        picked.extend(option);
    }
    picked
}

#[cfg(feature = "hydrate")]
mod conditions_browser {
    use super::super::model::{condition_met, Answer, Answers};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    pub fn watch(rules: Vec<(i64, Vec<i64>)>, choosers: Vec<i64>, earlier: Vec<i64>) {
        let document = leptos::prelude::document();
        let Ok(Some(form)) = document.query_selector("form.survey-form") else {
            return;
        };
        let apply = {
            let form = form.clone();
            move || {
                let Ok(inputs) = form.query_selector_all("input:checked") else {
                    return;
                };
                let checked: Vec<(String, String)> = (0..inputs.length())
                    .filter_map(|i| inputs.item(i))
                    .filter_map(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .map(|input| (input.name(), input.value()))
                    .collect();
                let mut chosen = super::picked_options(
                    checked.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                    &choosers,
                );
                chosen.extend(&earlier);
                let answers: Answers = [(
                    0,
                    Answer::Choices {
                        chosen,
                        other: None,
                    },
                )]
                .into();
                for (question, condition) in &rules {
                    let shown = condition_met(condition, &answers);
                    show(&document, *question, shown);
                }
            }
        };
        apply();
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| apply());
        let _ = form.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        // The form lives as long as the page.
        listener.forget();
    }

    fn show(document: &web_sys::Document, question: i64, shown: bool) {
        let Some(wrap) = document.get_element_by_id(&super::error_field(question)) else {
            return;
        };
        let _ = if shown {
            wrap.remove_attribute("hidden")
        } else {
            wrap.set_attribute("hidden", "")
        };
        if let Ok(controls) = wrap.query_selector_all("input, select, textarea") {
            for i in 0..controls.length() {
                if let Some(control) = controls
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                {
                    let _ = if shown {
                        control.remove_attribute("disabled")
                    } else {
                        control.set_attribute("disabled", "")
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::picked_options;

    #[test]
    fn options_are_read_from_input_names_of_option_questions_only() {
        let checked = [
            ("t[3]", "31"),
            ("m[4][41]", "1"),
            ("m[4][other]", "1"),
            ("t[5]", "4"),
            ("survey_id", "9"),
            ("t[x]", "1"),
        ];
        assert_eq!(
            picked_options(checked, &[3, 4]),
            vec![31, 41],
            "5 is a scale"
        );
        assert!(picked_options(checked, &[]).is_empty());
    }
}
