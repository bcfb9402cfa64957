//! Request ids, request logging and request metrics.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use tracing::Instrument;

use super::metrics::Metrics;
use crate::logging::mask_personal_data;

/// The `X-Request-Id` header.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request: the client's `X-Request-Id` when it is a sane token,
/// otherwise a fresh UUID.
#[derive(Debug, Clone)]
pub struct RequestId(Arc<str>);

impl RequestId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id of `req`, as the audit trail records it.
    pub fn of(req: &actix_web::HttpRequest) -> Option<String> {
        use actix_web::HttpMessage;
        req.extensions()
            .get::<RequestId>()
            .map(|id| id.as_str().to_owned())
    }

    fn from_header(value: Option<&HeaderValue>) -> RequestId {
        // A client id that looks like personal data (an ID or phone number) is not kept: it
        // would be written into every log line.
        let given = value
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
                    && mask_personal_data(v) == *v
            });
        match given {
            Some(id) => RequestId(id.into()),
            None => RequestId(uuid::Uuid::new_v4().to_string().into()),
        }
    }
}

/// Middleware: gives the request its id (echoed as `X-Request-Id`), runs it inside a span
/// carrying that id, logs one line when it finishes, and counts it in the metrics under its
/// route pattern (never the raw path, which would explode the label space).
pub async fn observe(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = RequestId::from_header(req.headers().get(&X_REQUEST_ID));
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    req.extensions_mut().insert(request_id.clone());
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = method_label(req.method());
    // HEAD is answered wherever GET is: the connection remembers the request was a HEAD
    // and sends the headers without the body.
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    // The query string is never logged: search terms and lookups carry personal data.
    let path = mask_personal_data(req.path());
    let span = tracing::info_span!("request", request_id = request_id.as_str(), method = %method);
    let started = Instant::now();

    let result = next.call(req).instrument(span.clone()).await;

    let elapsed = started.elapsed();
    let _entered = span.enter();
    match result {
        Ok(mut res) => {
            let route = res
                .request()
                .match_pattern()
                .unwrap_or_else(|| "<unmatched>".to_owned());
            let status = res.status().as_u16();
            if let Some(metrics) = metrics {
                metrics.observe(&method, &route, status, elapsed);
            }
            tracing::info!(
                status,
                route = %route,
                path = %path,
                duration_ms = elapsed.as_secs_f64() * 1000.0,
                "request finished"
            );
            if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
                res.headers_mut().insert(X_REQUEST_ID.clone(), value);
            }
            // Answers to a caller with credentials are about that caller: no cache keeps them.
            if authenticated && !res.headers().contains_key(header::CACHE_CONTROL) {
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            Ok(res)
        }
        Err(error) => {
            tracing::error!(error = %error, path = %path, "request failed before an answer");
            Err(error)
        }
    }
}

/// The method as a metrics label: the standard ones by name, anything else as `OTHER`, so a
/// client cannot grow the label set.
fn method_label(method: &Method) -> String {
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    if KNOWN.contains(method) {
        method.to_string()
    } else {
        "OTHER".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sane_client_request_id_is_kept() {
        let id = RequestId::from_header(Some(&HeaderValue::from_static("abc-123_x.y:z")));
        assert_eq!(id.as_str(), "abc-123_x.y:z");
    }

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        assert_eq!(method_label(&Method::from_bytes(b"M1").unwrap()), "OTHER");
    }

    #[test]
    fn an_unsafe_or_overlong_request_id_is_replaced() {
        for bad in ["a b", "<script>", &"x".repeat(65), "", "11010519491231002X"] {
            let value = HeaderValue::from_str(bad).unwrap();
            let id = RequestId::from_header(Some(&value));
            assert_ne!(id.as_str(), bad);
            assert!(uuid::Uuid::parse_str(id.as_str()).is_ok());
        }
    }
}
