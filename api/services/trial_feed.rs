//! The feed of filings to the courts' trial-management system: what each event tells the
//! court, built from the rows of a change by the service that makes it and written in the
//! same transaction, so that the feed holds an event exactly when the change happened.
//!
//! A new kind of event (supplementary materials, say) is one more payload type, one more
//! [`FeedPayload`] variant and one more [`FeedEvent`]; readers, cursors and storage stay as
//! they are.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::agent::AgentInput;
use crate::domain::filing_status::FilingStatus;
use crate::domain::kinds::{FilingKind, KindLookup, lookup_kind};
use crate::domain::materials::{Category, ContentType};
use crate::domain::money::Money;
use crate::domain::party::PartyInput;
use crate::domain::trial_feed::{Destination, FeedEvent, routing};
use crate::errors::ApiError;
use crate::store::fee_orders::FeeOrderRow;
use crate::store::filings::FilingDetail;
use crate::store::filings::{AgentRecord, AttachedMaterial, FilingRow, PartyRow};
use crate::store::payments::{PaymentRow, RefundRow};
use crate::store::trial_feed;

/// What every event tells about its filing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingFacts {
    /// Given at the first submission (`LA<date>-<number>`).
    #[schema(example = "LA20261203-0000042")]
    pub filing_reference: String,
    pub kind: FilingKind,
    /// Where the filing is handled, in order: `["case_diversion", "enforcement_system"]`
    /// for first enforcements and enforcement reconsiderations, `["filing_division"]` for
    /// everything else.
    pub routing: Vec<Destination>,
}

/// A party as submitted: its validated, normalised fields and its id.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedParty {
    pub id: Uuid,
    #[serde(flatten)]
    pub party: PartyInput,
}

/// An agent as submitted, with the ids of the parties it represents.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedAgent {
    pub id: Uuid,
    #[serde(flatten)]
    pub agent: AgentInput,
}

/// A material of a filing; its bytes are at
/// `GET /api/v1/integrations/trial-system/materials/{id}/content`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedMaterial {
    pub id: Uuid,
    /// What it is in this filing.
    pub category: Category,
    /// The filer's file name, reduced to a safe base name.
    pub original_name: String,
    pub content_type: ContentType,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Page count of a PDF; null for images.
    pub pages: Option<i32>,
    pub description: Option<String>,
}

/// `filing.submitted`: the filing as submitted, for the first time or again after a
/// rejection.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingSubmitted {
    #[serde(flatten)]
    pub filing: FilingFacts,
    /// True when a rejected filing was corrected and submitted again (it keeps its
    /// reference and first submission time).
    pub resubmission: bool,
    pub first_submitted_at: DateTime<Utc>,
    pub submitted_at: DateTime<Utc>,
    /// The account that filed.
    pub filer_account_id: Uuid,
    /// The kind-specific content, with the same members as a case of the filing API
    /// (cause of action, amount in dispute, claims, facts and reasons, service address, …).
    #[schema(value_type = Object)]
    pub content: Value,
    /// The party who pays the fee, when chosen.
    pub payer_party_id: Option<Uuid>,
    /// The party who receives refunds, when chosen.
    pub refundee_party_id: Option<Uuid>,
    pub parties: Vec<FeedParty>,
    pub agents: Vec<FeedAgent>,
    pub materials: Vec<FeedMaterial>,
}

/// The outcome of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Approved,
    Rejected,
}

/// `filing.reviewed`: a judge approved or rejected the filing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingReviewed {
    #[serde(flatten)]
    pub filing: FilingFacts,
    pub decision: ReviewDecision,
    /// Rejections: the coded reason (`materials_incomplete`, `no_jurisdiction`, …).
    pub reason_code: Option<String>,
    /// Rejections: the reason as told to the filer.
    pub reason: Option<String>,
    /// The judge's account.
    pub judge_id: Uuid,
}

/// A fee item of an order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedFeeItem {
    /// `acceptance_fee`, `appeal_fee` or `application_fee`.
    pub item: String,
    #[schema(example = "2700.00")]
    pub amount: String,
    /// The tariff of the schedule the amount follows, when it follows one.
    pub rule: Option<String>,
}

/// A fee order (payment notice) as issued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedFeeOrder {
    pub id: Uuid,
    #[schema(example = "2026120300000017")]
    pub order_number: String,
    pub items: Vec<FeedFeeItem>,
    /// Yuan, two decimals.
    #[schema(example = "2700.00")]
    pub total: String,
    pub payer_party_id: Uuid,
    pub payer_name: String,
    pub refundee_party_id: Uuid,
    pub refundee_name: String,
    /// Paying after this instant fails.
    pub expires_at: DateTime<Utc>,
}

