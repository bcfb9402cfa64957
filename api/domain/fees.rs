//! The court fee schedule of the national rules on litigation costs (诉讼费用交纳办法, State
//! Council 2007; "the rules" below): what a filing of each kind costs, as a quote the judge
//! starts from.
//!
//! A quote lists the fee items (acceptance fee, appeal fee, application fee), each with an
//! amount or, where the rules give a range, its minimum and maximum, the tariff applied and
//! an explanation citing the article. The platform proposes; the judge decides (picks within
//! the range, or overrides with a reason).
//!
//! Everything is exact: amounts are [`Money`] (whole fen), rates are decimal fractions, and
//! each item is rounded once, half-up to the fen, after its brackets are summed. Every full
//! bracket of every scale is a whole number of yuan times a rate of at least 0.1 %, so only
//! the topmost, partly filled bracket can leave a fraction of a fen: rounding per bracket or
//! at the end gives the same result. Halving (simplified procedure, mediation, withdrawal)
//! halves the rounded fee and rounds half-up again, as a court halves the fee it computed.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::kinds::FilingKind;
use crate::domain::money::Money;
use crate::errors::{Code, FieldError};

/// What a case is about, as far as the acceptance or appeal fee depends on it (Art. 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseCategory {
    /// 财产案件: charged on the amount in dispute.
    Property,
    /// 离婚案件.
    Divorce,
    /// 侵害人格权案件 (name, likeness, reputation, honour and other personality rights).
    PersonalityRights,
    /// 其他非财产案件.
    OtherNonProperty,
    /// 知识产权民事案件.
    IntellectualProperty,
    /// 劳动争议案件.
    Labour,
    /// 商标、专利、海事行政案件.
    AdministrativeSpecial,
    /// 其他行政案件.
    AdministrativeOther,
    /// 行政赔偿案件: free (Art. 8(4)); online only as the appeal of a 行赔初 case.
    AdministrativeCompensation,
}

impl CaseCategory {
    pub const ALL: [CaseCategory; 9] = [
        CaseCategory::Property,
        CaseCategory::Divorce,
        CaseCategory::PersonalityRights,
        CaseCategory::OtherNonProperty,
        CaseCategory::IntellectualProperty,
        CaseCategory::Labour,
        CaseCategory::AdministrativeSpecial,
        CaseCategory::AdministrativeOther,
        CaseCategory::AdministrativeCompensation,
    ];

    /// The category as the API names it.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseCategory::Property => "property",
            CaseCategory::Divorce => "divorce",
            CaseCategory::PersonalityRights => "personality_rights",
            CaseCategory::OtherNonProperty => "other_non_property",
            CaseCategory::IntellectualProperty => "intellectual_property",
            CaseCategory::Labour => "labour",
            CaseCategory::AdministrativeSpecial => "administrative_special",
            CaseCategory::AdministrativeOther => "administrative_other",
            CaseCategory::AdministrativeCompensation => "administrative_compensation",
        }
    }

    /// Reads an API name; anything else is `fee.category_invalid` for the caller to report.
    pub fn parse(value: &str) -> Option<CaseCategory> {
        CaseCategory::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The tariff of a case of this category (with an amount, intellectual property falls
    /// back to its per-case range when none is given).
    fn tariff(self) -> Tariff {
        match self {
            CaseCategory::Property => Tariff::PropertyScale,
            CaseCategory::Divorce => Tariff::Divorce,
            CaseCategory::PersonalityRights => Tariff::PersonalityRights,
            CaseCategory::OtherNonProperty => Tariff::OtherNonProperty,
            CaseCategory::IntellectualProperty => Tariff::IntellectualPropertyScale,
            CaseCategory::Labour => Tariff::Labour,
            CaseCategory::AdministrativeSpecial => Tariff::AdministrativeSpecial,
            CaseCategory::AdministrativeOther => Tariff::AdministrativeOther,
            CaseCategory::AdministrativeCompensation => Tariff::NoFeeAdministrativeCompensation,
        }
    }
}

/// The procedure a first-instance case is tried under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    #[default]
    Ordinary,
    /// 简易程序: the acceptance fee is halved (Art. 16).
    Simplified,
}

impl Procedure {
    pub const ALL: [Procedure; 2] = [Procedure::Ordinary, Procedure::Simplified];

    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::Ordinary => "ordinary",
            Procedure::Simplified => "simplified",
        }
    }

    /// Reads an API name; anything else is `fee.procedure_invalid` for the caller to report.
    pub fn parse(value: &str) -> Option<Procedure> {
        Procedure::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// Which fee an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeItemKind {
    /// 案件受理费 of a first-instance case (and the conditional fee of a jurisdiction
    /// objection, which the rules list among acceptance fees).
    AcceptanceFee,
    /// 上诉案件受理费.
    AppealFee,
    /// 申请费 (preservation, enforcement, the charged special procedures).
    ApplicationFee,
}

impl FeeItemKind {
    pub const ALL: [FeeItemKind; 3] = [
        FeeItemKind::AcceptanceFee,
        FeeItemKind::AppealFee,
        FeeItemKind::ApplicationFee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeeItemKind::AcceptanceFee => "acceptance_fee",
            FeeItemKind::AppealFee => "appeal_fee",
            FeeItemKind::ApplicationFee => "application_fee",
        }
    }

    pub fn parse(value: &str) -> Option<FeeItemKind> {
        FeeItemKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The item's name on notices and vouchers.
    pub fn name_zh(self) -> &'static str {
        match self {
            FeeItemKind::AcceptanceFee => "案件受理费",
            FeeItemKind::AppealFee => "上诉案件受理费",
            FeeItemKind::ApplicationFee => "申请费",
        }
    }
}

/// When a fee item falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Payable {
    /// Paid in advance, before the case is accepted (Art. 20, 22).
    AtFiling,
    /// The enforcement application fee is collected after enforcement (Art. 20).
    AfterEnforcement,
    /// Owed only if the jurisdiction objection is dismissed (Art. 13(6)).
    OnlyIfDismissed,
}

impl Payable {
    pub const ALL: [Payable; 3] = [
        Payable::AtFiling,
        Payable::AfterEnforcement,
        Payable::OnlyIfDismissed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Payable::AtFiling => "at_filing",
            Payable::AfterEnforcement => "after_enforcement",
            Payable::OnlyIfDismissed => "only_if_dismissed",
        }
    }

    pub fn parse(value: &str) -> Option<Payable> {
        Payable::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// A rule of the schedule; its API name is the stable machine id of the rule applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tariff {
    PropertyScale,
    Divorce,
    PersonalityRights,
    OtherNonProperty,
    IntellectualPropertyScale,
    IntellectualPropertyFlat,
    Labour,
    AdministrativeSpecial,
    AdministrativeOther,
    JurisdictionObjection,
    PreservationScale,
    EnforcementScale,
    EnforcementFlat,
    SecurityInterest,
    ArbitrationReview,
    MaritimeLiabilityFund,
    MaritimeClaimRegistration,
    NoFeeSpecialProcedure,
    NoFeeRetrialApplication,
    NoFeeJurisdictionAppeal,
    NoFeeAdministrativeCompensation,
    NoFeeEnforcementReview,
    NoFeeCriminal,
}

impl Tariff {
    pub const ALL: [Tariff; 23] = [
        Tariff::PropertyScale,
        Tariff::Divorce,
        Tariff::PersonalityRights,
        Tariff::OtherNonProperty,
        Tariff::IntellectualPropertyScale,
        Tariff::IntellectualPropertyFlat,
        Tariff::Labour,
        Tariff::AdministrativeSpecial,
        Tariff::AdministrativeOther,
        Tariff::JurisdictionObjection,
        Tariff::PreservationScale,
        Tariff::EnforcementScale,
        Tariff::EnforcementFlat,
        Tariff::SecurityInterest,
        Tariff::ArbitrationReview,
        Tariff::MaritimeLiabilityFund,
        Tariff::MaritimeClaimRegistration,
        Tariff::NoFeeSpecialProcedure,
        Tariff::NoFeeRetrialApplication,
        Tariff::NoFeeJurisdictionAppeal,
        Tariff::NoFeeAdministrativeCompensation,
        Tariff::NoFeeEnforcementReview,
        Tariff::NoFeeCriminal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tariff::PropertyScale => "property_scale",
            Tariff::Divorce => "divorce",
            Tariff::PersonalityRights => "personality_rights",
            Tariff::OtherNonProperty => "other_non_property",
            Tariff::IntellectualPropertyScale => "intellectual_property_scale",
            Tariff::IntellectualPropertyFlat => "intellectual_property_flat",
            Tariff::Labour => "labour",
            Tariff::AdministrativeSpecial => "administrative_special",
            Tariff::AdministrativeOther => "administrative_other",
            Tariff::JurisdictionObjection => "jurisdiction_objection",
            Tariff::PreservationScale => "preservation_scale",
            Tariff::EnforcementScale => "enforcement_scale",
            Tariff::EnforcementFlat => "enforcement_flat",
            Tariff::SecurityInterest => "security_interest",
            Tariff::ArbitrationReview => "arbitration_review",
            Tariff::MaritimeLiabilityFund => "maritime_liability_fund",
            Tariff::MaritimeClaimRegistration => "maritime_claim_registration",
            Tariff::NoFeeSpecialProcedure => "no_fee_special_procedure",
            Tariff::NoFeeRetrialApplication => "no_fee_retrial_application",
            Tariff::NoFeeJurisdictionAppeal => "no_fee_jurisdiction_appeal",
            Tariff::NoFeeAdministrativeCompensation => "no_fee_administrative_compensation",
            Tariff::NoFeeEnforcementReview => "no_fee_enforcement_review",
            Tariff::NoFeeCriminal => "no_fee_criminal",
        }
    }

    pub fn parse(value: &str) -> Option<Tariff> {
        Tariff::ALL.into_iter().find(|t| t.as_str() == value)
    }

    fn terms(self) -> &'static Terms {
        // Every tariff has exactly one entry; a test proves it.
        TERMS
            .iter()
            .find(|terms| terms.tariff == self)
            .unwrap_or(&TERMS[0])
    }
}

