//! SQL of the lists of requests: a resident's own (filed, drafts, waiting for them) and a
//! service's queues with their counts and processing times.

use super::model::{Channel, Status};
use super::requests_repo::decode;
use super::views::{QueueFilter, RequestSummary};
use sqlx::{AnyPool, Row};

const SUMMARY_SELECT: &str = "SELECT r.id, r.reference, s.title AS service_title, r.status, \
     COALESCE(u.display_name, r.contact_name) AS resident, g.display_name AS assignee, \
     r.submitted_at, r.updated_at, r.unread_for_resident, r.channel \
     FROM service_requests r JOIN services s ON s.id = r.service_id \
     LEFT JOIN users u ON u.id = r.user_id LEFT JOIN users g ON g.id = r.assignee_id";

fn summary_of(row: &sqlx::any::AnyRow) -> sqlx::Result<RequestSummary> {
    let submitted_at: Option<i64> = row.try_get("submitted_at")?;
    let updated_at: i64 = row.try_get("updated_at")?;
    Ok(RequestSummary {
        id: row.try_get("id")?,
        reference: row.try_get("reference")?,
        service_title: row.try_get("service_title")?,
        status: decode(
            "status",
            Status::parse(&row.try_get::<String, _>("status")?),
        )?,
        resident: row.try_get("resident")?,
        assignee: row.try_get("assignee")?,
        submitted_at,
        updated_at,
        unread: row.try_get("unread_for_resident")?,
        channel: decode(
            "channel",
            Channel::parse(&row.try_get::<String, _>("channel")?),
        )?,
    })
}

/// A resident's filed requests, most recently updated first, and how many there are.
pub async fn mine(
    pool: &AnyPool,
    user_id: i64,
    page: u32,
    per_page: u32,
) -> sqlx::Result<(Vec<RequestSummary>, i64)> {
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_requests WHERE user_id = $1 AND status <> 'draft'",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    let sql = format!(
        "{SUMMARY_SELECT} WHERE r.user_id = $1 AND r.status <> 'draft' \
         ORDER BY r.updated_at DESC, r.id DESC LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(i64::from(per_page))
        .bind(i64::from(page.saturating_sub(1)) * i64::from(per_page))
        .fetch_all(pool)
        .await?;
    Ok((
        rows.iter().map(summary_of).collect::<sqlx::Result<_>>()?,
        total,
    ))
}

/// A resident's own drafts (not those an agent is filling in for them), newest first.
pub async fn my_drafts(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<RequestSummary>> {
    let sql = format!(
        "{SUMMARY_SELECT} WHERE r.user_id = $1 AND r.status = 'draft' AND r.filed_by IS NULL \
         ORDER BY r.updated_at DESC, r.id DESC LIMIT 50"
    );
    sqlx::query(&sql)
        .bind(user_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(summary_of)
        .collect()
}

/// The resident's own draft for a service, if any (a second "start" reopens it).
pub async fn own_draft(pool: &AnyPool, user_id: i64, service_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM service_requests WHERE user_id = $1 AND service_id = $2 \
         AND status = 'draft' AND filed_by IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(service_id)
    .fetch_optional(pool)
    .await
}

/// A resident's requests waiting for them: information the agents asked for, unread
/// messages, and their own drafts not sent yet; the latest first, at most `limit`, and how
/// many in all (the home page).
pub async fn awaiting_resident(
    pool: &AnyPool,
    user_id: i64,
    limit: i64,
) -> sqlx::Result<(Vec<RequestSummary>, i64)> {
    const WAITING: &str = "r.user_id = $1 AND (r.status = 'info_requested' \
         OR (r.status <> 'draft' AND r.unread_for_resident > 0) \
         OR (r.status = 'draft' AND r.filed_by IS NULL))";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM service_requests r WHERE {WAITING}"
    ))
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query(&format!(
        "{SUMMARY_SELECT} WHERE {WAITING} ORDER BY r.updated_at DESC, r.id DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok((
        rows.iter().map(summary_of).collect::<sqlx::Result<_>>()?,
        total,
    ))
}

/// Agents' messages not read yet, over all of a resident's requests. (PostgreSQL sums a
/// `BIGINT` column as `NUMERIC`, which the `Any` driver cannot decode: cast back.)
pub async fn unread_messages(pool: &AnyPool, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(unread_for_resident), 0) AS BIGINT) FROM service_requests \
         WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
}

enum Bind {
    Int(i64),
    Text(String),
}

