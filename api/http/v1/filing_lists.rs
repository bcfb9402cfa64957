//! The lists filing forms choose from that are not causes of action: the charges of a
//! criminal private prosecution and the civil special procedures.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::errors::ApiError;
use crate::http::AppState;
use crate::http::pagination::Items;

/// A charge a victim may prosecute privately.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "charge": "侮辱罪"}))]
pub struct Charge {
    /// The value of `charge` in a filing.
    pub id: i32,
    pub charge: String,
}

/// List private-prosecution charges
///
/// The charges a criminal private prosecution can name (the `charge` field of a filing).
#[utoipa::path(
    tag = "reference",
    responses((status = 200, description = "The charges, by id.", body = Items<Charge>))
)]
#[get("/charges")]
pub async fn list_charges(
    state: web::Data<AppState>,
) -> Result<web::Json<Items<Charge>>, ApiError> {
    let state2 = state.clone();
    let catalogue = state.with_conn(move |conn| state2.catalogue(conn)).await?;
    Ok(web::Json(Items {
        items: catalogue
            .charges()
            .map(|c| Charge {
                id: c.id,
                charge: c.charge.clone(),
            })
            .collect(),
    }))
}

/// A civil special procedure.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type_code": "0317", "name": "实现担保物权案件", "supervision": false}))]
pub struct SpecialProcedure {
    /// The value of `special_procedure_type` in a filing.
    pub type_code: String,
    pub name: String,
    /// True for special procedure supervision (docketed as 民特监; the others as 民特).
    pub supervision: bool,
}

/// List civil special procedures
///
/// The thirteen special procedures and special procedure supervision, for the
/// `special_procedure_type` field of a civil special procedure filing.
#[utoipa::path(
    tag = "reference",
    responses((status = 200, description = "The procedures, by type code.", body = Items<SpecialProcedure>))
)]
#[get("/special-procedures")]
pub async fn list_special_procedures(
    state: web::Data<AppState>,
) -> Result<web::Json<Items<SpecialProcedure>>, ApiError> {
    let state2 = state.clone();
    let catalogue = state.with_conn(move |conn| state2.catalogue(conn)).await?;
    Ok(web::Json(Items {
        items: catalogue
            .special_procedures()
            .map(|(code, name)| SpecialProcedure {
                supervision: code == SUPERVISION,
                type_code: code.to_owned(),
                name: name.to_owned(),
            })
            .collect(),
    }))
}

/// The type code of special procedure supervision.
const SUPERVISION: &str = "0323";
