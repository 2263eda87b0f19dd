//! `xinfang import`: every row of every file read, checked and played through the rules, and
//! written in one transaction that is kept only when no row had a problem (and it is not a dry
//! run). Rows are read and prepared on one thread while the store writes on another, so neither
//! waits for the other and memory stays flat.

use super::prepare::{self, Context, Prepared};
use super::{Encoding, Format, Problem, read};
use crate::domain::{CaseId, Event, Rules, State, Step, lifecycle};
use crate::store::{Store, StoreError};
use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What to do with a case whose number is already in the database or earlier in the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDuplicate {
    Skip,
    Fail,
}

/// An import's files and choices.
#[derive(Debug, Clone)]
pub struct Options {
    pub files: Vec<PathBuf>,
    /// The format of every file; `None`: from each file's extension.
    pub format: Option<Format>,
    pub encoding: Encoding,
    pub sheet: Option<String>,
    pub dry_run: bool,
    pub on_duplicate: OnDuplicate,
    /// Add units and leaders the files name but the database lacks.
    pub add_missing: bool,
    /// Pass over columns of the files' own instead of refusing them.
    pub ignore_unknown: bool,
    /// Problems reported in full; the rest are counted.
    pub max_problems: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Rows read (header rows not counted).
    pub rows: u64,
    /// Cases written (0 unless `written`).
    pub imported: u64,
    /// Cases whose numbers were already there, skipped.
    pub skipped: u64,
    /// Problems as `FILE:LINE: column: what`, at most `max_problems`.
    pub problems: Vec<String>,
    /// Problems beyond those listed.
    pub more_problems: u64,
    /// Whether the cases were kept.
    pub written: bool,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn rate(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn problem(&mut self, file: &str, problem: &Problem, max: usize) {
        if self.problems.len() < max {
            self.problems.push(problem.shown(file));
        } else {
            self.more_problems += 1;
        }
    }

    pub fn failed(&self) -> bool {
        !self.problems.is_empty() || self.more_problems > 0
    }
}

/// One row on its way from the reader to the store.
enum Item {
    Case {
        file: usize,
        line: u64,
        prepared: Box<Prepared>,
    },
    Problem {
        file: usize,
        problem: Problem,
        /// The first problem of a row (the row is counted once).
        row: bool,
    },
    /// A unit or leader named by the next case and added for it (`--add-units`).
    Unit(crate::store::Unit),
    Leader(crate::store::Leader),
    /// Every file was read: without it the writer keeps nothing.
    End,
    /// A file read to its end with this many rows.
    Done {
        file: usize,
        rows: u64,
    },
}

/// Imports `options.files` as `actor`; `progress` is told the rows handled so far.
pub fn run(
    store: &dyn Store,
    actor: &str,
    now: NaiveDateTime,
    rules: &Rules,
    options: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Outcome, StoreError> {
    let started = Instant::now();
    let units = store.units()?;
    let leaders = store.leaders()?;
    let names: Vec<String> = options
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let mut outcome = Outcome::default();
    let result = std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<Vec<Item>>(16);
        let cx = Context::new(rules, now, (units, leaders), actor, options.add_missing);
        let reader = scope.spawn(move || produce(options, cx, sender));
        let written = store.import(actor, now, &mut |importer| {
            let mut writer = Writer {
                seen: HashMap::new(),
                known: HashMap::new(),
                later: Vec::new(),
                names: &names,
                options,
                outcome: &mut outcome,
                handled: 0,
            };
            let mut ended = false;
            for batch in receiver.iter() {
                let numbers: Vec<&str> = batch
                    .iter()
                    .filter_map(|item| match item {
                        Item::Case { prepared, .. } => Some(prepared),
                        _ => None,
                    })
                    .flat_map(|p| [p.number.as_deref(), p.repeat_of.as_deref()])
                    .flatten()
                    .collect();
                writer.known = importer.find_many(&numbers)?;
                for item in batch {
                    if matches!(item, Item::End) {
                        ended = true;
                    }
                    writer.take(importer, item)?;
                }
                progress(writer.handled);
            }
            if !ended {
                // The reader stopped before the end of the files: keep nothing.
                return Err(StoreError::Invalid(
                    "the file reader stopped unexpectedly; nothing was written".into(),
                ));
            }
            writer.link_later(importer)?;
            importer.finish()?;
            Ok(!writer.outcome.failed() && !options.dry_run)
        });
        // A store that failed (a refusal, a busy file) leaves the reader blocked on a full
        // channel unless the channel is closed first.
        drop(receiver);
        if reader.join().is_err() {
            return Err(StoreError::Invalid(
                "the file reader stopped unexpectedly".into(),
            ));
        }
        written
    });
    match result {
        Ok(imported) => {
            outcome.imported = imported;
            outcome.written = true;
        }
        Err(StoreError::RolledBack) => outcome.written = false,
        Err(e) => return Err(e),
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// Reads and prepares every row of every file, in order, sending them in batches.
fn produce(options: &Options, mut cx: Context<'_>, sender: mpsc::SyncSender<Vec<Item>>) {
    const BATCH: usize = 1024;
    let mut batch = Vec::with_capacity(BATCH);
    for (file, path) in options.files.iter().enumerate() {
        let format = options.format.or_else(|| read::format_of(path));
        let Some(format) = format else {
            batch.push(Item::Problem {
                file,
                problem: Problem::file(
                    "has no .csv, .jsonl or .xlsx extension; give --format".into(),
                ),
                row: false,
            });
            continue;
        };
        let mut rows = 0u64;
        let mut stopped = false;
        let read = read::each(
            path,
            format,
            options.encoding,
            options.sheet.as_deref(),
            options.ignore_unknown,
            &mut |row| {
                rows += 1;
                match row {
                    Ok(record) => match prepare::prepare(&record, &mut cx) {
                        Ok(prepared) => {
                            batch.extend(cx.added_units.drain(..).map(Item::Unit));
                            batch.extend(cx.added_leaders.drain(..).map(Item::Leader));
                            batch.push(Item::Case {
                                file,
                                line: record.line,
                                prepared: Box::new(prepared),
                            })
                        }
                        Err(problems) => {
                            for (i, problem) in problems.into_iter().enumerate() {
                                let row = i == 0;
                                batch.push(Item::Problem { file, problem, row });
                            }
                        }
                    },
                    Err(problem) => batch.push(Item::Problem {
                        file,
                        problem,
                        row: true,
                    }),
                }
                flush(&mut batch, &sender, &mut stopped)
            },
        );
        if stopped {
            return;
        }
        match read {
            // A file that could not be read (its header, its encoding) has said why.
            Err(problem) => batch.push(Item::Problem {
                file,
                problem,
                row: false,
            }),
            Ok(()) => batch.push(Item::Done { file, rows }),
        }
    }
    batch.push(Item::End);
    let _ = sender.send(batch);
}

fn flush(batch: &mut Vec<Item>, sender: &mpsc::SyncSender<Vec<Item>>, stopped: &mut bool) -> bool {
    if batch.len() >= 1024 && sender.send(std::mem::take(batch)).is_err() {
        *stopped = true;
        return false;
    }
    true
}

/// The writing side: numbers seen, repeat links to make, problems found.
struct Writer<'a> {
    /// Case numbers written so far (or, once a problem is found, checked), with their ids.
    seen: HashMap<String, (CaseId, State, usize, u64)>,
    /// Numbers of the current batch that the database holds (one query per batch, not one
    /// round trip per row).
    known: HashMap<String, (CaseId, State)>,
    /// Repeat links to cases further down the files: (case, its file and line, the number).
    later: Vec<(CaseId, usize, u64, String)>,
    names: &'a [String],
    options: &'a Options,
    outcome: &'a mut Outcome,
    handled: u64,
}

impl Writer<'_> {
    fn problem(&mut self, file: usize, problem: Problem) {
        let max = self.options.max_problems;
        self.outcome.problem(&self.names[file], &problem, max);
    }

