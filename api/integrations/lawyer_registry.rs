//! The national lawyer registry, against which a lawyer's registration on the platform is
//! checked.
//!
//! Each law firm keeps its lawyers' records in the registry; a record becomes visible 12 to
//! 24 hours after the firm enters it, so a lawyer who registers here right after being
//! licensed is "not yet in the registry" for a while and is checked again later.
//!
//! The registry requires the submitted details to match its record exactly, so matching is
//! exact on canonical forms and nothing fuzzier: surrounding blanks are trimmed; the name,
//! licence number, phone and law firm are compared in the platform's canonical forms
//! ([`PersonName`], [`LicenceNumber`], [`MobilePhone`], [`OrganisationName`]) when they
//! parse; the ID number in upper case (canonical [`ResidentIdNumber`] when it parses);
//! dates as dates. A mismatch lists the differing fields by their API names, in
//! [`FIELDS`] order.
//!
//! # Assumed protocol of the real registry
//!
//! `POST {LAWYER_REGISTRY_URL}/v1/lawyers/lookup`, with the conventions of
//! [`crate::integrations::http`] (`X-Api-Key` header, JSON bodies, timeouts), asking by
//! licence number first and, when that finds nothing, by ID number:
//!
//! ```json
//! {"licence_number": "13701201510000001"}
//! {"id_number": "37010219850612001X"}
//! ```
//!
//! answered `200` with `{"record": null}` when there is no such lawyer (yet), or
//!
//! ```json
//! {"record": {"name": "测试律甲", "gender": "男", "ethnicity": "汉族",
//!   "id_number": "…", "licence_number": "…", "licence_date": "2015-07-01",
//!   "qualification_number": "A20133701021234", "qualification_date": "2014-02-20",
//!   "practice_start_date": "2015-07-01", "phone": "13900000101",
//!   "law_firm": "山东测试律师事务所"}}
//! ```
//!
//! The comparison is made here, the same way for the real registry and the simulator.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::licence::LicenceNumber;
use crate::domain::name::{OrganisationName, PersonName};
use crate::domain::phone::MobilePhone;
use crate::domain::resident_id::ResidentIdNumber;
use crate::domain::text::trim_blanks;
use crate::integrations::http::{HttpSettings, JsonClient};
use crate::integrations::{IntegrationError, fixture, mask_name, mask_number, shanghai_date};

/// The name of this system in errors and logs.
pub const SYSTEM: &str = "lawyer registry";

/// The compared fields, by API name, in the order a mismatch lists them.
pub const FIELDS: [&str; 11] = [
    "name",
    "gender",
    "ethnicity",
    "id_number",
    "licence_number",
    "licence_date",
    "qualification_number",
    "qualification_date",
    "practice_start_date",
    "phone",
    "law_firm",
];

/// A lawyer's details, as submitted to the platform or as the registry keeps them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawyerRecord {
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub id_number: String,
    pub licence_number: String,
    pub licence_date: NaiveDate,
    pub qualification_number: String,
    pub qualification_date: NaiveDate,
    pub practice_start_date: NaiveDate,
    pub phone: String,
    pub law_firm: String,
}

impl fmt::Debug for LawyerRecord {
    /// Masks the name, ID number and phone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LawyerRecord")
            .field("name", &mask_name(&self.name))
            .field("gender", &self.gender)
            .field("ethnicity", &self.ethnicity)
            .field("id_number", &mask_number(&self.id_number))
            .field("licence_number", &self.licence_number)
            .field("licence_date", &self.licence_date)
            .field("qualification_number", &self.qualification_number)
            .field("qualification_date", &self.qualification_date)
            .field("practice_start_date", &self.practice_start_date)
            .field("phone", &mask_number(&self.phone))
            .field("law_firm", &self.law_firm)
            .finish()
    }
}

/// The registry's answer about a submitted lawyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LawyerCheck {
    /// The registry's record matches every field.
    Match,
    /// The record differs in these fields (API names, in [`FIELDS`] order).
    Mismatch(Vec<&'static str>),
    /// Neither the licence number nor the ID number is in the registry (yet).
    NotYetInRegistry,
}

