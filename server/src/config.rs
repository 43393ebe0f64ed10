//! Configuration from environment variables (documented in `.env.example`).
//!
//! Every variable has a default that works on a laptop; an invalid value stops start-up
//! with one line naming the variable.

use app::auth::oidc::OidcSettings;
use app::forum::model::ForumSettings;
use app::moderation::model::ModerationSettings;
use app::server::ratelimit::{Limit, RateLimits};
use app::server::request::TrustedProxies;
use app::site::SiteInfo;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Default database: an SQLite file created on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/parvis.db";

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// `PARVIS_DIRECT_DATABASE_URL`: PostgreSQL itself when `DATABASE_URL` goes through a
    /// pooler in transaction mode (PgBouncer). Migrations (which hold a session lock) and
    /// the live-update listener (`LISTEN`, a session of its own) need a real session.
    /// Defaults to `DATABASE_URL`.
    pub direct_database_url: String,
    pub site_addr: SocketAddr,
    pub public_url: url::Url,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub site: SiteInfo,
    pub pages_dir: Option<PathBuf>,
    /// `PARVIS_SMTP_URL`: mail server; without it mails are written to `mail_dir`.
    pub smtp_url: Option<String>,
    /// `PARVIS_MAIL_DIR`: folder of `.eml` files when no SMTP server is configured.
    pub mail_dir: PathBuf,
    /// `PARVIS_MAIL_FROM`: sender of every mail.
    pub mail_from: String,
    /// `PARVIS_MAIL_LEASE_SECONDS`: how long a process holds a mail it is sending before
    /// another process may send it (the first one died). Default 120.
    pub mail_lease: std::time::Duration,
    /// `PARVIS_LIMIT_*`.
    pub limits: RateLimits,
    /// `PARVIS_TRUSTED_PROXIES` (or `PARVIS_TRUST_PROXY=true` for the loopback): the
    /// reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// `PARVIS_OIDC_*`: sign-in through an OpenID Connect provider (FranceConnect).
    pub oidc: Option<OidcSettings>,
    /// `PARVIS_FORUM_EDIT_MINUTES`, `PARVIS_FORUM_COMMENT_EDIT_MINUTES`: how long authors
    /// may edit a proposal or a comment after publishing it.
    pub forum: ForumSettings,
    /// `PARVIS_MODERATION_*`: flag threshold, pre-moderation of first contributions,
    /// limits of new accounts.
    pub moderation: ModerationSettings,
    /// `PARVIS_UPLOADS_DIR`, `PARVIS_UPLOAD_MAX_MB`: where requests' attachments are
    /// stored and how large one may be (10 MB by default).
    pub uploads: app::services::files::Uploads,
    /// `PARVIS_SECRET_KEY_FILE`: the instance's key for what the database holds sealed
    /// (default `data/secret.key`, created on first start; every process of one instance
    /// reads the same file, and it is backed up apart from the database).
    pub secret_key_file: PathBuf,
}

/// A variable with an unusable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid configuration: {}: {}",
            self.variable, self.problem
        )
    }
}

impl std::error::Error for ConfigError {}

