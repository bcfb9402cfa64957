//! Courts, causes of action and filing kinds.

use serde_json::Value;

use crate::support::{TestApp, assert_problem};

fn codes(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_owned())
        .collect()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[actix_web::test]
async fn a_court_is_found_by_part_of_its_name() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .get_json(&format!("/api/v1/courts?q={}", encode("历下")))
        .await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["name"], "济南市历下区人民法院");
    assert_eq!(items[0]["code"], "鲁0102");
    assert_eq!(items[0]["level"], "basic");
    assert_eq!(items[0]["parent_code"], "鲁01");
}

#[actix_web::test]
async fn a_court_is_found_by_its_code_and_all_are_listed_without_a_query() {
    let app = TestApp::spawn().await;
    let (_, body) = app
        .get_json(&format!("/api/v1/courts?q={}", encode("鲁0102")))
        .await;
    assert_eq!(codes(&body), ["鲁0102"]);
    let (_, all) = app.get_json("/api/v1/courts").await;
    let all = codes(&all);
    assert_eq!(all.len(), 158);
    assert_eq!(all[0], "鲁", "the tree walk starts at the high court");
    assert_eq!(&all[1..3], ["鲁01", "鲁0102"]);
}

#[actix_web::test]
async fn wildcard_characters_are_matched_literally() {
    let app = TestApp::spawn().await;
    for q in ["%", "_", "\\", "%%", "_人民法院", "\\%", "'", "' OR '1'='1"] {
        let (status, body) = app
            .get_json(&format!("/api/v1/courts?q={}", encode(q)))
            .await;
        assert_eq!(status, 200, "{q}");
        assert!(codes(&body).is_empty(), "{q} matched {body}");
    }
}

#[actix_web::test]
async fn search_text_is_trimmed_and_bounded() {
    let app = TestApp::spawn().await;
    let (_, body) = app
        .get_json(&format!("/api/v1/courts?q={}", encode("\u{3000}历下 ")))
        .await;
    assert_eq!(codes(&body), ["鲁0102"]);
    let long = "法".repeat(51);
    let (status, body) = app
        .get_json(&format!("/api/v1/courts?q={}", encode(&long)))
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "q");
    assert_eq!(body["errors"][0]["code"], "query.too_long");
}

#[actix_web::test]
async fn courts_filter_by_level_and_parent() {
    let app = TestApp::spawn().await;
    let (_, body) = app.get_json("/api/v1/courts?level=intermediate").await;
    assert_eq!(codes(&body).len(), 16);
    let (_, body) = app.get_json("/api/v1/courts?level=special").await;
    assert_eq!(codes(&body), ["鲁71", "鲁7101", "鲁7102", "鲁72"]);
    let (_, body) = app
        .get_json(&format!("/api/v1/courts?parent={}", encode("鲁02")))
        .await;
    let qingdao = codes(&body);
    assert_eq!(qingdao.len(), 10);
    assert!(qingdao.iter().all(|c| c.starts_with("鲁02")));
    let (_, body) = app.get_json("/api/v1/courts?parent=").await;
    assert_eq!(
        codes(&body),
        ["鲁"],
        "an empty parent is the top of the tree"
    );
    let (status, body) = app
        .get_json(&format!("/api/v1/courts?parent={}", encode("鲁99")))
        .await;
    assert_problem(status, &body, 404, "court.not_found");
    let (_, body) = app
        .get_json(&format!(
            "/api/v1/courts?parent={}&level=BASIC",
            encode("鲁０２")
        ))
        .await;
    assert_eq!(
        codes(&body).len(),
        10,
        "full-width digits and any case are read"
    );
    let (_, body) = app
        .get_json(&format!("/api/v1/courts/{}", encode("鲁０１０２")))
        .await;
    assert_eq!(body["code"], "鲁0102");
    let (status, body) = app.get_json("/api/v1/courts?level=supreme").await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "court.level_invalid");
}

