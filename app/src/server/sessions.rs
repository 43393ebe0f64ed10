//! Server-side sessions for tower-sessions, stored in the `sessions` table of whichever
//! database Parvis runs on (SQLite or PostgreSQL), so every app node sees them.
//!
//! The signed-in person's id is copied out of the session data into its own column, so
//! their sessions can be listed on their profile and ended all at once.
//!
//! Sessions end after a period without activity, so the session layer saves a session at
//! the end of every request (`with_always_save`) to push its expiry back. What a save
//! writes depends on what the request did with the data it loaded:
//!
//! - nothing: only the expiry is written, and only when it was last written more than
//!   [`RENEW_EVERY_MS`] ago. A signed-in page view costs no database write, and a page
//!   view served while another request of the same browser changed the session (a
//!   refused form keeping what was typed, a sign-in) never writes back the data it read;
//! - changed it: the data is written, but a session ended elsewhere meanwhile (sign-out on
//!   another device, password change, erasure) is never brought back.

use super::db::Db;
use async_trait::async_trait;
use std::collections::HashMap;
use std::str::FromStr;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

/// Session keys Parvis reads back from the stored data.
pub mod keys {
    /// The signed-in account's id.
    pub const USER_ID: &str = "auth.user_id";
    /// When the person signed in (epoch ms).
    pub const SIGNED_IN_AT: &str = "auth.since";
    /// The browser that signed in, shown in the sessions list.
    pub const USER_AGENT: &str = "auth.ua";
    /// A sign-in started at the OpenID provider (state, nonce, PKCE verifier).
    pub const OIDC_PENDING: &str = "oidc.pending";
    /// The provider's ID token of this session, sent back when signing out there.
    pub const OIDC_ID_TOKEN: &str = "oidc.id_token";
}

/// How often an unchanged session's expiry is written: it may end up to this much
/// earlier than the full period after its last request.
pub const RENEW_EVERY_MS: i64 = 3_600_000;
/// Loads remembered until their save, at most (then all forgotten at once: a save whose
/// load was forgotten writes its data).
const LOADED_MAX: usize = 10_000;
/// Loads of one session remembered at once, at most (the oldest forgotten first).
const LOADED_PER_SESSION: usize = 32;

/// A session as one request read it, until that request saves it.
#[derive(Debug)]
struct Loaded {
    data: HashMap<String, serde_json::Value>,
    expires_at: i64,
}

/// The session store.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    /// Each session's loads not saved yet: several requests of one browser run at once
    /// (a page and its live stream, a form post and a page still loading).
    loaded: std::sync::Arc<std::sync::Mutex<Loads>>,
}

#[derive(Debug, Default)]
struct Loads {
    by_session: HashMap<Id, Vec<Loaded>>,
    count: usize,
}

impl Loads {
    fn remember(&mut self, id: Id, loaded: Loaded) {
        if self.count >= LOADED_MAX {
            self.by_session.clear();
            self.count = 0;
        }
        let loads = self.by_session.entry(id).or_default();
        if loads.len() >= LOADED_PER_SESSION {
            loads.remove(0);
            self.count -= 1;
        }
        loads.push(loaded);
        self.count += 1;
    }

    /// The load whose data `record` still holds, taken out: the save of a request that
    /// changed nothing. `None`: the data changed (or its load was forgotten).
    fn take_unchanged(&mut self, record: &Record) -> Option<Loaded> {
        let loads = self.by_session.get_mut(&record.id)?;
        let at = loads.iter().position(|l| l.data == record.data)?;
        let loaded = loads.remove(at);
        if loads.is_empty() {
            self.by_session.remove(&record.id);
        }
        self.count -= 1;
        Some(loaded)
    }

    fn forget(&mut self, id: &Id) {
        if let Some(loads) = self.by_session.remove(id) {
            self.count -= loads.len();
        }
    }
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore {
            db,
            loaded: std::sync::Arc::default(),
        }
    }

    fn loaded(&self) -> std::sync::MutexGuard<'_, Loads> {
        self.loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes expired sessions; returns how many.
    pub async fn delete_expired(&self, now_ms: i64) -> sqlx::Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms)
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

fn backend(err: impl std::fmt::Display) -> Error {
    Error::Backend(err.to_string())
}

