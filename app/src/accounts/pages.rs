//! The profile page, the new-address confirmation page and the administrators' people page.

use super::api::{
    get_profile, get_role_log, search_people, ChangePassword, ConfirmEmailChange,
    RequestEmailChange, SetRole, SignOutElsewhere, UpdateDisplayName,
};
use super::model::{PersonSummary, Role, STAFF_ROLES};
use crate::auth::pages::TokenPage;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, form_error_text, query_value, title_with_error, typed, use_form_error,
    use_typed_values, Field, FormAlert, PostForm,
};
use crate::ui::time::{Moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Shown instead of a page the visitor may not see: a sign-in link that comes back here
/// when signed out, and ways on (home, search) in every case.
#[component]
pub fn AccessDenied(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let next = crate::ui::encode_query(&crate::ui::layout::here(&location));
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            res.set_status(status);
        }
    }
    let text = form_error_text(&error, &[]).unwrap_or_default();
    let sign_in = (error == AppError::Unauthenticated).then(|| {
        let href = format!("/connexion?suite={next}");
        view! { <p><A href=href attr:class="button">{t!(i18n, nav.sign_in)}</A></p> }
    });
    view! {
        <div class="alert alert--error" role="alert"><p>{text}</p></div>
        {sign_in}
        <crate::ui::WaysOn />
    }
}

fn role_name(role: Role) -> String {
    let i18n = use_i18n();
    match role {
        Role::Citizen => t_string!(i18n, roles.citizen),
        Role::Agent => t_string!(i18n, roles.agent),
        Role::Moderator => t_string!(i18n, roles.moderator),
        Role::Admin => t_string!(i18n, roles.admin),
    }
    .to_string()
}

