//! Resident and staff accounts: e-mail, role and argon2id password hash.
//!
//! This release only creates accounts (command line and demo data); signing in arrives
//! with the accounts feature.

pub mod model;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