/// The national lawyer registry.
pub trait LawyerRegistry: Send + Sync {
    /// Checks a submitted lawyer against the registry's record, found by licence number,
    /// else by ID number. `now` is when the question is asked (records become visible some
    /// time after they are entered).
    fn check(
        &self,
        submitted: &LawyerRecord,
        now: DateTime<Utc>,
    ) -> Result<LawyerCheck, IntegrationError>;
}

/// A record with every compared value in canonical form.
#[derive(PartialEq, Eq)]
struct Canonical {
    name: String,
    gender: String,
    ethnicity: String,
    id_number: String,
    licence_number: String,
    licence_date: NaiveDate,
    qualification_number: String,
    qualification_date: NaiveDate,
    practice_start_date: NaiveDate,
    phone: String,
    law_firm: String,
}

fn canonical_id_number(value: &str, today: NaiveDate) -> String {
    ResidentIdNumber::parse(value, today)
        .map(|id| id.as_str().to_owned())
        .unwrap_or_else(|_| trim_blanks(value).to_uppercase())
}

fn canonical_licence_number(value: &str) -> String {
    LicenceNumber::parse(value)
        .map(|number| number.as_str().to_owned())
        .unwrap_or_else(|_| trim_blanks(value).to_owned())
}

impl Canonical {
    fn of(record: &LawyerRecord, today: NaiveDate) -> Canonical {
        let trimmed = |value: &str| trim_blanks(value).to_owned();
        Canonical {
            name: PersonName::parse(&record.name)
                .map(|name| name.as_str().to_owned())
                .unwrap_or_else(|_| trimmed(&record.name)),
            gender: trimmed(&record.gender),
            ethnicity: trimmed(&record.ethnicity),
            id_number: canonical_id_number(&record.id_number, today),
            licence_number: canonical_licence_number(&record.licence_number),
            licence_date: record.licence_date,
            qualification_number: trimmed(&record.qualification_number),
            qualification_date: record.qualification_date,
            practice_start_date: record.practice_start_date,
            phone: MobilePhone::parse(&record.phone)
                .map(|phone| phone.as_str().to_owned())
                .unwrap_or_else(|_| trimmed(&record.phone)),
            law_firm: OrganisationName::parse(&record.law_firm)
                .map(|name| name.as_str().to_owned())
                .unwrap_or_else(|_| trimmed(&record.law_firm)),
        }
    }

    /// The fields that differ, in [`FIELDS`] order.
    fn differences(&self, other: &Canonical) -> Vec<&'static str> {
        let equal = [
            self.name == other.name,
            self.gender == other.gender,
            self.ethnicity == other.ethnicity,
            self.id_number == other.id_number,
            self.licence_number == other.licence_number,
            self.licence_date == other.licence_date,
            self.qualification_number == other.qualification_number,
            self.qualification_date == other.qualification_date,
            self.practice_start_date == other.practice_start_date,
            self.phone == other.phone,
            self.law_firm == other.law_firm,
        ];
        FIELDS
            .into_iter()
            .zip(equal)
            .filter_map(|(field, equal)| (!equal).then_some(field))
            .collect()
    }
}

/// Compares a submitted lawyer with the registry's record.
pub fn compare(
    submitted: &LawyerRecord,
    registered: &LawyerRecord,
    now: DateTime<Utc>,
) -> LawyerCheck {
    let today = shanghai_date(now);
    let differences =
        Canonical::of(submitted, today).differences(&Canonical::of(registered, today));
    if differences.is_empty() {
        LawyerCheck::Match
    } else {
        LawyerCheck::Mismatch(differences)
    }
}

/// One record the simulator knows, and from when it is visible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LawyerFixtureRow {
    pub record: LawyerRecord,
    /// When the record became (or becomes) visible; `None`: always visible.
    pub visible_from: Option<DateTime<Utc>>,
}

/// A registry that answers from a fixture, as the real one would, with each record visible
/// only from its `visible_from` time. Without a fixture nobody is in the registry. Every
/// call sleeps for the configured delay first.
pub struct SimulatedLawyerRegistry {
    rows: Vec<LawyerFixtureRow>,
    delay: Duration,
}

