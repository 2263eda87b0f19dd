//! The tile map: Ningxia's 22 counties as tiles in their rough geographic arrangement (north at
//! the top), coloured and labelled by the chosen indicator, with a band word as well as a colour.
//! `board-option` changes the indicator; Enter on a tile opens its cases.

use super::{Screen, pad};
use crate::domain::board::{Band, Indicator};
use crate::store::board::CountyTile;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Grid position (column, row) of each county: four columns, nine rows, north at the top.
const PLACES: [(&str, u16, u16); 22] = [
    ("640202", 1, 0), // 大武口区
    ("640205", 2, 0), // 惠农区
    ("640221", 2, 1), // 平罗县
    ("640122", 1, 1), // 贺兰县
    ("640105", 0, 2), // 西夏区
    ("640106", 1, 2), // 金凤区
    ("640104", 2, 2), // 兴庆区
    ("640121", 1, 3), // 永宁县
    ("640181", 2, 3), // 灵武市
    ("640502", 0, 4), // 沙坡头区
    ("640381", 1, 4), // 青铜峡市
    ("640302", 2, 4), // 利通区
    ("640323", 3, 4), // 盐池县
    ("640521", 1, 5), // 中宁县
    ("640303", 2, 5), // 红寺堡区
    ("640522", 0, 6), // 海原县
    ("640324", 2, 6), // 同心县
    ("640422", 0, 7), // 西吉县
    ("640402", 1, 7), // 原州区
    ("640425", 2, 7), // 彭阳县
    ("640423", 0, 8), // 隆德县
    ("640424", 1, 8), // 泾源县
];

const COLUMNS: u16 = 4;
const ROWS: u16 = 9;

/// The indicator's value on a tile, as a number for banding and a label.
fn value(tile: &CountyTile, indicator: Indicator) -> (Option<f64>, String) {
    match indicator {
        Indicator::Overdue => (Some(tile.overdue as f64), tile.overdue.to_string()),
        Indicator::Intake => (Some(tile.intake_week as f64), tile.intake_week.to_string()),
        Indicator::Warnings => (Some(tile.warnings as f64), tile.warnings.to_string()),
        Indicator::Clearance => {
            if tile.backlog == 0 {
                (None, "—".to_string())
            } else {
                let rate = tile.cleared as f64 / tile.backlog as f64;
                (Some(rate), format!("{:.1}%", rate * 100.0))
            }
        }
    }
}

/// A tile's band: rates by the configured bands; counts against the other counties (none is
/// good, the top quarter is poor).
fn band(screen: &Screen<'_>, tiles: &[CountyTile], tile: &CountyTile) -> Option<Band> {
    let indicator = screen.view.indicator;
    let (v, _) = value(tile, indicator);
    let v = v?;
    if indicator == Indicator::Clearance {
        return Some(screen.rules.band(v));
    }
    if v == 0.0 {
        return Some(Band::Good);
    }
    let mut all: Vec<f64> = tiles.iter().filter_map(|t| value(t, indicator).0).collect();
    all.sort_by(f64::total_cmp);
    let top_quarter = all.get(all.len() * 3 / 4).copied().unwrap_or(f64::MAX);
    Some(if v >= top_quarter && indicator != Indicator::Intake {
        Band::Poor
    } else {
        Band::Watch
    })
}

/// The map's grid under its title line: the tiles' room, a legend's width, one tile's size.
struct Grid {
    grid: Rect,
    legend_width: u16,
    tile_width: u16,
    tile_height: u16,
}

/// The grid of a map drawn in `area`; `None` when the tiles would not fit.
fn grid(area: Rect) -> Option<Grid> {
    let grid = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    // A legend to the right when there is room.
    let legend_width = if grid.width >= 110 { 36 } else { 0 };
    let widest = if area.width >= 200 { 64 } else { 40 };
    let tile_width = (grid.width.saturating_sub(legend_width) / COLUMNS).min(widest);
    // Wall-sized screens (60 rows and more) give the tiles their room: tall enough for the
    // number in large digits.
    let tallest = if area.height >= 60 { 10 } else { 6 };
    let tile_height = (grid.height / ROWS).min(tallest);
    (tile_width >= 8 && tile_height > 0).then_some(Grid {
        grid,
        legend_width,
        tile_width,
        tile_height,
    })
}

