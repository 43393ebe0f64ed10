//! Account rules: one account per e-mail, passwords stored as argon2id hashes only.

use super::model::{Email, NewPassword, Role};
use super::repo::{self, UserRow};
use crate::server::clock::Clock;
use crate::server::db::Db;
use anyhow::Context;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account already uses this e-mail address")]
    EmailTaken,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// argon2id with the OWASP parameters: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id. CPU-heavy: call it through [`hash_password_async`].
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))
}

/// True when `candidate` matches the stored hash. CPU-heavy: see [`verify_password_async`].
pub fn verify_password(stored_hash: &str, candidate: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            argon2()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes off the async workers (about 50 ms of CPU each), in the bounded hashing pool.
pub async fn hash_password_async(password: &NewPassword) -> anyhow::Result<String> {
    let secret = password.expose().to_owned();
    crate::server::hashing::run(move || hash_password(&secret))
        .await
        .context("password hashing task")?
}

/// A fixed hash checked when the account does not exist, so that an unknown e-mail
/// costs the same time as a wrong password.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("parvis-timing-equaliser").unwrap_or_default());

/// Verifies off the async workers, in the bounded hashing pool. `None` as the stored
/// hash still spends the time. Fails only when the pool stays saturated.
pub async fn verify_password_async(
    stored_hash: Option<String>,
    candidate: &str,
) -> anyhow::Result<bool> {
    let candidate = candidate.to_owned();
    crate::server::hashing::run(move || match stored_hash {
        Some(hash) => verify_password(&hash, &candidate),
        None => {
            let _ = verify_password(&DUMMY_HASH, &candidate);
            false
        }
    })
    .await
}

/// Creates an account whose e-mail is already trusted (command line, demo data).
pub async fn create_user(
    db: &Db,
    clock: &Clock,
    email: &Email,
    display_name: &str,
    role: Role,
    password: NewPassword,
) -> Result<i64, CreateUserError> {
    // Trusted callers (command line, demo data): their turn in the hashing pool, however
    // long the queue.
    let secret = password.expose().to_owned();
    let hash = crate::server::hashing::run_patiently(move || hash_password(&secret))
        .await
        .context("password hashing task")??;
    let now = clock.now_ms();
    let name = display_name.trim();
    let name = if name.is_empty() {
        email.as_str()
    } else {
        name
    };
    let id = repo::insert_user(db.pool(), email, name, Some(&hash), Some(now), now)
        .await
        .context("inserting a user")?
        .ok_or(CreateUserError::EmailTaken)?;
    if role != Role::Citizen {
        repo::grant_role(db.pool(), id, role, now)
            .await
            .context("granting the initial role")?;
    }
    Ok(id)
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
        assert_eq!(found.roles, vec![Role::Agent]);
        assert_eq!(found.display_name, "Agnès");
        assert!(found.email_verified);
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
        let id = create_user(&db, &clock, &address, "", Role::Citizen, password())
            .await
            .expect("created");
        let hash = repo::password_hash(db.pool(), id)
            .await
            .expect("query")
            .expect("row");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "stored: {hash}"
        );
        assert!(!hash.contains("correct horse"));
        let check = |stored: Option<String>, candidate: &'static str| async move {
            verify_password_async(stored, candidate)
                .await
                .expect("a free hashing slot")
        };
        assert!(check(Some(hash.clone()), "correct horse battery staple").await);
        assert!(!check(Some(hash), "wrong horse battery staple").await);
        assert!(!check(None, "correct horse battery staple").await);
    });
}
