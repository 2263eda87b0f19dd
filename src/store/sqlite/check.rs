//! `db check` for SQLite: page-level integrity, foreign keys and the schema version, then the
//! checks both backends share (the audit chain, event counts, the KPI summary).

use super::pragma_u32;
use crate::store::sql::{Db, kpi, verify};
use crate::store::{CheckReport, StoreError};
use rusqlite::Connection;

/// Problems listed at most, so a badly damaged file still gives a readable report.
const MAX_PROBLEMS: usize = 20;

pub fn check(db: &dyn Db, conn: &Connection) -> Result<CheckReport, StoreError> {
    let mut problems = Vec::new();
    db.query("PRAGMA integrity_check", &[], &mut |r| {
        let line: String = r.get(0)?;
        if line != "ok" && problems.len() < MAX_PROBLEMS {
            problems.push(format!("integrity: {line}"));
        }
        Ok(())
    })?;
    db.query("PRAGMA foreign_key_check", &[], &mut |r| {
        let (table, rowid, parent): (String, Option<i64>, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?);
        if problems.len() < MAX_PROBLEMS {
            problems.push(format!(
                "foreign key: {table} row {} points to a missing {parent}",
                rowid.map_or("?".to_string(), |r| r.to_string())
            ));
        }
        Ok(())
    })?;
    let schema_version = pragma_u32(conn, "user_version").map_err(|e| db.error(e))?;
    if schema_version != super::schema::current_version() {
        problems.push(format!(
            "schema version {schema_version}, expected {}",
            super::schema::current_version()
        ));
    }
    let (events, cases) = shared_checks(db, &mut problems)?;
    Ok(CheckReport {
        schema_version,
        cases,
        events,
        problems,
    })
}

/// The checks of `db check` that do not depend on the backend; returns (events, cases).
pub fn shared_checks(db: &dyn Db, problems: &mut Vec<String>) -> Result<(u64, u64), StoreError> {
    let (events, broken) = verify::chain(db)?;
    if let Some(link) = broken {
        problems.push(verify::broken_message(&link));
    }
    let cases: i64 = db.one("SELECT count(*) FROM cases", &[], |r| r.get(0))?;
    for (number, version, n) in verify::mismatched(db)? {
        if problems.len() < MAX_PROBLEMS {
            problems.push(format!(
                "case {number} is at version {version} but has {n} events (an event was removed or added outside xinfang)"
            ));
        }
    }
    let mismatched = kpi::recount_mismatches(db)?;
    if mismatched > 0 {
        problems.push(format!(
            "kpi summary: {mismatched} day-and-county rows differ from a recount of the cases"
        ));
    }
    Ok((events, cases as u64))
}
