//! One-time SMS codes (password reset, phone change), stored as keyed hashes.

use chrono::{DateTime, Duration, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::one_time_codes;

/// Wrong tries after which a code dies.
pub const MAX_ATTEMPTS: i32 = 5;

/// A live code.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = one_time_codes)]
pub struct OneTimeCode {
    pub id: Uuid,
    pub account_id: Uuid,
    pub purpose: String,
    pub phone: String,
    pub code_hash: Vec<u8>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a new code (its hash computed by the caller with the code's id) and kills the
/// account's earlier codes for the same purpose.
pub fn insert(
    conn: &mut PgConnection,
    id: Uuid,
    account: Uuid,
    purpose: &str,
    phone: &str,
    code_hash: &[u8],
    lifetime: Duration,
) -> QueryResult<()> {
    diesel::update(
        one_time_codes::table
            .filter(one_time_codes::account_id.eq(account))
            .filter(one_time_codes::purpose.eq(purpose))
            .filter(one_time_codes::consumed_at.is_null()),
    )
    .set(one_time_codes::consumed_at.eq(Utc::now()))
    .execute(conn)?;
    diesel::insert_into(one_time_codes::table)
        .values((
            one_time_codes::id.eq(id),
            one_time_codes::account_id.eq(account),
            one_time_codes::purpose.eq(purpose),
            one_time_codes::phone.eq(phone),
            one_time_codes::code_hash.eq(code_hash),
            one_time_codes::expires_at.eq(Utc::now() + lifetime),
        ))
        .execute(conn)?;
    Ok(())
}

/// The live code of `account` for `purpose`, locked.
pub fn live_for_update(
    conn: &mut PgConnection,
    account: Uuid,
    purpose: &str,
) -> QueryResult<Option<OneTimeCode>> {
    one_time_codes::table
        .filter(one_time_codes::account_id.eq(account))
        .filter(one_time_codes::purpose.eq(purpose))
        .filter(one_time_codes::consumed_at.is_null())
        .filter(one_time_codes::expires_at.gt(Utc::now()))
        .filter(one_time_codes::attempts.lt(MAX_ATTEMPTS))
        .order(one_time_codes::created_at.desc())
        .select(OneTimeCode::as_select())
        .for_update()
        .first(conn)
        .optional()
}

pub fn count_wrong_attempt(conn: &mut PgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(one_time_codes::table.find(id))
        .set(one_time_codes::attempts.eq(one_time_codes::attempts + 1))
        .execute(conn)?;
    Ok(())
}

pub fn consume(conn: &mut PgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(one_time_codes::table.find(id))
        .set(one_time_codes::consumed_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(())
}

/// Codes sent to `account` for `purpose` since `since` (for rate limits).
pub fn sent_since(
    conn: &mut PgConnection,
    account: Uuid,
    purpose: &str,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    one_time_codes::table
        .filter(one_time_codes::account_id.eq(account))
        .filter(one_time_codes::purpose.eq(purpose))
        .filter(one_time_codes::created_at.gt(since))
        .count()
        .get_result(conn)
}
