//! Online filing: drafts and their parties, agents and materials, the check before
//! submission and the submission itself. Every function runs inside the caller's
//! transaction and checks that the filing belongs to the filer (anyone else's is "not
//! found"); every change counts a new version of the filing, the ETag clients send back in
//! `If-Match`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::domain::agent::{self, Agent, AgentInput};
use crate::domain::catalogue::{Catalogue, ROAD_TRAFFIC_CAUSE};
use crate::domain::filing::{
    self, CourtSource, DraftSnapshot, PartyFacts, check_court, missing_items, validate_content,
};
use crate::domain::filing_status::{Event, FilingStatus};
use crate::domain::kinds::{FilingKind, KindLookup, PartyRole, lookup_kind};
use crate::domain::materials::Category;
use crate::domain::party::{self, PartyInput};
use crate::domain::text::{fold_code, trim_blanks};
use crate::errors::{ApiError, Code, FieldError};
use crate::services::trial_feed;
use crate::store::accounts::AccountRow;
use crate::store::audit::{self, Actor, Change};
use crate::store::fee_orders;
use crate::store::filings::{
    self, AgentRecord, AgentValues, AttachedMaterial, DraftChanges, FilingRow, NewFiling, PartyRow,
    PartyValues,
};
use crate::store::materials as material_store;
use crate::store::registered_cases;

pub use crate::store::filings::FilingDetail;

/// The precondition a write carries: the ETag the client last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition<'a> {
    /// No `If-Match` was sent.
    None,
    /// The `If-Match` header as sent.
    IfMatch(&'a str),
}

/// The ETag of a filing version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

impl Precondition<'_> {
    /// Checks the precondition against the current version; `required` makes a missing one
    /// an error of its own.
    fn check(self, version: i32, required: bool) -> Result<(), ApiError> {
        match self {
            Precondition::None if required => Err(ApiError::new(Code::PreconditionRequired)),
            Precondition::None => Ok(()),
            Precondition::IfMatch(header) => {
                let current = etag(version);
                // Proxies that compress answers weaken ETags; the opaque part is what counts.
                let matches = header
                    .split(',')
                    .map(str::trim)
                    .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == current);
                if matches {
                    Ok(())
                } else {
                    Err(ApiError::new(Code::PreconditionFailed)
                        .with_extension("current_etag", json!(current)))
                }
            }
        }
    }
}

/// Whether accounts of this role may file.
pub fn may_file(account: &AccountRow) -> bool {
    use crate::store::accounts::Role;
    matches!(
        account.role(),
        Role::Party | Role::Lawyer | Role::LegalWorker
    )
}

fn not_found() -> ApiError {
    ApiError::new(Code::FilingNotFound)
}

fn kind_of(row: &FilingRow) -> FilingKind {
    match lookup_kind(&row.kind) {
        KindLookup::Online(kind) => kind,
        _ => unreachable!("the database only holds online kinds"),
    }
}

fn status_of(row: &FilingRow) -> FilingStatus {
    FilingStatus::parse(&row.status).expect("the database only holds known statuses")
}

/// The filing `id` of `filer`, locked, after checking the precondition and that it may
/// still be edited.
fn editable(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    precondition: Precondition<'_>,
    required: bool,
) -> Result<FilingRow, ApiError> {
    let row = filings::lock_for_filer(conn, id, filer)?.ok_or_else(not_found)?;
    precondition.check(row.version, required)?;
    if !status_of(&row).is_editable() {
        return Err(ApiError::new(Code::FilingNotEditable)
            .with_extension("filing_status", json!(row.status)));
    }
    Ok(row)
}

fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    filing: Uuid,
    details: Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        actor,
        &Change {
            action,
            subject_type: "filing",
            subject_id: &filing.to_string(),
            details,
        },
    )?;
    Ok(())
}

/// Reads a filing with its parties, agents and materials.
pub fn detail(conn: &mut PgConnection, id: Uuid, filer: Uuid) -> Result<FilingDetail, ApiError> {
    let filing = filings::find_for_filer(conn, id, filer)?.ok_or_else(not_found)?;
    detail_of(conn, filing)
}

/// A filing with its parties, agents, materials and fee orders.
pub fn detail_of(conn: &mut PgConnection, filing: FilingRow) -> Result<FilingDetail, ApiError> {
    Ok(FilingDetail {
        parties: filings::parties(conn, filing.id)?,
        agents: filings::agents(conn, filing.id)?,
        materials: filings::materials(conn, filing.id)?,
        fee_orders: fee_orders::for_filing(conn, filing.id)?,
        filing,
    })
}

