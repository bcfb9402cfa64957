//! Material metadata. The bytes are in the blob store under `storage_key`.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::materials;

/// A material row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = materials)]
pub struct MaterialRow {
    pub id: Uuid,
    pub owner_account_id: Uuid,
    pub category: String,
    pub description: Option<String>,
    pub original_name: String,
    pub declared_content_type: Option<String>,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: Vec<u8>,
    pub pages: Option<i32>,
    pub storage_key: String,
    pub created_at: DateTime<Utc>,
    pub attached_at: Option<DateTime<Utc>>,
}

/// A new material.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = materials)]
pub struct NewMaterial<'a> {
    pub id: Uuid,
    pub owner_account_id: Uuid,
    pub category: &'a str,
    pub description: Option<&'a str>,
    pub original_name: &'a str,
    pub declared_content_type: Option<&'a str>,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a [u8],
    pub pages: Option<i32>,
    pub storage_key: &'a str,
}

pub fn insert(conn: &mut PgConnection, material: &NewMaterial<'_>) -> QueryResult<MaterialRow> {
    diesel::insert_into(materials::table)
        .values(material)
        .returning(MaterialRow::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<MaterialRow>> {
    materials::table
        .find(id)
        .select(MaterialRow::as_select())
        .first(conn)
        .optional()
}

/// The material of `owner` with these bytes, if it uploaded them before.
pub fn find_by_hash(
    conn: &mut PgConnection,
    owner: Uuid,
    sha256: &[u8],
) -> QueryResult<Option<MaterialRow>> {
    materials::table
        .filter(materials::owner_account_id.eq(owner))
        .filter(materials::sha256.eq(sha256))
        .select(MaterialRow::as_select())
        .first(conn)
        .optional()
}

/// Deletes an unattached material; returns it when it was deleted.
pub fn delete_unattached(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<MaterialRow>> {
    diesel::delete(
        materials::table
            .find(id)
            .filter(materials::attached_at.is_null()),
    )
    .returning(MaterialRow::as_returning())
    .get_result(conn)
    .optional()
}

/// Deletes up to `limit` unattached materials uploaded, and released from their last
/// filing, before `cutoff`; returns them so that their blobs can be removed.
pub fn delete_stale_unattached(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<MaterialRow>> {
    let stale: Vec<Uuid> = materials::table
        .filter(materials::attached_at.is_null())
        .filter(materials::created_at.lt(cutoff))
        .filter(
            materials::released_at
                .is_null()
                .or(materials::released_at.lt(cutoff)),
        )
        .order(materials::created_at)
        .limit(limit)
        .select(materials::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    diesel::delete(materials::table.filter(materials::id.eq_any(stale)))
        .returning(MaterialRow::as_returning())
        .get_results(conn)
}

/// Which of `keys` have a row.
pub fn existing_keys(conn: &mut PgConnection, keys: &[String]) -> QueryResult<Vec<String>> {
    materials::table
        .filter(materials::storage_key.eq_any(keys))
        .select(materials::storage_key)
        .load(conn)
}
