//! Cases in and out of xinfang as files: `xinfang import` (CSV, JSON Lines, XLSX; validated row by
//! row, played through the life-cycle rules, all or nothing) and `xinfang export` (what a queue or
//! search shows, as the user's role may see it, in the same columns).
//!
//! May import `domain`, `store`, `search` and `text`; the personal-data masks come from
//! `ui::mask`, so that a file shows exactly what the console shows.

pub mod board;
pub mod columns;
pub mod export;
#[cfg(test)]
mod fuzz_tests;
pub mod import;
pub mod prepare;
pub mod read;

pub use columns::Column;

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
    Xlsx,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Xlsx => "xlsx",
        }
    }
}

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Detected: a BOM, else strict UTF-8, else GB18030.
    Auto,
    Utf8,
    /// GB18030, which includes GBK and GB2312.
    Gb18030,
}

/// One thing wrong with an input file, reported as `FILE:LINE: column: what`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<u64>,
    pub column: Option<Column>,
    pub what: String,
    /// The file cannot be read any further.
    pub fatal: bool,
}

impl Problem {
    /// A problem with the file as a whole, which ends reading it.
    pub fn file(what: String) -> Problem {
        Problem {
            line: None,
            column: None,
            what,
            fatal: true,
        }
    }

    /// The problem as one line, naming `file`.
    pub fn shown(&self, file: &str) -> String {
        let mut out = crate::text::sanitise(file).into_owned();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
        }
        out.push_str(": ");
        if let Some(column) = self.column {
            out.push_str(column.code());
            out.push_str(": ");
        }
        out.push_str(&crate::text::sanitise(&self.what));
        out
    }
}
