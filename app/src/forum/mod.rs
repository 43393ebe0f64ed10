//! The collaborative forum: residents' proposals by theme and neighbourhood, French
//! full-text search, support votes counted exactly, threaded comments, the town hall's
//! official answers, follows, and live updates of open pages.

pub mod admin_api;
pub mod admin_page;
pub mod api;
pub mod comments;
pub mod live_view;
pub mod model;
pub mod pages;
pub mod proposal_page;

#[cfg(feature = "ssr")]
pub mod answers;
#[cfg(feature = "ssr")]
pub mod categories;
#[cfg(feature = "ssr")]
pub mod changes;
#[cfg(feature = "ssr")]
pub mod digest;
#[cfg(feature = "ssr")]
mod event_reads;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod follows;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(all(test, feature = "ssr"))]
pub(crate) mod tests;
#[cfg(all(test, feature = "ssr"))]
mod thread_tests;
