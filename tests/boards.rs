//! Boards on a hand-built fixture: every number checked against arithmetic written out here;
//! snapshots of each wall board at 80×24 and 200×60 in Chinese and English with no ID number,
//! phone number or petition text on any of them; the console's boards and drill-down; and the
//! wall board's source surviving its database file disappearing and coming back.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use chrono::NaiveDate;
use common::today;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use xinfang::app::state::ThemeName;
use xinfang::app::wall::{Source, Wall};
use xinfang::domain::board::BoardKind;
use xinfang::domain::case::{DutyRecord, Package};
use xinfang::domain::org::{Leader, Unit};
use xinfang::domain::{
    Case, Category, Channel, Intake, LeaderLevel, Petitioner, Rules, Satisfaction, State,
};
use xinfang::i18n::Lang;
use xinfang::store::board::{BoardData, BoardQuery, Reason};
use xinfang::store::sqlite::{self, References};
use xinfang::store::{OpenMode, Store};

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// Petitioner data that must never reach a board.
const ID_NUMBER: &str = "640104199001011234";
const PHONE: &str = "13812345678";
const SECRET_TITLE: &str = "举报某局长受贿";

fn intake(county: &str, township: &str, received: &str, channel: Channel) -> Intake {
    Intake {
        title: SECRET_TITLE.into(),
        summary: "详情涉及个人隐私".into(),
        channel,
        category: Some(Category::UnpaidWages),
        county: county.into(),
        township: township.into(),
        petitioner: Petitioner {
            name: "张伟".into(),
            id_number: ID_NUMBER.into(),
            phone: PHONE.into(),
            address: "金凤区某小区".into(),
        },
        persons: 1,
        involved: 1,
        threat: false,
        urgent: false,
        received_on: day(received),
        accused: String::new(),
        accused_unit: None,
    }
}

fn duties(done: usize, on: &str) -> [Option<DutyRecord>; 5] {
    std::array::from_fn(|i| {
        (i < done).then(|| DutyRecord {
            done_on: day(on),
            note: "已落实".into(),
        })
    })
}

