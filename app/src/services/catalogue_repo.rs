//! SQL of the catalogue: services, their teams, templates and form versions.

use super::model::{Category, FieldDef};
use super::views::{Person, ServiceInfo, ServiceSummary, Template};
use sqlx::{AnyConnection, AnyPool, Row};

const SUMMARY_COLUMNS: &str = "id, slug, category, title, summary, published";
const INFO_COLUMNS: &str = "id, slug, category, title, summary, keywords, eligibility, documents, \
     processing_time, cost, contact, retention_months, published";

fn summary_of(row: &sqlx::any::AnyRow) -> sqlx::Result<ServiceSummary> {
    Ok(ServiceSummary {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        category: category_of(row)?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        published: row.try_get::<i64, _>("published")? != 0,
    })
}

fn category_of(row: &sqlx::any::AnyRow) -> sqlx::Result<Category> {
    let raw: String = row.try_get("category")?;
    Category::parse(&raw).ok_or_else(|| sqlx::Error::Decode(format!("category {raw}").into()))
}

fn info_of(row: &sqlx::any::AnyRow) -> sqlx::Result<ServiceInfo> {
    Ok(ServiceInfo {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        category: category_of(row)?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        keywords: row.try_get("keywords")?,
        eligibility: row.try_get("eligibility")?,
        documents: row.try_get("documents")?,
        processing_time: row.try_get("processing_time")?,
        cost: row.try_get("cost")?,
        contact: row.try_get("contact")?,
        retention_months: row.try_get("retention_months")?,
        published: row.try_get::<i64, _>("published")? != 0,
    })
}

/// Services in catalogue order (category, title); `published_only` for residents. The
/// catalogue is the commune's list of formalities: tens of rows, read in one query.
pub async fn list(pool: &AnyPool, published_only: bool) -> sqlx::Result<Vec<ServiceSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM services {} ORDER BY category, title",
        if published_only {
            "WHERE published = 1"
        } else {
            ""
        }
    );
    sqlx::query(&sql)
        .fetch_all(pool)
        .await?
        .iter()
        .map(summary_of)
        .collect()
}

/// Published services with their keywords, in catalogue order, for the site search.
pub async fn searchable(pool: &AnyPool) -> sqlx::Result<Vec<(ServiceSummary, String)>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, keywords FROM services WHERE published = 1 \
         ORDER BY category, title"
    );
    sqlx::query(&sql)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| Ok((summary_of(row)?, row.try_get("keywords")?)))
        .collect()
}

/// Published services, the most asked for since `since_ms` first (then in title order),
/// at most `limit` (the home page). Counts submitted requests, not drafts.
pub async fn most_used(
    pool: &AnyPool,
    since_ms: i64,
    limit: i64,
) -> sqlx::Result<Vec<ServiceSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM services s LEFT JOIN \
         (SELECT service_id, COUNT(*) AS uses FROM service_requests \
          WHERE submitted_at >= $1 GROUP BY service_id) u ON u.service_id = s.id \
         WHERE s.published = 1 ORDER BY COALESCE(u.uses, 0) DESC, s.title, s.id LIMIT $2"
    );
    sqlx::query(&sql)
        .bind(since_ms)
        .bind(limit)
        .fetch_all(pool)
        .await?
        .iter()
        .map(summary_of)
        .collect()
}

/// The services `user_id` is in the team of.
pub async fn services_of_agent(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<ServiceSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM services WHERE id IN \
         (SELECT service_id FROM service_agents WHERE user_id = $1) ORDER BY category, title"
    );
    sqlx::query(&sql)
        .bind(user_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(summary_of)
        .collect()
}

pub async fn by_slug(pool: &AnyPool, slug: &str) -> sqlx::Result<Option<ServiceInfo>> {
    let sql = format!("SELECT {INFO_COLUMNS} FROM services WHERE slug = $1");
    sqlx::query(&sql)
        .bind(slug)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(info_of)
        .transpose()
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<ServiceInfo>> {
    let sql = format!("SELECT {INFO_COLUMNS} FROM services WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(info_of)
        .transpose()
}

/// Inserts a service (unpublished) with an empty first form version; its id, or `None`
/// when the slug is taken.
pub async fn insert(
    conn: &mut AnyConnection,
    info: &ServiceInfo,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO services (slug, category, title, summary, eligibility, documents, \
         processing_time, cost, contact, retention_months, keywords, published, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $12) \
         ON CONFLICT (slug) DO NOTHING RETURNING id",
    )
    .bind(&info.slug)
    .bind(info.category.as_str())
    .bind(&info.title)
    .bind(&info.summary)
    .bind(&info.eligibility)
    .bind(&info.documents)
    .bind(&info.processing_time)
    .bind(&info.cost)
    .bind(&info.contact)
    .bind(info.retention_months)
    .bind(&info.keywords)
    .bind(now_ms)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(None) };
    let version = insert_version(conn, id, 1, &[], now_ms).await?;
    set_current_version(conn, id, version).await?;
    Ok(Some(id))
}

