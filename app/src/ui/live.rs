//! Pages that change while they are open, without shipping their views to the browser.
//!
//! Parvis renders every page on the server and hydrates only small islands (see
//! `crate::hydrate_islands`). When an island learns that what a page shows has changed
//! (a new comment, an export ready), it asks the server for what changed (a proposal's
//! changes, `crate::forum::changes`) or for the same page again, and copies the changed
//! parts into the open one:
//!
//! - elements marked `data-live="<name>"` get the content of the element of the same
//!   name in the server's answer, unless the keyboard focus is inside them;
//! - changed comments (`data-changes`, each naming its parent) replace the comment of
//!   the same id, keeping the replies the page shows, and new ones go under their parent
//!   in the order they were written; a whole page's comment threads (`data-threads`) are
//!   merged the same way. A comment whose reply or edit form is open, or that holds the
//!   focus, is left alone.
//!
//! Text therefore stays translated by the server, in the visitor's language, and nothing
//! the visitor is typing is touched.

use leptos::prelude::*;

/// While the element matching `selector` is on the page (a progress bar), fetches the
/// page every `every_ms` milliseconds and updates its live regions; stops once the
/// server's page no longer has it. Renders nothing.
#[island]
pub fn FollowProgress(selector: String, every_ms: u32) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    wasm_bindgen_futures::spawn_local(async move {
        let document = document();
        loop {
            sleep(std::time::Duration::from_millis(u64::from(every_ms))).await;
            if !matches!(document.query_selector(&selector), Ok(Some(_))) {
                break;
            }
            refresh_from_server().await;
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (selector, every_ms);
}

#[cfg(feature = "hydrate")]
async fn sleep(duration: std::time::Duration) {
    let millis = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
    let timer = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(timer).await;
}

/// Fetches the current address again and applies what changed to the open page. Returns
/// `false` when the page could not be fetched (offline, server restarting): the caller
/// tries again later.
#[cfg(feature = "hydrate")]
pub async fn refresh_from_server() -> bool {
    match fetch_current_page().await {
        Some(fresh) => {
            apply(&fresh);
            true
        }
        None => false,
    }
}

/// Fetches `url` (a fragment of changes, `crate::forum::changes`) and puts what it holds
/// in the open page. Returns `false` when it could not be fetched.
#[cfg(feature = "hydrate")]
pub async fn apply_changes_from(url: &str) -> bool {
    let Some(fresh) = fetch_document(url).await else {
        return false;
    };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let focus = document.active_element();
    let holds_focus = |element: &web_sys::Element| {
        focus
            .as_ref()
            .is_some_and(|f| element.contains(Some(f.as_ref())))
    };
    apply_regions(&document, &fresh, &holds_focus);
    if let Ok(Some(changes)) = fresh.query_selector("[data-changes]") {
        apply_changed_comments(&document, &changes, &holds_focus);
    }
    true
}

#[cfg(feature = "hydrate")]
async fn fetch_current_page() -> Option<web_sys::Document> {
    let href = web_sys::window()?.location().href().ok()?;
    fetch_document(&href).await
}

#[cfg(feature = "hydrate")]
async fn fetch_document(url: &str) -> Option<web_sys::Document> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    web_sys::DomParser::new()
        .ok()?
        .parse_from_string(&text, web_sys::SupportedType::TextHtml)
        .ok()
}

#[cfg(feature = "hydrate")]
fn apply(fresh: &web_sys::Document) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let focus = document.active_element();
    let holds_focus = |element: &web_sys::Element| {
        focus
            .as_ref()
            .is_some_and(|f| element.contains(Some(f.as_ref())))
    };
    apply_regions(&document, fresh, &holds_focus);
    if let (Ok(Some(current)), Ok(Some(new))) = (
        document.query_selector("[data-threads]"),
        fresh.query_selector("[data-threads]"),
    ) {
        sync_thread(&document, &current, &new, &holds_focus);
    }
}

