//! Official answers: the town hall sets a proposal's status with a public text. Each
//! change is kept (the history shown on the page); followers get a notification and a
//! mail, written in the same transaction as the answer.

use super::model::{LiveEvent, OfficialAnswer, ProposalStatus, ANSWER_MAX_CHARS};
use super::service::render_markdown;
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::i18n::Locale;
use crate::mail::templates::{answer_mail, AnswerMail};
use crate::server::state::AppState;
use crate::site::Lang;
use sqlx::{AnyConnection, AnyPool, Row};

/// A status and an answer as an agent typed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerForm {
    pub status: ProposalStatus,
    /// Markdown; empty for a status change without text.
    pub answer: String,
}

impl AnswerForm {
    pub fn parse(status: &str, answer: &str) -> Result<AnswerForm, AppError> {
        let mut errors = FieldErrors::new();
        let parsed = ProposalStatus::parse(status);
        if status.trim().is_empty() {
            add_field_error(&mut errors, "status", "errors.required");
        } else if parsed.is_none() {
            add_field_error(&mut errors, "status", "errors.choice_unknown");
        }
        let answer = answer.trim();
        if answer.chars().count() > ANSWER_MAX_CHARS {
            add_field_error(&mut errors, "answer", "errors.body_too_long");
        }
        match parsed {
            Some(status) if errors.is_empty() => Ok(AnswerForm {
                status,
                answer: answer.to_owned(),
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// A status's name in mails.
pub fn status_text(lang: Lang, status: ProposalStatus) -> String {
    let locale = match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    };
    status.words(locale).to_owned()
}

/// Records `agent_id`'s answer to a proposal: new status, history row, live event,
/// followers' notifications and mails, in one transaction. A withdrawn proposal is
/// closed to answers.
pub async fn answer_proposal(
    state: &AppState,
    agent_id: i64,
    proposal_id: i64,
    form: &AnswerForm,
) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let html = render_markdown(&form.answer);
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let proposal = crate::forum::service::require_published(&mut tx, proposal_id).await?;
    if proposal.withdrawn {
        return Err(AppError::Closed);
    }
    let title = insert_answer(&mut tx, proposal_id, agent_id, form, &html, now)
        .await
        .map_err(internal)?;
    super::events::record(
        &mut tx,
        proposal_id,
        &LiveEvent::Status {
            status: form.status,
        },
        now,
    )
    .await
    .map_err(internal)?;
    crate::notifications::repo::notify_answer(&mut tx, proposal_id, now)
        .await
        .map_err(internal)?;
    let mut link = (*state.public_url).clone();
    link.set_path(&format!("/forum/propositions/{proposal_id}"));
    for lang in [Lang::Fr, Lang::En] {
        let status = status_text(lang, form.status);
        let mail = answer_mail(
            lang,
            "",
            &AnswerMail {
                commune: &state.site.commune_name,
                title: &title,
                status: &status,
                answer: &form.answer,
                link: link.as_str(),
            },
        );
        mail_followers(&mut tx, proposal_id, lang, &mail, now)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.live_changed(Some(proposal_id));
    state.mail_wakeup.notify_one();
    Ok(())
}

/// Stores the answer and the proposal's new status; the proposal's title.
async fn insert_answer(
    conn: &mut AnyConnection,
    proposal_id: i64,
    agent_id: i64,
    form: &AnswerForm,
    html: &str,
    now_ms: i64,
) -> sqlx::Result<String> {
    sqlx::query(
        "INSERT INTO proposal_answers (proposal_id, agent_id, status, answer, answer_html, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(proposal_id)
    .bind(agent_id)
    .bind(form.status.as_str())
    .bind(&form.answer)
    .bind(html)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    let answered_at = (!form.answer.is_empty()).then_some(now_ms);
    sqlx::query_scalar(
        "UPDATE proposals SET status = $1, answered_at = COALESCE($2, answered_at), \
         updated_at = $3 WHERE id = $4 RETURNING title",
    )
    .bind(form.status.as_str())
    .bind(answered_at)
    .bind(now_ms)
    .bind(proposal_id)
    .fetch_one(&mut *conn)
    .await
}

/// Queues `mail` (its `to` is filled per follower) for every follower of the proposal
/// who reads `lang` and confirmed their address: one statement, whatever their number.
async fn mail_followers(
    conn: &mut AnyConnection,
    proposal_id: i64,
    lang: Lang,
    mail: &crate::mail::outbox::OutgoingMail,
    now_ms: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO mail_outbox (to_address, subject, text_body, html_body, created_at, next_attempt_at) \
         SELECT u.email, $1, $2, $3, $4, $4 FROM proposal_follows f JOIN users u ON u.id = f.user_id \
         WHERE f.proposal_id = $5 AND u.lang = $6 AND u.email_verified_at IS NOT NULL",
    )
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(now_ms)
    .bind(proposal_id)
    .bind(lang.code())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Every status change of a proposal, newest first.
pub async fn history(pool: &AnyPool, proposal_id: i64) -> sqlx::Result<Vec<OfficialAnswer>> {
    let rows = sqlx::query(
        "SELECT status, answer_html, created_at FROM proposal_answers WHERE proposal_id = $1 \
         ORDER BY id DESC",
    )
    .bind(proposal_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok(OfficialAnswer {
                status: ProposalStatus::parse(&status).unwrap_or(ProposalStatus::Open),
                answer_html: row.try_get("answer_html")?,
                created_at_ms: row.try_get("created_at")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_needs_a_known_status_and_a_bounded_text() {
        assert!(AnswerForm::parse("accepted", "").is_ok());
        let Err(AppError::Validation(errors)) = AnswerForm::parse("approved", &"x".repeat(10_001))
        else {
            panic!("expected validation errors");
        };
        assert_eq!(errors["status"], ["errors.choice_unknown"]);
        assert_eq!(errors["answer"], ["errors.body_too_long"]);
    }
}
