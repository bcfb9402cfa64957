//! Uploading, downloading, deleting and sweeping materials, over HTTP, with the material
//! store in an S3-compatible bucket (moto, started by the harness; see `support::s3`).

use std::time::Duration;

use efiling::integrations::blob_store::BlobStore;
use sha2::{Digest, Sha256};

use crate::accounts::party_session;
use crate::materials::{PNG, pdf, upload};
use crate::support::TestApp;
use crate::support::s3::TestBucket;

/// The part size of the store's multipart uploads.
const PART: usize = 8 << 20;

/// Starts the application with its materials in `bucket`.
async fn app_on(bucket: &TestBucket, max_upload_bytes: Option<u64>) -> TestApp {
    let store = bucket.config();
    TestApp::spawn_with(move |mut config| {
        config.materials_store = store;
        if let Some(limit) = max_upload_bytes {
            config.max_upload_bytes = limit;
        }
        config
    })
    .await
}

/// GET the content of material `id` with an optional `Range`; status, `Content-Range` and
/// bytes.
async fn download(
    app: &TestApp,
    token: &str,
    id: &str,
    range: Option<&str>,
) -> (u16, Option<String>, Vec<u8>) {
    let mut request = app
        .client
        .get(app.url(&format!("/api/v1/materials/{id}/content")))
        .bearer_auth(token);
    if let Some(range) = range {
        request = request.header("Range", range);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_range = response
        .headers()
        .get("content-range")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        status,
        content_range,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// The storage key the database holds for material `id`.
fn storage_key(app: &TestApp, id: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct Key {
        #[diesel(sql_type = diesel::sql_types::Text)]
        storage_key: String,
    }
    let mut conn = app.pool.get().unwrap();
    let row: Key = diesel::RunQueryDsl::get_result(
        diesel::sql_query("SELECT storage_key FROM materials WHERE id = $1::uuid")
            .bind::<diesel::sql_types::Text, _>(id),
        &mut conn,
    )
    .unwrap();
    row.storage_key
}

/// Files left in a directory tree.
fn files_under(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                files_under(&e.path())
            } else {
                1
            }
        })
        .sum()
}

