//! Mainland resident ID numbers (公民身份号码, GB 11643-1999).
//!
//! An 18-character number: a 6-digit region code (the first two digits name the province),
//! an 8-digit birth date, a 3-digit sequence whose last digit is odd for men and even for
//! women, and a check character computed with ISO 7064 MOD 11-2.
//!
//! Only mainland resident ID cards identify a natural person on this platform. Residence
//! permits of Hong Kong, Macao and Taiwan residents (prefixes 81, 82, 83) and foreigners'
//! permanent residence ID cards (prefix 9) use the same 18-character shape and check
//! character, so they are recognised and refused with their own code instead of a
//! misleading "unknown region" or "bad checksum".

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use crate::domain::text::{fold_width, is_blank};
use crate::errors::Code;

/// The weights of the 17 body digits, `2^(17 - i) mod 11`.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each value of the weighted sum modulo 11.
const CHECK_CHARACTERS: [u8; 11] = *b"10X98765432";

/// Birth dates before this are refused as typing mistakes: nobody alive was born earlier.
const EARLIEST_BIRTH_DATE: (i32, u32, u32) = (1900, 1, 1);

/// A mainland resident ID number in canonical form: 18 ASCII characters, upper-case `X`.
///
/// `Debug` masks the number (see [`ResidentIdNumber::masked`]) so that it never reaches a
/// log in full; `Display` and `Serialize` give the full canonical number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentIdNumber {
    number: String,
    birth_date: NaiveDate,
}

/// The sex recorded in an ID number: the 17th digit is odd for men, even for women.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

/// The kind of an 18-character identity document number that is not a mainland resident ID
/// number but shares its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NonMainlandDocument {
    /// 港澳台居民居住证 of a Hong Kong resident (prefix 81).
    HongKongResidencePermit,
    /// 港澳台居民居住证 of a Macao resident (prefix 82).
    MacaoResidencePermit,
    /// 港澳台居民居住证 of a Taiwan resident (prefix 83).
    TaiwanResidencePermit,
    /// 外国人永久居留身份证, the 18-digit cards issued since December 2023 (prefix 9).
    ForeignPermanentResidence,
}

impl NonMainlandDocument {
    /// Tells which non-mainland document an input number belongs to, from its prefix.
    ///
    /// The input is cleaned like [`ResidentIdNumber::parse`] cleans it (blanks removed,
    /// full-width characters and lower-case `x` folded) and must have the 18-character shape
    /// (17 digits and a digit or `X`). The check character is deliberately not verified, so
    /// that a mistyped permit number is still recognised as a permit; callers that accept
    /// these documents verify it with [`check_character`].
    pub fn classify(input: &str) -> Option<NonMainlandDocument> {
        let number = clean(input);
        if !has_shape(&number) {
            return None;
        }
        Self::from_prefix(&number)
    }

    /// Whether this is one of the residence permits of Hong Kong, Macao and Taiwan residents.
    pub fn is_residence_permit(self) -> bool {
        !matches!(self, NonMainlandDocument::ForeignPermanentResidence)
    }

    fn from_prefix(number: &str) -> Option<NonMainlandDocument> {
        let bytes = number.as_bytes();
        match (bytes.first(), bytes.get(1)) {
            (Some(b'8'), Some(b'1')) => Some(NonMainlandDocument::HongKongResidencePermit),
            (Some(b'8'), Some(b'2')) => Some(NonMainlandDocument::MacaoResidencePermit),
            (Some(b'8'), Some(b'3')) => Some(NonMainlandDocument::TaiwanResidencePermit),
            (Some(b'9'), _) => Some(NonMainlandDocument::ForeignPermanentResidence),
            _ => None,
        }
    }
}

/// The GB 11643 check character of a 17-digit body, or `None` when `body` is not exactly 17
/// ASCII digits.
///
/// Every digit carries a weight `2^(17 - i) mod 11`, none of which is a multiple of 11, so
/// any single mistyped digit (and any swap of two adjacent different digits) changes the
/// check character.
pub fn check_character(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    CHECK_CHARACTERS
        .get((sum % 11) as usize)
        .map(|&c| char::from(c))
}

