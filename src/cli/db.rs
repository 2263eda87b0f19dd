//! `xinfang db`: check a database's integrity and schema, create and upgrade one, or copy one
//! between SQLite and PostgreSQL.

use super::Context;
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;
use xinfang::store::OpenMode;
use xinfang::store::sqlite::schema;

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Verify integrity, schema version and the audit chain (exit 1 if anything is wrong)
    Check,
    /// Create the database if missing and bring its schema up to date
    Migrate,
    /// Recompute every case's deadlines and the KPI summary under the current settings (after a
    /// change of `roll_over` or the holiday calendar)
    Recompute,
    /// Copy everything between a SQLite file and a PostgreSQL database (either direction), all or
    /// nothing, then verify row counts and the audit chain on the target
    Copy {
        /// Source: a database file or postgres://user@host:port/db
        #[arg(long, value_name = "PATH_OR_URL")]
        from: String,
        /// Target: a new file, or an empty PostgreSQL database
        #[arg(long, value_name = "PATH_OR_URL")]
        to: String,
    },
}

pub fn run(context: &Context, action: &DbAction, asked: Option<&str>) -> Result<ExitCode> {
    match action {
        DbAction::Check => {
            let store = context.open(OpenMode::ReadOnly)?;
            let report = store.check()?;
            println!(
                "{}: schema version {}, {} cases, {} events",
                store.location(),
                report.schema_version,
                report.cases,
                report.events
            );
            if report.problems.is_empty() {
                println!("ok");
                Ok(ExitCode::SUCCESS)
            } else {
                for problem in &report.problems {
                    println!("problem: {}", xinfang::text::sanitise(problem));
                }
                eprintln!(
                    "xinfang: {} problem(s) found in {}",
                    report.problems.len(),
                    store.location()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        DbAction::Copy { from, to } => {
            let started = std::time::Instant::now();
            let report = xinfang::store::copy::copy(from, to, &context.config.rules)?;
            for (table, rows) in &report.rows {
                println!("{table:<16} {rows:>10}");
            }
            println!(
                "copied {} to {} in {:.1} s; row counts equal, audit chain verified ({} events)",
                report.from,
                report.to,
                started.elapsed().as_secs_f64(),
                report.events_verified
            );
            Ok(ExitCode::SUCCESS)
        }
        DbAction::Recompute => {
            let store = context.open(OpenMode::ReadWrite)?;
            let actor = super::identity::resolve(store.as_ref(), asked)?;
            let report = store.recompute(&actor, context.now)?;
            println!(
                "{}: {} cases, {} with deadlines recomputed under the current settings; KPI summary rebuilt ({} rows)",
                store.location(),
                report.cases,
                report.changed,
                report.summary_rows
            );
            Ok(ExitCode::SUCCESS)
        }
        DbAction::Migrate => {
            let location = context.db.to_string_lossy();
            let before = if xinfang::store::postgres::is_url(&location) {
                xinfang::store::postgres::schema_version(&location)?
            } else {
                if let Some(parent) = context.db.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", parent.display()))?;
                }
                xinfang::store::sqlite::refuse_special(&context.db)?;
                file_version(&context.db)
            };
            let store = context.open(OpenMode::Create)?;
            let now = schema::current_version();
            match before {
                None => println!("{}: created at schema version {now}", store.location()),
                Some(v) if v < now => println!(
                    "{}: upgraded from schema version {v} to {now}",
                    store.location()
                ),
                Some(_) => println!("{}: schema version {now} is current", store.location()),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A SQLite file's schema version from its header (without SQLite), `None` for no file.
fn file_version(path: &std::path::Path) -> Option<u32> {
    if !path.exists() {
        return None;
    }
    schema::check_header(path)
        .ok()
        .flatten()
        .map(|h| h.user_version)
}
