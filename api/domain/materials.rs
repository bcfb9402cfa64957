//! What an uploaded file is, judged by its content: only PDFs, JPEGs and PNGs are accepted,
//! whatever the name or declared type says, to keep executables and archives (ransomware)
//! out. Also the safe form of a client's file name.

use serde::Serialize;

use crate::errors::Code;

/// How many leading bytes are looked at to recognise a file.
pub const HEAD_BYTES: usize = 8192;

/// What the leading bytes of a file are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Pdf,
    Jpeg,
    Png,
    /// A program (Windows, Linux or macOS executable, script bundle, …).
    Executable,
    /// An archive or a container of other files (zip, rar, 7z, Office documents, …).
    Archive,
    Unknown,
}

/// An accepted content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum ContentType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
}

impl ContentType {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Pdf => "application/pdf",
            ContentType::Jpeg => "image/jpeg",
            ContentType::Png => "image/png",
        }
    }

    pub fn parse(value: &str) -> Option<ContentType> {
        match value {
            "application/pdf" => Some(ContentType::Pdf),
            "image/jpeg" => Some(ContentType::Jpeg),
            "image/png" => Some(ContentType::Png),
            _ => None,
        }
    }
}

/// Recognises a file by its first bytes. A PDF may start with a byte-order mark or blank
/// space before `%PDF-` (some scanners write them); anything else before it (an executable
/// header, say) makes it something other than a PDF.
pub fn sniff(head: &[u8]) -> Sniffed {
    let start = head
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(head);
    let start = trim_leading_whitespace(start);
    if start.starts_with(b"%PDF-") {
        return Sniffed::Pdf;
    }
    let Some(kind) = infer::get(head) else {
        return Sniffed::Unknown;
    };
    match (kind.mime_type(), kind.matcher_type()) {
        ("image/jpeg", _) => Sniffed::Jpeg,
        ("image/png", _) => Sniffed::Png,
        (_, infer::MatcherType::App) => Sniffed::Executable,
        (_, infer::MatcherType::Archive | infer::MatcherType::Doc) => Sniffed::Archive,
        _ => Sniffed::Unknown,
    }
}

fn trim_leading_whitespace(bytes: &[u8]) -> &[u8] {
    let skip = bytes
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0C' | b'\0'))
        .count();
    &bytes[skip..]
}

/// The content type of an acceptable file, or why it is refused.
pub fn accepted_type(sniffed: Sniffed) -> Result<ContentType, Code> {
    match sniffed {
        Sniffed::Pdf => Ok(ContentType::Pdf),
        Sniffed::Jpeg => Ok(ContentType::Jpeg),
        Sniffed::Png => Ok(ContentType::Png),
        Sniffed::Executable | Sniffed::Archive => Err(Code::FileExecutableOrArchive),
        Sniffed::Unknown => Err(Code::FileTypeNotAllowed),
    }
}

/// Longest stored file name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The client's file name reduced to a safe base name: the last path segment (either kind
/// of slash), without control characters, without leading dots (so never `.` or `..`),
/// trimmed, at most 200 characters (keeping the extension). Chinese and other scripts are
/// kept exactly. Never used as a filesystem path; an empty result becomes `file`.
pub fn sanitise_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        return "file".to_owned();
    }
    if cleaned.chars().count() <= MAX_NAME_CHARS {
        return cleaned;
    }
    let (stem, extension) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 10 && !stem.is_empty() => (stem, Some(ext)),
        _ => (cleaned.as_str(), None),
    };
    let keep = MAX_NAME_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let mut name: String = stem.chars().take(keep).collect();
    if let Some(extension) = extension {
        name.push('.');
        name.push_str(extension);
    }
    name
}

/// An ASCII stand-in for a file name, for clients that cannot read `filename*`: ASCII
/// letters, digits, `.`, `-` and `_` kept, everything else `_`, the extension kept.
pub fn ascii_fallback(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let (stem, extension) = match fallback.rsplit_once('.') {
        Some((stem, ext)) if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            (stem, Some(ext))
        }
        _ => (fallback.as_str(), None),
    };
    // A name with nothing ASCII to say becomes `file`, keeping its extension.
    if stem.chars().all(|c| matches!(c, '_' | '.' | '-')) {
        return match extension {
            Some(ext) => format!("file.{ext}"),
            None => "file".to_owned(),
        };
    }
    fallback
}

