//! The payment platforms that take court fees: the provincial non-tax payment platform and
//! the Qingdao courts' platform. Both sit behind [`PaymentPlatform`]; each court uses the one
//! of its fee jurisdiction ([`Platform::of_court`]).
//!
//! # Assumed protocol
//!
//! With the conventions of [`crate::integrations::http`] (`X-Api-Key`, JSON, timeouts):
//!
//! - provincial: `POST {URL}/v1/payments` with `{"merchant_order_no", "order_number",
//!   "amount": "2300.00", "currency": "CNY", "channel", "bank", "payer_name", "subject",
//!   "notify_url"}`, answered `{"platform_order_id", "pay_url", "qr_code"}` (the last two
//!   optional). The merchant order number is our payment id: sent again, the platform
//!   answers the same payment instead of creating another.
//! - Qingdao: first `POST {URL}/v1/orders` with the same body without `channel` and `bank`,
//!   answered `{"platform_order_id"}`; then `POST {URL}/v1/orders/{platform_order_id}/payments`
//!   with `{"channel", "bank"}`, answered `{"pay_url", "qr_code"}`.
//! - both: `GET {URL}/v1/payments/{merchant_order_no}` answers `{"status": "not_found" |
//!   "pending" | "in_progress" | "paid" | "failed", "amount", "transaction_id", "paid_at",
//!   "voucher_url"}`; `POST {URL}/v1/refunds` with `{"refund_no", "merchant_order_no",
//!   "transaction_id", "amount"}` answers `{"status": "succeeded" | "pending" | "refused",
//!   "platform_refund_id", "reason"}` (the refund number is our refund id: sent again, the
//!   same refund is answered).
//! - both: `GET {URL}/v1/statements/{YYYY-MM-DD}` answers the day's statement, the payments
//!   whose money reached the treasury that day: `{"lines": [{"merchant_order_no",
//!   "transaction_id", "amount", "paid_at"}]}`.
//! - notifications: the platform `POST`s JSON to our
//!   `/api/v1/payment-notifications/{provincial|qingdao}`: `{"notification_id",
//!   "merchant_order_no", "status": "in_progress" | "paid" | "failed", "amount": "2300.00",
//!   "currency": "CNY", "transaction_id", "paid_at", "voucher_url", "sequence"}` with the
//!   header `X-Signature: <hex HMAC-SHA256 of the raw body under the shared notification
//!   secret>`. A notification may come more than once and in any order. The provincial
//!   platform expects `200 {"code":"SUCCESS"}` (`{"code":"FAIL"}` or anything else: it
//!   delivers again); Qingdao's expects the plain text `success` or `fail`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::domain::calendar::shanghai_date;
use crate::domain::money::Money;
use crate::domain::payment::{Bank, Channel, Platform, settlement_date};
use crate::integrations::IntegrationError;
use crate::integrations::http::{HttpSettings, JsonClient};

/// The header carrying a notification's signature.
pub const SIGNATURE_HEADER: &str = "X-Signature";

/// The name of a platform in errors and logs.
pub fn system_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Provincial => "provincial payment platform",
        Platform::Qingdao => "Qingdao payment platform",
    }
}

/// What is asked of the platform to start a payment.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// Our payment id, the platform's merchant order number (32 hex digits).
    pub merchant_order_no: String,
    /// The fee order's number.
    pub order_number: String,
    pub amount: Money,
    pub channel: Channel,
    pub bank: Option<Bank>,
    pub payer_name: String,
    /// What the payer sees (`诉讼费 （2026）鲁0102民初1号`).
    pub subject: String,
    /// Where to deliver notifications, when configured.
    pub notify_url: Option<String>,
}

/// What the payer needs to pay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentSession {
    pub platform_order_id: Option<String>,
    pub pay_url: Option<String>,
    pub qr_code: Option<String>,
}

/// The state of a payment as a platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The platform does not know the payment.
    NotFound,
    /// Started, nothing paid yet.
    Pending,
    /// Waiting for something outside the platform (a corporate second approver).
    InProgress,
    Paid,
    Failed,
}

/// A payment's state, from a notification or a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReport {
    pub merchant_order_no: String,
    pub status: PaymentStatus,
    /// The amount the platform took (or would take).
    pub amount: Option<Money>,
    pub currency: String,
    pub transaction_id: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub voucher_url: Option<String>,
}

