//! The page frame: skip link, header with navigation and language switch, footer.

use crate::accounts::model::Role;
use crate::auth::api::SignOut;
use crate::auth::CurrentUserResource;
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::site::api::SetLanguage;
use crate::site::with_site;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// First focusable element: jumps over the header to the page content (RGAA 12.7).
#[component]
pub fn SkipLink() -> impl IntoView {
    let i18n = use_i18n();
    view! { <a class="skip-link" href="#contenu" rel="external">{t!(i18n, skip_to_content)}</a> }
}

/// Commune name, main navigation and language switch.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="site-header">
            <div class="site-header__bar">
                <div class="brand">
                    {with_site(|site| view! { <A href="/" attr:class="brand__name">{site.commune_name}</A> })}
                    <span class="brand__tagline">{t!(i18n, site_tagline)}</span>
                </div>
                <div class="site-header__tools">
                    <HeaderSearch />
                    <AccountMenu />
                    <LanguageSwitch />
                </div>
            </div>
            <nav class="main-nav" aria-label=move || t_string!(i18n, nav.label).to_string()>
                <ul role="list">
                    <li><A href="/mon-espace">{t!(i18n, nav.my_space)}</A></li>
                    <li><A href="/demarches">{t!(i18n, nav.services)}</A></li>
                    <li><A href="/rendez-vous">{t!(i18n, nav.appointments)}</A></li>
                    <li><A href="/forum">{t!(i18n, nav.forum)}</A></li>
                    <li><A href="/consultations">{t!(i18n, nav.surveys)}</A></li>
                    <li><A href="/equipements">{t!(i18n, nav.facilities)}</A></li>
                </ul>
            </nav>
        </header>
    }
}

/// The site search, on every page: a plain GET form (no JavaScript needed) to
/// `/recherche` (whose own form shows the query searched).
#[component]
pub fn HeaderSearch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="header-search" method="get" action="/recherche" role="search"
            aria-label=move || t_string!(i18n, search.header_label).to_string()>
            <label for="recherche-site" class="visually-hidden">{t!(i18n, search.label)}</label>
            <input id="recherche-site" name="q" type="search" maxlength=SEARCH_MAX_CHARS autocomplete="off" />
            <button type="submit" class="button button--small">{t!(i18n, search.submit)}</button>
        </form>
    }
}

/// Characters a search box takes (the search reads no more: `search::model`).
const SEARCH_MAX_CHARS: &str = "200";

/// A search of the whole site within a page (the results page, the not-found page): a
/// plain GET form to `/recherche`, its box labelled `label`, holding `value`.
#[component]
pub fn SearchForm(
    /// The box's id.
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] value: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form class="form form--inline search-form" method="get" action="/recherche" role="search"
            aria-label=move || t_string!(i18n, search.page_form_label).to_string()>
            <div class="field">
                <label for=id>{label}</label>
                <input id=id name="q" type="search" value=value maxlength=SEARCH_MAX_CHARS />
            </div>
            <button type="submit" class="button">{t!(i18n, search.submit)}</button>
        </form>
    }
}

