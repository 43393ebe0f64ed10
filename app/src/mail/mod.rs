//! Mail to residents: rendered in their language (plain text + HTML), written to an
//! outbox table in the same request, and sent by a background worker with retries, so an
//! SMTP outage delays mail but never loses it.

#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod templates;
#[cfg(feature = "ssr")]
pub mod worker;
