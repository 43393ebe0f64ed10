//! The request form's controls: one per field the service defines, grouped by section,
//! filled with the saved answers, with the errors of the last post next to their fields.

use super::components::{ErrorText, FileLink, ACCEPT};
use super::model::{field_name, Answers, FieldDef, FieldKind, Value, CHECKED};
use super::views::Attachment;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::field_errors;
use leptos::prelude::*;

/// The request form's controls, grouped by section, filled with the saved answers; the
/// errors of the last post next to their fields.
#[component]
pub fn RequestFields(
    fields: Vec<FieldDef>,
    answers: Answers,
    files: Vec<Attachment>,
    error: Memo<Option<AppError>>,
    max_mb: usize,
) -> impl IntoView {
    let mut groups: Vec<(Option<FieldDef>, Vec<FieldDef>)> = vec![(None, Vec::new())];
    for field in &fields {
        if field.kind == FieldKind::Section {
            groups.push((Some(field.clone()), Vec::new()));
        } else if let Some((_, list)) = groups.last_mut() {
            list.push(field.clone());
        }
    }
    let all = fields.clone();
    groups
        .into_iter()
        .filter(|(section, list)| section.is_some() || !list.is_empty())
        .map(|(section, list)| {
            let controls = list
                .into_iter()
                .map(|field| {
                    let control = FieldControl(FieldControlProps {
                        field: field.clone(),
                        all: all.clone(),
                        answers: answers.clone(),
                        files: files.clone(),
                        error,
                        max_mb,
                    });
                    control.into_any()
                })
                .collect_view();
            match section {
                Some(section) => view! {
                    <fieldset class="form-section">
                        <legend>{section.label.clone()}</legend>
                        {(!section.help.is_empty()).then(|| view! { <p class="field__hint">{section.help.clone()}</p> })}
                        {controls}
                    </fieldset>
                }
                .into_any(),
                None => controls.into_any(),
            }
        })
        .collect_view()
}

/// "Answer only if you chose « Oui » at « … »", for a conditional field.
fn condition_note(field: &FieldDef, all: &[FieldDef]) -> Option<AnyView> {
    let i18n = use_i18n();
    let condition = field.condition.as_ref()?;
    let source = all.iter().find(|f| f.key == condition.field)?;
    let value = if source.kind == FieldKind::Checkbox {
        t_string!(i18n, requests.checked).to_string()
    } else {
        condition.value.clone()
    };
    let label = source.label.clone();
    Some(
        view! { " "{t!(i18n, requests.only_if, value = move || value.clone(), field = move || label.clone())} }
            .into_any(),
    )
}

