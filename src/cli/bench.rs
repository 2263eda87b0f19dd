//! `xinfang bench`: the project's own benchmark of design.md's store budgets, on a generated
//! database (1,000,000 cases by default). Prints a Markdown table; asserts nothing.

use super::Context;
use anyhow::Result;
use chrono::Datelike;
use clap::Args;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use xinfang::demo::{self, DEMO_USER, Options};
use xinfang::domain::kpi::Period;
use xinfang::store::{self, Builtin, Filter, OpenMode, Scope, Store};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Cases to generate for the benchmark database
    #[arg(long, default_value_t = 1_000_000)]
    pub cases: u64,
    /// Measure an existing database (--db) instead of generating one
    #[arg(long)]
    pub reuse: bool,
    /// Leave out the export and import of every case (which writes a file of about 1.6 GB per
    /// million cases and a second database in the temporary directory)
    #[arg(long)]
    pub no_transfer: bool,
    /// Measure only `xinfang serve`: this many SSH sessions at once on the database (with
    /// --reuse, the one given with --db)
    #[arg(long, value_name = "SESSIONS", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub serve: Option<u32>,
    /// Seconds each serve measurement (idle CPU, sessions moving) lasts
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub serve_seconds: u64,
    /// Repetitions of each measurement
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub repeat: u32,
}

/// Timings of one measurement.
struct Sample {
    what: String,
    times: Vec<Duration>,
    budget: &'static str,
}

impl Sample {
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.times.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }
}

fn time<T>(f: impl FnOnce() -> Result<T>) -> Result<(Duration, T)> {
    let started = Instant::now();
    let value = f()?;
    Ok((started.elapsed(), value))
}

use xinfang::store::brief::{BriefQuery, ReportKind};

