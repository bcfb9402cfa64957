//! Paying court fees: the account's fee orders, the channels of an order, starting a
//! payment, the payment platforms' notifications, and refunds by the court.

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::documents::voucher::render;
use crate::domain::money::Money;
use crate::domain::payment::{ChannelOption, FeeOrderStatus, Platform};
use crate::domain::text::trim_blanks;
use crate::errors::{ApiError, Code};
use crate::http::AppState;
use crate::http::auth::{Caller, Judge};
use crate::http::pagination::{Page, PageParams};
use crate::http::problem::Problem;
use crate::http::uploads::attachment;
use crate::http::v1::cases::FeeOrderView;
use crate::integrations::payment_platform::SIGNATURE_HEADER;
use crate::services::payments::{self as service, PaymentChoice, RefundAsk};
use crate::store::fee_orders::{self, AccountOrder, AccountOrderFilter};
use crate::store::payments::{PaymentRow, RefundRow};

fn yuan(fen: i64) -> String {
    Money::from_fen(fen)
        .map(|m| m.to_string())
        .unwrap_or_default()
}

/// A fee order in the account's list: the order with its case number and court.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountFeeOrderView {
    #[serde(flatten)]
    pub order: FeeOrderView,
    /// The case number (absent for kinds that join an existing case).
    #[schema(example = "（2026）鲁0102民初1号")]
    pub case_number: Option<String>,
    #[schema(example = "济南市历下区人民法院")]
    pub court_name: String,
}

impl From<&AccountOrder> for AccountFeeOrderView {
    fn from(row: &AccountOrder) -> AccountFeeOrderView {
        AccountFeeOrderView {
            order: FeeOrderView::from(&row.order),
            case_number: row.case_number.clone(),
            court_name: row.court_name.clone(),
        }
    }
}

/// A payment of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentView {
    pub id: Uuid,
    pub fee_order_id: Uuid,
    /// `provincial` or `qingdao`.
    pub platform: String,
    pub channel: String,
    pub bank: Option<String>,
    #[schema(example = "2300.00")]
    pub amount: String,
    /// `started`, `in_progress` (e.g. waiting for a corporate second approver), `paid` or
    /// `failed`.
    pub status: String,
    /// Open it to pay (web).
    pub pay_url: Option<String>,
    /// Show it as a QR code to scan (WeChat Pay, Alipay).
    pub qr_code: Option<String>,
    /// The platform's own order id.
    pub platform_order_id: Option<String>,
    /// The platform's transaction id, once paid.
    pub transaction_id: Option<String>,
    /// The payment platform's voucher, once paid.
    pub voucher_url: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    /// Set when the money awaits a refund review: `duplicate_payment` or `after_expiry`.
    pub review_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&PaymentRow> for PaymentView {
    fn from(row: &PaymentRow) -> PaymentView {
        PaymentView {
            id: row.id,
            fee_order_id: row.fee_order_id,
            platform: row.platform.clone(),
            channel: row.channel.clone(),
            bank: row.bank.clone(),
            amount: yuan(row.amount_fen),
            status: row.status.clone(),
            pay_url: row.pay_url.clone(),
            qr_code: row.qr_code.clone(),
            platform_order_id: row.platform_order_id.clone(),
            transaction_id: row.transaction_id.clone(),
            voucher_url: row.voucher_url.clone(),
            paid_at: row.paid_at,
            review_reason: row.review_reason.clone(),
            created_at: row.created_at,
        }
    }
}

/// A refund of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefundView {
    pub id: Uuid,
    pub fee_order_id: Uuid,
    #[schema(example = "30.00")]
    pub amount: String,
    pub refundee_name: String,
    pub reason: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<&RefundRow> for RefundView {
    fn from(row: &RefundRow) -> RefundView {
        RefundView {
            id: row.id,
            fee_order_id: row.fee_order_id,
            amount: yuan(row.amount_fen),
            refundee_name: row.refundee_name.clone(),
            reason: row.reason.clone(),
            status: row.status.clone(),
            failure_reason: row.failure_reason.clone(),
            created_at: row.created_at,
            completed_at: row.completed_at,
        }
    }
}

