//! Pages of signing in and out. Every form is a plain HTML form posting to its server fn.

use super::api::{
    ConfirmEmail, OidcStart, RequestMagicLink, RequestPasswordReset, ResetPassword, SignIn, SignUp,
    UseMagicLink,
};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, query_value, title_failed_when, title_with_error, typed, use_form_error,
    use_typed_values, Field, PostForm,
};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// `/connexion`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(SignIn::url());
    let values = use_typed_values("sign_in", error);
    let confirmed = query_value("confirmee");
    let new_password = query_value("nouveau-mot-de-passe");
    let next = query_value("suite");
    let provider_failure = query_value("oidc");
    let title = title_failed_when(
        move || error.with(Option::is_some) || !provider_failure.get().is_empty(),
        move || t_string!(i18n, auth.sign_in_title).to_string(),
    );
    view! {
        <PageTitle text=title />
        <div class="narrow">
            <h1>{t!(i18n, auth.sign_in_title)}</h1>
            {move || (!confirmed.get().is_empty()).then(|| view! {
                <div class="alert alert--success" role="status"><p>{t!(i18n, auth.email_confirmed)}</p></div>
            })}
            {move || (!new_password.get().is_empty()).then(|| view! {
                <div class="alert alert--success" role="status"><p>{t!(i18n, auth.password_changed)}</p></div>
            })}
            {move || provider_failure_text(&provider_failure.get()).map(|text| view! {
                <div class="alert alert--error" role="alert"><p>{text}</p></div>
            })}
            <Transition fallback=|| ()>
                <PostForm action=SignIn::url() error fields=&["email", "password"]
                    submit=Signal::derive(move || t_string!(i18n, auth.sign_in_submit).to_string())>
                    <input type="hidden" name="next" value=next />
                    <Field name="email" input_type="email" autocomplete="email"
                        label=Signal::derive(move || t_string!(i18n, auth.email).to_string())
                        value=typed(values, "email") errors=errors_of(error, "email") />
                    <Field name="password" input_type="password" autocomplete="current-password"
                        label=Signal::derive(move || t_string!(i18n, auth.password).to_string())
                        errors=errors_of(error, "password") />
                </PostForm>
            </Transition>
            {crate::site::with_site(move |site| site.sign_in_provider.map(|provider| {
                view! { <ProviderSignIn provider next=next.get_untracked() /> }
            }))}
            <ul class="links" role="list">
                <li><A href="/mot-de-passe-oublie">{t!(i18n, auth.forgot_link)}</A></li>
                <li><A href="/connexion/lien-par-email">{t!(i18n, auth.magic_link)}</A></li>
                <li><A href="/inscription">{t!(i18n, auth.sign_up_link)}</A></li>
            </ul>
        </div>
    }
}

/// Sign-in through the commune's OpenID Connect provider (FranceConnect): a link that
/// leaves for the provider (a full page load, hydrated or not).
#[component]
fn ProviderSignIn(provider: String, next: String) -> impl IntoView {
    let i18n = use_i18n();
    let next = if next.is_empty() {
        "/mon-espace".to_owned()
    } else {
        next
    };
    let href = format!(
        "{}?next={}",
        OidcStart::url(),
        crate::ui::encode_query(&next)
    );
    view! {
        <section class="provider-sign-in" aria-labelledby="provider-sign-in-title">
            <h2 id="provider-sign-in-title">{t!(i18n, auth.provider_title)}</h2>
            <p><a class="button" rel="external" href=href>
                {t!(i18n, auth.provider_sign_in, provider = move || provider.clone())}
            </a></p>
            <p class="field__hint">{t!(i18n, auth.provider_hint)}</p>
        </section>
    }
}

/// The message of `/connexion?oidc=<code>` after a sign-in at the provider failed.
fn provider_failure_text(code: &str) -> Option<String> {
    let i18n = use_i18n();
    Some(match code {
        "" => return None,
        "annulee" => t_string!(i18n, auth.oidc_cancelled).to_string(),
        "expiree" => t_string!(i18n, auth.oidc_expired).to_string(),
        "niveau" => t_string!(i18n, auth.oidc_level).to_string(),
        "indisponible" => t_string!(i18n, auth.oidc_unavailable).to_string(),
        "compte-existant" => t_string!(i18n, auth.oidc_account_exists).to_string(),
        "sans-email" => t_string!(i18n, auth.oidc_no_email).to_string(),
        "trop-de-tentatives" => t_string!(i18n, errors.rate_limited).to_string(),
        "erreur" => t_string!(i18n, errors.internal).to_string(),
        _ => t_string!(i18n, auth.oidc_invalid).to_string(),
    })
}

/// `/inscription`.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(SignUp::url());
    let values = use_typed_values("sign_up", error);
    view! {
        <PageTitle text=title_with_error(error, move || t_string!(i18n, auth.sign_up_title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, auth.sign_up_title)}</h1>
            <p>{t!(i18n, auth.sign_up_intro)}</p>
            <Transition fallback=|| ()>
                <PostForm action=SignUp::url() error fields=&["display_name", "email", "password"]
                    submit=Signal::derive(move || t_string!(i18n, auth.sign_up_submit).to_string())>
                    <Field name="display_name" autocomplete="name"
                        label=Signal::derive(move || t_string!(i18n, auth.display_name).to_string())
                        hint=Signal::derive(move || t_string!(i18n, auth.display_name_hint).to_string())
                        value=typed(values, "display_name") errors=errors_of(error, "display_name") />
                    <Field name="email" input_type="email" autocomplete="email"
                        label=Signal::derive(move || t_string!(i18n, auth.email).to_string())
                        hint=Signal::derive(move || t_string!(i18n, auth.email_hint).to_string())
                        value=typed(values, "email") errors=errors_of(error, "email") />
                    <Field name="password" input_type="password" autocomplete="new-password"
                        label=Signal::derive(move || t_string!(i18n, auth.password).to_string())
                        hint=Signal::derive(move || t_string!(i18n, auth.password_hint).to_string())
                        errors=errors_of(error, "password") />
                    <p class="field__hint">
                        {t!(i18n, auth.sign_up_terms)}" "
                        <A href="/conditions-utilisation">{t!(i18n, footer.terms)}</A>
                    </p>
                </PostForm>
            </Transition>
            <p><A href="/connexion">{t!(i18n, auth.have_account)}</A></p>
        </div>
    }
}

