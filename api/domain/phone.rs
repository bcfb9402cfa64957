//! Mainland mobile phone numbers, the contact through which verification codes and
//! electronic service notices are sent by text message.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::domain::text::{fold_width, is_blank, trim_blanks};
use crate::errors::Code;

/// A mainland mobile number in its one canonical form: 11 ASCII digits, no country code
/// (`13812345678`).
///
/// `Debug` masks the number (see [`MobilePhone::masked`]); `Display` and `Serialize` give
/// the canonical number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MobilePhone(String);

impl MobilePhone {
    /// Parses a mobile number however it was typed or pasted.
    ///
    /// Cleaning: blanks anywhere (spaces, tabs, NBSP, U+3000, zero-width characters, BOM)
    /// and the separators people write between digit groups (`-`, `.`, `(`, `)` and
    /// typographic dashes) are removed, full-width digits and `＋` are folded to ASCII, and
    /// a `+86`, `0086` or bare `86` country prefix is dropped (`+86 138-1234-5678`,
    /// `(+86)13812345678`, `8613812345678`).
    ///
    /// # Errors
    ///
    /// - `phone.required`: nothing but blanks;
    /// - `phone.not_mobile`: a well-formed number that is not a mainland mobile number that
    ///   can receive text messages: a landline with area code (`0531-86123456`) or without
    ///   (`86123456`), a 400/800 service number, a foreign number (`+852 …`, `00852 …`), or
    ///   11 digits starting with 1 outside the mobile ranges (see [`is_mobile_range`]);
    /// - `phone.format`: anything else: letters or other symbols, a `+` that is not in
    ///   front, a wrong number of digits.
    pub fn parse(input: &str) -> Result<MobilePhone, Code> {
        if trim_blanks(input).is_empty() {
            return Err(Code::PhoneRequired);
        }
        let mut cleaned = String::with_capacity(input.len());
        for c in input.chars() {
            if is_blank(c) {
                continue;
            }
            match fold_width(c) {
                '-' | '.' | '(' | ')' | '\u{2010}'..='\u{2015}' | '\u{2212}' => {}
                c @ ('0'..='9' | '+') => cleaned.push(c),
                _ => return Err(Code::PhoneFormat),
            }
        }
        let (international, digits) = match cleaned.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => match cleaned.strip_prefix("00") {
                Some(rest) => (true, rest),
                None => (false, cleaned.as_str()),
            },
        };
        if digits.is_empty() || digits.contains('+') {
            return Err(Code::PhoneFormat);
        }
        if international {
            return match digits.strip_prefix("86") {
                Some(national) => classify(national, true),
                // E.164 numbers have at most 15 digits including the country code.
                None if (7..=15).contains(&digits.len()) => Err(Code::PhoneNotMobile),
                None => Err(Code::PhoneFormat),
            };
        }
        match digits.strip_prefix("86") {
            Some(national) if national.len() == 11 && national.starts_with('1') => {
                classify(national, true)
            }
            _ => classify(digits, false),
        }
    }

    /// The canonical 11-digit number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number in international E.164 form (`+8613812345678`), as text-message gateways
    /// take it.
    pub fn to_e164(&self) -> String {
        format!("+86{}", self.0)
    }

    /// The number with the middle four digits hidden (`138****5678`), the form Chinese
    /// services show to identify a number without disclosing it.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// Classifies a national number (digits only, country code removed). `after_country_code`
/// is true when the number came with `+86`/`0086`, where landlines drop their leading 0.
fn classify(national: &str, after_country_code: bool) -> Result<MobilePhone, Code> {
    let length = national.len();
    let first = national.as_bytes().first().copied();
    match first {
        Some(b'1') if length == 11 => {
            if is_mobile_range(national) {
                Ok(MobilePhone(national.to_owned()))
            } else {
                Err(Code::PhoneNotMobile)
            }
        }
        // Beijing landline in international form: area code 10 without the trunk 0.
        Some(b'1') if after_country_code && length == 10 && national.starts_with("10") => {
            Err(Code::PhoneNotMobile)
        }
        // Landline with its trunk prefix and area code: 010-12345678, 0531-8612345.
        Some(b'0') if (10..=12).contains(&length) => Err(Code::PhoneNotMobile),
        // Service numbers: 400-xxx-xxxx and 800-xxx-xxxx.
        Some(b'4' | b'8')
            if length == 10 && (national.starts_with("400") || national.starts_with("800")) =>
        {
            Err(Code::PhoneNotMobile)
        }
        // Landline in international form: area code without the trunk 0, then 7–8 digits.
        Some(b'2'..=b'9') if after_country_code && (9..=11).contains(&length) => {
            Err(Code::PhoneNotMobile)
        }
        // Local landline number without area code.
        Some(b'2'..=b'9') if !after_country_code && (7..=8).contains(&length) => {
            Err(Code::PhoneNotMobile)
        }
        _ => Err(Code::PhoneFormat),
    }
}

