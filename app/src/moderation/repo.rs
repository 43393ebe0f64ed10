//! SQL of moderation: contributions' state, flags, the queue, decisions, appeals,
//! sanctions and watched words. Lists are one query per page.

use super::model::{
    Action, AppealSummary, Cause, DecisionView, FlagView, ItemKind, QueueFilter, QueueItem, Reason,
    SanctionKind, SanctionView, Visibility,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// A contribution as moderation needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    pub id: i64,
    pub proposal_id: i64,
    pub author_id: Option<i64>,
    pub visibility: Visibility,
    /// A proposal's title.
    pub title: Option<String>,
    /// Its current Markdown.
    pub body: String,
    pub deleted: bool,
}

/// A proposal or a comment, `None` for an account or when it does not exist.
pub async fn item(conn: &mut AnyConnection, kind: ItemKind, id: i64) -> sqlx::Result<Option<Item>> {
    let sql = match kind {
        ItemKind::Proposal => {
            "SELECT id, id AS proposal_id, author_id, moderation, title, body, \
             0 AS deleted FROM proposals WHERE id = $1"
        }
        ItemKind::Comment => {
            "SELECT id, proposal_id, author_id, moderation, NULL AS title, body, \
             CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END AS deleted \
             FROM proposal_comments WHERE id = $1"
        }
        ItemKind::Account => return Ok(None),
    };
    let Some(row) = sqlx::query(sql).bind(id).fetch_optional(conn).await? else {
        return Ok(None);
    };
    let visibility: String = row.try_get("moderation")?;
    Ok(Some(Item {
        kind,
        id: row.try_get("id")?,
        proposal_id: row.try_get("proposal_id")?,
        author_id: row.try_get("author_id")?,
        visibility: Visibility::parse(&visibility),
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        deleted: row.try_get::<i64, _>("deleted")? == 1,
    }))
}

impl Item {
    /// Its text as a flag keeps it.
    pub fn snapshot(&self) -> String {
        match &self.title {
            Some(title) => format!("{title}\n\n{}", self.body),
            None => self.body.clone(),
        }
    }
}

fn table(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Proposal => "proposals",
        _ => "proposal_comments",
    }
}

