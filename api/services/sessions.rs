//! Logging in, refreshing and ending sessions.
//!
//! A login opens a session (a family of refresh tokens). Each refresh token works once and
//! is replaced by a new one; presenting a used token again means it was stolen or leaked,
//! so the whole family is revoked. Failed logins are counted per login name and per client
//! address: after a few the answers slow down, after more the key is locked for a while.
//! An unknown login and a wrong password get the same answer after the same work.

use chrono::{DateTime, Duration, Utc};
use diesel::PgConnection;
use serde_json::json;
use uuid::Uuid;

use crate::auth::passwords::{verify_against_nothing, verify_password};
use crate::auth::tokens::{TokenKeys, random_token, token_hash};
use crate::domain::resident_id::ResidentIdNumber;
use crate::domain::text::{fold_width, is_blank};
use crate::errors::{ApiError, Code};
use crate::store::accounts::{self, AccountRow, AccountStatus, LoginName};
use crate::store::audit::{self, Actor, Change};
use crate::store::sessions::{self, ThrottleState};

/// Failures counted together.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures per login name after which answers slow down.
pub const SLOW_AFTER: i32 = 3;
/// Failures per login name after which it is locked.
pub const LOCK_LOGIN_AFTER: i32 = 10;
/// Failures per client address after which it is locked.
pub const LOCK_ADDRESS_AFTER: i32 = 50;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// A refresh token presented again within this many seconds of its use is a race between
/// the holder's own requests, not a theft.
pub const REFRESH_RACE_SECONDS: i64 = 10;

/// Tokens handed to a client.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub session_id: Uuid,
}

/// Reads what a person typed as their login: an ID number (any case of X, full-width
/// digits, stray blanks), a licence number (digits), or a staff login name.
pub fn parse_login(raw: &str) -> Option<LoginName> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !is_blank(*c))
        .map(fold_width)
        .collect();
    if cleaned.is_empty() || cleaned.chars().count() > 64 {
        return None;
    }
    let today = crate::domain::calendar::shanghai_date(Utc::now());
    if let Ok(id) = ResidentIdNumber::parse(&cleaned, today) {
        return Some(LoginName::IdNumber(id.as_str().to_owned()));
    }
    if cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Some(LoginName::Licence(cleaned));
    }
    Some(LoginName::Login(cleaned.to_lowercase()))
}

/// The throttle key of a login name that matches no account.
pub fn login_key(login: &LoginName) -> String {
    match login {
        LoginName::IdNumber(v) | LoginName::Licence(v) | LoginName::Login(v) => {
            format!("login:{v}")
        }
    }
}

/// The throttle key of an account: every spelling of its login (ID number, licence number)
/// shares one count, and so do password changes and lawyer upgrades that test its password.
pub fn account_key(account: Uuid) -> String {
    format!("account:{account}")
}

/// The throttle key of whoever `login` names.
fn subject_key(account: Option<&AccountRow>, login: &LoginName) -> String {
    match account {
        Some(account) => account_key(account.id),
        None => login_key(login),
    }
}

/// The throttle key of a client address.
pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}

/// How many recent failures the login and the address have (for slowing answers down) and
/// whether either is locked.
pub fn throttle(
    conn: &mut PgConnection,
    login: &LoginName,
    address: &str,
) -> Result<ThrottleState, ApiError> {
    let window = Duration::minutes(WINDOW_MINUTES);
    let account = accounts::find_by_login(conn, login)?;
    let by_login = sessions::throttle_state(conn, &subject_key(account.as_ref(), login), window)?;
    let by_address = sessions::throttle_state(conn, &address_key(address), window)?;
    Ok(ThrottleState {
        failures: by_login.failures,
        locked_until: by_login.locked_until.max(by_address.locked_until),
    })
}

/// Counts one attempt against `key` before the password is checked, so that parallel
/// guesses cannot all slip past the lock; returns when the key is locked until, if it is.
pub fn count_attempt(
    conn: &mut PgConnection,
    key: &str,
    allowed: i32,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let window = Duration::minutes(WINDOW_MINUTES);
    let lock = Duration::minutes(LOCK_MINUTES);
    let state = sessions::record_failure(conn, key, window, allowed, lock)?;
    // The attempt that reaches the limit sets the lock and may still try; any later one, and
    // any attempt while an earlier lock lasts into a new window, is refused.
    let lock_active = state.locked_until.is_some_and(|until| until > Utc::now());
    let locked = state.failures > allowed || (lock_active && state.failures != allowed);
    Ok(locked.then(|| state.locked_until.unwrap_or_else(|| Utc::now() + lock)))
}

/// What a password check found.
pub enum LoginOutcome {
    Opened(Box<AccountRow>, IssuedSession),
    Refused(Code),
    /// Too many attempts: locked until then.
    Locked(DateTime<Utc>),
}

