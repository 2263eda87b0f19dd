//! `xinfang export (--queue NAME | --search QUERY)`: the cases a queue or search shows, in the
//! import columns, as the user's role may see them.

use super::Context;
use super::import::FormatArg;
use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use xinfang::app::console::resolve_user;
use xinfang::domain::CaseId;
use xinfang::i18n::Lang;
use xinfang::search;
use xinfang::store::{Builtin, OpenMode, Scope, Store};
use xinfang::text::sanitise;
use xinfang::transfer::Format;
use xinfang::transfer::export::{self, Names, Viewer};

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["queue", "search"]))]
pub struct ExportArgs {
    /// Queue to export (to-register, …, all)
    #[arg(long, hide_possible_values = true,
          value_parser = super::OneOf::new("queue", Builtin::ALL.iter().map(|q| q.name())))]
    pub queue: Option<String>,
    /// Search to export, in the console's query language (`工资 region:6401 status:overdue`)
    #[arg(long)]
    pub search: Option<String>,
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

/// Cases read per batch.
const BATCH: usize = 2000;

pub fn run(
    context: &Context,
    args: &ExportArgs,
    asked: Option<&str>,
    lang: Option<Lang>,
) -> Result<ExitCode> {
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
    let units = store.units()?;
    let leaders = store.leaders()?;
    let names = Names::new(&units, &leaders);
    let viewer = Viewer {
        role,
        scope: scope.clone(),
        lang,
    };
    let mut sink = export::sink(format, args.out.as_deref(), lang).map_err(anyhow::Error::msg)?;
    let rules = &context.config.rules;
    let mut written = 0u64;
    let mut write = |ids: &[CaseId]| -> Result<()> {
        for detail in store.details(ids)? {
            sink.row(&export::row(&detail, &names, &viewer, rules))
                .map_err(anyhow::Error::msg)?;
            written += 1;
        }
        Ok(())
    };
    if let Some(query) = &args.search {
        let parsed = match search::parse(query) {
            Ok(q) => q,
            Err(e) => {
                return Err(super::Usage(format!("query `{}`: {e}", sanitise(query))).into());
            }
        };
        let (index, _) = search::build(store.as_ref(), role, &scope, &mut |_| {})?;
        let results = index.search(&parsed, context.now.date(), usize::MAX, None);
        for chunk in results.hits.chunks(BATCH) {
            let ids: Vec<CaseId> = chunk.iter().map(|h| h.id).collect();
            write(&ids)?;
        }
    } else if let Some(name) = &args.queue {
        let Some(queue) = Builtin::from_name(name) else {
            bail!("unknown queue `{}`", sanitise(name));
        };
        let scope = Scope {
            region: scope.clone(),
            user: args.owner.clone().unwrap_or_else(|| user.clone()),
            today: context.now.date(),
        };
        export_queue(
            store.as_ref(),
            queue,
            &scope,
            rules.due_soon_days,
            &mut write,
        )?;
    }
    sink.finish().map_err(anyhow::Error::msg)?;
    if let Some(out) = &args.out {
        eprintln!(
            "Exported {written} cases to {} ({})",
            sanitise(&out.display().to_string()),
            format.name()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn export_queue(
    store: &dyn Store,
    queue: Builtin,
    scope: &Scope,
    due_soon_days: u32,
    write: &mut dyn FnMut(&[CaseId]) -> Result<()>,
) -> Result<()> {
    let (filter, sort) = queue.query(scope.today, due_soon_days, &scope.user);
    let mut cursor = None;
    loop {
        let page = store.page(&filter, sort, scope, cursor.as_ref(), BATCH)?;
        let ids: Vec<CaseId> = page.rows.iter().map(|r| r.id).collect();
        write(&ids)?;
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(()),
        }
    }
}
