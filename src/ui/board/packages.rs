//! The leader-package board (领导包案): per leader, level, packaged cases, resolved, five-duty
//! completion, overdue and the oldest open case; filtered by level with `board-option`.

use super::{Screen, gauge, pad, right, scroll};
use crate::store::board::PackageRow;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn lines(screen: &Screen<'_>, rows: &[PackageRow], area: Rect) -> Vec<Line<'static>> {
    let view = screen.view;
    let shown: Vec<&PackageRow> = crate::app::boards::package_rows(view, rows);
    let width = usize::from(area.width);
    let level = view.level.map_or(screen.pick("全部", "all"), |l| {
        screen.pick(l.zh(), l.en())
    });
    let total: u64 = shown.iter().map(|r| r.cases).sum();
    let resolved: u64 = shown.iter().map(|r| r.resolved).sum();
    let overdue: u64 = shown.iter().map(|r| r.overdue).sum();
    let mut out = vec![Line::from(vec![
        Span::styled(
            format!(
                "{} {level}{}  ",
                screen.pick("层级：", "Level: "),
                if screen.wall { "" } else { " (f)" }
            ),
            screen.theme.header,
        ),
        Span::raw(format!(
            "{} {}  {} {total}  {} {resolved}  ",
            screen.pick("领导", "leaders"),
            shown.len(),
            screen.pick("包案", "cases"),
            screen.pick("化解", "resolved"),
        )),
        Span::styled(
            format!("{} {overdue}", screen.pick("超期", "overdue")),
            if overdue > 0 {
                screen.theme.overdue
            } else {
                screen.theme.on_time
            },
        ),
    ])];
    let resolved_rate = (total > 0).then(|| resolved as f64 / total as f64);
    let rate = screen.rate(resolved_rate);
    out.extend(super::headline(
        screen,
        area,
        screen.pick("包案化解率", "Packaged cases resolved"),
        &resolved_rate.map_or("-".to_string(), |r| format!("{:.1}%", r * 100.0)),
        rate.style,
    ));
    // Columns: level, leader, cases, resolved, duties, overdue, oldest open.
    // Number columns wide enough for their English headings and a space before each.
    let [cases, resolved, duties, overdue, oldest_width] = [7, 10, 13, 9, 11];
    let fixed = 8 + cases + resolved + duties + overdue + oldest_width;
    let name_width = width.saturating_sub(fixed).clamp(8, 40);
    let name = |column: usize| super::sorted_heading(screen, column);
    // A wide screen (a wall) shows each leader's five-duty completion as a bar in the room left.
    let bar = if width >= 160 {
        width.saturating_sub(fixed + name_width + 2).min(120)
    } else {
        0
    };
    let mut heading = vec![
        pad(&name(0), 8),
        pad(&name(1), name_width),
        right(&name(2), cases),
        right(&name(3), resolved),
        right(&name(4), duties),
        right(&name(5), overdue),
        right(&name(6), oldest_width),
    ];
    if bar > 0 {
        heading.push(format!(
            "  {}",
            pad(screen.pick("五包进度", "Five duties done"), bar)
        ));
    }
    out.push(Line::styled(heading.concat(), screen.theme.header));
    let visible = usize::from(area.height).saturating_sub(out.len());
    let mut shown = shown;
    let first = if screen.wall {
        // A wall board cannot scroll: when not every leader fits, those with the most overdue
        // cases, then the oldest open ones, come first.
        if shown.len() > visible {
            shown.sort_by_key(|r| (std::cmp::Reverse(r.overdue), r.oldest_open));
        }
        0
    } else {
        scroll(view.selected, visible)
    };
    for (i, row) in shown.iter().enumerate().skip(first).take(visible) {
        let leader = format!("{} {}", row.leader.name, row.leader.title);
        let oldest = row.oldest_open.map_or("—".to_string(), |d| {
            (screen.as_of - d).num_days().max(0).to_string()
        });
        let selected = !screen.wall && i == view.selected;
        let base = if selected {
            screen.theme.selected
        } else {
            screen.theme.text
        };
        let duty = screen.rate(row.duty_rate());
        let mut spans = vec![
            Span::styled(
                format!(
                    "{} ",
                    pad(screen.pick(row.leader.level.zh(), row.leader.level.en()), 7)
                ),
                base,
            ),
            Span::styled(pad(&super::super::clean(&leader), name_width), base),
            Span::styled(right(&row.cases.to_string(), cases), base),
            Span::styled(right(&row.resolved.to_string(), resolved), base),
            Span::styled(right(&duty.content, duties), duty.style),
            Span::styled(
                right(&row.overdue.to_string(), overdue),
                if row.overdue > 0 {
                    screen.theme.overdue
                } else {
                    base
                },
            ),
            Span::styled(right(&oldest, oldest_width), base),
        ];
        if bar > 0 {
            spans.push(Span::styled(
                format!("  {}", gauge(row.duty_rate().unwrap_or(0.0), None, bar)),
                duty.style,
            ));
        }
        out.push(Line::from(spans));
    }
    out
}
