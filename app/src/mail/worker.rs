//! The background worker that drains the outbox: SMTP when configured, otherwise `.eml`
//! files in a local folder (the embedded default). Failed attempts are retried with
//! exponential backoff; the worker also does the periodic housekeeping of the database.

use super::outbox::{self, QueuedMail};
use crate::server::clock::Clock;
use crate::server::db::Db;
use anyhow::Context;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Attempts before a mail is given up (retries spread over about 16 hours).
pub const MAX_ATTEMPTS: i32 = 12;

/// How mail leaves Parvis.
#[derive(Clone)]
pub enum Transport {
    /// A mail server (`PARVIS_SMTP_URL`, e.g. `smtps://user:pass@smtp.example:465`).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per mail in a folder (no mail server configured), named after
    /// the mail's row in the outbox (`mail-<id>.eml`).
    Folder(PathBuf),
}

/// How long a process holds a mail it took for an attempt before any process may try it
/// again (it died mid-attempt). Longer than the SMTP timeout.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(120);

/// The transport and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    lease: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Mailer {
    /// SMTP when `smtp_url` is set, otherwise files in `folder` (created if needed).
    pub fn new(smtp_url: Option<&str>, folder: PathBuf, from: &str) -> anyhow::Result<Mailer> {
        let from: Mailbox = from
            .parse()
            .map_err(|err| anyhow::anyhow!("PARVIS_MAIL_FROM: {err}"))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|err| anyhow::anyhow!("PARVIS_SMTP_URL: {err}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&folder).with_context(|| {
                    format!("PARVIS_MAIL_DIR: cannot create {}", folder.display())
                })?;
                Transport::Folder(folder)
            }
        };
        Ok(Mailer {
            transport,
            from,
            lease: DEFAULT_LEASE,
        })
    }

    /// Sets how long an attempt holds its mail (`PARVIS_MAIL_LEASE_SECONDS`).
    pub fn with_lease(mut self, lease: Duration) -> Mailer {
        self.lease = lease;
        self
    }

    /// One line for the start-up log and the run command.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => format!("SMTP, from {}", self.from),
            Transport::Folder(dir) => format!("written as .eml files to {}", dir.display()),
        }
    }

    fn message(&self, mail: &QueuedMail) -> anyhow::Result<Message> {
        // A bare address only: a display name or a second address in the stored text
        // (`a@b.fr <c@d.fr>`) is refused rather than followed.
        let to = Mailbox::new(
            None,
            mail.to_address
                .parse::<lettre::Address>()
                .context("recipient address")?,
        );
        let body = MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.text_body.clone()),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(mail.html_body.clone()),
            );
        let body = match &mail.calendar {
            Some(calendar) => {
                // The part's method must repeat the calendar's own.
                let method = if calendar.contains("METHOD:CANCEL") {
                    "CANCEL"
                } else {
                    "PUBLISH"
                };
                MultiPart::mixed().multipart(body).singlepart(
                    Attachment::new("rendez-vous.ics".to_owned()).body(
                        calendar.clone(),
                        ContentType::parse(&format!(
                            "text/calendar; charset=utf-8; method={method}"
                        ))
                        .context("calendar content type")?,
                    ),
                )
            }
            None => body,
        };
        // One Message-ID per queued mail, the same on every attempt: a mail sent again
        // after a process died between sending it and recording it (delivery is at
        // least once) is recognised as the same message by the receiving side.
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .message_id(Some(format!("<parvis-outbox-{}@{domain}>", mail.id)))
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(body)
            .context("building a mail")
    }

    /// Sends one mail.
    pub async fn send(&self, mail: &QueuedMail) -> anyhow::Result<()> {
        let message = self.message(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.context("SMTP delivery")?;
            }
            Transport::Folder(dir) => {
                // Written whole then renamed: a second attempt replaces the file, so a
                // folder holds each mail once whatever happened to the processes.
                let path = dir.join(format!("mail-{:010}.eml", mail.id));
                let partial = dir.join(format!(".mail-{:010}.{}.tmp", mail.id, std::process::id()));
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .context("writing the mail file")?;
                tokio::fs::rename(&partial, &path)
                    .await
                    .context("writing the mail file")?;
            }
        }
        Ok(())
    }
}

/// When to retry after the `attempts`-th failed attempt, or `None` to give up:
/// 30 s, 1 min, 2 min … doubling up to 6 hours.
pub fn retry_delay_ms(attempts: i32) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.max(1) - 1).unwrap_or(0).min(20);
    Some((30_000_i64 << exponent).min(6 * 3_600_000))
}

