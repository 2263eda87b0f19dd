//! Imported cases written into a live database, inside the caller's one write transaction: each
//! case is one row (as its history makes it), its duties, and one `import` event on the audit
//! chain holding the whole history. Numbers, ids and the chain continue from what the database
//! holds; the KPI summary is added to once, at the end. Nothing here validates a file: the caller
//! (`transfer`) has already played each case through the rules.

use super::rows::{self, CASE_COLUMNS};
use super::write::{authorise, insert_case_sql};
use super::{Db, Dialect};
use crate::domain::kpi::Tally;
use crate::domain::{Case, CaseId, Event, State, Step};
use crate::store::StoreError;
use crate::store::audit::{Chain, ChainedEvent};
use crate::vals;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{BTreeMap, HashMap};

/// SQLite page cache while importing, in KiB (negative: a size, not a page count).
const IMPORT_CACHE_KB: i64 = -524_288;
/// An import drops and later rebuilds the secondary indexes once it has added this many cases,
/// or as many as the database held, whichever is more.
const DROP_INDEXES_AFTER: u64 = 20_000;

impl Drop for Importer<'_> {
    /// An import that failed before `finish` still gives the connection its page cache back
    /// (the transaction itself is rolled back by its owner).
    fn drop(&mut self) {
        if let Some(size) = self.cache_size.take() {
            let _ = self
                .db
                .query(&format!("PRAGMA cache_size = {size}"), &[], &mut |_| Ok(()));
        }
    }
}

/// Adds imported cases; see the module header.
pub struct Importer<'d> {
    db: &'d dyn Db,
    actor: String,
    at: NaiveDateTime,
    at_text: String,
    chain: Chain,
    next_id: CaseId,
    /// The last `NX-YYYY-` serial used per year.
    serials: HashMap<i32, u64>,
    summary: BTreeMap<(NaiveDate, String), Tally>,
    insert_case: String,
    /// Cases in the database before the import.
    existing: u64,
    /// SQLite: the secondary indexes dropped while a large import runs, rebuilt by `finish`
    /// (building an index once is much faster than growing it row by row).
    dropped: Option<Vec<String>>,
    /// SQLite: the page cache size to restore.
    cache_size: Option<i64>,
    /// Rows waiting to be inserted together (one statement per table and batch: a round trip
    /// per row would make PostgreSQL wait on the network for every case).
    pending: Pending,
    /// Cases added so far.
    pub added: u64,
}

/// Rows buffered for multi-row inserts: the values of each, one after the other.
#[derive(Default)]
struct Pending {
    cases: Vec<rusqlite::types::Value>,
    events: Vec<rusqlite::types::Value>,
    duties: Vec<rusqlite::types::Value>,
    count: usize,
}

/// Cases inserted per statement on PostgreSQL.
const ROWS_PER_INSERT: usize = 100;

/// `INSERT INTO table (columns) VALUES (?, …), …` for `rows` rows of `width` values.
fn multi_insert(head: &str, width: usize, rows: usize) -> String {
    let one = format!("({})", vec!["?"; width].join(", "));
    format!("{head} VALUES {}", vec![one; rows].join(", "))
}

impl<'d> Importer<'d> {
    /// Starts an import by `actor` (an admin) at `at`.
    pub fn start(db: &'d dyn Db, actor: &str, at: NaiveDateTime) -> Result<Self, StoreError> {
        authorise(
            db,
            actor,
            crate::domain::access::Action::Import,
            ("import cases".into(), "导入信访件".into()),
        )?;
        let chain = super::write::chain_head(db)?;
        // Only SQLite drops indexes for a large import, measured against what it holds.
        let existing: i64 = match db.dialect() {
            Dialect::Sqlite => db.one("SELECT count(*) FROM cases", &[], |r| r.get(0))?,
            Dialect::Postgres => 0,
        };
        let cache_size = if db.dialect() == Dialect::Sqlite {
            let size: i64 = db.one("PRAGMA cache_size", &[], |r| r.get(0))?;
            db.query(
                &format!("PRAGMA cache_size = {IMPORT_CACHE_KB}"),
                &[],
                &mut |_| Ok(()),
            )?;
            Some(size)
        } else {
            None
        };
        let next_id: i64 = db.one("SELECT coalesce(max(id), 0) + 1 FROM cases", &[], |r| {
            r.get(0)
        })?;
        Ok(Importer {
            db,
            actor: actor.to_string(),
            at,
            at_text: rows::timestamp(at),
            chain,
            next_id,
            serials: HashMap::new(),
            summary: BTreeMap::new(),
            insert_case: insert_case_sql(),
            pending: Pending::default(),
            existing: existing.max(0) as u64,
            dropped: None,
            cache_size,
            added: 0,
        })
    }

