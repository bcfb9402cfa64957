//! Registered cases as the trial system reports them, and the rules for finding one as the
//! original or main case of a new filing (appeals, in-litigation preservation, enforcement
//! objections and reconsiderations).

use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::domain::case_number::{CaseNumber, CourtCodes};
use crate::domain::filing::{CourtSource, rules as filing_rules};
use crate::domain::kinds::{FilingKind, PartyRole};
use crate::domain::party::{self, Party, PartyInput};
use crate::domain::text::{fold_code, fold_width, is_blank, trim_blanks};
use crate::errors::{Code, FieldError};

/// The most cases one push may carry.
pub const MAX_CASES_PER_PUSH: usize = 200;

/// The most parties one case may list.
pub const MAX_PARTIES_PER_CASE: usize = 200;

/// Registration numbers are digits only, at least this many (long enough not to be guessed,
/// since with the case number they open the case) …
const REGISTRATION_NUMBER_MIN_DIGITS: usize = 10;
/// … and at most this many.
const REGISTRATION_NUMBER_MAX_DIGITS: usize = 30;

/// The longest cause or judgment document number accepted, in characters.
const MAX_TEXT_CHARS: usize = 200;

/// Whether a registered case is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Option<CaseStatus> {
        match raw {
            "open" => Some(CaseStatus::Open),
            "closed" => Some(CaseStatus::Closed),
            _ => None,
        }
    }
}

/// One case of a push, as the trial system sends it. Every field is optional so that every
/// problem of a row can be reported at once.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushedCaseInput {
    /// The case number, in any accepted spelling (`（2024）鲁0102民初123号`).
    pub case_number: Option<String>,
    /// The registration number: 10 to 30 digits.
    pub registration_number: Option<String>,
    /// The court code; when given it must be the court of the case number.
    pub court_code: Option<String>,
    /// The type code; when given it must be the type code of the case number.
    pub type_code: Option<String>,
    /// The cause of action (or the charge), as the court recorded it.
    pub cause: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// `YYYY-MM-DD`, when the case was registered.
    pub registered_on: Option<String>,
    /// `YYYY-MM-DD`, when the case was closed: required exactly when `status` is `closed`.
    pub closed_on: Option<String>,
    /// The number of the judgment or ruling that closed the case: required when closed.
    pub judgment_document_number: Option<String>,
    /// The parties in the court's order, each with its `role` in the case.
    pub parties: Option<Vec<serde_json::Value>>,
}

/// The members of a pushed case, all strings but `parties`.
const CASE_MEMBERS: [&str; 9] = [
    "case_number",
    "registration_number",
    "court_code",
    "type_code",
    "cause",
    "status",
    "registered_on",
    "closed_on",
    "judgment_document_number",
];

/// Reads one case of a push as JSON: members of the wrong type or unknown are reported by
/// name and left out, so that the rest of the case is still checked.
pub fn read_pushed(value: &serde_json::Value) -> (PushedCaseInput, Vec<FieldError>) {
    use serde_json::Value;
    let mut errors = Vec::new();
    let mut input = PushedCaseInput::default();
    let Value::Object(members) = value else {
        errors.push(FieldError::new("", Code::FieldType));
        return (input, errors);
    };
    for (name, member) in members {
        let text = match member {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            _ if name == "parties" => None,
            _ => {
                if CASE_MEMBERS.contains(&name.as_str()) {
                    errors.push(FieldError::new(name.as_str(), Code::FieldType));
                } else {
                    errors.push(FieldError::new(name.as_str(), Code::FieldUnknown));
                }
                continue;
            }
        };
        match name.as_str() {
            "case_number" => input.case_number = text,
            "registration_number" => input.registration_number = text,
            "court_code" => input.court_code = text,
            "type_code" => input.type_code = text,
            "cause" => input.cause = text,
            "status" => input.status = text,
            "registered_on" => input.registered_on = text,
            "closed_on" => input.closed_on = text,
            "judgment_document_number" => input.judgment_document_number = text,
            "parties" => match member {
                Value::Array(list) => {
                    let mut parties = Vec::with_capacity(list.len());
                    for (index, party) in list.iter().enumerate() {
                        let Value::Object(fields) = party else {
                            errors
                                .push(FieldError::new(format!("parties.{index}"), Code::FieldType));
                            parties.push(Value::Object(Default::default()));
                            continue;
                        };
                        let mut kept = serde_json::Map::new();
                        for (field, value) in fields {
                            if !party::FIELDS.contains(&field.as_str()) {
                                errors.push(FieldError::new(
                                    format!("parties.{index}.{field}"),
                                    Code::FieldUnknown,
                                ));
                            } else if !(value.is_string() || value.is_null()) {
                                errors.push(FieldError::new(
                                    format!("parties.{index}.{field}"),
                                    Code::FieldType,
                                ));
                            } else {
                                kept.insert(field.clone(), value.clone());
                            }
                        }
                        parties.push(Value::Object(kept));
                    }
                    input.parties = Some(parties);
                }
                Value::Null => {}
                _ => errors.push(FieldError::new("parties", Code::FieldType)),
            },
            _ => errors.push(FieldError::new(name.as_str(), Code::FieldUnknown)),
        }
    }
    (input, errors)
}

