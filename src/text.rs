//! Neutralising untrusted petition text before it reaches a terminal, report or export.
//!
//! Control characters (C0, DEL, C1), which include the ESC that starts terminal escape sequences,
//! are replaced by visible stand-ins; bidirectional overrides, which can disguise text, likewise.
//! Pure.

use std::borrow::Cow;

/// True for characters that must never reach a terminal or file as they are.
fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        // The control characters (C0, DEL, C1: what `char::is_control` names), spelled out as
        // ranges because this runs over every character of every export.
        '\u{0}'..='\u{1F}'
            | '\u{7F}'..='\u{9F}'
            // Direction overrides, embeddings, isolates and marks; invisible separators.
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{FEFF}'
    )
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

/// `sanitise` for a file that quotes or escapes line breaks itself (CSV, XLSX, JSON): every
/// control character but the line break is made visible, and a CR before it dropped.
pub fn sanitise_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| sanitise(line.strip_suffix('\r').unwrap_or(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` padded with spaces to `width` terminal columns (Chinese characters take two).
pub fn pad(text: &str, width: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

/// `text` cut to at most `width` terminal columns, ending with `…` when cut.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// `text` in lines of at most `width` display columns, the first starting with `first`, the
/// rest with `rest`: broken at spaces, and inside words where there are none (Chinese), never
/// with a line starting with closing punctuation (，。）…) — the character before moves down.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest);
    keep_punctuation_attached(textwrap::wrap(text, options))
}

/// Chinese line breaking's first rule: a line never starts with closing punctuation (，。）…):
/// the character before it moves down with it.
fn keep_punctuation_attached(lines: Vec<std::borrow::Cow<'_, str>>) -> Vec<String> {
    const CLOSING: &str = "，。、；：？！）」』”’》〉】…,.;:?!)";
    let mut out: Vec<String> = lines.into_iter().map(|l| l.into_owned()).collect();
    for i in 1..out.len() {
        // Move characters down while the line starts with one (`），` needs two), as long as the
        // line above keeps some text.
        loop {
            let (indent, body) = out[i].split_at(out[i].len() - out[i].trim_start().len());
            let starts_closing = body.chars().next().is_some_and(|c| CLOSING.contains(c));
            let above = out[i - 1].trim_start().chars().count();
            if !starts_closing || above < 2 {
                break;
            }
            let (indent, body) = (indent.to_string(), body.to_string());
            match out[i - 1].pop() {
                Some(moved) => out[i] = format!("{indent}{moved}{body}"),
                None => break,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_keeps_line_breaks_and_nothing_else() {
        let text = "第一行\r\n第二行\u{1b}[2J\u{202E}\n\t第三行";
        assert_eq!(sanitise_lines(text), "第一行\n第二行␛[2J\u{FFFD}\n␉第三行");
    }

    #[test]
    fn escape_sequences_become_visible_and_harmless() {
        let hostile = "工资\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}拖欠\r\n";
        let clean = sanitise(hostile);
        assert!(!clean.chars().any(|c| c.is_control()), "{clean:?}");
        assert_eq!(clean, "工资␛[2J␛]52;c;ZXZpbA==␇拖欠␍␊");
    }

    #[test]
    fn cut_text_ends_with_an_ellipsis_within_the_width() {
        assert_eq!(fit("延期15天，新期限", 8), "延期15…");
        assert_eq!(fit("short", 8), "short");
        assert!(unicode_width::UnicodeWidthStr::width(fit("信访件信访件", 5).as_ref()) <= 5);
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
        assert_eq!(sanitise("a\u{200b}b\u{2028}c"), "a\u{FFFD}b\u{FFFD}c");
    }

    #[test]
    fn no_line_starts_with_a_comma_or_a_full_stop() {
        let text = "“2026年信访积案化解攻坚行动”积案1,283件，化解率97.4%（目标97%），较上期持平。";
        for width in 10..40 {
            let lines = wrap(text, width, "", "  ");
            assert_eq!(lines.concat().replace("  ", ""), text.replace("  ", ""));
            for line in &lines[1..] {
                let first = line.trim_start().chars().next();
                assert!(
                    !matches!(first, Some('，' | '。' | '）')),
                    "width {width}: {lines:?}"
                );
            }
        }
    }
}