/// `/mon-compte`.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = Resource::new(|| (), |_| get_profile());
    let saved = query_value("enregistre");
    let name_error = use_form_error(UpdateDisplayName::url());
    let email_error = use_form_error(RequestEmailChange::url());
    let password_error = use_form_error(ChangePassword::url());
    let any_error = Memo::new(move |_| {
        name_error
            .get()
            .or_else(|| email_error.get())
            .or_else(|| password_error.get())
    });
    view! {
        <PageTitle text=title_with_error(any_error, move || t_string!(i18n, profile.title).to_string()) />
        <h1>{t!(i18n, profile.title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let profile = match profile.await {
                    Ok(profile) => profile,
                    Err(error) => return view! { <AccessDenied error /> }.into_any(),
                };
                let saved_text = match saved.get_untracked().as_str() {
                    "" => None,
                    "adresse" => Some(t_string!(i18n, profile.saved_email).to_string()),
                    "adresse-confirmee" => Some(t_string!(i18n, profile.saved_email_confirmed).to_string()),
                    "mot-de-passe" => Some(t_string!(i18n, profile.saved_password).to_string()),
                    "sessions" => Some(t_string!(i18n, profile.saved_sessions).to_string()),
                    _ => Some(t_string!(i18n, profile.saved).to_string()),
                };
                view! {
                    {saved_text.map(|text| view! { <div class="alert alert--success" role="status"><p>{text}</p></div> })}
                    <NameSection current=profile.display_name.clone() error=name_error />
                    <EmailSection current=profile.email.clone() error=email_error />
                    <PasswordSection error=password_error />
                    <SessionsSection sessions=profile.sessions />
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn NameSection(current: String, error: Memo<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let typed_values = use_typed_values("update_display_name", error);
    let value = Signal::derive(move || {
        let typed = typed(typed_values, "display_name").get();
        if typed.is_empty() {
            current.clone()
        } else {
            typed
        }
    });
    view! {
        <section aria-labelledby="profil-nom" class="narrow">
            <h2 id="profil-nom">{t!(i18n, profile.name_section)}</h2>
            <PostForm action=UpdateDisplayName::url() error fields=&["display_name"]
                submit=Signal::derive(move || t_string!(i18n, profile.save_name).to_string())>
                <Field name="display_name" autocomplete="name"
                    label=Signal::derive(move || t_string!(i18n, auth.display_name).to_string())
                    hint=Signal::derive(move || t_string!(i18n, auth.display_name_hint).to_string())
                    value errors=errors_of(error, "display_name") />
            </PostForm>
        </section>
    }
    .into_any()
}

#[component]
fn EmailSection(current: String, error: Memo<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let typed_values = use_typed_values("request_email_change", error);
    view! {
        <section aria-labelledby="profil-adresse" class="narrow">
            <h2 id="profil-adresse">{t!(i18n, profile.email_section)}</h2>
            <p>{t!(i18n, profile.current_email, email = move || current.clone())}</p>
            <PostForm action=RequestEmailChange::url() error fields=&["new_email", "current_password"]
                submit=Signal::derive(move || t_string!(i18n, profile.change_email).to_string())>
                <Field name="new_email" input_type="email" autocomplete="email"
                    label=Signal::derive(move || t_string!(i18n, profile.new_email).to_string())
                    hint=Signal::derive(move || t_string!(i18n, profile.new_email_hint).to_string())
                    value=typed(typed_values, "new_email") errors=errors_of(error, "new_email") />
                <Field name="current_password" input_type="password" autocomplete="current-password"
                    id_suffix="adresse"
                    label=Signal::derive(move || t_string!(i18n, profile.current_password).to_string())
                    errors=errors_of(error, "current_password") />
            </PostForm>
        </section>
    }
    .into_any()
}

#[component]
fn PasswordSection(error: Memo<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="profil-mot-de-passe" class="narrow">
            <h2 id="profil-mot-de-passe">{t!(i18n, profile.password_section)}</h2>
            <PostForm action=ChangePassword::url() error fields=&["current_password", "new_password"]
                submit=Signal::derive(move || t_string!(i18n, profile.change_password).to_string())>
                <Field name="current_password" input_type="password" autocomplete="current-password"
                    label=Signal::derive(move || t_string!(i18n, profile.current_password).to_string())
                    errors=errors_of(error, "current_password") />
                <Field name="new_password" input_type="password" autocomplete="new-password"
                    label=Signal::derive(move || t_string!(i18n, auth.new_password).to_string())
                    hint=Signal::derive(move || t_string!(i18n, auth.password_hint).to_string())
                    errors=errors_of(error, "new_password") />
            </PostForm>
        </section>
    }
    .into_any()
}

#[component]
fn SessionsSection(sessions: Vec<crate::auth::model::ActiveSession>) -> impl IntoView {
    let i18n = use_i18n();
    let others = sessions.iter().filter(|s| !s.current).count();
    let rows = sessions
        .into_iter()
        .map(|s| {
            let agent = if s.user_agent.is_empty() {
                "—".to_owned()
            } else {
                s.user_agent
            };
            let current = s
                .current
                .then(|| view! { " " <strong>{t!(i18n, profile.this_browser)}</strong> });
            view! { <tr><td>{agent}{current}</td><td><Moment at_ms=s.signed_in_at style=Style::Stamp /></td></tr> }
                .into_any()
        })
        .collect_view();
    view! {
        <section aria-labelledby="profil-sessions">
            <h2 id="profil-sessions">{t!(i18n, profile.sessions_section)}</h2>
            <table class="table">
                <caption class="visually-hidden">{t!(i18n, profile.sessions_section)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, profile.browser)}</th>
                    <th scope="col">{t!(i18n, profile.signed_in_at)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {(others > 0).then(|| view! {
                <form method="post" action=SignOutElsewhere::url()>
                    <button type="submit" class="button">{t!(i18n, profile.sign_out_elsewhere)}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// `/confirmer-adresse?jeton=…`.
#[component]
pub fn ConfirmEmailChangePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TokenPage action=ConfirmEmailChange::url()
            title=Signal::derive(move || t_string!(i18n, profile.confirm_title).to_string())
            intro=Signal::derive(move || t_string!(i18n, profile.confirm_intro).to_string())
            submit=Signal::derive(move || t_string!(i18n, auth.confirm_submit).to_string()) />
    }
}

/// `/admin/personnes?q=…&page=…`: find people, grant and withdraw staff roles.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = query_value("q");
    let page = query_value("page");
    let page_number = Signal::derive(move || page.get().parse::<u32>().unwrap_or(1).max(1));
    let people = Resource::new(
        move || (query.get(), page_number.get()),
        |(q, p)| search_people(q, p),
    );
    let log = Resource::new(|| (), |_| get_role_log());
    let role_error = use_form_error(SetRole::url());
    let location = use_location();
    let back = Signal::derive(move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    });
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, admin.people_title).to_string()) />
        <h1>{t!(i18n, admin.people_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (list, more) = match people.await {
                    Ok(found) => found,
                    Err(error) => return view! { <AccessDenied error /> }.into_any(),
                };
                let current_page = page_number.get_untracked();
                let q = query.get_untracked();
                let page_link = move |n: u32| format!("/admin/personnes?q={}&page={n}", crate::ui::encode_query(&q));
                view! {
                    <form method="get" action="/admin/personnes" class="search-form" role="search">
                        <div class="field">
                            <label for="recherche-personnes">{t!(i18n, admin.search_label)}</label>
                            <input id="recherche-personnes" type="search" name="q" value=query />
                        </div>
                        <button type="submit" class="button">{t!(i18n, admin.search_submit)}</button>
                    </form>
                    <FormAlert error=role_error fields=&[] />
                    <table class="table">
                        <caption>{t!(i18n, admin.people_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, admin.person)}</th>
                            <th scope="col">{t!(i18n, admin.roles)}</th>
                            <th scope="col">{t!(i18n, admin.actions)}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|person| view! { <PersonRow person back /> }).collect_view()}
                        </tbody>
                    </table>
                    <nav class="pagination" aria-label=t_string!(i18n, admin.pagination).to_string()>
                        {(current_page > 1).then(|| view! { <A href=page_link(current_page - 1)>{t!(i18n, admin.previous)}</A> })}
                        {more.then(|| view! { <A href=page_link(current_page + 1)>{t!(i18n, admin.next)}</A> })}
                    </nav>
                }
                .into_any()
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let entries = log.await.unwrap_or_default();
                view! {
                    <section aria-labelledby="journal-roles">
                        <h2 id="journal-roles">{t!(i18n, admin.log_title)}</h2>
                        <ul class="log">
                            {entries.into_iter().map(|e| {
                                let role = Role::parse(&e.role).map(role_name).unwrap_or(e.role);
                                let verb = if e.granted {
                                    t_string!(i18n, admin.log_granted).to_string()
                                } else {
                                    t_string!(i18n, admin.log_revoked).to_string()
                                };
                                view! { <li><Moment at_ms=e.at_ms style=Style::Full />" — "{e.actor}" — "{verb}" « "{role}" » — "{e.target}</li> }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })}
        </Suspense>
    }
}

/// One account of the people list, with a button per staff role.
#[component]
fn PersonRow(person: PersonSummary, back: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let label = format!("{} <{}>", person.display_name, person.email);
    let roles = if person.roles.is_empty() {
        role_name(Role::Citizen)
    } else {
        person
            .roles
            .iter()
            .map(|r| role_name(*r))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let buttons = STAFF_ROLES
        .iter()
        .map(|role| {
            let held = person.roles.contains(role);
            let verb = if held {
                t_string!(i18n, admin.revoke).to_string()
            } else {
                t_string!(i18n, admin.grant).to_string()
            };
            view! {
                <form method="post" action=SetRole::url() class="inline-form">
                    <input type="hidden" name="user_id" value=person.id.to_string() />
                    <input type="hidden" name="role" value=role.as_str() />
                    <input type="hidden" name="change" value=if held { "revoke" } else { "grant" } />
                    <input type="hidden" name="back" value=back />
                    <button type="submit" class="button button--small">
                        {format!("{verb} {}", role_name(*role))}
                        <span class="visually-hidden">{format!(" – {label}")}</span>
                    </button>
                </form>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <tr>
            <td>{person.display_name.clone()}<br /><span class="muted">{person.email.clone()}</span></td>
            <td>{roles}</td>
            <td><div class="actions">{buttons}</div></td>
        </tr>
    }
    .into_any()
}