impl ResidentIdNumber {
    /// Parses a mainland resident ID number, as typed or pasted.
    ///
    /// Cleaning: blanks are removed wherever they are (spaces, U+3000, NBSP and invisible
    /// characters such as U+200B and U+FEFF: none can be part of the number, and people group
    /// the digits with spaces or paste them from documents that carry invisible marks);
    /// full-width digits and `Ｘ` are folded to ASCII; a lower-case `x` becomes `X`.
    ///
    /// # Errors
    ///
    /// In this order, so that the first error names the most specific problem:
    /// - nothing left: `id_number.required`;
    /// - 15 digits: `id_number.legacy_15_digit` (first-generation cards, retired in 2013);
    /// - not 17 digits and a digit or `X`: `id_number.format`;
    /// - prefix 81, 82, 83 or 9: `id_number.non_mainland`, whether or not the check character
    ///   is right, because even a correct permit number cannot be used here and the holder
    ///   should learn that first rather than retype the number;
    /// - first two digits not a mainland province (11–15, 21–23, 31–37, 41–46, 50–54,
    ///   61–65): `id_number.region`;
    /// - digits 7–14 not a real date, before 1900-01-01 or after `today`:
    ///   `id_number.birth_date`;
    /// - wrong check character: `id_number.checksum`.
    ///
    /// Region and birth date come before the checksum because they point at the part of the
    /// number that is wrong, while a checksum error only says that something is.
    ///
    /// `today` is the current date in Asia/Shanghai, computed by the caller.
    pub fn parse(input: &str, today: NaiveDate) -> Result<ResidentIdNumber, Code> {
        let number = clean(input);
        if number.is_empty() {
            return Err(Code::IdNumberRequired);
        }
        if number.len() == 15 && number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Code::IdNumberLegacy15Digit);
        }
        if !has_shape(&number) {
            return Err(Code::IdNumberFormat);
        }
        if NonMainlandDocument::from_prefix(&number).is_some() {
            return Err(Code::IdNumberNonMainland);
        }
        if !is_province_code(&number[..2]) {
            return Err(Code::IdNumberRegion);
        }
        let birth_date = birth_date(&number[6..14], today).ok_or(Code::IdNumberBirthDate)?;
        if check_character(&number[..17]) != number[17..].chars().next() {
            return Err(Code::IdNumberChecksum);
        }
        Ok(ResidentIdNumber { number, birth_date })
    }

    /// The canonical 18-character number.
    pub fn as_str(&self) -> &str {
        &self.number
    }

    /// The birth date encoded in digits 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The age in whole years on `date` (0 before the first birthday). A person born on
    /// 29 February turns a year older on 1 March in common years.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        let born = self.birth_date;
        let mut age = date.year() - born.year();
        if (date.month(), date.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        u32::try_from(age).unwrap_or(0)
    }

    /// The sex encoded in the 17th digit.
    pub fn sex(&self) -> Sex {
        let digit = self.number.as_bytes()[16];
        if (digit - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The two-digit province code (`"37"` for Shandong).
    pub fn province_code(&self) -> &str {
        &self.number[..2]
    }

    /// The six-digit region code of the place of first registration (`"370102"`).
    pub fn region_code(&self) -> &str {
        &self.number[..6]
    }

    /// The number with all but the first 3 and the last 4 characters replaced by `*`
    /// (`370***********123X`).
    ///
    /// The kept characters identify the province and let support staff match a record by
    /// "the last four digits" as people are used to, while the birth date and most of the
    /// region stay hidden.
    pub fn masked(&self) -> String {
        format!(
            "{}{}{}",
            &self.number[..3],
            "*".repeat(11),
            &self.number[14..]
        )
    }
}

/// Removes blanks, folds full-width characters and upper-cases `x`.
fn clean(input: &str) -> String {
    input
        .chars()
        .filter(|&c| !is_blank(c))
        .map(|c| match fold_width(c) {
            'x' => 'X',
            c => c,
        })
        .collect()
}

/// 17 ASCII digits followed by an ASCII digit or `X`.
fn has_shape(number: &str) -> bool {
    let bytes = number.as_bytes();
    bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && (bytes[17].is_ascii_digit() || bytes[17] == b'X')
}

/// The province-level codes of GB/T 2260 that mainland ID numbers are issued under.
fn is_province_code(code: &str) -> bool {
    matches!(
        code.parse::<u8>(),
        Ok(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65)
    )
}

/// The birth date of an 8-digit `YYYYMMDD` string, if it is a real date between
/// [`EARLIEST_BIRTH_DATE`] and `today`.
fn birth_date(digits: &str, today: NaiveDate) -> Option<NaiveDate> {
    let year = digits.get(..4)?.parse().ok()?;
    let month = digits.get(4..6)?.parse().ok()?;
    let day = digits.get(6..8)?.parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let (y, m, d) = EARLIEST_BIRTH_DATE;
    let earliest = NaiveDate::from_ymd_opt(y, m, d)?;
    (earliest..=today).contains(&date).then_some(date)
}

impl fmt::Display for ResidentIdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.number)
    }
}

