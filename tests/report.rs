//! The meeting brief end to end: the same numbers as the boards and `xinfang kpi` on both
//! backends, every format written by the real binary, no personal data and no injected markup,
//! the HTML page in a real browser, and the Meeting board in the console.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::{demo_db, stderr, stdout, today, xinfang};
use std::path::Path;
use std::sync::Arc;
use xinfang::domain::Rules;
use xinfang::domain::board::{BoardKind, Span};
use xinfang::domain::org::Campaign;
use xinfang::i18n::Lang;
use xinfang::store::board::{BoardData, BoardQuery};
use xinfang::store::brief::{BriefQuery, ReportKind};
use xinfang::store::{OpenMode, Scope, Store};

fn open(location: &str) -> Box<dyn Store> {
    xinfang::store::open(location, Rules::default(), OpenMode::ReadOnly).expect("open")
}

/// Every number of the brief against the store calls the boards and `xinfang kpi` make.
fn check_same_numbers(store: &dyn Store, region: &str) {
    let scope = Scope {
        region: region.to_string(),
        user: String::new(),
        today: today(),
    };
    let query = |as_of, campaign| BoardQuery {
        as_of,
        region: region.to_string(),
        campaign,
    };
    let BoardData::Overview(overview) = store
        .board(BoardKind::Overview, &query(today(), None))
        .expect("overview")
    else {
        panic!("overview");
    };
    for (kind, span) in [
        (ReportKind::Daily, Span::Today),
        (ReportKind::Weekly, Span::Week),
        (ReportKind::Monthly, Span::Month),
    ] {
        let brief = store
            .brief(&BriefQuery {
                kind,
                as_of: today(),
                region: region.to_string(),
                today: today(),
            })
            .expect("brief");
        for p in [&brief.current, &brief.previous, &brief.last_year] {
            let kpis = store.kpis(p.period, &scope, p.seen).expect("kpis");
            assert_eq!(
                p.kpis, kpis,
                "{kind} {:?}: the indicators of `xinfang kpi`",
                p.period
            );
            let received: u64 = p.intake.iter().map(|c| c.cases).sum();
            assert_eq!(
                received, kpis.cases,
                "{kind}: intake by channel, county and category adds up"
            );
        }
        let on_board = overview
            .periods
            .iter()
            .find(|p| p.span == span)
            .expect("the overview's period");
        assert_eq!(
            on_board.period, brief.current.period,
            "{kind}: the overview's period"
        );
        assert_eq!(
            on_board.current, brief.current.kpis,
            "{kind}: the overview's numbers"
        );
        assert_eq!(
            on_board.previous, brief.previous.kpis,
            "{kind}: the period before"
        );
        let board = |kind: BoardKind, campaign| {
            store.board(kind, &query(today(), campaign)).expect("board")
        };
        assert_eq!(
            board(BoardKind::Packages, None),
            BoardData::Packages(brief.packages.clone())
        );
        assert_eq!(
            board(BoardKind::Warnings, None),
            BoardData::Warnings(brief.warnings.clone())
        );
        let running =
            Campaign::running(&store.campaigns().expect("campaigns"), today()).map(|c| c.id);
        assert!(running.is_some(), "the demo runs a campaign today");
        let BoardData::Backlog(on_board) = board(BoardKind::Backlog, running) else {
            panic!("backlog board");
        };
        // The board counts "before" on the day before; a report on the last report's day.
        assert_eq!(brief.backlog.before, brief.previous.seen);
        let strip = |b: &xinfang::store::board::BacklogBoard| {
            let mut b = b.clone();
            b.counties.iter_mut().for_each(|c| c.cleared_before = 0);
            b.before = today();
            b
        };
        assert_eq!(
            strip(&on_board),
            strip(&brief.backlog),
            "{kind}: the backlog board"
        );
        if kind == ReportKind::Daily {
            assert_eq!(
                *on_board, brief.backlog,
                "the daily report's day before is the board's"
            );
        }
        if kind == ReportKind::Daily {
            assert_eq!(
                board(BoardKind::Meeting, None),
                BoardData::Meeting(Box::new(brief.clone()))
            );
        }
        assert!(
            brief.current.kpis.cases > 0,
            "{kind}: the demo received cases"
        );
    }
}

