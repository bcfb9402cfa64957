//! The court's side over HTTP: fee quotes, the review queue, review and docketing.

use diesel::Connection;
use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::{login, phone};
use crate::filings::{call, submitted_civil_filing};
use crate::support::{TestApp, assert_problem};
use efiling::services::staff::{self, StaffInput};

const JUDGE_PASSWORD: &str = "Judge-pass-2026";

/// A judge of `court` with a password of their own, logged in: the access token.
pub async fn judge_session(app: &TestApp, login_name: &str, court: &str) -> String {
    let judge = staff::prepare_staff(
        &StaffInput {
            role: "judge",
            login: login_name,
            name: "李法官",
            password: JUDGE_PASSWORD,
            court_code: Some(court),
        },
        false,
    )
    .unwrap();
    let mut conn = app.pool.get().unwrap();
    conn.transaction(|conn| staff::create_staff(conn, &judge, &staff::cli_actor()))
        .unwrap();
    drop(conn);
    let (status, session) = login(app, login_name, JUDGE_PASSWORD).await;
    assert_eq!(status, 201, "{session}");
    session["access_token"].as_str().unwrap().to_owned()
}

/// Has `judge` approve filing `id` and docket it with `docketing` as the body; returns the
/// docketing answer.
pub async fn approve_and_docket(app: &TestApp, judge: &str, id: &str, docketing: Value) -> Value {
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(judge),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{id}/docketing"),
            Some(judge),
            docketing,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

pub fn sms_templates_to(app: &TestApp, phone_number: &str) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    efiling::store::sms::list(&mut conn, Some(phone_number), 100)
        .unwrap()
        .into_iter()
        .map(|m| m.template)
        .collect()
}

#[actix_web::test]
async fn fee_quotes_follow_the_national_schedule() {
    let app = TestApp::spawn().await;
    let (status, quote) = app
        .get(
            "/api/v1/fee-quote?kind=civil_first_instance&amount=1000000.00",
            None,
        )
        .await;
    assert_eq!(status, 200, "{quote}");
    assert_eq!(quote["total_min"], "13800.00");
    assert_eq!(quote["total_max"], "13800.00");
    assert_eq!(quote["items"][0]["item"], "acceptance_fee");
    assert_eq!(quote["items"][0]["rule"], "property_scale");

    let (_, quote) = app
        .get(
            "/api/v1/fee-quote?kind=pre_litigation_preservation&amount=1000000",
            None,
        )
        .await;
    assert_eq!(quote["total_max"], "5000.00", "{quote}");

    let (_, quote) = app
        .get(
            "/api/v1/fee-quote?kind=civil_first_instance&category=divorce",
            None,
        )
        .await;
    assert_eq!(quote["total_min"], "50.00", "{quote}");
    assert_eq!(quote["total_max"], "300.00", "{quote}");

    let (status, body) = app
        .get(
            "/api/v1/fee-quote?kind=civil_first_instance&amount=12,000&procedure=fast",
            None,
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    let (status, body) = app
        .get("/api/v1/fee-quote?kind=state_compensation", None)
        .await;
    assert_problem(status, &body, 422, "validation.failed");
}

#[actix_web::test]
async fn a_judge_approves_and_dockets_a_filing_of_their_court_only() {
    let app = TestApp::spawn().await;
    let (party, id, plaintiff_id, _) = submitted_civil_filing(&app, 400).await;
    let judge = judge_session(&app, "judge.lixia", "鲁0102").await;
    let other_judge = judge_session(&app, "judge.shizhong", "鲁0103").await;

    let (status, queue) = app.get("/api/v1/review-queue", Some(&judge)).await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["id"], id.as_str());
    let (_, queue) = app.get("/api/v1/review-queue", Some(&other_judge)).await;
    assert_eq!(queue["total"], 0);
    let (status, body) = app
        .get(&format!("/api/v1/cases/{id}"), Some(&other_judge))
        .await;
    assert_problem(status, &body, 404, "filing.not_found");
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&other_judge),
            json!({"decision": "approve"}),
        )
        .await;
    assert_problem(status, &body, 404, "filing.not_found");
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&party),
            json!({"decision": "approve"}),
        )
        .await;
    assert_problem(status, &body, 403, "auth.forbidden");
    let (status, body) = app.get("/api/v1/review-queue", Some(&party)).await;
    assert_problem(status, &body, 403, "auth.forbidden");

    // The judge reads the filing and its materials.
    let (status, case) = app.get(&format!("/api/v1/cases/{id}"), Some(&judge)).await;
    assert_eq!(status, 200, "{case}");
    let material = case["materials"][0]["id"].as_str().unwrap();
    let response = app
        .client
        .get(app.url(&format!("/api/v1/materials/{material}/content")))
        .bearer_auth(&judge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (status, _) = app
        .get(&format!("/api/v1/materials/{material}"), Some(&other_judge))
        .await;
    assert_eq!(status, 404);

    // Docketing before approval is refused.
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{id}/docketing"),
            Some(&judge),
            json!({}),
        )
        .await;
    assert_problem(status, &body, 409, "filing.not_approved");

    let (status, approved) = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&judge),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["fee_orders"], json!([]));
    assert!(sms_templates_to(&app, &phone(400)).contains(&"filing_approved".to_owned()));

    // The proposal follows the amount in dispute (120,000 yuan: 2,700 yuan).
    let (status, docketed) = app
        .post(
            &format!("/api/v1/cases/{id}/docketing"),
            Some(&judge),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{docketed}");
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y")
        .to_string();
    assert_eq!(
        docketed["case"]["case_number"],
        format!("（{year}）鲁0102民初1号")
    );
    assert_eq!(docketed["case"]["status"], "awaiting_payment");
    let registration = docketed["case"]["registration_number"].as_str().unwrap();
    assert_eq!(registration.len(), 12);
    assert!(registration.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(docketed["fee_order"]["total"], "2700.00");
    assert_eq!(docketed["fee_order"]["status"], "awaiting_payment");
    assert_eq!(
        docketed["fee_order"]["payer_party_id"],
        plaintiff_id.as_str()
    );
    assert!(sms_templates_to(&app, &phone(400)).contains(&"payment_due".to_owned()));

    // The filer sees the case number and the fee order.
    let (_, mine) = app.get(&format!("/api/v1/cases/{id}"), Some(&party)).await;
    assert_eq!(mine["fee_orders"][0]["total"], "2700.00");
    let (_, overview) = app
        .get(
            "/api/v1/court/fee-orders?status=awaiting_payment",
            Some(&judge),
        )
        .await;
    assert_eq!(overview["total"], 1, "{overview}");
    let (_, overview) = app
        .get("/api/v1/court/fee-orders", Some(&other_judge))
        .await;
    assert_eq!(overview["total"], 0);

    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{id}/docketing"),
            Some(&judge),
            json!({}),
        )
        .await;
    assert_problem(status, &body, 409, "filing.already_docketed");
}