/// What a material is, as the uploader files it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Complaint, statement of appeal or application.
    ComplaintOrApplication,
    Evidence,
    /// An identity document of a party or agent.
    IdentityDocument,
    /// Power of attorney, employment proof or other authorisation of an agent.
    Authorisation,
    ServiceAddressConfirmation,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::ComplaintOrApplication,
        Category::Evidence,
        Category::IdentityDocument,
        Category::Authorisation,
        Category::ServiceAddressConfirmation,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::ComplaintOrApplication => "complaint_or_application",
            Category::Evidence => "evidence",
            Category::IdentityDocument => "identity_document",
            Category::Authorisation => "authorisation",
            Category::ServiceAddressConfirmation => "service_address_confirmation",
            Category::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == value.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01";
    const PNG: &[u8] = b"\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR";

    #[test]
    fn pdfs_jpegs_and_pngs_are_recognised_by_content() {
        assert_eq!(sniff(PDF), Sniffed::Pdf);
        assert_eq!(sniff(JPEG), Sniffed::Jpeg);
        assert_eq!(sniff(PNG), Sniffed::Png);
    }

    #[test]
    fn a_bom_or_blank_space_before_a_pdf_is_tolerated() {
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(PDF);
        assert_eq!(sniff(&with_bom), Sniffed::Pdf);
        let mut with_space = b"\r\n  \n".to_vec();
        with_space.extend_from_slice(PDF);
        assert_eq!(sniff(&with_space), Sniffed::Pdf);
    }

    #[test]
    fn executables_and_archives_are_refused_even_with_a_pdf_inside() {
        let mut polyglot = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF".to_vec();
        polyglot.extend_from_slice(PDF);
        assert_eq!(sniff(&polyglot), Sniffed::Executable);
        let mut elf = b"\x7FELF\x02\x01\x01\x00".to_vec();
        elf.resize(64, 0);
        assert_eq!(sniff(&elf), Sniffed::Executable);
        assert_eq!(sniff(b"PK\x03\x04\x14\x00\x00\x00"), Sniffed::Archive);
        assert_eq!(sniff(b"Rar!\x1A\x07\x00"), Sniffed::Archive);
        assert_eq!(sniff(b"7z\xBC\xAF\x27\x1C\x00\x04"), Sniffed::Archive);
        assert_eq!(
            accepted_type(Sniffed::Executable),
            Err(Code::FileExecutableOrArchive)
        );
        assert_eq!(
            accepted_type(Sniffed::Archive),
            Err(Code::FileExecutableOrArchive)
        );
    }

    #[test]
    fn other_content_is_not_allowed() {
        assert_eq!(sniff(b"hello, world"), Sniffed::Unknown);
        assert_eq!(sniff(b"GIF89a\x01\x00"), Sniffed::Unknown);
        assert_eq!(sniff(b"junk %PDF-1.7"), Sniffed::Unknown);
        assert_eq!(
            accepted_type(Sniffed::Unknown),
            Err(Code::FileTypeNotAllowed)
        );
    }

    #[test]
    fn file_names_are_reduced_to_a_safe_base_name() {
        assert_eq!(sanitise_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_file_name("..\\..\\windows\\win.ini"), "win.ini");
        assert_eq!(sanitise_file_name(".."), "file");
        assert_eq!(sanitise_file_name("a\0b\r\n.pdf"), "ab.pdf");
        assert_eq!(sanitise_file_name(".hidden.pdf"), "hidden.pdf");
        assert_eq!(
            sanitise_file_name("起诉状（张三诉李四）.pdf"),
            "起诉状（张三诉李四）.pdf"
        );
        assert_eq!(sanitise_file_name("evil\u{202E}fdp.exe"), "evilfdp.exe");
        assert_eq!(sanitise_file_name("   "), "file");
        let long = format!("{}.pdf", "证".repeat(300));
        let kept = sanitise_file_name(&long);
        assert_eq!(kept.chars().count(), MAX_NAME_CHARS);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn ascii_fallbacks_keep_what_ascii_can_say() {
        assert_eq!(ascii_fallback("起诉状.pdf"), "file.pdf");
        assert_eq!(ascii_fallback("证据2 (1).jpg"), "__2__1_.jpg");
        assert_eq!(ascii_fallback("scan-01.png"), "scan-01.png");
        assert_eq!(ascii_fallback("说明"), "file");
        assert_eq!(ascii_fallback("证据目录（第一组）.pdf"), "file.pdf");
    }

    #[test]
    fn categories_round_trip() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        assert_eq!(Category::parse("virus"), None);
    }
}
