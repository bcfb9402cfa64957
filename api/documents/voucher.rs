//! The payment voucher (交费凭证) of our own: one page with the facts of a paid fee order —
//! court, case number, order number, payer, items, total in figures and in capital
//! numerals, channel, time and transaction id — next to the payment platform's voucher,
//! which is passed through as a link.
//!
//! The PDF is written with `krilla`, a maintained high-level PDF writer that embeds fonts as
//! subsets (only the glyphs used, so a voucher stays small however large the CJK font) and
//! writes a ToUnicode map, so the text can be searched and copied. The font comes from the
//! system: Debian's `fonts-wqy-microhei` by default (or `EFILING_VOUCHER_FONT`), since a CJK
//! font is too large to carry in the repository.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};

/// Where Debian and Ubuntu put CJK fonts, in the order they are tried: TrueType collections
/// and fonts with one face each; the first face is used.
const KNOWN_FONTS: [&str; 5] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
];

/// Why no font could be used.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "no CJK font found for payment vouchers (tried {tried}); install one with `apt-get install fonts-wqy-microhei` or set EFILING_VOUCHER_FONT to a .ttf, .otf or .ttc file"
    )]
    NotFound { tried: String },
    #[error("cannot read the voucher font {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a font krilla can read (TrueType, OpenType or a collection of them)")]
    NotAFont { path: PathBuf },
}

/// The font vouchers are written in, read once per process.
#[derive(Clone)]
pub struct VoucherFont {
    font: Font,
    path: PathBuf,
}

impl std::fmt::Debug for VoucherFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoucherFont")
            .field("path", &self.path)
            .finish()
    }
}

impl VoucherFont {
    /// The configured font, or the first of the known system fonts that exists.
    pub fn locate(configured: Option<&Path>) -> Result<VoucherFont, FontError> {
        match configured {
            Some(path) => VoucherFont::load(path),
            None => {
                let found = KNOWN_FONTS.iter().map(Path::new).find(|p| p.is_file());
                match found {
                    Some(path) => VoucherFont::load(path),
                    None => Err(FontError::NotFound {
                        tried: KNOWN_FONTS.join(", "),
                    }),
                }
            }
        }
    }

    /// The first face of the font file at `path`.
    pub fn load(path: &Path) -> Result<VoucherFont, FontError> {
        let bytes = std::fs::read(path).map_err(|source| FontError::Unreadable {
            path: path.to_owned(),
            source,
        })?;
        let font = Font::new(Arc::new(bytes).into(), 0).ok_or_else(|| FontError::NotAFont {
            path: path.to_owned(),
        })?;
        Ok(VoucherFont {
            font,
            path: path.to_owned(),
        })
    }

    /// Where the font was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// One fee item on the voucher.
#[derive(Debug, Clone)]
pub struct VoucherItem {
    /// The item's Chinese name (案件受理费).
    pub name: String,
    /// Yuan with two decimals.
    pub amount: String,
}

/// The facts a voucher shows.
#[derive(Debug, Clone)]
pub struct Voucher {
    pub court_name: String,
    pub case_number: Option<String>,
    pub order_number: String,
    pub payer_name: String,
    pub items: Vec<VoucherItem>,
    /// Yuan with two decimals.
    pub total: String,
    /// The total in capital numerals (贰仟柒佰元整).
    pub total_in_capitals: String,
    /// The channel's Chinese name (微信支付).
    pub channel: String,
    pub paid_at: DateTime<Utc>,
    pub transaction_id: String,
    pub issued_at: DateTime<Utc>,
}

/// Why a voucher could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the voucher PDF could not be written: {0}")]
pub struct RenderError(String);

/// A5 landscape, in points.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 420.0;
const MARGIN: f32 = 40.0;
const LABEL_WIDTH: f32 = 110.0;
const BODY_SIZE: f32 = 11.0;
const LINE_GAP: f32 = 7.0;

/// The width of `text` at `size` in em-based estimates: CJK and full-width characters take
/// one em, the rest about half. Used only to wrap, so it errs on the wide side.
fn estimated_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f32>()
        * size
}

