//! Registered cases: what the trial system pushes, what docketing here registers, and the
//! lookups that turn one into the original or main case of a new filing.
//!
//! Nobody browses registered cases. A case is found by its case number and registration
//! number (which together open it), or by the name and identity number of one of its
//! parties (the caller's own, or a client's for a lawyer or legal worker). A lookup that
//! finds a case records the grant; only an account holding one (or a party of the case,
//! matched by verified identity number) may act on the case by id.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, PgConnection};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::domain::calendar::shanghai_date;
use crate::domain::case_number::CaseNumber;
use crate::domain::catalogue::Catalogue;
use crate::domain::filing::Key;
use crate::domain::kinds::{FilingKind, KindLookup, PartyRole, lookup_kind};
use crate::domain::name::{OrganisationName, PersonName};
use crate::domain::party::PartyInput;
use crate::domain::registered_case::{
    self, CaseFacts, CaseStatus, Purpose, PushedCase, findable, parse_registration_number,
    roles_in_new_filing,
};
use crate::domain::text::{fold_width, is_blank, trim_blanks};
use crate::errors::{ApiError, Code, FieldError};
use crate::services::filings::{self, FilingDetail, Precondition};
use crate::store::accounts::{AccountRow, Role};
use crate::store::audit::{self, Actor, Change};
use crate::store::case_numbers::{self, SequenceKey, Source};
use crate::store::filings::PartyRow as FilingPartyRow;
use crate::store::registered_cases::{
    self as store, CaseRow, CaseValues, Origin, PartyLookupFilter, PartyRow, PartyValues,
};
use crate::store::sessions;

/// Failed lookups allowed per account in one window …
const LOOKUP_MISSES_ALLOWED: i32 = 20;
/// … and per client address (many accounts may share one: a law firm, a court's terminals);
const LOOKUP_MISSES_ALLOWED_PER_ADDRESS: i32 = 200;
/// … of this many minutes; a key that reaches the limit is locked as long.
const LOOKUP_WINDOW_MINUTES: i64 = 15;

/// The most cases a lookup by party details returns.
const MAX_PARTY_HITS: i64 = 50;

use crate::services::filings::APPEAL_KINDS;

// --- Pushes from the trial system ---------------------------------------------------------

/// What became of one case of a push.
#[derive(Debug, Clone)]
pub struct PushOutcome {
    /// The position of the case in the push, from 0.
    pub index: usize,
    /// The canonical case number, when it could be read.
    pub case_number: Option<String>,
    /// `created`, `updated`, `unchanged` or `rejected`.
    pub outcome: &'static str,
    /// Why a case was rejected, with fields named as in the case.
    pub errors: Vec<FieldError>,
}

