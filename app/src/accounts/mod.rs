//! Resident and staff accounts: e-mail, display name, roles and argon2id password hash;
//! the profile page where a person manages their account, and the administrators' pages
//! to find people and grant roles. Signing in is the `auth` feature.

pub mod api;
pub mod audit;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod profile;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
