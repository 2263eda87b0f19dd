//! KPI aggregates of domain.md §8 in SQL, equal by test to `domain::kpi::compute`.
//!
//! Each case's contributions (`domain::kpi::contributions`: intake on the day of receipt, each
//! clock's result on its measure day, evaluations on theirs) live summed in `kpi_day`, one row per
//! day and county, changed in the same transaction as every case. A period is one range sum over
//! that table: nothing depends on "as of" beyond where the range ends. Backlog clearance (KPI 8) is
//! decided in `backlog` from a covering partial index.

use super::read::region_condition;
use super::{Db, rows};
use crate::domain::kpi::{self, Kpis, Period, Ratio, TALLY_COLUMNS, Tally};
use crate::store::{Scope, StoreError};
use chrono::NaiveDate;
use rusqlite::types::Value;
use std::collections::BTreeMap;

/// Summary rows: (day, county) → summed contributions.
pub type Summary = BTreeMap<(NaiveDate, String), Tally>;

/// Adds `sign` × `tally` to the summary row of (`day`, `county`).
pub fn add_tally(
    db: &dyn Db,
    day: NaiveDate,
    county: &str,
    tally: &Tally,
    sign: i64,
) -> Result<(), StoreError> {
    let columns = TALLY_COLUMNS.join(", ");
    let updates: Vec<String> = TALLY_COLUMNS
        .iter()
        .map(|c| format!("{c} = kpi_day.{c} + excluded.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO kpi_day (day, county, {columns}) VALUES (?, ?{}) \
         ON CONFLICT (day, county) DO UPDATE SET {}",
        ", ?".repeat(TALLY_COLUMNS.len()),
        updates.join(", ")
    );
    let mut values = vec![
        Value::Text(rows::date(day)),
        Value::Text(county.to_string()),
    ];
    values.extend(tally.to_array().iter().map(|v| Value::Integer(v * sign)));
    db.execute(&sql, &values).map(drop)
}

/// Moves a case's contributions from `before` (if it existed) to `after` in the summary,
/// touching only the days whose contribution changed.
pub fn update_summary(
    db: &dyn Db,
    before: Option<&crate::domain::Case>,
    after: &crate::domain::Case,
) -> Result<(), StoreError> {
    let rules = db.rules();
    let mut diff: BTreeMap<(NaiveDate, String), Tally> = BTreeMap::new();
    if let Some(before) = before {
        for (day, t) in kpi::contributions(before, rules) {
            diff.entry((day, before.intake.county.clone()))
                .or_default()
                .add(&t, -1);
        }
    }
    for (day, t) in kpi::contributions(after, rules) {
        diff.entry((day, after.intake.county.clone()))
            .or_default()
            .add(&t, 1);
    }
    for ((day, county), t) in diff.iter().filter(|(_, t)| !t.is_empty()) {
        add_tally(db, *day, county, t, 1)?;
    }
    Ok(())
}

/// Every indicator for `period` in the scope's region, seen on `as_of`.
pub fn kpis(
    db: &dyn Db,
    period: Period,
    scope: &Scope,
    as_of: NaiveDate,
) -> Result<Kpis, StoreError> {
    let clearance = clearance(db, period.to, scope, as_of)?;
    kpis_with_clearance(db, period, scope, as_of, clearance)
}

/// `kpis` with KPI 8 already counted.
pub fn kpis_with_clearance(
    db: &dyn Db,
    period: Period,
    scope: &Scope,
    as_of: NaiveDate,
    clearance: Ratio,
) -> Result<Kpis, StoreError> {
    let counted = period.up_to(as_of);
    let sums: Vec<String> = TALLY_COLUMNS.iter().map(|c| format!("sum({c})")).collect();
    let mut sql = format!(
        "SELECT {} FROM kpi_day WHERE day >= ? AND day <= ?",
        sums.join(", ")
    );
    let mut params = vec![
        Value::Text(rows::date(counted.from)),
        Value::Text(rows::date(counted.to)),
    ];
    region_condition(&scope.region, &mut sql, &mut params);
    let values = db.counts(&sql, &params)?;
    let mut array = [0i64; TALLY_COLUMNS.len()];
    for (slot, v) in array.iter_mut().zip(values) {
        *slot = v;
    }
    let mut k = kpi::from_tally(&Tally::from_array(array));
    k.backlog_clearance = clearance;
    Ok(k)
}

/// KPI 8 alone (see `backlog::clearances`, which counts several at once).
pub fn clearance(
    db: &dyn Db,
    up_to: NaiveDate,
    scope: &Scope,
    as_of: NaiveDate,
) -> Result<Ratio, StoreError> {
    Ok(
        super::backlog::clearances(db, &scope.region, &[(up_to, as_of)])?
            .first()
            .copied()
            .unwrap_or_default(),
    )
}

/// The rules the stored deadlines and summary follow: those the last `db recompute` recorded,
/// else the rules in force.
pub fn recorded_rules(db: &dyn Db) -> Result<crate::domain::Rules, StoreError> {
    let recorded: Vec<String> =
        db.collect("SELECT value FROM meta WHERE key = 'rules'", &[], |r| {
            Ok(Ok(r.get(0)?))
        })?;
    Ok(recorded
        .first()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_else(|| db.rules().clone()))
}

/// The summary counted afresh from every case under `rules`.
pub fn recount(db: &dyn Db, rules: &crate::domain::Rules) -> Result<Summary, StoreError> {
    let rules = rules.clone();
    let mut summary = Summary::new();
    let mut bad = None;
    let sql = format!("SELECT {} FROM cases", rows::CASE_COLUMNS.join(", "));
    db.query(&sql, &[], &mut |row| {
        match rows::read_case(row) {
            Ok(case) => {
                for (day, t) in kpi::contributions(&case, &rules) {
                    summary
                        .entry((day, case.intake.county.clone()))
                        .or_default()
                        .add(&t, 1);
                }
            }
            Err(b) => {
                bad.get_or_insert(b);
            }
        }
        Ok(())
    })?;
    match bad {
        Some(b) => Err(db.corrupt(b)),
        None => Ok(summary),
    }
}

/// The stored summary, without its all-zero rows.
fn stored(db: &dyn Db) -> Result<Summary, StoreError> {
    let sql = format!(
        "SELECT day, county, {} FROM kpi_day",
        TALLY_COLUMNS.join(", ")
    );
    let mut out = Summary::new();
    let mut bad = None;
    db.query(&sql, &[], &mut |row| {
        let day: String = row.get(0)?;
        let county: String = row.get(1)?;
        let mut array = [0i64; TALLY_COLUMNS.len()];
        for (i, slot) in array.iter_mut().enumerate() {
            *slot = row.get(i + 2)?;
        }
        match NaiveDate::parse_from_str(&day, rows::DATE) {
            Ok(day) => {
                let t = Tally::from_array(array);
                if !t.is_empty() {
                    out.insert((day, county), t);
                }
            }
            Err(_) => {
                bad.get_or_insert(rows::BadValue(format!(
                    "kpi_day.day: `{day}` is not a date"
                )));
            }
        }
        Ok(())
    })?;
    match bad {
        Some(b) => Err(db.corrupt(b)),
        None => Ok(out),
    }
}

/// For `db check`: how many (day, county) rows of `kpi_day` disagree with a recount of the cases.
pub fn recount_mismatches(db: &dyn Db) -> Result<i64, StoreError> {
    let rules = recorded_rules(db)?;
    let fresh: Summary = recount(db, &rules)?
        .into_iter()
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let stored = stored(db)?;
    let differing = fresh
        .iter()
        .filter(|(k, t)| stored.get(*k) != Some(*t))
        .count()
        + stored.keys().filter(|k| !fresh.contains_key(*k)).count();
    Ok(differing as i64)
}

/// Replaces the whole summary with a recount of the cases (inside the caller's transaction);
/// returns the number of summary rows.
pub fn rebuild(db: &dyn Db) -> Result<u64, StoreError> {
    let summary = recount(db, db.rules())?;
    db.execute("DELETE FROM kpi_day", &[])?;
    write_summary(db, &summary)?;
    Ok(summary.len() as u64)
}

/// Writes summed rows into `kpi_day` (adding to any already there).
pub fn write_summary(db: &dyn Db, summary: &Summary) -> Result<(), StoreError> {
    for ((day, county), t) in summary.iter().filter(|(_, t)| !t.is_empty()) {
        add_tally(db, *day, county, t, 1)?;
    }
    Ok(())
}