#[actix_web::test]
async fn a_court_shows_its_superior_its_children_and_its_fee_channel() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .get_json(&format!("/api/v1/courts/{}", encode("鲁02")))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["in_qingdao_jurisdiction"], true);
    assert_eq!(body["parent"]["code"], "鲁");
    assert_eq!(body["children"].as_array().unwrap().len(), 10);

    for (code, qingdao) in [
        ("鲁0203", true),
        ("鲁72", false),
        ("鲁7102", false),
        ("鲁01", false),
    ] {
        let (_, body) = app
            .get_json(&format!("/api/v1/courts/{}", encode(code)))
            .await;
        assert_eq!(body["in_qingdao_jurisdiction"], qingdao, "{code}");
    }
    let (_, high) = app
        .get_json(&format!("/api/v1/courts/{}", encode("鲁")))
        .await;
    assert!(high["parent"].is_null());
    assert!(high["parent_code"].is_null());
}

#[actix_web::test]
async fn unknown_and_retired_court_codes_are_404_with_the_successor_named() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .get_json(&format!("/api/v1/courts/{}", encode("鲁9999")))
        .await;
    assert_problem(status, &body, 404, "court.not_found");
    let (status, body) = app
        .get_json(&format!("/api/v1/courts/{}", encode("鲁0181")))
        .await;
    assert_problem(status, &body, 404, "court.retired");
    assert_eq!(body["successor_code"], "鲁0114");
    assert!(
        body["detail"].as_str().unwrap().contains("鲁0114"),
        "{body}"
    );
}

#[actix_web::test]
async fn causes_are_searchable_and_walk_the_tree() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .get_json(&format!("/api/v1/causes?q={}", encode("民间借贷")))
        .await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|c| c["name"] == "民间借贷纠纷" && c["list"] == "2025"),
        "{body}"
    );

    let (_, top) = app.get_json("/api/v1/causes?parent=").await;
    let top = top["items"].as_array().unwrap();
    assert_eq!(top.len(), 12, "the 2025 list has twelve parts");
    assert!(
        top.iter()
            .all(|c| c["level"] == 1 && c["has_children"] == true)
    );

    let (_, old) = app.get_json("/api/v1/causes?list=2020&parent=").await;
    assert_eq!(old["items"].as_array().unwrap().len(), 11);

    let (_, children) = app.get_json("/api/v1/causes?parent=P1").await;
    let children = children["items"].as_array().unwrap();
    assert!(!children.is_empty());
    assert!(
        children
            .iter()
            .all(|c| c["parent_id"] == "P1" && c["level"] == 2)
    );

    let (_, whole) = app.get_json("/api/v1/causes").await;
    let whole = whole["items"].as_array().unwrap();
    assert_eq!(whole.len(), 1055);
    // A depth-first walk: every item's parent comes before it.
    let mut seen = std::collections::HashSet::new();
    for cause in whole {
        if let Some(parent) = cause["parent_id"].as_str() {
            assert!(seen.contains(parent), "{cause} before its parent");
        }
        seen.insert(cause["id"].as_str().unwrap().to_owned());
    }
}

