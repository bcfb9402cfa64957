//! The outside systems the platform depends on but does not run: the national citizen
//! registry (real-name verification), the national lawyer registry, the SMS gateway and the
//! provincial justice department's list of licensed legal workers.
//!
//! Each system sits behind a trait so that the rest of the platform never knows whether it
//! talks to the real thing. Each has two implementations:
//!
//! - a real client speaking HTTP and JSON (`Http…`), whose assumed protocol is documented in
//!   its module: endpoint paths, request and response bodies, and the shared conventions of
//!   [`http`] (authentication by an `X-Api-Key` header, timeouts, how failures are
//!   classified);
//! - a faithful simulator (`Simulated…`) that answers the way the real system does, from CSV
//!   fixtures (see `fixtures/README.md`), optionally as slowly as the real one. The default
//!   configuration uses the simulators, since no outside system is reachable from a
//!   development machine or CI.
//!
//! The traits are synchronous: they are called from background jobs running on blocking
//! threads, next to synchronous diesel code, so an async client would only add a runtime to
//! block on.
//!
//! [`Integrations::from_env`] picks, for each system, the real client when its `*_URL`
//! variable is set and the simulator otherwise. The variables:
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `INTEGRATIONS_TIMEOUT_MS` | `10000` | longest wait for one HTTP request to a real system |
//! | `CITIZEN_REGISTRY_URL` | unset | base URL of the citizen registry; unset: simulator |
//! | `CITIZEN_REGISTRY_API_KEY` | unset | its API key; required when the URL is set |
//! | `CITIZEN_REGISTRY_FIXTURE` | unset | simulator's CSV; unset: everyone valid verifies |
//! | `CITIZEN_REGISTRY_DELAY_MS` | `0` | simulator's delay per call |
//! | `LAWYER_REGISTRY_URL` | unset | base URL of the lawyer registry; unset: simulator |
//! | `LAWYER_REGISTRY_API_KEY` | unset | its API key; required when the URL is set |
//! | `LAWYER_REGISTRY_FIXTURE` | unset | simulator's CSV; unset: nobody is registered |
//! | `LAWYER_REGISTRY_DELAY_MS` | `0` | simulator's delay per call |
//! | `SMS_GATEWAY_URL` | unset | base URL of the SMS gateway; unset: simulator |
//! | `SMS_GATEWAY_API_KEY` | unset | its API key; required when the URL is set |
//! | `SMS_GATEWAY_SIGN_NAME` | `【山东法院】` | signature the gateway puts before every message |
//! | `SMS_GATEWAY_FAIL_PHONES` | unset | simulator: comma-separated phones whose sends fail |
//! | `JUSTICE_DEPARTMENT_URL` | unset | base URL of the justice department; unset: simulator |
//! | `JUSTICE_DEPARTMENT_API_KEY` | unset | its API key; required when the URL is set |
//! | `LEGAL_WORKER_FIXTURE` | unset | simulator's CSV; unset: the list is empty |
//! | `PROVINCIAL_PAYMENT_URL` | unset | base URL of the provincial payment platform; unset: simulator |
//! | `PROVINCIAL_PAYMENT_API_KEY` | unset | its API key; required when the URL is set |
//! | `PROVINCIAL_PAYMENT_NOTIFY_SECRET` | random | key of its notification signatures; required when the URL is set |
//! | `QINGDAO_PAYMENT_URL`, `_API_KEY`, `_NOTIFY_SECRET` | unset | the same for the Qingdao courts' platform |

pub mod blob_store;
pub mod citizen_registry;
mod fixture;
pub mod http;
pub mod justice_department;
pub mod lawyer_registry;
pub mod payment_platform;
pub mod sms;
#[cfg(test)]
mod test_server;
pub mod trial_system;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};

