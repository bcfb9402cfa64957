//! Reconciliation: a platform's daily statement lists the payments whose money reached the
//! treasury that day. Each is compared with the payments recorded here; the orders that
//! match are settled (and their filings with them), and every difference is kept in the
//! day's report for staff: statement lines with no paid payment here, payments due in the
//! statement but missing from it, and amounts that differ.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use diesel::{Connection, PgConnection};
use serde_json::json;
use uuid::Uuid;

use crate::domain::calendar::shanghai_date;
use crate::domain::filing_status::{Event, FilingStatus};
use crate::domain::money::Money;
use crate::domain::payment::{Channel, FeeOrderStatus, Platform, settlement_date};
use crate::domain::working_days::WorkingCalendar;
use crate::errors::{ApiError, Code};
use crate::integrations::PaymentPlatforms;
use crate::integrations::payment_platform::StatementLine;
use crate::services::trial_feed;
use crate::store::audit::{self, Actor, Change};
use crate::store::payments::PaymentRow;
use crate::store::reconciliation::{self, ReportRow};
use crate::store::{fee_orders, filings};

/// How far back a payment settled on the next working day may have been paid: longer than
/// the longest run of days off in the official calendar.
const LONGEST_WAIT_DAYS: i64 = 20;

/// The first instant of `day` in Asia/Shanghai.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    Shanghai
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen)
        .map(|m| m.to_string())
        .unwrap_or_default()
}

/// Settles the order a matching payment paid; returns whether the order is settled (by
/// this run or an earlier one).
fn settle(
    conn: &mut PgConnection,
    payment: &PaymentRow,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let Some(order) = fee_orders::lock(conn, payment.fee_order_id)? else {
        return Ok(false);
    };
    if order.paid_by_payment_id != Some(payment.id) {
        return Ok(false);
    }
    if order.settled_at.is_some() {
        return Ok(true);
    }
    let status = match FeeOrderStatus::parse(&order.status) {
        Some(FeeOrderStatus::PaidAwaitingSettlement) => FeeOrderStatus::Settled,
        Some(other) => other,
        None => return Ok(false),
    };
    let order = fee_orders::mark_settled(conn, order.id, status.as_str(), now)?;
    let filing = filings::lock(conn, order.filing_id)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("order of a missing filing")))?;
    let current =
        FilingStatus::parse(&filing.status).expect("the database only holds known statuses");
    if let Ok(next) = current.apply(Event::Settle) {
        filings::set_status(conn, filing.id, next.as_str(), now)?;
    }
    trial_feed::fee_order_settled(conn, &filing, &order, payment, now)?;
    audit::record(
        conn,
        &Actor::system("reconciliation"),
        &Change {
            action: "fee_order.settled",
            subject_type: "fee_order",
            subject_id: &order.id.to_string(),
            details: json!({ "payment_id": payment.id, "order_number": order.order_number }),
        },
    )?;
    Ok(true)
}

