//! Registration, verification, sessions and the caller's own account, over HTTP with the
//! registry simulators.

use std::sync::Arc;

use efiling::integrations::{Integrations, SimulatedCitizenRegistry, SimulatedLawyerRegistry};
use efiling::store::sms;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

/// A valid resident ID number of someone born on 1990-01-01 in Jinan, numbered `n`.
pub fn id_number(n: u32) -> String {
    let body = format!("37010219900101{:03}", n % 1000);
    let check = efiling::domain::resident_id::check_character(&body).unwrap();
    format!("{body}{check}")
}

/// A distinct mobile phone for test person `n`.
pub fn phone(n: u32) -> String {
    format!("139{:08}", n)
}

pub const PASSWORD: &str = "法院立案2026";

pub fn with_citizens(csv: &str) -> Integrations {
    let mut integrations = Integrations::simulated();
    integrations.citizen_registry = Arc::new(SimulatedCitizenRegistry::from_csv(csv).unwrap());
    integrations
}

/// Registers party `n` named `name`, runs verification, and returns the registration id.
pub async fn register_party(app: &TestApp, n: u32, name: &str) -> String {
    let (status, body) = app
        .post(
            "/api/v1/registrations/party",
            None,
            json!({"id_number": id_number(n), "name": name, "phone": phone(n), "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "pending_verification");
    body["id"].as_str().unwrap().to_owned()
}

/// Logs in and returns the session answer.
pub async fn login(app: &TestApp, login: &str, password: &str) -> (u16, Value) {
    app.post(
        "/api/v1/sessions",
        None,
        json!({"login": login, "password": password}),
    )
    .await
}

/// A verified, logged-in party: (access token, refresh token).
pub async fn party_session(app: &TestApp, n: u32) -> (String, String) {
    register_party(app, n, "张三").await;
    app.run_jobs().await;
    let (status, body) = login(app, &id_number(n), PASSWORD).await;
    assert_eq!(status, 201, "{body}");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

fn messages_to(app: &TestApp, phone_number: &str) -> Vec<sms::SmsMessage> {
    let mut conn = app.pool.get().unwrap();
    sms::list(&mut conn, Some(phone_number), 100).unwrap()
}

#[actix_web::test]
async fn a_party_registers_is_verified_logs_in_and_reads_the_account() {
    let app = TestApp::spawn().await;
    let registration = register_party(&app, 1, "张三").await;

    let (status, _) = login(&app, &id_number(1), PASSWORD).await;
    assert_eq!(status, 403, "a pending registration cannot log in yet");

    app.run_jobs().await;
    let (status, body) = app
        .get(&format!("/api/v1/registrations/{registration}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "verified");

    // Any spelling of the ID number logs in.
    let (status, session) = login(&app, &id_number(1).to_lowercase(), PASSWORD).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["must_change_password"], false);
    let token = session["access_token"].as_str().unwrap();

    let (status, me) = app.get("/api/v1/accounts/me", Some(token)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["role"], "party");
    assert_eq!(me["status"], "active");
    assert_eq!(me["name"], "张三");
    assert_eq!(me["phone"], phone(1));
    assert!(
        !me.to_string().contains(&id_number(1)),
        "the ID number is masked: {me}"
    );

    let sent = messages_to(&app, &phone(1));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].template, "registration_verified");
    assert_eq!(sent[0].status, "sent", "the job delivered it");
    assert_eq!(sent[0].delivery_status.as_deref(), Some("delivered"));
}

#[actix_web::test]
async fn a_failed_verification_tells_only_to_check_name_and_id_and_can_be_retried() {
    let csv = format!(
        "id_number,name,outcome\n{},王五,verified\n{},赵六,special_status\n",
        id_number(2),
        id_number(3)
    );
    let app = TestApp::spawn_with_integrations(with_citizens(&csv)).await;

    let mismatch = register_party(&app, 2, "王二").await;
    let classified = register_party(&app, 3, "赵六").await;
    app.run_jobs().await;

    for id in [&mismatch, &classified] {
        let (_, body) = app.get(&format!("/api/v1/registrations/{id}"), None).await;
        assert_eq!(body["status"], "failed");
        assert_eq!(
            body["message"],
            "审核未通过，请核对姓名和身份证号后重新注册。"
        );
        let text = body.to_string();
        assert!(
            !text.contains("special") && !text.contains("mismatch"),
            "{text}"
        );
    }
    // The reason is kept for administrators.
    let mut conn = app.pool.get().unwrap();
    let row = efiling::store::registrations::find(&mut conn, mismatch.parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(row.failure_reason.as_deref(), Some("name_mismatch"));
    let row = efiling::store::registrations::find(&mut conn, classified.parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(row.failure_reason.as_deref(), Some("special_status"));
    drop(conn);

    let sent = messages_to(&app, &phone(2));
    assert_eq!(sent[0].template, "registration_failed");

    let (status, body) = login(&app, &id_number(2), PASSWORD).await;
    assert_problem(status, &body, 403, "session.registration_failed");

    // Corrected, the same ID number and phone register again and pass.
    register_party(&app, 2, "王五").await;
    app.run_jobs().await;
    let (status, _) = login(&app, &id_number(2), PASSWORD).await;
    assert_eq!(status, 201);
}

#[actix_web::test]
async fn taken_id_numbers_and_phones_are_conflicts_with_their_own_codes() {
    let app = TestApp::spawn().await;
    register_party(&app, 4, "张三").await;
    let again = json!({"id_number": id_number(4), "name": "张三", "phone": phone(40), "password": PASSWORD});
    let (status, body) = app
        .post("/api/v1/registrations/party", None, again.clone())
        .await;
    assert_problem(status, &body, 409, "registration.pending");
    app.run_jobs().await;
    let (status, body) = app.post("/api/v1/registrations/party", None, again).await;
    assert_problem(status, &body, 409, "registration.id_number_taken");

    let other = json!({"id_number": id_number(5), "name": "李四", "phone": format!("+86 {}", phone(4)), "password": PASSWORD});
    let (status, body) = app.post("/api/v1/registrations/party", None, other).await;
    assert_problem(status, &body, 409, "phone.taken");
}

#[actix_web::test]
async fn bad_fields_are_each_named_with_a_specific_code_and_nothing_is_created() {
    let app = TestApp::spawn().await;
    let permit = {
        let body = "81000019900101123";
        format!(
            "{body}{}",
            efiling::domain::resident_id::check_character(body).unwrap()
        )
    };
    let cases = [
        (
            json!({"id_number": permit, "name": "陈大文", "phone": phone(6), "password": PASSWORD}),
            "id_number",
            "id_number.non_mainland",
        ),
        (
            json!({"id_number": "370102900101123", "name": "张三", "phone": phone(6), "password": PASSWORD}),
            "id_number",
            "id_number.legacy_15_digit",
        ),
        (
            json!({"id_number": id_number(6), "name": "无名氏", "phone": phone(6), "password": PASSWORD}),
            "name",
            "name.unnamed",
        ),
        (
            json!({"id_number": id_number(6), "name": "张三", "phone": "0531-86123456", "password": PASSWORD}),
            "phone",
            "phone.not_mobile",
        ),
        (
            json!({"id_number": id_number(6), "name": "张三", "phone": phone(6), "password": "short1"}),
            "password",
            "password.too_short",
        ),
    ];
    for (body, field, code) in cases {
        let (status, problem) = app.post("/api/v1/registrations/party", None, body).await;
        assert_problem(status, &problem, 422, "validation.failed");
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{problem}"
        );
    }
    let (status, problem) = app
        .post(
            "/api/v1/registrations/party",
            None,
            json!({"id_number": "", "name": "", "phone": "", "password": ""}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 4, "{problem}");

    let mut conn = app.pool.get().unwrap();
    let count: i64 = diesel::RunQueryDsl::get_result(
        diesel::QueryDsl::count(efiling::store::schema::accounts::table),
        &mut conn,
    )
    .unwrap();
    assert_eq!(count, 0);
}

#[actix_web::test]
async fn wrong_logins_and_wrong_passwords_get_the_same_answer_and_then_lock() {
    let app = TestApp::spawn().await;
    party_session(&app, 7).await;
    let (s1, unknown) = login(&app, &id_number(8), PASSWORD).await;
    let (s2, wrong) = login(&app, &id_number(7), "Wrong-password-1").await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(unknown["code"], wrong["code"]);
    assert_eq!(unknown["detail"], wrong["detail"]);

    for _ in 0..9 {
        login(&app, &id_number(7), "Wrong-password-1").await;
    }
    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"login": id_number(7), "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        429,
        "locked even with the right password"
    );
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "session.locked");
}

#[actix_web::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_session() {
    let app = TestApp::spawn().await;
    let (access, refresh) = party_session(&app, 9).await;

    let (status, rotated) = app
        .post(
            "/api/v1/sessions/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let new_refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_refresh, refresh);
    // A reuse well after the rotation (not a race between the holder's own requests).
    {
        let mut conn = app.pool.get().unwrap();
        diesel::RunQueryDsl::execute(
            diesel::sql_query(
                "UPDATE refresh_tokens SET used_at = now() - interval '1 minute' WHERE used_at IS NOT NULL",
            ),
            &mut conn,
        )
        .unwrap();
    }

    let (status, body) = app
        .post(
            "/api/v1/sessions/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_problem(status, &body, 401, "session.refresh_reused");
    // The whole family is gone: the newest refresh token and the access token too.
    let (status, body) = app
        .post(
            "/api/v1/sessions/refresh",
            None,
            json!({"refresh_token": new_refresh}),
        )
        .await;
    assert_problem(status, &body, 401, "session.refresh_invalid");
    let (status, body) = app.get("/api/v1/accounts/me", Some(&access)).await;
    assert_problem(status, &body, 401, "auth.session_ended");

    let (status, body) = app
        .post(
            "/api/v1/sessions/refresh",
            None,
            json!({"refresh_token": "nonsense"}),
        )
        .await;
    assert_problem(status, &body, 401, "session.refresh_invalid");
}

#[actix_web::test]
async fn logging_out_ends_the_access_token_too() {
    let app = TestApp::spawn().await;
    let (access, refresh) = party_session(&app, 10).await;
    let (status, _) = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/sessions/current",
            Some(&access),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = app.get("/api/v1/accounts/me", Some(&access)).await;
    assert_problem(status, &body, 401, "auth.session_ended");
    let (status, _) = app
        .post(
            "/api/v1/sessions/refresh",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(status, 401);
}

#[actix_web::test]
async fn requests_without_valid_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/api/v1/accounts/me", None).await;
    assert_problem(status, &body, 401, "auth.missing");
    let (status, body) = app.get("/api/v1/accounts/me", Some("not.a.token")).await;
    assert_problem(status, &body, 401, "auth.invalid_token");
}

#[actix_web::test]
async fn a_phone_changes_only_with_the_code_sent_to_it_and_is_released_by_its_account() {
    let app = TestApp::spawn().await;
    let (first, _) = party_session(&app, 11).await;
    let (second, _) = party_session(&app, 12).await;

    // The second person wants the first one's phone: refused until it is released.
    let (status, body) = app
        .post(
            "/api/v1/accounts/me/phone-verifications",
            Some(&second),
            json!({"phone": phone(11)}),
        )
        .await;
    assert_problem(status, &body, 409, "phone.taken");

    // The first moves to a new phone, confirmed by the code sent to it.
    let (status, _) = app
        .post(
            "/api/v1/accounts/me/phone-verifications",
            Some(&first),
            json!({"phone": phone(111)}),
        )
        .await;
    assert_eq!(status, 202);
    let code = {
        let messages = messages_to(&app, &phone(111));
        let body = &messages[0].body;
        let start = body.find("验证码").unwrap() + "验证码".len();
        body[start..start + 6].to_owned()
    };
    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/accounts/me",
            Some(&first),
            Some(json!({"phone": phone(111)})),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "phone.code_required");
    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/accounts/me",
            Some(&first),
            Some(json!({"phone": phone(111), "phone_code": "000000"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/accounts/me",
            Some(&first),
            Some(json!({"phone": phone(111), "phone_code": code})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["phone"], phone(111));

    // Now the old phone is free for the second person.
    let (status, _) = app
        .post(
            "/api/v1/accounts/me/phone-verifications",
            Some(&second),
            json!({"phone": phone(11)}),
        )
        .await;
    assert_eq!(status, 202);
}

#[actix_web::test]
async fn a_password_change_needs_the_current_password_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let (first, _) = party_session(&app, 13).await;
    let (_, other) = login(&app, &id_number(13), PASSWORD).await;
    let other = other["access_token"].as_str().unwrap().to_owned();

    let (status, body) = app
        .post(
            "/api/v1/accounts/me/password",
            Some(&first),
            json!({"current_password": "wrong-1234", "new_password": "New-secret-99"}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "password.current_wrong");
    let (status, _) = app
        .post(
            "/api/v1/accounts/me/password",
            Some(&first),
            json!({"current_password": PASSWORD, "new_password": "New-secret-99"}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app.get("/api/v1/accounts/me", Some(&first)).await;
    assert_eq!(status, 200, "this session continues");
    let (status, _) = app.get("/api/v1/accounts/me", Some(&other)).await;
    assert_eq!(status, 401, "the other session ended");
    let (status, _) = login(&app, &id_number(13), "New-secret-99").await;
    assert_eq!(status, 201);
}

pub fn lawyer_fixture(n: u32, law_firm: &str, visible_from: &str) -> String {
    format!(
        "name,gender,ethnicity,id_number,licence_number,licence_date,qualification_number,qualification_date,practice_start_date,phone,law_firm,visible_from\n\
         李律师,男,汉族,{},1370120101{:07},2010-06-01,A2008370102{:04},2008-12-01,2010-06-01,{},{law_firm},{visible_from}\n",
        id_number(n),
        n,
        n,
        phone(n)
    )
}

pub fn lawyer_request(n: u32, law_firm: &str, password: &str) -> Value {
    json!({
        "name": "李律师", "gender": "男", "ethnicity": "汉族", "id_number": id_number(n),
        "licence_number": format!("1370120101{:07}", n), "licence_date": "2010-06-01",
        "qualification_number": format!("A2008370102{:04}", n), "qualification_date": "2008-12-01",
        "practice_start_date": "2010-06-01", "phone": phone(n), "law_firm": law_firm,
        "password": password
    })
}

pub fn with_lawyers(csv: &str) -> Integrations {
    let mut integrations = Integrations::simulated();
    integrations.lawyer_registry = Arc::new(SimulatedLawyerRegistry::from_csv(csv).unwrap());
    integrations
}

#[actix_web::test]
async fn a_lawyer_matching_the_registry_logs_in_by_licence_or_id_number() {
    let app = TestApp::spawn_with_integrations(with_lawyers(&lawyer_fixture(
        20,
        "山东测试律师事务所",
        "",
    )))
    .await;
    let (status, body) = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(20, "山东测试律师事务所", PASSWORD),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    app.run_jobs().await;
    let (status, session) = login(&app, &format!("1370120101{:07}", 20), PASSWORD).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["account"]["role"], "lawyer");
    assert_eq!(
        session["account"]["licence_number"],
        format!("1370120101{:07}", 20)
    );
    let (status, _) = login(&app, &id_number(20), PASSWORD).await;
    assert_eq!(status, 201);
}

#[actix_web::test]
async fn a_lawyer_differing_in_one_field_fails_naming_it_and_an_unknown_one_is_told_to_wait() {
    let csv = lawyer_fixture(21, "山东测试律师事务所", "");
    let app = TestApp::spawn_with_integrations(with_lawyers(&csv)).await;
    let (_, differs) = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(21, "山东另一律师事务所", PASSWORD),
        )
        .await;
    let (_, unknown) = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(22, "山东测试律师事务所", PASSWORD),
        )
        .await;
    app.run_jobs().await;

    let (_, body) = app
        .get(
            &format!("/api/v1/registrations/{}", differs["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(body["status"], "failed");
    assert_eq!(body["differing_fields"], json!(["law_firm"]));
    let sms = messages_to(&app, &phone(21));
    assert!(sms[0].body.contains("所属律所名称"), "{}", sms[0].body);

    let (_, body) = app
        .get(
            &format!("/api/v1/registrations/{}", unknown["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(body["status"], "failed");
    assert!(
        body["message"].as_str().unwrap().contains("12至24小时"),
        "{body}"
    );
}

#[actix_web::test]
async fn a_licence_number_sent_as_a_json_number_is_refused() {
    let app = TestApp::spawn().await;
    let mut request = lawyer_request(23, "山东测试律师事务所", PASSWORD);
    request["licence_number"] = json!(13701201010000023u64);
    let (status, body) = app
        .post("/api/v1/registrations/lawyer", None, request)
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "licence_number");
    assert_eq!(body["errors"][0]["code"], "licence_number.not_string");
}

#[actix_web::test]
async fn a_party_who_qualifies_is_upgraded_keeping_password_and_account() {
    let app = TestApp::spawn_with_integrations(with_lawyers(&lawyer_fixture(
        24,
        "山东测试律师事务所",
        "",
    )))
    .await;
    let (access, _) = party_session(&app, 24).await;
    let (_, me) = app.get("/api/v1/accounts/me", Some(&access)).await;

    let (status, body) = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(24, "山东测试律师事务所", "Another-pass-1"),
        )
        .await;
    assert_problem(status, &body, 409, "registration.upgrade_password_mismatch");
    let (status, body) = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(24, "山东测试律师事务所", PASSWORD),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    app.run_jobs().await;

    let (status, session) = login(&app, &format!("1370120101{:07}", 24), PASSWORD).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["account"]["id"], me["id"], "the same account");
    assert_eq!(session["account"]["role"], "lawyer");
}

/// An administrator, created directly in the database, logged in: its access token.
pub async fn admin_session(app: &TestApp) -> String {
    let hash = efiling::auth::passwords::hash_password(PASSWORD).unwrap();
    {
        let mut conn = app.pool.get().unwrap();
        efiling::store::accounts::insert(
            &mut conn,
            &efiling::store::accounts::NewAccount {
                id: uuid::Uuid::new_v4(),
                role: "admin",
                status: "active",
                name: "管理员",
                id_number: None,
                licence_number: None,
                login: Some("admin.test"),
                phone: None,
                landline: None,
                password_hash: &hash,
                must_change_password: false,
                court_code: None,
            },
        )
        .unwrap();
    }
    let (status, body) = login(app, "Admin.Test", PASSWORD).await;
    assert_eq!(status, 201, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

fn last_code(app: &TestApp, phone_number: &str) -> String {
    let messages = messages_to(app, phone_number);
    let body = &messages[0].body;
    let start = body.find("验证码").unwrap() + "验证码".len();
    body[start..start + 6].to_owned()
}

#[actix_web::test]
async fn a_password_is_reset_with_the_code_sent_to_the_bound_phone() {
    let app = TestApp::spawn().await;
    let (old_session, _) = party_session(&app, 30).await;

    let (status, known) = app
        .post(
            "/api/v1/password-resets",
            None,
            json!({"login": id_number(30)}),
        )
        .await;
    assert_eq!(status, 202);
    let (status, unknown) = app
        .post(
            "/api/v1/password-resets",
            None,
            json!({"login": id_number(31)}),
        )
        .await;
    assert_eq!(status, 202);
    assert_eq!(
        known, unknown,
        "the answer does not tell whether the account exists"
    );

    let code = last_code(&app, &phone(30));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let confirm = |code: &str, password: &str| json!({"login": id_number(30), "code": code, "new_password": password});
    let (status, body) = app
        .post(
            "/api/v1/password-resets/confirmation",
            None,
            confirm(wrong, "Reset-pass-77"),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "code.invalid");
    let (status, body) = app
        .post(
            "/api/v1/password-resets/confirmation",
            None,
            confirm(&code, "weak"),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = app
        .post(
            "/api/v1/password-resets/confirmation",
            None,
            confirm(&code, "Reset-pass-77"),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .post(
            "/api/v1/password-resets/confirmation",
            None,
            confirm(&code, "Reset-pass-78"),
        )
        .await;
    assert_eq!(status, 422, "a code works once");

    let (status, _) = app.get("/api/v1/accounts/me", Some(&old_session)).await;
    assert_eq!(status, 401, "old sessions ended");
    let (status, _) = login(&app, &id_number(30), "Reset-pass-77").await;
    assert_eq!(status, 201);
}

#[actix_web::test]
async fn a_code_dies_after_five_wrong_tries() {
    let app = TestApp::spawn().await;
    party_session(&app, 32).await;
    app.post(
        "/api/v1/password-resets",
        None,
        json!({"login": id_number(32)}),
    )
    .await;
    let code = last_code(&app, &phone(32));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (status, _) = app
            .post(
                "/api/v1/password-resets/confirmation",
                None,
                json!({"login": id_number(32), "code": wrong, "new_password": "Reset-pass-77"}),
            )
            .await;
        assert_eq!(status, 422);
    }
    let (status, _) = app
        .post(
            "/api/v1/password-resets/confirmation",
            None,
            json!({"login": id_number(32), "code": code, "new_password": "Reset-pass-77"}),
        )
        .await;
    assert_eq!(status, 422, "the right code no longer works");
}

#[actix_web::test]
async fn administrators_see_the_registry_reason_and_the_sms_log_and_others_do_not() {
    let csv = format!(
        "id_number,name,outcome\n{},钱七,id_cancelled\n",
        id_number(33)
    );
    let app = TestApp::spawn_with_integrations(with_citizens(&csv)).await;
    let registration = register_party(&app, 33, "钱七").await;
    app.run_jobs().await;
    let admin = admin_session(&app).await;

    let (status, body) = app
        .get(
            &format!("/api/v1/admin/registrations/{registration}"),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["failure_reason"], "id_cancelled");
    let (status, body) = app
        .get(
            &format!("/api/v1/admin/sms?phone=%2B86{}", phone(33)),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["template"], "registration_failed");

    let (party, _) = party_session(&app, 34).await;
    let (status, body) = app.get("/api/v1/admin/sms", Some(&party)).await;
    assert_problem(status, &body, 403, "auth.forbidden");
}

#[actix_web::test]
async fn staff_reset_a_password_with_a_reason_and_it_must_be_changed_at_login() {
    let app = TestApp::spawn().await;
    let (party, _) = party_session(&app, 35).await;
    let (_, me) = app.get("/api/v1/accounts/me", Some(&party)).await;
    let admin = admin_session(&app).await;
    let path = format!(
        "/api/v1/admin/accounts/{}/password-reset",
        me["id"].as_str().unwrap()
    );

    let (status, body) = app
        .post(
            &path,
            Some(&admin),
            json!({"new_password": "Temp-pass-2026", "reason": " "}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    let (status, body) = app
        .post(&path, Some(&admin), json!({"new_password": "Temp-pass-2026", "reason": "核对执业证、身份证及手持身份证照片"}))
        .await;
    assert_eq!(status, 200, "{body}");

    let (status, session) = login(&app, &id_number(35), "Temp-pass-2026").await;
    assert_eq!(status, 201);
    assert_eq!(session["must_change_password"], true);
    let token = session["access_token"].as_str().unwrap();
    let (status, body) = app.get("/api/v1/accounts/me", Some(token)).await;
    assert_problem(status, &body, 403, "account.password_change_required");
    let (status, _) = app
        .post(
            "/api/v1/accounts/me/password",
            Some(token),
            json!({"current_password": "Temp-pass-2026", "new_password": "Mine-again-2026"}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app.get("/api/v1/accounts/me", Some(token)).await;
    assert_eq!(status, 200);

    let mut conn = app.pool.get().unwrap();
    let history =
        efiling::store::audit::history(&mut conn, "account", me["id"].as_str().unwrap()).unwrap();
    assert!(history.iter().any(|e| e.action == "account.password_reset"
        && e.details["reason"].as_str().unwrap().contains("执业证")));
}
