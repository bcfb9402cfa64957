//! Fee orders (payment notices).

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde_json::Value;
use uuid::Uuid;

use super::schema::fee_orders;

/// A fee order row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fee_orders)]
pub struct FeeOrderRow {
    pub id: Uuid,
    pub order_number: String,
    pub filing_id: Uuid,
    pub court_code: String,
    pub status: String,
    pub items: Value,
    pub total_fen: i64,
    pub payer_party_id: Uuid,
    pub refundee_party_id: Uuid,
    pub payer_name: String,
    pub refundee_name: String,
    pub expires_at: DateTime<Utc>,
    pub proposal: Option<Value>,
    pub override_reason: Option<String>,
    pub issued_by: Uuid,
    pub replaces_order_id: Option<Uuid>,
    pub channel: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    pub refunded_fen: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub paid_by_payment_id: Option<Uuid>,
    pub reminder_sent_at: Option<DateTime<Utc>>,
}

/// A new fee order.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = fee_orders)]
pub struct NewFeeOrder<'a> {
    pub id: Uuid,
    pub order_number: &'a str,
    pub filing_id: Uuid,
    pub court_code: &'a str,
    pub items: &'a Value,
    pub total_fen: i64,
    pub payer_party_id: Uuid,
    pub refundee_party_id: Uuid,
    pub payer_name: &'a str,
    pub refundee_name: &'a str,
    pub expires_at: DateTime<Utc>,
    pub proposal: Option<&'a Value>,
    pub override_reason: Option<&'a str>,
    pub issued_by: Uuid,
    pub replaces_order_id: Option<Uuid>,
}

pub fn insert(conn: &mut PgConnection, order: &NewFeeOrder<'_>) -> QueryResult<FeeOrderRow> {
    diesel::insert_into(fee_orders::table)
        .values(order)
        .returning(FeeOrderRow::as_returning())
        .get_result(conn)
}

/// A fresh number for an order number.
pub fn next_number(conn: &mut PgConnection) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = BigInt)]
        value: i64,
    }
    diesel::sql_query("SELECT nextval('fee_order_number_seq') AS value")
        .get_result::<Next>(conn)
        .map(|n| n.value)
}

/// The orders of a filing, oldest first.
pub fn for_filing(conn: &mut PgConnection, filing: Uuid) -> QueryResult<Vec<FeeOrderRow>> {
    fee_orders::table
        .filter(fee_orders::filing_id.eq(filing))
        .order((fee_orders::created_at, fee_orders::id))
        .select(FeeOrderRow::as_select())
        .load(conn)
}

