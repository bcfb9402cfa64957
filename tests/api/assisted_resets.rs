//! Password resets asked for with documents and decided by administrators, over HTTP.

use efiling::store::{audit, sms};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, admin_session, id_number, login, party_session, phone};
use crate::materials::{PNG, pdf};
use crate::support::{TestApp, assert_problem};

/// The start of a Windows executable.
fn exe() -> Vec<u8> {
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 200));
    bytes
}

/// Files a request with the text fields and `(field, file name, bytes)` files given.
async fn file_request(
    app: &TestApp,
    fields: &[(&str, &str)],
    files: Vec<(&str, &str, Vec<u8>)>,
) -> (u16, Value) {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for (name, file_name, bytes) in files {
        let part = Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str("image/png")
            .unwrap();
        form = form.part(name.to_owned(), part);
    }
    let response = app
        .client
        .post(app.url("/api/v1/password-reset-requests"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A complete request for `login` reachable at `contact`: a PNG ID card, a PDF photo.
async fn file_complete(app: &TestApp, login: &str, contact: &str) -> (u16, Value) {
    file_request(
        app,
        &[("login", login), ("contact_phone", contact)],
        vec![
            ("id_card", "身份证.png", PNG.to_vec()),
            ("holding_id_photo", "手持.pdf", pdf(1)),
        ],
    )
    .await
}

fn messages_to(app: &TestApp, phone_number: &str) -> Vec<sms::SmsMessage> {
    let mut conn = app.pool.get().unwrap();
    sms::list(&mut conn, Some(phone_number), 100).unwrap()
}

/// The temporary password in the approval message to `phone_number`.
fn temporary_password(app: &TestApp, phone_number: &str) -> String {
    let messages = messages_to(app, phone_number);
    let approval = messages
        .iter()
        .find(|m| m.template == "password_reset_request_approved")
        .expect("an approval message");
    let start = approval.body.find("临时密码").unwrap() + "临时密码".len();
    approval.body[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

fn decision_path(id: &str) -> String {
    format!("/api/v1/admin/password-reset-requests/{id}/decision")
}

#[actix_web::test]
async fn a_party_with_a_stale_phone_is_reset_by_an_administrator() {
    let app = TestApp::spawn().await;
    let (old_session, _) = party_session(&app, 70).await;
    let contact = phone(570);

    let (status, known) = file_complete(&app, &id_number(70), &contact).await;
    assert_eq!(status, 202, "{known}");
    assert_eq!(known["status"], "pending");
    let request = known["id"].as_str().unwrap().to_owned();
    let receipt = messages_to(&app, &contact);
    assert_eq!(receipt.len(), 1);
    assert_eq!(receipt[0].template, "password_reset_request_received");

    // Someone nobody knows gets the very same answer, and staff see the request.
    let (status, unknown) = file_complete(&app, &id_number(71), &phone(571)).await;
    assert_eq!(status, 202, "{unknown}");
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("id");
        v
    };
    assert_eq!(strip(known.clone()), strip(unknown.clone()));
    let stranger = unknown["id"].as_str().unwrap().to_owned();
    assert_eq!(messages_to(&app, &phone(571)).len(), 1);

    // A program is refused whatever it is called, naming the field.
    let (status, body) = file_request(
        &app,
        &[("login", &id_number(70)), ("contact_phone", &contact)],
        vec![
            ("id_card", "id.png", PNG.to_vec()),
            ("holding_id_photo", "photo.pdf", exe()),
        ],
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        body["errors"],
        json!([{"field": "holding_id_photo", "code": "file.executable_or_archive",
                "message": body["errors"][0]["message"]}])
    );

    // Parties cannot see or decide requests.
    for path in [
        "/api/v1/admin/password-reset-requests".to_owned(),
        format!("/api/v1/admin/password-reset-requests/{request}"),
        format!("/api/v1/admin/password-reset-requests/{request}/documents/id_card"),
    ] {
        let (status, body) = app.get(&path, Some(&old_session)).await;
        assert_problem(status, &body, 403, "auth.forbidden");
    }
    let (status, body) = app
        .post(
            &decision_path(&request),
            Some(&old_session),
            json!({"decision": "approve"}),
        )
        .await;
    assert_problem(status, &body, 403, "auth.forbidden");

    let admin = admin_session(&app).await;
    let (status, list) = app
        .get(
            "/api/v1/admin/password-reset-requests?status=pending",
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 2);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items[0]["id"], stranger.as_str(), "newest first");
    assert!(items[0]["account"].is_null());
    assert_eq!(items[0]["login"], id_number(71));
    assert_eq!(items[1]["id"], request.as_str());
    assert_eq!(items[1]["contact_phone"], contact);
    let account = &items[1]["account"];
    assert_eq!(account["role"], "party");
    assert_eq!(account["name"], "张三");
    let masked = account["id_number_masked"].as_str().unwrap();
    assert!(masked.starts_with("370***") && masked.ends_with(&id_number(70)[14..]));
    assert!(account["licence_number"].is_null());
    let (status, body) = app
        .get(
            "/api/v1/admin/password-reset-requests?status=later",
            Some(&admin),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "status");

    let (status, detail) = app
        .get(
            &format!("/api/v1/admin/password-reset-requests/{request}"),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    let kinds: Vec<&str> = detail["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&"id_card") && kinds.contains(&"holding_id_photo"));

    for (kind, bytes, content_type) in [
        ("id_card", PNG.to_vec(), "image/png"),
        ("holding_id_photo", pdf(1), "application/pdf"),
    ] {
        let response = app
            .client
            .get(app.url(&format!(
                "/api/v1/admin/password-reset-requests/{request}/documents/{kind}"
            )))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{kind}");
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], content_type);
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment") && disposition.contains(kind),
            "{disposition}"
        );
        assert_eq!(response.bytes().await.unwrap().to_vec(), bytes, "{kind}");
    }
    let (status, body) = app
        .get(
            &format!("/api/v1/admin/password-reset-requests/{request}/documents/licence"),
            Some(&admin),
        )
        .await;
    assert_problem(
        status,
        &body,
        404,
        "password_reset_request.document_not_found",
    );

    // Nobody to reset behind an unknown login.
    let (status, body) = app
        .post(
            &decision_path(&stranger),
            Some(&admin),
            json!({"decision": "approve"}),
        )
        .await;
    assert_problem(status, &body, 409, "password_reset_request.no_account");

    let (status, approved) = app
        .post(
            &decision_path(&request),
            Some(&admin),
            json!({"decision": "approve", "reason": "核对身份证及手持身份证照片无误"}),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert!(approved["decided_at"].is_string());

    let password = temporary_password(&app, &contact);
    assert_eq!(password.len(), 10, "{password}");
    let (status, body) = app.get("/api/v1/accounts/me", Some(&old_session)).await;
    assert_problem(status, &body, 401, "auth.session_ended");
    let (status, body) = login(&app, &id_number(70), PASSWORD).await;
    assert_eq!(status, 401, "the old password is gone: {body}");
    let (status, session) = login(&app, &id_number(70), &password).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["must_change_password"], true);
    assert_eq!(session["account"]["must_change_password"], true);
    // The bound phone, stale or not, is told too.
    assert!(
        messages_to(&app, &phone(70))
            .iter()
            .any(|m| m.template == "password_reset_by_staff")
    );

    let (status, body) = app
        .post(
            &decision_path(&request),
            Some(&admin),
            json!({"decision": "refuse", "reason": "重复处理"}),
        )
        .await;
    assert_problem(status, &body, 409, "password_reset_request.already_decided");

    let actions: Vec<String> = {
        let mut conn = app.pool.get().unwrap();
        audit::history(&mut conn, "password_reset_request", &request)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    };
    assert_eq!(
        actions,
        [
            "password_reset_request.filed",
            "password_reset_request.approved"
        ]
    );
}

#[actix_web::test]
async fn a_refusal_needs_a_reason_which_is_sent_to_the_contact_phone() {
    let app = TestApp::spawn().await;
    let contact = phone(580);
    let (status, body) = file_complete(&app, &id_number(80), &contact).await;
    assert_eq!(status, 202, "{body}");
    let request = body["id"].as_str().unwrap().to_owned();
    let admin = admin_session(&app).await;

    let (status, body) = app
        .post(
            &decision_path(&request),
            Some(&admin),
            json!({"decision": "refuse", "reason": "  "}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "reason");
    assert_eq!(body["errors"][0]["code"], "reason.required");
    let (status, body) = app
        .post(
            &decision_path(&request),
            Some(&admin),
            json!({"decision": "maybe"}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "decision");
    assert_eq!(
        body["errors"][0]["code"],
        "password_reset_request.decision_invalid"
    );

    let (status, refused) = app
        .post(
            &decision_path(&request),
            Some(&admin),
            json!({"decision": "refuse", "reason": "手持身份证照片看不清证件号码"}),
        )
        .await;
    assert_eq!(status, 200, "{refused}");
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["reason"], "手持身份证照片看不清证件号码");
    let messages = messages_to(&app, &contact);
    assert_eq!(messages[0].template, "password_reset_request_refused");
    assert!(messages[0].body.contains("手持身份证照片看不清证件号码"));

    let (status, body) = app
        .post(
            &decision_path(&request),
            Some(&admin),
            json!({"decision": "approve"}),
        )
        .await;
    assert_problem(status, &body, 409, "password_reset_request.already_decided");
    let (status, list) = app
        .get(
            "/api/v1/admin/password-reset-requests?status=pending",
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 0);
    let missing = uuid::Uuid::new_v4();
    let (status, body) = app
        .get(
            &format!("/api/v1/admin/password-reset-requests/{missing}"),
            Some(&admin),
        )
        .await;
    assert_problem(status, &body, 404, "password_reset_request.not_found");
}

#[actix_web::test]
async fn requests_are_checked_field_by_field_and_limited_per_address() {
    let app = TestApp::spawn().await;
    let (status, body) = file_request(&app, &[("login", &id_number(90))], vec![]).await;
    assert_problem(status, &body, 422, "validation.failed");
    let errors: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("contact_phone".to_owned(), "phone.required".to_owned()),
            ("id_card".to_owned(), "field.required".to_owned()),
            ("holding_id_photo".to_owned(), "field.required".to_owned()),
        ]
    );

    // A licence number as login needs the licence; a landline cannot receive the answer.
    let (status, body) = file_request(
        &app,
        &[
            ("login", "13701201010000090"),
            ("contact_phone", "0531-86123456"),
        ],
        vec![
            ("id_card", "id.png", PNG.to_vec()),
            ("holding_id_photo", "photo.png", PNG.to_vec()),
        ],
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect::<Vec<_>>(),
        [
            ("contact_phone", "phone.not_mobile"),
            ("licence", "field.required")
        ]
    );

    let (status, body) = file_request(
        &app,
        &[
            ("login", "13701201010000090"),
            ("contact_phone", &phone(590)),
        ],
        vec![
            ("licence", "licence.pdf", pdf(2)),
            ("id_card", "id.png", PNG.to_vec()),
            ("holding_id_photo", "photo.png", b"not an image".to_vec()),
        ],
    )
    .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "holding_id_photo");
    assert_eq!(body["errors"][0]["code"], "file.type_not_allowed");
    let store = app.data_dir.as_ref().unwrap().path().join("materials");
    assert!(
        !store.join("password-reset-documents").exists(),
        "nothing refused was stored"
    );

    let (status, body) = file_complete(&app, &id_number(90), &phone(590)).await;
    assert_eq!(status, 202, "{body}");
    let (status, body) = file_complete(&app, &id_number(90), &phone(590)).await;
    assert_eq!(status, 202, "{body}");
    let (status, body) = file_complete(&app, &id_number(90), &phone(590)).await;
    assert_problem(status, &body, 429, "rate_limited");
}

