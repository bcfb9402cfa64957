//! The SMS outbox: messages are written in the transaction of the change they report and
//! delivered later by a job, so a change and its notice commit together or not at all.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::sms_messages;
use crate::domain::sms::SmsTemplate;

/// Where a message goes.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub account_id: Option<Uuid>,
    /// The mobile phone; `None` records the message as not sent (the account has no phone).
    pub phone: Option<&'a str>,
}

/// Queues `template` for `recipient`; returns the message id.
pub fn enqueue(
    conn: &mut PgConnection,
    recipient: Recipient<'_>,
    template: &SmsTemplate,
) -> QueryResult<i64> {
    let (status, reason) = match recipient.phone {
        Some(_) => ("pending", None),
        None => ("not_sent", Some("no_mobile_phone")),
    };
    diesel::insert_into(sms_messages::table)
        .values((
            sms_messages::account_id.eq(recipient.account_id),
            sms_messages::phone.eq(recipient.phone),
            sms_messages::template.eq(template.name()),
            sms_messages::body.eq(template.body()),
            sms_messages::status.eq(status),
            sms_messages::not_sent_reason.eq(reason),
        ))
        .returning(sms_messages::id)
        .get_result(conn)
}

/// A message, as administrators and the delivery job see it.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = sms_messages)]
pub struct SmsMessage {
    pub id: i64,
    pub account_id: Option<Uuid>,
    pub phone: Option<String>,
    pub template: String,
    pub body: String,
    /// `pending`, `sent`, `failed` (gave up) or `not_sent` (no mobile phone).
    pub status: String,
    pub not_sent_reason: Option<String>,
    pub attempts: i32,
    pub gateway_message_id: Option<String>,
    /// From the gateway's delivery receipt: `delivered`, `failed` or `unknown`.
    pub delivery_status: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Up to `limit` messages due for delivery, locked so that other instances skip them.
pub fn claim_due(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<SmsMessage>> {
    sms_messages::table
        .filter(sms_messages::status.eq("pending"))
        .filter(sms_messages::next_attempt_at.le(Utc::now()))
        .order(sms_messages::id)
        .limit(limit)
        .select(SmsMessage::as_select())
        .for_update()
        .skip_locked()
        .load(conn)
}

pub fn mark_sent(conn: &mut PgConnection, id: i64, gateway_id: &str) -> QueryResult<()> {
    diesel::update(sms_messages::table.find(id))
        .set((
            sms_messages::status.eq("sent"),
            sms_messages::gateway_message_id.eq(gateway_id),
            sms_messages::sent_at.eq(Utc::now()),
            sms_messages::attempts.eq(sms_messages::attempts + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or given up when `None`.
pub fn mark_attempt_failed(
    conn: &mut PgConnection,
    id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    diesel::update(sms_messages::table.find(id))
        .set((
            sms_messages::status.eq(status),
            sms_messages::last_error.eq(error),
            sms_messages::attempts.eq(sms_messages::attempts + 1),
            sms_messages::next_attempt_at.eq(retry_at.unwrap_or_else(Utc::now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sent messages still waiting for a delivery receipt, oldest first.
pub fn awaiting_receipt(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<(i64, String)>> {
    sms_messages::table
        .filter(sms_messages::status.eq("sent"))
        .filter(sms_messages::delivery_status.is_null())
        .filter(sms_messages::gateway_message_id.is_not_null())
        .order(sms_messages::sent_at)
        .limit(limit)
        .select((
            sms_messages::id,
            sms_messages::gateway_message_id.assume_not_null(),
        ))
        .load(conn)
}

pub fn record_receipt(
    conn: &mut PgConnection,
    id: i64,
    status: &str,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(sms_messages::table.find(id))
        .set((
            sms_messages::delivery_status.eq(status),
            sms_messages::delivered_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Messages to `phone` (or all), newest first.
pub fn list(
    conn: &mut PgConnection,
    phone: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<SmsMessage>> {
    let mut query = sms_messages::table
        .select(SmsMessage::as_select())
        .into_boxed();
    if let Some(phone) = phone {
        query = query.filter(sms_messages::phone.eq(phone));
    }
    query.order(sms_messages::id.desc()).limit(limit).load(conn)
}

/// Messages of an account, oldest first (for tests and support).
pub fn for_account(conn: &mut PgConnection, account: Uuid) -> QueryResult<Vec<SmsMessage>> {
    sms_messages::table
        .filter(sms_messages::account_id.eq(account))
        .order(sms_messages::id)
        .select(SmsMessage::as_select())
        .load(conn)
}
