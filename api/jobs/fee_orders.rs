//! Payment notices that ran out unpaid become expired; the judge then issues a new one.

use chrono::Utc;
use diesel::{Connection, PgConnection};
use serde_json::json;

use crate::store::audit::{self, Actor, Change};
use crate::store::fee_orders;

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
