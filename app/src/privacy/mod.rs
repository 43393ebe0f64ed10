//! The privacy centre (RGPD): how long personal data is kept and the job that removes it
//! when its period ends.

pub mod model;

#[cfg(feature = "ssr")]
pub mod retention;

#[cfg(all(test, feature = "ssr"))]
mod tests;
