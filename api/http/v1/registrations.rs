//! Registering parties and lawyers.

use actix_web::{HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::passwords::{check_new_password, hash_password};
use crate::domain::calendar::shanghai_date;
use crate::domain::licence::licence_from_json;
use crate::domain::name::{OrganisationName, PersonName};
use crate::domain::phone::MobilePhone;
use crate::domain::resident_id::ResidentIdNumber;
use crate::domain::text::trim_blanks;
use crate::errors::{ApiError, Code, FieldError};
use crate::http::AppState;
use crate::http::problem::Problem;
use crate::integrations::LawyerRecord;
use crate::services::registrations::{self, LawyerApplication, PartyApplication};
use crate::store::registrations::Registration;

/// A party's registration.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "id_number": "370102199001011234", "name": "张三", "phone": "13912345678",
    "password": "法院立案2026"
}))]
pub struct PartyRegistrationRequest {
    /// Mainland resident ID number; it becomes the login name.
    pub id_number: String,
    /// Name exactly as on the ID card.
    pub name: String,
    /// Mobile phone for notifications; one account per phone.
    pub phone: String,
    /// 8 to 128 characters mixing at least two of letters, digits and symbols.
    pub password: String,
}

/// Where a registration stands.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0b6f3c1e-6d2a-4f0e-9a57-2f4c7b1f7e11", "kind": "party", "status": "pending_verification", "message": "注册信息已提交，正在核验身份，结果将以短信通知。", "differing_fields": [], "created_at": "2026-12-03T08:00:00Z", "decided_at": null}))]
pub struct RegistrationStatus {
    pub id: Uuid,
    /// `party` or `lawyer`.
    pub kind: String,
    /// `pending_verification`, `verified` or `failed`.
    pub status: String,
    /// What to do next, in Chinese. A failed party registration only ever says to check the
    /// name and ID number: the registry's reason is visible to administrators alone.
    pub message: String,
    /// For a failed lawyer registration: the fields that differ from the lawyer registry.
    pub differing_fields: Vec<String>,
    pub created_at: chrono::DateTime<Utc>,
    pub decided_at: Option<chrono::DateTime<Utc>>,
}

impl From<&Registration> for RegistrationStatus {
    fn from(registration: &Registration) -> RegistrationStatus {
        let reason = registration.failure_reason.as_deref();
        let message = match (
            registration.status.as_str(),
            registration.kind.as_str(),
            reason,
        ) {
            ("pending_verification", _, _) => "注册信息已提交，正在核验身份，结果将以短信通知。",
            ("verified", "lawyer", _) => "审核通过，请用执业证号或身份证号登录。",
            ("verified", _, _) => "审核通过，请用身份证号登录。",
            (_, "lawyer", Some("not_yet_in_registry")) => {
                "律师服务平台暂无您的信息：请律所管理员维护您的律师资料，12至24小时同步后再重新注册。"
            }
            (_, "lawyer", _) => {
                "审核没有通过：所列信息与律师服务平台不一致，请核对后从律师服务平台复制信息重新注册。"
            }
            _ => "审核未通过，请核对姓名和身份证号后重新注册。",
        };
        RegistrationStatus {
            id: registration.id,
            kind: registration.kind.clone(),
            status: registration.status.clone(),
            message: message.to_owned(),
            differing_fields: registration
                .differing_fields
                .iter()
                .flatten()
                .cloned()
                .collect(),
            created_at: registration.created_at,
            decided_at: registration.decided_at,
        }
    }
}

fn today() -> NaiveDate {
    shanghai_date(Utc::now())
}

