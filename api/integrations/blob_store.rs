//! The object store holding the bytes of uploaded materials: the local filesystem (under
//! the data directory) by default, or any S3-compatible store, through the `object_store`
//! library.
//!
//! Uploads are first streamed to a staging file (hashed and checked on the way), then moved
//! into the store under their final key: a rename on the local filesystem, a multipart
//! upload to S3. Nothing is ever held whole in memory.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{GetOptions, GetRange, ObjectStore, WriteMultipart};
use tokio::io::AsyncReadExt;

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

/// The store of material bytes.
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// The directory behind a local store, for moving staged files in by renaming.
    local_root: Option<PathBuf>,
    staging: PathBuf,
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobStore")
            .field("local_root", &self.local_root)
            .field("staging", &self.staging)
            .finish_non_exhaustive()
    }
}

/// Parts of a multipart upload to S3.
const PART_BYTES: usize = 8 << 20;

impl BlobStore {
    /// Opens the store; staged uploads go to `staging` (for a local store, keep it on the same
    /// filesystem as the root, so that moving a file in is a rename).
    pub fn open(config: &BlobStoreConfig, staging: PathBuf) -> anyhow::Result<BlobStore> {
        std::fs::create_dir_all(&staging).with_context(|| {
            format!("cannot create the staging directory {}", staging.display())
        })?;
        match config {
            BlobStoreConfig::Local { root } => {
                std::fs::create_dir_all(root)
                    .with_context(|| format!("cannot create the store {}", root.display()))?;
                let store = LocalFileSystem::new_with_prefix(root)?;
                Ok(BlobStore {
                    store: Arc::new(store),
                    local_root: Some(root.clone()),
                    staging,
                })
            }
            BlobStoreConfig::S3 {
                bucket,
                region,
                endpoint,
                access_key_id,
                secret_access_key,
            } => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region)
                    .with_access_key_id(access_key_id)
                    .with_secret_access_key(secret_access_key);
                if let Some(endpoint) = endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                Ok(BlobStore {
                    store: Arc::new(builder.build()?),
                    local_root: None,
                    staging,
                })
            }
        }
    }

    /// Where uploads are staged.
    pub fn staging_dir(&self) -> &Path {
        &self.staging
    }

    /// Moves a staged file into the store under `key`.
    pub async fn persist(&self, staged: &Path, key: &str) -> anyhow::Result<()> {
        if let Some(root) = &self.local_root {
            let target = root.join(key);
            let staged = staged.to_path_buf();
            return tokio::task::spawn_blocking(move || {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&staged, &target)?;
                anyhow::Ok(())
            })
            .await?;
        }
        let upload = self.store.put_multipart(&StorePath::from(key)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut file = tokio::fs::File::open(staged).await?;
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            let read = file.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            writer.wait_for_capacity(2).await?;
            writer.write(&buffer[..read]);
        }
        writer.finish().await?;
        tokio::fs::remove_file(staged).await?;
        Ok(())
    }

    /// Streams the bytes of `key` in `range` (all of it when `None`).
    pub async fn get(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> anyhow::Result<BoxStream<'static, std::io::Result<Bytes>>> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self.store.get_opts(&StorePath::from(key), options).await?;
        Ok(result.into_stream().map_err(std::io::Error::other).boxed())
    }

    /// Removes `key`; a missing blob is not an error.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&StorePath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Every blob under `prefix` with its last change.
    pub async fn list(&self, prefix: &str) -> anyhow::Result<Vec<(String, DateTime<Utc>)>> {
        let prefix = StorePath::from(prefix);
        self.store
            .list(Some(&prefix))
            .map_ok(|meta| (meta.location.to_string(), meta.last_modified))
            .try_collect()
            .await
            .map_err(Into::into)
    }
}