/// Applies a push: each case is created, updated or left as it is in its own savepoint; a
/// rejected case is reported and leaves the others alone.
pub fn push(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    client: Uuid,
    actor: &Actor,
    cases: &[Value],
    now: DateTime<Utc>,
) -> Result<Vec<PushOutcome>, ApiError> {
    let today = shanghai_date(now);
    let mut outcomes: Vec<Option<PushOutcome>> = vec![None; cases.len()];
    let mut valid = Vec::new();
    for (index, value) in cases.iter().enumerate() {
        let (input, mut errors) = registered_case::read_pushed(value);
        let checked = if value.is_object() {
            registered_case::validate_pushed(&input, catalogue, today)
        } else {
            Err(Vec::new())
        };
        match checked {
            Ok(case) if errors.is_empty() => valid.push((index, case)),
            checked => {
                let read: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
                errors.extend(
                    checked
                        .err()
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|e| !read.contains(&e.field)),
                );
                let number = input
                    .case_number
                    .as_deref()
                    .and_then(|n| CaseNumber::parse(n, catalogue, today).ok())
                    .map(|n| n.as_str().to_owned());
                outcomes[index] = Some(PushOutcome {
                    index,
                    case_number: number,
                    outcome: "rejected",
                    errors,
                });
            }
        }
    }
    // A case number given twice in one push: the first is taken, the others reported.
    let mut seen = std::collections::HashSet::new();
    valid.retain(|(index, case)| {
        if seen.insert(case.case_number.as_str().to_owned()) {
            return true;
        }
        outcomes[*index] = Some(PushOutcome {
            index: *index,
            case_number: Some(case.case_number.as_str().to_owned()),
            outcome: "rejected",
            errors: vec![FieldError::new(
                "case_number",
                Code::RegisteredCaseDuplicateInPush,
            )],
        });
        false
    });
    // Every case number and registration number of the push is locked before anything is
    // written, all in one order: concurrent pushes touching the same numbers wait for each
    // other instead of deadlocking.
    let mut keys: Vec<String> = valid
        .iter()
        .flat_map(|(_, case)| {
            [
                format!("case:{}", case.case_number.as_str()),
                format!("registration:{}", case.registration_number),
            ]
        })
        .collect();
    keys.sort();
    keys.dedup();
    for key in &keys {
        store::lock_number(conn, key)?;
    }
    valid.sort_by(|a, b| a.1.case_number.as_str().cmp(b.1.case_number.as_str()));
    for (index, case) in valid {
        let number = case.case_number.as_str().to_owned();
        let result = conn.transaction(|conn| upsert_pushed(conn, &case, client, actor, now));
        outcomes[index] = Some(match result {
            Ok(outcome) => PushOutcome {
                index,
                case_number: Some(number),
                outcome,
                errors: Vec::new(),
            },
            Err(RowError::Refused(field, code)) => PushOutcome {
                index,
                case_number: Some(number),
                outcome: "rejected",
                errors: vec![FieldError::new(field, code)],
            },
            Err(RowError::Database(e)) => return Err(e.into()),
        });
    }
    Ok(outcomes.into_iter().flatten().collect())
}

enum RowError {
    Refused(&'static str, Code),
    Database(DieselError),
}

impl From<DieselError> for RowError {
    fn from(e: DieselError) -> RowError {
        match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, ref info)
                if info
                    .constraint_name()
                    .is_some_and(|c| c.contains("registration_number")) =>
            {
                RowError::Refused(
                    "registration_number",
                    Code::RegisteredCaseRegistrationNumberTaken,
                )
            }
            e => RowError::Database(e),
        }
    }
}

