//! Causes of action: the published lists, searchable, as a tree.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::text::trim_blanks;
use crate::errors::Code;
use crate::http::AppState;
use crate::http::pagination::Items;
use crate::http::problem::{ApiError, FieldError, Problem};
use crate::store::reference::{self, CauseFilter};

/// A cause of action.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "108.3", "list": "2025", "level": 4, "display_no": "(3)",
    "name": "民间借贷纠纷", "parent_id": "108",
    "path": "合同、准合同纠纷 > 合同纠纷 > 借款合同纠纷 > 民间借贷纠纷", "has_children": false
}))]
pub struct Cause {
    /// Identifier within its list: `P1`… for parts, `S1`… for level 2, the official number
    /// for level 3 (`84`), and e.g. `84.8` for level 4.
    pub id: String,
    /// The list: `2025` (in force since 2026-01-01) or `2020` (kept for older cases).
    pub list: String,
    /// Depth, 1 (part) to 4.
    pub level: i16,
    /// The number as printed (`第四部分`, `十、`, `84.`, `(8)`).
    pub display_no: String,
    pub name: String,
    /// The enclosing cause; null for parts.
    pub parent_id: Option<String>,
    /// Names from the top down, joined by ` > `.
    pub path: String,
    /// Whether the cause has sub-causes.
    pub has_children: bool,
}

/// Filters of the cause list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CauseQuery {
    /// Text contained in the name, matched literally; at most 50 characters.
    #[param(example = "借贷")]
    pub q: Option<String>,
    /// `2025` (default) or `2020`.
    #[param(example = "2025")]
    pub list: Option<String>,
    /// Only the direct children of this cause; an empty value gives the top level.
    #[param(example = "108")]
    pub parent: Option<String>,
}

/// List causes of action
///
/// The causes of one list in the published order (a depth-first walk of the tree, so a
/// client can indent by `level`), filtered by a literal text match on the name and/or by
/// parent. Each item says whether it has children, so a tree can be opened level by level
/// with `parent`.
#[utoipa::path(
    tag = "reference",
    params(CauseQuery),
    responses(
        (status = 200, description = "The matching causes.", body = Items<Cause>),
        (status = 400, description = "Malformed query string.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "The parent cause does not exist in the list.",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown list or search text too long.", body = Problem,
         content_type = "application/problem+json")
    )
)]
#[get("/causes")]
pub async fn list_causes(
    state: web::Data<AppState>,
    query: web::Query<CauseQuery>,
) -> Result<web::Json<Items<Cause>>, ApiError> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let list = query
        .list
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("2025");
    if list != "2025" && list != "2020" {
        errors.push(FieldError {
            field: "list".into(),
            code: Code::CauseListInvalid,
            message: None,
        });
    }
    let text = query.q.as_deref().map(trim_blanks).unwrap_or("");
    if text.chars().count() > 50 {
        errors.push(FieldError {
            field: "q".into(),
            code: Code::QueryTooLong,
            message: None,
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }

    let list = list.to_owned();
    let text = text.to_owned();
    let parent = query.parent.as_deref().map(|p| trim_blanks(p).to_owned());
    let causes = state
        .with_conn(move |conn| {
            if let Some(parent) = parent.as_deref().filter(|p| !p.is_empty())
                && !reference::cause_exists(conn, &list, parent)?
            {
                return Err(ApiError::new(Code::CauseNotFound));
            }
            let filter = CauseFilter {
                list: &list,
                text: Some(&text),
                parent_id: parent.as_deref(),
            };
            Ok(reference::list_causes(conn, &filter)?)
        })
        .await?;
    let items = causes
        .into_iter()
        .map(|c| Cause {
            id: c.id,
            list: c.list,
            level: c.level,
            display_no: c.display_no,
            name: c.name,
            parent_id: c.parent_id,
            path: c.path,
            has_children: c.has_children,
        })
        .collect();
    Ok(web::Json(Items { items }))
}
