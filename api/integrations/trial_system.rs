//! The courts' trial-management system, as far as this platform meets it: the trial system
//! calls us — it pushes the cases it registered and reads the feed of what was filed here.
//!
//! There is nothing to call on its side, so the simulator here plays the trial system as a
//! client of the platform's own HTTP API, with its integration key: it pushes realistic
//! registered cases (open and closed, across the basic courts of the province, with valid
//! identity numbers and credit codes), reads the feed with its cursor as the real system
//! would, and registers what the court docketed here by pushing it back, so that the whole
//! loop — filing, docketing, the case known to the trial system, its closing, the appeal
//! lookup — works in development. `efiling trial-system simulate` runs it.

use anyhow::{Context, bail};
use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::domain::credit_code;
use crate::domain::resident_id;

/// The most cases the platform takes in one push.
const PUSH_BATCH: usize = 200;

/// Types of the cases the simulator registers, with their weight.
const TYPES: &[(&str, u32)] = &[
    ("民初", 60),
    ("民撤", 2),
    ("行初", 10),
    ("行赔初", 2),
    ("执", 20),
    ("民终", 6),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "欧阳",
];
const GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞",
];
const FIRM_WORDS: &[&str] = &[
    "明德", "鲁信", "泉城", "海岱", "齐鲁", "金港", "华泰", "恒通", "瑞丰", "东岳",
];
const FIRM_TRADES: &[&str] = &[
    "商贸",
    "建筑工程",
    "物流",
    "科技",
    "置业",
    "食品",
    "机械制造",
    "餐饮管理",
];
const CIVIL_CAUSES: &[&str] = &[
    "买卖合同纠纷",
    "民间借贷纠纷",
    "机动车交通事故责任纠纷",
    "劳动争议",
    "房屋租赁合同纠纷",
    "建设工程施工合同纠纷",
    "离婚纠纷",
    "物业服务合同纠纷",
];
const ADMINISTRATIVE_CAUSES: &[&str] = &["行政处罚", "行政许可", "行政强制", "政府信息公开"];
/// Area codes of the province's cities, for birthplaces in identity numbers.
const AREAS: &[&str] = &[
    "370102", "370103", "370202", "370203", "370302", "370602", "370702", "370811", "371302",
    "371402",
];

/// Realistic registered cases of `courts` (court codes of basic courts), as the trial
/// system pushes them: numbers `（year）court type sequence号` with sequences from
/// `first_sequence` on, about half of them closed within the last three years.
pub fn realistic_cases(
    count: usize,
    courts: &[String],
    first_sequence: u32,
    today: NaiveDate,
    seed: u64,
) -> Vec<Value> {
    let mut rng = StdRng::seed_from_u64(seed);
    let total_weight: u32 = TYPES.iter().map(|(_, w)| w).sum();
    (0..count)
        .map(|i| {
            let court = &courts[rng.random_range(0..courts.len())];
            let mut pick = rng.random_range(0..total_weight);
            let type_code = TYPES
                .iter()
                .find(|(_, w)| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .map(|(t, _)| *t)
                .unwrap_or("民初");
            let registered_on = today - Duration::days(rng.random_range(30..1100));
            let closed_on = (rng.random_bool(0.55))
                .then(|| registered_on + Duration::days(rng.random_range(20..200)))
                .filter(|closed| *closed <= today);
            let sequence = first_sequence + u32::try_from(i).unwrap_or(u32::MAX - first_sequence);
            let number = format!("（{}）{court}{type_code}{sequence}号", registered_on.year());
            let (filer_role, other_role) = match type_code {
                "执" => ("applicant", "respondent"),
                "民终" => ("appellant", "appellee"),
                _ => ("plaintiff", "defendant"),
            };
            let mut parties = vec![person(&mut rng, filer_role)];
            parties.push(if type_code.starts_with('行') {
                government(&mut rng, other_role)
            } else if rng.random_bool(0.5) {
                company(&mut rng, other_role)
            } else {
                person(&mut rng, other_role)
            });
            if rng.random_bool(0.15) && !type_code.starts_with('执') {
                parties.push(company(&mut rng, "third_party"));
            }
            let cause = if type_code.starts_with('行') {
                ADMINISTRATIVE_CAUSES[rng.random_range(0..ADMINISTRATIVE_CAUSES.len())]
            } else {
                CIVIL_CAUSES[rng.random_range(0..CIVIL_CAUSES.len())]
            };
            let mut case = json!({
                "case_number": number,
                "registration_number": format!("{:014}", rng.random_range(10_000_000_000_000u64..99_999_999_999_999)),
                "type_code": type_code,
                "cause": cause,
                "status": if closed_on.is_some() { "closed" } else { "open" },
                "registered_on": registered_on.to_string(),
                "parties": parties,
            });
            if let Some(closed) = closed_on {
                case["closed_on"] = json!(closed.to_string());
                case["judgment_document_number"] = json!(format!("{number}判决书"));
            }
            case
        })
        .collect()
}

fn person(rng: &mut StdRng, role: &str) -> Value {
    let name = format!(
        "{}{}",
        SURNAMES[rng.random_range(0..SURNAMES.len())],
        GIVEN_NAMES[rng.random_range(0..GIVEN_NAMES.len())]
    );
    let birth = NaiveDate::from_ymd_opt(1950, 1, 1).expect("a date")
        + Duration::days(rng.random_range(0..18_000));
    let body = format!(
        "{}{}{:03}",
        AREAS[rng.random_range(0..AREAS.len())],
        birth.format("%Y%m%d"),
        rng.random_range(1..999)
    );
    let check = resident_id::check_character(&body).expect("an 17-digit body");
    json!({
        "role": role, "type": "natural_person", "name": name,
        "document_type": "resident_id", "document_number": format!("{body}{check}"),
        "phone": format!("13{:09}", rng.random_range(0..1_000_000_000u64)),
    })
}

fn company(rng: &mut StdRng, role: &str) -> Value {
    let name = format!(
        "山东{}{}有限公司",
        FIRM_WORDS[rng.random_range(0..FIRM_WORDS.len())],
        FIRM_TRADES[rng.random_range(0..FIRM_TRADES.len())]
    );
    json!({
        "role": role, "type": "legal_person", "name": name,
        "credit_code": credit_code_for(rng, "91"),
        "representative_name": format!("{}{}", SURNAMES[rng.random_range(0..SURNAMES.len())], GIVEN_NAMES[rng.random_range(0..GIVEN_NAMES.len())]),
    })
}

fn government(rng: &mut StdRng, role: &str) -> Value {
    let city = ["济南市", "青岛市", "淄博市", "烟台市"][rng.random_range(0..4)];
    let office = [
        "市场监督管理局",
        "自然资源和规划局",
        "人力资源和社会保障局",
        "公安局",
    ][rng.random_range(0..4)];
    json!({
        "role": role, "type": "legal_person", "name": format!("{city}{office}"),
        "credit_code": credit_code_for(rng, "11"),
        "representative_name": format!("{}{}", SURNAMES[rng.random_range(0..SURNAMES.len())], GIVEN_NAMES[rng.random_range(0..GIVEN_NAMES.len())]),
    })
}

/// A valid unified social credit code of the registering authority and kind `prefix`.
fn credit_code_for(rng: &mut StdRng, prefix: &str) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    loop {
        let mut body = format!("{prefix}{}", AREAS[rng.random_range(0..AREAS.len())]);
        while body.len() < 17 {
            body.push(char::from(CHARS[rng.random_range(0..CHARS.len())]));
        }
        if let Some(check) = credit_code::check_character(&body) {
            return format!("{body}{check}");
        }
    }
}