/// Saves a service's description (not its slug).
pub async fn update(conn: &mut AnyConnection, info: &ServiceInfo, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE services SET category = $1, title = $2, summary = $3, eligibility = $4, \
         documents = $5, processing_time = $6, cost = $7, contact = $8, retention_months = $9, \
         published = $10, updated_at = $11, keywords = $12 WHERE id = $13",
    )
    .bind(info.category.as_str())
    .bind(&info.title)
    .bind(&info.summary)
    .bind(&info.eligibility)
    .bind(&info.documents)
    .bind(&info.processing_time)
    .bind(&info.cost)
    .bind(&info.contact)
    .bind(info.retention_months)
    .bind(i64::from(info.published))
    .bind(now_ms)
    .bind(&info.keywords)
    .bind(info.id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn team(pool: &AnyPool, service_id: i64) -> sqlx::Result<Vec<Person>> {
    sqlx::query(
        "SELECT u.id, u.display_name FROM service_agents a JOIN users u ON u.id = a.user_id \
         WHERE a.service_id = $1 ORDER BY u.display_name, u.id",
    )
    .bind(service_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(Person {
            id: row.try_get("id")?,
            name: row.try_get("display_name")?,
        })
    })
    .collect()
}

pub async fn is_member(pool: &AnyPool, service_id: i64, user_id: i64) -> sqlx::Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM service_agents WHERE service_id = $1 AND user_id = $2")
            .bind(service_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

pub async fn add_member(pool: &AnyPool, service_id: i64, user_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO service_agents (service_id, user_id) VALUES ($1, $2) \
         ON CONFLICT DO NOTHING",
    )
    .bind(service_id)
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn remove_member(pool: &AnyPool, service_id: i64, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM service_agents WHERE service_id = $1 AND user_id = $2")
        .bind(service_id)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn templates(pool: &AnyPool, service_id: i64) -> sqlx::Result<Vec<Template>> {
    sqlx::query("SELECT id, title, body FROM service_templates WHERE service_id = $1 ORDER BY id")
        .bind(service_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(Template {
                id: row.try_get("id")?,
                title: row.try_get("title")?,
                body: row.try_get("body")?,
            })
        })
        .collect()
}

pub async fn insert_template(
    pool: &AnyPool,
    service_id: i64,
    title: &str,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO service_templates (service_id, title, body) VALUES ($1, $2, $3)")
        .bind(service_id)
        .bind(title)
        .bind(body)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_template(pool: &AnyPool, service_id: i64, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM service_templates WHERE id = $1 AND service_id = $2")
        .bind(id)
        .bind(service_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// A form version: (id, number, fields).
pub type FormVersion = (i64, i64, Vec<FieldDef>);

fn version_of(row: &sqlx::any::AnyRow) -> sqlx::Result<FormVersion> {
    let json: String = row.try_get("fields")?;
    let fields = serde_json::from_str(&json).map_err(|err| sqlx::Error::Decode(err.into()))?;
    Ok((row.try_get("id")?, row.try_get("number")?, fields))
}

/// The version new requests of `service_id` are filed with.
pub async fn current_form(
    conn: &mut AnyConnection,
    service_id: i64,
) -> sqlx::Result<Option<FormVersion>> {
    sqlx::query(
        "SELECT v.id, v.number, v.fields FROM services s \
         JOIN service_form_versions v ON v.id = s.form_version_id WHERE s.id = $1",
    )
    .bind(service_id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(version_of)
    .transpose()
}

pub async fn form_version(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<FormVersion>> {
    sqlx::query("SELECT id, number, fields FROM service_form_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(version_of)
        .transpose()
}

/// True when a request (a draft included) was filed with this version.
pub async fn version_in_use(conn: &mut AnyConnection, version_id: i64) -> sqlx::Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM service_requests WHERE form_version_id = $1 LIMIT 1")
            .bind(version_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

pub async fn insert_version(
    conn: &mut AnyConnection,
    service_id: i64,
    number: i64,
    fields: &[FieldDef],
    now_ms: i64,
) -> sqlx::Result<i64> {
    let json = serde_json::to_string(fields).map_err(|err| sqlx::Error::Encode(err.into()))?;
    sqlx::query_scalar(
        "INSERT INTO service_form_versions (service_id, number, fields, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(service_id)
    .bind(number)
    .bind(json)
    .bind(now_ms)
    .fetch_one(conn)
    .await
}

pub async fn update_version(
    conn: &mut AnyConnection,
    version_id: i64,
    fields: &[FieldDef],
) -> sqlx::Result<()> {
    let json = serde_json::to_string(fields).map_err(|err| sqlx::Error::Encode(err.into()))?;
    sqlx::query("UPDATE service_form_versions SET fields = $1 WHERE id = $2")
        .bind(json)
        .bind(version_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_current_version(
    conn: &mut AnyConnection,
    service_id: i64,
    version_id: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE services SET form_version_id = $1 WHERE id = $2")
        .bind(version_id)
        .bind(service_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes the service's row lock (PostgreSQL) so two form edits apply one after the other.
pub async fn lock_service(conn: &mut AnyConnection, service_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE services SET updated_at = updated_at WHERE id = $1")
        .bind(service_id)
        .execute(conn)
        .await?;
    Ok(())
}
