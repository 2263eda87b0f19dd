//! The SQL both backends share: every query and write of the Store API, written once against the
//! `Db` trait and run by SQLite (`store::sqlite`) and PostgreSQL (`store::postgres`).
//!
//! The SQL is portable: `?` or `?N` placeholders (PostgreSQL's backend rewrites them to `$N`),
//! `CASE WHEN` instead of summing comparisons, `1 = 1` instead of a bare `1`, an alias on every
//! subquery in `FROM`. The few functions the dialects spell differently (day arithmetic, string
//! aggregation) come from `Dialect`. Values are bound as `rusqlite::types::Value` and read back
//! through `Row`, which both backends produce.

mod backend;
pub mod backlog;
pub mod board;
pub mod brief;
pub mod import;
pub mod kpi;
pub mod read;
pub mod recompute;
pub mod replay;
pub mod rows;
pub mod verify;
pub mod write;

use crate::domain::Rules;
use crate::store::StoreError;
use rusqlite::types::{FromSql, FromSqlError, Value, ValueRef};

pub use backend::Backend;
pub use rows::BadValue;

/// How a backend spells what the two dialects do not share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A stored date (`YYYY-MM-DD` text) plus `days` (an integer SQL expression), as stored text.
    pub fn add_days(self, date: &str, days: &str) -> String {
        match self {
            Dialect::Sqlite => format!("date({date}, '+' || ({days}) || ' days')"),
            Dialect::Postgres => {
                format!("to_char(CAST({date} AS DATE) + CAST({days} AS INTEGER), 'YYYY-MM-DD')")
            }
        }
    }

    /// Whole days from stored date `from` to stored date `to`.
    pub fn days_between(self, from: &str, to: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)"),
            Dialect::Postgres => format!("(CAST({to} AS DATE) - CAST({from} AS DATE))"),
        }
    }

    /// The values of `expr` joined with commas (an aggregate), in `order`. SQLite keeps the
    /// order its rows arrive in, so the caller's subquery must already be in `order`.
    pub fn join(self, expr: &str, order: &str) -> String {
        match self {
            Dialect::Sqlite => format!("group_concat({expr})"),
            Dialect::Postgres => format!("string_agg(CAST({expr} AS TEXT), ',' ORDER BY {order})"),
        }
    }
}

/// One result row, from either backend.
pub enum Row<'a> {
    /// A SQLite row, read in place.
    Lite(&'a rusqlite::Row<'a>),
    /// A row already decoded into values, with its column names.
    Owned {
        values: &'a [Value],
        names: &'a [String],
    },
}

impl Row<'_> {
    /// Column `i` as `T` (the same conversions for both backends).
    pub fn get<T: FromSql>(&self, i: usize) -> rusqlite::Result<T> {
        match self {
            Row::Lite(row) => row.get(i),
            Row::Owned { values, .. } => {
                let value = values
                    .get(i)
                    .ok_or(rusqlite::Error::InvalidColumnIndex(i))?;
                let value = ValueRef::from(value);
                T::column_result(value).map_err(|e| match e {
                    FromSqlError::InvalidType => rusqlite::Error::InvalidColumnType(
                        i,
                        self.name(i).unwrap_or_default(),
                        value.data_type(),
                    ),
                    other => rusqlite::Error::FromSqlConversionFailure(
                        i,
                        value.data_type(),
                        other.into(),
                    ),
                })
            }
        }
    }

    /// Column `i` as stored.
    pub fn get_ref(&self, i: usize) -> rusqlite::Result<ValueRef<'_>> {
        match self {
            Row::Lite(row) => row.get_ref(i),
            Row::Owned { values, .. } => values
                .get(i)
                .map(ValueRef::from)
                .ok_or(rusqlite::Error::InvalidColumnIndex(i)),
        }
    }

    /// Column `i`'s name, for messages.
    pub fn name(&self, i: usize) -> Option<String> {
        match self {
            Row::Lite(row) => row.as_ref().column_name(i).ok().map(str::to_string),
            Row::Owned { names, .. } => names.get(i).cloned(),
        }
    }
}

/// What a row callback returns.
pub type RowResult = rusqlite::Result<()>;

