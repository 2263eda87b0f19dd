//! `xinfang kpi`: every indicator of domain.md §8 for a period and region, with its numerator
//! and denominator and the period before (as of the same lag), as TSV or JSON — the same store
//! calls, and so the same numbers, as the boards.
//!
//! JSON keys are stable snake_case names (documented in the README).

use super::Context;
use anyhow::Result;
use chrono::{Datelike, Days, NaiveDate};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;
use xinfang::domain::board::Span;
use xinfang::domain::kpi::{Kpis, Period};
use xinfang::store::{OpenMode, Scope};
use xinfang::text::sanitise;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Tsv,
    Json,
}

#[derive(Debug, Args)]
pub struct KpiArgs {
    /// today, week (Monday to today), month, year, a month YYYY-MM, or FROM..TO (YYYY-MM-DD)
    #[arg(long, default_value = "month", value_parser = parse_period)]
    pub period: PeriodArg,
    /// Only this region (admin-code prefix: 64, 6401, 640106)
    #[arg(long, default_value = "64", value_parser = super::cases::parse_region)]
    pub region: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Tsv)]
    pub format: Format,
}

/// A period as given on the command line; resolved against "today".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodArg {
    Span(Span),
    Month(i32, u32),
    Range(NaiveDate, NaiveDate),
}

fn parse_period(text: &str) -> Result<PeriodArg, String> {
    if let Some(span) = Span::from_code(text) {
        return Ok(PeriodArg::Span(span));
    }
    if let Some((from, to)) = text.split_once("..") {
        let day = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| format!("`{s}` is not a date (YYYY-MM-DD)"))
        };
        let (from, to) = (day(from)?, day(to)?);
        if from > to {
            return Err(format!("{from} is after {to}"));
        }
        return Ok(PeriodArg::Range(from, to));
    }
    if let Some((y, m)) = text.split_once('-')
        && let (Ok(year), Ok(month)) = (y.parse::<i32>(), m.parse::<u32>())
        && y.len() == 4
        && NaiveDate::from_ymd_opt(year, month, 1).is_some()
    {
        return Ok(PeriodArg::Month(year, month));
    }
    Err(format!(
        "`{}` is not a period: use today, week, month, year, YYYY-MM or FROM..TO",
        sanitise(text)
    ))
}

/// The period and the period before it, each with the day it is seen on.
pub fn resolve(arg: &PeriodArg, today: NaiveDate) -> ((Period, NaiveDate), (Period, NaiveDate)) {
    let seen = |p: Period| (p, p.to.min(today));
    match arg {
        PeriodArg::Span(span) => {
            let (current, previous) = span.periods(today);
            (seen(current), seen(previous))
        }
        PeriodArg::Month(year, month) => {
            let first = NaiveDate::from_ymd_opt(*year, *month, 1).unwrap_or(today);
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(first);
            let last = next.checked_sub_days(Days::new(1)).unwrap_or(first);
            if first <= today && today <= last {
                let (current, previous) = Span::Month.periods(today);
                return (seen(current), seen(previous));
            }
            let previous_last = first.checked_sub_days(Days::new(1)).unwrap_or(first);
            let previous_first = previous_last.with_day(1).unwrap_or(first);
            (
                seen(Period {
                    from: first,
                    to: last,
                }),
                seen(Period {
                    from: previous_first,
                    to: previous_last,
                }),
            )
        }
        PeriodArg::Range(from, to) => {
            // The stretch of the same length just before, seen as of the same lag (at the edge of
            // the calendar, the days that exist).
            let length = (*to - *from).num_days().max(0) as u64 + 1;
            let shown_to = (*to).min(today);
            let previous_from = from.checked_sub_days(Days::new(length)).unwrap_or(*from);
            let lag = (shown_to - *from).num_days().max(0) as u64;
            let previous_to = from.checked_sub_days(Days::new(1)).unwrap_or(*from);
            let previous = Period {
                from: previous_from,
                to: previous_to,
            };
            let previous_as_of = previous_from
                .checked_add_days(Days::new(lag))
                .unwrap_or(previous_to)
                .min(previous_to);
            (
                seen(Period {
                    from: *from,
                    to: *to,
                }),
                (previous, previous_as_of),
            )
        }
    }
}

/// One indicator as printed.
#[derive(Debug, Serialize)]
struct Indicator {
    /// Numerator (or the count itself).
    num: u64,
    /// Denominator; absent for counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    den: Option<u64>,
    /// The rate in 0..=1, the mean, or the count; absent when there is nothing to measure.
    value: Option<f64>,
    previous: Option<f64>,
    #[serde(skip)]
    unit: &'static str,
    #[serde(skip)]
    zh: &'static str,
}