pub use citizen_registry::{
    CitizenCheck, CitizenFailure, CitizenFixtureRow, CitizenRegistry, HttpCitizenRegistry,
    SimulatedCitizenRegistry,
};
pub use http::HttpSettings;
pub use justice_department::{
    HttpJusticeDepartment, JusticeDepartment, LegalWorkerRecord, SimulatedJusticeDepartment,
};
pub use lawyer_registry::{
    HttpLawyerRegistry, LawyerCheck, LawyerFixtureRow, LawyerRecord, LawyerRegistry,
    SimulatedLawyerRegistry,
};
pub use payment_platform::{HttpPaymentPlatform, PaymentPlatform, SimulatedPaymentPlatform};
pub use sms::{
    DeliveryReceipt, DeliveryStatus, HttpSmsGateway, SentSms, SimulatedSmsGateway, SmsGateway,
};

use crate::domain::payment::Platform;
use crate::domain::phone::MobilePhone;

/// Why a call to an outside system did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    /// The system did not answer or answered 5xx: retry later.
    #[error("{system} is unavailable: {reason}")]
    Unavailable {
        system: &'static str,
        reason: String,
    },
    /// The system answered something we do not understand: needs a person.
    #[error("{system} answered unexpectedly: {reason}")]
    Protocol {
        system: &'static str,
        reason: String,
    },
}

impl IntegrationError {
    /// Whether trying the same call again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, IntegrationError::Unavailable { .. })
    }

    /// The system that failed, for logs and metrics.
    pub fn system(&self) -> &'static str {
        match self {
            IntegrationError::Unavailable { system, .. }
            | IntegrationError::Protocol { system, .. } => system,
        }
    }
}

/// The outside systems, as the rest of the platform sees them.
#[derive(Clone)]
pub struct Integrations {
    /// Real-name verification of natural persons.
    pub citizen_registry: Arc<dyn CitizenRegistry>,
    /// The check of lawyers' registrations.
    pub lawyer_registry: Arc<dyn LawyerRegistry>,
    /// Text messages to mobile phones.
    pub sms: Arc<dyn SmsGateway>,
    /// The list of licensed basic-level legal service workers.
    pub justice_department: Arc<dyn JusticeDepartment>,
    /// The platforms that take court fees.
    pub payments: PaymentPlatforms,
}

/// The two payment platforms, and their simulators when simulated.
#[derive(Clone)]
pub struct PaymentPlatforms {
    provincial: Arc<dyn PaymentPlatform>,
    qingdao: Arc<dyn PaymentPlatform>,
    simulators: Vec<Arc<SimulatedPaymentPlatform>>,
}

impl PaymentPlatforms {
    /// Both simulated, with random notification secrets.
    pub fn simulated() -> PaymentPlatforms {
        let provincial = Arc::new(SimulatedPaymentPlatform::new(
            Platform::Provincial,
            random_secret(),
            official_next_working_day,
        ));
        let qingdao = Arc::new(SimulatedPaymentPlatform::new(
            Platform::Qingdao,
            random_secret(),
            official_next_working_day,
        ));
        PaymentPlatforms {
            provincial: provincial.clone(),
            qingdao: qingdao.clone(),
            simulators: vec![provincial, qingdao],
        }
    }

    /// The platform of a flow.
    pub fn get(&self, platform: Platform) -> &Arc<dyn PaymentPlatform> {
        match platform {
            Platform::Provincial => &self.provincial,
            Platform::Qingdao => &self.qingdao,
        }
    }

    /// Whether every platform is simulated (no real money can move).
    pub fn all_simulated(&self) -> bool {
        self.simulators.len() == 2
    }

    /// The simulator of a platform, when it is simulated.
    pub fn simulator(&self, platform: Platform) -> Option<&Arc<SimulatedPaymentPlatform>> {
        self.simulators
            .iter()
            .find(|simulator| simulator.platform() == platform)
    }
}

/// The next working day of the official calendar, for the simulators' statements.
fn official_next_working_day(day: NaiveDate) -> NaiveDate {
    crate::domain::working_days::official()
        .next_working_day(day)
        .unwrap_or(day)
}

fn random_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut secret = vec![0; 32];
    rand::rng().fill_bytes(&mut secret);
    secret
}

/// The signature put before every text message when `SMS_GATEWAY_SIGN_NAME` is unset.
pub const DEFAULT_SMS_SIGN_NAME: &str = "【山东法院】";