/// What the quote is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeInputs {
    pub kind: FilingKind,
    /// Needed for civil first instances and civil appeals without an amount; defaults to
    /// property for those with one, to property for road-traffic disputes and to "other
    /// administrative" for administrative cases. Other kinds take none.
    pub category: Option<CaseCategory>,
    /// The amount the fee is charged on: the amount claimed (first instance), the amount of
    /// the appeal (the part of the judgment appealed against, Art. 17), the property to be
    /// divided (divorce), the damages claimed (personality rights), the property to be
    /// preserved, the amount to be enforced, or the secured claim (security interests).
    /// Ignored where the tariff does not depend on it (labour, administrative, flat fees).
    pub amount: Option<Money>,
    pub procedure: Procedure,
    /// For civil special procedures: the case type code, 0310 to 0323.
    pub special_procedure_type: Option<String>,
}

/// A minimum and a maximum, equal when the rules fix the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeRange {
    #[schema(value_type = String, example = "6900.00")]
    pub min: Money,
    #[schema(value_type = String, example = "6900.00")]
    pub max: Money,
}

/// One fee of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeItem {
    pub item: FeeItemKind,
    #[schema(value_type = String, example = "13800.00")]
    pub min: Money,
    #[schema(value_type = String, example = "13800.00")]
    pub max: Money,
    /// The tariff applied (stable id).
    pub rule: Tariff,
    /// The amount the fee was computed on, when the tariff used one.
    #[schema(value_type = Option<String>, example = "1000000.00")]
    pub charged_on: Option<Money>,
    /// Whether the amounts are halved for the simplified procedure (Art. 16).
    pub halved: bool,
    /// What the item would come to if the case ends by mediation or withdrawal (half,
    /// Art. 15), shown for information. Absent when that would change nothing: no fee, not
    /// an acceptance or appeal fee paid at filing, or already halved (a fee is halved only
    /// once).
    pub if_mediated_or_withdrawn: Option<FeeRange>,
    pub payable: Payable,
    pub explanation_zh: String,
    pub explanation_en: String,
}

/// The fees a filing incurs, as proposed to the judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeeQuote {
    pub items: Vec<FeeItem>,
    /// Every item, whenever due.
    #[schema(value_type = String)]
    pub total_min: Money,
    #[schema(value_type = String)]
    pub total_max: Money,
    /// Only the items paid before the case is accepted: what a fee order at filing holds.
    #[schema(value_type = String)]
    pub due_at_filing_min: Money,
    #[schema(value_type = String)]
    pub due_at_filing_max: Money,
}

/// A cumulative sliding scale: a flat fee for amounts up to a first bound, then a rate on
/// each further slice of the amount, optionally capped.
#[derive(Debug)]
struct Scale {
    /// Yuan charged for any amount up to `flat_up_to` yuan (and for no amount).
    flat_fee: i64,
    flat_up_to: i64,
    /// In increasing order; the last has no upper bound.
    brackets: &'static [Bracket],
    /// Yuan the fee never exceeds.
    cap: Option<i64>,
}

/// A rate on the part of the amount above the previous bound, up to `up_to` yuan.
#[derive(Debug)]
struct Bracket {
    up_to: Option<i64>,
    /// In basis points (hundredths of a percent): 250 is 2.5 %.
    rate: i64,
}

const fn bracket(up_to: i64, rate: i64) -> Bracket {
    Bracket {
        up_to: Some(up_to),
        rate,
    }
}

const fn above(rate: i64) -> Bracket {
    Bracket { up_to: None, rate }
}

/// Art. 13(1).
const PROPERTY: Scale = Scale {
    flat_fee: 50,
    flat_up_to: 10_000,
    brackets: &[
        bracket(100_000, 250),
        bracket(200_000, 200),
        bracket(500_000, 150),
        bracket(1_000_000, 100),
        bracket(2_000_000, 90),
        bracket(5_000_000, 80),
        bracket(10_000_000, 70),
        bracket(20_000_000, 60),
        above(50),
    ],
    cap: None,
};

/// Art. 13(2)1: the property to be divided in a divorce, on top of the per-case fee.
const DIVORCE_PROPERTY: Scale = Scale {
    flat_fee: 0,
    flat_up_to: 200_000,
    brackets: &[above(50)],
    cap: None,
};

/// Art. 13(2)2: damages claimed for a personality right, on top of the per-case fee.
const PERSONALITY_DAMAGES: Scale = Scale {
    flat_fee: 0,
    flat_up_to: 50_000,
    brackets: &[bracket(100_000, 100), above(50)],
    cap: None,
};

/// Art. 14(2): the property preserved; 30 yuan also when no amount is involved.
const PRESERVATION: Scale = Scale {
    flat_fee: 30,
    flat_up_to: 1_000,
    brackets: &[bracket(100_000, 100), above(50)],
    cap: Some(5_000),
};

/// Art. 14(1)2: the amount to be enforced.
const ENFORCEMENT: Scale = Scale {
    flat_fee: 50,
    flat_up_to: 10_000,
    brackets: &[
        bracket(500_000, 150),
        bracket(5_000_000, 100),
        bracket(10_000_000, 50),
        above(10),
    ],
    cap: None,
};

impl Scale {
    /// The exact fee on `amount`, before rounding; `None` only if the arithmetic overflows.
    fn exact_fee(&self, amount: Money) -> Option<Decimal> {
        let amount = amount.to_decimal();
        let mut fee = Decimal::from(self.flat_fee);
        let mut lower = Decimal::from(self.flat_up_to);
        for bracket in self.brackets {
            if amount <= lower {
                break;
            }
            let upper = bracket
                .up_to
                .map(Decimal::from)
                .filter(|&upper| upper < amount)
                .unwrap_or(amount);
            let slice = upper.checked_sub(lower)?;
            fee = fee.checked_add(slice.checked_mul(Decimal::new(bracket.rate, 4))?)?;
            lower = upper;
        }
        Some(match self.cap {
            Some(cap) => fee.min(Decimal::from(cap)),
            None => fee,
        })
    }
}

/// How a tariff uses the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AmountUse {
    /// Not at all.
    Ignored,
    /// On top of the per-case fee; no amount counts as zero.
    Optional,
    /// The fee cannot be computed without it.
    Required,
    /// Without an amount, this other tariff applies instead.
    OrElse(Tariff),
}

/// The terms of one tariff, as the rules state them.
#[derive(Debug)]
struct Terms {
    tariff: Tariff,
    /// Yuan per case whatever the amount: the minimum and maximum of the rules' range.
    per_case: (i64, i64),
    /// Charged on the amount, on top of `per_case`.
    scale: Option<&'static Scale>,
    amount: AmountUse,
    /// Whether the tariff itself charges half of what the scale gives.
    half_of_scale: bool,
    summary_zh: &'static str,
    summary_en: &'static str,
    basis_zh: &'static str,
    basis_en: &'static str,
}

const RULES_ZH: &str = "《诉讼费用交纳办法》";

// TODO: Art. 13 lets each province fix its own amounts within the ranges of 13(2), 13(3) and
// 13(6) (divorce, personality rights, other non-property, intellectual property without an
// amount, jurisdiction objections); the quote gives the national range, so the judge must
// still pick Shandong's figure until that standard is held as data here.

