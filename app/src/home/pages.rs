//! `/`: the home page (see the module's documentation).

use super::api::get_home;
use super::model::{AnsweredProposal, ForYou, Home, OpenConsultation, Place, Town, TownHall};
use crate::appointments::components::{OpenLine, WeekTable};
use crate::i18n::{t, t_string, use_i18n};
use crate::notifications::components::NotificationItem;
use crate::services::components::RequestRow;
use crate::site::{with_site, SiteInfo};
use crate::ui::time::{moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let home = OnceResource::new(get_home());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, nav.home).to_string()) />
        {with_site(move |site: SiteInfo| {
            let commune = site.commune_name;
            view! { <h1>{t!(i18n, home.title, commune = move || commune.clone())}</h1> }
        })}
        <p class="lead">{t!(i18n, home.intro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(Home { for_you, town }) => view! {
                        {for_you.map(|for_you| view! { <ForYouView for_you /> })}
                        <TownView town />
                    }
                    .into_any(),
                    // The rest of the site still works: offer it rather than an error.
                    Err(_) => view! {
                        <div class="alert alert--error" role="alert"><p>{t!(i18n, home.unavailable)}</p></div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
        <section aria-labelledby="tout-le-portail">
            <h2 id="tout-le-portail">{t!(i18n, home.everything)}</h2>
            <ul class="cards" role="list">
                <li class="card">
                    <h3><A href="/demarches">{t!(i18n, home.services_title)}</A></h3>
                    <p>{t!(i18n, home.services_text)}</p>
                </li>
                <li class="card">
                    <h3><A href="/forum">{t!(i18n, home.forum_title)}</A></h3>
                    <p>{t!(i18n, home.forum_text)}</p>
                </li>
                <li class="card">
                    <h3><A href="/consultations">{t!(i18n, home.surveys_title)}</A></h3>
                    <p>{t!(i18n, home.surveys_text)}</p>
                </li>
                <li class="card">
                    <h3><A href="/mon-espace">{t!(i18n, home.space_title)}</A></h3>
                    <p>{t!(i18n, home.space_text)}</p>
                </li>
            </ul>
        </section>
    }
}

/// The signed-in person's own business, first.
#[component]
fn ForYouView(for_you: ForYou) -> impl IntoView {
    let i18n = use_i18n();
    let ForYou {
        name,
        waiting,
        waiting_total,
        unread_messages,
        next_appointment,
        news,
        unread_notifications,
        work,
    } = for_you;
    let nothing = waiting_total == 0;
    view! {
        <section class="for-you" aria-labelledby="pour-vous">
            <h2 id="pour-vous">{t!(i18n, home.for_you, name = move || name.clone())}</h2>
            <ul class="summary" role="list">
                <li><A href="/mon-espace">{t!(i18n, home.waiting, count = move || waiting_total)}</A></li>
                <li><A href="/mon-espace">{t!(i18n, requests.unread_total, count = move || unread_messages)}</A></li>
                <li><A href="/notifications">{t!(i18n, requests.news, count = move || unread_notifications)}</A></li>
            </ul>
            {nothing.then(|| view! {
                <p class="empty-state">{t!(i18n, home.nothing_waiting)}" "<A href="/demarches">{t!(i18n, requests.new_request)}</A></p>
            })}
            {(!waiting.is_empty()).then(|| view! {
                <h3>{t!(i18n, home.waiting_title)}</h3>
                <ul class="cards cards--list" role="list">
                    {waiting.into_iter().map(|r| {
                        let href = r.resident_href();
                        view! { <RequestRow request=r href /> }
                    }).collect_view()}
                </ul>
            })}
            <h3>{t!(i18n, home.next_appointment)}</h3>
            {match next_appointment {
                Some(a) => {
                    let href = format!("/mon-espace/rendez-vous/{}", a.id);
                    let (agenda, place) = (a.agenda_name, a.place);
                    view! {
                        <p>
                            <A href=href>{agenda}</A>" · "{moment(a.starts_at_ms, Style::Full)}
                            {(!place.is_empty()).then(|| view! { " · "{place.clone()} })}
                        </p>
                    }
                    .into_any()
                }
                None => view! {
                    <p>{t!(i18n, home.no_appointment)}" "<A href="/rendez-vous">{t!(i18n, home.book)}</A></p>
                }
                .into_any(),
            }}
            {(!news.is_empty()).then(|| view! {
                <h3>{t!(i18n, home.news)}</h3>
                <ul class="notifications" role="list">
                    {news.into_iter().map(|n| view! { <li><NotificationItem notification=n /></li> }).collect_view()}
                </ul>
            })}
            {(!work.is_empty()).then(|| view! {
                <h3>{t!(i18n, requests.my_work)}</h3>
                <ul role="list">
                    {work.into_iter().map(|s| view! {
                        <li><A href=format!("/guichet/{}", s.id)>{s.title}</A></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}

/// The town now, for everyone.
#[component]
fn TownView(town: Town) -> impl IntoView {
    let i18n = use_i18n();
    let Town {
        consultations,
        answered,
        open_now,
        later_today,
        closed_today,
        facilities,
        services,
        town_hall,
    } = town;
    view! {
        <section aria-labelledby="en-ce-moment">
            <h2 id="en-ce-moment">{t!(i18n, home.now)}</h2>
            <div class="home-grid">
                <Consultations consultations />
                <Answers answered />
                {(facilities > 0).then(|| view! { <Places open_now later_today closed_today /> })}
            </div>
        </section>
        <section aria-labelledby="demarches-demandees">
            <h2 id="demarches-demandees">{t!(i18n, home.services)}</h2>
            {services.is_empty().then(|| view! { <p class="empty-state">{t!(i18n, home.no_services)}</p> })}
            <ul class="cards" role="list">
                {services.into_iter().map(|s| view! {
                    <li class="card">
                        <h3><A href=format!("/demarches/{}", s.slug)>{s.title}</A></h3>
                        <p>{s.summary}</p>
                    </li>
                }).collect_view()}
            </ul>
            <p><A href="/demarches">{t!(i18n, home.all_services)}</A></p>
        </section>
        <Contact town_hall />
    }
    .into_any()
}

#[component]
fn Consultations(consultations: Vec<OpenConsultation>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="home-block">
            <h3>{t!(i18n, home.consultations)}</h3>
            {consultations.is_empty().then(|| view! { <p class="empty-state">{t!(i18n, home.no_consultations)}</p> })}
            <ul role="list">
                {consultations.into_iter().map(|c| {
                    let closes = c.closes_at_ms;
                    view! {
                        <li>
                            <A href=format!("/consultations/{}", c.id)>{c.title}</A>
                            <span class="meta">" · "{t!(i18n, home.closes, when = move || moment(closes, Style::Full))}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p><A href="/consultations">{t!(i18n, home.all_consultations)}</A></p>
        </div>
    }
    .into_any()
}

#[component]
fn Answers(answered: Vec<AnsweredProposal>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <div class="home-block">
            <h3>{t!(i18n, home.answers)}</h3>
            {answered.is_empty().then(|| view! { <p class="empty-state">{t!(i18n, home.no_answers)}</p> })}
            <ul role="list">
                {answered.into_iter().map(|p| {
                    let at = p.answered_at_ms;
                    view! {
                        <li>
                            <A href=format!("/forum/propositions/{}#reponse", p.id)>{p.title}</A>
                            <span class="meta">" · "{p.status.words(locale)}" · "
                                {t!(i18n, home.answered, when = move || moment(at, Style::Phrase))}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p><A href="/forum?tri=repondues">{t!(i18n, home.all_answers)}</A></p>
        </div>
    }
    .into_any()
}

#[component]
fn Places(
    open_now: Vec<Place>,
    later_today: Vec<Place>,
    closed_today: Vec<Place>,
) -> impl IntoView {
    let i18n = use_i18n();
    let group = |title: String, places: Vec<Place>| {
        (!places.is_empty()).then(|| view! {
            <h4>{title}</h4>
            <ul role="list" class="places">
                {places.into_iter().map(|p| view! {
                    <li><A href=format!("/equipements/{}", p.slug)>{p.name}</A><OpenLine state=p.state /></li>
                }).collect_view()}
            </ul>
        })
    };
    view! {
        <div class="home-block">
            <h3>{t!(i18n, home.places)}</h3>
            {group(t_string!(i18n, home.open_now).to_string(), open_now)}
            {group(t_string!(i18n, home.later_today).to_string(), later_today)}
            {group(t_string!(i18n, home.closed_today).to_string(), closed_today)}
            <p><A href="/equipements">{t!(i18n, home.all_places)}</A></p>
        </div>
    }
    .into_any()
}

/// How to reach the town hall: the commune's contact, and the town hall's hours when the
/// directory lists it.
#[component]
fn Contact(town_hall: Option<TownHall>) -> impl IntoView {
    let i18n = use_i18n();
    with_site(move |site: SiteInfo| {
        let town_hall = town_hall.clone();
        let phone_href = format!("tel:{}", site.phone.replace(' ', ""));
        let mail_href = format!("mailto:{}", site.contact_email);
        view! {
            <section aria-labelledby="contacter-la-mairie" class="contact">
                <h2 id="contacter-la-mairie">{t!(i18n, home.contact)}</h2>
                <dl class="facts">
                    <div><dt>{t!(i18n, facilities.address)}</dt><dd>{site.address.clone()}</dd></div>
                    <div><dt>{t!(i18n, facilities.phone)}</dt><dd><a href=phone_href>{site.phone.clone()}</a></dd></div>
                    <div><dt>{t!(i18n, facilities.email)}</dt><dd><a href=mail_href>{site.contact_email.clone()}</a></dd></div>
                </dl>
                {town_hall.map(|hall| view! {
                    <OpenLine state=hall.state />
                    <WeekTable week=hall.week caption=t_string!(i18n, home.hours).to_string() />
                    <p><A href=format!("/equipements/{}", hall.slug)>{t!(i18n, home.hall_page)}</A></p>
                })}
            </section>
        }
        .into_any()
    })
}
