//! Support tools for administrators: the SMS log, registrations with the registry's reason,
//! and password resets for people who cannot receive a code.

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::registrations::RegistrationStatus;
use crate::auth::passwords::{check_new_password, hash_password};
use crate::domain::phone::MobilePhone;
use crate::domain::sms::SmsTemplate;
use crate::domain::text::trim_blanks;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::Admin;
use crate::http::pagination::Items;
use crate::http::problem::Problem;
use crate::store::accounts::{self, AccountChanges};
use crate::store::audit::{self, Actor, Change};
use crate::store::sms::{self, Recipient, SmsMessage};
use crate::store::{registrations, sessions};

/// Filters of the SMS log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SmsQuery {
    /// Only messages to this phone (any spelling).
    pub phone: Option<String>,
    /// At most this many, newest first (1–500, default 100).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

/// Read the SMS log
///
/// Messages the platform queued, newest first, with their delivery state (and their text,
/// one-time codes included — which is why only administrators may read it).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(SmsQuery),
    responses(
        (status = 200, description = "The messages.", body = Items<SmsMessage>),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad phone or limit.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/sms")]
pub async fn list_sms(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<SmsQuery>,
) -> Result<web::Json<Items<SmsMessage>>, ApiError> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let phone = match query
        .phone
        .as_deref()
        .map(trim_blanks)
        .filter(|p| !p.is_empty())
    {
        Some(raw) => MobilePhone::parse(raw)
            .map(|p| Some(p.as_str().to_owned()))
            .unwrap_or_else(|code| {
                errors.push(FieldError::new("phone", code));
                None
            }),
        None => None,
    };
    let limit = match query.limit.as_deref().map(str::trim) {
        None | Some("") => 100,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .unwrap_or_else(|| {
                errors.push(FieldError::new("limit", Code::PageSizeInvalid));
                0
            }),
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let items = state
        .with_conn(move |conn| Ok(sms::list(conn, phone.as_deref(), limit)?))
        .await?;
    Ok(web::Json(Items { items }))
}

/// A registration with what only staff may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationDetail {
    #[serde(flatten)]
    pub registration: RegistrationStatus,
    pub account_id: Uuid,
    /// The registry's reason for a failure: `id_cancelled`, `details_changed`,
    /// `special_status`, `name_mismatch`, `not_found`, `fields_differ` or
    /// `not_yet_in_registry`. Never shown to the registrant.
    pub failure_reason: Option<String>,
    /// Calls made to the registry.
    pub attempts: i32,
}

/// Get a registration with the registry's reason
///
/// The registration as the registrant sees it, plus the registry's reason for a failure
/// (which may reveal a classified status, so only administrators see it) and the account.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Registration id.")),
    responses(
        (status = 200, description = "The registration.", body = RegistrationDetail),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`registration.not_found`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/registrations/{id}")]
pub async fn get_registration_detail(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<Uuid>,
) -> Result<web::Json<RegistrationDetail>, ApiError> {
    let id = id.into_inner();
    let registration = state
        .with_conn(move |conn| Ok(registrations::find(conn, id)?))
        .await?
        .ok_or_else(|| ApiError::new(Code::RegistrationNotFound))?;
    Ok(web::Json(RegistrationDetail {
        registration: RegistrationStatus::from(&registration),
        account_id: registration.account_id,
        failure_reason: registration.failure_reason.clone(),
        attempts: registration.attempts,
    }))
}

/// A password reset by staff.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"new_password": "Temp-2026-reset", "reason": "核对执业证、身份证及手持身份证照片后重置"}))]
pub struct StaffPasswordReset {
    /// A temporary password; the holder must change it at the next login.
    pub new_password: String,
    /// Why, e.g. which documents were checked; kept in the audit trail.
    pub reason: String,
}

/// The outcome of a staff reset.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffPasswordResetDone {
    pub account_id: Uuid,
    pub reset_at: DateTime<Utc>,
}

/// Reset a password (staff)
///
/// For people whose phone on file is stale or a landline: after checking their licence,
/// ID card and a photo of them holding it, staff set a temporary password, which must be
/// changed at the next login. Every session of the account ends; the reason is recorded.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id.")),
    request_body = StaffPasswordReset,
    responses(
        (status = 200, description = "Password reset.", body = StaffPasswordResetDone),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`account.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Weak password or no reason.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/accounts/{id}/password-reset")]
pub async fn reset_password_by_staff(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<Uuid>,
    body: web::Json<StaffPasswordReset>,
) -> Result<web::Json<StaffPasswordResetDone>, ApiError> {
    let body = body.into_inner();
    let reason = trim_blanks(&body.reason).to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::field("reason", Code::ReasonRequired));
    }
    let id = id.into_inner();
    let admin_id = admin.0.id();
    let done = state
        .with_conn(move |conn| {
            let account =
                accounts::find(conn, id)?.ok_or_else(|| ApiError::new(Code::AccountNotFound))?;
            check_new_password(&body.new_password, account.id_number.as_deref())
                .map_err(|code| ApiError::field("new_password", code))?;
            let hash = hash_password(&body.new_password).map_err(ApiError::internal)?;
            diesel::Connection::transaction(conn, |conn| {
                accounts::update(
                    conn,
                    id,
                    AccountChanges {
                        password_hash: Some(&hash),
                        must_change_password: Some(true),
                        ..AccountChanges::default()
                    },
                )?;
                sessions::revoke_all_for_account(conn, id, None, "password_reset_by_staff")?;
                sms::enqueue(
                    conn,
                    Recipient {
                        account_id: Some(id),
                        phone: account.phone.as_deref(),
                    },
                    &SmsTemplate::PasswordResetByStaff,
                )?;
                audit::record(
                    conn,
                    &Actor::account(admin_id),
                    &Change {
                        action: "account.password_reset",
                        subject_type: "account",
                        subject_id: &id.to_string(),
                        details: json!({"by": "staff", "reason": reason}),
                    },
                )?;
                Ok::<_, ApiError>(StaffPasswordResetDone {
                    account_id: id,
                    reset_at: Utc::now(),
                })
            })
        })
        .await?;
    Ok(web::Json(done))
}
