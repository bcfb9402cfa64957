//! What the platform does, step by step, shared by the HTTP handlers, the command line and
//! the background jobs. Functions take the caller's connection (and so its transaction).

pub mod court;
pub mod filings;
pub mod legal_workers;
pub mod mini_program;
pub mod payments;
pub mod reconciliation;
pub mod registered_cases;
pub mod registrations;
pub mod sessions;
pub mod staff;
pub mod trial_feed;
