//! Sign-in rules. Answers never tell whether an e-mail has an account (sign-up, sign-in,
//! reset and magic links answer alike, in similar time); e-mailed links are random,
//! stored hashed, single use and short-lived; attempts are rate limited per IP address
//! and slowed down per account without ever locking the owner out.

use super::model::{DisplayName, TokenPurpose};
use super::repo;
use crate::accounts::model::{Email, NewPassword};
use crate::accounts::repo::{self as accounts, UserRow};
use crate::accounts::service::{hash_password_async, verify_password_async};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::mail::outbox::{self, OutgoingMail};
use crate::mail::templates::{link_mail, LinkMail};
use crate::server::ratelimit::{self, Limit};
use crate::server::state::AppState;
use crate::site::Lang;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Failed sign-ins of one account within this window slow further attempts down.
const FAILURE_WINDOW_MS: i64 = 15 * Limit::MINUTE;
/// Failures tolerated before the slow-down starts.
const FREE_FAILURES: i64 = 5;

/// A new random token (256 bits, URL-safe) and the hash stored for it.
pub fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// What is stored for a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Refuses passwords that are easy to guess: common ones, keyboard walks, dates, and
/// passwords built from the person's own e-mail or name or the commune's name.
pub fn check_password_strength(
    password: &NewPassword,
    personal: &[&str],
) -> Result<(), &'static str> {
    let entropy = zxcvbn::zxcvbn(password.expose(), personal);
    if u8::from(entropy.score()) >= 3 {
        Ok(())
    } else {
        Err("errors.password_weak")
    }
}

/// Words a password must not be built from: the person's e-mail and name, the commune,
/// each also without separators and accents ("Léa Dupont" → "leadupont", "lea", "dupont").
pub fn personal_words(email: &str, name: &str, commune: &str) -> Vec<String> {
    let local = email.split('@').next().unwrap_or_default();
    let mut words: Vec<String> = vec![email.into(), "parvis".into(), "mairie".into()];
    if let Some((_, domain)) = email.split_once('@') {
        words.push(domain.into());
    }
    for source in [local, name, commune] {
        let folded = crate::server::text::fold_accents(&source.to_lowercase());
        let parts: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        words.push(parts.concat());
        words.extend(
            parts
                .iter()
                .filter(|p| p.len() > 2)
                .map(|p| (*p).to_owned()),
        );
        words.push(folded.clone());
    }
    words.sort();
    words.dedup();
    words
}

fn link(state: &AppState, path: &str, token: &str) -> String {
    let mut url = (*state.public_url).clone();
    url.set_path(path);
    url.set_query(Some(&format!("jeton={token}")));
    url.to_string()
}