fn upsert_pushed(
    conn: &mut PgConnection,
    case: &PushedCase,
    client: Uuid,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<&'static str, RowError> {
    let number = &case.case_number;
    let year = i16::try_from(number.year()).expect("a four-digit year");
    let values = CaseValues {
        registration_number: &case.registration_number,
        court_code: number.court_code(),
        year,
        type_code: number.type_code(),
        cause: case.cause.as_deref(),
        status: case.status.as_str(),
        registered_on: case.registered_on,
        closed_on: case.closed_on,
        judgment_document_number: case.judgment_document_number.as_deref(),
    };
    let parties: Vec<PartyValues> = case
        .parties
        .iter()
        .map(|p| {
            let mut input = PartyInput::from(&p.party);
            input.role = Some(p.role.as_str().to_owned());
            PartyValues {
                role: p.role.as_str().to_owned(),
                party_type: p.party.party_type().as_str().to_owned(),
                name: p.party.name().to_owned(),
                identity_number: p.identity_number(),
                details: serde_json::to_value(&input).expect("a party serialises"),
            }
        })
        .collect();

    // The number is in use from now on: docketing never hands it out. Recorded first, as
    // docketing does, so that a docketing of the same number running now finishes (and is
    // found below) or skips it.
    if let Ok(sequence) = i32::try_from(number.sequence()) {
        case_numbers::record(
            conn,
            number.as_str(),
            SequenceKey {
                court_code: number.court_code(),
                year,
                type_code: number.type_code(),
            },
            sequence,
            Source::TrialSystem,
            None,
        )?;
    }
    let (row, outcome) = match store::find_by_number(conn, number.as_str(), true)? {
        Some(existing) => {
            if existing.registration_number != case.registration_number {
                return Err(RowError::Refused(
                    "registration_number",
                    Code::RegisteredCaseRegistrationNumberChanged,
                ));
            }
            let stored = store::parties(conn, existing.id)?;
            let changed = !same_facts(&existing, &values) || !same_parties(&stored, &parties);
            let row = store::update_pushed(conn, existing.id, &values, client, now, changed)?;
            if changed {
                store::replace_parties(conn, row.id, &parties)?;
            }
            (row, if changed { "updated" } else { "unchanged" })
        }
        None => {
            if store::registration_number_used(conn, &case.registration_number)? {
                return Err(RowError::Refused(
                    "registration_number",
                    Code::RegisteredCaseRegistrationNumberTaken,
                ));
            }
            let row = store::insert(
                conn,
                number.as_str(),
                &values,
                Origin::TrialSystem { client, at: now },
            )?;
            store::replace_parties(conn, row.id, &parties)?;
            (row, "created")
        }
    };
    if outcome != "unchanged" {
        audit::record(
            conn,
            actor,
            &Change {
                action: if outcome == "created" {
                    "registered_case.pushed"
                } else {
                    "registered_case.updated"
                },
                subject_type: "registered_case",
                subject_id: &row.id.to_string(),
                details: json!({ "case_number": row.case_number, "status": row.status }),
            },
        )?;
    }
    Ok(outcome)
}

fn same_facts(row: &CaseRow, values: &CaseValues<'_>) -> bool {
    row.cause.as_deref() == values.cause
        && row.status == values.status
        && row.registered_on == values.registered_on
        && row.closed_on == values.closed_on
        && row.judgment_document_number.as_deref() == values.judgment_document_number
}

fn same_parties(stored: &[PartyRow], pushed: &[PartyValues]) -> bool {
    stored.len() == pushed.len()
        && stored.iter().zip(pushed).all(|(s, p)| {
            s.role == p.role
                && s.party_type == p.party_type
                && s.name == p.name
                && s.identity_number == p.identity_number
                && s.details == p.details
        })
}

/// Records a case docketed here, so that it can be found like a pushed one (an
/// in-litigation preservation by another account, say) before the trial system pushes it.
#[allow(clippy::too_many_arguments)]
pub fn record_docketed(
    conn: &mut PgConnection,
    filing: Uuid,
    case_number: &str,
    key: SequenceKey<'_>,
    registration_number: &str,
    cause: Option<&str>,
    parties: &[FilingPartyRow],
    today: NaiveDate,
) -> Result<(), ApiError> {
    if store::find_by_number(conn, case_number, false)?.is_some() {
        return Ok(());
    }
    let values = CaseValues {
        registration_number,
        court_code: key.court_code,
        year: key.year,
        type_code: key.type_code,
        cause,
        status: CaseStatus::Open.as_str(),
        registered_on: Some(today),
        closed_on: None,
        judgment_document_number: None,
    };
    let row = store::insert(conn, case_number, &values, Origin::Docketing { filing })?;
    let parties: Vec<PartyValues> = parties
        .iter()
        .map(|p| PartyValues {
            role: p.role.clone(),
            party_type: p.party_type.clone(),
            name: p.name.clone(),
            identity_number: store::identity_in_details(&p.details).map(str::to_owned),
            details: p.details.clone(),
        })
        .collect();
    store::replace_parties(conn, row.id, &parties)?;
    Ok(())
}

// --- Lookups --------------------------------------------------------------------------------

/// What a lookup asks for, as the query string gives it.
#[derive(Debug, Clone, Default)]
pub struct LookupQuery {
    pub case_number: Option<String>,
    pub registration_number: Option<String>,
    pub party_name: Option<String>,
    pub party_identity_number: Option<String>,
    pub kind: Option<String>,
}