/// A valid pushed case.
#[derive(Debug, Clone)]
pub struct PushedCase {
    pub case_number: CaseNumber,
    pub registration_number: String,
    pub cause: Option<String>,
    pub status: CaseStatus,
    pub registered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub judgment_document_number: Option<String>,
    pub parties: Vec<CaseParty>,
}

/// A party of a registered case.
#[derive(Debug, Clone)]
pub struct CaseParty {
    pub role: PartyRole,
    pub party: Party,
}

impl CaseParty {
    /// The number parties are matched to accounts by: a person's identity document number,
    /// an organisation's unified social credit code.
    pub fn identity_number(&self) -> Option<String> {
        identity_number_of(&self.party)
    }
}

/// The number a party is matched by: a person's document number, an organisation's credit
/// code.
pub fn identity_number_of(party: &Party) -> Option<String> {
    match party.organisation() {
        Some(organisation) => organisation.credit_code().map(|c| c.as_str().to_owned()),
        None => party.document_number().map(str::to_owned),
    }
}

/// Checks one pushed case; every problem is reported, with fields named as in the row.
pub fn validate_pushed(
    input: &PushedCaseInput,
    courts: &(impl CourtCodes + ?Sized),
    today: NaiveDate,
) -> Result<PushedCase, Vec<FieldError>> {
    let mut errors = Vec::new();

    let case_number = match present(&input.case_number) {
        None => {
            errors.push(FieldError::new("case_number", Code::FieldRequired));
            None
        }
        Some(raw) => CaseNumber::parse(raw, courts, today)
            .map_err(|code| errors.push(FieldError::new("case_number", code)))
            .ok(),
    };
    if let Some(number) = &case_number {
        if let Some(court) = present(&input.court_code)
            && fold_code(court) != number.court_code()
        {
            errors.push(FieldError::new(
                "court_code",
                Code::RegisteredCaseCourtMismatch,
            ));
        }
        if let Some(type_code) = present(&input.type_code)
            && fold_code(type_code) != number.type_code()
        {
            errors.push(FieldError::new(
                "type_code",
                Code::RegisteredCaseTypeMismatch,
            ));
        }
    }
    let registration_number = match present(&input.registration_number) {
        None => {
            errors.push(FieldError::new("registration_number", Code::FieldRequired));
            None
        }
        Some(raw) => parse_registration_number(raw)
            .map_err(|code| errors.push(FieldError::new("registration_number", code)))
            .ok(),
    };
    let cause = optional_text(&input.cause, "cause", &mut errors);
    let judgment_document_number = optional_text(
        &input.judgment_document_number,
        "judgment_document_number",
        &mut errors,
    );
    let status = match present(&input.status) {
        None => {
            errors.push(FieldError::new("status", Code::FieldRequired));
            None
        }
        Some(raw) => CaseStatus::parse(trim_blanks(raw)).or_else(|| {
            errors.push(FieldError::new("status", Code::ChoiceInvalid));
            None
        }),
    };
    let registered_on = optional_date(&input.registered_on, "registered_on", today, &mut errors);
    let closed_on = optional_date(&input.closed_on, "closed_on", today, &mut errors);
    match status {
        Some(CaseStatus::Closed) => {
            if present(&input.closed_on).is_none() {
                errors.push(FieldError::new("closed_on", Code::FieldRequired));
            }
            if judgment_document_number.is_none()
                && present(&input.judgment_document_number).is_none()
            {
                errors.push(FieldError::new(
                    "judgment_document_number",
                    Code::FieldRequired,
                ));
            }
        }
        Some(CaseStatus::Open) if present(&input.closed_on).is_some() => {
            errors.push(FieldError::new(
                "closed_on",
                Code::RegisteredCaseOpenWithClosingDate,
            ));
        }
        _ => {}
    }
    if let (Some(registered), Some(closed)) = (registered_on, closed_on)
        && closed < registered
    {
        errors.push(FieldError::new(
            "closed_on",
            Code::RegisteredCaseClosedBeforeRegistered,
        ));
    }
    if let (Some(number), Some(registered)) = (&case_number, registered_on)
        && i32::from(number.year()) != chrono::Datelike::year(&registered)
    {
        errors.push(FieldError::new(
            "registered_on",
            Code::RegisteredCaseYearMismatch,
        ));
    }

    let mut parties = Vec::new();
    match &input.parties {
        None => errors.push(FieldError::new("parties", Code::FieldRequired)),
        Some(list) if list.is_empty() => {
            errors.push(FieldError::new("parties", Code::FieldRequired))
        }
        Some(list) if list.len() > MAX_PARTIES_PER_CASE => {
            errors.push(FieldError::new(
                "parties",
                Code::RegisteredCaseTooManyParties,
            ));
        }
        Some(list) => {
            for (index, value) in list.iter().enumerate() {
                match case_party(value, today) {
                    Ok(party) => parties.push(party),
                    Err(problems) => errors.extend(problems.into_iter().map(|mut p| {
                        p.field = format!("parties.{index}.{}", p.field);
                        p
                    })),
                }
            }
        }
    }

    // One person or organisation appears once.
    for (index, party) in parties.iter().enumerate() {
        if let Some(identity) = party.identity_number()
            && parties[..index]
                .iter()
                .any(|earlier| earlier.identity_number().as_deref() == Some(identity.as_str()))
        {
            let field = if party.party.organisation().is_some() {
                "credit_code"
            } else {
                "document_number"
            };
            errors.push(FieldError::new(
                format!("parties.{index}.{field}"),
                Code::PartyDuplicate,
            ));
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PushedCase {
        case_number: case_number.expect("checked"),
        registration_number: registration_number.expect("checked"),
        cause,
        status: status.expect("checked"),
        registered_on,
        closed_on,
        judgment_document_number,
        parties,
    })
}

fn case_party(value: &serde_json::Value, today: NaiveDate) -> Result<CaseParty, Vec<FieldError>> {
    let input: PartyInput = serde_json::from_value(value.clone())
        .map_err(|_| vec![FieldError::new("", Code::BodyInvalid)])?;
    let role = match input.role.as_deref().map(trim_blanks) {
        None | Some("") => Err(FieldError::new("role", Code::FieldRequired)),
        Some(raw) => PartyRole::parse(raw).ok_or(FieldError::new("role", Code::PartyRoleInvalid)),
    };
    let party = party::validate(&input, today);
    match (role, party) {
        (Ok(role), Ok(party)) => Ok(CaseParty { role, party }),
        (role, party) => {
            let mut errors = party.err().unwrap_or_default();
            if let Err(e) = role {
                errors.insert(0, e);
            }
            Err(errors)
        }
    }
}

/// A registration number: ASCII or full-width digits, blanks ignored.
pub fn parse_registration_number(raw: &str) -> Result<String, Code> {
    let digits: String = raw
        .chars()
        .filter(|&c| !is_blank(c))
        .map(fold_width)
        .collect();
    if digits.is_empty() {
        return Err(Code::FieldRequired);
    }
    if !digits.chars().all(|c| c.is_ascii_digit())
        || !(REGISTRATION_NUMBER_MIN_DIGITS..=REGISTRATION_NUMBER_MAX_DIGITS)
            .contains(&digits.len())
    {
        return Err(Code::RegistrationNumberFormat);
    }
    Ok(digits)
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !trim_blanks(v).is_empty())
}

