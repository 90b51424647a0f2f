//! Passwords, tokens, sessions and cookies.
//!
//! Passwords are hashed with argon2id. Session, CSRF and one-time-link tokens are 256
//! random bits; only their SHA-256 is stored.

use app::domain::{LinkPurpose, Viewer};
use app::error::AppError;
use app::storage::{self, Conn, Db, StorageError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Duration;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::{Arc, OnceLock};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// `value` signed with `key`: the value, a dot, and its HMAC-SHA256 in hex. For cookies
/// the server reads back, so a visitor can neither forge nor alter them.
pub fn sign(value: &str, key: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(value.as_bytes());
    format!("{value}.{}", to_hex(&mac.finalize().into_bytes()))
}

/// The value of a string made by [`sign`] with `key`, when its signature holds.
pub fn verify_signed<'a>(signed: &'a str, key: &[u8]) -> Option<&'a str> {
    let (value, signature) = signed.rsplit_once('.')?;
    let signature = from_hex(signature)?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    mac.update(value.as_bytes());
    // Compared in constant time.
    mac.verify_slice(&signature).ok().map(|()| value)
}

/// Bytes from lower- or upper-case hex; `None` for anything else.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
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

/// Password hashes running at once, and a bounded queue of those waiting for a turn: each
/// argon2 hash holds about 19 MiB, so a flood of sign-ins must not start them without
/// limit. Past the queue a request is refused at once with [`AppError::Busy`].
pub struct HashGate {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

/// Seconds a refused request is told to wait before trying again.
pub const BUSY_RETRY_SECONDS: i64 = 2;

impl HashGate {
    pub fn new(at_once: usize, waiting: usize) -> HashGate {
        let at_once = at_once.max(1);
        HashGate {
            admitted: Arc::new(Semaphore::new(at_once + waiting)),
            running: Arc::new(Semaphore::new(at_once)),
        }
    }

    /// A place in the queue, or [`AppError::Busy`] at once when it is full.
    pub fn admit(&self) -> Result<Admission, AppError> {
        let place = self.admitted.clone().try_acquire_owned().map_err(|_| {
            tracing::warn!("refused a password check: too many are running or waiting");
            AppError::Busy {
                seconds: BUSY_RETRY_SECONDS,
            }
        })?;
        Ok(Admission {
            place,
            running: self.running.clone(),
        })
    }

    /// Runs `work` when its turn comes, or refuses when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        self.admit()?.run(work).await
    }
}

/// A place in a [`HashGate`]'s queue.
pub struct Admission {
    place: OwnedSemaphorePermit,
    running: Arc<Semaphore>,
}

impl Admission {
    /// Runs `work` off the async workers once one of the running places is free. Both
    /// places go with the work, so they are held until the hash ends even when the request
    /// that asked for it is dropped meanwhile.
    pub async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let running = self
            .running
            .acquire_owned()
            .await
            .map_err(|_| AppError::Busy {
                seconds: BUSY_RETRY_SECONDS,
            })?;
        let place = self.place;
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop((running, place));
            result
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "a password hash did not finish");
            AppError::Internal
        })
    }
}

/// The most `PASSWORD_HASHES_AT_ONCE` may say: 19 MiB each.
const MAX_HASHES_AT_ONCE: usize = 256;

/// The process's gate: `PASSWORD_HASHES_AT_ONCE` hashes at once (default: one per CPU)
/// and four times as many waiting.
pub fn hash_gate() -> &'static HashGate {
    static GATE: OnceLock<HashGate> = OnceLock::new();
    GATE.get_or_init(|| {
        let at_once = std::env::var("PASSWORD_HASHES_AT_ONCE")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| (1..=MAX_HASHES_AT_ONCE).contains(n))
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .min(MAX_HASHES_AT_ONCE);
        HashGate::new(at_once, 4 * at_once)
    })
}

/// `verify_password` through the gate, in a place `admission` holds: a check takes tens
/// of milliseconds of CPU.
pub async fn password_matches(
    admission: Admission,
    hash: Option<String>,
    password: &str,
) -> Result<bool, AppError> {
    let password = password.to_string();
    admission
        .run(move || verify_password(hash.as_deref(), &password))
        .await
}

/// `hash_password` through the gate.
pub async fn hash_password_off_workers(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    hash_gate()
        .run(move || hash_password(&password))
        .await?
        .map_err(|error| {
            tracing::error!(%error, "cannot hash a password");
            AppError::Internal
        })
}

