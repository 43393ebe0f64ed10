//! Fixed-window rate limits counted in the database, so that every app node of a
//! scaled-out instance shares the same counters.

use super::db::Db;
use anyhow::Context;

/// At most `max` hits per window of `window_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_ms: i64,
}

impl Limit {
    pub const MINUTE: i64 = 60_000;
    pub const HOUR: i64 = 60 * Self::MINUTE;
    pub const DAY: i64 = 24 * Self::HOUR;

    pub const fn per_minute(max: u32) -> Limit {
        Limit {
            max,
            window_ms: Self::MINUTE,
        }
    }
    pub const fn per_hour(max: u32) -> Limit {
        Limit {
            max,
            window_ms: Self::HOUR,
        }
    }
    pub const fn per_day(max: u32) -> Limit {
        Limit {
            max,
            window_ms: Self::DAY,
        }
    }
}

/// The limits of an instance (`PARVIS_LIMIT_*` variables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Sign-in attempts per IP address.
    pub sign_in_per_ip: Limit,
    /// Accounts created per IP address.
    pub sign_up_per_ip: Limit,
    /// Link mails (reset, magic link, verification) per e-mail address.
    pub mail_per_address: Limit,
    /// Link mails requested per IP address.
    pub mail_per_ip: Limit,
    /// Posts (of any form) per IP address from someone not signed in.
    pub anonymous_posts_per_ip: Limit,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            sign_in_per_ip: Limit::per_minute(6),
            sign_up_per_ip: Limit::per_day(3),
            mail_per_address: Limit::per_hour(3),
            mail_per_ip: Limit::per_hour(10),
            anonymous_posts_per_ip: Limit::per_minute(30),
        }
    }
}

/// Counts one hit in `bucket`; true while the limit is not exceeded.
pub async fn allow(db: &Db, bucket: &str, limit: Limit, now_ms: i64) -> anyhow::Result<bool> {
    Ok(hit(db, bucket, limit.window_ms, now_ms).await? <= i64::from(limit.max))
}

/// Counts one hit in `bucket` and returns the hits of the current window.
pub async fn hit(db: &Db, bucket: &str, window_ms: i64, now_ms: i64) -> anyhow::Result<i64> {
    hit_in(db.pool(), bucket, window_ms, now_ms).await
}

/// [`hit`] on any executor: inside the transaction creating what is counted, the count
/// and the creation commit or roll back together.
pub async fn hit_in<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    bucket: &str,
    window_ms: i64,
    now_ms: i64,
) -> anyhow::Result<i64> {
    let window_start = now_ms - now_ms.rem_euclid(window_ms.max(1));
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(executor)
    .await
    .context("counting a rate-limited action")?;
    Ok(hits)
}

/// Hits of the current window, without counting one.
pub async fn current(db: &Db, bucket: &str, window_ms: i64, now_ms: i64) -> anyhow::Result<i64> {
    let window_start = now_ms - now_ms.rem_euclid(window_ms.max(1));
    let hits: Option<i64> =
        sqlx::query_scalar("SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start = $2")
            .bind(bucket)
            .bind(window_start)
            .fetch_optional(db.pool())
            .await
            .context("reading a rate-limit counter")?;
    Ok(hits.unwrap_or(0))
}

/// Forgets windows that ended more than a day ago.
pub async fn purge(db: &Db, now_ms: i64) -> anyhow::Result<u64> {
    let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(now_ms - 2 * Limit::DAY)
        .execute(db.pool())
        .await
        .context("purging rate-limit counters")?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::db_test!(a_limit_allows_max_hits_per_window_then_resets, |db| {
        let limit = Limit::per_minute(2);
        let t0 = 10 * Limit::MINUTE;
        assert!(allow(&db, "k", limit, t0).await.expect("1"));
        assert!(allow(&db, "k", limit, t0 + 1).await.expect("2"));
        assert!(!allow(&db, "k", limit, t0 + 2).await.expect("3"));
        assert!(allow(&db, "other", limit, t0 + 3)
            .await
            .expect("other bucket"));
        assert!(allow(&db, "k", limit, t0 + Limit::MINUTE)
            .await
            .expect("next window"));
        assert_eq!(
            current(&db, "k", Limit::MINUTE, t0).await.expect("count"),
            3
        );
    });
}
