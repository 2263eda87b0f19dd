//! One import row made into a case: its fields checked (dates, codes, the ID number's check
//! character, the phone's shape, places, units and leaders), its history built from its step dates
//! (or taken from its `history` column) and played through the life-cycle rules, which refuse a
//! step out of order exactly as they would in the console. Every problem of the row is reported,
//! each naming its column. Pure: the database is only consulted through the lists given.

use super::Problem;
use super::columns::{Column, coded};
use super::read::Record;
use crate::domain::case::{Intake, Petitioner};
use crate::domain::step::{id_number_problem, phone_problem};
use crate::domain::{
    Case, Category, Channel, Class, DivertRoute, Event, Outcome, Rules, Satisfaction, State, Step,
    lifecycle, region,
};
use crate::store::{Leader, Unit};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// What a row is checked against.
pub struct Context<'a> {
    pub rules: &'a Rules,
    /// Nothing may be dated after it.
    pub now: NaiveDateTime,
    pub units: Vec<Unit>,
    pub leaders: Vec<Leader>,
    /// Who the steps built from dates are recorded as taken by.
    pub actor: &'a str,
    /// Add units and leaders the rows name but the database lacks (`--add-units`).
    pub add_missing: bool,
    /// Units and leaders added for rows prepared so far, to be stored before those rows.
    pub added_units: Vec<Unit>,
    pub added_leaders: Vec<Leader>,
}

impl<'a> Context<'a> {
    /// A context with nothing added yet.
    pub fn new(
        rules: &'a Rules,
        now: NaiveDateTime,
        (units, leaders): (Vec<Unit>, Vec<Leader>),
        actor: &'a str,
        add_missing: bool,
    ) -> Context<'a> {
        Context {
            rules,
            now,
            units,
            leaders,
            actor,
            add_missing,
            added_units: Vec::new(),
            added_leaders: Vec::new(),
        }
    }

    fn add_unit(&mut self, name: &str, county: &str) -> i64 {
        let id = self.units.iter().map(|u| u.id).max().unwrap_or(0) + 1;
        let unit = Unit {
            id,
            name: name.to_string(),
            region: county.to_string(),
        };
        self.units.push(unit.clone());
        self.added_units.push(unit);
        id
    }

    fn add_leader(&mut self, name: &str, county: &str) -> i64 {
        let id = self.leaders.iter().map(|l| l.id).max().unwrap_or(0) + 1;
        let leader = Leader {
            id,
            name: name.to_string(),
            level: crate::domain::LeaderLevel::County,
            title: "包案领导".to_string(),
            region: county.to_string(),
        };
        self.leaders.push(leader.clone());
        self.added_leaders.push(leader);
        id
    }
}

/// A row made into a case (its id is given when it is stored).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub number: Option<String>,
    pub case: Case,
    pub history: Vec<Event>,
    /// The case this one repeats, by number (linked by the import, which knows the numbers).
    pub repeat_of: Option<String>,
}

/// Default words for steps whose reason or text the file does not give.
const NO_REASON: &str = "导入：原记录未载明";

/// The longest title, and the longest of any other text field, in characters.
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 20_000;

/// Makes a row into a case, or says everything wrong with it.
pub fn prepare(record: &Record, cx: &mut Context<'_>) -> Result<Prepared, Vec<Problem>> {
    let mut row = Row {
        record,
        problems: Vec::new(),
    };
    let intake = row.intake(cx);
    let number = row.number();
    let repeat_of = Some(row.text(Column::RepeatOf).to_string()).filter(|s| !s.is_empty());
    let Some(intake) = intake else {
        return Err(row.problems);
    };
    let history_text = record.get(Column::History).trim();
    let from_history = !history_text.is_empty();
    let played = if from_history {
        row.play_history(&intake, history_text, cx)
    } else {
        row.play_dates(&intake, cx)
    };
    let Some((case, history)) = played else {
        return Err(row.problems);
    };
    if from_history {
        row.agree_with_history(&case, &history, cx);
    }
    row.expect_state(&case);
    if row.problems.is_empty() {
        Ok(Prepared {
            number,
            case,
            history,
            repeat_of,
        })
    } else {
        Err(row.problems)
    }
}

struct Row<'r> {
    record: &'r Record,
    problems: Vec<Problem>,
}

