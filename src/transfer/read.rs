//! Reading import files row by row, whatever their format: CSV (UTF-8 with or without BOM, or
//! GB18030/GBK as a Chinese Excel saves it), JSON Lines, and XLSX (one sheet, streamed cell by
//! cell). Each yields `Record`s (a line number and its fields by column) or `Problem`s; memory
//! does not grow with the file (an XLSX's shared strings aside).

use super::columns::{self, Column};
use super::{Encoding, Format, Problem};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The largest field accepted: anything bigger is not a petition's text.
pub const MAX_FIELD: usize = 1 << 20;
/// The largest XLSX part (a sheet's XML, the shared strings) inflated, and the largest ratio of
/// inflated to stored size for a part over 10 MB: beyond them the file is treated as a zip bomb.
const MAX_XLSX_PART: u64 = 4 << 30;
const MAX_XLSX_RATIO: u64 = 200;

/// One data row of a file.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The line (CSV, JSON Lines) or row (XLSX) it starts on, 1-based.
    pub line: u64,
    pub fields: Vec<(Column, String)>,
    /// Columns whose cell was a number in a spreadsheet (an ID number there has lost digits).
    pub numeric: Vec<Column>,
}

impl Record {
    pub fn get(&self, column: Column) -> &str {
        self.fields
            .iter()
            .find(|(c, _)| *c == column)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Rows of a file; a `Problem` with `fatal` set ends it.
pub type Rows = Box<dyn Iterator<Item = Result<Record, Problem>>>;

/// The format a file's name implies.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" => Some(Format::Csv),
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "xlsx" | "xlsm" => Some(Format::Xlsx),
        _ => None,
    }
}

