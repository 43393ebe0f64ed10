//! Appointments at the town hall and the directory of public facilities: agendas with a
//! weekly schedule, slots, capacity, exceptions, horizon and notice (Europe/Paris time,
//! summer time included); booking, moving and cancelling with mails carrying an `.ics`;
//! reminders the day before; waiting lists; the agents' day view; and each facility's
//! opening hours with an "open now" indicator.

pub mod admin_api;
pub mod admin_pages;
pub mod api;
pub mod components;
pub mod desk_pages;
pub mod facility_pages;
pub mod model;
pub mod my_pages;
pub mod pages;
pub mod views;

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod demo_data;
#[cfg(feature = "ssr")]
pub mod desk;
#[cfg(feature = "ssr")]
pub mod facilities;
#[cfg(feature = "ssr")]
pub mod ics;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod schedule;
#[cfg(feature = "ssr")]
pub mod service;

#[cfg(all(test, feature = "ssr"))]
pub(crate) mod tests;
