//! The national citizen registry, which confirms that an ID number belongs to a living
//! person of the given name (real-name verification).
//!
//! # Assumed protocol of the real registry
//!
//! `POST {CITIZEN_REGISTRY_URL}/v1/citizens/verify`, with the conventions of
//! [`crate::integrations::http`] (`X-Api-Key` header, JSON bodies, timeouts):
//!
//! ```json
//! {"id_number": "37010219900307123X", "name": "测试甲"}
//! ```
//!
//! answered `200` with one of
//!
//! ```json
//! {"result": "verified"}
//! {"result": "id_cancelled"}     // the number was cancelled (deceased, emigrated, duplicate)
//! {"result": "details_changed"}  // the record changed since the card was issued
//! {"result": "special_status"}   // a status the registry will not verify online
//! {"result": "name_mismatch"}    // the number exists under another name
//! {"result": "not_found"}        // no such number
//! ```
//!
//! Any other `result` is a [`IntegrationError::Protocol`]. Both values are sent in their
//! canonical forms (see [`ResidentIdNumber::parse`] and [`PersonName::parse`]) when they
//! parse, trimmed otherwise.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::domain::name::PersonName;
use crate::domain::resident_id::ResidentIdNumber;
use crate::domain::text::trim_blanks;
use crate::integrations::http::{HttpSettings, JsonClient};
use crate::integrations::{IntegrationError, fixture, mask_name, mask_number, shanghai_date};

/// The name of this system in errors and logs.
pub const SYSTEM: &str = "citizen registry";

/// Why the registry did not verify a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitizenFailure {
    /// The ID number was cancelled.
    IdCancelled,
    /// The person's registered details changed; the card no longer matches the record.
    DetailsChanged,
    /// The record has a status that cannot be verified online.
    SpecialStatus,
    /// The ID number exists, under another name.
    NameMismatch,
    /// There is no such ID number.
    NotFound,
}

impl CitizenFailure {
    /// Every failure, in declaration order.
    pub const ALL: [CitizenFailure; 5] = [
        CitizenFailure::IdCancelled,
        CitizenFailure::DetailsChanged,
        CitizenFailure::SpecialStatus,
        CitizenFailure::NameMismatch,
        CitizenFailure::NotFound,
    ];

    /// The failure as the registry and the API spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            CitizenFailure::IdCancelled => "id_cancelled",
            CitizenFailure::DetailsChanged => "details_changed",
            CitizenFailure::SpecialStatus => "special_status",
            CitizenFailure::NameMismatch => "name_mismatch",
            CitizenFailure::NotFound => "not_found",
        }
    }
}

/// The registry's answer about one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitizenCheck {
    Verified,
    Failed(CitizenFailure),
}

impl CitizenCheck {
    /// The answer as the registry spells it: `verified` or the failure.
    pub fn as_str(self) -> &'static str {
        match self {
            CitizenCheck::Verified => "verified",
            CitizenCheck::Failed(failure) => failure.as_str(),
        }
    }

    /// Reads an answer spelled as [`CitizenCheck::as_str`] gives it.
    pub fn from_name(name: &str) -> Option<CitizenCheck> {
        if name == "verified" {
            return Some(CitizenCheck::Verified);
        }
        CitizenFailure::ALL
            .into_iter()
            .find(|failure| failure.as_str() == name)
            .map(CitizenCheck::Failed)
    }
}

/// The national citizen registry.
pub trait CitizenRegistry: Send + Sync {
    /// Asks whether `id_number` belongs to a person named `name`.
    fn verify(&self, id_number: &str, name: &str) -> Result<CitizenCheck, IntegrationError>;
}

/// The canonical ID number when it parses (today in Asia/Shanghai), else the trimmed input
/// in upper case.
fn canonical_id_number(id_number: &str) -> Result<String, String> {
    ResidentIdNumber::parse(id_number, shanghai_date(Utc::now()))
        .map(|id| id.as_str().to_owned())
        .map_err(|_| trim_blanks(id_number).to_uppercase())
}