/// Moves a contribution from `from` to `to`; false when it was no longer in `from`.
pub async fn set_visibility(
    conn: &mut AnyConnection,
    kind: ItemKind,
    id: i64,
    from: Visibility,
    to: Visibility,
) -> sqlx::Result<bool> {
    let sql = format!(
        "UPDATE {} SET moderation = $1 WHERE id = $2 AND moderation = $3",
        table(kind)
    );
    let done = sqlx::query(&sql)
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Changes a proposal's published comment count by `delta`.
pub async fn count_comment(
    conn: &mut AnyConnection,
    proposal_id: i64,
    delta: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE proposals SET comment_count = CASE WHEN comment_count + $1 < 0 THEN 0 \
         ELSE comment_count + $1 END WHERE id = $2",
    )
    .bind(delta)
    .bind(proposal_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records `user_id`'s flag; false when they had already flagged it.
pub async fn insert_flag(
    conn: &mut AnyConnection,
    item: &Item,
    user_id: i64,
    reason: Reason,
    detail: &str,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO moderation_flags (item_kind, item_id, user_id, reason, detail, snapshot, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (item_kind, item_id, user_id) DO NOTHING",
    )
    .bind(item.kind.as_str())
    .bind(item.id)
    .bind(user_id)
    .bind(reason.as_str())
    .bind(detail)
    .bind(item.snapshot())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Open flags of a contribution (one per person).
pub async fn open_flags(conn: &mut AnyConnection, kind: ItemKind, id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM moderation_flags WHERE item_kind = $1 AND item_id = $2 \
         AND resolved_at IS NULL",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_one(conn)
    .await
}

/// Puts a contribution in the queue, or counts one more flag on it.
pub async fn enqueue(
    conn: &mut AnyConnection,
    item: &Item,
    cause: Cause,
    reason: Option<Reason>,
    now_ms: i64,
) -> sqlx::Result<()> {
    let flags = i64::from(cause == Cause::Flags);
    sqlx::query(
        "INSERT INTO moderation_queue (item_kind, item_id, proposal_id, author_id, cause, reason, \
         flag_count, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (item_kind, item_id) DO UPDATE SET \
         flag_count = moderation_queue.flag_count + $7, \
         reason = COALESCE(moderation_queue.reason, $6)",
    )
    .bind(item.kind.as_str())
    .bind(item.id)
    .bind(item.proposal_id)
    .bind(item.author_id)
    .bind(cause.as_str())
    .bind(reason.map(Reason::as_str))
    .bind(flags)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// What a decision row records.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    pub kind: ItemKind,
    pub item_id: i64,
    pub proposal_id: Option<i64>,
    pub author_id: Option<i64>,
    pub moderator_id: Option<i64>,
    pub action: Action,
    pub reason: Option<Reason>,
    pub rule: &'a str,
    pub note: &'a str,
    pub previous_text: Option<&'a str>,
    pub appeal_id: Option<i64>,
}

/// Stores a decision, resolves the contribution's open flags with it and takes it out
/// of the queue; the decision's id.
pub async fn insert_decision(
    conn: &mut AnyConnection,
    d: &NewDecision<'_>,
    now_ms: i64,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO moderation_decisions (item_kind, item_id, proposal_id, author_id, \
         moderator_id, action, reason, rule, note, previous_text, appeal_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(d.kind.as_str())
    .bind(d.item_id)
    .bind(d.proposal_id)
    .bind(d.author_id)
    .bind(d.moderator_id)
    .bind(d.action.as_str())
    .bind(d.reason.map(Reason::as_str))
    .bind(d.rule)
    .bind(d.note)
    .bind(d.previous_text)
    .bind(d.appeal_id)
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await?;
    // An automatic hiding waits for a moderator: its flags stay open, it stays queued.
    if d.kind != ItemKind::Account && d.action != Action::AutoHide {
        sqlx::query(
            "UPDATE moderation_flags SET resolved_at = $1, decision_id = $2 \
             WHERE item_kind = $3 AND item_id = $4 AND resolved_at IS NULL",
        )
        .bind(now_ms)
        .bind(id)
        .bind(d.kind.as_str())
        .bind(d.item_id)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM moderation_queue WHERE item_kind = $1 AND item_id = $2")
            .bind(d.kind.as_str())
            .bind(d.item_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// Tells the author about a decision (in-app).
pub async fn notify_author(
    conn: &mut AnyConnection,
    user_id: i64,
    proposal_id: i64,
    decision_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, proposal_id, item_count, created_at, \
         updated_at, decision_id) VALUES ($1, 'moderation', $2, 1, $3, $3, $4)",
    )
    .bind(user_id)
    .bind(proposal_id)
    .bind(now_ms)
    .bind(decision_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The SQL condition and values of the queue's filters (placeholders from `$1`).
fn queue_filter(filter: &QueueFilter, now_ms: i64) -> (String, Vec<String>) {
    let mut clauses = vec!["1 = 1".to_owned()];
    let mut binds = Vec::new();
    if let Some(kind) = filter.kind {
        binds.push(kind.as_str().to_owned());
        clauses.push(format!("q.item_kind = ${}", binds.len()));
    }
    if let Some(reason) = filter.reason {
        binds.push(reason.as_str().to_owned());
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM moderation_flags f WHERE f.item_kind = q.item_kind \
             AND f.item_id = q.item_id AND f.resolved_at IS NULL AND f.reason = ${})",
            binds.len()
        ));
    }
    let min_age = filter.age.min_age_ms();
    if min_age > 0 {
        clauses.push(format!("q.entered_at <= {}", now_ms - min_age));
    }
    (clauses.join(" AND "), binds)
}

/// How many contributions wait in the queue under `filter`.
pub async fn queue_total(pool: &AnyPool, filter: &QueueFilter, now_ms: i64) -> sqlx::Result<i64> {
    let (cond, binds) = queue_filter(filter, now_ms);
    let sql = format!("SELECT COUNT(*) FROM moderation_queue q WHERE {cond}");
    let mut query = sqlx::query_scalar(&sql);
    for b in &binds {
        query = query.bind(b.as_str());
    }
    query.fetch_one(pool).await
}

/// A page of the queue, oldest first, with each contribution's text and thread title
/// (one query).
pub async fn queue_page(
    pool: &AnyPool,
    filter: &QueueFilter,
    now_ms: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<QueueItem>> {
    let (cond, binds) = queue_filter(filter, now_ms);
    let n = binds.len();
    let sql = format!(
        "SELECT q.item_kind, q.item_id, q.proposal_id, q.cause, q.reason, q.flag_count, \
         q.entered_at, p.title, u.display_name AS author_name, \
         CASE WHEN q.item_kind = 'proposal' THEN p.body ELSE c.body END AS text, \
         CASE WHEN q.item_kind = 'proposal' THEN p.moderation ELSE c.moderation END AS moderation \
         FROM moderation_queue q JOIN proposals p ON p.id = q.proposal_id \
         LEFT JOIN proposal_comments c ON q.item_kind = 'comment' AND c.id = q.item_id \
         LEFT JOIN users u ON u.id = q.author_id \
         WHERE {cond} ORDER BY q.entered_at, q.item_id LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b.as_str());
    }
    let rows = query.bind(limit).bind(offset).fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("item_kind")?;
            let cause: String = row.try_get("cause")?;
            let reason: Option<String> = row.try_get("reason")?;
            let visibility: Option<String> = row.try_get("moderation")?;
            let text: Option<String> = row.try_get("text")?;
            Ok(QueueItem {
                kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Comment),
                id: row.try_get("item_id")?,
                proposal_id: row.try_get("proposal_id")?,
                proposal_title: row.try_get("title")?,
                author_name: row.try_get("author_name")?,
                excerpt: excerpt(&text.unwrap_or_default(), 200),
                visibility: Visibility::parse(&visibility.unwrap_or_default()),
                cause: Cause::parse(&cause),
                reason: reason.as_deref().and_then(Reason::parse),
                flag_count: row.try_get("flag_count")?,
                entered_at_ms: row.try_get("entered_at")?,
            })
        })
        .collect()
}

/// The first `max` characters of `text`, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// Why a contribution is queued, if it is.
pub async fn queued_cause(pool: &AnyPool, kind: ItemKind, id: i64) -> sqlx::Result<Option<Cause>> {
    let cause: Option<String> = sqlx::query_scalar(
        "SELECT cause FROM moderation_queue WHERE item_kind = $1 AND item_id = $2",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(cause.as_deref().map(Cause::parse))
}

/// Appeals waiting for a decision, oldest first.
pub async fn open_appeals(
    pool: &AnyPool,
    viewer: i64,
    limit: i64,
) -> sqlx::Result<Vec<AppealSummary>> {
    let rows = sqlx::query(
        "SELECT a.id, a.text, d.item_kind, d.item_id, d.action, d.reason, a.created_at, \
         d.moderator_id \
         FROM moderation_appeals a JOIN moderation_decisions d ON d.id = a.decision_id \
         WHERE a.decided_at IS NULL ORDER BY a.created_at, a.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("item_kind")?;
            let action: String = row.try_get("action")?;
            let reason: Option<String> = row.try_get("reason")?;
            Ok(AppealSummary {
                appeal: super::model::AppealView {
                    id: row.try_get("id")?,
                    text: row.try_get("text")?,
                    created_at_ms: row.try_get("created_at")?,
                    own_decision: row.try_get::<Option<i64>, _>("moderator_id")? == Some(viewer),
                },
                kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Comment),
                item_id: row.try_get("item_id")?,
                action: Action::parse(&action).unwrap_or(Action::Hide),
                reason: reason.as_deref().and_then(Reason::parse),
            })
        })
        .collect()
}

/// The flags of a contribution, newest first.
pub async fn flags_of(pool: &AnyPool, kind: ItemKind, id: i64) -> sqlx::Result<Vec<FlagView>> {
    let rows = sqlx::query(
        "SELECT reason, detail, snapshot, created_at, resolved_at FROM moderation_flags \
         WHERE item_kind = $1 AND item_id = $2 ORDER BY id DESC LIMIT 100",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let reason: String = row.try_get("reason")?;
            Ok(FlagView {
                reason: Reason::parse(&reason).unwrap_or(Reason::Other),
                detail: row.try_get("detail")?,
                snapshot: row.try_get("snapshot")?,
                created_at_ms: row.try_get("created_at")?,
                open: row.try_get::<Option<i64>, _>("resolved_at")?.is_none(),
            })
        })
        .collect()
}

