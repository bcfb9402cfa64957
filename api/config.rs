//! Configuration, read from environment variables (a `.env` file is read in development).
//!
//! Every variable is listed in the README with its default; keep the two in step.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

/// Settings of one service instance.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: the PostgreSQL server to use. When unset, the service runs an
    /// embedded cluster of its own under `data_dir`.
    pub database_url: Option<String>,
    /// `EFILING_LISTEN`: address the HTTP server binds.
    pub listen: SocketAddr,
    /// `EFILING_DATA_DIR`: where local state lives (the embedded cluster).
    pub data_dir: PathBuf,
    /// `EFILING_PG_BIN`: directory holding `initdb`, `pg_ctl` and `postgres`; searched for
    /// when unset.
    pub pg_bin: Option<PathBuf>,
    /// `EFILING_PG_PORT`: TCP port of the embedded cluster on 127.0.0.1.
    pub embedded_pg_port: u16,
    /// `EFILING_DB_POOL_SIZE`: connections in the database pool.
    pub db_pool_size: u32,
    /// `EFILING_DB_TIMEOUT_MS`: how long a request waits for a pooled connection.
    pub db_timeout: Duration,
    /// `EFILING_WORKERS`: HTTP worker threads (0 = one per core).
    pub workers: usize,
    /// `EFILING_JSON_LIMIT_BYTES`: largest JSON body accepted.
    pub json_limit_bytes: usize,
    /// `EFILING_LOG_FORMAT`: `json` (default) or `pretty`.
    pub log_format: LogFormat,
    /// `EFILING_MIGRATE_ON_START`: run migrations and load reference data at start
    /// (default true in development, i.e. when the embedded cluster is used).
    pub migrate_on_start: Option<bool>,
    /// `EFILING_TOKEN_SECRET`: key (at least 32 bytes) signing access tokens and hashing
    /// one-time codes; every instance must share it. Unset: a random key per process.
    pub token_secret: Option<String>,
    /// `EFILING_TOKEN_KEY_ID`: key id written into access tokens, changed when rotating.
    pub token_key_id: String,
    /// `EFILING_ACCESS_TOKEN_TTL_SECONDS`: lifetime of access tokens.
    pub access_token_ttl_seconds: i64,
    /// `EFILING_REFRESH_TOKEN_TTL_DAYS`: lifetime of refresh tokens.
    pub refresh_token_ttl_days: i64,
    /// `EFILING_TRUST_FORWARDED_FOR`: take the client address from `X-Forwarded-For`
    /// (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// `EFILING_LOGIN_SLOWDOWN_MS`: extra wait per failed login beyond the first few, before
    /// the lock.
    pub login_slowdown: Duration,
    /// `EFILING_CORS_ALLOWED_ORIGINS`: origins (comma-separated, e.g.
    /// `https://efiling.example.cn`) whose browser pages may call the API; empty: none.
    pub cors_allowed_origins: Vec<String>,
    /// `EFILING_MAX_UPLOAD_BYTES`: largest file accepted as a material.
    pub max_upload_bytes: u64,
    /// Where material bytes are kept (`EFILING_MATERIALS_STORE` and the `EFILING_S3_*`
    /// variables).
    pub materials_store: BlobStoreConfig,
    /// `EFILING_RUN_JOBS`: run the background jobs in this instance.
    pub run_jobs: bool,
    /// `EFILING_JOB_INTERVAL_MS`: pause between rounds of background work.
    pub job_interval: Duration,
    /// `EFILING_LEGAL_WORKER_SYNC_HOURS`: the background jobs pull the justice department's
    /// list of legal workers when the last pull started more than this many hours ago.
    pub legal_worker_sync_hours: i64,
    /// `EFILING_PAYMENT_QUERY_AFTER_SECONDS`: a payment without a notification this long
    /// after it started (and after each query since) is asked about at its platform.
    pub payment_query_after_seconds: i64,
    /// `EFILING_VOUCHER_FONT`: the CJK font (.ttf, .otf or .ttc) payment vouchers are
    /// written in; unset: the first known system font (Debian's fonts-wqy-microhei, …).
    pub voucher_font: Option<PathBuf>,
    /// `EFILING_DEV_ENDPOINTS`: serve the development endpoints that drive the payment
    /// simulators (only while every payment platform is simulated). Default: on with the
    /// embedded database (development), off with `DATABASE_URL`.
    pub dev_endpoints: bool,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl Config {
    /// Reads the configuration from the environment, refusing malformed values with a
    /// message that names the variable.
    pub fn from_env() -> anyhow::Result<Config> {
        let data_dir = PathBuf::from(var("EFILING_DATA_DIR").unwrap_or_else(|| ".data".into()));
        Ok(Config {
            max_upload_bytes: u64::try_from(positive("EFILING_MAX_UPLOAD_BYTES", "52428800")?)
                .unwrap_or(52_428_800),
            materials_store: BlobStoreConfig::from_env(&data_dir)?,
            database_url: var("DATABASE_URL").filter(|v| !v.trim().is_empty()),
            listen: parse_listen()?,
            data_dir,
            pg_bin: var("EFILING_PG_BIN")
                .filter(|v| !v.trim().is_empty())
                .map(PathBuf::from),
            embedded_pg_port: parse_var("EFILING_PG_PORT", "54329")?,
            db_pool_size: u32::try_from(positive("EFILING_DB_POOL_SIZE", "16")?)
                .context("EFILING_DB_POOL_SIZE is too large")?,
            db_timeout: Duration::from_millis(
                u64::try_from(positive("EFILING_DB_TIMEOUT_MS", "5000")?).unwrap_or(5000),
            ),
            workers: parse_var("EFILING_WORKERS", "0")?,
            json_limit_bytes: parse_var("EFILING_JSON_LIMIT_BYTES", "1048576")?,
            log_format: match var("EFILING_LOG_FORMAT").as_deref().unwrap_or("json") {
                "json" => LogFormat::Json,
                "pretty" => LogFormat::Pretty,
                other => bail!("EFILING_LOG_FORMAT must be json or pretty, not {other:?}"),
            },
            migrate_on_start: match var("EFILING_MIGRATE_ON_START") {
                None => None,
                Some(v) => Some(parse_bool(&v).context("EFILING_MIGRATE_ON_START")?),
            },
            token_secret: match var("EFILING_TOKEN_SECRET").filter(|v| !v.is_empty()) {
                Some(secret) if secret.len() < 32 => {
                    bail!("EFILING_TOKEN_SECRET must be at least 32 bytes long")
                }
                other => other,
            },
            token_key_id: var("EFILING_TOKEN_KEY_ID").unwrap_or_else(|| "k1".into()),
            access_token_ttl_seconds: positive("EFILING_ACCESS_TOKEN_TTL_SECONDS", "900")?,
            refresh_token_ttl_days: positive("EFILING_REFRESH_TOKEN_TTL_DAYS", "30")?,
            trust_forwarded_for: parse_bool(
                &var("EFILING_TRUST_FORWARDED_FOR").unwrap_or_else(|| "false".into()),
            )
            .context("EFILING_TRUST_FORWARDED_FOR")?,
            login_slowdown: Duration::from_millis(parse_var("EFILING_LOGIN_SLOWDOWN_MS", "1000")?),
            cors_allowed_origins: parse_origins(
                &var("EFILING_CORS_ALLOWED_ORIGINS").unwrap_or_default(),
            )?,
            run_jobs: parse_bool(&var("EFILING_RUN_JOBS").unwrap_or_else(|| "true".into()))
                .context("EFILING_RUN_JOBS")?,
            job_interval: Duration::from_millis(parse_var("EFILING_JOB_INTERVAL_MS", "1000")?),
            legal_worker_sync_hours: positive("EFILING_LEGAL_WORKER_SYNC_HOURS", "24")?,
            payment_query_after_seconds: positive("EFILING_PAYMENT_QUERY_AFTER_SECONDS", "300")?,
            dev_endpoints: match var("EFILING_DEV_ENDPOINTS").filter(|v| !v.trim().is_empty()) {
                Some(value) => parse_bool(&value).context("EFILING_DEV_ENDPOINTS")?,
                None => var("DATABASE_URL").is_none_or(|v| v.trim().is_empty()),
            },
            voucher_font: var("EFILING_VOUCHER_FONT")
                .filter(|v| !v.trim().is_empty())
                .map(PathBuf::from),
        })
    }

    /// A configuration for tests and tools: defaults, with the given database.
    pub fn for_database(database_url: String) -> Config {
        Config {
            max_upload_bytes: 52_428_800,
            materials_store: BlobStoreConfig::Local {
                root: PathBuf::from(".data").join("materials"),
            },
            database_url: Some(database_url),
            listen: ([127, 0, 0, 1], 0).into(),
            data_dir: PathBuf::from(".data"),
            pg_bin: None,
            embedded_pg_port: 54329,
            db_pool_size: 4,
            db_timeout: Duration::from_secs(10),
            workers: 1,
            json_limit_bytes: 1 << 20,
            log_format: LogFormat::Json,
            migrate_on_start: Some(false),
            token_secret: None,
            token_key_id: "k1".into(),
            access_token_ttl_seconds: 900,
            refresh_token_ttl_days: 30,
            trust_forwarded_for: false,
            login_slowdown: Duration::ZERO,
            cors_allowed_origins: Vec::new(),
            run_jobs: false,
            job_interval: Duration::from_millis(100),
            legal_worker_sync_hours: 24,
            payment_query_after_seconds: 300,
            voucher_font: None,
            dev_endpoints: true,
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn parse_var<T>(name: &str, default: &str) -> anyhow::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let raw = var(name).unwrap_or_else(|| default.to_owned());
    raw.trim()
        .parse()
        .map_err(|e| anyhow::anyhow!("{name}={raw:?} is not valid: {e}"))
}

/// The listen address: `host:port` with an IP address, or `localhost:port`.
fn parse_listen() -> anyhow::Result<SocketAddr> {
    let raw = var("EFILING_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    listen_address(&raw).map_err(|_| {
        anyhow::anyhow!("EFILING_LISTEN={raw:?} is not an address like 127.0.0.1:8080")
    })
}

/// Reads `host:port` with an IP address, or `localhost:port`.
pub fn listen_address(raw: &str) -> Result<SocketAddr, std::net::AddrParseError> {
    let text = raw.trim();
    let text = match text.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}"),
        None => text.to_owned(),
    };
    text.parse()
}

