//! The meeting brief as a document: sections of sentences a leader can read aloud, tables and
//! charts, built from one `store::brief::Brief` and written as Markdown, HTML, JSON, CSV or XLSX.
//! Every format renders the same `Report`, so each shows the same numbers. Pure but for `write`.
//!
//! A report carries no personal data: a `Brief` holds none (counts, codes, unit and leader names,
//! case numbers), and every text that came from the database is escaped by the format writing it.

mod build;
pub mod chart;
mod html;
pub mod indicators;
mod json;
mod markdown;
pub mod meeting;
mod tables;
pub mod warning;
mod write;

pub use build::build;
pub use write::{Format, file_name, render, write_to};

use crate::domain::board::BoardRules;
use crate::i18n::Lang;
use crate::store::Filter;
use crate::store::brief::ReportKind;
use chrono::NaiveDate;
use serde::Serialize;

/// One report in one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub kind: ReportKind,
    pub as_of: NaiveDate,
    pub region: String,
    pub region_name: String,
    pub lang: &'static str,
    pub title: String,
    /// The periods compared, as one line.
    pub subtitle: String,
    pub period: Span,
    pub previous: Span,
    pub last_year: Span,
    pub sections: Vec<Section>,
}

/// A period as the report states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day its numbers are seen on.
    pub as_of: NaiveDate,
}

/// One section: a heading, sentences, tables and charts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub key: &'static str,
    pub heading: String,
    pub sentences: Vec<String>,
    pub tables: Vec<Table>,
    pub charts: Vec<chart::Chart>,
    /// The cases behind the section's headline, for the Meeting board's drill-down, with the
    /// drill-down queue's name in the report's language.
    #[serde(skip)]
    pub drill: Option<(Filter, String)>,
}

/// A table with stable column keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub key: &'static str,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub key: &'static str,
    pub heading: String,
}

/// A table cell. In JSON: a string, a whole number, or a number (`null` when there is nothing
/// to measure).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    /// A value with a stable code for files (`good`) and words for readers (`● 达标`).
    Coded {
        code: String,
        shown: String,
    },
    /// Nothing to show (`—`; empty in CSV, `null` in JSON).
    None,
    Count(u64),
    /// A rate in 0..=1.
    Rate(Option<f64>),
    /// A relative change (0.082 = up 8.2 %).
    Change(Option<f64>),
    /// A difference of two rates in percentage points.
    Points(Option<f64>),
    /// A number of days.
    Days(Option<f64>),
}

impl Cell {
    /// The cell as every text format shows it.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Coded { shown, .. } => shown.clone(),
            Cell::None => "—".to_string(),
            Cell::Count(n) => thousands(*n),
            Cell::Rate(r) => r.map_or_else(|| "—".to_string(), |r| format!("{:.1}%", r * 100.0)),
            Cell::Change(c) => c.map_or_else(|| "—".to_string(), |c| signed(c * 100.0, "%")),
            Cell::Points(p) => p.map_or_else(|| "—".to_string(), |p| signed(p, "")),
            Cell::Days(d) => d.map_or_else(|| "—".to_string(), |d| format!("{d:.1}")),
        }
    }

    /// True for numbers (right-aligned).
    pub fn is_number(&self) -> bool {
        !matches!(self, Cell::Text(_) | Cell::Coded { .. } | Cell::None)
    }
}

impl Table {
    /// Whether each column holds numbers (right-aligned), by the first row that has a value there.
    pub fn numeric_columns(&self) -> Vec<bool> {
        (0..self.columns.len())
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .find(|c| !matches!(c, Cell::None))
                    .is_some_and(Cell::is_number)
            })
            .collect()
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `+8.2%`, `−8.2%` (a true minus sign), `0.0%`.
fn signed(v: f64, unit: &str) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v > 0.0 {
        format!("+{v:.1}{unit}")
    } else if v < 0.0 {
        format!("−{:.1}{unit}", -v)
    } else {
        format!("0.0{unit}")
    }
}

/// Relative change of `now` against `before` (`None` when `before` is 0).
pub fn change(now: u64, before: u64) -> Option<f64> {
    (before > 0).then(|| (now as f64 - before as f64) / before as f64)
}

/// What the report is asked for besides the brief.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The colour bands (domain.md §8).
    pub boards: &'a BoardRules,
    pub lang: Lang,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_report_prints_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(Cell::Change(Some(0.082)).shown(), "+8.2%");
        assert_eq!(Cell::Change(Some(-0.0004)).shown(), "0.0%");
        assert_eq!(Cell::Change(Some(-0.5)).shown(), "−50.0%");
        assert_eq!(Cell::Points(Some(-1.25)).shown(), "−1.3");
        assert_eq!(Cell::Rate(None).shown(), "—");
        assert_eq!(Cell::None.shown(), "—");
        assert_eq!(change(3, 0), None);
        assert_eq!(change(3, 2), Some(0.5));
    }
}
