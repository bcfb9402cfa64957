//! An S3-compatible endpoint for the tests of the S3 material store, and a fresh bucket per
//! test.
//!
//! With `EFILING_TEST_S3_ENDPOINT` set (for example `http://127.0.0.1:5000`), that server is
//! used. Otherwise a `moto_server` (from `target/moto-venv/bin`, which `.ci/run` creates, or
//! from `PATH`) is started once for this test process on a free port of 127.0.0.1 and
//! stopped when the process exits. Buckets are created with a plain `PUT /<bucket>`, which
//! moto accepts without credentials; an outside endpoint must accept that too.
//!
//! Without either, the S3 tests say why they were skipped and pass; with
//! `EFILING_TEST_S3_REQUIRED` set (CI sets it once it has installed moto), they fail instead.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use efiling::integrations::blob_store::BlobStoreConfig;

/// The endpoint for this process, or why there is none.
static ENDPOINT: OnceLock<Result<String, String>> = OnceLock::new();
/// The moto server this process started, with its log.
static MOTO: Mutex<Option<(Child, PathBuf)>> = Mutex::new(None);

/// How long a starting moto server may take to answer.
const STARTUP: Duration = Duration::from_secs(60);

extern "C" fn stop_moto() {
    if let Ok(mut guard) = MOTO.lock()
        && let Some((mut child, log)) = guard.take()
    {
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_file(log);
    }
}

/// The S3 endpoint for the tests, started on first use; `Err` says why there is none.
pub fn endpoint() -> Result<&'static str, &'static str> {
    ENDPOINT
        .get_or_init(|| {
            if let Ok(url) = std::env::var("EFILING_TEST_S3_ENDPOINT")
                && !url.trim().is_empty()
            {
                return Ok(url.trim().trim_end_matches('/').to_owned());
            }
            let candidates = moto_candidates();
            if candidates.is_empty() {
                return Err(format!(
                    "EFILING_TEST_S3_ENDPOINT is not set and no moto_server was found at {} \
                     or on PATH (create it with `python3 -m venv target/moto-venv && \
                     target/moto-venv/bin/pip install 'moto[s3]' flask flask-cors`, as .ci/run does)",
                    venv_moto().display()
                ));
            }
            let mut failures = Vec::new();
            for program in candidates {
                match start_moto(&program) {
                    Ok(url) => return Ok(url),
                    Err(why) => failures.push(format!("{}: {why}", program.display())),
                }
            }
            Err(format!(
                "no moto_server could be started: {}",
                failures.join("; ")
            ))
        })
        .as_ref()
        .map(String::as_str)
        .map_err(String::as_str)
}

fn venv_moto() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/moto-venv/bin/moto_server")
}

