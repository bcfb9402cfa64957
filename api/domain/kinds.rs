//! The kinds of filing: which can be made online, what type code a docketed case of each
//! kind gets, who the parties are, whether a fee applies, and which courts accept it.

use serde::Serialize;

/// Roles a party can take in a filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Plaintiff,
    Defendant,
    ThirdParty,
    Appellant,
    Appellee,
    /// A party of the original case who is neither appellant nor appellee.
    OtherPartyInOriginalCase,
    Applicant,
    Respondent,
    PrivateProsecutor,
    Accused,
}

impl PartyRole {
    pub const ALL: [PartyRole; 10] = [
        PartyRole::Plaintiff,
        PartyRole::Defendant,
        PartyRole::ThirdParty,
        PartyRole::Appellant,
        PartyRole::Appellee,
        PartyRole::OtherPartyInOriginalCase,
        PartyRole::Applicant,
        PartyRole::Respondent,
        PartyRole::PrivateProsecutor,
        PartyRole::Accused,
    ];

    /// The role as the API names it.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Plaintiff => "plaintiff",
            PartyRole::Defendant => "defendant",
            PartyRole::ThirdParty => "third_party",
            PartyRole::Appellant => "appellant",
            PartyRole::Appellee => "appellee",
            PartyRole::OtherPartyInOriginalCase => "other_party_in_original_case",
            PartyRole::Applicant => "applicant",
            PartyRole::Respondent => "respondent",
            PartyRole::PrivateProsecutor => "private_prosecutor",
            PartyRole::Accused => "accused",
        }
    }

    pub fn parse(value: &str) -> Option<PartyRole> {
        PartyRole::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Whether a party in this role stands on the filer's side, from whom the payer and the
    /// refundee are chosen.
    pub fn is_filer_side(self) -> bool {
        matches!(
            self,
            PartyRole::Plaintiff
                | PartyRole::Appellant
                | PartyRole::Applicant
                | PartyRole::PrivateProsecutor
        )
    }
}

/// The trial tier of a court (special courts sit at the intermediate or basic tier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Basic,
    Intermediate,
    High,
}

impl Tier {
    /// Reads the tier column of the court table.
    pub fn parse(value: &str) -> Option<Tier> {
        match value {
            "basic" => Some(Tier::Basic),
            "intermediate" => Some(Tier::Intermediate),
            "high" => Some(Tier::High),
            _ => None,
        }
    }
}

/// Which court fee a filing of a kind incurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeRule {
    /// Case acceptance fee (受理费).
    AcceptanceFee,
    /// Appeal fee (上诉费).
    AppealFee,
    /// Application fee (申请费), e.g. for preservation.
    ApplicationFee,
    /// Depends on the sub-type: most special procedures are free, realising a security
    /// interest is not.
    DependsOnSubtype,
    /// Collected only after enforcement, so nothing is paid when filing.
    AfterEnforcement,
    /// Charged (50 to 100 yuan) only when the objection is dismissed, so nothing is paid
    /// when filing.
    IfDismissed,
    /// No fee.
    None,
}

impl FeeRule {
    /// Whether a fee may have to be paid before the case is accepted.
    pub fn may_apply(self) -> bool {
        matches!(
            self,
            FeeRule::AcceptanceFee
                | FeeRule::AppealFee
                | FeeRule::ApplicationFee
                | FeeRule::DependsOnSubtype
        )
    }
}

/// A kind of filing that can be made online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingKind {
    RoadTraffic,
    CivilFirstInstance,
    CivilAppeal,
    CivilRetrialApplication,
    CivilSpecialProcedure,
    JurisdictionObjection,
    JurisdictionObjectionAppeal,
    AdministrativeFirstInstance,
    AdministrativeAppeal,
    AdministrativeRetrialApplication,
    CriminalPrivateProsecution,
    PreLitigationPreservation,
    InLitigationPreservation,
    FirstEnforcement,
    EnforcementObjection,
    EnforcementReconsideration,
}

/// Everything the platform states about one online kind.
#[derive(Debug, Clone, Copy)]
pub struct KindRules {
    pub kind: FilingKind,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// Type codes a docketed case of this kind gets; empty when the filing joins an existing
    /// case instead of opening one.
    pub type_codes: &'static [&'static str],
    pub filer_side_roles: &'static [PartyRole],
    pub other_roles: &'static [PartyRole],
    pub fee: FeeRule,
    pub court_tiers: &'static [Tier],
    /// For appeals: the type codes of the cases that can be appealed online.
    pub appealable_type_codes: &'static [&'static str],
}

