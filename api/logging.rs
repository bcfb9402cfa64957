//! Logging: JSON lines with the request id, and the masking that keeps identity numbers and
//! phone numbers out of them.
//!
//! Convention: the message is for people (`"request finished"`), the fields are for
//! machines (`status`, `duration_ms`, `route`), with units in their names. Never log
//! passwords, tokens, SMS codes or unmasked identity or phone numbers; log an error once,
//! where it is handled.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber. `RUST_LOG` filters (default `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second call (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .flatten_event(true)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// Masks what looks like an identity or phone number in `text`: every run of 11 or more
/// digits (an 18-character ID number may end in X) that stands on its own keeps its first
/// three and last two characters, the rest becomes `*`.
pub fn mask_personal_data(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i < chars.len() && (chars[i] == 'X' || chars[i] == 'x') && i - start == 17 {
            i += 1;
        }
        let run = &chars[start..i];
        let glued = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        let standalone =
            !glued(start.checked_sub(1).and_then(|p| chars.get(p))) && !glued(chars.get(i));
        if run.len() >= 11 && standalone {
            for (k, c) in run.iter().enumerate() {
                out.push(if k < 3 || k >= run.len() - 2 { *c } else { '*' });
            }
        } else {
            out.extend(run);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mask_personal_data;

    #[test]
    fn identity_and_phone_numbers_are_masked() {
        assert_eq!(
            mask_personal_data("/api/v1/x?id_number=11010519491231002X&phone=13812345678"),
            "/api/v1/x?id_number=110*************2X&phone=138******78"
        );
        assert_eq!(mask_personal_data("86+13812345678"), "86+138******78");
    }

    #[test]
    fn short_numbers_and_identifiers_are_kept() {
        let uuid = "/api/v1/cases/0b6f3c1e-6d2a-4f0e-9a57-2f4c7b1f7e11?page=2";
        assert_eq!(mask_personal_data(uuid), uuid);
        assert_eq!(
            mask_personal_data("（2020）鲁0102执19号"),
            "（2020）鲁0102执19号"
        );
        assert_eq!(mask_personal_data("a12345678901b"), "a12345678901b");
    }

    #[test]
    fn non_ascii_text_survives() {
        assert_eq!(mask_personal_data("张三 13812345678"), "张三 138******78");
    }
}
