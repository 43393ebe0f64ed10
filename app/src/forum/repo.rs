//! SQL of proposals and supports. Full-text search is
//! the one place where the dialects differ (FTS5 on SQLite, `tsvector` on PostgreSQL).

use super::model::{
    Category, LiveEvent, ProposalDetail, ProposalQuery, ProposalSort, ProposalStatus,
    ProposalSummary,
};
use crate::moderation::model::Visibility;
use crate::server::db::DbKind;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// A proposal to store, validated and rendered.
#[derive(Debug)]
pub struct NewProposalRow<'a> {
    pub author_id: i64,
    pub theme_id: i64,
    pub neighbourhood_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub search_text: &'a str,
    /// Published at once, or held for a moderator.
    pub moderation: Visibility,
}

pub async fn insert_proposal(
    conn: &mut sqlx::AnyConnection,
    new: &NewProposalRow<'_>,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO proposals (author_id, theme_id, neighbourhood_id, title, body, body_html, \
         search_text, created_at, updated_at, moderation) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
    )
    .bind(new.author_id)
    .bind(new.theme_id)
    .bind(new.neighbourhood_id)
    .bind(new.title)
    .bind(new.body)
    .bind(new.body_html)
    .bind(new.search_text)
    .bind(now_ms)
    .bind(new.moderation.as_str())
    .fetch_one(conn)
    .await
}

const SUMMARY_COLUMNS: &str = "p.id, p.title, p.status, p.support_count, p.comment_count, \
     p.created_at, p.withdrawn_at, u.display_name AS author_name, \
     t.id AS theme_id, t.slug AS theme_slug, t.name_fr AS theme_fr, t.name_en AS theme_en, \
     n.id AS nb_id, n.slug AS nb_slug, n.name_fr AS nb_fr, n.name_en AS nb_en";

const SUMMARY_FROM: &str = "FROM proposals p \
     JOIN forum_themes t ON t.id = p.theme_id \
     LEFT JOIN forum_neighbourhoods n ON n.id = p.neighbourhood_id \
     LEFT JOIN users u ON u.id = p.author_id";

fn summary_from_row(row: &AnyRow) -> sqlx::Result<ProposalSummary> {
    let status: String = row.try_get("status")?;
    let neighbourhood = match row.try_get::<Option<i64>, _>("nb_id")? {
        Some(id) => Some(Category {
            id,
            slug: row.try_get("nb_slug")?,
            name_fr: row.try_get("nb_fr")?,
            name_en: row.try_get("nb_en")?,
        }),
        None => None,
    };
    Ok(ProposalSummary {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        theme: Category {
            id: row.try_get("theme_id")?,
            slug: row.try_get("theme_slug")?,
            name_fr: row.try_get("theme_fr")?,
            name_en: row.try_get("theme_en")?,
        },
        neighbourhood,
        author_name: row.try_get("author_name")?,
        status: ProposalStatus::parse(&status).unwrap_or(ProposalStatus::Open),
        support_count: row.try_get("support_count")?,
        comment_count: row.try_get("comment_count")?,
        created_at_ms: row.try_get("created_at")?,
        withdrawn: row.try_get::<Option<i64>, _>("withdrawn_at")?.is_some(),
    })
}

/// One value bound to a numbered placeholder of a built query.
enum Bind {
    Text(String),
    Int(i64),
}

