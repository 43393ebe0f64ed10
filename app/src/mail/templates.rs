//! The mails Parvis sends, in French and English, as plain text and HTML. Every text
//! comes from `locales/*.json` (section `mail`).

use super::outbox::OutgoingMail;
use crate::i18n::{td_string, Locale};
use crate::site::Lang;

mod appointments;
mod requests;
pub use appointments::*;
pub use requests::*;

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

/// A time in a mail, in full and in Paris time: "samedi 6 décembre 2026 à 13 h 56".
pub fn when(lang: Lang, epoch_ms: i64) -> String {
    crate::ui::time::text(
        locale_of(lang),
        epoch_ms,
        crate::ui::time::Style::Full,
        None,
    )
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

    #[test]
    fn a_request_mail_s_subject_says_what_happened() {
        let subject = |news, lang| {
            let mail = RequestMail {
                commune: "Saint-Aubin",
                reference: "2026-000002",
                service: "Cantine",
                news,
                message: "",
                link: "https://x",
            };
            request_mail(lang, "a@b.fr", &mail).subject
        };
        assert_eq!(
            subject(RequestNews::Status("info_requested"), Lang::Fr),
            "Information demandée sur votre demande 2026-000002 – Saint-Aubin"
        );
        assert_eq!(
            subject(RequestNews::Status("accepted"), Lang::Fr),
            "Votre demande 2026-000002 est acceptée – Saint-Aubin"
        );
        assert_eq!(
            subject(RequestNews::Received, Lang::En),
            "Request 2026-000002 received – Saint-Aubin"
        );
        let all = [
            RequestNews::Received,
            RequestNews::Message,
            RequestNews::Status("info_requested"),
            RequestNews::Status("in_progress"),
            RequestNews::Status("accepted"),
            RequestNews::Status("refused"),
            RequestNews::Status("closed"),
            RequestNews::Status("cancelled"),
        ];
        let subjects: std::collections::BTreeSet<String> =
            all.iter().map(|n| subject(*n, Lang::Fr)).collect();
        assert_eq!(subjects.len(), all.len());
    }

    #[test]
    fn times_in_mails_are_in_paris_time_and_in_words() {
        // 1 July 2026, 07:30 UTC: 9 h 30 in Paris (summer time).
        assert_eq!(
            when(Lang::Fr, 1_782_891_000_000),
            "mercredi 1er juillet 2026 à 9 h 30"
        );
        assert_eq!(
            when(Lang::En, 1_782_891_000_000),
            "Wednesday 1 July 2026, 9:30"
        );
    }
}
