//! The console's clock: China time, or a day fixed with `--today` that holds for the whole
//! session — the minute tick, registration and every step are dated on it (at the real time of
//! day, so that steps keep their order), and the status bar says so.

use chrono::{NaiveDate, NaiveDateTime};

/// Where "now" comes from for one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionClock {
    /// The day given with `--today`, if any.
    pub fixed: Option<NaiveDate>,
}

impl SessionClock {
    /// A clock that keeps to `day`.
    pub fn fixed(day: NaiveDate) -> SessionClock {
        SessionClock { fixed: Some(day) }
    }

    /// The current moment: China time, moved onto the fixed day if there is one.
    pub fn now(self) -> NaiveDateTime {
        let real = crate::domain::china_now();
        match self.fixed {
            Some(day) => day.and_time(real.time()),
            None => real,
        }
    }

    /// Today's date.
    pub fn today(self) -> NaiveDate {
        self.now().date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_day_holds_and_the_time_of_day_moves_on() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        let clock = SessionClock::fixed(day);
        assert_eq!(clock.today(), day);
        assert_eq!(clock.now().date(), day);
        assert_eq!(SessionClock::default().fixed, None);
    }
}
