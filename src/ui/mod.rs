//! Drawing: `draw(frame, &State)` for the whole console. Never touches the store and never
//! changes state. Every piece of petition text passes through `clean` before it is drawn.
//!
//! Layout: at 120 columns or more the queue list, case table and detail sit side by side; below
//! that the queue list sits left and the table and detail share the right (`d` toggles); below
//! 60×16 the console says the terminal is too small.

pub mod board;
pub mod detail;
pub mod labels;
pub mod mask;
mod overlay;
mod table;
pub mod theme;
pub mod wall;

use crate::app::state::{Focus, Link, Overlay, State};
use crate::i18n::Text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use std::borrow::Cow;

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Untrusted text made safe for the terminal.
pub fn clean(text: &str) -> Cow<'_, str> {
    crate::text::sanitise(text)
}

/// Draws the whole console. Whatever a widget put on screen, no cell leaves holding a control
/// character: the last pass neutralises them all, so no field can reach the terminal raw.
pub fn draw(frame: &mut Frame<'_>, state: &State) {
    draw_console(frame, state);
    neutralise(frame.buffer_mut());
}

/// Replaces any cell symbol holding a control, direction-changing or invisible character, and
/// blanks a double-width character whose second half was drawn over (an overlay's border beside
/// Chinese text): a terminal would draw the character over the border.
pub fn neutralise(buffer: &mut ratatui::buffer::Buffer) {
    for cell in buffer.content.iter_mut() {
        if let Cow::Owned(clean) = clean(cell.symbol()) {
            cell.set_symbol(&clean);
        }
    }
    let width = usize::from(buffer.area.width);
    if width < 2 {
        return;
    }
    for row in buffer.content.chunks_mut(width) {
        for x in 0..width - 1 {
            let wide = unicode_width::UnicodeWidthStr::width(row[x].symbol()) > 1;
            let covered = !matches!(row[x + 1].symbol(), "" | " ");
            if wide && covered {
                row[x].set_symbol(" ");
            }
        }
    }
}

/// Where each part of the console is on a screen of `area`: the same rectangles for drawing and
/// for mouse clicks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Panes {
    pub notices: Rect,
    pub body: Rect,
    pub hints: Rect,
    pub status: Rect,
    pub queues: Rect,
    /// The case table, when shown.
    pub table: Option<Rect>,
    /// The detail, when shown.
    pub detail: Option<Rect>,
}

/// The panes of the console on a screen of `area`.
pub fn panes(state: &State, area: Rect) -> Panes {
    let notices = state.notices.len().min(3) as u16;
    let [notice_area, body, hint_area, status_area] = Layout::vertical([
        Constraint::Length(notices),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut out = Panes {
        notices: notice_area,
        body,
        hints: hint_area,
        status: status_area,
        ..Panes::default()
    };
    if state.board_shown {
        return out;
    }
    let queue_width = if area.width >= 120 { 24 } else { 20 };
    let [queues_area, rest] =
        Layout::horizontal([Constraint::Length(queue_width), Constraint::Min(10)]).areas(body);
    out.queues = queues_area;
    if state.wide() {
        let detail_width = (rest.width * 2 / 5).max(40);
        let [table_area, detail_area] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(detail_width)]).areas(rest);
        out.table = Some(table_area);
        out.detail = Some(detail_area);
    } else if state.compact_detail {
        out.detail = Some(rest);
    } else {
        out.table = Some(rest);
    }
    out
}