/// A notification that passed its signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub notification_id: String,
    pub report: PaymentReport,
}

/// Why a notification was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationRejection {
    /// Missing or wrong signature: not from the platform.
    BadSignature,
    /// Signed, but not a notification we understand.
    Malformed(String),
}

/// What is asked of the platform to refund.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// Our refund id.
    pub refund_no: String,
    pub merchant_order_no: String,
    pub transaction_id: Option<String>,
    pub amount: Money,
}

/// What the platform said about a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    Succeeded {
        platform_refund_id: String,
    },
    /// Accepted, to be completed later.
    Pending {
        platform_refund_id: String,
    },
    Refused {
        reason: String,
    },
}

/// One line of a platform's daily statement: a payment whose money reached the treasury
/// that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub merchant_order_no: String,
    pub transaction_id: String,
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
}

/// The answer a platform expects to a notification delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

/// A payment platform.
pub trait PaymentPlatform: Send + Sync {
    fn platform(&self) -> Platform;
    /// Starts (or, for a merchant order number seen before, finds) a payment.
    fn start_payment(&self, request: &PaymentRequest) -> Result<PaymentSession, IntegrationError>;
    /// The state of a payment, for payments whose notification does not come.
    fn query_payment(&self, merchant_order_no: &str) -> Result<PaymentReport, IntegrationError>;
    /// Refunds part or all of a paid payment; the same refund number is one refund.
    fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome, IntegrationError>;
    /// The statement of `date`: the payments whose money reached the treasury that day.
    fn statement(&self, date: NaiveDate) -> Result<Vec<StatementLine>, IntegrationError>;
    /// Checks the signature of a delivered notification and reads it.
    fn verify_notification(
        &self,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<Notification, NotificationRejection>;
    /// The answer the platform expects to a delivery: `accepted` tells it to stop
    /// delivering this notification.
    fn acknowledgement(&self, accepted: bool) -> Acknowledgement {
        acknowledgement(self.platform(), accepted)
    }
}

/// The acknowledgement each platform expects.
pub fn acknowledgement(platform: Platform, accepted: bool) -> Acknowledgement {
    match platform {
        Platform::Provincial => Acknowledgement {
            status: 200,
            content_type: "application/json",
            body: if accepted {
                r#"{"code":"SUCCESS"}"#.to_owned()
            } else {
                r#"{"code":"FAIL"}"#.to_owned()
            },
        },
        Platform::Qingdao => Acknowledgement {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: if accepted { "success" } else { "fail" }.to_owned(),
        },
    }
}

/// The hex HMAC-SHA256 of `body` under `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The body of a notification, as both platforms send it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotificationBody {
    pub notification_id: String,
    pub merchant_order_no: String,
    pub status: PaymentStatus,
    pub amount: String,
    pub currency: String,
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub paid_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub voucher_url: Option<String>,
    #[serde(default)]
    pub sequence: u32,
}

/// Checks the signature in constant time, then reads the body.
pub fn verify(
    secret: &[u8],
    signature: Option<&str>,
    body: &[u8],
) -> Result<Notification, NotificationRejection> {
    let signature = signature
        .and_then(|s| hex::decode(s.trim()).ok())
        .ok_or(NotificationRejection::BadSignature)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| NotificationRejection::BadSignature)?;
    let parsed: NotificationBody = serde_json::from_slice(body)
        .map_err(|e| NotificationRejection::Malformed(format!("not a notification: {e}")))?;
    if parsed.notification_id.trim().is_empty() || parsed.merchant_order_no.trim().is_empty() {
        return Err(NotificationRejection::Malformed(
            "notification_id and merchant_order_no are required".into(),
        ));
    }
    if matches!(
        parsed.status,
        PaymentStatus::NotFound | PaymentStatus::Pending
    ) {
        return Err(NotificationRejection::Malformed(
            "a notification reports in_progress, paid or failed".into(),
        ));
    }
    let amount = Money::parse(&parsed.amount)
        .map_err(|_| NotificationRejection::Malformed("amount is not yuan with fen".into()))?;
    Ok(Notification {
        notification_id: parsed.notification_id,
        report: PaymentReport {
            merchant_order_no: parsed.merchant_order_no,
            status: parsed.status,
            amount: Some(amount),
            currency: parsed.currency,
            transaction_id: parsed.transaction_id.filter(|t| !t.trim().is_empty()),
            paid_at: parsed.paid_at,
            voucher_url: parsed.voucher_url,
        },
    })
}