/// Every tariff of the schedule.
const TERMS: &[Terms] = &[
    Terms {
        tariff: Tariff::PropertyScale,
        per_case: (0, 0),
        scale: Some(&PROPERTY),
        amount: AmountUse::Required,
        half_of_scale: false,
        summary_zh: "财产案件按诉讼请求的金额分段累计交纳：不超过1万元的50元，超过部分按2.5%至0.5%逐段递减",
        summary_en: "Property case: cumulative sliding scale on the amount claimed, 50 yuan up to 10,000 yuan, then 2.5 % falling to 0.5 % on each further slice",
        basis_zh: "第十三条第（一）项",
        basis_en: "Art. 13(1)",
    },
    Terms {
        tariff: Tariff::Divorce,
        per_case: (50, 300),
        scale: Some(&DIVORCE_PROPERTY),
        amount: AmountUse::Optional,
        half_of_scale: false,
        summary_zh: "离婚案件每件50元至300元；涉及财产分割的，财产总额超过20万元的部分另按0.5%交纳",
        summary_en: "Divorce: 50 to 300 yuan per case, plus 0.5 % of the property to be divided above 200,000 yuan",
        basis_zh: "第十三条第（二）项第1目",
        basis_en: "Art. 13(2)1",
    },
    Terms {
        tariff: Tariff::PersonalityRights,
        per_case: (100, 500),
        scale: Some(&PERSONALITY_DAMAGES),
        amount: AmountUse::Optional,
        half_of_scale: false,
        summary_zh: "侵害人格权案件每件100元至500元；涉及损害赔偿的，赔偿金额超过5万元至10万元的部分另按1%、超过10万元的部分另按0.5%交纳",
        summary_en: "Personality rights: 100 to 500 yuan per case, plus 1 % of damages above 50,000 up to 100,000 yuan and 0.5 % of damages above 100,000 yuan",
        basis_zh: "第十三条第（二）项第2目",
        basis_en: "Art. 13(2)2",
    },
    Terms {
        tariff: Tariff::OtherNonProperty,
        per_case: (50, 100),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "其他非财产案件每件50元至100元",
        summary_en: "Other non-property case: 50 to 100 yuan per case",
        basis_zh: "第十三条第（二）项第3目",
        basis_en: "Art. 13(2)3",
    },
    Terms {
        tariff: Tariff::IntellectualPropertyScale,
        per_case: (0, 0),
        scale: Some(&PROPERTY),
        amount: AmountUse::OrElse(Tariff::IntellectualPropertyFlat),
        half_of_scale: false,
        summary_zh: "知识产权民事案件有争议金额的，按财产案件的标准交纳",
        summary_en: "Intellectual property case with an amount in dispute: the property-case scale",
        basis_zh: "第十三条第（三）项",
        basis_en: "Art. 13(3)",
    },
    Terms {
        tariff: Tariff::IntellectualPropertyFlat,
        per_case: (500, 1_000),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "知识产权民事案件没有争议金额的，每件500元至1000元",
        summary_en: "Intellectual property case without an amount in dispute: 500 to 1,000 yuan per case",
        basis_zh: "第十三条第（三）项",
        basis_en: "Art. 13(3)",
    },
    Terms {
        tariff: Tariff::Labour,
        per_case: (10, 10),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "劳动争议案件每件10元",
        summary_en: "Labour dispute: 10 yuan per case",
        basis_zh: "第十三条第（四）项",
        basis_en: "Art. 13(4)",
    },
    Terms {
        tariff: Tariff::AdministrativeSpecial,
        per_case: (100, 100),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "商标、专利、海事行政案件每件100元",
        summary_en: "Trademark, patent or maritime administrative case: 100 yuan per case",
        basis_zh: "第十三条第（五）项第1目",
        basis_en: "Art. 13(5)1",
    },
    Terms {
        tariff: Tariff::AdministrativeOther,
        per_case: (50, 50),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "其他行政案件每件50元",
        summary_en: "Other administrative case: 50 yuan per case",
        basis_zh: "第十三条第（五）项第2目",
        basis_en: "Art. 13(5)2",
    },
    Terms {
        tariff: Tariff::JurisdictionObjection,
        per_case: (50, 100),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "管辖权异议不成立的，每件交纳50元至100元；提出异议时不交纳",
        summary_en: "Jurisdiction objection: 50 to 100 yuan, owed only if the objection is dismissed; nothing is paid when it is raised",
        basis_zh: "第十三条第（六）项",
        basis_en: "Art. 13(6)",
    },
    Terms {
        tariff: Tariff::PreservationScale,
        per_case: (0, 0),
        scale: Some(&PRESERVATION),
        amount: AmountUse::Optional,
        half_of_scale: false,
        summary_zh: "申请保全按保全的财产数额交纳：不超过1000元或不涉及财产数额的每件30元，超过1000元至10万元的部分按1%，超过10万元的部分按0.5%，最多不超过5000元",
        summary_en: "Preservation: 30 yuan up to 1,000 yuan or without an amount, 1 % of the part above 1,000 up to 100,000 yuan, 0.5 % above, at most 5,000 yuan",
        basis_zh: "第十四条第（二）项",
        basis_en: "Art. 14(2)",
    },
    Terms {
        tariff: Tariff::EnforcementScale,
        per_case: (0, 0),
        scale: Some(&ENFORCEMENT),
        amount: AmountUse::OrElse(Tariff::EnforcementFlat),
        half_of_scale: false,
        summary_zh: "申请执行按执行金额分段累计交纳：不超过1万元的50元，超过1万元至50万元的部分按1.5%，至500万元按1%，至1000万元按0.5%，超过1000万元的部分按0.1%；执行后交纳",
        summary_en: "Enforcement: 50 yuan up to 10,000 yuan, then 1.5 % up to 500,000, 1 % up to 5,000,000, 0.5 % up to 10,000,000 and 0.1 % above, on each slice of the amount to enforce; paid after enforcement",
        basis_zh: "第十四条第（一）项第2目、第二十条",
        basis_en: "Art. 14(1)2 and 20",
    },
    Terms {
        tariff: Tariff::EnforcementFlat,
        per_case: (50, 500),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "申请执行没有执行金额的，每件50元至500元；执行后交纳",
        summary_en: "Enforcement without an amount: 50 to 500 yuan per case; paid after enforcement",
        basis_zh: "第十四条第（一）项第1目、第二十条",
        basis_en: "Art. 14(1)1 and 20",
    },
    Terms {
        tariff: Tariff::SecurityInterest,
        per_case: (0, 0),
        scale: Some(&PROPERTY),
        amount: AmountUse::Required,
        half_of_scale: true,
        summary_zh: "实现担保物权案件收取申请费（最高人民法院关于适用《中华人民共和国民事诉讼法》的解释第二百零四条）；国家未规定标准，按财产案件受理费标准减半计算，供参考，以本省标准为准",
        summary_en: "Realisation of a security interest: an application fee is charged (Supreme People's Court interpretation of the Civil Procedure Law, Art. 204); no national amount is set, so half the property-case scale is proposed, subject to the provincial standard",
        basis_zh: "民事诉讼法解释第二百零四条，参照第十三条第（一）项",
        basis_en: "SPC interpretation Art. 204, by analogy with Art. 13(1)",
    },
    Terms {
        tariff: Tariff::ArbitrationReview,
        per_case: (400, 400),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "申请撤销仲裁裁决或者认定仲裁协议效力的，每件400元",
        summary_en: "Setting aside an arbitral award or confirming an arbitration agreement: 400 yuan per case",
        basis_zh: "第十条第（五）项、第十四条第（五）项",
        basis_en: "Art. 10(5) and 14(5)",
    },
    Terms {
        tariff: Tariff::MaritimeLiabilityFund,
        per_case: (1_000, 10_000),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "申请设立海事赔偿责任限制基金的，每件1000元至1万元",
        summary_en: "Constituting a maritime liability limitation fund: 1,000 to 10,000 yuan per case",
        basis_zh: "第十四条第（七）项第1目",
        basis_en: "Art. 14(7)1",
    },
    Terms {
        tariff: Tariff::MaritimeClaimRegistration,
        per_case: (1_000, 1_000),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "申请海事债权登记的，每件1000元",
        summary_en: "Registering a maritime claim: 1,000 yuan per case",
        basis_zh: "第十四条第（七）项第4目",
        basis_en: "Art. 14(7)4",
    },
    Terms {
        tariff: Tariff::NoFeeSpecialProcedure,
        per_case: (0, 0),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "依照特别程序审理的案件不交纳案件受理费",
        summary_en: "No fee: cases tried under the special procedure",
        basis_zh: "第八条第（一）项",
        basis_en: "Art. 8(1)",
    },
    Terms {
        tariff: Tariff::NoFeeRetrialApplication,
        per_case: (0, 0),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "申请再审审查不交纳费用（决定再审后，仅第九条所列情形交纳案件受理费）",
        summary_en: "No fee: reviewing a retrial application (only the retrials listed in Art. 9 pay, once retrial is ordered)",
        basis_zh: "第九条",
        basis_en: "Art. 9",
    },
    Terms {
        tariff: Tariff::NoFeeJurisdictionAppeal,
        per_case: (0, 0),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "对管辖权异议裁定不服提起上诉的案件不交纳案件受理费",
        summary_en: "No fee: appeals against rulings on jurisdiction objections",
        basis_zh: "第八条第（三）项",
        basis_en: "Art. 8(3)",
    },
    Terms {
        tariff: Tariff::NoFeeAdministrativeCompensation,
        per_case: (0, 0),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "行政赔偿案件不交纳案件受理费",
        summary_en: "No fee: administrative compensation cases",
        basis_zh: "第八条第（四）项",
        basis_en: "Art. 8(4)",
    },
    Terms {
        tariff: Tariff::NoFeeEnforcementReview,
        per_case: (0, 0),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "执行异议、执行复议不交纳费用（不在第十条所列收取申请费的事项之内）",
        summary_en: "No fee: enforcement objections and reconsiderations (not among the applications charged by Art. 10)",
        basis_zh: "第十条",
        basis_en: "Art. 10",
    },
    Terms {
        tariff: Tariff::NoFeeCriminal,
        per_case: (0, 0),
        scale: None,
        amount: AmountUse::Ignored,
        half_of_scale: false,
        summary_zh: "刑事自诉案件不交纳诉讼费用（本办法只适用于民事、行政诉讼）",
        summary_en: "No fee: criminal private prosecutions (the rules cover civil and administrative proceedings only)",
        basis_zh: "第二条",
        basis_en: "Art. 2",
    },
];

/// The civil categories, for civil first instances and civil appeals.
const CIVIL: &[CaseCategory] = &[
    CaseCategory::Property,
    CaseCategory::Divorce,
    CaseCategory::PersonalityRights,
    CaseCategory::OtherNonProperty,
    CaseCategory::IntellectualProperty,
    CaseCategory::Labour,
];

/// How the tariff of a kind is chosen.
#[derive(Debug, Clone, Copy)]
enum Choice {
    /// By the category of the case, one of `allowed`; without one, `default`.
    Category {
        allowed: &'static [CaseCategory],
        default: DefaultCategory,
    },
    /// By the special-procedure type code.
    SpecialProcedure,
    /// Always this tariff.
    Fixed(Tariff),
}

#[derive(Debug, Clone, Copy)]
enum DefaultCategory {
    Always(CaseCategory),
    /// Property when an amount is given; otherwise the category must be chosen.
    PropertyWithAmount,
}

/// The fee of one filing kind.
#[derive(Debug)]
struct KindFee {
    kind: FilingKind,
    item: FeeItemKind,
    payable: Payable,
    choice: Choice,
    /// Whether the case can be tried under the simplified procedure (first instance only).
    simplified: bool,
}

use CaseCategory as C;
use FeeItemKind as I;

