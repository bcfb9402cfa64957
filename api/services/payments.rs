//! Paying fee orders: the channels an order offers, starting a payment at the platform of
//! the court's fee jurisdiction, applying what the platform reports exactly once, and
//! refunds.
//!
//! Money is never lost, doubled or invented:
//!
//! - each payment has our own id, sent to the platform as its merchant order number, so a
//!   retried request finds the same payment instead of charging twice;
//! - a report (notification or query answer) moves a payment only forward — started, in
//!   progress, failed, paid — so a redelivered or stale notification changes nothing; the
//!   payment row is locked while a report is applied, so two deliveries at once are applied
//!   one after the other;
//! - a report of the wrong amount or currency never marks anything paid and is kept for
//!   staff; money for an order already paid, expired or cancelled is recorded on its
//!   payment for refund review and never revives the order;
//! - a refund reserves its amount on the order inside the order's lock before the platform
//!   is asked, so concurrent refunds can never add up to more than was paid; only a refusal
//!   by the platform releases it.
//!
//! Locks are always taken in the order payment → fee order → filing.

use chrono::{DateTime, Utc};
use diesel::r2d2::{ConnectionManager, PooledConnection};
use diesel::{Connection, PgConnection};
use serde_json::json;
use uuid::Uuid;

use crate::documents::voucher::{Voucher, VoucherItem};
use crate::domain::capital_numerals::amount_in_capitals;
use crate::domain::fees::FeeItemKind;
use crate::domain::filing_status::{Event, FilingStatus};
use crate::domain::kinds::PartyRole;
use crate::domain::money::Money;
use crate::domain::payment::{
    self, Bank, Channel, ChannelOption, ChannelRefusal, FeeOrderStatus, Platform,
};
use crate::domain::sms::SmsTemplate;
use crate::errors::{ApiError, Code};
use crate::integrations::PaymentPlatforms;
use crate::integrations::payment_platform::{
    Acknowledgement, NotificationRejection, PaymentReport, PaymentRequest, PaymentStatus,
    RefundOutcome, RefundRequest, acknowledgement,
};
use crate::services::court::{notify_filer, shown_case_number};
use crate::services::trial_feed::{self, PaidReport};
use crate::store::audit::{self, Actor, Change};
use crate::store::fee_orders::{self, AccountOrder, FeeOrderRow};
use crate::store::filings;
use crate::store::payments::{self, NewPayment, NewRefund, PaymentRow, PaymentUpdate, RefundRow};
use crate::store::{DbPool, reference};

/// The longest reason of a refund.
const MAX_REFUND_REASON_CHARS: usize = 500;

/// The longest notification body kept.
const MAX_KEPT_BODY: usize = 64 * 1024;

fn order_not_found() -> ApiError {
    ApiError::new(Code::FeeOrderNotFound)
}

fn status_of(order: &FeeOrderRow) -> FeeOrderStatus {
    FeeOrderStatus::parse(&order.status).expect("the database only holds known statuses")
}

fn money(fen: i64) -> Money {
    Money::from_fen(fen).expect("amounts in the database are within range")
}

fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    order: &FeeOrderRow,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        actor,
        &Change {
            action,
            subject_type: "fee_order",
            subject_id: &order.id.to_string(),
            details,
        },
    )?;
    Ok(())
}

/// The platform of an order's court.
pub fn platform_of(conn: &mut PgConnection, order: &FeeOrderRow) -> Result<Platform, ApiError> {
    let court = reference::find_court(conn, &order.court_code)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("order of an unknown court")))?;
    Ok(Platform::of_court(court.in_qingdao_jurisdiction))
}

/// What an order may be paid with.
pub fn channels(
    conn: &mut PgConnection,
    order: &FeeOrderRow,
) -> Result<(Platform, Vec<ChannelOption>), ApiError> {
    let court = reference::find_court(conn, &order.court_code)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("order of an unknown court")))?;
    let platform = Platform::of_court(court.in_qingdao_jurisdiction);
    let unavailable = payments::unavailable_banks(conn, &court.city)?;
    let offered = payment::channels(platform, money(order.total_fen), |bank: Bank| {
        !unavailable.iter().any(|b| b == bank.as_str())
    });
    Ok((platform, offered))
}

