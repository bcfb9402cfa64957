//! Version 1 of the API, under `/api/v1`.

pub mod accounts;
pub mod case_kinds;
pub mod causes;
pub mod courts;
pub mod registrations;
pub mod sessions;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` resource.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(courts::list_courts)
        .service(courts::get_court)
        .service(causes::list_causes)
        .service(case_kinds::list_case_kinds)
        .service(registrations::register_party)
        .service(registrations::register_lawyer)
        .service(registrations::get_registration)
        .service(sessions::create_session)
        .service(sessions::refresh_session)
        .service(sessions::delete_current_session)
        .service(accounts::get_my_account)
        .service(accounts::update_my_account)
        .service(accounts::create_phone_verification)
        .service(accounts::change_my_password);
}