const DECISION_COLUMNS: &str = "d.id, d.item_kind, d.item_id, d.proposal_id, d.action, \
     d.reason, d.rule, d.note, d.created_at, d.appeal_id, m.display_name AS moderator";
const DECISION_FROM: &str =
    "FROM moderation_decisions d LEFT JOIN users m ON m.id = d.moderator_id";

fn decision_from_row(row: &AnyRow, with_moderator: bool) -> sqlx::Result<DecisionView> {
    let kind: String = row.try_get("item_kind")?;
    let action: String = row.try_get("action")?;
    let reason: Option<String> = row.try_get("reason")?;
    Ok(DecisionView {
        id: row.try_get("id")?,
        kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Comment),
        action: Action::parse(&action).unwrap_or(Action::Keep),
        reason: reason.as_deref().and_then(Reason::parse),
        rule: row.try_get("rule")?,
        note: row.try_get("note")?,
        created_at_ms: row.try_get("created_at")?,
        on_appeal: row.try_get::<Option<i64>, _>("appeal_id")?.is_some(),
        moderator: if with_moderator {
            row.try_get::<Option<String>, _>("moderator")?
        } else {
            None
        },
    })
}

/// Decisions about one contribution or account, newest first (for moderators).
pub async fn decisions_on(
    pool: &AnyPool,
    kind: ItemKind,
    id: i64,
) -> sqlx::Result<Vec<DecisionView>> {
    let sql = format!(
        "SELECT {DECISION_COLUMNS} {DECISION_FROM} WHERE d.item_kind = $1 AND d.item_id = $2 \
         ORDER BY d.id DESC LIMIT 50"
    );
    let rows = sqlx::query(&sql)
        .bind(kind.as_str())
        .bind(id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(|r| decision_from_row(r, true)).collect()
}

/// The latest decisions about an author's contributions and account (for moderators).
pub async fn decisions_about(
    pool: &AnyPool,
    author_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<DecisionView>> {
    let sql = format!(
        "SELECT {DECISION_COLUMNS} {DECISION_FROM} WHERE d.author_id = $1 \
         ORDER BY d.id DESC LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(author_id)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(|r| decision_from_row(r, true)).collect()
}

/// A page of the public log (no moderator, no text), newest first.
pub async fn public_log(
    pool: &AnyPool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<DecisionView>> {
    let sql = format!(
        "SELECT {DECISION_COLUMNS} {DECISION_FROM} ORDER BY d.created_at DESC, d.id DESC \
         LIMIT $1 OFFSET $2"
    );
    let rows = sqlx::query(&sql)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            decision_from_row(r, false).map(|mut d| {
                d.note.clear();
                d
            })
        })
        .collect()
}

pub async fn log_total(pool: &AnyPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM moderation_decisions")
        .fetch_one(pool)
        .await
}

/// A decision with what appealing it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub id: i64,
    pub kind: ItemKind,
    pub item_id: i64,
    pub proposal_id: Option<i64>,
    pub author_id: Option<i64>,
    pub moderator_id: Option<i64>,
    pub action: Action,
    pub previous_text: Option<String>,
}

pub async fn decision(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<DecisionRecord>> {
    let row = sqlx::query(
        "SELECT id, item_kind, item_id, proposal_id, author_id, moderator_id, action, \
         previous_text FROM moderation_decisions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        let kind: String = row.try_get("item_kind")?;
        let action: String = row.try_get("action")?;
        Ok(DecisionRecord {
            id: row.try_get("id")?,
            kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Comment),
            item_id: row.try_get("item_id")?,
            proposal_id: row.try_get("proposal_id")?,
            author_id: row.try_get("author_id")?,
            moderator_id: row.try_get("moderator_id")?,
            action: Action::parse(&action).unwrap_or(Action::Keep),
            previous_text: row.try_get("previous_text")?,
        })
    })
    .transpose()
}