/// Checks the password and opens a session. Attempts and failures are recorded (and must
/// be committed even though the login is refused, so the caller runs this outside a
/// rolled-back transaction and maps refusals to errors itself).
pub fn login(
    conn: &mut PgConnection,
    tokens: &TokenKeys,
    login: &LoginName,
    password: &str,
    address: &str,
) -> Result<LoginOutcome, ApiError> {
    let account = accounts::find_by_login(conn, login)?;
    let key = subject_key(account.as_ref(), login);
    if let Some(until) = count_attempt(conn, &key, LOCK_LOGIN_AFTER)? {
        return Ok(LoginOutcome::Locked(until));
    }
    let matches = match &account {
        Some(account) => verify_password(password, &account.password_hash),
        None => {
            verify_against_nothing(password);
            false
        }
    };
    let account = match account {
        Some(account) if matches => account,
        _ => {
            let window = Duration::minutes(WINDOW_MINUTES);
            let lock = Duration::minutes(LOCK_MINUTES);
            sessions::record_failure(
                conn,
                &address_key(address),
                window,
                LOCK_ADDRESS_AFTER,
                lock,
            )?;
            return Ok(LoginOutcome::Refused(Code::SessionInvalidCredentials));
        }
    };

    sessions::clear_failures(conn, &key)?;
    match account.status() {
        AccountStatus::Active => {}
        AccountStatus::PendingVerification => {
            return Ok(LoginOutcome::Refused(Code::SessionRegistrationPending));
        }
        AccountStatus::VerificationFailed => {
            return Ok(LoginOutcome::Refused(Code::SessionRegistrationFailed));
        }
        AccountStatus::Disabled => return Ok(LoginOutcome::Refused(Code::SessionAccountDisabled)),
    }
    let session = open_session(conn, tokens, &account, "password")?;
    Ok(LoginOutcome::Opened(Box::new(account), session))
}

/// Opens a session for an account already authenticated by the caller.
pub fn open_session(
    conn: &mut PgConnection,
    tokens: &TokenKeys,
    account: &AccountRow,
    client: &str,
) -> Result<IssuedSession, ApiError> {
    let family = sessions::create_family(conn, account.id, client)?;
    let session = issue(conn, tokens, account.id, family)?;
    audit::record(
        conn,
        &Actor::account(account.id),
        &Change {
            action: "session.opened",
            subject_type: "account",
            subject_id: &account.id.to_string(),
            details: json!({"session_id": family, "client": client}),
        },
    )?;
    Ok(session)
}

fn issue(
    conn: &mut PgConnection,
    tokens: &TokenKeys,
    account: Uuid,
    family: Uuid,
) -> Result<IssuedSession, ApiError> {
    let now = Utc::now();
    let refresh_token = random_token();
    sessions::insert_refresh_token(
        conn,
        family,
        &token_hash(&refresh_token),
        now + Duration::seconds(tokens.refresh_ttl_seconds),
    )?;
    let access_token = tokens
        .issue_access(account, family, now)
        .map_err(ApiError::internal)?;
    Ok(IssuedSession {
        access_token,
        refresh_token,
        expires_in: tokens.access_ttl_seconds,
        session_id: family,
    })
}

/// What a refresh found.
pub enum RefreshOutcome {
    Rotated(Box<AccountRow>, IssuedSession),
    /// The token had been used before: the session was revoked (commit this).
    Reused,
    Invalid,
}

/// Exchanges a refresh token for new tokens.
pub fn refresh(
    conn: &mut PgConnection,
    tokens: &TokenKeys,
    refresh_token: &str,
) -> Result<RefreshOutcome, ApiError> {
    let Some(found) = sessions::find_refresh_token_for_update(conn, &token_hash(refresh_token))?
    else {
        return Ok(RefreshOutcome::Invalid);
    };
    if found.family_revoked_at.is_some() {
        return Ok(RefreshOutcome::Invalid);
    }
    // Two tabs (or a retry) refreshing with the same token at once: the first wins, the
    // others are refused without ending the session the first one just renewed.
    if found
        .used_at
        .is_some_and(|used| Utc::now() - used < Duration::seconds(REFRESH_RACE_SECONDS))
    {
        return Ok(RefreshOutcome::Invalid);
    }
    if found.used_at.is_some() {
        sessions::revoke_family(conn, found.family_id, "refresh_token_reused")?;
        audit::record(
            conn,
            &Actor::account(found.account_id),
            &Change {
                action: "session.revoked",
                subject_type: "account",
                subject_id: &found.account_id.to_string(),
                details: json!({"session_id": found.family_id, "reason": "refresh_token_reused"}),
            },
        )?;
        return Ok(RefreshOutcome::Reused);
    }
    if found.expires_at <= Utc::now() {
        return Ok(RefreshOutcome::Invalid);
    }
    let Some(account) = accounts::find(conn, found.account_id)? else {
        return Ok(RefreshOutcome::Invalid);
    };
    if account.status() != AccountStatus::Active {
        return Ok(RefreshOutcome::Invalid);
    }
    sessions::mark_refresh_token_used(conn, found.token_id)?;
    let session = issue(conn, tokens, account.id, found.family_id)?;
    Ok(RefreshOutcome::Rotated(Box::new(account), session))
}

/// Ends the session `session` of `account`.
pub fn logout(conn: &mut PgConnection, account: Uuid, session: Uuid) -> Result<(), ApiError> {
    if sessions::revoke_family(conn, session, "logout")? {
        audit::record(
            conn,
            &Actor::account(account),
            &Change {
                action: "session.closed",
                subject_type: "account",
                subject_id: &account.to_string(),
                details: json!({"session_id": session}),
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_read_as_id_numbers_licences_or_staff_names() {
        assert_eq!(
            parse_login(" 11010519491231002x "),
            Some(LoginName::IdNumber("11010519491231002X".into()))
        );
        assert_eq!(
            parse_login("１１０１０５１９４９１２３１００２Ｘ"),
            Some(LoginName::IdNumber("11010519491231002X".into()))
        );
        assert_eq!(
            parse_login("13701200910123456"),
            Some(LoginName::Licence("13701200910123456".into()))
        );
        assert_eq!(
            parse_login("Judge.Li"),
            Some(LoginName::Login("judge.li".into()))
        );
        assert_eq!(parse_login("   "), None);
        assert_eq!(parse_login(&"a".repeat(65)), None);
    }
}