/// Gives each `data-live` region of the page the content of the region of the same name
/// in `fresh`, unless it holds the focus.
#[cfg(feature = "hydrate")]
fn apply_regions(
    document: &web_sys::Document,
    fresh: &web_sys::Document,
    holds_focus: &dyn Fn(&web_sys::Element) -> bool,
) {
    let Ok(regions) = document.query_selector_all("[data-live]") else {
        return;
    };
    for i in 0..regions.length() {
        let Some(region) = regions.item(i).and_then(as_element) else {
            continue;
        };
        let Some(name) = region.get_attribute("data-live") else {
            continue;
        };
        let selector = format!("[data-live=\"{name}\"]");
        if let Ok(Some(new)) = fresh.query_selector(&selector) {
            let html = new.inner_html();
            if region.inner_html() != html && !holds_focus(&region) {
                region.set_inner_html(&html);
            }
        }
    }
}

/// Puts each changed comment of `changes` (`li[data-parent] > article`) in the page.
#[cfg(feature = "hydrate")]
fn apply_changed_comments(
    document: &web_sys::Document,
    changes: &web_sys::Element,
    holds_focus: &dyn Fn(&web_sys::Element) -> bool,
) {
    let items = changes.children();
    for i in 0..items.length() {
        let Some(item) = items.item(i) else {
            continue;
        };
        let Some(new_comment) = item.first_element_child() else {
            continue;
        };
        let id = new_comment.id();
        let Ok(imported) = document.import_node_with_deep(&new_comment, true) else {
            continue;
        };
        let Some(imported) = as_element(imported) else {
            continue;
        };
        match document.get_element_by_id(&id) {
            Some(shown) => {
                let busy = holds_focus(&shown)
                    || shown.query_selector("textarea").ok().flatten().is_some();
                if busy || shown.outer_html() == new_comment.outer_html() {
                    continue;
                }
                // The page's replies stay: the fragment carries none.
                if let Some(replies) = child_list(&shown) {
                    let _ = imported.append_child(&replies);
                }
                let _ = shown.replace_with_with_node_1(&imported);
            }
            None => {
                let parent = match item.get_attribute("data-parent") {
                    Some(parent) => document.get_element_by_id(&format!("commentaire-{parent}")),
                    None => document.query_selector("[data-threads]").ok().flatten(),
                };
                // A reply to a comment the page does not show stays out.
                let Some(parent) = parent else {
                    continue;
                };
                let list = match child_list(&parent) {
                    Some(list) => list,
                    None => {
                        let Ok(list) = document.create_element("ol") else {
                            continue;
                        };
                        list.set_class_name("comment-list");
                        let _ = list.set_attribute("role", "list");
                        if parent.append_child(&list).is_err() {
                            continue;
                        }
                        list
                    }
                };
                let Ok(li) = document.create_element("li") else {
                    continue;
                };
                let _ = li.append_child(&imported);
                // Before the first comment written after it (ids follow writing order).
                let number = |element: &web_sys::Element| {
                    element
                        .id()
                        .strip_prefix("commentaire-")
                        .and_then(|n| n.parse::<i64>().ok())
                };
                let own = number(&imported).unwrap_or(i64::MAX);
                let siblings = list.children();
                let next = (0..siblings.length())
                    .filter_map(|k| siblings.item(k))
                    .find(|sibling| {
                        sibling
                            .first_element_child()
                            .and_then(|c| number(&c))
                            .is_some_and(|n| n > own)
                    });
                let _ = list.insert_before(&li, next.as_ref().map(|n| n.as_ref()));
            }
        }
    }
}

