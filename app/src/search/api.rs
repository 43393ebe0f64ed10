//! Server function of the site search.

use super::model::Results;
use crate::error::AppError;
use leptos::prelude::*;

/// The search of `/recherche?q=`: public content only, whoever asks.
#[server(prefix = "/api", endpoint = "search")]
pub async fn site_search(q: String) -> Result<Results, AppError> {
    let state = crate::server::state::app_state()?;
    super::service::search(&state, &q).await
}