fn expiry_ms(record: &Record) -> i64 {
    i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn now_ms() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
        .unwrap_or(i64::MAX)
}

struct Columns {
    data: String,
    expires_at: i64,
    user_id: Option<i64>,
    signed_in_at: Option<i64>,
    user_agent: Option<String>,
}

fn columns(record: &Record) -> Result<Columns> {
    let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
    Ok(Columns {
        data,
        expires_at: expiry_ms(record),
        user_id: record.data.get(keys::USER_ID).and_then(|v| v.as_i64()),
        signed_in_at: record.data.get(keys::SIGNED_IN_AT).and_then(|v| v.as_i64()),
        user_agent: record
            .data
            .get(keys::USER_AGENT)
            .and_then(|v| v.as_str())
            .map(|ua| ua.chars().take(300).collect()),
    })
}

/// Inserts `record` unless its id is taken; returns the rows written (0 or 1).
async fn insert_if_free(db: &Db, record: &Record) -> Result<u64> {
    let c = columns(record)?;
    let done = sqlx::query(
        "INSERT INTO sessions (id, data, expires_at, user_id, signed_in_at, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(record.id.to_string())
    .bind(c.data)
    .bind(c.expires_at)
    .bind(c.user_id)
    .bind(c.signed_in_at)
    .bind(c.user_agent)
    .execute(db.pool())
    .await
    .map_err(backend)?;
    Ok(done.rows_affected())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A new id is drawn until it is free (collisions are astronomically rare).
        while insert_if_free(&self.db, record).await? == 0 {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let expires_at = expiry_ms(record);
        let unchanged = self.loaded().take_unchanged(record);
        if let Some(loaded) = unchanged {
            // The request changed nothing: its data may be older than what another
            // request wrote meanwhile, so only the expiry is renewed, when due.
            if expires_at.saturating_sub(loaded.expires_at) >= RENEW_EVERY_MS {
                sqlx::query("UPDATE sessions SET expires_at = $1 WHERE id = $2")
                    .bind(expires_at)
                    .bind(record.id.to_string())
                    .execute(self.db.pool())
                    .await
                    .map_err(backend)?;
            }
            return Ok(());
        }
        let c = columns(record)?;
        // An UPDATE, not an upsert: a session deleted while the request ran stays ended.
        sqlx::query(
            "UPDATE sessions SET data = $1, expires_at = $2, user_id = $3, \
             signed_in_at = $4, user_agent = $5 WHERE id = $6",
        )
        .bind(c.data)
        .bind(c.expires_at)
        .bind(c.user_id)
        .bind(c.signed_in_at)
        .bind(c.user_agent)
        .bind(record.id.to_string())
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id.to_string())
        .bind(now_ms())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data: HashMap<String, serde_json::Value> =
            serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires_at) * 1_000_000)
                .map_err(|e| Error::Decode(e.to_string()))?;
        self.loaded().remember(
            *id,
            Loaded {
                data: data.clone(),
                expires_at,
            },
        );
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.loaded().forget(id);
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Parses a session id as printed in the `id` column (for the sessions list).
pub fn parse_id(raw: &str) -> Option<Id> {
    Id::from_str(raw).ok()
}

