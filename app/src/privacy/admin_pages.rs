//! `/admin/donnees` (administrators: the DPO's queue with deadlines, retention periods,
//! the purge log, the terms of use) and `/registre-des-traitements` (the processing
//! register, public), with its summary on `/donnees-personnelles`.

use super::admin_api::{
    get_privacy_admin, get_register, AnswerDataRequest, PublishTerms, SetRetention,
};
use super::dpo_pages::DataRequestCard;
use super::model::{Category, DataRequest, PrivacyAdmin, RegisterLine};
use super::pages::purpose_title;
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, query_value, typed, use_form_error, use_typed_values, Field, FormAlert, PostForm,
    TextAreaField,
};
use crate::ui::time::{Moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// `/admin/donnees`.
#[component]
pub fn PrivacyAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |()| get_privacy_admin());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, privacy_admin.title).to_string()) />
        <h1>{t!(i18n, privacy_admin.title)}</h1>
        <p><A href="/registre-des-traitements">{t!(i18n, register.title)}</A></p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(admin) => view! { <PrivacyAdminView admin /> }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PrivacyAdminView(admin: PrivacyAdmin) -> impl IntoView {
    let PrivacyAdmin {
        requests,
        retention,
        purges,
        terms,
    } = admin;
    view! {
        <DpoQueue requests />
        <RetentionSettings retention purges />
        <TermsSettings version=terms.version summary=terms.summary />
    }
    .into_any()
}

