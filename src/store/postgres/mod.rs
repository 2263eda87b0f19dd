//! PostgreSQL: connecting (the password never leaves this module: errors and the status bar show
//! `postgres://user@host:port/db`), and the schema with its numbered, append-only migrations.
//!
//! The schema is SQLite's, column for column, with PostgreSQL's types: the same migrations are
//! translated (`INTEGER` → `BIGINT`, `REAL` → `DOUBLE PRECISION`, `BLOB` → `BYTEA`, foreign keys
//! deferrable), so the two dialects can never drift apart and `db copy` moves rows unchanged.
//! Dates stay ISO-8601 text, which orders the same in both.
//!
//! The Store API runs here through the SQL both backends share (`store`, `db`); live updates
//! come from a listening connection (`listen`); `db copy` moves whole databases (`store::copy`).

mod db;
pub mod listen;
mod store;
pub mod tls;

pub use store::PgStore;

use crate::store::StoreError;
use crate::store::sqlite::schema::MIGRATIONS;
use std::str::FromStr;

/// True for a `postgres://` or `postgresql://` location.
pub fn is_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// `postgres://user@host:port/db`: the location without its password, for messages.
pub fn redacted(config: &postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{host}:{port}/{}",
        config.get_user().unwrap_or(""),
        config.get_dbname().unwrap_or("")
    )
}

/// A connection and its location for messages.
pub struct Connection {
    pub client: postgres::Client,
    pub location: String,
}

/// Parses `url` and connects, with TLS as its `sslmode` asks (see `tls`).
pub fn connect(url: &str) -> Result<Connection, StoreError> {
    // The URL may not parse, so the password's position is unknown: messages show the scheme.
    let scheme = url.split("://").next().unwrap_or("postgres");
    let invalid =
        |e: String| StoreError::Invalid(format!("not a usable PostgreSQL URL ({scheme}://…): {e}"));
    let (driver_url, mode) = tls::split(url).map_err(invalid)?;
    let mut config = postgres::Config::from_str(&driver_url).map_err(|e| invalid(e.to_string()))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(3));
    }
    // A network that drops silently (no reset) is noticed within about half a minute, not after
    // the system's two-hour keepalive: consoles then say they are reconnecting.
    if config.get_keepalives_idle() >= std::time::Duration::from_secs(7200) {
        config
            .keepalives_idle(std::time::Duration::from_secs(10))
            .keepalives_interval(std::time::Duration::from_secs(5))
            .keepalives_retries(3);
    }
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(std::time::Duration::from_secs(20));
    }
    // So that operators find xinfang's sessions in `pg_stat_activity`.
    if config.get_application_name().is_none() {
        config.application_name("xinfang");
    }
    let location = redacted(&config);
    let client = match &mode {
        tls::Mode::Disable => config.connect(postgres::NoTls),
        mode => {
            let tls_config = tls::client_config(mode).map_err(|detail| StoreError::Backend {
                path: location.clone(),
                detail,
            })?;
            config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls_config))
        }
    }
    .map_err(|e| error(&location, &e))?;
    Ok(Connection { client, location })
}

/// A PostgreSQL error for the person at the keyboard (never with the password).
pub fn error(location: &str, e: &postgres::Error) -> StoreError {
    let detail = describe(e);
    let lost = match e.as_db_error() {
        // Class 08 (connection exception) and 57P01–57P03 (the server shutting down or
        // restarting, or the backend terminated by an administrator).
        Some(db) => {
            let code = db.code().code();
            code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
        }
        None => e.is_closed() || is_io(e),
    };
    let path = location.to_string();
    if lost {
        StoreError::Unreachable { path, detail }
    } else {
        StoreError::Backend { path, detail }
    }
}

/// What went wrong, as the server or the network said it (the driver's own text for a server
/// error is only "db error").
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        // The driver's own text leaves out the cause ("error connecting to server"): add it.
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

/// True when the error came from the network (refused, reset, timed out).
fn is_io(e: &postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        if inner.is::<std::io::Error>() {
            return true;
        }
        source = inner.source();
    }
    e.to_string().contains("timed out")
}

/// The migrations for PostgreSQL: SQLite's, translated. Migration `n` (1-based) brings the schema
/// to version `n`, as in SQLite.
pub fn migrations() -> Vec<String> {
    MIGRATIONS.iter().map(|sql| translate(sql)).collect()
}

