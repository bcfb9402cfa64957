//! The feed of filings to the trial-management system: rows written inside the transactions
//! of the changes they describe, read back in an order in which no row is ever skipped.
//!
//! # Why rows are read by `(txid, id)` and only below the oldest running transaction
//!
//! Ordering by the row id alone would lose rows. Ids come from a sequence when a row is
//! written, not when its transaction commits: transaction A may take id 7, transaction B
//! id 8, and B commit first. A reader that sees 8 and remembers "after 8" never sees 7 when
//! A commits a moment later. The same holds for any ordering a writer fixes before it
//! commits, so no ordering alone is enough: the reader must also know when nothing can still
//! appear before a position it hands out.
//!
//! Transaction ids give that. Each row records the id of the transaction that wrote it
//! (`txid`, the 64-bit id with epoch, so it never wraps). The reader's snapshot names the
//! oldest transaction still running, `xmin`: every transaction with a smaller id has
//! committed or rolled back, and every transaction that starts later gets a larger id. So
//! the set of rows with `txid < xmin` is final — nothing can ever be added to it — and it is
//! all visible to the snapshot that computed `xmin`. Handing out only those rows, ordered
//! by `(txid, id)`, means a position once passed can never be filled in later: a late
//! commit always lands after every position already handed out. Rows of a transaction
//! that is still running (or of one that started before it) wait until it ends.
//!
//! The cost is latency, not loss: a long transaction anywhere in the cluster holds the feed
//! back until it ends, because `xmin` is the cluster's.
//!
//! An event that follows from an earlier one (paid after docketed, say) comes after it:
//! every transaction that writes an event reads what it acts on, taking its locks, before it
//! writes anything, so it gets its transaction id only after the changes it builds on have
//! committed — and so a larger one than theirs.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde_json::Value;
use uuid::Uuid;

use super::schema::trial_system_feed;
use crate::domain::trial_feed::{FeedCursor, FeedEvent};

/// A feed row.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = trial_system_feed)]
pub struct FeedRow {
    pub id: i64,
    pub txid: i64,
    pub event: String,
    pub filing_id: Uuid,
    pub court_code: String,
    pub payload: Value,
    pub occurred_at: DateTime<Utc>,
}

impl FeedRow {
    /// The position of this row, to continue after it.
    pub fn cursor(&self) -> FeedCursor {
        FeedCursor {
            txid: self.txid,
            id: self.id,
        }
    }
}

/// A row to write; the transaction id is the writer's own.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = trial_system_feed)]
pub struct NewFeedRow<'a> {
    pub event: &'a str,
    pub filing_id: Uuid,
    pub court_code: &'a str,
    pub payload: &'a Value,
    pub occurred_at: DateTime<Utc>,
}

/// Writes a row in the caller's transaction.
pub fn insert(
    conn: &mut PgConnection,
    event: FeedEvent,
    filing_id: Uuid,
    court_code: &str,
    payload: &Value,
    occurred_at: DateTime<Utc>,
) -> QueryResult<FeedRow> {
    diesel::insert_into(trial_system_feed::table)
        .values(&NewFeedRow {
            event: event.as_str(),
            filing_id,
            court_code,
            payload,
            occurred_at,
        })
        .returning(FeedRow::as_returning())
        .get_result(conn)
}

/// Up to `limit` rows after `after` that no running transaction can precede any more, in
/// feed order (see the module documentation).
pub fn after(conn: &mut PgConnection, after: FeedCursor, limit: i64) -> QueryResult<Vec<FeedRow>> {
    // One statement, so that `xmin` and the rows come from the same snapshot.
    diesel::sql_query(
        "SELECT id, txid, event, filing_id, court_code, payload, occurred_at
         FROM trial_system_feed
         WHERE txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
           AND (txid, id) > ($1, $2)
         ORDER BY txid, id
         LIMIT $3",
    )
    .bind::<BigInt, _>(after.txid)
    .bind::<BigInt, _>(after.id)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// Whether the feed could have handed out `cursor`: the start, or a row older than every
/// running transaction. A cursor from the future would wait for ever and then skip what
/// came before it; one between rows would skip some.
pub fn could_have_given_out(conn: &mut PgConnection, cursor: FeedCursor) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Answer {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        possible: bool,
    }
    // Every cursor handed out is the position of a row the feed gave out (or the start).
    let answer: Answer = diesel::sql_query(
        "SELECT ($1 = 0 AND $2 = 0)
                OR ($1 < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                    AND EXISTS (SELECT 1 FROM trial_system_feed WHERE txid = $1 AND id = $2))
                AS possible",
    )
    .bind::<BigInt, _>(cursor.txid)
    .bind::<BigInt, _>(cursor.id)
    .get_result(conn)?;
    Ok(answer.possible)
}

/// Every row of a filing, in feed order, whether or not readers may have it yet.
pub fn for_filing(conn: &mut PgConnection, filing: Uuid) -> QueryResult<Vec<FeedRow>> {
    trial_system_feed::table
        .filter(trial_system_feed::filing_id.eq(filing))
        .order((trial_system_feed::txid, trial_system_feed::id))
        .select(FeedRow::as_select())
        .load(conn)
}
