//! Paying fee orders over HTTP with the payment-platform simulators: channels, payments,
//! notifications delivered twice, out of order, forged or for the wrong amount, the status
//! query, expiry, and refunds.

use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::{Value, json};

use crate::accounts::phone;
use crate::court::{approve_and_docket, judge_session, sms_templates_to};
use crate::filings::submitted_civil_filing_at;
use crate::support::{TestApp, assert_problem};

/// A filing of party `n` at `court`, approved and docketed by a new judge with `docketing`
/// as the body: (party token, judge token, filing id, fee order).
pub async fn docketed(
    app: &TestApp,
    n: u32,
    court: &str,
    docketing: Value,
) -> (String, String, String, Value) {
    let (party, id, _, _) = submitted_civil_filing_at(app, n, court).await;
    let judge = judge_session(app, &format!("judge.pay{n}"), court).await;
    let body = approve_and_docket(app, &judge, &id, docketing).await;
    (party, judge, id, body["fee_order"].clone())
}

/// Docketing with a fee set by the judge.
pub fn with_fee(amount: &str) -> Value {
    json!({
        "fee_items": [{"item": "acceptance_fee", "amount": amount}],
        "override_reason": "按审理需要确定",
    })
}

pub async fn pay(app: &TestApp, party: &str, order: &str, body: Value) -> (u16, Value) {
    app.post(
        &format!("/api/v1/fee-orders/{order}/payments"),
        Some(party),
        body,
    )
    .await
}

