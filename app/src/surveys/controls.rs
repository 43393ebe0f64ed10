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

/// Options picked so far, by question (0: earlier pages); conditions read it.
pub type Picked = RwSignal<BTreeMap<i64, Vec<i64>>>;

/// A question of the answering form (or of a preview, with `preview` disabling it).
#[component]
pub fn QuestionControl(
    question: Question,
    fields: Fields,
    errors: Vec<String>,
    #[prop(into)] visible: Signal<bool>,
    /// "Answer only if…", for questions with a condition (read without JavaScript).
    condition_note: Option<String>,
    picked: Picked,
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
                    let choice: Option<i64> = v.parse().ok().filter(|_| question.kind != QuestionKind::Scale);
                    let on_change = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        picked.update(|p| {
                            let list = p.entry(qid).or_default();
                            if !multiple {
                                list.clear();
                            }
                            if let Some(c) = choice {
                                list.retain(|x| *x != c);
                                if on {
                                    list.push(c);
                                }
                            }
                        });
                    };
                    let is_other = v == "other";
                    let other_label_id = format!("{base}-other-text");
                    view! {
                        <div class="choice">
                            <input type=if multiple { "checkbox" } else { "radio" }
                                id=id.clone() name=name value=input_value checked=checked
                                disabled=disabled
                                aria-describedby=described.clone() aria-invalid=invalid
                                on:change=on_change />
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
            view! { <p>{t!(i18n, surveys.hint_choices_min, min = min)}</p> }.into_any()
        }
        (None, Some(max)) if choices => {
            view! { <p>{t!(i18n, surveys.hint_choices_max, max = max)}</p> }.into_any()
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
