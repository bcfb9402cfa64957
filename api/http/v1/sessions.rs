//! Sessions: log in, refresh, log out.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::AccountView;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::{Authenticated, client_address};
use crate::http::problem::Problem;
use crate::services::sessions::{self, IssuedSession, LoginOutcome, RefreshOutcome};

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"login": "370102199001011234", "password": "法院立案2026"}))]
pub struct LoginRequest {
    /// ID number, practice licence number (lawyers, legal workers) or staff login name.
    pub login: String,
    pub password: String,
}

/// Tokens of a new or refreshed session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionTokens {
    /// Send as `Authorization: Bearer …`; short-lived.
    pub access_token: String,
    /// Exchange at `POST /api/v1/sessions/refresh` before the access token expires; each
    /// works once.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// True while the account holds a default password: every call but changing the
    /// password (and logging out) answers 403 `account.password_change_required`.
    pub must_change_password: bool,
    pub account: AccountView,
}

impl SessionTokens {
    pub fn new(session: IssuedSession, account: &crate::store::accounts::AccountRow) -> Self {
        SessionTokens {
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            token_type: "Bearer",
            expires_in: session.expires_in,
            must_change_password: account.must_change_password,
            account: AccountView::from(account),
        }
    }
}

/// A refresh token to exchange.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Log in
///
/// Opens a session with a login (ID number, licence number, or a staff login name) and a
/// password. A wrong login and a wrong password get the same answer. After repeated
/// failures answers slow down, then the login name (or the client address) is locked for
/// 15 minutes (429 with `Retry-After`). Registrations still being verified, or not
/// verified, cannot log in (403 with their own codes).
#[utoipa::path(
    tag = "sessions",
    request_body = LoginRequest,
    responses(
        (status = 201, description = "Session opened.", body = SessionTokens),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`session.invalid_credentials`.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`session.registration_pending`, `session.registration_failed` or `session.account_disabled`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Login or password missing.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`session.locked`: too many failures.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let login = sessions::parse_login(&body.login);
    if login.is_none() {
        errors.push(FieldError::new("login", Code::FieldRequired));
    }
    if body.password.is_empty() || body.password.len() > 1024 {
        errors.push(FieldError::new("password", Code::PasswordRequired));
    }
    let Some(login) = login.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let address = client_address(&req, state.config.trust_forwarded_for);

    let throttle = {
        let (login, address) = (login.clone(), address.clone());
        state
            .with_conn(move |conn| sessions::throttle(conn, &login, &address))
            .await?
    };
    if let Some(until) = throttle.locked_until {
        let seconds = (until - chrono::Utc::now()).num_seconds().max(1);
        return Err(ApiError::new(Code::SessionLocked).with_retry_after(seconds as u64));
    }
    if throttle.failures >= sessions::SLOW_AFTER {
        let extra = (throttle.failures - sessions::SLOW_AFTER + 1).min(5) as u32;
        actix_web::rt::time::sleep(state.config.login_slowdown * extra).await;
    }

    let tokens = state.tokens.clone();
    let password = body.password;
    let outcome = state
        .with_conn(move |conn| sessions::login(conn, &tokens, &login, &password, &address))
        .await?;
    match outcome {
        LoginOutcome::Opened(account, session) => Ok(HttpResponse::Created()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(SessionTokens::new(session, &account))),
        LoginOutcome::Refused(code) => Err(ApiError::new(code)),
        LoginOutcome::Locked(until) => {
            let seconds = (until - chrono::Utc::now()).num_seconds().max(1);
            Err(ApiError::new(Code::SessionLocked).with_retry_after(seconds as u64))
        }
    }
}

/// Refresh a session
///
/// Exchanges a refresh token for a new access token and a new refresh token. Each refresh
/// token works once: presenting one again ends the whole session (someone else may hold
/// it) and answers 401 `session.refresh_reused`.
#[utoipa::path(
    tag = "sessions",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens.", body = SessionTokens),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`session.refresh_invalid` or `session.refresh_reused`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/refresh")]
pub async fn refresh_session(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = body.into_inner().refresh_token;
    if token.is_empty() || token.len() > 256 {
        return Err(ApiError::new(Code::RefreshInvalid));
    }
    let tokens = state.tokens.clone();
    // Not one transaction that rolls back on refusal: a detected reuse must stay revoked.
    let outcome = state
        .with_conn(move |conn| {
            use diesel::Connection;
            conn.transaction(|conn| sessions::refresh(conn, &tokens, &token))
        })
        .await?;
    match outcome {
        RefreshOutcome::Rotated(account, session) => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(SessionTokens::new(session, &account))),
        RefreshOutcome::Reused => Err(ApiError::new(Code::RefreshReused)),
        RefreshOutcome::Invalid => Err(ApiError::new(Code::RefreshInvalid)),
    }
}

/// Log out
///
/// Ends the session of the access token used: its refresh tokens stop working at once, and
/// so does the access token. Allowed while a default password is still held.
#[utoipa::path(
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Session ended."),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/sessions/current")]
pub async fn delete_current_session(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let (account, session) = (caller.account.id, caller.session_id);
    state
        .transaction(move |conn| sessions::logout(conn, account, session))
        .await?;
    Ok(HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}
