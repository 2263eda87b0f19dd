//! `xinfang import FILE...`: cases from CSV, JSON Lines or XLSX files, all or nothing.

use super::Context;
use anyhow::Result;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use xinfang::store::OpenMode;
use xinfang::transfer::import::{self, OnDuplicate, Options};
use xinfang::transfer::{Encoding, Format};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Jsonl,
    Xlsx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Xlsx => Format::Xlsx,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    Auto,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DuplicateArg {
    Skip,
    Fail,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files to import (.csv, .jsonl, .xlsx); all of them or nothing is written
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Format of every file [default: from each file's extension]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Text encoding of CSV files [default: detected: BOM, else UTF-8, else GB18030/GBK]
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub encoding: EncodingArg,
    /// Sheet of an XLSX workbook [default: the first]
    #[arg(long)]
    pub sheet: Option<String>,
    /// Check every row and report, without writing anything
    #[arg(long)]
    pub dry_run: bool,
    /// A case number already in the database or the files: skip the row, or fail the import
    #[arg(long, value_enum, default_value_t = DuplicateArg::Fail)]
    pub on_duplicate: DuplicateArg,
    /// Add responsible units and leaders the files name but the database does not have
    #[arg(long)]
    pub add_units: bool,
    /// Pass over columns xinfang does not know (序号, 备注, …) instead of refusing the file
    #[arg(long)]
    pub ignore_unknown: bool,
    /// Report at most this many problems in full
    #[arg(long, default_value_t = 100)]
    pub max_problems: usize,
}

pub fn run(context: &Context, args: &ImportArgs, asked: Option<&str>) -> Result<ExitCode> {
    // A demo or another import writing the same file at once is told the file is busy.
    let location = context.db.to_string_lossy();
    let _lock = if xinfang::store::postgres::is_url(&location) || !context.db.exists() {
        None
    } else {
        Some(xinfang::store::sqlite::lock_target(&context.db)?)
    };
    let store = context.open(OpenMode::ReadWrite)?;
    let user = super::identity::resolve(store.as_ref(), asked)?;
    let options = Options {
        files: args.files.clone(),
        format: args.format.map(Format::from),
        encoding: match args.encoding {
            EncodingArg::Auto => Encoding::Auto,
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gb18030 => Encoding::Gb18030,
        },
        sheet: args.sheet.clone(),
        dry_run: args.dry_run,
        on_duplicate: match args.on_duplicate {
            DuplicateArg::Skip => OnDuplicate::Skip,
            DuplicateArg::Fail => OnDuplicate::Fail,
        },
        add_missing: args.add_units,
        ignore_unknown: args.ignore_unknown,
        max_problems: args.max_problems.max(1),
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} checked and imported {pos} rows {per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        )
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    };
    let outcome = import::run(
        store.as_ref(),
        &user,
        context.now,
        &context.config.rules,
        &options,
        &|n| bar.set_position(n),
    )?;
    bar.finish_and_clear();
    for problem in &outcome.problems {
        eprintln!("{problem}");
    }
    if outcome.more_problems > 0 {
        eprintln!(
            "… and {} more problems (--max-problems shows more)",
            outcome.more_problems
        );
    }
    let problems = outcome.problems.len() as u64 + outcome.more_problems;
    let skipped = match outcome.skipped {
        0 => String::new(),
        n => format!(", {n} duplicates skipped"),
    };
    let took = format!(
        "{:.2} s, {:.0} rows per second",
        outcome.elapsed.as_secs_f64(),
        outcome.rate()
    );
    if outcome.failed() {
        eprintln!(
            "{} checked: {}; nothing was written ({took})",
            plural(outcome.rows, "row", "rows"),
            plural(problems, "problem", "problems")
        );
        return Ok(ExitCode::FAILURE);
    }
    if !outcome.written {
        println!(
            "{} checked, no problems{skipped}; a dry run writes nothing ({took})",
            plural(outcome.rows, "row", "rows")
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Imported {}{skipped} in {took}",
        plural(outcome.imported, "case", "cases")
    );
    Ok(ExitCode::SUCCESS)
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
