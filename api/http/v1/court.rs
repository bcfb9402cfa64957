//! The court's side: the review queue, review, docketing with case number and fee, the fee
//! quote, and the court's payment overview.

use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::fees::{self, FeeQuote};
use crate::domain::kinds::{KindLookup, lookup_kind};
use crate::domain::payment::FeeOrderStatus;
use crate::domain::text::trim_blanks;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::Judge;
use crate::http::body::OptionalJson;
use crate::http::pagination::{Page, PageParams};
use crate::http::problem::Problem;
use crate::http::v1::cases::{CaseSummary, CaseView, FeeOrderView, summary_fields};
use crate::services::court::{self as service, ChosenItem, Docketing, QuoteRequest, Review};
use crate::services::filings::detail_of;
use crate::store::audit::Actor;
use crate::store::{fee_orders, filings};

/// The largest `min_days_waiting` (ten years).
const MAX_DAYS_WAITING: u16 = 3650;

/// Filters of the review queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only filings of this kind.
    pub kind: Option<String>,
    /// Only filings waiting at least this many days (0 to 3650).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 3650)]
    pub min_days_waiting: Option<String>,
}

/// List the review queue
///
/// The submitted filings of the judge's own court that wait for review, the longest
/// waiting first, optionally of one kind and waiting at least some days.
#[utoipa::path(
    tag = "court",
    security(("bearer" = [])),
    params(QueueQuery, PageParams),
    responses(
        (status = 200, description = "One page of the queue.", body = Page<CaseSummary>),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not a judge.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: a bad filter or page.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/review-queue")]
pub async fn list_review_queue(
    state: web::Data<AppState>,
    judge: Judge,
    query: web::Query<QueueQuery>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<CaseSummary>>, ApiError> {
    let request = page.validate()?;
    let mut errors = Vec::new();
    let kind = match query
        .kind
        .as_deref()
        .map(trim_blanks)
        .filter(|k| !k.is_empty())
    {
        None => None,
        Some(raw) => match lookup_kind(raw) {
            KindLookup::Online(kind) => Some(kind.as_str()),
            _ => {
                errors.push(FieldError::new("kind", Code::FilingKindInvalid));
                None
            }
        },
    };
    let before = match query
        .min_days_waiting
        .as_deref()
        .map(trim_blanks)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(raw) => match raw.parse::<u16>() {
            Ok(days) if days <= MAX_DAYS_WAITING => {
                Some(Utc::now() - Duration::days(i64::from(days)))
            }
            _ => {
                errors.push(FieldError::new(
                    "min_days_waiting",
                    Code::DaysWaitingInvalid,
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let court = judge.court_code.clone();
    let state2 = state.clone();
    let (rows, total, catalogue) = state
        .with_conn(move |conn| {
            let (rows, total) = filings::review_queue(
                conn,
                &court,
                kind,
                before,
                request.offset(),
                request.limit(),
            )?;
            Ok((rows, total, state2.catalogue(conn)?))
        })
        .await?;
    let items = rows
        .iter()
        .map(|row| CaseSummary::from(summary_fields(row, &catalogue)))
        .collect();
    Ok(web::Json(Page::new(items, request, total)))
}

/// A review decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "reject", "reason_code": "materials_incomplete",
    "reason": "证据材料不全", "materials_to_supplement": ["evidence"]}))]
pub struct ReviewRequest {
    /// `approve` or `reject`.
    pub decision: Option<String>,
    /// Required to reject: `materials_incomplete`, `materials_unclear`, `parties_incorrect`,
    /// `claims_unclear`, `no_jurisdiction`, `not_a_court_matter`, `duplicate_filing` or
    /// `other`.
    pub reason_code: Option<String>,
    /// Free text for the filer (required with `other`), at most 500 characters.
    pub reason: Option<String>,
    /// Material categories the filer is to supplement.
    #[serde(default)]
    pub materials_to_supplement: Vec<String>,
}

/// Review a filing
///
/// Approves or rejects a submitted filing of the judge's court. A rejection needs a coded
/// reason (and free text with `other`), optionally naming the materials to supplement; the
/// filer can correct and submit again. The filing account's phone gets an SMS either way.
/// Approval shows no payment channel yet: that comes with docketing.
#[utoipa::path(
    tag = "court",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Filing id.")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The reviewed filing.", body = CaseView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not a judge.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found` (also another court's filing).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_awaiting_review`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/review")]
pub async fn review_case(
    state: web::Data<AppState>,
    judge: Judge,
    id: web::Path<Uuid>,
    body: web::Json<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let review = Review {
        decision: body.decision,
        reason_code: body.reason_code,
        reason: body.reason,
        materials_to_supplement: body.materials_to_supplement,
    };
    let account = judge.caller.account().clone();
    let court = judge.court_code.clone();
    let actor = Actor::account(account.id);
    let state2 = state.clone();
    let (detail, catalogue) = state
        .transaction(move |conn| {
            let row = service::review(conn, &account, &court, id, &review, &actor, Utc::now())?;
            Ok((detail_of(conn, row)?, state2.catalogue(conn)?))
        })
        .await?;
    Ok(crate::http::v1::cases::answer(200, &detail, &catalogue))
}

/// The inputs of a fee quote.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteInputs {
    /// `property`, `divorce`, `personality_rights`, `other_non_property`,
    /// `intellectual_property`, `labour`, `administrative_special`, `administrative_other`
    /// or `administrative_compensation`. Defaults: property when an amount is given (civil),
    /// `administrative_other` (administrative kinds).
    pub category: Option<String>,
    /// Yuan: the amount claimed, appealed, to preserve, to enforce, or the property to
    /// divide (divorce) or damages (personality rights).
    #[schema(example = "1000000.00")]
    #[param(example = "1000000.00")]
    pub amount: Option<String>,
    /// `ordinary` (default) or `simplified` (half the acceptance fee).
    pub procedure: Option<String>,
}

/// A fee item the judge sets.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeItemChoice {
    /// `acceptance_fee`, `appeal_fee` or `application_fee`.
    pub item: String,
    #[schema(example = "13800.00")]
    pub amount: String,
}

