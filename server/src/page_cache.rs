//! Serves the home page and the forum's public pages to signed-out visitors from memory.
//!
//! The home page, the forum list and a proposal page are the pages most visited, mostly
//! by people who are not signed in, and for them the page is the same for everyone who
//! reads it in the same language. Such a request is answered from [`app::server::page_cache`] when the
//! page is there, and the page rendered otherwise is kept for the next visitor.
//!
//! A request is served this way only when nothing about the visitor can show on the
//! page: a `GET` of `/`, `/forum`, `/forum/propositions/<id>` or the changes its open pages
//! fetch (`/forum/propositions/<id>/changements`) with only the query parameters those
//! read, and no cookie but the language's (a session cookie,
//! even a stale one, and the cookie of typed values always reach the renderer). Only a
//! complete `200` HTML page that sets no cookie is kept, and only if it came out in the
//! language it is filed under. What invalidates pages is described in
//! [`app::server::page_cache`]; this layer adds that every write request served here
//! drops every page once it has been answered, and tells the other processes.
//!
//! A kept page is stored once and sent compressed with brotli or gzip (compressed on
//! first demand, then kept too). Its CSP nonce is the one it was rendered with: it is
//! random per render, and any change to what the page shows renders it again with a new
//! one, so content written after a visitor has seen a nonce never carries it.

use app::server::page_cache::{CachedPage, Key};
use app::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::io::Write;

/// The header telling whether a page came from memory (`hit`) or was rendered (`miss`).
pub const CACHE_HEADER: &str = "x-parvis-cache";
/// Pages bigger than this are not kept (none is near it).
const MAX_PAGE: usize = 4 * 1024 * 1024;
/// Query strings longer than this are not looked up.
const MAX_QUERY: usize = 512;

/// The middleware (see the module's documentation).
pub async fn page_cache(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let changes_pages = may_change_pages(req.uri().path());
        let res = next.run(req).await;
        if changes_pages && !res.status().is_client_error() {
            pages_changed(&state).await;
        }
        return res;
    }
    let cache = &state.live.pages;
    if req.method() != Method::GET || !state.live.serves_cached_pages(state.db.kind()) {
        return next.run(req).await;
    }
    let Some(key) = key_of(&req) else {
        return next.run(req).await;
    };
    let encoding = Encoding::accepted(req.headers());
    if let Some(page) = cache.get(&key) {
        return respond(&page, encoding, "hit");
    }
    let generation = cache.generation();
    let res = next.run(req).await;
    if !storable(&res) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let html = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(html) => html,
        Err(err) => {
            tracing::warn!(error = %err, "a forum page could not be read for the page cache");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    let page = CachedPage::new(headers, html);
    if rendered_in(&page.html) != Some(key.lang) {
        // The language was chosen differently than guessed: serve it, keep nothing.
        return respond(&page, encoding, "miss");
    }
    let response = respond(&page, encoding, "miss");
    cache.insert(key, page, generation);
    response
}

/// Server fns whose posts change nothing a kept page shows (a resident's requests,
/// appointments, surveys, notifications and private settings, and the visitor's own
/// session), or whose every visible change records an event. A post to any other
/// address drops every kept page (a server fn missing here only costs renders); events
/// drop exactly the pages they concern.
const NOT_ON_FORUM_PAGES: &[&str] = &[
    "sign_in",
    "sign_out",
    "sign_out_elsewhere",
    "sign_up",
    "set_language",
    "typed_values",
    "accept_terms",
    "change_password",
    "confirm_email",
    "confirm_email_change",
    "request_email_change",
    "request_magic_link",
    "request_password_reset",
    "reset_password",
    "use_magic_link",
    "set_consent",
    "request_export",
    "contact_dpo",
    "mark_notifications_read",
    "start_request",
    "start_counter_request",
    "cancel_request",
    "delete_request_draft",
    "add_request_note",
    "assign_request",
    "change_request_status",
    "book_appointment",
    "book_at_counter",
    "cancel_appointment",
    "move_appointment",
    "mark_appointment",
    "join_waiting_list",
    "leave_waiting_list",
    "save_survey_answers",
    // Reads: the home page's data and the site search.
    "home",
    "search",
    // Forum writes that record an event for every change they make to what a page shows
    // (a published comment, a support count): the event drops exactly the pages it
    // concerns, in every process, so the other proposals' pages stay kept.
    "add_comment",
    "set_support",
];

/// Whether a post to `path` may change what a kept page shows (see
/// [`NOT_ON_FORUM_PAGES`]; a request's form and messages, posted with their files to
/// their own routes, never do).
fn may_change_pages(path: &str) -> bool {
    if path.starts_with("/mon-espace/demandes/") {
        return false;
    }
    let Some(name) = path.strip_prefix("/api/") else {
        return true;
    };
    !NOT_ON_FORUM_PAGES.contains(&name)
}