/// The columns of the fixture, in order.
pub const FIXTURE_HEADER: &[&str] = &[
    "name",
    "gender",
    "ethnicity",
    "id_number",
    "licence_number",
    "licence_date",
    "qualification_number",
    "qualification_date",
    "practice_start_date",
    "phone",
    "law_firm",
    "visible_from",
];

impl SimulatedLawyerRegistry {
    /// A registry holding these records, answering after `delay`.
    pub fn new(rows: Vec<LawyerFixtureRow>, delay: Duration) -> SimulatedLawyerRegistry {
        SimulatedLawyerRegistry { rows, delay }
    }

    /// A registry holding the records of a CSV fixture, answering at once.
    ///
    /// # Errors
    ///
    /// As [`SimulatedLawyerRegistry::parse_fixture`].
    pub fn from_csv(text: &str) -> anyhow::Result<SimulatedLawyerRegistry> {
        Ok(SimulatedLawyerRegistry::new(
            SimulatedLawyerRegistry::parse_fixture(text)?,
            Duration::ZERO,
        ))
    }

    /// Parses a fixture with the header of [`FIXTURE_HEADER`]: dates are `YYYY-MM-DD`,
    /// `visible_from` an RFC 3339 timestamp or empty.
    ///
    /// # Errors
    ///
    /// Naming the line: a wrong header, a wrong number of fields, an invalid ID number,
    /// name, licence number or phone, an empty text field, a bad date or timestamp, a
    /// licence number listed twice.
    pub fn parse_fixture(text: &str) -> anyhow::Result<Vec<LawyerFixtureRow>> {
        let today = shanghai_date(Utc::now());
        let mut parsed: Vec<(u64, LawyerFixtureRow)> = Vec::new();
        for row in fixture::rows(text, FIXTURE_HEADER)? {
            let record = LawyerRecord {
                name: row.person_name(0)?,
                gender: row.required(1, "gender")?,
                ethnicity: row.required(2, "ethnicity")?,
                id_number: row.id_number(3, today)?,
                licence_number: row.licence_number(4)?,
                licence_date: row.date(5, "licence_date")?,
                qualification_number: row.required(6, "qualification_number")?,
                qualification_date: row.date(7, "qualification_date")?,
                practice_start_date: row.date(8, "practice_start_date")?,
                phone: row
                    .optional_phone(9)?
                    .ok_or_else(|| row.error("phone is empty"))?,
                law_firm: row.required(10, "law_firm")?,
            };
            let visible_from = row.optional_timestamp(11, "visible_from")?;
            if let Some((first, _)) = parsed
                .iter()
                .find(|(_, r)| r.record.licence_number == record.licence_number)
            {
                return Err(row.error(format!(
                    "the licence number is already listed on line {first}"
                )));
            }
            parsed.push((
                row.line,
                LawyerFixtureRow {
                    record,
                    visible_from,
                },
            ));
        }
        Ok(parsed.into_iter().map(|(_, row)| row).collect())
    }

    /// Reads and parses a fixture file; errors name the file and the line.
    ///
    /// # Errors
    ///
    /// An unreadable file, or as [`SimulatedLawyerRegistry::parse_fixture`].
    pub fn load_fixture(path: &Path) -> anyhow::Result<Vec<LawyerFixtureRow>> {
        fixture::load(path, SimulatedLawyerRegistry::parse_fixture)
    }
}

impl LawyerRegistry for SimulatedLawyerRegistry {
    fn check(
        &self,
        submitted: &LawyerRecord,
        now: DateTime<Utc>,
    ) -> Result<LawyerCheck, IntegrationError> {
        std::thread::sleep(self.delay);
        let today = shanghai_date(now);
        let visible: Vec<&LawyerRecord> = self
            .rows
            .iter()
            .filter(|row| row.visible_from.is_none_or(|from| from <= now))
            .map(|row| &row.record)
            .collect();
        let licence_number = canonical_licence_number(&submitted.licence_number);
        let id_number = canonical_id_number(&submitted.id_number, today);
        let by_licence = || {
            visible.iter().find(|r| {
                !licence_number.is_empty()
                    && canonical_licence_number(&r.licence_number) == licence_number
            })
        };
        let by_id = || {
            visible.iter().find(|r| {
                !id_number.is_empty() && canonical_id_number(&r.id_number, today) == id_number
            })
        };
        Ok(match by_licence().or_else(by_id) {
            Some(registered) => compare(submitted, registered, now),
            None => LawyerCheck::NotYetInRegistry,
        })
    }
}

