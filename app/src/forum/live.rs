//! The event stream of a proposal page (server-sent events), and how streams are woken.
//!
//! A stream reads the proposal's recorded events after the last one the browser saw,
//! sends them, then waits to be woken for its proposal. Events are always read from the
//! database (`forum_events`), never carried by the wake-up itself, so a lost wake-up only
//! delays an event, and a browser that reconnects to any process resumes where it was.
//!
//! Wake-ups come from:
//! - on PostgreSQL, `LISTEN parvis_live`: the transaction that records an event also
//!   sends `pg_notify('parvis_live', '<proposal id>')`, delivered at commit to every
//!   server process sharing the database ([`listen`] holds one connection per process);
//! - on SQLite (one process) or while that listener is down, the writer's own process
//!   ([`crate::server::state::AppState::live_changed`]).
//!
//! Each stream also looks on its own, as a safety net: every second on PostgreSQL while
//! the listener is down (events written by other processes then still arrive within a
//! second), every ten seconds otherwise.

use super::event_reads::SharedReads;
use crate::server::db::DbKind;
use crate::server::page_cache::PageCache;
use crate::server::state::AppState;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::broadcast;

/// The PostgreSQL notification channel of live events (payload: the proposal's id).
pub const CHANNEL: &str = "parvis_live";
/// Wakes every stream (a wake-up may have been missed).
const ALL: i64 = -1;
/// The payload of a notification that only drops the cached pages of every process (a
/// write that records no event): streams are not woken.
pub const PAGES: &str = "pages";

/// How often a stream looks for events without being woken.
fn poll_interval(kind: DbKind, listening: bool) -> Duration {
    match kind {
        DbKind::Postgres if !listening => Duration::from_secs(1),
        DbKind::Postgres | DbKind::Sqlite => Duration::from_secs(10),
    }
}
/// Events sent per read.
const BATCH: i64 = 100;

/// Wakes the streams of this process: those of one proposal, or all of them. The same
/// wake-ups drop the pages kept for signed-out visitors that they concern.
#[derive(Debug)]
pub struct LiveHub {
    wakeups: broadcast::Sender<i64>,
    listening: AtomicBool,
    /// Set when the process is stopping: open streams end at once.
    stopping: tokio::sync::watch::Sender<bool>,
    /// Pages rendered for signed-out visitors ([`crate::server::page_cache`]).
    pub pages: PageCache,
    /// Comment threads rendered for every visitor who sees them the same way.
    pub threads: crate::forum::comments::renders::ThreadRenders,
    /// Reads of events shared by the streams woken together.
    reads: SharedReads,
}

impl Default for LiveHub {
    fn default() -> Self {
        // A stream that falls this far behind is woken anyway (`Lagged`).
        let (wakeups, _) = broadcast::channel(1024);
        LiveHub {
            wakeups,
            listening: AtomicBool::new(false),
            stopping: tokio::sync::watch::Sender::new(false),
            pages: PageCache::default(),
            threads: Default::default(),
            reads: SharedReads::default(),
        }
    }
}

impl LiveHub {
    /// Wakes the streams of `proposal_id`.
    pub fn wake(&self, proposal_id: i64) {
        self.pages.invalidate(Some(proposal_id));
        self.reads.woken();
        let _ = self.wakeups.send(proposal_id);
    }

    /// Wakes every stream.
    pub fn wake_all(&self) {
        self.pages.invalidate(None);
        self.reads.woken();
        let _ = self.wakeups.send(ALL);
    }

    /// Ends every open stream of this process, now and from now on (the process is
    /// stopping: browsers reconnect to another one and resume from their last event).
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Whether pages kept for signed-out visitors may be served: always on SQLite (one
    /// process), on PostgreSQL only while this process hears the others' changes.
    pub fn serves_cached_pages(&self, kind: DbKind) -> bool {
        kind == DbKind::Sqlite || self.is_listening()
    }

    /// True while this process receives PostgreSQL's notifications: writers then rely
    /// on them, in every process including their own.
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// How this process learns of live updates written by others (`/healthz`):
    /// `notify` (PostgreSQL's LISTEN connection is up), `polling` (PostgreSQL, listener
    /// down: streams look every second), `local` (SQLite: one process, its own writes).
    pub fn mode(&self, kind: DbKind) -> &'static str {
        match kind {
            DbKind::Sqlite => "local",
            DbKind::Postgres if self.is_listening() => "notify",
            DbKind::Postgres => "polling",
        }
    }

    fn set_listening(&self, listening: bool) {
        self.listening.store(listening, Ordering::Release);
    }

    fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.wakeups.subscribe()
    }
}

