//! SQL of follows: who hears about a proposal's answers and new comments.

use sqlx::{AnyConnection, AnyPool};

/// `user_id` follows the proposal from now on (comments already written are not part of
/// their next digest). Following twice changes nothing.
pub async fn follow(
    conn: &mut AnyConnection,
    proposal_id: i64,
    user_id: i64,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO proposal_follows (proposal_id, user_id, created_at, digest_after) \
         SELECT $1, $2, $3, COALESCE(MAX(id), 0) FROM proposal_comments WHERE proposal_id = $1 \
         ON CONFLICT (proposal_id, user_id) DO NOTHING",
    )
    .bind(proposal_id)
    .bind(user_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn unfollow(pool: &AnyPool, proposal_id: i64, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM proposal_follows WHERE proposal_id = $1 AND user_id = $2")
        .bind(proposal_id)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Whether `user_id` follows, and whether they support, the proposal (one query).
pub async fn relation(
    pool: &AnyPool,
    proposal_id: i64,
    user_id: i64,
) -> sqlx::Result<(bool, bool)> {
    let (follows, supports): (i64, i64) = sqlx::query_as(
        "SELECT \
         (SELECT COUNT(*) FROM proposal_follows WHERE proposal_id = $1 AND user_id = $2), \
         (SELECT COUNT(*) FROM proposal_supports WHERE proposal_id = $1 AND user_id = $2)",
    )
    .bind(proposal_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok((follows > 0, supports > 0))
}
