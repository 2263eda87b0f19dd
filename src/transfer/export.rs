//! `xinfang export`: cases in the import columns, as the user's role may see them — personal data
//! masked where the console masks it, Art 30 content (title, summary, petitioner, history) left
//! out for those who may not read it. CSV is UTF-8 with a BOM (Excel opens it as UTF-8) and guards
//! against formula injection; XLSX keeps numbers as text, dates as dates and the header frozen;
//! JSON Lines is one object per case. Every text is neutralised (control characters made
//! visible). Cases are read and written in batches: memory stays flat.

use super::Format;
use super::columns::{Column, header};
use crate::domain::access::{may_see_content, may_see_personal};
use crate::domain::{Event, Role, Step, lifecycle};
use crate::i18n::Lang;
use crate::store::{CaseDetail, Leader, Unit};
use crate::text::sanitise;
use crate::ui::mask;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// One value of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// Text that must stay text in a spreadsheet (case and ID numbers, phones).
    Code(String),
    Date(NaiveDate),
    Number(i64),
    /// A decimal (a rate in percent), written with one decimal in text formats.
    Real(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) | Cell::Code(t) => t.clone(),
            Cell::Date(d) => d.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Real(r) => format!("{r:.1}"),
        }
    }
}

/// Who the export is for.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub role: Role,
    pub scope: String,
    pub lang: Lang,
    /// Write the `history` column (where the role may see it); import's own comparison of a
    /// row with its history leaves it out.
    pub history: bool,
}

/// The reference lists rows name units and leaders from.
pub struct Names<'a> {
    pub units: HashMap<i64, &'a Unit>,
    pub leaders: HashMap<i64, &'a Leader>,
}

impl<'a> Names<'a> {
    pub fn new(units: &'a [Unit], leaders: &'a [Leader]) -> Self {
        Names {
            units: units.iter().map(|u| (u.id, u)).collect(),
            leaders: leaders.iter().map(|l| (l.id, l)).collect(),
        }
    }
}

/// A case's row, in `Column::ALL` order.
pub fn row(
    detail: &CaseDetail,
    names: &Names<'_>,
    viewer: &Viewer,
    rules: &crate::domain::Rules,
) -> Vec<Cell> {
    row_of(detail, names, viewer, rules, None)
}