/// The account signed in on `session`, if any (for plain HTTP handlers; server fns use
/// `auth::current_user`).
pub async fn signed_in_user(session: &tower_sessions::Session) -> Option<i64> {
    session.get::<i64>(keys::USER_ID).await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(user: Option<i64>) -> Record {
        let mut data = HashMap::new();
        if let Some(user) = user {
            data.insert(keys::USER_ID.to_owned(), serde_json::json!(user));
            data.insert(keys::USER_AGENT.to_owned(), serde_json::json!("Firefox"));
        }
        data.insert("flash".to_owned(), serde_json::json!({"email": "a@b.fr"}));
        Record {
            id: Id::default(),
            data,
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        }
    }

    crate::db_test!(sessions_round_trip_and_are_deleted, |db| {
        let store = DbSessionStore::new(db.clone());
        let mut rec = record(None);
        store.create(&mut rec).await.expect("create");
        let loaded = store.load(&rec.id).await.expect("load").expect("found");
        assert_eq!(loaded.data, rec.data);
        store.delete(&rec.id).await.expect("delete");
        assert!(store.load(&rec.id).await.expect("load").is_none());
    });

    crate::db_test!(
        reading_a_session_writes_it_only_when_it_changed_or_once_an_hour,
        |db| {
            let store = DbSessionStore::new(db.clone());
            let mut rec = record(None);
            store.create(&mut rec).await.expect("create");
            let stored = || async {
                sqlx::query_scalar::<_, i64>("SELECT expires_at FROM sessions WHERE id = $1")
                    .bind(rec.id.to_string())
                    .fetch_one(db.pool())
                    .await
                    .expect("stored")
            };
            let first = stored().await;

            // A page view a minute later: read, expiry pushed back a minute, not written.
            let mut seen = store.load(&rec.id).await.expect("load").expect("found");
            seen.expiry_date += time::Duration::minutes(1);
            store.save(&seen).await.expect("save");
            assert_eq!(stored().await, first, "no write for a renewal of a minute");

            // Two hours later: the renewal is written.
            let mut seen = store.load(&rec.id).await.expect("load").expect("found");
            seen.expiry_date += time::Duration::hours(2);
            store.save(&seen).await.expect("save");
            assert!(stored().await > first + RENEW_EVERY_MS, "renewed");

            // A change to the data is always written.
            let mut seen = store.load(&rec.id).await.expect("load").expect("found");
            seen.data
                .insert("flash".to_owned(), serde_json::json!("autre"));
            store.save(&seen).await.expect("save");
            let again = store.load(&rec.id).await.expect("load").expect("found");
            assert_eq!(again.data["flash"], serde_json::json!("autre"));

            // A session ended elsewhere while a request of it was served is not written back.
            let seen = store.load(&rec.id).await.expect("load").expect("found");
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(rec.id.to_string())
                .execute(db.pool())
                .await
                .expect("end it elsewhere");
            store.save(&seen).await.expect("save");
            assert!(
                store.load(&rec.id).await.expect("load").is_none(),
                "stays ended"
            );
        }
    );

    crate::db_test!(
        a_request_that_changed_nothing_never_writes_back_what_it_read,
        |db| {
            let store = DbSessionStore::new(db.clone());
            let mut rec = record(None);
            store.create(&mut rec).await.expect("create");
            // Three requests of one browser at once: two page views (one of them served
            // after the renewal fell due) and a refused form post keeping what was typed.
            let mut page = store.load(&rec.id).await.expect("load").expect("found");
            let mut late_page = store.load(&rec.id).await.expect("load").expect("found");
            let mut post = store.load(&rec.id).await.expect("load").expect("found");
            post.data.insert(
                "typed".to_owned(),
                serde_json::json!({"message": "Bonjour"}),
            );
            store.save(&post).await.expect("save the post");
            page.expiry_date += time::Duration::minutes(1);
            store.save(&page).await.expect("save the page");
            late_page.expiry_date += time::Duration::hours(2);
            store.save(&late_page).await.expect("save the late page");

            let now = store.load(&rec.id).await.expect("load").expect("found");
            assert_eq!(
                now.data["typed"],
                serde_json::json!({"message": "Bonjour"}),
                "the post's change survives the page views saved after it"
            );
            assert!(
                expiry_ms(&now) >= expiry_ms(&late_page) - 1,
                "the late page renewed the expiry"
            );
        }
    );

    crate::db_test!(a_changed_session_ended_meanwhile_stays_ended, |db| {
        let store = DbSessionStore::new(db.clone());
        let mut rec = record(None);
        store.create(&mut rec).await.expect("create");
        let mut post = store.load(&rec.id).await.expect("load").expect("found");
        // Signed out on another device while the post was served.
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(rec.id.to_string())
            .execute(db.pool())
            .await
            .expect("end it elsewhere");
        post.data.insert(
            "typed".to_owned(),
            serde_json::json!({"message": "Bonjour"}),
        );
        store.save(&post).await.expect("save");
        assert!(store.load(&rec.id).await.expect("load").is_none());
    });

    crate::db_test!(expired_sessions_are_neither_loaded_nor_kept, |db| {
        let store = DbSessionStore::new(db.clone());
        let mut rec = record(None);
        rec.expiry_date = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
        store.create(&mut rec).await.expect("create");
        assert!(store.load(&rec.id).await.expect("load").is_none());
        assert_eq!(store.delete_expired(now_ms()).await.expect("purge"), 1);
    });
}
