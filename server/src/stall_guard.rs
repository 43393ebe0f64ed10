//! A page render that stalls is rendered again.
//!
//! Under concurrent load a Leptos server render very rarely never finishes: a
//! `<Suspense>` misses the wake-up of a resource that has loaded, and the response
//! never starts (README.md, "Known problems"; `tests/stress.rs` with `STRESS_STRICT=1`
//! reproduces it on SQLite, one or two signed-in renders in 2,400). A GET
//! changes nothing, so this layer gives its response `limit` to start; past that, it
//! drops the stalled render, logs a warning and sends the same request through once
//! more. Only the start of the response is timed: streams (the live events of a
//! proposal) are untouched once they have begun.

use axum::body::Body;
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tower::{Layer, Service, ServiceExt};

/// Wraps a service so that its stalled GET (and HEAD) responses are asked for again.
#[derive(Clone, Copy, Debug)]
pub struct StallGuardLayer {
    pub limit: Duration,
}

impl<S> Layer<S> for StallGuardLayer {
    type Service = StallGuard<S>;

    fn layer(&self, inner: S) -> Self::Service {
        StallGuard {
            inner,
            limit: self.limit,
        }
    }
}

#[derive(Clone, Debug)]
pub struct StallGuard<S> {
    inner: S,
    limit: Duration,
}

impl<S> Service<Request> for StallGuard<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        // The service that was polled ready serves this request; a clone serves a retry.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let limit = self.limit;
        let retry = copy_of_read(&req);
        Box::pin(async move {
            let Some(again) = retry else {
                return inner.call(req).await;
            };
            let what = req.uri().path().to_owned();
            match tokio::time::timeout(limit, inner.call(req)).await {
                Ok(response) => response,
                Err(_) => {
                    tracing::warn!(
                        path = %what,
                        "a page render stalled for {} s: rendering it again",
                        limit.as_secs()
                    );
                    inner.oneshot(again).await
                }
            }
        })
    }
}

/// A copy of a GET or HEAD request (they have no body); `None` for other methods.
fn copy_of_read(req: &Request) -> Option<Request> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return None;
    }
    let mut copy = Request::new(Body::empty());
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.version_mut() = req.version();
    *copy.headers_mut() = req.headers().clone();
    *copy.extensions_mut() = req.extensions().clone();
    Some(copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Stalls on its first call, answers on the next ones; counts calls.
    fn stalling_once(calls: Arc<AtomicUsize>) -> axum::Router {
        axum::Router::new().fallback(move || {
            let calls = Arc::clone(&calls);
            async move {
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    std::future::pending::<()>().await;
                }
                "page"
            }
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_get_is_sent_again_and_answers() {
        let calls = Arc::new(AtomicUsize::new(0));
        let app = stalling_once(Arc::clone(&calls)).layer(StallGuardLayer {
            limit: Duration::from_secs(8),
        });
        let response = app
            .oneshot(Request::get("/forum").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_post_is_never_sent_twice() {
        let calls = Arc::new(AtomicUsize::new(0));
        let app = stalling_once(Arc::clone(&calls)).layer(StallGuardLayer {
            limit: Duration::from_secs(8),
        });
        let post = app.oneshot(Request::post("/api/x").body(Body::empty()).unwrap());
        let outcome = tokio::time::timeout(Duration::from_secs(60), post).await;
        assert!(outcome.is_err(), "the POST still waits for its only render");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
