//! Signing in and out: sign-up with e-mail verification, password sign-in, password
//! reset and passwordless links by e-mail, sign-in through an OpenID Connect provider
//! (FranceConnect), sessions stored in the database, rate limits,
//! and the `require_user` / `require_role` guards every server fn uses.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod identity;
#[cfg(feature = "ssr")]
pub mod oidc;
#[cfg(feature = "ssr")]
pub mod proof;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(all(test, feature = "ssr"))]
mod tests;

#[cfg(feature = "ssr")]
pub use guard::{current_user, require_role, require_user};

/// The signed-in person, loaded once per page render (in the HTML, no extra request).
pub type CurrentUserResource =
    leptos::prelude::OnceResource<Result<Option<model::CurrentUser>, crate::error::AppError>>;

/// The signed-in person, once the page's [`CurrentUserResource`] (from
/// `use_context` in the component) has loaded; `None` when signed out.
pub async fn signed_in(user: Option<CurrentUserResource>) -> Option<model::CurrentUser> {
    match user {
        Some(resource) => resource.await.ok().flatten(),
        None => None,
    }
}
