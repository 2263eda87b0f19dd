//! `xinfang db copy --from A --to B`: every table (cases, events with their hash chain, users,
//! units, leaders, packages and duties, campaigns, the KPI summary) between a SQLite file and a
//! PostgreSQL database, in either direction, all or nothing.
//!
//! - Into PostgreSQL: one transaction creates the schema, streams each table with `COPY`, compares
//!   every table's row count with the source and walks the audit chain; any failure rolls it all
//!   back, so the target is as it was. The target must hold no xinfang schema.
//! - Into SQLite: a side file is filled from one repeatable-read snapshot, checked (counts, audit
//!   chain, `db check`) and only then renamed into place. The target file must not exist.
//!
//! Rows move unchanged: the PostgreSQL schema is SQLite's in PostgreSQL's types.

use super::audit::{ChainedEvent, Verifier};
use super::postgres as pg;
use super::sqlite::{self, SqliteStore, schema};
use super::{OpenMode, Store, StoreError};
use crate::domain::Rules;
use rusqlite::types::{Value, ValueRef};
use std::io::{BufRead, Write};
use std::path::Path;

/// The tables copied, parents before children.
pub const TABLES: [&str; 11] = [
    "meta",
    "units",
    "leaders",
    "users",
    "user_keys",
    "cases",
    "package_duties",
    "campaigns",
    "campaign_cases",
    "events",
    "kpi_day",
];

/// What a copy moved and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub from: String,
    pub to: String,
    /// Rows per table, equal on both sides.
    pub rows: Vec<(String, u64)>,
    /// Events whose hash chain was verified on the target.
    pub events_verified: u64,
}

/// Copies everything from `from` to `to` (one a file, the other a `postgres://` URL).
pub fn copy(from: &str, to: &str, rules: &Rules) -> Result<CopyReport, StoreError> {
    match (pg::is_url(from), pg::is_url(to)) {
        (false, true) => sqlite_to_postgres(Path::new(from), to, rules),
        (true, false) => postgres_to_sqlite(from, Path::new(to), rules),
        _ => Err(StoreError::Invalid(
            "db copy moves a database between SQLite and PostgreSQL: one of --from and --to must \
             be a file, the other a postgres:// URL"
                .into(),
        )),
    }
}

/// The columns of a table (name, declared type) in SQLite's schema.
fn columns(conn: &rusqlite::Connection, table: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let found = stmt
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(found)
}

/// One value in `COPY`'s text format.
fn encode(value: ValueRef<'_>, out: &mut String) {
    use std::fmt::Write as _;
    match value {
        ValueRef::Null => out.push_str("\\N"),
        ValueRef::Integer(v) => {
            let _ = write!(out, "{v}");
        }
        ValueRef::Real(v) => {
            let _ = write!(out, "{v:?}");
        }
        ValueRef::Text(bytes) => {
            for c in String::from_utf8_lossy(bytes).chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
        }
        ValueRef::Blob(bytes) => {
            out.push_str("\\\\x");
            out.push_str(&hex::encode(bytes));
        }
    }
}

/// One field of `COPY`'s text output, unescaped (`None` for NULL).
fn decode(field: &str) -> Option<String> {
    if field == "\\N" {
        return None;
    }
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Some(out)
}

/// A decoded field as the SQLite column's type wants it.
fn typed(text: Option<String>, declared: &str, what: &str) -> Result<Value, String> {
    let Some(text) = text else {
        return Ok(Value::Null);
    };
    match declared {
        "INTEGER" => text
            .parse()
            .map(Value::Integer)
            .map_err(|_| format!("{what}: `{text}` is not an integer")),
        "REAL" => text
            .parse()
            .map(Value::Real)
            .map_err(|_| format!("{what}: `{text}` is not a number")),
        "BLOB" => text
            .strip_prefix("\\x")
            .and_then(|h| hex::decode(h).ok())
            .map(Value::Blob)
            .ok_or_else(|| format!("{what}: not hex bytes")),
        _ => Ok(Value::Text(text)),
    }
}

