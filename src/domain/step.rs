//! Steps: everything that can happen to a case, and the event that records it.
//!
//! A `Step` is what a user (or an import) asks for; an `Event` is a step that was applied, with who
//! and when. Events serialise to JSON for the events table. Pure.

use super::case::{CaseId, LeaderId, UnitId};
use super::codes::{Category, Class, DivertRoute, Duty, Outcome, Satisfaction};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// One thing that can happen to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Step {
    /// The petition was received and registered (登记). Always the first event. `intake`: the
    /// SHA-256 of the registration fields as registered (`case::intake_digest`), so that the
    /// stored fields can be checked against the history; absent from older histories.
    Register {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        intake: Option<String>,
    },
    /// Forwarded (转送) or assigned (交办, `assign`) to a responsible unit.
    Forward { unit: UnitId, assign: bool },
    /// The unit objects that the matter is not its remit (Art 23 ¶3); the bureau decides.
    Object { reason: String },
    /// The bureau decides the unit's objection: agreed, the case returns to the bureau; rejected,
    /// the unit must accept it (Art 23 ¶3).
    DecideObjection {
        agree: bool,
        reason: String,
        /// Whether an agreed objection restarts the Art 22 clock: filled by the store from the
        /// rules in force when it is taken, so the history replays the same under any rules
        /// (`None`: the replaying rules' `objection_restarts_dispose`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        restart: Option<bool>,
    },
    /// The unit accepted (受理) the case, classifying it by law.
    Accept { class: Class },
    /// Handling started (办理).
    StartHandling,
    /// Declined (不予受理) with a reason.
    Decline { reason: String },
    /// Left the petition route (导出) for another channel.
    Divert { route: DivertRoute, reason: String },
    /// An extension of the handling deadline (延期, Art 34): at most 30 days in total.
    Extend { days: u32, reason: String },
    /// Written reply (答复) with its outcome (Art 32). `delivered_on` is the day the petitioner
    /// received it; when absent, the rules' default for the case's channel.
    Reply {
        outcome: Outcome,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivered_on: Option<NaiveDate>,
    },
    /// The day the petitioner received the latest reply or review opinion (送达), corrected from
    /// the default when the receipt comes back.
    RecordDelivery { on: NaiveDate },
    /// The petitioner evaluated the latest reply (满意度评价).
    Evaluate { rating: Satisfaction },
    /// The petitioner asked for review (复查, Art 35), handled by the body one level up (`body`,
    /// a region code; the store fills it from the responsible unit).
    RequestReview {
        #[serde(default)]
        body: String,
    },
    /// The review opinion.
    ReplyReview {
        outcome: Outcome,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivered_on: Option<NaiveDate>,
    },
    /// The petitioner asked for re-review (复核, Art 36), one level above the reviewer.
    RequestReReview {
        #[serde(default)]
        body: String,
    },
    /// A hearing (听证) held during re-review; its days are not counted (Art 36).
    RecordHearing { days: u32 },
    /// The re-review opinion, which ends the case for good (终结).
    Finalise { outcome: Outcome, text: String },
    /// The case is concluded (办结): no appeal came in time, or the petitioner was satisfied.
    Conclude,
    /// Supervision (督办) switched on or off.
    Supervise { on: bool },
    /// Backlog (积案) flag switched on or off.
    FlagBacklog { on: bool },
    /// Collective-visit (集体访) flag switched on or off.
    FlagCollective { on: bool },
    /// Marked as a repeat of an earlier case (重复信访). `of_final`: that case had reached `Final`
    /// (the store fills it), so this one can only be declined (Art 36 ¶3).
    LinkRepeat {
        of: CaseId,
        #[serde(default)]
        of_final: bool,
    },
    /// The person or unit an accusation is about (被反映人/单位, Art 30): the case is never
    /// forwarded to that unit, and neither sees the accusation.
    RecordAccused { name: String, unit: Option<UnitId> },
    /// Class and subject category set or changed.
    Classify {
        class: Option<Class>,
        category: Category,
    },
    /// Packaged to a leader (领导包案).
    PackageToLeader { leader: LeaderId },
    /// One of the five duties ticked.
    TickDuty { duty: Duty, note: String },
    /// A signed agreement to stop petitioning (息诉罢访) was recorded.
    SignAgreement,
    /// Owner in the console set or cleared.
    AssignOwner { owner: Option<String> },
    /// A free-text note.
    Note { text: String },
    /// A registration field corrected: which, from what, to what.
    Edit {
        field: IntakeField,
        from: String,
        to: String,
    },
    /// Takes back the step recorded as event `of` (a compensating event; history is kept). Only
    /// the store applies it, by replaying the history without that step.
    Undo { of: i64 },
    /// A case brought in by `xinfang import`: one event holding its whole history (which starts
    /// with its registration), played through the rules when imported. `source` is the file and
    /// line it came from. Replays expand it into its steps (`lifecycle::expand`).
    Import { source: String, history: Vec<Event> },
}

