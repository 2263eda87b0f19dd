//! Day counting for statutory clocks: calendar days, working days and the holiday calendar.
//!
//! Rules (domain.md §3): a clock of N days starts the day after its triggering event, so its last
//! day is `event + N`. Working days are Monday–Friday, minus configured holidays, plus configured
//! make-up working days (调休). Whether a deadline on a non-working day rolls forward is
//! configurable; the default is no roll-over. Pure: no I/O.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::BTreeSet;

/// Holidays and make-up working days; empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Days that are not working days even though they fall Monday–Friday.
    #[serde(default)]
    pub holidays: BTreeSet<NaiveDate>,
    /// Days that are working days even though they fall on a weekend (调休).
    #[serde(default)]
    pub workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// True when `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Last day of a clock of `days` calendar days triggered on `event`; with `roll_over`, a last
    /// day that is not a working day moves to the next working day.
    pub fn deadline(&self, event: NaiveDate, days: u32, roll_over: bool) -> NaiveDate {
        let last = add_days(event, days);
        if roll_over {
            self.next_working_day(last)
        } else {
            last
        }
    }

    /// Last day of a clock of `days` working days triggered on `event` (the day after is day one
    /// when it is a working day).
    pub fn working_deadline(&self, event: NaiveDate, days: u32) -> NaiveDate {
        let mut day = event;
        let mut counted = 0;
        while counted < days {
            day = add_days(day, 1);
            if self.is_working_day(day) {
                counted += 1;
            }
        }
        day
    }

    /// `day` itself when it is a working day, otherwise the next working day.
    pub fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        let mut day = day;
        // A calendar cannot hold more than a year of consecutive holidays in practice; the bound
        // keeps a pathological configuration from looping for ever.
        for _ in 0..366 {
            if self.is_working_day(day) {
                return day;
            }
            day = add_days(day, 1);
        }
        day
    }
}

/// `day + n` calendar days, saturating at the end of chrono's range.
pub fn add_days(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_add_days(Days::new(u64::from(n)))
        .unwrap_or(NaiveDate::MAX)
}

/// Whole calendar days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn art22_fifteen_days_start_the_day_after_receipt() {
        // Received on 1 March: day one is 2 March, day fifteen is 16 March.
        let cal = Calendar::default();
        assert_eq!(cal.deadline(d("2026-03-01"), 15, false), d("2026-03-16"));
    }

    #[test]
    fn art23_objection_window_counts_five_working_days() {
        // Forwarded Thursday 5 March 2026: Fri 6, Mon 9, Tue 10, Wed 11, Thu 12.
        let cal = Calendar::default();
        assert_eq!(cal.working_deadline(d("2026-03-05"), 5), d("2026-03-12"));
    }

    #[test]
    fn art23_objection_window_skips_configured_holidays_and_counts_makeup_days() {
        let mut cal = Calendar::default();
        cal.holidays.insert(d("2026-03-09"));
        // Fri 6, (Mon 9 is a holiday), Tue 10, Wed 11, Thu 12, Fri 13.
        assert_eq!(cal.working_deadline(d("2026-03-05"), 5), d("2026-03-13"));
        cal.workdays.insert(d("2026-03-07")); // a Saturday made a working day (调休)
        // Fri 6, Sat 7, Tue 10, Wed 11, Thu 12.
        assert_eq!(cal.working_deadline(d("2026-03-05"), 5), d("2026-03-12"));
    }

    #[test]
    fn roll_over_is_off_by_default_and_moves_to_next_working_day_when_on() {
        let cal = Calendar::default();
        // 1 March 2026 + 13 days = Saturday 14 March.
        assert_eq!(cal.deadline(d("2026-03-01"), 13, false), d("2026-03-14"));
        assert_eq!(cal.deadline(d("2026-03-01"), 13, true), d("2026-03-16"));
    }

    #[test]
    fn days_between_is_signed() {
        assert_eq!(days_between(d("2026-03-01"), d("2026-03-04")), 3);
        assert_eq!(days_between(d("2026-03-04"), d("2026-03-01")), -3);
    }
}
