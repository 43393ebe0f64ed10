//! In-app notifications: what happened on what a resident follows (an official answer,
//! new comments), the unread count in the header, and the notification centre.

pub mod api;
pub mod components;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod repo;
