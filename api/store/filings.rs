//! Filings with their parties, agents and attached materials.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use serde_json::Value;
use uuid::Uuid;

use super::materials::MaterialRow;
use super::reference::strpos;
use super::schema::{
    filing_agent_parties, filing_agents, filing_materials, filing_parties, filings, materials,
};

/// A filing row.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = filings)]
pub struct FilingRow {
    pub id: Uuid,
    pub filer_account_id: Uuid,
    pub kind: String,
    pub court_code: Option<String>,
    pub status: String,
    pub content: Value,
    pub payer_party_id: Option<Uuid>,
    pub refundee_party_id: Option<Uuid>,
    pub version: i32,
    pub filing_reference: Option<String>,
    pub case_number: Option<String>,
    pub registration_number: Option<String>,
    pub rejection_reason: Option<String>,
    pub created_via: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// A new draft.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = filings)]
pub struct NewFiling<'a> {
    pub id: Uuid,
    pub filer_account_id: Uuid,
    pub kind: &'a str,
    pub court_code: Option<&'a str>,
    pub content: &'a Value,
    pub created_via: Option<&'a str>,
}

pub fn insert(conn: &mut PgConnection, filing: &NewFiling<'_>) -> QueryResult<FilingRow> {
    diesel::insert_into(filings::table)
        .values(filing)
        .returning(FilingRow::as_returning())
        .get_result(conn)
}

/// The filing `id` of `filer`, locked for the rest of the transaction.
pub fn lock_for_filer(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
) -> QueryResult<Option<FilingRow>> {
    filings::table
        .find(id)
        .filter(filings::filer_account_id.eq(filer))
        .select(FilingRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// The filing `id` of `filer`.
pub fn find_for_filer(
    conn: &mut PgConnection,
    id: Uuid,
    filer: Uuid,
) -> QueryResult<Option<FilingRow>> {
    filings::table
        .find(id)
        .filter(filings::filer_account_id.eq(filer))
        .select(FilingRow::as_select())
        .first(conn)
        .optional()
}

/// What a change of the draft itself sets.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = filings, treat_none_as_null = true)]
pub struct DraftChanges<'a> {
    pub court_code: Option<&'a str>,
    pub content: &'a Value,
    pub payer_party_id: Option<Uuid>,
    pub refundee_party_id: Option<Uuid>,
}

/// Applies `changes` and counts a new version.
pub fn update_draft(
    conn: &mut PgConnection,
    id: Uuid,
    changes: &DraftChanges<'_>,
) -> QueryResult<FilingRow> {
    diesel::update(filings::table.find(id))
        .set((
            changes,
            filings::version.eq(filings::version + 1),
            filings::updated_at.eq(diesel::dsl::now),
        ))
        .returning(FilingRow::as_returning())
        .get_result(conn)
}

/// Counts a new version after a change of the parties, agents or materials.
pub fn touch(conn: &mut PgConnection, id: Uuid) -> QueryResult<FilingRow> {
    diesel::update(filings::table.find(id))
        .set((
            filings::version.eq(filings::version + 1),
            filings::updated_at.eq(diesel::dsl::now),
        ))
        .returning(FilingRow::as_returning())
        .get_result(conn)
}

/// Clears the payer or refundee where it is `party` (its role no longer allows it).
pub fn clear_payer_choices(conn: &mut PgConnection, id: Uuid, party: Uuid) -> QueryResult<()> {
    diesel::update(
        filings::table
            .find(id)
            .filter(filings::payer_party_id.eq(party)),
    )
    .set(filings::payer_party_id.eq(None::<Uuid>))
    .execute(conn)?;
    diesel::update(
        filings::table
            .find(id)
            .filter(filings::refundee_party_id.eq(party)),
    )
    .set(filings::refundee_party_id.eq(None::<Uuid>))
    .execute(conn)?;
    Ok(())
}

/// Deletes a draft with its parties, agents and material attachments; materials no other
/// filing holds become unattached again.
pub fn delete(conn: &mut PgConnection, id: Uuid, now: DateTime<Utc>) -> QueryResult<()> {
    let attached: Vec<Uuid> = filing_materials::table
        .filter(filing_materials::filing_id.eq(id))
        .select(filing_materials::material_id)
        .load(conn)?;
    diesel::delete(filings::table.find(id)).execute(conn)?;
    release_unattached(conn, &attached, now)
}

/// A fresh number for a filing reference.
pub fn next_reference_number(conn: &mut PgConnection) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = BigInt)]
        value: i64,
    }
    diesel::sql_query("SELECT nextval('filing_reference_seq') AS value")
        .get_result::<Next>(conn)
        .map(|n| n.value)
}

