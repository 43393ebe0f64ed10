//! Civic surveys (consultations): agents build them, residents answer page by page with
//! or without JavaScript (one answer each, enforced by the database, anonymously when
//! the survey says so), and everyone the survey allows reads the results.

pub mod answering;
pub mod api;
pub mod builder_api;
pub mod builder_pages;
pub mod controls;
pub mod model;
pub mod pages;
pub mod results_model;
pub mod results_page;

#[cfg(all(test, feature = "ssr"))]
mod anonymity_tests;
#[cfg(feature = "ssr")]
pub mod bench_data;
#[cfg(feature = "ssr")]
pub mod build_repo;
#[cfg(feature = "ssr")]
pub mod builder;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod demo_data;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod pool;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod response_repo;
#[cfg(feature = "ssr")]
pub mod results;
#[cfg(feature = "ssr")]
pub mod review;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(all(test, feature = "ssr"))]
mod tests;