/// A case's row with only the cells of `only` made (the others empty), when given.
pub fn row_of(
    detail: &CaseDetail,
    names: &Names<'_>,
    viewer: &Viewer,
    rules: &crate::domain::Rules,
    only: Option<&[Column]>,
) -> Vec<Cell> {
    let case = &detail.case;
    let intake = &case.intake;
    let county = &intake.county;
    let content = may_see_content(case.is_confidential(), viewer.role, &viewer.scope, county);
    let personal = content && may_see_personal(viewer.role, &viewer.scope, county);
    let lang = viewer.lang;
    let text = |t: &str| {
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(crate::text::sanitise_lines(t))
        }
    };
    let hidden = |t: &str, masked: String| {
        if t.is_empty() {
            Cell::Empty
        } else if personal {
            Cell::Code(sanitise(t).into_owned())
        } else if content {
            Cell::Code(sanitise(&masked).into_owned())
        } else {
            Cell::Empty
        }
    };
    let date = |d: Option<NaiveDate>| d.map_or(Cell::Empty, Cell::Date);
    let code = |zh: &'static str, code: &'static str| Cell::Text(lang.pick(zh, code).to_string());
    let flag = |on: bool| {
        Cell::Text(
            lang.pick(
                if on { "是" } else { "否" },
                if on { "true" } else { "false" },
            )
            .to_string(),
        )
    };
    let history = effective_history(&detail.events);
    // Steps the milestones do not keep, from the history.
    let last = |pick: &dyn Fn(&Step) -> bool| {
        history
            .iter()
            .rev()
            .find(|e| pick(&e.step))
            .map(|e| (e.at.date(), e.step.clone()))
    };
    let reply = last(&|s| matches!(s, Step::Reply { .. }));
    let review = last(&|s| matches!(s, Step::ReplyReview { .. }));
    let finalised = last(&|s| matches!(s, Step::Finalise { .. }));
    let extended = last(&|s| matches!(s, Step::Extend { .. }));
    let handling = last(&|s| matches!(s, Step::StartHandling));
    let declined = last(&|s| matches!(s, Step::Decline { .. }));
    let diverted = last(&|s| matches!(s, Step::Divert { .. }));
    let words = |step: &Option<(NaiveDate, Step)>| -> Cell {
        if !content {
            return Cell::Empty;
        }
        match step.as_ref().map(|(_, s)| s) {
            Some(
                Step::Reply { text: t, .. }
                | Step::ReplyReview { text: t, .. }
                | Step::Finalise { text: t, .. },
            ) => text(t),
            Some(
                Step::Decline { reason }
                | Step::Divert { reason, .. }
                | Step::Extend { reason, .. },
            ) => text(reason),
            _ => Cell::Empty,
        }
    };
    let outcome = |step: &Option<(NaiveDate, Step)>| match step.as_ref().map(|(_, s)| s) {
        Some(
            Step::Reply { outcome, .. }
            | Step::ReplyReview { outcome, .. }
            | Step::Finalise { outcome, .. },
        ) => code(outcome.zh(), outcome.code()),
        _ => Cell::Empty,
    };
    let on = |step: &Option<(NaiveDate, Step)>| date(step.as_ref().map(|(d, _)| *d));
    // An evaluation of the first reply, and one of the review opinion.
    let evaluations: Vec<(NaiveDate, crate::domain::Satisfaction)> = history
        .iter()
        .filter_map(|e| match e.step {
            Step::Evaluate { rating } => Some((e.at.date(), rating)),
            _ => None,
        })
        .collect();
    let first_rating = case.satisfaction.and(evaluations.first().copied());
    let review_rating = case.review_satisfaction.and(evaluations.last().copied());
    let rating = |r: Option<(NaiveDate, crate::domain::Satisfaction)>| {
        r.map_or(Cell::Empty, |(_, s)| code(s.zh(), s.code()))
    };
    let unit_name = |id: Option<i64>| {
        id.map_or(Cell::Empty, |id| match names.units.get(&id) {
            Some(u) => text(&u.name),
            None => Cell::Number(id),
        })
    };
    let leader = case.package.as_ref().map(|p| p.leader);
    let hearing_days = case.hearing_days;
    let state = case.state;
    let mut cells = Vec::with_capacity(Column::ALL.len());
    for column in Column::ALL {
        if only.is_some_and(|only| !only.contains(column)) {
            cells.push(Cell::Empty);
            continue;
        }
        cells.push(match column {
            Column::Number => Cell::Code(sanitise(&case.number).into_owned()),
            Column::ReceivedOn => Cell::Date(intake.received_on),
            Column::Channel => code(intake.channel.zh(), intake.channel.code()),
            Column::County => text(lang.pick(
                crate::domain::region::county(county).map_or(county.as_str(), |c| c.name),
                county,
            )),
            Column::Township => Cell::Code(sanitise(&intake.township).into_owned()),
            Column::Category => intake
                .category
                .map_or(Cell::Empty, |c| code(c.zh(), c.code())),
            Column::Title if content => text(&intake.title),
            Column::Title => Cell::Text(
                lang.pick("[依第三十条不予显示]", "[restricted: Art 30]")
                    .into(),
            ),
            Column::Summary if content => text(&intake.summary),
            Column::Petitioner if content => text(&intake.petitioner.name),
            Column::IdNumber => hidden(
                &intake.petitioner.id_number,
                mask::id_number(&intake.petitioner.id_number),
            ),
            Column::Phone => hidden(
                &intake.petitioner.phone,
                mask::phone(&intake.petitioner.phone),
            ),
            Column::Address => hidden(
                &intake.petitioner.address,
                mask::address(&intake.petitioner.address),
            ),
            Column::Persons => Cell::Number(i64::from(intake.persons)),
            Column::Involved => Cell::Number(i64::from(intake.involved)),
            Column::Threat => flag(intake.threat),
            Column::Urgent => flag(intake.urgent),
            Column::Accused if content => text(&intake.accused),
            Column::AccusedUnit if content => unit_name(intake.accused_unit),
            Column::State => code(state.zh(), state.code()),
            Column::Class => case.class.map_or(Cell::Empty, |c| code(c.zh(), c.code())),
            Column::Unit => unit_name(case.unit),
            Column::Assigned => flag(case.assigned),
            Column::ForwardedOn => date(case.dates.forwarded_on),
            Column::AcceptedOn => date(case.dates.accepted_on),
            Column::HandlingOn => on(&handling),
            Column::DeclinedOn => on(&declined),
            Column::DeclineReason => words(&declined),
            Column::DivertedOn => on(&diverted),
            Column::DivertRoute => match diverted.as_ref().map(|(_, s)| s) {
                Some(Step::Divert { route, .. }) => code(route.zh(), route.code()),
                _ => Cell::Empty,
            },
            Column::DivertReason => words(&diverted),
            Column::ExtendedOn => on(&extended),
            Column::ExtensionDays if case.extension_days > 0 => {
                Cell::Number(i64::from(case.extension_days))
            }
            Column::ExtensionReason => words(&extended),
            Column::RepliedOn => on(&reply),
            Column::Outcome => outcome(&reply),
            Column::Reply => words(&reply),
            Column::DeliveredOn => date(case.dates.delivered_on),
            Column::EvaluatedOn => date(case.dates.evaluated_on),
            Column::Satisfaction => rating(first_rating),
            Column::ReviewRequestedOn => date(case.dates.review_requested_on),
            Column::ReviewRepliedOn => on(&review),
            Column::ReviewOutcome => outcome(&review),
            Column::ReviewReply => words(&review),
            Column::ReviewDeliveredOn => date(case.dates.review_delivered_on),
            Column::ReviewEvaluatedOn => date(case.dates.review_evaluated_on),
            Column::ReviewSatisfaction => rating(review_rating),
            Column::ReReviewRequestedOn => date(case.dates.re_review_requested_on),
            Column::HearingDays if hearing_days > 0 => Cell::Number(i64::from(hearing_days)),
            Column::FinalisedOn => on(&finalised),
            Column::FinalOutcome => outcome(&finalised),
            Column::FinalReply => words(&finalised),
            Column::ConcludedOn if state == crate::domain::State::Concluded => {
                date(case.dates.closed_on)
            }
            Column::Supervised => flag(case.supervised),
            Column::Backlog => flag(case.backlog),
            Column::Collective => flag(case.collective),
            Column::Leader => leader.map_or(Cell::Empty, |id| match names.leaders.get(&id) {
                Some(l) => text(&l.name),
                None => Cell::Number(id),
            }),
            Column::PackagedOn => date(case.package.as_ref().map(|p| p.packaged_on)),
            Column::RepeatOf => detail
                .repeat_number
                .as_deref()
                .map_or(Cell::Empty, |n| Cell::Code(sanitise(n).into_owned())),
            Column::Owner => case.owner.as_deref().map_or(Cell::Empty, text),
            Column::DueOn => {
                date(crate::domain::deadline::duty_clock(case, rules).map(|c| c.due_on))
            }
            Column::History if personal && viewer.history => history_cell(history.clone(), names),
            _ => Cell::Empty,
        });
    }
    cells
}