/// Docketing: the fee and who pays it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"quote": {"amount": "1000000.00"}, "notice_days": 7}))]
pub struct DocketingRequest {
    /// The fee items; by default the platform's proposal when it fixes every amount. An
    /// empty list (or zero amounts) accepts the case without a fee.
    pub fee_items: Option<Vec<FeeItemChoice>>,
    /// Inputs of the proposal; by default what the filing states.
    pub quote: Option<QuoteInputs>,
    /// Required (at most 500 characters) when the items, or the quote inputs, depart from
    /// the proposal made from what the filing states.
    pub override_reason: Option<String>,
    /// By default the filer's choice; must be a party on the filer's side.
    pub payer_party_id: Option<Uuid>,
    /// By default the filer's choice; must be a party on the filer's side.
    pub refundee_party_id: Option<Uuid>,
    /// Days the payment notice runs, 1 to 30 (default 7).
    pub notice_days: Option<i64>,
}

/// The registered case.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocketingResult {
    pub case: CaseView,
    /// The fee order; null when the case was accepted without a fee.
    pub fee_order: Option<FeeOrderView>,
}

/// Register a case (docketing)
///
/// On an approved filing of the judge's court: assigns the case number — the next of the
/// court's sequence for the year and type code, never duplicated, without gaps, never a
/// number registered at the counter — and a registration number (random, 12 digits), and
/// sets the fee. The fee items default to the platform's proposal (`GET /api/v1/fee-quote`)
/// when it fixes every amount; items that depart from it need an `override_reason`. The
/// payer and refundee must be parties on the filer's side (`payer.not_plaintiff`). A fee
/// creates the fee order (payment notice, 7 days by default), moves the filing to
/// `awaiting_payment` and tells the filer by SMS; no fee accepts the case at once.
#[utoipa::path(
    tag = "court",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Filing id.")),
    request_body = DocketingRequest,
    responses(
        (status = 200, description = "The registered case and its fee order.", body = DocketingResult),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not a judge.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found` (also another court's filing).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_approved`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: `payer.not_plaintiff`, `fee.override_reason_required`, `fee.amount_choice_required`, …", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/docketing")]
pub async fn docket_case(
    state: web::Data<AppState>,
    judge: Judge,
    id: web::Path<Uuid>,
    body: OptionalJson<DocketingRequest>,
) -> Result<web::Json<DocketingResult>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let docketing = Docketing {
        fee_items: body.fee_items.map(|items| {
            items
                .into_iter()
                .map(|i| ChosenItem {
                    item: i.item,
                    amount: i.amount,
                })
                .collect()
        }),
        quote: body.quote.map(|q| QuoteRequest {
            category: q.category,
            amount: q.amount,
            procedure: q.procedure,
        }),
        override_reason: body.override_reason,
        payer_party_id: body.payer_party_id,
        refundee_party_id: body.refundee_party_id,
        notice_days: body.notice_days,
    };
    let account = judge.caller.account().clone();
    let court = judge.court_code.clone();
    let actor = Actor::account(account.id);
    let state2 = state.clone();
    let (detail, order, catalogue) = state
        .transaction(move |conn| {
            let (row, order) =
                service::docket(conn, &account, &court, id, &docketing, &actor, Utc::now())?;
            Ok((detail_of(conn, row)?, order, state2.catalogue(conn)?))
        })
        .await?;
    Ok(web::Json(DocketingResult {
        case: CaseView::new(&detail, &catalogue),
        fee_order: order.as_ref().map(FeeOrderView::from),
    }))
}

