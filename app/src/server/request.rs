//! Facts about the request a server fn is answering: the client's address, its
//! language, whether it is a plain HTML form, and what to give back on failure.

use crate::error::AppError;
use crate::server::state::app_state;
use crate::site::Lang;
use leptos::prelude::use_context;
use std::collections::BTreeMap;

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The reverse proxies whose `X-Forwarded-For` header is believed
/// (`PARVIS_TRUSTED_PROXIES`): addresses or ranges. Anybody else's header is ignored, so
/// a client cannot pick the address its rate limits count against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// `127.0.0.1, 10.0.0.0/8, ::1`: addresses and CIDR ranges, separated by commas.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<ipnet::IpNet>()
                    .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("{item:?} is neither an IP address nor a CIDR range"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// The loopback addresses: a reverse proxy on the same machine.
    pub fn loopback() -> TrustedProxies {
        TrustedProxies::parse("127.0.0.0/8, ::1").unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: std::net::IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the TCP `peer`, unless it is a trusted proxy; then the
    /// rightmost `X-Forwarded-For` hop that is not a trusted proxy (hops to its left were
    /// written by the client and prove nothing).
    pub fn client(&self, peer: std::net::IpAddr, forwarded_for: &[&str]) -> std::net::IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        for hop in forwarded_for.iter().rev().flat_map(|h| h.rsplit(',')) {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(ip) if self.trusts(ip) => continue,
                Ok(ip) => return ip,
                // A hop our own proxy did not write sensibly: keep the proxy's address.
                Err(_) => return peer,
            }
        }
        peer
    }
}

/// The client's IP address: the TCP peer, or what a trusted reverse proxy says in
/// `X-Forwarded-For` ([`TrustedProxies::client`]).
pub fn client_ip() -> String {
    let Some(parts) = parts() else {
        return "unknown".into();
    };
    match app_state() {
        Ok(state) => client_ip_of(&parts, &state.trusted_proxies),
        Err(_) => client_ip_of(&parts, &TrustedProxies::default()),
    }
}

/// [`client_ip`] of a request's head, for handlers outside server fns.
pub fn client_ip_of(parts: &http::request::Parts, proxies: &TrustedProxies) -> String {
    client_ip_from(&parts.headers, &parts.extensions, proxies)
}

/// [`client_ip`] from a request's headers and extensions (middleware).
pub fn client_ip_from(
    headers: &http::HeaderMap,
    extensions: &http::Extensions,
    proxies: &TrustedProxies,
) -> String {
    let Some(peer) = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
    else {
        return "unknown".into();
    };
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    proxies.client(peer, &forwarded).to_string()
}

/// The browser's user agent, shortened, for the sessions list.
pub fn user_agent() -> String {
    parts()
        .and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(300).collect())
        })
        .unwrap_or_default()
}

/// The language of the request, negotiated as for pages (cookie, then `Accept-Language`).
pub fn lang() -> Lang {
    parts()
        .and_then(|p| crate::site::locale::preferred_languages(&p.headers))
        .and_then(|tags| {
            tags.split(',')
                .find_map(|tag| Lang::parse(tag.split(['-', ';']).next().unwrap_or_default()))
        })
        .unwrap_or(Lang::Fr)
}

/// True for a plain HTML form post (JavaScript off, or a form the app does not intercept).
pub fn is_html_form() -> bool {
    parts()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

const FLASH_PREFIX: &str = "form.";

/// What a signed-in person typed is kept in their session up to this many bytes per
/// form (a form's own limits are far below).
const SESSION_TYPED_MAX: usize = 64 * 1024;
/// What someone not signed in typed travels in a cookie of at most this many bytes (a
/// browser keeps 4 KB a cookie): no server state is ever created for them.
const COOKIE_TYPED_MAX: usize = 3_000;
/// The cookie carrying what someone not signed in typed, for a few minutes.
const TYPED_COOKIE: &str = "parvis_typed";

/// Ends a server fn that a form posted. On failure:
/// - a plain form post goes back to its page (Leptos adds the error to the URL), and the
///   non-secret values typed are kept so the page can show them again: in the session of
///   a signed-in person, in a short-lived cookie for anyone else (never a session row);
/// - other clients get the HTTP status of the error (429 with `Retry-After`, 403…).
pub async fn finish<T>(
    result: Result<T, AppError>,
    form: &str,
    typed: &[(&str, &str)],
) -> Result<T, AppError> {
    finish_keeping(result, form, typed, true).await
}

/// [`finish`], but what was typed is carried by the short-lived cookie whoever posts,
/// never kept in a session: for forms whose content must not be stored next to an
/// account (anonymous surveys).
pub async fn finish_in_browser<T>(
    result: Result<T, AppError>,
    form: &str,
    typed: &[(&str, &str)],
) -> Result<T, AppError> {
    finish_keeping(result, form, typed, false).await
}

/// [`finish`]; `in_session`: a signed-in person's values go to their session.
async fn finish_keeping<T>(
    result: Result<T, AppError>,
    form: &str,
    typed: &[(&str, &str)],
    in_session: bool,
) -> Result<T, AppError> {
    let Err(err) = result else {
        return result;
    };
    if is_html_form() {
        let signed_in =
            in_session && matches!(crate::auth::guard::current_user().await, Ok(Some(_)));
        if signed_in {
            if let Ok(session) = crate::auth::guard::session().await {
                keep_typed(&session, form, typed).await;
            }
        } else {
            set_response_cookie(&typed_cookie(form, typed, secure_site()));
        }
    } else {
        set_error_status(&err);
    }
    Err(err)
}

fn secure_site() -> bool {
    app_state().map_or(true, |s| s.public_url.scheme() == "https")
}

/// Cuts `values` down (the longest first) until `fits` accepts them.
fn bounded<'a>(
    typed: &[(&'a str, &'a str)],
    fits: impl Fn(&BTreeMap<&'a str, String>) -> bool,
) -> BTreeMap<&'a str, String> {
    let mut values: BTreeMap<&str, String> =
        typed.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    while !fits(&values) {
        let Some((_, longest)) = values.iter_mut().max_by_key(|(_, v)| v.len()) else {
            break;
        };
        if longest.is_empty() {
            break;
        }
        let keep = longest.chars().count() / 2;
        *longest = longest.chars().take(keep).collect();
    }
    values
}

