//! Residents' pages: the catalogue (`/demarches`), a service (`/demarches/:slug`), and
//! mon espace (`/mon-espace`), which gathers requests, drafts, news and participations.

use super::api::{get_dashboard, get_service, list_catalogue, StartRequest};
use super::components::RequestRow;
use super::model::Category;
use super::views::{Dashboard, ServiceInfo, ServiceSummary};
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{query_value, use_form_error, FormAlert};
use crate::ui::{PageTitle, Pagination};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The name of a category.
pub fn category_text(category: Category) -> String {
    let i18n = use_i18n();
    match category {
        Category::Childhood => t_string!(i18n, services.cat_childhood),
        Category::School => t_string!(i18n, services.cat_school),
        Category::CivilStatus => t_string!(i18n, services.cat_civil_status),
        Category::Cemetery => t_string!(i18n, services.cat_cemetery),
        Category::Culture => t_string!(i18n, services.cat_culture),
        Category::Citizenship => t_string!(i18n, services.cat_citizenship),
        Category::Housing => t_string!(i18n, services.cat_housing),
        Category::Social => t_string!(i18n, services.cat_social),
        Category::Seniors => t_string!(i18n, services.cat_seniors),
        Category::Urbanism => t_string!(i18n, services.cat_urbanism),
        Category::Other => t_string!(i18n, services.cat_other),
    }
    .to_string()
}

