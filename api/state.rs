//! What request handlers and background jobs share: the database pool, configuration,
//! token keys, the outside systems and the material store.

use std::sync::{Arc, OnceLock};

use actix_web::web;
use diesel::{Connection, PgConnection};

use crate::auth::tokens::TokenKeys;
use crate::config::Config;
use crate::documents::voucher::VoucherFont;
use crate::domain::catalogue::Catalogue;
use crate::errors::{ApiError, Code};
use crate::integrations::Integrations;
use crate::integrations::blob_store::BlobStore;
use crate::store::{DbPool, reference};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub tokens: Arc<TokenKeys>,
    /// The outside systems (simulated unless configured otherwise).
    pub integrations: Integrations,
    /// Where material bytes are kept.
    pub blobs: Arc<BlobStore>,
    /// The reference data filings are checked against, read on first use.
    catalogue: Arc<OnceLock<Arc<Catalogue>>>,
    /// The font of payment vouchers, read on first use.
    voucher_font: Arc<OnceLock<Result<VoucherFont, String>>>,
}

impl AppState {
    /// State over `pool`; token keys come from the configured secret, or are random for
    /// this process when none is configured.
    pub fn new(pool: DbPool, config: Config) -> anyhow::Result<AppState> {
        let refresh_ttl = config.refresh_token_ttl_days * 86_400;
        let tokens = match &config.token_secret {
            Some(secret) => TokenKeys::new(
                &config.token_key_id,
                secret.as_bytes(),
                config.access_token_ttl_seconds,
                refresh_ttl,
            )?,
            None => TokenKeys::random(config.access_token_ttl_seconds, refresh_ttl),
        };
        let blobs = BlobStore::open(&config.materials_store, config.data_dir.join("uploads"))?;
        Ok(AppState {
            pool,
            config: Arc::new(config),
            tokens: Arc::new(tokens),
            integrations: Integrations::simulated(),
            blobs: Arc::new(blobs),
            catalogue: Arc::default(),
            voucher_font: Arc::default(),
        })
    }

    /// The same state talking to other outside systems.
    pub fn with_integrations(self, integrations: Integrations) -> AppState {
        AppState {
            integrations,
            ..self
        }
    }

    /// The reference data filings are checked against. It changes only when the service is
    /// deployed, so it is read once per process.
    pub fn catalogue(&self, conn: &mut PgConnection) -> Result<Arc<Catalogue>, ApiError> {
        if let Some(catalogue) = self.catalogue.get() {
            return Ok(catalogue.clone());
        }
        let loaded = Arc::new(reference::load_catalogue(conn)?);
        Ok(self.catalogue.get_or_init(|| loaded).clone())
    }

    /// The font of payment vouchers; a missing font is a 503 whose cause is logged.
    pub fn voucher_font(&self) -> Result<VoucherFont, ApiError> {
        self.voucher_font
            .get_or_init(|| {
                VoucherFont::locate(self.config.voucher_font.as_deref()).map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|reason| {
                ApiError::new(Code::VoucherUnavailable).with_cause(anyhow::anyhow!(reason))
            })
    }

    /// Runs `work` with a pooled connection on the blocking pool (diesel is synchronous and
    /// must never run on an HTTP worker), inside the caller's tracing span.
    pub async fn with_conn<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(ApiError::unavailable)?;
            work(&mut conn)
        })
        .await?
    }

    /// Runs `work` on the blocking pool, inside the caller's tracing span, without a
    /// connection: for work that calls an outside system and takes connections only around
    /// those calls.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&DbPool) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            work(&pool)
        })
        .await?
    }

    /// Like [`AppState::with_conn`], inside one transaction that commits when `work`
    /// succeeds and rolls back when it fails: nothing is ever half-written.
    pub async fn transaction<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    {
        self.with_conn(move |conn| conn.transaction(work)).await
    }
}
