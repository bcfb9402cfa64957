//! Persistence: the connection pool, migrations, reference data and the queries of each
//! aggregate. Query functions take `&mut PgConnection`, so the caller owns the transaction.

pub mod accounts;
pub mod audit;
pub mod bindings;
pub mod case_numbers;
pub mod clients;
pub mod cluster;
pub mod codes;
pub mod fee_orders;
pub mod filings;
pub mod idempotency;
pub mod materials;
pub mod password_reset_requests;
pub mod payments;
pub mod reconciliation;
pub mod reference;
pub mod reference_data;
pub mod registered_cases;
pub mod registrations;
pub mod schema;
pub mod sessions;
pub mod sms;
pub mod sync_runs;
pub mod trial_feed;

use std::time::Duration;

use anyhow::Context;
use diesel::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The pool of database connections shared by request handlers and jobs.
pub type DbPool = Pool<ConnectionManager<PgConnection>>;
/// A connection taken from the pool.
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// The schema migrations, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Opens a pool of `size` connections to `url`, failing when the database cannot be
/// reached within `timeout`.
pub fn connect(url: &str, size: u32, timeout: Duration) -> anyhow::Result<DbPool> {
    let manager = ConnectionManager::<PgConnection>::new(url);
    Pool::builder()
        .max_size(size)
        .min_idle(Some(size.min(2)))
        .connection_timeout(timeout)
        .test_on_check_out(false)
        .build(manager)
        .with_context(|| format!("cannot connect to PostgreSQL at {}", redact_url(url)))
}

/// Brings the schema up to date and loads the reference data.
pub fn migrate(conn: &mut PgConnection) -> anyhow::Result<()> {
    conn.run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    reference_data::load(conn)?;
    Ok(())
}

/// A database URL with its password hidden, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or("");
            if credentials.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/efiling"),
            "postgres://app:***@db:5432/efiling"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(redact_url("host=/tmp dbname=x"), "host=/tmp dbname=x");
    }
}
