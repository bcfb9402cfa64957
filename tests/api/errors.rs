//! Every error, ours or the framework's, is a problem document in the client's language.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::support::{TestApp, assert_problem};

#[derive(Deserialize)]
struct Echo {
    name: String,
    count: u32,
}

#[derive(Deserialize)]
struct Typed {
    n: u32,
}

fn probe_routes(config: &mut web::ServiceConfig) {
    config
        .route(
            "/probe/echo",
            web::post().to(|body: web::Json<Echo>| async move {
                HttpResponse::Ok().json(json!({"name": body.name, "count": body.count}))
            }),
        )
        .route(
            "/probe/typed",
            web::get().to(|q: web::Query<Typed>| async move {
                HttpResponse::Ok().json(json!({"n": q.n}))
            }),
        )
        .route(
            "/probe/items/{n}",
            web::get()
                .to(|n: web::Path<u32>| async move { HttpResponse::Ok().json(json!({"n": *n})) }),
        )
        .route(
            "/probe/panic-free-500",
            web::get().to(|| async {
                Err::<HttpResponse, _>(efiling::http::problem::ApiError::internal(anyhow::anyhow!(
                    "password authentication failed for user \"secret_admin\""
                )))
            }),
        );
}

async fn probe(limit: usize) -> TestApp {
    TestApp::spawn_probe(
        move |mut config| {
            config.json_limit_bytes = limit;
            config
        },
        probe_routes,
    )
    .await
}

async fn send(
    request: reqwest::RequestBuilder,
) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.expect("a JSON body");
    (status, headers, body)
}

#[actix_web::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = TestApp::spawn().await;
    let (status, headers, body) = send(app.client.get(app.url("/api/v1/nothing-here"))).await;
    assert_problem(status, &body, 404, "route.not_found");
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(body["instance"], "/api/v1/nothing-here");
    assert_eq!(
        body["request_id"].as_str(),
        headers["x-request-id"].to_str().ok()
    );
}

#[actix_web::test]
async fn a_wrong_method_is_a_405_problem() {
    let app = TestApp::spawn().await;
    let (status, _, body) = send(app.client.delete(app.url("/api/v1/courts"))).await;
    assert_problem(status, &body, 405, "method.not_allowed");
    let (status, _, body) = send(app.client.post(app.url("/healthz"))).await;
    assert_problem(status, &body, 405, "method.not_allowed");
}

#[actix_web::test]
async fn messages_are_chinese_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let (_, headers, zh) = send(app.client.get(app.url("/nope"))).await;
    assert_eq!(headers["content-language"], "zh-CN");
    assert!(
        zh["title"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| c > '\u{4e00}'),
        "{zh}"
    );
    for accept in ["en", "en-US,en;q=0.9", "fr, en;q=0.5", "zh;q=0.1, en"] {
        let (_, headers, en) = send(
            app.client
                .get(app.url("/nope"))
                .header("Accept-Language", accept),
        )
        .await;
        assert_eq!(headers["content-language"], "en", "{accept}");
        assert!(en["title"].as_str().unwrap().is_ascii(), "{accept}: {en}");
    }
    let (_, headers, _) = send(
        app.client
            .get(app.url("/nope"))
            .header("Accept-Language", "zh-CN,en;q=0.8"),
    )
    .await;
    assert_eq!(headers["content-language"], "zh-CN");
}

#[actix_web::test]
async fn malformed_json_is_a_400_problem() {
    let app = probe(1024).await;
    let request = app
        .client
        .post(app.url("/probe/echo"))
        .header("content-type", "application/json")
        .body("{\"name\": ");
    let (status, headers, body) = send(request).await;
    assert_problem(status, &body, 400, "body.invalid_json");
    assert_eq!(headers["content-type"], "application/problem+json");
}

#[actix_web::test]
async fn json_of_the_wrong_shape_is_a_400_problem_naming_the_field() {
    let app = probe(1024).await;
    let (status, _, body) = send(
        app.client
            .post(app.url("/probe/echo"))
            .json(&json!({"name": "x", "count": "3"})),
    )
    .await;
    assert_problem(status, &body, 400, "body.invalid");
    assert!(
        body["detail"].as_str().unwrap().contains("count")
            || body["detail"].as_str().unwrap().contains("string"),
        "{body}"
    );
    let (status, _, body) = send(
        app.client
            .post(app.url("/probe/echo"))
            .json(&json!({"count": 3})),
    )
    .await;
    assert_problem(status, &body, 400, "body.invalid");
    assert!(body["detail"].as_str().unwrap().contains("name"), "{body}");
}

#[actix_web::test]
async fn a_body_of_another_type_is_a_415_problem() {
    let app = probe(1024).await;
    let request = app
        .client
        .post(app.url("/probe/echo"))
        .header("content-type", "text/plain")
        .body("{\"name\":\"x\",\"count\":1}");
    let (status, _, body) = send(request).await;
    assert_problem(status, &body, 415, "body.unsupported_media_type");
}

#[actix_web::test]
async fn an_oversized_body_is_a_413_problem() {
    let app = probe(64).await;
    let name = "x".repeat(100);
    let (status, _, body) = send(
        app.client
            .post(app.url("/probe/echo"))
            .json(&json!({"name": name, "count": 1})),
    )
    .await;
    assert_problem(status, &body, 413, "body.too_large");
    // Just under the limit passes.
    let (status, _, _) = send(
        app.client
            .post(app.url("/probe/echo"))
            .json(&json!({"name": "ok", "count": 1})),
    )
    .await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn bad_query_and_path_parameters_are_400_problems() {
    let app = probe(1024).await;
    let (status, _, body) = send(app.client.get(app.url("/probe/typed?n=minus"))).await;
    assert_problem(status, &body, 400, "query.invalid");
    let (status, _, body) = send(app.client.get(app.url("/probe/items/abc"))).await;
    assert_problem(status, &body, 400, "path.invalid");
}

#[actix_web::test]
async fn a_500_says_nothing_about_its_cause() {
    let app = probe(1024).await;
    let (status, _, body) = send(app.client.get(app.url("/probe/panic-free-500"))).await;
    assert_problem(status, &body, 500, "internal");
    let text = body.to_string();
    assert!(
        !text.contains("secret_admin") && !text.contains("password"),
        "{text}"
    );
    assert!(body["request_id"].is_string());
}
