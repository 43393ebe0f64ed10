//! The collaborative forum: residents' proposals by theme and neighbourhood, French
//! full-text search, and support votes counted exactly.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(all(test, feature = "ssr"))]
mod tests;
