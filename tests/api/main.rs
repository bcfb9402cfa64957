//! Integration tests: the service over real HTTP against real PostgreSQL, one database per
//! test.

mod accounts;
mod assisted_resets;
mod audit;
mod court;
mod errors;
mod filings;
mod hardening;
mod idempotency;
mod legal_workers;
mod materials;
mod materials_s3;
mod mini_program;
mod operations;
mod original_cases;
mod payments;
mod reference;
mod schema;
mod staff;
mod support;
mod trial_feed;
