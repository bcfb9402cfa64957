//! What operators and administrators provision: staff accounts (judges and
//! administrators), the import of lawyers from the legacy platform, and integration
//! clients. The command line and the administrators' endpoints call the same functions.

use std::collections::BTreeSet;
use std::fmt;

use chrono::Utc;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, PgConnection};
use serde_json::json;
use uuid::Uuid;

use crate::auth::passwords::{check_new_password, default_password, hash_password};
use crate::auth::tokens::{random_token, token_hash};
use crate::auth::{MINI_PROGRAM_SCOPE, TRIAL_SYSTEM_SCOPE};
use crate::domain::calendar::shanghai_date;
use crate::domain::licence::LicenceNumber;
use crate::domain::name::PersonName;
use crate::domain::phone::MobilePhone;
use crate::domain::resident_id::ResidentIdNumber;
use crate::domain::sms::SmsTemplate;
use crate::domain::text::{is_blank, trim_blanks};
use crate::errors::{ApiError, Code, FieldError};
use crate::store::accounts::{self, AccountRow, AccountStatus, LoginName, NewAccount, Role};
use crate::store::audit::{self, Actor, ActorKind, Change};
use crate::store::sms::{self, Recipient};
use crate::store::{clients, reference};

/// The author of changes made on the command line of the server (an operator with access
/// to the database, not an account).
pub fn cli_actor() -> Actor {
    Actor {
        kind: ActorKind::System,
        id: Some("cli".to_owned()),
        client: Some("cli".to_owned()),
        request_id: None,
    }
}

// --- Staff accounts -------------------------------------------------------------------

/// Shortest staff login name, in characters.
pub const LOGIN_MIN: usize = 3;
/// Longest staff login name, in characters.
pub const LOGIN_MAX: usize = 64;

/// A staff account as typed by an administrator or an operator (not `Debug`: it holds the
/// password).
#[derive(Clone, Copy)]
pub struct StaffInput<'a> {
    /// `judge` or `admin`.
    pub role: &'a str,
    pub login: &'a str,
    pub name: &'a str,
    pub password: &'a str,
    /// The court of a judge (required for judges, optional for administrators).
    pub court_code: Option<&'a str>,
}

/// A validated staff account, its password already hashed, ready to be created.
#[derive(Clone)]
pub struct NewStaff {
    pub role: Role,
    /// Lower-case login name.
    pub login: String,
    pub name: String,
    pub court_code: Option<String>,
    pub password_hash: String,
    /// True when someone other than the holder chose the password (an administrator
    /// creating a judge): the holder must replace it at the first login.
    pub must_change_password: bool,
}

impl fmt::Debug for NewStaff {
    /// Leaves the password hash out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewStaff")
            .field("role", &self.role)
            .field("login", &self.login)
            .field("court_code", &self.court_code)
            .finish_non_exhaustive()
    }
}

/// Reads a staff login name: 3 to 64 ASCII letters, digits, `.`, `-` or `_`, stored
/// lower-case. A name of digits only, or one that reads as a resident ID number, is
/// refused: the login form would take it for a licence or ID number, and its holder could
/// never log in.
pub fn parse_staff_login(raw: &str) -> Result<String, FieldError> {
    let login = trim_blanks(raw);
    if login.is_empty() {
        return Err(FieldError::new("login", Code::FieldRequired));
    }
    let shape_ok = (LOGIN_MIN..=LOGIN_MAX).contains(&login.chars().count())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !shape_ok {
        return Err(FieldError::new("login", Code::LoginInvalid));
    }
    let today = shanghai_date(Utc::now());
    if login.chars().all(|c| c.is_ascii_digit()) || ResidentIdNumber::parse(login, today).is_ok() {
        return Err(FieldError {
            field: "login".into(),
            code: Code::LoginInvalid,
            message: Some(
                "登录名不能全是数字，也不能是身份证号：登录时会被当作执业证号或身份证号。".into(),
            ),
        });
    }
    Ok(login.to_ascii_lowercase())
}