impl Step {
    /// Kebab-case name of the step, as stored in the events table.
    pub fn name(&self) -> &'static str {
        match self {
            Step::Register { .. } => "register",
            Step::Forward { .. } => "forward",
            Step::Object { .. } => "object",
            Step::DecideObjection { .. } => "decide-objection",
            Step::RecordDelivery { .. } => "record-delivery",
            Step::Accept { .. } => "accept",
            Step::StartHandling => "start-handling",
            Step::Decline { .. } => "decline",
            Step::Divert { .. } => "divert",
            Step::Extend { .. } => "extend",
            Step::Reply { .. } => "reply",
            Step::Evaluate { .. } => "evaluate",
            Step::RequestReview { .. } => "request-review",
            Step::ReplyReview { .. } => "reply-review",
            Step::RequestReReview { .. } => "request-re-review",
            Step::RecordHearing { .. } => "record-hearing",
            Step::Finalise { .. } => "finalise",
            Step::Conclude => "conclude",
            Step::Supervise { .. } => "supervise",
            Step::FlagBacklog { .. } => "flag-backlog",
            Step::FlagCollective { .. } => "flag-collective",
            Step::LinkRepeat { .. } => "link-repeat",
            Step::Classify { .. } => "classify",
            Step::RecordAccused { .. } => "record-accused",
            Step::PackageToLeader { .. } => "package",
            Step::TickDuty { .. } => "tick-duty",
            Step::SignAgreement => "sign-agreement",
            Step::AssignOwner { .. } => "assign-owner",
            Step::Note { .. } => "note",
            Step::Edit { .. } => "edit",
            Step::Undo { .. } => "undo",
            Step::Import { .. } => "import",
        }
    }
}

code_enum! {
    /// The registration fields that can be corrected after registration.
    IntakeField {
        Title = ("title", "标题", "title"),
        Summary = ("summary", "摘要", "summary"),
        Name = ("name", "信访人姓名", "petitioner's name"),
        IdNumber = ("id-number", "身份证号", "ID number"),
        Phone = ("phone", "电话", "phone"),
        Address = ("address", "地址", "address"),
    }
}

impl IntakeField {
    /// The field's current value.
    pub fn get(self, intake: &super::case::Intake) -> &str {
        match self {
            IntakeField::Title => &intake.title,
            IntakeField::Summary => &intake.summary,
            IntakeField::Name => &intake.petitioner.name,
            IntakeField::IdNumber => &intake.petitioner.id_number,
            IntakeField::Phone => &intake.petitioner.phone,
            IntakeField::Address => &intake.petitioner.address,
        }
    }

    fn slot(self, intake: &mut super::case::Intake) -> &mut String {
        match self {
            IntakeField::Title => &mut intake.title,
            IntakeField::Summary => &mut intake.summary,
            IntakeField::Name => &mut intake.petitioner.name,
            IntakeField::IdNumber => &mut intake.petitioner.id_number,
            IntakeField::Phone => &mut intake.petitioner.phone,
            IntakeField::Address => &mut intake.petitioner.address,
        }
    }

