//! The mails Parvis sends, in French and English, as plain text and HTML. Every text
//! comes from `locales/*.json` (section `mail`).

use super::outbox::OutgoingMail;
use crate::i18n::{td_string, Locale};
use crate::site::Lang;

/// A mail carrying one link for the resident to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMail {
    /// Confirms the address of a new account.
    VerifyEmail,
    /// Someone tried to sign up with an address that already has an account.
    AlreadyRegistered,
    /// Chooses a new password.
    ResetPassword,
    /// Signs in without a password.
    MagicLink,
    /// Confirms a new address for an existing account.
    ChangeEmail,
}

struct Texts {
    subject: String,
    intro: String,
    action: String,
    note: String,
}

fn texts(kind: LinkMail, locale: Locale, commune: &str) -> Texts {
    macro_rules! texts_of {
        ($section:ident) => {
            Texts {
                subject: td_string!(locale, mail.$section.subject, commune = commune).to_string(),
                intro: td_string!(locale, mail.$section.intro, commune = commune).to_string(),
                action: td_string!(locale, mail.$section.action).to_string(),
                note: td_string!(locale, mail.$section.note).to_string(),
            }
        };
    }
    match kind {
        LinkMail::VerifyEmail => texts_of!(verify),
        LinkMail::AlreadyRegistered => texts_of!(already),
        LinkMail::ResetPassword => texts_of!(reset),
        LinkMail::MagicLink => texts_of!(magic),
        LinkMail::ChangeEmail => texts_of!(change),
    }
}

/// The translations' locale of a language.
pub(crate) fn locale_of(lang: Lang) -> Locale {
    match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    }
}

/// What a mail says, before it is written out as text and HTML.
struct MailContent<'a> {
    lang: Lang,
    subject: String,
    /// Paragraphs before the links.
    paragraphs: Vec<String>,
    /// A list of (label, link) after the paragraphs.
    items: Vec<(String, String)>,
    /// The main button: (label, link).
    action: (String, &'a str),
    note: String,
    signature: String,
}

fn render(to: &str, content: MailContent<'_>) -> OutgoingMail {
    let esc = escape_html;
    let (action, link) = content.action;
    let mut text = String::new();
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
         <body style=\"font-family:sans-serif;line-height:1.5;color:#161616\">",
        lang = content.lang.code(),
        subject = esc(&content.subject),
    );
    for paragraph in &content.paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", esc(paragraph).replace('\n', "<br>")));
    }
    if !content.items.is_empty() {
        html.push_str("<ul>");
        for (label, href) in &content.items {
            text.push_str(&format!("- {label}\n  {href}\n"));
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>",
                esc(href),
                esc(label)
            ));
        }
        html.push_str("</ul>");
        text.push('\n');
    }
    text.push_str(&format!(
        "{action} :\n{link}\n\n{note}\n\n-- \n{signature}\n",
        note = content.note,
        signature = content.signature,
    ));
    html.push_str(&format!(
        "<p><a href=\"{href}\" style=\"display:inline-block;padding:.6em 1.2em;background:#1d3a6e;color:#fff;text-decoration:none;border-radius:4px\">{action}</a></p>\
         <p style=\"font-size:.9em\">{link_text}</p>\
         <p>{note}</p><p>{signature}</p></body></html>",
        href = esc(link),
        action = esc(&action),
        link_text = esc(link),
        note = esc(&content.note),
        signature = esc(&content.signature),
    ));
    OutgoingMail {
        to: to.to_owned(),
        subject: content.subject,
        text,
        html,
        calendar: None,
    }
}

/// Renders a link mail to `to` in `lang`.
pub fn link_mail(kind: LinkMail, lang: Lang, to: &str, commune: &str, link: &str) -> OutgoingMail {
    let locale = locale_of(lang);
    let t = texts(kind, locale, commune);
    render(
        to,
        MailContent {
            lang,
            subject: t.subject,
            paragraphs: vec![t.intro],
            items: Vec::new(),
            action: (t.action, link),
            note: t.note,
            signature: td_string!(locale, mail.signature, commune = commune).to_string(),
        },
    )
}

/// A mail of the privacy centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivacyMail {
    /// The export asked for is ready to download.
    ExportReady,
    /// The account will be erased at the end of the cooling-off period.
    ErasureScheduled,
}

/// Renders a privacy-centre mail to `to`; `when` is the erasure's date.
pub fn privacy_mail(
    kind: PrivacyMail,
    lang: Lang,
    to: &str,
    commune: &str,
    link: &str,
    when: &str,
) -> OutgoingMail {
    let locale = locale_of(lang);
    let (subject, intro, action, note) = match kind {
        PrivacyMail::ExportReady => (
            td_string!(locale, mail.export.subject, commune = commune).to_string(),
            td_string!(locale, mail.export.intro).to_string(),
            td_string!(locale, mail.export.action).to_string(),
            td_string!(locale, mail.export.note).to_string(),
        ),
        PrivacyMail::ErasureScheduled => (
            td_string!(locale, mail.erasure.subject, commune = commune).to_string(),
            td_string!(locale, mail.erasure.intro, date = when).to_string(),
            td_string!(locale, mail.erasure.action).to_string(),
            td_string!(locale, mail.erasure.note).to_string(),
        ),
    };
    render(
        to,
        MailContent {
            lang,
            subject,
            paragraphs: vec![intro],
            items: Vec::new(),
            action: (action, link),
            note,
            signature: td_string!(locale, mail.signature, commune = commune).to_string(),
        },
    )
}

