//! Queries over the reference data: courts, causes of action, case types.

use diesel::PgConnection;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::schema::{case_types, causes_of_action, courts, retired_court_codes};

diesel::define_sql_function! {
    /// Position of `needle` in `haystack` (1-based), 0 when absent: a literal substring test
    /// in which `%`, `_` and `\` are ordinary characters.
    fn strpos(haystack: Text, needle: Text) -> diesel::sql_types::Integer;
}

/// One court.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = courts)]
pub struct Court {
    pub code: String,
    pub name: String,
    pub full_name: String,
    pub level: String,
    pub tier: String,
    pub parent_code: Option<String>,
    pub city: String,
    pub in_qingdao_jurisdiction: bool,
}

/// Filters of the court list; all optional.
#[derive(Debug, Default, Clone)]
pub struct CourtFilter<'a> {
    /// Literal substring of the name, full name or code.
    pub text: Option<&'a str>,
    pub level: Option<&'a str>,
    pub parent: ParentFilter<'a>,
}

/// Which superior court the listed courts must have.
#[derive(Debug, Default, Clone, Copy)]
pub enum ParentFilter<'a> {
    /// Any.
    #[default]
    Any,
    /// None: the top of the tree.
    Top,
    /// This one.
    Court(&'a str),
}

/// Courts matching `filter`, in code order (which walks the tree: 鲁, 鲁01, 鲁0102, …).
pub fn list_courts(conn: &mut PgConnection, filter: &CourtFilter<'_>) -> QueryResult<Vec<Court>> {
    let mut query = courts::table.select(Court::as_select()).into_boxed();
    if let Some(text) = filter.text.filter(|t| !t.is_empty()) {
        query = query.filter(
            strpos(courts::name, text)
                .gt(0)
                .or(strpos(courts::full_name, text).gt(0))
                .or(strpos(courts::code, text).gt(0)),
        );
    }
    if let Some(level) = filter.level {
        query = query.filter(courts::level.eq(level));
    }
    match filter.parent {
        ParentFilter::Any => {}
        ParentFilter::Top => query = query.filter(courts::parent_code.is_null()),
        ParentFilter::Court(parent) => query = query.filter(courts::parent_code.eq(parent)),
    }
    query.order(sql::<Text>("code COLLATE \"C\"")).load(conn)
}

/// The court with `code`, if it is in force.
pub fn find_court(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Court>> {
    courts::table
        .find(code)
        .select(Court::as_select())
        .first(conn)
        .optional()
}

/// The courts directly below `code`, in code order.
pub fn child_courts(conn: &mut PgConnection, code: &str) -> QueryResult<Vec<Court>> {
    courts::table
        .filter(courts::parent_code.eq(code))
        .select(Court::as_select())
        .order(sql::<Text>("code COLLATE \"C\""))
        .load(conn)
}

/// A court code no longer in force, with the court that took over.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = retired_court_codes)]
pub struct RetiredCourtCode {
    pub old_code: String,
    pub old_name: String,
    pub successor_code: String,
}

/// Every retired court code.
pub fn retired_court_codes(conn: &mut PgConnection) -> QueryResult<Vec<RetiredCourtCode>> {
    retired_court_codes::table
        .select(RetiredCourtCode::as_select())
        .order(retired_court_codes::old_code)
        .load(conn)
}

/// The case-number type codes (代字) of the national standard.
pub fn case_type_codes(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    case_types::table
        .filter(case_types::code.is_not_null())
        .select(case_types::code.assume_not_null())
        .distinct()
        .load(conn)
}

/// One cause of action, with whether it has children (to draw a tree lazily).
#[derive(Debug, Clone, QueryableByName)]
pub struct Cause {
    #[diesel(sql_type = Text)]
    pub list: String,
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = diesel::sql_types::SmallInt)]
    pub level: i16,
    #[diesel(sql_type = Text)]
    pub display_no: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub parent_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub path: String,
    #[diesel(sql_type = Bool)]
    pub has_children: bool,
}

/// Filters of the cause list.
#[derive(Debug, Clone)]
pub struct CauseFilter<'a> {
    /// `2025` or `2020`.
    pub list: &'a str,
    /// Literal substring of the name.
    pub text: Option<&'a str>,
    /// Only the direct children of this cause; `Some("")` means the top level.
    pub parent_id: Option<&'a str>,
}