    /// Sets the field.
    pub fn set(self, intake: &mut super::case::Intake, value: &str) {
        *self.slot(intake) = value.to_string();
    }

    /// Why `value` cannot be this field, if it cannot.
    pub fn problem(self, value: &str) -> Option<String> {
        match self {
            IntakeField::Title | IntakeField::Summary | IntakeField::Name
                if value.trim().is_empty() =>
            {
                Some(format!("the {} cannot be empty", self.en()))
            }
            IntakeField::IdNumber if !value.is_empty() => id_number_problem(value),
            IntakeField::Phone if !value.is_empty() => phone_problem(value),
            _ => None,
        }
    }
}

/// Why `id` is not a well-formed 18-character resident ID number (its check character included).
pub fn id_number_problem(id: &str) -> Option<String> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let chars: Vec<char> = id.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(|c| c.is_ascii_digit()) {
        return Some("an ID number is 17 digits and a check character".into());
    }
    let sum: u32 = chars[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let expected = CHECK[(sum % 11) as usize];
    (chars[17].to_ascii_uppercase() != expected)
        .then(|| format!("the ID number's check character should be {expected}"))
}

/// Why `phone` is not an 11-digit mobile or a landline with area code.
pub fn phone_problem(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(|c| *c != '-').collect();
    let ok = digits.chars().all(|c| c.is_ascii_digit())
        && (digits.len() == 11 && digits.starts_with('1')
            || (10..=12).contains(&digits.len()) && digits.starts_with('0'));
    (!ok).then(|| {
        "a phone is an 11-digit mobile (1xxxxxxxxxx) or a landline with its area code".into()
    })
}

/// The Chinese name of a step, from its kebab-case name (for explanations in Chinese).
pub fn name_zh(name: &str) -> &str {
    match name {
        "register" => "登记",
        "forward" => "转送/交办",
        "object" => "单位异议",
        "decide-objection" => "异议审核",
        "record-delivery" => "登记送达",
        "accept" => "受理",
        "start-handling" => "开始办理",
        "decline" => "不予受理",
        "divert" => "导出",
        "extend" => "延期",
        "reply" => "答复",
        "evaluate" => "满意度评价",
        "request-review" => "申请复查",
        "reply-review" => "复查意见",
        "request-re-review" => "申请复核",
        "record-hearing" => "听证",
        "finalise" => "复核终结",
        "conclude" => "办结",
        "supervise" => "督办",
        "flag-backlog" => "积案标记",
        "flag-collective" => "集体访标记",
        "link-repeat" => "关联重复信访",
        "classify" => "分类",
        "record-accused" => "登记被反映人/单位",
        "package" => "领导包案",
        "tick-duty" => "五包落实",
        "sign-agreement" => "息诉罢访协议",
        "assign-owner" => "指定经办人",
        "note" => "备注",
        "edit" => "更正登记信息",
        "undo" => "撤销",
        "import" => "导入",
        other => other,
    }
}

/// A step's name as an English verb phrase, for "cannot … a case that is …".
pub fn verb_en(name: &str) -> &str {
    match name {
        "start-handling" => "start handling",
        "object" => "object to",
        "decide-objection" => "decide an objection on",
        "record-delivery" => "record the delivery of a reply on",
        "reply" => "reply to",
        "evaluate" => "record satisfaction with",
        "request-review" => "request a review of",
        "reply-review" => "give a review opinion on",
        "request-re-review" => "request a re-review of",
        "record-hearing" => "record a hearing on",
        "flag-backlog" => "flag as backlog",
        "flag-collective" => "flag as collective",
        "link-repeat" => "link as a repeat",
        "tick-duty" => "tick a duty on",
        "sign-agreement" => "record an agreement on",
        "assign-owner" => "assign an owner to",
        "note" => "add a note to",
        "edit" => "correct",
        "record-accused" => "record the accused party of",
        "undo" => "undo a step on",
        "import" => "import",
        other => other,
    }
}

/// A step that was applied: who, when (China local time) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at: NaiveDateTime,
    pub actor: String,
    pub step: Step,
}