/// A case found, with what the caller may do with it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub case: CaseRow,
    pub parties: Vec<PartyRow>,
    /// The kind of filing the case can be the original or main case of.
    pub kind: FilingKind,
    /// The accepting court of that filing.
    pub accepting_court: Option<String>,
    /// The caller's unfinished appeal draft of the case: to be resumed, not doubled.
    pub unfinished_draft: Option<Uuid>,
    /// Parties who already appealed the case and cannot appeal again.
    pub appealed: Vec<Uuid>,
}

/// Finds cases for `purpose`; see the module documentation for who may find what.
pub fn lookup(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    caller: &AccountRow,
    address: &str,
    query: &LookupQuery,
    now: DateTime<Utc>,
) -> Result<Vec<Hit>, ApiError> {
    let today = shanghai_date(now);
    let purpose = purpose(query.kind.as_deref())?;
    fn given(value: &Option<String>) -> Option<&str> {
        value.as_deref().map(trim_blanks).filter(|v| !v.is_empty())
    }
    let numbers = (given(&query.case_number), given(&query.registration_number));
    let party = (
        given(&query.party_name),
        given(&query.party_identity_number),
    );

    let keys = [
        format!("case_lookup:account:{}", caller.id),
        format!("case_lookup:address:{address}"),
    ];
    let window = Duration::minutes(LOOKUP_WINDOW_MINUTES);
    if let Some(until) = sessions::locked_until(conn, &[&keys[0], &keys[1]])? {
        let seconds = (until - Utc::now()).num_seconds().max(1);
        return Err(
            ApiError::new(Code::RateLimited).with_retry_after(u64::try_from(seconds).unwrap_or(60))
        );
    }
    let miss = |conn: &mut PgConnection| -> Result<(), ApiError> {
        sessions::record_failure(conn, &keys[0], window, LOOKUP_MISSES_ALLOWED, window)?;
        sessions::record_failure(
            conn,
            &keys[1],
            window,
            LOOKUP_MISSES_ALLOWED_PER_ADDRESS,
            window,
        )?;
        Ok(())
    };

    if matches!(caller.role(), Role::Judge | Role::Admin) {
        return Err(ApiError::new(Code::AuthForbidden));
    }
    match (numbers, party) {
        ((Some(case_number), Some(registration_number)), _) => {
            let mut errors = Vec::new();
            let case_number = CaseNumber::parse(case_number, catalogue, today)
                .map_err(|code| errors.push(FieldError::new("case_number", code)))
                .ok();
            let registration_number = parse_registration_number(registration_number)
                .map_err(|code| errors.push(FieldError::new("registration_number", code)))
                .ok();
            let (Some(case_number), Some(registration_number)) = (case_number, registration_number)
            else {
                return Err(ApiError::validation(errors));
            };
            let Some(case) =
                store::find_by_numbers(conn, case_number.as_str(), &registration_number)?
            else {
                miss(conn)?;
                return Err(ApiError::new(Code::OriginalCaseNotFound));
            };
            let kind = findable(purpose, facts(&case), today).map_err(ApiError::new)?;
            store::grant(conn, caller.id, case.id, "case_and_registration_number")?;
            Ok(vec![hit(conn, catalogue, caller, case, kind)?])
        }
        (_, (Some(name), Some(identity))) => {
            let identity = fold_identity(identity);
            let names = name_spellings(name);
            match caller.role() {
                Role::Judge | Role::Admin => return Err(ApiError::new(Code::AuthForbidden)),
                _ if caller.id_number.as_deref() == Some(identity.as_str()) => {}
                _ if store::filed_for(conn, caller.id, &identity)? => {}
                _ => return Err(ApiError::new(Code::OriginalCaseLookupNotAllowed)),
            }
            let cases = store::find_by_party(
                conn,
                &names,
                &identity,
                &party_filter(purpose, today),
                MAX_PARTY_HITS,
            )?;
            // Looking for one's own cases guesses nothing.
            if cases.is_empty() && caller.id_number.as_deref() != Some(identity.as_str()) {
                miss(conn)?;
            }
            let mut hits = Vec::new();
            for case in cases {
                let Ok(kind) = findable(purpose, facts(&case), today) else {
                    continue;
                };
                store::grant(conn, caller.id, case.id, "party_details")?;
                hits.push(hit(conn, catalogue, caller, case, kind)?);
            }
            Ok(hits)
        }
        _ => Err(ApiError::new(Code::OriginalCaseLookupIncomplete)),
    }
}

