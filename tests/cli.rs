//! The real binary end to end: demo, queue listings, `db check`, and one fixture per bad input
//! (each must give one clear line on stderr, a non-zero exit, and leave files untouched).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use chrono::{Days, NaiveDate};
use common::{demo_db, fingerprint, stderr, stdout, today, xinfang};
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn db_arg(path: &Path) -> String {
    path.to_str().expect("utf-8 path").to_string()
}

/// Asserts a failure: non-zero exit, exactly one line on stderr containing `phrase`, no panic.
fn assert_one_line_error(output: &std::process::Output, phrase: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "should fail: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(phrase), "expected `{phrase}` in {err:?}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn demo_generates_prints_the_summary_and_the_rate() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("nested").join("demo.db");
    let output = xinfang(&[
        "--db",
        &db_arg(&db),
        "demo",
        "--cases",
        "3000",
        "--seed",
        "5",
        "--no-open",
    ]);
    let out = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.starts_with("Generated 3000 cases ("), "{out}");
    assert!(out.contains("cases per second"), "{out}");
    for label in [
        "registered 已登记",
        "overdue 已超期",
        "due-soon 即将到期",
        "backlog 积案",
        "all 全部",
    ] {
        assert!(out.contains(label), "summary shows {label}: {out}");
    }
    let all_line = out
        .lines()
        .find(|l| l.starts_with("all 全部"))
        .expect("all line");
    assert!(all_line.trim_end().ends_with("3000"), "{all_line}");
    // Running it again replaces the earlier demo database.
    let again = xinfang(&["--db", &db_arg(&db), "demo", "--cases", "1000", "--no-open"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).starts_with("Generated 1000 cases"));
}

/// The duty deadline of each open case, computed straight from the raw events table with plain
/// date arithmetic (no code shared with the deadline engine).
fn deadlines_from_raw_events(db: &Path) -> BTreeMap<String, (String, NaiveDate)> {
    let conn = Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare("SELECT c.number, e.kind, substr(e.at, 1, 10), e.to_state, e.payload FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.seq")
        .expect("prepare");
    let mut per_case: BTreeMap<String, Vec<(String, NaiveDate, String, serde_json::Value)>> =
        BTreeMap::new();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .expect("query");
    for row in rows {
        let (number, kind, day, to_state, payload) = row.expect("row");
        let day: NaiveDate = day.parse().expect("date");
        let payload: serde_json::Value = serde_json::from_str(&payload).expect("json");
        per_case
            .entry(number)
            .or_default()
            .push((kind, day, to_state, payload));
    }
    let mut out = BTreeMap::new();
    for (number, events) in per_case {
        let state = events.last().map(|e| e.2.clone()).unwrap_or_default();
        let last = |kind: &str| events.iter().rev().find(|e| e.0 == kind).map(|e| e.1);
        let sum = |kind: &str, field: &str| -> u64 {
            events
                .iter()
                .filter(|e| e.0 == kind)
                .map(|e| e.3[field].as_u64().unwrap_or(0))
                .sum()
        };
        let due = match state.as_str() {
            "registered" => last("object")
                .or(last("register"))
                .map(|d| d + Days::new(15)),
            "forwarded" => last("forward").map(|d| d + Days::new(15)),
            "accepted" | "in-handling" => {
                last("accept").map(|d| d + Days::new(60 + sum("extend", "days")))
            }
            "in-review" => last("request-review").map(|d| d + Days::new(30)),
            "in-re-review" => {
                last("request-re-review").map(|d| d + Days::new(30 + sum("record-hearing", "days")))
            }
            _ => None,
        };
        if let Some(due) = due {
            out.insert(number, (state, due));
        }
    }
    out
}

