//! The SMS gateway, through which verification codes and service notices reach people's
//! mobile phones.
//!
//! Only mainland mobile numbers can receive texts: a number that [`MobilePhone::parse`]
//! refuses is not sent, and the send fails with [`IntegrationError::Protocol`] (the caller
//! let an invalid number through).
//!
//! # Assumed protocol of the real gateway
//!
//! With the conventions of [`crate::integrations::http`] (`X-Api-Key` header, JSON bodies,
//! timeouts):
//!
//! - `POST {SMS_GATEWAY_URL}/v1/messages` with
//!   `{"phone": "+8613900000001", "sign_name": "【山东法院】", "content": "…"}` (the phone in
//!   E.164 form; the signature that Chinese gateways require before every message, from
//!   `SMS_GATEWAY_SIGN_NAME`), answered `200` with `{"message_id": "…"}`;
//! - `POST {SMS_GATEWAY_URL}/v1/messages/receipts` with `{"message_ids": ["…", …]}` (at most
//!   [`RECEIPT_BATCH`] per request; more are asked in several requests), answered `200` with
//!   `{"receipts": [{"message_id": "…", "status": "delivered" | "failed" | "unknown",
//!   "at": "2025-06-15T12:00:00+08:00"}]}`. An id the gateway does not report on is
//!   `unknown` (not final yet, or not the gateway's).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::phone::MobilePhone;
use crate::integrations::IntegrationError;
use crate::integrations::http::{HttpSettings, JsonClient};

/// The name of this system in errors and logs.
pub const SYSTEM: &str = "SMS gateway";

/// The most message ids asked about in one receipts request.
pub const RECEIPT_BATCH: usize = 100;

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// The phone received it.
    Delivered,
    /// It could not be delivered (switched-off phone past the retry period, number not in
    /// service, blocked); sending again is unlikely to help.
    Failed,
    /// Not known yet, or not a message of this gateway.
    Unknown,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Unknown => "unknown",
        }
    }

    fn from_name(name: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
            DeliveryStatus::Unknown,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
    }
}

/// What the gateway says about one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReceipt {
    pub gateway_message_id: String,
    pub status: DeliveryStatus,
    /// When the status was reached (for `Unknown`: when it was asked).
    pub at: DateTime<Utc>,
}

/// The SMS gateway.
pub trait SmsGateway: Send + Sync {
    /// Hands one message to the gateway; returns the gateway's message id.
    fn send(&self, phone: &str, body: &str) -> Result<String, IntegrationError>;
    /// Delivery receipts for messages sent earlier.
    fn receipts(
        &self,
        gateway_message_ids: &[String],
    ) -> Result<Vec<DeliveryReceipt>, IntegrationError>;
}

/// The canonical mobile number, or a protocol error: the number cannot receive texts.
fn mobile(phone: &str) -> Result<MobilePhone, IntegrationError> {
    MobilePhone::parse(phone).map_err(|code| IntegrationError::Protocol {
        system: SYSTEM,
        reason: format!("not a mainland mobile number ({code})"),
    })
}

/// A message the simulator accepted.
#[derive(Clone, PartialEq, Eq)]
pub struct SentSms {
    /// The canonical 11-digit number.
    pub phone: String,
    pub body: String,
    pub gateway_message_id: String,
    pub at: DateTime<Utc>,
}

impl fmt::Debug for SentSms {
    /// Masks the phone and leaves out the body, which may hold a verification code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentSms")
            .field("phone", &crate::integrations::mask_number(&self.phone))
            .field("body_chars", &self.body.chars().count())
            .field("gateway_message_id", &self.gateway_message_id)
            .field("at", &self.at)
            .finish()
    }
}

/// A gateway that keeps what it "sends" in memory.
///
/// Message ids are `sim-<uuid>`. Every accepted message is delivered at once: its receipt
/// is `Delivered` at the time it was sent; ids it did not issue are `Unknown`. Sends to the
/// configured failing phones fail with [`IntegrationError::Unavailable`], to exercise the
/// callers' retries, and are not recorded.
pub struct SimulatedSmsGateway {
    failing_phones: Vec<String>,
    sent: Mutex<Vec<SentSms>>,
}

