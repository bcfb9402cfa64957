//! The HTTP layer: the application, its middleware, and one module per resource.

pub mod auth;
pub mod body;
pub mod dev;
pub mod health;
pub mod idempotency;
pub mod metrics;
pub mod pagination;
pub mod pdf_screen;
pub mod problem;
pub mod request_id;
pub mod uploads;
pub mod v1;

use std::sync::OnceLock;

use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use self::metrics::Metrics;

pub use crate::state::AppState;

/// The published description of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shandong courts e-litigation service platform API",
        description = "The JSON API behind which people register, file cases online, pay court \
fees, hand in materials and read case files, and judges review and docket filings.\n\n\
Errors are RFC 9457 `application/problem+json` documents with a stable `code`; messages are \
in Chinese unless `Accept-Language: en` is sent. Money is a string of yuan with two \
decimals; timestamps are RFC 3339; long numeric identifiers are strings. Writes that \
clients retry honour an `Idempotency-Key` header.",
        version = "1.0.0",
        license(name = "Proprietary")
    ),
    servers((url = "/", description = "This server")),
    modifiers(&BearerSecurity),
    tags(
        (name = "reference", description = "Courts, causes of action and filing kinds."),
        (name = "registrations", description = "Registering parties and lawyers."),
        (name = "sessions", description = "Logging in and out."),
        (name = "accounts", description = "The caller's own account."),
        (name = "password-resets", description = "Resetting a forgotten password by SMS."),
        (name = "cases", description = "Online filing: drafts, parties, materials, checks and submission, and the filer's cases."),
        (name = "court", description = "For judges: the review queue, review, docketing with case number and fee, the court's fee orders and refunds."),
        (name = "fees", description = "Paying court fees: the account's fee orders, their channels, payments, and the payment platforms' notifications."),
        (name = "materials", description = "Uploading and downloading PDFs and images."),
        (name = "administration", description = "Staff accounts, support and the SMS log."),
        (name = "integrations", description = "Endpoints for integration clients (mini program, trial-management system)."),
        (name = "operations", description = "Health, readiness and metrics.")
    ),
    components(schemas(problem::Problem, problem::ProblemField))
)]
struct ApiDoc;

/// The views of stored parties and agents (of cases and of the trial-system feed) are their
/// input plus `id` (and `created_at`); the inputs refuse unknown fields
/// (`additionalProperties: false`), which would make every stored view invalid against its
/// own schema. The views therefore get a copy of the input schema that allows more
/// properties.
struct StoredViews;

impl utoipa::Modify for StoredViews {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::{AdditionalProperties, Schema};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (view, input) in [
            ("PartyView", "PartyInput"),
            ("AgentView", "AgentInput"),
            ("FeedParty", "PartyInput"),
            ("FeedAgent", "AgentInput"),
        ] {
            let Some(RefOr::T(Schema::Object(mut open))) = components.schemas.get(input).cloned()
            else {
                continue;
            };
            open.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(true)));
            if let Some(RefOr::T(Schema::AllOf(all_of))) = components.schemas.get_mut(view) {
                for item in &mut all_of.items {
                    if matches!(item, RefOr::Ref(r) if r.ref_location.ends_with(&format!("/{input}")))
                    {
                        *item = RefOr::T(Schema::Object(open.clone()));
                    }
                }
            }
        }
    }
}

/// Declares the `bearer` security scheme: a person's access token, or an integration
/// client's key (`<client id>.<secret>`).
struct BearerSecurity;

impl utoipa::Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Builds the application: routes, middleware and documentation.
pub fn app(
    state: AppState,
    metrics: web::Data<Metrics>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    app_with(state, metrics, |_| {})
}

/// Like [`app`], with extra routes registered by `extra` (tests use it to probe the shared
/// middleware with routes of their own).
pub fn app_with(
    state: AppState,
    metrics: web::Data<Metrics>,
    extra: impl FnOnce(&mut web::ServiceConfig),
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let json_limit = state.config.json_limit_bytes;
    let cors = cors(&state.config.cors_allowed_origins);
    // The documentation routes come first: the `/api/v1` scope would otherwise take every
    // path under it, the contract's own address included.
    let docs = SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi());
    let app = App::new().service(docs).route(
        "/docs",
        web::get().to(|| async {
            actix_web::HttpResponse::PermanentRedirect()
                .insert_header((actix_web::http::header::LOCATION, "/docs/"))
                .finish()
        }),
    );
    let simulated = state.config.dev_endpoints && state.integrations.payments.all_simulated();
    let app = app.configure(|config| dev::configure(config, simulated));
    let app = routes(app.into_utoipa_app()).into_app();
    app.app_data(web::Data::new(state))
        .app_data(metrics)
        .app_data(
            web::JsonConfig::default()
                .limit(json_limit)
                .error_handler(problem::json_error),
        )
        .app_data(web::PayloadConfig::default().limit(json_limit))
        .app_data(web::QueryConfig::default().error_handler(problem::query_error))
        .app_data(web::PathConfig::default().error_handler(problem::path_error))
        .configure(extra)
        .default_service(web::to(problem::route_not_found))
        .wrap(from_fn(idempotency::idempotency))
        .wrap(cors)
        .wrap(from_fn(problem::render_problems))
        .wrap(from_fn(request_id::observe))
}

/// Cross-origin access for the configured browser origins only.
fn cors(origins: &[String]) -> actix_cors::Cors {
    use actix_web::http::header;
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            idempotency::IDEMPOTENCY_KEY.clone(),
            request_id::X_REQUEST_ID.clone(),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            idempotency::IDEMPOTENT_REPLAYED.clone(),
            request_id::X_REQUEST_ID.clone(),
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

fn routes<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(v1::configure)
                .default_service(web::to(problem::route_not_found)),
        )
}

/// The OpenAPI document, built from the same route list the server uses.
pub fn openapi() -> utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            let mut document = routes(App::new().into_utoipa_app()).split_for_parts().1;
            // The schemas of the routes are known only now, not when `ApiDoc` is built.
            utoipa::Modify::modify(&StoredViews, &mut document);
            document
        })
        .clone()
}
