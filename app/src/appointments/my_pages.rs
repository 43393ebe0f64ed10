//! A resident's own appointments: one appointment's page (`/mon-espace/rendez-vous/:id`,
//! signed in or with the mail link's key), where it is moved or cancelled (cancelling
//! asks first, without JavaScript too), and the list in mon espace.

use super::api::{get_appointment, my_appointments, CancelAppointment};
use super::components::{status_text, when_text};
use super::pages::param;
use super::views::AppointmentView;
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{query_value, title_failed_when, use_form_error, FormAlert};
use crate::ui::{encode_query, PageTitle, Pagination};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// `/mon-espace/rendez-vous/:id`.
#[component]
pub fn AppointmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param("id");
    let key = query_value("cle");
    let data = Resource::new(
        move || (id.get().parse::<i64>().unwrap_or(0), key.get()),
        |(id, key)| get_appointment(id, key),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(appointment) => view! { <AppointmentDetails appointment /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, appointments.mine).to_string()) />
                        <h1>{t!(i18n, appointments.mine)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AppointmentDetails(appointment: AppointmentView) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(CancelAppointment::url());
    let (confirmed, cancelled, moved, cancelling) = (
        query_value("confirme"),
        query_value("annule"),
        query_value("deplace"),
        query_value("annuler"),
    );
    let a = appointment;
    let title = title_failed_when(move || error.with(Option::is_some), {
        let name = a.agenda_name.clone();
        move || name.clone()
    });
    let when = when_text(&a.day, &a.time);
    let notice = move || {
        let text = if !confirmed.get().is_empty() {
            Some(t_string!(i18n, appointments.confirmed).to_string())
        } else if !moved.get().is_empty() {
            Some(t_string!(i18n, appointments.moved).to_string())
        } else if !cancelled.get().is_empty() {
            Some(t_string!(i18n, appointments.cancelled).to_string())
        } else {
            None
        };
        text.map(
            |text| view! { <div class="alert alert--success" role="status"><p>{text}</p></div> },
        )
    };
    let actions = a.changeable.then(|| {
        let move_href = format!(
            "/rendez-vous/{}?deplacer={}&cle={}",
            a.agenda_slug,
            a.id,
            encode_query(&a.key)
        );
        // Cancelling takes two steps, without JavaScript too: the button leads to a
        // question, whose answer posts the cancellation.
        let here = format!("/mon-espace/rendez-vous/{}", a.id);
        let (ask_href, keep_href) = if a.key.is_empty() {
            (format!("{here}?annuler=1#annulation"), here)
        } else {
            let key = encode_query(&a.key);
            (
                format!("{here}?annuler=1&cle={key}#annulation"),
                format!("{here}?cle={key}"),
            )
        };
        let (id, key_value, when) = (a.id, a.key.clone(), when.clone());
        view! {
            <h2>{t!(i18n, appointments.change)}</h2>
            <p><A href=move_href attr:class="button button--secondary">{t!(i18n, appointments.move_it)}</A></p>
            {move || if cancelling.get().is_empty() {
                view! {
                    <p><A href=ask_href.clone() attr:class="button button--danger">{t!(i18n, appointments.cancel_it)}</A></p>
                }.into_any()
            } else {
                let when = when.clone();
                view! {
                    <section class="alert alert--warning" id="annulation" aria-labelledby="annulation-titre">
                        <h3 id="annulation-titre">{t!(i18n, appointments.cancel_confirm_title)}</h3>
                        <p>{t!(i18n, appointments.cancel_confirm, when = move || when.clone())}</p>
                        <form method="post" action=CancelAppointment::url()>
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="key" value=key_value.clone() />
                            <button type="submit" class="button button--danger">{t!(i18n, appointments.cancel_yes)}</button>
                            " "<A href=keep_href.clone() attr:class="button button--secondary">{t!(i18n, appointments.cancel_no)}</A>
                        </form>
                    </section>
                }.into_any()
            }}
        }
    });
    let rows = [
        (
            t_string!(i18n, appointments.what).to_string(),
            a.agenda_name.clone(),
        ),
        (
            t_string!(i18n, appointments.when).to_string(),
            format!("{when} – {}", a.end_time),
        ),
        (
            t_string!(i18n, appointments.place).to_string(),
            a.place.clone(),
        ),
        (
            t_string!(i18n, appointments.for_whom).to_string(),
            a.contact_name.clone(),
        ),
        (
            t_string!(i18n, appointments.state).to_string(),
            status_text(a.status),
        ),
        (
            t_string!(i18n, appointments.bring).to_string(),
            a.instructions.clone(),
        ),
    ];
    view! {
        <PageTitle text=title />
        {notice}
        <FormAlert error fields=&[] />
        <h1>{t!(i18n, appointments.yours)}</h1>
        <dl class="facts">
            {rows.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| view! {
                <div><dt>{k}</dt><dd class="prewrap">{v}</dd></div>
            }).collect_view()}
        </dl>
        {actions}
        {a.key.is_empty().then(|| view! { <p><A href="/mon-espace">{t!(i18n, nav.my_space)}</A></p> })}
    }
}

/// The loader of Mon espace's list of appointments. The page creates it at its top, not
/// inside the `Suspend` that shows the list: a resource created there is created again
/// each time that closure runs, and loaded again.
pub fn my_appointments_resource() -> MyAppointmentsResource {
    let page = query_value("rdv");
    Resource::new(
        move || page.get().parse::<u32>().unwrap_or(1).max(1),
        my_appointments,
    )
}

pub type MyAppointmentsResource = Resource<
    Result<crate::services::views::Paged<super::views::AppointmentSummary>, crate::error::AppError>,
>;

/// Mon espace's list of appointments.
#[component]
pub fn MyAppointments(list: MyAppointmentsResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section>
            <h2>{t!(i18n, appointments.mine)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(paged) => {
                            let (page, page_count) = (paged.page, paged.page_count);
                            view! {
                                {paged.items.is_empty().then(|| view! { <p>{t!(i18n, appointments.none)}</p> })}
                                <ul class="cards" role="list">
                                    {paged.items.into_iter().map(|a| view! {
                                        <li class="card">
                                            <h3><A href=format!("/mon-espace/rendez-vous/{}", a.id)>{a.agenda_name}</A></h3>
                                            <p>{when_text(&a.day, &a.time)}" · "{status_text(a.status)}</p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <Pagination page page_count label=t_string!(i18n, appointments.pages).to_string()
                                    href=|n| format!("/mon-espace?rdv={n}") />
                            }
                            .into_any()
                        }
                        Err(_) => ().into_any(),
                    }
                })}
            </Suspense>
            <p><A href="/rendez-vous">{t!(i18n, appointments.book_new)}</A></p>
        </section>
    }
}
