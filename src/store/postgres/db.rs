//! The shared SQL (`store::sql`) on a PostgreSQL transaction: `?`/`?N` placeholders become `$N`,
//! values are bound by the type PostgreSQL inferred for each parameter, and result columns are
//! decoded into the same `Value`s SQLite gives (booleans as 0/1, `NUMERIC` sums as integers).
//! Statements are prepared once per connection and cached.

use crate::domain::Rules;
use crate::store::StoreError;
use crate::store::sql::{Db, Dialect, Row, RowResult};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, ToSql, Type};
use rusqlite::types::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error;

/// Prepared statements of one connection, by their shared-SQL text.
pub type Statements = HashMap<String, postgres::Statement>;

/// The shared SQL inside one PostgreSQL transaction.
pub struct PgDb<'a> {
    pub tx: RefCell<postgres::Transaction<'a>>,
    pub statements: RefCell<&'a mut Statements>,
    pub location: &'a str,
    pub rules: &'a Rules,
}

impl<'a> PgDb<'a> {
    /// The transaction, or an error (not a panic) if a row callback asked for another query
    /// while this connection is still streaming rows: the shared SQL must not do that.
    fn tx(&self) -> Result<std::cell::RefMut<'_, postgres::Transaction<'a>>, StoreError> {
        self.tx.try_borrow_mut().map_err(|_| StoreError::Backend {
            path: self.location.to_string(),
            detail: "a query was started while another one was still reading rows".into(),
        })
    }

    fn statement(&self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(found) = self.statements.borrow().get(sql) {
            return Ok(found.clone());
        }
        let prepared = self
            .tx()?
            .prepare(&placeholders(sql))
            .map_err(|e| super::error(self.location, &e))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), prepared.clone());
        Ok(prepared)
    }
}

impl Db for PgDb<'_> {
    fn query(
        &self,
        sql: &str,
        params: &[Value],
        f: &mut dyn FnMut(&Row<'_>) -> RowResult,
    ) -> Result<(), StoreError> {
        let statement = self.statement(sql)?;
        let names: Vec<String> = statement
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        let fail = |e: postgres::Error| super::error(self.location, &e);
        let mut tx = self.tx()?;
        let mut rows = tx
            .query_raw(&statement, params.iter().map(Param))
            .map_err(fail)?;
        let mut values = Vec::with_capacity(names.len());
        while let Some(row) = rows.next().map_err(fail)? {
            values.clear();
            for i in 0..names.len() {
                values.push(row.try_get::<_, Cell>(i).map_err(fail)?.0);
            }
            f(&Row::Owned {
                values: &values,
                names: &names,
            })
            .map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let statement = self.statement(sql)?;
        let bound: Vec<Param<'_>> = params.iter().map(Param).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            bound.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        self.tx()?
            .execute(&statement, &refs)
            .map_err(|e| super::error(self.location, &e))
    }

    fn error(&self, e: rusqlite::Error) -> StoreError {
        StoreError::Backend {
            path: self.location.to_string(),
            detail: e.to_string(),
        }
    }

    fn location(&self) -> String {
        self.location.to_string()
    }

    fn rules(&self) -> &Rules {
        self.rules
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn announce(&self, seq: i64) -> Result<(), StoreError> {
        self.execute(
            &format!("SELECT pg_notify({}, ?)", super::listen::CHANNEL_SQL),
            &[Value::Text(seq.to_string())],
        )
        .map(drop)
    }
}

/// `?N` → `$N`; a bare `?` is one more than the highest number so far (SQLite's rule). Text in
/// single quotes is left alone.
pub fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut highest = 0u32;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '?' || quoted {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        let n = digits.parse::<u32>().unwrap_or(highest + 1);
        highest = highest.max(n);
        out.push('$');
        out.push_str(&n.to_string());
    }
    out
}

/// A value bound as the type PostgreSQL inferred for its parameter.
#[derive(Debug)]
struct Param<'a>(&'a Value);

