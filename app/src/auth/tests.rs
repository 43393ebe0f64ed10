//! Sign-in rules, on SQLite and PostgreSQL.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::model::TokenPurpose;
use super::service;
use super::service::*;
use crate::accounts::model::{Email, NewPassword, Role};
use crate::accounts::service::create_user;
use crate::error::AppError;
use crate::mail::outbox;
use crate::server::clock::Clock;
use crate::server::db::Db;
use crate::server::ratelimit::Limit;
use crate::server::state::AppState;
use crate::site::Lang;

const PASSWORD: &str = "Le héron pêche au bord du canal";

fn state(db: &Db) -> AppState {
    AppState::detached(
        db.clone(),
        url::Url::parse("https://portail.example").expect("url"),
        Clock::fixed(1_800_000_000_000),
    )
}

/// A confirmed resident account with the test password; its id.
async fn resident(db: &Db, state: &AppState, email: &str) -> i64 {
    let email = Email::parse(email).expect("valid e-mail");
    let password = NewPassword::parse(PASSWORD).expect("valid password");
    create_user(
        db,
        &state.clock,
        &email,
        "Résident",
        Role::Citizen,
        password,
    )
    .await
    .expect("user")
}

fn sign_up_form(email: &str) -> SignUp {
    SignUp::parse("Léa", email, PASSWORD, "Saint-Aubin-du-Parvis").expect("valid form")
}

async fn mails(db: &Db) -> Vec<outbox::QueuedMail> {
    outbox::due(db, i64::MAX, 100).await.expect("outbox")
}

/// The token of the last mailed link, read back from the queued mail.
async fn last_token(db: &Db) -> String {
    let mail = mails(db).await.pop().expect("a mail");
    let start = mail.text_body.find("jeton=").expect("a link") + "jeton=".len();
    mail.text_body[start..]
        .split_whitespace()
        .next()
        .expect("token")
        .to_owned()
}

#[test]
fn guessable_passwords_are_refused() {
    let words = personal_words(
        "lea.dupont@example.org",
        "Léa Dupont",
        "Saint-Aubin-du-Parvis",
    );
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    for weak in [
        "azertyuiop123",
        "motdepasse2026",
        "saintaubinduparvis",
        "123456789012",
        "leadupont2026",
    ] {
        let password = NewPassword::parse(weak).expect("long enough");
        assert!(
            check_password_strength(&password, &words).is_err(),
            "{weak} should be refused"
        );
    }
    let strong = NewPassword::parse(PASSWORD).expect("long enough");
    assert!(check_password_strength(&strong, &[]).is_ok());
}

#[test]
fn sign_up_reports_every_bad_field_at_once() {
    let Err(AppError::Validation(errors)) = SignUp::parse(" ", "nope", "short", "X") else {
        panic!("expected validation errors");
    };
    assert_eq!(
        errors.keys().map(String::as_str).collect::<Vec<_>>(),
        ["display_name", "email", "password"]
    );
}

#[test]
fn tokens_are_random_and_stored_hashed() {
    let (a, hash_a) = new_token();
    let (b, _) = new_token();
    assert_ne!(a, b);
    assert!(a.len() >= 43);
    assert_eq!(hash_a, token_hash(&a));
    assert!(!hash_a.contains(&a));
}

crate::db_test!(sign_up_then_confirm_then_sign_in, |db| {
    let state = state(&db);
    service::sign_up(&state, sign_up_form("lea@example.org"), Lang::Fr, "1.2.3.4")
        .await
        .expect("signed up");
    let unverified =
        service::sign_in(&state, "lea@example.org", PASSWORD, "1.2.3.4", Lang::Fr).await;
    assert_eq!(
        unverified.err(),
        Some(AppError::field("email", "errors.email_unverified"))
    );

    let token = last_token(&db).await;
    service::confirm_email(&state, &token)
        .await
        .expect("confirmed");
    assert_eq!(
        service::confirm_email(&state, &token).await,
        Err(AppError::field("token", "errors.link_invalid")),
        "a link serves once"
    );
    let user = service::sign_in(&state, "LEA@example.org", PASSWORD, "1.2.3.4", Lang::Fr)
        .await
        .expect("signed in");
    assert_eq!(user.display_name, "Léa");
    assert!(user.email_verified);
});

crate::db_test!(a_taken_address_answers_alike_and_mails_its_owner, |db| {
    let state = state(&db);
    service::sign_up(&state, sign_up_form("a@example.org"), Lang::Fr, "ip")
        .await
        .expect("first");
    service::sign_up(&state, sign_up_form("a@example.org"), Lang::En, "ip")
        .await
        .expect("same answer for a taken address");
    let sent = mails(&db).await;
    assert_eq!(sent.len(), 2);
    assert!(
        sent[1].subject.starts_with("Your account"),
        "{}",
        sent[1].subject
    );
});

