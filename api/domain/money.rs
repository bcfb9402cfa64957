//! Amounts of money in yuan, held exactly as a whole number of fen (0.01 yuan).
//!
//! No floating point is involved anywhere: amounts arrive as decimal strings, are checked
//! against a strict syntax and converted with integer arithmetic.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::domain::text::{fold_width, is_blank, trim_blanks};
use crate::errors::Code;

/// A non-negative amount of money, in fen, between zero and [`Money::MAX`].
///
/// Amounts on this platform (claims, fees, amounts to enforce) are never negative: a
/// refund or a deduction is its own kind of amount, not a negative one. So the type cannot
/// hold a negative value and [`Money::checked_sub`] refuses to go below zero.
///
/// Prints with exactly two decimals (`2300.00`); serialises as that string, so that
/// JavaScript clients never see it as a binary floating-point number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Money(i64);

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money(0);

    /// The largest amount accepted: 100,000,000,000.00 yuan (1000 亿元, 10^13 fen).
    ///
    /// Larger than any amount in dispute in a single case, small enough that an extra digit
    /// typed by mistake is caught, and far enough inside `i64` (about 9.2 × 10^18) that the
    /// sum of hundreds of thousands of maximal amounts still fits.
    pub const MAX: Money = Money(10_000_000_000_000);

    /// The amount of `fen` fen, if it is between zero and [`Money::MAX`].
    /// A whole number of yuan (for constants; not checked against [`Money::MAX`]).
    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub fn from_fen(fen: i64) -> Option<Money> {
        (0..=Self::MAX.0).contains(&fen).then_some(Money(fen))
    }

    /// The amount in fen.
    pub fn fen(self) -> i64 {
        self.0
    }

    /// Whether the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The amount in yuan as an exact decimal with two decimal places.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Parses an amount of yuan written as a plain decimal number with at most two
    /// decimals: `2300`, `2300.5`, `2300.50`, `0.01`, `0`. Leading zeros are harmless
    /// (`007` is 7 yuan).
    ///
    /// Surrounding blanks are trimmed and invisible characters (zero-width spaces, BOM) are
    /// dropped wherever they are. Full-width digits and the full-width point (`２３００．５`)
    /// are folded to ASCII, since Chinese input methods in full-width mode produce them and
    /// their meaning is unambiguous; other scripts' digits are refused.
    ///
    /// # Errors
    ///
    /// In this order:
    /// - `money.required`: nothing but blanks;
    /// - `money.format`: anything but digits with an optional point followed by at least one
    ///   digit: thousands separators (`1,000`), spaces inside (`1 000`), exponents (`1e3`),
    ///   a plus sign, a leading or trailing point (`.5`, `5.`), currency symbols or units
    ///   (`¥5`, `5元`);
    /// - `money.negative`: a minus sign (ASCII, full-width or U+2212) before an otherwise
    ///   well-formed amount, including `-0`;
    /// - `money.too_many_decimals`: three or more decimals, even zeros (`1.000`), because
    ///   the amount was then not entered in yuan and fen;
    /// - `money.too_large`: above [`Money::MAX`].
    pub fn parse(input: &str) -> Result<Money, Code> {
        let trimmed = trim_blanks(input);
        if trimmed.is_empty() {
            return Err(Code::MoneyRequired);
        }
        let text: String = trimmed
            .chars()
            .filter(|&c| !is_blank(c) || c.is_whitespace())
            .map(|c| match fold_width(c) {
                '\u{2212}' => '-',
                c => c,
            })
            .collect();
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !is_digits(whole) || fraction.is_some_and(|f| !is_digits(f)) {
            return Err(Code::MoneyFormat);
        }
        if negative {
            return Err(Code::MoneyNegative);
        }
        let fraction = fraction.unwrap_or("");
        if fraction.len() > 2 {
            return Err(Code::MoneyTooManyDecimals);
        }
        let whole = whole.trim_start_matches('0');
        // Checked before converting so that a long string of digits cannot overflow.
        if whole.len() > 12 {
            return Err(Code::MoneyTooLarge);
        }
        let yuan = digits_value(whole);
        let fen = match fraction.as_bytes() {
            [] => 0,
            [tenths] => i64::from(tenths - b'0') * 10,
            [tenths, hundredths] => i64::from(tenths - b'0') * 10 + i64::from(hundredths - b'0'),
            _ => return Err(Code::MoneyTooManyDecimals),
        };
        yuan.checked_mul(100)
            .and_then(|total| total.checked_add(fen))
            .and_then(Money::from_fen)
            .ok_or(Code::MoneyTooLarge)
    }

    /// The sum, or `None` above [`Money::MAX`].
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).and_then(Money::from_fen)
    }

    /// The difference, or `None` below zero.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).and_then(Money::from_fen)
    }

    /// The amount times a whole number (months of rent, number of instalments), or `None`
    /// above [`Money::MAX`].
    pub fn checked_mul(self, factor: u32) -> Option<Money> {
        self.0
            .checked_mul(i64::from(factor))
            .and_then(Money::from_fen)
    }
}