/// The fixture, seen on 2026-11-24 (a Tuesday):
/// - 1–5: 金凤区 township 640106001, unpaid wages, registered 11-24, 11-23, 11-22, 11-21, 11-20
///   (online, letter, online, visit, online); case 5 carries a threat.
/// - 6: 兴庆区, received 05-01, accepted 05-05 by unit 1 (兴庆区住建局), in handling (due 07-04,
///   overdue), backlog, packaged to leader 1 with 2 duties done.
/// - 7: 兴庆区, received 03-01, accepted 03-03, replied 03-20 (satisfied), concluded 04-01,
///   backlog, leader 1 with all 5 duties: cleared since 06-30 (90 quiet days).
/// - 8: 原州区, received 02-01, accepted 02-20 (late), replied 08-20 (late; never evaluated),
///   concluded 08-30, backlog, leader 2 with 3 duties; 息诉罢访 agreement signed 11-24: cleared
///   today, not yesterday.
/// - 9: 原州区, received 09-01, online, accepted 09-02 by unit 1, in handling (due 11-01,
///   overdue), 6 petitioners (collective).
///
/// Campaign 7 holds cases 6, 7 and 8.
fn fixture(path: &Path) {
    let mut cases = Vec::new();
    for (i, (received, channel)) in [
        ("2026-11-24", Channel::Online),
        ("2026-11-23", Channel::Letter),
        ("2026-11-22", Channel::Online),
        ("2026-11-21", Channel::Visit),
        ("2026-11-20", Channel::Online),
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = Case::registered(
            i as i64 + 1,
            format!("NX-2026-00000{}", i + 1),
            intake("640106", "640106001", received, channel),
        );
        c.intake.threat = i == 4;
        cases.push(c);
    }
    let mut c6 = Case::registered(
        6,
        "NX-2026-000006".into(),
        intake("640104", "640104001", "2026-05-01", Channel::Visit),
    );
    c6.intake.category = Some(Category::PropertyCertificate);
    c6.state = State::InHandling;
    c6.unit = Some(1);
    c6.dates.forwarded_on = Some(day("2026-05-02"));
    c6.dates.accepted_on = Some(day("2026-05-05"));
    c6.dates.disposed_on = Some(day("2026-05-02"));
    c6.dates.answered_on = Some(day("2026-05-05"));
    c6.backlog = true;
    c6.package = Some(Package {
        leader: 1,
        packaged_on: day("2026-05-10"),
        duties: duties(2, "2026-06-01"),
    });
    let mut c7 = Case::registered(
        7,
        "NX-2026-000007".into(),
        intake("640104", "640104001", "2026-03-01", Channel::Letter),
    );
    c7.state = State::Concluded;
    c7.unit = Some(1);
    c7.dates.forwarded_on = Some(day("2026-03-02"));
    c7.dates.accepted_on = Some(day("2026-03-03"));
    c7.dates.disposed_on = Some(day("2026-03-02"));
    c7.dates.answered_on = Some(day("2026-03-03"));
    c7.dates.replied_on = Some(day("2026-03-20"));
    c7.dates.delivered_on = Some(day("2026-03-23"));
    c7.dates.evaluated_on = Some(day("2026-03-25"));
    c7.dates.closed_on = Some(day("2026-04-01"));
    c7.satisfaction = Some(Satisfaction::Satisfied);
    c7.backlog = true;
    c7.package = Some(Package {
        leader: 1,
        packaged_on: day("2026-03-05"),
        duties: duties(5, "2026-03-30"),
    });
    let mut c8 = Case::registered(
        8,
        "NX-2026-000008".into(),
        intake("640402", "640402001", "2026-02-01", Channel::Phone),
    );
    c8.state = State::Concluded;
    c8.unit = Some(1);
    c8.dates.forwarded_on = Some(day("2026-02-02"));
    c8.dates.accepted_on = Some(day("2026-02-20"));
    c8.dates.disposed_on = Some(day("2026-02-02"));
    c8.dates.answered_on = Some(day("2026-02-20"));
    c8.dates.replied_on = Some(day("2026-08-20"));
    c8.dates.delivered_on = Some(day("2026-08-20"));
    c8.dates.closed_on = Some(day("2026-08-30"));
    c8.agreement_on = Some(day("2026-11-24"));
    c8.backlog = true;
    c8.package = Some(Package {
        leader: 2,
        packaged_on: day("2026-03-01"),
        duties: duties(3, "2026-04-01"),
    });
    let mut c9 = Case::registered(
        9,
        "NX-2026-000009".into(),
        intake("640402", "640402001", "2026-09-01", Channel::Online),
    );
    c9.state = State::InHandling;
    c9.unit = Some(1);
    c9.dates.forwarded_on = Some(day("2026-09-01"));
    c9.dates.accepted_on = Some(day("2026-09-02"));
    c9.dates.disposed_on = Some(day("2026-09-01"));
    c9.dates.answered_on = Some(day("2026-09-02"));
    c9.intake.persons = 6;
    c9.collective = true;
    cases.extend([c6, c7, c8, c9]);
    let rules = Rules::default();
    sqlite::load(path, References::Verify, |loader| {
        loader.add_unit(&Unit {
            id: 1,
            name: "兴庆区住建局".into(),
            region: "640104".into(),
        })?;
        for (id, name, level, region) in [
            (1, "马建国", LeaderLevel::Province, "64"),
            (2, "田玉梅", LeaderLevel::City, "6404"),
        ] {
            loader.add_leader(&Leader {
                id,
                name: name.into(),
                level,
                title: "领导".into(),
                region: region.into(),
            })?;
        }
        let mut chain = xinfang::store::audit::Chain::default();
        for case in &cases {
            loader.add(&sqlite::encode_case(case, &[], &rules, &mut chain)?)?;
        }
        loader.add_campaign(
            7,
            "测试攻坚行动",
            day("2026-06-01"),
            day("2026-12-31"),
            0.9,
            &[6, 7, 8],
        )
    })
    .expect("fixture");
}

fn fixture_store() -> (tempfile::TempDir, PathBuf, Box<dyn Store>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fixture.db");
    fixture(&path);
    let store = xinfang::store::open(
        &path.to_string_lossy(),
        Rules::default(),
        OpenMode::ReadOnly,
    )
    .expect("open");
    (dir, path, store)
}

fn query(campaign: Option<i64>) -> BoardQuery {
    BoardQuery {
        as_of: today(),
        region: "64".into(),
        campaign,
    }
}

fn board(store: &dyn Store, kind: BoardKind) -> BoardData {
    store.board(kind, &query(None)).expect("board")
}

