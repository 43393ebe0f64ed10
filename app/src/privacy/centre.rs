//! What `/mon-espace/donnees` shows a resident: how much each purpose holds about them,
//! their consents and ledger, their export, their erasure, and who opened their files.

use super::model::{Access, Holding, MyData, Purpose, ACCESS_PAGE_SIZE};
use crate::error::{internal, AppError};
use crate::i18n::{td_string, Locale};
use crate::mail::templates::locale_of;
use crate::server::state::AppState;
use crate::site::Lang;
use sqlx::{AnyPool, Row};

/// Counts per purpose, in one query: (purpose, column of the count).
const COUNTS: [(Purpose, &str); 16] = [
    (Purpose::Account, "sessions"),
    (Purpose::Account, "identities"),
    (Purpose::Requests, "requests"),
    (Purpose::Requests, "attachments"),
    (Purpose::Appointments, "appointments"),
    (Purpose::Appointments, "waits"),
    (Purpose::Forum, "proposals"),
    (Purpose::Forum, "comments"),
    (Purpose::Forum, "supports"),
    (Purpose::Forum, "follows"),
    (Purpose::Surveys, "responses"),
    (Purpose::Notifications, "notifications"),
    (Purpose::Consents, "consent_events"),
    (Purpose::Security, "log_lines"),
    (Purpose::Security, "accesses"),
    (Purpose::DataRequests, "data_requests"),
];

const COUNTS_SQL: &str = "SELECT \
    (SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2) AS sessions, \
    (SELECT COUNT(*) FROM user_identities WHERE user_id = $1) AS identities, \
    (SELECT COUNT(*) FROM service_requests WHERE user_id = $1) AS requests, \
    (SELECT COUNT(*) FROM request_attachments a JOIN service_requests r ON r.id = a.request_id \
       WHERE r.user_id = $1) AS attachments, \
    (SELECT COUNT(*) FROM appointments WHERE user_id = $1) AS appointments, \
    (SELECT COUNT(*) FROM appointment_waits WHERE user_id = $1) AS waits, \
    (SELECT COUNT(*) FROM proposals WHERE author_id = $1) AS proposals, \
    (SELECT COUNT(*) FROM proposal_comments WHERE author_id = $1 AND deleted_at IS NULL) AS comments, \
    (SELECT COUNT(*) FROM proposal_supports WHERE user_id = $1) AS supports, \
    (SELECT COUNT(*) FROM proposal_follows WHERE user_id = $1) AS follows, \
    (SELECT COUNT(*) FROM survey_responses WHERE user_id = $1) AS responses, \
    (SELECT COUNT(*) FROM notifications WHERE user_id = $1) AS notifications, \
    (SELECT COUNT(*) FROM consent_events WHERE user_id = $1) AS consent_events, \
    (SELECT COUNT(*) FROM audit_log WHERE actor_user_id = $1 OR target_user_id = $1) AS log_lines, \
    (SELECT COUNT(*) FROM request_accesses a JOIN service_requests r ON r.id = a.request_id \
       WHERE r.user_id = $1) AS accesses, \
    (SELECT COUNT(*) FROM data_requests WHERE user_id = $1) AS data_requests";

/// The translated name of a count.
fn count_label(locale: Locale, column: &str) -> String {
    match column {
        "sessions" => td_string!(locale, my_data.count_sessions),
        "identities" => td_string!(locale, my_data.count_identities),
        "requests" => td_string!(locale, my_data.count_requests),
        "attachments" => td_string!(locale, my_data.count_attachments),
        "appointments" => td_string!(locale, my_data.count_appointments),
        "waits" => td_string!(locale, my_data.count_waits),
        "proposals" => td_string!(locale, my_data.count_proposals),
        "comments" => td_string!(locale, my_data.count_comments),
        "supports" => td_string!(locale, my_data.count_supports),
        "follows" => td_string!(locale, my_data.count_follows),
        "responses" => td_string!(locale, my_data.count_responses),
        "notifications" => td_string!(locale, my_data.count_notifications),
        "consent_events" => td_string!(locale, my_data.count_consent_events),
        "log_lines" => td_string!(locale, my_data.count_log_lines),
        "data_requests" => td_string!(locale, my_data.count_data_requests),
        _ => td_string!(locale, my_data.count_accesses),
    }
    .to_string()
}

/// How much each purpose holds about `user_id`, with names in `lang`.
pub async fn holdings(
    pool: &AnyPool,
    user_id: i64,
    now_ms: i64,
    lang: Lang,
) -> sqlx::Result<Vec<Holding>> {
    let row = sqlx::query(COUNTS_SQL)
        .bind(user_id)
        .bind(now_ms)
        .fetch_one(pool)
        .await?;
    let locale = locale_of(lang);
    let mut holdings: Vec<Holding> = Vec::new();
    for (purpose, column) in COUNTS {
        let count: i64 = row.try_get(column)?;
        let line = (count_label(locale, column), count);
        match holdings.iter_mut().find(|h| h.purpose == purpose) {
            Some(holding) => holding.counts.push(line),
            None => holdings.push(Holding {
                purpose,
                counts: vec![line],
            }),
        }
    }
    Ok(holdings)
}

/// Page `page` (1-based) of the agents' openings of `user_id`'s requests, newest first,
/// and the number of pages.
pub async fn accesses(
    pool: &AnyPool,
    user_id: i64,
    page: i64,
) -> sqlx::Result<(Vec<Access>, i64, i64)> {
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_accesses a JOIN service_requests r ON r.id = a.request_id \
         WHERE r.user_id = $1",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    let pages = ((total + ACCESS_PAGE_SIZE - 1) / ACCESS_PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let rows = sqlx::query(
        "SELECT a.accessed_at, u.display_name AS agent, s.title AS service, r.reference, r.id \
         FROM request_accesses a JOIN service_requests r ON r.id = a.request_id \
         JOIN services s ON s.id = r.service_id LEFT JOIN users u ON u.id = a.agent_id \
         WHERE r.user_id = $1 ORDER BY a.accessed_at DESC, a.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(user_id)
    .bind(ACCESS_PAGE_SIZE)
    .bind((page - 1) * ACCESS_PAGE_SIZE)
    .fetch_all(pool)
    .await?;
    let list: Vec<Access> = rows
        .iter()
        .map(|row| {
            Ok(Access {
                agent: row.try_get("agent")?,
                service: row.try_get("service")?,
                reference: row.try_get("reference")?,
                request_id: row.try_get("id")?,
                at_ms: row.try_get("accessed_at")?,
            })
        })
        .collect::<sqlx::Result<_>>()?;
    Ok((list, page, pages))
}

/// Everything `/mon-espace/donnees` shows `user_id`.
pub async fn my_data(
    state: &AppState,
    user_id: i64,
    access_page: i64,
    lang: Lang,
) -> Result<MyData, AppError> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let (accesses, access_page, access_pages) = accesses(pool, user_id, access_page)
        .await
        .map_err(internal)?;
    Ok(MyData {
        holdings: holdings(pool, user_id, now, lang).await.map_err(internal)?,
        consents: super::consents::states(pool, user_id)
            .await
            .map_err(internal)?,
        ledger: super::consents::ledger(pool, user_id, 50)
            .await
            .map_err(internal)?,
        export: super::export::latest(pool, user_id)
            .await
            .map_err(internal)?,
        erasure: super::erasure::plan(pool, user_id)
            .await
            .map_err(internal)?,
        accesses,
        access_page,
        access_pages,
        data_requests: super::dpo::mine(pool, user_id, now)
            .await
            .map_err(internal)?,
    })
}
