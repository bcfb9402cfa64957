//! Payment notices: a reminder a day before one runs out unpaid, then expiry; the judge
//! then issues a new one.

use chrono::Utc;
use diesel::{Connection, PgConnection};
use serde_json::json;

use crate::domain::calendar::shanghai_date;
use crate::domain::money::Money;
use crate::domain::sms::SmsTemplate;
use crate::errors::ApiError;
use crate::services::court::{notify_filer, shown_case_number};
use crate::store::audit::{self, Actor, Change};
use crate::store::{fee_orders, filings};

/// Expires the notices due, a batch at a time; returns how many expired.
pub fn expire_due(conn: &mut PgConnection) -> anyhow::Result<usize> {
    let expired = conn.transaction(|conn| {
        let expired = fee_orders::expire_due(conn, Utc::now(), 100)?;
        for order in &expired {
            audit::record(
                conn,
                &Actor::system("payment-notice expiry"),
                &Change {
                    action: "fee_order.expired",
                    subject_type: "fee_order",
                    subject_id: &order.id.to_string(),
                    details: json!({ "order_number": order.order_number }),
                },
            )?;
        }
        diesel::QueryResult::Ok(expired)
    })?;
    Ok(expired.len())
}

/// How long before its notice expires an unpaid order's filer is reminded.
pub const REMINDER_BEFORE: chrono::Duration = chrono::Duration::hours(24);

/// Reminds the filers of unpaid orders whose notice expires within [`REMINDER_BEFORE`],
/// once per order; returns how many were reminded.
pub fn remind_due(conn: &mut PgConnection) -> anyhow::Result<usize> {
    let now = Utc::now();
    let reminded = conn
        .transaction(|conn| {
            let due = fee_orders::claim_reminders(conn, now, now + REMINDER_BEFORE, 100)?;
            for order in &due {
                let Some(filing) = filings::lock(conn, order.filing_id)? else {
                    continue;
                };
                // The notice runs to the end of its last day; the message names that day.
                let last_day = shanghai_date(order.expires_at - chrono::Duration::seconds(1));
                notify_filer(
                    conn,
                    &filing,
                    &SmsTemplate::PaymentReminder {
                        case_number: shown_case_number(&filing),
                        amount: Money::from_fen(order.total_fen)
                            .map(|m| m.to_string())
                            .unwrap_or_default(),
                        expires_on: last_day.format("%Y年%m月%d日").to_string(),
                    },
                )?;
            }
            Ok::<_, ApiError>(due.len())
        })
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(reminded)
}
