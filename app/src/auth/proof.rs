//! One rule for every way a person proves they control an address, and for every change
//! of what lets them sign in.
//!
//! A password only ever works if whoever set it proved control of the address. Anybody
//! may sign up with somebody else's address and choose a password; the account then
//! waits, unverified. When the address is proven later — a mailed link (confirmation
//! opened in another browser than the one that chose the password, sign-in link, reset
//! link) or the OpenID provider — that password is dropped and every session and link of
//! the account ends. Changing the address or the password also revokes every outstanding
//! link and ends every other session.

use super::repo;
use crate::accounts::repo as accounts;

/// Someone just proved control of `user_id`'s address. The first time, a password set
/// before is dropped (unless `keep_password`: the prover is the browser that chose it)
/// and then every session and unused link of the account ends. True when a password was
/// dropped.
pub async fn address_proven(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    keep_password: bool,
    now_ms: i64,
) -> sqlx::Result<bool> {
    if !accounts::mark_email_verified(&mut *conn, user_id, now_ms).await? || keep_password {
        return Ok(false);
    }
    let dropped = sqlx::query(
        "UPDATE users SET password_hash = NULL, updated_at = $1 \
         WHERE id = $2 AND password_hash IS NOT NULL",
    )
    .bind(now_ms)
    .bind(user_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if dropped {
        credentials_changed(conn, user_id, None, now_ms).await?;
        repo::audit(
            &mut *conn,
            Some(user_id),
            "unproven_password_dropped",
            Some(user_id),
            "",
            now_ms,
        )
        .await?;
    }
    Ok(dropped)
}

/// What lets `user_id` sign in changed (password, address): every link not used yet is
/// revoked and every session but `keep_session` ends.
pub async fn credentials_changed(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    keep_session: Option<&str>,
    now_ms: i64,
) -> sqlx::Result<()> {
    repo::revoke_tokens_of(&mut *conn, user_id, now_ms).await?;
    repo::delete_sessions_of(&mut *conn, user_id, keep_session).await?;
    Ok(())
}

/// The browser that chose an account's password at sign-up keeps a random secret in a
/// cookie; the confirmation link stores its hash. Only that browser confirms without
/// losing the password.
pub mod browser {
    use crate::server::request::{request_cookie, set_response_cookie};

    fn cookie_name(secure: bool) -> &'static str {
        if secure {
            "__Host-parvis_browser"
        } else {
            "parvis_browser"
        }
    }

    fn secure() -> bool {
        crate::server::state::app_state()
            .map(|s| s.public_url.scheme() == "https")
            .unwrap_or(true)
    }

    /// The hash of this browser's secret, if it holds one.
    pub fn hash() -> Option<String> {
        request_cookie(cookie_name(secure()))
            .filter(|v| !v.is_empty() && v.len() <= 64)
            .map(|secret| super::super::service::token_hash(&secret))
    }

    /// Gives this browser a secret (or keeps the one it holds, for two days more) and
    /// returns its hash.
    pub fn bind() -> String {
        let secure = secure();
        let secret = request_cookie(cookie_name(secure))
            .filter(|v| v.len() == 43)
            .unwrap_or_else(|| super::super::service::new_token().0);
        let flags = if secure { "; Secure" } else { "" };
        set_response_cookie(&format!(
            "{}={secret}; Path=/; Max-Age={}; SameSite=Lax; HttpOnly{flags}",
            cookie_name(secure),
            48 * 3600
        ));
        super::super::service::token_hash(&secret)
    }
}
