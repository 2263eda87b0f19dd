//! One contract for every backend. The same checks run on SQLite always and on a real PostgreSQL
//! server (`XINFANG_TEST_PG`; skipped without one, except under `CI=true`): what a write does and
//! refuses, conflicts, undo, users; and, on a demo database copied to PostgreSQL, that every read
//! of the Store API — queues, counts, pages, case detail, packages, KPIs, boards, the search-index
//! feed, the change feed and the audit — gives the same answer on both, before and after the same
//! writes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::pg::{Schema, server};
use common::{demo_db, now, today};
use xinfang::domain::board::{BoardKind, Span};
use xinfang::domain::{CaseId, Class, Duty, Intake, Outcome, Rules, Satisfaction, Step};
use xinfang::store::board::BoardQuery;
use xinfang::store::copy::copy;
use xinfang::store::{Builtin, OpenMode, Scope, Sort, Store, StoreError, UserChange};

fn scope(region: &str) -> Scope {
    Scope {
        region: region.into(),
        user: "zhao.lei".into(),
        today: today(),
    }
}

fn intake() -> Intake {
    common::intake_in("640104")
}

/// The behaviour every backend must show, on a store holding a demo database.
fn contract(store: &dyn Store) {
    let province = scope("64");
    let before = store.counts(&[Builtin::All.query(today(), 3, "x").0], &province);
    let total = before.expect("count")[0];
    // A registration is one case and one event, numbered after the last.
    let case = store.register(&intake(), "li.na", now()).expect("register");
    assert_eq!(case.version, 1);
    let all = store
        .counts(&[Builtin::All.query(today(), 3, "x").0], &province)
        .expect("count");
    assert_eq!(all[0], total + 1);
    assert_eq!(store.find(&case.number).expect("find"), Some(case.id));
    // A step moves the version on and appears in the history.
    let head = store.head().expect("head");
    let forwarded = store
        .apply(
            case.id,
            1,
            &Step::Forward {
                unit: 1,
                assign: true,
            },
            "li.na",
            now(),
        )
        .expect("forward");
    assert_eq!(forwarded.version, 2);
    let (seen, changed) = store.changed_since(head).expect("changes");
    assert!(
        seen > head && changed == vec![case.id],
        "{seen} {changed:?}"
    );
    // A stale version is a conflict naming who changed the case; nothing is written.
    let err = store
        .apply(case.id, 1, &Step::Supervise { on: true }, "zhao.lei", now())
        .expect_err("stale");
    assert!(
        matches!(&err, StoreError::Conflict { by, .. } if by == "li.na"),
        "{err:?}"
    );
    // A step the rules refuse changes nothing either.
    let err = store
        .apply(case.id, 2, &Step::Conclude, "li.na", now())
        .expect_err("refused");
    assert!(matches!(err, StoreError::Rule { .. }), "{err:?}");
    let detail = store.case(case.id).expect("read").expect("exists");
    assert_eq!((detail.case.version, detail.events.len()), (2, 2));
    assert!(detail.unit.is_some());
    // Only one's own last step can be undone, with a compensating event.
    let err = store
        .undo_last(case.id, "zhao.lei", now())
        .expect_err("not theirs");
    assert!(matches!(err, StoreError::NotYourStep { .. }), "{err:?}");
    let undone = store.undo_last(case.id, "li.na", now()).expect("undo");
    assert_eq!((undone.version, undone.state), (3, case.state));
    // Packaging to a leader, and ticking a duty, show on the packages board.
    let leader = store.leaders().expect("leaders")[0].id;
    let mut version = undone.version;
    for step in [
        Step::PackageToLeader { leader },
        Step::TickDuty {
            duty: Duty::KnowSituation,
            note: "已走访".into(),
        },
    ] {
        // Packaging needs a supervisor.
        version = store
            .apply(case.id, version, &step, "zhao.lei", now())
            .expect("package")
            .version;
    }
    let query = BoardQuery {
        as_of: today(),
        region: "64".into(),
        campaign: None,
    };
    let xinfang::store::board::BoardData::Packages(rows) =
        store.board(BoardKind::Packages, &query).expect("board")
    else {
        panic!("packages board");
    };
    assert!(
        rows.iter()
            .any(|r| r.leader.id == leader && r.duties_done >= 1)
    );
    // Users: added once, changed, and a duplicate refused.
    let add = UserChange::Add {
        name: "contract.user".into(),
        role: xinfang::domain::Role::Operator,
        scope: "6401".into(),
    };
    store.change_user(&add, "admin", now()).expect("add user");
    assert!(matches!(
        store.change_user(&add, "admin", now()),
        Err(StoreError::Invalid(_))
    ));
    // Every write kept the audit chain whole and the database sound.
    let audit = store.audit().expect("audit");
    assert!(audit.broken.is_none() && audit.mismatched.is_empty());
    assert!(store.check().expect("check").problems.is_empty());
    // The search feed pages through every case once, in id order.
    let mut after = 0;
    let mut fed = 0;
    loop {
        let docs = store.search_docs(after, 700).expect("docs");
        let Some(last) = docs.last() else { break };
        assert!(docs.windows(2).all(|w| w[0].id < w[1].id));
        after = last.id;
        fed += docs.len() as u64;
    }
    assert_eq!(fed, total + 1);
}

