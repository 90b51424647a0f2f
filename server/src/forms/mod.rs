//! Every write: plain HTML form posts that work without JavaScript.
//!
//! Each handler checks the CSRF token (done by the security layer before it runs), asks
//! the policy module whether the viewer may act, validates, writes in one transaction,
//! audits, and answers. Success redirects (303) with a notice for the next page. Failure
//! renders the form's page again with the reason, the field and what was typed, under a
//! 4xx status, or answers JSON to clients that ask for it. Nothing is written on failure.

mod account;
mod admin;
mod milestones;

pub use admin::read_grant;

use crate::http::{render_page, AppState};
use crate::security::{notice_cookie, RequestInfo};
use app::domain::{AuditAction, AuditFact, Viewer};
use app::i18n::{Key, Lang};
use app::page_state::{Notice, PageState};
use app::policy::{Decision, Denied};
use app::storage::{NewAuditEntry, StorageError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};

/// Every state-changing route, with what it does. The router is built from this list, and
/// the authorization-matrix test requires a row for each entry.
pub fn write_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/sign-in", post(account::sign_in)),
        ("/sign-out", post(account::sign_out)),
        (
            "/account/sign-out-everywhere",
            post(account::sign_out_everywhere),
        ),
        ("/account/password", post(account::change_password)),
        ("/invitations/{token}", post(account::accept_invitation)),
        ("/password-reset/{token}", post(account::reset_password)),
        ("/admin/invitations", post(admin::invite)),
        ("/admin/accounts/{id}/grants", post(admin::grant)),
        ("/admin/grants/{id}/revoke", post(admin::revoke)),
        ("/admin/accounts/{id}/disabled", post(admin::set_disabled)),
        ("/admin/accounts/{id}/reset-link", post(admin::reset_link)),
        ("/milestones/{id}/updates", post(milestones::post_update)),
    ]
}

/// Why a write was refused; each maps to one status and one message.
#[derive(Debug)]
pub enum Failure {
    /// A field's value is not acceptable (422).
    Invalid {
        field: &'static str,
        message: Key,
    },
    /// Refused as a whole, with no one field to blame (422).
    Rejected(Key),
    /// The value collides with what is stored (409).
    Conflict {
        field: &'static str,
        message: Key,
    },
    SignInRequired,
    NotAllowed,
    NotFound,
    /// Too many failed sign-ins (429).
    Throttled,
    Internal,
}

impl Failure {
    pub fn invalid(field: &'static str, message: Key) -> Failure {
        Failure::Invalid { field, message }
    }

    fn status(&self) -> StatusCode {
        match self {
            Failure::Invalid { .. } | Failure::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Failure::Conflict { .. } => StatusCode::CONFLICT,
            Failure::SignInRequired => StatusCode::UNAUTHORIZED,
            Failure::NotAllowed => StatusCode::FORBIDDEN,
            Failure::NotFound => StatusCode::NOT_FOUND,
            Failure::Throttled => StatusCode::TOO_MANY_REQUESTS,
            Failure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub(crate) fn notice(&self) -> Notice {
        match self {
            Failure::Invalid { field, message } | Failure::Conflict { field, message } => {
                Notice::error(*message, Some(field))
            }
            Failure::Rejected(message) => Notice::error(*message, None),
            Failure::SignInRequired => Notice::error(Key::ErrSignInRequired, None),
            Failure::NotAllowed => Notice::error(Key::ErrNotAllowed, None),
            Failure::NotFound => Notice::error(Key::ErrNotFound, None),
            Failure::Throttled => Notice::error(Key::ErrThrottled, None)
                .with("minutes", crate::auth::THROTTLE_WINDOW_MINUTES.to_string()),
            Failure::Internal => Notice::error(Key::ErrorText, None),
        }
    }
}

impl From<StorageError> for Failure {
    fn from(error: StorageError) -> Self {
        tracing::error!(%error, "a write failed");
        Failure::Internal
    }
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Failure::from(StorageError::from(error))
    }
}

impl From<Denied> for Failure {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::SignInRequired => Failure::SignInRequired,
            Denied::NotAllowed => Failure::NotAllowed,
        }
    }
}

