//! Design-system components shared by every feature.

pub mod form;
pub mod layout;
pub mod live;
pub mod messages;
pub mod time;

use crate::site::with_site;
use leptos::prelude::*;
use leptos_meta::Title;

/// Sets `<title>` to "<page> – <commune>" (RGAA 8.6: each page has a relevant title).
#[component]
pub fn PageTitle(text: Signal<String>) -> impl IntoView {
    with_site(move |site| {
        // A plain string, not a closure: leptos_meta keeps every title it was given until
        // the head is rendered, and a closure's signal dies with a Suspense that renders
        // again while resources resolve (the page then panicked).
        let title = format!("{} – {}", text.get(), site.commune_name);
        view! { <Title text=title /> }
    })
}

/// Previous / "page 2 of 5" / next links of a paginated list.
#[component]
pub fn Pagination<F>(
    page: u32,
    page_count: u32,
    /// The accessible name of the navigation ("Pages des demandes").
    #[prop(into)]
    label: String,
    /// The address of page `n`.
    href: F,
) -> impl IntoView
where
    F: Fn(u32) -> String + Send + Sync + 'static,
{
    use crate::i18n::{t, use_i18n};
    use leptos_router::components::A;
    let i18n = use_i18n();
    (page_count > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=label>
                {(page > 1).then(|| view! { <A href=href(page - 1)>{t!(i18n, forum.previous)}</A> })}
                <span>{t!(i18n, forum.page_of, page = move || page, pages = move || page_count)}</span>
                {(page < page_count).then(|| view! { <A href=href(page + 1)>{t!(i18n, forum.next)}</A> })}
            </nav>
        }
    })
}

/// Where to go from a page that could not be shown (not found, not allowed): the home
/// page and the site search. Links only, so that it may appear more than once in a page.
#[component]
pub fn WaysOn() -> impl IntoView {
    use crate::i18n::{t, use_i18n};
    use leptos_router::components::A;
    let i18n = use_i18n();
    view! {
        <ul class="ways-on" role="list">
            <li><A href="/">{t!(i18n, not_found.back_home)}</A></li>
            <li><A href="/recherche">{t!(i18n, search.label)}</A></li>
        </ul>
    }
}

/// `value` percent-encoded for a query string, identically on the server and in the
/// browser (only ASCII letters, digits and `-._~/` are left as they are).
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_encoded_for_urls() {
        assert_eq!(super::encode_query("/mon-espace"), "/mon-espace");
        assert_eq!(
            super::encode_query("/forum?p=2&q=é"),
            "/forum%3Fp%3D2%26q%3D%C3%A9"
        );
    }
}