impl Integrations {
    /// Real clients where their URL variable is set, simulators otherwise.
    ///
    /// # Errors
    ///
    /// A malformed value (a URL that is not `http(s)://host…`, a delay or timeout that is
    /// not a whole number of milliseconds, an unreadable or invalid fixture, a phone in
    /// `SMS_GATEWAY_FAIL_PHONES` that is not a mobile number), or a URL whose API key
    /// variable is unset, refused with a message that names the variable.
    pub fn from_env() -> anyhow::Result<Integrations> {
        Integrations::from_vars(&|name| std::env::var(name).ok())
    }

    /// Simulators with no fixtures and no delay (tests build on this and swap parts).
    pub fn simulated() -> Integrations {
        Integrations {
            citizen_registry: Arc::new(SimulatedCitizenRegistry::new(Vec::new(), Duration::ZERO)),
            lawyer_registry: Arc::new(SimulatedLawyerRegistry::new(Vec::new(), Duration::ZERO)),
            sms: Arc::new(SimulatedSmsGateway::new(Vec::new())),
            justice_department: Arc::new(SimulatedJusticeDepartment::new(Vec::new())),
            payments: PaymentPlatforms::simulated(),
        }
    }

    /// [`Integrations::from_env`] over any source of variables, so that it can be tested
    /// without changing the process environment. Blank values count as unset.
    fn from_vars(var: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Integrations> {
        let env = Env(var);
        let timeout = Duration::from_millis(env.millis("INTEGRATIONS_TIMEOUT_MS", 10_000)?);
        if timeout.is_zero() {
            bail!("INTEGRATIONS_TIMEOUT_MS must be more than 0");
        }

        let citizen_registry: Arc<dyn CitizenRegistry> = match env.http_settings(
            citizen_registry::SYSTEM,
            "CITIZEN_REGISTRY",
            timeout,
            &["CITIZEN_REGISTRY_FIXTURE", "CITIZEN_REGISTRY_DELAY_MS"],
        )? {
            Some(settings) => Arc::new(HttpCitizenRegistry::new(settings)),
            None => {
                let rows = match env.get("CITIZEN_REGISTRY_FIXTURE") {
                    Some(path) => SimulatedCitizenRegistry::load_fixture(Path::new(&path))
                        .with_context(|| format!("CITIZEN_REGISTRY_FIXTURE={path:?}"))?,
                    None => Vec::new(),
                };
                let delay = env.millis("CITIZEN_REGISTRY_DELAY_MS", 0)?;
                log_simulator(citizen_registry::SYSTEM, rows.len(), delay);
                Arc::new(SimulatedCitizenRegistry::new(
                    rows,
                    Duration::from_millis(delay),
                ))
            }
        };

        let lawyer_registry: Arc<dyn LawyerRegistry> = match env.http_settings(
            lawyer_registry::SYSTEM,
            "LAWYER_REGISTRY",
            timeout,
            &["LAWYER_REGISTRY_FIXTURE", "LAWYER_REGISTRY_DELAY_MS"],
        )? {
            Some(settings) => Arc::new(HttpLawyerRegistry::new(settings)),
            None => {
                let rows = match env.get("LAWYER_REGISTRY_FIXTURE") {
                    Some(path) => SimulatedLawyerRegistry::load_fixture(Path::new(&path))
                        .with_context(|| format!("LAWYER_REGISTRY_FIXTURE={path:?}"))?,
                    None => Vec::new(),
                };
                let delay = env.millis("LAWYER_REGISTRY_DELAY_MS", 0)?;
                log_simulator(lawyer_registry::SYSTEM, rows.len(), delay);
                Arc::new(SimulatedLawyerRegistry::new(
                    rows,
                    Duration::from_millis(delay),
                ))
            }
        };

        let sms: Arc<dyn SmsGateway> = match env.http_settings(
            sms::SYSTEM,
            "SMS_GATEWAY",
            timeout,
            &["SMS_GATEWAY_FAIL_PHONES"],
        )? {
            Some(settings) => {
                let sign_name = env
                    .get("SMS_GATEWAY_SIGN_NAME")
                    .unwrap_or_else(|| DEFAULT_SMS_SIGN_NAME.to_owned());
                Arc::new(HttpSmsGateway::new(settings, sign_name))
            }
            None => {
                let failing = match env.get("SMS_GATEWAY_FAIL_PHONES") {
                    Some(list) => parse_phone_list(&list).context("SMS_GATEWAY_FAIL_PHONES")?,
                    None => Vec::new(),
                };
                tracing::info!(
                    system = sms::SYSTEM,
                    failing_phones = failing.len(),
                    "outside system simulated"
                );
                Arc::new(SimulatedSmsGateway::new(failing))
            }
        };

        let justice_department: Arc<dyn JusticeDepartment> = match env.http_settings(
            justice_department::SYSTEM,
            "JUSTICE_DEPARTMENT",
            timeout,
            &["LEGAL_WORKER_FIXTURE"],
        )? {
            Some(settings) => Arc::new(HttpJusticeDepartment::new(settings)),
            None => {
                let records = match env.get("LEGAL_WORKER_FIXTURE") {
                    Some(path) => SimulatedJusticeDepartment::load_fixture(Path::new(&path))
                        .with_context(|| format!("LEGAL_WORKER_FIXTURE={path:?}"))?,
                    None => Vec::new(),
                };
                log_simulator(justice_department::SYSTEM, records.len(), 0);
                Arc::new(SimulatedJusticeDepartment::new(records))
            }
        };

        let mut simulators = Vec::new();
        let mut platform =
            |platform: Platform, prefix: &str| -> anyhow::Result<Arc<dyn PaymentPlatform>> {
                let secret_var = format!("{prefix}_NOTIFY_SECRET");
                let secret = env.get(&secret_var);
                let system = payment_platform::system_name(platform);
                Ok(match env.http_settings(system, prefix, timeout, &[])? {
                    Some(settings) => {
                        let Some(secret) = secret else {
                            bail!("{secret_var} must be set when {prefix}_URL is set");
                        };
                        Arc::new(HttpPaymentPlatform::new(
                            platform,
                            settings,
                            secret.into_bytes(),
                        ))
                    }
                    None => {
                        log_simulator(system, 0, 0);
                        let secret = secret.map_or_else(random_secret, String::into_bytes);
                        let simulator = Arc::new(SimulatedPaymentPlatform::new(
                            platform,
                            secret,
                            official_next_working_day,
                        ));
                        simulators.push(simulator.clone());
                        simulator
                    }
                })
            };
        let provincial = platform(Platform::Provincial, "PROVINCIAL_PAYMENT")?;
        let qingdao = platform(Platform::Qingdao, "QINGDAO_PAYMENT")?;

        Ok(Integrations {
            citizen_registry,
            lawyer_registry,
            sms,
            justice_department,
            payments: PaymentPlatforms {
                provincial,
                qingdao,
                simulators,
            },
        })
    }
}

/// Says at start which systems are simulated, so that a production instance that forgot a
/// URL is noticed in its log.
fn log_simulator(system: &'static str, fixture_rows: usize, delay_ms: u64) {
    tracing::info!(system, fixture_rows, delay_ms, "outside system simulated");
}

/// A source of environment variables.
struct Env<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    /// The trimmed value of a variable, `None` when unset or blank.
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// A whole number of milliseconds.
    fn millis(&self, name: &str, default: u64) -> anyhow::Result<u64> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw.parse().map_err(|_| {
                anyhow::anyhow!(
                    "{name}={raw:?} is not valid: expected a whole number of milliseconds"
                )
            }),
        }
    }

    /// The settings of a real client when `{prefix}_URL` is set; then `{prefix}_API_KEY` is
    /// required. Simulator variables that are set too are ignored, with a warning.
    fn http_settings(
        &self,
        system: &'static str,
        prefix: &str,
        timeout: Duration,
        simulator_variables: &[&str],
    ) -> anyhow::Result<Option<HttpSettings>> {
        let url_var = format!("{prefix}_URL");
        let Some(base_url) = self.get(&url_var) else {
            return Ok(None);
        };
        http::check_base_url(&base_url)
            .map_err(|problem| anyhow::anyhow!("{url_var}={base_url:?} is not valid: {problem}"))?;
        let key_var = format!("{prefix}_API_KEY");
        let Some(api_key) = self.get(&key_var) else {
            bail!("{key_var} must be set when {url_var} is set");
        };
        if !api_key.bytes().all(|b| b.is_ascii_graphic()) {
            bail!("{key_var} is not valid: it must be visible ASCII characters");
        }
        tracing::info!(system, base_url = %base_url, "outside system configured");
        for &variable in simulator_variables {
            if self.get(variable).is_some() {
                tracing::warn!(system, variable, "ignored: the real system is configured");
            }
        }
        Ok(Some(HttpSettings {
            base_url,
            api_key,
            timeout,
        }))
    }
}

