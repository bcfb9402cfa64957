//! The mini program's backend: registering face-verified people and exchanging openids for
//! sessions, over HTTP with an integration client's key.

use diesel::prelude::*;
use efiling::services::staff;
use efiling::store::accounts::{self, AccountChanges};
use efiling::store::audit;
use efiling::store::schema::{accounts as accounts_table, mini_program_bindings};
use efiling::store::{clients, sms};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::accounts::{PASSWORD, id_number, party_session, phone, register_party, with_citizens};
use crate::support::{TestApp, assert_problem};

const REGISTRATIONS: &str = "/api/v1/integrations/mini-program/registrations";
const SESSIONS: &str = "/api/v1/integrations/mini-program/sessions";

/// Creates the mini program's integration client; returns its key.
pub fn mini_program_key(app: &TestApp) -> String {
    let mut conn = app.pool.get().unwrap();
    staff::create_client(
        &mut conn,
        "mini-program",
        &["mini_program".to_owned()],
        &staff::cli_actor(),
    )
    .unwrap()
    .key
}

fn openid(n: u32) -> String {
    format!("oGZUI0egBJY1zhBYw2Khd{n:07}")
}

fn person(n: u32, name: &str) -> Value {
    json!({"openid": openid(n), "id_number": id_number(n), "name": name, "phone": phone(n)})
}

fn messages(app: &TestApp, account: &str) -> Vec<sms::SmsMessage> {
    let mut conn = app.pool.get().unwrap();
    sms::for_account(&mut conn, account.parse().unwrap()).unwrap()
}

fn count_accounts(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    accounts_table::table.count().get_result(&mut conn).unwrap()
}

#[actix_web::test]
async fn a_face_verified_person_gets_an_account_once_and_a_session_for_the_openid() {
    let app = TestApp::spawn().await;
    let key = mini_program_key(&app);

    let (status, first) = app.post(REGISTRATIONS, Some(&key), person(1, "张三")).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["created"], true);
    assert_eq!(first["bound"], true);
    let account = first["account_id"].as_str().unwrap().to_owned();
    let sent = messages(&app, &account);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].template, "mini_program_account_created");
    assert_eq!(sent[0].phone.as_deref(), Some(phone(1).as_str()));

    // The backend retries: the same answer, nothing new, no second SMS.
    let (status, again) = app.post(REGISTRATIONS, Some(&key), person(1, "张三")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again, first);
    assert_eq!(messages(&app, &account).len(), 1);
    assert_eq!(count_accounts(&app), 1);

    let (status, session) = app
        .post(SESSIONS, Some(&key), json!({"openid": openid(1)}))
        .await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["account"]["id"], account.as_str());
    assert_eq!(session["account"]["role"], "party");
    assert_eq!(session["account"]["status"], "active");
    assert_eq!(session["must_change_password"], true);
    let token = session["access_token"].as_str().unwrap();
    let (status, body) = app.get("/api/v1/accounts/me", Some(token)).await;
    assert_problem(status, &body, 403, "account.password_change_required");

    // The same person can log in on the web with the ID number and the default password.
    let (status, web) = crate::accounts::login(&app, &id_number(1), &id_number(1)[10..]).await;
    assert_eq!(status, 201, "{web}");

    let mut conn = app.pool.get().unwrap();
    let actions: Vec<String> = audit::history(&mut conn, "account", &account)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions[..3],
        ["account.created", "mini_program.bound", "session.opened"]
    );
    let history = audit::history(&mut conn, "account", &account).unwrap();
    assert_eq!(history[0].actor_kind, "service");
    assert_eq!(history[0].actor_id.as_deref(), Some("mini-program"));
    assert_eq!(history[2].details["client"], "mini_program");
    assert!(
        !history
            .iter()
            .any(|e| e.details.to_string().contains(&openid(1)))
    );
}

#[actix_web::test]
async fn an_existing_account_is_bound_without_change_and_its_own_phone_is_told() {
    let app = TestApp::spawn().await;
    let key = mini_program_key(&app);
    let (web_token, _) = party_session(&app, 2).await;
    let (_, me) = app.get("/api/v1/accounts/me", Some(&web_token)).await;
    let before = messages(&app, me["id"].as_str().unwrap()).len();

    let mut request = person(2, "张三");
    request["phone"] = json!(phone(200));
    let (status, body) = app.post(REGISTRATIONS, Some(&key), request.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["account_id"], me["id"]);
    assert_eq!(body["created"], false);
    let sent = messages(&app, me["id"].as_str().unwrap());
    assert_eq!(sent.len(), before + 1);
    let told = sent.last().unwrap();
    assert_eq!(told.template, "mini_program_already_registered");
    assert_eq!(
        told.phone.as_deref(),
        Some(phone(2).as_str()),
        "the account's phone"
    );
    assert!(told.body.ends_with("身份证号码为370XXXXX"), "{}", told.body);
    assert_eq!(count_accounts(&app), 1);

    let (status, again) = app.post(REGISTRATIONS, Some(&key), request).await;
    assert_eq!((status, &again), (200, &body));
    assert_eq!(messages(&app, me["id"].as_str().unwrap()).len(), before + 1);

    let (status, session) = app
        .post(SESSIONS, Some(&key), json!({"openid": openid(2)}))
        .await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["account"]["id"], me["id"]);
    assert_eq!(
        session["must_change_password"], false,
        "the password is unchanged"
    );
    let (status, _) = crate::accounts::login(&app, &id_number(2), PASSWORD).await;
    assert_eq!(status, 201);
}

