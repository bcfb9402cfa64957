//! The WeChat mini program. Its backend (an integration client) registers people whom
//! WeChat has already face-verified against their ID card, binding the person's openid to
//! a new or existing account, and later exchanges that openid for a session.
//!
//! A face-verified person needs no verification by the citizen registry: a new account is
//! active at once, with the default password (the last eight characters of the ID number)
//! to be changed at the first use. A person who already has an account gets it bound, and
//! its phone is told, so that a binding made by someone else would not go unnoticed.

use diesel::PgConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::BigInt;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::tokens::TokenKeys;
use crate::domain::sms::{SmsTemplate, mask_for_sms};
use crate::errors::{ApiError, Code, FieldError};
use crate::services::sessions::{IssuedSession, open_session};
use crate::store::accounts::{self, AccountRow, AccountStatus, NewAccount, Role};
use crate::store::audit::{self, Actor, Change};
use crate::store::bindings;
use crate::store::sms::{self, Recipient};

/// The session client name of sessions opened for the mini program.
pub const SESSION_CLIENT: &str = "mini_program";

/// Longest openid accepted. WeChat's are 28 characters; the margin allows other platforms'
/// identifiers of the same kind.
pub const OPENID_MAX: usize = 128;

/// Reads an openid: 1 to 128 ASCII letters, digits, `-` or `_`, as WeChat issues them.
/// Surrounding blanks are removed; nothing else is changed (openids are case-sensitive).
pub fn parse_openid(raw: &str) -> Result<String, FieldError> {
    let openid = raw.trim();
    if openid.is_empty() {
        return Err(FieldError::new("openid", Code::FieldRequired));
    }
    let valid = openid.len() <= OPENID_MAX
        && openid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(FieldError::new("openid", Code::OpenidInvalid));
    }
    Ok(openid.to_owned())
}

/// A validated registration from the mini program.
#[derive(Clone)]
pub struct Registration {
    pub openid: String,
    /// Canonical resident ID number.
    pub id_number: String,
    /// Canonical name, as verified by WeChat.
    pub name: String,
    /// Canonical mobile phone; bound to a new account only.
    pub phone: String,
    /// Hash of the default password, used only when an account is created (hashing is slow,
    /// so the caller does it before the transaction).
    pub default_password_hash: String,
}

/// What a registration did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationOutcome {
    pub account_id: Uuid,
    /// Whether the account was created by the mini program's registration (true for a
    /// repeat of the registration that created it).
    pub created: bool,
    /// Whether this request made the change (false: a repeat that changed nothing).
    pub changed_now: bool,
}

/// Serialises work on one key (an openid, an ID number) for the rest of the transaction.
/// Two first registrations of the same person would otherwise both find nothing and both
/// create: with the lock, the second waits and then sees what the first committed.
fn lock(conn: &mut PgConnection, purpose: &str, value: &str) -> QueryResult<()> {
    let digest = Sha256::digest(format!("efiling:{purpose}:{value}").as_bytes());
    let mut key = [0u8; 8];
    key.copy_from_slice(&digest[..8]);
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(i64::from_be_bytes(key))
        .execute(conn)?;
    Ok(())
}

/// Registers or binds a face-verified person; run it inside a transaction.
///
/// - No account has the ID number: a party account is created (active, default password,
///   the given phone), the openid is bound, and an SMS tells the login and password.
/// - An active account has it (of any role): the openid is bound to it, nothing else
///   changes, and its phone is told that the person is already registered.
/// - The openid is already bound to the account of this ID number: nothing changes, and
///   the first answer is given again.
///
/// # Errors
///
/// `mini_program.openid_bound_elsewhere` (the openid is bound to another account),
/// `mini_program.account_pending`, `mini_program.account_verification_failed`,
/// `mini_program.account_disabled` (the ID number's account cannot be bound), `phone.taken`
/// (a new account's phone belongs to another account).
pub fn register(
    conn: &mut PgConnection,
    registration: &Registration,
    client_id: Uuid,
    actor: &Actor,
) -> Result<RegistrationOutcome, ApiError> {
    // Always in this order (openid, then ID number), so two requests never wait on each
    // other crosswise.
    lock(conn, "mini_program_openid", &registration.openid)?;
    lock(conn, "mini_program_id_number", &registration.id_number)?;
    let binding = bindings::find(conn, &registration.openid)?;
    let account = accounts::find_by_id_number_for_update(conn, &registration.id_number)?;

    if let Some(binding) = binding {
        return match account {
            Some(account) if account.id == binding.account_id => Ok(RegistrationOutcome {
                account_id: account.id,
                // An account and its first binding are inserted in one transaction, so
                // they share its timestamp (`now()`): the mark of an account the mini
                // program created.
                created: account.created_at == binding.created_at,
                changed_now: false,
            }),
            _ => Err(ApiError::new(Code::MiniProgramOpenidBoundElsewhere)),
        };
    }

    match account {
        Some(account) => bind_existing(conn, registration, &account, client_id, actor),
        None => create_and_bind(conn, registration, client_id, actor),
    }
}

