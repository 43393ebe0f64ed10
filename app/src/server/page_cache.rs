//! Pages kept as rendered for signed-out visitors: the home page, the forum list and
//! proposal pages.
//!
//! Every signed-out visitor of a page sees the same bytes (per language), so those bytes
//! are rendered once and served from memory until something shown on them changes. The
//! HTTP side (which requests may be served from here, compression) is the server's
//! `page_cache` layer; this module holds the entries and their invalidation:
//!
//! - the forum's recorded events wake this process's live streams, and the same wake-up
//!   drops the pages they concern ([`crate::forum::live::LiveHub`]): on PostgreSQL the
//!   wake-up is the event's own `NOTIFY`, so a change written by any process reaches
//!   every process's cache;
//! - every write request this process serves drops every page once it has answered, and
//!   tells the other processes (`NOTIFY parvis_live, 'pages'`): a change that records no
//!   event (a new proposal, a renamed theme, an account's new name) is covered too;
//! - an entry lives [`MAX_AGE`] at most, which bounds what a change made outside any
//!   server process (a `parvis` command on SQLite, SQL typed by hand) can leave behind.
//!
//! A render that was under way when something changed is not kept (the generation
//! counter), so a page read before a change is never stored after it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long an entry is served at most.
pub const MAX_AGE: Duration = Duration::from_secs(10);
/// Entries kept at most (the oldest goes first).
pub const MAX_ENTRIES: usize = 512;
/// Bytes of HTML kept at most, all entries together.
pub const MAX_BYTES: usize = 48 * 1024 * 1024;

/// Which page, for whom: the path and query as requested, and the page's language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub lang: &'static str,
    pub path_and_query: String,
    /// The proposal the page shows (`None`: a list, which shows every proposal).
    pub proposal: Option<i64>,
}

/// One page as rendered: its headers and body, and its compressed forms once asked for.
#[derive(Debug)]
pub struct CachedPage {
    pub headers: http::HeaderMap,
    pub html: bytes::Bytes,
    pub brotli: OnceLock<bytes::Bytes>,
    pub gzip: OnceLock<bytes::Bytes>,
    stored_at: Instant,
}