fn optional_text(
    value: &Option<String>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let text = trim_blanks(present(value)?);
    if text.chars().count() > MAX_TEXT_CHARS {
        errors.push(FieldError::new(field, Code::TextTooLong));
        return None;
    }
    if text
        .chars()
        .any(|c| c.is_control() || is_invisible_format(c))
    {
        errors.push(FieldError::new(field, Code::TextInvalidCharacters));
        return None;
    }
    Some(text.to_owned())
}

/// Characters that change how text reads without showing: zero-width characters and the
/// bidirectional overrides and isolates.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn optional_date(
    value: &Option<String>,
    field: &str,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    let raw = trim_blanks(present(value)?);
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Err(_) => {
            errors.push(FieldError::new(field, Code::DateInvalid));
            None
        }
        Ok(date) if date > today => {
            errors.push(FieldError::new(field, Code::DateInFuture));
            None
        }
        Ok(date) => Some(date),
    }
}

// --- Lookups ------------------------------------------------------------------------------

/// What a lookup is for decides which cases it may find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// An appeal of this kind: closed cases of an appealable type, closed within two years.
    Appeal(FilingKind),
    /// Any appeal: civil or administrative, whichever the case's type allows.
    AnyAppeal,
    /// A filing made in or against an existing case: open cases too, with no time limit.
    ExistingCase(FilingKind),
}

