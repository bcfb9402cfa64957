//! Online filing ("cases"): drafts, parties, materials, the check and the submission, and
//! the filer's list of cases.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::agent::AgentInput;
use crate::domain::calendar::shanghai_date;
use crate::domain::case_number::CaseNumber;
use crate::domain::catalogue::Catalogue;
use crate::domain::filing_status::FilingStatus;
use crate::domain::kinds::{FilingKind, KindLookup, lookup_kind};
use crate::domain::materials::Category;
use crate::domain::money::Money;
use crate::domain::party::PartyInput;
use crate::domain::text::{fold_code, trim_blanks};
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::pagination::{Items, Page, PageParams};
use crate::http::problem::{Problem, ProblemField};
use crate::http::v1::materials::MaterialView;
use crate::services::court as court_service;
use crate::services::filings::{self as service, FilingDetail, Precondition};
use crate::store::accounts::Role;
use crate::store::audit::Actor;
use crate::store::fee_orders::FeeOrderRow;
use crate::store::filings::{
    self as store, AgentRecord, AttachedMaterial, FilingFilter, FilingRow, PartyRow,
};

/// The service address confirmation (送达地址确认书).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceAddress {
    pub address: String,
    /// Who receives documents there.
    pub recipient: String,
    /// Mainland mobile number.
    pub phone: String,
    pub email: Option<String>,
    /// Whether the recipient consents to electronic service.
    pub electronic_service_consent: bool,
}

/// A guarantee offered for a preservation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Guarantee {
    /// `cash`, `property`, `guarantee_insurance`, `bank_guarantee`, `guarantor` or `none`
    /// (`none` is refused before litigation).
    #[serde(rename = "type")]
    pub guarantee_type: String,
    pub description: Option<String>,
}

/// What a preservation asks to be preserved.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Preservation {
    /// The property to preserve, described.
    pub property: String,
    /// Yuan, two decimals, above zero.
    #[schema(example = "50000.00")]
    pub amount: String,
    /// Required before litigation.
    pub guarantee: Option<Guarantee>,
}

/// The title being enforced (执行依据).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnforcementBasis {
    /// The document's number, e.g. a judgment's case number or an arbitral award's number.
    pub document_number: String,
    /// The court or body that issued it.
    pub issued_by: String,
    /// `YYYY-MM-DD`, not in the future.
    pub date: String,
}

/// What an enforcement reconsideration is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Reconsideration {
    /// The 执 or 执异 case; the accepting court is the superior of its court.
    #[schema(example = "（2020）鲁0102执19号")]
    pub original_case_number: String,
    /// `objection_to_enforcement_act`, `enforcement_jurisdiction`,
    /// `adding_or_changing_party`, `refusal_to_enforce_arbitral_award`,
    /// `refusal_to_enforce_notarised_debt` or `other`.
    pub matter: String,
    /// The enforcement basis document number.
    pub enforcement_basis_number: String,
}

/// The case appealed against or to be retried.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OriginalCase {
    /// Appeals: a 民初 or 民撤 (civil) or 行初 or 行赔初 (administrative) case.
    #[schema(example = "（2024）鲁0102民初5号")]
    pub case_number: String,
    /// `YYYY-MM-DD`.
    pub judgment_date: Option<String>,
}

/// The kind-specific content of a filing. Which fields apply to which kind is listed at
/// `GET /api/v1/case-kinds`; a field that does not apply is refused with
/// `field.not_applicable`. In a PATCH, `null` clears a field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct FilingContent {
    /// Civil kinds: an id of the 2025 civil causes list (`GET /api/v1/causes`); road-traffic
    /// filings start with `411` (机动车交通事故责任纠纷). Administrative kinds: free text.
    #[schema(example = "103")]
    pub cause_of_action: Option<String>,
    /// Yuan as a string with two decimals; integers or decimals only.
    #[schema(example = "120000.00")]
    pub amount_in_dispute: Option<String>,
    /// `party_in_person`, `legal_representative`, `principal`, `statutory_agent` or
    /// `authorised_agent`.
    pub filer_capacity: Option<String>,
    /// 诉讼请求 (up to 5,000 characters).
    pub claims: Option<String>,
    /// 事实与理由 (up to 20,000 characters).
    pub facts_and_reasons: Option<String>,
    pub service_address: Option<ServiceAddress>,
    /// Civil special procedures: type code 0310–0322, or 0323 for supervision.
    #[schema(example = "0317")]
    pub special_procedure_type: Option<String>,
    /// Criminal private prosecution: id of a charge of the private-prosecution list.
    pub charge: Option<i64>,
    pub preservation: Option<Preservation>,
    pub enforcement_basis: Option<EnforcementBasis>,
    /// First enforcement: the amount to enforce, yuan.
    pub enforcement_amount: Option<String>,
    pub reconsideration: Option<Reconsideration>,
    /// Jurisdiction objections, in-litigation preservation and enforcement objections: the
    /// case they are made in; the accepting court is its court.
    #[schema(example = "（2026）鲁0102民初100号")]
    pub existing_case_number: Option<String>,
    /// Appeals and retrial applications; the accepting court is the superior court of the
    /// original case's court.
    pub original_case: Option<OriginalCase>,
}

