//! Server function of the home page.

use super::model::Home;
use crate::error::AppError;
use leptos::prelude::*;

/// The home page's data: the town for everyone, and the signed-in person's own business.
#[server(prefix = "/api", endpoint = "home")]
pub async fn get_home() -> Result<Home, AppError> {
    let state = crate::server::state::app_state()?;
    let user = crate::auth::current_user().await?;
    let generation = state.live.pages.generation();
    let town = state
        .home
        .get_or_compute(generation, || super::sources::town(&state))
        .await?;
    let for_you = match &user {
        Some(user) => Some(super::sources::for_you(&state, user).await?),
        None => None,
    };
    Ok(Home {
        for_you,
        town: (*town).clone(),
    })
}
