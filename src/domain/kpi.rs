//! The indicators of domain.md §8 as pure functions over cases, a period and an "as of" day.
//!
//! These functions are the reference definition; the store computes the same numbers in SQL for
//! speed, and a test holds the two equal. Exact definitions where domain.md leaves room:
//! - scope: cases received in the period (the caller applies the region scope);
//!   litigation-related cases (涉法涉诉) are left out of 1–4;
//! - 1 timely acceptance: accepted within 15 calendar days of receipt ÷ cases that were accepted
//!   or whose 15 days have run out (declined and diverted cases left the route and are not counted);
//! - 2 on-time completion: a case counts once accepted; "concluded" for the handling clock is the
//!   written reply (Art 34's 办结), compared with the handling deadline including any extension;
//! - 3 participation: a reply's evaluation window is `Rules::evaluation_window_days`;
//! - 7 average handling days: reply day − receipt day, over replied cases;
//! - 8 backlog clearance: every backlog case received up to the period's end, cleared as of the
//!   "as of" day.

use super::calendar::{add_days, days_between};
use super::case::{Case, CaseId};
use super::codes::{Channel, Satisfaction};
use super::deadline::handling_due;
use super::rules::{self, Rules};
use super::state::State;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// True when `day` falls inside the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// A count over a count; the rate is undefined when the denominator is zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    /// The rate in 0..=1, or `None` for 0/0.
    pub fn rate(&self) -> Option<f64> {
        (self.den > 0).then(|| self.num as f64 / self.den as f64)
    }
}

/// The on-time completion breakdown (KPI 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completion {
    pub on_time: u64,
    pub late: u64,
    pub open_overdue: u64,
    pub open_not_due: u64,
}

impl Completion {
    /// on time ÷ (on time + late + open overdue + open not yet due).
    pub fn ratio(&self) -> Ratio {
        Ratio {
            num: self.on_time,
            den: self.on_time + self.late + self.open_overdue + self.open_not_due,
        }
    }
}

/// All indicators of domain.md §8 for one scope and period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kpis {
    /// Cases received in the period.
    pub cases: u64,
    pub timely_acceptance: Ratio,
    pub completion: Completion,
    pub participation: Ratio,
    pub satisfaction: Ratio,
    pub repeat_rate: Ratio,
    pub online_share: Ratio,
    /// Sum and count of handling days, for the average.
    pub handling_days_total: u64,
    pub handled: u64,
    pub backlog_clearance: Ratio,
    pub collective_batches: u64,
    pub collective_persons: u64,
}

impl Kpis {
    /// Mean handling days (KPI 7), or `None` when nothing was replied.
    pub fn average_handling_days(&self) -> Option<f64> {
        (self.handled > 0).then(|| self.handling_days_total as f64 / self.handled as f64)
    }
}

/// The part of a case's contribution to the indicators that does not depend on "as of": what a
/// store can keep in a summary table per day of receipt and county, updated with each change.
/// The remainder (cases still waiting for acceptance, open handling clocks, recent unevaluated
/// replies, backlog clearance) concerns few cases and is computed live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub cases: i64,
    pub repeats: i64,
    pub online: i64,
    pub collective: i64,
    pub collective_persons: i64,
    /// Replied cases and the sum of their handling days (KPI 7).
    pub handled: i64,
    pub handling_days: i64,
    /// The following count non-litigation cases only (KPIs 1–4).
    pub accepted: i64,
    pub accepted_in_time: i64,
    pub on_time: i64,
    pub late: i64,
    /// Replied but not evaluated (yet).
    pub unevaluated: i64,
    pub evaluated: i64,
    pub satisfied: i64,
}

impl Tally {
    /// The counters in a fixed order (for storage).
    pub fn to_array(&self) -> [i64; 14] {
        [
            self.cases,
            self.repeats,
            self.online,
            self.collective,
            self.collective_persons,
            self.handled,
            self.handling_days,
            self.accepted,
            self.accepted_in_time,
            self.on_time,
            self.late,
            self.unevaluated,
            self.evaluated,
            self.satisfied,
        ]
    }

    /// The inverse of `to_array`.
    pub fn from_array(a: [i64; 14]) -> Tally {
        Tally {
            cases: a[0],
            repeats: a[1],
            online: a[2],
            collective: a[3],
            collective_persons: a[4],
            handled: a[5],
            handling_days: a[6],
            accepted: a[7],
            accepted_in_time: a[8],
            on_time: a[9],
            late: a[10],
            unevaluated: a[11],
            evaluated: a[12],
            satisfied: a[13],
        }
    }

    /// Counter-wise `self + sign * other`.
    pub fn add(&mut self, other: &Tally, sign: i64) {
        let mut a = self.to_array();
        for (x, y) in a.iter_mut().zip(other.to_array()) {
            *x += sign * y;
        }
        *self = Tally::from_array(a);
    }
}

/// Names of the `Tally` counters, in `to_array` order (the summary table's columns).
pub const TALLY_COLUMNS: [&str; 14] = [
    "cases",
    "repeats",
    "online",
    "collective",
    "collective_persons",
    "handled",
    "handling_days",
    "accepted",
    "accepted_in_time",
    "on_time",
    "late",
    "unevaluated",
    "evaluated",
    "satisfied",
];

