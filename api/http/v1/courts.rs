//! Courts: the province's court tree, searchable by name or code.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::text::{fold_width, trim_blanks};
use crate::errors::Code;
use crate::http::AppState;
use crate::http::pagination::Items;
use crate::http::problem::{ApiError, FieldError, Problem};
use crate::store::reference::{self, CourtFilter, ParentFilter};

/// Longest search text accepted, in characters.
const MAX_QUERY_CHARS: usize = 50;

/// A court.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "鲁0102", "name": "济南市历下区人民法院", "full_name": "山东省济南市历下区人民法院",
    "level": "basic", "tier": "basic", "parent_code": "鲁01", "city": "济南市",
    "in_qingdao_jurisdiction": false
}))]
pub struct CourtSummary {
    /// The court part of case numbers, e.g. `鲁0102`.
    pub code: String,
    /// Common name.
    pub name: String,
    /// Name as printed on judgments.
    pub full_name: String,
    /// `high`, `intermediate`, `special` (railway and maritime courts) or `basic`.
    pub level: String,
    /// Trial tier: `high`, `intermediate` or `basic`.
    pub tier: String,
    /// Code of the superior court; null for the high court.
    pub parent_code: Option<String>,
    /// City the court sits in.
    pub city: String,
    /// Whether court fees are paid through the Qingdao channel (the Qingdao intermediate
    /// court and its basic courts).
    pub in_qingdao_jurisdiction: bool,
}

impl From<reference::Court> for CourtSummary {
    fn from(court: reference::Court) -> CourtSummary {
        CourtSummary {
            code: court.code,
            name: court.name,
            full_name: court.full_name,
            level: court.level,
            tier: court.tier,
            parent_code: court.parent_code,
            city: court.city,
            in_qingdao_jurisdiction: court.in_qingdao_jurisdiction,
        }
    }
}

/// A court with its place in the tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CourtDetail {
    #[serde(flatten)]
    pub court: CourtSummary,
    /// The superior court; null for the high court.
    pub parent: Option<CourtSummary>,
    /// The courts directly below, in code order.
    pub children: Vec<CourtSummary>,
}

/// Filters of the court list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourtQuery {
    /// Text contained in the court's name or code, matched literally (`%`, `_` and `\` are
    /// ordinary characters); at most 50 characters.
    #[param(example = "历下")]
    pub q: Option<String>,
    /// Only courts of this level.
    #[param(value_type = Option<String>, example = "basic")]
    pub level: Option<String>,
    /// Only the courts directly below this court code; empty: the top of the tree (the
    /// high court). An unknown code answers 404 `court.not_found`.
    #[param(example = "鲁01")]
    pub parent: Option<String>,
}

const LEVELS: [&str; 4] = ["high", "intermediate", "special", "basic"];

/// List courts
///
/// The courts of the province in code order (which walks the tree from the high court
/// down), optionally filtered by a literal text match on name or code, by level and by
/// superior court. Answers `{"items": [...]}` with every match (there are 158 courts).
#[utoipa::path(
    tag = "reference",
    params(CourtQuery),
    responses(
        (status = 200, description = "The matching courts.", body = Items<CourtSummary>,
         example = json!({"items": [{
            "code": "鲁0102", "name": "济南市历下区人民法院",
            "full_name": "山东省济南市历下区人民法院", "level": "basic", "tier": "basic",
            "parent_code": "鲁01", "city": "济南市", "in_qingdao_jurisdiction": false}]})),
        (status = 400, description = "Malformed query string.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "Unknown level or search text too long.", body = Problem,
         content_type = "application/problem+json")
    )
)]
#[get("/courts")]
pub async fn list_courts(
    state: web::Data<AppState>,
    query: web::Query<CourtQuery>,
) -> Result<web::Json<Items<CourtSummary>>, ApiError> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let text = query.q.as_deref().map(clean).unwrap_or_default();
    if text.chars().count() > MAX_QUERY_CHARS {
        errors.push(FieldError {
            field: "q".into(),
            code: Code::QueryTooLong,
            message: None,
        });
    }
    let level = query
        .level
        .as_deref()
        .map(|l| trim_blanks(l).to_ascii_lowercase())
        .filter(|l| !l.is_empty());
    if level.as_deref().is_some_and(|l| !LEVELS.contains(&l)) {
        errors.push(FieldError {
            field: "level".into(),
            code: Code::CourtLevelInvalid,
            message: None,
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }

    let parent = query.parent.as_deref().map(clean);
    let courts = state
        .with_conn(move |conn| {
            // An empty parent asks for the top of the tree; an unknown one is an error,
            // as for causes of action.
            let parent = match parent.as_deref() {
                Some("") => ParentFilter::Top,
                Some(code) if reference::find_court(conn, code)?.is_none() => {
                    return Err(ApiError::new(Code::CourtNotFound));
                }
                Some(code) => ParentFilter::Court(code),
                None => ParentFilter::Any,
            };
            let filter = CourtFilter {
                text: Some(&text),
                level: level.as_deref(),
                parent,
            };
            Ok(reference::list_courts(conn, &filter)?)
        })
        .await?;
    Ok(web::Json(Items {
        items: courts.into_iter().map(CourtSummary::from).collect(),
    }))
}

/// Get a court
///
/// One court by its code, with its superior court and the courts directly below it. A code
/// that was retired (a county that became a district, say) answers 404 `court.retired` with
/// the court that took over in `successor_code`.
#[utoipa::path(
    tag = "reference",
    params(("code" = String, Path, description = "Court code, e.g. 鲁02.", example = "鲁02")),
    responses(
        (status = 200, description = "The court.", body = CourtDetail),
        (status = 404, description = "`court.not_found`, or `court.retired` with `successor_code`.", body = Problem,
         content_type = "application/problem+json")
    )
)]
#[get("/courts/{code}")]
pub async fn get_court(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<web::Json<CourtDetail>, ApiError> {
    let code = clean(&code);
    let detail = state
        .with_conn(move |conn| {
            let Some(court) = reference::find_court(conn, &code)? else {
                let retired = reference::retired_court_codes(conn)?
                    .into_iter()
                    .find(|r| r.old_code == code);
                return Err(match retired {
                    Some(r) => ApiError::new(Code::CourtRetired)
                        .with_detail(
                            format!(
                                "法院代字{}（{}）已停用，现为{}。",
                                r.old_code, r.old_name, r.successor_code
                            ),
                            format!(
                                "The court code {} ({}) is retired; its successor is {}.",
                                r.old_code, r.old_name, r.successor_code
                            ),
                        )
                        .with_extension("successor_code", r.successor_code.into()),
                    None => ApiError::new(Code::CourtNotFound),
                });
            };
            let parent = match &court.parent_code {
                Some(parent) => reference::find_court(conn, parent)?,
                None => None,
            };
            let children = reference::child_courts(conn, &court.code)?;
            Ok(CourtDetail {
                court: court.into(),
                parent: parent.map(Into::into),
                children: children.into_iter().map(Into::into).collect(),
            })
        })
        .await?;
    Ok(web::Json(detail))
}

/// Search text as typed: surrounding blanks trimmed, full-width letters and digits folded
/// (`鲁０１０２` is `鲁0102`).
fn clean(text: &str) -> String {
    trim_blanks(text).chars().map(fold_width).collect()
}
