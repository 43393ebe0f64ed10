//! The live updates of proposal pages over HTTP: the event stream a page listens to,
//! and the changes it fetches when an event names something it shows.

use crate::page_cache::{respond, Encoding};
use app::forum::changes::{self, Viewer, MAX_IDS};
use app::server::page_cache::{CachedPage, Key};
use app::server::state::AppState;
use app::site::model::Lang;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// `GET /forum/propositions/:id/evenements`: the live events of a proposal page
/// (server-sent events), from `Last-Event-ID` (a reconnecting browser) or `?depuis=`.
pub(crate) async fn proposal_events(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
    parts: axum::http::request::Parts,
) -> Response {
    let headers = &parts.headers;
    use axum::response::sse::{Event, KeepAlive, Sse};
    use futures::StreamExt;
    match app::forum::service::proposal(&state, id).await {
        Ok(_) => {}
        Err(app::error::AppError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    let client = app::server::request::client_ip_of(&parts, &state.trusted_proxies);
    let slot = match state.live_slots.try_take(&client) {
        Ok(slot) => slot,
        Err(refusal) => {
            let status = match refusal {
                app::server::slots::Refusal::Full => StatusCode::SERVICE_UNAVAILABLE,
                app::server::slots::Refusal::ClientFull => StatusCode::TOO_MANY_REQUESTS,
            };
            let mut res = status.into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            return res;
        }
    };
    let after = app::forum::live::start_after(
        headers.get("last-event-id").and_then(|v| v.to_str().ok()),
        query.get("depuis").map(String::as_str),
    );
    let stream = app::forum::live::stream(state, id, after).map(move |message| {
        // The slot is held for as long as the stream lives.
        let _slot = &slot;
        Ok::<_, std::convert::Infallible>(
            Event::default()
                .id(message.seq.to_string())
                .data(message.data),
        )
    });
    let mut res = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Reverse proxies (nginx) must pass events on as they come.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}

/// `GET /forum/propositions/:id/changements?commentaires=<page>&langue=<fr|en>&ids=<a,b…>`:
/// what changed on an open proposal page (`app::forum::changes`), for the visitor asking.
///
/// The answer is computed with the visitor's own rights, then its render is looked up
/// by a digest of that computed input: visitors whose input is the same share one
/// render (kept with the signed-out pages, and dropped with them). A signed-out
/// visitor's whole answer is also kept by the page cache (`crate::page_cache`) like a
/// signed-out page, until the proposal's next event: no query at all then.
pub(crate) async fn proposal_changes(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(query): axum::extract::Query<HashMap<String, String>>,
    session: tower_sessions::Session,
) -> Response {
    let lang = query
        .get("langue")
        .and_then(|l| Lang::parse(l))
        .unwrap_or(Lang::Fr);
    let page = query
        .get("commentaires")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(1);
    let Some(ids) = parse_ids(query.get("ids").map(String::as_str)) else {
        return failure(&app::error::AppError::field("ids", "errors.invalid"), lang);
    };
    let user = crate::http::session_user(&session).await;
    let result = async {
        let viewer = Viewer::of(&state, user).await?;
        changes::changes(&state, id, viewer, page, &ids).await
    }
    .await;
    let found = match result {
        Ok(found) => found,
        Err(err) => return failure(&err, lang),
    };
    let cache = &state.live.pages;
    let key = Key {
        lang: lang.code(),
        path_and_query: format!("changes:{}", changes::render_key(&found, lang)),
        proposal: Some(id),
    };
    // Sent uncompressed: the page cache keeps a signed-out visitor's answer only as
    // such (and compresses it once), the compression layer compresses the others.
    let encoding = Encoding::Identity;
    if let Some(page) = cache.get(&key) {
        return respond(&page, encoding, "hit");
    }
    let generation = cache.generation();
    let mut kept_headers = HeaderMap::new();
    kept_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    kept_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Read by a script, never shown as a page: nothing in it may run or load.
    kept_headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(app::server::security::STRICT_POLICY),
    );
    let page = CachedPage::new(kept_headers, changes::render(&found, lang).into());
    let response = respond(&page, encoding, "miss");
    cache.insert(key, page, generation);
    response
}

/// The comment ids of `?ids=`: at most [`MAX_IDS`] numbers, comma-separated, sorted and
/// without repeats; `None` when the list is not that.
fn parse_ids(raw: Option<&str>) -> Option<Vec<i64>> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Some(Vec::new());
    };
    if raw.len() > MAX_IDS * 20 {
        return None;
    }
    let mut ids = raw
        .split(',')
        .map(|n| n.parse::<i64>().ok().filter(|n| *n > 0))
        .collect::<Option<Vec<i64>>>()?;
    ids.sort_unstable();
    ids.dedup();
    (ids.len() <= MAX_IDS).then_some(ids)
}

/// The status of `err` with its text in `lang`.
fn failure(err: &app::error::AppError, lang: Lang) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (status, changes::error_text(err, lang)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::parse_ids;

    #[test]
    fn ids_are_a_short_list_of_positive_numbers() {
        assert_eq!(parse_ids(None), Some(vec![]));
        assert_eq!(parse_ids(Some("")), Some(vec![]));
        assert_eq!(parse_ids(Some("9,3,9")), Some(vec![3, 9]));
        assert_eq!(parse_ids(Some("3,x")), None);
        assert_eq!(parse_ids(Some("-3")), None);
        assert_eq!(parse_ids(Some("3,,4")), None);
        let many: Vec<String> = (1..=51).map(|n| n.to_string()).collect();
        assert_eq!(parse_ids(Some(&many.join(","))), None);
        let enough: Vec<String> = (1..=50).map(|n| n.to_string()).collect();
        assert_eq!(
            parse_ids(Some(&enough.join(","))).map(|v| v.len()),
            Some(50)
        );
    }
}
