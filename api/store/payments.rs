//! Payments at the payment platforms, the notifications they deliver, refunds, and the
//! banks of the local finance bureaus.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{finance_bureau_banks, payment_notifications, payments, refunds};

/// A payment row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    pub id: Uuid,
    pub fee_order_id: Uuid,
    pub platform: String,
    pub channel: String,
    pub bank: Option<String>,
    pub amount_fen: i64,
    pub status: String,
    pub platform_order_id: Option<String>,
    pub pay_url: Option<String>,
    pub qr_code: Option<String>,
    pub transaction_id: Option<String>,
    pub voucher_url: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub review_reason: Option<String>,
    pub started_by: Uuid,
    pub last_queried_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new payment.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment<'a> {
    pub id: Uuid,
    pub fee_order_id: Uuid,
    pub platform: &'a str,
    pub channel: &'a str,
    pub bank: Option<&'a str>,
    pub amount_fen: i64,
    pub started_by: Uuid,
}

pub fn insert(conn: &mut PgConnection, payment: &NewPayment<'_>) -> QueryResult<PaymentRow> {
    diesel::insert_into(payments::table)
        .values(payment)
        .returning(PaymentRow::as_returning())
        .get_result(conn)
}

/// Payment `id`, optionally locked for the rest of the transaction.
pub fn find(conn: &mut PgConnection, id: Uuid, lock: bool) -> QueryResult<Option<PaymentRow>> {
    let query = payments::table.find(id).select(PaymentRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// The payments of an order, oldest first.
pub fn for_order(conn: &mut PgConnection, order: Uuid) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::fee_order_id.eq(order))
        .order((payments::created_at, payments::id))
        .select(PaymentRow::as_select())
        .load(conn)
}

/// Stores what the platform answered when the payment started.
pub fn set_session(
    conn: &mut PgConnection,
    id: Uuid,
    platform_order_id: Option<&str>,
    pay_url: Option<&str>,
    qr_code: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<PaymentRow> {
    diesel::update(payments::table.find(id))
        .set((
            payments::platform_order_id.eq(platform_order_id),
            payments::pay_url.eq(pay_url),
            payments::qr_code.eq(qr_code),
            payments::updated_at.eq(now),
        ))
        .returning(PaymentRow::as_returning())
        .get_result(conn)
}

/// What a report of the platform changes on a payment.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = payments)]
pub struct PaymentUpdate<'a> {
    pub status: &'a str,
    pub transaction_id: Option<&'a str>,
    pub voucher_url: Option<&'a str>,
    pub paid_at: Option<DateTime<Utc>>,
    pub review_reason: Option<&'a str>,
    pub updated_at: DateTime<Utc>,
}

pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    change: &PaymentUpdate<'_>,
) -> QueryResult<PaymentRow> {
    diesel::update(payments::table.find(id))
        .set(change)
        .returning(PaymentRow::as_returning())
        .get_result(conn)
}

/// Up to `limit` open payments started before `started_before` and not asked about since
/// `queried_before`, locked (skipping those another instance holds) and marked as asked.
pub fn claim_unconfirmed(
    conn: &mut PgConnection,
    started_before: DateTime<Utc>,
    queried_before: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<PaymentRow>> {
    let ids: Vec<Uuid> = payments::table
        .filter(payments::status.eq_any(["started", "in_progress"]))
        .filter(payments::review_reason.is_null())
        .filter(payments::created_at.le(started_before))
        .filter(
            payments::last_queried_at
                .is_null()
                .or(payments::last_queried_at.le(queried_before)),
        )
        .order(payments::created_at)
        .limit(limit)
        .select(payments::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    diesel::update(payments::table.filter(payments::id.eq_any(ids)))
        .set(payments::last_queried_at.eq(now))
        .returning(PaymentRow::as_returning())
        .get_results(conn)
}

/// Records one notification (or query answer) and what it did.
pub fn record_notification(
    conn: &mut PgConnection,
    platform: &str,
    notification_id: Option<&str>,
    payment: Option<Uuid>,
    outcome: &str,
    body: &str,
) -> QueryResult<i64> {
    diesel::insert_into(payment_notifications::table)
        .values((
            payment_notifications::platform.eq(platform),
            payment_notifications::notification_id.eq(notification_id),
            payment_notifications::payment_id.eq(payment),
            payment_notifications::outcome.eq(outcome),
            payment_notifications::body.eq(body),
        ))
        .returning(payment_notifications::id)
        .get_result(conn)
}

/// Whether a notification with this id of this platform was already taken into account.
pub fn notification_seen(
    conn: &mut PgConnection,
    platform: &str,
    notification_id: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        payment_notifications::table
            .filter(payment_notifications::platform.eq(platform))
            .filter(payment_notifications::notification_id.eq(notification_id)),
    ))
    .get_result(conn)
}

/// A stored notification, for staff and tests.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_notifications)]
pub struct NotificationRow {
    pub id: i64,
    pub platform: String,
    pub notification_id: Option<String>,
    pub payment_id: Option<Uuid>,
    pub outcome: String,
    pub body: String,
    pub received_at: DateTime<Utc>,
}