/// Parses a comma-separated list of mobile numbers into their canonical forms.
fn parse_phone_list(list: &str) -> anyhow::Result<Vec<String>> {
    list.split(',')
        .map(str::trim)
        .filter(|phone| !phone.is_empty())
        .map(|phone| {
            MobilePhone::parse(phone)
                .map(|phone| phone.as_str().to_owned())
                .map_err(|code| anyhow::anyhow!("{phone:?} is not a mobile number ({code})"))
        })
        .collect()
}

/// Today's date in Asia/Shanghai, where calendar rules are evaluated.
fn shanghai_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

/// Masks what may be an ID number or a phone number that did not parse, for `Debug`: the
/// first three and last four characters stay, as [`MobilePhone::masked`] and
/// `ResidentIdNumber::masked` keep them; short values are hidden entirely.
fn mask_number(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let keep_end = chars.len() - 4;
    chars
        .iter()
        .enumerate()
        .map(|(index, &c)| {
            if index < 3 || index >= keep_end {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Masks a person's name for `Debug`: the first character stays.
fn mask_name(value: &str) -> String {
    value
        .chars()
        .enumerate()
        .map(|(index, c)| {
            if index == 0 || c == '·' || c == ' ' {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::integrations::test_server::{Canned, TestServer};

    fn build(vars: &[(&str, &str)]) -> anyhow::Result<Integrations> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Integrations::from_vars(&move |name| map.get(name).cloned())
    }

    fn error_of(vars: &[(&str, &str)]) -> String {
        match build(vars) {
            Ok(_) => panic!("{vars:?} was accepted"),
            Err(error) => format!("{error:#}"),
        }
    }

    fn fixture(name: &str) -> String {
        format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn without_variables_everything_is_simulated() {
        let integrations = build(&[]).unwrap();
        // Simulators without fixtures: any valid citizen verifies, nobody is a lawyer, the
        // justice department lists nobody, texts are accepted.
        assert_eq!(
            integrations
                .citizen_registry
                .verify("11010519491231002X", "测试甲")
                .unwrap(),
            CitizenCheck::Verified
        );
        assert!(
            integrations
                .justice_department
                .legal_workers()
                .unwrap()
                .is_empty()
        );
        let id = integrations.sms.send("13900000001", "测试").unwrap();
        assert!(id.starts_with("sim-"), "{id}");
    }

    #[test]
    fn blank_values_count_as_unset() {
        let integrations = build(&[
            ("CITIZEN_REGISTRY_URL", "  "),
            ("CITIZEN_REGISTRY_DELAY_MS", ""),
            ("SMS_GATEWAY_FAIL_PHONES", " "),
        ])
        .unwrap();
        assert!(integrations.sms.send("13900000001", "测试").is_ok());
    }

    #[test]
    fn shipped_fixtures_load_through_the_variables() {
        let integrations = build(&[
            ("CITIZEN_REGISTRY_FIXTURE", &fixture("citizen_registry.csv")),
            ("LAWYER_REGISTRY_FIXTURE", &fixture("lawyer_registry.csv")),
            ("LEGAL_WORKER_FIXTURE", &fixture("legal_workers.csv")),
            ("CITIZEN_REGISTRY_DELAY_MS", "1"),
            ("LAWYER_REGISTRY_DELAY_MS", "1"),
            ("SMS_GATEWAY_FAIL_PHONES", "13900000099, +86 139-0000-0098"),
        ])
        .unwrap();
        assert!(
            integrations
                .justice_department
                .legal_workers()
                .unwrap()
                .len()
                >= 3
        );
        assert!(matches!(
            integrations.sms.send("13900000098", "测试"),
            Err(IntegrationError::Unavailable { .. })
        ));
        assert!(matches!(
            integrations.sms.send("13900000099", "测试"),
            Err(IntegrationError::Unavailable { .. })
        ));
    }

    #[test]
    fn a_url_without_its_api_key_is_refused() {
        for (url_var, key_var) in [
            ("CITIZEN_REGISTRY_URL", "CITIZEN_REGISTRY_API_KEY"),
            ("LAWYER_REGISTRY_URL", "LAWYER_REGISTRY_API_KEY"),
            ("SMS_GATEWAY_URL", "SMS_GATEWAY_API_KEY"),
            ("JUSTICE_DEPARTMENT_URL", "JUSTICE_DEPARTMENT_API_KEY"),
        ] {
            let message = error_of(&[(url_var, "https://example.invalid/api")]);
            assert!(message.contains(key_var), "{message}");
            assert!(message.contains(url_var), "{message}");
            let message = error_of(&[(url_var, "https://example.invalid/api"), (key_var, " ")]);
            assert!(message.contains(key_var), "{message}");
        }
    }

    #[test]
    fn malformed_values_name_their_variable() {
        let wrong_kind = fixture("citizen_registry.csv");
        for (vars, variable) in [
            (
                vec![
                    ("CITIZEN_REGISTRY_URL", "registry.example"),
                    ("CITIZEN_REGISTRY_API_KEY", "k"),
                ],
                "CITIZEN_REGISTRY_URL",
            ),
            (
                vec![
                    ("LAWYER_REGISTRY_URL", "ftp://x.example/"),
                    ("LAWYER_REGISTRY_API_KEY", "k"),
                ],
                "LAWYER_REGISTRY_URL",
            ),
            (
                vec![
                    ("SMS_GATEWAY_URL", "https://x.example/?a=1"),
                    ("SMS_GATEWAY_API_KEY", "k"),
                ],
                "SMS_GATEWAY_URL",
            ),
            (
                vec![
                    ("JUSTICE_DEPARTMENT_URL", "https://x.example"),
                    ("JUSTICE_DEPARTMENT_API_KEY", "密钥"),
                ],
                "JUSTICE_DEPARTMENT_API_KEY",
            ),
            (
                vec![("CITIZEN_REGISTRY_DELAY_MS", "fast")],
                "CITIZEN_REGISTRY_DELAY_MS",
            ),
            (
                vec![("LAWYER_REGISTRY_DELAY_MS", "-5")],
                "LAWYER_REGISTRY_DELAY_MS",
            ),
            (
                vec![("INTEGRATIONS_TIMEOUT_MS", "10s")],
                "INTEGRATIONS_TIMEOUT_MS",
            ),
            (
                vec![("INTEGRATIONS_TIMEOUT_MS", "0")],
                "INTEGRATIONS_TIMEOUT_MS",
            ),
            (
                vec![("SMS_GATEWAY_FAIL_PHONES", "13900000001,0531-86123456")],
                "SMS_GATEWAY_FAIL_PHONES",
            ),
            (
                vec![("CITIZEN_REGISTRY_FIXTURE", "/nonexistent/citizens.csv")],
                "CITIZEN_REGISTRY_FIXTURE",
            ),
            (
                vec![("LAWYER_REGISTRY_FIXTURE", "/nonexistent/lawyers.csv")],
                "LAWYER_REGISTRY_FIXTURE",
            ),
            (
                vec![("LEGAL_WORKER_FIXTURE", "/nonexistent/workers.csv")],
                "LEGAL_WORKER_FIXTURE",
            ),
            // A fixture of the wrong kind fails on its header.
            (
                vec![("LAWYER_REGISTRY_FIXTURE", wrong_kind.as_str())],
                "LAWYER_REGISTRY_FIXTURE",
            ),
        ] {
            let message = error_of(&vars);
            assert!(message.contains(variable), "{variable}: {message}");
        }
    }

    #[test]
    fn a_fixture_error_names_the_variable_the_file_and_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("citizens.csv");
        std::fs::write(
            &path,
            "id_number,name,outcome\n11010519491231002X,测试甲,verified\n370102199003071238,测试乙,maybe\n",
        )
        .unwrap();
        let message = error_of(&[("CITIZEN_REGISTRY_FIXTURE", path.to_str().unwrap())]);
        assert!(message.contains("CITIZEN_REGISTRY_FIXTURE"), "{message}");
        assert!(message.contains("citizens.csv"), "{message}");
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("maybe"), "{message}");
    }

    #[test]
    fn a_url_selects_the_real_client_with_its_key_and_the_shared_timeout() {
        let server = TestServer::start(vec![
            Canned::json(200, r#"{"result":"special_status"}"#),
            Canned::json(200, r#"{"items":[],"page":1,"page_size":100,"total":0}"#),
            Canned::json(200, r#"{"message_id":"gw-1"}"#),
            Canned::json(200, r#"{"record":null}"#),
        ]);
        let integrations = build(&[
            ("CITIZEN_REGISTRY_URL", &server.url),
            ("CITIZEN_REGISTRY_API_KEY", "citizen-key"),
            (
                "CITIZEN_REGISTRY_FIXTURE",
                "/ignored/when/the/url/is/set.csv",
            ),
            ("JUSTICE_DEPARTMENT_URL", &server.url),
            ("JUSTICE_DEPARTMENT_API_KEY", "justice-key"),
            ("SMS_GATEWAY_URL", &format!("{}/", server.url)),
            ("SMS_GATEWAY_API_KEY", "sms-key"),
            ("SMS_GATEWAY_SIGN_NAME", "【测试法院】"),
            ("LAWYER_REGISTRY_URL", &server.url),
            ("LAWYER_REGISTRY_API_KEY", "lawyer-key"),
            ("INTEGRATIONS_TIMEOUT_MS", "2000"),
        ])
        .unwrap();
        assert_eq!(
            integrations
                .citizen_registry
                .verify("11010519491231002X", "测试甲")
                .unwrap(),
            CitizenCheck::Failed(CitizenFailure::SpecialStatus)
        );
        assert!(
            integrations
                .justice_department
                .legal_workers()
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            integrations.sms.send("13900000001", "您好").unwrap(),
            "gw-1"
        );
        let submitted = lawyer_registry::tests::sample_record();
        let submitted = LawyerRecord {
            id_number: String::new(),
            ..submitted
        };
        assert_eq!(
            integrations
                .lawyer_registry
                .check(&submitted, Utc::now())
                .unwrap(),
            LawyerCheck::NotYetInRegistry
        );

        let requests = server.requests();
        let keys: Vec<_> = requests
            .iter()
            .map(|r| r.header("x-api-key").unwrap_or_default())
            .collect();
        assert_eq!(
            keys,
            ["citizen-key", "justice-key", "sms-key", "lawyer-key"]
        );
        assert_eq!(requests[2].path, "/v1/messages");
        assert!(
            requests[2].body.contains("【测试法院】"),
            "{}",
            requests[2].body
        );
    }

    #[test]
    fn integration_errors_say_which_system_and_whether_to_retry() {
        let unavailable = IntegrationError::Unavailable {
            system: "SMS gateway",
            reason: "HTTP 503".into(),
        };
        assert!(unavailable.is_retryable());
        assert_eq!(unavailable.system(), "SMS gateway");
        assert_eq!(
            unavailable.to_string(),
            "SMS gateway is unavailable: HTTP 503"
        );
        let protocol = IntegrationError::Protocol {
            system: "citizen registry",
            reason: "HTTP 401".into(),
        };
        assert!(!protocol.is_retryable());
        assert_eq!(
            protocol.to_string(),
            "citizen registry answered unexpectedly: HTTP 401"
        );
    }

    #[test]
    fn numbers_and_names_are_masked() {
        assert_eq!(mask_number("37010219900307123X"), "370***********123X");
        assert_eq!(mask_number("13900000001"), "139****0001");
        assert_eq!(mask_number("1234"), "****");
        assert_eq!(mask_name("测试甲"), "测**");
        assert_eq!(mask_name("买买提·艾力"), "买**·**");
    }
}
