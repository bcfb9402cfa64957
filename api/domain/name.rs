//! Names of natural persons and of organisations, and the clean-up of typed text that every
//! primitive in this module tree shares.
//!
//! Names are compared and stored in one canonical spelling so that the same party typed
//! twice (once with a full-width space, once with a katakana middle dot) is one party.

use std::fmt;

use serde::{Serialize, Serializer};
use unicode_normalization::UnicodeNormalization;

use crate::domain::text::{fold_width, is_blank, is_ideograph, trim_blanks};
use crate::errors::Code;

/// Whether a blank is one people can see (a space), as opposed to an invisible mark.
fn is_visible_blank(c: char) -> bool {
    c.is_whitespace()
}

fn is_compatibility_ideograph(c: char) -> bool {
    matches!(u32::from(c), 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// Maps a Kangxi radical or CJK radical supplement character to the ideograph it stands
/// for. Text copied from PDF files often carries these look-alikes (`⼈` U+2F08 for `人`),
/// which would never match the name on an ID card.
fn radical_to_ideograph(c: char) -> char {
    if !matches!(u32::from(c), 0x2E80..=0x2FDF) {
        return c;
    }
    let mut decomposed = c.nfkd();
    match (decomposed.next(), decomposed.next()) {
        (Some(ideograph), None) if is_ideograph(ideograph) => ideograph,
        _ => c,
    }
}

/// Variation selectors (standardised and ideographic) choose a glyph, not a character; a
/// name spelled with one is the same name without it.
fn is_variation_selector(c: char) -> bool {
    matches!(u32::from(c), 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

/// Characters people type for the separator dot of transliterated minority and foreign
/// names (`买买提·艾力`): the middle dot itself, the katakana middle dots of Japanese input
/// methods, bullets and the hyphenation point, the dot operators and the Greek ano teleia
/// that look the same. All become U+00B7, the form identity cards use.
fn is_dot_like(c: char) -> bool {
    matches!(
        c,
        '\u{00B7}'
            | '\u{0387}'
            | '\u{2022}'
            | '\u{2027}'
            | '\u{2219}'
            | '\u{22C5}'
            | '\u{2E31}'
            | '\u{30FB}'
            | '\u{FF65}'
    )
}

const MIDDLE_DOT: char = '\u{00B7}';

/// Latin letters, including the accented ones of Latin-1, Latin Extended-A and -B and
/// Latin Extended Additional (Vietnamese).
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(
            c,
            '\u{00C0}'..='\u{00D6}'
                | '\u{00D8}'..='\u{00F6}'
                | '\u{00F8}'..='\u{024F}'
                | '\u{1E00}'..='\u{1EFF}'
        )
}

/// Combining diacritical marks, left over after composition when no precomposed letter
/// exists.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

fn is_hyphen_like(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}'
    )
}

fn is_apostrophe_like(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{0060}' | '\u{00B4}'
    )
}

/// Canonical composition (NFC), except that compatibility ideographs are kept as typed:
/// NFC would replace them with their unified counterparts, silently changing a character
/// the person chose.
fn nfc_keeping_compatibility_ideographs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for (index, c) in text.char_indices() {
        if is_compatibility_ideograph(c) {
            out.extend(text[start..index].nfc());
            out.push(c);
            start = index + c.len_utf8();
        }
    }
    out.extend(text[start..].nfc());
    out
}

/// The first clean-up step of both kinds of name: drops variation selectors and invisible
/// marks, turns visible blanks into spaces, folds full-width forms and radicals.
fn clean_name_chars(trimmed: &str) -> Vec<char> {
    trimmed
        .chars()
        .filter(|&c| !is_variation_selector(c))
        .filter_map(|c| {
            if is_blank(c) {
                is_visible_blank(c).then_some(' ')
            } else {
                Some(radical_to_ideograph(fold_width(c)))
            }
        })
        .collect()
}

/// Replaces every run of spaces with one space.
fn collapse_spaces(chars: &[char]) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    for &c in chars {
        if c == ' ' && out.last() == Some(&' ') {
            continue;
        }
        out.push(c);
    }
    out
}

// --- Person names -----------------------------------------------------------------------

