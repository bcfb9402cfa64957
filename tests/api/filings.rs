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
pub async fn call(
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
pub async fn draft(
    app: &TestApp,
    token: &str,
    kind: &str,
    court: Option<&str>,
) -> (String, String) {
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

pub async fn patch(
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

pub async fn etag_of(app: &TestApp, token: &str, id: &str) -> String {
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

pub async fn add_party(app: &TestApp, token: &str, id: &str, party: Value) -> (u16, Value) {
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

pub async fn attach(app: &TestApp, token: &str, id: &str, pages: usize, category: &str) -> String {
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

pub fn plaintiff(n: u32) -> Value {
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

/// A complete civil first-instance filing at 鲁0102 by party `n`, submitted: (token, filing
/// id, plaintiff id, defendant id).
pub async fn submitted_civil_filing(app: &TestApp, n: u32) -> (String, String, String, String) {
    submitted_civil_filing_at(app, n, "鲁0102").await
}

/// A civil first-instance filing at `court`, submitted: (filer token, filing id, plaintiff
/// id, defendant id).
pub async fn submitted_civil_filing_at(
    app: &TestApp,
    n: u32,
    court: &str,
) -> (String, String, String, String) {
    let (token, _) = party_session(app, n).await;
    let (id, _) = draft(app, &token, "civil_first_instance", Some(court)).await;
    let (_, plaintiff_body) = add_party(app, &token, &id, plaintiff(n)).await;
    let plaintiff_id = plaintiff_body["id"].as_str().unwrap().to_owned();
    let (_, defendant) = add_party(app, &token, &id, company_defendant()).await;
    let defendant_id = defendant["id"].as_str().unwrap().to_owned();
    let etag = etag_of(app, &token, &id).await;
    let mut content = civil_content();
    content["payer_party_id"] = json!(plaintiff_id);
    content["refundee_party_id"] = json!(plaintiff_id);
    let (status, _, body) = patch(app, &token, &id, &etag, content).await;
    assert_eq!(status, 200, "{body}");
    // Materials are told apart per account, so every filer can use the same three files.
    attach(app, &token, &id, 1, "complaint_or_application").await;
    attach(app, &token, &id, 2, "identity_document").await;
    attach(app, &token, &id, 3, "evidence").await;
    let (status, _, body) = call(
        app,
        Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (token, id, plaintiff_id, defendant_id)
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

#[actix_web::test]
async fn agents_represent_parties_of_one_side() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 313).await;
    let (id, _) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    let (_, plaintiff_body) = add_party(&app, &token, &id, plaintiff(313)).await;
    let (_, defendant) = add_party(&app, &token, &id, company_defendant()).await;
    let plaintiff_id = plaintiff_body["id"].as_str().unwrap();
    let defendant_id = defendant["id"].as_str().unwrap();
    let lawyer = |represents: Value| {
        json!({
            "type": "lawyer", "name": "李律师", "licence_number": "13701201010000313",
            "law_firm": "山东测试律师事务所", "phone": "0531-88888888", "represents": represents
        })
    };
    let path = format!("/api/v1/cases/{id}/agents");
    let (status, _, body) = call(
        &app,
        Method::POST,
        &path,
        &token,
        Some(lawyer(json!([plaintiff_id, defendant_id]))),
        None,
        None,
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [("represents".to_owned(), "agent.both_sides".to_owned())]
    );
    let (status, _, body) = call(
        &app,
        Method::POST,
        &path,
        &token,
        Some(lawyer(json!([uuid::Uuid::new_v4().to_string()]))),
        None,
        None,
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [("represents.0".to_owned(), "agent.party_invalid".to_owned())]
    );
    let (status, _, agent) = call(
        &app,
        Method::POST,
        &path,
        &token,
        Some(lawyer(json!([plaintiff_id]))),
        None,
        None,
    )
    .await;
    assert_eq!(status, 201, "{agent}");
    assert_eq!(agent["represents"], json!([plaintiff_id]));
    let agent_id = agent["id"].as_str().unwrap();
    let (status, _, agent) = call(
        &app,
        Method::PATCH,
        &format!("{path}/{agent_id}"),
        &token,
        Some(json!({"phone": null, "name": "李大律师"})),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{agent}");
    assert_eq!(agent["name"], "李大律师");
    assert!(agent.get("phone").is_none(), "{agent}");
    // Deleting the represented party takes it out of the agent's list.
    call(
        &app,
        Method::DELETE,
        &format!("/api/v1/cases/{id}/parties/{plaintiff_id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    let (_, _, case) = call(
        &app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(case["agents"][0]["represents"], json!([]));
    let (status, _, _) = call(
        &app,
        Method::DELETE,
        &format!("{path}/{agent_id}"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 204);
}

#[actix_web::test]
async fn a_rejected_filing_is_corrected_and_submitted_again_keeping_its_reference() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 314).await;
    let (id, _) = draft(&app, &token, "criminal_private_prosecution", Some("鲁0102")).await;
    let (status, body) = add_party(
        &app,
        &token,
        &id,
        json!({"role": "private_prosecutor", "type": "natural_person", "name": "张三",
               "document_type": "resident_id", "document_number": id_number(314)}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    add_party(
        &app,
        &token,
        &id,
        json!({"role": "accused", "type": "natural_person", "name": "无名氏", "document_type": "none"}),
    )
    .await;
    let etag = etag_of(&app, &token, &id).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"charge": 1, "filer_capacity": "party_in_person", "claims": "追究被告人侮辱罪的刑事责任。",
               "facts_and_reasons": "……", "service_address": {"address": "济南市", "recipient": "张三",
               "phone": "13900000314", "electronic_service_consent": false}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    attach(&app, &token, &id, 9, "complaint_or_application").await;
    attach(&app, &token, &id, 10, "identity_document").await;
    attach(&app, &token, &id, 11, "evidence").await;
    let (status, _, first) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{first}");

    // A judge rejects it (the review itself is another resource).
    {
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        diesel::sql_query("UPDATE filings SET status = 'rejected', rejection_reason = '请补充证据' WHERE id = $1::uuid")
            .bind::<diesel::sql_types::Text, _>(&id)
            .execute(&mut conn)
            .unwrap();
    }
    let etag = etag_of(&app, &token, &id).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"facts_and_reasons": "补充后的事实与理由。"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "rejected");
    assert_eq!(body["rejection_reason"], "请补充证据");
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
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["status"], "submitted");
    assert_eq!(again["filing_reference"], first["filing_reference"]);
    assert_eq!(again["first_submitted_at"], first["first_submitted_at"]);
    assert_ne!(again["submitted_at"], first["submitted_at"]);
    assert_eq!(again["rejection_reason"], Value::Null);
}

#[actix_web::test]
async fn my_cases_filter_and_page() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 315).await;
    for _ in 0..3 {
        draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    }
    draft(&app, &token, "first_enforcement", Some("鲁0103")).await;

    let (status, page) = app.get("/api/v1/cases?page_size=2", Some(&token)).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 4);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let (_, second) = app
        .get("/api/v1/cases?page_size=2&page=2", Some(&token))
        .await;
    let (_, past) = app
        .get("/api/v1/cases?page_size=2&page=9", Some(&token))
        .await;
    assert_eq!(past["items"], json!([]));
    let mut ids: Vec<Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|i| i["id"].clone())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 4, "pages overlap: {ids:?}");

    let (_, enforcement) = app
        .get("/api/v1/cases?kind=first_enforcement", Some(&token))
        .await;
    assert_eq!(enforcement["total"], 1);
    let (_, court) = app
        .get("/api/v1/cases?court_code=%E9%B2%810103", Some(&token))
        .await;
    assert_eq!(court["total"], 1, "{court}");
    // Nothing was submitted yet, so a date range finds nothing.
    let (_, dated) = app
        .get(
            "/api/v1/cases?submitted_from=2026-01-01&submitted_to=2099-12-31",
            Some(&token),
        )
        .await;
    assert_eq!(dated["total"], 0);

    let (status, body) = app.get("/api/v1/cases?status=done&kind=divorce&submitted_from=2026-13-01&case_number=abc&page_size=1000", Some(&token)).await;
    assert_problem(status, &body, 422, "validation.failed");
    let (status, body) = app
        .get(
            "/api/v1/cases?status=done&kind=divorce&submitted_from=2026-13-01&case_number=abc",
            Some(&token),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    let fields: Vec<String> = problem_fields(&body).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["status", "kind", "submitted_from", "case_number"]);
}

#[actix_web::test]
async fn kinds_list_their_fields_and_forms_find_their_choices() {
    let app = TestApp::spawn().await;
    let (status, kinds) = app.get("/api/v1/case-kinds", None).await;
    assert_eq!(status, 200);
    let reconsideration = kinds["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "enforcement_reconsideration")
        .unwrap();
    assert_eq!(reconsideration["court_from"], "superior_of_enforcing_court");
    assert!(
        reconsideration["fields"]
            .as_array()
            .unwrap()
            .contains(&json!({"name": "reconsideration", "required": true}))
    );
    let (_, charges) = app.get("/api/v1/charges", None).await;
    assert!(
        charges["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["charge"] == "侮辱罪"),
        "{charges}"
    );
    let (_, procedures) = app.get("/api/v1/special-procedures", None).await;
    let procedures = procedures["items"].as_array().unwrap();
    assert_eq!(procedures.len(), 14);
    assert_eq!(
        procedures
            .iter()
            .filter(|p| p["supervision"] == true)
            .count(),
        1
    );
}

#[actix_web::test]
async fn appeals_of_retrial_cases_are_refused_and_special_procedures_take_a_sub_type() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 316).await;
    let (id, etag) = draft(&app, &token, "civil_appeal", None).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"original_case": {"case_number": "(2023)鲁0102民再3号"}}),
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [(
            "original_case.case_number".to_owned(),
            "appeal.of_retrial_offline".to_owned()
        )]
    );
    let (status, _, body) = patch(&app, &token, &id, &etag, json!({"original_case": {"case_number": "（２０２３）鲁０１０２民初３号", "judgment_date": "2024-05-06"}})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["original_case"]["case_number"],
        "（2023）鲁0102民初3号"
    );
    assert_eq!(body["court_code"], "鲁01");

    let (id, etag) = draft(&app, &token, "civil_special_procedure", Some("鲁0102")).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"special_procedure_type": "0399"}),
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"special_procedure_type": "0317"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[actix_web::test]
async fn materials_serve_their_owners_filings_and_survive_detaching() {
    let app = TestApp::spawn().await;
    let (owner, _) = party_session(&app, 317).await;
    let (other, _) = party_session(&app, 318).await;
    let (id, _) = draft(&app, &owner, "civil_first_instance", Some("鲁0102")).await;
    let (second, _) = draft(&app, &owner, "civil_first_instance", Some("鲁0102")).await;
    let (_, foreign) = upload(&app, &other, "x.pdf", pdf(12), "evidence", None).await;
    let (status, _, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{id}/materials"),
        &owner,
        Some(json!({"material_id": foreign["id"]})),
        None,
        None,
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [("material_id".to_owned(), "material.not_found".to_owned())]
    );

    // The same scan serves two filings, as a different category in the second.
    let material = attach(&app, &owner, &id, 13, "evidence").await;
    let (status, _, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/cases/{second}/materials"),
        &owner,
        Some(json!({"material_id": material, "category": "identity_document"})),
        None,
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["category"], "identity_document");
    let (_, _, first_case) = call(
        &app,
        Method::GET,
        &format!("/api/v1/cases/{id}"),
        &owner,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(first_case["materials"][0]["category"], "evidence");

    // An attached material cannot be deleted from under a filing.
    let (status, body) = app
        .send(
            Method::DELETE,
            &format!("/api/v1/materials/{material}"),
            Some(&owner),
            None,
        )
        .await;
    assert_problem(status, &body, 409, "material.attached");

    // Uploaded long ago, detached from both filings now: it is kept for another day.
    {
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        diesel::sql_query(
            "UPDATE materials SET created_at = now() - interval '3 days' WHERE id = $1::uuid",
        )
        .bind::<diesel::sql_types::Text, _>(&material)
        .execute(&mut conn)
        .unwrap();
    }
    for case in [&id, &second] {
        let (status, _, _) = call(
            &app,
            Method::DELETE,
            &format!("/api/v1/cases/{case}/materials/{material}"),
            &owner,
            None,
            None,
            None,
        )
        .await;
        assert_eq!(status, 204);
    }
    app.run_jobs().await;
    let (status, body) = app
        .get(&format!("/api/v1/materials/{material}"), Some(&owner))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["attached"], false);
}