/// Waits until `proposal_id`'s streams are woken (or every stream is).
async fn woken(wakeups: &mut broadcast::Receiver<i64>, proposal_id: i64) {
    loop {
        match wakeups.recv().await {
            Ok(id) if id == proposal_id || id == ALL => return,
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => return,
            Err(broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
        }
    }
}

/// Holds this process's `LISTEN` connection to PostgreSQL (at `url`: the database
/// itself, not a pooler in transaction mode, which cannot keep a listening session) and
/// turns notifications into wake-ups, until the process stops. Reconnects after a
/// failure; every stream is woken then, as events may have been written meanwhile.
pub async fn listen(hub: std::sync::Arc<LiveHub>, url: String) {
    let mut failures = 0_u32;
    loop {
        match listen_once(&hub, &url).await {
            Ok(()) => failures = 0,
            Err(err) => {
                failures += 1;
                if failures == 1 || failures.is_power_of_two() {
                    tracing::warn!(
                        error = %err,
                        "live updates: not listening to PostgreSQL; pages poll every second meanwhile"
                    );
                }
            }
        }
        hub.set_listening(false);
        hub.wake_all();
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// One listening session: returns when its connection is lost.
async fn listen_once(hub: &LiveHub, url: &str) -> sqlx::Result<()> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    hub.set_listening(true);
    // Events committed before LISTEN took effect were only polled for: look now.
    hub.wake_all();
    tracing::info!("live updates: listening to PostgreSQL notifications");
    loop {
        // `None`: the connection was lost (the next call would reconnect silently;
        // the caller reconnects instead, so that streams poll meanwhile).
        let Some(notification) = listener.try_recv().await? else {
            return Ok(());
        };
        match notification.payload() {
            PAGES => hub.pages.invalidate(None),
            payload => match payload.parse::<i64>() {
                Ok(id) if id >= 0 => hub.wake(id),
                _ => hub.wake_all(),
            },
        }
    }
}

/// One message for the browser: its number (the SSE `id`) and JSON payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub seq: i64,
    pub data: String,
}

/// Where a stream starts: the `Last-Event-ID` a reconnecting browser sends, else the
/// number the page was rendered at (`depuis` in the URL).
pub fn start_after(last_event_id: Option<&str>, rendered_at: Option<&str>) -> i64 {
    last_event_id
        .or(rendered_at)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .unwrap_or(0)
}

/// The endless stream of `proposal_id`'s events after `after`.
pub fn stream(
    state: AppState,
    proposal_id: i64,
    after: i64,
) -> impl futures::Stream<Item = Message> + Send + 'static {
    // Subscribed before the first read, so a write between a read and the wait that
    // follows it still wakes this stream.
    let wakeups = state.live.subscribe();
    let stopping = state.live.stopping.subscribe();
    futures::stream::unfold(
        (
            state,
            after,
            VecDeque::<Message>::new(),
            (wakeups, stopping),
        ),
        move |(state, mut after, mut queued, (mut wakeups, mut stopping))| async move {
            loop {
                if *stopping.borrow() {
                    return None;
                }
                if let Some(next) = queued.pop_front() {
                    return Some((next, (state, after, queued, (wakeups, stopping))));
                }
                match state
                    .live
                    .reads
                    .since(state.db.pool(), proposal_id, after, BATCH)
                    .await
                {
                    Ok(found) if !found.is_empty() => {
                        after = found.last().map_or(after, |e| e.seq);
                        queued = found
                            .iter()
                            .map(|e| Message {
                                seq: e.seq,
                                data: e.payload.clone(),
                            })
                            .collect();
                        continue;
                    }
                    Ok(_) => {}
                    Err(err) => tracing::warn!(error = %err, "reading live events"),
                }
                let every = poll_interval(state.db.kind(), state.live.is_listening());
                tokio::select! {
                    _ = tokio::time::timeout(every, woken(&mut wakeups, proposal_id)) => {}
                    _ = stopping.wait_for(|stop| *stop) => return None,
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reconnecting_browser_resumes_after_its_last_event() {
        assert_eq!(super::start_after(Some("12"), Some("3")), 12);
        assert_eq!(super::start_after(None, Some("3")), 3);
        assert_eq!(super::start_after(Some("x"), None), 0);
        assert_eq!(super::start_after(None, Some("-4")), 0);
    }

    #[tokio::test]
    async fn a_stream_is_woken_for_its_proposal_or_for_all() {
        use std::time::Duration;
        let hub = super::LiveHub::default();
        let mut wakeups = hub.subscribe();
        hub.wake(8);
        hub.wake(7);
        tokio::time::timeout(Duration::from_secs(1), super::woken(&mut wakeups, 7))
            .await
            .expect("woken for its own proposal");
        hub.wake(8);
        let other = tokio::time::timeout(Duration::from_millis(50), super::woken(&mut wakeups, 7));
        assert!(
            other.await.is_err(),
            "another proposal's event does not wake it"
        );
        hub.wake_all();
        tokio::time::timeout(Duration::from_secs(1), super::woken(&mut wakeups, 7))
            .await
            .expect("woken by a wake-up for all");
    }

    #[test]
    fn streams_poll_every_second_on_postgres_only_while_not_listening() {
        use crate::server::db::DbKind;
        use std::time::Duration;
        assert_eq!(
            super::poll_interval(DbKind::Postgres, false),
            Duration::from_secs(1)
        );
        assert_eq!(
            super::poll_interval(DbKind::Postgres, true),
            Duration::from_secs(10)
        );
        assert_eq!(
            super::poll_interval(DbKind::Sqlite, false),
            Duration::from_secs(10)
        );
    }
}
