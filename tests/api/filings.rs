//! Online filing over HTTP: drafts, parties, payer, materials, check and submission.

use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::{
    PASSWORD, id_number, lawyer_fixture, lawyer_request, login, party_session, phone, with_lawyers,
};
use crate::materials::{pdf, upload};
use crate::support::{TestApp, assert_problem};

/// Sends a JSON request with optional `If-Match` and `Idempotency-Key`; returns status,
/// ETag and body.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    if_match: Option<&str>,
    idempotency_key: Option<&str>,
) -> (u16, Option<String>, Value) {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    if let Some(key) = idempotency_key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, etag, body)
}

/// Creates a draft; returns its id and ETag.
async fn draft(app: &TestApp, token: &str, kind: &str, court: Option<&str>) -> (String, String) {
    let (status, etag, body) = call(
        app,
        Method::POST,
        "/api/v1/cases",
        token,
        Some(json!({"kind": kind, "court_code": court})),
        None,
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "draft");
    (body["id"].as_str().unwrap().to_owned(), etag.unwrap())
}

async fn patch(
    app: &TestApp,
    token: &str,
    id: &str,
    etag: &str,
    body: Value,
) -> (u16, Option<String>, Value) {
    call(
        app,
        Method::PATCH,
        &format!("/api/v1/cases/{id}"),
        token,
        Some(body),
        Some(etag),
        None,
    )
    .await
}

