//! The Meeting board's lines, from today's brief: the headline sentence of each section, the
//! five units with the most overdue cases, the campaign gauge and today's warnings. Each line
//! names the cases behind it, so the board drills into them. Pure; the console draws and selects
//! these same lines.

use super::{Options, Report};
use crate::i18n::Lang;
use crate::store::Filter;
use crate::store::board::Reason;
use crate::store::brief::Brief;

/// Units listed as the worst performing.
pub const WORST_UNITS: usize = 5;

/// Which part of the board a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Headline,
    Unit,
    Warning,
    Campaign,
}

/// One selectable line of the Meeting board.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub part: Part,
    /// The line's words (a sentence, a unit's numbers, a warning).
    pub text: String,
    /// The cases behind the line, with the drill-down queue's label in each language.
    pub drill: Option<(Filter, String, String)>,
    /// For the campaign line: clearance rate and target.
    pub gauge: Option<(f64, Option<f64>)>,
}

/// The board's lines for `brief` in `lang`.
pub fn board_items(
    brief: &Brief,
    boards: &crate::domain::board::BoardRules,
    lang: Lang,
) -> Vec<Item> {
    let options = Options { boards, lang };
    items(brief, &super::build(brief, options), options)
}

/// The board's lines, in order.
pub fn items(brief: &Brief, report: &Report, options: Options<'_>) -> Vec<Item> {
    let lang = options.lang;
    let mut out = Vec::new();
    for section in &report.sections {
        if let Some(first) = section.sentences.first() {
            out.push(Item {
                part: Part::Headline,
                text: first.clone(),
                drill: section
                    .drill
                    .clone()
                    .map(|(f, label)| (f, label.clone(), label)),
                gauge: None,
            });
        }
    }
    for (i, u) in brief
        .deadlines
        .iter()
        .filter(|u| u.overdue + u.due_soon > 0)
        .take(WORST_UNITS)
        .enumerate()
    {
        out.push(Item {
            part: Part::Unit,
            text: match lang {
                Lang::Zh => format!(
                    "{}. {}  超期{}件  临期{}件",
                    i + 1,
                    u.unit,
                    u.overdue,
                    u.due_soon
                ),
                Lang::En => format!(
                    "{}. {}  {} overdue  {} due soon",
                    i + 1,
                    u.unit,
                    u.overdue,
                    u.due_soon
                ),
            },
            drill: Some((
                u.filter.clone(),
                format!("{} 时限", u.unit),
                format!("{} deadlines", u.unit),
            )),
            gauge: None,
        });
    }
    let board = &brief.backlog;
    let total = board.total();
    let name = board.campaign.as_ref().map_or_else(
        || lang.pick("全部积案", "All backlog cases").to_string(),
        |c| c.name.clone(),
    );
    let mut parts = vec![Filter::Backlog(brief.as_of)];
    if let Some(c) = &board.campaign {
        parts.push(Filter::Campaign(c.id));
    }
    out.push(Item {
        part: Part::Campaign,
        text: match lang {
            Lang::Zh => format!(
                "{name}：化解{}/{}",
                super::thousands(total.cleared),
                super::thousands(total.backlog)
            ),
            Lang::En => format!(
                "{name}: {} of {} cleared",
                super::thousands(total.cleared),
                super::thousands(total.backlog)
            ),
        },
        drill: Some((
            Filter::And(parts),
            format!("{name} 积案"),
            format!("{name} backlog"),
        )),
        gauge: total
            .rate()
            .map(|r| (r, board.campaign.as_ref().map(|c| c.target))),
    });
    // Today's warnings but the deadline ones, which the units above already list.
    for w in brief
        .warnings
        .iter()
        .filter(|w| w.on == brief.as_of && !matches!(w.reason, Reason::Deadlines { .. }))
    {
        let (kind, detail) = crate::report::warning::describe_in(lang, w);
        let place =
            crate::domain::region::name_in(&w.county, lang).unwrap_or_else(|| w.county.clone());
        out.push(Item {
            part: Part::Warning,
            text: format!("{place}  {kind}  {detail}"),
            drill: Some((
                w.filter.clone(),
                format!("{place} {kind}"),
                format!("{place} {kind}"),
            )),
            gauge: None,
        });
    }
    out
}