/// The steps that make the case as it is: undone steps and their undo left out, imported
/// histories expanded.
fn effective_history(events: &[crate::store::StoredEvent]) -> Vec<Event> {
    let kept: Vec<Event> = crate::store::effective(events)
        .into_iter()
        .map(|e| Event {
            at: e.at,
            actor: e.actor.clone(),
            step: e.step.clone(),
        })
        .collect();
    lifecycle::expand(&kept).into_owned()
}

/// The history as JSON, with the names of the units and leaders it refers to, every text in it
/// neutralised.
fn history_cell(steps: Vec<Event>, names: &Names<'_>) -> Cell {
    let mut history = super::prepare::History {
        steps,
        ..Default::default()
    };
    for event in &history.steps {
        match event.step {
            Step::Forward { unit, .. }
            | Step::RecordAccused {
                unit: Some(unit), ..
            } => {
                if let Some(u) = names.units.get(&unit) {
                    history.units.insert(unit.to_string(), u.name.clone());
                }
            }
            Step::PackageToLeader { leader } => {
                if let Some(l) = names.leaders.get(&leader) {
                    history.leaders.insert(leader.to_string(), l.name.clone());
                }
            }
            _ => {}
        }
    }
    // JSON escapes C0 controls itself; anything else unsafe (DEL, C1, direction marks) or an
    // escaped control means the slower pass that makes each visible.
    let text = serde_json::to_string(&history).unwrap_or_default();
    let clean = !text.contains("\\u00")
        && !text.contains("\\t")
        && !text.contains("\\r")
        && !text.contains("\\n")
        && !text.contains("\\b")
        && !text.contains("\\f")
        && matches!(sanitise(&text), std::borrow::Cow::Borrowed(_));
    if clean {
        return Cell::Text(text);
    }
    let mut value = serde_json::to_value(&history).unwrap_or_default();
    neutralise(&mut value);
    Cell::Text(value.to_string())
}

