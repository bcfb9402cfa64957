//! Loads the reference data shipped in `data/reference/` into the database.
//!
//! The CSV files are compiled into the binary, so a deployed service needs no data files.
//! Loading is idempotent: every row is inserted or updated by its key, so running it again
//! after editing a file brings the database in line. Rows that disappear from a file are
//! kept, because filings may still refer to them.

use anyhow::Context;
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Jsonb;
use serde_json::{Map, Value};

const COURTS: &str = include_str!("../../data/reference/shandong_courts.csv");
const RETIRED_COURT_CODES: &str =
    include_str!("../../data/reference/shandong_court_code_history.csv");
const CASE_TYPES: &str = include_str!("../../data/reference/case_type_codes.csv");
const CAUSES_2020: &str = include_str!("../../data/reference/civil_causes_2020.csv");
const CAUSES_2025: &str = include_str!("../../data/reference/civil_causes_2025.csv");
const CHARGES: &str = include_str!("../../data/reference/criminal_private_prosecution.csv");

/// Inserts or updates every reference row, in one transaction.
pub fn load(conn: &mut PgConnection) -> anyhow::Result<()> {
    conn.transaction(|conn| {
        upsert(conn, COURTS_SQL, rows(COURTS, |_, _| {})?).context("courts")?;
        upsert(
            conn,
            RETIRED_COURT_CODES_SQL,
            rows(RETIRED_COURT_CODES, |_, _| {})?,
        )
        .context("retired court codes")?;
        upsert(conn, CASE_TYPES_SQL, rows(CASE_TYPES, |_, _| {})?).context("case types")?;
        for (list, csv) in [("2020", CAUSES_2020), ("2025", CAUSES_2025)] {
            let causes = rows(csv, |index, row| {
                row.insert("list".into(), Value::from(list));
                row.insert("sort_key".into(), Value::from(index.to_string()));
            })?;
            upsert(conn, CAUSES_SQL, causes).with_context(|| format!("causes {list}"))?;
        }
        upsert(conn, CHARGES_SQL, rows(CHARGES, |_, _| {})?).context("charges")?;
        Ok(())
    })
}

/// Reads a CSV file into JSON objects keyed by the header, with empty cells as null, and
/// lets `extend` add computed fields (it receives the row's position in the file).
fn rows(csv_text: &str, extend: impl Fn(usize, &mut Map<String, Value>)) -> anyhow::Result<Value> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers()?.clone();
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record?;
        let mut row = Map::new();
        for (header, cell) in headers.iter().zip(record.iter()) {
            let value = if cell.is_empty() {
                Value::Null
            } else {
                Value::from(cell)
            };
            row.insert(header.to_owned(), value);
        }
        extend(index, &mut row);
        out.push(Value::Object(row));
    }
    Ok(Value::Array(out))
}

fn upsert(conn: &mut PgConnection, sql: &str, rows: Value) -> anyhow::Result<()> {
    diesel::sql_query(sql)
        .bind::<Jsonb, _>(rows)
        .execute(conn)?;
    Ok(())
}

const COURTS_SQL: &str = "
INSERT INTO courts (code, name, full_name, level, tier, parent_code, city, city_division_code,
                    division_code, in_qingdao_jurisdiction, code_basis, notes)
SELECT code, name, full_name, level, tier, parent_code, city, city_division_code,
       division_code, in_qingdao_jurisdiction::boolean, code_basis, notes
FROM jsonb_to_recordset($1) AS r(code text, name text, full_name text, level text, tier text,
     parent_code text, city text, city_division_code text, division_code text,
     in_qingdao_jurisdiction text, code_basis text, notes text)
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name, full_name = EXCLUDED.full_name, level = EXCLUDED.level,
    tier = EXCLUDED.tier, parent_code = EXCLUDED.parent_code, city = EXCLUDED.city,
    city_division_code = EXCLUDED.city_division_code, division_code = EXCLUDED.division_code,
    in_qingdao_jurisdiction = EXCLUDED.in_qingdao_jurisdiction,
    code_basis = EXCLUDED.code_basis, notes = EXCLUDED.notes";