// ---------------------------------------------------------------------------------------
// The real clients.

/// A real platform over HTTP.
pub struct HttpPaymentPlatform {
    platform: Platform,
    client: JsonClient,
    notify_secret: Vec<u8>,
}

impl HttpPaymentPlatform {
    pub fn new(
        platform: Platform,
        settings: HttpSettings,
        notify_secret: Vec<u8>,
    ) -> HttpPaymentPlatform {
        HttpPaymentPlatform {
            platform,
            client: JsonClient::new(system_name(platform), settings),
            notify_secret,
        }
    }
}

#[derive(Serialize)]
struct StartBody<'a> {
    merchant_order_no: &'a str,
    order_number: &'a str,
    amount: String,
    currency: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bank: Option<&'static str>,
    payer_name: &'a str,
    subject: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify_url: Option<&'a str>,
}

#[derive(Deserialize)]
struct StartAnswer {
    #[serde(default)]
    platform_order_id: Option<String>,
    #[serde(default)]
    pay_url: Option<String>,
    #[serde(default)]
    qr_code: Option<String>,
}

#[derive(Serialize)]
struct ChannelBody {
    channel: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bank: Option<&'static str>,
}

#[derive(Deserialize)]
struct QueryAnswer {
    status: PaymentStatus,
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    transaction_id: Option<String>,
    #[serde(default)]
    paid_at: Option<DateTime<Utc>>,
    #[serde(default)]
    voucher_url: Option<String>,
}

#[derive(Deserialize)]
struct StatementAnswer {
    lines: Vec<StatementLineAnswer>,
}

#[derive(Deserialize)]
struct StatementLineAnswer {
    merchant_order_no: String,
    transaction_id: String,
    amount: String,
    paid_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct RefundBody<'a> {
    refund_no: &'a str,
    merchant_order_no: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_id: Option<&'a str>,
    amount: String,
}

#[derive(Deserialize)]
struct RefundAnswer {
    status: String,
    #[serde(default)]
    platform_refund_id: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

impl PaymentPlatform for HttpPaymentPlatform {
    fn platform(&self) -> Platform {
        self.platform
    }

    fn start_payment(&self, request: &PaymentRequest) -> Result<PaymentSession, IntegrationError> {
        let qingdao = self.platform == Platform::Qingdao;
        let body = StartBody {
            merchant_order_no: &request.merchant_order_no,
            order_number: &request.order_number,
            amount: request.amount.to_string(),
            currency: "CNY",
            channel: (!qingdao).then(|| request.channel.as_str()),
            bank: if qingdao {
                None
            } else {
                request.bank.map(Bank::as_str)
            },
            payer_name: &request.payer_name,
            subject: &request.subject,
            notify_url: request.notify_url.as_deref(),
        };
        if !qingdao {
            let answer: StartAnswer = self.client.post("/v1/payments", &body)?;
            return Ok(PaymentSession {
                platform_order_id: answer.platform_order_id,
                pay_url: answer.pay_url,
                qr_code: answer.qr_code,
            });
        }
        let order: StartAnswer = self.client.post("/v1/orders", &body)?;
        let Some(order_id) = order.platform_order_id.filter(|id| is_path_safe(id)) else {
            return Err(self
                .client
                .protocol("no usable platform_order_id for the new order".into()));
        };
        let answer: StartAnswer = self.client.post(
            &format!("/v1/orders/{order_id}/payments"),
            &ChannelBody {
                channel: request.channel.as_str(),
                bank: request.bank.map(Bank::as_str),
            },
        )?;
        Ok(PaymentSession {
            platform_order_id: Some(order_id),
            pay_url: answer.pay_url,
            qr_code: answer.qr_code,
        })
    }

    fn query_payment(&self, merchant_order_no: &str) -> Result<PaymentReport, IntegrationError> {
        if !is_path_safe(merchant_order_no) {
            return Err(self
                .client
                .protocol("unusable merchant order number".into()));
        }
        let answer: QueryAnswer = self
            .client
            .get(&format!("/v1/payments/{merchant_order_no}"), &[])?;
        let amount = match answer.amount.as_deref() {
            None => None,
            Some(text) => Some(
                Money::parse(text)
                    .map_err(|_| self.client.protocol("amount is not yuan with fen".into()))?,
            ),
        };
        Ok(PaymentReport {
            merchant_order_no: merchant_order_no.to_owned(),
            status: answer.status,
            amount,
            currency: "CNY".to_owned(),
            transaction_id: answer.transaction_id,
            paid_at: answer.paid_at,
            voucher_url: answer.voucher_url,
        })
    }

    fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome, IntegrationError> {
        let answer: RefundAnswer = self.client.post(
            "/v1/refunds",
            &RefundBody {
                refund_no: &request.refund_no,
                merchant_order_no: &request.merchant_order_no,
                transaction_id: request.transaction_id.as_deref(),
                amount: request.amount.to_string(),
            },
        )?;
        let id = answer.platform_refund_id.unwrap_or_default();
        match answer.status.as_str() {
            "succeeded" => Ok(RefundOutcome::Succeeded {
                platform_refund_id: id,
            }),
            "pending" => Ok(RefundOutcome::Pending {
                platform_refund_id: id,
            }),
            "refused" => Ok(RefundOutcome::Refused {
                reason: answer.reason.unwrap_or_else(|| "refused".into()),
            }),
            other => Err(self
                .client
                .protocol(format!("unknown refund status {other:?}"))),
        }
    }

    fn statement(&self, date: NaiveDate) -> Result<Vec<StatementLine>, IntegrationError> {
        let answer: StatementAnswer = self
            .client
            .get(&format!("/v1/statements/{}", date.format("%Y-%m-%d")), &[])?;
        answer
            .lines
            .into_iter()
            .map(|line| {
                Ok(StatementLine {
                    amount: Money::parse(&line.amount).map_err(|_| {
                        self.client
                            .protocol("a statement amount is not yuan with fen".into())
                    })?,
                    merchant_order_no: line.merchant_order_no,
                    transaction_id: line.transaction_id,
                    paid_at: line.paid_at,
                })
            })
            .collect()
    }

    fn verify_notification(
        &self,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<Notification, NotificationRejection> {
        verify(&self.notify_secret, signature, body)
    }
}

/// Whether an identifier can go into a URL path as it is.
fn is_path_safe(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ---------------------------------------------------------------------------------------
// The simulator.

/// What the simulator is told to make of a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimulatedOutcome {
    /// The payer paid (optionally a different amount, as a faulty platform might report).
    Paid { amount: Option<Money> },
    /// The payment failed (cancelled by the payer, card refused).
    Failed,
    /// A corporate payment waits for its second approver.
    AwaitingApproval,
}

/// A notification as the simulator sends it: the raw body and its signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedNotification {
    pub body: String,
    pub signature: String,
}

/// Why the simulator cannot do what it was told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimulatorError {
    #[error("the simulator has no payment {0}")]
    UnknownPayment(String),
    #[error("payment {0} is already final at the platform")]
    AlreadyFinal(String),
}

struct SimPayment {
    platform_order_id: String,
    channel: Channel,
    amount: Money,
    status: PaymentStatus,
    transaction_id: Option<String>,
    paid_at: Option<DateTime<Utc>>,
    paid_amount: Option<Money>,
    refunded: Money,
    sequence: u32,
}

#[derive(Default)]
struct SimState {
    payments: HashMap<String, SimPayment>,
    refunds: HashMap<String, RefundOutcome>,
    /// Notifications held back for a later delivery.
    held: Vec<SignedNotification>,
    /// Payments left out of the statements, as a faulty platform might.
    omitted: Vec<String>,
    /// Lines added to the statements, for payments this platform never saw.
    extra_lines: Vec<(NaiveDate, StatementLine)>,
    next_id: u64,
}

/// A payment platform in memory, driven by the development endpoints under
/// `/api/v1/dev/payment-simulator`. Payments stay pending until it is told what the payer
/// did; its notifications are signed like the real platform's and can be delivered at once,
/// several times, held back and delivered later in any order, or not at all (so that the
/// status query has to find them).
pub struct SimulatedPaymentPlatform {
    platform: Platform,
    secret: Vec<u8>,
    next_working_day: fn(NaiveDate) -> NaiveDate,
    state: Mutex<SimState>,
}

