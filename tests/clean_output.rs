//! Everything that leaves xinfang is clean: hostile bytes written into every text column by
//! direct SQL never reach a terminal, a listing, a JSON string or the clipboard raw; and
//! command-line mistakes exit 2 with one line, with shell completions that know the names.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::console::{Session, store_case};
use common::{demo_db, stderr, stdout, xinfang};
use rusqlite::Connection;
use std::sync::Arc;
use xinfang::domain::Rules;
use xinfang::store::{self, OpenMode, Store};

/// A window title change, a screen clear, a raw C1 CSI and a direction override.
const HOSTILE: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{9b}31m\u{202e}";

/// Fails if `text` holds anything a terminal would act on (tabs and newlines separate fields).
fn assert_clean(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n' && *c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}:\n{text}");
}

/// A demo database with hostile text in every text column of three cases, a unit, a leader and
/// a user; returns the tampered case numbers.
fn hostile_db() -> (tempfile::TempDir, std::path::PathBuf, Vec<String>) {
    let (dir, path) = demo_db(600, 3);
    let conn = Connection::open(&path).expect("open");
    let numbers: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT number FROM cases WHERE state = 'registered' ORDER BY id LIMIT 3")
            .expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect()
    };
    for number in &numbers {
        conn.execute(
            "UPDATE cases SET number = number || ?1, title = 'PWNED工资' || ?1,
                 summary = ?1, county = '640106' || ?1, township = ?1, pet_name = ?1,
                 pet_address = ?1, accused = ?1, owner = 'wu' || ?1, updated_by = ?1
             WHERE number = ?2",
            rusqlite::params![HOSTILE, number],
        )
        .expect("tamper");
    }
    conn.execute("UPDATE units SET name = name || ?1", [HOSTILE])
        .expect("units");
    conn.execute(
        "UPDATE leaders SET name = name || ?1, title = ?1",
        [HOSTILE],
    )
    .expect("leaders");
    conn.execute(
        "INSERT INTO users (name, role, scope, created_at) VALUES (?1, 'viewer', ?2, '2026-11-01')",
        [format!("evil{HOSTILE}"), format!("64{HOSTILE}")],
    )
    .expect("user");
    let tampered = numbers.iter().map(|n| format!("{n}{HOSTILE}")).collect();
    (dir, path, tampered)
}

#[test]
fn hostile_bytes_in_every_column_never_leave_raw() {
    let (_dir, path, numbers) = hostile_db();
    let db = path.to_str().expect("utf-8").to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["cases", "--queue", "all"],
        vec!["cases", "--queue", "all", "--format", "json"],
        vec!["cases", "--queue", "to-forward"],
        vec!["search", "PWNED"],
        vec!["search", "PWNED", "--format", "json"],
        vec!["user", "list"],
        vec!["user", "list", "--format", "json"],
        vec!["audit", "verify"],
        vec!["db", "check"],
        vec!["kpi"],
    ];
    for args in runs {
        let mut full = vec!["--db", db.as_str(), "--user", "zhao.lei"];
        full.extend(args.iter().copied());
        let output = xinfang(&full);
        let (out, err) = (stdout(&output), stderr(&output));
        assert_clean(&format!("{args:?} stdout"), &out);
        assert_clean(&format!("{args:?} stderr"), &err);
        if args[0] == "cases" && args[2] == "all" || args[0] == "search" {
            assert!(
                out.contains("PWNED"),
                "{args:?} lists the tampered cases:\n{out}"
            );
        }
    }

    // The console: every cell of the screen, and what `y` and `Y` put on the clipboard.
    let store: Arc<dyn Store> =
        Arc::from(store::open(&db, Rules::default(), OpenMode::ReadWrite).expect("open"));
    let ids: Vec<i64> = numbers.iter().map(|n| store_case(&store, n).id).collect();
    for (width, height) in [(80, 24), (200, 60)] {
        let mut session = Session::new(&store, width, height);
        // A tampered case opened from a search (its number cannot be typed).
        let state = session.keys(&["/", "text:PWNED", "enter"]).clone();
        let shown = state.detail.as_ref().map(|d| d.case.id).expect("a case");
        assert!(ids.contains(&shown), "a tampered case is shown");
        let screen = common::console::session_screen(&mut session);
        assert_clean("the detail screen", &screen);
        assert!(screen.contains("PWNED"), "{screen}");
        for key in ["y", "Y"] {
            let state = session.keys(&[key]).clone();
            let copied = state.copied.clone().expect("copied");
            assert_clean(&format!("`{key}` on the clipboard"), &copied);
            assert!(copied.contains("␛]0;PWNED"), "{copied}");
        }
        // The queue holding the tampered rows, under the step menu.
        let state = session
            .keys(&["esc", ":", "text:queue to-forward", "enter", "s"])
            .clone();
        assert!(!state.table.rows.is_empty());
        assert_clean(
            "the queue screen",
            &common::console::session_screen(&mut session),
        );
    }
}

#[test]
fn command_line_mistakes_exit_2_with_one_line() {
    let (_dir, path) = demo_db(300, 1);
    let db = path.to_str().expect("utf-8");
    for (args, phrase) in [
        (vec!["cases", "--queue", "nosuch"], "unknown queue `nosuch`"),
        (
            vec!["cases", "--region", "zz"],
            "not a Ningxia admin-code prefix",
        ),
        (
            vec!["kpi", "--region", "99"],
            "not a Ningxia admin-code prefix",
        ),
        (vec!["board", "--boards", "pie"], "unknown board `pie`"),
        (vec!["search", "due:<"], "should look like `due:<3d`"),
        (
            vec!["cases", "--queue", "over\u{1b}[2Jdue"],
            "unknown queue",
        ),
    ] {
        let mut full = vec!["--db", db];
        full.extend(args.iter().copied());
        let output = xinfang(&full);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err:?}");
        assert!(err.contains(phrase), "{args:?}: {err}");
        assert_clean(&format!("{args:?}"), &err);
    }
}

#[test]
fn shell_completions_know_subcommands_queues_and_boards() {
    for shell in ["bash", "zsh", "fish"] {
        let output = xinfang(&["completions", shell]);
        assert!(output.status.success(), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        for word in [
            "cases",
            "kpi",
            "awaiting-acceptance",
            "overdue",
            "packages",
            "region",
        ] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
    let output = xinfang(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
}
