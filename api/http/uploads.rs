//! The upload pipeline shared by every endpoint that takes files: streaming a multipart
//! field to a staging file with a size limit and a hash, reading small text fields,
//! recognising the content (PDF, JPEG, PNG; never programs or archives), inspecting PDFs,
//! and serving stored bytes back as a safe attachment (with `Range`).

use std::io::Write;
use std::path::Path;

use actix_multipart::Field;
use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::TryStreamExt;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::domain::materials::{
    ContentType, HEAD_BYTES, accepted_type, ascii_fallback, sanitise_file_name, sniff,
};
use crate::errors::{ApiError, Code};
use crate::http::AppState;

/// Room for the form around the files when a declared `Content-Length` is checked.
pub const FORM_OVERHEAD_BYTES: u64 = 64 * 1024;

/// A file streamed to the staging directory, with what was learnt on the way. The staging
/// file is removed when this is dropped, unless it was persisted.
pub struct Staged {
    pub file: tempfile::TempPath,
    pub size: u64,
    pub sha256: Vec<u8>,
    /// The first [`HEAD_BYTES`] bytes, to recognise the content.
    pub head: Vec<u8>,
    /// The client's file name, reduced to a safe base name.
    pub original_name: String,
    /// The content type the client declared; recorded, never trusted.
    pub declared_content_type: Option<String>,
}

/// Streams a file field to a staging file, hashing it and keeping its first bytes, and
/// stops as soon as it grows past `limit` (413 `file.too_large`).
pub async fn stage(field: &mut Field, state: &AppState, limit: u64) -> Result<Staged, ApiError> {
    let original_name = sanitise_file_name(
        field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or_default(),
    );
    let declared_content_type = field.content_type().map(|m| m.essence_str().to_owned());
    let staging = state.blobs.staging_dir().to_path_buf();
    let named = web::block(move || tempfile::NamedTempFile::new_in(staging))
        .await?
        .map_err(ApiError::internal)?;
    let (std_file, path) = named.into_parts();
    // One writer thread per upload, fed through a small bounded queue: receiving the body
    // overlaps with hashing and writing (at most 16 chunks in flight, so memory stays flat),
    // and write-back to disk starts as the file grows, so the final flush is short.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<web::Bytes>(16);
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut file = std_file;
        let mut hasher = Sha256::new();
        let (mut written, mut flushed) = (0u64, 0u64);
        while let Some(chunk) = receiver.blocking_recv() {
            hasher.update(&chunk);
            file.write_all(&chunk)?;
            written += chunk.len() as u64;
            if written - flushed >= WRITE_BACK_BYTES {
                start_write_back(&file, flushed, written - flushed);
                flushed = written;
            }
        }
        // Durable before it is acknowledged.
        file.sync_all()?;
        Ok(hasher.finalize().to_vec())
    });
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let mut size: u64 = 0;
    while let Some(chunk) = field
        .try_next()
        .await
        .map_err(|_| ApiError::new(Code::UploadMalformed))?
    {
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large(limit));
        }
        if head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        if sender.send(chunk).await.is_err() {
            // The writer stopped on an error, which its result reports below.
            break;
        }
    }
    drop(sender);
    let sha256 = writer
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(Staged {
        file: path,
        size,
        sha256,
        head,
        original_name,
        declared_content_type,
    })
}

/// How much is written before the kernel is asked to start writing it to disk.
const WRITE_BACK_BYTES: u64 = 8 << 20;

/// Asks the kernel to start writing a range of `file` to disk now, without waiting, so the
/// fsync at the end has little left to do. Only a hint: failure is harmless.
fn start_write_back(file: &std::fs::File, offset: u64, length: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(length)) = (i64::try_from(offset), i64::try_from(length)) else {
        return;
    };
    // SAFETY: a plain system call on a descriptor this function borrows; it reads no memory.
    unsafe {
        libc::sync_file_range(
            file.as_raw_fd(),
            offset,
            length,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}

/// 413 `file.too_large`, telling the limit (also as `max_bytes`).
pub fn too_large(limit: u64) -> ApiError {
    ApiError::new(Code::FileTooLarge)
        .with_detail(
            format!("文件超过了允许的大小（{} 字节）。", limit),
            format!("The file exceeds the allowed size ({limit} bytes)."),
        )
        .with_extension("max_bytes", json!(limit))
}

/// Whether the request announces (`Content-Length`) a body larger than `allowed` bytes, so
/// that it can be refused before it is read.
pub fn announced_larger_than(req: &HttpRequest, allowed: u64) -> bool {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|length| length > allowed)
}