/// The trial system, played against a running platform.
pub struct Simulator {
    base_url: String,
    key: String,
    agent: ureq::Agent,
    /// Where the feed was read up to.
    pub cursor: Option<String>,
    /// The parties of each filing seen submitted, by filing id, for registering it when it
    /// is docketed.
    parties: std::collections::HashMap<String, Value>,
}

/// What one round of the simulator did.
#[derive(Debug, Default)]
pub struct Round {
    pub feed_items: usize,
    pub registered_back: usize,
}

impl Simulator {
    pub fn new(base_url: &str, key: &str) -> Simulator {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .into();
        Simulator {
            base_url: base_url.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
            agent,
            cursor: None,
            parties: std::collections::HashMap::new(),
        }
    }

    fn answer(
        &self,
        what: &str,
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> anyhow::Result<Value> {
        let mut response =
            response.with_context(|| format!("{what}: no answer from {}", self.base_url))?;
        let status = response.status();
        let text = response
            .body_mut()
            .read_to_string()
            .with_context(|| format!("{what}: the answer could not be read"))?;
        let body: Value = serde_json::from_str(&text)
            .with_context(|| format!("{what}: the answer is not JSON"))?;
        if !status.is_success() {
            bail!("{what}: the platform answered {status}: {body}");
        }
        Ok(body)
    }

    /// The codes of the province's basic courts, from the platform's reference data.
    pub fn basic_courts(&self) -> anyhow::Result<Vec<String>> {
        let response = self
            .agent
            .get(format!("{}/api/v1/courts?level=basic", self.base_url))
            .call();
        let body = self.answer("the list of courts", response)?;
        let courts: Vec<String> = body["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|c| c["code"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if courts.is_empty() {
            bail!("the platform lists no basic courts");
        }
        Ok(courts)
    }

    /// Pushes `cases` in batches; returns the platform's reports.
    pub fn push(&self, cases: &[Value]) -> anyhow::Result<Vec<Value>> {
        let mut reports = Vec::new();
        for batch in cases.chunks(PUSH_BATCH) {
            let response = self
                .agent
                .post(format!(
                    "{}/api/v1/integrations/trial-system/cases",
                    self.base_url
                ))
                .header("Authorization", &format!("Bearer {}", self.key))
                .header("Content-Type", "application/json")
                .send(json!({ "cases": batch }).to_string());
            reports.push(self.answer("the push", response)?);
        }
        Ok(reports)
    }

    /// Reads the feed from the cursor to its end, registering every case docketed here by
    /// pushing it back as an open case.
    pub fn consume_feed(&mut self) -> anyhow::Result<Round> {
        let mut round = Round::default();
        loop {
            let mut request = self
                .agent
                .get(format!(
                    "{}/api/v1/integrations/trial-system/filings",
                    self.base_url
                ))
                .query("limit", "200")
                .header("Authorization", &format!("Bearer {}", self.key));
            if let Some(cursor) = &self.cursor {
                request = request.query("after", cursor);
            }
            let response = request.call();
            let page = self.answer("the feed", response)?;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            round.feed_items += items.len();
            for item in &items {
                let payload = payload_of(item);
                if let (Some(filing), Some(parties)) =
                    (item["filing_id"].as_str(), payload["parties"].as_array())
                {
                    self.parties
                        .insert(filing.to_owned(), Value::Array(parties.clone()));
                }
            }
            let registered: Vec<Value> = items
                .iter()
                .filter_map(|item| {
                    let known = item["filing_id"].as_str().and_then(|f| self.parties.get(f));
                    registered_case_of(item, known)
                })
                .collect();
            if !registered.is_empty() {
                self.push(&registered)?;
                round.registered_back += registered.len();
            }
            if let Some(next) = page["next_cursor"].as_str() {
                self.cursor = Some(next.to_owned());
            }
            if !page["has_more"].as_bool().unwrap_or(false) {
                return Ok(round);
            }
        }
    }
}

/// The registered case a `filing.docketed` feed item describes, as the trial system would
/// push it back.
fn registered_case_of(item: &Value, known_parties: Option<&Value>) -> Option<Value> {
    if item["event"] != "filing.docketed" {
        return None;
    }
    let payload = payload_of(item);
    let case_number = payload["case_number"].as_str()?;
    let registration = payload["registration_number"].as_str()?;
    let parties: Vec<Value> = payload["parties"]
        .as_array()
        .or(known_parties.and_then(Value::as_array))?
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if let Some(object) = p.as_object_mut() {
                object.remove("id");
                object.remove("created_at");
            }
            p
        })
        .collect();
    let registered_on = item["occurred_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            t.with_timezone(&chrono_tz::Asia::Shanghai)
                .date_naive()
                .to_string()
        });
    Some(json!({
        "case_number": case_number,
        "registration_number": registration,
        "status": "open",
        "registered_on": registered_on,
        "parties": parties,
    }))
}