/// Validates a staff account, collecting every invalid field, and hashes its password
/// (slow: call it before opening the transaction).
pub fn prepare_staff(
    input: &StaffInput<'_>,
    must_change_password: bool,
) -> Result<NewStaff, ApiError> {
    let mut errors = Vec::new();
    let role = match trim_blanks(input.role) {
        "judge" => Some(Role::Judge),
        "admin" => Some(Role::Admin),
        "" => {
            errors.push(FieldError::new("role", Code::FieldRequired));
            None
        }
        _ => {
            errors.push(FieldError::new("role", Code::RoleInvalid));
            None
        }
    };
    let login = parse_staff_login(input.login)
        .map_err(|e| errors.push(e))
        .ok();
    let name = PersonName::parse(input.name)
        .map_err(|code| errors.push(FieldError::new("name", code)))
        .ok();
    if let Err(code) = check_new_password(input.password, None) {
        errors.push(FieldError::new("password", code));
    }
    let court_code = input
        .court_code
        .map(trim_blanks)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    if role == Some(Role::Judge) && court_code.is_none() {
        errors.push(FieldError::new("court_code", Code::FieldRequired));
    }
    let (Some(role), Some(login), Some(name)) = (role, login, name) else {
        return Err(ApiError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let password_hash = hash_password(input.password).map_err(ApiError::internal)?;
    Ok(NewStaff {
        role,
        login,
        name: name.as_str().to_owned(),
        court_code,
        password_hash,
        must_change_password,
    })
}

/// Creates a staff account, active at once, with its audit row. The court must exist and
/// the login name must be free (`account.login_taken`).
pub fn create_staff(
    conn: &mut PgConnection,
    staff: &NewStaff,
    actor: &Actor,
) -> Result<AccountRow, ApiError> {
    if let Some(code) = &staff.court_code
        && reference::find_court(conn, code)?.is_none()
    {
        return Err(ApiError::field("court_code", Code::CourtNotFound));
    }
    if accounts::login_taken(conn, &staff.login)? {
        return Err(ApiError::new(Code::LoginTaken));
    }
    let account = accounts::insert(
        conn,
        &NewAccount {
            id: Uuid::new_v4(),
            role: staff.role.as_str(),
            status: AccountStatus::Active.as_str(),
            name: &staff.name,
            id_number: None,
            licence_number: None,
            login: Some(&staff.login),
            phone: None,
            landline: None,
            password_hash: &staff.password_hash,
            must_change_password: staff.must_change_password,
            court_code: staff.court_code.as_deref(),
        },
    )
    .map_err(|error| match &error {
        // Another request took the login between the check and the insert.
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
            if info.constraint_name() == Some("accounts_login_key") =>
        {
            ApiError::new(Code::LoginTaken)
        }
        _ => ApiError::from(error),
    })?;
    audit::record(
        conn,
        actor,
        &Change {
            action: "account.created",
            subject_type: "account",
            subject_id: &account.id.to_string(),
            details: json!({
                "role": staff.role.as_str(),
                "login": staff.login,
                "court_code": staff.court_code,
                "must_change_password": staff.must_change_password,
            }),
        },
    )?;
    Ok(account)
}

// --- Lawyers imported from the legacy platform ------------------------------------------

/// The header of an import file, exactly.
pub const LAWYER_IMPORT_HEADER: &[&str] =
    &["name", "id_number", "licence_number", "phone", "law_firm"];

/// What the import did with each data line of the file.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub lines: Vec<ImportLine>,
}

/// One data line and its outcome.
#[derive(Debug)]
pub struct ImportLine {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    pub outcome: ImportOutcome,
}

/// What happened to a line.
#[derive(Debug)]
pub enum ImportOutcome {
    /// A lawyer account was created.
    Created {
        account_id: Uuid,
        /// Things worth telling about the phone column.
        notes: Vec<ImportNote>,
    },
    /// An account already holds the ID number or the licence number: nothing was changed.
    Skipped {
        reason: SkipReason,
        account_id: Uuid,
    },
    /// The line is invalid; nothing was created.
    Refused { errors: Vec<FieldError> },
}

/// Why an existing account made a line be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    IdNumberExists,
    LicenceNumberExists,
}

