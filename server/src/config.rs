//! Configuration from environment variables (documented in `.env.example`).
//!
//! Every variable has a default that works on a laptop; an invalid value stops start-up
//! with one line naming the variable.

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
    pub site_addr: SocketAddr,
    pub public_url: url::Url,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub site: SiteInfo,
    pub pages_dir: Option<PathBuf>,
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
        app::server::db::DbKind::from_url(&database_url)
            .map_err(|e| error("DATABASE_URL", e.to_string()))?;

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

        Ok(Config {
            database_url,
            site_addr,
            public_url,
            log_filter,
            log_format,
            site,
            pages_dir,
        })
    }
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
    fn the_commune_identity_comes_from_the_environment() {
        let cfg = config(&[
            ("PARVIS_COMMUNE_NAME", "Villeneuve"),
            ("PARVIS_PUBLIC_URL", "https://portail.villeneuve.fr"),
        ])
        .expect("valid");
        assert_eq!(cfg.site.commune_name, "Villeneuve");
        assert_eq!(cfg.public_url.scheme(), "https");
    }
}
