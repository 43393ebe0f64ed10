//! Pieces shared by the residents' and the agents' pages: status badges, the answers of a
//! request, its timeline, the request form's controls and the message form.

use super::model::{
    field_name, is_shown, Answers, Channel, FieldDef, FieldKind, Status, Value, CHECKED,
};
use super::views::{Attachment, Event, EventKind, MESSAGE_FORM, MESSAGE_PATH};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    error_text, field_errors, typed, use_form_error, use_typed_values, FormAlert,
};
use crate::ui::time::{Moment, Style};
use leptos::prelude::*;

/// The words of a status.
pub fn status_text(status: Status) -> String {
    let i18n = use_i18n();
    match status {
        Status::Draft => t_string!(i18n, requests.status_draft),
        Status::Submitted => t_string!(i18n, requests.status_submitted),
        Status::InProgress => t_string!(i18n, requests.status_in_progress),
        Status::InfoRequested => t_string!(i18n, requests.status_info_requested),
        Status::Accepted => t_string!(i18n, requests.status_accepted),
        Status::Refused => t_string!(i18n, requests.status_refused),
        Status::Closed => t_string!(i18n, requests.status_closed),
        Status::Cancelled => t_string!(i18n, requests.status_cancelled),
    }
    .to_string()
}

pub fn channel_text(channel: Channel) -> String {
    let i18n = use_i18n();
    match channel {
        Channel::Web => t_string!(i18n, requests.channel_web),
        Channel::Counter => t_string!(i18n, requests.channel_counter),
        Channel::Phone => t_string!(i18n, requests.channel_phone),
        Channel::Mail => t_string!(i18n, requests.channel_mail),
    }
    .to_string()
}

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = match status {
        Status::InfoRequested => "badge badge--warning",
        Status::Accepted => "badge badge--success",
        Status::Refused | Status::Cancelled => "badge badge--muted",
        _ => "badge",
    };
    view! { <span class=class>{status_text(status)}</span> }
}

/// A file's link and size.
#[component]
pub fn FileLink(file: Attachment) -> impl IntoView {
    let i18n = use_i18n();
    let kb = (file.size + 1023) / 1024;
    view! {
        <a href=format!("/pieces-jointes/{}", file.id) download>{file.file_name}</a>
        " "<span class="meta">{t!(i18n, requests.file_size, kb = move || kb)}</span>
    }
}

/// The answers of a request, field by field (hidden conditional fields left out).
#[component]
pub fn AnswersList(
    fields: Vec<FieldDef>,
    answers: Answers,
    files: Vec<Attachment>,
) -> impl IntoView {
    let i18n = use_i18n();
    // One list per section, each after its heading (a list holds only terms and values).
    let mut groups: Vec<(Option<String>, Vec<&FieldDef>)> = vec![(None, Vec::new())];
    for field in fields.iter().filter(|f| is_shown(f, &answers)) {
        if field.kind == FieldKind::Section {
            groups.push((Some(field.label.clone()), Vec::new()));
        } else if let Some((_, list)) = groups.last_mut() {
            list.push(field);
        }
    }
    let item = |field: &FieldDef| {
        let shown = match field.kind {
            FieldKind::File => {
                let mine: Vec<Attachment> = files
                    .iter()
                    .filter(|a| a.field_key.as_deref() == Some(field.key.as_str()))
                    .cloned()
                    .collect();
                if mine.is_empty() {
                    view! { <em>{t!(i18n, requests.no_answer)}</em> }.into_any()
                } else {
                    view! {
                            <ul>{mine.into_iter().map(|file| view! { <li><FileLink file /></li> }).collect_view()}</ul>
                        }
                        .into_any()
                }
            }
            FieldKind::Checkbox => match answers.get(&field.key) {
                Some(_) => view! { {t!(i18n, requests.checked)} }.into_any(),
                None => view! { {t!(i18n, requests.not_checked)} }.into_any(),
            },
            _ => match answers.get(&field.key) {
                Some(value) => {
                    // A date reads as it was typed, 12/04/2017, not as stored.
                    let text = match value {
                        Value::Text(iso) if field.kind == FieldKind::Date => {
                            crate::ui::time::typed_date(iso).unwrap_or_else(|| value.display())
                        }
                        _ => value.display(),
                    };
                    view! { <span class="answers__value">{text}</span> }.into_any()
                }
                None => view! { <em>{t!(i18n, requests.no_answer)}</em> }.into_any(),
            },
        };
        view! {
            <div class="answers__item">
                <dt>{field.label.clone()}</dt>
                <dd>{shown}</dd>
            </div>
        }
        .into_any()
    };
    groups
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(heading, list)| {
            view! {
                {heading.map(|h| view! { <h3 class="answers__section">{h}</h3> })}
                <dl class="answers">{list.into_iter().map(item).collect_view()}</dl>
            }
        })
        .collect_view()
}

/// Links between the pages of a long timeline (page 1: the latest events), to the
/// request's page at `base`.
#[component]
pub fn TimelinePages(page: u32, pages: u32, base: String) -> impl IntoView {
    let i18n = use_i18n();
    let href = move |n: u32| format!("{base}?fil={n}#suivi");
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=t_string!(i18n, requests.timeline_pages).to_string()>
                {(page < pages).then(|| view! { <a href=href(page + 1)>{t!(i18n, requests.older_events)}</a> })}
                <span>{t!(i18n, forum.page_of, page = move || page, pages = move || pages)}</span>
                {(page > 1).then(|| view! { <a href=href(page - 1)>{t!(i18n, requests.newer_events)}</a> })}
            </nav>
        }
    })
}

