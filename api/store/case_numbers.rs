//! Case numbers in use, and the sequences they are handed out from.
//!
//! A sequence counter is a row per court, year and type code, incremented inside the
//! docketing transaction: concurrent dockets at one court wait for each other on that row,
//! and a docketing that fails rolls its increment back, so the numbers have no gaps and are
//! never handed out twice. Numbers registered at the court counter arrive from the trial
//! system and are recorded in the same table of numbers in use; the allocator skips them.

use diesel::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{case_number_sequences, case_numbers};

/// Where a recorded number came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Docketing,
    TrialSystem,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Docketing => "docketing",
            Source::TrialSystem => "trial_system",
        }
    }
}

/// The parts of a case number the sequences are kept by.
#[derive(Debug, Clone, Copy)]
pub struct SequenceKey<'a> {
    pub court_code: &'a str,
    pub year: i16,
    pub type_code: &'a str,
}

/// Takes the next free sequence number of `key`, locking its counter until the caller's
/// transaction ends; numbers already recorded in use (from the trial system) are skipped.
pub fn next_sequence(conn: &mut PgConnection, key: SequenceKey<'_>) -> QueryResult<i32> {
    loop {
        let candidate: i32 = diesel::insert_into(case_number_sequences::table)
            .values((
                case_number_sequences::court_code.eq(key.court_code),
                case_number_sequences::year.eq(key.year),
                case_number_sequences::type_code.eq(key.type_code),
                case_number_sequences::last_sequence.eq(1),
            ))
            .on_conflict((
                case_number_sequences::court_code,
                case_number_sequences::year,
                case_number_sequences::type_code,
            ))
            .do_update()
            .set(case_number_sequences::last_sequence.eq(case_number_sequences::last_sequence + 1))
            .returning(case_number_sequences::last_sequence)
            .get_result(conn)?;
        let taken: bool = diesel::select(diesel::dsl::exists(
            case_numbers::table
                .filter(case_numbers::court_code.eq(key.court_code))
                .filter(case_numbers::year.eq(key.year))
                .filter(case_numbers::type_code.eq(key.type_code))
                .filter(case_numbers::sequence.eq(candidate)),
        ))
        .get_result(conn)?;
        if !taken {
            return Ok(candidate);
        }
    }
}

/// Records a number as in use. Numbers from the trial system do not move the counter: the
/// numbers below them stay free for docketing, and the allocator steps over them when it
/// reaches them. Returns false when the number was already recorded.
pub fn record(
    conn: &mut PgConnection,
    case_number: &str,
    key: SequenceKey<'_>,
    sequence: i32,
    source: Source,
    filing: Option<Uuid>,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(case_numbers::table)
        .values((
            case_numbers::case_number.eq(case_number),
            case_numbers::court_code.eq(key.court_code),
            case_numbers::year.eq(key.year),
            case_numbers::type_code.eq(key.type_code),
            case_numbers::sequence.eq(sequence),
            case_numbers::source.eq(source.as_str()),
            case_numbers::filing_id.eq(filing),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(inserted == 1)
}