/// Origins like `https://host[:port]`, without a path.
fn parse_origins(raw: &str) -> anyhow::Result<Vec<String>> {
    raw.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let rest = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains('/') => Ok(origin.to_owned()),
                _ => bail!(
                    "EFILING_CORS_ALLOWED_ORIGINS: {origin:?} is not an origin like https://host"
                ),
            }
        })
        .collect()
}

fn positive(name: &str, default: &str) -> anyhow::Result<i64> {
    let value: i64 = parse_var(name, default)?;
    if value <= 0 {
        bail!("{name} must be positive, not {value}");
    }
    Ok(value)
}

fn parse_bool(value: &str) -> anyhow::Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => bail!("expected true or false, not {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_and_host_only() {
        assert_eq!(
            parse_origins(" https://a.cn, http://localhost:3000 ,").unwrap(),
            ["https://a.cn", "http://localhost:3000"]
        );
        assert!(parse_origins("a.cn").is_err());
        assert!(parse_origins("https://a.cn/path").is_err());
        assert!(parse_origins("").unwrap().is_empty());
    }

    #[test]
    fn booleans_accept_the_usual_spellings() {
        for yes in ["1", "true", "TRUE", " yes ", "on"] {
            assert!(parse_bool(yes).unwrap(), "{yes}");
        }
        for no in ["0", "false", "No", "off"] {
            assert!(!parse_bool(no).unwrap(), "{no}");
        }
        assert!(parse_bool("maybe").is_err());
    }
}

