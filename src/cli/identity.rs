//! Who is running a command.
//!
//! The identity is proven, never typed: the OS login of the process's real user id (the
//! `USER` and `LOGNAME` variables are ignored), or on PostgreSQL the session's database role when
//! a xinfang user has that name. `--user NAME` acts as someone else only for an admin of the
//! database (whoever generates a demo database is one of its admins); anyone else is refused
//! before anything is read.

use anyhow::{Result, bail};
use xinfang::domain::Role;
use xinfang::store::Store;
use xinfang::text::sanitise;

/// Who acts: the authenticated identity, or `asked` when that identity may act as someone else.
pub fn resolve(store: &dyn Store, asked: Option<&str>) -> Result<String> {
    let users = store.users()?;
    let login = match store.database_user()? {
        Some(role) if users.iter().any(|u| u.name == role) => role,
        _ => xinfang::login::os_login(),
    };
    let Some(asked) = asked.filter(|a| *a != login) else {
        return Ok(login);
    };
    let admin = users
        .iter()
        .any(|u| u.name == login && u.role == Role::Admin);
    if admin {
        return Ok(asked.to_string());
    }
    bail!(
        "--user {}: you are `{}`, and only an admin of {} may act as someone else; run without --user",
        sanitise(asked),
        sanitise(&login),
        store.location()
    )
}
