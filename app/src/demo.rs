//! Demo data of the fictional commune of Saint-Aubin-du-Parvis, loaded by
//! `parvis demo-data`. Idempotent: running it again changes nothing. Later features add
//! their own demo content here (services, proposals, surveys…).

use crate::accounts::model::{Email, NewPassword, Role};
use crate::accounts::service::{create_user, CreateUserError};
use crate::server::clock::Clock;
use crate::server::db::Db;
use anyhow::Context;

/// Password of every demo account (never use the demo data on a real instance).
pub const DEMO_PASSWORD: &str = "demo-parvis-2026";

/// A demo account: e-mail, display name, role.
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    (
        "admin@saint-aubin-du-parvis.example",
        "Administratrice du portail",
        Role::Admin,
    ),
    (
        "agent.etat-civil@saint-aubin-du-parvis.example",
        "Agnès Roussel (état civil)",
        Role::Agent,
    ),
    (
        "moderation@saint-aubin-du-parvis.example",
        "Malik Perrin (modération)",
        Role::Moderator,
    ),
    (
        "camille.martin@example.org",
        "Camille Martin",
        Role::Citizen,
    ),
    ("yanis.benali@example.org", "Yanis Benali", Role::Citizen),
];

/// What a demo-data run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub created_accounts: usize,
    pub existing_accounts: usize,
}

/// Loads the demo commune's data into `db`.
pub async fn load(db: &Db, clock: &Clock) -> anyhow::Result<DemoReport> {
    let mut report = DemoReport::default();
    for (email, name, role) in DEMO_ACCOUNTS {
        let email =
            Email::parse(email).map_err(|key| anyhow::anyhow!("demo e-mail {email}: {key}"))?;
        let password = NewPassword::parse(DEMO_PASSWORD)
            .map_err(|key| anyhow::anyhow!("demo password: {key}"))?;
        match create_user(db, clock, &email, name, *role, password).await {
            Ok(_) => report.created_accounts += 1,
            Err(CreateUserError::EmailTaken) => report.existing_accounts += 1,
            Err(CreateUserError::Internal(err)) => {
                return Err(err).context(format!("creating demo account {}", email.as_str()))
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::db_test!(demo_data_can_be_loaded_twice_without_duplicates, |db| {
        let clock = Clock::default();
        let first = load(&db, &clock).await.expect("first load");
        assert_eq!(first.created_accounts, DEMO_ACCOUNTS.len());
        let second = load(&db, &clock).await.expect("second load");
        assert_eq!(
            second,
            DemoReport {
                created_accounts: 0,
                existing_accounts: DEMO_ACCOUNTS.len()
            }
        );
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(db.pool())
            .await
            .expect("count");
        assert_eq!(count as usize, DEMO_ACCOUNTS.len());
    });
}
