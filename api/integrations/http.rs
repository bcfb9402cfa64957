//! The HTTP and JSON conventions every real client shares.
//!
//! None of the outside systems publishes its interface to us yet, so the clients assume the
//! common shape of government and carrier interfaces, in one place so that adapting to the
//! real contract touches one module:
//!
//! - every system has a base URL (`https://host/prefix`); endpoint paths below it are
//!   versioned (`/v1/…`) and named in each client's module;
//! - requests carry the API key in an `X-Api-Key` header, and `Accept: application/json`;
//!   bodies are UTF-8 JSON (`Content-Type: application/json`). Personal data (ID numbers,
//!   phones, names) travels only in bodies, never in URLs, which proxies and servers log;
//! - each request may take at most the configured timeout (`INTEGRATIONS_TIMEOUT_MS`,
//!   10 seconds by default) in all, and at most 5 seconds of it to connect;
//! - redirects are not followed: they would carry the API key to another address;
//! - a 2xx answer carries a JSON body.
//!
//! Failures are classified for the caller, which retries only what may succeed later:
//!
//! - [`IntegrationError::Unavailable`]: no connection, a timeout, a broken connection,
//!   `408`, `429` or any `5xx`;
//! - [`IntegrationError::Protocol`]: any other status (`401`/`403`: the API key is wrong;
//!   `404`: the base URL is wrong; `400`/`422`: our request does not fit the contract),
//!   a redirect, a TLS failure (a certificate problem needs a person), or a body that is not
//!   the JSON expected.
//!
//! Error reasons never quote response bodies, and JSON errors are passed through
//! [`mask_personal_data`], so that no ID or phone number reaches a log through them.

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use ureq::Agent;
use ureq::http::Uri;

use crate::integrations::IntegrationError;
use crate::logging::mask_personal_data;

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "X-Api-Key";

/// How long one request may take in all when no timeout is configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest wait for a connection: a system that does not accept one within this time
/// is down, and waiting out the whole timeout would only hold the job longer.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where a real system is and how to authenticate to it.
#[derive(Clone)]
pub struct HttpSettings {
    /// The base URL, `http://` or `https://`, with an optional path prefix.
    pub base_url: String,
    /// The key sent in the `X-Api-Key` header.
    pub api_key: String,
    /// The longest a request may take in all.
    pub timeout: Duration,
}

