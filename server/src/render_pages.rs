//! `parvis render-pages`: renders one page a number of times in this process, through the
//! whole router (session, layers, page), signed in so that no cached page is served, with
//! no mail worker, job or listener running. `.ci/instructions` runs it under callgrind,
//! which dumps its counters (and so starts counting again from zero) when
//! [`measured_renders_start`] is called, after renders that open the database
//! connections and fill the caches, and dumps them again when [`measured_renders_end`]
//! is: the second dump holds the instructions of the measured renders alone, on every
//! thread, without starting, signing in (an argon2 hash costs twenty renders) or
//! stopping.

use crate::config::Config;
use anyhow::Context;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

/// A page larger than this is not what is being measured.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// Renders before the measured ones: they open the pool's connections and prepare the
/// page's statements on each of them (a connection prepares a statement the first time it
/// runs it, and which connection runs which query depends on scheduling), so that the
/// measured renders cost what a page costs on a running server.
const WARM_UP: u32 = 40;

/// Signs `email` in (demo password), renders `path` a few times, then `times` times
/// between the two markers; returns the bytes of the last page.
pub async fn render_pages(
    config: &Config,
    path: &str,
    times: u32,
    email: &str,
) -> anyhow::Result<usize> {
    // The same refusal as `serve`'s: without the site's files every page would panic.
    let options = crate::leptos_options()?;
    crate::check_site_files(&options, &crate::site_files_dir()?)?;
    let db = crate::open_database(config).await?;
    let state = crate::app_state(config, options, db.clone())?;
    let router = crate::http::router(state);
    // `host:port` of the public address, as a browser sends it.
    let url = &config.public_url;
    let host = &url[url::Position::BeforeHost..url::Position::AfterPort];
    let cookie = sign_in(&router, url, host, email).await?;
    render(&router, host, path, &cookie, WARM_UP).await?;
    measured_renders_start(times);
    let last = render(&router, host, path, &cookie, times).await?;
    measured_renders_end(times);
    db.close().await;
    Ok(last)
}

/// Where callgrind zeroes its counters (`--zero-before`). Never inlined, so that it is a
/// function callgrind sees.
#[inline(never)]
pub fn measured_renders_start(times: u32) {
    std::hint::black_box(times);
}

/// Where callgrind dumps its counters (`--dump-before`).
#[inline(never)]
pub fn measured_renders_end(times: u32) {
    std::hint::black_box(times);
}

async fn render(
    router: &Router,
    host: &str,
    path: &str,
    cookie: &str,
    times: u32,
) -> anyhow::Result<usize> {
    let mut last = 0;
    for _ in 0..times {
        let request = Request::get(path)
            .header(header::HOST, host)
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, cookie)
            .body(Body::empty())?;
        let response = router.clone().oneshot(request).await?;
        anyhow::ensure!(
            response.status() == StatusCode::OK,
            "{path} answered {}",
            response.status()
        );
        last = axum::body::to_bytes(response.into_body(), MAX_PAGE_BYTES)
            .await
            .context("reading the page")?
            .len();
    }
    Ok(last)
}

/// A same-site sign-in post, as the sign-in form sends it; the session cookie.
async fn sign_in(
    router: &Router,
    public_url: &url::Url,
    host: &str,
    email: &str,
) -> anyhow::Result<String> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", email)
        .append_pair("password", app::demo::DEMO_PASSWORD)
        .append_pair("next", "")
        .finish();
    let origin = public_url.origin().ascii_serialization();
    let request = Request::post("/api/sign_in")
        .header(header::HOST, host)
        .header(header::ORIGIN, &origin)
        .header("sec-fetch-site", "same-origin")
        .header(header::REFERER, format!("{origin}/connexion"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))?;
    let response = router.clone().oneshot(request).await?;
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find(|pair| pair.contains("parvis_session="))
        .map(str::to_owned)
        .with_context(|| {
            format!(
                "signing {email} in with the demo password failed ({}): load `parvis demo-data` first",
                response.status()
            )
        })
}
