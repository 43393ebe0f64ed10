//! Account rules: one account per e-mail, passwords stored as argon2id hashes only.

use super::model::{Email, NewPassword, Role};
use super::repo::{self, UserRow};
use crate::server::clock::Clock;
use crate::server::db::Db;
use anyhow::Context;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account already uses this e-mail address")]
    EmailTaken,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Hashes a password with argon2id (OWASP parameters: 19 MiB, 2 passes).
pub fn hash_password(password: &NewPassword) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))
}

/// True when `candidate` matches the stored hash.
pub fn verify_password(stored_hash: &str, candidate: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Creates an account. Hashing runs off the async workers (it takes ~50 ms of CPU).
pub async fn create_user(
    db: &Db,
    clock: &Clock,
    email: &Email,
    display_name: &str,
    role: Role,
    password: NewPassword,
) -> Result<i64, CreateUserError> {
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .context("password hashing task")??;
    let name = display_name.trim();
    let name = if name.is_empty() {
        email.as_str()
    } else {
        name
    };
    repo::insert_user(db.pool(), email, name, role, &hash, clock.now_ms())
        .await
        .context("inserting a user")?
        .ok_or(CreateUserError::EmailTaken)
}

/// Looks an account up by e-mail.
pub async fn find_user(db: &Db, email: &Email) -> anyhow::Result<Option<UserRow>> {
    repo::find_by_email(db.pool(), email)
        .await
        .context("finding a user")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(raw: &str) -> Email {
        Email::parse(raw).expect("valid test e-mail")
    }

    fn password() -> NewPassword {
        NewPassword::parse("correct horse battery staple").expect("valid test password")
    }

    crate::db_test!(a_created_account_can_be_found_with_its_role, |db| {
        let clock = Clock::fixed(1_700_000_000_000);
        let id = create_user(
            &db,
            &clock,
            &email("Agent@Mairie.example"),
            "Agnès",
            Role::Agent,
            password(),
        )
        .await
        .expect("created");
        let found = find_user(&db, &email("agent@mairie.example"))
            .await
            .expect("query")
            .expect("exists");
        assert_eq!(found.id, id);
        assert_eq!(found.role, Role::Agent);
        assert_eq!(found.display_name, "Agnès");
    });

    crate::db_test!(a_second_account_with_the_same_email_is_refused, |db| {
        let clock = Clock::default();
        create_user(
            &db,
            &clock,
            &email("a@b.example"),
            "A",
            Role::Citizen,
            password(),
        )
        .await
        .expect("first");
        let second = create_user(
            &db,
            &clock,
            &email("A@B.example"),
            "B",
            Role::Admin,
            password(),
        )
        .await;
        assert!(matches!(second, Err(CreateUserError::EmailTaken)));
    });

    crate::db_test!(passwords_are_stored_as_argon2id_hashes_only, |db| {
        let clock = Clock::default();
        let address = email("c@d.example");
        create_user(&db, &clock, &address, "", Role::Citizen, password())
            .await
            .expect("created");
        let hash = repo::password_hash(db.pool(), &address)
            .await
            .expect("query")
            .expect("row");
        assert!(hash.starts_with("$argon2id$"), "stored: {hash}");
        assert!(!hash.contains("correct horse"));
        assert!(verify_password(&hash, "correct horse battery staple"));
        assert!(!verify_password(&hash, "wrong horse battery staple"));
    });
}