/// Validates the fields a party and a lawyer share, collecting every error.
fn person(
    errors: &mut Vec<FieldError>,
    id_number: &str,
    name: &str,
    phone: &str,
) -> Option<(ResidentIdNumber, PersonName, MobilePhone)> {
    let id = ResidentIdNumber::parse(id_number, today())
        .map_err(|code| errors.push(FieldError::new("id_number", code)))
        .ok();
    let name = match PersonName::parse(name) {
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
    let phone = MobilePhone::parse(phone)
        .map_err(|code| errors.push(FieldError::new("phone", code)))
        .ok();
    Some((id?, name?, phone?))
}

/// Register a party
///
/// Registers a person with a mainland resident ID number. The answer is immediate (202);
/// the citizen registry's verification follows, and its result comes by SMS and at
/// `GET /api/v1/registrations/{id}`. Non-mainland documents (Hong Kong, Macao and Taiwan
/// residence permits, foreigners' permanent-residence cards) are refused with
/// `id_number.non_mainland`; 15-digit legacy numbers with `id_number.legacy_15_digit`. After
/// a failed verification the same ID number can register again.
#[utoipa::path(
    tag = "registrations",
    request_body = PartyRegistrationRequest,
    responses(
        (status = 202, description = "Registered; verification pending.", body = RegistrationStatus),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`registration.id_number_taken`, `registration.pending` or `phone.taken`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named with its code.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/registrations/party")]
pub async fn register_party(
    state: web::Data<AppState>,
    body: web::Json<PartyRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let person = person(&mut errors, &body.id_number, &body.name, &body.phone);
    let id_for_password = person.as_ref().map(|(id, _, _)| id.as_str().to_owned());
    if let Err(code) = check_new_password(&body.password, id_for_password.as_deref()) {
        errors.push(FieldError::new("password", code));
    }
    let Some((id_number, name, phone)) = person.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };

    let password = body.password;
    let registration = state
        .with_conn(move |conn| {
            let password_hash = hash_password(&password).map_err(ApiError::internal)?;
            let application = PartyApplication {
                id_number: id_number.as_str().to_owned(),
                name: name.as_str().to_owned(),
                phone: phone.as_str().to_owned(),
                password_hash,
            };
            conn.transaction(|conn| registrations::register_party(conn, &application))
        })
        .await?;
    Ok(accepted(&registration))
}

fn accepted(registration: &Registration) -> HttpResponse {
    HttpResponse::Accepted()
        .insert_header((
            "Location",
            format!("/api/v1/registrations/{}", registration.id),
        ))
        .json(RegistrationStatus::from(registration))
}

/// A lawyer's registration: the eleven facts the lawyer registry holds, and a password.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "name": "李四", "gender": "男", "ethnicity": "汉族", "id_number": "370102198503071235",
    "licence_number": "13701201010123456", "licence_date": "2010-06-01",
    "qualification_number": "A20083701021234", "qualification_date": "2008-12-01",
    "practice_start_date": "2010-06-01", "phone": "13912345678",
    "law_firm": "山东某某律师事务所", "password": "法院立案2026"
}))]
pub struct LawyerRegistrationRequest {
    pub name: String,
    /// 男 or 女, as in the registry.
    pub gender: String,
    /// As in the registry, e.g. 汉族.
    pub ethnicity: String,
    pub id_number: String,
    /// Practice licence number, a string of digits (a JSON number is refused: 17 digits do
    /// not survive a JavaScript number). It becomes the login name.
    #[schema(value_type = String)]
    pub licence_number: Value,
    /// `YYYY-MM-DD`.
    pub licence_date: String,
    /// Qualification certificate number.
    pub qualification_number: String,
    /// `YYYY-MM-DD`.
    pub qualification_date: String,
    /// `YYYY-MM-DD`.
    pub practice_start_date: String,
    pub phone: String,
    pub law_firm: String,
    /// For a new account, the password to set. When a party account with this ID number
    /// exists (a trainee who qualified), its password: the account is upgraded and keeps it.
    pub password: String,
}

fn date(errors: &mut Vec<FieldError>, field: &str, raw: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(trim_blanks(raw), "%Y-%m-%d") {
        Ok(date) if date > today() => {
            errors.push(FieldError::new(field, Code::DateInFuture));
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(FieldError::new(field, Code::DateInvalid));
            None
        }
    }
}

fn short_text(errors: &mut Vec<FieldError>, field: &str, raw: &str, max: usize) -> Option<String> {
    let text = trim_blanks(raw);
    if text.is_empty() {
        errors.push(FieldError::new(field, Code::FieldRequired));
        return None;
    }
    if text.chars().count() > max {
        errors.push(FieldError::new(field, Code::TextTooLong));
        return None;
    }
    Some(text.to_owned())
}