/// Creates a draft of `kind` (an API identifier) at `court_code`.
#[allow(clippy::too_many_arguments)]
pub fn create(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    filer: &AccountRow,
    kind: Option<&str>,
    court_code: Option<&str>,
    created_via: Option<&str>,
    actor: &Actor,
) -> Result<FilingDetail, ApiError> {
    if !may_file(filer) {
        return Err(ApiError::new(Code::AuthForbidden));
    }
    let kind = match kind.map(trim_blanks) {
        None | Some("") => return Err(ApiError::field("kind", Code::FieldRequired)),
        Some(raw) => match lookup_kind(raw) {
            KindLookup::Online(kind) => kind,
            KindLookup::Offline(offline) => {
                return Err(ApiError::new(Code::FilingOfflineOnly)
                    .with_extension("kind", json!(offline.id))
                    .with_extension("reason_zh", json!(offline.reason_zh))
                    .with_extension("reason_en", json!(offline.reason_en)));
            }
            KindLookup::Unknown => return Err(ApiError::field("kind", Code::FilingKindInvalid)),
        },
    };
    let court_code = court_code.map(fold_code).filter(|c| !c.is_empty());
    let court_code = court_code.as_deref();
    if let Some(code) = court_code {
        check_court(kind, code, catalogue).map_err(|code| ApiError::field("court_code", code))?;
    }
    let mut content = Map::new();
    if kind == FilingKind::RoadTraffic {
        content.insert("cause_of_action".into(), json!(ROAD_TRAFFIC_CAUSE));
    }
    let content = Value::Object(content);
    let row = filings::insert(
        conn,
        &NewFiling {
            id: Uuid::new_v4(),
            filer_account_id: filer.id,
            kind: kind.as_str(),
            court_code,
            content: &content,
            created_via,
        },
    )?;
    record(
        conn,
        actor,
        "filing.created",
        row.id,
        json!({"kind": row.kind, "court_code": row.court_code}),
    )?;
    detail_of(conn, row)
}

/// Fields of a filing that only the platform changes.
const READ_ONLY: &[&str] = &[
    "id",
    "kind",
    "status",
    "version",
    "filing_reference",
    "case_number",
    "registration_number",
    "rejection_reason",
    "parties",
    "agents",
    "materials",
    "created_at",
    "updated_at",
    "submitted_at",
    "first_submitted_at",
    "court_name",
];