/// Marks the filing submitted at `now`; the reference and first submission time are kept
/// when it was submitted before.
pub fn mark_submitted(
    conn: &mut PgConnection,
    id: Uuid,
    reference: &str,
    now: DateTime<Utc>,
) -> QueryResult<FilingRow> {
    diesel::update(filings::table.find(id))
        .set((
            filings::status.eq("submitted"),
            filings::filing_reference.eq(diesel::dsl::sql::<Nullable<Text>>(
                "COALESCE(filing_reference, ",
            )
            .bind::<Text, _>(reference)
            .sql(")")),
            filings::first_submitted_at.eq(diesel::dsl::sql::<Nullable<Timestamptz>>(
                "COALESCE(first_submitted_at, ",
            )
            .bind::<Timestamptz, _>(now)
            .sql(")")),
            filings::submitted_at.eq(now),
            filings::rejection_reason.eq(None::<String>),
            filings::version.eq(filings::version + 1),
            filings::updated_at.eq(now),
        ))
        .returning(FilingRow::as_returning())
        .get_result(conn)
}

/// Filters of "my cases"; every one that is set must match.
#[derive(Debug, Clone, Default)]
pub struct FilingFilter<'a> {
    pub status: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub court_code: Option<&'a str>,
    pub submitted_from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub submitted_before: Option<DateTime<Utc>>,
    pub case_number: Option<&'a str>,
    pub filing_reference: Option<&'a str>,
    pub registration_number: Option<&'a str>,
    /// A literal part of a party's name.
    pub party_name: Option<&'a str>,
    /// Only registered cases whose case number has one of these type codes (or the same
    /// with a knowledge-property `知`), in these statuses.
    pub eligible: Option<(&'a [&'a str], &'a [&'a str])>,
}