use FeeRule as F;
use PartyRole as R;
use Tier as T;

/// The online kinds, in the order the filing screens list them.
pub const ONLINE_KINDS: &[KindRules] = &[
    KindRules {
        kind: FilingKind::RoadTraffic,
        name_zh: "道交案件",
        name_en: "Road-traffic accident dispute",
        type_codes: &["民初"],
        filer_side_roles: &[R::Plaintiff],
        other_roles: &[R::Defendant, R::ThirdParty],
        fee: F::AcceptanceFee,
        court_tiers: &[T::Basic, T::Intermediate],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::CivilFirstInstance,
        name_zh: "民商事一审",
        name_en: "Civil and commercial first instance",
        type_codes: &["民初"],
        filer_side_roles: &[R::Plaintiff],
        other_roles: &[R::Defendant, R::ThirdParty],
        fee: F::AcceptanceFee,
        court_tiers: &[T::Basic, T::Intermediate],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::CivilAppeal,
        name_zh: "民事上诉",
        name_en: "Civil appeal",
        type_codes: &["民终"],
        filer_side_roles: &[R::Appellant],
        other_roles: &[R::Appellee, R::OtherPartyInOriginalCase],
        fee: F::AppealFee,
        court_tiers: &[T::Intermediate, T::High],
        appealable_type_codes: &["民初", "民撤"],
    },
    KindRules {
        kind: FilingKind::CivilRetrialApplication,
        name_zh: "民事申请再审审查",
        name_en: "Civil retrial application",
        type_codes: &["民申"],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent, R::OtherPartyInOriginalCase],
        fee: F::None,
        court_tiers: &[T::Intermediate, T::High],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::CivilSpecialProcedure,
        name_zh: "民事特殊程序",
        name_en: "Civil special procedure",
        type_codes: &["民特", "民特监"],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent],
        fee: F::DependsOnSubtype,
        court_tiers: &[T::Basic, T::Intermediate],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::JurisdictionObjection,
        name_zh: "管辖异议",
        name_en: "Jurisdiction objection",
        type_codes: &[],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent],
        fee: F::IfDismissed,
        court_tiers: &[T::Basic, T::Intermediate, T::High],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::JurisdictionObjectionAppeal,
        name_zh: "管辖异议上诉",
        name_en: "Jurisdiction-objection appeal",
        type_codes: &["民辖终"],
        filer_side_roles: &[R::Appellant],
        other_roles: &[R::Appellee, R::OtherPartyInOriginalCase],
        fee: F::None,
        court_tiers: &[T::Intermediate, T::High],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::AdministrativeFirstInstance,
        name_zh: "行政一审",
        name_en: "Administrative first instance",
        type_codes: &["行初"],
        filer_side_roles: &[R::Plaintiff],
        other_roles: &[R::Defendant, R::ThirdParty],
        fee: F::AcceptanceFee,
        court_tiers: &[T::Basic, T::Intermediate],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::AdministrativeAppeal,
        name_zh: "行政上诉",
        name_en: "Administrative appeal",
        type_codes: &["行终"],
        filer_side_roles: &[R::Appellant],
        other_roles: &[R::Appellee, R::OtherPartyInOriginalCase],
        fee: F::AppealFee,
        court_tiers: &[T::Intermediate, T::High],
        appealable_type_codes: &["行初", "行赔初"],
    },
    KindRules {
        kind: FilingKind::AdministrativeRetrialApplication,
        name_zh: "行政申请再审审查",
        name_en: "Administrative retrial application",
        type_codes: &["行申"],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent, R::OtherPartyInOriginalCase],
        fee: F::None,
        court_tiers: &[T::Intermediate, T::High],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::CriminalPrivateProsecution,
        name_zh: "刑事自诉",
        name_en: "Criminal private prosecution",
        type_codes: &["刑初"],
        filer_side_roles: &[R::PrivateProsecutor],
        other_roles: &[R::Accused],
        fee: F::None,
        court_tiers: &[T::Basic],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::PreLitigationPreservation,
        name_zh: "诉前保全",
        name_en: "Pre-litigation preservation",
        type_codes: &["财保"],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent],
        fee: F::ApplicationFee,
        court_tiers: &[T::Basic, T::Intermediate],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::InLitigationPreservation,
        name_zh: "诉中保全",
        name_en: "In-litigation preservation",
        type_codes: &[],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent],
        fee: F::ApplicationFee,
        court_tiers: &[T::Basic, T::Intermediate, T::High],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::FirstEnforcement,
        name_zh: "首次执行",
        name_en: "First enforcement",
        type_codes: &["执"],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent],
        fee: F::AfterEnforcement,
        court_tiers: &[T::Basic, T::Intermediate],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::EnforcementObjection,
        name_zh: "执行异议",
        name_en: "Enforcement objection",
        type_codes: &["执异"],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent],
        fee: F::None,
        court_tiers: &[T::Basic, T::Intermediate],
        appealable_type_codes: &[],
    },
    KindRules {
        kind: FilingKind::EnforcementReconsideration,
        name_zh: "执行复议",
        name_en: "Enforcement reconsideration",
        type_codes: &["执复"],
        filer_side_roles: &[R::Applicant],
        other_roles: &[R::Respondent],
        fee: F::None,
        court_tiers: &[T::Intermediate, T::High],
        appealable_type_codes: &[],
    },
];

