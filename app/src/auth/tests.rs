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
/// The hash of the secret of the browser signing up in these tests.
const BROWSER: &str = "hash-of-the-browser-secret";

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
    service::sign_up(
        &state,
        sign_up_form("lea@example.org"),
        Lang::Fr,
        "1.2.3.4",
        BROWSER,
    )
    .await
    .expect("signed up");
    let unverified = service::sign_in(
        &state,
        "lea@example.org",
        PASSWORD,
        "1.2.3.4",
        Lang::Fr,
        BROWSER,
    )
    .await;
    assert_eq!(
        unverified.err(),
        Some(AppError::field("email", "errors.email_unverified"))
    );

    let token = last_token(&db).await;
    service::confirm_email(&state, &token, Some(BROWSER))
        .await
        .expect("confirmed");
    assert_eq!(
        service::confirm_email(&state, &token, Some(BROWSER)).await,
        Err(AppError::field("token", "errors.link_invalid")),
        "a link serves once"
    );
    let user = service::sign_in(
        &state,
        "LEA@example.org",
        PASSWORD,
        "1.2.3.4",
        Lang::Fr,
        BROWSER,
    )
    .await
    .expect("signed in");
    assert_eq!(user.display_name, "Léa");
    assert!(user.email_verified);
});

crate::db_test!(a_taken_address_answers_alike_and_mails_its_owner, |db| {
    let state = state(&db);
    service::sign_up(
        &state,
        sign_up_form("a@example.org"),
        Lang::Fr,
        "ip",
        BROWSER,
    )
    .await
    .expect("first");
    service::sign_up(
        &state,
        sign_up_form("a@example.org"),
        Lang::En,
        "ip",
        BROWSER,
    )
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
    let wrong = service::sign_in(
        &state,
        "c@example.org",
        "not the password",
        "ip",
        Lang::Fr,
        BROWSER,
    )
    .await;
    let unknown =
        service::sign_in(&state, "x@example.org", PASSWORD, "ip", Lang::Fr, BROWSER).await;
    assert_eq!(wrong.err(), unknown.err());
});

crate::db_test!(sign_in_is_limited_per_address_of_the_requester, |db| {
    let state = state(&db);
    for _ in 0..6 {
        let _ = service::sign_in(
            &state,
            "x@example.org",
            "whatever",
            "9.9.9.9",
            Lang::Fr,
            BROWSER,
        )
        .await;
    }
    assert_eq!(
        service::sign_in(
            &state,
            "x@example.org",
            "whatever",
            "9.9.9.9",
            Lang::Fr,
            BROWSER
        )
        .await
        .err(),
        Some(AppError::RateLimited)
    );
    // Another requester is not affected.
    assert_ne!(
        service::sign_in(
            &state,
            "x@example.org",
            "whatever",
            "8.8.8.8",
            Lang::Fr,
            BROWSER
        )
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
                BROWSER,
            )
            .await;
        }
        // …the owner still gets in, only slower.
        let started = std::time::Instant::now();
        service::sign_in(
            &state,
            "v@example.org",
            PASSWORD,
            "192.168.1.1",
            Lang::Fr,
            BROWSER,
        )
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
            BROWSER,
        )
        .await
        .expect("allowed");
    }
    assert_eq!(
        service::sign_up(
            &state,
            sign_up_form("u9@example.org"),
            Lang::Fr,
            "5.5.5.5",
            BROWSER
        )
        .await,
        Err(AppError::RateLimited)
    );
    state.clock.advance_ms(Limit::DAY);
    service::sign_up(
        &state,
        sign_up_form("u9@example.org"),
        Lang::Fr,
        "5.5.5.5",
        BROWSER,
    )
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
        service::sign_in(
            &state,
            "r@example.org",
            new_password,
            "ip",
            Lang::Fr,
            BROWSER,
        )
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

            let no_password = service::sign_in(
                &state,
                "camille@example.org",
                "",
                "1.2.3.4",
                Lang::Fr,
                BROWSER,
            )
            .await;
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
        service::sign_in(
            &state,
            "lea@example.org",
            PASSWORD,
            "1.2.3.4",
            Lang::Fr,
            BROWSER,
        )
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
            service::sign_up(
                &state,
                sign_up_form("lea@example.org"),
                Lang::Fr,
                "6.6.6.6",
                BROWSER,
            )
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
            let squatter = service::sign_in(
                &state,
                "lea@example.org",
                PASSWORD,
                "6.6.6.6",
                Lang::Fr,
                BROWSER,
            )
            .await;
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

