//! The database pool: SQLite (embedded default) or PostgreSQL, behind one code path.
//!
//! Repositories use sqlx's `Any` driver with SQL both dialects accept (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`); each dialect has its own migrations, embedded in the binary.

use anyhow::{bail, Context};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyPool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Per-connection SQLite settings: concurrent readers with one writer (WAL), waiting
/// rather than failing on a busy database, enforced foreign keys, and a full fsync at
/// commit so an acknowledged write survives a power cut.
const SQLITE_PRAGMAS: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
];

/// True when the database rolled a transaction back to let a concurrent one through:
/// PostgreSQL's serialization failure (40001) or deadlock (40P01), or SQLite still busy
/// or locked after its busy timeout. Running the transaction again usually succeeds.
pub fn is_contention(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else {
        return false;
    };
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return matches!(pg.code(), "40001" | "40P01");
    }
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        // Primary result code in the low byte: SQLITE_BUSY (5), SQLITE_LOCKED (6).
        return db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6));
    }
    false
}

/// Runs `attempt` (a whole transaction and what follows it) again when the database
/// gave it up for a concurrent one ([`AppError::Busy`]): up to four more times, after
/// 20, 40, 80 and 160 ms plus a random part, so that the contenders spread out. The
/// last failure is returned as it is.
pub async fn retry_contended<T, F, Fut>(mut attempt: F) -> Result<T, crate::error::AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>>,
{
    let mut retries = 0_u32;
    loop {
        match attempt().await {
            Err(crate::error::AppError::Busy) if retries < 4 => {
                retries += 1;
                let jitter: u64 = rand::random::<u64>() % 20;
                let pause = (10_u64 << retries) + jitter;
                tracing::info!(retries, "retrying a transaction after a conflict");
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

/// Which database engine a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    /// Engine named by a `DATABASE_URL`.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(DbKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DbKind::Postgres)
        } else {
            bail!("expected a sqlite:… or postgres://… URL")
        }
    }

    /// Name reported by `/healthz`.
    pub fn name(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
        }
    }
}

/// A connection pool and the engine behind it.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    kind: DbKind,
}

impl Db {
    /// Connects to `url`. For SQLite the file (and its folder) is created if missing and
    /// the connection is set up for durability under concurrency (WAL, busy timeout,
    /// foreign keys, full sync: an acknowledged write survives a crash).
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let kind = DbKind::from_url(url)?;
        if kind == DbKind::Sqlite {
            create_sqlite_parent_dir(url)?;
        }
        let options = AnyPoolOptions::new()
            .max_connections(match kind {
                DbKind::Sqlite => 8,
                DbKind::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(5));
        let options = if kind == DbKind::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Executor;
                    for pragma in SQLITE_PRAGMAS {
                        conn.execute(*pragma).await?;
                    }
                    Ok(())
                })
            })
        } else {
            options
        };
        let connect_url = match kind {
            DbKind::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let pool = options
            .connect(&connect_url)
            .await
            .with_context(|| format!("cannot connect to the {} database", kind.name()))?;
        Ok(Db { pool, kind })
    }

    /// Applies the embedded migrations of this engine.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.kind {
            DbKind::Sqlite => &SQLITE_MIGRATIONS,
            DbKind::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("running database migrations")?;
        Ok(())
    }

    /// A transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later could
    /// otherwise fail when another connection wrote in between, instead of waiting its
    /// turn (busy timeout). PostgreSQL orders writers with row locks.
    ///
    /// While a form that creates something is served, its first write transaction
    /// records the form's key ([`super::idempotency::claim`]): what the post creates and
    /// the key are committed together, and a repeated post is refused here.
    pub async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = match self.kind {
            DbKind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            DbKind::Postgres => self.pool.begin().await,
        }?;
        super::idempotency::claim(&mut tx).await?;
        Ok(tx)
    }

    /// The pool, for repositories.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The engine behind the pool.
    pub fn kind(&self) -> DbKind {
        self.kind
    }

    /// True when the database answers a trivial query within two seconds.
    pub async fn is_reachable(&self) -> bool {
        let probe = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&self.pool);
        matches!(
            tokio::time::timeout(Duration::from_secs(2), probe).await,
            Ok(Ok(1))
        )
    }

    /// Closes every connection (graceful shutdown, tests), waiting at most 5 seconds:
    /// sqlx's `Pool::close` can wait forever when a connection is being handed back to
    /// the pool at the same moment (a known race, launchbadge/sqlx#3217), and shutting
    /// down must not hang. New acquisitions are refused either way.
    pub async fn close(&self) {
        if tokio::time::timeout(Duration::from_secs(5), self.pool.close())
            .await
            .is_err()
        {
            tracing::warn!(
                "database pool did not close within 5 s; leaving it to the process exit"
            );
        }
    }
}

