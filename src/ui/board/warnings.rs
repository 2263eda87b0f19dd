//! The early-warning board: the rules of domain.md §9, newest first, each with its reason and the
//! case numbers behind it (never a petitioner or petition text). Enter opens its cases.

use super::{Screen, pad, place, scroll};
use crate::store::board::{Reason, Warning};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The kind's short name and the reason in words.
fn describe(screen: &Screen<'_>, warning: &Warning) -> (String, String) {
    describe_in(screen.lang, warning)
}

pub use crate::report::warning::describe_in;

pub fn lines(screen: &Screen<'_>, list: &[Warning], area: Rect) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    let count = |f: fn(&Reason) -> bool| list.iter().filter(|w| f(&w.reason)).count();
    let flagged = count(|r| matches!(r, Reason::Flagged { .. }));
    let flagged = if flagged >= crate::store::board::FLAGGED_SHOWN {
        format!("{flagged}+")
    } else {
        flagged.to_string()
    };
    let mut out = vec![Line::styled(
        format!(
            "{} {}  {} {}  {} {}  {} {}  {} {}",
            screen.pick("预警", "warnings"),
            list.len(),
            screen.pick("重点件", "flagged"),
            flagged,
            screen.pick("聚集", "clusters"),
            count(|r| matches!(r, Reason::Cluster { .. })),
            screen.pick("激增", "surges"),
            count(|r| matches!(r, Reason::Surge { .. })),
            screen.pick("时限", "units with deadlines"),
            count(|r| matches!(r, Reason::Deadlines { .. })),
        ),
        screen.theme.header,
    )];
    out.extend(super::headline(
        screen,
        area,
        screen.pick("当前预警", "Warnings now"),
        &list.len().to_string(),
        if list.is_empty() {
            screen.theme.on_time
        } else {
            screen.theme.overdue
        },
    ));
    if list.is_empty() {
        out.push(Line::styled(
            screen
                .pick("当前没有预警。", "No warnings now.")
                .to_string(),
            screen.theme.on_time,
        ));
        return out;
    }
    let kind_width = if screen.lang == crate::i18n::Lang::Zh {
        4
    } else {
        9
    };
    let view = screen.view;
    if !screen.wall {
        let heading = |column: usize| super::sorted_heading(screen, column);
        out.push(Line::styled(
            format!(
                "{} {} {} {}",
                pad(&heading(0), 5),
                pad(&heading(1), 10),
                pad(&heading(2), kind_width + 2),
                heading(3)
            ),
            screen.theme.header,
        ));
    }
    let shown = crate::app::boards::warning_rows(view, list);
    let visible = usize::from(area.height).saturating_sub(out.len());
    let first = if screen.wall {
        0
    } else {
        scroll(view.selected, visible)
    };
    for (i, warning) in shown.into_iter().enumerate().skip(first).take(visible) {
        let (kind, reason) = describe(screen, warning);
        let style = match warning.reason {
            Reason::Flagged { .. } | Reason::Cluster { .. } => screen.theme.overdue,
            Reason::Surge { .. } => screen.theme.due_soon,
            Reason::Deadlines { overdue, .. } if overdue > 0 => screen.theme.overdue,
            Reason::Deadlines { .. } => screen.theme.due_soon,
        };
        let selected = !screen.wall && i == view.selected;
        let base = if selected {
            screen.theme.selected
        } else {
            screen.theme.text
        };
        let numbers: Vec<&str> = warning.cases.iter().map(|(_, n)| n.as_str()).collect();
        let cases = if numbers.is_empty() {
            String::new()
        } else {
            format!("  {}", numbers.join(" "))
        };
        let head = format!(
            "{} {} ",
            warning.on.format("%m-%d"),
            pad(&place(&warning.county, screen.lang), 10)
        );
        let used = unicode_width::UnicodeWidthStr::width(head.as_str()) + kind_width + 3;
        let text = super::super::clean(&format!("{reason}{cases}")).into_owned();
        out.push(Line::from(vec![
            Span::styled(head, base),
            Span::styled(format!("⚠ {} ", pad(&kind, kind_width)), style),
            Span::styled(super::super::fit(&text, width.saturating_sub(used)), base),
        ]));
    }
    out
}
