//! The test harness: a real HTTP server on a free port over a database of its own.

pub mod database;

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::web;
use efiling::config::Config;
use efiling::http::metrics::Metrics;
use efiling::http::{self, AppState};
use efiling::store::{self, DbPool};
use serde_json::Value;

pub use database::TestDatabase;

/// A running service for one test.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    handle: ServerHandle,
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

    /// Starts the full application plus test routes registered by `extra`.
    pub async fn spawn_probe<E>(adjust: impl FnOnce(Config) -> Config, extra: E) -> TestApp
    where
        E: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    {
        let db = TestDatabase::new();
        let config = adjust(Config::for_database(db.url().to_owned()));
        let pool = store::connect(db.url(), 4, Duration::from_secs(10)).expect("test pool");
        let state = AppState::new(pool.clone(), config);
        let metrics = web::Data::new(Metrics::new().expect("metrics"));
        let server_state = state.clone();
        TestApp::serve(db, pool, move || {
            http::app_with(server_state.clone(), metrics.clone(), extra.clone())
        })
    }

    /// Starts a custom application (for probing shared mechanisms with test routes).
    pub fn serve<F, A, B>(db: TestDatabase, pool: DbPool, factory: F) -> TestApp
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
            pool,
            handle,
            _database: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
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
