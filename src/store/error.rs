//! Errors the store reports, written for the person at the keyboard.
//!
//! Each variant says what happened and, where there is one, what to do. Backend-specific errors
//! are translated here so that callers never see SQL error codes.

use crate::domain::State;
use crate::domain::lifecycle::RuleError;
use thiserror::Error;

/// Anything that can go wrong talking to a store.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database not found: {path} (create one with `xinfang demo` or `xinfang db migrate`)")]
    Missing { path: String },
    #[error("{path} is not a SQLite database ({detail})")]
    NotSqlite { path: String, detail: String },
    #[error("{path} is a SQLite database but not a xinfang one")]
    NotXinfang { path: String },
    #[error(
        "{path} is truncated: its header promises {expected} bytes but the file has {found}; restore it from a backup"
    )]
    Truncated {
        path: String,
        expected: u64,
        found: u64,
    },
    #[error(
        "{path} was written by a newer xinfang (schema version {found}; this build knows up to {known}); upgrade xinfang to open it"
    )]
    TooNew {
        path: String,
        found: u32,
        known: u32,
    },
    #[error("{path} is damaged ({detail}); run `xinfang db check` and restore it from a backup")]
    Corrupt { path: String, detail: String },
    #[error("{path} is locked by another program and stayed locked; try again")]
    Locked { path: String },
    #[error("{path} is read-only here: {detail}")]
    ReadOnly { path: String, detail: String },
    #[error("no case {0}")]
    NoSuchCase(String),
    #[error("case {number} was changed by {by} at {at}; reloaded, nothing was overwritten")]
    Conflict {
        number: String,
        by: String,
        at: String,
    },
    #[error("case {number}: {error}")]
    Rule { number: String, error: RuleError },
    #[error("case {number} is {state}, which this queue does not hold")]
    NotInQueue { number: String, state: State },
    #[error("{0}")]
    Invalid(String),
    #[error("cannot read or write {path}: {detail}")]
    Io { path: String, detail: String },
    #[error("database error on {path}: {detail}")]
    Backend { path: String, detail: String },
}

impl StoreError {
    /// True when retrying later may succeed (locked, unreachable).
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Locked { .. } | StoreError::Io { .. })
    }
}
