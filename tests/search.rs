//! Search over a demo database: ranking, pinyin, every operator and field filter (checked
//! against the store's own queues), highlight offsets in Chinese text, privacy of accusations,
//! and the index following a change made through another store handle.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::{demo_db, now, today};
use rusqlite::Connection;
use std::path::Path;
use xinfang::domain::{Role, Rules};
use xinfang::search::{self, Index, pinyin_of};
use xinfang::store::{Builtin, OpenMode, Scope, Store, open};

fn store(path: &Path) -> Box<dyn Store> {
    open(
        path.to_str().expect("utf-8"),
        Rules::default(),
        OpenMode::ReadWrite,
    )
    .expect("open")
}

fn index(store: &dyn Store, role: Role) -> Index {
    search::build(store, role, "64", &mut |_| {})
        .expect("build")
        .0
}

fn run(index: &Index, query: &str, limit: usize) -> search::Results {
    index.search(&search::parse(query).expect(query), today(), limit, None)
}

fn count(store: &dyn Store, queue: Builtin) -> usize {
    let scope = Scope {
        region: "64".into(),
        user: "zhao.lei".into(),
        today: today(),
    };
    store
        .counts(&[queue.query(today(), 3, "zhao.lei").0], &scope)
        .expect("count")[0] as usize
}

#[test]
fn an_exact_case_number_comes_first_and_fragments_find_numbers() {
    let (_dir, path) = demo_db(3000, 1);
    let store = store(&path);
    let index = index(store.as_ref(), Role::Supervisor);
    let results = run(&index, "NX-2026-000123", 10);
    assert_eq!(
        results.hits.first().map(|h| h.number.as_str()),
        Some("NX-2026-000123")
    );
    let fragment = run(&index, "2026-00012", 100);
    assert!(fragment.total >= 10, "{}", fragment.total);
    assert!(
        fragment
            .hits
            .iter()
            .all(|h| h.number.replace('-', "").contains("202600012"))
    );
    let prefix = run(&index, "^NX-2025", 50);
    assert!(prefix.total > 0 && prefix.hits.iter().all(|h| h.number.starts_with("NX-2025")));
}

