//! Registering parties and lawyers, and applying the registries' answers.
//!
//! A registration creates (or reuses, after a failed attempt) an account waiting for
//! verification; a background job asks the registry and applies the answer, queueing an
//! SMS either way. A lawyer who already holds a party account (a trainee who qualified)
//! upgrades that account instead of getting a second one.

use chrono::{DateTime, Duration, Utc};
use diesel::PgConnection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::sms::{SmsTemplate, lawyer_field_label};
use crate::errors::{ApiError, Code};
use crate::integrations::{
    CitizenCheck, IntegrationError, Integrations, LawyerCheck, LawyerRecord,
};
use crate::store::accounts::{
    self, AccountChanges, AccountRow, AccountStatus, LawyerProfile, NewAccount, Role,
};
use crate::store::audit::{self, Actor, Change};
use crate::store::registrations::{self, Registration};
use crate::store::sms::{self, Recipient};

/// A validated party registration.
#[derive(Debug, Clone)]
pub struct PartyApplication {
    pub id_number: String,
    pub name: String,
    pub phone: String,
    pub password_hash: String,
}

/// Records a party registration: a new account waiting for the citizen registry, or the
/// account of an earlier failed attempt, reused.
pub fn register_party(
    conn: &mut PgConnection,
    application: &PartyApplication,
) -> Result<Registration, ApiError> {
    let existing = accounts::find_by_id_number_for_update(conn, &application.id_number)?;
    let reuse = refuse_taken(existing.as_ref())?;
    if accounts::phone_taken(conn, &application.phone, reuse)? {
        return Err(ApiError::new(Code::PhoneTaken));
    }
    let account = match reuse {
        Some(id) => accounts::update(
            conn,
            id,
            AccountChanges {
                role: Some(Role::Party.as_str()),
                status: Some(AccountStatus::PendingVerification.as_str()),
                name: Some(&application.name),
                licence_number: Some(None),
                phone: Some(Some(&application.phone)),
                password_hash: Some(&application.password_hash),
                must_change_password: Some(false),
                ..AccountChanges::default()
            },
        ),
        None => accounts::insert(
            conn,
            &NewAccount {
                id: Uuid::new_v4(),
                role: Role::Party.as_str(),
                status: AccountStatus::PendingVerification.as_str(),
                name: &application.name,
                id_number: Some(&application.id_number),
                licence_number: None,
                login: None,
                phone: Some(&application.phone),
                landline: None,
                password_hash: &application.password_hash,
                must_change_password: false,
                court_code: None,
            },
        ),
    }
    .map_err(conflict)?;
    let submitted = json!({
        "id_number": application.id_number,
        "name": application.name,
        "phone": application.phone,
    });
    let registration = registrations::insert(conn, account.id, "party", &submitted)?;
    record_submitted(conn, &registration)?;
    Ok(registration)
}

/// Refuses an ID number held by an account in use; returns the account to reuse when an
/// earlier registration failed.
fn refuse_taken(existing: Option<&AccountRow>) -> Result<Option<Uuid>, ApiError> {
    match existing.map(|a| (a.id, a.status())) {
        None => Ok(None),
        Some((id, AccountStatus::VerificationFailed)) => Ok(Some(id)),
        Some((_, AccountStatus::PendingVerification)) => {
            Err(ApiError::new(Code::RegistrationPending))
        }
        Some(_) => Err(ApiError::new(Code::RegistrationIdNumberTaken)),
    }
}

/// Maps a lost race on a unique index to the conflict it means.
fn conflict(error: DieselError) -> ApiError {
    if let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error {
        return match info.constraint_name() {
            Some("accounts_phone_key") => ApiError::new(Code::PhoneTaken),
            Some("accounts_id_number_key") => ApiError::new(Code::RegistrationIdNumberTaken),
            Some("accounts_licence_number_key") => ApiError::new(Code::RegistrationLicenceTaken),
            _ => ApiError::from(error),
        };
    }
    ApiError::from(error)
}

fn record_submitted(conn: &mut PgConnection, registration: &Registration) -> Result<(), ApiError> {
    audit::record(
        conn,
        &Actor::anonymous(),
        &Change {
            action: "registration.submitted",
            subject_type: "account",
            subject_id: &registration.account_id.to_string(),
            details: json!({"registration_id": registration.id, "kind": registration.kind}),
        },
    )?;
    Ok(())
}

