//! Design-system components shared by every feature.

pub mod form;
pub mod layout;
pub mod live;

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

/// `dd/mm/yyyy hh:mm UTC` for an epoch-milliseconds timestamp (no time-zone database in
/// the browser bundle; the commune's local time arrives with appointments).
pub fn format_utc(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{day:02}/{month:02}/{year} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_read_as_french_dates() {
        assert_eq!(super::format_utc(0), "01/01/1970 00:00 UTC");
        assert_eq!(super::format_utc(1_795_977_000_000), "29/11/2026 18:30 UTC");
        assert_eq!(super::format_utc(951_782_400_000), "29/02/2000 00:00 UTC");
    }

    #[test]
    fn query_values_are_encoded_for_urls() {
        assert_eq!(super::encode_query("/mon-espace"), "/mon-espace");
        assert_eq!(
            super::encode_query("/forum?p=2&q=é"),
            "/forum%3Fp%3D2%26q%3D%C3%A9"
        );
    }
}
