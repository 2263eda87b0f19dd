//! What each board shows, as plain numbers and codes: no petitioner data and no petition text
//! (case numbers, counties, townships, categories and leaders' names only). Backends fill these
//! in one read each; `ui::board` draws them.

use super::Filter;
use crate::domain::board::Span;
use crate::domain::kpi::{Kpis, Period};
use crate::domain::{CaseId, Category, Channel};
use crate::store::Campaign;
use chrono::NaiveDate;

/// What a board is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardQuery {
    /// The day the board is seen on.
    pub as_of: NaiveDate,
    /// Admin-code prefix of the region (`64` = all).
    pub region: String,
    /// The backlog board's campaign (`None` = every backlog case).
    pub campaign: Option<i64>,
}

/// One period of the overview, with the same stretch of the period before.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodKpis {
    pub span: Span,
    pub period: Period,
    pub current: Kpis,
    pub previous: Kpis,
}

/// The overview: KPIs for today, this week, month and year, and daily intake by channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub periods: Vec<PeriodKpis>,
    /// The first day of the intake series.
    pub first_day: NaiveDate,
    /// Daily intake per channel, oldest day first, one value per day up to `as_of`.
    pub intake: Vec<(Channel, Vec<u64>)>,
}

/// One leader's packaged cases.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageRow {
    pub leader: crate::domain::org::Leader,
    pub cases: u64,
    /// Concluded or final.
    pub resolved: u64,
    /// Duties done over all the leader's packages (five per case).
    pub duties_done: u64,
    /// Open with the running clock past its last day.
    pub overdue: u64,
    /// Receipt day of the oldest case still open.
    pub oldest_open: Option<NaiveDate>,
}

impl PackageRow {
    /// Five-duty completion in 0..=1 (`None` without cases).
    pub fn duty_rate(&self) -> Option<f64> {
        (self.cases > 0).then(|| self.duties_done as f64 / (self.cases * 5) as f64)
    }
}

/// Backlog clearance in one county.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BacklogCounty {
    pub county: String,
    pub backlog: u64,
    pub cleared: u64,
    /// Cleared as of `BacklogBoard::before` (the board: the day before; a report: the day of the
    /// report before it), of the same backlog cases.
    pub cleared_before: u64,
}

impl BacklogCounty {
    pub fn rate(&self) -> Option<f64> {
        (self.backlog > 0).then(|| self.cleared as f64 / self.backlog as f64)
    }

    /// Adds another county's numbers (for a city's total).
    pub fn add(&mut self, other: &BacklogCounty) {
        self.backlog += other.backlog;
        self.cleared += other.cleared;
        self.cleared_before += other.cleared_before;
    }
}

/// The backlog clearance board (挂图作战).
#[derive(Debug, Clone, PartialEq)]
pub struct BacklogBoard {
    /// The campaign shown (`None` = every backlog case).
    pub campaign: Option<Campaign>,
    /// Every campaign, for the selector.
    pub campaigns: Vec<Campaign>,
    /// Every county of the region in code order, with or without backlog.
    pub counties: Vec<BacklogCounty>,
    /// The day `BacklogCounty::cleared_before` counts on.
    pub before: NaiveDate,
    /// The first day of `daily`.
    pub first_day: NaiveDate,
    /// Cases that became cleared on each day, oldest first, up to `as_of`.
    pub daily: Vec<u64>,
    /// Cases cleared as of the end of each of those days (a repeat petition can take one back).
    pub cleared_by_day: Vec<u64>,
}

impl BacklogBoard {
    /// The whole region's numbers.
    pub fn total(&self) -> BacklogCounty {
        let mut total = BacklogCounty::default();
        for county in &self.counties {
            total.add(county);
        }
        total
    }
}

/// One county's tile on the map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountyTile {
    pub county: String,
    /// Cases received in the last 7 days.
    pub intake_week: u64,
    pub overdue: u64,
    pub backlog: u64,
    pub cleared: u64,
    pub warnings: u64,
}

/// Why a warning was raised (domain.md §9).
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// `cases` new cases of one category in one township within `days` days.
    Cluster {
        township: String,
        category: Category,
        cases: u64,
        days: u32,
    },
    /// An open case with many petitioners, a threat, or marked major/urgent.
    Flagged {
        persons: u32,
        threat: bool,
        urgent: bool,
    },
    /// The county's last 7 days against its weekly average of the 4 weeks before.
    Surge { week: u64, average: f64 },
    /// A unit's open cases due within the due-soon days, and overdue.
    Deadlines {
        unit: String,
        due_soon: u64,
        overdue: u64,
    },
}

/// One early warning.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The day the warning concerns (the newest case's receipt, or today).
    pub on: NaiveDate,
    pub county: String,
    pub reason: Reason,
    /// Case numbers named by the warning (at most a few; `filter` opens them all).
    pub cases: Vec<(CaseId, String)>,
    /// The cases behind the warning, for drilling down.
    pub filter: Filter,
}

/// Every board's data, as one value per board.
#[derive(Debug, Clone, PartialEq)]
pub enum BoardData {
    Overview(Box<Overview>),
    Packages(Vec<PackageRow>),
    Backlog(Box<BacklogBoard>),
    Map(Vec<CountyTile>),
    Warnings(Vec<Warning>),
    /// Today's brief (the daily report's data).
    Meeting(Box<crate::store::brief::Brief>),
}

/// Open flagged cases listed at most (the newest); the board says "500+" when there are more.
pub const FLAGGED_SHOWN: usize = 500;

/// Case numbers a warning lists before "…".
pub const WARNING_CASES_SHOWN: usize = 6;
