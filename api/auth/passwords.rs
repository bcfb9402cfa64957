//! Password rules and Argon2id hashing.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::errors::Code;

/// Shortest password accepted, in characters.
pub const MIN_LENGTH: usize = 8;
/// Longest password accepted, in characters (hashing very long inputs is a denial-of-service
/// lever).
pub const MAX_LENGTH: usize = 128;

/// Checks a password a person chooses: 8 to 128 characters, at least two kinds among
/// letters, digits and other characters, no control characters, and not the default
/// password derived from the ID number (which others can guess).
pub fn check_new_password(password: &str, id_number: Option<&str>) -> Result<(), Code> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(Code::PasswordTooShort);
    }
    if length > MAX_LENGTH {
        return Err(Code::PasswordTooLong);
    }
    if password.chars().any(char::is_control) {
        return Err(Code::PasswordInvalidCharacters);
    }
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    let others = password
        .chars()
        .any(|c| !c.is_alphabetic() && !c.is_ascii_digit());
    if [letters, digits, others]
        .iter()
        .filter(|kind| **kind)
        .count()
        < 2
    {
        return Err(Code::PasswordTooSimple);
    }
    if id_number.is_some_and(|id| default_password(id).eq_ignore_ascii_case(password)) {
        return Err(Code::PasswordIsDefault);
    }
    Ok(())
}

/// The default password of accounts created without one (imported lawyers, mini-program
/// registrations): the last eight characters of the ID number.
pub fn default_password(id_number: &str) -> String {
    let chars: Vec<char> = id_number.chars().collect();
    chars[chars.len().saturating_sub(8)..].iter().collect()
}

/// Hashes a password with Argon2id and a random salt, in PHC string format.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| anyhow::anyhow!("salt encoding failed: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// Whether `password` matches `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as checking a real password, so that an unknown login and a wrong
/// password cannot be told apart by the time the answer takes.
pub fn verify_against_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash =
        DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default());
    let _ = verify_password(password, hash);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let first = hash_password("Secret-2026").unwrap();
        let second = hash_password("Secret-2026").unwrap();
        assert_ne!(first, second);
        assert!(first.starts_with("$argon2id$"));
        assert!(verify_password("Secret-2026", &first));
        assert!(!verify_password("secret-2026", &first));
        assert!(!verify_password("Secret-2026", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused_with_their_reason() {
        assert_eq!(
            check_new_password("a1b2c3", None),
            Err(Code::PasswordTooShort)
        );
        assert_eq!(
            check_new_password(&"a1".repeat(65), None),
            Err(Code::PasswordTooLong)
        );
        assert_eq!(
            check_new_password("abcdefgh", None),
            Err(Code::PasswordTooSimple)
        );
        assert_eq!(
            check_new_password("12345678", None),
            Err(Code::PasswordTooSimple)
        );
        assert_eq!(
            check_new_password("abc\u{0}12345", None),
            Err(Code::PasswordInvalidCharacters)
        );
        assert_eq!(
            check_new_password("1231002X", Some("11010519491231002X")),
            Err(Code::PasswordIsDefault)
        );
        assert_eq!(check_new_password("法院立案2026", None), Ok(()));
        assert_eq!(check_new_password("correct horse battery", None), Ok(()));
    }

    #[test]
    fn the_default_password_is_the_last_eight_characters_of_the_id_number() {
        assert_eq!(default_password("11010519491231002X"), "1231002X");
        assert_eq!(default_password("1234"), "1234");
    }
}
