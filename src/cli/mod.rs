//! Command-line arguments (clap) and dispatch to the subcommands.
//!
//! Every failure returns an error that `main` prints as one line; nothing here panics on input.

mod admin;
mod bench;
mod bench_console;
mod bench_search;
mod bench_serve;
mod bench_transfer;
mod board;
mod cases;
mod console;
mod db;
mod demo;
mod export;
mod identity;
mod import;
mod kpi;
mod report;
mod search;
mod serve;
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
    /// Database: a SQLite file or a postgres:// URL [default: the `db` setting, else xinfang.db
    /// in the user data directory]
    #[arg(long, global = true, value_name = "PATH|URL", env = "XINFANG_DB")]
    pub db: Option<PathBuf>,
    /// Settings file [default: config.toml in the user config directory, if present]
    #[arg(long, global = true, value_name = "PATH", env = "XINFANG_CONFIG")]
    pub config: Option<PathBuf>,
    /// Evaluate deadlines as if today were this day (China time), for reproducible output
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Act as this user: only for an admin of the database, or on a demo database [default: the
    /// OS login of this process (not $USER); `demo` opens as its supervisor zhao.lei]
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// Keymap preset (default, vim, emacs) or keymap file [default: `keymap` setting, else default]
    #[arg(long, global = true, value_name = "NAME|PATH")]
    pub keymap: Option<String>,
    /// Display language [default: `lang` setting, else from LANG]
    #[arg(long, global = true, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// Colour theme [default: `theme` setting, else dark; mono when NO_COLOR is set]
    #[arg(long, global = true, value_parser = ["dark", "light", "mono"])]
    pub theme: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a realistic Ningxia demo database (deterministic for a seed)
    Demo(demo::DemoArgs),
    /// List the cases of a queue without the console
    Cases(cases::CasesArgs),
    /// Import cases from CSV, JSON Lines or Excel files: every row checked, all or nothing
    Import(import::ImportArgs),
    /// Export the cases of a queue or search as CSV, JSON Lines or Excel, as your role sees them
    Export(export::ExportArgs),
    /// Search cases as the console's `/` does (without the console)
    Search(search::SearchArgs),
    /// Every indicator (domain.md §8) for a period, with numerators and denominators
    Kpi(kpi::KpiArgs),
    /// The meeting brief: daily, weekly or monthly report as Markdown, HTML, JSON, CSV or Excel
    Report(report::ReportArgs),
    /// Unattended wall board: read-only, rotating boards, no personal data
    Board(board::BoardArgs),
    /// Serve the console and wall boards over SSH: users log in with their keys (`user add-key`)
    Serve(serve::ServeArgs),
    /// Measure the store budgets on a generated database (prints a Markdown table)
    Bench(bench::BenchArgs),
    /// Verify the tamper-evident audit chain
    Audit {
        #[command(subcommand)]
        action: admin::AuditAction,
    },
    /// Manage console users (admins only)
    User {
        #[command(subcommand)]
        action: admin::UserAction,
    },
    /// Database maintenance
    Db {
        #[command(subcommand)]
        action: db::DbAction,
    },
    /// Print shell completions (subcommands, options, queue and board names):
    /// `xinfang completions bash > /etc/bash_completion.d/xinfang`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// A value from a fixed list (queue or board names): the shell completes it, and an unknown one
/// is refused with the list.
#[derive(Debug, Clone)]
pub struct OneOf {
    what: &'static str,
    names: Vec<&'static str>,
}

impl OneOf {
    pub fn new(what: &'static str, names: impl IntoIterator<Item = &'static str>) -> OneOf {
        OneOf {
            what,
            names: names.into_iter().collect(),
        }
    }
}

impl clap::builder::TypedValueParser for OneOf {
    type Value = String;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<String, clap::Error> {
        let text = value.to_string_lossy();
        let name = text.trim();
        if self.names.contains(&name) {
            return Ok(name.to_string());
        }
        let text = xinfang::text::sanitise(&text);
        let message = format!(
            "invalid value '{text}' for '{}': unknown {} `{text}` (known: {})",
            arg.map_or_else(String::new, ToString::to_string),
            self.what,
            self.names.join(", ")
        );
        Err(clap::Error::raw(clap::error::ErrorKind::InvalidValue, message).with_cmd(command))
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.names
                .iter()
                .map(|n| clap::builder::PossibleValue::new(*n)),
        ))
    }
}

/// A command-line mistake found after parsing (a query that does not parse): exits 2, as the
/// mistakes clap finds do.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// What every subcommand needs: settings, the database location and the clock.
pub struct Context {
    pub config: Config,
    /// A settings problem the console shows on screen (other commands fail on it instead).
    pub config_problem: Option<String>,
    pub db: PathBuf,
    /// The settings file read (for messages that name it), if any.
    pub config_path: Option<PathBuf>,
    pub now: NaiveDateTime,
    /// The day given with `--today`, if any.
    pub fixed_day: Option<NaiveDate>,
}

