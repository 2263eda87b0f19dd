//! `db copy` between SQLite and a real PostgreSQL server (`XINFANG_TEST_PG`, default
//! `postgres://postgres@127.0.0.1:5432/test`): a round trip that changes nothing, all-or-nothing
//! failures in both directions, and no password in any message. Without a server these tests say
//! they were skipped — except under `CI=true`, where a missing server is a failure. Each test works
//! in a schema of its own, dropped at the end.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::pg::{Schema, server};
use common::{demo_db, fingerprint, today};
use xinfang::domain::Rules;
use xinfang::store::copy::copy;
use xinfang::store::{Builtin, OpenMode, Scope, Store};

fn every_row(store: &dyn Store) -> String {
    let (filter, sort) = Builtin::All.query(today(), 3, "x");
    let scope = Scope {
        region: "64".into(),
        user: "x".into(),
        today: today(),
    };
    let page = store
        .page(&filter, sort, &scope, None, 100_000)
        .expect("page");
    let mut out = String::new();
    for row in &page.rows {
        let detail = store.case(row.id).expect("case").expect("exists");
        out.push_str(&format!(
            "{row:?}\n{:?}\n{:?}\n",
            detail.case, detail.events
        ));
    }
    out
}

#[test]
fn a_round_trip_through_postgresql_changes_nothing() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "round");
    let (dir, path) = demo_db(1500, 5);
    let report = copy(path.to_str().unwrap(), &schema.url(), &Rules::default()).expect("to pg");
    assert_eq!(
        report.rows.iter().find(|(t, _)| t == "cases").map(|r| r.1),
        Some(1500)
    );
    assert!(report.events_verified > 1500);
    assert!(!report.to.contains("options"), "{}", report.to);
    let back = dir.path().join("back.db");
    let again = copy(&schema.url(), back.to_str().unwrap(), &Rules::default()).expect("back");
    assert_eq!(
        again.rows, report.rows,
        "every table has the same rows both ways"
    );
    let open = |p: &std::path::Path| {
        xinfang::store::open(p.to_str().unwrap(), Rules::default(), OpenMode::ReadOnly)
            .expect("open")
    };
    let (original, copied) = (open(&path), open(&back));
    assert_eq!(every_row(original.as_ref()), every_row(copied.as_ref()));
    assert!(copied.check().expect("check").problems.is_empty());
    assert_eq!(
        copied.audit().expect("audit").events,
        original.audit().expect("audit").events
    );
    // A target that already holds a xinfang database is refused and left as it was.
    let before = schema
        .client()
        .query_one("SELECT count(*) FROM events", &[])
        .unwrap()
        .get::<_, i64>(0);
    let err = copy(path.to_str().unwrap(), &schema.url(), &Rules::default())
        .expect_err("occupied target");
    assert!(err.to_string().contains("already holds"), "{err}");
    let after = schema
        .client()
        .query_one("SELECT count(*) FROM events", &[])
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(before, after);
}

#[test]
fn a_copy_that_fails_halfway_leaves_the_target_as_it_was() {
    let Some(base) = server() else { return };
    // A value PostgreSQL refuses (a NUL character in a summary) in the 40th case: the schema is
    // created and the first tables are filled before the copy fails — and all of it is undone.
    let (_nul_dir, nul_path) = demo_db(100, 8);
    rusqlite::Connection::open(&nul_path)
        .unwrap()
        .execute(
            "UPDATE cases SET summary = 'a' || char(0) || 'b' WHERE id = 40",
            [],
        )
        .unwrap();
    let empty = Schema::new(&base, "nul");
    let err = copy(nul_path.to_str().unwrap(), &empty.url(), &Rules::default())
        .expect_err("PostgreSQL refuses a NUL in text");
    assert!(err.to_string().contains("postgres://"), "{err}");
    assert!(empty.tables().is_empty(), "{:?}", empty.tables());
    let schema = Schema::new(&base, "half");
    // Someone else's table with a name the schema needs (created last by the migration): the
    // tables created before it are undone with the rest.
    schema
        .client()
        .batch_execute("CREATE TABLE kpi_day (note text); INSERT INTO kpi_day VALUES ('theirs');")
        .expect("their table");
    let (dir, path) = demo_db(300, 6);
    let err = copy(path.to_str().unwrap(), &schema.url(), &Rules::default())
        .expect_err("the schema cannot be created");
    assert!(err.to_string().contains("kpi_day"), "{err}");
    assert_eq!(schema.tables(), ["kpi_day"], "nothing of the copy is left");
    let theirs: String = schema
        .client()
        .query_one("SELECT note FROM kpi_day", &[])
        .unwrap()
        .get(0);
    assert_eq!(theirs, "theirs");
    // Into SQLite: an existing file is never overwritten, and a source with no xinfang schema
    // leaves no file behind.
    let before = fingerprint(&path);
    let err =
        copy(&schema.url(), path.to_str().unwrap(), &Rules::default()).expect_err("existing file");
    assert!(err.to_string().contains("exists"), "{err}");
    assert_eq!(fingerprint(&path), before);
    let target = dir.path().join("new.db");
    let err = copy(&schema.url(), target.to_str().unwrap(), &Rules::default())
        .expect_err("not a xinfang database");
    assert!(err.to_string().contains("not a xinfang"), "{err}");
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| !e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial"))
            .count(),
        "no side file left"
    );
}