/// An order of the caller's filings with its payments and refunds.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub order: AccountOrder,
    pub payments: Vec<PaymentRow>,
    pub refunds: Vec<RefundRow>,
}

/// An order of the caller's filings.
pub fn order_for_account(
    conn: &mut PgConnection,
    id: Uuid,
    account: Uuid,
) -> Result<OrderDetail, ApiError> {
    let order = fee_orders::find_for_account(conn, id, account)?.ok_or_else(order_not_found)?;
    Ok(OrderDetail {
        payments: payments::for_order(conn, id)?,
        refunds: payments::refunds_for_order(conn, id)?,
        order,
    })
}

/// A payment as asked for.
#[derive(Debug, Clone)]
pub struct PaymentChoice {
    pub channel: String,
    pub bank: Option<String>,
}

/// Why a payment may not start, checked inside the order's lock.
fn check_payable(
    conn: &mut PgConnection,
    order: &FeeOrderRow,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let status = status_of(order);
    let late_money = status.is_paid() && paid_late(conn, order)?;
    if status.is_paid() && !late_money {
        return Err(ApiError::new(Code::FeeOrderAlreadyPaid));
    }
    // A new payment needs a running notice, whatever waits at the platform already.
    if late_money || status == FeeOrderStatus::Expired || order.expires_at <= now {
        return Err(ApiError::new(Code::FeeOrderNoticeExpired)
            .with_extension("expired_at", json!(order.expires_at)));
    }
    if !status.accepts_payment() {
        return Err(ApiError::new(Code::FeeOrderNotPayable)
            .with_extension("order_status", json!(order.status)));
    }
    let payer = filings::find_party(conn, order.filing_id, order.payer_party_id)?;
    let on_filer_side = payer
        .as_ref()
        .and_then(|p| PartyRole::parse(&p.role))
        .is_some_and(PartyRole::is_filer_side);
    if !on_filer_side {
        return Err(ApiError::new(Code::PayerNotPlaintiff));
    }
    Ok(())
}

fn channel_error(refusal: ChannelRefusal) -> ApiError {
    ApiError::new(match refusal {
        ChannelRefusal::ChannelNotOffered => Code::PaymentChannelUnavailable,
        ChannelRefusal::BankMissing => Code::PaymentBankRequired,
        ChannelRefusal::BankNotExpected => Code::PaymentBankNotExpected,
        ChannelRefusal::BankNotOffered => Code::PaymentBankUnknown,
        ChannelRefusal::BankUnavailable => Code::PaymentBankUnavailable,
    })
}

/// A pooled connection, for work that must not hold one while an outside system answers.
fn connection(
    pool: &DbPool,
) -> Result<PooledConnection<ConnectionManager<PgConnection>>, ApiError> {
    pool.get().map_err(ApiError::unavailable)
}

/// Starts a payment of an order of the caller's filings: checks it inside the order's
/// lock, records the payment, then asks the platform (holding no database connection
/// while it answers) and stores what the payer needs.
pub fn start(
    pool: &DbPool,
    platforms: &PaymentPlatforms,
    account: Uuid,
    order_id: Uuid,
    choice: &PaymentChoice,
    now: DateTime<Utc>,
) -> Result<PaymentRow, ApiError> {
    let channel = Channel::parse(choice.channel.trim())
        .ok_or_else(|| ApiError::new(Code::PaymentChannelUnknown))?;
    let bank = match choice
        .bank
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        None => None,
        Some(_) if !channel.needs_bank() => {
            return Err(ApiError::new(Code::PaymentBankNotExpected));
        }
        Some(name) => {
            Some(Bank::parse(name).ok_or_else(|| ApiError::new(Code::PaymentBankUnknown))?)
        }
    };
    let (payment, order, platform, case_number) = connection(pool)?.transaction(|conn| {
        let found =
            fee_orders::find_for_account(conn, order_id, account)?.ok_or_else(order_not_found)?;
        let order = fee_orders::lock(conn, found.order.id)?.ok_or_else(order_not_found)?;
        check_payable(conn, &order, now)?;
        let (platform, offered) = channels(conn, &order)?;
        payment::check_choice(&offered, channel, bank).map_err(channel_error)?;
        let payment = payments::insert(
            conn,
            &NewPayment {
                id: Uuid::new_v4(),
                fee_order_id: order.id,
                platform: platform.as_str(),
                channel: channel.as_str(),
                bank: bank.map(Bank::as_str),
                amount_fen: order.total_fen,
                started_by: account,
            },
        )?;
        record(
            conn,
            &Actor::account(account),
            "payment.started",
            &order,
            json!({
                "payment_id": payment.id,
                "channel": channel.as_str(),
                "bank": bank.map(Bank::as_str),
                "amount": money(order.total_fen).to_string(),
            }),
        )?;
        Ok::<_, ApiError>((payment, order, platform, found.case_number))
    })?;

    let request = PaymentRequest {
        merchant_order_no: payment.id.simple().to_string(),
        order_number: order.order_number.clone(),
        amount: money(order.total_fen),
        channel,
        bank,
        payer_name: order.payer_name.clone(),
        subject: format!("诉讼费 {}", case_number.unwrap_or_default())
            .trim()
            .to_owned(),
        notify_url: None,
    };
    match platforms.get(platform).start_payment(&request) {
        Ok(session) => Ok(payments::set_session(
            &mut *connection(pool)?,
            payment.id,
            session.platform_order_id.as_deref(),
            session.pay_url.as_deref(),
            session.qr_code.as_deref(),
            Utc::now(),
        )?),
        Err(error) => {
            // The platform may or may not have the payment: it stays `started`, and the
            // status query finds out (or finds nothing and marks it failed).
            tracing::warn!(payment = %payment.id, error = %error, "payment platform did not start the payment");
            Err(ApiError::new(Code::PaymentPlatformUnavailable)
                .with_extension("payment_id", json!(payment.id)))
        }
    }
}

