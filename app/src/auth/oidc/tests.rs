//! Checks of the OpenID client that need no provider: accepted levels, answers refused
//! before anything is sent to the provider, and the CSP targets.

use super::*;

#[test]
fn any_level_is_accepted_when_the_commune_requires_none() {
    assert!(level_accepted(&[], None));
    assert!(level_accepted(&[], Some("eidas1")));
}

#[test]
fn a_missing_or_lower_level_is_refused() {
    let required = vec!["eidas2".to_owned(), "eidas3".to_owned()];
    assert!(!level_accepted(&required, None));
    assert!(!level_accepted(&required, Some("eidas1")));
    assert!(level_accepted(&required, Some("eidas2")));
    assert!(level_accepted(&required, Some("eidas3")));
}

fn oidc() -> Oidc {
    Oidc::new(
        OidcSettings {
            issuer: "https://fc.example/api/v2".into(),
            client_id: "parvis".into(),
            client_secret: Some("secret".into()),
            scopes: vec!["openid".into(), "email".into()],
            acr_values: vec!["eidas1".into()],
            label: "FranceConnect".into(),
            trust_email: true,
        },
        &url::Url::parse("https://portail.example").expect("url"),
    )
    .expect("valid settings")
}

fn pending(now: i64) -> Pending {
    Pending {
        state: "s".repeat(22),
        nonce: "n".repeat(22),
        pkce_verifier: "v".repeat(43),
        next: "/mon-espace".into(),
        started_at_ms: now,
    }
}

fn callback(state: &str) -> Callback {
    Callback {
        code: Some("code".into()),
        state: Some(state.into()),
        ..Callback::default()
    }
}

// These answers are refused before anything is sent to the provider.
#[tokio::test]
async fn an_answer_without_a_started_sign_in_is_refused() {
    let result = oidc().complete(None, &callback("x"), 0).await;
    assert_eq!(result.err(), Some(OidcFailure::Expired));
}

#[tokio::test]
async fn an_answer_coming_back_too_late_is_refused() {
    let p = pending(0);
    let state = p.state.clone();
    let result = oidc()
        .complete(Some(p), &callback(&state), PENDING_TTL_MS + 1)
        .await;
    assert_eq!(result.err(), Some(OidcFailure::Expired));
}

#[tokio::test]
async fn a_tampered_or_missing_state_is_refused() {
    let oidc = oidc();
    let tampered = oidc.complete(Some(pending(0)), &callback("other"), 1).await;
    assert_eq!(tampered.err(), Some(OidcFailure::Invalid));
    let missing = Callback {
        code: Some("code".into()),
        ..Callback::default()
    };
    let result = oidc.complete(Some(pending(0)), &missing, 1).await;
    assert_eq!(result.err(), Some(OidcFailure::Invalid));
}

#[tokio::test]
async fn an_answer_from_another_issuer_is_refused() {
    let p = pending(0);
    let mut answer = callback(&p.state.clone());
    answer.iss = Some("https://evil.example".into());
    let result = oidc().complete(Some(p), &answer, 1).await;
    assert_eq!(result.err(), Some(OidcFailure::Invalid));
}

#[tokio::test]
async fn a_cancelled_sign_in_says_so() {
    let p = pending(0);
    let answer = Callback {
        state: Some(p.state.clone()),
        error: Some("access_denied".into()),
        ..Callback::default()
    };
    let result = oidc().complete(Some(p), &answer, 1).await;
    assert_eq!(result.err(), Some(OidcFailure::Cancelled));
}

#[test]
fn the_sign_out_form_may_reach_the_provider() {
    assert_eq!(oidc().form_targets(), vec!["https://fc.example".to_owned()]);
}
