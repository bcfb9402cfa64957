//! Registrations: each attempt to register, waiting for the registry's answer.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use super::schema::registrations;

/// A registration row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: String,
    pub status: String,
    pub submitted: Value,
    pub failure_reason: Option<String>,
    pub differing_fields: Vec<Option<String>>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

pub fn insert(
    conn: &mut PgConnection,
    account: Uuid,
    kind: &str,
    submitted: &Value,
) -> QueryResult<Registration> {
    diesel::insert_into(registrations::table)
        .values((
            registrations::id.eq(Uuid::new_v4()),
            registrations::account_id.eq(account),
            registrations::kind.eq(kind),
            registrations::status.eq("pending_verification"),
            registrations::submitted.eq(submitted),
        ))
        .returning(Registration::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Registration>> {
    registrations::table
        .find(id)
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// A pending registration of `account`, if any.
pub fn pending_for_account(
    conn: &mut PgConnection,
    account: Uuid,
) -> QueryResult<Option<Registration>> {
    registrations::table
        .filter(registrations::account_id.eq(account))
        .filter(registrations::status.eq("pending_verification"))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// Up to `limit` registrations due for a registry call, locked so that other instances
/// skip them.
pub fn claim_due(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<Registration>> {
    registrations::table
        .filter(registrations::status.eq("pending_verification"))
        .filter(registrations::next_attempt_at.le(Utc::now()))
        .order(registrations::next_attempt_at)
        .limit(limit)
        .select(Registration::as_select())
        .for_update()
        .skip_locked()
        .load(conn)
}

/// Records the registry's answer.
pub fn decide(
    conn: &mut PgConnection,
    id: Uuid,
    failure: Option<(&str, &[String])>,
) -> QueryResult<()> {
    let (status, reason, fields): (_, _, Vec<Option<String>>) = match failure {
        None => ("verified", None, Vec::new()),
        Some((reason, fields)) => (
            "failed",
            Some(reason),
            fields.iter().cloned().map(Some).collect(),
        ),
    };
    diesel::update(registrations::table.find(id))
        .set((
            registrations::status.eq(status),
            registrations::failure_reason.eq(reason),
            registrations::differing_fields.eq(fields),
            registrations::decided_at.eq(Utc::now()),
            registrations::attempts.eq(registrations::attempts + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts a registration back for a later attempt (the registry was unavailable).
pub fn postpone(conn: &mut PgConnection, id: Uuid, until: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(registrations::table.find(id))
        .set((
            registrations::next_attempt_at.eq(until),
            registrations::attempts.eq(registrations::attempts + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether a lawyer registration of another account, still being verified, claims
/// `licence_number` (a licence is held from registration on, not only once verified).
pub fn licence_pending_elsewhere(
    conn: &mut PgConnection,
    licence_number: &str,
    account: Uuid,
) -> QueryResult<bool> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    diesel::select(diesel::dsl::exists(
        registrations::table
            .filter(registrations::status.eq("pending_verification"))
            .filter(registrations::kind.eq("lawyer"))
            .filter(registrations::account_id.ne(account))
            .filter(
                sql::<Bool>("submitted ->> 'licence_number' = ")
                    .bind::<Text, _>(licence_number.to_owned()),
            ),
    ))
    .get_result(conn)
}
