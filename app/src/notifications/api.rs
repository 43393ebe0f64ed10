//! Server fns of the notification centre: each person sees and marks only their own.

use super::model::NotificationPage;
use crate::error::AppError;
use leptos::prelude::*;

/// Page `page` (1-based) of the signed-in person's notifications, unread first.
#[server(prefix = "/api", endpoint = "notifications")]
pub async fn get_notifications(page: u32) -> Result<NotificationPage, AppError> {
    use super::model::PAGE_SIZE;
    use super::repo;
    use crate::error::internal;
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let total = repo::total(pool, user.id).await.map_err(internal)?;
    let size = i64::from(PAGE_SIZE);
    let page_count = u32::try_from(((total + size - 1) / size).max(1)).unwrap_or(u32::MAX);
    let page = page.clamp(1, page_count);
    let items = repo::page(pool, user.id, size, i64::from(page - 1) * size)
        .await
        .map_err(internal)?;
    let unread = repo::unread_count(pool, user.id).await.map_err(internal)?;
    Ok(NotificationPage {
        items,
        page,
        page_count,
        unread,
    })
}

/// Marks all the signed-in person's notifications read, then shows them again.
#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = super::repo::mark_all_read(state.db.pool(), user.id, state.clock.now_ms())
        .await
        .map(|_| ())
        .map_err(crate::error::internal);
    crate::server::request::finish(result, "mark_notifications_read", &[]).await?;
    leptos_axum::redirect("/notifications");
    Ok(())
}