/// A party of a filing as stored: the validated, normalised fields.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartyView {
    pub id: Uuid,
    #[serde(flatten)]
    pub party: PartyInput,
    pub created_at: DateTime<Utc>,
}

impl From<&PartyRow> for PartyView {
    fn from(row: &PartyRow) -> PartyView {
        PartyView {
            id: row.id,
            party: serde_json::from_value(row.details.clone()).unwrap_or_default(),
            created_at: row.created_at,
        }
    }
}

/// An agent of a filing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentView {
    pub id: Uuid,
    #[serde(flatten)]
    pub agent: AgentInput,
    pub created_at: DateTime<Utc>,
}

impl From<&AgentRecord> for AgentView {
    fn from(record: &AgentRecord) -> AgentView {
        let mut agent: AgentInput =
            serde_json::from_value(record.details.clone()).unwrap_or_default();
        agent.represents = Some(record.party_ids.iter().map(Uuid::to_string).collect());
        AgentView {
            id: record.id,
            agent,
            created_at: record.created_at,
        }
    }
}

/// A fee item of an order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrderItemView {
    /// `acceptance_fee`, `appeal_fee` or `application_fee`.
    pub item: String,
    #[schema(example = "13800.00")]
    pub amount: String,
    /// The tariff of the schedule the amount follows, when it follows one.
    pub rule: Option<String>,
}

/// A fee order (payment notice).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeOrderView {
    pub id: Uuid,
    /// Quote it when paying.
    pub order_number: String,
    pub case_id: Uuid,
    pub court_code: String,
    /// `awaiting_payment`, `payment_in_progress`, `paid_awaiting_settlement`, `settled`,
    /// `expired`, `cancelled`, `paid_after_expiry`, `partially_refunded` or `refunded`.
    pub status: String,
    pub items: Vec<OrderItemView>,
    #[schema(example = "13800.00")]
    pub total: String,
    pub payer_party_id: Uuid,
    pub payer_name: String,
    pub refundee_party_id: Uuid,
    pub refundee_name: String,
    /// Paying after this instant fails; the court issues a new notice.
    pub expires_at: DateTime<Utc>,
    /// How it was paid.
    pub channel: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    #[schema(example = "0.00")]
    pub refunded: String,
    /// Why the judge departed from the platform's proposal.
    pub override_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&FeeOrderRow> for FeeOrderView {
    fn from(row: &FeeOrderRow) -> FeeOrderView {
        let yuan = |fen: i64| {
            Money::from_fen(fen)
                .map(|m| m.to_string())
                .unwrap_or_default()
        };
        FeeOrderView {
            id: row.id,
            order_number: row.order_number.clone(),
            case_id: row.filing_id,
            court_code: row.court_code.clone(),
            status: row.status.clone(),
            items: serde_json::from_value(row.items.clone()).unwrap_or_default(),
            total: yuan(row.total_fen),
            payer_party_id: row.payer_party_id,
            payer_name: row.payer_name.clone(),
            refundee_party_id: row.refundee_party_id,
            refundee_name: row.refundee_name.clone(),
            expires_at: row.expires_at,
            channel: row.channel.clone(),
            paid_at: row.paid_at,
            settled_at: row.settled_at,
            refunded: yuan(row.refunded_fen),
            override_reason: row.override_reason.clone(),
            created_at: row.created_at,
        }
    }
}