/// Removes expired sessions and ended throttling windows; run now and then.
pub async fn sweep(db: &Db) -> Result<(u64, u64), StorageError> {
    let mut conn = db.acquire().await?;
    let now = storage::now();
    let sessions = storage::delete_expired_sessions(&mut conn, now).await?;
    let windows = storage::delete_ended_sign_in_windows(&mut conn, now).await?;
    Ok((sessions, windows))
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

/// The name one of our cookies goes by: over HTTPS with the `__Host-` prefix, which a
/// browser accepts only from a secure origin, for the whole host and without a domain, so
/// neither a sibling subdomain nor a plain-HTTP page can plant or overwrite it.
pub fn cookie_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// A `Set-Cookie` value for one of our cookies; `max_age` 0 deletes it.
pub fn cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{}",
        cookie_name(name, secure),
        if secure { "; Secure" } else { "" }
    )
}

/// The value of our cookie `name` in a `Cookie` header, under the name it goes by.
pub fn cookie_value<'h>(header: Option<&'h str>, name: &str, secure: bool) -> Option<&'h str> {
    let name = cookie_name(name, secure);
    header?.split(';').find_map(|c| {
        let (n, v) = c.trim().split_once('=')?;
        (n == name).then_some(v)
    })
}

/// The CSRF token as a page carries it: a fresh random mask and the token XORed with it,
/// so the bytes of a page differ every time and a compressed page says nothing about the
/// token (BREACH).
pub fn mask_token(token: &str) -> String {
    let token = from_hex(token).unwrap_or_default();
    let mut mask = vec![0u8; token.len()];
    OsRng.fill_bytes(&mut mask);
    let masked: Vec<u8> = token.iter().zip(&mask).map(|(t, m)| t ^ m).collect();
    format!("{}{}", to_hex(&mask), to_hex(&masked))
}

/// The token a page's masked token stands for; `None` when it is not one.
pub fn unmask_token(masked: &str) -> Option<String> {
    let bytes = from_hex(masked)?;
    let (mask, token) = bytes.split_at(bytes.len() / 2);
    (!mask.is_empty() && mask.len() == token.len()).then(|| {
        to_hex(
            &token
                .iter()
                .zip(mask)
                .map(|(t, m)| t ^ m)
                .collect::<Vec<u8>>(),
        )
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
    fn masked_tokens_differ_every_time_and_unmask_to_the_token() {
        let token = random_token();
        let (a, b) = (mask_token(&token), mask_token(&token));
        assert_ne!(a, b);
        assert_eq!(a.len(), 128);
        assert!(!a.contains(&token));
        assert_eq!(unmask_token(&a).as_deref(), Some(token.as_str()));
        assert_eq!(unmask_token(&b).as_deref(), Some(token.as_str()));
        assert_ne!(unmask_token(&token).as_deref(), Some(token.as_str()));
        assert_eq!(unmask_token(""), None);
        assert_eq!(unmask_token("xyz"), None);
    }

    #[test]
    fn over_https_cookies_carry_the_host_prefix() {
        let secure = cookie(SESSION_COOKIE, "v", 60, true);
        assert!(
            secure.starts_with("__Host-ogp_session=v; Path=/;"),
            "{secure}"
        );
        assert!(secure.ends_with("; Secure"));
        assert!(!secure.contains("Domain"));
        assert_eq!(
            cookie(SESSION_COOKIE, "v", 60, false).split(';').next(),
            Some("ogp_session=v")
        );
        let header = Some("ogp_session=plain; __Host-ogp_session=prefixed");
        assert_eq!(cookie_value(header, SESSION_COOKIE, true), Some("prefixed"));
        assert_eq!(cookie_value(header, SESSION_COOKIE, false), Some("plain"));
    }

    #[test]
    fn signed_values_cannot_be_forged_or_altered() {
        let key = b"a key of the server";
        let signed = sign("{\"message\":\"x\"}", key);
        assert_eq!(verify_signed(&signed, key), Some("{\"message\":\"x\"}"));
        assert_eq!(verify_signed(&signed, b"another key"), None);
        let altered = signed.replacen('x', "y", 1);
        assert_eq!(verify_signed(&altered, key), None);
        assert_eq!(verify_signed("{\"message\":\"x\"}", key), None, "unsigned");
        assert_eq!(verify_signed("value.zz", key), None);
        assert_eq!(from_hex("0aff"), Some(vec![10, 255]));
        assert_eq!(from_hex("0af"), None);
        assert_eq!(from_hex("+f"), None, "only hex digits");
    }

    #[tokio::test]
    async fn the_hash_gate_refuses_past_its_queue_instead_of_waiting() {
        let gate = Arc::new(HashGate::new(1, 1));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let running = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(move || wait.recv().is_ok()).await })
        };
        // The first holds the one running place; the second waits in the queue.
        while gate.running.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let queued = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(|| 2).await })
        };
        while gate.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            gate.run(|| 3).await,
            Err(AppError::Busy {
                seconds: BUSY_RETRY_SECONDS
            })
        );
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap(), Ok(true));
        assert_eq!(queued.await.unwrap(), Ok(2));
        assert_eq!(gate.run(|| 4).await, Ok(4), "room again once they finish");
    }
}
