//! The object store holding the bytes of uploaded materials: the local filesystem (under
//! the data directory) by default, or any S3-compatible store, through the `object_store`
//! library.
//!
//! Uploads are first streamed to a staging file (hashed and checked on the way), then moved
//! into the store under their final key: a rename on the local filesystem, a multipart
//! upload to S3 (parts of 8 MiB, at most two in flight; an upload that fails is aborted, so
//! that no parts are left behind). Nothing is ever held whole in memory.
//!
//! Downloads stream from the store as fast as the client takes them: a download is not cut
//! off after a fixed time, only when the store falls silent for 30 seconds.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ClientOptions, GetOptions, GetRange, MultipartUpload, ObjectStore, PutPayload};
use tokio::io::AsyncReadExt;
use tokio::task::JoinSet;

pub use crate::config::BlobStoreConfig;

/// The store of material bytes.
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// The same store for downloads: without the client's overall request timeout, which
    /// would cut off (and make the client re-request) a download that a slow client takes
    /// longer than that to read; [`BlobStore::get`] bounds the silences instead.
    reader: Arc<dyn ObjectStore>,
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
/// Parts of one upload being sent at once.
const PARTS_IN_FLIGHT: usize = 2;
/// How long a download waits for the store: for the answer, and then for each next chunk
/// (counted only while the client is ready for more).
const STORE_TIMEOUT: Duration = Duration::from_secs(30);

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
                let store: Arc<dyn ObjectStore> = Arc::new(LocalFileSystem::new_with_prefix(root)?);
                Ok(BlobStore {
                    reader: Arc::clone(&store),
                    store,
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
                let build = |options: ClientOptions| {
                    // The client options first: setting them replaces `allow_http`.
                    let mut builder = AmazonS3Builder::new()
                        .with_client_options(options)
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
                    builder.build()
                };
                Ok(BlobStore {
                    store: Arc::new(build(ClientOptions::new())?),
                    reader: Arc::new(build(ClientOptions::new().with_timeout_disabled())?),
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
        let location = StorePath::from(key);
        let mut file = tokio::fs::File::open(staged)
            .await
            .with_context(|| format!("cannot open the staged file {}", staged.display()))?;
        if file.metadata().await?.len() == 0 {
            // A multipart upload needs at least one part.
            self.store.put(&location, PutPayload::new()).await?;
        } else {
            let mut upload = self.store.put_multipart(&location).await?;
            let sent = match send_parts(&mut file, upload.as_mut()).await {
                Ok(()) => upload
                    .complete()
                    .await
                    .map(drop)
                    .map_err(anyhow::Error::from),
                Err(error) => Err(error),
            };
            if let Err(error) = sent {
                // Otherwise the parts sent so far stay in the bucket (and are billed).
                if let Err(abort) = upload.abort().await {
                    tracing::warn!(error = %abort, key, "a failed multipart upload was not aborted");
                }
                return Err(error.context(format!("cannot upload {key} to the store")));
            }
        }
        // The blob is stored: a staging file left behind is removed by the clean-up job.
        if let Err(error) = tokio::fs::remove_file(staged).await {
            tracing::warn!(error = %error, path = %staged.display(), "staging file left behind");
        }
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
        let result = tokio::time::timeout(
            STORE_TIMEOUT,
            self.reader.get_opts(&StorePath::from(key), options),
        )
        .await
        .map_err(|_| anyhow::anyhow!("the store did not answer for {key} in time"))??;
        Ok(with_idle_timeout(result.into_stream(), STORE_TIMEOUT))
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

/// Sends the rest of `file` as parts of `upload`, a few at a time; returns once every part
/// is stored (the upload still to be completed) or one failed (still to be aborted).
async fn send_parts(
    file: &mut tokio::fs::File,
    upload: &mut dyn MultipartUpload,
) -> anyhow::Result<()> {
    let mut in_flight: JoinSet<object_store::Result<()>> = JoinSet::new();
    let outcome = async {
        loop {
            let mut part = Vec::with_capacity(PART_BYTES);
            (&mut *file)
                .take(PART_BYTES as u64)
                .read_to_end(&mut part)
                .await?;
            if part.is_empty() {
                break;
            }
            while in_flight.len() >= PARTS_IN_FLIGHT {
                if let Some(sent) = in_flight.join_next().await {
                    sent??;
                }
            }
            // Parts are numbered in the order they are handed over, not sent.
            in_flight.spawn(upload.put_part(PutPayload::from(Bytes::from(part))));
        }
        while let Some(sent) = in_flight.join_next().await {
            sent??;
        }
        anyhow::Ok(())
    }
    .await;
    if outcome.is_err() {
        in_flight.shutdown().await;
    }
    outcome
}

/// Ends `stream` with a `TimedOut` error when the store sends nothing for `idle` while it
/// is being read.
fn with_idle_timeout(
    stream: BoxStream<'static, object_store::Result<Bytes>>,
    idle: Duration,
) -> BoxStream<'static, std::io::Result<Bytes>> {
    futures_util::stream::unfold(Some(stream), move |stream| async move {
        let mut stream = stream?;
        match tokio::time::timeout(idle, stream.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(stream))),
            Ok(Some(Err(error))) => Some((Err(std::io::Error::other(error)), None)),
            Ok(None) => None,
            Err(_) => Some((
                Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("the store sent nothing for {}s", idle.as_secs()),
                )),
                None,
            )),
        }
    })
    .boxed()
}
