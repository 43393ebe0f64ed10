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
pub mod home;
#[cfg(feature = "ssr")]
pub mod loadtest;
pub mod mail;
pub mod moderation;
pub mod notifications;
pub mod privacy;
pub mod search;
pub mod services;
pub mod site;
pub mod surveys;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

pub use app::{shell, App};
pub use error::AppError;

/// Browser entry point (called by `frontend`). Parvis runs in islands mode: the server
/// renders every page completely, and only the islands (`#[island]`: live proposal
/// pages, survey conditions, export progress) are compiled to wasm and hydrated, by the
/// script `HydrationScripts` puts in the page once this returns.
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    leptos::mount::hydrate_islands();
    // End-to-end tests wait for this marker before clicking; it is set once the islands
    // of the page have hydrated (they hydrate right after this function returns).
    leptos::prelude::set_timeout(
        || {
            if let Some(root) = leptos::prelude::document().document_element() {
                let _ = root.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
