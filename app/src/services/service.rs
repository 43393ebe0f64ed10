//! The rules of requests, for residents and for the agents who file for them: who may
//! see and change a request, drafts, submission with its tracking number and
//! acknowledgement, cancelling, messages. Agents' processing is in `processing.rs`.

use super::catalogue_repo as catalogue;
use super::files::{self, Upload};
use super::model::{self, Channel, RawForm, Status};
use super::requests_repo::{self as repo, NewAttachment, NewEvent, NewRequest, RequestRow};
use super::views::{Dashboard, EventKind, Paged, RequestView};
use crate::auth::model::CurrentUser;
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::mail::templates::{RequestMail, RequestNews};
use crate::server::state::AppState;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    pub agent: bool,
    pub admin: bool,
}

impl Actor {
    pub fn of(user: &CurrentUser) -> Actor {
        use crate::accounts::model::Role;
        Actor {
            id: user.id,
            agent: user.has_role(Role::Agent),
            admin: user.has_role(Role::Admin),
        }
    }
}

/// On which side of a request the actor stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The resident it is for.
    Resident,
    /// An agent of its service.
    Agent,
}

/// The side of `actor` on `row`, or `NotFound` (nobody learns that someone else's
/// request exists). A draft belongs to whoever writes it until it is filed: a resident's
/// draft (its form, its files) is theirs alone, not yet the service's; a draft an agent
/// fills in for a resident at the counter is the agents' only.
pub async fn side_of(state: &AppState, actor: Actor, row: &RequestRow) -> Result<Side, AppError> {
    if row.status == Status::Draft && row.filed_by.is_none() {
        return if row.user_id == Some(actor.id) {
            Ok(Side::Resident)
        } else {
            Err(AppError::NotFound)
        };
    }
    if actor.agent
        && catalogue::is_member(state.db.pool(), row.service_id, actor.id)
            .await
            .map_err(internal)?
    {
        return Ok(Side::Agent);
    }
    let agents_draft = row.status == Status::Draft && row.filed_by.is_some();
    if row.user_id == Some(actor.id) && !agents_draft {
        return Ok(Side::Resident);
    }
    Err(AppError::NotFound)
}

