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
    /// A new comment arrived: its id, and its author's name when known (announced to
    /// screen readers unless the comment is already on the page).
    pub new_comment: Option<(i64, Option<String>)>,
    /// Something shown changed: fetch the page again.
    pub refresh: bool,
    /// The proposal itself changed (an answer, a withdrawal, a moderation decision): the
    /// page offers to reload, as forms on it may no longer apply.
    pub outdated: bool,
}

/// How the page reacts to `event`.
pub fn reaction(event: &LiveEvent) -> Reaction {
    match event {
        LiveEvent::Comment { comment } => Reaction {
            new_comment: Some((comment.id, comment.author_name.clone())),
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
        former_participant,
        page_outdated,
        reload,
    } = texts;
    #[cfg(feature = "hydrate")]
    {
        let refresher = crate::ui::live::Refresher::default();
        listen(proposal_id, after, move |event| {
            let reaction = reaction(&event);
            if let Some((id, author)) = reaction.new_comment {
                let shown = leptos::prelude::document()
                    .get_element_by_id(&format!("commentaire-{id}"))
                    .is_some();
                if !shown {
                    let name = author.unwrap_or_else(|| former_participant.clone());
                    announcement.set(new_comment_from.replace("{name}", &name));
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
    let _ = (after, new_comment_from, former_participant);
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
    use crate::forum::model::{CommentView, ProposalStatus};
    use crate::moderation::model::Visibility;

    fn comment(id: i64, author: Option<&str>) -> CommentView {
        CommentView {
            id,
            parent_id: None,
            depth: 0,
            author_name: author.map(str::to_owned),
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

    #[test]
    fn a_new_comment_is_announced_and_fetched() {
        let r = reaction(&LiveEvent::Comment {
            comment: comment(7, Some("Alix")),
        });
        assert_eq!(r.new_comment, Some((7, Some("Alix".to_owned()))));
        assert!(r.refresh && !r.outdated);
        let r = reaction(&LiveEvent::Comment {
            comment: comment(8, None),
        });
        assert_eq!(
            r.new_comment,
            Some((8, None)),
            "author gone: named by the page"
        );
    }

    #[test]
    fn changes_to_comments_and_supports_refresh_without_announcement() {
        for event in [
            LiveEvent::CommentEdited {
                comment: comment(1, Some("Alix")),
            },
            LiveEvent::CommentDeleted { id: 1 },
            LiveEvent::CommentHidden { id: 1 },
            LiveEvent::CommentRestored {
                comment: comment(1, Some("Alix")),
            },
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
}
