//! Queues as data: a filter, a sort and a name; plus the row and page types a queue returns.
//!
//! Backends translate `Filter` and `Sort` into their own query language with bound parameters;
//! nothing here knows SQL. Built-in queues are the ones design.md lists.

use crate::domain::{CaseId, Category, Channel, Class, State};
use chrono::NaiveDate;
use serde::Serialize;

/// A condition on cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Every case.
    All,
    /// The case's state is one of these.
    StateIn(Vec<State>),
    /// The subject category is set (`true`) or missing (`false`).
    HasCategory(bool),
    /// The running duty clock's last day is before the given day.
    DueBefore(NaiveDate),
    /// The running duty clock's last day is within the range (both ends included).
    DueBetween(NaiveDate, NaiveDate),
    /// The case is open (not concluded, final, declined or diverted).
    Open,
    Supervised,
    Packaged,
    /// A backlog case on this day: flagged, or open longer than `backlog_open_days` (the stored
    /// `backlog_from`).
    Backlog(NaiveDate),
    Collective,
    Repeat,
    /// Owned by this user.
    Owner(String),
    /// In a region: an admin-code prefix of the county (`6401`).
    Region(String),
    /// Of a subject category.
    Category(Category),
    /// Exactly these cases (a board's drill-down).
    Ids(Vec<CaseId>),
    /// Received within the range (both ends included).
    ReceivedBetween(NaiveDate, NaiveDate),
    /// Handled by this responsible unit.
    Unit(crate::domain::UnitId),
    /// Packaged to this leader.
    Leader(crate::domain::LeaderId),
    /// On this campaign's case list.
    Campaign(i64),
    /// The matches of a search query (a saved search queue). The console resolves it against
    /// its search index into `Ids` before the store sees it; a store given one unresolved (the
    /// index is not built yet) matches nothing.
    Search(String),
    /// All of these.
    And(Vec<Filter>),
}

impl Filter {
    /// Whether a search query is part of this filter.
    pub fn has_search(&self) -> bool {
        match self {
            Filter::Search(_) => true,
            Filter::And(parts) => parts.iter().any(Filter::has_search),
            _ => false,
        }
    }
}

/// What a queue is ordered by; ties are broken by case id in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Received,
    /// By deadline, leaving out cases without one (the deadline queues).
    Due,
    /// By deadline, cases without one last (a user's sort of any queue).
    DueAll,
    Number,
    Channel,
    County,
    Category,
    Title,
    State,
}

impl SortKey {
    /// The column expression it orders by; every one is a text or date never NULL.
    pub fn column(self) -> &'static str {
        match self {
            SortKey::Received => "received_on",
            SortKey::Due => "due_on",
            SortKey::DueAll => "COALESCE(due_on, '9999-12-31')",
            SortKey::Number => "number",
            SortKey::Channel => "channel",
            SortKey::County => "county",
            SortKey::Category => "COALESCE(category, '')",
            SortKey::Title => "title",
            SortKey::State => "state",
        }
    }
}

/// Order of a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// The built-in queues of design.md, in the order the queue list shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    ToRegister,
    ToForward,
    AwaitingAcceptance,
    InHandling,
    DueSoon,
    Overdue,
    Review,
    Supervised,
    Packaged,
    Backlog,
    Collective,
    Repeat,
    Mine,
    All,
}

impl Builtin {
    /// Every built-in queue, in display order.
    pub const ALL: [Builtin; 14] = [
        Builtin::ToRegister,
        Builtin::ToForward,
        Builtin::AwaitingAcceptance,
        Builtin::InHandling,
        Builtin::DueSoon,
        Builtin::Overdue,
        Builtin::Review,
        Builtin::Supervised,
        Builtin::Packaged,
        Builtin::Backlog,
        Builtin::Collective,
        Builtin::Repeat,
        Builtin::Mine,
        Builtin::All,
    ];

