//! What a filing of each kind must contain, as data: which content fields apply, which
//! party roles and material categories are required, and where the accepting court comes
//! from. The checks here read only their arguments, so a draft can be checked at any time
//! and every problem is reported at once, each with its field path.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::domain::case_number::CaseNumber;
use crate::domain::catalogue::{Catalogue, CourtFacts, ROAD_TRAFFIC_CAUSE};
use crate::domain::kinds::{FilingKind, PartyRole, Tier};
use crate::domain::materials::Category;
use crate::domain::money::Money;
use crate::domain::name::PersonName;
use crate::domain::phone::MobilePhone;
use crate::domain::text::{fold_code, trim_blanks, valid_email};
use crate::errors::{Code, FieldError};

/// A content field of a filing, by its key in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// Civil kinds: an id of the civil causes-of-action list; administrative kinds: free
    /// text (that list is not held as data).
    CauseOfAction,
    AmountInDispute,
    FilerCapacity,
    Claims,
    FactsAndReasons,
    ServiceAddress,
    /// A special procedure: type codes 0310–0322, or 0323 for supervision.
    SpecialProcedureType,
    /// Id of a charge of the private-prosecution list.
    Charge,
    Preservation,
    EnforcementBasis,
    EnforcementAmount,
    Reconsideration,
    /// The case the filing is made in (jurisdiction objections, in-litigation preservation,
    /// enforcement objections).
    ExistingCaseNumber,
    /// The case appealed against or to be retried.
    OriginalCase,
}

impl Key {
    pub const ALL: [Key; 14] = [
        Key::CauseOfAction,
        Key::AmountInDispute,
        Key::FilerCapacity,
        Key::Claims,
        Key::FactsAndReasons,
        Key::ServiceAddress,
        Key::SpecialProcedureType,
        Key::Charge,
        Key::Preservation,
        Key::EnforcementBasis,
        Key::EnforcementAmount,
        Key::Reconsideration,
        Key::ExistingCaseNumber,
        Key::OriginalCase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Key::CauseOfAction => "cause_of_action",
            Key::AmountInDispute => "amount_in_dispute",
            Key::FilerCapacity => "filer_capacity",
            Key::Claims => "claims",
            Key::FactsAndReasons => "facts_and_reasons",
            Key::ServiceAddress => "service_address",
            Key::SpecialProcedureType => "special_procedure_type",
            Key::Charge => "charge",
            Key::Preservation => "preservation",
            Key::EnforcementBasis => "enforcement_basis",
            Key::EnforcementAmount => "enforcement_amount",
            Key::Reconsideration => "reconsideration",
            Key::ExistingCaseNumber => "existing_case_number",
            Key::OriginalCase => "original_case",
        }
    }

    pub fn parse(value: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// Whether a field must be filled in before submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// Where the accepting court of a kind comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourtSource {
    /// The filer chooses it among the courts of the allowed tiers.
    Chosen,
    /// The superior court of the court that decided the original case (appeals).
    SuperiorOfOriginalCase,
    /// The court of the existing case the filing is made in.
    CourtOfExistingCase,
    /// The superior court of the enforcing court (enforcement reconsideration).
    SuperiorOfEnforcingCourt,
}

/// Everything a filing of one kind must contain.
#[derive(Debug, Clone, Copy)]
pub struct FilingRules {
    pub kind: FilingKind,
    pub fields: &'static [(Key, Need)],
    /// Roles of which at least one party is required.
    pub required_roles: &'static [PartyRole],
    /// Material categories of which at least one material is required (the authorisation
    /// is required separately, when the filer is not a party).
    pub required_materials: &'static [Category],
    pub court: CourtSource,
    /// Type codes the referenced case (original, existing or reconsidered) may have; empty
    /// when any is accepted.
    pub referenced_type_codes: &'static [&'static str],
}

use Category as M;
use Key as K;
use Need::{Optional as O, Required as Q};
use PartyRole as R;

/// Filled in for every kind.
const FILER_CAPACITY: (Key, Need) = (K::FilerCapacity, Q);
const CLAIMS: (Key, Need) = (K::Claims, Q);
const FACTS: (Key, Need) = (K::FactsAndReasons, Q);
const SERVICE: (Key, Need) = (K::ServiceAddress, Q);

const COMPLAINT_AND_IDENTITY: &[Category] = &[M::ComplaintOrApplication, M::IdentityDocument];
const WITH_EVIDENCE: &[Category] = &[M::ComplaintOrApplication, M::IdentityDocument, M::Evidence];