async fn etag_of(app: &TestApp, token: &str, id: &str) -> String {
    let (status, etag, body) = call(
        app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    etag.unwrap()
}

async fn add_party(app: &TestApp, token: &str, id: &str, party: Value) -> (u16, Value) {
    let (status, _, body) = call(
        app,
        Method::POST,
        &format!("/api/v1/cases/{id}/parties"),
        token,
        Some(party),
        None,
        None,
    )
    .await;
    (status, body)
}

async fn attach(app: &TestApp, token: &str, id: &str, pages: usize, category: &str) -> String {
    let (status, material) = upload(app, token, "材料.pdf", pdf(pages), category, None).await;
    assert_eq!(status, 201, "{material}");
    let material_id = material["id"].as_str().unwrap().to_owned();
    let (status, _, body) = call(
        app,
        Method::POST,
        &format!("/api/v1/cases/{id}/materials"),
        token,
        Some(json!({ "material_id": material_id })),
        None,
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["attached"], true);
    material_id
}

fn plaintiff(n: u32) -> Value {
    json!({
        "role": "plaintiff", "type": "natural_person", "name": "张三",
        "document_type": "resident_id", "document_number": id_number(n),
        "address": "济南市历下区泉城路1号", "phone": phone(n)
    })
}

fn company_defendant() -> Value {
    let body = "91370102MA3C4N5X0";
    let check = efiling::domain::credit_code::check_character(body).unwrap();
    json!({
        "role": "defendant", "type": "legal_person", "name": "山东某某贸易有限公司",
        "credit_code": format!("{body}{check}"), "representative_name": "李四",
        "address": "济南市历下区经十路100号"
    })
}

fn civil_content() -> Value {
    json!({
        "cause_of_action": "103",
        "amount_in_dispute": "120000",
        "filer_capacity": "party_in_person",
        "claims": "判令被告支付货款120000元。",
        "facts_and_reasons": "原告向被告供货，被告未付款。",
        "service_address": {
            "address": "济南市历下区泉城路1号", "recipient": "张三",
            "phone": "13900000001", "email": "zhangsan@example.cn",
            "electronic_service_consent": true
        }
    })
}

fn problem_fields(body: &Value) -> Vec<(String, String)> {
    let list = body["errors"]
        .as_array()
        .or_else(|| body["problems"].as_array())
        .cloned()
        .unwrap_or_default();
    list.iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap().to_owned(),
                p["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_civil_first_instance_filing_is_drafted_checked_and_submitted() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 300).await;
    let (id, etag) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;

    // An empty draft lists everything that is missing, at once, and changes nothing.
    let (status, _, check) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/check"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(check["ready"], false);
    let missing = problem_fields(&check);
    for field in [
        "cause_of_action",
        "claims",
        "service_address",
        "parties.plaintiff",
        "parties.defendant",
        "materials.complaint_or_application",
    ] {
        assert!(
            missing.iter().any(|(f, _)| f == field),
            "{field} in {missing:?}"
        );
    }
    assert_eq!(etag_of(&app, &token, &id).await, etag);

    let (status, plaintiff_body) = add_party(&app, &token, &id, plaintiff(300)).await;
    assert_eq!(status, 201, "{plaintiff_body}");
    // The 17th digit of the number is even: a woman.
    assert_eq!(plaintiff_body["gender"], "female");
    assert_eq!(plaintiff_body["birth_date"], "1990-01-01");
    let plaintiff_id = plaintiff_body["id"].as_str().unwrap().to_owned();
    let (status, defendant) = add_party(&app, &token, &id, company_defendant()).await;
    assert_eq!(status, 201, "{defendant}");

    let etag = etag_of(&app, &token, &id).await;
    let mut content = civil_content();
    content["payer_party_id"] = json!(plaintiff_id);
    content["refundee_party_id"] = json!(plaintiff_id);
    let (status, new_etag, body) = patch(&app, &token, &id, &etag, content).await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(new_etag.as_deref(), Some(etag.as_str()));
    assert_eq!(body["amount_in_dispute"], "120000.00");
    assert_eq!(body["court_name"], "济南市历下区人民法院");

    attach(&app, &token, &id, 1, "complaint_or_application").await;
    attach(&app, &token, &id, 2, "identity_document").await;
    attach(&app, &token, &id, 3, "evidence").await;

    let (_, _, check) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/check"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(check["ready"], true, "{check}");

    let (status, _, submitted) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &token,
        None,
        None,
        Some("submit-1"),
    )
    .await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(submitted["status"], "submitted");
    let reference = submitted["filing_reference"].as_str().unwrap().to_owned();
    assert!(reference.starts_with("LA"), "{reference}");
    assert!(submitted["first_submitted_at"].is_string());

    // A retry with the same key replays the answer; without it the second submission is
    // refused. Either way there is one filing.
    let (status, _, replay) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &token,
        None,
        None,
        Some("submit-1"),
    )
    .await;
    assert_eq!(status, 200, "{replay}");
    assert_eq!(replay["filing_reference"], reference.as_str());
    let (status, _, again) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_problem(status, &again, 409, "filing.already_submitted");

    // A submitted filing can no longer be changed or deleted.
    let etag = etag_of(&app, &token, &id).await;
    let (status, _, body) = patch(&app, &token, &id, &etag, json!({"claims": "x"})).await;
    assert_problem(status, &body, 409, "filing.not_editable");
    let (status, _, body) = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/cases/{id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_problem(status, &body, 409, "filing.not_deletable");

    // It is in "my cases", found by its reference and by a party's name.
    let (status, list) = app
        .get(
            &format!("/api/v1/cases?filing_reference={reference}"),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id.as_str());
    let (_, list) = app
        .get("/api/v1/cases?party_name=%E8%B4%B8%E6%98%93", Some(&token))
        .await;
    assert_eq!(list["total"], 1, "{list}");
    let (_, list) = app.get("/api/v1/cases?status=draft", Some(&token)).await;
    assert_eq!(list["total"], 0, "{list}");

    // The audit trail has the submission.
    let mut conn = app.pool.get().unwrap();
    let events = efiling::store::audit::history(&mut conn, "filing", &id).unwrap();
    assert!(
        events.iter().any(|e| e.action == "filing.submitted"),
        "{events:?}"
    );
}

#[actix_web::test]
async fn a_lawyer_filing_without_an_authorisation_is_told_exactly_that() {
    let app = TestApp::spawn_with_integrations(with_lawyers(&lawyer_fixture(
        301,
        "山东测试律师事务所",
        "2020-01-01T00:00:00Z",
    )))
    .await;
    let (status, body) = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(301, "山东测试律师事务所", PASSWORD),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    app.run_jobs().await;
    let (status, session) = login(&app, &format!("1370120101{:07}", 301), PASSWORD).await;
    assert_eq!(status, 201, "{session}");
    let token = session["access_token"].as_str().unwrap().to_owned();

    let (id, _) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    // The client is someone else: the lawyer is not a party.
    let (status, body) = add_party(&app, &token, &id, plaintiff(302)).await;
    assert_eq!(status, 201, "{body}");
    let plaintiff_id = body["id"].as_str().unwrap().to_owned();
    add_party(&app, &token, &id, company_defendant()).await;
    let etag = etag_of(&app, &token, &id).await;
    let mut content = civil_content();
    content["filer_capacity"] = json!("authorised_agent");
    content["payer_party_id"] = json!(plaintiff_id);
    content["refundee_party_id"] = json!(plaintiff_id);
    let (status, _, body) = patch(&app, &token, &id, &etag, content).await;
    assert_eq!(status, 200, "{body}");
    attach(&app, &token, &id, 4, "complaint_or_application").await;
    attach(&app, &token, &id, 5, "identity_document").await;
    attach(&app, &token, &id, 6, "evidence").await;

    let (status, _, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_problem(status, &body, 422, "filing.incomplete");
    assert_eq!(
        problem_fields(&body),
        [(
            "materials.authorisation".to_owned(),
            "filing.authorisation_required".to_owned()
        )]
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("授权")
    );

    attach(&app, &token, &id, 7, "authorisation").await;
    let (status, _, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[actix_web::test]
async fn the_payer_is_chosen_from_the_filer_side_only() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 303).await;
    let (id, _) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    let candidates_path = format!("/api/v1/cases/{id}/payer-candidates");

    let (status, body) = app.get(&candidates_path, Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"], json!([]));

    let (_, defendant) = add_party(&app, &token, &id, company_defendant()).await;
    let defendant_id = defendant["id"].as_str().unwrap();
    let (_, body) = app.get(&candidates_path, Some(&token)).await;
    assert_eq!(body["items"], json!([]));
    let etag = etag_of(&app, &token, &id).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"payer_party_id": defendant_id}),
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [(
            "payer_party_id".to_owned(),
            "payer.not_plaintiff".to_owned()
        )]
    );

    let (_, plaintiff_body) = add_party(&app, &token, &id, plaintiff(303)).await;
    let plaintiff_id = plaintiff_body["id"].as_str().unwrap().to_owned();
    let (_, body) = app.get(&candidates_path, Some(&token)).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["items"][0]["id"], plaintiff_id.as_str());

    let etag = etag_of(&app, &token, &id).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"payer_party_id": plaintiff_id, "refundee_party_id": plaintiff_id}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["payer_party_id"], plaintiff_id.as_str());

    // Deleting the chosen party clears the choice.
    let (status, _, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/cases/{id}/parties/{plaintiff_id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, _, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(body["payer_party_id"], Value::Null);
    assert_eq!(body["refundee_party_id"], Value::Null);
}

#[actix_web::test]
async fn preservation_refuses_a_respondent_phone() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 304).await;
    let (id, _) = draft(&app, &token, "pre_litigation_preservation", Some("鲁0102")).await;
    let (status, body) = add_party(
        &app,
        &token,
        &id,
        json!({
            "role": "respondent", "type": "natural_person", "name": "王五",
            "document_type": "resident_id", "document_number": id_number(305),
            "phone": "13900000305"
        }),
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [("phone".to_owned(), "party.phone_forbidden".to_owned())]
    );
    // The same respondent without a phone is fine; a plaintiff is not a role here.
    let (status, body) = add_party(
        &app,
        &token,
        &id,
        json!({
            "role": "respondent", "type": "natural_person", "name": "王五",
            "document_type": "resident_id", "document_number": id_number(305)
        }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = add_party(&app, &token, &id, plaintiff(304)).await;
    assert_problem(status, &body, 422, "validation.failed");
    assert!(problem_fields(&body).contains(&("role".to_owned(), "party.role_invalid".to_owned())));
}

#[actix_web::test]
async fn offline_kinds_and_unknown_kinds_are_refused() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 306).await;
    let (status, body) = app
        .post(
            "/api/v1/cases",
            Some(&token),
            json!({"kind": "state_compensation", "court_code": "鲁01"}),
        )
        .await;
    assert_problem(status, &body, 422, "filing.offline_only");
    assert!(body["detail"].as_str().unwrap().contains("法院"), "{body}");
    let (status, body) = app
        .post("/api/v1/cases", Some(&token), json!({"kind": "divorce"}))
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    let (status, body) = app
        .post(
            "/api/v1/cases",
            Some(&token),
            json!({"kind": "civil_first_instance", "court_code": "鲁"}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [("court_code".to_owned(), "filing.court_tier".to_owned())]
    );
}