/// A filing with everything attached.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    pub kind: FilingKind,
    pub status: FilingStatus,
    /// The accepting court.
    #[schema(example = "鲁0102")]
    pub court_code: Option<String>,
    pub court_name: Option<String>,
    /// Given at the first submission; quote it when asking about the filing.
    #[schema(example = "LA20261203-0000042")]
    pub filing_reference: Option<String>,
    /// Given at docketing.
    pub case_number: Option<String>,
    /// Given at docketing.
    pub registration_number: Option<String>,
    #[serde(flatten)]
    pub content: FilingContent,
    /// The party who pays the fee (one of `GET …/payer-candidates`).
    pub payer_party_id: Option<Uuid>,
    /// The party who receives refunds (one of `GET …/payer-candidates`).
    pub refundee_party_id: Option<Uuid>,
    pub parties: Vec<PartyView>,
    pub agents: Vec<AgentView>,
    pub materials: Vec<MaterialView>,
    /// The fee orders issued when the case was registered (and later ones).
    pub fee_orders: Vec<FeeOrderView>,
    /// Why the review rejected it.
    pub rejection_reason: Option<String>,
    /// Counts changes; the `ETag` is this number in quotes.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The first submission (kept when a rejected filing is submitted again).
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl CaseView {
    pub(crate) fn new(detail: &FilingDetail, catalogue: &Catalogue) -> CaseView {
        let filing = &detail.filing;
        let mut view = summary_fields(filing, catalogue);
        view.parties = detail.parties.iter().map(PartyView::from).collect();
        view.agents = detail.agents.iter().map(AgentView::from).collect();
        view.fee_orders = detail.fee_orders.iter().map(FeeOrderView::from).collect();
        view.materials = detail.materials.iter().map(attached_view).collect();
        view
    }
}

/// A material as attached: its category is the one it has in this filing.
fn attached_view(attached: &AttachedMaterial) -> MaterialView {
    let mut view = MaterialView::from(&attached.material);
    view.category = Category::parse(&attached.category).unwrap_or(view.category);
    view
}

pub(crate) fn summary_fields(filing: &FilingRow, catalogue: &Catalogue) -> CaseView {
    CaseView {
        id: filing.id,
        kind: match lookup_kind(&filing.kind) {
            KindLookup::Online(kind) => kind,
            _ => FilingKind::CivilFirstInstance,
        },
        status: FilingStatus::parse(&filing.status).unwrap_or(FilingStatus::Draft),
        court_name: filing
            .court_code
            .as_deref()
            .and_then(|c| catalogue.court(c))
            .map(|c| c.name.clone()),
        court_code: filing.court_code.clone(),
        filing_reference: filing.filing_reference.clone(),
        case_number: filing.case_number.clone(),
        registration_number: filing.registration_number.clone(),
        content: serde_json::from_value(filing.content.clone()).unwrap_or_default(),
        payer_party_id: filing.payer_party_id,
        refundee_party_id: filing.refundee_party_id,
        parties: Vec::new(),
        agents: Vec::new(),
        materials: Vec::new(),
        fee_orders: Vec::new(),
        rejection_reason: filing.rejection_reason.clone(),
        version: filing.version,
        created_at: filing.created_at,
        updated_at: filing.updated_at,
        first_submitted_at: filing.first_submitted_at,
        submitted_at: filing.submitted_at,
    }
}

fn precondition(req: &HttpRequest) -> Precondition<'_> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map_or(Precondition::None, Precondition::IfMatch)
}

fn etag_header(version: i32) -> (header::HeaderName, String) {
    (header::ETAG, service::etag(version))
}

fn actor(caller: &Caller) -> Actor {
    Actor::account(caller.id())
}

pub(crate) fn answer(status: u16, detail: &FilingDetail, catalogue: &Catalogue) -> HttpResponse {
    let mut builder =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("a valid status"));
    builder.insert_header(etag_header(detail.filing.version));
    if status == 201 {
        builder.insert_header((
            header::LOCATION,
            format!("/api/v1/cases/{}", detail.filing.id),
        ));
    }
    builder.json(CaseView::new(detail, catalogue))
}

/// A new draft: the kind, the court, and optionally any content field of `FilingContent`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"kind": "civil_first_instance", "court_code": "鲁0102"}))]
pub struct NewCase {
    /// One of the online kinds of `GET /api/v1/case-kinds`.
    pub kind: Option<String>,
    /// The accepting court; may be left for later. For appeals, retrial applications,
    /// objections, in-litigation preservation and enforcement reconsideration it follows from
    /// the case number entered later.
    pub court_code: Option<String>,
}

