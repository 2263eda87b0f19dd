//! Drawing the boards, inside the console and on a wall screen: a tab line with the clock and
//! "updated HH:MM:SS", then the board. Boards show only numbers, codes and place names; every text
//! still passes through `clean`. Rates carry a band symbol and word as well as a colour.
//!
//! Everything is laid out in plain lines measured in display columns, so a board fits any size
//! from 60×16 (console) or 80×24 (wall) up to 300×80.

mod backlog;
mod digits;
pub mod map;
pub mod meeting;
mod overview;
mod packages;
pub mod warnings;

use super::theme::Theme;
use crate::app::state::BoardView;
use crate::domain::board::{Band, BoardKind, BoardRules};
use crate::i18n::Lang;
use crate::store::board::BoardData;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// What a board is drawn from.
pub struct Screen<'a> {
    pub lang: Lang,
    pub theme: Theme,
    pub view: &'a BoardView,
    pub rules: &'a BoardRules,
    pub as_of: NaiveDate,
    /// Wall-board mode: no selection, large digits where there is room.
    pub wall: bool,
    /// Wall clock (HH:MM:SS), shown in wall mode.
    pub clock: Option<String>,
    /// "stale since HH:MM" when the numbers could not be refreshed, with the reason.
    pub stale: Option<(String, String)>,
    /// The boards on the tab line (a wall board shows only those it rotates through).
    pub tabs: &'a [BoardKind],
}

impl Screen<'_> {
    fn pick<'s>(&self, zh: &'s str, en: &'s str) -> &'s str {
        self.lang.pick(zh, en)
    }

    /// The band style of a rate.
    fn band_style(&self, band: Band) -> Style {
        match band {
            Band::Good => self.theme.on_time,
            Band::Watch => self.theme.due_soon,
            Band::Poor => self.theme.overdue,
        }
    }

    /// A rate as "● 97.2%" with its band's colour ("● 100%" when whole, so it fits a narrow
    /// cell), or "—" for no data.
    fn rate(&self, rate: Option<f64>) -> Span<'static> {
        match rate {
            Some(r) => {
                let band = self.rules.band(r);
                let percent = if r >= 1.0 {
                    "100%".to_string()
                } else {
                    format!("{:.1}%", r * 100.0)
                };
                Span::styled(
                    format!("{} {percent}", band.symbol()),
                    self.band_style(band),
                )
            }
            None => Span::styled("—".to_string(), self.theme.muted),
        }
    }
}

/// Draws the board in `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, screen: &Screen<'_>) {
    if area.height < 3 || area.width < 20 {
        return;
    }
    let header = header_line(screen, area.width);
    frame.render_widget(Paragraph::new(header), Rect { height: 1, ..area });
    let mut body = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    if let Some((since, why)) = &screen.stale {
        let text = format!(
            " ⚠ {} {since} · {}",
            screen.pick("数据停留在", "stale since"),
            super::clean(why)
        );
        frame.render_widget(
            Paragraph::new(Line::styled(
                super::fit(&text, usize::from(area.width)),
                screen.theme.notice,
            )),
            Rect { height: 1, ..body },
        );
        body.y += 1;
        body.height -= 1;
    }
    let Some(data) = &screen.view.data else {
        let text = screen.pick("正在读取……", "Loading…");
        frame.render_widget(Paragraph::new(text).style(screen.theme.muted), body);
        return;
    };
    let lines = match data {
        BoardData::Overview(o) => overview::lines(screen, o, body),
        BoardData::Packages(rows) => packages::lines(screen, rows, body),
        BoardData::Backlog(b) => backlog::lines(screen, b, body),
        BoardData::Map(tiles) => {
            map::draw(frame, screen, tiles, body);
            return;
        }
        BoardData::Warnings(list) => warnings::lines(screen, list, body),
        BoardData::Meeting(brief) => meeting::lines(screen, brief, body),
    };
    frame.render_widget(Paragraph::new(lines), body);
}

/// The board whose tab is at `column` (counted from the tab line's left edge), when every tab
/// fits the line: the same layout the tab line is drawn with.
pub fn tab_at(tabs: &[BoardKind], lang: Lang, column: u16) -> Option<BoardKind> {
    let mut left = 0usize;
    for kind in tabs {
        let width = format!(" {} ", lang.pick(kind.zh(), kind.en())).width();
        if (left..left + width).contains(&usize::from(column)) {
            return Some(*kind);
        }
        left += width + 1;
    }
    None
}

