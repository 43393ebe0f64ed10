//! The home page: what a visitor sees first. Signed in, "for you" comes first (requests
//! waiting for the resident, unread messages, the next appointment, news); then, for
//! everyone, the town now: open consultations, the town hall's latest answers, which
//! facilities are open, the services most asked for, and how to reach the town hall.
//!
//! What the town part shows is the same for everyone, so it is computed once for all
//! (`cache`) and the whole page is kept as rendered for signed-out visitors (the
//! server's page cache). A kind of content joins the home page in `sources`.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod sources;