/// The WHERE clause of a list query and its values (`$1`, `$2`… in order).
fn list_filter(
    kind: DbKind,
    query: &ProposalQuery,
    fts_query: Option<String>,
) -> (String, Vec<Bind>) {
    // Held and hidden proposals are listed, searched and counted for nobody.
    let mut clauses: Vec<String> = vec!["p.moderation = 'published'".to_owned()];
    let mut binds: Vec<Bind> = Vec::new();
    fn next(bind: Bind, binds: &mut Vec<Bind>) -> String {
        binds.push(bind);
        format!("${}", binds.len())
    }
    if let Some(theme) = &query.theme {
        let n = next(Bind::Text(theme.clone()), &mut binds);
        clauses.push(format!(
            "p.theme_id = (SELECT id FROM forum_themes WHERE slug = {n})"
        ));
    }
    if let Some(neighbourhood) = &query.neighbourhood {
        let n = next(Bind::Text(neighbourhood.clone()), &mut binds);
        clauses.push(format!(
            "p.neighbourhood_id = (SELECT id FROM forum_neighbourhoods WHERE slug = {n})"
        ));
    }
    if let Some(status) = query.status {
        let n = next(Bind::Text(status.as_str().to_owned()), &mut binds);
        clauses.push(format!("p.status = {n}"));
    }
    if let Some(words) = fts_query {
        let n = next(Bind::Text(words), &mut binds);
        clauses.push(match kind {
            DbKind::Sqlite => {
                format!("p.id IN (SELECT rowid FROM proposals_fts WHERE proposals_fts MATCH {n})")
            }
            DbKind::Postgres => {
                format!("p.search_vector @@ plainto_tsquery('simple', {n})")
            }
        });
    }
    (format!("WHERE {}", clauses.join(" AND ")), binds)
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            Bind::Text(text) => query.bind(text.as_str()),
            Bind::Int(n) => query.bind(*n),
        };
    }
    query
}

/// One page of proposals matching `query` and how many match in all: two queries,
/// whatever the page size. `fts_query` is the search, already in the dialect's syntax.
pub async fn list(
    pool: &AnyPool,
    kind: DbKind,
    query: &ProposalQuery,
    fts_query: Option<String>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<ProposalSummary>, i64)> {
    let (filter, mut binds) = list_filter(kind, query, fts_query);
    // The filter reads the proposals' own columns only: counting needs no join.
    let count_sql = format!("SELECT COUNT(*) AS total FROM proposals p {filter}");
    let total: i64 = bind_all(sqlx::query(&count_sql), &binds)
        .fetch_one(pool)
        .await?
        .try_get("total")?;
    let order = match query.sort {
        ProposalSort::Newest => "p.created_at DESC, p.id DESC",
        ProposalSort::MostSupported => "p.support_count DESC, p.id DESC",
        ProposalSort::MostDiscussed => "p.comment_count DESC, p.id DESC",
        ProposalSort::RecentlyAnswered => {
            "CASE WHEN p.answered_at IS NULL THEN 1 ELSE 0 END, p.answered_at DESC, p.id DESC"
        }
    };
    binds.push(Bind::Int(limit));
    let limit_n = binds.len();
    binds.push(Bind::Int(offset));
    let offset_n = binds.len();
    // The page is chosen on the proposals table alone, then joined (20 rows, not all
    // the rows skipped by the offset).
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM (SELECT * FROM proposals p {filter} ORDER BY {order} \
         LIMIT ${limit_n} OFFSET ${offset_n}) p \
         JOIN forum_themes t ON t.id = p.theme_id \
         LEFT JOIN forum_neighbourhoods n ON n.id = p.neighbourhood_id \
         LEFT JOIN users u ON u.id = p.author_id ORDER BY {order}"
    );
    let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(pool).await?;
    let items = rows
        .iter()
        .map(summary_from_row)
        .collect::<sqlx::Result<_>>()?;
    Ok((items, total))
}

/// Published proposals the town hall answered, the latest answer first: (id, title,
/// status, answered at), at most `limit` (the home page).
pub async fn recently_answered(
    pool: &AnyPool,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String, ProposalStatus, i64)>> {
    let rows = sqlx::query(
        "SELECT id, title, status, answered_at FROM proposals \
         WHERE moderation = 'published' AND answered_at IS NOT NULL \
         ORDER BY answered_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok((
                row.try_get("id")?,
                row.try_get("title")?,
                ProposalStatus::parse(&status).unwrap_or(ProposalStatus::Open),
                row.try_get("answered_at")?,
            ))
        })
        .collect()
}

