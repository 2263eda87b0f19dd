//! The counts summary printed after `demo` and by the bare command: cases per state and per
//! built-in queue.

use super::Context;
use anyhow::Result;
use std::io::Write;
use xinfang::demo::DEMO_USER;
use xinfang::store::{Builtin, Scope, Store};
use xinfang::text::pad;

/// Display columns of the label column.
const LABEL: usize = 28;

/// Prints cases per state and per queue for the whole province.
pub fn print(store: &dyn Store, context: &Context) -> Result<()> {
    let scope = Scope {
        region: String::new(),
        user: DEMO_USER.to_string(),
        today: context.now.date(),
    };
    let states = store.state_counts(&scope)?;
    let queries: Vec<_> = Builtin::ALL
        .iter()
        .map(|q| {
            q.query(scope.today, context.config.rules.due_soon_days, &scope.user)
                .0
        })
        .collect();
    let counts = store.counts(&queries, &scope)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Database: {}  (as of {})",
        store.location(),
        scope.today
    )?;
    writeln!(out)?;
    writeln!(out, "{} {:>9}", pad("state", LABEL), "cases")?;
    for (state, n) in states {
        let label = format!("{} {}", state.code(), state.zh());
        writeln!(out, "{} {n:>9}", pad(&label, LABEL))?;
    }
    writeln!(out)?;
    writeln!(out, "{} {:>9}", pad("queue", LABEL), "cases")?;
    for (queue, n) in Builtin::ALL.iter().zip(counts) {
        let label = if *queue == Builtin::Mine {
            format!("mine ({})", scope.user)
        } else {
            format!("{} {}", queue.name(), queue.zh())
        };
        writeln!(out, "{} {n:>9}", pad(&label, LABEL))?;
    }
    Ok(())
}
