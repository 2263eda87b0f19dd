//! Bytes from an SSH client's terminal into terminal events: keys, bracketed paste and mouse
//! reports, parsed by `terminput` (crossterm's own parser, usable on a byte stream) and given to
//! the console as crossterm events. A sequence split across packets waits for its rest; a lone
//! ESC at the end of a packet is the Esc key (a terminal sends an escape sequence whole).

use crossterm::event::Event;

/// Longest unfinished input kept (a paste that never ends is dropped, not kept growing).
const MAX_PENDING: usize = 1 << 20;

/// Turns a client's input bytes into events.
#[derive(Debug, Default)]
pub struct Parser {
    pending: Vec<u8>,
}

impl Parser {
    /// The events completed by `bytes`.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for (i, byte) in bytes.iter().enumerate() {
            self.pending.push(*byte);
            let more = i + 1 < bytes.len();
            // ESC alone may start a sequence whose rest is in this packet.
            if self.pending == [0x1b] && more {
                continue;
            }
            match terminput::Event::parse_from(&self.pending) {
                Ok(Some(event)) => {
                    self.pending.clear();
                    if let Ok(event) = terminput_crossterm::to_crossterm(event) {
                        events.push(event);
                    }
                }
                Ok(None) if self.pending.len() > MAX_PENDING => self.pending.clear(),
                Ok(None) => {}
                // Not a sequence anything understands: skipped.
                Err(_) => self.pending.clear(),
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers, MouseEventKind};

    fn keys(events: &[Event]) -> Vec<(KeyCode, KeyModifiers)> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some((k.code, k.modifiers)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn letters_arrows_control_keys_and_chinese_text() {
        let mut parser = Parser::default();
        let events = parser.feed("jk\x1b[B\r\x03中".as_bytes());
        assert_eq!(
            keys(&events),
            vec![
                (KeyCode::Char('j'), KeyModifiers::NONE),
                (KeyCode::Char('k'), KeyModifiers::NONE),
                (KeyCode::Down, KeyModifiers::NONE),
                (KeyCode::Enter, KeyModifiers::NONE),
                (KeyCode::Char('c'), KeyModifiers::CONTROL),
                (KeyCode::Char('中'), KeyModifiers::NONE),
            ]
        );
    }

    #[test]
    fn a_sequence_split_across_packets_waits_for_its_rest() {
        let mut parser = Parser::default();
        assert!(parser.feed(b"\x1b[").is_empty());
        assert_eq!(
            keys(&parser.feed(b"A")),
            vec![(KeyCode::Up, KeyModifiers::NONE)]
        );
        let bytes = "王".as_bytes();
        assert!(parser.feed(&bytes[..1]).is_empty());
        assert_eq!(
            keys(&parser.feed(&bytes[1..])),
            vec![(KeyCode::Char('王'), KeyModifiers::NONE)]
        );
        // A lone ESC at the end of a packet is the Esc key.
        assert_eq!(
            keys(&parser.feed(b"\x1b")),
            vec![(KeyCode::Esc, KeyModifiers::NONE)]
        );
    }

    #[test]
    fn paste_and_mouse_arrive_whole() {
        let mut parser = Parser::default();
        let events = parser.feed(b"\x1b[200~line one\nline two\x1b[201~\x1b[<64;10;5M");
        assert!(matches!(&events[0], Event::Paste(text) if text == "line one\nline two"));
        assert!(
            matches!(&events[1], Event::Mouse(m) if m.kind == MouseEventKind::ScrollUp && m.column == 9 && m.row == 4)
        );
    }

    #[test]
    fn garbage_is_skipped_and_input_goes_on() {
        let mut parser = Parser::default();
        let mut events = parser.feed(b"\x1b[?1;2c");
        events.extend(parser.feed(b"q"));
        assert_eq!(
            keys(&events),
            vec![(KeyCode::Char('q'), KeyModifiers::NONE)]
        );
    }
}
