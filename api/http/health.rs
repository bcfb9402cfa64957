//! Liveness, readiness and metrics for operators and load balancers.

use actix_web::{HttpResponse, get, web};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::metrics::Metrics;
use super::problem::ApiError;

/// Health of the process or of its dependencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when healthy.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Process liveness
///
/// Answers as long as the process serves HTTP; it checks nothing else, so a load balancer
/// does not restart a healthy process because the database is briefly away.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The process is up.", body = Health,
               example = json!({"status": "ok"})))
)]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness to serve requests
///
/// Answers 200 when the database answers a query, 503 otherwise, so traffic is only sent to
/// instances that can serve it.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The database is reachable.", body = Health,
         example = json!({"status": "ok"})),
        (status = 503, description = "The database is not reachable.",
         body = super::problem::Problem, content_type = "application/problem+json")
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    state
        .with_conn(|conn| {
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map_err(ApiError::unavailable)
        })
        .await?;
    Ok(web::Json(Health { status: "ok" }))
}

/// Prometheus metrics
///
/// Request counts and latency histograms per route pattern, in the Prometheus text format.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Metrics in the Prometheus text format.",
               body = String, content_type = "text/plain; version=0.0.4"))
)]
#[get("/metrics")]
pub async fn metrics(metrics: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    let text = metrics.render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}