/// The orders of a court, newest first, optionally of one status, one page.
pub fn for_court(
    conn: &mut PgConnection,
    court: &str,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<FeeOrderRow>, i64)> {
    let query = || {
        let mut query = fee_orders::table
            .filter(fee_orders::court_code.eq(court))
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(fee_orders::status.eq(status));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((fee_orders::created_at.desc(), fee_orders::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(FeeOrderRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Marks up to `limit` orders whose notice ran out unpaid as expired; returns them.
pub fn expire_due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<FeeOrderRow>> {
    let due: Vec<Uuid> = fee_orders::table
        .filter(fee_orders::status.eq("awaiting_payment"))
        .filter(fee_orders::expires_at.le(now))
        .order(fee_orders::expires_at)
        .limit(limit)
        .select(fee_orders::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    diesel::update(fee_orders::table.filter(fee_orders::id.eq_any(due)))
        .set((
            fee_orders::status.eq("expired"),
            fee_orders::updated_at.eq(now),
        ))
        .returning(FeeOrderRow::as_returning())
        .get_results(conn)
}

/// Order `id` of `court`, locked for the rest of the transaction.
pub fn lock_for_court(
    conn: &mut PgConnection,
    id: Uuid,
    court: &str,
) -> QueryResult<Option<FeeOrderRow>> {
    fee_orders::table
        .find(id)
        .filter(fee_orders::court_code.eq(court))
        .select(FeeOrderRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// Sets the status of an order.
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> QueryResult<FeeOrderRow> {
    diesel::update(fee_orders::table.find(id))
        .set((
            fee_orders::status.eq(status),
            fee_orders::updated_at.eq(now),
        ))
        .returning(FeeOrderRow::as_returning())
        .get_result(conn)
}

/// An order as its filer sees it in lists: with the case number and the court's name.
#[derive(Debug, Clone)]
pub struct AccountOrder {
    pub order: FeeOrderRow,
    pub case_number: Option<String>,
    pub court_name: String,
}

/// Filters of an account's order list.
#[derive(Debug, Clone, Default)]
pub struct AccountOrderFilter {
    pub status: Option<String>,
    pub court_code: Option<String>,
    pub case_number: Option<String>,
    pub order_number: Option<String>,
}

/// The orders of the filings of `account`, newest first, one page.
pub fn for_account(
    conn: &mut PgConnection,
    account: Uuid,
    filter: &AccountOrderFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AccountOrder>, i64)> {
    use super::schema::{courts, filings};
    let query = || {
        let mut query = fee_orders::table
            .inner_join(filings::table)
            .inner_join(courts::table.on(courts::code.eq(fee_orders::court_code)))
            .filter(filings::filer_account_id.eq(account))
            .into_boxed();
        if let Some(status) = &filter.status {
            query = query.filter(fee_orders::status.eq(status.clone()));
        }
        if let Some(court) = &filter.court_code {
            query = query.filter(fee_orders::court_code.eq(court.clone()));
        }
        if let Some(number) = &filter.case_number {
            query = query.filter(filings::case_number.eq(number.clone()));
        }
        if let Some(number) = &filter.order_number {
            query = query.filter(fee_orders::order_number.eq(number.clone()));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<(FeeOrderRow, Option<String>, String)> = query()
        .order((fee_orders::created_at.desc(), fee_orders::id.desc()))
        .offset(offset)
        .limit(limit)
        .select((FeeOrderRow::as_select(), filings::case_number, courts::name))
        .load(conn)?;
    Ok((
        rows.into_iter()
            .map(|(order, case_number, court_name)| AccountOrder {
                order,
                case_number,
                court_name,
            })
            .collect(),
        total,
    ))
}

/// One order of the filings of `account`.
pub fn find_for_account(
    conn: &mut PgConnection,
    id: Uuid,
    account: Uuid,
) -> QueryResult<Option<AccountOrder>> {
    use super::schema::{courts, filings};
    let query = fee_orders::table
        .inner_join(filings::table)
        .inner_join(courts::table.on(courts::code.eq(fee_orders::court_code)))
        .filter(fee_orders::id.eq(id))
        .filter(filings::filer_account_id.eq(account))
        .select((FeeOrderRow::as_select(), filings::case_number, courts::name));
    let row: Option<(FeeOrderRow, Option<String>, String)> = query.first(conn).optional()?;
    Ok(row.map(|(order, case_number, court_name)| AccountOrder {
        order,
        case_number,
        court_name,
    }))
}

/// The number of order `id`.
pub fn order_number(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<String>> {
    fee_orders::table
        .find(id)
        .select(fee_orders::order_number)
        .first(conn)
        .optional()
}

/// Order `id`, locked for the rest of the transaction.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<FeeOrderRow>> {
    fee_orders::table
        .find(id)
        .select(FeeOrderRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// Records the payment that paid an order, and its new status.
pub fn mark_paid(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    payment: Uuid,
    channel: &str,
    paid_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<FeeOrderRow> {
    diesel::update(fee_orders::table.find(id))
        .set((
            fee_orders::status.eq(status),
            fee_orders::paid_by_payment_id.eq(payment),
            fee_orders::channel.eq(channel),
            fee_orders::paid_at.eq(paid_at),
            fee_orders::updated_at.eq(now),
        ))
        .returning(FeeOrderRow::as_returning())
        .get_result(conn)
}

/// Sets the refunded sum of an order and its status.
pub fn set_refunded(
    conn: &mut PgConnection,
    id: Uuid,
    refunded_fen: i64,
    status: &str,
    now: DateTime<Utc>,
) -> QueryResult<FeeOrderRow> {
    diesel::update(fee_orders::table.find(id))
        .set((
            fee_orders::refunded_fen.eq(refunded_fen),
            fee_orders::status.eq(status),
            fee_orders::updated_at.eq(now),
        ))
        .returning(FeeOrderRow::as_returning())
        .get_result(conn)
}

/// Records that an order's money reached the treasury.
pub fn mark_settled(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> QueryResult<FeeOrderRow> {
    diesel::update(fee_orders::table.find(id))
        .set((
            fee_orders::status.eq(status),
            fee_orders::settled_at.eq(now),
            fee_orders::updated_at.eq(now),
        ))
        .returning(FeeOrderRow::as_returning())
        .get_result(conn)
}

/// Up to `limit` unpaid orders whose notice expires before `before` and whose filer has not
/// been reminded, locked (skipping those another instance holds) and marked as reminded.
pub fn claim_reminders(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    before: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<FeeOrderRow>> {
    let due: Vec<Uuid> = fee_orders::table
        .filter(fee_orders::status.eq("awaiting_payment"))
        .filter(fee_orders::reminder_sent_at.is_null())
        .filter(fee_orders::expires_at.gt(now))
        .filter(fee_orders::expires_at.le(before))
        .order(fee_orders::expires_at)
        .limit(limit)
        .select(fee_orders::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    diesel::update(fee_orders::table.filter(fee_orders::id.eq_any(due)))
        .set(fee_orders::reminder_sent_at.eq(now))
        .returning(FeeOrderRow::as_returning())
        .get_results(conn)
}