/// A validated lawyer registration.
#[derive(Debug, Clone)]
pub struct LawyerApplication {
    pub record: LawyerRecord,
    /// The chosen password (the verified password of an upgraded party account).
    pub password: String,
    pub password_hash: String,
}

/// Records a lawyer registration. A party account with the same ID number is upgraded
/// (its holder proves it with that account's password); otherwise a new lawyer account
/// waits for the registry.
pub fn register_lawyer(
    conn: &mut PgConnection,
    application: &LawyerApplication,
) -> Result<Registration, ApiError> {
    let record = &application.record;
    let existing = accounts::find_by_id_number_for_update(conn, &record.id_number)?;
    let upgrade = existing
        .as_ref()
        .filter(|a| a.status() == AccountStatus::Active && a.role() == Role::Party);
    let account = if let Some(party) = upgrade {
        if !crate::auth::passwords::verify_password(&application.password, &party.password_hash) {
            return Err(ApiError::new(Code::RegistrationUpgradePasswordMismatch));
        }
        if registrations::pending_for_account(conn, party.id)?.is_some() {
            return Err(ApiError::new(Code::RegistrationPending));
        }
        if accounts::licence_taken(conn, &record.licence_number, Some(party.id))?
            || registrations::licence_pending_elsewhere(conn, &record.licence_number, party.id)?
        {
            return Err(ApiError::new(Code::RegistrationLicenceTaken));
        }
        party.clone()
    } else {
        let reuse = refuse_taken(existing.as_ref())?;
        crate::auth::passwords::check_new_password(&application.password, Some(&record.id_number))
            .map_err(|code| ApiError::field("password", code))?;
        if accounts::licence_taken(conn, &record.licence_number, reuse)?
            || registrations::licence_pending_elsewhere(
                conn,
                &record.licence_number,
                reuse.unwrap_or_default(),
            )?
        {
            return Err(ApiError::new(Code::RegistrationLicenceTaken));
        }
        if accounts::phone_taken(conn, &record.phone, reuse)? {
            return Err(ApiError::new(Code::PhoneTaken));
        }
        match reuse {
            Some(id) => accounts::update(
                conn,
                id,
                AccountChanges {
                    role: Some(Role::Lawyer.as_str()),
                    status: Some(AccountStatus::PendingVerification.as_str()),
                    name: Some(&record.name),
                    licence_number: Some(Some(&record.licence_number)),
                    phone: Some(Some(&record.phone)),
                    password_hash: Some(&application.password_hash),
                    must_change_password: Some(false),
                    ..AccountChanges::default()
                },
            ),
            None => accounts::insert(
                conn,
                &NewAccount {
                    id: Uuid::new_v4(),
                    role: Role::Lawyer.as_str(),
                    status: AccountStatus::PendingVerification.as_str(),
                    name: &record.name,
                    id_number: Some(&record.id_number),
                    licence_number: Some(&record.licence_number),
                    login: None,
                    phone: Some(&record.phone),
                    landline: None,
                    password_hash: &application.password_hash,
                    must_change_password: false,
                    court_code: None,
                },
            ),
        }
        .map_err(conflict)?
    };
    let submitted = serde_json::to_value(record).map_err(ApiError::internal)?;
    let registration = registrations::insert(conn, account.id, "lawyer", &submitted)?;
    record_submitted(conn, &registration)?;
    Ok(registration)
}