/// Where blobs are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobStoreConfig {
    /// A directory on the local filesystem.
    Local { root: PathBuf },
    /// An S3-compatible bucket.
    S3 {
        bucket: String,
        region: String,
        /// For stores other than AWS (MinIO, a local test server).
        endpoint: Option<String>,
        access_key_id: String,
        secret_access_key: String,
    },
}

impl BlobStoreConfig {
    /// Reads `EFILING_MATERIALS_STORE` (`local` or `s3`) and, for S3, `EFILING_S3_BUCKET`,
    /// `EFILING_S3_REGION` (default `us-east-1`), `EFILING_S3_ENDPOINT`,
    /// `EFILING_S3_ACCESS_KEY_ID` and `EFILING_S3_SECRET_ACCESS_KEY`.
    pub fn from_env(data_dir: &Path) -> anyhow::Result<BlobStoreConfig> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        match var("EFILING_MATERIALS_STORE").as_deref().unwrap_or("local") {
            "local" => Ok(BlobStoreConfig::Local {
                root: data_dir.join("materials"),
            }),
            "s3" => Ok(BlobStoreConfig::S3 {
                bucket: var("EFILING_S3_BUCKET")
                    .context("EFILING_S3_BUCKET is required when EFILING_MATERIALS_STORE=s3")?,
                region: var("EFILING_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                endpoint: var("EFILING_S3_ENDPOINT"),
                access_key_id: var("EFILING_S3_ACCESS_KEY_ID").context(
                    "EFILING_S3_ACCESS_KEY_ID is required when EFILING_MATERIALS_STORE=s3",
                )?,
                secret_access_key: var("EFILING_S3_SECRET_ACCESS_KEY").context(
                    "EFILING_S3_SECRET_ACCESS_KEY is required when EFILING_MATERIALS_STORE=s3",
                )?,
            }),
            other => bail!("EFILING_MATERIALS_STORE must be local or s3, not {other:?}"),
        }
    }
}