impl Context {
    fn new(args: &Args) -> Result<Context> {
        // The console shows a settings problem and continues with defaults; everything else stops.
        let console = matches!(args.command, None | Some(Command::Demo(_)));
        let (config, config_problem) = match config::load(args.config.as_deref()) {
            Ok(config) => (config, None),
            Err(e) if console => (Config::default(), Some(e.to_string())),
            Err(e) => return Err(e.into()),
        };
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
        Ok(Context {
            config,
            config_problem,
            config_path: config::source(args.config.as_deref()),
            db,
            now,
            fixed_day: args.today,
        })
    }

    /// The settings file as messages name it.
    pub fn config_name(&self) -> String {
        self.config_path.as_deref().map_or_else(
            || "config.toml".to_string(),
            |p| xinfang::text::sanitise(&p.display().to_string()).into_owned(),
        )
    }

    /// Opens the configured database.
    pub fn open(&self, mode: OpenMode) -> Result<Box<dyn Store>> {
        let location = self.db.to_string_lossy();
        Ok(store::open(&location, self.config.rules.clone(), mode)?)
    }
}

fn console_args<'a>(args: &'a Args, user: Option<&'a str>) -> console::ConsoleArgs<'a> {
    console::ConsoleArgs {
        user,
        keymap: args.keymap.as_deref(),
        lang: args
            .lang
            .as_deref()
            .and_then(xinfang::i18n::Lang::from_code),
        theme: args
            .theme
            .as_deref()
            .and_then(xinfang::app::state::ThemeName::from_name),
    }
}

/// A keymap preset by name, or a keymap file; for commands that run unattended (a wall board, a
/// server), a keymap that does not load is an error, not a notice nobody reads.
fn keymap_or_error(name: Option<&str>) -> Result<xinfang::keymap::Keymap> {
    use xinfang::keymap::Keymap;
    let Some(name) = name else {
        return Ok(Keymap::default_preset());
    };
    if let Ok(keymap) = Keymap::preset(name) {
        return Ok(keymap);
    }
    let shown = xinfang::text::sanitise(name);
    let text = std::fs::read_to_string(name).map_err(|e| {
        anyhow::anyhow!("keymap `{shown}`: not a preset (default, vim, emacs) nor a file: {e}")
    })?;
    let (keymap, errors) = Keymap::with_user_file(&text, name);
    match errors.first() {
        Some(first) => anyhow::bail!("{first}"),
        None => Ok(keymap),
    }
}

/// `xinfang.db` in the user's data directory.
fn default_db() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("xinfang").join("xinfang.db"))
}

/// Runs the parsed command line.
pub fn run(args: Args) -> Result<ExitCode> {
    if let Some(Command::Completions { shell }) = &args.command {
        use clap::CommandFactory;
        let mut command = Args::command();
        clap_complete::generate(*shell, &mut command, "xinfang", &mut std::io::stdout());
        return Ok(ExitCode::SUCCESS);
    }
    let context = Context::new(&args)?;
    match &args.command {
        Some(Command::Demo(demo)) => {
            demo::run(&context, demo)?;
            if demo.no_open {
                return Ok(ExitCode::SUCCESS);
            }
            let user = args.user.as_deref().or(Some(xinfang::demo::DEMO_USER));
            console::run(&context, &console_args(&args, user))
        }
        Some(Command::Kpi(kpi)) => kpi::run(&context, kpi),
        Some(Command::Report(report)) => report::run(
            &context,
            report,
            args.lang
                .as_deref()
                .and_then(xinfang::i18n::Lang::from_code),
        ),
        Some(Command::Cases(cases)) => cases::run(&context, cases, args.user.as_deref()),
        Some(Command::Import(import)) => import::run(&context, import, args.user.as_deref()),
        Some(Command::Export(export)) => export::run(
            &context,
            export,
            args.user.as_deref(),
            args.lang
                .as_deref()
                .and_then(xinfang::i18n::Lang::from_code),
        ),
        Some(Command::Db { action }) => db::run(&context, action, args.user.as_deref()),
        Some(Command::Bench(bench)) => bench::run(&context, bench),
        // Answered before the settings are read.
        Some(Command::Completions { .. }) => Ok(ExitCode::SUCCESS),
        Some(Command::Board(board)) => {
            let look = console_args(&args, None);
            board::run(&context, board, look.lang, look.theme, look.keymap)
        }
        Some(Command::Serve(serve)) => {
            let look = console_args(&args, None);
            serve::run(&context, serve, look.lang, look.theme, look.keymap)
        }
        Some(Command::Audit { action }) => admin::audit(&context, action),
        Some(Command::User { action }) => admin::user(&context, action, args.user.as_deref()),
        Some(Command::Search(search)) => search::run(&context, search, args.user.as_deref()),
        None => console::run(&context, &console_args(&args, args.user.as_deref())),
    }
}
