//! Identity and access, on SQLite and on a real PostgreSQL server: the store itself refuses a
//! viewer, an out-of-scope operator, an operator's supervisor-only step and a non-admin's user
//! change or recompute, and nothing is written; the command line acts as the OS login (never
//! `$USER`) or the PostgreSQL role, and `--user` works only for an admin or on a demo; a direct SQL
//! edit of a role or a deadline is reported by `db check` and `audit verify`; a database on
//! read-only media is listed, searched, checked and verified.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::pg::{Schema, server};
use common::{demo_db, intake_in, login, now, stderr, stdout, xinfang};
use std::path::Path;
use std::process::Command;
use xinfang::domain::access::Refusal;
use xinfang::domain::{Role, Rules, Step};
use xinfang::store::copy::copy;
use xinfang::store::{OpenMode, Store, StoreError, UserChange};

/// Events on the audit chain (read from the database, not from a change notification).
fn events(store: &dyn Store) -> u64 {
    store.audit().expect("audit").events
}

fn refused(result: Result<impl std::fmt::Debug, StoreError>, reason: &Refusal) {
    match result {
        Err(StoreError::Refused { reason: r, .. }) => assert_eq!(&r, reason),
        other => panic!("expected a refusal ({reason}), got {other:?}"),
    }
}

/// The demo users: zhou.min a viewer of the province, li.na an operator of 6401 (Yinchuan),
/// wang.qiang an operator of 6402, zhao.lei a supervisor, admin the admin.
fn store_refuses_what_access_forbids(store: &dyn Store) {
    let head = events(store);
    let case = store
        .register(&intake_in("640104"), "li.na", now())
        .expect("li.na registers in her region");
    let head = {
        let after = events(store);
        assert_eq!(after, head + 1);
        after
    };
    let note = Step::Note { text: "x".into() };
    refused(
        store.apply(case.id, case.version, &note, "zhou.min", now()),
        &Refusal::Viewer,
    );
    refused(
        store.register(&intake_in("640104"), "zhou.min", now()),
        &Refusal::Viewer,
    );
    refused(
        store.apply(case.id, case.version, &note, "wang.qiang", now()),
        &Refusal::OutOfScope("wang.qiang".into()),
    );
    refused(
        store.register(&intake_in("640104"), "wang.qiang", now()),
        &Refusal::OutOfScope("wang.qiang".into()),
    );
    refused(
        store.apply(
            case.id,
            case.version,
            &Step::Supervise { on: true },
            "li.na",
            now(),
        ),
        &Refusal::NeedsSupervisor,
    );
    refused(
        store.apply(case.id, case.version, &note, "mallory", now()),
        &Refusal::NotAUser("mallory".into()),
    );
    let noted = store
        .apply(case.id, case.version, &note, "li.na", now())
        .expect("li.na notes her case");
    refused(
        store.undo_last(case.id, "zhou.min", now()),
        &Refusal::Viewer,
    );
    let head = {
        let after = events(store);
        assert_eq!(after, head + 1, "only the allowed note was written");
        after
    };
    let promote = UserChange::SetRole {
        name: "zhou.min".into(),
        role: Role::Admin,
    };
    refused(
        store.change_user(&promote, "zhao.lei", now()),
        &Refusal::NeedsAdmin,
    );
    refused(store.recompute("zhao.lei", now()), &Refusal::NeedsAdmin);
    refused(store.recompute("zhou.min", now()), &Refusal::NeedsAdmin);
    assert_eq!(events(store), head, "nothing written");
    let viewer = store
        .users()
        .expect("users")
        .into_iter()
        .find(|u| u.name == "zhou.min")
        .expect("zhou.min");
    assert_eq!(viewer.role, Role::Viewer);
    assert_eq!(
        store
            .case(case.id)
            .expect("read")
            .expect("case")
            .case
            .version,
        noted.version
    );
    store
        .change_user(&promote, "admin", now())
        .expect("an admin may");
    store.recompute("admin", now()).expect("an admin may");
    // Undoing a correction takes it back, and the row still replays from its events.
    let current = store.case(case.id).expect("read").expect("case").case;
    let edit = Step::Edit {
        field: xinfang::domain::IntakeField::Title,
        from: current.intake.title.clone(),
        to: "更正后的标题".into(),
    };
    let edited = store
        .apply(case.id, current.version, &edit, "li.na", now())
        .expect("edit");
    assert_eq!(edited.intake.title, "更正后的标题");
    let undone = store.undo_last(case.id, "li.na", now()).expect("undo");
    assert_eq!(undone.intake.title, current.intake.title);
    assert_eq!(
        store
            .case(case.id)
            .expect("read")
            .expect("case")
            .case
            .intake
            .title,
        current.intake.title
    );
}

