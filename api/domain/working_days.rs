//! Working days (工作日) of the official calendar: Monday to Friday, except the public
//! holidays, plus the weekend days made working days to lengthen a holiday (调休上班).
//!
//! Each year's arrangement is set by a State Council General Office notice
//! (国务院办公厅关于某年部分节假日安排的通知), usually published in November of the year
//! before. It is data, kept in `data/reference/working_calendar.csv` with the columns
//! `date,kind,note`:
//!
//! - `holiday` rows list every day off of a holiday period, weekend days included, so that
//!   each period reads like its notice ("10月1日至8日放假调休，共8天" is eight rows);
//! - `workday` rows list the weekend days made working days. A `workday` row on Monday to
//!   Friday is refused: it would change nothing and is certainly a typing error;
//! - the note names the holiday the row belongs to (春节, 国庆节、中秋节).
//!
//! A year counts as covered once its notice has been entered, which the calendar recognises
//! by its 1 January (元旦, a day off in every year's notice) being listed. A notice may reach
//! back into the December before its year (a New Year break from 30 December); any other
//! row outside a covered year is refused, as it means the year's 元旦 was forgotten.
//!
//! Outside the covered years every Monday to Friday is a working day: the answer is then a
//! guess, and callers that care check [`WorkingCalendar::covers`] and warn.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};

/// The official calendar as shipped, from `data/reference/working_calendar.csv`.
const OFFICIAL: &str = include_str!("../../data/reference/working_calendar.csv");

/// How the official calendar departs from the plain week on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// A day off of a holiday period (放假), on any day of the week.
    Holiday,
    /// A Saturday or Sunday made a working day (调休上班).
    Workday,
}

impl DayKind {
    /// The kind as the data file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// Reads the data file's spelling.
    pub fn parse(value: &str) -> Option<DayKind> {
        [DayKind::Holiday, DayKind::Workday]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// One day of an official notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday the day belongs to, in Chinese (春节).
    pub note: String,
}

/// Why a calendar file was refused. Line numbers count from 1, the header being line 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the header must be `date,kind,note`, found `{found}`")]
    Header { found: String },
    #[error("line {line}: unreadable CSV: {reason}")]
    Unreadable { line: u64, reason: String },
    #[error("line {line}: expected the 3 fields date,kind,note, found {found}")]
    FieldCount { line: u64, found: usize },
    #[error("line {line}: `{value}` is not a date written YYYY-MM-DD")]
    Date { line: u64, value: String },
    #[error("line {line}: the kind `{value}` is neither `holiday` nor `workday`")]
    Kind { line: u64, value: String },
    #[error("line {line}: the note naming the holiday is empty")]
    NoteMissing { line: u64 },
    #[error("line {line}: {date} is already listed on line {first}")]
    Duplicate {
        line: u64,
        first: u64,
        date: NaiveDate,
    },
    #[error(
        "line {line}: {date} is a {}, a working day anyway; only a weekend day can be made one",
        .date.format("%A")
    )]
    WorkdayOnWeekday { line: u64, date: NaiveDate },
    #[error("line {line}: {date} lies outside the years whose 1 January (元旦) is listed")]
    Uncovered { line: u64, date: NaiveDate },
}

/// The official calendar, read once per process.
pub fn official() -> &'static WorkingCalendar {
    static OFFICIAL_CALENDAR: std::sync::OnceLock<WorkingCalendar> = std::sync::OnceLock::new();
    OFFICIAL_CALENDAR.get_or_init(WorkingCalendar::official)
}

/// The official working-day calendar: the notices' days off and extra working days over
/// the plain Monday-to-Friday week.
///
/// The default calendar lists nothing and covers no year: plain Monday to Friday.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    days: BTreeMap<NaiveDate, SpecialDay>,
    years: BTreeSet<i32>,
}

impl WorkingCalendar {
    /// The calendar shipped in `data/reference/working_calendar.csv`, compiled in: a newly
    /// published notice takes effect with the next release.
    pub fn official() -> WorkingCalendar {
        WorkingCalendar::parse(OFFICIAL).expect("the shipped calendar is checked by a test")
    }

