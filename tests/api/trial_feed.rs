//! The feed of filings to the trial-management system over HTTP: a reader that follows the
//! cursor gets every change exactly once and in order — also when transactions commit out of
//! order — and only the trial system may read it or the materials it names.

use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use efiling::domain::trial_feed::FeedEvent;
use efiling::services::staff;
use efiling::store::trial_feed::{self, FeedRow};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::accounts::party_session;
use crate::court::{approve_and_docket, judge_session};
use crate::filings::{
    add_party, attach, call, draft, etag_of, patch, plaintiff, submitted_civil_filing,
};
use crate::materials::{pdf, upload};
use crate::mini_program::mini_program_key;
use crate::payments::{docketed, pay, simulate, with_fee};
use crate::support::{TestApp, assert_problem};

const FEED: &str = "/api/v1/integrations/trial-system/filings";

/// Creates the trial system's integration client; returns its key.
fn trial_system_key(app: &TestApp) -> String {
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

/// One page after `after`.
async fn page(app: &TestApp, key: &str, after: Option<&str>, limit: u32) -> Value {
    let mut path = format!("{FEED}?limit={limit}");
    if let Some(after) = after {
        path.push_str(&format!("&after={after}"));
    }
    let (status, body) = app.get(&path, Some(key)).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Reads on from `after` a page of `limit` at a time, like a consumer that stores the cursor
/// after each page, until `enough` holds for what it has read. Events wait for transactions
/// anywhere in the cluster (other tests run beside this one), so an empty page means "ask
/// again shortly".
async fn read_until(
    app: &TestApp,
    key: &str,
    mut after: Option<String>,
    limit: u32,
    enough: impl Fn(&[Value]) -> bool,
) -> (Vec<Value>, Option<String>) {
    let started = Instant::now();
    let mut read = Vec::new();
    loop {
        let body = page(app, key, after.as_deref(), limit).await;
        let items = body["items"].as_array().unwrap();
        assert!(items.len() <= limit as usize, "{body}");
        if let Some(last) = items.last() {
            assert_eq!(body["next_cursor"], last["cursor"], "{body}");
        } else {
            assert_eq!(body["next_cursor"].as_str(), after.as_deref(), "{body}");
        }
        read.extend(items.iter().cloned());
        after = body["next_cursor"].as_str().map(str::to_owned);
        if enough(&read) {
            return (read, after);
        }
        if body["has_more"] == false {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the feed did not deliver in time; read so far: {read:?}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The events of `filing` among `items`, in order.
fn events_of<'a>(items: &'a [Value], filing: &str) -> Vec<&'a Value> {
    items.iter().filter(|i| i["filing_id"] == filing).collect()
}

fn names(items: &[&Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["event"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_reader_sees_each_change_of_a_filing_once_and_in_order() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (party, judge, id, order) = docketed(&app, 801, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();
    let (status, payment) = pay(&app, &party, order_id, json!({"channel": "wechat_pay"})).await;
    assert_eq!(status, 201, "{payment}");
    simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid"}),
    )
    .await;

    // One event per page, the cursor carried from page to page.
    let (read, cursor) = read_until(&app, &key, None, 1, |read| {
        read.iter().any(|i| i["event"] == "fee_order.paid")
    })
    .await;
    let events = events_of(&read, &id);
    assert_eq!(events.len(), read.len(), "{read:?}");
    assert_eq!(
        names(&events),
        [
            "filing.submitted",
            "filing.reviewed",
            "filing.docketed",
            "fee_order.paid"
        ]
    );
    let mut cursors: Vec<&str> = read.iter().map(|i| i["cursor"].as_str().unwrap()).collect();
    cursors.dedup();
    assert_eq!(cursors.len(), read.len(), "every event has its own cursor");
    for item in &read {
        assert_eq!(item["court_code"], "鲁0102");
        assert!(item["occurred_at"].is_string(), "{item}");
    }

    // The submission: the whole filing as the court needs it.
    let submitted = events[0];
    assert_eq!(submitted["kind"], "civil_first_instance");
    assert_eq!(submitted["routing"], json!(["filing_division"]));
    assert_eq!(submitted["resubmission"], false);
    let reference = submitted["filing_reference"].as_str().unwrap();
    assert!(reference.starts_with("LA"), "{submitted}");
    assert!(submitted["first_submitted_at"].is_string());
    assert_eq!(submitted["first_submitted_at"], submitted["submitted_at"]);
    assert!(submitted["filer_account_id"].is_string());
    assert_eq!(submitted["content"]["amount_in_dispute"], "120000.00");
    assert!(submitted["content"]["claims"].is_string(), "{submitted}");
    let parties = submitted["parties"].as_array().unwrap();
    assert_eq!(parties.len(), 2, "{submitted}");
    assert_eq!(parties[0]["role"], "plaintiff");
    assert_eq!(parties[0]["name"], "张三");
    assert!(parties[0]["id"].is_string());
    assert_eq!(parties[1]["type"], "legal_person");
    assert_eq!(submitted["payer_party_id"], parties[0]["id"]);
    assert_eq!(submitted["agents"], json!([]));
    let materials = submitted["materials"].as_array().unwrap();
    assert_eq!(materials.len(), 3, "{submitted}");
    assert_eq!(materials[0]["category"], "complaint_or_application");
    assert_eq!(materials[0]["content_type"], "application/pdf");
    assert_eq!(materials[0]["pages"], 1);
    assert_eq!(materials[0]["sha256"].as_str().unwrap().len(), 64);

    let reviewed = events[1];
    assert_eq!(reviewed["decision"], "approved");
    assert_eq!(reviewed["reason_code"], Value::Null);
    assert!(reviewed["judge_id"].is_string());
    assert_eq!(reviewed["filing_reference"], reference);
    assert_eq!(reviewed["routing"], json!(["filing_division"]));

    let docketed = events[2];
    assert!(
        docketed["case_number"]
            .as_str()
            .is_some_and(|n| n.contains("鲁0102民初")),
        "{docketed}"
    );
    assert_eq!(docketed["registration_number"].as_str().unwrap().len(), 12);
    assert_eq!(docketed["status"], "awaiting_payment");
    assert_eq!(docketed["judge_id"], reviewed["judge_id"]);
    let issued = &docketed["fee_orders"][0];
    assert_eq!(issued["id"], order["id"]);
    assert_eq!(issued["order_number"], order["order_number"]);
    assert_eq!(issued["total"], "2700.00");
    assert_eq!(issued["items"][0]["item"], "acceptance_fee");
    assert_eq!(issued["items"][0]["amount"], "2700.00");
    assert_eq!(issued["payer_name"], "张三");
    assert!(issued["expires_at"].is_string());

    let paid = events[3];
    assert_eq!(paid["order_number"], order["order_number"]);
    assert_eq!(paid["fee_order_id"], order["id"]);
    assert_eq!(paid["case_number"], docketed["case_number"]);
    assert_eq!(paid["amount"], "2700.00");
    assert_eq!(paid["order_status"], "paid_awaiting_settlement");
    assert_eq!(paid["platform"], "provincial");
    assert_eq!(paid["channel"], "wechat_pay");
    assert_eq!(paid["bank"], Value::Null);
    assert!(paid["paid_at"].is_string());
    assert!(
        paid["transaction_id"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{paid}"
    );

    // Reading on from the stored cursor repeats nothing.
    let again = page(&app, &key, cursor.as_deref(), 100).await;
    assert_eq!(again["items"], json!([]), "{again}");
    assert_eq!(again["has_more"], false);
    assert_eq!(again["next_cursor"].as_str(), cursor.as_deref());

    // The materials the submission names can be fetched, in parts too.
    let material = &materials[0];
    let url = app.url(&format!(
        "/api/v1/integrations/trial-system/materials/{}/content",
        material["id"].as_str().unwrap()
    ));
    let response = app.client.get(&url).bearer_auth(&key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, material["size"].as_u64().unwrap());
    assert_eq!(hex::encode(Sha256::digest(&bytes)), material["sha256"]);
    let response = app
        .client
        .get(&url)
        .bearer_auth(&key)
        .header("Range", "bytes=0-4")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"%PDF-");

    // A judge's token does not open the feed.
    let (status, body) = app.get(FEED, Some(&judge)).await;
    assert_problem(status, &body, 401, "auth.service_client_required");
}

#[actix_web::test]
async fn a_rejected_filing_submitted_again_is_submitted_again_in_the_feed() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (party, id, _, _) = submitted_civil_filing(&app, 802).await;
    let judge = judge_session(&app, "judge.feed.reject", "鲁0102").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&judge),
            json!({"decision": "reject", "reason_code": "materials_unclear"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = call(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &party,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (read, _) = read_until(&app, &key, None, 100, |read| read.len() >= 3).await;
    let events = events_of(&read, &id);
    assert_eq!(
        names(&events),
        ["filing.submitted", "filing.reviewed", "filing.submitted"]
    );
    assert_eq!(events[1]["decision"], "rejected");
    assert_eq!(events[1]["reason_code"], "materials_unclear");
    assert_eq!(events[1]["reason"], "材料不清晰");
    assert_eq!(events[2]["resubmission"], true);
    assert_eq!(events[2]["filing_reference"], events[0]["filing_reference"]);
    assert_eq!(
        events[2]["first_submitted_at"],
        events[0]["first_submitted_at"]
    );
    assert_eq!(events[2]["materials"], events[0]["materials"]);
}

#[actix_web::test]
async fn settlement_and_refunds_of_a_paid_order_follow_its_payment() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let admin = crate::accounts::admin_session(&app).await;
    let (party, judge, id, order) = docketed(&app, 803, "鲁0102", with_fee("50.00")).await;
    let order_id = order["id"].as_str().unwrap();
    let (_, payment) = pay(&app, &party, order_id, json!({"channel": "alipay"})).await;
    simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid"}),
    )
    .await;
    let today = efiling::domain::calendar::shanghai_date(Utc::now());
    let (status, body) = app
        .post(
            "/api/v1/reconciliation-reports",
            Some(&admin),
            json!({"date": today.to_string(), "platform": "provincial"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["reports"][0]["settled"], 1, "{body}");
    let (status, refund) = app
        .post(
            &format!("/api/v1/fee-orders/{order_id}/refunds"),
            Some(&judge),
            json!({"amount": "30.00", "reason": "撤诉，退还部分"}),
        )
        .await;
    assert_eq!(status, 201, "{refund}");

    let (read, _) = read_until(&app, &key, None, 100, |read| {
        read.iter().any(|i| i["event"] == "fee_order.refunded")
    })
    .await;
    let events = events_of(&read, &id);
    assert_eq!(
        names(&events),
        [
            "filing.submitted",
            "filing.reviewed",
            "filing.docketed",
            "fee_order.paid",
            "fee_order.settled",
            "fee_order.refunded"
        ]
    );
    let settled = events[4];
    assert_eq!(settled["order_number"], order["order_number"]);
    assert_eq!(settled["amount"], "50.00");
    assert_eq!(settled["payment_id"], events[3]["payment_id"]);
    assert_eq!(settled["transaction_id"], events[3]["transaction_id"]);
    let refunded = events[5];
    assert_eq!(refunded["refund_id"], refund["id"]);
    assert_eq!(refunded["amount"], "30.00");
    assert_eq!(refunded["refunded_total"], "30.00");
    assert_eq!(refunded["order_status"], "partially_refunded");
    assert_eq!(refunded["refundee_name"], "张三");
    assert_eq!(refunded["reason"], "撤诉，退还部分");
    assert!(refunded["platform_refund_id"].is_string(), "{refunded}");
}

/// A complete enforcement reconsideration by party `n`, submitted: (token, filing id).
async fn submitted_enforcement_reconsideration(app: &TestApp, n: u32) -> (String, String) {
    let (token, _) = party_session(app, n).await;
    let (id, _) = draft(app, &token, "enforcement_reconsideration", None).await;
    let mut applicant = plaintiff(n);
    applicant["role"] = json!("applicant");
    let (status, body) = add_party(app, &token, &id, applicant).await;
    assert_eq!(status, 201, "{body}");
    let etag = etag_of(app, &token, &id).await;
    let (status, _, body) = patch(
        app,
        &token,
        &id,
        &etag,
        json!({
            "reconsideration": {
                "original_case_number": "（2020）鲁0102执19号",
                "matter": "objection_to_enforcement_act",
                "enforcement_basis_number": "（2019）鲁0102民初100号"
            },
            "filer_capacity": "party_in_person",
            "claims": "撤销（2020）鲁0102执19号执行裁定。",
            "facts_and_reasons": "执行行为违反法律规定。",
            "service_address": {
                "address": "济南市历下区泉城路1号", "recipient": "张三",
                "phone": "13900000001", "electronic_service_consent": true
            }
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    attach(app, &token, &id, 1, "complaint_or_application").await;
    attach(app, &token, &id, 2, "identity_document").await;
    let (status, _, body) = call(
        app,
        reqwest::Method::POST,
        &format!("/api/v1/cases/{id}/submission"),
        &token,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (token, id)
}

#[actix_web::test]
async fn enforcement_matters_are_routed_through_case_diversion_to_the_enforcement_system() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (_, enforcement) = submitted_enforcement_reconsideration(&app, 804).await;
    let (_, civil, _, _) = submitted_civil_filing(&app, 805).await;

    // Nothing is due for a reconsideration: docketing accepts it at once.
    let judge = judge_session(&app, "judge.feed.enforcement", "鲁01").await;
    let body = approve_and_docket(&app, &judge, &enforcement, json!({})).await;
    assert_eq!(body["case"]["status"], "accepted", "{body}");

    let (read, _) = read_until(&app, &key, None, 100, |read| read.len() >= 4).await;
    let events = events_of(&read, &enforcement);
    assert_eq!(
        names(&events),
        ["filing.submitted", "filing.reviewed", "filing.docketed"]
    );
    for event in &events {
        assert_eq!(event["kind"], "enforcement_reconsideration");
        assert_eq!(
            event["routing"],
            json!(["case_diversion", "enforcement_system"]),
            "{event}"
        );
        assert_eq!(event["court_code"], "鲁01");
    }
    let accepted = events[2];
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["fee_orders"], json!([]));
    assert!(
        accepted["case_number"]
            .as_str()
            .is_some_and(|n| n.contains("鲁01执复")),
        "{accepted}"
    );
    let civil_events = events_of(&read, &civil);
    assert_eq!(civil_events.len(), 1);
    assert_eq!(civil_events[0]["routing"], json!(["filing_division"]));
}

#[actix_web::test]
async fn only_the_trial_system_reads_the_feed_and_its_materials() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let mini_program = mini_program_key(&app);
    let (party, _) = party_session(&app, 806).await;
    let (status, draft_material) = upload(&app, &party, "草稿.pdf", pdf(2), "evidence", None).await;
    assert_eq!(status, 201, "{draft_material}");
    let (id, _) = draft(&app, &party, "civil_first_instance", Some("鲁0102")).await;
    let material = draft_material["id"].as_str().unwrap();
    let (status, _, body) = call(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/cases/{id}/materials"),
        &party,
        Some(json!({ "material_id": material })),
        None,
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let content = format!("/api/v1/integrations/trial-system/materials/{material}/content");

    for path in [FEED, content.as_str()] {
        let (status, body) = app.get(path, Some(&mini_program)).await;
        assert_problem(status, &body, 403, "auth.scope_missing");
        let (status, body) = app.get(path, Some(&party)).await;
        assert_problem(status, &body, 401, "auth.service_client_required");
        let (status, body) = app.get(path, None).await;
        assert_problem(status, &body, 401, "auth.service_client_required");
    }

    // A draft's material is nobody's business at the court yet.
    let (status, body) = app.get(&content, Some(&key)).await;
    assert_problem(status, &body, 404, "material.not_found");
    let (status, body) = app
        .get(
            &format!(
                "/api/v1/integrations/trial-system/materials/{}/content",
                Uuid::new_v4()
            ),
            Some(&key),
        )
        .await;
    assert_problem(status, &body, 404, "material.not_found");

    // Malformed cursors and limits.
    for cursor in ["abc", "1:2", "AQAAAAAAAALXAAAAAAAAABE=", ""] {
        let (status, body) = app.get(&format!("{FEED}?after={cursor}"), Some(&key)).await;
        assert_problem(status, &body, 400, "feed.cursor_invalid");
    }
    // Well formed, but from the future: refused rather than waited on.
    let forged = efiling::domain::trial_feed::FeedCursor {
        txid: 1 << 62,
        id: 1,
    }
    .encode();
    let (status, body) = app.get(&format!("{FEED}?after={forged}"), Some(&key)).await;
    assert_problem(status, &body, 400, "feed.cursor_invalid");
    for limit in ["0", "501", "-3", "many"] {
        let (status, body) = app.get(&format!("{FEED}?limit={limit}"), Some(&key)).await;
        assert_problem(status, &body, 422, "validation.failed");
        assert_eq!(body["errors"][0]["field"], "limit", "{body}");
        assert_eq!(body["errors"][0]["code"], "feed.limit_invalid", "{body}");
    }
    let body = page(&app, &key, None, 500).await;
    assert_eq!(
        body,
        json!({"items": [], "next_cursor": null, "has_more": false})
    );
}

/// Writes a feed row about `filing` in `conn`'s transaction, marked with `by`.
fn write(conn: &mut PgConnection, filing: Uuid, by: &str) -> FeedRow {
    trial_feed::insert(
        conn,
        FeedEvent::FilingReviewed,
        filing,
        "鲁0102",
        &json!({ "written_by": by }),
        Utc::now(),
    )
    .unwrap()
}

fn writers(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i["written_by"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn rows_of_transactions_that_commit_out_of_order_are_neither_skipped_nor_repeated() {
    let app = TestApp::spawn().await;
    let key = trial_system_key(&app);
    let (_, filing, _, _) = submitted_civil_filing(&app, 807).await;
    let (read, cursor) = read_until(&app, &key, None, 100, |read| read.len() == 1).await;
    assert_eq!(read[0]["filing_id"], filing.as_str());
    let filing: Uuid = filing.parse().unwrap();
    let url = app.state.config.database_url.clone().unwrap();
    let mut a = PgConnection::establish(&url).unwrap();
    let mut b = PgConnection::establish(&url).unwrap();

    // A writes first and stays open; B writes after it and commits at once.
    AnsiTransactionManager::begin_transaction(&mut a).unwrap();
    let row_a = write(&mut a, filing, "A");
    let row_b = b
        .transaction(|b| QueryResult::Ok(write(b, filing, "B")))
        .unwrap();
    assert!(row_a.id < row_b.id && row_a.txid < row_b.txid);

    // B's row is committed, and a reader going by row id would take it and move past A's id
    // for good. The feed holds it back while A may still commit a row before it.
    let mut other = app.pool.get().unwrap();
    let committed = trial_feed::for_filing(&mut other, filing).unwrap();
    assert!(committed.iter().any(|row| row.id == row_b.id));
    assert!(!committed.iter().any(|row| row.id == row_a.id));
    drop(other);
    let held = page(&app, &key, cursor.as_deref(), 100).await;
    assert_eq!(held["items"], json!([]), "{held}");
    assert_eq!(held["next_cursor"].as_str(), cursor.as_deref());

    // Once A commits, the reader continuing from its cursor gets both, A's first.
    AnsiTransactionManager::commit_transaction(&mut a).unwrap();
    let (read, cursor) = read_until(&app, &key, cursor, 1, |read| read.len() >= 2).await;
    assert_eq!(writers(&read), ["A", "B"]);

    // The other way round: C takes its transaction id first but writes its row (and so
    // takes its row id) after D has written and committed. The feed follows the
    // transactions, not the row ids.
    let mut c = a;
    let mut d = b;
    AnsiTransactionManager::begin_transaction(&mut c).unwrap();
    diesel::sql_query("SELECT pg_current_xact_id()")
        .execute(&mut c)
        .unwrap();
    let row_d = d
        .transaction(|d| QueryResult::Ok(write(d, filing, "D")))
        .unwrap();
    let row_c = write(&mut c, filing, "C");
    assert!(row_c.id > row_d.id && row_c.txid < row_d.txid);
    let held = page(&app, &key, cursor.as_deref(), 100).await;
    assert_eq!(held["items"], json!([]), "{held}");
    AnsiTransactionManager::commit_transaction(&mut c).unwrap();
    let (read, cursor) = read_until(&app, &key, cursor, 100, |read| read.len() >= 2).await;
    assert_eq!(writers(&read), ["C", "D"]);

    // Nothing more, and nothing again.
    let rest = page(&app, &key, cursor.as_deref(), 100).await;
    assert_eq!(rest["items"], json!([]), "{rest}");
    assert_eq!(rest["has_more"], false);

    // A rolled-back transaction leaves no gap to wait for.
    AnsiTransactionManager::begin_transaction(&mut c).unwrap();
    write(&mut c, filing, "rolled back");
    AnsiTransactionManager::rollback_transaction(&mut c).unwrap();
    d.transaction(|d| QueryResult::Ok(write(d, filing, "E")))
        .unwrap();
    let (read, _) = read_until(&app, &key, cursor, 100, |read| !read.is_empty()).await;
    assert_eq!(writers(&read), ["E"]);
}
