//! The comment threads of a proposal page, rendered once and shared.
//!
//! Rendering a page's threads is most of what a proposal page costs, and most visitors
//! see the same threads: every signed-out reader, every resident who wrote none of the
//! comments of the page, every moderator. The threads' HTML is a pure function of what
//! [`ThreadsInput`] holds (the comments *as computed for the visitor*, with their own
//! edit and delete rights, the visitor's reply and flag rights, the page, the language),
//! so it is kept under that whole input: a visitor gets a kept render only when their
//! own input is equal to the one it was made from, compared in full. No visitor can
//! receive a render made from anyone else's comments or rights, and nothing needs to be
//! dropped when a comment changes: the changed input no longer matches.
//!
//! When a rendered part starts depending on anything else (the time of the request, for
//! "5 minutes ago"; a query parameter), it must join [`ThreadsInput`].

use crate::forum::model::CommentView;
use crate::i18n::Locale;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

/// Renders kept at most, and their total size.
const MAX_ENTRIES: usize = 512;
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Everything the threads of a page show, as one visitor sees them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThreadsInput {
    pub locale: Locale,
    pub proposal_id: i64,
    pub page: u32,
    pub signed_in: bool,
    pub moderator: bool,
    /// Replies may be written.
    pub open: bool,
    /// The minute (since the epoch) of the render: recent comments read relative to it
    /// ("il y a 5 minutes"), so a render is reused for one minute at most.
    pub minute: i64,
    /// The page's comments in reading order.
    pub comments: Vec<CommentView>,
}

struct Entry {
    input: ThreadsInput,
    html: Arc<str>,
}

#[derive(Default)]
struct Inner {
    by_hash: HashMap<u64, Entry>,
    /// Insertion order, for dropping the oldest first.
    order: VecDeque<u64>,
    bytes: usize,
}

/// Kept renders of comment threads, bounded in number and size (the oldest dropped
/// first).
#[derive(Default)]
pub struct ThreadRenders {
    hasher: std::hash::RandomState,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for ThreadRenders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadRenders").finish_non_exhaustive()
    }
}

impl ThreadRenders {
    fn hash_of(&self, input: &ThreadsInput) -> u64 {
        self.hasher.hash_one(input)
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The render made from an input equal to `input`, else `render()`'s, kept.
    pub fn get_or_render(&self, input: &ThreadsInput, render: impl FnOnce() -> String) -> Arc<str> {
        let hash = self.hash_of(input);
        if let Some(entry) = self.inner().by_hash.get(&hash) {
            if entry.input == *input {
                return entry.html.clone();
            }
        }
        let html: Arc<str> = render().into();
        self.keep(hash, input.clone(), html.clone());
        html
    }

    fn keep(&self, hash: u64, input: ThreadsInput, html: Arc<str>) {
        let size = html.len();
        if size > MAX_BYTES / 4 {
            return;
        }
        let mut inner = self.inner();
        if let Some(old) = inner.by_hash.remove(&hash) {
            inner.bytes -= old.html.len();
            inner.order.retain(|h| *h != hash);
        }
        while inner.by_hash.len() >= MAX_ENTRIES || inner.bytes + size > MAX_BYTES {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.by_hash.remove(&oldest) {
                inner.bytes -= old.html.len();
            }
        }
        inner.bytes += size;
        inner.order.push_back(hash);
        inner.by_hash.insert(hash, Entry { input, html });
    }

    /// Renders kept now.
    pub fn len(&self) -> usize {
        self.inner().by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::model::Visibility;

    fn comment(id: i64, mine: bool) -> CommentView {
        CommentView {
            id,
            parent_id: None,
            depth: 0,
            author_name: Some("Camille".into()),
            body_html: format!("<p>Commentaire {id}</p>"),
            created_at_ms: 1_700_000_000_000,
            edited: false,
            deleted: false,
            editable: mine,
            deletable: mine,
            source: mine.then(|| format!("Commentaire {id}")),
            moderation: Visibility::Published,
        }
    }

    fn input(comments: Vec<CommentView>) -> ThreadsInput {
        ThreadsInput {
            locale: Locale::fr,
            proposal_id: 1,
            page: 1,
            signed_in: true,
            moderator: false,
            open: true,
            minute: 29_000_000,
            comments,
        }
    }

    #[test]
    fn a_render_is_shared_only_by_equal_inputs() {
        let renders = ThreadRenders::default();
        let reader = input(vec![comment(1, false)]);
        let first = renders.get_or_render(&reader, || "lecteur".into());
        let again = renders.get_or_render(&reader.clone(), || unreachable!("kept"));
        assert_eq!(&*first, "lecteur");
        assert_eq!(&*again, "lecteur");

        // The author of the comment (their own buttons), a moderator, another language,
        // a held comment: each its own render.
        let author = input(vec![comment(1, true)]);
        assert_eq!(
            &*renders.get_or_render(&author, || "auteur".into()),
            "auteur"
        );
        let moderator = ThreadsInput {
            moderator: true,
            ..reader.clone()
        };
        assert_eq!(
            &*renders.get_or_render(&moderator, || "modo".into()),
            "modo"
        );
        let english = ThreadsInput {
            locale: Locale::en,
            ..reader.clone()
        };
        assert_eq!(&*renders.get_or_render(&english, || "en".into()), "en");
        let mut held = reader.clone();
        held.comments[0].moderation = Visibility::Held;
        assert_eq!(&*renders.get_or_render(&held, || "retenu".into()), "retenu");
        // A minute later, "il y a 5 minutes" reads "il y a 6 minutes".
        let later = ThreadsInput {
            minute: reader.minute + 1,
            ..reader.clone()
        };
        assert_eq!(
            &*renders.get_or_render(&later, || "plus tard".into()),
            "plus tard"
        );
        assert_eq!(
            &*renders.get_or_render(&reader, || unreachable!("kept")),
            "lecteur"
        );
    }

    #[test]
    fn renders_kept_are_bounded() {
        let renders = ThreadRenders::default();
        for id in 0..(MAX_ENTRIES as i64 + 40) {
            renders.get_or_render(&input(vec![comment(id, false)]), || "x".repeat(10));
        }
        assert_eq!(renders.len(), MAX_ENTRIES);
        let big = "y".repeat(MAX_BYTES / 5);
        for id in 0..10 {
            renders.get_or_render(&input(vec![comment(-id, false)]), || big.clone());
        }
        assert!(renders.inner().bytes <= MAX_BYTES);
        // Too big to keep: rendered every time.
        let huge = input(vec![comment(-100, false)]);
        renders.get_or_render(&huge, || "z".repeat(MAX_BYTES / 2));
        let mut called = false;
        renders.get_or_render(&huge, || {
            called = true;
            String::new()
        });
        assert!(called);
    }
}
