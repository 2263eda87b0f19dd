//! The backlog clearance board (积案化解 / 挂图作战): per city, then per county: backlog, cleared,
//! rate against the campaign's target with a gauge, change since yesterday and ranking; a daily
//! clearance chart below. `board-option` steps through the campaigns.

use super::{Screen, gauge, pad, right, scroll, sparkline};
use crate::app::boards::backlog_lines;
use crate::store::board::{BacklogBoard, BacklogCounty};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Rank (1 = best rate) of each row among its peers (cities among cities, counties among
/// counties); rows without backlog are not ranked.
fn ranks(rows: &[(String, BacklogCounty)]) -> Vec<Option<usize>> {
    rows.iter()
        .map(|(code, row)| {
            let rate = row.rate()?;
            let better = rows
                .iter()
                .filter(|(c, r)| c.len() == code.len() && r.rate().is_some_and(|x| x > rate))
                .count();
            Some(better + 1)
        })
        .collect()
}

pub fn lines(screen: &Screen<'_>, board: &BacklogBoard, area: Rect) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    let view = screen.view;
    let target = board.campaign.as_ref().map(|c| c.target);
    let total = board.total();
    let title = match &board.campaign {
        Some(c) => format!(
            "{} {} {} – {}  {} {:.0}%",
            screen.pick("专项行动：", "Campaign:"),
            super::super::clean(&c.name),
            c.starts_on,
            c.ends_on,
            screen.pick("目标", "target"),
            c.target * 100.0
        ),
        None => screen.pick("全部积案", "Every backlog case").to_string(),
    };
    let hint = if screen.wall { "" } else { " (f)" };
    let mut out = vec![Line::styled(
        super::super::fit(&format!("{title}{hint}"), width),
        screen.theme.header,
    )];
    let overall = screen.rate(total.rate());
    let gauge_width = width.saturating_sub(60).clamp(10, 60);
    out.push(Line::from(vec![
        Span::raw(format!(
            "{} {}  {} {}  ",
            screen.pick("积案", "backlog"),
            total.backlog,
            screen.pick("已化解", "cleared"),
            total.cleared
        )),
        Span::styled(format!("{} ", overall.content), overall.style),
        Span::styled(
            gauge(total.rate().unwrap_or(0.0), target, gauge_width),
            overall.style,
        ),
        Span::styled(
            format!(
                "  {} {}",
                screen.pick("较昨日", "since yesterday"),
                super::change(total.cleared as i64, total.cleared_before as i64)
            ),
            screen.theme.muted,
        ),
    ]));
    if screen.wall
        && area.height >= 30
        && let Some(rows) = total.rate().and_then(|r| {
            super::digits::big_scaled(
                &format!("{:.1}%", r * 100.0),
                super::digits::scale_for(area),
            )
        })
    {
        for row in rows {
            out.push(Line::styled(row, overall.style));
        }
    }
    // City and county rows in map order.
    let codes = backlog_lines(view, &board.counties);
    let rows: Vec<(String, BacklogCounty)> = codes
        .iter()
        .map(|code| {
            let mut sum = BacklogCounty::default();
            for county in board.counties.iter().filter(|c| c.county.starts_with(code)) {
                sum.add(county);
            }
            (code.clone(), sum)
        })
        .collect();
    let ranked = ranks(&rows);
    let chart_rows = if area.height >= 20 { 3 } else { 0 };
    let bar = width
        .saturating_sub(14 + 8 + 9 + 10 + 8 + 6 + 2)
        .clamp(6, if width >= 160 { 160 } else { 40 });
    let heading = |column: usize| super::sorted_heading(screen, column);
    out.push(Line::styled(
        [
            pad(&heading(0), 14),
            right(&heading(1), 8),
            // One column wider than its numbers: a sorted heading (`Backlog▲`) keeps a space.
            right(&heading(2), 9),
            right(&heading(3), 10),
            format!("  {}", pad(screen.pick("进度", "Progress"), bar)),
            right(&heading(4), 8),
            right(screen.pick("排名", "Rank"), 6),
        ]
        .concat(),
        screen.theme.header,
    ));
    let visible = usize::from(area.height).saturating_sub(out.len() + chart_rows);
    // A wall board cannot scroll: when not every line fits, the cities stay and the counties
    // furthest behind fill the rest.
    let shown: Vec<usize> = if screen.wall && rows.len() > visible {
        let rate = |i: &usize| rows[*i].1.rate().unwrap_or(1.0);
        let mut cities: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].0.len() == 4).collect();
        let mut behind: Vec<usize> = (0..rows.len())
            .filter(|i| rows[*i].0.len() != 4 && rows[*i].1.backlog > 0)
            .collect();
        behind.sort_by(|a, b| rate(a).total_cmp(&rate(b)));
        cities.extend(behind);
        cities.truncate(visible);
        cities
    } else {
        let first = if screen.wall {
            0
        } else {
            scroll(view.selected, visible)
        };
        (first..rows.len()).take(visible).collect()
    };
    for i in shown {
        let ((code, row), rank) = (&rows[i], &ranked[i]);
        let is_city = code.len() == 4;
        let name = super::place(code, screen.lang);
        let name = if is_city || view.sort.is_some() {
            name
        } else {
            format!("  {name}")
        };
        let selected = !screen.wall && i == view.selected;
        let base = match (selected, is_city) {
            (true, _) => screen.theme.selected,
            (false, true) => screen.theme.title,
            (false, false) => screen.theme.text,
        };
        let rate = screen.rate(row.rate());
        out.push(Line::from(vec![
            Span::styled(pad(&name, 14), base),
            Span::styled(right(&row.backlog.to_string(), 8), base),
            Span::styled(right(&row.cleared.to_string(), 9), base),
            Span::styled(right(&rate.content, 10), rate.style),
            Span::styled(
                format!("  {}", gauge(row.rate().unwrap_or(0.0), target, bar)),
                rate.style,
            ),
            Span::styled(
                right(
                    &super::change(row.cleared as i64, row.cleared_before as i64),
                    8,
                ),
                base,
            ),
            Span::styled(
                right(&rank.map_or("—".to_string(), |r| r.to_string()), 6),
                base,
            ),
        ]));
    }
    if chart_rows > 0 {
        let cleared: u64 = board.daily.iter().sum();
        out.push(Line::styled(
            format!(
                "{} {} – {}: {cleared}",
                screen.pick("每日化解", "Cleared per day"),
                board.first_day.format("%m-%d"),
                screen.as_of.format("%m-%d"),
            ),
            screen.theme.header,
        ));
        out.push(Line::styled(
            format!("  {}", sparkline(&board.daily)),
            screen.theme.on_time,
        ));
    }
    out
}
