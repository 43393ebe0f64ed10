//! The browser side of live updates: an island of the proposal page listens to the
//! page's event stream (`/forum/propositions/:id/evenements`) and, when something shown
//! changed, fetches the page again and applies the differences (`crate::ui::live`). The
//! browser's `EventSource` reconnects by itself and sends the last event number it saw,
//! so nothing is missed across a network cut.

use super::model::LiveEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What one event asks of the open page.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reaction {
    /// A new comment arrived: its id (announced to screen readers, with its author's
    /// name read from the page once fetched, unless it was already on the page).
    pub new_comment: Option<i64>,
    /// Something shown changed: fetch the page again.
    pub refresh: bool,
    /// The proposal itself changed (an answer, a withdrawal, a moderation decision): the
    /// page offers to reload, as forms on it may no longer apply.
    pub outdated: bool,
}

/// How the page reacts to `event`.
pub fn reaction(event: &LiveEvent) -> Reaction {
    match event {
        LiveEvent::Comment { id } => Reaction {
            new_comment: Some(*id),
            refresh: true,
            outdated: false,
        },
        LiveEvent::CommentEdited { .. }
        | LiveEvent::CommentDeleted { .. }
        | LiveEvent::CommentHidden { .. }
        | LiveEvent::CommentRestored { .. }
        | LiveEvent::Supports { .. } => Reaction {
            refresh: true,
            ..Reaction::default()
        },
        LiveEvent::Status { .. } | LiveEvent::Withdrawn | LiveEvent::Hidden => Reaction {
            outdated: true,
            ..Reaction::default()
        },
    }
}

/// The island's texts, translated by the server in the visitor's language.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiveTexts {
    /// "New comment from {name}", with `{name}` left in.
    pub new_comment_from: String,
    /// "New comment", for a comment on another page of the discussion.
    pub new_comment: String,
    /// Who wrote a comment whose author has left.
    pub former_participant: String,
    pub page_outdated: String,
    pub reload: String,
}

/// The live part of a proposal page: a status region announcing new comments (polite,
/// for screen readers) and the notice offering to reload when the proposal changed.
/// Counts and comments themselves are updated in place from the server's page.
#[island]
pub fn LiveProposal(proposal_id: i64, after: i64, texts: LiveTexts) -> impl IntoView {
    let announcement = RwSignal::new(String::new());
    let outdated = RwSignal::new(false);
    let reload_href = format!("/forum/propositions/{proposal_id}");
    let LiveTexts {
        new_comment_from,
        new_comment,
        former_participant,
        page_outdated,
        reload,
    } = texts;
    #[cfg(feature = "hydrate")]
    {
        // New comments not on the page yet: announced once the fetched page shows them.
        let arrived = std::rc::Rc::new(std::cell::RefCell::new(Vec::<i64>::new()));
        let announce = {
            let arrived = arrived.clone();
            move || {
                let ids: Vec<i64> = arrived.borrow_mut().drain(..).collect();
                let Some(last) = ids.last() else {
                    return;
                };
                let author = leptos::prelude::document()
                    .query_selector(&format!("#commentaire-{last} .comment__author"))
                    .ok()
                    .flatten();
                let text = match author {
                    Some(author) => {
                        let name = author.text_content().unwrap_or_default();
                        let name = name.trim();
                        let name = if name.is_empty() {
                            former_participant.as_str()
                        } else {
                            name
                        };
                        new_comment_from.replace("{name}", name)
                    }
                    // On another page of the discussion.
                    None => new_comment.clone(),
                };
                announcement.set(text);
            }
        };
        let refresher = crate::ui::live::Refresher::with_hook(announce);
        listen(proposal_id, after, move |event| {
            let reaction = reaction(&event);
            if let Some(id) = reaction.new_comment {
                let shown = leptos::prelude::document()
                    .get_element_by_id(&format!("commentaire-{id}"))
                    .is_some();
                if !shown {
                    arrived.borrow_mut().push(id);
                }
            }
            if reaction.outdated {
                outdated.set(true);
            }
            if reaction.refresh {
                refresher.request();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (after, new_comment_from, new_comment, former_participant);
    view! {
        <p class="visually-hidden" role="status">{move || announcement.get()}</p>
        <Show when=move || outdated.get()>
            <div class="alert alert--info" role="status">
                <p>
                    {page_outdated.clone()}" "
                    <a href=reload_href.clone() rel="external">{reload.clone()}</a>
                </p>
            </div>
        </Show>
    }
}

/// Opens the proposal's event stream from event `after` on, for as long as the page
/// shows it (browser only; nothing happens during server rendering).
#[cfg(feature = "hydrate")]
fn listen(proposal_id: i64, after: i64, on_event: impl Fn(LiveEvent) + 'static) {
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
    use crate::forum::model::ProposalStatus;

    #[test]
    fn a_new_comment_is_announced_and_fetched() {
        let r = reaction(&LiveEvent::Comment { id: 7 });
        assert_eq!(r.new_comment, Some(7));
        assert!(r.refresh && !r.outdated);
    }

    #[test]
    fn changes_to_comments_and_supports_refresh_without_announcement() {
        for event in [
            LiveEvent::CommentEdited { id: 1 },
            LiveEvent::CommentDeleted { id: 1 },
            LiveEvent::CommentHidden { id: 1 },
            LiveEvent::CommentRestored { id: 1 },
            LiveEvent::Supports { count: 3 },
        ] {
            let r = reaction(&event);
            assert!(
                r.refresh && !r.outdated && r.new_comment.is_none(),
                "{event:?}"
            );
        }
    }

    #[test]
    fn changes_to_the_proposal_offer_a_reload() {
        for event in [
            LiveEvent::Status {
                status: ProposalStatus::Accepted,
            },
            LiveEvent::Withdrawn,
            LiveEvent::Hidden,
        ] {
            let r = reaction(&event);
            assert!(r.outdated && !r.refresh, "{event:?}");
        }
    }

    #[test]
    fn events_carry_no_text_or_author() {
        let json = serde_json::to_string(&LiveEvent::Comment { id: 7 }).unwrap_or_default();
        assert_eq!(json, r#"{"type":"comment","id":7}"#);
    }
}
