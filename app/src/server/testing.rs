//! Runs one test body against a fresh SQLite database and a fresh PostgreSQL database.
//!
//! `db_test!(name, |db| { … })` expands to a module `name` with two tests, `sqlite` and
//! `postgres`. PostgreSQL is reached through `PARVIS_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its own database and
//! drops it afterwards, even when the test fails.
// A harness reports failures by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::db::{Db, DbKind};
use std::future::Future;

/// Admin connection used to create and drop per-test PostgreSQL databases.
pub fn postgres_admin_url() -> String {
    std::env::var("PARVIS_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn unique_name() -> String {
    use rand::Rng;
    let suffix: u64 = rand::thread_rng().gen();
    format!("parvis_test_{}_{suffix:016x}", std::process::id())
}

/// Creates a migrated database of `kind`, runs `test` on it, then removes the database.
/// A failing test still cleans up, then fails with its own panic.
pub async fn with_db<F, Fut>(kind: DbKind, test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let name = unique_name();
    let (db, cleanup): (Db, Cleanup) = match kind {
        DbKind::Sqlite => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            let url = format!("sqlite://{}", path.display());
            let db = Db::connect(&url)
                .await
                .expect("open a temporary SQLite database");
            (db, Cleanup::Sqlite(path))
        }
        DbKind::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = Db::connect(&admin_url)
                .await
                .expect("PostgreSQL must be running for the repository tests (see README)");
            sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                .execute(admin.pool())
                .await
                .expect("create a test database");
            let url = replace_database(&admin_url, &name);
            let db = Db::connect(&url)
                .await
                .expect("connect to the test database");
            (db, Cleanup::Postgres { admin, name })
        }
    };
    db.migrate()
        .await
        .expect("migrations apply to an empty database");
    // A hung test fails with a message instead of stalling the whole suite.
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        tokio::spawn(test(db.clone())),
    )
    .await
    .unwrap_or_else(|_| panic!("the test did not finish within 120 s ({kind:?})"));
    db.close().await;
    cleanup.run().await;
    if let Err(err) = outcome {
        if err.is_panic() {
            std::panic::resume_unwind(err.into_panic());
        }
        panic!("test task failed: {err}");
    }
}

enum Cleanup {
    Sqlite(std::path::PathBuf),
    Postgres { admin: Db, name: String },
}

impl Cleanup {
    async fn run(self) {
        match self {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin, name } => {
                let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(admin.pool())
                    .await;
                admin.close().await;
            }
        }
    }
}

/// `postgres://u@h:5432/postgres?x=y` with the database part replaced by `name`.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Declares a test run on both SQLite and PostgreSQL; `db` is a migrated, empty database.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::server::testing::with_db(
                    $crate::server::db::DbKind::Sqlite,
                    |$db: $crate::server::db::Db| async move $body,
                )
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::server::testing::with_db(
                    $crate::server::db::DbKind::Postgres,
                    |$db: $crate::server::db::Db| async move $body,
                )
                .await;
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn the_test_database_name_replaces_the_admin_one() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h", "t3"), "postgres://h/t3");
    }
}
