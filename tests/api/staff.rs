//! Staff accounts, the import of legacy lawyers and the operators' command line, over HTTP
//! and through the real binary.

use std::process::Command;
use std::time::Duration;

use actix_web::web;
use diesel::prelude::*;
use efiling::http::metrics::Metrics;
use efiling::http::{self, AppState};
use efiling::services::staff::{self, ImportNote, ImportOutcome, SkipReason, StaffInput};
use efiling::store::audit::{self, Actor};
use efiling::store::schema::accounts;
use efiling::store::{self, sms};
use serde_json::json;

use crate::accounts::{PASSWORD, id_number, login, party_session, phone};
use crate::support::{TestApp, TestDatabase, assert_problem};

/// The password of administrators made by [`admin_token`].
pub const ADMIN_PASSWORD: &str = "Admin-2026-pass";

/// Creates an administrator the way the command line does and logs in; returns the access
/// token.
pub async fn admin_token(app: &TestApp, login_name: &str) -> String {
    let staff = staff::prepare_staff(
        &StaffInput {
            role: "admin",
            login: login_name,
            name: "王管理",
            password: ADMIN_PASSWORD,
            court_code: None,
        },
        false,
    )
    .unwrap();
    let mut conn = app.pool.get().unwrap();
    conn.transaction(|conn| staff::create_staff(conn, &staff, &staff::cli_actor()))
        .unwrap();
    drop(conn);
    let (status, session) = login(app, login_name, ADMIN_PASSWORD).await;
    assert_eq!(status, 201, "{session}");
    session["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn an_administrator_creates_a_judge_who_logs_in_by_login_name_and_must_change_the_password() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app, "Admin.Wang").await;
    let (status, me) = app.get("/api/v1/accounts/me", Some(&admin)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["login"], "admin.wang", "stored lower-case");
    assert_eq!(me["id_number_masked"], serde_json::Value::Null);

    let (status, judge) = app
        .post(
            "/api/v1/admin/accounts",
            Some(&admin),
            json!({"role": "judge", "login": "Li.Fang", "name": "李芳", "password": "立案庭2026!", "court_code": " 鲁0102 "}),
        )
        .await;
    assert_eq!(status, 201, "{judge}");
    assert_eq!(judge["role"], "judge");
    assert_eq!(judge["status"], "active");
    assert_eq!(judge["login"], "li.fang");
    assert_eq!(judge["court_code"], "鲁0102");
    assert_eq!(judge["must_change_password"], true);

    let (status, session) = login(&app, "LI.FANG", "立案庭2026!").await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["must_change_password"], true);
    let token = session["access_token"].as_str().unwrap();
    let (status, body) = app.get("/api/v1/accounts/me", Some(token)).await;
    assert_problem(status, &body, 403, "account.password_change_required");

    let mut conn = app.pool.get().unwrap();
    let history = audit::history(&mut conn, "account", judge["id"].as_str().unwrap()).unwrap();
    assert_eq!(history[0].action, "account.created");
    assert_eq!(history[0].actor_kind, "account");
    assert_eq!(history[0].actor_id.as_deref(), me["id"].as_str());
    assert!(history[0].request_id.is_some(), "joined with the logs");
    assert_eq!(history[0].details["court_code"], "鲁0102");
    let history = audit::history(&mut conn, "account", me["id"].as_str().unwrap()).unwrap();
    assert_eq!(history[0].action, "account.created");
    assert_eq!(history[0].actor_id.as_deref(), Some("cli"));
}

#[actix_web::test]
async fn staff_accounts_are_validated_field_by_field_and_logins_are_unique() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app, "admin").await;
    let cases = [
        (
            json!({"role": "clerk", "login": "clerk.one", "name": "张三", "password": PASSWORD}),
            "role",
            "role.invalid",
        ),
        (
            json!({"role": "admin", "login": "ab", "name": "张三", "password": PASSWORD}),
            "login",
            "login.invalid",
        ),
        (
            json!({"role": "admin", "login": "12345678", "name": "张三", "password": PASSWORD}),
            "login",
            "login.invalid",
        ),
        (
            json!({"role": "judge", "login": "judge.one", "name": "张三", "password": PASSWORD}),
            "court_code",
            "field.required",
        ),
        (
            json!({"role": "judge", "login": "judge.one", "name": "张三", "password": PASSWORD, "court_code": "鲁9999"}),
            "court_code",
            "court.not_found",
        ),
        (
            json!({"role": "admin", "login": "admin.two", "name": "张3", "password": PASSWORD}),
            "name",
            "name.invalid_characters",
        ),
        (
            json!({"role": "admin", "login": "admin.two", "name": "张三", "password": "short"}),
            "password",
            "password.too_short",
        ),
    ];
    for (body, field, code) in cases {
        let (status, problem) = app.post("/api/v1/admin/accounts", Some(&admin), body).await;
        assert_problem(status, &problem, 422, "validation.failed");
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{problem}"
        );
    }

    let (status, problem) = app
        .post(
            "/api/v1/admin/accounts",
            Some(&admin),
            json!({"role": "admin", "login": "ADMIN", "name": "李四", "password": PASSWORD}),
        )
        .await;
    assert_problem(status, &problem, 409, "account.login_taken");

    // Only administrators may create staff.
    let (party, _) = party_session(&app, 1).await;
    let (status, problem) = app
        .post(
            "/api/v1/admin/accounts",
            Some(&party),
            json!({"role": "admin", "login": "sneaky", "name": "李四", "password": PASSWORD}),
        )
        .await;
    assert_problem(status, &problem, 403, "auth.forbidden");

    let mut conn = app.pool.get().unwrap();
    let staff_count: i64 = accounts::table
        .filter(accounts::login.is_not_null())
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(staff_count, 1, "nothing but the first administrator");
}

