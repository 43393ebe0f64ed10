//! A bounded pool for password hashing. An argon2id hash takes tens of milliseconds of
//! CPU and 19 MiB of memory: without a bound, a few hundred concurrent sign-in or reset
//! posts would take every core and gigabytes of memory. At most one hash per core but
//! one runs at a time, and a request that waits too long for its turn is answered
//! "busy" (503, translated) instead of queuing for ever.

use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a request waits for a free hashing slot before it is refused.
const QUEUE_WAIT: Duration = Duration::from_secs(5);

/// The hashing slots: the cores less one, at least one.
static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    Semaphore::new(cores.saturating_sub(1).max(1))
});

/// Every hashing slot stayed taken for [`QUEUE_WAIT`]: the request is refused as busy.
#[derive(Debug, thiserror::Error)]
#[error("password hashing is saturated")]
pub struct Saturated;

/// Runs `work` (CPU-heavy, blocking) on a blocking thread once a slot is free, or fails
/// with [`Saturated`] after [`QUEUE_WAIT`]: for requests.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _slot = tokio::time::timeout(QUEUE_WAIT, SLOTS.acquire())
        .await
        .map_err(|_| Saturated)?
        .map_err(|_| Saturated)?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// [`run`] for trusted callers with no one waiting on a page (the command line, demo
/// data): it waits for its turn however long, still one hash per slot.
pub async fn run_patiently<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _slot = SLOTS.acquire().await.map_err(|_| Saturated)?;
    Ok(tokio::task::spawn_blocking(work).await?)
}
