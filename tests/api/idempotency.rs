//! `Idempotency-Key` over real HTTP, and the key store underneath.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{HttpResponse, web};
use efiling::errors::Code;
use efiling::http::AppState;
use efiling::http::problem::ApiError;
use efiling::store::audit::{self, Actor, ActorKind, Change};
use efiling::store::idempotency::{self, Claim, KeyRef, StoredResponse};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

#[derive(Deserialize)]
struct NewProbe {
    subject: String,
}

static FLAKY_CALLS: AtomicUsize = AtomicUsize::new(0);
static SLOW_RELEASED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Creates an audited "probe" row: the write a retried request must not repeat.
async fn create_probe(
    state: web::Data<AppState>,
    body: web::Json<NewProbe>,
) -> Result<HttpResponse, ApiError> {
    let subject = body.into_inner().subject;
    let id = state
        .transaction(move |conn| {
            let actor = Actor {
                kind: ActorKind::Anonymous,
                id: None,
                client: None,
                request_id: None,
            };
            let change = Change {
                action: "probe.created",
                subject_type: "probe",
                subject_id: &subject,
                details: json!({}),
            };
            let id = audit::record(conn, &actor, &change)?;
            if subject == "refuse" {
                return Err(ApiError::field("subject", Code::QueryTooLong));
            }
            Ok(id)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/probe/{id}")))
        .json(json!({"id": id})))
}

fn probe_routes(config: &mut web::ServiceConfig) {
    config
        .route("/probe", web::post().to(create_probe))
        .route(
            "/probe/slow",
            web::post().to(|| async {
                // Runs until the test lets it finish, however slow the machine is.
                while !SLOW_RELEASED.load(Ordering::SeqCst) {
                    actix_web::rt::time::sleep(Duration::from_millis(10)).await;
                }
                HttpResponse::Created().json(json!({"done": true}))
            }),
        )
        .route(
            "/probe/flaky",
            web::post().to(|| async {
                if FLAKY_CALLS.fetch_add(1, Ordering::SeqCst) == 0 {
                    return Err(ApiError::internal(anyhow::anyhow!("first call fails")));
                }
                Ok(HttpResponse::Created().json(json!({"second": true})))
            }),
        );
}

async fn probe() -> TestApp {
    TestApp::spawn_probe(|config| config, probe_routes).await
}

fn audit_rows(app: &TestApp, subject: &str) -> usize {
    let mut conn = app.pool.get().unwrap();
    audit::history(&mut conn, "probe", subject).unwrap().len()
}

async fn post(app: &TestApp, path: &str, key: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

#[actix_web::test]
async fn a_retry_with_the_same_key_and_body_gets_the_first_answer_and_does_nothing() {
    let app = probe().await;
    let first = post(&app, "/probe", Some("key-1"), json!({"subject": "a"})).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let location = first.headers()["location"].clone();
    let first_body: Value = first.json().await.unwrap();

    let retry = post(&app, "/probe", Some("key-1"), json!({"subject": "a"})).await;
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.headers()["location"], location);
    assert_eq!(retry.headers()["content-type"], "application/json");
    let retry_body: Value = retry.json().await.unwrap();
    assert_eq!(retry_body, first_body);
    assert_eq!(audit_rows(&app, "a"), 1, "the write ran once");

    // Without a key, every request runs.
    post(&app, "/probe", None, json!({"subject": "a"})).await;
    post(&app, "/probe", None, json!({"subject": "a"})).await;
    assert_eq!(audit_rows(&app, "a"), 3);
}

#[actix_web::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = probe().await;
    assert_eq!(
        post(&app, "/probe", Some("k"), json!({"subject": "a"}))
            .await
            .status(),
        201
    );
    let response = post(&app, "/probe", Some("k"), json!({"subject": "b"})).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_problem(status, &body, 409, "idempotency_key.reused");
    assert_eq!(audit_rows(&app, "b"), 0);
}