/// The value of a string of at most 12 ASCII digits (empty is zero).
fn digits_value(digits: &str) -> i64 {
    digits
        .bytes()
        .fold(0, |value, digit| value * 10 + i64::from(digit - b'0'))
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fen(input: &str) -> Result<i64, Code> {
        Money::parse(input).map(Money::fen)
    }

    #[test]
    fn plain_amounts() {
        for (input, expected) in [
            ("2300", 230_000),
            ("2300.5", 230_050),
            ("2300.50", 230_050),
            ("2300.05", 230_005),
            ("0.01", 1),
            ("0.1", 10),
            ("0", 0),
            ("0.00", 0),
            ("000", 0),
            ("007", 700),
            ("007.07", 707),
            ("1", 100),
            (" 2300.50 ", 230_050),
            ("\u{3000}2300\u{200B}", 230_000),
            ("\u{FEFF}2300\t\n", 230_000),
            ("23\u{200B}00", 230_000),
            ("２３００．５０", 230_050),
            ("100000000000", 10_000_000_000_000),
            ("100000000000.00", 10_000_000_000_000),
            ("0100000000000.00", 10_000_000_000_000),
            ("99999999999.99", 9_999_999_999_999),
        ] {
            assert_eq!(fen(input), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn empty_input_is_required() {
        for input in ["", " ", "\u{3000}", "\u{200B}", "\t"] {
            assert_eq!(fen(input), Err(Code::MoneyRequired), "{input:?}");
        }
    }

    #[test]
    fn malformed_amounts_are_format_errors() {
        for input in [
            "1,000",
            "1，000",
            "1,000.00",
            "1 000",
            "1\u{00A0}000",
            "1\u{3000}000",
            "1e3",
            "1E3",
            "1.5e2",
            "+5",
            "＋5",
            ".5",
            "5.",
            ".",
            "-",
            "--5",
            "-+5",
            "1.2.3",
            "1..2",
            "¥5",
            "5元",
            "$5",
            "five",
            "0x10",
            "NaN",
            "inf",
            "١٢٣",
            "5 .00",
            "5. 00",
            "- 5",
            "5-",
        ] {
            assert_eq!(fen(input), Err(Code::MoneyFormat), "{input:?}");
        }
    }

    #[test]
    fn negative_amounts_are_refused() {
        for input in [
            "-5",
            "-0",
            "-0.01",
            "-2300.50",
            "－5",
            "\u{2212}5",
            " -5 ",
            "-1.234",
        ] {
            assert_eq!(fen(input), Err(Code::MoneyNegative), "{input:?}");
        }
    }

    #[test]
    fn more_than_two_decimals_are_refused() {
        for input in [
            "1.000",
            "1.001",
            "0.005",
            "2300.505",
            "1.0000000000000000000001",
        ] {
            assert_eq!(fen(input), Err(Code::MoneyTooManyDecimals), "{input:?}");
        }
    }

    #[test]
    fn amounts_above_the_maximum_are_refused() {
        for input in [
            "100000000000.01",
            "100000000001",
            "999999999999.99",
            "1000000000000",
            "92233720368547758.07",
            "99999999999999999999999999999999999999",
        ] {
            assert_eq!(fen(input), Err(Code::MoneyTooLarge), "{input:?}");
        }
    }

    #[test]
    fn prints_exactly_two_decimals() {
        for (fen, printed) in [
            (0, "0.00"),
            (1, "0.01"),
            (10, "0.10"),
            (99, "0.99"),
            (100, "1.00"),
            (230_050, "2300.50"),
            (10_000_000_000_000, "100000000000.00"),
        ] {
            let money = Money::from_fen(fen).unwrap();
            assert_eq!(money.to_string(), printed);
            assert_eq!(format!("{money:?}"), format!("Money({printed})"));
            assert_eq!(
                serde_json::to_value(money).unwrap(),
                serde_json::json!(printed)
            );
        }
    }

    #[test]
    fn fen_bounds() {
        assert_eq!(Money::from_fen(-1), None);
        assert_eq!(Money::from_fen(0), Some(Money::ZERO));
        assert_eq!(Money::from_fen(Money::MAX.fen()), Some(Money::MAX));
        assert_eq!(Money::from_fen(Money::MAX.fen() + 1), None);
        assert_eq!(Money::from_fen(i64::MAX), None);
        assert_eq!(Money::from_fen(i64::MIN), None);
        assert!(Money::ZERO.is_zero());
        assert_eq!(Money::default(), Money::ZERO);
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::parse("0.10").unwrap();
        let b = Money::parse("0.20").unwrap();
        assert_eq!(a.checked_add(b), Money::parse("0.30").ok());
        assert_eq!(b.checked_sub(a), Some(a));
        assert_eq!(a.checked_sub(b), None);
        assert_eq!(a.checked_sub(a), Some(Money::ZERO));
        assert_eq!(a.checked_mul(3), Money::parse("0.30").ok());
        assert_eq!(a.checked_mul(0), Some(Money::ZERO));
        assert_eq!(Money::MAX.checked_add(Money::from_fen(1).unwrap()), None);
        assert_eq!(Money::MAX.checked_add(Money::ZERO), Some(Money::MAX));
        assert_eq!(Money::MAX.checked_mul(2), None);
        assert_eq!(Money::MAX.checked_mul(u32::MAX), None);
        assert_eq!(Money::ZERO.checked_sub(Money::MAX), None);
    }

    #[test]
    fn converts_to_an_exact_decimal() {
        let money = Money::parse("2300.05").unwrap();
        assert_eq!(money.to_decimal(), Decimal::new(230_005, 2));
        assert_eq!(money.to_decimal().to_string(), "2300.05");
        assert_eq!(Money::MAX.to_decimal().to_string(), "100000000000.00");
    }

    proptest! {
        #[test]
        fn every_fen_value_round_trips(fen in 0..=Money::MAX.fen()) {
            let money = Money::from_fen(fen).unwrap();
            let printed = money.to_string();
            prop_assert_eq!(Money::parse(&printed), Ok(money));
            prop_assert_eq!(printed.split_once('.').map(|(_, f)| f.len()), Some(2));
            prop_assert_eq!(money.to_decimal() * Decimal::ONE_HUNDRED, Decimal::from(fen));
        }

        #[test]
        fn short_spellings_mean_the_same(yuan in 0i64..=99_999_999_999, tenths in 0i64..10) {
            prop_assert_eq!(fen(&format!("{yuan}")), Ok(yuan * 100));
            prop_assert_eq!(fen(&format!("{yuan}.{tenths}")), Ok(yuan * 100 + tenths * 10));
            prop_assert_eq!(fen(&format!("{yuan}.{tenths}0")), Ok(yuan * 100 + tenths * 10));
        }

        #[test]
        fn arithmetic_matches_integers(a in 0..=Money::MAX.fen(), b in 0..=Money::MAX.fen(), k in 0u32..1000) {
            let (x, y) = (Money::from_fen(a).unwrap(), Money::from_fen(b).unwrap());
            prop_assert_eq!(x.checked_add(y), Money::from_fen(a + b));
            prop_assert_eq!(x.checked_sub(y), Money::from_fen(a - b));
            prop_assert_eq!(x.checked_mul(k), Money::from_fen(a * i64::from(k)));
            prop_assert_eq!(x.checked_add(y), y.checked_add(x));
        }

        #[test]
        fn junk_never_panics(input in any::<String>()) {
            let _ = Money::parse(&input);
        }

        #[test]
        fn numeric_junk_is_classified(input in "[-+0-9.,e ]{0,25}") {
            match Money::parse(&input) {
                Ok(money) => prop_assert!(money <= Money::MAX),
                Err(code) => prop_assert!(matches!(
                    code,
                    Code::MoneyRequired
                        | Code::MoneyFormat
                        | Code::MoneyNegative
                        | Code::MoneyTooManyDecimals
                        | Code::MoneyTooLarge
                )),
            }
        }
    }
}
