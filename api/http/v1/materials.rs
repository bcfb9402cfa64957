//! Materials: upload, metadata, download and deletion of PDFs and images.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::materials::{Category, ContentType};
use crate::domain::text::trim_blanks;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::idempotency::IDEMPOTENCY_KEY;
use crate::http::problem::Problem;
use crate::http::uploads::{self, Staged, too_large};
use crate::store::accounts::Role;
use crate::store::audit::{self, Actor, Change};
use crate::store::filings;
use crate::store::idempotency::{self, Claim, KeyRef, StoredResponse};
use crate::store::materials::{self, MaterialRow, NewMaterial};

/// A material's metadata.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "6f1c2a7e-3b9d-4c51-8e0f-2d7b9a4c1e55", "original_name": "起诉状.pdf",
    "content_type": "application/pdf", "size": 482113,
    "sha256": "9f2c…", "pages": 3, "category": "complaint_or_application",
    "description": null, "created_at": "2026-12-03T08:00:00Z", "attached": false
}))]
pub struct MaterialView {
    pub id: Uuid,
    /// The client's file name, reduced to a safe base name.
    pub original_name: String,
    /// Recognised from the content: `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: ContentType,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Page count of a PDF; null for images.
    pub pages: Option<i32>,
    pub category: Category,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Whether it was submitted with a case (unattached materials are removed after 24
    /// hours).
    pub attached: bool,
}

impl From<&MaterialRow> for MaterialView {
    fn from(row: &MaterialRow) -> MaterialView {
        MaterialView {
            id: row.id,
            original_name: row.original_name.clone(),
            content_type: ContentType::parse(&row.content_type).unwrap_or(ContentType::Pdf),
            size: row.size_bytes,
            sha256: hex::encode(&row.sha256),
            pages: row.pages,
            category: Category::parse(&row.category).unwrap_or(Category::Other),
            description: row.description.clone(),
            created_at: row.created_at,
            attached: row.attached_at.is_some(),
        }
    }
}

/// The multipart form of an upload (for the contract).
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "describes the form for the contract only")]
pub struct MaterialUpload {
    /// The file: a PDF, JPEG or PNG, recognised by its content, at most 50 MiB by default.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `complaint_or_application`, `evidence`, `identity_document`, `authorisation`,
    /// `service_address_confirmation` or `other`.
    category: Category,
    /// What the file is, at most 200 characters.
    description: Option<String>,
}

/// Upload a material
///
/// Uploads a PDF, JPEG or PNG as `multipart/form-data` with the fields `file`, `category`
/// and optionally `description`. The type is recognised from the content, never from the
/// name or the declared type: programs and archives are refused whatever they are called
/// (`file.executable_or_archive`), encrypted PDFs too (`file.pdf_encrypted`). Files over
/// the limit (50 MiB by default) answer 413 `file.too_large`, also when the limit is crossed
/// mid-stream; exactly at the limit is accepted. The same bytes uploaded again by the same
/// account return the existing material (200), unchanged: its category, description and
/// name stay as first uploaded. The material belongs to the uploader until
/// it is attached to a case; unattached materials are removed after 24 hours. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    request_body(content = MaterialUpload, content_type = "multipart/form-data"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried upload safe.")),
    responses(
        (status = 201, description = "Uploaded.", body = MaterialView),
        (status = 200, description = "The same bytes were uploaded before: that material.", body = MaterialView),
        (status = 400, description = "`upload.malformed`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`idempotency_key.reused` or `idempotency_key.in_progress`.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`file.too_large` (with `max_bytes`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`file.missing`, `file.empty`, `file.type_not_allowed`, `file.executable_or_archive`, `file.pdf_encrypted`, `file.pdf_unreadable` or an invalid category.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/materials")]