#[actix_web::test]
async fn a_rejection_needs_a_reason_and_tells_the_filer() {
    let app = TestApp::spawn().await;
    let (_, id, _, _) = submitted_civil_filing(&app, 401).await;
    let judge = judge_session(&app, "judge.reject", "鲁0102").await;
    let path = format!("/api/v1/cases/{id}/review");
    let (status, body) = app
        .post(&path, Some(&judge), json!({"decision": "reject"}))
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    let (status, body) = app
        .post(
            &path,
            Some(&judge),
            json!({"decision": "reject", "reason_code": "other"}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "reason");
    let (status, rejected) = app
        .post(
            &path,
            Some(&judge),
            json!({"decision": "reject", "reason_code": "materials_incomplete", "reason": "证据不全。", "materials_to_supplement": ["evidence"]}),
        )
        .await;
    assert_eq!(status, 200, "{rejected}");
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["rejection_reason"], "证据不全；请补充：证据材料");
    assert!(sms_templates_to(&app, &phone(401)).contains(&"filing_rejected".to_owned()));
    let (status, body) = app
        .post(&path, Some(&judge), json!({"decision": "approve"}))
        .await;
    assert_problem(status, &body, 409, "filing.not_awaiting_review");
}

#[actix_web::test]
async fn docketing_refuses_a_defendant_as_payer_and_records_overrides() {
    let app = TestApp::spawn().await;
    let (_, id, _, defendant_id) = submitted_civil_filing(&app, 402).await;
    let judge = judge_session(&app, "judge.payer", "鲁0102").await;
    app.post(
        &format!("/api/v1/cases/{id}/review"),
        Some(&judge),
        json!({"decision": "approve"}),
    )
    .await;
    let path = format!("/api/v1/cases/{id}/docketing");
    let (status, body) = app
        .post(&path, Some(&judge), json!({"payer_party_id": defendant_id}))
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "payer_party_id");
    assert_eq!(body["errors"][0]["code"], "payer.not_plaintiff");

    // A fee other than the proposal needs a reason.
    let items = json!([{"item": "acceptance_fee", "amount": "1350.00"}]);
    let (status, body) = app
        .post(&path, Some(&judge), json!({"fee_items": items}))
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "fee.override_reason_required");
    let (status, body) = app
        .post(&path, Some(&judge), json!({"fee_items": items, "override_reason": "适用简易程序，减半收取", "notice_days": 10}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["fee_order"]["total"], "1350.00");
    assert_eq!(
        body["fee_order"]["override_reason"],
        "适用简易程序，减半收取"
    );
}