/// The rules of every online kind.
pub const FILING_RULES: &[FilingRules] = &[
    FilingRules {
        kind: FilingKind::RoadTraffic,
        fields: &[
            (K::CauseOfAction, Q),
            (K::AmountInDispute, Q),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Plaintiff, R::Defendant],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::Chosen,
        referenced_type_codes: &[],
    },
    FilingRules {
        kind: FilingKind::CivilFirstInstance,
        fields: &[
            (K::CauseOfAction, Q),
            (K::AmountInDispute, O),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Plaintiff, R::Defendant],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::Chosen,
        referenced_type_codes: &[],
    },
    FilingRules {
        kind: FilingKind::CivilAppeal,
        fields: &[
            (K::OriginalCase, Q),
            (K::CauseOfAction, O),
            (K::AmountInDispute, O),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Appellant, R::Appellee],
        required_materials: COMPLAINT_AND_IDENTITY,
        court: CourtSource::SuperiorOfOriginalCase,
        referenced_type_codes: &["民初", "民撤"],
    },
    FilingRules {
        kind: FilingKind::CivilRetrialApplication,
        fields: &[
            (K::OriginalCase, Q),
            (K::CauseOfAction, O),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Applicant, R::Respondent],
        required_materials: COMPLAINT_AND_IDENTITY,
        court: CourtSource::SuperiorOfOriginalCase,
        referenced_type_codes: &["民初", "民终", "民撤", "民特"],
    },
    FilingRules {
        kind: FilingKind::CivilSpecialProcedure,
        fields: &[
            (K::SpecialProcedureType, Q),
            (K::AmountInDispute, O),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Applicant],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::Chosen,
        referenced_type_codes: &[],
    },
    FilingRules {
        kind: FilingKind::JurisdictionObjection,
        fields: &[
            (K::ExistingCaseNumber, Q),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Applicant],
        required_materials: COMPLAINT_AND_IDENTITY,
        court: CourtSource::CourtOfExistingCase,
        referenced_type_codes: &["民初", "民撤", "行初", "行赔初"],
    },
    FilingRules {
        kind: FilingKind::JurisdictionObjectionAppeal,
        fields: &[(K::OriginalCase, Q), FILER_CAPACITY, CLAIMS, FACTS, SERVICE],
        required_roles: &[R::Appellant, R::Appellee],
        required_materials: COMPLAINT_AND_IDENTITY,
        court: CourtSource::SuperiorOfOriginalCase,
        referenced_type_codes: &["民初", "民撤"],
    },
    FilingRules {
        kind: FilingKind::AdministrativeFirstInstance,
        fields: &[
            (K::CauseOfAction, Q),
            (K::AmountInDispute, O),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Plaintiff, R::Defendant],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::Chosen,
        referenced_type_codes: &[],
    },
    FilingRules {
        kind: FilingKind::AdministrativeAppeal,
        fields: &[
            (K::OriginalCase, Q),
            (K::CauseOfAction, O),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Appellant, R::Appellee],
        required_materials: COMPLAINT_AND_IDENTITY,
        court: CourtSource::SuperiorOfOriginalCase,
        referenced_type_codes: &["行初", "行赔初"],
    },
    FilingRules {
        kind: FilingKind::AdministrativeRetrialApplication,
        fields: &[
            (K::OriginalCase, Q),
            (K::CauseOfAction, O),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Applicant, R::Respondent],
        required_materials: COMPLAINT_AND_IDENTITY,
        court: CourtSource::SuperiorOfOriginalCase,
        referenced_type_codes: &["行初", "行终", "行赔初", "行赔终"],
    },
    FilingRules {
        kind: FilingKind::CriminalPrivateProsecution,
        fields: &[(K::Charge, Q), FILER_CAPACITY, CLAIMS, FACTS, SERVICE],
        required_roles: &[R::PrivateProsecutor, R::Accused],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::Chosen,
        referenced_type_codes: &[],
    },
    FilingRules {
        kind: FilingKind::PreLitigationPreservation,
        fields: &[(K::Preservation, Q), FILER_CAPACITY, CLAIMS, FACTS, SERVICE],
        required_roles: &[R::Applicant, R::Respondent],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::Chosen,
        referenced_type_codes: &[],
    },
    FilingRules {
        kind: FilingKind::InLitigationPreservation,
        fields: &[
            (K::ExistingCaseNumber, Q),
            (K::Preservation, Q),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Applicant, R::Respondent],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::CourtOfExistingCase,
        referenced_type_codes: &[
            "民初",
            "民终",
            "民撤",
            "行初",
            "行终",
            "行赔初",
            "刑初",
            "民特",
        ],
    },
    FilingRules {
        kind: FilingKind::FirstEnforcement,
        fields: &[
            (K::EnforcementBasis, Q),
            (K::EnforcementAmount, Q),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Applicant, R::Respondent],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::Chosen,
        referenced_type_codes: &[],
    },
    FilingRules {
        kind: FilingKind::EnforcementObjection,
        fields: &[
            (K::ExistingCaseNumber, Q),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Applicant],
        required_materials: WITH_EVIDENCE,
        court: CourtSource::CourtOfExistingCase,
        referenced_type_codes: &["执", "执恢", "执保"],
    },
    FilingRules {
        kind: FilingKind::EnforcementReconsideration,
        fields: &[
            (K::Reconsideration, Q),
            FILER_CAPACITY,
            CLAIMS,
            FACTS,
            SERVICE,
        ],
        required_roles: &[R::Applicant],
        required_materials: COMPLAINT_AND_IDENTITY,
        court: CourtSource::SuperiorOfEnforcingCourt,
        referenced_type_codes: &["执", "执异"],
    },
];

/// The rules of `kind`.
pub fn rules(kind: FilingKind) -> &'static FilingRules {
    FILING_RULES
        .iter()
        .find(|r| r.kind == kind)
        .expect("every online kind has filing rules")
}

impl FilingRules {
    pub fn need(&self, key: Key) -> Option<Need> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, n)| *n)
    }

    /// Whether the cause of action is an id of the civil list (rather than free text).
    fn civil_causes(&self) -> bool {
        !matches!(
            self.kind,
            FilingKind::AdministrativeFirstInstance
                | FilingKind::AdministrativeAppeal
                | FilingKind::AdministrativeRetrialApplication
        )
    }

    /// The key holding the case number the accepting court follows from.
    fn court_key(&self) -> Option<Key> {
        match self.court {
            CourtSource::Chosen => None,
            CourtSource::SuperiorOfOriginalCase => Some(Key::OriginalCase),
            CourtSource::CourtOfExistingCase => Some(Key::ExistingCaseNumber),
            CourtSource::SuperiorOfEnforcingCourt => Some(Key::Reconsideration),
        }
    }
}

/// The capacity in which the filer acts (申请人身份).
pub const FILER_CAPACITIES: &[&str] = &[
    "party_in_person",
    "legal_representative",
    "principal",
    "statutory_agent",
    "authorised_agent",
];

