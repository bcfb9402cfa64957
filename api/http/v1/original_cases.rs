//! Registered cases: pushed by the courts' trial system, looked up as the original case of
//! an appeal (or the main case of a preservation or enforcement filing), and turned into a
//! draft with everything the case already says.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::catalogue::Catalogue;
use crate::domain::kinds::FilingKind;
use crate::domain::registered_case::{MAX_CASES_PER_PUSH, PushedCaseInput};
use crate::errors::{ApiError, Code, Lang};
use crate::http::AppState;
use crate::http::auth::{Caller, TrialSystemClient, client_address};
use crate::http::problem::{Problem, ProblemField};
use crate::http::request_id::RequestId;
use crate::http::v1::cases::answer;
use crate::services::registered_cases::{
    self as service, DraftRequest, Hit, LookupQuery, PushOutcome,
};
use crate::store::audit::Actor;

// --- Pushes -----------------------------------------------------------------------------------

/// A batch of registered cases.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"cases": [{
    "case_number": "（2024）鲁0102民初1234号",
    "registration_number": "370102240001234",
    "court_code": "鲁0102",
    "type_code": "民初",
    "cause": "买卖合同纠纷",
    "status": "closed",
    "registered_on": "2024-03-05",
    "closed_on": "2024-09-20",
    "judgment_document_number": "（2024）鲁0102民初1234号民事判决书",
    "parties": [
        {"role": "plaintiff", "type": "legal_person", "name": "济南明德商贸有限公司",
         "credit_code": "91370102MA3C8N8X0K", "representative_name": "王立新"},
        {"role": "defendant", "type": "natural_person", "name": "李娜",
         "document_type": "resident_id", "document_number": "370102199003071238"}
    ]
}]}))]
pub struct CasePush {
    /// 1 to 200 cases (within the 1 MiB body limit). Each is checked on its own: a bad one
    /// is reported and the others are kept.
    #[schema(value_type = Vec<PushedCaseInput>)]
    pub cases: Vec<Value>,
}

/// How many cases of a push came to each outcome.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct PushCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
}

/// What became of one case of a push.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushResult {
    /// The position of the case in the push, from 0.
    pub index: usize,
    /// The canonical case number, when it could be read.
    pub case_number: Option<String>,
    /// `created`, `updated`, `unchanged` or `rejected`.
    pub outcome: &'static str,
    /// Why a case was rejected, with fields named as in the case (`parties.1.document_number`).
    pub errors: Vec<ProblemField>,
}

/// What became of a push, case by case, in the order sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushReport {
    pub counts: PushCounts,
    pub results: Vec<PushResult>,
}

/// Push registered cases (trial system)
///
/// The courts' trial-management system reports the cases it registered — open and closed,
/// including those filed at the court counter — by case number: a new number creates the
/// case, a known one is updated (its registration number never changes), the same facts
/// again change nothing. Parties carry their `role` in the case and the fields of a filing
/// party (`type`, `name`, documents or credit code …), checked by the same rules. Every
/// case is checked on its own and reported in `results` with its index; a rejected case
/// leaves the others alone. A pushed number is in use from then on: docketing never hands
/// it out. Requires an integration client holding the `trial_system` scope.
#[utoipa::path(
    tag = "trial system",
    security(("bearer" = [])),
    request_body = CasePush,
    responses(
        (status = 200, description = "Each case's outcome: `created`, `updated`, `unchanged` or `rejected` with its errors.", body = PushReport,
         example = json!({"counts": {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}, "results": [
             {"index": 0, "case_number": "（2024）鲁0102民初1234号", "outcome": "created", "errors": []},
             {"index": 1, "case_number": null, "outcome": "rejected", "errors": [{"field": "case_number", "code": "case_number.format", "message": "案号格式不正确。"}]}
         ]})),
        (status = 400, description = "`body.invalid` or `body.invalid_json`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`auth.service_client_required`.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.scope_missing`: the client lacks the `trial_system` scope.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`registered_case.too_many_cases` (more than 200) or a body over the size limit.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: `cases` is empty.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/integrations/trial-system/cases")]
