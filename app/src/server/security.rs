//! Content Security Policy of rendered pages. Other security headers are set for every
//! response by the server's middleware.

use leptos::prelude::*;

/// Policy for an HTML page whose inline bootstrap script carries `nonce`.
/// No inline script runs without the nonce, nothing loads from another origin,
/// and the page cannot be framed. Forms post to this site only; `form_targets` are the
/// origins a form's answer may redirect to (the OpenID provider's sign-out).
pub fn page_policy(nonce: &str, form_targets: &[String]) -> String {
    let mut form_action = String::from("'self'");
    for origin in form_targets {
        form_action.push(' ');
        form_action.push_str(origin);
    }
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action {form_action}; \
         frame-ancestors 'none'"
    )
}

/// Policy for every other response (files, JSON, errors): nothing may run.
pub const STRICT_POLICY: &str =
    "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Sets the page's CSP header with the nonce leptos_axum generated for this response.
pub fn set_page_csp() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        tracing::warn!("a page rendered without its nonce or response options: strict CSP");
        return;
    };
    let form_targets = crate::server::state::app_state()
        .ok()
        .and_then(|state| state.oidc.as_ref().map(|oidc| oidc.form_targets()))
        .unwrap_or_default();
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce, &form_targets)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Whether a secret someone gave equals the one stored, compared through SHA-256 digests
/// so the time taken says nothing about where they differ.
pub fn same_secret(given: &str, stored: &str) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(given.as_bytes()) == Sha256::digest(stored.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_only_run_scripts_carrying_the_nonce() {
        let policy = page_policy("abc123", &[]);
        assert!(policy.contains("script-src 'nonce-abc123'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("form-action 'self';"));
    }

    #[test]
    fn forms_may_lead_to_the_sign_in_provider_only() {
        let policy = page_policy("n", &["https://fc.example".to_owned()]);
        assert!(policy.contains("form-action 'self' https://fc.example;"));
    }
}