/// The facts of a feed item: nested under `payload`, or beside the envelope's members.
fn payload_of(item: &Value) -> &Value {
    if item["payload"].is_object() {
        &item["payload"]
    } else {
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case_number::CaseNumber;
    use crate::domain::catalogue::fixture::catalogue;
    use crate::domain::registered_case::{PushedCaseInput, validate_pushed};

    #[test]
    fn generated_cases_pass_the_platforms_own_checks() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let courts = vec![
            "鲁0102".to_owned(),
            "鲁0103".to_owned(),
            "鲁0202".to_owned(),
        ];
        let cases = realistic_cases(300, &courts, 9000, today, 7);
        let catalogue = catalogue();
        let mut closed = 0;
        for case in &cases {
            let input: PushedCaseInput = serde_json::from_value(case.clone()).unwrap();
            let checked = validate_pushed(&input, &catalogue, today)
                .unwrap_or_else(|e| panic!("{case}: {e:?}"));
            assert!(CaseNumber::parse(checked.case_number.as_str(), &catalogue, today).is_ok());
            closed += usize::from(checked.closed_on.is_some());
        }
        assert!((100..250).contains(&closed), "{closed} of 300 closed");
        assert_eq!(
            cases,
            realistic_cases(300, &courts, 9000, today, 7),
            "the same seed gives the same cases"
        );
    }

    #[test]
    fn docketed_feed_items_are_pushed_back_as_open_cases() {
        let item = json!({
            "event": "filing.docketed", "occurred_at": "2026-12-03T17:00:00Z",
            "payload": {"case_number": "（2026）鲁0102民初5号", "registration_number": "123456789012",
                        "parties": [{"id": "x", "role": "plaintiff", "type": "natural_person", "name": "张三"}]}
        });
        let case = registered_case_of(&item, None).unwrap();
        assert_eq!(case["status"], "open");
        assert_eq!(case["registered_on"], "2026-12-04");
        assert_eq!(case["parties"][0].get("id"), None);
        assert!(registered_case_of(&json!({"event": "filing.submitted"}), None).is_none());
        // Parties seen when the filing was submitted serve when the docketing names none.
        let bare = json!({"event": "filing.docketed", "payload": {
            "case_number": "（2026）鲁0102民初6号", "registration_number": "123456789013"}});
        let known = json!([{"role": "plaintiff", "type": "natural_person", "name": "李四"}]);
        let case = registered_case_of(&bare, Some(&known)).unwrap();
        assert_eq!(case["parties"][0]["name"], "李四");
    }
}
