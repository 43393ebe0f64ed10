//! Server-only infrastructure: application state, database, clock, security headers
//! and the test harness that runs repository tests on SQLite and PostgreSQL.

pub mod clock;
pub mod db;
pub mod jobs;
pub mod paris;
pub mod ratelimit;
pub mod request;
pub mod security;
pub mod sessions;
pub mod state;
pub mod testing;
pub mod text;
