//! Amounts written in Chinese financial capital numerals (大写金额), as on receipts,
//! payment notices and vouchers: 2300.50 yuan is 贰仟叁佰元伍角.
//!
//! The rules are the People's Bank of China's for filling in bills and settlement vouchers
//! (正确填写票据和结算凭证的基本规定, an annex to 支付结算办法, 1997). Where they allow two
//! spellings, this module always takes the same one:
//!
//! - Digits are 零壹贰叁肆伍陆柒捌玖, places 拾佰仟, groups 万 and 亿, and the units 元角分.
//!   A ten is always written with its digit (壹拾元, 壹拾万), never as a bare 拾.
//! - 整 follows 元 when there are no jiao and no fen (壹佰元整). The rules make it optional
//!   after 角 and forbid it after 分; it is left out in both cases (壹元贰角, 伍角叁分).
//! - A run of zeros between two non-zero digits is written as a single 零 (壹仟零伍元整,
//!   壹拾万零壹佰元整, 壹亿零柒仟元整).
//! - The one exception the rules leave open: when the run only consists of the last digits
//!   of a 万 or 亿 group and the next group starts with its thousands digit (107000 yuan),
//!   no 零 is written (壹拾万柒仟元整): the 仟 already says where the digit stands.
//! - When the yuan digit is zero and the jiao are not, no 零 is written after 元 (贰拾元伍角),
//!   the other spelling the rules allow. When the jiao are zero and the fen are not, 零 is
//!   required (壹仟零伍元零柒分).
//! - Below one yuan nothing is written for the yuan: 0.05 yuan is 伍分, 0.50 yuan is 伍角.
//!   Zero is 零元整.
//!
//! The 人民币 prefix the rules require on a voucher is the caller's to print, next to the
//! amount and with no space between.

use crate::domain::money::Money;

