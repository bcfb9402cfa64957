//! The legal-worker sync: the justice department's list of licensed legal workers turns the
//! matching party accounts into legal-worker accounts.
//!
//! A legal worker who registered as a party (there is no registration for legal workers)
//! is recognised by ID number and name. The account becomes a `legal_worker` with the
//! licence number, which is then also its login name (the ID number still works); the
//! password stays, and an SMS says so. A run changes nothing for an account already
//! converted, so runs can be repeated at will. Each run leaves one row in
//! `legal_worker_sync_runs` with its counts and, per account it touched or could not
//! touch, a detail entry (ID numbers masked).
//!
//! The pull happens outside any transaction (it may take a while); each conversion is a
//! transaction of its own, with its SMS and audit row.

use chrono::Utc;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, PgConnection, QueryResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::calendar::shanghai_date;
use crate::domain::licence::LicenceNumber;
use crate::domain::name::PersonName;
use crate::domain::resident_id::ResidentIdNumber;
use crate::domain::sms::SmsTemplate;
use crate::integrations::{Integrations, JusticeDepartment, LegalWorkerRecord};
use crate::services::staff::cli_actor;
use crate::store::accounts::{self, AccountChanges, AccountStatus, Role};
use crate::store::audit::{self, Actor, Change};
use crate::store::sms::{self, Recipient};
use crate::store::sync_runs::{self, RunResult, SyncRunRow};

/// Who started a run: recorded in the run row and as the author of its changes.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// `schedule`, `cli` or `admin:<account id>`.
    pub label: String,
    pub actor: Actor,
}

impl Trigger {
    /// The background jobs' daily run.
    pub fn schedule() -> Trigger {
        Trigger {
            label: "schedule".to_owned(),
            actor: Actor::system("legal_worker_sync"),
        }
    }

    /// A run from the command line.
    pub fn cli() -> Trigger {
        Trigger {
            label: "cli".to_owned(),
            actor: cli_actor(),
        }
    }

    /// A run asked for by an administrator; `actor` carries the request's details.
    pub fn admin(account: Uuid, actor: Actor) -> Trigger {
        Trigger {
            label: format!("admin:{account}"),
            actor,
        }
    }
}

/// What a run did about one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SyncDetail {
    pub account_id: Uuid,
    /// The ID number with the middle hidden.
    pub id_number_masked: String,
    /// The licence number in the justice department's record.
    pub licence_number: String,
    /// `converted`; or why the account was left as it is: `licence_taken` (another account
    /// holds the licence number), `name_mismatch` (the record names someone else),
    /// `invalid_licence_number`.
    pub outcome: String,
}

/// Runs the sync now, whatever the schedule says (the command line and administrators).
///
/// # Errors
///
/// Database failures only: a failed pull is recorded in the run row as its `error`.
pub fn run(
    conn: &mut PgConnection,
    department: &dyn JusticeDepartment,
    trigger: &Trigger,
) -> QueryResult<SyncRunRow> {
    let run = conn.transaction(|conn| sync_runs::insert(conn, &trigger.label))?;
    perform(conn, department, trigger, run.id)
}

/// Runs the sync when the last run (of any trigger) started more than `every_hours` hours
/// ago; returns how many accounts were converted. The check and the start are one
/// transaction under an advisory lock, so that of several instances looking at the same
/// moment exactly one starts the run, and the others see it and wait for the next period.
///
/// # Errors
///
/// Database failures only, as [`run`].
pub fn sync_if_due(
    conn: &mut PgConnection,
    integrations: &Integrations,
    every_hours: i64,
) -> QueryResult<usize> {
    let hours = i32::try_from(every_hours).unwrap_or(i32::MAX);
    let started = conn.transaction(|conn| {
        if !sync_runs::try_lock_schedule(conn)? || sync_runs::started_within_hours(conn, hours)? {
            return Ok(None);
        }
        sync_runs::insert(conn, &Trigger::schedule().label).map(Some)
    })?;
    let Some(run) = started else {
        return Ok(0);
    };
    let finished = perform(
        conn,
        integrations.justice_department.as_ref(),
        &Trigger::schedule(),
        run.id,
    )?;
    Ok(usize::try_from(finished.converted).unwrap_or(0))
}

