//! `xinfang kpi` end to end: the same numbers as the overview board, a meaningful "this month" on
//! the first of a month, clear errors for bad periods, and Art 30 content kept from listings.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::{demo_db, stderr, stdout, today, xinfang};
use rusqlite::Connection;
use std::process::Command;
use xinfang::domain::Rules;
use xinfang::domain::board::BoardKind;
use xinfang::domain::kpi::Kpis;
use xinfang::store::OpenMode;
use xinfang::store::board::{BoardData, BoardQuery};

fn kpi_json(db: &str, day: &str, period: &str) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_xinfang"))
        .args([
            "--today", day, "--db", db, "kpi", "--period", period, "--format", "json",
        ])
        .env_remove("XINFANG_DB")
        .env_remove("XINFANG_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("xinfang-tests-no-config"),
        )
        .output()
        .expect("run xinfang");
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("json")
}

/// (num, den) of each indicator the board shows, by its JSON key.
fn pairs(k: &Kpis) -> Vec<(&'static str, u64, Option<u64>)> {
    vec![
        ("cases_received", k.cases, None),
        (
            "timely_disposal",
            k.timely_disposal.num,
            Some(k.timely_disposal.den),
        ),
        (
            "timely_acceptance",
            k.timely_acceptance.num,
            Some(k.timely_acceptance.den),
        ),
        (
            "on_time_completion",
            k.completion.num,
            Some(k.completion.den),
        ),
        (
            "evaluation_participation",
            k.participation.num,
            Some(k.participation.den),
        ),
        ("satisfaction", k.satisfaction.num, Some(k.satisfaction.den)),
        ("repeat_rate", k.repeat_rate.num, Some(k.repeat_rate.den)),
        ("online_share", k.online_share.num, Some(k.online_share.den)),
        (
            "average_handling_days",
            k.handling_days_total,
            Some(k.handled),
        ),
        (
            "backlog_clearance",
            k.backlog_clearance.num,
            Some(k.backlog_clearance.den),
        ),
        ("collective_batches", k.collective_batches, None),
        ("collective_persons", k.collective_persons, None),
    ]
}

#[test]
fn kpi_prints_the_numbers_the_overview_board_shows() {
    let (_dir, path) = demo_db(3000, 5);
    let db = path.to_str().expect("utf-8");
    let store = xinfang::store::open(db, Rules::default(), OpenMode::ReadOnly).expect("open");
    let query = BoardQuery {
        as_of: today(),
        region: "64".into(),
        campaign: None,
    };
    let BoardData::Overview(overview) = store.board(BoardKind::Overview, &query).expect("board")
    else {
        panic!("an overview");
    };
    for period in &overview.periods {
        let json = kpi_json(db, "2026-11-24", period.span.code());
        assert_eq!(json["period"]["from"], period.period.from.to_string());
        let indicators = &json["indicators"];
        for (key, num, den) in pairs(&period.current) {
            let shown = &indicators[key];
            assert_eq!(shown["num"], num, "{} {key}", period.span.code());
            assert_eq!(shown["den"].as_u64(), den, "{} {key}", period.span.code());
        }
        // The change is against the same stretch before, as the board computes it.
        let before = pairs(&period.previous);
        for (key, num, den) in before {
            let previous = indicators[key]["previous"].as_f64();
            let expected = match den {
                None => Some(num as f64),
                Some(0) => None,
                Some(d) => Some(num as f64 / d as f64),
            };
            match (previous, expected) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{key}: {a} vs {b}"),
                (a, b) => assert_eq!(a, b, "{} previous {key}", period.span.code()),
            }
        }
    }
}

#[test]
fn this_months_on_time_rate_means_something_on_the_first() {
    let (_dir, path) = demo_db(3000, 5);
    let db = path.to_str().expect("utf-8");
    // Thursday 1 October: the month has one day, and that day's replies are measured.
    let json = kpi_json(db, "2026-10-01", "month");
    let completion = &json["indicators"]["on_time_completion"];
    assert!(completion["den"].as_u64().unwrap_or(0) > 0, "{completion}");
    let rate = completion["value"].as_f64().expect("a rate, not a dash");
    assert!(rate > 0.9, "not near zero: {rate}");
    assert_eq!(json["period"]["from"], "2026-10-01");
    assert_eq!(
        json["previous"]["to"], "2026-09-01",
        "against 1 September as of that day"
    );
}

#[test]
fn a_bad_period_or_region_is_a_command_line_mistake() {
    let (_dir, path) = demo_db(200, 5);
    let db = path.to_str().expect("utf-8");
    for (args, phrase) in [
        (vec!["kpi", "--period", "fortnight"], "not a period"),
        (vec!["kpi", "--period", "2026-13"], "not a period"),
        (
            vec!["kpi", "--period", "2026-11-30..2026-11-01"],
            "is after",
        ),
    ] {
        let mut all = vec!["--db", db];
        all.extend(args);
        let output = xinfang(&all);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(phrase), "{}", stderr(&output));
    }
    let output = xinfang(&["--db", db, "kpi", "--region", "11"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("admin-code prefix"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn art30_titles_reach_no_listing_but_a_supervisors() {
    let (_dir, path) = demo_db(3000, 5);
    let db = path.to_str().expect("utf-8");
    let conn = Connection::open(&path).expect("open");
    // A 纪检监察 case just registered: no class yet, confidential from the first minute.
    let marker = "机密标题ZQX";
    let changed = conn
        .execute(
            &format!(
                "UPDATE cases SET title = '{marker}', summary = '{marker}' WHERE id = (\
                 SELECT min(id) FROM cases WHERE category = 'discipline' AND class IS NULL)"
            ),
            [],
        )
        .expect("plant");
    assert_eq!(changed, 1, "the demo has a registered discipline case");
    drop(conn);
    for user in ["li.na", "nobody"] {
        // An operator (li.na) and an unknown login (a viewer) see it listed without content.
        let listed = stdout(&xinfang(&[
            "--db", db, "--user", user, "cases", "--queue", "all",
        ]));
        assert!(!listed.contains(marker), "{user} must not see it");
        assert!(
            listed.contains("[restricted: Art 30]"),
            "{user}: marked restricted"
        );
        let json = stdout(&xinfang(&[
            "--db", db, "--user", user, "cases", "--queue", "all", "--format", "json",
        ]));
        assert!(!json.contains(marker), "{user}: not in JSON either");
        let searched = xinfang(&["--db", db, "--user", user, "search", "机密标题"]);
        assert!(searched.status.success(), "{}", stderr(&searched));
        assert!(
            !stdout(&searched).contains(marker),
            "{user}: search shows nothing of it"
        );
    }
    let listed = stdout(&xinfang(&[
        "--db", db, "--user", "zhao.lei", "cases", "--queue", "all",
    ]));
    assert!(listed.contains(marker), "a supervisor in scope sees it");
    // The same search finds it for the supervisor, so the searches above did run. (By its
    // Chinese part: Latin letters in case text are not yet found whatever their case, #18.)
    let found = stdout(&xinfang(&[
        "--db",
        db,
        "--user",
        "zhao.lei",
        "search",
        "机密标题",
    ]));
    assert!(found.contains(marker), "a supervisor finds it: {found}");
}
