//! Passwords, tokens, sessions and cookies.
//!
//! Passwords are hashed with argon2id. Session, CSRF and one-time-link tokens are 256
//! random bits; only their SHA-256 is stored.

use app::domain::{LinkPurpose, Viewer};
use app::storage::{self, Conn, Db, StorageError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Duration;
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "ogp_session";
pub const CSRF_COOKIE: &str = "ogp_csrf";
pub const FLASH_COOKIE: &str = "ogp_flash";
pub const SESSION_DAYS: i64 = 14;

pub use app::storage::{to_hex, token_hash};

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

/// Removes expired sessions and sign-in failures too old to count; run now and then.
pub async fn sweep(db: &Db) -> Result<(u64, u64), StorageError> {
    let mut conn = db.acquire().await?;
    let now = storage::now();
    let sessions = storage::delete_expired_sessions(&mut conn, now).await?;
    let window = Duration::minutes(crate::commands::accounts::THROTTLE_WINDOW_MINUTES);
    let failures = storage::delete_sign_in_failures_before(&mut conn, now - window).await?;
    Ok((sessions, failures))
}

pub async fn viewer_for_token(db: &Db, token: &str) -> Result<Option<Viewer>, StorageError> {
    let mut conn = db.acquire().await?;
    storage::viewer_for_session(&mut conn, &token_hash(token), storage::now()).await
}

/// Creates a one-time link for an account and returns its path (the token is in it).
pub async fn create_link(
    conn: &mut dyn Conn,
    user_id: i64,
    purpose: LinkPurpose,
    created_by: Option<i64>,
) -> Result<String, StorageError> {
    let token = random_token();
    let now = storage::now();
    let expires = now + Duration::hours(purpose.lifetime_hours());
    storage::insert_link(
        conn,
        &token_hash(&token),
        user_id,
        purpose,
        created_by,
        now,
        expires,
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
}