/// What an enforcement reconsideration is about (复议事项).
pub const RECONSIDERATION_MATTERS: &[&str] = &[
    "objection_to_enforcement_act",
    "enforcement_jurisdiction",
    "adding_or_changing_party",
    "refusal_to_enforce_arbitral_award",
    "refusal_to_enforce_notarised_debt",
    "other",
];

/// How a preservation is guaranteed.
pub const GUARANTEE_TYPES: &[&str] = &[
    "cash",
    "property",
    "guarantee_insurance",
    "bank_guarantee",
    "guarantor",
    "none",
];

const MAX_CLAIMS_CHARS: usize = 5_000;
const MAX_FACTS_CHARS: usize = 20_000;
const MAX_SHORT_TEXT_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// A draft's content after validation: normalised values, and the court that follows from
/// the referenced case, if the kind derives it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedContent {
    pub content: Map<String, Value>,
    pub derived_court: Option<String>,
}

/// Validates every field present in `content` for a filing of `kind`: each must apply to
/// the kind and hold a valid value. Missing fields are not reported here (a draft may be
/// incomplete); see [`missing_items`].
pub fn validate_content(
    kind: FilingKind,
    content: &Map<String, Value>,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<CheckedContent, Vec<FieldError>> {
    let rules = rules(kind);
    let mut errors = Vec::new();
    let mut normalised = Map::new();
    let mut derived_court = None;
    for (name, value) in content {
        let Some(key) = Key::parse(name) else {
            errors.push(FieldError::new(name.as_str(), Code::FieldUnknown));
            continue;
        };
        if rules.need(key).is_none() {
            errors.push(FieldError::new(name.as_str(), Code::FieldNotApplicable));
            continue;
        }
        if value.is_null() {
            continue;
        }
        let mut field = Field {
            path: name.clone(),
            errors: &mut errors,
        };
        let Some(value) = validate_field(rules, key, value, &mut field, catalogue, today) else {
            continue;
        };
        if rules.court_key() == Some(key) {
            match court_from_reference(rules, &value, catalogue) {
                Ok(code) => derived_court = Some(code),
                Err(error) => errors.push(error),
            }
        }
        normalised.insert(name.clone(), value);
    }
    if errors.is_empty() {
        Ok(CheckedContent {
            content: normalised,
            derived_court,
        })
    } else {
        Err(errors)
    }
}

/// Where the errors of one field go, with its path.
struct Field<'a> {
    path: String,
    errors: &'a mut Vec<FieldError>,
}

impl Field<'_> {
    fn fail(&mut self, code: Code) {
        self.errors.push(FieldError::new(self.path.clone(), code));
    }

    fn fail_at(&mut self, sub: &str, code: Code) {
        self.errors
            .push(FieldError::new(format!("{}.{sub}", self.path), code));
    }
}

fn validate_field(
    rules: &FilingRules,
    key: Key,
    value: &Value,
    field: &mut Field<'_>,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Option<Value> {
    let result = match key {
        Key::CauseOfAction if rules.civil_causes() => {
            civil_cause(rules.kind, value, catalogue).map(Value::from)
        }
        Key::CauseOfAction => text(value, MAX_SHORT_TEXT_CHARS).map(Value::from),
        Key::AmountInDispute => money(value, false).map(Value::from),
        Key::EnforcementAmount => money(value, true).map(Value::from),
        Key::FilerCapacity => choice(value, FILER_CAPACITIES).map(Value::from),
        Key::Claims => text(value, MAX_CLAIMS_CHARS).map(Value::from),
        Key::FactsAndReasons => text(value, MAX_FACTS_CHARS).map(Value::from),
        Key::SpecialProcedureType => string(value).and_then(|code| {
            catalogue
                .special_procedure(&code)
                .map(|_| Value::from(code))
                .ok_or(Code::SpecialProcedureUnknown)
        }),
        Key::Charge => charge(value, catalogue).map(Value::from),
        Key::ExistingCaseNumber => {
            referenced_case(rules, value, catalogue, today).map(|n| Value::from(n.as_str()))
        }
        Key::ServiceAddress => return service_address(value, field),
        Key::Preservation => return preservation(rules.kind, value, field),
        Key::EnforcementBasis => return enforcement_basis(value, field, today),
        Key::Reconsideration => return reconsideration(rules, value, field, catalogue, today),
        Key::OriginalCase => return original_case(rules, value, field, catalogue, today),
    };
    result.map_err(|code| field.fail(code)).ok()
}

/// The object of a structured field, each member checked by `check`; unknown members are
/// reported too.
fn object<'v>(
    value: &'v Value,
    field: &mut Field<'_>,
    members: &[&str],
) -> Option<&'v Map<String, Value>> {
    let Some(object) = value.as_object() else {
        field.fail(Code::FieldType);
        return None;
    };
    let mut ok = true;
    for name in object.keys() {
        if !members.contains(&name.as_str()) {
            field.fail_at(name, Code::FieldUnknown);
            ok = false;
        }
    }
    ok.then_some(object)
}

/// Runs `check` on member `name`; a missing or null member is reported as required when
/// `required`.
fn member(
    object: &Map<String, Value>,
    name: &str,
    required: bool,
    field: &mut Field<'_>,
    out: &mut Map<String, Value>,
    check: impl FnOnce(&Value) -> Result<Value, Code>,
) -> bool {
    match object.get(name).filter(|v| !v.is_null()) {
        None if required => {
            field.fail_at(name, Code::FieldRequired);
            false
        }
        None => true,
        Some(value) => match check(value) {
            Ok(value) => {
                out.insert(name.to_owned(), value);
                true
            }
            Err(code) => {
                field.fail_at(name, code);
                false
            }
        },
    }
}