/// Tells the simulator what the payer did.
pub async fn simulate(app: &TestApp, platform: &str, payment: &str, body: Value) -> Value {
    let response = app
        .client
        .post(app.url(&format!(
            "/dev/payment-simulator/{platform}/payments/{payment}"
        )))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn deliver_held(app: &TestApp, platform: &str, body: Value) -> Value {
    let response = app
        .client
        .post(app.url(&format!(
            "/dev/payment-simulator/{platform}/held-notifications/delivery"
        )))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Delivers a notification body with a signature, as a platform would.
async fn notify(app: &TestApp, platform: &str, body: &str, signature: Option<&str>) -> String {
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/payment-notifications/{platform}")))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("X-Signature", signature);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

fn notification_outcomes(app: &TestApp, order: &str) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    let id = order.parse().unwrap();
    efiling::store::payments::notifications_for_order(&mut conn, id)
        .unwrap()
        .into_iter()
        .map(|n| n.outcome)
        .collect()
}

fn execute(app: &TestApp, sql: &str, value: &str) {
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(sql)
        .bind::<Text, _>(value)
        .execute(&mut conn)
        .unwrap();
}

#[actix_web::test]
async fn a_docketed_order_is_paid_once_whatever_the_notifications_do() {
    let app = TestApp::spawn().await;
    let (party, judge, case, order) = docketed(&app, 701, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();
    assert_eq!(order["total"], "2700.00");

    // The account's list of what is to be paid.
    let (status, list) = app
        .get("/api/v1/fee-orders?status=awaiting_payment", Some(&party))
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    let item = &list["items"][0];
    assert_eq!(item["id"], order["id"]);
    assert_eq!(item["court_name"], "济南市历下区人民法院");
    assert!(
        item["case_number"]
            .as_str()
            .is_some_and(|n| n.contains("鲁0102民初")),
        "{item}"
    );
    assert_eq!(item["payer_name"], "张三");

    let (status, channels) = app
        .get(
            &format!("/api/v1/fee-orders/{order_id}/channels"),
            Some(&party),
        )
        .await;
    assert_eq!(status, 200, "{channels}");
    assert_eq!(channels["platform"], "provincial");
    let names: Vec<&str> = channels["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["channel"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["wechat_pay", "alipay", "corporate_banking", "unionpay"]
    );

    let (status, payment) = pay(&app, &party, order_id, json!({"channel": "wechat_pay"})).await;
    assert_eq!(status, 201, "{payment}");
    assert_eq!(payment["status"], "started");
    assert_eq!(payment["amount"], "2700.00");
    assert!(payment["qr_code"].as_str().is_some(), "{payment}");
    let payment_id = payment["id"].as_str().unwrap();

    // The platform sends "in progress" then "paid"; they arrive reversed, each twice.
    simulate(
        &app,
        "provincial",
        payment_id,
        json!({"outcome": "awaiting_approval", "delivery": "hold"}),
    )
    .await;
    simulate(
        &app,
        "provincial",
        payment_id,
        json!({"outcome": "paid", "delivery": "hold"}),
    )
    .await;
    let delivered =
        deliver_held(&app, "provincial", json!({"order": "reversed", "times": 2})).await;
    let acks: Vec<&str> = delivered["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["body"].as_str().unwrap())
        .collect();
    assert_eq!(acks, [r#"{"code":"SUCCESS"}"#; 4]);
    assert_eq!(
        notification_outcomes(&app, order_id),
        ["applied", "duplicate", "stale", "duplicate"]
    );

    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "paid_awaiting_settlement", "{detail}");
    assert_eq!(detail["channel"], "wechat_pay");
    assert!(detail["paid_at"].is_string());
    assert_eq!(detail["payments"][0]["status"], "paid");
    assert!(detail["payments"][0]["transaction_id"].is_string());
    assert!(detail["payments"][0]["voucher_url"].is_string());
    let (_, filing) = app
        .get(&format!("/api/v1/cases/{case}"), Some(&party))
        .await;
    assert_eq!(filing["status"], "paid_awaiting_settlement");
    let received = sms_templates_to(&app, &phone(701))
        .into_iter()
        .filter(|t| t == "payment_received")
        .count();
    assert_eq!(received, 1);

    // Paid is paid: no second payment.
    let (status, body) = pay(&app, &party, order_id, json!({"channel": "alipay"})).await;
    assert_problem(status, &body, 409, "fee_order.already_paid");

    // The judge sees how and when it was paid.
    let (_, overview) = app.get("/api/v1/court/fee-orders", Some(&judge)).await;
    assert_eq!(overview["items"][0]["status"], "paid_awaiting_settlement");
    assert_eq!(overview["items"][0]["channel"], "wechat_pay");
    assert!(overview["items"][0]["paid_at"].is_string());
}

#[actix_web::test]
async fn forged_and_wrong_amount_notifications_change_nothing() {
    let app = TestApp::spawn().await;
    let (party, _, _, order) = docketed(&app, 702, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();

    // A platform reporting another amount never marks the order paid.
    let (_, first) = pay(&app, &party, order_id, json!({"channel": "alipay"})).await;
    let answer = simulate(
        &app,
        "provincial",
        first["id"].as_str().unwrap(),
        json!({"outcome": "paid", "amount": "27.00"}),
    )
    .await;
    assert_eq!(answer["deliveries"][0]["body"], r#"{"code":"SUCCESS"}"#);
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "awaiting_payment");
    assert_eq!(detail["payments"][0]["status"], "started");

    // A notification that is not signed by the platform changes nothing either.
    let (_, second) = pay(&app, &party, order_id, json!({"channel": "unionpay"})).await;
    let made = simulate(
        &app,
        "provincial",
        second["id"].as_str().unwrap(),
        json!({"outcome": "paid", "delivery": "none"}),
    )
    .await;
    let body = made["notification"]["body"].as_str().unwrap();
    let signature = made["notification"]["signature"].as_str().unwrap();
    let forged_signature = format!("{}00", &signature[..signature.len() - 2]);
    for (body, signature) in [
        (body, Some(forged_signature.as_str())),
        (body, None),
        (body, Some("not hex")),
    ] {
        assert_eq!(
            notify(&app, "provincial", body, signature).await,
            r#"{"code":"FAIL"}"#
        );
    }
    // Another platform's endpoint does not take it either.
    assert_eq!(notify(&app, "qingdao", body, Some(signature)).await, "fail");
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "awaiting_payment");
    assert_eq!(
        notification_outcomes(&app, order_id),
        ["amount_mismatch"],
        "unsigned notifications are kept without a payment"
    );
    let admin = crate::accounts::admin_session(&app).await;
    let (_, reviews) = app.get("/api/v1/admin/payment-reviews", Some(&admin)).await;
    assert_eq!(reviews["notifications"][0]["outcome"], "amount_mismatch");
    assert_eq!(reviews["notifications"][0]["payment_id"], first["id"]);

    // The genuine one, delivered late, is applied.
    assert_eq!(
        notify(&app, "provincial", body, Some(signature)).await,
        r#"{"code":"SUCCESS"}"#
    );
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "paid_awaiting_settlement");
    assert_eq!(detail["channel"], "unionpay");
}

#[actix_web::test]
async fn an_expired_notice_refuses_payment_and_late_money_is_kept_for_review() {
    let app = TestApp::spawn().await;
    let (party, _, case, order) = docketed(&app, 703, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();
    let (status, started) = pay(&app, &party, order_id, json!({"channel": "wechat_pay"})).await;
    assert_eq!(status, 201, "{started}");

    execute(
        &app,
        "UPDATE fee_orders SET expires_at = now() - interval '1 minute' WHERE id = $1::uuid",
        order_id,
    );
    let (status, body) = pay(&app, &party, order_id, json!({"channel": "alipay"})).await;
    assert_problem(status, &body, 409, "fee_order.notice_expired");
    assert!(body["expired_at"].is_string(), "{body}");

    // The payer of the earlier attempt pays anyway: the money is recorded for a refund
    // review, and the order is not revived.
    simulate(
        &app,
        "provincial",
        started["id"].as_str().unwrap(),
        json!({"outcome": "paid"}),
    )
    .await;
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "paid_after_expiry", "{detail}");
    assert_eq!(detail["payments"][0]["review_reason"], "after_expiry");
    let (_, filing) = app
        .get(&format!("/api/v1/cases/{case}"), Some(&party))
        .await;
    assert_eq!(filing["status"], "awaiting_payment");
    assert_eq!(notification_outcomes(&app, order_id), ["after_expiry"]);

    // Staff see the money that waits for a decision.
    let admin = crate::accounts::admin_session(&app).await;
    let (status, reviews) = app.get("/api/v1/admin/payment-reviews", Some(&admin)).await;
    assert_eq!(status, 200, "{reviews}");
    assert_eq!(reviews["payments"][0]["id"], started["id"]);
    assert_eq!(reviews["payments"][0]["review_reason"], "after_expiry");
    let (status, problem) = app.get("/api/v1/admin/payment-reviews", Some(&party)).await;
    assert_problem(status, &problem, 403, "auth.forbidden");

    // The payer is told, cannot pay the dead notice again, and the court issues a new one.
    assert!(sms_templates_to(&app, &phone(703)).contains(&"payment_after_expiry".to_owned()));
    let (status, body) = pay(&app, &party, order_id, json!({"channel": "alipay"})).await;
    assert_problem(status, &body, 409, "fee_order.notice_expired");
    let judge = judge_session(&app, "judge.late", "鲁0102").await;
    let (status, renewed) = app
        .post(
            &format!("/api/v1/fee-orders/{order_id}/reissue"),
            Some(&judge),
            json!({}),
        )
        .await;
    assert_eq!(status, 201, "{renewed}");
    let (status, _) = pay(
        &app,
        &party,
        renewed["id"].as_str().unwrap(),
        json!({"channel": "alipay"}),
    )
    .await;
    assert_eq!(status, 201);
}

#[actix_web::test]
async fn money_paid_in_time_counts_even_when_its_notification_comes_after_expiry() {
    let app = TestApp::spawn().await;
    let (party, _, case, order) = docketed(&app, 719, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();
    let (_, payment) = pay(&app, &party, order_id, json!({"channel": "wechat_pay"})).await;
    let made = simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid", "delivery": "none"}),
    )
    .await;
    // The notice runs out a moment after the payer paid; the expiry job marks it first.
    execute(
        &app,
        "UPDATE fee_orders SET expires_at = now() + interval '1 second' WHERE id = $1::uuid",
        order_id,
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    {
        let mut conn = app.pool.get().unwrap();
        efiling::jobs::fee_orders::expire_due(&mut conn).unwrap();
    }
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "expired");
    let body = made["notification"]["body"].as_str().unwrap();
    let signature = made["notification"]["signature"].as_str().unwrap();
    notify(&app, "provincial", body, Some(signature)).await;
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "paid_awaiting_settlement", "{detail}");
    assert!(detail["payments"][0]["review_reason"].is_null());
    let (_, filing) = app
        .get(&format!("/api/v1/cases/{case}"), Some(&party))
        .await;
    assert_eq!(filing["status"], "paid_awaiting_settlement");
}

#[actix_web::test]
async fn channels_follow_the_amount_the_finance_bureau_and_the_jurisdiction() {
    let app = TestApp::spawn().await;
    let (large_party, _, _, large) = docketed(&app, 704, "鲁0102", with_fee("250000.00")).await;
    let (small_party, _, _, small) = docketed(&app, 705, "鲁0102", with_fee("2300.00")).await;
    execute(
        &app,
        "INSERT INTO finance_bureau_banks (city, bank, available) VALUES ($1, 'cmb', false)",
        "济南市",
    );

    let large_id = large["id"].as_str().unwrap();
    let (_, channels) = app
        .get(
            &format!("/api/v1/fee-orders/{large_id}/channels"),
            Some(&large_party),
        )
        .await;
    let personal = channels["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "personal_banking")
        .expect("personal banking above 200,000 yuan")
        .clone();
    let banks: Vec<(&str, bool)> = personal["banks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["bank"].as_str().unwrap(),
                b["available"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        banks,
        [
            ("icbc", true),
            ("abc", true),
            ("boc", true),
            ("ccb", true),
            ("cmb", false),
            ("psbc", true),
            ("citic", true)
        ]
    );
    for (body, code) in [
        (
            json!({"channel": "personal_banking", "bank": "cmb"}),
            "payment.bank_unavailable",
        ),
        (
            json!({"channel": "personal_banking"}),
            "payment.bank_required",
        ),
        (
            json!({"channel": "wechat_pay", "bank": "icbc"}),
            "payment.bank_not_expected",
        ),
        (json!({"channel": "bitcoin"}), "payment.channel_unknown"),
        (
            json!({"channel": "personal_banking", "bank": "xyz"}),
            "payment.bank_unknown",
        ),
        (
            json!({"channel": "alipay", "bank": "xyz"}),
            "payment.bank_not_expected",
        ),
        (
            json!({"channel": "online_banking", "bank": "bocom"}),
            "payment.channel_unavailable",
        ),
    ] {
        let (status, problem) = pay(&app, &large_party, large_id, body.clone()).await;
        assert_problem(status, &problem, 422, code);
    }
    let (status, payment) = pay(
        &app,
        &large_party,
        large_id,
        json!({"channel": "personal_banking", "bank": "icbc"}),
    )
    .await;
    assert_eq!(status, 201, "{payment}");
    assert_eq!(payment["bank"], "icbc");

    let small_id = small["id"].as_str().unwrap();
    let (_, channels) = app
        .get(
            &format!("/api/v1/fee-orders/{small_id}/channels"),
            Some(&small_party),
        )
        .await;
    assert_eq!(channels["channels"].as_array().unwrap().len(), 4);
    let (status, problem) = pay(
        &app,
        &small_party,
        small_id,
        json!({"channel": "personal_banking", "bank": "icbc"}),
    )
    .await;
    assert_problem(status, &problem, 422, "payment.channel_unavailable");

    // Another account's order is not found.
    let (status, problem) = app
        .get(
            &format!("/api/v1/fee-orders/{small_id}/channels"),
            Some(&large_party),
        )
        .await;
    assert_problem(status, &problem, 404, "fee_order.not_found");

    // Qingdao's courts pay through their own platform.
    let (party, _, _, order) = docketed(&app, 706, "鲁0203", json!({})).await;
    let order_id = order["id"].as_str().unwrap();
    let (_, channels) = app
        .get(
            &format!("/api/v1/fee-orders/{order_id}/channels"),
            Some(&party),
        )
        .await;
    assert_eq!(channels["platform"], "qingdao");
    let names: Vec<&str> = channels["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["channel"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alipay", "wechat_pay", "online_banking"]);
    let banks: Vec<&str> = channels["channels"][2]["banks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bank"].as_str().unwrap())
        .collect();
    assert_eq!(banks, ["icbc", "bocom", "ccb", "abc", "boc"]);
    let (status, problem) = pay(&app, &party, order_id, json!({"channel": "unionpay"})).await;
    assert_problem(status, &problem, 422, "payment.channel_unavailable");
    let (status, problem) = pay(
        &app,
        &party,
        order_id,
        json!({"channel": "online_banking", "bank": "cmb"}),
    )
    .await;
    assert_problem(status, &problem, 422, "payment.bank_unknown");
    let (status, payment) = pay(
        &app,
        &party,
        order_id,
        json!({"channel": "online_banking", "bank": "bocom"}),
    )
    .await;
    assert_eq!(status, 201, "{payment}");
    assert_eq!(payment["platform"], "qingdao");
    assert!(payment["platform_order_id"].is_string());
    let answer = simulate(
        &app,
        "qingdao",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid"}),
    )
    .await;
    assert_eq!(answer["deliveries"][0]["body"], "success");
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "paid_awaiting_settlement");
}

#[actix_web::test]
async fn refunds_never_exceed_what_was_paid() {
    let app = TestApp::spawn_with(|config| efiling::config::Config {
        db_pool_size: 12,
        ..config
    })
    .await;
    let (party, judge, _, order) = docketed(&app, 707, "鲁0102", with_fee("50.00")).await;
    let order_id = order["id"].as_str().unwrap();
    let refund_path = format!("/api/v1/fee-orders/{order_id}/refunds");

    let (status, body) = app
        .post(
            &refund_path,
            Some(&judge),
            json!({"amount": "30.00", "reason": "撤诉"}),
        )
        .await;
    assert_problem(status, &body, 409, "fee_order.not_paid");

    let (_, payment) = pay(&app, &party, order_id, json!({"channel": "alipay"})).await;
    simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid"}),
    )
    .await;

    let (status, body) = app
        .post(
            &refund_path,
            Some(&party),
            json!({"amount": "30.00", "reason": "撤诉"}),
        )
        .await;
    assert_problem(status, &body, 403, "auth.forbidden");
    let other_judge = judge_session(&app, "judge.refund.other", "鲁0103").await;
    let (status, body) = app
        .post(
            &refund_path,
            Some(&other_judge),
            json!({"amount": "30.00", "reason": "撤诉"}),
        )
        .await;
    assert_problem(status, &body, 404, "fee_order.not_found");
    for (body, code) in [
        (
            json!({"amount": "0.00", "reason": "撤诉"}),
            "refund.amount_invalid",
        ),
        (
            json!({"amount": "-1", "reason": "撤诉"}),
            "refund.amount_invalid",
        ),
        (
            json!({"amount": "1.001", "reason": "撤诉"}),
            "refund.amount_invalid",
        ),
        (
            json!({"amount": "1.00", "reason": "  "}),
            "refund.reason_required",
        ),
        (
            json!({"amount": "1.00", "reason": "理".repeat(501)}),
            "validation.failed",
        ),
    ] {
        let (status, problem) = app.post(&refund_path, Some(&judge), body).await;
        assert_problem(status, &problem, 422, code);
    }

    let (status, first) = app
        .post(
            &refund_path,
            Some(&judge),
            json!({"amount": "30.00", "reason": "撤诉，退还部分"}),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["status"], "succeeded");
    assert_eq!(first["refundee_name"], "张三");
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "partially_refunded");
    assert_eq!(detail["refunded"], "30.00");

    let (status, second) = app
        .post(
            &refund_path,
            Some(&judge),
            json!({"amount": "20.00", "reason": "余额退还"}),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["status"], "succeeded");
    let (status, body) = app
        .post(
            &refund_path,
            Some(&judge),
            json!({"amount": "0.01", "reason": "多退"}),
        )
        .await;
    assert_problem(status, &body, 422, "refund.exceeds_paid");
    assert_eq!(body["refundable"], "0.00");
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "refunded");
    assert_eq!(detail["refunds"].as_array().unwrap().len(), 2);
    let refund_sms = sms_templates_to(&app, &phone(707))
        .into_iter()
        .filter(|t| t == "refund_made")
        .count();
    assert_eq!(refund_sms, 2);

    // Ten concurrent refunds of 10.00 of a 50.00 payment: exactly five succeed.
    let (party, judge, _, order) = docketed(&app, 708, "鲁0102", with_fee("50.00")).await;
    let order_id = order["id"].as_str().unwrap().to_owned();
    let (_, payment) = pay(&app, &party, &order_id, json!({"channel": "alipay"})).await;
    simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid"}),
    )
    .await;
    let path = format!("/api/v1/fee-orders/{order_id}/refunds");
    let attempts = (0..10).map(|_| {
        app.post(
            &path,
            Some(&judge),
            json!({"amount": "10.00", "reason": "并发退费"}),
        )
    });
    let results = futures_util::future::join_all(attempts).await;
    let succeeded = results.iter().filter(|(status, _)| *status == 201).count();
    let refused = results
        .iter()
        .filter(|(status, body)| *status == 422 && body["code"] == "refund.exceeds_paid")
        .count();
    assert_eq!((succeeded, refused), (5, 5), "{results:?}");
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["refunded"], "50.00");
    assert_eq!(detail["status"], "refunded");
}