/// A kind that is listed so clients can explain it, but must be filed at the court.
#[derive(Debug, Clone, Copy)]
pub struct OfflineKind {
    /// API identifier.
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub type_codes: &'static [&'static str],
    pub reason_zh: &'static str,
    pub reason_en: &'static str,
    /// Whether judgments of cases of this kind can be appealed online.
    pub appealable_online: bool,
}

/// The kinds that cannot be filed online.
pub const OFFLINE_KINDS: &[OfflineKind] = &[
    OfflineKind {
        id: "state_compensation",
        name_zh: "国家赔偿",
        name_en: "State compensation",
        type_codes: &["法赔", "委赔"],
        reason_zh: "国家赔偿案件暂不能网上立案，请到法院诉讼服务中心现场办理。",
        reason_en: "State compensation cases cannot be filed online yet; file at the court's litigation service centre.",
        appealable_online: false,
    },
    OfflineKind {
        id: "public_summons",
        name_zh: "公示催告",
        name_en: "Public summons",
        type_codes: &["民催"],
        reason_zh: "公示催告案件暂不能网上立案，请到法院诉讼服务中心现场办理。",
        reason_en: "Public summons cases cannot be filed online yet; file at the court's litigation service centre.",
        appealable_online: false,
    },
    OfflineKind {
        id: "payment_order",
        name_zh: "督促程序（支付令）",
        name_en: "Payment order",
        type_codes: &["民督"],
        reason_zh: "督促程序案件暂不能网上立案，请到法院诉讼服务中心现场办理。",
        reason_en: "Payment order cases cannot be filed online yet; file at the court's litigation service centre.",
        appealable_online: false,
    },
    OfflineKind {
        id: "civil_retrial",
        name_zh: "民事再审",
        name_en: "Civil retrial",
        type_codes: &["民再"],
        reason_zh: "民事再审案件的立案和上诉暂时只能线下办理，请到法院诉讼服务中心现场办理。",
        reason_en: "Filings and appeals of civil retrial cases can only be made at the court for now.",
        appealable_online: false,
    },
    OfflineKind {
        id: "administrative_retrial",
        name_zh: "行政再审",
        name_en: "Administrative retrial",
        type_codes: &["行再"],
        reason_zh: "行政再审案件的立案和上诉暂时只能线下办理，请到法院诉讼服务中心现场办理。",
        reason_en: "Filings and appeals of administrative retrial cases can only be made at the court for now.",
        appealable_online: false,
    },
    OfflineKind {
        id: "third_party_revocation",
        name_zh: "第三人撤销之诉",
        name_en: "Third-party revocation action",
        type_codes: &["民撤"],
        reason_zh: "第三人撤销之诉暂不能网上立案，请到法院现场办理；其判决可以网上提起上诉。",
        reason_en: "Third-party revocation actions cannot be filed online; their judgments can be appealed online.",
        appealable_online: true,
    },
    OfflineKind {
        id: "administrative_compensation",
        name_zh: "行政赔偿一审",
        name_en: "Administrative compensation first instance",
        type_codes: &["行赔初"],
        reason_zh: "行政赔偿一审案件暂不能网上立案，请到法院现场办理；其判决可以网上提起上诉。",
        reason_en: "Administrative compensation cases cannot be filed online; their judgments can be appealed online.",
        appealable_online: true,
    },
];

