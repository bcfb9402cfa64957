//! The legal-worker sync: the justice department's list turns matching party accounts into
//! legal-worker accounts, from the administrators' endpoint and from the background jobs.

use std::sync::Arc;

use diesel::prelude::*;
use efiling::integrations::{
    IntegrationError, Integrations, JusticeDepartment, LegalWorkerRecord,
    SimulatedJusticeDepartment,
};
use efiling::services::{legal_workers, staff};
use efiling::store::schema::legal_worker_sync_runs;
use efiling::store::{audit, sms, sync_runs};
use serde_json::json;

use crate::accounts::{PASSWORD, id_number, login, party_session, phone};
use crate::staff::admin_token;
use crate::support::{TestApp, assert_problem};

const SYNCS: &str = "/api/v1/admin/legal-worker-syncs";

fn licence(n: u32) -> String {
    format!("37010520120{n:05}")
}

fn worker(n: u32, name: &str) -> String {
    format!(
        "{name},{},{},,济南市历下区测试法律服务所\n",
        id_number(n),
        licence(n)
    )
}

fn with_workers(rows: &[String]) -> Integrations {
    let csv = format!(
        "name,id_number,licence_number,phone,workplace\n{}",
        rows.concat()
    );
    let mut integrations = Integrations::simulated();
    integrations.justice_department = Arc::new(SimulatedJusticeDepartment::from_csv(&csv).unwrap());
    integrations
}

fn schedule_runs(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    legal_worker_sync_runs::table
        .filter(legal_worker_sync_runs::trigger.eq("schedule"))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[actix_web::test]
async fn an_administrator_run_converts_a_matching_party_who_keeps_the_password() {
    let app = TestApp::spawn_with_integrations(with_workers(&[worker(1, "张三")])).await;
    let admin = admin_token(&app, "admin").await;
    let (_, me) = app.get("/api/v1/accounts/me", Some(&admin)).await;

    // A first run before the party exists converts nothing, and holds the daily schedule
    // off: the conversion below is the administrator's.
    let (status, run) = app.post(SYNCS, Some(&admin), json!({})).await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(
        (run["records_seen"].as_i64(), run["converted"].as_i64()),
        (Some(1), Some(0))
    );
    let (party, _) = party_session(&app, 1).await;
    let (_, party_me) = app.get("/api/v1/accounts/me", Some(&party)).await;
    assert_eq!(party_me["role"], "party");
    assert_eq!(schedule_runs(&app), 0);

    let (status, run) = app.post(SYNCS, Some(&admin), json!({})).await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(
        run["trigger"],
        format!("admin:{}", me["id"].as_str().unwrap())
    );
    assert_eq!(run["converted"], 1);
    assert_eq!(run["error"], serde_json::Value::Null);
    assert!(run["finished_at"].is_string());
    assert_eq!(
        run["details"],
        json!([{
            "account_id": party_me["id"],
            "id_number_masked": format!("370***********{}", &id_number(1)[14..]),
            "licence_number": licence(1),
            "outcome": "converted",
        }])
    );

    // The licence number is now the login name, the ID number still works, and the old
    // password is kept.
    let (status, session) = login(&app, &licence(1), PASSWORD).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["account"]["id"], party_me["id"]);
    assert_eq!(session["account"]["role"], "legal_worker");
    assert_eq!(session["account"]["licence_number"], licence(1));
    assert_eq!(session["must_change_password"], false);
    let (status, _) = login(&app, &id_number(1), PASSWORD).await;
    assert_eq!(status, 201);

    let mut conn = app.pool.get().unwrap();
    let account = party_me["id"].as_str().unwrap();
    let told = sms::for_account(&mut conn, account.parse().unwrap()).unwrap();
    let told = told.last().unwrap();
    assert_eq!(told.template, "legal_worker_converted");
    assert_eq!(told.phone.as_deref(), Some(phone(1).as_str()));
    assert!(told.body.contains(&licence(1)), "{}", told.body);
    let history = audit::history(&mut conn, "account", account).unwrap();
    let conversion = history
        .iter()
        .find(|e| e.action == "account.converted_to_legal_worker")
        .unwrap();
    assert_eq!(conversion.actor_id.as_deref(), me["id"].as_str());
    assert_eq!(conversion.details["run_id"], run["id"]);
    drop(conn);

    // A second run changes nothing.
    let (status, again) = app.post(SYNCS, Some(&admin), json!({})).await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["converted"], 0);
    assert_eq!(again["details"], json!([]));
    let mut conn = app.pool.get().unwrap();
    assert_eq!(
        sms::for_account(&mut conn, account.parse().unwrap())
            .unwrap()
            .iter()
            .filter(|m| m.template == "legal_worker_converted")
            .count(),
        1
    );

    // Only administrators may run it.
    let (token, _) = party_session(&app, 2).await;
    let (status, body) = app.post(SYNCS, Some(&token), json!({})).await;
    assert_problem(status, &body, 403, "auth.forbidden");
}