crate::db_test!(wrong_passwords_and_unknown_emails_fail_alike, |db| {
    let state = state(&db);
    resident(&db, &state, "c@example.org").await;
    let wrong = service::sign_in(&state, "c@example.org", "not the password", "ip", Lang::Fr).await;
    let unknown = service::sign_in(&state, "x@example.org", PASSWORD, "ip", Lang::Fr).await;
    assert_eq!(wrong.err(), unknown.err());
});

crate::db_test!(sign_in_is_limited_per_address_of_the_requester, |db| {
    let state = state(&db);
    for _ in 0..6 {
        let _ = service::sign_in(&state, "x@example.org", "whatever", "9.9.9.9", Lang::Fr).await;
    }
    assert_eq!(
        service::sign_in(&state, "x@example.org", "whatever", "9.9.9.9", Lang::Fr)
            .await
            .err(),
        Some(AppError::RateLimited)
    );
    // Another requester is not affected.
    assert_ne!(
        service::sign_in(&state, "x@example.org", "whatever", "8.8.8.8", Lang::Fr)
            .await
            .err(),
        Some(AppError::RateLimited)
    );
});

crate::db_test!(
    failures_slow_an_account_down_but_never_lock_its_owner_out,
    |db| {
        let state = state(&db);
        resident(&db, &state, "v@example.org").await;
        // An attacker fails many times from many addresses…
        for i in 0..12 {
            let _ = service::sign_in(
                &state,
                "v@example.org",
                "guess",
                &format!("10.0.0.{i}"),
                Lang::Fr,
            )
            .await;
        }
        // …the owner still gets in, only slower.
        let started = std::time::Instant::now();
        service::sign_in(&state, "v@example.org", PASSWORD, "192.168.1.1", Lang::Fr)
            .await
            .expect("the owner signs in");
        assert!(started.elapsed() >= std::time::Duration::from_millis(1_000));
    }
);

crate::db_test!(sign_up_is_limited_per_ip_per_day, |db| {
    let state = state(&db);
    for i in 0..3 {
        service::sign_up(
            &state,
            sign_up_form(&format!("u{i}@example.org")),
            Lang::Fr,
            "5.5.5.5",
        )
        .await
        .expect("allowed");
    }
    assert_eq!(
        service::sign_up(&state, sign_up_form("u9@example.org"), Lang::Fr, "5.5.5.5").await,
        Err(AppError::RateLimited)
    );
    state.clock.advance_ms(Limit::DAY);
    service::sign_up(&state, sign_up_form("u9@example.org"), Lang::Fr, "5.5.5.5")
        .await
        .expect("the next day");
});

crate::db_test!(
    reset_links_change_the_password_once_and_end_sessions,
    |db| {
        let state = state(&db);
        let id = resident(&db, &state, "r@example.org").await;
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at, user_id) VALUES ('s1', '{}', $1, $2)",
        )
        .bind(i64::MAX)
        .bind(id)
        .execute(db.pool())
        .await
        .expect("a session");
        request_link(
            &state,
            LinkRequest::ResetPassword,
            "r@example.org",
            "ip",
            Lang::Fr,
        )
        .await
        .expect("requested");
        request_link(
            &state,
            LinkRequest::ResetPassword,
            "nobody@example.org",
            "ip",
            Lang::Fr,
        )
        .await
        .expect("same answer for an unknown address");
        assert_eq!(
            mails(&db).await.len(),
            1,
            "nothing mailed for an unknown address"
        );
        let token = last_token(&db).await;
        assert!(matches!(
            reset_password(&state, &token, "short").await,
            Err(AppError::Validation(_))
        ));
        let new_password = "Une autre phrase de passe bien longue";
        reset_password(&state, &token, new_password)
            .await
            .expect("reset (a weak try did not burn the link)");
        assert!(
            reset_password(&state, &token, new_password).await.is_err(),
            "single use"
        );
        let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("count");
        assert_eq!(sessions, 0);
        service::sign_in(&state, "r@example.org", new_password, "ip", Lang::Fr)
            .await
            .expect("new password works");
    }
);

crate::db_test!(magic_links_expire_after_fifteen_minutes, |db| {
    let state = state(&db);
    resident(&db, &state, "m@example.org").await;
    request_link(
        &state,
        LinkRequest::MagicLink,
        "m@example.org",
        "ip",
        Lang::Fr,
    )
    .await
    .expect("requested");
    let token = last_token(&db).await;
    state
        .clock
        .advance_ms(TokenPurpose::MagicLink.lifetime_ms() + 1);
    assert!(use_magic_link(&state, &token).await.is_err());
    request_link(
        &state,
        LinkRequest::MagicLink,
        "m@example.org",
        "ip",
        Lang::Fr,
    )
    .await
    .expect("requested again");
    let token = last_token(&db).await;
    let user = use_magic_link(&state, &token)
        .await
        .expect("fresh link works");
    assert_eq!(user.email, "m@example.org");
});