/// The WHERE clause of a queue and its values (`$1` is the service).
fn queue_where(filter: &QueueFilter, me: i64, now_ms: i64) -> (String, Vec<Bind>) {
    let mut sql = String::from("r.service_id = $1");
    let mut binds = Vec::new();
    let mut push = |sql: &mut String, clause: &str, bind: Bind| {
        binds.push(bind);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len() + 1)));
    };
    match filter.status.as_str() {
        "all" => sql.push_str(" AND r.status <> 'draft'"),
        raw => match Status::parse(raw).filter(|s| *s != Status::Draft) {
            Some(status) => push(
                &mut sql,
                " AND r.status = ?",
                Bind::Text(status.as_str().into()),
            ),
            None => sql.push_str(" AND r.status IN ('submitted', 'in_progress', 'info_requested')"),
        },
    }
    match filter.assignee.as_str() {
        "" => {}
        "me" => push(&mut sql, " AND r.assignee_id = ?", Bind::Int(me)),
        "none" => sql.push_str(" AND r.assignee_id IS NULL"),
        raw => {
            if let Ok(id) = raw.parse::<i64>() {
                push(&mut sql, " AND r.assignee_id = ?", Bind::Int(id));
            }
        }
    }
    if let Some(days) = filter.older_than_days {
        let before = now_ms - i64::from(days) * 86_400_000;
        push(&mut sql, " AND r.submitted_at <= ?", Bind::Int(before));
    }
    let search = filter.search.trim().to_lowercase();
    if !search.is_empty() {
        let pattern = format!(
            "%{}%",
            search
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        push(
            &mut sql,
            " AND (r.reference LIKE ? ESCAPE '\\' OR LOWER(COALESCE(u.display_name, r.contact_name)) LIKE ? ESCAPE '\\')",
            Bind::Text(pattern),
        );
    }
    (sql, binds)
}

fn bind_all<'q>(
    sql: &'q str,
    service_id: i64,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut query = sqlx::query(sql).bind(service_id);
    for bind in binds {
        query = match bind {
            Bind::Int(v) => query.bind(*v),
            Bind::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

/// A page of a service's queue and the number of matching requests.
pub async fn queue(
    pool: &AnyPool,
    service_id: i64,
    filter: &QueueFilter,
    me: i64,
    now_ms: i64,
    page: Option<(u32, u32)>,
) -> sqlx::Result<(Vec<RequestSummary>, i64)> {
    let (clause, binds) = queue_where(filter, me, now_ms);
    let count_sql = format!(
        "SELECT COUNT(*) AS n FROM service_requests r LEFT JOIN users u ON u.id = r.user_id \
         WHERE {clause}"
    );
    let total: i64 = bind_all(&count_sql, service_id, &binds)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let order = if filter.sort == "newest" {
        "r.submitted_at DESC, r.id DESC"
    } else {
        "r.submitted_at, r.id"
    };
    let limit = match page {
        Some((page, per_page)) => format!(
            " LIMIT {per_page} OFFSET {}",
            u64::from(page.saturating_sub(1)) * u64::from(per_page)
        ),
        None => String::new(),
    };
    let sql = format!("{SUMMARY_SELECT} WHERE {clause} ORDER BY {order}{limit}");
    let rows = bind_all(&sql, service_id, &binds).fetch_all(pool).await?;
    Ok((
        rows.iter().map(summary_of).collect::<sqlx::Result<_>>()?,
        total,
    ))
}

/// Requests of a service by status (drafts left out).
pub async fn count_by_status(pool: &AnyPool, service_id: i64) -> sqlx::Result<Vec<(Status, i64)>> {
    sqlx::query(
        "SELECT status, COUNT(*) AS n FROM service_requests WHERE service_id = $1 \
         AND status <> 'draft' GROUP BY status",
    )
    .bind(service_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok((
            decode(
                "status",
                Status::parse(&row.try_get::<String, _>("status")?),
            )?,
            row.try_get("n")?,
        ))
    })
    .collect()
}

/// (submitted_at, decided_at) of a service's requests submitted since `since_ms`.
pub async fn processing_times(
    pool: &AnyPool,
    service_id: i64,
    since_ms: i64,
) -> sqlx::Result<Vec<(i64, Option<i64>)>> {
    sqlx::query(
        "SELECT submitted_at, decided_at FROM service_requests WHERE service_id = $1 \
         AND submitted_at >= $2 ORDER BY submitted_at",
    )
    .bind(service_id)
    .bind(since_ms)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("submitted_at")?, row.try_get("decided_at")?)))
    .collect()
}