/// A mail about a request to the data protection officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DpoMail {
    /// To the person: received, with its deadline.
    Received,
    /// To the DPO: a new request in the queue.
    ToDpo,
    /// To the person: the DPO's answer.
    Answered,
}

/// Renders a DPO mail; `due` is the deadline, `answer` the DPO's text.
#[allow(clippy::too_many_arguments)]
pub fn dpo_mail(
    kind: DpoMail,
    lang: Lang,
    to: &str,
    commune: &str,
    number: i64,
    due: &str,
    answer: &str,
    link: &str,
) -> OutgoingMail {
    let locale = locale_of(lang);
    let (subject, mut paragraphs, action) = match kind {
        DpoMail::Received => (
            td_string!(
                locale,
                mail.dpo.received_subject,
                number = number,
                commune = commune
            )
            .to_string(),
            vec![td_string!(locale, mail.dpo.received_intro, date = due).to_string()],
            td_string!(locale, mail.dpo.received_action).to_string(),
        ),
        DpoMail::ToDpo => (
            td_string!(locale, mail.dpo.to_dpo_subject, number = number).to_string(),
            vec![td_string!(locale, mail.dpo.to_dpo_intro, date = due).to_string()],
            td_string!(locale, mail.dpo.to_dpo_action).to_string(),
        ),
        DpoMail::Answered => (
            td_string!(
                locale,
                mail.dpo.answered_subject,
                number = number,
                commune = commune
            )
            .to_string(),
            vec![td_string!(locale, mail.dpo.answered_intro).to_string()],
            td_string!(locale, mail.dpo.answered_action).to_string(),
        ),
    };
    if !answer.is_empty() {
        paragraphs.push(answer.to_owned());
    }
    render(
        to,
        MailContent {
            lang,
            subject,
            paragraphs,
            items: Vec::new(),
            action: (action, link),
            note: td_string!(locale, mail.dpo.note).to_string(),
            signature: td_string!(locale, mail.signature, commune = commune).to_string(),
        },
    )
}

/// The town hall answered (or changed the status of) a proposal `to` follows.
pub struct AnswerMail<'a> {
    pub commune: &'a str,
    pub title: &'a str,
    /// The new status, already translated.
    pub status: &'a str,
    /// The answer as the agent typed it (Markdown reads well as plain text).
    pub answer: &'a str,
    pub link: &'a str,
}

pub fn answer_mail(lang: Lang, to: &str, mail: &AnswerMail<'_>) -> OutgoingMail {
    let locale = locale_of(lang);
    let mut paragraphs = vec![td_string!(
        locale,
        mail.answer.intro,
        title = mail.title,
        status = mail.status
    )
    .to_string()];
    if !mail.answer.trim().is_empty() {
        paragraphs.push(mail.answer.trim().to_owned());
    }
    render(
        to,
        MailContent {
            lang,
            subject: td_string!(locale, mail.answer.subject, commune = mail.commune).to_string(),
            paragraphs,
            items: Vec::new(),
            action: (
                td_string!(locale, mail.answer.action).to_string(),
                mail.link,
            ),
            note: td_string!(locale, mail.following_note).to_string(),
            signature: td_string!(locale, mail.signature, commune = mail.commune).to_string(),
        },
    )
}

/// News of a request: its acknowledgement, a status change, an agent's message.
pub struct RequestMail<'a> {
    pub commune: &'a str,
    pub reference: &'a str,
    pub service: &'a str,
    /// What happened, as [`RequestNews`].
    pub news: RequestNews,
    /// The agent's message, if any.
    pub message: &'a str,
    pub link: &'a str,
}

/// What a request mail announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestNews {
    /// The request was received (acknowledgement).
    Received,
    /// Its status changed; the new status, as a status key.
    Status(&'static str),
    /// An agent wrote.
    Message,
}