#[component]
fn FieldControl(
    field: FieldDef,
    all: Vec<FieldDef>,
    answers: Answers,
    files: Vec<Attachment>,
    error: Memo<Option<AppError>>,
    max_mb: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = match field.kind {
        FieldKind::File => format!("file.{}", field.key),
        _ => field_name(&field.key),
    };
    let ids = crate::ui::form::ControlIds::new(&field.key, None);
    let errors = {
        let name = name.clone();
        Signal::derive(move || error.with(|e| field_errors(e.as_ref(), &name)))
    };
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let help = field.help.clone();
    let note = condition_note(&field, &all);
    let is_file = field.kind == FieldKind::File;
    let has_hint = !help.is_empty() || note.is_some() || is_file;
    let described = ids.described_by(has_hint, errors);
    let crate::ui::form::ControlIds {
        id,
        hint_id,
        error_id,
        ..
    } = ids;
    let hint_view = has_hint.then(|| {
        view! {
            <p class="field__hint" id=hint_id.clone()>
                {help}
                {note}
                {is_file.then(|| view! { " "{t!(i18n, requests.file_hint_size, mb = move || max_mb)} })}
            </p>
        }
    });
    let error_view = view! { <ErrorText id=error_id.clone() errors /> };
    let required = field.required;
    let label = if required {
        format!(
            "{} {}",
            field.label,
            t_string!(i18n, requests.required_mark)
        )
    } else {
        field.label.clone()
    };
    let text_value = match answers.get(&field.key) {
        Some(Value::Text(t)) => t.clone(),
        _ => String::new(),
    };
    let list_value: Vec<String> = match answers.get(&field.key) {
        Some(Value::List(l)) => l.clone(),
        Some(Value::Text(t)) => vec![t.clone()],
        _ => Vec::new(),
    };
    match field.kind {
        FieldKind::Section => ().into_any(),
        FieldKind::ShortText | FieldKind::Email | FieldKind::Phone | FieldKind::Date | FieldKind::Number => {
            let (input_type, autocomplete, mode) = match field.kind {
                FieldKind::Email => ("email", Some("email"), None),
                FieldKind::Phone => ("tel", Some("tel"), None),
                FieldKind::Date => ("date", None, None),
                FieldKind::Number => ("text", None, Some("decimal")),
                _ => ("text", None, None),
            };
            view! {
                <div class="field" class:field--error=move || !errors.with(Vec::is_empty)>
                    <label for=id.clone()>{label}</label>
                    {hint_view}
                    {error_view}
                    <input id=id.clone() name=name type=input_type autocomplete=autocomplete
                        inputmode=mode value=text_value required=required
                        aria-invalid=invalid aria-describedby=described />
                </div>
            }
            .into_any()
        }
        FieldKind::LongText => view! {
            <div class="field" class:field--error=move || !errors.with(Vec::is_empty)>
                <label for=id.clone()>{label}</label>
                {hint_view}
                {error_view}
                <textarea id=id.clone() name=name rows="5" required=required
                    aria-invalid=invalid aria-describedby=described>{text_value}</textarea>
            </div>
        }
        .into_any(),
        FieldKind::Checkbox => view! {
            <div class="field" class:field--error=move || !errors.with(Vec::is_empty)>
                {hint_view}
                {error_view}
                <div class="choice">
                    <input type="checkbox" id=id.clone() name=name value=CHECKED
                        checked=text_value == CHECKED aria-invalid=invalid aria-describedby=described />
                    <label for=id.clone()>{label}</label>
                </div>
            </div>
        }
        .into_any(),
        FieldKind::Choice | FieldKind::Choices => {
            let input_type = if field.kind == FieldKind::Choice { "radio" } else { "checkbox" };
            let items = field
                .options
                .iter()
                .enumerate()
                .map(|(i, option)| {
                    let option_id = format!("{id}-{i}");
                    let checked = list_value.contains(option);
                    view! {
                        <div class="choice">
                            <input type=input_type id=option_id.clone() name=name.clone()
                                value=option.clone() checked=checked
                                aria-invalid=invalid aria-describedby=described.clone() />
                            <label for=option_id>{option.clone()}</label>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="question" class:field--error=move || !errors.with(Vec::is_empty)>
                    <legend>{label}</legend>
                    {hint_view}
                    {error_view}
                    <div class="choices">{items}</div>
                </fieldset>
            }
            .into_any()
        }
        FieldKind::Address => {
            let (street, postcode, city) = match answers.get(&field.key) {
                Some(Value::Address { street, postcode, city }) => {
                    (street.clone(), postcode.clone(), city.clone())
                }
                _ => Default::default(),
            };
            view! {
                <fieldset class="question" class:field--error=move || !errors.with(Vec::is_empty)>
                    <legend>{label}</legend>
                    {hint_view}
                    {error_view}
                    <div class="field">
                        <label for=format!("{id}-rue")>{t!(i18n, requests.street)}</label>
                        <input id=format!("{id}-rue") name=format!("{name}.street") value=street
                            autocomplete="street-address" aria-invalid=invalid aria-describedby=described.clone() />
                    </div>
                    <div class="field">
                        <label for=format!("{id}-cp")>{t!(i18n, requests.postcode)}</label>
                        <input id=format!("{id}-cp") name=format!("{name}.postcode") value=postcode
                            autocomplete="postal-code" inputmode="numeric" maxlength="5"
                            aria-invalid=invalid aria-describedby=described.clone() />
                    </div>
                    <div class="field">
                        <label for=format!("{id}-ville")>{t!(i18n, requests.city)}</label>
                        <input id=format!("{id}-ville") name=format!("{name}.city") value=city
                            autocomplete="address-level2" aria-invalid=invalid aria-describedby=described />
                    </div>
                </fieldset>
            }
            .into_any()
        }
        FieldKind::File => {
            let mine: Vec<Attachment> = files
                .iter()
                .filter(|a| a.field_key.as_deref() == Some(field.key.as_str()))
                .cloned()
                .collect();
            let uploaded = (!mine.is_empty()).then(|| {
                let items = mine
                    .into_iter()
                    .map(|file| {
                        let remove_id = format!("supprimer-{}", file.id);
                        let name = file.file_name.clone();
                        view! {
                            <li>
                                <FileLink file=file.clone() />" "
                                <span class="choice choice--inline">
                                    <input type="checkbox" id=remove_id.clone() name="remove" value=file.id.to_string() />
                                    <label for=remove_id>{t!(i18n, requests.remove_file, name = move || name.clone())}</label>
                                </span>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="files">{items}</ul> }
            });
            view! {
                <div class="field" class:field--error=move || !errors.with(Vec::is_empty)>
                    <label for=id.clone()>{label}</label>
                    {hint_view}
                    {error_view}
                    {uploaded}
                    <input type="file" id=id.clone() name=name accept=ACCEPT
                        aria-invalid=invalid aria-describedby=described />
                </div>
            }
            .into_any()
        }
    }
}
