//! The browser side of live updates: a proposal page listens to its event stream
//! (`/forum/propositions/:id/evenements`) and applies each event to what it shows. The
//! browser's `EventSource` reconnects by itself and sends the last event number it saw,
//! so nothing is missed across a network cut.

use super::model::{CommentView, LiveEvent};
use crate::moderation::model::Visibility;
use leptos::prelude::*;

/// What live events change on the page.
#[derive(Clone, Copy)]
pub struct LiveTargets {
    /// The comments shown, in reading order.
    pub comments: RwSignal<Vec<CommentView>>,
    /// Whether new top-level comments belong on this page (the last page of threads).
    pub last_page: bool,
    pub supports: RwSignal<i64>,
    pub comment_count: RwSignal<i64>,
    /// Author of the last comment that arrived, announced by screen readers (a polite
    /// status region).
    pub announcement: RwSignal<String>,
    /// Set when the proposal itself changed (an answer, a withdrawal): the page offers
    /// to reload.
    pub outdated: RwSignal<bool>,
}

/// Applies one event. New comments go after their siblings; a comment already shown
/// (the visitor's own, after their page reloaded) is not added twice. `author_of` names a
/// new comment's author for the announcement.
pub fn apply(targets: &LiveTargets, event: LiveEvent, author_of: impl Fn(&CommentView) -> String) {
    match event {
        LiveEvent::Comment { comment } => {
            let comments = targets.comments;
            let known = comments.with_untracked(|all| all.iter().any(|c| c.id == comment.id));
            let parent_shown = match comment.parent_id {
                Some(parent) => comments.with_untracked(|all| all.iter().any(|c| c.id == parent)),
                None => targets.last_page,
            };
            if !known {
                targets.comment_count.update(|n| *n += 1);
                targets.announcement.set(author_of(&comment));
                if parent_shown {
                    comments.update(|all| all.push(comment));
                }
            }
        }
        LiveEvent::CommentEdited { comment } => targets.comments.update(|all| {
            if let Some(shown) = all.iter_mut().find(|c| c.id == comment.id) {
                shown.body_html = comment.body_html;
                shown.edited = true;
            }
        }),
        LiveEvent::CommentDeleted { id } => {
            targets.comments.update(|all| {
                if let Some(shown) = all.iter_mut().find(|c| c.id == id && !c.deleted) {
                    shown.deleted = true;
                    shown.body_html.clear();
                    shown.author_name = None;
                    shown.editable = false;
                    shown.deletable = false;
                    shown.source = None;
                }
            });
            targets.comment_count.update(|n| *n = (*n - 1).max(0));
        }
        LiveEvent::CommentHidden { id } => {
            let mut was_shown = false;
            targets.comments.update(|all| {
                if let Some(shown) = all.iter_mut().find(|c| c.id == id) {
                    was_shown = shown.moderation == Visibility::Published;
                    shown.moderation = Visibility::Hidden;
                    shown.body_html.clear();
                    shown.author_name = None;
                    shown.editable = false;
                    shown.deletable = false;
                    shown.source = None;
                }
            });
            if was_shown {
                targets.comment_count.update(|n| *n = (*n - 1).max(0));
            }
        }
        LiveEvent::CommentRestored { comment } => {
            let mut restored = false;
            targets.comments.update(|all| {
                if let Some(shown) = all.iter_mut().find(|c| c.id == comment.id) {
                    restored = shown.moderation != Visibility::Published;
                    *shown = comment;
                }
            });
            if restored {
                targets.comment_count.update(|n| *n += 1);
            }
        }
        LiveEvent::Supports { count } => targets.supports.set(count),
        LiveEvent::Status { .. } | LiveEvent::Withdrawn | LiveEvent::Hidden => {
            targets.outdated.set(true)
        }
    }
}

