//! KPI aggregates of domain.md §8 in SQL, equal by test to `domain::kpi::compute`.
//!
//! The time-independent counters (`domain::kpi::Tally`) live in `kpi_day`, one row per day of
//! receipt and county, changed in the same transaction as every case. What depends on "as of" —
//! cases still waiting for acceptance, open handling clocks, recent unevaluated replies, backlog
//! clearance — concerns few cases and is counted live from small covering partial indexes.

use super::read::region_condition;
use super::{Db, rows};
use crate::domain::kpi::{Completion, Kpis, Period, Ratio, TALLY_COLUMNS, Tally};
use crate::store::{Scope, StoreError};
use chrono::NaiveDate;
use rusqlite::types::Value;

/// Not litigation-related (涉法涉诉 is left out of KPIs 1–4).
const NOT_LITIGATION: &str =
    "NOT (coalesce(category, '') = 'litigation' OR coalesce(route, '') = 'litigation')";

/// Adds `sign` × `tally` to the summary row of (`received_on`, `county`).
pub fn add_tally(
    db: &dyn Db,
    received_on: NaiveDate,
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
        "INSERT INTO kpi_day (received_on, county, {columns}) VALUES (?, ?{}) \
         ON CONFLICT (received_on, county) DO UPDATE SET {}",
        ", ?".repeat(TALLY_COLUMNS.len()),
        updates.join(", ")
    );
    let mut values = vec![
        Value::Text(rows::date(received_on)),
        Value::Text(county.to_string()),
    ];
    values.extend(tally.to_array().iter().map(|v| Value::Integer(v * sign)));
    db.execute(&sql, &values).map(drop)
}

/// `WHERE`-clause parameters for a period and region, appended to `sql`.
fn scoped(
    sql: &str,
    period: Period,
    scope: &Scope,
    mut params: Vec<Value>,
) -> (String, Vec<Value>) {
    let mut sql = sql.to_string();
    sql.push_str(" AND received_on >= ? AND received_on <= ?");
    params.push(Value::Text(rows::date(period.from)));
    params.push(Value::Text(rows::date(period.to)));
    region_condition(&scope.region, &mut sql, &mut params);
    (sql, params)
}

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
    let rules = db.rules();
    let sums: Vec<String> = TALLY_COLUMNS.iter().map(|c| format!("sum({c})")).collect();
    let (sql, params) = scoped(
        &format!("SELECT {} FROM kpi_day WHERE 1 = 1", sums.join(", ")),
        period,
        scope,
        vec![],
    );
    let values = db.counts(&sql, &params)?;
    let mut array = [0i64; 14];
    for (slot, v) in array.iter_mut().zip(values) {
        *slot = v;
    }
    let t = Tally::from_array(array);
    // Waiting for acceptance although 15 days have passed (KPI 1's denominator).
    let accept_cutoff =
        rows::date(as_of - chrono::Days::new(u64::from(crate::domain::rules::DISPOSE_DAYS)));
    let (sql, params) = scoped(
        "SELECT count(*) FROM cases WHERE accepted_on IS NULL AND closed_on IS NULL \
         AND coalesce(category, '') <> 'litigation' AND received_on < ?",
        period,
        scope,
        vec![Value::Text(accept_cutoff)],
    );
    let unaccepted_late = db.counts(&sql, &params)?[0];
    // Open handling clocks, overdue or not (KPI 2).
    let as_of_text = Value::Text(rows::date(as_of));
    let (sql, params) = scoped(
        "SELECT sum(CASE WHEN handling_due_on < ?1 THEN 1 ELSE 0 END), \
         sum(CASE WHEN handling_due_on >= ?1 THEN 1 ELSE 0 END) FROM cases \
         WHERE accepted_on IS NOT NULL AND replied_on IS NULL AND closed_on IS NULL \
         AND coalesce(category, '') <> 'litigation'",
        period,
        scope,
        vec![as_of_text.clone()],
    );
    let open = db.counts(&sql, &params)?;
    // Replies still inside their evaluation window (KPI 3: not yet expired).
    let eval_cutoff =
        rows::date(as_of - chrono::Days::new(u64::from(rules.evaluation_window_days)));
    let (sql, params) = scoped(
        &format!(
            "SELECT count(*) FROM cases WHERE replied_on IS NOT NULL AND satisfaction IS NULL AND replied_on >= ? AND {NOT_LITIGATION}"
        ),
        period,
        scope,
        vec![Value::Text(eval_cutoff)],
    );
    let unevaluated_recent = db.counts(&sql, &params)?[0];
    let u = |v: i64| v.max(0) as u64;
    Ok(Kpis {
        cases: u(t.cases),
        timely_acceptance: Ratio {
            num: u(t.accepted_in_time),
            den: u(t.accepted + unaccepted_late),
        },
        completion: Completion {
            on_time: u(t.on_time),
            late: u(t.late),
            open_overdue: u(open[0]),
            open_not_due: u(open[1]),
        },
        participation: Ratio {
            num: u(t.evaluated),
            den: u(t.evaluated + t.unevaluated - unevaluated_recent),
        },
        satisfaction: Ratio {
            num: u(t.satisfied),
            den: u(t.evaluated),
        },
        repeat_rate: Ratio {
            num: u(t.repeats),
            den: u(t.cases),
        },
        online_share: Ratio {
            num: u(t.online),
            den: u(t.cases),
        },
        handling_days_total: u(t.handling_days),
        handled: u(t.handled),
        backlog_clearance: clearance,
        collective_batches: u(t.collective),
        collective_persons: u(t.collective_persons),
    })
}

