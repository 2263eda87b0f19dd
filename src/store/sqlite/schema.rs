//! SQLite schema: numbered, append-only migrations and the file-header checks that run before
//! SQLite is allowed to touch a file.
//!
//! Never edit a migration that has shipped; append a new one. `PRAGMA user_version` holds the
//! number of migrations applied and `PRAGMA application_id` marks the file as xinfang's.

use crate::store::StoreError;
use std::io::Read;
use std::path::Path;

/// `application_id` of every xinfang database: "XINF".
pub const APPLICATION_ID: u32 = 0x5849_4E46;

/// The migrations, in order; migration `n` (1-based) brings the schema to version `n`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE units (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL);
CREATE TABLE leaders (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL,
    title TEXT NOT NULL, region TEXT NOT NULL
);
CREATE TABLE users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, scope TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    channel TEXT NOT NULL,
    category TEXT,
    county TEXT NOT NULL,
    township TEXT NOT NULL,
    pet_name TEXT NOT NULL,
    pet_id_number TEXT NOT NULL,
    pet_phone TEXT NOT NULL,
    pet_address TEXT NOT NULL,
    persons INTEGER NOT NULL,
    involved INTEGER NOT NULL,
    threat INTEGER NOT NULL,
    urgent INTEGER NOT NULL,
    received_on TEXT NOT NULL,
    state TEXT NOT NULL,
    class TEXT,
    unit_id INTEGER REFERENCES units(id),
    assigned INTEGER NOT NULL,
    registered_on TEXT,
    forwarded_on TEXT,
    accepted_on TEXT,
    replied_on TEXT,
    evaluated_on TEXT,
    review_requested_on TEXT,
    review_replied_on TEXT,
    re_review_requested_on TEXT,
    closed_on TEXT,
    extension_days INTEGER NOT NULL,
    hearing_days INTEGER NOT NULL,
    outcome TEXT,
    satisfaction TEXT,
    route TEXT,
    supervised INTEGER NOT NULL,
    backlog INTEGER NOT NULL,
    collective INTEGER NOT NULL,
    repeat_of INTEGER REFERENCES cases(id),
    agreement_on TEXT,
    owner TEXT,
    leader_id INTEGER REFERENCES leaders(id),
    packaged_on TEXT,
    due_on TEXT,
    handling_due_on TEXT,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE package_duties (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    duty INTEGER NOT NULL,
    done_on TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (case_id, duty)
) WITHOUT ROWID;
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL, target REAL NOT NULL
);
CREATE TABLE campaign_cases (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (campaign_id, case_id)
) WITHOUT ROWID;
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    case_id INTEGER REFERENCES cases(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    payload TEXT NOT NULL,
    hash BLOB NOT NULL
);
CREATE INDEX cases_state ON cases(state, received_on);
CREATE INDEX cases_received ON cases(received_on);
CREATE INDEX cases_due ON cases(due_on) WHERE due_on IS NOT NULL;
CREATE INDEX cases_supervised ON cases(received_on) WHERE supervised = 1 AND closed_on IS NULL;
CREATE INDEX cases_packaged ON cases(received_on) WHERE leader_id IS NOT NULL;
CREATE INDEX cases_backlog ON cases(received_on, county, state, agreement_on, closed_on) WHERE backlog = 1;
CREATE INDEX cases_collective ON cases(received_on) WHERE collective = 1;
CREATE INDEX cases_repeat ON cases(received_on) WHERE repeat_of IS NOT NULL;
CREATE INDEX cases_repeat_of ON cases(repeat_of) WHERE repeat_of IS NOT NULL;
CREATE INDEX cases_owner ON cases(owner, received_on) WHERE owner IS NOT NULL AND closed_on IS NULL;
CREATE INDEX cases_leader ON cases(leader_id) WHERE leader_id IS NOT NULL;
CREATE INDEX cases_unaccepted ON cases(received_on, county, category)
    WHERE accepted_on IS NULL AND closed_on IS NULL;
CREATE INDEX cases_unreplied ON cases(received_on, county, category, handling_due_on)
    WHERE accepted_on IS NOT NULL AND replied_on IS NULL AND closed_on IS NULL;
CREATE INDEX cases_unevaluated ON cases(replied_on, received_on, county, category, route)
    WHERE replied_on IS NOT NULL AND satisfaction IS NULL;