/// Records an appeal; false when the decision was already appealed.
pub async fn insert_appeal(
    conn: &mut AnyConnection,
    decision_id: i64,
    author_id: i64,
    text: &str,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO moderation_appeals (decision_id, author_id, text, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (decision_id) DO NOTHING",
    )
    .bind(decision_id)
    .bind(author_id)
    .bind(text)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An open appeal: its id, decision and text.
pub async fn open_appeal(
    conn: &mut AnyConnection,
    appeal_id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    let row = sqlx::query(
        "SELECT decision_id, text FROM moderation_appeals WHERE id = $1 AND decided_at IS NULL",
    )
    .bind(appeal_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((r.try_get("decision_id")?, r.try_get("text")?)))
        .transpose()
}

/// The open appeal against the latest decisions about a contribution, if any.
pub async fn open_appeal_on(
    pool: &AnyPool,
    kind: ItemKind,
    id: i64,
    viewer: i64,
) -> sqlx::Result<Option<super::model::AppealView>> {
    let row = sqlx::query(
        "SELECT a.id, a.text, a.created_at, d.moderator_id FROM moderation_appeals a \
         JOIN moderation_decisions d ON d.id = a.decision_id \
         WHERE d.item_kind = $1 AND d.item_id = $2 AND a.decided_at IS NULL \
         ORDER BY a.id DESC LIMIT 1",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(super::model::AppealView {
            id: r.try_get("id")?,
            text: r.try_get("text")?,
            created_at_ms: r.try_get("created_at")?,
            own_decision: r.try_get::<Option<i64>, _>("moderator_id")? == Some(viewer),
        })
    })
    .transpose()
}

