//! The Store API: everything the console, reports and command line read and write, and the
//! backends behind it: SQLite and PostgreSQL, both running the SQL in `sql`; each keeps its
//! connections, transactions and dialect details to itself.
//!
//! Must not import `ui` or `app`. Every write is one transaction that also appends an event to the
//! audit chain; reads never write.

pub mod audit;
pub mod board;
pub mod brief;
pub mod copy;
mod error;
pub mod postgres;
pub mod queue;
pub mod sql;
pub mod sqlite;

pub use error::StoreError;
pub use queue::{Builtin, CaseRow, Cursor, Filter, Page, Scope, Sort, SortKey};

use crate::domain::kpi::{Kpis, Period};
pub use crate::domain::org::{Campaign, Leader, Unit, User};
use crate::domain::{Case, CaseId, Intake, Role, State, Step};
use chrono::{NaiveDate, NaiveDateTime};

/// One stored event of a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub step: Step,
    pub from_state: Option<State>,
    pub to_state: Option<State>,
}

/// The events that make a case as it is: every undo, and every step an undo took back, left out.
pub fn effective(events: &[StoredEvent]) -> Vec<&StoredEvent> {
    let undone: std::collections::HashSet<i64> = events
        .iter()
        .filter_map(|e| match e.step {
            Step::Undo { of } => Some(of),
            _ => None,
        })
        .collect();
    events
        .iter()
        .filter(|e| !matches!(e.step, Step::Undo { .. }) && !undone.contains(&e.seq))
        .collect()
}

/// A case with everything the detail pane shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    pub case: Case,
    pub events: Vec<StoredEvent>,
    pub unit: Option<Unit>,
    pub leader: Option<Leader>,
    /// The number of the case this one repeats (filled by `Store::details`).
    pub repeat_number: Option<String>,
}

/// The searchable fields of a case, for the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    pub id: CaseId,
    pub number: String,
    pub title: String,
    pub summary: String,
    pub petitioner: String,
    pub county: String,
    pub township: String,
    pub unit: Option<crate::domain::UnitId>,
    pub leader: Option<crate::domain::LeaderId>,
    pub category: Option<crate::domain::Category>,
    pub class: Option<crate::domain::Class>,
    /// Art 30: category 纪检监察, class accusation or route discipline inspection.
    pub confidential: bool,
    pub channel: crate::domain::Channel,
    pub state: State,
    pub due_on: Option<NaiveDate>,
    pub supervised: bool,
    pub backlog: bool,
    pub collective: bool,
    pub repeat: bool,
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub events: u64,
    /// The first event whose hash does not follow from the one before it.
    pub broken: Option<audit::BrokenLink>,
    /// Cases whose event count differs from their version (an event removed or added).
    pub mismatched: Vec<String>,
    /// Case and user rows that differ from the replay of their events (at most 20 lines).
    pub rows: Vec<String>,
    /// Cases replayed.
    pub replayed: u64,
}

/// A change to a console user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum UserChange {
    Add {
        name: String,
        role: Role,
        scope: String,
    },
    SetRole {
        name: String,
        role: Role,
    },
    SetScope {
        name: String,
        scope: String,
    },
    /// A public key the user logs in to `xinfang serve` with.
    AddKey {
        name: String,
        /// `ssh-ed25519 AAAA…`, without the comment.
        key: String,
        fingerprint: String,
        comment: String,
    },
    RemoveKey {
        name: String,
        fingerprint: String,
    },
}

impl UserChange {
    /// The user changed.
    pub fn name(&self) -> &str {
        match self {
            UserChange::Add { name, .. }
            | UserChange::SetRole { name, .. }
            | UserChange::SetScope { name, .. }
            | UserChange::AddKey { name, .. }
            | UserChange::RemoveKey { name, .. } => name,
        }
    }
}

/// A user's public key, as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserKey {
    pub name: String,
    pub fingerprint: String,
    pub key: String,
    pub comment: String,
    pub added_at: String,
}

/// What `db check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub schema_version: u32,
    pub cases: u64,
    pub events: u64,
    /// Problems found; empty when the database is sound.
    pub problems: Vec<String>,
}

/// What `db recompute` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecomputeReport {
    /// Cases looked at.
    pub cases: u64,
    /// Cases whose stored deadlines differed from the current rules' and were rewritten.
    pub changed: u64,
    /// Rows of the rebuilt KPI summary.
    pub summary_rows: u64,
}

/// How to open a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// An existing database, read and write; upgraded to the current schema if older.
    ReadWrite,
    /// An existing database, never written (wall boards, listings).
    ReadOnly,
    /// Create the database if missing, then as `ReadWrite`.
    Create,
}

/// The storage API shared by all backends.
pub trait Store: Send + Sync {
    /// Where the data lives, for the status bar: a path or host, never a password.
    fn location(&self) -> String;

    /// A value from the `meta` table (e.g. `demo_seed`, present on a generated demo database).
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;

    /// The database's own name for whoever connected, when the backend authenticates them (the
    /// PostgreSQL session role); `None` for a SQLite file, where the OS decides who may open it.
    fn database_user(&self) -> Result<Option<String>, StoreError>;

    /// Verifies integrity, schema version and the audit chain.
    fn check(&self) -> Result<CheckReport, StoreError>;

