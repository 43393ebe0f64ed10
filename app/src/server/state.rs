//! What every request handler and server fn can reach.

use super::clock::Clock;
use super::db::Db;
use super::ratelimit::RateLimits;
use crate::error::{internal, AppError};
use crate::site::SiteInfo;
use leptos::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Live-update streams one process holds open at most (each is a socket and a
/// once-a-second query): beyond, browsers are told to retry later.
pub const LIVE_STREAMS: usize = 2_000;
/// Live-update streams one client (an IPv4 address, an IPv6 /64) holds open at most: a
/// household's tabs, not a process's every slot.
pub const LIVE_STREAMS_PER_CLIENT: usize = 16;

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
    /// Rate limits of sign-in, sign-up and mailed links.
    pub limits: RateLimits,
    /// The reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Arc<crate::server::request::TrustedProxies>,
    /// Wakes the mail worker when a mail is queued.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    /// The OpenID Connect provider residents may sign in with, when configured.
    pub oidc: Option<Arc<crate::auth::oidc::Oidc>>,
    /// Forum rules the commune tuned (edit windows).
    pub forum: crate::forum::model::ForumSettings,
    /// Moderation rules the commune tuned (flag threshold, new accounts).
    pub moderation: crate::moderation::model::ModerationSettings,
    /// Wakes this process's live-update streams after a forum write.
    #[from_ref(skip)]
    pub live: Arc<crate::forum::live::LiveHub>,
    /// Live-update streams this process may hold open at once, in all and per client.
    pub live_slots: Arc<super::slots::ClientSlots>,
    /// Survey results computed in the last few seconds.
    #[from_ref(skip)]
    pub survey_results: Arc<crate::surveys::cache::ResultsCache>,
    /// The town part of the home page, computed in the last few seconds.
    #[from_ref(skip)]
    pub home: Arc<crate::home::cache::TownCache>,
    /// Where requests' attachments are stored, and their size limit.
    #[from_ref(skip)]
    pub uploads: crate::services::files::Uploads,
    /// The instance's key for what the database holds sealed (`PARVIS_SECRET_KEY_FILE`).
    #[from_ref(skip)]
    pub sealer: Arc<super::seal::Sealer>,
}

impl AppState {
    /// State with the defaults for everything but the essentials (tests, tools).
    pub fn new(leptos_options: LeptosOptions, db: Db, public_url: url::Url, clock: Clock) -> Self {
        crate::site::locale::install_plural_rules();
        AppState {
            leptos_options,
            db,
            site: Arc::new(SiteInfo::default()),
            public_url: Arc::new(public_url),
            pages_dir: None,
            clock,
            limits: RateLimits::default(),
            trusted_proxies: Arc::default(),
            mail_wakeup: Arc::new(tokio::sync::Notify::new()),
            oidc: None,
            forum: crate::forum::model::ForumSettings::default(),
            moderation: crate::moderation::model::ModerationSettings::default(),
            live: Arc::default(),
            live_slots: super::slots::ClientSlots::new(LIVE_STREAMS, LIVE_STREAMS_PER_CLIENT),
            survey_results: Arc::default(),
            home: Arc::default(),
            uploads: crate::services::files::Uploads::default(),
            sealer: Arc::new(super::seal::Sealer::random()),
        }
    }
}

impl AppState {
    /// Tells this process's live-update streams that a change to `proposal` (`None`:
    /// unknown, every proposal) was committed. On PostgreSQL, while this process listens,
    /// the change's own notification (sent by [`crate::forum::events::record`]) wakes the
    /// right streams of every process, this one included; otherwise this process wakes
    /// the streams of that proposal itself.
    pub fn live_changed(&self, proposal: Option<i64>) {
        // This process's pages are dropped at once, before the writer is answered (the
        // notification arrives a moment later).
        self.live.pages.invalidate(proposal);
        if self.live.is_listening() {
            return;
        }
        match proposal {
            Some(id) => self.live.wake(id),
            None => self.live.wake_all(),
        }
    }

    /// State for work outside a served site (command-line tools, tests): default Leptos
    /// settings, no site files.
    pub fn detached(db: Db, public_url: url::Url, clock: Clock) -> Self {
        AppState::new(
            LeptosOptions::builder().output_name("parvis").build(),
            db,
            public_url,
            clock,
        )
    }
}

/// The state provided to server fns and pages by the server's Leptos routes.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal(anyhow::anyhow!("AppState is not in context")))
}