    /// The database the import writes into, for lookups (units, leaders, earlier cases).
    pub fn db(&self) -> &dyn Db {
        self.db
    }

    /// The id and state of the case with this number in the database (cases this import has
    /// buffered but not yet inserted are the caller's to know: it keeps their numbers).
    pub fn find(&self, number: &str) -> Result<Option<(CaseId, State)>, StoreError> {
        let found: Option<(i64, String)> = self.db.first(
            "SELECT id, state FROM cases WHERE number = ?",
            &vals![number],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(found.and_then(|(id, state)| State::from_code(&state).map(|s| (id, s))))
    }

    /// Adds a responsible unit a file names (`--add-units`).
    pub fn add_unit(&mut self, unit: &crate::store::Unit) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO units (id, name, region) VALUES (?, ?, ?)",
            &vals![unit.id, &unit.name, &unit.region],
        )?;
        Ok(())
    }

    /// Adds a leader a file names (`--add-units`).
    pub fn add_leader(&mut self, leader: &crate::store::Leader) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO leaders (id, name, level, title, region) VALUES (?, ?, ?, ?, ?)",
            &vals![
                leader.id,
                &leader.name,
                leader.level.code(),
                &leader.title,
                &leader.region
            ],
        )?;
        Ok(())
    }

    /// The ids and states of those of `numbers` the database holds, in one query per 500.
    pub fn find_many(
        &self,
        numbers: &[&str],
    ) -> Result<HashMap<String, (CaseId, State)>, StoreError> {
        let mut found = HashMap::new();
        for chunk in numbers.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let values: Vec<rusqlite::types::Value> = chunk
                .iter()
                .map(|n| rusqlite::types::Value::Text((*n).to_string()))
                .collect();
            let rows: Vec<(String, i64, String)> = self.db.collect(
                &format!("SELECT number, id, state FROM cases WHERE number IN ({marks})"),
                &values,
                |r| Ok(Ok((r.get(0)?, r.get(1)?, r.get(2)?))),
            )?;
            for (number, id, state) in rows {
                if let Some(state) = State::from_code(&state) {
                    found.insert(number, (id, state));
                }
            }
        }
        Ok(found)
    }

    /// The id the next added case gets.
    pub fn next_id(&self) -> CaseId {
        self.next_id
    }

    /// A new case number `NX-YYYY-NNNNNN` for a case received in `year`, after every number the
    /// database holds for that year.
    pub fn new_number(&mut self, year: i32) -> Result<String, StoreError> {
        let prefix = format!("NX-{year}-");
        let serial = match self.serials.get(&year) {
            Some(last) => *last,
            None => {
                let last: Option<String> = self.db.one(
                    "SELECT max(number) FROM cases WHERE number >= ? AND number < ?",
                    &vals![&prefix, format!("NX-{year}.")],
                    |r| r.get(0),
                )?;
                last.and_then(|n| n.get(prefix.len()..).and_then(|s| s.parse::<u64>().ok()))
                    .unwrap_or(0)
            }
        } + 1;
        self.serials.insert(year, serial);
        Ok(format!("{prefix}{serial:06}"))
    }

    /// Adds a case that `history` (starting with its registration) made, from `source`
    /// (`FILE:LINE`); returns its id.
    pub fn add(
        &mut self,
        mut case: Case,
        history: Vec<Event>,
        source: String,
    ) -> Result<CaseId, StoreError> {
        let id = self.next_id;
        self.next_id += 1;
        case.id = id;
        case.version = 1;
        let rules = self.db.rules();
        for (day, tally) in crate::domain::kpi::contributions(&case, rules) {
            self.summary
                .entry((day, case.intake.county.clone()))
                .or_default()
                .add(&tally, 1);
        }
        self.pending
            .cases
            .extend(rows::case_values(&case, rules, self.at, &self.actor));
        if let Some(package) = &case.package {
            for (index, duty) in package.duties.iter().enumerate() {
                if let Some(duty) = duty {
                    self.pending.duties.extend(vals![
                        id,
                        index as i64,
                        rows::date(duty.done_on),
                        &duty.note
                    ]);
                }
            }
        }
        let step = Step::Import { source, history };
        let payload = serde_json::to_string(&step).map_err(|e| self.db.backend(e.to_string()))?;
        let seq = self.chain.next_seq();
        let to_state = Some(case.state.code());
        let hash = self.chain.append(&ChainedEvent {
            seq,
            case_id: Some(id),
            at: &self.at_text,
            actor: &self.actor,
            kind: step.name(),
            from_state: None,
            to_state,
            payload: &payload,
        });
        self.pending.events.extend(vals![
            seq,
            id,
            &self.at_text,
            &self.actor,
            step.name(),
            Option::<String>::None,
            to_state,
            &payload,
            hash.to_vec()
        ]);
        self.pending.count += 1;
        // SQLite has no round trip to save: a statement per row is as fast there.
        let batch = match self.db.dialect() {
            Dialect::Sqlite => 1,
            Dialect::Postgres => ROWS_PER_INSERT,
        };
        if self.pending.count >= batch {
            self.flush()?;
        }
        self.added += 1;
        if self.cache_size.is_some()
            && self.dropped.is_none()
            && self.added >= self.existing.max(DROP_INDEXES_AFTER)
        {
            self.drop_indexes()?;
        }
        Ok(id)
    }

    /// Inserts the buffered rows.
    fn flush(&mut self) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.pending);
        if pending.count == 0 {
            return Ok(());
        }
        let case_width = CASE_COLUMNS.len();
        let head = self
            .insert_case
            .split(" VALUES")
            .next()
            .unwrap_or_default()
            .to_string();
        self.db.execute(
            &multi_insert(&head, case_width, pending.cases.len() / case_width),
            &pending.cases,
        )?;
        self.db.execute(
            &multi_insert(
                "INSERT INTO events (seq, case_id, at, actor, kind, from_state, to_state, payload, hash)",
                9,
                pending.events.len() / 9,
            ),
            &pending.events,
        )?;
        if !pending.duties.is_empty() {
            self.db.execute(
                &multi_insert(
                    "INSERT INTO package_duties (case_id, duty, done_on, note)",
                    4,
                    pending.duties.len() / 4,
                ),
                &pending.duties,
            )?;
        }
        Ok(())
    }

    /// Drops the secondary indexes of the tables an import grows (SQLite; not the unique index
    /// on case numbers, which the import looks numbers up in).
    fn drop_indexes(&mut self) -> Result<(), StoreError> {
        let indexes: Vec<(String, String)> = self.db.collect(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ('cases', 'events', 'package_duties')",
            &[],
            |r| Ok(Ok((r.get(0)?, r.get(1)?))),
        )?;
        for (name, _) in &indexes {
            self.db.execute(&format!("DROP INDEX \"{name}\""), &[])?;
        }
        self.dropped = Some(indexes.into_iter().map(|(_, sql)| sql).collect());
        Ok(())
    }

    /// Writes the KPI summary of everything added and tells open consoles; returns the number of
    /// cases added. Repeat links to cases further down the file are made afterwards by `link`.
    pub fn finish(&mut self) -> Result<u64, StoreError> {
        self.flush()?;
        for ((day, county), tally) in std::mem::take(&mut self.summary) {
            super::kpi::add_tally(self.db, day, &county, &tally, 1)?;
        }
        for sql in self.dropped.take().unwrap_or_default() {
            self.db.execute(&sql, &[])?;
        }
        if let Some(size) = self.cache_size.take() {
            self.db
                .query(&format!("PRAGMA cache_size = {size}"), &[], &mut |_| Ok(()))?;
        }
        if self.chain.seq > 0 {
            self.db.announce(self.chain.seq)?;
        }
        Ok(self.added)
    }

    /// Links case `id` as a repeat of case `of`, as its own `link-repeat` event by the importer
    /// (for a repeat of a case that came later in the file), once every case has been added.
    pub fn link(&mut self, id: CaseId, of: CaseId) -> Result<(), StoreError> {
        self.flush()?;
        let version: i64 =
            self.db
                .one("SELECT version FROM cases WHERE id = ?", &vals![id], |r| {
                    r.get(0)
                })?;
        let at = self.at;
        super::write::apply(
            self.db,
            id,
            version,
            &Step::LinkRepeat {
                of,
                of_final: false,
            },
            &self.actor,
            at,
        )?;
        Ok(())
    }
}
