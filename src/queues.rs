//! Queue definitions, below the console: the queue list's entries (`QueueDef`: a built-in queue
//! of `store::Builtin`, or one defined in `config.toml`) and the user-defined queues themselves:
//! a filter (a built-in queue to start from, states, region, category, flags), a sort and the
//! columns to show. The console, the settings file and the command line all read them here.
//!
//! ```toml
//! [[queue]]
//! name = "yinchuan-wages"
//! title = "银川欠薪"
//! title_en = "Yinchuan wages"
//! base = "in-handling"
//! region = "6401"
//! category = "unpaid-wages"
//! flags = ["supervised"]
//! sort = "due"
//! columns = ["number", "county", "title", "due"]
//! ```
//!
//! A search or a board's drill-down saved from the console (`:save 标题`) is a queue like any
//! other, with the parts a drill-down needs: `search` (a query; its newest 10,000 matches),
//! `leader`, `unit`, `campaign`, `received` (today, week, month or year to date),
//! `received_days` (the last N days) and `ids` (a fixed list of cases).

use crate::domain::{Category, State};
use crate::i18n::Lang;
use crate::store::{Builtin, Filter, Sort, SortKey};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A queue of the queue list: built-in, or defined in `config.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueDef {
    /// Kebab-case name (`overdue`, or the user's own).
    pub name: String,
    pub label_zh: String,
    pub label_en: String,
    pub filter: Filter,
    pub sort: Sort,
    /// Columns to show, in order; empty = the default set.
    pub columns: Vec<Column>,
    /// What a user queue or a drill-down was built from: rebuilt from it when the day changes,
    /// and what `:save` writes. `None` for the built-in queues.
    pub source: Option<Box<QueueConfig>>,
}

impl QueueDef {
    /// The built-in queue for a day and user.
    pub fn builtin(queue: Builtin, today: NaiveDate, due_soon_days: u32, user: &str) -> QueueDef {
        let (filter, sort) = queue.query(today, due_soon_days, user);
        QueueDef {
            name: queue.name().to_string(),
            label_zh: queue.zh().to_string(),
            label_en: queue.en().to_string(),
            filter,
            sort,
            columns: Vec::new(),
            source: None,
        }
    }

    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.label_zh, &self.label_en)
    }
}

code_enum! {
    /// A column of the case table.
    Column {
        Number = ("number", "编号", "Number"),
        Received = ("received", "收件", "Received"),
        Channel = ("channel", "渠道", "Channel"),
        County = ("county", "县区", "County"),
        Category = ("category", "类别", "Category"),
        Title = ("title", "标题", "Title"),
        State = ("state", "状态", "State"),
        Due = ("due", "时限", "Due"),
    }
}

code_enum! {
    /// A flag a user queue can require.
    QueueFlag {
        Open = ("open", "未办结", "open"),
        Supervised = ("supervised", "督办", "supervised"),
        Backlog = ("backlog", "积案", "backlog"),
        Collective = ("collective", "集体访", "collective"),
        Repeat = ("repeat", "重复信访", "repeat"),
        Packaged = ("packaged", "包案", "packaged"),
    }
}

code_enum! {
    /// The order of a user queue.
    QueueSort {
        Received = ("received", "收件日期", "received"),
        Due = ("due", "到期日", "due"),
    }
}

/// A `[[queue]]` entry of `config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    pub name: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<State>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<QueueFlag>,
    /// A search query: the queue holds its matches (the newest 10,000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// Packaged to this leader (by id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leader: Option<i64>,
    /// Handled by this responsible unit (by id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<i64>,
    /// On this backlog campaign's list (by id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign: Option<i64>,
    /// Received this period to date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<crate::domain::board::Span>,
    /// Received in the last N days, today included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_days: Option<u32>,
    /// Due before the day this many days from today (0: overdue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_before_days: Option<u32>,
    /// Exactly these cases (by id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<QueueSort>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
}

impl QueueConfig {
    /// The queue entry that gives `filter` again on later days: relative dates stay relative
    /// (this week to date, the last 7 days, overdue). `None` when a part has no such form (an
    /// owner, a fixed range of past dates).
    pub fn from_filter(filter: &Filter, today: NaiveDate) -> Option<QueueConfig> {
        let mut config = QueueConfig::default();
        config.add(filter, today).then_some(config)
    }

