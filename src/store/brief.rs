//! The meeting brief's data: everything a daily, weekly or monthly report and the Meeting board
//! show, read at one moment by the same SQL the boards and `xinfang kpi` use. Plain numbers,
//! codes, unit and leader names: no petitioner data and no petition text.

use super::board::{BacklogBoard, PackageRow, Warning};
use crate::domain::board::Span;
use crate::domain::kpi::{Kpis, Period};
use crate::domain::{Category, Channel};
use chrono::{Datelike, Months, NaiveDate};

code_enum! {
    /// Which report: its period is the overview's today, this week or this month.
    ReportKind {
        Daily = ("daily", "日报", "Daily"),
        Weekly = ("weekly", "周报", "Weekly"),
        Monthly = ("monthly", "月报", "Monthly"),
    }
}

impl ReportKind {
    /// The overview's period this report covers (so the report and the board agree).
    pub fn span(self) -> Span {
        match self {
            ReportKind::Daily => Span::Today,
            ReportKind::Weekly => Span::Week,
            ReportKind::Monthly => Span::Month,
        }
    }

    /// The first day of the trend the report charts, ending on `as_of`: the last 14 days, the
    /// last 8 weeks (from a Monday), or the last 12 months (from the 1st).
    pub fn trend_from(self, as_of: NaiveDate) -> NaiveDate {
        let back = |n: u64| {
            as_of
                .checked_sub_days(chrono::Days::new(n))
                .unwrap_or(as_of)
        };
        match self {
            ReportKind::Daily => back(13),
            ReportKind::Weekly => back(u64::from(as_of.weekday().num_days_from_monday()) + 49),
            ReportKind::Monthly => as_of
                .with_day(1)
                .and_then(|d| d.checked_sub_months(Months::new(11)))
                .unwrap_or(as_of),
        }
    }
}

/// What a brief is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefQuery {
    pub kind: ReportKind,
    /// The report's day: its period ends here.
    pub as_of: NaiveDate,
    /// Admin-code prefix of the region (`64` = all).
    pub region: String,
    /// Today: deadlines, leader packages and warnings are the database's state now, and are
    /// counted as of today whatever the report's day (the store keeps no past state of them).
    pub today: NaiveDate,
}

/// Cases received with one channel, county and category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeCount {
    pub channel: Channel,
    pub county: String,
    pub category: Option<Category>,
    pub cases: u64,
}

/// A period with the day it is seen on and what was received in it.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodBrief {
    pub period: Period,
    /// The earlier of the period's end and the report's day.
    pub seen: NaiveDate,
    pub kpis: Kpis,
    pub intake: Vec<IntakeCount>,
}

/// A unit's open cases due soon and overdue (the deadline warnings, domain.md §9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDeadlines {
    pub unit: String,
    /// The unit's region code.
    pub region: String,
    pub due_soon: u64,
    pub overdue: u64,
    /// The unit's cases due soon or overdue, for drilling down.
    pub filter: super::Filter,
}

/// Everything a report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub kind: ReportKind,
    pub as_of: NaiveDate,
    /// The day deadlines, packages and warnings are counted on (`BriefQuery::today`).
    pub today: NaiveDate,
    pub region: String,
    pub current: PeriodBrief,
    /// The period before, as of the same lag (domain.md §8).
    pub previous: PeriodBrief,
    /// The same days a year earlier.
    pub last_year: PeriodBrief,
    /// The first day of `trend`.
    pub trend_from: NaiveDate,
    /// Daily intake per channel from `trend_from` to `as_of`, oldest day first.
    pub trend: Vec<(Channel, Vec<u64>)>,
    pub packages: Vec<PackageRow>,
    /// The running campaign on the report's day (every backlog case when none runs), each
    /// county's cases also counted as of the previous report (`before`: the period before's day).
    pub backlog: BacklogBoard,
    /// Every early warning standing today (the warnings board).
    pub warnings: Vec<Warning>,
    /// Units with open cases due soon or overdue, most overdue first.
    pub deadlines: Vec<UnitDeadlines>,
    /// "Due soon" is within this many days (`Rules::due_soon_days`).
    pub due_soon_days: u32,
    /// Open cases due soon and overdue, as the console's `due-soon` and `overdue` queues count
    /// them (units' cases and those still with the bureau).
    pub due_soon: u64,
    pub overdue: u64,
}

impl Brief {
    /// The warnings raised for days inside the report's period.
    pub fn warnings_in_period(&self) -> impl Iterator<Item = &Warning> {
        self.warnings
            .iter()
            .filter(|w| self.current.period.contains(w.on))
    }
}

/// The periods of a report on `as_of`: the current one, the one before as of the same lag, and
/// the same stretch a year earlier — the same weekdays (52 weeks back) for a day or a week, the
/// same dates for a month.
pub fn periods(kind: ReportKind, as_of: NaiveDate) -> [Period; 3] {
    let (current, previous) = kind.span().periods(as_of);
    let year_back = |d: NaiveDate| match kind {
        ReportKind::Monthly => d.checked_sub_months(Months::new(12)).unwrap_or(d),
        ReportKind::Daily | ReportKind::Weekly => {
            d.checked_sub_days(chrono::Days::new(364)).unwrap_or(d)
        }
    };
    let last_year = Period {
        from: year_back(current.from),
        to: year_back(current.to),
    };
    [current, previous, last_year]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn a_year_earlier_is_the_same_weekdays_for_days_and_weeks_and_the_same_dates_for_months() {
        // 2026-11-24 is a Tuesday.
        let [current, _, year] = periods(ReportKind::Weekly, day("2026-11-24"));
        assert_eq!(
            (current.from, current.to),
            (day("2026-11-23"), day("2026-11-24"))
        );
        assert_eq!((year.from, year.to), (day("2025-11-24"), day("2025-11-25")));
        assert_eq!(year.from.weekday(), Weekday::Mon);
        let [_, previous, year] = periods(ReportKind::Daily, day("2026-11-24"));
        assert_eq!(previous.from, day("2026-11-23"));
        assert_eq!(year.from.weekday(), Weekday::Tue);
        // A month: the same dates; 29 February's year before ends on the 28th.
        let [current, previous, year] = periods(ReportKind::Monthly, day("2028-02-29"));
        assert_eq!(
            (current.from, current.to),
            (day("2028-02-01"), day("2028-02-29"))
        );
        assert_eq!(
            (previous.from, previous.to),
            (day("2028-01-01"), day("2028-01-29"))
        );
        assert_eq!((year.from, year.to), (day("2027-02-01"), day("2027-02-28")));
        // The edge of the calendar is no panic.
        let _ = periods(ReportKind::Weekly, NaiveDate::MIN);
        let _ = ReportKind::Monthly.trend_from(NaiveDate::MIN);
    }

    #[test]
    fn trends_start_on_a_monday_and_on_the_first() {
        let as_of = day("2026-11-24");
        assert_eq!(ReportKind::Daily.trend_from(as_of), day("2026-11-11"));
        let weekly = ReportKind::Weekly.trend_from(as_of);
        assert_eq!(
            (weekly, weekly.weekday()),
            (day("2026-10-05"), Weekday::Mon)
        );
        assert_eq!(ReportKind::Monthly.trend_from(as_of), day("2025-12-01"));
    }
}
