//! The terminal backend and its lifecycle.
//!
//! `LeanBackend` is ratatui's crossterm backend with a leaner `draw`: the stock one moves the
//! cursor before every cell that does not directly follow the previous one, which is after every
//! double-width (Chinese) character (ratatui issue 1396); here the expected cursor position
//! advances by each symbol's display width, so a row of Chinese text is one move and one print.
//! Colours and attributes are only sent when they change. `Counting` counts the bytes written,
//! for the benchmark. `TerminalGuard` restores the terminal on every way out.

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};

/// A writer that counts what passes through it.
pub struct Counting<W: Write> {
    pub inner: W,
    pub bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A crossterm backend with width-aware cursor tracking in `draw`.
pub struct LeanBackend<W: Write> {
    writer: W,
    /// The size of a remote terminal (width << 16 | height), set from its window changes;
    /// `None`: ask the local terminal.
    size: Option<std::sync::Arc<std::sync::atomic::AtomicU32>>,
}

impl<W: Write> LeanBackend<W> {
    pub fn new(writer: W) -> Self {
        LeanBackend { writer, size: None }
    }

    /// A backend for a terminal elsewhere (an SSH client), whose size is kept in `size`.
    pub fn with_size(writer: W, size: std::sync::Arc<std::sync::atomic::AtomicU32>) -> Self {
        LeanBackend {
            writer,
            size: Some(size),
        }
    }