    fn add(&mut self, filter: &Filter, today: NaiveDate) -> bool {
        let days = |from: NaiveDate, to: NaiveDate| u32::try_from((to - from).num_days()).ok();
        let mut flag = |flag: QueueFlag| {
            if !self.flags.contains(&flag) {
                self.flags.push(flag);
            }
            true
        };
        match filter {
            Filter::All => true,
            Filter::And(parts) => parts.iter().all(|p| self.add(p, today)),
            Filter::Open => flag(QueueFlag::Open),
            Filter::Supervised => flag(QueueFlag::Supervised),
            Filter::Packaged => flag(QueueFlag::Packaged),
            Filter::Collective => flag(QueueFlag::Collective),
            Filter::Repeat => flag(QueueFlag::Repeat),
            Filter::Backlog(day) if *day == today => flag(QueueFlag::Backlog),
            Filter::StateIn(states) if self.states.is_empty() => {
                self.states = states.clone();
                true
            }
            Filter::Region(prefix) if self.region.is_none() => {
                self.region = Some(prefix.clone());
                true
            }
            Filter::Category(category) if self.category.is_none() => {
                self.category = Some(*category);
                true
            }
            Filter::Search(query) if self.search.is_none() => {
                self.search = Some(query.clone());
                true
            }
            Filter::Leader(id) if self.leader.is_none() => {
                self.leader = Some(*id);
                true
            }
            Filter::Unit(id) if self.unit.is_none() => {
                self.unit = Some(*id);
                true
            }
            Filter::Campaign(id) if self.campaign.is_none() => {
                self.campaign = Some(*id);
                true
            }
            Filter::Ids(ids) if self.ids.is_empty() => {
                self.ids = ids.clone();
                true
            }
            Filter::DueBefore(day) if self.due_before_days.is_none() => {
                self.due_before_days = days(today, *day);
                self.due_before_days.is_some()
            }
            Filter::ReceivedBetween(from, to) if *to == today && self.received.is_none() => {
                // A period to date (this week) stays one; any other stretch up to today is the
                // last N days.
                match crate::domain::board::Span::ALL
                    .iter()
                    .find(|s| s.periods(today).0.from == *from)
                {
                    Some(span) => self.received = Some(*span),
                    None => self.received_days = days(*from, today).map(|d| d + 1),
                }
                self.received.is_some() || self.received_days.is_some()
            }
            _ => false,
        }
    }

