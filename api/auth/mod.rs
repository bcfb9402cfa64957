//! Credentials: password hashing and rules, access and refresh tokens, one-time codes.

pub mod passwords;
pub mod tokens;

/// The scope the mini-program backend holds.
pub const MINI_PROGRAM_SCOPE: &str = "mini_program";
