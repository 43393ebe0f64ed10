//! Server functions of the public site.

use super::model::{Lang, LegalPage, SiteInfo};
use crate::error::AppError;
use leptos::prelude::*;

/// The commune's identity as configured on the server.
#[server(prefix = "/api", endpoint = "site_info")]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    let state = crate::server::state::app_state()?;
    Ok(state.site.as_ref().clone())
}

/// The commune's own text for a legal page, if its IT provided one (sanitised HTML).
#[server(prefix = "/api", endpoint = "page_override")]
pub async fn get_page_override(page: LegalPage, lang: Lang) -> Result<Option<String>, AppError> {
    let state = crate::server::state::app_state()?;
    super::service::page_override(state.pages_dir.as_deref(), page, lang).await
}

/// Remembers the chosen language in a cookie and goes back to the page it was chosen on.
/// Posted by a plain form, so it works without JavaScript.
#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(lang: String, next: String) -> Result<(), AppError> {
    let lang = Lang::parse(&lang).ok_or_else(|| AppError::field("lang", "errors.invalid"))?;
    let state = crate::server::state::app_state()?;
    let secure = state.public_url.scheme() == "https";
    let cookie = super::service::language_cookie(lang, secure);
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
    // A signed-in person's mails (answers, digests) follow their choice too.
    if let Some(user) = crate::auth::current_user().await? {
        crate::accounts::repo::set_lang(state.db.pool(), user.id, lang.code())
            .await
            .map_err(crate::error::internal)?;
    }
    leptos_axum::redirect(&super::locale::safe_return_path(&next));
    Ok(())
}
