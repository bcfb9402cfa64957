//! Clean-up of typed and pasted text shared by the parsers: blanks, full-width forms,
//! ideographs.

/// Whether a character is a blank that comes along with typed or pasted text without being
/// part of the value: any Unicode white space (including U+3000 and U+00A0) and the
/// invisible format characters that word processors and web pages insert (zero-width
/// spaces and joiners, word joiner, byte-order mark, direction marks, soft hyphen).
pub fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Removes surrounding blanks (see [`is_blank`]).
pub fn trim_blanks(input: &str) -> &str {
    input.trim_matches(is_blank)
}

/// Folds a full-width ASCII form (U+FF01–U+FF5E, typed with a Chinese input method in
/// full-width mode) to its ASCII character, and the ideographic space to a space.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Whether a character is a CJK ideograph: the unified ideographs of the basic block and of
/// Extensions A to J, and the compatibility ideographs. Rare characters in names live
/// outside the Basic Multilingual Plane, so all planes count.
pub fn is_ideograph(c: char) -> bool {
    matches!(
        u32::from(c),
        0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFA6D
            | 0xFA70..=0xFAD9
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2EE5F
            | 0x2F800..=0x2FA1F
            | 0x30000..=0x3347F
    )
}

/// A code as typed (court code, cause id, …): blanks anywhere removed, full-width letters
/// and digits folded to ASCII.
pub fn fold_code(raw: &str) -> String {
    raw.chars()
        .filter(|&c| !is_blank(c))
        .map(fold_width)
        .collect()
}

/// A plausible e-mail address, trimmed: one `@`, something on each side, a dot in the
/// domain, no blanks, at most 254 characters.
pub fn valid_email(raw: &str) -> Option<String> {
    let email = raw.trim();
    let (local, domain) = email.split_once('@')?;
    let ok = email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| email.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_folded() {
        assert_eq!(fold_code(" 鲁０１０２ "), "鲁0102");
        assert_eq!(fold_code("１０３"), "103");
        assert_eq!(fold_code("4 11.1"), "411.1");
    }

    #[test]
    fn emails_are_checked_loosely_but_sanely() {
        assert_eq!(valid_email(" a@b.cn ").as_deref(), Some("a@b.cn"));
        for bad in [
            "", "a", "a@b", "@b.cn", "a@.cn", "a@b.", "a b@c.cn", "a@b@c.cn",
        ] {
            assert!(valid_email(bad).is_none(), "{bad}");
        }
    }
}