fn neutralise(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = sanitise(s) {
                *s = clean;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(neutralise),
        serde_json::Value::Object(map) => map.values_mut().for_each(neutralise),
        _ => {}
    }
}

/// Where rows go: one of the three formats.
pub trait Sink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), String>;
    fn finish(self: Box<Self>) -> Result<(), String>;
}

/// Opens `out` (or standard output for CSV and JSON Lines) for `format`, with the header.
pub fn sink(format: Format, out: Option<&Path>, lang: Lang) -> Result<Box<dyn Sink>, String> {
    let headers: Vec<&str> = Column::ALL.iter().map(|c| header(*c, lang)).collect();
    table_sink(format, out, &headers)
}

/// A sink for rows under any `headers` (a board's table).
pub fn table_sink(
    format: Format,
    out: Option<&Path>,
    headers: &[&str],
) -> Result<Box<dyn Sink>, String> {
    let writer = || -> Result<Box<dyn Write>, String> {
        Ok(match out {
            Some(path) => Box::new(std::io::BufWriter::with_capacity(
                1 << 20,
                private_file(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            )),
            None => Box::new(std::io::BufWriter::with_capacity(
                1 << 20,
                std::io::stdout(),
            )),
        })
    };
    match format {
        Format::Csv => {
            let mut out = writer()?;
            out.write_all("\u{feff}".as_bytes())
                .map_err(|e| e.to_string())?;
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(headers).map_err(|e| e.to_string())?;
            Ok(Box::new(CsvSink { csv }))
        }
        Format::Jsonl => Ok(Box::new(JsonSink {
            out: writer()?,
            keys: headers.iter().map(|h| h.to_string()).collect(),
        })),
        Format::Xlsx => {
            let Some(path) = out else {
                return Err("an Excel export needs --out FILE".into());
            };
            XlsxSink::new(path, headers).map(|s| Box::new(s) as Box<dyn Sink>)
        }
    }
}

/// A new file only its owner may read (an export holds personal data, as the database does).
pub fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// OWASP's guard against CSV formula injection: a cell that a spreadsheet would read as a
/// formula gets a leading `'` (`import` takes it off again).
pub fn defuse(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ]) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

struct CsvSink {
    csv: csv::Writer<Box<dyn Write>>,
}

impl Sink for CsvSink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), String> {
        for cell in cells {
            let text = cell.text();
            let field = match cell {
                Cell::Text(_) | Cell::Code(_) => defuse(&text),
                _ => text.as_str().into(),
            };
            self.csv
                .write_field(field.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        self.csv
            .write_record(None::<&[u8]>)
            .map_err(|e| e.to_string())
    }

    fn finish(mut self: Box<Self>) -> Result<(), String> {
        self.csv.flush().map_err(|e| e.to_string())
    }
}

struct JsonSink {
    out: Box<dyn Write>,
    keys: Vec<String>,
}

impl Sink for JsonSink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), String> {
        let mut object = serde_json::Map::with_capacity(cells.len());
        for (key, cell) in self.keys.iter().zip(cells) {
            let value = match cell {
                Cell::Empty => continue,
                Cell::Number(n) => serde_json::Value::from(*n),
                Cell::Real(r) => serde_json::Value::from((r * 10.0).round() / 10.0),
                other => serde_json::Value::String(other.text()),
            };
            object.insert(key.clone(), value);
        }
        serde_json::to_writer(&mut self.out, &object).map_err(|e| e.to_string())?;
        self.out.write_all(b"\n").map_err(|e| e.to_string())
    }

    fn finish(mut self: Box<Self>) -> Result<(), String> {
        self.out.flush().map_err(|e| e.to_string())
    }
}

/// Excel's most rows on a sheet, the header included.
const XLSX_ROWS: u32 = 1_048_576;
/// Excel's most characters in a cell.
const XLSX_CELL: usize = 32_767;

struct XlsxSink {
    workbook: rust_xlsxwriter::Workbook,
    path: std::path::PathBuf,
    row: u32,
    date: rust_xlsxwriter::Format,
    text: rust_xlsxwriter::Format,
}

impl XlsxSink {
    fn new(path: &Path, headers: &[&str]) -> Result<XlsxSink, String> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(|e| e.to_string())?;
        sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
        for (col, name) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *name, &bold)
                .map_err(|e| e.to_string())?;
        }
        Ok(XlsxSink {
            workbook,
            path: path.to_path_buf(),
            row: 1,
            date: rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd"),
            text: rust_xlsxwriter::Format::new().set_num_format("@"),
        })
    }
}

