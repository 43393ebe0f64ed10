//! The one error type that crosses the wire between server functions and pages.
//!
//! Every message is a translation key (see `locales/*.json`, section `errors`), never
//! database or library text: internals are logged on the server and shown as `Internal`.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field name → translation keys of the problems found in that field.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Records the problem `key` (a translation key) in `field`.
pub fn add_field_error(errors: &mut FieldErrors, field: &str, key: &str) {
    errors
        .entry(field.to_owned())
        .or_default()
        .push(key.to_owned());
}

/// What went wrong, as a page or a form needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests")]
    RateLimited,
    #[error("closed")]
    Closed,
    #[error("internal error")]
    Internal,
    /// The database gave the transaction up to let a concurrent one through (PostgreSQL
    /// serialization failure or deadlock, SQLite still busy): it was rolled back, and
    /// retrying it ([`crate::server::db::retry_contended`]) usually succeeds.
    #[error("busy")]
    Busy,
    /// The request never reached the server fn body (network down, bad encoding…).
    #[error("transport error")]
    Transport,
}

impl AppError {
    /// A validation error on one field.
    pub fn field(field: &str, key: &str) -> Self {
        let mut map = FieldErrors::new();
        add_field_error(&mut map, field, key);
        AppError::Validation(map)
    }

    /// HTTP status a page showing this error should answer with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) | AppError::Closed => 409,
            AppError::RateLimited => 429,
            AppError::Internal | AppError::Transport => 500,
            AppError::Busy => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Transport,
            // A form whose fields do not decode (edited by hand, or by a script): refused
            // as invalid input, not reported as a server failure.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::field("form", "errors.invalid"),
            _ => AppError::Internal,
        }
    }
}

/// Logs the full chain of a server-side failure and turns it into `Internal`.
///
/// This is the single conversion point from plumbing errors (anyhow, sqlx…) to what a
/// user may see.
#[cfg(feature = "ssr")]
pub fn internal(err: impl Into<anyhow::Error>) -> AppError {
    let err = err.into();
    if err
        .chain()
        .filter_map(|cause| cause.downcast_ref::<sqlx::Error>())
        .any(crate::server::db::is_contention)
    {
        tracing::warn!(error = %err, "transaction rolled back by a concurrent one");
        return AppError::Busy;
    }
    if err
        .chain()
        .any(|cause| cause.is::<crate::server::hashing::Saturated>())
    {
        tracing::warn!("password hashing saturated: request refused as busy");
        return AppError::Busy;
    }
    tracing::error!(error = ?err, "internal error");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_names_its_field_and_translation_key() {
        let err = AppError::field("email", "errors.email_invalid");
        let AppError::Validation(map) = err else {
            panic!("expected a validation error");
        };
        assert_eq!(map["email"], vec!["errors.email_invalid".to_owned()]);
    }

    #[test]
    fn a_form_that_does_not_decode_is_invalid_input() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("m[1][x]".into()));
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn each_error_maps_to_the_http_status_a_browser_expects() {
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::RateLimited.status(), 429);
    }
}
