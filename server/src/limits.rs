//! Limits that keep one server answering under load: how many requests it serves at once
//! and how long one may take. Past either, the answer is 503 with `Retry-After`, at once,
//! rather than a queue that grows without bound.

use crate::security::refuse;
use app::i18n::{Key, Lang};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Requests served at once; more are refused.
    pub concurrent_requests: usize,
    /// How long a request may take before it is answered 503.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            concurrent_requests: 512,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Seconds a refused client is told to wait.
const RETRY_AFTER_SECONDS: u32 = 2;

/// The state of the [`layer`]: the limits and the places left.
#[derive(Clone)]
pub struct Gate {
    limits: Limits,
    places: Arc<Semaphore>,
}

impl Gate {
    pub fn new(limits: Limits) -> Gate {
        Gate {
            limits,
            places: Arc::new(Semaphore::new(limits.concurrent_requests)),
        }
    }
}

/// The reader's language and whether they want JSON, for a refusal.
fn reader(request: &Request) -> (Lang, bool) {
    let cookies = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok());
    let accept_language = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = Lang::negotiate(cookies, accept_language);
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    (lang, wants_json)
}

fn busy((lang, wants_json): (Lang, bool), key: Key) -> Response {
    let mut response = refuse(StatusCode::SERVICE_UNAVAILABLE, lang, key, wants_json);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    response
}

pub async fn layer(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let Ok(_place) = gate.places.clone().try_acquire_owned() else {
        tracing::warn!(
            "refused a request: {} are being served",
            gate.limits.concurrent_requests
        );
        return busy(reader(&request), Key::ErrServerBusy);
    };
    let reader = reader(&request);
    match tokio::time::timeout(gate.limits.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("a request took longer than {:?}", gate.limits.timeout);
            busy(reader, Key::ErrTimeout)
        }
    }
}