/// How far along a payment is; a report moves it only forward.
fn rank(status: &str) -> u8 {
    match status {
        "started" => 0,
        "in_progress" => 1,
        "failed" => 2,
        "paid" => 3,
        _ => 0,
    }
}

/// Applies what a platform reports about a payment, inside the caller's transaction, with
/// the payment locked. Returns the outcome recorded with the report.
fn apply_report(
    conn: &mut PgConnection,
    payment: &PaymentRow,
    report: &PaymentReport,
    now: DateTime<Utc>,
) -> Result<&'static str, ApiError> {
    let new_status = match report.status {
        PaymentStatus::InProgress => "in_progress",
        PaymentStatus::Paid => "paid",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Pending | PaymentStatus::NotFound => return Ok("stale"),
    };
    if rank(new_status) <= rank(&payment.status) {
        if new_status == payment.status {
            // A status query found the payment first; the notification still brings the
            // platform's voucher link.
            if let (None, Some(url)) = (&payment.voucher_url, &report.voucher_url) {
                payments::set_voucher_url(conn, payment.id, url, now)?;
            }
            return Ok("duplicate");
        }
        return Ok("stale");
    }
    let actor = Actor::service(payment.platform.as_str());
    let mut order = fee_orders::lock(conn, payment.fee_order_id)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("payment of a missing order")))?;
    let update = |status, review_reason| PaymentUpdate {
        status,
        transaction_id: report.transaction_id.as_deref(),
        voucher_url: report.voucher_url.as_deref(),
        paid_at: (status == "paid").then(|| report.paid_at.unwrap_or(now)),
        review_reason,
        updated_at: now,
    };
    match new_status {
        "paid" => {
            if report.currency != "CNY" || report.amount != Some(money(payment.amount_fen)) {
                if payment.review_reason.is_some() {
                    return Ok("amount_mismatch");
                }
                // Kept for a person, and no longer asked about.
                payments::set_review_reason(conn, payment.id, "amount_mismatch", now)?;
                record(
                    conn,
                    &actor,
                    "payment.amount_mismatch",
                    &order,
                    json!({
                        "payment_id": payment.id,
                        "expected": money(payment.amount_fen).to_string(),
                        "reported": report.amount.map(|m| m.to_string()),
                        "currency": report.currency,
                    }),
                )?;
                return Ok("amount_mismatch");
            }
            let paid_at = report.paid_at.unwrap_or(now);
            let mut status = status_of(&order);
            let in_time = paid_at < order.expires_at;
            // A notice that ran out before the money came counts as expired, even if the
            // expiry job has not marked it yet.
            if status == FeeOrderStatus::AwaitingPayment && !in_time {
                order = fee_orders::set_status(conn, order.id, "expired", now)?;
                status = FeeOrderStatus::Expired;
            }
            // Money paid in time whose report came after the expiry job ran is on time —
            // unless the court has already issued a new notice, which is then the one due.
            if status == FeeOrderStatus::Expired
                && in_time
                && !fee_orders::for_filing(conn, order.filing_id)?
                    .iter()
                    .any(|o| o.replaces_order_id == Some(order.id))
            {
                status = FeeOrderStatus::AwaitingPayment;
            }
            match status.on_paid() {
                Some(FeeOrderStatus::PaidAwaitingSettlement) => {
                    payments::update(conn, payment.id, &update("paid", None))?;
                    let order = fee_orders::mark_paid(
                        conn,
                        order.id,
                        FeeOrderStatus::PaidAwaitingSettlement.as_str(),
                        payment.id,
                        &payment.channel,
                        paid_at,
                        now,
                    )?;
                    let filing = filings::lock(conn, order.filing_id)?.ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("order of a missing filing"))
                    })?;
                    let filing_status = FilingStatus::parse(&filing.status)
                        .expect("the database only holds known statuses");
                    if let Ok(next) = filing_status.apply(Event::Pay) {
                        filings::set_status(conn, filing.id, next.as_str(), now)?;
                    }
                    trial_feed::fee_order_paid(
                        conn,
                        &filing,
                        &order,
                        payment,
                        PaidReport {
                            paid_at,
                            transaction_id: report.transaction_id.as_deref(),
                        },
                        now,
                    )?;
                    notify_filer(
                        conn,
                        &filing,
                        &SmsTemplate::PaymentReceived {
                            case_number: shown_case_number(&filing),
                            amount: money(order.total_fen).to_string(),
                            order_number: order.order_number.clone(),
                        },
                    )?;
                    record(
                        conn,
                        &actor,
                        "payment.paid",
                        &order,
                        json!({
                            "payment_id": payment.id,
                            "channel": payment.channel,
                            "amount": money(order.total_fen).to_string(),
                            "transaction_id": report.transaction_id,
                        }),
                    )?;
                    Ok("applied")
                }
                Some(_) => {
                    payments::update(conn, payment.id, &update("paid", Some("after_expiry")))?;
                    let filing = filings::lock(conn, order.filing_id)?.ok_or_else(|| {
                        ApiError::internal(anyhow::anyhow!("order of a missing filing"))
                    })?;
                    notify_filer(
                        conn,
                        &filing,
                        &SmsTemplate::PaymentAfterExpiry {
                            case_number: shown_case_number(&filing),
                            amount: money(order.total_fen).to_string(),
                        },
                    )?;
                    let order = fee_orders::mark_paid(
                        conn,
                        order.id,
                        FeeOrderStatus::PaidAfterExpiry.as_str(),
                        payment.id,
                        &payment.channel,
                        paid_at,
                        now,
                    )?;
                    // The court refunds money that came too late: it must hear of it too.
                    trial_feed::fee_order_paid(
                        conn,
                        &filing,
                        &order,
                        payment,
                        PaidReport {
                            paid_at,
                            transaction_id: report.transaction_id.as_deref(),
                        },
                        now,
                    )?;
                    record(
                        conn,
                        &actor,
                        "payment.paid_after_expiry",
                        &order,
                        json!({ "payment_id": payment.id, "transaction_id": report.transaction_id }),
                    )?;
                    Ok("after_expiry")
                }
                None => {
                    payments::update(conn, payment.id, &update("paid", Some("duplicate_payment")))?;
                    record(
                        conn,
                        &actor,
                        "payment.duplicate",
                        &order,
                        json!({ "payment_id": payment.id, "transaction_id": report.transaction_id }),
                    )?;
                    Ok("duplicate_payment")
                }
            }
        }
        "in_progress" => {
            payments::update(conn, payment.id, &update("in_progress", None))?;
            if status_of(&order) == FeeOrderStatus::AwaitingPayment {
                fee_orders::set_status(
                    conn,
                    order.id,
                    FeeOrderStatus::PaymentInProgress.as_str(),
                    now,
                )?;
            }
            Ok("applied")
        }
        _ => {
            payments::update(conn, payment.id, &update("failed", None))?;
            let others_open = payments::for_order(conn, order.id)?
                .iter()
                .any(|p| p.id != payment.id && p.status == "in_progress");
            if status_of(&order) == FeeOrderStatus::PaymentInProgress && !others_open {
                fee_orders::set_status(
                    conn,
                    order.id,
                    FeeOrderStatus::AwaitingPayment.as_str(),
                    now,
                )?;
            }
            Ok("applied")
        }
    }
}