/// The canonical name when it parses, else the trimmed input.
fn canonical_name(name: &str) -> String {
    PersonName::parse(name)
        .map(|name| name.as_str().to_owned())
        .unwrap_or_else(|_| trim_blanks(name).to_owned())
}

/// One person the simulator knows, and the answer it gives about them.
#[derive(Clone, PartialEq, Eq)]
pub struct CitizenFixtureRow {
    pub id_number: String,
    pub name: String,
    pub outcome: CitizenCheck,
}

impl fmt::Debug for CitizenFixtureRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CitizenFixtureRow")
            .field("id_number", &mask_number(&self.id_number))
            .field("name", &mask_name(&self.name))
            .field("outcome", &self.outcome)
            .finish()
    }
}

/// A registry that answers from a fixture, as the real one would:
///
/// - an ID number that is not a valid mainland resident ID number is `not_found`;
/// - a listed ID number answers its outcome, except that `verified` becomes
///   `name_mismatch` when the name asked is not the listed one (both canonical);
/// - any other valid ID number verifies when the name is not blank, and is a
///   `name_mismatch` when it is.
///
/// Every call sleeps for the configured delay first, like a registry answering slowly.
pub struct SimulatedCitizenRegistry {
    rows: HashMap<String, CitizenFixtureRow>,
    delay: Duration,
}

/// The columns of the fixture, in order.
pub const FIXTURE_HEADER: &[&str] = &["id_number", "name", "outcome"];

impl SimulatedCitizenRegistry {
    /// A registry knowing these people (ID numbers and names are canonicalised; a later row
    /// for the same ID number wins), answering after `delay`.
    pub fn new(rows: Vec<CitizenFixtureRow>, delay: Duration) -> SimulatedCitizenRegistry {
        let rows = rows
            .into_iter()
            .map(|row| {
                let id_number = canonical_id_number(&row.id_number).unwrap_or_else(|raw| raw);
                let row = CitizenFixtureRow {
                    id_number: id_number.clone(),
                    name: canonical_name(&row.name),
                    outcome: row.outcome,
                };
                (id_number, row)
            })
            .collect();
        SimulatedCitizenRegistry { rows, delay }
    }

    /// A registry knowing the people of a CSV fixture, answering at once.
    ///
    /// # Errors
    ///
    /// As [`SimulatedCitizenRegistry::parse_fixture`].
    pub fn from_csv(text: &str) -> anyhow::Result<SimulatedCitizenRegistry> {
        Ok(SimulatedCitizenRegistry::new(
            SimulatedCitizenRegistry::parse_fixture(text)?,
            Duration::ZERO,
        ))
    }

    /// Parses a fixture with the header `id_number,name,outcome`.
    ///
    /// # Errors
    ///
    /// Naming the line: a wrong header, a wrong number of fields, an ID number that is not a
    /// valid mainland resident ID number today, a name that is not a valid name, an outcome
    /// that is not `verified` or a failure, an ID number listed twice.
    pub fn parse_fixture(text: &str) -> anyhow::Result<Vec<CitizenFixtureRow>> {
        let today = shanghai_date(Utc::now());
        let mut seen = HashMap::new();
        let mut parsed = Vec::new();
        for row in fixture::rows(text, FIXTURE_HEADER)? {
            let id_number = row.id_number(0, today)?;
            let name = row.person_name(1)?;
            let outcome = CitizenCheck::from_name(row.get(2)).ok_or_else(|| {
                row.error(format!(
                    "outcome {:?} is not one of verified, {}",
                    row.get(2),
                    CitizenFailure::ALL.map(CitizenFailure::as_str).join(", ")
                ))
            })?;
            if let Some(first) = seen.insert(id_number.clone(), row.line) {
                return Err(row.error(format!("the ID number is already listed on line {first}")));
            }
            parsed.push(CitizenFixtureRow {
                id_number,
                name,
                outcome,
            });
        }
        Ok(parsed)
    }