/// The timeline: status changes and messages, oldest first (notes and assignments too
/// for agents).
#[component]
pub fn Timeline(events: Vec<Event>) -> impl IntoView {
    let i18n = use_i18n();
    let items = events
        .into_iter()
        .map(|event| {
            let Event {
                kind,
                status,
                author,
                from_agent,
                body,
                at,
                attachments,
                ..
            } = event;
            let who = match (from_agent, author) {
                (true, Some(name)) => format!("{} ({name})", t_string!(i18n, requests.town_hall)),
                (true, None) => t_string!(i18n, requests.town_hall).to_string(),
                (false, Some(name)) => name,
                (false, None) => t_string!(i18n, requests.former_account).to_string(),
            };
            let (class, title) = {
                let (who, name) = (who.clone(), body.clone());
                match kind {
                    EventKind::Status => (
                        "timeline__item timeline__item--status",
                        status.map(status_text).unwrap_or_default().into_any(),
                    ),
                    EventKind::Message => (
                        "timeline__item",
                        view! { {t!(i18n, requests.message_from, who = move || who.clone())} }.into_any(),
                    ),
                    EventKind::Note => (
                        "timeline__item timeline__item--note",
                        view! { {t!(i18n, requests.note_by, who = move || who.clone())} }.into_any(),
                    ),
                    EventKind::Assigned if body.is_empty() => (
                        "timeline__item timeline__item--note",
                        view! { {t!(i18n, requests.unassigned)} }.into_any(),
                    ),
                    EventKind::Assigned => (
                        "timeline__item timeline__item--note",
                        view! { {t!(i18n, requests.assigned_to, name = move || name.clone())} }.into_any(),
                    ),
                }
            };
            let body = (kind != EventKind::Assigned && !body.is_empty()).then(|| {
                view! { <p class="timeline__body">{body}</p> }
            });
            let files = (!attachments.is_empty()).then(|| {
                view! {
                    <ul>{attachments.into_iter().map(|file| view! { <li><FileLink file /></li> }).collect_view()}</ul>
                }
            });
            view! {
                <li class=class>
                    <p class="timeline__title"><strong>{title}</strong></p>
                    <p class="meta"><Moment at_ms=at style=Style::Stamp />{(kind == EventKind::Status).then(|| format!(" · {who}"))}</p>
                    {body}
                    {files}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="timeline">{items}</ol> }
}

/// The message form of a request (text and an optional file).
#[component]
pub fn MessageForm(request_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(MESSAGE_PATH);
    let values = use_typed_values(MESSAGE_FORM, error);
    let body_value = typed(values, "body");
    let body_errors = Signal::derive(move || error.with(|e| field_errors(e.as_ref(), "body")));
    let file_errors = Signal::derive(move || error.with(|e| field_errors(e.as_ref(), "file")));
    view! {
        <FormAlert error fields=&["body", "file"] />
        <form class="form" method="post" enctype="multipart/form-data"
            action=crate::ui::form::once_action(&format!("/mon-espace/demandes/{request_id}/messages")) novalidate>
            <ErrorFrame name="body" errors=body_errors>
                <label for="champ-body">{t!(i18n, requests.message_label)}</label>
                <ErrorText id="champ-body-erreur" errors=body_errors />
                <textarea id="champ-body" name="body" rows="5" maxlength="5000"
                    aria-invalid=move || (!body_errors.with(Vec::is_empty)).then_some("true")
                    aria-describedby=move || (!body_errors.with(Vec::is_empty)).then_some("champ-body-erreur")>{move || body_value.get()}</textarea>
            </ErrorFrame>
            <ErrorFrame name="file" errors=file_errors>
                <label for="champ-message-file">{t!(i18n, requests.message_file)}</label>
                <p class="field__hint" id="champ-message-file-aide">{t!(i18n, requests.file_hint)}</p>
                <ErrorText id="champ-message-file-erreur" errors=file_errors />
                <input type="file" id="champ-message-file" name="file" accept=ACCEPT
                    aria-invalid=move || (!file_errors.with(Vec::is_empty)).then_some("true")
                    aria-describedby=move || if file_errors.with(Vec::is_empty) {
                        "champ-message-file-aide".to_owned()
                    } else {
                        "champ-message-file-aide champ-message-file-erreur".to_owned()
                    } />
            </ErrorFrame>
            <button type="submit" class="button">{t!(i18n, requests.send_message)}</button>
        </form>
    }
}

/// What file inputs offer to choose.
pub const ACCEPT: &str = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

/// A field's frame, marked when it has errors.
#[component]
fn ErrorFrame(
    #[allow(unused_variables)] name: &'static str,
    errors: Signal<Vec<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field--error=move || !errors.with(Vec::is_empty)>{children()}</div>
    }
}

/// The error messages of a field, if any.
#[component]
fn ErrorText(#[prop(into)] id: String, errors: Signal<Vec<String>>) -> impl IntoView {
    move || {
        let errs = errors.get();
        (!errs.is_empty()).then(|| {
            view! {
                <p class="field__error" id=id.clone()>
                    {errs.iter().map(|k| error_text(k)).collect::<Vec<_>>().join(" ")}
                </p>
            }
        })
    }
}

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
    let id = format!("champ-{}", field.key);
    let hint_id = format!("{id}-aide");
    let error_id = format!("{id}-erreur");
    let errors = {
        let name = name.clone();
        Signal::derive(move || error.with(|e| field_errors(e.as_ref(), &name)))
    };
    let invalid = move || (!errors.with(Vec::is_empty)).then_some("true");
    let help = field.help.clone();
    let note = condition_note(&field, &all);
    let is_file = field.kind == FieldKind::File;
    let has_hint = !help.is_empty() || note.is_some() || is_file;
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if !errors.with(Vec::is_empty) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
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
