//! Credentials: password hashing and rules, access and refresh tokens, one-time codes.

pub mod passwords;
pub mod tokens;

/// The scope the mini-program backend holds.
pub const MINI_PROGRAM_SCOPE: &str = "mini_program";

/// The scope the courts' trial-management system holds: it pushes registered cases and
/// reads the feed of filings.
pub const TRIAL_SYSTEM_SCOPE: &str = "trial_system";
