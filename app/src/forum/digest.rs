//! The daily digest: one mail per follower listing the followed proposals with new
//! comments since their last digest. Each follower's mail is queued in the same
//! transaction that moves their digest cursor, so a digest is never sent twice, and a
//! run that stops half-way is finished by the next one.

use crate::error::internal;
use crate::mail::templates::digest_mail;
use crate::server::state::AppState;
use crate::site::Lang;
use sqlx::Row;

/// Name of the job in `job_runs`.
pub const JOB: &str = "forum_digest";

/// One follower's news about one proposal.
struct Pending {
    user_id: i64,
    email: String,
    lang: Lang,
    proposal_id: i64,
    title: String,
    new_comments: i64,
    last_comment: i64,
}

/// Queues the digests due now; how many mails were queued.
pub async fn run(state: &AppState) -> Result<usize, crate::error::AppError> {
    let rows = sqlx::query(
        "SELECT f.user_id, u.email, u.lang, f.proposal_id, p.title, \
         COUNT(c.id) AS new_comments, MAX(c.id) AS last_comment \
         FROM proposal_follows f \
         JOIN users u ON u.id = f.user_id \
         JOIN proposals p ON p.id = f.proposal_id AND p.moderation = 'published' \
         JOIN proposal_comments c ON c.proposal_id = f.proposal_id AND c.id > f.digest_after \
           AND c.deleted_at IS NULL AND c.moderation = 'published' \
           AND (c.author_id IS NULL OR c.author_id <> f.user_id) \
         WHERE u.email_verified_at IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM consents wc WHERE wc.user_id = f.user_id \
           AND wc.purpose = 'digest_mail' AND wc.given = 0) \
         GROUP BY f.user_id, u.email, u.lang, f.proposal_id, p.title \
         ORDER BY f.user_id, f.proposal_id",
    )
    .fetch_all(state.db.pool())
    .await
    .map_err(internal)?;
    let mut pending = Vec::with_capacity(rows.len());
    for row in &rows {
        let lang: String = row.try_get("lang").map_err(internal)?;
        pending.push(Pending {
            user_id: row.try_get("user_id").map_err(internal)?,
            email: row.try_get("email").map_err(internal)?,
            lang: Lang::parse(&lang).unwrap_or(Lang::Fr),
            proposal_id: row.try_get("proposal_id").map_err(internal)?,
            title: row.try_get("title").map_err(internal)?,
            new_comments: row.try_get("new_comments").map_err(internal)?,
            last_comment: row.try_get("last_comment").map_err(internal)?,
        });
    }
    let mut sent = 0;
    for follower in pending.chunk_by(|a, b| a.user_id == b.user_id) {
        if send_one(state, follower).await? {
            sent += 1;
        }
    }
    if sent > 0 {
        state.mail_wakeup.notify_one();
    }
    Ok(sent)
}

/// Moves one follower's cursors and queues their mail, together; false when another
/// run got there first.
async fn send_one(state: &AppState, items: &[Pending]) -> Result<bool, crate::error::AppError> {
    let Some(first) = items.first() else {
        return Ok(false);
    };
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    for item in items {
        let moved = sqlx::query(
            "UPDATE proposal_follows SET digest_after = $1 \
             WHERE proposal_id = $2 AND user_id = $3 AND digest_after < $1",
        )
        .bind(item.last_comment)
        .bind(item.proposal_id)
        .bind(item.user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        if moved.rows_affected() == 0 {
            return Ok(false);
        }
    }
    let link = |path: &str| {
        let mut url = (*state.public_url).clone();
        url.set_path(path);
        url.to_string()
    };
    let proposals: Vec<(String, i64, String)> = items
        .iter()
        .map(|i| {
            (
                i.title.clone(),
                i.new_comments,
                link(&format!("/forum/propositions/{}", i.proposal_id)),
            )
        })
        .collect();
    let mail = digest_mail(
        first.lang,
        &first.email,
        &state.site.commune_name,
        &proposals,
        &link("/notifications"),
    );
    crate::mail::outbox::enqueue_in(&mut tx, &mail, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(true)
}
