//! The payment voucher (交费凭证): a one-page PDF the platform issues for a paid fee order.
//!
//! The payment platform's own voucher is passed through as it comes, and how it looks
//! depends on the platform (provincial or Qingdao) and the channel. This one states the same
//! facts (court, case, order, payer, fee items, total, channel, time, transaction) in the same
//! layout for every paid order, and the platform can issue it again whenever it is asked for.
//!
//! # Writing the PDF
//!
//! The page is written with `krilla`, a pure-Rust PDF writer that embeds TrueType and CFF
//! fonts as subsets (only the glyphs the page uses, a few tens of kilobytes instead of the
//! megabytes of a whole CJK font) and writes the `ToUnicode` map itself, so that text can be
//! selected, searched and extracted. `printpdf` was the other candidate; its default
//! features bring an HTML and CSS layout engine this single table does not need, and
//! `krilla` lets the rest of its features (raster images, text shaping) be switched off.
//!
//! Text is not shaped: Chinese and the ASCII in numbers and identifiers need neither
//! ligatures nor reordering, so each character is looked up in the font's character map and
//! placed by its advance width, read with `skrifa` (the font reader `krilla` itself uses).
//! Knowing the widths is also what lets long values wrap inside their cell: a 40-character
//! company name or a long court name never runs off the page, and when the rows together
//! are too tall the whole table is set in a smaller size.
//!
//! # The font
//!
//! The font comes from the system, not from this repository: CJK fonts are large and carry
//! their own licences, and Debian packages them (`fonts-wqy-microhei`). [`VoucherFont`]
//! finds one once at start-up and keeps its bytes; every voucher then embeds a subset of it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Asia::Shanghai;
use krilla::Document;
use krilla::color::luma;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::raw::{FileRef, FontRef};
use skrifa::{MetadataProvider, string::StringId};

/// The platform's name as printed in the footer.
pub const PLATFORM_NAME: &str = "山东法院电子诉讼服务平台";

/// The title printed at the top of every voucher.
pub const TITLE: &str = "诉讼费交费凭证";

/// Where Debian and other common distributions install CJK fonts, in order of preference.
///
/// WenQuanYi Micro Hei comes first because it is small, covers the common Chinese
/// characters and is one `apt-get install` away on Debian, which the service's image is
/// built on.
const WELL_KNOWN_FONTS: [&str; 7] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
];

/// Characters every voucher prints whatever its content: a font that lacks any of them
/// cannot set a voucher, however well it covers Latin text.
const REQUIRED_CHARACTERS: &str = concat!(
    "诉讼费交凭证法院案号订单人合计小写大支付方式时间易流水",
    "本由山东电子服务平台生成元整¥0123456789.-:",
);

/// A CJK font, read once and shared by every voucher the process renders.
///
/// Loading reads and checks the whole file (several megabytes), so callers keep one
/// `VoucherFont` for the life of the process, typically in an `Arc`.
#[derive(Clone)]
pub struct VoucherFont {
    /// The file's bytes, shared with the PDF writer's view of the same font.
    data: Arc<Vec<u8>>,
    /// Which face of a collection is used (0 for a plain font file).
    face: u32,
    /// The PDF writer's handle on the face; cloning it is cheap.
    font: Font,
    /// Where the font was read from, for logs and errors.
    path: PathBuf,
}

