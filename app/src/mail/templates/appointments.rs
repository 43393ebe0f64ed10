//! Mails about an appointment: booked, moved, reminded, cancelled, or a place freed on
//! a day a resident waits for, with the calendar file attached.

use super::{locale_of, render, MailContent};
use crate::i18n::td_string;
use crate::mail::outbox::OutgoingMail;
use crate::site::Lang;

/// What an appointment mail announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentNews {
    /// Booked (the confirmation, with the invitation).
    Booked,
    /// Moved to another slot (with the new invitation).
    Moved,
    /// Tomorrow's appointment (the reminder).
    Reminder,
    /// Cancelled (with the calendar's cancellation).
    Cancelled,
    /// A place freed on a day the resident was waiting for.
    PlaceFreed,
}

/// The facts of an appointment mail.
#[derive(Debug, Clone, Copy)]
pub struct AppointmentMail<'a> {
    pub commune: &'a str,
    pub news: AppointmentNews,
    pub agenda: &'a str,
    pub place: &'a str,
    /// When, as [`long_date`] writes it (the day only, for [`AppointmentNews::PlaceFreed`]).
    pub when: &'a str,
    pub instructions: &'a str,
    pub link: &'a str,
    /// The invitation or cancellation to attach.
    pub calendar: Option<&'a str>,
}

/// "mardi 1er décembre 2026" in the resident's language (`weekday` 0 = Monday).
pub fn long_date(lang: Lang, weekday: u8, day: u8, month: u8, year: i16) -> String {
    crate::ui::time::date_words(locale_of(lang), weekday, day, month, year)
}

/// "mardi 1er décembre 2026 à 9 h 30" (`time` as the server writes it, `09:30`).
pub fn long_date_time(lang: Lang, date: &str, time: &str) -> String {
    let locale = locale_of(lang);
    let time = crate::ui::time::clock_words_in(locale, time);
    td_string!(locale, appointments.at_time, date = date, time = time).to_string()
}

pub fn appointment_mail(lang: Lang, to: &str, mail: &AppointmentMail<'_>) -> OutgoingMail {
    let locale = locale_of(lang);
    let (agenda, when, place) = (mail.agenda, mail.when, mail.place);
    let (subject, intro) = match mail.news {
        AppointmentNews::Booked => (
            td_string!(
                locale,
                mail.appointment.booked_subject,
                agenda = agenda,
                when = when
            )
            .to_string(),
            td_string!(
                locale,
                mail.appointment.booked,
                agenda = agenda,
                when = when,
                place = place
            )
            .to_string(),
        ),
        AppointmentNews::Moved => (
            td_string!(
                locale,
                mail.appointment.moved_subject,
                agenda = agenda,
                when = when
            )
            .to_string(),
            td_string!(
                locale,
                mail.appointment.moved,
                agenda = agenda,
                when = when,
                place = place
            )
            .to_string(),
        ),
        AppointmentNews::Reminder => (
            td_string!(
                locale,
                mail.appointment.reminder_subject,
                agenda = agenda,
                when = when
            )
            .to_string(),
            td_string!(
                locale,
                mail.appointment.reminder,
                agenda = agenda,
                when = when,
                place = place
            )
            .to_string(),
        ),
        AppointmentNews::Cancelled => (
            td_string!(
                locale,
                mail.appointment.cancelled_subject,
                agenda = agenda,
                when = when
            )
            .to_string(),
            td_string!(
                locale,
                mail.appointment.cancelled,
                agenda = agenda,
                when = when
            )
            .to_string(),
        ),
        AppointmentNews::PlaceFreed => (
            td_string!(
                locale,
                mail.appointment.freed_subject,
                agenda = agenda,
                when = when
            )
            .to_string(),
            td_string!(locale, mail.appointment.freed, agenda = agenda, when = when).to_string(),
        ),
    };
    let mut paragraphs = vec![intro];
    let standing = matches!(
        mail.news,
        AppointmentNews::Booked | AppointmentNews::Moved | AppointmentNews::Reminder
    );
    if standing && !mail.instructions.trim().is_empty() {
        paragraphs.push(format!(
            "{} {}",
            td_string!(locale, mail.appointment.bring),
            mail.instructions.trim()
        ));
    }
    let (action, note) = match mail.news {
        AppointmentNews::PlaceFreed => (
            td_string!(locale, mail.appointment.freed_action).to_string(),
            td_string!(locale, mail.appointment.freed_note).to_string(),
        ),
        AppointmentNews::Cancelled => (
            td_string!(locale, mail.appointment.book_again).to_string(),
            td_string!(locale, mail.appointment.cancelled_note).to_string(),
        ),
        _ => (
            td_string!(locale, mail.appointment.manage).to_string(),
            td_string!(locale, mail.appointment.note).to_string(),
        ),
    };
    let mut out = render(
        to,
        MailContent {
            lang,
            subject,
            paragraphs,
            items: Vec::new(),
            action: (action, mail.link),
            note,
            signature: td_string!(locale, mail.signature, commune = mail.commune).to_string(),
        },
    );
    out.calendar = mail.calendar.map(str::to_owned);
    out
}
