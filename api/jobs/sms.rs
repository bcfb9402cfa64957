//! Delivering the SMS outbox through the gateway, and collecting delivery receipts.

use chrono::{Duration, Utc};
use diesel::{Connection, PgConnection};

use crate::integrations::Integrations;
use crate::store::sms;

/// Messages sent per round.
const BATCH: i64 = 50;
/// Attempts before a message is given up.
const MAX_ATTEMPTS: i32 = 8;

/// Hands due messages to the gateway; returns how many were handled.
pub fn deliver_due(conn: &mut PgConnection, integrations: &Integrations) -> anyhow::Result<usize> {
    conn.transaction(|conn| {
        let due = sms::claim_due(conn, BATCH)?;
        for message in &due {
            let Some(phone) = message.phone.as_deref() else {
                continue;
            };
            match integrations.sms.send(phone, &message.body) {
                Ok(gateway_id) => sms::mark_sent(conn, message.id, &gateway_id)?,
                Err(error) => {
                    let attempts = message.attempts + 1;
                    let retry_at = (attempts < MAX_ATTEMPTS)
                        .then(|| Utc::now() + Duration::seconds(30 << attempts.min(10)));
                    tracing::warn!(message_id = message.id, attempts, error = %error, "SMS not sent");
                    sms::mark_attempt_failed(conn, message.id, &error.to_string(), retry_at)?;
                }
            }
        }
        Ok(due.len())
    })
}

/// Asks the gateway for receipts of sent messages; returns how many were recorded.
pub fn collect_receipts(
    conn: &mut PgConnection,
    integrations: &Integrations,
) -> anyhow::Result<usize> {
    let waiting = sms::awaiting_receipt(conn, BATCH)?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = waiting
        .iter()
        .map(|(_, gateway_id)| gateway_id.clone())
        .collect();
    let receipts = match integrations.sms.receipts(&ids) {
        Ok(receipts) => receipts,
        Err(error) => {
            tracing::warn!(error = %error, "SMS receipts unavailable");
            return Ok(0);
        }
    };
    let mut recorded = 0;
    for receipt in receipts {
        if receipt.status == crate::integrations::DeliveryStatus::Unknown {
            continue;
        }
        if let Some((id, _)) = waiting
            .iter()
            .find(|(_, g)| *g == receipt.gateway_message_id)
        {
            sms::record_receipt(conn, *id, receipt.status.as_str(), receipt.at)?;
            recorded += 1;
        }
    }
    Ok(recorded)
}
