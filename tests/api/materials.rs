//! Uploading, downloading and deleting materials, over HTTP, with the local object store.

use lopdf::content::{Content, Operation};
use lopdf::{
    Document, EncryptionState, EncryptionVersion, Object, Permissions, Stream, dictionary,
};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::accounts::party_session;
use crate::support::{TestApp, assert_problem};

/// A real PDF with `pages` pages of text, made with a PDF library.
pub fn pdf(pages: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for n in 0..pages {
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 24.into()]),
                Operation::new("Td", vec![100.into(), 600.into()]),
                Operation::new("Tj", vec![Object::string_literal(format!("Page {n}"))]),
                Operation::new("ET", vec![]),
            ],
        };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
            "Resources" => resources_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// A PDF protected with a user password.
fn encrypted_pdf() -> Vec<u8> {
    let mut doc = Document::load_mem(&pdf(1)).unwrap();
    let id = Object::string_literal(b"0123456789abcdef".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let version = EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "user",
        key_length: 128,
        permissions: Permissions::PRINTABLE,
    };
    let state = EncryptionState::try_from(version).unwrap();
    doc.encrypt(&state).unwrap();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0xE9, 0xFA, 0xDC, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

/// The start of a JPEG (JFIF) file, enough for the signature, with some body.
fn jpeg() -> Vec<u8> {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01,
    ];
    bytes.extend(std::iter::repeat_n(0x20, 500));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

/// The start of a Windows executable.
fn exe() -> Vec<u8> {
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 200));
    bytes
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
    category: &str,
    key: Option<&str>,
) -> (u16, Value) {
    let part = Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str("application/pdf")
        .unwrap();
    let form = Form::new()
        .text("category", category.to_owned())
        .part("file", part);
    let mut request = app
        .client
        .post(app.url("/api/v1/materials"))
        .bearer_auth(token)
        .multipart(form);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn pdfs_jpegs_and_pngs_are_accepted_with_their_type_and_pages() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 50).await;

    let (status, body) = upload(
        &app,
        &token,
        "起诉状.pdf",
        pdf(3),
        "complaint_or_application",
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["content_type"], "application/pdf");
    assert_eq!(body["pages"], 3);
    assert_eq!(body["original_name"], "起诉状.pdf");
    assert_eq!(body["category"], "complaint_or_application");
    assert_eq!(body["sha256"].as_str().unwrap().len(), 64);

    let (status, body) = upload(&app, &token, "photo.pdf", jpeg(), "evidence", None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["content_type"], "image/jpeg",
        "the content decides, not the name"
    );
    assert!(body["pages"].is_null());

    let (status, body) = upload(
        &app,
        &token,
        "scan",
        PNG.to_vec(),
        "identity_document",
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["content_type"], "image/png");

    // A PDF behind a byte-order mark and blank lines is still a PDF.
    let mut with_bom = b"\xEF\xBB\xBF\r\n".to_vec();
    with_bom.extend(pdf(1));
    let (status, body) = upload(&app, &token, "bom.pdf", with_bom, "other", None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["pages"], 1);
}

#[actix_web::test]
async fn programs_archives_encrypted_and_empty_files_are_refused_with_their_codes() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 51).await;
    let mut polyglot = exe();
    polyglot.extend(pdf(1));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("起诉状.pdf", exe(), "file.executable_or_archive"),
        ("x.pdf.exe", exe(), "file.executable_or_archive"),
        ("evidence.pdf", polyglot, "file.executable_or_archive"),
        (
            "evidence.pdf",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec(),
            "file.executable_or_archive",
        ),
        ("locked.pdf", encrypted_pdf(), "file.pdf_encrypted"),
        (
            "broken.pdf",
            b"%PDF-1.7\nthis is not a pdf".to_vec(),
            "file.pdf_unreadable",
        ),
        (
            "notes.pdf",
            b"just some text".to_vec(),
            "file.type_not_allowed",
        ),
        ("empty.pdf", Vec::new(), "file.empty"),
    ];
    for (name, bytes, code) in cases {
        let (status, body) = upload(&app, &token, name, bytes, "evidence", None).await;
        assert_problem(status, &body, 422, "validation.failed");
        assert_eq!(body["errors"][0]["field"], "file", "{name}: {body}");
        assert_eq!(body["errors"][0]["code"], code, "{name}: {body}");
    }
    let (status, body) = upload(&app, &token, "a.pdf", pdf(1), "virus", None).await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "material.category_invalid");
    let dir = app.data_dir.as_ref().unwrap().path().join("materials");
    assert!(
        !dir.join("materials").exists(),
        "nothing refused was stored"
    );
}