pub async fn upload_material(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let limit = state.config.max_upload_bytes;
    // Refuse what announces itself as too big before reading it (the form adds a little).
    if uploads::announced_larger_than(&req, limit + uploads::FORM_OVERHEAD_BYTES) {
        return Err(too_large(limit));
    }

    let mut staged = None;
    let mut category = None;
    let mut description = None;
    while let Some(mut field) = form
        .try_next()
        .await
        .map_err(|_| ApiError::new(Code::UploadMalformed))?
    {
        match field.name().unwrap_or_default() {
            "file" if staged.is_none() => {
                staged = Some(uploads::stage(&mut field, &state, limit).await?)
            }
            "category" => category = Some(uploads::text_field(&mut field, 100).await?),
            "description" => description = Some(uploads::text_field(&mut field, 1000).await?),
            // Unknown fields are read and ignored.
            _ => uploads::skip_field(&mut field).await?,
        }
    }

    let mut errors = Vec::new();
    let category = match category.as_deref().map(trim_blanks) {
        Some(raw) => Category::parse(raw).or_else(|| {
            errors.push(FieldError::new("category", Code::MaterialCategoryInvalid));
            None
        }),
        None => {
            errors.push(FieldError::new("category", Code::FieldRequired));
            None
        }
    };
    let description = description
        .as_deref()
        .map(trim_blanks)
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 200)
    {
        errors.push(FieldError::new("description", Code::TextTooLong));
    }
    let Some(staged) = staged else {
        errors.push(FieldError::new("file", Code::FileMissing));
        return Err(ApiError::validation(errors));
    };
    let content_type = uploads::recognise(&staged).map_err(|code| ApiError::field("file", code))?;
    let Some(category) = category.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let pages = match content_type {
        ContentType::Pdf => Some(
            uploads::pdf_pages(&staged)
                .await?
                .map_err(|code| ApiError::field("file", code))?,
        ),
        _ => None,
    };

    // A retried upload: the key is bound to what was uploaded, not to the bytes of the form.
    let owner = caller.id();
    let idempotency_key = req
        .headers()
        .get(&IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .map(|k| k.trim().to_owned());
    if let Some(key) = &idempotency_key
        && (key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()))
    {
        return Err(ApiError::new(Code::IdempotencyKeyInvalid));
    }
    let fingerprint = {
        let mut hasher = Sha256::new();
        hasher.update(&staged.sha256);
        hasher.update(category.as_str().as_bytes());
        hasher.update([0]);
        hasher.update(description.as_deref().unwrap_or_default().as_bytes());
        hasher.finalize().to_vec()
    };
    let principal = format!("account:{owner}");
    if let Some(key) = idempotency_key.clone() {
        let (principal, fingerprint) = (principal.clone(), fingerprint.clone());
        let claim = state
            .with_conn(move |conn| {
                let key = KeyRef {
                    principal: &principal,
                    key: &key,
                };
                Ok(idempotency::claim(
                    conn,
                    key,
                    &fingerprint,
                    "POST",
                    "/api/v1/materials",
                    60,
                )?)
            })
            .await?;
        match claim {
            Claim::Acquired => {}
            Claim::Replay(stored) => return Ok(crate::http::idempotency::replay(&stored)),
            Claim::Mismatch => return Err(ApiError::new(Code::IdempotencyKeyReused)),
            Claim::InProgress => return Err(ApiError::new(Code::IdempotencyKeyInProgress)),
        }
    }

    let outcome = store_material(
        &state,
        owner,
        staged,
        category,
        description,
        content_type,
        pages,
    )
    .await;
    if let Some(key) = idempotency_key {
        let principal = principal.clone();
        let stored = match &outcome {
            Ok((status, view)) => serde_json::to_vec(view).ok().map(|body| StoredResponse {
                status: *status,
                headers: vec![("content-type".into(), "application/json".into())],
                body,
            }),
            Err(_) => None,
        };
        state
            .with_conn(move |conn| {
                let key = KeyRef {
                    principal: &principal,
                    key: &key,
                };
                match stored {
                    Some(stored) => idempotency::complete(conn, key, &stored)?,
                    None => idempotency::release(conn, key)?,
                }
                Ok(())
            })
            .await?;
    }
    let (status, view) = outcome?;
    let mut response = if status == 201 {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .insert_header((header::LOCATION, format!("/api/v1/materials/{}", view.id)))
        .json(view))
}

/// Moves the staged bytes into the store and records the material, or returns the
/// material these bytes already are. A row never exists without its blob: the blob goes
/// first, and is removed again if the row cannot be written.
async fn store_material(
    state: &AppState,
    owner: Uuid,
    staged: Staged,
    category: Category,
    description: Option<String>,
    content_type: ContentType,
    pages: Option<i32>,
) -> Result<(u16, MaterialView), ApiError> {
    let sha256 = staged.sha256.clone();
    let existing = state
        .with_conn(move |conn| Ok(materials::find_by_hash(conn, owner, &sha256)?))
        .await?;
    if let Some(existing) = existing {
        return Ok((200, MaterialView::from(&existing)));
    }

    let id = Uuid::new_v4();
    let key = format!("materials/{}/{id}", &id.simple().to_string()[..2]);
    state
        .blobs
        .persist(&staged.file, &key)
        .await
        .map_err(ApiError::internal)?;
    // The staging file is gone now (moved or uploaded).
    let _ = staged.file.keep();

    let size = i64::try_from(staged.size).unwrap_or(i64::MAX);
    let key_for_row = key.clone();
    let sha256 = staged.sha256.clone();
    let inserted = state
        .transaction(move |conn| {
            let row = materials::insert(
                conn,
                &NewMaterial {
                    id,
                    owner_account_id: owner,
                    category: category.as_str(),
                    description: description.as_deref(),
                    original_name: &staged.original_name,
                    declared_content_type: staged.declared_content_type.as_deref(),
                    content_type: content_type.as_str(),
                    size_bytes: size,
                    sha256: &staged.sha256,
                    pages,
                    storage_key: &key_for_row,
                },
            )?;
            audit::record(
                conn,
                &Actor::account(owner),
                &Change {
                    action: "material.uploaded",
                    subject_type: "material",
                    subject_id: &id.to_string(),
                    details: json!({
                        "content_type": content_type.as_str(),
                        "size": size,
                        "category": category.as_str(),
                    }),
                },
            )?;
            Ok(row)
        })
        .await;
    match inserted {
        Ok(row) => Ok((201, MaterialView::from(&row))),
        Err(error) => {
            if let Err(cleanup) = state.blobs.delete(&key).await {
                tracing::warn!(error = %cleanup, "orphan blob left for the sweeper");
            }
            // Two identical uploads at once: the loser answers with the winner's material.
            let winner = state
                .with_conn(move |conn| Ok(materials::find_by_hash(conn, owner, &sha256)?))
                .await?;
            match winner {
                Some(existing) => Ok((200, MaterialView::from(&existing))),
                None => Err(error),
            }
        }
    }
}

