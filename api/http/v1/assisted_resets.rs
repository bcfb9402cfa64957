//! Asking for a password reset with documents, for people whose phone on file is stale or a
//! landline and so cannot receive a reset code: they upload their ID card, a photo of
//! themselves holding it and (lawyers and legal workers) their practice licence, with a
//! phone where they can be reached now. Administrators decide (see `admin_password_resets`).

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Duration;
use futures_util::TryStreamExt;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::materials::ContentType;
use crate::domain::phone::MobilePhone;
use crate::domain::sms::SmsTemplate;
use crate::domain::text::trim_blanks;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::client_address;
use crate::http::problem::Problem;
use crate::http::uploads::{self, Staged, too_large};
use crate::services::sessions::parse_login;
use crate::store::accounts::{self, AccountRow, LoginName, Role};
use crate::store::audit::{self, Actor, Change};
use crate::store::password_reset_requests::{self as requests, NewDocument, NewRequest};
use crate::store::sessions;
use crate::store::sms::{self, Recipient};

/// Requests per client address per hour.
pub const REQUESTS_PER_ADDRESS_PER_HOUR: i32 = 5;

/// What a document of a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PasswordResetDocumentKind {
    /// The practice licence of a lawyer or legal worker.
    Licence,
    /// The resident ID card.
    IdCard,
    /// A photo of the requester holding the ID card.
    HoldingIdPhoto,
}

impl PasswordResetDocumentKind {
    /// Every kind, in the order they are checked and shown.
    pub const ALL: [PasswordResetDocumentKind; 3] = [
        PasswordResetDocumentKind::Licence,
        PasswordResetDocumentKind::IdCard,
        PasswordResetDocumentKind::HoldingIdPhoto,
    ];

    /// The name of the kind: also its form field and its path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            PasswordResetDocumentKind::Licence => "licence",
            PasswordResetDocumentKind::IdCard => "id_card",
            PasswordResetDocumentKind::HoldingIdPhoto => "holding_id_photo",
        }
    }

    pub fn parse(value: &str) -> Option<PasswordResetDocumentKind> {
        PasswordResetDocumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
    }

    fn index(self) -> usize {
        match self {
            PasswordResetDocumentKind::Licence => 0,
            PasswordResetDocumentKind::IdCard => 1,
            PasswordResetDocumentKind::HoldingIdPhoto => 2,
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PasswordResetRequestStatus {
    /// Waiting for an administrator.
    Pending,
    /// The password was reset; the requester was told how to log in.
    Approved,
    /// Refused, with a reason the requester was told.
    Refused,
}

impl PasswordResetRequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PasswordResetRequestStatus::Pending => "pending",
            PasswordResetRequestStatus::Approved => "approved",
            PasswordResetRequestStatus::Refused => "refused",
        }
    }

    pub fn parse(value: &str) -> Option<PasswordResetRequestStatus> {
        Some(match value {
            "pending" => PasswordResetRequestStatus::Pending,
            "approved" => PasswordResetRequestStatus::Approved,
            "refused" => PasswordResetRequestStatus::Refused,
            _ => return None,
        })
    }
}

/// The account a login designates for this purpose: only the people who log in with an ID
/// number or a licence number (parties, lawyers, legal workers), in any state; staff
/// accounts are never reset this way.
pub fn designated_account(
    conn: &mut diesel::PgConnection,
    login: &LoginName,
) -> diesel::QueryResult<Option<AccountRow>> {
    Ok(accounts::find_by_login(conn, login)?
        .filter(|a| matches!(a.role(), Role::Party | Role::Lawyer | Role::LegalWorker)))
}

/// The multipart form of a request (for the contract).
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "describes the form for the contract only")]
pub struct PasswordResetRequestForm {
    /// The login of the account: the ID number, or the practice licence number of a lawyer
    /// or legal worker.
    #[schema(example = "370102199001011234")]
    login: String,
    /// A mobile phone where the requester can be reached now; the decision is sent there.
    #[schema(example = "13912345678")]
    contact_phone: String,
    /// The resident ID card: a PDF, JPEG or PNG, recognised by its content.
    #[schema(value_type = String, format = Binary)]
    id_card: Vec<u8>,
    /// A photo of the requester holding the ID card: a PDF, JPEG or PNG.
    #[schema(value_type = String, format = Binary)]
    holding_id_photo: Vec<u8>,
    /// The practice licence: required when the login is a licence number, optional
    /// otherwise.
    #[schema(value_type = Option<String>, format = Binary)]
    licence: Option<Vec<u8>>,
}