const RETIRED_COURT_CODES_SQL: &str = "
INSERT INTO retired_court_codes (old_code, old_name, old_division_code, successor_code, change)
SELECT old_code, old_name, old_division_code, successor_code, change
FROM jsonb_to_recordset($1) AS r(old_code text, old_name text, old_division_code text,
     successor_code text, change text)
ON CONFLICT (old_code) DO UPDATE SET
    old_name = EXCLUDED.old_name, old_division_code = EXCLUDED.old_division_code,
    successor_code = EXCLUDED.successor_code, change = EXCLUDED.change";

const CASE_TYPES_SQL: &str = "
INSERT INTO case_types (type_code, name, code, level, parent_type_code, category_type_code,
                        category_name, meaning_en, online_filing, parent_inferred, notes)
SELECT type_code, name, daizi, level::smallint, parent_code, category_code, category_name,
       meaning_en, online_filing, parent_inferred::boolean, notes
FROM jsonb_to_recordset($1) AS r(type_code text, name text, daizi text, level text,
     parent_code text, category_code text, category_name text, meaning_en text,
     online_filing text, parent_inferred text, notes text)
ON CONFLICT (type_code) DO UPDATE SET
    name = EXCLUDED.name, code = EXCLUDED.code, level = EXCLUDED.level,
    parent_type_code = EXCLUDED.parent_type_code,
    category_type_code = EXCLUDED.category_type_code, category_name = EXCLUDED.category_name,
    meaning_en = EXCLUDED.meaning_en, online_filing = EXCLUDED.online_filing,
    parent_inferred = EXCLUDED.parent_inferred, notes = EXCLUDED.notes";

const CAUSES_SQL: &str = "
INSERT INTO causes_of_action (list, id, level, seq, display_no, name, parent_id, path, sort_key)
SELECT list, id, level::smallint, seq::integer, display_no, name, parent_id, path,
       sort_key::integer
FROM jsonb_to_recordset($1) AS r(list text, id text, level text, seq text, display_no text,
     name text, parent_id text, path text, sort_key text)
ON CONFLICT (list, id) DO UPDATE SET
    level = EXCLUDED.level, seq = EXCLUDED.seq, display_no = EXCLUDED.display_no,
    name = EXCLUDED.name, parent_id = EXCLUDED.parent_id, path = EXCLUDED.path,
    sort_key = EXCLUDED.sort_key";

const CHARGES_SQL: &str = "
INSERT INTO private_prosecution_charges (id, category, category_name, item_no, case_label,
       charge, criminal_law_article, condition_or_exception, is_category_row)
SELECT id::integer, category, category_name, item_no::smallint, case_label, charge,
       criminal_law_article, condition_or_exception, is_category_row::boolean
FROM jsonb_to_recordset($1) AS r(id text, category text, category_name text, item_no text,
     case_label text, charge text, criminal_law_article text, condition_or_exception text,
     is_category_row text)
ON CONFLICT (id) DO UPDATE SET
    category = EXCLUDED.category, category_name = EXCLUDED.category_name,
    item_no = EXCLUDED.item_no, case_label = EXCLUDED.case_label, charge = EXCLUDED.charge,
    criminal_law_article = EXCLUDED.criminal_law_article,
    condition_or_exception = EXCLUDED.condition_or_exception,
    is_category_row = EXCLUDED.is_category_row";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_with_the_expected_row_count() {
        let count = |csv| rows(csv, |_, _| {}).unwrap().as_array().unwrap().len();
        assert_eq!(count(COURTS), 158);
        assert_eq!(count(RETIRED_COURT_CODES), 12);
        assert_eq!(count(CASE_TYPES), 215);
        assert_eq!(count(CAUSES_2020), 927);
        assert_eq!(count(CAUSES_2025), 1055);
        assert_eq!(count(CHARGES), 30);
    }

    #[test]
    fn empty_cells_become_null_and_extensions_are_added() {
        let parsed = rows("a,b\nx,\n", |i, row| {
            row.insert("n".into(), Value::from(i.to_string()));
        })
        .unwrap();
        assert_eq!(parsed, serde_json::json!([{"a": "x", "b": null, "n": "0"}]));
    }
}