/// Opens the proposal's event stream from event `after` on, for as long as the page
/// shows it (browser only; nothing happens during server rendering).
#[allow(unused_variables)]
pub fn listen(proposal_id: i64, after: i64, on_event: impl Fn(LiveEvent) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let url = format!("/forum/propositions/{proposal_id}/evenements?depuis={after}");
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |message: web_sys::MessageEvent| {
                if let Some(event) = message
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str::<LiveEvent>(&text).ok())
                {
                    on_event(event);
                }
            },
        );
        source.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        let open = send_wrapper::SendWrapper::new((source, handler));
        on_cleanup(move || {
            let (source, _handler) = open.take();
            source.close();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: i64, parent_id: Option<i64>) -> CommentView {
        CommentView {
            id,
            parent_id,
            depth: u32::from(parent_id.is_some()),
            author_name: Some("Alix".into()),
            body_html: format!("<p>{id}</p>"),
            created_at_ms: 0,
            edited: false,
            deleted: false,
            editable: false,
            deletable: false,
            source: None,
            moderation: Visibility::Published,
        }
    }

    fn targets(last_page: bool) -> LiveTargets {
        LiveTargets {
            comments: RwSignal::new(vec![comment(1, None)]),
            last_page,
            supports: RwSignal::new(0),
            comment_count: RwSignal::new(1),
            announcement: RwSignal::new(String::new()),
            outdated: RwSignal::new(false),
        }
    }

    fn ids(t: &LiveTargets) -> Vec<i64> {
        t.comments
            .with_untracked(|c| c.iter().map(|c| c.id).collect())
    }

    #[test]
    fn new_comments_join_their_thread_once_and_are_announced() {
        // Signals live in the arena of a reactive owner.
        Owner::new().with(new_comments_case);
    }

    fn new_comments_case() {
        let t = targets(false);
        let name = |c: &CommentView| c.author_name.clone().unwrap_or_default();
        apply(
            &t,
            LiveEvent::Comment {
                comment: comment(2, Some(1)),
            },
            name,
        );
        apply(
            &t,
            LiveEvent::Comment {
                comment: comment(2, Some(1)),
            },
            name,
        );
        assert_eq!(ids(&t), [1, 2]);
        assert_eq!(t.comment_count.get_untracked(), 2);
        assert_eq!(t.announcement.get_untracked(), "Alix");
        // A new thread belongs to the last page; a reply to an unseen comment elsewhere.
        apply(
            &t,
            LiveEvent::Comment {
                comment: comment(3, None),
            },
            name,
        );
        apply(
            &t,
            LiveEvent::Comment {
                comment: comment(4, Some(99)),
            },
            name,
        );
        assert_eq!(ids(&t), [1, 2]);
        assert_eq!(t.comment_count.get_untracked(), 4, "still counted");
        let last = targets(true);
        apply(
            &last,
            LiveEvent::Comment {
                comment: comment(3, None),
            },
            name,
        );
        assert_eq!(ids(&last), [1, 3]);
    }

    #[test]
    fn edits_deletions_supports_and_answers_change_the_page() {
        Owner::new().with(changes_case);
    }

    fn changes_case() {
        let t = targets(true);
        let mut edited = comment(1, None);
        edited.body_html = "<p>corrigé</p>".into();
        apply(&t, LiveEvent::CommentEdited { comment: edited }, |_| {
            String::new()
        });
        assert!(t
            .comments
            .with_untracked(|c| c[0].edited && c[0].body_html.contains("corrigé")));
        apply(&t, LiveEvent::CommentDeleted { id: 1 }, |_| String::new());
        assert!(t
            .comments
            .with_untracked(|c| c[0].deleted && c[0].body_html.is_empty()));
        assert_eq!(t.comment_count.get_untracked(), 0);
        apply(&t, LiveEvent::Supports { count: 7 }, |_| String::new());
        assert_eq!(t.supports.get_untracked(), 7);
        assert!(!t.outdated.get_untracked());
        apply(&t, LiveEvent::Withdrawn, |_| String::new());
        assert!(t.outdated.get_untracked());
    }

    #[test]
    fn a_comment_hidden_by_moderation_loses_its_text_and_comes_back_restored() {
        Owner::new().with(moderation_case);
    }

    fn moderation_case() {
        let t = targets(true);
        apply(&t, LiveEvent::CommentHidden { id: 1 }, |_| String::new());
        apply(&t, LiveEvent::CommentHidden { id: 1 }, |_| String::new());
        assert!(t.comments.with_untracked(|c| {
            c[0].moderation == Visibility::Hidden
                && c[0].body_html.is_empty()
                && c[0].author_name.is_none()
        }));
        assert_eq!(t.comment_count.get_untracked(), 0, "uncounted once");
        apply(
            &t,
            LiveEvent::CommentRestored {
                comment: comment(1, None),
            },
            |_| String::new(),
        );
        assert!(t.comments.with_untracked(|c| {
            c[0].moderation == Visibility::Published && c[0].body_html == "<p>1</p>"
        }));
        assert_eq!(t.comment_count.get_untracked(), 1);
        apply(&t, LiveEvent::Hidden, |_| String::new());
        assert!(t.outdated.get_untracked());
    }
}
