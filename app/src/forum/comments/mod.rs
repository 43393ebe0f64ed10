//! Threaded comments on proposals: replies several levels deep, editing within a time
//! window, deletion that keeps the replies, pages of threads.

pub mod api;
pub mod components;

#[cfg(feature = "ssr")]
pub mod renders;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