pub async fn push_registered_cases(
    req: HttpRequest,
    state: web::Data<AppState>,
    client: TrialSystemClient,
    body: web::Json<CasePush>,
) -> Result<web::Json<PushReport>, ApiError> {
    let cases = body.into_inner().cases;
    if cases.is_empty() {
        return Err(ApiError::field("cases", Code::FieldRequired));
    }
    if cases.len() > MAX_CASES_PER_PUSH {
        return Err(ApiError::new(Code::RegisteredCaseTooManyCases));
    }
    let actor = Actor {
        request_id: RequestId::of(&req),
        ..Actor::service(&client.0.name)
    };
    let client_id = client.0.id;
    let state2 = state.clone();
    let results = state
        .transaction(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            service::push(conn, &catalogue, client_id, &actor, &cases, Utc::now())
        })
        .await?;
    let lang = Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let mut counts = PushCounts::default();
    for result in &results {
        match result.outcome {
            "created" => counts.created += 1,
            "updated" => counts.updated += 1,
            "unchanged" => counts.unchanged += 1,
            _ => counts.rejected += 1,
        }
    }
    let results = results
        .into_iter()
        .map(|r: PushOutcome| PushResult {
            index: r.index,
            case_number: r.case_number,
            outcome: r.outcome,
            errors: r
                .errors
                .iter()
                .map(|e| ProblemField::new(e, lang))
                .collect(),
        })
        .collect();
    Ok(web::Json(PushReport { counts, results }))
}

// --- Lookups ----------------------------------------------------------------------------------

/// How to find a case: by its case number and registration number, or by the name and
/// identity number of one of its parties.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OriginalCaseQuery {
    /// The case number in any accepted spelling (`(2024)鲁0102民初1234号`, full-width
    /// digits and brackets, blanks).
    pub case_number: Option<String>,
    /// The registration number printed on the acceptance notice.
    pub registration_number: Option<String>,
    /// A party's name (with `party_identity_number`).
    pub party_name: Option<String>,
    /// That party's identity document number or unified social credit code. A party may
    /// give only their own verified ID number; lawyers and legal workers their clients'.
    pub party_identity_number: Option<String>,
    /// What the case is looked up for: `civil_appeal`, `administrative_appeal` (both by
    /// default), `jurisdiction_objection`, `in_litigation_preservation`,
    /// `enforcement_objection` or `enforcement_reconsideration`.
    pub kind: Option<String>,
}

/// A party of a registered case. Identity numbers are shown masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct OriginalCaseParty {
    pub id: Uuid,
    /// The role in the case (`plaintiff`, `defendant`, `third_party`, …).
    pub role: String,
    #[serde(rename = "type")]
    pub party_type: String,
    pub name: String,
    /// The identity document number or credit code, masked.
    pub identity_number: Option<String>,
    /// The party already appealed the case (a saved or submitted appeal that was not
    /// rejected) and cannot be an appellant again.
    pub already_appealed: bool,
}

/// What the caller can file from the case.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingOffer {
    pub kind: FilingKind,
    /// The accepting court: the superior of the case's court for appeals and
    /// reconsiderations, the case's own court otherwise.
    pub accepting_court_code: Option<String>,
    pub accepting_court_name: Option<String>,
    /// The caller's unfinished appeal draft of this case: resume or delete it; a second one
    /// is refused.
    pub unfinished_draft_id: Option<Uuid>,
}

/// A registered case found by a lookup.
#[derive(Debug, Serialize, ToSchema)]
pub struct OriginalCaseView {
    pub id: Uuid,
    pub case_number: String,
    pub court_code: String,
    pub court_name: Option<String>,
    pub type_code: String,
    pub cause: Option<String>,
    /// `open` or `closed`.
    pub status: String,
    pub registered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub judgment_document_number: Option<String>,
    pub parties: Vec<OriginalCaseParty>,
    pub filing: FilingOffer,
    pub updated_at: DateTime<Utc>,
}

/// The cases a lookup found.
#[derive(Debug, Serialize, ToSchema)]
pub struct OriginalCaseList {
    pub items: Vec<OriginalCaseView>,
}