/// The fee of every online kind.
const KIND_FEES: &[KindFee] = &[
    KindFee {
        kind: FilingKind::RoadTraffic,
        item: I::AcceptanceFee,
        payable: Payable::AtFiling,
        choice: Choice::Category {
            allowed: &[C::Property],
            default: DefaultCategory::Always(C::Property),
        },
        simplified: true,
    },
    KindFee {
        kind: FilingKind::CivilFirstInstance,
        item: I::AcceptanceFee,
        payable: Payable::AtFiling,
        choice: Choice::Category {
            allowed: CIVIL,
            default: DefaultCategory::PropertyWithAmount,
        },
        simplified: true,
    },
    KindFee {
        kind: FilingKind::CivilAppeal,
        item: I::AppealFee,
        payable: Payable::AtFiling,
        choice: Choice::Category {
            allowed: CIVIL,
            default: DefaultCategory::PropertyWithAmount,
        },
        simplified: false,
    },
    KindFee {
        kind: FilingKind::CivilRetrialApplication,
        item: I::AcceptanceFee,
        payable: Payable::AtFiling,
        choice: Choice::Fixed(Tariff::NoFeeRetrialApplication),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::CivilSpecialProcedure,
        item: I::ApplicationFee,
        payable: Payable::AtFiling,
        choice: Choice::SpecialProcedure,
        simplified: false,
    },
    KindFee {
        kind: FilingKind::JurisdictionObjection,
        item: I::AcceptanceFee,
        payable: Payable::OnlyIfDismissed,
        choice: Choice::Fixed(Tariff::JurisdictionObjection),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::JurisdictionObjectionAppeal,
        item: I::AppealFee,
        payable: Payable::AtFiling,
        choice: Choice::Fixed(Tariff::NoFeeJurisdictionAppeal),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::AdministrativeFirstInstance,
        item: I::AcceptanceFee,
        payable: Payable::AtFiling,
        choice: Choice::Category {
            allowed: &[C::AdministrativeOther, C::AdministrativeSpecial],
            default: DefaultCategory::Always(C::AdministrativeOther),
        },
        simplified: true,
    },
    KindFee {
        kind: FilingKind::AdministrativeAppeal,
        item: I::AppealFee,
        payable: Payable::AtFiling,
        choice: Choice::Category {
            allowed: &[
                C::AdministrativeOther,
                C::AdministrativeSpecial,
                C::AdministrativeCompensation,
            ],
            default: DefaultCategory::Always(C::AdministrativeOther),
        },
        simplified: false,
    },
    KindFee {
        kind: FilingKind::AdministrativeRetrialApplication,
        item: I::AcceptanceFee,
        payable: Payable::AtFiling,
        choice: Choice::Fixed(Tariff::NoFeeRetrialApplication),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::CriminalPrivateProsecution,
        item: I::AcceptanceFee,
        payable: Payable::AtFiling,
        choice: Choice::Fixed(Tariff::NoFeeCriminal),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::PreLitigationPreservation,
        item: I::ApplicationFee,
        payable: Payable::AtFiling,
        choice: Choice::Fixed(Tariff::PreservationScale),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::InLitigationPreservation,
        item: I::ApplicationFee,
        payable: Payable::AtFiling,
        choice: Choice::Fixed(Tariff::PreservationScale),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::FirstEnforcement,
        item: I::ApplicationFee,
        payable: Payable::AfterEnforcement,
        choice: Choice::Fixed(Tariff::EnforcementScale),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::EnforcementObjection,
        item: I::ApplicationFee,
        payable: Payable::AtFiling,
        choice: Choice::Fixed(Tariff::NoFeeEnforcementReview),
        simplified: false,
    },
    KindFee {
        kind: FilingKind::EnforcementReconsideration,
        item: I::ApplicationFee,
        payable: Payable::AtFiling,
        choice: Choice::Fixed(Tariff::NoFeeEnforcementReview),
        simplified: false,
    },
];

/// The tariff of each civil special procedure, by case type code (0323 is supervision).
///
/// Most are free (Art. 8(1)), but the court's numbering files under 民特 some matters the
/// rules charge an application fee for (Art. 14(5), 14(7)), and realising a security
/// interest, added to the special procedures in 2012, is charged by the Supreme People's
/// Court's interpretation of the Civil Procedure Law (Art. 204).
const SPECIAL_PROCEDURES: &[(&str, Tariff)] = &[
    ("0310", Tariff::NoFeeSpecialProcedure),     // 选民资格
    ("0311", Tariff::NoFeeSpecialProcedure),     // 宣告失踪、宣告死亡
    ("0312", Tariff::NoFeeSpecialProcedure),     // 财产代管人申请变更代管
    ("0313", Tariff::NoFeeSpecialProcedure),     // 行为能力认定
    ("0314", Tariff::NoFeeSpecialProcedure),     // 监护人指定异议
    ("0315", Tariff::NoFeeSpecialProcedure),     // 监护关系变更
    ("0316", Tariff::NoFeeSpecialProcedure),     // 认定财产无主
    ("0317", Tariff::SecurityInterest),          // 实现担保物权
    ("0318", Tariff::NoFeeSpecialProcedure),     // 调解协议司法确认
    ("0319", Tariff::MaritimeLiabilityFund),     // 设立海事赔偿责任限制基金
    ("0320", Tariff::MaritimeClaimRegistration), // 海事债权登记与受偿
    ("0321", Tariff::ArbitrationReview),         // 撤销仲裁裁决
    ("0322", Tariff::ArbitrationReview),         // 申请确认仲裁协议效力
    ("0323", Tariff::NoFeeSpecialProcedure),     // 民事特别程序监督
];

fn kind_fee(kind: FilingKind) -> &'static KindFee {
    // Every kind has exactly one entry; a test proves it.
    KIND_FEES
        .iter()
        .find(|fee| fee.kind == kind)
        .unwrap_or(&KIND_FEES[0])
}

/// Quotes the fees of a filing.
///
/// # Errors
///
/// Every problem with the inputs at once, each under its query-parameter name:
/// - `category`: `fee.category_required` (a civil case with neither category nor amount),
///   `fee.category_not_applicable` (a category the kind does not take);
/// - `procedure`: `fee.procedure_not_applicable` (simplified, except for a civil or
///   administrative first instance);
/// - `special_procedure_type`: `fee.special_procedure_type_required`,
///   `special_procedure.unknown` (not 0310 to 0323),
///   `fee.special_procedure_type_not_applicable` (given for another kind);
/// - `amount`: `fee.amount_required` (the tariff is computed on an amount),
///   `fee.amount_too_large` (the fee cannot be represented; not reachable with amounts up
///   to [`Money::MAX`]).
pub fn quote(inputs: &FeeInputs) -> Result<FeeQuote, Vec<FieldError>> {
    let fee = kind_fee(inputs.kind);
    let mut errors = Vec::new();

    if inputs.procedure == Procedure::Simplified && !fee.simplified {
        errors.push(FieldError::new(
            "procedure",
            Code::FeeProcedureNotApplicable,
        ));
    }
    let special_type = inputs
        .special_procedure_type
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty());
    if inputs.special_procedure_type.is_some() && !matches!(fee.choice, Choice::SpecialProcedure) {
        errors.push(FieldError::new(
            "special_procedure_type",
            Code::FeeSpecialProcedureTypeNotApplicable,
        ));
    }
    let tariff = match fee.choice {
        Choice::Category { allowed, default } => {
            let default = match default {
                DefaultCategory::Always(category) => Some(category),
                DefaultCategory::PropertyWithAmount => {
                    inputs.amount.map(|_| CaseCategory::Property)
                }
            };
            match inputs.category.or(default) {
                Some(category) if allowed.contains(&category) => Some(category.tariff()),
                Some(_) => {
                    errors.push(FieldError::new("category", Code::FeeCategoryNotApplicable));
                    None
                }
                None => {
                    errors.push(FieldError::new("category", Code::FeeCategoryRequired));
                    None
                }
            }
        }
        Choice::SpecialProcedure => {
            refuse_category(inputs, &mut errors);
            let found = special_type.map(|code| {
                SPECIAL_PROCEDURES
                    .iter()
                    .find(|(known, _)| *known == code)
                    .map(|&(_, tariff)| tariff)
            });
            match found {
                Some(Some(tariff)) => Some(tariff),
                Some(None) => {
                    errors.push(FieldError::new(
                        "special_procedure_type",
                        Code::SpecialProcedureUnknown,
                    ));
                    None
                }
                None => {
                    errors.push(FieldError::new(
                        "special_procedure_type",
                        Code::FeeSpecialProcedureTypeRequired,
                    ));
                    None
                }
            }
        }
        Choice::Fixed(tariff) => {
            refuse_category(inputs, &mut errors);
            Some(tariff)
        }
    };
    let priced = tariff.and_then(|tariff| match price(tariff, inputs.amount) {
        Ok(priced) => Some(priced),
        Err(code) => {
            errors.push(FieldError::new("amount", code));
            None
        }
    });
    let priced = match priced {
        Some(priced) if errors.is_empty() => priced,
        _ => return Err(errors),
    };

    let item = item(fee, inputs.procedure, &priced)
        .ok_or_else(|| vec![FieldError::new("amount", Code::FeeAmountTooLarge)])?;
    let items = vec![item];
    let sum = |due_at_filing_only: bool, pick: fn(&FeeItem) -> Money| {
        items
            .iter()
            .filter(|item| !due_at_filing_only || item.payable == Payable::AtFiling)
            .try_fold(Money::ZERO, |total, item| total.checked_add(pick(item)))
            .ok_or_else(|| vec![FieldError::new("amount", Code::FeeAmountTooLarge)])
    };
    Ok(FeeQuote {
        total_min: sum(false, |item| item.min)?,
        total_max: sum(false, |item| item.max)?,
        due_at_filing_min: sum(true, |item| item.min)?,
        due_at_filing_max: sum(true, |item| item.max)?,
        items,
    })
}

fn refuse_category(inputs: &FeeInputs, errors: &mut Vec<FieldError>) {
    if inputs.category.is_some() {
        errors.push(FieldError::new("category", Code::FeeCategoryNotApplicable));
    }
}

/// A tariff applied to the inputs, before halving for the procedure.
#[derive(Debug)]
struct Priced {
    terms: &'static Terms,
    charged_on: Option<Money>,
    min: Money,
    max: Money,
}

/// Applies a tariff (or the one it falls back to without an amount).
fn price(tariff: Tariff, amount: Option<Money>) -> Result<Priced, Code> {
    let mut terms = tariff.terms();
    let charged_on = match (terms.amount, amount) {
        (AmountUse::Ignored, _) => None,
        (AmountUse::OrElse(other), None) => {
            terms = other.terms();
            None
        }
        (AmountUse::Required, None) => return Err(Code::FeeAmountRequired),
        (_, amount) => amount,
    };

    let on_amount = match terms.scale {
        Some(scale) => scale
            .exact_fee(charged_on.unwrap_or(Money::ZERO))
            .ok_or(Code::FeeAmountTooLarge)?,
        None => Decimal::ZERO,
    };
    let total = |per_case: i64| -> Option<Money> {
        let fee = to_money(Decimal::from(per_case).checked_add(on_amount)?)?;
        if terms.half_of_scale {
            halve(fee)
        } else {
            Some(fee)
        }
    };
    Ok(Priced {
        terms,
        charged_on,
        min: total(terms.per_case.0).ok_or(Code::FeeAmountTooLarge)?,
        max: total(terms.per_case.1).ok_or(Code::FeeAmountTooLarge)?,
    })
}