#[actix_web::test]
async fn a_payer_no_longer_on_the_filer_side_cannot_pay() {
    let app = TestApp::spawn().await;
    let (party, _, _, order) = docketed(&app, 709, "鲁0102", json!({})).await;
    execute(
        &app,
        "UPDATE filing_parties SET role = 'defendant' WHERE id = $1::uuid",
        order["payer_party_id"].as_str().unwrap(),
    );
    let (status, body) = pay(
        &app,
        &party,
        order["id"].as_str().unwrap(),
        json!({"channel": "wechat_pay"}),
    )
    .await;
    assert_problem(status, &body, 422, "payer.not_plaintiff");
}

#[actix_web::test]
async fn a_payment_whose_notification_never_comes_is_found_by_the_status_query() {
    let app = TestApp::spawn_with(|config| efiling::config::Config {
        payment_query_after_seconds: 0,
        ..config
    })
    .await;
    let (party, _, _, order) = docketed(&app, 710, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();

    // The same Idempotency-Key gives the same payment, not a second one.
    let send = || {
        app.client
            .post(app.url(&format!("/api/v1/fee-orders/{order_id}/payments")))
            .bearer_auth(&party)
            .header("Idempotency-Key", "pay-710-1")
            .json(&json!({"channel": "corporate_banking"}))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);

    // The corporate payment waits for its second approver; no notification is sent.
    let payment = first["id"].as_str().unwrap();
    simulate(
        &app,
        "provincial",
        payment,
        json!({"outcome": "awaiting_approval", "delivery": "none"}),
    )
    .await;
    app.run_jobs().await;
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "payment_in_progress", "{detail}");
    assert_eq!(detail["payments"].as_array().unwrap().len(), 1);
    // While the approver waits, the notice may run out: no new payment then.
    execute(
        &app,
        "UPDATE fee_orders SET expires_at = now() - interval '1 minute' WHERE id = $1::uuid",
        order_id,
    );
    let (status, body) = pay(&app, &party, order_id, json!({"channel": "wechat_pay"})).await;
    assert_problem(status, &body, 409, "fee_order.notice_expired");
    execute(
        &app,
        "UPDATE fee_orders SET expires_at = now() + interval '3 days' WHERE id = $1::uuid",
        order_id,
    );

    // Days later the approver signs; the notification is lost, the query finds it.
    let lost = simulate(
        &app,
        "provincial",
        payment,
        json!({"outcome": "paid", "delivery": "none"}),
    )
    .await;
    app.run_jobs().await;
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "paid_awaiting_settlement", "{detail}");
    assert_eq!(
        notification_outcomes(&app, order_id),
        ["applied", "applied"]
    );
    assert!(detail["payments"][0]["voucher_url"].is_null());

    // The lost notification arrives after all: it changes nothing but brings the voucher.
    notify(
        &app,
        "provincial",
        lost["notification"]["body"].as_str().unwrap(),
        lost["notification"]["signature"].as_str(),
    )
    .await;
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "paid_awaiting_settlement");
    assert!(detail["payments"][0]["voucher_url"].is_string(), "{detail}");

    // A payment the platform reports with another amount is kept for a person and is no
    // longer asked about.
    let (party, _, _, order) = docketed(&app, 720, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();
    let (_, payment) = pay(&app, &party, order_id, json!({"channel": "alipay"})).await;
    simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid", "amount": "1.00", "delivery": "none"}),
    )
    .await;
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(notification_outcomes(&app, order_id), ["amount_mismatch"]);
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "awaiting_payment");
    assert_eq!(detail["payments"][0]["review_reason"], "amount_mismatch");
}

