//! A petition case (信访事项) as the rules see it: intake data, current state, milestones, flags
//! and the leader package with its five duties.
//!
//! A `Case` is the fold of its events: `lifecycle::apply` is the only code that changes the fields
//! below `intake`. Pure: no I/O, no SQL, no terminal.

use super::codes::{Category, Channel, Class, DivertRoute, Duty, Outcome, Satisfaction};
use super::state::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Database identity of a case.
pub type CaseId = i64;
/// Database identity of a responsible unit.
pub type UnitId = i64;
/// Database identity of a leader.
pub type LeaderId = i64;

/// Who petitioned. Personal data: masked by role, never on a wall board, never in logs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Petitioner {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
}

/// What registration records about a petition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub title: String,
    pub summary: String,
    pub channel: Channel,
    /// Subject category; `None` while registration is incomplete.
    pub category: Option<Category>,
    /// County-level admin code (6 digits).
    pub county: String,
    /// Township code (9 digits; the county code followed by three).
    pub township: String,
    pub petitioner: Petitioner,
    /// 信访人数: people who came or signed.
    pub persons: u32,
    /// 涉及人数: people the matter involves.
    pub involved: u32,
    /// 扬言: a threat to harm self or others.
    pub threat: bool,
    /// 重大紧急: major or urgent, to be reported upward promptly (Art 25).
    pub urgent: bool,
    /// Day the petition was received and registered.
    pub received_on: NaiveDate,
}

/// Dates on which the case entered its states; the clocks start from these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestones {
    /// Last entry into `Registered` (receipt, or the day an objection returned it).
    pub registered_on: Option<NaiveDate>,
    pub forwarded_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
    pub evaluated_on: Option<NaiveDate>,
    pub review_requested_on: Option<NaiveDate>,
    pub review_replied_on: Option<NaiveDate>,
    pub re_review_requested_on: Option<NaiveDate>,
    /// Day the case reached a closed state (concluded, final, declined, diverted).
    pub closed_on: Option<NaiveDate>,
}

/// One of the five duties: when it was ticked and what was noted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyRecord {
    pub done_on: NaiveDate,
    pub note: String,
}

/// A leader package (领导包案, Art 18) with the five-duty checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub leader: LeaderId,
    pub packaged_on: NaiveDate,
    pub duties: [Option<DutyRecord>; 5],
}

impl Package {
    /// How many of the five duties are ticked.
    pub fn duties_done(&self) -> usize {
        self.duties.iter().filter(|d| d.is_some()).count()
    }

    /// The record of one duty, if ticked.
    pub fn duty(&self, duty: Duty) -> Option<&DutyRecord> {
        self.duties[duty.index()].as_ref()
    }
}

/// A petition case: intake plus everything its events have made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: CaseId,
    /// Human case number, e.g. `NX-2026-000123`.
    pub number: String,
    pub intake: Intake,
    pub state: State,
    pub class: Option<Class>,
    pub unit: Option<UnitId>,
    /// Whether the forward was an assignment (交办) requiring a completion report.
    pub assigned: bool,
    pub dates: Milestones,
    /// Days added by the one permitted extension (0 when not extended).
    pub extension_days: u32,
    /// Hearing (听证) days not counted against the re-review clock.
    pub hearing_days: u32,
    /// Outcome of the latest reply or opinion.
    pub outcome: Option<Outcome>,
    pub satisfaction: Option<Satisfaction>,
    pub route: Option<DivertRoute>,
    pub supervised: bool,
    pub backlog: bool,
    pub collective: bool,
    pub repeat_of: Option<CaseId>,
    /// Day a signed 息诉罢访 agreement was recorded.
    pub agreement_on: Option<NaiveDate>,
    /// Operator who owns the case in the console ("mine").
    pub owner: Option<String>,
    pub package: Option<Package>,
    /// Optimistic-concurrency version: one more for every event.
    pub version: i64,
}

impl Case {
    /// A freshly registered case (the state after its `Register` event).
    pub fn registered(id: CaseId, number: String, intake: Intake) -> Case {
        let received = intake.received_on;
        Case {
            id,
            number,
            intake,
            state: State::Registered,
            class: None,
            unit: None,
            assigned: false,
            dates: Milestones {
                registered_on: Some(received),
                ..Milestones::default()
            },
            extension_days: 0,
            hearing_days: 0,
            outcome: None,
            satisfaction: None,
            route: None,
            supervised: false,
            backlog: false,
            collective: false,
            repeat_of: None,
            agreement_on: None,
            owner: None,
            package: None,
            version: 1,
        }
    }

    /// True when the case is litigation-related (涉法涉诉), which KPIs 1–4 exclude.
    pub fn is_litigation(&self) -> bool {
        self.intake.category == Some(Category::Litigation)
            || self.route == Some(DivertRoute::Litigation)
    }
}
