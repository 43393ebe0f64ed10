//! Municipal services ("démarches"): the catalogue admins build, the forms they define
//! without code (versioned), residents' requests with drafts, attachments, a status
//! timeline and messages, and the agents' back office (queues, processing, requests
//! filed at the counter, statistics, access records).

pub mod admin_api;
pub mod admin_pages;
pub mod api;
pub mod backoffice_pages;
pub mod components;
pub mod model;
pub mod pages;
pub mod request_fields;
pub mod request_pages;
pub mod views;

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod catalogue_repo;
#[cfg(feature = "ssr")]
pub mod demo_data;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod processing;
#[cfg(feature = "ssr")]
pub mod quota;
#[cfg(feature = "ssr")]
pub mod quota_repo;
#[cfg(feature = "ssr")]
pub mod request_lists_repo;
#[cfg(feature = "ssr")]
pub mod requests_repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod upload;

#[cfg(all(test, feature = "ssr"))]
pub(crate) mod tests;
