//! Colour themes: dark (default), light and monochrome (used when `NO_COLOR` is set). Only the
//! 16 named ANSI colours are used, so every theme works in a 16-colour terminal; urgency is never
//! shown by colour alone (the table adds a symbol and a word).

use crate::app::state::ThemeName;
use ratatui::style::{Color, Modifier, Style};

/// The styles the UI draws with.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub text: Style,
    pub muted: Style,
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub header: Style,
    pub selected: Style,
    pub overdue: Style,
    pub due_soon: Style,
    pub on_time: Style,
    pub status: Style,
    pub notice: Style,
    pub key: Style,
}

/// The styles of a theme.
pub fn theme(name: ThemeName) -> Theme {
    let plain = Style::default();
    match name {
        ThemeName::Dark => Theme {
            text: plain,
            muted: plain.fg(Color::DarkGray),
            border: plain.fg(Color::DarkGray),
            border_focused: plain.fg(Color::Cyan),
            title: plain.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            header: plain.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: plain.bg(Color::Blue).fg(Color::White),
            overdue: plain.fg(Color::Red).add_modifier(Modifier::BOLD),
            due_soon: plain.fg(Color::Yellow),
            on_time: plain.fg(Color::Green),
            status: plain.bg(Color::DarkGray).fg(Color::White),
            notice: plain.fg(Color::Black).bg(Color::Yellow),
            key: plain.fg(Color::Cyan),
        },
        ThemeName::Light => Theme {
            text: plain.fg(Color::Black),
            muted: plain.fg(Color::Gray),
            border: plain.fg(Color::Gray),
            border_focused: plain.fg(Color::Blue),
            title: plain.fg(Color::Blue).add_modifier(Modifier::BOLD),
            header: plain.fg(Color::Magenta).add_modifier(Modifier::BOLD),
            selected: plain.bg(Color::LightBlue).fg(Color::Black),
            overdue: plain.fg(Color::Red).add_modifier(Modifier::BOLD),
            due_soon: plain.fg(Color::Magenta),
            on_time: plain.fg(Color::Green),
            status: plain.bg(Color::Gray).fg(Color::Black),
            notice: plain.fg(Color::White).bg(Color::Red),
            key: plain.fg(Color::Blue),
        },
        ThemeName::Mono => Theme {
            text: plain,
            muted: plain.add_modifier(Modifier::DIM),
            border: plain,
            border_focused: plain.add_modifier(Modifier::BOLD),
            title: plain.add_modifier(Modifier::BOLD),
            header: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: plain.add_modifier(Modifier::REVERSED),
            overdue: plain.add_modifier(Modifier::BOLD),
            due_soon: plain.add_modifier(Modifier::UNDERLINED),
            on_time: plain,
            status: plain.add_modifier(Modifier::REVERSED),
            notice: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            key: plain.add_modifier(Modifier::BOLD),
        },
    }
}
