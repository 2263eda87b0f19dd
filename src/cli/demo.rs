//! `xinfang demo`: generate the demo database, then show it.

use super::{Context, summary};
use anyhow::{Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;
use xinfang::demo::{self, Options};
use xinfang::domain::Rules;
use xinfang::store::{OpenMode, StoreError, sqlite::SqliteStore};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of cases to generate
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=20_000_000))]
    pub cases: u64,
    /// Random seed; the same seed and day give the same data
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Only generate; do not open the console afterwards
    #[arg(long)]
    pub no_open: bool,
}

pub fn run(context: &Context, args: &DemoArgs) -> Result<ExitCode> {
    let location = context.db.to_string_lossy();
    if xinfang::store::postgres::is_url(&location) {
        let shown = std::str::FromStr::from_str(&location)
            .map(|config| xinfang::store::postgres::redacted(&config))
            .unwrap_or_else(|_| "postgres://…".to_string());
        anyhow::bail!(
            "demo databases are generated into a SQLite file; generate one, then move it to \
             {shown} with `xinfang db copy --from demo.db --to URL`"
        );
    }
    refuse_to_replace_real_data(context)?;
    if let Some(parent) = context.db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", parent.display()))?;
    }
    let bar = ProgressBar::new(args.cases).with_style(
        ProgressStyle::with_template(
            "{spinner} generating {pos}/{len} cases {wide_bar} {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let options = Options {
        cases: args.cases,
        seed: args.seed,
        now: context.now,
    };
    let summary = demo::generate(&context.db, &options, context.config.rules.clone(), &|n| {
        bar.set_position(n)
    })?;
    bar.finish_and_clear();
    println!(
        "Generated {} cases ({} events) in {:.2} s: {:.0} cases per second",
        summary.cases,
        summary.events,
        summary.elapsed.as_secs_f64(),
        summary.rate()
    );
    if args.no_open {
        let store = context.open(OpenMode::ReadOnly)?;
        summary::print(store.as_ref(), context)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo replaces its target only when that is missing or an earlier demo database.
fn refuse_to_replace_real_data(context: &Context) -> Result<()> {
    let path = &context.db;
    xinfang::store::sqlite::refuse_special(path)?;
    match std::fs::metadata(path) {
        Err(_) => return Ok(()),
        Ok(meta) if meta.len() == 0 => return Ok(()),
        Ok(_) => {}
    }
    let refuse = |why: String| -> Result<()> {
        bail!(
            "{} {why}; refusing to replace it with demo data (choose another --db)",
            path.display()
        )
    };
    match SqliteStore::open(path, Rules::default(), OpenMode::ReadOnly) {
        Ok(store) => {
            if xinfang::store::Store::meta(&store, "demo_seed")?.is_none() {
                return refuse(
                    "holds a xinfang database that was not made by `xinfang demo`".into(),
                );
            }
            Ok(())
        }
        Err(StoreError::TooNew { .. }) => refuse("was written by a newer xinfang".into()),
        Err(e) => refuse(format!("is not a demo database ({e})")),
    }
}
