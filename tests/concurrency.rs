//! Eight writers, each with a store of its own (as eight consoles would be), make 1,000
//! transitions each on the same 16 cases, on SQLite and on a real PostgreSQL server: no update is
//! lost (every case's version and event count equal its initial version plus the writes that
//! succeeded on it), every other attempt is reported as a conflict, and the audit chain is whole.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::pg::{Schema, server};
use common::{demo_db, now};
use std::collections::HashMap;
use xinfang::domain::{CaseId, Role, Rules, Step};
use xinfang::store::copy::copy;
use xinfang::store::{OpenMode, Store, StoreError, UserChange};

const WRITERS: usize = 8;
const EACH: usize = 1000;
const CASES: usize = 16;

/// Open cases the writers share.
fn shared_cases(store: &dyn Store) -> Vec<(CaseId, i64)> {
    let mut out = Vec::new();
    let mut id = 1;
    while out.len() < CASES {
        // Past the last case the demo holds too few open cases: say so rather than loop on.
        let Some(detail) = store.case(id).expect("case") else {
            panic!("only {} open cases in the demo; {CASES} needed", out.len());
        };
        if detail.case.dates.closed_on.is_none() {
            out.push((id, detail.case.version));
        }
        id += 1;
    }
    out
}

fn run(open: &(dyn Fn() -> Box<dyn Store> + Sync)) {
    let first = open();
    // Each writer is a supervisor of the whole province: the store refuses anyone else.
    for w in 0..WRITERS {
        let add = UserChange::Add {
            name: format!("writer.{w}"),
            role: Role::Supervisor,
            scope: "64".into(),
        };
        first.change_user(&add, "admin", now()).expect("add writer");
    }
    let cases = shared_cases(first.as_ref());
    let events_before = first.audit().expect("audit").events;
    let results: Vec<(HashMap<CaseId, u64>, u64)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let cases = &cases;
                s.spawn(move || {
                    let store = open();
                    let actor = format!("writer.{w}");
                    let mut done: HashMap<CaseId, u64> = HashMap::new();
                    let mut conflicts = 0u64;
                    for i in 0..EACH {
                        let (id, _) = cases[(i * 7 + w * 3) % CASES];
                        let case = store.case(id).expect("read").expect("exists").case;
                        let step = if i % 2 == 0 {
                            Step::Supervise {
                                on: !case.supervised,
                            }
                        } else {
                            Step::Note {
                                text: format!("{actor} #{i}"),
                            }
                        };
                        // Another writer may get in between the read and the write.
                        std::thread::yield_now();
                        match store.apply(id, case.version, &step, &actor, now()) {
                            Ok(_) => *done.entry(id).or_default() += 1,
                            Err(StoreError::Conflict { .. }) => conflicts += 1,
                            Err(other) => panic!("{actor}: unexpected {other:?}"),
                        }
                    }
                    (done, conflicts)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("writer"))
            .collect()
    });
    let conflicts: u64 = results.iter().map(|r| r.1).sum();
    let mut succeeded: HashMap<CaseId, u64> = HashMap::new();
    for (done, _) in &results {
        for (id, n) in done {
            *succeeded.entry(*id).or_default() += n;
        }
    }
    let total: u64 = succeeded.values().sum();
    assert_eq!(total + conflicts, (WRITERS * EACH) as u64);
    assert!(
        conflicts > 0,
        "the writers overlapped, so some must conflict"
    );
    for (id, initial) in &cases {
        let detail = first.case(*id).expect("read").expect("exists");
        let expected = initial + *succeeded.get(id).unwrap_or(&0) as i64;
        assert_eq!(detail.case.version, expected, "case {id}: a lost update");
        assert_eq!(detail.events.len() as i64, expected, "case {id}: events");
    }
    let audit = first.audit().expect("audit");
    assert!(audit.broken.is_none(), "{audit:?}");
    assert!(audit.mismatched.is_empty(), "{audit:?}");
    assert!(
        audit.rows.is_empty(),
        "every row is the replay of its events: {audit:?}"
    );
    assert_eq!(audit.events, events_before + total);
    eprintln!("{total} transitions, {conflicts} conflicts reported");
}

#[test]
fn eight_writers_on_sqlite_lose_nothing_and_report_every_conflict() {
    let (_dir, path) = demo_db(600, 8);
    let location = path.to_str().unwrap().to_string();
    run(&|| xinfang::store::open(&location, Rules::default(), OpenMode::ReadWrite).expect("open"));
}

#[test]
fn eight_writers_on_postgresql_lose_nothing_and_report_every_conflict() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "writers");
    let (_dir, path) = demo_db(600, 8);
    copy(path.to_str().unwrap(), &schema.url(), &Rules::default()).expect("copy");
    let url = schema.url();
    run(&|| xinfang::store::open(&url, Rules::default(), OpenMode::ReadWrite).expect("open"));
}
