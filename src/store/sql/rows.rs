//! Mapping between domain values and stored rows (either backend): the cases table's columns in one order, read
//! and written by the same list, and text codes parsed back into enums with clear errors.

use super::Row;
use crate::domain::case::DutyRecord;
use crate::domain::deadline;
use crate::domain::{Case, Intake, Milestones, Package, Petitioner, Rules, State};
use crate::store::queue::CaseRow;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::types::Value;

/// Columns of `cases` in the order `case_values` writes and `read_case` reads them.
pub const CASE_COLUMNS: &[&str] = &[
    "id",
    "number",
    "title",
    "summary",
    "channel",
    "category",
    "county",
    "township",
    "pet_name",
    "pet_id_number",
    "pet_phone",
    "pet_address",
    "persons",
    "involved",
    "threat",
    "urgent",
    "received_on",
    "state",
    "class",
    "unit_id",
    "assigned",
    "registered_on",
    "forwarded_on",
    "accepted_on",
    "replied_on",
    "evaluated_on",
    "review_requested_on",
    "review_replied_on",
    "re_review_requested_on",
    "closed_on",
    "extension_days",
    "hearing_days",
    "outcome",
    "satisfaction",
    "route",
    "supervised",
    "backlog",
    "collective",
    "repeat_of",
    "agreement_on",
    "owner",
    "leader_id",
    "packaged_on",
    "due_on",
    "handling_due_on",
    "version",
    "updated_at",
    "updated_by",
    "accused",
    "accused_unit_id",
    "disposed_on",
    "answered_on",
    "objection_on",
    "objection_rejected",
    "delivered_on",
    "review_delivered_on",
    "review_evaluated_on",
    "review_satisfaction",
    "review_body",
    "repeat_of_final",
    "backlog_from",
];

/// Columns of a queue row, in the order `read_row` reads them.
pub const ROW_COLUMNS: &str = "id, number, received_on, channel, county, category, class, title, \
    state, due_on, supervised, backlog, collective, repeat_of IS NOT NULL, leader_id IS NOT NULL, \
    threat, urgent, owner, version, route, \
    CASE WHEN accused <> '' OR accused_unit_id IS NOT NULL THEN 1 ELSE 0 END";

/// Date format of every `*_on` column.
pub const DATE: &str = "%Y-%m-%d";
/// Timestamp format of `at` and `updated_at` (China local time).
pub const TIMESTAMP: &str = "%Y-%m-%d %H:%M:%S";

/// A date as stored (`DATE`; written directly, as this runs millions of times in a bulk load).
pub fn date(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// A stored date (`DATE`), read directly: boards read tens of thousands per query, and chrono's
/// general parser is several times slower. `None` for anything that is not `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)
}

/// A stored timestamp (`YYYY-MM-DD HH:MM:SS`), read without a format parser: the replay of a
/// million cases reads millions of them.
pub fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() != 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let time = chrono::NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)?;
    Some(parse_date(text.get(..10)?)?.and_time(time))
}