#[component]
fn DpoQueue(requests: Vec<DataRequest>) -> impl IntoView {
    let i18n = use_i18n();
    let open = requests.iter().filter(|r| !r.answered).count();
    let overdue = requests.iter().filter(|r| r.overdue).count();
    let error = use_form_error(AnswerDataRequest::url());
    view! {
        <section aria-labelledby="demandes">
            <h2 id="demandes">{t!(i18n, privacy_admin.queue_title)}</h2>
            <p role="status">{t!(
                i18n,
                privacy_admin.queue_count,
                open = move || t!(i18n, privacy_admin.queue_open, count = move || open),
                overdue = move || t!(i18n, privacy_admin.queue_overdue, count = move || overdue)
            )}</p>
            <FormAlert error fields=&["answer"] />
            {requests.is_empty().then(|| view! { <p>{t!(i18n, privacy_admin.queue_none)}</p> })}
            <ul class="cards cards--list" role="list">
                {requests.into_iter().map(|r| view! { <li><QueueItem request=r /></li> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn QueueItem(request: DataRequest) -> impl IntoView {
    let i18n = use_i18n();
    let (id, answered, overdue) = (request.id, request.answered, request.overdue);
    let contact = format!("{} <{}>", request.name, request.email);
    let error = use_form_error(AnswerDataRequest::url());
    view! {
        <DataRequestCard request />
        <p>{t!(i18n, privacy_admin.from)}" "{contact}</p>
        {overdue.then(|| view! { <p class="alert alert--warning">{t!(i18n, privacy_admin.overdue)}</p> })}
        {(!answered).then(|| view! {
            <PostForm action=AnswerDataRequest::url() error fields=&[]
                submit=Signal::derive(move || t_string!(i18n, privacy_admin.answer_submit).to_string())>
                <input type="hidden" name="id" value=id.to_string() />
                <TextAreaField name="answer" id_suffix=id.to_string()
                    label=Signal::derive(move || format!("{} {id}", t_string!(i18n, privacy_admin.answer)))
                    hint=Signal::derive(move || t_string!(i18n, privacy_admin.answer_hint).to_string())
                    errors=errors_of(error, "answer") rows=5 />
            </PostForm>
        })}
    }
    .into_any()
}

fn category_name(category: Category) -> String {
    let i18n = use_i18n();
    match category {
        Category::SecurityLog => t_string!(i18n, privacy_admin.cat_security_log),
        Category::Appointments => t_string!(i18n, privacy_admin.cat_appointments),
        Category::Notifications => t_string!(i18n, privacy_admin.cat_notifications),
        Category::DataRequests => t_string!(i18n, privacy_admin.cat_data_requests),
    }
    .to_string()
}

#[component]
fn RetentionSettings(
    retention: Vec<(Category, i64, i64)>,
    purges: Vec<(i64, String, i64)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(SetRetention::url());
    let values = use_typed_values("set_retention", error);
    let saved = query_value("enregistre");
    view! {
        <section aria-labelledby="conservation">
            <h2 id="conservation">{t!(i18n, privacy_admin.retention_title)}</h2>
            <p>{t!(i18n, privacy_admin.retention_intro)}</p>
            {move || (!saved.get().is_empty()).then(|| view! {
                <div class="alert alert--success" role="status"><p>{t!(i18n, privacy_admin.saved)}</p></div>
            })}
            {retention.into_iter().map(|(category, months, default)| {
                let key = category.key();
                let failed_here = move || typed(values, "category").get() == key;
                let value = Signal::derive(move || {
                    if failed_here() { typed(values, "months").get() } else { months.to_string() }
                });
                let errors = Signal::derive(move || if failed_here() { errors_of(error, "months").get() } else { Vec::new() });
                view! {
                    <form class="form form--inline" method="post" action=SetRetention::url() novalidate>
                        <input type="hidden" name="category" value=key />
                        <Field name="months" input_type="number" id_suffix=key.to_owned()
                            label=Signal::derive(move || format!("{} ({})", category_name(category), t_string!(i18n, privacy_admin.months)))
                            hint=Signal::derive(move || format!("{} {default}", t_string!(i18n, privacy_admin.default_months)))
                            value errors />
                        <button type="submit" class="button button--small">
                            {t!(i18n, privacy_admin.save)}
                            <span class="visually-hidden">" : "{category_name(category)}</span>
                        </button>
                    </form>
                }
            }).collect_view()}
            <p>{t!(i18n, privacy_admin.per_service)}</p>
            <h3>{t!(i18n, privacy_admin.purges_title)}</h3>
            {purges.is_empty().then(|| view! { <p>{t!(i18n, privacy_admin.purges_none)}</p> })}
            {(!purges.is_empty()).then(|| view! {
                <table class="table">
                    <caption class="visually-hidden">{t!(i18n, privacy_admin.purges_title)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, my_data.col_date)}</th>
                        <th scope="col">{t!(i18n, privacy_admin.col_category)}</th>
                        <th scope="col">{t!(i18n, privacy_admin.col_count)}</th>
                    </tr></thead>
                    <tbody>
                        {purges.into_iter().map(|(date, category, count)| view! {
                            <tr><td><Moment at_ms=date style=Style::Full /></td><td>{category}</td><td>{count}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn TermsSettings(version: i64, summary: String) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(PublishTerms::url());
    let values = use_typed_values("publish_terms", error);
    let published = query_value("publiee");
    view! {
        <section aria-labelledby="conditions">
            <h2 id="conditions">{t!(i18n, privacy_admin.terms_title)}</h2>
            {move || (!published.get().is_empty()).then(|| view! {
                <div class="alert alert--success" role="status"><p>{t!(i18n, privacy_admin.terms_published)}</p></div>
            })}
            <p>{t!(i18n, privacy_admin.terms_current, version = move || version)}</p>
            {(!summary.is_empty()).then(|| view! { <p class="prewrap">{summary}</p> })}
            <PostForm action=PublishTerms::url() error fields=&["summary"]
                submit=Signal::derive(move || t_string!(i18n, privacy_admin.terms_submit).to_string())>
                <TextAreaField name="summary" rows=4
                    label=Signal::derive(move || t_string!(i18n, privacy_admin.terms_summary).to_string())
                    hint=Signal::derive(move || t_string!(i18n, privacy_admin.terms_hint).to_string())
                    value=typed(values, "summary") errors=errors_of(error, "summary") />
            </PostForm>
        </section>
    }
    .into_any()
}

/// The register as a table.
#[component]
fn RegisterTable(lines: Vec<RegisterLine>, #[prop(default = true)] full: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table">
            <caption class="visually-hidden">{t!(i18n, register.title)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, register.col_purpose)}</th>
                <th scope="col">{t!(i18n, register.col_basis)}</th>
                {full.then(|| view! { <th scope="col">{t!(i18n, register.col_data)}</th> })}
                {full.then(|| view! { <th scope="col">{t!(i18n, register.col_recipients)}</th> })}
                <th scope="col">{t!(i18n, register.col_retention)}</th>
            </tr></thead>
            <tbody>
                {lines.into_iter().map(|line| view! {
                    <tr>
                        <th scope="row">{purpose_title(line.purpose)}</th>
                        <td>{line.basis}</td>
                        {full.then(|| view! { <td>{line.data}</td> })}
                        {full.then(|| view! { <td>{line.recipients}</td> })}
                        <td>{line.retention}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// `/registre-des-traitements`.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let lines = Resource::new(|| (), |()| get_register());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, register.title).to_string()) />
        <h1>{t!(i18n, register.title)}</h1>
        <p>{t!(i18n, register.intro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                lines.await.ok().map(|lines| view! { <RegisterTable lines /> })
            })}
        </Suspense>
        {crate::site::with_site(move |site: crate::site::SiteInfo| {
            let (name, email) = (site.dpo_name, site.dpo_email);
            view! { <p>{t!(i18n, register.dpo, name = move || name.clone(), email = move || email.clone())}</p> }
        })}
    }
}

/// The register's summary on `/donnees-personnelles`.
#[component]
pub fn RegisterSummary() -> impl IntoView {
    let i18n = use_i18n();
    let lines = Resource::new(|| (), |()| get_register());
    view! {
        <section aria-labelledby="registre" class="prose">
            <h2 id="registre">{t!(i18n, register.summary_title)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    lines.await.ok().map(|lines| view! { <RegisterTable lines full=false /> })
                })}
            </Suspense>
            <p><A href="/registre-des-traitements">{t!(i18n, register.full_link)}</A></p>
        </section>
    }
}
