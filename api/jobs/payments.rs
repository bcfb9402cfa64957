//! Payments whose notification never came are asked about at their platform; refunds the
//! platform could not be reached for are sent again.

use chrono::{Duration, Utc};
use diesel::PgConnection;

use crate::domain::working_days;
use crate::integrations::PaymentPlatforms;
use crate::services::{payments, reconciliation};
use crate::store::DbPool;

/// How long a refund waits before it is sent again.
const REFUND_RETRY_AFTER: Duration = Duration::minutes(5);

/// One round of status queries; returns how many payments changed.
pub fn query_unconfirmed(
    conn: &mut PgConnection,
    platforms: &PaymentPlatforms,
    after_seconds: i64,
) -> anyhow::Result<usize> {
    payments::query_unconfirmed(
        conn,
        platforms,
        Duration::seconds(after_seconds),
        Utc::now(),
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// One round of refund retries; returns how many were sent again.
pub fn retry_refunds(pool: &DbPool, platforms: &PaymentPlatforms) -> anyhow::Result<usize> {
    payments::retry_pending_refunds(pool, platforms, REFUND_RETRY_AFTER, Utc::now())
        .map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// Compares yesterday's statements once; returns how many were compared.
pub fn reconcile_yesterday(
    conn: &mut PgConnection,
    platforms: &PaymentPlatforms,
) -> anyhow::Result<usize> {
    reconciliation::reconcile_due(conn, platforms, working_days::official(), Utc::now())
        .map_err(|e| anyhow::anyhow!("{e:?}"))
}