/// Start a filing (a draft)
///
/// Creates a draft of one of the online kinds. Offline-only kinds (state compensation,
/// public summons, payment orders, 民再 / 行再 cases, first filings of 民撤 and 行赔初) are
/// refused with `filing.offline_only`, saying to file at the court. Any content field,
/// `payer_party_id` aside, may be sent at once (as in `PATCH`); every problem is reported
/// and nothing is created unless all is valid. The draft can be left and resumed from any
/// client. The answer carries an `ETag` for `If-Match`.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = NewCase,
    responses(
        (status = 201, description = "The draft.", body = CaseView, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: staff accounts do not file.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`appeal.draft_exists` (with `draft_id`): the account already has an unfinished appeal draft of that original case.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`filing.offline_only` (with `reason_zh`, `reason_en`), or `validation.failed` with `filing.kind_invalid`, `court.not_found`, `court.retired` or `filing.court_tier`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases")]
pub async fn create_case(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let Value::Object(mut body) = body.into_inner() else {
        return Err(ApiError::new(Code::BodyInvalid));
    };
    let mut errors = Vec::new();
    let mut text_member = |name: &str| match body.remove(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(value)) => Some(value),
        Some(_) => {
            errors.push(FieldError::new(name, Code::FieldType));
            None
        }
    };
    let kind = text_member("kind");
    let court_code = text_member("court_code");
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let account = caller.account().clone();
    let actor = actor(&caller);
    let state2 = state.clone();
    let (detail, catalogue) = state
        .transaction(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            let mut detail = service::create(
                conn,
                &catalogue,
                &account,
                kind.as_deref(),
                court_code.as_deref(),
                None,
                &actor,
            )?;
            // The rest of the body is the first change of the draft, in the same
            // transaction: a refused field refuses the whole creation.
            if !body.is_empty() {
                let etag = service::etag(detail.filing.version);
                detail = service::update(
                    conn,
                    &catalogue,
                    detail.filing.id,
                    account.id,
                    Precondition::IfMatch(&etag),
                    &Value::Object(body),
                    &actor,
                    shanghai_date(Utc::now()),
                )?;
            }
            Ok((detail, catalogue))
        })
        .await?;
    Ok(answer(201, &detail, &catalogue))
}

/// Get a filing
///
/// The filing with its parties, agents, materials and fee orders, and its `ETag`. The
/// filing account sees its own filings; a judge sees the submitted filings of their
/// court. Anyone else's filing is `filing.not_found`.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Filing id.")),
    responses(
        (status = 200, description = "The filing.", body = CaseView, headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let account = caller.account().clone();
    let state2 = state.clone();
    let (detail, catalogue) = state
        .with_conn(move |conn| {
            // A judge reads the submitted filings of their court; everyone else their own.
            let detail = match (account.role(), account.court_code.as_deref()) {
                (Role::Judge, Some(court)) => court_service::detail(conn, id, court)?,
                _ => service::detail(conn, id, account.id)?,
            };
            Ok((detail, state2.catalogue(conn)?))
        })
        .await?;
    Ok(answer(200, &detail, &catalogue))
}

/// Change a draft
///
/// A JSON merge patch (RFC 7396) of the content fields (see `FilingContent`), `court_code`,
/// `payer_party_id` and `refundee_party_id`; `null` clears a field. Requires `If-Match`
/// with the ETag last read (`precondition.required` without it, `precondition.failed`
/// when someone changed the filing since). Every problem is reported at once and nothing is
/// saved unless all is valid. The payer and refundee must be parties on the filer's side
/// (`payer.not_plaintiff`). Only drafts and rejected filings can be changed
/// (`filing.not_editable`).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("If-Match" = String, Header, description = "The ETag last read.")
    ),
    request_body(content = FilingContent, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed filing.", body = CaseView, headers(("ETag" = String))),
        (status = 400, description = "Not a JSON object.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`, or `appeal.draft_exists` (with `draft_id`): the account already has an unfinished appeal draft of that original case.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed` (with `current_etag`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: every invalid field with its path.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`precondition.required`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/cases/{id}")]
pub async fn update_case(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let state2 = state.clone();
    let (detail, catalogue) = state
        .transaction(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            let detail = service::update(
                conn,
                &catalogue,
                id,
                filer,
                to_precondition(&if_match),
                &body,
                &actor,
                shanghai_date(Utc::now()),
            )?;
            Ok((detail, catalogue))
        })
        .await?;
    Ok(answer(200, &detail, &catalogue))
}

fn if_match(req: &HttpRequest) -> Option<String> {
    match precondition(req) {
        Precondition::None => None,
        Precondition::IfMatch(tag) => Some(tag.to_owned()),
    }
}

fn to_precondition(if_match: &Option<String>) -> Precondition<'_> {
    if_match
        .as_deref()
        .map_or(Precondition::None, Precondition::IfMatch)
}