impl Purpose {
    /// The purpose of a lookup made for a filing of `kind`; `None` when no lookup is
    /// offered for that kind (a jurisdiction-objection appeal is entered by hand, and kinds
    /// that refer to no case have nothing to look up).
    pub fn for_kind(kind: FilingKind) -> Option<Purpose> {
        match kind {
            FilingKind::CivilAppeal | FilingKind::AdministrativeAppeal => {
                Some(Purpose::Appeal(kind))
            }
            FilingKind::JurisdictionObjection
            | FilingKind::InLitigationPreservation
            | FilingKind::EnforcementObjection
            | FilingKind::EnforcementReconsideration => Some(Purpose::ExistingCase(kind)),
            _ => None,
        }
    }

    /// The kind of filing a hit turns into, given the case's type code.
    pub fn kind_for(self, type_code: &str) -> Option<FilingKind> {
        match self {
            Purpose::Appeal(kind) | Purpose::ExistingCase(kind) => Some(kind),
            Purpose::AnyAppeal => [FilingKind::CivilAppeal, FilingKind::AdministrativeAppeal]
                .into_iter()
                .find(|kind| type_accepted(*kind, type_code)),
        }
    }

    fn is_appeal(self) -> bool {
        matches!(self, Purpose::Appeal(_) | Purpose::AnyAppeal)
    }
}

/// The facts of a registered case the lookup rules need.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    pub type_code: &'a str,
    pub status: CaseStatus,
    pub closed_on: Option<NaiveDate>,
}

/// The first closing date an appeal lookup still finds on `today`: two calendar years back
/// (29 February goes back to 28 February).
pub fn appeal_window_start(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_months(Months::new(24))
        .unwrap_or(NaiveDate::MIN)
}

/// Whether a lookup for `purpose` may find the case on `today`, or why not.
pub fn findable(
    purpose: Purpose,
    case: CaseFacts<'_>,
    today: NaiveDate,
) -> Result<FilingKind, Code> {
    let Some(kind) = purpose.kind_for(case.type_code) else {
        return Err(Code::OriginalCaseTypeNotAccepted);
    };
    if !type_accepted(kind, case.type_code) {
        return Err(Code::OriginalCaseTypeNotAccepted);
    }
    if purpose.is_appeal() {
        match (case.status, case.closed_on) {
            (CaseStatus::Closed, Some(closed)) if closed >= appeal_window_start(today) => {}
            (CaseStatus::Closed, _) => return Err(Code::OriginalCaseAppealPeriodPassed),
            (CaseStatus::Open, _) => return Err(Code::OriginalCaseNotClosed),
        }
    }
    Ok(kind)
}

