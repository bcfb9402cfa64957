//! The provincial justice department's list of licensed basic-level legal service workers
//! (基层法律服务工作者), pulled periodically so that a worker acting as an agent can be
//! checked against it.
//!
//! # Assumed protocol of the real department
//!
//! With the conventions of [`crate::integrations::http`] (`X-Api-Key` header, JSON bodies,
//! timeouts), the whole list is read page by page:
//!
//! `GET {JUSTICE_DEPARTMENT_URL}/v1/legal-workers?page=N&page_size=100` (pages from 1),
//! answered `200` with
//!
//! ```json
//! {"items": [{"name": "测试工甲", "id_number": "…", "licence_number": "…",
//!             "phone": "13900000201" | null, "workplace": "济南市历下区测试法律服务所"}],
//!  "page": 1, "page_size": 100, "total": 321}
//! ```
//!
//! Pages are read until `total` items are collected. Since a partial list would make the
//! caller believe that workers lost their licences, a page that ends the list early or a
//! `total` that changes between pages fails the whole pull with
//! [`IntegrationError::Unavailable`] (the list changed while it was read: try again), and a
//! `total` beyond [`MAX_TOTAL`] with [`IntegrationError::Protocol`]. Values are returned as
//! the department sends them; the caller validates them.

use std::fmt;
use std::path::Path;

use chrono::Utc;
use serde::Deserialize;

use crate::integrations::http::{HttpSettings, JsonClient};
use crate::integrations::{IntegrationError, fixture, mask_name, mask_number, shanghai_date};

/// The name of this system in errors and logs.
pub const SYSTEM: &str = "justice department";

/// Items asked for per page.
pub const PAGE_SIZE: usize = 100;

/// More legal workers than any province has: a larger `total` is a broken answer, and
/// paging through it would never end.
pub const MAX_TOTAL: usize = 1_000_000;

/// One licensed legal worker.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct LegalWorkerRecord {
    pub name: String,
    pub id_number: String,
    pub licence_number: String,
    pub phone: Option<String>,
    /// The legal service office the worker practises at.
    pub workplace: String,
}

impl fmt::Debug for LegalWorkerRecord {
    /// Masks the name, ID number and phone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegalWorkerRecord")
            .field("name", &mask_name(&self.name))
            .field("id_number", &mask_number(&self.id_number))
            .field("licence_number", &self.licence_number)
            .field("phone", &self.phone.as_deref().map(mask_number))
            .field("workplace", &self.workplace)
            .finish()
    }
}

/// The provincial justice department.
pub trait JusticeDepartment: Send + Sync {
    /// The complete current list of licensed legal workers.
    fn legal_workers(&self) -> Result<Vec<LegalWorkerRecord>, IntegrationError>;
}

/// A department that lists the workers of a fixture; without one the list is empty.
pub struct SimulatedJusticeDepartment {
    records: Vec<LegalWorkerRecord>,
}

/// The columns of the fixture, in order.
pub const FIXTURE_HEADER: &[&str] = &["name", "id_number", "licence_number", "phone", "workplace"];

impl SimulatedJusticeDepartment {
    pub fn new(records: Vec<LegalWorkerRecord>) -> SimulatedJusticeDepartment {
        SimulatedJusticeDepartment { records }
    }

    /// A department listing the workers of a CSV fixture.
    ///
    /// # Errors
    ///
    /// As [`SimulatedJusticeDepartment::parse_fixture`].
    pub fn from_csv(text: &str) -> anyhow::Result<SimulatedJusticeDepartment> {
        Ok(SimulatedJusticeDepartment::new(
            SimulatedJusticeDepartment::parse_fixture(text)?,
        ))
    }

    /// Parses a fixture with the header `name,id_number,licence_number,phone,workplace`
    /// (`phone` may be empty). Values are stored in canonical form.
    ///
    /// # Errors
    ///
    /// Naming the line: a wrong header, a wrong number of fields, an invalid name, ID
    /// number, licence number or phone, an empty workplace, a licence number listed twice.
    pub fn parse_fixture(text: &str) -> anyhow::Result<Vec<LegalWorkerRecord>> {
        let today = shanghai_date(Utc::now());
        let mut parsed: Vec<(u64, LegalWorkerRecord)> = Vec::new();
        for row in fixture::rows(text, FIXTURE_HEADER)? {
            let record = LegalWorkerRecord {
                name: row.person_name(0)?,
                id_number: row.id_number(1, today)?,
                licence_number: row.licence_number(2)?,
                phone: row.optional_phone(3)?,
                workplace: row.required(4, "workplace")?,
            };
            if let Some((first, _)) = parsed
                .iter()
                .find(|(_, r)| r.licence_number == record.licence_number)
            {
                return Err(row.error(format!(
                    "the licence number is already listed on line {first}"
                )));
            }
            parsed.push((row.line, record));
        }
        Ok(parsed.into_iter().map(|(_, record)| record).collect())
    }