#[actix_web::test]
async fn a_retry_while_the_first_request_runs_is_refused_as_in_progress() {
    let app = probe().await;
    let first = post(&app, "/probe/slow", Some("slow"), json!({}));
    let second = async {
        // Wait until the first request holds its key, then retry.
        for _ in 0..500 {
            let claimed: i64 = {
                let mut conn = app.pool.get().unwrap();
                diesel::RunQueryDsl::get_result(
                    diesel::QueryDsl::count(efiling::store::schema::idempotency_keys::table),
                    &mut conn,
                )
                .unwrap()
            };
            if claimed > 0 {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
        let response = post(&app, "/probe/slow", Some("slow"), json!({})).await;
        SLOW_RELEASED.store(true, Ordering::SeqCst);
        response
    };
    let (first, second) = futures_util::join!(first, second);
    assert_eq!(first.status(), 201);
    let status = second.status().as_u16();
    let body: Value = second.json().await.unwrap();
    assert_problem(status, &body, 409, "idempotency_key.in_progress");

    let later = post(&app, "/probe/slow", Some("slow"), json!({})).await;
    assert_eq!(later.status(), 201);
    assert_eq!(later.headers()["idempotent-replayed"], "true");
}

#[actix_web::test]
async fn failures_are_not_stored_so_a_retry_runs_again() {
    let app = probe().await;
    let first = post(&app, "/probe/flaky", Some("flaky"), json!({})).await;
    assert_eq!(first.status(), 500);
    let second = post(&app, "/probe/flaky", Some("flaky"), json!({})).await;
    assert_eq!(second.status(), 201);
    assert!(second.headers().get("idempotent-replayed").is_none());

    // A refused request wrote nothing (its transaction rolled back) and is not stored.
    let refused = post(&app, "/probe", Some("r"), json!({"subject": "refuse"})).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(audit_rows(&app, "refuse"), 0);
    let again = post(&app, "/probe", Some("r"), json!({"subject": "refuse"})).await;
    assert_eq!(again.status(), 422);
    assert!(again.headers().get("idempotent-replayed").is_none());
}

#[actix_web::test]
async fn malformed_keys_are_refused() {
    let app = probe().await;
    let long = "k".repeat(256);
    for key in [long.as_str(), "with space", "中文"] {
        let response = app
            .client
            .post(app.url("/probe"))
            .header(
                "Idempotency-Key",
                reqwest::header::HeaderValue::from_bytes(key.as_bytes()).unwrap(),
            )
            .json(&json!({"subject": "x"}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_problem(status, &body, 400, "idempotency_key.invalid");
    }
    assert_eq!(audit_rows(&app, "x"), 0);
}

#[actix_web::test]
async fn keys_are_scoped_to_their_principal_and_stale_claims_lapse() {
    let app = probe().await;
    let mut conn = app.pool.get().unwrap();
    let a = KeyRef {
        principal: "account:a",
        key: "same",
    };
    let b = KeyRef {
        principal: "account:b",
        key: "same",
    };
    assert_eq!(
        idempotency::claim(&mut conn, a, b"h1", "POST", "/x", 60).unwrap(),
        Claim::Acquired
    );
    assert_eq!(
        idempotency::claim(&mut conn, b, b"h2", "POST", "/x", 60).unwrap(),
        Claim::Acquired
    );
    assert_eq!(
        idempotency::claim(&mut conn, a, b"h1", "POST", "/x", 60).unwrap(),
        Claim::InProgress
    );

    // A claim whose lease ran out (its request crashed) is taken over by the same request.
    let c = KeyRef {
        principal: "account:c",
        key: "crashed",
    };
    assert_eq!(
        idempotency::claim(&mut conn, c, b"h", "POST", "/x", -1).unwrap(),
        Claim::Acquired
    );
    assert_eq!(
        idempotency::claim(&mut conn, c, b"other", "POST", "/x", 60).unwrap(),
        Claim::Mismatch
    );
    assert_eq!(
        idempotency::claim(&mut conn, c, b"h", "POST", "/x", 60).unwrap(),
        Claim::Acquired
    );

    let stored = StoredResponse {
        status: 201,
        headers: vec![("content-type".into(), "application/json".into())],
        body: b"{}".to_vec(),
    };
    idempotency::complete(&mut conn, c, &stored).unwrap();
    assert_eq!(
        idempotency::claim(&mut conn, c, b"h", "POST", "/x", 60).unwrap(),
        Claim::Replay(stored)
    );
    assert_eq!(
        idempotency::purge_expired(&mut conn).unwrap(),
        0,
        "fresh answers are kept"
    );
}

#[actix_web::test]
async fn idempotency_refusals_have_the_problem_form_language_and_request_id() {
    let app = probe().await;
    let response = app
        .client
        .post(app.url("/probe"))
        .header("Idempotency-Key", "bad key")
        .header("Accept-Language", "en")
        .header("X-Request-Id", "rid-7")
        .json(&json!({"subject": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["x-request-id"], "rid-7");
    assert_eq!(response.headers()["content-language"], "en");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "idempotency_key.invalid");
    assert_eq!(body["instance"], "/probe");
    assert_eq!(body["request_id"], "rid-7");
    assert!(body["title"].as_str().unwrap().is_ascii());
}

#[actix_web::test]
async fn keys_on_unknown_routes_store_nothing() {
    let app = probe().await;
    let response = post(&app, "/nowhere", Some("k-404"), json!({})).await;
    assert_eq!(response.status(), 404);
    let mut conn = app.pool.get().unwrap();
    let stored: i64 = diesel::RunQueryDsl::get_result(
        diesel::QueryDsl::count(efiling::store::schema::idempotency_keys::table),
        &mut conn,
    )
    .unwrap();
    assert_eq!(stored, 0);
}
