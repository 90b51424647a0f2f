//! The one error type: why a command, a server function or a form was refused. Each kind
//! maps here, and only here, to an HTTP status and a message in the reader's language;
//! the server's form, command-line and JSON answers and the pages all read it from here.

use crate::i18n::{Key, Lang};
use crate::page_state::Notice;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A field's value is not acceptable (422).
    #[error("{field}: {}", reason.name())]
    Invalid { field: String, reason: Key },
    /// A query parameter of a page or a read is not acceptable (400): a page number, say.
    #[error("{field}: {}", reason.name())]
    BadRequest { field: String, reason: Key },
    /// Refused as a whole, with no one field to blame (422).
    #[error("{}", .0.name())]
    Rejected(Key),
    /// The value collides with what is stored (409).
    #[error("{field}: {}", reason.name())]
    Conflict { field: String, reason: Key },
    /// The record changed since the form was rendered (409); nothing was written.
    #[error("changed since the form was opened")]
    Stale,
    /// The action needs a signed-in person (401).
    #[error("sign in first")]
    SignInRequired,
    /// The signed-in person holds no role that allows this (403).
    #[error("not allowed")]
    NotAllowed,
    #[error("not found")]
    NotFound,
    /// Too many failed sign-ins; refused for the rest of the window (429).
    #[error("too many attempts")]
    Throttled { minutes: i64 },
    /// The server is at its limit for this kind of work; try again after `seconds` (503,
    /// with `Retry-After`).
    #[error("busy")]
    Busy { seconds: i64 },
    /// Storage or another server part failed; the details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The request did not reach the server function, or its answer could not be read.
    #[error("request failed: {0}")]
    Transport(String),
}

/// Seconds a request refused while the database is unavailable (restarting, say) is told
/// to wait before trying again.
pub const UNAVAILABLE_RETRY_SECONDS: i64 = 5;

/// The field a stale edit is refused on: the version the form was rendered from.
pub const VERSION_FIELD: &str = "version";

impl AppError {
    pub fn invalid(field: &str, reason: Key) -> AppError {
        AppError::Invalid {
            field: field.to_string(),
            reason,
        }
    }

    pub fn bad_request(field: &str, reason: Key) -> AppError {
        AppError::BadRequest {
            field: field.to_string(),
            reason,
        }
    }

    pub fn conflict(field: &str, reason: Key) -> AppError {
        AppError::Conflict {
            field: field.to_string(),
            reason,
        }
    }

    /// The HTTP status this answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest { .. } => 400,
            AppError::Invalid { .. } | AppError::Rejected(_) => 422,
            AppError::Conflict { .. } | AppError::Stale => 409,
            AppError::SignInRequired => 401,
            AppError::NotAllowed => 403,
            AppError::NotFound => 404,
            AppError::Throttled { .. } => 429,
            AppError::Busy { .. } => 503,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// The field to blame, by its form name, if one is.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. }
            | AppError::BadRequest { field, .. }
            | AppError::Conflict { field, .. } => Some(field),
            AppError::Stale => Some(VERSION_FIELD),
            _ => None,
        }
    }

    /// What a person is told, as a notice for the page.
    pub fn notice(&self) -> Notice {
        let message = match self {
            AppError::Invalid { reason, .. }
            | AppError::BadRequest { reason, .. }
            | AppError::Conflict { reason, .. }
            | AppError::Rejected(reason) => *reason,
            AppError::Stale => Key::ErrStale,
            AppError::SignInRequired => Key::ErrSignInRequired,
            AppError::NotAllowed => Key::ErrNotAllowed,
            AppError::NotFound => Key::ErrNotFound,
            AppError::Throttled { .. } => Key::ErrThrottled,
            AppError::Busy { .. } => Key::ErrBusy,
            AppError::Internal | AppError::Transport(_) => Key::ErrorText,
        };
        let notice = Notice::error(message, self.field());
        match self {
            AppError::Throttled { minutes } => notice.with("minutes", minutes.to_string()),
            AppError::Busy { seconds } => notice.with("seconds", seconds.to_string()),
            _ => notice,
        }
    }

    /// Seconds to wait before trying again, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            AppError::Throttled { minutes } => Some(minutes * 60),
            AppError::Busy { seconds } => Some(*seconds),
            _ => None,
        }
    }

    /// The reason in `lang`, without the field's name.
    pub fn reason(&self, lang: Lang) -> String {
        self.notice().text(lang)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server, a request whose arguments cannot be read is refused with 400 and no
    /// words of the parser (they go to the log); other failures are internal. In the
    /// browser, a failed call is a transport error.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        {
            match value {
                ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_)
                | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                    tracing::info!(error = %value, "refused a server function call");
                    AppError::bad_request("request", Key::ErrMalformedRequest)
                }
                ServerFnErrorErr::Registration(_) => AppError::NotFound,
                other => {
                    tracing::error!(error = %other, "a server function failed");
                    AppError::Internal
                }
            }
        }
        #[cfg(not(feature = "ssr"))]
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::storage::StorageError> for AppError {
    fn from(error: crate::storage::StorageError) -> Self {
        if error.is_unavailable() {
            tracing::warn!(%error, "the database is unavailable");
            return AppError::Busy {
                seconds: UNAVAILABLE_RETRY_SECONDS,
            };
        }
        tracing::error!(%error, "storage failed");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_status_and_the_field_to_blame() {
        let invalid = AppError::invalid("progress", Key::ErrProgress);
        assert_eq!(invalid.status(), 422);
        assert_eq!(invalid.notice().field.as_deref(), Some("progress"));
        assert_eq!(AppError::Stale.status(), 409);
        assert_eq!(AppError::Stale.field(), Some(VERSION_FIELD));
        assert_eq!(AppError::SignInRequired.status(), 401);
        assert_eq!(AppError::NotAllowed.status(), 403);
        let throttled = AppError::Throttled { minutes: 15 };
        assert_eq!(throttled.status(), 429);
        assert!(throttled.reason(Lang::En).contains("15"));
    }
}
