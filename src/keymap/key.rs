//! Key syntax: `j`, `G`, `?`, `enter`, `esc`, `ctrl-c`, `alt-x`, `shift-tab`, `f1`, `space`,
//! and sequences of them separated by spaces (`g g`). Parsing and display are inverse.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// One key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeName,
    pub ctrl: bool,
    pub alt: bool,
}

/// The keys the syntax can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeName {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

const NAMED: &[(&str, KeyCodeName)] = &[
    ("enter", KeyCodeName::Enter),
    ("esc", KeyCodeName::Esc),
    ("tab", KeyCodeName::Tab),
    ("backtab", KeyCodeName::BackTab),
    ("backspace", KeyCodeName::Backspace),
    ("delete", KeyCodeName::Delete),
    ("up", KeyCodeName::Up),
    ("down", KeyCodeName::Down),
    ("left", KeyCodeName::Left),
    ("right", KeyCodeName::Right),
    ("home", KeyCodeName::Home),
    ("end", KeyCodeName::End),
    ("pageup", KeyCodeName::PageUp),
    ("pagedown", KeyCodeName::PageDown),
    ("space", KeyCodeName::Char(' ')),
];

impl Key {
    /// Parses one key (`ctrl-c`, `G`, `f5`, `shift-tab`).
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower
                .strip_prefix("ctrl-")
                .or_else(|| lower.strip_prefix("c-"))
            {
                if r.is_empty() {
                    break;
                }
                ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower
                .strip_prefix("alt-")
                .or_else(|| lower.strip_prefix("m-"))
            {
                if r.is_empty() {
                    break;
                }
                alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-") {
                if r.is_empty() {
                    break;
                }
                shift = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                let c = if shift { c.to_ascii_uppercase() } else { c };
                KeyCodeName::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, code)) = NAMED.iter().find(|(name, _)| *name == lower) {
                    if shift && *code == KeyCodeName::Tab {
                        KeyCodeName::BackTab
                    } else {
                        *code
                    }
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n))
                {
                    KeyCodeName::F(n)
                } else {
                    return Err(format!(
                        "`{text}` is not a key (examples: j, G, ctrl-c, enter, esc, f1, space)"
                    ));
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }

    /// Parses a sequence of keys separated by spaces (`g g`).
    pub fn parse_sequence(text: &str) -> Result<Vec<Key>, String> {
        let keys: Result<Vec<Key>, String> = text.split_whitespace().map(Key::parse).collect();
        match keys {
            Ok(keys) if keys.is_empty() => Err("an empty key".to_string()),
            other => other,
        }
    }

    /// The character a key types into a text field: a printable character without ctrl or alt.
    pub fn text(&self) -> Option<char> {
        match self.code {
            KeyCodeName::Char(c) if !self.ctrl && !self.alt && !c.is_control() => Some(c),
            _ => None,
        }
    }

    /// Whether this is `code` without ctrl or alt.
    pub fn is(&self, code: KeyCodeName) -> bool {
        self.code == code && !self.ctrl && !self.alt
    }

    /// The key of a terminal key event (shift folds into the character); `None` for a release
    /// and for keys the syntax cannot name.
    pub fn from_terminal(event: &KeyEvent) -> Option<Key> {
        if event.kind == crossterm::event::KeyEventKind::Release {
            return None;
        }
        Key::from_event(event)
    }

    /// The key of a terminal key event (shift folds into the character).
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeName::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            KeyCode::Enter => KeyCodeName::Enter,
            KeyCode::Esc => KeyCodeName::Esc,
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeName::BackTab,
            KeyCode::Tab => KeyCodeName::Tab,
            KeyCode::BackTab => KeyCodeName::BackTab,
            KeyCode::Backspace => KeyCodeName::Backspace,
            KeyCode::Delete => KeyCodeName::Delete,
            KeyCode::Up => KeyCodeName::Up,
            KeyCode::Down => KeyCodeName::Down,
            KeyCode::Left => KeyCodeName::Left,
            KeyCode::Right => KeyCodeName::Right,
            KeyCode::Home => KeyCodeName::Home,
            KeyCode::End => KeyCodeName::End,
            KeyCode::PageUp => KeyCodeName::PageUp,
            KeyCode::PageDown => KeyCodeName::PageDown,
            KeyCode::F(n) => KeyCodeName::F(n),
            _ => return None,
        };
        Some(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeName::Char(' ') => f.write_str("space"),
            KeyCodeName::Char(c) => write!(f, "{c}"),
            KeyCodeName::F(n) => write!(f, "f{n}"),
            KeyCodeName::BackTab => f.write_str("shift-tab"),
            code => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map_or("backtab", |(n, _)| *n);
                f.write_str(name)
            }
        }
    }
}

/// Shows a key sequence as written in keymap files.
pub fn sequence_text(keys: &[Key]) -> String {
    keys.iter()
        .map(Key::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_print_back() {
        for text in [
            "j",
            "G",
            "?",
            "ctrl-c",
            "alt-x",
            "enter",
            "esc",
            "f5",
            "space",
            "pagedown",
            "shift-tab",
        ] {
            let key = Key::parse(text).expect(text);
            assert_eq!(key.to_string(), text);
        }
        assert_eq!(Key::parse("C-c"), Key::parse("ctrl-c"));
        assert_eq!(
            Key::parse("shift-tab").map(|k| k.code),
            Ok(KeyCodeName::BackTab)
        );
        assert_eq!(
            Key::parse("shift-g").map(|k| k.code),
            Ok(KeyCodeName::Char('G'))
        );
        assert_eq!(Key::parse_sequence("g g").map(|k| k.len()), Ok(2));
        assert!(Key::parse("hyper-x").is_err());
        assert!(Key::parse_sequence("  ").is_err());
    }

    #[test]
    fn terminal_events_map_to_the_same_keys() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(Key::from_event(&ctrl_c), Key::parse("ctrl-c").ok());
        let big_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&big_g), Key::parse("G").ok());
    }
}