impl OriginalCaseView {
    fn new(hit: Hit, catalogue: &Catalogue) -> OriginalCaseView {
        let court_name = |code: &str| catalogue.court(code).map(|c| c.name.clone());
        let parties = hit
            .parties
            .into_iter()
            .map(|p| OriginalCaseParty {
                already_appealed: hit.appealed.contains(&p.id),
                id: p.id,
                role: p.role,
                party_type: p.party_type,
                name: p.name,
                identity_number: p.identity_number.as_deref().map(mask),
            })
            .collect();
        let case = hit.case;
        OriginalCaseView {
            id: case.id,
            court_name: court_name(&case.court_code).or_else(|| {
                catalogue
                    .court_in_force(&case.court_code)
                    .map(|c| c.name.clone())
            }),
            case_number: case.case_number,
            court_code: case.court_code,
            type_code: case.type_code,
            cause: case.cause,
            status: case.status,
            registered_on: case.registered_on,
            closed_on: case.closed_on,
            judgment_document_number: case.judgment_document_number,
            parties,
            filing: FilingOffer {
                kind: hit.kind,
                accepting_court_name: hit.accepting_court.as_deref().and_then(court_name),
                accepting_court_code: hit.accepting_court,
                unfinished_draft_id: hit.unfinished_draft,
            },
            updated_at: case.updated_at,
        }
    }
}

/// Keeps the first three and the last four characters.
fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 7));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// Look up an original case
///
/// Finds a registered case (pushed by the trial system or docketed here) to appeal, or to
/// file a preservation, jurisdiction objection or enforcement objection or reconsideration
/// in. Recommended: the case number with the registration number, which together open the
/// case to any account; or the name and identity number of a party (a party account may
/// use only its own verified ID number; lawyers and legal workers their clients'). For
/// appeals only 民初, 民撤, 行初 and 行赔初 cases closed within the last two years are found
/// (on or after the same day two years ago, Asia/Shanghai); other lookups find open cases
/// too, of any age. A case found is remembered for the caller, who may then draft from it.
/// Failed lookups are limited per account and per address (`rate_limited` with
/// `Retry-After`).
#[utoipa::path(
    tag = "original cases",
    security(("bearer" = [])),
    params(OriginalCaseQuery),
    responses(
        (status = 200, description = "The cases found (by party details, possibly none).", body = OriginalCaseList),
        (status = 400, description = "`original_case.lookup_incomplete`: neither pair of keys was given.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`original_case.lookup_not_allowed` (a party giving another person's ID number) or `auth.forbidden` (staff).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`original_case.not_found` (no case has this pair of numbers), `original_case.appeal_period_passed` (closed more than two years ago), `original_case.not_closed` (an appeal of an open case) or `original_case.type_not_accepted`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed` (a malformed case number or registration number, an unknown kind) or `original_case.lookup_not_offered` (jurisdiction-objection appeals are entered by hand).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many failed lookups.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/original-cases")]
pub async fn list_original_cases(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<OriginalCaseQuery>,
) -> Result<web::Json<OriginalCaseList>, ApiError> {
    let query = query.into_inner();
    let lookup = LookupQuery {
        case_number: query.case_number,
        registration_number: query.registration_number,
        party_name: query.party_name,
        party_identity_number: query.party_identity_number,
        kind: query.kind,
    };
    let address = client_address(&req, state.config.trust_forwarded_for);
    let account = caller.account().clone();
    let state2 = state.clone();
    let (hits, catalogue) = state
        .with_conn(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            let hits = service::lookup(conn, &catalogue, &account, &address, &lookup, Utc::now())?;
            Ok((hits, catalogue))
        })
        .await?;
    Ok(web::Json(OriginalCaseList {
        items: hits
            .into_iter()
            .map(|hit| OriginalCaseView::new(hit, &catalogue))
            .collect(),
    }))
}

/// What a case is looked at for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OriginalCasePurpose {
    /// As in the lookup; both appeals by default.
    pub kind: Option<String>,
}