impl Sink for XlsxSink {
    fn row(&mut self, cells: &[Cell]) -> Result<(), String> {
        if self.row >= XLSX_ROWS {
            return Err(format!(
                "an Excel sheet holds at most {} cases; export as csv or jsonl",
                XLSX_ROWS - 1
            ));
        }
        let row = self.row;
        let sheet = self
            .workbook
            .worksheet_from_index(0)
            .map_err(|e| e.to_string())?;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            let written = match cell {
                Cell::Empty => continue,
                Cell::Text(t) | Cell::Code(t) if t.chars().count() > XLSX_CELL => {
                    return Err(format!(
                        "a cell of row {row} is longer than Excel allows ({XLSX_CELL} characters); export as csv or jsonl"
                    ));
                }
                Cell::Text(t) => sheet.write_string(row, col, t).map(|_| ()),
                Cell::Code(t) => sheet
                    .write_string_with_format(row, col, t, &self.text)
                    .map(|_| ()),
                Cell::Number(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
                Cell::Real(r) => sheet.write_number(row, col, *r).map(|_| ()),
                Cell::Date(d) => {
                    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(
                        d.year() as u16,
                        d.month() as u8,
                        d.day() as u8,
                    )
                    .map_err(|e| e.to_string())?;
                    sheet
                        .write_datetime_with_format(row, col, &day, &self.date)
                        .map(|_| ())
                }
            };
            written.map_err(|e| e.to_string())?;
        }
        self.row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), String> {
        let file = private_file(&self.path)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        self.workbook
            .save_to_writer(std::io::BufWriter::new(file))
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// The cases an export writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// These cases, in this order (marks, search results).
    Ids(Vec<crate::domain::CaseId>),
    /// A queue, in its order, within the scope.
    Queue {
        filter: crate::store::Filter,
        sort: crate::store::Sort,
        scope: crate::store::Scope,
    },
}

/// Cases read per batch.
const BATCH: usize = 2000;

/// Writes the cases of `source` into `sink` as `viewer` may see them; returns how many.
pub fn write(
    store: &dyn crate::store::Store,
    source: &Source,
    mut sink: Box<dyn Sink>,
    viewer: &Viewer,
    rules: &crate::domain::Rules,
) -> Result<u64, String> {
    let units = store.units().map_err(|e| e.to_string())?;
    let leaders = store.leaders().map_err(|e| e.to_string())?;
    let names = Names::new(&units, &leaders);
    // The store is read on one thread while rows are made and written on this one.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<CaseDetail>>(4);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_all(store, source, &sender));
        let mut written = 0u64;
        let mut failed = None;
        for batch in receiver {
            for detail in &batch {
                if let Err(e) = sink.row(&row(detail, &names, viewer, rules)) {
                    failed = Some(e);
                    break;
                }
                written += 1;
            }
            if failed.is_some() {
                break;
            }
        }
        // Dropping the receiver (on a failure) stops the reader at its next batch.
        let read = reader
            .join()
            .unwrap_or_else(|_| Err("the export's reader stopped unexpectedly".into()));
        if let Some(e) = failed {
            return Err(e);
        }
        read?;
        sink.finish()?;
        Ok(written)
    })
}

/// Reads the cases of `source` in batches for `write`.
fn read_all(
    store: &dyn crate::store::Store,
    source: &Source,
    sender: &std::sync::mpsc::SyncSender<Vec<CaseDetail>>,
) -> Result<(), String> {
    let put = |ids: &[crate::domain::CaseId]| -> Result<bool, String> {
        let batch = store.details(ids).map_err(|e| e.to_string())?;
        Ok(sender.send(batch).is_ok())
    };
    match source {
        Source::Ids(ids) => {
            for chunk in ids.chunks(BATCH) {
                if !put(chunk)? {
                    break;
                }
            }
        }
        Source::Queue {
            filter,
            sort,
            scope,
        } => {
            let mut cursor = None;
            loop {
                let page = store
                    .page(filter, *sort, scope, cursor.as_ref(), BATCH)
                    .map_err(|e| e.to_string())?;
                let ids: Vec<crate::domain::CaseId> = page.rows.iter().map(|r| r.id).collect();
                if !put(&ids)? {
                    break;
                }
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
        }
    }
    Ok(())
}
