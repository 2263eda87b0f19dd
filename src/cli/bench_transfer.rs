//! `xinfang bench`: export every case of the benchmark database to CSV, then import that file
//! into an empty database, each timed once (the budgets: export of a million cases
//! ≤ 10 s, import ≥ 100,000 cases per second).

use anyhow::Result;
use chrono::NaiveDateTime;
use std::time::Instant;
use xinfang::domain::{Role, Rules};
use xinfang::i18n::Lang;
use xinfang::store::{self, Builtin, OpenMode, Scope, Store, UserChange};
use xinfang::transfer::export::{self, Source, Viewer};
use xinfang::transfer::import::{self, OnDuplicate, Options};
use xinfang::transfer::{Encoding, Format};

/// Times the export and the import; returns the Markdown table lines.
pub fn run(source: &dyn Store, rules: &Rules, now: NaiveDateTime) -> Result<Vec<String>> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("all.csv");
    let scope = Scope {
        region: String::new(),
        user: "bench".into(),
        today: now.date(),
    };
    let (filter, sort) = Builtin::All.query(scope.today, rules.due_soon_days, "bench");
    let viewer = Viewer {
        role: Role::Admin,
        scope: "64".into(),
        lang: Lang::En,
        history: true,
    };
    let started = Instant::now();
    let sink = export::sink(Format::Csv, Some(&file), Lang::En).map_err(anyhow::Error::msg)?;
    let exported = export::write(
        source,
        &Source::Queue {
            filter,
            sort,
            scope,
        },
        sink,
        &viewer,
        rules,
    )
    .map_err(anyhow::Error::msg)?;
    let export_time = started.elapsed();
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let target = dir.path().join("imported.db");
    let location = target.to_string_lossy().into_owned();
    let empty = store::open(&location, rules.clone(), OpenMode::Create)?;
    let add = UserChange::Add {
        name: "bench".into(),
        role: Role::Admin,
        scope: "64".into(),
    };
    empty.change_user(&add, "bench", now)?;
    let options = Options {
        files: vec![file],
        format: Some(Format::Csv),
        encoding: Encoding::Auto,
        sheet: None,
        dry_run: false,
        on_duplicate: OnDuplicate::Fail,
        add_missing: true,
        ignore_unknown: false,
        max_problems: 5,
    };
    let outcome = import::run(empty.as_ref(), "bench", now, rules, &options, &|_| {})?;
    if outcome.failed() {
        anyhow::bail!(
            "the benchmark's import found problems: {:?}",
            outcome.problems
        );
    }
    Ok(vec![
        format!(
            "| export, {exported} cases to CSV ({:.0} MB) | {:.2} s | {:.0} cases/s | ≤ 10 s for 1,000,000 |",
            size as f64 / 1e6,
            export_time.as_secs_f64(),
            exported as f64 / export_time.as_secs_f64().max(1e-9)
        ),
        format!(
            "| import of that CSV into an empty database, {} cases | {:.2} s | {:.0} cases/s | ≥ 100,000 cases/s |",
            outcome.imported,
            outcome.elapsed.as_secs_f64(),
            outcome.rate()
        ),
    ])
}
