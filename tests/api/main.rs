//! Integration tests: the service over real HTTP against real PostgreSQL, one database per
//! test.

mod accounts;
mod audit;
mod errors;
mod idempotency;
mod legal_workers;
mod materials;
mod mini_program;
mod operations;
mod reference;
mod schema;
mod staff;
mod support;
