//! `xinfang report daily|weekly|monthly`: the meeting brief as Markdown, HTML, JSON, CSV or
//! Excel, from the same store calls as the boards and `xinfang kpi`. With `--out DIR` the file is
//! named by kind, date and region, so one cron line keeps an archive.

use super::Context;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use xinfang::report::{self, Format};
use xinfang::store::OpenMode;
use xinfang::store::brief::{BriefQuery, ReportKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Today (or --date) against the day before and the same day a year earlier
    Daily,
    /// Monday to the date, against the same days of the week before
    Weekly,
    /// The 1st to the date, against the same days of the month before
    Monthly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Md,
    Html,
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report
    #[arg(value_enum)]
    pub kind: Kind,
    /// The report's day [default: today, or --today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
    /// Only this region (admin-code prefix: 64, 6401, 640106)
    #[arg(long, default_value = "64", value_parser = super::board::parse_region)]
    pub region: String,
    /// Output format [default: from the --out file's extension, else md]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// A file, or a directory (existing, or ending in /) to write `KIND-DATE-REGION.EXT` in
    /// (CSV: one file per table there) [default: standard output]
    #[arg(long, value_name = "FILE|DIR")]
    pub out: Option<PathBuf>,
}

fn format_of(args: &ReportArgs) -> Result<Format> {
    let asked = args.format.map(|f| match f {
        FormatArg::Md => Format::Md,
        FormatArg::Html => Format::Html,
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
        FormatArg::Xlsx => Format::Xlsx,
    });
    let extension = args
        .out
        .as_deref()
        .filter(|p| !p.is_dir() && !p.as_os_str().to_string_lossy().ends_with('/'))
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_name = match extension.as_deref() {
        None => None,
        Some("md" | "markdown") => Some(Format::Md),
        Some("html" | "htm") => Some(Format::Html),
        Some(code) => Format::from_code(code),
    };
    match (asked, by_name, extension) {
        // A file whose name says another format would mislead whoever opens it.
        (Some(asked), Some(named), Some(ext)) if asked != named => bail!(super::Usage(format!(
            "--format {} does not match the file name's `.{}`",
            asked.code(),
            xinfang::text::sanitise(&ext)
        ))),
        (Some(asked), _, _) => Ok(asked),
        (None, Some(named), _) => Ok(named),
        (None, None, None) => Ok(Format::Md),
        (None, None, Some(ext)) => bail!(super::Usage(format!(
            "--out: cannot tell the format from `.{}`; add --format md|html|json|csv|xlsx",
            xinfang::text::sanitise(&ext)
        ))),
    }
}

pub fn run(
    context: &Context,
    args: &ReportArgs,
    lang: Option<xinfang::i18n::Lang>,
) -> Result<ExitCode> {
    let format = format_of(args)?;
    let today = context.now.date();
    let as_of = args.date.unwrap_or(today);
    if as_of > today {
        bail!(super::Usage(format!(
            "--date {as_of} is after today ({today}): a report covers days that have passed"
        )));
    }
    if format == Format::Xlsx && args.out.is_none() {
        bail!(super::Usage(
            "an Excel report needs --out FILE or --out DIR/".to_string()
        ));
    }
    let lang = lang
        .or(context
            .config
            .lang
            .as_deref()
            .and_then(xinfang::i18n::Lang::from_code))
        .unwrap_or_else(xinfang::i18n::Lang::from_env);
    let store = context.open(OpenMode::ReadOnly)?;
    let brief = store.brief(&BriefQuery {
        kind: match args.kind {
            Kind::Daily => ReportKind::Daily,
            Kind::Weekly => ReportKind::Weekly,
            Kind::Monthly => ReportKind::Monthly,
        },
        as_of,
        region: args.region.clone(),
        today,
    })?;
    let report = report::build(
        &brief,
        report::Options {
            boards: &context.config.rules.boards,
            lang,
        },
    );
    match &args.out {
        Some(out) => {
            let written = report::write_to(&report, format, out).map_err(anyhow::Error::msg)?;
            for path in written {
                eprintln!("{}", xinfang::text::sanitise(&path.display().to_string()));
            }
        }
        None => {
            let bytes = report::render(&report, format).map_err(anyhow::Error::msg)?;
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
