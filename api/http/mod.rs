//! The HTTP layer: the application, its middleware, and one module per resource.

pub mod auth;
pub mod health;
pub mod idempotency;
pub mod metrics;
pub mod pagination;
pub mod problem;
pub mod request_id;
pub mod v1;

use std::sync::{Arc, OnceLock};

use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};
use diesel::{Connection, PgConnection};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use self::metrics::Metrics;
use self::problem::ApiError;
use crate::auth::tokens::TokenKeys;
use crate::config::Config;
use crate::integrations::Integrations;
use crate::integrations::blob_store::BlobStore;
use crate::store::DbPool;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub tokens: Arc<TokenKeys>,
    /// The outside systems (simulated unless configured otherwise).
    pub integrations: Integrations,
    /// Where material bytes are kept.
    pub blobs: Arc<BlobStore>,
}

impl AppState {
    /// State over `pool`; token keys come from the configured secret, or are random for
    /// this process when none is configured.
    pub fn new(pool: DbPool, config: Config) -> anyhow::Result<AppState> {
        let refresh_ttl = config.refresh_token_ttl_days * 86_400;
        let tokens = match &config.token_secret {
            Some(secret) => TokenKeys::new(
                &config.token_key_id,
                secret.as_bytes(),
                config.access_token_ttl_seconds,
                refresh_ttl,
            )?,
            None => TokenKeys::random(config.access_token_ttl_seconds, refresh_ttl),
        };
        let blobs = BlobStore::open(&config.materials_store, config.data_dir.join("uploads"))?;
        Ok(AppState {
            pool,
            config: Arc::new(config),
            tokens: Arc::new(tokens),
            integrations: Integrations::simulated(),
            blobs: Arc::new(blobs),
        })
    }

    /// The same state talking to other outside systems.
    pub fn with_integrations(self, integrations: Integrations) -> AppState {
        AppState {
            integrations,
            ..self
        }
    }

    /// Runs `work` with a pooled connection on the blocking pool (diesel is synchronous and
    /// must never run on an HTTP worker), inside the caller's tracing span.
    pub async fn with_conn<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(ApiError::unavailable)?;
            work(&mut conn)
        })
        .await?
    }

    /// Like [`AppState::with_conn`], inside one transaction that commits when `work`
    /// succeeds and rolls back when it fails: nothing is ever half-written.
    pub async fn transaction<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    {
        self.with_conn(move |conn| conn.transaction(work)).await
    }
}

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
        (name = "materials", description = "Uploading and downloading PDFs and images."),
        (name = "administration", description = "Staff accounts, support and the SMS log."),
        (name = "integrations", description = "Endpoints for integration clients (mini program)."),
        (name = "operations", description = "Health, readiness and metrics.")
    ),
    components(schemas(problem::Problem, problem::ProblemField))
)]
struct ApiDoc;

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
        .get_or_init(|| routes(App::new().into_utoipa_app()).split_for_parts().1)
        .clone()
}