#[actix_web::test]
async fn an_enforcement_reconsideration_lands_at_the_superior_court() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 307).await;
    let (id, etag) = draft(&app, &token, "enforcement_reconsideration", None).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"reconsideration": {
            "original_case_number": "（2020）鲁0102执19号",
            "matter": "objection_to_enforcement_act",
            "enforcement_basis_number": "（2019）鲁0102民初100号"
        }}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["court_code"], "鲁01");
    assert_eq!(body["court_name"], "济南市中级人民法院");

    // A court other than the derived one cannot be chosen.
    let etag = etag_of(&app, &token, &id).await;
    let (status, _, body) = patch(&app, &token, &id, &etag, json!({"court_code": "鲁02"})).await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [("court_code".to_owned(), "filing.court_derived".to_owned())]
    );
}

#[actix_web::test]
async fn another_accounts_filing_is_not_found() {
    let app = TestApp::spawn().await;
    let (owner, _) = party_session(&app, 308).await;
    let (other, _) = party_session(&app, 309).await;
    let (id, etag) = draft(&app, &owner, "civil_first_instance", Some("鲁0102")).await;
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/cases/{id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/cases/{id}"),
            Some(json!({"claims": "x"})),
        ),
        (Method::DELETE, format!("/api/v1/cases/{id}"), None),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/parties"),
            Some(plaintiff(309)),
        ),
        (
            Method::GET,
            format!("/api/v1/cases/{id}/payer-candidates"),
            None,
        ),
        (Method::POST, format!("/api/v1/cases/{id}/check"), None),
        (Method::POST, format!("/api/v1/cases/{id}/submission"), None),
    ] {
        let (status, _, body) =
            call(&app, method.clone(), &path, &other, body, Some(&etag), None).await;
        assert_problem(status, &body, 404, "filing.not_found");
    }
    let (_, list) = app.get("/api/v1/cases", Some(&other)).await;
    assert_eq!(list["total"], 0);
    let (_, list) = app.get("/api/v1/cases", Some(&owner)).await;
    assert_eq!(list["total"], 1);
}