/// Before an upgrade, checks the party account's password the way a login does: each try
/// counts against the account, and a locked account answers 429 — so the upgrade endpoint
/// cannot be used to guess passwords. Run it outside the registration's transaction, so
/// that failed tries are kept.
pub fn check_upgrade_password(
    conn: &mut PgConnection,
    id_number: &str,
    password: &str,
) -> Result<(), ApiError> {
    use crate::services::sessions::{LOCK_LOGIN_AFTER, account_key, count_attempt};
    let Some(party) =
        accounts::find_by_login(conn, &accounts::LoginName::IdNumber(id_number.to_owned()))?
            .filter(|a| a.status() == AccountStatus::Active && a.role() == Role::Party)
    else {
        return Ok(());
    };
    let key = account_key(party.id);
    if let Some(until) = count_attempt(conn, &key, LOCK_LOGIN_AFTER)? {
        let seconds = (until - Utc::now()).num_seconds().max(1);
        return Err(ApiError::new(Code::SessionLocked).with_retry_after(seconds as u64));
    }
    if !crate::auth::passwords::verify_password(password, &party.password_hash) {
        return Err(ApiError::new(Code::RegistrationUpgradePasswordMismatch));
    }
    crate::store::sessions::clear_failures(conn, &key)?;
    Ok(())
}

/// Registrations verified per job round.
const BATCH: i64 = 20;

/// Asks the registries about due registrations and applies their answers; returns how
/// many were handled. Each registration is decided in its own transaction, with its SMS.
pub fn verify_due(conn: &mut PgConnection, integrations: &Integrations) -> anyhow::Result<usize> {
    use diesel::Connection;
    let mut handled = 0;
    for _ in 0..BATCH {
        let mut claimed = None;
        let result = conn.transaction::<bool, anyhow::Error, _>(|conn| {
            let Some(registration) = registrations::claim_due(conn, 1)?.into_iter().next() else {
                return Ok(false);
            };
            claimed = Some((registration.id, registration.attempts));
            verify_one(conn, integrations, &registration)?;
            Ok(true)
        });
        match (result, claimed) {
            (Ok(true), _) => handled += 1,
            (Ok(false), _) => break,
            // One registration that cannot be decided must not hold up the others: it is
            // put aside for a later attempt and the error is logged once.
            (Err(error), Some((id, attempts))) => {
                tracing::error!(
                    registration_id = %id,
                    error = %format!("{error:#}"),
                    "a registration could not be decided; retrying later"
                );
                let minutes = 10i64 << attempts.clamp(0, 4);
                registrations::postpone(conn, id, Utc::now() + Duration::minutes(minutes))?;
                handled += 1;
            }
            (Err(error), None) => return Err(error),
        }
    }
    Ok(handled)
}

fn verify_one(
    conn: &mut PgConnection,
    integrations: &Integrations,
    registration: &Registration,
) -> anyhow::Result<()> {
    let Some(account) = accounts::find(conn, registration.account_id)? else {
        anyhow::bail!("registration {} has no account", registration.id);
    };
    let answer = match registration.kind.as_str() {
        "lawyer" => {
            let record: LawyerRecord = serde_json::from_value(registration.submitted.clone())?;
            integrations
                .lawyer_registry
                .check(&record, Utc::now())
                .map(|check| Answer::Lawyer(Box::new(record), check))
        }
        _ => {
            let id_number = text(&registration.submitted, "id_number");
            let name = text(&registration.submitted, "name");
            integrations
                .citizen_registry
                .verify(&id_number, &name)
                .map(Answer::Citizen)
        }
    };
    match answer {
        Ok(answer) => apply(conn, registration, &account, answer),
        Err(error) => {
            postpone(conn, registration, &error)?;
            Ok(())
        }
    }
}