    fn remote_size(&self) -> Option<Size> {
        self.size.as_ref().map(|s| {
            let v = s.load(std::sync::atomic::Ordering::SeqCst);
            Size {
                width: (v >> 16) as u16,
                height: (v & 0xffff) as u16,
            }
        })
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }
}

fn color(c: Color) -> crossterm::style::Color {
    use crossterm::style::Color as C;
    match c {
        Color::Reset => C::Reset,
        Color::Black => C::Black,
        Color::Red => C::DarkRed,
        Color::Green => C::DarkGreen,
        Color::Yellow => C::DarkYellow,
        Color::Blue => C::DarkBlue,
        Color::Magenta => C::DarkMagenta,
        Color::Cyan => C::DarkCyan,
        Color::Gray => C::Grey,
        Color::DarkGray => C::DarkGrey,
        Color::LightRed => C::Red,
        Color::LightGreen => C::Green,
        Color::LightBlue => C::Blue,
        Color::LightYellow => C::Yellow,
        Color::LightMagenta => C::Magenta,
        Color::LightCyan => C::Cyan,
        Color::White => C::White,
        Color::Indexed(i) => C::AnsiValue(i),
        Color::Rgb(r, g, b) => C::Rgb { r, g, b },
    }
}

fn attributes(w: &mut impl Write, modifier: Modifier) -> io::Result<()> {
    use crossterm::style::{Attribute, SetAttribute};
    for (flag, attribute) in [
        (Modifier::BOLD, Attribute::Bold),
        (Modifier::DIM, Attribute::Dim),
        (Modifier::ITALIC, Attribute::Italic),
        (Modifier::UNDERLINED, Attribute::Underlined),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink),
        (Modifier::REVERSED, Attribute::Reverse),
        (Modifier::HIDDEN, Attribute::Hidden),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut),
    ] {
        if modifier.contains(flag) {
            crossterm::queue!(w, SetAttribute(attribute))?;
        }
    }
    Ok(())
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        use crossterm::cursor::MoveTo;
        use crossterm::style::{
            Attribute, Print, SetAttribute, SetBackgroundColor, SetForegroundColor,
        };
        let w = &mut self.writer;
        let mut fg = Color::Reset;
        let mut bg = Color::Reset;
        let mut modifier = Modifier::empty();
        let mut cursor: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
            if cursor != Some((x, y)) {
                crossterm::queue!(w, MoveTo(x, y))?;
            }
            if cell.modifier != modifier {
                // Removing an attribute needs a full reset, which also resets the colours.
                if !(modifier - cell.modifier).is_empty() {
                    crossterm::queue!(w, SetAttribute(Attribute::Reset))?;
                    fg = Color::Reset;
                    bg = Color::Reset;
                    attributes(w, cell.modifier)?;
                } else {
                    attributes(w, cell.modifier - modifier)?;
                }
                modifier = cell.modifier;
            }
            if cell.fg != fg {
                crossterm::queue!(w, SetForegroundColor(color(cell.fg)))?;
                fg = cell.fg;
            }
            if cell.bg != bg {
                crossterm::queue!(w, SetBackgroundColor(color(cell.bg)))?;
                bg = cell.bg;
            }
            let symbol = cell.symbol();
            crossterm::queue!(w, Print(symbol))?;
            let advance = unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
            cursor = Some((x.saturating_add(advance), y));
        }
        crossterm::queue!(
            w,
            SetForegroundColor(crossterm::style::Color::Reset),
            SetBackgroundColor(crossterm::style::Color::Reset),
            SetAttribute(Attribute::Reset)
        )
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        crossterm::execute!(self.writer, crossterm::cursor::Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        crossterm::execute!(self.writer, crossterm::cursor::Show)
    }

    /// The console is full screen and never needs the cursor's position; asking the terminal
    /// would cost a round trip (slow over SSH) and race the input thread for the answer.
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        crossterm::execute!(self.writer, crossterm::cursor::MoveTo(p.x, p.y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        use crossterm::terminal::{Clear, ClearType as C};
        let kind = match clear_type {
            ClearType::All => C::All,
            ClearType::AfterCursor => C::FromCursorDown,
            ClearType::BeforeCursor => C::FromCursorUp,
            ClearType::CurrentLine => C::CurrentLine,
            ClearType::UntilNewLine => C::UntilNewLine,
        };
        crossterm::execute!(self.writer, Clear(kind))
    }

    fn size(&self) -> io::Result<Size> {
        if let Some(size) = self.remote_size() {
            return Ok(size);
        }
        let (width, height) = crossterm::terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        if let Some(size) = self.remote_size() {
            return Ok(WindowSize {
                columns_rows: size,
                pixels: Size::default(),
            });
        }
        let size = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: size.columns,
                height: size.rows,
            },
            pixels: Size {
                width: size.width,
                height: size.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// The console's message for a terminal event: keys as the keymap names them, the mouse as the
/// console reads it; `None` for what the console ignores (key releases, moves, focus).
pub fn message_of(event: crossterm::event::Event) -> Option<super::state::Msg> {
    use super::state::{Msg, Pointer, PointerKind};
    use crossterm::event::{Event, MouseButton, MouseEventKind};
    Some(match event {
        Event::Key(key) => Msg::Key(crate::keymap::Key::from_terminal(&key)?),
        Event::Resize(width, height) => Msg::Resize(width, height),
        Event::Paste(text) => Msg::Paste(text),
        Event::Mouse(mouse) => Msg::Mouse(Pointer {
            kind: match mouse.kind {
                MouseEventKind::Down(MouseButton::Left) => PointerKind::Click,
                MouseEventKind::ScrollUp => PointerKind::WheelUp,
                MouseEventKind::ScrollDown => PointerKind::WheelDown,
                _ => return None,
            },
            column: mouse.column,
            row: mouse.row,
        }),
        _ => return None,
    })
}

/// The OSC 52 sequence that puts `text` on the clipboard of the terminal (and of tmux, and across
/// SSH).
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\u{1b}]52;c;{}\u{7}",
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
    )
}

/// Resolves on SIGTERM or SIGHUP (an SSH drop); never, if the handlers cannot be installed.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
}

/// Puts the terminal into raw mode, the alternate screen and bracketed paste; restores it when
/// dropped.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        crossterm::terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        crossterm::execute!(
            out,
            crossterm::terminal::EnterAlternateScreen,
            crossterm::cursor::Hide,
            // A paste arrives as one piece: its newlines never act as Enter.
            crossterm::event::EnableBracketedPaste
        )?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        Ok(TerminalGuard)
    }
}

/// Leaves raw mode and the alternate screen; safe to call more than once and on a dead terminal.
pub fn restore() {
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = crossterm::execute!(
        io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::event::DisableBracketedPaste,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(
            super::osc52("NX-2026-000123"),
            "\u{1b}]52;c;TlgtMjAyNi0wMDAxMjM=\u{7}"
        );
    }
}
