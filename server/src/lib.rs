//! The Parvis server: configuration, logging, database start-up, the HTTP stack and
//! graceful shutdown. Domain logic lives in the `app` crate.

pub mod cli;
pub mod config;
pub mod http;
pub mod hygiene;
pub mod idempotency;
pub mod live;
pub mod page_cache;
pub mod render_pages;
pub mod stall_guard;

use anyhow::Context;
use app::server::clock::Clock;
use app::server::db::Db;
use app::server::state::AppState;
use config::{Config, LogFormat};
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Leptos settings: from `LEPTOS_*` variables when cargo-leptos (or a deployment) sets
/// them, otherwise from `Cargo.toml` in the working directory.
pub fn leptos_options() -> anyhow::Result<LeptosOptions> {
    let from_env = std::env::var_os("LEPTOS_OUTPUT_NAME").is_some();
    let conf = if from_env || !std::path::Path::new("Cargo.toml").exists() {
        leptos::config::get_configuration(None)
    } else {
        leptos::config::get_configuration(Some("Cargo.toml"))
    };
    Ok(conf
        .context("reading the Leptos settings (LEPTOS_* variables or Cargo.toml)")?
        .leptos_options)
}

/// Installs the tracing subscriber (text or JSON lines on stderr).
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Connects to the configured database and applies pending migrations. Migrations go
/// through `PARVIS_DIRECT_DATABASE_URL` when it differs from `DATABASE_URL`: they hold a
/// session-level lock (so that processes starting together migrate one at a time), which
/// a pooler in transaction mode would leave held on one of its server connections.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url).await?;
    if config.direct_database_url == config.database_url {
        db.migrate().await?;
    } else {
        let direct = Db::connect(&config.direct_database_url)
            .await
            .context("PARVIS_DIRECT_DATABASE_URL")?;
        let migrated = direct.migrate().await;
        direct.close().await;
        migrated?;
    }
    // Data migrations written in Rust, each run once per database.
    let rewritten = app::server::markdown::rerender_stored(&db, Clock::System.now_ms()).await?;
    if rewritten > 0 {
        tracing::info!(
            rewritten,
            "stored contributions rendered again with the current Markdown rules"
        );
    }
    Ok(db)
}

/// Builds the application state shared by every request.
pub fn app_state(
    config: &Config,
    leptos_options: LeptosOptions,
    db: Db,
) -> anyhow::Result<AppState> {
    let oidc = match &config.oidc {
        Some(settings) => Some(Arc::new(
            app::auth::oidc::Oidc::new(settings.clone(), &config.public_url)
                .context("setting up the OpenID Connect provider (PARVIS_OIDC_*)")?,
        )),
        None => None,
    };
    Ok(AppState {
        site: Arc::new(config.site.clone()),
        pages_dir: config.pages_dir.clone(),
        limits: config.limits,
        trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        oidc,
        forum: config.forum,
        moderation: config.moderation,
        uploads: config.uploads.clone(),
        sealer: Arc::new(app::server::seal::Sealer::load_or_create(
            &config.secret_key_file,
        )?),
        ..AppState::new(leptos_options, db, config.public_url.clone(), Clock::System)
    })
}

