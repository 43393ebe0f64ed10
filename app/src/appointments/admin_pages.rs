//! Admins' pages: agendas (`/admin/rendez-vous`, `/admin/rendez-vous/:id`) and
//! facilities (`/admin/equipements`, `/admin/equipements/:id`), each with its weekly
//! hours (one field per day) and its closures or exceptional hours.

use super::admin_api::{
    admin_agendas, admin_facilities, get_agenda_admin, get_facility_admin, AddException,
    DeleteException, SaveAgenda, SaveFacility,
};
use super::components::{exception_text, kind_text, weekday_text};
use super::model::FacilityKind;
use super::views::{AgendaInfo, ExceptionView, FacilityView};
use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, query_value, title_with_error, typed, use_form_error, use_typed_values, Field,
    FormAlert, SelectField, TextAreaField,
};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

const HOURS: [&str; 7] = [
    "hours_0", "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6",
];

/// A saved value, or what was typed before a failed post.
fn kept(
    error: Memo<Option<AppError>>,
    values: Resource<BTreeMap<String, String>>,
    field: &'static str,
    saved: String,
) -> Signal<String> {
    Signal::derive(move || {
        if error.with(Option::is_some) {
            typed(values, field).get()
        } else {
            saved.clone()
        }
    })
}

/// One field per weekday.
#[component]
fn HoursFields(
    week: Vec<String>,
    error: Memo<Option<AppError>>,
    values: Resource<BTreeMap<String, String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field">
            <legend>{t!(i18n, facilities.hours)}</legend>
            <p class="field__hint">{t!(i18n, facilities.hours_hint)}</p>
            {HOURS.into_iter().enumerate().map(|(i, name)| {
                let saved = week.get(i).cloned().unwrap_or_default().replace('–', "-");
                let day = weekday_text(u8::try_from(i).unwrap_or(0));
                view! {
                    <Field name label=Signal::derive(move || day.clone()) required=false
                        value=kept(error, values, name, saved) errors=errors_of(error, name) />
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The exceptions of an agenda or a facility, with the form adding one.
#[component]
fn ExceptionsEditor(
    /// `agenda` or `facility`.
    owner: &'static str,
    owner_id: i64,
    exceptions: Vec<ExceptionView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(AddException::url());
    let values = use_typed_values("add_exception", error);
    view! {
        <section aria-labelledby="exceptions">
            <h2 id="exceptions">{t!(i18n, facilities.exceptions)}</h2>
            {exceptions.is_empty().then(|| view! { <p>{t!(i18n, facilities.no_exception)}</p> })}
            <ul>
                {exceptions.into_iter().map(|e| {
                    let text = exception_text(&e);
                    view! {
                        <li>
                            {text.clone()}" "
                            <form class="inline-form" method="post" action=DeleteException::url()>
                                <input type="hidden" name="owner" value=owner />
                                <input type="hidden" name="id" value=owner_id />
                                <input type="hidden" name="exception_id" value=e.id />
                                <button type="submit" class="button button--small button--secondary">
                                    {t!(i18n, facilities.delete_exception)}<span class="visually-hidden">{format!(" : {text}")}</span>
                                </button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, facilities.add_exception)}</h3>
            <FormAlert error fields=&["first_day", "last_day", "hours", "label"] />
            <form class="form" method="post" action=AddException::url() novalidate>
                <crate::ui::form::OnceField />
                <input type="hidden" name="owner" value=owner />
                <input type="hidden" name="id" value=owner_id />
                <Field name="first_day" input_type="date" label=Signal::derive(move || t_string!(i18n, facilities.first_day).to_string())
                    value=typed(values, "first_day") errors=errors_of(error, "first_day") />
                <Field name="last_day" input_type="date" required=false
                    label=Signal::derive(move || t_string!(i18n, facilities.last_day).to_string())
                    hint=Signal::derive(move || t_string!(i18n, facilities.last_day_hint).to_string())
                    value=typed(values, "last_day") errors=errors_of(error, "last_day") />
                <Field name="hours" required=false
                    label=Signal::derive(move || t_string!(i18n, facilities.exception_hours).to_string())
                    hint=Signal::derive(move || t_string!(i18n, facilities.exception_hours_hint).to_string())
                    value=typed(values, "hours") errors=errors_of(error, "hours") />
                <Field name="label" required=false
                    label=Signal::derive(move || t_string!(i18n, facilities.exception_label).to_string())
                    value=typed(values, "label") errors=errors_of(error, "label") />
                <button type="submit" class="button">{t!(i18n, facilities.add_exception)}</button>
            </form>
        </section>
    }
}

/// `/admin/rendez-vous`.
#[component]
pub fn AdminAgendasPage() -> impl IntoView {
    let i18n = use_i18n();
    let agendas = Resource::new(|| (), |()| admin_agendas());
    let error = use_form_error(SaveAgenda::url());
    let title = title_with_error(error, move || {
        t_string!(i18n, appointments.admin_title).to_string()
    });
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, appointments.admin_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match agendas.await {
                    Ok(list) => view! {
                        <ul class="cards" role="list">
                            {list.into_iter().map(|a| view! {
                                <li class="card">
                                    <h2><A href=format!("/admin/rendez-vous/{}", a.id)>{a.name}</A></h2>
                                    <p class="meta">{a.service_title}" · "
                                        {if a.published { t_string!(i18n, services.published) } else { t_string!(i18n, services.unpublished) }}
                                    </p>
                                </li>
                            }).collect_view()}
                        </ul>
                        <h2>{t!(i18n, appointments.new_agenda)}</h2>
                        <AgendaForm info=None error />
                    }
                    .into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/rendez-vous/:id`.
#[component]
pub fn AgendaAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    let data = Resource::new(
        move || id.get().parse::<i64>().unwrap_or(0),
        get_agenda_admin,
    );
    let error = use_form_error(SaveAgenda::url());
    let saved = query_value("enregistre");
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(info) => {
                        let name = info.name.clone();
                        let title = title_with_error(error, move || name.clone());
                        let (id, exceptions) = (info.id, info.exceptions.clone());
                        let slug = info.slug.clone();
                        view! {
                            <PageTitle text=title />
                            <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
                                <A href="/admin/rendez-vous">{t!(i18n, appointments.admin_title)}</A>
                            </nav>
                            <h1>{info.name.clone()}</h1>
                            {move || (!saved.get().is_empty()).then(|| view! {
                                <div class="alert alert--success" role="status"><p>{t!(i18n, services.saved)}</p></div>
                            })}
                            <p><A href=format!("/rendez-vous/{slug}")>{t!(i18n, appointments.public_page)}</A></p>
                            <AgendaForm info=Some(info) error />
                            <ExceptionsEditor owner="agenda" owner_id=id exceptions />
                        }
                        .into_any()
                    }
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, appointments.admin_title).to_string()) />
                        <h1>{t!(i18n, appointments.admin_title)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// An agenda's settings (a new one when `info` is `None`).
#[component]
fn AgendaForm(info: Option<AgendaInfo>, error: Memo<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let values = use_typed_values("save_agenda", error);
    let services = Resource::new(|| (), |()| crate::services::admin_api::admin_services());
    let id = info.as_ref().map(|i| i.id).unwrap_or(0);
    let get = |f: fn(&AgendaInfo) -> String, default: &str| {
        info.as_ref().map(f).unwrap_or_else(|| default.to_owned())
    };
    let value = move |field: &'static str, saved: String| kept(error, values, field, saved);
    let week = info
        .as_ref()
        .map(|i| i.week.clone())
        .unwrap_or_else(|| vec![String::new(); 7]);
    let published = info.as_ref().is_some_and(|i| i.published);
    let service = get(|i| i.service_id.to_string(), "");
    let numbers: [(&'static str, String, String, String); 4] = [
        (
            "slot_minutes",
            t_string!(i18n, appointments.slot_minutes).to_string(),
            t_string!(i18n, appointments.slot_minutes_hint).to_string(),
            get(|i| i.slot_minutes.to_string(), "15"),
        ),
        (
            "capacity",
            t_string!(i18n, appointments.capacity).to_string(),
            t_string!(i18n, appointments.capacity_hint).to_string(),
            get(|i| i.capacity.to_string(), "1"),
        ),
        (
            "horizon_days",
            t_string!(i18n, appointments.horizon).to_string(),
            t_string!(i18n, appointments.horizon_hint).to_string(),
            get(|i| i.horizon_days.to_string(), "60"),
        ),
        (
            "notice_hours",
            t_string!(i18n, appointments.notice).to_string(),
            t_string!(i18n, appointments.notice_hint).to_string(),
            get(|i| i.notice_hours.to_string(), "24"),
        ),
    ];
    let parts = [
        view! {
            <FormAlert error fields=&["slug", "service_id", "name", "place", "instructions", "slot_minutes", "capacity", "horizon_days", "notice_hours",
                "hours_0", "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6"] />
        }
        .into_any(),
        view! {
            <form class="form" method="post" action=SaveAgenda::url() novalidate>
                <input type="hidden" name="id" value=id />
                {(id == 0).then(|| view! {
                    <Field name="slug" label=Signal::derive(move || t_string!(i18n, services.slug).to_string())
                        hint=Signal::derive(move || t_string!(i18n, services.slug_hint).to_string())
                        value=value("slug", String::new()) errors=errors_of(error, "slug") />
                })}
                <Transition fallback=|| ()>
                    {move || Suspend::new({
                        let service = service.clone();
                        async move {
                            let options: Vec<(String, String)> = services.await.unwrap_or_default()
                                .into_iter().map(|s| (s.id.to_string(), s.title)).collect();
                            view! {
                                <SelectField name="service_id" label=Signal::derive(move || t_string!(i18n, appointments.service).to_string())
                                    options placeholder=Signal::derive(move || t_string!(i18n, backoffice.choose).to_string())
                                    value=value("service_id", service.clone()) errors=errors_of(error, "service_id") />
                            }
                        }
                    })}
                </Transition>
                <Field name="name" label=Signal::derive(move || t_string!(i18n, appointments.agenda_name).to_string())
                    value=value("name", get(|i| i.name.clone(), "")) errors=errors_of(error, "name") />
                <Field name="place" required=false label=Signal::derive(move || t_string!(i18n, appointments.place).to_string())
                    value=value("place", get(|i| i.place.clone(), "")) errors=errors_of(error, "place") />
                <TextAreaField name="instructions" rows=3 required=false label=Signal::derive(move || t_string!(i18n, appointments.bring).to_string())
                    value=value("instructions", get(|i| i.instructions.clone(), "")) errors=errors_of(error, "instructions") />
                <HoursFields week error values />
                {numbers.into_iter().map(|(name, label, hint, saved)| view! {
                    <Field name input_type="number" label=Signal::derive(move || label.clone()) hint=Signal::derive(move || hint.clone())
                        value=value(name, saved) errors=errors_of(error, name) />
                }).collect_view()}
                <div class="choice">
                    <input type="checkbox" id="champ-published" name="published" checked=published />
                    <label for="champ-published">{t!(i18n, appointments.publish)}</label>
                </div>
                <button type="submit" class="button">{t!(i18n, services.save)}</button>
            </form>
        }
        .into_any(),
    ];
    parts.into_iter().collect_view()
}

/// `/admin/equipements`.
#[component]
pub fn AdminFacilitiesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |()| admin_facilities());
    let error = use_form_error(SaveFacility::url());
    let title = title_with_error(error, move || {
        t_string!(i18n, facilities.admin_title).to_string()
    });
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, facilities.admin_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        <ul class="cards" role="list">
                            {list.into_iter().map(|(id, name, published)| view! {
                                <li class="card">
                                    <h2><A href=format!("/admin/equipements/{id}")>{name}</A></h2>
                                    <p class="meta">{if published { t_string!(i18n, services.published) } else { t_string!(i18n, services.unpublished) }}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                        <h2>{t!(i18n, facilities.new_facility)}</h2>
                        <FacilityForm info=None error />
                    }
                    .into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/equipements/:id`.
#[component]
pub fn FacilityAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    let data = Resource::new(
        move || id.get().parse::<i64>().unwrap_or(0),
        get_facility_admin,
    );
    let error = use_form_error(SaveFacility::url());
    let saved = query_value("enregistre");
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(info) => {
                        let name = info.name.clone();
                        let title = title_with_error(error, move || name.clone());
                        let (id, exceptions, slug) = (info.id, info.exceptions.clone(), info.slug.clone());
                        view! {
                            <PageTitle text=title />
                            <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
                                <A href="/admin/equipements">{t!(i18n, facilities.admin_title)}</A>
                            </nav>
                            <h1>{info.name.clone()}</h1>
                            {move || (!saved.get().is_empty()).then(|| view! {
                                <div class="alert alert--success" role="status"><p>{t!(i18n, services.saved)}</p></div>
                            })}
                            <p><A href=format!("/equipements/{slug}")>{t!(i18n, appointments.public_page)}</A></p>
                            <FacilityForm info=Some(info) error />
                            <ExceptionsEditor owner="facility" owner_id=id exceptions />
                        }
                        .into_any()
                    }
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, facilities.admin_title).to_string()) />
                        <h1>{t!(i18n, facilities.admin_title)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// A facility's description and hours (a new one when `info` is `None`).
#[component]
fn FacilityForm(info: Option<FacilityView>, error: Memo<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let values = use_typed_values("save_facility", error);
    let id = info.as_ref().map(|i| i.id).unwrap_or(0);
    let get = |f: fn(&FacilityView) -> String| info.as_ref().map(f).unwrap_or_default();
    let value = move |field: &'static str, saved: String| kept(error, values, field, saved);
    let week = info
        .as_ref()
        .map(|i| i.week.clone())
        .unwrap_or_else(|| vec![String::new(); 7]);
    let published = info.as_ref().is_some_and(|i| i.published);
    let kinds: Vec<(String, String)> = FacilityKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_owned(), kind_text(k)))
        .collect();
    let texts: [(&'static str, String, String, &'static str); 4] = [
        (
            "address",
            t_string!(i18n, facilities.address).to_string(),
            get(|i| i.address.clone()),
            "text",
        ),
        (
            "phone",
            t_string!(i18n, facilities.phone).to_string(),
            get(|i| i.phone.clone()),
            "tel",
        ),
        (
            "email",
            t_string!(i18n, facilities.email).to_string(),
            get(|i| i.email.clone()),
            "email",
        ),
        (
            "accessibility",
            t_string!(i18n, facilities.accessibility).to_string(),
            get(|i| i.accessibility.clone()),
            "text",
        ),
    ];
    let parts = [
        view! {
            <FormAlert error fields=&["slug", "kind", "name", "description", "address", "phone", "email", "accessibility",
                "hours_0", "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6"] />
        }
        .into_any(),
        view! {
            <form class="form" method="post" action=SaveFacility::url() novalidate>
                <input type="hidden" name="id" value=id />
                {(id == 0).then(|| view! {
                    <Field name="slug" label=Signal::derive(move || t_string!(i18n, services.slug).to_string())
                        hint=Signal::derive(move || t_string!(i18n, services.slug_hint).to_string())
                        value=value("slug", String::new()) errors=errors_of(error, "slug") />
                })}
                <SelectField name="kind" label=Signal::derive(move || t_string!(i18n, facilities.kind).to_string())
                    options=kinds placeholder=Signal::derive(move || t_string!(i18n, backoffice.choose).to_string())
                    value=value("kind", get(|i| i.kind.as_str().to_owned())) errors=errors_of(error, "kind") />
                <Field name="name" label=Signal::derive(move || t_string!(i18n, facilities.name).to_string())
                    value=value("name", get(|i| i.name.clone())) errors=errors_of(error, "name") />
                <TextAreaField name="description" rows=3 required=false label=Signal::derive(move || t_string!(i18n, facilities.description).to_string())
                    value=value("description", get(|i| i.description.clone())) errors=errors_of(error, "description") />
                {texts.into_iter().map(|(name, label, saved, kind)| view! {
                    <Field name input_type=kind required=false label=Signal::derive(move || label.clone())
                        value=value(name, saved) errors=errors_of(error, name) />
                }).collect_view()}
                <HoursFields week error values />
                <div class="choice">
                    <input type="checkbox" id="champ-published" name="published" checked=published />
                    <label for="champ-published">{t!(i18n, facilities.publish)}</label>
                </div>
                <button type="submit" class="button">{t!(i18n, services.save)}</button>
            </form>
        }
        .into_any(),
    ];
    parts.into_iter().collect_view()
}