/// A case the caller found before (or takes part in), by id.
pub fn get(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    caller: &AccountRow,
    id: Uuid,
    kind: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Hit, ApiError> {
    let purpose = purpose(kind)?;
    let case = accessible(conn, caller, id)?;
    let kind = findable(purpose, facts(&case), shanghai_date(now)).map_err(ApiError::new)?;
    hit(conn, catalogue, caller, case, kind)
}

fn accessible(conn: &mut PgConnection, caller: &AccountRow, id: Uuid) -> Result<CaseRow, ApiError> {
    let not_found = || ApiError::new(Code::OriginalCaseNotFound);
    let case = store::find(conn, id)?.ok_or_else(not_found)?;
    let allowed = store::has_access(conn, caller.id, id)?
        || match caller.id_number.as_deref() {
            Some(own) => store::is_party(conn, id, own)?,
            None => false,
        };
    if !allowed {
        return Err(not_found());
    }
    Ok(case)
}

fn purpose(kind: Option<&str>) -> Result<Purpose, ApiError> {
    let Some(raw) = kind.map(trim_blanks).filter(|k| !k.is_empty()) else {
        return Ok(Purpose::AnyAppeal);
    };
    match lookup_kind(raw) {
        KindLookup::Online(kind) => {
            Purpose::for_kind(kind).ok_or_else(|| ApiError::new(Code::OriginalCaseLookupNotOffered))
        }
        KindLookup::Offline(_) => Err(ApiError::new(Code::OriginalCaseLookupNotOffered)),
        KindLookup::Unknown => Err(ApiError::field("kind", Code::FilingKindInvalid)),
    }
}

/// Whether a party of the case is among the appellants `keys` describe.
fn appealed_before(keys: &[String], party: &PartyRow) -> bool {
    store::appellant_keys_of(
        party.identity_number.as_deref(),
        &party.name,
        &party.party_type,
    )
    .iter()
    .any(|k| keys.contains(k))
}

/// What a lookup by party details may find for `purpose`, as a query filter (the rules of
/// [`findable`] are applied to every case found as well).
fn party_filter(purpose: Purpose, today: NaiveDate) -> PartyLookupFilter {
    let kinds: Vec<FilingKind> = match purpose {
        Purpose::AnyAppeal => vec![FilingKind::CivilAppeal, FilingKind::AdministrativeAppeal],
        Purpose::Appeal(kind) | Purpose::ExistingCase(kind) => vec![kind],
    };
    let mut type_codes = Vec::new();
    for kind in kinds {
        for code in crate::domain::filing::rules(kind).referenced_type_codes {
            type_codes.push((*code).to_owned());
            type_codes.push(format!("知{code}"));
        }
    }
    PartyLookupFilter {
        type_codes,
        closed_since: matches!(purpose, Purpose::AnyAppeal | Purpose::Appeal(_))
            .then(|| registered_case::appeal_window_start(today)),
    }
}

fn facts(case: &CaseRow) -> CaseFacts<'_> {
    CaseFacts {
        type_code: &case.type_code,
        status: CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Open),
        closed_on: case.closed_on,
    }
}