async fn owned_material(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<MaterialRow, ApiError> {
    let owner = caller.id();
    state
        .with_conn(move |conn| Ok(materials::find(conn, id)?))
        .await?
        // Someone else's material does not exist, as far as the caller can tell.
        .filter(|m| m.owner_account_id == owner)
        .ok_or_else(|| ApiError::new(Code::MaterialNotFound))
}

/// A material the caller may read: their own, or — for a judge — one attached to a
/// submitted filing of the judge's court.
async fn readable_material(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<MaterialRow, ApiError> {
    let account = caller.account().clone();
    state
        .with_conn(move |conn| {
            let Some(material) = materials::find(conn, id)? else {
                return Ok(None);
            };
            if material.owner_account_id == account.id {
                return Ok(Some(material));
            }
            let in_court = match (account.role(), account.court_code.as_deref()) {
                (Role::Judge, Some(court)) => filings::material_in_court(conn, id, court)?,
                _ => false,
            };
            Ok(in_court.then_some(material))
        })
        .await?
        .ok_or_else(|| ApiError::new(Code::MaterialNotFound))
}

/// Get a material
///
/// The metadata of one of the caller's materials, or — for a judge — of a material of a
/// submitted filing of the judge's court. Anyone else's is 404.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Material id.")),
    responses(
        (status = 200, description = "The material.", body = MaterialView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`material.not_found`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/materials/{id}")]
pub async fn get_material(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<MaterialView>, ApiError> {
    let material = readable_material(&state, &caller, id.into_inner()).await?;
    Ok(web::Json(MaterialView::from(&material)))
}

/// Download a material
///
/// The bytes of one of the caller's materials (or, for a judge, of a material of a submitted
/// filing of the judge's court), as an attachment named after the original file (with an ASCII fallback and
/// `filename*` in UTF-8), with the recognised content type and `nosniff`. A `Range:
/// bytes=…` header gets a 206 with that part.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Material id."),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`.")
    ),
    responses(
        (status = 200, description = "The file.", content_type = "application/octet-stream"),
        (status = 206, description = "The requested part.", content_type = "application/octet-stream"),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`material.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "`range.not_satisfiable`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/materials/{id}/content")]
pub async fn download_material(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let material = readable_material(&state, &caller, id.into_inner()).await?;
    serve_material(&state, &req, &material).await
}

/// Answers the bytes of a material the caller may read: an attachment named after the
/// original file, a `Range` answered with 206.
pub(crate) async fn serve_material(
    state: &AppState,
    req: &HttpRequest,
    material: &MaterialRow,
) -> Result<HttpResponse, ApiError> {
    uploads::serve_stored(
        state,
        req,
        uploads::StoredFile {
            storage_key: &material.storage_key,
            content_type: &material.content_type,
            file_name: &material.original_name,
            size: u64::try_from(material.size_bytes).unwrap_or(0),
        },
    )
    .await
}

/// Delete a material
///
/// Deletes one of the caller's materials while it is not attached to a submitted case.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Material id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`material.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`material.attached`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/materials/{id}")]
pub async fn delete_material(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let material = owned_material(&state, &caller, id.into_inner()).await?;
    let owner = caller.id();
    let id = material.id;
    let deleted = state
        .transaction(move |conn| {
            let deleted = materials::delete_unattached(conn, id)?
                .ok_or_else(|| ApiError::new(Code::MaterialAttached))?;
            audit::record(
                conn,
                &Actor::account(owner),
                &Change {
                    action: "material.deleted",
                    subject_type: "material",
                    subject_id: &id.to_string(),
                    details: json!({}),
                },
            )?;
            Ok(deleted)
        })
        .await?;
    if let Err(error) = state.blobs.delete(&deleted.storage_key).await {
        tracing::warn!(error = %error, "blob left for the sweeper");
    }
    Ok(HttpResponse::NoContent().finish())
}