#[actix_web::test]
async fn causes_refuse_unknown_lists_and_parents() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/api/v1/causes?list=2019").await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "cause.list_invalid");
    let (status, body) = app.get_json("/api/v1/causes?parent=nope").await;
    assert_problem(status, &body, 404, "cause.not_found");
    let (status, body) = app
        .get_json(&format!("/api/v1/causes?q={}", encode("%")))
        .await;
    assert_eq!(status, 200);
    assert!(body["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn case_kinds_list_every_online_kind_and_the_offline_ones_with_reasons() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/api/v1/case-kinds").await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().unwrap();
    let find = |kind: &str| {
        items
            .iter()
            .find(|k| k["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} missing"))
    };
    for (kind, code) in [
        ("road_traffic", Some("民初")),
        ("civil_first_instance", Some("民初")),
        ("civil_appeal", Some("民终")),
        ("civil_retrial_application", Some("民申")),
        ("civil_special_procedure", Some("民特")),
        ("jurisdiction_objection", None),
        ("jurisdiction_objection_appeal", Some("民辖终")),
        ("administrative_first_instance", Some("行初")),
        ("administrative_appeal", Some("行终")),
        ("administrative_retrial_application", Some("行申")),
        ("criminal_private_prosecution", Some("刑初")),
        ("pre_litigation_preservation", Some("财保")),
        ("in_litigation_preservation", None),
        ("first_enforcement", Some("执")),
        ("enforcement_objection", Some("执异")),
        ("enforcement_reconsideration", Some("执复")),
    ] {
        let item = find(kind);
        assert_eq!(item["online"], true, "{kind}");
        assert_eq!(item["type_code"].as_str(), code, "{kind}");
        assert!(
            !item["filer_side_roles"].as_array().unwrap().is_empty(),
            "{kind}"
        );
        assert!(
            !item["court_levels"].as_array().unwrap().is_empty(),
            "{kind}"
        );
        assert!(item["fee_applies"].is_boolean(), "{kind}");
    }
    assert_eq!(
        find("civil_special_procedure")["type_codes"],
        serde_json::json!(["民特", "民特监"])
    );
    assert_eq!(
        find("civil_appeal")["appealable_type_codes"],
        serde_json::json!(["民初", "民撤"])
    );

    for (kind, code) in [
        ("state_compensation", "法赔"),
        ("public_summons", "民催"),
        ("payment_order", "民督"),
        ("civil_retrial", "民再"),
        ("administrative_retrial", "行再"),
        ("third_party_revocation", "民撤"),
        ("administrative_compensation", "行赔初"),
    ] {
        let item = find(kind);
        assert_eq!(item["online"], false, "{kind}");
        assert_eq!(item["type_code"], code, "{kind}");
        assert!(
            item["offline_reason"].as_str().unwrap().contains("法院"),
            "{kind}"
        );
        assert!(
            !item["offline_reason_en"].as_str().unwrap().is_empty(),
            "{kind}"
        );
    }
    assert_eq!(items.len(), 16 + 7);
}

#[test]
fn case_numbers_are_checked_against_the_court_table_including_retired_codes() {
    use efiling::domain::case_number::CaseNumber;
    use efiling::errors::Code;
    use efiling::store::reference::CaseNumberCodes;

    let db = crate::support::TestDatabase::new();
    let codes = CaseNumberCodes::load(&mut db.connect()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let parse = |text: &str| CaseNumber::parse(text, &codes, today);

    let number = parse("(2020)鲁0102执19号").unwrap();
    assert_eq!(number.to_string(), "（2020）鲁0102执19号");
    assert_eq!(number.court_code(), "鲁0102");
    // A retired code still reads (older case numbers carry it).
    assert_eq!(
        parse("（2017）鲁0181民初 1号").unwrap().court_code(),
        "鲁0181"
    );
    assert_eq!(parse("（2021）鲁0191民初5765号").unwrap().sequence(), 5765);
    // Another province's court: shape-checked only.
    assert!(parse("（2019）京0105民初1号").is_ok());
    assert!(parse("（2023）最高法知民终12号").is_ok());

    assert_eq!(
        parse("（2020）鲁9999执19号").unwrap_err(),
        Code::CaseNumberUnknownCourt
    );
    assert_eq!(
        parse("（2020）鲁0102吃19号").unwrap_err(),
        Code::CaseNumberUnknownType
    );
}

#[actix_web::test]
async fn text_the_database_cannot_store_is_a_clear_422_not_a_500() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/courts?q=%00",
        "/api/v1/courts?parent=a%00",
        "/api/v1/courts/%00",
        "/api/v1/causes?q=%00",
        "/api/v1/causes?parent=%00",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_problem(status, &body, 422, "text.invalid_characters");
    }
}