/// Register a lawyer
///
/// Registers a lawyer, to be checked against the national lawyer registry: it passes only
/// when all eleven facts match the registry exactly. A failure names the differing fields
/// (here and in the SMS); a lawyer not yet in the registry is told to retry after the
/// firm's update has synced (12–24 hours). A party account with the same ID number is
/// upgraded to a lawyer account, keeping its password and cases.
#[utoipa::path(
    tag = "registrations",
    request_body = LawyerRegistrationRequest,
    responses(
        (status = 202, description = "Registered; verification pending.", body = RegistrationStatus),
        (status = 400, description = "Malformed body.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`registration.id_number_taken`, `registration.licence_number_taken`, `registration.pending`, `registration.upgrade_password_mismatch` or `phone.taken`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named with its code.", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/registrations/lawyer")]
pub async fn register_lawyer(
    state: web::Data<AppState>,
    body: web::Json<LawyerRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let person = person(&mut errors, &body.id_number, &body.name, &body.phone);
    let gender = match trim_blanks(&body.gender) {
        g @ ("男" | "女") => Some(g.to_owned()),
        "" => {
            errors.push(FieldError::new("gender", Code::FieldRequired));
            None
        }
        _ => {
            errors.push(FieldError {
                field: "gender".into(),
                code: Code::FieldRequired,
                message: Some("性别应为“男”或“女”。".into()),
            });
            None
        }
    };
    let ethnicity = short_text(&mut errors, "ethnicity", &body.ethnicity, 20);
    let licence = licence_from_json(&body.licence_number)
        .map_err(|code| errors.push(FieldError::new("licence_number", code)))
        .ok();
    let licence_date = date(&mut errors, "licence_date", &body.licence_date);
    let qualification_number = short_text(
        &mut errors,
        "qualification_number",
        &body.qualification_number,
        40,
    );
    let qualification_date = date(&mut errors, "qualification_date", &body.qualification_date);
    let practice_start_date = date(
        &mut errors,
        "practice_start_date",
        &body.practice_start_date,
    );
    let law_firm = OrganisationName::parse(&body.law_firm)
        .map_err(|code| errors.push(FieldError::new("law_firm", code)))
        .ok();
    if trim_blanks(&body.password).is_empty() {
        errors.push(FieldError::new("password", Code::PasswordRequired));
    }
    let fields = (
        person,
        gender,
        ethnicity,
        licence,
        licence_date,
        qualification_number,
        qualification_date,
        practice_start_date,
        law_firm,
    );
    let (
        Some((id_number, name, phone)),
        Some(gender),
        Some(ethnicity),
        Some(licence),
        Some(licence_date),
        Some(qualification_number),
        Some(qualification_date),
        Some(practice_start_date),
        Some(law_firm),
    ) = fields
    else {
        return Err(ApiError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let record = LawyerRecord {
        name: name.as_str().to_owned(),
        gender,
        ethnicity,
        id_number: id_number.as_str().to_owned(),
        licence_number: licence.as_str().to_owned(),
        licence_date,
        qualification_number,
        qualification_date,
        practice_start_date,
        phone: phone.as_str().to_owned(),
        law_firm: law_firm.as_str().to_owned(),
    };

    let password = body.password;
    let registration = state
        .with_conn(move |conn| {
            // Hash outside the transaction (it is slow); an upgrade checks the password
            // against the existing account inside it instead.
            registrations::check_upgrade_password(conn, &record.id_number, &password)?;
            let password_hash = hash_password(&password).map_err(ApiError::internal)?;
            let application = LawyerApplication {
                record,
                password,
                password_hash,
            };
            conn.transaction(|conn| registrations::register_lawyer(conn, &application))
        })
        .await?;
    Ok(accepted(&registration))
}

/// Get a registration
///
/// Where a registration stands. Anyone holding its id (returned at registration) may ask.
#[utoipa::path(
    tag = "registrations",
    params(("id" = Uuid, Path, description = "Registration id.")),
    responses(
        (status = 200, description = "The registration.", body = RegistrationStatus),
        (status = 400, description = "The id is not a UUID.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`registration.not_found`.", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/registrations/{id}")]
pub async fn get_registration(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<RegistrationStatus>, ApiError> {
    let id = id.into_inner();
    let registration = state
        .with_conn(move |conn| Ok(crate::store::registrations::find(conn, id)?))
        .await?
        .ok_or_else(|| ApiError::new(Code::RegistrationNotFound))?;
    Ok(web::Json(RegistrationStatus::from(&registration)))
}
