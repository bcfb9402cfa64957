//! The API's one error type and its `application/problem+json` form (RFC 9457).
//!
//! Handlers return [`ApiError`]; extractor failures (bad JSON, bad query string, bad path)
//! and actix's own answers (unknown route, wrong method, body too large) are turned into the
//! same shape by [`render_problems`], which also picks the language and logs the cause of a
//! 500 once, with the request id, while the body says nothing about it.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use super::request_id::RequestId;
pub use crate::errors::{ApiError, FieldError};
use crate::errors::{Code, Lang};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl ApiError {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The problem document in `lang`.
    pub fn to_problem(&self, lang: Lang, instance: &str, request_id: Option<&str>) -> Problem {
        let title = self.code.message(lang).to_owned();
        let detail = match (&self.detail, lang) {
            (Some((zh, _)), Lang::Zh) => zh.clone(),
            (Some((_, en)), Lang::En) => en.clone(),
            (None, _) => title.clone(),
        };
        Problem {
            kind: format!("urn:efiling:problem:{}", self.code.as_str()),
            title,
            status: self.code.status(),
            detail,
            code: self.code.as_str().to_owned(),
            instance: instance.to_owned(),
            request_id: request_id.map(str::to_owned),
            errors: self
                .errors
                .iter()
                .map(|e| ProblemField::new(e, lang))
                .collect(),
            extensions: self
                .extensions
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect(),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> ApiError {
        ApiError::internal(error)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        // The language and request id are filled in by `render_problems`; this Chinese body
        // is what a client would see if that middleware were ever bypassed.
        problem_response(self.status(), &self.to_problem(Lang::Zh, "", None))
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:efiling:problem:validation.failed",
    "title": "提交的内容有误，请按提示修改。",
    "status": 422,
    "detail": "提交的内容有误，请按提示修改。",
    "code": "validation.failed",
    "instance": "/api/v1/registrations/party",
    "request_id": "0b6f3c1e-6d2a-4f0e-9a57-2f4c7b1f7e11",
    "errors": [{"field": "id_number", "code": "id_number.checksum", "message": "身份证号码校验位不正确，请核对。"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:efiling:problem:` followed by the code.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem, in the negotiated language.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// Explanation of this occurrence, in the negotiated language.
    pub detail: String,
    /// Stable machine-readable code; branch on this.
    pub code: String,
    /// The request path.
    pub instance: String,
    /// The request id, also sent as `X-Request-Id`; quote it to support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The invalid fields, for `validation.failed` and other field errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Members specific to some codes, e.g. `successor_code` for `court.retired`.
    #[serde(flatten)]
    #[schema(ignore)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

/// One invalid field in a problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// Path of the field in the request (`id_number`, `parties.0.name`, or a query
    /// parameter's name).
    pub field: String,
    /// Stable code of what is wrong with it.
    pub code: String,
    /// Message for people.
    pub message: String,
}

impl ProblemField {
    /// The field error as a client sees it, with its message in `lang`.
    pub fn new(error: &FieldError, lang: Lang) -> ProblemField {
        ProblemField {
            field: error.field.clone(),
            code: error.code.as_str().to_owned(),
            message: error
                .message
                .clone()
                .unwrap_or_else(|| error.code.message(lang).to_owned()),
        }
    }
}

fn problem_response(status: StatusCode, problem: &Problem) -> HttpResponse {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(body)
}

/// Turns a JSON body extractor failure into an [`ApiError`].
pub fn json_error(error: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api_error = match &error {
        JsonPayloadError::ContentType => ApiError::new(Code::BodyContentType),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::new(Code::PayloadTooLarge)
        }
        JsonPayloadError::Deserialize(inner) if inner.is_data() => ApiError::new(Code::BodyInvalid)
            .with_detail(
                format!("请求体的结构或字段类型不正确：{inner}"),
                format!("The request body has the wrong structure or field types: {inner}"),
            ),
        _ => ApiError::new(Code::BodyInvalidJson),
    };
    api_error.into()
}

/// Turns a query-string extractor failure into an [`ApiError`].
pub fn query_error(error: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let reason = error.to_string();
    ApiError::new(Code::QueryInvalid)
        .with_detail(
            "查询参数不正确，请核对参数名和取值。",
            format!("The query parameters are invalid: {reason}"),
        )
        .into()
}

/// Turns a path-parameter extractor failure into an [`ApiError`].
pub fn path_error(error: PathError, _req: &HttpRequest) -> actix_web::Error {
    let reason = error.to_string();
    ApiError::new(Code::PathInvalid)
        .with_detail(
            "路径参数不正确，请核对。",
            format!("A path parameter is invalid: {reason}"),
        )
        .into()
}

/// The answer to a request no route takes: 405 when the path exists for other methods,
/// 404 otherwise.
pub async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if req.resource_map().has_resource(req.path()) {
        return Err(ApiError::new(Code::MethodNotAllowed));
    }
    Err(ApiError::new(Code::RouteNotFound))
}

/// Middleware that gives every error response the problem form, in the language the client
/// asked for, with the request path and id; and logs the cause of server errors once.
pub async fn render_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let lang = Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res.map_into_left_body());
    }

    let path = res.request().path().to_owned();
    let request_id = res
        .request()
        .extensions()
        .get::<RequestId>()
        .map(|id| id.as_str().to_owned());

    let already_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    let api_error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>());
    let retry_after = api_error.and_then(|e| e.retry_after);
    let problem = match api_error {
        Some(error) => {
            log_server_error(error);
            error.to_problem(lang, &path, request_id.as_deref())
        }
        None if already_problem && res.response().error().is_none() => {
            // A handler built its own problem response; leave it alone.
            return Ok(res.map_into_left_body());
        }
        None => {
            if let Some(error) = res.response().error() {
                if status.is_server_error() {
                    tracing::error!(error = %error, "request failed");
                } else {
                    tracing::debug!(error = %error, "request refused by the framework");
                }
            }
            ApiError::new(code_for_status(status)).to_problem(lang, &path, request_id.as_deref())
        }
    };

    let (req, mut response) = res.into_parts();
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    headers.remove(header::CONTENT_LENGTH);
    if let Some(seconds) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    let response = response.set_body(BoxBody::new(body));
    Ok(ServiceResponse::new(req, response).map_into_right_body())
}

fn log_server_error(error: &ApiError) {
    if error.code.status() < 500 {
        return;
    }
    match &error.cause {
        Some(cause) => {
            tracing::error!(code = error.code.as_str(), cause = %format!("{cause:#}"), "request failed")
        }
        None => tracing::error!(code = error.code.as_str(), "request failed"),
    }
}

/// The code of an error response that did not come from our own handlers.
fn code_for_status(status: StatusCode) -> Code {
    match status.as_u16() {
        404 => Code::RouteNotFound,
        405 => Code::MethodNotAllowed,
        413 => Code::PayloadTooLarge,
        415 => Code::BodyContentType,
        400..=499 => Code::BodyInvalid,
        503 => Code::Unavailable,
        _ => Code::Internal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_500_problem_hides_its_cause() {
        let error = ApiError::internal(anyhow::anyhow!("relation \"secrets\" does not exist"));
        let problem = error.to_problem(Lang::En, "/api/v1/x", Some("rid"));
        let body = serde_json::to_string(&problem).unwrap();
        assert!(!body.contains("secrets"), "{body}");
        assert_eq!(problem.status, 500);
        assert_eq!(problem.code, "internal");
    }

    #[test]
    fn field_errors_carry_their_codes_and_messages_in_the_language() {
        let error = ApiError::field("page", Code::PageInvalid);
        let zh = error.to_problem(Lang::Zh, "/x", None);
        let en = error.to_problem(Lang::En, "/x", None);
        assert_eq!(zh.code, "validation.failed");
        assert_eq!(zh.errors[0].code, "page.invalid");
        assert_eq!(zh.errors[0].message, Code::PageInvalid.message(Lang::Zh));
        assert_eq!(en.errors[0].message, Code::PageInvalid.message(Lang::En));
        assert_ne!(zh.title, en.title);
    }

    #[test]
    fn every_code_is_unique_and_has_both_messages() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert!(!code.message(Lang::Zh).is_empty());
            assert!(!code.message(Lang::En).is_empty());
            assert!(StatusCode::from_u16(code.status()).is_ok());
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_' || c.is_ascii_digit()),
                "{code}"
            );
        }
    }

    #[test]
    fn framework_statuses_map_to_specific_codes() {
        assert_eq!(code_for_status(StatusCode::NOT_FOUND), Code::RouteNotFound);
        assert_eq!(
            code_for_status(StatusCode::METHOD_NOT_ALLOWED),
            Code::MethodNotAllowed
        );
        assert_eq!(
            code_for_status(StatusCode::PAYLOAD_TOO_LARGE),
            Code::PayloadTooLarge
        );
        assert_eq!(code_for_status(StatusCode::BAD_GATEWAY), Code::Internal);
    }
}