    /// Reads and parses a fixture file; errors name the file and the line.
    ///
    /// # Errors
    ///
    /// An unreadable file, or as [`SimulatedCitizenRegistry::parse_fixture`].
    pub fn load_fixture(path: &Path) -> anyhow::Result<Vec<CitizenFixtureRow>> {
        fixture::load(path, SimulatedCitizenRegistry::parse_fixture)
    }
}

impl CitizenRegistry for SimulatedCitizenRegistry {
    fn verify(&self, id_number: &str, name: &str) -> Result<CitizenCheck, IntegrationError> {
        std::thread::sleep(self.delay);
        let Ok(id_number) = canonical_id_number(id_number) else {
            return Ok(CitizenCheck::Failed(CitizenFailure::NotFound));
        };
        let name = canonical_name(name);
        Ok(match self.rows.get(&id_number) {
            Some(row) => match row.outcome {
                CitizenCheck::Verified if row.name != name => {
                    CitizenCheck::Failed(CitizenFailure::NameMismatch)
                }
                outcome => outcome,
            },
            None if name.is_empty() => CitizenCheck::Failed(CitizenFailure::NameMismatch),
            None => CitizenCheck::Verified,
        })
    }
}

/// The real registry, over HTTP (see the module documentation for the protocol).
pub struct HttpCitizenRegistry {
    client: JsonClient,
}

impl HttpCitizenRegistry {
    pub fn new(settings: HttpSettings) -> HttpCitizenRegistry {
        HttpCitizenRegistry {
            client: JsonClient::new(SYSTEM, settings),
        }
    }
}

#[derive(Serialize)]
struct VerifyRequest<'a> {
    id_number: &'a str,
    name: &'a str,
}

#[derive(Deserialize)]
struct VerifyResponse {
    result: String,
}