mod proofs_of_the_address {
    //! A password only works if whoever set it proved the address (issue 22, item 1);
    //! changing the address or the password revokes links and other sessions (item 2).
    use super::*;

    async fn sessions_of(db: &Db, id: i64) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("count")
    }

    async fn open_session(db: &Db, session: &str, id: i64) {
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at, user_id) VALUES ($1, '{}', $2, $3)",
        )
        .bind(session)
        .bind(i64::MAX)
        .bind(id)
        .execute(db.pool())
        .await
        .expect("a session");
    }

    /// Resident `id` as the pages of their account see them.
    fn signed_in(id: i64, email: &str) -> crate::auth::model::CurrentUser {
        crate::auth::model::CurrentUser {
            id,
            display_name: "Résident".into(),
            email: email.into(),
            roles: vec![],
            unread_notifications: 0,
        }
    }

    /// A stranger signs up with Léa's address and a password of their choice.
    async fn squatted(state: &AppState) {
        service::sign_up(
            state,
            sign_up_form("lea@example.org"),
            Lang::Fr,
            "6.6.6.6",
            "the-stranger's-browser",
        )
        .await
        .expect("signed up");
    }

    async fn stranger_signs_in(
        state: &AppState,
    ) -> Result<crate::accounts::repo::UserRow, AppError> {
        service::sign_in(
            state,
            "lea@example.org",
            PASSWORD,
            "6.6.6.6",
            Lang::Fr,
            "the-stranger's-browser",
        )
        .await
    }

    crate::db_test!(
        a_confirmation_opened_in_the_browser_that_signed_up_keeps_its_password,
        |db| {
            let state = state(&db);
            service::sign_up(
                &state,
                sign_up_form("lea@example.org"),
                Lang::Fr,
                "ip",
                BROWSER,
            )
            .await
            .expect("signed up");
            let token = last_token(&db).await;
            assert_eq!(
                service::confirm_email(&state, &token, Some(BROWSER)).await,
                Ok(Confirmed::Done)
            );
            service::sign_in(&state, "lea@example.org", PASSWORD, "ip", Lang::Fr, BROWSER)
                .await
                .expect("the password chosen at sign-up works");
        }
    );

    crate::db_test!(
        a_confirmation_opened_elsewhere_drops_the_password_chosen_before,
        |db| {
            let state = state(&db);
            squatted(&state).await;
            // Léa follows the confirmation link she received, in her own browser.
            let token = last_token(&db).await;
            let Ok(Confirmed::ChoosePassword(reset)) =
                service::confirm_email(&state, &token, Some("lea's-browser")).await
            else {
                panic!("Léa is asked to choose a password");
            };
            assert_eq!(
                stranger_signs_in(&state).await.err(),
                Some(AppError::field("email", "errors.sign_in_failed")),
                "the stranger's password no longer works"
            );
            let hers = "Une autre phrase de passe bien longue";
            reset_password(&state, &reset, hers)
                .await
                .expect("Léa chooses her password");
            service::sign_in(
                &state,
                "lea@example.org",
                hers,
                "ip",
                Lang::Fr,
                "lea's-browser",
            )
            .await
            .expect("Léa signs in");
            // Without any browser secret at all, the same holds.
            service::sign_up(
                &state,
                sign_up_form("noe@example.org"),
                Lang::Fr,
                "ip",
                BROWSER,
            )
            .await
            .expect("signed up");
            let token = last_token(&db).await;
            assert!(matches!(
                service::confirm_email(&state, &token, None).await,
                Ok(Confirmed::ChoosePassword(_))
            ));
        }
    );

    crate::db_test!(
        a_sign_in_link_to_a_squatted_account_drops_the_stranger_password,
        |db| {
            let state = state(&db);
            squatted(&state).await;
            request_link(
                &state,
                LinkRequest::MagicLink,
                "lea@example.org",
                "ip",
                Lang::Fr,
            )
            .await
            .expect("requested");
            let user = use_magic_link(&state, &last_token(&db).await)
                .await
                .expect("Léa signs in with the link");
            assert!(user.email_verified);
            assert_eq!(
                stranger_signs_in(&state).await.err(),
                Some(AppError::field("email", "errors.sign_in_failed"))
            );
        }
    );

    crate::db_test!(
        a_reset_link_to_a_squatted_account_replaces_the_stranger_password,
        |db| {
            let state = state(&db);
            squatted(&state).await;
            request_link(
                &state,
                LinkRequest::ResetPassword,
                "lea@example.org",
                "ip",
                Lang::Fr,
            )
            .await
            .expect("requested");
            let hers = "Une autre phrase de passe bien longue";
            reset_password(&state, &last_token(&db).await, hers)
                .await
                .expect("reset");
            assert!(stranger_signs_in(&state).await.is_err());
        }
    );

    crate::db_test!(
        changing_the_address_revokes_links_mailed_before_and_other_sessions,
        |db| {
            let state = state(&db);
            let id = resident(&db, &state, "old@example.org").await;
            open_session(&db, "here", id).await;
            open_session(&db, "elsewhere", id).await;
            request_link(
                &state,
                LinkRequest::ResetPassword,
                "old@example.org",
                "ip",
                Lang::Fr,
            )
            .await
            .expect("a reset mailed to the old address");
            let reset = last_token(&db).await;
            let user = signed_in(id, "old@example.org");
            crate::accounts::profile::request_email_change(
                &state,
                &user,
                "new@example.org",
                PASSWORD,
                Lang::Fr,
            )
            .await
            .expect("change asked");
            let change = last_token(&db).await;
            crate::accounts::profile::confirm_email_change(&state, &change, Some((id, "here")))
                .await
                .expect("confirmed");
            assert_eq!(
                reset_password(&state, &reset, "Une autre phrase de passe bien longue").await,
                Err(AppError::field("token", "errors.link_invalid")),
                "the reset mailed to the old address is dead"
            );
            assert_eq!(
                sessions_of(&db, id).await,
                1,
                "only the confirming browser stays"
            );
        }
    );

    crate::db_test!(changing_the_password_revokes_every_outstanding_link, |db| {
        let state = state(&db);
        let id = resident(&db, &state, "p@example.org").await;
        open_session(&db, "here", id).await;
        open_session(&db, "elsewhere", id).await;
        request_link(
            &state,
            LinkRequest::MagicLink,
            "p@example.org",
            "ip",
            Lang::Fr,
        )
        .await
        .expect("a sign-in link");
        let magic = last_token(&db).await;
        request_link(
            &state,
            LinkRequest::ResetPassword,
            "p@example.org",
            "ip",
            Lang::Fr,
        )
        .await
        .expect("a reset link");
        let reset = last_token(&db).await;
        let user = signed_in(id, "p@example.org");
        crate::accounts::profile::change_password(
            &state,
            &user,
            PASSWORD,
            "Une autre phrase de passe bien longue",
            Some("here"),
        )
        .await
        .expect("changed");
        assert!(use_magic_link(&state, &magic).await.is_err());
        assert!(
            reset_password(&state, &reset, "Encore une phrase de passe assez longue")
                .await
                .is_err()
        );
        assert_eq!(sessions_of(&db, id).await, 1);
    });

    crate::db_test!(a_bogus_reset_link_is_refused_before_any_hashing, |db| {
        let state = state(&db);
        // What one hash costs on this machine now, load included.
        let one_hash = {
            let started = std::time::Instant::now();
            crate::accounts::service::hash_password("Une autre phrase de passe bien longue")
                .unwrap();
            started.elapsed()
        };
        let started = std::time::Instant::now();
        for _ in 0..20 {
            assert_eq!(
                reset_password(
                    &state,
                    "not-a-token",
                    "Une autre phrase de passe bien longue"
                )
                .await,
                Err(AppError::field("token", "errors.link_invalid"))
            );
        }
        // Hashing first, twenty resets would cost twenty hashes; lookups cost far less.
        let spent = started.elapsed();
        assert!(
            spent < one_hash * 10,
            "{spent:?} for 20 resets, {one_hash:?} a hash"
        );
    });
}