fn error(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url =
            lookup("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let kind = app::server::db::DbKind::from_url(&database_url)
            .map_err(|e| error("DATABASE_URL", e.to_string()))?;
        let direct_database_url =
            lookup("PARVIS_DIRECT_DATABASE_URL").unwrap_or_else(|| database_url.clone());
        if app::server::db::DbKind::from_url(&direct_database_url).ok() != Some(kind) {
            return Err(error(
                "PARVIS_DIRECT_DATABASE_URL",
                "must name the same kind of database as DATABASE_URL".to_owned(),
            ));
        }

        let raw_addr = lookup("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let site_addr: SocketAddr = raw_addr.parse().map_err(|_| {
            error(
                "LEPTOS_SITE_ADDR",
                format!("expected host:port such as 127.0.0.1:3000, got {raw_addr:?}"),
            )
        })?;

        let public_url = match lookup("PARVIS_PUBLIC_URL") {
            Some(raw) => {
                let url = url::Url::parse(&raw)
                    .map_err(|e| error("PARVIS_PUBLIC_URL", format!("{e} in {raw:?}")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(error(
                        "PARVIS_PUBLIC_URL",
                        format!("expected an http(s):// address, got {raw:?}"),
                    ));
                }
                url
            }
            None => {
                let host = if site_addr.ip().is_unspecified() {
                    "localhost".to_owned()
                } else {
                    site_addr.ip().to_string()
                };
                url::Url::parse(&format!("http://{host}:{}/", site_addr.port()))
                    .map_err(|e| error("LEPTOS_SITE_ADDR", e.to_string()))?
            }
        };

        let log_filter = lookup("PARVIS_LOG").unwrap_or_else(|| "info".to_owned());
        tracing_subscriber::EnvFilter::try_new(&log_filter)
            .map_err(|e| error("PARVIS_LOG", e.to_string()))?;
        let log_format = match lookup("PARVIS_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(error(
                    "PARVIS_LOG_FORMAT",
                    format!("expected text or json, got {other:?}"),
                ))
            }
        };

        let defaults = SiteInfo::default();
        let text = |name: &str, default: String| lookup(name).unwrap_or(default);
        let site = SiteInfo {
            commune_name: text("PARVIS_COMMUNE_NAME", defaults.commune_name),
            address: text("PARVIS_COMMUNE_ADDRESS", defaults.address),
            phone: text("PARVIS_COMMUNE_PHONE", defaults.phone),
            contact_email: text("PARVIS_CONTACT_EMAIL", defaults.contact_email),
            publication_director: text(
                "PARVIS_PUBLICATION_DIRECTOR",
                defaults.publication_director,
            ),
            host: text("PARVIS_HOST", defaults.host),
            dpo_name: text("PARVIS_DPO_NAME", defaults.dpo_name),
            dpo_email: text("PARVIS_DPO_EMAIL", defaults.dpo_email),
            dpo_address: text("PARVIS_DPO_ADDRESS", defaults.dpo_address),
            sign_in_provider: None,
        };
        for (variable, value) in [
            ("PARVIS_CONTACT_EMAIL", &site.contact_email),
            ("PARVIS_DPO_EMAIL", &site.dpo_email),
        ] {
            app::accounts::model::Email::parse(value)
                .map_err(|_| error(variable, format!("not an e-mail address: {value:?}")))?;
        }

        let pages_dir = match lookup("PARVIS_PAGES_DIR") {
            Some(dir) => {
                let path = PathBuf::from(&dir);
                if !path.is_dir() {
                    return Err(error(
                        "PARVIS_PAGES_DIR",
                        format!("{dir:?} is not a folder"),
                    ));
                }
                Some(path)
            }
            None => None,
        };

        let smtp_url = lookup("PARVIS_SMTP_URL");
        if let Some(raw) = &smtp_url {
            let scheme_ok = url::Url::parse(raw)
                .map(|u| matches!(u.scheme(), "smtp" | "smtps"))
                .unwrap_or(false);
            if !scheme_ok {
                return Err(error(
                    "PARVIS_SMTP_URL",
                    "expected smtp://host:port or smtps://user:password@host:port",
                ));
            }
        }
        let mail_dir =
            PathBuf::from(lookup("PARVIS_MAIL_DIR").unwrap_or_else(|| "data/mails".into()));
        let mail_from = lookup("PARVIS_MAIL_FROM").unwrap_or_else(|| {
            let host = public_url.host_str().unwrap_or("localhost");
            let domain = if host.contains('.') {
                host.to_owned()
            } else {
                "localhost.localdomain".to_owned()
            };
            format!("Mairie de {} <ne-pas-repondre@{domain}>", site.commune_name)
        });
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(error(
                "PARVIS_MAIL_FROM",
                format!("not a sender such as \"Mairie <noreply@ville.fr>\": {mail_from:?}"),
            ));
        }
        // A whole number of `what` within `range`, or None when the variable is unset.
        let bounded = |variable: &'static str,
                       range: std::ops::RangeInclusive<i64>,
                       what: &str|
         -> Result<Option<i64>, ConfigError> {
            let Some(raw) = lookup(variable) else {
                return Ok(None);
            };
            raw.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .map(Some)
                .ok_or_else(|| {
                    error(
                        variable,
                        format!(
                            "expected {what} from {} to {}, got {raw:?}",
                            range.start(),
                            range.end()
                        ),
                    )
                })
        };
        let mail_lease = bounded(
            "PARVIS_MAIL_LEASE_SECONDS",
            1..=86_400,
            "a number of seconds",
        )?
        .map_or(app::mail::worker::DEFAULT_LEASE, |secs| {
            std::time::Duration::from_secs(secs.unsigned_abs())
        });
        let defaults = RateLimits::default();
        let limit = |variable: &'static str, default: Limit| -> Result<Limit, ConfigError> {
            Ok(
                bounded(variable, 1..=i64::from(u32::MAX), "a whole number")?.map_or(
                    default,
                    |max| Limit {
                        max: u32::try_from(max).unwrap_or(u32::MAX),
                        ..default
                    },
                ),
            )
        };
        let limits = RateLimits {
            sign_in_per_ip: limit("PARVIS_LIMIT_SIGNIN_PER_MINUTE", defaults.sign_in_per_ip)?,
            sign_up_per_ip: limit("PARVIS_LIMIT_SIGNUP_PER_DAY", defaults.sign_up_per_ip)?,
            mail_per_address: limit(
                "PARVIS_LIMIT_MAILS_PER_ADDRESS_PER_HOUR",
                defaults.mail_per_address,
            )?,
            mail_per_ip: limit("PARVIS_LIMIT_MAILS_PER_IP_PER_HOUR", defaults.mail_per_ip)?,
            anonymous_posts_per_ip: limit(
                "PARVIS_LIMIT_ANONYMOUS_POSTS_PER_MINUTE",
                defaults.anonymous_posts_per_ip,
            )?,
        };
        // PARVIS_TRUSTED_PROXIES lists the reverse proxies; PARVIS_TRUST_PROXY=true (the
        // older setting) means one on this machine.
        let trusted_proxies = match lookup("PARVIS_TRUSTED_PROXIES") {
            Some(list) => TrustedProxies::parse(&list)
                .map_err(|problem| error("PARVIS_TRUSTED_PROXIES", problem))?,
            None => match lookup("PARVIS_TRUST_PROXY").as_deref().map(str::trim) {
                None | Some("false") | Some("0") => TrustedProxies::default(),
                Some("true") | Some("1") => TrustedProxies::loopback(),
                Some(other) => {
                    return Err(error(
                        "PARVIS_TRUST_PROXY",
                        format!("expected true or false, got {other:?}"),
                    ))
                }
            },
        };

        let minutes = |variable: &'static str, default_ms: i64| -> Result<i64, ConfigError> {
            Ok(bounded(variable, 0..=525_600, "a number of minutes")?
                .map_or(default_ms, |n| n * 60_000))
        };
        let forum_defaults = ForumSettings::default();
        let forum = ForumSettings {
            proposal_edit_ms: minutes(
                "PARVIS_FORUM_EDIT_MINUTES",
                forum_defaults.proposal_edit_ms,
            )?,
            comment_edit_ms: minutes(
                "PARVIS_FORUM_COMMENT_EDIT_MINUTES",
                forum_defaults.comment_edit_ms,
            )?,
        };

        let count = |variable: &'static str, default: i64, max: i64| -> Result<i64, ConfigError> {
            Ok(bounded(variable, 0..=max, "a number")?.unwrap_or(default))
        };
        let md = ModerationSettings::default();
        let moderation = ModerationSettings {
            auto_hide_flags: count(
                "PARVIS_MODERATION_AUTO_HIDE_FLAGS",
                md.auto_hide_flags,
                1_000,
            )?
            .max(1),
            premoderate_first: count(
                "PARVIS_MODERATION_PREMODERATE_FIRST",
                md.premoderate_first,
                1_000,
            )?,
            new_account_ms: count(
                "PARVIS_MODERATION_NEW_ACCOUNT_HOURS",
                md.new_account_ms / 3_600_000,
                8_760,
            )? * 3_600_000,
            new_account_proposals: count(
                "PARVIS_MODERATION_NEW_ACCOUNT_PROPOSALS",
                md.new_account_proposals,
                1_000,
            )?,
            new_account_comments: count(
                "PARVIS_MODERATION_NEW_ACCOUNT_COMMENTS",
                md.new_account_comments,
                10_000,
            )?,
            new_account_interval_ms: count(
                "PARVIS_MODERATION_NEW_ACCOUNT_INTERVAL_SECONDS",
                md.new_account_interval_ms / 1_000,
                86_400,
            )? * 1_000,
        };

        let uploads = app::services::files::Uploads {
            dir: PathBuf::from(
                lookup("PARVIS_UPLOADS_DIR").unwrap_or_else(|| "data/uploads".into()),
            ),
            max_bytes: bounded(
                "PARVIS_UPLOAD_MAX_MB",
                1..=1024,
                "a whole number of megabytes",
            )?
            .map_or(10, |mb| usize::try_from(mb).unwrap_or(10))
                * 1024
                * 1024,
            quota_bytes: bounded(
                "PARVIS_UPLOAD_QUOTA_MB",
                1..=1_048_576,
                "a whole number of megabytes",
            )?
            .unwrap_or(200)
                * 1024
                * 1024,
        };

        let secret_key_file = PathBuf::from(
            lookup("PARVIS_SECRET_KEY_FILE").unwrap_or_else(|| "data/secret.key".into()),
        );

        let oidc = oidc_settings(&lookup)?;
        let mut site = site;
        site.sign_in_provider = oidc.as_ref().map(|o| o.label.clone());

        Ok(Config {
            database_url,
            direct_database_url,
            site_addr,
            public_url,
            log_filter,
            log_format,
            site,
            pages_dir,
            smtp_url,
            mail_dir,
            secret_key_file,
            mail_from,
            mail_lease,
            limits,
            trusted_proxies,
            oidc,
            forum,
            moderation,
            uploads,
        })
    }
}

