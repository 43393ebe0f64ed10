//! SQL of comments. A page of threads is one query: its top-level comments and every
//! reply in those threads.

use crate::moderation::model::Visibility;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// A stored comment with its author's display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    pub id: i64,
    pub proposal_id: i64,
    pub parent_id: Option<i64>,
    pub root_id: Option<i64>,
    pub depth: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub body_html: String,
    pub created_at_ms: i64,
    pub edited_at_ms: Option<i64>,
    pub deleted_at_ms: Option<i64>,
    pub moderation: Visibility,
}

const COLUMNS: &str = "c.id, c.proposal_id, c.parent_id, c.root_id, c.depth, c.author_id, \
     u.display_name AS author_name, c.body, c.body_html, c.created_at, c.edited_at, c.deleted_at, \
     c.moderation";
const FROM: &str = "FROM proposal_comments c LEFT JOIN users u ON u.id = c.author_id";

fn record_from_row(row: &AnyRow) -> sqlx::Result<CommentRecord> {
    Ok(CommentRecord {
        id: row.try_get("id")?,
        proposal_id: row.try_get("proposal_id")?,
        parent_id: row.try_get("parent_id")?,
        root_id: row.try_get("root_id")?,
        depth: row.try_get("depth")?,
        author_id: row.try_get("author_id")?,
        author_name: row.try_get("author_name")?,
        body: row.try_get("body")?,
        body_html: row.try_get("body_html")?,
        created_at_ms: row.try_get("created_at")?,
        edited_at_ms: row.try_get("edited_at")?,
        deleted_at_ms: row.try_get("deleted_at")?,
        moderation: Visibility::parse(&row.try_get::<String, _>("moderation")?),
    })
}

/// One comment.
pub async fn find(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<CommentRecord>> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE c.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(record_from_row).transpose()
}

/// Where a new comment goes: its parent, thread and depth (`None`: top level).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub parent_id: i64,
    pub root_id: i64,
    pub depth: i64,
}

/// Stores a comment and, when published, counts it on its proposal; its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut AnyConnection,
    proposal_id: i64,
    placement: Option<Placement>,
    author_id: i64,
    body: &str,
    body_html: &str,
    moderation: Visibility,
    now_ms: i64,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO proposal_comments (proposal_id, parent_id, root_id, depth, author_id, \
         body, body_html, created_at, moderation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(proposal_id)
    .bind(placement.map(|p| p.parent_id))
    .bind(placement.map(|p| p.root_id))
    .bind(placement.map_or(0, |p| p.depth))
    .bind(author_id)
    .bind(body)
    .bind(body_html)
    .bind(now_ms)
    .bind(moderation.as_str())
    .fetch_one(&mut *conn)
    .await?;
    if moderation == Visibility::Published {
        sqlx::query("UPDATE proposals SET comment_count = comment_count + 1 WHERE id = $1")
            .bind(proposal_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// The author's new text.
pub async fn update_body(
    conn: &mut AnyConnection,
    id: i64,
    body: &str,
    body_html: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE proposal_comments SET body = $1, body_html = $2, edited_at = $3 WHERE id = $4",
    )
    .bind(body)
    .bind(body_html)
    .bind(now_ms)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a comment's text, keeping its place for its replies, and uncounts it (when it
/// was counted: published); false when it was already deleted.
pub async fn mark_deleted(
    conn: &mut AnyConnection,
    id: i64,
    proposal_id: i64,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE proposal_comments SET body = '', body_html = '', deleted_at = $1 \
         WHERE id = $2 AND deleted_at IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE proposals SET comment_count = comment_count - 1 WHERE id = $1 \
         AND (SELECT moderation FROM proposal_comments WHERE id = $2) = 'published'",
    )
    .bind(proposal_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Who reads a page of threads: held comments are shown to their author and to
/// moderators only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reader {
    pub user_id: Option<i64>,
    pub moderator: bool,
}

impl Reader {
    /// A signed-in resident who does not moderate.
    pub fn resident(user_id: i64) -> Reader {
        Reader {
            user_id: Some(user_id),
            moderator: false,
        }
    }
}

/// The condition keeping held comments from other readers (`$n`: user, `$n+1`: moderator).
fn shown_to(n: usize, alias: &str) -> String {
    format!(
        "({alias}moderation <> 'held' OR {alias}author_id = ${n} OR ${} = 1)",
        n + 1
    )
}

/// Number of top-level comments of a proposal `reader` sees.
pub async fn thread_count(pool: &AnyPool, proposal_id: i64, reader: Reader) -> sqlx::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM proposal_comments WHERE proposal_id = $1 AND parent_id IS NULL \
         AND {}",
        shown_to(2, "")
    );
    sqlx::query_scalar(&sql)
        .bind(proposal_id)
        .bind(reader.user_id.unwrap_or(0))
        .bind(i64::from(reader.moderator))
        .fetch_one(pool)
        .await
}

/// Top-level comments `reader` sees before `root_id` (to find the page a thread is on).
pub async fn threads_before(
    pool: &AnyPool,
    proposal_id: i64,
    root_id: i64,
    reader: Reader,
) -> sqlx::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM proposal_comments \
         WHERE proposal_id = $1 AND parent_id IS NULL AND id < $2 AND {}",
        shown_to(3, "")
    );
    sqlx::query_scalar(&sql)
        .bind(proposal_id)
        .bind(root_id)
        .bind(reader.user_id.unwrap_or(0))
        .bind(i64::from(reader.moderator))
        .fetch_one(pool)
        .await
}

/// The comments among `ids` of `proposal_id` that `reader` sees (held ones only to their
/// author and moderators), oldest first. `ids` is short (a live update's changes).
pub async fn by_ids(
    pool: &AnyPool,
    proposal_id: i64,
    ids: &[i64],
    reader: Reader,
) -> sqlx::Result<Vec<CommentRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 4)).collect();
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE c.proposal_id = $1 AND {} AND c.id IN ({}) ORDER BY c.id",
        shown_to(2, "c."),
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql)
        .bind(proposal_id)
        .bind(reader.user_id.unwrap_or(0))
        .bind(i64::from(reader.moderator));
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter().map(record_from_row).collect()
}

/// `limit` threads from `offset`, oldest first: top-level comments, then all their
/// replies (in the order they were written), in one query.
pub async fn threads(
    pool: &AnyPool,
    proposal_id: i64,
    reader: Reader,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<CommentRecord>> {
    let sql = format!(
        "WITH roots AS (SELECT id FROM proposal_comments \
           WHERE proposal_id = $1 AND parent_id IS NULL AND {} \
           ORDER BY id LIMIT $2 OFFSET $3) \
         SELECT {COLUMNS} {FROM} WHERE c.proposal_id = $1 \
           AND (c.id IN (SELECT id FROM roots) OR c.root_id IN (SELECT id FROM roots)) \
           AND {} ORDER BY c.id",
        shown_to(4, ""),
        shown_to(4, "c.")
    );
    let rows = sqlx::query(&sql)
        .bind(proposal_id)
        .bind(limit)
        .bind(offset)
        .bind(reader.user_id.unwrap_or(0))
        .bind(i64::from(reader.moderator))
        .fetch_all(pool)
        .await?;
    rows.iter().map(record_from_row).collect()
}
