//! Registered cases (pushed by the trial system or docketed here), their parties, and who
//! found which through a lookup.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use diesel::dsl::{exists, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde_json::Value;
use uuid::Uuid;

use super::schema::{
    filing_parties, filings, registered_case_access, registered_case_parties, registered_cases,
};

/// A registered case row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = registered_cases)]
pub struct CaseRow {
    pub id: Uuid,
    pub case_number: String,
    pub registration_number: String,
    pub court_code: String,
    pub year: i16,
    pub type_code: String,
    pub cause: Option<String>,
    pub status: String,
    pub registered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub judgment_document_number: Option<String>,
    pub source: String,
    pub filing_id: Option<Uuid>,
    pub pushed_by: Option<Uuid>,
    pub pushed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A party of a registered case.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = registered_case_parties)]
pub struct PartyRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub position: i16,
    pub role: String,
    pub party_type: String,
    pub name: String,
    pub identity_number: Option<String>,
    pub details: Value,
}

/// The facts of a case as a push or a docketing states them.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = registered_cases, treat_none_as_null = true)]
pub struct CaseValues<'a> {
    pub registration_number: &'a str,
    pub court_code: &'a str,
    pub year: i16,
    pub type_code: &'a str,
    pub cause: Option<&'a str>,
    pub status: &'a str,
    pub registered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub judgment_document_number: Option<&'a str>,
}

/// A party as it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyValues {
    pub role: String,
    pub party_type: String,
    pub name: String,
    pub identity_number: Option<String>,
    pub details: Value,
}

/// Where a new case comes from.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    TrialSystem { client: Uuid, at: DateTime<Utc> },
    Docketing { filing: Uuid },
}

