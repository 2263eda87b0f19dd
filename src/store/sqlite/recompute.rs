//! `db recompute`: the columns derived from the rules — each case's duty deadline and handling
//! deadline, and the KPI summary that counts replies against the handling deadline — brought in
//! line with the rules in force now, after a change of `roll_over` or of the holiday calendar.
//!
//! Stored cases and their histories are not touched: deadlines are derived data, so no case
//! event is written and no version changes. One event without a case records who recomputed,
//! when and how much changed; it also moves the change position, so open consoles reload. All of
//! it happens in one transaction.

use super::{SqliteStore, kpi, rows};
use crate::domain::deadline;
use crate::store::{RecomputeReport, StoreError};
use rusqlite::Connection;

pub fn recompute(
    store: &SqliteStore,
    conn: &mut Connection,
    actor: &str,
    at: chrono::NaiveDateTime,
) -> Result<RecomputeReport, StoreError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(|e| store.error(e))?;
    let rules = store.rules();
    let columns = rows::CASE_COLUMNS.len();
    let mut cases = 0u64;
    let mut changes = Vec::new();
    {
        let sql = format!(
            "SELECT {}, due_on, handling_due_on FROM cases",
            rows::CASE_COLUMNS.join(", ")
        );
        let mut stmt = tx.prepare(&sql).map_err(|e| store.error(e))?;
        let mut found = stmt.query([]).map_err(|e| store.error(e))?;
        while let Some(row) = found.next().map_err(|e| store.error(e))? {
            let case = rows::read_case(row).map_err(|b| store.corrupt(b))?;
            let stored: (Option<String>, Option<String>) = (
                row.get(columns).map_err(|e| store.error(e))?,
                row.get(columns + 1).map_err(|e| store.error(e))?,
            );
            let now = (
                deadline::duty_clock(&case, rules).map(|c| rows::date(c.due_on)),
                deadline::handling_due(&case, rules).map(rows::date),
            );
            cases += 1;
            if now != stored {
                changes.push((case.id, now));
            }
        }
    }
    {
        let mut update = tx
            .prepare("UPDATE cases SET due_on = ?, handling_due_on = ? WHERE id = ?")
            .map_err(|e| store.error(e))?;
        for (id, (due, handling)) in &changes {
            update
                .execute(rusqlite::params![due, handling, id])
                .map_err(|e| store.error(e))?;
        }
    }
    let summary_rows = kpi::rebuild(&tx).map_err(|e| store.error(e))?;
    let payload = serde_json::json!({ "cases": cases, "changed": changes.len() }).to_string();
    super::write::append_raw_event(&tx, None, at, actor, "recompute", &payload)
        .map_err(|e| store.error(e))?;
    tx.commit().map_err(|e| store.error(e))?;
    Ok(RecomputeReport {
        cases,
        changed: changes.len() as u64,
        summary_rows: summary_rows as u64,
    })
}