/// A proposal's page, withdrawn, held and hidden ones included (the service decides who
/// sees it).
pub async fn find(pool: &AnyPool, id: i64) -> sqlx::Result<Option<ProposalDetail>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, p.body, p.body_html, p.author_id, p.edited_at, \
         p.answered_at, p.event_seq, p.moderation {SUMMARY_FROM} WHERE p.id = $1"
    );
    let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(pool).await? else {
        return Ok(None);
    };
    Ok(Some(ProposalDetail {
        summary: summary_from_row(&row)?,
        body: row.try_get("body")?,
        body_html: row.try_get("body_html")?,
        author_id: row.try_get("author_id")?,
        edited_at_ms: row.try_get("edited_at")?,
        answered_at_ms: row.try_get("answered_at")?,
        event_seq: row.try_get("event_seq")?,
        moderation: Visibility::parse(&row.try_get::<String, _>("moderation")?),
    }))
}

/// What the rules about changing a proposal need to know, read in one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposalState {
    pub author_id: Option<i64>,
    pub created_at_ms: i64,
    pub withdrawn: bool,
    pub answered: bool,
    pub moderation: Visibility,
}

pub async fn state_of(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> sqlx::Result<Option<ProposalState>> {
    let row = sqlx::query(
        "SELECT author_id, created_at, withdrawn_at, answered_at, moderation FROM proposals \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(ProposalState {
            author_id: row.try_get("author_id")?,
            created_at_ms: row.try_get("created_at")?,
            withdrawn: row.try_get::<Option<i64>, _>("withdrawn_at")?.is_some(),
            answered: row.try_get::<Option<i64>, _>("answered_at")?.is_some(),
            moderation: Visibility::parse(&row.try_get::<String, _>("moderation")?),
        })
    })
    .transpose()
}

/// The author's new text (fields as for a new proposal).
pub async fn update_proposal(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    new: &NewProposalRow<'_>,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE proposals SET theme_id = $1, neighbourhood_id = $2, title = $3, body = $4, \
         body_html = $5, search_text = $6, edited_at = $7, updated_at = $7 WHERE id = $8",
    )
    .bind(new.theme_id)
    .bind(new.neighbourhood_id)
    .bind(new.title)
    .bind(new.body)
    .bind(new.body_html)
    .bind(new.search_text)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a proposal withdrawn by its author; false when it already was.
pub async fn withdraw(conn: &mut sqlx::AnyConnection, id: i64, now_ms: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE proposals SET withdrawn_at = $1, updated_at = $1 \
         WHERE id = $2 AND withdrawn_at IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records `user_id`'s support and counts it, in one transaction with its live event;
/// false when they already supported it (the primary key makes a second support
/// impossible).
pub async fn add_support(
    pool: &AnyPool,
    proposal_id: i64,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO proposal_supports (proposal_id, user_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (proposal_id, user_id) DO NOTHING",
    )
    .bind(proposal_id)
    .bind(user_id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        let count: i64 = sqlx::query_scalar(
            "UPDATE proposals SET support_count = support_count + 1 WHERE id = $1 \
             RETURNING support_count",
        )
        .bind(proposal_id)
        .fetch_one(&mut *tx)
        .await?;
        super::events::record(&mut tx, proposal_id, &LiveEvent::Supports { count }, now_ms).await?;
    }
    tx.commit().await?;
    Ok(inserted)
}

/// Withdraws `user_id`'s support and uncounts it, in one transaction; false when there
/// was none.
pub async fn remove_support(
    pool: &AnyPool,
    proposal_id: i64,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let removed =
        sqlx::query("DELETE FROM proposal_supports WHERE proposal_id = $1 AND user_id = $2")
            .bind(proposal_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
    if removed {
        let count: i64 = sqlx::query_scalar(
            "UPDATE proposals SET support_count = support_count - 1 WHERE id = $1 \
             RETURNING support_count",
        )
        .bind(proposal_id)
        .fetch_one(&mut *tx)
        .await?;
        super::events::record(&mut tx, proposal_id, &LiveEvent::Supports { count }, now_ms).await?;
    }
    tx.commit().await?;
    Ok(removed)
}

/// Every published proposal, oldest first, for the open-data export (one query).
pub async fn all_summaries(pool: &AnyPool) -> sqlx::Result<Vec<ProposalSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE p.moderation = 'published' ORDER BY p.id"
    );
    let rows = sqlx::query(&sql).fetch_all(pool).await?;
    rows.iter().map(summary_from_row).collect()
}
