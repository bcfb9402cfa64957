//! Case numbers (案号) in the form set by the Supreme People's Court in 2016:
//! `（2020）鲁0102执19号`: the year the case was filed, the court code (法院代字), the case
//! type code (类型代字), the sequence number and `号`, sometimes followed by a suffix such as
//! `之一` for a case split off from another.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use crate::domain::text::{fold_width, is_blank, is_ideograph};
use crate::errors::Code;

/// The court reference table, implemented over reference data outside this module.
///
/// Case numbers quoted in filings may come from any court in the country and from any year
/// since 2016, so the table must include retired court codes (courts merged, renamed or
/// abolished) as well as current ones.
pub trait CourtCodes {
    /// Whether `code` (`鲁`, `鲁01`, `鲁0102`, `最高法` …) is, or was, a court code.
    fn is_known_court(&self, code: &str) -> bool;

    /// Whether `code` (`民初`, `执`, `民特监` …) is a case type code. Every code is
    /// accepted unless the implementation knows the list.
    fn is_known_type_code(&self, _code: &str) -> bool {
        true
    }
}

/// The first year accepted in a case number.
pub const EARLIEST_YEAR: u16 = 1950;

/// The largest sequence number accepted. The busiest courts file well under a million
/// cases of one type in a year, so a seventh digit is a typing mistake.
pub const MAX_SEQUENCE: u32 = 999_999;

/// The largest suffix accepted (`之九十九`).
const MAX_SUFFIX: u8 = 99;

/// The longest case type code, in characters (`知民辖终` of the Supreme People's Court's
/// intellectual property tribunal has four).
const MAX_TYPE_CODE_CHARS: usize = 4;

/// Abbreviations that open a court code: the 31 provincial-level divisions, and `兵` for
/// the courts of the Xinjiang Production and Construction Corps.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖闽新苏浙赣鄂桂甘晋蒙陕吉贵粤青藏川宁琼鲁兵";

/// The court code of the Supreme People's Court, which has no digits.
const SUPREME_COURT: &str = "最高法";

const CHINESE_DIGITS: [char; 9] = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A case number, parsed into its parts and printed in canonical form.
///
/// Two spellings of the same number (`(2020)鲁0102执019`, `【２０２０】鲁 0102 执 19 号`)
/// parse to equal values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    year: u16,
    court_code: String,
    type_code: String,
    sequence: u32,
    suffix: Option<u8>,
    canonical: String,
}

/// The parts of a case number that passed the syntax check, before their values are
/// checked.
struct Parts {
    year: u16,
    court_code: String,
    court_prefix_known: bool,
    court_digits: usize,
    type_code: String,
    sequence_digits: String,
    suffix: Option<u8>,
}

