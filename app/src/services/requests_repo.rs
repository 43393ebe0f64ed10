//! SQL of requests: drafts, submission, the timeline, attachments and access records.
//! The lists of a resident and the queues of a service are in `request_lists_repo`.

use super::model::{Answers, Channel, Status};
use super::views::{Attachment, Event, EventKind};
use sqlx::{AnyConnection, AnyPool, Row};

pub use super::request_lists_repo::{
    awaiting_resident, count_by_status, mine, my_drafts, own_draft, processing_times, queue,
    unread_messages,
};

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub id: i64,
    pub reference: Option<String>,
    pub service_id: i64,
    pub form_version_id: i64,
    pub user_id: Option<i64>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub channel: Channel,
    pub filed_by: Option<i64>,
    pub status: Status,
    pub answers: Answers,
    pub assignee_id: Option<i64>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
}

pub(super) fn decode<T>(what: &str, value: Option<T>) -> sqlx::Result<T> {
    value.ok_or_else(|| sqlx::Error::Decode(format!("unknown {what}").into()))
}

fn row_of(row: &sqlx::any::AnyRow) -> sqlx::Result<RequestRow> {
    let answers: String = row.try_get("answers")?;
    Ok(RequestRow {
        id: row.try_get("id")?,
        reference: row.try_get("reference")?,
        service_id: row.try_get("service_id")?,
        form_version_id: row.try_get("form_version_id")?,
        user_id: row.try_get("user_id")?,
        contact_name: row.try_get("contact_name")?,
        contact_email: row.try_get("contact_email")?,
        contact_phone: row.try_get("contact_phone")?,
        channel: decode(
            "channel",
            Channel::parse(&row.try_get::<String, _>("channel")?),
        )?,
        filed_by: row.try_get("filed_by")?,
        status: decode(
            "status",
            Status::parse(&row.try_get::<String, _>("status")?),
        )?,
        answers: serde_json::from_str(&answers).map_err(|err| sqlx::Error::Decode(err.into()))?,
        assignee_id: row.try_get("assignee_id")?,
        created_at: row.try_get("created_at")?,
        submitted_at: row.try_get("submitted_at")?,
    })
}

const ROW_COLUMNS: &str = "id, reference, service_id, form_version_id, user_id, contact_name, \
     contact_email, contact_phone, channel, filed_by, status, answers, assignee_id, created_at, \
     submitted_at";

/// Who a new request is for and who files it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub service_id: i64,
    pub form_version_id: i64,
    pub user_id: Option<i64>,
    pub filed_by: Option<i64>,
    pub channel: Channel,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

