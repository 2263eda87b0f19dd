//! The Meeting board: today's brief on one screen — each section's headline sentence, the five
//! units with the most overdue cases, today's warnings and the campaign gauge — every line
//! selectable and drillable to its cases; `e` writes the day's report (see `report::meeting`).

use super::{Screen, gauge, scroll};
use crate::report::meeting::Part;
use crate::store::brief::Brief;
use ratatui::layout::Rect;
use ratatui::text::Line;

fn heading(screen: &Screen<'_>, part: Part, count: usize) -> String {
    match part {
        Part::Headline => screen.pick("今日要情", "Today in brief").to_string(),
        Part::Unit => screen
            .pick(
                "超期和临期最多的单位",
                "Units with the most overdue and due-soon cases",
            )
            .to_string(),
        Part::Warning => match screen.lang {
            crate::i18n::Lang::Zh => format!("今日预警{count}条（时限预警见上）"),
            crate::i18n::Lang::En => format!("Today's warnings: {count} (deadlines above)"),
        },
        Part::Campaign => screen.pick("积案化解", "Backlog clearance").to_string(),
    }
}

pub fn lines(screen: &Screen<'_>, brief: &Brief, area: Rect) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    let list = screen.view.meeting_items(screen.rules, screen.lang);
    // On a wall with room, today's intake in large digits first.
    let received: u64 = brief.current.intake.iter().map(|c| c.cases).sum();
    let mut out: Vec<Line<'static>> = super::headline(
        screen,
        area,
        screen.pick("今日收件", "Received today"),
        &received.to_string(),
        screen.theme.title,
    );
    // The first and last line each item is drawn on, to keep the selection in view.
    let mut at: Vec<(usize, usize)> = vec![(0, 0); list.len()];
    let parts = [Part::Headline, Part::Unit, Part::Campaign, Part::Warning];
    for (n, part) in parts.into_iter().enumerate() {
        let count = list.iter().filter(|i| i.part == part).count();
        if n > 0 {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(
            super::pad(&heading(screen, part, count), width),
            screen.theme.header,
        ));
        if count == 0 {
            let none = match part {
                Part::Warning => screen.pick("  今日无预警。", "  No warnings today."),
                _ => screen.pick("  无超期或临期件。", "  Nothing overdue or due soon."),
            };
            out.push(Line::styled(none.to_string(), screen.theme.on_time));
        }
        for (i, item) in list.iter().enumerate().filter(|(_, i)| i.part == part) {
            let selected = !screen.wall && i == screen.view.selected;
            let style = if selected {
                screen.theme.selected
            } else if item.part == Part::Warning {
                screen.theme.due_soon
            } else {
                ratatui::style::Style::default()
            };
            let first = out.len();
            // A sentence is read whole: wrapped, never cut.
            let text = crate::ui::clean(&item.text);
            let marker = if selected { "› " } else { "  " };
            for line in crate::text::wrap(&text, width.max(8), marker, "  ") {
                out.push(Line::styled(super::pad(&line, width), style));
            }
            if let Some((rate, target)) = item.gauge {
                let mut bar = format!(
                    "  {} {:.1}%",
                    gauge(rate, target, width.saturating_sub(28).clamp(10, 60)),
                    rate * 100.0
                );
                if let Some(t) = target {
                    bar.push_str(&format!(
                        " {} {:.0}%",
                        screen.pick("目标", "target"),
                        t * 100.0
                    ));
                }
                let band = screen.band_style(screen.rules.band(rate));
                out.push(Line::styled(super::pad(&bar, width), band));
            }
            if let Some(slot) = at.get_mut(i) {
                *slot = (first, out.len().saturating_sub(1));
            }
        }
    }
    let visible = usize::from(area.height);
    if screen.wall && out.len() > visible {
        // A wall cannot scroll: the warnings that do not fit are counted on the last line.
        let keep = visible.saturating_sub(1);
        // A line cut off makes its item hidden.
        let hidden: Vec<Part> = list
            .iter()
            .zip(&at)
            .filter(|(_, (_, last))| *last >= keep)
            .map(|(item, _)| item.part)
            .collect();
        let lines = out.len() - keep;
        out.truncate(keep);
        let only_warnings = !hidden.is_empty() && hidden.iter().all(|p| *p == Part::Warning);
        let more = match (screen.lang, only_warnings) {
            (crate::i18n::Lang::Zh, true) => format!("  … 另有{}条预警未显示", hidden.len()),
            (crate::i18n::Lang::En, true) => {
                format!("  … {} more warnings not shown", hidden.len())
            }
            (crate::i18n::Lang::Zh, false) => format!("  … 屏幕太小，另有{lines}行未显示"),
            (crate::i18n::Lang::En, false) => {
                format!("  … {lines} more lines not shown (the screen is too small)")
            }
        };
        out.push(Line::styled(more, screen.theme.muted));
        return out;
    }
    // The last line selected shows what follows it too (an empty warnings list).
    let last = if screen.view.selected + 1 >= list.len() {
        out.len().saturating_sub(1)
    } else {
        at.get(screen.view.selected).map_or(0, |(_, last)| *last)
    };
    let first = scroll(last, visible);
    out.into_iter().skip(first).collect()
}