/// Settles an appeal; false when another moderator settled it first.
pub async fn settle_appeal(
    conn: &mut AnyConnection,
    appeal_id: i64,
    moderator_id: i64,
    upheld: bool,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE moderation_appeals SET decided_at = $1, decided_by = $2, upheld = $3 \
         WHERE id = $4 AND decided_at IS NULL",
    )
    .bind(now_ms)
    .bind(moderator_id)
    .bind(i64::from(upheld))
    .bind(appeal_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A resident's decisions with their appeals (newest first).
pub async fn decisions_for_author(
    pool: &AnyPool,
    author_id: i64,
    limit: i64,
) -> sqlx::Result<
    Vec<(
        DecisionView,
        i64,
        Option<i64>,
        Option<String>,
        bool,
        Option<Option<bool>>,
    )>,
> {
    let sql = format!(
        "SELECT {DECISION_COLUMNS}, p.title, a.id AS appeal, a.decided_at, a.upheld {DECISION_FROM} \
         LEFT JOIN proposals p ON p.id = d.proposal_id \
         LEFT JOIN moderation_appeals a ON a.decision_id = d.id \
         WHERE d.author_id = $1 AND d.action <> 'auto_hide' ORDER BY d.id DESC LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(author_id)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let decision = decision_from_row(row, false)?;
            let appeal = match row.try_get::<Option<i64>, _>("appeal")? {
                None => None,
                Some(_) => Some(
                    row.try_get::<Option<i64>, _>("decided_at")?
                        .and(row.try_get::<Option<i64>, _>("upheld")?)
                        .map(|u| u == 1),
                ),
            };
            Ok((
                decision,
                row.try_get("item_id")?,
                row.try_get("proposal_id")?,
                row.try_get("title")?,
                appeal.is_none(),
                appeal,
            ))
        })
        .collect()
}