impl fmt::Debug for ResidentIdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentIdNumber({})", self.masked())
    }
}

impl Serialize for ResidentIdNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Completes a 17-digit body with its check character.
    fn with_check(body: &str) -> String {
        format!("{body}{}", check_character(body).unwrap())
    }

    fn parse(input: &str) -> Result<ResidentIdNumber, Code> {
        ResidentIdNumber::parse(input, today())
    }

    #[test]
    fn check_characters_of_known_numbers() {
        // The example in GB 11643-1999 itself.
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("44052419800101001"), Some('3'));
        assert_eq!(check_character("37010219900307123"), Some('8'));
        assert_eq!(check_character("3701021990030712"), None);
        assert_eq!(check_character("3701021990030712A"), None);
        assert_eq!(check_character("370102199003071234"), None);
    }

    #[test]
    fn every_check_value_maps_to_its_character() {
        // Sum modulo 11 of 0 gives '1', 1 gives '0', 2 gives 'X', 3..=10 give '9'..='2'.
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..2000u32 {
            let body = format!("37010219900307{n:03}");
            if body.len() == 17 {
                seen.insert(check_character(&body).unwrap());
            }
        }
        let all: std::collections::BTreeSet<char> = "0123456789X".chars().collect();
        assert_eq!(seen, all);
    }

    #[test]
    fn parses_a_valid_number() {
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.province_code(), "11");
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.to_string(), "11010519491231002X");
    }

    #[test]
    fn sex_follows_the_seventeenth_digit() {
        for (sequence, sex) in [
            ("120", Sex::Female),
            ("121", Sex::Male),
            ("122", Sex::Female),
            ("123", Sex::Male),
            ("129", Sex::Male),
            ("000", Sex::Female),
        ] {
            let number = with_check(&format!("37010219900307{sequence}"));
            assert_eq!(parse(&number).unwrap().sex(), sex, "{number}");
        }
    }

    #[test]
    fn lower_case_x_is_stored_upper_case() {
        let id = parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn blanks_and_full_width_characters_are_cleaned() {
        let canonical = "11010519491231002X";
        for input in [
            " 11010519491231002X ",
            "\u{3000}11010519491231002X\u{3000}",
            "\u{200B}11010519491231002X\u{FEFF}",
            "\u{FEFF}11010519491231002x\t\n",
            "\u{00A0}11010519491231002X\u{2060}",
            "110105 19491231 002X",
            "110105\u{200B}19491231002X",
            "１１０１０５１９４９１２３１００２Ｘ",
            "１１０１０５１９４９１２３１００２ｘ",
        ] {
            assert_eq!(parse(input).unwrap().as_str(), canonical, "{input:?}");
        }
    }

    #[test]
    fn empty_input_is_required() {
        for input in ["", " ", "\u{3000}", "\u{200B}\u{FEFF}", "\t\r\n"] {
            assert_eq!(parse(input), Err(Code::IdNumberRequired), "{input:?}");
        }
    }

    #[test]
    fn fifteen_digit_numbers_are_legacy() {
        assert_eq!(parse("370102900307123"), Err(Code::IdNumberLegacy15Digit));
        assert_eq!(
            parse(" ３７０１０２９００３０７１２３ "),
            Err(Code::IdNumberLegacy15Digit)
        );
        // Fifteen characters that are not all digits are simply malformed.
        assert_eq!(parse("37010290030712X"), Err(Code::IdNumberFormat));
    }

    #[test]
    fn malformed_numbers_are_format_errors() {
        for input in [
            "1",
            "37010219900307123",
            "3701021990030712388",
            "3701021990030712Y",
            "37010219900307123Y",
            "3701021990030X1238",
            "X70102199003071238",
            "37010219900307123-",
            "370102-19900307-1238",
            "٣٧٠١٠٢١٩٩٠٠٣٠٧١٢٣٨",
            "37010219900307123８８",
            "abcdefghijklmnopqr",
            "370102１９９００３０７123😀",
        ] {
            assert_eq!(parse(input), Err(Code::IdNumberFormat), "{input:?}");
        }
    }

    #[test]
    fn non_mainland_documents_are_refused_with_their_own_code() {
        // Hong Kong, Macao and Taiwan residence permits carry 810000/820000/830000.
        for prefix in ["810000", "820000", "830000"] {
            let number = with_check(&format!("{prefix}19900307123"));
            assert_eq!(parse(&number), Err(Code::IdNumberNonMainland), "{number}");
        }
        // Foreigners' permanent residence cards start with 9.
        let number = with_check("93715619900307123");
        assert_eq!(parse(&number), Err(Code::IdNumberNonMainland));
    }

    #[test]
    fn non_mainland_documents_are_classified_even_with_a_wrong_check_character() {
        let good = with_check("81000019900307123");
        let wrong = if good.ends_with('0') {
            format!("{}1", &good[..17])
        } else {
            format!("{}0", &good[..17])
        };
        assert_eq!(parse(&wrong), Err(Code::IdNumberNonMainland));
    }

    #[test]
    fn other_unknown_provinces_are_region_errors() {
        for prefix in [
            "00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "71",
            "80", "84", "89",
        ] {
            let number = with_check(&format!("{prefix}010219900307123"));
            assert_eq!(parse(&number), Err(Code::IdNumberRegion), "{number}");
        }
    }

    #[test]
    fn every_mainland_province_is_accepted() {
        let provinces = [
            11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
            51, 52, 53, 54, 61, 62, 63, 64, 65,
        ];
        for code in 0..100 {
            let number = with_check(&format!("{code:02}010219900307123"));
            let result = parse(&number);
            if provinces.contains(&code) {
                assert!(result.is_ok(), "{number}");
            } else if (81..=83).contains(&code) || code >= 90 {
                assert_eq!(result, Err(Code::IdNumberNonMainland), "{number}");
            } else {
                assert_eq!(result, Err(Code::IdNumberRegion), "{number}");
            }
        }
    }

    #[test]
    fn birth_dates_must_be_real_and_plausible() {
        for birth in [
            "19900230", "19900229", "20000230", "19901301", "19900001", "19900100", "19900132",
            "18991231", "18000101", "00000000", "20250616", "20260101", "99991231",
        ] {
            let number = with_check(&format!("370102{birth}123"));
            assert_eq!(parse(&number), Err(Code::IdNumberBirthDate), "{number}");
        }
        for (birth, expected) in [
            ("19000101", date(1900, 1, 1)),
            ("20000229", date(2000, 2, 29)),
            ("20250615", today()),
            ("19991231", date(1999, 12, 31)),
        ] {
            let number = with_check(&format!("370102{birth}123"));
            assert_eq!(parse(&number).unwrap().birth_date(), expected, "{number}");
        }
    }

    #[test]
    fn born_today_depends_on_the_date_given() {
        let number = with_check("37010220250616123");
        assert_eq!(
            ResidentIdNumber::parse(&number, date(2025, 6, 15)),
            Err(Code::IdNumberBirthDate)
        );
        assert!(ResidentIdNumber::parse(&number, date(2025, 6, 16)).is_ok());
    }

    #[test]
    fn wrong_check_characters_are_checksum_errors() {
        let good = with_check("37010219900307123");
        for c in "0123456789X".chars() {
            let candidate = format!("{}{c}", &good[..17]);
            if candidate == good {
                assert!(parse(&candidate).is_ok());
            } else {
                assert_eq!(
                    parse(&candidate),
                    Err(Code::IdNumberChecksum),
                    "{candidate}"
                );
            }
        }
    }

    #[test]
    fn masking_keeps_three_leading_and_four_trailing_characters() {
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110***********002X");
        assert_eq!(id.masked().chars().count(), 18);
        let debug = format!("{id:?}");
        assert_eq!(debug, "ResidentIdNumber(110***********002X)");
        assert!(!debug.contains("19491231"));
    }

    #[test]
    fn serialises_as_the_canonical_string() {
        let id = parse("11010519491231002x").unwrap();
        assert_eq!(
            serde_json::to_value(&id).unwrap(),
            serde_json::json!("11010519491231002X")
        );
        assert_eq!(serde_json::to_value(Sex::Male).unwrap(), "male");
    }

    #[test]
    fn age_counts_whole_years() {
        let id = parse(&with_check("37010220000229123")).unwrap();
        assert_eq!(id.age_on(date(2000, 2, 29)), 0);
        assert_eq!(id.age_on(date(2001, 2, 28)), 0);
        assert_eq!(id.age_on(date(2001, 3, 1)), 1);
        assert_eq!(id.age_on(date(2018, 2, 28)), 17);
        assert_eq!(id.age_on(date(2018, 3, 1)), 18);
        assert_eq!(id.age_on(date(2020, 2, 29)), 20);
        assert_eq!(id.age_on(date(1999, 1, 1)), 0);
    }

    #[test]
    fn classifies_non_mainland_documents() {
        use NonMainlandDocument::*;
        let cases = [
            ("81000019900307123", Some(HongKongResidencePermit)),
            ("82000019900307123", Some(MacaoResidencePermit)),
            ("83000019900307123", Some(TaiwanResidencePermit)),
            ("93715619900307123", Some(ForeignPermanentResidence)),
            ("37010219900307123", None),
            ("84000019900307123", None),
        ];
        for (body, expected) in cases {
            let number = with_check(body);
            assert_eq!(NonMainlandDocument::classify(&number), expected, "{number}");
        }
        assert_eq!(
            NonMainlandDocument::classify(" ８１００００１９９００３０７１２３x "),
            Some(HongKongResidencePermit)
        );
        assert_eq!(NonMainlandDocument::classify("810000199003071"), None);
        assert_eq!(NonMainlandDocument::classify("81000019900307123Y"), None);
        assert!(HongKongResidencePermit.is_residence_permit());
        assert!(TaiwanResidencePermit.is_residence_permit());
        assert!(!ForeignPermanentResidence.is_residence_permit());
    }

    /// A valid mainland body: a real province, a birth date within range, any sequence.
    fn valid_body() -> impl Strategy<Value = String> {
        let provinces = prop::sample::select(vec![
            11u8, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
            50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
        ]);
        let earliest = date(1900, 1, 1);
        let span = (today() - earliest).num_days();
        (provinces, 0u32..10_000, 0..=span, 0u32..1000).prop_map(
            move |(province, region, offset, sequence)| {
                let birth = earliest + chrono::Duration::days(offset);
                format!(
                    "{province:02}{region:04}{}{sequence:03}",
                    birth.format("%Y%m%d")
                )
            },
        )
    }

    proptest! {
        #[test]
        fn valid_numbers_parse_and_round_trip(body in valid_body()) {
            let number = with_check(&body);
            let id = parse(&number).unwrap();
            prop_assert_eq!(id.as_str(), number.as_str());
            prop_assert_eq!(parse(&id.to_string()).unwrap(), id.clone());
            prop_assert_eq!(parse(&number.to_lowercase()).unwrap(), id.clone());
            prop_assert_eq!(id.birth_date().format("%Y%m%d").to_string(), &body[6..14]);
            let masked = id.masked();
            prop_assert_eq!(&masked[..3], &number[..3]);
            prop_assert_eq!(&masked[14..], &number[14..]);
            let debug = format!("{id:?}");
            prop_assert!(!debug.contains(&number[6..14]));
        }

        #[test]
        fn any_single_character_change_is_refused(
            body in valid_body(),
            position in 0usize..18,
            replacement in prop::sample::select("0123456789X".chars().collect::<Vec<_>>()),
        ) {
            let number = with_check(&body);
            let mut chars: Vec<char> = number.chars().collect();
            prop_assume!(chars[position] != replacement);
            chars[position] = replacement;
            let changed: String = chars.into_iter().collect();
            prop_assert!(parse(&changed).is_err(), "{} was accepted", changed);
        }

        #[test]
        fn adjacent_swaps_are_refused(body in valid_body(), position in 0usize..17) {
            let number = with_check(&body);
            let mut chars: Vec<char> = number.chars().collect();
            prop_assume!(chars[position] != chars[position + 1]);
            chars.swap(position, position + 1);
            let changed: String = chars.into_iter().collect();
            prop_assert!(parse(&changed).is_err(), "{} was accepted", changed);
        }

        #[test]
        fn junk_never_panics(input in any::<String>()) {
            let _ = parse(&input);
            let _ = NonMainlandDocument::classify(&input);
        }

        #[test]
        fn digit_junk_never_panics(input in "[0-9xX ]{0,24}") {
            if let Ok(id) = parse(&input) {
                prop_assert_eq!(id.as_str().len(), 18);
            }
        }
    }
}