fn service_address(value: &Value, field: &mut Field<'_>) -> Option<Value> {
    let members = [
        "address",
        "recipient",
        "phone",
        "email",
        "electronic_service_consent",
    ];
    let object = object(value, field, &members)?;
    let mut out = Map::new();
    let mut ok = member(object, "address", true, field, &mut out, |v| {
        text(v, MAX_SHORT_TEXT_CHARS).map(Value::from)
    });
    ok &= member(object, "recipient", true, field, &mut out, |v| {
        let name = string(v)?;
        PersonName::parse(&name).map(|n| Value::from(n.as_str()))
    });
    ok &= member(object, "phone", true, field, &mut out, |v| {
        let phone = string(v)?;
        MobilePhone::parse(&phone).map(|p| Value::from(p.as_str()))
    });
    ok &= member(object, "email", false, field, &mut out, |v| {
        let email = string(v)?;
        valid_email(&email)
            .map(Value::from)
            .ok_or(Code::EmailInvalid)
    });
    ok &= member(
        object,
        "electronic_service_consent",
        true,
        field,
        &mut out,
        |v| v.as_bool().map(Value::from).ok_or(Code::FieldType),
    );
    ok.then_some(Value::Object(out))
}

fn preservation(kind: FilingKind, value: &Value, field: &mut Field<'_>) -> Option<Value> {
    let object = object(value, field, &["property", "amount", "guarantee"])?;
    let mut out = Map::new();
    let mut ok = member(object, "property", true, field, &mut out, |v| {
        text(v, MAX_DESCRIPTION_CHARS).map(Value::from)
    });
    ok &= member(object, "amount", true, field, &mut out, |v| {
        money(v, true).map(Value::from)
    });
    // The law demands a guarantee before litigation; during litigation the court decides.
    let guarantee_required = kind == FilingKind::PreLitigationPreservation;
    match object.get("guarantee").filter(|v| !v.is_null()) {
        None if guarantee_required => {
            field.fail_at("guarantee", Code::FieldRequired);
            ok = false;
        }
        None => {}
        Some(guarantee) => {
            let mut inner = Field {
                path: format!("{}.guarantee", field.path),
                errors: field.errors,
            };
            match self::object(guarantee, &mut inner, &["type", "description"]) {
                None => ok = false,
                Some(g) => {
                    let mut g_out = Map::new();
                    let mut g_ok = member(g, "type", true, &mut inner, &mut g_out, |v| {
                        choice(v, GUARANTEE_TYPES).map(Value::from)
                    });
                    if guarantee_required
                        && g_out.get("type").and_then(Value::as_str) == Some("none")
                    {
                        inner.fail_at("type", Code::PreservationGuaranteeRequired);
                        g_ok = false;
                    }
                    g_ok &= member(g, "description", false, &mut inner, &mut g_out, |v| {
                        text(v, MAX_DESCRIPTION_CHARS).map(Value::from)
                    });
                    if g_ok {
                        out.insert("guarantee".into(), Value::Object(g_out));
                    } else {
                        ok = false;
                    }
                }
            }
        }
    }
    ok.then_some(Value::Object(out))
}

fn enforcement_basis(value: &Value, field: &mut Field<'_>, today: NaiveDate) -> Option<Value> {
    let object = object(value, field, &["document_number", "issued_by", "date"])?;
    let mut out = Map::new();
    let mut ok = member(object, "document_number", true, field, &mut out, |v| {
        text(v, MAX_SHORT_TEXT_CHARS).map(Value::from)
    });
    ok &= member(object, "issued_by", true, field, &mut out, |v| {
        text(v, MAX_SHORT_TEXT_CHARS).map(Value::from)
    });
    ok &= member(object, "date", true, field, &mut out, |v| {
        past_date(v, today).map(Value::from)
    });
    ok.then_some(Value::Object(out))
}

fn reconsideration(
    rules: &FilingRules,
    value: &Value,
    field: &mut Field<'_>,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Option<Value> {
    let object = object(
        value,
        field,
        &["original_case_number", "matter", "enforcement_basis_number"],
    )?;
    let mut out = Map::new();
    let mut ok = member(object, "original_case_number", true, field, &mut out, |v| {
        referenced_case(rules, v, catalogue, today).map(|n| Value::from(n.as_str()))
    });
    ok &= member(object, "matter", true, field, &mut out, |v| {
        choice(v, RECONSIDERATION_MATTERS).map(Value::from)
    });
    ok &= member(
        object,
        "enforcement_basis_number",
        true,
        field,
        &mut out,
        |v| text(v, MAX_SHORT_TEXT_CHARS).map(Value::from),
    );
    ok.then_some(Value::Object(out))
}

fn original_case(
    rules: &FilingRules,
    value: &Value,
    field: &mut Field<'_>,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Option<Value> {
    let object = object(value, field, &["case_number", "judgment_date"])?;
    let mut out = Map::new();
    let mut ok = member(object, "case_number", true, field, &mut out, |v| {
        referenced_case(rules, v, catalogue, today).map(|n| Value::from(n.as_str()))
    });
    ok &= member(object, "judgment_date", false, field, &mut out, |v| {
        past_date(v, today).map(Value::from)
    });
    ok.then_some(Value::Object(out))
}

