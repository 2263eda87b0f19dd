//! Command-line arguments (clap) and dispatch to the subcommands.
//!
//! Every failure returns an error that `main` prints as one line; nothing here panics on input.

mod bench;
mod cases;
mod db;
mod demo;
mod summary;

use anyhow::{Context as _, Result};
use chrono::{NaiveDate, NaiveDateTime};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xinfang::config::{self, Config};
use xinfang::domain;
use xinfang::store::{self, OpenMode, Store};

/// xinfang — terminal operations console for petition (信访) case work.
#[derive(Debug, Parser)]
#[command(name = "xinfang", version, about, long_about = None)]
pub struct Args {
    /// Database file [default: the `db` setting, else xinfang.db in the user data directory]
    #[arg(long, global = true, value_name = "PATH", env = "XINFANG_DB")]
    pub db: Option<PathBuf>,
    /// Settings file [default: config.toml in the user config directory, if present]
    #[arg(long, global = true, value_name = "PATH", env = "XINFANG_CONFIG")]
    pub config: Option<PathBuf>,
    /// Evaluate deadlines as if today were this day (China time), for reproducible output
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a realistic Ningxia demo database (deterministic for a seed)
    Demo(demo::DemoArgs),
    /// List the cases of a queue without the console
    Cases(cases::CasesArgs),
    /// Measure the store budgets on a generated database (prints a Markdown table)
    Bench(bench::BenchArgs),
    /// Database maintenance
    Db {
        #[command(subcommand)]
        action: db::DbAction,
    },
}

/// What every subcommand needs: settings, the database location and the clock.
pub struct Context {
    pub config: Config,
    pub db: PathBuf,
    pub now: NaiveDateTime,
}

impl Context {
    fn new(args: &Args) -> Result<Context> {
        let config = config::load(args.config.as_deref())?;
        let db = match (&args.db, &config.db) {
            (Some(path), _) => path.clone(),
            (None, Some(path)) => PathBuf::from(path),
            (None, None) => default_db().context("no user data directory; pass --db PATH")?,
        };
        let now = match args.today {
            // A fixed day is seen at the end of its working day, so that day's steps count.
            Some(day) => day.and_hms_opt(18, 0, 0).unwrap_or_default(),
            None => domain::china_now(),
        };
        Ok(Context { config, db, now })
    }

    /// Opens the configured database.
    pub fn open(&self, mode: OpenMode) -> Result<Box<dyn Store>> {
        let location = self.db.to_string_lossy();
        Ok(store::open(&location, self.config.rules.clone(), mode)?)
    }
}

/// `xinfang.db` in the user's data directory.
fn default_db() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("xinfang").join("xinfang.db"))
}

/// Runs the parsed command line.
pub fn run(args: Args) -> Result<ExitCode> {
    let context = Context::new(&args)?;
    match args.command {
        Some(Command::Demo(demo)) => demo::run(&context, &demo),
        Some(Command::Cases(cases)) => cases::run(&context, &cases),
        Some(Command::Db { action }) => db::run(&context, &action),
        Some(Command::Bench(bench)) => bench::run(&context, &bench),
        None => {
            let store = context.open(OpenMode::ReadOnly)?;
            summary::print(store.as_ref(), &context)?;
            eprintln!(
                "xinfang: the full-screen console is not part of this build yet; \
                 use `xinfang cases --queue NAME` to list a queue"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
