//! The server's HTTP tests, one module per capability, in one test binary: each file
//! used to be a binary of its own, and linking the whole application eighteen times took
//! more of CI's budget than running the tests. Tests that must be alone in their process
//! keep their own binary: `export_memory` (it counts the process's allocations),
//! `queries` (it counts every statement the process runs) and `stress` (it loads the
//! process).

// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod appointments;
mod auth;
mod cluster;
mod forum;
mod home;
mod hostile;
mod idempotency;
mod live;
mod moderation;
mod oidc;
mod page_cache;
mod privacy;
mod router;
mod search;
mod security;
mod services;
mod startup;
mod surveys;
