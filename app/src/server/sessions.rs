//! Server-side sessions for tower-sessions, stored in the `sessions` table of whichever
//! database Parvis runs on (SQLite or PostgreSQL), so every app node sees them.
//!
//! The signed-in person's id is copied out of the session data into its own column, so
//! their sessions can be listed on their profile and ended all at once.
//!
//! Sessions end after a period without activity, so tower-sessions saves a session at the
//! end of every request to push its expiry back. A save that would change nothing but
//! an expiry renewed less than [`RENEW_EVERY_MS`] ago is skipped: a signed-in page view
//! costs no database write (and no disk flush), and a session ended elsewhere meanwhile
//! (sign-out on another device, password change) is not written back.

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
/// Sessions whose load is remembered until their save, at most (then forgotten at once:
/// their next save is written).
const LOADED_MAX: usize = 10_000;

/// A session as it was read, until the same request saves it.
#[derive(Debug)]
struct Loaded {
    data: HashMap<String, serde_json::Value>,
    expires_at: i64,
}

/// The session store.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    loaded: std::sync::Arc<std::sync::Mutex<HashMap<Id, Loaded>>>,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore {
            db,
            loaded: std::sync::Arc::default(),
        }
    }

    fn loaded(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Loaded>> {
        self.loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether saving `record` would only renew an expiry renewed less than
    /// [`RENEW_EVERY_MS`] ago (what was loaded is forgotten either way).
    fn unchanged(&self, record: &Record) -> bool {
        self.loaded().remove(&record.id).is_some_and(|loaded| {
            loaded.data == record.data
                && expiry_ms(record).saturating_sub(loaded.expires_at) < RENEW_EVERY_MS
        })
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

const INSERT: &str =
    "INSERT INTO sessions (id, data, expires_at, user_id, signed_in_at, user_agent) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// Runs `INSERT … <on_conflict>` for `record`; returns the rows written.
async fn write_record(db: &Db, record: &Record, on_conflict: &str) -> Result<u64> {
    let c = columns(record)?;
    let sql = format!("{INSERT} {on_conflict}");
    let done = sqlx::query(&sql)
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
        while write_record(&self.db, record, "ON CONFLICT (id) DO NOTHING").await? == 0 {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        if self.unchanged(record) {
            return Ok(());
        }
        write_record(
            &self.db,
            record,
            "ON CONFLICT (id) DO UPDATE SET data = excluded.data, \
             expires_at = excluded.expires_at, user_id = excluded.user_id, \
             signed_in_at = excluded.signed_in_at, user_agent = excluded.user_agent",
        )
        .await
        .map(|_| ())
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
        {
            let mut loaded = self.loaded();
            if loaded.len() >= LOADED_MAX {
                loaded.clear();
            }
            loaded.insert(
                *id,
                Loaded {
                    data: data.clone(),
                    expires_at,
                },
            );
        }
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.loaded().remove(id);
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

    crate::db_test!(expired_sessions_are_neither_loaded_nor_kept, |db| {
        let store = DbSessionStore::new(db.clone());
        let mut rec = record(None);
        rec.expiry_date = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
        store.save(&rec).await.expect("save");
        assert!(store.load(&rec.id).await.expect("load").is_none());
        assert_eq!(store.delete_expired(now_ms()).await.expect("purge"), 1);
    });
}