#[test]
fn the_sqlite_store_refuses_what_access_forbids() {
    let (_dir, db) = demo_db(200, 31);
    let store = xinfang::store::open(db.to_str().unwrap(), Rules::default(), OpenMode::ReadWrite)
        .expect("open");
    store_refuses_what_access_forbids(store.as_ref());
    assert!(store.audit().expect("audit").rows.is_empty());
}

#[test]
fn the_postgresql_store_refuses_what_access_forbids() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "access");
    let (_dir, db) = demo_db(200, 31);
    copy(db.to_str().unwrap(), &schema.url(), &Rules::default()).expect("copy");
    let store =
        xinfang::store::open(&schema.url(), Rules::default(), OpenMode::ReadWrite).expect("open");
    store_refuses_what_access_forbids(store.as_ref());
    assert!(store.audit().expect("audit").rows.is_empty());
}

/// Runs xinfang with extra environment variables.
fn xinfang_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let empty_config = std::env::temp_dir().join("xinfang-tests-no-config");
    let mut command = Command::new(env!("CARGO_BIN_EXE_xinfang"));
    command
        .args(["--today", "2026-11-24"])
        .args(args)
        .env_remove("XINFANG_DB")
        .env_remove("XINFANG_CONFIG")
        .env("XDG_CONFIG_HOME", &empty_config);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run xinfang")
}

fn fails_with(output: &std::process::Output, phrase: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "should fail: {}", stdout(output));
    assert!(err.contains(phrase), "expected `{phrase}` in {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
}

/// A database (not a demo) whose admin is `alice`, with the OS login of this process a viewer.
fn database_where_the_login_is_a_viewer(dir: &Path) -> String {
    let db = dir.join("bureau.db");
    let d = db.to_str().unwrap().to_string();
    let me = login();
    assert!(xinfang(&["--db", &d, "db", "migrate"]).status.success());
    for args in [
        vec!["user", "add", &me, "--role", "admin"],
        vec!["user", "add", "alice", "--role", "admin"],
        vec!["--user", "alice", "user", "set-role", &me, "viewer"],
    ] {
        let mut all = vec!["--db", &d];
        all.extend(args);
        let out = xinfang(&all);
        assert!(out.status.success(), "{all:?}: {}", stderr(&out));
    }
    d
}

#[test]
fn a_login_that_is_no_admin_cannot_become_anyone_else() {
    let dir = tempfile::tempdir().expect("dir");
    let d = database_where_the_login_is_a_viewer(dir.path());
    let me = login();
    // --user is refused before anything is read or written.
    fails_with(
        &xinfang(&[
            "--db", &d, "--user", "alice", "user", "set-role", &me, "admin",
        ]),
        &format!("--user alice: you are `{me}`"),
    );
    fails_with(
        &xinfang(&["--db", &d, "--user", "alice", "cases"]),
        "only an admin",
    );
    fails_with(
        &xinfang(&["--db", &d, "--user", "alice", "db", "recompute"]),
        "only an admin",
    );
    // $USER and $LOGNAME are not who you are.
    fails_with(
        &xinfang_env(
            &["--db", &d, "user", "set-role", &me, "admin"],
            &[("USER", "alice"), ("LOGNAME", "alice")],
        ),
        &format!("{me} may not change user `{me}`: only an admin may do this"),
    );
    fails_with(
        &xinfang_env(&["--db", &d, "db", "recompute"], &[("USER", "alice")]),
        &format!("{me} may not recompute every deadline"),
    );
    let list = stdout(&xinfang(&["--db", &d, "user", "list"]));
    assert!(list.contains(&format!("{me}\tviewer\t64")), "{list}");
    // The first user of an empty database must be the one adding it, as an admin.
    let fresh = dir.path().join("fresh.db");
    let f = fresh.to_str().unwrap();
    assert!(xinfang(&["--db", f, "db", "migrate"]).status.success());
    fails_with(
        &xinfang(&["--db", f, "user", "add", "mallory", "--role", "admin"]),
        "must be its admin and yourself",
    );
    fails_with(
        &xinfang(&["--db", f, "user", "add", &me, "--role", "viewer"]),
        "must be its admin and yourself",
    );
    assert!(
        xinfang(&["--db", f, "user", "add", &me, "--role", "admin"])
            .status
            .success()
    );
    // A user name shows what it is: no invisible or direction-changing characters.
    for bad in ["adm\u{202E}nim", "ad\u{200B}min", "a\u{1b}[2Jb", "li na"] {
        fails_with(
            &xinfang(&["--db", f, "user", "add", bad, "--role", "viewer"]),
            "a user name is one word without spaces, control, invisible or direction-changing characters",
        );
    }
    // An admin may act as someone else.
    let as_bob = xinfang(&["--db", f, "user", "add", "bob", "--role", "operator"]);
    assert!(as_bob.status.success(), "{}", stderr(&as_bob));
    let recompute = xinfang(&["--db", f, "--user", "bob", "db", "recompute"]);
    fails_with(&recompute, "bob may not recompute every deadline");
}