/// The filings of `filer` matching `filter`, newest first (ties by id), one page, with the
/// total count.
pub fn list_for_filer(
    conn: &mut PgConnection,
    filer: Uuid,
    filter: &FilingFilter<'_>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<FilingRow>, i64)> {
    let query = || {
        let mut query = filings::table
            .filter(filings::filer_account_id.eq(filer))
            .into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(filings::status.eq(status));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(filings::kind.eq(kind));
        }
        if let Some(court) = filter.court_code {
            query = query.filter(filings::court_code.eq(court));
        }
        if let Some(from) = filter.submitted_from {
            query = query.filter(filings::first_submitted_at.ge(from));
        }
        if let Some(before) = filter.submitted_before {
            query = query.filter(filings::first_submitted_at.lt(before));
        }
        if let Some(number) = filter.case_number {
            query = query.filter(filings::case_number.eq(number));
        }
        if let Some(reference) = filter.filing_reference {
            query = query.filter(filings::filing_reference.eq(reference));
        }
        if let Some(number) = filter.registration_number {
            query = query.filter(filings::registration_number.eq(number));
        }
        if let Some((type_codes, statuses)) = filter.eligible {
            // The type code sits between the court code's digits and the sequence:
            // （2026）鲁0102民初5号.
            let pattern = format!(
                "^（[0-9]{{4}}）[^0-9]+[0-9]*知?({})[0-9]+号",
                type_codes.join("|")
            );
            query = query
                .filter(filings::case_number.is_not_null())
                .filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("filings.case_number ~ ")
                        .bind::<diesel::sql_types::Text, _>(pattern),
                )
                .filter(filings::status.eq_any(statuses));
        }
        if let Some(name) = filter.party_name {
            query = query.filter(diesel::dsl::exists(
                filing_parties::table
                    .filter(filing_parties::filing_id.eq(filings::id))
                    .filter(strpos(filing_parties::name, name).gt(0)),
            ));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((filings::created_at.desc(), filings::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(FilingRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// A party row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filing_parties)]
pub struct PartyRow {
    pub id: Uuid,
    pub filing_id: Uuid,
    pub role: String,
    pub party_type: String,
    pub name: String,
    pub details: Value,
    pub created_at: DateTime<Utc>,
}

/// A party to store.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = filing_parties)]
pub struct PartyValues<'a> {
    pub role: &'a str,
    pub party_type: &'a str,
    pub name: &'a str,
    pub details: &'a Value,
}

pub fn insert_party(
    conn: &mut PgConnection,
    filing: Uuid,
    id: Uuid,
    party: &PartyValues<'_>,
) -> QueryResult<PartyRow> {
    diesel::insert_into(filing_parties::table)
        .values((
            filing_parties::id.eq(id),
            filing_parties::filing_id.eq(filing),
            // The wall clock, not the transaction's start: parties added in one transaction
            // (a draft made from a registered case) keep the order they were added in.
            filing_parties::created_at.eq(diesel::dsl::sql::<diesel::sql_types::Timestamptz>(
                "clock_timestamp()",
            )),
            party,
        ))
        .returning(PartyRow::as_returning())
        .get_result(conn)
}

pub fn update_party(
    conn: &mut PgConnection,
    id: Uuid,
    party: &PartyValues<'_>,
) -> QueryResult<PartyRow> {
    diesel::update(filing_parties::table.find(id))
        .set(party)
        .returning(PartyRow::as_returning())
        .get_result(conn)
}

/// Deletes a party; the payer or refundee choice falls with it (the foreign key sets it
/// to null), and so does its place in the agents' lists.
pub fn delete_party(conn: &mut PgConnection, filing: Uuid, id: Uuid) -> QueryResult<bool> {
    diesel::delete(
        filing_parties::table
            .find(id)
            .filter(filing_parties::filing_id.eq(filing)),
    )
    .execute(conn)
    .map(|n| n == 1)
}

pub fn parties(conn: &mut PgConnection, filing: Uuid) -> QueryResult<Vec<PartyRow>> {
    filing_parties::table
        .filter(filing_parties::filing_id.eq(filing))
        .order((filing_parties::created_at, filing_parties::id))
        .select(PartyRow::as_select())
        .load(conn)
}

pub fn find_party(
    conn: &mut PgConnection,
    filing: Uuid,
    id: Uuid,
) -> QueryResult<Option<PartyRow>> {
    filing_parties::table
        .find(id)
        .filter(filing_parties::filing_id.eq(filing))
        .select(PartyRow::as_select())
        .first(conn)
        .optional()
}

/// An agent row with the parties it represents.
#[derive(Debug, Clone)]
pub struct AgentRecord {
    pub id: Uuid,
    pub agent_type: String,
    pub name: String,
    pub details: Value,
    pub party_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filing_agents)]
struct AgentRow {
    id: Uuid,
    agent_type: String,
    name: String,
    details: Value,
    created_at: DateTime<Utc>,
}

/// An agent to store.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = filing_agents)]
pub struct AgentValues<'a> {
    pub agent_type: &'a str,
    pub name: &'a str,
    pub details: &'a Value,
}

/// Inserts or replaces agent `id` and the parties it represents.
pub fn save_agent(
    conn: &mut PgConnection,
    filing: Uuid,
    id: Uuid,
    agent: &AgentValues<'_>,
    party_ids: &[Uuid],
) -> QueryResult<()> {
    diesel::insert_into(filing_agents::table)
        .values((
            filing_agents::id.eq(id),
            filing_agents::filing_id.eq(filing),
            agent,
        ))
        .on_conflict(filing_agents::id)
        .do_update()
        .set(agent)
        .execute(conn)?;
    diesel::delete(filing_agent_parties::table.filter(filing_agent_parties::agent_id.eq(id)))
        .execute(conn)?;
    let links: Vec<_> = party_ids
        .iter()
        .map(|party| {
            (
                filing_agent_parties::filing_id.eq(filing),
                filing_agent_parties::agent_id.eq(id),
                filing_agent_parties::party_id.eq(*party),
            )
        })
        .collect();
    diesel::insert_into(filing_agent_parties::table)
        .values(&links)
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

pub fn delete_agent(conn: &mut PgConnection, filing: Uuid, id: Uuid) -> QueryResult<bool> {
    diesel::delete(
        filing_agents::table
            .find(id)
            .filter(filing_agents::filing_id.eq(filing)),
    )
    .execute(conn)
    .map(|n| n == 1)
}

pub fn agents(conn: &mut PgConnection, filing: Uuid) -> QueryResult<Vec<AgentRecord>> {
    let rows: Vec<AgentRow> = filing_agents::table
        .filter(filing_agents::filing_id.eq(filing))
        .order((filing_agents::created_at, filing_agents::id))
        .select(AgentRow::as_select())
        .load(conn)?;
    let links: Vec<(Uuid, Uuid)> = filing_agent_parties::table
        .inner_join(
            filing_parties::table.on(filing_parties::id
                .eq(filing_agent_parties::party_id)
                .and(filing_parties::filing_id.eq(filing_agent_parties::filing_id))),
        )
        .filter(filing_agent_parties::filing_id.eq(filing))
        .order(filing_parties::created_at)
        .select((
            filing_agent_parties::agent_id,
            filing_agent_parties::party_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| AgentRecord {
            party_ids: links
                .iter()
                .filter(|(agent, _)| *agent == row.id)
                .map(|(_, party)| *party)
                .collect(),
            id: row.id,
            agent_type: row.agent_type,
            name: row.name,
            details: row.details,
            created_at: row.created_at,
        })
        .collect())
}

/// A material as attached to a filing.
#[derive(Debug, Clone)]
pub struct AttachedMaterial {
    pub material: MaterialRow,
    /// What it is in this filing.
    pub category: String,
}

/// The materials attached to a filing, in the order they were attached.
pub fn materials(conn: &mut PgConnection, filing: Uuid) -> QueryResult<Vec<AttachedMaterial>> {
    let rows: Vec<(MaterialRow, String)> = filing_materials::table
        .inner_join(materials::table)
        .filter(filing_materials::filing_id.eq(filing))
        .order((filing_materials::attached_at, filing_materials::material_id))
        .select((MaterialRow::as_select(), filing_materials::category))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(material, category)| AttachedMaterial { material, category })
        .collect())
}