impl CaseNumber {
    /// Parses a case number, leniently as to spelling and strictly as to content.
    ///
    /// Accepted spellings: blanks anywhere; ASCII or full-width parentheses around the year,
    /// or `〔〕`, `[]`, `［］`, `【】`, `﹝﹞`, `〖〗`, or none at all; full-width digits;
    /// leading zeros in the sequence (`019` is 19); `号` may be left out. The suffix is
    /// `之` with a number from 1 to 99 in Chinese numerals or digits (`之一`, `之12`), and
    /// is printed in Chinese numerals.
    ///
    /// The court code is a provincial abbreviation (or `兵`) followed by 0, 2 or 4 digits,
    /// or `最高法`; the type code is 1 to 4 CJK characters.
    ///
    /// # Errors
    ///
    /// In this order:
    /// - `case_number.required`: nothing but blanks;
    /// - `case_number.format`: not of the shape above, including the pre-2016 form with
    ///   `字第` (`（2014）历民初字第123号`);
    /// - `case_number.year`: before 1950 or after the year of `today`;
    /// - `case_number.unknown_court`: an unknown abbreviation, a wrong number of digits, or
    ///   a code `courts` does not know;
    /// - `case_number.unknown_type`: a type code longer than 4 characters or one `courts`
    ///   does not know;
    /// - `case_number.sequence`: zero or above [`MAX_SEQUENCE`].
    ///
    /// `today` is the current date in Asia/Shanghai, computed by the caller.
    pub fn parse(
        input: &str,
        courts: &(impl CourtCodes + ?Sized),
        today: NaiveDate,
    ) -> Result<CaseNumber, Code> {
        let chars: Vec<char> = input
            .chars()
            .filter(|&c| !is_blank(c))
            .map(|c| normalise_bracket(fold_width(c)))
            .collect();
        if chars.is_empty() {
            return Err(Code::CaseNumberRequired);
        }
        let parts = parse_parts(&chars).ok_or(Code::CaseNumberFormat)?;

        let year = i32::from(parts.year);
        if year < i32::from(EARLIEST_YEAR) || year > today.year() {
            return Err(Code::CaseNumberYear);
        }
        // The Supreme People's Court's code has no digits; a province's courts have 0, 2 or 4.
        let court_shape_ok = if parts.court_code.starts_with(SUPREME_COURT) {
            parts.court_digits == 0
        } else {
            parts.court_prefix_known && matches!(parts.court_digits, 0 | 2 | 4)
        };
        if !court_shape_ok || !courts.is_known_court(&parts.court_code) {
            return Err(Code::CaseNumberUnknownCourt);
        }
        let type_length = parts.type_code.chars().count();
        if type_length > MAX_TYPE_CODE_CHARS || !courts.is_known_type_code(&parts.type_code) {
            return Err(Code::CaseNumberUnknownType);
        }
        let sequence = sequence_value(&parts.sequence_digits).ok_or(Code::CaseNumberSequence)?;

        let mut canonical = format!(
            "（{}）{}{}{}号",
            parts.year, parts.court_code, parts.type_code, sequence
        );
        if let Some(suffix) = parts.suffix {
            canonical.push('之');
            canonical.push_str(&chinese_numeral(suffix));
        }
        Ok(CaseNumber {
            year: parts.year,
            court_code: parts.court_code,
            type_code: parts.type_code,
            sequence,
            suffix: parts.suffix,
            canonical,
        })
    }

    /// The canonical form, `（2020）鲁0102执19号`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The year the case was filed.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The court code, `鲁0102`.
    pub fn court_code(&self) -> &str {
        &self.court_code
    }

    /// The case type code, `执`.
    pub fn type_code(&self) -> &str {
        &self.type_code
    }

    /// The sequence number, without leading zeros.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// The number of the `之n` suffix, if any (`之一` is 1).
    pub fn suffix(&self) -> Option<u8> {
        self.suffix
    }
}

/// Maps every kind of bracket people type around the year to ASCII parentheses.
fn normalise_bracket(c: char) -> char {
    match c {
        '〔' | '[' | '【' | '﹝' | '〖' => '(',
        '〕' | ']' | '】' | '﹞' | '〗' => ')',
        c => c,
    }
}

/// Splits the cleaned characters into the parts of a case number, or `None` when they do
/// not have its shape.
fn parse_parts(chars: &[char]) -> Option<Parts> {
    let mut rest = chars;

    let opened = rest.first() == Some(&'(');
    if opened {
        rest = &rest[1..];
    }
    let (year, after) = split_while(rest, |c| c.is_ascii_digit());
    if year.len() != 4 {
        return None;
    }
    rest = after;
    let closed = rest.first() == Some(&')');
    if closed {
        rest = &rest[1..];
    }
    if opened != closed {
        return None;
    }
    let year = digits_to_string(year).parse().ok()?;

    let supreme: Vec<char> = SUPREME_COURT.chars().collect();
    let (mut court_code, court_prefix_known) = if rest.starts_with(&supreme) {
        rest = &rest[supreme.len()..];
        (SUPREME_COURT.to_owned(), true)
    } else {
        let (&first, after) = rest.split_first()?;
        if !is_ideograph(first) {
            return None;
        }
        rest = after;
        (first.to_string(), PROVINCES.contains(first))
    };
    let (court_digits, after) = split_while(rest, |c| c.is_ascii_digit());
    court_code.push_str(&digits_to_string(court_digits));
    rest = after;

    let (type_code, after) = split_while(rest, is_ideograph);
    if type_code.is_empty() || type_code.contains(&'字') || type_code.contains(&'第') {
        return None;
    }
    rest = after;

    let (sequence, after) = split_while(rest, |c| c.is_ascii_digit());
    if sequence.is_empty() {
        return None;
    }
    rest = after;
    if rest.first() == Some(&'号') {
        rest = &rest[1..];
    }

    let suffix = match rest.split_first() {
        None => None,
        Some((&'之', numeral)) => Some(suffix_value(numeral)?),
        Some(_) => return None,
    };

    Some(Parts {
        year,
        court_code,
        court_prefix_known,
        court_digits: court_digits.len(),
        type_code: type_code.iter().collect(),
        sequence_digits: digits_to_string(sequence),
        suffix,
    })
}

