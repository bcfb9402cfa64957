//! For staff: reconciliation reports — what each platform's daily statement settled, and
//! every difference from the payments recorded here — and the payments and notifications
//! that need a person.

use actix_web::{get, post, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::calendar::shanghai_date;
use crate::domain::payment::Platform;
use crate::domain::working_days;
use crate::errors::{ApiError, Code};
use crate::http::AppState;
use crate::http::auth::Admin;
use crate::http::problem::Problem;
use crate::http::v1::fee_orders::PaymentView;
use crate::services::reconciliation as service;
use crate::store::audit::{self, Actor, Change};
use crate::store::payments;
use crate::store::reconciliation::{self, ReportRow};

/// One platform's report of one day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReconciliationReportView {
    /// `provincial` or `qingdao`.
    pub platform: String,
    #[schema(value_type = String, example = "2026-12-03")]
    pub statement_date: NaiveDate,
    /// Lines in the platform's statement.
    pub statement_lines: i32,
    /// Orders of this statement that are settled (by this run or an earlier one).
    pub settled: i32,
    /// Statement lines with no paid payment here: `[{merchant_order_no, transaction_id,
    /// amount}]`.
    #[schema(value_type = Vec<Object>)]
    pub missing_locally: Value,
    /// Payments paid here and due in this statement but not in it: `[{payment_id,
    /// order_number, amount}]`.
    #[schema(value_type = Vec<Object>)]
    pub missing_in_statement: Value,
    /// Payments whose amount differs: `[{payment_id, order_number, recorded, statement}]`.
    #[schema(value_type = Vec<Object>)]
    pub amount_mismatches: Value,
    pub created_at: DateTime<Utc>,
}

impl From<ReportRow> for ReconciliationReportView {
    fn from(row: ReportRow) -> ReconciliationReportView {
        ReconciliationReportView {
            platform: row.platform,
            statement_date: row.statement_date,
            statement_lines: row.statement_lines,
            settled: row.settled,
            missing_locally: row.missing_locally,
            missing_in_statement: row.missing_in_statement,
            amount_mismatches: row.amount_mismatches,
            created_at: row.created_at,
        }
    }
}

/// The reports of one day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReconciliationDayView {
    #[schema(value_type = String, example = "2026-12-03")]
    pub date: NaiveDate,
    pub reports: Vec<ReconciliationReportView>,
}

/// A statement day: exactly `YYYY-MM-DD`, from 2000 on.
fn parse_date(raw: &str) -> Result<NaiveDate, ApiError> {
    let well_formed = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    well_formed
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .filter(|date| date.year() >= 2000)
        .ok_or_else(|| ApiError::field("date", Code::DateInvalid))
}