CREATE INDEX events_case ON events(case_id, seq);
CREATE TABLE kpi_day (
    received_on TEXT NOT NULL,
    county TEXT NOT NULL,
    cases INTEGER NOT NULL,
    repeats INTEGER NOT NULL,
    online INTEGER NOT NULL,
    collective INTEGER NOT NULL,
    collective_persons INTEGER NOT NULL,
    handled INTEGER NOT NULL,
    handling_days INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    accepted_in_time INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    late INTEGER NOT NULL,
    unevaluated INTEGER NOT NULL,
    evaluated INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    PRIMARY KEY (received_on, county)
) WITHOUT ROWID;
CREATE INDEX campaign_cases_case ON campaign_cases(case_id);
"#,
    // 2: the same petitioner's earlier cases, found by ID number or by name and phone.
    r#"
CREATE INDEX cases_pet_id ON cases(pet_id_number) WHERE pet_id_number <> '';
CREATE INDEX cases_pet_phone ON cases(pet_phone, pet_name) WHERE pet_phone <> '';
"#,
    // 3: the boards. Open cases the early-warning board flags (many petitioners, threat,
    // major/urgent); daily intake by channel; packaged cases with what the package board counts;
    // repeat petitions by day, for backlog clearance.
    r#"
CREATE INDEX cases_flagged ON cases(received_on)
    WHERE closed_on IS NULL AND (persons >= 5 OR threat = 1 OR urgent = 1);
CREATE INDEX cases_received_channel ON cases(received_on, channel, county);
DROP INDEX cases_leader;
CREATE INDEX cases_leader ON cases(leader_id, state, closed_on, due_on, received_on, county)
    WHERE leader_id IS NOT NULL;
DROP INDEX cases_repeat_of;
CREATE INDEX cases_repeat_of ON cases(repeat_of, received_on) WHERE repeat_of IS NOT NULL;
"#,
    // 4: the rules read article by article (domain.md §3, §4, §8): the accused party of an
    // accusation (Art 30), the bureau's disposal and the unit's answer (Arts 22–23), a pending or
    // rejected objection (Art 23 ¶3), delivery of replies (Arts 35–36), review evaluations kept
    // apart, the reviewing body, repeats of a final matter (Art 36 ¶3), the day a case became a
    // backlog case, repeats indexed with their county (KPI 8 by region); and the KPI summary
    // keyed by each indicator's measure day instead of the day of receipt. A database that holds
    // cases is marked `derived_stale` in `meta`; the first open for writing computes the new
    // derived columns and the summary and removes the mark in one transaction
    // (`sql::recompute::after_upgrade`), so an interrupted upgrade is finished by the next open.
    r#"
ALTER TABLE cases ADD COLUMN accused TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN accused_unit_id INTEGER;
ALTER TABLE cases ADD COLUMN disposed_on TEXT;
ALTER TABLE cases ADD COLUMN answered_on TEXT;
ALTER TABLE cases ADD COLUMN objection_on TEXT;
ALTER TABLE cases ADD COLUMN objection_rejected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN delivered_on TEXT;
ALTER TABLE cases ADD COLUMN review_delivered_on TEXT;
ALTER TABLE cases ADD COLUMN review_evaluated_on TEXT;
ALTER TABLE cases ADD COLUMN review_satisfaction TEXT;
ALTER TABLE cases ADD COLUMN review_body TEXT;
ALTER TABLE cases ADD COLUMN repeat_of_final INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN backlog_from TEXT;
UPDATE cases SET
    delivered_on = replied_on,
    review_delivered_on = review_replied_on,
    disposed_on = coalesce(forwarded_on,
        CASE WHEN accepted_on IS NULL AND state IN ('declined', 'diverted') THEN closed_on END),
    answered_on = coalesce(accepted_on,
        CASE WHEN forwarded_on IS NOT NULL AND state IN ('declined', 'diverted') THEN closed_on END);
CREATE INDEX cases_backlog_from ON cases(backlog_from, received_on, county, state, agreement_on, closed_on)
    WHERE backlog_from IS NOT NULL;
DROP INDEX cases_repeat_of;
CREATE INDEX cases_repeat_of ON cases(repeat_of, received_on, county) WHERE repeat_of IS NOT NULL;
INSERT INTO meta (key, value) SELECT 'derived_stale', '4' WHERE EXISTS (SELECT 1 FROM cases);
DROP TABLE kpi_day;
CREATE TABLE kpi_day (
    day TEXT NOT NULL,
    county TEXT NOT NULL,
    cases INTEGER NOT NULL,
    repeats INTEGER NOT NULL,
    online INTEGER NOT NULL,
    collective INTEGER NOT NULL,
    collective_persons INTEGER NOT NULL,
    handled INTEGER NOT NULL,
    handling_days INTEGER NOT NULL,
    disposal_due INTEGER NOT NULL,
    disposal_in_time INTEGER NOT NULL,
    acceptance_due INTEGER NOT NULL,
    acceptance_in_time INTEGER NOT NULL,
    completion_due INTEGER NOT NULL,
    completion_on_time INTEGER NOT NULL,
    evaluated INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    evaluation_expired INTEGER NOT NULL,
    review_evaluated INTEGER NOT NULL,
    review_satisfied INTEGER NOT NULL,
    PRIMARY KEY (day, county)
) WITHOUT ROWID;
"#,
    // The console sorts a queue by any column: each order it pages in has an index, so the first
    // page of a million-case queue is read from the index, not sorted from a scan.
    r#"