/// The payment a merchant order number names.
fn payment_id(merchant_order_no: &str) -> Option<Uuid> {
    let text = merchant_order_no.trim();
    (text.len() == 32)
        .then(|| Uuid::try_parse(text).ok())
        .flatten()
}

fn kept_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_KEPT_BODY)]);
    text.replace('\0', "\u{FFFD}")
}

/// Takes one delivered notification: verifies it, applies it exactly once, records it, and
/// returns the acknowledgement the platform expects.
pub fn receive_notification(
    conn: &mut PgConnection,
    platforms: &PaymentPlatforms,
    platform: Platform,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Acknowledgement, ApiError> {
    let name = platform.as_str();
    let notification = match platforms.get(platform).verify_notification(signature, body) {
        Ok(notification) => notification,
        Err(rejection) => {
            // Not stored: anyone can send these, and nothing in them can be trusted.
            match rejection {
                NotificationRejection::BadSignature => {
                    tracing::warn!(
                        platform = name,
                        bytes = body.len(),
                        "payment notification with a bad signature refused"
                    );
                }
                NotificationRejection::Malformed(ref reason) => {
                    tracing::warn!(
                        platform = name,
                        reason,
                        "malformed payment notification refused"
                    );
                }
            }
            return Ok(acknowledgement(platform, false));
        }
    };
    conn.transaction(|conn| {
        let id = &notification.notification_id;
        let payment = match payment_id(&notification.report.merchant_order_no) {
            Some(payment) => payments::find(conn, payment, true)?,
            None => None,
        };
        let Some(payment) = payment.filter(|p| p.platform == name) else {
            payments::record_notification(
                conn,
                name,
                Some(id),
                None,
                "unknown_payment",
                &kept_body(body),
            )?;
            return Ok(acknowledgement(platform, true));
        };
        let outcome = if payments::notification_seen(conn, name, id)? {
            "duplicate"
        } else {
            apply_report(conn, &payment, &notification.report, now)?
        };
        payments::record_notification(
            conn,
            name,
            Some(id),
            Some(payment.id),
            outcome,
            &kept_body(body),
        )?;
        Ok(acknowledgement(platform, true))
    })
}

/// Asks the platforms about payments whose notification has not come; returns how many
/// changed.
pub fn query_unconfirmed(
    conn: &mut PgConnection,
    platforms: &PaymentPlatforms,
    after: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let due = payments::claim_unconfirmed(conn, now - after, now - after, now, 20)?;
    let mut changed = 0;
    for payment in &due {
        let Some(platform) = Platform::parse(&payment.platform) else {
            continue;
        };
        let report = match platforms
            .get(platform)
            .query_payment(&payment.id.simple().to_string())
        {
            Ok(report) => report,
            Err(error) => {
                tracing::warn!(payment = %payment.id, error = %error, "payment status query failed");
                continue;
            }
        };
        conn.transaction(|conn| {
            let Some(locked) = payments::find(conn, payment.id, true)? else {
                return Ok::<_, ApiError>(());
            };
            // A platform that does not know a payment long after it started never will.
            let report = if report.status == PaymentStatus::NotFound {
                PaymentReport {
                    status: PaymentStatus::Failed,
                    ..report.clone()
                }
            } else {
                report.clone()
            };
            let outcome = apply_report(conn, &locked, &report, now)?;
            if outcome != "stale" && outcome != "duplicate" {
                changed += 1;
                payments::record_notification(
                    conn,
                    &locked.platform,
                    None,
                    Some(locked.id),
                    outcome,
                    &json!({
                        "query": report.status,
                        "amount": report.amount.map(|m| m.to_string()),
                        "transaction_id": report.transaction_id,
                    })
                    .to_string(),
                )?;
            }
            Ok(())
        })?;
    }
    Ok(changed)
}

/// Whether the money of a paid order came after its notice ran out.
fn paid_late(conn: &mut PgConnection, order: &FeeOrderRow) -> Result<bool, ApiError> {
    Ok(payments::paid_after_expiry(conn, order.paid_by_payment_id)?)
}

/// The status of a paid order before any refund.
fn paid_status(conn: &mut PgConnection, order: &FeeOrderRow) -> Result<FeeOrderStatus, ApiError> {
    Ok(if paid_late(conn, order)? {
        FeeOrderStatus::PaidAfterExpiry
    } else if order.settled_at.is_some() {
        FeeOrderStatus::Settled
    } else {
        FeeOrderStatus::PaidAwaitingSettlement
    })
}

/// A refund a judge asks for.
#[derive(Debug, Clone)]
pub struct RefundAsk<'a> {
    pub judge: Uuid,
    /// The judge's court; orders of other courts are not found.
    pub court: &'a str,
    pub order_id: Uuid,
    pub amount: Money,
    pub reason: &'a str,
}

