//! `xinfang cases`: a queue listed without the console, as TSV or JSON.
//!
//! Output never carries personal data, and every text field is neutralised (control characters,
//! tabs and newlines become visible stand-ins) so that a listing is safe in a terminal and
//! parses as TSV.

use super::Context;
use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;
use xinfang::demo::DEMO_USER;
use xinfang::domain::deadline::{Urgency, classify};
use xinfang::domain::region;
use xinfang::store::{Builtin, CaseRow, OpenMode, Scope};
use xinfang::text::sanitise;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Tsv,
    Json,
}

#[derive(Debug, Args)]
pub struct CasesArgs {
    /// Queue to list (to-register, to-forward, awaiting-acceptance, in-handling, due-soon,
    /// overdue, review, supervised, packaged, backlog, collective, repeat, mine, all)
    #[arg(long, default_value = "all", hide_possible_values = true,
          value_parser = super::OneOf::new("queue", Builtin::ALL.iter().map(|q| q.name())))]
    pub queue: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Tsv)]
    pub format: Format,
    /// List at most this many cases
    #[arg(long)]
    pub limit: Option<u64>,
    /// Only cases in this region (admin-code prefix: 6401 = Yinchuan, 640106 = Jinfeng)
    #[arg(long, default_value = "64", value_parser = parse_region)]
    pub region: String,
    /// Whose `mine` queue to list
    #[arg(long, default_value = DEMO_USER)]
    pub owner: String,
}

/// One output line.
#[derive(Serialize)]
struct Line<'a> {
    number: String,
    received: String,
    channel: &'a str,
    county: String,
    category: &'a str,
    class: &'a str,
    state: &'a str,
    due: Option<String>,
    days_left: Option<i64>,
    title: String,
}

const PAGE: usize = 5000;

/// What a listing prints instead of a confidential case's title for a user who may not see it.
pub const RESTRICTED: &str = "[restricted: Art 30]";

pub fn run(context: &Context, args: &CasesArgs, asked: Option<&str>) -> Result<ExitCode> {
    // Both were checked by the command line (a mistake there exits 2).
    let Some(queue) = Builtin::from_name(&args.queue) else {
        bail!("unknown queue `{}`", sanitise(&args.queue));
    };
    let store = context.open(OpenMode::ReadOnly)?;
    let user = super::identity::resolve(store.as_ref(), asked)?;
    let (role, user_scope, _) = xinfang::app::console::resolve_user(store.as_ref(), &user)?;
    // A listing shows what the console shows: nothing outside the user's region.
    let Some(region) = xinfang::domain::access::listing_region(&user_scope, &args.region) else {
        bail!(
            "--region {}: outside the region of `{}` ({})",
            args.region,
            sanitise(&user),
            user_scope
        );
    };
    let may_see = |row: &CaseRow| {
        xinfang::domain::access::may_see_content(row.confidential, role, &user_scope, &row.county)
    };
    let rules = &context.config.rules;
    let scope = Scope {
        region: region.to_string(),
        user: args.owner.clone(),
        today: context.now.date(),
    };
    let (filter, sort) = queue.query(scope.today, rules.due_soon_days, &scope.user);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let limit = args.limit.unwrap_or(u64::MAX);
    let mut written = 0u64;
    let mut cursor = None;
    if args.format == Format::Tsv {
        writeln!(
            out,
            "number\treceived\tchannel\tcounty\tcategory\tclass\tstate\tdue\tdays_left\ttitle"
        )?;
    } else {
        write!(out, "[")?;
    }
    'pages: loop {
        let want = PAGE.min((limit - written) as usize);
        if want == 0 {
            break;
        }
        let page = store.page(&filter, sort, &scope, cursor.as_ref(), want)?;
        for row in &page.rows {
            let line = line(row, scope.today, rules.due_soon_days, may_see(row));
            match args.format {
                Format::Tsv => writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    line.number,
                    line.received,
                    line.channel,
                    line.county,
                    line.category,
                    line.class,
                    line.state,
                    line.due.as_deref().unwrap_or(""),
                    line.days_left.map_or(String::new(), |d| d.to_string()),
                    line.title
                )?,
                Format::Json => {
                    if written > 0 {
                        write!(out, ",")?;
                    }
                    writeln!(out)?;
                    serde_json::to_writer(&mut out, &line)?;
                }
            }
            written += 1;
            if written >= limit {
                break 'pages;
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if args.format == Format::Json {
        writeln!(out, "\n]")?;
    }
    match out.flush() {
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `--region`: a Ningxia admin-code prefix, checked on the command line.
pub fn parse_region(text: &str) -> Result<String, String> {
    if valid_region(text) {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{}` is not a Ningxia admin-code prefix (64, a city like 6401, a county like 640106)",
            sanitise(text)
        ))
    }
}

pub fn valid_region(region: &str) -> bool {
    matches!(region.len(), 2 | 4 | 6 | 9)
        && region.starts_with(region::PROVINCE_CODE)
        && region.bytes().all(|b| b.is_ascii_digit())
}

fn line(
    row: &CaseRow,
    today: chrono::NaiveDate,
    due_soon_days: u32,
    content_visible: bool,
) -> Line<'_> {
    let days_left = row
        .due_on
        .map(|due| match classify(due, today, due_soon_days) {
            Urgency::Overdue { days } => -days,
            Urgency::DueSoon { left } | Urgency::OnTime { left } => left,
            Urgency::NoClock => 0,
        });
    Line {
        number: sanitise(&row.number).into_owned(),
        received: row.received_on.to_string(),
        channel: row.channel.code(),
        county: region::name_of(&row.county).unwrap_or_else(|| sanitise(&row.county).into_owned()),
        category: row.category.map_or("", |c| c.code()),
        class: row.class.map_or("", |c| c.code()),
        state: row.state.code(),
        due: row.due_on.map(|d| d.to_string()),
        days_left,
        title: if content_visible {
            sanitise(&row.title).into_owned()
        } else {
            RESTRICTED.to_string()
        },
    }
}