/// Delete a draft
///
/// Only drafts can be deleted (`filing.not_deletable` otherwise). Its materials become
/// unattached again. `If-Match` is honoured when sent.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("If-Match" = Option<String>, Header, description = "The ETag last read.")
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_deletable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/cases/{id}")]
pub async fn delete_case(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    state
        .transaction(move |conn| {
            service::delete(conn, id, filer, to_precondition(&if_match), &actor)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a party
///
/// Adds a natural person, legal person or unincorporated organisation in one of the roles
/// of the filing's kind (`party.role_invalid` otherwise). Each identity document is checked
/// by its own rule; a resident ID fills in gender and birth date. Preservation filings
/// refuse any phone number of a respondent (`party.phone_forbidden`). The answer carries
/// the filing's new `ETag`.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("If-Match" = Option<String>, Header, description = "The filing's ETag last read.")
    ),
    request_body = PartyInput,
    responses(
        (status = 201, description = "The party.", body = PartyView, headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: every invalid field.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/parties")]
pub async fn add_party(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let body = service::party_from_body(&body)?;
    let id = id.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let (filing, party) = state
        .transaction(move |conn| {
            service::add_party(
                conn,
                id,
                filer,
                to_precondition(&if_match),
                &body,
                &actor,
                shanghai_date(Utc::now()),
            )
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(etag_header(filing.version))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/cases/{id}/parties/{}", party.id),
        ))
        .json(PartyView::from(&party)))
}

/// Change a party
///
/// A JSON merge patch of the party's fields; the whole party is checked again. Changing the
/// role away from the filer's side clears a payer or refundee choice of the party.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("party_id" = Uuid, Path, description = "Party id."),
        ("If-Match" = Option<String>, Header, description = "The filing's ETag last read.")
    ),
    request_body(content = PartyInput, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The party.", body = PartyView, headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found` or `party.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/cases/{id}/parties/{party_id}")]
pub async fn update_party(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let (id, party_id) = path.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let (filing, party) = state
        .transaction(move |conn| {
            service::update_party(
                conn,
                id,
                filer,
                party_id,
                to_precondition(&if_match),
                &body,
                &actor,
                shanghai_date(Utc::now()),
            )
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag_header(filing.version))
        .json(PartyView::from(&party)))
}

/// Remove a party
///
/// Removes the party; a payer or refundee choice of it is cleared.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("party_id" = Uuid, Path, description = "Party id."),
        ("If-Match" = Option<String>, Header, description = "The filing's ETag last read.")
    ),
    responses(
        (status = 204, description = "Removed.", headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found` or `party.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/cases/{id}/parties/{party_id}")]
pub async fn delete_party(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, party_id) = path.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let filing = state
        .transaction(move |conn| {
            service::delete_party(
                conn,
                id,
                filer,
                party_id,
                to_precondition(&if_match),
                &actor,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent()
        .insert_header(etag_header(filing.version))
        .finish())
}

/// Add an agent
///
/// Adds a lawyer (licence number and law firm required), legal worker (licence number
/// required) or other agent, with the ids of the parties of this filing they represent —
/// all on one side (`agent.both_sides` otherwise).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("If-Match" = Option<String>, Header, description = "The filing's ETag last read.")
    ),
    request_body = AgentInput,
    responses(
        (status = 201, description = "The agent.", body = AgentView, headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: every invalid field (`agent.party_invalid`, `agent.both_sides`, …).", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/agents")]
pub async fn add_agent(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<AgentInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let (filing, agent) = state
        .transaction(move |conn| {
            service::add_agent(
                conn,
                id,
                filer,
                to_precondition(&if_match),
                &body,
                &actor,
                shanghai_date(Utc::now()),
            )
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(etag_header(filing.version))
        .insert_header((
            header::LOCATION,
            format!("/api/v1/cases/{id}/agents/{}", agent.id),
        ))
        .json(AgentView::from(&agent)))
}

/// Change an agent
///
/// A JSON merge patch of the agent's fields; the whole agent is checked again.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("agent_id" = Uuid, Path, description = "Agent id."),
        ("If-Match" = Option<String>, Header, description = "The filing's ETag last read.")
    ),
    request_body(content = AgentInput, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The agent.", body = AgentView, headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found` or `agent.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/cases/{id}/agents/{agent_id}")]
pub async fn update_agent(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let (id, agent_id) = path.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let (filing, agent) = state
        .transaction(move |conn| {
            service::update_agent(
                conn,
                id,
                filer,
                agent_id,
                to_precondition(&if_match),
                &body,
                &actor,
                shanghai_date(Utc::now()),
            )
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag_header(filing.version))
        .json(AgentView::from(&agent)))
}

/// Remove an agent
///
/// Removes the agent and whom it represents; the parties stay.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("agent_id" = Uuid, Path, description = "Agent id."),
        ("If-Match" = Option<String>, Header, description = "The filing's ETag last read.")
    ),
    responses(
        (status = 204, description = "Removed.", headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found` or `agent.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/cases/{id}/agents/{agent_id}")]
pub async fn delete_agent(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, agent_id) = path.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let filing = state
        .transaction(move |conn| {
            service::delete_agent(
                conn,
                id,
                filer,
                agent_id,
                to_precondition(&if_match),
                &actor,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent()
        .insert_header(etag_header(filing.version))
        .finish())
}

/// List who can pay and receive refunds
///
/// The parties on the filer's side — plaintiffs, applicants, appellants, private
/// prosecutors — from whom the payer and refundee are chosen. Empty while there are none.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Filing id.")),
    responses(
        (status = 200, description = "The candidates.", body = Items<PartyView>),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases/{id}/payer-candidates")]
pub async fn list_payer_candidates(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Items<PartyView>>, ApiError> {
    let id = id.into_inner();
    let filer = caller.id();
    let parties = state
        .with_conn(move |conn| service::payer_candidates(conn, id, filer))
        .await?;
    Ok(web::Json(Items {
        items: parties.iter().map(PartyView::from).collect(),
    }))
}

/// A material to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialAttachment {
    /// A material the caller uploaded (`POST /api/v1/materials`).
    pub material_id: Uuid,
    /// What the material is in this filing; by default the category it was uploaded with.
    pub category: Option<Category>,
}

/// Attach a material
///
/// Attaches one of the caller's uploaded materials, as the category given (by default the
/// one it was uploaded with). Attached materials are kept (not purged after 24 hours). One
/// material may serve several of the caller's filings (the same ID card scan, say);
/// attaching it again changes its category in this filing.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("If-Match" = Option<String>, Header, description = "The filing's ETag last read.")
    ),
    request_body = MaterialAttachment,
    responses(
        (status = 201, description = "Attached.", body = MaterialView, headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed` with `material.not_found`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/materials")]
pub async fn attach_material(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<MaterialAttachment>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let material_id = body.material_id;
    let category = body.category;
    let (filing, material) = state
        .transaction(move |conn| {
            service::attach_material(
                conn,
                id,
                filer,
                material_id,
                category,
                to_precondition(&if_match),
                &actor,
                Utc::now(),
            )
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(etag_header(filing.version))
        .json(attached_view(&material)))
}

/// Detach a material
///
/// The material stays the caller's. When no other filing holds it, it is unattached again
/// and removed 24 hours later unless attached anew.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("material_id" = Uuid, Path, description = "Material id."),
        ("If-Match" = Option<String>, Header, description = "The filing's ETag last read.")
    ),
    responses(
        (status = 204, description = "Detached.", headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found` or `material.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.not_editable`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/cases/{id}/materials/{material_id}")]
pub async fn detach_material(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, material_id) = path.into_inner();
    let filer = caller.id();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let filing = state
        .transaction(move |conn| {
            service::detach_material(
                conn,
                id,
                filer,
                material_id,
                to_precondition(&if_match),
                &actor,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent()
        .insert_header(etag_header(filing.version))
        .finish())
}

/// The result of a check.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResult {
    /// Whether the filing can be submitted as it is.
    pub ready: bool,
    /// Every missing or invalid item, each with its field path, code and message.
    pub problems: Vec<ProblemField>,
}

/// Check a filing before submission
///
/// Runs every check of the submission and lists every missing or invalid item at once —
/// fields, parties in required roles, payer and refundee, required materials, and the
/// authorisation when the filer is not a party on the filer's side — changing nothing.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Filing id.")),
    responses(
        (status = 200, description = "The problems (none when ready).", body = CheckResult),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/check")]
pub async fn check_case(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<web::Json<CheckResult>, ApiError> {
    let id = id.into_inner();
    let account = caller.account().clone();
    let state2 = state.clone();
    let problems = state
        .with_conn(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            let (_, problems) =
                service::check(conn, &catalogue, id, &account, shanghai_date(Utc::now()))?;
            Ok(problems)
        })
        .await?;
    let lang = crate::errors::Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    Ok(web::Json(CheckResult {
        ready: problems.is_empty(),
        problems: problems
            .iter()
            .map(|p| ProblemField::new(p, lang))
            .collect(),
    }))
}

/// Submit a filing
///
/// Runs the checks of `POST …/check`; when anything is missing or invalid the answer is
/// `filing.incomplete` listing every item, and nothing changes. Otherwise the filing gets
/// its filing reference (kept when a rejected filing is submitted again, as is its first
/// submission time) and the status `submitted`. Submitting a submitted filing again is
/// refused (`filing.already_submitted`); with the same `Idempotency-Key` the first answer
/// is replayed.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Filing id."),
        ("If-Match" = Option<String>, Header, description = "The ETag last read."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried submission safe.")
    ),
    responses(
        (status = 200, description = "Submitted.", body = CaseView, headers(("ETag" = String))),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`filing.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`filing.already_submitted`, `idempotency_key.reused` or `idempotency_key.in_progress`.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition.failed`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`filing.incomplete` with every problem in `errors`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/cases/{id}/submission")]
pub async fn submit_case(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let account = caller.account().clone();
    let actor = actor(&caller);
    let if_match = if_match(&req);
    let state2 = state.clone();
    let (detail, catalogue) = state
        .transaction(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            let detail = service::submit(
                conn,
                &catalogue,
                id,
                &account,
                to_precondition(&if_match),
                &actor,
                Utc::now(),
            )?;
            Ok((detail, catalogue))
        })
        .await?;
    Ok(answer(200, &detail, &catalogue))
}

/// Filters of "my cases".
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// One of the filing statuses.
    pub status: Option<String>,
    /// One of the online kinds.
    pub kind: Option<String>,
    pub court_code: Option<String>,
    /// First submitted on or after this day (`YYYY-MM-DD`, Asia/Shanghai).
    pub submitted_from: Option<String>,
    /// First submitted on or before this day (`YYYY-MM-DD`, Asia/Shanghai).
    pub submitted_to: Option<String>,
    /// Any spelling of the case number.
    pub case_number: Option<String>,
    pub filing_reference: Option<String>,
    pub registration_number: Option<String>,
    /// Part of a party's name.
    pub party_name: Option<String>,
    /// `in_litigation_preservation`: only the filings that can be the main case of an
    /// in-litigation preservation — registered cases whose case number is of a type it
    /// accepts, awaiting payment, paid or accepted.
    pub eligible_for: Option<String>,
}

/// A filing in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: Uuid,
    pub kind: FilingKind,
    pub status: FilingStatus,
    pub court_code: Option<String>,
    pub court_name: Option<String>,
    pub filing_reference: Option<String>,
    pub case_number: Option<String>,
    pub registration_number: Option<String>,
    pub cause_of_action: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_submitted_at: Option<DateTime<Utc>>,
}

impl From<CaseView> for CaseSummary {
    fn from(view: CaseView) -> CaseSummary {
        CaseSummary {
            id: view.id,
            kind: view.kind,
            status: view.status,
            court_code: view.court_code,
            court_name: view.court_name,
            filing_reference: view.filing_reference,
            case_number: view.case_number,
            registration_number: view.registration_number,
            cause_of_action: view.content.cause_of_action,
            created_at: view.created_at,
            updated_at: view.updated_at,
            first_submitted_at: view.first_submitted_at,
        }
    }
}

/// List my cases
///
/// The filings of the caller's account — the same list from the web, the mini program and
/// third-party software — newest first (ties broken by id), 20 per page by default and 100
/// at most; a page past the end is empty. Filters combine.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(CaseQuery, PageParams),
    responses(
        (status = 200, description = "One page.", body = Page<CaseSummary>),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: a bad filter or page.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/cases")]
pub async fn list_cases(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CaseQuery>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<CaseSummary>>, ApiError> {
    let query = query.into_inner();
    let request = page.validate()?;
    let filer = caller.id();
    let state2 = state.clone();
    let today = shanghai_date(Utc::now());
    let (rows, total, catalogue) = state
        .with_conn(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            let filter = Filters::parse(&query, &catalogue, today)?;
            let (rows, total) = store::list_for_filer(
                conn,
                filer,
                &filter.as_filter(),
                request.offset(),
                request.limit(),
            )?;
            Ok((rows, total, catalogue))
        })
        .await?;
    let items = rows
        .iter()
        .map(|row| CaseSummary::from(summary_fields(row, &catalogue)))
        .collect();
    Ok(web::Json(Page::new(items, request, total)))
}

/// The filters of a list request, validated.
struct Filters {
    status: Option<&'static str>,
    kind: Option<&'static str>,
    court_code: Option<String>,
    submitted_from: Option<DateTime<Utc>>,
    submitted_before: Option<DateTime<Utc>>,
    case_number: Option<String>,
    filing_reference: Option<String>,
    registration_number: Option<String>,
    party_name: Option<String>,
    eligible: Option<(Vec<&'static str>, &'static [&'static str])>,
}

/// The statuses of a filing that has reached the payment stage or been paid (or accepted
/// without a fee): it can be the main case of an in-litigation preservation.
const PRESERVATION_MAIN_CASE_STATUSES: &[&str] = &[
    "awaiting_payment",
    "paid_awaiting_settlement",
    "settled",
    "accepted",
];

impl Filters {
    fn parse(
        query: &CaseQuery,
        catalogue: &Catalogue,
        today: NaiveDate,
    ) -> Result<Filters, ApiError> {
        let mut errors = Vec::new();
        for (name, value) in [
            ("court_code", &query.court_code),
            ("case_number", &query.case_number),
            ("filing_reference", &query.filing_reference),
            ("registration_number", &query.registration_number),
            ("party_name", &query.party_name),
        ] {
            if value
                .as_deref()
                .is_some_and(|v| v.chars().any(char::is_control))
            {
                errors.push(FieldError::new(name, Code::TextInvalidCharacters));
            }
        }
        let text = |value: &Option<String>| {
            value
                .as_deref()
                .map(trim_blanks)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let status = text(&query.status).and_then(|s| {
            let found = FilingStatus::parse(&s).map(FilingStatus::as_str);
            if found.is_none() {
                errors.push(FieldError::new("status", Code::ChoiceInvalid));
            }
            found
        });
        let kind = text(&query.kind).and_then(|k| match lookup_kind(&k) {
            KindLookup::Online(kind) => Some(kind.as_str()),
            _ => {
                errors.push(FieldError::new("kind", Code::FilingKindInvalid));
                None
            }
        });
        let mut day = |name: &str, value: &Option<String>| {
            text(value).and_then(|raw| {
                let parsed = NaiveDate::parse_from_str(&raw, "%Y-%m-%d").ok();
                if parsed.is_none() {
                    errors.push(FieldError::new(name, Code::DateInvalid));
                }
                parsed
            })
        };
        let from = day("submitted_from", &query.submitted_from);
        let to = day("submitted_to", &query.submitted_to);
        let case_number = text(&query.case_number).and_then(|raw| {
            match CaseNumber::parse(&raw, catalogue, today) {
                Ok(number) => Some(number.as_str().to_owned()),
                Err(code) => {
                    errors.push(FieldError::new("case_number", code));
                    None
                }
            }
        });
        let eligible = text(&query.eligible_for).and_then(|raw| match lookup_kind(&raw) {
            KindLookup::Online(FilingKind::InLitigationPreservation) => {
                let type_codes = crate::domain::filing::rules(FilingKind::InLitigationPreservation)
                    .referenced_type_codes
                    .to_vec();
                Some((type_codes, PRESERVATION_MAIN_CASE_STATUSES))
            }
            _ => {
                errors.push(FieldError::new("eligible_for", Code::ChoiceInvalid));
                None
            }
        });
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok(Filters {
            eligible,
            status,
            kind,
            court_code: text(&query.court_code).map(|c| fold_code(&c)),
            submitted_from: from.map(start_of_day),
            submitted_before: to.map(|d| start_of_day(d) + Duration::days(1)),
            case_number,
            filing_reference: text(&query.filing_reference).map(|r| r.to_ascii_uppercase()),
            registration_number: text(&query.registration_number),
            party_name: text(&query.party_name),
        })
    }

    fn as_filter(&self) -> FilingFilter<'_> {
        FilingFilter {
            status: self.status,
            kind: self.kind,
            court_code: self.court_code.as_deref(),
            submitted_from: self.submitted_from,
            submitted_before: self.submitted_before,
            case_number: self.case_number.as_deref(),
            filing_reference: self.filing_reference.as_deref(),
            registration_number: self.registration_number.as_deref(),
            party_name: self.party_name.as_deref(),
            eligible: self
                .eligible
                .as_ref()
                .map(|(kinds, statuses)| (kinds.as_slice(), *statuses)),
        }
    }
}

/// The first instant of `day` in Asia/Shanghai: midnight, or the end of the gap on the
/// days when summer time began at midnight (1919, 1940–1949).
fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    (0..=2)
        .filter_map(|hour| {
            let local = day.and_hms_opt(hour, 0, 0)?;
            Shanghai.from_local_datetime(&local).earliest()
        })
        .next()
        .map(|start| start.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}