fn lawyer_line(name: &str, n: u32, licence: &str, phone: &str) -> String {
    format!(
        "{name},{},{licence},{phone},山东测试律师事务所\n",
        id_number(n)
    )
}

#[actix_web::test]
async fn imported_lawyers_log_in_with_the_default_password_and_must_change_it_first() {
    let app = TestApp::spawn().await;
    // A registered party holds phone(3): an imported lawyer with it gets no phone.
    party_session(&app, 3).await;
    let csv = format!(
        "\u{FEFF}name,id_number,licence_number,phone,law_firm\n{}{}{}{}{}\n{}{}{}{}",
        lawyer_line("测试律甲", 1, "13701201510000101", &phone(1)),
        lawyer_line("测试律乙", 2, "13701201510000102", "0531-86123456"),
        lawyer_line("测试律丙", 4, "13701201510000104", ""),
        lawyer_line("测试律丁", 5, "13701201510000105", &phone(3)),
        lawyer_line("测试律戊", 6, "1370", ""),
        // Line 8: an invalid ID number (wrong check character) and an empty name.
        ",37010219900101007X,13701201510000107,,\n",
        // Line 9: the ID number of line 2 again, with another licence.
        lawyer_line("测试律乙", 2, "13701201510000109", ""),
        // Line 10: line 3's licence number with a new ID number.
        lawyer_line("测试律己", 10, "13701201510000104", ""),
        "测试律庚,too,few\n",
    );
    let report = {
        let mut conn = app.pool.get().unwrap();
        staff::import_lawyers(&mut conn, &csv, &staff::cli_actor()).unwrap()
    };
    let summary = report.to_string();
    assert!(
        summary.ends_with("created 4, skipped 2 (lines 9, 10), refused 3 (lines 6, 8, 11)"),
        "{summary}"
    );
    assert!(!summary.contains(&id_number(1)), "no ID numbers: {summary}");
    let outcome = |line: u64| {
        &report
            .lines
            .iter()
            .find(|l| l.line == line)
            .unwrap()
            .outcome
    };
    assert!(matches!(outcome(2), ImportOutcome::Created { notes, .. } if notes.is_empty()));
    assert!(
        matches!(outcome(3), ImportOutcome::Created { notes, .. } if notes == &[ImportNote::Landline])
    );
    assert!(
        matches!(outcome(5), ImportOutcome::Created { notes, .. } if notes == &[ImportNote::PhoneTaken])
    );
    assert!(matches!(
        outcome(9),
        ImportOutcome::Skipped {
            reason: SkipReason::IdNumberExists,
            ..
        }
    ));
    assert!(matches!(
        outcome(10),
        ImportOutcome::Skipped {
            reason: SkipReason::LicenceNumberExists,
            ..
        }
    ));
    let ImportOutcome::Refused { errors } = outcome(8) else {
        panic!("line 8 is refused");
    };
    let codes: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("name", "name.required"),
            ("id_number", "id_number.checksum")
        ]
    );

    // The lawyer logs in with the licence number and the default password.
    let default = &id_number(1)[10..];
    let (status, session) = login(&app, "13701201510000101", default).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["must_change_password"], true);
    assert_eq!(session["account"]["role"], "lawyer");
    assert_eq!(session["account"]["status"], "active");
    assert_eq!(session["account"]["phone"], phone(1));
    let token = session["access_token"].as_str().unwrap();
    let (status, body) = app.get("/api/v1/accounts/me", Some(token)).await;
    assert_problem(status, &body, 403, "account.password_change_required");
    let (status, body) = app
        .post(
            "/api/v1/accounts/me/password",
            Some(token),
            json!({"current_password": default, "new_password": "Lawyer-own-2026"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, me) = app.get("/api/v1/accounts/me", Some(token)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["must_change_password"], false);

    // The ID number logs in too; the landline lawyer has no phone and got no SMS.
    let (status, session) = login(&app, &id_number(2), &id_number(2)[10..]).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["account"]["phone"], serde_json::Value::Null);
    let mut conn = app.pool.get().unwrap();
    let landline_account = session["account"]["id"].as_str().unwrap().parse().unwrap();
    let messages = sms::for_account(&mut conn, landline_account).unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].status, "not_sent");
    let landline: Option<String> = accounts::table
        .find(landline_account)
        .select(accounts::landline)
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(landline.as_deref(), Some("0531-86123456"));
    let history = audit::history(&mut conn, "account", &landline_account.to_string()).unwrap();
    assert_eq!(history[0].action, "account.imported");
    assert_eq!(history[0].details["law_firm"], "山东测试律师事务所");

    // Importing the same file again creates nothing and changes nothing.
    let count =
        |conn: &mut PgConnection| -> i64 { accounts::table.count().get_result(conn).unwrap() };
    let before = count(&mut conn);
    let again = staff::import_lawyers(&mut conn, &csv, &staff::cli_actor()).unwrap();
    assert_eq!(
        (again.created(), again.skipped(), again.refused()),
        (0, 6, 3)
    );
    assert_eq!(count(&mut conn), before);
    let (status, _) = login(&app, "13701201510000101", "Lawyer-own-2026").await;
    assert_eq!(status, 201, "the changed password was not overwritten");
}

