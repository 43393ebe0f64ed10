//! Resident and staff accounts: e-mail, display name, roles and argon2id password hash.
//! Signing in is the `auth` feature.

pub mod model;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