/// Reads `path` as `format`, giving each row to `each` in order until it returns false. A
/// problem that ends the file (an unreadable header, a damaged workbook) is the error.
pub fn each(
    path: &Path,
    format: Format,
    encoding: Encoding,
    sheet: Option<&str>,
    ignore_unknown: bool,
    each: &mut dyn FnMut(Result<Record, Problem>) -> bool,
) -> Result<(), Problem> {
    let file = File::open(path).map_err(|e| Problem::file(format!("cannot open it: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| Problem::file(format!("cannot read it: {e}")))?;
    if !meta.is_file() {
        return Err(Problem::file("is not a regular file".into()));
    }
    let rows: Rows = match format {
        Format::Csv => csv_rows(file, encoding, ignore_unknown)?,
        Format::Jsonl => Box::new(jsonl_rows(BufReader::new(file), ignore_unknown)),
        Format::Xlsx => return xlsx_each(path, sheet, ignore_unknown, each),
    };
    for row in rows {
        match row {
            Err(problem) if problem.fatal => return Err(problem),
            row => {
                if !each(row) {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// The columns of a header row, in order; every problem with it at once.
fn header(cells: &[String], line: u64, ignore: bool) -> Result<Vec<Option<Column>>, Problem> {
    let mut found: Vec<Option<Column>> = Vec::with_capacity(cells.len());
    let mut problems = Vec::new();
    for cell in cells {
        match columns::from_header(cell) {
            Some(column) if found.contains(&Some(column)) => {
                problems.push(format!("column `{}` appears twice", column.code()))
            }
            Some(column) => found.push(Some(column)),
            // `--ignore-unknown`: a column of the file's own (序号, 备注) is passed over.
            None if ignore => found.push(None),
            None if cell.trim().is_empty() => problems.push("a column has no name".to_string()),
            None => problems.push(format!(
                "unknown column `{}`",
                crate::text::sanitise(cell.trim())
            )),
        }
    }
    let missing: Vec<&str> = columns::REQUIRED
        .iter()
        .filter(|c| !found.contains(&Some(**c)))
        .map(|c| c.code())
        .collect();
    if !missing.is_empty() {
        problems.push(format!("missing column(s): {}", missing.join(", ")));
    }
    if problems.iter().any(|p| p.starts_with("unknown column")) {
        problems.push("--ignore-unknown passes over columns of the file's own".into());
        let known: Vec<String> = columns::Column::ALL
            .iter()
            .map(|c| format!("{}/{}", c.code(), c.zh()))
            .collect();
        problems.push(format!("the columns are: {}", known.join(", ")));
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(Problem {
            line: Some(line),
            column: None,
            what: format!("header: {}", problems.join("; ")),
            fatal: true,
        })
    }
}

/// Which encoding a CSV file is in: a BOM says UTF-8; otherwise its first megabyte decides
/// (strict UTF-8, else GB18030, of which GBK is a part).
fn detect(start: &[u8], eof: bool) -> Result<Encoding, Problem> {
    if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(Encoding::Utf8);
    }
    match std::str::from_utf8(start) {
        Ok(_) => return Ok(Encoding::Utf8),
        // A multi-byte character cut at the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() && !eof => return Ok(Encoding::Utf8),
        Err(_) => {}
    }
    // GB18030 only if the sample is that, strictly (a character of up to four bytes may be cut
    // at the end of the sample).
    let cut = if eof { 0..1 } else { 0..4 };
    let gb = cut.into_iter().any(|n| {
        let sample = &start[..start.len().saturating_sub(n)];
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(sample)
            .is_some()
    });
    if gb {
        Ok(Encoding::Gb18030)
    } else {
        let at = std::str::from_utf8(start)
            .err()
            .map_or(0, |e| e.valid_up_to());
        Err(Problem::file(format!(
            "is neither UTF-8 nor GB18030/GBK text (byte {at} is not); give --encoding if you know it"
        )))
    }
}

fn csv_rows(file: File, encoding: Encoding, ignore: bool) -> Result<Rows, Problem> {
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let start = reader
        .fill_buf()
        .map_err(|e| Problem::file(format!("cannot read it: {e}")))?;
    if start.is_empty() {
        return Err(Problem::file("is empty: it has no header row".into()));
    }
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        return Err(Problem::file(
            "is UTF-16 text (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or \"CSV\" instead"
                .into(),
        ));
    }
    // Tab-separated text (Excel's "Text (tab delimited)") is read as such.
    let first_line = start.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b'\t') && !first_line.contains(&b',') {
        b'\t'
    } else {
        b','
    };
    let encoding = match encoding {
        Encoding::Auto => detect(start, start.len() < (1 << 20))?,
        chosen => chosen,
    };
    let input: Box<dyn Read> = match encoding {
        Encoding::Gb18030 => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::GB18030))
                .build(reader),
        ),
        _ => Box::new(reader),
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let (cells, line) = match csv.read_byte_record(&mut record) {
        Ok(true) => (
            text_cells(&record, encoding).map_err(|what| Problem {
                line: Some(1),
                column: None,
                what,
                fatal: true,
            })?,
            record.position().map_or(1, |p| p.line()),
        ),
        Ok(false) => return Err(Problem::file("is empty: it has no header row".into())),
        Err(e) => return Err(csv_problem(e)),
    };
    let columns = header(&cells, line, ignore)?;
    let mut done = false;
    Ok(Box::new(std::iter::from_fn(move || {
        if done {
            return None;
        }
        loop {
            return match csv.read_byte_record(&mut record) {
                Ok(false) => None,
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                        continue;
                    }
                    Some(csv_record(&record, line, &columns, encoding))
                }
                Err(e) => {
                    let problem = csv_problem(e);
                    done = problem.fatal;
                    Some(Err(problem))
                }
            };
        }
    })))
}

fn csv_problem(e: csv::Error) -> Problem {
    let line = e.position().map(|p| p.line());
    let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
    Problem {
        line,
        column: None,
        what: format!("cannot read this row ({e})"),
        fatal,
    }
}

/// A record's cells as text: UTF-8 checked strictly (a cell that is not says so).
fn text_cells(record: &csv::ByteRecord, encoding: Encoding) -> Result<Vec<String>, String> {
    record
        .iter()
        .map(|bytes| {
            let text = std::str::from_utf8(bytes)
                .map(|s| s.trim_start_matches('\u{feff}').to_string())
                .map_err(|_| {
                    "not UTF-8 text (is the file GBK? give --encoding gb18030)".to_string()
                })?;
            // The GB18030 decoder puts U+FFFD where the bytes were not GB18030.
            if encoding == Encoding::Gb18030 && text.contains('\u{FFFD}') {
                return Err("holds bytes that are not GB18030/GBK text".into());
            }
            Ok(text)
        })
        .collect()
}

fn csv_record(
    record: &csv::ByteRecord,
    line: u64,
    columns: &[Option<Column>],
    encoding: Encoding,
) -> Result<Record, Problem> {
    let at = |what: String| Problem {
        line: Some(line),
        column: None,
        what,
        fatal: false,
    };
    if record.len() != columns.len() {
        return Err(at(format!(
            "has {} fields but the header has {}",
            record.len(),
            columns.len()
        )));
    }
    if let Some((i, _)) = record.iter().enumerate().find(|(_, f)| f.len() > MAX_FIELD) {
        return Err(Problem {
            line: Some(line),
            column: columns[i],
            what: too_long(record.get(i).map_or(0, <[u8]>::len)),
            fatal: false,
        });
    }
    let cells = text_cells(record, encoding).map_err(at)?;
    Ok(Record {
        line,
        fields: columns
            .iter()
            .copied()
            .zip(cells)
            .filter_map(|(column, cell)| column.map(|c| (c, cell)))
            .collect(),
        numeric: Vec::new(),
    })
}

fn too_long(bytes: usize) -> String {
    format!(
        "the field is {:.1} MB; a field is at most {} KB",
        bytes as f64 / 1e6,
        MAX_FIELD / 1024
    )
}

fn jsonl_rows(
    reader: impl BufRead + 'static,
    ignore: bool,
) -> impl Iterator<Item = Result<Record, Problem>> {
    let mut lines = reader.split(b'\n');
    let mut line = 0u64;
    let mut done = false;
    std::iter::from_fn(move || {
        loop {
            if done {
                return None;
            }
            line += 1;
            let bytes = match lines.next()? {
                Ok(bytes) => bytes,
                Err(e) => {
                    done = true;
                    return Some(Err(Problem {
                        line: Some(line),
                        column: None,
                        what: format!("cannot read it: {e}"),
                        fatal: true,
                    }));
                }
            };
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(json_record(&bytes, line, ignore));
        }
    })
}

fn json_record(bytes: &[u8], line: u64, ignore: bool) -> Result<Record, Problem> {
    let at = |column: Option<Column>, what: String| Problem {
        line: Some(line),
        column,
        what,
        fatal: false,
    };
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes)
        .map_err(|e| at(None, format!("not a JSON object on one line ({e})")))?;
    let mut record = Record {
        line,
        ..Record::default()
    };
    let mut unknown = Vec::new();
    for (key, value) in object {
        let Some(column) = columns::from_header(&key) else {
            if !ignore {
                unknown.push(crate::text::sanitise(&key).into_owned());
            }
            continue;
        };
        let text = match value {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            other @ (serde_json::Value::Array(_) | serde_json::Value::Object(_)) => {
                if column == Column::History {
                    other.to_string()
                } else {
                    return Err(at(
                        Some(column),
                        "expected text, a number or true/false".into(),
                    ));
                }
            }
        };
        if text.len() > MAX_FIELD {
            return Err(at(Some(column), too_long(text.len())));
        }
        record.fields.push((column, text));
    }
    if !unknown.is_empty() {
        return Err(at(
            None,
            format!(
                "unknown field(s): {} (the README lists the columns)",
                unknown.join(", ")
            ),
        ));
    }
    let missing: Vec<&str> = columns::REQUIRED
        .iter()
        .filter(|c| !record.fields.iter().any(|(f, _)| f == *c))
        .map(|c| c.code())
        .collect();
    if !missing.is_empty() {
        return Err(at(
            None,
            format!("missing field(s): {}", missing.join(", ")),
        ));
    }
    Ok(record)
}

