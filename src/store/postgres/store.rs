//! The Store API on PostgreSQL: the shared SQL (`store::sql`) run on pooled connections.
//!
//! Reads run in a read-only `REPEATABLE READ` transaction, so a board's numbers are from one
//! moment. Writes run in a `READ COMMITTED` transaction that first takes one advisory lock: the
//! audit chain has a single head, so writers append one after another (as SQLite's single writer
//! does), and a writer that waited reads the case afresh, so a stale version is a conflict, never
//! a lost update. A connection lost mid-write rolls the whole transaction back on the server.

use super::db::{PgDb, Statements};
use super::listen::{self, Watch};
use crate::domain::Rules;
use crate::store::sql::{self, Backend, Db};
use crate::store::{CheckReport, OpenMode, StoreError};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

/// Connections kept at most: consoles read and write from a few threads each.
const POOL_SIZE: u32 = 8;
/// How long a read or write waits for a connection before reporting the server unreachable.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(4);
/// The advisory lock every writer holds until it commits (any fixed number; "xf").
const WRITE_LOCK: i64 = 0x7866;

/// A pooled connection with its prepared statements.
pub struct PgConn {
    client: postgres::Client,
    statements: Statements,
}

/// Opens connections for the pool (the URL, with its password, stays in here).
struct Manager {
    url: String,
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = StoreError;

    fn connect(&self) -> Result<PgConn, StoreError> {
        let mut conn = super::connect(&self.url)?;
        // Statements are prepared once, but planned for each execution's values: a generic plan
        // cannot know how many cases a date range or a region holds, and picks scans that are
        // ten times slower on a province's data. Compiling a plan to machine code (JIT) costs
        // more than these queries take.
        conn.client
            .batch_execute("SET plan_cache_mode = force_custom_plan; SET jit = off")
            .map_err(|e| super::error(&conn.location, &e))?;
        Ok(PgConn {
            client: conn.client,
            statements: Statements::new(),
        })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), StoreError> {
        conn.client
            .is_valid(Duration::from_secs(2))
            .map_err(|e| super::error("", &e))
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed()
    }
}

/// A xinfang database on a PostgreSQL server.
pub struct PgStore {
    pool: r2d2::Pool<Manager>,
    location: String,
    rules: Rules,
    read_only: bool,
    watch: Arc<Watch>,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        self.watch.stop();
    }
}

impl PgStore {
    /// Connects to `url`, checks the schema (creating it with `OpenMode::Create` when the
    /// database holds none, upgrading an older one unless read-only) and starts listening.
    pub fn open(url: &str, rules: Rules, mode: OpenMode) -> Result<PgStore, StoreError> {
        // Not reachable at all: nothing to reconnect to yet, so say so plainly.
        let mut first = super::connect(url).map_err(|e| match e {
            StoreError::Unreachable { path, detail } => StoreError::Io {
                path,
                detail: format!("cannot connect ({detail})"),
            },
            other => other,
        })?;
        let location = first.location.clone();
        prepare_schema(&mut first.client, &location, mode)?;
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .test_on_check_out(true)
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(Manager {
                url: url.to_string(),
            });
        let watch = listen::spawn(url.to_string());
        // The first head comes from the listening connection: wait briefly for it.
        let until = std::time::Instant::now() + Duration::from_secs(3);
        while !watch.is_live() && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        let store = PgStore {
            pool,
            location,
            rules,
            read_only: mode == OpenMode::ReadOnly,
            watch,
        };
        if mode != OpenMode::ReadOnly {
            crate::store::sql::recompute::after_upgrade(&store)?;
        }
        Ok(store)
    }

    fn checkout(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        self.pool.get().map_err(|e| StoreError::Unreachable {
            path: self.location.clone(),
            // The pool's own text nests every attempt's error; the watch says it in a line.
            detail: self.watch.head().err().unwrap_or_else(|| {
                format!("no connection within {} s: {e}", CHECKOUT_TIMEOUT.as_secs())
            }),
        })
    }
}