fn draw_console(frame: &mut Frame<'_>, state: &State) {
    let area = frame.area();
    let theme = theme::theme(state.theme);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = Paragraph::new(Text::TooSmall.get(state.lang))
            .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(text, area);
        return;
    }
    let panes = panes(state, area);
    let (notice_area, body, status_area) = (panes.notices, panes.body, panes.status);
    draw_hints(frame, state, panes.hints);
    if !state.notices.is_empty() {
        let lines: Vec<Line> = state
            .notices
            .iter()
            .take(3)
            .map(|n| Line::from(clean(n).into_owned()))
            .collect();
        frame.render_widget(Paragraph::new(lines).style(theme.notice), notice_area);
    }
    if state.board_shown
        && let Some(view) = &state.board
    {
        let screen = board::Screen {
            lang: state.lang,
            theme,
            view,
            rules: &state.board_rules,
            as_of: state.scope.today,
            wall: false,
            clock: None,
            stale: None,
            tabs: crate::domain::board::BoardKind::ALL,
        };
        board::draw(frame, body, &screen);
        draw_status(frame, state, status_area);
        draw_overlay(frame, state, body);
        return;
    }
    draw_queues(frame, state, panes.queues);
    if let Some(table_area) = panes.table {
        table::draw(frame, state, table_area);
    }
    if let Some(detail_area) = panes.detail {
        detail::draw(frame, state, detail_area);
    }
    draw_status(frame, state, status_area);
    draw_overlay(frame, state, body);
}

/// The key-hint footer: what the main keys do here, from the active keymap; what does not fit
/// is left out whole.
fn draw_hints(frame: &mut Frame<'_>, state: &State, area: Rect) {
    let theme = theme::theme(state.theme);
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, name) in crate::app::hints::footer(state) {
        let piece = unicode_width::UnicodeWidthStr::width(format!(" {key} {name} ").as_str());
        if used + piece > usize::from(area.width) {
            break;
        }
        used += piece;
        spans.push(Span::styled(format!(" {key}"), theme.key));
        spans.push(Span::styled(format!(" {name} "), theme.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_overlay(frame: &mut Frame<'_>, state: &State, body: Rect) {
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help {
            scroll,
            filter,
            context,
        } => overlay::help(frame, state, body, (*scroll, filter, *context)),
        Overlay::Palette(palette) => overlay::palette(frame, state, body, palette),
        Overlay::Search(search) => overlay::search(frame, state, body, search),
        Overlay::Step(form) => overlay::step(frame, state, body, form),
        Overlay::Summary { title, lines } => overlay::summary(frame, state, body, title, lines),
    }
}

/// A bordered block, highlighted when its pane has focus.
pub fn pane<'a>(title: String, focused: bool, state: &State) -> Block<'a> {
    let theme = theme::theme(state.theme);
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        })
        .title(Span::styled(format!(" {title} "), theme.title))
}