#[test]
fn overview_kpis_match_the_arithmetic() {
    let (_dir, _path, store) = fixture_store();
    let BoardData::Overview(o) = board(store.as_ref(), BoardKind::Overview) else {
        panic!("an overview");
    };
    let spans: Vec<_> = o.periods.iter().map(|p| p.span.code()).collect();
    assert_eq!(spans, ["today", "week", "month", "year"]);
    let [today_, week, month, year] = [0, 1, 2, 3].map(|i| &o.periods[i]);
    // Today: case 1 only; yesterday: case 2.
    assert_eq!((today_.current.cases, today_.previous.cases), (1, 1));
    // This week (Mon 11-23 to Tue 11-24): cases 1, 2; last week's Mon–Tue (11-16, 11-17): none.
    assert_eq!((week.current.cases, week.previous.cases), (2, 0));
    // This month: cases 1–5, three of them online: 3 ÷ 5.
    assert_eq!(month.current.cases, 5);
    assert_eq!(month.current.online_share.rate(), Some(3.0 / 5.0));
    // Nothing was answered in November and no 15-day window ran out in it: no rate, not 0 %.
    assert_eq!(month.current.timely_acceptance.rate(), None);
    // 2 in November: case 9's handling deadline (09-02 + 60 = 11-01) passed unreplied, counted
    // as late on 11-02, the day it became late.
    assert_eq!(
        (month.current.completion.num, month.current.completion.den),
        (0, 1)
    );
    let y = &year.current;
    assert_eq!(y.cases, 9);
    // Online: 1, 3, 5 and 9 → 4 ÷ 9.
    assert_eq!((y.online_share.num, y.online_share.den), (4, 9));
    // 1a. Disposed of within 15 days of receipt (Art 22): 6, 7, 8, 9 each the next day or the
    // same; 1–5 are inside their 15 days (11-20 + 15 = 12-05) and not yet measured → 4 ÷ 4.
    assert_eq!((y.timely_disposal.num, y.timely_disposal.den), (4, 4));
    // 1b. Accepted within 15 days of forwarding (Art 23): 6 (3 days), 7 (1), 9 (1); 8 took 18
    // (02-02 → 02-20), late since 02-18 → 3 ÷ 4.
    assert_eq!((y.timely_acceptance.num, y.timely_acceptance.den), (3, 4));
    // 2. Handling deadlines (acceptance + 60): 7 replied 03-20 ≤ 05-02 on time; 8 replied 08-20 >
    // 04-21 late; 6 (07-04) and 9 (11-01) passed unreplied → 1 ÷ 4.
    assert_eq!((y.completion.num, y.completion.den), (1, 4));
    assert_eq!(y.completion.rate(), Some(0.25));
    // 3. Evaluated: 7; 8's 30-day window from delivery (08-20) closed on 09-19 unevaluated →
    // 1 ÷ 2, one expired. 4. Satisfied 1 ÷ 1.
    assert_eq!((y.participation.num, y.participation.den), (1, 2));
    assert_eq!(y.evaluation_expired, 1);
    assert_eq!((y.satisfaction.num, y.satisfaction.den), (1, 1));
    // 7. Handling days: 7 took 19 (03-01 → 03-20), 8 took 200 (02-01 → 08-20) → 219 ÷ 2.
    assert_eq!(y.average_handling_days(), Some(109.5));
    // 8. Backlog 6, 7, 8: 7 is cleared (closed 04-01 + 90 ≤ 11-24), 8 by today's agreement → 2 ÷ 3.
    assert_eq!((y.backlog_clearance.num, y.backlog_clearance.den), (2, 3));
    // 9. One collective visit (case 9) of 6 people; none in the year before.
    assert_eq!((y.collective_batches, y.collective_persons), (1, 6));
    assert_eq!(year.previous.cases, 0);
    // Intake by channel over 30 days (10-26 … 11-24): online on 11-20, 11-22 and 11-24.
    assert_eq!(o.first_day, day("2026-10-26"));
    let online = &o
        .intake
        .iter()
        .find(|(c, _)| *c == Channel::Online)
        .unwrap()
        .1;
    assert_eq!(online.len(), 30);
    let days_with_intake: Vec<usize> = (0..30).filter(|i| online[*i] > 0).collect();
    assert_eq!(days_with_intake, [25, 27, 29]);
    let total: u64 = o.intake.iter().map(|(_, v)| v.iter().sum::<u64>()).sum();
    assert_eq!(total, 5, "cases 1–5 are the only ones in the last 30 days");
}

