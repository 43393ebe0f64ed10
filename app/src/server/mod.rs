//! Server-only infrastructure: application state, database, clock, security headers
//! and the test harness that runs repository tests on SQLite and PostgreSQL.

pub mod clock;
pub mod csv;
pub mod db;
#[cfg(test)]
mod fuzz;
pub mod hashing;
pub mod idempotency;
pub mod jobs;
pub mod markdown;
pub mod page_cache;
pub mod paris;
pub mod ratelimit;
pub mod request;
pub mod seal;
pub mod security;
pub mod sessions;
pub mod slots;
pub mod state;
pub mod testing;
pub mod text;
