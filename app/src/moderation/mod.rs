//! Moderation of the forum: residents flag contributions, moderators review a queue and
//! decide with a statement of reasons, authors are told and may appeal once (settled by
//! another moderator), sanctions stop abusive accounts from posting, pre-moderation and
//! watched words hold contributions for approval, and a public log shows every decision
//! without names (the EU Digital Services Act's standards).

pub mod api;
pub mod model;
pub mod pages;
pub mod queue_pages;

#[cfg(feature = "ssr")]
pub mod reads;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(all(test, feature = "ssr"))]
mod rules_tests;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(all(test, feature = "ssr"))]
mod tests;