/// `/demarches`: services grouped by category, with a search box.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    let search = query_value("q");
    let list = Resource::new(move || search.get(), list_catalogue);
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.services).to_string()) />
        <h1>{t!(i18n, nav.services)}</h1>
        <p class="lead">{t!(i18n, services.intro)}</p>
        <form class="form form--inline" method="get" action="/demarches" role="search">
            <div class="field">
                <label for="recherche-demarche">{t!(i18n, services.search_label)}</label>
                <input id="recherche-demarche" name="q" type="search" value=move || search.get() />
            </div>
            <button type="submit" class="button">{t!(i18n, services.search)}</button>
        </form>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(services) => view! { <Catalogue services searched=!search.get_untracked().is_empty() /> }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Catalogue(services: Vec<ServiceSummary>, searched: bool) -> impl IntoView {
    let i18n = use_i18n();
    let count = services.len();
    let groups = Category::ALL
        .into_iter()
        .filter_map(|category| {
            let mine: Vec<ServiceSummary> = services
                .iter()
                .filter(|s| s.category == category)
                .cloned()
                .collect();
            (!mine.is_empty()).then(|| {
                view! {
                    <section class="catalogue__group">
                        <h2>{category_text(category)}</h2>
                        <ul class="cards" role="list">
                            {mine.into_iter().map(|s| view! {
                                <li class="card">
                                    <h3><A href=format!("/demarches/{}", s.slug)>{s.title}</A></h3>
                                    <p>{s.summary}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })
        })
        .collect_view();
    view! {
        {searched.then(|| view! { <p role="status">{t!(i18n, services.found, count = move || count)}</p> })}
        {(count == 0).then(|| view! { <p>{t!(i18n, services.none)}</p> })}
        {groups}
    }
}

/// `/demarches/:slug`: what the service is, who may ask, what to bring, and "start".
#[component]
pub fn ServicePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let service = Resource::new(slug, get_service);
    let error = use_form_error(StartRequest::url());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match service.await {
                    Ok(info) => view! { <ServiceDescription info error /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.services).to_string()) />
                        <h1>{t!(i18n, nav.services)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ServiceDescription(
    info: ServiceInfo,
    error: Memo<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_context::<crate::auth::CurrentUserResource>();
    let title = info.title.clone();
    let rows = [
        (
            t_string!(i18n, services.eligibility).to_string(),
            info.eligibility.clone(),
        ),
        (
            t_string!(i18n, services.documents).to_string(),
            info.documents.clone(),
        ),
        (
            t_string!(i18n, services.processing_time).to_string(),
            info.processing_time.clone(),
        ),
        (
            t_string!(i18n, services.cost).to_string(),
            info.cost.clone(),
        ),
        (
            t_string!(i18n, services.contact).to_string(),
            info.contact.clone(),
        ),
    ];
    let slug = info.slug.clone();
    let service_id = info.id;
    let booking = Resource::new(
        move || service_id,
        crate::appointments::api::service_agendas,
    );
    let start = move || {
        let signed_in = user
            .and_then(|u| u.get())
            .and_then(Result::ok)
            .flatten()
            .is_some();
        if signed_in {
            view! {
                <form method="post" action=StartRequest::url()>
                    <crate::ui::form::OnceField />
                    <input type="hidden" name="slug" value=slug.clone() />
                    <button type="submit" class="button">{t!(i18n, services.start)}</button>
                </form>
            }
            .into_any()
        } else {
            let href = format!("/connexion?suite=/demarches/{}", slug);
            view! {
                <p>{t!(i18n, services.sign_in_first)}</p>
                <p><A href=href attr:class="button">{t!(i18n, nav.sign_in)}</A></p>
            }
            .into_any()
        }
    };
    view! {
        <PageTitle text=Signal::derive(move || title.clone()) />
        <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
            <A href="/demarches">{t!(i18n, nav.services)}</A>" › "{super::pages::category_text(info.category)}
        </nav>
        <h1>{info.title.clone()}</h1>
        <p class="lead">{info.summary.clone()}</p>
        <dl class="facts">
            {rows.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| view! {
                <div><dt>{k}</dt><dd class="prewrap">{v}</dd></div>
            }).collect_view()}
        </dl>
        <FormAlert error fields=&[] />
        <Suspense fallback=|| ()>
            {move || Suspend::new({
                let start = start.clone();
                async move {
                    let (agendas, has_form) = booking.await.unwrap_or((Vec::new(), true));
                    view! {
                        {(!agendas.is_empty()).then(|| view! {
                            <ul class="actions-list" role="list">
                                {agendas.into_iter().map(|a| view! {
                                    <li><A href=format!("/rendez-vous/{}", a.slug) attr:class="button">{t!(i18n, appointments.book_new)}" – "{a.name}</A></li>
                                }).collect_view()}
                            </ul>
                        })}
                        {has_form.then(start)}
                    }
                }
            })}
        </Suspense>
    }
}

/// `/mon-espace`.
#[component]
pub fn MySpacePage() -> impl IntoView {
    let i18n = use_i18n();
    let page = query_value("page");
    let dashboard = Resource::new(
        move || page.get().parse::<u32>().unwrap_or(1).max(1),
        get_dashboard,
    );
    let appointments = crate::appointments::my_pages::my_appointments_resource();
    let deleted = query_value("brouillon_supprime");
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.my_space).to_string()) />
        <h1>{t!(i18n, nav.my_space)}</h1>
        {move || (!deleted.get().is_empty()).then(|| view! {
            <div class="alert alert--success" role="status"><p>{t!(i18n, requests.draft_deleted)}</p></div>
        })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => view! {
                        <DashboardView dashboard />
                        <crate::appointments::my_pages::MyAppointments list=appointments />
                    }
                    .into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let Dashboard {
        requests,
        drafts,
        unread_messages,
        unread_notifications,
        surveys,
        agent_services,
    } = dashboard;
    let (page, page_count) = (requests.page, requests.page_count);
    view! {
        <ul class="summary" role="list">
            <li><A href="/notifications">{t!(i18n, requests.news, count = move || unread_notifications)}</A></li>
            <li>{t!(i18n, requests.unread_total, count = move || unread_messages)}</li>
            <li><A href="/demarches">{t!(i18n, requests.new_request)}</A></li>
        </ul>
        {(!agent_services.is_empty()).then(|| view! {
            <section>
                <h2>{t!(i18n, requests.my_work)}</h2>
                <ul role="list">
                    {agent_services.into_iter().map(|s| view! {
                        <li><A href=format!("/guichet/{}", s.id)>{s.title}</A></li>
                    }).collect_view()}
                </ul>
            </section>
        }.into_any())}
        {view! { <section>
            <h2>{t!(i18n, requests.my_requests)}</h2>
            {requests.items.is_empty().then(|| view! { <p>{t!(i18n, requests.none)}</p> })}
            <ul class="cards" role="list">
                {requests.items.into_iter().map(|r| {
                    let href = r.resident_href();
                    view! { <RequestRow request=r href /> }
                }).collect_view()}
            </ul>
            <Pagination page page_count label=t_string!(i18n, requests.pages).to_string()
                href=|n| format!("/mon-espace?page={n}") />
        </section> }.into_any()}
        {(!drafts.is_empty()).then(|| view! {
            <section>
                <h2>{t!(i18n, requests.my_drafts)}</h2>
                <ul class="cards" role="list">
                    {drafts.into_iter().map(|r| {
                        let href = r.resident_href();
                        view! { <RequestRow request=r href /> }
                    }).collect_view()}
                </ul>
            </section>
        }.into_any())}
        {view! { <section>
            <h2>{t!(i18n, requests.my_surveys)}</h2>
            {surveys.is_empty().then(|| view! { <p>{t!(i18n, requests.no_surveys)}</p> })}
            <ul role="list">
                {surveys.into_iter().map(|(id, title, day)| view! {
                    <li><A href=format!("/consultations/{id}")>{title}</A>" "<span class="meta">{day}</span></li>
                }).collect_view()}
            </ul>
        </section> }.into_any()}
        <section>
            <h2>{t!(i18n, requests.my_other)}</h2>
            <ul role="list">
                <li><A href="/mon-espace/moderation">{t!(i18n, requests.my_moderation)}</A></li>
                <li><A href="/mon-espace/donnees">{t!(i18n, requests.my_data)}</A></li>
                <li><A href="/mon-compte">{t!(i18n, nav.account)}</A></li>
            </ul>
        </section>
    }
}