impl HttpSettings {
    /// Settings with the default timeout.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> HttpSettings {
        HttpSettings {
            base_url: base_url.into(),
            api_key: api_key.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl fmt::Debug for HttpSettings {
    /// Leaves out the API key, which is a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSettings")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Checks that a base URL is `http(s)://host[:port][/prefix]`, without query or fragment
/// (the endpoint paths are appended to it).
pub(crate) fn check_base_url(url: &str) -> Result<(), String> {
    if url.contains(['?', '#']) {
        return Err("a base URL has no query or fragment".into());
    }
    let uri: Uri = url
        .parse()
        .map_err(|_| "expected http(s)://host[:port][/path]".to_owned())?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err("expected http(s)://host[:port][/path]".into()),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err("credentials belong in the API key variable, not in the URL".into());
    }
    Ok(())
}

/// A JSON client of one system.
pub(crate) struct JsonClient {
    system: &'static str,
    base_url: String,
    api_key: String,
    agent: Agent,
}

impl JsonClient {
    pub(crate) fn new(system: &'static str, settings: HttpSettings) -> JsonClient {
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(settings.timeout))
            .timeout_connect(Some(settings.timeout.min(MAX_CONNECT_TIMEOUT)))
            .user_agent(concat!("efiling/", env!("CARGO_PKG_VERSION")))
            .build();
        JsonClient {
            system,
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            api_key: settings.api_key,
            agent: config.into(),
        }
    }

    /// `POST`s a JSON body to `path` (starting with `/`) and reads the JSON answer.
    pub(crate) fn post<Req, Resp>(&self, path: &str, body: &Req) -> Result<Resp, IntegrationError>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| self.protocol(format!("cannot encode the request: {e}")))?;
        let result = self
            .agent
            .post(format!("{}{path}", self.base_url))
            .header(API_KEY_HEADER, &self.api_key)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .send(bytes);
        self.answer(result)
    }

    /// `GET`s `path` (starting with `/`) with query parameters and reads the JSON answer.
    pub(crate) fn get<Resp>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Resp, IntegrationError>
    where
        Resp: DeserializeOwned,
    {
        let mut request = self
            .agent
            .get(format!("{}{path}", self.base_url))
            .header(API_KEY_HEADER, &self.api_key)
            .header("Accept", "application/json");
        for (name, value) in query {
            request = request.query(*name, value);
        }
        self.answer(request.call())
    }

    fn answer<Resp>(
        &self,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Resp, IntegrationError>
    where
        Resp: DeserializeOwned,
    {
        let mut response = result.map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        match status {
            200..=299 => {}
            408 | 429 | 500..=599 => return Err(self.unavailable(format!("HTTP {status}"))),
            401 | 403 => {
                return Err(self.protocol(format!("HTTP {status}: the API key was refused")));
            }
            _ => return Err(self.protocol(format!("HTTP {status}"))),
        }
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| self.transport(e))?;
        serde_json::from_str(&text).map_err(|e| self.protocol(describe_json_error(&e)))
    }

    /// Classifies an error of the HTTP client.
    fn transport(&self, error: ureq::Error) -> IntegrationError {
        match error {
            ureq::Error::BadUri(_)
            | ureq::Error::Http(_)
            | ureq::Error::InvalidProxyUrl
            | ureq::Error::RedirectFailed
            | ureq::Error::TooManyRedirects
            | ureq::Error::Tls(_)
            | ureq::Error::Pem(_)
            | ureq::Error::Rustls(_)
            | ureq::Error::BodyExceedsLimit(_) => self.protocol(error.to_string()),
            // Timeouts, refused or broken connections, name resolution, malformed HTTP
            // (typically a connection cut mid-answer), and whatever a later version adds.
            _ => self.unavailable(error.to_string()),
        }
    }

    pub(crate) fn unavailable(&self, reason: String) -> IntegrationError {
        IntegrationError::Unavailable {
            system: self.system,
            reason,
        }
    }

    pub(crate) fn protocol(&self, reason: String) -> IntegrationError {
        IntegrationError::Protocol {
            system: self.system,
            reason,
        }
    }
}