impl fmt::Debug for VoucherFont {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VoucherFont")
            .field("path", &self.path)
            .field("face", &self.face)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Why no usable font was found.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    /// No font was configured and none of the well-known paths holds one.
    #[error(
        "no CJK font for payment vouchers was found (looked at {}); install one with \
         `apt-get install fonts-wqy-microhei` or set EFILING_VOUCHER_FONT to a .ttf, .otf or \
         .ttc file",
        display_paths(searched)
    )]
    NotFound {
        /// The paths that were looked at.
        searched: Vec<PathBuf>,
    },
    /// The configured font file does not exist.
    #[error(
        "the payment voucher font {} does not exist; set EFILING_VOUCHER_FONT to an existing \
         .ttf, .otf or .ttc file, or unset it and `apt-get install fonts-wqy-microhei`",
        path.display()
    )]
    Missing {
        /// The configured path.
        path: PathBuf,
    },
    /// The font file exists but could not be read.
    #[error("the payment voucher font {} cannot be read: {source}", path.display())]
    Unreadable {
        /// The path that was read.
        path: PathBuf,
        /// What reading it answered.
        source: std::io::Error,
    },
    /// The file is not a TrueType or OpenType font or collection.
    #[error(
        "the payment voucher font {} is not a TrueType or OpenType font (.ttf, .otf or .ttc)",
        path.display()
    )]
    NotAFont {
        /// The path that was read.
        path: PathBuf,
    },
    /// The font has no glyphs for some of the Chinese a voucher always prints.
    #[error(
        "the payment voucher font {} has no glyph for {missing:?}; use a CJK font such as \
         WenQuanYi Micro Hei (`apt-get install fonts-wqy-microhei`)",
        path.display()
    )]
    NoChineseGlyphs {
        /// The path that was read.
        path: PathBuf,
        /// The first required character the font lacks.
        missing: char,
    },
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl VoucherFont {
    /// Loads the font at `configured` when given, else the first of the well-known CJK font
    /// paths that exists.
    ///
    /// A collection (`.ttc`) is read at its first face, except that a face whose family
    /// name ends in `SC` (the Simplified Chinese face of Noto Sans CJK and Source Han Sans)
    /// is preferred, so that characters shared with Japanese take their mainland forms.
    ///
    /// # Errors
    ///
    /// [`FontError::Missing`] when the configured file does not exist;
    /// [`FontError::NotFound`] when nothing is configured and no well-known path exists;
    /// [`FontError::Unreadable`], [`FontError::NotAFont`] or [`FontError::NoChineseGlyphs`]
    /// when the chosen file cannot be read, is not a font, or cannot set Chinese.
    pub fn locate(configured: Option<&Path>) -> Result<VoucherFont, FontError> {
        if let Some(path) = configured {
            return VoucherFont::load(path);
        }
        let candidates: Vec<PathBuf> = WELL_KNOWN_FONTS.iter().map(PathBuf::from).collect();
        match candidates.iter().find(|path| path.is_file()) {
            Some(path) => VoucherFont::load(path),
            None => Err(FontError::NotFound {
                searched: candidates,
            }),
        }
    }

    /// Reads and checks the font file at `path`.
    fn load(path: &Path) -> Result<VoucherFont, FontError> {
        let data = std::fs::read(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => FontError::Missing {
                path: path.to_owned(),
            },
            _ => FontError::Unreadable {
                path: path.to_owned(),
                source,
            },
        })?;
        let not_a_font = || FontError::NotAFont {
            path: path.to_owned(),
        };

        let face = match FileRef::new(&data).map_err(|_| not_a_font())? {
            FileRef::Font(_) => 0,
            FileRef::Collection(collection) => (0..collection.len())
                .find(|&index| {
                    collection
                        .get(index)
                        .ok()
                        .and_then(|face| family_name(&face))
                        .is_some_and(|name| name.ends_with("SC"))
                })
                .unwrap_or(0),
        };
        let face_ref = FontRef::from_index(&data, face).map_err(|_| not_a_font())?;
        let charmap = face_ref.charmap();
        if let Some(missing) = REQUIRED_CHARACTERS
            .chars()
            .find(|&c| charmap.map(c).is_none())
        {
            return Err(FontError::NoChineseGlyphs {
                path: path.to_owned(),
                missing,
            });
        }

        let data = Arc::new(data);
        let font = Font::new(krilla::Data::from(Arc::clone(&data)), face).ok_or_else(not_a_font)?;
        Ok(VoucherFont {
            data,
            face,
            font,
            path: path.to_owned(),
        })
    }

    /// The file the font was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The face used, when the file is a collection (0 otherwise).
    pub fn face(&self) -> u32 {
        self.face
    }
}

/// A face's family name, in English when it has one.
fn family_name(face: &FontRef<'_>) -> Option<String> {
    face.localized_strings(StringId::FAMILY_NAME)
        .english_or_first()
        .map(|name| name.to_string())
}

/// A paid fee order, as printed on its voucher.
///
/// Every value arrives ready to print: amounts as yuan with two decimals (`2700.00`), the
/// total in capital numerals (`贰仟柒佰元整`) as the caller computed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voucher {
    /// The court the fee is paid to (`山东省青岛市中级人民法院`).
    pub court_name: String,
    /// The case number, once the case has one; without it the row is left out.
    pub case_number: Option<String>,
    /// The fee order's number.
    pub order_number: String,
    /// Who paid: a person's or an organisation's name.
    pub payer_name: String,
    /// The fee items of the order, in the order they are printed.
    pub items: Vec<VoucherItem>,
    /// The total in yuan (`2700.00`).
    pub total: String,
    /// The total in capital numerals (`贰仟柒佰元整`).
    pub total_in_capitals: String,
    /// The channel's Chinese name (`微信支付`).
    pub channel: String,
    /// When the payment platform confirmed the payment.
    pub paid_at: DateTime<Utc>,
    /// The payment platform's transaction id.
    pub transaction_id: String,
    /// When this voucher was issued.
    pub issued_at: DateTime<Utc>,
}

/// One fee item of a voucher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherItem {
    /// The item's Chinese name (`案件受理费`).
    pub name: String,
    /// Its amount in yuan (`2700.00`).
    pub amount: String,
}