/// The case numbered `case_number`, locked for the rest of the transaction when `lock`.
pub fn find_by_number(
    conn: &mut PgConnection,
    case_number: &str,
    lock: bool,
) -> QueryResult<Option<CaseRow>> {
    let query = registered_cases::table
        .filter(registered_cases::case_number.eq(case_number))
        .select(CaseRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<CaseRow>> {
    registered_cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// The case opened by this pair of numbers.
pub fn find_by_numbers(
    conn: &mut PgConnection,
    case_number: &str,
    registration_number: &str,
) -> QueryResult<Option<CaseRow>> {
    registered_cases::table
        .filter(registered_cases::case_number.eq(case_number))
        .filter(registered_cases::registration_number.eq(registration_number))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// Which cases a lookup by party details may find.
#[derive(Debug, Clone, Default)]
pub struct PartyLookupFilter {
    /// Type codes accepted (with and without a knowledge-property `知`); empty: any.
    pub type_codes: Vec<String>,
    /// Only closed cases closed on or after this day (appeals).
    pub closed_since: Option<NaiveDate>,
}

/// Cases the trial system pushed in which a party of one of these names and this identity
/// number takes part, newest first. Cases only docketed here are left out: the trial system
/// serves them on the other parties first.
pub fn find_by_party(
    conn: &mut PgConnection,
    names: &[String],
    identity_number: &str,
    filter: &PartyLookupFilter,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    let mut query = registered_cases::table
        .filter(registered_cases::pushed_at.is_not_null())
        .filter(exists(
            registered_case_parties::table
                .filter(registered_case_parties::case_id.eq(registered_cases::id))
                .filter(registered_case_parties::identity_number.eq(identity_number))
                .filter(registered_case_parties::name.eq_any(names)),
        ))
        .into_boxed();
    if !filter.type_codes.is_empty() {
        query = query.filter(registered_cases::type_code.eq_any(&filter.type_codes));
    }
    if let Some(since) = filter.closed_since {
        query = query
            .filter(registered_cases::status.eq("closed"))
            .filter(registered_cases::closed_on.ge(since));
    }
    query
        .order((registered_cases::created_at.desc(), registered_cases::id))
        .limit(limit)
        .select(CaseRow::as_select())
        .load(conn)
}

/// Whether `account` filed — submitted, and not rejected — a filing in which a party on the
/// filer's side has this identity number: the account is that party, or acted for it.
pub fn filed_for(
    conn: &mut PgConnection,
    account: Uuid,
    identity_number: &str,
) -> QueryResult<bool> {
    diesel::select(exists(
        filings::table
            .inner_join(filing_parties::table)
            .filter(filings::filer_account_id.eq(account))
            .filter(filings::status.ne_all(["draft", "rejected"]))
            .filter(filing_parties::role.eq_any([
                "plaintiff",
                "applicant",
                "appellant",
                "private_prosecutor",
            ]))
            .filter(
                sql::<Bool>("coalesce(filing_parties.details ->> 'credit_code', filing_parties.details ->> 'document_number') = ")
                    .bind::<Text, _>(identity_number),
            ),
    ))
    .get_result(conn)
}

/// Whether another case or an online filing holds this registration number.
pub fn registration_number_used(
    conn: &mut PgConnection,
    registration_number: &str,
) -> QueryResult<bool> {
    let by_case = diesel::select(exists(
        registered_cases::table
            .filter(registered_cases::registration_number.eq(registration_number)),
    ))
    .get_result::<bool>(conn)?;
    if by_case {
        return Ok(true);
    }
    diesel::select(exists(
        filings::table.filter(filings::registration_number.eq(registration_number)),
    ))
    .get_result(conn)
}

/// Records a new case.
pub fn insert(
    conn: &mut PgConnection,
    case_number: &str,
    values: &CaseValues<'_>,
    origin: Origin,
) -> QueryResult<CaseRow> {
    let (source, filing, client, pushed_at) = match origin {
        Origin::TrialSystem { client, at } => ("trial_system", None, Some(client), Some(at)),
        Origin::Docketing { filing } => ("docketing", Some(filing), None, None),
    };
    diesel::insert_into(registered_cases::table)
        .values((
            registered_cases::id.eq(Uuid::new_v4()),
            registered_cases::case_number.eq(case_number),
            values,
            registered_cases::source.eq(source),
            registered_cases::filing_id.eq(filing),
            registered_cases::pushed_by.eq(client),
            registered_cases::pushed_at.eq(pushed_at),
        ))
        .returning(CaseRow::as_returning())
        .get_result(conn)
}

/// Applies a push to a known case.
pub fn update_pushed(
    conn: &mut PgConnection,
    id: Uuid,
    values: &CaseValues<'_>,
    client: Uuid,
    at: DateTime<Utc>,
    changed: bool,
) -> QueryResult<CaseRow> {
    let query = diesel::update(registered_cases::table.find(id));
    if changed {
        query
            .set((
                values,
                registered_cases::pushed_by.eq(client),
                registered_cases::pushed_at.eq(at),
                registered_cases::updated_at.eq(at),
            ))
            .returning(CaseRow::as_returning())
            .get_result(conn)
    } else {
        query
            .set((
                registered_cases::pushed_by.eq(client),
                registered_cases::pushed_at.eq(at),
            ))
            .returning(CaseRow::as_returning())
            .get_result(conn)
    }
}

/// The parties of a case in the court's order.
pub fn parties(conn: &mut PgConnection, case_id: Uuid) -> QueryResult<Vec<PartyRow>> {
    registered_case_parties::table
        .filter(registered_case_parties::case_id.eq(case_id))
        .order(registered_case_parties::position)
        .select(PartyRow::as_select())
        .load(conn)
}

/// Replaces the parties of a case. A party keeps its id across pushes — matched by its
/// identity number, or by name and role when it has none — whatever its position, so that
/// an id a caller holds never comes to name someone else.
pub fn replace_parties(
    conn: &mut PgConnection,
    case_id: Uuid,
    parties: &[PartyValues],
) -> QueryResult<()> {
    let mut existing = self::parties(conn, case_id)?;
    diesel::delete(
        registered_case_parties::table.filter(registered_case_parties::case_id.eq(case_id)),
    )
    .execute(conn)?;
    let rows: Vec<_> = parties
        .iter()
        .enumerate()
        .map(|(position, party)| {
            let same = existing
                .iter()
                .position(|old| match &party.identity_number {
                    Some(number) => old.identity_number.as_ref() == Some(number),
                    None => {
                        old.identity_number.is_none()
                            && old.name == party.name
                            && old.role == party.role
                    }
                });
            let id = same.map_or_else(Uuid::new_v4, |index| existing.swap_remove(index).id);
            (
                registered_case_parties::id.eq(id),
                registered_case_parties::case_id.eq(case_id),
                registered_case_parties::position.eq(i16::try_from(position).unwrap_or(i16::MAX)),
                registered_case_parties::role.eq(&party.role),
                registered_case_parties::party_type.eq(&party.party_type),
                registered_case_parties::name.eq(&party.name),
                registered_case_parties::identity_number.eq(&party.identity_number),
                registered_case_parties::details.eq(&party.details),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(registered_case_parties::table)
            .values(rows)
            .execute(conn)?;
    }
    Ok(())
}

/// Records that `account` found `case` through a lookup made `via` one of the two ways.
/// A repeated lookup refreshes `last_at` at most once an hour, so that the lookups of a
/// case already found write nothing.
pub fn grant(conn: &mut PgConnection, account: Uuid, case: Uuid, via: &str) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO registered_case_access AS a (account_id, case_id, via) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, case_id) DO UPDATE SET last_at = now()
         WHERE a.last_at < now() - interval '1 hour'",
    )
    .bind::<diesel::sql_types::Uuid, _>(account)
    .bind::<diesel::sql_types::Uuid, _>(case)
    .bind::<Text, _>(via)
    .execute(conn)?;
    Ok(())
}

/// Whether `account` found `case` through a lookup before.
pub fn has_access(conn: &mut PgConnection, account: Uuid, case: Uuid) -> QueryResult<bool> {
    diesel::select(exists(registered_case_access::table.find((account, case)))).get_result(conn)
}

/// Whether `identity_number` (a verified account's) is a party of `case`, once the trial
/// system has pushed it.
pub fn is_party(conn: &mut PgConnection, case: Uuid, identity_number: &str) -> QueryResult<bool> {
    diesel::select(exists(
        registered_case_parties::table
            .inner_join(registered_cases::table)
            .filter(registered_case_parties::case_id.eq(case))
            .filter(registered_cases::pushed_at.is_not_null())
            .filter(registered_case_parties::identity_number.eq(identity_number)),
    ))
    .get_result(conn)
}

/// Locks a case number for the rest of the transaction, whether or not a case has it yet:
/// pushes of one case wait for each other.
pub fn lock_number(conn: &mut PgConnection, case_number: &str) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))")
        .bind::<Text, _>(case_number)
        .execute(conn)?;
    Ok(())
}