/// Bytes that differ from part to part and place to place (zeros would hide a misplaced
/// part), behind a PNG signature.
fn large_png(len: usize) -> Vec<u8> {
    let mut bytes = PNG.to_vec();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

#[actix_web::test]
async fn pdfs_and_pngs_are_stored_in_the_bucket_and_come_back_whole_and_in_ranges() {
    let Some(bucket) = TestBucket::create("materials_s3::pdfs_and_pngs").await else {
        return;
    };
    let app = app_on(&bucket, None).await;
    let (token, _) = party_session(&app, 60).await;

    let document = pdf(12);
    let (status, body) = upload(
        &app,
        &token,
        "起诉状.pdf",
        document.clone(),
        "complaint_or_application",
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["content_type"], "application/pdf");
    assert_eq!(body["pages"], 12);
    assert_eq!(body["size"], document.len());
    let pdf_id = body["id"].as_str().unwrap().to_owned();

    let (status, body) = upload(&app, &token, "scan.png", PNG.to_vec(), "evidence", None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["content_type"], "image/png");
    let png_id = body["id"].as_str().unwrap().to_owned();

    // The bytes are in the bucket under the keys the rows name, and nowhere on disk.
    let pdf_key = storage_key(&app, &pdf_id);
    let png_key = storage_key(&app, &png_id);
    let mut expected = vec![pdf_key.clone(), png_key.clone()];
    expected.sort();
    assert_eq!(bucket.keys().await, expected);
    assert_eq!(bucket.get(&pdf_key).await, document);
    assert_eq!(bucket.get(&png_key).await, PNG);
    let data_dir = app.data_dir.as_ref().unwrap().path();
    assert_eq!(files_under(&data_dir.join("materials")), 0);
    assert_eq!(
        files_under(&data_dir.join("uploads")),
        0,
        "staging files are removed once uploaded"
    );

    // Whole.
    let (status, range, bytes) = download(&app, &token, &pdf_id, None).await;
    assert_eq!((status, range), (200, None));
    assert_eq!(bytes, document);
    let (status, _, bytes) = download(&app, &token, &png_id, None).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PNG);

    // In ranges: the start, the middle, the end, and past the end.
    let size = document.len();
    let (status, range, bytes) = download(&app, &token, &pdf_id, Some("bytes=0-7")).await;
    assert_eq!(status, 206);
    assert_eq!(range.as_deref(), Some(format!("bytes 0-7/{size}").as_str()));
    assert_eq!(bytes, &document[..8]);
    assert_eq!(&bytes[..5], b"%PDF-");
    let (status, range, bytes) = download(&app, &token, &pdf_id, Some("bytes=100-1099")).await;
    assert_eq!(status, 206);
    assert_eq!(
        range.as_deref(),
        Some(format!("bytes 100-1099/{size}").as_str())
    );
    assert_eq!(bytes, &document[100..1100]);
    let (status, range, bytes) = download(&app, &token, &pdf_id, Some("bytes=-16")).await;
    assert_eq!(status, 206);
    assert_eq!(
        range.as_deref(),
        Some(format!("bytes {}-{}/{size}", size - 16, size - 1).as_str())
    );
    assert_eq!(bytes, &document[size - 16..]);
    let (status, _, bytes) = download(&app, &token, &png_id, Some("bytes=60-")).await;
    assert_eq!(status, 206);
    assert_eq!(bytes, &PNG[60..]);
    let (status, _, _) = download(&app, &token, &pdf_id, Some(&format!("bytes={size}-"))).await;
    assert_eq!(status, 416);
}

#[actix_web::test]
async fn deleting_removes_the_object_and_the_sweeper_removes_objects_without_a_row() {
    let Some(bucket) = TestBucket::create("materials_s3::deleting_and_sweeping").await else {
        return;
    };
    let app = app_on(&bucket, None).await;
    let (token, _) = party_session(&app, 61).await;

    let (_, body) = upload(&app, &token, "a.pdf", pdf(2), "evidence", None).await;
    let deleted_id = body["id"].as_str().unwrap().to_owned();
    let deleted_key = storage_key(&app, &deleted_id);
    let (_, body) = upload(&app, &token, "b.png", PNG.to_vec(), "evidence", None).await;
    let kept_id = body["id"].as_str().unwrap().to_owned();
    let kept_key = storage_key(&app, &kept_id);
    assert_eq!(bucket.keys().await.len(), 2);

    let (status, _) = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/materials/{deleted_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        bucket.keys().await,
        std::slice::from_ref(&kept_key),
        "{deleted_key} is gone"
    );
    let (status, _) = app
        .get(&format!("/api/v1/materials/{deleted_id}"), Some(&token))
        .await;
    assert_eq!(status, 404);

    // An object without a row (a crash between the two writes) is swept; the live one and
    // anything outside the materials prefix stay.
    bucket.put("materials/zz/lost", b"x".to_vec()).await;
    bucket.put("elsewhere/kept", b"y".to_vec()).await;
    assert_eq!(bucket.keys().await.len(), 3);
    let state = app.state.clone();
    let removed = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut conn = state.pool.get().unwrap();
        efiling::jobs::materials::sweep_orphans(&mut conn, &state.blobs, &runtime, Duration::ZERO)
            .unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(removed, 1);
    let mut expected = vec!["elsewhere/kept".to_owned(), kept_key];
    expected.sort();
    assert_eq!(bucket.keys().await, expected);
    let (status, _, bytes) = download(&app, &token, &kept_id, None).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PNG);
}