/// A case number the filing refers to, of a type the kind accepts.
fn referenced_case(
    rules: &FilingRules,
    value: &Value,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<CaseNumber, Code> {
    let raw = string(value)?;
    let number = CaseNumber::parse(&raw, catalogue, today)?;
    let allowed = rules.referenced_type_codes;
    let type_code = number.type_code().trim_start_matches('知');
    if !allowed.is_empty() && !allowed.contains(&type_code) {
        let is_appeal = rules.court == CourtSource::SuperiorOfOriginalCase
            && rules.kind != FilingKind::CivilRetrialApplication
            && rules.kind != FilingKind::AdministrativeRetrialApplication;
        return Err(match type_code {
            "民再" | "行再" if is_appeal => Code::AppealOfRetrialOffline,
            "民再" | "行再" => Code::FilingRetrialCaseOffline,
            _ if is_appeal => Code::AppealOriginalNotAppealable,
            _ => Code::CaseNumberTypeNotAccepted,
        });
    }
    Ok(number)
}

/// The accepting court that follows from the normalised value of the kind's court key.
fn court_from_reference(
    rules: &FilingRules,
    value: &Value,
    catalogue: &Catalogue,
) -> Result<String, FieldError> {
    let (path, number) = match rules.court {
        CourtSource::Chosen => unreachable!("only kinds with a derived court get here"),
        CourtSource::SuperiorOfOriginalCase => ("original_case.case_number", &value["case_number"]),
        CourtSource::CourtOfExistingCase => ("existing_case_number", value),
        CourtSource::SuperiorOfEnforcingCourt => (
            "reconsideration.original_case_number",
            &value["original_case_number"],
        ),
    };
    let court_code = number
        .as_str()
        .and_then(|n| CaseNumber::parse(n, catalogue, NaiveDate::MAX).ok())
        .map(|n| n.court_code().to_owned())
        .unwrap_or_default();
    // A case of a retired court is now the successor court's.
    let court = catalogue
        .court_in_force(&court_code)
        .and_then(|court| match rules.court {
            CourtSource::CourtOfExistingCase => Some(court),
            _ => catalogue.superior(&court.code),
        });
    match court {
        Some(court) => Ok(court.code.clone()),
        None => Err(FieldError::new(path, Code::FilingCourtNotDerivable)),
    }
}

/// Checks that `code` is a court in force that accepts filings of `kind`.
pub fn check_court<'c>(
    kind: FilingKind,
    code: &str,
    catalogue: &'c Catalogue,
) -> Result<&'c CourtFacts, Code> {
    let Some(court) = catalogue.court(code) else {
        return Err(if catalogue.is_retired_court(code) {
            Code::CourtRetired
        } else {
            Code::CourtNotFound
        });
    };
    let tiers: &[Tier] = kind.rules().court_tiers;
    if !tiers.contains(&court.tier) {
        return Err(Code::FilingCourtTier);
    }
    Ok(court)
}

/// What [`missing_items`] needs to know of a party.
#[derive(Debug, Clone)]
pub struct PartyFacts {
    pub id: Uuid,
    pub role: PartyRole,
    /// The identity document number, as stored (normalised).
    pub document_number: Option<String>,
    pub name: String,
}

/// A draft as a whole, for the check before submission.
#[derive(Debug, Clone)]
pub struct DraftSnapshot<'a> {
    pub kind: FilingKind,
    pub court_code: Option<&'a str>,
    pub content: &'a Map<String, Value>,
    pub parties: &'a [PartyFacts],
    pub material_categories: &'a [Category],
    pub payer_party_id: Option<Uuid>,
    pub refundee_party_id: Option<Uuid>,
    /// The verified ID number of the filing account.
    pub filer_id_number: Option<&'a str>,
    /// The verified name of the filing account.
    pub filer_name: &'a str,
}

/// Every problem that keeps the draft from being submitted: invalid or missing fields,
/// missing parties, payer and materials. Empty when it can be submitted.
pub fn missing_items(
    draft: &DraftSnapshot<'_>,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Vec<FieldError> {
    let rules = rules(draft.kind);
    let mut errors = Vec::new();

    match draft.court_code {
        None => errors.push(FieldError::new("court_code", Code::FieldRequired)),
        Some(code) => {
            if let Err(code) = check_court(draft.kind, code, catalogue) {
                errors.push(FieldError::new("court_code", code));
            }
        }
    }
    if let Err(invalid) = validate_content(draft.kind, draft.content, catalogue, today) {
        errors.extend(invalid);
    }
    for &(key, need) in rules.fields {
        if need == Need::Required && draft.content.get(key.as_str()).is_none_or(Value::is_null) {
            errors.push(FieldError::new(key.as_str(), Code::FieldRequired));
        }
    }

    for &role in rules.required_roles {
        if !draft.parties.iter().any(|p| p.role == role) {
            errors.push(FieldError::new(
                format!("parties.{}", role.as_str()),
                Code::FilingPartyRequired,
            ));
        }
    }

    if draft.kind.rules().fee.may_apply() {
        for (name, chosen) in [
            ("payer_party_id", draft.payer_party_id),
            ("refundee_party_id", draft.refundee_party_id),
        ] {
            match chosen.and_then(|id| draft.parties.iter().find(|p| p.id == id)) {
                None => errors.push(FieldError::new(name, Code::FieldRequired)),
                Some(party) if !party.role.is_filer_side() => {
                    errors.push(FieldError::new(name, Code::PayerNotPlaintiff))
                }
                Some(_) => {}
            }
        }
    }

    for &category in rules.required_materials {
        if !draft.material_categories.contains(&category) {
            errors.push(FieldError::new(
                format!("materials.{}", category.as_str()),
                Code::FilingMaterialRequired,
            ));
        }
    }
    if !filer_is_party(draft) && !draft.material_categories.contains(&Category::Authorisation) {
        errors.push(FieldError::new(
            "materials.authorisation",
            Code::FilingAuthorisationRequired,
        ));
    }
    errors
}