fn perform(
    conn: &mut PgConnection,
    department: &dyn JusticeDepartment,
    trigger: &Trigger,
    run_id: Uuid,
) -> QueryResult<SyncRunRow> {
    let (records_seen, details, error) = match department.legal_workers() {
        Ok(records) => {
            let mut details = Vec::new();
            for record in &records {
                if let Some(detail) = sync_one(conn, record, trigger, run_id)? {
                    details.push(detail);
                }
            }
            (records.len(), details, None)
        }
        Err(error) => {
            tracing::warn!(
                run_id = %run_id,
                system = error.system(),
                error = %error,
                "legal-worker sync: the pull failed"
            );
            (0, Vec::new(), Some(error.to_string()))
        }
    };
    let converted = details.iter().filter(|d| d.outcome == "converted").count();
    let details_json = serde_json::to_value(&details).unwrap_or_else(|_| json!([]));
    let finished = conn.transaction(|conn| {
        let row = sync_runs::finish(
            conn,
            run_id,
            &RunResult {
                records_seen: i32::try_from(records_seen).unwrap_or(i32::MAX),
                converted: i32::try_from(converted).unwrap_or(i32::MAX),
                details: &details_json,
                error: error.as_deref(),
            },
        )?;
        audit::record(
            conn,
            &trigger.actor,
            &Change {
                action: "legal_worker_sync.finished",
                subject_type: "legal_worker_sync_run",
                subject_id: &run_id.to_string(),
                details: json!({
                    "trigger": trigger.label,
                    "records_seen": row.records_seen,
                    "converted": row.converted,
                    "reported": details.len() - converted,
                    "failed": row.error.is_some(),
                }),
            },
        )?;
        Ok::<_, DieselError>(row)
    })?;
    tracing::info!(
        run_id = %run_id,
        trigger = %trigger.label,
        records_seen,
        converted,
        reported = details.len() - converted,
        failed = error.is_some(),
        "legal-worker sync finished"
    );
    Ok(finished)
}

/// Applies one record; `None` when it concerns no party account (or one already
/// converted).
fn sync_one(
    conn: &mut PgConnection,
    record: &LegalWorkerRecord,
    trigger: &Trigger,
    run_id: Uuid,
) -> QueryResult<Option<SyncDetail>> {
    // The department's values come unchecked; an invalid ID number matches no account.
    let Ok(id_number) = ResidentIdNumber::parse(&record.id_number, shanghai_date(Utc::now()))
    else {
        return Ok(None);
    };
    let result = conn.transaction(|conn| {
        let Some(account) = accounts::find_by_id_number_for_update(conn, id_number.as_str())?
        else {
            return Ok(None);
        };
        if account.role() != Role::Party || account.status() != AccountStatus::Active {
            return Ok(None);
        }
        let detail = |outcome: &str, licence_number: &str| SyncDetail {
            account_id: account.id,
            id_number_masked: id_number.masked(),
            licence_number: licence_number.to_owned(),
            outcome: outcome.to_owned(),
        };
        let Ok(licence) = LicenceNumber::parse(&record.licence_number) else {
            return Ok(Some(detail(
                "invalid_licence_number",
                &record.licence_number,
            )));
        };
        // The ID number alone could be a typing error at the department that happens to
        // be someone else's valid number; the name must agree too before an account
        // changes hands this way.
        let same_name = PersonName::parse(&record.name).is_ok_and(|n| n.as_str() == account.name);
        if !same_name {
            return Ok(Some(detail("name_mismatch", licence.as_str())));
        }
        if accounts::licence_taken(conn, licence.as_str(), Some(account.id))? {
            return Ok(Some(detail("licence_taken", licence.as_str())));
        }
        accounts::update(
            conn,
            account.id,
            AccountChanges {
                role: Some(Role::LegalWorker.as_str()),
                licence_number: Some(Some(licence.as_str())),
                ..AccountChanges::default()
            },
        )?;
        sms::enqueue(
            conn,
            Recipient {
                account_id: Some(account.id),
                phone: account.phone.as_deref(),
            },
            &SmsTemplate::LegalWorkerConverted {
                licence_number: licence.as_str().to_owned(),
            },
        )?;
        audit::record(
            conn,
            &trigger.actor,
            &Change {
                action: "account.converted_to_legal_worker",
                subject_type: "account",
                subject_id: &account.id.to_string(),
                details: json!({
                    "run_id": run_id,
                    "trigger": trigger.label,
                    "licence_number": licence.as_str(),
                    "workplace": record.workplace,
                }),
            },
        )?;
        Ok(Some(detail("converted", licence.as_str())))
    });
    match result {
        // Another account took the licence number between the check and the update.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info))
            if info.constraint_name() == Some("accounts_licence_number_key") =>
        {
            let account = accounts::find_by_id_number_for_update(conn, id_number.as_str())?;
            Ok(account.map(|account| SyncDetail {
                account_id: account.id,
                id_number_masked: id_number.masked(),
                licence_number: record.licence_number.clone(),
                outcome: "licence_taken".to_owned(),
            }))
        }
        other => other,
    }
}