/// Refunds part or all of a paid order of the judge's court to its refundee.
pub fn refund(
    pool: &DbPool,
    platforms: &PaymentPlatforms,
    ask: &RefundAsk<'_>,
    now: DateTime<Utc>,
) -> Result<RefundRow, ApiError> {
    let RefundAsk {
        judge,
        court,
        order_id,
        amount,
        reason,
    } = *ask;
    if amount.is_zero() {
        return Err(ApiError::new(Code::RefundAmountInvalid));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::new(Code::RefundReasonRequired));
    }
    if reason.chars().count() > MAX_REFUND_REASON_CHARS {
        return Err(ApiError::field("reason", Code::TextTooLong));
    }
    let (refund, payment) = connection(pool)?.transaction(|conn| {
        let order =
            fee_orders::lock_for_court(conn, order_id, court)?.ok_or_else(order_not_found)?;
        let Some(payment_id) = order
            .paid_by_payment_id
            .filter(|_| status_of(&order).is_paid())
        else {
            return Err(ApiError::new(Code::FeeOrderNotPaid)
                .with_extension("order_status", json!(order.status)));
        };
        let payment = payments::find(conn, payment_id, false)?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("missing paying payment")))?;
        let refundable = order.total_fen - order.refunded_fen;
        if amount.fen() > refundable {
            return Err(ApiError::new(Code::RefundExceedsPaid)
                .with_extension("refundable", json!(money(refundable).to_string())));
        }
        let refunded = order.refunded_fen + amount.fen();
        let status = status_of(&order).after_refund(money(refunded), money(order.total_fen));
        fee_orders::set_refunded(conn, order.id, refunded, status.as_str(), now)?;
        let refund = payments::insert_refund(
            conn,
            &NewRefund {
                id: Uuid::new_v4(),
                fee_order_id: order.id,
                payment_id: payment.id,
                amount_fen: amount.fen(),
                refundee_name: &order.refundee_name,
                reason,
                requested_by: judge,
            },
        )?;
        record(
            conn,
            &Actor::account(judge),
            "refund.requested",
            &order,
            json!({ "refund_id": refund.id, "amount": amount.to_string(), "reason": reason }),
        )?;
        Ok((refund, payment))
    })?;
    send_refund(pool, platforms, &refund, &payment, now)
}

