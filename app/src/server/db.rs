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
    pub async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.kind {
            DbKind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            DbKind::Postgres => self.pool.begin().await,
        }
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