enum Answer {
    Citizen(CitizenCheck),
    Lawyer(Box<LawyerRecord>, LawyerCheck),
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Waits longer after each failed call: a minute, doubling, at most an hour.
fn postpone(
    conn: &mut PgConnection,
    registration: &Registration,
    error: &IntegrationError,
) -> anyhow::Result<()> {
    let minutes = 1i64 << registration.attempts.clamp(0, 6);
    let until: DateTime<Utc> = Utc::now() + Duration::minutes(minutes.min(60));
    tracing::warn!(
        registration_id = %registration.id,
        error = %error,
        retry_in_minutes = minutes.min(60),
        "registry call failed; will retry"
    );
    registrations::postpone(conn, registration.id, until)?;
    Ok(())
}

fn apply(
    conn: &mut PgConnection,
    registration: &Registration,
    account: &AccountRow,
    answer: Answer,
) -> anyhow::Result<()> {
    let upgrade = registration.kind == "lawyer" && account.status() == AccountStatus::Active;
    let (failure, fields, template): (Option<&str>, Vec<String>, SmsTemplate) = match answer {
        Answer::Citizen(CitizenCheck::Verified) => {
            accounts::update(
                conn,
                account.id,
                AccountChanges {
                    status: Some(AccountStatus::Active.as_str()),
                    ..AccountChanges::default()
                },
            )?;
            (None, Vec::new(), SmsTemplate::RegistrationVerified)
        }
        Answer::Citizen(CitizenCheck::Failed(reason)) => {
            mark_failed(conn, account.id)?;
            (
                Some(reason.as_str()),
                Vec::new(),
                SmsTemplate::RegistrationFailed,
            )
        }
        Answer::Lawyer(record, LawyerCheck::Match)
            if accounts::licence_taken(conn, &record.licence_number, Some(account.id))? =>
        {
            // Another account took the licence number meanwhile (an import, say): the
            // registration cannot pass with it.
            if !upgrade {
                mark_failed(conn, account.id)?;
            }
            (
                Some("licence_number_taken"),
                vec!["licence_number".to_owned()],
                SmsTemplate::LawyerRegistrationMismatch {
                    fields: vec![lawyer_field_label("licence_number")],
                },
            )
        }
        Answer::Lawyer(record, LawyerCheck::Match) => {
            accounts::update(
                conn,
                account.id,
                AccountChanges {
                    role: Some(Role::Lawyer.as_str()),
                    status: Some(AccountStatus::Active.as_str()),
                    licence_number: Some(Some(&record.licence_number)),
                    ..AccountChanges::default()
                },
            )?;
            accounts::upsert_lawyer_profile(
                conn,
                &LawyerProfile {
                    account_id: account.id,
                    gender: record.gender.clone(),
                    ethnicity: record.ethnicity.clone(),
                    licence_date: record.licence_date,
                    qualification_number: record.qualification_number.clone(),
                    qualification_date: record.qualification_date,
                    practice_start_date: record.practice_start_date,
                    law_firm: record.law_firm.clone(),
                },
            )?;
            let licence_number = record.licence_number;
            (
                None,
                Vec::new(),
                SmsTemplate::LawyerRegistrationVerified { licence_number },
            )
        }
        Answer::Lawyer(_, LawyerCheck::Mismatch(differing)) => {
            if !upgrade {
                mark_failed(conn, account.id)?;
            }
            let labels = differing.iter().map(|f| lawyer_field_label(f)).collect();
            let fields = differing.iter().map(|f| (*f).to_owned()).collect();
            (
                Some("fields_differ"),
                fields,
                SmsTemplate::LawyerRegistrationMismatch { fields: labels },
            )
        }
        Answer::Lawyer(_, LawyerCheck::NotYetInRegistry) => {
            if !upgrade {
                mark_failed(conn, account.id)?;
            }
            (
                Some("not_yet_in_registry"),
                Vec::new(),
                SmsTemplate::LawyerNotInRegistry,
            )
        }
    };

    registrations::decide(
        conn,
        registration.id,
        failure.map(|reason| (reason, fields.as_slice())),
    )?;
    let account = accounts::find(conn, account.id)?.unwrap_or_else(|| account.clone());
    sms::enqueue(
        conn,
        Recipient {
            account_id: Some(account.id),
            phone: account.phone.as_deref(),
        },
        &template,
    )?;
    audit::record(
        conn,
        &Actor::system("registration_verification"),
        &Change {
            action: if failure.is_none() {
                "registration.verified"
            } else {
                "registration.failed"
            },
            subject_type: "account",
            subject_id: &account.id.to_string(),
            details: json!({
                "registration_id": registration.id,
                "kind": registration.kind,
                "reason": failure,
                "differing_fields": fields,
            }),
        },
    )?;
    Ok(())
}

/// A failed registration frees its phone and licence for a corrected attempt.
fn mark_failed(conn: &mut PgConnection, account: Uuid) -> anyhow::Result<()> {
    accounts::update(
        conn,
        account,
        AccountChanges {
            status: Some(AccountStatus::VerificationFailed.as_str()),
            licence_number: Some(None),
            ..AccountChanges::default()
        },
    )?;
    Ok(())
}