#[actix_web::test]
async fn attaching_one_material_to_two_drafts_at_once_works() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 319).await;
    let (first, _) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    let (second, _) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    let (_, material) = upload(
        &app,
        &token,
        "身份证.pdf",
        pdf(14),
        "identity_document",
        None,
    )
    .await;
    let body = json!({"material_id": material["id"]});
    let attach_to = |case: &str| {
        let path = format!("/api/v1/cases/{case}/materials");
        let body = body.clone();
        let app = &app;
        let token = token.clone();
        async move {
            call(app, Method::POST, &path, &token, Some(body), None, None)
                .await
                .0
        }
    };
    let statuses = futures_util::future::join_all([
        attach_to(&first),
        attach_to(&second),
        attach_to(&first),
        attach_to(&second),
    ])
    .await;
    assert_eq!(statuses, [201, 201, 201, 201]);
}

#[actix_web::test]
async fn parties_are_edited_without_resending_what_their_documents_imply() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 320).await;
    let (id, _) = draft(&app, &token, "civil_first_instance", Some("鲁0102")).await;
    let (status, party) = add_party(&app, &token, &id, plaintiff(320)).await;
    assert_eq!(status, 201, "{party}");
    let party_id = party["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/cases/{id}/parties/{party_id}");

    // Correcting a mistyped ID number re-derives gender and birth date.
    let corrected = format!("37020219850722{}", "003");
    let check = efiling::domain::resident_id::check_character(&corrected).unwrap();
    let (status, _, body) = call(
        &app,
        Method::PATCH,
        &path,
        &token,
        Some(json!({"document_number": format!("{corrected}{check}")})),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["birth_date"], "1985-07-22");
    assert_eq!(body["gender"], "male");

    // Switching to a passport forgets what the old ID number said.
    let (status, _, body) = call(
        &app,
        Method::PATCH,
        &path,
        &token,
        Some(json!({"document_type": "passport", "document_number": "E12345678"})),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("birth_date").is_none(), "{body}");

    // The party sent back as read is accepted.
    let (status, _, body) = call(
        &app,
        Method::PATCH,
        &path,
        &token,
        Some(body.clone()),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Becoming an organisation drops the person's fields.
    let (status, _, body) = call(
        &app,
        Method::PATCH,
        &path,
        &token,
        Some(json!({"type": "unincorporated_organisation", "name": "济南某某商行", "representative_name": "张三"})),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("document_type").is_none(), "{body}");

    // The same person twice is refused; so are unknown members.
    let (status, body) = add_party(&app, &token, &id, plaintiff(321)).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = add_party(&app, &token, &id, plaintiff(321)).await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [("document_number".to_owned(), "party.duplicate".to_owned())]
    );
    let mut odd = plaintiff(322);
    odd["favourite_colour"] = json!("blue");
    let (status, body) = add_party(&app, &token, &id, odd).await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        problem_fields(&body),
        [("favourite_colour".to_owned(), "field.unknown".to_owned())]
    );
}

