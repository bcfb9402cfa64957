//! The schema and the contract: migrations reverse cleanly, every foreign key is indexed,
//! `schema.rs` matches the database, and `openapi.yaml` matches the code.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel_migrations::MigrationHarness;
use efiling::store::MIGRATIONS;

use crate::support::TestDatabase;

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    udt_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

fn columns(conn: &mut PgConnection) -> Vec<ColumnRow> {
    diesel::sql_query(
        "SELECT table_name::text, column_name::text, udt_name::text,
                is_nullable = 'YES' AS nullable
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'
         ORDER BY table_name, ordinal_position",
    )
    .load(conn)
    .unwrap()
}

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DefinitionRow {
    #[diesel(sql_type = Text)]
    definition: String,
}

/// Constraints and indexes, as text, to compare schemas.
fn definitions(conn: &mut PgConnection) -> Vec<DefinitionRow> {
    diesel::sql_query(
        "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                AS definition
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace
         UNION ALL
         SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
         UNION ALL
         SELECT 'comment ' || c.relname || '.' || coalesce(a.attname, '') || ' ' || d.description
         FROM pg_description d
         JOIN pg_class c ON c.oid = d.objoid AND c.relnamespace = 'public'::regnamespace
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
                                  AND d.objsubid > 0
         ORDER BY 1",
    )
    .load(conn)
    .unwrap()
}

#[test]
fn migrations_run_up_down_and_up_again_to_the_same_schema() {
    let db = TestDatabase::empty();
    let mut conn = db.connect();
    conn.run_pending_migrations(MIGRATIONS).unwrap();
    let (first_columns, first_definitions) = (columns(&mut conn), definitions(&mut conn));
    assert!(!first_columns.is_empty());

    conn.revert_all_migrations(MIGRATIONS).unwrap();
    assert!(
        columns(&mut conn).is_empty(),
        "down migrations leave tables behind"
    );

    conn.run_pending_migrations(MIGRATIONS).unwrap();
    assert_eq!(columns(&mut conn), first_columns);
    assert_eq!(definitions(&mut conn), first_definitions);
}

#[test]
fn every_table_and_column_carries_a_comment() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let missing: Vec<DefinitionRow> = diesel::sql_query(
        "SELECT c.relname || coalesce('.' || a.attname, '') AS definition
         FROM pg_class c
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
           AND c.relname <> '__diesel_schema_migrations'
           AND col_description(c.oid, coalesce(a.attnum, 0)) IS NULL
           AND (a.attnum IS NOT NULL OR obj_description(c.oid, 'pg_class') IS NULL)
         ORDER BY 1",
    )
    .load(&mut conn)
    .unwrap();
    assert!(missing.is_empty(), "without a comment: {missing:?}");
}

#[test]
fn every_foreign_key_has_an_index() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    // A foreign key is covered when some index starts with exactly its columns.
    let uncovered: Vec<DefinitionRow> = diesel::sql_query(
        "SELECT c.conrelid::regclass::text || ' ' || c.conname AS definition
         FROM pg_constraint c
         WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
           AND NOT EXISTS (
             SELECT 1 FROM pg_index i
             WHERE i.indrelid = c.conrelid
               AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
               AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
         ORDER BY 1",
    )
    .load(&mut conn)
    .unwrap();
    assert!(
        uncovered.is_empty(),
        "foreign keys without an index: {uncovered:?}"
    );
}

/// Reads the `table! { name (pk) { column -> Type, } }` blocks of schema.rs.
fn declared_columns(schema: &str) -> BTreeMap<(String, String), (String, bool)> {
    let mut out = BTreeMap::new();
    let mut table: Option<String> = None;
    for line in schema.lines().map(str::trim) {
        if line.starts_with("///") || line.is_empty() {
            continue;
        }
        if line.ends_with('{') && line.contains('(') && !line.starts_with("diesel::") {
            table = line.split_whitespace().next().map(str::to_owned);
            continue;
        }
        if let (Some(t), Some((column, ty))) = (&table, line.split_once(" -> ")) {
            let ty = ty.trim_end_matches(',');
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            out.insert((t.clone(), column.to_owned()), (ty.to_owned(), nullable));
        }
        if line == "}" {
            table = None;
        }
    }
    out
}

#[test]
fn schema_rs_matches_the_migrated_database() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let declared = declared_columns(include_str!("../../api/store/schema.rs"));
    let diesel_type = |udt: &str| match udt {
        "int2" => "Int2",
        "int4" => "Int4",
        "int8" => "Int8",
        "text" => "Text",
        "bool" => "Bool",
        "bytea" => "Bytea",
        "jsonb" => "Jsonb",
        "uuid" => "Uuid",
        "date" => "Date",
        "timestamptz" => "Timestamptz",
        "_text" => "Array<Nullable<Text>>",
        other => panic!("map the column type {other}"),
    };
    let actual: BTreeMap<_, _> = columns(&mut conn)
        .into_iter()
        .map(|c| {
            (
                (c.table_name, c.column_name),
                (diesel_type(&c.udt_name).to_owned(), c.nullable),
            )
        })
        .collect();
    assert_eq!(
        declared, actual,
        "api/store/schema.rs is stale: run `diesel print-schema > api/store/schema.rs`"
    );
}

#[test]
fn openapi_yaml_matches_the_code() {
    let generated = efiling::http::openapi().to_yaml().unwrap();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml"))
        .unwrap_or_default();
    assert!(
        generated == committed,
        "openapi.yaml is stale: run `cargo run -- openapi > openapi.yaml`"
    );
}

#[test]
fn every_operation_is_documented() {
    let api = serde_json::to_value(efiling::http::openapi()).unwrap();
    let mut operations = 0;
    for (path, item) in api["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{method} {path}");
            assert!(
                operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name}"
            );
            assert!(
                operation["description"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                "{name}"
            );
            assert!(operation["operationId"].is_string(), "{name}");
            assert!(
                operation["responses"]
                    .as_object()
                    .is_some_and(|r| !r.is_empty()),
                "{name}"
            );
        }
    }
    assert!(operations >= 7);
}
