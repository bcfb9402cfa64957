//! Administrators: creating staff accounts and running the legal-worker sync.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::accounts::AccountView;
use crate::errors::ApiError;
use crate::http::AppState;
use crate::http::auth::Admin;
use crate::http::problem::Problem;
use crate::http::request_id::RequestId;
use crate::services::legal_workers::{self, SyncDetail, Trigger};
use crate::services::staff::{self, StaffInput};
use crate::store::audit::Actor;
use crate::store::sync_runs::SyncRunRow;

/// A staff account to create.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "role": "judge", "login": "li.fang", "name": "李芳", "password": "立案庭2026!",
    "court_code": "鲁0102"
}))]
pub struct StaffAccountRequest {
    /// `judge` or `admin`.
    pub role: String,
    /// 3 to 64 letters, digits, `.`, `-` or `_` (not digits only), stored lower-case; the
    /// login name.
    pub login: String,
    /// The holder's name.
    pub name: String,
    /// A first password, 8 to 128 characters mixing at least two of letters, digits and
    /// symbols. The holder must change it at the first login.
    pub password: String,
    /// The court (e.g. `鲁0102`): required for a judge, optional for an administrator.
    pub court_code: Option<String>,
}

/// The administrator as the author of a change, with the request for the audit trail.
fn admin_actor(req: &HttpRequest, admin: &Admin) -> Actor {
    Actor {
        request_id: RequestId::of(req),
        ..Actor::account(admin.0.id())
    }
}

/// Create a staff account
///
/// Creates a judge's or an administrator's account, active at once, with no ID number;
/// its holder logs in at `POST /api/v1/sessions` with the login name and must replace the
/// given password first. A judge belongs to a court of the `courts` list.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    request_body = StaffAccountRequest,
    responses(
        (status = 201, description = "The account.", body = AccountView),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not an administrator; `account.password_change_required`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`account.login_taken`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named with its code (`role.invalid`, `login.invalid`, `name.*`, `password.*`, `court_code` with `field.required` or `court.not_found`).", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/accounts")]
pub async fn create_staff_account(
    state: web::Data<AppState>,
    req: HttpRequest,
    admin: Admin,
    body: web::Json<StaffAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let actor = admin_actor(&req, &admin);
    let account = state
        .with_conn(move |conn| {
            // Validated and hashed (slowly) before the transaction.
            let staff = staff::prepare_staff(
                &StaffInput {
                    role: &body.role,
                    login: &body.login,
                    name: &body.name,
                    password: &body.password,
                    court_code: body.court_code.as_deref(),
                },
                true,
            )?;
            diesel::Connection::transaction(conn, |conn| staff::create_staff(conn, &staff, &actor))
        })
        .await?;
    Ok(HttpResponse::Created().json(AccountView::from(&account)))
}

/// One run of the legal-worker sync.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "5c1d8c9e-2f7a-4a4b-8a1e-3f0a9b2c7d11", "trigger": "admin:0b6f3c1e-6d2a-4f0e-9a57-2f4c7b1f7e11",
    "started_at": "2026-12-03T08:00:00Z", "finished_at": "2026-12-03T08:00:02Z",
    "records_seen": 3, "converted": 1,
    "details": [{"account_id": "7d0c2f6e-5b51-4d55-9d3c-2f1f4b6b1d10", "id_number_masked": "370***********041X", "licence_number": "3701052012000001", "outcome": "converted"}],
    "error": null
}))]
pub struct LegalWorkerSyncRun {
    pub id: Uuid,
    /// `schedule`, `cli` or `admin:<account id>`.
    pub trigger: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Records the justice department listed.
    pub records_seen: i32,
    /// Party accounts converted to legal workers.
    pub converted: i32,
    /// One entry per account converted, or left alone for a reason worth looking into.
    pub details: Vec<SyncDetail>,
    /// Why the pull from the justice department failed; nothing was converted then.
    pub error: Option<String>,
}

impl From<SyncRunRow> for LegalWorkerSyncRun {
    fn from(row: SyncRunRow) -> LegalWorkerSyncRun {
        LegalWorkerSyncRun {
            id: row.id,
            trigger: row.trigger,
            started_at: row.started_at,
            finished_at: row.finished_at,
            records_seen: row.records_seen,
            converted: row.converted,
            details: serde_json::from_value(row.details).unwrap_or_default(),
            error: row.error,
        }
    }
}

/// Run the legal-worker sync
///
/// Pulls the justice department's list of licensed legal workers now and converts every
/// active party account whose ID number and name match a record into a legal-worker
/// account: the licence number becomes its login name (the ID number still works), the
/// password stays, and an SMS tells the holder. Accounts already converted are left alone,
/// so a run can be repeated; a licence number another account holds is reported, not
/// applied. A failed pull is still a run: it is answered 201 with its `error` and nothing
/// converted. The background jobs run the same sync once a day.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The run and what it did.", body = LegalWorkerSyncRun),
        (status = 401, description = "Not logged in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.forbidden`: not an administrator; `account.password_change_required`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/admin/legal-worker-syncs")]
pub async fn run_legal_worker_sync(
    state: web::Data<AppState>,
    req: HttpRequest,
    admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let trigger = Trigger::admin(admin.0.id(), admin_actor(&req, &admin));
    let department = state.integrations.justice_department.clone();
    let run = state
        .with_conn(move |conn| Ok(legal_workers::run(conn, department.as_ref(), &trigger)?))
        .await?;
    Ok(HttpResponse::Created().json(LegalWorkerSyncRun::from(run)))
}