/// Executable `moto_server`s: the project's virtualenv first, then `PATH`.
fn moto_candidates() -> Vec<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("moto_server"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut found: Vec<PathBuf> = Vec::new();
    for candidate in std::iter::once(venv_moto()).chain(on_path) {
        if is_executable(&candidate) && !found.contains(&candidate) {
            found.push(candidate);
        }
    }
    found
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Starts `program` on a free port and waits until it answers; returns its URL.
fn start_moto(program: &Path) -> Result<String, String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let log = std::env::temp_dir().join(format!(
        "efiling-test-moto-{}-{port}.log",
        std::process::id()
    ));
    let log_file = std::fs::File::create(&log).map_err(|e| format!("no log file: {e}"))?;
    let log_err = log_file
        .try_clone()
        .map_err(|e| format!("no log file: {e}"))?;
    let child = Command::new(program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("cannot start it: {e}"))?;
    *MOTO.lock().map_err(|_| "the server slot is poisoned")? = Some((child, log.clone()));
    static AT_EXIT: std::sync::Once = std::sync::Once::new();
    AT_EXIT.call_once(|| {
        // SAFETY: registering a plain extern "C" function with no captured state.
        unsafe {
            libc::atexit(stop_moto);
        }
    });

    let started = Instant::now();
    loop {
        if answers(port) {
            return Ok(format!("http://127.0.0.1:{port}"));
        }
        let exited = MOTO
            .lock()
            .ok()
            .and_then(|mut guard| guard.as_mut().and_then(|(child, _)| child.try_wait().ok()))
            .flatten();
        if exited.is_some() || started.elapsed() > STARTUP {
            if let Some((mut child, _)) = MOTO.lock().ok().and_then(|mut guard| guard.take()) {
                let _ = child.kill();
                let _ = child.wait();
            }
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            let _ = std::fs::remove_file(&log);
            let tail: Vec<&str> = output.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            let reason = match exited {
                Some(status) => format!("it exited with {status}"),
                None => format!("it did not answer within {}s", STARTUP.as_secs()),
            };
            return Err(format!("{reason}; its output ended: {}", tail.join(" | ")));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether an HTTP server answers on the port.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut start = [0u8; 5];
    stream.read_exact(&mut start).is_ok() && &start == b"HTTP/"
}

/// An object in a bucket, as the bucket lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    pub size: u64,
    /// Without quotes; a multipart upload's ends in `-<parts>`.
    pub etag: String,
}

/// A fresh, empty bucket on the test endpoint, and plain HTTP access to it that goes
/// around the code under test.
pub struct TestBucket {
    pub endpoint: String,
    pub name: String,
    client: reqwest::Client,
}

impl TestBucket {
    /// A new bucket, or `None` (having said so) when there is no S3 endpoint here.
    pub async fn create(test: &str) -> Option<TestBucket> {
        let endpoint = match actix_web::web::block(endpoint)
            .await
            .expect("blocking pool")
        {
            Ok(endpoint) => endpoint.to_owned(),
            Err(why) => {
                if std::env::var_os("EFILING_TEST_S3_REQUIRED").is_some() {
                    panic!("EFILING_TEST_S3_REQUIRED is set, but there is no S3 endpoint: {why}");
                }
                let line = format!("skipped {test}: no S3-compatible server: {why}");
                eprintln!("{line}");
                // Also past the test harness's capture, once, so that a plain `cargo test`
                // shows that these tests did not really run.
                static SAID: OnceLock<()> = OnceLock::new();
                SAID.get_or_init(|| {
                    let _ = writeln!(
                        std::io::stderr(),
                        "note: the S3 material store tests are skipped: {why}"
                    );
                });
                return None;
            }
        };
        let name = format!("efiling-test-{}", uuid::Uuid::new_v4().simple());
        let bucket = TestBucket {
            endpoint,
            name,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("HTTP client"),
        };
        let response = bucket
            .client
            .put(bucket.url(""))
            .send()
            .await
            .expect("the S3 endpoint answers");
        assert!(
            response.status().is_success(),
            "creating bucket {} at {}: {}",
            bucket.name,
            bucket.endpoint,
            response.status()
        );
        Some(bucket)
    }

    /// The material store configuration for this bucket.
    pub fn config(&self) -> BlobStoreConfig {
        BlobStoreConfig::S3 {
            bucket: self.name.clone(),
            region: "us-east-1".into(),
            endpoint: Some(self.endpoint.clone()),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
        }
    }

    fn url(&self, key: &str) -> String {
        if key.is_empty() {
            format!("{}/{}", self.endpoint, self.name)
        } else {
            format!("{}/{}/{key}", self.endpoint, self.name)
        }
    }

    /// Every object in the bucket, by key.
    pub async fn objects(&self) -> Vec<Object> {
        let response = self
            .client
            .get(format!("{}?list-type=2", self.url("")))
            .send()
            .await
            .expect("list the bucket");
        assert!(response.status().is_success(), "{}", response.status());
        let xml = response.text().await.expect("listing");
        assert!(
            !xml.contains("<IsTruncated>true</IsTruncated>"),
            "a test bucket holds few objects"
        );
        let mut objects: Vec<Object> = elements(&xml, "Contents")
            .into_iter()
            .map(|contents| Object {
                key: elements(contents, "Key")[0].to_owned(),
                size: elements(contents, "Size")[0].parse().expect("a size"),
                etag: elements(contents, "ETag")[0]
                    .replace("&#34;", "\"")
                    .replace("&quot;", "\"")
                    .trim_matches('"')
                    .to_owned(),
            })
            .collect();
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        objects
    }

    /// The keys of the multipart uploads begun and neither completed nor aborted.
    pub async fn uploads_in_progress(&self) -> Vec<String> {
        let response = self
            .client
            .get(format!("{}?uploads", self.url("")))
            .send()
            .await
            .expect("list the multipart uploads");
        assert!(response.status().is_success(), "{}", response.status());
        let xml = response.text().await.expect("listing");
        elements(&xml, "Upload")
            .into_iter()
            .map(|upload| elements(upload, "Key")[0].to_owned())
            .collect()
    }

    /// The keys of every object in the bucket, sorted.
    pub async fn keys(&self) -> Vec<String> {
        self.objects().await.into_iter().map(|o| o.key).collect()
    }

    /// The bytes of `key`, straight from the bucket.
    pub async fn get(&self, key: &str) -> Vec<u8> {
        let response = self
            .client
            .get(self.url(key))
            .send()
            .await
            .expect("get an object");
        assert!(
            response.status().is_success(),
            "{key}: {}",
            response.status()
        );
        response.bytes().await.expect("object bytes").to_vec()
    }

    /// Stores `bytes` under `key` directly, past the application.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) {
        let response = self
            .client
            .put(self.url(key))
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .expect("put an object");
        assert!(
            response.status().is_success(),
            "{key}: {}",
            response.status()
        );
    }
}

/// The contents of each `<tag>…</tag>` in `xml`, in order (no nesting of the same tag).
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else {
            break;
        };
        found.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    found
}

#[test]
fn elements_are_found_in_order() {
    let xml = "<A><Key>a/b</Key><Size>3</Size></A><A><Key>c</Key></A>";
    assert_eq!(elements(xml, "Key"), ["a/b", "c"]);
    assert_eq!(elements(xml, "Size"), ["3"]);
    assert!(elements(xml, "None").is_empty());
}
