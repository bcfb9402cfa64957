//! A bounded look at an uploaded PDF before a parser reads it.
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

/// Screens the PDF in `file` for object counts and stream sizes beyond what its size
/// allows. The file is read in small pieces (never mapped whole), so a 50 MiB upload costs
/// a few fast passes and little memory.
pub fn screen_file(file: &std::fs::File) -> std::io::Result<Result<(), Refusal>> {
    use std::os::unix::fs::FileExt;
    let len = file.metadata()?.len();
    let limit = max_objects(usize::try_from(len).unwrap_or(usize::MAX));
    let needles: [&[u8]; 4] = [b"/Size", b"/Index", b"/XRef", b"/ObjStm"];
    let finders: Vec<memchr::memmem::Finder<'_>> =
        needles.iter().map(memchr::memmem::Finder::new).collect();
    let mut hits: [Vec<u64>; 4] = Default::default();

    const CHUNK: usize = 1 << 20;
    const OVERLAP: usize = 16;
    let mut buffer = vec![0u8; CHUNK + OVERLAP];
    let mut offset = 0u64;
    while offset < len {
        let read = read_at_most(file, &mut buffer, offset)?;
        if read == 0 {
            break;
        }
        for (finder, found) in finders.iter().zip(hits.iter_mut()) {
            for at in finder.find_iter(&buffer[..read]) {
                // Matches inside the overlap are found again by the next piece.
                if at < CHUNK || offset + (read as u64) >= len {
                    found.push(offset + at as u64);
                }
            }
            if found.len() > 100_000 {
                return Ok(Err(Refusal::TooManyObjects));
            }
        }
        offset += CHUNK as u64;
    }

    let mut window = vec![0u8; 8192];
    for &at in &hits[0] {
        let read = read_at_most(file, &mut window, at)?;
        if numbers_after(&window[..read], b"/Size").any(|size| size > limit) {
            return Ok(Err(Refusal::TooManyObjects));
        }
    }
    for &at in &hits[1] {
        let read = read_at_most(file, &mut window, at)?;
        if index_counts(&window[..read]).any(|count| count > limit) {
            return Ok(Err(Refusal::TooManyObjects));
        }
    }
    let mut total = 0u64;
    for &at in hits[2].iter().chain(hits[3].iter()) {
        let read = read_at_most(file, &mut window, at)?;
        let Some(keyword) = window[..read].windows(6).position(|w| w == b"stream") else {
            continue;
        };
        let mut start = at + keyword as u64 + 6;
        let mut next = [0u8; 2];
        let peek = file.read_at(&mut next, start)?;
        if peek > 0 && next[0] == b'\r' {
            start += 1;
            if peek > 1 && next[1] == b'\n' {
                start += 1;
            }
        } else if peek > 0 && next[0] == b'\n' {
            start += 1;
        }
        let source = std::io::BufReader::new(OffsetReader {
            file,
            offset: start,
            end: len,
        });
        let inflated = inflated_size_from(source, MAX_STREAM_BYTES + 1);
        if inflated > MAX_STREAM_BYTES {
            return Ok(Err(Refusal::StreamTooLarge));
        }
        total += inflated;
        if total > MAX_TOTAL_BYTES {
            return Ok(Err(Refusal::StreamTooLarge));
        }
    }
    Ok(Ok(()))
}

/// Reads up to `buffer.len()` bytes at `offset`, fewer at the end of the file.
fn read_at_most(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let mut filled = 0;
    while filled < buffer.len() {
        let read = file.read_at(&mut buffer[filled..], offset + filled as u64)?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    Ok(filled)
}

/// Reads a file from an offset on, without moving a shared cursor.
struct OffsetReader<'a> {
    file: &'a std::fs::File,
    offset: u64,
    end: u64,
}

impl Read for OffsetReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        if self.offset >= self.end {
            return Ok(0);
        }
        let read = self.file.read_at(buffer, self.offset)?;
        self.offset += read as u64;
        Ok(read)
    }
}

/// Screens PDF bytes already in memory (small files, tests): as [`screen_file`].
pub fn screen(pdf: &[u8]) -> Result<(), Refusal> {
    let mut file = match tempfile::tempfile() {
        Ok(file) => file,
        Err(_) => return Ok(()),
    };
    if std::io::Write::write_all(&mut file, pdf).is_err() {
        return Ok(());
    }
    screen_file(&file).unwrap_or(Ok(()))
}

/// Whether `pages` is believable for a file of `len` bytes: every page is a dictionary of
/// at least a few bytes, so a small file cannot hold billions of them whatever its page
/// tree says.
pub fn plausible_page_count(pages: u32, len: usize) -> bool {
    pages >= 1 && u64::from(pages) <= (len as u64 / 8).max(1)
}

fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(haystack, needle)
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

/// How many bytes the zlib stream read from `source` inflates to, counting at most `cap`;
/// data that is not zlib-compressed counts as nothing (the parser reads it as it is).
fn inflated_size_from(source: impl Read, cap: u64) -> u64 {
    let mut decoder = flate2::read::ZlibDecoder::new(source).take(cap);
    let mut sink = [0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match decoder.read(&mut sink) {
            Ok(0) | Err(_) => return total,
            Ok(read) => total += read as u64,
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
