//! Residents' pages: the agendas (`/rendez-vous`), an agenda's days (`/rendez-vous/:slug`),
//! and a day's slots (`/rendez-vous/:slug/:day`); a resident's own appointments are in
//! `my_pages`. Plain links and forms: no calendar widget, nothing that needs JavaScript.

use super::api::{
    get_day, get_days, list_agendas, BookAppointment, JoinWaitingList, LeaveWaitingList,
    MoveAppointment,
};
use super::components::{clock, day_text, when_text, WeekTable};
use super::views::{DayPage, DaysPage, Moving};
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    error_text, errors_of, query_value, title_failed_when, use_form_error, FormAlert,
};
use crate::ui::{encode_query, PageTitle};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

pub(super) fn param(name: &'static str) -> Signal<String> {
    let params = use_params_map();
    Signal::derive(move || params.with(|p| p.get(name).unwrap_or_default()))
}

/// `?deplacer=…&cle=…` carried from page to page while moving an appointment.
fn moving_query(moving: &Option<Moving>) -> String {
    moving
        .as_ref()
        .map(|m| format!("?deplacer={}&cle={}", m.id, encode_query(&m.key)))
        .unwrap_or_default()
}

/// `/rendez-vous`.
#[component]
pub fn AgendasPage() -> impl IntoView {
    let i18n = use_i18n();
    let agendas = Resource::new(|| (), |()| list_agendas());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, appointments.title).to_string()) />
        <h1>{t!(i18n, appointments.title)}</h1>
        <p class="lead">{t!(i18n, appointments.intro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match agendas.await {
                    Ok(list) if list.is_empty() => view! { <p>{t!(i18n, appointments.no_agenda)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards" role="list">
                            {list.into_iter().map(|a| view! {
                                <li class="card">
                                    <h2><A href=format!("/rendez-vous/{}", a.slug)>{a.name}</A></h2>
                                    <p class="meta">{a.service_title}</p>
                                    <p>{a.place}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The banner of a move under way.
#[component]
fn MovingBanner(moving: Option<Moving>) -> impl IntoView {
    let i18n = use_i18n();
    moving.map(|m| {
        let when = when_text(&m.when, &m.time);
        view! {
            <div class="alert alert--info"><p>{t!(i18n, appointments.moving, when = move || when.clone())}</p></div>
        }
    })
}

/// `/rendez-vous/:slug`: the bookable days, two weeks a page.
#[component]
pub fn AgendaPage() -> impl IntoView {
    let i18n = use_i18n();
    let slug = param("slug");
    let (from, moving, key) = (
        query_value("a_partir"),
        query_value("deplacer"),
        query_value("cle"),
    );
    let data = Resource::new(
        move || {
            (
                slug.get(),
                from.get(),
                moving.get().parse::<i64>().unwrap_or(0),
                key.get(),
            )
        },
        |(slug, from, moving, key)| get_days(slug, from, moving, key),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <AgendaDays page /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, appointments.title).to_string()) />
                        <h1>{t!(i18n, appointments.title)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AgendaDays(page: DaysPage) -> impl IntoView {
    let i18n = use_i18n();
    let DaysPage {
        agenda,
        days,
        next_from,
        previous_from,
        moving,
    } = page;
    let title = agenda.name.clone();
    let query = moving_query(&moving);
    let slug = agenda.slug.clone();
    let page_link = move |from: String| {
        let extra = query.replacen('?', "&", 1);
        format!("/rendez-vous/{slug}?a_partir={from}{extra}")
    };
    let day_query = moving_query(&moving);
    let day_links = days
        .into_iter()
        .map(|d| {
            let href = format!("/rendez-vous/{}/{}{}", agenda.slug, d.day.iso, day_query);
            let label = day_text(&d.day);
            let free = d.free_slots;
            let class = if free > 0 { "day" } else { "day day--full" };
            view! {
                <li class=class>
                    <A href=href>{label}</A>" – "
                    {if free > 0 {
                        t!(i18n, appointments.free_slots, count = move || free).into_any()
                    } else {
                        t!(i18n, appointments.day_full).into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    let nav = [
        previous_from.map(|from| {
            view! { <A href=page_link(from)>{t!(i18n, appointments.earlier_days)}</A> }.into_any()
        }),
        next_from.map(|from| {
            view! { <A href=page_link(from)>{t!(i18n, appointments.later_days)}</A> }.into_any()
        }),
    ];
    let parts = [
        view! {
            <PageTitle text=Signal::derive(move || title.clone()) />
            <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
                <A href="/rendez-vous">{t!(i18n, appointments.title)}</A>
            </nav>
            <h1>{agenda.name.clone()}</h1>
            <MovingBanner moving=moving.clone() />
            <p class="meta">{agenda.service_title.clone()}</p>
        }
        .into_any(),
        view! { <AgendaFacts place=agenda.place.clone() instructions=agenda.instructions.clone() slot_minutes=agenda.slot_minutes /> }.into_any(),
        view! {
            <h2 id="jours">{t!(i18n, appointments.choose_day)}</h2>
            <ul class="days" role="list" aria-labelledby="jours">{day_links}</ul>
            <nav class="pagination" aria-label=t_string!(i18n, appointments.days_nav).to_string()>{nav.into_iter().flatten().collect_view()}</nav>
        }
        .into_any(),
        view! {
            <WeekTable week=agenda.week.clone() caption=t_string!(i18n, appointments.usual_hours).to_string() />
            {(!agenda.exceptions.is_empty()).then(|| view! {
                <h2>{t!(i18n, appointments.exceptions)}</h2>
                <ul>{agenda.exceptions.iter().map(|e| view! { <li>{super::components::exception_text(e)}</li> }).collect_view()}</ul>
            })}
        }
        .into_any(),
    ];
    parts.into_iter().collect_view()
}

/// Where it happens and what to bring.
#[component]
fn AgendaFacts(place: String, instructions: String, slot_minutes: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="facts">
            {(!place.is_empty()).then(|| view! { <div><dt>{t!(i18n, appointments.place)}</dt><dd>{place.clone()}</dd></div> })}
            <div><dt>{t!(i18n, appointments.length)}</dt><dd>{t!(i18n, appointments.minutes, count = move || slot_minutes)}</dd></div>
            {(!instructions.is_empty()).then(|| view! { <div><dt>{t!(i18n, appointments.bring)}</dt><dd class="prewrap">{instructions.clone()}</dd></div> })}
        </dl>
    }
}

/// `/rendez-vous/:slug/:day`: the free slots of a day.
#[component]
pub fn AgendaDayPage() -> impl IntoView {
    let i18n = use_i18n();
    let (slug, day) = (param("slug"), param("day"));
    let (moving, key) = (query_value("deplacer"), query_value("cle"));
    let data = Resource::new(
        move || {
            (
                slug.get(),
                day.get(),
                moving.get().parse::<i64>().unwrap_or(0),
                key.get(),
            )
        },
        |(slug, day, moving, key)| get_day(slug, day, moving, key),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <DaySlots page /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, appointments.title).to_string()) />
                        <h1>{t!(i18n, appointments.title)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DaySlots(page: DayPage) -> impl IntoView {
    let i18n = use_i18n();
    let book_error = use_form_error(BookAppointment::url());
    let move_error = use_form_error(MoveAppointment::url());
    let wait_error = use_form_error(JoinWaitingList::url());
    let error = Memo::new(move |_| book_error.get().or(move_error.get()).or(wait_error.get()));
    let waited = query_value("attente");
    let DayPage {
        agenda,
        day,
        slots,
        full_slots,
        waiting,
        next_free,
        moving,
        signed_in,
    } = page;
    let day_label = day_text(&day);
    let title = {
        let (name, day_label) = (agenda.name.clone(), day_label.clone());
        title_failed_when(
            move || error.with(Option::is_some),
            move || format!("{day_label} – {name}"),
        )
    };
    let back = format!("/rendez-vous/{}{}", agenda.slug, moving_query(&moving));
    let slot_form = (!slots.is_empty()).then(|| {
        let on_day = day_label.clone();
        let legend = move || {
            let on_day = on_day.clone();
            t!(i18n, appointments.free_on, day = move || on_day.clone())
        };
        let (action, submit) = if moving.is_some() {
            (MoveAppointment::url(), t_string!(i18n, appointments.move_here).to_string())
        } else {
            (BookAppointment::url(), t_string!(i18n, appointments.book).to_string())
        };
        let errors = errors_of(error, "starts_at");
        let hidden = match &moving {
            Some(m) => view! {
                <input type="hidden" name="id" value=m.id />
                <input type="hidden" name="key" value=m.key.clone() />
            }
            .into_any(),
            None => view! {
                <input type="hidden" name="slug" value=agenda.slug.clone() />
                <crate::ui::form::OnceField />
            }
            .into_any(),
        };
        let can_post = signed_in || moving.as_ref().is_some_and(|m| !m.key.is_empty());
        let choices = slots
            .iter()
            .map(|s| {
                let id = format!("creneau-{}", s.starts_at);
                let free = s.free;
                view! {
                    <div class="choice">
                        <input type="radio" id=id.clone() name="starts_at" value=s.starts_at required=true
                            aria-describedby=move || (!errors.with(Vec::is_empty)).then_some("creneau-erreur") />
                        <label for=id>{clock(&s.time)}" "<span class="meta">{t!(i18n, appointments.places, count = move || free)}</span></label>
                    </div>
                }
            })
            .collect_view();
        if can_post {
            view! {
                <form class="form" method="post" action=action novalidate>
                    {hidden}
                    <fieldset class="field" class:field--error=move || !errors.with(Vec::is_empty)>
                        <legend>{legend()}</legend>
                        {move || {
                            let errs = errors.get();
                            (!errs.is_empty()).then(|| view! {
                                <p class="field__error" id="creneau-erreur">{errs.iter().map(|k| error_text(k)).collect::<Vec<_>>().join(" ")}</p>
                            })
                        }}
                        <div class="slots">{choices}</div>
                    </fieldset>
                    <button type="submit" class="button">{submit}</button>
                </form>
            }
            .into_any()
        } else {
            let href = format!("/connexion?suite=/rendez-vous/{}/{}", agenda.slug, day.iso);
            view! {
                <h2>{legend()}</h2>
                <ul class="slot-list">{slots.iter().map(|s| view! { <li>{clock(&s.time)}</li> }).collect_view()}</ul>
                <p>{t!(i18n, appointments.sign_in_to_book)}</p>
                <p><A href=href attr:class="button">{t!(i18n, nav.sign_in)}</A></p>
            }
            .into_any()
        }
    });
    let full = (!full_slots.is_empty()).then(|| {
        let list = clock(&full_slots.join(", "));
        view! { <p>{t!(i18n, appointments.full_slots, times = move || list.clone())}</p> }
    });
    let waiting_list = (slots.is_empty() && !full_slots.is_empty() && signed_in && moving.is_none()).then(|| {
        let (slug, iso) = (agenda.slug.clone(), day.iso.clone());
        if waiting {
            view! {
                <p>{t!(i18n, appointments.on_waiting_list)}</p>
                <form method="post" action=LeaveWaitingList::url()>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="day" value=iso />
                    <button type="submit" class="button button--secondary">{t!(i18n, appointments.leave_waiting_list)}</button>
                </form>
            }
            .into_any()
        } else {
            view! {
                <p>{t!(i18n, appointments.waiting_list_offer)}</p>
                <form method="post" action=JoinWaitingList::url()>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="day" value=iso />
                    <button type="submit" class="button">{t!(i18n, appointments.join_waiting_list)}</button>
                </form>
            }
            .into_any()
        }
    });
    let no_slot = (slots.is_empty() && full_slots.is_empty())
        .then(|| view! { <p>{t!(i18n, appointments.no_slot_day)}</p> });
    let next = (!next_free.is_empty()).then(|| {
        let query = moving_query(&moving);
        view! {
            <h2>{t!(i18n, appointments.next_free)}</h2>
            <ul>
                {next_free.into_iter().map(|f| {
                    let href = format!("/rendez-vous/{}/{}{}", agenda.slug, f.day.iso, query);
                    view! { <li><A href=href>{when_text(&f.day, &f.time)}</A></li> }
                }).collect_view()}
            </ul>
        }
    });
    let parts = [
        view! {
            <PageTitle text=title />
            <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
                <A href="/rendez-vous">{t!(i18n, appointments.title)}</A>" › "<A href=back>{agenda.name.clone()}</A>
            </nav>
            <h1>{day_label.clone()}</h1>
            <MovingBanner moving=moving.clone() />
            {move || (!waited.get().is_empty()).then(|| view! {
                <div class="alert alert--success" role="status"><p>{t!(i18n, appointments.waiting_saved)}</p></div>
            })}
            <FormAlert error fields=&["starts_at"] />
        }
        .into_any(),
        view! { {slot_form}{full}{no_slot}{waiting_list}{next} }.into_any(),
    ];
    parts.into_iter().collect_view()
}
