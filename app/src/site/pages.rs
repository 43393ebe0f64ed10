//! Route components of the public site.

use super::api::get_page_override;
use super::model::{Lang, LegalPage, SiteInfo};
use super::with_site;
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::layout::SearchForm;
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

/// Frame of a legal page: the commune's own text when its IT provided one, else ours.
#[component]
fn LegalPageFrame<F, V>(
    page: LegalPage,
    title: Signal<String>,
    default_body: F,
    /// The document's title when it differs from the heading (after a failed form post).
    #[prop(optional)]
    document_title: Option<Signal<String>>,
) -> impl IntoView
where
    F: Fn(SiteInfo) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let lang = move || match i18n.get_locale() {
        Locale::fr => Lang::Fr,
        Locale::en => Lang::En,
    };
    let custom = Resource::new(lang, move |lang| get_page_override(page, lang));
    view! {
        <PageTitle text=document_title.unwrap_or(title) />
        <article class="prose">
            <h1>{title}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let default_body = default_body.clone();
                    Suspend::new(async move {
                        match custom.await {
                            Ok(Some(html)) => view! { <div inner_html=html></div> }.into_any(),
                            _ => with_site(default_body).into_any(),
                        }
                    })
                }}
            </Suspense>
        </article>
    }
}

/// `/mentions-legales`.
#[component]
pub fn LegalNoticePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <LegalPageFrame
            page=LegalPage::LegalNotice
            title=Signal::derive(move || t_string!(i18n, legal.title).to_string())
            default_body=move |s: SiteInfo| {
                let SiteInfo { commune_name, address, phone, contact_email, publication_director, host, .. } = s;
                view! {
                    <h2>{t!(i18n, legal.publisher_h)}</h2>
                    <p>{t!(i18n, legal.publisher, commune = move || commune_name.clone(), address = move || address.clone(), phone = move || phone.clone(), email = move || contact_email.clone())}</p>
                    <h2>{t!(i18n, legal.director_h)}</h2>
                    <p>{t!(i18n, legal.director, director = move || publication_director.clone())}</p>
                    <h2>{t!(i18n, legal.host_h)}</h2>
                    <p>{t!(i18n, legal.host, host = move || host.clone())}</p>
                    <h2>{t!(i18n, legal.software_h)}</h2>
                    <p>{t!(i18n, legal.software)}</p>
                    <h2>{t!(i18n, legal.reuse_h)}</h2>
                    <p>{t!(i18n, legal.reuse)}</p>
                }
            }
        />
    }
}

/// `/accessibilite`: the accessibility statement required by the RGAA.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <LegalPageFrame
            page=LegalPage::Accessibility
            title=Signal::derive(move || t_string!(i18n, a11y.title).to_string())
            default_body=move |s: SiteInfo| {
                let commune = s.commune_name;
                let commune2 = commune.clone();
                let email = s.contact_email;
                view! {
                    <p>{t!(i18n, a11y.commitment, commune = move || commune.clone())}</p>
                    <p>{t!(i18n, a11y.scope, commune = move || commune2.clone())}</p>
                    <h2>{t!(i18n, a11y.status_h)}</h2>
                    <p>{t!(i18n, a11y.status)}</p>
                    <h2>{t!(i18n, a11y.feedback_h)}</h2>
                    <p>{t!(i18n, a11y.feedback, email = move || email.clone())}</p>
                    <h2>{t!(i18n, a11y.remedy_h)}</h2>
                    <p>{t!(i18n, a11y.remedy)}</p>
                }
            }
        />
    }
}

/// `/donnees-personnelles`: how the commune processes personal data.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <LegalPageFrame
            page=LegalPage::Privacy
            title=Signal::derive(move || t_string!(i18n, privacy.title).to_string())
            default_body=move |s: SiteInfo| {
                let commune = s.commune_name;
                view! {
                    <h2>{t!(i18n, privacy.controller_h)}</h2>
                    <p>{t!(i18n, privacy.controller, commune = move || commune.clone())}</p>
                    <h2>{t!(i18n, privacy.purpose_h)}</h2>
                    <p>{t!(i18n, privacy.purpose)}</p>
                    <h2>{t!(i18n, privacy.retention_h)}</h2>
                    <p>{t!(i18n, privacy.retention)}</p>
                    <h2>{t!(i18n, privacy.cookies_h)}</h2>
                    <p>{t!(i18n, privacy.cookies)}</p>
                    <h2>{t!(i18n, privacy.rights_h)}</h2>
                    <p>{t!(i18n, privacy.rights)}</p>
                    <p><A href="/contact-dpo">{t!(i18n, footer.dpo)}</A></p>
                }
            }
        />
        <crate::privacy::admin_pages::RegisterSummary />
    }
}

/// `/contact-dpo`: how to reach the data protection officer.
#[component]
pub fn DpoPage() -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let i18n = use_i18n();
    // The page's form (writing to the DPO) may come back with errors: the title says so.
    let error = crate::ui::form::use_form_error(crate::privacy::admin_api::ContactDpo::url());
    view! {
        <LegalPageFrame
            page=LegalPage::Dpo
            title=Signal::derive(move || t_string!(i18n, dpo.title).to_string())
            document_title=crate::ui::form::title_with_error(error, move || t_string!(i18n, dpo.title).to_string())
            default_body=move |s: SiteInfo| {
                let mailto = format!("mailto:{}", s.dpo_email);
                view! {
                    <p>{t!(i18n, dpo.intro)}</p>
                    <dl class="contact">
                        <dt>{t!(i18n, dpo.name_label)}</dt>
                        <dd>{s.dpo_name}</dd>
                        <dt>{t!(i18n, dpo.email_label)}</dt>
                        <dd><a href=mailto>{s.dpo_email}</a></dd>
                        <dt>{t!(i18n, dpo.address_label)}</dt>
                        <dd>{s.dpo_address}</dd>
                    </dl>
                    <p>{t!(i18n, dpo.delay)}</p>
                }
            }
        />
        <crate::privacy::dpo_pages::DpoRequestForm />
    }
}

/// `/conditions-utilisation`: the terms of use an account accepts.
#[component]
pub fn TermsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <LegalPageFrame
            page=LegalPage::Terms
            title=Signal::derive(move || t_string!(i18n, terms.title).to_string())
            default_body=move |s: SiteInfo| {
                let commune = s.commune_name;
                view! {
                    <p>{t!(i18n, terms.intro, commune = move || commune.clone())}</p>
                    <h2>{t!(i18n, terms.account_h)}</h2>
                    <p>{t!(i18n, terms.account)}</p>
                    <h2>{t!(i18n, terms.contributions_h)}</h2>
                    <p>{t!(i18n, terms.contributions)}</p>
                    <h2>{t!(i18n, terms.data_h)}</h2>
                    <p>{t!(i18n, terms.data)}</p>
                    <p><A href="/donnees-personnelles">{t!(i18n, footer.privacy)}</A></p>
                }
            }
        />
    }
}

/// Any unknown URL: a real page, answered with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, not_found.title).to_string()) />
        <h1>{t!(i18n, not_found.title)}</h1>
        <p>{t!(i18n, not_found.text)}</p>
        <SearchForm id="recherche-introuvable"
            label=Signal::derive(move || t_string!(i18n, not_found.search).to_string()) />
        <p><A href="/">{t!(i18n, not_found.back_home)}</A></p>
    }
}