/// Remarks on a created account's phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportNote {
    /// The number is a landline: kept as such, no SMS can reach it.
    Landline,
    /// The mobile phone is bound to another account, so it was not bound to this one.
    PhoneTaken,
    /// The phone column was not a phone number at all; it was left out.
    PhoneNotRecognised,
}

impl ImportReport {
    /// Lines that created an account.
    pub fn created(&self) -> usize {
        self.count(|o| matches!(o, ImportOutcome::Created { .. }))
    }

    /// Lines skipped because an account already holds their ID or licence number.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, ImportOutcome::Skipped { .. }))
    }

    /// Invalid lines.
    pub fn refused(&self) -> usize {
        self.count(|o| matches!(o, ImportOutcome::Refused { .. }))
    }

    fn count(&self, which: impl Fn(&ImportOutcome) -> bool) -> usize {
        self.lines.iter().filter(|l| which(&l.outcome)).count()
    }

    fn line_numbers(&self, which: impl Fn(&ImportOutcome) -> bool) -> String {
        let numbers: Vec<String> = self
            .lines
            .iter()
            .filter(|l| which(&l.outcome))
            .map(|l| l.line.to_string())
            .collect();
        match numbers.len() {
            0 => String::new(),
            1 => format!(" (line {})", numbers[0]),
            _ => format!(" (lines {})", numbers.join(", ")),
        }
    }
}

impl fmt::Display for ImportReport {
    /// One line per noteworthy data line, then the summary. Never shows ID numbers or
    /// phone numbers: the line number says which row is meant.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            match &line.outcome {
                ImportOutcome::Created { account_id, notes } => {
                    write!(f, "line {}: created account {account_id}", line.line)?;
                    for note in notes {
                        f.write_str(match note {
                            ImportNote::Landline => "; landline kept, no SMS possible",
                            ImportNote::PhoneTaken => {
                                "; mobile phone not bound: another account holds it"
                            }
                            ImportNote::PhoneNotRecognised => {
                                "; phone left out: not a phone number"
                            }
                        })?;
                    }
                    writeln!(f)?;
                }
                ImportOutcome::Skipped { reason, account_id } => writeln!(
                    f,
                    "line {}: skipped: account {account_id} already holds this {}",
                    line.line,
                    match reason {
                        SkipReason::IdNumberExists => "ID number",
                        SkipReason::LicenceNumberExists => "licence number",
                    }
                )?,
                ImportOutcome::Refused { errors } => {
                    let problems: Vec<String> = errors
                        .iter()
                        .map(|e| match &e.message {
                            Some(message) => format!("{}: {message}", e.field),
                            None => format!(
                                "{}: {} ({})",
                                e.field,
                                e.code.message(crate::errors::Lang::En),
                                e.code
                            ),
                        })
                        .collect();
                    writeln!(f, "line {}: refused: {}", line.line, problems.join("; "))?;
                }
            }
        }
        write!(
            f,
            "created {}, skipped {}{}, refused {}{}",
            self.created(),
            self.skipped(),
            self.line_numbers(|o| matches!(o, ImportOutcome::Skipped { .. })),
            self.refused(),
            self.line_numbers(|o| matches!(o, ImportOutcome::Refused { .. })),
        )
    }
}

/// A validated import line.
struct LawyerLine {
    name: String,
    id_number: String,
    licence_number: String,
    phone: ImportPhone,
    law_firm: Option<String>,
}

enum ImportPhone {
    None,
    Mobile(String),
    Landline(String),
    NotRecognised,
}