pub(super) async fn load(state: &AppState, id: i64) -> Result<RequestRow, AppError> {
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    repo::find(&mut conn, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// Starts a request (or returns the resident's draft for the same service).
pub async fn start(state: &AppState, actor: Actor, slug: &str) -> Result<i64, AppError> {
    let service = catalogue::by_slug(state.db.pool(), slug)
        .await
        .map_err(internal)?
        .filter(|s| s.published)
        .ok_or(AppError::NotFound)?;
    if let Some(draft) = repo::own_draft(state.db.pool(), actor.id, service.id)
        .await
        .map_err(internal)?
    {
        return Ok(draft);
    }
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let (version, _, _) = catalogue::current_form(&mut tx, service.id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let new = NewRequest {
        service_id: service.id,
        form_version_id: version,
        user_id: Some(actor.id),
        filed_by: None,
        channel: Channel::Web,
        contact_name: String::new(),
        contact_email: String::new(),
        contact_phone: String::new(),
    };
    let id = repo::insert_draft(&mut tx, &new, state.clock.now_ms())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// What a post of the request form asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Go {
    Save,
    Submit,
}

/// Where a saved form leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Draft,
    Submitted,
}

/// Saves the request form: typed answers (kept even when not valid yet), new files,
/// files removed; with `Go::Submit`, checks everything and submits. Problems come back
/// by field, after what could be kept was kept.
pub async fn save_form(
    state: &AppState,
    actor: Actor,
    id: i64,
    raw: &RawForm,
    uploads: Vec<Upload>,
    go: Go,
) -> Result<Saved, AppError> {
    let row = load(state, id).await?;
    let side = side_of(state, actor, &row).await?;
    check_editable(side, &row)?;
    let fields = {
        let mut conn = state.db.pool().acquire().await.map_err(internal)?;
        catalogue::form_version(&mut conn, row.form_version_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?
            .2
    };
    let mut errors = FieldErrors::new();
    let mut stored = Vec::new();
    for upload in uploads {
        let key = upload.field.strip_prefix("file.").unwrap_or_default();
        let is_file_field = fields
            .iter()
            .any(|f| f.key == key && f.kind == model::FieldKind::File);
        if !is_file_field {
            return Err(AppError::field("form", "errors.invalid"));
        }
        match files::check(&upload) {
            Ok(content_type) => {
                let storage_key = state.uploads.store(&upload.bytes).await?;
                stored.push((key.to_owned(), upload, content_type, storage_key));
            }
            Err(problem) => add_field_error(&mut errors, &upload.field, problem),
        }
    }
    let stored_keys: Vec<String> = stored.iter().map(|s| s.3.clone()).collect();
    let result = save_form_tx(state, actor, &row, &fields, raw, &stored, go, errors).await;
    match result {
        Ok((saved, removed)) => {
            state.uploads.remove(&removed).await;
            state.mail_wakeup.notify_one();
            Ok(saved)
        }
        Err(err) => {
            if !matches!(err, AppError::Validation(_)) {
                state.uploads.remove(&stored_keys).await;
            }
            Err(err)
        }
    }
}

fn check_editable(side: Side, row: &RequestRow) -> Result<(), AppError> {
    let editable = match side {
        Side::Resident => row.status.editable_by_resident(),
        Side::Agent => row.status == Status::Draft && row.filed_by.is_some(),
    };
    if editable {
        Ok(())
    } else {
        Err(AppError::Conflict("errors.request_not_editable".into()))
    }
}

type StoredUpload = (String, Upload, &'static str, String);

#[allow(clippy::too_many_arguments)]
async fn save_form_tx(
    state: &AppState,
    actor: Actor,
    row: &RequestRow,
    fields: &[model::FieldDef],
    raw: &RawForm,
    stored: &[StoredUpload],
    go: Go,
    mut errors: FieldErrors,
) -> Result<(Saved, Vec<String>), AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let current = repo::find_for_update(&mut tx, row.id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if current.status != row.status {
        return Err(AppError::Conflict("errors.request_not_editable".into()));
    }
    let incoming: Vec<super::quota::Incoming> = stored
        .iter()
        .map(|(key, upload, _, _)| super::quota::Incoming {
            field: Some(key.as_str()),
            error_field: upload.field.as_str(),
            bytes: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
        })
        .collect();
    let admitted = super::quota::admit_files(
        &mut tx,
        &state.uploads,
        row.id,
        actor.id,
        &incoming,
        &mut errors,
    )
    .await?;
    let mut removed = Vec::new();
    for ((key, upload, content_type, storage_key), admitted) in stored.iter().zip(admitted) {
        if !admitted {
            removed.push(storage_key.clone());
            continue;
        }
        let file = NewAttachment {
            request_id: row.id,
            field_key: Some(key),
            event_id: None,
            file_name: &files::stored_name(&upload.file_name, content_type),
            content_type,
            size: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
            storage_key,
            uploaded_by: Some(actor.id),
        };
        repo::insert_attachment(&mut tx, &file, now)
            .await
            .map_err(internal)?;
    }
    for raw_id in raw.get("remove").into_iter().flatten() {
        let Ok(file_id) = raw_id.parse::<i64>() else {
            continue;
        };
        if let Some(key) = repo::delete_field_attachment(&mut tx, row.id, file_id)
            .await
            .map_err(internal)?
        {
            removed.push(key);
        }
    }
    let typed = model::typed_answers(fields, raw);
    repo::save_answers(&mut tx, row.id, &typed, now)
        .await
        .map_err(internal)?;
    let saved = if go == Go::Submit {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (file, event) in repo::attachments(&mut tx, row.id).await.map_err(internal)? {
            if let (Some(key), None) = (file.field_key, event) {
                *counts.entry(key).or_default() += 1;
            }
        }
        match model::check_answers(fields, &typed, &counts) {
            Ok(kept) if errors.is_empty() => {
                repo::save_answers(&mut tx, row.id, &kept, now)
                    .await
                    .map_err(internal)?;
                submit(state, &mut tx, actor, &current, now).await?;
                Saved::Submitted
            }
            Ok(_) => Saved::Draft,
            Err(found) => {
                for (field, keys) in found {
                    for key in keys {
                        add_field_error(&mut errors, &field, &key);
                    }
                }
                Saved::Draft
            }
        }
    } else {
        Saved::Draft
    };
    tx.commit().await.map_err(internal)?;
    if errors.is_empty() {
        Ok((saved, removed))
    } else {
        state.uploads.remove(&removed).await;
        Err(AppError::Validation(errors))
    }
}

/// Submits a draft (a tracking number, an acknowledgement) or returns a completed
/// request to the agents.
async fn submit(
    state: &AppState,
    conn: &mut AnyConnection,
    actor: Actor,
    row: &RequestRow,
    now: i64,
) -> Result<(), AppError> {
    let news = if row.status == Status::Draft {
        let year: i64 = crate::server::paris::day(now)
            .get(..4)
            .and_then(|y| y.parse().ok())
            .unwrap_or(1970);
        let number = repo::next_number(conn, year).await.map_err(internal)?;
        let reference = model::reference(year, number);
        repo::submit(conn, row.id, &reference, now)
            .await
            .map_err(internal)?;
        Some(RequestNews::Received)
    } else {
        repo::set_status(conn, row.id, Status::Submitted, now)
            .await
            .map_err(internal)?;
        None
    };
    let event = NewEvent {
        request_id: row.id,
        kind: EventKind::Status,
        status: Some(Status::Submitted),
        author_id: Some(actor.id),
        from_agent: row.filed_by.is_some() && row.status == Status::Draft,
        body: "",
    };
    repo::insert_event(conn, &event, now)
        .await
        .map_err(internal)?;
    if let Some(news) = news {
        tell_resident(state, conn, row.id, news, "", false, now).await?;
    }
    Ok(())
}

/// Writes to the resident about their request, in the same transaction: a mail (to the
/// account, or to the contact address given at the counter) and, with `notify`, an
/// in-app notification.
pub(super) async fn tell_resident(
    state: &AppState,
    conn: &mut AnyConnection,
    request_id: i64,
    news: RequestNews,
    message: &str,
    notify: bool,
    now: i64,
) -> Result<(), AppError> {
    let row = repo::find(conn, request_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let service = catalogue::by_id(conn, row.service_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let (to, lang) = match row.user_id {
        Some(user_id) => {
            let found: Option<(String, String)> =
                sqlx::query_as("SELECT email, lang FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(internal)?;
            if notify {
                crate::notifications::repo::notify_request(conn, user_id, request_id, now)
                    .await
                    .map_err(internal)?;
            }
            match found {
                Some((email, lang)) => (email, crate::site::Lang::parse(&lang)),
                None => return Ok(()),
            }
        }
        None => (row.contact_email.clone(), None),
    };
    if to.is_empty() {
        return Ok(());
    }
    let link = state
        .public_url
        .join(&format!("mon-espace/demandes/{request_id}"))
        .map_err(internal)?;
    let mail = crate::mail::templates::request_mail(
        lang.unwrap_or(crate::site::Lang::Fr),
        &to,
        &RequestMail {
            commune: &state.site.commune_name,
            reference: row.reference.as_deref().unwrap_or_default(),
            service: &service.title,
            news,
            message,
            link: link.as_str(),
        },
    );
    crate::mail::outbox::enqueue_in(conn, &mail, now)
        .await
        .map_err(internal)?;
    Ok(())
}

/// The resident withdraws a request not processed yet.
pub async fn cancel(state: &AppState, actor: Actor, id: i64) -> Result<(), AppError> {
    let row = load(state, id).await?;
    if side_of(state, actor, &row).await? != Side::Resident {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let current = repo::find_for_update(&mut tx, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if !current.status.cancellable() {
        return Err(AppError::Conflict("errors.request_not_cancellable".into()));
    }
    repo::set_status(&mut tx, id, Status::Cancelled, now)
        .await
        .map_err(internal)?;
    let event = NewEvent {
        request_id: id,
        kind: EventKind::Status,
        status: Some(Status::Cancelled),
        author_id: Some(actor.id),
        from_agent: false,
        body: "",
    };
    repo::insert_event(&mut tx, &event, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Deletes a draft and its files.
pub async fn delete_draft(state: &AppState, actor: Actor, id: i64) -> Result<(), AppError> {
    let row = load(state, id).await?;
    let side = side_of(state, actor, &row).await?;
    check_editable(side, &row)?;
    if row.status != Status::Draft {
        return Err(AppError::Conflict("errors.request_not_editable".into()));
    }
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT storage_key FROM request_attachments WHERE request_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
    repo::delete_draft(&mut tx, id).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    state.uploads.remove(&keys).await;
    Ok(())
}

/// A message about a request, with an optional file, from its resident or an agent.
pub async fn post_message(
    state: &AppState,
    actor: Actor,
    id: i64,
    body: &str,
    upload: Option<Upload>,
) -> Result<(), AppError> {
    let row = load(state, id).await?;
    let side = side_of(state, actor, &row).await?;
    if matches!(
        row.status,
        Status::Draft | Status::Closed | Status::Cancelled
    ) {
        return Err(AppError::Conflict("errors.request_closed".into()));
    }
    let body = body.trim();
    let mut errors = FieldErrors::new();
    if body.chars().count() > model::LONG_TEXT_MAX {
        add_field_error(&mut errors, "body", "errors.text_too_long");
    }
    let upload = upload.filter(|u| !(u.bytes.is_empty() && u.file_name.is_empty()));
    let checked = upload.as_ref().map(files::check).transpose();
    if let Err(problem) = checked {
        add_field_error(&mut errors, "file", problem);
    }
    if body.is_empty() && upload.is_none() {
        add_field_error(&mut errors, "body", "errors.required");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let stored = match (&upload, checked) {
        (Some(upload), Ok(Some(content_type))) => Some((
            upload,
            content_type,
            state.uploads.store(&upload.bytes).await?,
        )),
        _ => None,
    };
    let now = state.clock.now_ms();
    let result = async {
        let mut tx = state.db.begin_write().await.map_err(internal)?;
        let from_agent = side == Side::Agent;
        let event = NewEvent {
            request_id: id,
            kind: EventKind::Message,
            status: None,
            author_id: Some(actor.id),
            from_agent,
            body,
        };
        if let Some((upload, _, _)) = &stored {
            repo::find_for_update(&mut tx, id).await.map_err(internal)?;
            let mut refused = FieldErrors::new();
            let incoming = [super::quota::Incoming {
                field: None,
                error_field: "file",
                bytes: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
            }];
            super::quota::admit_files(
                &mut tx,
                &state.uploads,
                id,
                actor.id,
                &incoming,
                &mut refused,
            )
            .await?;
            if !refused.is_empty() {
                return Err(AppError::Validation(refused));
            }
        }
        let event_id = repo::insert_event(&mut tx, &event, now)
            .await
            .map_err(internal)?;
        if let Some((upload, content_type, key)) = &stored {
            let file = NewAttachment {
                request_id: id,
                field_key: None,
                event_id: Some(event_id),
                file_name: &files::stored_name(&upload.file_name, content_type),
                content_type,
                size: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
                storage_key: key,
                uploaded_by: Some(actor.id),
            };
            repo::insert_attachment(&mut tx, &file, now)
                .await
                .map_err(internal)?;
        }
        if from_agent {
            repo::mark_unread(&mut tx, id, false)
                .await
                .map_err(internal)?;
            tell_resident(state, &mut tx, id, RequestNews::Message, body, true, now).await?;
        }
        tx.commit().await.map_err(internal)
    }
    .await;
    if result.is_err() {
        if let Some((_, _, key)) = stored {
            state.uploads.remove(&[key]).await;
        }
    }
    state.mail_wakeup.notify_one();
    result
}

/// A request's page with the latest events of its timeline.
pub async fn view(state: &AppState, actor: Actor, id: i64) -> Result<RequestView, AppError> {
    view_page(state, actor, id, 1).await
}

/// A request's page, with page `timeline_page` of its timeline (1: the latest events).
/// An agent's visit is recorded (the resident sees who opened their file); a resident's
/// visit marks agents' news read.
pub async fn view_page(
    state: &AppState,
    actor: Actor,
    id: i64,
    timeline_page: u32,
) -> Result<RequestView, AppError> {
    let row = load(state, id).await?;
    let side = side_of(state, actor, &row).await?;
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let mut conn = pool.acquire().await.map_err(internal)?;
    if side == Side::Agent {
        repo::record_access(&mut conn, id, actor.id, now)
            .await
            .map_err(internal)?;
    } else if row.status != Status::Draft {
        repo::mark_unread(&mut conn, id, true)
            .await
            .map_err(internal)?;
        crate::notifications::repo::mark_request_read(pool, actor.id, id, now)
            .await
            .map_err(internal)?;
    }
    let service = catalogue::by_id(&mut conn, row.service_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let (_, version, fields) = catalogue::form_version(&mut conn, row.form_version_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let files = repo::attachments(&mut conn, id).await.map_err(internal)?;
    drop(conn);
    let agent = side == Side::Agent;
    let per_page = super::model::TIMELINE_PER_PAGE;
    let (events, timeline_pages, timeline_page) =
        repo::events(pool, id, agent, &files, (timeline_page, per_page))
            .await
            .map_err(internal)?;
    let (resident, contact) = resident_of(state, &row).await?;
    let accesses = if agent {
        repo::accesses(pool, id)
            .await
            .map_err(internal)?
            .into_iter()
            .take(20)
            .collect()
    } else {
        Vec::new()
    };
    let (team, templates) = if agent {
        (
            catalogue::team(pool, row.service_id)
                .await
                .map_err(internal)?,
            catalogue::templates(pool, row.service_id)
                .await
                .map_err(internal)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let assignee = row
        .assignee_id
        .and_then(|a| team.iter().find(|p| p.id == a).cloned());
    Ok(RequestView {
        id,
        reference: row.reference.clone(),
        service_id: service.id,
        service_slug: service.slug,
        service_title: service.title,
        status: row.status,
        channel: row.channel,
        form_version: version,
        fields,
        answers: row.answers.clone(),
        attachments: files
            .into_iter()
            .filter(|(_, event)| event.is_none())
            .map(|(a, _)| a)
            .collect(),
        events,
        timeline_page,
        timeline_pages,
        resident,
        contact,
        assignee,
        created_at: row.created_at,
        submitted_at: row.submitted_at,
        accesses,
        team,
        templates,
        as_agent: agent,
        max_upload_mb: state.uploads.max_bytes / (1024 * 1024),
    })
}

/// The resident's name and how to reach them.
async fn resident_of(state: &AppState, row: &RequestRow) -> Result<(String, String), AppError> {
    if let Some(user_id) = row.user_id {
        if let Some(user) = crate::accounts::repo::find_by_id(state.db.pool(), user_id)
            .await
            .map_err(internal)?
        {
            return Ok((user.display_name, user.email));
        }
    }
    let contact = [row.contact_email.as_str(), row.contact_phone.as_str()]
        .iter()
        .filter(|c| !c.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    Ok((row.contact_name.clone(), contact))
}

/// Requests per page in lists.
pub const PER_PAGE: u32 = 20;

/// Mon espace: requests, drafts, unread news, survey participations, agent services.
pub async fn dashboard(state: &AppState, actor: Actor, page: u32) -> Result<Dashboard, AppError> {
    let pool = state.db.pool();
    let page = page.max(1);
    let (items, total) = repo::mine(pool, actor.id, page, PER_PAGE)
        .await
        .map_err(internal)?;
    let surveys: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT s.id, s.title, p.taken_on FROM survey_participations p \
         JOIN surveys s ON s.id = p.survey_id WHERE p.user_id = $1 \
         ORDER BY p.taken_on DESC, s.id DESC LIMIT 10",
    )
    .bind(actor.id)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    Ok(Dashboard {
        requests: Paged::new(items, total, page, PER_PAGE),
        drafts: repo::my_drafts(pool, actor.id).await.map_err(internal)?,
        unread_messages: repo::unread_messages(pool, actor.id)
            .await
            .map_err(internal)?,
        unread_notifications: crate::notifications::repo::unread_count(pool, actor.id)
            .await
            .map_err(internal)?,
        surveys,
        agent_services: if actor.agent {
            catalogue::services_of_agent(pool, actor.id)
                .await
                .map_err(internal)?
        } else {
            Vec::new()
        },
    })
}
