//! Pieces shared by the appointment and facility pages: dates and statuses in words, a
//! week's hours as a table, exceptions as a list, the "open now" line, and the texts of
//! this feature's errors.

use super::model::{Channel, Day, FacilityKind, OpenState, Status};
use super::views::ExceptionView;
use crate::i18n::{t, t_string, use_i18n};
use leptos::prelude::*;

/// The name of a weekday (0 = Monday).
pub fn weekday_text(weekday: u8) -> String {
    crate::ui::time::weekday_name(use_i18n().get_locale_untracked(), weekday).to_owned()
}

/// "mardi 1er décembre 2026".
pub fn day_text(day: &Day) -> String {
    let locale = use_i18n().get_locale_untracked();
    crate::ui::time::date_words(locale, day.weekday, day.day, day.month, day.year)
}

/// Times of day as the server writes them (`09:30`, `09:00–12:00`) in the page's words:
/// "9 h 30", "9 h 00 – 12 h 00".
pub fn clock(text: &str) -> String {
    crate::ui::time::clock_words_in(use_i18n().get_locale_untracked(), text)
}

/// "mardi 1er décembre 2026 à 9 h 30".
pub fn when_text(day: &Day, time: &str) -> String {
    let i18n = use_i18n();
    let date = day_text(day);
    let at = t_string!(i18n, appointments.at).to_string();
    format!("{date} {at} {}", clock(time))
}

pub fn status_text(status: Status) -> String {
    let i18n = use_i18n();
    match status {
        Status::Booked => t_string!(i18n, appointments.status_booked),
        Status::Cancelled => t_string!(i18n, appointments.status_cancelled),
        Status::Attended => t_string!(i18n, appointments.status_attended),
        Status::NoShow => t_string!(i18n, appointments.status_no_show),
    }
    .to_string()
}

pub fn channel_text(channel: Channel) -> String {
    let i18n = use_i18n();
    match channel {
        Channel::Web => t_string!(i18n, appointments.channel_web),
        Channel::Counter => t_string!(i18n, appointments.channel_counter),
        Channel::Phone => t_string!(i18n, appointments.channel_phone),
    }
    .to_string()
}

pub fn kind_text(kind: FacilityKind) -> String {
    let i18n = use_i18n();
    match kind {
        FacilityKind::TownHall => t_string!(i18n, facilities.kind_town_hall),
        FacilityKind::Library => t_string!(i18n, facilities.kind_library),
        FacilityKind::Pool => t_string!(i18n, facilities.kind_pool),
        FacilityKind::Sports => t_string!(i18n, facilities.kind_sports),
        FacilityKind::Culture => t_string!(i18n, facilities.kind_culture),
        FacilityKind::Park => t_string!(i18n, facilities.kind_park),
        FacilityKind::Cemetery => t_string!(i18n, facilities.kind_cemetery),
        FacilityKind::Other => t_string!(i18n, facilities.kind_other),
    }
    .to_string()
}

/// The text of this feature's error keys (`errors.appt_*`, `errors.hours_*`).
pub fn error_text(key: &str) -> Option<String> {
    let i18n = use_i18n();
    Some(
        match key {
            "errors.appt_past" => t_string!(i18n, errors.appt_past),
            "errors.appt_too_soon" => t_string!(i18n, errors.appt_too_soon),
            "errors.appt_beyond_horizon" => t_string!(i18n, errors.appt_beyond_horizon),
            "errors.appt_closed_day" => t_string!(i18n, errors.appt_closed_day),
            "errors.appt_no_such_slot" => t_string!(i18n, errors.appt_no_such_slot),
            "errors.appt_slot_taken" => t_string!(i18n, errors.appt_slot_taken),
            "errors.appt_already_booked" => t_string!(i18n, errors.appt_already_booked),
            "errors.appt_not_changeable" => t_string!(i18n, errors.appt_not_changeable),
            "errors.appt_same_slot" => t_string!(i18n, errors.appt_same_slot),
            "errors.appt_day_not_full" => t_string!(i18n, errors.appt_day_not_full),
            "errors.appt_not_markable" => t_string!(i18n, errors.appt_not_markable),
            "errors.appt_choose_slot" => t_string!(i18n, errors.appt_choose_slot),
            "errors.appt_slot_minutes" => t_string!(i18n, errors.appt_slot_minutes),
            "errors.appt_capacity" => t_string!(i18n, errors.appt_capacity),
            "errors.appt_horizon_days" => t_string!(i18n, errors.appt_horizon_days),
            "errors.appt_notice_hours" => t_string!(i18n, errors.appt_notice_hours),
            "errors.appt_days_order" => t_string!(i18n, errors.appt_days_order),
            "errors.hours_format" => t_string!(i18n, errors.hours_format),
            "errors.hours_order" => t_string!(i18n, errors.hours_order),
            "errors.hours_overlap" => t_string!(i18n, errors.hours_overlap),
            _ => return None,
        }
        .to_string(),
    )
}

/// Each weekday's hours, as a table (RGAA 5: headers on rows).
#[component]
pub fn WeekTable(week: Vec<String>, #[prop(into)] caption: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="hours">
            <caption>{caption}</caption>
            <tbody>
                {week.into_iter().enumerate().map(|(i, hours)| {
                    let closed = hours.is_empty();
                    view! {
                        <tr>
                            <th scope="row">{weekday_text(u8::try_from(i).unwrap_or(0))}</th>
                            <td>{if closed { t_string!(i18n, facilities.closed).to_string() } else { clock(&hours) }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "Du … au … : fermé (Noël)".
pub fn exception_text(e: &ExceptionView) -> String {
    let i18n = use_i18n();
    let days = if e.first_day == e.last_day {
        day_text(&e.first_day)
    } else {
        format!("{} – {}", day_text(&e.first_day), day_text(&e.last_day))
    };
    let hours = if e.hours.is_empty() {
        t_string!(i18n, facilities.closed).to_string()
    } else {
        clock(&e.hours)
    };
    if e.label.is_empty() {
        format!("{days} : {hours}")
    } else {
        format!("{days} : {hours} ({})", e.label)
    }
}

/// "Ouvert · jusqu’à 18 h 00" or "Fermé · ouvre le lundi 7 décembre 2026 à 9 h 00".
#[component]
pub fn OpenLine(state: OpenState) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        OpenState::Open { until } => view! {
            <p class="open open--yes">
                <strong>{t!(i18n, facilities.open)}</strong>" · "{t!(i18n, facilities.until, time = move || clock(&until))}
            </p>
        }
        .into_any(),
        OpenState::Closed { next } => {
            let next = next.map(|(day, time)| when_text(&day, &time));
            view! {
                <p class="open open--no">
                    <strong>{t!(i18n, facilities.closed_now)}</strong>
                    {next.map(|when| view! { " · "{t!(i18n, facilities.opens, when = move || when.clone())} })}
                </p>
            }
            .into_any()
        }
    }
}