/// Compares the statement of `date` of `platform` with the payments recorded here, settles
/// what matches and stores the report (replacing an earlier one of the same day).
pub fn reconcile(
    conn: &mut PgConnection,
    platforms: &PaymentPlatforms,
    platform: Platform,
    date: NaiveDate,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<ReportRow, ApiError> {
    let lines = platforms.get(platform).statement(date).map_err(|error| {
        tracing::warn!(platform = platform.as_str(), %date, error = %error, "statement not available");
        ApiError::new(Code::PaymentPlatformUnavailable)
    })?;
    let name = platform.as_str();
    conn.transaction(|conn| {
        let candidates: Vec<PaymentRow> = reconciliation::paid_between(
            conn,
            name,
            start_of(date - Duration::days(LONGEST_WAIT_DAYS)),
            start_of(date + Duration::days(1)),
        )?
        .into_iter()
        .filter(|payment| {
            let (Some(paid_at), Some(channel)) =
                (payment.paid_at, Channel::parse(&payment.channel))
            else {
                return false;
            };
            settlement_date(channel, shanghai_date(paid_at), |day| {
                calendar.next_working_day(day).unwrap_or(day)
            }) == date
        })
        .collect();

        let mut by_number: HashMap<String, &StatementLine> = lines
            .iter()
            .map(|line| (line.merchant_order_no.trim().to_ascii_lowercase(), line))
            .collect();
        let mut matched: Vec<PaymentRow> = Vec::new();
        let mut missing_in_statement = Vec::new();
        let mut amount_mismatches = Vec::new();
        // Read without a lock: order numbers never change, and this transaction must take
        // its first lock (and so its transaction id) only when it settles, after it has read
        // every payment it settles — the order of the trial-system feed depends on it.
        let order_number = |conn: &mut PgConnection, payment: &PaymentRow| {
            fee_orders::order_number(conn, payment.fee_order_id)
                .map(|number| number.unwrap_or_default())
        };
        let mut compare = |conn: &mut PgConnection,
                           payment: PaymentRow,
                           line: &StatementLine|
         -> Result<(), ApiError> {
            if line.amount.fen() == payment.amount_fen {
                matched.push(payment);
            } else {
                amount_mismatches.push(json!({
                    "payment_id": payment.id,
                    "order_number": order_number(conn, &payment)?,
                    "recorded": yuan(payment.amount_fen),
                    "statement": line.amount.to_string(),
                }));
            }
            Ok(())
        };
        for payment in candidates {
            match by_number.remove(&payment.id.simple().to_string()) {
                Some(line) => compare(conn, payment, line)?,
                None => missing_in_statement.push(json!({
                    "payment_id": payment.id,
                    "order_number": order_number(conn, &payment)?,
                    "amount": yuan(payment.amount_fen),
                })),
            }
        }
        // Lines for payments paid here on another day than expected still settle them; the
        // rest are money this platform has and we have not recorded.
        let ids: Vec<Uuid> = by_number
            .keys()
            .filter_map(|no| Uuid::try_parse(no).ok())
            .collect();
        let known: HashMap<String, PaymentRow> = reconciliation::payments_by_id(conn, &ids)?
            .into_iter()
            .filter(|p| p.platform == name && p.status == "paid")
            .map(|p| (p.id.simple().to_string(), p))
            .collect();
        let mut missing_locally = Vec::new();
        let mut rest: Vec<(String, &StatementLine)> = by_number.into_iter().collect();
        rest.sort_by_key(|a| a.1.paid_at);
        for (number, line) in rest {
            match known.get(&number) {
                Some(payment) => compare(conn, payment.clone(), line)?,
                None => missing_locally.push(json!({
                    "merchant_order_no": line.merchant_order_no,
                    "transaction_id": line.transaction_id,
                    "amount": line.amount.to_string(),
                })),
            }
        }
        let mut settled = 0;
        for payment in &matched {
            if settle(conn, payment, now)? {
                settled += 1;
            }
        }
        let report = reconciliation::save(
            conn,
            &ReportRow {
                platform: name.to_owned(),
                statement_date: date,
                statement_lines: i32::try_from(lines.len()).unwrap_or(i32::MAX),
                settled,
                missing_locally: json!(missing_locally),
                missing_in_statement: json!(missing_in_statement),
                amount_mismatches: json!(amount_mismatches),
                created_at: now,
            },
        )?;
        Ok(report)
    })
}

/// Reconciles yesterday's statements (Asia/Shanghai) that have not been compared since the
/// day ended; returns how many were.
pub fn reconcile_due(
    conn: &mut PgConnection,
    platforms: &PaymentPlatforms,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let yesterday = shanghai_date(now) - Duration::days(1);
    let mut done = 0;
    for platform in [Platform::Provincial, Platform::Qingdao] {
        if !reconciliation::compared_since(
            conn,
            platform.as_str(),
            yesterday,
            start_of(yesterday + Duration::days(1)),
        )? {
            reconcile(conn, platforms, platform, yesterday, calendar, now)?;
            done += 1;
        }
    }
    Ok(done)
}