/// Imports lawyer accounts from the legacy platform's CSV export (header
/// `name,id_number,licence_number,phone,law_firm`).
///
/// Each line is handled in a transaction of its own, so a bad line never stops the good
/// ones; call this outside any transaction. A new account is an active lawyer whose
/// password is the default one (the last eight characters of the ID number), to be changed
/// at the first login. A line whose ID number or licence number an account already holds is
/// skipped, never merged, so running the same file twice changes nothing. A mobile phone is
/// bound unless another account holds it; a landline is kept as such. Every created account
/// gets an SMS naming its login (recorded as not sent when there is no mobile phone) and an
/// audit row; the law firm is kept in that audit row, accounts having no column for it.
///
/// # Errors
///
/// A file that cannot be read as the expected CSV at all (empty, wrong header), or a
/// database failure; a line that is merely invalid is reported in the result instead.
pub fn import_lawyers(
    conn: &mut PgConnection,
    csv_text: &str,
    actor: &Actor,
) -> anyhow::Result<ImportReport> {
    let today = shanghai_date(Utc::now());
    let mut report = ImportReport::default();
    for row in csv_rows(csv_text, LAWYER_IMPORT_HEADER)? {
        let outcome = match row.record {
            Err(problem) => ImportOutcome::Refused {
                errors: vec![FieldError {
                    field: "line".into(),
                    code: Code::BodyInvalid,
                    message: Some(problem),
                }],
            },
            Ok(values) => match validate_lawyer_line(&values, today) {
                Err(errors) => ImportOutcome::Refused { errors },
                Ok(lawyer) => import_one(conn, &lawyer, row.line, actor)?,
            },
        };
        report.lines.push(ImportLine {
            line: row.line,
            outcome,
        });
    }
    Ok(report)
}

fn validate_lawyer_line(
    values: &[String],
    today: chrono::NaiveDate,
) -> Result<LawyerLine, Vec<FieldError>> {
    let value = |index: usize| values.get(index).map(String::as_str).unwrap_or_default();
    let mut errors = Vec::new();
    let name = match PersonName::parse(value(0)) {
        Ok(name) if name.is_unnamed() => {
            errors.push(FieldError::new("name", Code::NameUnnamed));
            None
        }
        Ok(name) => Some(name.as_str().to_owned()),
        Err(code) => {
            errors.push(FieldError::new("name", code));
            None
        }
    };
    let id_number = ResidentIdNumber::parse(value(1), today)
        .map(|id| id.as_str().to_owned())
        .map_err(|code| errors.push(FieldError::new("id_number", code)))
        .ok();
    let licence_number = LicenceNumber::parse(value(2))
        .map(|l| l.as_str().to_owned())
        .map_err(|code| errors.push(FieldError::new("licence_number", code)))
        .ok();
    let raw_phone = trim_blanks(value(3));
    let phone = if raw_phone.is_empty() {
        ImportPhone::None
    } else {
        match MobilePhone::parse(raw_phone) {
            Ok(mobile) => ImportPhone::Mobile(mobile.as_str().to_owned()),
            // Well-formed but not a mobile: a landline (or a service number), kept as typed.
            Err(Code::PhoneNotMobile) => ImportPhone::Landline(
                raw_phone
                    .chars()
                    .map(|c| if is_blank(c) { ' ' } else { c })
                    .collect(),
            ),
            Err(_) => ImportPhone::NotRecognised,
        }
    };
    let law_firm = Some(trim_blanks(value(4)).to_owned()).filter(|f| !f.is_empty());
    match (name, id_number, licence_number) {
        (Some(name), Some(id_number), Some(licence_number)) if errors.is_empty() => {
            Ok(LawyerLine {
                name,
                id_number,
                licence_number,
                phone,
                law_firm,
            })
        }
        _ => Err(errors),
    }
}

