//! Sign-in through an external OpenID Connect provider, shaped for FranceConnect:
//! authorization code flow with PKCE, `state` and `nonce`; the ID token's signature,
//! issuer, audience, expiry and nonce checked by the `openidconnect` crate; the
//! authentication level (`acr`) the commune requires; the person's identity keyed on
//! (issuer, subject); sign-out at the provider too.
//!
//! The provider's metadata and keys are fetched when first needed (Parvis starts even when
//! the provider is down) and refreshed every few minutes (keys rotate).

use crate::site::Lang;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreUserInfoClaims,
};
use openidconnect::reqwest;
use openidconnect::{
    AccessTokenHash, AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret,
    CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, LanguageTag,
    LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Provider metadata and keys are kept this long before being fetched again.
const METADATA_TTL: Duration = Duration::from_secs(600);
/// A sign-in started at the provider must come back within this time.
pub const PENDING_TTL_MS: i64 = 10 * 60 * 1000;
/// Where the provider sends the person back (registered at the provider).
pub const CALLBACK_PATH: &str = "/api/oidc/callback";

/// How the commune's provider is reached (`PARVIS_OIDC_*`, see `.env.example`).
#[derive(Clone)]
pub struct OidcSettings {
    /// Issuer identifier; its `/.well-known/openid-configuration` describes the provider.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// Accepted authentication levels (`acr`), all asked for; empty accepts any.
    pub acr_values: Vec<String>,
    /// Text of the sign-in button ("FranceConnect").
    pub label: String,
    /// Take the provider's e-mail as verified even without `email_verified` (FranceConnect
    /// gives no such claim: its identity providers vouch for the address).
    pub trust_email: bool,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("scopes", &self.scopes)
            .field("acr_values", &self.acr_values)
            .field("label", &self.label)
            .field("trust_email", &self.trust_email)
            .finish()
    }
}

/// Why a sign-in with the provider did not complete; each has its message on the sign-in
/// page (`/connexion?oidc=<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcFailure {
    /// The person cancelled at the provider.
    Cancelled,
    /// No sign-in was started in this browser, or it is too old.
    Expired,
    /// The answer could not be verified (state, issuer, token, signature, nonce…).
    Invalid,
    /// The person signed in at a lower level than the commune requires.
    Level,
    /// The provider cannot be reached.
    Unavailable,
    /// The address belongs to an account and the provider does not vouch for it.
    AccountExists,
    /// The provider gave no e-mail address for a new account.
    NoEmail,
    /// Too many attempts from this address.
    RateLimited,
    /// Something failed on our side (logged).
    Internal,
}

impl OidcFailure {
    /// Logs a failure of ours (database…) and hides it behind `Internal`.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "OpenID sign-in failed");
        OidcFailure::Internal
    }

    /// The value of `?oidc=` on the sign-in page.
    pub fn code(self) -> &'static str {
        match self {
            OidcFailure::Cancelled => "annulee",
            OidcFailure::Expired => "expiree",
            OidcFailure::Invalid => "invalide",
            OidcFailure::Level => "niveau",
            OidcFailure::Unavailable => "indisponible",
            OidcFailure::AccountExists => "compte-existant",
            OidcFailure::NoEmail => "sans-email",
            OidcFailure::RateLimited => "trop-de-tentatives",
            OidcFailure::Internal => "erreur",
        }
    }
}

/// What is kept in the session between leaving for the provider and coming back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Page to show once signed in (a path on this site).
    pub next: String,
    pub started_at_ms: i64,
}

/// The query of the provider's redirect back to Parvis.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// RFC 9207: the issuer that answers, checked against ours (mix-up attacks).
    pub iss: Option<String>,
}

/// The person as vouched for by the provider, after every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub display_name: Option<String>,
}

/// A successful sign-in at the provider.
#[derive(Debug)]
pub struct Completed {
    pub identity: VerifiedIdentity,
    /// Kept in the session: the hint sent with the sign-out at the provider.
    pub id_token: String,
    pub next: String,
}