/// The longest person name accepted, in characters. Long transliterated minority names
/// (`阿卜杜热合曼·阿卜杜克力木·买买提`) and full Latin names with several given names fit
/// comfortably; anything longer is a pasted paragraph.
const PERSON_NAME_MAX_CHARS: usize = 50;

/// The name of a natural person, in one of two scripts:
///
/// - **Chinese**: CJK ideographs of any plane, with the separator dot `·` (U+00B7) of
///   transliterated names between two ideographs. Look-alike dots (`・`, `•`, `‧`, `.`,
///   `．` …) are normalised to U+00B7. No spaces: a space inside a Chinese name is either
///   noise or a separator typed wrongly, and guessing which would change the name.
/// - **Latin**: the names of foreigners as in their passports: Latin letters including
///   accented ones, single spaces, hyphens, apostrophes and periods (`Mary-Jane O'Neil`,
///   `J. R. Smith`). Curly apostrophes and typographic hyphens become ASCII; runs of
///   spaces are collapsed; text is composed (NFC). Letter case is kept as typed.
///
/// One name never mixes the two scripts, and never contains digits, emoji, control
/// characters or other symbols. Surrounding blanks are trimmed.
///
/// Length is 1 to 50 characters. A single character is accepted: it is rare but the
/// identity card, not this rule, is the authority on what a name is, and the name is later
/// checked against real-name authentication.
///
/// `Debug` masks the name (see [`PersonName::masked`]).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonName(String);

/// Placeholder names that registrations use for people whose name is not known.
const UNNAMED_CHINESE: &[&str] = &[
    "无名",
    "无名男",
    "无名女",
    "无名男子",
    "无名女子",
    "无名男尸",
    "无名女尸",
    "佚名",
    "匿名",
    "不详",
    "姓名不详",
    "未知",
    "某某",
];
const UNNAMED_LATIN: &[&str] = &["unknown", "unnamed", "anonymous", "john doe", "jane doe"];

impl PersonName {
    /// Parses a person's name; see the type's documentation for the rules.
    ///
    /// # Errors
    ///
    /// In this order: `name.required` (nothing but blanks),
    /// `name.invalid_characters` (a character outside both scripts, or one that does not
    /// belong to the script of the name), `name.mixed_scripts`, `name.separator_position`
    /// (a dot, hyphen, apostrophe or period at the start or end or next to another
    /// separator), `name.too_long`.
    pub fn parse(input: &str) -> Result<PersonName, Code> {
        let trimmed = trim_blanks(input);
        if trimmed.is_empty() {
            return Err(Code::NameRequired);
        }
        let chars = clean_name_chars(trimmed);
        let allowed = |c: char| {
            is_ideograph(c)
                || is_latin_letter(c)
                || is_combining_mark(c)
                || is_dot_like(c)
                || is_hyphen_like(c)
                || is_apostrophe_like(c)
                || c == '.'
                || c == ' '
        };
        if !chars.iter().all(|&c| allowed(c)) {
            return Err(Code::NameInvalidCharacters);
        }
        let has_ideograph = chars.iter().any(|&c| is_ideograph(c));
        let has_latin = chars.iter().any(|&c| is_latin_letter(c));
        let name = match (has_ideograph, has_latin) {
            (true, true) => return Err(Code::NameMixedScripts),
            (true, false) => chinese_name(&chars)?,
            (false, true) => latin_name(&chars)?,
            (false, false) => return Err(Code::NameInvalidCharacters),
        };
        if name.chars().count() > PERSON_NAME_MAX_CHARS {
            return Err(Code::NameTooLong);
        }
        Ok(PersonName(name))
    }

    /// The canonical name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a placeholder for a person whose name is unknown (`无名氏`,
    /// `无名氏甲`, `无名男`, `无名女`, `佚名`, `姓名不详`, `John Doe` …). Accounts refuse such
    /// names; a party of a filing may be unnamed (with no identity document).
    pub fn is_unnamed(&self) -> bool {
        let name = self.0.as_str();
        name.starts_with("无名氏")
            || name.starts_with("無名氏")
            || UNNAMED_CHINESE.contains(&name)
            || UNNAMED_LATIN
                .iter()
                .any(|placeholder| name.eq_ignore_ascii_case(placeholder))
    }