/// A fee order with its payments and refunds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeOrderDetailView {
    #[serde(flatten)]
    pub order: AccountFeeOrderView,
    pub payments: Vec<PaymentView>,
    pub refunds: Vec<RefundView>,
}

/// Filters of the account's fee orders.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountOrderQuery {
    /// Only orders in this status (`awaiting_payment` lists what is to be paid).
    pub status: Option<String>,
    /// Only orders of this court.
    pub court_code: Option<String>,
    /// Only the orders of this case number (exactly as printed).
    pub case_number: Option<String>,
    /// Only the order with this number.
    pub order_number: Option<String>,
}

fn filled(value: Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(trim_blanks)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// List my fee orders
///
/// The fee orders of the caller's cases, newest first: court, order number, case number,
/// items, total, payer, status and notice expiry. `status=awaiting_payment` lists what is
/// still to be paid ("online payment").
#[utoipa::path(
    tag = "fees",
    security(("bearer" = [])),
    params(AccountOrderQuery, PageParams),
    responses(
        (status = 200, description = "One page of orders.", body = Page<AccountFeeOrderView>),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: a bad filter or page.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/fee-orders")]
pub async fn list_fee_orders(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AccountOrderQuery>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<AccountFeeOrderView>>, ApiError> {
    let request = page.validate()?;
    let query = query.into_inner();
    let status = match filled(query.status) {
        None => None,
        Some(raw) => Some(
            FeeOrderStatus::parse(&raw)
                .ok_or_else(|| ApiError::field("status", Code::ChoiceInvalid))?
                .as_str()
                .to_owned(),
        ),
    };
    let filter = AccountOrderFilter {
        status,
        court_code: filled(query.court_code),
        case_number: filled(query.case_number),
        order_number: filled(query.order_number),
    };
    let account = caller.id();
    let (rows, total) = state
        .with_conn(move |conn| {
            Ok(fee_orders::for_account(
                conn,
                account,
                &filter,
                request.offset(),
                request.limit(),
            )?)
        })
        .await?;
    Ok(web::Json(Page::new(
        rows.iter().map(AccountFeeOrderView::from).collect(),
        request,
        total,
    )))
}

/// Get one of my fee orders
///
/// With its payments (channel, status, the platform's voucher link once paid) and refunds.
#[utoipa::path(
    tag = "fees",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Fee order id.")),
    responses(
        (status = 200, description = "The order.", body = FeeOrderDetailView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`fee_order.not_found` (also another account's).", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/fee-orders/{id}")]
pub async fn get_fee_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<FeeOrderDetailView>, ApiError> {
    let id = id.into_inner();
    let account = caller.id();
    let detail = state
        .with_conn(move |conn| service::order_for_account(conn, id, account))
        .await?;
    Ok(web::Json(FeeOrderDetailView {
        order: AccountFeeOrderView::from(&detail.order),
        payments: detail.payments.iter().map(PaymentView::from).collect(),
        refunds: detail.refunds.iter().map(RefundView::from).collect(),
    }))
}

/// A bank of an online-banking channel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BankOptionView {
    /// `icbc`, `abc`, `boc`, `ccb`, `cmb`, `psbc`, `citic` or `bocom`.
    pub bank: &'static str,
    pub name: &'static str,
    /// `false`: shown but not selectable (the local finance bureau has no account there).
    pub available: bool,
}

/// A channel an order may be paid with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChannelView {
    /// `wechat_pay`, `alipay`, `corporate_banking`, `unionpay`, `personal_banking`
    /// (provincial flow, totals above 200,000 yuan) or `online_banking` (Qingdao flow).
    pub channel: &'static str,
    pub name: &'static str,
    /// The banks to choose from, for the online-banking channels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub banks: Vec<BankOptionView>,
}

impl From<&ChannelOption> for ChannelView {
    fn from(option: &ChannelOption) -> ChannelView {
        ChannelView {
            channel: option.channel.as_str(),
            name: option.channel.name_zh(),
            banks: option
                .banks
                .iter()
                .map(|b| BankOptionView {
                    bank: b.bank.as_str(),
                    name: b.bank.name_zh(),
                    available: b.available,
                })
                .collect(),
        }
    }
}

/// The channels of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChannelsView {
    pub fee_order_id: Uuid,
    /// `provincial` (the non-tax payment platform) or `qingdao` (the Qingdao intermediate
    /// court and its basic courts).
    pub platform: &'static str,
    #[schema(example = "2300.00")]
    pub total: String,
    pub channels: Vec<ChannelView>,
}

/// List the payment channels of one of my fee orders
///
/// Outside the Qingdao fee jurisdiction: WeChat Pay, Alipay, corporate online banking and
/// UnionPay, plus personal online banking when the total exceeds 200,000 yuan, with its
/// seven banks, each marked available or not. Inside it (鲁02 and its basic courts): Alipay,
/// WeChat Pay and the online banking of ICBC, Bank of Communications, CCB, ABC and BOC.
#[utoipa::path(
    tag = "fees",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Fee order id.")),
    responses(
        (status = 200, description = "The channels.", body = ChannelsView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`fee_order.not_found` (also another account's).", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/fee-orders/{id}/channels")]
pub async fn list_fee_order_channels(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChannelsView>, ApiError> {
    let id = id.into_inner();
    let account = caller.id();
    let (order, platform, options) = state
        .with_conn(move |conn| {
            let order = fee_orders::find_for_account(conn, id, account)?
                .ok_or_else(|| ApiError::new(Code::FeeOrderNotFound))?;
            let (platform, options) = service::channels(conn, &order.order)?;
            Ok((order, platform, options))
        })
        .await?;
    Ok(web::Json(ChannelsView {
        fee_order_id: order.order.id,
        platform: platform.as_str(),
        total: yuan(order.order.total_fen),
        channels: options.iter().map(ChannelView::from).collect(),
    }))
}

/// A payment to start.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartPaymentRequest {
    /// One of the order's channels (`GET /api/v1/fee-orders/{id}/channels`).
    #[schema(example = "wechat_pay")]
    pub channel: String,
    /// With `personal_banking` and `online_banking`: an available bank of the channel.
    pub bank: Option<String>,
}

/// Pay one of my fee orders
///
/// Starts a payment at the platform of the court's fee jurisdiction and answers what the
/// payer needs: the page to open (`pay_url`) or the QR payload to scan (`qr_code`). The
/// order becomes paid when the platform confirms it (shown as `paid_awaiting_settlement`);
/// follow it with `GET /api/v1/fee-orders/{id}`. Honours `Idempotency-Key`.
#[utoipa::path(
    tag = "fees",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Fee order id."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe: the first answer is given again.")
    ),
    request_body = StartPaymentRequest,
    responses(
        (status = 201, description = "The payment, with where to pay.", body = PaymentView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`fee_order.not_found` (also another account's).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`fee_order.notice_expired` (contact the court), `fee_order.already_paid`, `fee_order.not_payable`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`payment.channel_unknown`, `payment.channel_unavailable`, `payment.bank_required`, `payment.bank_not_expected`, `payment.bank_unavailable`, `payer.not_plaintiff` (the court must correct the order).", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`payment.platform_unavailable` (with `payment_id`): the platform did not answer. Its payment, if it made one, is found by the status query and shows on the order; try again.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/fee-orders/{id}/payments")]
pub async fn start_payment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<StartPaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let account = caller.id();
    let platforms = state.integrations.payments.clone();
    let choice = PaymentChoice {
        channel: body.channel,
        bank: body.bank,
    };
    let payment = state
        .blocking(move |pool| service::start(pool, &platforms, account, id, &choice, Utc::now()))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/fee-orders/{}", payment.fee_order_id),
        ))
        .json(PaymentView::from(&payment)))
}

/// Receive a payment platform's notification
///
/// Called by the payment platforms, not by people. The body is verified by its
/// `X-Signature` (hex HMAC-SHA256 of the raw body under the platform's secret), then applied
/// exactly once, whatever the number and order of deliveries. The answer is the
/// acknowledgement the platform expects: provincial `{"code":"SUCCESS"}` or
/// `{"code":"FAIL"}`, Qingdao `success` or `fail` (plain text), always with status 200.
#[utoipa::path(
    tag = "fees",
    params(
        ("platform" = String, Path, description = "`provincial` or `qingdao`."),
        ("X-Signature" = String, Header, description = "Hex HMAC-SHA256 of the body.")
    ),
    request_body(content = String, content_type = "application/json", description = "The platform's notification."),
    responses(
        (status = 200, description = "The acknowledgement the platform expects.", body = String),
        (status = 404, description = "`route.not_found`: an unknown platform.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/payment-notifications/{platform}")]
pub async fn receive_payment_notification(
    state: web::Data<AppState>,
    req: HttpRequest,
    platform: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let platform = Platform::parse(&platform).ok_or_else(|| ApiError::new(Code::RouteNotFound))?;
    let signature = req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let platforms = state.integrations.payments.clone();
    let ack = state
        .with_conn(move |conn| {
            service::receive_notification(
                conn,
                &platforms,
                platform,
                signature.as_deref(),
                &body,
                Utc::now(),
            )
        })
        .await?;
    Ok(HttpResponse::build(
        actix_web::http::StatusCode::from_u16(ack.status)
            .unwrap_or(actix_web::http::StatusCode::OK),
    )
    .insert_header(ContentType(ack.content_type.parse().unwrap_or(mime_json())))
    .body(ack.body))
}

fn mime_json() -> actix_web::mime::Mime {
    actix_web::mime::APPLICATION_JSON
}

/// A refund to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequestBody {
    /// Yuan with at most two decimals, more than zero; refunds of an order never add up to
    /// more than was paid.
    #[schema(example = "30.00")]
    pub amount: String,
    /// Why (e.g. the case was withdrawn: half the acceptance fee is returned).
    pub reason: String,
}

/// Refund a fee order
///
/// For judges of the order's court: returns part or all of a paid order to its refundee,
/// through the platform that took the payment. Each refund has its own status; the
/// refundee's filing account gets an SMS when it succeeds.
#[utoipa::path(
    tag = "court",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Fee order id."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request safe: the first answer is given again.")
    ),
    request_body = RefundRequestBody,
    responses(
        (status = 201, description = "The refund, `succeeded`, `pending` (the platform completes it later) or `failed` (refused by the platform).", body = RefundView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not a judge.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`fee_order.not_found` (also another court's).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`fee_order.not_paid`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`refund.amount_invalid`, `refund.exceeds_paid` (with `refundable`), `refund.reason_required`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/fee-orders/{id}/refunds")]
pub async fn refund_fee_order(
    state: web::Data<AppState>,
    judge: Judge,
    id: web::Path<Uuid>,
    body: web::Json<RefundRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let amount =
        Money::parse(body.amount.trim()).map_err(|_| ApiError::new(Code::RefundAmountInvalid))?;
    let judge_id = judge.caller.id();
    let court = judge.court_code.clone();
    let platforms = state.integrations.payments.clone();
    let refund = state
        .blocking(move |pool| {
            service::refund(
                pool,
                &platforms,
                &RefundAsk {
                    judge: judge_id,
                    court: &court,
                    order_id: id,
                    amount,
                    reason: &body.reason,
                },
                Utc::now(),
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(RefundView::from(&refund)))
}

/// Download the payment voucher of one of my fee orders
///
/// A one-page PDF of our own with the facts of the payment — court, case number, order
/// number, payer, items, total in figures and in capital numerals, channel, time and the
/// platform's transaction id — for a paid order. The payment platform's own voucher is the
/// `voucher_url` of the order's paying payment.
#[utoipa::path(
    tag = "fees",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Fee order id.")),
    responses(
        (status = 200, description = "The voucher.", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`fee_order.not_found` (also another account's).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`fee_order.not_paid`.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`voucher.unavailable`: the voucher font is missing on the server.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/fee-orders/{id}/voucher")]
pub async fn download_fee_order_voucher(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let account = caller.id();
    let voucher = state
        .with_conn(move |conn| service::voucher_of(conn, id, account, Utc::now()))
        .await?;
    let name = format!("交费凭证-{}.pdf", voucher.order_number);
    // Reading the font (on first use) and laying out the page stay off the HTTP workers.
    let fonts = state.clone();
    let pdf = web::block(move || {
        let font = fonts.voucher_font()?;
        render(&voucher, &font).map_err(ApiError::internal)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(attachment(&name))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(pdf))
}
