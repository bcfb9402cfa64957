//! Sessions (refresh-token families), refresh tokens and the login throttle.

use chrono::{DateTime, Duration, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::accounts::AccountRow;
use super::schema::{accounts, login_throttle, refresh_tokens, session_families};

/// Opens a session for `account`.
pub fn create_family(conn: &mut PgConnection, account: Uuid, client: &str) -> QueryResult<Uuid> {
    let id = Uuid::new_v4();
    diesel::insert_into(session_families::table)
        .values((
            session_families::id.eq(id),
            session_families::account_id.eq(account),
            session_families::client.eq(client),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Stores a refresh token's hash in `family`.
pub fn insert_refresh_token(
    conn: &mut PgConnection,
    family: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(Uuid::new_v4()),
            refresh_tokens::family_id.eq(family),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A refresh token found by its hash, with its session.
#[derive(Debug, Clone, Queryable)]
pub struct RefreshTokenState {
    pub token_id: Uuid,
    pub family_id: Uuid,
    pub account_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub family_revoked_at: Option<DateTime<Utc>>,
}

/// The refresh token with this hash, its row locked so that two concurrent refreshes with
/// the same token cannot both succeed.
pub fn find_refresh_token_for_update(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<RefreshTokenState>> {
    refresh_tokens::table
        .inner_join(session_families::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::family_id,
            session_families::account_id,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            session_families::revoked_at,
        ))
        .for_update()
        .first(conn)
        .optional()
}

pub fn mark_refresh_token_used(conn: &mut PgConnection, token: Uuid) -> QueryResult<()> {
    diesel::update(refresh_tokens::table.find(token))
        .set(refresh_tokens::used_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(())
}

/// Ends a session; returns whether it was still open.
pub fn revoke_family(conn: &mut PgConnection, family: Uuid, reason: &str) -> QueryResult<bool> {
    let changed = diesel::update(
        session_families::table
            .find(family)
            .filter(session_families::revoked_at.is_null()),
    )
    .set((
        session_families::revoked_at.eq(Utc::now()),
        session_families::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}

/// Ends every session of an account except `keep`; returns how many.
pub fn revoke_all_for_account(
    conn: &mut PgConnection,
    account: Uuid,
    keep: Option<Uuid>,
    reason: &str,
) -> QueryResult<usize> {
    let mut query = diesel::update(session_families::table)
        .filter(session_families::account_id.eq(account))
        .filter(session_families::revoked_at.is_null())
        .into_boxed();
    if let Some(keep) = keep {
        query = query.filter(session_families::id.ne(keep));
    }
    query
        .set((
            session_families::revoked_at.eq(Utc::now()),
            session_families::revoked_reason.eq(reason),
        ))
        .execute(conn)
}

/// The account behind an access token, when its session is still open.
pub fn session_account(
    conn: &mut PgConnection,
    account: Uuid,
    family: Uuid,
) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .inner_join(session_families::table)
        .filter(accounts::id.eq(account))
        .filter(session_families::id.eq(family))
        .filter(session_families::revoked_at.is_null())
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// Failed-login bookkeeping for one key (a login name or a client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleState {
    pub failures: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The current state of `key` (failures in the window, lock).
pub fn throttle_state(
    conn: &mut PgConnection,
    key: &str,
    window: Duration,
) -> QueryResult<ThrottleState> {
    let row: Option<(i32, DateTime<Utc>, Option<DateTime<Utc>>)> = login_throttle::table
        .find(key)
        .select((
            login_throttle::failures,
            login_throttle::window_started_at,
            login_throttle::locked_until,
        ))
        .first(conn)
        .optional()?;
    let now = Utc::now();
    Ok(match row {
        Some((failures, started, locked)) if started + window > now => ThrottleState {
            failures,
            locked_until: locked.filter(|until| *until > now),
        },
        Some((_, _, locked)) => ThrottleState {
            failures: 0,
            locked_until: locked.filter(|until| *until > now),
        },
        None => ThrottleState {
            failures: 0,
            locked_until: None,
        },
    })
}

/// The latest lock still running on any of `keys`, read in one query.
pub fn locked_until(conn: &mut PgConnection, keys: &[&str]) -> QueryResult<Option<DateTime<Utc>>> {
    login_throttle::table
        .filter(login_throttle::key.eq_any(keys))
        .filter(login_throttle::locked_until.gt(diesel::dsl::now))
        .select(diesel::dsl::max(login_throttle::locked_until))
        .first::<Option<DateTime<Utc>>>(conn)
}

/// Counts one failure for `key`; locks it for `lock` once `lock_after` failures fall in one
/// window. Returns the new state.
pub fn record_failure(
    conn: &mut PgConnection,
    key: &str,
    window: Duration,
    lock_after: i32,
    lock: Duration,
) -> QueryResult<ThrottleState> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        failures: i32,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
        locked_until: Option<DateTime<Utc>>,
    }
    let window_seconds = window.num_seconds() as f64;
    let lock_seconds = lock.num_seconds() as f64;
    let row: Row = diesel::sql_query(
        "INSERT INTO login_throttle AS t (key, failures, window_started_at)
         VALUES ($1, 1, now())
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN t.window_started_at + make_interval(secs => $2) > now()
                             THEN t.failures + 1 ELSE 1 END,
             window_started_at = CASE WHEN t.window_started_at + make_interval(secs => $2) > now()
                                      THEN t.window_started_at ELSE now() END
         RETURNING failures, locked_until",
    )
    .bind::<diesel::sql_types::Text, _>(key)
    .bind::<diesel::sql_types::Double, _>(window_seconds)
    .get_result(conn)?;
    if row.failures >= lock_after {
        let until = Utc::now() + Duration::seconds(lock_seconds as i64);
        diesel::update(login_throttle::table.find(key))
            .set(login_throttle::locked_until.eq(until))
            .execute(conn)?;
        return Ok(ThrottleState {
            failures: row.failures,
            locked_until: Some(until),
        });
    }
    Ok(ThrottleState {
        failures: row.failures,
        locked_until: row.locked_until,
    })
}

/// Forgets the failures of `key` (after a successful login).
pub fn clear_failures(conn: &mut PgConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}