pub async fn insert_draft(
    conn: &mut AnyConnection,
    new: &NewRequest,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO service_requests (service_id, form_version_id, user_id, filed_by, channel, \
         contact_name, contact_email, contact_phone, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $9) RETURNING id",
    )
    .bind(new.service_id)
    .bind(new.form_version_id)
    .bind(new.user_id)
    .bind(new.filed_by)
    .bind(new.channel.as_str())
    .bind(&new.contact_name)
    .bind(&new.contact_email)
    .bind(&new.contact_phone)
    .bind(now_ms)
    .fetch_one(conn)
    .await
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<RequestRow>> {
    let sql = format!("SELECT {ROW_COLUMNS} FROM service_requests WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(row_of)
        .transpose()
}

/// Reads a request for a change: on PostgreSQL its row stays locked until the
/// transaction ends, so two changes apply one after the other (SQLite's write
/// transaction already holds the database).
pub async fn find_for_update(
    conn: &mut AnyConnection,
    id: i64,
) -> sqlx::Result<Option<RequestRow>> {
    sqlx::query("UPDATE service_requests SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    find(conn, id).await
}

pub async fn save_answers(
    conn: &mut AnyConnection,
    id: i64,
    answers: &Answers,
    now_ms: i64,
) -> sqlx::Result<()> {
    let json = serde_json::to_string(answers).map_err(|err| sqlx::Error::Encode(err.into()))?;
    sqlx::query("UPDATE service_requests SET answers = $1, updated_at = $2 WHERE id = $3")
        .bind(json)
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The next tracking number of `year` (its rank within the year).
pub async fn next_number(conn: &mut AnyConnection, year: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO request_counters (year, last) VALUES ($1, 1) \
         ON CONFLICT (year) DO UPDATE SET last = request_counters.last + 1 RETURNING last",
    )
    .bind(year)
    .fetch_one(conn)
    .await
}

/// Marks a draft submitted with its tracking number.
pub async fn submit(
    conn: &mut AnyConnection,
    id: i64,
    reference: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE service_requests SET status = 'submitted', reference = $1, submitted_at = $2, \
         updated_at = $2 WHERE id = $3 AND status = 'draft'",
    )
    .bind(reference)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A new status; a decision (accepted, refused) keeps its time for the statistics.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: Status,
    now_ms: i64,
) -> sqlx::Result<()> {
    let decided = matches!(status, Status::Accepted | Status::Refused);
    sqlx::query(
        "UPDATE service_requests SET status = $1, updated_at = $2, \
         decided_at = CASE WHEN $3 = 1 THEN $2 ELSE decided_at END WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(now_ms)
    .bind(i64::from(decided))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn assign(
    conn: &mut AnyConnection,
    id: i64,
    assignee: Option<i64>,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE service_requests SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(assignee)
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One more (or, with `reset`, no) agent message the resident has not read.
pub async fn mark_unread(conn: &mut AnyConnection, id: i64, reset: bool) -> sqlx::Result<()> {
    let sql = if reset {
        "UPDATE service_requests SET unread_for_resident = 0 WHERE id = $1 AND unread_for_resident <> 0"
    } else {
        "UPDATE service_requests SET unread_for_resident = unread_for_resident + 1 WHERE id = $1"
    };
    sqlx::query(sql).bind(id).execute(conn).await?;
    Ok(())
}

pub async fn delete_draft(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM service_requests WHERE id = $1 AND status = 'draft'")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A timeline entry.
pub struct NewEvent<'a> {
    pub request_id: i64,
    pub kind: EventKind,
    pub status: Option<Status>,
    pub author_id: Option<i64>,
    pub from_agent: bool,
    pub body: &'a str,
}

pub async fn insert_event(
    conn: &mut AnyConnection,
    event: &NewEvent<'_>,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO request_events (request_id, kind, status, author_id, from_agent, body, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(event.request_id)
    .bind(event.kind.as_str())
    .bind(event.status.map(Status::as_str))
    .bind(event.author_id)
    .bind(i64::from(event.from_agent))
    .bind(event.body)
    .bind(now_ms)
    .fetch_one(conn)
    .await
}

/// One page of the timeline (page 1: the `per_page` latest events; a page past the end
/// is the last one), oldest first, with each message's files, and the number of pages
/// and the page shown; `with_notes` for agents.
pub async fn events(
    pool: &AnyPool,
    request_id: i64,
    with_notes: bool,
    files: &[(Attachment, Option<i64>)],
    (page, per_page): (u32, u32),
) -> sqlx::Result<(Vec<Event>, u32, u32)> {
    let notes = if with_notes {
        ""
    } else {
        "AND e.kind <> 'note'"
    };
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM request_events e WHERE e.request_id = $1 {notes}"
    ))
    .bind(request_id)
    .fetch_one(pool)
    .await?;
    let per_page = per_page.max(1);
    let pages = u32::try_from((total.max(1) + i64::from(per_page) - 1) / i64::from(per_page))
        .unwrap_or(u32::MAX);
    let page = page.clamp(1, pages);
    let sql = format!(
        "SELECT e.id, e.kind, e.status, e.from_agent, e.body, e.created_at, u.display_name \
         FROM request_events e LEFT JOIN users u ON u.id = e.author_id \
         WHERE e.request_id = $1 {notes} ORDER BY e.id DESC LIMIT $2 OFFSET $3"
    );
    let mut events = sqlx::query(&sql)
        .bind(request_id)
        .bind(i64::from(per_page))
        .bind(i64::from(page - 1) * i64::from(per_page))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let status: Option<String> = row.try_get("status")?;
            Ok(Event {
                id,
                kind: decode(
                    "event",
                    EventKind::parse(&row.try_get::<String, _>("kind")?),
                )?,
                status: status.as_deref().and_then(Status::parse),
                author: row.try_get("display_name")?,
                from_agent: row.try_get::<i64, _>("from_agent")? != 0,
                body: row.try_get("body")?,
                at: row.try_get("created_at")?,
                attachments: files
                    .iter()
                    .filter(|(_, event)| *event == Some(id))
                    .map(|(a, _)| a.clone())
                    .collect(),
            })
        })
        .collect::<sqlx::Result<Vec<Event>>>()?;
    events.reverse();
    Ok((events, pages, page))
}