#[test]
fn sqlite_keeps_the_contract() {
    let (_dir, path) = demo_db(400, 3);
    let store = xinfang::store::open(
        path.to_str().unwrap(),
        Rules::default(),
        OpenMode::ReadWrite,
    )
    .expect("open");
    contract(store.as_ref());
}

#[test]
fn postgresql_keeps_the_contract() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "contract");
    let (_dir, path) = demo_db(400, 3);
    copy(path.to_str().unwrap(), &schema.url(), &Rules::default()).expect("copy");
    let store =
        xinfang::store::open(&schema.url(), Rules::default(), OpenMode::ReadWrite).expect("open");
    contract(store.as_ref());
}

/// Every read of the Store API, as text, with the store's location taken out.
fn everything(store: &dyn Store, ids: &[CaseId]) -> Vec<String> {
    let mut out = Vec::new();
    let mut put = |what: String, value: String| out.push(format!("{what}: {value}"));
    for region in ["64", "6401", "640522"] {
        let scope = scope(region);
        let queries: Vec<_> = Builtin::ALL
            .iter()
            .map(|b| b.query(today(), 3, "zhao.lei"))
            .collect();
        let filters: Vec<_> = queries.iter().map(|q| q.0.clone()).collect();
        put(
            format!("counts {region}"),
            format!("{:?}", store.counts(&filters, &scope)),
        );
        put(
            format!("states {region}"),
            format!("{:?}", store.state_counts(&scope)),
        );
        for (filter, sort) in &queries {
            for sort in [
                *sort,
                Sort {
                    descending: !sort.descending,
                    ..*sort
                },
            ] {
                let mut cursor = None;
                for n in 0..4 {
                    let page = store
                        .page(filter, sort, &scope, cursor.as_ref(), 40)
                        .expect("page");
                    put(
                        format!("page {region} {filter:?} {sort:?} {n}"),
                        format!("{:?}", page.rows),
                    );
                    match page.next {
                        Some(next) => cursor = Some(next),
                        None => break,
                    }
                }
            }
        }
        for span in Span::ALL {
            let (current, previous) = span.periods(today());
            for period in [current, previous] {
                put(
                    format!("kpis {region} {period:?}"),
                    format!("{:?}", store.kpis(period, &scope, today())),
                );
            }
        }
        let campaigns: Vec<Option<i64>> = std::iter::once(None)
            .chain(
                store
                    .campaigns()
                    .expect("campaigns")
                    .iter()
                    .map(|c| Some(c.id)),
            )
            .collect();
        for kind in BoardKind::ALL {
            for campaign in &campaigns {
                let query = BoardQuery {
                    as_of: today(),
                    region: region.into(),
                    campaign: *campaign,
                };
                put(
                    format!("board {kind:?} {region} {campaign:?}"),
                    format!("{:?}", store.board(*kind, &query)),
                );
            }
        }
    }
    for id in ids {
        let detail = store.case(*id).expect("case");
        if let Some(d) = &detail {
            put(
                format!("find {id}"),
                format!("{:?}", store.find(&d.case.number)),
            );
        }
        put(format!("case {id}"), format!("{detail:?}"));
        put(format!("related {id}"), format!("{:?}", store.related(*id)));
    }
    put("units".into(), format!("{:?}", store.units()));
    put("leaders".into(), format!("{:?}", store.leaders()));
    put("users".into(), format!("{:?}", store.users()));
    put("campaigns".into(), format!("{:?}", store.campaigns()));
    let mut after = 0;
    loop {
        let docs = store.search_docs(after, 500).expect("docs");
        let Some(last) = docs.last() else { break };
        after = last.id;
        put(format!("docs after {after}"), format!("{docs:?}"));
    }
    put("head".into(), format!("{:?}", store.head()));
    put("changed".into(), format!("{:?}", store.changed_since(0)));
    put("audit".into(), format!("{:?}", store.audit()));
    let location = store.location();
    out.iter()
        .map(|line| line.replace(&location, "DB"))
        .collect()
}

