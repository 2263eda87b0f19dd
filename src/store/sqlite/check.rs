//! `db check` for SQLite: page-level integrity, foreign keys and the schema version, then the
//! checks both backends share (the audit chain, event counts, the KPI summary).

use super::pragma_u32;
use crate::store::sql::{Db, verify};
use crate::store::{CheckReport, StoreError};
use rusqlite::Connection;

use verify::MAX_PROBLEMS;

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
    let (events, cases) = verify::shared_checks(db, &mut problems)?;
    Ok(CheckReport {
        schema_version,
        cases,
        events,
        problems,
    })
}