CREATE INDEX cases_sort_county ON cases(county, id);
CREATE INDEX cases_sort_channel ON cases(channel, id);
CREATE INDEX cases_sort_category ON cases((COALESCE(category, '')), id);
CREATE INDEX cases_sort_title ON cases(title, id);
CREATE INDEX cases_sort_due ON cases((COALESCE(due_on, '9999-12-31')), id);
"#,
    // The flagged queues hold cases from every year, scattered through the table: sorting one by
    // a column meant reading each of its rows (24,000 random reads for `packaged` on a million
    // cases). Each gets an index holding its filter's column and every column the table sorts
    // by, so any order of the queue is sorted from its index alone.
    r#"
CREATE INDEX cases_packaged_rows ON cases(leader_id, received_on, number, channel, county,
    category, title, state, due_on) WHERE leader_id IS NOT NULL;
CREATE INDEX cases_backlog_rows ON cases(backlog_from, received_on, number, channel, county,
    category, title, state, due_on) WHERE backlog_from IS NOT NULL;
CREATE INDEX cases_repeat_rows ON cases(repeat_of, received_on, number, channel, county,
    category, title, state, due_on) WHERE repeat_of IS NOT NULL;
CREATE INDEX cases_collective_rows ON cases(collective, received_on, number, channel, county,
    category, title, state, due_on) WHERE collective = 1;
CREATE INDEX cases_supervised_rows ON cases(supervised, closed_on, received_on, number, channel,
    county, category, title, state, due_on) WHERE supervised = 1;
"#,
    // 7: users' public keys for `xinfang serve`: a key belongs to one user, found by its
    // fingerprint at login.
    r#"
CREATE TABLE user_keys (
    fingerprint TEXT PRIMARY KEY,
    name TEXT NOT NULL REFERENCES users(name),
    key TEXT NOT NULL,
    comment TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX user_keys_name ON user_keys(name);
"#,
];

/// The schema version this build writes.
pub fn current_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// What the file header says, read without SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub application_id: u32,
    pub user_version: u32,
}

/// Reads and checks the 100-byte SQLite header of an existing, non-empty file: the magic string,
/// the page count against the file length, the application id and the schema version. Returns
/// `None` for an empty file. Reads only; never writes.
pub fn check_header(path: &Path) -> Result<Option<Header>, StoreError> {
    let shown = path.display().to_string();
    let io = |e: std::io::Error| StoreError::Io {
        path: shown.clone(),
        detail: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let length = file.metadata().map_err(io)?.len();
    if length == 0 {
        return Ok(None);
    }
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]).map_err(io)? {
            0 => break,
            n => read += n,
        }
    }
    if read < header.len() || &header[..16] != b"SQLite format 3\0" {
        return Err(StoreError::NotSqlite {
            path: shown,
            detail: "no SQLite header".into(),
        });
    }
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536u64,
        n => u64::from(n),
    };
    let page_count = u64::from(be32(28));
    let size_valid = be32(24) == be32(92) && page_count > 0;
    if size_valid && length < page_size * page_count {
        return Err(StoreError::Truncated {
            path: shown,
            expected: page_size * page_count,
            found: length,
        });
    }
    let found = Header {
        application_id: be32(68),
        user_version: be32(60),
    };
    check_identity(path, found)?;
    Ok(Some(found))
}

/// Refuses a database that is not xinfang's or that a newer xinfang wrote.
pub fn check_identity(path: &Path, header: Header) -> Result<(), StoreError> {
    if header.application_id != APPLICATION_ID {
        return Err(StoreError::NotXinfang {
            path: path.display().to_string(),
        });
    }
    if header.user_version > current_version() {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found: header.user_version,
            known: current_version(),
        });
    }
    Ok(())
}

/// Applies the migrations after `from` in one transaction.
pub fn migrate(conn: &mut rusqlite::Connection, from: u32) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)?;
    }
    if from > 0 && (from as usize) < MIGRATIONS.len() {
        // New indexes on existing cases: without statistics the planner would not choose them
        // (a sampled analysis: tens of milliseconds on a million cases).
        tx.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE cases;")?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()
}
