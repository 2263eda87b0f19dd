//! `db recompute`: the columns derived from the rules — each case's duty deadline and handling
//! deadline, and the KPI summary that counts replies against the handling deadline — brought in
//! line with the rules in force now, after a change of `roll_over` or of the holiday calendar.
//!
//! Stored cases and their histories are not touched: deadlines are derived data, so no case
//! event is written and no version changes. One event without a case records who recomputed,
//! when and how much changed; it also moves the change position, so open consoles reload. All of
//! it happens in the caller's write transaction.

use super::{Db, kpi, rows};
use crate::domain::deadline;
use crate::store::{RecomputeReport, StoreError};
use crate::vals;

pub fn recompute(
    db: &dyn Db,
    actor: &str,
    at: chrono::NaiveDateTime,
) -> Result<RecomputeReport, StoreError> {
    let rules = db.rules();
    let columns = rows::CASE_COLUMNS.len();
    let mut cases = 0u64;
    let mut changes = Vec::new();
    let mut bad = None;
    let sql = format!(
        "SELECT {}, due_on, handling_due_on, backlog_from FROM cases ORDER BY id",
        rows::CASE_COLUMNS.join(", ")
    );
    db.query(&sql, &[], &mut |row| {
        let case = match rows::read_case(row) {
            Ok(case) => case,
            Err(b) => {
                bad.get_or_insert(b);
                return Ok(());
            }
        };
        let stored: (Option<String>, Option<String>, Option<String>) = (
            row.get(columns)?,
            row.get(columns + 1)?,
            row.get(columns + 2)?,
        );
        let now = (
            deadline::duty_clock(&case, rules).map(|c| rows::date(c.due_on)),
            deadline::handling_due(&case, rules).map(rows::date),
            crate::domain::kpi::backlog_from(&case, rules).map(rows::date),
        );
        cases += 1;
        if now != stored {
            changes.push((case.id, now));
        }
        Ok(())
    })?;
    if let Some(b) = bad {
        return Err(db.corrupt(b));
    }
    for (id, (due, handling, backlog_from)) in &changes {
        db.execute(
            "UPDATE cases SET due_on = ?, handling_due_on = ?, backlog_from = ? WHERE id = ?",
            &vals![due.clone(), handling.clone(), backlog_from.clone(), *id],
        )?;
    }
    let summary_rows = kpi::rebuild(db)?;
    // The rules the derived columns and the summary now follow: `db check` recounts under them,
    // and the event says what was used.
    let used = record_rules(db)?;
    let payload =
        serde_json::json!({ "cases": cases, "changed": changes.len(), "rules": used }).to_string();
    super::write::append_raw_event(db, None, at, actor, "recompute", &payload)?;
    Ok(RecomputeReport {
        cases,
        changed: changes.len() as u64,
        summary_rows,
    })
}

/// After an upgrade across schema version 4 (marked `derived_stale` in `meta`): the columns it
/// added that derive from the rules (`backlog_from`, and deadlines under today's clocks) and the
/// KPI summary, now keyed by measure day, are computed from the cases with an audit event
/// saying so, and the mark removed — all in one transaction. Reads only when there is no mark.
pub fn after_upgrade(store: &impl super::Backend) -> Result<(), StoreError> {
    let marked = |db: &dyn Db| -> Result<bool, StoreError> {
        Ok(!db
            .collect(
                "SELECT value FROM meta WHERE key = 'derived_stale'",
                &[],
                |r| Ok(Ok(r.get::<String>(0)?)),
            )?
            .is_empty())
    };
    // A new, empty database records the rules it is opened with: the rules its deadlines are
    // computed and checked under until a `db recompute` records others.
    let unruled = |db: &dyn Db| -> Result<bool, StoreError> {
        db.one("SELECT count(*) FROM meta WHERE key = 'rules'", &[], |r| {
            r.get::<i64>(0)
        })
        .map(|n| n == 0)
    };
    let empty = |db: &dyn Db| -> Result<bool, StoreError> {
        db.one("SELECT count(*) FROM cases", &[], |r| r.get::<i64>(0))
            .map(|n| n == 0)
    };
    if store.read(|db| Ok(unruled(db)? && empty(db)?))? {
        store.write(|db| {
            if unruled(db)? && empty(db)? {
                record_rules(db)?;
            }
            Ok(())
        })?;
    }
    if !store.read(|db| marked(db))? {
        return Ok(());
    }
    store.write(|db| {
        if marked(db)? {
            recompute(db, "xinfang (schema upgrade)", crate::domain::china_now())?;
            db.execute("DELETE FROM meta WHERE key = 'derived_stale'", &[])?;
        }
        Ok(())
    })
}

/// Records the store's rules as those the derived columns follow; returns them as JSON.
fn record_rules(db: &dyn Db) -> Result<serde_json::Value, StoreError> {
    let used = serde_json::to_value(db.rules()).unwrap_or_default();
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('rules', ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &vals![used.to_string()],
    )?;
    Ok(used)
}
