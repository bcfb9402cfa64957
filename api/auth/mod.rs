//! Credentials: password hashing and rules, access and refresh tokens, one-time codes.

pub mod passwords;
pub mod tokens;