/// What a write handler knows about its request.
pub struct Ctx {
    pub state: AppState,
    pub page: PageState,
    pub info: RequestInfo,
    pub headers: HeaderMap,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, StatusCode> {
        // The security layer always runs first; without it there is nothing safe to do.
        let page = parts.extensions.get::<PageState>().cloned();
        let info = parts.extensions.get::<RequestInfo>().cloned();
        match (page, info) {
            (Some(page), Some(info)) => Ok(Ctx {
                state: state.clone(),
                page,
                info,
                headers: parts.headers.clone(),
            }),
            _ => Err(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl Ctx {
    pub fn viewer(&self) -> Option<&Viewer> {
        self.page.viewer.as_ref()
    }

    /// The viewer, if `decision` lets them act.
    pub fn allowed(&self, decision: Decision) -> Result<Viewer, Failure> {
        decision?;
        self.viewer().cloned().ok_or(Failure::SignInRequired)
    }

    /// Writes an audit line, from this request's address, in the write's transaction.
    pub async fn audit(
        &self,
        conn: &mut sqlx::AnyConnection,
        actor: Option<&Viewer>,
        action: AuditAction,
        subject_id: Option<i64>,
        facts: Vec<(AuditFact, String)>,
    ) -> Result<(), StorageError> {
        let entry = NewAuditEntry {
            actor_id: actor.map(|v| v.user_id),
            action,
            subject_id,
            facts,
            address: Some(self.info.address.clone()),
        };
        app::storage::insert_audit(conn, &entry, &crate::auth::now()).await
    }

    /// Success: on to `to`, where `notice` is shown once.
    pub fn done(&self, to: &str, notice: Notice) -> Response {
        self.done_with_cookies(to, notice, Vec::new())
    }

    pub fn done_with_cookies(&self, to: &str, notice: Notice, cookies: Vec<String>) -> Response {
        if self.info.wants_json {
            let mut response = (
                StatusCode::OK,
                axum::Json(serde_json::json!({
                    "ok": true,
                    "message": notice.text(Lang::En),
                    "link": notice.link,
                    "location": to,
                })),
            )
                .into_response();
            append_cookies(response.headers_mut(), cookies);
            return response;
        }
        let mut response =
            (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response();
        let mut cookies = cookies;
        cookies.push(notice_cookie(&notice, self.info.https));
        append_cookies(response.headers_mut(), cookies);
        response
    }

    /// Failure: the page at `page` again, with the reason and what was typed (`values`,
    /// never passwords), under the failure's status.
    pub async fn fail(
        self,
        failure: Failure,
        page: &str,
        values: Vec<(String, String)>,
    ) -> Response {
        let status = failure.status();
        let notice = failure.notice();
        if self.info.wants_json {
            let reason = notice.text(Lang::En);
            return (
                status,
                axum::Json(serde_json::json!({
                    "error": { "field": notice.field, "reason": reason }
                })),
            )
                .into_response();
        }
        let mut state = self.page.clone();
        state.notice = Some(notice);
        state.form_values = values;
        let mut response = render_page(&self.state, &self.headers, page, state, self.info).await;
        *response.status_mut() = status;
        response
    }
}

fn append_cookies(headers: &mut HeaderMap, cookies: Vec<String>) {
    for cookie in cookies {
        if let Ok(value) = cookie.parse() {
            headers.append(header::SET_COOKIE, value);
        }
    }
}

/// A same-site path to return to; anything else becomes `fallback`.
pub fn local_path(next: Option<&str>, fallback: &str) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && !n.chars().any(char::is_control)
    })
    .unwrap_or(fallback)
    .to_string()
}

/// Trims a text field and refuses it when empty or too long.
/// The longest display name an account may have, wherever it is set.
pub const DISPLAY_NAME_MAX_CHARS: usize = 120;

pub fn required_text(
    value: &str,
    field: &'static str,
    max_chars: usize,
) -> Result<String, Failure> {
    let value = value.trim();
    if value.is_empty() {
        Err(Failure::invalid(field, Key::ErrRequired))
    } else if value.chars().count() > max_chars {
        Err(Failure::invalid(field, Key::ErrTooLong))
    } else {
        Ok(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/account"), "/"), "/account");
        for outside in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "account",
            "/a\r\nSet-Cookie: x=y",
        ] {
            assert_eq!(local_path(Some(outside), "/"), "/", "{outside}");
        }
        assert_eq!(local_path(None, "/x"), "/x");
    }
}