#[test]
fn overdue_listing_matches_deadlines_recomputed_independently_from_events() {
    let (_dir, db) = demo_db(8000, 3);
    let output = xinfang(&[
        "--db",
        &db_arg(&db),
        "cases",
        "--queue",
        "overdue",
        "--format",
        "tsv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("number\treceived\tchannel\tcounty\tcategory\tclass\tstate\tdue\tdays_left\ttitle")
    );
    let listed: BTreeMap<String, (String, String, i64)> = lines
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 10, "ten fields: {line:?}");
            (
                f[0].to_string(),
                (
                    f[6].to_string(),
                    f[7].to_string(),
                    f[8].parse().expect("days"),
                ),
            )
        })
        .collect();
    let expected: BTreeSet<String> = deadlines_from_raw_events(&db)
        .into_iter()
        .filter(|(_, (_, due))| *due < today())
        .map(|(number, _)| number)
        .collect();
    assert!(!expected.is_empty(), "the demo has overdue cases");
    assert_eq!(listed.keys().cloned().collect::<BTreeSet<_>>(), expected);
    let recomputed = deadlines_from_raw_events(&db);
    for (number, (state, due, days_left)) in &listed {
        let (raw_state, raw_due) = &recomputed[number];
        assert_eq!(state, raw_state, "{number}");
        assert_eq!(due, &raw_due.to_string(), "{number}");
        assert_eq!(*days_left, (*raw_due - today()).num_days(), "{number}");
        assert!(*days_left < 0);
    }
}

