//! Writing to the data protection officer (`/contact-dpo`) and the resident's list of
//! what they asked (in their privacy centre).

use super::admin_api::ContactDpo;
use super::model::{DataRequest, DataRequestKind};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, query_value, typed, use_form_error, use_typed_values, Field, PostForm, SelectField,
    TextAreaField,
};
use crate::ui::time::{moment, Style};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The translated name of a kind of request.
pub fn kind_label(kind: DataRequestKind) -> String {
    let i18n = use_i18n();
    match kind {
        DataRequestKind::Access => t_string!(i18n, dpo_form.kind_access),
        DataRequestKind::Rectification => t_string!(i18n, dpo_form.kind_rectification),
        DataRequestKind::Erasure => t_string!(i18n, dpo_form.kind_erasure),
        DataRequestKind::Objection => t_string!(i18n, dpo_form.kind_objection),
        DataRequestKind::Other => t_string!(i18n, dpo_form.kind_other),
    }
    .to_string()
}

/// The form of `/contact-dpo`: anyone may write; a signed-in person's name and address
/// are filled in.
#[component]
pub fn DpoRequestForm() -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(ContactDpo::url());
    let values = use_typed_values("contact_dpo", error);
    let sent = query_value("envoyee");
    let user = use_context::<crate::auth::CurrentUserResource>();
    let options: Vec<(String, String)> = DataRequestKind::ALL
        .into_iter()
        .map(|k| (k.key().to_owned(), kind_label(k)))
        .collect();
    view! {
        <section aria-labelledby="ecrire-dpo" class="narrow">
            <h2 id="ecrire-dpo">{t!(i18n, dpo_form.title)}</h2>
            {move || (!sent.get().is_empty()).then(|| {
                let number = sent.get();
                view! {
                    <div class="alert alert--success" role="status">
                        <p>{t!(i18n, dpo_form.sent, number = move || number.clone())}</p>
                    </div>
                }
            })}
            <p>{t!(i18n, dpo_form.intro)}</p>
            <Transition fallback=|| ()>
                {move || {
                    let options = options.clone();
                    Suspend::new(async move {
                    let me = crate::auth::signed_in(user).await;
                    let typed_or = move |field: &'static str, fallback: String| {
                        Signal::derive(move || {
                            let v = typed(values, field).get();
                            if v.is_empty() { fallback.clone() } else { v }
                        })
                    };
                    let name = typed_or("name", me.as_ref().map(|u| u.display_name.clone()).unwrap_or_default());
                    let email = typed_or("email", me.as_ref().map(|u| u.email.clone()).unwrap_or_default());
                    view! {
                        <PostForm once=true action=ContactDpo::url() error fields=&["kind", "name", "email", "message"]
                            submit=Signal::derive(move || t_string!(i18n, dpo_form.submit).to_string())>
                            <SelectField name="kind" options
                                label=Signal::derive(move || t_string!(i18n, dpo_form.kind).to_string())
                                placeholder=Signal::derive(move || t_string!(i18n, dpo_form.kind_choose).to_string())
                                value=typed(values, "kind") errors=errors_of(error, "kind") />
                            <Field name="name" autocomplete="name"
                                label=Signal::derive(move || t_string!(i18n, dpo_form.name).to_string())
                                value=name errors=errors_of(error, "name") />
                            <Field name="email" input_type="email" autocomplete="email"
                                label=Signal::derive(move || t_string!(i18n, dpo_form.email).to_string())
                                hint=Signal::derive(move || t_string!(i18n, dpo_form.email_hint).to_string())
                                value=email errors=errors_of(error, "email") />
                            <TextAreaField name="message"
                                label=Signal::derive(move || t_string!(i18n, dpo_form.message).to_string())
                                hint=Signal::derive(move || t_string!(i18n, dpo_form.message_hint).to_string())
                                value=typed(values, "message") errors=errors_of(error, "message") />
                        </PostForm>
                    }
                    .into_any()
                })}}
            </Transition>
        </section>
    }
}

/// One request and, when given, the DPO's answer.
#[component]
pub fn DataRequestCard(request: DataRequest) -> impl IntoView {
    let i18n = use_i18n();
    let DataRequest {
        id,
        kind,
        message,
        answered,
        answer,
        created_at_ms,
        due_at_ms,
        answered_at_ms,
        ..
    } = request;
    let state = match answered_at_ms.filter(|_| answered) {
        Some(at) => view! { <span class="badge">{t!(i18n, dpo_form.answered, date = move || moment(at, Style::Full))}</span> }.into_any(),
        None => view! { <span class="badge badge--muted">{t!(i18n, dpo_form.due, date = move || moment(due_at_ms, Style::Full))}</span> }.into_any(),
    };
    view! {
        <article class="card" id=format!("demande-{id}")>
            <h3>{t!(i18n, dpo_form.number, number = move || id)}" – "{kind_label(kind)}</h3>
            <p class="meta">{t!(i18n, dpo_form.received, date = move || moment(created_at_ms, Style::Full))}" "{state}</p>
            <p class="prewrap">{message}</p>
            {answered.then(|| view! {
                <h4>{t!(i18n, dpo_form.answer_title)}</h4>
                <p class="prewrap">{answer}</p>
            })}
        </article>
    }
    .into_any()
}

/// The resident's requests to the DPO, in their privacy centre.
#[component]
pub fn MyDataRequests(requests: Vec<DataRequest>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="dpo">
            <h2 id="dpo">{t!(i18n, dpo_form.mine_title)}</h2>
            {requests.is_empty().then(|| view! { <p>{t!(i18n, dpo_form.mine_none)}</p> })}
            <ul class="cards cards--list" role="list">
                {requests.into_iter().map(|r| view! { <li><DataRequestCard request=r /></li> }).collect_view()}
            </ul>
            <p><a href="/contact-dpo#ecrire-dpo">{t!(i18n, dpo_form.title)}</a></p>
        </section>
    }
    .into_any()
}
