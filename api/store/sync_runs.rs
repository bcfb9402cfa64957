//! Runs of the legal-worker sync: one row per pull from the justice department.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer};
use serde_json::Value;
use uuid::Uuid;

use super::schema::legal_worker_sync_runs;

/// A run row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = legal_worker_sync_runs)]
pub struct SyncRunRow {
    pub id: Uuid,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub trigger: String,
    pub records_seen: i32,
    pub converted: i32,
    pub details: Value,
    pub error: Option<String>,
}

/// Records the start of a run; `started_at` is the database's clock, which every instance
/// shares, so that the schedule check compares like with like.
pub fn insert(conn: &mut PgConnection, trigger: &str) -> QueryResult<SyncRunRow> {
    diesel::insert_into(legal_worker_sync_runs::table)
        .values((
            legal_worker_sync_runs::id.eq(Uuid::new_v4()),
            legal_worker_sync_runs::trigger.eq(trigger),
        ))
        .returning(SyncRunRow::as_returning())
        .get_result(conn)
}

/// What a finished run found.
#[derive(Debug, Clone)]
pub struct RunResult<'a> {
    pub records_seen: i32,
    pub converted: i32,
    pub details: &'a Value,
    pub error: Option<&'a str>,
}

/// Records the end of run `id`.
pub fn finish(
    conn: &mut PgConnection,
    id: Uuid,
    result: &RunResult<'_>,
) -> QueryResult<SyncRunRow> {
    diesel::update(legal_worker_sync_runs::table.find(id))
        .set((
            legal_worker_sync_runs::finished_at.eq(diesel::dsl::now),
            legal_worker_sync_runs::records_seen.eq(result.records_seen),
            legal_worker_sync_runs::converted.eq(result.converted),
            legal_worker_sync_runs::details.eq(result.details),
            legal_worker_sync_runs::error.eq(result.error),
        ))
        .returning(SyncRunRow::as_returning())
        .get_result(conn)
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    value: bool,
}

/// Whether some run (of any trigger) started less than `hours` hours ago by the database's
/// clock.
pub fn started_within_hours(conn: &mut PgConnection, hours: i32) -> QueryResult<bool> {
    let flag: Flag = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM legal_worker_sync_runs \
         WHERE started_at > now() - make_interval(hours => $1)) AS value",
    )
    .bind::<Integer, _>(hours)
    .get_result(conn)?;
    Ok(flag.value)
}

/// The key of the advisory lock that serialises the scheduled check-and-start, so that two
/// instances looking at the same moment do not both start a run ("efillws" in ASCII).
const SCHEDULE_LOCK: i64 = 0x0065_6669_6c6c_7773;

/// Takes the schedule lock for the rest of the caller's transaction; false when another
/// transaction holds it (then that one is deciding, and this one should not).
pub fn try_lock_schedule(conn: &mut PgConnection) -> QueryResult<bool> {
    let flag: Flag = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS value")
        .bind::<BigInt, _>(SCHEDULE_LOCK)
        .get_result(conn)?;
    Ok(flag.value)
}