    /// The name with every character after the first replaced by `*`, keeping separators
    /// and spaces so the shape stays recognisable (`张**`, `买***·**`, `J*** S****`).
    pub fn masked(&self) -> String {
        self.0
            .chars()
            .enumerate()
            .map(|(index, c)| {
                if index == 0 || c == MIDDLE_DOT || c == ' ' {
                    c
                } else {
                    '*'
                }
            })
            .collect()
    }
}

/// Canonical Chinese name: ideographs and separator dots, dots neither first, last nor
/// doubled.
fn chinese_name(chars: &[char]) -> Result<String, Code> {
    let mut name = String::with_capacity(chars.len() * 4);
    for &c in chars {
        if is_ideograph(c) {
            name.push(c);
        } else if is_dot_like(c) || c == '.' {
            name.push(MIDDLE_DOT);
        } else {
            return Err(Code::NameInvalidCharacters);
        }
    }
    let misplaced = name.starts_with(MIDDLE_DOT)
        || name.ends_with(MIDDLE_DOT)
        || name.contains("\u{00B7}\u{00B7}");
    if misplaced {
        return Err(Code::NameSeparatorPosition);
    }
    Ok(name)
}

/// Canonical Latin name, see [`PersonName`].
fn latin_name(chars: &[char]) -> Result<String, Code> {
    let mut mapped = Vec::with_capacity(chars.len());
    for &c in chars {
        let c = if is_hyphen_like(c) {
            '-'
        } else if is_apostrophe_like(c) {
            '\''
        } else if is_dot_like(c) {
            return Err(Code::NameInvalidCharacters);
        } else {
            c
        };
        mapped.push(c);
    }
    let mapped: String = collapse_spaces(&mapped).into_iter().collect();
    let name: String = mapped.nfc().collect();
    let chars: Vec<char> = name.chars().collect();
    let is_letter =
        |c: Option<&char>| c.is_some_and(|&c| is_latin_letter(c) || is_combining_mark(c));
    for (index, &c) in chars.iter().enumerate() {
        let before = index.checked_sub(1).and_then(|i| chars.get(i));
        let after = chars.get(index + 1);
        let well_placed = match c {
            '-' | '\'' => is_letter(before) && is_letter(after),
            '.' => {
                is_letter(before) && (after.is_none() || after == Some(&' ') || is_letter(after))
            }
            ' ' => (is_letter(before) || before == Some(&'.')) && is_letter(after),
            c if is_combining_mark(c) && !is_letter(before) => {
                return Err(Code::NameInvalidCharacters);
            }
            _ => true,
        };
        if !well_placed {
            return Err(Code::NameSeparatorPosition);
        }
    }
    Ok(name)
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({})", self.masked())
    }
}

impl Serialize for PersonName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

// --- Organisation names -----------------------------------------------------------------

const ORGANISATION_NAME_MIN_CHARS: usize = 2;

/// The longest organisation name accepted, in characters. Registered names of Chinese
/// entities rarely exceed 50 characters; foreign companies' English names are longer.
const ORGANISATION_NAME_MAX_CHARS: usize = 100;

/// The name of an organisation (company, institution, association, government body).
///
/// Allowed: CJK ideographs of any plane, Latin letters (accented too), ASCII digits, and
/// the punctuation real registered names use: parentheses, `·`, `、`, `&`, `-`, `.`, `,`,
/// `'` and spaces. Normalisation:
/// - parentheses of either width become full-width `（）`, as Chinese company registration
///   writes them (`山东某某科技有限公司（济南分公司）`), and must be balanced;
/// - look-alike middle dots become `·` (U+00B7), typographic hyphens and apostrophes
///   become ASCII, other full-width forms are folded to ASCII;
/// - runs of blanks become one space, and a space next to a CJK ideograph or full-width
///   punctuation is dropped, since Chinese names never contain one there
///   (`山东 某某 有限公司` is `山东某某有限公司`); spaces between Latin words are kept;
/// - text is composed (NFC), keeping compatibility ideographs as typed.
///
/// At least one ideograph or letter is required; length is 2 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrganisationName(String);