#[test]
fn a_password_never_appears_in_a_message() {
    // No server needed: nothing listens on port 1.
    let err = copy(
        "/nonexistent.db",
        "postgres://ops:s3cret-pw@127.0.0.1:1/test",
        &Rules::default(),
    )
    .expect_err("no such file");
    assert!(!err.to_string().contains("s3cret"), "{err}");
    let (_dir, path) = demo_db(50, 7);
    let err = copy(
        path.to_str().unwrap(),
        "postgres://ops:s3cret-pw@127.0.0.1:1/test",
        &Rules::default(),
    )
    .expect_err("nothing listens");
    let text = err.to_string();
    assert!(text.contains("postgres://ops@127.0.0.1:1/test"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    let err = copy(
        path.to_str().unwrap(),
        path.to_str().unwrap(),
        &Rules::default(),
    )
    .expect_err("same kind");
    assert!(err.to_string().contains("one of --from and --to"), "{err}");
}

#[test]
fn a_postgresql_database_from_a_newer_xinfang_is_refused() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "newer");
    schema
        .client()
        .batch_execute(
            "CREATE TABLE xinfang_schema (version INTEGER NOT NULL); \
             INSERT INTO xinfang_schema VALUES (99);",
        )
        .expect("a newer schema");
    let dir = tempfile::tempdir().expect("temp");
    let target = dir.path().join("new.db");
    let err =
        copy(&schema.url(), target.to_str().unwrap(), &Rules::default()).expect_err("too new");
    assert!(err.to_string().contains("newer xinfang"), "{err}");
    assert!(!target.exists());
    // And as a target it is not empty: refused, untouched.
    let (_d, path) = demo_db(20, 9);
    let err = copy(path.to_str().unwrap(), &schema.url(), &Rules::default()).expect_err("occupied");
    assert!(err.to_string().contains("already holds"), "{err}");
    assert_eq!(schema.tables(), ["xinfang_schema"]);
}

#[test]
fn db_migrate_creates_a_postgresql_schema_then_reports_it_current() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "migrate");
    let url = schema.url();
    let first = common::xinfang(&["--db", &url, "db", "migrate"]);
    assert!(first.status.success(), "{}", common::stderr(&first));
    assert!(
        common::stdout(&first).contains("created at schema version"),
        "{}",
        common::stdout(&first)
    );
    let again = common::xinfang(&["--db", &url, "db", "migrate"]);
    assert!(
        common::stdout(&again).contains("is current"),
        "{}",
        common::stdout(&again)
    );
    // A URL is not a path: nothing named after it appears in the working directory.
    assert!(!std::path::Path::new("postgres:").exists());
    let check = common::xinfang(&["--db", &url, "db", "check"]);
    assert!(check.status.success(), "{}", common::stdout(&check));
}

#[test]
fn processes_creating_one_postgresql_database_at_once_migrate_it_once() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "race");
    let url = schema.url();
    let opened: Vec<bool> = std::thread::scope(|s| {
        let openers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| xinfang::store::open(&url, Rules::default(), OpenMode::Create).is_ok())
            })
            .collect();
        openers
            .into_iter()
            .map(|o| o.join().expect("opener"))
            .collect()
    });
    assert_eq!(opened, vec![true; 4]);
    let versions: Vec<i32> = schema
        .client()
        .query("SELECT version FROM xinfang_schema ORDER BY version", &[])
        .expect("versions")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let all: Vec<i32> = (1..=xinfang::store::postgres::current_version() as i32).collect();
    assert_eq!(versions, all, "each migration applied once");
}

#[test]
fn a_postgresql_schema_3_with_cases_is_upgraded_and_its_derived_columns_computed() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "upgrade3");
    let mut client = schema.client();
    client
        .batch_execute("CREATE TABLE xinfang_schema (version INTEGER NOT NULL)")
        .expect("versions");
    for (i, sql) in xinfang::store::postgres::migrations()[..3]
        .iter()
        .enumerate()
    {
        client.batch_execute(sql).expect("old schema");
        client
            .execute(
                "INSERT INTO xinfang_schema (version) VALUES ($1)",
                &[&(i as i32 + 1)],
            )
            .expect("version");
    }
    client
        .batch_execute(
            "INSERT INTO cases (id, number, title, summary, channel, county, township, pet_name, \
             pet_id_number, pet_phone, pet_address, persons, involved, threat, urgent, received_on, \
             state, assigned, registered_on, extension_days, hearing_days, supervised, backlog, \
             collective, version, updated_at, updated_by) VALUES (1, 'NX-2026-000001', 't', 's', \
             'online', '640106', '640106001', 'n', '', '', '', 1, 1, 0, 0, '2026-11-20', \
             'registered', 0, '2026-11-20', 0, 0, 0, 1, 0, 1, '2026-11-20 10:00:00', 'x')",
        )
        .expect("old case");
    let store = xinfang::store::open(&schema.url(), Rules::default(), OpenMode::ReadWrite)
        .expect("open and upgrade");
    drop(store);
    let row = client
        .query_one(
            "SELECT backlog_from, (SELECT sum(cases) FROM kpi_day)::bigint, \
             (SELECT count(*) FROM meta WHERE key = 'derived_stale') FROM cases WHERE id = 1",
            &[],
        )
        .expect("row");
    let backlog_from: Option<String> = row.get(0);
    let cases: Option<i64> = row.get(1);
    let marks: i64 = row.get(2);
    assert_eq!(backlog_from.as_deref(), Some("2026-11-20"));
    assert_eq!(cases, Some(1));
    assert_eq!(marks, 0);
}
