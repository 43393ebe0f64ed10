//! Parvis, the residents' portal of a French commune: pages, components and server
//! functions shared by the server and the browser, plus (behind the `ssr` feature) the
//! services, repositories and infrastructure that only run on the server.
#![recursion_limit = "256"]

/// Translations generated from `locales/*.json` by `build.rs` (French first).
#[allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use generated::i18n;

pub mod accounts;
pub mod app;
pub mod appointments;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod error;
pub mod forum;
#[cfg(feature = "ssr")]
pub mod loadtest;
pub mod mail;
pub mod moderation;
pub mod notifications;
pub mod privacy;
pub mod services;
pub mod site;
pub mod surveys;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

pub use app::{shell, App};
pub use error::AppError;