/// Whether the filer is a party on the filer's side: the account's verified ID number and
/// name are those of such a party.
pub fn filer_is_party(draft: &DraftSnapshot<'_>) -> bool {
    let Some(filer) = draft.filer_id_number else {
        return false;
    };
    draft.parties.iter().any(|p| {
        p.role.is_filer_side()
            && p.name == draft.filer_name
            && p.document_number
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(filer))
    })
}

fn string(value: &Value) -> Result<String, Code> {
    value.as_str().map(str::to_owned).ok_or(Code::FieldType)
}

/// Trimmed, non-empty text of at most `max` characters, with no control characters but
/// line breaks and tabs.
fn text(value: &Value, max: usize) -> Result<String, Code> {
    let raw = value.as_str().ok_or(Code::FieldType)?;
    let trimmed = trim_blanks(raw);
    if trimmed.is_empty() {
        return Err(Code::FieldRequired);
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Code::TextInvalidCharacters);
    }
    if trimmed.chars().count() > max {
        return Err(Code::TextTooLong);
    }
    Ok(trimmed.to_owned())
}

fn choice(value: &Value, allowed: &[&str]) -> Result<String, Code> {
    let raw = value.as_str().ok_or(Code::FieldType)?;
    let trimmed = trim_blanks(raw);
    allowed
        .iter()
        .find(|a| **a == trimmed)
        .map(|a| (*a).to_owned())
        .ok_or(Code::ChoiceInvalid)
}

/// Money as a string of yuan (`"2300.50"`); a JSON number is read by its decimal text.
fn money(value: &Value, positive: bool) -> Result<String, Code> {
    let raw = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(Code::FieldType),
    };
    let amount = Money::parse(&raw)?;
    if positive && amount.is_zero() {
        return Err(Code::MoneyNotPositive);
    }
    Ok(amount.to_string())
}

fn past_date(value: &Value, today: NaiveDate) -> Result<String, Code> {
    let raw = value.as_str().ok_or(Code::FieldType)?;
    let date =
        NaiveDate::parse_from_str(trim_blanks(raw), "%Y-%m-%d").map_err(|_| Code::DateInvalid)?;
    if date > today {
        return Err(Code::DateInFuture);
    }
    if date < NaiveDate::from_ymd_opt(1949, 10, 1).expect("a valid date") {
        return Err(Code::DateInvalid);
    }
    Ok(date.format("%Y-%m-%d").to_string())
}

fn civil_cause(kind: FilingKind, value: &Value, catalogue: &Catalogue) -> Result<String, Code> {
    let id = fold_code(&string(value)?);
    let id = id.as_str();
    let cause = catalogue.civil_cause(id).ok_or(Code::CauseUnknown)?;
    if cause.level < 3 {
        return Err(Code::CauseNotSpecific);
    }
    if kind == FilingKind::RoadTraffic && !catalogue.cause_is_within(id, ROAD_TRAFFIC_CAUSE) {
        return Err(Code::CauseNotRoadTraffic);
    }
    Ok(cause.id.clone())
}