/// Drops every kept page, here and (on PostgreSQL) in every other process.
async fn pages_changed(state: &AppState) {
    state.live.pages.invalidate(None);
    if state.db.kind() == app::server::db::DbKind::Postgres {
        let sent = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(app::forum::live::CHANNEL)
            .bind(app::forum::live::PAGES)
            .execute(state.db.pool())
            .await;
        if let Err(err) = sent {
            // The others keep their pages at most `MAX_AGE` more.
            tracing::warn!(error = %err, "could not tell the other processes to drop their pages");
        }
    }
}

/// The key of a request that may be answered from memory.
fn key_of(req: &Request) -> Option<Key> {
    let path = req.uri().path();
    let (proposal, allowed): (Option<i64>, &[&str]) = if path == "/" {
        // The home page: its town part is the same for every signed-out visitor.
        (None, &[])
    } else if path == "/forum" {
        (None, &["q", "theme", "quartier", "etat", "tri", "page"])
    } else {
        let rest = path.strip_prefix("/forum/propositions/")?;
        // A proposal's page, or the changes its open pages fetch (`crate::live`).
        let (id, allowed): (&str, &[&str]) = match rest.strip_suffix("/changements") {
            Some(id) => (id, &["commentaires", "langue", "ids"]),
            None => (rest, &["commentaires"]),
        };
        if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        (Some(id.parse().ok()?), allowed)
    };
    let query = req.uri().query().unwrap_or("");
    if query.len() > MAX_QUERY {
        return None;
    }
    let known = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .all(|pair| allowed.contains(&pair.split_once('=').map_or(pair, |(name, _)| name)));
    if !known {
        return None;
    }
    let lang = visitor_language(req.headers())?;
    Some(Key {
        lang,
        path_and_query: req
            .uri()
            .path_and_query()
            .map_or_else(|| path.to_owned(), |pq| pq.as_str().to_owned()),
        proposal,
    })
}

