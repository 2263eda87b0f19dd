//! The indicators of domain.md §8 as pure functions over cases, a period and an "as of" day.
//!
//! These functions are the reference definition; the store computes the same numbers in SQL for
//! speed, and a test holds the two equal. Every indicator is counted by the day on which its
//! result became known (its *measure day*), and a period counts the measure days from its first
//! day to its last day or the "as of" day, whichever is earlier:
//! - 1a timely disposal (Art 22): a registered case counts on the day the bureau disposed of it
//!   (forward, assign, decline, divert) if that was within its 15 days, else on the day after its
//!   15 days ran out, as late, whether it was disposed of later or not yet;
//! - 1b timely acceptance (Art 23): the same for a forwarded case and the unit's answer (accept,
//!   decline, divert, or an objection the bureau agreed), from the latest forwarding;
//! - 2 on-time completion: the same for an accepted case and its written reply against the
//!   handling deadline (extensions included; the internal target for suggestions and
//!   accusations); a case diverted before its reply leaves the count;
//! - 3 participation: a first-handling evaluation counts on its day; a reply whose evaluation
//!   window (`Rules::evaluation_window_days` from delivery) closed unevaluated counts on the day
//!   after it closed. Review evaluations are counted apart (谁办理、谁接受评价);
//! - 4 satisfaction: 满意 + 基本满意 over first-handling evaluations, by evaluation day;
//! - 5, 6, 9 intake: by day of receipt; 7 average handling days: over replies in the period;
//! - 8 backlog clearance: every backlog case (flagged, open longer than `backlog_open_days`, or
//!   with `backlog_repeats` repeat petitions) received up to the period's end, cleared as of the
//!   "as of" day.
//!
//! So a case is counted once per indicator, in one period: "this month" means the same on the 1st
//! and on the 24th, a year equals the sum of its months, and the period before, seen "as of" its
//! own last day, is what it was on that day. Litigation-related cases (涉法涉诉) are left out of
//! 1–4.

use super::calendar::{add_days, days_between};
use super::case::{Case, CaseId};
use super::codes::{Channel, Satisfaction};
use super::deadline::{accept_due, dispose_due, handling_due, reply_received_on};
use super::rules::Rules;
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

    /// The days of the period that have happened by `as_of` (empty when `as_of` is before it).
    pub fn up_to(&self, as_of: NaiveDate) -> Period {
        Period {
            from: self.from,
            to: self.to.min(as_of),
        }
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

/// All indicators of domain.md §8 for one scope and period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kpis {
    /// Cases received in the period.
    pub cases: u64,
    /// 1a: disposed of by the bureau within 15 days (Art 22).
    pub timely_disposal: Ratio,
    /// 1b: accepted or answered by the unit within 15 days (Art 23).
    pub timely_acceptance: Ratio,
    /// 2: replied by the handling deadline.
    pub completion: Ratio,
    /// 3: first-handling evaluations ÷ (those + windows closed unevaluated).
    pub participation: Ratio,
    /// Replies whose evaluation window closed unevaluated (part of 3's denominator).
    pub evaluation_expired: u64,
    /// 4: satisfied or basically satisfied ÷ first-handling evaluations.
    pub satisfaction: Ratio,
    /// Review-opinion evaluations, counted apart from the first: satisfied ÷ evaluated.
    pub review_satisfaction: Ratio,
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

/// What one case adds to the indicators on one day. A store keeps these summed per day and county
/// (the `kpi_day` table), changed in the same transaction as every case, so any period is a sum
/// of rows; nothing in it depends on "as of".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// By day of receipt.
    pub cases: i64,
    pub repeats: i64,
    pub online: i64,
    pub collective: i64,
    pub collective_persons: i64,
    /// By day of reply: replied cases and the sum of their handling days (KPI 7).
    pub handled: i64,
    pub handling_days: i64,
    /// By measure day, non-litigation cases only (KPIs 1–4).
    pub disposal_due: i64,
    pub disposal_in_time: i64,
    pub acceptance_due: i64,
    pub acceptance_in_time: i64,
    pub completion_due: i64,
    pub completion_on_time: i64,
    pub evaluated: i64,
    pub satisfied: i64,
    pub evaluation_expired: i64,
    pub review_evaluated: i64,
    pub review_satisfied: i64,
}

/// Names of the `Tally` counters, in `to_array` order (the summary table's columns).
pub const TALLY_COLUMNS: [&str; 18] = [
    "cases",
    "repeats",
    "online",
    "collective",
    "collective_persons",
    "handled",
    "handling_days",
    "disposal_due",
    "disposal_in_time",
    "acceptance_due",
    "acceptance_in_time",
    "completion_due",
    "completion_on_time",
    "evaluated",
    "satisfied",
    "evaluation_expired",
    "review_evaluated",
    "review_satisfied",
];

