//! The case table: number, received, channel, county, category, title, state and the deadline
//! countdown with colour and a symbol and word. Narrow terminals drop channel and category.

use super::{clean, labels, pane, theme};
use crate::app::state::{Column, Focus, State};
use crate::domain::deadline::{Urgency, classify};
use crate::domain::region;
use crate::i18n::Text;
use crate::store::CaseRow;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
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
        Column::Number => Constraint::Length(14),
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
    let title = match state.queue() {
        Some(q) => format!("{} · {}", Text::Cases.get(lang), q.label(lang)),
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
    let header = Row::new(
        columns
            .iter()
            .map(|c| Cell::from(lang.pick(c.zh(), c.en()))),
    )
    .style(theme.header);
    let visible = usize::from(inner.height.saturating_sub(1));
    let rows = state
        .table
        .rows
        .iter()
        .enumerate()
        .skip(state.table.offset)
        .take(visible)
        .map(|(i, row)| {
            let cells = columns.iter().map(|c| cell(*c, row, state));
            let style = if i == state.table.selected {
                theme.selected
            } else {
                theme.text
            };
            Row::new(cells).style(style)
        });
    let widths: Vec<Constraint> = columns.iter().map(|c| width(*c)).collect();
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        inner,
    );
}

fn cell<'a>(column: Column, row: &'a CaseRow, state: &State) -> Cell<'a> {
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    match column {
        Column::Number => {
            // A mark is a symbol, not only a colour.
            let mark = if state.marks.contains_key(&row.id) {
                "●"
            } else {
                ""
            };
            Cell::from(format!("{mark}{}", clean(&row.number)))
        }
        Column::Received => Cell::from(row.received_on.to_string()),
        Column::Channel => Cell::from(lang.pick(row.channel.zh(), row.channel.en())),
        Column::County => {
            Cell::from(region::name_of(&row.county).unwrap_or_else(|| row.county.clone()))
        }
        Column::Category => Cell::from(row.category.map_or("—", |c| lang.pick(c.zh(), c.en()))),
        Column::Title => {
            let restricted = !super::mask::may_see_content(
                row.confidential,
                state.role,
                &state.scope.region,
                &row.county,
            );
            let title = if restricted {
                Text::Restricted.get(lang).to_string()
            } else {
                clean(&row.title).into_owned()
            };
            Cell::from(title)
        }
        Column::State => Cell::from(lang.pick(row.state.zh(), row.state.en())),
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
            Cell::from(Line::styled(labels::urgency(urgency, lang), style))
        }
    }
}