    /// Reads and parses a fixture file; errors name the file and the line.
    ///
    /// # Errors
    ///
    /// An unreadable file, or as [`SimulatedJusticeDepartment::parse_fixture`].
    pub fn load_fixture(path: &Path) -> anyhow::Result<Vec<LegalWorkerRecord>> {
        fixture::load(path, SimulatedJusticeDepartment::parse_fixture)
    }
}

impl JusticeDepartment for SimulatedJusticeDepartment {
    fn legal_workers(&self) -> Result<Vec<LegalWorkerRecord>, IntegrationError> {
        Ok(self.records.clone())
    }
}

/// The real department, over HTTP (see the module documentation for the protocol).
pub struct HttpJusticeDepartment {
    client: JsonClient,
}

impl HttpJusticeDepartment {
    pub fn new(settings: HttpSettings) -> HttpJusticeDepartment {
        HttpJusticeDepartment {
            client: JsonClient::new(SYSTEM, settings),
        }
    }
}

#[derive(Deserialize)]
struct Page {
    items: Vec<LegalWorkerRecord>,
    total: usize,
}

impl JusticeDepartment for HttpJusticeDepartment {
    fn legal_workers(&self) -> Result<Vec<LegalWorkerRecord>, IntegrationError> {
        let mut records = Vec::new();
        let mut expected_total = None;
        let mut page_number = 1usize;
        loop {
            let page: Page = self.client.get(
                "/v1/legal-workers",
                &[
                    ("page", page_number.to_string()),
                    ("page_size", PAGE_SIZE.to_string()),
                ],
            )?;
            if page.total > MAX_TOTAL {
                return Err(self
                    .client
                    .protocol(format!("a total of {} workers", page.total)));
            }
            if page.items.len() > PAGE_SIZE {
                return Err(self.client.protocol(format!(
                    "{} items on a page of {PAGE_SIZE}",
                    page.items.len()
                )));
            }
            match expected_total {
                None => expected_total = Some(page.total),
                Some(total) if total != page.total => {
                    return Err(self.client.unavailable(format!(
                        "the list changed while it was read (total {total}, then {})",
                        page.total
                    )));
                }
                Some(_) => {}
            }
            let empty = page.items.is_empty();
            records.extend(page.items);
            if records.len() >= page.total {
                records.truncate(page.total);
                return Ok(records);
            }
            if empty {
                return Err(self.client.unavailable(format!(
                    "the list ended after {} of {} workers",
                    records.len(),
                    page.total
                )));
            }
            page_number += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::resident_id::ResidentIdNumber;
    use crate::integrations::test_server::{Canned, TestServer};

    /// A worker in the department's JSON; every other one has no phone.
    fn worker_json(n: usize) -> serde_json::Value {
        let phone = (!n.is_multiple_of(2)).then_some("13900000201");
        serde_json::json!({
            "name": format!("测试工{n}"),
            "id_number": "11010519491231002X",
            "licence_number": format!("3701{n:08}"),
            "phone": phone,
            "workplace": "济南市历下区测试法律服务所",
        })
    }

    fn page(range: std::ops::Range<usize>, total: usize) -> String {
        let items: Vec<_> = range.map(worker_json).collect();
        serde_json::json!({"items": items, "page": 1, "page_size": PAGE_SIZE, "total": total})
            .to_string()
    }

    #[test]
    fn the_simulator_lists_its_fixture() {
        let department = SimulatedJusticeDepartment::from_csv(
            "name,id_number,licence_number,phone,workplace\n\
             测试工甲,11010519491231002x,3701 0120 2000 0001,139-0000-0201,济南市历下区测试法律服务所\n\
             测试工乙,370102199003071238,37010120200000002,,\"青岛市市南区示例法律服务所\"\n",
        )
        .unwrap();
        let workers = department.legal_workers().unwrap();
        assert_eq!(workers.len(), 2);
        assert_eq!(workers[0].id_number, "11010519491231002X");
        assert_eq!(workers[0].licence_number, "3701012020000001");
        assert_eq!(workers[0].phone.as_deref(), Some("13900000201"));
        assert_eq!(workers[1].phone, None);
        assert_eq!(workers[1].workplace, "青岛市市南区示例法律服务所");
        assert!(
            SimulatedJusticeDepartment::new(Vec::new())
                .legal_workers()
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn fixture_errors_name_the_line() {
        let header = "name,id_number,licence_number,phone,workplace\n";
        let good =
            "测试工甲,11010519491231002X,3701012020000001,13900000201,济南市历下区测试法律服务所";
        for (line, words) in [
            (good.replace("13900000201", "86123456"), "phone"),
            (good.replace("3701012020000001", "37-01"), "licence number"),
            (good.replace("测试工甲", "测试工1"), "name"),
            (good.replace("济南市历下区测试法律服务所", ""), "workplace"),
            (
                good.replace("11010519491231002X", "11010519491231002"),
                "ID number",
            ),
            (good.to_owned(), "line 2"),
        ] {
            let text = format!("{header}{good}\n{line}\n");
            let error = SimulatedJusticeDepartment::parse_fixture(&text)
                .unwrap_err()
                .to_string();
            assert!(error.starts_with("line 3:"), "{line}: {error}");
            assert!(error.contains(words), "{line}: {error}");
        }
        let error =
            SimulatedJusticeDepartment::parse_fixture("name,id_number,licence_number,workplace\n")
                .unwrap_err()
                .to_string();
        assert!(error.starts_with("line 1:"), "{error}");
    }

    #[test]
    fn the_shipped_fixture_is_valid() {
        let text = include_str!("../../fixtures/legal_workers.csv");
        let records = SimulatedJusticeDepartment::parse_fixture(text).unwrap();
        assert!(records.len() >= 3, "{} workers", records.len());
        assert!(records.iter().any(|r| r.phone.is_none()));
        let today = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
        for record in &records {
            let id = ResidentIdNumber::parse(&record.id_number, today).unwrap();
            assert_eq!(id.province_code(), "37", "{record:?}");
        }
    }

    #[test]
    fn debug_masks_personal_data() {
        let record = LegalWorkerRecord {
            name: "测试工甲".into(),
            id_number: "11010519491231002X".into(),
            licence_number: "3701012020000001".into(),
            phone: Some("13900000201".into()),
            workplace: "济南市历下区测试法律服务所".into(),
        };
        let shown = format!("{record:?}");
        for secret in ["测试工甲", "11010519491231002X", "13900000201"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("3701012020000001"), "{shown}");
    }

    #[test]
    fn the_real_client_reads_every_page() {
        let server = TestServer::start(vec![
            Canned::json(200, &page(0..100, 230)),
            Canned::json(200, &page(100..200, 230)),
            Canned::json(200, &page(200..230, 230)),
        ]);
        let department = HttpJusticeDepartment::new(HttpSettings::new(&server.url, "key-4"));
        let workers = department.legal_workers().unwrap();
        assert_eq!(workers.len(), 230);
        assert_eq!(workers[229].licence_number, "370100000229");
        assert_eq!(workers[0].phone, None);
        assert_eq!(workers[1].phone.as_deref(), Some("13900000201"));
        let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
        assert_eq!(
            paths,
            [
                "/v1/legal-workers?page=1&page_size=100",
                "/v1/legal-workers?page=2&page_size=100",
                "/v1/legal-workers?page=3&page_size=100",
            ]
        );
        assert!(
            server
                .requests()
                .iter()
                .all(|r| r.method == "GET" && r.header("x-api-key") == Some("key-4"))
        );
    }

    #[test]
    fn an_empty_list_is_one_request() {
        let server = TestServer::start(vec![Canned::json(200, &page(0..0, 0))]);
        let department = HttpJusticeDepartment::new(HttpSettings::new(&server.url, "k"));
        assert!(department.legal_workers().unwrap().is_empty());
        assert_eq!(server.requests().len(), 1);
    }

    #[test]
    fn a_list_that_changes_while_it_is_read_is_retried_later() {
        let server = TestServer::start(vec![
            Canned::json(200, &page(0..100, 150)),
            Canned::json(200, &page(0..0, 150)),
            Canned::json(200, &page(0..100, 150)),
            Canned::json(200, &page(100..149, 149)),
        ]);
        let department = HttpJusticeDepartment::new(HttpSettings::new(&server.url, "k"));
        for _ in 0..2 {
            let error = department.legal_workers().unwrap_err();
            assert!(
                matches!(error, IntegrationError::Unavailable { system: SYSTEM, .. }),
                "{error:?}"
            );
        }
    }

    #[test]
    fn broken_pages_are_protocol_errors() {
        for body in [
            serde_json::json!({"items": [], "total": MAX_TOTAL + 1}).to_string(),
            page(0..101, 300),
            r#"{"items": [{"name": "x"}], "total": 1}"#.to_owned(),
            r#"{"items": []}"#.to_owned(),
            "[]".to_owned(),
        ] {
            let server = TestServer::start(vec![Canned::json(200, &body)]);
            let department = HttpJusticeDepartment::new(HttpSettings::new(&server.url, "k"));
            let error = department.legal_workers().unwrap_err();
            assert!(
                matches!(error, IntegrationError::Protocol { system: SYSTEM, .. }),
                "{body}: {error:?}"
            );
        }
    }

    #[test]
    fn an_outage_mid_list_is_unavailable() {
        let server = TestServer::start(vec![
            Canned::json(200, &page(0..100, 150)),
            Canned::json(500, ""),
        ]);
        let department = HttpJusticeDepartment::new(HttpSettings::new(&server.url, "k"));
        assert!(department.legal_workers().unwrap_err().is_retryable());
    }
}
