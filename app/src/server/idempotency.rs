//! One creation per form sent, however many times it is posted.
//!
//! A form that creates something (a comment, a proposal, a request…) carries a key drawn
//! when it was rendered ([`OnceField`](crate::ui::form::OnceField), field [`FIELD`]). The
//! server's `idempotency` layer serves such a post inside [`serve`]; the first write
//! transaction it begins ([`crate::server::db::Db::begin_write`]) records the key with
//! [`claim`], so the key is committed together with what the post creates, or not at
//! all. A post whose key is already recorded (a retry after an answer lost to a network
//! cut or a crash) is answered with the first answer and creates nothing.

use sqlx::AnyConnection;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The hidden field carrying a form's key.
pub const FIELD: &str = "__once";
/// How long keys are kept: a retry comes within seconds, a resent form within hours.
pub const KEPT_MS: i64 = 24 * 3600 * 1000;

/// The post being served, with its key.
#[derive(Debug)]
pub struct Submission {
    principal: String,
    key: String,
    claimed: AtomicBool,
    repeated: AtomicBool,
}

impl Submission {
    /// `principal` keeps two people's keys apart (`u<id>`, or `anonymous`).
    pub fn new(principal: String, key: String) -> Arc<Submission> {
        Arc::new(Submission {
            principal,
            key,
            claimed: AtomicBool::new(false),
            repeated: AtomicBool::new(false),
        })
    }

    pub fn principal(&self) -> &str {
        &self.principal
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Whether a transaction of this post recorded its key (it may have rolled back).
    pub fn claimed(&self) -> bool {
        self.claimed.load(Ordering::Acquire)
    }

    /// Whether another post with the same key got there first, while this one was served.
    pub fn repeated(&self) -> bool {
        self.repeated.load(Ordering::Acquire)
    }
}

tokio::task_local! {
    static CURRENT: Arc<Submission>;
}

/// Runs `serving` (the handler of a post) with `submission` as the post being served.
pub async fn serve<F: Future>(submission: Arc<Submission>, serving: F) -> F::Output {
    CURRENT.scope(submission, serving).await
}

/// A fresh key for a form being rendered: 128 random bits.
pub fn new_key() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `raw` can be a key (what [`new_key`] draws, give or take its length).
pub fn is_key(raw: &str) -> bool {
    (16..=64).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The error of a transaction begun for a post whose key another post recorded first.
#[derive(Debug, thiserror::Error)]
#[error("this form was already sent (same {FIELD} key): the first post's answer is given instead")]
pub struct AlreadySent;

/// Records the key of the post being served in the write transaction `conn` has just
/// begun, unless there is no such post or a transaction of it already did. Fails with
/// [`AlreadySent`] when the key is already recorded (on PostgreSQL, after waiting for a
/// concurrent post with the same key to commit or roll back).
pub(crate) async fn claim(conn: &mut AnyConnection) -> sqlx::Result<()> {
    let Ok(submission) = CURRENT.try_with(Arc::clone) else {
        return Ok(());
    };
    if submission.claimed.swap(true, Ordering::AcqRel) {
        return Ok(());
    }
    let now_ms = crate::server::clock::Clock::System.now_ms();
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (principal, key, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (principal, key) DO NOTHING",
    )
    .bind(&submission.principal)
    .bind(&submission.key)
    .bind(now_ms)
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(done) if done.rows_affected() == 1 => Ok(()),
        Ok(_) => {
            submission.claimed.store(false, Ordering::Release);
            submission.repeated.store(true, Ordering::Release);
            Err(sqlx::Error::Protocol(AlreadySent.to_string()))
        }
        Err(err) => {
            submission.claimed.store(false, Ordering::Release);
            Err(err)
        }
    }
}

/// The first answer to a post with this key: `None` if the key is unknown,
/// `Some(None)` if it is recorded without its answer (being served, or the process
/// stopped between the commit and the answer), else the answer's status and address.
pub async fn first_answer(
    pool: &sqlx::AnyPool,
    principal: &str,
    key: &str,
) -> sqlx::Result<Option<Option<(u16, Option<String>)>>> {
    use sqlx::Row;
    let row = sqlx::query(
        "SELECT status, location FROM idempotency_keys WHERE principal = $1 AND key = $2",
    )
    .bind(principal)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let status: Option<i64> = row.try_get("status")?;
    let location: Option<String> = row.try_get("location")?;
    Ok(Some(
        status
            .and_then(|s| u16::try_from(s).ok())
            .map(|s| (s, location)),
    ))
}

/// Records the answer given to the post that recorded this key.
pub async fn record_answer(
    pool: &sqlx::AnyPool,
    submission: &Submission,
    status: u16,
    location: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, location = $2 \
         WHERE principal = $3 AND key = $4 AND status IS NULL",
    )
    .bind(i64::from(status))
    .bind(location)
    .bind(&submission.principal)
    .bind(&submission.key)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets keys older than [`KEPT_MS`].
pub async fn prune(pool: &sqlx::AnyPool, now_ms: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now_ms - KEPT_MS)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    #[test]
    fn drawn_keys_are_keys_and_odd_values_are_not() {
        let key = super::new_key();
        assert!(super::is_key(&key), "{key}");
        assert_ne!(key, super::new_key());
        for odd in [
            "",
            "short",
            "a b c d e f g h i j",
            &"x".repeat(65),
            "0123456789abcdef;",
        ] {
            assert!(!super::is_key(odd), "{odd}");
        }
    }
}