#[actix_web::test]
async fn the_background_jobs_sync_once_per_period_and_one_instance_at_a_time() {
    let app = TestApp::spawn_with_integrations(with_workers(&[worker(1, "张三")])).await;
    // The jobs verify the registration, then the daily sync converts the account.
    party_session(&app, 1).await;
    assert_eq!(schedule_runs(&app), 1);
    let (status, session) = login(&app, &licence(1), PASSWORD).await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["account"]["role"], "legal_worker");

    app.run_jobs().await;
    assert_eq!(schedule_runs(&app), 1, "not again within the period");

    let mut conn = app.pool.get().unwrap();
    let integrations = app.state.integrations.clone();
    diesel::update(legal_worker_sync_runs::table)
        .set(
            legal_worker_sync_runs::started_at.eq(chrono::Utc::now() - chrono::Duration::hours(25)),
        )
        .execute(&mut conn)
        .unwrap();

    // Another instance holds the schedule lock: this one does not start a run.
    let mut other = app.pool.get().unwrap();
    other
        .transaction::<_, diesel::result::Error, _>(|other| {
            let held = sync_runs::try_lock_schedule(other)?;
            assert!(held);
            assert_eq!(legal_workers::sync_if_due(&mut conn, &integrations, 24)?, 0);
            Ok(())
        })
        .unwrap();
    assert_eq!(schedule_runs(&app), 1);

    // Once the lock is free, the period has passed: a run, which converts nothing more.
    assert_eq!(
        legal_workers::sync_if_due(&mut conn, &integrations, 24).unwrap(),
        0
    );
    assert_eq!(schedule_runs(&app), 2);
    assert_eq!(
        legal_workers::sync_if_due(&mut conn, &integrations, 24).unwrap(),
        0
    );
    assert_eq!(schedule_runs(&app), 2);
    // Whatever the period, the fresh run counts.
    assert_eq!(
        legal_workers::sync_if_due(&mut conn, &integrations, 1).unwrap(),
        0
    );
    assert_eq!(schedule_runs(&app), 2);
}

struct Down;

impl JusticeDepartment for Down {
    fn legal_workers(&self) -> Result<Vec<LegalWorkerRecord>, IntegrationError> {
        Err(IntegrationError::Unavailable {
            system: "justice department",
            reason: "connection refused".into(),
        })
    }
}

#[actix_web::test]
async fn conflicts_and_mismatches_are_reported_and_a_failed_pull_is_recorded() {
    // Person 2's record carries the licence number of the lawyer imported below; person 3's
    // names someone else.
    let taken = worker(2, "张三").replace(&licence(2), "13701201510000777");
    let app = TestApp::spawn_with_integrations(with_workers(&[
        taken,
        worker(3, "李四"),
        worker(4, "张三"),
        worker(99, "无人"),
    ]))
    .await;
    let admin = admin_token(&app, "admin").await;
    // Hold the schedule off so that the administrator's run is the one that reports.
    let (status, _) = app.post(SYNCS, Some(&admin), json!({})).await;
    assert_eq!(status, 201);
    {
        let mut conn = app.pool.get().unwrap();
        let csv = format!(
            "name,id_number,licence_number,phone,law_firm\n测试律甲,{},13701201510000777,,山东测试律师事务所\n",
            id_number(50)
        );
        let report = staff::import_lawyers(&mut conn, &csv, &staff::cli_actor()).unwrap();
        assert_eq!(report.created(), 1, "{report}");
    }
    party_session(&app, 2).await;
    party_session(&app, 3).await;
    party_session(&app, 4).await;

    let (status, run) = app.post(SYNCS, Some(&admin), json!({})).await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(run["records_seen"], 4);
    assert_eq!(run["converted"], 1);
    let outcomes: Vec<(String, String)> = run["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["licence_number"].as_str().unwrap().to_owned(),
                d["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("13701201510000777".to_owned(), "licence_taken".to_owned()),
            (licence(3), "name_mismatch".to_owned()),
            (licence(4), "converted".to_owned()),
        ]
    );
    assert!(!run.to_string().contains(&id_number(2)), "masked: {run}");
    let (status, session) = login(&app, &id_number(2), PASSWORD).await;
    assert_eq!(status, 201);
    assert_eq!(session["account"]["role"], "party", "left as it was");

    // A pull that fails is a run with its error, and converts nothing.
    let mut conn = app.pool.get().unwrap();
    let failed = legal_workers::run(&mut conn, &Down, &legal_workers::Trigger::cli()).unwrap();
    assert_eq!(failed.trigger, "cli");
    assert_eq!((failed.records_seen, failed.converted), (0, 0));
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("connection refused")),
        "{failed:?}"
    );
    assert!(failed.finished_at.is_some());
    let recorded: i64 = legal_worker_sync_runs::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(recorded >= 3, "{recorded}");
}