#[actix_web::test]
async fn document_blobs_without_a_row_are_swept_and_live_ones_stay() {
    let app = TestApp::spawn().await;
    let (status, body) = file_complete(&app, &id_number(95), &phone(595)).await;
    assert_eq!(status, 202, "{body}");
    let request = body["id"].as_str().unwrap().to_owned();
    let root = app
        .data_dir
        .as_ref()
        .unwrap()
        .path()
        .join("materials")
        .join("password-reset-documents");
    let orphan = root.join("zz");
    std::fs::create_dir_all(&orphan).unwrap();
    std::fs::write(orphan.join("lost"), b"x").unwrap();

    let state = app.state.clone();
    let removed = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut conn = state.pool.get().unwrap();
        efiling::jobs::materials::sweep_orphans(
            &mut conn,
            &state.blobs,
            &runtime,
            std::time::Duration::ZERO,
        )
        .unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(removed, 1);
    assert!(!orphan.join("lost").exists());

    let admin = admin_session(&app).await;
    let response = app
        .client
        .get(app.url(&format!(
            "/api/v1/admin/password-reset-requests/{request}/documents/id_card"
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
}

#[actix_web::test]
async fn when_the_rows_cannot_be_written_the_stored_blobs_are_removed() {
    let app = TestApp::spawn().await;
    {
        let mut conn = app.pool.get().unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut *conn,
            "CREATE FUNCTION refuse_documents() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
             CREATE TRIGGER refuse_documents BEFORE INSERT ON password_reset_documents
             FOR EACH ROW EXECUTE FUNCTION refuse_documents();",
        )
        .unwrap();
    }
    let (status, body) = file_complete(&app, &id_number(96), &phone(596)).await;
    assert_problem(status, &body, 500, "internal");
    let root = app
        .data_dir
        .as_ref()
        .unwrap()
        .path()
        .join("materials")
        .join("password-reset-documents");
    assert_eq!(files_under(&root), 0, "no blob outlives its failed rows");
    assert!(messages_to(&app, &phone(596)).is_empty());
    let admin = admin_session(&app).await;
    let (_, list) = app
        .get("/api/v1/admin/password-reset-requests", Some(&admin))
        .await;
    assert_eq!(list["total"], 0);
}

fn files_under(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                files_under(&e.path())
            } else {
                1
            }
        })
        .sum()
}