/// Whether an 11-digit number starting with 1 is in a mainland mobile range that can
/// receive text messages, by its first three digits:
///
/// - 130–139;
/// - 145, 146, 147, 148, 149 (data-card and mobile ranges that carry text messages);
/// - 150–153, 155–159;
/// - 162, 165, 166, 167;
/// - 170, 171, 172, 173, 175, 176, 177, 178 (170/171/162/165/167 are the mobile virtual
///   network operators' ranges);
/// - 180–189;
/// - 190, 191, 192, 193, 195, 196, 197, 198, 199 (192 is China Broadnet).
///
/// Refused: 100–129 (service and public-interest numbers, not subscribers), 140–144
/// (13-digit Internet-of-Things ranges whose 11-digit prefixes are data-only and cannot
/// receive ordinary text messages), 174 (satellite: 1740x maritime satellite and 1749
/// Tiantong, which bulk text-message gateways do not reach reliably and no litigant uses as
/// a contact number), and the unassigned 154, 160, 161, 163, 164, 168, 169, 179 and 194.
/// The list is the numbering plan as of 2025; a range the regulator opens later is added
/// here.
pub fn is_mobile_range(number: &str) -> bool {
    let Some(prefix) = number.get(..3).and_then(|p| p.parse::<u16>().ok()) else {
        return false;
    };
    number.len() == 11
        && number.bytes().all(|b| b.is_ascii_digit())
        && matches!(
            prefix,
            130..=139
                | 145..=149
                | 150..=153
                | 155..=159
                | 162
                | 165..=167
                | 170..=173
                | 175..=178
                | 180..=189
                | 190..=193
                | 195..=199
        )
}

impl fmt::Display for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MobilePhone({})", self.masked())
    }
}

