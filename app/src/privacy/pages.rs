//! `/mon-espace/donnees` (the resident's privacy centre) and
//! `/conditions-utilisation/accepter` (new terms, asked at sign-in).

use super::api::{
    get_my_data, get_terms_to_accept, AcceptTerms, CancelErasure, RequestExport, ScheduleErasure,
    SetConsent,
};
use super::model::{
    Access, ConsentEvent, ConsentPurpose, ConsentState, ErasurePlan, ExportState, Holding, MyData,
    Purpose,
};
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{errors_of, query_value, title_failed_when, use_form_error, FormAlert};
use crate::ui::live::FollowProgress;
use crate::ui::time::{moment, Moment, Style};
use crate::ui::{PageTitle, Pagination};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// The translated text of the privacy centre's error keys.
pub fn error_text(key: &str) -> Option<String> {
    let i18n = use_i18n();
    Some(
        match key {
            "errors.erasure_mode" => t_string!(i18n, errors.erasure_mode),
            "errors.erasure_confirm" => t_string!(i18n, errors.erasure_confirm),
            "errors.terms_changed" => t_string!(i18n, errors.terms_changed),
            "errors.terms_summary" => t_string!(i18n, errors.terms_summary),
            "errors.dpo_kind" => t_string!(i18n, errors.dpo_kind),
            "errors.dpo_name" => t_string!(i18n, errors.dpo_name),
            "errors.dpo_message" => t_string!(i18n, errors.dpo_message),
            "errors.dpo_answer" => t_string!(i18n, errors.dpo_answer),
            "errors.dpo_answered" => t_string!(i18n, errors.dpo_answered),
            "errors.retention_months" => t_string!(i18n, errors.retention_months),
            _ => return None,
        }
        .to_string(),
    )
}