/// Locks the case for the rest of the transaction: drafts made from one case wait for each
/// other, so that the rules on unfinished drafts and earlier appeals hold.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> QueryResult<()> {
    registered_cases::table
        .find(id)
        .select(registered_cases::id)
        // Not FOR UPDATE: lookups recording their find (a foreign key to the case) go on.
        .for_no_key_update()
        .first::<Uuid>(conn)
        .optional()?;
    Ok(())
}

/// The unfinished (draft) filing of `account` of one of `kinds` whose original case is
/// `case_number`, other than `except`, if there is one.
pub fn unfinished_draft(
    conn: &mut PgConnection,
    account: Uuid,
    kinds: &[&str],
    case_number: &str,
    except: Option<Uuid>,
) -> QueryResult<Option<Uuid>> {
    let mut query = filings::table
        .filter(filings::filer_account_id.eq(account))
        .into_boxed();
    if let Some(except) = except {
        query = query.filter(filings::id.ne(except));
    }
    query
        .filter(filings::status.eq("draft"))
        .filter(filings::kind.eq_any(kinds))
        .filter(
            sql::<Bool>("(content -> 'original_case' ->> 'case_number') = ")
                .bind::<Text, _>(case_number),
        )
        .order(filings::created_at)
        .select(filings::id)
        .first(conn)
        .optional()
}

/// The identity number of a filing party as stored (its `details`): an organisation's
/// credit code or a person's document number.
pub fn identity_in_details(details: &Value) -> Option<&str> {
    details["credit_code"]
        .as_str()
        .or(details["document_number"].as_str())
}

/// The keys an appellant is told apart by: the identity number; and the name of an
/// organisation (whatever type or code it was entered with) or of a person who has no
/// identity number (an unnamed person).
pub fn appellant_keys_of(
    identity_number: Option<&str>,
    name: &str,
    party_type: &str,
) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(number) = identity_number {
        keys.push(number.to_owned());
    }
    if identity_number.is_none() || party_type != "natural_person" {
        keys.push(format!("name:{name}"));
    }
    keys
}

/// The keys ([`appellant_keys_of`]) of the appellants of every appeal of `case_number`
/// that stands against a second appeal by them, leaving out the filing `except`: a
/// submitted appeal that was not rejected, or a saved draft the appellant made themselves
/// (a draft by someone else naming them does not stop them appealing).
pub fn appellant_keys(
    conn: &mut PgConnection,
    kinds: &[&str],
    case_number: &str,
    except: Option<Uuid>,
) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        identity: Option<String>,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        party_type: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT DISTINCT coalesce(p.details ->> 'credit_code', p.details ->> 'document_number')
                AS identity, p.name, p.party_type
           FROM filings f
           JOIN filing_parties p ON p.filing_id = f.id
           JOIN accounts a ON a.id = f.filer_account_id
          WHERE f.kind = ANY($1)
            AND (f.content -> 'original_case' ->> 'case_number') = $2
            AND f.status <> 'rejected'
            AND f.id IS DISTINCT FROM $3
            AND p.role = 'appellant'
            AND (f.status <> 'draft' OR a.id_number = p.details ->> 'document_number')",
    )
    .bind::<diesel::sql_types::Array<Text>, _>(kinds)
    .bind::<Text, _>(case_number)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(except)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .flat_map(|r| appellant_keys_of(r.identity.as_deref(), &r.name, &r.party_type))
        .collect())
}