type BoxError = Box<dyn Error + Sync + Send>;

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                _ if <&str as ToSql>::accepts(ty) => v.to_string().as_str().to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound as {ty}").into()),
            },
            Value::Real(v) => match *ty {
                Type::FLOAT8 => v.to_sql(ty, out),
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => Err(format!("a number cannot be bound as {ty}").into()),
            },
            Value::Text(s) if <&str as ToSql>::accepts(ty) => s.as_str().to_sql(ty, out),
            Value::Text(_) => Err(format!("text cannot be bound as {ty}").into()),
            Value::Blob(b) if *ty == Type::BYTEA => b.as_slice().to_sql(ty, out),
            Value::Blob(_) => Err(format!("bytes cannot be bound as {ty}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A result column decoded into SQLite's value types.
struct Cell(Value);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Cell(match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Integer(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            _ if <&str as FromSql>::accepts(ty) => Value::Text(<&str>::from_sql(ty, raw)?.into()),
            _ => return Err(format!("a column of type {ty} is not expected here").into()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Cell(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A binary `NUMERIC` (what PostgreSQL's `sum` of integers gives): an integer when it has no
/// fraction and fits, otherwise a float.
fn numeric(raw: &[u8]) -> Result<Value, BoxError> {
    let word = |i: usize| -> Result<u16, BoxError> {
        raw.get(i * 2..i * 2 + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "a NUMERIC value is cut short".into())
    };
    let (count, weight, sign, scale) = (word(0)?, word(1)? as i16, word(2)?, word(3)?);
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut whole: i128 = 0;
    let mut float = 0f64;
    let mut exact = scale == 0;
    for i in 0..count {
        let digit = word(4 + usize::from(i))?;
        let power = i32::from(weight) - i32::from(i);
        float += f64::from(digit) * 10000f64.powi(power);
        if power >= 0 {
            let scaled = 10000i128
                .checked_pow(power as u32)
                .and_then(|p| p.checked_mul(i128::from(digit)))
                .and_then(|d| whole.checked_add(d));
            match scaled {
                Some(w) => whole = w,
                None => exact = false,
            }
        } else if digit != 0 {
            exact = false;
        }
    }
    let negative = sign == 0x4000;
    match i64::try_from(whole) {
        Ok(v) if exact => Ok(Value::Integer(if negative { -v } else { v })),
        _ => Ok(Value::Real(if negative { -float } else { float })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_sqlite_numbering_and_skip_quoted_text() {
        assert_eq!(placeholders("a = ? AND b = ?"), "a = $1 AND b = $2");
        assert_eq!(
            placeholders("x < ?1 AND y >= ?1 AND z <= ?2 AND c >= ? AND c < ?"),
            "x < $1 AND y >= $1 AND z <= $2 AND c >= $3 AND c < $4"
        );
        assert_eq!(
            placeholders("note = '?' AND id = ?"),
            "note = '?' AND id = $1"
        );
    }

    #[test]
    fn numeric_sums_decode_to_integers() {
        // 1234567 = 123·10000 + 4567: two base-10000 digits, weight 1.
        let raw = [0u8, 2, 0, 1, 0, 0, 0, 0, 0, 123, 0x11, 0xD7];
        assert!(matches!(numeric(&raw), Ok(Value::Integer(1_234_567))));
        let negative = [0u8, 1, 0, 0, 0x40, 0, 0, 0, 0, 7];
        assert!(matches!(numeric(&negative), Ok(Value::Integer(-7))));
        let zero = [0u8, 0, 0, 0, 0, 0, 0, 0];
        assert!(matches!(numeric(&zero), Ok(Value::Integer(0))));
        let half = [0u8, 1, 0xFF, 0xFF, 0, 0, 0, 1, 0x13, 0x88];
        assert!(matches!(numeric(&half), Ok(Value::Real(v)) if (v - 0.5).abs() < 1e-9));
        assert!(numeric(&[0, 2, 0]).is_err());
    }
}
