//! Pieces shared by the residents' and the agents' pages: status badges, the answers of a
//! request, its timeline and the message form (the request form's controls are in
//! `request_fields`).

use super::model::{is_shown, Answers, Channel, FieldDef, FieldKind, Status, Value};
use super::views::{Attachment, Event, EventKind, RequestSummary, MESSAGE_FORM, MESSAGE_PATH};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    error_text, field_errors, typed, use_form_error, use_typed_values, FormAlert,
};
use crate::ui::time::{moment, Moment, Style};
use leptos::prelude::*;
use leptos_router::components::A;

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
pub(super) fn ErrorFrame(
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
pub(super) fn ErrorText(#[prop(into)] id: String, errors: Signal<Vec<String>>) -> impl IntoView {
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

/// One request in a list.
#[component]
pub fn RequestRow(request: RequestSummary, href: String) -> impl IntoView {
    let i18n = use_i18n();
    let RequestSummary {
        reference,
        service_title,
        status,
        updated_at,
        unread,
        ..
    } = request;
    let name = match &reference {
        Some(r) => format!("{service_title} – {r}"),
        None => service_title,
    };
    view! {
        <li class="card">
            <h3><A href=href>{name}</A></h3>
            <p class="meta">
                <StatusBadge status />" "
                {t!(i18n, requests.updated, at = move || moment(updated_at, Style::Phrase))}
                {(unread > 0).then(|| view! { " · "<strong>{t!(i18n, requests.unread, count = move || unread)}</strong> })}
            </p>
        </li>
    }
}