/// The capital digits, indexed by their value.
const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// The places inside a group of four digits, from the thousands down, with their divisors.
const PLACES: [(&str, u64); 4] = [("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)];

/// How many digits a group of four holds below its thousands digit: a run of zeros that
/// long or shorter, ending at a thousands digit, lies inside the previous group.
const GROUP_TAIL: u32 = 3;

/// The amount in capital numerals, e.g. 13800.00 yuan is 壹万叁仟捌佰元整, 1005.07 yuan is
/// 壹仟零伍元零柒分 and 0.05 yuan is 伍分 (the rules are in the module documentation).
///
/// Every [`Money`] can be written: amounts are never negative, and [`Money::MAX`]
/// (壹仟亿元整) is below 10^12 yuan, the first amount that would need 万亿.
pub fn amount_in_capitals(amount: Money) -> String {
    // Money is never negative, so this is the amount itself.
    let fen = amount.fen().unsigned_abs();
    let (yuan, jiao, fen) = (fen / 100, fen / 10 % 10, fen % 10);
    let mut out = String::new();

    if yuan == 0 && jiao == 0 && fen == 0 {
        out.push_str("零元整");
        return out;
    }
    if yuan > 0 {
        write_yuan(yuan, &mut out);
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => out.push('整'),
        (0, fen) => {
            if yuan > 0 {
                out.push('零');
            }
            push_digit(&mut out, fen);
            out.push('分');
        }
        (jiao, 0) => {
            push_digit(&mut out, jiao);
            out.push('角');
        }
        (jiao, fen) => {
            push_digit(&mut out, jiao);
            out.push('角');
            push_digit(&mut out, fen);
            out.push('分');
        }
    }
    out
}

/// Writes a whole, non-zero number of yuan below 10^12, without the 元.
fn write_yuan(yuan: u64, out: &mut String) {
    let groups = [
        (yuan / 1_0000_0000, "亿"),
        (yuan / 1_0000 % 1_0000, "万"),
        (yuan % 1_0000, ""),
    ];
    // Zeros seen since the last digit written; leading zeros are not counted.
    let mut zeros = 0;
    let mut started = false;

    for (group, unit) in groups {
        for (place, divisor) in PLACES {
            let digit = group / divisor % 10;
            if digit == 0 {
                if started {
                    zeros += 1;
                }
                continue;
            }
            let within_previous_group = divisor == 1000 && zeros <= GROUP_TAIL;
            if zeros > 0 && !within_previous_group {
                out.push('零');
            }
            push_digit(out, digit);
            out.push_str(place);
            zeros = 0;
            started = true;
        }
        if group > 0 {
            out.push_str(unit);
        }
    }
}

/// Pushes the capital digit of `digit` (0–9).
fn push_digit(out: &mut String, digit: u64) {
    out.push(DIGITS[(digit % 10) as usize]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn capitals(yuan: &str) -> String {
        amount_in_capitals(Money::parse(yuan).unwrap())
    }

    /// Reads capital numerals back into fen, the way a cashier would, to check that what is
    /// written means the amount (and nothing else).
    fn read_back(text: &str) -> Option<i64> {
        let (mut total, mut section, mut digit) = (0i64, 0i64, 0i64);
        let (mut yuan, mut fen) = (0i64, 0i64);
        for c in text.chars() {
            match c {
                '零' => digit = 0,
                '拾' => (section, digit) = (section + digit * 10, 0),
                '佰' => (section, digit) = (section + digit * 100, 0),
                '仟' => (section, digit) = (section + digit * 1000, 0),
                '万' => (total, section, digit) = (total + (section + digit) * 1_0000, 0, 0),
                '亿' => (total, section, digit) = ((total + section + digit) * 1_0000_0000, 0, 0),
                '元' => (yuan, total, section, digit) = (total + section + digit, 0, 0, 0),
                '角' => (fen, digit) = (fen + digit * 10, 0),
                '分' => (fen, digit) = (fen + digit, 0),
                '整' => {}
                c => digit = DIGITS.iter().position(|&d| d == c)? as i64,
            }
        }
        Some(yuan * 100 + fen)
    }

    #[test]
    fn amounts_on_vouchers() {
        for (yuan, written) in [
            ("0", "零元整"),
            ("0.01", "壹分"),
            ("0.05", "伍分"),
            ("0.10", "壹角"),
            ("0.50", "伍角"),
            ("0.15", "壹角伍分"),
            ("1", "壹元整"),
            ("1.20", "壹元贰角"),
            ("1.02", "壹元零贰分"),
            ("1.23", "壹元贰角叁分"),
            ("10", "壹拾元整"),
            ("10.50", "壹拾元伍角"),
            ("11", "壹拾壹元整"),
            ("20.50", "贰拾元伍角"),
            ("20.05", "贰拾元零伍分"),
            ("100", "壹佰元整"),
            ("101", "壹佰零壹元整"),
            ("110", "壹佰壹拾元整"),
            ("325.04", "叁佰贰拾伍元零肆分"),
            ("1005.07", "壹仟零伍元零柒分"),
            ("1409.50", "壹仟肆佰零玖元伍角"),
            ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
            ("2300.50", "贰仟叁佰元伍角"),
            ("6007.14", "陆仟零柒元壹角肆分"),
            ("13800", "壹万叁仟捌佰元整"),
            ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
            ("99999.99", "玖万玖仟玖佰玖拾玖元玖角玖分"),
        ] {
            assert_eq!(capitals(yuan), written, "{yuan}");
        }
    }

    #[test]
    fn zeros_inside_and_across_groups() {
        for (yuan, written) in [
            ("10000", "壹万元整"),
            ("10001", "壹万零壹元整"),
            ("10010", "壹万零壹拾元整"),
            ("10100", "壹万零壹佰元整"),
            ("11000", "壹万壹仟元整"),
            ("100100", "壹拾万零壹佰元整"),
            ("107000.53", "壹拾万柒仟元伍角叁分"),
            ("100000", "壹拾万元整"),
            ("1000001", "壹佰万零壹元整"),
            ("1010000", "壹佰零壹万元整"),
            ("10000000", "壹仟万元整"),
            ("60036000", "陆仟零叁万陆仟元整"),
            ("60030600", "陆仟零叁万零陆佰元整"),
            ("100000000", "壹亿元整"),
            ("100000001", "壹亿零壹元整"),
            ("100007000", "壹亿零柒仟元整"),
            ("100010000", "壹亿零壹万元整"),
            ("107000000", "壹亿零柒佰万元整"),
            ("170000000", "壹亿柒仟万元整"),
            ("1000000000", "壹拾亿元整"),
            ("1000100000", "壹拾亿零壹拾万元整"),
            ("1001000000", "壹拾亿零壹佰万元整"),
            ("1010000000", "壹拾亿壹仟万元整"),
            ("10000000100", "壹佰亿零壹佰元整"),
            ("99900000100", "玖佰玖拾玖亿零壹佰元整"),
            ("90000010000", "玖佰亿零壹万元整"),
            ("100000000000", "壹仟亿元整"),
            ("100000000000.00", "壹仟亿元整"),
            (
                "99999999999.99",
                "玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
            ),
            ("20000000000.05", "贰佰亿元零伍分"),
            ("1000.05", "壹仟元零伍分"),
            ("1000.50", "壹仟元伍角"),
        ] {
            assert_eq!(capitals(yuan), written, "{yuan}");
        }
    }

    #[test]
    fn reading_back_the_examples_gives_the_amount() {
        for yuan in [
            "0",
            "0.05",
            "1005.07",
            "60036000",
            "10000000100",
            "107000.53",
        ] {
            let money = Money::parse(yuan).unwrap();
            assert_eq!(
                read_back(&amount_in_capitals(money)),
                Some(money.fen()),
                "{yuan}"
            );
        }
    }

    /// Any amount up to the maximum, half of them drawn digit by digit with mostly zeros, so
    /// that runs of zeros inside and across the groups come up often.
    fn amount() -> impl Strategy<Value = i64> {
        let sparse = prop::collection::vec(prop_oneof![3 => Just(0i64), 1 => 1i64..=9], 13)
            .prop_map(|digits| {
                digits
                    .into_iter()
                    .fold(0, |value, digit| value * 10 + digit)
            });
        prop_oneof![0..=Money::MAX.fen(), sparse]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn every_amount_reads_back_as_itself(fen in amount()) {
            let written = amount_in_capitals(Money::from_fen(fen).unwrap());
            prop_assert_eq!(read_back(&written), Some(fen), "{}", written);
        }

        #[test]
        fn zeros_are_written_sparingly(fen in amount()) {
            let written = amount_in_capitals(Money::from_fen(fen).unwrap());
            prop_assert!(!written.contains("零零"), "{}", written);
            if fen != 0 {
                prop_assert!(!written.starts_with('零'), "{}", written);
                for unit in ["零元", "零万", "零亿", "零角", "零分", "零整"] {
                    prop_assert!(!written.contains(unit), "{} has {}", written, unit);
                }
            }
            // The only 零 right after 元 is the one standing for missing jiao.
            if written.contains("元零") {
                prop_assert!(fen % 100 < 10, "{}", written);
            }
        }

        #[test]
        fn the_ending_follows_the_smallest_unit(fen in amount()) {
            let written = amount_in_capitals(Money::from_fen(fen).unwrap());
            let last = written.chars().last();
            let expected = match (fen / 10 % 10, fen % 10) {
                (0, 0) => '整',
                (_, 0) => '角',
                _ => '分',
            };
            prop_assert_eq!(last, Some(expected), "{}", written);
            prop_assert_eq!(written.matches('整').count(), usize::from(fen % 100 == 0));
            prop_assert_eq!(written.contains('元'), fen >= 100 || fen == 0);
        }

        #[test]
        fn tens_always_carry_their_digit(fen in amount()) {
            let written = amount_in_capitals(Money::from_fen(fen).unwrap());
            let mut previous = None;
            for c in written.chars() {
                if matches!(c, '拾' | '佰' | '仟') {
                    prop_assert!(
                        previous.is_some_and(|p| DIGITS[1..].contains(&p)),
                        "{}", written
                    );
                }
                previous = Some(c);
            }
        }

        #[test]
        fn only_capital_characters_are_used(fen in amount()) {
            let written = amount_in_capitals(Money::from_fen(fen).unwrap());
            prop_assert!(
                written.chars().all(|c| DIGITS.contains(&c) || "拾佰仟万亿元角分整".contains(c)),
                "{}", written
            );
        }
    }
}
