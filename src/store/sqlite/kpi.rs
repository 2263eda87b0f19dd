//! KPI aggregates of domain.md §8 in SQLite, equal by test to `domain::kpi::compute`.
//!
//! Date thresholds that depend on "as of" are computed in Rust and bound; per-row date arithmetic
//! uses SQLite's `date()` and `julianday()`.

use super::SqliteStore;
use super::read::region_condition;
use super::rows;
use crate::domain::kpi::{Completion, Kpis, Period, Ratio};
use crate::store::{Scope, StoreError};
use chrono::NaiveDate;
use rusqlite::Connection;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

/// Not litigation-related (涉法涉诉 is left out of KPIs 1–4).
const NOT_LITIGATION: &str =
    "NOT (coalesce(category, '') = 'litigation' OR coalesce(route, '') = 'litigation')";

pub fn kpis(
    store: &SqliteStore,
    conn: &Connection,
    period: Period,
    scope: &Scope,
    as_of: NaiveDate,
) -> Result<Kpis, StoreError> {
    let rules = store.rules();
    let as_of_text = rows::date(as_of);
    let eval_cutoff =
        rows::date(as_of - chrono::Days::new(u64::from(rules.evaluation_window_days)));
    let nl = NOT_LITIGATION;
    let sql = format!(
        "SELECT count(*),
            coalesce(sum(repeat_of IS NOT NULL), 0),
            coalesce(sum(channel = 'online'), 0),
            coalesce(sum(collective), 0),
            coalesce(sum(CASE WHEN collective = 1 THEN persons ELSE 0 END), 0),
            coalesce(sum(replied_on IS NOT NULL), 0),
            coalesce(sum(CASE WHEN replied_on IS NOT NULL
                THEN max(0, CAST(julianday(replied_on) - julianday(received_on) AS INTEGER)) ELSE 0 END), 0),
            coalesce(sum({nl} AND accepted_on IS NOT NULL), 0),
            coalesce(sum({nl} AND accepted_on IS NOT NULL AND accepted_on <= date(received_on, '+15 days')), 0),
            coalesce(sum({nl} AND accepted_on IS NULL AND state NOT IN ('declined', 'diverted')
                AND date(received_on, '+15 days') < ?1), 0),
            coalesce(sum({nl} AND handling_due_on IS NOT NULL AND replied_on IS NOT NULL AND replied_on <= handling_due_on), 0),
            coalesce(sum({nl} AND handling_due_on IS NOT NULL AND replied_on IS NOT NULL AND replied_on > handling_due_on), 0),
            coalesce(sum({nl} AND handling_due_on IS NOT NULL AND replied_on IS NULL AND state <> 'diverted'
                AND handling_due_on < ?1), 0),
            coalesce(sum({nl} AND handling_due_on IS NOT NULL AND replied_on IS NULL AND state <> 'diverted'
                AND handling_due_on >= ?1), 0),
            coalesce(sum({nl} AND replied_on IS NOT NULL AND satisfaction IS NOT NULL), 0),
            coalesce(sum({nl} AND replied_on IS NOT NULL AND satisfaction IS NULL AND replied_on < ?2), 0),
            coalesce(sum({nl} AND replied_on IS NOT NULL AND satisfaction IN ('satisfied', 'basically-satisfied')), 0)
         FROM cases WHERE received_on >= ?3 AND received_on <= ?4"
    );
    let mut sql = sql;
    let mut params = vec![
        Value::Text(as_of_text.clone()),
        Value::Text(eval_cutoff),
        Value::Text(rows::date(period.from)),
        Value::Text(rows::date(period.to)),
    ];
    region_condition(&scope.region, &mut sql, &mut params);
    let n: Vec<u64> = conn
        .prepare_cached(&sql)
        .and_then(|mut stmt| {
            stmt.query_row(params_from_iter(params), |r| {
                (0..17)
                    .map(|i| r.get::<_, i64>(i).map(|v| v.max(0) as u64))
                    .collect()
            })
        })
        .map_err(|e| store.error(e))?;
    let evaluated = n[14];
    Ok(Kpis {
        cases: n[0],
        repeat_rate: Ratio {
            num: n[1],
            den: n[0],
        },
        online_share: Ratio {
            num: n[2],
            den: n[0],
        },
        collective_batches: n[3],
        collective_persons: n[4],
        handled: n[5],
        handling_days_total: n[6],
        timely_acceptance: Ratio {
            num: n[8],
            den: n[7] + n[9],
        },
        completion: Completion {
            on_time: n[10],
            late: n[11],
            open_overdue: n[12],
            open_not_due: n[13],
        },
        participation: Ratio {
            num: evaluated,
            den: evaluated + n[15],
        },
        satisfaction: Ratio {
            num: n[16],
            den: evaluated,
        },
        backlog_clearance: backlog(store, conn, period.to, scope, as_of)?,
    })
}

fn backlog(
    store: &SqliteStore,
    conn: &Connection,
    up_to: NaiveDate,
    scope: &Scope,
    as_of: NaiveDate,
) -> Result<Ratio, StoreError> {
    let quiet = format!("+{} days", store.rules().cleared_quiet_days);
    let mut sql = String::from(
        "SELECT count(*), coalesce(sum(CASE WHEN state IN ('concluded', 'final') AND (
             (agreement_on IS NOT NULL AND agreement_on <= ?1)
             OR (closed_on IS NOT NULL AND date(closed_on, ?2) <= ?1 AND NOT EXISTS (
                 SELECT 1 FROM cases r WHERE r.repeat_of = c.id
                 AND r.received_on > c.closed_on AND r.received_on <= ?1))
         ) THEN 1 ELSE 0 END), 0)
         FROM cases c WHERE backlog = 1 AND received_on <= ?3",
    );
    let mut params = vec![
        Value::Text(rows::date(as_of)),
        Value::Text(quiet),
        Value::Text(rows::date(up_to)),
    ];
    region_condition(&scope.region, &mut sql, &mut params);
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| {
            stmt.query_row(params_from_iter(params), |r| {
                Ok(Ratio {
                    den: r.get::<_, i64>(0)?.max(0) as u64,
                    num: r.get::<_, i64>(1)?.max(0) as u64,
                })
            })
        })
        .map_err(|e| store.error(e))
}
