//! The test harness: a real HTTP server on a free port over a database of its own.

pub mod database;
pub mod s3;

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::web;
use efiling::config::Config;
use efiling::http::metrics::Metrics;
use efiling::http::{self, AppState};
use efiling::integrations::Integrations;
use efiling::store::{self, DbPool};
use serde_json::Value;

pub use database::TestDatabase;

/// A running service for one test.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub state: AppState,
    handle: ServerHandle,
    /// Files of this app (material store, staging); removed with it.
    pub data_dir: Option<tempfile::TempDir>,
    // Dropped last: the database outlives the server that uses it.
    _database: TestDatabase,
}

impl TestApp {
    /// Starts the full application.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|config| config).await
    }

    /// Starts the full application with an adjusted configuration.
    pub async fn spawn_with(adjust: impl FnOnce(Config) -> Config) -> TestApp {
        TestApp::spawn_probe(adjust, |_| {}).await
    }

    /// Starts the full application talking to the given outside systems.
    pub async fn spawn_with_integrations(integrations: Integrations) -> TestApp {
        TestApp::start(|config| config, integrations, |_| {}).await
    }

    /// Starts the full application plus test routes registered by `extra`.
    pub async fn spawn_probe<E>(adjust: impl FnOnce(Config) -> Config, extra: E) -> TestApp
    where
        E: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    {
        TestApp::start(adjust, Integrations::simulated(), extra).await
    }

    async fn start<E>(
        adjust: impl FnOnce(Config) -> Config,
        integrations: Integrations,
        extra: E,
    ) -> TestApp
    where
        E: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    {
        let db = TestDatabase::new();
        let data_dir = tempfile::tempdir().expect("data directory");
        let mut config = Config::for_database(db.url().to_owned());
        config.data_dir = data_dir.path().to_path_buf();
        config.materials_store = efiling::integrations::blob_store::BlobStoreConfig::Local {
            root: data_dir.path().join("materials"),
        };
        let config = adjust(config);
        let pool = store::connect(db.url(), 4, Duration::from_secs(10)).expect("test pool");
        let state = AppState::new(pool.clone(), config)
            .expect("application state")
            .with_integrations(integrations);
        let metrics = web::Data::new(Metrics::new().expect("metrics"));
        let server_state = state.clone();
        let mut app = TestApp::serve(db, state, move || {
            http::app_with(server_state.clone(), metrics.clone(), extra.clone())
        });
        app.data_dir = Some(data_dir);
        app
    }

    /// Starts a custom application (for probing shared mechanisms with test routes).
    pub fn serve<F, A, B>(db: TestDatabase, state: AppState, factory: F) -> TestApp
    where
        F: Fn() -> actix_web::App<A> + Send + Clone + 'static,
        A: actix_web::dev::ServiceFactory<
                actix_web::dev::ServiceRequest,
                Config = (),
                Response = actix_web::dev::ServiceResponse<B>,
                Error = actix_web::Error,
                InitError = (),
            > + 'static,
        B: actix_web::body::MessageBody + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound address").port();
        let server = actix_web::HttpServer::new(factory)
            .workers(1)
            .disable_signals()
            .listen(listener)
            .expect("listen")
            .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        TestApp {
            base_url: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
            pool: state.pool.clone(),
            state,
            handle,
            data_dir: None,
            _database: db,
        }
    }

    /// Runs the background jobs until they find nothing more to do.
    pub async fn run_jobs(&self) -> usize {
        let state = self.state.clone();
        // A plain thread: the jobs run an async runtime of their own.
        web::block(move || {
            std::thread::spawn(move || efiling::jobs::run_until_idle(&state))
                .join()
                .expect("job thread")
        })
        .await
        .expect("blocking pool")
        .expect("jobs")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Sends `body` as JSON with `method` to `path`, with an optional bearer token; returns
    /// the status and the JSON body (null when empty).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("a JSON body")
        };
        (status, json)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    /// GET `path` and return the status and JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting and close connections so the database can be dropped.
        drop(self.handle.stop(false));
    }
}

/// Asserts that `body` is a problem document with `code` and `status`.
pub fn assert_problem(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "status of {body}");
    assert_eq!(body["code"], code, "code of {body}");
    assert_eq!(body["status"], expected_status, "status field of {body}");
    assert!(
        body["type"].as_str().is_some_and(|t| t.ends_with(code)),
        "{body}"
    );
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
}