/// Describes why a body is not the JSON expected, without quoting it: serde's messages may
/// quote a value (`invalid type: string "…"`), which is masked in case it is personal.
fn describe_json_error(error: &serde_json::Error) -> String {
    let kind = match error.classify() {
        serde_json::error::Category::Data => "unexpected JSON content",
        serde_json::error::Category::Syntax => "malformed JSON",
        serde_json::error::Category::Eof => "truncated JSON",
        serde_json::error::Category::Io => "unreadable JSON",
    };
    format!("{kind}: {}", mask_personal_data(&error.to_string()))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::integrations::test_server::{Canned, TestServer};

    #[derive(Debug, Deserialize, PartialEq)]
    struct Answer {
        value: u32,
    }

    fn client(url: &str, timeout: Duration) -> JsonClient {
        JsonClient::new(
            "test system",
            HttpSettings {
                base_url: url.to_owned(),
                api_key: "secret-key".into(),
                timeout,
            },
        )
    }

    #[test]
    fn posts_json_with_the_api_key() {
        let server = TestServer::start(vec![Canned::json(200, r#"{"value": 7}"#)]);
        let answer: Answer = client(&format!("{}/prefix/", server.url), DEFAULT_TIMEOUT)
            .post("/v1/things", &json!({"id_number": "11010519491231002X"}))
            .unwrap();
        assert_eq!(answer, Answer { value: 7 });
        let request = &server.requests()[0];
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/prefix/v1/things");
        assert_eq!(request.header("x-api-key"), Some("secret-key"));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&request.body).unwrap(),
            json!({"id_number": "11010519491231002X"})
        );
    }

    #[test]
    fn gets_with_an_encoded_query() {
        let server = TestServer::start(vec![Canned::json(200, r#"{"value": 1}"#)]);
        let answer: Answer = client(&server.url, DEFAULT_TIMEOUT)
            .get("/v1/list", &[("page", "2".into()), ("q", "a b".into())])
            .unwrap();
        assert_eq!(answer.value, 1);
        let request = &server.requests()[0];
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/v1/list?page=2&q=a%20b");
    }

    #[test]
    fn server_errors_and_throttling_are_unavailable() {
        for status in [500, 502, 503, 504, 408, 429] {
            let server = TestServer::start(vec![Canned::json(status, r#"{"error":"busy"}"#)]);
            let error = client(&server.url, DEFAULT_TIMEOUT)
                .post::<_, Answer>("/v1/x", &json!({}))
                .unwrap_err();
            match error {
                IntegrationError::Unavailable { system, reason } => {
                    assert_eq!(system, "test system");
                    assert_eq!(reason, format!("HTTP {status}"));
                }
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn other_statuses_are_protocol_errors() {
        for status in [400, 401, 403, 404, 422, 302] {
            let server = TestServer::start(vec![Canned::json(status, "{}")]);
            let error = client(&server.url, DEFAULT_TIMEOUT)
                .post::<_, Answer>("/v1/x", &json!({}))
                .unwrap_err();
            assert!(
                matches!(error, IntegrationError::Protocol { .. }),
                "{status}: {error:?}"
            );
        }
    }

    #[test]
    fn a_refused_key_says_so() {
        let server = TestServer::start(vec![Canned::json(401, "{}")]);
        let error = client(&server.url, DEFAULT_TIMEOUT)
            .post::<_, Answer>("/v1/x", &json!({}))
            .unwrap_err();
        assert!(error.to_string().contains("API key"), "{error}");
    }

    #[test]
    fn malformed_or_unexpected_json_is_a_protocol_error_without_personal_data() {
        for body in [
            "not json",
            r#"{"value": "#,
            r#"{"other": 1}"#,
            r#"{"value": "37010219900307123X"}"#,
            "",
        ] {
            let server = TestServer::start(vec![Canned::json(200, body)]);
            let error = client(&server.url, DEFAULT_TIMEOUT)
                .post::<_, Answer>("/v1/x", &json!({}))
                .unwrap_err();
            let IntegrationError::Protocol { reason, .. } = &error else {
                panic!("{body}: {error:?}");
            };
            assert!(reason.contains("JSON"), "{reason}");
            assert!(!reason.contains("37010219900307123X"), "{reason}");
        }
    }

    #[test]
    fn a_slow_answer_times_out_as_unavailable() {
        let server = TestServer::start(vec![
            Canned::json(200, r#"{"value": 1}"#).after(Duration::from_secs(3)),
        ]);
        let started = Instant::now();
        let error = client(&server.url, Duration::from_millis(300))
            .post::<_, Answer>("/v1/x", &json!({}))
            .unwrap_err();
        assert!(
            matches!(error, IntegrationError::Unavailable { .. }),
            "{error:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_closed_port_is_unavailable() {
        let url = TestServer::closed_port_url();
        let error = client(&url, Duration::from_secs(2))
            .post::<_, Answer>("/v1/x", &json!({}))
            .unwrap_err();
        assert!(
            matches!(error, IntegrationError::Unavailable { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_connection_closed_without_an_answer_is_unavailable() {
        let server = TestServer::start(vec![Canned::hang_up()]);
        let error = client(&server.url, Duration::from_secs(2))
            .post::<_, Answer>("/v1/x", &json!({}))
            .unwrap_err();
        assert!(
            matches!(error, IntegrationError::Unavailable { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn base_urls_are_checked() {
        for good in [
            "https://registry.example",
            "https://registry.example/api/",
            "http://127.0.0.1:8081",
        ] {
            assert_eq!(check_base_url(good), Ok(()), "{good}");
        }
        for bad in [
            "registry.example",
            "ftp://registry.example",
            "https://",
            "https://registry.example/?key=1",
            "https://registry.example/#top",
            "https://regi stry.example",
            "https://user:password@registry.example",
            "",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn settings_do_not_show_the_key() {
        let settings = HttpSettings::new("https://registry.example", "secret-key");
        let shown = format!("{settings:?}");
        assert!(!shown.contains("secret-key"), "{shown}");
        assert!(shown.contains("registry.example"), "{shown}");
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
    }
}