/// The answer to a request: the same whether or not the login designates an account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0c7e3b1a-52f4-4a8e-9d61-3f2b8c4e7a90", "status": "pending",
    "message": "申请已提交，工作人员核对材料后将以短信通知处理结果。"
}))]
pub struct PasswordResetRequestAccepted {
    pub id: Uuid,
    pub status: PasswordResetRequestStatus,
    pub message: &'static str,
}

/// A document checked and staged, waiting to be stored.
struct Checked {
    kind: PasswordResetDocumentKind,
    content_type: ContentType,
    staged: Staged,
}

/// Ask for a password reset with documents
///
/// For account holders whose phone on file is stale or a landline, who cannot receive a
/// reset code. Sent as `multipart/form-data` with the fields `login` (ID number or licence
/// number), `contact_phone` (a mobile phone where the requester can be reached now) and the
/// files `id_card`, `holding_id_photo` and `licence` (required when the login is a licence
/// number, optional otherwise). Files follow the rules of materials: PDF, JPEG or PNG
/// recognised by their content (programs and archives are refused as
/// `file.executable_or_archive`, encrypted PDFs as `file.pdf_encrypted`), each at most the
/// material size limit (413 `file.too_large`). Invalid fields are listed by name.
///
/// The answer is the same whether or not the login designates an account: every request is
/// kept for administrators, who approve (the password is reset and a temporary one is sent
/// to the contact phone) or refuse with a reason (sent there too). A text message to the
/// contact phone confirms receipt. At most five requests per client address per hour.
/// `Idempotency-Key` is not honoured: a retry files another request.
#[utoipa::path(
    tag = "password-resets",
    request_body(content = PasswordResetRequestForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Filed; an administrator will decide.", body = PasswordResetRequestAccepted),
        (status = 400, description = "`upload.malformed`.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`file.too_large` (with `max_bytes`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed` naming each invalid field: `field.required`, `text.too_long`, `phone.required`, `phone.format`, `phone.not_mobile`, `file.empty`, `file.type_not_allowed`, `file.executable_or_archive`, `file.pdf_encrypted` or `file.pdf_unreadable`.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many requests from this address.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/password-reset-requests")]
pub async fn file_password_reset_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let limit = state.config.max_upload_bytes;
    let documents = PasswordResetDocumentKind::ALL.len() as u64;
    if uploads::announced_larger_than(&req, limit * documents + uploads::FORM_OVERHEAD_BYTES) {
        return Err(too_large(limit));
    }
    let address = client_address(&req, state.config.trust_forwarded_for);
    state
        .with_conn(move |conn| {
            let counted = sessions::record_failure(
                conn,
                &format!("password-reset-request:{address}"),
                Duration::hours(1),
                REQUESTS_PER_ADDRESS_PER_HOUR + 1,
                Duration::hours(1),
            )?;
            if counted.failures > REQUESTS_PER_ADDRESS_PER_HOUR {
                return Err(ApiError::new(Code::RateLimited).with_retry_after(3600));
            }
            Ok(())
        })
        .await?;

    let mut login = None;
    let mut contact_phone = None;
    let mut files: [Option<Staged>; 3] = [None, None, None];
    while let Some(mut field) = form
        .try_next()
        .await
        .map_err(|_| ApiError::new(Code::UploadMalformed))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match (PasswordResetDocumentKind::parse(&name), name.as_str()) {
            (Some(kind), _) if files[kind.index()].is_none() => {
                files[kind.index()] = Some(uploads::stage(&mut field, &state, limit).await?);
            }
            (None, "login") => login = Some(uploads::text_field(&mut field, 200).await?),
            (None, "contact_phone") => {
                contact_phone = Some(uploads::text_field(&mut field, 100).await?)
            }
            // Unknown and repeated fields are read and ignored.
            _ => uploads::skip_field(&mut field).await?,
        }
    }

    let mut errors = Vec::new();
    let login = match login.as_deref().map(trim_blanks).unwrap_or_default() {
        "" => {
            errors.push(FieldError::new("login", Code::FieldRequired));
            None
        }
        raw => parse_login(raw).or_else(|| {
            errors.push(FieldError::new("login", Code::TextTooLong));
            None
        }),
    };
    let contact_phone = MobilePhone::parse(contact_phone.as_deref().unwrap_or_default())
        .map_err(|code| errors.push(FieldError::new("contact_phone", code)))
        .ok();
    let licence_required = matches!(login, Some(LoginName::Licence(_)));
    let mut checked = Vec::new();
    for kind in PasswordResetDocumentKind::ALL {
        let Some(staged) = files[kind.index()].take() else {
            if kind != PasswordResetDocumentKind::Licence || licence_required {
                errors.push(FieldError::new(kind.as_str(), Code::FieldRequired));
            }
            continue;
        };
        let content_type = match uploads::recognise(&staged) {
            Ok(ContentType::Pdf) => match uploads::pdf_pages(&staged).await? {
                Ok(_) => ContentType::Pdf,
                Err(code) => {
                    errors.push(FieldError::new(kind.as_str(), code));
                    continue;
                }
            },
            Ok(content_type) => content_type,
            Err(code) => {
                errors.push(FieldError::new(kind.as_str(), code));
                continue;
            }
        };
        checked.push(Checked {
            kind,
            content_type,
            staged,
        });
    }
    let (Some(login), Some(contact_phone), true) = (login, contact_phone, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };

    let id = store_request(&state, login, contact_phone, checked).await?;
    Ok(HttpResponse::Accepted().json(PasswordResetRequestAccepted {
        id,
        status: PasswordResetRequestStatus::Pending,
        message: "申请已提交，工作人员核对材料后将以短信通知处理结果。",
    }))
}

