//! Version 1 of the API, under `/api/v1`.

pub mod accounts;
pub mod admin;
pub mod admin_accounts;
pub mod admin_password_resets;
pub mod assisted_resets;
pub mod case_kinds;
pub mod cases;
pub mod causes;
pub mod court;
pub mod courts;
pub mod fee_orders;
pub mod filing_lists;
pub mod materials;
pub mod mini_program;
pub mod original_cases;
pub mod password_resets;
pub mod reconciliation;
pub mod registrations;
pub mod sessions;
pub mod trial_system;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` resource.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(courts::list_courts)
        .service(courts::get_court)
        .service(causes::list_causes)
        .service(case_kinds::list_case_kinds)
        .service(filing_lists::list_charges)
        .service(filing_lists::list_special_procedures)
        .service(registrations::register_party)
        .service(registrations::register_lawyer)
        .service(registrations::get_registration)
        .service(sessions::create_session)
        .service(sessions::refresh_session)
        .service(sessions::delete_current_session)
        .service(accounts::get_my_account)
        .service(accounts::update_my_account)
        .service(accounts::create_phone_verification)
        .service(accounts::change_my_password)
        .service(password_resets::request_password_reset)
        .service(password_resets::confirm_password_reset)
        .service(assisted_resets::file_password_reset_request)
        .service(cases::list_cases)
        .service(cases::create_case)
        .service(cases::get_case)
        .service(cases::update_case)
        .service(cases::delete_case)
        .service(cases::add_party)
        .service(cases::update_party)
        .service(cases::delete_party)
        .service(cases::add_agent)
        .service(cases::update_agent)
        .service(cases::delete_agent)
        .service(cases::list_payer_candidates)
        .service(cases::attach_material)
        .service(cases::detach_material)
        .service(cases::check_case)
        .service(cases::submit_case)
        .service(original_cases::list_original_cases)
        .service(original_cases::get_original_case)
        .service(original_cases::create_draft_from_original_case)
        .service(original_cases::push_registered_cases)
        .service(court::list_review_queue)
        .service(court::review_case)
        .service(court::docket_case)
        .service(court::quote_fee)
        .service(court::list_court_fee_orders)
        .service(court::reissue_fee_order)
        .service(fee_orders::list_fee_orders)
        .service(fee_orders::get_fee_order)
        .service(fee_orders::list_fee_order_channels)
        .service(fee_orders::start_payment)
        .service(fee_orders::download_fee_order_voucher)
        .service(fee_orders::refund_fee_order)
        .service(fee_orders::receive_payment_notification)
        .service(reconciliation::get_reconciliation_reports)
        .service(reconciliation::run_reconciliation)
        .service(reconciliation::list_payment_reviews)
        .service(materials::upload_material)
        .service(materials::get_material)
        .service(materials::download_material)
        .service(materials::delete_material)
        .service(admin::list_sms)
        .service(admin::get_registration_detail)
        .service(admin::reset_password_by_staff)
        .service(admin_accounts::create_staff_account)
        .service(admin_accounts::run_legal_worker_sync)
        .service(admin_password_resets::list_password_reset_requests)
        .service(admin_password_resets::get_password_reset_request)
        .service(admin_password_resets::download_password_reset_document)
        .service(admin_password_resets::decide_password_reset_request)
        .service(mini_program::register_mini_program_user)
        .service(mini_program::create_mini_program_session)
        .service(trial_system::list_trial_system_filings)
        .service(trial_system::download_trial_system_material);
}