/// Why a voucher could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The rows do not fit on one page even in the smallest type size.
    #[error("the voucher does not fit on one page")]
    DoesNotFit,
    /// The PDF writer refused the document.
    #[error("the PDF writer failed: {0}")]
    Pdf(#[from] KrillaError),
}

/// A4 portrait, in points (210 mm × 297 mm).
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
/// 20 mm on every side: inside what office printers can reach.
const MARGIN: f32 = 56.69;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const LABEL_COLUMN_WIDTH: f32 = 130.0;
const CELL_PADDING_X: f32 = 8.0;
const CELL_PADDING_Y: f32 = 5.0;
const TITLE_SIZE: f32 = 20.0;
const FOOTER_SIZE: f32 = 9.0;
/// Distance between the baselines of two lines, as a multiple of the type size.
const LINE_SPACING: f32 = 1.45;
/// Type sizes tried for the table, largest first, until every row fits on the page.
const BODY_SIZES: [f32; 7] = [11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0];
/// Space under the title and above the footer.
const GAP: f32 = 18.0;

/// Renders `voucher` as a one-page PDF, with a subset of `font` embedded.
///
/// Takes a few milliseconds of CPU (most of it subsetting the font), so async callers run
/// it on the blocking pool.
///
/// # Errors
///
/// [`RenderError::DoesNotFit`] when there are so many or such long rows that they do not
/// fit on one page even in the smallest type size; [`RenderError::Pdf`] when the PDF writer
/// refuses the document (for instance a font whose outlines it cannot subset).
pub fn render(voucher: &Voucher, font: &VoucherFont) -> Result<Vec<u8>, RenderError> {
    let face = FontRef::from_index(&font.data, font.face)
        .map_err(|error| KrillaError::Font(font.font.clone(), error.to_string()))?;
    let setter = Typesetter::new(&face);
    let (table, footer_lines) = lay_out(&setter, voucher)?;

    let mut document = Document::new();
    document.set_metadata(metadata(voucher));
    // Only a size that is not positive is refused, and krilla's default page is A4 as well.
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).unwrap_or_default();
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();

    let title_width = setter.width(TITLE) * TITLE_SIZE;
    let title_left = (PAGE_WIDTH - title_width) / 2.0;
    setter.draw_line(
        &mut surface,
        &font.font,
        title_left,
        MARGIN,
        TITLE_SIZE,
        TITLE,
    );
    let mut top = table.draw(&mut surface, &setter, &font.font, TABLE_TOP) + GAP;
    for line in &footer_lines {
        setter.draw_line(&mut surface, &font.font, MARGIN, top, FOOTER_SIZE, line);
        top += FOOTER_SIZE * LINE_SPACING;
    }

    surface.finish();
    page.finish();
    Ok(document.finish()?)
}

/// Where the table starts: under the title.
const TABLE_TOP: f32 = MARGIN + TITLE_SIZE * LINE_SPACING + GAP;

/// The table, in the largest type size that leaves room for the footer, and the footer's
/// lines.
fn lay_out(
    setter: &Typesetter<'_>,
    voucher: &Voucher,
) -> Result<(Table, Vec<String>), RenderError> {
    let footer = format!(
        "本凭证由{PLATFORM_NAME}生成，生成时间：{}",
        shanghai_time(voucher.issued_at)
    );
    let footer_lines = setter.wrap(&footer, CONTENT_WIDTH / FOOTER_SIZE);
    let footer_height = footer_lines.len() as f32 * FOOTER_SIZE * LINE_SPACING;
    let room = PAGE_HEIGHT - MARGIN - TABLE_TOP - GAP - footer_height;

    let rows = voucher_rows(voucher);
    let table = BODY_SIZES
        .iter()
        .map(|&size| Table::lay_out(setter, &rows, size))
        .find(|table| table.height() <= room)
        .ok_or(RenderError::DoesNotFit)?;
    Ok((table, footer_lines))
}

/// The label and value of each row, top to bottom.
fn voucher_rows(voucher: &Voucher) -> Vec<(String, String)> {
    let mut rows = vec![("法院".to_owned(), voucher.court_name.clone())];
    if let Some(case_number) = &voucher.case_number {
        rows.push(("案号".to_owned(), case_number.clone()));
    }
    rows.push(("订单号".to_owned(), voucher.order_number.clone()));
    rows.push(("交费人".to_owned(), voucher.payer_name.clone()));
    for item in &voucher.items {
        rows.push((item.name.clone(), format!("¥{}", item.amount)));
    }
    rows.push(("合计（小写）".to_owned(), format!("¥{}", voucher.total)));
    rows.push(("合计（大写）".to_owned(), voucher.total_in_capitals.clone()));
    rows.push(("支付方式".to_owned(), voucher.channel.clone()));
    rows.push(("交费时间".to_owned(), shanghai_time(voucher.paid_at)));
    rows.push(("交易流水号".to_owned(), voucher.transaction_id.clone()));
    rows
}