/// A name as a person's or an organisation's name is stored.
fn name_spellings(raw: &str) -> Vec<String> {
    let mut names = vec![trim_blanks(raw).to_owned()];
    if let Ok(name) = PersonName::parse(raw) {
        names.push(name.as_str().to_owned());
    }
    if let Ok(name) = OrganisationName::parse(raw) {
        names.push(name.as_str().to_owned());
    }
    names.dedup();
    names
}

/// An identity number as stored: blanks dropped, full-width folded, letters upper-case.
fn fold_identity(raw: &str) -> String {
    raw.chars()
        .filter(|&c| !is_blank(c))
        .map(fold_width)
        .collect::<String>()
        .to_uppercase()
}

fn hit(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    caller: &AccountRow,
    case: CaseRow,
    kind: FilingKind,
) -> Result<Hit, ApiError> {
    let parties = store::parties(conn, case.id)?;
    let court = catalogue
        .court_in_force(&case.court_code)
        .map(|c| c.code.clone());
    let accepting_court = if registered_case::goes_to_superior_court(kind) {
        court.and_then(|c| catalogue.superior(&c).map(|s| s.code.clone()))
    } else {
        court
    };
    let (unfinished_draft, appealed) = if APPEAL_KINDS.contains(&kind.as_str()) {
        let draft =
            store::unfinished_draft(conn, caller.id, &APPEAL_KINDS, &case.case_number, None)?;
        let keys = store::appellant_keys(conn, &APPEAL_KINDS, &case.case_number, None)?;
        let appealed = parties
            .iter()
            .filter(|p| appealed_before(&keys, p))
            .map(|p| p.id)
            .collect();
        (draft, appealed)
    } else {
        (None, Vec::new())
    };
    Ok(Hit {
        case,
        parties,
        kind,
        accepting_court,
        unfinished_draft,
        appealed,
    })
}

// --- Drafts from a hit ----------------------------------------------------------------------

/// What a draft from a registered case is made of.
#[derive(Debug, Clone, Default)]
pub struct DraftRequest {
    /// The kind of filing; by default the appeal the case's type allows.
    pub kind: Option<String>,
    /// The parties of the case on the filer's side (appellants, applicants).
    pub party_ids: Vec<Uuid>,
    /// Further content fields, as in `PATCH /cases/{id}` (a reconsideration's matter).
    pub content: Map<String, Value>,
}

