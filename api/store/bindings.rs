//! Mini-program identities (openids) bound to accounts.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::mini_program_bindings;

/// A binding row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mini_program_bindings)]
pub struct BindingRow {
    pub openid: String,
    pub account_id: Uuid,
    pub client_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// The binding of `openid`, if any.
pub fn find(conn: &mut PgConnection, openid: &str) -> QueryResult<Option<BindingRow>> {
    mini_program_bindings::table
        .find(openid)
        .select(BindingRow::as_select())
        .first(conn)
        .optional()
}

/// Binds `openid` to `account` on behalf of `client`.
pub fn insert(
    conn: &mut PgConnection,
    openid: &str,
    account: Uuid,
    client: Uuid,
) -> QueryResult<BindingRow> {
    diesel::insert_into(mini_program_bindings::table)
        .values((
            mini_program_bindings::openid.eq(openid),
            mini_program_bindings::account_id.eq(account),
            mini_program_bindings::client_id.eq(client),
        ))
        .returning(BindingRow::as_returning())
        .get_result(conn)
}