/// `instant` as a wall-clock time in Asia/Shanghai: `2024-06-01 14:03:27`.
fn shanghai_time(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&Shanghai)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The document's title, language and creation time, which viewers show and indexers read.
fn metadata(voucher: &Voucher) -> Metadata {
    let title = match &voucher.case_number {
        Some(case_number) => format!("{TITLE} {case_number}"),
        None => format!("{TITLE} {}", voucher.order_number),
    };
    let mut metadata = Metadata::new()
        .title(title)
        .language("zh-CN".to_owned())
        .creator(PLATFORM_NAME.to_owned());
    let issued = voucher.issued_at;
    if let Ok(year) = u16::try_from(issued.year()) {
        // Every field below is within its range by construction of a chrono date; krilla
        // clamps them anyway.
        let date = krilla::metadata::DateTime::new(year)
            .month(issued.month() as u8)
            .day(issued.day() as u8)
            .hour(issued.hour() as u8)
            .minute(issued.minute() as u8)
            .second(issued.second() as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0);
        metadata = metadata.creation_date(date);
    }
    metadata
}

/// Places characters of one font: glyph lookup, widths and line breaking.
///
/// Widths and heights are in ems (multiples of the type size), so one typesetter serves
/// every size.
struct Typesetter<'a> {
    charmap: Charmap<'a>,
    metrics: GlyphMetrics<'a>,
    units_per_em: f32,
    /// Height above the baseline, in ems.
    ascent: f32,
    /// Depth below the baseline (positive), in ems.
    descent: f32,
}

impl<'a> Typesetter<'a> {
    fn new(face: &FontRef<'a>) -> Typesetter<'a> {
        let metrics = face.metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(metrics.units_per_em.max(1));
        Typesetter {
            charmap: face.charmap(),
            metrics: face.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
            ascent: metrics.ascent / units_per_em,
            descent: -metrics.descent / units_per_em,
        }
    }

    /// The glyph for `c` and its advance in ems. A character the font lacks (a rare
    /// character in a name) prints as the font's empty box and is missing from the text
    /// layer: there is no fallback font.
    fn glyph(&self, c: char) -> (GlyphId, f32) {
        let glyph = self.charmap.map(c).unwrap_or_default();
        let advance = self
            .metrics
            .advance_width(glyph)
            .unwrap_or(self.units_per_em);
        (GlyphId::new(glyph.to_u32()), advance / self.units_per_em)
    }

    /// The width of `text` in ems.
    fn width(&self, text: &str) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum()
    }

    /// `text` broken into lines no wider than `width` ems.
    fn wrap(&self, text: &str, width: f32) -> Vec<String> {
        wrap(text, width, |c| self.glyph(c).1)
    }

    /// The glyphs of one line, ready for the PDF writer.
    fn glyphs(&self, line: &str) -> Vec<KrillaGlyph> {
        line.char_indices()
            .map(|(at, c)| {
                let (glyph, advance) = self.glyph(c);
                KrillaGlyph::new(glyph, advance, 0.0, 0.0, 0.0, at..at + c.len_utf8(), None)
            })
            .collect()
    }

    /// How far below the top of a line its baseline lies, at `size`: the glyphs' full
    /// height is centred in the line.
    fn baseline_offset(&self, size: f32) -> f32 {
        let leading = LINE_SPACING - (self.ascent + self.descent);
        (leading / 2.0 + self.ascent) * size
    }

    /// Draws `line` in the current fill, starting at `left`, in a line box whose top is at
    /// `top`.
    fn draw_line(
        &self,
        surface: &mut Surface<'_>,
        font: &Font,
        left: f32,
        top: f32,
        size: f32,
        line: &str,
    ) {
        let baseline = top + self.baseline_offset(size);
        surface.draw_glyphs(
            Point::from_xy(left, baseline),
            &self.glyphs(line),
            font.clone(),
            line,
            size,
            false,
        );
    }
}

/// Characters that must not begin a line (closing punctuation): when one would, the
/// character before it moves down with it.
const NO_LINE_START: &str = "，。、；：？！）】」』》〉,.;:?!)]}%";