fn draw_queues(frame: &mut Frame<'_>, state: &State, area: Rect) {
    let theme = theme::theme(state.theme);
    let block = pane(
        Text::Queues.get(state.lang).to_string(),
        state.focus == Focus::Queues,
        state,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = state
        .queues
        .iter()
        .enumerate()
        .skip(
            state
                .queue_index
                .saturating_sub(usize::from(inner.height).saturating_sub(1)),
        )
        .map(|(i, queue)| {
            let count = match state.counts.get(i).copied().flatten() {
                Some(n) => n.to_string(),
                None => "…".to_string(),
            };
            let label = fit(
                queue.label(state.lang),
                width.saturating_sub(count.len() + 1),
            );
            let pad = width.saturating_sub(
                unicode_width::UnicodeWidthStr::width(label.as_str()) + count.len() + 1,
            );
            let text = format!("{label}{} {count}", " ".repeat(pad));
            let style = if i == state.queue_index {
                theme.selected
            } else {
                theme.text
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A line cut to `width` columns, ending with `…` when anything was cut.
pub fn fit_line(line: Line<'_>, width: u16) -> Line<'static> {
    let width = usize::from(width);
    let style = line.style;
    if line.width() <= width {
        let spans: Vec<Span<'static>> = line
            .spans
            .into_iter()
            .map(|s| Span::styled(s.content.into_owned(), s.style))
            .collect();
        return Line::from(spans).style(style);
    }
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let w = span.width();
        if used + w < width {
            used += w;
            out.push(Span::styled(span.content.into_owned(), span.style));
            continue;
        }
        // This span reaches the edge and more follows (or it is too long): cut it with `…`.
        let room = width - used;
        let cut = crate::text::fit(&format!("{}  ", span.content), room).into_owned();
        out.push(Span::styled(cut, span.style));
        break;
    }
    Line::from(out).style(style)
}

/// `text` cut or padded to exactly `width` display columns.
pub fn text_pad(text: &str, width: usize) -> String {
    crate::text::pad(&fit(text, width), width)
}

/// `text` cut to `width` display columns, with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    crate::text::fit(text, width).into_owned()
}

fn draw_status(frame: &mut Frame<'_>, state: &State, area: Rect) {
    let theme = theme::theme(state.theme);
    let lang = state.lang;
    let mode = match state.overlay {
        Overlay::None => Text::ModeNormal,
        Overlay::Help { .. } => Text::ModeHelp,
        Overlay::Palette(_) => Text::ModePalette,
        Overlay::Search(_) => Text::ModeSearch,
        Overlay::Step(_) => Text::ModeStep,
        Overlay::Summary { .. } => Text::ModeStep,
    };
    let link = match &state.link {
        Link::Loading => Text::Loading.get(lang).to_string(),
        Link::Live => format!("{} {}", Text::Live.get(lang), state.loaded_at),
        Link::Stale { since } => format!("{} {since}", Text::StaleSince.get(lang)),
        Link::Reconnecting { since } => format!("{} {since}", Text::ReconnectingSince.get(lang)),
    };
    let pending = if state.pending_keys.is_empty() {
        String::new()
    } else {
        format!(
            " [{}]",
            crate::keymap::key::sequence_text(&state.pending_keys)
        )
    };
    // Most important first; what does not fit is left out whole, never cut mid-word.
    let mut parts = vec![format!("{}{pending}", mode.get(lang))];
    let mut always = 1;
    // Marks stay in sight while they exist: a step would go to them.
    if !state.marks.is_empty() {
        let n = state.marks.len();
        parts.push(match lang {
            crate::i18n::Lang::Zh => format!("● 已标记 {n} 件"),
            crate::i18n::Lang::En => format!("● {n} marked"),
        });
        always += 1;
    }
    // A lost connection matters more than any message.
    let reconnecting = matches!(state.link, Link::Reconnecting { .. });
    if reconnecting {
        parts.push(link.clone());
        always += 1;
    }
    if let Some(message) = &state.status {
        parts.push(clean(message).into_owned());
    }
    if !reconnecting {
        parts.push(link);
    }
    if let Some(day) = state.fixed_day {
        parts.push(format!(
            "{} {day}",
            lang.pick("日期固定为", "today fixed at")
        ));
    }
    parts.push(format!(
        "{} {} ({})",
        Text::User.get(lang),
        clean(&state.user),
        state.role.zh_or_en(lang)
    ));
    parts.push(format!(
        "{} {}",
        Text::Database.get(lang),
        clean(&state.db_label)
    ));
    let mut left = String::new();
    for (i, part) in parts.iter().enumerate() {
        let piece = if i == 0 {
            format!(" {part}")
        } else {
            format!(" │ {part}")
        };
        let fits = unicode_width::UnicodeWidthStr::width(left.as_str())
            + unicode_width::UnicodeWidthStr::width(piece.as_str())
            <= usize::from(area.width);
        // The mode, a lost connection and the message always show (cut with `…` if long).
        if fits {
            left.push_str(&piece);
        } else if i <= always {
            let room = usize::from(area.width)
                .saturating_sub(unicode_width::UnicodeWidthStr::width(left.as_str()));
            left.push_str(&fit(&piece, room));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(left)).style(theme.status), area);
}

impl crate::domain::Role {
    /// The role's name in `lang`.
    pub fn zh_or_en(self, lang: crate::i18n::Lang) -> &'static str {
        lang.pick(self.zh(), self.en())
    }
}
