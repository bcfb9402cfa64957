//! Resetting a forgotten password with a code sent to the bound phone.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Duration;
use diesel::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::accounts::send_code;
use crate::auth::passwords::{check_new_password, hash_password};
use crate::domain::sms::SmsTemplate;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::client_address;
use crate::http::problem::Problem;
use crate::services::sessions::{account_key, parse_login};
use crate::store::accounts::{self, AccountChanges, AccountStatus};
use crate::store::audit::{self, Actor, Change};
use crate::store::{codes, sessions};

/// Reset requests per client address per hour.
const REQUESTS_PER_ADDRESS_PER_HOUR: i32 = 20;
/// Code confirmations per client address per hour.
const CONFIRMATIONS_PER_ADDRESS_PER_HOUR: i32 = 30;

/// Who forgot their password.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"login": "370102199001011234"}))]
pub struct PasswordResetRequest {
    /// ID number or licence number.
    pub login: String,
}

/// The same answer whether or not the account exists.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordResetAccepted {
    pub message: &'static str,
}

/// Request a password reset code
///
/// Sends a six-digit code (valid 10 minutes, five tries) to the phone bound to the account.
/// The answer is the same whether or not the account exists or has a phone. Someone whose
/// phone on file is stale or a landline gets no code: staff reset such passwords after
/// checking the licence, the ID card and a photo of the holder with it.
#[utoipa::path(
    tag = "password-resets",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the account has a mobile phone, a code is on its way.", body = PasswordResetAccepted),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No login given.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many requests from this address.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/password-resets")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let login =
        parse_login(&body.login).ok_or_else(|| ApiError::field("login", Code::FieldRequired))?;
    let address = client_address(&req, state.config.trust_forwarded_for);
    let tokens = state.tokens.clone();
    state
        .with_conn(move |conn| {
            let key = format!("password-reset:{address}");
            let counted = sessions::record_failure(
                conn,
                &key,
                Duration::hours(1),
                REQUESTS_PER_ADDRESS_PER_HOUR + 1,
                Duration::hours(1),
            )?;
            if counted.failures > REQUESTS_PER_ADDRESS_PER_HOUR {
                return Err(ApiError::new(Code::RateLimited).with_retry_after(3600));
            }
            let account = accounts::find_by_login(conn, &login)?
                .filter(|a| a.status() == AccountStatus::Active);
            let Some(account) = account else {
                return Ok(());
            };
            let Some(phone) = account.phone.clone() else {
                return Ok(());
            };
            let sent = conn.transaction(|conn| {
                send_code(
                    conn,
                    &tokens,
                    account.id,
                    "password_reset",
                    &phone,
                    |code| SmsTemplate::PasswordResetCode { code },
                )
            });
            match sent {
                // Too many codes for this account: the same answer, no code.
                Err(error) if error.code() == Code::RateLimited => Ok(()),
                other => other,
            }
        })
        .await?;
    Ok(HttpResponse::Accepted().json(PasswordResetAccepted {
        message: "如该账号绑定了手机号，验证码已发送，10分钟内有效。",
    }))
}

/// A code and the new password.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"login": "370102199001011234", "code": "042917", "new_password": "新密码Secure9"}))]
pub struct PasswordResetConfirmation {
    pub login: String,
    pub code: String,
    pub new_password: String,
}

/// Reset the password with the code
///
/// Sets a new password when the code matches. A wrong, expired, used or unknown code (or an
/// unknown login) answers 422 `code.invalid`; after five wrong tries the code dies. Every
/// session of the account ends, and a login lock from failed attempts is lifted.
#[utoipa::path(
    tag = "password-resets",
    request_body = PasswordResetConfirmation,
    responses(
        (status = 204, description = "Password reset."),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`code.invalid` or a weak new password.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/password-resets/confirmation")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<PasswordResetConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let address = client_address(&req, state.config.trust_forwarded_for);
    let body = body.into_inner();
    let login =
        parse_login(&body.login).ok_or_else(|| ApiError::field("login", Code::FieldRequired))?;
    let code = body.code.trim().to_owned();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::field("code", Code::CodeInvalid));
    }
    // The rules that do not depend on the account come first, and the hash is computed
    // either way: whether the login exists must not show in the answer or its timing.
    check_new_password(&body.new_password, None)
        .map_err(|code| ApiError::validation(vec![FieldError::new("new_password", code)]))?;
    let tokens = state.tokens.clone();
    let new_password = body.new_password;
    state
        .with_conn(move |conn| {
            let counted = sessions::record_failure(
                conn,
                &format!("password-reset-confirmation:{address}"),
                Duration::hours(1),
                CONFIRMATIONS_PER_ADDRESS_PER_HOUR + 1,
                Duration::hours(1),
            )?;
            if counted.failures > CONFIRMATIONS_PER_ADDRESS_PER_HOUR {
                return Err(ApiError::new(Code::RateLimited).with_retry_after(3600));
            }
            let hash = hash_password(&new_password).map_err(ApiError::internal)?;
            let Some(account) = accounts::find_by_login(conn, &login)?
                .filter(|a| a.status() == AccountStatus::Active)
            else {
                return Err(ApiError::field("code", Code::CodeInvalid));
            };
            check_new_password(&new_password, account.id_number.as_deref()).map_err(|code| {
                ApiError::validation(vec![FieldError::new("new_password", code)])
            })?;
            // A wrong try is counted even though the reset is refused, so it commits.
            conn.transaction(|conn| {
                let Some(live) = codes::live_for_update(conn, account.id, "password_reset")? else {
                    return Ok(Err(ApiError::field("code", Code::CodeInvalid)));
                };
                if tokens.code_hash("password_reset", live.id, &code) != live.code_hash {
                    codes::count_wrong_attempt(conn, live.id)?;
                    return Ok(Err(ApiError::field("code", Code::CodeInvalid)));
                }
                codes::consume(conn, live.id)?;
                accounts::update(
                    conn,
                    account.id,
                    AccountChanges {
                        password_hash: Some(&hash),
                        must_change_password: Some(false),
                        ..AccountChanges::default()
                    },
                )?;
                sessions::revoke_all_for_account(conn, account.id, None, "password_reset")?;
                sessions::clear_failures(conn, &account_key(account.id))?;
                audit::record(
                    conn,
                    &Actor::account(account.id),
                    &Change {
                        action: "account.password_reset",
                        subject_type: "account",
                        subject_id: &account.id.to_string(),
                        details: json!({"by": "sms_code"}),
                    },
                )?;
                Ok::<_, ApiError>(Ok(()))
            })?
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
