//! Practice licence numbers of lawyers (律师执业证号) and of basic-level legal service
//! workers (基层法律服务工作者执业证号), which agents give when they file for a client.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::domain::text::{fold_width, is_blank};
use crate::errors::Code;

/// The shortest licence number accepted, in digits.
pub const MIN_DIGITS: usize = 8;

/// The longest licence number accepted, in digits.
pub const MAX_DIGITS: usize = 20;

/// A practice licence number: a string of 8 to 20 ASCII digits.
///
/// Lawyers' licence numbers are 17 digits (encoding the licence class, the region, the year
/// of first licensing and a sequence); legal service workers' numbers are digit strings whose length has
/// varied between provinces and years. No published format is shared by both, so the rule
/// is the common shape, with bounds wide enough for every issued number and narrow enough
/// to catch a phone number or a truncated paste (8–20). Leading zeros are significant: the
/// number is an identifier, never a quantity, and is kept as a string.
///
/// Licence numbers are published by the justice bureaus, so `Debug` shows them in full.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LicenceNumber(String);

impl LicenceNumber {
    /// Parses a licence number as typed or pasted: blanks anywhere are removed (numbers are
    /// often written in groups) and full-width digits are folded to ASCII.
    ///
    /// # Errors
    ///
    /// `licence_number.required` (nothing left), `licence_number.format` (anything
    /// but 8 to 20 digits).
    pub fn parse(input: &str) -> Result<LicenceNumber, Code> {
        let number: String = input
            .chars()
            .filter(|&c| !is_blank(c))
            .map(fold_width)
            .collect();
        if number.is_empty() {
            return Err(Code::LicenceNumberRequired);
        }
        let digits_only = number.bytes().all(|b| b.is_ascii_digit());
        if !digits_only || !(MIN_DIGITS..=MAX_DIGITS).contains(&number.len()) {
            return Err(Code::LicenceNumberFormat);
        }
        Ok(LicenceNumber(number))
    }

    /// The canonical digit string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reads a licence number from a JSON request field.
///
/// # Errors
///
/// Only a JSON string is accepted, with the errors of [`LicenceNumber::parse`]. A JSON
/// number is refused with `licence_number.not_string`: a 17-digit number is beyond the
/// 2^53 that JavaScript clients represent exactly, so it may already have been corrupted
/// before it reached us (and leading zeros are lost). Booleans, arrays and objects get the
/// same code; `null` counts as missing (`licence_number.required`).
pub fn licence_from_json(value: &Value) -> Result<LicenceNumber, Code> {
    match value {
        Value::String(text) => LicenceNumber::parse(text),
        Value::Null => Err(Code::LicenceNumberRequired),
        Value::Number(_) | Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
            Err(Code::LicenceNumberNotString)
        }
    }
}

impl fmt::Display for LicenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for LicenceNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn parse(input: &str) -> Result<String, Code> {
        LicenceNumber::parse(input).map(|number| number.as_str().to_owned())
    }

    #[test]
    fn lawyer_licence_numbers() {
        for (input, expected) in [
            ("13701201010123456", "13701201010123456"),
            (" 13701201010123456\u{3000}", "13701201010123456"),
            ("\u{200B}13701201010123456\u{FEFF}", "13701201010123456"),
            ("13701 2010 1012 3456", "13701201010123456"),
            ("１３７０１２０１０１０１２３４５６", "13701201010123456"),
            ("00000001", "00000001"),
            ("12345678", "12345678"),
            ("12345678901234567890", "12345678901234567890"),
        ] {
            assert_eq!(parse(input).as_deref(), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn empty_input_is_required() {
        for input in ["", " ", "\u{3000}", "\u{200B}"] {
            assert_eq!(parse(input), Err(Code::LicenceNumberRequired), "{input:?}");
        }
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for input in [
            "1234567",
            "123456789012345678901",
            "1370120101012345X",
            "13701-20101-0123456",
            "律师13701201010123456",
            "1.3701201010123456e16",
            "-13701201010123456",
            "١٣٧٠١٢٠١٠١٠١٢٣٤٥٦",
            "abcdefghij",
        ] {
            assert_eq!(parse(input), Err(Code::LicenceNumberFormat), "{input:?}");
        }
    }

    #[test]
    fn json_numbers_are_refused_with_their_own_code() {
        assert_eq!(
            licence_from_json(&json!("13701201010123456")).map(|n| n.to_string()),
            Ok("13701201010123456".to_owned())
        );
        assert_eq!(
            licence_from_json(&json!(13701201010123456u64)),
            Err(Code::LicenceNumberNotString)
        );
        assert_eq!(
            licence_from_json(&json!(1.3701201010123456e16)),
            Err(Code::LicenceNumberNotString)
        );
        assert_eq!(
            licence_from_json(&json!(12345678)),
            Err(Code::LicenceNumberNotString)
        );
        assert_eq!(
            licence_from_json(&json!(true)),
            Err(Code::LicenceNumberNotString)
        );
        assert_eq!(
            licence_from_json(&json!(["13701201010123456"])),
            Err(Code::LicenceNumberNotString)
        );
        assert_eq!(
            licence_from_json(&json!({})),
            Err(Code::LicenceNumberNotString)
        );
        assert_eq!(
            licence_from_json(&json!(null)),
            Err(Code::LicenceNumberRequired)
        );
        assert_eq!(
            licence_from_json(&json!("")),
            Err(Code::LicenceNumberRequired)
        );
        assert_eq!(
            licence_from_json(&json!("123")),
            Err(Code::LicenceNumberFormat)
        );
    }

    #[test]
    fn serialises_as_a_string() {
        let number = LicenceNumber::parse("01234567890123456").unwrap();
        assert_eq!(
            serde_json::to_value(&number).unwrap(),
            json!("01234567890123456")
        );
    }

    proptest! {
        #[test]
        fn digit_strings_of_allowed_length_round_trip(number in "[0-9]{8,20}") {
            let parsed = LicenceNumber::parse(&number).unwrap();
            prop_assert_eq!(parsed.as_str(), number.as_str());
            prop_assert_eq!(licence_from_json(&Value::String(number.clone())).unwrap(), parsed);
        }

        #[test]
        fn other_lengths_are_refused(number in "[0-9]{1,7}|[0-9]{21,30}") {
            prop_assert_eq!(LicenceNumber::parse(&number), Err(Code::LicenceNumberFormat));
        }

        #[test]
        fn every_json_number_is_refused(n in any::<u64>(), f in any::<f64>()) {
            prop_assert_eq!(licence_from_json(&json!(n)), Err(Code::LicenceNumberNotString));
            if f.is_finite() {
                prop_assert_eq!(licence_from_json(&json!(f)), Err(Code::LicenceNumberNotString));
            }
        }

        #[test]
        fn junk_never_panics(input in any::<String>()) {
            let _ = LicenceNumber::parse(&input);
        }
    }
}
