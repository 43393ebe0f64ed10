//! The event stream of a proposal page (server-sent events).
//!
//! A stream reads the proposal's recorded events after the last one the browser saw,
//! sends them, then waits: a write in this process wakes it at once. It also looks again
//! on its own: every second on PostgreSQL, which is how events written by other server
//! processes sharing the database arrive, and every ten seconds on SQLite (one process,
//! where the wake-up is enough; the look is a safety net).

use super::events;
use crate::server::db::DbKind;
use crate::server::state::AppState;
use std::collections::VecDeque;
use std::time::Duration;

/// How often a stream looks for events without being woken.
fn poll_interval(kind: DbKind) -> Duration {
    match kind {
        DbKind::Postgres => Duration::from_secs(1),
        DbKind::Sqlite => Duration::from_secs(10),
    }
}
/// Events sent per read.
const BATCH: i64 = 100;

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
    futures::stream::unfold(
        (state, after, VecDeque::<Message>::new()),
        move |(state, mut after, mut queued)| async move {
            loop {
                if let Some(next) = queued.pop_front() {
                    return Some((next, (state, after, queued)));
                }
                // Registered before reading, so a write between the read and the wait
                // still wakes this stream.
                let wakeup = state.live_wakeup.clone();
                let notified = wakeup.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                match events::since(state.db.pool(), proposal_id, after, BATCH).await {
                    Ok(found) if !found.is_empty() => {
                        after = found.last().map_or(after, |e| e.seq);
                        queued = found
                            .into_iter()
                            .map(|e| Message {
                                seq: e.seq,
                                data: e.payload,
                            })
                            .collect();
                        continue;
                    }
                    Ok(_) => {}
                    Err(err) => tracing::warn!(error = %err, "reading live events"),
                }
                let _ = tokio::time::timeout(poll_interval(state.db.kind()), notified).await;
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
}
