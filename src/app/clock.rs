//! The console's clock: China time, or a day fixed with `--today` that holds for the whole
//! session — the minute tick, registration and every step are dated on it, and the status bar
//! says so. A fixed day is seen from 18:00, the end of its working day (as the command line sees
//! it), and moves on with the session's real elapsed time, so steps keep their order and follow
//! that day's earlier work; it never passes 23:59:59.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::time::Instant;

/// Where "now" comes from for one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionClock {
    /// The day given with `--today`, if any.
    pub fixed: Option<NaiveDate>,
    /// When the session started (for the time of day on a fixed day).
    started: Option<Instant>,
}

impl SessionClock {
    /// A clock that keeps to `day`, from now on.
    pub fn fixed(day: NaiveDate) -> SessionClock {
        SessionClock {
            fixed: Some(day),
            started: Some(Instant::now()),
        }
    }

    /// A fixed clock if `day` is given, else real time.
    pub fn from_option(day: Option<NaiveDate>) -> SessionClock {
        day.map_or_else(SessionClock::default, SessionClock::fixed)
    }

    /// The current moment: China time, or the fixed day's 18:00 plus the session's age.
    pub fn now(self) -> NaiveDateTime {
        match self.fixed {
            None => crate::domain::china_now(),
            Some(day) => {
                let evening = NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN);
                let last = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
                let age = self.started.map_or(0, |s| s.elapsed().as_secs());
                let seconds = i64::try_from(age).unwrap_or(i64::MAX).min(6 * 3600);
                let at = day.and_time(evening) + chrono::Duration::seconds(seconds);
                at.min(day.and_time(last))
            }
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
        assert!(clock.now() >= day.and_hms_opt(18, 0, 0).expect("time"));
        assert_eq!(SessionClock::default().fixed, None);
        assert_eq!(SessionClock::from_option(Some(day)).fixed, Some(day));
    }
}
