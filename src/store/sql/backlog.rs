//! Backlog cases (积案, domain.md §6) as KPI 8 and the backlog board see them: flagged, open longer
//! than `backlog_open_days` (the stored `backlog_from`), or with `backlog_repeats` repeat
//! petitions — read once from covering indexes and decided in Rust with `domain::kpi::cleared`,
//! so any number of days (the overview's periods, the board's chart) costs one read.

use super::read::{region_condition, stored_date};
use super::{Db, rows};
use crate::domain::kpi::{self, Ratio};
use crate::domain::{CaseId, Rules, State};
use crate::store::StoreError;
use chrono::NaiveDate;
use rusqlite::types::Value;
use std::collections::HashMap;

/// A case that is, or may become, a backlog case, with what clearance needs.
#[derive(Debug, Clone)]
pub struct BacklogCase {
    pub id: CaseId,
    pub county: String,
    pub received_on: NaiveDate,
    pub state: State,
    pub closed_on: Option<NaiveDate>,
    pub agreement_on: Option<NaiveDate>,
    /// Flagged, or open past `backlog_open_days`, from this day (`kpi::backlog_from`).
    pub backlog_from: Option<NaiveDate>,
    /// Days its repeat petitions were received, in order.
    pub repeats: Vec<NaiveDate>,
}

impl BacklogCase {
    /// Whether it is a backlog case on `day`.
    pub fn is_backlog_on(&self, day: NaiveDate, rules: &Rules) -> bool {
        self.backlog_from.is_some_and(|d| d <= day)
            || self.repeats.iter().filter(|r| **r <= day).count() as u32 >= rules.backlog_repeats
    }

    /// KPI 8's rule on `day`, with the repeats received by then.
    pub fn cleared_on(&self, day: NaiveDate, rules: &Rules) -> bool {
        let latest = self.repeats.iter().rev().find(|r| **r <= day).copied();
        kpi::cleared(
            self.state,
            self.closed_on,
            self.agreement_on,
            latest,
            day,
            rules,
        )
    }
}

const COLUMNS: &str = "id, county, received_on, state, closed_on, agreement_on, backlog_from";

/// Every case received by `up_to` in `region` that may be a backlog case on a day up to
/// `as_of`, with its repeats received by `as_of`.
pub fn candidates(
    db: &dyn Db,
    region: &str,
    up_to: NaiveDate,
    as_of: NaiveDate,
) -> Result<Vec<BacklogCase>, StoreError> {
    let rules = db.rules();
    let mut repeats: HashMap<CaseId, Vec<NaiveDate>> = HashMap::new();
    // Repeats in the region only, as a region's indicators count its own cases.
    let mut sql = String::from(
        "SELECT repeat_of, received_on FROM cases WHERE repeat_of IS NOT NULL AND received_on <= ?",
    );
    let mut params = vec![Value::Text(rows::date(as_of))];
    region_condition(region, &mut sql, &mut params);
    sql.push_str(" ORDER BY repeat_of, received_on");
    let found = db.collect(&sql, &params, |r| {
        let of: CaseId = r.get(0)?;
        let day: String = r.get(1)?;
        Ok(stored_date(|| "cases.received_on".into(), &day).map(|d| (of, d)))
    })?;
    for (of, day) in found {
        repeats.entry(of).or_default().push(day);
    }
    let mut sql = format!(
        "SELECT {COLUMNS} FROM cases WHERE backlog_from IS NOT NULL AND backlog_from <= ? \
         AND received_on <= ?"
    );
    let mut params = vec![
        Value::Text(rows::date(as_of)),
        Value::Text(rows::date(up_to)),
    ];
    region_condition(region, &mut sql, &mut params);
    let mut out = db.collect(&sql, &params, read)?;
    // Cases that are backlog cases by their repeats alone (closed early, never flagged).
    let seen: std::collections::HashSet<CaseId> = out.iter().map(|c| c.id).collect();
    let by_repeats: Vec<CaseId> = repeats
        .iter()
        .filter(|(id, days)| days.len() as u32 >= rules.backlog_repeats && !seen.contains(id))
        .map(|(id, _)| *id)
        .collect();
    for chunk in by_repeats.chunks(500) {
        let mut sql = format!(
            "SELECT {COLUMNS} FROM cases WHERE received_on <= ? AND id IN ({})",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut params = vec![Value::Text(rows::date(up_to))];
        params.extend(chunk.iter().map(|id| Value::Integer(*id)));
        region_condition(region, &mut sql, &mut params);
        out.extend(db.collect(&sql, &params, read)?);
    }
    for case in &mut out {
        if let Some(days) = repeats.remove(&case.id) {
            case.repeats = days;
        }
    }
    Ok(out)
}

fn read(r: &super::Row<'_>) -> rusqlite::Result<Result<BacklogCase, rows::BadValue>> {
    let state: String = r.get(3)?;
    let texts: [Option<String>; 4] = [Some(r.get(2)?), r.get(4)?, r.get(5)?, r.get(6)?];
    let Some(state) = State::from_code(&state) else {
        return Ok(Err(rows::BadValue(format!(
            "cases.state: unknown code `{state}`"
        ))));
    };
    let mut days = [None; 4];
    for (slot, text) in days.iter_mut().zip(texts) {
        if let Some(text) = text {
            match stored_date(|| "cases (backlog)".into(), &text) {
                Ok(day) => *slot = Some(day),
                Err(bad) => return Ok(Err(bad)),
            }
        }
    }
    let Some(received_on) = days[0] else {
        return Ok(Err(rows::BadValue("cases.received_on: missing".into())));
    };
    Ok(Ok(BacklogCase {
        id: r.get(0)?,
        county: r.get(1)?,
        received_on,
        state,
        closed_on: days[1],
        agreement_on: days[2],
        backlog_from: days[3],
        repeats: Vec::new(),
    }))
}

/// KPI 8 for each (period end, "as of" day): cleared ÷ backlog cases received by the period's
/// end that were backlog cases on the "as of" day, from one read.
pub fn clearances(
    db: &dyn Db,
    region: &str,
    asks: &[(NaiveDate, NaiveDate)],
) -> Result<Vec<Ratio>, StoreError> {
    let (Some(up_to), Some(as_of)) = (
        asks.iter().map(|a| a.0).max(),
        asks.iter().map(|a| a.1).max(),
    ) else {
        return Ok(Vec::new());
    };
    let cases = candidates(db, region, up_to, as_of)?;
    Ok(clearances_of(&cases, asks, db.rules()))
}

/// `clearances` over backlog candidates already read (received up to the latest `up_to`, as of
/// the latest `as_of`).
pub fn clearances_of(
    cases: &[BacklogCase],
    asks: &[(NaiveDate, NaiveDate)],
    rules: &crate::domain::Rules,
) -> Vec<Ratio> {
    asks.iter()
        .map(|(up_to, as_of)| {
            let mut ratio = Ratio::default();
            for case in cases
                .iter()
                .filter(|c| c.received_on <= *up_to && c.is_backlog_on(*as_of, rules))
            {
                ratio.den += 1;
                ratio.num += u64::from(case.cleared_on(*as_of, rules));
            }
            ratio
        })
        .collect()
}