/// `text` broken into lines no wider than `width` at `size`.
fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if !line.is_empty() && estimated_width(&candidate, size) > width {
            lines.push(std::mem::take(&mut line));
            line.push(c);
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Local time in Asia/Shanghai, as printed.
fn shanghai(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Writes the voucher as a one-page PDF.
pub fn render(voucher: &Voucher, font: &VoucherFont) -> Result<Vec<u8>, RenderError> {
    let mut rows: Vec<(String, String)> = vec![
        ("法院".into(), voucher.court_name.clone()),
        (
            "案号".into(),
            voucher.case_number.clone().unwrap_or_else(|| "—".into()),
        ),
        ("订单号".into(), voucher.order_number.clone()),
        ("交费人".into(), voucher.payer_name.clone()),
    ];
    rows.extend(
        voucher
            .items
            .iter()
            .map(|item| (item.name.clone(), format!("¥{}", item.amount))),
    );
    rows.push(("合计（小写）".into(), format!("¥{}", voucher.total)));
    rows.push(("合计（大写）".into(), voucher.total_in_capitals.clone()));
    rows.push(("支付方式".into(), voucher.channel.clone()));
    rows.push(("交费时间".into(), shanghai(voucher.paid_at)));
    rows.push(("交易流水号".into(), voucher.transaction_id.clone()));

    let value_width = PAGE_WIDTH - 2.0 * MARGIN - LABEL_WIDTH;
    let laid_out: Vec<(String, Vec<String>)> = rows
        .into_iter()
        .map(|(label, value)| (label, wrap(&value, value_width, BODY_SIZE)))
        .collect();
    let body_lines: usize = laid_out.iter().map(|(_, lines)| lines.len()).sum();
    // Shrink the text when long names would run past the page.
    let available = PAGE_HEIGHT - 2.0 * MARGIN - 70.0;
    let needed = body_lines as f32 * (BODY_SIZE + LINE_GAP);
    let scale = if needed > available {
        available / needed
    } else {
        1.0
    };
    let size = BODY_SIZE * scale;
    let gap = LINE_GAP * scale;

    let font = font.font.clone();
    let mut document = Document::new();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| RenderError("invalid page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();

    let title = "诉讼费交费凭证";
    let title_size = 18.0;
    surface.draw_text(
        Point::from_xy(
            (PAGE_WIDTH - estimated_width(title, title_size)) / 2.0,
            MARGIN + title_size,
        ),
        font.clone(),
        title_size,
        title,
        false,
        TextDirection::Auto,
    );

    let mut y = MARGIN + title_size + 24.0;
    let rule = |surface: &mut krilla::surface::Surface<'_>, y: f32| {
        let mut path = PathBuilder::new();
        path.move_to(MARGIN, y);
        path.line_to(PAGE_WIDTH - MARGIN, y);
        if let Some(path) = path.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                width: 0.5,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
    };
    rule(&mut surface, y - size);
    for (label, lines) in &laid_out {
        surface.set_fill(Some(krilla::paint::Fill::default()));
        surface.draw_text(
            Point::from_xy(MARGIN, y + 4.0),
            font.clone(),
            size,
            label,
            false,
            TextDirection::Auto,
        );
        for line in lines {
            surface.draw_text(
                Point::from_xy(MARGIN + LABEL_WIDTH, y + 4.0),
                font.clone(),
                size,
                line,
                false,
                TextDirection::Auto,
            );
            y += size + gap;
        }
        rule(&mut surface, y - size + 2.0);
    }
    let footer = format!(
        "本凭证由山东法院电子诉讼服务平台生成，生成时间 {}",
        shanghai(voucher.issued_at)
    );
    surface.set_fill(Some(krilla::paint::Fill::default()));
    surface.draw_text(
        Point::from_xy(MARGIN, PAGE_HEIGHT - MARGIN + 10.0),
        font,
        8.0,
        &footer,
        false,
        TextDirection::Auto,
    );
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|error| RenderError(format!("{error:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The system font, or `None` (the test says so) when the machine has none; with
    /// `EFILING_TEST_FONT_REQUIRED=1` a missing font fails instead.
    fn system_font() -> Option<VoucherFont> {
        let configured = std::env::var("EFILING_VOUCHER_FONT")
            .ok()
            .map(PathBuf::from);
        match VoucherFont::locate(configured.as_deref()) {
            Ok(font) => Some(font),
            Err(error) if std::env::var("EFILING_TEST_FONT_REQUIRED").as_deref() == Ok("1") => {
                panic!("a CJK font is required: {error}")
            }
            Err(error) => {
                eprintln!("skipped: {error}");
                None
            }
        }
    }

    fn sample(payer: &str, court: &str) -> Voucher {
        let at = "2026-12-04T02:03:04Z".parse().unwrap();
        Voucher {
            court_name: court.into(),
            case_number: Some("（2026）鲁0102民初1号".into()),
            order_number: "2026120400000001".into(),
            payer_name: payer.into(),
            items: vec![VoucherItem {
                name: "案件受理费".into(),
                amount: "2700.00".into(),
            }],
            total: "2700.00".into(),
            total_in_capitals: "贰仟柒佰元整".into(),
            channel: "微信支付".into(),
            paid_at: at,
            transaction_id: "SIMTX000000000042".into(),
            issued_at: at,
        }
    }

    /// The text of every page, as a PDF reader extracts it.
    fn text_of(pdf: &[u8]) -> String {
        let document = lopdf::Document::load_mem(pdf).expect("a valid PDF");
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        document.extract_text(&pages).unwrap_or_default()
    }

    #[test]
    fn a_voucher_is_one_small_page_with_the_facts_as_text() {
        let Some(font) = system_font() else { return };
        let pdf = render(&sample("张三", "济南市历下区人民法院"), &font).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            pdf.len() < 300 * 1024,
            "the font is subset: {} bytes",
            pdf.len()
        );
        let document = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(document.get_pages().len(), 1);
        let text = text_of(&pdf);
        for expected in [
            "贰仟柒佰元整",
            "（2026）鲁0102民初1号",
            "张三",
            "SIMTX000000000042",
            "2026-12-04 10:03:04",
            "微信支付",
        ] {
            assert!(text.contains(expected), "{expected} in {text:?}");
        }
    }

    #[test]
    fn long_names_wrap_instead_of_running_off_the_page() {
        let Some(font) = system_font() else { return };
        let company = "山东省青岛市某某国际物流供应链管理与进出口贸易有限责任公司第一分公司";
        let pdf = render(&sample(company, "山东省青岛市中级人民法院"), &font).unwrap();
        let text: String = text_of(&pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(text.contains(company), "{text}");
        for line in wrap(company, PAGE_WIDTH - 2.0 * MARGIN - LABEL_WIDTH, BODY_SIZE) {
            assert!(estimated_width(&line, BODY_SIZE) <= PAGE_WIDTH - 2.0 * MARGIN - LABEL_WIDTH);
        }
    }

    #[test]
    fn wrapping_keeps_every_character() {
        for text in [
            "",
            "短",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            &"长".repeat(100),
        ] {
            let lines = wrap(text, 100.0, 10.0);
            assert_eq!(lines.concat(), text);
            assert!(
                lines
                    .iter()
                    .all(|l| estimated_width(l, 10.0) <= 100.0 || l.chars().count() == 1)
            );
        }
    }

    #[test]
    fn a_missing_or_broken_font_is_named() {
        let missing = Path::new("/nonexistent/fonts/simsun.ttc");
        let error = VoucherFont::locate(Some(missing)).unwrap_err().to_string();
        assert!(error.contains("/nonexistent/fonts/simsun.ttc"), "{error}");
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("fake.ttf");
        std::fs::write(&fake, b"this is not a font").unwrap();
        let error = VoucherFont::locate(Some(&fake)).unwrap_err();
        assert!(matches!(error, FontError::NotAFont { .. }), "{error}");
        assert!(error.to_string().contains("fake.ttf"));
    }
}
