//! Background work driven by database rows: registration verification, SMS delivery and
//! receipts, legal-worker sync, clean-up. Every job claims its rows with
//! `FOR UPDATE SKIP LOCKED`, so any number of instances can run them at once.

pub mod materials;
pub mod sms;

use std::time::Duration;

use diesel::PgConnection;

use crate::http::AppState;
use crate::services::registrations;
use crate::store::idempotency;

/// One round of every job; returns how many items were handled.
pub fn run_round(conn: &mut PgConnection, state: &AppState) -> anyhow::Result<usize> {
    let mut handled = 0;
    handled += registrations::verify_due(conn, &state.integrations)?;
    handled += sms::deliver_due(conn, &state.integrations)?;
    handled += sms::collect_receipts(conn, &state.integrations)?;
    handled += crate::services::legal_workers::sync_if_due_for(conn, state)?;
    handled += materials::clean_up(conn, &state.blobs)?;
    idempotency::purge_expired(conn)?;
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