#[actix_web::test]
async fn reconciliation_settles_what_the_statement_confirms_and_lists_the_rest() {
    use efiling::domain::calendar::shanghai_date;
    use efiling::domain::payment::Platform;
    use efiling::integrations::payment_platform::StatementLine;

    let app = TestApp::spawn().await;
    let admin = crate::accounts::admin_session(&app).await;
    let today = shanghai_date(chrono::Utc::now());
    let simulator = app
        .state
        .integrations
        .payments
        .simulator(Platform::Provincial)
        .unwrap()
        .clone();

    // Three orders paid today by WeChat Pay; the statement leaves one out and reports
    // another with a different amount; it also lists money we never saw.
    let mut orders = Vec::new();
    let mut payments = Vec::new();
    for n in 711..714 {
        let (party, _, case, order) = docketed(&app, n, "鲁0102", json!({})).await;
        let order_id = order["id"].as_str().unwrap().to_owned();
        let (_, payment) = pay(&app, &party, &order_id, json!({"channel": "wechat_pay"})).await;
        let payment_id = payment["id"].as_str().unwrap().to_owned();
        simulate(&app, "provincial", &payment_id, json!({"outcome": "paid"})).await;
        orders.push((party, case, order_id));
        payments.push(payment_id.replace('-', ""));
    }
    simulator.omit_from_statements(&payments[1]);
    simulator.omit_from_statements(&payments[2]);
    let line = |no: &str, amount: &str| StatementLine {
        merchant_order_no: no.to_owned(),
        transaction_id: format!("TX-{no}"),
        amount: efiling::domain::money::Money::parse(amount).unwrap(),
        paid_at: chrono::Utc::now(),
    };
    simulator.add_statement_line(today, line(&payments[2], "2699.00"));
    simulator.add_statement_line(today, line("ffffffffffffffffffffffffffffffff", "88.00"));

    let (status, body) = app
        .post(
            "/api/v1/reconciliation-reports",
            Some(&admin),
            json!({"date": today.to_string(), "platform": "provincial"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let report = &body["reports"][0];
    assert_eq!(report["platform"], "provincial");
    assert_eq!(report["statement_lines"], 3);
    assert_eq!(report["settled"], 1);
    assert_eq!(report["missing_in_statement"].as_array().unwrap().len(), 1);
    assert_eq!(
        report["missing_in_statement"][0]["payment_id"]
            .as_str()
            .unwrap()
            .replace('-', ""),
        payments[1]
    );
    assert_eq!(report["amount_mismatches"][0]["recorded"], "2700.00");
    assert_eq!(report["amount_mismatches"][0]["statement"], "2699.00");
    assert_eq!(report["missing_locally"][0]["amount"], "88.00");

    let (party, case, order_id) = &orders[0];
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(party))
        .await;
    assert_eq!(detail["status"], "settled");
    assert!(detail["settled_at"].is_string());
    let (_, filing) = app.get(&format!("/api/v1/cases/{case}"), Some(party)).await;
    assert_eq!(filing["status"], "settled");
    let (party, _, order_id) = &orders[1];
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(party))
        .await;
    assert_eq!(detail["status"], "paid_awaiting_settlement");

    let (status, stored) = app
        .get(
            &format!("/api/v1/reconciliation-reports/{today}"),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["reports"][0]["settled"], 1);
    let (status, problem) = app
        .get("/api/v1/reconciliation-reports/2020-01-01", Some(&admin))
        .await;
    assert_problem(status, &problem, 404, "reconciliation_report.not_found");
    for bad in [
        "yesterday",
        "2026-12-4",
        "-2026-12-04",
        "+2026-12-04",
        "0000-01-01",
        "2026-12-04%20",
    ] {
        let (status, problem) = app
            .get(
                &format!("/api/v1/reconciliation-reports/{bad}"),
                Some(&admin),
            )
            .await;
        assert_problem(status, &problem, 422, "validation.failed");
    }
    let (status, problem) = app
        .post(
            "/api/v1/reconciliation-reports",
            Some(&admin),
            json!({"date": (today + chrono::Duration::days(1)).to_string()}),
        )
        .await;
    assert_problem(status, &problem, 422, "validation.failed");
    let (status, problem) = app
        .get(
            &format!("/api/v1/reconciliation-reports/{today}"),
            Some(party),
        )
        .await;
    assert_problem(status, &problem, 403, "auth.forbidden");
}

#[actix_web::test]
async fn personal_banking_settles_on_the_next_working_day() {
    use efiling::domain::calendar::shanghai_date;
    use efiling::domain::payment::Platform;
    use efiling::domain::working_days;

    let app = TestApp::spawn().await;
    let (party, _, _, order) = docketed(&app, 715, "鲁0102", with_fee("250000.00")).await;
    let order_id = order["id"].as_str().unwrap();
    let (_, payment) = pay(
        &app,
        &party,
        order_id,
        json!({"channel": "personal_banking", "bank": "ccb"}),
    )
    .await;
    simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid"}),
    )
    .await;
    let today = shanghai_date(chrono::Utc::now());
    let calendar = working_days::official();
    let next = calendar.next_working_day(today).unwrap();
    let platforms = app.state.integrations.payments.clone();
    let mut conn = app.pool.get().unwrap();
    let reconcile = |conn: &mut diesel::PgConnection, day| {
        efiling::services::reconciliation::reconcile(
            conn,
            &platforms,
            Platform::Provincial,
            day,
            calendar,
            chrono::Utc::now(),
        )
        .unwrap()
    };
    let same_day = reconcile(&mut conn, today);
    assert_eq!((same_day.statement_lines, same_day.settled), (0, 0));
    assert_eq!(same_day.missing_in_statement, json!([]));
    let next_day = reconcile(&mut conn, next);
    assert_eq!((next_day.statement_lines, next_day.settled), (1, 1));
    drop(conn);
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "settled");
}