#[actix_web::test]
async fn the_size_limit_holds_at_one_byte_over_and_admits_exactly_the_limit() {
    let limit = 4096;
    let app = TestApp::spawn_with(|mut config| {
        config.max_upload_bytes = limit;
        config
    })
    .await;
    let (token, _) = party_session(&app, 52).await;
    let mut at_limit = PNG.to_vec();
    at_limit.resize(limit as usize, 0);
    let (status, body) = upload(&app, &token, "a.png", at_limit.clone(), "evidence", None).await;
    assert_eq!(status, 201, "{body}");
    at_limit.push(0);
    let (status, body) = upload(&app, &token, "b.png", at_limit, "evidence", None).await;
    assert_problem(status, &body, 413, "file.too_large");
    assert_eq!(body["max_bytes"], limit);
}

#[actix_web::test]
async fn names_are_stored_harmlessly_and_come_back_intact_on_download() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 53).await;
    let (status, body) = upload(
        &app,
        &token,
        "../../etc/passwd",
        PNG.to_vec(),
        "other",
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["original_name"], "passwd");

    let bytes = pdf(2);
    let (_, body) = upload(
        &app,
        &token,
        "证据目录（第一组）.pdf",
        bytes.clone(),
        "evidence",
        None,
    )
    .await;
    let id = body["id"].as_str().unwrap();
    let response = app
        .client
        .get(app.url(&format!("/api/v1/materials/{id}/content")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("filename=\"file.pdf\"") || disposition.contains("filename=file.pdf"),
        "{disposition}"
    );
    let encoded: String = "证据目录（第一组）.pdf"
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{encoded}")),
        "{disposition}"
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);

    let partial = app
        .client
        .get(app.url(&format!("/api/v1/materials/{id}/content")))
        .bearer_auth(&token)
        .header("Range", "bytes=0-7")
        .send()
        .await
        .unwrap();
    assert_eq!(partial.status(), 206);
    assert_eq!(
        partial.headers()["content-range"],
        format!("bytes 0-7/{}", bytes.len()).as_str()
    );
    assert_eq!(partial.bytes().await.unwrap().as_ref(), &bytes[..8]);
    let beyond = app
        .client
        .get(app.url(&format!("/api/v1/materials/{id}/content")))
        .bearer_auth(&token)
        .header("Range", format!("bytes={}-", bytes.len() + 10))
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), 416);
}

#[actix_web::test]
async fn another_accounts_material_does_not_exist_for_the_caller() {
    let app = TestApp::spawn().await;
    let (owner, _) = party_session(&app, 54).await;
    let (stranger, _) = party_session(&app, 55).await;
    let (_, body) = upload(&app, &owner, "a.pdf", pdf(1), "evidence", None).await;
    let id = body["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/materials/{id}"),
        format!("/api/v1/materials/{id}/content"),
    ] {
        let (status, body) = app.get(&path, Some(&stranger)).await;
        assert_problem(status, &body, 404, "material.not_found");
    }
    let (status, _) = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/materials/{id}"),
            Some(&stranger),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get(&format!("/api/v1/materials/{id}"), Some(&owner))
        .await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn the_same_bytes_twice_are_one_material_and_retries_with_a_key_replay() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 56).await;
    let bytes = pdf(2);
    let (first_status, first) =
        upload(&app, &token, "a.pdf", bytes.clone(), "evidence", None).await;
    assert_eq!(first_status, 201);
    let (status, again) = upload(&app, &token, "copy.pdf", bytes.clone(), "evidence", None).await;
    assert_eq!(status, 200);
    assert_eq!(again["id"], first["id"]);

    let (status, keyed) = upload(
        &app,
        &token,
        "b.png",
        PNG.to_vec(),
        "other",
        Some("upload-1"),
    )
    .await;
    assert_eq!(status, 201);
    let (status, replayed) = upload(
        &app,
        &token,
        "b.png",
        PNG.to_vec(),
        "other",
        Some("upload-1"),
    )
    .await;
    assert_eq!(status, 201, "the first answer again");
    assert_eq!(replayed["id"], keyed["id"]);
    let (status, body) = upload(&app, &token, "c.pdf", pdf(1), "other", Some("upload-1")).await;
    assert_problem(status, &body, 409, "idempotency_key.reused");
}

