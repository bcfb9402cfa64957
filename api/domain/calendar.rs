//! Calendar rules are evaluated in Asia/Shanghai, whatever the server's time zone.

use chrono::{DateTime, NaiveDate, Utc};

/// The date in Asia/Shanghai at instant `now`.
pub fn shanghai_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_turns_at_midnight_in_shanghai_not_utc() {
        let before = "2026-12-03T15:59:59Z".parse().unwrap();
        let after = "2026-12-03T16:00:00Z".parse().unwrap();
        assert_eq!(
            shanghai_date(before),
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
        );
        assert_eq!(
            shanghai_date(after),
            NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
        );
    }
}