/// Creates a draft of an appeal (or another filing in or against the case) with the
/// original case, the accepting court and the original parties filled in.
pub fn draft_from(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    caller: &AccountRow,
    id: Uuid,
    request: &DraftRequest,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FilingDetail, ApiError> {
    let today = shanghai_date(now);
    let purpose = purpose(request.kind.as_deref())?;
    store::lock(conn, id)?;
    let case = accessible(conn, caller, id)?;
    filings::lock_appeals_of(conn, &case.case_number)?;
    let kind = findable(purpose, facts(&case), today).map_err(ApiError::new)?;
    let parties = store::parties(conn, case.id)?;

    let mut errors = Vec::new();
    let mut chosen = Vec::new();
    for (index, party_id) in request.party_ids.iter().enumerate() {
        match parties.iter().position(|p| p.id == *party_id) {
            Some(position) if !chosen.contains(&position) => chosen.push(position),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("party_ids.{index}"),
                Code::PartyNotFound,
            )),
        }
    }
    let sides: Vec<PartyRole> = chosen
        .iter()
        .filter_map(|&i| PartyRole::parse(&parties[i].role))
        .collect();
    if sides.iter().any(|r| r.is_filer_side())
        && sides.iter().any(|r| registered_case::is_opposing_role(*r))
    {
        errors.push(FieldError::new(
            "party_ids",
            Code::OriginalCaseFilerPartiesMixed,
        ));
    }
    if request.party_ids.is_empty() && kind != FilingKind::EnforcementObjection {
        errors.push(FieldError::new(
            "party_ids",
            Code::OriginalCaseFilerPartiesRequired,
        ));
    }
    if APPEAL_KINDS.contains(&kind.as_str()) {
        if let Some(draft) =
            store::unfinished_draft(conn, caller.id, &APPEAL_KINDS, &case.case_number, None)?
        {
            return Err(
                ApiError::new(Code::AppealDraftExists).with_extension("draft_id", json!(draft))
            );
        }
        let keys = store::appellant_keys(conn, &APPEAL_KINDS, &case.case_number, None)?;
        for (index, party_id) in request.party_ids.iter().enumerate() {
            let appealed = parties
                .iter()
                .any(|p| p.id == *party_id && appealed_before(&keys, p));
            if appealed {
                errors.push(FieldError::new(
                    format!("party_ids.{index}"),
                    Code::AppealAlreadyAppealed,
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }

    // The draft, with the case filled in where the kind names it.
    let mut patch = request.content.clone();
    let number = case.case_number.as_str();
    let rules = crate::domain::filing::rules(kind);
    if rules.need(Key::OriginalCase).is_some() {
        let mut original = Map::new();
        original.insert("case_number".into(), json!(number));
        if let Some(closed) = case.closed_on {
            original.insert("judgment_date".into(), json!(closed.to_string()));
        }
        patch.insert(Key::OriginalCase.as_str().into(), Value::Object(original));
    }
    if rules.need(Key::ExistingCaseNumber).is_some() {
        patch.insert(Key::ExistingCaseNumber.as_str().into(), json!(number));
    }
    if rules.need(Key::Reconsideration).is_some() {
        let mut reconsideration = match patch.remove(Key::Reconsideration.as_str()) {
            Some(Value::Object(given)) => given,
            _ => Map::new(),
        };
        reconsideration.insert("original_case_number".into(), json!(number));
        patch.insert(
            Key::Reconsideration.as_str().into(),
            Value::Object(reconsideration),
        );
    }
    let detail = filings::create(
        conn,
        catalogue,
        caller,
        Some(kind.as_str()),
        None,
        None,
        actor,
    )?;
    let filing = detail.filing.id;
    let mut etag = filings::etag(detail.filing.version);
    let updated = filings::update(
        conn,
        catalogue,
        filing,
        caller.id,
        Precondition::IfMatch(&etag),
        &Value::Object(patch),
        actor,
        today,
    )?;
    etag = filings::etag(updated.filing.version);

    // The parties of the case, in the roles they take in the new filing.
    let original_roles: Vec<PartyRole> = parties
        .iter()
        .map(|p| PartyRole::parse(&p.role).unwrap_or(PartyRole::OtherPartyInOriginalCase))
        .collect();
    for (index, (party, role)) in parties
        .iter()
        .zip(roles_in_new_filing(kind, &original_roles, &chosen))
        .enumerate()
    {
        let Some(role) = role else { continue };
        let mut input: PartyInput = serde_json::from_value(party.details.clone())
            .map_err(|e| ApiError::internal(anyhow::anyhow!("stored party unreadable: {e}")))?;
        input.role = Some(role.as_str().to_owned());
        // Only the caller's own phone is copied: a preservation never records the
        // respondent's (so that the respondent is not alerted), and other people's are for
        // the filer to give, not for the case to hand out.
        let own = caller.id_number.is_some() && party.identity_number == caller.id_number;
        if !(chosen.contains(&index) && own) {
            input.phone = None;
        }
        let (row, _) = filings::add_party(
            conn,
            filing,
            caller.id,
            Precondition::IfMatch(&etag),
            &input,
            actor,
            today,
        )?;
        etag = filings::etag(row.version);
    }
    audit::record(
        conn,
        actor,
        &Change {
            action: "filing.drafted_from_registered_case",
            subject_type: "filing",
            subject_id: &filing.to_string(),
            details: json!({ "registered_case_id": case.id, "case_number": case.case_number }),
        },
    )?;
    filings::detail(conn, filing, caller.id)
}
