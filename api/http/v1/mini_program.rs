//! The WeChat mini program's backend: registering face-verified people and opening their
//! sessions. Only an integration client holding the `mini_program` scope may call these.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::sessions::SessionTokens;
use crate::auth::passwords::{default_password, hash_password};
use crate::domain::calendar::shanghai_date;
use crate::domain::name::PersonName;
use crate::domain::phone::MobilePhone;
use crate::domain::resident_id::ResidentIdNumber;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::auth::MiniProgramClient;
use crate::http::problem::Problem;
use crate::http::request_id::RequestId;
use crate::services::mini_program::{self, Registration};
use crate::store::audit::Actor;

/// A person WeChat has face-verified against their resident ID card.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "openid": "oGZUI0egBJY1zhBYw2KhdUfwVJJE", "id_number": "370102199001011231",
    "name": "张三", "phone": "13912345678"
}))]
pub struct MiniProgramRegistrationRequest {
    /// The person's openid in the mini program: 1 to 128 letters, digits, `-` or `_`.
    pub openid: String,
    /// Mainland resident ID number, as verified.
    pub id_number: String,
    /// Name, as verified.
    pub name: String,
    /// Mobile phone for a new account (an existing account keeps its own).
    pub phone: String,
}

/// The account the openid is bound to.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"account_id": "0b6f3c1e-6d2a-4f0e-9a57-2f4c7b1f7e11", "created": true, "bound": true}))]
pub struct MiniProgramBinding {
    pub account_id: Uuid,
    /// True when the mini program's registration created the account (its login is the ID
    /// number, its password the last eight characters of it, to be changed at first use);
    /// false when an account already existed and was bound.
    pub created: bool,
    /// Always true: the openid is bound to the account.
    pub bound: bool,
}

/// An openid to exchange for a session.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"openid": "oGZUI0egBJY1zhBYw2KhdUfwVJJE"}))]
pub struct MiniProgramSessionRequest {
    pub openid: String,
}

/// The author of changes made through the mini program, for the audit trail.
fn client_actor(req: &HttpRequest, client: &MiniProgramClient) -> Actor {
    Actor {
        client: Some(mini_program::SESSION_CLIENT.to_owned()),
        request_id: RequestId::of(req),
        ..Actor::service(&client.0.name)
    }
}

fn validate(
    body: &MiniProgramRegistrationRequest,
) -> Result<(String, String, String, String), ApiError> {
    let mut errors = Vec::new();
    let openid = mini_program::parse_openid(&body.openid)
        .map_err(|e| errors.push(e))
        .ok();
    let id_number = ResidentIdNumber::parse(&body.id_number, shanghai_date(Utc::now()))
        .map_err(|code| errors.push(FieldError::new("id_number", code)))
        .ok();
    let name = match PersonName::parse(&body.name) {
        Ok(name) if name.is_unnamed() => {
            errors.push(FieldError::new("name", Code::NameUnnamed));
            None
        }
        Ok(name) => Some(name),
        Err(code) => {
            errors.push(FieldError::new("name", code));
            None
        }
    };
    let phone = MobilePhone::parse(&body.phone)
        .map_err(|code| errors.push(FieldError::new("phone", code)))
        .ok();
    match (openid, id_number, name, phone) {
        (Some(openid), Some(id_number), Some(name), Some(phone)) => Ok((
            openid,
            id_number.as_str().to_owned(),
            name.as_str().to_owned(),
            phone.as_str().to_owned(),
        )),
        _ => Err(ApiError::validation(errors)),
    }
}

/// Register or bind a mini-program user
///
/// For a person WeChat has face-verified. When no account has the ID number, a party
/// account is created, active at once (no registry verification), whose login is the ID
/// number and whose password is its last eight characters, to be changed at first use; the
/// phone is bound and told so by SMS (201, `created: true`). When an active account (of any
/// role) has the ID number, the openid is bound to it and nothing else changes; that
/// account's own phone is told that the person is already registered (200,
/// `created: false`).
///
/// Repeating a registration with the same openid and ID number changes nothing, sends no
/// SMS and gives the first answer again, with status 200. An openid bound to the account of
/// another ID number is refused, as is an ID number whose account is still being verified,
/// failed verification or is disabled. A new account's phone must not be bound to another
/// account (`phone.taken`): its holder must free it first.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    request_body = MiniProgramRegistrationRequest,
    responses(
        (status = 201, description = "A party account was created and the openid bound to it.", body = MiniProgramBinding),
        (status = 200, description = "An existing account was bound, or the registration was a repeat.", body = MiniProgramBinding),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`auth.service_client_required`: no integration client key (a person's token is refused too).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.scope_missing`: the client lacks the `mini_program` scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mini_program.openid_bound_elsewhere`, `mini_program.account_pending`, `mini_program.account_verification_failed`, `mini_program.account_disabled` or `phone.taken`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named with its code (`openid.invalid`, `id_number.*`, `name.*`, `phone.*`).", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/integrations/mini-program/registrations")]
pub async fn register_mini_program_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    client: MiniProgramClient,
    body: web::Json<MiniProgramRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (openid, id_number, name, phone) = validate(&body)?;
    let actor = client_actor(&req, &client);
    let client_id = client.0.id;
    let outcome = state
        .with_conn(move |conn| {
            // Hashed before the transaction: it is slow, and locks should be short.
            let default_password_hash =
                hash_password(&default_password(&id_number)).map_err(ApiError::internal)?;
            let registration = Registration {
                openid,
                id_number,
                name,
                phone,
                default_password_hash,
            };
            conn.transaction(|conn| mini_program::register(conn, &registration, client_id, &actor))
        })
        .await?;
    let body = MiniProgramBinding {
        account_id: outcome.account_id,
        created: outcome.created,
        bound: true,
    };
    Ok(if outcome.created && outcome.changed_now {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// Open a session for a mini-program user
///
/// Exchanges the openid of a bound user for session tokens, as a login would give (the
/// session is recorded as opened by the mini program). `must_change_password` is true while
/// the account still holds its default password: every call but changing the password then
/// answers 403 `account.password_change_required`.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    request_body = MiniProgramSessionRequest,
    responses(
        (status = 201, description = "Session opened.", body = SessionTokens),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`auth.service_client_required`: no integration client key (a person's token is refused too).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`auth.scope_missing`; or the bound account cannot log in: `session.account_disabled`, `session.registration_pending`, `session.registration_failed`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`mini_program.not_bound`: register the user first.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`openid.invalid` or a missing openid.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/integrations/mini-program/sessions")]
pub async fn create_mini_program_session(
    state: web::Data<AppState>,
    _client: MiniProgramClient,
    body: web::Json<MiniProgramSessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let openid =
        mini_program::parse_openid(&body.openid).map_err(|e| ApiError::validation(vec![e]))?;
    let tokens = state.tokens.clone();
    let (account, session) = state
        .transaction(move |conn| mini_program::open_bound_session(conn, &tokens, &openid))
        .await?;
    Ok(HttpResponse::Created().json(SessionTokens::new(session, &account)))
}
