//! Design-system components shared by every feature.

pub mod form;
pub mod layout;

use crate::site::with_site;
use leptos::prelude::*;
use leptos_meta::Title;

/// Sets `<title>` to "<page> – <commune>" (RGAA 8.6: each page has a relevant title).
#[component]
pub fn PageTitle(text: Signal<String>) -> impl IntoView {
    with_site(move |site| {
        let commune = site.commune_name;
        view! { <Title text=move || format!("{} – {}", text.get(), commune) /> }
    })
}