impl SimulatedSmsGateway {
    /// A gateway whose sends to these phones (any spelling [`MobilePhone::parse`] accepts)
    /// fail.
    pub fn new(failing_phones: Vec<String>) -> SimulatedSmsGateway {
        let failing_phones = failing_phones
            .into_iter()
            .map(|phone| {
                MobilePhone::parse(&phone)
                    .map(|phone| phone.as_str().to_owned())
                    .unwrap_or(phone)
            })
            .collect();
        SimulatedSmsGateway {
            failing_phones,
            sent: Mutex::new(Vec::new()),
        }
    }

    /// The messages accepted so far, oldest first.
    pub fn sent(&self) -> Vec<SentSms> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl SmsGateway for SimulatedSmsGateway {
    fn send(&self, phone: &str, body: &str) -> Result<String, IntegrationError> {
        let phone = mobile(phone)?;
        if self.failing_phones.iter().any(|p| p == phone.as_str()) {
            return Err(IntegrationError::Unavailable {
                system: SYSTEM,
                reason: format!("simulated failure for {}", phone.masked()),
            });
        }
        let id = format!("sim-{}", uuid::Uuid::new_v4());
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(SentSms {
                phone: phone.as_str().to_owned(),
                body: body.to_owned(),
                gateway_message_id: id.clone(),
                at: Utc::now(),
            });
        Ok(id)
    }

    fn receipts(
        &self,
        gateway_message_ids: &[String],
    ) -> Result<Vec<DeliveryReceipt>, IntegrationError> {
        let now = Utc::now();
        let sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(gateway_message_ids
            .iter()
            .map(
                |id| match sent.iter().find(|m| &m.gateway_message_id == id) {
                    Some(message) => DeliveryReceipt {
                        gateway_message_id: id.clone(),
                        status: DeliveryStatus::Delivered,
                        at: message.at,
                    },
                    None => DeliveryReceipt {
                        gateway_message_id: id.clone(),
                        status: DeliveryStatus::Unknown,
                        at: now,
                    },
                },
            )
            .collect())
    }
}

/// The real gateway, over HTTP (see the module documentation for the protocol).
pub struct HttpSmsGateway {
    client: JsonClient,
    sign_name: String,
}

impl HttpSmsGateway {
    /// A client that signs every message with `sign_name` (such as `【山东法院】`).
    pub fn new(settings: HttpSettings, sign_name: impl Into<String>) -> HttpSmsGateway {
        HttpSmsGateway {
            client: JsonClient::new(SYSTEM, settings),
            sign_name: sign_name.into(),
        }
    }
}

#[derive(Serialize)]
struct SendRequest<'a> {
    phone: &'a str,
    sign_name: &'a str,
    content: &'a str,
}

#[derive(Deserialize)]
struct SendResponse {
    message_id: String,
}

#[derive(Serialize)]
struct ReceiptsRequest<'a> {
    message_ids: &'a [String],
}

#[derive(Deserialize)]
struct ReceiptsResponse {
    receipts: Vec<WireReceipt>,
}

#[derive(Deserialize)]
struct WireReceipt {
    message_id: String,
    status: String,
    at: DateTime<Utc>,
}

impl SmsGateway for HttpSmsGateway {
    fn send(&self, phone: &str, body: &str) -> Result<String, IntegrationError> {
        let phone = mobile(phone)?;
        let response: SendResponse = self.client.post(
            "/v1/messages",
            &SendRequest {
                phone: &phone.to_e164(),
                sign_name: &self.sign_name,
                content: body,
            },
        )?;
        if response.message_id.trim().is_empty() {
            return Err(self.client.protocol("an empty message_id".into()));
        }
        Ok(response.message_id)
    }