    /// Reads a calendar file (the format is in the module documentation). Surrounding
    /// blanks in fields, a byte-order mark and CRLF line ends are accepted.
    ///
    /// # Errors
    ///
    /// The first problem found, naming its line: a wrong header, a row without exactly three
    /// fields, a date not written `YYYY-MM-DD` or not existing, an unknown kind, an empty
    /// note, a date listed twice, a `workday` row on Monday to Friday, a row outside the
    /// covered years (and not in the December before one).
    pub fn parse(text: &str) -> Result<WorkingCalendar, CalendarError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = reader.headers().map_err(|error| unreadable(&error))?;
        if header.iter().ne(["date", "kind", "note"]) {
            return Err(CalendarError::Header {
                found: header.iter().collect::<Vec<_>>().join(","),
            });
        }

        let mut days = BTreeMap::new();
        let mut lines = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|error| unreadable(&error))?;
            let line = record.position().map_or(0, csv::Position::line);
            let day = read_row(line, &record)?;
            if let Some(&first) = lines.get(&day.date) {
                return Err(CalendarError::Duplicate {
                    line,
                    first,
                    date: day.date,
                });
            }
            lines.insert(day.date, line);
            days.insert(day.date, day);
        }

        let years: BTreeSet<i32> = days
            .values()
            .filter(|day| day.kind == DayKind::Holiday && day.date.ordinal() == 1)
            .map(|day| day.date.year())
            .collect();
        for (date, &line) in &lines {
            let reaches_back = date.month() == 12 && years.contains(&(date.year() + 1));
            if !years.contains(&date.year()) && !reaches_back {
                return Err(CalendarError::Uncovered { line, date: *date });
            }
        }
        Ok(WorkingCalendar { days, years })
    }

    /// Whether `date` is a working day: a listed extra working day, or Monday to Friday and
    /// not a listed day off.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(day) => day.kind == DayKind::Workday,
            None => !is_weekend(date),
        }
    }

    /// The notice's entry for `date`, if it has one.
    pub fn special_day(&self, date: NaiveDate) -> Option<&SpecialDay> {
        self.days.get(&date)
    }

    /// The first working day strictly after `after`; `None` only past the last date chrono
    /// can hold (year 262142).
    pub fn next_working_day(&self, after: NaiveDate) -> Option<NaiveDate> {
        after
            .iter_days()
            .skip(1)
            .find(|&date| self.is_working_day(date))
    }

    /// The working day reached by counting `count` working days after `date`, not counting
    /// `date` itself: one working day after a Friday is normally the Monday, and after the
    /// last day before a holiday it is the first day back. Zero gives `date` unchanged, even
    /// when it is not a working day. `None` only past the last date chrono can hold.
    pub fn add_working_days(&self, date: NaiveDate, count: u32) -> Option<NaiveDate> {
        (0..count).try_fold(date, |date, _| self.next_working_day(date))
    }

    /// Whether the year of `date` has its notice in the calendar; if not, the answers for it
    /// follow the plain week.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years.contains(&date.year())
    }

    /// The years whose notices the calendar holds, in order.
    pub fn covered_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }
}

/// Reads one data row, at `line`, checking it on its own.
fn read_row(line: u64, record: &csv::StringRecord) -> Result<SpecialDay, CalendarError> {
    if record.len() != 3 {
        return Err(CalendarError::FieldCount {
            line,
            found: record.len(),
        });
    }
    let [date, kind, note] = [0, 1, 2].map(|index| record.get(index).unwrap_or_default());

    // The exact spelling is required, so that `2025-1-1` and `2025-01-1` are refused too.
    let parsed = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .filter(|parsed| parsed.to_string() == date)
        .ok_or_else(|| CalendarError::Date {
            line,
            value: date.to_owned(),
        })?;
    let kind = DayKind::parse(kind).ok_or_else(|| CalendarError::Kind {
        line,
        value: kind.to_owned(),
    })?;
    if note.is_empty() {
        return Err(CalendarError::NoteMissing { line });
    }
    if kind == DayKind::Workday && !is_weekend(parsed) {
        return Err(CalendarError::WorkdayOnWeekday { line, date: parsed });
    }
    Ok(SpecialDay {
        date: parsed,
        kind,
        note: note.to_owned(),
    })
}