/// Attaches a material as `category` (again: the category is updated), marking it attached
/// so it is not purged.
pub fn attach_material(
    conn: &mut PgConnection,
    filing: Uuid,
    material: Uuid,
    category: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(filing_materials::table)
        .values((
            filing_materials::filing_id.eq(filing),
            filing_materials::material_id.eq(material),
            filing_materials::category.eq(category),
            filing_materials::attached_at.eq(now),
        ))
        .on_conflict((filing_materials::filing_id, filing_materials::material_id))
        .do_update()
        .set(filing_materials::category.eq(category))
        .execute(conn)?;
    diesel::update(materials::table.find(material))
        .set(materials::attached_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Marks the materials among `ids` that no filing holds any more as unattached, released
/// now (they are purged 24 hours later at the earliest).
fn release_unattached(
    conn: &mut PgConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let still_attached: Vec<Uuid> = filing_materials::table
        .filter(filing_materials::material_id.eq_any(ids))
        .select(filing_materials::material_id)
        .load(conn)?;
    let released: Vec<Uuid> = ids
        .iter()
        .filter(|id| !still_attached.contains(id))
        .copied()
        .collect();
    diesel::update(materials::table.filter(materials::id.eq_any(&released)))
        .set((
            materials::attached_at.eq(None::<DateTime<Utc>>),
            materials::released_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Detaches a material from a filing.
pub fn detach_material(
    conn: &mut PgConnection,
    filing: Uuid,
    material: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let removed = diesel::delete(
        filing_materials::table
            .filter(filing_materials::filing_id.eq(filing))
            .filter(filing_materials::material_id.eq(material)),
    )
    .execute(conn)?;
    if removed == 1 {
        release_unattached(conn, &[material], now)?;
    }
    Ok(removed == 1)
}

/// A non-draft filing `id` at `court`, locked when `lock`.
pub fn find_for_court(
    conn: &mut PgConnection,
    id: Uuid,
    court: &str,
    lock: bool,
) -> QueryResult<Option<FilingRow>> {
    let query = filings::table
        .find(id)
        .filter(filings::court_code.eq(court))
        .filter(filings::status.ne("draft"))
        .select(FilingRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// The filings waiting for review at `court`, the longest waiting first (ties by id),
/// optionally of one kind and submitted before a time.
pub fn review_queue(
    conn: &mut PgConnection,
    court: &str,
    kind: Option<&str>,
    submitted_before: Option<DateTime<Utc>>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<FilingRow>, i64)> {
    let query = || {
        let mut query = filings::table
            .filter(filings::court_code.eq(court))
            .filter(filings::status.eq("submitted"))
            .into_boxed();
        if let Some(kind) = kind {
            query = query.filter(filings::kind.eq(kind));
        }
        if let Some(before) = submitted_before {
            query = query.filter(filings::submitted_at.lt(before));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((filings::submitted_at.asc(), filings::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(FilingRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Records a review: the new status, who and when, and the reason of a rejection.
pub fn mark_reviewed(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    judge: Uuid,
    reason: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> QueryResult<FilingRow> {
    diesel::update(filings::table.find(id))
        .set((
            filings::status.eq(status),
            filings::reviewed_by.eq(judge),
            filings::reviewed_at.eq(now),
            filings::rejection_reason_code.eq(reason.map(|r| r.0)),
            filings::rejection_reason.eq(reason.map(|r| r.1)),
            filings::version.eq(filings::version + 1),
            filings::updated_at.eq(now),
        ))
        .returning(FilingRow::as_returning())
        .get_result(conn)
}

/// Records the registration of the case.
pub fn mark_docketed(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    case_number: Option<&str>,
    registration_number: &str,
    judge: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<FilingRow> {
    diesel::update(filings::table.find(id))
        .set((
            filings::status.eq(status),
            filings::case_number.eq(case_number),
            filings::registration_number.eq(registration_number),
            filings::docketed_by.eq(judge),
            filings::docketed_at.eq(now),
            filings::version.eq(filings::version + 1),
            filings::updated_at.eq(now),
        ))
        .returning(FilingRow::as_returning())
        .get_result(conn)
}

/// Whether a material is attached to a submitted (not draft) filing of `court`.
pub fn material_in_court(
    conn: &mut PgConnection,
    material: Uuid,
    court: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        filing_materials::table
            .inner_join(filings::table)
            .filter(filing_materials::material_id.eq(material))
            .filter(filings::court_code.eq(court))
            .filter(filings::status.ne("draft")),
    ))
    .get_result(conn)
}

/// Whether a material is attached to a submitted (not draft) filing of any court.
pub fn material_submitted(conn: &mut PgConnection, material: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        filing_materials::table
            .inner_join(filings::table)
            .filter(filing_materials::material_id.eq(material))
            .filter(filings::status.ne("draft")),
    ))
    .get_result(conn)
}

/// Moves a filing to another status (driven by its fee order), locking nothing more.
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> QueryResult<FilingRow> {
    diesel::update(filings::table.find(id))
        .set((
            filings::status.eq(status),
            filings::version.eq(filings::version + 1),
            filings::updated_at.eq(now),
        ))
        .returning(FilingRow::as_returning())
        .get_result(conn)
}

/// Filing `id`, locked for the rest of the transaction.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<FilingRow>> {
    filings::table
        .find(id)
        .select(FilingRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// A filing with everything attached to it.
#[derive(Debug, Clone)]
pub struct FilingDetail {
    pub filing: FilingRow,
    pub parties: Vec<PartyRow>,
    pub agents: Vec<AgentRecord>,
    pub materials: Vec<AttachedMaterial>,
    /// The fee orders issued at and after docketing.
    pub fee_orders: Vec<super::fee_orders::FeeOrderRow>,
}
