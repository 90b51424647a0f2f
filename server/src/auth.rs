//! Passwords, tokens, sessions and sign-in throttling.
//!
//! Passwords are hashed with argon2id. Session, CSRF and one-time-link tokens are 256
//! random bits; only their SHA-256 is stored.

use app::domain::{AuditAction, AuditFact, LinkPurpose, Viewer};
use app::storage::{self, Db, NewAuditEntry, StorageError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "ogp_session";
pub const CSRF_COOKIE: &str = "ogp_csrf";
pub const FLASH_COOKIE: &str = "ogp_flash";
pub const SESSION_DAYS: i64 = 14;
/// Failed sign-ins within the window after which an account (as typed) is refused.
pub const ACCOUNT_FAILURE_LIMIT: i64 = 5;
/// Failed sign-ins from one address within the window after which it is refused.
pub const ADDRESS_FAILURE_LIMIT: i64 = 30;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

pub use app::storage::{now, timestamp, to_hex, token_hash};

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    to_hex(&bytes)
}

/// Compares without stopping at the first difference, so timing says nothing about a token.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A hash no password matches, checked when the account is unknown so that an unknown
/// e-mail costs as long as a wrong password.
fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// Whether `password` matches `hash`; always does the work of one check.
pub fn verify_password(hash: Option<&str>, password: &str) -> bool {
    let (hash, real) = match hash {
        Some(h) => (h, true),
        None => (stand_in_hash(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && real
}

/// `verify_password` off the async workers: a check takes tens of milliseconds of CPU.
pub async fn password_matches(hash: Option<String>, password: &str) -> bool {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || verify_password(hash.as_deref(), &password))
        .await
        .unwrap_or(false)
}

/// `hash_password` off the async workers.
pub async fn hash_password_off_workers(password: &str) -> Option<String> {
    let password = password.to_string();
    match tokio::task::spawn_blocking(move || hash_password(&password)).await {
        Ok(Ok(hash)) => Some(hash),
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot hash a password");
            None
        }
        Err(error) => {
            tracing::error!(%error, "password hashing did not finish");
            None
        }
    }
}

/// A plausible e-mail address, lower-cased; `None` when it cannot be one.
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let fine = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    fine.then_some(email)
}

/// Why a new password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Mismatch,
}

pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(PasswordProblem::TooShort)
    } else if chars > MAX_PASSWORD_CHARS {
        Err(PasswordProblem::TooLong)
    } else if password != confirmation {
        Err(PasswordProblem::Mismatch)
    } else {
        Ok(())
    }
}

/// The answer to a sign-in attempt.
#[derive(Debug)]
pub enum SignIn {
    /// A new session; the token goes into the cookie.
    Accepted { token: String, user_id: i64 },
    /// Unknown e-mail, wrong password or disabled account: deliberately one answer.
    Rejected,
    /// Too many failures for this account or from this address.
    Throttled,
}

pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    address: &str,
) -> Result<SignIn, StorageError> {
    let now_at = Utc::now();
    let now = timestamp(now_at);
    let since = timestamp(now_at - Duration::minutes(THROTTLE_WINDOW_MINUTES));
    let account_failures = storage::sign_in_failures_since(db, "account", email, &since).await?;
    let address_failures = storage::sign_in_failures_since(db, "address", address, &since).await?;
    if account_failures >= ACCOUNT_FAILURE_LIMIT || address_failures >= ADDRESS_FAILURE_LIMIT {
        return Ok(SignIn::Throttled);
    }
    let credentials = storage::credentials(db, email).await?;
    let hash = credentials.as_ref().and_then(|c| c.password_hash.clone());
    let matches = password_matches(hash, password).await;
    match credentials {
        Some(c) if matches && !c.disabled => {
            storage::clear_sign_in_failures(db, "account", email).await?;
            let token = random_token();
            let expires = timestamp(now_at + Duration::days(SESSION_DAYS));
            storage::insert_session(db, &token_hash(&token), c.user_id, &now, &expires).await?;
            storage::record_sign_in(db, c.user_id, &now).await?;
            Ok(SignIn::Accepted {
                token,
                user_id: c.user_id,
            })
        }
        credentials => {
            storage::insert_sign_in_failure(db, "account", email, &now).await?;
            storage::insert_sign_in_failure(db, "address", address, &now).await?;
            // The typed e-mail is recorded for a burst on one account (it may name no
            // account); the address column already says where a burst came from.
            let burst = if account_failures + 1 == ACCOUNT_FAILURE_LIMIT {
                Some(vec![
                    (AuditFact::Email, email.to_string()),
                    (AuditFact::Attempts, ACCOUNT_FAILURE_LIMIT.to_string()),
                ])
            } else if address_failures + 1 == ADDRESS_FAILURE_LIMIT {
                Some(vec![(
                    AuditFact::Attempts,
                    ADDRESS_FAILURE_LIMIT.to_string(),
                )])
            } else {
                None
            };
            if let Some(facts) = burst {
                let mut conn = db.pool.acquire().await?;
                let entry = NewAuditEntry {
                    actor_id: None,
                    action: AuditAction::SignInThrottled,
                    subject_id: credentials.map(|c| c.user_id),
                    facts,
                    address: Some(address.to_string()),
                };
                storage::insert_audit(&mut conn, &entry, &now).await?;
            }
            Ok(SignIn::Rejected)
        }
    }
}

/// Removes expired sessions and sign-in failures too old to count; run now and then.
pub async fn sweep(db: &Db) -> Result<(u64, u64), StorageError> {
    let now_at = Utc::now();
    let sessions = storage::delete_expired_sessions(db, &timestamp(now_at)).await?;
    let cutoff = timestamp(now_at - Duration::minutes(THROTTLE_WINDOW_MINUTES));
    let failures = storage::delete_sign_in_failures_before(db, &cutoff).await?;
    Ok((sessions, failures))
}

pub async fn viewer_for_token(db: &Db, token: &str) -> Result<Option<Viewer>, StorageError> {
    storage::viewer_for_session(db, &token_hash(token), &now()).await
}

/// Creates a one-time link for an account and returns its path (the token is in it).
pub async fn create_link(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    purpose: LinkPurpose,
    created_by: Option<i64>,
) -> Result<String, StorageError> {
    let token = random_token();
    let now_at = Utc::now();
    let expires = timestamp(now_at + Duration::hours(purpose.lifetime_hours()));
    storage::insert_link(
        conn,
        &token_hash(&token),
        user_id,
        purpose,
        created_by,
        &timestamp(now_at),
        &expires,
    )
    .await?;
    Ok(format!("{}{token}", purpose.path()))
}

/// A `Set-Cookie` value for one of our cookies; `max_age` 0 deletes it.
pub fn cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value<'h>(header: Option<&'h str>, name: &str) -> Option<&'h str> {
    header?.split(';').find_map(|c| {
        let (n, v) = c.trim().split_once('=')?;
        (n == name).then_some(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(Some(&hash), "correct horse battery"));
        assert!(!verify_password(Some(&hash), "wrong horse battery"));
        assert!(!verify_password(None, "anything at all"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_ne!(token_hash(&a), a);
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &random_token()));
    }

    #[test]
    fn emails_are_normalized_or_refused() {
        assert_eq!(
            normalize_email("  Ana@Example.ORG "),
            Some("ana@example.org".into())
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a b@example.org",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn new_passwords_need_length_and_confirmation() {
        assert_eq!(
            check_new_password("short", "short"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_new_password("long enough pass", "long enough pasS"),
            Err(PasswordProblem::Mismatch)
        );
        assert_eq!(
            check_new_password("long enough pass", "long enough pass"),
            Ok(())
        );
    }

    #[test]
    fn timestamps_sort_as_text() {
        let early = timestamp(Utc::now());
        let late = timestamp(Utc::now() + Duration::seconds(1));
        assert!(early < late);
        assert_eq!(early.len(), late.len());
    }
}