#[actix_web::test]
async fn a_draft_can_be_created_with_its_content_and_autosaves_keep_the_etag() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 323).await;
    let mut body = civil_content();
    body["kind"] = json!("civil_first_instance");
    body["court_code"] = json!("鲁０１０２");
    let (status, etag, created) = call(
        &app,
        Method::POST,
        "/api/v1/cases",
        &token,
        Some(body),
        None,
        None,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["court_code"], "鲁0102");
    assert_eq!(created["claims"], "判令被告支付货款120000元。");
    let id = created["id"].as_str().unwrap();
    let etag = etag.unwrap();
    let (status, same, _) = patch(
        &app,
        &token,
        id,
        &etag,
        json!({"claims": "判令被告支付货款120000元。"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(same.as_deref(), Some(etag.as_str()));

    // A bad field refuses the whole creation.
    let (status, body) = app
        .post("/api/v1/cases", Some(&token), json!({"kind": "civil_first_instance", "court_code": "鲁0102", "amount_in_dispute": "lots"}))
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    let (_, list) = app.get("/api/v1/cases", Some(&token)).await;
    assert_eq!(list["total"], 1);

    // Days before summer time began at midnight still filter (1940-06-01 had no midnight).
    let (status, list) = app
        .get(
            "/api/v1/cases?submitted_from=1940-06-01&submitted_to=1919-04-13",
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let (status, body) = app.get("/api/v1/cases?party_name=%00", Some(&token)).await;
    assert_problem(status, &body, 422, "validation.failed");
}

#[actix_web::test]
async fn enforcement_cases_of_retired_courts_go_to_their_successor() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 324).await;
    let (id, etag) = draft(&app, &token, "enforcement_reconsideration", None).await;
    let (status, _, body) = patch(
        &app,
        &token,
        &id,
        &etag,
        json!({"reconsideration": {"original_case_number": "（2018）鲁0181执19号", "matter": "other", "enforcement_basis_number": "x"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["court_code"], "鲁01");
}
