//! `xinfang search QUERY`: the console's search engine without the console, as TSV or JSON.
//! The user's role decides whether accusation content is searched (supervisors only).

use super::Context;
use super::cases::Format;
use anyhow::Result;
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;
use xinfang::app::console::resolve_user;
use xinfang::search;
use xinfang::store::OpenMode;
use xinfang::text::sanitise;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: fuzzy terms (pinyin works: zw, zhangwei), 'exact, ^prefix, suffix$, !not, a | b,
    /// and field filters status: region: cat: unit: leader: channel: flag: due:<3d overdue
    pub query: String,
    /// Show at most this many results
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Tsv)]
    pub format: Format,
}

#[derive(Serialize)]
struct Line<'a> {
    number: String,
    county: String,
    state: &'a str,
    title: String,
    score: i64,
}

pub fn run(context: &Context, args: &SearchArgs, asked: Option<&str>) -> Result<ExitCode> {
    let query = match search::parse(&args.query) {
        Ok(query) => query,
        Err(e) => {
            return Err(super::Usage(format!("query `{}`: {e}", sanitise(&args.query))).into());
        }
    };
    let store = context.open(OpenMode::ReadOnly)?;
    let user = super::identity::resolve(store.as_ref(), asked)?;
    let (role, scope, _) = resolve_user(store.as_ref(), &user)?;
    let (index, _) = search::build(store.as_ref(), role, &scope, &mut |_| {})?;
    let results = index.search(&query, context.now.date(), args.limit, None);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Tsv => {
            writeln!(out, "number\tcounty\tstate\tscore\ttitle")?;
            for hit in &results.hits {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    sanitise(&hit.number),
                    sanitise(&hit.county),
                    hit.state.code(),
                    hit.score,
                    shown_title(&hit.title)
                )?;
            }
        }
        Format::Json => {
            let lines: Vec<Line> = results
                .hits
                .iter()
                .map(|hit| Line {
                    number: sanitise(&hit.number).into_owned(),
                    county: sanitise(&hit.county).into_owned(),
                    state: hit.state.code(),
                    title: shown_title(&hit.title),
                    score: hit.score,
                })
                .collect();
            serde_json::to_writer(&mut out, &lines)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    eprintln!("{} of {} matching cases", results.hits.len(), results.total);
    Ok(ExitCode::SUCCESS)
}

/// A hit's title as printed: the index holds no title for a case whose content the user may not
/// see (Art 30), so it says so instead of printing nothing.
fn shown_title(title: &str) -> String {
    if title.is_empty() {
        super::cases::RESTRICTED.to_string()
    } else {
        sanitise(title).into_owned()
    }
}