fn split_while(chars: &[char], keep: impl Fn(char) -> bool) -> (&[char], &[char]) {
    let end = chars.iter().position(|&c| !keep(c)).unwrap_or(chars.len());
    chars.split_at(end)
}

fn digits_to_string(digits: &[char]) -> String {
    digits.iter().collect()
}

/// The value of the sequence digits, if between 1 and [`MAX_SEQUENCE`].
fn sequence_value(digits: &str) -> Option<u32> {
    let significant = digits.trim_start_matches('0');
    if significant.len() > 6 {
        return None;
    }
    let value = if significant.is_empty() {
        0
    } else {
        significant.parse().ok()?
    };
    (1..=MAX_SEQUENCE).contains(&value).then_some(value)
}

/// The number of a `之n` suffix written in ASCII digits or Chinese numerals, 1 to 99.
fn suffix_value(numeral: &[char]) -> Option<u8> {
    let digit = |c: &char| {
        CHINESE_DIGITS
            .iter()
            .position(|d| d == c)
            .and_then(|index| u8::try_from(index + 1).ok())
    };
    let value = if !numeral.is_empty() && numeral.iter().all(char::is_ascii_digit) {
        if numeral.len() > 2 {
            return None;
        }
        digits_to_string(numeral).parse().ok()?
    } else {
        match numeral {
            ['十'] => 10,
            [units] => digit(units)?,
            ['十', units] => 10 + digit(units)?,
            [tens, '十'] => digit(tens)? * 10,
            [tens, '十', units] => digit(tens)? * 10 + digit(units)?,
            _ => return None,
        }
    };
    (1..=MAX_SUFFIX).contains(&value).then_some(value)
}

