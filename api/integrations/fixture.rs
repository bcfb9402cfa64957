//! Reading the simulators' CSV fixtures: a fixed header, one record a line, every problem
//! reported with the line it is on.

use std::path::Path;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::licence::LicenceNumber;
use crate::domain::name::PersonName;
use crate::domain::phone::MobilePhone;
use crate::domain::resident_id::ResidentIdNumber;

/// One data record of a fixture, with its line number.
pub(crate) struct Row {
    pub line: u64,
    record: csv::StringRecord,
}

impl Row {
    /// The trimmed value of column `index` (records have exactly the header's columns).
    pub(crate) fn get(&self, index: usize) -> &str {
        self.record.get(index).unwrap_or_default().trim()
    }

    /// An error about this row.
    pub(crate) fn error(&self, problem: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("line {}: {problem}", self.line)
    }

    /// A resident ID number, in canonical form.
    pub(crate) fn id_number(&self, index: usize, today: NaiveDate) -> anyhow::Result<String> {
        let value = self.get(index);
        ResidentIdNumber::parse(value, today)
            .map(|id| id.as_str().to_owned())
            .map_err(|code| self.error(format!("the ID number is not valid ({code})")))
    }

    /// A person's name, in canonical form.
    pub(crate) fn person_name(&self, index: usize) -> anyhow::Result<String> {
        PersonName::parse(self.get(index))
            .map(|name| name.as_str().to_owned())
            .map_err(|code| self.error(format!("the name is not valid ({code})")))
    }

    /// A licence number, in canonical form.
    pub(crate) fn licence_number(&self, index: usize) -> anyhow::Result<String> {
        let value = self.get(index);
        LicenceNumber::parse(value)
            .map(|number| number.as_str().to_owned())
            .map_err(|code| self.error(format!("licence number {value:?} is not valid ({code})")))
    }

    /// A mobile phone number in canonical form, or `None` when the cell is empty.
    pub(crate) fn optional_phone(&self, index: usize) -> anyhow::Result<Option<String>> {
        let value = self.get(index);
        if value.is_empty() {
            return Ok(None);
        }
        MobilePhone::parse(value)
            .map(|phone| Some(phone.as_str().to_owned()))
            .map_err(|code| self.error(format!("the phone is not a mobile number ({code})")))
    }

    /// A `YYYY-MM-DD` date.
    pub(crate) fn date(&self, index: usize, column: &str) -> anyhow::Result<NaiveDate> {
        let value = self.get(index);
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| self.error(format!("{column} {value:?} is not a YYYY-MM-DD date")))
    }

    /// An RFC 3339 timestamp, or `None` when the cell is empty.
    pub(crate) fn optional_timestamp(
        &self,
        index: usize,
        column: &str,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        let value = self.get(index);
        if value.is_empty() {
            return Ok(None);
        }
        DateTime::parse_from_rfc3339(value)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| self.error(format!("{column} {value:?} is not an RFC 3339 timestamp")))
    }

    /// A value that must not be empty.
    pub(crate) fn required(&self, index: usize, column: &str) -> anyhow::Result<String> {
        let value = self.get(index);
        if value.is_empty() {
            return Err(self.error(format!("{column} is empty")));
        }
        Ok(value.to_owned())
    }
}

/// Splits CSV text into rows after checking that its first line is exactly `header`.
///
/// A byte-order mark (spreadsheet programs write one) and blank lines are ignored; a row
/// with another number of fields than the header is refused.
pub(crate) fn rows(text: &str, header: &[&str]) -> anyhow::Result<Vec<Row>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut header_seen = false;
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(0, |p| line_at(text, p));
            anyhow::anyhow!("line {line}: not valid CSV: {e}")
        })?;
        let line = record.position().map_or(0, |p| line_at(text, p));
        if !header_seen {
            let found: Vec<&str> = record.iter().map(str::trim).collect();
            if found != header {
                bail!(
                    "line {line}: the header must be {:?}, not {:?}",
                    header.join(","),
                    found.join(",")
                );
            }
            header_seen = true;
            continue;
        }
        if record.len() != header.len() {
            bail!(
                "line {line}: expected {} fields, found {}",
                header.len(),
                record.len()
            );
        }
        rows.push(Row { line, record });
    }
    if !header_seen {
        bail!(
            "line 1: the file is empty; the header must be {:?}",
            header.join(",")
        );
    }
    Ok(rows)
}

/// The line a record starts on. The reader's own line count leaves out blank lines, so it
/// is counted from the record's byte offset; blank lines the reader skipped before the
/// record are skipped here too.
fn line_at(text: &str, position: &csv::Position) -> u64 {
    let offset = usize::try_from(position.byte())
        .unwrap_or(usize::MAX)
        .min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let after = text.get(offset..).unwrap_or_default();
    let blank_lines_skipped = after
        .split('\n')
        .take_while(|line| line.trim_end_matches('\r').is_empty())
        .count();
    let line = before.matches('\n').count() + 1;
    // The last segment of `after` is not followed by a newline, so it is never skipped.
    let skipped = blank_lines_skipped.min(after.matches('\n').count());
    u64::try_from(line + skipped).unwrap_or(u64::MAX)
}

/// Reads a fixture file; errors name the file.
pub(crate) fn load<T>(
    path: &Path,
    parse: impl FnOnce(&str) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse(&text).with_context(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &[&str] = &["a", "b"];

    #[test]
    fn rows_keep_their_line_numbers() {
        let rows = rows("\u{FEFF}a, b\n1, x \n\n2,y\n", HEADER).unwrap();
        let seen: Vec<(u64, &str, &str)> =
            rows.iter().map(|r| (r.line, r.get(0), r.get(1))).collect();
        assert_eq!(seen, [(2, "1", "x"), (4, "2", "y")]);
    }

    #[test]
    fn quoted_fields_may_hold_commas() {
        let rows = rows("a,b\n\"x, y\",z\n", HEADER).unwrap();
        assert_eq!(rows[0].get(0), "x, y");
    }

    #[test]
    fn a_wrong_header_names_line_one() {
        let error = rows("a,c\n1,2\n", HEADER).err().unwrap().to_string();
        assert!(error.starts_with("line 1:"), "{error}");
        assert!(error.contains("a,b"), "{error}");
        let error = rows("", HEADER).err().unwrap().to_string();
        assert!(error.starts_with("line 1:"), "{error}");
    }

    #[test]
    fn a_short_row_names_its_line() {
        let error = rows("a,b\n1,2\n3\n", HEADER).err().unwrap().to_string();
        assert!(error.starts_with("line 3:"), "{error}");
    }

    #[test]
    fn loading_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, "a,b\n1\n").unwrap();
        let error = load(&path, |text| rows(text, HEADER)).err().unwrap();
        let message = format!("{error:#}");
        assert!(message.contains("bad.csv"), "{message}");
        assert!(message.contains("line 2"), "{message}");
        let error = load(&dir.path().join("missing.csv"), |text| rows(text, HEADER))
            .err()
            .unwrap();
        assert!(format!("{error:#}").contains("missing.csv"));
    }
}
