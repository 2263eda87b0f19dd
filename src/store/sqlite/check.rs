//! `db check` for SQLite: page-level integrity, foreign keys, schema version, the audit chain, and
//! that every case has exactly as many events as its version says.

use super::SqliteStore;
use super::pragma_u32;
use crate::store::audit::{ChainedEvent, Verifier};
use crate::store::{CheckReport, StoreError};
use rusqlite::Connection;

/// Problems listed at most, so a badly damaged file still gives a readable report.
const MAX_PROBLEMS: usize = 20;

pub fn check(store: &SqliteStore, conn: &Connection) -> Result<CheckReport, StoreError> {
    let mut problems = Vec::new();
    let mut stmt = conn
        .prepare("PRAGMA integrity_check")
        .map_err(|e| store.error(e))?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(|e| store.error(e))?;
    for line in lines {
        let line = line.map_err(|e| store.error(e))?;
        if line != "ok" && problems.len() < MAX_PROBLEMS {
            problems.push(format!("integrity: {line}"));
        }
    }
    let mut stmt = conn
        .prepare("PRAGMA foreign_key_check")
        .map_err(|e| store.error(e))?;
    let broken = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(|e| store.error(e))?;
    for row in broken {
        let (table, rowid, parent) = row.map_err(|e| store.error(e))?;
        if problems.len() < MAX_PROBLEMS {
            problems.push(format!(
                "foreign key: {table} row {} points to a missing {parent}",
                rowid.map_or("?".to_string(), |r| r.to_string())
            ));
        }
    }
    let schema_version = pragma_u32(conn, "user_version").map_err(|e| store.error(e))?;
    if schema_version != super::schema::current_version() {
        problems.push(format!(
            "schema version {schema_version}, expected {}",
            super::schema::current_version()
        ));
    }
    let (events, _) = verify_chain(store, conn, &mut problems)?;
    let cases: i64 = conn
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .map_err(|e| store.error(e))?;
    let mut stmt = conn
        .prepare(
            "SELECT c.number, c.version, coalesce(e.n, 0) FROM cases c \
             LEFT JOIN (SELECT case_id, count(*) AS n FROM events GROUP BY case_id) e ON e.case_id = c.id \
             WHERE c.version <> coalesce(e.n, 0) LIMIT 20",
        )
        .map_err(|e| store.error(e))?;
    let mismatched = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .map_err(|e| store.error(e))?;
    for row in mismatched {
        let (number, version, n) = row.map_err(|e| store.error(e))?;
        if problems.len() < MAX_PROBLEMS {
            problems.push(format!(
                "case {number} is at version {version} but has {n} events (an event was removed or added outside xinfang)"
            ));
        }
    }
    let mismatched = super::kpi::recount_mismatches(store, conn)?;
    if mismatched > 0 {
        problems.push(format!(
            "kpi summary: {mismatched} day-and-county rows differ from a recount of the cases"
        ));
    }
    Ok(CheckReport {
        schema_version,
        cases: cases as u64,
        events,
        problems,
    })
}

/// `audit verify`: the chain and the per-case event counts.
pub fn audit(
    store: &SqliteStore,
    conn: &Connection,
) -> Result<crate::store::AuditReport, StoreError> {
    let mut problems = Vec::new();
    let (events, broken) = verify_chain(store, conn, &mut problems)?;
    let mut stmt = conn
        .prepare(
            "SELECT c.number FROM cases c \
             LEFT JOIN (SELECT case_id, count(*) AS n FROM events GROUP BY case_id) e ON e.case_id = c.id \
             WHERE c.version <> coalesce(e.n, 0) LIMIT 20",
        )
        .map_err(|e| store.error(e))?;
    let mismatched = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(|e| store.error(e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| store.error(e))?;
    Ok(crate::store::AuditReport {
        events,
        broken,
        mismatched,
    })
}

/// Walks the audit chain; records the first broken link. Returns the number of events and it.
fn verify_chain(
    store: &SqliteStore,
    conn: &Connection,
    problems: &mut Vec<String>,
) -> Result<(u64, Option<crate::store::audit::BrokenLink>), StoreError> {
    let mut stmt = conn
        .prepare("SELECT seq, case_id, at, actor, kind, from_state, to_state, payload, hash FROM events ORDER BY seq")
        .map_err(|e| store.error(e))?;
    let mut rows = stmt.query([]).map_err(|e| store.error(e))?;
    let mut verifier = Verifier::default();
    let mut total = 0u64;
    let mut first_broken = None;
    while let Some(row) = rows.next().map_err(|e| store.error(e))? {
        total += 1;
        if first_broken.is_some() {
            continue;
        }
        let get = |i| row.get_ref(i).map_err(|e| store.error(e));
        let text = |i| -> Result<&str, StoreError> {
            get(i)?.as_str().map_err(|e| store.backend(e.to_string()))
        };
        let opt_text = |i| -> Result<Option<&str>, StoreError> {
            get(i)?
                .as_str_or_null()
                .map_err(|e| store.backend(e.to_string()))
        };
        let seq = get(0)?.as_i64().map_err(|e| store.backend(e.to_string()))?;
        let event = ChainedEvent {
            seq,
            case_id: get(1)?
                .as_i64_or_null()
                .map_err(|e| store.backend(e.to_string()))?,
            at: text(2)?,
            actor: text(3)?,
            kind: text(4)?,
            from_state: opt_text(5)?,
            to_state: opt_text(6)?,
            payload: text(7)?,
        };
        let hash = get(8)?
            .as_blob()
            .map_err(|e| store.backend(e.to_string()))?;
        if let Err(link) = verifier.next(&event, hash) {
            first_broken = Some(link.clone());
            problems.push(format!(
                "audit chain broken at event {} (after event {}): an event was changed, inserted, removed or reordered",
                link.seq, link.previous_seq
            ));
        }
    }
    Ok((total, first_broken))
}
