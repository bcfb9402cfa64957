//! Keeping the material store tidy: materials never attached to a case are removed after a
//! day, blobs without a row (materials and password reset documents, left by a crash
//! between storing the bytes and writing the row) are removed, and so are abandoned staging
//! files.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::{Connection, PgConnection};
use serde_json::json;

use crate::integrations::blob_store::BlobStore;
use crate::store::audit::{self, Actor, Change};
use crate::store::{materials, password_reset_requests};

/// How long an unattached material is kept.
pub const UNATTACHED_HOURS: i64 = 24;
/// Blobs and staging files younger than this are left alone (an upload may be finishing).
pub const ORPHAN_MIN_AGE: Duration = Duration::from_secs(3600);
/// How often the store is listed for orphans.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// One round: stale materials, and now and then orphans; returns how many were removed.
pub fn clean_up(conn: &mut PgConnection, blobs: &BlobStore) -> anyhow::Result<usize> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut removed = remove_stale(conn, blobs, &runtime)?;

    static LAST_SWEEP: Mutex<Option<Instant>> = Mutex::new(None);
    let due = {
        let mut last = LAST_SWEEP.lock().unwrap_or_else(|e| e.into_inner());
        let due = last.is_none_or(|at| at.elapsed() >= SWEEP_EVERY);
        if due {
            *last = Some(Instant::now());
        }
        due
    };
    if due {
        removed += sweep_orphans(conn, blobs, &runtime, ORPHAN_MIN_AGE)?;
        remove_abandoned_staging(blobs, ORPHAN_MIN_AGE);
    }
    Ok(removed)
}

fn remove_stale(
    conn: &mut PgConnection,
    blobs: &BlobStore,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<usize> {
    let cutoff = Utc::now() - chrono::Duration::hours(UNATTACHED_HOURS);
    let stale = conn.transaction::<_, anyhow::Error, _>(|conn| {
        let stale = materials::delete_stale_unattached(conn, cutoff, 100)?;
        for material in &stale {
            audit::record(
                conn,
                &Actor::system("material_clean_up"),
                &Change {
                    action: "material.expired",
                    subject_type: "material",
                    subject_id: &material.id.to_string(),
                    details: json!({"reason": "not attached within 24 hours"}),
                },
            )?;
        }
        Ok(stale)
    })?;
    for material in &stale {
        if let Err(error) = runtime.block_on(blobs.delete(&material.storage_key)) {
            tracing::warn!(error = %error, "blob left for the sweeper");
        }
    }
    Ok(stale.len())
}

/// The rows that name the blobs under a prefix: which of the given keys have one.
type KnownKeys = fn(&mut PgConnection, &[String]) -> diesel::QueryResult<Vec<String>>;

/// Removes blobs older than `min_age` that no row names (materials under `materials/`,
/// password reset documents under `password-reset-documents/`); returns how many.
pub fn sweep_orphans(
    conn: &mut PgConnection,
    blobs: &BlobStore,
    runtime: &tokio::runtime::Runtime,
    min_age: Duration,
) -> anyhow::Result<usize> {
    let cutoff = Utc::now() - chrono::Duration::from_std(min_age)?;
    let prefixes: [(&str, KnownKeys); 2] = [
        ("materials", materials::existing_keys),
        (
            password_reset_requests::STORAGE_PREFIX,
            password_reset_requests::existing_keys,
        ),
    ];
    let mut removed = 0;
    for (prefix, existing_keys) in prefixes {
        let old: Vec<String> = runtime
            .block_on(blobs.list(prefix))?
            .into_iter()
            .filter(|(_, modified)| *modified < cutoff)
            .map(|(key, _)| key)
            .collect();
        for chunk in old.chunks(500) {
            let known = existing_keys(conn, chunk)?;
            for key in chunk.iter().filter(|k| !known.contains(k)) {
                runtime.block_on(blobs.delete(key))?;
                tracing::info!(key = %key, "removed a blob without a row");
                removed += 1;
            }
        }
    }
    Ok(removed)
}

fn remove_abandoned_staging(blobs: &BlobStore, min_age: Duration) {
    let Ok(entries) = std::fs::read_dir(blobs.staging_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age >= min_age);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