/// An account already holding the line's ID number or licence number.
fn existing_holder(
    conn: &mut PgConnection,
    lawyer: &LawyerLine,
) -> Result<Option<(SkipReason, Uuid)>, DieselError> {
    let by_id = accounts::find_by_login(conn, &LoginName::IdNumber(lawyer.id_number.clone()))?;
    if let Some(account) = by_id {
        return Ok(Some((SkipReason::IdNumberExists, account.id)));
    }
    let by_licence =
        accounts::find_by_login(conn, &LoginName::Licence(lawyer.licence_number.clone()))?;
    Ok(by_licence.map(|account| (SkipReason::LicenceNumberExists, account.id)))
}

fn import_one(
    conn: &mut PgConnection,
    lawyer: &LawyerLine,
    line: u64,
    actor: &Actor,
) -> anyhow::Result<ImportOutcome> {
    // Checked before hashing, so that running a large file again costs no hashing; checked
    // again inside the transaction, where it counts.
    if let Some((reason, account_id)) = existing_holder(conn, lawyer)? {
        return Ok(ImportOutcome::Skipped { reason, account_id });
    }
    let password_hash = hash_password(&default_password(&lawyer.id_number))?;
    let result = conn.transaction::<ImportOutcome, DieselError, _>(|conn| {
        if let Some((reason, account_id)) = existing_holder(conn, lawyer)? {
            return Ok(ImportOutcome::Skipped { reason, account_id });
        }
        let mut notes = Vec::new();
        let (phone, landline) = match &lawyer.phone {
            ImportPhone::None => (None, None),
            ImportPhone::Mobile(phone) => {
                if accounts::phone_taken(conn, phone, None)? {
                    notes.push(ImportNote::PhoneTaken);
                    (None, None)
                } else {
                    (Some(phone.as_str()), None)
                }
            }
            ImportPhone::Landline(landline) => {
                notes.push(ImportNote::Landline);
                (None, Some(landline.as_str()))
            }
            ImportPhone::NotRecognised => {
                notes.push(ImportNote::PhoneNotRecognised);
                (None, None)
            }
        };
        let account = accounts::insert(
            conn,
            &NewAccount {
                id: Uuid::new_v4(),
                role: Role::Lawyer.as_str(),
                status: AccountStatus::Active.as_str(),
                name: &lawyer.name,
                id_number: Some(&lawyer.id_number),
                licence_number: Some(&lawyer.licence_number),
                login: None,
                phone,
                landline,
                password_hash: &password_hash,
                must_change_password: true,
                court_code: None,
            },
        )?;
        sms::enqueue(
            conn,
            Recipient {
                account_id: Some(account.id),
                phone,
            },
            &SmsTemplate::LegacyLawyerImported {
                licence_number: lawyer.licence_number.clone(),
            },
        )?;
        audit::record(
            conn,
            actor,
            &Change {
                action: "account.imported",
                subject_type: "account",
                subject_id: &account.id.to_string(),
                details: json!({
                    "role": Role::Lawyer.as_str(),
                    "source": "legacy_lawyers",
                    "line": line,
                    "law_firm": lawyer.law_firm,
                    "phone_bound": phone.is_some(),
                    "landline": landline.is_some(),
                    "phone_taken": notes.contains(&ImportNote::PhoneTaken),
                }),
            },
        )?;
        Ok(ImportOutcome::Created {
            account_id: account.id,
            notes,
        })
    });
    match result {
        Ok(outcome) => Ok(outcome),
        // A registration took the ID number, licence number or phone meanwhile: the line
        // is reported, and running the file again settles it.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
            let (field, code) = match info.constraint_name() {
                Some("accounts_phone_key") => ("phone", Code::PhoneTaken),
                Some("accounts_licence_number_key") => {
                    ("licence_number", Code::RegistrationLicenceTaken)
                }
                _ => ("id_number", Code::RegistrationIdNumberTaken),
            };
            Ok(ImportOutcome::Refused {
                errors: vec![FieldError::new(field, code)],
            })
        }
        Err(error) => Err(error.into()),
    }
}