#[actix_web::test]
async fn a_file_that_is_not_the_expected_csv_is_refused_whole() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    for text in ["", "name,id_number,licence_number,phone\n"] {
        let error = staff::import_lawyers(&mut conn, text, &staff::cli_actor())
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("line 1:"), "{error}");
        assert!(
            error.contains("name,id_number,licence_number,phone,law_firm"),
            "{error}"
        );
    }
}

fn efiling(db: &TestDatabase, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_efiling"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db.url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("the efiling binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[actix_web::test]
async fn the_command_line_imports_lawyers_creates_staff_and_clients_whose_key_works() {
    let db = TestDatabase::new();

    let out = efiling(
        &db,
        &["accounts", "import-lawyers", "fixtures/legacy_lawyers.csv"],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("created 4, skipped 0, refused 0"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("370105198503120424"),
        "no ID numbers: {stdout}"
    );

    let out = efiling(
        &db,
        &[
            "accounts",
            "create-judge",
            "--court",
            "鲁0102",
            "--login",
            "judge.zhao",
            "--name",
            "赵法官",
            "--password",
            "Judge-pass-2026",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = efiling(
        &db,
        &[
            "accounts",
            "create-admin",
            "--login",
            "judge.zhao",
            "--name",
            "赵管理",
            "--password",
            "weak",
        ],
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--password") && stderr.contains("password.too_short"),
        "{stderr}"
    );

    let out = efiling(
        &db,
        &[
            "clients",
            "create",
            "--name",
            "mini-program",
            "--scope",
            "payments",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unknown scope \"payments\""),
        "{}",
        text(&out.stderr)
    );
    let out = efiling(
        &db,
        &[
            "clients",
            "create",
            "--name",
            "mini-program",
            "--scope",
            "mini_program",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let key = text(&out.stdout).trim().to_owned();
    let (client_id, secret) = key.split_once('.').unwrap();
    assert!(
        client_id.parse::<uuid::Uuid>().is_ok() && secret.len() >= 43,
        "{key}"
    );
    let out = efiling(
        &db,
        &[
            "clients",
            "create",
            "--name",
            "mini-program",
            "--scope",
            "mini_program",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    let out = efiling(&db, &["clients", "create", "--help"]);
    assert!(text(&out.stdout).contains("--scope"));

    // The service over the same database: the judge logs in, the key is accepted.
    let pool = store::connect(db.url(), 4, Duration::from_secs(10)).unwrap();
    let state =
        AppState::new(pool, efiling::config::Config::for_database(db.url().into())).unwrap();
    let metrics = web::Data::new(Metrics::new().unwrap());
    let server_state = state.clone();
    let app = TestApp::serve(db, state, move || {
        http::app(server_state.clone(), metrics.clone())
    });
    let (status, session) = login(&app, "judge.zhao", "Judge-pass-2026").await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["account"]["court_code"], "鲁0102");
    assert_eq!(session["must_change_password"], false);
    let (status, body) = app
        .post(
            "/api/v1/integrations/mini-program/sessions",
            Some(&key),
            json!({"openid": "o-nobody"}),
        )
        .await;
    assert_problem(status, &body, 404, "mini_program.not_bound");
    let (status, session) = login(&app, "13701201210000011", "03120424").await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["must_change_password"], true);

    let mut conn = app.pool.get().unwrap();
    let history = audit::history(&mut conn, "service_client", client_id).unwrap();
    assert_eq!(history[0].action, "service_client.created");
    assert_eq!(history[0].actor_id, Actor::system("cli").id);
}