fn unreadable(error: &csv::Error) -> CalendarError {
    CalendarError::Unreadable {
        line: error.position().map_or(0, csv::Position::line),
        reason: error.to_string(),
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn calendar(rows: &str) -> Result<WorkingCalendar, CalendarError> {
        WorkingCalendar::parse(&format!("date,kind,note\n{rows}"))
    }

    #[test]
    fn the_shipped_calendar_parses_and_covers_2025_and_2026() {
        let official = WorkingCalendar::official();
        assert!(official.covered_years().take(2).eq([2025, 2026]));
        for year in [2025, 2026] {
            assert!(official.covers(NaiveDate::from_ymd_opt(year, 6, 30).unwrap()));
        }
        assert!(!official.covers(date("2024-12-31")));
        assert!(
            official
                .special_day(date("2025-01-29"))
                .is_some_and(|day| day.note == "春节")
        );
    }

    #[test]
    fn the_shipped_calendar_matches_the_notices_day_counts() {
        let official = WorkingCalendar::official();
        let count = |year: i32, kind: DayKind| {
            official
                .days
                .values()
                .filter(|day| day.date.year() == year && day.kind == kind)
                .count()
        };
        // 2025: 元旦 1, 春节 8, 清明节 3, 劳动节 5, 端午节 3, 国庆节、中秋节 8; 5 weekend days
        // worked. 2026: 3, 9, 3, 5, 3, 中秋节 3, 国庆节 7; 6 weekend days worked.
        assert_eq!(count(2025, DayKind::Holiday), 28);
        assert_eq!(count(2025, DayKind::Workday), 5);
        assert_eq!(count(2026, DayKind::Holiday), 33);
        assert_eq!(count(2026, DayKind::Workday), 6);
        for year in [2025, 2026] {
            let working = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .iter_days()
                .take_while(|day| day.year() == year)
                .filter(|&day| official.is_working_day(day))
                .count();
            assert_eq!(working, 248, "{year}");
        }
    }

    #[test]
    fn working_days_of_the_official_calendar() {
        let official = WorkingCalendar::official();
        for (day, working, why) in [
            ("2025-01-01", false, "元旦, a Wednesday"),
            ("2025-01-02", true, "a plain Thursday"),
            ("2025-01-26", true, "a Sunday worked before 春节"),
            ("2025-01-28", false, "除夕, a Tuesday"),
            ("2025-02-04", false, "the last day of 春节, a Tuesday"),
            ("2025-02-05", true, "the first day back"),
            ("2025-02-08", true, "a Saturday worked after 春节"),
            ("2025-02-09", false, "a plain Sunday"),
            ("2025-04-04", false, "清明节, a Friday"),
            ("2025-04-27", true, "a Sunday worked before 劳动节"),
            ("2025-05-02", false, "the statutory day added in 2025"),
            ("2025-05-05", false, "劳动节, a Monday"),
            ("2025-06-02", false, "端午节, a Monday"),
            ("2025-09-28", true, "a Sunday worked before 国庆节"),
            ("2025-10-06", false, "中秋节 inside 国庆节"),
            ("2025-10-08", false, "the last day of 国庆节, a Wednesday"),
            ("2025-10-09", true, "the first day back"),
            ("2025-10-11", true, "a Saturday worked after 国庆节"),
            ("2025-10-12", false, "a plain Sunday"),
            ("2026-01-02", false, "元旦, a Friday"),
            ("2026-01-04", true, "a Sunday worked after 元旦"),
            ("2026-02-14", true, "a Saturday worked before 春节"),
            ("2026-02-23", false, "the last day of 春节, a Monday"),
            ("2026-02-28", true, "a Saturday worked after 春节"),
            ("2026-05-05", false, "劳动节, a Tuesday"),
            ("2026-05-09", true, "a Saturday worked after 劳动节"),
            ("2026-06-19", false, "端午节, a Friday"),
            ("2026-09-20", true, "a Sunday worked before 国庆节"),
            ("2026-09-25", false, "中秋节, a Friday"),
            ("2026-10-07", false, "the last day of 国庆节, a Wednesday"),
            ("2026-10-10", true, "a Saturday worked after 国庆节"),
            ("2026-12-04", true, "a plain Friday"),
            ("2026-12-05", false, "a plain Saturday"),
            (
                "2027-01-01",
                true,
                "a Friday of a year not covered: the plain week",
            ),
            (
                "2024-10-01",
                true,
                "a Tuesday of a year not covered: the plain week",
            ),
        ] {
            assert_eq!(official.is_working_day(date(day)), working, "{day}: {why}");
        }
    }

    #[test]
    fn next_working_day_of_the_official_calendar() {
        let official = WorkingCalendar::official();
        for (after, next) in [
            ("2025-09-30", "2025-10-09"),
            ("2025-10-01", "2025-10-09"),
            ("2025-09-26", "2025-09-28"),
            ("2025-10-10", "2025-10-11"),
            ("2025-10-11", "2025-10-13"),
            ("2025-01-24", "2025-01-26"),
            ("2025-01-27", "2025-02-05"),
            ("2025-04-30", "2025-05-06"),
            ("2025-12-31", "2026-01-04"),
            ("2026-02-13", "2026-02-14"),
            ("2026-02-14", "2026-02-24"),
            ("2026-02-27", "2026-02-28"),
            ("2026-04-03", "2026-04-07"),
            ("2026-09-24", "2026-09-28"),
            ("2026-09-30", "2026-10-08"),
            ("2026-12-04", "2026-12-07"),
            ("2026-12-31", "2027-01-01"),
        ] {
            assert_eq!(
                official.next_working_day(date(after)),
                Some(date(next)),
                "{after}"
            );
        }
    }

    #[test]
    fn counting_working_days() {
        let official = WorkingCalendar::official();
        for (start, count, end) in [
            ("2025-03-03", 0, "2025-03-03"),
            ("2025-03-08", 0, "2025-03-08"),
            ("2025-03-03", 1, "2025-03-04"),
            ("2025-03-03", 5, "2025-03-10"),
            ("2025-03-08", 1, "2025-03-10"),
            ("2025-09-26", 1, "2025-09-28"),
            ("2025-09-26", 2, "2025-09-29"),
            ("2025-09-26", 3, "2025-09-30"),
            ("2025-09-26", 4, "2025-10-09"),
            ("2025-09-30", 3, "2025-10-11"),
            ("2025-09-30", 4, "2025-10-13"),
            ("2026-02-12", 10, "2026-03-04"),
        ] {
            assert_eq!(
                official.add_working_days(date(start), count),
                Some(date(end)),
                "{start} + {count}"
            );
        }
    }

    #[test]
    fn the_end_of_the_representable_dates_is_no_panic() {
        let plain = WorkingCalendar::default();
        assert_eq!(plain.next_working_day(NaiveDate::MAX), None);
        assert_eq!(plain.add_working_days(NaiveDate::MAX, 1), None);
        assert_eq!(
            plain.add_working_days(NaiveDate::MAX, 0),
            Some(NaiveDate::MAX)
        );
    }

    #[test]
    fn an_empty_calendar_is_the_plain_week() {
        let plain = calendar("").unwrap();
        assert_eq!(plain, WorkingCalendar::default());
        assert_eq!(plain.covered_years().count(), 0);
        assert!(!plain.covers(date("2025-01-01")));
        assert!(!plain.is_working_day(date("2025-10-11")));
        assert!(plain.is_working_day(date("2025-10-01")));
        assert_eq!(
            plain.next_working_day(date("2025-10-10")),
            Some(date("2025-10-13"))
        );
    }

    #[test]
    fn a_year_is_covered_by_its_new_years_day() {
        // 元旦 2019 began on a Sunday in December 2018 and had a Saturday worked before it.
        let reaching_back = calendar(
            "2018-12-29,workday,元旦\n2018-12-30,holiday,元旦\n2018-12-31,holiday,元旦\n\
             2019-01-01,holiday,元旦\n",
        )
        .unwrap();
        assert!(reaching_back.covered_years().eq([2019]));
        assert!(!reaching_back.covers(date("2018-12-31")));
        assert!(!reaching_back.is_working_day(date("2018-12-31")));
        assert!(reaching_back.is_working_day(date("2018-12-29")));

        // A weekend New Year's Day counts as well.
        let saturday = calendar("2022-01-01,holiday,元旦\n2022-01-03,holiday,元旦\n").unwrap();
        assert!(saturday.covered_years().eq([2022]));
    }

    #[test]
    fn accepted_spellings() {
        for text in [
            "date,kind,note\n2025-01-01,holiday,元旦\n",
            "\u{FEFF}date,kind,note\n2025-01-01,holiday,元旦\n",
            "date,kind,note\r\n2025-01-01,holiday,元旦\r\n",
            "date , kind , note\n 2025-01-01 , holiday , 元旦 \n",
            "date,kind,note\n2025-01-01,holiday,元旦",
            "date,kind,note\n2025-01-01,holiday,\"元旦\"\n",
        ] {
            let parsed = WorkingCalendar::parse(text).unwrap();
            assert_eq!(
                parsed.special_day(date("2025-01-01")),
                Some(&SpecialDay {
                    date: date("2025-01-01"),
                    kind: DayKind::Holiday,
                    note: "元旦".to_owned(),
                }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn refused_files_name_the_line() {
        let jan1 = "2025-01-01,holiday,元旦\n";
        for (rows, expected) in [
            (
                format!("{jan1}2025-01-28,holiday\n"),
                CalendarError::FieldCount { line: 3, found: 2 },
            ),
            (
                format!("{jan1}2025-01-28,holiday,春节,extra\n"),
                CalendarError::FieldCount { line: 3, found: 4 },
            ),
            (
                format!("{jan1}2025-1-28,holiday,春节\n"),
                CalendarError::Date {
                    line: 3,
                    value: "2025-1-28".into(),
                },
            ),
            (
                format!("{jan1}2025/01/28,holiday,春节\n"),
                CalendarError::Date {
                    line: 3,
                    value: "2025/01/28".into(),
                },
            ),
            (
                format!("{jan1}2025-02-29,holiday,春节\n"),
                CalendarError::Date {
                    line: 3,
                    value: "2025-02-29".into(),
                },
            ),
            (
                format!("{jan1}\n2025-01-28,holiday,春节\n,holiday,春节\n"),
                CalendarError::Date {
                    line: 5,
                    value: String::new(),
                },
            ),
            (
                format!("{jan1}2025-01-28,Holiday,春节\n"),
                CalendarError::Kind {
                    line: 3,
                    value: "Holiday".into(),
                },
            ),
            (
                format!("{jan1}2025-01-28,off,春节\n"),
                CalendarError::Kind {
                    line: 3,
                    value: "off".into(),
                },
            ),
            (
                format!("{jan1}2025-01-28,holiday, \n"),
                CalendarError::NoteMissing { line: 3 },
            ),
            (
                format!("{jan1}2025-01-28,holiday,春节\n2025-01-28,holiday,春节\n"),
                CalendarError::Duplicate {
                    line: 4,
                    first: 3,
                    date: date("2025-01-28"),
                },
            ),
            (
                format!("{jan1}2025-02-01,holiday,春节\n2025-02-01,workday,春节\n"),
                CalendarError::Duplicate {
                    line: 4,
                    first: 3,
                    date: date("2025-02-01"),
                },
            ),
            (
                format!("{jan1}2025-01-27,workday,春节\n"),
                CalendarError::WorkdayOnWeekday {
                    line: 3,
                    date: date("2025-01-27"),
                },
            ),
            (
                format!("{jan1}2025-10-10,workday,国庆节\n"),
                CalendarError::WorkdayOnWeekday {
                    line: 3,
                    date: date("2025-10-10"),
                },
            ),
            (
                format!("{jan1}2026-02-16,holiday,春节\n"),
                CalendarError::Uncovered {
                    line: 3,
                    date: date("2026-02-16"),
                },
            ),
            (
                format!("{jan1}2024-11-30,workday,元旦\n"),
                CalendarError::Uncovered {
                    line: 3,
                    date: date("2024-11-30"),
                },
            ),
            // A December row of an uncovered year could only be the next year's notice
            // reaching back, and that year is not covered either.
            (
                format!("{jan1}2026-12-31,holiday,元旦\n"),
                CalendarError::Uncovered {
                    line: 3,
                    date: date("2026-12-31"),
                },
            ),
        ] {
            assert_eq!(calendar(&rows), Err(expected), "{rows:?}");
        }
    }

    #[test]
    fn a_wrong_header_is_refused() {
        for (text, found) in [
            ("date,kind\n", "date,kind"),
            ("day,kind,note\n", "day,kind,note"),
            ("Date,Kind,Note\n", "Date,Kind,Note"),
            ("2025-01-01,holiday,元旦\n", "2025-01-01,holiday,元旦"),
        ] {
            assert_eq!(
                WorkingCalendar::parse(text),
                Err(CalendarError::Header {
                    found: found.into()
                }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        let error = calendar("2025-01-01,holiday,元旦\n2025-01-27,workday,春节\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 3: 2025-01-27 is a Monday, a working day anyway; only a weekend day can be made one"
        );
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [DayKind::Holiday, DayKind::Workday] {
            assert_eq!(DayKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DayKind::parse(""), None);
        assert_eq!(DayKind::parse("HOLIDAY"), None);
    }
}
