//! The site search (`/recherche`, and the box in every page's header): one query over
//! every kind of public content, grouped by kind with counts.
//!
//! A kind of content joins the search in one place, [`sources`]: how its rows are read
//! (only what the person searching may see), which of their words count most, and how a
//! hit is shown (title, link, extract, date). The words are those of
//! [`crate::server::text::search_words`] (French stemming, accents folded) on both
//! databases, and a query of a few words that finds nothing is tried again with each
//! unknown word replaced by the nearest word the small kinds hold ("biblioteque").

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sources;