/// The fee item of a priced tariff, halved for the simplified procedure where it applies;
/// `None` only if an amount cannot be represented.
fn item(fee: &KindFee, procedure: Procedure, priced: &Priced) -> Option<FeeItem> {
    let terms = priced.terms;
    let halved = procedure == Procedure::Simplified && !priced.max.is_zero();
    let (min, max) = if halved {
        (halve(priced.min)?, halve(priced.max)?)
    } else {
        (priced.min, priced.max)
    };
    let settles_at_half = matches!(fee.item, I::AcceptanceFee | I::AppealFee)
        && fee.payable == Payable::AtFiling
        && !halved
        && !max.is_zero();
    let if_mediated_or_withdrawn = if settles_at_half {
        Some(FeeRange {
            min: halve(min)?,
            max: halve(max)?,
        })
    } else {
        None
    };

    let mut zh = terms.summary_zh.to_owned();
    let mut en = terms.summary_en.to_owned();
    if let Some(amount) = priced.charged_on {
        zh.push_str(&format!("；计费金额{amount}元"));
        en.push_str(&format!("; charged on {amount} yuan"));
    }
    if halved {
        zh.push_str("；适用简易程序，减半交纳（第十六条）");
        en.push_str("; halved under the simplified procedure (Art. 16)");
    }
    if if_mediated_or_withdrawn.is_some() {
        zh.push_str("；以调解方式结案或者申请撤诉的，减半交纳（第十五条）");
        en.push_str("; halved if the case ends by mediation or withdrawal (Art. 15)");
    }
    let basis_zh = if terms.basis_zh.starts_with("第") {
        format!("{RULES_ZH}{}", terms.basis_zh)
    } else {
        terms.basis_zh.to_owned()
    };
    zh.push_str(&format!("。依据：{basis_zh}。"));
    en.push_str(&format!(
        ". Basis: {} of the rules on litigation costs (诉讼费用交纳办法).",
        terms.basis_en
    ));

    Some(FeeItem {
        item: fee.item,
        min,
        max,
        rule: terms.tariff,
        charged_on: priced.charged_on,
        halved,
        if_mediated_or_withdrawn,
        payable: fee.payable,
        explanation_zh: zh,
        explanation_en: en,
    })
}

/// Rounds an exact amount of yuan half-up to the fen.
fn to_money(yuan: Decimal) -> Option<Money> {
    let rounded = yuan.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Money::from_fen(rounded.checked_mul(Decimal::ONE_HUNDRED)?.to_i64()?)
}

