//! The audit log as administrators read it (`/admin/journal`): who did what to whom and
//! when — role changes, password and address changes, every moderation action with the
//! moderator's identity — newest first, filtered by area, one page at a time.

use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{query_value, SelectField};
use crate::ui::time::{Moment, Style};
use crate::ui::PageTitle;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at_ms: i64,
    /// Who acted (display name and e-mail), `None` for the system (flag threshold…).
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: String,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: u32,
    pub page_count: u32,
}

pub const AUDIT_PAGE_SIZE: u32 = 50;

/// The SQL condition of an area of the log (`moderation`, `accounts`, or all).
#[cfg(feature = "ssr")]
fn area_condition(area: &str) -> &'static str {
    match area {
        "moderation" => {
            "(a.action LIKE 'moderation%' OR a.action LIKE 'premoderation%' \
             OR a.action = 'watched_words_changed')"
        }
        "comptes" => {
            "a.action IN ('role_granted', 'role_revoked', 'password_reset', \
             'password_changed', 'email_changed')"
        }
        _ => "1 = 1",
    }
}

/// Page `page` of the audit log, for administrators.
#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn get_audit_log(area: String, page: u32) -> Result<AuditPage, AppError> {
    use crate::error::internal;
    use sqlx::Row;
    crate::auth::require_role(crate::accounts::model::Role::Admin).await?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let condition = area_condition(&area);
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM audit_log a WHERE {condition}"
    ))
    .fetch_one(pool)
    .await
    .map_err(internal)?;
    let size = i64::from(AUDIT_PAGE_SIZE);
    let page_count = u32::try_from(((total + size - 1) / size).max(1)).unwrap_or(u32::MAX);
    let page = page.clamp(1, page_count);
    let rows = sqlx::query(&format!(
        "SELECT a.created_at, a.action, a.detail, \
         actor.display_name AS actor_name, actor.email AS actor_email, \
         target.display_name AS target_name, target.email AS target_email \
         FROM audit_log a \
         LEFT JOIN users actor ON actor.id = a.actor_user_id \
         LEFT JOIN users target ON target.id = a.target_user_id \
         WHERE {condition} ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2"
    ))
    .bind(size)
    .bind(i64::from(page - 1) * size)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let person = |name: Option<String>, email: Option<String>| match (name, email) {
        (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
        _ => None,
    };
    let entries = rows
        .iter()
        .map(|row| {
            Ok(AuditEntry {
                at_ms: row.try_get("created_at")?,
                actor: person(row.try_get("actor_name")?, row.try_get("actor_email")?),
                action: row.try_get("action")?,
                target: person(row.try_get("target_name")?, row.try_get("target_email")?),
                detail: row.try_get("detail")?,
            })
        })
        .collect::<sqlx::Result<Vec<_>>>()
        .map_err(internal)?;
    Ok(AuditPage {
        entries,
        page,
        page_count,
    })
}

/// `/admin/journal`.
#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let area = query_value("domaine");
    let page = query_value("page");
    let log = Resource::new(
        move || (area.get(), page.get().parse::<u32>().unwrap_or(1).max(1)),
        |(area, page)| get_audit_log(area, page),
    );
    let areas = vec![
        (
            "moderation".to_owned(),
            t_string!(i18n, audit.area_moderation).to_string(),
        ),
        (
            "comptes".to_owned(),
            t_string!(i18n, audit.area_accounts).to_string(),
        ),
    ];
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, audit.title).to_string()) />
        <h1>{t!(i18n, audit.title)}</h1>
        <p>{t!(i18n, audit.intro)}</p>
        <form class="filters" method="get" action="/admin/journal">
            <fieldset>
                <legend class="visually-hidden">{t!(i18n, audit.filter)}</legend>
                <SelectField name="domaine" options=areas required=false
                    label=Signal::derive(move || t_string!(i18n, audit.area).to_string())
                    placeholder=Signal::derive(move || t_string!(i18n, audit.area_all).to_string())
                    value=area errors=Signal::derive(Vec::new) />
                <button type="submit" class="button button--secondary">{t!(i18n, audit.filter)}</button>
            </fieldset>
        </form>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <AuditTable log area=area.get_untracked() /> }.into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditTable(log: AuditPage, area: String) -> impl IntoView {
    let i18n = use_i18n();
    let AuditPage {
        entries,
        page,
        page_count,
    } = log;
    if entries.is_empty() {
        return view! { <p>{t!(i18n, audit.empty)}</p> }.into_any();
    }
    let link = move |n: u32| format!("/admin/journal?domaine={area}&page={n}");
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">{t!(i18n, audit.title)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, audit.col_date)}</th>
                    <th scope="col">{t!(i18n, audit.col_actor)}</th>
                    <th scope="col">{t!(i18n, audit.col_action)}</th>
                    <th scope="col">{t!(i18n, audit.col_target)}</th>
                    <th scope="col">{t!(i18n, audit.col_detail)}</th>
                </tr></thead>
                <tbody>
                    {entries.into_iter().map(|e| {
                        let system = t_string!(i18n, audit.system).to_string();
                        view! {
                            <tr>
                                <td><Moment at_ms=e.at_ms style=Style::Full /></td>
                                <td>{e.actor.unwrap_or(system)}</td>
                                <td><code>{e.action}</code></td>
                                <td>{e.target.unwrap_or_else(|| "—".to_owned())}</td>
                                <td>{e.detail}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(page_count > 1).then(|| view! {
            <nav class="pagination" aria-label=t_string!(i18n, audit.pages).to_string()>
                {(page > 1).then(|| view! { <a href=link(page - 1)>{t!(i18n, forum.previous)}</a> })}
                <span>{t!(i18n, forum.page_of, page = move || page, pages = move || page_count)}</span>
                {(page < page_count).then(|| view! { <a href=link(page + 1)>{t!(i18n, forum.next)}</a> })}
            </nav>
        })}
    }
    .into_any()
}
