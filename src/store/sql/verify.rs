//! The checks both backends share: the audit chain walked from the first event, cases whose
//! event count differs from their version, and rows that differ from the replay of their events.

use super::Db;
use crate::store::audit::{BrokenLink, ChainedEvent, Verifier};
use crate::store::{AuditReport, StoreError};
use rusqlite::types::ValueRef;

/// Cases listed at most as mismatched.
const LISTED: usize = 20;
/// Problems listed at most, so a badly damaged database still gives a readable report.
pub const MAX_PROBLEMS: usize = 20;

/// Walks the audit chain; returns the number of events and the first broken link.
pub fn chain(db: &dyn Db) -> Result<(u64, Option<BrokenLink>), StoreError> {
    let mut verifier = Verifier::default();
    let mut total = 0u64;
    let mut first_broken = None;
    db.query(
        "SELECT seq, case_id, at, actor, kind, from_state, to_state, payload, hash FROM events ORDER BY seq",
        &[],
        &mut |row| {
            total += 1;
            if first_broken.is_some() {
                return Ok(());
            }
            let text = |i| -> rusqlite::Result<&str> {
                row.get_ref(i)?
                    .as_str()
                    .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into()))
            };
            let opt_text = |i| -> rusqlite::Result<Option<&str>> {
                match row.get_ref(i)? {
                    ValueRef::Null => Ok(None),
                    _ => text(i).map(Some),
                }
            };
            let hash = match row.get_ref(8)? {
                ValueRef::Blob(hash) => hash,
                _ => &[],
            };
            let event = ChainedEvent {
                seq: row.get(0)?,
                case_id: row.get(1)?,
                at: text(2)?,
                actor: text(3)?,
                kind: text(4)?,
                from_state: opt_text(5)?,
                to_state: opt_text(6)?,
                payload: text(7)?,
            };
            if let Err(link) = verifier.next(&event, hash) {
                first_broken = Some(link.clone());
            }
            Ok(())
        },
    )?;
    Ok((total, first_broken))
}

/// The problem line for a broken link.
pub fn broken_message(link: &BrokenLink) -> String {
    format!(
        "audit chain broken at event {} (after event {}): an event was changed, inserted, removed or reordered",
        link.seq, link.previous_seq
    )
}

/// Cases whose version differs from their number of events: (number, version, events).
pub fn mismatched(db: &dyn Db) -> Result<Vec<(String, i64, i64)>, StoreError> {
    db.collect(
        &format!(
            "SELECT c.number, c.version, coalesce(e.n, 0) FROM cases c \
             LEFT JOIN (SELECT case_id, count(*) AS n FROM events GROUP BY case_id) e ON e.case_id = c.id \
             WHERE c.version <> coalesce(e.n, 0) ORDER BY c.id LIMIT {LISTED}"
        ),
        &[],
        |r| Ok(Ok((r.get(0)?, r.get(1)?, r.get(2)?))),
    )
}

/// `audit verify`: the chain and the per-case event counts (the backend adds the replay of the
/// rows, run beside it: see `with_replay`).
pub fn audit(db: &dyn Db) -> Result<AuditReport, StoreError> {
    let (events, broken) = chain(db)?;
    let mismatched = mismatched(db)?.into_iter().map(|(n, _, _)| n).collect();
    Ok(AuditReport {
        events,
        broken,
        mismatched,
        rows: Vec::new(),
        replayed: 0,
    })
}

/// The checks of `db check` that do not depend on the backend; returns (events, cases).
pub fn shared_checks(db: &dyn Db, problems: &mut Vec<String>) -> Result<(u64, u64), StoreError> {
    let (events, broken) = chain(db)?;
    if let Some(link) = broken {
        problems.push(broken_message(&link));
    }
    let cases: i64 = db.one("SELECT count(*) FROM cases", &[], |r| r.get(0))?;
    for (number, version, n) in mismatched(db)? {
        if problems.len() < MAX_PROBLEMS {
            problems.push(format!(
                "case {number} is at version {version} but has {n} events (an event was removed or added outside xinfang)"
            ));
        }
    }
    let mismatched = super::kpi::recount_mismatches(db)?;
    if mismatched > 0 {
        problems.push(format!(
            "kpi summary: {mismatched} day-and-county rows differ from a recount of the cases"
        ));
    }
    Ok((events, cases as u64))
}

/// Runs `checks` while the rows are replayed from their events on another connection (in one
/// read transaction of its own), so that a million cases take the time of the slower of the two
/// rather than of both; returns what `checks` returned with the replay's cases and differences.
pub fn with_replay<B: super::Backend, R: Send>(
    backend: &B,
    checks: impl FnOnce() -> Result<R, StoreError> + Send,
) -> Result<(R, u64, Vec<String>), StoreError> {
    std::thread::scope(|s| {
        let replay =
            s.spawn(|| backend.snapshot(|db| super::replay::differences(db, MAX_PROBLEMS)));
        let checked = checks();
        let replayed = replay.join().map_err(|_| {
            StoreError::Invalid("the replay of the rows stopped unexpectedly".into())
        })?;
        let (cases, differences) = replayed?;
        Ok((checked?, cases, differences))
    })
}
