//! Fast all-or-nothing loading of a new SQLite database (demo data, and later imports).
//!
//! Cases are first *encoded* (column values, event JSON, audit hashes) by `encode_case`, which
//! can run on another thread than the loader; the loader then only binds and inserts with
//! statements prepared once. Everything goes into a side file with syncing off, which is switched
//! to WAL and renamed into place only when complete: a failure leaves the target as it was.

use super::schema;
use crate::domain::kpi::Tally;
use crate::domain::{Case, Rules};
use crate::store::audit::{Chain, ChainedEvent};
use crate::store::sql::rows::{self, case_values};
use crate::store::sql::write::insert_case_sql;
use crate::store::{Leader, StoreError, StoredEvent, Unit, User};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, Statement, params, params_from_iter};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One event ready to insert.
#[derive(Debug, Clone)]
pub struct EncodedEvent {
    seq: i64,
    at: String,
    actor: String,
    kind: &'static str,
    from_state: Option<&'static str>,
    to_state: Option<&'static str>,
    payload: String,
    hash: [u8; 32],
}

/// A case with its duties and events, ready to insert.
#[derive(Debug, Clone)]
pub struct EncodedCase {
    id: i64,
    county: String,
    /// KPI contributions by day.
    tallies: Vec<(NaiveDate, Tally)>,
    values: Vec<Value>,
    duties: Vec<(i64, String, String)>,
    events: Vec<EncodedEvent>,
}

/// Encodes a case and its events, extending the audit `chain` (events are numbered in call
/// order, so cases must be encoded in the order they will be loaded).
pub fn encode_case(
    case: &Case,
    events: &[StoredEvent],
    rules: &Rules,
    chain: &mut Chain,
) -> Result<EncodedCase, StoreError> {
    let (updated_at, updated_by) = match events.last() {
        Some(e) => (e.at, e.actor.as_str()),
        None => (
            case.intake
                .received_on
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default(),
            "import",
        ),
    };
    let duties = case
        .package
        .iter()
        .flat_map(|p| p.duties.iter().enumerate())
        .filter_map(|(i, d)| {
            d.as_ref()
                .map(|d| (i as i64, rows::date(d.done_on), d.note.clone()))
        })
        .collect();
    let mut encoded_events = Vec::with_capacity(events.len());
    for event in events {
        let at = rows::timestamp(event.at);
        let payload =
            serde_json::to_string(&event.step).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let kind = event.step.name();
        let from_state = event.from_state.map(|s| s.code());
        let to_state = event.to_state.map(|s| s.code());
        let seq = chain.next_seq();
        let hash = chain.append(&ChainedEvent {
            seq,
            case_id: Some(case.id),
            at: &at,
            actor: &event.actor,
            kind,
            from_state,
            to_state,
            payload: &payload,
        });
        encoded_events.push(EncodedEvent {
            seq,
            at,
            actor: event.actor.clone(),
            kind,
            from_state,
            to_state,
            payload,
            hash,
        });
    }
    Ok(EncodedCase {
        id: case.id,
        county: case.intake.county.clone(),
        tallies: crate::domain::kpi::contributions(case, rules),
        values: case_values(case, rules, updated_at, updated_by),
        duties,
        events: encoded_events,
    })
}

/// Encodes the `user-add` event of a user added by `by`, exactly as `Store::change_user` writes
/// it, extending the audit `chain`: a user row always has the event it replays from.
pub fn encode_user(
    user: &User,
    by: &str,
    at: chrono::NaiveDateTime,
    chain: &mut Chain,
) -> Result<EncodedEvent, StoreError> {
    let change = crate::store::UserChange::Add {
        name: user.name.clone(),
        role: user.role,
        scope: user.scope.clone(),
    };
    let payload = serde_json::to_string(&change).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let at = rows::timestamp(at);
    let seq = chain.next_seq();
    let kind = "user-add";
    let hash = chain.append(&ChainedEvent {
        seq,
        case_id: None,
        at: &at,
        actor: by,
        kind,
        from_state: None,
        to_state: None,
        payload: &payload,
    });
    Ok(EncodedEvent {
        seq,
        at,
        actor: by.to_string(),
        kind,
        from_state: None,
        to_state: None,
        payload,
        hash,
    })
}