pub fn request_mail(lang: Lang, to: &str, mail: &RequestMail<'_>) -> OutgoingMail {
    let locale = locale_of(lang);
    let (reference, service) = (mail.reference, mail.service);
    let intro = match mail.news {
        RequestNews::Received => td_string!(
            locale,
            mail.request.received,
            reference = reference,
            service = service
        )
        .to_string(),
        RequestNews::Message => td_string!(
            locale,
            mail.request.message,
            reference = reference,
            service = service
        )
        .to_string(),
        RequestNews::Status(status) => {
            let status = match status {
                "in_progress" => td_string!(locale, requests.status_in_progress),
                "info_requested" => td_string!(locale, requests.status_info_requested),
                "accepted" => td_string!(locale, requests.status_accepted),
                "refused" => td_string!(locale, requests.status_refused),
                "closed" => td_string!(locale, requests.status_closed),
                "cancelled" => td_string!(locale, requests.status_cancelled),
                _ => td_string!(locale, requests.status_submitted),
            };
            td_string!(
                locale,
                mail.request.status,
                reference = reference,
                service = service,
                status = status
            )
            .to_string()
        }
    };
    let mut paragraphs = vec![intro];
    if !mail.message.trim().is_empty() {
        paragraphs.push(mail.message.trim().to_owned());
    }
    render(
        to,
        MailContent {
            lang,
            subject: td_string!(
                locale,
                mail.request.subject,
                reference = reference,
                commune = mail.commune
            )
            .to_string(),
            paragraphs,
            items: Vec::new(),
            action: (
                td_string!(locale, mail.request.action).to_string(),
                mail.link,
            ),
            note: td_string!(locale, mail.request.note).to_string(),
            signature: td_string!(locale, mail.signature, commune = mail.commune).to_string(),
        },
    )
}

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

/// "mardi 1 décembre 2026" in the resident's language (`weekday` 0 = Monday).
pub fn long_date(lang: Lang, weekday: u8, day: u8, month: u8, year: i16) -> String {
    let locale = locale_of(lang);
    let weekday = match weekday {
        0 => td_string!(locale, appointments.weekday_0),
        1 => td_string!(locale, appointments.weekday_1),
        2 => td_string!(locale, appointments.weekday_2),
        3 => td_string!(locale, appointments.weekday_3),
        4 => td_string!(locale, appointments.weekday_4),
        5 => td_string!(locale, appointments.weekday_5),
        _ => td_string!(locale, appointments.weekday_6),
    };
    let month = match month {
        1 => td_string!(locale, appointments.month_1),
        2 => td_string!(locale, appointments.month_2),
        3 => td_string!(locale, appointments.month_3),
        4 => td_string!(locale, appointments.month_4),
        5 => td_string!(locale, appointments.month_5),
        6 => td_string!(locale, appointments.month_6),
        7 => td_string!(locale, appointments.month_7),
        8 => td_string!(locale, appointments.month_8),
        9 => td_string!(locale, appointments.month_9),
        10 => td_string!(locale, appointments.month_10),
        11 => td_string!(locale, appointments.month_11),
        _ => td_string!(locale, appointments.month_12),
    };
    format!("{weekday} {day} {month} {year}")
}

/// "mardi 1 décembre 2026 à 09:30".
pub fn long_date_time(lang: Lang, date: &str, time: &str) -> String {
    let locale = locale_of(lang);
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

/// The daily digest: new comments on the proposals `to` follows, as
/// (title, number of new comments, link).
pub fn digest_mail(
    lang: Lang,
    to: &str,
    commune: &str,
    proposals: &[(String, i64, String)],
    notifications_link: &str,
) -> OutgoingMail {
    let locale = locale_of(lang);
    let items = proposals
        .iter()
        .map(|(title, count, link)| {
            let count = *count;
            (
                td_string!(locale, mail.digest.item, title = title, count = count).to_string(),
                link.clone(),
            )
        })
        .collect();
    render(
        to,
        MailContent {
            lang,
            subject: td_string!(locale, mail.digest.subject, commune = commune).to_string(),
            paragraphs: vec![td_string!(locale, mail.digest.intro).to_string()],
            items,
            action: (
                td_string!(locale, mail.digest.action).to_string(),
                notifications_link,
            ),
            note: td_string!(locale, mail.following_note).to_string(),
            signature: td_string!(locale, mail.signature, commune = commune).to_string(),
        },
    )
}

/// Escapes text for HTML content and double-quoted attributes.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_are_written_in_the_residents_language_with_the_link_in_both_parts() {
        let link = "https://portail.example/verifier-email?jeton=abc&x=<y>";
        let fr = link_mail(
            LinkMail::VerifyEmail,
            Lang::Fr,
            "a@b.fr",
            "Saint-Aubin",
            link,
        );
        let en = link_mail(
            LinkMail::VerifyEmail,
            Lang::En,
            "a@b.fr",
            "Saint-Aubin",
            link,
        );
        assert_ne!(fr.subject, en.subject);
        assert!(fr.text.contains(link));
        assert!(fr.html.contains("jeton=abc&amp;x=&lt;y&gt;"), "{}", fr.html);
        assert!(!fr.html.contains("<y>"));
        assert!(en.html.contains("lang=\"en\""));
    }

    #[test]
    fn every_kind_of_mail_has_its_own_subject() {
        let kinds = [
            LinkMail::VerifyEmail,
            LinkMail::AlreadyRegistered,
            LinkMail::ResetPassword,
            LinkMail::MagicLink,
            LinkMail::ChangeEmail,
        ];
        let subjects: std::collections::BTreeSet<String> = kinds
            .iter()
            .map(|k| link_mail(*k, Lang::Fr, "a@b.fr", "X", "https://x").subject)
            .collect();
        assert_eq!(subjects.len(), kinds.len());
    }
}
