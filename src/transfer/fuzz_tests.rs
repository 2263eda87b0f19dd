//! Random and mutated input files never panic the reader or the row checks: every byte string
//! gives rows or problems. Bounded (a few hundred cases per format) so that it runs in CI.

use super::prepare::{Context, prepare};
use super::{Encoding, Format, read};
use crate::domain::Rules;
use proptest::prelude::*;

const VALID_CSV: &str = "number,received_on,channel,county,township,category,title,petitioner,id_number,phone,unit,forwarded_on,class,accepted_on,replied_on,outcome,state,history\n\
F-1,2026-10-08,visit,金凤区,,unpaid-wages,欠薪,张三,11010519491231002X,13812345678,,,,,,,registered,\n\
F-2,2026/10/9 10:30,来信,640106,640106001,逾期交房,交房,李四,,0951-5012345,金凤区人社局,2026-10-10,demand,2026-10-11,2026-11-01,supported,replied,\n\
F-3,2026-10-08,online,西夏区,,,标题,,,,,,,,,,,\"{\"\"steps\"\":[{\"\"at\"\":\"\"2026-10-08T09:00:00\"\",\"\"actor\"\":\"\"x\"\",\"\"step\"\":{\"\"step\"\":\"\"register\"\"}}]}\"\n";

/// The demo's units and leaders, on the tests' fixed day.
fn context(rules: &Rules, add_missing: bool) -> Context<'_> {
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
        .and_then(|d| d.and_hms_opt(18, 0, 0))
        .unwrap_or_default();
    let reference = (
        crate::demo::reference::units(),
        crate::demo::reference::leaders(),
    );
    Context::new(rules, now, reference, "fuzz", add_missing)
}

/// Reads `bytes` as a file of `format` and checks every row; panics are the only failure.
fn read_all(bytes: &[u8], format: Format) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("f.{}", format.name()));
    std::fs::write(&path, bytes).expect("write");
    let rules = Rules::default();
    let mut cx = context(&rules, true);
    let _ = read::each(&path, format, Encoding::Auto, None, false, &mut |row| {
        if let Ok(record) = row {
            let _ = prepare(&record, &mut cx);
        }
        true
    });
}

/// A small valid workbook to mutate, made once.
fn valid_xlsx() -> Vec<u8> {
    static MADE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    MADE.get_or_init(make_xlsx).clone()
}

fn make_xlsx() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v.xlsx");
    let mut sink =
        super::export::sink(Format::Xlsx, Some(&path), crate::i18n::Lang::En).expect("sink");
    let cells: Vec<super::export::Cell> = super::Column::ALL
        .iter()
        .map(|c| match c {
            super::Column::ReceivedOn => super::export::Cell::Date(
                chrono::NaiveDate::from_ymd_opt(2026, 10, 8).unwrap_or_default(),
            ),
            super::Column::Channel => super::export::Cell::Text("visit".into()),
            super::Column::County => super::export::Cell::Text("金凤区".into()),
            super::Column::Title => super::export::Cell::Text("欠薪".into()),
            super::Column::Persons => super::export::Cell::Number(3),
            _ => super::export::Cell::Empty,
        })
        .collect();
    sink.row(&cells).expect("row");
    sink.finish().expect("save");
    std::fs::read(&path).expect("read")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        read_all(&bytes, Format::Csv);
        read_all(&bytes, Format::Jsonl);
        read_all(&bytes, Format::Xlsx);
    }

    #[test]
    fn mutated_csv_never_panics(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12)) {
        let mut bytes = VALID_CSV.as_bytes().to_vec();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        read_all(&bytes, Format::Csv);
        // The same rows as JSON Lines objects are covered by the random bytes above.
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_xlsx_never_panics(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = valid_xlsx();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        read_all(&bytes, Format::Xlsx);
    }
}

#[test]
fn the_valid_files_the_fuzzing_starts_from_are_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v.csv");
    std::fs::write(&path, VALID_CSV).expect("write");
    let rules = Rules::default();
    let mut cx = context(&rules, false);
    let mut prepared = 0;
    let mut problems = Vec::new();
    read::each(
        &path,
        Format::Csv,
        Encoding::Auto,
        None,
        false,
        &mut |row| {
            match row.map(|record| prepare(&record, &mut cx)) {
                Ok(Ok(_)) => prepared += 1,
                Ok(Err(p)) => problems.extend(p),
                Err(p) => problems.push(p),
            }
            true
        },
    )
    .map_err(|p| p.shown("v.csv"))
    .expect("readable");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(prepared, 3);
    let xlsx = dir.path().join("v.xlsx");
    std::fs::write(&xlsx, valid_xlsx()).expect("write");
    let mut rows = 0;
    read::each(
        &xlsx,
        Format::Xlsx,
        Encoding::Auto,
        None,
        false,
        &mut |row| {
            let record = row.map_err(|p| p.shown("v.xlsx")).expect("a row");
            prepare(&record, &mut cx)
                .map_err(|p| format!("{p:?}"))
                .expect("valid");
            rows += 1;
            true
        },
    )
    .map_err(|p| p.shown("v.xlsx"))
    .expect("readable");
    assert_eq!(rows, 1);
}
