//! The error type of every server function: typed, so the UI can say what went wrong.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A field of the request is not acceptable.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The action needs a signed-in person.
    #[error("sign in first")]
    SignInRequired,
    /// The signed-in person holds no role that allows this.
    #[error("not allowed")]
    NotAllowed,
    /// Storage or another server part failed; the details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The request did not reach the function, or its answer could not be read.
    #[error("request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::storage::StorageError> for AppError {
    fn from(error: crate::storage::StorageError) -> Self {
        tracing::error!(%error, "storage failed");
        AppError::Internal
    }
}

impl AppError {
    pub fn invalid(field: &str, reason: &str) -> AppError {
        AppError::Invalid {
            field: field.to_string(),
            reason: reason.to_string(),
        }
    }
}

impl From<crate::policy::Denied> for AppError {
    fn from(denied: crate::policy::Denied) -> Self {
        match denied {
            crate::policy::Denied::SignInRequired => AppError::SignInRequired,
            crate::policy::Denied::NotAllowed => AppError::NotAllowed,
        }
    }
}
