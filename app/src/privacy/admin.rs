//! The commune's side of the privacy centre: the administrators' page (the DPO's queue,
//! retention periods, the purge log, the terms in force) and the processing register in
//! the reader's language.

use super::model::{Category, PrivacyAdmin, RegisterLine};
use super::register::{Basis, Retention, REGISTER};
use crate::error::{internal, AppError};
use crate::i18n::td_string;
use crate::mail::templates::locale_of;
use crate::server::state::AppState;
use crate::site::Lang;

/// What `/admin/donnees` shows.
pub async fn privacy_admin(state: &AppState) -> Result<PrivacyAdmin, AppError> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let mut retention = Vec::new();
    for category in Category::ALL {
        let months = super::retention::months(pool, category)
            .await
            .map_err(internal)?;
        retention.push((category, months, category.default_months()));
    }
    let purges = super::retention::log(pool, 30)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|line| (line.ran_at, line.category, line.purged))
        .collect();
    Ok(PrivacyAdmin {
        requests: super::dpo::queue(pool, now).await.map_err(internal)?,
        retention,
        purges,
        terms: super::consents::current_terms(pool)
            .await
            .map_err(internal)?,
    })
}

/// The register in `lang`, with the periods in force.
pub async fn register_lines(state: &AppState, lang: Lang) -> Result<Vec<RegisterLine>, AppError> {
    use super::model::Purpose;
    let pool = state.db.pool();
    let locale = locale_of(lang);
    let (shortest, longest): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(retention_months), MAX(retention_months) FROM services")
            .fetch_one(pool)
            .await
            .map_err(internal)?;
    let mut lines = Vec::new();
    for treatment in REGISTER {
        let basis = match treatment.basis {
            Basis::Contract => td_string!(locale, register.basis_contract),
            Basis::LegalObligation => td_string!(locale, register.basis_legal),
            Basis::PublicTask => td_string!(locale, register.basis_public),
            Basis::Consent => td_string!(locale, register.basis_consent),
        }
        .to_string();
        let retention = match treatment.retention {
            Retention::AccountLifetime => td_string!(locale, register.keep_account).to_string(),
            Retention::PerService => {
                let (from, to) = (shortest.unwrap_or(0), longest.unwrap_or(0));
                td_string!(locale, register.keep_service, from = from, to = to).to_string()
            }
            Retention::Category(category) => {
                let months = super::retention::months(pool, category)
                    .await
                    .map_err(internal)?;
                td_string!(locale, register.keep_months, months = months).to_string()
            }
        };
        let (data, recipients) = match treatment.purpose {
            Purpose::Account => (
                td_string!(locale, register.data_account),
                td_string!(locale, register.to_staff),
            ),
            Purpose::Requests => (
                td_string!(locale, register.data_requests),
                td_string!(locale, register.to_service),
            ),
            Purpose::Appointments => (
                td_string!(locale, register.data_appointments),
                td_string!(locale, register.to_service),
            ),
            Purpose::Forum => (
                td_string!(locale, register.data_forum),
                td_string!(locale, register.to_public),
            ),
            Purpose::Surveys => (
                td_string!(locale, register.data_surveys),
                td_string!(locale, register.to_staff),
            ),
            Purpose::Notifications => (
                td_string!(locale, register.data_notifications),
                td_string!(locale, register.to_self),
            ),
            Purpose::Consents => (
                td_string!(locale, register.data_consents),
                td_string!(locale, register.to_dpo),
            ),
            Purpose::Security => (
                td_string!(locale, register.data_security),
                td_string!(locale, register.to_it),
            ),
            Purpose::DataRequests => (
                td_string!(locale, register.data_dpo),
                td_string!(locale, register.to_dpo),
            ),
        };
        lines.push(RegisterLine {
            purpose: treatment.purpose,
            basis,
            data: data.to_string(),
            recipients: recipients.to_string(),
            retention,
        });
    }
    Ok(lines)
}

/// Sets a category's period from the administrators' form.
pub async fn set_retention(
    state: &AppState,
    raw_category: &str,
    raw_months: &str,
) -> Result<(), AppError> {
    let category = Category::parse(raw_category).ok_or(AppError::NotFound)?;
    super::retention::set_months(state.db.pool(), category, raw_months)
        .await
        .map(|_| ())
}