#[actix_web::test]
async fn a_file_larger_than_a_part_is_uploaded_in_parts_and_comes_back_intact() {
    let Some(bucket) = TestBucket::create("materials_s3::a_file_larger_than_a_part").await else {
        return;
    };
    let len = 20 << 20;
    let app = app_on(&bucket, Some(len as u64 + 1024)).await;
    let (token, _) = party_session(&app, 62).await;
    let bytes = large_png(len);

    let (status, body) = upload(&app, &token, "scan.png", bytes.clone(), "evidence", None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["content_type"], "image/png");
    assert_eq!(body["size"], len);
    assert_eq!(body["sha256"], hex::encode(Sha256::digest(&bytes)));
    let id = body["id"].as_str().unwrap().to_owned();

    // Three parts of at most 8 MiB: S3 gives a multipart object an ETag ending in -<parts>.
    let objects = bucket.objects().await;
    assert_eq!(objects.len(), 1, "{objects:?}");
    assert_eq!(objects[0].key, storage_key(&app, &id));
    assert_eq!(objects[0].size, len as u64);
    assert!(
        objects[0]
            .etag
            .ends_with(&format!("-{}", len.div_ceil(PART))),
        "{objects:?}"
    );
    assert!(
        bucket.get(&objects[0].key).await == bytes,
        "the object in the bucket is the upload"
    );
    assert_eq!(bucket.uploads_in_progress().await, Vec::<String>::new());

    let (status, _, downloaded) = download(&app, &token, &id, None).await;
    assert_eq!(status, 200);
    assert_eq!(downloaded.len(), len);
    assert!(downloaded == bytes, "the download is the upload");

    // A range across the boundary between the first two parts.
    let (start, end) = (PART - 5, PART + 4);
    let (status, range, part) =
        download(&app, &token, &id, Some(&format!("bytes={start}-{end}"))).await;
    assert_eq!(status, 206);
    assert_eq!(
        range.as_deref(),
        Some(format!("bytes {start}-{end}/{len}").as_str())
    );
    assert_eq!(part, &bytes[start..=end]);
}

#[actix_web::test]
async fn an_upload_that_fails_midway_is_aborted_and_leaves_nothing_in_the_bucket() {
    let Some(bucket) = TestBucket::create("materials_s3::an_upload_that_fails").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::open(&bucket.config(), dir.path().join("staging")).unwrap();
    // A "staged file" that opens, has a size, and fails on the first read: the multipart
    // upload is begun before the read fails.
    let unreadable = dir.path().join("unreadable");
    std::fs::create_dir(&unreadable).unwrap();
    std::fs::write(unreadable.join("entry"), b"x").unwrap();

    let error = store
        .persist(&unreadable, "materials/ab/unreadable")
        .await
        .expect_err("a staged file that cannot be read is not stored");
    assert!(
        format!("{error:#}").contains("materials/ab/unreadable"),
        "{error:#}"
    );
    assert_eq!(bucket.uploads_in_progress().await, Vec::<String>::new());
    assert_eq!(bucket.keys().await, Vec::<String>::new());

    // The store still works, for a one-part and an empty file alike.
    let staged = dir.path().join("staging").join("small");
    std::fs::write(&staged, PNG).unwrap();
    store.persist(&staged, "materials/ab/small").await.unwrap();
    assert!(!staged.exists(), "the staged file is removed");
    let empty = dir.path().join("staging").join("empty");
    std::fs::write(&empty, b"").unwrap();
    store.persist(&empty, "materials/ab/empty").await.unwrap();
    let stored: Vec<(String, u64)> = bucket
        .objects()
        .await
        .into_iter()
        .map(|o| (o.key, o.size))
        .collect();
    assert_eq!(
        stored,
        [
            ("materials/ab/empty".to_owned(), 0),
            ("materials/ab/small".to_owned(), PNG.len() as u64)
        ]
    );
    assert_eq!(bucket.get("materials/ab/small").await, PNG);
    assert_eq!(bucket.uploads_in_progress().await, Vec::<String>::new());
}