/// "Se connecter", or the signed-in person's name and a sign-out button (a plain form:
/// signing out works without JavaScript and reloads the whole page).
#[component]
pub fn AccountMenu() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_context::<CurrentUserResource>();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match crate::auth::signed_in(user).await {
                    Some(user) => {
                        let admin = user.has_role(Role::Admin);
                        let moderator = user.has_role(Role::Moderator);
                        let agent = user.has_role(Role::Agent);
                        let name = user.display_name;
                        let unread = user.unread_notifications;
                        view! {
                            <div class="account-menu">
                                <span class="account-menu__name">
                                    {t!(i18n, auth.signed_in_as, name = move || name.clone())}
                                </span>
                                <A href="/notifications" attr:class="account-menu__notifications">
                                    {t!(i18n, nav.notifications)}
                                    {(unread > 0).then(|| view! {
                                        " "<span class="badge badge--count" aria-hidden="true">{unread}</span>
                                        <span class="visually-hidden">{t!(i18n, nav.unread, count = move || unread)}</span>
                                    })}
                                </A>
                                <A href="/mon-compte">{t!(i18n, nav.account)}</A>
                                {agent.then(|| view! { <A href="/guichet">{t!(i18n, backoffice.title)}</A> })}
                                {moderator.then(|| view! { <A href="/moderation">{t!(i18n, moderation.nav)}</A> })}
                                {admin.then(|| view! {
                                    <A href="/admin/personnes">{t!(i18n, nav.admin)}</A>
                                    <A href="/admin/demarches">{t!(i18n, nav.services_admin)}</A>
                                    <A href="/admin/rendez-vous">{t!(i18n, nav.agendas_admin)}</A>
                                    <A href="/admin/equipements">{t!(i18n, nav.facilities_admin)}</A>
                                    <A href="/admin/forum">{t!(i18n, nav.forum_admin)}</A>
                                    <A href="/admin/journal">{t!(i18n, audit.nav)}</A>
                                    <A href="/admin/donnees">{t!(i18n, nav.privacy_admin)}</A>
                                })}
                                <form method="post" action=SignOut::url()>
                                    <button type="submit" class="button button--small">{t!(i18n, auth.sign_out)}</button>
                                </form>
                            </div>
                        }
                        .into_any()
                    }
                    None => view! {
                        <A href=sign_in_href(&use_location()) attr:class="button button--small">{t!(i18n, nav.sign_in)}</A>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The address of the page being shown, path and query (`/forum?page=2`).
pub fn here(location: &leptos_router::location::Location) -> String {
    let search = location.search.get();
    if search.is_empty() {
        location.pathname.get()
    } else {
        format!("{}?{}", location.pathname.get(), search)
    }
}

/// The header's sign-in link: back to this page once signed in (not from the sign-in
/// and sign-up pages themselves).
fn sign_in_href(location: &leptos_router::location::Location) -> String {
    let here = here(location);
    let own = ["/connexion", "/inscription", "/mot-de-passe"]
        .iter()
        .any(|p| here.starts_with(p));
    if own || here == "/" {
        "/connexion".to_owned()
    } else {
        format!("/connexion?suite={}", crate::ui::encode_query(&here))
    }
}

/// A plain form posting to `set_language`: a full page load in both JS modes, so the
/// whole page, `<html lang>` included, comes back in the new language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let next = move || here(&location);
    let current = move |l: Locale| (i18n.get_locale() == l).then_some("true");
    view! {
        <form class="lang-switch" method="post" action=SetLanguage::url()>
            <input type="hidden" name="next" value=next />
            <fieldset>
                <legend class="visually-hidden">{t!(i18n, language.label)}</legend>
                <button type="submit" name="lang" value="fr" lang="fr" aria-current=move || current(Locale::fr)>
                    "Français"
                </button>
                <button type="submit" name="lang" value="en" lang="en" aria-current=move || current(Locale::en)>
                    "English"
                </button>
            </fieldset>
        </form>
    }
}

/// Links every French public site must offer, on every page.
#[component]
pub fn SiteFooter() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <nav aria-label=move || t_string!(i18n, footer.label).to_string()>
                <ul role="list">
                    <li><A href="/mentions-legales">{t!(i18n, footer.legal)}</A></li>
                    <li><A href="/accessibilite">{t!(i18n, footer.accessibility)}</A></li>
                    <li><A href="/donnees-personnelles">{t!(i18n, footer.privacy)}</A></li>
                    <li><A href="/contact-dpo">{t!(i18n, footer.dpo)}</A></li>
                    <li><A href="/conditions-utilisation">{t!(i18n, footer.terms)}</A></li>
                </ul>
            </nav>
            <p class="site-footer__software">{t!(i18n, footer.powered_by)}</p>
        </footer>
    }
}
