//! One database per test, cloned from a migrated template.
//!
//! With `DATABASE_URL` set, that server is used; otherwise a throwaway cluster is started
//! in a temporary directory for this test process and removed when it exits. The template
//! is built once per schema version (its name carries a hash of the migrations and the
//! reference data), under an advisory lock so that parallel test processes agree.

use std::net::TcpListener;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use efiling::store::cluster::{ClusterOptions, LocalCluster, PgBinaries};
use sha2::{Digest, Sha256};

struct Server {
    admin_url: String,
    template: String,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static THROWAWAY: Mutex<Option<(LocalCluster, tempfile::TempDir)>> = Mutex::new(None);

extern "C" fn stop_throwaway_cluster() {
    if let Ok(mut guard) = THROWAWAY.lock()
        && let Some((mut cluster, dir)) = guard.take()
    {
        let _ = cluster.stop();
        drop(dir);
    }
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        let admin_url = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => start_throwaway_cluster(),
        };
        let template = format!("efiling_template_{}", schema_fingerprint());
        build_template(&admin_url, &template);
        Server {
            admin_url,
            template,
        }
    })
}

fn start_throwaway_cluster() -> String {
    let binaries = PgBinaries::locate(std::env::var_os("EFILING_PG_BIN").as_deref().map(Path::new))
        .expect("PostgreSQL binaries for the throwaway test cluster");
    let dir = tempfile::Builder::new()
        .prefix("efiling-test-pg-")
        .tempdir()
        .expect("temporary directory");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let cluster = LocalCluster::ensure_running(
        binaries,
        ClusterOptions {
            data_dir: dir.path().join("data"),
            port,
            ephemeral: true,
        },
    )
    .expect("throwaway PostgreSQL cluster");
    let url = cluster.url("postgres");
    *THROWAWAY.lock().expect("cluster slot") = Some((cluster, dir));
    // SAFETY: registering a plain extern "C" function with no captured state.
    unsafe {
        libc::atexit(stop_throwaway_cluster);
    }
    url
}

/// A hash of everything the template holds: the migrations and the reference data.
fn schema_fingerprint() -> String {
    let mut hasher = Sha256::new();
    for dir in ["migrations", "data/reference"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = walk(root.join(dir).as_path());
        files.sort();
        for file in files {
            // Relative names, so that every checkout of the same schema shares a template.
            let name = file.strip_prefix(root).unwrap_or(&file);
            hasher.update(name.to_string_lossy().as_bytes());
            hasher.update(std::fs::read(&file).expect("readable schema file"));
        }
    }
    hex::encode(&hasher.finalize()[..8])
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("schema directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn admin(url: &str) -> PgConnection {
    PgConnection::establish(url).expect("connection to the test server")
}

/// Replaces the database name in a URL.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[authority_end..]
        .find('/')
        .map(|i| i + authority_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    value: bool,
}

fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS value")
        .bind::<Text, _>(name)
        .get_result::<Flag>(conn)
        .expect("pg_database query")
        .value
}

fn build_template(admin_url: &str, template: &str) {
    let mut conn = admin(admin_url);
    let lock_key = i64::from_str_radix(&template[template.len() - 15..], 16).unwrap_or(7);
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(lock_key)
        .execute(&mut conn)
        .expect("advisory lock");
    if !database_exists(&mut conn, template) {
        let building = format!("{template}_building");
        diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
        ))
        .execute(&mut conn)
        .expect("drop a half-built template");
        diesel::sql_query(format!("CREATE DATABASE \"{building}\""))
            .execute(&mut conn)
            .expect("create the template");
        {
            let mut template_conn = admin(&with_database(admin_url, &building));
            efiling::store::migrate(&mut template_conn).expect("migrate the template");
        }
        diesel::sql_query(format!(
            "ALTER DATABASE \"{building}\" RENAME TO \"{template}\""
        ))
        .execute(&mut conn)
        .expect("publish the template");
    }
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(lock_key)
        .execute(&mut conn)
        .expect("advisory unlock");
}

/// A database of its own for one test, dropped when the test ends.
pub struct TestDatabase {
    name: String,
    url: String,
}

impl TestDatabase {
    /// A fresh copy of the migrated template, reference data included.
    pub fn new() -> TestDatabase {
        let server = server();
        let name = format!("efiling_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin(&server.admin_url);
        diesel::sql_query(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{}\"",
            server.template
        ))
        .execute(&mut conn)
        .expect("create the test database");
        let url = with_database(&server.admin_url, &name);
        TestDatabase { name, url }
    }

    /// An empty database, not migrated (for migration tests).
    pub fn empty() -> TestDatabase {
        let server = server();
        let name = format!("efiling_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin(&server.admin_url);
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .expect("create the test database");
        let url = with_database(&server.admin_url, &name);
        TestDatabase { name, url }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn connect(&self) -> PgConnection {
        admin(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let server = server();
        if let Ok(mut conn) = PgConnection::establish(&server.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "y"),
        "postgres://u:p@h/y?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h:1", "z"), "postgres://h:1/z");
}