#[test]
fn leader_packages_count_cases_duties_overdue_and_the_oldest_open() {
    let (_dir, _path, store) = fixture_store();
    let BoardData::Packages(rows) = board(store.as_ref(), BoardKind::Packages) else {
        panic!("packages");
    };
    assert_eq!(rows.len(), 2);
    let l1 = &rows[0];
    // Leader 1: cases 6 and 7; 7 concluded; duties 2 + 5 = 7 of 10; 6 overdue; 6 open since 05-01.
    assert_eq!(l1.leader.name, "马建国");
    assert_eq!(
        (l1.cases, l1.resolved, l1.duties_done, l1.overdue),
        (2, 1, 7, 1)
    );
    assert_eq!(l1.duty_rate(), Some(0.7));
    assert_eq!(l1.oldest_open, Some(day("2026-05-01")));
    // Leader 2: case 8, concluded, 3 of 5 duties, nothing open.
    let l2 = &rows[1];
    assert_eq!(
        (l2.cases, l2.resolved, l2.duties_done, l2.overdue),
        (1, 1, 3, 0)
    );
    assert_eq!(l2.duty_rate(), Some(0.6));
    assert_eq!(l2.oldest_open, None);
}

#[test]
fn backlog_clearance_per_county_with_the_change_since_yesterday() {
    let (_dir, _path, store) = fixture_store();
    for campaign in [None, Some(7)] {
        let BoardData::Backlog(b) = store
            .board(BoardKind::Backlog, &query(campaign))
            .expect("board")
        else {
            panic!("backlog");
        };
        assert_eq!(b.campaign.as_ref().map(|c| c.id), campaign);
        assert_eq!(b.counties.len(), 22, "every county has a row");
        let county = |code: &str| b.counties.iter().find(|c| c.county == code).unwrap();
        // 兴庆区: 6 open, 7 cleared since 06-30 (yesterday too).
        let x = county("640104");
        assert_eq!((x.backlog, x.cleared, x.cleared_before), (2, 1, 1));
        // 原州区: 8 cleared today by its agreement, not yet yesterday.
        let y = county("640402");
        assert_eq!((y.backlog, y.cleared, y.cleared_before), (1, 1, 0));
        let total = b.total();
        assert_eq!((total.backlog, total.cleared), (3, 2));
        // The chart: one case became cleared today, none on the 29 days before.
        assert_eq!(b.daily.len(), 30);
        assert_eq!(b.daily[29], 1);
        assert_eq!(b.daily.iter().sum::<u64>(), 1);
        // The running totals the report's clearance chart plots: 1 cleared through yesterday,
        // 2 today, each day's total the one before plus that day's gain.
        assert_eq!(b.cleared_by_day.len(), 30);
        assert_eq!(b.cleared_by_day[28..], [1, 2]);
        assert_eq!(b.cleared_by_day.last().copied(), Some(total.cleared));
        assert_eq!(
            b.before,
            day("2026-11-23"),
            "the board counts before as of yesterday"
        );
        assert_eq!(b.campaigns.len(), 1);
    }
}