#[actix_web::test]
async fn concurrent_dockets_get_consecutive_numbers() {
    let app = TestApp::spawn_with(|config| efiling::config::Config {
        db_pool_size: 12,
        ..config
    })
    .await;
    let (party, first, _, _) = submitted_civil_filing(&app, 403).await;
    let judge = judge_session(&app, "judge.busy", "鲁0102").await;
    // 49 more approved filings of the same account, copied from the first.
    let mut ids = vec![first.clone()];
    {
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        diesel::sql_query("UPDATE filings SET status = 'approved' WHERE id = $1::uuid")
            .bind::<diesel::sql_types::Text, _>(&first)
            .execute(&mut conn)
            .unwrap();
        for n in 0..49 {
            let id = uuid::Uuid::new_v4().to_string();
            diesel::sql_query(
                "INSERT INTO filings (id, filer_account_id, kind, court_code, status, content,
                     filing_reference, first_submitted_at, submitted_at)
                 SELECT $1::uuid, filer_account_id, kind, court_code, 'approved', content,
                     filing_reference || '-' || $2, now(), now()
                 FROM filings WHERE id = $3::uuid",
            )
            .bind::<diesel::sql_types::Text, _>(&id)
            .bind::<diesel::sql_types::Text, _>(n.to_string())
            .bind::<diesel::sql_types::Text, _>(&first)
            .execute(&mut conn)
            .unwrap();
            ids.push(id);
        }
    }
    let body = json!({"fee_items": [], "override_reason": "司法救助，免交诉讼费"});
    let dockets = ids.iter().map(|id| {
        let path = format!("/api/v1/cases/{id}/docketing");
        let body = body.clone();
        let app = &app;
        let judge = judge.clone();
        async move { call(app, Method::POST, &path, &judge, Some(body), None, None).await }
    });
    let answers = futures_util::future::join_all(dockets).await;
    let mut sequences: Vec<u32> = answers
        .iter()
        .map(|(status, _, body)| {
            assert_eq!(*status, 200, "{body}");
            assert_eq!(body["case"]["status"], "accepted");
            let number = body["case"]["case_number"].as_str().unwrap();
            number
                .split("民初")
                .nth(1)
                .unwrap()
                .trim_end_matches('号')
                .parse()
                .unwrap()
        })
        .collect();
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=50).collect::<Vec<u32>>());
    let registrations: std::collections::HashSet<Value> = answers
        .iter()
        .map(|(_, _, body)| body["case"]["registration_number"].clone())
        .collect();
    assert_eq!(registrations.len(), 50);
    let (_, list) = app
        .get("/api/v1/cases?status=accepted&page_size=100", Some(&party))
        .await;
    assert_eq!(list["total"], 50);
}

#[actix_web::test]
async fn numbers_registered_at_the_counter_are_never_handed_out() {
    let app = TestApp::spawn().await;
    let (_, id, _, _) = submitted_civil_filing(&app, 404).await;
    let judge = judge_session(&app, "judge.counter", "鲁0102").await;
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y")
        .to_string();
    let year_number: i16 = year.parse().unwrap();
    {
        let mut conn = app.pool.get().unwrap();
        for sequence in [1, 2] {
            efiling::store::case_numbers::record(
                &mut conn,
                &format!("（{year}）鲁0102民初{sequence}号"),
                efiling::store::case_numbers::SequenceKey {
                    court_code: "鲁0102",
                    year: year_number,
                    type_code: "民初",
                },
                sequence,
                efiling::store::case_numbers::Source::TrialSystem,
                None,
            )
            .unwrap();
        }
    }
    app.post(
        &format!("/api/v1/cases/{id}/review"),
        Some(&judge),
        json!({"decision": "approve"}),
    )
    .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/cases/{id}/docketing"),
            Some(&judge),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["case"]["case_number"],
        format!("（{year}）鲁0102民初3号")
    );
}

