//! The public directory of facilities (`/equipements`) and a facility's page
//! (`/equipements/:slug`): address, contact, accessibility, weekly hours, closures, and
//! whether it is open now, or at a moment the resident picks.

use super::api::{get_directory, get_facility};
use super::components::{exception_text, kind_text, when_text, OpenLine, WeekTable};
use super::model::FacilityKind;
use super::views::{Directory, FacilityView};
use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{error_text, field_errors, query_value};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The "open at another moment?" form; `action` is the page itself.
#[component]
fn MomentForm(action: String, value: String, error: Option<AppError>) -> impl IntoView {
    let i18n = use_i18n();
    let errors = field_errors(error.as_ref(), "quand");
    let invalid = !errors.is_empty();
    view! {
        <form class="form form--inline" method="get" action=action>
            <div class="field" class:field--error=invalid>
                <label for="quand">{t!(i18n, facilities.at_label)}</label>
                <p class="field__hint" id="quand-aide">{t!(i18n, facilities.at_hint)}</p>
                {invalid.then(|| view! {
                    <p class="field__error" id="quand-erreur">{errors.iter().map(|k| error_text(k)).collect::<Vec<_>>().join(" ")}</p>
                })}
                <input id="quand" name="quand" type="datetime-local" value=value
                    aria-invalid=invalid.then_some("true")
                    aria-describedby=if invalid { "quand-aide quand-erreur" } else { "quand-aide" } />
            </div>
            <button type="submit" class="button button--secondary">{t!(i18n, facilities.check)}</button>
        </form>
    }
}

/// `/equipements`.
#[component]
pub fn DirectoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let at = query_value("quand");
    let data = Resource::new(move || at.get(), get_directory);
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, facilities.title).to_string()) />
        <h1>{t!(i18n, facilities.title)}</h1>
        <p class="lead">{t!(i18n, facilities.intro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(directory) => view! { <DirectoryList directory /> }.into_any(),
                    Err(error @ AppError::Validation(_)) => view! {
                        <MomentForm action="/equipements".into() value=at.get_untracked() error=Some(error) />
                    }
                    .into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DirectoryList(directory: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let Directory {
        facilities,
        at,
        at_day,
        at_time,
    } = directory;
    let moment = (!at.is_empty()).then(|| {
        let when = when_text(&at_day, &at_time);
        view! { <p role="status">{t!(i18n, facilities.state_at, when = move || when.clone())}</p> }
    });
    let query = if at.is_empty() {
        String::new()
    } else {
        format!("?quand={}", crate::ui::encode_query(&at))
    };
    let groups = FacilityKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let mine: Vec<_> = facilities.iter().filter(|f| f.kind == kind).cloned().collect();
            (!mine.is_empty()).then(|| {
                let query = query.clone();
                view! {
                    <section>
                        <h2>{kind_text(kind)}</h2>
                        <ul class="cards" role="list">
                            {mine.into_iter().map(|f| view! {
                                <li class="card">
                                    <h3><A href=format!("/equipements/{}{}", f.slug, query)>{f.name}</A></h3>
                                    <p>{f.address}</p>
                                    <OpenLine state=f.state />
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })
        })
        .collect_view();
    view! {
        <MomentForm action="/equipements".into() value=at.clone() error=None />
        {moment}
        {facilities.is_empty().then(|| view! { <p>{t!(i18n, facilities.none)}</p> })}
        {groups}
    }
}

/// `/equipements/:slug`.
#[component]
pub fn FacilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = Signal::derive(move || params.with(|p| p.get("slug").unwrap_or_default()));
    let at = query_value("quand");
    let data = Resource::new(
        move || (slug.get(), at.get()),
        |(slug, at)| get_facility(slug, at),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(facility) => view! { <FacilityDetails facility at=at.get_untracked() /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, facilities.title).to_string()) />
                        <h1>{t!(i18n, facilities.title)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FacilityDetails(facility: FacilityView, at: String) -> impl IntoView {
    let i18n = use_i18n();
    let f = facility;
    let title = f.name.clone();
    let rows = [
        (
            t_string!(i18n, facilities.address).to_string(),
            f.address.clone(),
        ),
        (
            t_string!(i18n, facilities.phone).to_string(),
            f.phone.clone(),
        ),
        (
            t_string!(i18n, facilities.email).to_string(),
            f.email.clone(),
        ),
        (
            t_string!(i18n, facilities.accessibility).to_string(),
            f.accessibility.clone(),
        ),
    ];
    let parts = [
        view! {
            <PageTitle text=Signal::derive(move || title.clone()) />
            <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
                <A href="/equipements">{t!(i18n, facilities.title)}</A>" › "{kind_text(f.kind)}
            </nav>
            <h1>{f.name.clone()}</h1>
            <OpenLine state=f.state.clone() />
            {(!f.description.is_empty()).then(|| view! { <p class="lead prewrap">{f.description.clone()}</p> })}
        }
        .into_any(),
        view! {
            <dl class="facts">
                {rows.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| view! {
                    <div><dt>{k}</dt><dd class="prewrap">{v}</dd></div>
                }).collect_view()}
            </dl>
            <WeekTable week=f.week.clone() caption=t_string!(i18n, facilities.hours).to_string() />
        }
        .into_any(),
        view! {
            {(!f.exceptions.is_empty()).then(|| view! {
                <h2>{t!(i18n, facilities.exceptions)}</h2>
                <ul>{f.exceptions.iter().map(|e| view! { <li>{exception_text(e)}</li> }).collect_view()}</ul>
            })}
            <MomentForm action=format!("/equipements/{}", f.slug) value=at error=None />
        }
        .into_any(),
    ];
    parts.into_iter().collect_view()
}