    fn receipts(
        &self,
        gateway_message_ids: &[String],
    ) -> Result<Vec<DeliveryReceipt>, IntegrationError> {
        let mut reported: HashMap<String, DeliveryReceipt> = HashMap::new();
        for batch in gateway_message_ids.chunks(RECEIPT_BATCH) {
            let response: ReceiptsResponse = self.client.post(
                "/v1/messages/receipts",
                &ReceiptsRequest { message_ids: batch },
            )?;
            for receipt in response.receipts {
                let status = DeliveryStatus::from_name(&receipt.status).ok_or_else(|| {
                    let shown: String = receipt.status.chars().take(40).collect();
                    self.client
                        .protocol(format!("unknown delivery status {shown:?}"))
                })?;
                reported.insert(
                    receipt.message_id.clone(),
                    DeliveryReceipt {
                        gateway_message_id: receipt.message_id,
                        status,
                        at: receipt.at,
                    },
                );
            }
        }
        let now = Utc::now();
        Ok(gateway_message_ids
            .iter()
            .map(|id| {
                reported
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| DeliveryReceipt {
                        gateway_message_id: id.clone(),
                        status: DeliveryStatus::Unknown,
                        at: now,
                    })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::{Value, json};

    use super::*;
    use crate::integrations::test_server::{Canned, TestServer};

    #[test]
    fn statuses_spell_as_the_gateway_does() {
        for status in [
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
            DeliveryStatus::Unknown,
        ] {
            assert_eq!(DeliveryStatus::from_name(status.as_str()), Some(status));
        }
        assert_eq!(DeliveryStatus::Delivered.as_str(), "delivered");
        assert_eq!(DeliveryStatus::Failed.as_str(), "failed");
        assert_eq!(DeliveryStatus::Unknown.as_str(), "unknown");
        assert_eq!(DeliveryStatus::from_name("pending"), None);
    }

    #[test]
    fn the_simulator_records_what_it_sends_and_delivers_it() {
        let gateway = SimulatedSmsGateway::new(Vec::new());
        let first = gateway.send("+86 139-0000-0001", "验证码 123456").unwrap();
        let second = gateway.send("13900000002", "您的案件已受理").unwrap();
        assert!(first.starts_with("sim-") && second.starts_with("sim-"));
        assert_ne!(first, second);
        let sent = gateway.sent();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].phone, "13900000001");
        assert_eq!(sent[0].body, "验证码 123456");
        assert_eq!(sent[0].gateway_message_id, first);
        assert_eq!(sent[1].phone, "13900000002");

        let receipts = gateway
            .receipts(&[second.clone(), "sim-elsewhere".into(), first.clone()])
            .unwrap();
        let seen: Vec<(&str, DeliveryStatus)> = receipts
            .iter()
            .map(|r| (r.gateway_message_id.as_str(), r.status))
            .collect();
        assert_eq!(
            seen,
            [
                (second.as_str(), DeliveryStatus::Delivered),
                ("sim-elsewhere", DeliveryStatus::Unknown),
                (first.as_str(), DeliveryStatus::Delivered),
            ]
        );
        assert_eq!(receipts[2].at, sent[0].at);
        assert!(gateway.receipts(&[]).unwrap().is_empty());
    }

    #[test]
    fn the_simulator_fails_the_configured_phones() {
        let gateway = SimulatedSmsGateway::new(vec!["139 0000 0009".into()]);
        let error = gateway.send("+8613900000009", "测试").unwrap_err();
        assert!(error.is_retryable(), "{error:?}");
        // The phone is masked in the reason.
        assert!(!error.to_string().contains("13900000009"), "{error}");
        assert!(error.to_string().contains("139****0009"), "{error}");
        assert!(gateway.sent().is_empty());
        assert!(gateway.send("13900000008", "测试").is_ok());
    }

    #[test]
    fn numbers_that_cannot_receive_texts_are_refused() {
        let gateway = SimulatedSmsGateway::new(Vec::new());
        for phone in ["0531-86123456", "12345", "", "+852 6123 4567"] {
            let error = gateway.send(phone, "测试").unwrap_err();
            assert!(
                matches!(error, IntegrationError::Protocol { .. }),
                "{phone}: {error:?}"
            );
        }
        assert!(gateway.sent().is_empty());
    }

    #[test]
    fn debug_hides_the_phone_and_the_body() {
        let gateway = SimulatedSmsGateway::new(Vec::new());
        gateway.send("13900000001", "验证码 654321").unwrap();
        let shown = format!("{:?}", gateway.sent());
        assert!(!shown.contains("13900000001"), "{shown}");
        assert!(!shown.contains("654321"), "{shown}");
    }

    #[test]
    fn the_real_client_sends_signed_messages_in_e164_form() {
        let server = TestServer::start(vec![Canned::json(200, r#"{"message_id": "gw-42"}"#)]);
        let gateway = HttpSmsGateway::new(HttpSettings::new(&server.url, "key-3"), "【山东法院】");
        assert_eq!(
            gateway.send("139 0000 0001", "验证码 123456").unwrap(),
            "gw-42"
        );
        let request = &server.requests()[0];
        assert_eq!(request.path, "/v1/messages");
        assert_eq!(request.header("x-api-key"), Some("key-3"));
        assert_eq!(
            serde_json::from_str::<Value>(&request.body).unwrap(),
            json!({"phone": "+8613900000001", "sign_name": "【山东法院】", "content": "验证码 123456"})
        );
    }

    #[test]
    fn the_real_client_refuses_bad_send_answers() {
        for body in [r#"{"message_id": ""}"#, r#"{"id": "x"}"#, "ok"] {
            let server = TestServer::start(vec![Canned::json(200, body)]);
            let gateway = HttpSmsGateway::new(HttpSettings::new(&server.url, "k"), "【山东法院】");
            let error = gateway.send("13900000001", "测试").unwrap_err();
            assert!(
                matches!(error, IntegrationError::Protocol { system: SYSTEM, .. }),
                "{body}: {error:?}"
            );
        }
        let gateway = HttpSmsGateway::new(
            HttpSettings::new(TestServer::closed_port_url(), "k"),
            "【山东法院】",
        );
        assert!(
            gateway
                .send("13900000001", "测试")
                .unwrap_err()
                .is_retryable()
        );
    }

    #[test]
    fn the_real_client_reads_receipts_in_batches_and_fills_gaps() {
        let ids: Vec<String> = (0..RECEIPT_BATCH + 2).map(|n| format!("gw-{n}")).collect();
        let server = TestServer::start(vec![
            Canned::json(
                200,
                r#"{"receipts": [
                    {"message_id": "gw-1", "status": "failed", "at": "2025-06-15T12:00:00+08:00"},
                    {"message_id": "gw-0", "status": "delivered", "at": "2025-06-15T12:01:00+08:00"},
                    {"message_id": "gw-999", "status": "delivered", "at": "2025-06-15T12:01:00+08:00"}
                ]}"#,
            ),
            Canned::json(
                200,
                r#"{"receipts": [{"message_id": "gw-101", "status": "unknown", "at": "2025-06-15T12:02:00Z"}]}"#,
            ),
        ]);
        let gateway = HttpSmsGateway::new(HttpSettings::new(&server.url, "k"), "【山东法院】");
        let receipts = gateway.receipts(&ids).unwrap();
        assert_eq!(receipts.len(), ids.len());
        assert_eq!(receipts[0].status, DeliveryStatus::Delivered);
        assert_eq!(
            receipts[0].at,
            Utc.with_ymd_and_hms(2025, 6, 15, 4, 1, 0).unwrap()
        );
        assert_eq!(receipts[1].status, DeliveryStatus::Failed);
        assert!(
            receipts[2..]
                .iter()
                .all(|r| r.status == DeliveryStatus::Unknown)
        );
        let order: Vec<&str> = receipts
            .iter()
            .map(|r| r.gateway_message_id.as_str())
            .collect();
        assert_eq!(order, ids.iter().map(String::as_str).collect::<Vec<_>>());

        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].path, "/v1/messages/receipts");
        let first: Value = serde_json::from_str(&requests[0].body).unwrap();
        let second: Value = serde_json::from_str(&requests[1].body).unwrap();
        assert_eq!(
            first["message_ids"].as_array().unwrap().len(),
            RECEIPT_BATCH
        );
        assert_eq!(second, json!({"message_ids": ["gw-100", "gw-101"]}));
        // Nothing to ask: no request.
        assert!(gateway.receipts(&[]).unwrap().is_empty());
        assert_eq!(server.requests().len(), 2);
    }

    #[test]
    fn the_real_client_refuses_unknown_statuses() {
        let server = TestServer::start(vec![Canned::json(
            200,
            r#"{"receipts": [{"message_id": "gw-1", "status": "sent", "at": "2025-06-15T12:00:00Z"}]}"#,
        )]);
        let gateway = HttpSmsGateway::new(HttpSettings::new(&server.url, "k"), "【山东法院】");
        let error = gateway.receipts(&["gw-1".into()]).unwrap_err();
        assert!(
            matches!(error, IntegrationError::Protocol { .. }),
            "{error:?}"
        );
    }
}