    /// Kebab-case name, as used by `--queue` and `:queue`.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::ToRegister => "to-register",
            Builtin::ToForward => "to-forward",
            Builtin::AwaitingAcceptance => "awaiting-acceptance",
            Builtin::InHandling => "in-handling",
            Builtin::DueSoon => "due-soon",
            Builtin::Overdue => "overdue",
            Builtin::Review => "review",
            Builtin::Supervised => "supervised",
            Builtin::Packaged => "packaged",
            Builtin::Backlog => "backlog",
            Builtin::Collective => "collective",
            Builtin::Repeat => "repeat",
            Builtin::Mine => "mine",
            Builtin::All => "all",
        }
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Builtin::ToRegister => "待登记",
            Builtin::ToForward => "待转送",
            Builtin::AwaitingAcceptance => "待受理",
            Builtin::InHandling => "办理中",
            Builtin::DueSoon => "即将到期",
            Builtin::Overdue => "已超期",
            Builtin::Review => "复查复核",
            Builtin::Supervised => "督办",
            Builtin::Packaged => "领导包案",
            Builtin::Backlog => "积案",
            Builtin::Collective => "集体访",
            Builtin::Repeat => "重复信访",
            Builtin::Mine => "我的",
            Builtin::All => "全部",
        }
    }

    /// English label.
    pub fn en(self) -> &'static str {
        match self {
            Builtin::ToRegister => "To register",
            Builtin::ToForward => "To forward",
            Builtin::AwaitingAcceptance => "Awaiting acceptance",
            Builtin::InHandling => "In handling",
            Builtin::DueSoon => "Due soon",
            Builtin::Overdue => "Overdue",
            Builtin::Review => "Review / re-review",
            Builtin::Supervised => "Supervised",
            Builtin::Packaged => "Leader-packaged",
            Builtin::Backlog => "Backlog",
            Builtin::Collective => "Collective",
            Builtin::Repeat => "Repeat",
            Builtin::Mine => "Mine",
            Builtin::All => "All",
        }
    }

    /// Parses a kebab-case queue name.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|q| q.name() == name)
    }

    /// The queue's filter and sort for `user` on `today`, with `due_soon_days` from the rules.
    pub fn query(self, today: NaiveDate, due_soon_days: u32, user: &str) -> (Filter, Sort) {
        let newest = Sort {
            key: SortKey::Received,
            descending: true,
        };
        let soonest = Sort {
            key: SortKey::Due,
            descending: false,
        };
        let due_soon_end = crate::domain::calendar::add_days(today, due_soon_days);
        match self {
            Builtin::ToRegister => (
                Filter::And(vec![
                    Filter::StateIn(vec![State::Registered]),
                    Filter::HasCategory(false),
                ]),
                newest,
            ),
            Builtin::ToForward => (
                Filter::And(vec![
                    Filter::StateIn(vec![State::Registered]),
                    Filter::HasCategory(true),
                ]),
                newest,
            ),
            Builtin::AwaitingAcceptance => (Filter::StateIn(vec![State::Forwarded]), newest),
            Builtin::InHandling => (
                Filter::StateIn(vec![State::Accepted, State::InHandling]),
                newest,
            ),
            Builtin::DueSoon => (Filter::DueBetween(today, due_soon_end), soonest),
            Builtin::Overdue => (Filter::DueBefore(today), soonest),
            Builtin::Review => (
                Filter::StateIn(vec![State::InReview, State::InReReview]),
                newest,
            ),
            Builtin::Supervised => (Filter::And(vec![Filter::Supervised, Filter::Open]), newest),
            Builtin::Packaged => (Filter::Packaged, newest),
            Builtin::Backlog => (Filter::Backlog(today), newest),
            Builtin::Collective => (Filter::Collective, newest),
            Builtin::Repeat => (Filter::Repeat, newest),
            Builtin::Mine => (
                Filter::And(vec![Filter::Owner(user.to_string()), Filter::Open]),
                newest,
            ),
            Builtin::All => (Filter::All, newest),
        }
    }
}

/// Who is asking and for which region: every query is limited to the region scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Admin-code prefix (`64` = the whole province, `6401` = Yinchuan, `640106` = Jinfeng).
    pub region: String,
    /// The user the `mine` queue is for.
    pub user: String,
    /// The day queries are evaluated on.
    pub today: NaiveDate,
}

/// One line of a queue: what the case table shows, no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    pub id: CaseId,
    pub number: String,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub county: String,
    pub category: Option<Category>,
    pub class: Option<Class>,
    /// Art 30: category 纪检监察, class accusation or route discipline inspection.
    pub confidential: bool,
    pub title: String,
    pub state: State,
    /// Last day of the running duty clock, if any.
    pub due_on: Option<NaiveDate>,
    pub supervised: bool,
    pub backlog: bool,
    pub collective: bool,
    pub repeat: bool,
    pub packaged: bool,
    pub threat: bool,
    pub urgent: bool,
    pub owner: Option<String>,
    pub version: i64,
}

/// Where the next page starts: the sort value (as the column holds it) and id of the last row
/// of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: Option<String>,
    pub id: CaseId,
}

impl Cursor {
    /// The cursor after `row` for a queue sorted by `sort`.
    pub fn after(row: &CaseRow, sort: Sort) -> Cursor {
        let key = match sort.key {
            SortKey::Received => Some(row.received_on.to_string()),
            SortKey::Due => row.due_on.map(|d| d.to_string()),
            SortKey::DueAll => Some(
                row.due_on
                    .map_or_else(|| "9999-12-31".to_string(), |d| d.to_string()),
            ),
            SortKey::Number => Some(row.number.clone()),
            SortKey::Channel => Some(row.channel.code().to_string()),
            SortKey::County => Some(row.county.clone()),
            SortKey::Category => Some(row.category.map_or("", |c| c.code()).to_string()),
            SortKey::Title => Some(row.title.clone()),
            SortKey::State => Some(row.state.code().to_string()),
        };
        Cursor { key, id: row.id }
    }
}

/// One page of a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub rows: Vec<CaseRow>,
    /// Where the following page starts; `None` at the end of the queue.
    pub next: Option<Cursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for q in Builtin::ALL {
            assert!(seen.insert(q.name()));
            assert_eq!(Builtin::from_name(q.name()), Some(q));
        }
        assert_eq!(Builtin::from_name("nope"), None);
    }

    #[test]
    fn due_soon_spans_today_to_the_threshold() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let (filter, sort) = Builtin::DueSoon.query(today, 3, "u");
        let end = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        assert_eq!(filter, Filter::DueBetween(today, end));
        assert_eq!(sort.key, SortKey::Due);
    }
}
