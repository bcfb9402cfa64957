//! Password reset requests filed with documents, and their documents. The bytes of a
//! document are in the blob store under `storage_key`.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{password_reset_documents, password_reset_requests};

/// Where the bytes of documents are kept in the blob store.
pub const STORAGE_PREFIX: &str = "password-reset-documents";

/// A request row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = password_reset_requests)]
pub struct RequestRow {
    pub id: Uuid,
    pub account_id: Option<Uuid>,
    pub login: String,
    pub contact_phone: String,
    pub status: String,
    pub reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A new request (pending).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = password_reset_requests)]
pub struct NewRequest<'a> {
    pub id: Uuid,
    pub account_id: Option<Uuid>,
    pub login: &'a str,
    pub contact_phone: &'a str,
}

/// A document row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = password_reset_documents)]
pub struct DocumentRow {
    pub id: Uuid,
    pub request_id: Uuid,
    pub kind: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: Vec<u8>,
    pub storage_key: String,
    pub created_at: DateTime<Utc>,
}

/// A new document.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = password_reset_documents)]
pub struct NewDocument<'a> {
    pub id: Uuid,
    pub request_id: Uuid,
    pub kind: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a [u8],
    pub storage_key: &'a str,
}

pub fn insert_request(
    conn: &mut PgConnection,
    request: &NewRequest<'_>,
) -> QueryResult<RequestRow> {
    diesel::insert_into(password_reset_requests::table)
        .values(request)
        .returning(RequestRow::as_returning())
        .get_result(conn)
}

pub fn insert_document(
    conn: &mut PgConnection,
    document: &NewDocument<'_>,
) -> QueryResult<DocumentRow> {
    diesel::insert_into(password_reset_documents::table)
        .values(document)
        .returning(DocumentRow::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<RequestRow>> {
    password_reset_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()
}

/// The request, locked until the end of the caller's transaction (to decide it).
pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<RequestRow>> {
    password_reset_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// Requests (with `status`, or all), newest first: one page and the total.
pub fn list(
    conn: &mut PgConnection,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<RequestRow>, i64)> {
    let filtered = || {
        let mut query = password_reset_requests::table.into_boxed();
        if let Some(status) = status {
            query = query.filter(password_reset_requests::status.eq(status));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((
            password_reset_requests::created_at.desc(),
            password_reset_requests::id.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select(RequestRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The documents of `requests`, in the order they were stored.
pub fn documents(conn: &mut PgConnection, requests: &[Uuid]) -> QueryResult<Vec<DocumentRow>> {
    password_reset_documents::table
        .filter(password_reset_documents::request_id.eq_any(requests))
        .order((
            password_reset_documents::request_id,
            password_reset_documents::created_at,
            password_reset_documents::kind,
        ))
        .select(DocumentRow::as_select())
        .load(conn)
}

/// The document of `kind` of a request.
pub fn document(
    conn: &mut PgConnection,
    request: Uuid,
    kind: &str,
) -> QueryResult<Option<DocumentRow>> {
    password_reset_documents::table
        .filter(password_reset_documents::request_id.eq(request))
        .filter(password_reset_documents::kind.eq(kind))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

/// Records the decision on a pending request; returns the request as decided.
pub fn decide(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    reason: Option<&str>,
    decided_by: Uuid,
) -> QueryResult<RequestRow> {
    diesel::update(
        password_reset_requests::table
            .find(id)
            .filter(password_reset_requests::status.eq("pending")),
    )
    .set((
        password_reset_requests::status.eq(status),
        password_reset_requests::reason.eq(reason),
        password_reset_requests::decided_by.eq(decided_by),
        password_reset_requests::decided_at.eq(Utc::now()),
    ))
    .returning(RequestRow::as_returning())
    .get_result(conn)
}

/// Which of `keys` have a document row.
pub fn existing_keys(conn: &mut PgConnection, keys: &[String]) -> QueryResult<Vec<String>> {
    password_reset_documents::table
        .filter(password_reset_documents::storage_key.eq_any(keys))
        .select(password_reset_documents::storage_key)
        .load(conn)
}