/// Refuses an XLSX whose parts would inflate beyond reason (a zip bomb), before reading it.
fn check_zip(path: &Path) -> Result<(), Problem> {
    let file = File::open(path).map_err(|e| Problem::file(format!("cannot open it: {e}")))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        Problem::file(format!(
            "is not an Excel workbook (.xlsx is a zip file: {e})"
        ))
    })?;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| Problem::file(format!("is a damaged workbook ({e})")))?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        if size > MAX_XLSX_PART || (size > 10 << 20 && size / packed > MAX_XLSX_RATIO) {
            return Err(Problem::file(format!(
                "looks like a zip bomb: its part {} inflates from {} KB to {} MB; refused",
                crate::text::sanitise(&entry.name().map(|n| n.into_owned()).unwrap_or_default()),
                packed / 1024,
                size >> 20
            )));
        }
    }
    Ok(())
}

/// Streams the sheet's rows to `each` as they are read (the cell reader borrows the workbook,
/// so this is a loop rather than an iterator); stops early when `each` returns false.
fn xlsx_each(
    path: &Path,
    sheet: Option<&str>,
    ignore: bool,
    each: &mut dyn FnMut(Result<Record, Problem>) -> bool,
) -> Result<(), Problem> {
    // The workbook parser does integer arithmetic on cell references that a damaged file can
    // overflow (a panic where overflow is checked): that is a damaged file, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        xlsx_rows(path, sheet, ignore, each)
    }))
    .unwrap_or_else(|_| {
        Err(Problem::file(
            "is a damaged workbook (a cell reference does not parse)".into(),
        ))
    })
}