/// Steps tried on a case, in order; each backend must accept or refuse each one alike.
fn steps(leader: i64) -> Vec<Step> {
    vec![
        Step::Forward {
            unit: 2,
            assign: true,
        },
        Step::Accept {
            class: Class::Demand,
        },
        Step::StartHandling,
        Step::Reply {
            outcome: Outcome::Supported,
            text: "已协调支付".into(),
            delivered_on: None,
        },
        Step::Evaluate {
            rating: Satisfaction::Satisfied,
        },
        Step::Conclude,
        Step::Supervise { on: true },
        Step::FlagBacklog { on: true },
        Step::PackageToLeader { leader },
        Step::TickDuty {
            duty: Duty::Resolve,
            note: "包案".into(),
        },
        Step::AssignOwner {
            owner: Some("li.na".into()),
        },
        Step::Note {
            text: "电话回访".into(),
        },
    ]
}

/// Applies the same writes to a store; returns what each answered, location taken out.
fn write_alike(store: &dyn Store, ids: &[CaseId]) -> Vec<String> {
    let location = store.location();
    let mut out = Vec::new();
    let leader = store.leaders().expect("leaders")[1].id;
    for id in ids {
        for step in steps(leader) {
            let version = store.case(*id).expect("case").expect("exists").case.version;
            let answer = store.apply(*id, version, &step, "li.na", now());
            out.push(format!("{id} {step:?}: {answer:?}").replace(&location, "DB"));
        }
        let stale = store.apply(*id, 1, &Step::Supervise { on: false }, "li.na", now());
        out.push(format!("{id} stale: {stale:?}"));
        out.push(format!(
            "{id} undo: {:?}",
            store.undo_last(*id, "li.na", now())
        ));
    }
    let registered = store.register(&intake(), "zhao.lei", now());
    out.push(format!("register: {registered:?}"));
    out.push(format!("recompute: {:?}", store.recompute("admin", now())));
    out
}

fn same(left: &[String], right: &[String]) {
    assert_eq!(left.len(), right.len());
    for (l, r) in left.iter().zip(right) {
        assert_eq!(l, r, "SQLite and PostgreSQL differ");
    }
}

#[test]
fn both_backends_answer_every_read_and_write_alike() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "alike");
    let (_dir, path) = demo_db(1200, 11);
    copy(path.to_str().unwrap(), &schema.url(), &Rules::default()).expect("copy");
    let lite = xinfang::store::open(
        path.to_str().unwrap(),
        Rules::default(),
        OpenMode::ReadWrite,
    )
    .expect("open sqlite");
    let pg = xinfang::store::open(&schema.url(), Rules::default(), OpenMode::ReadWrite)
        .expect("open postgres");
    let ids: Vec<CaseId> = (1..=1200).step_by(23).collect();
    let (a, b) = (
        everything(lite.as_ref(), &ids),
        everything(pg.as_ref(), &ids),
    );
    assert!(a.len() > 300, "{}", a.len());
    same(&a, &b);
    let (a, b) = (
        write_alike(lite.as_ref(), &ids),
        write_alike(pg.as_ref(), &ids),
    );
    assert!(a.iter().any(|l| l.contains("Ok(Case")) && a.iter().any(|l| l.contains("Err(Rule")));
    same(&a, &b);
    let (a, b) = (
        everything(lite.as_ref(), &ids),
        everything(pg.as_ref(), &ids),
    );
    same(&a, &b);
}
