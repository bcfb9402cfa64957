//! Administrators deciding password reset requests filed with documents: the list, one
//! request with its documents, the documents themselves, and the decision (approve: a
//! temporary password is set and sent to the contact phone; refuse: the reason is sent).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::accounts::mask_id_number;
use super::assisted_resets::{PasswordResetDocumentKind, PasswordResetRequestStatus};
use crate::auth::passwords::{check_new_password, hash_password};
use crate::domain::materials::ContentType;
use crate::domain::sms::SmsTemplate;
use crate::domain::text::trim_blanks;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::Admin;
use crate::http::pagination::{Page, PageParams};
use crate::http::problem::Problem;
use crate::http::uploads;
use crate::services::sessions::account_key;
use crate::store::accounts::{self, AccountChanges, AccountRow, AccountStatus, Role};
use crate::store::audit::{self, Actor, Change};
use crate::store::password_reset_requests::{self as requests, DocumentRow, RequestRow};
use crate::store::sessions;
use crate::store::sms::{self, Recipient};

/// Length of the temporary password sent on approval.
pub const TEMPORARY_PASSWORD_CHARS: usize = 10;
/// Longest reason accepted, in characters.
const MAX_REASON_CHARS: usize = 500;

/// The account a request designates, as administrators need it to compare with the
/// documents.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PasswordResetAccount {
    pub id: Uuid,
    pub role: Role,
    pub status: AccountStatus,
    pub name: String,
    /// The ID number with the middle hidden (`370***********1234`).
    pub id_number_masked: Option<String>,
    /// Practice licence number (lawyers and legal workers).
    pub licence_number: Option<String>,
}

impl From<&AccountRow> for PasswordResetAccount {
    fn from(account: &AccountRow) -> PasswordResetAccount {
        PasswordResetAccount {
            id: account.id,
            role: account.role(),
            status: account.status(),
            name: account.name.clone(),
            id_number_masked: account.id_number.as_deref().map(mask_id_number),
            licence_number: account.licence_number.clone(),
        }
    }
}

/// A document of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PasswordResetDocumentView {
    pub kind: PasswordResetDocumentKind,
    /// Recognised from the content: `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: ContentType,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Where to download it.
    pub href: String,
    pub created_at: DateTime<Utc>,
}

impl From<&DocumentRow> for PasswordResetDocumentView {
    fn from(row: &DocumentRow) -> PasswordResetDocumentView {
        let kind = PasswordResetDocumentKind::parse(&row.kind)
            .unwrap_or(PasswordResetDocumentKind::IdCard);
        PasswordResetDocumentView {
            kind,
            content_type: ContentType::parse(&row.content_type).unwrap_or(ContentType::Pdf),
            size: row.size_bytes,
            sha256: hex::encode(&row.sha256),
            href: format!(
                "/api/v1/admin/password-reset-requests/{}/documents/{}",
                row.request_id,
                kind.as_str()
            ),
            created_at: row.created_at,
        }
    }
}

/// A password reset request as administrators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0c7e3b1a-52f4-4a8e-9d61-3f2b8c4e7a90", "status": "pending",
    "login": "370102199001011234", "contact_phone": "13912345678",
    "account": {"id": "5b0f8a4e-1c2d-4e3f-8a9b-0c1d2e3f4a5b", "role": "party", "status": "active",
        "name": "张三", "id_number_masked": "370***********1234", "licence_number": null},
    "documents": [{"kind": "id_card", "content_type": "image/png", "size": 182331, "sha256": "9f2c…",
        "href": "/api/v1/admin/password-reset-requests/0c7e3b1a-52f4-4a8e-9d61-3f2b8c4e7a90/documents/id_card",
        "created_at": "2026-12-03T08:00:00Z"}],
    "reason": null, "decided_by": null, "decided_at": null, "created_at": "2026-12-03T08:00:00Z"
}))]
pub struct PasswordResetRequestView {
    pub id: Uuid,
    pub status: PasswordResetRequestStatus,
    /// The login as the requester typed it (cleaned).
    pub login: String,
    /// The mobile phone where the requester can be reached now.
    pub contact_phone: String,
    /// The account the login designates; null when it designates none (the requester was
    /// not told).
    pub account: Option<PasswordResetAccount>,
    pub documents: Vec<PasswordResetDocumentView>,
    /// The administrator's reason for the decision.
    pub reason: Option<String>,
    /// The administrator who decided.
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Builds the views of `rows` with their accounts and documents.
fn views(
    conn: &mut diesel::PgConnection,
    rows: Vec<RequestRow>,
) -> Result<Vec<PasswordResetRequestView>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let documents = requests::documents(conn, &ids)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let account = match row.account_id {
            Some(id) => accounts::find(conn, id)?,
            None => None,
        };
        out.push(PasswordResetRequestView {
            id: row.id,
            status: PasswordResetRequestStatus::parse(&row.status)
                .unwrap_or(PasswordResetRequestStatus::Pending),
            login: row.login,
            contact_phone: row.contact_phone,
            account: account.as_ref().map(PasswordResetAccount::from),
            documents: documents
                .iter()
                .filter(|d| d.request_id == row.id)
                .map(PasswordResetDocumentView::from)
                .collect(),
            reason: row.reason,
            decided_by: row.decided_by,
            decided_at: row.decided_at,
            created_at: row.created_at,
        });
    }
    Ok(out)
}