impl OrganisationName {
    /// Parses an organisation's name; see the type's documentation for the rules.
    ///
    /// # Errors
    ///
    /// In this order: `organisation_name.required`,
    /// `organisation_name.invalid_characters`, `organisation_name.parentheses`,
    /// `organisation_name.too_short`, `organisation_name.too_long`.
    pub fn parse(input: &str) -> Result<OrganisationName, Code> {
        let trimmed = trim_blanks(input);
        if trimmed.is_empty() {
            return Err(Code::OrganisationNameRequired);
        }
        let mapped: String = clean_name_chars(trimmed)
            .into_iter()
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                c if is_dot_like(c) => MIDDLE_DOT,
                c if is_hyphen_like(c) => '-',
                c if is_apostrophe_like(c) => '\'',
                c => c,
            })
            .collect();
        let composed = nfc_keeping_compatibility_ideographs(&mapped);
        let chars: Vec<char> = composed.chars().collect();
        for (index, &c) in chars.iter().enumerate() {
            let allowed = is_ideograph(c)
                || is_latin_letter(c)
                || c.is_ascii_digit()
                || matches!(
                    c,
                    '（' | '）' | '·' | '、' | '&' | '-' | '.' | ',' | '\'' | ' '
                )
                || (is_combining_mark(c)
                    && index
                        .checked_sub(1)
                        .and_then(|i| chars.get(i))
                        .is_some_and(|&before| is_latin_letter(before)));
            if !allowed {
                return Err(Code::OrganisationNameInvalidCharacters);
            }
        }
        if !chars.iter().any(|&c| is_ideograph(c) || is_latin_letter(c)) {
            return Err(Code::OrganisationNameInvalidCharacters);
        }
        let name = drop_spaces_next_to_wide(&collapse_spaces(&chars));
        if !parentheses_balanced(&name) {
            return Err(Code::OrganisationNameParentheses);
        }
        let length = name.chars().count();
        if length < ORGANISATION_NAME_MIN_CHARS {
            return Err(Code::OrganisationNameTooShort);
        }
        if length > ORGANISATION_NAME_MAX_CHARS {
            return Err(Code::OrganisationNameTooLong);
        }
        Ok(OrganisationName(name))
    }

    /// The canonical name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a character is written full-width in Chinese text, so that no space belongs
/// next to it.
fn is_wide(c: char) -> bool {
    is_ideograph(c) || matches!(c, '（' | '）' | '·' | '、')
}

