//! Integration clients and their keys.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::service_clients;

/// A client row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_clients)]
pub struct ClientRow {
    pub id: Uuid,
    pub name: String,
    pub secret_hash: Vec<u8>,
    pub scopes: Vec<Option<String>>,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// The client with `id` unless it is disabled.
pub fn find_active(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<ClientRow>> {
    service_clients::table
        .find(id)
        .filter(service_clients::disabled_at.is_null())
        .select(ClientRow::as_select())
        .first(conn)
        .optional()
}

/// Creates a client whose secret hashes to `secret_hash`.
pub fn insert(
    conn: &mut PgConnection,
    name: &str,
    secret_hash: &[u8],
    scopes: &[String],
) -> QueryResult<Uuid> {
    let id = Uuid::new_v4();
    diesel::insert_into(service_clients::table)
        .values((
            service_clients::id.eq(id),
            service_clients::name.eq(name),
            service_clients::secret_hash.eq(secret_hash),
            service_clients::scopes.eq(scopes.iter().cloned().map(Some).collect::<Vec<_>>()),
        ))
        .execute(conn)?;
    Ok(id)
}