/// Whether a filing of `kind` may refer to a case of `type_code` (a knowledge-property
/// tribunal's `知` prefix aside).
pub fn type_accepted(kind: FilingKind, type_code: &str) -> bool {
    let allowed = filing_rules(kind).referenced_type_codes;
    let type_code = type_code.trim_start_matches('知');
    allowed.is_empty() || allowed.contains(&type_code)
}

/// Whether the accepting court of `kind` is the superior of the case's court (appeals,
/// reconsiderations) rather than the case's own court.
pub fn goes_to_superior_court(kind: FilingKind) -> bool {
    matches!(
        filing_rules(kind).court,
        CourtSource::SuperiorOfOriginalCase | CourtSource::SuperiorOfEnforcingCourt
    )
}

// --- Drafts from a hit --------------------------------------------------------------------

/// Which side of a case a role stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Filer,
    Opposing,
    Neither,
}

/// Whether a role stands against the filer's side (defendant, appellee, respondent,
/// accused).
pub fn is_opposing_role(role: PartyRole) -> bool {
    side(role) == Side::Opposing
}

fn side(role: PartyRole) -> Side {
    match role {
        PartyRole::Plaintiff
        | PartyRole::Appellant
        | PartyRole::Applicant
        | PartyRole::PrivateProsecutor => Side::Filer,
        PartyRole::Defendant | PartyRole::Appellee | PartyRole::Respondent | PartyRole::Accused => {
            Side::Opposing
        }
        PartyRole::ThirdParty | PartyRole::OtherPartyInOriginalCase => Side::Neither,
    }
}