/// Asks the platform to make a pending refund (holding no database connection while it
/// answers) and records its answer; a platform that cannot be reached leaves it pending for
/// the job to send again.
pub fn send_refund(
    pool: &DbPool,
    platforms: &PaymentPlatforms,
    refund: &RefundRow,
    payment: &PaymentRow,
    now: DateTime<Utc>,
) -> Result<RefundRow, ApiError> {
    let Some(platform) = Platform::parse(&payment.platform) else {
        return Ok(refund.clone());
    };
    let request = RefundRequest {
        refund_no: refund.id.simple().to_string(),
        merchant_order_no: payment.id.simple().to_string(),
        transaction_id: payment.transaction_id.clone(),
        amount: money(refund.amount_fen),
    };
    let outcome = match platforms.get(platform).refund(&request) {
        Ok(outcome) => outcome,
        Err(error) => {
            tracing::warn!(refund = %refund.id, error = %error, "refund not sent; will retry");
            return Ok(refund.clone());
        }
    };
    connection(pool)?.transaction(|conn| {
        let Some(current) = payments::lock_refund(conn, refund.id)? else {
            return Ok(refund.clone());
        };
        if current.status != "pending" {
            return Ok(current);
        }
        let actor = Actor::service(platform.as_str());
        let mut order = fee_orders::lock(conn, refund.fee_order_id)?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("refund of a missing order")))?;
        match outcome {
            RefundOutcome::Pending { platform_refund_id } => Ok(payments::complete_refund(
                conn,
                refund.id,
                "pending",
                Some(&platform_refund_id),
                None,
                now,
            )?),
            RefundOutcome::Succeeded { platform_refund_id } => {
                let done = payments::complete_refund(
                    conn,
                    refund.id,
                    "succeeded",
                    Some(&platform_refund_id),
                    None,
                    now,
                )?;
                let filing = filings::lock(conn, order.filing_id)?.ok_or_else(|| {
                    ApiError::internal(anyhow::anyhow!("order of a missing filing"))
                })?;
                notify_filer(
                    conn,
                    &filing,
                    &SmsTemplate::RefundMade {
                        case_number: shown_case_number(&filing),
                        amount: money(refund.amount_fen).to_string(),
                        refundee_name: refund.refundee_name.clone(),
                    },
                )?;
                trial_feed::fee_order_refunded(conn, &filing, &order, &done, now)?;
                record(
                    conn,
                    &actor,
                    "refund.succeeded",
                    &order,
                    json!({ "refund_id": refund.id, "amount": money(refund.amount_fen).to_string() }),
                )?;
                Ok(done)
            }
            RefundOutcome::Refused { reason } => {
                let done = payments::complete_refund(
                    conn,
                    refund.id,
                    "failed",
                    None,
                    Some(&reason),
                    now,
                )?;
                let refunded = order.refunded_fen - refund.amount_fen;
                let status = paid_status(conn, &order)?
                    .after_refund(money(refunded), money(order.total_fen));
                order = fee_orders::set_refunded(conn, order.id, refunded, status.as_str(), now)?;
                record(
                    conn,
                    &actor,
                    "refund.failed",
                    &order,
                    json!({ "refund_id": refund.id, "reason": reason }),
                )?;
                Ok(done)
            }
        }
    })
}

