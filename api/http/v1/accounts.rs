//! The caller's own account: profile, phone change, password change.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{Duration, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::passwords::{check_new_password, hash_password, verify_password};
use crate::auth::tokens::random_code;
use crate::domain::phone::MobilePhone;
use crate::domain::sms::{CODE_MINUTES, SmsTemplate};
use crate::domain::text::valid_email;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::{Authenticated, Caller};
use crate::http::problem::Problem;
use crate::store::accounts::{self, AccountChanges, AccountRow, AccountStatus, Role};
use crate::store::audit::{self, Actor, Change};
use crate::store::sms::{self, Recipient};
use crate::store::{codes, sessions};

/// An account as its holder sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    pub id: Uuid,
    pub role: Role,
    pub status: AccountStatus,
    pub name: String,
    /// The ID number with the middle hidden (`370***********1234`).
    pub id_number_masked: Option<String>,
    /// Practice licence number (lawyers and legal workers): also their login name.
    pub licence_number: Option<String>,
    /// Login name of staff accounts.
    pub login: Option<String>,
    /// The bound mobile phone; notifications go here. Null: no SMS is sent.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The court of a judge.
    pub court_code: Option<String>,
    pub must_change_password: bool,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<&AccountRow> for AccountView {
    fn from(account: &AccountRow) -> AccountView {
        AccountView {
            id: account.id,
            role: account.role(),
            status: account.status(),
            name: account.name.clone(),
            id_number_masked: account.id_number.as_deref().map(mask_id_number),
            licence_number: account.licence_number.clone(),
            login: account.login.clone(),
            phone: account.phone.clone(),
            email: account.email.clone(),
            court_code: account.court_code.clone(),
            must_change_password: account.must_change_password,
            created_at: account.created_at,
        }
    }
}

/// First three and last four characters of an ID number, the rest hidden.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 3 || i + 4 >= chars.len() {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// Get my account
///
/// The account of the access token, with its role, status and contact details.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account.", body = AccountView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`account.password_change_required`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/accounts/me")]
pub async fn get_my_account(caller: Caller) -> web::Json<AccountView> {
    web::Json(AccountView::from(caller.account()))
}

fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Changes to contact details; a field left out stays as it is, `null` removes it.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"phone": "13912345678", "phone_code": "042917"}))]
pub struct AccountPatch {
    /// New mobile phone; needs `phone_code`, the code sent to it by
    /// `POST /api/v1/accounts/me/phone-verifications`. `null` unbinds the phone (no more SMS).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// The six-digit code sent to the new phone.
    pub phone_code: Option<String>,
    /// Contact e-mail address; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

/// Update my contact details
///
/// Changes the bound phone (with the code sent to the new phone) or the e-mail address. A
/// phone belongs to one account at most: a phone bound elsewhere answers 409 `phone.taken`
/// until its account changes phone.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = AccountPatch,
    responses(
        (status = 200, description = "The updated account.", body = AccountView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`phone.taken`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid phone, e-mail or code.", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/accounts/me")]
pub async fn update_my_account(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<AccountPatch>,
) -> Result<web::Json<AccountView>, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let phone = match &body.phone {
        Some(Some(raw)) => match MobilePhone::parse(raw) {
            Ok(phone) => Some(Some(phone.as_str().to_owned())),
            Err(code) => {
                errors.push(FieldError::new("phone", code));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    let email = match &body.email {
        Some(Some(raw)) => match valid_email(raw) {
            Some(email) => Some(Some(email)),
            None => {
                errors.push(FieldError::new("email", Code::EmailInvalid));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    let changing_phone =
        matches!(&phone, Some(Some(p)) if Some(p) != caller.account().phone.as_ref());
    if changing_phone && body.phone_code.as_deref().is_none_or(str::is_empty) {
        errors.push(FieldError::new("phone_code", Code::PhoneCodeRequired));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }

    let account_id = caller.id();
    let tokens = state.tokens.clone();
    let code = body.phone_code.unwrap_or_default();
    let updated = state
        .transaction(move |conn| {
            if changing_phone && let Some(Some(new_phone)) = &phone {
                if accounts::phone_taken(conn, new_phone, Some(account_id))? {
                    return Err(ApiError::new(Code::PhoneTaken));
                }
                let live = codes::live_for_update(conn, account_id, "phone_change")?
                    .filter(|c| &c.phone == new_phone);
                let Some(live) = live else {
                    return Err(ApiError::field("phone_code", Code::CodeInvalid));
                };
                if tokens.code_hash("phone_change", live.id, code.trim()) != live.code_hash {
                    codes::count_wrong_attempt(conn, live.id)?;
                    return Ok(Err(ApiError::field("phone_code", Code::CodeInvalid)));
                }
                codes::consume(conn, live.id)?;
            }
            let changes = AccountChanges {
                phone: phone.as_ref().map(|p| p.as_deref()),
                email: email.as_ref().map(|e| e.as_deref()),
                ..AccountChanges::default()
            };
            let updated = accounts::update(conn, account_id, changes).map_err(phone_conflict)?;
            audit::record(
                conn,
                &Actor::account(account_id),
                &Change {
                    action: "account.contact_changed",
                    subject_type: "account",
                    subject_id: &account_id.to_string(),
                    details: json!({
                        "phone_changed": phone.is_some(),
                        "email_changed": email.is_some(),
                    }),
                },
            )?;
            Ok(Ok(updated))
        })
        .await??;
    Ok(web::Json(AccountView::from(&updated)))
}

/// A unique-index violation on the phone means another account took it meanwhile.
fn phone_conflict(error: diesel::result::Error) -> ApiError {
    match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            ref info,
        ) if info.constraint_name() == Some("accounts_phone_key") => {
            ApiError::new(Code::PhoneTaken)
        }
        other => ApiError::from(other),
    }
}

/// A phone to confirm.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"phone": "13912345678"}))]
pub struct PhoneVerificationRequest {
    pub phone: String,
}

/// A code was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSent {
    /// Seconds the code stays valid.
    pub expires_in: i64,
}

/// Send a code to a new phone
///
/// Sends a six-digit code to the phone the caller wants to bind (valid 10 minutes, five
/// tries). Refused when another account holds the phone. At most one code a minute and
/// five an hour.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = PhoneVerificationRequest,
    responses(
        (status = 202, description = "The code is on its way.", body = CodeSent),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`phone.taken`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a mobile phone.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/accounts/me/phone-verifications")]
pub async fn create_phone_verification(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<PhoneVerificationRequest>,
) -> Result<HttpResponse, ApiError> {
    let phone = MobilePhone::parse(&body.phone).map_err(|code| ApiError::field("phone", code))?;
    let account_id = caller.id();
    let tokens = state.tokens.clone();
    state
        .transaction(move |conn| {
            if accounts::phone_taken(conn, phone.as_str(), Some(account_id))? {
                return Err(ApiError::new(Code::PhoneTaken));
            }
            send_code(
                conn,
                &tokens,
                account_id,
                "phone_change",
                phone.as_str(),
                |code| SmsTemplate::PhoneChangeCode { code },
            )
        })
        .await?;
    Ok(HttpResponse::Accepted().json(CodeSent {
        expires_in: i64::from(CODE_MINUTES) * 60,
    }))
}

/// Creates a one-time code for `account`, refusing more than one a minute or five an hour,
/// and queues its SMS to `phone`.
pub fn send_code(
    conn: &mut diesel::PgConnection,
    tokens: &crate::auth::tokens::TokenKeys,
    account: Uuid,
    purpose: &str,
    phone: &str,
    template: impl FnOnce(String) -> SmsTemplate,
) -> Result<(), ApiError> {
    let now = Utc::now();
    if codes::sent_since(conn, account, purpose, now - Duration::minutes(1))? > 0
        || codes::sent_since(conn, account, purpose, now - Duration::hours(1))? >= 5
    {
        return Err(ApiError::new(Code::RateLimited).with_retry_after(60));
    }
    let id = Uuid::new_v4();
    let code = random_code();
    let hash = tokens.code_hash(purpose, id, &code);
    codes::insert(
        conn,
        id,
        account,
        purpose,
        phone,
        &hash,
        Duration::minutes(i64::from(CODE_MINUTES)),
    )?;
    sms::enqueue(
        conn,
        Recipient {
            account_id: Some(account),
            phone: Some(phone),
        },
        &template(code),
    )?;
    Ok(())
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    /// 8 to 128 characters mixing at least two of letters, digits and symbols; not the
    /// last eight characters of the ID number.
    pub new_password: String,
}

/// Change my password
///
/// Replaces the password (the only call allowed while a default password is held). Every
/// other session of the account ends.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Password changed."),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`password.current_wrong` or a weak new password.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/accounts/me/password")]
pub async fn change_my_password(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let account = caller.account.clone();
    check_new_password(&body.new_password, account.id_number.as_deref())
        .map_err(|code| ApiError::field("new_password", code))?;
    if body.current_password == body.new_password {
        return Err(ApiError::field("new_password", Code::PasswordUnchanged));
    }
    let session = caller.session_id;
    // Wrong current passwords count against the account like failed logins (and are
    // committed even though the change is refused).
    let key = crate::services::sessions::account_key(account.id);
    let current = body.current_password.clone();
    let hash = account.password_hash.clone();
    let verified = state
        .with_conn(move |conn| {
            if let Some(until) = crate::services::sessions::count_attempt(
                conn,
                &key,
                crate::services::sessions::LOCK_LOGIN_AFTER,
            )? {
                let seconds = (until - Utc::now()).num_seconds().max(1);
                return Err(ApiError::new(Code::SessionLocked).with_retry_after(seconds as u64));
            }
            let verified = verify_password(&current, &hash);
            if verified {
                sessions::clear_failures(conn, &key)?;
            }
            Ok(verified)
        })
        .await?;
    if !verified {
        return Err(ApiError::field(
            "current_password",
            Code::PasswordCurrentWrong,
        ));
    }
    state
        .transaction(move |conn| {
            let hash = hash_password(&body.new_password).map_err(ApiError::internal)?;
            let changes = AccountChanges {
                password_hash: Some(&hash),
                must_change_password: Some(false),
                ..AccountChanges::default()
            };
            accounts::update(conn, account.id, changes)?;
            sessions::revoke_all_for_account(conn, account.id, Some(session), "password_changed")?;
            audit::record(
                conn,
                &Actor::account(account.id),
                &Change {
                    action: "account.password_changed",
                    subject_type: "account",
                    subject_id: &account.id.to_string(),
                    details: json!({}),
                },
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_masked_in_the_middle() {
        assert_eq!(mask_id_number("370102199001011234"), "370***********1234");
    }
}