/// A data line of a CSV file: its values, or why it cannot be read.
struct CsvRow {
    line: u64,
    record: Result<Vec<String>, String>,
}

/// Splits CSV text into trimmed rows after checking that the first line is exactly
/// `header`. A byte-order mark (spreadsheet programs write one) and blank lines are
/// ignored; a line with another number of fields is reported as such, not fatal.
fn csv_rows(text: &str, header: &[&str]) -> anyhow::Result<Vec<CsvRow>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut header_seen = false;
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| line_at(text, p.byte()));
                if !header_seen {
                    anyhow::bail!("line {line}: not valid CSV: {error}");
                }
                rows.push(CsvRow {
                    line,
                    record: Err(format!("not valid CSV: {error}")),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        let values: Vec<String> = record.iter().map(|v| trim_blanks(v).to_owned()).collect();
        if !header_seen {
            if values != header {
                anyhow::bail!(
                    "line {line}: the header must be {:?}, not {:?}",
                    header.join(","),
                    values.join(",")
                );
            }
            header_seen = true;
            continue;
        }
        let record = if values.len() == header.len() {
            Ok(values)
        } else {
            Err(format!(
                "expected {} fields, found {}",
                header.len(),
                values.len()
            ))
        };
        rows.push(CsvRow { line, record });
    }
    if !header_seen {
        anyhow::bail!(
            "line 1: the file is empty; the header must be {:?}",
            header.join(",")
        );
    }
    Ok(rows)
}

/// The line a record starting at byte `offset` is on. The CSV reader's own line count
/// leaves out blank lines, and its offset may point at blank lines it skipped before the
/// record, so both are accounted for here.
fn line_at(text: &str, offset: u64) -> u64 {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let after = text.get(offset..).unwrap_or_default();
    let blank_lines_skipped = after
        .split('\n')
        .take_while(|line| line.trim_end_matches('\r').is_empty())
        .count()
        .min(after.matches('\n').count());
    let line = before.matches('\n').count() + 1 + blank_lines_skipped;
    u64::try_from(line).unwrap_or(u64::MAX)
}

// --- Integration clients --------------------------------------------------------------

/// The scopes a client can be given.
pub const KNOWN_SCOPES: &[&str] = &[MINI_PROGRAM_SCOPE, TRIAL_SYSTEM_SCOPE];

/// Longest client name, in characters.
pub const CLIENT_NAME_MAX: usize = 64;

/// A new client and its key, shown once: only the hash of the secret is stored.
pub struct CreatedClient {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<String>,
    /// `<client id>.<secret>`, sent as `Authorization: Bearer <key>`.
    pub key: String,
}

