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
            // A mouse report at column or row 0 does not exist (they count from 1), and the
            // parser would subtract 1 from it: dropped here.
            if zero_mouse_position(&self.pending) {
                self.pending.clear();
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

/// Whether `bytes` is a whole mouse report (`ESC [ < b;x;y M`, or rxvt's `ESC [ b;x;y M`) with
/// a column or row of 0.
fn zero_mouse_position(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(b"\x1b[") else {
        return false;
    };
    let Some((&last, body)) = rest.split_last() else {
        return false;
    };
    if last != b'M' && last != b'm' {
        return false;
    }
    let body = body.strip_prefix(b"<").unwrap_or(body);
    if body.is_empty() || !body.iter().all(|b| b.is_ascii_digit() || *b == b';') {
        return false;
    }
    let fields: Vec<&[u8]> = body.split(|b| *b == b';').collect();
    fields.len() == 3 && fields[1..].iter().any(|f| f.iter().all(|b| *b == b'0'))
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
    fn a_mouse_report_at_position_zero_is_dropped() {
        let mut parser = Parser::default();
        let mut events = parser.feed(b"\x1b[<0;0;0M");
        events.extend(parser.feed(b"\x1b[32;0;5M"));
        events.extend(parser.feed(b"j"));
        assert_eq!(
            keys(&events),
            vec![(KeyCode::Char('j'), KeyModifiers::NONE)]
        );
        assert_eq!(events.len(), 1, "{events:?}");
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
