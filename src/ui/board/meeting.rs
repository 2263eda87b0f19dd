//! The Meeting board: today's brief on one screen — each section's headline sentence, the five
//! units with the most overdue cases, today's warnings and the campaign gauge — every line
//! selectable and drillable to its cases; `e` writes the day's report (see `report::meeting`).

use super::{Screen, gauge, scroll};
use crate::report::meeting::{Part, board_items};
use crate::store::brief::Brief;
use ratatui::layout::Rect;
use ratatui::text::Line;

fn heading(screen: &Screen<'_>, part: Part, count: usize) -> String {
    match part {
        Part::Headline => screen.pick("今日要情", "Today in brief").to_string(),
        Part::Unit => screen
            .pick("超期最多的单位", "Units with the most overdue cases")
            .to_string(),
        Part::Warning => format!("{} ({count})", screen.pick("今日预警", "Today's warnings")),
        Part::Campaign => screen.pick("积案化解", "Backlog clearance").to_string(),
    }
}

pub fn lines(screen: &Screen<'_>, brief: &Brief, area: Rect) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    let list = board_items(brief, screen.rules, screen.lang);
    // On a wall with room, today's intake in large digits first.
    let received: u64 = brief.current.intake.iter().map(|c| c.cases).sum();
    let mut out: Vec<Line<'static>> = super::headline(
        screen,
        area,
        screen.pick("今日受理", "Received today"),
        &received.to_string(),
        screen.theme.title,
    );
    // The line each item is drawn on, to keep the selection in view.
    let mut at = Vec::with_capacity(list.len());
    let mut last: Option<Part> = None;
    let parts = [Part::Headline, Part::Unit, Part::Warning, Part::Campaign];
    for part in parts {
        let count = list.iter().filter(|i| i.part == part).count();
        if last.is_some() {
            out.push(Line::raw(""));
        }
        last = Some(part);
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
            let marker = if selected { "› " } else { "  " };
            let mut text = format!("{marker}{}", crate::ui::clean(&item.text));
            if let Some((rate, target)) = item.gauge {
                let bar = width
                    .saturating_sub(text.chars().count() * 2 + 24)
                    .clamp(10, 40);
                text.push_str(&format!(
                    "  {} {:.1}%",
                    gauge(rate, target, bar),
                    rate * 100.0
                ));
                if let Some(t) = target {
                    text.push_str(&format!(
                        " {} {:.0}%",
                        screen.pick("目标", "target"),
                        t * 100.0
                    ));
                }
            }
            let style = if selected {
                screen.theme.selected
            } else if item.part == Part::Warning {
                screen.theme.due_soon
            } else if item.gauge.is_some() {
                screen.band_style(screen.rules.band(item.gauge.map_or(0.0, |g| g.0)))
            } else {
                ratatui::style::Style::default()
            };
            at.push(out.len());
            out.push(Line::styled(super::pad(&text, width), style));
        }
    }
    let visible = usize::from(area.height);
    let selected_line = at.get(screen.view.selected).copied().unwrap_or(0);
    let first = scroll(selected_line, visible);
    out.into_iter().skip(first).collect()
}