impl SimulatedPaymentPlatform {
    /// A simulator whose personal online banking settles on the day `next_working_day`
    /// gives.
    pub fn new(
        platform: Platform,
        secret: Vec<u8>,
        next_working_day: fn(NaiveDate) -> NaiveDate,
    ) -> SimulatedPaymentPlatform {
        SimulatedPaymentPlatform {
            platform,
            secret,
            next_working_day,
            state: Mutex::new(SimState::default()),
        }
    }

    /// Leaves a payment out of every statement.
    pub fn omit_from_statements(&self, merchant_order_no: &str) {
        self.state().omitted.push(merchant_order_no.to_owned());
    }

    /// Adds a line to the statement of `date`.
    pub fn add_statement_line(&self, date: NaiveDate, line: StatementLine) {
        self.state().extra_lines.push((date, line));
    }

    fn state(&self) -> std::sync::MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Signs a body with the platform's secret, as its notifications are.
    pub fn sign(&self, body: &str) -> String {
        sign(&self.secret, body.as_bytes())
    }

    /// Records what the payer did and returns the notification the platform sends about it.
    pub fn act(
        &self,
        merchant_order_no: &str,
        outcome: SimulatedOutcome,
        now: DateTime<Utc>,
    ) -> Result<SignedNotification, SimulatorError> {
        let mut state = self.state();
        state.next_id += 1;
        let serial = state.next_id;
        let payment = state
            .payments
            .get_mut(merchant_order_no)
            .ok_or_else(|| SimulatorError::UnknownPayment(merchant_order_no.to_owned()))?;
        if matches!(payment.status, PaymentStatus::Paid | PaymentStatus::Failed) {
            return Err(SimulatorError::AlreadyFinal(merchant_order_no.to_owned()));
        }
        payment.sequence += 1;
        let reported_amount = match outcome {
            SimulatedOutcome::Paid { amount } => {
                let paid = amount.unwrap_or(payment.amount);
                payment.status = PaymentStatus::Paid;
                payment.paid_at = Some(now);
                payment.paid_amount = Some(paid);
                payment.transaction_id = Some(format!("SIMTX{serial:012}"));
                paid
            }
            SimulatedOutcome::Failed => {
                payment.status = PaymentStatus::Failed;
                payment.amount
            }
            SimulatedOutcome::AwaitingApproval => {
                payment.status = PaymentStatus::InProgress;
                payment.amount
            }
        };
        let body = NotificationBody {
            notification_id: format!("SIMN{serial:012}"),
            merchant_order_no: merchant_order_no.to_owned(),
            status: payment.status,
            amount: reported_amount.to_string(),
            currency: "CNY".to_owned(),
            transaction_id: payment.transaction_id.clone(),
            paid_at: payment.paid_at,
            voucher_url: payment.transaction_id.as_ref().map(|tx| {
                format!(
                    "https://pay.example.invalid/{}/vouchers/{tx}",
                    self.platform.as_str()
                )
            }),
            sequence: payment.sequence,
        };
        let body = serde_json::to_string(&body).expect("a notification serialises");
        Ok(SignedNotification {
            signature: self.sign(&body),
            body,
        })
    }

    /// Keeps notifications back for a later delivery.
    pub fn hold(&self, notifications: Vec<SignedNotification>) {
        self.state().held.extend(notifications);
    }

    /// Takes the notifications held back, in the order they were made.
    pub fn take_held(&self) -> Vec<SignedNotification> {
        std::mem::take(&mut self.state().held)
    }

    /// Delivers a notification to `url` as the platform does, returning the status and body
    /// of the answer.
    pub fn deliver(
        &self,
        url: &str,
        notification: &SignedNotification,
    ) -> Result<(u16, String), IntegrationError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            .build()
            .into();
        let unavailable = |e: ureq::Error| IntegrationError::Unavailable {
            system: system_name(self.platform),
            reason: e.to_string(),
        };
        let mut response = agent
            .post(url)
            .header("Content-Type", "application/json")
            .header(SIGNATURE_HEADER, &notification.signature)
            .send(notification.body.as_bytes())
            .map_err(unavailable)?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(unavailable)?;
        Ok((status, body))
    }
}

impl PaymentPlatform for SimulatedPaymentPlatform {
    fn platform(&self) -> Platform {
        self.platform
    }