#[test]
fn the_report_shows_the_numbers_of_the_boards_and_kpi_on_both_backends() {
    let (_dir, path) = demo_db(4000, 3);
    let lite = open(path.to_str().expect("utf-8"));
    check_same_numbers(lite.as_ref(), "64");
    check_same_numbers(lite.as_ref(), "6401");
    // The command line: the JSON report's indicators are `xinfang kpi`'s.
    let db = path.to_str().expect("utf-8");
    let report = xinfang(&["--db", db, "report", "monthly", "--format", "json"]);
    assert!(report.status.success(), "{}", stderr(&report));
    let report: serde_json::Value = serde_json::from_str(&stdout(&report)).expect("json");
    let kpi = xinfang(&["--db", db, "kpi", "--period", "month", "--format", "json"]);
    assert!(kpi.status.success(), "{}", stderr(&kpi));
    let kpi: serde_json::Value = serde_json::from_str(&stdout(&kpi)).expect("json");
    let rows = report["sections"]["indicators"]["tables"]["indicators"]["rows"]
        .as_array()
        .expect("indicator rows");
    assert_eq!(rows.len(), 15);
    for row in rows {
        let key = row["indicator"].as_str().expect("key");
        let from_kpi = &kpi["indicators"][key];
        assert_eq!(row["num"], from_kpi["num"], "{key}: numerator");
        if let Some(den) = from_kpi.get("den") {
            assert_eq!(&row["den"], den, "{key}: denominator");
        }
    }
    assert_eq!(report["period"]["from"], kpi["period"]["from"]);
    let Some(base) = common::pg::server() else {
        return;
    };
    let schema = common::pg::Schema::new(&base, "brief");
    xinfang::store::copy::copy(db, &schema.url(), &Rules::default()).expect("copy");
    let pg = open(&schema.url());
    check_same_numbers(pg.as_ref(), "64");
    for kind in ReportKind::ALL {
        let q = BriefQuery {
            kind: *kind,
            as_of: today(),
            region: "64".into(),
            today: today(),
        };
        let (mut a, mut b) = (
            lite.brief(&q).expect("sqlite"),
            pg.brief(&q).expect("postgresql"),
        );
        // Rows grouped in SQL come back in each server's order.
        for brief in [&mut a, &mut b] {
            for p in [
                &mut brief.current,
                &mut brief.previous,
                &mut brief.last_year,
            ] {
                p.intake.sort_by(|x, y| {
                    (x.channel.code(), &x.county, x.category.map(|c| c.code())).cmp(&(
                        y.channel.code(),
                        &y.county,
                        y.category.map(|c| c.code()),
                    ))
                });
            }
        }
        assert_eq!(a, b, "{kind}: the same brief on SQLite and PostgreSQL");
    }
}