mod claims;
#[cfg(test)]
mod tests;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The configured provider.
pub struct Oidc {
    settings: OidcSettings,
    issuer: IssuerUrl,
    redirect_url: RedirectUrl,
    post_logout_url: PostLogoutRedirectUrl,
    http: reqwest::Client,
    metadata: RwLock<Option<(Instant, Arc<ProviderMetadataWithLogout>)>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

fn origin_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
}

impl Oidc {
    /// The provider of `settings`, for a portal reached at `public_url`.
    pub fn new(settings: OidcSettings, public_url: &url::Url) -> anyhow::Result<Oidc> {
        let issuer = IssuerUrl::new(settings.issuer.clone())?;
        let redirect_url = RedirectUrl::new(public_url.join(CALLBACK_PATH)?.to_string())?;
        let post_logout_url = PostLogoutRedirectUrl::new(public_url.join("/")?.to_string())?;
        let http = reqwest::ClientBuilder::new()
            // Following redirects would let the provider's answers point anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Oidc {
            settings,
            issuer,
            redirect_url,
            post_logout_url,
            http,
            metadata: RwLock::new(None),
        })
    }

    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// Origins the browser is sent to by a form (sign-out), for the pages' CSP.
    pub fn form_targets(&self) -> Vec<String> {
        let mut origins: Vec<String> = origin_of(&self.settings.issuer).into_iter().collect();
        if let Some(metadata) = self.cached_metadata() {
            let logout = metadata
                .additional_metadata()
                .end_session_endpoint
                .as_ref()
                .map(|u| u.url().to_string());
            let auth = Some(metadata.authorization_endpoint().url().to_string());
            origins.extend(
                [auth, logout]
                    .into_iter()
                    .flatten()
                    .filter_map(|u| origin_of(&u)),
            );
        }
        origins.sort();
        origins.dedup();
        origins
    }

    fn cached_metadata(&self) -> Option<Arc<ProviderMetadataWithLogout>> {
        let cache = self.metadata.read().ok()?;
        cache
            .as_ref()
            .filter(|(at, _)| at.elapsed() < METADATA_TTL)
            .map(|(_, metadata)| metadata.clone())
    }

    async fn metadata(&self) -> Result<Arc<ProviderMetadataWithLogout>, OidcFailure> {
        if let Some(metadata) = self.cached_metadata() {
            return Ok(metadata);
        }
        let fetched = ProviderMetadataWithLogout::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|err| {
                tracing::warn!(issuer = %self.settings.issuer, error = %err, "OpenID provider discovery failed");
                OidcFailure::Unavailable
            })?;
        let fetched = Arc::new(fetched);
        if let Ok(mut cache) = self.metadata.write() {
            *cache = Some((Instant::now(), fetched.clone()));
        }
        Ok(fetched)
    }

    fn client(&self, metadata: &ProviderMetadataWithLogout) -> Client {
        CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect_url.clone())
    }

    /// Starts a sign-in: the provider's authorization address, and what the session must
    /// keep to check the answer.
    pub async fn start(
        &self,
        next: &str,
        lang: Lang,
        now_ms: i64,
    ) -> Result<(url::Url, Pending), OidcFailure> {
        let metadata = self.metadata().await?;
        let client = self.client(&metadata);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge)
            .add_ui_locale(LanguageTag::new(lang.code().to_owned()));
        for scope in self.settings.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        for acr in &self.settings.acr_values {
            request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
        }
        let (url, state, nonce) = request.url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next: crate::site::locale::safe_return_path(next),
            started_at_ms: now_ms,
        };
        Ok((url, pending))
    }

    /// Checks the provider's answer against the sign-in this browser started, exchanges the
    /// code and verifies the ID token (signature, issuer, audience, expiry, nonce, level).
    pub async fn complete(
        &self,
        pending: Option<Pending>,
        callback: &Callback,
        now_ms: i64,
    ) -> Result<Completed, OidcFailure> {
        let pending = pending
            .filter(|p| now_ms - p.started_at_ms <= PENDING_TTL_MS)
            .ok_or(OidcFailure::Expired)?;
        let state_matches = callback
            .state
            .as_deref()
            .is_some_and(|state| crate::server::security::same_secret(state, &pending.state));
        if !state_matches {
            tracing::warn!("OpenID callback with a state this browser did not send");
            return Err(OidcFailure::Invalid);
        }
        if let Some(error) = &callback.error {
            return Err(if error == "access_denied" {
                OidcFailure::Cancelled
            } else {
                tracing::warn!(error, "the OpenID provider answered with an error");
                OidcFailure::Invalid
            });
        }
        if callback
            .iss
            .as_deref()
            .is_some_and(|iss| iss != self.issuer.as_str())
        {
            tracing::warn!(iss = ?callback.iss, "OpenID callback from another issuer");
            return Err(OidcFailure::Invalid);
        }
        let code = callback.code.clone().ok_or(OidcFailure::Invalid)?;
        let metadata = self.metadata().await?;
        let client = self.client(&metadata);
        let invalid = |what: &str, err: &dyn std::fmt::Display| {
            tracing::warn!(error = %err, "OpenID sign-in refused: {what}");
            OidcFailure::Invalid
        };
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| invalid("no token endpoint", &e))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| invalid("code exchange", &e))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| invalid("no ID token", &"missing"))?;
        let verifier = client.id_token_verifier();
        let claims: &CoreIdTokenClaims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce.clone()))
            .map_err(|e| invalid("ID token", &e))?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token
                .signing_alg()
                .map_err(|e| invalid("ID token algorithm", &e))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| invalid("ID token key", &e))?;
            let actual = AccessTokenHash::from_token(tokens.access_token(), alg, key)
                .map_err(|e| invalid("access token hash", &e))?;
            if actual != *expected {
                return Err(invalid("access token hash", &"mismatch"));
            }
        }
        let acr = claims.auth_context_ref().map(|acr| acr.as_str());
        if !level_accepted(&self.settings.acr_values, acr) {
            tracing::warn!(acr = ?acr, "OpenID sign-in below the required level");
            return Err(OidcFailure::Level);
        }
        let subject = claims.subject().clone();
        let mut identity = claims::identity_from(&self.settings, self.issuer.as_str(), claims);
        if identity.email.is_none() && metadata.userinfo_endpoint().is_some() {
            // FranceConnect, like most providers, gives the address only there.
            let info: CoreUserInfoClaims = client
                .user_info(tokens.access_token().clone(), Some(subject))
                .map_err(|e| invalid("no userinfo endpoint", &e))?
                .request_async(&self.http)
                .await
                .map_err(|e| invalid("userinfo", &e))?;
            claims::merge_userinfo(&self.settings, &mut identity, &info);
        }
        Ok(Completed {
            identity,
            id_token: id_token.to_string(),
            next: pending.next,
        })
    }

    /// The provider's sign-out address for a session opened with `id_token`, if the
    /// provider has one.
    pub async fn logout_url(&self, id_token: &str) -> Option<url::Url> {
        let metadata = self.metadata().await.ok()?;
        let endpoint = metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()?;
        let token: openidconnect::core::CoreIdToken = id_token.parse().ok()?;
        Some(
            LogoutRequest::from(endpoint)
                .set_id_token_hint(&token)
                .set_client_id(ClientId::new(self.settings.client_id.clone()))
                .set_post_logout_redirect_uri(self.post_logout_url.clone())
                .http_get_url(),
        )
    }
}

/// Whether an `acr` claim meets the commune's requirement (any level when none is set).
pub fn level_accepted(accepted: &[String], acr: Option<&str>) -> bool {
    accepted.is_empty() || acr.is_some_and(|acr| accepted.iter().any(|a| a == acr))
}