/// Brings the replies listed under `current` (a thread container or a comment) up to
/// date with those under `new`.
#[cfg(feature = "hydrate")]
fn sync_thread(
    document: &web_sys::Document,
    current: &web_sys::Element,
    new: &web_sys::Element,
    holds_focus: &dyn Fn(&web_sys::Element) -> bool,
) {
    let Some(new_list) = child_list(new) else {
        return;
    };
    let Some(list) = child_list(current) else {
        // The first reply: the whole list is new.
        if let Ok(list) = document.import_node_with_deep(&new_list, true) {
            let _ = current.append_child(&list);
        }
        return;
    };
    let items = new_list.children();
    // The item of `list` after which the next new comment goes.
    let mut previous: Option<web_sys::Element> = None;
    for i in 0..items.length() {
        let Some(new_item) = items.item(i) else {
            continue;
        };
        let Some(new_comment) = new_item.first_element_child() else {
            continue;
        };
        let shown = document
            .get_element_by_id(&new_comment.id())
            .filter(|c| c.parent_element().is_some_and(|p| list.contains(Some(&p))));
        let item = match shown {
            None => {
                let Ok(node) = document.import_node_with_deep(&new_item, true) else {
                    continue;
                };
                let reference = match &previous {
                    Some(p) => p.next_sibling(),
                    None => list.first_child(),
                };
                if list.insert_before(&node, reference.as_ref()).is_err() {
                    continue;
                }
                as_element(node)
            }
            Some(comment) => {
                let item = comment.parent_element();
                let busy = holds_focus(&comment)
                    || comment.query_selector("textarea").ok().flatten().is_some();
                if comment.outer_html() == new_comment.outer_html() {
                    // Unchanged.
                } else if busy {
                    sync_thread(document, &comment, &new_comment, holds_focus);
                } else if let (Some(item), Ok(node)) =
                    (&item, document.import_node_with_deep(&new_item, true))
                {
                    let _ = item.replace_with_with_node_1(&node);
                    previous = as_element(node);
                    continue;
                }
                item
            }
        };
        previous = item;
    }
}

/// The `ol.comment-list` directly under `parent`.
#[cfg(feature = "hydrate")]
fn child_list(parent: &web_sys::Element) -> Option<web_sys::Element> {
    let children = parent.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .find(|c| {
            c.tag_name().eq_ignore_ascii_case("ol") && c.class_list().contains("comment-list")
        })
}

#[cfg(feature = "hydrate")]
fn as_element(node: web_sys::Node) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    node.dyn_into().ok()
}

/// Runs a fetch-and-apply job after a short pause, merging the requests that arrive
/// meanwhile into one run. The pause has a random part so that the pages open on one
/// proposal do not all ask the server at the same instant.
#[cfg(feature = "hydrate")]
#[derive(Clone)]
pub struct Refresher {
    state: std::rc::Rc<std::cell::Cell<RefreshState>>,
    /// Fetches and applies; `false` when the server could not be reached.
    job: std::rc::Rc<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = bool>>>>,
}

#[cfg(feature = "hydrate")]
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum RefreshState {
    #[default]
    Idle,
    /// A run is scheduled or under way.
    Pending,
    /// A run is under way and another change came meanwhile: run once more after it.
    Again,
}

#[cfg(feature = "hydrate")]
impl Refresher {
    /// A refresher running `job` (which returns `false` when it could not fetch).
    pub fn new<F>(job: impl Fn() -> F + 'static) -> Self
    where
        F: std::future::Future<Output = bool> + 'static,
    {
        Refresher {
            state: std::rc::Rc::default(),
            job: std::rc::Rc::new(move || Box::pin(job())),
        }
    }

    pub fn request(&self) {
        match self.state.get() {
            RefreshState::Idle => {
                self.state.set(RefreshState::Pending);
                self.schedule();
            }
            RefreshState::Pending | RefreshState::Again => self.state.set(RefreshState::Again),
        }
    }

    fn schedule(&self) {
        let this = self.clone();
        let pause = 250.0 + js_sys::Math::random() * 500.0;
        leptos::prelude::set_timeout(
            move || {
                this.state.set(RefreshState::Pending);
                wasm_bindgen_futures::spawn_local(async move {
                    let fetched = (this.job)().await;
                    if fetched && this.state.get() == RefreshState::Again {
                        this.schedule();
                    } else {
                        // After a failed fetch the next event (the stream replays what
                        // was missed when it reconnects) asks again.
                        this.state.set(RefreshState::Idle);
                    }
                });
            },
            std::time::Duration::from_millis(pause as u64),
        );
    }
}
