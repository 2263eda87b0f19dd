//! The case table: number, received, channel, county, category, title, state and the deadline
//! countdown with colour and a symbol and word. Narrow terminals drop channel and category.

use super::{clean, labels, pane, theme};
use crate::app::state::{Column, Focus, State};
use crate::domain::deadline::{Urgency, classify};
use crate::domain::region;
use crate::i18n::Text;
use crate::store::CaseRow;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

const WIDE: [Column; 8] = [
    Column::Number,
    Column::Received,
    Column::Channel,
    Column::County,
    Column::Category,
    Column::Title,
    Column::State,
    Column::Due,
];
const NARROW: [Column; 6] = [
    Column::Number,
    Column::Received,
    Column::County,
    Column::Title,
    Column::State,
    Column::Due,
];
/// Below 70 columns: what an operator needs to pick a case; the detail has the rest.
const TINY: [Column; 4] = [Column::Number, Column::County, Column::Title, Column::Due];

fn width(column: Column) -> Constraint {
    match column {
        Column::Number => Constraint::Length(15),
        Column::Received => Constraint::Length(10),
        Column::Channel => Constraint::Length(8),
        Column::County => Constraint::Length(8),
        Column::Category => Constraint::Length(12),
        Column::Title => Constraint::Min(12),
        Column::State => Constraint::Length(10),
        Column::Due => Constraint::Length(11),
    }
}

pub fn draw(frame: &mut Frame<'_>, state: &State, area: Rect) {
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    // Where the selection is in the whole queue, so that a long queue shows how far there is
    // to go (rows load as the selection nears the end of what is loaded).
    let position = match state.counts.get(state.queue_index).copied().flatten() {
        Some(total) if !state.table.rows.is_empty() => {
            format!(" · {}/{total}", state.table.selected + 1)
        }
        _ => String::new(),
    };
    let title = match state.queue() {
        Some(q) => format!("{} · {}{position}", Text::Cases.get(lang), q.label(lang)),
        None => Text::Cases.get(lang).to_string(),
    };
    let block = pane(title, state.focus == Focus::Table, state);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.table.rows.is_empty() {
        let text = if state.table.loading {
            Text::Loading
        } else {
            Text::EmptyQueue
        };
        frame.render_widget(Paragraph::new(text.get(lang)).style(theme.muted), inner);
        return;
    }
    let columns: Vec<Column> = match state.queue() {
        Some(q) if !q.columns.is_empty() => q.columns.clone(),
        _ if inner.width >= 100 => WIDE.to_vec(),
        _ if inner.width >= 70 => NARROW.to_vec(),
        _ => TINY.to_vec(),
    };
    // The column the queue is sorted by carries its direction.
    let sorted = state.queue().map(|q| q.sort);
    let header = Row::new(columns.iter().map(|c| {
        let name = lang.pick(c.zh(), c.en());
        match sorted {
            Some(sort)
                if crate::app::update::sort_key(*c) == sort.key
                    || (*c == Column::Due && sort.key == crate::store::SortKey::Due) =>
            {
                Cell::from(format!("{name}{}", if sort.descending { "▼" } else { "▲" }))
            }
            _ => Cell::from(name),
        }
    }))
    .style(theme.header);
    let visible = usize::from(inner.height.saturating_sub(1));
    let widths: Vec<Constraint> = columns.iter().map(|c| width(*c)).collect();
    // The width each column gets, so that cut text can end with `…`.
    let sizes: Vec<u16> = Layout::horizontal(widths.clone())
        .spacing(1)
        .split(inner)
        .iter()
        .map(|r| r.width)
        .collect();
    let rows = state
        .table
        .rows
        .iter()
        .enumerate()
        .skip(state.table.offset)
        .take(visible)
        .map(|(i, row)| {
            let cells = columns
                .iter()
                .zip(&sizes)
                .map(|(c, w)| cell(*c, row, state, *w));
            let style = if i == state.table.selected {
                theme.selected
            } else {
                theme.text
            };
            Row::new(cells).style(style)
        });
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        inner,
    );
}

/// A cell's text cut to its column's width (ending with `…` when cut), in its style.
fn cell(column: Column, row: &CaseRow, state: &State, width: u16) -> Cell<'static> {
    let (text, style) = cell_text(column, row, state);
    let text = super::fit(&text, usize::from(width));
    match style {
        Some(style) => Cell::from(Line::styled(text, style)),
        None => Cell::from(text),
    }
}

fn cell_text(column: Column, row: &CaseRow, state: &State) -> (String, Option<Style>) {
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    let text = match column {
        Column::Number => {
            // A mark is a symbol, not only a colour.
            let mark = if state.marks.contains_key(&row.id) {
                "●"
            } else {
                ""
            };
            format!("{mark}{}", clean(&row.number))
        }
        Column::Received => row.received_on.to_string(),
        Column::Channel => lang.pick(row.channel.zh(), row.channel.en()).to_string(),
        Column::County => {
            region::name_in(&row.county, lang).unwrap_or_else(|| clean(&row.county).into_owned())
        }
        Column::Category => row
            .category
            .map_or("—", |c| lang.pick(c.zh(), c.en()))
            .to_string(),
        Column::Title => {
            let restricted = !super::mask::may_see_content(
                row.confidential,
                state.role,
                &state.scope.region,
                &row.county,
            );
            if restricted {
                Text::Restricted.get(lang).to_string()
            } else {
                clean(&row.title).into_owned()
            }
        }
        Column::State => lang.pick(row.state.zh(), row.state.en()).to_string(),
        Column::Due => {
            let urgency = match row.due_on {
                Some(due) => classify(due, state.scope.today, state.due_soon_days),
                None => Urgency::NoClock,
            };
            let style = match urgency {
                Urgency::Overdue { .. } => theme.overdue,
                Urgency::DueSoon { .. } => theme.due_soon,
                Urgency::OnTime { .. } => theme.on_time,
                Urgency::NoClock => theme.muted,
            };
            return (labels::urgency(urgency, lang).to_string(), Some(style));
        }
    };
    (text, None)
}