/// Tries every due mail once; returns how many were delivered.
pub async fn drain_once(db: &Db, clock: &Clock, mailer: &Mailer) -> anyhow::Result<usize> {
    let lease_ms = i64::try_from(mailer.lease.as_millis()).unwrap_or(i64::MAX);
    let mut delivered = 0;
    loop {
        let batch = outbox::due(db, clock.now_ms(), 20).await?;
        if batch.is_empty() {
            return Ok(delivered);
        }
        for mail in batch {
            if !outbox::claim(db, &mail, clock.now_ms(), lease_ms).await? {
                continue;
            }
            match mailer.send(&mail).await {
                Ok(()) => {
                    outbox::mark_sent(db, mail.id, clock.now_ms()).await?;
                    delivered += 1;
                }
                Err(err) => {
                    let attempts = mail.attempts + 1;
                    let retry = retry_delay_ms(attempts).map(|d| clock.now_ms() + d);
                    tracing::warn!(
                        mail = mail.id,
                        attempts,
                        error = format!("{err:#}"),
                        will_retry = retry.is_some(),
                        "mail delivery failed"
                    );
                    outbox::mark_failed(db, mail.id, &format!("{err:#}"), retry, clock.now_ms())
                        .await?;
                }
            }
        }
    }
}

/// Runs until the process stops: drains the outbox when woken (a mail was queued) or
/// every few seconds, and purges expired rows every ten minutes.
pub async fn run(db: Db, clock: Clock, mailer: Mailer, wakeup: Arc<Notify>) {
    let mut last_housekeeping = i64::MIN;
    loop {
        if let Err(err) = drain_once(&db, &clock, &mailer).await {
            tracing::error!(error = format!("{err:#}"), "mail outbox");
        }
        let now = clock.now_ms();
        if now.saturating_sub(last_housekeeping) > 600_000 {
            last_housekeeping = now;
            if let Err(err) = housekeeping(&db, now).await {
                tracing::error!(error = format!("{err:#}"), "housekeeping");
            }
        }
        tokio::select! {
            () = wakeup.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}

async fn housekeeping(db: &Db, now_ms: i64) -> anyhow::Result<()> {
    crate::server::sessions::DbSessionStore::new(db.clone())
        .delete_expired(now_ms)
        .await
        .context("purging expired sessions")?;
    crate::server::ratelimit::purge(db, now_ms).await?;
    outbox::purge_sent(db, now_ms, 30 * 24 * 3_600_000).await?;
    crate::auth::repo::purge_tokens(db.pool(), now_ms).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::outbox::OutgoingMail;

    #[test]
    fn retries_back_off_then_give_up() {
        assert_eq!(retry_delay_ms(1), Some(30_000));
        assert_eq!(retry_delay_ms(2), Some(60_000));
        assert_eq!(retry_delay_ms(9), Some(30_000 * 256));
        assert_eq!(retry_delay_ms(11), Some(6 * 3_600_000));
        assert_eq!(retry_delay_ms(MAX_ATTEMPTS), None);
    }

    fn sample() -> OutgoingMail {
        OutgoingMail {
            to: "camille@example.org".into(),
            subject: "Bonjour".into(),
            text: "Texte".into(),
            html: "<p>Texte</p>".into(),
            calendar: None,
        }
    }

    crate::db_test!(a_mail_server_outage_loses_nothing, |db| {
        let clock = Clock::fixed(1_000_000);
        outbox::enqueue(&db, &sample(), clock.now_ms())
            .await
            .expect("queued");
        // Nothing listens on port 9 of localhost: the attempt fails and is rescheduled.
        let down = Mailer::new(
            Some("smtp://127.0.0.1:9"),
            PathBuf::new(),
            "Mairie <m@x.example>",
        )
        .expect("mailer");
        assert_eq!(drain_once(&db, &clock, &down).await.expect("drain"), 0);
        assert!(outbox::due(&db, clock.now_ms(), 10)
            .await
            .expect("due")
            .is_empty());
        clock.advance_ms(30_000);
        let folder = std::env::temp_dir().join(format!("parvis-mails-{}", rand::random::<u64>()));
        let up = Mailer::new(None, folder.clone(), "Mairie <m@x.example>").expect("mailer");
        assert_eq!(drain_once(&db, &clock, &up).await.expect("drain"), 1);
        let files: Vec<_> = std::fs::read_dir(&folder).expect("folder").collect();
        assert_eq!(files.len(), 1);
        let _ = std::fs::remove_dir_all(folder);
        assert_eq!(
            drain_once(&db, &clock, &up).await.expect("drain"),
            0,
            "sent once only"
        );
    });
}
