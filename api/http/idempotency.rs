//! `Idempotency-Key`: a client that retries a write (because the network failed, say) gets
//! the first answer again instead of doing the work twice.
//!
//! The key is scoped to the caller and bound to a fingerprint of the request (method, path,
//! query and body): a retry with the same key and the same request gets the stored answer
//! (marked `Idempotent-Replayed: true`); the same key with a different request is refused
//! with `idempotency_key.reused`; a retry while the first request still runs is refused
//! with `idempotency_key.in_progress`. Only successful answers are stored: a refused request
//! changed nothing, so its retry simply runs again (and may succeed once corrected).

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::AppState;
use super::problem::ApiError;
use crate::errors::Code;
use crate::store::idempotency::{self, Claim, KeyRef, StoredResponse};

/// The request header.
pub static IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// The response header marking a replayed answer.
pub static IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// How long the first request may run before a retry may take its key over.
const LEASE_SECONDS: i64 = 60;

/// Whose key this is: the account of a valid access token, the credential itself (hashed)
/// for anything else presented (an integration client's key, an expired token), or the
/// anonymous scope. A stored answer is only ever replayed to the same caller.
fn scope_of(req: &actix_web::HttpRequest, state: &AppState) -> String {
    let Some(credential) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
    else {
        return "anonymous".to_owned();
    };
    let token = credential
        .split_once(' ')
        .map_or(credential, |(_, token)| token.trim());
    match state.tokens.verify_access(token) {
        Ok(claims) => format!("account:{}", claims.sub),
        Err(_) => format!(
            "credential:{}",
            hex::encode(Sha256::digest(credential.as_bytes()))
        ),
    }
}

/// Response headers a replay must carry again.
const KEPT_HEADERS: [HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::ETAG,
    header::CONTENT_LANGUAGE,
];

/// Middleware applying the rules above to every write that carries the header.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(raw_key) = req.headers().get(&IDEMPOTENCY_KEY).cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Reads change nothing, and a path no route takes will be refused anyway: neither is
    // worth storing (or buffering) anything for.
    // Uploads stream their bytes and apply the same rules themselves, keyed on the content
    // they stored rather than on the form's bytes.
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        });
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.match_pattern().is_none()
        || multipart
    {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // Refusals are answered as responses (not errors) so that the problem renderer above
    // gives them the same form as every other error.
    let Some(key) = valid_key(&raw_key) else {
        return Ok(req.error_response(ApiError::new(Code::IdempotencyKeyInvalid)));
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        let error = ApiError::internal(anyhow::anyhow!("application state missing"));
        return Ok(req.error_response(error));
    };
    let scope = scope_of(req.request(), &state);

    let body = match read_body(&mut req, state.config.json_limit_bytes).await {
        Ok(body) => body,
        Err(error) => return Ok(req.error_response(error)),
    };
    let method = req.method().to_string();
    let path = req.uri().to_string();
    let hash = fingerprint(&method, &path, &body);

    let claim = {
        let (scope, key, method, path, hash) = (
            scope.clone(),
            key.clone(),
            method.clone(),
            path.clone(),
            hash.clone(),
        );
        state
            .with_conn(move |conn| {
                let key = KeyRef {
                    principal: &scope,
                    key: &key,
                };
                Ok(idempotency::claim(
                    conn,
                    key,
                    &hash,
                    &method,
                    &path,
                    LEASE_SECONDS,
                )?)
            })
            .await
    };
    match claim {
        Ok(Claim::Acquired) => {}
        Ok(Claim::Replay(stored)) => {
            let response = replay(&stored);
            return Ok(req.into_response(response));
        }
        Ok(Claim::Mismatch) => {
            return Ok(req.error_response(ApiError::new(Code::IdempotencyKeyReused)));
        }
        Ok(Claim::InProgress) => {
            return Ok(req.error_response(ApiError::new(Code::IdempotencyKeyInProgress)));
        }
        Err(error) => return Ok(req.error_response(error)),
    }

    req.set_payload(Payload::from(body));
    let outcome = next.call(req).await;
    let res = match outcome {
        Ok(res) => res,
        Err(error) => {
            forget(&state, scope, key).await;
            return Err(error);
        }
    };

    let (http_req, response) = res.into_parts();
    let status = response.status();
    let headers: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    let (response, body) = response.into_parts();
    let bytes = match to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            forget(&state, scope, key).await;
            let error = ApiError::internal(anyhow::anyhow!("response body unreadable"));
            return Ok(ServiceResponse::from_err(error, http_req));
        }
    };

    // Answers marked `no-store` carry secrets (session tokens): they are never kept, so a
    // retry runs again rather than reading them back from the database.
    let no_store = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"));
    if !(status.is_success() || status.is_redirection()) || no_store {
        forget(&state, scope, key).await;
    } else {
        let stored = StoredResponse {
            status: status.as_u16(),
            headers,
            body: bytes.to_vec(),
        };
        let result = state
            .with_conn(move |conn| {
                let key = KeyRef {
                    principal: &scope,
                    key: &key,
                };
                Ok(idempotency::complete(conn, key, &stored)?)
            })
            .await;
        if let Err(error) = result {
            // The work is done and answered; the retry will be refused as in progress until
            // the lease lapses, which is safe.
            tracing::warn!(error = %error, "could not store an idempotent answer");
        }
    }
    let response = response.set_body(BoxBody::new(bytes));
    Ok(ServiceResponse::new(http_req, response))
}

/// A key is 1 to 255 visible ASCII characters.
fn valid_key(value: &HeaderValue) -> Option<String> {
    let key = value.to_str().ok()?.trim();
    let ok = !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| key.to_owned())
}

fn fingerprint(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hasher.finalize().to_vec()
}

async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<web::Bytes, ApiError> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::new(Code::BodyInvalid))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(Code::PayloadTooLarge));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The stored first answer, marked as replayed.
pub fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &stored.headers {
        builder.insert_header((name.as_str(), value.as_str()));
    }
    builder.insert_header((
        IDEMPOTENT_REPLAYED.clone(),
        HeaderValue::from_static("true"),
    ));
    builder.body(stored.body.clone())
}

async fn forget(state: &AppState, scope: String, key: String) {
    let result = state
        .with_conn(move |conn| {
            let key = KeyRef {
                principal: &scope,
                key: &key,
            };
            Ok(idempotency::release(conn, key)?)
        })
        .await;
    if let Err(error) = result {
        tracing::warn!(error = %error, "could not release an idempotency key");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_up_to_255_characters() {
        assert_eq!(
            valid_key(&HeaderValue::from_static("abc-123")).as_deref(),
            Some("abc-123")
        );
        let long = "k".repeat(255);
        assert!(valid_key(&HeaderValue::from_str(&long).unwrap()).is_some());
        let too_long = "k".repeat(256);
        assert!(valid_key(&HeaderValue::from_str(&too_long).unwrap()).is_none());
        assert!(valid_key(&HeaderValue::from_static("a b")).is_none());
        assert!(valid_key(&HeaderValue::from_static("")).is_none());
    }

    #[test]
    fn the_fingerprint_separates_method_path_and_body() {
        let a = fingerprint("POST", "/x", b"{}");
        assert_eq!(a, fingerprint("POST", "/x", b"{}"));
        assert_ne!(a, fingerprint("PUT", "/x", b"{}"));
        assert_ne!(a, fingerprint("POST", "/x?a=1", b"{}"));
        assert_ne!(a, fingerprint("POST", "/x", b"{ }"));
        assert_ne!(
            fingerprint("POST", "/ab", b"c"),
            fingerprint("POST", "/a", b"bc")
        );
    }
}