#[actix_web::test]
async fn stale_or_missing_etags_do_not_overwrite() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 310).await;
    let (id, etag) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    let (status, _, body) = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/cases/{id}"),
        &token,
        Some(json!({"claims": "一"})),
        None,
        None,
    )
    .await;
    assert_problem(status, &body, 428, "precondition.required");
    let (status, _, body) = patch(&app, &token, &id, &etag, json!({"claims": "一"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = patch(&app, &token, &id, &etag, json!({"claims": "二"})).await;
    assert_problem(status, &body, 412, "precondition.failed");
    let (_, _, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(body["claims"], "一");
}

#[actix_web::test]
async fn every_bad_field_of_a_patch_is_reported_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 311).await;
    let (id, etag) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({
            "claims": "有效的请求",
            "amount_in_dispute": "12,000元",
            "cause_of_action": "nope",
            "charge": 1,
            "status": "accepted",
            "service_address": {"address": "某地", "recipient": "张三", "phone": "12345", "electronic_service_consent": true}
        }),
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    let fields = problem_fields(&body);
    for expected in [
        ("amount_in_dispute", "money.format"),
        ("cause_of_action", "cause.unknown"),
        ("charge", "field.not_applicable"),
        ("status", "field.read_only"),
        ("service_address.phone", "phone.format"),
    ] {
        assert!(
            fields.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {fields:?}"
        );
    }
    let (_, etag_after, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(body["claims"], Value::Null);
    assert_eq!(etag_after.as_deref(), Some(etag.as_str()));
}

#[actix_web::test]
async fn drafts_can_be_deleted_and_release_their_materials() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 312).await;
    let (id, _) = draft(&app, &token, "road_traffic", Some("鲁0102")).await;
    let (_, _, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(body["cause_of_action"], "411");
    let material = attach(&app, &token, &id, 8, "evidence").await;
    let (status, _, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/cases/{id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = app
        .get(&format!("/api/v1/materials/{material}"), Some(&token))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["attached"], false);
    let (status, _, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_problem(status, &body, 404, "filing.not_found");
}