/// The kind a quote is for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteKind {
    /// One of the online kinds.
    #[param(example = "civil_first_instance")]
    pub kind: Option<String>,
    /// Civil special procedures: the type code, 0310–0323.
    pub special_procedure_type: Option<String>,
}

/// Quote the court fee
///
/// What a filing costs under the national rules on litigation costs (2007): each item with
/// its amount — or, where the rules give a range, the range the judge chooses from — and
/// the rule applied, the total, and what is due before the case is accepted. Anyone may
/// ask, so that a filer knows the cost before filing; judges start from it when docketing.
#[utoipa::path(
    tag = "reference",
    params(QuoteKind, QuoteInputs),
    responses(
        (status = 200, description = "The quote.", body = FeeQuote),
        (status = 422, description = "`validation.failed`: every bad or missing input.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/fee-quote")]
pub async fn quote_fee(
    kind_query: web::Query<QuoteKind>,
    inputs: web::Query<QuoteInputs>,
) -> Result<web::Json<FeeQuote>, ApiError> {
    let kind = match kind_query
        .kind
        .as_deref()
        .map(trim_blanks)
        .filter(|k| !k.is_empty())
    {
        None => return Err(ApiError::field("kind", Code::FieldRequired)),
        Some(raw) => match lookup_kind(raw) {
            KindLookup::Online(kind) => kind,
            KindLookup::Offline(_) => return Err(ApiError::field("kind", Code::FilingOfflineOnly)),
            KindLookup::Unknown => return Err(ApiError::field("kind", Code::FilingKindInvalid)),
        },
    };
    let request = QuoteRequest {
        category: inputs.category.clone(),
        amount: inputs.amount.clone(),
        procedure: inputs.procedure.clone(),
    };
    // The special procedure is read where a filing keeps it.
    let special = kind_query
        .special_procedure_type
        .as_deref()
        .map(trim_blanks)
        .filter(|s| !s.is_empty());
    let content = serde_json::json!({ "special_procedure_type": special });
    let inputs =
        service::fee_inputs(kind, &request, Some(&content)).map_err(ApiError::validation)?;
    Ok(web::Json(
        fees::quote(&inputs).map_err(ApiError::validation)?,
    ))
}

/// Filters of the payment overview.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// Only orders in this status.
    pub status: Option<String>,
}

/// List the court's fee orders
///
/// The payment overview of the judge's court: every fee order, newest first, with its
/// status, channel and times (paid, settled, refunded), optionally of one status.
#[utoipa::path(
    tag = "court",
    security(("bearer" = [])),
    params(OrderQuery, PageParams),
    responses(
        (status = 200, description = "One page of orders.", body = Page<FeeOrderView>),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not a judge.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/court/fee-orders")]
pub async fn list_court_fee_orders(
    state: web::Data<AppState>,
    judge: Judge,
    query: web::Query<OrderQuery>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<FeeOrderView>>, ApiError> {
    let request = page.validate()?;
    let status = match query
        .status
        .as_deref()
        .map(trim_blanks)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => Some(
            FeeOrderStatus::parse(raw)
                .ok_or_else(|| ApiError::field("status", Code::ChoiceInvalid))?
                .as_str(),
        ),
    };
    let court = judge.court_code.clone();
    let (rows, total) = state
        .with_conn(move |conn| {
            Ok(fee_orders::for_court(
                conn,
                &court,
                status,
                request.offset(),
                request.limit(),
            )?)
        })
        .await?;
    Ok(web::Json(Page::new(
        rows.iter().map(FeeOrderView::from).collect(),
        request,
        total,
    )))
}

/// A new payment notice.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueRequest {
    /// Days the new notice runs, 1 to 30 (default 7).
    pub notice_days: Option<i64>,
}

/// Issue a new payment notice
///
/// For a fee order of the judge's court whose notice ran out unpaid: a new order with the
/// same items, payer and refundee and a new expiry; the old one stays `expired`. The filer
/// is told by SMS.
#[utoipa::path(
    tag = "court",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Fee order id.")),
    request_body = ReissueRequest,
    responses(
        (status = 201, description = "The new order.", body = FeeOrderView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not a judge.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`fee_order.not_found` (also another court's).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`fee_order.not_expired`, `fee_order.replaced` (with `replaced_by`) or `filing.not_awaiting_payment`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: `fee.notice_days_invalid`, `payer.not_plaintiff`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/fee-orders/{id}/reissue")]
pub async fn reissue_fee_order(
    state: web::Data<AppState>,
    judge: Judge,
    id: web::Path<Uuid>,
    body: OptionalJson<ReissueRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let notice_days = body.into_inner().notice_days;
    let account = judge.caller.account().clone();
    let court = judge.court_code.clone();
    let actor = Actor::account(account.id);
    let order = state
        .transaction(move |conn| {
            service::reissue(conn, &account, &court, id, notice_days, &actor, Utc::now())
        })
        .await?;
    Ok(HttpResponse::Created().json(FeeOrderView::from(&order)))
}
