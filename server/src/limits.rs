//! Limits that keep one server answering under load: how many requests it serves at once
//! and how long one may take. Past either, the answer is 503 with `Retry-After`, at once,
//! rather than a queue that grows without bound. Also the memory its kept pages may take.

use crate::auth::BUSY_RETRY_SECONDS;
use crate::security::{reader_of, refuse};
use app::i18n::{Key, Lang};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Requests served at once; more are refused.
    pub concurrent_requests: usize,
    /// How long a read may take before it is answered 503, and a write's body may take
    /// to arrive.
    pub timeout: Duration,
    /// Bytes of rendered public pages kept (`crate::page_cache`); 0 keeps none.
    pub page_cache_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            concurrent_requests: 512,
            timeout: Duration::from_secs(30),
            page_cache_bytes: crate::page_cache::DEFAULT_BUDGET_BYTES,
        }
    }
}

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

fn busy((lang, wants_json): (Lang, bool), key: Key) -> Response {
    let mut response = refuse(StatusCode::SERVICE_UNAVAILABLE, lang, key, wants_json);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_SECONDS));
    response
}

pub async fn layer(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let Ok(_place) = gate.places.clone().try_acquire_owned() else {
        tracing::warn!(
            "refused a request: {} are being served",
            gate.limits.concurrent_requests
        );
        return busy(
            reader_of(request.uri(), request.headers()),
            Key::ErrServerBusy,
        );
    };
    // A write is not cut short once it runs: it may have committed, and answering 503
    // then would invite the same write again. Its body is read under the time limit
    // instead (`crate::security`).
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let reader = reader_of(request.uri(), request.headers());
    match tokio::time::timeout(gate.limits.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("a request took longer than {:?}", gate.limits.timeout);
            busy(reader, Key::ErrTimeout)
        }
    }
}
