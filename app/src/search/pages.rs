//! `/recherche`: the results of the site search, grouped by kind.

use super::api::site_search;
use super::model::{Group, Hit, Kind, Results, When};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::query_value;
use crate::ui::layout::SearchForm;
use crate::ui::time::{moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

/// The heading of a kind's group.
fn kind_text(kind: Kind, count: i64) -> String {
    let i18n = use_i18n();
    match kind {
        Kind::Service => t_string!(i18n, search.kind_services, count = count),
        Kind::Facility => t_string!(i18n, search.kind_facilities, count = count),
        Kind::Consultation => t_string!(i18n, search.kind_consultations, count = count),
        Kind::Proposal => t_string!(i18n, search.kind_proposals, count = count),
        Kind::Page => t_string!(i18n, search.kind_pages, count = count),
    }
    .to_string()
}

/// `/recherche?q=`.
#[component]
pub fn SearchPage() -> impl IntoView {
    let q = query_value("q");
    let results = Resource::new(move || q.get(), site_search);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(results) => view! { <SearchView results /> }.into_any(),
                    Err(error) => {
                        let i18n = use_i18n();
                        let text = crate::ui::form::form_error_text(&error, &[]).unwrap_or_default();
                        view! {
                            <PageTitle text=Signal::derive(move || t_string!(i18n, search.title).to_string()) />
                            <h1>{t!(i18n, search.title)}</h1>
                            <div class="alert alert--error" role="alert"><p>{text}</p></div>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SearchView(results: Results) -> impl IntoView {
    let i18n = use_i18n();
    let total = results.total();
    let typed = results.query.clone();
    let title_query = typed.clone();
    let title = Signal::derive(move || {
        if title_query.is_empty() {
            t_string!(i18n, search.title).to_string()
        } else if total == 0 {
            t_string!(i18n, search.title_none, query = title_query.clone()).to_string()
        } else {
            t_string!(
                i18n,
                search.title_with,
                query = title_query.clone(),
                count = total
            )
            .to_string()
        }
    });
    let searched = !typed.is_empty();
    let summary_query = typed.clone();
    let corrected = results.corrected.clone();
    let nav = (results.groups.len() > 1).then(|| {
        let links = results
            .groups
            .iter()
            .map(|g| {
                let href = format!("#{}", g.kind.anchor());
                view! { <li><a href=href rel="external">{kind_text(g.kind, g.total)}</a></li> }
            })
            .collect_view();
        view! {
            <nav class="search-kinds" aria-label=move || t_string!(i18n, search.kinds_label).to_string()>
                <ul role="list">{links}</ul>
            </nav>
        }
    });
    let groups = results
        .groups
        .into_iter()
        .map(|group| view! { <ResultGroup group /> })
        .collect_view();
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, search.title)}</h1>
        <SearchForm id="recherche-q" value=typed.clone()
            label=Signal::derive(move || t_string!(i18n, search.label).to_string()) />
        {searched.then(move || {
            let query = summary_query.clone();
            view! {
                <p role="status" class="search-summary">
                    {match corrected.clone() {
                        Some(better) => t!(
                            i18n,
                            search.found_instead,
                            count = move || total,
                            query = move || query.clone(),
                            better = move || better.clone()
                        )
                        .into_any(),
                        None if total == 0 => t!(i18n, search.found_none, query = move || query.clone()).into_any(),
                        None => t!(i18n, search.found, count = move || total, query = move || query.clone()).into_any(),
                    }}
                </p>
            }
        })}
        {(searched && total == 0).then(|| view! { <NothingFound /> })}
        {(!searched).then(|| view! { <p>{t!(i18n, search.empty_query)}</p> })}
        {nav}
        {groups}
    }
}

/// What to try when a search finds nothing.
#[component]
fn NothingFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="empty-state">
            <p>{t!(i18n, search.none_hint)}</p>
            <ul>
                <li><A href="/demarches">{t!(i18n, search.browse_services)}</A></li>
                <li><A href="/equipements">{t!(i18n, search.browse_facilities)}</A></li>
                <li><A href="/forum">{t!(i18n, search.browse_forum)}</A></li>
                <li><A href="/contact-dpo">{t!(i18n, search.browse_contact)}</A></li>
            </ul>
        </div>
    }
}

#[component]
fn ResultGroup(group: Group) -> impl IntoView {
    let i18n = use_i18n();
    let heading = kind_text(group.kind, group.total);
    let shown = group.hits.len();
    let more = group.more_href.map(|href| {
        let total = group.total;
        view! {
            <p class="search-group__more">
                <A href=href>{t!(i18n, search.see_all, count = move || total)}</A>
            </p>
        }
    });
    view! {
        <section class="search-group" id=group.kind.anchor() aria-labelledby=format!("{}-titre", group.kind.anchor())>
            <h2 id=format!("{}-titre", group.kind.anchor())>{heading}</h2>
            <ul class="search-hits" role="list">
                {group.hits.into_iter().map(|hit| view! { <ResultHit hit /> }).collect_view()}
            </ul>
            {(shown > 0).then_some(more)}
        </section>
    }
}

#[component]
fn ResultHit(hit: Hit) -> impl IntoView {
    let i18n = use_i18n();
    let when = hit.when.map(|when| match when {
        When::Closes(at) => {
            t!(i18n, search.closes, date = move || moment(at, Style::Day)).into_any()
        }
        When::Opens(at) => t!(i18n, search.opens, date = move || moment(at, Style::Day)).into_any(),
        When::Closed(at) => {
            t!(i18n, search.closed, date = move || moment(at, Style::Day)).into_any()
        }
        When::Published(at) => t!(
            i18n,
            search.published,
            date = move || moment(at, Style::Day)
        )
        .into_any(),
    });
    view! {
        <li class="search-hit">
            <h3 class="search-hit__title"><A href=hit.href>{hit.title}</A></h3>
            {(!hit.text.is_empty()).then(|| view! { <p class="search-hit__text">{hit.text}</p> })}
            {when.map(|w| view! { <p class="meta">{w}</p> })}
        </li>
    }
}