/// Breaks `text` into lines no wider than `width`, measuring characters with `advance`.
///
/// Chinese may break between any two characters, and so may the long unbroken identifiers
/// printed here (order numbers, transaction ids), which is why no word boundaries are
/// looked for. Control characters (line breaks, tabs) become spaces; a space that would
/// begin a line is dropped. A single character wider than `width` still gets a line of its
/// own. Empty text is one empty line, so that its row keeps its height.
fn wrap(text: &str, width: f32, advance: impl Fn(char) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    let mut line_width = 0.0;
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let c_width = advance(c);
        if !line.is_empty() && line_width + c_width > width {
            let carried = match line.last() {
                Some(&last) if NO_LINE_START.contains(c) && line.len() > 1 => {
                    line.pop();
                    Some(last)
                }
                _ => None,
            };
            lines.push(line.iter().collect::<String>().trim_end().to_owned());
            line.clear();
            line_width = 0.0;
            if let Some(last) = carried {
                line.push(last);
                line_width = advance(last);
            }
        }
        if c == ' ' && line.is_empty() && !lines.is_empty() {
            continue;
        }
        line.push(c);
        line_width += c_width;
    }
    lines.push(line.iter().collect::<String>().trim_end().to_owned());
    lines
}

/// The rows of the voucher, broken into lines at one type size.
struct Table {
    size: f32,
    rows: Vec<Row>,
}

/// One row: its label's and its value's lines.
struct Row {
    label: Vec<String>,
    value: Vec<String>,
}

impl Row {
    fn height(&self, size: f32) -> f32 {
        let lines = self.label.len().max(self.value.len()) as f32;
        lines * size * LINE_SPACING + 2.0 * CELL_PADDING_Y
    }
}

impl Table {
    fn lay_out(setter: &Typesetter<'_>, rows: &[(String, String)], size: f32) -> Table {
        let label_width = (LABEL_COLUMN_WIDTH - 2.0 * CELL_PADDING_X) / size;
        let value_width = (CONTENT_WIDTH - LABEL_COLUMN_WIDTH - 2.0 * CELL_PADDING_X) / size;
        let rows = rows
            .iter()
            .map(|(label, value)| Row {
                label: setter.wrap(label, label_width),
                value: setter.wrap(value, value_width),
            })
            .collect();
        Table { size, rows }
    }

    fn height(&self) -> f32 {
        self.rows.iter().map(|row| row.height(self.size)).sum()
    }

