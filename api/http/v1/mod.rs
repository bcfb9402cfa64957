//! Version 1 of the API, under `/api/v1`.

pub mod case_kinds;
pub mod causes;
pub mod courts;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` resource.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(courts::list_courts)
        .service(courts::get_court)
        .service(causes::list_causes)
        .service(case_kinds::list_case_kinds);
}