fn create_sqlite_parent_dir(url: &str) -> anyhow::Result<()> {
    let options =
        sqlx::sqlite::SqliteConnectOptions::from_str(url).context("not a valid SQLite URL")?;
    let file = options.get_filename();
    if file == Path::new(":memory:") {
        return Ok(());
    }
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn a_contended_transaction_is_run_again_and_nothing_else_is() {
        let tries = AtomicU32::new(0);
        let done = retry_contended(|| async {
            if tries.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(AppError::Busy)
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(done, Ok(7));
        assert_eq!(tries.load(Ordering::SeqCst), 3);

        let tries = AtomicU32::new(0);
        let failed: Result<(), AppError> = retry_contended(|| async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err(AppError::Internal)
        })
        .await;
        assert_eq!(failed, Err(AppError::Internal));
        assert_eq!(
            tries.load(Ordering::SeqCst),
            1,
            "other failures are not retried"
        );

        let tries = AtomicU32::new(0);
        let busy: Result<(), AppError> = retry_contended(|| async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err(AppError::Busy)
        })
        .await;
        assert_eq!(busy, Err(AppError::Busy), "gives up in the end");
        assert_eq!(tries.load(Ordering::SeqCst), 5);
    }

    // Two transactions locking two rows in opposite orders: PostgreSQL aborts one of
    // them (deadlock, 40P01), which Parvis reports as `Busy` so that it is retried.
    // (SQLite has one writer at a time: `begin_write` takes the lock first, so the same
    // transactions queue instead.)
    crate::db_test!(a_deadlock_is_reported_as_busy, |db| {
        sqlx::raw_sql(
            "CREATE TABLE contended (id INTEGER PRIMARY KEY, v INTEGER NOT NULL); \
             INSERT INTO contended (id, v) VALUES (1, 0), (2, 0)",
        )
        .execute(db.pool())
        .await
        .unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let run = |first: i64, second: i64| {
            let db = db.clone();
            let barrier = Arc::clone(&barrier);
            async move {
                let mut tx = db.begin_write().await.map_err(crate::error::internal)?;
                sqlx::query("UPDATE contended SET v = v + 1 WHERE id = $1")
                    .bind(first)
                    .execute(&mut *tx)
                    .await
                    .map_err(crate::error::internal)?;
                if db.kind() == crate::server::db::DbKind::Postgres {
                    barrier.wait().await;
                }
                sqlx::query("UPDATE contended SET v = v + 1 WHERE id = $1")
                    .bind(second)
                    .execute(&mut *tx)
                    .await
                    .map_err(crate::error::internal)?;
                tx.commit().await.map_err(crate::error::internal)?;
                Ok::<(), AppError>(())
            }
        };
        let (a, b) = tokio::join!(tokio::spawn(run(1, 2)), tokio::spawn(run(2, 1)));
        let mut outcomes = vec![a.unwrap(), b.unwrap()];
        outcomes.sort_by_key(|o| o.is_err());
        match db.kind() {
            crate::server::db::DbKind::Postgres => {
                assert_eq!(outcomes, vec![Ok(()), Err(AppError::Busy)]);
            }
            crate::server::db::DbKind::Sqlite => assert_eq!(outcomes, vec![Ok(()), Ok(())]),
        }
    });

    #[test]
    fn the_engine_is_chosen_by_the_url_scheme() {
        assert_eq!(
            DbKind::from_url("sqlite://data/parvis.db").ok(),
            Some(DbKind::Sqlite)
        );
        assert_eq!(
            DbKind::from_url("postgres://u@h/db").ok(),
            Some(DbKind::Postgres)
        );
        assert_eq!(
            DbKind::from_url("postgresql://u@h/db").ok(),
            Some(DbKind::Postgres)
        );
        assert!(DbKind::from_url("mysql://u@h/db").is_err());
    }

    crate::db_test!(migrations_create_the_schema_and_can_run_twice, |db| {
        db.migrate().await.expect("second run is a no-op");
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(db.pool())
            .await
            .expect("users table exists");
        assert_eq!(users, 0);
        assert!(db.is_reachable().await);
    });

    crate::db_test!(an_unreachable_database_is_reported, |db| {
        db.close().await;
        assert!(!db.is_reachable().await);
    });
}
