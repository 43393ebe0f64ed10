//! Requests to the data protection officer: filed from `/contact-dpo` (signed in or not),
//! acknowledged by mail with their deadline, answered from the DPO's queue (administrators)
//! with the answer mailed and shown in the resident's privacy centre.

use super::model::{DataRequest, DataRequestKind, DPO_MESSAGE_MAX};
use crate::accounts::model::Email;
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::server::state::AppState;
use sqlx::{AnyPool, Row};

/// What the DPO form posts.
pub struct DpoForm<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub message: &'a str,
}

/// A checked form: (kind, name, e-mail, message).
fn parse(form: &DpoForm<'_>) -> Result<(DataRequestKind, String, Email, String), AppError> {
    let mut problems = FieldErrors::new();
    let kind = DataRequestKind::parse(form.kind);
    if kind.is_none() {
        add_field_error(&mut problems, "kind", "errors.dpo_kind");
    }
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        add_field_error(&mut problems, "name", "errors.dpo_name");
    }
    let email = Email::parse(form.email);
    if let Err(key) = email {
        add_field_error(&mut problems, "email", key);
    }
    let message = form.message.trim();
    if message.is_empty() || message.chars().count() > DPO_MESSAGE_MAX {
        add_field_error(&mut problems, "message", "errors.dpo_message");
    }
    match (kind, email) {
        (Some(kind), Ok(email)) if problems.is_empty() => {
            Ok((kind, name.to_owned(), email, message.to_owned()))
        }
        _ => Err(AppError::Validation(problems)),
    }
}

/// Files a request to the DPO; mails its acknowledgement (with the deadline) to the
/// person and a notice to the DPO. Its number.
pub async fn file(
    state: &AppState,
    user_id: Option<i64>,
    form: &DpoForm<'_>,
    client_ip: &str,
) -> Result<i64, AppError> {
    let (kind, name, email, message) = parse(form)?;
    let now = state.clock.now_ms();
    // Anyone may write: a few requests per address and network a day.
    let bucket = match user_id {
        Some(id) => format!("dpo-user:{id}"),
        None => format!("dpo-ip:{client_ip}"),
    };
    let limit = crate::server::ratelimit::Limit::per_day(5);
    if !crate::server::ratelimit::allow(&state.db, &bucket, limit, now)
        .await
        .map_err(internal)?
    {
        return Err(AppError::RateLimited);
    }
    let due = crate::server::paris::one_month_later(now);
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO data_requests (user_id, kind, name, email, message, created_at, due_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user_id)
    .bind(kind.key())
    .bind(&name)
    .bind(email.as_str())
    .bind(&message)
    .bind(now)
    .bind(due)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let lang = crate::server::request::lang();
    let commune = &state.site.commune_name;
    let ack = crate::mail::templates::dpo_mail(
        crate::mail::templates::DpoMail::Received,
        lang,
        email.as_str(),
        commune,
        id,
        &crate::mail::templates::when(lang, due),
        "",
        &link(state, "/contact-dpo"),
    );
    crate::mail::outbox::enqueue_in(&mut tx, &ack, now)
        .await
        .map_err(internal)?;
    if !state.site.dpo_email.is_empty() {
        let notice = crate::mail::templates::dpo_mail(
            crate::mail::templates::DpoMail::ToDpo,
            crate::site::Lang::Fr,
            &state.site.dpo_email,
            commune,
            id,
            &crate::mail::templates::when(crate::site::Lang::Fr, due),
            "",
            &link(state, "/admin/donnees"),
        );
        crate::mail::outbox::enqueue_in(&mut tx, &notice, now)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok(id)
}

fn link(state: &AppState, path: &str) -> String {
    state
        .public_url
        .join(path)
        .map(|u| u.to_string())
        .unwrap_or_default()
}

/// Answers request `id` (administrators): the answer is recorded and mailed.
pub async fn answer(
    state: &AppState,
    admin_id: i64,
    id: i64,
    raw_answer: &str,
) -> Result<(), AppError> {
    let answer = raw_answer.trim();
    if answer.is_empty() || answer.chars().count() > DPO_MESSAGE_MAX {
        return Err(AppError::field("answer", "errors.dpo_answer"));
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let row = sqlx::query(
        "UPDATE data_requests SET answer = $1, answered_by = $2, answered_at = $3 \
         WHERE id = $4 AND answered_at IS NULL RETURNING email, user_id",
    )
    .bind(answer)
    .bind(admin_id)
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?
    .ok_or(AppError::Conflict("errors.dpo_answered".into()))?;
    let email: String = row.try_get("email").map_err(internal)?;
    let user_id: Option<i64> = row.try_get("user_id").map_err(internal)?;
    let lang = match user_id {
        Some(user) => sqlx::query_scalar::<_, String>("SELECT lang FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?
            .and_then(|l| crate::site::Lang::parse(&l))
            .unwrap_or(crate::site::Lang::Fr),
        None => crate::site::Lang::Fr,
    };
    let target = if user_id.is_some() {
        "/mon-espace/donnees#dpo"
    } else {
        "/contact-dpo"
    };
    let mail = crate::mail::templates::dpo_mail(
        crate::mail::templates::DpoMail::Answered,
        lang,
        &email,
        &state.site.commune_name,
        id,
        "",
        answer,
        &link(state, target),
    );
    crate::mail::outbox::enqueue_in(&mut tx, &mail, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok(())
}

const SELECT: &str =
    "SELECT id, kind, name, email, message, answer, created_at, due_at, answered_at \
     FROM data_requests";

fn request_of(row: &sqlx::any::AnyRow, now_ms: i64) -> sqlx::Result<DataRequest> {
    let answered_at: Option<i64> = row.try_get("answered_at")?;
    let due: i64 = row.try_get("due_at")?;
    Ok(DataRequest {
        id: row.try_get("id")?,
        kind: DataRequestKind::parse(&row.try_get::<String, _>("kind")?)
            .unwrap_or(DataRequestKind::Other),
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        message: row.try_get("message")?,
        answered: answered_at.is_some(),
        answer: row.try_get("answer")?,
        created_at_ms: row.try_get("created_at")?,
        due_at_ms: due,
        overdue: answered_at.is_none() && due < now_ms,
        answered_at_ms: answered_at,
    })
}

/// A person's requests to the DPO, newest first.
pub async fn mine(pool: &AnyPool, user_id: i64, now_ms: i64) -> sqlx::Result<Vec<DataRequest>> {
    sqlx::query(&format!(
        "{SELECT} WHERE user_id = $1 ORDER BY id DESC LIMIT 50"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| request_of(row, now_ms))
    .collect()
}

/// The DPO's queue: open requests by deadline, then the 20 latest answered.
pub async fn queue(pool: &AnyPool, now_ms: i64) -> sqlx::Result<Vec<DataRequest>> {
    let mut open = sqlx::query(&format!(
        "{SELECT} WHERE answered_at IS NULL ORDER BY due_at, id LIMIT 200"
    ))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| request_of(row, now_ms))
    .collect::<sqlx::Result<Vec<_>>>()?;
    let answered = sqlx::query(&format!(
        "{SELECT} WHERE answered_at IS NOT NULL ORDER BY answered_at DESC, id DESC LIMIT 20"
    ))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| request_of(row, now_ms))
    .collect::<sqlx::Result<Vec<_>>>()?;
    open.extend(answered);
    Ok(open)
}
