//! The privacy centre (RGPD): what Parvis holds about a resident and why, their export,
//! erasure, consents and the agents who opened their files; how long personal data is
//! kept and the job that removes it when its period ends.

pub mod admin_api;
pub mod admin_pages;
pub mod api;
pub mod dpo_pages;
pub mod model;
pub mod pages;
pub mod register;

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod centre;
#[cfg(feature = "ssr")]
pub mod consents;
#[cfg(feature = "ssr")]
pub mod dpo;
#[cfg(feature = "ssr")]
pub mod erasure;
#[cfg(feature = "ssr")]
pub mod export;

#[cfg(feature = "ssr")]
pub mod retention;

#[cfg(all(test, feature = "ssr"))]
mod centre_tests;
#[cfg(all(test, feature = "ssr"))]
mod fixtures;
#[cfg(all(test, feature = "ssr"))]
mod tests;