impl CitizenRegistry for HttpCitizenRegistry {
    fn verify(&self, id_number: &str, name: &str) -> Result<CitizenCheck, IntegrationError> {
        let id_number = canonical_id_number(id_number).unwrap_or_else(|raw| raw);
        let name = canonical_name(name);
        let response: VerifyResponse = self.client.post(
            "/v1/citizens/verify",
            &VerifyRequest {
                id_number: &id_number,
                name: &name,
            },
        )?;
        CitizenCheck::from_name(&response.result).ok_or_else(|| {
            let shown: String = response.result.chars().take(40).collect();
            self.client.protocol(format!(
                "unknown result {:?}",
                crate::logging::mask_personal_data(&shown)
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::integrations::test_server::{Canned, TestServer};

    const VERIFIED: &str = "11010519491231002X";

    fn row(id_number: &str, name: &str, outcome: CitizenCheck) -> CitizenFixtureRow {
        CitizenFixtureRow {
            id_number: id_number.into(),
            name: name.into(),
            outcome,
        }
    }

    fn failed(failure: CitizenFailure) -> CitizenCheck {
        CitizenCheck::Failed(failure)
    }

    #[test]
    fn answers_spell_as_the_registry_does() {
        assert_eq!(CitizenCheck::Verified.as_str(), "verified");
        let names: Vec<_> = CitizenFailure::ALL.map(CitizenFailure::as_str).to_vec();
        assert_eq!(
            names,
            [
                "id_cancelled",
                "details_changed",
                "special_status",
                "name_mismatch",
                "not_found"
            ]
        );
        for failure in CitizenFailure::ALL {
            assert_eq!(
                CitizenCheck::from_name(failure.as_str()),
                Some(failed(failure))
            );
        }
        assert_eq!(
            CitizenCheck::from_name("verified"),
            Some(CitizenCheck::Verified)
        );
        assert_eq!(CitizenCheck::from_name("Verified"), None);
        assert_eq!(CitizenCheck::from_name(""), None);
    }

    #[test]
    fn without_a_fixture_every_valid_number_with_a_name_verifies() {
        let registry = SimulatedCitizenRegistry::new(Vec::new(), Duration::ZERO);
        assert_eq!(
            registry.verify(VERIFIED, "测试甲").unwrap(),
            CitizenCheck::Verified
        );
        assert_eq!(
            registry.verify(" 11010519491231002x ", "任何人").unwrap(),
            CitizenCheck::Verified
        );
        assert_eq!(
            registry.verify(VERIFIED, " \u{3000} ").unwrap(),
            failed(CitizenFailure::NameMismatch)
        );
        // A wrong check character, a permit number, a 15-digit number: no such citizen.
        for invalid in [
            "110105194912310021",
            "810000199001010012",
            "370102900307123",
            "",
        ] {
            assert_eq!(
                registry.verify(invalid, "测试甲").unwrap(),
                failed(CitizenFailure::NotFound),
                "{invalid}"
            );
        }
    }

    #[test]
    fn listed_numbers_answer_their_outcome() {
        let registry = SimulatedCitizenRegistry::new(
            vec![
                row(VERIFIED, "测试甲", CitizenCheck::Verified),
                row(
                    "370102199003071238",
                    "测试乙",
                    failed(CitizenFailure::IdCancelled),
                ),
                row(
                    "44052419800101001 3",
                    "测试丙",
                    failed(CitizenFailure::SpecialStatus),
                ),
            ],
            Duration::ZERO,
        );
        assert_eq!(
            registry.verify(VERIFIED, "测试甲").unwrap(),
            CitizenCheck::Verified
        );
        // Canonical forms are compared: blanks, a lower-case x, full-width characters.
        assert_eq!(
            registry
                .verify("１１０１０５１９４９１２３１００２ｘ", "\u{3000}测试甲 ")
                .unwrap(),
            CitizenCheck::Verified
        );
        assert_eq!(
            registry.verify(VERIFIED, "测试乙").unwrap(),
            failed(CitizenFailure::NameMismatch)
        );
        // A failure is answered whatever the name.
        assert_eq!(
            registry.verify("370102199003071238", "别人").unwrap(),
            failed(CitizenFailure::IdCancelled)
        );
        assert_eq!(
            registry.verify("440524198001010013", "测试丙").unwrap(),
            failed(CitizenFailure::SpecialStatus)
        );
    }

    #[test]
    fn the_delay_is_slept_on_every_call() {
        let registry = SimulatedCitizenRegistry::new(Vec::new(), Duration::from_millis(60));
        let started = std::time::Instant::now();
        registry.verify(VERIFIED, "测试甲").unwrap();
        registry.verify(VERIFIED, "测试甲").unwrap();
        assert!(started.elapsed() >= Duration::from_millis(120));
    }

    #[test]
    fn fixtures_parse_with_canonical_values() {
        let registry = SimulatedCitizenRegistry::from_csv(
            "id_number,name,outcome\n11010519491231002x, 测试甲 ,verified\n370102199003071238,测试乙,not_found\n",
        )
        .unwrap();
        assert_eq!(
            registry.verify(VERIFIED, "测试甲").unwrap(),
            CitizenCheck::Verified
        );
        assert_eq!(
            registry.verify("370102199003071238", "测试乙").unwrap(),
            failed(CitizenFailure::NotFound)
        );
    }

    #[test]
    fn fixture_errors_name_the_line() {
        for (text, line, words) in [
            ("id,name,outcome\n", "line 1", "header"),
            (
                "id_number,name,outcome\n11010519491231002X,测试甲,maybe\n",
                "line 2",
                "maybe",
            ),
            (
                "id_number,name,outcome\n\n110105194912310021,测试甲,verified\n",
                "line 3",
                "ID number",
            ),
            (
                "id_number,name,outcome\n11010519491231002X,测试1,verified\n",
                "line 2",
                "name",
            ),
            (
                "id_number,name,outcome\n11010519491231002X,测试甲\n",
                "line 2",
                "fields",
            ),
            (
                "id_number,name,outcome\n11010519491231002X,测试甲,verified\n11010519491231002x,测试乙,not_found\n",
                "line 3",
                "line 2",
            ),
        ] {
            let error = SimulatedCitizenRegistry::parse_fixture(text)
                .unwrap_err()
                .to_string();
            assert!(error.starts_with(line), "{text:?}: {error}");
            assert!(error.contains(words), "{text:?}: {error}");
            // Errors quote no ID number.
            assert!(!error.contains("110105194912310021"), "{error}");
        }
    }

    #[test]
    fn the_shipped_fixture_is_valid_and_covers_every_outcome() {
        let text = include_str!("../../fixtures/citizen_registry.csv");
        let rows = SimulatedCitizenRegistry::parse_fixture(text).unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
        for row in &rows {
            let id = ResidentIdNumber::parse(&row.id_number, today).unwrap();
            assert_eq!(id.province_code(), "37", "{row:?}");
            assert!(PersonName::parse(&row.name).is_ok(), "{row:?}");
        }
        let verified = rows
            .iter()
            .filter(|r| r.outcome == CitizenCheck::Verified)
            .count();
        assert!(verified >= 4, "{verified} verified");
        for failure in CitizenFailure::ALL {
            assert!(
                rows.iter().any(|r| r.outcome == failed(failure)),
                "{failure:?}"
            );
        }
        // Each row answers what it says through the simulator.
        let registry = SimulatedCitizenRegistry::new(rows.clone(), Duration::ZERO);
        for row in &rows {
            assert_eq!(
                registry.verify(&row.id_number, &row.name).unwrap(),
                row.outcome
            );
        }
    }

    #[test]
    fn debug_masks_personal_data() {
        let shown = format!("{:?}", row(VERIFIED, "测试甲", CitizenCheck::Verified));
        assert!(!shown.contains(VERIFIED), "{shown}");
        assert!(!shown.contains("测试甲"), "{shown}");
        assert!(shown.contains("110***********002X"), "{shown}");
    }

    #[test]
    fn the_real_client_posts_canonical_values_and_reads_the_result() {
        let server = TestServer::start(vec![
            Canned::json(200, r#"{"result":"verified"}"#),
            Canned::json(200, r#"{"result":"details_changed"}"#),
        ]);
        let registry = HttpCitizenRegistry::new(HttpSettings::new(&server.url, "key-1"));
        assert_eq!(
            registry.verify(" 11010519491231002x", "测试・甲 ").unwrap(),
            CitizenCheck::Verified
        );
        assert_eq!(
            registry.verify(VERIFIED, "测试甲").unwrap(),
            failed(CitizenFailure::DetailsChanged)
        );
        let requests = server.requests();
        assert_eq!(requests[0].method, "POST");
        assert_eq!(requests[0].path, "/v1/citizens/verify");
        assert_eq!(requests[0].header("x-api-key"), Some("key-1"));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&requests[0].body).unwrap(),
            serde_json::json!({"id_number": VERIFIED, "name": "测试·甲"})
        );
    }

    #[test]
    fn the_real_client_refuses_unknown_results() {
        for body in [
            r#"{"result":"probably"}"#,
            r#"{"outcome":"verified"}"#,
            "[]",
            "<html>",
        ] {
            let server = TestServer::start(vec![Canned::json(200, body)]);
            let registry = HttpCitizenRegistry::new(HttpSettings::new(&server.url, "k"));
            let error = registry.verify(VERIFIED, "测试甲").unwrap_err();
            assert!(
                matches!(error, IntegrationError::Protocol { system: SYSTEM, .. }),
                "{body}: {error:?}"
            );
        }
    }

    #[test]
    fn the_real_client_reports_outages_as_unavailable() {
        let server = TestServer::start(vec![
            Canned::json(503, "{}"),
            Canned::json(200, r#"{"result":"verified"}"#).after(Duration::from_secs(3)),
        ]);
        let settings = HttpSettings {
            timeout: Duration::from_millis(300),
            ..HttpSettings::new(&server.url, "k")
        };
        let registry = HttpCitizenRegistry::new(settings);
        for _ in 0..2 {
            let error = registry.verify(VERIFIED, "测试甲").unwrap_err();
            assert!(error.is_retryable(), "{error:?}");
        }
        let registry =
            HttpCitizenRegistry::new(HttpSettings::new(TestServer::closed_port_url(), "k"));
        assert!(
            registry
                .verify(VERIFIED, "测试甲")
                .unwrap_err()
                .is_retryable()
        );
    }
}