/// Where each county's tile is on a map drawn in `area` (the board's body): the index of its
/// tile and its rectangle. The same layout draws the map and finds the tile under a click.
pub fn tile_rects(tiles: &[CountyTile], area: Rect) -> Vec<(usize, Rect)> {
    let Some(Grid {
        grid,
        tile_width,
        tile_height,
        ..
    }) = grid(area)
    else {
        return Vec::new();
    };
    PLACES
        .iter()
        .filter_map(|(code, col, row)| {
            let index = tiles.iter().position(|t| t.county == *code)?;
            Some((
                index,
                Rect {
                    x: grid.x + col * tile_width,
                    y: grid.y + row * tile_height,
                    width: tile_width - 1,
                    height: tile_height,
                },
            ))
        })
        .collect()
}

pub fn draw(frame: &mut Frame<'_>, screen: &Screen<'_>, tiles: &[CountyTile], area: Rect) {
    let view = screen.view;
    let indicator = view.indicator;
    let hint = if screen.wall { "" } else { " (f)" };
    let title = format!(
        "{} {}{hint}",
        screen.pick("指标：", "Indicator:"),
        screen.pick(indicator.zh(), indicator.en())
    );
    frame.render_widget(
        Paragraph::new(Line::styled(title, screen.theme.header)),
        Rect { height: 1, ..area },
    );
    let Some(Grid {
        grid,
        legend_width,
        tile_width,
        tile_height,
    }) = grid(area)
    else {
        return;
    };
    for (index, rect) in tile_rects(tiles, area) {
        let tile = &tiles[index];
        let code = tile.county.as_str();
        let band = band(screen, tiles, tile);
        let style = match band {
            Some(b) => screen.band_style(b),
            None => screen.theme.muted,
        };
        let selected = !screen.wall && index == view.selected;
        let name = super::place(code, screen.lang);
        let name = name.as_str();
        let (_, label) = value(tile, indicator);
        let symbol = band.map_or(" ", |b| b.symbol());
        let inner_width = usize::from(rect.width.saturating_sub(2));
        let name_style = if selected {
            screen.theme.selected
        } else {
            screen.theme.text
        };
        if tile_height >= 3 {
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(if selected {
                    screen.theme.border_focused
                } else {
                    style
                });
            let inner = block.inner(rect);
            frame.render_widget(block, rect);
            // A tall tile shows its number in large digits, the band's symbol beside the name.
            let large = (inner.height >= 6)
                .then(|| super::digits::big(&label))
                .flatten()
                .filter(|rows| {
                    rows.iter()
                        .all(|r| unicode_width::UnicodeWidthStr::width(r.as_str()) <= inner_width)
                });
            if let Some(rows) = large {
                let mut lines = vec![Line::from(vec![
                    Span::styled(pad(name, inner_width.saturating_sub(2)), name_style),
                    Span::styled(format!(" {symbol}"), style),
                ])];
                // Centred under the name.
                lines.extend(rows.into_iter().map(|r| {
                    let room = inner_width
                        .saturating_sub(unicode_width::UnicodeWidthStr::width(r.as_str()));
                    Line::styled(format!("{}{r}", " ".repeat(room / 2)), style)
                }));
                frame.render_widget(Paragraph::new(lines), inner);
                continue;
            }
            let mut lines = vec![
                Line::styled(pad(name, inner_width), name_style),
                Line::styled(format!("{symbol} {label}"), style),
            ];
            if inner.height >= 3 {
                lines.push(Line::styled(
                    band.map_or(String::new(), |b| screen.pick(b.zh(), b.en()).to_string()),
                    style,
                ));
            }
            frame.render_widget(Paragraph::new(lines), inner);
        } else {
            let text = format!("{symbol}{label}");
            let width = usize::from(rect.width);
            let name_room =
                width.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()) + 1);
            let mut lines = vec![Line::from(vec![
                Span::styled(pad(name, name_room), name_style),
                Span::raw(" "),
                Span::styled(text, style),
            ])];
            if tile_height >= 2 {
                lines.push(Line::raw(""));
            }
            frame.render_widget(Paragraph::new(lines), rect);
        }
    }
    if legend_width > 0 {
        let x = grid.x + COLUMNS * tile_width + 1;
        let legend = [Band::Good, Band::Watch, Band::Poor]
            .iter()
            .map(|b| {
                Line::styled(
                    format!("{} {}", b.symbol(), screen.pick(b.zh(), b.en())),
                    screen.band_style(*b),
                )
            })
            .chain(std::iter::once(Line::styled(
                screen
                    .pick("北 ↑ 按地理位置排列", "north ↑, laid out by geography")
                    .to_string(),
                screen.theme.muted,
            )))
            .collect::<Vec<_>>();
        frame.render_widget(
            Paragraph::new(legend),
            Rect {
                x,
                y: grid.y,
                width: legend_width
                    .saturating_sub(1)
                    .min(grid.right().saturating_sub(x)),
                height: 4.min(grid.height),
            },
        );
    }
}
