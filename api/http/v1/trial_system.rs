//! The courts' trial-management system: the feed of everything the court handles in its own
//! system, and the materials the feed names. Only an integration client holding the
//! `trial_system` scope may call these.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::trial_feed::{FeedCursor, FeedEvent};
use crate::errors::{ApiError, Code};
use crate::http::AppState;
use crate::http::auth::TrialSystemClient;
use crate::http::pagination::parse_bounded;
use crate::http::problem::Problem;
use crate::http::v1::materials::serve_material;
use crate::services::trial_feed::FeedPayload;
use crate::store::trial_feed::{self, FeedRow};
use crate::store::{filings, materials};

/// The most events one page holds.
pub const MAX_FEED_LIMIT: u32 = 500;
/// Events per page when the reader names no limit.
pub const DEFAULT_FEED_LIMIT: u32 = 100;

/// Where to read from and how much.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// The `next_cursor` of the previous page, unchanged; omitted: from the first event.
    #[param(example = "AQAAAAAAAALXAAAAAAAAABE")]
    pub after: Option<String>,
    /// Events per page, 1 to 500 (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<String>,
}

impl FeedParams {
    /// The position to read after (none: the start) and the page size.
    fn validate(&self) -> Result<(Option<FeedCursor>, u32), ApiError> {
        let after = match self.after.as_deref() {
            None => None,
            Some(text) => Some(
                FeedCursor::decode(text).ok_or_else(|| ApiError::new(Code::FeedCursorInvalid))?,
            ),
        };
        let limit = parse_bounded(self.limit.as_deref(), 1, MAX_FEED_LIMIT, DEFAULT_FEED_LIMIT)
            .ok_or_else(|| ApiError::field("limit", Code::FeedLimitInvalid))?;
        Ok((after, limit))
    }
}

/// One event of the feed: where it is, what happened to which filing, and the facts of the
/// event, whose members depend on `event`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedItem {
    /// This event's position; pass it as `after` to read what follows it.
    #[schema(example = "AQAAAAAAAALXAAAAAAAAABE")]
    pub cursor: String,
    pub event: FeedEvent,
    /// When the change was made.
    pub occurred_at: DateTime<Utc>,
    pub filing_id: Uuid,
    /// The court that handles the filing.
    #[schema(example = "鲁0102")]
    pub court_code: String,
    #[serde(flatten)]
    #[schema(value_type = FeedPayload)]
    pub payload: Map<String, Value>,
}

impl TryFrom<FeedRow> for FeedItem {
    type Error = ApiError;

    fn try_from(row: FeedRow) -> Result<FeedItem, ApiError> {
        let cursor = row.cursor().encode();
        let (Some(event), Value::Object(payload)) = (FeedEvent::parse(&row.event), row.payload)
        else {
            return Err(ApiError::internal(anyhow::anyhow!(
                "trial-system feed row {} cannot be read",
                row.id
            )));
        };
        Ok(FeedItem {
            cursor,
            event,
            occurred_at: row.occurred_at,
            filing_id: row.filing_id,
            court_code: row.court_code,
            payload,
        })
    }
}

/// A page of the feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "cursor": "AQAAAAAAAALXAAAAAAAAABE", "event": "filing.submitted",
            "occurred_at": "2026-12-03T08:00:00Z",
            "filing_id": "0b6f3c1e-6d2a-4f0e-9a57-2f4c7b1f7e11", "court_code": "鲁0102",
            "filing_reference": "LA20261203-0000042", "kind": "civil_first_instance",
            "routing": ["filing_division"], "resubmission": false,
            "first_submitted_at": "2026-12-03T08:00:00Z", "submitted_at": "2026-12-03T08:00:00Z",
            "filer_account_id": "5d0c1e2f-8a4b-4c6d-9e0f-1a2b3c4d5e6f",
            "content": {"cause_of_action": "103", "amount_in_dispute": "120000.00",
                        "claims": "判令被告支付货款120000元。"},
            "payer_party_id": "6f1c2a7e-3b9d-4c51-8e0f-2d7b9a4c1e55",
            "refundee_party_id": "6f1c2a7e-3b9d-4c51-8e0f-2d7b9a4c1e55",
            "parties": [{"id": "6f1c2a7e-3b9d-4c51-8e0f-2d7b9a4c1e55", "role": "plaintiff",
                         "type": "natural_person", "name": "张三",
                         "document_type": "resident_id", "document_number": "11010519491231002X"}],
            "agents": [],
            "materials": [{"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                           "category": "complaint_or_application", "original_name": "起诉状.pdf",
                           "content_type": "application/pdf", "size": 482113,
                           "sha256": "9f2c4e…", "pages": 3, "description": null}]
        },
        {
            "cursor": "AQAAAAAAAAL1AAAAAAAAABg", "event": "fee_order.paid",
            "occurred_at": "2026-12-04T02:10:00Z",
            "filing_id": "0b6f3c1e-6d2a-4f0e-9a57-2f4c7b1f7e11", "court_code": "鲁0102",
            "filing_reference": "LA20261203-0000042", "kind": "civil_first_instance",
            "routing": ["filing_division"], "case_number": "（2026）鲁0102民初1号",
            "registration_number": "417305928361",
            "fee_order_id": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
            "order_number": "2026120300000017", "amount": "2700.00",
            "order_status": "paid_awaiting_settlement",
            "payment_id": "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a", "platform": "provincial",
            "channel": "wechat_pay", "bank": null, "paid_at": "2026-12-04T02:09:41Z",
            "transaction_id": "4200002026120412345678"
        }
    ],
    "next_cursor": "AQAAAAAAAAL1AAAAAAAAABg",
    "has_more": false
}))]
pub struct FeedPage {
    /// In feed order: by the transaction that wrote them, then as written.
    pub items: Vec<FeedItem>,
    /// The position after this page: the last item's cursor, or — when the page is empty —
    /// the `after` that was sent (null when none was). Store it once the page is processed.
    pub next_cursor: Option<String>,
    /// Whether more events can be read at once; when false, ask again later.
    pub has_more: bool,
}