/// The real registry, over HTTP (see the module documentation for the protocol).
pub struct HttpLawyerRegistry {
    client: JsonClient,
}

impl HttpLawyerRegistry {
    pub fn new(settings: HttpSettings) -> HttpLawyerRegistry {
        HttpLawyerRegistry {
            client: JsonClient::new(SYSTEM, settings),
        }
    }

    fn lookup(&self, field: &str, value: String) -> Result<Option<LawyerRecord>, IntegrationError> {
        if value.is_empty() {
            return Ok(None);
        }
        let request = serde_json::json!({ field: value });
        let response: LookupResponse = self.client.post("/v1/lawyers/lookup", &request)?;
        Ok(response.record)
    }
}

#[derive(Deserialize)]
struct LookupResponse {
    // Required, though it may be null: an answer without it is not this protocol.
    #[serde(deserialize_with = "Option::deserialize")]
    record: Option<LawyerRecord>,
}

impl LawyerRegistry for HttpLawyerRegistry {
    fn check(
        &self,
        submitted: &LawyerRecord,
        now: DateTime<Utc>,
    ) -> Result<LawyerCheck, IntegrationError> {
        let today = shanghai_date(now);
        let found = match self.lookup(
            "licence_number",
            canonical_licence_number(&submitted.licence_number),
        )? {
            Some(record) => Some(record),
            None => self.lookup(
                "id_number",
                canonical_id_number(&submitted.id_number, today),
            )?,
        };
        Ok(match found {
            Some(registered) => compare(submitted, &registered, now),
            None => LawyerCheck::NotYetInRegistry,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::integrations::test_server::{Canned, TestServer};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A synthetic lawyer, shared with the bundle's tests.
    pub(crate) fn sample_record() -> LawyerRecord {
        LawyerRecord {
            name: "测试律甲".into(),
            gender: "男".into(),
            ethnicity: "汉族".into(),
            id_number: "11010519491231002X".into(),
            licence_number: "13701201510000001".into(),
            licence_date: date(2015, 7, 1),
            qualification_number: "A20133701021234".into(),
            qualification_date: date(2014, 2, 20),
            practice_start_date: date(2015, 7, 1),
            phone: "13900000101".into(),
            law_firm: "山东测试律师事务所".into(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 15, 4, 0, 0).unwrap()
    }

    fn registry(rows: Vec<LawyerFixtureRow>) -> SimulatedLawyerRegistry {
        SimulatedLawyerRegistry::new(rows, Duration::ZERO)
    }

    fn visible(record: LawyerRecord) -> LawyerFixtureRow {
        LawyerFixtureRow {
            record,
            visible_from: None,
        }
    }

    #[test]
    fn an_identical_record_matches() {
        let registry = registry(vec![visible(sample_record())]);
        assert_eq!(
            registry.check(&sample_record(), now()).unwrap(),
            LawyerCheck::Match
        );
    }

    #[test]
    fn canonical_forms_match() {
        let registry = registry(vec![visible(sample_record())]);
        let submitted = LawyerRecord {
            name: "\u{3000}测试律甲 ".into(),
            gender: " 男".into(),
            ethnicity: "汉族\u{200B}".into(),
            id_number: "11010519491231002x".into(),
            licence_number: "1370 1201 5100 00001".into(),
            qualification_number: " A20133701021234 ".into(),
            phone: "+86 139-0000-0101".into(),
            law_firm: " 山东测试律师事务所 ".into(),
            ..sample_record()
        };
        assert_eq!(
            registry.check(&submitted, now()).unwrap(),
            LawyerCheck::Match
        );
    }

    #[test]
    fn nothing_fuzzier_than_canonical_forms_matches() {
        let registry = registry(vec![visible(sample_record())]);
        for (submitted, field) in [
            (
                LawyerRecord {
                    name: "测试律乙".into(),
                    ..sample_record()
                },
                "name",
            ),
            (
                LawyerRecord {
                    gender: "女".into(),
                    ..sample_record()
                },
                "gender",
            ),
            (
                LawyerRecord {
                    ethnicity: "汉".into(),
                    ..sample_record()
                },
                "ethnicity",
            ),
            (
                LawyerRecord {
                    qualification_number: "a20133701021234".into(),
                    ..sample_record()
                },
                "qualification_number",
            ),
            (
                LawyerRecord {
                    phone: "13900000102".into(),
                    ..sample_record()
                },
                "phone",
            ),
            (
                LawyerRecord {
                    law_firm: "山东测试律所".into(),
                    ..sample_record()
                },
                "law_firm",
            ),
            (
                LawyerRecord {
                    licence_date: date(2015, 7, 2),
                    ..sample_record()
                },
                "licence_date",
            ),
            (
                LawyerRecord {
                    qualification_date: date(2014, 2, 21),
                    ..sample_record()
                },
                "qualification_date",
            ),
            (
                LawyerRecord {
                    practice_start_date: date(2015, 8, 1),
                    ..sample_record()
                },
                "practice_start_date",
            ),
        ] {
            assert_eq!(
                registry.check(&submitted, now()).unwrap(),
                LawyerCheck::Mismatch(vec![field]),
                "{field}"
            );
        }
    }

    #[test]
    fn mismatches_are_listed_in_the_fixed_order() {
        let registry = registry(vec![visible(sample_record())]);
        let submitted = LawyerRecord {
            law_firm: "别的律师事务所".into(),
            name: "测试律乙".into(),
            phone: "13900000999".into(),
            id_number: "370102199003071238".into(),
            practice_start_date: date(2016, 1, 1),
            ..sample_record()
        };
        assert_eq!(
            registry.check(&submitted, now()).unwrap(),
            LawyerCheck::Mismatch(vec![
                "name",
                "id_number",
                "practice_start_date",
                "phone",
                "law_firm"
            ])
        );
    }

    #[test]
    fn the_record_is_found_by_licence_number_else_by_id_number() {
        let registry = registry(vec![visible(sample_record())]);
        // Found by ID number: the licence number differs.
        let wrong_licence = LawyerRecord {
            licence_number: "13701201510000002".into(),
            ..sample_record()
        };
        assert_eq!(
            registry.check(&wrong_licence, now()).unwrap(),
            LawyerCheck::Mismatch(vec!["licence_number"])
        );
        // Found by licence number: the ID number differs.
        let wrong_id = LawyerRecord {
            id_number: "370102199003071238".into(),
            ..sample_record()
        };
        assert_eq!(
            registry.check(&wrong_id, now()).unwrap(),
            LawyerCheck::Mismatch(vec!["id_number"])
        );
        let stranger = LawyerRecord {
            id_number: "370102199003071238".into(),
            licence_number: "13701201510000002".into(),
            ..sample_record()
        };
        assert_eq!(
            registry.check(&stranger, now()).unwrap(),
            LawyerCheck::NotYetInRegistry
        );
        let blank = LawyerRecord {
            id_number: " ".into(),
            licence_number: String::new(),
            ..sample_record()
        };
        assert_eq!(
            registry.check(&blank, now()).unwrap(),
            LawyerCheck::NotYetInRegistry
        );
    }

    #[test]
    fn a_record_is_invisible_until_its_time() {
        let entered = now();
        let registry = registry(vec![LawyerFixtureRow {
            record: sample_record(),
            visible_from: Some(entered + chrono::Duration::hours(18)),
        }]);
        assert_eq!(
            registry.check(&sample_record(), entered).unwrap(),
            LawyerCheck::NotYetInRegistry
        );
        assert_eq!(
            registry
                .check(&sample_record(), entered + chrono::Duration::hours(17))
                .unwrap(),
            LawyerCheck::NotYetInRegistry
        );
        assert_eq!(
            registry
                .check(&sample_record(), entered + chrono::Duration::hours(18))
                .unwrap(),
            LawyerCheck::Match
        );
    }

    #[test]
    fn without_a_fixture_nobody_is_registered() {
        assert_eq!(
            registry(Vec::new()).check(&sample_record(), now()).unwrap(),
            LawyerCheck::NotYetInRegistry
        );
    }

    const HEADER_LINE: &str = "name,gender,ethnicity,id_number,licence_number,licence_date,qualification_number,qualification_date,practice_start_date,phone,law_firm,visible_from\n";

    #[test]
    fn fixtures_parse() {
        let text = format!(
            "{HEADER_LINE}测试律甲,男,汉族,11010519491231002x,13701201510000001,2015-07-01,A20133701021234,2014-02-20,2015-07-01,139 0000 0101,山东测试律师事务所,\n\
             测试律乙,女,回族,370102199003071238,13701201810000002,2018-03-01,A20163701020001,2017-03-01,2018-03-01,13900000102,\"济南示例律师事务所\",2099-01-01T00:00:00+08:00\n"
        );
        let rows = SimulatedLawyerRegistry::parse_fixture(&text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].record, sample_record());
        assert_eq!(rows[0].visible_from, None);
        assert_eq!(
            rows[1].visible_from,
            Some(Utc.with_ymd_and_hms(2098, 12, 31, 16, 0, 0).unwrap())
        );
        let registry = SimulatedLawyerRegistry::from_csv(&text).unwrap();
        assert_eq!(
            registry.check(&sample_record(), now()).unwrap(),
            LawyerCheck::Match
        );
        assert_eq!(
            registry.check(&rows[1].record, now()).unwrap(),
            LawyerCheck::NotYetInRegistry
        );
    }

    #[test]
    fn fixture_errors_name_the_line() {
        let good = "测试律甲,男,汉族,11010519491231002X,13701201510000001,2015-07-01,A20133701021234,2014-02-20,2015-07-01,13900000101,山东测试律师事务所,";
        for (line, words) in [
            (good.replace("2015-07-01,A", "2015-13-01,A"), "licence_date"),
            (
                good.replace("2014-02-20", "20/02/2014"),
                "qualification_date",
            ),
            (format!("{good}yesterday"), "visible_from"),
            (good.replace("13701201510000001", "1370A"), "licence number"),
            (good.replace("13900000101", "0531-86123456"), "phone"),
            (good.replace(",男,", ",,"), "gender"),
            (
                good.replace("11010519491231002X", "110105194912310021"),
                "ID number",
            ),
        ] {
            let text = format!("{HEADER_LINE}{good}\n{line}\n");
            let error = SimulatedLawyerRegistry::parse_fixture(&text)
                .unwrap_err()
                .to_string();
            assert!(error.starts_with("line 3:"), "{line}: {error}");
            assert!(error.contains(words), "{line}: {error}");
        }
        let duplicate = format!(
            "{HEADER_LINE}{good}\n{}\n",
            good.replace("11010519491231002X", "370102199003071238")
        );
        let error = SimulatedLawyerRegistry::parse_fixture(&duplicate)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("line 3:") && error.contains("line 2"),
            "{error}"
        );
        let error = SimulatedLawyerRegistry::parse_fixture("name,gender\n")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("line 1:"), "{error}");
    }

    #[test]
    fn the_shipped_fixture_is_valid_and_shows_the_lag() {
        let text = include_str!("../../fixtures/lawyer_registry.csv");
        let rows = SimulatedLawyerRegistry::parse_fixture(text).unwrap();
        assert!(rows.len() >= 4, "{} lawyers", rows.len());
        let today = date(2025, 6, 15);
        for row in &rows {
            let id = ResidentIdNumber::parse(&row.record.id_number, today).unwrap();
            assert_eq!(id.province_code(), "37", "{row:?}");
            assert_eq!(row.record.licence_number.len(), 17, "{row:?}");
            assert!(MobilePhone::parse(&row.record.phone).is_ok(), "{row:?}");
            assert!(
                row.record.qualification_date <= row.record.licence_date,
                "{row:?}"
            );
        }
        let far_future = Utc.with_ymd_and_hms(2090, 1, 1, 0, 0, 0).unwrap();
        assert!(
            rows.iter()
                .any(|r| r.visible_from.is_some_and(|t| t > far_future))
        );
        // Each visible record matches itself through the simulator; the lagging one is not
        // there yet.
        let registry = SimulatedLawyerRegistry::new(rows.clone(), Duration::ZERO);
        for row in &rows {
            let expected = if row.visible_from.is_some_and(|t| t > now()) {
                LawyerCheck::NotYetInRegistry
            } else {
                LawyerCheck::Match
            };
            assert_eq!(
                registry.check(&row.record, now()).unwrap(),
                expected,
                "{row:?}"
            );
        }
    }

    #[test]
    fn debug_masks_personal_data() {
        let shown = format!("{:?}", sample_record());
        assert!(!shown.contains("11010519491231002X"), "{shown}");
        assert!(!shown.contains("13900000101"), "{shown}");
        assert!(!shown.contains("测试律甲"), "{shown}");
        assert!(shown.contains("139****0101"), "{shown}");
    }

    fn record_json(record: &LawyerRecord) -> String {
        serde_json::json!({ "record": record }).to_string()
    }

    #[test]
    fn the_real_client_looks_up_by_licence_then_by_id_number() {
        let registered = LawyerRecord {
            phone: "13900000999".into(),
            ..sample_record()
        };
        let server = TestServer::start(vec![
            Canned::json(200, &record_json(&registered)),
            Canned::json(200, r#"{"record": null}"#),
            Canned::json(200, &record_json(&sample_record())),
            Canned::json(200, r#"{"record": null}"#),
            Canned::json(200, r#"{"record": null}"#),
        ]);
        let registry = HttpLawyerRegistry::new(HttpSettings::new(&server.url, "key-2"));
        assert_eq!(
            registry.check(&sample_record(), now()).unwrap(),
            LawyerCheck::Mismatch(vec!["phone"])
        );
        let submitted = LawyerRecord {
            licence_number: " 1370120151000000 1".into(),
            id_number: "11010519491231002x".into(),
            ..sample_record()
        };
        assert_eq!(
            registry.check(&submitted, now()).unwrap(),
            LawyerCheck::Match
        );
        assert_eq!(
            registry.check(&sample_record(), now()).unwrap(),
            LawyerCheck::NotYetInRegistry
        );

        let requests = server.requests();
        let bodies: Vec<serde_json::Value> = requests
            .iter()
            .map(|r| serde_json::from_str(&r.body).unwrap())
            .collect();
        assert_eq!(
            bodies,
            [
                serde_json::json!({"licence_number": "13701201510000001"}),
                serde_json::json!({"licence_number": "13701201510000001"}),
                serde_json::json!({"id_number": "11010519491231002X"}),
                serde_json::json!({"licence_number": "13701201510000001"}),
                serde_json::json!({"id_number": "11010519491231002X"}),
            ]
        );
        assert!(requests.iter().all(|r| r.path == "/v1/lawyers/lookup"));
        assert!(
            requests
                .iter()
                .all(|r| r.header("x-api-key") == Some("key-2"))
        );
    }

    #[test]
    fn the_real_client_refuses_malformed_records() {
        for body in [
            r#"{"record": {"name": "测试律甲"}}"#,
            r#"{"record": {"name":"a","gender":"b","ethnicity":"c","id_number":"d","licence_number":"e","licence_date":"2015/07/01","qualification_number":"f","qualification_date":"2014-02-20","practice_start_date":"2015-07-01","phone":"g","law_firm":"h"}}"#,
            r#"{"records": []}"#,
            "{",
        ] {
            let server = TestServer::start(vec![Canned::json(200, body)]);
            let registry = HttpLawyerRegistry::new(HttpSettings::new(&server.url, "k"));
            let error = registry.check(&sample_record(), now()).unwrap_err();
            assert!(
                matches!(error, IntegrationError::Protocol { system: SYSTEM, .. }),
                "{body}: {error:?}"
            );
        }
    }

    #[test]
    fn the_real_client_reports_outages_as_unavailable() {
        let server = TestServer::start(vec![
            Canned::json(200, r#"{"record": null}"#),
            Canned::json(502, ""),
        ]);
        let registry = HttpLawyerRegistry::new(HttpSettings::new(&server.url, "k"));
        // The first lookup finds nothing; the second fails: the whole check is unavailable.
        let error = registry.check(&sample_record(), now()).unwrap_err();
        assert!(
            matches!(error, IntegrationError::Unavailable { system: SYSTEM, .. }),
            "{error:?}"
        );
    }
}