impl PgStore {
    /// `f` in one transaction on a pooled connection: a read-only repeatable-read snapshot, or a
    /// write holding the writers' lock. Committed if `f` succeeds; rolled back otherwise.
    fn transaction<R>(
        &self,
        writing: bool,
        f: impl FnOnce(&dyn Db) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self.checkout()?;
        let PgConn { client, statements } = &mut *conn;
        let fail = |e: postgres::Error| super::error(&self.location, &e);
        let tx = if writing {
            let mut tx = client.transaction().map_err(fail)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
                .map_err(fail)?;
            tx
        } else {
            client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(fail)?
        };
        let db = PgDb {
            tx: RefCell::new(tx),
            statements: RefCell::new(statements),
            location: &self.location,
            rules: &self.rules,
        };
        let result = f(&db)?;
        db.tx.into_inner().commit().map_err(fail)?;
        Ok(result)
    }
}

/// Checks the schema version; creates or upgrades the schema where `mode` allows.
fn prepare_schema(
    client: &mut postgres::Client,
    location: &str,
    mode: OpenMode,
) -> Result<(), StoreError> {
    let fail = |e: postgres::Error| super::error(location, &e);
    let mut tx = client.transaction().map_err(fail)?;
    if mode != OpenMode::ReadOnly {
        // Two processes opening an old or empty database at once must not both migrate it.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .map_err(fail)?;
    }
    let found = super::version(&mut tx).map_err(fail)?;
    let known = super::current_version();
    match (found, mode) {
        (Some(v), _) if v > known => Err(StoreError::TooNew {
            path: location.to_string(),
            found: v,
            known,
        }),
        (Some(v), _) if v == known => Ok(()),
        (None, OpenMode::Create) => {
            super::migrate(&mut tx, 0).map_err(fail)?;
            tx.commit().map_err(fail)
        }
        (None, _) => Err(StoreError::NotXinfang {
            path: location.to_string(),
        }),
        (Some(_), OpenMode::ReadOnly) => Err(StoreError::ReadOnly {
            path: location.to_string(),
            detail: "its schema needs upgrading; open it once without read-only mode".into(),
        }),
        (Some(v), _) => {
            super::migrate(&mut tx, v).map_err(fail)?;
            tx.commit().map_err(fail)
        }
    }
}

impl Backend for PgStore {
    /// Runs `f` with the shared SQL in a read-only snapshot.
    fn read<R>(&self, f: impl FnOnce(&dyn Db) -> Result<R, StoreError>) -> Result<R, StoreError> {
        self.transaction(false, f)
    }

    /// Runs `f` with the shared SQL in one write transaction holding the writers' lock; commits
    /// if `f` succeeds, rolls back otherwise.
    fn write<R>(&self, f: impl FnOnce(&dyn Db) -> Result<R, StoreError>) -> Result<R, StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                path: self.location.clone(),
                detail: "opened read-only".into(),
            });
        }
        self.transaction(true, f)
    }

    fn snapshot<R>(
        &self,
        f: impl FnOnce(&dyn Db) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        // Every read is already one repeatable-read transaction.
        self.read(f)
    }

    fn place(&self) -> String {
        self.location.clone()
    }

    fn check_all(&self) -> Result<CheckReport, StoreError> {
        self.read(|db| {
            // The database opened, so `xinfang_schema` exists.
            let schema_version: i64 = db.one(
                "SELECT coalesce(max(version), 0) FROM xinfang_schema",
                &[],
                |r| r.get(0),
            )?;
            let schema_version = u32::try_from(schema_version).unwrap_or(0);
            let mut problems = Vec::new();
            if schema_version != super::current_version() {
                problems.push(format!(
                    "schema version {schema_version}, expected {}",
                    super::current_version()
                ));
            }
            let (events, cases) = sql::verify::shared_checks(db, &mut problems)?;
            Ok(CheckReport {
                schema_version,
                cases,
                events,
                problems,
            })
        })
    }

    fn session_user(&self) -> Result<Option<String>, StoreError> {
        self.read(|db| db.first("SELECT session_user::text", &[], |r| r.get(0)))
    }

    /// From the listening connection: no query, and an error while it is reconnecting.
    fn newest(&self) -> Result<i64, StoreError> {
        self.watch.head().map_err(|detail| StoreError::Unreachable {
            path: self.location.clone(),
            detail,
        })
    }
}