/// The schema version this build writes.
pub fn current_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// SQLite DDL in PostgreSQL's types.
fn translate(sql: &str) -> String {
    let mut out = sql
        .replace("INTEGER PRIMARY KEY", "BIGINT PRIMARY KEY")
        .replace("INTEGER", "BIGINT")
        .replace("REAL", "DOUBLE PRECISION")
        .replace("BLOB", "BYTEA")
        .replace(") WITHOUT ROWID", ")");
    // A SQLite index always carries the rowid, so index-only plans can read `id` from it:
    // PostgreSQL's indexes on `cases` carry it explicitly.
    after_each(&mut out, " ON cases(", |columns| {
        (!columns.split(',').any(|c| c.trim() == "id")).then_some(" INCLUDE (id)")
    });
    // Foreign keys are checked at commit, so that rows can be copied in any order.
    after_each(&mut out, "REFERENCES ", |_| {
        Some(" DEFERRABLE INITIALLY IMMEDIATE")
    });
    out
}

/// After each `needle…)` in `sql` (the parenthesis that closes the needle's, so expression
/// columns such as `(COALESCE(category, ''))` are skipped whole), inserts what `insert` returns
/// for the text between them.
fn after_each(sql: &mut String, needle: &str, insert: impl Fn(&str) -> Option<&'static str>) {
    let mut at = 0;
    while let Some(found) = sql[at..].find(needle) {
        let start = at + found;
        let mut depth = needle.matches('(').count() as i32 - needle.matches(')').count() as i32;
        let close = sql[start + needle.len()..]
            .char_indices()
            .find_map(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (c == ')' && depth == 0).then_some(i)
            });
        let Some(close) = close else {
            break;
        };
        let end = start + needle.len() + close + 1;
        if let Some(text) = insert(&sql[start + needle.len()..end - 1]) {
            sql.insert_str(end, text);
        }
        at = end;
    }
}

/// The schema version of the database, `None` when it holds no xinfang schema.
pub fn version(client: &mut impl postgres::GenericClient) -> Result<Option<u32>, postgres::Error> {
    let exists: Option<String> = client
        .query_one("SELECT to_regclass('xinfang_schema')::text", &[])?
        .get(0);
    if exists.is_none() {
        return Ok(None);
    }
    let version: i32 = client
        .query_one("SELECT max(version) FROM xinfang_schema", &[])?
        .get::<_, Option<i32>>(0)
        .unwrap_or(0);
    Ok(Some(version.max(0) as u32))
}

/// The schema version of the database at `url`, `None` when it holds no xinfang schema.
pub fn schema_version(url: &str) -> Result<Option<u32>, StoreError> {
    let mut conn = connect(url)?;
    version(&mut conn.client).map_err(|e| error(&conn.location, &e))
}

/// Applies every migration after `from`, inside the caller's transaction.
pub fn migrate(tx: &mut postgres::Transaction<'_>, from: u32) -> Result<(), postgres::Error> {
    tx.batch_execute("CREATE TABLE IF NOT EXISTS xinfang_schema (version INTEGER NOT NULL)")?;
    for (index, sql) in migrations().iter().enumerate().skip(from as usize) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO xinfang_schema (version) VALUES ($1)",
            &[&(index as i32 + 1)],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddl_is_translated_and_urls_lose_their_password() {
        let sql = translate(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, x REAL, h BLOB, c INTEGER REFERENCES cases(id)) WITHOUT ROWID;",
        );
        assert_eq!(
            sql,
            "CREATE TABLE t (id BIGINT PRIMARY KEY, x DOUBLE PRECISION, h BYTEA, c BIGINT REFERENCES cases(id) DEFERRABLE INITIALLY IMMEDIATE);"
        );
        assert_eq!(
            translate("CREATE INDEX b ON cases(received_on, county) WHERE backlog = 1;"),
            "CREATE INDEX b ON cases(received_on, county) INCLUDE (id) WHERE backlog = 1;"
        );
        assert_eq!(
            translate("CREATE INDEX e ON events(case_id, seq);"),
            "CREATE INDEX e ON events(case_id, seq);"
        );
        assert_eq!(
            translate("CREATE INDEX s ON cases((COALESCE(category, '')), id);"),
            "CREATE INDEX s ON cases((COALESCE(category, '')), id);"
        );
        assert_eq!(
            translate("CREATE INDEX c ON cases((COALESCE(due_on, 'x')));"),
            "CREATE INDEX c ON cases((COALESCE(due_on, 'x'))) INCLUDE (id);"
        );
        let config =
            postgres::Config::from_str("postgres://ops:s3cret@db.example:6543/xf").expect("url");
        assert_eq!(redacted(&config), "postgres://ops@db.example:6543/xf");
        assert!(is_url("postgresql://x@y/z") && !is_url("/tmp/x.db"));
        let err = connect("postgres://ops:s3cret@db.example:6543/xf?sslmode=verify-full")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("sslrootcert") && !err.contains("s3cret"),
            "{err}"
        );
    }
}