impl Tally {
    /// The counters in a fixed order (for storage).
    pub fn to_array(&self) -> [i64; 18] {
        [
            self.cases,
            self.repeats,
            self.online,
            self.collective,
            self.collective_persons,
            self.handled,
            self.handling_days,
            self.disposal_due,
            self.disposal_in_time,
            self.acceptance_due,
            self.acceptance_in_time,
            self.completion_due,
            self.completion_on_time,
            self.evaluated,
            self.satisfied,
            self.evaluation_expired,
            self.review_evaluated,
            self.review_satisfied,
        ]
    }

    /// The inverse of `to_array`.
    pub fn from_array(a: [i64; 18]) -> Tally {
        Tally {
            cases: a[0],
            repeats: a[1],
            online: a[2],
            collective: a[3],
            collective_persons: a[4],
            handled: a[5],
            handling_days: a[6],
            disposal_due: a[7],
            disposal_in_time: a[8],
            acceptance_due: a[9],
            acceptance_in_time: a[10],
            completion_due: a[11],
            completion_on_time: a[12],
            evaluated: a[13],
            satisfied: a[14],
            evaluation_expired: a[15],
            review_evaluated: a[16],
            review_satisfied: a[17],
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

    /// True when every counter is zero.
    pub fn is_empty(&self) -> bool {
        self.to_array().iter().all(|v| *v == 0)
    }
}

/// The day on which a clock's result is known: the step's day when it came in time, else the
/// day after the deadline (late, whether the step came later or has not come yet); and whether it
/// was in time.
fn measure(done: Option<NaiveDate>, due: NaiveDate) -> (NaiveDate, bool) {
    match done {
        Some(day) if day <= due => (day, true),
        _ => (add_days(due, 1), false),
    }
}

/// Every day's contribution of one case, merged by day, in day order.
pub fn contributions(case: &Case, rules: &Rules) -> Vec<(NaiveDate, Tally)> {
    let mut out: Vec<(NaiveDate, Tally)> = Vec::with_capacity(6);
    let mut add =
        |day: NaiveDate, change: &dyn Fn(&mut Tally)| match out.iter_mut().find(|(d, _)| *d == day)
        {
            Some((_, t)) => change(t),
            None => {
                let mut t = Tally::default();
                change(&mut t);
                out.push((day, t));
            }
        };
    let received = case.intake.received_on;
    let persons = i64::from(case.intake.persons);
    let (repeat, online, collective) = (
        case.repeat_of.is_some(),
        case.intake.channel == Channel::Online,
        case.collective,
    );
    add(received, &|t| {
        t.cases = 1;
        t.repeats = i64::from(repeat);
        t.online = i64::from(online);
        if collective {
            t.collective = 1;
            t.collective_persons = persons;
        }
    });
    if let Some(replied) = case.dates.replied_on {
        let days = days_between(received, replied).max(0);
        add(replied, &|t| {
            t.handled += 1;
            t.handling_days += days;
        });
    }
    if case.is_litigation() {
        out.sort_by_key(|(d, _)| *d);
        return out;
    }
    if let Some(due) = dispose_due(case, rules) {
        let (day, in_time) = measure(case.dates.disposed_on, due);
        add(day, &|t| {
            t.disposal_due += 1;
            t.disposal_in_time += i64::from(in_time);
        });
    }
    if let Some(due) = accept_due(case, rules) {
        let (day, in_time) = measure(case.dates.answered_on, due);
        add(day, &|t| {
            t.acceptance_due += 1;
            t.acceptance_in_time += i64::from(in_time);
        });
    }
    if let Some(due) = handling_due(case, rules)
        // Diverted in time, before a reply: it left the route and the count. Diverted after the
        // deadline had passed: it was late by then, and stays so.
        && !(case.state == State::Diverted
            && case.dates.replied_on.is_none()
            && case.dates.closed_on.is_some_and(|closed| closed <= due))
    {
        let (day, in_time) = measure(case.dates.replied_on, due);
        add(day, &|t| {
            t.completion_due += 1;
            t.completion_on_time += i64::from(in_time);
        });
    }
    if let Some(received_reply) = reply_received_on(case) {
        match (case.satisfaction, case.dates.evaluated_on) {
            (Some(rating), Some(day)) => {
                let satisfied = rating != Satisfaction::Unsatisfied;
                add(day, &|t| {
                    t.evaluated += 1;
                    t.satisfied += i64::from(satisfied);
                });
            }
            _ => {
                let closes = add_days(received_reply, rules.evaluation_window_days);
                add(add_days(closes, 1), &|t| t.evaluation_expired += 1);
            }
        }
    }
    if let (Some(rating), Some(day)) = (case.review_satisfaction, case.dates.review_evaluated_on) {
        let satisfied = rating != Satisfaction::Unsatisfied;
        add(day, &|t| {
            t.review_evaluated += 1;
            t.review_satisfied += i64::from(satisfied);
        });
    }
    out.sort_by_key(|(d, _)| *d);
    out
}

/// The indicators (all but backlog clearance) from a period's summed tally.
pub fn from_tally(t: &Tally) -> Kpis {
    let u = |v: i64| v.max(0) as u64;
    let ratio = |num: i64, den: i64| Ratio {
        num: u(num),
        den: u(den),
    };
    Kpis {
        cases: u(t.cases),
        timely_disposal: ratio(t.disposal_in_time, t.disposal_due),
        timely_acceptance: ratio(t.acceptance_in_time, t.acceptance_due),
        completion: ratio(t.completion_on_time, t.completion_due),
        participation: ratio(t.evaluated, t.evaluated + t.evaluation_expired),
        evaluation_expired: u(t.evaluation_expired),
        satisfaction: ratio(t.satisfied, t.evaluated),
        review_satisfaction: ratio(t.review_satisfied, t.review_evaluated),
        repeat_rate: ratio(t.repeats, t.cases),
        online_share: ratio(t.online, t.cases),
        handling_days_total: u(t.handling_days),
        handled: u(t.handled),
        backlog_clearance: Ratio::default(),
        collective_batches: u(t.collective),
        collective_persons: u(t.collective_persons),
    }
}

/// Computes every indicator for `period`, seen on `as_of`, over `cases` (already in scope).
pub fn compute(cases: &[Case], period: Period, as_of: NaiveDate, rules: &Rules) -> Kpis {
    let counted = period.up_to(as_of);
    let mut sum = Tally::default();
    for case in cases {
        for (day, t) in contributions(case, rules) {
            if counted.contains(day) {
                sum.add(&t, 1);
            }
        }
    }
    let mut k = from_tally(&sum);
    k.backlog_clearance = backlog_clearance(cases, period.to, as_of, rules);
    k
}

/// The day a case became a backlog case (积案), if it is one regardless of its repeats: the day
/// of receipt when a supervisor flagged it, else the day after it had been open
/// `backlog_open_days` (if it was still open then). The repeat rule (`backlog_repeats`) depends
/// on other cases and is counted by the caller.
pub fn backlog_from(case: &Case, rules: &Rules) -> Option<NaiveDate> {
    if case.backlog {
        return Some(case.intake.received_on);
    }
    let limit = add_days(case.intake.received_on, rules.backlog_open_days);
    match case.dates.closed_on {
        Some(closed) if closed <= limit => None,
        _ => Some(add_days(limit, 1)),
    }
}

/// KPI 8: cleared ÷ backlog cases received up to `up_to` that were backlog cases by `as_of`.
pub fn backlog_clearance(
    cases: &[Case],
    up_to: NaiveDate,
    as_of: NaiveDate,
    rules: &Rules,
) -> Ratio {
    let mut latest_repeat: HashMap<CaseId, NaiveDate> = HashMap::new();
    let mut repeats: HashMap<CaseId, u32> = HashMap::new();
    for case in cases {
        if let Some(of) = case.repeat_of
            && case.intake.received_on <= as_of
        {
            let entry = latest_repeat.entry(of).or_insert(case.intake.received_on);
            *entry = (*entry).max(case.intake.received_on);
            *repeats.entry(of).or_default() += 1;
        }
    }
    let mut ratio = Ratio::default();
    for case in cases.iter().filter(|c| c.intake.received_on <= up_to) {
        let by_repeats = repeats.get(&case.id).copied().unwrap_or(0) >= rules.backlog_repeats;
        let by_self = backlog_from(case, rules).is_some_and(|d| d <= as_of);
        if !(by_repeats || by_self) {
            continue;
        }
        ratio.den += 1;
        if is_cleared(case, latest_repeat.get(&case.id).copied(), as_of, rules) {
            ratio.num += 1;
        }
    }
    ratio
}

/// A backlog case is cleared when concluded or final and either a 息诉罢访 agreement is recorded
/// with no new petition on it since, or `cleared_quiet_days` have passed since closing with no new
/// petition on it (domain.md §6). `latest_repeat_on` is the newest repeat received by `as_of`.
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
    if let Some(agreed) = agreement_on.filter(|d| *d <= as_of) {
        // An agreement followed by a new petition on the same matter did not hold.
        return latest_repeat_on.is_none_or(|r| r <= agreed);
    }
    let Some(closed) = closed_on else {
        return false;
    };
    let quiet_until = add_days(closed, rules.cleared_quiet_days);
    quiet_until <= as_of && latest_repeat_on.is_none_or(|r| r <= closed)
}
