//! The SQLite backend: one file in WAL mode shared by several consoles on one host.
//!
//! Opening checks the file header before SQLite sees the file, so a random, truncated, foreign or
//! newer file is refused without a single byte written. Reads use a small pool of connections;
//! writes go through one writer connection in `BEGIN IMMEDIATE` transactions. The queries
//! themselves are the shared ones in `store::sql`.

mod bulk;
mod check;
pub mod schema;

pub use crate::store::sql::rows::timestamp as timestamp_text;
pub use bulk::{
    BulkLoader, EncodedCase, EncodedEvent, References, encode_case, encode_user, load, lock_target,
    remove_if_present, side_path,
};

use crate::domain::Rules;
use crate::store::sql::{Backend, Db, Dialect, Row, RowResult};
use crate::store::{CheckReport, OpenMode, StoreError};
use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior, params_from_iter};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How long a statement waits for another writer before reporting the database as locked.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Idle read connections kept open.
const POOL_SIZE: usize = 4;

/// A xinfang database in one SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    rules: Rules,
    read_only: bool,
    /// Opened as an immutable file (read-only media, where SQLite cannot create its shared-memory
    /// file): no locking, and a write-ahead log beside it is not read.
    immutable: bool,
    readers: Mutex<Vec<Connection>>,
    writer: Mutex<Option<Connection>>,
}

impl SqliteStore {
    /// Opens (or, with `OpenMode::Create`, creates) the database at `path`.
    pub fn open(path: &Path, rules: Rules, mode: OpenMode) -> Result<SqliteStore, StoreError> {
        let exists = path.exists();
        refuse_special(path)?;
        if !exists && mode != OpenMode::Create {
            return Err(StoreError::Missing {
                path: path.display().to_string(),
            });
        }
        let header = if exists {
            schema::check_header(path)?
        } else {
            None
        };
        if header.is_none() && mode != OpenMode::Create {
            // An empty file: nothing to read, and not ours to initialise without being asked.
            return Err(StoreError::NotXinfang {
                path: path.display().to_string(),
            });
        }
        let mut store = SqliteStore {
            path: path.to_path_buf(),
            rules,
            read_only: mode == OpenMode::ReadOnly,
            immutable: false,
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(None),
        };
        // The header may lag behind a write-ahead log; ask SQLite too, still without writing.
        let probe = |conn: &Connection| -> rusqlite::Result<schema::Header> {
            Ok(schema::Header {
                application_id: pragma_u32(conn, "application_id")?,
                user_version: pragma_u32(conn, "user_version")?,
            })
        };
        let first = store
            .connect(mode != OpenMode::ReadOnly)
            .and_then(|conn| probe(&conn).map(|h| (conn, h)).map_err(|e| store.error(e)));
        let (mut conn, found) = match first {
            Ok(opened) => opened,
            // On read-only media SQLite cannot create the WAL's shared-memory file: read the
            // file as immutable instead (nothing can be writing to it there).
            Err(StoreError::Io { .. } | StoreError::ReadOnly { .. })
                if mode != OpenMode::ReadOnly && read_only_media(path) =>
            {
                return Err(StoreError::ReadOnly {
                    path: path.display().to_string(),
                    detail: "it is on read-only media (a read-only mount or directory); copy it to writable storage to change it".into(),
                });
            }
            Err(StoreError::Io { .. } | StoreError::ReadOnly { .. })
                if mode == OpenMode::ReadOnly && read_only_media(path) =>
            {
                // Immutable means the write-ahead log is not read: refuse rather than show a
                // database without its latest changes.
                let wal = side_path(path, "-wal");
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                    return Err(StoreError::ReadOnly {
                        path: path.display().to_string(),
                        detail: format!(
                            "it is on read-only media and {} holds changes not yet in it, which cannot be read there; copy both files to writable storage",
                            wal.display()
                        ),
                    });
                }
                store.immutable = true;
                let conn = store.connect(false)?;
                let found = probe(&conn).map_err(|e| store.error(e))?;
                (conn, found)
            }
            Err(e) => return Err(e),
        };
        if header.is_some() {
            schema::check_identity(path, found)?;
        }
        if mode != OpenMode::ReadOnly {
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| store.error(e))?;
            if found.user_version < schema::current_version() {
                schema::migrate(&mut conn, found.user_version).map_err(|e| store.error(e))?;
            }
        } else if found.user_version < schema::current_version() {
            return Err(StoreError::ReadOnly {
                path: path.display().to_string(),
                detail: "its schema needs upgrading; open it once without read-only mode".into(),
            });
        }
        store.give_back(conn);
        if mode != OpenMode::ReadOnly {
            crate::store::sql::recompute::after_upgrade(&store)?;
        }
        Ok(store)
    }

    /// The rules deadlines are computed with.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    fn connect(&self, write: bool) -> Result<Connection, StoreError> {
        let mut flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        flags |= if write {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        };
        let conn = if self.immutable {
            Connection::open_with_flags(immutable_uri(&self.path), flags)
        } else {
            Connection::open_with_flags(&self.path, flags)
        }
        .map_err(|e| self.error(e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| self.error(e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| self.error(e))?;
        if write {
            conn.pragma_update(None, "synchronous", "FULL")
                .map_err(|e| self.error(e))?;
        }
        Ok(conn)
    }

    /// Runs `f` on a pooled read connection.
    fn read_conn<R>(
        &self,
        f: impl FnOnce(&Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let conn = match self.lock_readers().pop() {
            Some(conn) => conn,
            None => self.connect(false)?,
        };
        let result = f(&conn);
        self.give_back(conn);
        result
    }

    fn lite<'c>(&'c self, conn: &'c Connection) -> Lite<'c> {
        Lite {
            conn,
            path: &self.path,
            rules: &self.rules,
        }
    }

    /// Runs `f` on the writer connection.
    fn writer_conn<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                path: self.path.display().to_string(),
                detail: "opened read-only".into(),
            });
        }
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(self.connect(true)?);
        }
        match guard.as_mut() {
            Some(conn) => f(conn),
            None => Err(self.backend("no writer connection")),
        }
    }

    fn lock_readers(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.readers.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn give_back(&self, conn: Connection) {
        let mut pool = self.lock_readers();
        if pool.len() < POOL_SIZE {
            pool.push(conn);
        }
    }

    fn error(&self, e: rusqlite::Error) -> StoreError {
        error(&self.path, e)
    }

    fn backend(&self, detail: impl Into<String>) -> StoreError {
        StoreError::Backend {
            path: self.path.display().to_string(),
            detail: detail.into(),
        }
    }
}

