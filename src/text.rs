//! Neutralising untrusted petition text before it reaches a terminal, report or export.
//!
//! Control characters (C0, DEL, C1), which include the ESC that starts terminal escape sequences,
//! are replaced by visible stand-ins; bidirectional overrides, which can disguise text, likewise.
//! Pure.

use std::borrow::Cow;

/// True for characters that must never reach a terminal or file as they are.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Replaces control characters with visible stand-ins: C0 controls become their Unicode control
/// pictures (ESC → `␛`, TAB → `␉`, LF → `␊`), DEL becomes `␡`, anything else `�`.
pub fn sanitise(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
                '\u{7F}' => '\u{2421}',
                c if is_unsafe(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// `text` padded with spaces to `width` terminal columns (Chinese characters take two).
pub fn pad(text: &str, width: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_and_harmless() {
        let hostile = "工资\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}拖欠\r\n";
        let clean = sanitise(hostile);
        assert!(!clean.chars().any(|c| c.is_control()), "{clean:?}");
        assert_eq!(clean, "工资␛[2J␛]52;c;ZXZpbA==␇拖欠␍␊");
    }

    #[test]
    fn padding_counts_display_columns() {
        assert_eq!(pad("已登记", 8), "已登记  ");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("toolong", 3), "toolong");
    }

    #[test]
    fn clean_text_is_borrowed_and_c1_and_bidi_are_replaced() {
        assert!(matches!(sanitise("金凤区 张伟"), Cow::Borrowed(_)));
        assert_eq!(sanitise("a\u{9b}b\u{202e}c"), "a\u{FFFD}b\u{FFFD}c");
    }
}