/// Applies a JSON merge patch (RFC 7396) to a draft: content fields, the accepting court,
/// the payer and the refundee. Every problem is reported at once; nothing is saved unless
/// all of it is valid.
#[allow(clippy::too_many_arguments)]
pub fn update(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    id: Uuid,
    filer: Uuid,
    precondition: Precondition<'_>,
    patch: &Value,
    actor: &Actor,
    today: NaiveDate,
) -> Result<FilingDetail, ApiError> {
    let row = editable(conn, id, filer, precondition, true)?;
    let kind = kind_of(&row);
    let rules = filing::rules(kind);
    let Some(patch) = patch.as_object() else {
        return Err(ApiError::new(Code::BodyInvalid));
    };

    let mut errors = Vec::new();
    let mut content_patch = Map::new();
    let mut court_patch: Option<Option<String>> = None;
    let mut payer = row.payer_party_id;
    let mut refundee = row.refundee_party_id;
    let parties = filings::parties(conn, id)?;
    for (key, value) in patch {
        match key.as_str() {
            "court_code" => match value {
                Value::Null => court_patch = Some(None),
                Value::String(code) => court_patch = Some(Some(fold_code(code))),
                _ => errors.push(FieldError::new(key.as_str(), Code::FieldType)),
            },
            "payer_party_id" | "refundee_party_id" => match chosen_party(key, value, &parties) {
                Ok(choice) if key == "payer_party_id" => payer = choice,
                Ok(choice) => refundee = choice,
                Err(error) => errors.push(error),
            },
            read_only if READ_ONLY.contains(&read_only) => {
                errors.push(FieldError::new(key.as_str(), Code::FieldReadOnly))
            }
            _ => {
                content_patch.insert(key.clone(), value.clone());
            }
        }
    }

    let mut content = row.content.clone();
    json_patch::merge(&mut content, &Value::Object(content_patch));
    let content = content.as_object().cloned().unwrap_or_default();
    let checked = match validate_content(kind, &content, catalogue, today) {
        Ok(checked) => Some(checked),
        Err(invalid) => {
            errors.extend(invalid);
            None
        }
    };

    let mut court_code = row.court_code.clone();
    match (rules.court, court_patch) {
        (CourtSource::Chosen, Some(Some(code))) => {
            if let Err(code) = check_court(kind, &code, catalogue) {
                errors.push(FieldError::new("court_code", code));
            }
            court_code = Some(code);
        }
        (CourtSource::Chosen, Some(None)) => court_code = None,
        (CourtSource::Chosen, None) => {}
        (_, requested) => {
            let derived = checked.as_ref().and_then(|c| c.derived_court.clone());
            if let (Some(Some(requested)), Some(derived)) = (&requested, &derived)
                && requested != derived
            {
                errors.push(FieldError::new("court_code", Code::FilingCourtDerived));
            }
            match (derived, requested) {
                (Some(derived), _) => court_code = Some(derived),
                (None, Some(Some(code))) => {
                    if let Err(code) = check_court(kind, &code, catalogue) {
                        errors.push(FieldError::new("court_code", code));
                    }
                    court_code = Some(code);
                }
                (None, Some(None)) => court_code = None,
                (None, None) => {}
            }
        }
    }
    if let Some(code) = court_code.as_deref()
        && rules.court != CourtSource::Chosen
        && let Err(code) = check_court(kind, code, catalogue)
    {
        errors.push(FieldError::new("court_code", code));
    }

    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let content = Value::Object(checked.map(|c| c.content).unwrap_or_default());
    if court_code == row.court_code
        && content == row.content
        && payer == row.payer_party_id
        && refundee == row.refundee_party_id
    {
        // Nothing changes (an autosave of what was read): the version stays.
        return detail_of(conn, row);
    }
    // An account keeps at most one unfinished appeal draft per original case: the other is
    // resumed or deleted.
    let original = |content: &Value| {
        content["original_case"]["case_number"]
            .as_str()
            .map(str::to_owned)
    };
    if APPEAL_KINDS.contains(&row.kind.as_str())
        && let Some(number) = original(&content)
        && original(&row.content).as_deref() != Some(number.as_str())
        && let Some(draft) = {
            lock_appeals_of(conn, &number)?;
            registered_cases::unfinished_draft(conn, filer, &APPEAL_KINDS, &number, Some(id))?
        }
    {
        return Err(ApiError::new(Code::AppealDraftExists).with_extension("draft_id", json!(draft)));
    }
    let updated = filings::update_draft(
        conn,
        id,
        &DraftChanges {
            court_code: court_code.as_deref(),
            content: &content,
            payer_party_id: payer,
            refundee_party_id: refundee,
        },
    )?;
    let changed: Vec<&String> = patch.keys().collect();
    record(
        conn,
        actor,
        "filing.updated",
        id,
        json!({ "fields": changed }),
    )?;
    detail_of(conn, updated)
}

/// The party a payer or refundee field designates: one of the filing's parties on the
/// filer's side, or none.
fn chosen_party(
    key: &str,
    value: &Value,
    parties: &[PartyRow],
) -> Result<Option<Uuid>, FieldError> {
    let raw = match value {
        Value::Null => return Ok(None),
        Value::String(raw) => raw,
        _ => return Err(FieldError::new(key, Code::FieldType)),
    };
    let id =
        Uuid::parse_str(trim_blanks(raw)).map_err(|_| FieldError::new(key, Code::PartyNotFound))?;
    let party = parties
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| FieldError::new(key, Code::PartyNotFound))?;
    match PartyRole::parse(&party.role) {
        Some(role) if role.is_filer_side() => Ok(Some(id)),
        _ => Err(FieldError::new(key, Code::PayerNotPlaintiff)),
    }
}

/// Deletes a draft; its materials become unattached again.
pub fn delete(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    precondition: Precondition<'_>,
    actor: &Actor,
) -> Result<(), ApiError> {
    let row = filings::lock_for_filer(conn, id, filer)?.ok_or_else(not_found)?;
    precondition.check(row.version, false)?;
    if status_of(&row) != FilingStatus::Draft {
        return Err(ApiError::new(Code::FilingNotDeletable)
            .with_extension("filing_status", json!(row.status)));
    }
    filings::delete(conn, id, Utc::now())?;
    record(
        conn,
        actor,
        "filing.deleted",
        id,
        json!({ "kind": row.kind }),
    )?;
    Ok(())
}

