//! Filing kinds: what can be filed online, and what must be filed at the court.

use actix_web::get;
use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::filing::{self, CourtSource, Need};
use crate::domain::kinds::{FeeRule, OFFLINE_KINDS, ONLINE_KINDS, PartyRole, Tier};
use crate::domain::materials::Category;
use crate::http::pagination::Items;

/// A kind of filing.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "kind": "civil_first_instance", "name": "民商事一审",
    "name_en": "Civil and commercial first instance", "online": true,
    "type_code": "民初", "type_codes": ["民初"],
    "filer_side_roles": ["plaintiff"], "other_roles": ["defendant", "third_party"],
    "fee": "acceptance_fee", "fee_applies": true,
    "court_levels": ["basic", "intermediate"], "appealable_type_codes": [],
    "offline_reason": null, "offline_reason_en": null
}))]
pub struct CaseKind {
    /// API identifier of the kind, used when creating a filing.
    pub kind: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// Whether the kind can be filed online; offline kinds are listed so clients can
    /// explain where to go instead.
    pub online: bool,
    /// The type code a docketed case of this kind usually gets; null when the filing
    /// joins an existing case (jurisdiction objection, in-litigation preservation).
    pub type_code: Option<&'static str>,
    /// Every type code a docketed case of this kind can get (special procedures get 民特,
    /// or 民特监 for supervision).
    pub type_codes: &'static [&'static str],
    /// Party roles on the filer's side (the payer and refundee are chosen among them).
    #[schema(value_type = Vec<String>)]
    pub filer_side_roles: &'static [PartyRole],
    /// The other party roles.
    #[schema(value_type = Vec<String>)]
    pub other_roles: &'static [PartyRole],
    /// Which fee applies: `acceptance_fee`, `appeal_fee`, `application_fee`,
    /// `depends_on_subtype`, `after_enforcement`, `if_dismissed` (a jurisdiction objection:
    /// 50–100 yuan only when dismissed) or `none` (appeals against jurisdiction rulings pay
    /// no acceptance fee).
    #[schema(value_type = Option<String>)]
    pub fee: Option<FeeRule>,
    /// Whether a fee may have to be paid before the case is accepted.
    pub fee_applies: bool,
    /// Trial tiers of the courts that accept the kind (`basic`, `intermediate`, `high`);
    /// railway and maritime courts count at their tier.
    #[schema(value_type = Vec<String>)]
    pub court_levels: &'static [Tier],
    /// For appeals: the type codes of the cases that can be appealed online.
    pub appealable_type_codes: &'static [&'static str],
    /// The content fields of a filing of this kind (`PATCH /api/v1/cases/{id}`), and
    /// whether each must be filled in before submission.
    pub fields: Vec<KindField>,
    /// Roles of which at least one party is required before submission.
    #[schema(value_type = Vec<String>)]
    pub required_roles: &'static [PartyRole],
    /// Material categories of which at least one material is required (an
    /// `authorisation` is required too when the filer is not a party on the filer's side).
    #[schema(value_type = Vec<String>)]
    pub required_materials: &'static [Category],
    /// Where the accepting court comes from: `chosen` by the filer,
    /// `superior_of_original_case`, `court_of_existing_case` or
    /// `superior_of_enforcing_court` (derived from the case number entered).
    pub court_from: Option<&'static str>,
    /// Type codes the original, existing or reconsidered case may have (empty: any).
    pub referenced_type_codes: &'static [&'static str],
    /// Why the kind cannot be filed online (null for online kinds).
    pub offline_reason: Option<&'static str>,
    pub offline_reason_en: Option<&'static str>,
}

/// A content field of a kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindField {
    /// The field's key, e.g. `cause_of_action`.
    pub name: &'static str,
    pub required: bool,
}

/// List filing kinds
///
/// Every kind that can be filed online (`"online": true`) with its type code, party roles,
/// fee and accepting court levels; then the kinds that must be filed at the court
/// (`"online": false`) with the reason — some of them (third-party revocation,
/// administrative compensation) can still be appealed online.
#[utoipa::path(
    tag = "reference",
    responses((status = 200, description = "All filing kinds.", body = Items<CaseKind>))
)]
#[get("/case-kinds")]
pub async fn list_case_kinds() -> web::Json<Items<CaseKind>> {
    let online = ONLINE_KINDS.iter().map(|rules| CaseKind {
        kind: rules.kind.as_str(),
        name: rules.name_zh,
        name_en: rules.name_en,
        online: true,
        type_code: rules.type_codes.first().copied(),
        type_codes: rules.type_codes,
        filer_side_roles: rules.filer_side_roles,
        other_roles: rules.other_roles,
        fee: Some(rules.fee),
        fee_applies: rules.fee.may_apply(),
        court_levels: rules.court_tiers,
        appealable_type_codes: rules.appealable_type_codes,
        fields: filing::rules(rules.kind)
            .fields
            .iter()
            .map(|&(key, need)| KindField {
                name: key.as_str(),
                required: need == Need::Required,
            })
            .collect(),
        required_roles: filing::rules(rules.kind).required_roles,
        required_materials: filing::rules(rules.kind).required_materials,
        court_from: Some(match filing::rules(rules.kind).court {
            CourtSource::Chosen => "chosen",
            CourtSource::SuperiorOfOriginalCase => "superior_of_original_case",
            CourtSource::CourtOfExistingCase => "court_of_existing_case",
            CourtSource::SuperiorOfEnforcingCourt => "superior_of_enforcing_court",
        }),
        referenced_type_codes: filing::rules(rules.kind).referenced_type_codes,
        offline_reason: None,
        offline_reason_en: None,
    });
    let offline = OFFLINE_KINDS.iter().map(|kind| CaseKind {
        kind: kind.id,
        name: kind.name_zh,
        name_en: kind.name_en,
        online: false,
        type_code: kind.type_codes.first().copied(),
        type_codes: kind.type_codes,
        filer_side_roles: &[],
        other_roles: &[],
        fee: None,
        fee_applies: false,
        court_levels: &[],
        appealable_type_codes: &[],
        fields: Vec::new(),
        required_roles: &[],
        required_materials: &[],
        court_from: None,
        referenced_type_codes: &[],
        offline_reason: Some(kind.reason_zh),
        offline_reason_en: Some(kind.reason_en),
    });
    web::Json(Items {
        items: online.chain(offline).collect(),
    })
}