fn charge(value: &Value, catalogue: &Catalogue) -> Result<i64, Code> {
    let id = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => trim_blanks(s).parse::<i64>().ok(),
        _ => return Err(Code::FieldType),
    }
    .ok_or(Code::ChargeUnknown)?;
    let id32 = i32::try_from(id).map_err(|_| Code::ChargeUnknown)?;
    catalogue.charge(id32).ok_or(Code::ChargeUnknown)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::catalogue::fixture::catalogue;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    fn content(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn codes(errors: &[FieldError]) -> Vec<(String, &'static str)> {
        errors
            .iter()
            .map(|e| (e.field.clone(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn every_online_kind_has_rules_with_the_common_fields() {
        for kind in crate::domain::kinds::ONLINE_KINDS {
            let rules = rules(kind.kind);
            for key in [
                Key::FilerCapacity,
                Key::Claims,
                Key::FactsAndReasons,
                Key::ServiceAddress,
            ] {
                assert_eq!(rules.need(key), Some(Need::Required), "{:?}", kind.kind);
            }
            assert!(!rules.required_roles.is_empty());
            assert!(
                rules
                    .required_roles
                    .iter()
                    .all(|r| kind.filer_side_roles.contains(r) || kind.other_roles.contains(r)),
                "{:?} requires a role it does not allow",
                kind.kind
            );
            assert!(
                rules
                    .required_materials
                    .contains(&Category::ComplaintOrApplication)
            );
            assert_eq!(
                rules.court == CourtSource::Chosen,
                rules.court_key().is_none()
            );
        }
    }

    #[test]
    fn a_complete_civil_first_instance_content_is_normalised() {
        let checked = validate_content(
            FilingKind::CivilFirstInstance,
            &content(json!({
                "cause_of_action": " 103 ",
                "amount_in_dispute": "１２００.5",
                "filer_capacity": "party_in_person",
                "claims": "  判令被告支付货款。 ",
                "facts_and_reasons": "事实……",
                "service_address": {
                    "address": "济南市历下区某路1号", "recipient": "张三",
                    "phone": "139 1234 5678", "electronic_service_consent": true
                }
            })),
            &catalogue(),
            today(),
        )
        .unwrap();
        assert_eq!(checked.derived_court, None);
        assert_eq!(checked.content["cause_of_action"], "103");
        assert_eq!(checked.content["amount_in_dispute"], "1200.50");
        assert_eq!(checked.content["claims"], "判令被告支付货款。");
        assert_eq!(checked.content["service_address"]["phone"], "13912345678");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = validate_content(
            FilingKind::CivilFirstInstance,
            &content(json!({
                "cause_of_action": "P4",
                "amount_in_dispute": "12,000",
                "filer_capacity": "boss",
                "charge": 1,
                "colour": "blue",
                "service_address": {"address": "", "phone": "123", "electronic_service_consent": "yes", "fax": 1}
            })),
            &catalogue(),
            today(),
        )
        .unwrap_err();
        let found = codes(&errors);
        for expected in [
            ("cause_of_action", "cause.not_specific"),
            ("amount_in_dispute", "money.format"),
            ("filer_capacity", "choice.invalid"),
            ("charge", "field.not_applicable"),
            ("colour", "field.unknown"),
            ("service_address.fax", "field.unknown"),
        ] {
            assert!(
                found.contains(&(expected.0.to_owned(), expected.1)),
                "{expected:?} in {found:?}"
            );
        }
    }

    #[test]
    fn structured_fields_report_each_member() {
        let errors = validate_content(
            FilingKind::CivilFirstInstance,
            &content(json!({
                "service_address": {"address": " ", "phone": "123", "electronic_service_consent": "yes"}
            })),
            &catalogue(),
            today(),
        )
        .unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("service_address.address".to_owned(), "field.required"),
                ("service_address.recipient".to_owned(), "field.required"),
                ("service_address.phone".to_owned(), "phone.format"),
                (
                    "service_address.electronic_service_consent".to_owned(),
                    "field.type"
                ),
            ]
        );
    }

    #[test]
    fn road_traffic_needs_a_traffic_cause() {
        let check = |cause: &str| {
            validate_content(
                FilingKind::RoadTraffic,
                &content(json!({ "cause_of_action": cause })),
                &catalogue(),
                today(),
            )
        };
        assert!(check("411").is_ok());
        assert!(check("411.1").is_ok());
        assert_eq!(
            codes(&check("103").unwrap_err()),
            [("cause_of_action".to_owned(), "cause.not_road_traffic")]
        );
    }

    #[test]
    fn administrative_causes_are_free_text() {
        let checked = validate_content(
            FilingKind::AdministrativeFirstInstance,
            &content(json!({ "cause_of_action": " 行政处罚 " })),
            &catalogue(),
            today(),
        )
        .unwrap();
        assert_eq!(checked.content["cause_of_action"], "行政处罚");
    }

    #[test]
    fn enforcement_reconsideration_lands_at_the_superior_of_the_enforcing_court() {
        let checked = validate_content(
            FilingKind::EnforcementReconsideration,
            &content(json!({ "reconsideration": {
                "original_case_number": "(2020)鲁0102执19号",
                "matter": "objection_to_enforcement_act",
                "enforcement_basis_number": "（2019）鲁0102民初100号"
            }})),
            &catalogue(),
            today(),
        )
        .unwrap();
        assert_eq!(checked.derived_court.as_deref(), Some("鲁01"));
        assert_eq!(
            checked.content["reconsideration"]["original_case_number"],
            "（2020）鲁0102执19号"
        );
        // An objection case is reconsidered the same way; a civil case is not enforcement.
        let objection = validate_content(
            FilingKind::EnforcementReconsideration,
            &content(json!({ "reconsideration": {
                "original_case_number": "（2021）鲁0202执异7号", "matter": "other",
                "enforcement_basis_number": "x"
            }})),
            &catalogue(),
            today(),
        )
        .unwrap();
        assert_eq!(objection.derived_court.as_deref(), Some("鲁02"));
        let civil = validate_content(
            FilingKind::EnforcementReconsideration,
            &content(json!({ "reconsideration": {
                "original_case_number": "（2021）鲁0202民初7号", "matter": "other",
                "enforcement_basis_number": "x"
            }})),
            &catalogue(),
            today(),
        )
        .unwrap_err();
        assert_eq!(
            codes(&civil),
            [(
                "reconsideration.original_case_number".to_owned(),
                "case_number.type_not_accepted"
            )]
        );
    }

    #[test]
    fn appeals_only_of_first_instance_and_revocation_cases() {
        let appeal = |number: &str| {
            validate_content(
                FilingKind::CivilAppeal,
                &content(json!({ "original_case": { "case_number": number } })),
                &catalogue(),
                today(),
            )
        };
        assert_eq!(
            appeal("（2024）鲁0102民初5号")
                .unwrap()
                .derived_court
                .as_deref(),
            Some("鲁01")
        );
        assert!(appeal("（2024）鲁0102民撤5号").is_ok());
        assert_eq!(
            codes(&appeal("（2024）鲁0102民再5号").unwrap_err()),
            [(
                "original_case.case_number".to_owned(),
                "appeal.of_retrial_offline"
            )]
        );
        assert_eq!(
            codes(&appeal("（2024）鲁0102执5号").unwrap_err()),
            [(
                "original_case.case_number".to_owned(),
                "appeal.original_not_appealable"
            )]
        );
        // The High Court's own judgments go to the Supreme People's Court, not here.
        assert_eq!(
            codes(&appeal("（2024）鲁民初5号").unwrap_err()),
            [(
                "original_case.case_number".to_owned(),
                "filing.court_not_derivable"
            )]
        );
        let administrative = validate_content(
            FilingKind::AdministrativeAppeal,
            &content(json!({ "original_case": { "case_number": "（2024）鲁0102行赔初5号" } })),
            &catalogue(),
            today(),
        );
        assert!(administrative.is_ok());
    }

    #[test]
    fn cases_of_retired_courts_follow_their_successor() {
        let checked = validate_content(
            FilingKind::EnforcementReconsideration,
            &content(json!({ "reconsideration": {
                "original_case_number": "（2018）鲁0181执19号", "matter": "other",
                "enforcement_basis_number": "x"
            }})),
            &catalogue(),
            today(),
        )
        .unwrap();
        assert_eq!(checked.derived_court.as_deref(), Some("鲁01"));
        let objection = validate_content(
            FilingKind::EnforcementObjection,
            &content(json!({ "existing_case_number": "（2018）鲁0181执19号" })),
            &catalogue(),
            today(),
        )
        .unwrap();
        assert_eq!(objection.derived_court.as_deref(), Some("鲁0102"));
    }

    #[test]
    fn nothing_is_filed_online_against_retrial_cases() {
        for (kind, content) in [
            (
                FilingKind::CivilRetrialApplication,
                json!({ "original_case": { "case_number": "（2024）鲁01民再5号" } }),
            ),
            (
                FilingKind::AdministrativeRetrialApplication,
                json!({ "original_case": { "case_number": "（2024）鲁01行再5号" } }),
            ),
            (
                FilingKind::InLitigationPreservation,
                json!({ "existing_case_number": "（2024）鲁0102民再5号" }),
            ),
        ] {
            let errors =
                validate_content(kind, &self::content(content), &catalogue(), today()).unwrap_err();
            assert_eq!(errors[0].code, Code::FilingRetrialCaseOffline, "{kind:?}");
        }
    }

    #[test]
    fn appeal_rules_agree_with_the_kinds_table() {
        for kind in [FilingKind::CivilAppeal, FilingKind::AdministrativeAppeal] {
            assert_eq!(
                rules(kind).referenced_type_codes,
                kind.rules().appealable_type_codes
            );
        }
    }

    #[test]
    fn courts_must_be_in_force_and_of_an_accepting_tier() {
        let c = catalogue();
        assert!(check_court(FilingKind::CivilFirstInstance, "鲁0102", &c).is_ok());
        assert_eq!(
            check_court(FilingKind::CivilFirstInstance, "鲁", &c).unwrap_err(),
            Code::FilingCourtTier
        );
        assert_eq!(
            check_court(FilingKind::CivilFirstInstance, "鲁0181", &c).unwrap_err(),
            Code::CourtRetired
        );
        assert_eq!(
            check_court(FilingKind::CivilFirstInstance, "鲁0999", &c).unwrap_err(),
            Code::CourtNotFound
        );
    }

    #[test]
    fn pre_litigation_preservation_needs_a_guarantee() {
        let check = |guarantee: Value| {
            validate_content(
                FilingKind::PreLitigationPreservation,
                &content(json!({ "preservation": {
                    "property": "被申请人名下银行存款", "amount": "50000", "guarantee": guarantee
                }})),
                &catalogue(),
                today(),
            )
        };
        assert!(check(json!({"type": "guarantee_insurance", "description": "保函"})).is_ok());
        assert_eq!(
            codes(&check(Value::Null).unwrap_err()),
            [("preservation.guarantee".to_owned(), "field.required")]
        );
        assert_eq!(
            codes(&check(json!({"type": "none"})).unwrap_err()),
            [(
                "preservation.guarantee.type".to_owned(),
                "preservation.guarantee_required"
            )]
        );
    }

    fn party(role: PartyRole, document: Option<&str>) -> PartyFacts {
        PartyFacts {
            id: Uuid::new_v4(),
            role,
            document_number: document.map(Into::into),
            name: "张三".into(),
        }
    }

    #[test]
    fn an_empty_draft_lists_everything_missing() {
        let empty = Map::new();
        let draft = DraftSnapshot {
            kind: FilingKind::CivilFirstInstance,
            court_code: None,
            content: &empty,
            parties: &[],
            material_categories: &[],
            payer_party_id: None,
            refundee_party_id: None,
            filer_id_number: Some("110101199003070011"),
            filer_name: "张三",
        };
        let fields: Vec<String> = missing_items(&draft, &catalogue(), today())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "court_code",
                "cause_of_action",
                "filer_capacity",
                "claims",
                "facts_and_reasons",
                "service_address",
                "parties.plaintiff",
                "parties.defendant",
                "payer_party_id",
                "refundee_party_id",
                "materials.complaint_or_application",
                "materials.identity_document",
                "materials.evidence",
                "materials.authorisation",
            ]
        );
    }

    #[test]
    fn the_filer_counts_as_a_party_only_on_the_filer_side() {
        let empty = Map::new();
        let me = "11010119900307001X";
        let mut draft = DraftSnapshot {
            kind: FilingKind::CivilFirstInstance,
            court_code: Some("鲁0102"),
            content: &empty,
            parties: &[party(PartyRole::Defendant, Some(me))],
            material_categories: &[],
            payer_party_id: None,
            refundee_party_id: None,
            filer_id_number: Some(me),
            filer_name: "张三",
        };
        assert!(!filer_is_party(&draft));
        let parties = [party(PartyRole::Plaintiff, Some(&me.to_lowercase()))];
        draft.parties = &parties;
        assert!(filer_is_party(&draft));
        // Someone else's party with the filer's ID number does not count.
        draft.filer_name = "李四";
        assert!(!filer_is_party(&draft));
        draft.filer_name = "张三";
        draft.filer_id_number = None;
        assert!(!filer_is_party(&draft));
    }

    #[test]
    fn a_payer_on_the_other_side_is_refused() {
        let empty = Map::new();
        let defendant = party(PartyRole::Defendant, None);
        let parties = [defendant.clone()];
        let draft = DraftSnapshot {
            kind: FilingKind::CivilFirstInstance,
            court_code: Some("鲁0102"),
            content: &empty,
            parties: &parties,
            material_categories: &[],
            payer_party_id: Some(defendant.id),
            refundee_party_id: None,
            filer_id_number: None,
            filer_name: "张三",
        };
        let errors = missing_items(&draft, &catalogue(), today());
        assert!(
            codes(&errors).contains(&("payer_party_id".to_owned(), "payer.not_plaintiff")),
            "{:?}",
            codes(&errors)
        );
    }
}