/// Inserts reference data and encoded cases inside one transaction.
pub struct BulkLoader<'c> {
    conn: &'c Connection,
    insert_case: Statement<'c>,
    insert_event: Statement<'c>,
    insert_duty: Statement<'c>,
    /// KPI summary rows, written when loading ends.
    summary: BTreeMap<(NaiveDate, String), Tally>,
    path: String,
}

const EVENT_COLUMNS: &str = "seq, case_id, at, actor, kind, from_state, to_state, payload, hash";

fn sql_error(path: &str, e: rusqlite::Error) -> StoreError {
    StoreError::Backend {
        path: path.to_string(),
        detail: e.to_string(),
    }
}

impl BulkLoader<'_> {
    fn err(&self, e: rusqlite::Error) -> StoreError {
        sql_error(&self.path, e)
    }

    fn run(&self, sql: &str, values: &[&dyn rusqlite::ToSql]) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut s| s.execute(values))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    pub fn add_unit(&mut self, unit: &Unit) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO units (id, name, region) VALUES (?, ?, ?)",
            params![unit.id, unit.name, unit.region],
        )
    }

    pub fn add_leader(&mut self, leader: &Leader) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO leaders (id, name, level, title, region) VALUES (?, ?, ?, ?, ?)",
            params![
                leader.id,
                leader.name,
                leader.level.code(),
                leader.title,
                leader.region
            ],
        )
    }

    /// Inserts a user and the event that added them (from `encode_user`).
    pub fn add_user(&mut self, user: &User, added: &EncodedEvent) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO users (name, role, scope, created_at) VALUES (?, ?, ?, ?)",
            params![user.name, user.role.code(), user.scope, added.at],
        )?;
        self.insert_event
            .execute(params![
                added.seq,
                Option::<i64>::None,
                added.at,
                added.actor,
                added.kind,
                added.from_state,
                added.to_state,
                added.payload,
                &added.hash[..]
            ])
            .map(|_| ())
            .map_err(|e| sql_error(&self.path, e))
    }

    /// Adds a campaign over the given cases.
    pub fn add_campaign(
        &mut self,
        id: i64,
        name: &str,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        target: f64,
        cases: &[i64],
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO campaigns (id, name, starts_on, ends_on, target) VALUES (?, ?, ?, ?, ?)",
            params![id, name, rows::date(starts_on), rows::date(ends_on), target],
        )?;
        for case in cases {
            self.run(
                "INSERT INTO campaign_cases (campaign_id, case_id) VALUES (?, ?)",
                params![id, case],
            )?;
        }
        Ok(())
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.run(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            params![key, value],
        )
    }

    /// Inserts an encoded case with its duties and events.
    pub fn add(&mut self, case: &EncodedCase) -> Result<(), StoreError> {
        for (day, tally) in &case.tallies {
            self.summary
                .entry((*day, case.county.clone()))
                .or_default()
                .add(tally, 1);
        }
        let path = &self.path;
        self.insert_case
            .execute(params_from_iter(case.values.iter()))
            .map_err(|e| sql_error(path, e))?;
        for (duty, done_on, note) in &case.duties {
            self.insert_duty
                .execute(params![case.id, duty, done_on, note])
                .map_err(|e| sql_error(path, e))?;
        }
        for e in &case.events {
            self.insert_event
                .execute(params![
                    e.seq,
                    case.id,
                    e.at,
                    e.actor,
                    e.kind,
                    e.from_state,
                    e.to_state,
                    e.payload,
                    &e.hash[..]
                ])
                .map_err(|e| sql_error(path, e))?;
        }
        Ok(())
    }
}

/// Whether `load` verifies every reference after loading (needed for data from outside;
/// skipped for data the program built through the domain model, which saves a full scan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum References {
    Verify,
    Trusted,
}