    /// The queue for `today`; an unknown `base` or a malformed region is an error naming it.
    pub fn build(
        &self,
        today: NaiveDate,
        due_soon_days: u32,
        user: &str,
    ) -> Result<QueueDef, String> {
        let mut parts = Vec::new();
        let mut sort = Sort {
            key: SortKey::Received,
            descending: true,
        };
        if let Some(base) = &self.base {
            let builtin = Builtin::from_name(base).ok_or_else(|| {
                let known: Vec<&str> = Builtin::ALL.iter().map(|q| q.name()).collect();
                format!(
                    "queue `{}`: unknown base `{base}` (known: {})",
                    self.name,
                    known.join(", ")
                )
            })?;
            let (filter, base_sort) = builtin.query(today, due_soon_days, user);
            parts.push(filter);
            sort = base_sort;
        }
        if !self.states.is_empty() {
            parts.push(Filter::StateIn(self.states.clone()));
        }
        if let Some(region) = &self.region {
            if !(region.starts_with("64") && region.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!(
                    "queue `{}`: region `{region}` is not a Ningxia admin-code prefix",
                    self.name
                ));
            }
            parts.push(Filter::Region(region.clone()));
        }
        if let Some(category) = self.category {
            parts.push(Filter::Category(category));
        }
        for flag in &self.flags {
            parts.push(match flag {
                QueueFlag::Open => Filter::Open,
                QueueFlag::Supervised => Filter::Supervised,
                QueueFlag::Backlog => Filter::Backlog(today),
                QueueFlag::Collective => Filter::Collective,
                QueueFlag::Repeat => Filter::Repeat,
                QueueFlag::Packaged => Filter::Packaged,
            });
        }
        if let Some(query) = &self.search {
            crate::search::parse(query).map_err(|e| {
                format!(
                    "queue `{}`: search `{query}`: {}",
                    self.name,
                    e.describe(crate::i18n::Lang::En)
                )
            })?;
            parts.push(Filter::Search(query.clone()));
        }
        parts.extend(self.leader.map(Filter::Leader));
        parts.extend(self.unit.map(Filter::Unit));
        parts.extend(self.campaign.map(Filter::Campaign));
        if let Some(span) = self.received {
            let (period, _) = span.periods(today);
            parts.push(Filter::ReceivedBetween(period.from, period.to));
        }
        if let Some(days) = self.received_days {
            let from = today
                .checked_sub_days(chrono::Days::new(u64::from(days.max(1)) - 1))
                .unwrap_or(today);
            parts.push(Filter::ReceivedBetween(from, today));
        }
        if let Some(days) = self.due_before_days {
            parts.push(Filter::DueBefore(
                today
                    .checked_add_days(chrono::Days::new(u64::from(days)))
                    .unwrap_or(today),
            ));
        }
        if !self.ids.is_empty() {
            parts.push(Filter::Ids(self.ids.clone()));
        }
        match self.sort {
            Some(QueueSort::Received) => {
                sort = Sort {
                    key: SortKey::Received,
                    descending: true,
                }
            }
            Some(QueueSort::Due) => {
                sort = Sort {
                    key: SortKey::Due,
                    descending: false,
                }
            }
            None => {}
        }
        Ok(QueueDef {
            name: self.name.clone(),
            label_zh: self.title.clone(),
            label_en: self.title_en.clone().unwrap_or_else(|| self.title.clone()),
            filter: match parts.len() {
                0 => Filter::All,
                1 => parts.remove(0),
                _ => Filter::And(parts),
            },
            sort,
            columns: self.columns.clone(),
            source: Some(Box::new(self.clone())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_queue_combines_its_parts() {
        let config: QueueConfig = toml::from_str(
            "name = \"w\"\ntitle = \"欠薪\"\nbase = \"in-handling\"\nregion = \"6401\"\ncategory = \"unpaid-wages\"\nflags = [\"supervised\"]\nsort = \"due\"\ncolumns = [\"number\", \"due\"]\n",
        )
        .expect("valid");
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let queue = config.build(today, 3, "u").expect("builds");
        let Filter::And(parts) = &queue.filter else {
            panic!("{:?}", queue.filter)
        };
        assert_eq!(parts.len(), 4);
        assert!(parts.contains(&Filter::Region("6401".into())));
        assert_eq!(queue.sort.key, SortKey::Due);
        assert_eq!(queue.columns, vec![Column::Number, Column::Due]);
    }

    /// The parts of a filter, in a comparable order.
    fn parts(filter: &Filter) -> Vec<String> {
        let mut out: Vec<String> = match filter {
            Filter::And(parts) => parts.iter().map(|p| format!("{p:?}")).collect(),
            other => vec![format!("{other:?}")],
        };
        out.sort();
        out
    }

    #[test]
    fn a_drill_down_saved_gives_the_same_cases_and_its_dates_move_with_the_day() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default(); // a Wednesday
        let day = |n: i64| today + chrono::Duration::days(n);
        let filters = [
            Filter::Leader(7),
            Filter::And(vec![
                Filter::Backlog(today),
                Filter::Region("640106".into()),
                Filter::Campaign(2),
            ]),
            Filter::And(vec![
                Filter::Region("6404".into()),
                Filter::DueBefore(today),
            ]),
            Filter::And(vec![Filter::Unit(5), Filter::DueBefore(day(4))]),
            Filter::ReceivedBetween(day(-2), today),
            Filter::ReceivedBetween(day(-6), today),
            Filter::And(vec![Filter::Region("6401".into()), Filter::Open]),
            Filter::Ids(vec![3, 9, 12]),
            Filter::Search("工资 region:6401".into()),
        ];
        for filter in filters {
            let saved = QueueConfig::from_filter(&filter, today).expect("saveable");
            let config = QueueConfig {
                name: "s".into(),
                title: "s".into(),
                ..saved
            };
            // Written and read back as settings text.
            let text = toml::to_string(&config).expect("writes");
            let read: QueueConfig = toml::from_str(&text).expect("reads back");
            assert_eq!(read, config, "{text}");
            let built = read.build(today, 3, "u").expect("builds");
            assert_eq!(parts(&built.filter), parts(&filter), "{text}");
        }
        // "This week" stays this week the next Monday, not the same three days.
        let week = QueueConfig::from_filter(&Filter::ReceivedBetween(day(-2), today), today)
            .expect("saveable");
        assert_eq!(week.received, Some(crate::domain::board::Span::Week));
        let monday = day(5);
        let next = week.build(monday, 3, "u").expect("builds");
        assert_eq!(next.filter, Filter::ReceivedBetween(monday, monday));
        // What has no lasting form is refused, not saved wrong.
        assert!(QueueConfig::from_filter(&Filter::Owner("u".into()), today).is_none());
        assert!(
            QueueConfig::from_filter(&Filter::ReceivedBetween(day(-30), day(-20)), today).is_none()
        );
    }

    #[test]
    fn mistakes_are_named() {
        let bad: Result<QueueConfig, _> =
            toml::from_str("name = \"w\"\ntitle = \"x\"\nstates = [\"flying\"]\n");
        assert!(
            bad.err()
                .is_some_and(|e| e.to_string().contains("unknown state `flying`"))
        );
        let config: QueueConfig =
            toml::from_str("name = \"w\"\ntitle = \"x\"\nbase = \"nope\"\n").expect("parses");
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        assert!(
            config
                .build(today, 3, "u")
                .is_err_and(|e| e.contains("unknown base `nope`"))
        );
    }
}