pub fn run(context: &Context, args: &BenchArgs) -> Result<ExitCode> {
    let mut lines = Vec::new();
    let (_dir, path): (Option<tempfile::TempDir>, PathBuf) = if args.reuse {
        (None, context.db.clone())
    } else {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("bench.db");
        let options = Options {
            cases: args.cases,
            seed: 1,
            now: context.now,
        };
        let summary = demo::generate(&path, &options, context.config.rules.clone(), &|_| {})?;
        lines.push(format!(
            "| demo generation, {} cases ({} events) | {:.2} s | {:.0} cases/s | ≥ 100,000 cases/s |",
            summary.cases,
            summary.events,
            summary.elapsed.as_secs_f64(),
            summary.rate()
        ));
        (Some(dir), path)
    };
    let location = path.to_string_lossy().into_owned();
    if let Some(sessions) = args.serve {
        lines.extend(super::bench_serve::run(
            context,
            &location,
            sessions as usize,
            args.serve_seconds,
        )?);
        println!("| what | median | p95 | budget |");
        println!("|---|---|---|---|");
        for line in lines {
            println!("{line}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (open_time, store) = time(|| {
        Ok(store::open(
            &location,
            context.config.rules.clone(),
            OpenMode::ReadOnly,
        )?)
    })?;
    let store: &dyn Store = store.as_ref();
    let today = context.now.date();
    let scope = Scope {
        region: String::new(),
        user: DEMO_USER.into(),
        today,
    };
    let due_soon = context.config.rules.due_soon_days;
    let queries: Vec<_> = Builtin::ALL
        .iter()
        .map(|q| (*q, q.query(today, due_soon, DEMO_USER)))
        .collect();
    let filters: Vec<Filter> = queries.iter().map(|(_, (f, _))| f.clone()).collect();
    let mut samples = Vec::new();
    let repeat = args.repeat as usize;

    let mut counts = Sample {
        what: "all 14 queue counts".into(),
        times: vec![],
        budget: "≤ 100 ms",
    };
    for _ in 0..repeat {
        counts
            .times
            .push(time(|| Ok(store.counts(&filters, &scope)?))?.0);
    }
    samples.push(counts);

    let mut first_pages = Sample {
        what: "first page (100 rows) of a queue".into(),
        times: vec![],
        budget: "≤ 100 ms",
    };
    let mut per_queue = Vec::new();
    for (queue, (filter, sort)) in &queries {
        let mut one = Sample {
            what: queue.name().into(),
            times: vec![],
            budget: "",
        };
        for _ in 0..repeat {
            let (t, _) = time(|| Ok(store.page(filter, *sort, &scope, None, 100)?))?;
            first_pages.times.push(t);
            one.times.push(t);
        }
        per_queue.push(one);
    }
    samples.push(first_pages);

    // The console's column sort (N R C O A I S D) on the largest queue, `all`: the worst case.
    let (all_filter, _) = Builtin::All.query(today, due_soon, DEMO_USER);
    use xinfang::store::SortKey as K;
    for key in [
        K::Number,
        K::Channel,
        K::County,
        K::Category,
        K::Title,
        K::State,
        K::DueAll,
    ] {
        let mut sorted = Sample {
            what: format!("first page of `all` sorted by {key:?}"),
            times: vec![],
            budget: "≤ 100 ms",
        };
        let sort = xinfang::store::Sort {
            key,
            descending: false,
        };
        for _ in 0..repeat.min(5) {
            let (t, _) = time(|| Ok(store.page(&all_filter, sort, &scope, None, 100)?))?;
            sorted.times.push(t);
        }
        samples.push(sorted);
    }

    // A small queue sorted by a column whose index holds every case: the planner must not walk
    // the whole index to find the queue's few cases.
    for key in [
        K::Number,
        K::Channel,
        K::County,
        K::Category,
        K::Title,
        K::State,
        K::DueAll,
    ] {
        let mut any = Sample {
            what: format!("first page of each queue sorted by {key:?}"),
            times: vec![],
            budget: "≤ 100 ms",
        };
        let sort = xinfang::store::Sort {
            key,
            descending: false,
        };
        for (_, (filter, _)) in &queries {
            for _ in 0..repeat.min(3) {
                let (t, _) = time(|| Ok(store.page(filter, sort, &scope, None, 100)?))?;
                any.times.push(t);
            }
        }
        samples.push(any);
    }

    let mut deep = Sample {
        what: "next page, walking 200 pages of `all`".into(),
        times: vec![],
        budget: "≤ 100 ms",
    };
    let (filter, sort) = Builtin::All.query(today, due_soon, DEMO_USER);
    let mut cursor = None;
    for _ in 0..200 {
        let (t, page) = time(|| Ok(store.page(&filter, sort, &scope, cursor.as_ref(), 100)?))?;
        deep.times.push(t);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    samples.push(deep);

    let total = store.counts(&[Filter::All], &scope)?[0].max(1);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut detail = Sample {
        what: "case detail with history".into(),
        times: vec![],
        budget: "—",
    };
    for _ in 0..repeat * 10 {
        let id = rng.random_range(1..=total as i64);
        detail.times.push(time(|| Ok(store.case(id)?))?.0);
    }
    samples.push(detail);

    let mut states = Sample {
        what: "cases per state".into(),
        times: vec![],
        budget: "≤ 100 ms",
    };
    for _ in 0..repeat {
        states
            .times
            .push(time(|| Ok(store.state_counts(&scope)?))?.0);
    }
    samples.push(states);

    for (label, from) in [
        ("KPIs, this month", today.with_day0(0).unwrap_or(today)),
        ("KPIs, this year", today.with_ordinal0(0).unwrap_or(today)),
        (
            "KPIs, last 18 months",
            today - chrono::Days::new(demo::HISTORY_DAYS),
        ),
    ] {
        let mut sample = Sample {
            what: label.into(),
            times: vec![],
            budget: "≤ 100 ms",
        };
        for _ in 0..repeat.min(10) {
            let period = Period { from, to: today };
            sample
                .times
                .push(time(|| Ok(store.kpis(period, &scope, today)?))?.0);
        }
        samples.push(sample);
    }

    let campaign = store
        .campaigns()?
        .into_iter()
        .filter(|c| c.starts_on <= today)
        .max_by_key(|c| c.starts_on)
        .map(|c| c.id);
    for kind in xinfang::domain::board::BoardKind::ALL {
        let query = xinfang::store::board::BoardQuery {
            as_of: today,
            region: scope.region.clone(),
            campaign: (*kind == xinfang::domain::board::BoardKind::Backlog)
                .then_some(campaign)
                .flatten(),
        };
        let mut sample = Sample {
            what: format!("board: {}", kind.en()),
            times: vec![],
            budget: "≤ 100 ms",
        };
        for _ in 0..repeat.min(10) {
            sample
                .times
                .push(time(|| Ok(store.board(*kind, &query)?))?.0);
        }
        samples.push(sample);
    }

    // The reports: the brief read, built and written as HTML (what `xinfang report` does after
    // opening the database).
    for (kind, budget) in [
        (ReportKind::Daily, "≤ 1 s"),
        (ReportKind::Weekly, "—"),
        (ReportKind::Monthly, "≤ 3 s"),
    ] {
        let mut sample = Sample {
            what: format!("report: {} (HTML)", kind.code()),
            times: vec![],
            budget,
        };
        let query = BriefQuery {
            kind,
            as_of: today,
            region: "64".into(),
            today,
        };
        for _ in 0..repeat.min(10) {
            sample.times.push(
                time(|| {
                    let brief = store.brief(&query)?;
                    let report = xinfang::report::build(
                        &brief,
                        xinfang::report::Options {
                            boards: &context.config.rules.boards,
                            lang: xinfang::i18n::Lang::Zh,
                        },
                    );
                    xinfang::report::render(&report, xinfang::report::Format::Html)
                        .map_err(anyhow::Error::msg)
                })?
                .0,
            );
        }
        samples.push(sample);
    }

    println!(
        "Benchmark on {total} cases ({}), {} repetitions",
        store.location(),
        args.repeat
    );
    println!();
    println!("| what | median | p95 | budget |");
    println!("|---|---|---|---|");
    for line in &lines {
        println!("{line}");
    }
    println!("| open the database | {:.1} ms | | |", ms(open_time));
    if !args.no_transfer {
        for line in crate::cli::bench_transfer::run(store, &context.config.rules, context.now)? {
            println!("{line}");
        }
    }
    for sample in &samples {
        println!(
            "| {} | {:.2} ms | {:.2} ms | {} |",
            sample.what,
            ms(sample.percentile(0.5)),
            ms(sample.percentile(0.95)),
            sample.budget
        );
    }
    println!();
    let medians: Vec<String> = per_queue
        .iter()
        .map(|s| format!("{} {:.2}", s.what, ms(s.percentile(0.5))))
        .collect();
    println!("First page, median ms per queue: {}.", medians.join(", "));
    crate::cli::bench_search::run(store, today)?;
    crate::cli::bench_console::run(
        std::sync::Arc::from(store::open(
            &location,
            context.config.rules.clone(),
            OpenMode::ReadOnly,
        )?),
        today,
    )?;
    if let Some(peak) = peak_rss_mib() {
        println!("Peak resident memory of this process: {peak} MiB.");
    }
    Ok(ExitCode::SUCCESS)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident set size from /proc (Linux), in MiB.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