/// Keeps the values typed in `form` (never secrets) in the session, for its page to show
/// them again after a failed post; at most [`SESSION_TYPED_MAX`] bytes.
pub async fn keep_typed(session: &tower_sessions::Session, form: &str, typed: &[(&str, &str)]) {
    let values = bounded(typed, |values| {
        values.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() <= SESSION_TYPED_MAX
    });
    let _ = session
        .insert(&format!("{FLASH_PREFIX}{form}"), values)
        .await;
}

/// The `Set-Cookie` line carrying what was typed in `form`: `form` then the values, as a
/// URL-encoded query, within [`COOKIE_TYPED_MAX`] bytes.
fn typed_cookie(form: &str, typed: &[(&str, &str)], secure: bool) -> String {
    let encode = |values: &BTreeMap<&str, String>| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("_form", form);
        for (k, v) in values {
            query.append_pair(k, v);
        }
        query.finish()
    };
    let values = bounded(typed, |values| encode(values).len() <= COOKIE_TYPED_MAX);
    let flags = if secure { "; Secure" } else { "" };
    format!(
        "{TYPED_COOKIE}={}; Path=/; Max-Age=600; SameSite=Lax; HttpOnly{flags}",
        encode(&values)
    )
}

/// The values of `form` carried by the typed-values cookie `value`, if it is that form's.
fn typed_from_cookie(form: &str, value: &str) -> Option<BTreeMap<String, String>> {
    let mut pairs = url::form_urlencoded::parse(value.as_bytes());
    let (key, name) = pairs.next()?;
    if key != "_form" || name != form {
        return None;
    }
    Some(
        pairs
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    )
}

/// Gives a script client (not a plain form post, which is redirected back to its page)
/// the HTTP status of `err`: 401, 403, 422, 429 with `Retry-After`…
pub fn set_error_status(err: &AppError) {
    if is_html_form() {
        return;
    }
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(err.status()) {
            res.set_status(status);
        }
        if *err == AppError::RateLimited {
            res.insert_header(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static("60"),
            );
        }
    }
}

/// The values last typed in `form`, kept by [`finish`] or [`finish_in_browser`] after a
/// failed plain form post.
pub async fn typed_values(form: &str) -> BTreeMap<String, String> {
    if let Some(values) =
        request_cookie(TYPED_COOKIE).and_then(|value| typed_from_cookie(form, &value))
    {
        return values;
    }
    if !matches!(crate::auth::guard::current_user().await, Ok(Some(_))) {
        return BTreeMap::new();
    }
    let Ok(session) = crate::auth::guard::session().await else {
        return BTreeMap::new();
    };
    session
        .get::<BTreeMap<String, String>>(&format!("{FLASH_PREFIX}{form}"))
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The value of cookie `name` sent with the request, if any.
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = parts()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|header| header.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
}

/// Adds a `Set-Cookie` header (a full cookie line) to the response.
pub fn set_response_cookie(line: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(line),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;
    use std::net::IpAddr;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap_or_default();
        // A client talking directly cannot choose its address.
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &["1.2.3.4"]),
            ip("203.0.113.9")
        );
        // Nobody is trusted by default.
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("10.0.0.1"), &["1.2.3.4"]), ip("10.0.0.1"));
        // Behind the proxy: the hop it appended, whatever the client wrote before it.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["6.6.6.6, 7.7.7.7, 203.0.113.9"]),
            ip("203.0.113.9")
        );
        // Through two trusted proxies.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["6.6.6.6, 203.0.113.9", "192.0.2.7"]),
            ip("203.0.113.9")
        );
        // A proxy that wrote nothing usable: its own address counts.
        assert_eq!(proxies.client(ip("10.1.2.3"), &["junk"]), ip("10.1.2.3"));
        assert_eq!(proxies.client(ip("10.1.2.3"), &[]), ip("10.1.2.3"));
    }

    #[test]
    fn what_an_anonymous_visitor_typed_travels_in_a_bounded_cookie() {
        let long = "é".repeat(10_000);
        let line = super::typed_cookie("dpo", &[("email", "a@b.fr"), ("message", &long)], true);
        let value = line
            .strip_prefix("parvis_typed=")
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_default();
        assert!(value.len() <= super::COOKIE_TYPED_MAX, "{}", value.len());
        assert!(
            line.contains("HttpOnly") && line.contains("Secure") && line.contains("Max-Age=600")
        );
        let back = super::typed_from_cookie("dpo", value).unwrap_or_default();
        assert_eq!(back["email"], "a@b.fr", "short values are kept whole");
        assert!(back["message"].starts_with("ééé"));
        assert!(
            super::typed_from_cookie("sign_up", value).is_none(),
            "another form's"
        );
    }

    #[test]
    fn proxies_are_addresses_or_ranges() {
        assert!(TrustedProxies::parse("127.0.0.1, ::1, 10.0.0.0/8").is_ok());
        assert!(TrustedProxies::parse("proxy.example").is_err());
        assert!(
            TrustedProxies::loopback().client(ip("127.0.0.1"), &["198.51.100.4"])
                == ip("198.51.100.4")
        );
    }
}