/// KPI 8 alone: it depends only on the period's last day, so callers that ask for several
/// periods ending on one day (the overview) count it once.
pub fn clearance(
    db: &dyn Db,
    up_to: NaiveDate,
    scope: &Scope,
    as_of: NaiveDate,
) -> Result<Ratio, StoreError> {
    let quiet = i64::from(db.rules().cleared_quiet_days);
    let quiet_end = db.dialect().add_days("closed_on", "?2");
    let mut sql = format!(
        "SELECT count(*), sum(CASE WHEN state IN ('concluded', 'final') AND (
             (agreement_on IS NOT NULL AND agreement_on <= ?1)
             OR (closed_on IS NOT NULL AND {quiet_end} <= ?1 AND NOT EXISTS (
                 SELECT 1 FROM cases r WHERE r.repeat_of = c.id
                 AND r.received_on > c.closed_on AND r.received_on <= ?1))
         ) THEN 1 ELSE 0 END)
         FROM cases c WHERE backlog = 1 AND received_on <= ?3",
    );
    let mut params = vec![
        Value::Text(rows::date(as_of)),
        Value::Integer(quiet),
        Value::Text(rows::date(up_to)),
    ];
    region_condition(&scope.region, &mut sql, &mut params);
    let n = db.counts(&sql, &params)?;
    Ok(Ratio {
        den: n[0].max(0) as u64,
        num: n[1].max(0) as u64,
    })
}

/// The summary recomputed from the cases table with the same definitions as `Tally`, for
/// `db check`: returns how many (day, county) rows disagree with `kpi_day`.
pub fn recount_mismatches(db: &dyn Db) -> Result<i64, StoreError> {
    let recount = recount_sql(db.dialect());
    let stored = "SELECT * FROM kpi_day WHERE cases <> 0";
    let sql = format!(
        "SELECT count(*) FROM (SELECT received_on, county FROM ({recount} EXCEPT {stored}) AS a \
         UNION SELECT received_on, county FROM ({stored} EXCEPT {recount}) AS b) AS differing"
    );
    db.one(&sql, &[], |r| r.get(0))
}

/// Replaces the whole summary with a recount of the cases (inside the caller's transaction);
/// returns the number of summary rows.
pub fn rebuild(db: &dyn Db) -> Result<u64, StoreError> {
    db.execute("DELETE FROM kpi_day", &[])?;
    db.execute(
        &format!("INSERT INTO kpi_day {}", recount_sql(db.dialect())),
        &[],
    )
}

/// `kpi_day`'s rows, in its column order, counted from the cases with the same definitions as
/// `Tally`.
fn recount_sql(dialect: super::Dialect) -> String {
    let nl = NOT_LITIGATION;
    let days = dialect.days_between("received_on", "replied_on");
    let accept_by = dialect.add_days("received_on", "15");
    let when = |cond: &str| format!("sum(CASE WHEN {cond} THEN 1 ELSE 0 END)");
    format!(
        "SELECT received_on, county, count(*), {}, {},
            sum(collective), sum(CASE WHEN collective = 1 THEN persons ELSE 0 END),
            {},
            sum(CASE WHEN replied_on IS NOT NULL AND {days} > 0 THEN {days} ELSE 0 END),
            {}, {}, {}, {}, {}, {}, {}
         FROM cases GROUP BY received_on, county",
        when("repeat_of IS NOT NULL"),
        when("channel = 'online'"),
        when("replied_on IS NOT NULL"),
        when(&format!("{nl} AND accepted_on IS NOT NULL")),
        when(&format!(
            "{nl} AND accepted_on IS NOT NULL AND accepted_on <= {accept_by}"
        )),
        when(&format!(
            "{nl} AND replied_on IS NOT NULL AND handling_due_on IS NOT NULL AND replied_on <= handling_due_on"
        )),
        when(&format!(
            "{nl} AND replied_on IS NOT NULL AND handling_due_on IS NOT NULL AND replied_on > handling_due_on"
        )),
        when(&format!(
            "{nl} AND replied_on IS NOT NULL AND satisfaction IS NULL"
        )),
        when(&format!(
            "{nl} AND replied_on IS NOT NULL AND satisfaction IS NOT NULL"
        )),
        when(&format!(
            "{nl} AND replied_on IS NOT NULL AND coalesce(satisfaction, '') IN ('satisfied', 'basically-satisfied')"
        )),
    )
}