#[actix_web::test]
async fn deleting_removes_the_row_and_the_blob_and_stale_or_orphan_blobs_are_swept() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 57).await;
    let root = app.data_dir.as_ref().unwrap().path().join("materials");
    let count_blobs = || walk_files(&root);

    let (_, body) = upload(&app, &token, "a.pdf", pdf(1), "evidence", None).await;
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(count_blobs(), 1);
    let (status, _) = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/materials/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(count_blobs(), 0);
    let (status, _) = app
        .get(&format!("/api/v1/materials/{id}"), Some(&token))
        .await;
    assert_eq!(status, 404);

    // A material left unattached for a day is removed by the jobs, blob and all.
    let (_, body) = upload(&app, &token, "b.pdf", pdf(2), "evidence", None).await;
    let stale = body["id"].as_str().unwrap().to_owned();
    {
        let mut conn = app.pool.get().unwrap();
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!(
                "UPDATE materials SET created_at = now() - interval '25 hours' WHERE id = '{stale}'"
            )),
            &mut conn,
        )
        .unwrap();
    }
    app.run_jobs().await;
    let (status, _) = app
        .get(&format!("/api/v1/materials/{stale}"), Some(&token))
        .await;
    assert_eq!(status, 404);
    assert_eq!(count_blobs(), 0);

    // A blob without a row (a crash between the two writes) is swept; a live one stays.
    let (_, body) = upload(&app, &token, "c.png", PNG.to_vec(), "evidence", None).await;
    let orphan = root.join("materials").join("zz");
    std::fs::create_dir_all(&orphan).unwrap();
    std::fs::write(orphan.join("lost"), b"x").unwrap();
    assert_eq!(count_blobs(), 2);
    let state = app.state.clone();
    let removed = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut conn = state.pool.get().unwrap();
        efiling::jobs::materials::sweep_orphans(
            &mut conn,
            &state.blobs,
            &runtime,
            std::time::Duration::ZERO,
        )
        .unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(count_blobs(), 1);
    let response = app
        .client
        .get(app.url(&format!(
            "/api/v1/materials/{}/content",
            body["id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

fn walk_files(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                walk_files(&e.path())
            } else {
                1
            }
        })
        .sum()
}

/// A small PDF whose cross-reference stream inflates to tens of megabytes.
fn decompression_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..60 {
        encoder.write_all(&chunk).unwrap();
    }
    let data = encoder.finish().unwrap();
    let mut pdf = format!(
        "%PDF-1.7\n1 0 obj\n<< /Type /XRef /W [1 4 1] /Size 3 /Filter /FlateDecode /Length {} >>\nstream\n",
        data.len()
    )
    .into_bytes();
    pdf.extend_from_slice(&data);
    pdf.extend_from_slice(b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
    pdf
}

/// A one-page PDF whose page tree claims two billion pages.
fn lying_page_count() -> Vec<u8> {
    let mut doc = Document::load_mem(&pdf(1)).unwrap();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let pages = doc
        .get_object(root)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    doc.get_object_mut(pages)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("Count", 2_000_000_000i64);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[actix_web::test]
async fn pdfs_built_to_exhaust_the_parser_or_lie_about_pages_are_unreadable() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 58).await;
    for (name, bytes) in [
        ("bomb.pdf", decompression_bomb()),
        ("count.pdf", lying_page_count()),
    ] {
        let (status, body) = upload(&app, &token, name, bytes, "evidence", None).await;
        assert_problem(status, &body, 422, "validation.failed");
        assert_eq!(
            body["errors"][0]["code"], "file.pdf_unreadable",
            "{name}: {body}"
        );
    }
}