/// Sends again the refunds left pending because the platform could not be reached.
pub fn retry_pending_refunds(
    pool: &DbPool,
    platforms: &PaymentPlatforms,
    older_than: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let due = payments::pending_refunds(&mut *connection(pool)?, now - older_than, 20)?;
    for (refund, payment) in &due {
        send_refund(pool, platforms, refund, payment, now)?;
    }
    Ok(due.len())
}

/// The facts of the voucher of a paid order of the caller's filings.
pub fn voucher_of(
    conn: &mut PgConnection,
    order_id: Uuid,
    account: Uuid,
    now: DateTime<Utc>,
) -> Result<Voucher, ApiError> {
    let found =
        fee_orders::find_for_account(conn, order_id, account)?.ok_or_else(order_not_found)?;
    let order = &found.order;
    let paying = match order.paid_by_payment_id {
        Some(id) if status_of(order).is_paid() => payments::find(conn, id, false)?,
        _ => None,
    };
    let Some(payment) = paying else {
        return Err(ApiError::new(Code::FeeOrderNotPaid)
            .with_extension("order_status", json!(order.status)));
    };
    let items: Vec<serde_json::Value> =
        serde_json::from_value(order.items.clone()).unwrap_or_default();
    let total = money(order.total_fen);
    Ok(Voucher {
        court_name: found.court_name.clone(),
        case_number: found.case_number.clone(),
        order_number: order.order_number.clone(),
        payer_name: order.payer_name.clone(),
        items: items
            .iter()
            .map(|item| VoucherItem {
                name: item["item"]
                    .as_str()
                    .and_then(FeeItemKind::parse)
                    .map_or("诉讼费", FeeItemKind::name_zh)
                    .to_owned(),
                amount: item["amount"].as_str().unwrap_or_default().to_owned(),
            })
            .collect(),
        total: total.to_string(),
        total_in_capitals: amount_in_capitals(total),
        channel: Channel::parse(&payment.channel)
            .map_or_else(|| payment.channel.clone(), |c| c.name_zh().to_owned()),
        paid_at: payment.paid_at.unwrap_or(payment.updated_at),
        transaction_id: payment.transaction_id.clone().unwrap_or_default(),
        issued_at: now,
    })
}