/// The language the page will be rendered in, for a visitor without any cookie but the
/// language's; `None` when another cookie is sent (the page may depend on it).
fn visitor_language(headers: &HeaderMap) -> Option<&'static str> {
    for value in headers.get_all(header::COOKIE) {
        let value = value.to_str().ok()?;
        let only_language = value
            .split(';')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
            .all(|pair| {
                pair.split_once('=').map(|(name, _)| name) == Some(app::site::locale::LANG_COOKIE)
            });
        if !only_language {
            return None;
        }
    }
    let preferred = app::site::locale::preferred_languages(headers).unwrap_or_default();
    // The first supported language of the list, as the translations pick it; checked
    // against the rendered page before it is kept.
    let lang = preferred
        .split(',')
        .map(|tag| {
            tag.trim()
                .split(['-', '_', ';'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .find_map(|primary| match primary.as_str() {
            "fr" => Some("fr"),
            "en" => Some("en"),
            _ => None,
        })
        .unwrap_or("fr");
    Some(lang)
}

/// The `lang` of the page's `<html>` element.
fn rendered_in(html: &[u8]) -> Option<&'static str> {
    let head = std::str::from_utf8(html.get(..html.len().min(512))?).ok()?;
    let tag_start = head.find("<html")?;
    let tag = &head[tag_start..tag_start + head[tag_start..].find('>')?];
    let start = tag.find(" lang=\"")? + " lang=\"".len();
    match &tag[start..start + tag[start..].find('"')?] {
        "fr" => Some("fr"),
        "en" => Some("en"),
        _ => None,
    }
}

/// A rendered page that can be kept: a complete 200 HTML page with its CSP, no cookie.
fn storable(res: &Response) -> bool {
    let headers = res.headers();
    res.status() == StatusCode::OK
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
        && headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best encoding the client accepts (`q=0` refuses one).
    pub(crate) fn accepted(headers: &HeaderMap) -> Encoding {
        let mut brotli = false;
        let mut gzip = false;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                match name.as_str() {
                    "br" => brotli = true,
                    "gzip" | "x-gzip" => gzip = true,
                    _ => {}
                }
            }
        }
        if brotli {
            Encoding::Brotli
        } else if gzip {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// The response for `page` in `encoding`, compressing it the first time it is asked so.
pub(crate) fn respond(page: &CachedPage, encoding: Encoding, cache: &'static str) -> Response {
    let (body, content_encoding) = match encoding {
        Encoding::Brotli => (
            page.brotli.get_or_init(|| brotli(&page.html)).clone(),
            Some("br"),
        ),
        Encoding::Gzip => (
            page.gzip.get_or_init(|| gzip(&page.html)).clone(),
            Some("gzip"),
        ),
        Encoding::Identity => (page.html.clone(), None),
    };
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = page.headers.clone();
    let headers = res.headers_mut();
    if let Some(encoding) = content_encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(CACHE_HEADER, HeaderValue::from_static(cache));
    res
}

fn brotli(html: &[u8]) -> bytes::Bytes {
    let mut out = Vec::with_capacity(html.len() / 4);
    {
        // Quality 5: most of the size win of the higher levels, for a page compressed
        // once and sent many times.
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        // Writing to a Vec cannot fail.
        let _ = writer.write_all(html);
    }
    bytes::Bytes::from(out)
}

fn gzip(html: &[u8]) -> bytes::Bytes {
    let mut writer = flate2::write::GzEncoder::new(
        Vec::with_capacity(html.len() / 4),
        flate2::Compression::new(6),
    );
    let _ = writer.write_all(html);
    bytes::Bytes::from(writer.finish().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::get(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).unwrap_or_default()
    }

    #[test]
    fn only_public_forum_pages_without_personal_cookies_are_looked_up() {
        let key = key_of(&request("/forum/propositions/12?commentaires=2", &[]))
            .map(|k| (k.proposal, k.lang));
        assert_eq!(key, Some((Some(12), "fr")));
        assert!(key_of(&request("/forum?tri=soutenues&page=3", &[])).is_some());
        assert!(key_of(&request("/forum", &[("cookie", "parvis_lang=en")])).is_some());
        for refused in [
            request("/forum", &[("cookie", "parvis_session=abc")]),
            request("/forum", &[("cookie", "parvis_lang=en; parvis_typed=x")]),
            request("/forum", &[("cookie", "other=1")]),
            request("/forum?__err=x", &[]),
            request("/forum/propositions/12/modifier", &[]),
            request("/forum/propositions/x", &[]),
            request("/forum/proposer", &[]),
            request("/mon-espace", &[]),
        ] {
            assert!(key_of(&refused).is_none(), "{:?}", refused.uri());
        }
        let long = format!("/forum?q={}", "a".repeat(600));
        assert!(key_of(&request(&long, &[])).is_none());
    }

    #[test]
    fn reading_and_signing_in_keep_the_pages_other_posts_drop_them() {
        assert!(!may_change_pages("/api/typed_values"));
        assert!(!may_change_pages("/api/sign_in"));
        assert!(!may_change_pages("/api/set_language"));
        assert!(!may_change_pages("/api/save_survey_answers"));
        assert!(!may_change_pages("/mon-espace/demandes/3/messages"));
        assert!(!may_change_pages("/api/add_comment"));
        assert!(!may_change_pages("/api/set_support"));
        assert!(may_change_pages("/api/edit_comment"));
        assert!(may_change_pages("/api/create_proposal"));
        assert!(may_change_pages("/api/flag_item"));
        assert!(may_change_pages("/api/moderate"));
        assert!(may_change_pages("/api/update_display_name"));
        assert!(may_change_pages("/api/schedule_erasure"));
        assert!(may_change_pages("/api/something_new"));
    }

    #[test]
    fn the_language_key_follows_the_cookie_then_accept_language() {
        let lang = |headers: &[(&str, &str)]| key_of(&request("/forum", headers)).map(|k| k.lang);
        assert_eq!(lang(&[("accept-language", "en-GB,en;q=0.9")]), Some("en"));
        assert_eq!(lang(&[("accept-language", "de-DE,en;q=0.5")]), Some("en"));
        assert_eq!(lang(&[("accept-language", "de-DE")]), Some("fr"));
        assert_eq!(
            lang(&[("accept-language", "en"), ("cookie", "parvis_lang=fr")]),
            Some("fr")
        );
    }

    #[test]
    fn the_page_language_is_read_from_its_html_element() {
        assert_eq!(
            rendered_in(b"<!DOCTYPE html><html lang=\"en\" dir=\"ltr\"><head>"),
            Some("en")
        );
        assert_eq!(rendered_in(b"<!DOCTYPE html><html><head>"), None);
    }

    #[test]
    fn the_best_accepted_encoding_is_chosen() {
        let of = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")),
            );
            Encoding::accepted(&headers)
        };
        assert_eq!(of("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(of("gzip, br;q=0"), Encoding::Gzip);
        assert_eq!(of("identity"), Encoding::Identity);
        assert_eq!(Encoding::accepted(&HeaderMap::new()), Encoding::Identity);
    }
}