fn bind_existing(
    conn: &mut PgConnection,
    registration: &Registration,
    account: &AccountRow,
    client_id: Uuid,
    actor: &Actor,
) -> Result<RegistrationOutcome, ApiError> {
    match account.status() {
        AccountStatus::Active => {}
        AccountStatus::PendingVerification => {
            return Err(ApiError::new(Code::MiniProgramAccountPending));
        }
        AccountStatus::VerificationFailed => {
            return Err(ApiError::new(Code::MiniProgramAccountVerificationFailed));
        }
        AccountStatus::Disabled => return Err(ApiError::new(Code::MiniProgramAccountDisabled)),
    }
    // The face-verified person must be the account's holder: the same name as verified
    // when the account was made. Otherwise a typo (or worse) would bind a stranger's
    // account, and the binding opens sessions without a password.
    if account.name != registration.name {
        return Err(ApiError::new(Code::MiniProgramIdentityMismatch));
    }
    bindings::insert(conn, &registration.openid, account.id, client_id).map_err(conflict)?;
    // The account's own phone is told, not the one the mini program sent: it is the
    // holder who must learn of the binding.
    sms::enqueue(
        conn,
        Recipient {
            account_id: Some(account.id),
            phone: account.phone.as_deref(),
        },
        &SmsTemplate::MiniProgramAlreadyRegistered {
            masked_id_number: mask_for_sms(&registration.id_number),
        },
    )?;
    record_binding(conn, actor, account.id, client_id, false)?;
    Ok(RegistrationOutcome {
        account_id: account.id,
        created: false,
        changed_now: true,
    })
}

fn create_and_bind(
    conn: &mut PgConnection,
    registration: &Registration,
    client_id: Uuid,
    actor: &Actor,
) -> Result<RegistrationOutcome, ApiError> {
    if accounts::phone_taken(conn, &registration.phone, None)? {
        return Err(ApiError::new(Code::PhoneTaken));
    }
    let account = accounts::insert(
        conn,
        &NewAccount {
            id: Uuid::new_v4(),
            role: Role::Party.as_str(),
            status: AccountStatus::Active.as_str(),
            name: &registration.name,
            id_number: Some(&registration.id_number),
            licence_number: None,
            login: None,
            phone: Some(&registration.phone),
            landline: None,
            password_hash: &registration.default_password_hash,
            must_change_password: true,
            court_code: None,
        },
    )
    .map_err(conflict)?;
    bindings::insert(conn, &registration.openid, account.id, client_id).map_err(conflict)?;
    sms::enqueue(
        conn,
        Recipient {
            account_id: Some(account.id),
            phone: account.phone.as_deref(),
        },
        &SmsTemplate::MiniProgramAccountCreated,
    )?;
    audit::record(
        conn,
        actor,
        &Change {
            action: "account.created",
            subject_type: "account",
            subject_id: &account.id.to_string(),
            details: json!({
                "role": Role::Party.as_str(),
                "source": "mini_program",
                "client_id": client_id,
                "must_change_password": true,
            }),
        },
    )?;
    record_binding(conn, actor, account.id, client_id, true)?;
    Ok(RegistrationOutcome {
        account_id: account.id,
        created: true,
        changed_now: true,
    })
}

/// Records a binding in the audit trail. The openid itself is left out: it identifies the
/// person to WeChat, and the binding table holds it for whoever needs it.
fn record_binding(
    conn: &mut PgConnection,
    actor: &Actor,
    account: Uuid,
    client_id: Uuid,
    new_account: bool,
) -> QueryResult<i64> {
    audit::record(
        conn,
        actor,
        &Change {
            action: "mini_program.bound",
            subject_type: "account",
            subject_id: &account.to_string(),
            details: json!({"client_id": client_id, "new_account": new_account}),
        },
    )
}

/// Maps a lost race on a unique index to the conflict it means. The advisory locks make
/// these rare: only a registration through another channel can still interleave.
fn conflict(error: DieselError) -> ApiError {
    if let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error {
        return match info.constraint_name() {
            Some("accounts_phone_key") => ApiError::new(Code::PhoneTaken),
            // A party registration on the web took the ID number meanwhile: its account
            // now waits for verification.
            Some("accounts_id_number_key") => ApiError::new(Code::MiniProgramAccountPending),
            Some("mini_program_bindings_pkey") => {
                ApiError::new(Code::MiniProgramOpenidBoundElsewhere)
            }
            _ => ApiError::from(error),
        };
    }
    ApiError::from(error)
}

/// Opens a session for the account bound to `openid`.
///
/// # Errors
///
/// `mini_program.not_bound` (no binding), or the login refusals of an account that is not
/// active: `session.account_disabled`, `session.registration_pending`,
/// `session.registration_failed`.
pub fn open_bound_session(
    conn: &mut PgConnection,
    tokens: &TokenKeys,
    openid: &str,
) -> Result<(AccountRow, IssuedSession), ApiError> {
    let binding =
        bindings::find(conn, openid)?.ok_or_else(|| ApiError::new(Code::MiniProgramNotBound))?;
    let account = accounts::find(conn, binding.account_id)?
        .ok_or_else(|| ApiError::new(Code::MiniProgramNotBound))?;
    match account.status() {
        AccountStatus::Active => {}
        AccountStatus::PendingVerification => {
            return Err(ApiError::new(Code::SessionRegistrationPending));
        }
        AccountStatus::VerificationFailed => {
            return Err(ApiError::new(Code::SessionRegistrationFailed));
        }
        AccountStatus::Disabled => return Err(ApiError::new(Code::SessionAccountDisabled)),
    }
    let session = open_session(conn, tokens, &account, SESSION_CLIENT)?;
    Ok((account, session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openids_are_checked_but_not_changed() {
        assert_eq!(
            parse_openid(" oABC-123_xyz ").unwrap(),
            "oABC-123_xyz".to_owned()
        );
        assert_eq!(parse_openid("").unwrap_err().code, Code::FieldRequired);
        for bad in ["a b", "a.b", "中文", &"a".repeat(OPENID_MAX + 1)] {
            assert_eq!(
                parse_openid(bad).unwrap_err().code,
                Code::OpenidInvalid,
                "{bad}"
            );
        }
    }
}
