//! Reconciliation reports and the payments a statement is compared with.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use serde_json::Value;

use super::payments::PaymentRow;
use super::schema::{payments, reconciliation_reports};

/// A stored report.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = reconciliation_reports)]
pub struct ReportRow {
    pub platform: String,
    pub statement_date: NaiveDate,
    pub statement_lines: i32,
    pub settled: i32,
    pub missing_locally: Value,
    pub missing_in_statement: Value,
    pub amount_mismatches: Value,
    pub created_at: DateTime<Utc>,
}

/// Stores a report, replacing an earlier one of the same platform and day.
pub fn save(conn: &mut PgConnection, report: &ReportRow) -> QueryResult<ReportRow> {
    diesel::insert_into(reconciliation_reports::table)
        .values(report)
        .on_conflict((
            reconciliation_reports::platform,
            reconciliation_reports::statement_date,
        ))
        .do_update()
        .set(report)
        .returning(ReportRow::as_returning())
        .get_result(conn)
}

/// The reports of a day, by platform.
pub fn for_date(conn: &mut PgConnection, date: NaiveDate) -> QueryResult<Vec<ReportRow>> {
    reconciliation_reports::table
        .filter(reconciliation_reports::statement_date.eq(date))
        .order(reconciliation_reports::platform)
        .select(ReportRow::as_select())
        .load(conn)
}

/// Whether a platform's statement of a day has been compared after `since` (a comparison
/// made while the day was still running may have missed its later payments).
pub fn compared_since(
    conn: &mut PgConnection,
    platform: &str,
    date: NaiveDate,
    since: DateTime<Utc>,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        reconciliation_reports::table
            .filter(reconciliation_reports::platform.eq(platform))
            .filter(reconciliation_reports::statement_date.eq(date))
            .filter(reconciliation_reports::created_at.ge(since)),
    ))
    .get_result(conn)
}

/// The paid payments of a platform paid between `from` and `until`, the candidates for a
/// statement.
pub fn paid_between(
    conn: &mut PgConnection,
    platform: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::platform.eq(platform))
        .filter(payments::status.eq("paid"))
        .filter(payments::paid_at.ge(from))
        .filter(payments::paid_at.lt(until))
        .select(PaymentRow::as_select())
        .load(conn)
}

/// The payments with these ids (merchant order numbers parsed back).
pub fn payments_by_id(conn: &mut PgConnection, ids: &[uuid::Uuid]) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::id.eq_any(ids))
        .select(PaymentRow::as_select())
        .load(conn)
}