#[actix_web::test]
async fn an_expired_notice_is_replaced_by_a_new_one() {
    let app = TestApp::spawn().await;
    let (party, id, _, _) = submitted_civil_filing(&app, 405).await;
    let judge = judge_session(&app, "judge.expiry", "鲁0102").await;
    app.post(
        &format!("/api/v1/cases/{id}/review"),
        Some(&judge),
        json!({"decision": "approve"}),
    )
    .await;
    let (_, docketed) = app
        .post(
            &format!("/api/v1/cases/{id}/docketing"),
            Some(&judge),
            json!({"notice_days": 1}),
        )
        .await;
    let order = docketed["fee_order"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/fee-orders/{order}/reissue");
    let (status, body) = app.post(&path, Some(&judge), json!({})).await;
    assert_problem(status, &body, 409, "fee_order.not_expired");

    // The notice runs out; the job marks it expired.
    {
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        diesel::sql_query(
            "UPDATE fee_orders SET expires_at = now() - interval '1 minute' WHERE id = $1::uuid",
        )
        .bind::<diesel::sql_types::Text, _>(&order)
        .execute(&mut conn)
        .unwrap();
    }
    app.run_jobs().await;
    let (_, mine) = app.get(&format!("/api/v1/cases/{id}"), Some(&party)).await;
    assert_eq!(mine["fee_orders"][0]["status"], "expired");

    let other_judge = judge_session(&app, "judge.elsewhere", "鲁0103").await;
    let (status, body) = app.post(&path, Some(&other_judge), json!({})).await;
    assert_problem(status, &body, 404, "fee_order.not_found");
    let (status, body) = app
        .post(&path, Some(&judge), json!({"notice_days": 40}))
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    let (status, renewed) = app
        .post(&path, Some(&judge), json!({"notice_days": 5}))
        .await;
    assert_eq!(status, 201, "{renewed}");
    assert_eq!(renewed["status"], "awaiting_payment");
    assert_eq!(renewed["total"], docketed["fee_order"]["total"]);
    assert_ne!(
        renewed["order_number"],
        docketed["fee_order"]["order_number"]
    );
    let (status, body) = app.post(&path, Some(&judge), json!({})).await;
    assert_problem(status, &body, 409, "fee_order.replaced");
    assert_eq!(body["replaced_by"], renewed["id"]);
    let (_, mine) = app.get(&format!("/api/v1/cases/{id}"), Some(&party)).await;
    assert_eq!(mine["fee_orders"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn fees_that_depart_from_the_filing_need_a_reason_and_a_case_is_docketed_once() {
    let app = TestApp::spawn().await;
    let (_, id, _, _) = submitted_civil_filing(&app, 406).await;
    let judge = judge_session(&app, "judge.departs", "鲁0102").await;
    let review = format!("/api/v1/cases/{id}/review");
    // Reasons belong to rejections.
    let (status, body) = app
        .post(
            &review,
            Some(&judge),
            json!({"decision": "approve", "reason_code": "other", "reason": "好"}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["reason_code", "reason"]);
    let (status, _) = app
        .post(&review, Some(&judge), json!({"decision": "approve"}))
        .await;
    assert_eq!(status, 200);

    let path = format!("/api/v1/cases/{id}/docketing");
    // The same item twice would double the fee.
    let twice = json!([
        {"item": "acceptance_fee", "amount": "2700.00"},
        {"item": "acceptance_fee", "amount": "2700.00"}
    ]);
    let (status, body) = app
        .post(
            &path,
            Some(&judge),
            json!({"fee_items": twice, "override_reason": "重复"}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "fee_items.1.item");
    assert_eq!(body["errors"][0]["code"], "fee.item_repeated");
    // A fee the schedule does not name for this kind of case is refused, reason or not.
    let (status, body) = app
        .post(
            &path,
            Some(&judge),
            json!({"fee_items": [{"item": "appeal_fee", "amount": "50"}], "override_reason": "x"}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["field"], "fee_items.0.item");
    assert_eq!(body["errors"][0]["code"], "fee.item_not_applicable");
    // A lower amount than the filing states departs from its proposal too.
    let (status, body) = app
        .post(&path, Some(&judge), json!({"quote": {"amount": "1"}}))
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "fee.override_reason_required");
    let (status, body) = app
        .post(
            &path,
            Some(&judge),
            json!({"quote": {"amount": "1"}, "override_reason": "理".repeat(501)}),
        )
        .await;
    assert_problem(status, &body, 422, "validation.failed");
    assert_eq!(body["errors"][0]["code"], "text.too_long");

    // An empty POST dockets with the proposal; a second docketing says it was done.
    let response = app
        .client
        .post(app.url(&path))
        .bearer_auth(&judge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let docketed: Value = response.json().await.unwrap();
    assert_eq!(docketed["fee_order"]["total"], "2700.00");
    let (status, body) = app.post(&path, Some(&judge), json!({})).await;
    assert_problem(status, &body, 409, "filing.already_docketed");
}
