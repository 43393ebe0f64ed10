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

/// Renders a link mail to `to` in `lang`.
pub fn link_mail(kind: LinkMail, lang: Lang, to: &str, commune: &str, link: &str) -> OutgoingMail {
    let locale = match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    };
    let t = texts(kind, locale, commune);
    let signature = td_string!(locale, mail.signature, commune = commune).to_string();
    let text = format!(
        "{intro}\n\n{action} :\n{link}\n\n{note}\n\n-- \n{signature}\n",
        intro = t.intro,
        action = t.action,
        note = t.note,
    );
    let esc = escape_html;
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
         <body style=\"font-family:sans-serif;line-height:1.5;color:#161616\">\
         <p>{intro}</p>\
         <p><a href=\"{href}\" style=\"display:inline-block;padding:.6em 1.2em;background:#1d3a6e;color:#fff;text-decoration:none;border-radius:4px\">{action}</a></p>\
         <p style=\"font-size:.9em\">{link_text}</p>\
         <p>{note}</p><p>{signature}</p></body></html>",
        lang = lang.code(),
        subject = esc(&t.subject),
        intro = esc(&t.intro),
        href = esc(link),
        action = esc(&t.action),
        link_text = esc(link),
        note = esc(&t.note),
        signature = esc(&signature),
    );
    OutgoingMail {
        to: to.to_owned(),
        subject: t.subject,
        text,
        html,
    }
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