/// The tab line: every board, the current one highlighted; the clock and update time right.
fn header_line(screen: &Screen<'_>, width: u16) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0;
    for kind in screen.tabs {
        let label = format!(" {} ", screen.pick(kind.zh(), kind.en()));
        used += label.width() + 1;
        let style = if *kind == screen.view.kind {
            screen.theme.selected
        } else {
            screen.theme.muted
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let mut right = String::new();
    if let Some(clock) = &screen.clock {
        right.push_str(&format!("{} {clock}  ", screen.as_of));
    }
    if !screen.view.updated.is_empty() {
        right.push_str(&format!(
            "{} {}",
            screen.pick("更新", "updated"),
            screen.view.updated
        ));
    }
    let room = usize::from(width).saturating_sub(used);
    if room > right.width() {
        spans.push(Span::raw(" ".repeat(room - right.width())));
        spans.push(Span::styled(right, screen.theme.title));
        return Line::from(spans);
    }
    // Too narrow for every tab and the time: the current board's name, then the time.
    let kind = screen.view.kind;
    let at = screen
        .tabs
        .iter()
        .position(|k| *k == kind)
        .map_or(0, |i| i + 1);
    let name = format!(
        " {} {at}/{} ",
        screen.pick(kind.zh(), kind.en()),
        screen.tabs.len()
    );
    let gap = usize::from(width).saturating_sub(name.width() + right.width());
    Line::from(vec![
        Span::styled(name, screen.theme.selected),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, screen.theme.title),
    ])
}

/// `text` padded with spaces or cut to exactly `width` display columns.
pub fn pad(text: &str, width: usize) -> String {
    let cut = super::fit(text, width);
    let w = cut.width();
    format!("{cut}{}", " ".repeat(width.saturating_sub(w)))
}

/// `text` right-aligned in `width` display columns.
pub fn right(text: &str, width: usize) -> String {
    let cut = super::fit(text, width);
    let w = cut.width();
    format!("{}{cut}", " ".repeat(width.saturating_sub(w)))
}

/// A bar of `width` cells filled to `rate`, with the target marked `┃`.
pub fn gauge(rate: f64, target: Option<f64>, width: usize) -> String {
    let filled = ((rate.clamp(0.0, 1.0)) * width as f64).round() as usize;
    let mark = target.map(|t| ((t.clamp(0.0, 1.0)) * width as f64).round() as usize);
    (0..width)
        .map(|i| {
            if Some(i) == mark.map(|m| m.min(width.saturating_sub(1))) {
                '┃'
            } else if i < filled {
                '█'
            } else {
                '░'
            }
        })
        .collect()
}

/// A sparkline of `values` (one character each), scaled to the largest.
pub fn sparkline(values: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .map(|v| {
            if *v == 0 {
                ' '
            } else {
                BARS[((*v * 7) / top) as usize]
            }
        })
        .collect()
}

/// A signed change: "+12", "−3", "±0".
pub fn change(now: i64, before: i64) -> String {
    match now - before {
        0 => "±0".to_string(),
        d if d > 0 => format!("+{d}"),
        d => format!("−{}", -d),
    }
}

/// A change of a rate in percentage points: "↑0.4", "↓1.2", "—" when either is undefined.
pub fn points(now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(a), Some(b)) => {
            let d = (a - b) * 100.0;
            if d.abs() < 0.05 {
                "=".to_string()
            } else if d > 0.0 {
                format!("↑{d:.1}")
            } else {
                format!("↓{:.1}", -d)
            }
        }
        _ => "—".to_string(),
    }
}

/// The first visible line so that `selected` stays on screen.
pub fn scroll(selected: usize, visible: usize) -> usize {
    (selected + 1).saturating_sub(visible.max(1))
}

/// Large digits for headline numbers on a wall board.
pub use digits::big;

/// A wall board's headline in large digits, under its caption, when the screen has room (30
/// rows or more); nothing otherwise.
fn headline(
    screen: &Screen<'_>,
    area: Rect,
    caption: &str,
    number: &str,
    style: Style,
) -> Vec<Line<'static>> {
    if !screen.wall || area.height < 30 {
        return Vec::new();
    }
    let Some(rows) = digits::big_scaled(number, digits::scale_for(area)) else {
        return Vec::new();
    };
    let mut out = vec![Line::styled(caption.to_string(), screen.theme.header)];
    out.extend(rows.into_iter().map(|row| Line::styled(row, style)));
    out.push(Line::raw(""));
    out
}

/// A province, city or county name in the board's language (the code if unknown).
pub fn place(code: &str, lang: Lang) -> String {
    crate::domain::region::name_in(code, lang).unwrap_or_else(|| code.to_string())
}

/// A sortable column's heading on the board shown, with `▲`/`▼` when the table is sorted by it
/// (`o` sorts the leader-package, backlog and warnings tables).
pub fn sorted_heading(screen: &Screen<'_>, column: usize) -> String {
    let view = screen.view;
    let name = crate::app::boards::column_name(view.kind, column, screen.lang);
    match view.sort {
        Some((sorted, descending)) if sorted == column => {
            format!("{name}{}", if descending { "▼" } else { "▲" })
        }
        _ => name.to_string(),
    }
}