/// `filing.docketed`: a judge registered the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingDocketed {
    #[serde(flatten)]
    pub filing: FilingFacts,
    /// The new case number; null when the filing joins an existing case.
    #[schema(example = "（2026）鲁0102民初1号")]
    pub case_number: Option<String>,
    /// The case the filing joins, for kinds that join one.
    pub existing_case_number: Option<String>,
    #[schema(example = "417305928361")]
    pub registration_number: String,
    /// `awaiting_payment` with a fee order, `accepted` when nothing is due.
    pub status: FilingStatus,
    /// The judge's account.
    pub judge_id: Uuid,
    /// The fee orders issued; empty when the case was accepted without a fee.
    pub fee_orders: Vec<FeedFeeOrder>,
}

/// What every fee-order event tells about the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseFacts {
    #[serde(flatten)]
    pub filing: FilingFacts,
    pub case_number: Option<String>,
    pub registration_number: Option<String>,
    pub fee_order_id: Uuid,
    pub order_number: String,
}

/// `fee_order.issued`: a judge issued a new payment notice in place of one that ran out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeOrderIssued {
    #[serde(flatten)]
    pub case: CaseFacts,
    pub fee_order: FeedFeeOrder,
    /// The order it replaces.
    pub replaces_order_number: String,
    /// The judge's account.
    pub judge_id: Uuid,
}

/// `fee_order.paid`: a payment platform reported the order paid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeOrderPaid {
    #[serde(flatten)]
    pub case: CaseFacts,
    /// Yuan, two decimals.
    #[schema(example = "2700.00")]
    pub amount: String,
    /// `paid_awaiting_settlement`, or `paid_after_expiry` when the money came after the
    /// notice ran out (it does not pay the case; the court refunds it and may issue a new
    /// notice).
    pub order_status: String,
    /// Our payment id, the platform's merchant order number (without hyphens).
    pub payment_id: Uuid,
    /// `provincial` or `qingdao`.
    pub platform: String,
    /// `wechat_pay`, `alipay`, `corporate_banking`, `unionpay`, `personal_banking` or
    /// `online_banking`.
    pub channel: String,
    /// The bank of a personal or online-banking payment.
    pub bank: Option<String>,
    /// When the platform says the money was paid.
    pub paid_at: DateTime<Utc>,
    /// The payment platform's transaction id.
    pub transaction_id: Option<String>,
}

/// `fee_order.settled`: reconciliation found the order's money in the treasury.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeOrderSettled {
    #[serde(flatten)]
    pub case: CaseFacts,
    #[schema(example = "2700.00")]
    pub amount: String,
    pub payment_id: Uuid,
    pub transaction_id: Option<String>,
}

/// `fee_order.refunded`: the payment platform refunded (part of) the order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeOrderRefunded {
    #[serde(flatten)]
    pub case: CaseFacts,
    pub refund_id: Uuid,
    /// This refund, yuan.
    #[schema(example = "30.00")]
    pub amount: String,
    /// What the order's refunds add up to so far, this one included (refunds still waiting
    /// at the platform count too).
    #[schema(example = "30.00")]
    pub refunded_total: String,
    /// `partially_refunded` or `refunded`.
    pub order_status: String,
    pub refundee_name: String,
    pub reason: String,
    /// The payment platform's id of the refund.
    pub platform_refund_id: Option<String>,
}

/// The facts of an event, by `event`.
// Tagged by the event's name so that the contract tells each event's members apart; the tag
// is stored in its own column, not in the payload.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "event")]
pub enum FeedPayload {
    #[serde(rename = "filing.submitted")]
    FilingSubmitted(FilingSubmitted),
    #[serde(rename = "filing.reviewed")]
    FilingReviewed(FilingReviewed),
    #[serde(rename = "filing.docketed")]
    FilingDocketed(FilingDocketed),
    #[serde(rename = "fee_order.issued")]
    FeeOrderIssued(FeeOrderIssued),
    #[serde(rename = "fee_order.paid")]
    FeeOrderPaid(FeeOrderPaid),
    #[serde(rename = "fee_order.settled")]
    FeeOrderSettled(FeeOrderSettled),
    #[serde(rename = "fee_order.refunded")]
    FeeOrderRefunded(FeeOrderRefunded),
}

impl FeedPayload {
    pub fn event(&self) -> FeedEvent {
        match self {
            FeedPayload::FilingSubmitted(_) => FeedEvent::FilingSubmitted,
            FeedPayload::FilingReviewed(_) => FeedEvent::FilingReviewed,
            FeedPayload::FilingDocketed(_) => FeedEvent::FilingDocketed,
            FeedPayload::FeeOrderIssued(_) => FeedEvent::FeeOrderIssued,
            FeedPayload::FeeOrderPaid(_) => FeedEvent::FeeOrderPaid,
            FeedPayload::FeeOrderSettled(_) => FeedEvent::FeeOrderSettled,
            FeedPayload::FeeOrderRefunded(_) => FeedEvent::FeeOrderRefunded,
        }
    }
}