fn drop_spaces_next_to_wide(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len() * 3);
    for (index, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = index.checked_sub(1).and_then(|i| chars.get(i));
            let after = chars.get(index + 1);
            if before.is_some_and(|&b| is_wide(b)) || after.is_some_and(|&a| is_wide(a)) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn parentheses_balanced(name: &str) -> bool {
    let mut depth: usize = 0;
    for c in name.chars() {
        match c {
            '（' => depth += 1,
            '）' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

impl fmt::Display for OrganisationName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for OrganisationName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(input: &str) -> Result<String, Code> {
        PersonName::parse(input).map(|name| name.as_str().to_owned())
    }

    fn organisation(input: &str) -> Result<String, Code> {
        OrganisationName::parse(input).map(|name| name.as_str().to_owned())
    }

    #[test]
    fn blanks_cover_white_space_and_invisible_marks() {
        for c in [
            ' ', '\t', '\n', '\r', '\u{00A0}', '\u{3000}', '\u{2002}', '\u{200B}', '\u{200C}',
            '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{202F}', '\u{200E}',
        ] {
            assert!(is_blank(c), "{c:?}");
        }
        for c in ['a', '0', '张', '·', '-', '\u{0301}'] {
            assert!(!is_blank(c), "{c:?}");
        }
        assert_eq!(trim_blanks("\u{FEFF}\u{3000} 张三\u{200B}\t"), "张三");
    }

    #[test]
    fn full_width_forms_fold_to_ascii() {
        assert_eq!(fold_width('０'), '0');
        assert_eq!(fold_width('９'), '9');
        assert_eq!(fold_width('Ａ'), 'A');
        assert_eq!(fold_width('ｚ'), 'z');
        assert_eq!(fold_width('（'), '(');
        assert_eq!(fold_width('＋'), '+');
        assert_eq!(fold_width('～'), '~');
        assert_eq!(fold_width('\u{3000}'), ' ');
        assert_eq!(fold_width('张'), '张');
        assert_eq!(fold_width('\u{FF5F}'), '\u{FF5F}');
    }

    #[test]
    fn ideographs_of_every_plane_are_recognised() {
        for c in [
            '\u{4E00}',
            '\u{9FFF}',
            '\u{3400}',
            '\u{4DBF}',
            '\u{F900}',
            '\u{20000}',
            '\u{2A700}',
            '\u{2B740}',
            '\u{2B820}',
            '\u{2CEB0}',
            '\u{2EBF0}',
            '\u{2F800}',
            '\u{30000}',
            '\u{31350}',
            '\u{323B0}',
            '𰻞',
        ] {
            assert!(is_ideograph(c), "{c} U+{:X}", u32::from(c));
        }
        for c in [
            'a', '·', '〇', '々', 'ㄅ', 'あ', '가', '\u{2F08}', '😀', '\u{FA6E}', '\u{4DC0}',
        ] {
            assert!(!is_ideograph(c), "{c} U+{:X}", u32::from(c));
        }
    }

    #[test]
    fn chinese_names() {
        for (input, expected) in [
            ("张三", "张三"),
            ("  张三  ", "张三"),
            ("\u{3000}张三\u{00A0}", "张三"),
            ("\u{200B}张三\u{FEFF}", "张三"),
            ("欧阳娜娜", "欧阳娜娜"),
            ("单", "单"),
            ("张\u{200B}三", "张三"),
            // Rare characters outside the BMP: Extension B and G.
            ("王𠀀", "王𠀀"),
            ("𰻞𰻞", "𰻞𰻞"),
            // Compatibility ideographs are kept as typed, not unified.
            ("金\u{F90A}", "金\u{F90A}"),
            // Kangxi radicals copied from PDFs become ideographs.
            ("\u{2F08}\u{2F24}", "人大"),
            // A variation selector picks a glyph; the name is the same.
            ("葛\u{E0100}优", "葛优"),
        ] {
            assert_eq!(person(input).as_deref(), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn minority_name_dots_are_normalised() {
        for dot in [
            "·", "\u{30FB}", "\u{FF65}", "\u{2022}", "\u{2027}", "\u{2219}", "\u{22C5}",
            "\u{0387}", "\u{2E31}", ".", "．",
        ] {
            let input = format!("买买提{dot}艾力");
            assert_eq!(person(&input).as_deref(), Ok("买买提·艾力"), "{input:?}");
        }
        assert_eq!(
            person("阿卜杜热合曼・阿卜杜克力木・买买提").as_deref(),
            Ok("阿卜杜热合曼·阿卜杜克力木·买买提")
        );
    }

    #[test]
    fn misplaced_dots_are_refused() {
        for input in [
            "·买买提",
            "买买提·",
            "买买提··艾力",
            "买买提·・艾力",
            "·",
            "··",
        ] {
            let expected = if input.chars().all(|c| c == '·') {
                Code::NameInvalidCharacters
            } else {
                Code::NameSeparatorPosition
            };
            assert_eq!(person(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn latin_names() {
        for (input, expected) in [
            ("John Smith", "John Smith"),
            ("  John   Smith  ", "John Smith"),
            ("John\u{3000}Smith", "John Smith"),
            ("John \u{200B} Smith", "John Smith"),
            ("JOHN SMITH", "JOHN SMITH"),
            ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
            ("Mary\u{2010}Jane O\u{2019}Neil", "Mary-Jane O'Neil"),
            ("J. R. R. Tolkien", "J. R. R. Tolkien"),
            ("J.R.R. Tolkien", "J.R.R. Tolkien"),
            ("Martin Luther King Jr.", "Martin Luther King Jr."),
            ("José Müller", "José Müller"),
            // Decomposed accents are composed.
            ("Jose\u{0301} Mu\u{0308}ller", "José Müller"),
            ("Nguyễn Văn Anh", "Nguyễn Văn Anh"),
            ("Łukasz Żółć", "Łukasz Żółć"),
            ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),
            ("X", "X"),
        ] {
            assert_eq!(person(input).as_deref(), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn misplaced_latin_separators_are_refused() {
        for input in [
            "-John",
            "John-",
            "John--Smith",
            "O''Neil",
            "'John",
            "John'",
            "John -Smith",
            "John- Smith",
            ".John",
            "John .",
            "John..Smith",
            "John.-Smith",
        ] {
            assert_eq!(person(input), Err(Code::NameSeparatorPosition), "{input:?}");
        }
    }

    #[test]
    fn invalid_characters_are_refused() {
        for input in [
            "张三1",
            "张三😀",
            "😀",
            "123",
            "张三!",
            "张三@",
            "John_Smith",
            "John3",
            "张\u{0007}三",
            "张/三",
            "李四（曾用名）",
            "Иван",
            "Αλέξης",
            "たなか",
            "김철수",
            "张三\u{0301}",
            "〇",
            "\u{2F08}\u{0041}1",
            "John·Smith",
            "张 三",
            "买买提 艾力",
            "张-三",
        ] {
            assert_eq!(person(input), Err(Code::NameInvalidCharacters), "{input:?}");
        }
    }

    #[test]
    fn mixed_scripts_are_refused() {
        for input in ["张John", "John 张", "王A", "Li·明"] {
            assert_eq!(person(input), Err(Code::NameMixedScripts), "{input:?}");
        }
    }

    #[test]
    fn empty_names_are_required() {
        for input in ["", "   ", "\u{3000}", "\u{200B}\u{FEFF}", "\u{00A0}\t"] {
            assert_eq!(person(input), Err(Code::NameRequired), "{input:?}");
        }
    }

    #[test]
    fn length_is_counted_in_characters() {
        let fifty: String = "𠀀".repeat(50);
        assert_eq!(fifty.len(), 200);
        assert_eq!(person(&fifty).as_deref(), Ok(fifty.as_str()));
        assert_eq!(person(&"𠀀".repeat(51)), Err(Code::NameTooLong));
        assert_eq!(person(&"a".repeat(50)).map(|n| n.len()), Ok(50));
        assert_eq!(person(&"a".repeat(51)), Err(Code::NameTooLong));
        // Collapsed spaces do not count.
        let spaced = format!("{}     {}", "a".repeat(25), "b".repeat(24));
        assert_eq!(person(&spaced).map(|n| n.chars().count()), Ok(50));
    }

    #[test]
    fn unnamed_placeholders_are_recognised() {
        for input in [
            "无名氏",
            "无名氏甲",
            "無名氏",
            "无名",
            "无名男",
            "无名女",
            "佚名",
            "姓名不详",
            "不详",
            "某某",
            "Unknown",
            "JOHN DOE",
            "jane doe",
            "Anonymous",
        ] {
            assert!(PersonName::parse(input).unwrap().is_unnamed(), "{input}");
        }
        for input in ["张三", "无忌", "名无", "John Smith", "Doe"] {
            assert!(!PersonName::parse(input).unwrap().is_unnamed(), "{input}");
        }
    }

    #[test]
    fn person_names_are_masked_in_debug() {
        let name = PersonName::parse("张三丰").unwrap();
        assert_eq!(name.masked(), "张**");
        assert_eq!(format!("{name:?}"), "PersonName(张**)");
        assert_eq!(name.to_string(), "张三丰");
        assert_eq!(
            PersonName::parse("买买提·艾力").unwrap().masked(),
            "买**·**"
        );
        assert_eq!(
            PersonName::parse("John Smith").unwrap().masked(),
            "J*** *****"
        );
        assert_eq!(PersonName::parse("单").unwrap().masked(), "单");
        assert_eq!(
            serde_json::to_value(&name).unwrap(),
            serde_json::json!("张三丰")
        );
    }

    #[test]
    fn organisation_names() {
        for (input, expected) in [
            ("山东某某科技有限公司", "山东某某科技有限公司"),
            ("  山东某某科技有限公司\u{3000}", "山东某某科技有限公司"),
            (
                "山东某某科技有限公司(济南分公司)",
                "山东某某科技有限公司（济南分公司）",
            ),
            (
                "山东某某科技有限公司（济南分公司）",
                "山东某某科技有限公司（济南分公司）",
            ),
            (
                "山东某某科技有限公司 ( 济南分公司 )",
                "山东某某科技有限公司（济南分公司）",
            ),
            ("某某（中国）投资有限公司", "某某（中国）投资有限公司"),
            ("山东 某某 有限公司", "山东某某有限公司"),
            ("济南市历下区人民政府", "济南市历下区人民政府"),
            ("4399网络股份有限公司", "4399网络股份有限公司"),
            ("４３９９网络股份有限公司", "4399网络股份有限公司"),
            ("Procter & Gamble Co., Ltd.", "Procter & Gamble Co., Ltd."),
            ("McDonald’s   Corporation", "McDonald's Corporation"),
            ("Société Générale", "Société Générale"),
            (
                "A-B 国际贸易（山东）有限公司",
                "A-B国际贸易（山东）有限公司",
            ),
            (
                "济南某某酒店管理有限公司・分店",
                "济南某某酒店管理有限公司·分店",
            ),
            ("山东省某某、某某联合体", "山东省某某、某某联合体"),
            ("中国移动", "中国移动"),
            ("AB", "AB"),
            ("𠀀𠀀有限公司", "𠀀𠀀有限公司"),
        ] {
            assert_eq!(organisation(input).as_deref(), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn organisation_name_errors() {
        assert_eq!(organisation(""), Err(Code::OrganisationNameRequired));
        assert_eq!(
            organisation(" \u{3000}\u{200B}"),
            Err(Code::OrganisationNameRequired)
        );
        assert_eq!(organisation("厂"), Err(Code::OrganisationNameTooShort));
        assert_eq!(organisation("A"), Err(Code::OrganisationNameTooShort));
        let hundred = "某".repeat(100);
        assert_eq!(organisation(&hundred).as_deref(), Ok(hundred.as_str()));
        assert_eq!(
            organisation(&"某".repeat(101)),
            Err(Code::OrganisationNameTooLong)
        );
        for input in [
            "某某公司😀",
            "某某公司#1",
            "某某公司@",
            "某某公司《分店》",
            "某某公司/分店",
            "1234",
            "（）",
            "&&",
            "某某公司\u{0007}",
            "某某公司\u{0301}",
        ] {
            assert_eq!(
                organisation(input),
                Err(Code::OrganisationNameInvalidCharacters),
                "{input:?}"
            );
        }
        for input in [
            "某某公司（分公司",
            "某某公司）分公司（",
            "某某公司(分公司))",
        ] {
            assert_eq!(
                organisation(input),
                Err(Code::OrganisationNameParentheses),
                "{input:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn junk_never_panics(input in any::<String>()) {
            let _ = PersonName::parse(&input);
            let _ = OrganisationName::parse(&input);
        }

        #[test]
        fn chinese_names_round_trip(name in "[\u{4E00}-\u{9FA5}]{1,10}(·[\u{4E00}-\u{9FA5}]{1,10}){0,2}") {
            let parsed = PersonName::parse(&name).unwrap();
            prop_assert_eq!(parsed.as_str(), name.as_str());
            prop_assert_eq!(PersonName::parse(&parsed.to_string()).unwrap(), parsed.clone());
            let padded = format!("\u{3000} {}\u{200B}", name.replace('·', "・"));
            prop_assert_eq!(PersonName::parse(&padded).unwrap(), parsed);
        }

        #[test]
        fn latin_names_round_trip(name in "[A-Z][a-z]{0,8}( [A-Z][a-z]{0,8}){0,3}") {
            let parsed = PersonName::parse(&name).unwrap();
            prop_assert_eq!(parsed.as_str(), name.as_str());
            let spaced = format!("  {}  ", name.replace(' ', "   "));
            prop_assert_eq!(PersonName::parse(&spaced).unwrap(), parsed);
        }

        #[test]
        fn parsing_is_idempotent(input in "[\u{4E00}-\u{4E20}a-zA-Z ·・.'\\-()（）&、0-9]{0,30}") {
            if let Ok(name) = PersonName::parse(&input) {
                prop_assert_eq!(PersonName::parse(name.as_str()).unwrap(), name);
            }
            if let Ok(name) = OrganisationName::parse(&input) {
                prop_assert_eq!(OrganisationName::parse(name.as_str()).unwrap(), name);
            }
        }

        #[test]
        fn names_with_digits_are_refused(name in "[\u{4E00}-\u{9FA5}]{1,5}", digit in "[0-9０-９]") {
            prop_assert_eq!(
                PersonName::parse(&format!("{name}{digit}")),
                Err(Code::NameInvalidCharacters)
            );
        }
    }
}