/// `PARVIS_OIDC_*`: all unset disables provider sign-in; an issuer needs a client id.
fn oidc_settings(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<OidcSettings>, ConfigError> {
    let Some(issuer) = lookup("PARVIS_OIDC_ISSUER") else {
        return Ok(None);
    };
    let url = url::Url::parse(issuer.trim())
        .map_err(|e| error("PARVIS_OIDC_ISSUER", format!("{e} in {issuer:?}")))?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if url.scheme() != "https" && !(url.scheme() == "http" && local) {
        return Err(error(
            "PARVIS_OIDC_ISSUER",
            format!("expected an https:// address (http only on localhost), got {issuer:?}"),
        ));
    }
    let client_id = lookup("PARVIS_OIDC_CLIENT_ID").ok_or_else(|| {
        error(
            "PARVIS_OIDC_CLIENT_ID",
            "required when PARVIS_OIDC_ISSUER is set",
        )
    })?;
    let list = |name: &str, default: &str| -> Vec<String> {
        lookup(name)
            .unwrap_or_else(|| default.to_owned())
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let trust_email = match lookup("PARVIS_OIDC_TRUST_EMAIL").as_deref().map(str::trim) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(error(
                "PARVIS_OIDC_TRUST_EMAIL",
                format!("expected true or false, got {other:?}"),
            ))
        }
    };
    let label = lookup("PARVIS_OIDC_LABEL")
        .unwrap_or_else(|| url.host_str().unwrap_or("OpenID Connect").to_owned());
    Ok(Some(OidcSettings {
        issuer: issuer.trim().trim_end_matches('/').to_owned(),
        client_id,
        client_secret: lookup("PARVIS_OIDC_CLIENT_SECRET"),
        scopes: list("PARVIS_OIDC_SCOPES", "openid email profile"),
        acr_values: list("PARVIS_OIDC_ACR", ""),
        label,
        trust_email,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_give_an_embedded_sqlite_site_on_localhost() {
        let cfg = config(&[]).expect("defaults are valid");
        assert_eq!(cfg.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(cfg.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(cfg.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(cfg.site.commune_name, "Saint-Aubin-du-Parvis");
    }

    #[test]
    fn each_invalid_value_names_its_variable() {
        let cases = [
            ("DATABASE_URL", "mysql://x"),
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("PARVIS_PUBLIC_URL", "ftp://x.example"),
            ("PARVIS_LOG_FORMAT", "xml"),
            ("PARVIS_DPO_EMAIL", "nobody"),
            ("PARVIS_PAGES_DIR", "/no/such/folder"),
            ("PARVIS_SMTP_URL", "http://mail.example"),
            ("PARVIS_MAIL_FROM", "not an address"),
            ("PARVIS_LIMIT_SIGNIN_PER_MINUTE", "0"),
            ("PARVIS_LIMIT_SIGNUP_PER_DAY", "many"),
            ("PARVIS_TRUST_PROXY", "maybe"),
            ("PARVIS_TRUSTED_PROXIES", "proxy.example"),
            ("PARVIS_FORUM_EDIT_MINUTES", "forever"),
            ("PARVIS_OIDC_ISSUER", "http://idp.example.org"),
            ("PARVIS_DIRECT_DATABASE_URL", "postgres://db.example/parvis"),
            ("PARVIS_MAIL_LEASE_SECONDS", "0"),
            ("PARVIS_UPLOAD_MAX_MB", "2048"),
            ("PARVIS_MODERATION_AUTO_HIDE_FLAGS", "-1"),
            ("PARVIS_LIMIT_MAILS_PER_IP_PER_HOUR", "4294967296"),
            ("PARVIS_MODERATION_NEW_ACCOUNT_HOURS", "1.5"),
        ];
        for (variable, value) in cases {
            let err = config(&[(variable, value)]).expect_err(variable);
            assert_eq!(err.variable, variable);
            assert!(err
                .to_string()
                .starts_with(&format!("invalid configuration: {variable}: ")));
        }
    }

    #[test]
    fn behind_a_pooler_migrations_and_listening_use_the_direct_address() {
        let cfg = config(&[]).expect("defaults");
        assert_eq!(cfg.direct_database_url, cfg.database_url);
        assert_eq!(cfg.mail_lease, std::time::Duration::from_secs(120));
        let cfg = config(&[
            (
                "DATABASE_URL",
                "postgres://parvis@pooler:6432/parvis?statement-cache-capacity=0",
            ),
            (
                "PARVIS_DIRECT_DATABASE_URL",
                "postgres://parvis@db:5432/parvis",
            ),
            ("PARVIS_MAIL_LEASE_SECONDS", "30"),
        ])
        .expect("valid");
        assert_eq!(cfg.direct_database_url, "postgres://parvis@db:5432/parvis");
        assert_eq!(cfg.mail_lease, std::time::Duration::from_secs(30));
    }

    #[test]
    fn the_commune_identity_comes_from_the_environment() {
        let cfg = config(&[
            ("PARVIS_COMMUNE_NAME", "Villeneuve"),
            ("PARVIS_PUBLIC_URL", "https://portail.villeneuve.fr"),
        ])
        .expect("valid");
        assert_eq!(cfg.site.commune_name, "Villeneuve");
        assert_eq!(cfg.public_url.scheme(), "https");
    }

    #[test]
    fn mail_and_limits_have_safe_defaults_and_can_be_tuned() {
        let cfg = config(&[]).expect("defaults");
        assert_eq!(cfg.smtp_url, None);
        assert_eq!(cfg.mail_dir, PathBuf::from("data/mails"));
        assert_eq!(cfg.secret_key_file, PathBuf::from("data/secret.key"));
        assert!(
            cfg.mail_from.contains("Saint-Aubin-du-Parvis"),
            "{}",
            cfg.mail_from
        );
        assert_eq!(cfg.limits, RateLimits::default());
        assert!(cfg.trusted_proxies.is_empty());
        let cfg = config(&[
            ("PARVIS_SMTP_URL", "smtps://user:secret@smtp.ville.fr:465"),
            ("PARVIS_LIMIT_SIGNIN_PER_MINUTE", "20"),
            ("PARVIS_TRUST_PROXY", "true"),
        ])
        .expect("valid");
        assert_eq!(cfg.limits.sign_in_per_ip, Limit::per_minute(20));
        assert_eq!(cfg.trusted_proxies, TrustedProxies::loopback());
        let behind = config(&[("PARVIS_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")]).expect("valid");
        assert!(!behind.trusted_proxies.is_empty());
        assert_eq!(config(&[]).expect("defaults").uploads.max_bytes, 10 << 20);
        let tuned = config(&[
            ("PARVIS_UPLOAD_MAX_MB", "25"),
            ("PARVIS_FORUM_EDIT_MINUTES", "0"),
            ("PARVIS_MODERATION_NEW_ACCOUNT_HOURS", "48"),
        ])
        .expect("valid");
        assert_eq!(tuned.uploads.max_bytes, 25 << 20);
        assert_eq!(tuned.forum.proposal_edit_ms, 0);
        assert_eq!(tuned.moderation.new_account_ms, 48 * 3_600_000);
    }

    #[test]
    fn provider_sign_in_is_off_until_an_issuer_is_set() {
        let cfg = config(&[]).expect("defaults");
        assert!(cfg.oidc.is_none());
        let err = config(&[("PARVIS_OIDC_ISSUER", "https://idp.example.org")])
            .expect_err("an issuer without a client id");
        assert_eq!(err.variable, "PARVIS_OIDC_CLIENT_ID");
        assert_eq!(cfg.site.sign_in_provider, None);
        let cfg = config(&[
            (
                "PARVIS_OIDC_ISSUER",
                "https://fcp.integ01.dev-franceconnect.fr/api/v2",
            ),
            ("PARVIS_OIDC_CLIENT_ID", "parvis"),
            ("PARVIS_OIDC_CLIENT_SECRET", "s3cret"),
            ("PARVIS_OIDC_SCOPES", "openid email given_name family_name"),
            ("PARVIS_OIDC_ACR", "eidas1"),
            ("PARVIS_OIDC_LABEL", "FranceConnect"),
            ("PARVIS_OIDC_TRUST_EMAIL", "true"),
        ])
        .expect("valid");
        let oidc = cfg.oidc.expect("configured");
        assert_eq!(
            oidc.scopes,
            ["openid", "email", "given_name", "family_name"]
        );
        assert_eq!(oidc.acr_values, ["eidas1"]);
        assert!(oidc.trust_email);
        assert_eq!(cfg.site.sign_in_provider.as_deref(), Some("FranceConnect"));
        assert!(
            !format!("{oidc:?}").contains("s3cret"),
            "the secret is never logged"
        );
    }
}