fn broken(what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("trial-system feed: {what}"))
}

fn yuan(fen: i64) -> Result<String, ApiError> {
    Money::from_fen(fen)
        .map(|m| m.to_string())
        .ok_or_else(|| broken("an amount out of range"))
}

/// Writes an event about `filing` in the caller's transaction.
fn record(
    conn: &mut PgConnection,
    filing: Uuid,
    court_code: &str,
    occurred_at: DateTime<Utc>,
    payload: &FeedPayload,
) -> Result<(), ApiError> {
    let mut value = serde_json::to_value(payload).map_err(ApiError::internal)?;
    if let Some(members) = value.as_object_mut() {
        members.remove("event");
    }
    trial_feed::insert(
        conn,
        payload.event(),
        filing,
        court_code,
        &value,
        occurred_at,
    )?;
    Ok(())
}

fn filing_facts(filing: &FilingRow) -> Result<FilingFacts, ApiError> {
    let KindLookup::Online(kind) = lookup_kind(&filing.kind) else {
        return Err(broken("a filing of an unknown kind"));
    };
    Ok(FilingFacts {
        filing_reference: filing
            .filing_reference
            .clone()
            .ok_or_else(|| broken("a filing without a reference"))?,
        kind,
        routing: routing(kind).to_vec(),
    })
}

fn court_of(filing: &FilingRow) -> Result<&str, ApiError> {
    filing
        .court_code
        .as_deref()
        .ok_or_else(|| broken("a submitted filing without a court"))
}

fn party(row: &PartyRow) -> Result<FeedParty, ApiError> {
    Ok(FeedParty {
        id: row.id,
        party: serde_json::from_value(row.details.clone()).map_err(ApiError::internal)?,
    })
}

fn agent(record: &AgentRecord) -> Result<FeedAgent, ApiError> {
    let mut agent: AgentInput =
        serde_json::from_value(record.details.clone()).map_err(ApiError::internal)?;
    agent.represents = Some(record.party_ids.iter().map(Uuid::to_string).collect());
    Ok(FeedAgent {
        id: record.id,
        agent,
    })
}

fn material(attached: &AttachedMaterial) -> Result<FeedMaterial, ApiError> {
    let row = &attached.material;
    Ok(FeedMaterial {
        id: row.id,
        category: Category::parse(&attached.category)
            .ok_or_else(|| broken("a material of an unknown category"))?,
        original_name: row.original_name.clone(),
        content_type: ContentType::parse(&row.content_type)
            .ok_or_else(|| broken("a material of an unknown type"))?,
        size: row.size_bytes,
        sha256: hex::encode(&row.sha256),
        pages: row.pages,
        description: row.description.clone(),
    })
}

fn fee_order(order: &FeeOrderRow) -> Result<FeedFeeOrder, ApiError> {
    Ok(FeedFeeOrder {
        id: order.id,
        order_number: order.order_number.clone(),
        items: serde_json::from_value(order.items.clone()).map_err(ApiError::internal)?,
        total: yuan(order.total_fen)?,
        payer_party_id: order.payer_party_id,
        payer_name: order.payer_name.clone(),
        refundee_party_id: order.refundee_party_id,
        refundee_name: order.refundee_name.clone(),
        expires_at: order.expires_at,
    })
}

fn case_facts(filing: &FilingRow, order: &FeeOrderRow) -> Result<CaseFacts, ApiError> {
    Ok(CaseFacts {
        filing: filing_facts(filing)?,
        case_number: filing.case_number.clone(),
        registration_number: filing.registration_number.clone(),
        fee_order_id: order.id,
        order_number: order.order_number.clone(),
    })
}

/// A filing was submitted (`resubmission`: again, after a rejection).
pub fn filing_submitted(
    conn: &mut PgConnection,
    detail: &FilingDetail,
    resubmission: bool,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let filing = &detail.filing;
    let payload = FilingSubmitted {
        filing: filing_facts(filing)?,
        resubmission,
        first_submitted_at: filing.first_submitted_at.unwrap_or(now),
        submitted_at: filing.submitted_at.unwrap_or(now),
        filer_account_id: filing.filer_account_id,
        content: filing.content.clone(),
        payer_party_id: filing.payer_party_id,
        refundee_party_id: filing.refundee_party_id,
        parties: detail.parties.iter().map(party).collect::<Result<_, _>>()?,
        agents: detail.agents.iter().map(agent).collect::<Result<_, _>>()?,
        materials: detail
            .materials
            .iter()
            .map(material)
            .collect::<Result<_, _>>()?,
    };
    record(
        conn,
        filing.id,
        court_of(filing)?,
        now,
        &FeedPayload::FilingSubmitted(payload),
    )
}

