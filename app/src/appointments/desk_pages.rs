//! Agents' pages: the agendas of their services (on `/guichet`) and one day of an agenda
//! (`/guichet/rendez-vous/:id?jour=…`): bookings per slot, presence to record, slots to
//! close, and a booking made for someone at the counter or on the phone.

use super::api::{desk_agendas, get_agent_day, BlockSlot, BookAtCounter, MarkAppointment};
use super::components::{channel_text, clock, day_text, status_text, when_text};
use super::model::Status;
use super::views::{AgentDay, Booking};
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, query_value, title_failed_when, typed, use_form_error, use_typed_values, Field,
    FormAlert, SelectField,
};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The agendas of the agent's services, for `/guichet`.
#[component]
pub fn DeskAgendas() -> impl IntoView {
    let i18n = use_i18n();
    let agendas = Resource::new(|| (), |()| desk_agendas());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match agendas.await {
                    Ok(list) if !list.is_empty() => view! {
                        <h2>{t!(i18n, appointments.desk_agendas)}</h2>
                        <ul class="cards" role="list">
                            {list.into_iter().map(|a| view! {
                                <li class="card">
                                    <h3><A href=format!("/guichet/rendez-vous/{}", a.id)>{a.name}</A></h3>
                                    <p class="meta">{a.service_title}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/guichet/rendez-vous/:id`.
#[component]
pub fn AgentDayPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    let day = query_value("jour");
    let data = Resource::new(
        move || (id.get().parse::<i64>().unwrap_or(0), day.get()),
        |(id, day)| get_agent_day(id, day),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <AgentDayView data /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, appointments.desk_title).to_string()) />
                        <h1>{t!(i18n, appointments.desk_title)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The "present" and "absent" buttons of a booking.
#[component]
fn MarkButtons(booking: Booking, day: String) -> impl IntoView {
    let i18n = use_i18n();
    let who = format!("{} ({})", booking.name, clock(&booking.time));
    let buttons = [(Status::Attended, "attended"), (Status::NoShow, "no_show")];
    view! {
        <div class="actions">
            {buttons.into_iter().filter(|(s, _)| *s != booking.status).map(|(status, value)| {
                let label = if status == Status::Attended {
                    t_string!(i18n, appointments.mark_attended).to_string()
                } else {
                    t_string!(i18n, appointments.mark_no_show).to_string()
                };
                view! {
                    <form class="inline-form" method="post" action=MarkAppointment::url()>
                        <input type="hidden" name="id" value=booking.id />
                        <input type="hidden" name="outcome" value=value />
                        <input type="hidden" name="day" value=day.clone() />
                        <button type="submit" class="button button--small">
                            {label}<span class="visually-hidden">{format!(" : {who}")}</span>
                        </button>
                    </form>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn BookingLine(booking: Booking, day: String) -> impl IntoView {
    let contact = [booking.email.clone(), booking.phone.clone()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let markable = booking.markable;
    view! {
        <li>
            <strong>{booking.name.clone()}</strong>" · "{status_text(booking.status)}" · "{channel_text(booking.channel)}
            {(!contact.is_empty()).then(|| view! { <br /><span class="meta">{contact.clone()}</span> })}
            {markable.then(|| view! { <MarkButtons booking=booking.clone() day=day.clone() /> })}
        </li>
    }
}

#[component]
fn AgentDayView(data: AgentDay) -> impl IntoView {
    let i18n = use_i18n();
    let mark_error = use_form_error(MarkAppointment::url());
    let block_error = use_form_error(BlockSlot::url());
    let book_error = use_form_error(BookAtCounter::url());
    let error = Memo::new(move |_| mark_error.get().or(block_error.get()));
    let booked = query_value("reserve");
    let AgentDay {
        agenda,
        day,
        previous,
        next,
        slots,
        to_mark,
        waiting,
    } = data;
    let label = day_text(&day);
    let title = {
        let (name, label) = (agenda.name.clone(), label.clone());
        title_failed_when(
            move || error.with(Option::is_some) || book_error.with(Option::is_some),
            move || format!("{name} – {label}"),
        )
    };
    let base = format!("/guichet/rendez-vous/{}", agenda.id);
    let iso = day.iso.clone();
    let capacity = agenda.capacity;
    let to_mark_list = (!to_mark.is_empty()).then(|| {
        let iso = iso.clone();
        view! {
            <section aria-labelledby="a-pointer">
                <h2 id="a-pointer">{t!(i18n, appointments.to_mark)}</h2>
                <ul class="bookings">
                    {to_mark.into_iter().map(|b| {
                        let when = when_text(&b.day, &b.time);
                        let iso = iso.clone();
                        view! {
                            <li>
                                {when}" · "<strong>{b.name.clone()}</strong>
                                <MarkButtons booking=b day=iso />
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    let free: Vec<(String, String)> = slots
        .iter()
        .filter(|s| !s.past && !s.blocked && s.taken < capacity)
        .map(|s| (s.starts_at.to_string(), clock(&s.time)))
        .collect();
    let rows = slots
        .into_iter()
        .map(|slot| {
            let iso = iso.clone();
            let block_label = if slot.blocked {
                t_string!(i18n, appointments.unblock).to_string()
            } else {
                t_string!(i18n, appointments.block).to_string()
            };
            let time = clock(&slot.time);
            view! {
                <tr>
                    <th scope="row">{time.clone()}{slot.blocked.then(|| view! { <br /><span class="badge">{t!(i18n, appointments.blocked)}</span> })}</th>
                    <td>{format!("{} / {}", slot.taken, capacity)}</td>
                    <td>
                        <ul class="bookings">
                            {slot.bookings.into_iter().map(|b| view! { <BookingLine booking=b day=iso.clone() /> }).collect_view()}
                        </ul>
                    </td>
                    <td>
                        <form class="inline-form" method="post" action=BlockSlot::url()>
                            <input type="hidden" name="agenda_id" value=agenda.id />
                            <input type="hidden" name="starts_at" value=slot.starts_at />
                            <input type="hidden" name="blocked" value=(!slot.blocked).to_string() />
                            <input type="hidden" name="day" value=iso.clone() />
                            <button type="submit" class="button button--small button--secondary">
                                {block_label}<span class="visually-hidden">{format!(" {time}")}</span>
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let parts = [
        view! {
            <PageTitle text=title />
            <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
                <A href="/guichet">{t!(i18n, backoffice.title)}</A>
            </nav>
            <h1>{agenda.name.clone()}<br /><span class="subtitle">{label.clone()}</span></h1>
            {move || (!booked.get().is_empty()).then(|| view! {
                <div class="alert alert--success" role="status"><p>{t!(i18n, appointments.counter_booked)}</p></div>
            })}
            <FormAlert error fields=&[] />
            <nav class="pagination" aria-label=t_string!(i18n, appointments.days_nav).to_string()>
                <A href=format!("{base}?jour={previous}")>{t!(i18n, appointments.previous_day)}</A>
                <A href=format!("{base}?jour={next}")>{t!(i18n, appointments.next_day)}</A>
            </nav>
            <form class="form form--inline" method="get" action=base.clone()>
                <div class="field">
                    <label for="jour">{t!(i18n, appointments.go_to_day)}</label>
                    <input id="jour" name="jour" type="date" value=iso.clone() />
                </div>
                <button type="submit" class="button button--secondary">{t!(i18n, appointments.show)}</button>
            </form>
            <p>{t!(i18n, appointments.waiting_count, count = move || waiting)}</p>
        }
        .into_any(),
        view! { {to_mark_list} }.into_any(),
        view! {
            <div class="table-wrap">
                <table class="table">
                    <caption>{t!(i18n, appointments.slots_of, day = move || label.clone())}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, appointments.time)}</th>
                        <th scope="col">{t!(i18n, appointments.taken)}</th>
                        <th scope="col">{t!(i18n, appointments.bookings)}</th>
                        <th scope="col">{t!(i18n, appointments.slot_action)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any(),
        view! { <CounterForm agenda_id=agenda.id day=iso.clone() free error=book_error /> }.into_any(),
    ];
    parts.into_iter().collect_view()
}

/// An agent books for someone who came or phoned.
#[component]
fn CounterForm(
    agenda_id: i64,
    day: String,
    free: Vec<(String, String)>,
    error: Memo<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let values = use_typed_values("book_at_counter", error);
    let channel = typed(values, "channel");
    let channels = [
        (
            "counter",
            t_string!(i18n, appointments.channel_counter).to_string(),
        ),
        (
            "phone",
            t_string!(i18n, appointments.channel_phone).to_string(),
        ),
    ];
    let channel_errors = errors_of(error, "channel");
    view! {
        <section aria-labelledby="au-guichet">
            <h2 id="au-guichet">{t!(i18n, appointments.counter_title)}</h2>
            {if free.is_empty() {
                view! { <p>{t!(i18n, appointments.no_free_slot)}</p> }.into_any()
            } else {
                view! {
                    <FormAlert error fields=&["starts_at", "channel", "email", "name", "phone"] />
                    <form class="form" method="post" action=BookAtCounter::url() novalidate>
                        <crate::ui::form::OnceField />
                        <input type="hidden" name="agenda_id" value=agenda_id />
                        <input type="hidden" name="day" value=day />
                        <SelectField name="starts_at" label=Signal::derive(move || t_string!(i18n, appointments.time).to_string())
                            options=free placeholder=Signal::derive(move || t_string!(i18n, backoffice.choose).to_string())
                            value=typed(values, "starts_at") errors=errors_of(error, "starts_at") />
                        <fieldset class="field" class:field--error=move || !channel_errors.with(Vec::is_empty)>
                            <legend>{t!(i18n, appointments.channel)}</legend>
                            {move || (!channel_errors.with(Vec::is_empty)).then(|| view! {
                                <p class="field__error" id="canal-erreur">{t!(i18n, errors.required)}</p>
                            })}
                            {channels.clone().into_iter().map(|(value, text)| {
                                let id = format!("canal-{value}");
                                view! {
                                    <div class="choice">
                                        <input type="radio" id=id.clone() name="channel" value=value
                                            checked=move || channel.with(|c| c == value)
                                            aria-describedby=move || (!channel_errors.with(Vec::is_empty)).then_some("canal-erreur") />
                                        <label for=id>{text}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <Field name="email" input_type="email" required=false
                            label=Signal::derive(move || t_string!(i18n, appointments.resident_email).to_string())
                            hint=Signal::derive(move || t_string!(i18n, appointments.resident_email_hint).to_string())
                            value=typed(values, "email") errors=errors_of(error, "email") />
                        <Field name="name" required=false
                            label=Signal::derive(move || t_string!(i18n, appointments.resident_name).to_string())
                            value=typed(values, "name") errors=errors_of(error, "name") />
                        <Field name="phone" input_type="tel" required=false
                            label=Signal::derive(move || t_string!(i18n, appointments.resident_phone).to_string())
                            value=typed(values, "phone") errors=errors_of(error, "phone") />
                        <button type="submit" class="button">{t!(i18n, appointments.book_for)}</button>
                    </form>
                }
                .into_any()
            }}
        </section>
    }
}