/// The role each party of the original case takes in a new filing of `kind`, when the
/// parties at the positions in `chosen` are on the filer's side (the appellants of an
/// appeal, the applicants of a preservation): the chosen ones take the kind's filer-side
/// role; those who stood against one of them take its opposing role (appellee,
/// respondent); the rest take "other party of the original case" where the kind has that
/// role, and are left out where it has not. `None` marks a party left out.
pub fn roles_in_new_filing(
    kind: FilingKind,
    original_roles: &[PartyRole],
    chosen: &[usize],
) -> Vec<Option<PartyRole>> {
    let rules = kind.rules();
    let filer_role = rules.filer_side_roles.first().copied();
    let opposing_role = rules.other_roles.first().copied();
    let other_role = rules
        .other_roles
        .iter()
        .copied()
        .find(|r| *r == PartyRole::OtherPartyInOriginalCase);
    let chosen_sides: Vec<Side> = chosen
        .iter()
        .filter_map(|&i| original_roles.get(i))
        .map(|&r| side(r))
        .collect();
    original_roles
        .iter()
        .enumerate()
        .map(|(index, &role)| {
            if chosen.contains(&index) {
                return filer_role;
            }
            let own = side(role);
            let opposes_a_chosen = own != Side::Neither
                && chosen_sides.iter().any(|&s| s != Side::Neither && s != own);
            if opposes_a_chosen {
                opposing_role
            } else {
                other_role
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_appeal_window_is_two_calendar_years() {
        assert_eq!(appeal_window_start(date("2026-12-04")), date("2024-12-04"));
        assert_eq!(appeal_window_start(date("2028-02-29")), date("2026-02-28"));
        assert_eq!(appeal_window_start(date("2026-03-01")), date("2024-03-01"));
        assert_eq!(appeal_window_start(date("2026-02-28")), date("2024-02-28"));
    }

    fn closed<'a>(type_code: &'a str, on: &'a str) -> CaseFacts<'a> {
        CaseFacts {
            type_code,
            status: CaseStatus::Closed,
            closed_on: Some(date(on)),
        }
    }

    #[test]
    fn appeals_find_appealable_cases_closed_within_two_years() {
        let appeal = Purpose::AnyAppeal;
        let today = date("2026-12-04");
        assert_eq!(
            findable(appeal, closed("民初", "2024-12-04"), today),
            Ok(FilingKind::CivilAppeal)
        );
        assert_eq!(
            findable(appeal, closed("民初", "2024-12-03"), today),
            Err(Code::OriginalCaseAppealPeriodPassed)
        );
        assert_eq!(
            findable(appeal, closed("行赔初", "2025-01-01"), today),
            Ok(FilingKind::AdministrativeAppeal)
        );
        assert_eq!(
            findable(appeal, closed("民撤", "2025-01-01"), today),
            Ok(FilingKind::CivilAppeal)
        );
        for type_code in ["民再", "行再", "民终", "执", "刑初"] {
            assert_eq!(
                findable(appeal, closed(type_code, "2026-01-01"), today),
                Err(Code::OriginalCaseTypeNotAccepted),
                "{type_code}"
            );
        }
        let open = CaseFacts {
            type_code: "民初",
            status: CaseStatus::Open,
            closed_on: None,
        };
        assert_eq!(
            findable(appeal, open, today),
            Err(Code::OriginalCaseNotClosed)
        );
        assert_eq!(
            findable(
                Purpose::Appeal(FilingKind::AdministrativeAppeal),
                closed("民初", "2026-01-01"),
                today
            ),
            Err(Code::OriginalCaseTypeNotAccepted)
        );
    }

    #[test]
    fn a_closing_date_of_29_february_ends_its_window_on_the_last_february_day() {
        let case = closed("民初", "2024-02-29");
        let appeal = Purpose::AnyAppeal;
        assert!(findable(appeal, case, date("2026-02-28")).is_ok());
        assert_eq!(
            findable(appeal, case, date("2026-03-01")),
            Err(Code::OriginalCaseAppealPeriodPassed)
        );
    }

    #[test]
    fn existing_case_lookups_find_open_and_old_cases() {
        let open = CaseFacts {
            type_code: "民初",
            status: CaseStatus::Open,
            closed_on: None,
        };
        let preservation = Purpose::ExistingCase(FilingKind::InLitigationPreservation);
        let today = date("2026-12-04");
        assert!(findable(preservation, open, today).is_ok());
        assert!(findable(preservation, closed("民初", "2010-01-01"), today).is_ok());
        let objection = Purpose::ExistingCase(FilingKind::EnforcementObjection);
        assert!(findable(objection, closed("执", "2015-05-05"), today).is_ok());
        assert_eq!(
            findable(objection, open, today),
            Err(Code::OriginalCaseTypeNotAccepted)
        );
    }

    #[test]
    fn no_lookup_is_offered_for_jurisdiction_objection_appeals() {
        assert_eq!(
            Purpose::for_kind(FilingKind::JurisdictionObjectionAppeal),
            None
        );
        assert_eq!(Purpose::for_kind(FilingKind::CivilFirstInstance), None);
        assert!(Purpose::for_kind(FilingKind::CivilAppeal).is_some());
    }

    #[test]
    fn the_other_side_of_the_appellants_becomes_appellees() {
        use PartyRole::*;
        let original = [Plaintiff, Plaintiff, Defendant, ThirdParty];
        assert_eq!(
            roles_in_new_filing(FilingKind::CivilAppeal, &original, &[2]),
            vec![
                Some(Appellee),
                Some(Appellee),
                Some(Appellant),
                Some(OtherPartyInOriginalCase)
            ]
        );
        assert_eq!(
            roles_in_new_filing(FilingKind::CivilAppeal, &original, &[0]),
            vec![
                Some(Appellant),
                Some(OtherPartyInOriginalCase),
                Some(Appellee),
                Some(OtherPartyInOriginalCase)
            ]
        );
        // A preservation has no "other party": the co-plaintiff and the third party stay out.
        assert_eq!(
            roles_in_new_filing(FilingKind::InLitigationPreservation, &original, &[0]),
            vec![Some(Applicant), None, Some(Respondent), None]
        );
    }

    #[test]
    fn registration_numbers_are_ten_to_thirty_digits() {
        assert_eq!(
            parse_registration_number(" 1234 5678 90 ").unwrap(),
            "1234567890"
        );
        assert_eq!(
            parse_registration_number("１２３４５６７８９０１").unwrap(),
            "12345678901"
        );
        assert_eq!(
            parse_registration_number("123456789"),
            Err(Code::RegistrationNumberFormat)
        );
        assert_eq!(
            parse_registration_number("12345678901a"),
            Err(Code::RegistrationNumberFormat)
        );
        assert_eq!(
            parse_registration_number(&"1".repeat(31)),
            Err(Code::RegistrationNumberFormat)
        );
        assert_eq!(parse_registration_number("   "), Err(Code::FieldRequired));
    }
}