    /// Recomputes every case's deadlines and the KPI summary under the rules the store was
    /// opened with (after a change of `roll_over` or the calendar), in one transaction with an
    /// audit event (no case's history changes) that tells open consoles to reload.
    fn recompute(&self, actor: &str, at: NaiveDateTime) -> Result<RecomputeReport, StoreError>;

    /// How many cases each filter matches within the scope.
    fn counts(&self, filters: &[Filter], scope: &Scope) -> Result<Vec<u64>, StoreError>;

    /// Cases per state within the scope.
    fn state_counts(&self, scope: &Scope) -> Result<Vec<(State, u64)>, StoreError>;

    /// One page of the cases matching `filter`, in `sort` order, after `cursor`.
    fn page(
        &self,
        filter: &Filter,
        sort: Sort,
        scope: &Scope,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page, StoreError>;

    /// A case with its history, unit and packaging leader.
    fn case(&self, id: CaseId) -> Result<Option<CaseDetail>, StoreError>;

    /// The id of the case with this number (e.g. `NX-2026-000123`).
    fn find(&self, number: &str) -> Result<Option<CaseId>, StoreError>;

    /// Registers a new case; returns it with its id and number.
    fn register(&self, intake: &Intake, actor: &str, at: NaiveDateTime)
    -> Result<Case, StoreError>;

    /// Applies `step` to the case if it still has `expected_version`; one transaction with its
    /// audit event. A stale version is a `Conflict`; a refused step is a `Rule` error.
    fn apply(
        &self,
        id: CaseId,
        expected_version: i64,
        step: &Step,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<Case, StoreError>;

    /// Cases with their histories, in the order of `ids` (for an export; unit and leader are
    /// left to the caller, who has the lists).
    fn details(&self, ids: &[CaseId]) -> Result<Vec<CaseDetail>, StoreError>;

    /// Searchable fields of up to `limit` cases with ids above `after`, in id order.
    fn search_docs(&self, after: CaseId, limit: usize) -> Result<Vec<SearchDoc>, StoreError>;

    /// Sequence number of the newest event (0 for none): it grows with every change.
    fn head(&self) -> Result<i64, StoreError>;

    /// Cases changed by events after `seq`, and the newest sequence number.
    fn changed_since(&self, seq: i64) -> Result<(i64, Vec<CaseId>), StoreError>;

    /// Takes back the last step on a case, if `actor` took it: a compensating `undo` event, and the
    /// case as its history without that step makes it. History is never deleted.
    fn undo_last(&self, id: CaseId, actor: &str, at: NaiveDateTime) -> Result<Case, StoreError>;

    /// Earlier cases of the same petitioner (same ID number, or same name and phone), newest
    /// first, at most 50: the candidates a repeat petition links to.
    fn related(&self, id: CaseId) -> Result<Vec<(CaseId, String, String, NaiveDate)>, StoreError>;

    /// Walks the audit chain and compares each case's events with its version.
    fn audit(&self) -> Result<AuditReport, StoreError>;

    /// Imports cases in one write transaction: `feed` adds them through the `Importer` and
    /// returns whether to keep them. Kept: the number added; not kept (a dry run, or problems
    /// found): `StoreError::RolledBack`, and nothing was written.
    fn import(
        &self,
        actor: &str,
        at: NaiveDateTime,
        feed: &mut dyn FnMut(&mut sql::import::Importer<'_>) -> Result<bool, StoreError>,
    ) -> Result<u64, StoreError>;

    /// Adds or changes a user; one transaction with its audit event.
    fn change_user(
        &self,
        change: &UserChange,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<User, StoreError>;

    fn units(&self) -> Result<Vec<Unit>, StoreError>;
    fn leaders(&self) -> Result<Vec<Leader>, StoreError>;
    fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Public keys, of one user or of all, by user and fingerprint.
    fn user_keys(&self, name: Option<&str>) -> Result<Vec<UserKey>, StoreError>;
    /// The user who owns the key with this fingerprint.
    fn key_owner(&self, fingerprint: &str) -> Result<Option<User>, StoreError>;
    fn campaigns(&self) -> Result<Vec<Campaign>, StoreError>;

    /// The indicators of domain.md §8 for `period` within the scope's region, seen on `as_of`
    /// (each counted on its measure day up to the earlier of the period's end and `as_of`).
    fn kpis(&self, period: Period, scope: &Scope, as_of: NaiveDate) -> Result<Kpis, StoreError>;

    /// One board's data, all of it read at one moment. No petitioner data, no petition text.
    fn board(
        &self,
        kind: crate::domain::board::BoardKind,
        query: &board::BoardQuery,
    ) -> Result<board::BoardData, StoreError>;

    /// The meeting brief (reports and the Meeting board), all of it read at one moment by the
    /// same SQL as `kpis` and `board`. No petitioner data, no petition text.
    fn brief(&self, query: &brief::BriefQuery) -> Result<brief::Brief, StoreError>;
}

/// Opens a store from a location: a file path for SQLite, a `postgres://` URL for PostgreSQL.
pub fn open(
    location: &str,
    rules: crate::domain::Rules,
    mode: OpenMode,
) -> Result<Box<dyn Store>, StoreError> {
    if postgres::is_url(location) {
        return Ok(Box::new(postgres::PgStore::open(location, rules, mode)?));
    }
    Ok(Box::new(sqlite::SqliteStore::open(
        std::path::Path::new(location),
        rules,
        mode,
    )?))
}
