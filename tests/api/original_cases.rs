//! Registered cases over HTTP: pushes from the trial system, original-case lookups for
//! appeals and for filings in existing cases, drafts from a hit, and the appeal rules.

use chrono::{Datelike, Duration, Months, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::accounts::{id_number, party_session};
use crate::court::{approve_and_docket, judge_session};
use crate::filings::{call, submitted_civil_filing};
use crate::support::{TestApp, assert_problem};
use efiling::services::staff;
use reqwest::Method;

/// Creates the trial system's integration client; returns its key.
pub fn trial_system_key(app: &TestApp) -> String {
    let mut conn = app.pool.get().unwrap();
    staff::create_client(
        &mut conn,
        "trial-system",
        &["trial_system".to_owned()],
        &staff::cli_actor(),
    )
    .unwrap()
    .key
}

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

fn company(name: &str) -> Value {
    let body = "91370102MA3C4N5X0";
    let check = efiling::domain::credit_code::check_character(body).unwrap();
    json!({"role": "defendant", "type": "legal_person", "name": name,
           "credit_code": format!("{body}{check}"), "representative_name": "李四"})
}

fn person(role: &str, name: &str, n: u32) -> Value {
    json!({"role": role, "type": "natural_person", "name": name,
           "document_type": "resident_id", "document_number": id_number(n),
           "phone": "13912345678"})
}

/// A closed civil first-instance case of 鲁0102 numbered `sequence` in the year it was
/// closed, with registration number `registration`.
fn closed_case(sequence: u32, registration: &str, closed_on: NaiveDate, parties: Value) -> Value {
    let year = closed_on.year();
    json!({
        "case_number": format!("（{year}）鲁0102民初{sequence}号"),
        "registration_number": registration,
        "court_code": "鲁0102",
        "type_code": "民初",
        "cause": "买卖合同纠纷",
        "status": "closed",
        "registered_on": NaiveDate::from_ymd_opt(year, 1, 1).unwrap().to_string(),
        "closed_on": closed_on.to_string(),
        "judgment_document_number": format!("（{year}）鲁0102民初{sequence}号民事判决书"),
        "parties": parties,
    })
}

async fn push(app: &TestApp, key: &str, cases: Value) -> Value {
    let (status, body) = app
        .post(
            "/api/v1/integrations/trial-system/cases",
            Some(key),
            json!({ "cases": cases }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The full-width spelling of a canonical case number: `（２０２４）鲁０１０２民初７号`.
fn full_width(number: &str) -> String {
    number
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
            c => c,
        })
        .collect()
}

fn lookup_path(case_number: &str, registration: &str) -> String {
    format!(
        "/api/v1/original-cases?case_number={}&registration_number={}",
        urlencoding(case_number),
        registration
    )
}

fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[actix_web::test]
async fn a_case_closed_700_days_ago_yields_an_appeal_draft_and_one_closed_800_days_ago_is_not_found()
 {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (party, _) = party_session(&app, 501).await;
    let recent = today() - Duration::days(700);
    let old = today() - Duration::days(800);
    let parties = json!([
        person("plaintiff", "张三", 501),
        company("济南某某商贸有限公司")
    ]);
    let report = push(
        &app,
        &key,
        json!([
            closed_case(11, "37010200000011", recent, parties.clone()),
            closed_case(12, "37010200000012", old, parties),
        ]),
    )
    .await;
    assert_eq!(report["counts"]["created"], 2, "{report}");
    let recent_number = format!("（{}）鲁0102民初11号", recent.year());
    let old_number = format!("（{}）鲁0102民初12号", old.year());

    // Found in full-width spelling, with its parties and the court an appeal goes to.
    let (status, body) = app
        .get(
            &lookup_path(&full_width(&recent_number), "37010200000011"),
            Some(&party),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let hit = &body["items"][0];
    assert_eq!(hit["case_number"], recent_number);
    assert_eq!(hit["status"], "closed");
    assert_eq!(hit["filing"]["kind"], "civil_appeal");
    assert_eq!(hit["filing"]["accepting_court_code"], "鲁01");
    assert_eq!(hit["filing"]["unfinished_draft_id"], Value::Null);
    assert_eq!(hit["parties"].as_array().unwrap().len(), 2);
    let masked = hit["parties"][0]["identity_number"].as_str().unwrap();
    assert!(masked.contains('*') && !masked.contains(&id_number(501)[4..14]));
    let plaintiff = hit["parties"][0]["id"].as_str().unwrap().to_owned();
    let case_id = hit["id"].as_str().unwrap().to_owned();

    // Closed 800 days ago: not found for an appeal.
    let (status, body) = app
        .get(&lookup_path(&old_number, "37010200000012"), Some(&party))
        .await;
    assert_problem(status, &body, 404, "original_case.appeal_period_passed");

    // One call makes the draft, at the superior court, with appellant and appellee.
    let (status, draft) = app
        .post(
            &format!("/api/v1/original-cases/{case_id}/drafts"),
            Some(&party),
            json!({ "party_ids": [plaintiff] }),
        )
        .await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(draft["kind"], "civil_appeal");
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["court_code"], "鲁01");
    assert_eq!(draft["original_case"]["case_number"], recent_number);
    assert_eq!(draft["original_case"]["judgment_date"], recent.to_string());
    let roles: Vec<(&str, &str)> = draft["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["role"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [("appellant", "张三"), ("appellee", "济南某某商贸有限公司")]
    );
    assert_eq!(draft["parties"][0]["document_number"], id_number(501));
    let draft_id = draft["id"].as_str().unwrap().to_owned();

    // The hit now names the unfinished draft, and a second draft is refused with its id.
    let (_, body) = app
        .get(&lookup_path(&recent_number, "37010200000011"), Some(&party))
        .await;
    assert_eq!(body["items"][0]["filing"]["unfinished_draft_id"], draft_id);
    let (status, body) = app
        .post(
            &format!("/api/v1/original-cases/{case_id}/drafts"),
            Some(&party),
            json!({ "party_ids": [plaintiff] }),
        )
        .await;
    assert_problem(status, &body, 409, "appeal.draft_exists");
    assert_eq!(body["draft_id"], draft_id);

    // Typing the same original case into another appeal draft by hand is refused as well.
    let (status, etag, other) = call(
        &app,
        Method::POST,
        "/api/v1/cases",
        &party,
        Some(json!({"kind": "civil_appeal"})),
        None,
        None,
    )
    .await;
    assert_eq!(status, 201, "{other}");
    let (status, _, body) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/cases/{}", other["id"].as_str().unwrap()),
        &party,
        Some(json!({"original_case": {"case_number": full_width(&recent_number)}})),
        etag.as_deref(),
        None,
    )
    .await;
    assert_problem(status, &body, 409, "appeal.draft_exists");
    assert_eq!(body["draft_id"], draft_id);
}

#[actix_web::test]
async fn the_appeal_window_ends_on_the_same_day_two_years_back() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (party, _) = party_session(&app, 502).await;
    let edge = today().checked_sub_months(Months::new(24)).unwrap();
    let outside = edge - Duration::days(1);
    let parties = json!([person("plaintiff", "张三", 502), company("某公司")]);
    push(
        &app,
        &key,
        json!([
            closed_case(21, "37010200000021", edge, parties.clone()),
            closed_case(22, "37010200000022", outside, parties),
        ]),
    )
    .await;
    let (status, body) = app
        .get(
            &lookup_path(
                &format!("（{}）鲁0102民初21号", edge.year()),
                "37010200000021",
            ),
            Some(&party),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .get(
            &lookup_path(
                &format!("({})鲁0102民初22号", outside.year()),
                "37010200000022",
            ),
            Some(&party),
        )
        .await;
    assert_problem(status, &body, 404, "original_case.appeal_period_passed");
}

#[actix_web::test]
async fn pushes_report_bad_rows_keep_good_ones_and_are_idempotent() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let closed_on = today() - Duration::days(30);
    let good = closed_case(
        31,
        "37010200000031",
        closed_on,
        json!([person("plaintiff", "王五", 503), company("某公司")]),
    );
    let mut bad_number = good.clone();
    bad_number["case_number"] = json!("（2014）历民初字第123号");
    let mut bad_party = closed_case(
        32,
        "37010200000032",
        closed_on,
        json!([{"role": "plaintiff", "type": "natural_person", "name": "赵六",
                "document_type": "resident_id", "document_number": "370102199001011239"},
               {"role": "judge", "type": "legal_person", "name": "某公司"}]),
    );
    bad_party["registration_number"] = json!("12345");
    let mut open_with_date = good.clone();
    open_with_date["case_number"] = json!(format!("（{}）鲁0102民初33号", closed_on.year()));
    open_with_date["registration_number"] = json!("37010200000033");
    open_with_date["status"] = json!("open");
    let report = push(
        &app,
        &key,
        json!([
            good.clone(),
            bad_number,
            bad_party,
            open_with_date,
            "not a case"
        ]),
    )
    .await;
    assert_eq!(
        report["counts"],
        json!({"created": 1, "updated": 0, "unchanged": 0, "rejected": 4})
    );
    let fields = |index: usize| -> Vec<(String, String)> {
        report["results"][index]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(report["results"][0]["outcome"], "created");
    assert_eq!(fields(1)[0].0, "case_number");
    let bad_party_fields = fields(2);
    assert!(bad_party_fields.contains(&(
        "registration_number".to_owned(),
        "registration_number.format".to_owned()
    )));
    assert!(
        bad_party_fields
            .iter()
            .any(|(f, _)| f == "parties.0.document_number"),
        "{bad_party_fields:?}"
    );
    assert!(
        bad_party_fields.contains(&("parties.1.role".to_owned(), "party.role_invalid".to_owned()))
    );
    assert_eq!(
        fields(3),
        [(
            "closed_on".to_owned(),
            "registered_case.open_with_closing_date".to_owned()
        )]
    );
    assert_eq!(fields(4), [("".to_owned(), "field.type".to_owned())]);

    // The same case again changes nothing; a new fact updates it; the registration number
    // never changes.
    let report = push(&app, &key, json!([good.clone()])).await;
    assert_eq!(report["results"][0]["outcome"], "unchanged");
    let mut renamed = good.clone();
    renamed["cause"] = json!("民间借贷纠纷");
    let report = push(&app, &key, json!([renamed])).await;
    assert_eq!(report["results"][0]["outcome"], "updated");
    let mut renumbered = good.clone();
    renumbered["registration_number"] = json!("37010299999999");
    let report = push(&app, &key, json!([renumbered])).await;
    assert_eq!(
        report["results"][0]["errors"][0]["code"],
        "registered_case.registration_number_changed"
    );

    // Only the trial system pushes.
    let (party, _) = party_session(&app, 504).await;
    let (status, body) = app
        .post(
            "/api/v1/integrations/trial-system/cases",
            Some(&party),
            json!({"cases": [good.clone()]}),
        )
        .await;
    assert_problem(status, &body, 401, "auth.service_client_required");
    let mini = crate::mini_program::mini_program_key(&app);
    let (status, body) = app
        .post(
            "/api/v1/integrations/trial-system/cases",
            Some(&mini),
            json!({"cases": [good]}),
        )
        .await;
    assert_problem(status, &body, 403, "auth.scope_missing");
    let (status, body) = app
        .post(
            "/api/v1/integrations/trial-system/cases",
            Some(&key),
            json!({"cases": []}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
}

#[actix_web::test]
async fn a_pushed_number_is_never_handed_out_by_docketing() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let year = today().year();
    let mut open = closed_case(
        1,
        "37010200000001",
        today(),
        json!([person("plaintiff", "王五", 505), company("某公司")]),
    );
    open["status"] = json!("open");
    open["closed_on"] = Value::Null;
    open["judgment_document_number"] = Value::Null;
    open["registered_on"] = json!(today().to_string());
    let report = push(&app, &key, json!([open])).await;
    assert_eq!(report["counts"]["created"], 1, "{report}");

    let (_, id, _, _) = submitted_civil_filing(&app, 506).await;
    let judge = judge_session(&app, "judge.pushed", "鲁0102").await;
    let body = approve_and_docket(&app, &judge, &id, json!({})).await;
    assert_eq!(
        body["case"]["case_number"],
        format!("（{year}）鲁0102民初2号")
    );
}

#[actix_web::test]
async fn a_party_who_appealed_cannot_appeal_again_and_lookups_by_party_are_limited() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (first, _) = party_session(&app, 507).await;
    let (second, _) = party_session(&app, 508).await;
    let closed_on = today() - Duration::days(60);
    push(
        &app,
        &key,
        json!([closed_case(
            41,
            "37010200000041",
            closed_on,
            json!([
                person("plaintiff", "张三", 507),
                person("defendant", "张三", 508)
            ]),
        )]),
    )
    .await;
    let number = format!("（{}）鲁0102民初41号", closed_on.year());

    // The first party finds the case by their own name and ID number and appeals.
    let (status, body) = app
        .get(
            &format!(
                "/api/v1/original-cases?party_name={}&party_identity_number={}",
                urlencoding("张三"),
                id_number(507).to_lowercase()
            ),
            Some(&first),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 1, "{body}");
    let case_id = body["items"][0]["id"].as_str().unwrap().to_owned();
    let plaintiff = body["items"][0]["parties"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let defendant = body["items"][0]["parties"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = app
        .post(
            &format!("/api/v1/original-cases/{case_id}/drafts"),
            Some(&first),
            json!({ "party_ids": [plaintiff] }),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    // A party may not look up someone else's ID number, nor act on a case not found.
    let (status, body) = app
        .get(
            &format!(
                "/api/v1/original-cases?party_name={}&party_identity_number={}",
                urlencoding("张三"),
                id_number(507)
            ),
            Some(&second),
        )
        .await;
    assert_problem(status, &body, 403, "original_case.lookup_not_allowed");
    let (stranger, _) = party_session(&app, 509).await;
    let (status, body) = app
        .get(
            &format!("/api/v1/original-cases/{case_id}"),
            Some(&stranger),
        )
        .await;
    assert_problem(status, &body, 404, "original_case.not_found");
    let (status, body) = app
        .post(
            &format!("/api/v1/original-cases/{case_id}/drafts"),
            Some(&stranger),
            json!({ "party_ids": [defendant] }),
        )
        .await;
    assert_problem(status, &body, 404, "original_case.not_found");

    // The second party (a party of the case) sees that the plaintiff already appealed; the
    // plaintiff cannot be chosen again, the defendant can.
    let (status, body) = app
        .get(&lookup_path(&number, "37010200000041"), Some(&second))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["parties"][0]["already_appealed"], true);
    assert_eq!(body["items"][0]["parties"][1]["already_appealed"], false);
    let (status, body) = app
        .post(
            &format!("/api/v1/original-cases/{case_id}/drafts"),
            Some(&second),
            json!({ "party_ids": [plaintiff] }),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "appeal.already_appealed");
    let (status, body) = app
        .post(
            &format!("/api/v1/original-cases/{case_id}/drafts"),
            Some(&second),
            json!({ "party_ids": [defendant] }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["parties"][0]["role"], "appellee");
    assert_eq!(body["parties"][1]["role"], "appellant");
}

#[actix_web::test]
async fn in_litigation_preservation_lists_only_eligible_filings_and_finds_other_accounts_cases() {
    let app = TestApp::spawn().await;
    let (filer, docketed_id, _, _) = submitted_civil_filing(&app, 510).await;
    let judge = judge_session(&app, "judge.preserve", "鲁0102").await;
    let docketed = approve_and_docket(&app, &judge, &docketed_id, json!({})).await;
    // A second filing of the same account, submitted only, and a draft.
    let (_, body) = app
        .post(
            "/api/v1/cases",
            Some(&filer),
            json!({"kind": "civil_first_instance", "court_code": "鲁0102"}),
        )
        .await;
    assert_eq!(body["status"], "draft");

    let (status, list) = app
        .get(
            "/api/v1/cases?eligible_for=in_litigation_preservation",
            Some(&filer),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [docketed_id.as_str()]);
    let (status, body) = app
        .get("/api/v1/cases?eligible_for=civil_appeal", Some(&filer))
        .await;
    assert_problem(status, &body, 422, "validation.failed");

    // Another account names the case by its numbers, and drafts a preservation in it.
    let case_number = docketed["case"]["case_number"].as_str().unwrap().to_owned();
    let registration = docketed["case"]["registration_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let (other, _) = party_session(&app, 511).await;
    let (status, body) = app
        .get(
            &format!(
                "{}&kind=in_litigation_preservation",
                lookup_path(&case_number, &registration)
            ),
            Some(&other),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let hit = &body["items"][0];
    assert_eq!(hit["status"], "open");
    assert_eq!(hit["filing"]["accepting_court_code"], "鲁0102");
    let applicant = hit["parties"][0]["id"].as_str().unwrap().to_owned();
    let (status, draft) = app
        .post(
            &format!(
                "/api/v1/original-cases/{}/drafts",
                hit["id"].as_str().unwrap()
            ),
            Some(&other),
            json!({"kind": "in_litigation_preservation", "party_ids": [applicant]}),
        )
        .await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(draft["kind"], "in_litigation_preservation");
    assert_eq!(draft["court_code"], "鲁0102");
    assert_eq!(draft["existing_case_number"], case_number);
    assert_eq!(draft["parties"][1]["role"], "respondent");
    // Without a kind, an open case is not appealable.
    let (status, body) = app
        .get(&lookup_path(&case_number, &registration), Some(&other))
        .await;
    assert_problem(status, &body, 404, "original_case.not_closed");
}

#[actix_web::test]
async fn a_reconsideration_is_drafted_from_a_pushed_enforcement_case() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (party, _) = party_session(&app, 512).await;
    let report = push(
        &app,
        &key,
        json!([{
            "case_number": "（2020）鲁0102执19号",
            "registration_number": "37010220000019",
            "status": "open",
            "parties": [
                {"role": "applicant", "type": "natural_person", "name": "张三",
                 "document_type": "resident_id", "document_number": id_number(512)},
                {"role": "respondent", "type": "legal_person", "name": "某公司",
                 "credit_code": company("某公司")["credit_code"], "representative_name": "李四"}
            ]
        }]),
    )
    .await;
    assert_eq!(report["counts"]["created"], 1, "{report}");
    let (status, body) = app
        .get(
            &format!(
                "{}&kind=enforcement_reconsideration",
                lookup_path("(2020)鲁0102执019", "37010220000019")
            ),
            Some(&party),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let hit = &body["items"][0];
    assert_eq!(hit["filing"]["accepting_court_code"], "鲁01");
    let (status, draft) = app
        .post(
            &format!(
                "/api/v1/original-cases/{}/drafts",
                hit["id"].as_str().unwrap()
            ),
            Some(&party),
            json!({
                "kind": "enforcement_reconsideration",
                "party_ids": [hit["parties"][0]["id"]],
                "content": {"reconsideration": {
                    "matter": "objection_to_enforcement_act",
                    "enforcement_basis_number": "（2019）鲁0102民初100号"
                }}
            }),
        )
        .await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(draft["court_code"], "鲁01");
    assert_eq!(
        draft["reconsideration"]["original_case_number"],
        "（2020）鲁0102执19号"
    );
    // Jurisdiction-objection appeals are entered by hand.
    let (status, body) = app
        .get(
            &format!(
                "{}&kind=jurisdiction_objection_appeal",
                lookup_path("（2020）鲁0102执19号", "37010220000019")
            ),
            Some(&party),
        )
        .await;
    assert_problem(status, &body, 422, "original_case.lookup_not_offered");
}

#[actix_web::test]
async fn failed_lookups_are_limited() {
    let app = TestApp::spawn().await;
    let (party, _) = party_session(&app, 513).await;
    let (status, body) = app
        .get("/api/v1/original-cases?case_number=x", Some(&party))
        .await;
    assert_problem(status, &body, 400, "original_case.lookup_incomplete");
    for attempt in 0..20 {
        let (status, body) = app
            .get(
                &lookup_path("（2024）鲁0102民初1号", &format!("{:014}", attempt)),
                Some(&party),
            )
            .await;
        assert_problem(status, &body, 404, "original_case.not_found");
    }
    let (status, body) = app
        .get(
            &lookup_path("（2024）鲁0102民初1号", "37010200000001"),
            Some(&party),
        )
        .await;
    assert_problem(status, &body, 429, "rate_limited");
    let (status, body) = app.get("/api/v1/original-cases", Some(&party)).await;
    assert_problem(status, &body, 429, "rate_limited");
}

#[actix_web::test]
async fn the_trial_system_simulator_pushes_cases_and_registers_docketed_filings_back() {
    use efiling::integrations::trial_system::{Simulator, realistic_cases};

    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (_, id, _, _) = submitted_civil_filing(&app, 514).await;
    let judge = judge_session(&app, "judge.loop", "鲁0102").await;
    let docketed = approve_and_docket(&app, &judge, &id, json!({})).await;

    let base = app.url("");
    let (reports, round, again, cursor) = tokio::task::spawn_blocking(move || {
        let mut simulator = Simulator::new(&base, &key);
        let courts = simulator.basic_courts().unwrap();
        assert!(courts.len() > 100, "{} basic courts", courts.len());
        let cases = realistic_cases(250, &courts, 90_000, today(), 3);
        let reports = simulator.push(&cases).unwrap();
        let round = simulator.consume_feed().unwrap();
        let again = simulator.consume_feed().unwrap();
        (reports, round, again, simulator.cursor.clone())
    })
    .await
    .unwrap();
    let created: u64 = reports
        .iter()
        .map(|r| r["counts"]["created"].as_u64().unwrap())
        .sum();
    assert_eq!(created, 250, "{reports:?}");
    assert!(round.feed_items >= 3, "{round:?}");
    assert_eq!(round.registered_back, 1, "{round:?}");
    assert_eq!(again.feed_items, 0, "nothing is handed out twice");
    assert!(cursor.is_some());

    // The docketed case, now known to the trial system, is found by its numbers.
    let case_number = docketed["case"]["case_number"].as_str().unwrap();
    let registration = docketed["case"]["registration_number"].as_str().unwrap();
    let (other, _) = party_session(&app, 515).await;
    let (status, body) = app
        .get(
            &format!(
                "{}&kind=in_litigation_preservation",
                lookup_path(case_number, registration)
            ),
            Some(&other),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["parties"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn review_findings_on_pushes_are_answered_row_by_row() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let closed_on = today() - Duration::days(40);
    let case = closed_case(
        51,
        "37010200000051",
        closed_on,
        json!([
            person("plaintiff", "周敏", 516),
            person("defendant", "李娜", 517)
        ]),
    );

    // Members of the wrong type or unknown are named, and the rest is still checked.
    let mut typed = case.clone();
    typed["registration_number"] = json!(37010200000051u64);
    typed["cause"] = json!(123);
    typed["judge"] = json!("x");
    typed["parties"][1]["phone"] = json!(13912345678u64);
    typed["closed_on"] = json!("2001-01-01");
    let mut duplicated = closed_case(
        52,
        "37010200000052",
        closed_on,
        json!([
            person("plaintiff", "周敏", 516),
            person("defendant", "周敏", 516)
        ]),
    );
    duplicated["cause"] = json!("买卖\u{202e}合同纠纷");
    let report = push(&app, &key, json!([typed, duplicated])).await;
    let codes = |index: usize| -> Vec<(String, String)> {
        report["results"][index]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let first = codes(0);
    for expected in [
        ("registration_number", "field.type"),
        ("cause", "field.type"),
        ("judge", "field.unknown"),
        ("parties.1.phone", "field.type"),
        ("closed_on", "registered_case.closed_before_registered"),
    ] {
        assert!(
            first.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {first:?}"
        );
    }
    let second = codes(1);
    assert!(
        second.contains(&(
            "parties.1.document_number".to_owned(),
            "party.duplicate".to_owned()
        )),
        "{second:?}"
    );
    assert!(
        second.contains(&("cause".to_owned(), "text.invalid_characters".to_owned())),
        "{second:?}"
    );

    // Concurrent pushes of the same cases, in opposite orders, all answer.
    let mut batch: Vec<Value> = (60..70)
        .map(|n| {
            closed_case(
                n,
                &format!("370102000000{n}"),
                closed_on,
                json!([
                    person("plaintiff", "周敏", 516),
                    person("defendant", "李娜", 517)
                ]),
            )
        })
        .collect();
    let forward = json!({ "cases": batch.clone() });
    batch.reverse();
    let backward = json!({ "cases": batch });
    let path = "/api/v1/integrations/trial-system/cases";
    let results = futures_util::future::join_all((0..6).map(|i| {
        let body = if i % 2 == 0 {
            forward.clone()
        } else {
            backward.clone()
        };
        let app = &app;
        let key = key.clone();
        async move { app.post(path, Some(&key), body).await }
    }))
    .await;
    let mut created = 0;
    for (status, body) in &results {
        assert_eq!(*status, 200, "{body}");
        created += body["counts"]["created"].as_u64().unwrap();
        assert_eq!(body["counts"]["rejected"], 0, "{body}");
    }
    assert_eq!(created, 10);

    // A re-push that lists the parties in another order keeps each party's id.
    let report = push(&app, &key, json!([case.clone()])).await;
    assert_eq!(report["counts"]["created"], 1, "{report}");
    let (party, _) = party_session(&app, 516).await;
    let number = format!("（{}）鲁0102民初51号", closed_on.year());
    let (_, before) = app
        .get(&lookup_path(&number, "37010200000051"), Some(&party))
        .await;
    let mut reordered = case;
    let parties = reordered["parties"].as_array_mut().unwrap();
    parties.reverse();
    let report = push(&app, &key, json!([reordered])).await;
    assert_eq!(report["results"][0]["outcome"], "updated");
    let (_, after) = app
        .get(&lookup_path(&number, "37010200000051"), Some(&party))
        .await;
    let id_of = |body: &Value, name: &str| -> String {
        body["items"][0]["parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(id_of(&before, "周敏"), id_of(&after, "周敏"));
    assert_eq!(id_of(&before, "李娜"), id_of(&after, "李娜"));
}

#[actix_web::test]
async fn a_draft_naming_someone_else_as_appellant_does_not_stop_their_appeal() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let closed_on = today() - Duration::days(20);
    push(
        &app,
        &key,
        json!([closed_case(
            71,
            "37010200000071",
            closed_on,
            json!([
                person("plaintiff", "张三", 518),
                person("defendant", "张三", 519)
            ]),
        )]),
    )
    .await;
    let number = format!("（{}）鲁0102民初71号", closed_on.year());
    let (plaintiff_account, _) = party_session(&app, 518).await;
    let (defendant_account, _) = party_session(&app, 519).await;

    // The defendant saves a draft naming the plaintiff as appellant, and never submits it.
    let (_, body) = app
        .get(
            &lookup_path(&number, "37010200000071"),
            Some(&defendant_account),
        )
        .await;
    let case_id = body["items"][0]["id"].as_str().unwrap().to_owned();
    let plaintiff = body["items"][0]["parties"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = app
        .post(
            &format!("/api/v1/original-cases/{case_id}/drafts"),
            Some(&defendant_account),
            json!({ "party_ids": [plaintiff] }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // Nobody's phone but the caller's own is copied into a draft.
    assert_eq!(body["parties"][1]["phone"], Value::Null);
    assert_eq!(body["parties"][0]["phone"], Value::Null);

    // The plaintiff can still appeal.
    let (_, body) = app
        .get(
            &lookup_path(&number, "37010200000071"),
            Some(&plaintiff_account),
        )
        .await;
    assert_eq!(body["items"][0]["parties"][0]["already_appealed"], false);
    let (status, body) = app
        .post(
            &format!("/api/v1/original-cases/{case_id}/drafts"),
            Some(&plaintiff_account),
            json!({ "party_ids": [plaintiff] }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["parties"][0]["phone"], "13912345678",
        "the caller's own"
    );

    // Two drafts at once from one account: one is made, the other names it.
    let (status, _) = app
        .send(
            Method::DELETE,
            &format!("/api/v1/cases/{}", body["id"].as_str().unwrap()),
            Some(&plaintiff_account),
            None,
        )
        .await;
    assert!(status == 204 || status == 428, "{status}");
    let (third, _) = party_session(&app, 520).await;
    app.get(&lookup_path(&number, "37010200000071"), Some(&third))
        .await;
    let path = format!("/api/v1/original-cases/{case_id}/drafts");
    let results = futures_util::future::join_all((0..4).map(|_| {
        let app = &app;
        let third = third.clone();
        let path = path.clone();
        let plaintiff = plaintiff.clone();
        async move {
            app.post(&path, Some(&third), json!({ "party_ids": [plaintiff] }))
                .await
        }
    }))
    .await;
    let made = results.iter().filter(|(status, _)| *status == 201).count();
    let (status, body) = app
        .post(
            &path,
            Some(&plaintiff_account),
            json!({ "party_ids": [plaintiff, body_party(&app, &number, &plaintiff_account).await] }),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "original_case.filer_parties_mixed"),
        "{body}"
    );
    assert_eq!(made, 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(status, body)| *status == 201 || body["code"] == "appeal.draft_exists")
    );

    // A lawyer or party cannot look up a stranger's cases by the stranger's ID number.
    let (status, body) = app
        .get(
            &format!(
                "/api/v1/original-cases?party_name={}&party_identity_number={}",
                urlencoding("张三"),
                id_number(518)
            ),
            Some(&third),
        )
        .await;
    assert_problem(status, &body, 403, "original_case.lookup_not_allowed");
}

/// The id of the second party of the case `number` (registration 37010200000071), as
/// `token` finds it.
async fn body_party(app: &TestApp, number: &str, token: &str) -> String {
    let (_, body) = app
        .get(&lookup_path(number, "37010200000071"), Some(token))
        .await;
    body["items"][0]["parties"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn filing_against_someone_does_not_open_their_cases_and_a_push_names_a_number_once() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    // The filer named the company as defendant: that does not make it the filer's client.
    let (filer, _, _, _) = submitted_civil_filing(&app, 521).await;
    let company = company("山东某某贸易有限公司");
    let (status, body) = app
        .get(
            &format!(
                "/api/v1/original-cases?party_name={}&party_identity_number={}",
                urlencoding("山东某某贸易有限公司"),
                company["credit_code"].as_str().unwrap()
            ),
            Some(&filer),
        )
        .await;
    assert_problem(status, &body, 403, "original_case.lookup_not_allowed");

    let closed_on = today() - Duration::days(10);
    let first = closed_case(
        81,
        "37010200000081",
        closed_on,
        json!([person("plaintiff", "王五", 522), company.clone()]),
    );
    let mut again = first.clone();
    again["cause"] = json!("民间借贷纠纷");
    let report = push(&app, &key, json!([first, again])).await;
    assert_eq!(report["results"][0]["outcome"], "created");
    assert_eq!(
        report["results"][1]["errors"][0]["code"],
        "registered_case.duplicate_in_push"
    );
}
