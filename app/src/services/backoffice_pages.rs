//! The agents' back office: their services (`/guichet`), a service's queue with filters
//! (`/guichet/:service`), its statistics, and a request filed for a resident at the
//! counter, by phone or by mail (`/guichet/:service/nouvelle`).

use super::api::{get_queue, get_stats, my_services, StartCounterRequest};
use super::components::{channel_text, status_text, StatusBadge};
use super::model::{Channel, Status};
use super::views::{Durations, Queue, QueueFilter, Stats};
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::encode_query;
use crate::ui::form::{
    errors_of, query_value, title_with_error, typed, use_form_error, use_typed_values, Field,
    FormAlert, SelectField,
};
use crate::ui::time::{Moment, Style};
use crate::ui::{PageTitle, Pagination};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn service_id() -> Signal<i64> {
    let params = use_params_map();
    Signal::derive(move || {
        params.with(|p| p.get("service").and_then(|v| v.parse().ok()).unwrap_or(0))
    })
}

/// `/guichet`: the services the agent works on.
#[component]
pub fn BackOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let services = Resource::new(|| (), |()| my_services());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, backoffice.title).to_string()) />
        <h1>{t!(i18n, backoffice.title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match services.await {
                    Ok(list) if list.is_empty() => view! { <p>{t!(i18n, backoffice.no_service)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards" role="list">
                            {list.into_iter().map(|s| view! {
                                <li class="card">
                                    <h2><A href=format!("/guichet/{}", s.id)>{s.title}</A></h2>
                                    <p>
                                        <A href=format!("/guichet/{}/statistiques", s.id)>{t!(i18n, backoffice.stats)}</A>" · "
                                        <A href=format!("/guichet/{}/nouvelle", s.id)>{t!(i18n, backoffice.counter)}</A>
                                    </p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
        <crate::appointments::desk_pages::DeskAgendas />
    }
}

/// The queue's filters as read from the address.
fn filter_from_query() -> Signal<(QueueFilter, u32)> {
    let (status, assignee, older, search, sort, page) = (
        query_value("statut"),
        query_value("agent"),
        query_value("anciennete"),
        query_value("q"),
        query_value("tri"),
        query_value("page"),
    );
    Signal::derive(move || {
        (
            QueueFilter {
                status: status.get(),
                assignee: assignee.get(),
                older_than_days: older.get().parse().ok(),
                search: search.get(),
                sort: sort.get(),
            },
            page.get().parse().unwrap_or(1),
        )
    })
}

/// The query string of a filter (empty values left out).
fn filter_query(filter: &QueueFilter) -> String {
    let mut pairs = Vec::new();
    for (name, value) in [
        ("statut", filter.status.clone()),
        ("agent", filter.assignee.clone()),
        (
            "anciennete",
            filter
                .older_than_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        ("q", filter.search.clone()),
        ("tri", filter.sort.clone()),
    ] {
        if !value.is_empty() {
            pairs.push(format!("{name}={}", encode_query(&value)));
        }
    }
    pairs.join("&")
}

/// `/guichet/:service`: the queue.
#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = service_id();
    let filter = filter_from_query();
    let queue = Resource::new(
        move || (id.get(), filter.get()),
        |(id, (filter, page))| get_queue(id, filter, page),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(queue) => view! { <QueueView queue filter=filter.get_untracked().0 /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, backoffice.queue).to_string()) />
                        <h1>{t!(i18n, backoffice.queue)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueView(queue: Queue, filter: QueueFilter) -> impl IntoView {
    let i18n = use_i18n();
    let Queue {
        service,
        requests,
        team,
    } = queue;
    let title = format!("{} – {}", t_string!(i18n, backoffice.queue), service.title);
    let page_title = title.clone();
    let sid = service.id;
    let mut statuses: Vec<(String, String)> = vec![
        (
            "open".into(),
            t_string!(i18n, backoffice.status_open).to_string(),
        ),
        (
            "all".into(),
            t_string!(i18n, backoffice.status_all).to_string(),
        ),
    ];
    statuses.extend(
        Status::ALL
            .into_iter()
            .filter(|s| *s != Status::Draft)
            .map(|s| (s.as_str().to_owned(), status_text(s))),
    );
    let mut agents: Vec<(String, String)> = vec![
        (
            "me".into(),
            t_string!(i18n, backoffice.assigned_me).to_string(),
        ),
        (
            "none".into(),
            t_string!(i18n, backoffice.unassigned).to_string(),
        ),
    ];
    agents.extend(team.iter().map(|p| (p.id.to_string(), p.name.clone())));
    let query = filter_query(&filter);
    let csv = format!("/guichet/{sid}/export.csv?{}", query);
    let (page, page_count, total) = (requests.page, requests.page_count, requests.total);
    let link_query = query.clone();
    let select = |name: &'static str,
                  id: &'static str,
                  label: String,
                  options: Vec<(String, String)>,
                  current: String,
                  any: String| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id name=name>
                    <option value="">{any}</option>
                    {options.into_iter().map(|(v, text)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let ages: Vec<(String, String)> = vec![
        (
            "2".into(),
            t_string!(i18n, backoffice.older_than_2).to_string(),
        ),
        (
            "7".into(),
            t_string!(i18n, backoffice.older_than_7).to_string(),
        ),
        (
            "30".into(),
            t_string!(i18n, backoffice.older_than_30).to_string(),
        ),
    ];
    let sorts = vec![(
        "newest".to_owned(),
        t_string!(i18n, backoffice.sort_newest).to_string(),
    )];
    let empty = requests.items.is_empty();
    let parts = [
        view! {
        <PageTitle text=Signal::derive(move || page_title.clone()) />
        <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
            <A href="/guichet">{t!(i18n, backoffice.title)}</A>
        </nav>
        <h1>{title}</h1>
        <p>
            <A href=format!("/guichet/{sid}/nouvelle") attr:class="button">{t!(i18n, backoffice.counter)}</A>" "
            <A href=format!("/guichet/{sid}/statistiques")>{t!(i18n, backoffice.stats)}</A>" · "
            <a href=csv download>{t!(i18n, backoffice.export)}</a>
        </p>
        }
        .into_any(),
        view! {
        <form class="form filters" method="get" action=format!("/guichet/{sid}") role="search">
            {select("statut", "filtre-statut", t_string!(i18n, requests.status).to_string(), statuses,
                filter.status.clone(), t_string!(i18n, backoffice.status_open).to_string())}
            {select("agent", "filtre-agent", t_string!(i18n, backoffice.assignee).to_string(), agents,
                filter.assignee.clone(), t_string!(i18n, backoffice.anyone).to_string())}
            {select("anciennete", "filtre-anciennete", t_string!(i18n, backoffice.age).to_string(), ages,
                filter.older_than_days.map(|d| d.to_string()).unwrap_or_default(), t_string!(i18n, backoffice.any_age).to_string())}
            {select("tri", "filtre-tri", t_string!(i18n, backoffice.sort).to_string(), sorts,
                filter.sort.clone(), t_string!(i18n, backoffice.sort_oldest).to_string())}
            <div class="field">
                <label for="filtre-q">{t!(i18n, backoffice.search)}</label>
                <input id="filtre-q" name="q" type="search" value=filter.search.clone() />
            </div>
            <button type="submit" class="button">{t!(i18n, backoffice.filter)}</button>
        </form>
        }
        .into_any(),
        view! {
        <p role="status">{t!(i18n, backoffice.count, count = move || total)}</p>
        {empty.then(|| view! {
            <p class="empty-state">{t!(i18n, backoffice.queue_empty)}" "
                <A href=format!("/guichet/{sid}")>{t!(i18n, backoffice.queue_all)}</A></p>
        })}
        <div class="table-wrap" hidden=empty>
            <table class="table">
                <caption class="visually-hidden">{t!(i18n, backoffice.queue)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, backoffice.reference)}</th>
                        <th scope="col">{t!(i18n, backoffice.resident)}</th>
                        <th scope="col">{t!(i18n, requests.status)}</th>
                        <th scope="col">{t!(i18n, backoffice.submitted)}</th>
                        <th scope="col">{t!(i18n, backoffice.assignee)}</th>
                        <th scope="col">{t!(i18n, backoffice.channel)}</th>
                    </tr>
                </thead>
                <tbody>
                    {requests.items.into_iter().map(|r| view! {
                        <tr>
                            <td><A href=format!("/guichet/demandes/{}", r.id)>{r.reference.clone().unwrap_or_default()}</A></td>
                            <td>{r.resident}</td>
                            <td><StatusBadge status=r.status /></td>
                            <td>{r.submitted_at.map(|at| view! { <Moment at_ms=at style=Style::Full /> })}</td>
                            <td>{r.assignee.unwrap_or_default()}</td>
                            <td>{channel_text(r.channel)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pagination page page_count label=t_string!(i18n, requests.pages).to_string()
            href=move |n| format!("/guichet/{sid}?{link_query}&page={n}") />
        }
        .into_any(),
    ];
    parts.into_iter().collect_view()
}

/// `/guichet/:service/statistiques`.
#[component]
pub fn StatsPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = service_id();
    let stats = Resource::new(move || id.get(), get_stats);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match stats.await {
                    Ok(stats) => view! { <StatsView stats /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, backoffice.stats).to_string()) />
                        <h1>{t!(i18n, backoffice.stats)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

fn hours_text(hours: Option<i64>) -> AnyView {
    let i18n = use_i18n();
    match hours {
        None => "–".into_any(),
        Some(h) if h < 48 => view! { {t!(i18n, backoffice.hours, count = move || h)} }.into_any(),
        Some(h) => view! { {t!(i18n, backoffice.days, count = move || h / 24)} }.into_any(),
    }
}

#[component]
fn DurationsRow(d: Durations, header: String) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{header}</th>
            <td>{d.submitted}</td>
            <td>{d.decided}</td>
            <td>{hours_text(d.median_hours)}</td>
            <td>{hours_text(d.p90_hours)}</td>
        </tr>
    }
}

#[component]
fn StatsView(stats: Stats) -> impl IntoView {
    let i18n = use_i18n();
    let Stats {
        service,
        by_status,
        overall,
        months,
    } = stats;
    let title = format!("{} – {}", t_string!(i18n, backoffice.stats), service.title);
    let page_title = title.clone();
    view! {
        <PageTitle text=Signal::derive(move || page_title.clone()) />
        <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
            <A href="/guichet">{t!(i18n, backoffice.title)}</A>" › "
            <A href=format!("/guichet/{}", service.id)>{t!(i18n, backoffice.queue)}</A>
        </nav>
        <h1>{title}</h1>
        <h2>{t!(i18n, backoffice.by_status)}</h2>
        <table class="table">
            <caption class="visually-hidden">{t!(i18n, backoffice.by_status)}</caption>
            <thead><tr><th scope="col">{t!(i18n, requests.status)}</th><th scope="col">{t!(i18n, backoffice.requests)}</th></tr></thead>
            <tbody>
                {by_status.into_iter().map(|(s, n)| view! { <tr><th scope="row">{status_text(s)}</th><td>{n}</td></tr> }).collect_view()}
            </tbody>
        </table>
        <h2>{t!(i18n, backoffice.times)}</h2>
        <p class="field__hint">{t!(i18n, backoffice.times_help)}</p>
        <table class="table">
            <caption class="visually-hidden">{t!(i18n, backoffice.times)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, backoffice.month)}</th>
                    <th scope="col">{t!(i18n, backoffice.submitted_count)}</th>
                    <th scope="col">{t!(i18n, backoffice.decided_count)}</th>
                    <th scope="col">{t!(i18n, backoffice.median)}</th>
                    <th scope="col">{t!(i18n, backoffice.p90)}</th>
                </tr>
            </thead>
            <tbody>
                <DurationsRow d=overall header=t_string!(i18n, backoffice.twelve_months).to_string() />
                {months.into_iter().map(|m| {
                    let header = m.month.clone();
                    view! { <DurationsRow d=m header /> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/guichet/:service/nouvelle`: who the request is for and how it came.
#[component]
pub fn CounterPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = service_id();
    let error = use_form_error(StartCounterRequest::url());
    let values = use_typed_values("start_counter_request", error);
    let title = title_with_error(error, move || {
        t_string!(i18n, backoffice.counter).to_string()
    });
    let channels: Vec<(String, String)> = Channel::ALL
        .into_iter()
        .filter(|c| *c != Channel::Web)
        .map(|c| (c.as_str().to_owned(), channel_text(c)))
        .collect();
    view! {
        <PageTitle text=title />
        <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
            <A href="/guichet">{t!(i18n, backoffice.title)}</A>" › "
            <A href=move || format!("/guichet/{}", id.get())>{t!(i18n, backoffice.queue)}</A>
        </nav>
        <h1>{t!(i18n, backoffice.counter)}</h1>
        <p class="lead">{t!(i18n, backoffice.counter_help)}</p>
        <FormAlert error fields=&["channel", "email", "name", "phone"] />
        <form class="form" method="post" action=StartCounterRequest::url() novalidate>
            <crate::ui::form::OnceField />
            <input type="hidden" name="service_id" value=move || id.get() />
            <SelectField name="channel" label=Signal::derive(move || t_string!(i18n, backoffice.channel).to_string())
                options=channels placeholder=Signal::derive(move || t_string!(i18n, backoffice.choose).to_string())
                value=typed(values, "channel") errors=errors_of(error, "channel") />
            <Field name="email" input_type="email" autocomplete="off" required=false
                label=Signal::derive(move || t_string!(i18n, backoffice.resident_email).to_string())
                hint=Signal::derive(move || t_string!(i18n, backoffice.resident_email_hint).to_string())
                value=typed(values, "email") errors=errors_of(error, "email") />
            <Field name="name" autocomplete="off" required=false
                label=Signal::derive(move || t_string!(i18n, backoffice.resident_name).to_string())
                value=typed(values, "name") errors=errors_of(error, "name") />
            <Field name="phone" input_type="tel" autocomplete="off" required=false
                label=Signal::derive(move || t_string!(i18n, backoffice.resident_phone).to_string())
                value=typed(values, "phone") errors=errors_of(error, "phone") />
            <button type="submit" class="button">{t!(i18n, backoffice.counter_start)}</button>
        </form>
    }
}