/// Read the feed of filings
///
/// Everything the court handles in its own system, in one order, each event once: filings
/// submitted (first submission and resubmission after a rejection, with the whole filing:
/// content, parties, agents, materials and where the filing is routed), reviewed, docketed
/// (case number, registration number and the fee orders issued, or none when nothing is
/// due), new payment notices, and fee orders paid, settled and refunded.
///
/// Read from the start without `after`, then pass the `next_cursor` of each page as `after`;
/// store `next_cursor` only once a page is processed, so that a crash repeats the page
/// rather than skipping it. An event appears once the transaction that made it has ended,
/// and every transaction that started writing before it too, so a cursor never passes an
/// event that is still to come: reading on from a stored cursor never skips or repeats one.
/// An event that follows from another (paid after docketed, say) comes after it. Readers
/// skip events they do not know.
///
/// `routing` says where the filing goes: first enforcements and enforcement
/// reconsiderations pass the case-diversion queue and then the enforcement system;
/// everything else goes to the filing division. Materials are downloaded from
/// `GET /api/v1/integrations/trial-system/materials/{id}/content`.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(FeedParams),
    responses(
        (status = 200, description = "A page of events, possibly empty.", body = FeedPage),
        (status = 400, description = "`feed.cursor_invalid`: `after` is not a cursor this feed gave out.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`auth.service_client_required`: no integration client key (a person's token is refused too).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.scope_missing`: the client lacks the `trial_system` scope.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed` with `limit` and `feed.limit_invalid`: the limit is not 1 to 500.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/integrations/trial-system/filings")]
pub async fn list_trial_system_filings(
    state: web::Data<AppState>,
    _client: TrialSystemClient,
    query: web::Query<FeedParams>,
) -> Result<web::Json<FeedPage>, ApiError> {
    let (after, limit) = query.validate()?;

    // One row more than asked tells whether more can be read now.
    let rows = state
        .with_conn(move |conn| {
            if let Some(cursor) = after
                && !trial_feed::could_have_given_out(conn, cursor)?
            {
                return Err(ApiError::new(Code::FeedCursorInvalid));
            }
            Ok(trial_feed::after(
                conn,
                after.unwrap_or(FeedCursor::START),
                i64::from(limit) + 1,
            )?)
        })
        .await?;

    let has_more = rows.len() > limit as usize;
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(FeedItem::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = items
        .last()
        .map(|item| item.cursor.clone())
        .or_else(|| after.map(FeedCursor::encode));
    Ok(web::Json(FeedPage {
        items,
        next_cursor,
        has_more,
    }))
}

/// Download a material of a submitted filing
///
/// The bytes of a material attached to a filing that has been submitted (of any court; never
/// a draft's), as named in the feed: an attachment named after the original file, with the
/// recognised content type and `nosniff`. A `Range: bytes=…` header gets a 206 with that
/// part. A material of no submitted filing is 404.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Material id, as in the feed."),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`.")
    ),
    responses(
        (status = 200, description = "The file.", content_type = "application/octet-stream"),
        (status = 206, description = "The requested part.", content_type = "application/octet-stream"),
        (status = 401, description = "`auth.service_client_required`: no integration client key (a person's token is refused too).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.scope_missing`: the client lacks the `trial_system` scope.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`material.not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "`range.not_satisfiable`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/integrations/trial-system/materials/{id}/content")]
pub async fn download_trial_system_material(
    state: web::Data<AppState>,
    _client: TrialSystemClient,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let material = state
        .with_conn(move |conn| {
            let Some(material) = materials::find(conn, id)? else {
                return Ok(None);
            };
            Ok(filings::material_submitted(conn, id)?.then_some(material))
        })
        .await?
        .ok_or_else(|| ApiError::new(Code::MaterialNotFound))?;
    serve_material(&state, &req, &material).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(after: Option<&str>, limit: Option<&str>) -> FeedParams {
        FeedParams {
            after: after.map(Into::into),
            limit: limit.map(Into::into),
        }
    }

    #[test]
    fn the_limit_defaults_to_100_and_stops_at_500() {
        assert_eq!(params(None, None).validate().unwrap(), (None, 100));
        assert_eq!(params(None, Some("500")).validate().unwrap().1, 500);
        assert_eq!(params(None, Some("1")).validate().unwrap().1, 1);
        for bad in ["0", "501", "-1", "ten", "1.5"] {
            let error = params(None, Some(bad)).validate().unwrap_err();
            assert_eq!(error.code(), Code::ValidationFailed, "{bad}");
            assert_eq!(error.field_errors()[0].field, "limit");
            assert_eq!(error.field_errors()[0].code, Code::FeedLimitInvalid);
        }
    }

    #[test]
    fn the_cursor_must_be_one_the_feed_gave_out() {
        let cursor = FeedCursor { txid: 900, id: 12 };
        assert_eq!(
            params(Some(&cursor.encode()), None).validate().unwrap().0,
            Some(cursor)
        );
        for bad in ["", "12", "900:12", "AQ"] {
            let error = params(Some(bad), None).validate().unwrap_err();
            assert_eq!(error.code(), Code::FeedCursorInvalid, "{bad:?}");
        }
    }
}