/// Every file of a request, with the message it came with.
pub async fn attachments(
    conn: &mut AnyConnection,
    request_id: i64,
) -> sqlx::Result<Vec<(Attachment, Option<i64>)>> {
    sqlx::query(
        "SELECT id, field_key, event_id, file_name, size FROM request_attachments \
         WHERE request_id = $1 ORDER BY id",
    )
    .bind(request_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok((
            Attachment {
                id: row.try_get("id")?,
                field_key: row.try_get("field_key")?,
                file_name: row.try_get("file_name")?,
                size: row.try_get("size")?,
            },
            row.try_get("event_id")?,
        ))
    })
    .collect()
}

/// A stored file about to be recorded.
pub struct NewAttachment<'a> {
    pub request_id: i64,
    pub field_key: Option<&'a str>,
    pub event_id: Option<i64>,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub storage_key: &'a str,
    pub uploaded_by: Option<i64>,
}

pub async fn insert_attachment(
    conn: &mut AnyConnection,
    file: &NewAttachment<'_>,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO request_attachments (request_id, field_key, event_id, file_name, \
         content_type, size, storage_key, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(file.request_id)
    .bind(file.field_key)
    .bind(file.event_id)
    .bind(file.file_name)
    .bind(file.content_type)
    .bind(file.size)
    .bind(file.storage_key)
    .bind(file.uploaded_by)
    .bind(now_ms)
    .fetch_one(conn)
    .await
}

/// What serving a file needs: (request id, name, type, storage key).
pub async fn attachment_file(
    pool: &AnyPool,
    id: i64,
) -> sqlx::Result<Option<(i64, String, String, String)>> {
    let row = sqlx::query(
        "SELECT request_id, file_name, content_type, storage_key FROM request_attachments \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok((
            row.try_get("request_id")?,
            row.try_get("file_name")?,
            row.try_get("content_type")?,
            row.try_get("storage_key")?,
        ))
    })
    .transpose()
}

/// Removes a form field's file; its storage key, to delete from disk after commit.
pub async fn delete_field_attachment(
    conn: &mut AnyConnection,
    request_id: i64,
    id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "DELETE FROM request_attachments WHERE id = $1 AND request_id = $2 \
         AND field_key IS NOT NULL RETURNING storage_key",
    )
    .bind(id)
    .bind(request_id)
    .fetch_optional(conn)
    .await
}

pub async fn record_access(
    conn: &mut AnyConnection,
    request_id: i64,
    agent_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO request_accesses (request_id, agent_id, accessed_at) VALUES ($1, $2, $3)",
    )
    .bind(request_id)
    .bind(agent_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Who opened a request, newest first: (agent's name, time).
pub async fn accesses(pool: &AnyPool, request_id: i64) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query(
        "SELECT COALESCE(u.display_name, '') AS name, a.accessed_at FROM request_accesses a \
         LEFT JOIN users u ON u.id = a.agent_id WHERE a.request_id = $1 \
         ORDER BY a.accessed_at DESC, a.id DESC LIMIT 200",
    )
    .bind(request_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("name")?, row.try_get("accessed_at")?)))
    .collect()
}
