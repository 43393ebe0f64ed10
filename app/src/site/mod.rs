//! The public face of the commune's portal: identity (name, contacts, DPO), home page,
//! section landing pages, the legal pages every French public site must publish, the
//! 404 page and the language switch.

pub mod api;
pub mod locale;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod service;

use crate::error::AppError;
use leptos::prelude::*;
pub use model::{Lang, SiteInfo};

/// The commune's identity, loaded once per page render (blocking, so it is in the HTML).
pub type SiteInfoResource = OnceResource<Result<SiteInfo, AppError>>;

/// Renders `view` with the commune's identity once it is known.
pub fn with_site<V, F>(view: F) -> impl IntoView
where
    V: IntoView + 'static,
    F: Fn(SiteInfo) -> V + Clone + Send + Sync + 'static,
{
    let site = use_context::<SiteInfoResource>();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    let info = match site {
                        Some(resource) => resource.await.unwrap_or_default(),
                        None => SiteInfo::default(),
                    };
                    view(info)
                })
            }}
        </Suspense>
    }
}
