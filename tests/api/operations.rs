//! Health, readiness, metrics, documentation and request ids.

use crate::support::{TestApp, TestDatabase};

#[actix_web::test]
async fn health_and_readiness_answer_ok() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
}

#[actix_web::test]
async fn readiness_fails_with_503_when_the_database_is_unreachable() {
    // A pool pointing at a port where nothing listens.
    let manager = diesel::r2d2::ConnectionManager::<diesel::PgConnection>::new(
        "postgres://postgres@127.0.0.1:1/efiling",
    );
    let pool = diesel::r2d2::Pool::builder()
        .connection_timeout(std::time::Duration::from_millis(300))
        .build_unchecked(manager);
    let config = efiling::config::Config::for_database("postgres://127.0.0.1:1/x".into());
    let state = efiling::http::AppState::new(pool, config).unwrap();
    let metrics = actix_web::web::Data::new(efiling::http::metrics::Metrics::new().unwrap());
    let server_state = state.clone();
    let app = TestApp::serve(TestDatabase::new(), state, move || {
        efiling::http::app(server_state.clone(), metrics.clone())
    });

    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "service.unavailable");
    let text = body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains("refused"),
        "{text}"
    );
    let (status, _) = app.get_json("/healthz").await;
    assert_eq!(status, 200, "liveness does not depend on the database");
}

#[actix_web::test]
async fn metrics_count_requests_per_route_pattern() {
    let app = TestApp::spawn().await;
    app.get_json("/api/v1/courts/%E9%B2%8102").await;
    app.get_json("/api/v1/courts/%E9%B2%8101").await;
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"http_requests_total{method="GET",route="/api/v1/courts/{code}",status="200"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[actix_web::test]
async fn every_answer_carries_a_request_id_and_a_sane_client_one_is_kept() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    let generated = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok());

    let response = app
        .client
        .get(app.url("/nowhere"))
        .header("X-Request-Id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-42");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["request_id"], "trace-42");
}

#[actix_web::test]
async fn the_contract_and_its_documentation_are_served() {
    let app = TestApp::spawn().await;
    let (status, spec) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(spec["paths"]["/api/v1/courts"]["get"].is_object(), "{spec}");
    let response = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
}

#[actix_web::test]
async fn head_is_answered_wherever_get_is() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .head(app.url("/api/v1/case-kinds"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.bytes().await.unwrap().is_empty());
}

#[actix_web::test]
async fn unknown_methods_do_not_grow_the_metric_labels() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        let method = reqwest::Method::from_bytes(format!("M{i}").as_bytes()).unwrap();
        app.client
            .request(method, app.url("/healthz"))
            .send()
            .await
            .unwrap();
    }
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("method=\"M0\""), "{text}");
    assert!(text.contains("method=\"OTHER\""), "{text}");
}

#[actix_web::test]
async fn the_documentation_is_reachable_without_the_trailing_slash() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(response.status(), 200, "followed the redirect to /docs/");
}

#[actix_web::test]
async fn browsers_on_configured_origins_may_call_the_api_and_others_may_not() {
    let app = TestApp::spawn_with(|mut config| {
        config.cors_allowed_origins = vec!["https://efiling.example.cn".into()];
        config
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/sessions"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "content-type, idempotency-key",
            )
            .send()
    };
    let allowed = preflight("https://efiling.example.cn").await.unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://efiling.example.cn"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let response = app
        .client
        .get(app.url("/api/v1/case-kinds"))
        .header("Origin", "https://efiling.example.cn")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");
}