/// Reads a small text field, refusing more than `max` bytes (`text.too_long`, naming the
/// field).
pub async fn text_field(field: &mut Field, max: usize) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .try_next()
        .await
        .map_err(|_| ApiError::new(Code::UploadMalformed))?
    {
        if bytes.len() + chunk.len() > max {
            return Err(ApiError::field(
                field.name().unwrap_or("field").to_owned(),
                Code::TextTooLong,
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::new(Code::UploadMalformed))
}

/// Reads a field nobody asked for to its end and forgets it.
pub async fn skip_field(field: &mut Field) -> Result<(), ApiError> {
    while field
        .try_next()
        .await
        .map_err(|_| ApiError::new(Code::UploadMalformed))?
        .is_some()
    {}
    Ok(())
}

/// The type of a staged file judged by its content, or why it is refused: `file.empty`,
/// `file.executable_or_archive` or `file.type_not_allowed`.
pub fn recognise(staged: &Staged) -> Result<ContentType, Code> {
    if staged.size == 0 {
        return Err(Code::FileEmpty);
    }
    accepted_type(sniff(&staged.head))
}

/// The page count of a staged PDF (on the blocking pool), or why it is refused:
/// `file.pdf_encrypted` or `file.pdf_unreadable`.
pub async fn pdf_pages(staged: &Staged) -> Result<Result<i32, Code>, ApiError> {
    let path = staged.file.to_path_buf();
    web::block(move || inspect_pdf(&path)).await?
}

/// The page count of a PDF, refusing encrypted and unreadable ones. The file is mapped, not
/// read, so only the parts the parser touches are loaded.
pub fn inspect_pdf(path: &Path) -> Result<Result<i32, Code>, ApiError> {
    let file = std::fs::File::open(path).map_err(ApiError::internal)?;
    // Bombs and absurd object counts are refused before the parser inflates anything.
    if crate::http::pdf_screen::screen_file(&file)
        .map_err(ApiError::internal)?
        .is_err()
    {
        return Ok(Err(Code::FilePdfUnreadable));
    }
    // SAFETY: the staging file is private to this request and not modified while mapped.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(ApiError::internal)?;
    // A malformed page tree can make the parser panic (an overflowing page count): that is
    // an unreadable file, not a server error.
    let parsed = std::panic::catch_unwind(|| lopdf::Document::load_metadata_mem(&map));
    let Ok(Ok(metadata)) = parsed else {
        return Ok(Err(Code::FilePdfUnreadable));
    };
    if metadata.encrypted {
        return Ok(Err(Code::FilePdfEncrypted));
    }
    if !crate::http::pdf_screen::plausible_page_count(metadata.page_count, map.len()) {
        return Ok(Err(Code::FilePdfUnreadable));
    }
    match i32::try_from(metadata.page_count) {
        Ok(pages) if pages > 0 => Ok(Ok(pages)),
        _ => Ok(Err(Code::FilePdfUnreadable)),
    }
}

/// `Content-Disposition: attachment` naming `file_name`, with an ASCII fallback and
/// `filename*` in UTF-8.
pub fn attachment(file_name: &str) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii_fallback(file_name)),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: file_name.to_owned().into_bytes(),
            }),
        ],
    }
}

/// Parses a single `bytes=` range against a file of `size` bytes; `None` means the whole
/// file (no header, or several ranges, which are answered whole).
pub fn requested_range(req: &HttpRequest, size: u64) -> Result<Option<(u64, u64)>, ApiError> {
    let Some(value) = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let unsatisfiable =
        || ApiError::new(Code::RangeNotSatisfiable).with_extension("size", json!(size));
    // A range that does not parse is ignored (the whole file is sent), as HTTP asks; only a
    // well-formed range that misses the file is refused.
    let Some((start, end)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let Ok(length) = suffix.parse::<u64>() else {
                return Ok(None);
            };
            if length == 0 || size == 0 {
                return Err(unsatisfiable());
            }
            (size.saturating_sub(length), size - 1)
        }
        (start, "") => {
            let Ok(start) = start.parse::<u64>() else {
                return Ok(None);
            };
            (start, size.saturating_sub(1))
        }
        (start, end) => {
            let (Ok(start), Ok(end)) = (start.parse::<u64>(), end.parse::<u64>()) else {
                return Ok(None);
            };
            if start > end {
                return Ok(None);
            }
            (start, end.min(size.saturating_sub(1)))
        }
    };
    if size == 0 || start >= size {
        return Err(unsatisfiable());
    }
    Ok(Some((start, end)))
}

/// A stored file to send back.
pub struct StoredFile<'a> {
    /// Its key in the blob store.
    pub storage_key: &'a str,
    /// The recognised content type.
    pub content_type: &'a str,
    /// The name the attachment is given.
    pub file_name: &'a str,
    /// Bytes.
    pub size: u64,
}

/// Streams a stored file as an attachment: the recognised content type, a safe
/// `Content-Disposition`, `nosniff`, no caching, and a 206 with `Content-Range` for a
/// `Range: bytes=…` request.
pub async fn serve_stored(
    state: &AppState,
    req: &HttpRequest,
    file: StoredFile<'_>,
) -> Result<HttpResponse, ApiError> {
    let size = file.size;
    let range = requested_range(req, size)?;
    let stream = state
        .blobs
        .get(file.storage_key, range.map(|(start, end)| start..end + 1))
        .await
        .map_err(ApiError::internal)?;
    let mut response = match range {
        Some((start, end)) => {
            let mut builder = HttpResponse::PartialContent();
            builder.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}")));
            builder
        }
        None => HttpResponse::Ok(),
    };
    let length = range.map_or(size, |(start, end)| end - start + 1);
    Ok(response
        .content_type(file.content_type)
        .insert_header(attachment(file.file_name))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .no_chunking(length)
        .streaming(stream))
}