/// The shared SQL on one SQLite connection (or transaction).
pub struct Lite<'c> {
    pub conn: &'c Connection,
    pub path: &'c Path,
    pub rules: &'c Rules,
}

impl Db for Lite<'_> {
    fn query(
        &self,
        sql: &str,
        params: &[Value],
        f: &mut dyn FnMut(&Row<'_>) -> RowResult,
    ) -> Result<(), StoreError> {
        let mut run = || -> rusqlite::Result<()> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let mut rows = stmt.query(params_from_iter(params))?;
            while let Some(row) = rows.next()? {
                f(&Row::Lite(row))?;
            }
            Ok(())
        };
        run().map_err(|e| self.error(e))
    }

    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute(params_from_iter(params)))
            .map(|n| n as u64)
            .map_err(|e| self.error(e))
    }

    fn error(&self, e: rusqlite::Error) -> StoreError {
        error(self.path, e)
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn rules(&self) -> &Rules {
        self.rules
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
}

/// Translates a SQLite error into a message for the user.
pub fn error(path: &Path, e: rusqlite::Error) -> StoreError {
    {
        let path = path.display().to_string();
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotSqlite {
                path,
                detail: e.to_string(),
            },
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
                path,
                detail: e.to_string(),
            },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Locked { path }
            }
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly {
                path,
                detail: e.to_string(),
            },
            Some(
                ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::SystemIoFailure,
            ) => StoreError::Io {
                path,
                detail: e.to_string(),
            },
            _ => StoreError::Backend {
                path,
                detail: e.to_string(),
            },
        }
    }
}

/// Refuses a path that exists but is not a regular file: a FIFO or a device would block or
/// stream forever (or be replaced), a directory is a mistake. Before anything opens it.
pub fn refuse_special(path: &Path) -> Result<(), StoreError> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(StoreError::Invalid(format!(
            "{} is not a regular file (a directory, FIFO or device); give the path of a database file",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Whether the database's directory cannot be written here (a read-only mount, a backup), so
/// that SQLite cannot create its shared-memory file. A live database's directory is writable by
/// its writers; a file that is merely not writable by this user is opened normally.
pub fn read_only_media(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    nix::unistd::access(dir, nix::unistd::AccessFlags::W_OK).is_err()
}

/// A `file:` URI opening `path` as immutable, with the characters URIs reserve escaped.
fn immutable_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    // `file://` + an absolute path: a path that itself starts with `//` is not read as a host.
    let mut uri = String::from(if text.starts_with('/') {
        "file://"
    } else {
        "file:"
    });
    for c in text.chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            _ => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

fn pragma_u32(conn: &Connection, name: &str) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, name, |row| row.get::<_, i64>(0))
        .map(|v| v as u32)
}

impl Backend for SqliteStore {
    /// Runs `f` with the shared SQL on a pooled read connection.
    fn read<R>(&self, f: impl FnOnce(&dyn Db) -> Result<R, StoreError>) -> Result<R, StoreError> {
        self.read_conn(|conn| f(&self.lite(conn)))
    }

    /// `read` inside one read transaction, so every query sees the same moment.
    fn snapshot<R>(
        &self,
        f: impl FnOnce(&dyn Db) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.read_conn(|conn| {
            conn.execute_batch("BEGIN").map_err(|e| self.error(e))?;
            let result = f(&self.lite(conn));
            let _ = conn.execute_batch("COMMIT");
            result
        })
    }

    /// Runs `f` with the shared SQL in one `BEGIN IMMEDIATE` transaction, committed if `f`
    /// succeeds and rolled back otherwise.
    fn write<R>(&self, f: impl FnOnce(&dyn Db) -> Result<R, StoreError>) -> Result<R, StoreError> {
        self.writer_conn(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| self.error(e))?;
            let result = f(&self.lite(&tx))?;
            tx.commit().map_err(|e| self.error(e))?;
            Ok(result)
        })
    }

    fn place(&self) -> String {
        self.path.display().to_string()
    }

    fn check_all(&self) -> Result<CheckReport, StoreError> {
        self.read_conn(|conn| check::check(&self.lite(conn), conn))
    }
}