#[test]
fn json_listing_is_a_valid_array_and_limit_and_region_apply() {
    let (_dir, db) = demo_db(2000, 4);
    let output = xinfang(&[
        "--db",
        &db_arg(&db),
        "cases",
        "--queue",
        "all",
        "--format",
        "json",
        "--limit",
        "25",
        "--region",
        "6404",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    assert_eq!(rows.len(), 25);
    let guyuan = ["原州区", "西吉县", "隆德县", "泾源县", "彭阳县"];
    assert!(
        rows.iter()
            .all(|r| guyuan.contains(&r["county"].as_str().unwrap_or(""))),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .all(|r| r.get("pet_phone").is_none() && r.get("petitioner").is_none()),
        "no personal data"
    );
}

#[test]
fn listings_neutralise_escape_sequences_in_petition_text() {
    let (_dir, db) = demo_db(500, 1);
    let conn = Connection::open(&db).expect("open");
    conn.execute(
        // A case whose title every user may see (not confidential under Art 30).
        "UPDATE cases SET title = 'x' || char(27) || '[2J' || char(9) || 'y' WHERE id = (\
         SELECT min(id) FROM cases WHERE coalesce(category, '') <> 'discipline' \
         AND coalesce(class, '') <> 'accusation' AND coalesce(route, '') <> 'discipline-inspection')",
        [],
    )
    .expect("plant");
    drop(conn);
    let output = xinfang(&[
        "--db",
        &db_arg(&db),
        "cases",
        "--queue",
        "all",
        "--format",
        "tsv",
    ]);
    let out = stdout(&output);
    assert!(!out.contains('\u{1b}'), "no ESC reaches the output");
    assert!(out.contains("x␛[2J␉y"), "the text is shown, made harmless");
    assert!(
        out.lines().all(|l| l.split('\t').count() == 10),
        "a tab in text cannot add a column"
    );
}

#[test]
fn db_check_passes_on_a_fresh_demo_and_fails_after_tampering() {
    let (_dir, db) = demo_db(300, 2);
    let output = xinfang(&["--db", &db_arg(&db), "db", "check"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("300 cases"), "{}", stdout(&output));
    assert!(stdout(&output).trim_end().ends_with("ok"));
    Connection::open(&db)
        .expect("open")
        .execute(
            "UPDATE events SET payload = '{\"step\":\"note\",\"text\":\"x\"}' WHERE seq = 7",
            [],
        )
        .expect("tamper");
    let output = xinfang(&["--db", &db_arg(&db), "db", "check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("audit chain broken at event 7"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_random_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("random.db");
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&db, &bytes).expect("write");
    for args in [
        vec!["cases", "--queue", "overdue"],
        vec!["db", "check"],
        vec!["db", "migrate"],
    ] {
        let mut full = vec!["--db", db.to_str().expect("utf-8")];
        full.extend(args);
        let output = xinfang(&full);
        assert_one_line_error(&output, "is not a SQLite database");
    }
    assert!(
        std::fs::read(&db).expect("read") == bytes,
        "nothing was written"
    );
}

#[test]
fn a_truncated_database_is_refused_and_left_untouched() {
    let (_dir, db) = demo_db(2000, 2);
    let bytes = std::fs::read(&db).expect("read");
    let truncated = db.with_file_name("truncated.db");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let before = fingerprint(&truncated);
    for args in [
        vec!["cases", "--queue", "all"],
        vec!["db", "check"],
        vec!["db", "migrate"],
    ] {
        let mut full = vec!["--db", truncated.to_str().expect("utf-8")];
        full.extend(args);
        assert_one_line_error(&xinfang(&full), "is truncated");
    }
    assert_eq!(fingerprint(&truncated), before);
}

#[test]
fn a_database_from_a_newer_xinfang_is_refused_and_left_untouched() {
    let (_dir, db) = demo_db(200, 2);
    Connection::open(&db)
        .expect("open")
        .pragma_update(None, "user_version", 99)
        .expect("bump");
    let before = fingerprint(&db);
    for args in [
        vec!["cases"],
        vec!["db", "check"],
        vec!["db", "migrate"],
        vec!["demo", "--cases", "10", "--no-open"],
    ] {
        let mut full = vec!["--db", db.to_str().expect("utf-8")];
        full.extend(args);
        assert_one_line_error(&xinfang(&full), "newer xinfang");
    }
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn a_foreign_sqlite_database_and_a_missing_one_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let foreign = dir.path().join("other.db");
    Connection::open(&foreign)
        .expect("create")
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .expect("fill");
    let before = fingerprint(&foreign);
    assert_one_line_error(
        &xinfang(&["--db", &db_arg(&foreign), "cases"]),
        "not a xinfang one",
    );
    assert_one_line_error(
        &xinfang(&[
            "--db",
            &db_arg(&foreign),
            "demo",
            "--cases",
            "10",
            "--no-open",
        ]),
        "refusing to replace it",
    );
    assert_eq!(fingerprint(&foreign), before);
    let missing = dir.path().join("missing.db");
    assert_one_line_error(
        &xinfang(&["--db", &db_arg(&missing), "cases"]),
        "database not found",
    );
    assert!(!missing.exists(), "a listing never creates a database");
}

#[test]
fn demo_never_replaces_a_real_database() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("real.db");
    let created = xinfang(&["--db", &db_arg(&db), "db", "migrate"]);
    assert!(created.status.success(), "{}", stderr(&created));
    let before = fingerprint(&db);
    let output = xinfang(&["--db", &db_arg(&db), "demo", "--cases", "10", "--no-open"]);
    assert_one_line_error(&output, "was not made by `xinfang demo`");
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn bad_arguments_and_settings_get_clear_errors() {
    let (_dir, db) = demo_db(100, 2);
    assert_one_line_error(
        &xinfang(&["--db", &db_arg(&db), "cases", "--queue", "overdu"]),
        "unknown queue `overdu`",
    );
    assert_one_line_error(
        &xinfang(&["--db", &db_arg(&db), "cases", "--region", "1101"]),
        "not a Ningxia admin-code prefix",
    );
    let bad_day = xinfang(&["--today", "2026-13-40", "cases"]);
    assert_eq!(bad_day.status.code(), Some(2), "usage errors exit 2");
    assert!(stderr(&bad_day).contains("--today"), "{}", stderr(&bad_day));
    let config = db.with_file_name("config.toml");
    std::fs::write(&config, "[rules]\ndue_soon_days = 3\nroll_ovr = true\n").expect("write");
    let output = xinfang(&[
        "--config",
        config.to_str().expect("utf-8"),
        "--db",
        &db_arg(&db),
        "cases",
    ]);
    assert_one_line_error(&output, "config.toml:3: unknown field `roll_ovr`");
    let missing = db.with_file_name("nope.toml");
    assert_one_line_error(
        &xinfang(&["--config", missing.to_str().expect("utf-8"), "cases"]),
        "nope.toml: cannot read",
    );
}

#[test]
fn settings_change_the_due_soon_threshold() {
    let (_dir, db) = demo_db(4000, 3);
    let count = |extra: &[&str]| -> usize {
        let mut args = extra.to_vec();
        args.extend([
            "--db",
            db.to_str().expect("utf-8"),
            "cases",
            "--queue",
            "due-soon",
        ]);
        let output = xinfang(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output).lines().count() - 1
    };
    let config = db.with_file_name("wide.toml");
    std::fs::write(&config, "[rules]\ndue_soon_days = 10\n").expect("write");
    let default = count(&[]);
    let wide = count(&["--config", config.to_str().expect("utf-8")]);
    assert!(
        wide > default,
        "ten days catch more than three: {wide} vs {default}"
    );
}

#[test]
fn audit_verify_passes_untouched_and_names_the_first_broken_link() {
    let (_dir, db) = demo_db(300, 4);
    let ok = xinfang(&["--db", &db_arg(&db), "audit", "verify"]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).starts_with("ok: "), "{}", stdout(&ok));
    for (sql, expected) in [
        (
            "UPDATE events SET actor = 'mallory' WHERE seq = 20",
            "broken: event 20 does not follow from event 19",
        ),
        (
            "DELETE FROM events WHERE seq = 21",
            "broken: event 22 does not follow from event 20",
        ),
        (
            "UPDATE events SET seq = -1 WHERE seq = 30; UPDATE events SET seq = 30 WHERE seq = 31; UPDATE events SET seq = 31 WHERE seq = -1;",
            "broken: event 30 does not follow from event 29",
        ),
    ] {
        let copy = db.with_file_name("tampered.db");
        std::fs::copy(&db, &copy).expect("copy");
        Connection::open(&copy)
            .expect("open")
            .execute_batch(sql)
            .expect("tamper");
        let output = xinfang(&["--db", &db_arg(&copy), "audit", "verify"]);
        assert_eq!(output.status.code(), Some(1), "{sql}");
        assert!(
            stdout(&output).contains(expected),
            "{sql}: {}",
            stdout(&output)
        );
        std::fs::remove_file(&copy).expect("remove");
    }
}

#[test]
fn only_admins_change_users_and_every_change_is_audited() {
    let (_dir, db) = demo_db(100, 4);
    let d = db_arg(&db);
    let added = xinfang(&[
        "--db", &d, "--user", "admin", "user", "add", "wu.lei", "--role", "operator", "--scope",
        "6403",
    ]);
    assert!(added.status.success(), "{}", stderr(&added));
    assert_eq!(stdout(&added).trim(), "wu.lei\toperator\t6403");
    assert_one_line_error(
        &xinfang(&[
            "--db", &d, "--user", "li.na", "user", "set-role", "wu.lei", "admin",
        ]),
        "li.na may not change user `wu.lei`: only an admin may do this",
    );
    assert_one_line_error(
        &xinfang(&[
            "--db", &d, "--user", "admin", "user", "add", "wu.lei", "--role", "viewer",
        ]),
        "already exists",
    );
    assert_one_line_error(
        &xinfang(&[
            "--db",
            &d,
            "--user",
            "admin",
            "user",
            "set-scope",
            "wu.lei",
            "1101",
        ]),
        "not a Ningxia admin-code prefix",
    );
    assert_one_line_error(
        &xinfang(&[
            "--db", &d, "--user", "admin", "user", "set-role", "nobody", "viewer",
        ]),
        "no user `nobody`",
    );
    let changed = xinfang(&[
        "--db",
        &d,
        "--user",
        "admin",
        "user",
        "set-role",
        "wu.lei",
        "supervisor",
    ]);
    assert!(changed.status.success(), "{}", stderr(&changed));
    let list = stdout(&xinfang(&["--db", &d, "user", "list"]));
    assert!(
        list.lines().any(|l| l == "wu.lei\tsupervisor\t6403"),
        "{list}"
    );
    let kinds: Vec<String> = Connection::open(&db)
        .expect("open")
        .prepare(
            "SELECT kind || ' ' || actor FROM events WHERE case_id IS NULL AND payload LIKE '%wu.lei%' ORDER BY seq",
        )
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(kinds, ["user-add admin", "user-set-role admin"]);
    assert!(xinfang(&["--db", &d, "audit", "verify"]).status.success());
    // An empty database: the first user bootstraps it.
    let fresh = db.with_file_name("fresh.db");
    assert!(
        xinfang(&["--db", &db_arg(&fresh), "db", "migrate"])
            .status
            .success()
    );
    let me = common::login();
    let fresh_arg = db_arg(&fresh);
    assert_one_line_error(
        &xinfang(&[
            "--db", &fresh_arg, "user", "add", "mallory", "--role", "admin",
        ]),
        "the first user of a database must be its admin and yourself",
    );
    let first = xinfang(&["--db", &fresh_arg, "user", "add", &me, "--role", "admin"]);
    assert!(first.status.success(), "{}", stderr(&first));
}

#[test]
fn db_migrate_says_whether_it_created_upgraded_or_found_the_schema_current() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    let current = xinfang::store::sqlite::schema::current_version();
    let created = xinfang(&["--db", &db_arg(&db), "db", "migrate"]);
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(
        stdout(&created).contains(&format!("created at schema version {current}")),
        "{}",
        stdout(&created)
    );
    let again = xinfang(&["--db", &db_arg(&db), "db", "migrate"]);
    assert!(
        stdout(&again).contains(&format!("schema version {current} is current")),
        "{}",
        stdout(&again)
    );
    let old = dir.path().join("old.db");
    common::version_1_database(&old);
    let upgraded = xinfang(&["--db", &db_arg(&old), "db", "migrate"]);
    assert!(upgraded.status.success(), "{}", stderr(&upgraded));
    assert!(
        stdout(&upgraded).contains(&format!("upgraded from schema version 1 to {current}")),
        "{}",
        stdout(&upgraded)
    );
}

#[test]
fn db_recompute_moves_deadlines_off_non_working_days_after_roll_over_is_switched_on() {
    let (_dir, db) = demo_db(3000, 5);
    let weekend_deadlines = || -> i64 {
        let conn = Connection::open(&db).expect("open");
        // strftime('%w'): 0 is Sunday, 6 Saturday.
        conn.query_row(
            "SELECT count(*) FROM cases WHERE strftime('%w', due_on) IN ('0', '6') \
             OR strftime('%w', handling_due_on) IN ('0', '6')",
            [],
            |r| r.get(0),
        )
        .expect("count")
    };
    let recompute = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend([
            "--db",
            db.to_str().expect("utf-8"),
            "--user",
            "admin",
            "db",
            "recompute",
        ]);
        let output = xinfang(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let unchanged = recompute(&[]);
    assert!(
        unchanged.contains("3000 cases, 0 with deadlines recomputed"),
        "the demo was written under the same settings: {unchanged}"
    );
    let before = weekend_deadlines();
    assert!(
        before > 0,
        "without roll-over some deadlines fall on weekends"
    );
    let config = db.with_file_name("roll.toml");
    std::fs::write(&config, "[rules]\nroll_over = true\n").expect("write");
    let config = config.to_str().expect("utf-8");
    let rolled = recompute(&["--config", config]);
    assert!(
        rolled.contains(&format!("{before} with deadlines recomputed")),
        "{rolled} ({before} weekend deadlines before)"
    );
    assert_eq!(weekend_deadlines(), 0);
    let again = recompute(&["--config", config]);
    assert!(again.contains(" 0 with deadlines recomputed"), "{again}");
    let check = xinfang(&["--db", db.to_str().expect("utf-8"), "db", "check"]);
    assert!(
        check.status.success(),
        "the KPI summary follows the new deadlines: {}",
        stdout(&check)
    );
    // Each recompute is on the audit chain (without a case), which is still whole.
    let conn = Connection::open(&db).expect("open");
    let (kind, case_id, payload): (String, Option<i64>, String) = conn
        .query_row(
            "SELECT kind, case_id, payload FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("last event");
    assert_eq!((kind.as_str(), case_id), ("recompute", None));
    assert!(payload.contains("\"changed\":0"), "{payload}");
    let verify = xinfang(&["--db", db.to_str().expect("utf-8"), "audit", "verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
}

#[test]
fn an_unreachable_postgres_server_is_named_without_its_password() {
    // Port 9 (discard) has no PostgreSQL behind it.
    let output = xinfang(&[
        "--db",
        "postgres://ops:s3cret@127.0.0.1:9/test",
        "cases",
        "--queue",
        "all",
    ]);
    assert_one_line_error(
        &output,
        "cannot read or write postgres://ops@127.0.0.1:9/test: cannot connect (error connecting to server: ",
    );
    assert!(!stderr(&output).contains("s3cret"), "{}", stderr(&output));
    // Demo databases are generated into SQLite files only.
    let output = xinfang(&[
        "--db",
        "postgres://ops:s3cret@127.0.0.1:9/test",
        "demo",
        "--no-open",
    ]);
    assert_one_line_error(&output, "db copy");
    assert!(!stderr(&output).contains("s3cret"), "{}", stderr(&output));
}

#[test]
fn bad_wall_board_arguments_are_refused_before_anything_starts() {
    for (args, phrase) in [
        (
            ["board", "--boards", "overview,pie"],
            "unknown board `pie` (known: overview, packages, backlog, map, warnings, meeting)",
        ),
        (
            ["board", "--rotate", "1s"],
            "too short; rotate every 2s or more",
        ),
        (["board", "--rotate", "5x"], "the unit must be s, m or h"),
        (["board", "--region", "9999"], "unknown region `9999`"),
    ] {
        let output = xinfang(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = stderr(&output);
        let first = err.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: invalid value"), "{err}");
        assert!(first.contains(phrase), "{args:?}: {err}");
    }
}
