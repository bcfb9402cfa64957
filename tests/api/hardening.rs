//! Attacks found by review, kept as tests: each once broke a rule the accounts must keep.

use serde_json::json;

use crate::accounts::{
    PASSWORD, id_number, lawyer_fixture, lawyer_request, login, party_session, phone,
    register_party, with_lawyers,
};
use crate::support::{TestApp, assert_problem};

#[actix_web::test]
async fn an_idempotent_answer_is_replayed_only_to_its_own_caller() {
    let app = TestApp::spawn().await;
    let (alice, _) = party_session(&app, 60).await;
    let (bob, _) = party_session(&app, 61).await;
    let patch = |token: Option<&str>| {
        let mut request = app
            .client
            .patch(app.url("/api/v1/accounts/me"))
            .header("Idempotency-Key", "same-key")
            .json(&json!({"email": "same@example.cn"}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let first = patch(Some(&alice)).await.unwrap();
    assert_eq!(first.status(), 200);

    let anonymous = patch(None).await.unwrap();
    assert_eq!(anonymous.status(), 401, "no replay without credentials");
    let other = patch(Some(&bob)).await.unwrap();
    assert_eq!(other.status(), 200);
    assert!(other.headers().get("idempotent-replayed").is_none());
    let body: serde_json::Value = other.json().await.unwrap();
    assert_eq!(body["phone"], phone(61), "Bob sees his own account");
}

#[actix_web::test]
async fn answers_carrying_tokens_are_never_stored_for_replay() {
    let app = TestApp::spawn().await;
    party_session(&app, 62).await;
    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .header("Idempotency-Key", "login-1")
        .json(&json!({"login": id_number(62), "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let mut conn = app.pool.get().unwrap();
    let stored: i64 = diesel::RunQueryDsl::get_result(
        diesel::QueryDsl::count(efiling::store::schema::idempotency_keys::table),
        &mut conn,
    )
    .unwrap();
    assert_eq!(stored, 0);
}

#[actix_web::test]
async fn parallel_guesses_cannot_slip_past_the_lock() {
    let app = TestApp::spawn().await;
    party_session(&app, 63).await;
    let id = id_number(63);
    let guesses = (0..16).map(|_| login(&app, &id, "Wrong-guess-1"));
    let answers = futures_util::future::join_all(guesses).await;
    let refused = answers.iter().filter(|(status, _)| *status == 401).count();
    assert!(refused <= 10, "{refused} guesses were checked");
    let (status, body) = login(&app, &id_number(63), PASSWORD).await;
    assert_problem(status, &body, 429, "session.locked");
}

#[actix_web::test]
async fn every_spelling_of_a_lawyers_login_shares_one_lock_and_a_reset_lifts_it() {
    let app = TestApp::spawn_with_integrations(with_lawyers(&lawyer_fixture(
        64,
        "山东测试律师事务所",
        "",
    )))
    .await;
    app.post(
        "/api/v1/registrations/lawyer",
        None,
        lawyer_request(64, "山东测试律师事务所", PASSWORD),
    )
    .await;
    app.run_jobs().await;
    let licence = format!("1370120101{:07}", 64);
    for _ in 0..10 {
        login(&app, &id_number(64), "Wrong-guess-1").await;
    }
    let (status, body) = login(&app, &licence, PASSWORD).await;
    assert_problem(status, &body, 429, "session.locked");

    app.post("/api/v1/password-resets", None, json!({"login": licence}))
        .await;
    let code = {
        let mut conn = app.pool.get().unwrap();
        let messages = efiling::store::sms::list(&mut conn, Some(&phone(64)), 10).unwrap();
        let body = messages[0].body.clone();
        let start = body.find("验证码").unwrap() + "验证码".len();
        body[start..start + 6].to_owned()
    };
    let (status, _) = app
        .post(
            "/api/v1/password-resets/confirmation",
            None,
            json!({"login": id_number(64), "code": code, "new_password": "Reset-pass-77"}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = login(&app, &licence, "Reset-pass-77").await;
    assert_eq!(status, 201, "the reset lifted the lock for every spelling");
}

#[actix_web::test]
async fn the_upgrade_path_cannot_be_used_to_guess_a_partys_password() {
    let app = TestApp::spawn().await;
    party_session(&app, 65).await;
    for _ in 0..10 {
        let (status, _) = app
            .post(
                "/api/v1/registrations/lawyer",
                None,
                lawyer_request(65, "山东测试律师事务所", "Guess-pass-1"),
            )
            .await;
        assert_eq!(status, 409);
    }
    let (status, body) = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(65, "山东测试律师事务所", PASSWORD),
        )
        .await;
    assert_problem(status, &body, 429, "session.locked");
    let (status, _) = login(&app, &id_number(65), PASSWORD).await;
    assert_eq!(status, 429, "the guesses counted against the account");
}

#[actix_web::test]
async fn a_licence_claimed_by_a_pending_registration_is_taken() {
    let app = TestApp::spawn().await;
    let (status, _) = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(66, "山东测试律师事务所", PASSWORD),
        )
        .await;
    assert_eq!(status, 202);
    let mut other = lawyer_request(67, "山东测试律师事务所", PASSWORD);
    other["licence_number"] = json!(format!("1370120101{:07}", 66));
    let (status, body) = app.post("/api/v1/registrations/lawyer", None, other).await;
    assert_problem(status, &body, 409, "registration.licence_number_taken");
}

#[actix_web::test]
async fn one_undecidable_registration_does_not_stop_the_other_jobs() {
    let app = TestApp::spawn().await;
    let broken = app
        .post(
            "/api/v1/registrations/lawyer",
            None,
            lawyer_request(68, "山东测试律师事务所", PASSWORD),
        )
        .await
        .1["id"]
        .as_str()
        .unwrap()
        .to_owned();
    {
        let mut conn = app.pool.get().unwrap();
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!(
                "UPDATE registrations SET submitted = '{{\"garbage\": true}}' WHERE id = '{broken}'"
            )),
            &mut conn,
        )
        .unwrap();
    }
    register_party(&app, 69, "张三").await;
    app.run_jobs().await;
    let (status, _) = login(&app, &id_number(69), PASSWORD).await;
    assert_eq!(
        status, 201,
        "the party was verified despite the broken registration"
    );
    let mut conn = app.pool.get().unwrap();
    let messages = efiling::store::sms::list(&mut conn, Some(&phone(69)), 10).unwrap();
    assert_eq!(messages[0].status, "sent");
}

#[actix_web::test]
async fn a_reset_confirmation_answers_alike_for_known_and_unknown_logins() {
    let app = TestApp::spawn().await;
    party_session(&app, 70).await;
    let confirm = |login: String| {
        app.post(
            "/api/v1/password-resets/confirmation",
            None,
            json!({"login": login, "code": "000000", "new_password": "short"}),
        )
    };
    let (known_status, known) = confirm(id_number(70)).await;
    let (unknown_status, unknown) = confirm(id_number(71)).await;
    assert_eq!(
        (known_status, known["errors"].clone()),
        (unknown_status, unknown["errors"].clone())
    );
}

#[actix_web::test]
async fn a_password_must_really_change_and_wrong_current_passwords_count() {
    let app = TestApp::spawn().await;
    let (token, _) = party_session(&app, 72).await;
    let (status, body) = app
        .post(
            "/api/v1/accounts/me/password",
            Some(&token),
            json!({"current_password": PASSWORD, "new_password": PASSWORD}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "password.unchanged");
    for _ in 0..10 {
        app.post(
            "/api/v1/accounts/me/password",
            Some(&token),
            json!({"current_password": "Wrong-pass-1", "new_password": "New-pass-2026"}),
        )
        .await;
    }
    let (status, body) = app
        .post(
            "/api/v1/accounts/me/password",
            Some(&token),
            json!({"current_password": PASSWORD, "new_password": "New-pass-2026"}),
        )
        .await;
    assert_problem(status, &body, 429, "session.locked");
}

#[actix_web::test]
async fn two_refreshes_racing_with_one_token_keep_the_session_alive() {
    let app = TestApp::spawn().await;
    let (_, refresh) = party_session(&app, 73).await;
    let body = json!({"refresh_token": refresh});
    let (a, b) = futures_util::join!(
        app.post("/api/v1/sessions/refresh", None, body.clone()),
        app.post("/api/v1/sessions/refresh", None, body.clone())
    );
    let winner = [a, b]
        .into_iter()
        .find(|(status, _)| *status == 200)
        .expect("one refresh wins");
    let token = winner.1["access_token"].as_str().unwrap().to_owned();
    let (status, _) = app.get("/api/v1/accounts/me", Some(&token)).await;
    assert_eq!(status, 200, "the winner's tokens still work");
}