/// Causes matching `filter`, in the published order (a depth-first walk of the tree).
pub fn list_causes(conn: &mut PgConnection, filter: &CauseFilter<'_>) -> QueryResult<Vec<Cause>> {
    diesel::sql_query(
        "SELECT c.list, c.id, c.level, c.display_no, c.name, c.parent_id, c.path,
                EXISTS (SELECT 1 FROM causes_of_action k
                        WHERE k.list = c.list AND k.parent_id = c.id) AS has_children
         FROM causes_of_action c
         WHERE c.list = $1
           AND ($2 = '' OR strpos(c.name, $2) > 0)
           AND ($3::text IS NULL
                OR ($3 = '' AND c.parent_id IS NULL)
                OR c.parent_id = $3)
         ORDER BY c.sort_key",
    )
    .bind::<Text, _>(filter.list)
    .bind::<Text, _>(filter.text.unwrap_or(""))
    .bind::<diesel::sql_types::Nullable<Text>, _>(filter.parent_id)
    .load(conn)
}

/// Whether cause `id` exists in `list`.
pub fn cause_exists(conn: &mut PgConnection, list: &str, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        causes_of_action::table
            .filter(causes_of_action::list.eq(list))
            .filter(causes_of_action::id.eq(id)),
    ))
    .get_result(conn)
}

/// The codes a case number is checked against: this province's courts (in force and
/// retired) and the national case-type codes.
#[derive(Debug, Clone, Default)]
pub struct CaseNumberCodes {
    courts: std::collections::HashSet<String>,
    type_codes: std::collections::HashSet<String>,
}

/// The province abbreviation that starts every court code of this platform.
const PROVINCE: char = '鲁';

impl CaseNumberCodes {
    /// Reads the codes from the reference tables.
    pub fn load(conn: &mut PgConnection) -> QueryResult<CaseNumberCodes> {
        let mut courts: std::collections::HashSet<String> = courts::table
            .select(courts::code)
            .load::<String>(conn)?
            .into_iter()
            .collect();
        courts.extend(
            retired_court_codes(conn)?
                .into_iter()
                .map(|retired| retired.old_code),
        );
        let type_codes = case_type_codes(conn)?.into_iter().collect();
        Ok(CaseNumberCodes { courts, type_codes })
    }
}

impl crate::domain::case_number::CourtCodes for CaseNumberCodes {
    /// Courts of this province must be in the table (retired codes included, for older
    /// numbers); other provinces' courts, which appear in enforcement bases, are only
    /// checked for their shape by the parser, since their tables are not held here.
    fn is_known_court(&self, code: &str) -> bool {
        !code.starts_with(PROVINCE) || self.courts.contains(code)
    }

    /// A national type code, or one of the intellectual-property tribunals' codes, which
    /// put 知 before a national code (知民终).
    fn is_known_type_code(&self, code: &str) -> bool {
        self.type_codes.contains(code)
            || code
                .strip_prefix('知')
                .is_some_and(|rest| self.type_codes.contains(rest))
    }
}

/// The reference data filings are checked against, read into memory.
pub fn load_catalogue(conn: &mut PgConnection) -> QueryResult<crate::domain::catalogue::Catalogue> {
    use super::schema::private_prosecution_charges as charges;
    use crate::domain::catalogue::{Catalogue, CauseFacts, ChargeFacts, CourtFacts};
    use crate::domain::kinds::Tier;

    let courts: Vec<(String, String, String, Option<String>)> = courts::table
        .select((
            courts::code,
            courts::name,
            courts::tier,
            courts::parent_code,
        ))
        .load(conn)?;
    let courts = courts
        .into_iter()
        .filter_map(|(code, name, tier, parent_code)| {
            Some(CourtFacts {
                code,
                name,
                tier: Tier::parse(&tier)?,
                parent_code,
            })
        });
    let retired = retired_court_codes(conn)?
        .into_iter()
        .map(|r| (r.old_code, r.successor_code));
    let causes: Vec<(String, String, i16, Option<String>)> = causes_of_action::table
        .filter(causes_of_action::list.eq(CURRENT_CIVIL_CAUSES))
        .select((
            causes_of_action::id,
            causes_of_action::name,
            causes_of_action::level,
            causes_of_action::parent_id,
        ))
        .load(conn)?;
    let causes = causes
        .into_iter()
        .map(|(id, name, level, parent_id)| CauseFacts {
            id,
            name,
            level,
            parent_id,
        });
    let charges = charges::table
        .select((charges::id, charges::charge))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .map(|(id, charge)| ChargeFacts { id, charge });
    let special_procedures: Vec<(String, String)> = case_types::table
        .filter(case_types::type_code.between("0310", "0323"))
        .select((case_types::type_code, case_types::name))
        .load(conn)?;
    Ok(Catalogue::new(
        courts,
        retired,
        case_type_codes(conn)?,
        causes,
        charges,
        special_procedures,
    ))
}

/// The civil causes-of-action list new filings choose from.
pub const CURRENT_CIVIL_CAUSES: &str = "2025";