async fn queue(state: &AppState, mail: OutgoingMail) -> Result<(), AppError> {
    outbox::enqueue(&state.db, &mail, state.clock.now_ms())
        .await
        .map_err(internal)?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// Issues a token for `user_id` and queues the mail carrying its link to `to`.
pub async fn send_token_to(
    state: &AppState,
    user_id: i64,
    to: &str,
    purpose: TokenPurpose,
    kind: LinkMail,
    path: &str,
    lang: Lang,
) -> Result<(), AppError> {
    send_bound_token_to(state, user_id, to, (purpose, kind, path), None, lang).await
}

/// [`send_token_to`], the link bound to the browser of `browser_hash` when given.
async fn send_bound_token_to(
    state: &AppState,
    user_id: i64,
    to: &str,
    (purpose, kind, path): (TokenPurpose, LinkMail, &str),
    browser_hash: Option<&str>,
    lang: Lang,
) -> Result<(), AppError> {
    let (token, hash) = new_token();
    repo::insert_token(
        state.db.pool(),
        &repo::NewToken {
            token_hash: &hash,
            purpose,
            user_id,
            email: to,
            browser_hash,
        },
        state.clock.now_ms(),
    )
    .await
    .map_err(internal)?;
    let mail = link_mail(
        kind,
        lang,
        to,
        &state.site.commune_name,
        &link(state, path, &token),
    );
    queue(state, mail).await
}

/// Mails the link that confirms a new account's address, bound to the browser that chose
/// its password (`browser_hash`), if any: see [`confirm_email`].
pub async fn send_confirmation(
    state: &AppState,
    user_id: i64,
    to: &str,
    browser_hash: Option<&str>,
    lang: Lang,
) -> Result<(), AppError> {
    send_bound_token_to(
        state,
        user_id,
        to,
        (
            TokenPurpose::VerifyEmail,
            LinkMail::VerifyEmail,
            "/verifier-email",
        ),
        browser_hash,
        lang,
    )
    .await
}

/// Counts a hit; `RateLimited` once the limit is passed.
pub async fn check_limit(state: &AppState, bucket: &str, limit: Limit) -> Result<(), AppError> {
    let ok = ratelimit::allow(&state.db, bucket, limit, state.clock.now_ms())
        .await
        .map_err(internal)?;
    if ok {
        Ok(())
    } else {
        Err(AppError::RateLimited)
    }
}

/// Mails about an address are limited per address and per requester, quietly: going over
/// the per-address limit sends nothing but answers the same.
async fn mail_allowed(state: &AppState, email: &Email, ip: &str) -> Result<bool, AppError> {
    check_limit(state, &format!("mail-ip:{ip}"), state.limits.mail_per_ip).await?;
    ratelimit::allow(
        &state.db,
        &format!("mail-to:{}", email.as_str()),
        state.limits.mail_per_address,
        state.clock.now_ms(),
    )
    .await
    .map_err(internal)
}

/// Validated sign-up form.
#[derive(Debug)]
pub struct SignUp {
    pub name: DisplayName,
    pub email: Email,
    pub password: NewPassword,
}

impl SignUp {
    /// Checks every field, reporting all problems at once.
    pub fn parse(
        name: &str,
        email: &str,
        password: &str,
        commune: &str,
    ) -> Result<SignUp, AppError> {
        let mut errors = FieldErrors::new();
        let name =
            DisplayName::parse(name).map_err(|e| add_field_error(&mut errors, "display_name", e));
        let email = Email::parse(email).map_err(|e| add_field_error(&mut errors, "email", e));
        let password =
            NewPassword::parse(password).map_err(|e| add_field_error(&mut errors, "password", e));
        if let (Ok(name), Ok(email), Ok(password)) = (&name, &email, &password) {
            let words = personal_words(email.as_str(), name.as_str(), commune);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            if let Err(e) = check_password_strength(password, &words) {
                add_field_error(&mut errors, "password", e);
            }
        }
        match (name, email, password) {
            (Ok(name), Ok(email), Ok(password)) if errors.is_empty() => Ok(SignUp {
                name,
                email,
                password,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// Creates an unverified account and mails its verification link, bound to the browser
/// signing up (`browser_hash`). When the address is already registered, its owner gets a
/// mail saying so instead; the answer is the same.
pub async fn sign_up(
    state: &AppState,
    form: SignUp,
    lang: Lang,
    ip: &str,
    browser_hash: &str,
) -> Result<(), AppError> {
    check_limit(
        state,
        &format!("signup-ip:{ip}"),
        state.limits.sign_up_per_ip,
    )
    .await?;
    let hash = hash_password_async(&form.password)
        .await
        .map_err(internal)?;
    let now = state.clock.now_ms();
    let created = accounts::insert_user(
        state.db.pool(),
        &form.email,
        form.name.as_str(),
        Some(&hash),
        None,
        now,
    )
    .await
    .map_err(internal)?;
    if let Some(user_id) = created {
        accounts::set_lang(state.db.pool(), user_id, lang.code())
            .await
            .map_err(internal)?;
    }
    if !mail_allowed(state, &form.email, ip).await? {
        return Ok(());
    }
    let to = form.email.as_str();
    match created {
        Some(user_id) => send_confirmation(state, user_id, to, Some(browser_hash), lang).await,
        None => {
            let mail = link_mail(
                LinkMail::AlreadyRegistered,
                lang,
                to,
                &state.site.commune_name,
                &{
                    let mut url = (*state.public_url).clone();
                    url.set_path("/connexion");
                    url.to_string()
                },
            );
            queue(state, mail).await
        }
    }
}

/// What following a confirmation link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// The address is proven; the account signs in as before.
    Done,
    /// The link was opened elsewhere than in the browser that chose the password: that
    /// password is dropped (it may be a stranger's), and whoever opened the link chooses
    /// one now with this reset token (never mailed).
    ChoosePassword(String),
}

/// Confirms an address with the link mailed at sign-up. The password chosen at sign-up is
/// kept only when the link is opened in the browser that chose it (`browser_hash`, from
/// its cookie); anywhere else the link still proves the address, but the password is
/// dropped and the person opening it chooses a new one ([`super::proof`]).
pub async fn confirm_email(
    state: &AppState,
    token: &str,
    browser_hash: Option<&str>,
) -> Result<Confirmed, AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let used = consume_link(&mut tx, token, TokenPurpose::VerifyEmail, now).await?;
    let same_browser = used.browser_hash.is_some() && used.browser_hash.as_deref() == browser_hash;
    let dropped = super::proof::address_proven(&mut tx, used.user_id, same_browser, now)
        .await
        .map_err(internal)?;
    let next = if dropped {
        let (token, hash) = new_token();
        repo::insert_token(
            &mut *tx,
            &repo::NewToken {
                token_hash: &hash,
                purpose: TokenPurpose::ResetPassword,
                user_id: used.user_id,
                email: &used.email,
                browser_hash: None,
            },
            now,
        )
        .await
        .map_err(internal)?;
        Confirmed::ChoosePassword(token)
    } else {
        Confirmed::Done
    };
    tx.commit().await.map_err(internal)?;
    Ok(next)
}

/// Uses a mailed link once: its account and address, or "this link is no longer valid"
/// (unknown, expired, already used or revoked, or meant for something else).
pub async fn consume_link(
    conn: &mut sqlx::AnyConnection,
    token: &str,
    purpose: TokenPurpose,
    now_ms: i64,
) -> Result<repo::UsedToken, AppError> {
    repo::consume_token(conn, &token_hash(token), purpose, now_ms)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::field("token", "errors.link_invalid"))
}

/// Checks an e-mail and password. Unknown e-mails cost the same time as wrong passwords;
/// repeated failures on one account slow its sign-in down (never lock it). A right
/// password of an unverified account mails the confirmation link again, bound to this
/// browser (`browser_hash`).
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    ip: &str,
    lang: Lang,
    browser_hash: &str,
) -> Result<UserRow, AppError> {
    check_limit(
        state,
        &format!("signin-ip:{ip}"),
        state.limits.sign_in_per_ip,
    )
    .await?;
    let invalid = || AppError::field("email", "errors.sign_in_failed");
    let Ok(email) = Email::parse(email) else {
        return Err(AppError::field("email", "errors.email_invalid"));
    };
    let failures_bucket = format!("signin-fail:{}", email.as_str());
    let failures = ratelimit::current(
        &state.db,
        &failures_bucket,
        FAILURE_WINDOW_MS,
        state.clock.now_ms(),
    )
    .await
    .map_err(internal)?;
    if failures > FREE_FAILURES {
        let delay = ((failures - FREE_FAILURES) * 500).min(5_000);
        tokio::time::sleep(std::time::Duration::from_millis(delay.unsigned_abs())).await;
    }
    let user = accounts::find_by_email(state.db.pool(), &email)
        .await
        .map_err(internal)?;
    let stored = match &user {
        Some(user) => accounts::password_hash(state.db.pool(), user.id)
            .await
            .map_err(internal)?,
        None => None,
    };
    let matches = verify_password_async(stored, password)
        .await
        .map_err(internal)?;
    let Some(user) = user.filter(|_| matches) else {
        ratelimit::hit(
            &state.db,
            &failures_bucket,
            FAILURE_WINDOW_MS,
            state.clock.now_ms(),
        )
        .await
        .map_err(internal)?;
        return Err(invalid());
    };
    if !user.email_verified {
        // Only someone who knows the password learns the account awaits verification.
        if mail_allowed(state, &email, ip).await? {
            send_confirmation(state, user.id, email.as_str(), Some(browser_hash), lang).await?;
        }
        return Err(AppError::field("email", "errors.email_unverified"));
    }
    Ok(user)
}

/// Which e-mailed link a resident asks for by typing their address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRequest {
    ResetPassword,
    MagicLink,
}

/// Mails a reset or sign-in link if the address has an account; answers alike otherwise.
pub async fn request_link(
    state: &AppState,
    kind: LinkRequest,
    email: &str,
    ip: &str,
    lang: Lang,
) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|e| AppError::field("email", e))?;
    if !mail_allowed(state, &email, ip).await? {
        return Ok(());
    }
    let Some(user) = accounts::find_by_email(state.db.pool(), &email)
        .await
        .map_err(internal)?
    else {
        return Ok(());
    };
    let (purpose, mail, path) = match kind {
        LinkRequest::ResetPassword => (
            TokenPurpose::ResetPassword,
            LinkMail::ResetPassword,
            "/nouveau-mot-de-passe",
        ),
        LinkRequest::MagicLink => (
            TokenPurpose::MagicLink,
            LinkMail::MagicLink,
            "/connexion/lien",
        ),
    };
    send_token_to(state, user.id, email.as_str(), purpose, mail, path, lang).await
}

