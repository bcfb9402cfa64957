//! A bounded look at a PDF before a parser reads it.
//!
//! PDF parsers decode cross-reference and object streams eagerly, so a file of a few hundred
//! kilobytes can claim tens of millions of objects or inflate to hundreds of megabytes
//! (a decompression bomb) before any page is counted. This screen refuses such files with
//! work and memory bounded by small constants, and judges whether a page count is
//! believable for the file's size.

use std::io::Read;

/// Most bytes one cross-reference or object stream may inflate to.
pub const MAX_STREAM_BYTES: u64 = 32 << 20;
/// Most bytes all those streams together may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 64 << 20;

/// Why a PDF was refused by the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It claims more objects than a file of its size can hold.
    TooManyObjects,
    /// A cross-reference or object stream inflates beyond the bounds.
    StreamTooLarge,
}

/// The most objects a file of `len` bytes can plausibly hold (an object needs at least a
/// few bytes even when packed into a compressed object stream).
fn max_objects(len: usize) -> u64 {
    (len as u64 / 4).max(10_000)
}

/// Screens `pdf` for object counts and stream sizes beyond what its size allows.
pub fn screen(pdf: &[u8]) -> Result<(), Refusal> {
    let limit = max_objects(pdf.len());
    for size in numbers_after(pdf, b"/Size") {
        if size > limit {
            return Err(Refusal::TooManyObjects);
        }
    }
    for count in index_counts(pdf) {
        if count > limit {
            return Err(Refusal::TooManyObjects);
        }
    }

    let mut total = 0u64;
    for marker in [b"/XRef".as_slice(), b"/ObjStm".as_slice()] {
        for at in find_all(pdf, marker) {
            let Some(data) = stream_after(pdf, at) else {
                continue;
            };
            let inflated = inflated_size(data, MAX_STREAM_BYTES + 1);
            if inflated > MAX_STREAM_BYTES {
                return Err(Refusal::StreamTooLarge);
            }
            total += inflated;
            if total > MAX_TOTAL_BYTES {
                return Err(Refusal::StreamTooLarge);
            }
        }
    }
    Ok(())
}

/// Whether `pages` is believable for a file of `len` bytes: every page is a dictionary of
/// at least a few bytes, so a small file cannot hold billions of them whatever its page
/// tree says.
pub fn plausible_page_count(pages: u32, len: usize) -> bool {
    pages >= 1 && u64::from(pages) <= (len as u64 / 8).max(1)
}

fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(move |(_, window)| *window == needle)
        .map(|(at, _)| at)
}

/// The integers written right after each occurrence of `key` (`/Size 42`).
fn numbers_after<'a>(pdf: &'a [u8], key: &'a [u8]) -> impl Iterator<Item = u64> + 'a {
    find_all(pdf, key).filter_map(move |at| {
        let rest = &pdf[at + key.len()..];
        let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        let digits: Vec<u8> = rest
            .iter()
            .take(20)
            .take_while(|b| b.is_ascii_digit())
            .copied()
            .collect();
        std::str::from_utf8(&digits).ok()?.parse().ok()
    })
}

/// The summed counts of each `/Index [first count first count …]` array.
fn index_counts(pdf: &[u8]) -> impl Iterator<Item = u64> + '_ {
    find_all(pdf, b"/Index").filter_map(move |at| {
        let rest = &pdf[at + 6..];
        let open = rest.iter().take(16).position(|b| *b == b'[')?;
        let close = rest[open..].iter().take(4096).position(|b| *b == b']')?;
        let inside = std::str::from_utf8(&rest[open + 1..open + close]).ok()?;
        let numbers: Vec<u64> = inside
            .split_ascii_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        Some(numbers.chunks(2).filter_map(|pair| pair.get(1)).sum())
    })
}

/// The raw data of the stream whose dictionary contains position `at`: from after the
/// `stream` keyword to `endstream` (or the end of the file).
fn stream_after(pdf: &[u8], at: usize) -> Option<&[u8]> {
    let window = &pdf[at..pdf.len().min(at + 8192)];
    let keyword = window.windows(6).position(|w| w == b"stream")?;
    let mut start = at + keyword + 6;
    if pdf.get(start) == Some(&b'\r') {
        start += 1;
    }
    if pdf.get(start) == Some(&b'\n') {
        start += 1;
    }
    let end = pdf[start..]
        .windows(9)
        .position(|w| w == b"endstream")
        .map_or(pdf.len(), |e| start + e);
    Some(&pdf[start..end])
}

/// How many bytes `data` inflates to (zlib), counting at most `cap`; data that is not
/// zlib-compressed counts as its own length.
fn inflated_size(data: &[u8], cap: u64) -> u64 {
    let mut decoder = flate2::read::ZlibDecoder::new(data).take(cap);
    let mut sink = [0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match decoder.read(&mut sink) {
            Ok(0) => return total,
            Ok(read) => total += read as u64,
            Err(_) if total == 0 => return data.len() as u64,
            Err(_) => return total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn compressed_zeros(bytes: usize) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![0u8; 1 << 20];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(chunk.len());
            encoder.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        encoder.finish().unwrap()
    }

    fn xref_stream_pdf(size: u64, data: &[u8]) -> Vec<u8> {
        let mut pdf = format!(
            "%PDF-1.7\n1 0 obj\n<< /Type /XRef /W [1 4 1] /Size {size} /Filter /FlateDecode /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        pdf.extend_from_slice(data);
        pdf.extend_from_slice(b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
        pdf
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        let bomb = xref_stream_pdf(3, &compressed_zeros(40 << 20));
        assert!(bomb.len() < 200_000, "{}", bomb.len());
        assert_eq!(screen(&bomb), Err(Refusal::StreamTooLarge));
    }

    #[test]
    fn object_counts_beyond_the_file_size_are_refused() {
        let claim = xref_stream_pdf(44_000_000, &compressed_zeros(1000));
        assert_eq!(screen(&claim), Err(Refusal::TooManyObjects));
        let mut indexed = b"%PDF-1.7\n<< /Type /XRef /Index [0 5 10 99999999] >>".to_vec();
        indexed.extend_from_slice(b"\n%%EOF");
        assert_eq!(screen(&indexed), Err(Refusal::TooManyObjects));
    }

    #[test]
    fn ordinary_streams_pass() {
        let normal = xref_stream_pdf(12, &compressed_zeros(72));
        assert_eq!(screen(&normal), Ok(()));
        assert_eq!(screen(b"%PDF-1.4\ntrailer << /Size 7 >>\n%%EOF"), Ok(()));
    }

    #[test]
    fn page_counts_must_fit_the_file() {
        assert!(plausible_page_count(3, 2_000));
        assert!(!plausible_page_count(2_000_000_000, 400_000));
        assert!(!plausible_page_count(0, 2_000));
    }
}