fn report(db: &str, args: &[&str]) -> String {
    let mut all = vec!["--db", db];
    all.extend_from_slice(args);
    let out = xinfang(&all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn markdown_and_html_snapshots_on_a_fixed_day() {
    let (_dir, path) = demo_db(1500, 11);
    let db = path.to_str().expect("utf-8");
    insta::assert_snapshot!(
        "daily_zh_md",
        report(db, &["--lang", "zh", "report", "daily", "--format", "md"])
    );
    insta::assert_snapshot!(
        "weekly_en_md",
        report(db, &["--lang", "en", "report", "weekly", "--format", "md"])
    );
    insta::assert_snapshot!(
        "monthly_zh_html",
        report(
            db,
            &[
                "--lang", "zh", "report", "monthly", "--region", "6401", "--format", "html"
            ]
        )
    );
}

const HOSTILE: &str =
    "=HYPERLINK(\"http://x\")<script>alert(1)</script>*x*|\u{1b}]0;PWNED\u{7}\u{1b}[31m";

/// Renames the unit with the most overdue cases and a leader to hostile text.
fn plant_hostile_names(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("open");
    let unit: i64 = conn
        .query_row(
            "SELECT unit_id FROM cases WHERE due_on < '2026-11-24' AND unit_id IS NOT NULL \
             GROUP BY unit_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a unit with overdue cases");
    conn.execute(
        "UPDATE units SET name = ?1 WHERE id = ?2",
        rusqlite::params![HOSTILE, unit],
    )
    .expect("rename unit");
    conn.execute(
        "UPDATE leaders SET name = ?1 WHERE id = (SELECT min(leader_id) FROM cases)",
        [HOSTILE],
    )
    .expect("rename leader");
}

/// Petitioner names, ID numbers, phones, addresses and titles of the database's cases.
fn personal_data(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut out = Vec::new();
    let mut stmt = conn
        .prepare("SELECT pet_name, pet_id_number, pet_phone, pet_address, title FROM cases")
        .expect("select");
    let rows = stmt
        .query_map([], |r| {
            Ok((0..5)
                .map(|i| r.get::<_, String>(i).unwrap_or_default())
                .collect::<Vec<_>>())
        })
        .expect("rows");
    for row in rows {
        let row = row.expect("row");
        // Names of two characters could be words of a report; longer texts could not.
        for (i, value) in row.into_iter().enumerate() {
            let long_enough = if i == 0 {
                value.chars().count() >= 3
            } else {
                value.chars().count() >= 6
            };
            if long_enough {
                out.push(value);
            }
        }
    }
    // Leaders' and units' names are shown on purpose; a petitioner may share one (马彦龙).
    let mut shown = conn
        .prepare("SELECT name FROM leaders UNION SELECT name FROM units")
        .expect("select");
    let public: std::collections::HashSet<String> = shown
        .query_map([], |r| r.get::<_, String>(0))
        .expect("names")
        .filter_map(Result::ok)
        .collect();
    out.retain(|v| !public.contains(v));
    out.sort();
    out.dedup();
    out
}

#[test]
fn no_format_carries_personal_data_or_lets_names_inject_markup() {
    let (dir, path) = demo_db(3000, 5);
    plant_hostile_names(&path);
    let db = path.to_str().expect("utf-8");
    let secrets = personal_data(&path);
    assert!(secrets.len() > 1000, "{} personal values", secrets.len());
    let out = dir.path().join("out");
    let mut texts = Vec::new();
    for (kind, format) in [
        ("daily", "md"),
        ("weekly", "html"),
        ("monthly", "json"),
        ("daily", "csv"),
        ("monthly", "xlsx"),
    ] {
        let target = format!("{}/", out.display());
        let run = xinfang(&[
            "--db", db, "--lang", "zh", "report", kind, "--format", format, "--out", &target,
        ]);
        assert!(run.status.success(), "{kind} {format}: {}", stderr(&run));
        if format == "xlsx" {
            continue;
        }
        let file = out.join(format!("{kind}-2026-11-24-64.{format}"));
        if format == "csv" {
            // A directory of tables, one file each.
            let tables: Vec<_> = std::fs::read_dir(&out)
                .expect("dir")
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().ends_with(".csv"))
                .collect();
            assert!(tables.len() >= 10, "{} tables", tables.len());
            for t in tables {
                texts.push(("csv", std::fs::read_to_string(t.path()).expect("csv")));
            }
            continue;
        }
        texts.push((format, std::fs::read_to_string(&file).expect("report file")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
            assert_eq!(mode & 0o077, 0, "{format}: readable by its owner only");
        }
    }
    // One CSV file of every table, to standard output.
    texts.push(("csv", report(db, &["report", "daily", "--format", "csv"])));
    // Which formats showed the planted name.
    let mut saw_hostile: Vec<&str> = Vec::new();
    for (format, text) in &texts {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: a control character"
        );
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{format} holds personal data or a title: {secret}"
            );
        }
        if text.contains("HYPERLINK") {
            saw_hostile.push(format);
        }
        match *format {
            "html" => {
                assert!(!text.contains("<script"), "html: injected markup");
                assert!(
                    text.contains("&lt;script&gt;"),
                    "html: the name is shown, escaped"
                );
            }
            "md" => {
                assert!(!text.contains("<script>"), "md: injected markup");
                assert!(
                    text.contains("\\<script\\>"),
                    "md: the name is shown, escaped"
                );
                // No table cell split, no emphasis, no bare link.
                assert!(text.contains("\\*x\\*\\|"), "md: * and | escaped");
                assert!(!text.contains("http://"), "md: a bare link");
                assert!(text.contains("http\\://x"), "md: the link escaped");
            }
            "csv" if text.contains("HYPERLINK") => {
                assert!(
                    text.contains("'=HYPERLINK"),
                    "csv: a formula defused:\n{text}"
                );
                assert!(!text.contains(",=HYPERLINK") && !text.contains("\"=HYPERLINK"));
            }
            "json" => {
                let value: serde_json::Value = serde_json::from_str(text).expect("json");
                let rate =
                    &value["sections"]["indicators"]["tables"]["indicators"]["rows"][3]["value"];
                assert!(
                    rate.is_number() || rate.is_null(),
                    "a rate is a number: {rate}"
                );
            }
            _ => {}
        }
    }
    // The renamed unit has the most overdue cases: every format names it (the deadline table).
    for format in ["md", "html", "json", "csv"] {
        assert!(
            saw_hostile.contains(&format),
            "the planted name is missing from {format}: {saw_hostile:?}"
        );
    }
    // The workbook: one sheet per section, numbers as numbers.
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(out.join("monthly-2026-11-24-64.xlsx")).expect("xlsx");
    assert_eq!(
        book.sheet_names(),
        [
            "一、信访总体情况",
            "二、主要指标",
            "三、办理时限",
            "四、领导包案",
            "五、积案化解（挂图作战）",
            "六、预警、重复信访与集体访"
        ]
    );
    let sheet = book.worksheet_range("二、主要指标").expect("sheet");
    let numbers = sheet
        .rows()
        .flat_map(|r| r.iter())
        .filter(|c| matches!(c, calamine::Data::Float(_) | calamine::Data::Int(_)))
        .count();
    assert!(numbers > 30, "{numbers} numeric cells");
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("sheet");
        for cell in range.rows().flat_map(|r| r.iter()) {
            if let calamine::Data::String(s) = cell {
                assert!(!s.contains('\u{1b}'), "xlsx: a control character");
                assert!(!s.starts_with('='), "xlsx: a formula in {name}: {s}");
                for secret in &secrets {
                    assert!(!s.contains(secret.as_str()), "xlsx holds {secret}");
                }
            }
        }
    }
}