#[test]
fn county_tiles_and_early_warnings_follow_the_rules() {
    let (_dir, _path, store) = fixture_store();
    let BoardData::Warnings(list) = board(store.as_ref(), BoardKind::Warnings) else {
        panic!("warnings");
    };
    // Newest first: on 11-24 the cluster, then unit 1's deadlines; then case 5 (11-20, threat),
    // then case 9 (09-01, 6 petitioners). No surge: 金凤区's 5 cases this week against a zero
    // average is not a rise "over its average".
    let kinds: Vec<String> = list
        .iter()
        .map(|w| {
            let kind = match &w.reason {
                Reason::Cluster { cases, .. } => format!("cluster {cases}"),
                Reason::Flagged {
                    persons, threat, ..
                } => format!("flagged {persons} {threat}"),
                Reason::Surge { .. } => "surge".into(),
                Reason::Deadlines {
                    due_soon, overdue, ..
                } => format!("deadlines {due_soon} {overdue}"),
            };
            format!("{} {} {kind}", w.on, w.county)
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "2026-11-24 640106 cluster 5",
            "2026-11-24 640104 deadlines 0 2",
            "2026-11-20 640106 flagged 1 true",
            "2026-09-01 640402 flagged 6 false",
        ]
    );
    assert_eq!(list[0].cases.len(), 5);
    assert_eq!(list[0].cases[0].1, "NX-2026-000001");
    // Drilling down opens exactly the warning's cases.
    let page = store
        .page(
            &list[0].filter,
            xinfang::store::Sort {
                key: xinfang::store::SortKey::Received,
                descending: true,
            },
            &xinfang::store::Scope {
                region: "64".into(),
                user: String::new(),
                today: today(),
            },
            None,
            50,
        )
        .expect("page");
    assert_eq!(page.rows.len(), 5);
    let BoardData::Map(tiles) = board(store.as_ref(), BoardKind::Map) else {
        panic!("map");
    };
    assert_eq!(tiles.len(), 22);
    let tile = |code: &str| tiles.iter().find(|t| t.county == code).unwrap();
    let j = tile("640106");
    assert_eq!((j.intake_week, j.overdue, j.warnings), (5, 0, 2));
    let x = tile("640104");
    assert_eq!((x.overdue, x.backlog, x.cleared, x.warnings), (1, 2, 1, 1));
    let y = tile("640402");
    assert_eq!((y.overdue, y.backlog, y.cleared, y.warnings), (1, 1, 1, 1));
}

/// Renders one wall board to text.
fn render(wall: &Wall, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| xinfang::ui::wall::draw(frame, wall))
        .expect("draw");
    common::buffer_text(terminal.backend().buffer())
}

/// True when `text` holds a run of 11 or more digits (a phone or ID number).
fn has_long_number(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 11 {
            return true;
        }
    }
    false
}

#[test]
fn wall_board_snapshots_in_both_languages_and_sizes_hold_no_personal_data() {
    let (_dir, _path, store) = fixture_store();
    for lang in [Lang::Zh, Lang::En] {
        let mut wall = Wall::new(
            BoardKind::ALL.to_vec(),
            lang,
            ThemeName::Dark,
            &Rules::default(),
            std::time::Duration::from_secs(30),
        );
        wall.today = today();
        wall.clock = "09:30:00".into();
        for (i, kind) in BoardKind::ALL.iter().enumerate() {
            wall.current = i;
            // The backlog board's first load picks the campaign running today, then reloads.
            let mut loads = 0;
            while {
                let data = store.board(*kind, &wall.query("64")).expect("board");
                wall.loaded(*kind, Ok(data), "09:29:58")
            } {
                loads += 1;
            }
            assert_eq!(loads, usize::from(*kind == BoardKind::Backlog));
            for (width, height) in [(80, 24), (200, 60)] {
                let screen = render(&wall, width, height);
                assert!(
                    !has_long_number(&screen),
                    "{kind} {width}x{height}:\n{screen}"
                );
                for secret in [ID_NUMBER, PHONE, "1234", SECRET_TITLE, "张伟", "隐私"] {
                    assert!(!screen.contains(secret), "{secret} on {kind}:\n{screen}");
                }
                insta::assert_snapshot!(
                    format!(
                        "wall_{}_{}_{width}x{height}",
                        kind.code(),
                        lang.pick("zh", "en")
                    ),
                    screen
                );
            }
            if *kind == BoardKind::Backlog {
                // A wall cannot scroll: even at 80x24 every city is on the backlog board.
                let small = render(&wall, 80, 24);
                for city in xinfang::domain::region::CITIES {
                    let name = lang.pick(city.name, city.name_en);
                    assert!(small.contains(name), "{name}:\n{small}");
                }
            }
            // The largest wall screen: the same board, the clock and the update time.
            let largest = render(&wall, 300, 80);
            assert!(largest.contains("09:29:58"), "{kind} at 300x80:\n{largest}");
            assert!(!has_long_number(&largest), "{kind} at 300x80:\n{largest}");
        }
        // The largest wall screen too: large digits and nothing cut.
        wall.current = 0;
        let big = render(&wall, 300, 80);
        assert!(big.contains("█"), "large digits on a big screen:\n{big}");
        // It uses the room: digits twice the size (filled cells come in pairs and rows in
        // pairs), and the board reaches past the middle of the screen.
        assert!(big.contains("██████"), "doubled digits:\n{big}");
        let lines: Vec<&str> = big.lines().collect();
        let last_used = lines
            .iter()
            .rposition(|l| !l.trim().is_empty() && !l.contains("Read-only") && !l.contains("只读"))
            .unwrap_or(0);
        assert!(
            last_used > 40,
            "the board fills 80 rows (last line {last_used}):\n{big}"
        );
        // Nobody touched it: no key hints; a key press shows them until the next rotation.
        let footer = big.lines().last().unwrap_or_default().to_string();
        assert!(
            !footer.contains("q 退出") && !footer.contains("q quit"),
            "{footer}"
        );
        wall.touched = true;
        let touched = render(&wall, 300, 80);
        let footer = touched.lines().last().unwrap_or_default();
        assert!(
            footer.contains("q 退出") || footer.contains("q quit"),
            "{footer}"
        );
    }
}