impl CachedPage {
    pub fn new(headers: http::HeaderMap, html: bytes::Bytes) -> Self {
        CachedPage {
            headers,
            html,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
            stored_at: Instant::now(),
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    generation: u64,
    entries: HashMap<Key, Arc<CachedPage>>,
    /// Insertion order, for eviction (may name entries already dropped).
    order: VecDeque<Key>,
    bytes: usize,
}

/// The pages of this process.
#[derive(Debug, Default)]
pub struct PageCache {
    inner: Mutex<Inner>,
}

impl PageCache {
    /// The number to give [`PageCache::insert`] for a render that starts now.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// The page stored under `key`, if it is still fresh.
    pub fn get(&self, key: &Key) -> Option<Arc<CachedPage>> {
        let mut inner = self.lock();
        let page = inner.entries.get(key)?.clone();
        if page.stored_at.elapsed() <= MAX_AGE {
            return Some(page);
        }
        if let Some(old) = inner.entries.remove(key) {
            inner.bytes = inner.bytes.saturating_sub(old.html.len());
        }
        None
    }

    /// Keeps `page` under `key`, unless something changed since `generation` was read
    /// (the page may show the state before the change) or the page alone is too big.
    /// Returns whether it was kept.
    pub fn insert(&self, key: Key, page: CachedPage, generation: u64) -> bool {
        let size = page.html.len();
        let mut inner = self.lock();
        if inner.generation != generation || size > MAX_BYTES / 8 {
            return false;
        }
        if let Some(old) = inner.entries.insert(key.clone(), Arc::new(page)) {
            inner.bytes = inner.bytes.saturating_sub(old.html.len());
        }
        inner.bytes += size;
        inner.order.push_back(key);
        while inner.entries.len() > MAX_ENTRIES || inner.bytes > MAX_BYTES {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.entries.remove(&oldest) {
                inner.bytes = inner.bytes.saturating_sub(old.html.len());
            }
        }
        // Keys of entries replaced or dropped meanwhile stay in `order`: keep it bounded.
        if inner.order.len() > 4 * MAX_ENTRIES {
            let Inner { entries, order, .. } = &mut *inner;
            order.retain(|k| entries.contains_key(k));
        }
        true
    }

    /// Drops the pages showing `proposal` and every list (`None`: every page), and the
    /// renders under way.
    pub fn invalidate(&self, proposal: Option<i64>) {
        let mut inner = self.lock();
        inner.generation += 1;
        match proposal {
            None => {
                inner.entries.clear();
                inner.order.clear();
                inner.bytes = 0;
            }
            Some(id) => {
                let mut freed = 0;
                inner.entries.retain(|key, page| {
                    let keep = key.proposal.is_some_and(|p| p != id);
                    if !keep {
                        freed += page.html.len();
                    }
                    keep
                });
                inner.bytes = inner.bytes.saturating_sub(freed);
            }
        }
    }

    /// Entries kept now.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (no invariant spans
        // two statements that could panic): keep serving.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &str, proposal: Option<i64>) -> Key {
        Key {
            lang: "fr",
            path_and_query: path.to_owned(),
            proposal,
        }
    }

    fn page(text: &str) -> CachedPage {
        CachedPage::new(http::HeaderMap::new(), bytes::Bytes::from(text.to_owned()))
    }

    #[test]
    fn a_page_rendered_before_a_change_is_not_kept_after_it() {
        let cache = PageCache::default();
        let before = cache.generation();
        cache.invalidate(Some(7));
        assert!(!cache.insert(key("/forum/propositions/7", Some(7)), page("old"), before));
        assert!(cache.get(&key("/forum/propositions/7", Some(7))).is_none());
        let now = cache.generation();
        assert!(cache.insert(key("/forum/propositions/7", Some(7)), page("new"), now));
        assert_eq!(
            cache
                .get(&key("/forum/propositions/7", Some(7)))
                .map(|p| p.html.clone()),
            Some(bytes::Bytes::from("new"))
        );
    }

    #[test]
    fn a_change_to_a_proposal_drops_its_pages_and_the_lists_only() {
        let cache = PageCache::default();
        let g = cache.generation();
        for k in [
            key("/forum/propositions/7", Some(7)),
            key("/forum/propositions/7?commentaires=2", Some(7)),
            key("/forum/propositions/8", Some(8)),
            key("/forum", None),
        ] {
            assert!(cache.insert(k, page("x"), g));
        }
        cache.invalidate(Some(7));
        assert!(cache.get(&key("/forum/propositions/7", Some(7))).is_none());
        assert!(cache
            .get(&key("/forum/propositions/7?commentaires=2", Some(7)))
            .is_none());
        assert!(cache.get(&key("/forum", None)).is_none());
        assert!(cache.get(&key("/forum/propositions/8", Some(8))).is_some());
        cache.invalidate(None);
        assert!(cache.is_empty());
    }

    #[test]
    fn languages_are_kept_apart() {
        let cache = PageCache::default();
        let g = cache.generation();
        let fr = key("/forum", None);
        let en = Key {
            lang: "en",
            ..fr.clone()
        };
        assert!(cache.insert(fr.clone(), page("Propositions"), g));
        assert!(cache.get(&en).is_none());
        assert!(cache.insert(en.clone(), page("Proposals"), g));
        assert_eq!(
            cache.get(&en).map(|p| p.html.clone()),
            Some(bytes::Bytes::from("Proposals"))
        );
        assert_eq!(
            cache.get(&fr).map(|p| p.html.clone()),
            Some(bytes::Bytes::from("Propositions"))
        );
    }

    #[test]
    fn the_cache_stays_bounded_whatever_is_asked() {
        let cache = PageCache::default();
        let g = cache.generation();
        for n in 0..(MAX_ENTRIES * 5) {
            assert!(cache.insert(key(&format!("/forum?page={n}"), None), page("x"), g));
        }
        assert_eq!(cache.len(), MAX_ENTRIES);
        assert!(cache.lock().order.len() <= 4 * MAX_ENTRIES + 1);
        // The newest are kept.
        assert!(cache
            .get(&key(&format!("/forum?page={}", MAX_ENTRIES * 5 - 1), None))
            .is_some());
        assert!(cache.get(&key("/forum?page=0", None)).is_none());
        // By size too.
        let big = "x".repeat(MAX_BYTES / 10);
        for n in 0..20 {
            cache.insert(key(&format!("/forum?tri={n}"), None), page(&big), g);
        }
        assert!(cache.lock().bytes <= MAX_BYTES);
    }
}