/// Walks the events in order, checking every link of the hash chain.
fn verify_chain(
    client: &mut impl postgres::GenericClient,
    location: &str,
) -> Result<u64, StoreError> {
    let fail = |e: postgres::Error| pg::error(location, &e);
    let mut rows = client
        .query_raw(
            "SELECT seq, case_id, at, actor, kind, from_state, to_state, payload, hash \
             FROM events ORDER BY seq",
            std::iter::empty::<i64>(),
        )
        .map_err(fail)?;
    let mut verifier = Verifier::default();
    while let Some(row) =
        postgres::fallible_iterator::FallibleIterator::next(&mut rows).map_err(fail)?
    {
        let (at, actor, kind): (String, String, String) = (row.get(2), row.get(3), row.get(4));
        let (from_state, to_state): (Option<String>, Option<String>) = (row.get(5), row.get(6));
        let payload: String = row.get(7);
        let hash: Vec<u8> = row.get(8);
        let event = ChainedEvent {
            seq: row.get(0),
            case_id: row.get(1),
            at: &at,
            actor: &actor,
            kind: &kind,
            from_state: from_state.as_deref(),
            to_state: to_state.as_deref(),
            payload: &payload,
        };
        verifier
            .next(&event, &hash)
            .map_err(|broken| StoreError::Corrupt {
                path: location.to_string(),
                detail: format!(
                    "the audit chain breaks at event {} (after {})",
                    broken.seq, broken.previous_seq
                ),
            })?;
    }
    Ok(verifier.checked)
}

fn count_pg(
    client: &mut impl postgres::GenericClient,
    table: &str,
    location: &str,
) -> Result<u64, StoreError> {
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .map(|r| r.get::<_, i64>(0).max(0) as u64)
        .map_err(|e| pg::error(location, &e))
}

fn count_sqlite(conn: &rusqlite::Connection, table: &str) -> rusqlite::Result<u64> {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n.max(0) as u64)
}

fn sqlite_to_postgres(from: &Path, to: &str, rules: &Rules) -> Result<CopyReport, StoreError> {
    let shown = from.display().to_string();
    // The source must be a sound xinfang database at this build's schema.
    let store = SqliteStore::open(from, rules.clone(), OpenMode::ReadOnly)?;
    if let Some(broken) = store.audit()?.broken {
        return Err(StoreError::Corrupt {
            path: shown,
            detail: format!("its audit chain breaks at event {}; not copied", broken.seq),
        });
    }
    drop(store);
    let sql_error = |e: rusqlite::Error| StoreError::Backend {
        path: shown.clone(),
        detail: e.to_string(),
    };
    let source = rusqlite::Connection::open_with_flags(
        from,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql_error)?;
    // One read transaction: the source does not move under the copy.
    source.execute_batch("BEGIN").map_err(sql_error)?;
    let mut target = pg::connect(to)?;
    let location = target.location.clone();
    let fail = |e: postgres::Error| pg::error(&location, &e);
    let mut tx = target.client.transaction().map_err(fail)?;
    let occupied: Option<String> = tx
        .query_one("SELECT to_regclass('cases')::text", &[])
        .map_err(fail)?
        .get(0);
    if pg::version(&mut tx).map_err(fail)?.is_some() || occupied.is_some() {
        return Err(StoreError::Invalid(format!(
            "{location} already holds a xinfang database; db copy fills only an empty one"
        )));
    }
    pg::migrate(&mut tx, 0).map_err(fail)?;
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")
        .map_err(fail)?;
    let mut rows = Vec::new();
    for table in TABLES {
        let names: Vec<String> = columns(&source, table)
            .map_err(sql_error)?
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        let list = names.join(", ");
        let mut writer = std::io::BufWriter::with_capacity(
            1 << 20,
            tx.copy_in(&format!("COPY {table} ({list}) FROM STDIN"))
                .map_err(fail)?,
        );
        let mut stmt = source
            .prepare(&format!("SELECT {list} FROM {table}"))
            .map_err(sql_error)?;
        let mut found = stmt.query([]).map_err(sql_error)?;
        let mut line = String::new();
        let io = |e: std::io::Error| StoreError::Backend {
            path: location.clone(),
            detail: e.to_string(),
        };
        while let Some(row) = found.next().map_err(sql_error)? {
            line.clear();
            for i in 0..names.len() {
                if i > 0 {
                    line.push('\t');
                }
                encode(row.get_ref(i).map_err(sql_error)?, &mut line);
            }
            line.push('\n');
            writer.write_all(line.as_bytes()).map_err(io)?;
        }
        let writer = writer.into_inner().map_err(|e| io(e.into_error()))?;
        writer.finish().map_err(fail)?;
        let (source_rows, target_rows) = (
            count_sqlite(&source, table).map_err(sql_error)?,
            count_pg(&mut tx, table, &location)?,
        );
        if source_rows != target_rows {
            return Err(StoreError::Backend {
                path: location.clone(),
                detail: format!("{table}: {source_rows} rows read but {target_rows} written"),
            });
        }
        rows.push((table.to_string(), target_rows));
    }
    let events_verified = verify_chain(&mut tx, &location)?;
    tx.commit().map_err(fail)?;
    // Freshly loaded tables have neither statistics nor a visibility map: without them the
    // planner guesses and every index-only scan reads the table too. (Outside the transaction:
    // VACUUM cannot run in one; the copy is already complete if this fails.)
    target
        .client
        .batch_execute("VACUUM (ANALYZE)")
        .map_err(fail)?;
    Ok(CopyReport {
        from: shown,
        to: location,
        rows,
        events_verified,
    })
}