/// The time-independent contribution of one case.
pub fn tally(case: &Case, rules: &Rules) -> Tally {
    let mut t = Tally {
        cases: 1,
        ..Tally::default()
    };
    let received = case.intake.received_on;
    t.repeats = i64::from(case.repeat_of.is_some());
    t.online = i64::from(case.intake.channel == Channel::Online);
    if case.collective {
        t.collective = 1;
        t.collective_persons = i64::from(case.intake.persons);
    }
    if let Some(replied) = case.dates.replied_on {
        t.handled = 1;
        t.handling_days = days_between(received, replied).max(0);
    }
    if case.is_litigation() {
        return t;
    }
    if let Some(accepted) = case.dates.accepted_on {
        t.accepted = 1;
        t.accepted_in_time = i64::from(accepted <= add_days(received, rules::DISPOSE_DAYS));
    }
    if let (Some(due), Some(replied)) = (handling_due(case, rules), case.dates.replied_on) {
        if replied <= due {
            t.on_time = 1;
        } else {
            t.late = 1;
        }
    }
    if case.dates.replied_on.is_some() {
        match case.satisfaction {
            Some(rating) => {
                t.evaluated = 1;
                t.satisfied = i64::from(rating != Satisfaction::Unsatisfied);
            }
            None => t.unevaluated = 1,
        }
    }
    t
}

/// Computes every indicator for `period`, seen on `as_of`, over `cases` (already in scope).
pub fn compute(cases: &[Case], period: Period, as_of: NaiveDate, rules: &Rules) -> Kpis {
    let mut k = Kpis::default();
    let eval_cutoff = as_of - chrono::Days::new(u64::from(rules.evaluation_window_days));
    for case in cases
        .iter()
        .filter(|c| period.contains(c.intake.received_on))
    {
        k.cases += 1;
        let received = case.intake.received_on;
        if case.repeat_of.is_some() {
            k.repeat_rate.num += 1;
        }
        if case.intake.channel == Channel::Online {
            k.online_share.num += 1;
        }
        if case.collective {
            k.collective_batches += 1;
            k.collective_persons += u64::from(case.intake.persons);
        }
        if let Some(replied) = case.dates.replied_on {
            k.handled += 1;
            k.handling_days_total += days_between(received, replied).max(0) as u64;
        }
        if case.is_litigation() {
            continue;
        }
        // 1. timely acceptance
        let accept_by = add_days(received, rules::DISPOSE_DAYS);
        match case.dates.accepted_on {
            Some(accepted) => {
                k.timely_acceptance.den += 1;
                if accepted <= accept_by {
                    k.timely_acceptance.num += 1;
                }
            }
            None if !matches!(case.state, State::Declined | State::Diverted)
                && accept_by < as_of =>
            {
                k.timely_acceptance.den += 1;
            }
            None => {}
        }
        // 2. on-time completion
        if let Some(due) = handling_due(case, rules) {
            match case.dates.replied_on {
                Some(replied) if replied <= due => k.completion.on_time += 1,
                Some(_) => k.completion.late += 1,
                None if case.state == State::Diverted => {}
                None if due < as_of => k.completion.open_overdue += 1,
                None => k.completion.open_not_due += 1,
            }
        }
        // 3 and 4. evaluation
        if let Some(replied) = case.dates.replied_on {
            match case.satisfaction {
                Some(rating) => {
                    k.participation.num += 1;
                    k.participation.den += 1;
                    k.satisfaction.den += 1;
                    if rating != Satisfaction::Unsatisfied {
                        k.satisfaction.num += 1;
                    }
                }
                None if replied < eval_cutoff => k.participation.den += 1,
                None => {}
            }
        }
    }
    k.repeat_rate.den = k.cases;
    k.online_share.den = k.cases;
    k.backlog_clearance = backlog_clearance(cases, period.to, as_of, rules);
    k
}

/// KPI 8: cleared ÷ backlog cases received up to `up_to`, as of `as_of`.
pub fn backlog_clearance(
    cases: &[Case],
    up_to: NaiveDate,
    as_of: NaiveDate,
    rules: &Rules,
) -> Ratio {
    let mut latest_repeat: HashMap<CaseId, NaiveDate> = HashMap::new();
    for case in cases {
        if let Some(of) = case.repeat_of
            && case.intake.received_on <= as_of
        {
            let entry = latest_repeat.entry(of).or_insert(case.intake.received_on);
            *entry = (*entry).max(case.intake.received_on);
        }
    }
    let mut ratio = Ratio::default();
    for case in cases
        .iter()
        .filter(|c| c.backlog && c.intake.received_on <= up_to)
    {
        ratio.den += 1;
        if is_cleared(case, latest_repeat.get(&case.id).copied(), as_of, rules) {
            ratio.num += 1;
        }
    }
    ratio
}

/// A backlog case is cleared when concluded or final and either a 息诉罢访 agreement is recorded,
/// or `cleared_quiet_days` have passed since closing with no new petition on it (domain.md §6).
pub fn is_cleared(
    case: &Case,
    latest_repeat_on: Option<NaiveDate>,
    as_of: NaiveDate,
    rules: &Rules,
) -> bool {
    cleared(
        case.state,
        case.dates.closed_on,
        case.agreement_on,
        latest_repeat_on,
        as_of,
        rules,
    )
}

/// `is_cleared` on the few facts it needs (for stores that read only those).
pub fn cleared(
    state: State,
    closed_on: Option<NaiveDate>,
    agreement_on: Option<NaiveDate>,
    latest_repeat_on: Option<NaiveDate>,
    as_of: NaiveDate,
    rules: &Rules,
) -> bool {
    if !matches!(state, State::Concluded | State::Final) {
        return false;
    }
    if agreement_on.is_some_and(|d| d <= as_of) {
        return true;
    }
    let Some(closed) = closed_on else {
        return false;
    };
    let quiet_until = add_days(closed, rules.cleared_quiet_days);
    quiet_until <= as_of && latest_repeat_on.is_none_or(|r| r <= closed)
}