/// Read the reconciliation reports of a day
///
/// For administrators: per payment platform, how many statement lines there were, how many
/// orders were settled, and the differences — lines with no payment here, payments missing
/// from the statement, amounts that differ. The background jobs compare yesterday's
/// statements (Asia/Shanghai) every day.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("date" = String, Path, description = "The statement day, `YYYY-MM-DD`.")),
    responses(
        (status = 200, description = "The day's reports.", body = ReconciliationDayView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`reconciliation_report.not_found`: that day has not been compared.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: not a date.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reconciliation-reports/{date}")]
pub async fn get_reconciliation_reports(
    state: web::Data<AppState>,
    _admin: Admin,
    date: web::Path<String>,
) -> Result<web::Json<ReconciliationDayView>, ApiError> {
    let date = parse_date(&date)?;
    let rows = state
        .with_conn(move |conn| Ok(reconciliation::for_date(conn, date)?))
        .await?;
    if rows.is_empty() {
        return Err(ApiError::new(Code::ReconciliationReportNotFound));
    }
    Ok(web::Json(ReconciliationDayView {
        date,
        reports: rows.into_iter().map(Into::into).collect(),
    }))
}

/// A reconciliation to run now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReconcileRequest {
    /// The statement day, `YYYY-MM-DD`, not after today.
    #[schema(example = "2026-12-03")]
    pub date: String,
    /// `provincial` or `qingdao`; both when absent.
    pub platform: Option<String>,
}

/// Reconcile a day now
///
/// For administrators: fetches the statements of the day again and compares them, replacing
/// the day's earlier reports (to pick up a corrected statement, or a day the job could not
/// reach a platform).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    request_body = ReconcileRequest,
    responses(
        (status = 200, description = "The day's reports.", body = ReconciliationDayView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not an administrator.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation.failed`: not a date, a future date or an unknown platform.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`payment.platform_unavailable`: a statement could not be fetched.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/reconciliation-reports")]
pub async fn run_reconciliation(
    state: web::Data<AppState>,
    admin: Admin,
    body: web::Json<ReconcileRequest>,
) -> Result<web::Json<ReconciliationDayView>, ApiError> {
    let body = body.into_inner();
    let date = parse_date(&body.date)?;
    if date > shanghai_date(Utc::now()) {
        return Err(ApiError::field("date", Code::DateInFuture));
    }
    let platforms: Vec<Platform> = match body.platform.as_deref().map(str::trim) {
        None | Some("") => vec![Platform::Provincial, Platform::Qingdao],
        Some(name) => vec![
            Platform::parse(name)
                .ok_or_else(|| ApiError::field("platform", Code::ChoiceInvalid))?,
        ],
    };
    let integrations = state.integrations.payments.clone();
    let admin = admin.0.id();
    let reports = state
        .with_conn(move |conn| {
            audit::record(
                conn,
                &Actor::account(admin),
                &Change {
                    action: "reconciliation.run",
                    subject_type: "reconciliation_report",
                    subject_id: &date.to_string(),
                    details: serde_json::json!({
                        "platforms": platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                    }),
                },
            )?;
            let calendar = working_days::official();
            let mut reports = Vec::new();
            for platform in platforms {
                reports.push(service::reconcile(
                    conn,
                    &integrations,
                    platform,
                    date,
                    calendar,
                    Utc::now(),
                )?);
            }
            Ok(reports)
        })
        .await?;
    Ok(web::Json(ReconciliationDayView {
        date,
        reports: reports.into_iter().map(Into::into).collect(),
    }))
}

/// A notification staff must look at.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationForStaff {
    pub id: i64,
    /// `provincial` or `qingdao`.
    pub platform: String,
    pub notification_id: Option<String>,
    pub payment_id: Option<uuid::Uuid>,
    /// `amount_mismatch` or `unknown_payment`.
    pub outcome: String,
    /// The body as received.
    pub body: String,
    pub received_at: DateTime<Utc>,
}

/// Money and messages that need a person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentReviewsView {
    /// Payments whose money awaits a refund review: `review_reason` is `duplicate_payment`
    /// (the order was already paid) or `after_expiry`.
    pub payments: Vec<PaymentView>,
    /// Notifications that reported a wrong amount or a payment unknown here.
    pub notifications: Vec<NotificationForStaff>,
}

/// List payments and notifications that need a person
///
/// For administrators, newest first (at most 200 of each): money received twice or after a
/// notice ran out, to be refunded or kept, and notifications with a wrong amount or for an
/// unknown payment.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What needs a person.", body = PaymentReviewsView),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not an administrator.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/admin/payment-reviews")]
pub async fn list_payment_reviews(
    state: web::Data<AppState>,
    _admin: Admin,
) -> Result<web::Json<PaymentReviewsView>, ApiError> {
    let (payments, notifications) = state
        .with_conn(|conn| {
            Ok((
                payments::awaiting_review(conn, 200)?,
                payments::notifications_for_staff(conn, 200)?,
            ))
        })
        .await?;
    Ok(web::Json(PaymentReviewsView {
        payments: payments.iter().map(PaymentView::from).collect(),
        notifications: notifications
            .into_iter()
            .map(|n| NotificationForStaff {
                id: n.id,
                platform: n.platform,
                notification_id: n.notification_id,
                payment_id: n.payment_id,
                outcome: n.outcome,
                body: n.body,
                received_at: n.received_at,
            })
            .collect(),
    }))
}
