//! Mails about a request: its acknowledgement, a change of status, a message from an
//! agent.

use super::{locale_of, render, MailContent};
use crate::i18n::{td_string, Locale};
use crate::mail::outbox::OutgoingMail;
use crate::site::Lang;

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
            subject: request_subject(locale, mail.news, reference, mail.commune),
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

/// A request mail's subject says what happened, and whether the town hall now waits for
/// the resident ("Information demandée sur votre demande 2026-000002").
fn request_subject(locale: Locale, news: RequestNews, reference: &str, commune: &str) -> String {
    macro_rules! subject {
        ($key:ident) => {
            td_string!(
                locale,
                mail.request.$key,
                reference = reference,
                commune = commune
            )
            .to_string()
        };
    }
    match news {
        RequestNews::Received => subject!(subject_received),
        RequestNews::Message => subject!(subject_message),
        RequestNews::Status("info_requested") => subject!(subject_info_requested),
        RequestNews::Status("in_progress") => subject!(subject_in_progress),
        RequestNews::Status("accepted") => subject!(subject_accepted),
        RequestNews::Status("refused") => subject!(subject_refused),
        RequestNews::Status("closed") => subject!(subject_closed),
        RequestNews::Status("cancelled") => subject!(subject_cancelled),
        RequestNews::Status(_) => subject!(subject_status),
    }
}
