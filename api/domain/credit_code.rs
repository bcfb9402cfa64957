//! Unified social credit codes (统一社会信用代码, GB 32100-2015), the identifier of every
//! organisation: companies, institutions, social organisations, government bodies.
//!
//! 18 characters: the registration authority (1), the organisation category (1), the
//! region code of the registering authority (6), the organisation code (9) and a check
//! character. Characters come from a 31-character alphabet that leaves out I, O, Z, S and V
//! so they cannot be confused with 1, 0, 2, 5 and U.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::domain::text::{fold_width, is_blank};
use crate::errors::Code;

/// The alphabet of GB 32100; a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weights of the 17 body characters, `3^i mod 31`.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code in canonical form: 18 upper-case ASCII characters of the
/// GB 32100 alphabet with a correct check character.
///
/// Credit codes identify organisations and are public, so `Debug` shows them in full.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|index| u32::try_from(index).ok())
}

/// The GB 32100 check character of a 17-character body, or `None` when `body` is not 17
/// characters of the alphabet (upper-case).
///
/// The check value is `31 - (Σ value × weight mod 31)`, with 31 written as `0`. The weights
/// are powers of 3 modulo the prime 31, none zero, so any single mistyped character changes
/// the check character.
pub fn check_character(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&c, weight) in bytes.iter().zip(WEIGHTS) {
        sum += value_of(c)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET.get(check as usize).map(|&c| char::from(c))
}

