//! Import and export through the real binary: round trips in every format on SQLite and
//! PostgreSQL, a GBK file from a Chinese Excel, and bad files, each refused with its line and
//! column and leaving the database exactly as it was.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::pg::{Schema, server};
use common::{demo_db, fingerprint, login, stderr, stdout, xinfang};
use std::path::{Path, PathBuf};

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// A new, empty database at `location` whose admin is whoever runs the tests.
fn empty_database(location: &str) {
    let out = xinfang(&["--db", location, "db", "migrate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = xinfang(&["--db", location, "user", "add", &login(), "--role", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// `cases --queue all`, its lines sorted: cases received on the same day are listed in the order
/// they were registered, which for imported cases is the order of the file.
fn listing(location: &str) -> String {
    let out = xinfang(&["--db", location, "cases", "--queue", "all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 100, "a listing of the demo: {}", lines.len());
    lines.sort_unstable();
    lines.join("\n")
}

fn export(db: &str, out: &Path) {
    let done = xinfang(&["--db", db, "export", "--queue", "all", "--out", s(out)]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stderr(&done).contains("Exported"), "{}", stderr(&done));
}

fn import(db: &str, files: &[&str], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--db", db, "import"];
    args.extend_from_slice(files);
    args.extend_from_slice(extra);
    xinfang(&args)
}

fn verified(db: &str) {
    let out = xinfang(&["--db", db, "audit", "verify"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let out = xinfang(&["--db", db, "db", "check"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn every_format_round_trips_into_an_empty_database() {
    let (dir, source) = demo_db(700, 3);
    let source = s(&source).to_string();
    let expected = listing(&source);
    for format in ["csv", "jsonl", "xlsx"] {
        let file = dir.path().join(format!("all.{format}"));
        export(&source, &file);
        let target = dir.path().join(format!("copy-{format}.db"));
        let target = s(&target);
        empty_database(target);
        let out = import(target, &[s(&file)], &["--add-units"]);
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("Imported 700 cases"),
            "{}",
            stdout(&out)
        );
        assert_eq!(listing(target), expected, "{format}: the listing differs");
        verified(target);
        // Importing the same file again finds every number already there.
        let again = import(target, &[s(&file)], &["--add-units"]);
        assert!(!again.status.success());
        assert!(
            stderr(&again).contains(":2: number:")
                && stderr(&again).contains("already in the database"),
            "{}",
            stderr(&again)
        );
        let skipped = import(target, &[s(&file)], &["--on-duplicate", "skip"]);
        assert!(
            stdout(&skipped).contains("700 duplicates skipped"),
            "{}",
            stdout(&skipped)
        );
    }
}

#[test]
fn a_round_trip_into_postgresql_gives_the_same_listing() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "import");
    let (dir, source) = demo_db(500, 5);
    let source = s(&source).to_string();
    let file = dir.path().join("all.csv");
    export(&source, &file);
    let url = schema.url();
    empty_database(&url);
    let out = import(&url, &[s(&file)], &["--add-units"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(listing(&url), listing(&source));
    verified(&url);
    // A bad file changes nothing on PostgreSQL either.
    let before = listing(&url);
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "received_on,channel,county,title\n2026-11-02,visit,金凤区,欠薪\n2026-13-02,visit,金凤区,欠薪\n",
    )
    .unwrap();
    let out = import(&url, &[s(&bad)], &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("bad.csv:3: received_on:"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listing(&url), before);
}

/// A CSV as a Chinese Excel saves it: GBK, Chinese headers and labels, dates with slashes.
fn gbk_csv(path: &Path, rows: &[&str]) {
    let mut text =
        String::from("编号,登记日期,信访形式,县区,内容分类,标题,信访人,身份证号,联系电话,状态\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_gbk_csv_from_a_chinese_excel_imports() {
    let (dir, db) = demo_db(200, 1);
    let db = s(&db).to_string();
    let file = dir.path().join("excel.csv");
    gbk_csv(
        &file,
        &[
            "GBK-1,2026/11/3,来访,金凤区,劳动保障·拖欠农民工工资,宏达建筑工地拖欠工资,马建国,11010519491231002X,13812345678,已登记",
            "GBK-2,2026年11月4日,来信,西夏区,逾期交房,锦绣花园逾期交房,李秀兰,,0951-5012345,已登记",
        ],
    );
    // Forced to read it as UTF-8, it is refused and nothing is written.
    let before = fingerprint(Path::new(&db));
    let out = import(&db, &[s(&file)], &["--encoding", "utf-8"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
    assert_eq!(fingerprint(Path::new(&db)), before);
    let out = import(&db, &[s(&file)], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Imported 2 cases"),
        "{}",
        stdout(&out)
    );
    let listed = stdout(&xinfang(&["--db", &db, "cases", "--queue", "all"]));
    assert!(
        listed.contains("GBK-1\t2026-11-03\tvisit\t金凤区\tunpaid-wages"),
        "{listed}"
    );
    assert!(listed.contains("锦绣花园逾期交房"), "{listed}");
    // A sheet with columns of its own is refused, unless they are to be passed over.
    let extra = self::file(
        dir.path(),
        "extra.csv",
        "序号,编号,登记日期,信访形式,县区,标题,备注\n1,EX-1,2026-11-05,来访,金凤区,多列台账,电话回访\n",
    );
    let err = stderr(&import(&db, &[s(&extra)], &[]));
    assert!(
        err.contains("unknown column `序号`") && err.contains("--ignore-unknown"),
        "{err}"
    );
    let out = import(&db, &[s(&extra)], &["--ignore-unknown"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = stdout(&xinfang(&["--db", &db, "cases", "--queue", "all"]));
    assert!(
        listed.contains("EX-1\t2026-11-05\tvisit\t金凤区"),
        "{listed}"
    );
    verified(&db);
}

/// A CSV of `rows` valid registrations; row `bad` (a line number) has a wrong check character.
fn long_csv(path: &Path, rows: usize, bad: usize) {
    use std::fmt::Write as _;
    let mut text = String::from("number,received_on,channel,county,title,petitioner,id_number\n");
    for i in 0..rows {
        let line = i + 2;
        let base = format!("64010619900101{:03}", i % 1000);
        let id = with_check(&base);
        let id = if line == bad {
            let wrong = if id.ends_with('1') { '2' } else { '1' };
            format!("{}{wrong}", &id[..17])
        } else {
            id
        };
        let _ = writeln!(
            text,
            "L-{i},2026-10-{:02},online,640106,请求解决欠薪{i},马某,{id}",
            1 + i % 28
        );
    }
    std::fs::write(path, text).unwrap();
}

fn with_check(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{first17}{}", CHECK[(sum % 11) as usize])
}

#[test]
fn one_bad_id_number_on_line_5000_is_named_and_nothing_is_written() {
    let (dir, db) = demo_db(100, 1);
    let db = s(&db).to_string();
    let file = dir.path().join("many.csv");
    long_csv(&file, 6000, 5000);
    let before = fingerprint(Path::new(&db));
    for extra in [&[][..], &["--dry-run"][..]] {
        let out = import(&db, &[s(&file)], extra);
        assert!(!out.status.success());
        let err = stderr(&out);
        let shown = format!(
            "{}:5000: id_number: the ID number's check character should be",
            s(&file)
        );
        assert!(err.contains(&shown), "{err}");
        assert_eq!(err.matches("id_number").count(), 1, "{err}");
        assert!(
            err.contains("6000 rows checked: 1 problem; nothing was written"),
            "{err}"
        );
        assert_eq!(fingerprint(Path::new(&db)), before);
    }
    // Fixed, a dry run says so and still writes nothing; the import then writes them all.
    long_csv(&file, 6000, 0);
    let out = import(&db, &[s(&file)], &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("a dry run writes nothing"));
    assert_eq!(fingerprint(Path::new(&db)), before);
    let out = import(&db, &[s(&file)], &[]);
    assert!(
        stdout(&out).contains("Imported 6000 cases"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    verified(&db);
}

/// Writes `name` in `dir` with `bytes`.
fn file(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// An XLSX whose sheet inflates from about 20 KB to 20 MB.
fn zip_bomb(path: &Path) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..20 {
        zip.write_all(&spaces).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn bad_files_are_refused_with_their_line_and_column_and_change_nothing() {
    let (dir, db) = demo_db(100, 1);
    let db = s(&db).to_string();
    let d = dir.path();
    let header = "number,received_on,channel,county,title";
    let big = format!(
        "{header}\nB-1,2026-11-02,visit,金凤区,{}\n",
        "长".repeat(4_000_000)
    );
    let bomb = d.join("bomb.xlsx");
    zip_bomb(&bomb);
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            file(d, "empty.csv", ""),
            "empty.csv: is empty: it has no header row",
        ),
        (file(d, "blank.jsonl", "\n\n"), "blank.jsonl: has no cases"),
        (
            file(
                d,
                "unknown.csv",
                "number,received_on,channel,county,title,colour\n",
            ),
            "unknown.csv:1: header: unknown column `colour`",
        ),
        (
            file(
                d,
                "missing.csv",
                "number,received_on,title\nM-1,2026-11-02,欠薪\n",
            ),
            "missing.csv:1: header: missing column(s): channel, county",
        ),
        (
            file(
                d,
                "wide.csv",
                format!("{header}\nW-1,2026-11-02,visit,金凤区,欠薪,extra\n"),
            ),
            "wide.csv:2: has 6 fields but the header has 5",
        ),
        (
            file(
                d,
                "cut.jsonl",
                "{\"received_on\":\"2026-11-02\",\"channel\":\"visit\",\"county\":\"金凤区\",\"title\":\"欠",
            ),
            "cut.jsonl:1: not a JSON object on one line",
        ),
        (
            file(d, "big.csv", big),
            "big.csv:2: title: the field is 12.0 MB",
        ),
        (
            file(
                d,
                "codes.csv",
                format!(
                    "{header},category,state\nC-1,2026-11-02,pigeon,金凤区,欠薪,wages,已答复\n"
                ),
            ),
            "codes.csv:2: channel: unknown value `pigeon`",
        ),
        (
            file(
                d,
                "order.csv",
                format!(
                    "{header},unit,forwarded_on,class,accepted_on\nO-1,2026-11-02,visit,金凤区,欠薪,金凤区人社局,2026-11-05,demand,2026-11-03\n"
                ),
            ),
            "order.csv:2: accepted_on: cannot accept a case that is registered (on 2026-11-03 the case was registered, as registered on 2026-11-02; steps are taken in date order)",
        ),
        (
            file(d, "text.xlsx", "number,title\n"),
            "text.xlsx: is not an Excel workbook",
        ),
        (bomb, "bomb.xlsx: looks like a zip bomb"),
        (
            file(
                d,
                "late.csv",
                format!("{header}\nL-1,2027-01-02,visit,金凤区,欠薪\n"),
            ),
            "late.csv:2: received_on: 2027-01-02 is after today",
        ),
        (
            file(
                d,
                "early.csv",
                format!(
                    "{header},unit,forwarded_on\nE-1,2026-11-08,visit,金凤区,欠薪,金凤区人社局,2026-11-01\n"
                ),
            ),
            "early.csv:2: forwarded_on: 2026-11-01 is before the petition was received (2026-11-08)",
        ),
        (
            file(
                d,
                "delivered.csv",
                format!(
                    "{header},unit,forwarded_on,class,accepted_on,replied_on,outcome,delivered_on\nD-1,2026-11-02,visit,金凤区,欠薪,金凤区人社局,2026-11-03,demand,2026-11-04,2026-11-20,supported,2026-11-15\n"
                ),
            ),
            "delivered.csv:2: delivered_on: 2026-11-15 is before the reply on 2026-11-20",
        ),
        (
            file(
                d,
                "twice.csv",
                format!(
                    "{header}\nT-1,2026-11-02,visit,金凤区,欠薪\nT-1,2026-11-03,visit,金凤区,另一件\n"
                ),
            ),
            "twice.csv:3: number: T-1 is also on line 2",
        ),
        (
            file(d, "utf16.csv", [0xFF, 0xFE, b'n', 0, b'o', 0]),
            "utf16.csv: is UTF-16 text",
        ),
    ];
    let before = fingerprint(Path::new(&db));
    for (path, expected) in cases {
        // Skipping duplicates is for numbers already in the database, never two rows of a file.
        let out = import(&db, &[s(&path)], &["--on-duplicate", "skip"]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{expected}: {err}");
        assert!(err.contains(expected), "expected `{expected}` in:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(fingerprint(Path::new(&db)), before, "{expected}");
    }
    // The state column is checked against where the dates lead.
    let state = file(
        d,
        "state.csv",
        format!("{header},state\nS-1,2026-11-02,visit,金凤区,欠薪,已答复\n"),
    );
    let err = stderr(&import(&db, &[s(&state)], &[]));
    assert!(
        err.contains("state.csv:2: state: the row says replied but its dates lead to registered"),
        "{err}"
    );
    assert_eq!(fingerprint(Path::new(&db)), before);
}

#[test]
fn an_export_shows_what_the_role_may_see_and_cannot_run_a_formula() {
    let (dir, db) = demo_db(100, 1);
    let db = s(&db).to_string();
    let row = "H-1,2026-11-02,visit,金凤区,\"=HYPERLINK(\"\"http://evil\"\",\"\"点击领取补偿\"\")\",\"摘要\u{1b}]0;PWNED\u{7}第一行\n第二行\",马某,11010519491231002X,13812345678,=SUM(1)";
    let hostile = file(
        dir.path(),
        "hostile.csv",
        format!(
            "number,received_on,channel,county,title,summary,petitioner,id_number,phone,address\n{row}\n"
        ),
    );
    let out = import(&db, &[s(&hostile)], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv_out = dir.path().join("out.csv");
    let done = xinfang(&[
        "--db",
        &db,
        "export",
        "--search",
        "点击领取补偿",
        "--out",
        s(&csv_out),
    ]);
    assert!(done.status.success(), "{}", stderr(&done));
    let bytes = std::fs::read(&csv_out).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM for Excel");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&csv_out).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "an export holds personal data: only its owner reads it"
        );
    }
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(
        text.contains("11010519491231002X"),
        "an admin sees the ID number"
    );
    // A viewer sees it masked; the history (with its corrections) is left out.
    let viewer = xinfang(&[
        "--db",
        &db,
        "--user",
        "zhou.min",
        "export",
        "--search",
        "点击领取补偿",
    ]);
    let seen = stdout(&viewer);
    assert!(seen.contains("1101**********002X"), "{seen}");
    assert!(
        !seen.contains("11010519491231002X") && !seen.contains("\"steps\""),
        "{seen}"
    );
    // The export reads back as the same case.
    let copy = dir.path().join("copy.db");
    empty_database(s(&copy));
    let back = import(s(&copy), &[s(&csv_out)], &[]);
    assert!(back.status.success(), "{}", stderr(&back));
    let listed = stdout(&xinfang(&["--db", s(&copy), "cases"]));
    // The address is defused as every other text, and a summary's line breaks survive.
    assert!(text.contains(",'=SUM(1),"), "{text}");
    let again = dir.path().join("again.csv");
    let done = xinfang(&[
        "--db",
        s(&copy),
        "export",
        "--queue",
        "all",
        "--out",
        s(&again),
    ]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(
        std::fs::read_to_string(&again)
            .unwrap()
            .contains("第一行\n第二行")
    );
    // An edit to a step column of an exported row whose history says otherwise is refused.
    let edited = std::fs::read_to_string(&csv_out).unwrap().replacen(
        "false,false,false,",
        "false,false,true,",
        1,
    );
    let edited_path = file(dir.path(), "edited.csv", edited);
    let third = dir.path().join("third.db");
    empty_database(s(&third));
    let err = stderr(&import(s(&third), &[s(&edited_path)], &[]));
    assert!(
        err.contains("edited.csv:2: collective: the row says `true` but its history gives `false`"),
        "{err}"
    );
    assert!(listed.contains("=HYPERLINK("), "{listed}");
    // In Excel: numbers stay text, dates are dates.
    let xlsx = dir.path().join("out.xlsx");
    let done = xinfang(&[
        "--db",
        &db,
        "export",
        "--search",
        "点击领取补偿",
        "--out",
        s(&xlsx),
    ]);
    assert!(done.status.success(), "{}", stderr(&done));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("Sheet1").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = sheet.rows().nth(1).unwrap();
    assert_eq!(
        row[col("id_number")],
        calamine::Data::String("11010519491231002X".into())
    );
    assert_eq!(row[col("number")], calamine::Data::String("H-1".into()));
    assert!(
        matches!(row[col("received_on")], calamine::Data::DateTime(_)),
        "{:?}",
        row[col("received_on")]
    );
    assert!(matches!(
        row[col("persons")],
        calamine::Data::Float(_) | calamine::Data::Int(_)
    ));
}

#[test]
fn imported_cases_are_seen_by_an_open_store_at_once() {
    let (dir, db) = demo_db(100, 1);
    let store = xinfang::store::open(
        s(&db),
        xinfang::domain::Rules::default(),
        xinfang::store::OpenMode::ReadOnly,
    )
    .unwrap();
    let head = store.head().unwrap();
    let path = file(
        dir.path(),
        "two.jsonl",
        "{\"received_on\":\"2026-11-02\",\"channel\":\"visit\",\"county\":\"金凤区\",\"title\":\"欠薪一\"}\n{\"received_on\":\"2026-11-03\",\"channel\":\"letter\",\"county\":\"640104\",\"title\":\"欠薪二\"}\n",
    );
    let out = import(s(&db), &[s(&path)], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (newest, changed) = store.changed_since(head).unwrap();
    assert_eq!(newest, head + 2);
    assert_eq!(changed.len(), 2);
    let first = store.case(changed[0]).unwrap().unwrap();
    assert!(
        first.case.number.starts_with("NX-2026-"),
        "{}",
        first.case.number
    );
    // Its history is the import event, holding the registration.
    assert_eq!(first.events.len(), 1);
    assert!(matches!(
        first.events[0].step,
        xinfang::domain::Step::Import { .. }
    ));
}

#[test]
fn two_loads_into_one_file_never_leave_a_corrupt_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("race.db");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_xinfang"))
            .args([
                "--today",
                "2026-11-24",
                "--db",
                s(&db),
                "demo",
                "--cases",
                "4000",
                "--no-open",
            ])
            .env("XDG_CONFIG_HOME", dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    for _ in 0..3 {
        let (a, b) = (run(), run());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(
            a.status.success() || b.status.success(),
            "{}{}",
            stderr(&a),
            stderr(&b)
        );
        for out in [&a, &b] {
            if !out.status.success() {
                assert!(
                    stderr(out).contains("is being written by another xinfang"),
                    "{}",
                    stderr(out)
                );
            }
        }
        let check = xinfang(&["--db", s(&db), "db", "check"]);
        assert!(
            check.status.success(),
            "{}{}",
            stdout(&check),
            stderr(&check)
        );
    }
    // While another run holds the file, a demo and an import each say it is busy and change
    // nothing; once it is let go, they run.
    let before = fingerprint(&db);
    let held = xinfang::store::sqlite::lock_target(&db).unwrap();
    let rows = self::file(
        dir.path(),
        "one.csv",
        "received_on,channel,county,title\n2026-11-02,visit,金凤区,欠薪\n",
    );
    for args in [
        vec!["--db", s(&db), "demo", "--cases", "500", "--no-open"],
        vec!["--db", s(&db), "import", s(&rows)],
    ] {
        let out = xinfang(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("is being written by another xinfang"),
            "{}",
            stderr(&out)
        );
        assert_eq!(fingerprint(&db), before, "{args:?}");
    }
    drop(held);
    let out = import(s(&db), &[s(&rows)], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // No side file is left behind.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_console_exports_marks_a_search_or_the_queue_on_screen() {
    use common::console::{Session, open_demo};
    let (dir, store) = open_demo(800);
    let out = dir.path().join("exports");
    std::fs::create_dir_all(&out).unwrap();
    let mut session = Session::new(&store, 120, 40);
    session.state.as_mut().unwrap().export_dir = Some(out.clone());
    let written = |status: &str| -> (usize, PathBuf) {
        let path = status
            .split(" to ")
            .nth(1)
            .unwrap_or_else(|| panic!("{status}"));
        let text = std::fs::read_to_string(path).unwrap();
        (text.lines().count() - 1, PathBuf::from(path))
    };
    // The queue on screen (to-forward), all of it.
    let state = session.keys(&["1", "j", "2", "E"]).clone();
    let status = state.status.clone().unwrap_or_default();
    assert!(status.starts_with("exported "), "{status}");
    let (rows, path) = written(&status);
    assert_eq!(
        Some(rows as u64),
        state.counts[state.queue_index],
        "{status}"
    );
    assert!(
        path.starts_with(&out) && path.to_string_lossy().contains("to-forward"),
        "{path:?}"
    );
    // Two marked cases: just those.
    let state = session.keys(&["space", "space", "E"]).clone();
    let status = state.status.clone().unwrap_or_default();
    assert_eq!(written(&status).0, 2, "{status}");
    assert!(status.contains("marked"), "{status}");
    // A search, from inside the search (ctrl-e), once the marks are cleared.
    let state = session.keys(&["x", "/", "text:工资", "ctrl-e"]).clone();
    let xinfang::app::state::Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let status = state.status.clone().unwrap_or_default();
    assert_eq!(written(&status).0, search.hits.len(), "{status}");
    assert!(status.contains("search"), "{status}");
}

#[test]
fn a_board_exports_its_table_without_personal_data() {
    let (dir, db) = demo_db(1500, 2);
    let db = s(&db).to_string();
    let out = xinfang(&["--db", &db, "export", "--board", "backlog"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].ends_with("county,backlog,cleared,rate %,cleared yesterday"),
        "{text}"
    );
    // Every county of Ningxia, then the total.
    assert_eq!(lines.len(), 1 + 22 + 1, "{text}");
    assert!(lines[23].starts_with("total,"), "{text}");
    for board in ["overview", "packages", "map", "warnings"] {
        let file = dir.path().join(format!("{board}.xlsx"));
        let out = xinfang(&[
            "--db",
            &db,
            "--lang",
            "zh",
            "export",
            "--board",
            board,
            "--out",
            s(&file),
        ]);
        assert!(out.status.success(), "{board}: {}", stderr(&out));
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
        let sheet = book.worksheet_range("Sheet1").unwrap();
        assert!(sheet.height() >= 2, "{board}: a header and rows");
    }
    // No personal data: no ID number or phone (a run of 11 digits or more) anywhere.
    let all: String = ["overview", "packages", "backlog", "map", "warnings"]
        .iter()
        .map(|b| stdout(&xinfang(&["--db", &db, "export", "--board", b])))
        .collect();
    let mut run = 0;
    for c in all.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        assert!(run < 11, "a long number in a board export");
    }
    // A board is the user's region's: an operator of Yinchuan sees its six counties.
    let out = xinfang(&["--db", &db, "--user", "li.na", "export", "--board", "map"]);
    assert_eq!(stdout(&out).lines().count(), 1 + 6, "{}", stdout(&out));
}

#[test]
fn numbers_links_refusals_and_undo_of_imported_cases() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let db = s(&db).to_string();
    empty_database(&db);
    // A generated number never takes one the file gives; a repeat may name a later row.
    let rows = file(
        dir.path(),
        "mixed.csv",
        "number,received_on,channel,county,title,repeat_of\n\
         ,2026-11-02,visit,金凤区,欠薪一,LATER-1\n\
         NX-2026-000002,2026-11-02,visit,金凤区,欠薪二,\n\
         ,2026-11-03,visit,金凤区,欠薪三,\n\
         LATER-1,2026-11-01,letter,金凤区,欠薪原件,\n",
    );
    let out = import(&db, &[s(&rows)], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = stdout(&xinfang(&["--db", &db, "cases", "--queue", "all"]));
    for number in [
        "NX-2026-000001",
        "NX-2026-000002",
        "NX-2026-000003",
        "LATER-1",
    ] {
        assert_eq!(listed.matches(number).count(), 1, "{number}: {listed}");
    }
    let repeats = stdout(&xinfang(&["--db", &db, "cases", "--queue", "repeat"]));
    assert!(repeats.contains("欠薪一"), "{repeats}");
    verified(&db);
    // An imported case's import cannot be undone: it is its registration.
    let store = xinfang::store::open(
        &db,
        xinfang::domain::Rules::default(),
        xinfang::store::OpenMode::ReadWrite,
    )
    .unwrap();
    let id = store.find("NX-2026-000002").unwrap().unwrap();
    let err = store.undo_last(id, &login(), common::now()).unwrap_err();
    assert!(err.to_string().contains("nothing to undo"), "{err}");
    // A history may not hold an import of its own.
    let history = r#"{"steps":[{"at":"2026-11-02T09:00:00","actor":"x","step":{"step":"register"}},{"at":"2026-11-02T10:00:00","actor":"x","step":{"step":"import","source":"f","history":[]}}]}"#;
    let nested = file(
        dir.path(),
        "nested.jsonl",
        format!(
            "{}\n",
            serde_json::json!({"received_on": "2026-11-02", "channel": "visit", "county": "金凤区", "title": "嵌套", "history": history})
        ),
    );
    let err = stderr(&import(&db, &[s(&nested)], &[]));
    assert!(
        err.contains("nested.jsonl:1: history: step 2 is a step `import`"),
        "{err}"
    );
    // Someone who is not an admin is refused at once, however long the file (the reader does
    // not wait on a store that has stopped).
    let long = dir.path().join("long.csv");
    long_csv(&long, 30_000, 0);
    let operator = xinfang(&[
        "--db", &db, "user", "add", "li.na", "--role", "operator", "--scope", "6401",
    ]);
    assert!(operator.status.success(), "{}", stderr(&operator));
    let refused = xinfang(&["--db", &db, "--user", "li.na", "import", s(&long)]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("only an admin"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn the_detail_pane_lists_an_imported_case_s_steps_under_its_import() {
    use common::console::{Session, open_demo};
    let (dir, store) = open_demo(300);
    let db = dir.path().join("demo.db");
    let rows = self::file(
        dir.path(),
        "steps.csv",
        "number,received_on,channel,county,title,unit,forwarded_on,class,accepted_on\n\
         IMP-1,2026-11-02,visit,金凤区,导入的欠薪件,金凤区人社局,2026-11-03,demand,2026-11-04\n",
    );
    let out = import(s(&db), &[s(&rows)], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut session = Session::new(&store, 120, 40);
    session.keys(&["/", "text:导入的欠薪件", "enter", "3"]);
    let screen = common::console::session_screen(&mut session);
    assert!(
        screen.contains(" imported") && screen.contains("steps.csv:2"),
        "{screen}"
    );
    for (day, step) in [
        ("02", "registered"),
        ("03", "forwarded"),
        ("04", "accepted"),
    ] {
        let line = format!("  2026-11-{day} ");
        let shown = screen
            .lines()
            .any(|l| l.contains(&line) && l.contains(&format!(" {step}")));
        assert!(shown, "{step}: {screen}");
    }
}