/// Creates a new database at `target` filled by `fill`, all or nothing. An existing file at
/// `target` is replaced only after the new one is complete.
pub fn load<T>(
    target: &Path,
    references: References,
    fill: impl FnOnce(&mut BulkLoader<'_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    // One load at a time per target: a second one is told the target is busy, and never renames
    // its file over one being written. The side file is unique to this run.
    let _lock = lock_target(target)?;
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    remove_stale_sides(dir, &name);
    let side = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|e| StoreError::Io {
            path: dir.display().to_string(),
            detail: e.to_string(),
        })?;
    // The file is closed and reopened by SQLite; it is removed below on any failure.
    let partial = side.into_temp_path().keep().map_err(|e| StoreError::Io {
        path: dir.display().to_string(),
        detail: e.to_string(),
    })?;
    let shown = partial.display().to_string();
    let io = |e: std::io::Error| StoreError::Io {
        path: shown.clone(),
        detail: e.to_string(),
    };
    let result = (|| {
        let mut conn = Connection::open(&partial).map_err(|e| sql_error(&shown, e))?;
        conn.execute_batch(
            "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF;",
        )
        .map_err(|e| sql_error(&shown, e))?;
        schema::migrate(&mut conn, 0).map_err(|e| sql_error(&shown, e))?;
        // Secondary indexes are built once at the end: faster than maintaining them row by row.
        let indexes: Vec<(String, String)> = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(|e| sql_error(&shown, e))?;
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX \"{name}\""))
                .map_err(|e| sql_error(&shown, e))?;
        }
        let tx = conn.transaction().map_err(|e| sql_error(&shown, e))?;
        let value = {
            let prepare = |sql: &str| tx.prepare(sql).map_err(|e| sql_error(&shown, e));
            let mut loader = BulkLoader {
                conn: &tx,
                insert_case: prepare(&insert_case_sql())?,
                insert_event: prepare(&format!(
                    "INSERT INTO events ({EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ))?,

                insert_duty: prepare(
                    "INSERT INTO package_duties (case_id, duty, done_on, note) VALUES (?, ?, ?, ?)",
                )?,
                summary: BTreeMap::new(),
                path: shown.clone(),
            };
            let value = fill(&mut loader)?;
            // Writing summary rows does not consult the rules (they were applied when encoding).
            let rules = Rules::default();
            let db = super::Lite {
                conn: &tx,
                path: &partial,
                rules: &rules,
            };
            for ((day, county), tally) in &loader.summary {
                crate::store::sql::kpi::add_tally(&db, *day, county, tally, 1)?;
            }
            value
        };
        for (_, sql) in &indexes {
            tx.execute_batch(sql).map_err(|e| sql_error(&shown, e))?;
        }
        tx.commit().map_err(|e| sql_error(&shown, e))?;
        conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")
            .map_err(|e| sql_error(&shown, e))?;
        let broken: Option<String> = match references {
            References::Verify => conn
                .query_row(
                    "SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .ok(),
            References::Trusted => None,
        };
        if let Some(table) = broken {
            return Err(StoreError::Invalid(format!(
                "loaded data breaks a reference in {table}"
            )));
        }
        conn.execute_batch("PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;")
            .map_err(|e| sql_error(&shown, e))?;
        drop(conn);
        Ok(value)
    })();
    match result {
        Ok(value) => {
            // The old file's log must not be replayed onto the new file; the rename itself
            // replaces the old file in one step.
            for sidecar in [side_path(target, "-wal"), side_path(target, "-shm")] {
                remove_if_present(&sidecar).map_err(io)?;
            }
            std::fs::rename(&partial, target).map_err(io)?;
            Ok(value)
        }
        Err(e) => {
            for leftover in [
                partial.clone(),
                side_path(&partial, "-wal"),
                side_path(&partial, "-shm"),
            ] {
                let _ = remove_if_present(&leftover);
            }
            Err(e)
        }
    }
}

/// Takes the lock that one load or import of `target` holds while it runs (on `TARGET.lock`,
/// which is left in place: removing it could let two runs lock two different files). A run that
/// finds it taken is told the target is busy.
pub fn lock_target(target: &Path) -> Result<std::fs::File, StoreError> {
    let path = side_path(target, ".lock");
    let shown = target.display().to_string();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::Io {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Busy { path: shown }),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io {
            path: path.display().to_string(),
            detail: e.to_string(),
        }),
    }
}

/// Side files earlier runs left behind when they were killed (the caller holds the lock, so no
/// run is writing them).
fn remove_stale_sides(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let stale = file.starts_with(&prefix)
            && (file.ends_with(".partial")
                || file.ends_with(".partial-wal")
                || file.ends_with(".partial-shm"));
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    // The side file of earlier versions, which used one fixed name.
    for old in [".partial", ".partial-wal", ".partial-shm"] {
        let _ = remove_if_present(&dir.join(format!("{name}{old}")));
    }
}

/// `path` with `suffix` appended to its file name.
pub fn side_path(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

pub fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
