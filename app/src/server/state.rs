//! What every request handler and server fn can reach.

use super::clock::Clock;
use super::db::Db;
use crate::error::{internal, AppError};
use crate::site::SiteInfo;
use leptos::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Shared, cheaply clonable application state.
#[derive(Clone, Debug, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub site: Arc<SiteInfo>,
    /// Where residents reach the portal (`PARVIS_PUBLIC_URL`): cookie `Secure`, HSTS.
    pub public_url: Arc<url::Url>,
    /// Folder of Markdown files replacing the default legal pages.
    pub pages_dir: Option<PathBuf>,
    pub clock: Clock,
}

/// The state provided to server fns and pages by the server's Leptos routes.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal(anyhow::anyhow!("AppState is not in context")))
}