fn xlsx_rows(
    path: &Path,
    sheet: Option<&str>,
    ignore: bool,
    each: &mut dyn FnMut(Result<Record, Problem>) -> bool,
) -> Result<(), Problem> {
    use calamine::Reader;
    check_zip(path)?;
    let file = File::open(path).map_err(|e| Problem::file(format!("cannot open it: {e}")))?;
    let mut workbook: calamine::Xlsx<_> = calamine::Xlsx::new(BufReader::new(file))
        .map_err(|e| Problem::file(format!("is not a readable Excel workbook ({e})")))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                Problem::file(format!(
                    "has no sheet `{}` (it has: {})",
                    crate::text::sanitise(wanted),
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Problem::file("has no sheets".into()))?,
    };
    let mut reader = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| Problem::file(format!("cannot read sheet `{name}` ({e})")))?;
    let mut sheet = Sheet {
        columns: None,
        ignore,
    };
    let mut row: Option<SheetRow> = None;
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => {
                return Err(Problem::file(format!("cannot read sheet `{name}` ({e})")));
            }
        };
        let (at, col) = cell.get_position();
        let (text, numeric) = cell_text(cell.get_value());
        match &mut row {
            Some((r, cells)) if *r == at => cells.push((col, text, numeric)),
            _ => {
                if let Some(done) = row.take()
                    && !sheet.row(done, each)?
                {
                    return Ok(());
                }
                row = Some((at, vec![(col, text, numeric)]));
            }
        }
    }
    if let Some(done) = row.take() {
        sheet.row(done, each)?;
    }
    if sheet.columns.is_none() {
        return Err(Problem::file("has an empty sheet: no header row".into()));
    }
    Ok(())
}

type SheetRow = (u32, Vec<(u32, String, bool)>);

/// A sheet being read: its columns once the header row is seen.
struct Sheet {
    columns: Option<Vec<Option<Column>>>,
    /// `--ignore-unknown`.
    ignore: bool,
}

impl Sheet {
    /// Takes one row: the header, or a record for `each`. Returns whether to go on.
    fn row(
        &mut self,
        (row, cells): SheetRow,
        each: &mut dyn FnMut(Result<Record, Problem>) -> bool,
    ) -> Result<bool, Problem> {
        if cells.iter().all(|(_, t, _)| t.trim().is_empty()) {
            return Ok(true);
        }
        let line = u64::from(row) + 1;
        let Some(columns) = &self.columns else {
            let width = cells.iter().map(|(c, _, _)| *c + 1).max().unwrap_or(0);
            let mut names = vec![String::new(); width as usize];
            for (col, text, _) in cells {
                names[col as usize] = text;
            }
            while names.last().is_some_and(|n| n.trim().is_empty()) {
                names.pop();
            }
            self.columns = Some(header(&names, line, self.ignore)?);
            return Ok(true);
        };
        let mut record = Record {
            line,
            ..Record::default()
        };
        for (col, text, numeric) in cells {
            let Some(column) = columns.get(col as usize).copied() else {
                // Beyond the header: a value there is a mistake.
                if text.trim().is_empty() {
                    continue;
                }
                return Ok(each(Err(Problem {
                    line: Some(line),
                    column: None,
                    what: format!(
                        "has a value in column {} but the header has {} columns",
                        col + 1,
                        columns.len()
                    ),
                    fatal: false,
                })));
            };
            // A column of the file's own, passed over.
            let Some(column) = column else {
                continue;
            };
            if text.len() > MAX_FIELD {
                return Ok(each(Err(Problem {
                    line: Some(line),
                    column: Some(column),
                    what: too_long(text.len()),
                    fatal: false,
                })));
            }
            if numeric {
                record.numeric.push(column);
            }
            record.fields.push((column, text));
        }
        Ok(each(Ok(record)))
    }
}

/// A cell as text, and whether it was a number.
fn cell_text(value: &calamine::DataRef<'_>) -> (String, bool) {
    use calamine::DataRef;
    match value {
        DataRef::Int(i) => (i.to_string(), true),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e19 => (format!("{:.0}", f), true),
        DataRef::Float(f) => (f.to_string(), true),
        DataRef::String(s) => (s.clone(), false),
        DataRef::SharedString(s) => ((*s).to_string(), false),
        DataRef::Bool(b) => (b.to_string(), false),
        DataRef::DateTime(d) => (excel_date(d.as_f64()), false),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => (s.clone(), false),
        DataRef::Error(e) => (format!("#{e:?}"), false),
        DataRef::Empty => (String::new(), false),
    }
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`.
fn excel_date(serial: f64) -> String {
    let Some(base) = chrono::NaiveDate::from_ymd_opt(1899, 12, 30) else {
        return serial.to_string();
    };
    let days = serial.floor();
    let seconds = ((serial - days) * 86_400.0).round() as i64;
    let Some(day) = base.checked_add_signed(chrono::Duration::days(days as i64)) else {
        return serial.to_string();
    };
    if seconds == 0 {
        day.to_string()
    } else {
        (day.and_hms_opt(0, 0, 0).unwrap_or_default() + chrono::Duration::seconds(seconds))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }
}