/// Serves the site until SIGTERM or Ctrl-C, then finishes in-flight requests.
pub async fn serve(config: &Config, mut leptos_options: LeptosOptions) -> anyhow::Result<()> {
    leptos_options.site_addr = config.site_addr;
    check_site_files(&leptos_options, &site_files_dir()?)?;
    let db = open_database(config).await?;
    let state = app_state(config, leptos_options, db.clone())?;
    let mailer = app::mail::worker::Mailer::new(
        config.smtp_url.as_deref(),
        config.mail_dir.clone(),
        &config.mail_from,
    )?
    .with_lease(config.mail_lease);
    tracing::info!(mail = %mailer.describe(), "mail outbox worker started");
    let worker = tokio::spawn(app::mail::worker::run(
        db.clone(),
        state.clock.clone(),
        mailer,
        state.mail_wakeup.clone(),
    ));
    let jobs = tokio::spawn(app::server::jobs::run(state.clone()));
    // Live updates written by any process sharing a PostgreSQL database wake this one's
    // streams (LISTEN/NOTIFY, on a session of its own).
    let listener = (db.kind() == app::server::db::DbKind::Postgres).then(|| {
        tokio::spawn(app::forum::live::listen(
            state.live.clone(),
            config.direct_database_url.clone(),
        ))
    });
    let live = state.live.clone();
    let router = http::router(state);
    let socket = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .with_context(|| format!("cannot listen on {} (LEPTOS_SITE_ADDR)", config.site_addr))?;
    tracing::info!(
        address = %config.site_addr,
        public_url = %config.public_url,
        database = db.kind().name(),
        "Parvis is listening on http://{}", config.site_addr
    );
    // In-flight requests get SHUTDOWN_GRACE to finish after the stop signal; then the
    // process stops anyway: a stalled render would otherwise keep it running for ever.
    let (stopping, stop_requested) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        socket,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Live-update streams never end by themselves: they are closed now, and the
        // browsers reconnect to another process and resume from their last event.
        live.stop();
        let _ = stopping.send(());
    });
    tokio::select! {
        served = std::future::IntoFuture::into_future(server) => served.context("serving HTTP")?,
        () = async {
            if stop_requested.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {
            tracing::warn!(
                "requests still open {} s after the stop signal (stalled renders?): stopping anyway",
                SHUTDOWN_GRACE.as_secs()
            );
        }
    }
    // Queued mails stay in the outbox: the next start sends them.
    worker.abort();
    jobs.abort();
    if let Some(listener) = listener {
        listener.abort();
    }
    db.close().await;
    tracing::info!("Parvis stopped");
    Ok(())
}

/// Where Leptos looks for the hashed names of the site's files (`hash.txt`): next to
/// the binary.
fn site_files_dir() -> anyhow::Result<std::path::PathBuf> {
    let exe = std::env::current_exe().context("locating the parvis binary")?;
    Ok(exe
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default())
}

/// Refuses to serve a site whose pages could not be rendered: with hashed file names
/// (release builds), every page reads `hash.txt` next to the binary and links the CSS,
/// JS and wasm it names, so all of them must be there. One line says what is missing.
pub fn check_site_files(options: &LeptosOptions, exe_dir: &std::path::Path) -> anyhow::Result<()> {
    let site = std::path::Path::new(options.site_root.as_ref());
    if !site.is_dir() {
        anyhow::bail!(
            "the site's files are missing: {} is not a directory (LEPTOS_SITE_ROOT; build with `cargo leptos build --release`)",
            site.display()
        );
    }
    if !options.hash_files {
        return Ok(());
    }
    let hash_path = exe_dir.join(options.hash_file.as_ref());
    let hashes = std::fs::read_to_string(&hash_path).map_err(|err| {
        anyhow::anyhow!(
            "cannot read {} ({err}): release builds need the hash.txt that `cargo leptos build --release` writes next to the binary (or LEPTOS_HASH_FILES=false)",
            hash_path.display()
        )
    })?;
    let pkg = site.join(options.site_pkg_dir.as_ref());
    for (kind, ext) in [("css", "css"), ("js", "js"), ("wasm", "wasm")] {
        let hash = hashes
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim() == kind)
            .map(|(_, hash)| hash.trim())
            .filter(|hash| !hash.is_empty())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{} names no {kind} file: build again with `cargo leptos build --release`",
                    hash_path.display()
                )
            })?;
        let file = pkg.join(format!("{}.{hash}.{ext}", options.output_name));
        if !file.is_file() {
            anyhow::bail!(
                "{} is missing although {} names it: deploy the site's files of the same build",
                file.display(),
                hash_path.display()
            );
        }
    }
    Ok(())
}

/// How long in-flight requests may take to finish once the server is asked to stop.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested, finishing in-flight requests");
}