#[test]
fn pinyin_full_and_initials_find_petitioners_and_places() {
    let (_dir, path) = demo_db(3000, 1);
    let store = store(&path);
    let index = index(store.as_ref(), Role::Supervisor);
    let conn = Connection::open(&path).expect("open");
    let (number, name): (String, String) = conn
        .query_row(
            "SELECT number, pet_name FROM cases WHERE class IS NOT 'accusation' AND length(pet_name) = 2 LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a two-character name");
    let (full, initials) = pinyin_of(&name);
    for spelling in [full.as_str(), initials.as_str(), name.as_str()] {
        let results = run(&index, &format!("{spelling} '{number}"), 5);
        assert_eq!(
            results.hits.len(),
            1,
            "`{spelling}` finds {name} ({number})"
        );
    }
    assert_eq!(
        pinyin_of("张伟"),
        ("zhangwei".to_string(), "zw".to_string())
    );
    // Every case in Jinfeng is found by `jinfeng` (the district's pinyin).
    let jinfeng: usize = conn
        .query_row(
            "SELECT count(*) FROM cases WHERE county = '640106'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    let region = run(&index, "region:jinfeng", 10_000);
    assert_eq!(region.total, jinfeng);
    let plain = run(&index, "jinfeng", 10_000);
    let found: std::collections::HashSet<i64> = plain.hits.iter().map(|h| h.id).collect();
    for hit in &region.hits {
        assert!(found.contains(&hit.id), "jinfeng finds every 金凤区 case");
    }
}

#[test]
fn petitioner_matches_rank_above_summary_matches() {
    let (_dir, path) = demo_db(3000, 1);
    let store = store(&path);
    let index = index(store.as_ref(), Role::Supervisor);
    let conn = Connection::open(&path).expect("open");
    let name: String = conn
        .query_row("SELECT pet_name FROM cases WHERE class IS NOT 'accusation' AND length(pet_name) = 3 LIMIT 1", [], |r| r.get(0))
        .expect("a name");
    let results = run(&index, &name, 20);
    let top = store
        .case(results.hits[0].id)
        .expect("read")
        .expect("exists")
        .case;
    assert_eq!(
        top.intake.petitioner.name, name,
        "the petitioner named {name} comes first"
    );
}

#[test]
fn negation_and_or_partition_the_cases() {
    let (_dir, path) = demo_db(3000, 1);
    let store = store(&path);
    let index = index(store.as_ref(), Role::Supervisor);
    let all = index.len();
    let wages = run(&index, "工资", 1).total;
    let not_wages = run(&index, "!工资", 1).total;
    assert!(wages > 0 && not_wages > 0);
    assert_eq!(
        wages + not_wages,
        all,
        "a term and its negation split the cases"
    );
    let housing = run(&index, "交房", 1).total;
    let either = run(&index, "工资 | 交房", 1).total;
    assert!(
        either >= wages.max(housing) && either <= wages + housing,
        "{either} {wages} {housing}"
    );
    let both = run(&index, "工资 交房", 1).total;
    assert!(both <= wages.min(housing));
    let exact = run(&index, "'拖欠农民工工资", 50);
    assert!(
        exact
            .hits
            .iter()
            .all(|h| h.title.contains("拖欠农民工工资")),
        "exact text in the title"
    );
    let suffix = run(&index, "问题$", 200);
    assert!(suffix.total > 0);
}

#[test]
fn field_filters_agree_with_the_store_queues() {
    let (_dir, path) = demo_db(6000, 2);
    let store = store(&path);
    let index = index(store.as_ref(), Role::Supervisor);
    assert_eq!(
        run(&index, "status:overdue", 1).total,
        count(store.as_ref(), Builtin::Overdue)
    );
    assert_eq!(
        run(&index, "overdue", 1).total,
        count(store.as_ref(), Builtin::Overdue)
    );
    assert_eq!(
        run(&index, "due:<3d", 1).total,
        count(store.as_ref(), Builtin::Overdue) + count(store.as_ref(), Builtin::DueSoon)
    );
    assert_eq!(
        run(&index, "flag:backlog", 1).total,
        count(store.as_ref(), Builtin::Backlog)
    );
    assert_eq!(
        run(&index, "flag:collective", 1).total,
        count(store.as_ref(), Builtin::Collective)
    );
    assert_eq!(
        run(&index, "flag:packaged", 1).total,
        count(store.as_ref(), Builtin::Packaged)
    );
    assert_eq!(
        run(&index, "status:forwarded", 1).total,
        count(store.as_ref(), Builtin::AwaitingAcceptance)
    );
    let conn = Connection::open(&path).expect("open");
    let sql = |q: &str| -> usize { conn.query_row(q, [], |r| r.get(0)).expect("count") };
    assert_eq!(
        run(&index, "region:6401", 1).total,
        sql("SELECT count(*) FROM cases WHERE county LIKE '6401%'")
    );
    assert_eq!(
        run(&index, "cat:工资", 1).total,
        sql("SELECT count(*) FROM cases WHERE category = 'unpaid-wages'")
    );
    assert_eq!(
        run(&index, "channel:online", 1).total,
        sql("SELECT count(*) FROM cases WHERE channel = 'online'")
    );
    assert_eq!(
        run(&index, "unit:人社局", 1).total,
        sql(
            "SELECT count(*) FROM cases c JOIN units u ON u.id = c.unit_id WHERE u.name LIKE '%人社局%'"
        )
    );
    let leader = run(&index, "leader:马", 1).total;
    assert_eq!(
        leader,
        sql(
            "SELECT count(*) FROM cases c JOIN leaders l ON l.id = c.leader_id WHERE l.name LIKE '%马%'"
        )
    );
    let combined = run(&index, "region:6404 flag:backlog", 1).total;
    assert_eq!(
        combined,
        sql("SELECT count(*) FROM cases WHERE county LIKE '6404%' AND backlog = 1")
    );
}

#[test]
fn highlights_point_at_the_matched_chinese_characters() {
    let (_dir, path) = demo_db(1000, 1);
    let store = store(&path);
    let index = index(store.as_ref(), Role::Supervisor);
    let results = run(&index, "工资", 20);
    let hit = results
        .hits
        .iter()
        .find(|h| h.title.contains("工资"))
        .expect("a title with 工资");
    let chars: Vec<char> = hit.title.chars().collect();
    let picked: String = hit.highlights.iter().map(|i| chars[*i]).collect();
    assert_eq!(picked, "工资", "{:?} in {}", hit.highlights, hit.title);
}

#[test]
fn accusation_content_is_searchable_only_by_supervisors() {
    let (_dir, path) = demo_db(3000, 1);
    let store = store(&path);
    let conn = Connection::open(&path).expect("open");
    let (number, summary): (String, String) = conn
        .query_row(
            "SELECT number, summary FROM cases WHERE class = 'accusation' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an accusation");
    let phrase: String = summary.chars().skip(4).take(6).collect();
    let query = format!("'{phrase} '{number}");
    assert_eq!(
        run(&index(store.as_ref(), Role::Supervisor), &query, 5)
            .hits
            .len(),
        1
    );
    assert_eq!(
        run(&index(store.as_ref(), Role::Operator), &query, 5)
            .hits
            .len(),
        0,
        "operators cannot search accusation content"
    );
    assert_eq!(
        run(
            &index(store.as_ref(), Role::Viewer),
            &format!("'{number}"),
            5
        )
        .hits
        .len(),
        1,
        "the case itself is findable by number"
    );
    // One index serves every viewer (a server's sessions share it): each search says for whom.
    let shared = index(store.as_ref(), Role::Admin);
    let parsed = search::parse(&query).expect("query");
    let as_viewer = |role: Role, scope: &str| {
        shared.search_until(
            &parsed,
            today(),
            5,
            None,
            &search::Viewer::new(role, scope),
            &|| false,
        )
    };
    assert_eq!(as_viewer(Role::Supervisor, "64").hits.len(), 1);
    assert_eq!(as_viewer(Role::Operator, "64").hits.len(), 0);
    let by_number = shared.search_until(
        &search::parse(&format!("'{number}")).expect("query"),
        today(),
        5,
        None,
        &search::Viewer::new(Role::Operator, "64"),
        &|| false,
    );
    let hit = by_number.hits.first().expect("found by number");
    assert!(
        hit.title.is_empty() && hit.petitioner.is_empty(),
        "an operator sees no content: {hit:?}"
    );
    // A supervisor of another region may not read it either.
    let county: String = conn
        .query_row(
            "SELECT county FROM cases WHERE number = ?1",
            [&number],
            |r| r.get(0),
        )
        .expect("county");
    let elsewhere = if county.starts_with("6401") {
        "6402"
    } else {
        "6401"
    };
    assert_eq!(as_viewer(Role::Supervisor, elsewhere).hits.len(), 0);
}

#[test]
fn narrowing_a_longer_query_gives_the_same_results() {
    let (_dir, path) = demo_db(3000, 1);
    let store = store(&path);
    let index = index(store.as_ref(), Role::Supervisor);
    let first = run(&index, "工", 10);
    let narrowed = index.search(
        &search::parse("工资").expect("q"),
        today(),
        10,
        Some(&first.matched),
    );
    let full = run(&index, "工资", 10);
    assert_eq!(narrowed.total, full.total);
    assert_eq!(narrowed.hits, full.hits);
}

#[test]
fn the_index_follows_a_change_made_through_another_handle() {
    let (_dir, path) = demo_db(1000, 1);
    let mine = store(&path);
    let (mut index, seq) =
        search::build(mine.as_ref(), Role::Supervisor, "64", &mut |_| {}).expect("build");
    let other = store(&path);
    let id = other.find("NX-2026-000010").expect("find").expect("exists");
    let mut intake = other.case(id).expect("read").expect("exists").case.intake;
    intake.title = "独一无二的测试标题".into();
    intake.received_on = today();
    let created = other.register(&intake, "admin", now()).expect("register");
    assert_eq!(run(&index, "独一无二", 5).total, 0);
    let head = search::refresh(&mut index, mine.as_ref(), seq).expect("refresh");
    assert!(head > seq);
    let results = run(&index, "独一无二", 5);
    assert_eq!(results.hits.first().map(|h| h.id), Some(created.id));
}

#[test]
fn the_search_command_lists_matches_and_rejects_bad_queries() {
    let (_dir, path) = demo_db(2000, 3);
    let db = path.to_str().expect("utf-8");
    let output = common::xinfang(&[
        "--db",
        db,
        "--user",
        "zhao.lei",
        "search",
        "status:overdue",
        "--limit",
        "1000",
    ]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let listed = common::stdout(&output).lines().count() - 1;
    assert_eq!(listed, count(store(&path).as_ref(), Builtin::Overdue));
    let json = common::xinfang(&[
        "--db", db, "search", "工资", "--format", "json", "--limit", "5",
    ]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&common::stdout(&json)).expect("json");
    assert_eq!(rows.len(), 5);
    let bad = common::xinfang(&["--db", db, "search", "zw color:red"]);
    assert!(!bad.status.success());
    let err = common::stderr(&bad);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("column 4: unknown field `color:`"), "{err}");
}
