//! The town part of the home page, computed once for everyone: it is the same whoever
//! asks, and the home page is the page most visited. An entry is served for [`MAX_AGE`]
//! at most, and not at all once this process has seen a change to what pages show (the
//! page cache's generation moves on every write that may change a page, here or, on
//! PostgreSQL, in any process). One computation at a time: while it runs, the others are
//! served the previous entry, so a busy home page never stalls on it.

use super::model::Town;
use crate::error::AppError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a computed town is served as it is (as long as a kept page).
pub const MAX_AGE: Duration = crate::server::page_cache::MAX_AGE;

#[derive(Debug)]
struct Entry {
    at: Instant,
    generation: u64,
    town: Arc<Town>,
}

/// The town, computed recently, per process.
#[derive(Debug, Default)]
pub struct TownCache {
    entry: Mutex<Option<Entry>>,
    filling: tokio::sync::Mutex<()>,
}

impl TownCache {
    fn kept(&self, generation: u64, fresh_only: bool) -> Option<Arc<Town>> {
        let entry = self.entry.lock().unwrap_or_else(|e| e.into_inner());
        entry
            .as_ref()
            .filter(|e| !fresh_only || (e.generation == generation && e.at.elapsed() < MAX_AGE))
            .map(|e| e.town.clone())
    }

    /// The town, computed by `compute` unless a fresh one is kept. `generation` is the
    /// page cache's, read before computing: a town computed across a change is not kept.
    pub async fn get_or_compute<F, Fut>(
        &self,
        generation: u64,
        compute: F,
    ) -> Result<Arc<Town>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Town, AppError>>,
    {
        if let Some(town) = self.kept(generation, true) {
            return Ok(town);
        }
        let _filling = match self.filling.try_lock() {
            Ok(guard) => guard,
            Err(_) => match self.kept(generation, false) {
                Some(town) => return Ok(town),
                None => self.filling.lock().await,
            },
        };
        if let Some(town) = self.kept(generation, true) {
            return Ok(town);
        }
        let town = Arc::new(compute().await?);
        let mut entry = self.entry.lock().unwrap_or_else(|e| e.into_inner());
        *entry = Some(Entry {
            at: Instant::now(),
            generation,
            town: town.clone(),
        });
        Ok(town)
    }

    /// Forgets the kept town (tests).
    pub fn clear(&self) {
        *self.entry.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town(services: usize) -> Town {
        Town {
            facilities: services,
            ..Town::default()
        }
    }

    #[tokio::test]
    async fn a_town_is_computed_once_then_again_after_a_change() {
        let cache = TownCache::default();
        let first = cache.get_or_compute(1, || async { Ok(town(1)) }).await;
        assert_eq!(first.map(|t| t.facilities).ok(), Some(1));
        let kept = cache.get_or_compute(1, || async { Ok(town(2)) }).await;
        assert_eq!(
            kept.map(|t| t.facilities).ok(),
            Some(1),
            "served from memory"
        );
        let changed = cache.get_or_compute(2, || async { Ok(town(3)) }).await;
        assert_eq!(
            changed.map(|t| t.facilities).ok(),
            Some(3),
            "a change was seen"
        );
    }

    #[tokio::test]
    async fn a_failed_computation_keeps_nothing() {
        let cache = TownCache::default();
        let failed = cache
            .get_or_compute(1, || async { Err(AppError::Internal) })
            .await;
        assert!(failed.is_err());
        let next = cache.get_or_compute(1, || async { Ok(town(4)) }).await;
        assert_eq!(next.map(|t| t.facilities).ok(), Some(4));
    }
}