#[test]
fn the_wall_source_survives_its_database_going_away_and_coming_back() {
    let (_dir, path, _store) = fixture_store();
    let mut source = Source::new(&path.to_string_lossy(), Rules::default());
    let mut wall = Wall::new(
        vec![BoardKind::Backlog],
        Lang::En,
        ThemeName::Mono,
        &Rules::default(),
        std::time::Duration::from_secs(10),
    );
    wall.today = today();
    let first = source.fetch(BoardKind::Backlog, &wall.query("64"));
    assert!(first.is_ok());
    assert!(
        wall.loaded(BoardKind::Backlog, first, "10:00:00"),
        "campaign 7 runs today: shown from the next load on"
    );
    assert_eq!(wall.query("64").campaign, Some(7));
    let first = source.fetch(BoardKind::Backlog, &wall.query("64"));
    assert!(!wall.loaded(BoardKind::Backlog, first, "10:00:00"));
    let aside = path.with_extension("aside");
    std::fs::rename(&path, &aside).expect("move away");
    let gone = source.fetch(BoardKind::Backlog, &wall.query("64"));
    let error = gone
        .as_ref()
        .err()
        .map(|e| e.en.clone())
        .unwrap_or_default();
    assert!(error.contains("not found"), "{error}");
    wall.loaded(BoardKind::Backlog, gone, "10:00:05");
    // The numbers stay, marked stale since the last good load.
    assert!(wall.views[0].data.is_some());
    assert_eq!(wall.stale.as_ref().map(|s| s.0.as_str()), Some("10:00"));
    let screen = render(&wall, 80, 24);
    assert!(screen.contains("stale since 10:00"), "{screen}");
    assert!(screen.contains("3"), "{screen}");
    // Back under another inode (a restored copy): reopened, fresh, no longer stale.
    std::fs::copy(&aside, &path).expect("restore");
    let back = source.fetch(BoardKind::Backlog, &wall.query("64"));
    assert!(back.is_ok(), "{:?}", back.err());
    wall.loaded(BoardKind::Backlog, back, "10:01:00");
    assert!(wall.stale.is_none());
    assert!(!render(&wall, 80, 24).contains("stale"));
}

#[test]
fn a_wall_board_lists_only_the_boards_it_rotates_through() {
    let (_dir, _path, store) = fixture_store();
    let mut wall = Wall::new(
        vec![BoardKind::Map, BoardKind::Warnings],
        Lang::En,
        ThemeName::Mono,
        &Rules::default(),
        std::time::Duration::from_secs(30),
    );
    wall.today = today();
    let data = store
        .board(BoardKind::Map, &wall.query("64"))
        .expect("board");
    wall.loaded(BoardKind::Map, Ok(data), "09:00:00");
    let screen = render(&wall, 120, 30);
    let tabs = screen.lines().next().unwrap_or_default();
    assert!(
        tabs.contains("County map") && tabs.contains("Early warnings"),
        "{tabs}"
    );
    assert!(!tabs.contains("Overview"), "{tabs}");
    assert!(screen.contains("· 1/2 ·"), "{screen}");
    wall.turn(1);
    assert_eq!(wall.kind(), BoardKind::Warnings);
    wall.turn(1);
    assert_eq!(wall.kind(), BoardKind::Map, "rotation wraps around");
}

