//! Agents at work: a service's queue, status changes with a message to the resident,
//! internal notes, assignment, requests filed at the counter, statistics, CSV export.
//! Every action checks that the agent is in the service's team.

use super::catalogue_repo as catalogue;
use super::model::{Channel, Status};
use super::requests_repo::{self as repo, NewEvent, NewRequest};
use super::service::{load, side_of, tell_resident, Actor, Side};
use super::views::{Durations, EventKind, Paged, Queue, QueueFilter, ServiceSummary, Stats};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::mail::templates::RequestNews;
use crate::server::state::AppState;

/// Requests per queue page.
pub const QUEUE_PAGE: u32 = 25;

/// The service, if `actor` is an agent of its team.
pub async fn check_team(
    state: &AppState,
    actor: Actor,
    service_id: i64,
) -> Result<ServiceSummary, AppError> {
    if !actor.agent {
        return Err(AppError::Forbidden);
    }
    // The agent's services are those whose team they are in: one query answers both
    // "is this agent in the team?" and "what is this service?".
    catalogue::services_of_agent(state.db.pool(), actor.id)
        .await
        .map_err(internal)?
        .into_iter()
        .find(|s| s.id == service_id)
        .ok_or(AppError::Forbidden)
}

/// The request, if `actor` is an agent of its service.
async fn check_agent_of(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<super::requests_repo::RequestRow, AppError> {
    let row = load(state, id).await?;
    match side_of(state, actor, &row).await? {
        Side::Agent => Ok(row),
        Side::Resident => Err(AppError::Forbidden),
    }
}

/// Moves a request to `to`, with a message to the resident (required for a request
/// for information and for a decision). Status, timeline entry, message, notification
/// and mail are one transaction.
pub async fn change_status(
    state: &AppState,
    actor: Actor,
    id: i64,
    to: Status,
    message: &str,
) -> Result<(), AppError> {
    check_agent_of(state, actor, id).await?;
    let message = message.trim();
    let mut errors = FieldErrors::new();
    if to.needs_reason() && message.is_empty() {
        add_field_error(&mut errors, "message", "errors.request_reason_required");
    }
    if message.chars().count() > super::model::LONG_TEXT_MAX {
        add_field_error(&mut errors, "message", "errors.text_too_long");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let row = repo::find_for_update(&mut tx, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if !row.status.agent_moves().contains(&to) {
        return Err(AppError::Conflict("errors.request_move_invalid".into()));
    }
    repo::set_status(&mut tx, id, to, now)
        .await
        .map_err(internal)?;
    let event = NewEvent {
        request_id: id,
        kind: EventKind::Status,
        status: Some(to),
        author_id: Some(actor.id),
        from_agent: true,
        body: message,
    };
    repo::insert_event(&mut tx, &event, now)
        .await
        .map_err(internal)?;
    repo::mark_unread(&mut tx, id, false)
        .await
        .map_err(internal)?;
    tell_resident(
        state,
        &mut tx,
        id,
        RequestNews::Status(to.as_str()),
        message,
        true,
        now,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// An internal note: agents only, never shown to the resident.
pub async fn add_note(state: &AppState, actor: Actor, id: i64, body: &str) -> Result<(), AppError> {
    check_agent_of(state, actor, id).await?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("note", "errors.required"));
    }
    if body.chars().count() > super::model::LONG_TEXT_MAX {
        return Err(AppError::field("note", "errors.text_too_long"));
    }
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let event = NewEvent {
        request_id: id,
        kind: EventKind::Note,
        status: None,
        author_id: Some(actor.id),
        from_agent: true,
        body,
    };
    repo::insert_event(&mut tx, &event, state.clock.now_ms())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Gives a request to an agent of the team (`None`: to nobody).
pub async fn assign(
    state: &AppState,
    actor: Actor,
    id: i64,
    assignee: Option<i64>,
) -> Result<(), AppError> {
    let row = check_agent_of(state, actor, id).await?;
    let team = catalogue::team(state.db.pool(), row.service_id)
        .await
        .map_err(internal)?;
    let name = match assignee {
        Some(a) => team
            .iter()
            .find(|p| p.id == a)
            .map(|p| p.name.clone())
            .ok_or_else(|| AppError::field("assignee", "errors.choice_unknown"))?,
        None => String::new(),
    };
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    repo::assign(&mut tx, id, assignee, now)
        .await
        .map_err(internal)?;
    let event = NewEvent {
        request_id: id,
        kind: EventKind::Assigned,
        status: None,
        author_id: Some(actor.id),
        from_agent: true,
        body: &name,
    };
    repo::insert_event(&mut tx, &event, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Who a request filed at the counter, by phone or by mail is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterForm {
    pub channel: String,
    /// The resident's account e-mail, or a contact address.
    pub email: String,
    pub name: String,
    pub phone: String,
}

/// Who an agent acts for at the counter: the account of `email` when there is one
/// (its id), otherwise a name with a phone number or an e-mail address. Problems are
/// added to `errors`; the e-mail comes back trimmed.
pub async fn counter_resident(
    state: &AppState,
    email: &str,
    name: &str,
    phone: &str,
    errors: &mut FieldErrors,
) -> Result<(Option<i64>, String), AppError> {
    let mut email = email.trim().to_owned();
    let account = if email.is_empty() {
        None
    } else {
        match crate::accounts::model::Email::parse(&email) {
            Ok(parsed) => {
                email = parsed.as_str().to_owned();
                crate::accounts::repo::find_by_email(state.db.pool(), &parsed)
                    .await
                    .map_err(internal)?
                    .map(|u| u.id)
            }
            Err(_) => {
                add_field_error(errors, "email", "errors.email_invalid");
                None
            }
        }
    };
    let (name, phone) = (name.trim(), phone.trim());
    if account.is_none() {
        if name.is_empty() {
            add_field_error(errors, "name", "errors.name_required");
        }
        if email.is_empty() && phone.is_empty() {
            add_field_error(errors, "phone", "errors.request_contact_required");
        }
    }
    if name.chars().count() > 120 || phone.chars().count() > 40 {
        add_field_error(errors, "name", "errors.text_too_long");
    }
    Ok((account, email))
}

/// Starts a request on behalf of a resident: linked to their account when the e-mail
/// is one, else to the contact details given. The agent then fills in the form.
pub async fn start_for_resident(
    state: &AppState,
    actor: Actor,
    service_id: i64,
    form: &CounterForm,
) -> Result<i64, AppError> {
    check_team(state, actor, service_id).await?;
    let mut errors = FieldErrors::new();
    let channel = Channel::parse(&form.channel).filter(|c| *c != Channel::Web);
    if channel.is_none() {
        add_field_error(&mut errors, "channel", "errors.required");
    }
    let (account, email) =
        counter_resident(state, &form.email, &form.name, &form.phone, &mut errors).await?;
    let (name, phone) = (form.name.trim(), form.phone.trim());
    let Some(channel) = channel.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let (version, _, _) = catalogue::current_form(&mut tx, service_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let new = NewRequest {
        service_id,
        form_version_id: version,
        user_id: account,
        filed_by: Some(actor.id),
        channel,
        contact_name: if account.is_some() { "" } else { name }.to_owned(),
        contact_email: if account.is_some() {
            String::new()
        } else {
            email
        },
        contact_phone: phone.to_owned(),
    };
    let id = repo::insert_draft(&mut tx, &new, state.clock.now_ms())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// A page of a service's queue.
pub async fn queue(
    state: &AppState,
    actor: Actor,
    service_id: i64,
    filter: &QueueFilter,
    page: u32,
) -> Result<Queue, AppError> {
    let service = check_team(state, actor, service_id).await?;
    let page = page.max(1);
    let pool = state.db.pool();
    let (items, total) = repo::queue(
        pool,
        service_id,
        filter,
        actor.id,
        state.clock.now_ms(),
        Some((page, QUEUE_PAGE)),
    )
    .await
    .map_err(internal)?;
    Ok(Queue {
        service,
        requests: Paged::new(items, total, page, QUEUE_PAGE),
        team: catalogue::team(pool, service_id).await.map_err(internal)?,
    })
}

/// The queue as CSV (every matching request), for a spreadsheet.
pub async fn queue_csv(
    state: &AppState,
    actor: Actor,
    service_id: i64,
    filter: &QueueFilter,
) -> Result<String, AppError> {
    check_team(state, actor, service_id).await?;
    let (items, _) = repo::queue(
        state.db.pool(),
        service_id,
        filter,
        actor.id,
        state.clock.now_ms(),
        None,
    )
    .await
    .map_err(internal)?;
    let mut out = crate::server::csv::SafeCsv::new();
    out.row([
        "numero",
        "statut",
        "demandeur",
        "canal",
        "agent",
        "depose_le",
        "mis_a_jour",
    ])?;
    for r in items {
        out.row([
            r.reference.unwrap_or_default(),
            r.status.as_str().to_owned(),
            r.resident,
            r.channel.as_str().to_owned(),
            r.assignee.unwrap_or_default(),
            r.submitted_at
                .map(crate::server::paris::format)
                .unwrap_or_default(),
            crate::server::paris::format(r.updated_at),
        ])?;
    }
    out.finish()
}

/// Processing figures: by status, and submission-to-decision times over the last 12
/// months, overall and per month.
pub async fn stats(state: &AppState, actor: Actor, service_id: i64) -> Result<Stats, AppError> {
    let service = check_team(state, actor, service_id).await?;
    let pool = state.db.pool();
    let mut by_status = repo::count_by_status(pool, service_id)
        .await
        .map_err(internal)?;
    by_status.sort();
    let since = state.clock.now_ms() - 366 * 86_400_000;
    let times = repo::processing_times(pool, service_id, since)
        .await
        .map_err(internal)?;
    let month_of = |ms: i64| {
        crate::server::paris::day(ms)
            .get(..7)
            .unwrap_or_default()
            .to_owned()
    };
    let mut months: Vec<Durations> = Vec::new();
    let mut month_times: Vec<Vec<(i64, Option<i64>)>> = Vec::new();
    for (submitted, decided) in &times {
        let month = month_of(*submitted);
        if months.last().is_none_or(|m| m.month != month) {
            months.push(durations(month, &[]));
            month_times.push(Vec::new());
        }
        if let Some(list) = month_times.last_mut() {
            list.push((*submitted, *decided));
        }
    }
    for (m, list) in months.iter_mut().zip(&month_times) {
        *m = durations(std::mem::take(&mut m.month), list);
    }
    months.reverse();
    Ok(Stats {
        service,
        by_status,
        overall: durations(String::new(), &times),
        months,
    })
}

/// Median and 90th percentile (nearest rank) of decision times, in hours.
pub fn durations(month: String, times: &[(i64, Option<i64>)]) -> Durations {
    let mut hours: Vec<i64> = times
        .iter()
        .filter_map(|(s, d)| d.map(|d| (d - s).max(0) / 3_600_000))
        .collect();
    hours.sort_unstable();
    let rank = |p: f64| -> Option<i64> {
        if hours.is_empty() {
            return None;
        }
        let n = hours.len() as f64;
        let idx = ((p * n).ceil() as usize).clamp(1, hours.len()) - 1;
        hours.get(idx).copied()
    };
    Durations {
        month,
        submitted: i64::try_from(times.len()).unwrap_or(i64::MAX),
        decided: i64::try_from(hours.len()).unwrap_or(i64::MAX),
        median_hours: rank(0.5),
        p90_hours: rank(0.9),
    }
}

#[cfg(test)]
mod tests {
    use super::durations;

    #[test]
    fn median_and_ninetieth_percentile_count_decided_requests_only() {
        let h = 3_600_000;
        let times: Vec<(i64, Option<i64>)> = (1..=10)
            .map(|i| (0, Some(i * h)))
            .chain([(0, None)])
            .collect();
        let d = durations(String::new(), &times);
        assert_eq!((d.submitted, d.decided), (11, 10));
        assert_eq!(d.median_hours, Some(5));
        assert_eq!(d.p90_hours, Some(9));
        assert_eq!(durations(String::new(), &[]).median_hours, None);
    }
}
