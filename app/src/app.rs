//! The HTML shell, the root component and the route table.

use crate::accounts::audit::AuditPage;
use crate::accounts::pages::{ConfirmEmailChangePage, PeoplePage, ProfilePage};
use crate::appointments::admin_pages::{
    AdminAgendasPage, AdminFacilitiesPage, AgendaAdminPage, FacilityAdminPage,
};
use crate::appointments::desk_pages::AgentDayPage;
use crate::appointments::facility_pages::{DirectoryPage, FacilityPage};
use crate::appointments::my_pages::AppointmentPage;
use crate::appointments::pages::{AgendaDayPage, AgendaPage, AgendasPage};
use crate::auth::pages::{
    CheckMailPage, ConfirmEmailPage, ForgotPasswordPage, MagicLinkPage, NewPasswordPage,
    SignInPage, SignUpPage, UseMagicLinkPage,
};
use crate::auth::CurrentUserResource;
use crate::forum::admin_page::ForumAdminPage;
use crate::forum::pages::{ForumPage, NewProposalPage};
use crate::forum::proposal_page::{EditProposalPage, ProposalPage};
use crate::home::pages::HomePage;
use crate::i18n::I18nContextProvider;
use crate::moderation::pages::{FlagPage, MyModerationPage, PublicLogPage};
use crate::moderation::queue_pages::{QueuePage, ReviewPage, SettingsPage};
use crate::notifications::pages::NotificationsPage;
use crate::privacy::admin_pages::{PrivacyAdminPage, RegisterPage};
use crate::privacy::pages::{AcceptTermsPage, MyDataPage};
use crate::search::pages::SearchPage;
use crate::services::admin_pages::{AdminCataloguePage, FieldEditPage, ServiceAdminPage};
use crate::services::backoffice_pages::{
    BackOfficePage, CounterPage, QueuePage as RequestQueuePage, StatsPage,
};
use crate::services::pages::{CataloguePage, MySpacePage, ServicePage};
use crate::services::request_pages::{AgentRequestPage, RequestFormPage, RequestPage};
use crate::site::pages::{
    AccessibilityPage, DpoPage, LegalNoticePage, NotFoundPage, PrivacyPage, TermsPage,
};
use crate::site::{locale, SiteInfoResource};
use crate::surveys::builder_pages::{
    BuilderPage, ParticipantsPage, PreviewPage, QuestionEditPage, SurveyAdminPage,
};
use crate::surveys::pages::{AnswerSurveyPage, SurveyPage, SurveysPage, ThanksPage};
use crate::surveys::results_page::{ResultsPage, ReviewTextsPage};
use crate::ui::layout::{SiteFooter, SiteHeader, SkipLink};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The document around every server-rendered page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::security::set_page_csp();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <meta name="theme-color" content="#1d3a6e" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="parvis-css" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: translations, site identity, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::site::locale::install_plural_rules();
    provide_meta_context();
    let site: SiteInfoResource = OnceResource::new_blocking(crate::site::api::get_site_info());
    provide_context(site);
    let user: CurrentUserResource =
        OnceResource::new_blocking(crate::auth::api::get_current_user());
    provide_context(user);
    provide_context(crate::ui::form::FieldsInError::default());

    view! {
        <I18nContextProvider
            enable_cookie=false
            ssr_lang_header_getter=locale::language_getter()
        >
            <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
            <Link rel="manifest" href="/manifest.webmanifest" />
            <Meta name="description" content="Parvis" />
            <Router>
                <SkipLink />
                <SiteHeader />
                <main id="contenu" tabindex="-1">
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/recherche") view=SearchPage ssr=SsrMode::Async />
                        <Route path=path!("/mon-espace") view=MySpacePage ssr=SsrMode::Async />
                        <Route path=path!("/mon-espace/demandes/:id") view=RequestPage ssr=SsrMode::Async />
                        <Route path=path!("/mon-espace/demandes/:id/formulaire") view=RequestFormPage ssr=SsrMode::Async />
                        <Route path=path!("/demarches") view=CataloguePage ssr=SsrMode::Async />
                        <Route path=path!("/demarches/:slug") view=ServicePage ssr=SsrMode::Async />
                        <Route path=path!("/guichet") view=BackOfficePage ssr=SsrMode::Async />
                        <Route path=path!("/guichet/demandes/:id") view=AgentRequestPage ssr=SsrMode::Async />
                        <Route path=path!("/guichet/demandes/:id/formulaire") view=RequestFormPage ssr=SsrMode::Async />
                        <Route path=path!("/guichet/:service") view=RequestQueuePage ssr=SsrMode::Async />
                        <Route path=path!("/guichet/:service/statistiques") view=StatsPage ssr=SsrMode::Async />
                        <Route path=path!("/guichet/:service/nouvelle") view=CounterPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/demarches") view=AdminCataloguePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/demarches/:id") view=ServiceAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/demarches/:id/champs/:key") view=FieldEditPage ssr=SsrMode::Async />
                        <Route path=path!("/rendez-vous") view=AgendasPage ssr=SsrMode::Async />
                        <Route path=path!("/rendez-vous/:slug") view=AgendaPage ssr=SsrMode::Async />
                        <Route path=path!("/rendez-vous/:slug/:day") view=AgendaDayPage ssr=SsrMode::Async />
                        <Route path=path!("/mon-espace/rendez-vous/:id") view=AppointmentPage ssr=SsrMode::Async />
                        <Route path=path!("/guichet/rendez-vous/:id") view=AgentDayPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/rendez-vous") view=AdminAgendasPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/rendez-vous/:id") view=AgendaAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/equipements") view=DirectoryPage ssr=SsrMode::Async />
                        <Route path=path!("/equipements/:slug") view=FacilityPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/equipements") view=AdminFacilitiesPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/equipements/:id") view=FacilityAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/forum") view=ForumPage ssr=SsrMode::Async />
                        <Route path=path!("/forum/proposer") view=NewProposalPage ssr=SsrMode::Async />
                        <Route path=path!("/forum/propositions/:id") view=ProposalPage ssr=SsrMode::Async />
                        <Route path=path!("/forum/propositions/:id/modifier") view=EditProposalPage ssr=SsrMode::Async />
                        <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async />
                        <Route path=path!("/signaler/:kind/:id") view=FlagPage ssr=SsrMode::Async />
                        <Route path=path!("/mon-espace/moderation") view=MyModerationPage ssr=SsrMode::Async />
                        <Route path=path!("/mon-espace/donnees") view=MyDataPage ssr=SsrMode::Async />
                        <Route path=path!("/moderation") view=QueuePage ssr=SsrMode::Async />
                        <Route path=path!("/moderation/journal") view=PublicLogPage ssr=SsrMode::Async />
                        <Route path=path!("/moderation/reglages") view=SettingsPage ssr=SsrMode::Async />
                        <Route path=path!("/moderation/:kind/:id") view=ReviewPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/forum") view=ForumAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations") view=SurveysPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/gestion") view=SurveyAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/gestion/:id") view=BuilderPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/gestion/:id/apercu") view=PreviewPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/gestion/:id/participants") view=ParticipantsPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/gestion/:id/questions/:qid") view=QuestionEditPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/:id") view=SurveyPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/:id/repondre") view=AnswerSurveyPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/:id/merci") view=ThanksPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/:id/resultats") view=ResultsPage ssr=SsrMode::Async />
                        <Route path=path!("/consultations/:id/relecture") view=ReviewTextsPage ssr=SsrMode::Async />
                        <Route path=path!("/mentions-legales") view=LegalNoticePage ssr=SsrMode::Async />
                        <Route path=path!("/accessibilite") view=AccessibilityPage ssr=SsrMode::Async />
                        <Route path=path!("/donnees-personnelles") view=PrivacyPage ssr=SsrMode::Async />
                        <Route path=path!("/contact-dpo") view=DpoPage ssr=SsrMode::Async />
                        <Route path=path!("/conditions-utilisation") view=TermsPage ssr=SsrMode::Async />
                        <Route path=path!("/conditions-utilisation/accepter") view=AcceptTermsPage ssr=SsrMode::Async />
                        <Route path=path!("/connexion") view=SignInPage ssr=SsrMode::Async />
                        <Route path=path!("/inscription") view=SignUpPage ssr=SsrMode::Async />
                        <Route path=path!("/verifiez-vos-mails") view=CheckMailPage ssr=SsrMode::Async />
                        <Route path=path!("/verifier-email") view=ConfirmEmailPage ssr=SsrMode::Async />
                        <Route path=path!("/mot-de-passe-oublie") view=ForgotPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/nouveau-mot-de-passe") view=NewPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/connexion/lien-par-email") view=MagicLinkPage ssr=SsrMode::Async />
                        <Route path=path!("/connexion/lien") view=UseMagicLinkPage ssr=SsrMode::Async />
                        <Route path=path!("/mon-compte") view=ProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/confirmer-adresse") view=ConfirmEmailChangePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/personnes") view=PeoplePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/journal") view=AuditPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/donnees") view=PrivacyAdminPage ssr=SsrMode::Async />
                        <Route path=path!("/registre-des-traitements") view=RegisterPage ssr=SsrMode::Async />
                    </Routes>
                </main>
                <SiteFooter />
            </Router>
        </I18nContextProvider>
    }
}