fn view(
    conn: &mut diesel::PgConnection,
    row: RequestRow,
) -> Result<PasswordResetRequestView, ApiError> {
    views(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a request without its view")))
}

/// The filter of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusFilter {
    /// Only requests in this state: `pending`, `approved` or `refused` (default: all).
    #[param(value_type = Option<PasswordResetRequestStatus>, example = "pending")]
    pub status: Option<String>,
}

/// List password reset requests
///
/// Requests filed with documents, newest first, each with the account its login designates
/// (role, name, masked ID number, licence number; null when none) and its documents.
/// `status=pending` lists what is waiting for a decision.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(StatusFilter, PageParams),
    responses(
        (status = 200, description = "One page of requests.", body = Page<PasswordResetRequestView>),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`password_reset_request.status_invalid`, `page.invalid` or `page_size.invalid`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/password-reset-requests")]
pub async fn list_password_reset_requests(
    state: web::Data<AppState>,
    _admin: Admin,
    filter: web::Query<StatusFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<PasswordResetRequestView>>, ApiError> {
    let status =
        match filter.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(PasswordResetRequestStatus::parse(raw).ok_or_else(|| {
                ApiError::field("status", Code::PasswordResetRequestStatusInvalid)
            })?),
        };
    let page = page.validate()?;
    let listed = state
        .with_conn(move |conn| {
            let (rows, total) = requests::list(
                conn,
                status.map(PasswordResetRequestStatus::as_str),
                page.offset(),
                page.limit(),
            )?;
            Ok((views(conn, rows)?, total))
        })
        .await?;
    Ok(web::Json(Page::new(listed.0, page, listed.1)))
}

/// Get a password reset request
///
/// One request with the account its login designates (or null) and its documents.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Request id.")),
    responses(
        (status = 200, description = "The request.", body = PasswordResetRequestView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`password_reset_request.not_found`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/password-reset-requests/{id}")]
pub async fn get_password_reset_request(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<Uuid>,
) -> Result<web::Json<PasswordResetRequestView>, ApiError> {
    let id = id.into_inner();
    let found = state
        .with_conn(move |conn| {
            let row = requests::find(conn, id)?
                .ok_or_else(|| ApiError::new(Code::PasswordResetRequestNotFound))?;
            view(conn, row)
        })
        .await?;
    Ok(web::Json(found))
}

/// Download a document of a password reset request
///
/// The bytes, as an attachment named after the kind (`id_card.png`), with the recognised
/// content type, `nosniff` and no caching. A `Range: bytes=…` header gets a 206 with that
/// part.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Request id."),
        ("kind" = PasswordResetDocumentKind, Path, description = "`licence`, `id_card` or `holding_id_photo`."),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`.")
    ),
    responses(
        (status = 200, description = "The file.", content_type = "application/octet-stream"),
        (status = 206, description = "The requested part.", content_type = "application/octet-stream"),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`password_reset_request.not_found` or `password_reset_request.document_not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "`range.not_satisfiable`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/password-reset-requests/{id}/documents/{kind}")]
pub async fn download_password_reset_document(
    state: web::Data<AppState>,
    _admin: Admin,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let kind = PasswordResetDocumentKind::parse(&kind)
        .ok_or_else(|| ApiError::new(Code::PasswordResetRequestDocumentNotFound))?;
    let document = state
        .with_conn(move |conn| {
            requests::find(conn, id)?
                .ok_or_else(|| ApiError::new(Code::PasswordResetRequestNotFound))?;
            requests::document(conn, id, kind.as_str())?
                .ok_or_else(|| ApiError::new(Code::PasswordResetRequestDocumentNotFound))
        })
        .await?;
    let extension = match ContentType::parse(&document.content_type) {
        Some(ContentType::Pdf) => "pdf",
        Some(ContentType::Jpeg) => "jpg",
        Some(ContentType::Png) => "png",
        None => "bin",
    };
    uploads::serve_stored(
        &state,
        &req,
        uploads::StoredFile {
            storage_key: &document.storage_key,
            content_type: &document.content_type,
            file_name: &format!("{}.{extension}", kind.as_str()),
            size: u64::try_from(document.size_bytes).unwrap_or(0),
        },
    )
    .await
}

/// An administrator's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"decision": "refuse", "reason": "手持身份证照片看不清证件号码，请重新拍摄后再申请。"}))]
pub struct PasswordResetDecision {
    /// `approve` (the password is reset) or `refuse`.
    #[schema(example = "approve")]
    pub decision: String,
    /// Why; required for a refusal (sent to the requester), optional for an approval
    /// (kept in the audit trail); at most 500 characters.
    pub reason: Option<String>,
}

/// Decide a password reset request
///
/// `approve`: a random temporary password (10 letters and digits) replaces the password,
/// which must be changed at the next login; every session of the account ends, a login
/// lock is lifted, and a text message to the contact phone says how to log in (the licence
/// number or the ID number, and the temporary password). The phone bound to the account, if
/// another, is told that the password was reset. A request whose login designates no
/// account cannot be approved (409 `password_reset_request.no_account`), nor one whose
/// account is not active (409 `password_reset_request.account_inactive`).
///
/// `refuse`: needs a `reason`, which is sent to the contact phone.
///
/// A request is decided once (409 `password_reset_request.already_decided`). Decisions are
/// recorded in the audit trail with the reason.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Request id.")),
    request_body = PasswordResetDecision,
    responses(
        (status = 200, description = "Decided: the request as it now stands.", body = PasswordResetRequestView),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`password_reset_request.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`password_reset_request.already_decided`, `password_reset_request.no_account` or `password_reset_request.account_inactive`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`password_reset_request.decision_invalid`, `reason.required` or `text.too_long`, naming the field.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/password-reset-requests/{id}/decision")]
pub async fn decide_password_reset_request(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<Uuid>,
    body: web::Json<PasswordResetDecision>,
) -> Result<web::Json<PasswordResetRequestView>, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let approve = match trim_blanks(&body.decision) {
        "approve" => Some(true),
        "refuse" => Some(false),
        _ => {
            errors.push(FieldError::new(
                "decision",
                Code::PasswordResetRequestDecisionInvalid,
            ));
            None
        }
    };
    let reason = body
        .reason
        .as_deref()
        .map(trim_blanks)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    match &reason {
        Some(reason) if reason.chars().count() > MAX_REASON_CHARS => {
            errors.push(FieldError::new("reason", Code::TextTooLong));
        }
        None if approve == Some(false) => {
            errors.push(FieldError::new("reason", Code::ReasonRequired));
        }
        _ => {}
    }
    let Some(approve) = approve.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let id = id.into_inner();
    let admin_id = admin.0.id();
    let decided = state
        .with_conn(move |conn| {
            if approve {
                approve_request(conn, id, admin_id, reason.as_deref())?;
            } else {
                refuse_request(conn, id, admin_id, reason.as_deref().unwrap_or_default())?;
            }
            let row = requests::find(conn, id)?
                .ok_or_else(|| ApiError::new(Code::PasswordResetRequestNotFound))?;
            view(conn, row)
        })
        .await?;
    Ok(web::Json(decided))
}

/// The pending request `id`, locked for the decision.
fn pending_request(conn: &mut diesel::PgConnection, id: Uuid) -> Result<RequestRow, ApiError> {
    let request = requests::find_for_update(conn, id)?
        .ok_or_else(|| ApiError::new(Code::PasswordResetRequestNotFound))?;
    if request.status != PasswordResetRequestStatus::Pending.as_str() {
        return Err(ApiError::new(Code::PasswordResetRequestAlreadyDecided));
    }
    Ok(request)
}

fn approve_request(
    conn: &mut diesel::PgConnection,
    id: Uuid,
    admin_id: Uuid,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    // Checked before the slow hashing, and again under the lock.
    let request = requests::find(conn, id)?
        .ok_or_else(|| ApiError::new(Code::PasswordResetRequestNotFound))?;
    if request.status != PasswordResetRequestStatus::Pending.as_str() {
        return Err(ApiError::new(Code::PasswordResetRequestAlreadyDecided));
    }
    let account_id = request
        .account_id
        .ok_or_else(|| ApiError::new(Code::PasswordResetRequestNoAccount))?;
    let account = accounts::find(conn, account_id)?
        .ok_or_else(|| ApiError::new(Code::PasswordResetRequestNoAccount))?;
    let password = temporary_password(account.id_number.as_deref());
    let hash = hash_password(&password).map_err(ApiError::internal)?;

    diesel::Connection::transaction(conn, |conn| {
        let request = pending_request(conn, id)?;
        let account = match request.account_id {
            Some(account_id) => accounts::find(conn, account_id)?,
            None => None,
        }
        .ok_or_else(|| ApiError::new(Code::PasswordResetRequestNoAccount))?;
        if account.status() != AccountStatus::Active {
            return Err(ApiError::new(Code::PasswordResetRequestAccountInactive));
        }
        accounts::update(
            conn,
            account.id,
            AccountChanges {
                password_hash: Some(&hash),
                must_change_password: Some(true),
                ..AccountChanges::default()
            },
        )?;
        let ended =
            sessions::revoke_all_for_account(conn, account.id, None, "assisted_password_reset")?;
        sessions::clear_failures(conn, &account_key(account.id))?;
        requests::decide(
            conn,
            id,
            PasswordResetRequestStatus::Approved.as_str(),
            reason,
            admin_id,
        )?;
        let licence_number = match account.role() {
            Role::Lawyer | Role::LegalWorker => account.licence_number.clone(),
            _ => None,
        };
        sms::enqueue(
            conn,
            Recipient {
                account_id: Some(account.id),
                phone: Some(&request.contact_phone),
            },
            &SmsTemplate::PasswordResetRequestApproved {
                licence_number,
                temporary_password: password.clone(),
            },
        )?;
        // The holder of the bound phone, if it still works, learns of the reset too.
        if let Some(bound) = account
            .phone
            .as_deref()
            .filter(|p| *p != request.contact_phone)
        {
            sms::enqueue(
                conn,
                Recipient {
                    account_id: Some(account.id),
                    phone: Some(bound),
                },
                &SmsTemplate::PasswordResetByStaff,
            )?;
        }
        let actor = Actor::account(admin_id);
        audit::record(
            conn,
            &actor,
            &Change {
                action: "password_reset_request.approved",
                subject_type: "password_reset_request",
                subject_id: &id.to_string(),
                details: json!({"account_id": account.id, "reason": reason}),
            },
        )?;
        audit::record(
            conn,
            &actor,
            &Change {
                action: "account.password_reset",
                subject_type: "account",
                subject_id: &account.id.to_string(),
                details: json!({
                    "by": "assisted_request",
                    "request_id": id,
                    "reason": reason,
                    "sessions_ended": ended,
                }),
            },
        )?;
        Ok(())
    })
}

fn refuse_request(
    conn: &mut diesel::PgConnection,
    id: Uuid,
    admin_id: Uuid,
    reason: &str,
) -> Result<(), ApiError> {
    diesel::Connection::transaction(conn, |conn| {
        let request = pending_request(conn, id)?;
        requests::decide(
            conn,
            id,
            PasswordResetRequestStatus::Refused.as_str(),
            Some(reason),
            admin_id,
        )?;
        sms::enqueue(
            conn,
            Recipient {
                account_id: request.account_id,
                phone: Some(&request.contact_phone),
            },
            &SmsTemplate::PasswordResetRequestRefused {
                reason: reason.to_owned(),
            },
        )?;
        audit::record(
            conn,
            &Actor::account(admin_id),
            &Change {
                action: "password_reset_request.refused",
                subject_type: "password_reset_request",
                subject_id: &id.to_string(),
                details: json!({"account_id": request.account_id, "reason": reason}),
            },
        )?;
        Ok(())
    })
}

/// A random temporary password: letters and digits (without the look-alikes 0/O/o and
/// 1/l/I),
/// at least one of each, that passes the password rules.
fn temporary_password(id_number: Option<&str>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    loop {
        let password: String = (0..TEMPORARY_PASSWORD_CHARS)
            .map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]))
            .collect();
        let letters = password.chars().any(|c| c.is_ascii_alphabetic());
        let digits = password.chars().any(|c| c.is_ascii_digit());
        if letters && digits && check_new_password(&password, id_number).is_ok() {
            return password;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_mix_letters_and_digits_and_differ() {
        let first = temporary_password(None);
        assert_eq!(first.chars().count(), TEMPORARY_PASSWORD_CHARS);
        assert!(first.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(first.chars().any(|c| c.is_ascii_digit()));
        assert!(first.chars().any(|c| c.is_ascii_alphabetic()));
        assert_ne!(first, temporary_password(None));
    }
}