impl Row<'_> {
    /// A field, trimmed, without the `'` an export puts before text a spreadsheet would take
    /// for a formula.
    fn text(&self, column: Column) -> &str {
        let text = self.record.get(column).trim();
        match text.strip_prefix('\'') {
            Some(rest)
                if rest.starts_with([
                    '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
                ]) =>
            {
                rest
            }
            _ => text,
        }
    }

    fn bad(&mut self, column: Column, what: impl Into<String>) {
        self.problems.push(Problem {
            line: Some(self.record.line),
            column: Some(column),
            what: what.into(),
            fatal: false,
        });
    }

    /// A text field, at most `max` characters.
    fn words(&mut self, column: Column, max: usize) -> String {
        let text = self.text(column).to_string();
        let count = text.chars().count();
        if count > max {
            self.bad(column, format!("{count} characters; at most {max}"));
        }
        text
    }

    fn number(&mut self) -> Option<String> {
        let text = self.text(Column::Number).to_string();
        if text.is_empty() {
            return None;
        }
        if text.chars().count() > 40 || text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            self.bad(
                Column::Number,
                "a case number is at most 40 characters, without spaces",
            );
        }
        Some(text)
    }

    /// A date, or a date and time: `2025-03-07`, `2025/3/7`, `2025年3月7日`, `2025-03-07 14:30`.
    fn moment(&mut self, column: Column, cx: &mut Context<'_>) -> Option<NaiveDateTime> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }
        match parse_moment(text) {
            Some(at) if at > cx.now => {
                let shown = at.date();
                self.bad(column, format!("{shown} is after today"));
                None
            }
            Some(at) if at.date() < NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default() => {
                self.bad(column, format!("{} is before 1990", at.date()));
                None
            }
            Some(at) => Some(at),
            None => {
                let shown = crate::text::sanitise(text).into_owned();
                self.bad(
                    column,
                    format!("`{shown}` is not a date (write 2025-03-07 or 2025年3月7日)"),
                );
                None
            }
        }
    }

    fn date(&mut self, column: Column, cx: &mut Context<'_>) -> Option<NaiveDate> {
        self.moment(column, cx).map(|at| at.date())
    }

    fn flag(&mut self, column: Column) -> bool {
        match self.text(column).to_lowercase().as_str() {
            "" | "0" | "false" | "no" | "n" | "否" | "无" | "f" => false,
            "1" | "true" | "yes" | "y" | "是" | "有" | "t" => true,
            other => {
                let shown = crate::text::sanitise(other).into_owned();
                self.bad(
                    column,
                    format!("`{shown}` is not yes or no (是/否, true/false, 1/0)"),
                );
                false
            }
        }
    }

    fn count(&mut self, column: Column, default: u32, max: u32) -> u32 {
        let text = self.text(column);
        if text.is_empty() {
            return default;
        }
        match text.parse::<u32>() {
            Ok(n) if n <= max => n,
            _ => {
                let shown = crate::text::sanitise(text).into_owned();
                self.bad(
                    column,
                    format!("`{shown}` is not a whole number from 0 to {max}"),
                );
                default
            }
        }
    }

    fn code<T: Copy>(
        &mut self,
        column: Column,
        all: &[T],
        code: impl Fn(T) -> &'static str + Copy,
        zh: impl Fn(T) -> &'static str,
        en: impl Fn(T) -> &'static str,
    ) -> Option<T> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }
        let found = coded(text, all, code, zh, en);
        if found.is_none() {
            let known: Vec<&str> = all.iter().map(|v| code(*v)).collect();
            let shown = crate::text::sanitise(text).into_owned();
            self.bad(
                column,
                format!("unknown value `{shown}` (one of: {})", known.join(", ")),
            );
        }
        found
    }

    fn unit(&mut self, column: Column, county: &str, cx: &mut Context<'_>) -> Option<i64> {
        let text = self.text(column).to_string();
        self.unit_named(column, &text, county, cx)
    }

    /// The unit with this name (or id) in the database, or added for the import.
    fn unit_named(
        &mut self,
        column: Column,
        text: &str,
        county: &str,
        cx: &mut Context<'_>,
    ) -> Option<i64> {
        let text = text.to_string();
        if text.is_empty() {
            return None;
        }
        if let Ok(id) = text.parse::<i64>()
            && cx.units.iter().any(|u| u.id == id)
        {
            return Some(id);
        }
        let named: Vec<&Unit> = cx.units.iter().filter(|u| u.name == text).collect();
        let local: Vec<&&Unit> = named
            .iter()
            .filter(|u| county.starts_with(u.region.as_str()))
            .collect();
        match (named.len(), local.len()) {
            (1, _) => Some(named[0].id),
            (_, 1) => Some(local[0].id),
            (0, _) if cx.add_missing && text.parse::<i64>().is_err() => {
                Some(cx.add_unit(&text, county))
            }
            (0, _) => {
                let shown = crate::text::sanitise(&text).into_owned();
                self.bad(
                    column,
                    format!("no responsible unit `{shown}` in this database (--add-units adds it)"),
                );
                None
            }
            _ => {
                self.bad(
                    column,
                    format!(
                        "{} units are called `{text}`; give the unit's id",
                        named.len()
                    ),
                );
                None
            }
        }
    }

    fn leader(&mut self, county: &str, cx: &mut Context<'_>) -> Option<i64> {
        let text = self.text(Column::Leader).to_string();
        self.leader_named(&text, county, cx)
    }

    /// The leader with this name (or id) in the database, or added for the import.
    fn leader_named(&mut self, text: &str, county: &str, cx: &mut Context<'_>) -> Option<i64> {
        let text = text.to_string();
        if text.is_empty() {
            return None;
        }
        if let Ok(id) = text.parse::<i64>()
            && cx.leaders.iter().any(|l| l.id == id)
        {
            return Some(id);
        }
        let named: Vec<&Leader> = cx.leaders.iter().filter(|l| l.name == text).collect();
        match named.as_slice() {
            [one] => Some(one.id),
            [] if cx.add_missing && text.parse::<i64>().is_err() => {
                Some(cx.add_leader(&text, county))
            }
            [] => {
                let shown = crate::text::sanitise(&text).into_owned();
                self.bad(
                    Column::Leader,
                    format!("no leader `{shown}` in this database (--add-units adds them)"),
                );
                None
            }
            many => {
                self.bad(
                    Column::Leader,
                    format!(
                        "{} leaders are called `{text}`; give the leader's id",
                        many.len()
                    ),
                );
                None
            }
        }
    }

    fn county(&mut self) -> Option<&'static region::County> {
        let text = self.text(Column::County).to_string();
        let found = region::COUNTIES
            .iter()
            .find(|c| c.code == text || c.name == text || c.name_en.eq_ignore_ascii_case(&text));
        if found.is_none() {
            let shown = crate::text::sanitise(&text).into_owned();
            self.bad(
                Column::County,
                format!(
                    "`{shown}` is not a Ningxia county (a name like 金凤区 or a code like 640106)"
                ),
            );
        }
        found
    }

    fn township(&mut self, county: &region::County) -> String {
        let text = self.text(Column::Township).to_string();
        if text.is_empty() {
            return format!("{}000", county.code);
        }
        let found = if text.len() == 9 && text.bytes().all(|b| b.is_ascii_digit()) {
            // A code: no need to build the county's townships.
            Some(region::Township {
                code: text.clone(),
                name: String::new(),
            })
            .filter(|t| t.code.starts_with(county.code))
        } else {
            region::townships(county)
                .into_iter()
                .find(|t| t.name == text)
        };
        match found {
            Some(t) => t.code,
            None if text.len() == 9
                && text.starts_with(county.code)
                && text.bytes().all(|b| b.is_ascii_digit()) =>
            {
                text
            }
            None => {
                let shown = crate::text::sanitise(&text).into_owned();
                self.bad(
                    Column::Township,
                    format!("`{shown}` is not a township of {}", county.name),
                );
                format!("{}000", county.code)
            }
        }
    }

    fn id_number(&mut self) -> String {
        let text = self.text(Column::IdNumber).to_string();
        if text.is_empty() {
            return text;
        }
        let from_number = self.record.numeric.contains(&Column::IdNumber)
            || text.contains(['E', 'e']) && text.contains('+');
        if from_number {
            self.bad(
                Column::IdNumber,
                "Excel stored this ID number as a number, which keeps only 15 digits: its last \
                 digits are lost; format the column as text and enter the numbers again",
            );
            return text;
        }
        if let Some(problem) = id_number_problem(&text) {
            let lost = text.len() == 18 && text.ends_with("000");
            if lost {
                self.bad(
                    Column::IdNumber,
                    format!(
                        "{problem}; it ends in 000, as an ID number does when Excel stored it as \
                         a number and lost its last digits: format the column as text and enter \
                         the numbers again"
                    ),
                );
            } else {
                self.bad(Column::IdNumber, problem);
            }
        }
        text
    }

    fn intake(&mut self, cx: &mut Context<'_>) -> Option<Intake> {
        let received = self.moment(Column::ReceivedOn, cx);
        if self.text(Column::ReceivedOn).is_empty() {
            self.bad(
                Column::ReceivedOn,
                "the day the petition was received is needed",
            );
        }
        let channel = self.code(
            Column::Channel,
            Channel::ALL,
            Channel::code,
            Channel::zh,
            Channel::en,
        );
        if self.text(Column::Channel).is_empty() {
            self.bad(
                Column::Channel,
                "the channel is needed (online, letter, visit, …)",
            );
        }
        let category = self.code(
            Column::Category,
            Category::ALL,
            Category::code,
            Category::zh,
            Category::en,
        );
        let county = self.county();
        let township = county.map(|c| self.township(c));
        let title = self.words(Column::Title, MAX_TITLE);
        if title.is_empty() {
            self.bad(Column::Title, "the title is needed");
        }
        let summary = self.words(Column::Summary, MAX_TEXT);
        let name = self.words(Column::Petitioner, 100);
        let id_number = self.id_number();
        let phone = self.text(Column::Phone).to_string();
        if !phone.is_empty()
            && let Some(problem) = phone_problem(&phone)
        {
            self.bad(Column::Phone, problem);
        }
        let address = self.words(Column::Address, 500);
        let persons = self.count(Column::Persons, 1, 100_000);
        let involved = self.count(Column::Involved, persons, 10_000_000);
        let threat = self.flag(Column::Threat);
        let urgent = self.flag(Column::Urgent);
        let accused = self.words(Column::Accused, 200);
        let accused_unit = county.and_then(|c| self.unit(Column::AccusedUnit, c.code, cx));
        Some(Intake {
            title,
            summary,
            channel: channel?,
            category,
            county: county?.code.to_string(),
            township: township?,
            petitioner: Petitioner {
                name,
                id_number,
                phone,
                address,
            },
            persons,
            involved,
            threat,
            urgent,
            received_on: received?.date(),
            accused,
            accused_unit,
        })
    }

    /// The time the case was registered: as given, else 09:00 on the day.
    fn registered_at(&self, intake: &Intake) -> NaiveDateTime {
        let text = self.text(Column::ReceivedOn);
        parse_moment(text)
            .filter(|at| at.time() != NaiveTime::MIN || text.contains(':'))
            .unwrap_or_else(|| intake.received_on.and_time(nine()))
    }

    /// Builds the history from the step-date columns and plays it through the rules.
    fn play_dates(&mut self, intake: &Intake, cx: &mut Context<'_>) -> Option<(Case, Vec<Event>)> {
        let mut steps: Vec<(NaiveDate, u8, Column, Step)> = Vec::new();
        let county = intake.county.clone();
        let unit = self.unit(Column::Unit, &county, cx);
        let assign = self.flag(Column::Assigned);
        let class = self.code(Column::Class, Class::ALL, Class::code, Class::zh, Class::en);
        match (self.date(Column::ForwardedOn, cx), unit) {
            (Some(on), Some(unit)) => {
                steps.push((on, 1, Column::ForwardedOn, Step::Forward { unit, assign }))
            }
            (Some(_), None) if self.text(Column::Unit).is_empty() => self.bad(
                Column::Unit,
                "the unit it was forwarded to is needed with forwarded_on",
            ),
            (None, Some(_)) if self.text(Column::ForwardedOn).is_empty() => self.bad(
                Column::ForwardedOn,
                "the day it was forwarded to the unit is needed with unit",
            ),
            _ => {}
        }
        if let Some(on) = self.date(Column::AcceptedOn, cx) {
            match class {
                Some(class) => steps.push((on, 2, Column::AcceptedOn, Step::Accept { class })),
                None => self.bad(Column::Class, "the class is needed with accepted_on"),
            }
        } else if let Some(class) = class {
            match intake.category {
                Some(category) => steps.push((
                    intake.received_on,
                    0,
                    Column::Class,
                    Step::Classify {
                        class: Some(class),
                        category,
                    },
                )),
                None => self.bad(Column::Category, "the category is needed with class"),
            }
        }
        if let Some(on) = self.date(Column::HandlingOn, cx) {
            steps.push((on, 3, Column::HandlingOn, Step::StartHandling));
        }
        let reason = |row: &Row<'_>, column: Column| {
            let text = row.text(column);
            if text.is_empty() {
                NO_REASON.to_string()
            } else {
                text.to_string()
            }
        };
        if let Some(on) = self.date(Column::DeclinedOn, cx) {
            let reason = reason(self, Column::DeclineReason);
            steps.push((on, 2, Column::DeclinedOn, Step::Decline { reason }));
        }
        if let Some(on) = self.date(Column::DivertedOn, cx) {
            let route = self.code(
                Column::DivertRoute,
                DivertRoute::ALL,
                DivertRoute::code,
                DivertRoute::zh,
                DivertRoute::en,
            );
            let reason = reason(self, Column::DivertReason);
            match route {
                Some(route) => {
                    steps.push((on, 2, Column::DivertedOn, Step::Divert { route, reason }))
                }
                None if self.text(Column::DivertRoute).is_empty() => {
                    self.bad(Column::DivertRoute, "the route is needed with diverted_on")
                }
                None => {}
            }
        }
        let days = self.count(Column::ExtensionDays, 0, 30);
        match (self.date(Column::ExtendedOn, cx), days) {
            (Some(on), days) if days > 0 => {
                let reason = reason(self, Column::ExtensionReason);
                steps.push((on, 4, Column::ExtendedOn, Step::Extend { days, reason }));
            }
            (Some(_), _) => self.bad(
                Column::ExtensionDays,
                "the days are needed with extended_on",
            ),
            (None, d) if d > 0 => {
                self.bad(Column::ExtendedOn, "the day of the extension is needed")
            }
            _ => {}
        }
        let outcome = |row: &mut Row<'_>, column: Column| {
            row.code(
                column,
                Outcome::ALL,
                Outcome::code,
                Outcome::zh,
                Outcome::en,
            )
        };
        let rating = |row: &mut Row<'_>, column: Column| {
            row.code(
                column,
                Satisfaction::ALL,
                Satisfaction::code,
                Satisfaction::zh,
                Satisfaction::en,
            )
        };
        let delivered = self.date(Column::DeliveredOn, cx);
        let replied = self.date(Column::RepliedOn, cx);
        if let (Some(d), Some(r)) = (delivered, replied)
            && d < r
        {
            self.bad(
                Column::DeliveredOn,
                format!("{d} is before the reply on {r}"),
            );
        }
        let review_delivered = self.date(Column::ReviewDeliveredOn, cx);
        let review_replied = self.date(Column::ReviewRepliedOn, cx);
        if let (Some(d), Some(r)) = (review_delivered, review_replied)
            && d < r
        {
            self.bad(
                Column::ReviewDeliveredOn,
                format!("{d} is before the review opinion on {r}"),
            );
        }
        if let Some(on) = replied {
            let text = reason(self, Column::Reply);
            match outcome(self, Column::Outcome) {
                Some(outcome) => steps.push((
                    on,
                    5,
                    Column::RepliedOn,
                    Step::Reply {
                        outcome,
                        text,
                        delivered_on: delivered,
                    },
                )),
                None => self.bad(Column::Outcome, "the outcome is needed with replied_on"),
            }
        } else if delivered.is_some() {
            self.bad(Column::RepliedOn, "a delivery needs the day of the reply");
        }
        if let Some(on) = self.date(Column::EvaluatedOn, cx) {
            match rating(self, Column::Satisfaction) {
                Some(rating) => steps.push((on, 6, Column::EvaluatedOn, Step::Evaluate { rating })),
                None => self.bad(
                    Column::Satisfaction,
                    "the rating is needed with evaluated_on",
                ),
            }
        }
        if let Some(on) = self.date(Column::ReviewRequestedOn, cx) {
            let body = String::new();
            steps.push((
                on,
                7,
                Column::ReviewRequestedOn,
                Step::RequestReview { body },
            ));
        }
        if let Some(on) = review_replied {
            let text = reason(self, Column::ReviewReply);
            match outcome(self, Column::ReviewOutcome) {
                Some(outcome) => steps.push((
                    on,
                    8,
                    Column::ReviewRepliedOn,
                    Step::ReplyReview {
                        outcome,
                        text,
                        delivered_on: review_delivered,
                    },
                )),
                None => self.bad(
                    Column::ReviewOutcome,
                    "the outcome is needed with review_replied_on",
                ),
            }
        }
        if let Some(on) = self.date(Column::ReviewEvaluatedOn, cx) {
            match rating(self, Column::ReviewSatisfaction) {
                Some(rating) => {
                    steps.push((on, 9, Column::ReviewEvaluatedOn, Step::Evaluate { rating }))
                }
                None => self.bad(
                    Column::ReviewSatisfaction,
                    "the rating is needed with review_evaluated_on",
                ),
            }
        }
        let re_review = self.date(Column::ReReviewRequestedOn, cx);
        if let Some(on) = re_review {
            let body = String::new();
            steps.push((
                on,
                10,
                Column::ReReviewRequestedOn,
                Step::RequestReReview { body },
            ));
        }
        let hearing = self.count(Column::HearingDays, 0, 365);
        match re_review {
            Some(on) if hearing > 0 => steps.push((
                on,
                11,
                Column::HearingDays,
                Step::RecordHearing { days: hearing },
            )),
            None if hearing > 0 => self.bad(
                Column::HearingDays,
                "a hearing is held during a re-review: re_review_requested_on is needed",
            ),
            _ => {}
        }
        if let Some(on) = self.date(Column::FinalisedOn, cx) {
            let text = reason(self, Column::FinalReply);
            match outcome(self, Column::FinalOutcome) {
                Some(outcome) => steps.push((
                    on,
                    12,
                    Column::FinalisedOn,
                    Step::Finalise { outcome, text },
                )),
                None => self.bad(
                    Column::FinalOutcome,
                    "the outcome is needed with finalised_on",
                ),
            }
        }
        if let Some(on) = self.date(Column::ConcludedOn, cx) {
            steps.push((on, 13, Column::ConcludedOn, Step::Conclude));
        }
        let leader = self.leader(&county, cx);
        match (self.date(Column::PackagedOn, cx), leader) {
            (Some(on), Some(leader)) => {
                steps.push((on, 14, Column::PackagedOn, Step::PackageToLeader { leader }))
            }
            (Some(_), None) if self.text(Column::Leader).is_empty() => {
                self.bad(Column::Leader, "the leader is needed with packaged_on")
            }
            (None, Some(_)) => self.bad(Column::PackagedOn, "the day of packaging is needed"),
            _ => {}
        }
        steps.sort_by_key(|(on, rank, _, _)| (*on, *rank));
        let last = steps.last().map_or(intake.received_on, |(on, _, _, _)| *on);
        for (column, on, step) in [
            (Column::Supervised, true, Step::Supervise { on: true }),
            (Column::Backlog, true, Step::FlagBacklog { on: true }),
            (Column::Collective, true, Step::FlagCollective { on: true }),
        ] {
            if self.flag(column) == on {
                steps.push((last, 20, column, step));
            }
        }
        let owner = self.words(Column::Owner, 64);
        if !owner.is_empty() {
            steps.push((
                last,
                21,
                Column::Owner,
                Step::AssignOwner { owner: Some(owner) },
            ));
        }
        if !self.problems.is_empty() {
            return None;
        }
        let registered_at = self.registered_at(intake);
        let mut case = Case::registered(0, String::new(), intake.clone());
        let mut history = vec![register(intake, registered_at, cx.actor)];
        let mut cursor = registered_at;
        let mut previous: Option<(Column, NaiveDate)> = None;
        for (on, rank, column, step) in steps {
            if on < intake.received_on {
                self.bad(
                    column,
                    format!(
                        "{on} is before the petition was received ({})",
                        intake.received_on
                    ),
                );
                return None;
            }
            let at = on
                .and_time(nine())
                .checked_add_signed(chrono::Duration::minutes(i64::from(rank)))
                .unwrap_or(cursor)
                .max(cursor + chrono::Duration::seconds(1));
            let step = fill(&case, &step, cx);
            let step = lifecycle::settled(&case, &step, at, cx.rules);
            if let Err(error) = lifecycle::apply(&mut case, &step, at, cx.rules) {
                // Steps are taken in date order: say where the row's dates had led.
                let after = match previous {
                    Some((before, day)) => format!(", after {} on {day}", before.code()),
                    None => format!(", as registered on {}", intake.received_on),
                };
                self.bad(
                    column,
                    format!(
                        "{error} (on {on} the case was {}{after}; steps are taken in date order)",
                        case.state.code()
                    ),
                );
                return None;
            }
            history.push(Event {
                at,
                actor: cx.actor.to_string(),
                step,
            });
            cursor = at;
            previous = Some((column, on));
        }
        Some((case, history))
    }

    /// Plays a history given as JSON (as `export` writes it) through the rules.
    fn play_history(
        &mut self,
        intake: &Intake,
        text: &str,
        cx: &mut Context<'_>,
    ) -> Option<(Case, Vec<Event>)> {
        let given: History = match serde_json::from_str(text) {
            Ok(history) => history,
            Err(e) => {
                self.bad(
                    Column::History,
                    format!("not a history as export writes it ({e})"),
                );
                return None;
            }
        };
        // Units and leaders are named in the history, and found here by name.
        let mut history = given.steps;
        for event in &mut history {
            let (slot, names, is_unit) = match &mut event.step {
                Step::Forward { unit, .. } => (unit, &given.units, true),
                Step::RecordAccused {
                    unit: Some(unit), ..
                } => (unit, &given.units, true),
                Step::PackageToLeader { leader } => (leader, &given.leaders, false),
                _ => continue,
            };
            let Some(name) = names.get(&slot.to_string()) else {
                let id = *slot;
                self.bad(
                    Column::History,
                    format!("a step names unit or leader {id}, which its `units` or `leaders` do not name"),
                );
                return None;
            };
            let found = if is_unit {
                self.unit_named(Column::History, name, &intake.county, cx)
            } else {
                self.leader_named(name, &intake.county, cx)
            };
            *slot = found?;
        }
        // The registration fields as registered: the corrections in the history are replayed.
        let registered = lifecycle::registered_intake(intake, &history);
        match history.first_mut() {
            Some(Event {
                at,
                step: Step::Register { intake: digest },
                ..
            }) if at.date() == intake.received_on => {
                *digest = Some(crate::domain::case::intake_digest(&registered));
            }
            _ => {
                self.bad(
                    Column::History,
                    "a history starts with the registration, on the day in received_on",
                );
                return None;
            }
        }
        // Only steps a person takes: no second registration, no import or undo inside; hearing
        // days within reason; no delivery before its reply (a letter's expected delivery may
        // fall after today).
        for (i, event) in history.iter().enumerate() {
            let wrong = match &event.step {
                Step::Register { .. } if i > 0 => Some("a second registration".to_string()),
                Step::Import { .. } | Step::Undo { .. } => {
                    Some(format!("a step `{}`", event.step.name()))
                }
                Step::RecordHearing { days } if *days > 365 => {
                    Some(format!("a hearing of {days} days"))
                }
                Step::Reply {
                    delivered_on: Some(on),
                    ..
                }
                | Step::ReplyReview {
                    delivered_on: Some(on),
                    ..
                } if *on < event.at.date() => Some(format!(
                    "a delivery on {on}, before the reply on {}",
                    event.at.date()
                )),
                _ => None,
            };
            if let Some(wrong) = wrong {
                self.bad(Column::History, format!("step {} is {wrong}", i + 1));
                return None;
            }
        }
        if let Some(late) = history.iter().find(|e| e.at > cx.now) {
            self.bad(
                Column::History,
                format!("a step is dated {}, after today", late.at),
            );
            return None;
        }
        // Repeat links are made by the import from `repeat_of`, which names the case by number.
        history.retain(|e| !matches!(e.step, Step::LinkRepeat { .. }));
        match lifecycle::replay(0, String::new(), registered, &history, cx.rules) {
            Ok(case) if case.intake == *intake => Some((case, history)),
            Ok(case) => {
                let given = serde_json::to_value(intake).unwrap_or_default();
                let made = serde_json::to_value(&case.intake).unwrap_or_default();
                let differ: Vec<String> = match (given, made) {
                    (serde_json::Value::Object(a), serde_json::Value::Object(b)) => a
                        .iter()
                        .filter(|(k, v)| b.get(k.as_str()) != Some(v))
                        .map(|(k, _)| k.clone())
                        .collect(),
                    _ => Vec::new(),
                };
                self.bad(
                    Column::History,
                    format!(
                        "its steps lead to another {} than the row gives",
                        differ.join(", ")
                    ),
                );
                None
            }
            Err(e) => {
                self.bad(Column::History, e.to_string());
                None
            }
        }
    }

    /// With a `history`, the step columns the row gives must say what the history says: an edit
    /// to one of them would otherwise be lost without a word.
    fn agree_with_history(&mut self, case: &Case, history: &[Event], cx: &Context<'_>) {
        use super::export::{Cell, Names, Viewer, row_of};
        const CHECKED: [Column; 33] = [
            Column::Class,
            Column::Unit,
            Column::Assigned,
            Column::ForwardedOn,
            Column::AcceptedOn,
            Column::HandlingOn,
            Column::DeclinedOn,
            Column::DivertedOn,
            Column::DivertRoute,
            Column::ExtendedOn,
            Column::ExtensionDays,
            Column::RepliedOn,
            Column::Outcome,
            Column::DeliveredOn,
            Column::EvaluatedOn,
            Column::Satisfaction,
            Column::ReviewRequestedOn,
            Column::ReviewRepliedOn,
            Column::ReviewOutcome,
            Column::ReviewDeliveredOn,
            Column::ReviewEvaluatedOn,
            Column::ReviewSatisfaction,
            Column::ReReviewRequestedOn,
            Column::HearingDays,
            Column::FinalisedOn,
            Column::FinalOutcome,
            Column::ConcludedOn,
            Column::Supervised,
            Column::Backlog,
            Column::Collective,
            Column::Leader,
            Column::PackagedOn,
            Column::Owner,
        ];
        let detail = crate::store::CaseDetail {
            case: case.clone(),
            events: history
                .iter()
                .enumerate()
                .map(|(i, e)| crate::store::StoredEvent {
                    seq: i as i64 + 1,
                    at: e.at,
                    actor: e.actor.clone(),
                    step: e.step.clone(),
                    from_state: None,
                    to_state: None,
                })
                .collect(),
            unit: None,
            leader: None,
            repeat_number: None,
        };
        // Only the unit and leader this case names (not every unit, for every row).
        let mut names = Names {
            units: Default::default(),
            leaders: Default::default(),
        };
        for id in [case.unit, case.intake.accused_unit].into_iter().flatten() {
            if let Some(unit) = cx.units.iter().find(|u| u.id == id) {
                names.units.insert(id, unit);
            }
        }
        if let Some(package) = &case.package
            && let Some(leader) = cx.leaders.iter().find(|l| l.id == package.leader)
        {
            names.leaders.insert(leader.id, leader);
        }
        let viewer = Viewer {
            role: crate::domain::Role::Admin,
            scope: crate::domain::region::PROVINCE_CODE.to_string(),
            lang: crate::i18n::Lang::En,
            history: false,
        };
        let given: Vec<Column> = CHECKED
            .iter()
            .copied()
            .filter(|c| !self.text(*c).is_empty())
            .collect();
        if given.is_empty() {
            return;
        }
        let en = row_of(&detail, &names, &viewer, cx.rules, Some(&given));
        let flags = [
            Column::Assigned,
            Column::Supervised,
            Column::Backlog,
            Column::Collective,
        ];
        for column in CHECKED {
            let given = self.text(column).to_string();
            if given.is_empty() {
                continue;
            }
            let index = Column::ALL.iter().position(|c| *c == column).unwrap_or(0);
            let a = &en[index];
            let same = match a {
                Cell::Date(day) => parse_moment(&given).map(|at| at.date()) == Some(*day),
                Cell::Number(n) => given.parse::<i64>().ok() == Some(*n),
                _ if flags.contains(&column) => {
                    let before = self.problems.len();
                    let said = self.flag(column);
                    self.problems.truncate(before);
                    matches!(a, Cell::Text(t) if t == "true") == said
                }
                Cell::Text(t) | Cell::Code(t) => {
                    // A unit or leader may be given by id.
                    let id = given.parse::<i64>().ok();
                    let by_id = match column {
                        Column::Unit => id.is_some() && id == case.unit,
                        Column::Leader => {
                            id.is_some() && id == case.package.as_ref().map(|p| p.leader)
                        }
                        _ => false,
                    };
                    *t == given || by_id || same_code(column, &given, t)
                }
                Cell::Empty | Cell::Real(_) => false,
            };
            if !same {
                let shown = match a {
                    Cell::Empty => "nothing".to_string(),
                    Cell::Date(d) => d.to_string(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Real(r) => format!("{r:.1}"),
                    Cell::Text(t) | Cell::Code(t) => format!("`{t}`"),
                };
                let given = crate::text::sanitise(&given).into_owned();
                self.bad(
                    column,
                    format!(
                        "the row says `{given}` but its history gives {shown} (the history holds \
                         the case's steps: change them there, or leave the history out to import \
                         from the dates)"
                    ),
                );
            }
        }
    }

    /// A `state` column, when given, must be where the history leads.
    fn expect_state(&mut self, case: &Case) {
        let text = self.text(Column::State);
        if text.is_empty() {
            return;
        }
        match coded(text, State::ALL, State::code, State::zh, State::en) {
            Some(state) if state == case.state => {}
            Some(state) => self.bad(
                Column::State,
                format!(
                    "the row says {} but its dates lead to {}",
                    state.code(),
                    case.state.code()
                ),
            ),
            None => {
                let known: Vec<&str> = State::ALL.iter().map(|s| s.code()).collect();
                let shown = crate::text::sanitise(text).into_owned();
                self.bad(
                    Column::State,
                    format!("unknown state `{shown}` (one of: {})", known.join(", ")),
                );
            }
        }
    }
}