/// A number from 1 to 99 in Chinese numerals, as suffixes are written (`一`, `十`, `十二`,
/// `二十`, `九十九`).
fn chinese_numeral(value: u8) -> String {
    let digit = |n: u8| {
        usize::from(n)
            .checked_sub(1)
            .and_then(|index| CHINESE_DIGITS.get(index))
            .copied()
    };
    let (tens, units) = (value / 10, value % 10);
    let mut out = String::new();
    if tens > 1 {
        out.extend(digit(tens));
    }
    if tens > 0 {
        out.push('十');
    }
    out.extend(digit(units));
    out
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl Serialize for CaseNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A small court table: current Shandong courts, a retired code, courts of other
    /// provinces and the Supreme People's Court.
    struct Fixture;

    const FIXTURE_COURTS: &[&str] = &[
        "鲁",
        "鲁01",
        "鲁0102",
        "鲁0103",
        "鲁0112",
        "鲁02",
        "鲁0202",
        "鲁72",
        "鲁7101",
        // A retired code: still valid in numbers of the years it existed.
        "鲁0181",
        "京0491",
        "沪74",
        "兵09",
        "新40",
        "最高法",
    ];

    const FIXTURE_TYPES: &[&str] = &[
        "民初",
        "民终",
        "民申",
        "民再",
        "民特",
        "民特监",
        "执",
        "执恢",
        "执异",
        "执复",
        "执保",
        "财保",
        "行初",
        "行赔初",
        "刑初",
        "知民辖终",
    ];

    impl CourtCodes for Fixture {
        fn is_known_court(&self, code: &str) -> bool {
            FIXTURE_COURTS.contains(&code)
        }

        fn is_known_type_code(&self, code: &str) -> bool {
            FIXTURE_TYPES.contains(&code)
        }
    }

    /// A table that knows the courts but not the type codes, relying on the default.
    struct CourtsOnly;

    impl CourtCodes for CourtsOnly {
        fn is_known_court(&self, code: &str) -> bool {
            FIXTURE_COURTS.contains(&code)
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
    }

    fn parse(input: &str) -> Result<CaseNumber, Code> {
        CaseNumber::parse(input, &Fixture, today())
    }

    fn canonical(input: &str) -> Result<String, Code> {
        parse(input).map(|number| number.to_string())
    }

    #[test]
    fn parses_the_parts() {
        let number = parse("（2020）鲁0102执19号").unwrap();
        assert_eq!(number.year(), 2020);
        assert_eq!(number.court_code(), "鲁0102");
        assert_eq!(number.type_code(), "执");
        assert_eq!(number.sequence(), 19);
        assert_eq!(number.suffix(), None);
        assert_eq!(number.as_str(), "（2020）鲁0102执19号");

        let number = parse("（2021）鲁01民终123号之一").unwrap();
        assert_eq!(number.court_code(), "鲁01");
        assert_eq!(number.type_code(), "民终");
        assert_eq!(number.sequence(), 123);
        assert_eq!(number.suffix(), Some(1));
        assert_eq!(number.as_str(), "（2021）鲁01民终123号之一");
    }

    #[test]
    fn lenient_spellings_give_the_canonical_form() {
        for input in [
            "（2020）鲁0102执19号",
            "(2020)鲁0102执19号",
            "(2020）鲁0102执19号",
            "〔2020〕鲁0102执19号",
            "[2020]鲁0102执19号",
            "［2020］鲁0102执19号",
            "【2020】鲁0102执19号",
            "﹝2020﹞鲁0102执19号",
            "〖2020〗鲁0102执19号",
            "2020鲁0102执19号",
            "（２０２０）鲁０１０２执１９号",
            "( 2020 ) 鲁 0102 执 19 号",
            "\u{3000}（2020）鲁0102执19号\u{200B}",
            "（2020）鲁0102执\u{FEFF}19号",
            "（2020）鲁0102执19",
            "（2020）鲁0102执019号",
            "（2020）鲁0102执0000019",
        ] {
            assert_eq!(
                canonical(input).as_deref(),
                Ok("（2020）鲁0102执19号"),
                "{input:?}"
            );
        }
    }

    #[test]
    fn spellings_of_one_number_are_equal() {
        let a = parse("(2020)鲁0102执019").unwrap();
        let b = parse("【２０２０】鲁 0102 执 19 号").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, parse("（2020）鲁0102执20号").unwrap());
        assert_ne!(a, parse("（2020）鲁0102执19号之一").unwrap());
    }

    #[test]
    fn court_and_type_codes_of_every_shape() {
        for input in [
            "（2020）鲁民终1号",
            "（2020）鲁01民终1号",
            "（2020）鲁0102民初1号",
            "（2020）鲁72民初1号",
            "（2020）鲁7101民初1号",
            "（2020）京0491民初1号",
            "（2020）沪74民初1号",
            "（2021）兵09民终1号",
            "（2021）新40民终1号",
            "（2019）最高法民终1号",
            "（2020）最高法知民辖终1号",
            "（2020）鲁0102民特监1号",
            "（2020）鲁0102行赔初1号",
            "（2020）鲁0102财保1号",
            "（2020）鲁0102执异1号",
            "（2016）鲁0181民初1号",
        ] {
            assert_eq!(canonical(input).as_deref(), Ok(input), "{input}");
        }
    }

    #[test]
    fn suffixes() {
        for (input, value, printed) in [
            ("（2021）鲁01民终123号之一", 1, "之一"),
            ("（2021）鲁01民终123之二", 2, "之二"),
            ("（2021）鲁01民终123号之九", 9, "之九"),
            ("（2021）鲁01民终123号之十", 10, "之十"),
            ("（2021）鲁01民终123号之十一", 11, "之十一"),
            ("（2021）鲁01民终123号之二十", 20, "之二十"),
            ("（2021）鲁01民终123号之九十九", 99, "之九十九"),
            ("（2021）鲁01民终123号之1", 1, "之一"),
            ("（2021）鲁01民终123号之12", 12, "之十二"),
            ("（2021）鲁01民终123号之１", 1, "之一"),
        ] {
            let number = parse(input).unwrap();
            assert_eq!(number.suffix(), Some(value), "{input}");
            assert_eq!(
                number.to_string(),
                format!("（2021）鲁01民终123号{printed}")
            );
        }
        for n in 1..=MAX_SUFFIX {
            let numeral = chinese_numeral(n);
            let chars: Vec<char> = numeral.chars().collect();
            assert_eq!(suffix_value(&chars), Some(n), "{numeral}");
        }
    }

    #[test]
    fn malformed_numbers_are_format_errors() {
        for input in [
            "鲁0102执19号",
            "（20）鲁0102执19号",
            "（20201）鲁0102执19号",
            "（二〇二〇）鲁0102执19号",
            "（2020鲁0102执19号",
            "2020）鲁0102执19号",
            "（2020）0102执19号",
            "（2020）L0102执19号",
            "（2020）鲁0102执号",
            "（2020）鲁0102执",
            "（2020）鲁010219号",
            "（2020）鲁0102执19号号",
            "（2020）鲁0102执19号之",
            "（2020）鲁0102执19号之零",
            "（2020）鲁0102执19号之一百",
            "（2020）鲁0102执19号之100",
            "（2020）鲁0102执19号之0",
            "（2020）鲁0102执19号之十十",
            "（2020）鲁0102执19号 附",
            "（2020）鲁0102执19-1号",
            "（2020）鲁0102执第19号",
            "（2014）历民初字第123号",
            "（2014）鲁民一终字第123号",
            "（2020）（2020）鲁0102执19号",
            "case 19",
            "19",
        ] {
            assert_eq!(parse(input), Err(Code::CaseNumberFormat), "{input:?}");
        }
    }

    #[test]
    fn empty_input_is_required() {
        for input in ["", " ", "\u{3000}", "\u{200B}\u{FEFF}"] {
            assert_eq!(parse(input), Err(Code::CaseNumberRequired), "{input:?}");
        }
    }

    #[test]
    fn years_run_from_1950_to_the_current_year() {
        assert_eq!(parse("（1949）鲁0102执19号"), Err(Code::CaseNumberYear));
        assert_eq!(parse("（0202）鲁0102执19号"), Err(Code::CaseNumberYear));
        assert_eq!(parse("（2026）鲁0102执19号"), Err(Code::CaseNumberYear));
        assert_eq!(parse("（9999）鲁0102执19号"), Err(Code::CaseNumberYear));
        assert!(parse("（1950）鲁0102执19号").is_ok());
        assert!(parse("（2025）鲁0102执19号").is_ok());
        let new_year = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert!(CaseNumber::parse("（2026）鲁0102执19号", &Fixture, new_year).is_ok());
    }

    #[test]
    fn unknown_courts_are_refused() {
        for input in [
            "（2020）鲁0199执19号",
            "（2020）鲁99执19号",
            "（2020）港0102执19号",
            "（2020）济0102执19号",
            "（2020）鲁012执19号",
            "（2020）鲁010203执19号",
            "（2020）鲁0执19号",
            "（2020）京01执19号",
            "（2020）最高法01民终1号",
        ] {
            assert_eq!(parse(input), Err(Code::CaseNumberUnknownCourt), "{input:?}");
        }
    }

    #[test]
    fn unknown_type_codes_are_refused() {
        for input in [
            "（2020）鲁0102民19号",
            "（2020）鲁0102执行19号",
            "（2020）鲁0102执行案件19号",
            "（2020）鲁0102民事执行案件19号",
        ] {
            assert_eq!(parse(input), Err(Code::CaseNumberUnknownType), "{input:?}");
        }
        // Without a list of type codes any 1 to 4 characters pass, but not 5.
        let today = today();
        assert!(CaseNumber::parse("（2020）鲁0102执行19号", &CourtsOnly, today).is_ok());
        assert_eq!(
            CaseNumber::parse("（2020）鲁0102民事执行案19号", &CourtsOnly, today),
            Err(Code::CaseNumberUnknownType)
        );
    }

    #[test]
    fn sequences_are_positive_and_at_most_six_digits() {
        assert_eq!(parse("（2020）鲁0102执0号"), Err(Code::CaseNumberSequence));
        assert_eq!(
            parse("（2020）鲁0102执000号"),
            Err(Code::CaseNumberSequence)
        );
        assert_eq!(
            parse("（2020）鲁0102执1000000号"),
            Err(Code::CaseNumberSequence)
        );
        assert_eq!(
            parse("（2020）鲁0102执99999999999999999999999号"),
            Err(Code::CaseNumberSequence)
        );
        assert_eq!(
            parse("（2020）鲁0102执999999号").unwrap().sequence(),
            999_999
        );
        assert_eq!(
            parse("（2020）鲁0102执0999999号").unwrap().sequence(),
            999_999
        );
        assert_eq!(parse("（2020）鲁0102执1号").unwrap().sequence(), 1);
    }

    #[test]
    fn checks_come_in_a_fixed_order() {
        // Year before court before type before sequence.
        assert_eq!(parse("（1900）港0102执行0号"), Err(Code::CaseNumberYear));
        assert_eq!(
            parse("（2020）港0102执行0号"),
            Err(Code::CaseNumberUnknownCourt)
        );
        assert_eq!(
            parse("（2020）鲁0102执行0号"),
            Err(Code::CaseNumberUnknownType)
        );
    }

    #[test]
    fn works_through_a_trait_object() {
        let courts: &dyn CourtCodes = &Fixture;
        assert!(CaseNumber::parse("（2020）鲁0102执19号", courts, today()).is_ok());
    }

    #[test]
    fn serialises_as_the_canonical_string() {
        let number = parse("(2021)鲁01民终0123号之1").unwrap();
        assert_eq!(
            serde_json::to_value(&number).unwrap(),
            serde_json::json!("（2021）鲁01民终123号之一")
        );
    }

    fn spelling() -> impl Strategy<Value = (u16, &'static str, &'static str, u32, Option<u8>)> {
        (
            EARLIEST_YEAR..=2025,
            prop::sample::select(FIXTURE_COURTS.to_vec()),
            prop::sample::select(FIXTURE_TYPES.to_vec()),
            1..=MAX_SEQUENCE,
            prop::option::of(1..=MAX_SUFFIX),
        )
    }

    proptest! {
        #[test]
        fn canonical_numbers_round_trip((year, court, kind, sequence, suffix) in spelling()) {
            let suffix_text = suffix.map(|n| format!("之{}", chinese_numeral(n))).unwrap_or_default();
            let text = format!("（{year}）{court}{kind}{sequence}号{suffix_text}");
            let number = parse(&text).unwrap();
            prop_assert_eq!(number.as_str(), text.as_str());
            prop_assert_eq!(number.year(), year);
            prop_assert_eq!(number.court_code(), court);
            prop_assert_eq!(number.type_code(), kind);
            prop_assert_eq!(number.sequence(), sequence);
            prop_assert_eq!(number.suffix(), suffix);
        }

        #[test]
        fn loose_spellings_equal_the_canonical_one(
            (year, court, kind, sequence, suffix) in spelling(),
            brackets in prop::sample::select(vec![("（", "）"), ("(", ")"), ("〔", "〕"), ("[", "]"), ("【", "】"), ("", "")]),
            zeros in 0usize..4,
            space in prop::sample::select(vec!["", " ", "\u{3000}"]),
            with_hao in any::<bool>(),
        ) {
            let canonical = {
                let suffix_text = suffix.map(|n| format!("之{}", chinese_numeral(n))).unwrap_or_default();
                format!("（{year}）{court}{kind}{sequence}号{suffix_text}")
            };
            let (open, close) = brackets;
            let hao = if with_hao { "号" } else { "" };
            let suffix_text = suffix.map(|n| format!("之{n}")).unwrap_or_default();
            let loose = format!(
                "{space}{open}{year}{close}{space}{court}{space}{kind}{space}{}{sequence}{hao}{suffix_text}{space}",
                "0".repeat(zeros)
            );
            prop_assert_eq!(parse(&loose).unwrap(), parse(&canonical).unwrap());
        }

        #[test]
        fn junk_never_panics(input in any::<String>()) {
            let _ = parse(&input);
        }

        #[test]
        fn shaped_junk_never_panics(input in "[（()）0-9鲁京最高法民执终初号之一二十 ]{0,30}") {
            if let Ok(number) = parse(&input) {
                prop_assert_eq!(parse(number.as_str()).unwrap(), number);
            }
        }
    }
}