/// Moves the documents into the store, then records the request, its documents, the
/// receipt message and the audit row in one transaction. A row never exists without its
/// blob: the blobs go first, and are removed again if the rows cannot be written.
async fn store_request(
    state: &AppState,
    login: LoginName,
    contact_phone: MobilePhone,
    checked: Vec<Checked>,
) -> Result<Uuid, ApiError> {
    let request_id = Uuid::new_v4();
    let mut stored = Vec::with_capacity(checked.len());
    for document in checked {
        let id = Uuid::new_v4();
        let key = format!(
            "{}/{}/{id}",
            requests::STORAGE_PREFIX,
            &id.simple().to_string()[..2]
        );
        if let Err(error) = state.blobs.persist(&document.staged.file, &key).await {
            remove_blobs(state, stored.iter().map(|(_, key, _)| key)).await;
            return Err(ApiError::internal(error));
        }
        // The staging file is gone now (moved or uploaded).
        let Checked {
            kind,
            content_type,
            staged,
        } = document;
        let _ = staged.file.keep();
        let size = i64::try_from(staged.size).unwrap_or(i64::MAX);
        stored.push((id, key, (kind, content_type, size, staged.sha256)));
    }

    let rows = stored.clone();
    let written = state
        .transaction(move |conn| {
            let account = designated_account(conn, &login)?;
            let account_id = account.as_ref().map(|a| a.id);
            let login = match &login {
                LoginName::IdNumber(v) | LoginName::Licence(v) | LoginName::Login(v) => v,
            };
            requests::insert_request(
                conn,
                &NewRequest {
                    id: request_id,
                    account_id,
                    login,
                    contact_phone: contact_phone.as_str(),
                },
            )?;
            for (id, key, (kind, content_type, size, sha256)) in &rows {
                requests::insert_document(
                    conn,
                    &NewDocument {
                        id: *id,
                        request_id,
                        kind: kind.as_str(),
                        content_type: content_type.as_str(),
                        size_bytes: *size,
                        sha256,
                        storage_key: key,
                    },
                )?;
            }
            sms::enqueue(
                conn,
                Recipient {
                    account_id,
                    phone: Some(contact_phone.as_str()),
                },
                &SmsTemplate::PasswordResetRequestReceived,
            )?;
            audit::record(
                conn,
                &Actor::anonymous(),
                &Change {
                    action: "password_reset_request.filed",
                    subject_type: "password_reset_request",
                    subject_id: &request_id.to_string(),
                    details: json!({
                        "account_id": account_id,
                        "documents": rows.iter().map(|(_, _, (kind, ..))| kind.as_str()).collect::<Vec<_>>(),
                    }),
                },
            )?;
            Ok(())
        })
        .await;
    if let Err(error) = written {
        remove_blobs(state, stored.iter().map(|(_, key, _)| key)).await;
        return Err(error);
    }
    Ok(request_id)
}

/// Removes blobs whose rows were not written; what cannot be removed now is left for the
/// sweeper.
async fn remove_blobs(state: &AppState, keys: impl Iterator<Item = &String>) {
    for key in keys {
        if let Err(error) = state.blobs.delete(key).await {
            tracing::warn!(error = %error, "orphan blob left for the sweeper");
        }
    }
}