/// `/verifiez-vos-mails`: shown after every request for a mailed link, whatever the
/// address (the page never tells whether an account exists).
#[component]
pub fn CheckMailPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, auth.check_mail_title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, auth.check_mail_title)}</h1>
            <p>{t!(i18n, auth.check_mail_text)}</p>
            <p>{t!(i18n, auth.check_mail_spam)}</p>
            <p><A href="/connexion">{t!(i18n, auth.back_to_sign_in)}</A></p>
        </div>
    }
}

/// A page reached from a mailed link: one button posts the link's token. Following a
/// link never acts by itself, so mail scanners cannot use links up.
#[component]
pub fn TokenPage(
    action: &'static str,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] intro: Signal<String>,
    #[prop(into)] submit: Signal<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let error = use_form_error(action);
    let token = query_value("jeton");
    let i18n = use_i18n();
    view! {
        <PageTitle text=title_with_error(error, move || title.get()) />
        <div class="narrow">
            <h1>{title}</h1>
            <p>{intro}</p>
            <PostForm action error fields=&["password"] submit>
                <input type="hidden" name="token" value=token />
                {children.map(|c| c())}
            </PostForm>
            {move || error.with(|e| matches!(e, Some(AppError::Validation(m)) if m.contains_key("token"))).then(|| view! {
                <p><A href="/connexion">{t!(i18n, auth.back_to_sign_in)}</A></p>
            })}
        </div>
    }
}

/// `/verifier-email?jeton=…`.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TokenPage action=ConfirmEmail::url()
            title=Signal::derive(move || t_string!(i18n, auth.confirm_title).to_string())
            intro=Signal::derive(move || t_string!(i18n, auth.confirm_intro).to_string())
            submit=Signal::derive(move || t_string!(i18n, auth.confirm_submit).to_string()) />
    }
}

/// `/connexion/lien?jeton=…`.
#[component]
pub fn UseMagicLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TokenPage action=UseMagicLink::url()
            title=Signal::derive(move || t_string!(i18n, auth.magic_use_title).to_string())
            intro=Signal::derive(move || t_string!(i18n, auth.magic_use_intro).to_string())
            submit=Signal::derive(move || t_string!(i18n, auth.sign_in_submit).to_string()) />
    }
}

/// `/nouveau-mot-de-passe?jeton=…`.
#[component]
pub fn NewPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(ResetPassword::url());
    let after_confirm = query_value("confirmee");
    view! {
        <TokenPage action=ResetPassword::url()
            title=Signal::derive(move || t_string!(i18n, auth.new_password_title).to_string())
            intro=Signal::derive(move || if after_confirm.get().is_empty() {
                t_string!(i18n, auth.new_password_intro).to_string()
            } else {
                t_string!(i18n, auth.new_password_after_confirm).to_string()
            })
            submit=Signal::derive(move || t_string!(i18n, auth.new_password_submit).to_string())>
            <Field name="password" input_type="password" autocomplete="new-password"
                label=Signal::derive(move || t_string!(i18n, auth.new_password).to_string())
                hint=Signal::derive(move || t_string!(i18n, auth.password_hint).to_string())
                errors=errors_of(error, "password") />
        </TokenPage>
    }
}

/// A page asking for an e-mail address to mail a link to.
#[component]
fn EmailRequestPage(
    action: &'static str,
    form: &'static str,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] intro: Signal<String>,
    #[prop(into)] submit: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(action);
    let values = use_typed_values(form, error);
    view! {
        <PageTitle text=title_with_error(error, move || title.get()) />
        <div class="narrow">
            <h1>{title}</h1>
            <p>{intro}</p>
            <Transition fallback=|| ()>
                <PostForm action error fields=&["email"] submit>
                    <Field name="email" input_type="email" autocomplete="email"
                        label=Signal::derive(move || t_string!(i18n, auth.email).to_string())
                        value=typed(values, "email") errors=errors_of(error, "email") />
                </PostForm>
            </Transition>
            <p><A href="/connexion">{t!(i18n, auth.back_to_sign_in)}</A></p>
        </div>
    }
}

/// `/mot-de-passe-oublie`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <EmailRequestPage action=RequestPasswordReset::url() form="request_password_reset"
            title=Signal::derive(move || t_string!(i18n, auth.forgot_title).to_string())
            intro=Signal::derive(move || t_string!(i18n, auth.forgot_intro).to_string())
            submit=Signal::derive(move || t_string!(i18n, auth.send_link).to_string()) />
    }
}

/// `/connexion/lien-par-email`.
#[component]
pub fn MagicLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <EmailRequestPage action=RequestMagicLink::url() form="request_magic_link"
            title=Signal::derive(move || t_string!(i18n, auth.magic_title).to_string())
            intro=Signal::derive(move || t_string!(i18n, auth.magic_intro).to_string())
            submit=Signal::derive(move || t_string!(i18n, auth.send_link).to_string()) />
    }
}