    /// Draws the table with its top edge at `top` and answers where its bottom edge is.
    fn draw(
        &self,
        surface: &mut Surface<'_>,
        setter: &Typesetter<'_>,
        font: &Font,
        top: f32,
    ) -> f32 {
        let left = MARGIN;
        let divider = MARGIN + LABEL_COLUMN_WIDTH;
        let right = MARGIN + CONTENT_WIDTH;
        let bottom = top + self.height();

        // The label column is shaded so that the eye finds the values.
        surface.set_stroke(None);
        surface.set_fill(Some(Fill {
            paint: luma::Color::new(0xEE).into(),
            ..Fill::default()
        }));
        if let Some(shade) = Rect::from_ltrb(left, top, divider, bottom).and_then(|rect| {
            let mut builder = PathBuilder::new();
            builder.push_rect(rect);
            builder.finish()
        }) {
            surface.draw_path(&shade);
        }

        surface.set_fill(Some(Fill::default()));
        let mut row_top = top;
        let mut rules = PathBuilder::new();
        for row in &self.rows {
            for (lines, x) in [
                (&row.label, left + CELL_PADDING_X),
                (&row.value, divider + CELL_PADDING_X),
            ] {
                let mut line_top = row_top + CELL_PADDING_Y;
                for line in lines {
                    setter.draw_line(surface, font, x, line_top, self.size, line);
                    line_top += self.size * LINE_SPACING;
                }
            }
            row_top += row.height(self.size);
            if row_top < bottom {
                rules.move_to(left, row_top);
                rules.line_to(right, row_top);
            }
        }

        rules.move_to(divider, top);
        rules.line_to(divider, bottom);
        if let Some(frame) = Rect::from_ltrb(left, top, right, bottom) {
            rules.push_rect(frame);
        }
        if let Some(rules) = rules.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                width: 0.6,
                ..Stroke::default()
            }));
            surface.draw_path(&rules);
            surface.set_stroke(None);
            surface.set_fill(Some(Fill::default()));
        }
        bottom
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The system's CJK font, or `None` (with a note) when the machine has none, unless
    /// `EFILING_TEST_FONT_REQUIRED` asks for failure instead.
    fn system_font() -> Option<VoucherFont> {
        match VoucherFont::locate(None) {
            Ok(font) => Some(font),
            Err(error) if font_required() => {
                panic!("EFILING_TEST_FONT_REQUIRED is set, but no voucher font loads: {error}")
            }
            Err(error) => {
                eprintln!("skipped: no CJK font on this machine ({error})");
                None
            }
        }
    }

    fn font_required() -> bool {
        std::env::var("EFILING_TEST_FONT_REQUIRED").is_ok_and(|value| value == "1")
    }

    fn instant(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn voucher() -> Voucher {
        Voucher {
            court_name: "山东省青岛市中级人民法院".to_owned(),
            case_number: Some("（2024）鲁02民初1234号".to_owned()),
            order_number: "JF2024060100000123".to_owned(),
            payer_name: "张三丰".to_owned(),
            items: vec![
                VoucherItem {
                    name: "案件受理费".to_owned(),
                    amount: "2650.00".to_owned(),
                },
                VoucherItem {
                    name: "保全申请费".to_owned(),
                    amount: "50.00".to_owned(),
                },
            ],
            total: "2700.00".to_owned(),
            total_in_capitals: "贰仟柒佰元整".to_owned(),
            channel: "微信支付".to_owned(),
            paid_at: instant("2024-06-01T06:03:27Z"),
            transaction_id: "4200002183202406011234567890".to_owned(),
            issued_at: instant("2024-06-01T16:30:00Z"),
        }
    }

    /// The page's text as a viewer would copy it, through the fonts' `ToUnicode` maps,
    /// with all white space removed (wrapped values come out as several lines).
    fn page_text(pdf: &lopdf::Document) -> String {
        let text = pdf.extract_text(&[1]).unwrap();
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn a_font_is_found_when_required() {
        let found = VoucherFont::locate(None);
        if font_required() {
            let font = found.unwrap_or_else(|error| {
                panic!("EFILING_TEST_FONT_REQUIRED is set, but no voucher font loads: {error}")
            });
            assert!(font.path().is_file());
            if font.path().ends_with("wqy-microhei.ttc") {
                // The collection's second face is the monospaced variant.
                assert_eq!(font.face(), 0);
            }
        } else if let Err(error) = found {
            eprintln!("skipped: no CJK font on this machine ({error})");
        }
    }

    #[test]
    fn renders_one_valid_page_with_an_embedded_subset_font() {
        let Some(font) = system_font() else { return };

        let bytes = render(&voucher(), &font).unwrap();

        // A whole CJK font is megabytes; a subset of the few dozen glyphs used is not.
        assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
        assert!(bytes.starts_with(b"%PDF-"));
        let pdf = lopdf::Document::load_mem(&bytes).unwrap();
        let pages = pdf.get_pages();
        assert_eq!(pages.len(), 1);
        let page = pages[&1];
        let fonts = pdf.get_page_fonts(page).unwrap();
        assert!(!fonts.is_empty());
        for font_dict in fonts.values() {
            assert_eq!(
                font_dict.get(b"Subtype").unwrap().as_name().unwrap(),
                b"Type0"
            );
            assert!(font_dict.has(b"ToUnicode"));
            // A subset's name starts with six capital letters and a plus sign.
            let name = font_dict.get(b"BaseFont").unwrap().as_name().unwrap();
            assert!(
                name.len() > 7 && name[..6].iter().all(u8::is_ascii_uppercase) && name[6] == b'+',
                "{}",
                String::from_utf8_lossy(name)
            );
            let descendants = font_dict
                .get_deref(b"DescendantFonts", &pdf)
                .unwrap()
                .as_array()
                .unwrap();
            let cid_font = pdf
                .dereference(&descendants[0])
                .unwrap()
                .1
                .as_dict()
                .unwrap();
            let descriptor = cid_font
                .get_deref(b"FontDescriptor", &pdf)
                .unwrap()
                .as_dict()
                .unwrap();
            let program = [b"FontFile2".as_slice(), b"FontFile3"]
                .iter()
                .find_map(|key| descriptor.get_deref(key, &pdf).ok())
                .expect("the font program is embedded")
                .as_stream()
                .unwrap();
            let program = program
                .decompressed_content()
                .unwrap_or(program.content.clone());
            assert!(
                program.len() < font.data.len() / 10,
                "embedded {} of {} bytes",
                program.len(),
                font.data.len()
            );
        }
    }

    #[test]
    fn the_text_can_be_extracted() {
        let Some(font) = system_font() else { return };
        let voucher = voucher();

        let bytes = render(&voucher, &font).unwrap();

        let pdf = lopdf::Document::load_mem(&bytes).unwrap();
        let text = page_text(&pdf);
        for expected in [
            TITLE,
            "法院山东省青岛市中级人民法院",
            "案号（2024）鲁02民初1234号",
            "订单号JF2024060100000123",
            "交费人张三丰",
            "案件受理费¥2650.00",
            "保全申请费¥50.00",
            "合计（小写）¥2700.00",
            "合计（大写）贰仟柒佰元整",
            "支付方式微信支付",
            "交费时间2024-06-0114:03:27",
            "交易流水号4200002183202406011234567890",
            "本凭证由山东法院电子诉讼服务平台生成，生成时间：2024-06-0200:30:00",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text:?}");
        }
    }

    /// A second, independent extractor, when the machine has poppler's `pdftotext`.
    #[test]
    fn pdftotext_reads_the_same_text() {
        let Some(font) = system_font() else { return };
        let bytes = render(&voucher(), &font).unwrap();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, &bytes).unwrap();

        let output = match std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(file.path())
            .arg("-")
            .output()
        {
            Ok(output) => output,
            Err(error) => {
                eprintln!("skipped: pdftotext cannot run ({error}); apt-get install poppler-utils");
                return;
            }
        };

        assert!(output.status.success(), "{output:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        for expected in [
            "贰仟柒佰元整",
            "（2024）鲁02民初1234号",
            "张三丰",
            "4200002183202406011234567890",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text:?}");
        }
    }

    #[test]
    fn long_names_wrap_inside_the_page() {
        let Some(font) = system_font() else { return };
        let company =
            "青岛西海岸新区海纳百川国际供应链管理与跨境电子商务综合服务进出口贸易股份有限公司";
        assert_eq!(company.chars().count(), 40);
        let mut voucher = voucher();
        voucher.payer_name = company.to_owned();
        voucher.court_name = "山东省青岛市中级人民法院".repeat(4);
        voucher.items[0].name = "申请撤销仲裁裁决案件受理费".to_owned();

        let face = FontRef::from_index(&font.data, font.face).unwrap();
        let setter = Typesetter::new(&face);
        let table = Table::lay_out(&setter, &voucher_rows(&voucher), BODY_SIZES[0]);
        let payer = &table.rows[3];
        assert!(payer.value.len() > 1, "{:?}", payer.value);
        assert_eq!(payer.value.concat(), company);
        for row in &table.rows {
            for line in &row.label {
                let width = setter.width(line) * table.size;
                assert!(width <= LABEL_COLUMN_WIDTH - 2.0 * CELL_PADDING_X, "{line}");
            }
            for line in &row.value {
                let width = setter.width(line) * table.size;
                assert!(width <= CONTENT_WIDTH - LABEL_COLUMN_WIDTH - 2.0 * CELL_PADDING_X);
            }
        }

        let pdf = lopdf::Document::load_mem(&render(&voucher, &font).unwrap()).unwrap();
        let text = page_text(&pdf);
        assert!(text.contains(company), "{text:?}");
    }

    #[test]
    fn many_rows_shrink_the_type_until_nothing_fits() {
        let Some(font) = system_font() else { return };
        let face = FontRef::from_index(&font.data, font.face).unwrap();
        let setter = Typesetter::new(&face);
        let with_items = |count: usize| {
            let mut voucher = voucher();
            voucher.items = (1..=count)
                .map(|n| VoucherItem {
                    name: format!("第{n}项费用"),
                    amount: "1.00".to_owned(),
                })
                .collect();
            voucher
        };

        let mut previous = BODY_SIZES[0];
        for (items, size) in [(0, Some(11.0)), (2, Some(11.0)), (18, None), (21, None)] {
            let (table, _) = lay_out(&setter, &with_items(items)).unwrap();
            let bottom = TABLE_TOP + table.height();
            assert!(
                bottom < PAGE_HEIGHT - MARGIN,
                "{items} items end at {bottom}"
            );
            assert!(table.size <= previous, "{items} items at {}", table.size);
            match size {
                Some(size) => assert_eq!(table.size, size, "{items} items"),
                None => assert!(table.size < BODY_SIZES[0], "{items} items"),
            }
            previous = table.size;
            render(&with_items(items), &font).unwrap();
        }
        for items in [40, 200] {
            assert!(matches!(
                lay_out(&setter, &with_items(items)),
                Err(RenderError::DoesNotFit)
            ));
            assert!(matches!(
                render(&with_items(items), &font),
                Err(RenderError::DoesNotFit)
            ));
        }
    }

    #[test]
    fn a_voucher_without_a_case_number_leaves_the_row_out() {
        let mut voucher = voucher();
        voucher.case_number = None;
        let labels: Vec<String> = voucher_rows(&voucher).into_iter().map(|(l, _)| l).collect();
        assert_eq!(
            labels,
            [
                "法院",
                "订单号",
                "交费人",
                "案件受理费",
                "保全申请费",
                "合计（小写）",
                "合计（大写）",
                "支付方式",
                "交费时间",
                "交易流水号"
            ]
        );

        let Some(font) = system_font() else { return };
        let pdf = lopdf::Document::load_mem(&render(&voucher, &font).unwrap()).unwrap();
        assert!(!page_text(&pdf).contains("案号"));
    }

    #[test]
    fn times_are_printed_in_shanghai() {
        for (utc, printed) in [
            ("2024-06-01T06:03:27Z", "2024-06-01 14:03:27"),
            ("2024-06-01T16:00:00Z", "2024-06-02 00:00:00"),
            ("2024-12-31T15:59:59Z", "2024-12-31 23:59:59"),
            ("2024-12-31T16:00:00Z", "2025-01-01 00:00:00"),
            ("2024-02-28T16:30:00.999Z", "2024-02-29 00:30:00"),
        ] {
            assert_eq!(shanghai_time(instant(utc)), printed, "{utc}");
        }
        assert_eq!(
            shanghai_time(Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap()),
            "2024-06-01 08:00:00"
        );
    }

    /// Chinese characters one em wide, ASCII half an em.
    fn half_width_ascii(c: char) -> f32 {
        if c.is_ascii() { 0.5 } else { 1.0 }
    }

    #[test]
    fn wrapping() {
        for (text, width, lines) in [
            ("", 5.0, vec![""]),
            ("张三", 5.0, vec!["张三"]),
            (
                "山东省青岛市中级人民法院",
                12.0,
                vec!["山东省青岛市中级人民法院"],
            ),
            (
                "山东省青岛市中级人民法院",
                6.0,
                vec!["山东省青岛市", "中级人民法院"],
            ),
            (
                "山东省青岛市中级人民法院",
                5.5,
                vec!["山东省青岛", "市中级人民", "法院"],
            ),
            // Closing punctuation takes the character before it to the next line.
            ("甲乙丙，丁", 3.0, vec!["甲乙", "丙，丁"]),
            ("（2024）鲁02民初1号", 6.0, vec!["（2024）鲁02", "民初1号"]),
            // Identifiers without spaces break anywhere.
            ("4200002183", 3.0, vec!["420000", "2183"]),
            // A space never begins a line, nor ends one.
            ("ab cd", 1.0, vec!["ab", "cd"]),
            ("ab  cd", 1.5, vec!["ab", "cd"]),
            // Line breaks and tabs are spaces.
            ("甲\n乙\t丙", 10.0, vec!["甲 乙 丙"]),
            ("甲\r\n乙", 1.0, vec!["甲", "乙"]),
            // A character wider than the line still gets a line.
            ("甲乙", 0.5, vec!["甲", "乙"]),
        ] {
            assert_eq!(
                wrap(text, width, half_width_ascii),
                lines,
                "{text:?} at {width}"
            );
        }
    }

    #[test]
    fn a_missing_configured_font_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-font.ttc");

        let error = VoucherFont::locate(Some(&path)).unwrap_err();

        assert!(
            matches!(&error, FontError::Missing { path: p } if *p == path),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("EFILING_VOUCHER_FONT"), "{message}");
        assert!(message.contains("fonts-wqy-microhei"), "{message}");
    }

    #[test]
    fn files_that_are_not_fonts_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in [
            ("empty.ttf", b"".as_slice()),
            ("text.ttf", b"not a font at all".as_slice()),
            (
                "document.otf",
                b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n".as_slice(),
            ),
            (
                "truncated.ttc",
                b"ttcf\x00\x01\x00\x00\x00\x00\x00\x01".as_slice(),
            ),
            (
                "truncated.ttf",
                b"\x00\x01\x00\x00\x00\x10\x00\x80".as_slice(),
            ),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();

            let error = VoucherFont::locate(Some(&path)).unwrap_err();

            assert!(
                matches!(&error, FontError::NotAFont { path: p } if *p == path),
                "{name}: {error:?}"
            );
            let message = error.to_string();
            assert!(message.contains(&path.display().to_string()), "{message}");
            assert!(
                message.contains("not a TrueType or OpenType font"),
                "{message}"
            );
        }
    }

    #[test]
    fn a_directory_is_not_a_font() {
        let dir = tempfile::tempdir().unwrap();

        let error = VoucherFont::locate(Some(dir.path())).unwrap_err();

        assert!(matches!(error, FontError::Unreadable { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .contains(&dir.path().display().to_string())
        );
    }

    #[test]
    fn a_font_without_chinese_is_refused() {
        let latin = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
        if !latin.is_file() {
            eprintln!("skipped: no {} on this machine", latin.display());
            return;
        }

        let error = VoucherFont::locate(Some(latin)).unwrap_err();

        assert!(
            matches!(error, FontError::NoChineseGlyphs { missing: '诉', .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("DejaVuSans.ttf"));
    }

    #[test]
    fn the_not_found_error_says_what_to_install_or_set() {
        let error = FontError::NotFound {
            searched: WELL_KNOWN_FONTS.iter().map(PathBuf::from).collect(),
        };
        let message = error.to_string();
        for expected in [
            "apt-get install fonts-wqy-microhei",
            "EFILING_VOUCHER_FONT",
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        ] {
            assert!(message.contains(expected), "{expected:?} not in {message}");
        }
    }

    #[test]
    fn the_font_can_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<VoucherFont>();
        shared::<Arc<VoucherFont>>();
    }
}