/// Sets a new password with a reset link. The link proves the mailbox ([`super::proof`]);
/// every session and every other link of the account ends. The token is checked before
/// the password is hashed, so bogus links cost no hashing.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
) -> Result<i64, AppError> {
    let password = NewPassword::parse(password).map_err(|e| AppError::field("password", e))?;
    let pending = repo::token_is_usable(
        state.db.pool(),
        &token_hash(token),
        TokenPurpose::ResetPassword,
        state.clock.now_ms(),
    )
    .await
    .map_err(internal)?;
    if !pending {
        return Err(AppError::field("token", "errors.link_invalid"));
    }
    check_password_strength(&password, &[]).map_err(|e| AppError::field("password", e))?;
    let hash = hash_password_async(&password).await.map_err(internal)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let user_id = consume_link(&mut tx, token, TokenPurpose::ResetPassword, now)
        .await?
        .user_id;
    super::proof::address_proven(&mut tx, user_id, false, now)
        .await
        .map_err(internal)?;
    accounts::set_password_hash(&mut *tx, user_id, &hash, now)
        .await
        .map_err(internal)?;
    super::proof::credentials_changed(&mut tx, user_id, None, now)
        .await
        .map_err(internal)?;
    repo::audit(
        &mut *tx,
        Some(user_id),
        "password_reset",
        Some(user_id),
        "",
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(user_id)
}

/// Signs in with a magic link; the link also proves the mailbox ([`super::proof`]).
pub async fn use_magic_link(state: &AppState, token: &str) -> Result<UserRow, AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let user_id = consume_link(&mut tx, token, TokenPurpose::MagicLink, now)
        .await?
        .user_id;
    super::proof::address_proven(&mut tx, user_id, false, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    accounts::find_by_id(state.db.pool(), user_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::field("token", "errors.link_invalid"))
}