/// A judge reviewed a filing; `rejection` is the coded reason and its text.
pub fn filing_reviewed(
    conn: &mut PgConnection,
    filing: &FilingRow,
    judge: Uuid,
    rejection: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let payload = FilingReviewed {
        filing: filing_facts(filing)?,
        decision: if rejection.is_some() {
            ReviewDecision::Rejected
        } else {
            ReviewDecision::Approved
        },
        reason_code: rejection.map(|(code, _)| code.to_owned()),
        reason: rejection.map(|(_, text)| text.to_owned()),
        judge_id: judge,
    };
    record(
        conn,
        filing.id,
        court_of(filing)?,
        now,
        &FeedPayload::FilingReviewed(payload),
    )
}

/// A judge docketed a filing, issuing `order` (none when nothing is due).
pub fn filing_docketed(
    conn: &mut PgConnection,
    filing: &FilingRow,
    order: Option<&FeeOrderRow>,
    judge: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let status = FilingStatus::parse(&filing.status)
        .ok_or_else(|| broken("a filing of an unknown status"))?;
    let payload = FilingDocketed {
        filing: filing_facts(filing)?,
        case_number: filing.case_number.clone(),
        existing_case_number: filing.content["existing_case_number"]
            .as_str()
            .map(str::to_owned),
        registration_number: filing
            .registration_number
            .clone()
            .ok_or_else(|| broken("a docketed filing without a registration number"))?,
        status,
        judge_id: judge,
        fee_orders: order.map(fee_order).transpose()?.into_iter().collect(),
    };
    record(
        conn,
        filing.id,
        court_of(filing)?,
        now,
        &FeedPayload::FilingDocketed(payload),
    )
}

/// A judge issued `order` in place of `replaced`.
pub fn fee_order_issued(
    conn: &mut PgConnection,
    filing: &FilingRow,
    order: &FeeOrderRow,
    replaced: &FeeOrderRow,
    judge: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let payload = FeeOrderIssued {
        case: case_facts(filing, order)?,
        fee_order: fee_order(order)?,
        replaces_order_number: replaced.order_number.clone(),
        judge_id: judge,
    };
    record(
        conn,
        filing.id,
        &order.court_code,
        now,
        &FeedPayload::FeeOrderIssued(payload),
    )
}

/// What a platform reported about a paid payment.
#[derive(Debug, Clone, Copy)]
pub struct PaidReport<'a> {
    pub paid_at: DateTime<Utc>,
    pub transaction_id: Option<&'a str>,
}

/// A platform reported `order` (as it now is) paid by `payment`.
pub fn fee_order_paid(
    conn: &mut PgConnection,
    filing: &FilingRow,
    order: &FeeOrderRow,
    payment: &PaymentRow,
    report: PaidReport<'_>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let payload = FeeOrderPaid {
        case: case_facts(filing, order)?,
        amount: yuan(payment.amount_fen)?,
        order_status: order.status.clone(),
        payment_id: payment.id,
        platform: payment.platform.clone(),
        channel: payment.channel.clone(),
        bank: payment.bank.clone(),
        paid_at: report.paid_at,
        transaction_id: report
            .transaction_id
            .map(str::to_owned)
            .or_else(|| payment.transaction_id.clone()),
    };
    record(
        conn,
        filing.id,
        &order.court_code,
        now,
        &FeedPayload::FeeOrderPaid(payload),
    )
}

/// Reconciliation settled `order`, paid by `payment`.
pub fn fee_order_settled(
    conn: &mut PgConnection,
    filing: &FilingRow,
    order: &FeeOrderRow,
    payment: &PaymentRow,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let payload = FeeOrderSettled {
        case: case_facts(filing, order)?,
        amount: yuan(order.total_fen)?,
        payment_id: payment.id,
        transaction_id: payment.transaction_id.clone(),
    };
    record(
        conn,
        filing.id,
        &order.court_code,
        now,
        &FeedPayload::FeeOrderSettled(payload),
    )
}

/// The platform made `refund` of `order`.
pub fn fee_order_refunded(
    conn: &mut PgConnection,
    filing: &FilingRow,
    order: &FeeOrderRow,
    refund: &RefundRow,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let payload = FeeOrderRefunded {
        case: case_facts(filing, order)?,
        refund_id: refund.id,
        amount: yuan(refund.amount_fen)?,
        refunded_total: yuan(order.refunded_fen)?,
        order_status: order.status.clone(),
        refundee_name: refund.refundee_name.clone(),
        reason: refund.reason.clone(),
        platform_refund_id: refund.platform_refund_id.clone(),
    };
    record(
        conn,
        filing.id,
        &order.court_code,
        now,
        &FeedPayload::FeeOrderRefunded(payload),
    )
}