/// `/mon-espace/donnees`.
#[component]
pub fn MyDataPage() -> impl IntoView {
    let i18n = use_i18n();
    // After a failed post of one of the page's forms, the title says so (RGAA 11.10).
    let failed = [
        use_form_error(RequestExport::url()),
        use_form_error(SetConsent::url()),
        use_form_error(ScheduleErasure::url()),
        use_form_error(CancelErasure::url()),
    ];
    let page = query_value("acces");
    let data = Resource::new(
        move || page.get().parse::<u32>().unwrap_or(1).max(1),
        get_my_data,
    );
    view! {
        <PageTitle text=title_failed_when(
            move || failed.iter().any(|e| e.with(Option::is_some)),
            move || t_string!(i18n, my_data.title).to_string(),
        ) />
        <div class="narrow">
            <h1>{t!(i18n, my_data.title)}</h1>
            <p class="lead">{t!(i18n, my_data.intro)}</p>
            <p>
                <A href="/donnees-personnelles">{t!(i18n, my_data.register_link)}</A>" · "
                <A href="/contact-dpo">{t!(i18n, footer.dpo)}</A>
            </p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <MyDataView data /> }.into_any(),
                        Err(error) => view! { <AccessDenied error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn MyDataView(data: MyData) -> impl IntoView {
    let MyData {
        holdings,
        consents,
        ledger,
        export,
        erasure,
        accesses,
        access_page,
        access_pages,
        data_requests,
    } = data;
    view! {
        <Holdings holdings />
        <ExportSection export />
        <Consents consents ledger />
        <Accesses accesses page=access_page pages=access_pages />
        <super::dpo_pages::MyDataRequests requests=data_requests />
        <ErasureSection erasure />
    }
    .into_any()
}

pub(crate) fn purpose_title(purpose: Purpose) -> AnyView {
    let i18n = use_i18n();
    match purpose {
        Purpose::Account => t!(i18n, my_data.purpose_account).into_any(),
        Purpose::Requests => t!(i18n, my_data.purpose_requests).into_any(),
        Purpose::Appointments => t!(i18n, my_data.purpose_appointments).into_any(),
        Purpose::Forum => t!(i18n, my_data.purpose_forum).into_any(),
        Purpose::Surveys => t!(i18n, my_data.purpose_surveys).into_any(),
        Purpose::Notifications => t!(i18n, my_data.purpose_notifications).into_any(),
        Purpose::Consents => t!(i18n, my_data.purpose_consents).into_any(),
        Purpose::Security => t!(i18n, my_data.purpose_security).into_any(),
        Purpose::DataRequests => t!(i18n, my_data.purpose_data_requests).into_any(),
    }
}

#[component]
fn Holdings(holdings: Vec<Holding>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="detenu">
            <h2 id="detenu">{t!(i18n, my_data.held_title)}</h2>
            <p>{t!(i18n, my_data.held_intro)}</p>
            <div class="holdings">
                {holdings.into_iter().map(|h| view! {
                    <section class="card">
                        <h3>{purpose_title(h.purpose)}</h3>
                        <dl class="counts">
                            {h.counts.into_iter().map(|(label, count)| view! {
                                <div><dt>{label}</dt><dd>{count}</dd></div>
                            }).collect_view()}
                        </dl>
                    </section>
                }).collect_view()}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn ExportSection(export: Option<ExportState>) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(RequestExport::url());
    let building = export
        .as_ref()
        .is_some_and(|e| e.status == "pending" || e.status == "running");
    let state = export.map(|e| match e.status.as_str() {
        "ready" => {
            let href = format!("/mon-espace/donnees/export/{}", e.id);
            let size = format!("{} Ko", (e.size.unwrap_or(0) + 1023) / 1024);
            let until = e.expires_at_ms;
            view! {
                <p>
                    <a href=href download="">{t!(i18n, my_data.export_download)}</a>
                    " (ZIP, "{size}")"
                </p>
                {until.map(|until| view! { <p class="meta">{t!(i18n, my_data.export_until, date = move || moment(until, Style::Full))}</p> })}
            }
            .into_any()
        }
        "failed" => view! { <p>{t!(i18n, my_data.export_failed)}</p> }.into_any(),
        _ => {
            let progress = e.progress;
            view! {
                <label for="export-progress">{t!(i18n, my_data.export_building)}</label>
                <progress id="export-progress" max="100" value=progress.to_string()>{progress}" %"</progress>
                // With JavaScript the page follows the export by itself.
                <FollowProgress selector="#export-progress".to_owned() every_ms=2000 />
                // No fragment: a link to this very page and a fragment would only scroll.
                <p><a href="/mon-espace/donnees?export=actualiser">{t!(i18n, my_data.export_refresh)}</a></p>
            }
            .into_any()
        }
    });
    view! {
        <section aria-labelledby="export">
            <h2 id="export">{t!(i18n, my_data.export_title)}</h2>
            <p>{t!(i18n, my_data.export_intro)}</p>
            <FormAlert error fields=&[] />
            <div role="status" data-live="export-state">{state}</div>
            <div data-live="export-form">
                {(!building).then(|| view! {
                    <form method="post" action=RequestExport::url()>
                        <crate::ui::form::OnceField />
                        <button type="submit" class="button">{t!(i18n, my_data.export_button)}</button>
                    </form>
                })}
            </div>
        </section>
    }
    .into_any()
}

fn consent_title(purpose: ConsentPurpose) -> AnyView {
    let i18n = use_i18n();
    match purpose {
        ConsentPurpose::Terms => t!(i18n, my_data.consent_terms).into_any(),
        ConsentPurpose::DigestMail => t!(i18n, my_data.consent_digest_mail).into_any(),
        ConsentPurpose::ReminderMail => t!(i18n, my_data.consent_reminder_mail).into_any(),
    }
}

#[component]
fn Consents(consents: Vec<ConsentState>, ledger: Vec<ConsentEvent>) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(SetConsent::url());
    view! {
        <section aria-labelledby="consentements">
            <h2 id="consentements">{t!(i18n, my_data.consents_title)}</h2>
            <FormAlert error fields=&[] />
            <ul class="consents" role="list">
                {consents.into_iter().map(|c| view! { <li><ConsentLine consent=c /></li> }).collect_view()}
            </ul>
            <h3>{t!(i18n, my_data.ledger_title)}</h3>
            {ledger.is_empty().then(|| view! { <p>{t!(i18n, my_data.ledger_none)}</p> })}
            {(!ledger.is_empty()).then(|| view! {
                <table class="table">
                    <caption class="visually-hidden">{t!(i18n, my_data.ledger_title)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, my_data.col_date)}</th>
                        <th scope="col">{t!(i18n, my_data.col_purpose)}</th>
                        <th scope="col">{t!(i18n, my_data.col_choice)}</th>
                    </tr></thead>
                    <tbody>
                        {ledger.into_iter().map(|e| view! { <LedgerRow event=e /> }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn ConsentLine(consent: ConsentState) -> impl IntoView {
    let i18n = use_i18n();
    let ConsentState {
        purpose,
        given,
        version,
        since_ms,
        ..
    } = consent;
    let status = match (purpose, given) {
        (ConsentPurpose::Terms, true) => {
            let version = version.unwrap_or(0);
            t!(i18n, my_data.terms_accepted, version = move || version).into_any()
        }
        (ConsentPurpose::Terms, false) => t!(i18n, my_data.terms_not_accepted).into_any(),
        (_, true) => t!(i18n, my_data.consent_given).into_any(),
        (_, false) => t!(i18n, my_data.consent_withdrawn).into_any(),
    };
    let since = since_ms.map(|since| {
        view! { " "<span class="meta">{t!(i18n, my_data.since, date = move || moment(since, Style::Full))}</span> }
    });
    let optional = purpose != ConsentPurpose::Terms;
    let next_given = if given { "0" } else { "1" };
    view! {
        <p><strong>{consent_title(purpose)}</strong>" : "{status}{since}</p>
        {optional.then(|| view! {
            <form method="post" action=SetConsent::url()>
                <input type="hidden" name="purpose" value=purpose.key() />
                <input type="hidden" name="given" value=next_given />
                <button type="submit" class="button button--small button--secondary">
                    {if given {
                        t!(i18n, my_data.withdraw).into_any()
                    } else {
                        t!(i18n, my_data.give).into_any()
                    }}
                    <span class="visually-hidden">" : "{consent_title(purpose)}</span>
                </button>
            </form>
        })}
        {(!optional).then(|| view! { <p><A href="/conditions-utilisation">{t!(i18n, my_data.read_terms)}</A></p> })}
    }
    .into_any()
}

#[component]
fn LedgerRow(event: ConsentEvent) -> impl IntoView {
    let i18n = use_i18n();
    let choice = match (event.purpose, event.given, event.version) {
        (ConsentPurpose::Terms, _, Some(version)) => {
            t!(i18n, my_data.terms_accepted, version = move || version).into_any()
        }
        (_, true, _) => t!(i18n, my_data.consent_given).into_any(),
        (_, false, _) => t!(i18n, my_data.consent_withdrawn).into_any(),
    };
    view! {
        <tr>
            <td><Moment at_ms=event.at_ms style=Style::Full /></td>
            <td>{consent_title(event.purpose)}</td>
            <td>{choice}</td>
        </tr>
    }
    .into_any()
}

#[component]
fn Accesses(accesses: Vec<Access>, page: i64, pages: i64) -> impl IntoView {
    let i18n = use_i18n();
    let page = u32::try_from(page).unwrap_or(1);
    let page_count = u32::try_from(pages).unwrap_or(1);
    view! {
        <section aria-labelledby="acces">
            <h2 id="acces">{t!(i18n, my_data.accesses_title)}</h2>
            <p>{t!(i18n, my_data.accesses_intro)}</p>
            {accesses.is_empty().then(|| view! { <p>{t!(i18n, my_data.accesses_none)}</p> })}
            {(!accesses.is_empty()).then(|| view! {
                <table class="table">
                    <caption class="visually-hidden">{t!(i18n, my_data.accesses_title)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, my_data.col_date)}</th>
                        <th scope="col">{t!(i18n, my_data.col_agent)}</th>
                        <th scope="col">{t!(i18n, my_data.col_service)}</th>
                        <th scope="col">{t!(i18n, my_data.col_request)}</th>
                    </tr></thead>
                    <tbody>
                        {accesses.into_iter().map(|a| {
                            let agent = a.agent.unwrap_or_else(|| t_string!(i18n, requests.former_account).to_string());
                            let reference = a.reference.unwrap_or_else(|| a.request_id.to_string());
                            view! {
                                <tr>
                                    <td><Moment at_ms=a.at_ms style=Style::Full /></td>
                                    <td>{agent}</td>
                                    <td>{a.service}</td>
                                    <td><A href=format!("/mon-espace/demandes/{}", a.request_id)>{reference}</A></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <Pagination page page_count label=t_string!(i18n, my_data.accesses_pages).to_string()
                href=|n| format!("/mon-espace/donnees?acces={n}#acces") />
        </section>
    }
    .into_any()
}

#[component]
fn ErasureSection(erasure: Option<ErasurePlan>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="effacement">
            <h2 id="effacement">{t!(i18n, my_data.erasure_title)}</h2>
            {match erasure {
                Some(plan) => view! { <ErasurePlanned plan /> }.into_any(),
                None => view! { <ErasureForm /> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn ErasurePlanned(plan: ErasurePlan) -> impl IntoView {
    let i18n = use_i18n();
    let due = plan.due_at_ms;
    let mode = match plan.mode {
        super::model::ErasureMode::Pseudonymise => t!(i18n, my_data.mode_pseudonymise).into_any(),
        super::model::ErasureMode::Delete => t!(i18n, my_data.mode_delete).into_any(),
    };
    let error = use_form_error(CancelErasure::url());
    view! {
        <div class="alert alert--warning" role="status">
            <p>{t!(i18n, my_data.erasure_planned, date = move || moment(due, Style::Full))}</p>
            <p>{mode}</p>
        </div>
        <FormAlert error fields=&[] />
        <form method="post" action=CancelErasure::url()>
            <button type="submit" class="button">{t!(i18n, my_data.erasure_cancel)}</button>
        </form>
    }
    .into_any()
}

#[component]
fn ErasureForm() -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(ScheduleErasure::url());
    let mode_errors = errors_of(error, "mode");
    let confirm_errors = errors_of(error, "confirm");
    let invalid =
        |errors: Signal<Vec<String>>| move || (!errors.with(Vec::is_empty)).then_some("true");
    let described = |errors: Signal<Vec<String>>, id: &'static str| {
        move || (!errors.with(Vec::is_empty)).then_some(id)
    };
    let error_line = |errors: Signal<Vec<String>>, id: &'static str| {
        move || {
            let errs = errors.get();
            (!errs.is_empty()).then(|| view! {
                <p class="field__error" id=id>{errs.iter().map(|k| crate::ui::form::error_text(k)).collect::<Vec<_>>().join(" ")}</p>
            })
        }
    };
    view! {
        <p>{t!(i18n, my_data.erasure_intro)}</p>
        <ul>
            <li>{t!(i18n, my_data.erasure_goes)}</li>
            <li>{t!(i18n, my_data.erasure_kept)}</li>
            <li>{t!(i18n, my_data.erasure_surveys)}</li>
        </ul>
        <FormAlert error fields=&["mode", "confirm"] />
        <form class="form" method="post" action=ScheduleErasure::url() novalidate>
            <fieldset class="field" class:field--error=move || !mode_errors.with(Vec::is_empty)
                aria-describedby=described(mode_errors, "champ-mode-erreur")>
                <legend>{t!(i18n, my_data.mode_legend)}</legend>
                {error_line(mode_errors, "champ-mode-erreur")}
                <div class="choice">
                    <input type="radio" id="champ-mode-pseudonymise" name="mode" value="pseudonymise"
                        aria-invalid=invalid(mode_errors) />
                    <label for="champ-mode-pseudonymise">{t!(i18n, my_data.mode_pseudonymise)}</label>
                </div>
                <div class="choice">
                    <input type="radio" id="champ-mode-delete" name="mode" value="delete"
                        aria-invalid=invalid(mode_errors) />
                    <label for="champ-mode-delete">{t!(i18n, my_data.mode_delete)}</label>
                </div>
            </fieldset>
            <div class="field" class:field--error=move || !confirm_errors.with(Vec::is_empty)>
                {error_line(confirm_errors, "champ-confirm-erreur")}
                <div class="choice">
                    <input type="checkbox" id="champ-confirm" name="confirm" value="1"
                        aria-invalid=invalid(confirm_errors)
                        aria-describedby=described(confirm_errors, "champ-confirm-erreur") />
                    <label for="champ-confirm">{t!(i18n, my_data.erasure_confirm)}</label>
                </div>
            </div>
            <button type="submit" class="button button--danger">{t!(i18n, my_data.erasure_button)}</button>
        </form>
    }
    .into_any()
}

/// `/conditions-utilisation/accepter?suite=…`: the terms changed since the person last
/// accepted them.
#[component]
pub fn AcceptTermsPage() -> impl IntoView {
    let i18n = use_i18n();
    let suite = query_value("suite");
    let terms = Resource::new(|| (), |()| get_terms_to_accept());
    let error = use_form_error(AcceptTerms::url());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, my_data.accept_title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, my_data.accept_title)}</h1>
            <FormAlert error fields=&[] />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match terms.await {
                        Ok(Some(terms)) => {
                            let version = terms.version;
                            let summary = terms.summary.clone();
                            view! {
                                <p>{t!(i18n, my_data.accept_intro, version = move || version)}</p>
                                {(!summary.is_empty()).then(|| view! {
                                    <h2>{t!(i18n, my_data.accept_changes)}</h2>
                                    <p class="prewrap">{summary}</p>
                                })}
                                <p><A href="/conditions-utilisation">{t!(i18n, my_data.read_terms)}</A></p>
                                <form method="post" action=AcceptTerms::url()>
                                    <input type="hidden" name="version" value=version.to_string() />
                                    <input type="hidden" name="suite" value=move || suite.get() />
                                    <button type="submit" class="button">{t!(i18n, my_data.accept_button)}</button>
                                </form>
                                <p>{t!(i18n, my_data.accept_refuse)}</p>
                                <p><A href="/mon-espace/donnees#effacement">{t!(i18n, my_data.erasure_title)}</A></p>
                            }
                            .into_any()
                        }
                        Ok(None) => view! {
                            <p>{t!(i18n, my_data.accept_done)}</p>
                            <p><A href="/mon-espace">{t!(i18n, nav.my_space)}</A></p>
                        }
                        .into_any(),
                        Err(error) => view! { <AccessDenied error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
