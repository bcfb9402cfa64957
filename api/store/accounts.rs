//! Accounts and lawyer profiles.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{accounts, lawyer_profiles};

/// Roles of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Party,
    Lawyer,
    LegalWorker,
    Judge,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Party => "party",
            Role::Lawyer => "lawyer",
            Role::LegalWorker => "legal_worker",
            Role::Judge => "judge",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Some(match value {
            "party" => Role::Party,
            "lawyer" => Role::Lawyer,
            "legal_worker" => Role::LegalWorker,
            "judge" => Role::Judge,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
}

/// Lifecycle of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    PendingVerification,
    Active,
    VerificationFailed,
    Disabled,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::PendingVerification => "pending_verification",
            AccountStatus::Active => "active",
            AccountStatus::VerificationFailed => "verification_failed",
            AccountStatus::Disabled => "disabled",
        }
    }

    pub fn parse(value: &str) -> Option<AccountStatus> {
        Some(match value {
            "pending_verification" => AccountStatus::PendingVerification,
            "active" => AccountStatus::Active,
            "verification_failed" => AccountStatus::VerificationFailed,
            "disabled" => AccountStatus::Disabled,
            _ => return None,
        })
    }
}

/// An account row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: Uuid,
    pub role: String,
    pub status: String,
    pub name: String,
    pub id_number: Option<String>,
    pub licence_number: Option<String>,
    pub login: Option<String>,
    pub phone: Option<String>,
    pub landline: Option<String>,
    pub email: Option<String>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub court_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AccountRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Party)
    }

    pub fn status(&self) -> AccountStatus {
        AccountStatus::parse(&self.status).unwrap_or(AccountStatus::Disabled)
    }
}

/// A new account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub id: Uuid,
    pub role: &'a str,
    pub status: &'a str,
    pub name: &'a str,
    pub id_number: Option<&'a str>,
    pub licence_number: Option<&'a str>,
    pub login: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub landline: Option<&'a str>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub court_code: Option<&'a str>,
}

/// How a person names their account when logging in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginName {
    IdNumber(String),
    Licence(String),
    Login(String),
}

pub fn insert(conn: &mut PgConnection, account: &NewAccount<'_>) -> QueryResult<AccountRow> {
    diesel::insert_into(accounts::table)
        .values(account)
        .returning(AccountRow::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .find(id)
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// The account with this ID number, locked for update.
pub fn find_by_id_number_for_update(
    conn: &mut PgConnection,
    id_number: &str,
) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .filter(accounts::id_number.eq(id_number))
        .select(AccountRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// The account a login name designates. An ID number finds the account holding it, a digit
/// string the lawyer or legal worker with that licence, anything else a staff login.
pub fn find_by_login(
    conn: &mut PgConnection,
    login: &LoginName,
) -> QueryResult<Option<AccountRow>> {
    let query = accounts::table.select(AccountRow::as_select()).into_boxed();
    let query = match login {
        LoginName::IdNumber(id) => query.filter(accounts::id_number.eq(id)),
        LoginName::Licence(licence) => query.filter(accounts::licence_number.eq(licence)),
        LoginName::Login(login) => query.filter(accounts::login.eq(login)),
    };
    query.first(conn).optional()
}

/// Whether another account in use (active or being verified) holds `phone`.
pub fn phone_taken(
    conn: &mut PgConnection,
    phone: &str,
    except: Option<Uuid>,
) -> QueryResult<bool> {
    let mut query = accounts::table
        .filter(accounts::phone.eq(phone))
        .filter(accounts::status.eq_any(["pending_verification", "active"]))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(accounts::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

pub fn licence_taken(
    conn: &mut PgConnection,
    licence: &str,
    except: Option<Uuid>,
) -> QueryResult<bool> {
    let mut query = accounts::table
        .filter(accounts::licence_number.eq(licence))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(accounts::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

pub fn login_taken(conn: &mut PgConnection, login: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::login.eq(login)),
    ))
    .get_result(conn)
}

/// Changes for an existing account; `None` leaves a column alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = accounts)]
pub struct AccountChanges<'a> {
    pub role: Option<&'a str>,
    pub status: Option<&'a str>,
    pub name: Option<&'a str>,
    pub licence_number: Option<Option<&'a str>>,
    pub phone: Option<Option<&'a str>>,
    pub email: Option<Option<&'a str>>,
    pub password_hash: Option<&'a str>,
    pub must_change_password: Option<bool>,
    pub updated_at: Option<DateTime<Utc>>,
}

pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    changes: AccountChanges<'_>,
) -> QueryResult<AccountRow> {
    let changes = AccountChanges {
        updated_at: Some(Utc::now()),
        ..changes
    };
    diesel::update(accounts::table.find(id))
        .set(changes)
        .returning(AccountRow::as_returning())
        .get_result(conn)
}

/// The registry facts of a lawyer.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = lawyer_profiles)]
pub struct LawyerProfile {
    pub account_id: Uuid,
    pub gender: String,
    pub ethnicity: String,
    pub licence_date: NaiveDate,
    pub qualification_number: String,
    pub qualification_date: NaiveDate,
    pub practice_start_date: NaiveDate,
    pub law_firm: String,
}

pub fn upsert_lawyer_profile(conn: &mut PgConnection, profile: &LawyerProfile) -> QueryResult<()> {
    diesel::insert_into(lawyer_profiles::table)
        .values(profile)
        .on_conflict(lawyer_profiles::account_id)
        .do_update()
        .set(profile)
        .execute(conn)?;
    Ok(())
}

pub fn lawyer_profile(
    conn: &mut PgConnection,
    account: Uuid,
) -> QueryResult<Option<LawyerProfile>> {
    lawyer_profiles::table
        .find(account)
        .select(LawyerProfile::as_select())
        .first(conn)
        .optional()
}
