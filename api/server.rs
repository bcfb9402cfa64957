//! Wiring for the command line: find or start the database, migrate, serve.

use std::path::Path;

use anyhow::Context;
use diesel::sql_types::{Bool, Text};
use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::config::Config;
use crate::http::metrics::Metrics;
use crate::http::{self, AppState};
use crate::store::cluster::{ClusterOptions, LocalCluster, PgBinaries};
use crate::store::{self, DbPool};

/// Name of the database the embedded cluster holds.
const EMBEDDED_DATABASE: &str = "efiling";

/// The database the service talks to, and the embedded cluster behind it when there is one.
pub struct Database {
    pub url: String,
    pub cluster: Option<LocalCluster>,
}

impl Database {
    /// Uses `DATABASE_URL` when set; otherwise starts (creating on first use) the embedded
    /// cluster under the data directory.
    pub fn open(config: &Config) -> anyhow::Result<Database> {
        if let Some(url) = &config.database_url {
            return Ok(Database {
                url: url.clone(),
                cluster: None,
            });
        }
        let binaries = PgBinaries::locate(config.pg_bin.as_deref())?;
        let data_dir = absolute(&config.data_dir.join("postgres"))?;
        let cluster = LocalCluster::ensure_running(
            binaries,
            ClusterOptions {
                data_dir,
                port: config.embedded_pg_port,
                ephemeral: false,
            },
        )?;
        ensure_database(&cluster.url("postgres"), EMBEDDED_DATABASE)?;
        tracing::info!(
            port = config.embedded_pg_port,
            "embedded PostgreSQL is running"
        );
        Ok(Database {
            url: cluster.url(EMBEDDED_DATABASE),
            cluster: Some(cluster),
        })
    }

    /// Stops the embedded cluster if this process started it.
    pub fn close(mut self) {
        if let Some(cluster) = self.cluster.as_mut()
            && let Err(error) = cluster.stop()
        {
            tracing::warn!(error = %error, "could not stop the embedded PostgreSQL");
        }
    }
}

/// Creates database `name` on the server at `admin_url` unless it exists.
pub fn ensure_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = Bool)]
        exists: bool,
    }
    let mut conn = PgConnection::establish(admin_url)
        .with_context(|| format!("cannot connect to {}", store::redact_url(admin_url)))?;
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(name)
            .get_result(&mut conn)?;
    if !found.exists {
        diesel::sql_query(format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\"")))
            .execute(&mut conn)?;
    }
    Ok(())
}

fn absolute(path: &Path) -> anyhow::Result<std::path::PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    Ok(std::env::current_dir()?.join(path))
}

/// Applies the migrations and loads the reference data.
pub fn migrate(url: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::establish(url)
        .with_context(|| format!("cannot connect to {}", store::redact_url(url)))?;
    store::migrate(&mut conn)
}

/// Refuses to serve a database whose schema is behind this binary: every request would
/// fail. The fix is `efiling migrate`.
fn refuse_pending_migrations(url: &str) -> anyhow::Result<()> {
    use diesel_migrations::MigrationHarness;
    let mut conn = PgConnection::establish(url)
        .with_context(|| format!("cannot connect to {}", store::redact_url(url)))?;
    let pending = conn
        .pending_migrations(store::MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("cannot read the applied migrations: {e}"))?;
    if !pending.is_empty() {
        anyhow::bail!(
            "the database is missing {} migration(s); run `efiling migrate` first \
             (or set EFILING_MIGRATE_ON_START=true)",
            pending.len()
        );
    }
    Ok(())
}

/// Runs the HTTP server until it is told to stop (Ctrl-C or SIGTERM), then stops the
/// embedded database if it started one.
pub fn serve(config: Config) -> anyhow::Result<()> {
    let database = Database::open(&config)?;
    let result = actix_web::rt::System::new().block_on(serve_with(&config, &database.url));
    database.close();
    result
}

async fn serve_with(config: &Config, database_url: &str) -> anyhow::Result<()> {
    let embedded = config.database_url.is_none();
    if config.migrate_on_start.unwrap_or(embedded) {
        migrate(database_url)?;
        tracing::info!("migrations applied and reference data loaded");
    } else {
        refuse_pending_migrations(database_url)?;
    }
    let pool: DbPool = store::connect(database_url, config.db_pool_size, config.db_timeout)?;
    let metrics = actix_web::web::Data::new(Metrics::new()?);
    if config.token_secret.is_none() {
        tracing::warn!("EFILING_TOKEN_SECRET is unset: sessions end when this process stops");
    }
    let integrations = crate::integrations::Integrations::from_env()?;
    let state = AppState::new(pool, config.clone())?.with_integrations(integrations);
    if config.run_jobs {
        crate::jobs::spawn(state.clone(), config.job_interval);
    }
    if config.dev_endpoints && state.integrations.payments.all_simulated() {
        tracing::warn!(
            "payment simulators' development endpoints are served under /dev/payment-simulator: anyone can mark payments paid (set EFILING_DEV_ENDPOINTS=false outside development)"
        );
    }

    let mut server = actix_web::HttpServer::new(move || http::app(state.clone(), metrics.clone()));
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    let server = server
        .bind(config.listen)
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    tracing::info!(listen = %config.listen, "serving on http://{}", config.listen);
    server.run().await?;
    tracing::info!("stopped");
    Ok(())
}
