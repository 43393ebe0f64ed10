//! The browser side of live updates: an island of the proposal page listens to the
//! page's event stream (`/forum/propositions/:id/evenements`) and, when something shown
//! changed, fetches only what changed (`/forum/propositions/:id/changements`: the counts
//! and the changed comments, see `crate::forum::changes`) and puts it in the open page
//! (`crate::ui::live`). The browser's `EventSource` reconnects by itself and sends the
//! last event number it saw, so nothing is missed across a network cut.

use super::model::LiveEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Comments asked for in one fetch at most (the server's `changes::MAX_IDS`): beyond,
/// the whole page is fetched again.
pub const MAX_CHANGED: usize = 50;

/// What one event asks of the open page.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reaction {
    /// A new comment arrived: its id (announced to screen readers, with its author's
    /// name read from the page once fetched, unless it was already on the page).
    pub new_comment: Option<i64>,
    /// A comment to fetch again (new or changed).
    pub comment: Option<i64>,
    /// Something shown changed: fetch the changes.
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
            comment: Some(*id),
            refresh: true,
            outdated: false,
        },
        LiveEvent::CommentEdited { id }
        | LiveEvent::CommentDeleted { id }
        | LiveEvent::CommentHidden { id }
        | LiveEvent::CommentRestored { id } => Reaction {
            comment: Some(*id),
            refresh: true,
            ..Reaction::default()
        },
        LiveEvent::Supports { .. } => Reaction {
            refresh: true,
            ..Reaction::default()
        },
        LiveEvent::Status { .. } | LiveEvent::Withdrawn | LiveEvent::Hidden => Reaction {
            outdated: true,
            ..Reaction::default()
        },
    }
}

/// The address of the changes of `proposal_id` for its page of threads `page`, in
/// `lang`: the counts, and the comments `ids`.
pub fn changes_url(proposal_id: i64, page: u32, lang: &str, ids: &[i64]) -> String {
    let lang = if lang == "en" { "en" } else { "fr" };
    let mut url =
        format!("/forum/propositions/{proposal_id}/changements?commentaires={page}&langue={lang}");
    if !ids.is_empty() {
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        url.push_str("&ids=");
        url.push_str(&list.join(","));
    }
    url
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
pub fn LiveProposal(proposal_id: i64, page: u32, after: i64, texts: LiveTexts) -> impl IntoView {
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
        // Comments named by events and not fetched yet.
        let changed = std::rc::Rc::new(std::cell::RefCell::new(
            std::collections::BTreeSet::<i64>::new(),
        ));
        let job = {
            let changed = changed.clone();
            let announce = std::rc::Rc::new(announce);
            move || {
                let ids: Vec<i64> = std::mem::take(&mut *changed.borrow_mut())
                    .into_iter()
                    .collect();
                let changed = changed.clone();
                let announce = announce.clone();
                async move {
                    let done = if ids.len() > MAX_CHANGED {
                        crate::ui::live::refresh_from_server().await
                    } else {
                        let lang = leptos::prelude::document()
                            .document_element()
                            .and_then(|html| html.get_attribute("lang"))
                            .unwrap_or_default();
                        crate::ui::live::apply_changes_from(&changes_url(
                            proposal_id,
                            page,
                            &lang,
                            &ids,
                        ))
                        .await
                    };
                    if done {
                        announce();
                    } else {
                        // Asked again with the next change.
                        changed.borrow_mut().extend(ids);
                    }
                    done
                }
            }
        };
        let refresher = crate::ui::live::Refresher::new(job);
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
            if let Some(id) = reaction.comment {
                changed.borrow_mut().insert(id);
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
    let _ = (
        page,
        after,
        new_comment_from,
        new_comment,
        former_participant,
    );
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
        assert_eq!(r.comment, Some(7));
        assert!(r.refresh && !r.outdated);
    }

    #[test]
    fn changes_to_comments_and_supports_refresh_without_announcement() {
        for event in [
            LiveEvent::CommentEdited { id: 1 },
            LiveEvent::CommentDeleted { id: 1 },
            LiveEvent::CommentHidden { id: 1 },
            LiveEvent::CommentRestored { id: 1 },
        ] {
            let r = reaction(&event);
            assert!(
                r.refresh && !r.outdated && r.new_comment.is_none() && r.comment == Some(1),
                "{event:?}"
            );
        }
        let supports = reaction(&LiveEvent::Supports { count: 3 });
        assert!(supports.refresh && supports.comment.is_none() && supports.new_comment.is_none());
    }

    #[test]
    fn the_changes_are_asked_in_the_page_language_with_the_changed_comments() {
        assert_eq!(
            changes_url(4, 2, "en", &[7, 9]),
            "/forum/propositions/4/changements?commentaires=2&langue=en&ids=7,9"
        );
        assert_eq!(
            changes_url(4, 1, "xx", &[]),
            "/forum/propositions/4/changements?commentaires=1&langue=fr"
        );
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