/// A timestamp as stored (`TIMESTAMP`).
pub fn timestamp(at: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn opt_date(day: Option<NaiveDate>) -> Value {
    day.map_or(Value::Null, |d| Value::Text(date(d)))
}

fn opt_code(code: Option<&'static str>) -> Value {
    code.map_or(Value::Null, |c| Value::Text(c.to_string()))
}

fn flag(on: bool) -> Value {
    Value::Integer(i64::from(on))
}

/// The values of every `CASE_COLUMNS` column for `case`, with derived deadline columns computed
/// under `rules`.
pub fn case_values(
    case: &Case,
    rules: &Rules,
    updated_at: NaiveDateTime,
    updated_by: &str,
) -> Vec<Value> {
    let i = &case.intake;
    let d = &case.dates;
    let text = |s: &str| Value::Text(s.to_string());
    vec![
        Value::Integer(case.id),
        text(&case.number),
        text(&i.title),
        text(&i.summary),
        text(i.channel.code()),
        opt_code(i.category.map(|c| c.code())),
        text(&i.county),
        text(&i.township),
        text(&i.petitioner.name),
        text(&i.petitioner.id_number),
        text(&i.petitioner.phone),
        text(&i.petitioner.address),
        Value::Integer(i64::from(i.persons)),
        Value::Integer(i64::from(i.involved)),
        flag(i.threat),
        flag(i.urgent),
        Value::Text(date(i.received_on)),
        text(case.state.code()),
        opt_code(case.class.map(|c| c.code())),
        case.unit.map_or(Value::Null, Value::Integer),
        flag(case.assigned),
        opt_date(d.registered_on),
        opt_date(d.forwarded_on),
        opt_date(d.accepted_on),
        opt_date(d.replied_on),
        opt_date(d.evaluated_on),
        opt_date(d.review_requested_on),
        opt_date(d.review_replied_on),
        opt_date(d.re_review_requested_on),
        opt_date(d.closed_on),
        Value::Integer(i64::from(case.extension_days)),
        Value::Integer(i64::from(case.hearing_days)),
        opt_code(case.outcome.map(|c| c.code())),
        opt_code(case.satisfaction.map(|c| c.code())),
        opt_code(case.route.map(|c| c.code())),
        flag(case.supervised),
        flag(case.backlog),
        flag(case.collective),
        case.repeat_of.map_or(Value::Null, Value::Integer),
        opt_date(case.agreement_on),
        case.owner.as_ref().map_or(Value::Null, |o| text(o)),
        case.package
            .as_ref()
            .map_or(Value::Null, |p| Value::Integer(p.leader)),
        opt_date(case.package.as_ref().map(|p| p.packaged_on)),
        opt_date(deadline::duty_clock(case, rules).map(|c| c.due_on)),
        opt_date(deadline::handling_due(case, rules)),
        Value::Integer(case.version),
        Value::Text(timestamp(updated_at)),
        text(updated_by),
        text(&i.accused),
        i.accused_unit.map_or(Value::Null, Value::Integer),
        opt_date(d.disposed_on),
        opt_date(d.answered_on),
        opt_date(d.objection_on),
        flag(case.objection_rejected),
        opt_date(d.delivered_on),
        opt_date(d.review_delivered_on),
        opt_date(d.review_evaluated_on),
        opt_code(case.review_satisfaction.map(|c| c.code())),
        case.review_body.as_ref().map_or(Value::Null, |b| text(b)),
        flag(case.repeat_of_final),
        opt_date(crate::domain::kpi::backlog_from(case, rules)),
    ]
}

/// A column value that does not parse: the table, column and value, for the error message.
#[derive(Debug)]
pub struct BadValue(pub String);

/// Reads row columns in order, parsing codes and dates.
pub struct Reader<'a, 'b> {
    row: &'a Row<'b>,
    next: usize,
}

impl<'a, 'b> Reader<'a, 'b> {
    pub fn new(row: &'a Row<'b>) -> Self {
        Reader { row, next: 0 }
    }

    fn name(&self) -> String {
        self.row
            .name(self.next)
            .unwrap_or_else(|| format!("column {}", self.next))
    }

    fn raw<T: rusqlite::types::FromSql>(&mut self) -> Result<T, BadValue> {
        let at = self.next;
        let value = self
            .row
            .get::<T>(at)
            .map_err(|e| BadValue(format!("{}: {e}", self.name())));
        self.next += 1;
        value
    }

    pub fn int(&mut self) -> Result<i64, BadValue> {
        self.raw()
    }

    pub fn count(&mut self) -> Result<u32, BadValue> {
        let v: i64 = self.raw()?;
        u32::try_from(v).map_err(|_| BadValue(format!("{}: {v} out of range", self.name())))
    }

    pub fn flag(&mut self) -> Result<bool, BadValue> {
        Ok(self.int()? != 0)
    }

    pub fn opt_int(&mut self) -> Result<Option<i64>, BadValue> {
        self.raw()
    }

    pub fn text(&mut self) -> Result<String, BadValue> {
        self.raw()
    }

    pub fn opt_text(&mut self) -> Result<Option<String>, BadValue> {
        self.raw()
    }

    pub fn opt_date(&mut self) -> Result<Option<NaiveDate>, BadValue> {
        let name_at = self.next;
        match self.opt_text()? {
            None => Ok(None),
            Some(s) => parse_date(&s)
                .or_else(|| NaiveDate::parse_from_str(&s, DATE).ok())
                .map(Some)
                .ok_or_else(|| {
                    let name = self.row.name(name_at).unwrap_or_else(|| "?".into());
                    BadValue(format!("{name}: `{s}` is not a date"))
                }),
        }
    }

    pub fn date(&mut self) -> Result<NaiveDate, BadValue> {
        let name = self.name();
        self.opt_date()?
            .ok_or_else(|| BadValue(format!("{name}: missing date")))
    }

    pub fn code<T>(&mut self, parse: fn(&str) -> Option<T>) -> Result<T, BadValue> {
        let name = self.name();
        let s = self.text()?;
        parse(&s).ok_or_else(|| BadValue(format!("{name}: unknown code `{s}`")))
    }

    pub fn opt_code<T>(&mut self, parse: fn(&str) -> Option<T>) -> Result<Option<T>, BadValue> {
        let name = self.name();
        match self.opt_text()? {
            None => Ok(None),
            Some(s) => parse(&s)
                .map(Some)
                .ok_or_else(|| BadValue(format!("{name}: unknown code `{s}`"))),
        }
    }
}

/// Reads a case from a row of `SELECT <CASE_COLUMNS>`; the five duties are added by the caller.
pub fn read_case(row: &Row<'_>) -> Result<Case, BadValue> {
    use crate::domain::{Category, Channel, Class, DivertRoute, Outcome, Satisfaction};
    let mut r = Reader::new(row);
    let id = r.int()?;
    let number = r.text()?;
    let intake = Intake {
        title: r.text()?,
        summary: r.text()?,
        channel: r.code(Channel::from_code)?,
        category: r.opt_code(Category::from_code)?,
        county: r.text()?,
        township: r.text()?,
        petitioner: Petitioner {
            name: r.text()?,
            id_number: r.text()?,
            phone: r.text()?,
            address: r.text()?,
        },
        persons: r.count()?,
        involved: r.count()?,
        threat: r.flag()?,
        urgent: r.flag()?,
        received_on: r.date()?,
        accused: String::new(),
        accused_unit: None,
    };
    let state = r.code(State::from_code)?;
    let class = r.opt_code(Class::from_code)?;
    let unit = r.opt_int()?;
    let assigned = r.flag()?;
    let dates = Milestones {
        registered_on: r.opt_date()?,
        forwarded_on: r.opt_date()?,
        accepted_on: r.opt_date()?,
        replied_on: r.opt_date()?,
        evaluated_on: r.opt_date()?,
        review_requested_on: r.opt_date()?,
        review_replied_on: r.opt_date()?,
        re_review_requested_on: r.opt_date()?,
        closed_on: r.opt_date()?,
        ..Milestones::default()
    };
    let extension_days = r.count()?;
    let hearing_days = r.count()?;
    let outcome = r.opt_code(Outcome::from_code)?;
    let satisfaction = r.opt_code(Satisfaction::from_code)?;
    let route = r.opt_code(DivertRoute::from_code)?;
    let supervised = r.flag()?;
    let backlog = r.flag()?;
    let collective = r.flag()?;
    let repeat_of = r.opt_int()?;
    let agreement_on = r.opt_date()?;
    let owner = r.opt_text()?;
    let leader = r.opt_int()?;
    let packaged_on = r.opt_date()?;
    let _due_on = r.opt_date()?;
    let _handling_due_on = r.opt_date()?;
    let version = r.int()?;
    let _updated_at = r.text()?;
    let _updated_by = r.text()?;
    let mut intake = intake;
    let mut dates = dates;
    intake.accused = r.text()?;
    intake.accused_unit = r.opt_int()?;
    dates.disposed_on = r.opt_date()?;
    dates.answered_on = r.opt_date()?;
    dates.objection_on = r.opt_date()?;
    let objection_rejected = r.flag()?;
    dates.delivered_on = r.opt_date()?;
    dates.review_delivered_on = r.opt_date()?;
    dates.review_evaluated_on = r.opt_date()?;
    let review_satisfaction = r.opt_code(Satisfaction::from_code)?;
    let review_body = r.opt_text()?;
    let repeat_of_final = r.flag()?;
    let package = match (leader, packaged_on) {
        (Some(leader), Some(packaged_on)) => Some(Package {
            leader,
            packaged_on,
            duties: Default::default(),
        }),
        _ => None,
    };
    Ok(Case {
        id,
        number,
        intake,
        state,
        class,
        unit,
        assigned,
        dates,
        extension_days,
        hearing_days,
        outcome,
        satisfaction,
        review_satisfaction,
        objection_rejected,
        review_body,
        route,
        supervised,
        backlog,
        collective,
        repeat_of,
        repeat_of_final,
        agreement_on,
        owner,
        package,
        version,
    })
}

/// Puts a ticked duty onto the case's package.
pub fn add_duty(case: &mut Case, duty: usize, done_on: NaiveDate, note: String) {
    if let Some(package) = case.package.as_mut()
        && duty < package.duties.len()
    {
        package.duties[duty] = Some(DutyRecord { done_on, note });
    }
}

/// Reads a queue row from a row of `SELECT <ROW_COLUMNS>`.
pub fn read_row(row: &Row<'_>) -> Result<CaseRow, BadValue> {
    use crate::domain::{Category, Channel, Class};
    let mut r = Reader::new(row);
    let id = r.int()?;
    let number = r.text()?;
    let received_on = r.date()?;
    let channel = r.code(Channel::from_code)?;
    let county = r.text()?;
    let category = r.opt_code(Category::from_code)?;
    let class = r.opt_code(Class::from_code)?;
    let mut out = CaseRow {
        id,
        number,
        received_on,
        channel,
        county,
        category,
        class,
        confidential: false,
        title: r.text()?,
        state: r.code(State::from_code)?,
        due_on: r.opt_date()?,
        supervised: r.flag()?,
        backlog: r.flag()?,
        collective: r.flag()?,
        repeat: r.flag()?,
        packaged: r.flag()?,
        threat: r.flag()?,
        urgent: r.flag()?,
        owner: r.opt_text()?,
        version: r.int()?,
    };
    let route = r.opt_code(crate::domain::DivertRoute::from_code)?;
    let accused = r.flag()?;
    out.confidential = crate::domain::case::confidential(category, class, route, accused);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_timestamp_parser_agrees_with_chrono() {
        for text in [
            "2026-11-24 18:00:00",
            "2024-02-29 23:59:59",
            "2026-02-29 08:00:00",
            "2026-11-24 24:00:00",
            "2026-11-24T18:00:00",
            "2026-11-24 18:00",
            "",
        ] {
            assert_eq!(
                parse_timestamp(text),
                NaiveDateTime::parse_from_str(text, TIMESTAMP).ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn the_fast_date_parser_agrees_with_chrono() {
        for text in [
            "2026-11-24",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "20261124xx",
            "2026/11/24",
            "",
        ] {
            assert_eq!(
                parse_date(text),
                NaiveDate::parse_from_str(text, DATE).ok(),
                "{text}"
            );
        }
        // Stricter than chrono, which accepts an unpadded month: xinfang never writes one.
        assert_eq!(parse_date("2026-1-01"), None);
        assert_eq!(parse_date("+026-11-24"), None);
    }

    #[test]
    fn fast_formats_agree_with_the_declared_patterns() {
        let at = NaiveDate::from_ymd_opt(2026, 3, 5)
            .and_then(|d| d.and_hms_opt(7, 8, 9))
            .unwrap_or_default();
        assert_eq!(timestamp(at), at.format(TIMESTAMP).to_string());
        assert_eq!(date(at.date()), at.date().format(DATE).to_string());
    }
}
