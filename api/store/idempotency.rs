//! Stored first answers for requests sent with an `Idempotency-Key`.
//!
//! A key is claimed before the request runs and completed with its answer afterwards. A
//! claim lapses after a lease, so a request that crashed half-way does not block its key for
//! ever; a completed key is kept for [`RETENTION`] and then may be used again.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Bytea, Interval, Text};
use serde_json::Value;

use super::schema::idempotency_keys;

/// How long a completed answer is replayed.
pub const RETENTION_HOURS: i64 = 24;

/// The outcome of trying to claim a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours: run the request, then [`complete`] or [`release`] it.
    Acquired,
    /// The key was used before with the same request: answer with this again.
    Replay(StoredResponse),
    /// The key was used before with a different request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// An answer kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// Header name and value pairs.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Who sent the request, and with which key.
#[derive(Debug, Clone, Copy)]
pub struct KeyRef<'a> {
    pub principal: &'a str,
    pub key: &'a str,
}

/// Claims `key` for a request whose fingerprint is `request_hash`, for `lease_seconds`.
pub fn claim(
    conn: &mut PgConnection,
    key: KeyRef<'_>,
    request_hash: &[u8],
    method: &str,
    path: &str,
    lease_seconds: i64,
) -> QueryResult<Claim> {
    #[derive(QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        #[expect(dead_code, reason = "only the presence of the row matters")]
        claimed: bool,
    }

    let lease = diesel::data_types::PgInterval::from_microseconds(lease_seconds * 1_000_000);
    let retention =
        diesel::data_types::PgInterval::from_microseconds(RETENTION_HOURS * 3_600 * 1_000_000);
    // A stale claim with the same request is taken over; an answer past its retention is
    // forgotten and the key starts afresh.
    let claimed: Option<Claimed> = diesel::sql_query(
        "INSERT INTO idempotency_keys AS k
             (principal, key, request_hash, method, path, locked_until)
         VALUES ($1, $2, $3, $4, $5, now() + $6)
         ON CONFLICT (principal, key) DO UPDATE SET
             request_hash = EXCLUDED.request_hash, method = EXCLUDED.method,
             path = EXCLUDED.path, locked_until = EXCLUDED.locked_until,
             response_status = NULL, response_headers = NULL, response_body = NULL,
             completed_at = NULL, created_at = now()
         WHERE (k.completed_at IS NULL AND k.locked_until < now()
                AND k.request_hash = EXCLUDED.request_hash)
            OR k.created_at < now() - $7
         RETURNING true AS claimed",
    )
    .bind::<Text, _>(key.principal)
    .bind::<Text, _>(key.key)
    .bind::<Bytea, _>(request_hash)
    .bind::<Text, _>(method)
    .bind::<Text, _>(path)
    .bind::<Interval, _>(lease)
    .bind::<Interval, _>(retention)
    .get_result(conn)
    .optional()?;
    if claimed.is_some() {
        return Ok(Claim::Acquired);
    }

    let existing: Option<ExistingKey> = idempotency_keys::table
        .find((key.principal, key.key))
        .select(ExistingKey::as_select())
        .first(conn)
        .optional()?;
    let Some(existing) = existing else {
        // Released between our insert and this read: the first request failed; let the
        // client retry.
        return Ok(Claim::InProgress);
    };
    if existing.request_hash != request_hash {
        return Ok(Claim::Mismatch);
    }
    match (existing.response_status, existing.response_body) {
        (Some(status), body) => Ok(Claim::Replay(StoredResponse {
            status: u16::try_from(status).unwrap_or(500),
            headers: headers_from_json(existing.response_headers.as_ref()),
            body: body.unwrap_or_default(),
        })),
        (None, _) => Ok(Claim::InProgress),
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
struct ExistingKey {
    request_hash: Vec<u8>,
    response_status: Option<i16>,
    response_headers: Option<Value>,
    response_body: Option<Vec<u8>>,
}

/// Stores the answer of a claimed key.
pub fn complete(
    conn: &mut PgConnection,
    key: KeyRef<'_>,
    response: &StoredResponse,
) -> QueryResult<()> {
    let headers = Value::Array(
        response
            .headers
            .iter()
            .map(|(name, value)| Value::from(vec![name.clone(), value.clone()]))
            .collect(),
    );
    diesel::update(idempotency_keys::table.find((key.principal, key.key)))
        .set((
            idempotency_keys::response_status.eq(i16::try_from(response.status).unwrap_or(500)),
            idempotency_keys::response_headers.eq(headers),
            idempotency_keys::response_body.eq(&response.body),
            idempotency_keys::completed_at.eq(diesel::dsl::now),
            idempotency_keys::locked_until.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives a claimed key up without an answer (the request failed on our side), so the
/// client's retry runs the request again.
pub fn release(conn: &mut PgConnection, key: KeyRef<'_>) -> QueryResult<()> {
    diesel::delete(
        idempotency_keys::table
            .find((key.principal, key.key))
            .filter(idempotency_keys::completed_at.is_null()),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes answers past their retention; returns how many.
pub fn purge_expired(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(
        idempotency_keys::created_at.lt(Utc::now() - chrono::Duration::hours(RETENTION_HOURS)),
    ))
    .execute(conn)
}

fn headers_from_json(value: Option<&Value>) -> Vec<(String, String)> {
    value
        .and_then(Value::as_array)
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| {
                    let pair = pair.as_array()?;
                    Some((
                        pair.first()?.as_str()?.to_owned(),
                        pair.get(1)?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}