/// Validates a party for a filing of `kind`: the party's own rules, a role the kind has,
/// and no phone for a respondent of a preservation.
fn validated_party(
    kind: FilingKind,
    input: &PartyInput,
    today: NaiveDate,
) -> Result<party::Party, ApiError> {
    let mut errors = Vec::new();
    let validated = match party::validate(input, today) {
        Ok(party) => Some(party),
        Err(invalid) => {
            errors.extend(invalid);
            None
        }
    };
    let rules = kind.rules();
    let role = input
        .role
        .as_deref()
        .map(trim_blanks)
        .filter(|r| !r.is_empty());
    match role.map(|r| (r, PartyRole::parse(r))) {
        None => errors.push(FieldError::new("role", Code::FieldRequired)),
        Some((_, Some(role)))
            if rules.filer_side_roles.contains(&role) || rules.other_roles.contains(&role) =>
        {
            let preservation = matches!(
                kind,
                FilingKind::PreLitigationPreservation | FilingKind::InLitigationPreservation
            );
            let has_phone = input
                .phone
                .as_deref()
                .is_some_and(|p| !trim_blanks(p).is_empty());
            if preservation && role == PartyRole::Respondent && has_phone {
                errors.push(FieldError::new("phone", Code::PartyPhoneForbidden));
            }
        }
        Some(_) => errors.push(FieldError::new("role", Code::PartyRoleInvalid)),
    }
    match validated {
        Some(party) if errors.is_empty() => Ok(party),
        _ => Err(ApiError::validation(errors)),
    }
}

/// Refuses a party whose identity document or credit code another party of the filing
/// already has.
fn refuse_duplicate(
    conn: &mut PgConnection,
    id: Uuid,
    except: Option<Uuid>,
    party: &party::Party,
) -> Result<(), ApiError> {
    let (field, value) = match (party.document_number(), party.to_input().credit_code) {
        (Some(number), _) => ("document_number", number.to_owned()),
        (None, Some(code)) => ("credit_code", code),
        (None, None) => return Ok(()),
    };
    let duplicate = filings::parties(conn, id)?.into_iter().any(|other| {
        Some(other.id) != except
            && other.details[field]
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case(&value))
    });
    if duplicate {
        Err(ApiError::field(field, Code::PartyDuplicate))
    } else {
        Ok(())
    }
}

