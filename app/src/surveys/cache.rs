//! A few seconds of memory for results pages: a survey with 100,000 answers takes a
//! few hundred milliseconds to aggregate, and a popular results page is asked for many
//! times a second. Entries are fresh for `TTL_MS` (answers show up within that delay)
//! and dropped at once when moderation or the builder changes what results show. One
//! computation at a time per process: the first visitor of a survey waits for it; once
//! an entry is stale, one request recomputes it while the others are served the stale
//! one, so a busy page never stalls.

use super::results_model::Results;
use crate::error::AppError;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long computed results are served as they are.
pub const TTL_MS: i64 = 5_000;
/// Entries kept at most (different surveys and filters).
const CAPACITY: usize = 256;

/// (survey, agent's view, filter).
type Key = (i64, bool, Option<(i64, i64)>);

/// Results computed recently, per process.
#[derive(Debug, Default)]
pub struct ResultsCache {
    entries: Mutex<HashMap<Key, (i64, Results)>>,
    filling: tokio::sync::Mutex<()>,
}

impl ResultsCache {
    fn fresh(&self, key: &Key, now_ms: i64) -> Option<Results> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(at, _)| now_ms - at < TTL_MS)
            .map(|(_, results)| results.clone())
    }

    fn stale(&self, key: &Key) -> Option<Results> {
        let entries = self.entries.lock().ok()?;
        entries.get(key).map(|(_, results)| results.clone())
    }

    /// The results for `key`, computed by `compute` when none fresh are kept.
    pub async fn get_or_compute<F, Fut>(
        &self,
        key: Key,
        now_ms: i64,
        compute: F,
    ) -> Result<Results, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Results, AppError>>,
    {
        if let Some(results) = self.fresh(&key, now_ms) {
            return Ok(results);
        }
        let _filling = match self.filling.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone is computing: serve what we have, or wait for it.
                if let Some(results) = self.stale(&key) {
                    return Ok(results);
                }
                self.filling.lock().await
            }
        };
        if let Some(results) = self.fresh(&key, now_ms) {
            return Ok(results);
        }
        let results = compute().await?;
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.retain(|_, (at, _)| now_ms - *at < TTL_MS);
                if entries.len() >= CAPACITY {
                    entries.clear();
                }
            }
            entries.insert(key, (now_ms, results.clone()));
        }
        Ok(results)
    }

    /// Forgets the results of one survey (a moderator published a text, an agent
    /// changed the survey).
    pub fn forget(&self, survey: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(id, _, _), _| *id != survey);
        }
    }
}
