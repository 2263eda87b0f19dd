//! A petition case (信访事项) as the rules see it: intake data, current state, milestones, flags
//! and the leader package with its five duties.
//!
//! A `Case` is the fold of its events: `lifecycle::apply` is the only code that changes the fields
//! below `intake`. Pure: no I/O, no SQL, no terminal.

use super::codes::{Category, Channel, Class, DivertRoute, Duty, Outcome, Satisfaction};

/// Art 30 confidentiality from the facts that decide it (for stores and rows that do not hold a
/// whole `Case`): category 纪检监察, class accusation, route discipline inspection, or an accused
/// person or unit on record (only an accusation has one).
pub fn confidential(
    category: Option<Category>,
    class: Option<Class>,
    route: Option<DivertRoute>,
    accused_recorded: bool,
) -> bool {
    category == Some(Category::Discipline)
        || class == Some(Class::Accusation)
        || route == Some(DivertRoute::DisciplineInspection)
        || accused_recorded
}
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

/// The SHA-256 (hex) of the registration fields, recorded on the registration event: the stored
/// fields, with their recorded corrections taken back, must still give it. The accused party is
/// left out: `record-accused` steps change it, and the replay checks those.
pub fn intake_digest(intake: &Intake) -> String {
    use sha2::{Digest, Sha256};
    let registered = Intake {
        accused: String::new(),
        accused_unit: None,
        ..intake.clone()
    };
    let text = serde_json::to_string(&registered).unwrap_or_default();
    hex::encode(Sha256::digest(text.as_bytes()))
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
    /// 被反映人/单位: the person or unit an accusation is about (Art 30); empty when none.
    #[serde(default)]
    pub accused: String,
    /// The responsible unit an accusation is about, if it is one: never forwarded to it.
    #[serde(default)]
    pub accused_unit: Option<UnitId>,
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
    /// The bureau's first disposal (forward, assign, decline or divert; Art 22).
    pub disposed_on: Option<NaiveDate>,
    /// The unit's answer to a forwarded case (accept, decline, divert, or an agreed objection;
    /// Art 23).
    pub answered_on: Option<NaiveDate>,
    /// Day the unit lodged an objection the bureau has not decided yet (Art 23 ¶3).
    pub objection_on: Option<NaiveDate>,
    /// Day the petitioner received the written reply (送达); the Art 35 window runs from it.
    pub delivered_on: Option<NaiveDate>,
    /// Day the petitioner received the review opinion; the Art 36 window runs from it.
    pub review_delivered_on: Option<NaiveDate>,
    /// Day the review opinion was evaluated (kept apart from the first evaluation).
    pub review_evaluated_on: Option<NaiveDate>,
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
    /// Days added by extensions, in total (0 when not extended; at most 30, Art 34).
    pub extension_days: u32,
    /// Hearing (听证) days not counted against the re-review clock.
    pub hearing_days: u32,
    /// Outcome of the latest reply or opinion.
    pub outcome: Option<Outcome>,
    /// The first-handling evaluation (谁办理、谁接受评价): never overwritten by a later one.
    pub satisfaction: Option<Satisfaction>,
    /// The evaluation of the review opinion, counted apart.
    pub review_satisfaction: Option<Satisfaction>,
    /// The bureau rejected the unit's objection: the unit must accept (Art 23 ¶3).
    pub objection_rejected: bool,
    /// Region code of the body handling the review or re-review (one level up each time).
    pub review_body: Option<String>,
    pub route: Option<DivertRoute>,
    pub supervised: bool,
    pub backlog: bool,
    pub collective: bool,
    pub repeat_of: Option<CaseId>,
    /// The earlier case this repeats had reached `Final`: this one can only be declined (Art 36 ¶3).
    pub repeat_of_final: bool,
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
            review_satisfaction: None,
            objection_rejected: false,
            review_body: None,
            route: None,
            supervised: false,
            backlog: false,
            collective: false,
            repeat_of: None,
            repeat_of_final: false,
            agreement_on: None,
            owner: None,
            package: None,
            version: 1,
        }
    }

    /// True when the case is confidential under Art 30 (domain.md §4): its category is 纪检监察,
    /// its class is accusation, its route is discipline inspection, or an accused party is
    /// recorded — from registration on.
    pub fn is_confidential(&self) -> bool {
        confidential(
            self.intake.category,
            self.class,
            self.route,
            !self.intake.accused.is_empty() || self.intake.accused_unit.is_some(),
        )
    }

    /// True when Art 34's statutory 60 (+30) day clock and the Art 35–36 review chain apply: a
    /// 申诉求决类 case on the petition route (Art 31 item 6). Suggestions (Art 29) and accusations
    /// (Art 30) have an internal target instead. A case not yet classified is held to the
    /// statutory clock, the stricter of the two.
    pub fn has_statutory_clock(&self) -> bool {
        !matches!(self.class, Some(Class::Suggestion | Class::Accusation)) && self.route.is_none()
    }

    /// True when the case is litigation-related (涉法涉诉), which KPIs 1–4 exclude.
    pub fn is_litigation(&self) -> bool {
        self.intake.category == Some(Category::Litigation)
            || self.route == Some(DivertRoute::Litigation)
    }
}
