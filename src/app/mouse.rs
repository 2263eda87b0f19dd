//! The mouse (on unless `mouse = false`): a click selects a queue or a case and a second click
//! on the selected case opens it, a click on a board's tab shows that board; the wheel scrolls
//! whatever is under the pointer, or the open menu, list, help or board. Where things are comes from the same layout the screen is drawn with.
//! Pure.

use super::action::Action;
use super::state::{Effect, Focus, Overlay, State};
use super::state::{Pointer, PointerKind};
use ratatui::layout::{Position, Rect};

/// Lines the wheel moves per notch.
const WHEEL: i64 = 3;

fn inside(area: Rect, column: u16, row: u16) -> bool {
    area.contains(Position::new(column, row))
}

/// Handles one mouse event.
pub fn on_mouse(state: &mut State, event: Pointer) -> Vec<Effect> {
    let down = match event.kind {
        PointerKind::WheelDown => true,
        PointerKind::WheelUp => false,
        PointerKind::Click => return click(state, event.column, event.row),
    };
    let action = if down {
        Action::SelectNext
    } else {
        Action::SelectPrevious
    };
    if state.overlay != Overlay::None || state.board_shown {
        return super::update::apply(state, action);
    }
    let panes = crate::ui::panes(state, Rect::new(0, 0, state.width, state.height));
    let (column, row) = (event.column, event.row);
    let target = if inside(panes.queues, column, row) {
        Focus::Queues
    } else if panes.detail.is_some_and(|a| inside(a, column, row)) {
        Focus::Detail
    } else if panes.table.is_some_and(|a| inside(a, column, row)) {
        Focus::Table
    } else {
        return Vec::new();
    };
    state.focus = target;
    // The queue list moves one queue per notch (each loads a queue); lists move a few lines.
    let steps = if target == Focus::Queues { 1 } else { WHEEL };
    let mut effects = Vec::new();
    for _ in 0..steps {
        effects.extend(super::update::apply(state, action));
    }
    effects
}

fn click(state: &mut State, column: u16, row: u16) -> Vec<Effect> {
    if state.overlay != Overlay::None {
        return Vec::new();
    }
    let panes = crate::ui::panes(state, Rect::new(0, 0, state.width, state.height));
    if state.board_shown {
        // A click on a board's tab shows that board.
        if row == panes.body.y
            && let Some(kind) = crate::ui::board::tab_at(
                crate::domain::board::BoardKind::ALL,
                state.lang,
                column.saturating_sub(panes.body.x),
            )
        {
            return super::boards::open(state, Some(kind));
        }
        // On the county map, a click selects a tile; a second click on it drills down.
        if let Some(view) = &state.board
            && let Some(crate::store::board::BoardData::Map(tiles)) = &view.data
        {
            let map_area = Rect {
                y: panes.body.y + 1,
                height: panes.body.height.saturating_sub(1),
                ..panes.body
            };
            let hit = crate::ui::board::map::tile_rects(tiles, map_area)
                .into_iter()
                .find(|(_, rect)| inside(*rect, column, row))
                .map(|(index, _)| index);
            if let Some(index) = hit {
                if index == view.selected {
                    return super::update::apply(state, Action::OpenSelected);
                }
                if let Some(view) = state.board.as_mut() {
                    view.selected = index;
                }
            }
        }
        return Vec::new();
    }
    if inside(panes.queues, column, row) {
        // Inside the border: one queue per line, scrolled so the selected one shows.
        let inner_top = panes.queues.y + 1;
        let height = usize::from(panes.queues.height.saturating_sub(2));
        let skip = state.queue_index.saturating_sub(height.saturating_sub(1));
        let Some(line) = usize::from(row).checked_sub(usize::from(inner_top)) else {
            return Vec::new();
        };
        let index = skip + line;
        if line >= height || index >= state.queues.len() {
            return Vec::new();
        }
        state.focus = Focus::Queues;
        let delta = index as i64 - state.queue_index as i64;
        return super::update::apply_delta(state, delta);
    }
    if let Some(table) = panes.table
        && inside(table, column, row)
    {
        // Inside the border, below the header line.
        let first_row = table.y + 2;
        let Some(line) = usize::from(row).checked_sub(usize::from(first_row)) else {
            state.focus = Focus::Table;
            return Vec::new();
        };
        let index = state.table.offset + line;
        if line >= usize::from(table.height.saturating_sub(3)) || index >= state.table.rows.len() {
            state.focus = Focus::Table;
            return Vec::new();
        }
        if state.focus == Focus::Table && index == state.table.selected {
            // A second click on the selected case opens it.
            return super::update::apply(state, Action::OpenSelected);
        }
        state.focus = Focus::Table;
        let delta = index as i64 - state.table.selected as i64;
        return super::update::apply_delta(state, delta);
    }
    if panes.detail.is_some_and(|a| inside(a, column, row)) {
        state.focus = Focus::Detail;
    }
    Vec::new()
}
