//! Background work driven by database rows: registration verification, SMS delivery and
//! receipts, legal-worker sync, payment-notice expiry, clean-up. Every job claims its rows with
//! `FOR UPDATE SKIP LOCKED`, so any number of instances can run them at once.

pub mod fee_orders;
pub mod materials;
pub mod payments;
pub mod sms;

use std::time::Duration;

use diesel::PgConnection;

use crate::services::registrations;
use crate::state::AppState;
use crate::store::idempotency;

/// One round of every job; returns how many items were handled.
pub fn run_round(conn: &mut PgConnection, state: &AppState) -> anyhow::Result<usize> {
    // Each job runs whatever the others do: a failing one is logged and the rest go on.
    let mut handled = 0;
    let mut failures = 0;
    let mut tally = |job: &str, result: anyhow::Result<usize>| match result {
        Ok(count) => handled += count,
        Err(error) => {
            failures += 1;
            tracing::error!(job, error = %format!("{error:#}"), "background job failed");
        }
    };
    tally(
        "registration verification",
        registrations::verify_due(conn, &state.integrations),
    );
    tally("SMS delivery", sms::deliver_due(conn, &state.integrations));
    tally(
        "SMS receipts",
        sms::collect_receipts(conn, &state.integrations),
    );
    let hours = state.config.legal_worker_sync_hours;
    tally(
        "legal-worker sync",
        crate::services::legal_workers::sync_if_due(conn, &state.integrations, hours)
            .map_err(Into::into),
    );
    tally("material clean-up", materials::clean_up(conn, &state.blobs));
    tally("payment-notice reminders", fee_orders::remind_due(conn));
    tally("payment-notice expiry", fee_orders::expire_due(conn));
    tally(
        "payment status queries",
        payments::query_unconfirmed(
            conn,
            &state.integrations.payments,
            state.config.payment_query_after_seconds,
        ),
    );
    tally(
        "reconciliation",
        payments::reconcile_yesterday(conn, &state.integrations.payments),
    );
    tally(
        "refund retries",
        payments::retry_refunds(&state.pool, &state.integrations.payments),
    );
    tally(
        "idempotency purge",
        idempotency::purge_expired(conn)
            .map(|_| 0)
            .map_err(Into::into),
    );
    if failures == 11 {
        anyhow::bail!("every background job failed");
    }
    Ok(handled)
}

/// Runs rounds until one finds nothing to do (tests and the `jobs run` command use this).
/// Call it from a plain thread, not from inside an async runtime: jobs drive the object
/// store on a runtime of their own.
pub fn run_until_idle(state: &AppState) -> anyhow::Result<usize> {
    let mut conn = state.pool.get()?;
    let mut total = 0;
    for _ in 0..100 {
        let handled = run_round(&mut conn, state)?;
        total += handled;
        if handled == 0 {
            break;
        }
    }
    Ok(total)
}

/// Runs the jobs on a thread of their own until the process ends, pausing `interval`
/// between idle rounds. A failing round is logged and retried.
pub fn spawn(state: AppState, interval: Duration) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        loop {
            match run_until_idle(&state) {
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "background jobs failed")
                }
            }
            std::thread::sleep(interval);
        }
    })
}