impl CreditCode {
    /// Parses a unified social credit code as typed or pasted.
    ///
    /// Cleaning: blanks anywhere are removed (codes are often printed in groups or pasted
    /// with invisible characters), full-width characters are folded to ASCII, lower-case
    /// letters are upper-cased.
    ///
    /// # Errors
    ///
    /// In this order: `credit_code.required` (nothing left), `credit_code.format`
    /// (not 18 characters, or a character that is neither an ASCII letter nor a digit),
    /// `credit_code.alphabet` (one of the letters I, O, Z, S, V, which the standard leaves
    /// out and which are usually a mistyped 1, 0, 2, 5 or U), `credit_code.checksum`.
    ///
    /// The structure of the body (registration authority, category, region) is not checked
    /// beyond the alphabet: the check character already catches mistyping, and authorities
    /// keep adding categories.
    pub fn parse(input: &str) -> Result<CreditCode, Code> {
        let code: String = input
            .chars()
            .filter(|&c| !is_blank(c))
            .map(|c| fold_width(c).to_ascii_uppercase())
            .collect();
        if code.is_empty() {
            return Err(Code::CreditCodeRequired);
        }
        if code.chars().count() != 18 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Code::CreditCodeFormat);
        }
        if code.bytes().any(|b| value_of(b).is_none()) {
            return Err(Code::CreditCodeAlphabet);
        }
        if check_character(&code[..17]) != code[17..].chars().next() {
            return Err(Code::CreditCodeChecksum);
        }
        Ok(CreditCode(code))
    }

    /// The canonical 18-character code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registration authority code, the first character (`9` for market regulation,
    /// `1` for institutions …).
    pub fn registration_authority(&self) -> char {
        char::from(self.0.as_bytes()[0])
    }

    /// The organisation category within the authority, the second character (`1` for
    /// enterprises under market regulation …).
    pub fn organisation_category(&self) -> char {
        char::from(self.0.as_bytes()[1])
    }

    /// The six-character region code of the registering authority (`370102`).
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The nine-character organisation code (GB 11714) embedded in the credit code.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(input: &str) -> Result<String, Code> {
        CreditCode::parse(input).map(|code| code.as_str().to_owned())
    }

    /// Codes published by large companies, and codes computed by hand from the standard.
    const VALID: &[&str] = &[
        "9144030071526726XG",
        "914403001922038216",
        "91330100716105852F",
        "91110000802100433B",
        "91370102MA3C5EJ69F",
        "91370100163046810W",
        "11100000000013127D",
        "51370000500001325B",
        "Y13701020000000014",
    ];

    #[test]
    fn known_codes_are_valid() {
        for code in VALID {
            assert_eq!(parse(code).as_deref(), Ok(*code));
            assert_eq!(check_character(&code[..17]), code.chars().nth(17));
        }
    }

    #[test]
    fn check_values_cover_the_whole_alphabet_and_31_is_zero() {
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..31 * 31u32 {
            let body = format!("91370102MA3C5E{:03}", n % 1000);
            let body = format!("{}{}", &body[..16], char::from(ALPHABET[(n % 31) as usize]));
            seen.insert(check_character(&body).unwrap());
        }
        assert_eq!(seen.len(), 31);
        // A body whose weighted sum is a multiple of 31 gets check 0, not a 32nd character.
        assert_eq!(check_character("00000000000000000"), Some('0'));
        assert_eq!(check_character("1000000000000000"), None);
        assert_eq!(check_character("I0000000000000000"), None);
        assert_eq!(check_character("a0000000000000000"), None);
    }

    #[test]
    fn accessors_split_the_code() {
        let code = CreditCode::parse("91370102MA3C5EJ69F").unwrap();
        assert_eq!(code.registration_authority(), '9');
        assert_eq!(code.organisation_category(), '1');
        assert_eq!(code.region_code(), "370102");
        assert_eq!(code.organisation_code(), "MA3C5EJ69");
        assert_eq!(code.to_string(), "91370102MA3C5EJ69F");
        assert_eq!(
            serde_json::to_value(&code).unwrap(),
            serde_json::json!("91370102MA3C5EJ69F")
        );
    }

    #[test]
    fn typed_spellings_are_cleaned() {
        for input in [
            "91370102ma3c5ej69f",
            " 91370102MA3C5EJ69F ",
            "\u{3000}91370102MA3C5EJ69F\u{200B}",
            "\u{FEFF}91370102MA3C5EJ69F\t",
            "9137 0102 MA3C 5EJ6 9F",
            "９１３７０１０２ＭＡ３Ｃ５ＥＪ６９Ｆ",
            "９１３７０１０２ｍａ３ｃ５ｅｊ６９ｆ",
        ] {
            assert_eq!(
                parse(input).as_deref(),
                Ok("91370102MA3C5EJ69F"),
                "{input:?}"
            );
        }
    }

    #[test]
    fn empty_input_is_required() {
        for input in ["", " ", "\u{3000}\u{200B}", "\n"] {
            assert_eq!(parse(input), Err(Code::CreditCodeRequired), "{input:?}");
        }
    }

    #[test]
    fn wrong_shapes_are_format_errors() {
        for input in [
            "91370102MA3C5EJ69",
            "91370102MA3C5EJ69FF",
            "913701-02MA3C5EJ69F",
            "91370102MA3C5EJ6-F",
            "91370102MA3C5EJ6中F",
            "91370102MA3C5EJ6éF",
            "9",
            "91370102MA3C5EJ69F91370102MA3C5EJ69F",
            // A code with a forbidden letter but the wrong length is reported by length.
            "91370102OA3C5EJ69",
        ] {
            assert_eq!(parse(input), Err(Code::CreditCodeFormat), "{input:?}");
        }
    }

    #[test]
    fn letters_outside_the_alphabet_have_their_own_code() {
        for letter in ['I', 'O', 'Z', 'S', 'V', 'i', 'o', 'z', 's', 'v'] {
            let input = format!("91370102{letter}A3C5EJ69F");
            assert_eq!(parse(&input), Err(Code::CreditCodeAlphabet), "{input}");
            let input = format!("91370102MA3C5EJ69{letter}");
            assert_eq!(parse(&input), Err(Code::CreditCodeAlphabet), "{input}");
        }
    }

    #[test]
    fn wrong_check_characters_are_refused() {
        let body = "91370102MA3C5EJ69";
        for &c in ALPHABET {
            let input = format!("{body}{}", char::from(c));
            if c == b'F' {
                assert!(parse(&input).is_ok());
            } else {
                assert_eq!(parse(&input), Err(Code::CreditCodeChecksum), "{input}");
            }
        }
    }

    fn body() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(ALPHABET.to_vec()), 17)
            .prop_map(|bytes| bytes.into_iter().map(char::from).collect())
    }

    fn with_check(body: &str) -> String {
        format!("{body}{}", check_character(body).unwrap())
    }

    proptest! {
        #[test]
        fn generated_codes_parse_and_round_trip(body in body()) {
            let code = with_check(&body);
            let parsed = CreditCode::parse(&code).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
            prop_assert_eq!(CreditCode::parse(&code.to_lowercase()).unwrap(), parsed.clone());
            prop_assert_eq!(CreditCode::parse(&parsed.to_string()).unwrap(), parsed);
        }

        #[test]
        fn any_single_character_change_is_refused(
            body in body(),
            position in 0usize..18,
            replacement in prop::sample::select(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
        ) {
            let code = with_check(&body);
            let mut bytes = code.into_bytes();
            prop_assume!(bytes[position] != replacement);
            bytes[position] = replacement;
            let changed = String::from_utf8(bytes).unwrap();
            let result = CreditCode::parse(&changed);
            if b"IOZSV".contains(&replacement) {
                prop_assert_eq!(result, Err(Code::CreditCodeAlphabet));
            } else {
                prop_assert_eq!(result, Err(Code::CreditCodeChecksum));
            }
        }

        #[test]
        fn junk_never_panics(input in any::<String>()) {
            let _ = CreditCode::parse(&input);
        }
    }
}