#[actix_web::test]
async fn conflicts_and_unusable_accounts_have_their_own_codes() {
    let csv = format!(
        "id_number,name,outcome\n{},赵六,special_status\n",
        id_number(5)
    );
    let app = TestApp::spawn_with_integrations(with_citizens(&csv)).await;
    let key = mini_program_key(&app);

    let (status, _) = app.post(REGISTRATIONS, Some(&key), person(1, "张三")).await;
    assert_eq!(status, 201);
    // The openid of person 1 with another ID number.
    let mut other = person(2, "李四");
    other["openid"] = json!(openid(1));
    let (status, body) = app.post(REGISTRATIONS, Some(&key), other).await;
    assert_problem(status, &body, 409, "mini_program.openid_bound_elsewhere");

    // A new account needs a phone no other account holds.
    let mut taken = person(3, "王五");
    taken["phone"] = json!(phone(1));
    let (status, body) = app.post(REGISTRATIONS, Some(&key), taken).await;
    assert_problem(status, &body, 409, "phone.taken");

    register_party(&app, 4, "孙七").await;
    let (status, body) = app.post(REGISTRATIONS, Some(&key), person(4, "孙七")).await;
    assert_problem(status, &body, 409, "mini_program.account_pending");

    register_party(&app, 5, "赵六").await;
    app.run_jobs().await;
    let (status, body) = app.post(REGISTRATIONS, Some(&key), person(5, "赵六")).await;
    assert_problem(
        status,
        &body,
        409,
        "mini_program.account_verification_failed",
    );

    // A bound account that is disabled later: no binding, no session.
    let (status, bound) = app.post(REGISTRATIONS, Some(&key), person(6, "周八")).await;
    assert_eq!(status, 201);
    {
        let mut conn = app.pool.get().unwrap();
        accounts::update(
            &mut conn,
            bound["account_id"].as_str().unwrap().parse().unwrap(),
            AccountChanges {
                status: Some("disabled"),
                ..AccountChanges::default()
            },
        )
        .unwrap();
    }
    let mut again = person(6, "周八");
    again["openid"] = json!(openid(60));
    let (status, body) = app.post(REGISTRATIONS, Some(&key), again).await;
    assert_problem(status, &body, 409, "mini_program.account_disabled");
    let (status, body) = app
        .post(SESSIONS, Some(&key), json!({"openid": openid(6)}))
        .await;
    assert_problem(status, &body, 403, "session.account_disabled");

    let (status, body) = app
        .post(SESSIONS, Some(&key), json!({"openid": openid(99)}))
        .await;
    assert_problem(status, &body, 404, "mini_program.not_bound");

    // Nothing was created by the refusals: persons 1 and 6, and the two web registrations.
    assert_eq!(count_accounts(&app), 4);
    let mut conn = app.pool.get().unwrap();
    let bindings: i64 = mini_program_bindings::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(bindings, 2);
}

#[actix_web::test]
async fn invalid_fields_are_each_named_with_their_code() {
    let app = TestApp::spawn().await;
    let key = mini_program_key(&app);
    let (status, body) = app
        .post(
            REGISTRATIONS,
            Some(&key),
            json!({"openid": "has space", "id_number": "370102199001011230", "name": "无名氏", "phone": "0531-86123456"}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    let found: Vec<(String, String)> = body["errors"]
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
    let expected = [
        ("openid", "openid.invalid"),
        ("id_number", "id_number.checksum"),
        ("name", "name.unnamed"),
        ("phone", "phone.not_mobile"),
    ];
    assert_eq!(
        found,
        expected.map(|(f, c)| (f.to_owned(), c.to_owned())),
        "{body}"
    );
    let (status, body) = app.post(SESSIONS, Some(&key), json!({"openid": ""})).await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "field.required");
    assert_eq!(count_accounts(&app), 0);
}

#[actix_web::test]
async fn only_a_client_with_the_mini_program_scope_may_call() {
    let app = TestApp::spawn().await;
    let key = mini_program_key(&app);
    let (person_token, _) = party_session(&app, 1).await;
    let other_client = {
        let mut conn = app.pool.get().unwrap();
        let secret = efiling::auth::tokens::random_token();
        let id = clients::insert(
            &mut conn,
            "trial-system",
            &efiling::auth::tokens::token_hash(&secret),
            &["trial_system".to_owned()],
        )
        .unwrap();
        format!("{id}.{secret}")
    };
    let (client_id, _) = key.split_once('.').unwrap();
    let wrong_secret = format!("{client_id}.{}", efiling::auth::tokens::random_token());
    let unknown_client = format!(
        "{}.{}",
        Uuid::new_v4(),
        efiling::auth::tokens::random_token()
    );

    for path in [REGISTRATIONS, SESSIONS] {
        let body = person(9, "张三");
        let (status, problem) = app.post(path, None, body.clone()).await;
        assert_problem(status, &problem, 401, "auth.service_client_required");
        for token in [&person_token, &wrong_secret, &unknown_client] {
            let (status, problem) = app.post(path, Some(token), body.clone()).await;
            assert_problem(status, &problem, 401, "auth.service_client_required");
        }
        let (status, problem) = app.post(path, Some(&other_client), body).await;
        assert_problem(status, &problem, 403, "auth.scope_missing");
    }
    assert_eq!(count_accounts(&app), 1);
}