#[test]
fn boards_keep_to_the_region_asked_for() {
    let (_dir, _path, store) = fixture_store();
    let query = BoardQuery {
        as_of: today(),
        region: "640104".into(),
        campaign: Some(7),
    };
    // 兴庆区 only: cases 6 and 7 (leader 1); leader 2's case 8 is in 原州区.
    let BoardData::Packages(rows) = store.board(BoardKind::Packages, &query).expect("board") else {
        panic!("packages");
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].cases, rows[0].overdue, rows[0].duties_done),
        (2, 1, 7)
    );
    let BoardData::Backlog(b) = store.board(BoardKind::Backlog, &query).expect("board") else {
        panic!("backlog");
    };
    assert_eq!(b.counties.len(), 1);
    let total = b.total();
    assert_eq!(
        (total.backlog, total.cleared, total.cleared_before),
        (2, 1, 1)
    );
    // Unit 1's deadlines count only its case in the region (6), not case 9 in 原州区.
    let BoardData::Warnings(list) = store.board(BoardKind::Warnings, &query).expect("board") else {
        panic!("warnings");
    };
    assert_eq!(list.len(), 1, "{list:?}");
    assert!(matches!(
        list[0].reason,
        Reason::Deadlines {
            overdue: 1,
            due_soon: 0,
            ..
        }
    ));
    let BoardData::Map(tiles) = store.board(BoardKind::Map, &query).expect("board") else {
        panic!("map");
    };
    assert_eq!(tiles.len(), 1);
    assert_eq!(
        (tiles[0].overdue, tiles[0].backlog, tiles[0].warnings),
        (1, 2, 1)
    );
    let BoardData::Overview(o) = store.board(BoardKind::Overview, &query).expect("board") else {
        panic!("overview");
    };
    assert_eq!(o.periods[3].current.cases, 2, "cases 6 and 7 this year");
}

#[test]
fn the_hand_computed_indicators_hold_on_postgresql_too() {
    let Some(base) = common::pg::server() else {
        return;
    };
    let (_dir, path, lite) = fixture_store();
    let schema = common::pg::Schema::new(&base, "kpifix");
    xinfang::store::copy::copy(
        path.to_str().expect("utf-8"),
        &schema.url(),
        &Rules::default(),
    )
    .expect("copy");
    let pg = xinfang::store::open(&schema.url(), Rules::default(), OpenMode::ReadOnly)
        .expect("open postgresql");
    let (BoardData::Overview(a), BoardData::Overview(b)) = (
        board(lite.as_ref(), BoardKind::Overview),
        board(pg.as_ref(), BoardKind::Overview),
    ) else {
        panic!("overviews");
    };
    assert_eq!(
        a.periods, b.periods,
        "every period's indicators, both backends"
    );
    let year = &b.periods[3].current;
    assert_eq!((year.timely_disposal.num, year.timely_disposal.den), (4, 4));
    assert_eq!(
        (year.timely_acceptance.num, year.timely_acceptance.den),
        (3, 4)
    );
    assert_eq!((year.completion.num, year.completion.den), (1, 4));
    assert_eq!((year.participation.num, year.participation.den), (1, 2));
    assert_eq!(
        (year.backlog_clearance.num, year.backlog_clearance.den),
        (2, 3)
    );
}

#[test]
fn on_a_wall_sized_screen_the_map_fills_it_with_large_digits() {
    let (_dir, _path, store) = fixture_store();
    let mut wall = Wall::new(
        vec![BoardKind::Map],
        Lang::En,
        ThemeName::Mono,
        &Rules::default(),
        std::time::Duration::from_secs(30),
    );
    wall.today = today();
    let data = store
        .board(BoardKind::Map, &wall.query("64"))
        .expect("board");
    wall.loaded(BoardKind::Map, Ok(data), "09:00:00");
    // At 300×80: tiles wider than at 200 columns, tall enough for the numbers in large digits,
    // and the map reaches down the screen instead of stopping at its top two thirds.
    let screen = render(&wall, 300, 80);
    let lines: Vec<&str> = screen.lines().collect();
    let bottom = lines.iter().rposition(|l| l.contains('└')).expect("tiles");
    assert!(
        bottom >= 70,
        "the map ends at row {bottom} of 80:\n{screen}"
    );
    assert!(screen.contains("█ █"), "large digits:\n{screen}");
    let tile = lines
        .iter()
        .find_map(|l| l.find('┌').map(|a| (a, l)))
        .and_then(|(_, l)| l.split('┐').next().map(|t| t.trim().chars().count()))
        .expect("a tile");
    assert!(tile > 40, "tiles {tile} wide");
    // At 120×40 the tiles keep the plain number.
    let small = render(&wall, 120, 40);
    assert!(!small.contains("█ █"), "{small}");
}