/// A connection (inside a transaction where the caller opened one) of either backend.
pub trait Db {
    /// Runs `sql` with `params`, calling `f` on each row in order.
    fn query(
        &self,
        sql: &str,
        params: &[Value],
        f: &mut dyn FnMut(&Row<'_>) -> RowResult,
    ) -> Result<(), StoreError>;

    /// Runs a statement; returns the number of rows it changed.
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;

    /// A row-reading error for the user.
    fn error(&self, e: rusqlite::Error) -> StoreError;

    /// Where the database is, for messages (never with a password).
    fn location(&self) -> String;

    /// The rules deadlines are computed with.
    fn rules(&self) -> &Rules;

    fn dialect(&self) -> Dialect;

    /// Tells other consoles that event `seq` was written (PostgreSQL: NOTIFY, delivered when the
    /// transaction commits). SQLite consoles watch the newest sequence number instead.
    fn announce(&self, _seq: i64) -> Result<(), StoreError> {
        Ok(())
    }

    /// A stored value that does not parse: the database is damaged.
    fn corrupt(&self, bad: BadValue) -> StoreError {
        StoreError::Corrupt {
            path: self.location(),
            detail: bad.0,
        }
    }

    /// Something the backend cannot do or did not expect.
    fn backend(&self, detail: String) -> StoreError {
        StoreError::Backend {
            path: self.location(),
            detail,
        }
    }
}

impl dyn Db + '_ {
    /// Every row mapped by `map`, which may refuse a stored value (a damaged database).
    pub fn collect<T>(
        &self,
        sql: &str,
        params: &[Value],
        map: impl Fn(&Row<'_>) -> rusqlite::Result<Result<T, BadValue>>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        let mut bad = None;
        self.query(sql, params, &mut |row| {
            match map(row)? {
                Ok(v) => out.push(v),
                Err(b) => {
                    if bad.is_none() {
                        bad = Some(b);
                    }
                }
            }
            Ok(())
        })?;
        match bad {
            Some(b) => Err(self.corrupt(b)),
            None => Ok(out),
        }
    }

    /// The first row mapped by `map`, if any.
    pub fn first<T>(
        &self,
        sql: &str,
        params: &[Value],
        map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, StoreError> {
        let mut out = None;
        self.query(sql, params, &mut |row| {
            if out.is_none() {
                out = Some(map(row)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The one row a query always returns (an aggregate), mapped by `map`.
    pub fn one<T>(
        &self,
        sql: &str,
        params: &[Value],
        map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        self.first(sql, params, map)?
            .ok_or_else(|| self.backend(format!("no row from `{sql}`")))
    }

    /// Every column of the one row as a count (NULL, from an empty sum, is 0).
    pub fn counts(&self, sql: &str, params: &[Value]) -> Result<Vec<i64>, StoreError> {
        self.one(sql, params, |r| {
            let mut out = Vec::new();
            let mut i = 0;
            while let Ok(value) = r.get_ref(i) {
                out.push(match value {
                    ValueRef::Null => 0,
                    _ => r.get::<i64>(i)?,
                });
                i += 1;
            }
            Ok(out)
        })
    }
}

/// A value to bind.
pub trait Bind {
    fn bind(self) -> Value;
}

impl Bind for i64 {
    fn bind(self) -> Value {
        Value::Integer(self)
    }
}

impl Bind for &str {
    fn bind(self) -> Value {
        Value::Text(self.to_string())
    }
}

impl Bind for String {
    fn bind(self) -> Value {
        Value::Text(self)
    }
}

impl Bind for &String {
    fn bind(self) -> Value {
        Value::Text(self.clone())
    }
}

impl Bind for Vec<u8> {
    fn bind(self) -> Value {
        Value::Blob(self)
    }
}

impl<T: Bind> Bind for Option<T> {
    fn bind(self) -> Value {
        self.map_or(Value::Null, Bind::bind)
    }
}

/// The values to bind, from anything that is `Bind`.
#[macro_export]
macro_rules! vals {
    ($($v:expr),* $(,)?) => {
        [$($crate::store::sql::Bind::bind($v)),*]
    };
}