/// Get an original case found before
///
/// A case the caller found through a lookup (or in which the caller's verified ID number is
/// a party), with the same rules as the lookup. Anyone else's is `original_case.not_found`.
#[utoipa::path(
    tag = "original cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Registered case id."), OriginalCasePurpose),
    responses(
        (status = 200, description = "The case.", body = OriginalCaseView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`original_case.not_found`, or a reason the case no longer serves (`original_case.appeal_period_passed`, …).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed` (an unknown kind) or `original_case.lookup_not_offered`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/original-cases/{id}")]
pub async fn get_original_case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: web::Query<OriginalCasePurpose>,
) -> Result<web::Json<OriginalCaseView>, ApiError> {
    let id = id.into_inner();
    let kind = query.into_inner().kind;
    let account = caller.account().clone();
    let state2 = state.clone();
    let (hit, catalogue) = state
        .with_conn(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            let hit = service::get(conn, &catalogue, &account, id, kind.as_deref(), Utc::now())?;
            Ok((hit, catalogue))
        })
        .await?;
    Ok(web::Json(OriginalCaseView::new(hit, &catalogue)))
}

/// A draft to make from a registered case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"party_ids": ["5b0e7c1a-3f1d-4c55-9a43-0c7e1f1f2a10"]}))]
pub struct NewDraftFromCase {
    /// The kind of filing; by default the appeal the case's type allows (`civil_appeal` for
    /// 民初 and 民撤, `administrative_appeal` for 行初 and 行赔初).
    pub kind: Option<String>,
    /// The parties of the case who file: the appellants of an appeal, the applicants of a
    /// preservation or reconsideration. Required, except for an enforcement objection (an
    /// outsider may object).
    #[serde(default)]
    pub party_ids: Vec<Uuid>,
    /// Further content fields, as in `PATCH /api/v1/cases/{id}` (a reconsideration's
    /// `matter` and `enforcement_basis_number`, say).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub content: Map<String, Value>,
}

/// Draft a filing from an original case
///
/// Creates a draft with the case filled in — the original case (with its closing date as
/// the judgment date) or the existing case, the accepting court that follows from it, and
/// the parties: the chosen ones on the filer's side (appellants, applicants), those who
/// stood against them opposite (appellees, respondents), the rest as other parties of the
/// original case where the kind has that role. A preservation never copies the
/// respondent's phone. An account with an unfinished appeal draft of the case gets
/// `appeal.draft_exists` with its `draft_id` (resume or delete it); a party who already
/// appealed the case cannot be an appellant again unless that appeal was rejected.
#[utoipa::path(
    tag = "original cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Registered case id.")),
    request_body = NewDraftFromCase,
    responses(
        (status = 201, description = "The draft.", body = crate::http::v1::cases::CaseView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "`body.invalid`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: staff accounts do not file.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`original_case.not_found` (not found by this account), or why the case does not serve (`original_case.appeal_period_passed`, …).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`appeal.draft_exists`, with `draft_id`.", body = Problem, content_type = "application/problem+json",
         example = json!({"type": "about:blank", "title": "Conflict", "status": 409, "code": "appeal.draft_exists", "detail": "您已有该案件未提交的上诉草稿，请继续编辑或删除该草稿。", "draft_id": "0f5b7c1e-8d2a-4b8e-9a43-5c7e1f1f2a11"})),
        (status = 422, description = "`validation.failed`: `original_case.filer_parties_required`, `party.not_found`, `appeal.already_appealed`, or a content field's own code; `original_case.lookup_not_offered`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/original-cases/{id}/drafts")]
pub async fn create_draft_from_original_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<NewDraftFromCase>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let request = DraftRequest {
        kind: body.kind,
        party_ids: body.party_ids,
        content: body.content,
    };
    let account = caller.account().clone();
    let actor = Actor {
        request_id: RequestId::of(&req),
        ..Actor::account(caller.id())
    };
    let state2 = state.clone();
    let (detail, catalogue) = state
        .transaction(move |conn| {
            let catalogue = state2.catalogue(conn)?;
            let detail =
                service::draft_from(conn, &catalogue, &account, id, &request, &actor, Utc::now())?;
            Ok((detail, catalogue))
        })
        .await?;
    Ok(answer(201, &detail, &catalogue))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identity_numbers_are_masked_in_the_middle() {
        assert_eq!(mask("370102199003071230"), "370***********1230");
        assert_eq!(mask("91370102MA3C8N8X0B"), "913***********8X0B");
        assert_eq!(mask("E1234"), "*****");
    }

    #[test]
    fn a_draft_request_refuses_unknown_members() {
        let parsed: Result<NewDraftFromCase, _> = serde_json::from_value(json!({"appellants": []}));
        assert!(parsed.is_err());
    }
}
