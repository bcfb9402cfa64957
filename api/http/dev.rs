//! Development endpoints that drive the payment-platform simulators, so that a front end or
//! a test can play the payer and the platform. They exist only while both platforms are
//! simulated and `EFILING_DEV_ENDPOINTS` allows them (by default only with the embedded
//! development database), live outside `/api/v1` and are not part of the published
//! contract. Notifications go to the address the request came in on, never to one the
//! caller names.
//!
//! - `POST /dev/payment-simulator/{platform}/payments/{payment_id}` with
//!   `{"outcome": "paid" | "failed" | "awaiting_approval", "amount": "2300.00"?,
//!   "delivery": "now" | "later" | "hold" | "none", "times": 1, "delay_ms": 1000}`: the
//!   payer acts; the platform's signed notification is delivered `times` times at once
//!   (`now`, the default), after `delay_ms` (`later`), kept for a delivery on request
//!   (`hold`), or never sent (`none`: the status query must find it). An `amount` makes
//!   the platform report a different amount than the payment's.
//! - `POST /dev/payment-simulator/{platform}/held-notifications/delivery` with
//!   `{"order": "as_made" | "reversed", "times": 1}`: delivers what was held.
//!
//! Both answer the notifications (raw body and signature, to replay or tamper with) and
//! what each delivery got back.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::AppState;
use crate::domain::money::Money;
use crate::domain::payment::Platform;
use crate::errors::{ApiError, Code};
use crate::integrations::SimulatedPaymentPlatform;
use crate::integrations::payment_platform::{SignedNotification, SimulatedOutcome};

/// Registers the endpoints when a payment platform is simulated.
pub fn configure(config: &mut web::ServiceConfig, simulated: bool) {
    if simulated {
        config.service(
            web::scope("/dev/payment-simulator/{platform}")
                .route("/payments/{payment_id}", web::post().to(act))
                .route("/held-notifications/delivery", web::post().to(deliver_held)),
        );
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActRequest {
    outcome: String,
    amount: Option<String>,
    delivery: Option<String>,
    times: Option<u8>,
    /// With `"delivery": "later"`: how long the platform waits before delivering.
    delay_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliverRequest {
    order: Option<String>,
    times: Option<u8>,
}

#[derive(Debug, Serialize)]
struct Delivery {
    status: u16,
    body: String,
}

fn simulator(
    state: &AppState,
    platform: &str,
) -> Result<(Platform, std::sync::Arc<SimulatedPaymentPlatform>), ApiError> {
    let platform = Platform::parse(platform).ok_or_else(|| ApiError::new(Code::RouteNotFound))?;
    let simulator = state
        .integrations
        .payments
        .simulator(platform)
        .ok_or_else(|| ApiError::new(Code::RouteNotFound))?
        .clone();
    Ok((platform, simulator))
}

fn notify_url(req: &HttpRequest, platform: Platform) -> String {
    let local = req.app_config().local_addr();
    let host = match local.ip() {
        ip if ip.is_unspecified() => format!("127.0.0.1:{}", local.port()),
        _ => local.to_string(),
    };
    format!(
        "http://{host}/api/v1/payment-notifications/{}",
        platform.as_str()
    )
}

fn times(value: Option<u8>) -> Result<u8, ApiError> {
    match value.unwrap_or(1) {
        times @ 1..=5 => Ok(times),
        _ => Err(ApiError::field("times", Code::ChoiceInvalid)),
    }
}

async fn deliver_all(
    simulator: std::sync::Arc<SimulatedPaymentPlatform>,
    url: String,
    notifications: Vec<SignedNotification>,
    times: u8,
) -> Result<Vec<Delivery>, ApiError> {
    web::block(move || {
        let mut deliveries = Vec::new();
        for notification in &notifications {
            for _ in 0..times {
                let (status, body) = simulator
                    .deliver(&url, notification)
                    .map_err(ApiError::internal)?;
                deliveries.push(Delivery { status, body });
            }
        }
        Ok(deliveries)
    })
    .await?
}

async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
    body: web::Json<ActRequest>,
) -> Result<HttpResponse, ApiError> {
    let (platform, payment_id) = path.into_inner();
    let (platform, simulator) = simulator(&state, &platform)?;
    let body = body.into_inner();
    let amount = match body.amount.as_deref() {
        None => None,
        Some(text) => Some(Money::parse(text).map_err(|code| ApiError::field("amount", code))?),
    };
    let outcome = match body.outcome.as_str() {
        "paid" => SimulatedOutcome::Paid { amount },
        "failed" => SimulatedOutcome::Failed,
        "awaiting_approval" => SimulatedOutcome::AwaitingApproval,
        _ => return Err(ApiError::field("outcome", Code::ChoiceInvalid)),
    };
    let times = times(body.times)?;
    let delivery = body.delivery.as_deref().unwrap_or("now");
    if !matches!(delivery, "now" | "later" | "hold" | "none") {
        return Err(ApiError::field("delivery", Code::ChoiceInvalid));
    }
    let notification = simulator
        .act(&payment_id.simple().to_string(), outcome, Utc::now())
        .map_err(|e| {
            ApiError::new(Code::ChoiceInvalid).with_detail(e.to_string(), e.to_string())
        })?;
    let deliveries = match delivery {
        "now" => {
            deliver_all(
                simulator,
                notify_url(&req, platform),
                vec![notification.clone()],
                times,
            )
            .await?
        }
        "later" => {
            // Delivered from a thread of its own after the delay, as a slow platform does;
            // what the delivery got back is only logged.
            let delay =
                std::time::Duration::from_millis(body.delay_ms.unwrap_or(1000).min(600_000));
            let url = notify_url(&req, platform);
            let delayed = notification.clone();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                for _ in 0..times {
                    if let Err(error) = simulator.deliver(&url, &delayed) {
                        tracing::warn!(error = %error, "simulated delayed delivery failed");
                    }
                }
            });
            Vec::new()
        }
        "hold" => {
            simulator.hold(vec![notification.clone()]);
            Vec::new()
        }
        _ => Vec::new(),
    };
    Ok(HttpResponse::Ok().json(json!({
        "notification": notification,
        "deliveries": deliveries,
    })))
}

async fn deliver_held(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<DeliverRequest>,
) -> Result<HttpResponse, ApiError> {
    let (platform, simulator) = simulator(&state, &path.into_inner())?;
    let body = body.into_inner();
    let times = times(body.times)?;
    let mut held = simulator.take_held();
    match body.order.as_deref().unwrap_or("as_made") {
        "as_made" => {}
        "reversed" => held.reverse(),
        _ => return Err(ApiError::field("order", Code::ChoiceInvalid)),
    }
    let deliveries =
        deliver_all(simulator, notify_url(&req, platform), held.clone(), times).await?;
    Ok(HttpResponse::Ok().json(json!({
        "notifications": held,
        "deliveries": deliveries,
    })))
}