    fn start_payment(&self, request: &PaymentRequest) -> Result<PaymentSession, IntegrationError> {
        let mut state = self.state();
        state.next_id += 1;
        let serial = state.next_id;
        let platform = self.platform.as_str();
        let payment = state
            .payments
            .entry(request.merchant_order_no.clone())
            .or_insert_with(|| SimPayment {
                platform_order_id: format!("SIMO{serial:012}"),
                channel: request.channel,
                amount: request.amount,
                status: PaymentStatus::Pending,
                transaction_id: None,
                paid_at: None,
                paid_amount: None,
                refunded: Money::ZERO,
                sequence: 0,
            });
        let order_id = payment.platform_order_id.clone();
        let qr = matches!(request.channel, Channel::WechatPay | Channel::Alipay);
        Ok(PaymentSession {
            pay_url: Some(format!(
                "https://pay.example.invalid/{platform}/pay/{order_id}"
            )),
            qr_code: qr.then(|| format!("simpay://{platform}/{order_id}")),
            platform_order_id: Some(order_id),
        })
    }

    fn query_payment(&self, merchant_order_no: &str) -> Result<PaymentReport, IntegrationError> {
        let state = self.state();
        let Some(payment) = state.payments.get(merchant_order_no) else {
            return Ok(PaymentReport {
                merchant_order_no: merchant_order_no.to_owned(),
                status: PaymentStatus::NotFound,
                amount: None,
                currency: "CNY".to_owned(),
                transaction_id: None,
                paid_at: None,
                voucher_url: None,
            });
        };
        Ok(PaymentReport {
            merchant_order_no: merchant_order_no.to_owned(),
            status: payment.status,
            amount: Some(payment.paid_amount.unwrap_or(payment.amount)),
            currency: "CNY".to_owned(),
            transaction_id: payment.transaction_id.clone(),
            paid_at: payment.paid_at,
            voucher_url: None,
        })
    }

    fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome, IntegrationError> {
        let mut state = self.state();
        if let Some(outcome) = state.refunds.get(&request.refund_no) {
            return Ok(outcome.clone());
        }
        state.next_id += 1;
        let serial = state.next_id;
        let outcome = match state.payments.get_mut(&request.merchant_order_no) {
            Some(payment) if payment.status == PaymentStatus::Paid => {
                let paid = payment.paid_amount.unwrap_or(payment.amount);
                match payment.refunded.checked_add(request.amount) {
                    Some(total) if total <= paid => {
                        payment.refunded = total;
                        RefundOutcome::Succeeded {
                            platform_refund_id: format!("SIMR{serial:012}"),
                        }
                    }
                    _ => RefundOutcome::Refused {
                        reason: "more than was paid".into(),
                    },
                }
            }
            _ => RefundOutcome::Refused {
                reason: "no such paid payment".into(),
            },
        };
        state
            .refunds
            .insert(request.refund_no.clone(), outcome.clone());
        Ok(outcome)
    }

    fn statement(&self, date: NaiveDate) -> Result<Vec<StatementLine>, IntegrationError> {
        let state = self.state();
        let mut lines: Vec<StatementLine> = state
            .payments
            .iter()
            .filter(|(no, _)| !state.omitted.contains(no))
            .filter_map(|(no, payment)| {
                let paid_at = payment.paid_at?;
                let settles = settlement_date(
                    payment.channel,
                    shanghai_date(paid_at),
                    self.next_working_day,
                );
                (settles == date).then(|| StatementLine {
                    merchant_order_no: no.clone(),
                    transaction_id: payment.transaction_id.clone().unwrap_or_default(),
                    amount: payment.paid_amount.unwrap_or(payment.amount),
                    paid_at,
                })
            })
            .collect();
        lines.extend(
            state
                .extra_lines
                .iter()
                .filter(|(day, _)| *day == date)
                .map(|(_, line)| line.clone()),
        );
        lines.sort_by_key(|a| a.paid_at);
        Ok(lines)
    }