#[test]
fn a_viewer_can_change_nothing_through_any_command() {
    let (dir, db) = demo_db(200, 32);
    let d = db.to_str().unwrap();
    let before = common::fingerprint(&db);
    fails_with(
        &xinfang(&["--db", d, "--user", "zhou.min", "db", "recompute"]),
        "zhou.min may not recompute every deadline",
    );
    fails_with(
        &xinfang(&[
            "--db", d, "--user", "zhou.min", "user", "set-role", "zhou.min", "admin",
        ]),
        "zhou.min may not change user `zhou.min`",
    );
    fails_with(
        &xinfang(&[
            "--db", d, "--user", "zhou.min", "user", "add", "eve", "--role", "admin",
        ]),
        "zhou.min may not change user `eve`",
    );
    assert_eq!(common::fingerprint(&db), before, "nothing was written");
    drop(dir);
}

#[test]
fn a_listing_never_leaves_the_users_region() {
    let (_dir, db) = demo_db(400, 33);
    let d = db.to_str().unwrap();
    let listed = |user: &str, region: &str| -> Vec<String> {
        let out = xinfang(&[
            "--db", d, "--user", user, "cases", "--queue", "all", "--region", region, "--format",
            "json",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).expect("json");
        rows.iter()
            .map(|r| r["county"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let yinchuan: Vec<String> = listed("zhao.lei", "6401");
    assert!(!yinchuan.is_empty());
    // li.na works in 6401: asking for the province lists exactly her region, as her console does.
    assert_eq!(listed("li.na", "64"), yinchuan);
    fails_with(
        &xinfang(&["--db", d, "--user", "li.na", "cases", "--region", "6402"]),
        "--region 6402: outside the region of `li.na` (6401)",
    );
}

fn tamper_and_check(location: &str, edit: &dyn Fn(&str)) {
    let ok = xinfang(&["--db", location, "db", "check"]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    edit("UPDATE users SET role = 'admin' WHERE name = 'zhou.min'");
    edit(
        "UPDATE cases SET due_on = '2099-01-01' WHERE id = (SELECT min(id) FROM cases WHERE due_on IS NOT NULL)",
    );
    // A registration field, here the one that decides Art 30 confidentiality.
    edit("UPDATE cases SET category = 'other' WHERE id = (SELECT max(id) FROM cases)");
    for command in [&["db", "check"][..], &["audit", "verify"][..]] {
        let mut args = vec!["--db", location];
        args.extend(command);
        let out = xinfang(&args);
        assert_eq!(out.status.code(), Some(1), "{command:?}: {}", stdout(&out));
        let text = stdout(&out);
        assert!(
            text.contains("user `zhou.min`: role is admin but their events give viewer"),
            "{command:?}: {text}"
        );
        assert!(
            text.contains("`due_on` is `2099-01-01` but its events give `"),
            "{command:?}: {text}"
        );
        assert!(
            text.contains("its registration fields (title, summary, petitioner, channel, category"),
            "{command:?}: {text}"
        );
    }
}

#[test]
fn a_direct_sql_edit_of_a_role_or_a_deadline_is_reported_on_sqlite() {
    let (_dir, db) = demo_db(300, 34);
    let conn = rusqlite::Connection::open(&db).expect("open");
    tamper_and_check(db.to_str().unwrap(), &|sql| {
        conn.execute(sql, []).expect("edit");
    });
}

#[test]
fn a_direct_sql_edit_of_a_role_or_a_deadline_is_reported_on_postgresql() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "tamper");
    let (_dir, db) = demo_db(300, 34);
    copy(db.to_str().unwrap(), &schema.url(), &Rules::default()).expect("copy");
    let client = std::cell::RefCell::new(schema.client());
    // PostgreSQL stores dates as text in the same format, so the same edits apply.
    tamper_and_check(&schema.url(), &|sql| {
        client.borrow_mut().batch_execute(sql).expect("edit");
    });
}

#[test]
fn on_postgresql_a_database_role_that_is_a_user_is_who_you_are() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "roles");
    let (_dir, db) = demo_db(100, 35);
    copy(db.to_str().unwrap(), &schema.url(), &Rules::default()).expect("copy");
    let role = format!("xf_clerk_{}", std::process::id());
    let mut admin = schema.client();
    admin
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN; \
             GRANT USAGE ON SCHEMA {s} TO {role}; \
             GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {s} TO {role}; \
             DELETE FROM meta WHERE key LIKE 'demo_%';",
            s = schema.name
        ))
        .expect("role");
    let store =
        xinfang::store::open(&schema.url(), Rules::default(), OpenMode::ReadWrite).expect("open");
    let add = UserChange::Add {
        name: role.clone(),
        role: Role::Operator,
        scope: "6401".into(),
    };
    store.change_user(&add, "admin", now()).expect("add");
    // The same database, connected as that role.
    let as_role = schema.url().replacen("postgres@", &format!("{role}@"), 1);
    assert_ne!(
        as_role,
        schema.url(),
        "the test URL names the postgres role"
    );
    fails_with(
        &xinfang(&["--db", &as_role, "--user", "admin", "cases"]),
        &format!("--user admin: you are `{role}`"),
    );
    fails_with(
        &xinfang(&["--db", &as_role, "db", "recompute"]),
        &format!("{role} may not recompute every deadline"),
    );
    let listed = xinfang(&["--db", &as_role, "cases", "--region", "64", "--limit", "5"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    drop(store);
    drop(schema);
    if let Ok(mut client) = postgres::Client::connect(&base, postgres::NoTls) {
        let _ = client.batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
    }
}

/// A read-only copy of `dir`: a read-only bind mount (as root, where permissions do not bind) or a
/// directory without write permission. `None` when neither can be made here.
fn read_only(dir: &Path) -> Option<ReadOnly> {
    let mount = dir.with_extension("ro");
    std::fs::create_dir_all(&mount).ok()?;
    if nix::unistd::getuid().is_root() {
        let run = |args: &[&str]| {
            Command::new("mount")
                .args(args)
                .status()
                .is_ok_and(|s| s.success())
        };
        let (from, to) = (dir.to_str()?, mount.to_str()?);
        if run(&["--bind", from, to]) {
            if run(&["-o", "remount,ro,bind", to]) {
                return Some(ReadOnly {
                    path: mount,
                    mounted: true,
                });
            }
            run(&["-l", to]);
        }
        None
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::remove_dir(&mount).ok()?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).ok()?;
        Some(ReadOnly {
            path: dir.to_path_buf(),
            mounted: false,
        })
    }
}