/// The members of a party body: the party's fields, with the read-only `id` and
/// `created_at` of a party sent back as read left out; unknown members are refused.
fn party_fields(body: &Value) -> Result<Map<String, Value>, ApiError> {
    let Some(object) = body.as_object() else {
        return Err(ApiError::new(Code::BodyInvalid));
    };
    let mut errors = Vec::new();
    let mut fields = Map::new();
    for (key, value) in object {
        if matches!(key.as_str(), "id" | "created_at") {
            continue;
        }
        if !party::FIELDS.contains(&key.as_str()) {
            errors.push(FieldError::new(key.as_str(), Code::FieldUnknown));
        } else if !(value.is_string() || value.is_null()) {
            errors.push(FieldError::new(key.as_str(), Code::FieldType));
        } else {
            fields.insert(key.clone(), value.clone());
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Fields of a natural person only, and of organisations only.
const PERSON_FIELDS: &[&str] = &[
    "document_type",
    "document_number",
    "gender",
    "ethnicity",
    "nationality",
    "birth_date",
];
const ORGANISATION_FIELDS: &[&str] =
    &["credit_code", "representative_name", "representative_title"];

/// Drops the stored values a change makes meaningless, unless the change sets them itself:
/// the gender and birth date read from the old document number when the document
/// changes, and the other type's fields when the type changes.
fn forget_superseded(stored: &mut Value, patch: &Map<String, Value>) {
    let Some(stored) = stored.as_object_mut() else {
        return;
    };
    let mut forget: Vec<&str> = Vec::new();
    if patch.contains_key("document_type") || patch.contains_key("document_number") {
        forget.extend(["gender", "birth_date"]);
    }
    if let Some(new_type) = patch.get("type").and_then(Value::as_str)
        && stored.get("type").and_then(Value::as_str) != Some(new_type)
    {
        forget.extend(if new_type.trim() == "natural_person" {
            ORGANISATION_FIELDS
        } else {
            PERSON_FIELDS
        });
    }
    for key in forget {
        if !patch.contains_key(key) {
            stored.remove(key);
        }
    }
}

/// A party from its fields.
fn party_input(fields: &Value) -> Result<PartyInput, ApiError> {
    serde_json::from_value(fields.clone()).map_err(|_| ApiError::new(Code::BodyInvalid))
}

/// A party from a request body, every unknown or mistyped member reported.
pub fn party_from_body(body: &Value) -> Result<PartyInput, ApiError> {
    party_input(&Value::Object(party_fields(body)?))
}

fn party_values(party: &party::Party) -> (PartyInput, Value) {
    let input = PartyInput::from(party);
    let details = serde_json::to_value(&input).expect("a party serialises");
    (input, details)
}

/// Adds a party.
#[allow(clippy::too_many_arguments)]
pub fn add_party(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    precondition: Precondition<'_>,
    input: &PartyInput,
    actor: &Actor,
    today: NaiveDate,
) -> Result<(FilingRow, PartyRow), ApiError> {
    let row = editable(conn, id, filer, precondition, false)?;
    let party = validated_party(kind_of(&row), input, today)?;
    refuse_duplicate(conn, id, None, &party)?;
    let (input, details) = party_values(&party);
    let saved = filings::insert_party(
        conn,
        id,
        Uuid::new_v4(),
        &PartyValues {
            role: input.role.as_deref().unwrap_or_default(),
            party_type: party.party_type().as_str(),
            name: party.name(),
            details: &details,
        },
    )?;
    let row = filings::touch(conn, id)?;
    record(
        conn,
        actor,
        "filing.party_added",
        id,
        json!({ "party_id": saved.id, "role": saved.role }),
    )?;
    Ok((row, saved))
}

/// Changes a party by a JSON merge patch of its fields.
#[allow(clippy::too_many_arguments)]
pub fn update_party(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    party_id: Uuid,
    precondition: Precondition<'_>,
    patch: &Value,
    actor: &Actor,
    today: NaiveDate,
) -> Result<(FilingRow, PartyRow), ApiError> {
    let row = editable(conn, id, filer, precondition, false)?;
    let stored = filings::find_party(conn, id, party_id)?
        .ok_or_else(|| ApiError::new(Code::PartyNotFound))?;
    let patch = party_fields(patch)?;
    let mut merged = stored.details.clone();
    forget_superseded(&mut merged, &patch);
    json_patch::merge(&mut merged, &Value::Object(patch.clone()));
    let input = party_input(&merged)?;
    let party = validated_party(kind_of(&row), &input, today)?;
    refuse_duplicate(conn, id, Some(party_id), &party)?;
    let (input, details) = party_values(&party);
    let role = input.role.as_deref().unwrap_or_default();
    let saved = filings::update_party(
        conn,
        party_id,
        &PartyValues {
            role,
            party_type: party.party_type().as_str(),
            name: party.name(),
            details: &details,
        },
    )?;
    if !PartyRole::parse(role).is_some_and(PartyRole::is_filer_side) {
        filings::clear_payer_choices(conn, id, party_id)?;
    }
    let row = filings::touch(conn, id)?;
    record(
        conn,
        actor,
        "filing.party_updated",
        id,
        json!({ "party_id": party_id, "fields": patch.keys().collect::<Vec<_>>() }),
    )?;
    Ok((row, saved))
}

/// Deletes a party; a payer or refundee choice of it is cleared.
pub fn delete_party(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    party_id: Uuid,
    precondition: Precondition<'_>,
    actor: &Actor,
) -> Result<FilingRow, ApiError> {
    editable(conn, id, filer, precondition, false)?;
    if !filings::delete_party(conn, id, party_id)? {
        return Err(ApiError::new(Code::PartyNotFound));
    }
    let row = filings::touch(conn, id)?;
    record(
        conn,
        actor,
        "filing.party_deleted",
        id,
        json!({ "party_id": party_id }),
    )?;
    Ok(row)
}

/// Validates an agent for the filing: its own rules, and represented parties that belong
/// to the filing and stand on one side.
fn validated_agent(
    conn: &mut PgConnection,
    id: Uuid,
    input: &AgentInput,
    today: NaiveDate,
) -> Result<Agent, ApiError> {
    let agent = agent::validate(input, today).map_err(ApiError::validation)?;
    let parties = filings::parties(conn, id)?;
    let mut errors = Vec::new();
    let mut sides = Vec::new();
    for (index, party_id) in agent.represents.iter().enumerate() {
        match parties.iter().find(|p| p.id == *party_id) {
            None => errors.push(FieldError::new(
                format!("represents.{index}"),
                Code::AgentPartyInvalid,
            )),
            Some(party) => {
                sides.push(PartyRole::parse(&party.role).is_some_and(PartyRole::is_filer_side))
            }
        }
    }
    if errors.is_empty() && sides.windows(2).any(|w| w[0] != w[1]) {
        errors.push(FieldError::new("represents", Code::AgentBothSides));
    }
    if errors.is_empty() {
        Ok(agent)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn save_agent(
    conn: &mut PgConnection,
    id: Uuid,
    agent_id: Uuid,
    agent: &Agent,
) -> Result<AgentRecord, ApiError> {
    // Whom the agent represents is kept in its own table, with the parties' foreign keys.
    let stored = AgentInput {
        represents: None,
        ..agent.input.clone()
    };
    let details = serde_json::to_value(&stored).expect("an agent serialises");
    filings::save_agent(
        conn,
        id,
        agent_id,
        &AgentValues {
            agent_type: agent.agent_type,
            name: agent.name(),
            details: &details,
        },
        &agent.represents,
    )?;
    filings::agents(conn, id)?
        .into_iter()
        .find(|a| a.id == agent_id)
        .ok_or_else(|| ApiError::new(Code::AgentNotFound))
}

/// Adds an agent.
#[allow(clippy::too_many_arguments)]
pub fn add_agent(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    precondition: Precondition<'_>,
    input: &AgentInput,
    actor: &Actor,
    today: NaiveDate,
) -> Result<(FilingRow, AgentRecord), ApiError> {
    editable(conn, id, filer, precondition, false)?;
    let agent = validated_agent(conn, id, input, today)?;
    let saved = save_agent(conn, id, Uuid::new_v4(), &agent)?;
    let row = filings::touch(conn, id)?;
    record(
        conn,
        actor,
        "filing.agent_added",
        id,
        json!({ "agent_id": saved.id, "type": saved.agent_type }),
    )?;
    Ok((row, saved))
}

/// Changes an agent by a JSON merge patch of its fields.
#[allow(clippy::too_many_arguments)]
pub fn update_agent(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    agent_id: Uuid,
    precondition: Precondition<'_>,
    patch: &Value,
    actor: &Actor,
    today: NaiveDate,
) -> Result<(FilingRow, AgentRecord), ApiError> {
    editable(conn, id, filer, precondition, false)?;
    let stored = filings::agents(conn, id)?
        .into_iter()
        .find(|a| a.id == agent_id)
        .ok_or_else(|| ApiError::new(Code::AgentNotFound))?;
    if !patch.is_object() {
        return Err(ApiError::new(Code::BodyInvalid));
    }
    let mut merged = stored.details.clone();
    merged["represents"] = json!(stored.party_ids);
    json_patch::merge(&mut merged, patch);
    let input: AgentInput = serde_json::from_value(merged).map_err(|e| {
        let message = e.to_string();
        ApiError::new(Code::BodyInvalid).with_detail(message.clone(), message)
    })?;
    let agent = validated_agent(conn, id, &input, today)?;
    let saved = save_agent(conn, id, agent_id, &agent)?;
    let row = filings::touch(conn, id)?;
    record(
        conn,
        actor,
        "filing.agent_updated",
        id,
        json!({ "agent_id": agent_id }),
    )?;
    Ok((row, saved))
}

/// Removes an agent.
pub fn delete_agent(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    agent_id: Uuid,
    precondition: Precondition<'_>,
    actor: &Actor,
) -> Result<FilingRow, ApiError> {
    editable(conn, id, filer, precondition, false)?;
    if !filings::delete_agent(conn, id, agent_id)? {
        return Err(ApiError::new(Code::AgentNotFound));
    }
    let row = filings::touch(conn, id)?;
    record(
        conn,
        actor,
        "filing.agent_deleted",
        id,
        json!({ "agent_id": agent_id }),
    )?;
    Ok(row)
}

/// The parties the payer and refundee can be chosen from.
pub fn payer_candidates(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
) -> Result<Vec<PartyRow>, ApiError> {
    filings::find_for_filer(conn, id, filer)?.ok_or_else(not_found)?;
    Ok(filings::parties(conn, id)?
        .into_iter()
        .filter(|p| PartyRole::parse(&p.role).is_some_and(PartyRole::is_filer_side))
        .collect())
}

/// Attaches one of the filer's materials as `category` (by default the material's own).
/// A material may serve several filings (the same ID card scan, say); attaching it again
/// changes its category in this filing.
#[allow(clippy::too_many_arguments)]
pub fn attach_material(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    material_id: Uuid,
    category: Option<Category>,
    precondition: Precondition<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(FilingRow, AttachedMaterial), ApiError> {
    editable(conn, id, filer, precondition, false)?;
    let material = material_store::find(conn, material_id)?
        .filter(|m| m.owner_account_id == filer)
        .ok_or_else(|| ApiError::field("material_id", Code::MaterialNotFound))?;
    let category = category
        .map(Category::as_str)
        .unwrap_or(material.category.as_str())
        .to_owned();
    filings::attach_material(conn, id, material_id, &category, now)?;
    let row = filings::touch(conn, id)?;
    record(
        conn,
        actor,
        "filing.material_attached",
        id,
        json!({ "material_id": material_id, "category": category }),
    )?;
    let material = material_store::find(conn, material_id)?.unwrap_or(material);
    Ok((row, AttachedMaterial { material, category }))
}

/// Detaches a material; when no other filing holds it, it becomes unattached again (and is
/// purged 24 hours later unless attached anew).
pub fn detach_material(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
    material_id: Uuid,
    precondition: Precondition<'_>,
    actor: &Actor,
) -> Result<FilingRow, ApiError> {
    editable(conn, id, filer, precondition, false)?;
    if !filings::detach_material(conn, id, material_id, Utc::now())? {
        return Err(ApiError::new(Code::MaterialNotFound));
    }
    let row = filings::touch(conn, id)?;
    record(
        conn,
        actor,
        "filing.material_detached",
        id,
        json!({ "material_id": material_id }),
    )?;
    Ok(row)
}

/// Every problem that keeps the filing from being submitted.
pub fn problems(
    detail: &FilingDetail,
    catalogue: &Catalogue,
    filer: &AccountRow,
    today: NaiveDate,
) -> Vec<FieldError> {
    let parties: Vec<PartyFacts> = detail
        .parties
        .iter()
        .filter_map(|p| {
            Some(PartyFacts {
                id: p.id,
                role: PartyRole::parse(&p.role)?,
                document_number: p.details["document_number"].as_str().map(str::to_owned),
                name: p.name.clone(),
            })
        })
        .collect();
    let categories: Vec<Category> = detail
        .materials
        .iter()
        .filter_map(|m| Category::parse(&m.category))
        .collect();
    let empty = Map::new();
    let snapshot = DraftSnapshot {
        kind: kind_of(&detail.filing),
        court_code: detail.filing.court_code.as_deref(),
        content: detail.filing.content.as_object().unwrap_or(&empty),
        parties: &parties,
        material_categories: &categories,
        payer_party_id: detail.filing.payer_party_id,
        refundee_party_id: detail.filing.refundee_party_id,
        filer_id_number: filer.id_number.as_deref(),
        filer_name: &filer.name,
    };
    missing_items(&snapshot, catalogue, today)
}

/// The appeal kinds, whose filings name their original case.
pub const APPEAL_KINDS: [&str; 2] = ["civil_appeal", "administrative_appeal"];

/// Problems that only the stored data shows: appellants who already appealed the same
/// case in another saved or submitted appeal that was not rejected: nobody appeals twice.
fn conflicts(
    conn: &mut PgConnection,
    detail: &FilingDetail,
    lock: bool,
) -> Result<Vec<FieldError>, ApiError> {
    if !APPEAL_KINDS.contains(&detail.filing.kind.as_str()) {
        return Ok(Vec::new());
    }
    let Some(number) = detail.filing.content["original_case"]["case_number"].as_str() else {
        return Ok(Vec::new());
    };
    if lock {
        lock_appeals_of(conn, number)?;
    }
    let keys =
        registered_cases::appellant_keys(conn, &APPEAL_KINDS, number, Some(detail.filing.id))?;
    Ok(detail
        .parties
        .iter()
        .enumerate()
        .filter(|(_, p)| p.role == PartyRole::Appellant.as_str())
        .filter(|(_, p)| {
            let identity = registered_cases::identity_in_details(&p.details);
            registered_cases::appellant_keys_of(identity, &p.name, &p.party_type)
                .iter()
                .any(|k| keys.contains(k))
        })
        .map(|(index, _)| FieldError::new(format!("parties.{index}"), Code::AppealAlreadyAppealed))
        .collect())
}

/// Makes the caller's transaction the only one changing appeals of original case `number`
/// until it ends: two submissions or drafts of appeals of one case at once see each other.
pub fn lock_appeals_of(conn: &mut PgConnection, number: &str) -> Result<(), ApiError> {
    registered_cases::lock_number(conn, &format!("appeal:{number}"))?;
    Ok(())
}

/// The check before submission, changing nothing.
pub fn check(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    id: Uuid,
    filer: &AccountRow,
    today: NaiveDate,
) -> Result<(FilingDetail, Vec<FieldError>), ApiError> {
    let detail = detail(conn, id, filer.id)?;
    let mut problems = problems(&detail, catalogue, filer, today);
    problems.extend(conflicts(conn, &detail, false)?);
    Ok((detail, problems))
}

/// Submits a draft or a corrected rejected filing: the same checks as [`check`], then the
/// filing reference (kept from the first submission) and the status `submitted`.
pub fn submit(
    conn: &mut PgConnection,
    catalogue: &Catalogue,
    id: Uuid,
    filer: &AccountRow,
    precondition: Precondition<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FilingDetail, ApiError> {
    let row = filings::lock_for_filer(conn, id, filer.id)?.ok_or_else(not_found)?;
    precondition.check(row.version, false)?;
    let status = status_of(&row);
    let next = status
        .apply(Event::Submit)
        .map_err(|code| ApiError::new(code).with_extension("filing_status", json!(row.status)))?;
    let today = crate::domain::calendar::shanghai_date(now);
    let detail = detail_of(conn, row)?;
    let mut problems = problems(&detail, catalogue, filer, today);
    problems.extend(conflicts(conn, &detail, true)?);
    if !problems.is_empty() {
        return Err(ApiError::with_fields(Code::FilingIncomplete, problems));
    }
    let reference = match &detail.filing.filing_reference {
        Some(existing) => existing.clone(),
        None => filing_reference(today, filings::next_reference_number(conn)?),
    };
    let submitted = filings::mark_submitted(conn, id, &reference, now)?;
    debug_assert_eq!(submitted.status, next.as_str());
    record(
        conn,
        actor,
        "filing.submitted",
        id,
        json!({
            "filing_reference": reference,
            "resubmission": status == FilingStatus::Rejected,
            "court_code": submitted.court_code,
        }),
    )?;
    let detail = detail_of(conn, submitted)?;
    trial_feed::filing_submitted(conn, &detail, status == FilingStatus::Rejected, now)?;
    Ok(detail)
}

/// A filing reference: `LA` (立案), the submission date in Asia/Shanghai and a number of
/// at least seven digits, e.g. `LA20261203-0000042`. Unique because the number is.
pub fn filing_reference(today: NaiveDate, number: i64) -> String {
    format!("LA{}-{number:07}", today.format("%Y%m%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filing_references_read_well() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(filing_reference(day, 42), "LA20261203-0000042");
        assert_eq!(filing_reference(day, 123_456_789), "LA20261203-123456789");
    }

    #[test]
    fn preconditions_compare_the_opaque_tag() {
        assert!(Precondition::IfMatch("\"3\"").check(3, true).is_ok());
        assert!(Precondition::IfMatch("W/\"3\"").check(3, true).is_ok());
        assert!(Precondition::IfMatch("\"1\", \"3\"").check(3, true).is_ok());
        assert!(Precondition::IfMatch("*").check(3, true).is_ok());
        assert_eq!(
            Precondition::IfMatch("\"2\"")
                .check(3, true)
                .unwrap_err()
                .code(),
            Code::PreconditionFailed
        );
        assert_eq!(
            Precondition::None.check(3, true).unwrap_err().code(),
            Code::PreconditionRequired
        );
        assert!(Precondition::None.check(3, false).is_ok());
    }
}