crate::db_test!(link_mails_are_limited_per_address_quietly, |db| {
    let state = state(&db);
    resident(&db, &state, "q@example.org").await;
    for _ in 0..5 {
        request_link(
            &state,
            LinkRequest::MagicLink,
            "q@example.org",
            "ip",
            Lang::Fr,
        )
        .await
        .expect("same answer");
    }
    assert_eq!(
        mails(&db).await.len(),
        3,
        "at most 3 per hour to one address"
    );
});

mod provider_identities {
    use super::*;
    use crate::auth::identity::account_for;
    use crate::auth::oidc::{OidcFailure, VerifiedIdentity};

    const ISSUER: &str = "https://fc.example/api/v2";

    fn identity(subject: &str, email: &str, email_verified: bool) -> VerifiedIdentity {
        VerifiedIdentity {
            issuer: ISSUER.into(),
            subject: subject.into(),
            email: Some(email.into()),
            email_verified,
            display_name: Some("Camille Martin".into()),
        }
    }

    crate::db_test!(
        a_first_sign_in_creates_an_account_keyed_on_the_subject,
        |db| {
            let state = state(&db);
            let camille = identity("sub-1", "camille@example.org", true);
            let user = account_for(&state, &camille, Lang::Fr)
                .await
                .expect("account");
            assert_eq!(user.display_name, "Camille Martin");
            assert_eq!(user.email, "camille@example.org");
            assert!(user.email_verified);
            assert!(
                mails(&db).await.is_empty(),
                "a vouched address needs no confirmation"
            );

            let moved = VerifiedIdentity {
                email: Some("nouvelle@example.org".into()),
                ..camille.clone()
            };
            let again = account_for(&state, &moved, Lang::Fr)
                .await
                .expect("account");
            assert_eq!(
                again.id, user.id,
                "a new address at the provider keeps the account"
            );

            let elsewhere = VerifiedIdentity {
                issuer: "https://autre-fournisseur.example".into(),
                ..moved
            };
            let other = account_for(&state, &elsewhere, Lang::Fr)
                .await
                .expect("account");
            assert_ne!(other.id, user.id, "identities are per issuer");

            let no_password =
                service::sign_in(&state, "camille@example.org", "", "1.2.3.4", Lang::Fr).await;
            assert!(no_password.is_err(), "a provider account has no password");
        }
    );

    crate::db_test!(a_vouched_address_links_the_existing_account, |db| {
        let state = state(&db);
        let id = resident(&db, &state, "lea@example.org").await;
        let user = account_for(
            &state,
            &identity("sub-2", "lea@example.org", true),
            Lang::Fr,
        )
        .await
        .expect("linked");
        assert_eq!(user.id, id);
        assert_eq!(
            user.display_name, "Résident",
            "the account keeps its own name"
        );
        service::sign_in(&state, "lea@example.org", PASSWORD, "1.2.3.4", Lang::Fr)
            .await
            .expect("the owner's password still works");
    });

    crate::db_test!(
        an_address_the_provider_does_not_vouch_for_is_not_linked,
        |db| {
            let state = state(&db);
            resident(&db, &state, "lea@example.org").await;
            let unvouched = identity("sub-3", "lea@example.org", false);
            for _ in 0..2 {
                let result = account_for(&state, &unvouched, Lang::Fr).await;
                assert_eq!(result.err(), Some(OidcFailure::AccountExists));
            }
        }
    );

    crate::db_test!(
        a_squatted_unconfirmed_account_loses_the_squatter_password,
        |db| {
            let state = state(&db);
            // Someone signs up with Léa's address and never confirms it.
            service::sign_up(&state, sign_up_form("lea@example.org"), Lang::Fr, "6.6.6.6")
                .await
                .expect("signed up");
            let user = account_for(
                &state,
                &identity("sub-4", "lea@example.org", true),
                Lang::Fr,
            )
            .await
            .expect("linked");
            assert!(user.email_verified);
            let squatter =
                service::sign_in(&state, "lea@example.org", PASSWORD, "6.6.6.6", Lang::Fr).await;
            assert_eq!(
                squatter.err(),
                Some(AppError::field("email", "errors.sign_in_failed"))
            );
        }
    );

    crate::db_test!(
        a_new_account_with_an_unvouched_address_is_asked_to_confirm_it,
        |db| {
            let state = state(&db);
            let user = account_for(
                &state,
                &identity("sub-5", "noe@example.org", false),
                Lang::Fr,
            )
            .await
            .expect("created");
            assert!(!user.email_verified);
            let sent = mails(&db).await;
            assert_eq!(sent.len(), 1);
            assert_eq!(sent[0].to_address, "noe@example.org");
        }
    );

    crate::db_test!(a_provider_giving_no_address_cannot_open_an_account, |db| {
        let state = state(&db);
        let anonymous = VerifiedIdentity {
            email: None,
            ..identity("sub-6", "", true)
        };
        let result = account_for(&state, &anonymous, Lang::Fr).await;
        assert_eq!(result.err(), Some(OidcFailure::NoEmail));
    });
}