impl FilingKind {
    /// The API identifier, e.g. `civil_first_instance`.
    pub fn as_str(self) -> &'static str {
        match self {
            FilingKind::RoadTraffic => "road_traffic",
            FilingKind::CivilFirstInstance => "civil_first_instance",
            FilingKind::CivilAppeal => "civil_appeal",
            FilingKind::CivilRetrialApplication => "civil_retrial_application",
            FilingKind::CivilSpecialProcedure => "civil_special_procedure",
            FilingKind::JurisdictionObjection => "jurisdiction_objection",
            FilingKind::JurisdictionObjectionAppeal => "jurisdiction_objection_appeal",
            FilingKind::AdministrativeFirstInstance => "administrative_first_instance",
            FilingKind::AdministrativeAppeal => "administrative_appeal",
            FilingKind::AdministrativeRetrialApplication => "administrative_retrial_application",
            FilingKind::CriminalPrivateProsecution => "criminal_private_prosecution",
            FilingKind::PreLitigationPreservation => "pre_litigation_preservation",
            FilingKind::InLitigationPreservation => "in_litigation_preservation",
            FilingKind::FirstEnforcement => "first_enforcement",
            FilingKind::EnforcementObjection => "enforcement_objection",
            FilingKind::EnforcementReconsideration => "enforcement_reconsideration",
        }
    }

    /// The rules of this kind.
    pub fn rules(self) -> &'static KindRules {
        // Every kind has exactly one entry; the test below proves it.
        ONLINE_KINDS
            .iter()
            .find(|rules| rules.kind == self)
            .unwrap_or(&ONLINE_KINDS[0])
    }
}

/// What a requested kind identifier turns out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindLookup {
    Online(FilingKind),
    Offline(&'static OfflineKind),
    Unknown,
}

impl PartialEq for OfflineKind {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for OfflineKind {}

/// Looks up a kind by its API identifier.
pub fn lookup_kind(id: &str) -> KindLookup {
    if let Some(rules) = ONLINE_KINDS.iter().find(|r| r.kind.as_str() == id) {
        return KindLookup::Online(rules.kind);
    }
    match OFFLINE_KINDS.iter().find(|k| k.id == id) {
        Some(offline) => KindLookup::Offline(offline),
        None => KindLookup::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_has_exactly_one_rule_entry() {
        let ids: HashSet<_> = ONLINE_KINDS.iter().map(|r| r.kind).collect();
        assert_eq!(ids.len(), ONLINE_KINDS.len());
        assert_eq!(ONLINE_KINDS.len(), 16);
        for rules in ONLINE_KINDS {
            assert_eq!(rules.kind.rules().kind, rules.kind);
            assert_eq!(
                lookup_kind(rules.kind.as_str()),
                KindLookup::Online(rules.kind)
            );
        }
    }

    #[test]
    fn party_role_names_match_their_serde_names() {
        for role in PartyRole::ALL {
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
            assert_eq!(PartyRole::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn serde_names_match_the_api_identifiers() {
        for rules in ONLINE_KINDS {
            let json = serde_json::to_value(rules.kind).unwrap();
            assert_eq!(json, rules.kind.as_str());
        }
    }

    #[test]
    fn offline_kinds_are_never_online() {
        let expected = [
            "state_compensation",
            "public_summons",
            "payment_order",
            "civil_retrial",
            "administrative_retrial",
            "third_party_revocation",
            "administrative_compensation",
        ];
        for id in expected {
            assert!(
                matches!(lookup_kind(id), KindLookup::Offline(k) if k.id == id),
                "{id}"
            );
        }
        assert_eq!(OFFLINE_KINDS.len(), expected.len());
        assert_eq!(lookup_kind("divorce"), KindLookup::Unknown);
    }

    #[test]
    fn appeals_lie_only_against_first_instance_and_appealable_offline_kinds() {
        let civil = FilingKind::CivilAppeal.rules();
        assert_eq!(civil.appealable_type_codes, &["民初", "民撤"]);
        let administrative = FilingKind::AdministrativeAppeal.rules();
        assert_eq!(administrative.appealable_type_codes, &["行初", "行赔初"]);
        for offline in OFFLINE_KINDS.iter().filter(|k| k.appealable_online) {
            let code = offline.type_codes[0];
            assert!(
                civil.appealable_type_codes.contains(&code)
                    || administrative.appealable_type_codes.contains(&code),
                "{code}"
            );
        }
    }

    #[test]
    fn every_online_kind_has_a_filer_side() {
        for rules in ONLINE_KINDS {
            assert!(!rules.filer_side_roles.is_empty());
            assert!(rules.filer_side_roles.iter().all(|r| r.is_filer_side()));
            assert!(rules.other_roles.iter().all(|r| !r.is_filer_side()));
            assert!(!rules.court_tiers.is_empty());
        }
    }
}