/// Every indicator, in domain.md §8's order, keyed by its stable name (the reports' list).
fn indicators(now: &Kpis, before: &Kpis) -> Vec<(&'static str, Indicator)> {
    xinfang::report::indicators::ALL
        .iter()
        .map(|i| {
            let m = (i.pick)(now);
            (
                i.key,
                Indicator {
                    num: m.num,
                    den: m.den,
                    value: m.value,
                    previous: (i.pick)(before).value,
                    unit: i.unit.label(),
                    zh: i.zh,
                },
            )
        })
        .collect()
}

#[derive(Serialize)]
struct Report {
    region: String,
    period: xinfang::report::Span,
    previous: xinfang::report::Span,
    indicators: serde_json::Map<String, serde_json::Value>,
}

pub fn run(context: &Context, args: &KpiArgs) -> Result<ExitCode> {
    let today = context.now.date();
    let ((current, current_as_of), (previous, previous_as_of)) = resolve(&args.period, today);
    let store = context.open(OpenMode::ReadOnly)?;
    let scope = Scope {
        region: args.region.clone(),
        user: String::new(),
        today,
    };
    let now = store.kpis(current, &scope, current_as_of)?;
    let before = store.kpis(previous, &scope, previous_as_of)?;
    let rows = indicators(&now, &before);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            let mut map = serde_json::Map::new();
            for (key, indicator) in &rows {
                map.insert((*key).to_string(), serde_json::to_value(indicator)?);
            }
            let report = Report {
                region: args.region.clone(),
                period: xinfang::report::Span {
                    from: current.from,
                    to: current.to,
                    as_of: current_as_of,
                },
                previous: xinfang::report::Span {
                    from: previous.from,
                    to: previous.to,
                    as_of: previous_as_of,
                },
                indicators: map,
            };
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Tsv => {
            writeln!(
                out,
                "# {}..{} as of {current_as_of}, against {}..{} as of {previous_as_of}, region {}",
                current.from, current.to, previous.from, previous.to, args.region
            )?;
            writeln!(out, "indicator\tname\tnum\tden\tvalue\tunit\tprevious")?;
            let shown = |v: Option<f64>, unit: &str| match (v, unit) {
                (None, _) => "—".to_string(),
                (Some(v), "%") => format!("{:.1}", v * 100.0),
                (Some(v), "days") => format!("{v:.1}"),
                (Some(v), _) => format!("{v:.0}"),
            };
            for (key, i) in &rows {
                writeln!(
                    out,
                    "{key}\t{}\t{}\t{}\t{}\t{}\t{}",
                    i.zh,
                    i.num,
                    i.den.map_or("—".to_string(), |d| d.to_string()),
                    shown(i.value, i.unit),
                    i.unit,
                    shown(i.previous, i.unit)
                )?;
            }
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn periods_parse_and_resolve_with_the_same_lag() {
        assert_eq!(parse_period("year"), Ok(PeriodArg::Span(Span::Year)));
        assert_eq!(parse_period("2026-10"), Ok(PeriodArg::Month(2026, 10)));
        assert!(parse_period("2026-13").is_err());
        assert!(parse_period("2026-11-30..2026-11-01").is_err());
        assert!(parse_period("soon").is_err());
        // The edge of the calendar is no panic.
        let edge = parse_period("-262143-01-01..-262143-01-02").expect("range");
        let _ = resolve(&edge, d("2026-11-24"));
        let today = d("2026-11-24");
        // A past month: whole, against the whole month before.
        let ((p, seen), (q, before)) = resolve(&PeriodArg::Month(2026, 10), today);
        assert_eq!(
            (p.from, p.to, seen),
            (d("2026-10-01"), d("2026-10-31"), d("2026-10-31"))
        );
        assert_eq!(
            (q.from, q.to, before),
            (d("2026-09-01"), d("2026-09-30"), d("2026-09-30"))
        );
        // The running month: to today, against last month to the same day.
        let ((p, seen), (q, before)) = resolve(&PeriodArg::Month(2026, 11), today);
        assert_eq!((p.from, seen), (d("2026-11-01"), today));
        assert_eq!(
            (q.from, q.to, before),
            (d("2026-10-01"), d("2026-10-24"), d("2026-10-24"))
        );
        // A range that runs past today: the stretch before is seen as of the same lag.
        let range = parse_period("2026-11-20..2026-11-29").expect("range");
        let ((p, seen), (q, before)) = resolve(&range, today);
        assert_eq!((p.to, seen), (d("2026-11-29"), today));
        assert_eq!(
            (q.from, q.to, before),
            (d("2026-11-10"), d("2026-11-19"), d("2026-11-14"))
        );
    }
}