#[actix_web::test]
async fn the_filer_is_reminded_once_before_the_notice_runs_out() {
    let app = TestApp::spawn().await;
    let (_, _, _, order) = docketed(&app, 716, "鲁0102", json!({"notice_days": 1})).await;
    let reminders = |app: &TestApp| {
        sms_templates_to(app, &phone(716))
            .into_iter()
            .filter(|t| t == "payment_reminder")
            .count()
    };
    execute(
        &app,
        "UPDATE fee_orders SET expires_at = now() + interval '3 days' WHERE id = $1::uuid",
        order["id"].as_str().unwrap(),
    );
    app.run_jobs().await;
    assert_eq!(reminders(&app), 0);
    execute(
        &app,
        "UPDATE fee_orders SET expires_at = now() + interval '5 hours' WHERE id = $1::uuid",
        order["id"].as_str().unwrap(),
    );
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(reminders(&app), 1);
}

#[actix_web::test]
async fn a_paid_order_has_a_pdf_voucher_with_the_total_in_capitals() {
    let app = TestApp::spawn().await;
    let (party, _, _, order) = docketed(&app, 717, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();
    let path = format!("/api/v1/fee-orders/{order_id}/voucher");
    let (status, problem) = app.get(&path, Some(&party)).await;
    assert_problem(status, &problem, 409, "fee_order.not_paid");

    let (_, payment) = pay(&app, &party, order_id, json!({"channel": "wechat_pay"})).await;
    simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid"}),
    )
    .await;
    let response = app
        .client
        .get(app.url(&path))
        .bearer_auth(&party)
        .send()
        .await
        .unwrap();
    if response.status() == 503 && std::env::var("EFILING_TEST_FONT_REQUIRED").as_deref() != Ok("1")
    {
        eprintln!("skipped: no CJK font on this machine");
        return;
    }
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let pdf = response.bytes().await.unwrap();
    let document = lopdf::Document::load_mem(&pdf).expect("a valid PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    assert_eq!(pages.len(), 1);
    let text = document.extract_text(&pages).unwrap();
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    for expected in [
        "贰仟柒佰元整",
        "¥2700.00",
        "案件受理费",
        "微信支付",
        "张三",
        detail["order_number"].as_str().unwrap(),
        detail["payments"][0]["transaction_id"].as_str().unwrap(),
        detail["case_number"].as_str().unwrap(),
    ] {
        assert!(text.contains(expected), "{expected} in {text:?}");
    }

    // Nobody else gets it.
    let (other, _) = crate::accounts::party_session(&app, 718).await;
    let (status, problem) = app.get(&path, Some(&other)).await;
    assert_problem(status, &problem, 404, "fee_order.not_found");
}

#[actix_web::test]
async fn a_slow_platform_delivers_later_and_the_order_follows() {
    let app = TestApp::spawn().await;
    let (party, _, _, order) = docketed(&app, 721, "鲁0102", json!({})).await;
    let order_id = order["id"].as_str().unwrap();
    let (_, payment) = pay(&app, &party, order_id, json!({"channel": "alipay"})).await;
    let answer = simulate(
        &app,
        "provincial",
        payment["id"].as_str().unwrap(),
        json!({"outcome": "paid", "delivery": "later", "delay_ms": 300, "times": 2}),
    )
    .await;
    assert_eq!(answer["deliveries"], json!([]));
    let (_, detail) = app
        .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
        .await;
    assert_eq!(detail["status"], "awaiting_payment");
    let mut status = String::new();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (_, detail) = app
            .get(&format!("/api/v1/fee-orders/{order_id}"), Some(&party))
            .await;
        status = detail["status"].as_str().unwrap().to_owned();
        if status == "paid_awaiting_settlement" && notification_outcomes(&app, order_id).len() == 2
        {
            break;
        }
    }
    assert_eq!(status, "paid_awaiting_settlement");
    assert_eq!(
        notification_outcomes(&app, order_id),
        ["applied", "duplicate"]
    );
}