/// Half of an amount, half-up to the fen (50.01 → 25.01).
fn halve(amount: Money) -> Option<Money> {
    to_money(amount.to_decimal() / Decimal::TWO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kinds::{FeeRule, ONLINE_KINDS};
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn yuan(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn inputs(kind: FilingKind) -> FeeInputs {
        FeeInputs {
            kind,
            category: None,
            amount: None,
            procedure: Procedure::Ordinary,
            special_procedure_type: None,
        }
    }

    fn with(
        kind: FilingKind,
        category: Option<CaseCategory>,
        amount: Option<&str>,
        procedure: Procedure,
    ) -> FeeInputs {
        FeeInputs {
            category,
            amount: amount.map(yuan),
            procedure,
            ..inputs(kind)
        }
    }

    fn special(code: &str, amount: Option<&str>) -> FeeInputs {
        FeeInputs {
            special_procedure_type: Some(code.to_owned()),
            amount: amount.map(yuan),
            ..inputs(FilingKind::CivilSpecialProcedure)
        }
    }

    /// The single item of a quote, checking that the totals follow from it.
    fn single(inputs: &FeeInputs) -> FeeItem {
        let quote = quote(inputs).unwrap_or_else(|e| panic!("{inputs:?}: {e:?}"));
        assert_eq!(quote.items.len(), 1);
        let item = quote.items[0].clone();
        assert_eq!((quote.total_min, quote.total_max), (item.min, item.max));
        let due = item.payable == Payable::AtFiling;
        assert_eq!(
            (quote.due_at_filing_min, quote.due_at_filing_max),
            if due {
                (item.min, item.max)
            } else {
                (Money::ZERO, Money::ZERO)
            }
        );
        assert!(item.min <= item.max);
        item
    }

    fn range(item: &FeeItem) -> (String, String) {
        (item.min.to_string(), item.max.to_string())
    }

    fn fixed(fee: &str) -> (String, String) {
        (fee.to_owned(), fee.to_owned())
    }

    fn codes(errors: &[FieldError]) -> Vec<(&str, &'static str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    fn property_fee(amount: &str) -> String {
        let item = single(&with(
            FilingKind::CivilFirstInstance,
            Some(CaseCategory::Property),
            Some(amount),
            Procedure::Ordinary,
        ));
        assert_eq!(item.min, item.max);
        assert_eq!(item.rule, Tariff::PropertyScale);
        item.min.to_string()
    }

    #[test]
    fn property_scale_at_every_bracket_boundary() {
        for (amount, fee) in [
            ("0", "50.00"),
            ("0.01", "50.00"),
            ("9999.99", "50.00"),
            ("10000", "50.00"),
            ("10000.01", "50.00"),
            ("10000.20", "50.01"),
            ("10001", "50.03"),
            ("100000", "2300.00"),
            ("100000.01", "2300.00"),
            ("100001", "2300.02"),
            ("200000", "4300.00"),
            ("200000.01", "4300.00"),
            ("200001", "4300.02"),
            ("500000", "8800.00"),
            ("500000.01", "8800.00"),
            ("500001", "8800.01"),
            ("1000000", "13800.00"),
            ("1000000.01", "13800.00"),
            ("1000001", "13800.01"),
            ("2000000", "22800.00"),
            ("2000000.01", "22800.00"),
            ("2000001", "22800.01"),
            ("5000000", "46800.00"),
            ("5000000.01", "46800.00"),
            ("5000001", "46800.01"),
            ("10000000", "81800.00"),
            ("10000000.01", "81800.00"),
            ("10000001", "81800.01"),
            ("20000000", "141800.00"),
            ("20000000.01", "141800.00"),
            ("20000001", "141800.01"),
            ("20000100", "141800.50"),
            ("100000000", "541800.00"),
            ("123456.78", "2769.14"),
            ("100000000000", "500041800.00"),
        ] {
            assert_eq!(property_fee(amount), fee, "{amount}");
        }
    }

    #[test]
    fn the_checks_of_the_brief() {
        assert_eq!(property_fee("1000000.00"), "13800.00");
        let item = single(&FeeInputs {
            amount: Some(yuan("1000000")),
            ..inputs(FilingKind::PreLitigationPreservation)
        });
        assert_eq!(range(&item), fixed("5000.00"));
    }

    #[test]
    fn preservation_scale_and_cap() {
        for kind in [
            FilingKind::PreLitigationPreservation,
            FilingKind::InLitigationPreservation,
        ] {
            for (amount, fee) in [
                (None, "30.00"),
                (Some("0"), "30.00"),
                (Some("1000"), "30.00"),
                (Some("1000.01"), "30.00"),
                (Some("1000.50"), "30.01"),
                (Some("1050"), "30.50"),
                (Some("100000"), "1020.00"),
                (Some("100000.01"), "1020.00"),
                (Some("100001"), "1020.01"),
                (Some("895998"), "4999.99"),
                (Some("895999"), "5000.00"),
                (Some("896000"), "5000.00"),
                (Some("896000.01"), "5000.00"),
                (Some("1000000"), "5000.00"),
                (Some("100000000000"), "5000.00"),
            ] {
                let item = single(&FeeInputs {
                    amount: amount.map(yuan),
                    ..inputs(kind)
                });
                assert_eq!(range(&item), fixed(fee), "{kind:?} {amount:?}");
                assert_eq!(item.rule, Tariff::PreservationScale);
                assert_eq!(item.item, FeeItemKind::ApplicationFee);
                assert_eq!(item.payable, Payable::AtFiling);
                assert_eq!(item.if_mediated_or_withdrawn, None);
            }
        }
    }

    #[test]
    fn enforcement_scale_is_quoted_but_paid_after_enforcement() {
        for (amount, rule, fee) in [
            (None, Tariff::EnforcementFlat, ("50.00", "500.00")),
            (Some("0"), Tariff::EnforcementScale, ("50.00", "50.00")),
            (Some("10000"), Tariff::EnforcementScale, ("50.00", "50.00")),
            (
                Some("10000.01"),
                Tariff::EnforcementScale,
                ("50.00", "50.00"),
            ),
            (Some("10001"), Tariff::EnforcementScale, ("50.02", "50.02")),
            (
                Some("500000"),
                Tariff::EnforcementScale,
                ("7400.00", "7400.00"),
            ),
            (
                Some("500001"),
                Tariff::EnforcementScale,
                ("7400.01", "7400.01"),
            ),
            (
                Some("5000000"),
                Tariff::EnforcementScale,
                ("52400.00", "52400.00"),
            ),
            (
                Some("5000001"),
                Tariff::EnforcementScale,
                ("52400.01", "52400.01"),
            ),
            (
                Some("10000000"),
                Tariff::EnforcementScale,
                ("77400.00", "77400.00"),
            ),
            (
                Some("10000001"),
                Tariff::EnforcementScale,
                ("77400.00", "77400.00"),
            ),
            (
                Some("10000005"),
                Tariff::EnforcementScale,
                ("77400.01", "77400.01"),
            ),
            (
                Some("20000000"),
                Tariff::EnforcementScale,
                ("87400.00", "87400.00"),
            ),
        ] {
            let inputs = FeeInputs {
                amount: amount.map(yuan),
                ..inputs(FilingKind::FirstEnforcement)
            };
            let item = single(&inputs);
            assert_eq!(item.rule, rule, "{amount:?}");
            assert_eq!(
                range(&item),
                (fee.0.to_owned(), fee.1.to_owned()),
                "{amount:?}"
            );
            assert_eq!(item.payable, Payable::AfterEnforcement);
            assert_eq!(item.item, FeeItemKind::ApplicationFee);
            let quote = quote(&inputs).unwrap();
            assert_eq!(quote.due_at_filing_max, Money::ZERO);
        }
    }

    #[test]
    fn non_property_categories() {
        use CaseCategory as C;
        let row = |category, amount: Option<&'static str>, rule, min: &str, max: &str| {
            (category, amount, rule, min.to_owned(), max.to_owned())
        };
        for (category, amount, rule, min, max) in [
            row(C::Divorce, None, Tariff::Divorce, "50.00", "300.00"),
            row(
                C::Divorce,
                Some("200000"),
                Tariff::Divorce,
                "50.00",
                "300.00",
            ),
            row(
                C::Divorce,
                Some("200000.01"),
                Tariff::Divorce,
                "50.00",
                "300.00",
            ),
            row(
                C::Divorce,
                Some("200001"),
                Tariff::Divorce,
                "50.01",
                "300.01",
            ),
            row(
                C::Divorce,
                Some("300000"),
                Tariff::Divorce,
                "550.00",
                "800.00",
            ),
            row(
                C::PersonalityRights,
                None,
                Tariff::PersonalityRights,
                "100.00",
                "500.00",
            ),
            row(
                C::PersonalityRights,
                Some("50000"),
                Tariff::PersonalityRights,
                "100.00",
                "500.00",
            ),
            row(
                C::PersonalityRights,
                Some("50001"),
                Tariff::PersonalityRights,
                "100.01",
                "500.01",
            ),
            row(
                C::PersonalityRights,
                Some("60000"),
                Tariff::PersonalityRights,
                "200.00",
                "600.00",
            ),
            row(
                C::PersonalityRights,
                Some("100000"),
                Tariff::PersonalityRights,
                "600.00",
                "1000.00",
            ),
            row(
                C::PersonalityRights,
                Some("100001"),
                Tariff::PersonalityRights,
                "600.01",
                "1000.01",
            ),
            row(
                C::PersonalityRights,
                Some("200000"),
                Tariff::PersonalityRights,
                "1100.00",
                "1500.00",
            ),
            row(
                C::OtherNonProperty,
                None,
                Tariff::OtherNonProperty,
                "50.00",
                "100.00",
            ),
            row(
                C::OtherNonProperty,
                Some("5000"),
                Tariff::OtherNonProperty,
                "50.00",
                "100.00",
            ),
            row(
                C::IntellectualProperty,
                None,
                Tariff::IntellectualPropertyFlat,
                "500.00",
                "1000.00",
            ),
            row(
                C::IntellectualProperty,
                Some("1000000"),
                Tariff::IntellectualPropertyScale,
                "13800.00",
                "13800.00",
            ),
            row(C::Labour, None, Tariff::Labour, "10.00", "10.00"),
            row(C::Labour, Some("80000"), Tariff::Labour, "10.00", "10.00"),
        ] {
            let item = single(&with(
                FilingKind::CivilFirstInstance,
                Some(category),
                amount,
                Procedure::Ordinary,
            ));
            assert_eq!(item.rule, rule, "{category:?} {amount:?}");
            assert_eq!(range(&item), (min, max), "{category:?} {amount:?}");
            assert_eq!(item.item, FeeItemKind::AcceptanceFee);
            let used =
                !matches!(rule, Tariff::OtherNonProperty | Tariff::Labour) && amount.is_some();
            assert_eq!(item.charged_on.is_some(), used, "{category:?} {amount:?}");
        }
    }

    #[test]
    fn administrative_cases() {
        use CaseCategory as C;
        use FilingKind as K;
        for (kind, category, rule, fee, item_kind) in [
            (
                K::AdministrativeFirstInstance,
                None,
                Tariff::AdministrativeOther,
                "50.00",
                I::AcceptanceFee,
            ),
            (
                K::AdministrativeFirstInstance,
                Some(C::AdministrativeOther),
                Tariff::AdministrativeOther,
                "50.00",
                I::AcceptanceFee,
            ),
            (
                K::AdministrativeFirstInstance,
                Some(C::AdministrativeSpecial),
                Tariff::AdministrativeSpecial,
                "100.00",
                I::AcceptanceFee,
            ),
            (
                K::AdministrativeAppeal,
                None,
                Tariff::AdministrativeOther,
                "50.00",
                I::AppealFee,
            ),
            (
                K::AdministrativeAppeal,
                Some(C::AdministrativeSpecial),
                Tariff::AdministrativeSpecial,
                "100.00",
                I::AppealFee,
            ),
            (
                K::AdministrativeAppeal,
                Some(C::AdministrativeCompensation),
                Tariff::NoFeeAdministrativeCompensation,
                "0.00",
                I::AppealFee,
            ),
        ] {
            let item = single(&with(kind, category, Some("5000000"), Procedure::Ordinary));
            assert_eq!(item.rule, rule, "{kind:?} {category:?}");
            assert_eq!(range(&item), fixed(fee), "{kind:?} {category:?}");
            assert_eq!(item.item, item_kind);
            assert_eq!(item.charged_on, None);
        }
    }

    #[test]
    fn appeals_follow_the_first_instance_schedule_on_the_amount_appealed() {
        let item = single(&with(
            FilingKind::CivilAppeal,
            None,
            Some("1000000"),
            Procedure::Ordinary,
        ));
        assert_eq!(item.item, FeeItemKind::AppealFee);
        assert_eq!(item.rule, Tariff::PropertyScale);
        assert_eq!(range(&item), fixed("13800.00"));
        assert_eq!(item.charged_on, Some(yuan("1000000")));

        let item = single(&with(
            FilingKind::CivilAppeal,
            Some(CaseCategory::Divorce),
            None,
            Procedure::Ordinary,
        ));
        assert_eq!((item.item, item.rule), (I::AppealFee, Tariff::Divorce));
        assert_eq!(range(&item), ("50.00".to_owned(), "300.00".to_owned()));
    }

    #[test]
    fn road_traffic_is_a_property_case() {
        let item = single(&with(
            FilingKind::RoadTraffic,
            None,
            Some("100000"),
            Procedure::Ordinary,
        ));
        assert_eq!(item.rule, Tariff::PropertyScale);
        assert_eq!(range(&item), fixed("2300.00"));
        let errors = quote(&with(
            FilingKind::RoadTraffic,
            Some(CaseCategory::Divorce),
            None,
            Procedure::Ordinary,
        ))
        .unwrap_err();
        assert_eq!(
            codes(&errors),
            [("category", "fee.category_not_applicable")]
        );
    }

    #[test]
    fn simplified_procedure_halves_half_up() {
        use CaseCategory as C;
        use FilingKind as K;
        for (kind, category, amount, min, max) in [
            (
                K::CivilFirstInstance,
                Some(C::Property),
                Some("10000"),
                "25.00",
                "25.00",
            ),
            // 50.03 → 25.015 → 25.02
            (
                K::CivilFirstInstance,
                Some(C::Property),
                Some("10001"),
                "25.02",
                "25.02",
            ),
            // 2769.14 → 1384.57
            (
                K::CivilFirstInstance,
                None,
                Some("123456.78"),
                "1384.57",
                "1384.57",
            ),
            // 13800.01 → 6900.005 → 6900.01
            (
                K::CivilFirstInstance,
                None,
                Some("1000001"),
                "6900.01",
                "6900.01",
            ),
            (K::RoadTraffic, None, Some("1000000"), "6900.00", "6900.00"),
            // 50.01 → 25.005 → 25.01; 300.01 → 150.005 → 150.01
            (
                K::CivilFirstInstance,
                Some(C::Divorce),
                Some("200001"),
                "25.01",
                "150.01",
            ),
            (
                K::CivilFirstInstance,
                Some(C::Divorce),
                None,
                "25.00",
                "150.00",
            ),
            (
                K::CivilFirstInstance,
                Some(C::PersonalityRights),
                None,
                "50.00",
                "250.00",
            ),
            (
                K::CivilFirstInstance,
                Some(C::OtherNonProperty),
                None,
                "25.00",
                "50.00",
            ),
            (
                K::CivilFirstInstance,
                Some(C::IntellectualProperty),
                None,
                "250.00",
                "500.00",
            ),
            (K::CivilFirstInstance, Some(C::Labour), None, "5.00", "5.00"),
            (K::AdministrativeFirstInstance, None, None, "25.00", "25.00"),
            (
                K::AdministrativeFirstInstance,
                Some(C::AdministrativeSpecial),
                None,
                "50.00",
                "50.00",
            ),
        ] {
            let item = single(&with(kind, category, amount, Procedure::Simplified));
            assert_eq!(
                range(&item),
                (min.to_owned(), max.to_owned()),
                "{kind:?} {category:?} {amount:?}"
            );
            assert!(item.halved);
            assert_eq!(item.if_mediated_or_withdrawn, None, "halved only once");
            assert!(item.explanation_zh.contains("第十六条"));
            assert!(item.explanation_en.contains("Art. 16"));
        }
    }

    #[test]
    fn mediation_or_withdrawal_is_offered_at_half() {
        let item = single(&with(
            FilingKind::CivilFirstInstance,
            None,
            Some("1000001"),
            Procedure::Ordinary,
        ));
        assert!(!item.halved);
        assert_eq!(
            item.if_mediated_or_withdrawn,
            Some(FeeRange {
                min: yuan("6900.01"),
                max: yuan("6900.01")
            })
        );
        assert!(item.explanation_zh.contains("第十五条"));

        let item = single(&with(
            FilingKind::CivilAppeal,
            Some(CaseCategory::Divorce),
            None,
            Procedure::Ordinary,
        ));
        assert_eq!(
            item.if_mediated_or_withdrawn,
            Some(FeeRange {
                min: yuan("25"),
                max: yuan("150")
            })
        );

        for inputs in [
            inputs(FilingKind::JurisdictionObjection),
            inputs(FilingKind::PreLitigationPreservation),
            inputs(FilingKind::FirstEnforcement),
            inputs(FilingKind::CivilRetrialApplication),
            special("0321", None),
        ] {
            assert_eq!(single(&inputs).if_mediated_or_withdrawn, None, "{inputs:?}");
        }
    }

    #[test]
    fn jurisdiction_objection_is_owed_only_if_dismissed() {
        let inputs = inputs(FilingKind::JurisdictionObjection);
        let item = single(&inputs);
        assert_eq!(item.rule, Tariff::JurisdictionObjection);
        assert_eq!(item.payable, Payable::OnlyIfDismissed);
        assert_eq!(range(&item), ("50.00".to_owned(), "100.00".to_owned()));
        let quote = quote(&inputs).unwrap();
        assert_eq!(
            (quote.total_min, quote.total_max),
            (yuan("50"), yuan("100"))
        );
        assert_eq!(
            (quote.due_at_filing_min, quote.due_at_filing_max),
            (Money::ZERO, Money::ZERO)
        );
    }

    #[test]
    fn no_fee_kinds() {
        use FilingKind as K;
        for (kind, rule) in [
            (K::CivilRetrialApplication, Tariff::NoFeeRetrialApplication),
            (
                K::AdministrativeRetrialApplication,
                Tariff::NoFeeRetrialApplication,
            ),
            (
                K::JurisdictionObjectionAppeal,
                Tariff::NoFeeJurisdictionAppeal,
            ),
            (K::EnforcementObjection, Tariff::NoFeeEnforcementReview),
            (
                K::EnforcementReconsideration,
                Tariff::NoFeeEnforcementReview,
            ),
            (K::CriminalPrivateProsecution, Tariff::NoFeeCriminal),
        ] {
            for amount in [None, Some(yuan("1000000"))] {
                let item = single(&FeeInputs {
                    amount,
                    ..inputs(kind)
                });
                assert_eq!(item.rule, rule, "{kind:?}");
                assert_eq!(range(&item), fixed("0.00"), "{kind:?}");
                assert_eq!(item.charged_on, None);
            }
        }
    }

    #[test]
    fn special_procedures_by_type_code() {
        for (code, amount, rule, min, max) in [
            ("0310", None, Tariff::NoFeeSpecialProcedure, "0.00", "0.00"),
            ("0311", None, Tariff::NoFeeSpecialProcedure, "0.00", "0.00"),
            ("0312", None, Tariff::NoFeeSpecialProcedure, "0.00", "0.00"),
            ("0313", None, Tariff::NoFeeSpecialProcedure, "0.00", "0.00"),
            ("0314", None, Tariff::NoFeeSpecialProcedure, "0.00", "0.00"),
            ("0315", None, Tariff::NoFeeSpecialProcedure, "0.00", "0.00"),
            (
                "0316",
                Some("50000"),
                Tariff::NoFeeSpecialProcedure,
                "0.00",
                "0.00",
            ),
            (
                "0317",
                Some("1000000"),
                Tariff::SecurityInterest,
                "6900.00",
                "6900.00",
            ),
            // 50.03 → 25.015 → 25.02
            (
                "0317",
                Some("10001"),
                Tariff::SecurityInterest,
                "25.02",
                "25.02",
            ),
            (
                "0317",
                Some("5000"),
                Tariff::SecurityInterest,
                "25.00",
                "25.00",
            ),
            ("0318", None, Tariff::NoFeeSpecialProcedure, "0.00", "0.00"),
            (
                "0319",
                None,
                Tariff::MaritimeLiabilityFund,
                "1000.00",
                "10000.00",
            ),
            (
                "0320",
                None,
                Tariff::MaritimeClaimRegistration,
                "1000.00",
                "1000.00",
            ),
            ("0321", None, Tariff::ArbitrationReview, "400.00", "400.00"),
            (
                "0322",
                Some("9000000"),
                Tariff::ArbitrationReview,
                "400.00",
                "400.00",
            ),
            ("0323", None, Tariff::NoFeeSpecialProcedure, "0.00", "0.00"),
            (
                " 0321 ",
                None,
                Tariff::ArbitrationReview,
                "400.00",
                "400.00",
            ),
        ] {
            let item = single(&special(code, amount));
            assert_eq!(item.rule, rule, "{code}");
            assert_eq!(range(&item), (min.to_owned(), max.to_owned()), "{code}");
            assert_eq!(item.item, FeeItemKind::ApplicationFee);
            assert_eq!(item.payable, Payable::AtFiling);
        }
        assert_eq!(SPECIAL_PROCEDURES.len(), 14);
    }

    #[test]
    fn special_procedure_type_errors() {
        for (code, expected) in [
            (None, "fee.special_procedure_type_required"),
            (Some(""), "fee.special_procedure_type_required"),
            (Some("0309"), "special_procedure.unknown"),
            (Some("0324"), "special_procedure.unknown"),
            (Some("民特"), "special_procedure.unknown"),
        ] {
            let errors = quote(&FeeInputs {
                special_procedure_type: code.map(str::to_owned),
                ..inputs(FilingKind::CivilSpecialProcedure)
            })
            .unwrap_err();
            assert_eq!(
                codes(&errors),
                [("special_procedure_type", expected)],
                "{code:?}"
            );
        }
        let errors = quote(&special("0317", None)).unwrap_err();
        assert_eq!(codes(&errors), [("amount", "fee.amount_required")]);
    }

    #[test]
    fn missing_inputs() {
        use FilingKind as K;
        for (inputs, expected) in [
            (
                with(K::CivilFirstInstance, None, None, Procedure::Ordinary),
                vec![("category", "fee.category_required")],
            ),
            (
                with(K::CivilAppeal, None, None, Procedure::Ordinary),
                vec![("category", "fee.category_required")],
            ),
            (
                with(
                    K::CivilFirstInstance,
                    Some(CaseCategory::Property),
                    None,
                    Procedure::Ordinary,
                ),
                vec![("amount", "fee.amount_required")],
            ),
            (
                with(K::RoadTraffic, None, None, Procedure::Simplified),
                vec![("amount", "fee.amount_required")],
            ),
        ] {
            assert_eq!(codes(&quote(&inputs).unwrap_err()), expected, "{inputs:?}");
        }
    }

    #[test]
    fn every_input_problem_is_reported_at_once() {
        let errors = quote(&FeeInputs {
            kind: FilingKind::CivilAppeal,
            category: Some(CaseCategory::AdministrativeOther),
            amount: None,
            procedure: Procedure::Simplified,
            special_procedure_type: Some("0317".to_owned()),
        })
        .unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("procedure", "fee.procedure_not_applicable"),
                (
                    "special_procedure_type",
                    "fee.special_procedure_type_not_applicable"
                ),
                ("category", "fee.category_not_applicable"),
            ]
        );

        let errors = quote(&FeeInputs {
            kind: FilingKind::CivilSpecialProcedure,
            category: Some(CaseCategory::Property),
            amount: None,
            procedure: Procedure::Simplified,
            special_procedure_type: Some("0399".to_owned()),
        })
        .unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("procedure", "fee.procedure_not_applicable"),
                ("category", "fee.category_not_applicable"),
                ("special_procedure_type", "special_procedure.unknown"),
            ]
        );

        let errors = quote(&FeeInputs {
            kind: FilingKind::CivilFirstInstance,
            category: Some(CaseCategory::Property),
            amount: None,
            procedure: Procedure::Ordinary,
            special_procedure_type: Some("0317".to_owned()),
        })
        .unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                (
                    "special_procedure_type",
                    "fee.special_procedure_type_not_applicable"
                ),
                ("amount", "fee.amount_required"),
            ]
        );
    }

    #[test]
    fn categories_must_fit_the_kind() {
        use CaseCategory as C;
        use FilingKind as K;
        for (kind, category) in [
            (K::CivilFirstInstance, C::AdministrativeOther),
            (K::CivilFirstInstance, C::AdministrativeCompensation),
            (K::CivilAppeal, C::AdministrativeSpecial),
            (K::AdministrativeFirstInstance, C::Property),
            (
                K::AdministrativeFirstInstance,
                C::AdministrativeCompensation,
            ),
            (K::AdministrativeAppeal, C::Labour),
            (K::PreLitigationPreservation, C::Property),
            (K::FirstEnforcement, C::Property),
            (K::JurisdictionObjection, C::OtherNonProperty),
            (K::CivilRetrialApplication, C::Property),
            (K::CriminalPrivateProsecution, C::OtherNonProperty),
        ] {
            let errors = quote(&with(
                kind,
                Some(category),
                Some("1000"),
                Procedure::Ordinary,
            ))
            .unwrap_err();
            assert_eq!(
                codes(&errors),
                [("category", "fee.category_not_applicable")],
                "{kind:?} {category:?}"
            );
        }
    }

    #[test]
    fn simplified_applies_to_first_instances_only() {
        for rules in ONLINE_KINDS {
            let first_instance = matches!(
                rules.kind,
                FilingKind::RoadTraffic
                    | FilingKind::CivilFirstInstance
                    | FilingKind::AdministrativeFirstInstance
            );
            let result = quote(&FeeInputs {
                category: Some(CaseCategory::Labour)
                    .filter(|_| rules.kind == FilingKind::CivilFirstInstance),
                amount: Some(yuan("1000")),
                procedure: Procedure::Simplified,
                special_procedure_type: Some("0321".to_owned())
                    .filter(|_| rules.kind == FilingKind::CivilSpecialProcedure),
                ..inputs(rules.kind)
            });
            match result {
                Ok(_) => assert!(first_instance, "{:?}", rules.kind),
                Err(errors) => {
                    assert!(!first_instance, "{:?}", rules.kind);
                    assert_eq!(
                        codes(&errors),
                        [("procedure", "fee.procedure_not_applicable")]
                    );
                }
            }
        }
    }

    #[test]
    fn every_kind_agrees_with_the_kinds_table() {
        let kinds: HashSet<_> = KIND_FEES.iter().map(|fee| fee.kind).collect();
        assert_eq!(kinds.len(), KIND_FEES.len());
        assert_eq!(KIND_FEES.len(), ONLINE_KINDS.len());
        for rules in ONLINE_KINDS {
            let fee = kind_fee(rules.kind);
            assert_eq!(fee.kind, rules.kind);
            let expected = match rules.fee {
                FeeRule::AcceptanceFee => (Some(I::AcceptanceFee), Payable::AtFiling),
                FeeRule::AppealFee => (Some(I::AppealFee), Payable::AtFiling),
                FeeRule::ApplicationFee => (Some(I::ApplicationFee), Payable::AtFiling),
                FeeRule::AfterEnforcement => (Some(I::ApplicationFee), Payable::AfterEnforcement),
                FeeRule::IfDismissed => (Some(I::AcceptanceFee), Payable::OnlyIfDismissed),
                FeeRule::DependsOnSubtype => {
                    assert!(matches!(fee.choice, Choice::SpecialProcedure));
                    (None, Payable::AtFiling)
                }
                FeeRule::None => {
                    let Choice::Fixed(tariff) = fee.choice else {
                        panic!("{:?} should have a fixed tariff", rules.kind)
                    };
                    assert!(tariff.as_str().starts_with("no_fee_"), "{:?}", rules.kind);
                    (None, Payable::AtFiling)
                }
            };
            if let Some(item) = expected.0 {
                assert_eq!(fee.item, item, "{:?}", rules.kind);
            }
            assert_eq!(fee.payable, expected.1, "{:?}", rules.kind);
        }
    }

    #[test]
    fn every_tariff_has_one_entry_and_free_ones_are_free() {
        let tariffs: HashSet<_> = TERMS.iter().map(|terms| terms.tariff).collect();
        assert_eq!(tariffs.len(), TERMS.len());
        assert_eq!(TERMS.len(), Tariff::ALL.len());
        for tariff in Tariff::ALL {
            let terms = tariff.terms();
            assert_eq!(terms.tariff, tariff);
            assert!(terms.per_case.0 <= terms.per_case.1, "{tariff:?}");
            let free = tariff.as_str().starts_with("no_fee_");
            assert_eq!(
                free,
                terms.per_case == (0, 0) && terms.scale.is_none(),
                "{tariff:?}"
            );
            assert_eq!(
                terms.amount == AmountUse::Ignored,
                terms.scale.is_none(),
                "{tariff:?}"
            );
            if let AmountUse::OrElse(other) = terms.amount {
                assert_eq!(other.terms().amount, AmountUse::Ignored);
            }
            for text in [
                terms.summary_zh,
                terms.summary_en,
                terms.basis_zh,
                terms.basis_en,
            ] {
                assert!(!text.is_empty(), "{tariff:?}");
            }
        }
    }

    #[test]
    fn explanations_cite_the_article_and_the_amount() {
        let item = single(&with(
            FilingKind::CivilFirstInstance,
            None,
            Some("1000000"),
            Procedure::Ordinary,
        ));
        assert!(
            item.explanation_zh
                .contains("《诉讼费用交纳办法》第十三条第（一）项")
        );
        assert!(item.explanation_zh.contains("1000000.00元"));
        assert!(item.explanation_en.contains("Art. 13(1)"));
        assert!(item.explanation_en.contains("1000000.00 yuan"));
        let item = single(&special("0317", Some("1000000")));
        assert!(item.explanation_zh.contains("民事诉讼法解释第二百零四条"));
        assert!(!item.explanation_zh.contains("《诉讼费用交纳办法》民事"));
    }

    #[test]
    fn enum_names_match_their_serde_names() {
        fn check<T: Serialize + Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            as_str: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            let names: HashSet<_> = all.iter().map(|&v| as_str(v)).collect();
            assert_eq!(names.len(), all.len());
            for &value in all {
                assert_eq!(serde_json::to_value(value).unwrap(), as_str(value));
                assert_eq!(parse(as_str(value)), Some(value));
            }
        }
        check(
            &CaseCategory::ALL,
            CaseCategory::as_str,
            CaseCategory::parse,
        );
        check(&Procedure::ALL, Procedure::as_str, Procedure::parse);
        check(&FeeItemKind::ALL, FeeItemKind::as_str, FeeItemKind::parse);
        check(&Payable::ALL, Payable::as_str, Payable::parse);
        check(&Tariff::ALL, Tariff::as_str, Tariff::parse);
        assert_eq!(CaseCategory::parse("Property"), None);
        assert_eq!(Procedure::parse(""), None);
        assert_eq!(
            serde_json::from_str::<Procedure>("\"simplified\"").unwrap(),
            Procedure::Simplified
        );
        assert_eq!(Procedure::default(), Procedure::Ordinary);
    }

    #[test]
    fn a_quote_serialises_amounts_as_strings() {
        let quote = quote(&with(
            FilingKind::CivilFirstInstance,
            None,
            Some("1000000"),
            Procedure::Ordinary,
        ))
        .unwrap();
        let json = serde_json::to_value(&quote).unwrap();
        assert_eq!(json["total_min"], "13800.00");
        assert_eq!(json["items"][0]["rule"], "property_scale");
        assert_eq!(json["items"][0]["item"], "acceptance_fee");
        assert_eq!(json["items"][0]["payable"], "at_filing");
        assert_eq!(json["items"][0]["charged_on"], "1000000.00");
        assert_eq!(
            json["items"][0]["if_mediated_or_withdrawn"]["min"],
            "6900.00"
        );
    }

    #[test]
    fn rounding_is_half_up_and_overflow_is_caught() {
        for (exact, fen) in [
            (Decimal::new(50_005, 3), Some(5_001)),
            (Decimal::new(50_0049, 4), Some(5_000)),
            (Decimal::new(25_015, 3), Some(2_502)),
            (Decimal::new(-1, 2), None),
            (Decimal::from(100_000_000_001_i64), None),
            (Decimal::MAX, None),
        ] {
            assert_eq!(to_money(exact).map(Money::fen), fen, "{exact}");
        }
        for (fen, half) in [
            (0, 0),
            (1, 1),
            (2, 1),
            (3, 2),
            (5_001, 2_501),
            (5_003, 2_502),
        ] {
            assert_eq!(
                halve(Money::from_fen(fen).unwrap()).map(Money::fen),
                Some(half)
            );
        }
    }

    fn scale_fee(scale: &Scale, fen: i64) -> Money {
        to_money(scale.exact_fee(Money::from_fen(fen).unwrap()).unwrap()).unwrap()
    }

    /// Every bound of a scale, in fen.
    fn bounds(scale: &Scale) -> Vec<i64> {
        std::iter::once(scale.flat_up_to)
            .chain(scale.brackets.iter().filter_map(|b| b.up_to))
            .map(|yuan| yuan * 100)
            .collect()
    }

    proptest! {
        #[test]
        fn scales_are_monotonic(a in 0..=Money::MAX.fen(), b in 0..=Money::MAX.fen()) {
            let (low, high) = (a.min(b), a.max(b));
            for scale in [&PROPERTY, &PRESERVATION, &ENFORCEMENT, &DIVORCE_PROPERTY, &PERSONALITY_DAMAGES] {
                prop_assert!(scale_fee(scale, low) <= scale_fee(scale, high));
            }
        }

        #[test]
        fn scales_are_continuous_at_their_bounds(offset in 0i64..1_000_000, index in 0usize..9) {
            // Across a bound, the exact fee grows by at most the steepest rate (2.5 %) of the
            // step, so no bracket starts with a jump.
            for scale in [&PROPERTY, &PRESERVATION, &ENFORCEMENT, &DIVORCE_PROPERTY, &PERSONALITY_DAMAGES] {
                let bounds = bounds(scale);
                let bound = bounds[index % bounds.len()];
                let below = Money::from_fen(bound - offset.min(bound)).unwrap();
                let above = Money::from_fen(bound + offset).unwrap();
                let step = above.to_decimal() - below.to_decimal();
                let growth = scale.exact_fee(above).unwrap() - scale.exact_fee(below).unwrap();
                prop_assert!(growth >= Decimal::ZERO);
                prop_assert!(growth <= step * Decimal::new(25, 3));
            }
        }

        #[test]
        fn one_fen_more_costs_at_most_one_fen_more(fen in 0..Money::MAX.fen()) {
            for scale in [&PROPERTY, &PRESERVATION, &ENFORCEMENT] {
                let growth = scale_fee(scale, fen + 1).fen() - scale_fee(scale, fen).fen();
                prop_assert!((0..=1).contains(&growth));
            }
        }

        #[test]
        fn preservation_never_exceeds_its_cap(fen in 0..=Money::MAX.fen()) {
            prop_assert!(scale_fee(&PRESERVATION, fen) <= Money::parse("5000").unwrap());
        }

        #[test]
        fn halving_is_half_up(fen in 0..=Money::MAX.fen()) {
            let half = halve(Money::from_fen(fen).unwrap()).unwrap().fen();
            prop_assert!(half * 2 - fen == 0 || half * 2 - fen == 1);
        }

        #[test]
        fn any_amount_quotes_for_every_kind(fen in 0..=Money::MAX.fen(), simplified in any::<bool>()) {
            for rules in ONLINE_KINDS {
                let first_instance = matches!(
                    rules.kind,
                    FilingKind::RoadTraffic | FilingKind::CivilFirstInstance | FilingKind::AdministrativeFirstInstance
                );
                let quote = quote(&FeeInputs {
                    kind: rules.kind,
                    category: None,
                    amount: Money::from_fen(fen),
                    procedure: if simplified && first_instance { Procedure::Simplified } else { Procedure::Ordinary },
                    special_procedure_type: Some("0317".to_owned())
                        .filter(|_| rules.kind == FilingKind::CivilSpecialProcedure),
                });
                prop_assert!(quote.is_ok(), "{:?}", rules.kind);
            }
        }
    }
}
