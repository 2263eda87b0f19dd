//! `xinfang export (--queue NAME | --search QUERY)`: the cases a queue or search shows, in the
//! import columns, as the user's role may see them.

use super::Context;
use super::import::FormatArg;
use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use xinfang::app::console::resolve_user;
use xinfang::domain::board::BoardKind;
use xinfang::i18n::Lang;
use xinfang::search;
use xinfang::store::{Builtin, OpenMode, Scope};
use xinfang::text::sanitise;
use xinfang::transfer::Format;
use xinfang::transfer::export::{self, Source, Viewer};

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["queue", "search", "board"]))]
pub struct ExportArgs {
    /// Queue to export (to-register, …, all)
    #[arg(long, hide_possible_values = true,
          value_parser = super::OneOf::new("queue", Builtin::ALL.iter().map(|q| q.name())))]
    pub queue: Option<String>,
    /// Search to export, in the console's query language (`工资 region:6401 status:overdue`)
    #[arg(long)]
    pub search: Option<String>,
    /// Board whose table to export (overview, packages, backlog, map, warnings), for your region
    #[arg(long, hide_possible_values = true,
          value_parser = super::OneOf::new("board", BoardKind::ALL.iter().map(|b| b.code())))]
    pub board: Option<String>,
    /// File format [default: from --out's extension, else csv]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// File to write [default: standard output; an Excel file needs one]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Whose `mine` queue to export [default: yours]
    #[arg(long)]
    pub owner: Option<String>,
}

pub fn run(
    context: &Context,
    args: &ExportArgs,
    asked: Option<&str>,
    lang: Option<Lang>,
) -> Result<ExitCode> {
    let implied = args
        .out
        .as_deref()
        .and_then(xinfang::transfer::read::format_of);
    if let (Some(given), Some(implied)) = (args.format.map(Format::from), implied)
        && given != implied
    {
        return Err(super::Usage(format!(
            "--format {} but --out names a .{} file; give one or make them agree",
            given.name(),
            implied.name()
        ))
        .into());
    }
    let format = match (args.format, &args.out) {
        (Some(f), _) => Format::from(f),
        (None, Some(out)) => xinfang::transfer::read::format_of(out).unwrap_or(Format::Csv),
        (None, None) => Format::Csv,
    };
    let store = context.open(OpenMode::ReadOnly)?;
    let user = super::identity::resolve(store.as_ref(), asked)?;
    let (role, scope, _) = resolve_user(store.as_ref(), &user)?;
    let lang = lang
        .or_else(|| context.config.lang.as_deref().and_then(Lang::from_code))
        .unwrap_or_else(Lang::from_env);
    if let Some(name) = &args.board {
        let Some(kind) = BoardKind::from_code(name) else {
            bail!("unknown board `{}`", sanitise(name));
        };
        let query = xinfang::store::board::BoardQuery {
            as_of: context.now.date(),
            region: scope.clone(),
            campaign: None,
        };
        let data = store.board(kind, &query)?;
        let (headers, rows) = xinfang::transfer::board::table(&data, lang);
        let mut sink = export::table_sink(format, args.out.as_deref(), &headers)
            .map_err(anyhow::Error::msg)?;
        for row in &rows {
            sink.row(row).map_err(anyhow::Error::msg)?;
        }
        sink.finish().map_err(anyhow::Error::msg)?;
        if let Some(out) = &args.out {
            eprintln!(
                "Exported the {} board ({} rows) to {} ({})",
                kind.code(),
                rows.len(),
                sanitise(&out.display().to_string()),
                format.name()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let viewer = Viewer {
        role,
        scope: scope.clone(),
        lang,
        history: true,
    };
    let rules = &context.config.rules;
    let source = if let Some(query) = &args.search {
        let parsed = match search::parse(query) {
            Ok(q) => q,
            Err(e) => {
                return Err(super::Usage(format!("query `{}`: {e}", sanitise(query))).into());
            }
        };
        let (index, _) = search::build(store.as_ref(), role, &scope, &mut |_| {})?;
        let results = index.search(&parsed, context.now.date(), usize::MAX, None);
        Source::Ids(results.hits.iter().map(|h| h.id).collect())
    } else {
        let name = args.queue.as_deref().unwrap_or("all");
        let Some(queue) = Builtin::from_name(name) else {
            bail!("unknown queue `{}`", sanitise(name));
        };
        let scope = Scope {
            region: scope.clone(),
            user: args.owner.clone().unwrap_or_else(|| user.clone()),
            today: context.now.date(),
        };
        let (filter, sort) = queue.query(scope.today, rules.due_soon_days, &scope.user);
        Source::Queue {
            filter,
            sort,
            scope,
        }
    };
    // The file is created only once the query is known to be good.
    let sink = export::sink(format, args.out.as_deref(), lang).map_err(anyhow::Error::msg)?;
    let written =
        export::write(store.as_ref(), &source, sink, &viewer, rules).map_err(anyhow::Error::msg)?;
    if let Some(out) = &args.out {
        eprintln!(
            "Exported {written} cases to {} ({})",
            sanitise(&out.display().to_string()),
            format.name()
        );
    }
    Ok(ExitCode::SUCCESS)
}
