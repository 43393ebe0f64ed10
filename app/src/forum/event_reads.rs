//! Reads of a proposal's live events shared by the streams woken together
//! ([`super::live`]).

use super::events;
use futures::future::{BoxFuture, FutureExt, Shared};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What one read of events gave: the events, or why it failed.
type ReadResult = Result<Arc<[events::StoredEvent]>, Arc<str>>;
/// A read running for one or more streams.
type RunningRead = Shared<BoxFuture<'static, ReadResult>>;

/// One read of a proposal's events, shared by the streams that ask for the same events
/// while it runs. A wake-up (one comment on a proposal open in 500 pages) makes every
/// stream of the proposal read at once, nearly all from the same event on: they share
/// the first read instead of sending the database 500 equal queries.
///
/// A stream may only join a read that began after the wake-up it answers, or it could
/// miss the event it was woken for: every wake-up bumps `wakes`, which a read's key
/// holds as it was when the read began (it is bumped before the streams are woken, and
/// read before the read is started). Only reads still running are shared: a finished
/// one is forgotten, so a stream looking on its own (PostgreSQL without notifications)
/// always reads afresh.
#[derive(Debug, Default)]
pub(super) struct SharedReads {
    wakes: AtomicU64,
    /// Running reads by (proposal, after, `wakes` when they began).
    running: Mutex<HashMap<(i64, i64, u64), RunningRead>>,
}

impl SharedReads {
    pub(super) fn woken(&self) {
        self.wakes.fetch_add(1, Ordering::AcqRel);
    }

    /// The events of `proposal_id` after `after` (at most `limit`), read once for all
    /// the streams asking at the same time.
    pub(super) async fn since(
        &self,
        pool: &sqlx::AnyPool,
        proposal_id: i64,
        after: i64,
        limit: i64,
    ) -> ReadResult {
        let pool = pool.clone();
        self.shared(proposal_id, after, move || {
            async move {
                events::since(&pool, proposal_id, after, limit)
                    .await
                    .map(Arc::from)
                    .map_err(|err| Arc::from(err.to_string()))
            }
            .boxed()
        })
        .await
    }

    /// What `read` gives, or what the same read already running gives.
    async fn shared(
        &self,
        proposal_id: i64,
        after: i64,
        read: impl FnOnce() -> BoxFuture<'static, ReadResult>,
    ) -> ReadResult {
        let key = (proposal_id, after, self.wakes.load(Ordering::Acquire));
        let (read, started_here) = {
            let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
            match running.get(&key) {
                Some(running) => (running.clone(), false),
                None => {
                    let read = read().shared();
                    running.insert(key, read.clone());
                    (read, true)
                }
            }
        };
        // The stream that started the read forgets it once it is done, or if it ends first.
        // (Built only then: dropping one forgets the read.)
        let _forget = started_here.then(|| Forget { reads: self, key });
        read.await
    }
}

/// Forgets a running read when dropped.
struct Forget<'a> {
    reads: &'a SharedReads,
    key: (i64, i64, u64),
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.reads
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{ReadResult, SharedReads};
    use crate::forum::events::StoredEvent;
    use futures::FutureExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A read that counts itself and gives one event numbered by the count, once `go`
    /// fires.
    fn counted_read(
        count: &Arc<AtomicUsize>,
        go: futures::future::Shared<futures::channel::oneshot::Receiver<()>>,
    ) -> impl FnOnce() -> futures::future::BoxFuture<'static, ReadResult> {
        let count = Arc::clone(count);
        move || {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                let _ = go.await;
                Ok(Arc::from(vec![StoredEvent {
                    seq: i64::try_from(n).unwrap_or(0),
                    payload: String::new(),
                }]))
            }
            .boxed()
        }
    }

    #[tokio::test]
    async fn streams_asking_together_share_one_read_but_never_one_begun_before_their_wake_up() {
        let reads = SharedReads::default();
        let count = Arc::new(AtomicUsize::new(0));
        let (release, go) = futures::channel::oneshot::channel::<()>();
        let go = go.shared();
        // Three streams of proposal 7 from event 0 while the first read runs, one of
        // another proposal, then one woken after the read began.
        let first = reads.shared(7, 0, counted_read(&count, go.clone()));
        let second = reads.shared(7, 0, counted_read(&count, go.clone()));
        let third = reads.shared(7, 0, counted_read(&count, go.clone()));
        let other = reads.shared(8, 0, counted_read(&count, go.clone()));
        futures::pin_mut!(first, second, third, other);
        for read in [
            first.as_mut(),
            second.as_mut(),
            third.as_mut(),
            other.as_mut(),
        ] {
            assert!(futures::poll!(read).is_pending());
        }
        assert_eq!(count.load(Ordering::SeqCst), 2, "one read per proposal");
        reads.woken();
        let after_wake = reads.shared(7, 0, counted_read(&count, go.clone()));
        futures::pin_mut!(after_wake);
        assert!(futures::poll!(after_wake.as_mut()).is_pending());
        assert_eq!(
            count.load(Ordering::SeqCst),
            3,
            "a woken stream reads again"
        );
        release.send(()).unwrap();
        let seqs = |r: ReadResult| r.unwrap()[0].seq;
        assert_eq!(seqs(first.await), 1);
        assert_eq!(seqs(second.await), 1);
        assert_eq!(seqs(third.await), 1);
        assert_eq!(seqs(other.await), 2);
        assert_eq!(seqs(after_wake.await), 3);
        // Finished reads are forgotten: the next stream reads afresh.
        assert!(reads.running.lock().unwrap().is_empty());
        let (release, go) = futures::channel::oneshot::channel::<()>();
        release.send(()).unwrap();
        assert_eq!(
            seqs(reads.shared(7, 0, counted_read(&count, go.shared())).await),
            4
        );
    }

    #[tokio::test]
    async fn a_read_whose_stream_ended_is_forgotten() {
        let reads = SharedReads::default();
        let count = Arc::new(AtomicUsize::new(0));
        let (_release, go) = futures::channel::oneshot::channel::<()>();
        {
            let read = reads.shared(7, 0, counted_read(&count, go.shared()));
            futures::pin_mut!(read);
            assert!(futures::poll!(read).is_pending());
            assert_eq!(reads.running.lock().unwrap().len(), 1);
        }
        assert!(reads.running.lock().unwrap().is_empty());
    }
}