fn nine() -> NaiveTime {
    NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// Whether `given` (a code or label in either language) names the code `code` in a coded column.
fn same_code(column: Column, given: &str, code: &str) -> bool {
    let found = match column {
        Column::Class => {
            coded(given, Class::ALL, Class::code, Class::zh, Class::en).map(Class::code)
        }
        Column::DivertRoute => coded(
            given,
            DivertRoute::ALL,
            DivertRoute::code,
            DivertRoute::zh,
            DivertRoute::en,
        )
        .map(DivertRoute::code),
        Column::Outcome | Column::ReviewOutcome | Column::FinalOutcome => {
            coded(given, Outcome::ALL, Outcome::code, Outcome::zh, Outcome::en).map(Outcome::code)
        }
        Column::Satisfaction | Column::ReviewSatisfaction => coded(
            given,
            Satisfaction::ALL,
            Satisfaction::code,
            Satisfaction::zh,
            Satisfaction::en,
        )
        .map(Satisfaction::code),
        _ => None,
    };
    found == Some(code)
}

/// The registration event of an imported case.
fn register(intake: &Intake, at: NaiveDateTime, actor: &str) -> Event {
    Event {
        at,
        actor: actor.to_string(),
        step: Step::Register {
            intake: Some(crate::domain::case::intake_digest(intake)),
        },
    }
}

/// The body a review or re-review goes to, as the store fills it: one level above the unit,
/// and one above the reviewer.
fn fill(case: &Case, step: &Step, cx: &mut Context<'_>) -> Step {
    let unit_region = || {
        case.unit
            .and_then(|id| cx.units.iter().find(|u| u.id == id))
            .map_or_else(|| case.intake.county.clone(), |u| u.region.clone())
    };
    match step {
        Step::RequestReview { .. } => Step::RequestReview {
            body: region::level_up(&unit_region()),
        },
        Step::RequestReReview { .. } => {
            let reviewer = case
                .review_body
                .clone()
                .unwrap_or_else(|| region::level_up(&unit_region()));
            Step::RequestReReview {
                body: region::level_up(&reviewer),
            }
        }
        other => other.clone(),
    }
}

/// A history as `export` writes it: the steps, and the names of the units and leaders they name
/// by id (ids differ between databases; names do not).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    #[serde(default)]
    pub units: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub leaders: std::collections::BTreeMap<String, String>,
    pub steps: Vec<Event>,
}

/// `2025-03-07`, `2025/3/7`, `2025.3.7`, `2025年3月7日`, each optionally followed by a time
/// (`14:30` or `14:30:05`, after a space or `T`).
pub fn parse_moment(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    let (day, time) = match text.find([' ', 'T']) {
        Some(i) => (&text[..i], Some(text[i + 1..].trim())),
        None => (text, None),
    };
    let day = day
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_string();
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    let time = match time {
        None | Some("") => NaiveTime::MIN,
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
            .ok()?,
    };
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_usual_spellings() {
        let day = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap_or_default()
                .and_time(NaiveTime::MIN)
        };
        assert_eq!(parse_moment("2025-03-07"), Some(day(2025, 3, 7)));
        assert_eq!(parse_moment("2025/3/7"), Some(day(2025, 3, 7)));
        assert_eq!(parse_moment("2025年3月7日"), Some(day(2025, 3, 7)));
        assert_eq!(
            parse_moment("2025-03-07 14:30"),
            day(2025, 3, 7).checked_add_signed(chrono::Duration::minutes(870))
        );
        assert_eq!(parse_moment("2025-02-30"), None);
        assert_eq!(parse_moment("45123"), None);
        assert_eq!(parse_moment("07/03/2025"), None);
    }
}
