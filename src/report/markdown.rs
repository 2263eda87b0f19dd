//! A report as Markdown, for chat and mail: headings, sentences and pipe tables. Text from the
//! database is escaped so it cannot add markup, links or HTML, and control characters are made
//! visible.

use super::{Report, Table};
use std::fmt::Write as _;

/// Escapes text for a Markdown paragraph or heading.
pub fn escape(text: &str) -> String {
    escape_as(text, true)
}

/// Escapes text for a table cell, where a leading `+` or `-` starts nothing.
fn escape_cell(text: &str) -> String {
    escape_as(text, false)
}

fn escape_as(text: &str, paragraph: bool) -> String {
    let text = crate::text::sanitise(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let inside_word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => true,
            // An underscore inside a word is never emphasis (`cases_received`).
            '_' => {
                !(inside_word(i.checked_sub(1).and_then(|j| chars.get(j)))
                    && inside_word(chars.get(i + 1)))
            }
            // Only at the start could these begin a heading or a list.
            '#' | '+' | '-' | '=' => paragraph && i == 0,
            // A bare `http://…` or `www.…` would become a link in chat and GitHub.
            ':' => chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/'),
            '.' => i >= 3 && chars[i - 3..i].iter().all(|c| c.eq_ignore_ascii_case(&'w')),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "**{}**\n", escape(&t.title));
    if t.rows.is_empty() {
        out.push_str("—\n\n");
        return;
    }
    let head: Vec<String> = t.columns.iter().map(|c| escape_cell(&c.heading)).collect();
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let align: Vec<&str> = t
        .numeric_columns()
        .into_iter()
        .map(|n| if n { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| escape_cell(&c.shown())).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&report.title));
    let _ = writeln!(out, "{}\n", escape(&report.subtitle));
    for section in &report.sections {
        let _ = writeln!(out, "## {}\n", escape(&section.heading));
        for s in &section.sentences {
            let _ = writeln!(out, "{}\n", escape(s));
        }
        for t in &section.tables {
            table(&mut out, t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_links_and_escapes_are_neutralised_but_words_stay_readable() {
        assert_eq!(escape("cases_received"), "cases_received");
        assert_eq!(escape("_x_"), "\\_x\\_");
        assert_eq!(escape("# 标题"), "\\# 标题");
        assert_eq!(escape("a # b"), "a # b");
        assert_eq!(escape("-3.1%"), "\\-3.1%");
        assert_eq!(escape_cell("-3.1%"), "-3.1%");
        assert_eq!(escape("<b>*x*|[y](z)"), "\\<b\\>\\*x\\*\\|\\[y\\](z)");
        assert_eq!(escape("see http://x.cn"), "see http\\://x.cn");
        assert_eq!(escape("WWW.x.cn"), "WWW\\.x.cn");
        assert_eq!(escape("\u{1b}[31m"), "␛\\[31m");
    }
}