    fn verify_notification(
        &self,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<Notification, NotificationRejection> {
        verify(&self.secret, signature, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays(day: NaiveDate) -> NaiveDate {
        use chrono::{Datelike, Weekday};
        let mut next = day.succ_opt().unwrap();
        while matches!(next.weekday(), Weekday::Sat | Weekday::Sun) {
            next = next.succ_opt().unwrap();
        }
        next
    }

    fn request(no: &str, amount: &str) -> PaymentRequest {
        PaymentRequest {
            merchant_order_no: no.into(),
            order_number: "2026120400000001".into(),
            amount: Money::parse(amount).unwrap(),
            channel: Channel::WechatPay,
            bank: None,
            payer_name: "张三".into(),
            subject: "诉讼费".into(),
            notify_url: None,
        }
    }

    #[test]
    fn the_simulator_signs_what_it_reports_and_verification_catches_tampering() {
        let sim = SimulatedPaymentPlatform::new(Platform::Provincial, b"secret".to_vec(), weekdays);
        sim.start_payment(&request("p1", "2300.00")).unwrap();
        let signed = sim
            .act("p1", SimulatedOutcome::Paid { amount: None }, Utc::now())
            .unwrap();
        let notification = sim
            .verify_notification(Some(&signed.signature), signed.body.as_bytes())
            .unwrap();
        assert_eq!(notification.report.status, PaymentStatus::Paid);
        assert_eq!(notification.report.amount, Money::parse("2300.00").ok());

        let tampered = signed.body.replace("2300.00", "23.00");
        assert_eq!(
            sim.verify_notification(Some(&signed.signature), tampered.as_bytes()),
            Err(NotificationRejection::BadSignature)
        );
        assert_eq!(
            sim.verify_notification(None, signed.body.as_bytes()),
            Err(NotificationRejection::BadSignature)
        );
        assert_eq!(
            sim.verify_notification(Some("zz"), signed.body.as_bytes()),
            Err(NotificationRejection::BadSignature)
        );
        let other =
            SimulatedPaymentPlatform::new(Platform::Provincial, b"other".to_vec(), weekdays);
        assert_eq!(
            other.verify_notification(Some(&signed.signature), signed.body.as_bytes()),
            Err(NotificationRejection::BadSignature)
        );
    }

    #[test]
    fn a_payment_is_final_once_paid_and_refunds_never_exceed_it() {
        let sim = SimulatedPaymentPlatform::new(Platform::Qingdao, b"k".to_vec(), weekdays);
        let first = sim.start_payment(&request("p2", "50.00")).unwrap();
        // The same merchant order number is the same payment.
        assert_eq!(sim.start_payment(&request("p2", "50.00")).unwrap(), first);
        sim.act("p2", SimulatedOutcome::AwaitingApproval, Utc::now())
            .unwrap();
        assert_eq!(
            sim.query_payment("p2").unwrap().status,
            PaymentStatus::InProgress
        );
        sim.act("p2", SimulatedOutcome::Paid { amount: None }, Utc::now())
            .unwrap();
        assert_eq!(
            sim.act("p2", SimulatedOutcome::Failed, Utc::now()),
            Err(SimulatorError::AlreadyFinal("p2".into()))
        );
        let refund = |no: &str, amount: &str| {
            sim.refund(&RefundRequest {
                refund_no: no.into(),
                merchant_order_no: "p2".into(),
                transaction_id: None,
                amount: Money::parse(amount).unwrap(),
            })
            .unwrap()
        };
        assert!(matches!(
            refund("r1", "30.00"),
            RefundOutcome::Succeeded { .. }
        ));
        // The same refund number again is the same refund, not a second one.
        assert_eq!(refund("r1", "30.00"), refund("r1", "30.00"));
        assert!(matches!(
            refund("r2", "20.01"),
            RefundOutcome::Refused { .. }
        ));
        assert!(matches!(
            refund("r3", "20.00"),
            RefundOutcome::Succeeded { .. }
        ));
        assert_eq!(
            sim.query_payment("unknown").unwrap().status,
            PaymentStatus::NotFound
        );
    }

    #[test]
    fn each_platform_gets_the_acknowledgement_it_expects() {
        assert_eq!(
            acknowledgement(Platform::Provincial, true).body,
            r#"{"code":"SUCCESS"}"#
        );
        assert_eq!(
            acknowledgement(Platform::Provincial, false).body,
            r#"{"code":"FAIL"}"#
        );
        assert_eq!(acknowledgement(Platform::Qingdao, true).body, "success");
        assert_eq!(acknowledgement(Platform::Qingdao, false).body, "fail");
    }

    #[test]
    fn identifiers_with_path_characters_never_reach_a_url() {
        assert!(is_path_safe("SIMO000000000001"));
        assert!(!is_path_safe("../admin"));
        assert!(!is_path_safe(""));
        assert!(!is_path_safe("a/b"));
    }
}