#[test]
fn bad_arguments_are_refused_and_nothing_is_written() {
    let (dir, path) = demo_db(300, 2);
    let db = path.to_str().expect("utf-8");
    let out = dir.path().join("brief.pdf");
    for (args, expected) in [
        (
            vec!["report", "daily", "--date", "2026-12-01"],
            "after today",
        ),
        (
            vec!["report", "daily", "--out", out.to_str().expect("utf-8")],
            "cannot tell the format",
        ),
        (vec!["report", "daily", "--format", "xlsx"], "needs --out"),
        (
            vec!["report", "daily", "--format", "md", "--out", "brief.html"],
            "does not match",
        ),
        (vec!["report", "daily", "--region", "99"], "unknown region"),
        // The shape of a city code, but no city.
        (
            vec!["report", "daily", "--region", "6499"],
            "unknown region",
        ),
        (vec!["report", "yearly"], "invalid value"),
    ] {
        let mut all = vec!["--db", db];
        all.extend(args.iter().copied());
        let run = xinfang(&all);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        assert!(
            stderr(&run).contains(expected),
            "{args:?}: {}",
            stderr(&run)
        );
        assert!(stdout(&run).is_empty(), "{args:?}");
    }
    assert!(!out.exists());
    let missing = dir.path().join("none.db");
    let run = xinfang(&["--db", missing.to_str().expect("utf-8"), "report", "daily"]);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("not found"), "{}", stderr(&run));
    assert!(!missing.exists(), "a report creates no database");
    // An archive directory: named by kind, date and region.
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).expect("dir");
    let run = xinfang(&[
        "--db",
        db,
        "report",
        "weekly",
        "--region",
        "6401",
        "--format",
        "html",
        "--out",
        archive.to_str().expect("utf-8"),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(archive.join("weekly-2026-11-24-6401.html").is_file());
}

#[test]
fn the_html_report_opens_offline_in_a_real_browser() {
    let Some(chromium) = common::browser::chromium() else {
        return;
    };
    let (dir, path) = demo_db(3000, 9);
    let db = path.to_str().expect("utf-8");
    let page = dir.path().join("monthly.html");
    let run = xinfang(&[
        "--db",
        db,
        "--lang",
        "zh",
        "report",
        "monthly",
        "--out",
        page.to_str().expect("utf-8"),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let html = std::fs::read_to_string(&page).expect("html");
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("url("));
    let mut browser = common::browser::Browser::start(&chromium);
    let url = format!("file://{}", page.display());
    browser.open(&url);
    // The charts: every kind, each with a box, and every label inside its chart.
    let charts = browser.eval(
        "JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => {
            const box = s.getBoundingClientRect();
            const view = s.viewBox.baseVal;
            const outside = [...s.querySelectorAll('text')].filter(t => {
                const b = t.getBBox();
                return b.x < -0.5 || b.y < -0.5 || b.x + b.width > view.width + 0.5
                    || b.y + b.height > view.height + 0.5;
            }).map(t => t.textContent);
            return { key: s.dataset.key, width: box.width, height: box.height,
                     texts: s.querySelectorAll('text').length, outside };
        }))",
    );
    let charts: serde_json::Value =
        serde_json::from_str(charts.as_str().expect("json text")).expect("chart list");
    let charts = charts.as_array().expect("charts");
    let keys: Vec<&str> = charts
        .iter()
        .map(|c| c["key"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        keys,
        ["intake_by_county", "intake_trend", "clearance_trend"]
    );
    for chart in charts {
        assert!(chart["width"].as_f64().unwrap_or(0.0) > 100.0, "{chart}");
        assert!(chart["height"].as_f64().unwrap_or(0.0) > 50.0, "{chart}");
        assert!(chart["texts"].as_u64().unwrap_or(0) > 3, "{chart}");
        assert_eq!(
            chart["outside"],
            serde_json::json!([]),
            "labels that do not fit: {chart}"
        );
    }
    // The Chinese sentences are on the page as text.
    let body = browser.eval("document.body.innerText");
    assert!(
        body.as_str().unwrap_or("").contains("本月收到信访事项"),
        "{body}"
    );
    let shot = browser.screenshot();
    assert!(
        shot.starts_with(b"\x89PNG") && shot.len() > 20_000,
        "{} bytes",
        shot.len()
    );
    let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-monthly-zh.png");
    std::fs::write(&saved, &shot).expect("save screenshot");
    eprintln!("screenshot: {}", saved.display());
    // Nothing fetched but the page, and no error.
    let requests: Vec<String> = browser
        .events_of("Network.requestWillBeSent")
        .iter()
        .map(|e| {
            e["params"]["request"]["url"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .filter(|u| *u != url)
        .collect();
    assert!(requests.is_empty(), "network requests: {requests:?}");
    assert!(browser.events_of("Runtime.exceptionThrown").is_empty());
    let errors: Vec<&serde_json::Value> = browser
        .events_of("Log.entryAdded")
        .into_iter()
        .chain(browser.events_of("Runtime.consoleAPICalled"))
        .filter(|e| e["params"]["entry"]["level"] == "error" || e["params"]["type"] == "error")
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

#[test]
fn the_meeting_board_drills_into_a_unit_and_writes_the_brief() {
    let (dir, store) = common::console::open_demo(20_000);
    let out = dir.path().join("briefs");
    std::fs::create_dir(&out).expect("dir");
    // `b` opens the boards; the Meeting board is the last, before the overview.
    let screen = common::console::drive(&store, Lang::Zh, 100, 40, &["b", "["]).screen;
    assert!(
        screen.contains("今日要情") && screen.contains("超期最多的单位"),
        "{screen}"
    );
    assert!(screen.contains("今日收到信访事项"), "{screen}");
    assert!(screen.contains("积案化解"), "{screen}");
    let en = common::console::drive(&store, Lang::En, 80, 24, &["b", "["]).screen;
    assert!(en.contains("Today in brief"), "{en}");
    // Its footer hints only keys that do something there; `f` says it has no choice.
    let f = common::console::drive(&store, Lang::Zh, 100, 40, &["b", "[", "f"]);
    let footer = f
        .screen
        .lines()
        .rev()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(
        footer.contains("e 写简报") && !footer.contains("f 选项"),
        "{footer}"
    );
    assert!(!footer.contains("o 排序"), "{footer}");
    let status = f.state.status.clone().unwrap_or_default();
    assert!(status.contains("没有可切换的选项"), "{status}");
    let packages = common::console::drive(&store, Lang::Zh, 100, 40, &["b", "tab"]).screen;
    assert!(
        packages.contains("f 选项") && packages.contains("o 排序"),
        "{packages}"
    );
    // The palette opens it by name too.
    let named = common::console::drive(
        &store,
        Lang::En,
        80,
        24,
        &[":", "text:board meeting", "enter"],
    );
    assert_eq!(
        named.state.board.as_ref().map(|v| v.kind),
        Some(BoardKind::Meeting),
        "{}",
        named.screen
    );
    // Six headlines, then the first unit: Enter opens its cases due soon or overdue.
    let brief = store
        .brief(&BriefQuery {
            kind: ReportKind::Daily,
            as_of: today(),
            region: "64".into(),
            today: today(),
        })
        .expect("brief");
    let unit = brief
        .deadlines
        .first()
        .expect("a unit with deadlines")
        .clone();
    let mut keys = vec!["b", "["];
    keys.extend(["j"; 6]);
    keys.push("enter");
    let driven = common::console::drive(&store, Lang::Zh, 100, 40, &keys);
    let queue = driven.state.queue().expect("the drill-down queue");
    assert_eq!(queue.filter, unit.filter, "the unit's cases");
    assert!(driven.screen.contains(&unit.unit), "{}", driven.screen);
    // `e` writes today's brief and says where.
    let mut setup = common::console::setup(
        Arc::clone(&store),
        Lang::Zh,
        xinfang::keymap::Keymap::default_preset(),
        Vec::new(),
    );
    setup.export_dir = Some(out.clone());
    let driven = common::console::drive_with(setup, 100, 40, &["b", "[", "e"]);
    let file = out.join("daily-2026-11-24-64.html");
    assert!(file.is_file(), "{}", driven.screen);
    assert!(driven.screen.contains("简报已写入"), "{}", driven.screen);
    // A directory that does not exist is an error, not a file of its name.
    let missing = dir.path().join("no-such-dir");
    let mut setup = common::console::setup(
        Arc::clone(&store),
        Lang::En,
        xinfang::keymap::Keymap::default_preset(),
        Vec::new(),
    );
    setup.export_dir = Some(missing.clone());
    let refused = common::console::drive_with(setup, 100, 40, &["b", "[", "e"]);
    let status = refused.state.status.clone().unwrap_or_default();
    assert!(
        status.starts_with("the brief was not written") && status.contains("does not exist"),
        "{status}"
    );
    assert!(!missing.exists());
    let html = std::fs::read_to_string(file).expect("html");
    assert!(html.contains("今日收到信访事项"));
}

#[test]
fn an_empty_database_gives_sentences_not_nan() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("empty.db");
    let store = xinfang::store::open(
        path.to_str().expect("utf-8"),
        Rules::default(),
        OpenMode::Create,
    )
    .expect("create");
    for kind in ReportKind::ALL {
        let brief = store
            .brief(&BriefQuery {
                kind: *kind,
                as_of: today(),
                region: "64".into(),
                today: today(),
            })
            .expect("brief");
        for lang in [Lang::Zh, Lang::En] {
            let report = xinfang::report::build(
                &brief,
                xinfang::report::Options {
                    boards: &Rules::default().boards,
                    lang,
                },
            );
            let intake = &report.sections[0].sentences[0];
            assert!(
                intake.contains("未收到") || intake.contains("no petitions"),
                "{intake}"
            );
            // With nothing measured the section says only that.
            let rates = &report.sections[1].sentences.join("");
            assert!(
                rates.contains("没有可计算") || rates.contains("No rate"),
                "{rates}"
            );
            for format in xinfang::report::Format::ALL {
                let bytes = xinfang::report::render(&report, *format).expect("render");
                if *format == xinfang::report::Format::Xlsx {
                    continue;
                }
                let text = String::from_utf8(bytes).expect("utf-8");
                for bad in ["NaN", "inf%", "-inf"] {
                    assert!(!text.contains(bad), "{kind} {format:?}: {bad}");
                }
            }
        }
    }
}

#[test]
fn a_report_on_an_earlier_day_counts_deadlines_today_and_says_so() {
    let (_dir, path) = demo_db(3000, 4);
    let db = path.to_str().expect("utf-8");
    let past = report(
        db,
        &[
            "--lang",
            "zh",
            "report",
            "daily",
            "--date",
            "2026-10-31",
            "--format",
            "json",
        ],
    );
    let now = report(db, &["--lang", "zh", "report", "daily", "--format", "json"]);
    let (past, now): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&past).expect("json"),
        serde_json::from_str(&now).expect("json"),
    );
    // The deadlines are today's, whatever the report's day, and the report says so.
    assert_eq!(
        past["sections"]["deadlines"]["tables"],
        now["sections"]["deadlines"]["tables"]
    );
    let said = past["sections"]["deadlines"]["sentences"].to_string();
    assert!(said.contains("按今日（2026-11-24）的状态统计"), "{said}");
    assert!(
        !now["sections"]["deadlines"]["sentences"]
            .to_string()
            .contains("按今日")
    );
    // The intake is the report's own day.
    assert_eq!(past["period"]["from"], "2026-10-31");
    assert_ne!(
        past["sections"]["intake"]["sentences"],
        now["sections"]["intake"]["sentences"]
    );
}

#[test]
fn a_drill_down_named_after_a_hostile_unit_shows_its_escapes_as_text() {
    let (_dir, path) = demo_db(20_000, 1);
    plant_hostile_names(&path);
    let store: Arc<dyn Store> = Arc::from(
        xinfang::store::open(
            path.to_str().expect("utf-8"),
            Rules::default(),
            OpenMode::ReadWrite,
        )
        .expect("open"),
    );
    let brief = store
        .brief(&BriefQuery {
            kind: ReportKind::Daily,
            as_of: today(),
            region: "64".into(),
            today: today(),
        })
        .expect("brief");
    let at = brief
        .deadlines
        .iter()
        .position(|u| u.unit == HOSTILE)
        .expect("the renamed unit is among the units with deadlines");
    assert!(at < 5, "it is among the five shown ({at})");
    // Six headlines, then the units.
    let mut keys = vec!["b", "["];
    keys.extend(std::iter::repeat_n("j", 6 + at));
    keys.push("enter");
    let driven = common::console::drive(&store, Lang::Zh, 100, 30, &keys);
    let label = driven
        .state
        .queue()
        .expect("the drill-down queue")
        .label(Lang::Zh)
        .to_string();
    assert!(label.contains("HYPERLINK"), "{label}");
    assert!(!label.chars().any(char::is_control), "{label:?}");
    assert!(label.contains('␛') && label.contains('␇'), "{label}");
    assert!(!driven.screen.contains('\u{1b}'), "{}", driven.screen);
    assert!(driven.screen.contains("␛]0;PWNED"), "{}", driven.screen);
}