fn postgres_to_sqlite(from: &str, to: &Path, rules: &Rules) -> Result<CopyReport, StoreError> {
    let shown = to.display().to_string();
    if to.exists() {
        return Err(StoreError::Invalid(format!(
            "{shown} exists; db copy writes only a new file"
        )));
    }
    let mut source = pg::connect(from)?;
    let location = source.location.clone();
    let fail = |e: postgres::Error| pg::error(&location, &e);
    let mut tx = source
        .client
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .map_err(fail)?;
    match pg::version(&mut tx).map_err(fail)? {
        None => {
            return Err(StoreError::NotXinfang {
                path: location.clone(),
            });
        }
        Some(found) if found > pg::current_version() => {
            return Err(StoreError::TooNew {
                path: location.clone(),
                found,
                known: pg::current_version(),
            });
        }
        Some(found) if found < pg::current_version() => {
            return Err(StoreError::Invalid(format!(
                "{location} has schema version {found}; this build copies version {}",
                pg::current_version()
            )));
        }
        Some(_) => {}
    }
    let partial = sqlite::side_path(to, ".partial");
    let partial_shown = partial.display().to_string();
    let io = |e: std::io::Error| StoreError::Io {
        path: partial_shown.clone(),
        detail: e.to_string(),
    };
    let clean = || {
        for side in ["", "-wal", "-shm"] {
            let _ = sqlite::remove_if_present(&sqlite::side_path(&partial, side));
        }
    };
    clean();
    let result = (|| {
        let sql_error = |e: rusqlite::Error| StoreError::Backend {
            path: partial_shown.clone(),
            detail: e.to_string(),
        };
        let mut conn = rusqlite::Connection::open(&partial).map_err(sql_error)?;
        conn.execute_batch(
            "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
        )
        .map_err(sql_error)?;
        schema::migrate(&mut conn, 0).map_err(sql_error)?;
        let write = conn.transaction().map_err(sql_error)?;
        let mut rows = Vec::new();
        for table in TABLES {
            let cols = columns(&write, table).map_err(sql_error)?;
            let list: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
            let mut insert = write
                .prepare(&format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    list.join(", "),
                    vec!["?"; list.len()].join(", ")
                ))
                .map_err(sql_error)?;
            let reader = tx
                .copy_out(&format!(
                    "COPY (SELECT {} FROM {table}) TO STDOUT",
                    list.join(", ")
                ))
                .map_err(fail)?;
            let mut reader = std::io::BufReader::with_capacity(1 << 20, reader);
            let mut line = String::new();
            let mut copied = 0u64;
            loop {
                line.clear();
                if reader.read_line(&mut line).map_err(io)? == 0 {
                    break;
                }
                let fields: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
                if fields.len() != cols.len() {
                    return Err(StoreError::Corrupt {
                        path: location.clone(),
                        detail: format!(
                            "{table}: a row of {} fields, expected {}",
                            fields.len(),
                            cols.len()
                        ),
                    });
                }
                let mut values = Vec::with_capacity(cols.len());
                for ((name, declared), field) in cols.iter().zip(fields) {
                    values.push(
                        typed(decode(field), declared, &format!("{table}.{name}")).map_err(
                            |detail| StoreError::Corrupt {
                                path: location.clone(),
                                detail,
                            },
                        )?,
                    );
                }
                insert
                    .execute(rusqlite::params_from_iter(values))
                    .map_err(sql_error)?;
                copied += 1;
            }
            drop(reader);
            let target_rows = count_sqlite(&write, table).map_err(sql_error)?;
            let source_rows = count_pg(&mut tx, table, &location)?;
            if copied != source_rows || target_rows != source_rows {
                return Err(StoreError::Backend {
                    path: partial_shown.clone(),
                    detail: format!(
                        "{table}: {source_rows} rows in the source, {target_rows} written"
                    ),
                });
            }
            rows.push((table.to_string(), target_rows));
        }
        write.commit().map_err(sql_error)?;
        conn.execute_batch("PRAGMA journal_mode = WAL")
            .map_err(sql_error)?;
        drop(conn);
        // The new file must pass what `db check` and `audit verify` check before it is used.
        let store = SqliteStore::open(&partial, rules.clone(), OpenMode::ReadOnly)?;
        let audit = store.audit()?;
        if let Some(broken) = audit.broken {
            return Err(StoreError::Corrupt {
                path: location.clone(),
                detail: format!("the audit chain breaks at event {}", broken.seq),
            });
        }
        let check = store.check()?;
        if !check.problems.is_empty() {
            return Err(StoreError::Corrupt {
                path: location.clone(),
                detail: check.problems.join("; "),
            });
        }
        drop(store);
        std::fs::rename(&partial, to).map_err(io)?;
        for side in ["-wal", "-shm"] {
            let _ = sqlite::remove_if_present(&sqlite::side_path(&partial, side));
        }
        Ok(CopyReport {
            from: location.clone(),
            to: shown.clone(),
            rows,
            events_verified: audit.events,
        })
    })();
    if result.is_err() {
        clean();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_format_round_trips() {
        let mut line = String::new();
        encode(ValueRef::Text("a\tb\nc\\d 金凤".as_bytes()), &mut line);
        assert_eq!(line, "a\\tb\\nc\\\\d 金凤");
        assert_eq!(decode(&line).as_deref(), Some("a\tb\nc\\d 金凤"));
        assert_eq!(decode("\\N"), None);
        let mut blob = String::new();
        encode(ValueRef::Blob(&[0xde, 0xad]), &mut blob);
        // What COPY writes out for bytea after unescaping is `\xdead`.
        assert_eq!(
            typed(decode(&blob), "BLOB", "t.h"),
            Ok(Value::Blob(vec![0xde, 0xad]))
        );
        assert_eq!(
            typed(Some("12".into()), "INTEGER", "t.n"),
            Ok(Value::Integer(12))
        );
        assert!(typed(Some("x".into()), "INTEGER", "t.n").is_err());
    }
}