    fn take(
        &mut self,
        importer: &mut crate::store::sql::import::Importer<'_>,
        item: Item,
    ) -> Result<(), StoreError> {
        match item {
            Item::Problem { file, problem, row } => {
                if row {
                    self.handled += 1;
                    self.outcome.rows += 1;
                }
                self.problem(file, problem);
            }
            Item::End => {}
            Item::Unit(unit) => importer.add_unit(&unit)?,
            Item::Leader(leader) => importer.add_leader(&leader)?,
            Item::Done { file, rows } => {
                if rows == 0 {
                    self.problem(file, Problem::file("has no cases".into()));
                }
            }
            Item::Case {
                file,
                line,
                prepared,
            } => {
                self.handled += 1;
                self.outcome.rows += 1;
                self.case(importer, file, line, *prepared)?;
            }
        }
        Ok(())
    }

    fn case(
        &mut self,
        importer: &mut crate::store::sql::import::Importer<'_>,
        file: usize,
        line: u64,
        prepared: Prepared,
    ) -> Result<(), StoreError> {
        let Prepared {
            number,
            mut case,
            mut history,
            repeat_of,
        } = prepared;
        let at = |column, what: String| Problem {
            line: Some(line),
            column: Some(column),
            what,
            fatal: false,
        };
        let number = match number {
            Some(number) => {
                let earlier = self.seen.get(&number).map(|(_, _, f, l)| (*f, *l));
                let duplicate = match earlier {
                    Some((f, l)) => Some(if f == file {
                        format!("{number} is also on line {l}")
                    } else {
                        format!("{number} is also in {}:{l}", self.names[f])
                    }),
                    None => self
                        .known
                        .get(&number)
                        .map(|_| format!("{number} is already in the database")),
                };
                if let Some(duplicate) = duplicate {
                    // Skipping is for cases already in the database; two rows of the files with
                    // one number are a mistake in the files.
                    match self.options.on_duplicate {
                        OnDuplicate::Skip if earlier.is_none() => {
                            self.outcome.skipped += 1;
                            // A second row with this number is a mistake in the files.
                            if let Some((id, state)) = self.known.get(&number).copied() {
                                self.seen.insert(number, (id, state, file, line));
                            }
                        }
                        OnDuplicate::Skip => {
                            self.problem(file, at(super::Column::Number, duplicate))
                        }
                        OnDuplicate::Fail => self.problem(
                            file,
                            at(
                                super::Column::Number,
                                format!("{duplicate} (--on-duplicate skip passes over it)"),
                            ),
                        ),
                    }
                    return Ok(());
                }
                number
            }
            None => {
                use chrono::Datelike;
                // Never a number given elsewhere in the files or already in the database.
                loop {
                    let number = importer.new_number(case.intake.received_on.year())?;
                    if !self.seen.contains_key(&number) && importer.find(&number)?.is_none() {
                        break number;
                    }
                }
            }
        };
        let mut linked_later = None;
        if let Some(of) = repeat_of {
            let found = match self.seen.get(&of) {
                Some((id, state, _, _)) => Some((*id, *state)),
                None => self.known.get(&of).copied(),
            };
            match found {
                Some((of_id, of_state)) => {
                    let step = Step::LinkRepeat {
                        of: of_id,
                        of_final: of_state == State::Final,
                    };
                    let when = history.last().map(|e| e.at).unwrap_or_default();
                    if let Err(error) =
                        lifecycle::apply(&mut case, &step, when, importer.db().rules())
                    {
                        self.problem(file, at(super::Column::RepeatOf, error.to_string()));
                        return Ok(());
                    }
                    history.push(Event {
                        at: when,
                        actor: history.last().map(|e| e.actor.clone()).unwrap_or_default(),
                        step,
                    });
                }
                None => linked_later = Some(of),
            }
        }
        if self.outcome.failed() {
            // Nothing will be kept: go on checking, without writing.
            let id = importer.next_id() + self.seen.len() as i64;
            self.seen.insert(number, (id, case.state, file, line));
            return Ok(());
        }
        case.number = number.clone();
        let state = case.state;
        let source = format!("{}:{line}", self.names[file]);
        let id = importer.add(case, history, source)?;
        self.seen.insert(number, (id, state, file, line));
        if let Some(of) = linked_later {
            self.later.push((id, file, line, of));
        }
        Ok(())
    }

    /// Links the repeats of cases that came later in the files; a number found nowhere is a
    /// problem of the row that named it.
    fn link_later(
        &mut self,
        importer: &mut crate::store::sql::import::Importer<'_>,
    ) -> Result<(), StoreError> {
        for (id, file, line, of) in std::mem::take(&mut self.later) {
            match self.seen.get(&of).map(|(of_id, _, _, _)| *of_id) {
                Some(of_id) if !self.outcome.failed() => match importer.link(id, of_id) {
                    Ok(()) => {}
                    Err(StoreError::Rule { error, .. }) => self.problem(
                        file,
                        Problem {
                            line: Some(line),
                            column: Some(super::Column::RepeatOf),
                            what: error.to_string(),
                            fatal: false,
                        },
                    ),
                    Err(e) => return Err(e),
                },
                Some(_) => {}
                None => self.problem(
                    file,
                    Problem {
                        line: Some(line),
                        column: Some(super::Column::RepeatOf),
                        what: format!("no case {of} in the files or the database"),
                        fatal: false,
                    },
                ),
            }
        }
        Ok(())
    }
}