impl fmt::Debug for CreatedClient {
    /// Leaves the key out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedClient")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Creates an integration client with a fresh random secret, and its audit row.
///
/// # Errors
///
/// A name that is empty, too long or holds control characters, a name another client
/// has, no scope, a scope not in [`KNOWN_SCOPES`], or a database failure; each message says
/// which.
pub fn create_client(
    conn: &mut PgConnection,
    name: &str,
    scopes: &[String],
    actor: &Actor,
) -> anyhow::Result<CreatedClient> {
    let name = trim_blanks(name);
    if name.is_empty() {
        anyhow::bail!("the client name is empty");
    }
    if name.chars().count() > CLIENT_NAME_MAX {
        anyhow::bail!("the client name is longer than {CLIENT_NAME_MAX} characters");
    }
    if name.chars().any(char::is_control) {
        anyhow::bail!("the client name contains control characters");
    }
    let scopes: BTreeSet<String> = scopes.iter().map(|s| s.trim().to_owned()).collect();
    if scopes.is_empty() {
        anyhow::bail!(
            "give the client at least one scope (known scopes: {})",
            KNOWN_SCOPES.join(", ")
        );
    }
    let unknown: Vec<&str> = scopes
        .iter()
        .map(String::as_str)
        .filter(|s| !KNOWN_SCOPES.contains(s))
        .collect();
    if !unknown.is_empty() {
        anyhow::bail!(
            "unknown scope {} (known scopes: {})",
            unknown
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            KNOWN_SCOPES.join(", ")
        );
    }
    let scopes: Vec<String> = scopes.into_iter().collect();
    let secret = random_token();
    let created = conn.transaction::<Uuid, DieselError, _>(|conn| {
        let id = clients::insert(conn, name, &token_hash(&secret), &scopes)?;
        audit::record(
            conn,
            actor,
            &Change {
                action: "service_client.created",
                subject_type: "service_client",
                subject_id: &id.to_string(),
                details: json!({"name": name, "scopes": scopes}),
            },
        )?;
        Ok(id)
    });
    let id = match created {
        Ok(id) => id,
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info))
            if info.constraint_name() == Some("service_clients_name_key") =>
        {
            anyhow::bail!("a client named {name:?} already exists; choose another name")
        }
        Err(error) => return Err(error.into()),
    };
    Ok(CreatedClient {
        id,
        name: name.to_owned(),
        scopes,
        key: format!("{id}.{secret}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_logins_are_lower_cased_and_never_look_like_other_logins() {
        assert_eq!(parse_staff_login(" Judge.Li ").unwrap(), "judge.li");
        assert_eq!(parse_staff_login("a_b-c").unwrap(), "a_b-c");
        for bad in ["ab", "张法官", "a b", "a@b", &"a".repeat(65)] {
            assert_eq!(
                parse_staff_login(bad).unwrap_err().code,
                Code::LoginInvalid,
                "{bad}"
            );
        }
        assert_eq!(parse_staff_login("").unwrap_err().code, Code::FieldRequired);
        assert_eq!(
            parse_staff_login("12345678").unwrap_err().code,
            Code::LoginInvalid
        );
        assert_eq!(
            parse_staff_login("11010519491231002x").unwrap_err().code,
            Code::LoginInvalid
        );
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_and_report_short_lines() {
        let header = &["a", "b"];
        let rows = csv_rows("\u{FEFF}a, b\n1, x \n\n2\n3,\"y, z\"\n", header).unwrap();
        let seen: Vec<(u64, Result<Vec<String>, String>)> =
            rows.into_iter().map(|r| (r.line, r.record)).collect();
        assert_eq!(seen[0], (2, Ok(vec!["1".to_owned(), "x".to_owned()])));
        assert_eq!(seen[1].0, 4);
        assert!(seen[1].1.is_err());
        assert_eq!(seen[2], (5, Ok(vec!["3".to_owned(), "y, z".to_owned()])));
        assert!(csv_rows("", header).is_err());
        assert!(
            csv_rows("a,c\n", header)
                .err()
                .unwrap()
                .to_string()
                .starts_with("line 1:")
        );
    }

    #[test]
    fn import_lines_are_validated_field_by_field() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let line = |v: [&str; 5]| v.map(str::to_owned).to_vec();
        let ok = validate_lawyer_line(
            &line([
                "测试律甲",
                "370102198005120115",
                "1370 1201 5100 00001",
                "0531-86123456",
                "",
            ]),
            today,
        )
        .ok()
        .unwrap();
        assert_eq!(ok.licence_number, "13701201510000001");
        assert!(matches!(ok.phone, ImportPhone::Landline(ref l) if l == "0531-86123456"));
        assert!(ok.law_firm.is_none());
        let errors = validate_lawyer_line(&line(["", "370102198005120116", "12", "", ""]), today)
            .err()
            .unwrap();
        let codes: Vec<(&str, Code)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            [
                ("name", Code::NameRequired),
                ("id_number", Code::IdNumberChecksum),
                ("licence_number", Code::LicenceNumberFormat)
            ]
        );
    }
}