const SANCTION_COLUMNS: &str = "kind, reason, note, created_at, ends_at, lifted_at";

fn sanction_from_row(row: &AnyRow) -> sqlx::Result<SanctionView> {
    let kind: String = row.try_get("kind")?;
    let reason: String = row.try_get("reason")?;
    Ok(SanctionView {
        kind: SanctionKind::parse(&kind).unwrap_or(SanctionKind::Warning),
        reason: Reason::parse(&reason).unwrap_or(Reason::Other),
        note: row.try_get("note")?,
        created_at_ms: row.try_get("created_at")?,
        ends_at_ms: row.try_get("ends_at")?,
    })
}

/// The sanction stopping `user_id` from posting now (a ban before a suspension), if any.
pub async fn posting_block(
    conn: &mut AnyConnection,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<Option<SanctionView>> {
    let sql = format!(
        "SELECT {SANCTION_COLUMNS} FROM moderation_sanctions WHERE user_id = $1 \
         AND kind IN ('suspension', 'ban') AND lifted_at IS NULL \
         AND (ends_at IS NULL OR ends_at > $2) \
         ORDER BY CASE WHEN ends_at IS NULL THEN 0 ELSE 1 END, ends_at DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(user_id)
        .bind(now_ms)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(sanction_from_row).transpose()
}

/// Every sanction of `user_id`, newest first, with whether it is in force.
pub async fn sanctions_of(
    pool: &AnyPool,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<Vec<(SanctionView, bool)>> {
    let sql = format!(
        "SELECT {SANCTION_COLUMNS} FROM moderation_sanctions WHERE user_id = $1 \
         ORDER BY id DESC LIMIT 50"
    );
    let rows = sqlx::query(&sql).bind(user_id).fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            let view = sanction_from_row(row)?;
            let lifted = row.try_get::<Option<i64>, _>("lifted_at")?.is_some();
            let in_force = !lifted
                && view.kind.blocks_posting()
                && view.ends_at_ms.is_none_or(|end| end > now_ms);
            Ok((view, in_force))
        })
        .collect()
}

pub async fn insert_sanction(
    conn: &mut AnyConnection,
    user_id: i64,
    sanction: &SanctionView,
    decision_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO moderation_sanctions (user_id, kind, reason, note, decision_id, created_at, \
         ends_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user_id)
    .bind(sanction.kind.as_str())
    .bind(sanction.reason.as_str())
    .bind(&sanction.note)
    .bind(decision_id)
    .bind(sanction.created_at_ms)
    .bind(sanction.ends_at_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Lifts the sanction a decision imposed.
pub async fn lift_sanction(
    conn: &mut AnyConnection,
    decision_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE moderation_sanctions SET lifted_at = $1 WHERE decision_id = $2 AND lifted_at IS NULL")
        .bind(now_ms)
        .bind(decision_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// What the posting rules need to know about an author: when their account was made,
/// how many proposals and comments they wrote, and when they last posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthorActivity {
    pub created_at_ms: i64,
    pub proposals: i64,
    pub comments: i64,
    pub last_post_ms: Option<i64>,
}

/// Whether `user_id` holds the administrator role (moderators may not act on them).
pub async fn is_admin(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<bool> {
    let found: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM user_roles WHERE user_id = $1 AND role = 'admin'")
            .bind(user_id)
            .fetch_one(conn)
            .await?;
    Ok(found > 0)
}

pub async fn activity(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<AuthorActivity> {
    let row = sqlx::query(
        "SELECT u.created_at, \
         (SELECT COUNT(*) FROM proposals WHERE author_id = u.id) AS proposals, \
         (SELECT COUNT(*) FROM proposal_comments WHERE author_id = u.id) AS comments, \
         (SELECT MAX(created_at) FROM proposals WHERE author_id = u.id) AS last_proposal, \
         (SELECT MAX(created_at) FROM proposal_comments WHERE author_id = u.id) AS last_comment \
         FROM users u WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    let last_proposal: Option<i64> = row.try_get("last_proposal")?;
    let last_comment: Option<i64> = row.try_get("last_comment")?;
    Ok(AuthorActivity {
        created_at_ms: row.try_get("created_at")?,
        proposals: row.try_get("proposals")?,
        comments: row.try_get("comments")?,
        last_post_ms: last_proposal.max(last_comment),
    })
}

/// Whether contributions in a theme (given directly, or as the theme of a proposal)
/// wait for approval.
pub async fn premoderated(
    conn: &mut AnyConnection,
    theme_id: Option<i64>,
    proposal_id: Option<i64>,
) -> sqlx::Result<bool> {
    let on: Option<i64> = sqlx::query_scalar(
        "SELECT premoderated FROM forum_themes WHERE id = COALESCE($1, \
         (SELECT theme_id FROM proposals WHERE id = $2))",
    )
    .bind(theme_id)
    .bind(proposal_id)
    .fetch_optional(conn)
    .await?;
    Ok(on == Some(1))
}

pub async fn set_theme_premoderated(pool: &AnyPool, slug: &str, on: bool) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE forum_themes SET premoderated = $1 WHERE slug = $2")
        .bind(i64::from(on))
        .bind(slug)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Themes (active ones) with whether each is pre-moderated.
pub async fn themes(pool: &AnyPool) -> sqlx::Result<Vec<(String, String, String, bool)>> {
    let rows = sqlx::query(
        "SELECT slug, name_fr, name_en, premoderated FROM forum_themes \
         WHERE archived_at IS NULL ORDER BY position, id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("slug")?,
                r.try_get("name_fr")?,
                r.try_get("name_en")?,
                r.try_get::<i64, _>("premoderated")? == 1,
            ))
        })
        .collect()
}

pub async fn watched_words(conn: &mut AnyConnection) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT word FROM moderation_watched_words ORDER BY word")
        .fetch_all(conn)
        .await
}

/// Replaces the list of watched words.
pub async fn replace_watched_words(
    conn: &mut AnyConnection,
    words: &[String],
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM moderation_watched_words")
        .execute(&mut *conn)
        .await?;
    for word in words {
        sqlx::query(
            "INSERT INTO moderation_watched_words (word, created_at) VALUES ($1, $2) \
             ON CONFLICT (word) DO NOTHING",
        )
        .bind(word)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces a contribution's text after a redaction.
pub async fn replace_text(
    conn: &mut AnyConnection,
    kind: ItemKind,
    id: i64,
    body: &str,
    body_html: &str,
    search_text: Option<&str>,
) -> sqlx::Result<()> {
    match kind {
        ItemKind::Proposal => {
            sqlx::query("UPDATE proposals SET body = $1, body_html = $2, search_text = COALESCE($3, search_text) WHERE id = $4")
                .bind(body)
                .bind(body_html)
                .bind(search_text)
                .bind(id)
                .execute(conn)
                .await?;
        }
        _ => {
            sqlx::query("UPDATE proposal_comments SET body = $1, body_html = $2 WHERE id = $3")
                .bind(body)
                .bind(body_html)
                .bind(id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}