struct ReadOnly {
    path: std::path::PathBuf,
    mounted: bool,
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount")
                .arg(self.path.to_str().unwrap_or_default())
                .status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn a_database_on_read_only_media_is_listed_searched_checked_and_verified() {
    let (dir, db) = demo_db(300, 36);
    let Some(ro) = read_only(dir.path()) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("a read-only mount or directory is required when CI=true");
        }
        eprintln!("skipped: cannot make a read-only mount or directory here");
        return;
    };
    let file = ro.path.join(db.file_name().unwrap());
    let f = file.to_str().unwrap();
    assert!(
        std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .is_err(),
        "the copy is really read-only"
    );
    let verify = xinfang(&["--db", f, "audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(stdout(&verify).starts_with("ok: "), "{}", stdout(&verify));
    let check = xinfang(&["--db", f, "db", "check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let cases = xinfang(&["--db", f, "--user", "zhao.lei", "cases", "--limit", "3"]);
    assert!(cases.status.success(), "{}", stderr(&cases));
    assert_eq!(stdout(&cases).lines().count(), 4);
    let search = xinfang(&["--db", f, "--user", "zhao.lei", "search", "工资"]);
    assert!(search.status.success(), "{}", stderr(&search));
    // Writing is refused with a clear message, not a hang or a panic.
    let recompute = xinfang(&["--db", f, "--user", "admin", "db", "recompute"]);
    assert!(!recompute.status.success());
    assert!(
        !stderr(&recompute).contains("panicked"),
        "{}",
        stderr(&recompute)
    );
    drop(ro);
}

#[test]
fn a_fifo_or_a_device_as_the_database_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("db.fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).expect("mkfifo");
    for path in [fifo.to_str().unwrap(), "/dev/zero"] {
        for command in [
            &["cases"][..],
            &["audit", "verify"][..],
            &["db", "check"][..],
        ] {
            let mut args = vec!["--db", path];
            args.extend(command);
            fails_with(&xinfang(&args), "is not a regular file");
        }
    }
    // Commands that create or replace a database: only on the FIFO, never on a real device.
    let f = fifo.to_str().unwrap();
    for command in [
        &["db", "migrate"][..],
        &["demo", "--cases", "10", "--no-open"][..],
    ] {
        let mut args = vec!["--db", f];
        args.extend(command);
        fails_with(&xinfang(&args), "is not a regular file");
    }
    let meta = std::fs::metadata(&fifo).expect("still there");
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()),
        "the FIFO was not replaced"
    );
}

#[test]
fn a_read_only_postgresql_database_is_listed_searched_checked_and_verified() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "readonly");
    let (_dir, db) = demo_db(300, 37);
    copy(db.to_str().unwrap(), &schema.url(), &Rules::default()).expect("copy");
    // Every transaction of these sessions is read-only, as on a standby server.
    let url = format!("{}%20-cdefault_transaction_read_only%3Don", schema.url());
    let verify = xinfang(&["--db", &url, "audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(stdout(&verify).starts_with("ok: "), "{}", stdout(&verify));
    let check = xinfang(&["--db", &url, "db", "check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let cases = xinfang(&["--db", &url, "--user", "zhao.lei", "cases", "--limit", "3"]);
    assert!(cases.status.success(), "{}", stderr(&cases));
    assert_eq!(stdout(&cases).lines().count(), 4);
    let search = xinfang(&["--db", &url, "--user", "zhao.lei", "search", "工资"]);
    assert!(search.status.success(), "{}", stderr(&search));
    let recompute = xinfang(&["--db", &url, "--user", "admin", "db", "recompute"]);
    assert!(
        !recompute.status.success(),
        "a read-only server refuses writes"
    );
    assert!(
        !stderr(&recompute).contains("panicked"),
        "{}",
        stderr(&recompute)
    );
}

#[test]
fn read_only_media_with_changes_still_in_the_log_is_refused_not_shown_stale() {
    let (_dir, db) = demo_db(100, 38);
    let copy_dir = tempfile::tempdir().expect("dir");
    // A connection that never checkpoints leaves the change in the write-ahead log.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "PRAGMA wal_autocheckpoint = 0; INSERT INTO meta (key, value) VALUES ('note', 'x');",
    )
    .expect("write");
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::copy(&db, copy_dir.path().join("demo.db")).expect("copy");
    std::fs::copy(&wal, copy_dir.path().join("demo.db-wal")).expect("copy log");
    drop(conn);
    let Some(ro) = read_only(copy_dir.path()) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("a read-only mount or directory is required when CI=true");
        }
        eprintln!("skipped: cannot make a read-only mount or directory here");
        return;
    };
    let file = ro.path.join("demo.db");
    fails_with(
        &xinfang(&["--db", file.to_str().unwrap(), "audit", "verify"]),
        "holds changes not yet in it, which cannot be read there",
    );
    fails_with(
        &xinfang(&[
            "--db",
            file.to_str().unwrap(),
            "--user",
            "admin",
            "db",
            "recompute",
        ]),
        "it is on read-only media",
    );
}

#[test]
fn rows_checked_under_other_rules_are_not_reported_as_tampered() {
    let (dir, db) = demo_db(400, 39);
    let d = db.to_str().unwrap();
    let config = dir.path().join("slow-letters.toml");
    std::fs::write(
        &config,
        "[rules]\nletter_delivery_days = 6\nobjection_restarts_dispose = true\nroll_over = true\n",
    )
    .expect("config");
    let c = config.to_str().unwrap();
    for args in [
        vec!["--db", d, "--config", c, "db", "check"],
        vec![
            "--db",
            d,
            "--config",
            c,
            "--user",
            "admin",
            "db",
            "recompute",
        ],
        vec!["--db", d, "db", "check"],
        vec!["--db", d, "--config", c, "audit", "verify"],
    ] {
        let out = xinfang(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

#[test]
fn the_last_admin_cannot_stop_being_one() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    let d = db.to_str().unwrap();
    let me = login();
    assert!(xinfang(&["--db", d, "db", "migrate"]).status.success());
    assert!(
        xinfang(&["--db", d, "user", "add", &me, "--role", "admin"])
            .status
            .success()
    );
    fails_with(
        &xinfang(&["--db", d, "user", "set-role", &me, "supervisor"]),
        "is the last admin",
    );
}
