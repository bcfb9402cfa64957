//! Who is calling: extractors whose types say what they grant.
//!
//! - [`Authenticated`]: a person with an open session, even one who must still change a
//!   default password (only password change and logout take this);
//! - [`Caller`]: a person with an open session and a password of their own;
//! - [`Judge`], [`Admin`]: a caller in that role (anyone else gets 403);
//! - [`ServiceClient`] and its scoped forms: an integration client, never a person.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use uuid::Uuid;

use super::AppState;
use super::problem::ApiError;
use crate::auth::tokens::{TokenError, token_hash};
use crate::errors::Code;
use crate::store::accounts::{AccountRow, AccountStatus, Role};
use crate::store::{clients, sessions};

/// A person with an open session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub account: AccountRow,
    pub session_id: Uuid,
}

impl Authenticated {
    pub fn role(&self) -> Role {
        self.account.role()
    }
}

/// A person with an open session who holds a password of their own.
#[derive(Debug, Clone)]
pub struct Caller(pub Authenticated);

impl Caller {
    pub fn account(&self) -> &AccountRow {
        &self.0.account
    }

    pub fn id(&self) -> Uuid {
        self.0.account.id
    }

    pub fn role(&self) -> Role {
        self.0.role()
    }
}

/// A judge; `court_code` is the court they belong to.
#[derive(Debug, Clone)]
pub struct Judge {
    pub caller: Caller,
    pub court_code: String,
}

/// An administrator.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

type Extracting<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::new(Code::AuthMissing))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::new(Code::AuthInvalidToken))?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| ApiError::new(Code::AuthInvalidToken))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::new(Code::AuthInvalidToken));
    }
    Ok(token.trim().to_owned())
}

async fn authenticate(req: HttpRequest) -> Result<Authenticated, ApiError> {
    let state = app_state(&req)?;
    let token = bearer(&req)?;
    let claims = state.tokens.verify_access(&token).map_err(|e| match e {
        TokenError::Expired => ApiError::new(Code::AuthTokenExpired),
        TokenError::Invalid => ApiError::new(Code::AuthInvalidToken),
    })?;
    let account = state
        .with_conn(move |conn| Ok(sessions::session_account(conn, claims.sub, claims.sid)?))
        .await?
        .ok_or_else(|| ApiError::new(Code::AuthSessionEnded))?;
    if account.status() != AccountStatus::Active {
        return Err(ApiError::new(Code::AuthSessionEnded));
    }
    Ok(Authenticated {
        account,
        session_id: claims.sid,
    })
}

pub(crate) fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Extracting<Authenticated>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Extracting<Caller>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let authenticated = authenticate(req).await?;
            if authenticated.account.must_change_password {
                return Err(ApiError::new(Code::PasswordChangeRequired));
            }
            Ok(Caller(authenticated))
        })
    }
}

impl FromRequest for Judge {
    type Error = ApiError;
    type Future = Extracting<Judge>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            match (caller.role(), caller.account().court_code.clone()) {
                (Role::Judge, Some(court_code)) => Ok(Judge { caller, court_code }),
                _ => Err(ApiError::new(Code::AuthForbidden)),
            }
        })
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Extracting<Admin>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            if caller.role() != Role::Admin {
                return Err(ApiError::new(Code::AuthForbidden));
            }
            Ok(Admin(caller))
        })
    }
}

/// An integration client, authenticated by its key `Bearer <client id>.<secret>`.
#[derive(Debug, Clone)]
pub struct ServiceClient {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<String>,
}

impl ServiceClient {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

async fn authenticate_client(req: HttpRequest) -> Result<ServiceClient, ApiError> {
    let state = app_state(&req)?;
    let key = bearer(&req).map_err(|e| match e.code() {
        Code::AuthMissing => ApiError::new(Code::AuthServiceClientRequired),
        _ => e,
    })?;
    // A person's access token has three dot-separated parts; a client key has two.
    let Some((id, secret)) = key.split_once('.').filter(|(_, s)| !s.contains('.')) else {
        return Err(ApiError::new(Code::AuthServiceClientRequired));
    };
    let id = Uuid::parse_str(id).map_err(|_| ApiError::new(Code::AuthServiceClientRequired))?;
    let hash = token_hash(secret);
    let client = state
        .with_conn(move |conn| Ok(clients::find_active(conn, id)?))
        .await?
        .filter(|client| constant_time_eq(&client.secret_hash, &hash))
        .ok_or_else(|| ApiError::new(Code::AuthServiceClientRequired))?;
    Ok(ServiceClient {
        id: client.id,
        name: client.name,
        scopes: client.scopes.into_iter().flatten().collect(),
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequest for ServiceClient {
    type Error = ApiError;
    type Future = Extracting<ServiceClient>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate_client(req.clone()))
    }
}

pub use crate::auth::{MINI_PROGRAM_SCOPE, TRIAL_SYSTEM_SCOPE};

/// A service client that holds `scope`, or the reason it may not go on.
async fn client_with_scope(
    req: HttpRequest,
    scope: &'static str,
) -> Result<ServiceClient, ApiError> {
    let client = authenticate_client(req).await?;
    if !client.has_scope(scope) {
        return Err(ApiError::new(Code::AuthScopeMissing));
    }
    Ok(client)
}

/// The mini-program backend.
#[derive(Debug, Clone)]
pub struct MiniProgramClient(pub ServiceClient);

impl FromRequest for MiniProgramClient {
    type Error = ApiError;
    type Future = Extracting<MiniProgramClient>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            Ok(MiniProgramClient(
                client_with_scope(req, MINI_PROGRAM_SCOPE).await?,
            ))
        })
    }
}

/// The courts' trial-management system.
#[derive(Debug, Clone)]
pub struct TrialSystemClient(pub ServiceClient);

impl FromRequest for TrialSystemClient {
    type Error = ApiError;
    type Future = Extracting<TrialSystemClient>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            Ok(TrialSystemClient(
                client_with_scope(req, TRIAL_SYSTEM_SCOPE).await?,
            ))
        })
    }
}

/// The address of the client: the peer, or — when the service is configured to sit behind
/// a proxy — the last `X-Forwarded-For` entry, the one that proxy appended (earlier entries
/// are whatever the client chose to send).
pub fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    {
        return forwarded.to_string();
    }
    req.peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let req = TestRequest::default()
            .insert_header((header::AUTHORIZATION, "bearer abc.def"))
            .to_http_request();
        assert_eq!(bearer(&req).unwrap(), "abc.def");
        let req = TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Basic abc"))
            .to_http_request();
        assert_eq!(bearer(&req).unwrap_err().code(), Code::AuthInvalidToken);
        let req = TestRequest::default().to_http_request();
        assert_eq!(bearer(&req).unwrap_err().code(), Code::AuthMissing);
    }

    #[test]
    fn forwarded_addresses_are_used_only_when_trusted() {
        let req = TestRequest::default()
            .peer_addr("10.0.0.9:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.7, 10.0.0.1"))
            .to_http_request();
        assert_eq!(client_address(&req, false), "10.0.0.9");
        assert_eq!(
            client_address(&req, true),
            "10.0.0.1",
            "the hop our proxy added"
        );
    }

    #[test]
    fn comparisons_of_hashes_are_exact() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