impl Serialize for MobilePhone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(input: &str) -> Result<String, Code> {
        MobilePhone::parse(input).map(|phone| phone.as_str().to_owned())
    }

    #[test]
    fn every_spelling_gives_the_canonical_number() {
        for input in [
            "13812345678",
            " 13812345678 ",
            "138 1234 5678",
            "138-1234-5678",
            "138.1234.5678",
            "(138)12345678",
            "+8613812345678",
            "+86 13812345678",
            "+86 138-1234-5678",
            "+86-138-1234-5678",
            "(+86)13812345678",
            "(+86) 138 1234 5678",
            "+(86)13812345678",
            "008613812345678",
            "0086 138 1234 5678",
            "8613812345678",
            "86 138 1234 5678",
            "１３８１２３４５６７８",
            "＋８６ １３８－１２３４－５６７８",
            "（＋８６）１３８１２３４５６７８",
            "\u{200B}13812345678\u{200B}",
            "\u{FEFF}138\u{200C}1234\u{200D}5678\u{2060}",
            "\u{00A0}138\u{00A0}1234\u{00A0}5678",
            "\u{3000}138\u{3000}1234\u{3000}5678\u{3000}",
            "\t138\t1234\t5678\n",
            "138\u{2013}1234\u{2014}5678",
            "138\u{2212}1234\u{2010}5678",
        ] {
            assert_eq!(parse(input).as_deref(), Ok("13812345678"), "{input:?}");
        }
    }

    #[test]
    fn empty_input_is_required() {
        for input in ["", " ", "\u{3000}", "\u{200B}", "\t\n", "\u{FEFF}\u{00A0}"] {
            assert_eq!(parse(input), Err(Code::PhoneRequired), "{input:?}");
        }
    }

    #[test]
    fn malformed_input_is_a_format_error() {
        for input in [
            "1381234567",
            "138123456789",
            "1381234567a",
            "138 1234 567O",
            "phone",
            "138/1234/5678",
            "138_1234_5678",
            "138+12345678",
            "++8613812345678",
            "+",
            "+86",
            "00",
            "---",
            "12345",
            "+861381234567",
            "+86138123456789",
            "13812345678#",
            "13812345678 转 123",
            "١٣٨١٢٣٤٥٦٧٨",
            "+123456",
            "+1234567890123456",
        ] {
            assert_eq!(parse(input), Err(Code::PhoneFormat), "{input:?}");
        }
    }

    #[test]
    fn landlines_and_foreign_numbers_are_not_mobile() {
        for input in [
            "0531-86123456",
            "053186123456",
            "(0531)86123456",
            "0531 8612345",
            "010-12345678",
            "01012345678",
            "+86 531 86123456",
            "+86 10 12345678",
            "+86 0531 86123456",
            "0086 531 86123456",
            "86123456",
            "8612345",
            "400-123-4567",
            "800-123-4567",
            "+852 9123 4567",
            "00852 9123 4567",
            "+1 415 555 0100",
            "+44 20 7946 0958",
        ] {
            assert_eq!(parse(input), Err(Code::PhoneNotMobile), "{input:?}");
        }
    }

    #[test]
    fn mobile_ranges() {
        let accepted: Vec<u16> = (130..=139)
            .chain(145..=149)
            .chain([150, 151, 152, 153, 155, 156, 157, 158, 159])
            .chain([162, 165, 166, 167])
            .chain([170, 171, 172, 173, 175, 176, 177, 178])
            .chain(180..=189)
            .chain([190, 191, 192, 193, 195, 196, 197, 198, 199])
            .collect();
        for prefix in 100u16..=199 {
            let number = format!("{prefix}12345678");
            let result = parse(&number);
            if accepted.contains(&prefix) {
                assert_eq!(result.as_deref(), Ok(number.as_str()));
            } else {
                assert_eq!(result, Err(Code::PhoneNotMobile), "{number}");
            }
        }
        for refused in [
            "14012345678",
            "14412345678",
            "17412345678",
            "17491234567",
            "19412345678",
        ] {
            assert!(!is_mobile_range(refused), "{refused}");
        }
        assert!(!is_mobile_range("1381234567"));
        assert!(!is_mobile_range("1381234567a"));
        assert!(!is_mobile_range(""));
    }

    #[test]
    fn masking_hides_the_middle_four_digits() {
        let phone = MobilePhone::parse("+86 138-1234-5678").unwrap();
        assert_eq!(phone.masked(), "138****5678");
        assert_eq!(format!("{phone:?}"), "MobilePhone(138****5678)");
        assert_eq!(phone.to_string(), "13812345678");
        assert_eq!(phone.to_e164(), "+8613812345678");
        assert_eq!(MobilePhone::parse(&phone.to_e164()), Ok(phone.clone()));
        assert_eq!(
            serde_json::to_value(&phone).unwrap(),
            serde_json::json!("13812345678")
        );
    }

    fn mobile() -> impl Strategy<Value = String> {
        let prefixes = prop::sample::select(vec![
            130u16, 131, 135, 139, 145, 147, 149, 150, 153, 159, 162, 166, 170, 173, 178, 180, 189,
            190, 192, 199,
        ]);
        (prefixes, 0u32..100_000_000).prop_map(|(p, rest)| format!("{p}{rest:08}"))
    }

    proptest! {
        #[test]
        fn formatted_numbers_round_trip(
            number in mobile(),
            prefix in prop::sample::select(vec!["", "+86", "+86 ", "0086", "86", "(+86) ", "＋86"]),
            separator in prop::sample::select(vec!["", " ", "-", ".", "\u{3000}", "\u{200B}"]),
        ) {
            let typed = format!(
                "{prefix}{}{separator}{}{separator}{}",
                &number[..3],
                &number[3..7],
                &number[7..]
            );
            let phone = MobilePhone::parse(&typed).unwrap();
            prop_assert_eq!(phone.as_str(), number.as_str());
            prop_assert_eq!(MobilePhone::parse(&phone.to_string()).unwrap(), phone.clone());
            prop_assert_eq!(phone.masked(), format!("{}****{}", &number[..3], &number[7..]));
            let debug = format!("{phone:?}");
            prop_assert!(!debug.contains(&number[3..7]));
        }

        #[test]
        fn junk_never_panics(input in any::<String>()) {
            let _ = MobilePhone::parse(&input);
        }

        #[test]
        fn digit_junk_is_classified(input in "[0-9+ ()-]{0,20}") {
            match MobilePhone::parse(&input) {
                Ok(phone) => prop_assert!(is_mobile_range(phone.as_str())),
                Err(code) => prop_assert!(matches!(
                    code,
                    Code::PhoneRequired | Code::PhoneFormat | Code::PhoneNotMobile
                )),
            }
        }
    }
}