/// The notifications about the payments of an order, oldest first.
pub fn notifications_for_order(
    conn: &mut PgConnection,
    order: Uuid,
) -> QueryResult<Vec<NotificationRow>> {
    payment_notifications::table
        .inner_join(payments::table)
        .filter(payments::fee_order_id.eq(order))
        .order(payment_notifications::id)
        .select(NotificationRow::as_select())
        .load(conn)
}

/// A refund row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refunds)]
pub struct RefundRow {
    pub id: Uuid,
    pub fee_order_id: Uuid,
    pub payment_id: Uuid,
    pub amount_fen: i64,
    pub refundee_name: String,
    pub reason: String,
    pub status: String,
    pub platform_refund_id: Option<String>,
    pub failure_reason: Option<String>,
    pub requested_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// A new refund.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refunds)]
pub struct NewRefund<'a> {
    pub id: Uuid,
    pub fee_order_id: Uuid,
    pub payment_id: Uuid,
    pub amount_fen: i64,
    pub refundee_name: &'a str,
    pub reason: &'a str,
    pub requested_by: Uuid,
}

pub fn insert_refund(conn: &mut PgConnection, refund: &NewRefund<'_>) -> QueryResult<RefundRow> {
    diesel::insert_into(refunds::table)
        .values(refund)
        .returning(RefundRow::as_returning())
        .get_result(conn)
}

/// Refund `id`, locked for the rest of the transaction.
pub fn lock_refund(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<RefundRow>> {
    refunds::table
        .find(id)
        .select(RefundRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// The refunds of an order, oldest first.
pub fn refunds_for_order(conn: &mut PgConnection, order: Uuid) -> QueryResult<Vec<RefundRow>> {
    refunds::table
        .filter(refunds::fee_order_id.eq(order))
        .order((refunds::created_at, refunds::id))
        .select(RefundRow::as_select())
        .load(conn)
}

/// Pending refunds last touched before `before`, with the payment each goes back from, for
/// the job that sends them again.
pub fn pending_refunds(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<(RefundRow, PaymentRow)>> {
    refunds::table
        .inner_join(payments::table)
        .filter(refunds::status.eq("pending"))
        .filter(refunds::updated_at.le(before))
        .order(refunds::created_at)
        .limit(limit)
        .select((RefundRow::as_select(), PaymentRow::as_select()))
        .load(conn)
}

/// Records the end (or a new pending state) of a refund.
pub fn complete_refund(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    platform_refund_id: Option<&str>,
    failure_reason: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<RefundRow> {
    let completed = (status != "pending").then_some(now);
    diesel::update(refunds::table.find(id))
        .set((
            refunds::status.eq(status),
            refunds::platform_refund_id.eq(platform_refund_id),
            refunds::failure_reason.eq(failure_reason),
            refunds::updated_at.eq(now),
            refunds::completed_at.eq(completed),
        ))
        .returning(RefundRow::as_returning())
        .get_result(conn)
}

/// The banks the finance bureau of `city` holds no account with.
pub fn unavailable_banks(conn: &mut PgConnection, city: &str) -> QueryResult<Vec<String>> {
    finance_bureau_banks::table
        .filter(finance_bureau_banks::city.eq(city))
        .filter(finance_bureau_banks::available.eq(false))
        .select(finance_bureau_banks::bank)
        .load(conn)
}

/// Payments whose money awaits a refund review (paid twice, or after the notice ran out),
/// newest first.
pub fn awaiting_review(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::review_reason.is_not_null())
        .order((payments::updated_at.desc(), payments::id))
        .limit(limit)
        .select(PaymentRow::as_select())
        .load(conn)
}

/// Notifications staff must look at (a wrong amount, a payment we do not know), newest
/// first.
pub fn notifications_for_staff(
    conn: &mut PgConnection,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    payment_notifications::table
        .filter(payment_notifications::outcome.eq_any(["amount_mismatch", "unknown_payment"]))
        .order(payment_notifications::id.desc())
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)
}

/// Marks a payment for a person to look at.
pub fn set_review_reason(
    conn: &mut PgConnection,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<PaymentRow> {
    diesel::update(payments::table.find(id))
        .set((
            payments::review_reason.eq(reason),
            payments::updated_at.eq(now),
        ))
        .returning(PaymentRow::as_returning())
        .get_result(conn)
}

/// Keeps the platform's voucher link that a later report brought.
pub fn set_voucher_url(
    conn: &mut PgConnection,
    id: Uuid,
    voucher_url: &str,
    now: DateTime<Utc>,
) -> QueryResult<PaymentRow> {
    diesel::update(payments::table.find(id))
        .set((
            payments::voucher_url.eq(voucher_url),
            payments::updated_at.eq(now),
        ))
        .returning(PaymentRow::as_returning())
        .get_result(conn)
}

/// Whether the payment that paid an order (if any) brought its money after the notice ran
/// out.
pub fn paid_after_expiry(conn: &mut PgConnection, payment: Option<Uuid>) -> QueryResult<bool> {
    let Some(payment) = payment else {
        return Ok(false);
    };
    diesel::select(diesel::dsl::exists(
        payments::table
            .find(payment)
            .filter(payments::review_reason.eq("after_expiry")),
    ))
    .get_result(conn)
}
