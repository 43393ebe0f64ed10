//! A request's pages: the resident's (`/mon-espace/demandes/:id`), the form
//! (`…/formulaire`, also used by agents filing at the counter), and the agent's
//! processing page (`/guichet/demandes/:id`).

use super::api::{
    get_request, AddRequestNote, AssignRequest, CancelRequest, ChangeRequestStatus,
    DeleteRequestDraft,
};
use super::components::{
    channel_text, status_text, AnswersList, MessageForm, StatusBadge, Timeline, TimelinePages,
};
use super::model::Status;
use super::request_fields::RequestFields;
use super::views::{RequestView, FORM_PATH};
use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    field_errors, query_value, title_with_error, typed, use_form_error, use_typed_values,
    FormAlert, SelectField, TextAreaField,
};
use crate::ui::time::{moment, Moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn request_id() -> Signal<i64> {
    let params = use_params_map();
    Signal::derive(move || params.with(|p| p.get("id").and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// The page's title: the service and the tracking number.
fn heading(view: &RequestView) -> String {
    match &view.reference {
        Some(r) => format!("{} – {r}", view.service_title),
        None => view.service_title.clone(),
    }
}

/// A request page's frame: loads the request and shows `body`, or why it cannot.
#[component]
fn RequestFrame<F, V>(body: F) -> impl IntoView
where
    F: Fn(RequestView) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let id = request_id();
    let timeline_page = query_value("fil");
    let request = Resource::new(
        move || {
            (
                id.get(),
                timeline_page.get().parse::<u32>().unwrap_or(1).max(1),
            )
        },
        |(id, page)| get_request(id, page),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let body = body.clone();
                Suspend::new(async move {
                    match request.await {
                        Ok(view) => body(view).into_any(),
                        Err(error) => view! {
                            <PageTitle text=Signal::derive(move || t_string!(i18n, requests.title).to_string()) />
                            <h1>{t!(i18n, requests.title)}</h1>
                            <AccessDenied error />
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/mon-espace/demandes/:id`: the resident's view.
#[component]
pub fn RequestPage() -> impl IntoView {
    view! { <RequestFrame body=|view: RequestView| view! { <ResidentRequest view /> } /> }
}

/// Success messages after a post, read from the address.
#[component]
fn Flash() -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let q = |name| !query_value(name).get().is_empty();
        if q("deposee") {
            Some(t_string!(i18n, requests.flash_submitted).to_string())
        } else if q("message") {
            Some(t_string!(i18n, requests.flash_message).to_string())
        } else if q("annulee") {
            Some(t_string!(i18n, requests.flash_cancelled).to_string())
        } else if q("traitee") || q("attribuee") {
            Some(t_string!(i18n, requests.flash_saved).to_string())
        } else if q("enregistre") {
            Some(t_string!(i18n, requests.flash_draft).to_string())
        } else {
            None
        }
    };
    move || {
        text().map(
            |text| view! { <div class="alert alert--success" role="status"><p>{text}</p></div> },
        )
    }
}

#[component]
fn ResidentRequest(view: RequestView) -> impl IntoView {
    let i18n = use_i18n();
    let title = heading(&view);
    let page_title = title.clone();
    let cancel_error = use_form_error(CancelRequest::url());
    let RequestView {
        id,
        status,
        fields,
        answers,
        attachments,
        events,
        timeline_page,
        timeline_pages,
        submitted_at,
        ..
    } = view;
    let parts = [
        view! {
        <PageTitle text=Signal::derive(move || page_title.clone()) />
        <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
            <A href="/mon-espace">{t!(i18n, nav.my_space)}</A>
        </nav>
        <h1>{title}</h1>
        <Flash />
        <p class="meta"><StatusBadge status />" "
            {submitted_at.map(|at| view! { {t!(i18n, requests.submitted_on, at = move || moment(at, Style::Phrase))} })}
        </p>
        {(status == Status::Draft).then(|| view! {
            <p><A href=format!("/mon-espace/demandes/{id}/formulaire") attr:class="button">{t!(i18n, requests.resume_draft)}</A></p>
        })}
        {(status == Status::InfoRequested).then(|| view! {
            <div class="alert alert--info" role="note">
                <p>{t!(i18n, requests.info_requested_help)}</p>
                <p><A href=format!("/mon-espace/demandes/{id}/formulaire") attr:class="button">{t!(i18n, requests.complete)}</A></p>
            </div>
        })}
        }
        .into_any(),
        view! {
        <div class="columns">
            <section>
                <h2 id="suivi">{t!(i18n, requests.timeline)}</h2>
                <Timeline events />
                <TimelinePages page=timeline_page pages=timeline_pages base=format!("/mon-espace/demandes/{id}") />
                {(!matches!(status, Status::Draft | Status::Closed | Status::Cancelled)).then(|| view! {
                    <h2 id="messages">{t!(i18n, requests.write)}</h2>
                    <MessageForm request_id=id />
                })}
            </section>
            <section>
                <h2>{t!(i18n, requests.answers)}</h2>
                <AnswersList fields answers files=attachments />
                {status.cancellable().then(|| view! {
                    <h2>{t!(i18n, requests.cancel_title)}</h2>
                    <FormAlert error=cancel_error fields=&[] />
                    <form method="post" action=CancelRequest::url()>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button button--secondary">{t!(i18n, requests.cancel)}</button>
                    </form>
                })}
            </section>
        </div>
        }
        .into_any(),
    ];
    parts.into_iter().collect_view()
}

/// `/mon-espace/demandes/:id/formulaire` and `/guichet/demandes/:id/formulaire`: the
/// form, saved as a draft at each post; "submit" checks it all.
#[component]
pub fn RequestFormPage() -> impl IntoView {
    view! { <RequestFrame body=|view: RequestView| view! { <RequestForm view /> } /> }
}

#[component]
fn RequestForm(view: RequestView) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(FORM_PATH);
    let delete_error = use_form_error(DeleteRequestDraft::url());
    let title = heading(&view);
    let page_title = title_with_error(error, {
        let title = title.clone();
        move || format!("{} – {}", t_string!(i18n, requests.form_title), title)
    });
    let RequestView {
        id,
        status,
        fields,
        answers,
        attachments,
        as_agent,
        resident,
        channel,
        max_upload_mb,
        form_version,
        ..
    } = view;
    let editable = status == Status::Draft || (status == Status::InfoRequested && !as_agent);
    let back = if as_agent {
        format!("/guichet/demandes/{id}")
    } else {
        format!("/mon-espace/demandes/{id}")
    };
    let field_names: Vec<String> = fields
        .iter()
        .flat_map(|f| [format!("f.{}", f.key), format!("file.{}", f.key)])
        .collect();
    let summary = move || {
        error.get().map(|err| {
            let links: Vec<(String, String)> = match &err {
                AppError::Validation(map) => fields_in_order(&field_names, map),
                _ => Vec::new(),
            };
            let text = crate::ui::form::form_error_text(&err, &[]).unwrap_or_default();
            view! {
                <div class="alert alert--error" role="alert" tabindex="-1" id="erreurs">
                    <p>{if links.is_empty() { text } else { t_string!(i18n, requests.fix_errors).to_string() }}</p>
                    {(!links.is_empty()).then(|| view! {
                        <ul>{links.into_iter().map(|(href, text)| view! { <li><a href=href>{text}</a></li> }).collect_view()}</ul>
                    })}
                </div>
            }
        })
    };
    let crumb = title.clone();
    let parts = [
        view! {
        <PageTitle text=page_title />
        <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
            <A href=back.clone()>{crumb}</A>
        </nav>
        <h1>{t!(i18n, requests.form_title)}" – "{title}</h1>
        <Flash />
        {as_agent.then(|| {
            let channel = channel_text(channel);
            view! { <p class="meta">{t!(i18n, requests.filed_for, name = move || resident.clone(), channel = move || channel.clone())}</p> }
        })}
        }
        .into_any(),
        view! {
        {summary}
        {if editable {
            view! {
                <p class="field__hint">{t!(i18n, requests.required_help)}" "{t!(i18n, requests.version, number = move || form_version)}</p>
                <form class="form request-form" method="post" enctype="multipart/form-data"
                    action=crate::ui::form::once_action(&format!("/mon-espace/demandes/{id}/formulaire")) novalidate>
                    <RequestFields fields answers files=attachments error max_mb=max_upload_mb />
                    <div class="actions">
                        <button type="submit" class="button" name="go" value="submit">{t!(i18n, requests.submit)}</button>
                        <button type="submit" class="button button--secondary" name="go" value="save">{t!(i18n, requests.save_draft)}</button>
                    </div>
                </form>
                {(status == Status::Draft).then(|| view! {
                    <FormAlert error=delete_error fields=&[] />
                    <form method="post" action=DeleteRequestDraft::url()>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button button--link">{t!(i18n, requests.delete_draft)}</button>
                    </form>
                })}
            }
            .into_any()
        } else {
            view! {
                <p>{t!(i18n, requests.not_editable, status = move || status_text(status))}</p>
                <p><A href=back>{t!(i18n, requests.back)}</A></p>
            }
            .into_any()
        }}
        }
        .into_any(),
    ];
    parts.into_iter().collect_view()
}

/// The fields with errors, in form order: (link to the control, its error).
fn fields_in_order(names: &[String], map: &crate::error::FieldErrors) -> Vec<(String, String)> {
    names
        .iter()
        .filter_map(|name| {
            let keys = map.get(name)?;
            let key = name.trim_start_matches("f.").trim_start_matches("file.");
            let text = keys
                .iter()
                .map(|k| crate::ui::form::error_text(k))
                .collect::<Vec<_>>()
                .join(" ");
            Some((format!("#champ-{key}"), text))
        })
        .collect()
}

/// `/guichet/demandes/:id`: the agent's processing page.
#[component]
pub fn AgentRequestPage() -> impl IntoView {
    view! { <RequestFrame body=|view: RequestView| view! { <AgentRequest view /> } /> }
}

#[component]
fn AgentRequest(view: RequestView) -> impl IntoView {
    let i18n = use_i18n();
    let title = heading(&view);
    let page_title = title.clone();
    let status_error = use_form_error(ChangeRequestStatus::url());
    let status_typed = use_typed_values("change_request_status", status_error);
    let note_error = use_form_error(AddRequestNote::url());
    let assign_error = use_form_error(AssignRequest::url());
    let template = query_value("modele");
    let RequestView {
        id,
        service_id,
        status,
        channel,
        fields,
        answers,
        attachments,
        events,
        timeline_page,
        timeline_pages,
        resident,
        contact,
        assignee,
        submitted_at,
        team,
        templates,
        accesses,
        ..
    } = view;
    let moves: Vec<(String, String)> = status
        .agent_moves()
        .iter()
        .map(|s| (s.as_str().to_owned(), status_text(*s)))
        .collect();
    let template_body = {
        let templates = templates.clone();
        Signal::derive(move || {
            let chosen = template.get();
            templates
                .iter()
                .find(|t| t.id.to_string() == chosen)
                .map(|t| t.body.clone())
                .or_else(|| status_typed.get().and_then(|v| v.get("message").cloned()))
                .unwrap_or_default()
        })
    };
    let team_options: Vec<(String, String)> = team
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let current_assignee = assignee
        .as_ref()
        .map(|a| a.id.to_string())
        .unwrap_or_default();
    let answers_column = view! {
            <section>
                <h2>{t!(i18n, requests.answers)}</h2>
                <AnswersList fields answers files=attachments />
                <h2 id="suivi">{t!(i18n, requests.timeline)}</h2>
                <Timeline events />
                <TimelinePages page=timeline_page pages=timeline_pages base=format!("/guichet/demandes/{id}") />
            </section>
    }
    .into_any();
    let process_column = view! {
            <section>
                {(!moves.is_empty()).then(|| view! {
                    <h2>{t!(i18n, backoffice.process)}</h2>
                    {(!templates.is_empty()).then(|| view! {
                        <form class="form form--inline" method="get" action=format!("/guichet/demandes/{id}")>
                            <div class="field">
                                <label for="champ-modele">{t!(i18n, backoffice.template)}</label>
                                <select id="champ-modele" name="modele">
                                    {templates.iter().map(|t| {
                                        let chosen = template.get_untracked() == t.id.to_string();
                                        view! { <option value=t.id.to_string() selected=chosen>{t.title.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="button button--secondary">{t!(i18n, backoffice.use_template)}</button>
                        </form>
                    })}
                    <FormAlert error=status_error fields=&["status", "message"] />
                    <form class="form" method="post" action=ChangeRequestStatus::url() novalidate>
                        <input type="hidden" name="id" value=id />
                        <SelectField name="status" label=Signal::derive(move || t_string!(i18n, backoffice.new_status).to_string())
                            options=moves.clone() placeholder=Signal::derive(move || t_string!(i18n, backoffice.choose).to_string())
                            value=typed(status_typed, "status")
                            errors=Signal::derive(move || status_error.with(|e| field_errors(e.as_ref(), "status"))) />
                        <TextAreaField name="message" label=Signal::derive(move || t_string!(i18n, backoffice.message).to_string())
                            hint=Signal::derive(move || t_string!(i18n, backoffice.message_hint).to_string())
                            value=template_body required=false rows=6
                            errors=Signal::derive(move || status_error.with(|e| field_errors(e.as_ref(), "message"))) />
                        <button type="submit" class="button">{t!(i18n, backoffice.apply)}</button>
                    </form>
                })}
                <h2>{t!(i18n, backoffice.assign)}</h2>
                <FormAlert error=assign_error fields=&[] />
                <form class="form form--inline" method="post" action=AssignRequest::url()>
                    <input type="hidden" name="id" value=id />
                    <SelectField name="assignee" label=Signal::derive(move || t_string!(i18n, backoffice.assignee).to_string())
                        options=team_options placeholder=Signal::derive(move || t_string!(i18n, backoffice.nobody).to_string())
                        value=Signal::derive(move || current_assignee.clone()) required=false
                        errors=Signal::derive(move || assign_error.with(|e| field_errors(e.as_ref(), "assignee"))) />
                    <button type="submit" class="button button--secondary">{t!(i18n, backoffice.assign_button)}</button>
                </form>
                <form method="post" action=AssignRequest::url()>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="assignee" value="me" />
                    <button type="submit" class="button button--link">{t!(i18n, backoffice.assign_me)}</button>
                </form>
                {(!matches!(status, Status::Draft | Status::Closed | Status::Cancelled)).then(|| view! {
                    <h2 id="messages">{t!(i18n, backoffice.write_resident)}</h2>
                    <MessageForm request_id=id />
                })}
                <h2 id="notes">{t!(i18n, backoffice.note_title)}</h2>
                <p class="field__hint">{t!(i18n, backoffice.note_help)}</p>
                <FormAlert error=note_error fields=&["note"] />
                <form class="form" method="post" action=AddRequestNote::url() novalidate>
                    <crate::ui::form::OnceField />
                    <input type="hidden" name="id" value=id />
                    <TextAreaField name="note" label=Signal::derive(move || t_string!(i18n, backoffice.note).to_string())
                        rows=3 errors=Signal::derive(move || note_error.with(|e| field_errors(e.as_ref(), "note"))) />
                    <button type="submit" class="button button--secondary">{t!(i18n, backoffice.add_note)}</button>
                </form>
                <h2>{t!(i18n, backoffice.accesses)}</h2>
                <ul class="meta">
                    {accesses.into_iter().map(|(name, at)| view! { <li>{name}" – "<Moment at_ms=at style=Style::Stamp /></li> }).collect_view()}
                </ul>
            </section>
    }
    .into_any();
    view! {
        <PageTitle text=Signal::derive(move || page_title.clone()) />
        <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
            <A href="/guichet">{t!(i18n, backoffice.title)}</A>" › "
            <A href=format!("/guichet/{service_id}")>{t!(i18n, backoffice.queue)}</A>
        </nav>
        <h1>{title}</h1>
        <Flash />
        <dl class="facts facts--inline">
            <div><dt>{t!(i18n, requests.status)}</dt><dd><StatusBadge status /></dd></div>
            <div><dt>{t!(i18n, backoffice.resident)}</dt><dd>{resident}" "<span class="meta">{contact}</span></dd></div>
            <div><dt>{t!(i18n, backoffice.channel)}</dt><dd>{channel_text(channel)}</dd></div>
            <div><dt>{t!(i18n, backoffice.submitted)}</dt><dd>{submitted_at.map(|at| view! { <Moment at_ms=at style=Style::Full /> })}</dd></div>
            <div><dt>{t!(i18n, backoffice.assignee)}</dt><dd>{assignee.map(|a| a.name).unwrap_or_else(|| t_string!(i18n, backoffice.nobody).to_string())}</dd></div>
        </dl>
        {(status == Status::Draft).then(|| view! {
            <p><A href=format!("/guichet/demandes/{id}/formulaire") attr:class="button">{t!(i18n, backoffice.fill_form)}</A></p>
        })}
        <div class="columns">
            {answers_column}
            {process_column}
        </div>
    }
}
