//! The case state machine: which step is allowed when, and what it changes.
//!
//! `check` explains why a step is refused (and until when) without changing anything; `apply`
//! checks and then changes the case. Every refusal names the rule it enforces. Pure.

use super::case::{Case, DutyRecord, Package};
use super::codes::Satisfaction;
use super::deadline::{handling_due, objection_window};
use super::rules::{self, Rules};
use super::state::State;
use super::step::Step;
use chrono::{NaiveDate, NaiveDateTime};
use thiserror::Error;

/// Why a step cannot be applied to a case now.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleError {
    #[error("cannot {} a case that is {state}", super::step::verb_en(.step))]
    NotAllowed { step: &'static str, state: State },
    #[error("registration happens once, when the case is created")]
    AlreadyRegistered,
    #[error("extensions total at most 30 days (Art 34): {used} already granted, {days} more asked")]
    ExtensionCap { used: u32, days: u32 },
    #[error("an extension is at least 1 day (Art 34)")]
    ExtensionLength,
    #[error(
        "Art 34's extension is for 申诉求决类 cases; a suggestion or accusation has an internal target"
    )]
    ExtensionNotStatutory,
    #[error(
        "review and re-review (Art 35–36) apply to 申诉求决类 cases on the petition route only"
    )]
    NoReviewChain,
    #[error("the unit's objection awaits the bureau's decision (Art 23 ¶3)")]
    ObjectionPending,
    #[error("there is no objection to decide (Art 23 ¶3)")]
    NoObjection,
    #[error("the bureau rejected the unit's objection: the unit must accept the case (Art 23 ¶3)")]
    ObjectionRejected,
    #[error(
        "the matter reached 终结 in an earlier case: it is not accepted again and can only be declined (Art 36 ¶3)"
    )]
    FinalMatter,
    #[error("the evaluation window closed on {closed_on}")]
    EvaluationWindowClosed { closed_on: NaiveDate },
    #[error("a hearing is recorded while the re-review clock runs; it ran out on {due} (Art 36)")]
    HearingOutsideClock { due: NaiveDate },
    #[error("an accusation is never forwarded to the unit it accuses (Art 30)")]
    AccusedUnit,
    #[error("the delivery day must fall between the reply on {replied} and today")]
    DeliveryDate { replied: NaiveDate },
    #[error(
        "the handling deadline passed on {due}; an extension must be granted before it (Art 34)"
    )]
    ExtensionTooLate { due: NaiveDate },
    #[error("the unit's objection window (5 working days) closed on {closed_on} (Art 23)")]
    ObjectionWindowClosed { closed_on: NaiveDate },
    #[error("the review window closed on {closed_on} (Art 35)")]
    ReviewWindowClosed { closed_on: NaiveDate },
    #[error("the re-review window closed on {closed_on} (Art 36)")]
    ReReviewWindowClosed { closed_on: NaiveDate },
    #[error(
        "the petitioner may still appeal until {until}; conclude after that, or once they are satisfied"
    )]
    AppealWindowOpen { until: NaiveDate },
    #[error("the latest reply has already been evaluated")]
    AlreadyEvaluated,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("a reply needs its text")]
    TextRequired,
    #[error("a hearing lasts at least one day")]
    HearingLength,
    #[error("a case cannot be a repeat of itself")]
    RepeatOfItself,
    #[error("the case is not packaged to a leader")]
    NotPackaged,
    #[error("the case is already packaged to a leader")]
    AlreadyPackaged,
    #[error("the case is closed ({state}); only notes and flags can be added")]
    Closed { state: State },
    #[error("{problem}")]
    BadValue { problem: String },
    #[error("an undo is applied by the store, from the case's history")]
    UndoByStore,
    #[error("the step is dated {at}, before the case's last step on {last}")]
    OutOfOrder { at: NaiveDate, last: NaiveDate },
}

impl RuleError {
    /// The explanation in Chinese (the English one is `Display`).
    pub fn zh(&self) -> String {
        match self {
            RuleError::NotAllowed { step, state } => {
                format!(
                    "信访件当前为「{}」，不能执行「{}」",
                    state.zh(),
                    super::step::name_zh(step)
                )
            }
            RuleError::AlreadyRegistered => "登记只在建件时进行一次".into(),
            RuleError::ExtensionCap { used, days } => {
                format!("延期累计不得超过30日（第三十四条）：已延期{used}日，又申请{days}日")
            }
            RuleError::ExtensionLength => "延期至少1日（第三十四条）".into(),
            RuleError::ExtensionNotStatutory => {
                "第三十四条延期适用于申诉求决类；建议意见类、检举控告类按内部时限办理".into()
            }
            RuleError::NoReviewChain => {
                "复查、复核（第三十五、三十六条）仅适用于依信访程序办理的申诉求决类事项".into()
            }
            RuleError::ObjectionPending => "单位异议待信访部门审核（第二十三条第三款）".into(),
            RuleError::NoObjection => "没有待审核的异议（第二十三条第三款）".into(),
            RuleError::ObjectionRejected => {
                "信访部门不同意异议：有关单位应当受理（第二十三条第三款）".into()
            }
            RuleError::FinalMatter => {
                "该事项已在先前信访件中终结，不再受理，只能不予受理（第三十六条第三款）".into()
            }
            RuleError::EvaluationWindowClosed { closed_on } => {
                format!("满意度评价期已于{closed_on}届满")
            }
            RuleError::HearingOutsideClock { due } => {
                format!("听证须在复核期限内记录；复核期限已于{due}届满（第三十六条）")
            }
            RuleError::AccusedUnit => "检举控告不得转送被反映单位（第三十条）".into(),
            RuleError::DeliveryDate { replied } => {
                format!("送达日期须在答复日{replied}至今天之间")
            }
            RuleError::ExtensionTooLate { due } => {
                format!("办理期限已于{due}届满；延期须在期限内批准（第三十四条）")
            }
            RuleError::ObjectionWindowClosed { closed_on } => {
                format!("单位异议期（5个工作日）已于{closed_on}届满（第二十三条）")
            }
            RuleError::ReviewWindowClosed { closed_on } => {
                format!("复查申请期已于{closed_on}届满（第三十五条）")
            }
            RuleError::ReReviewWindowClosed { closed_on } => {
                format!("复核申请期已于{closed_on}届满（第三十六条）")
            }
            RuleError::AppealWindowOpen { until } => {
                format!("信访人可在{until}前申请复查/复核；期满或信访人满意后方可办结")
            }
            RuleError::AlreadyEvaluated => "最近一次答复已评价".into(),
            RuleError::ReasonRequired => "须填写理由".into(),
            RuleError::TextRequired => "答复须有内容".into(),
            RuleError::HearingLength => "听证至少一日".into(),
            RuleError::RepeatOfItself => "信访件不能关联自身为重复信访".into(),
            RuleError::NotPackaged => "该信访件尚未领导包案".into(),
            RuleError::AlreadyPackaged => "该信访件已领导包案".into(),
            RuleError::Closed { state } => {
                let zh = state.zh();
                let said = if zh.starts_with('已') { "" } else { "已" };
                format!("信访件{said}{zh}；只能添加备注和标记")
            }
            RuleError::BadValue { problem } => problem.clone(),
            RuleError::UndoByStore => "撤销由系统根据办理记录执行".into(),
            RuleError::OutOfOrder { at, last } => format!("步骤日期{at}早于该件上一步骤日期{last}"),
        }
    }

    /// The explanation in `lang`.
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Zh => self.zh(),
            crate::i18n::Lang::En => self.to_string(),
        }
    }
}

/// Explains whether `step` may be applied to `case` at `at`; `Ok` when it may.
pub fn check(case: &Case, step: &Step, at: NaiveDateTime, rules: &Rules) -> Result<(), RuleError> {
    let today = at.date();
    if let Some(last) = last_step_on(case)
        && today < last
    {
        return Err(RuleError::OutOfOrder { at: today, last });
    }
    let state = case.state;
    let not_allowed = || RuleError::NotAllowed {
        step: step.name(),
        state,
    };
    let require = |ok: bool| if ok { Ok(()) } else { Err(not_allowed()) };
    let reason = |text: &str| {
        if text.trim().is_empty() {
            Err(RuleError::ReasonRequired)
        } else {
            Ok(())
        }
    };
    let final_matter = || {
        if case.repeat_of_final {
            Err(RuleError::FinalMatter)
        } else {
            Ok(())
        }
    };
    match step {
        Step::Register { .. } => Err(RuleError::AlreadyRegistered),
        Step::Forward { unit, .. } => {
            require(state == State::Registered)?;
            final_matter()?;
            // Whether or not it is classified yet: once an accused unit is recorded, the case
            // never goes to it (Art 30).
            if case.intake.accused_unit == Some(*unit) {
                return Err(RuleError::AccusedUnit);
            }
            Ok(())
        }
        Step::Object { reason: why } => {
            require(state == State::Forwarded)?;
            if case.dates.objection_on.is_some() {
                return Err(RuleError::ObjectionPending);
            }
            if case.objection_rejected {
                return Err(RuleError::ObjectionRejected);
            }
            reason(why)?;
            if let Some(window) = objection_window(case, rules)
                && today > window.due_on
            {
                return Err(RuleError::ObjectionWindowClosed {
                    closed_on: window.due_on,
                });
            }
            Ok(())
        }
        Step::DecideObjection { reason: why, .. } => {
            require(state == State::Forwarded)?;
            if case.dates.objection_on.is_none() {
                return Err(RuleError::NoObjection);
            }
            reason(why)
        }
        Step::Accept { class } => {
            require(state == State::Forwarded)?;
            final_matter()?;
            accused_holds_it(case, Some(*class))
        }
        Step::StartHandling => require(state == State::Accepted),
        Step::Decline { reason: why } => {
            require(matches!(state, State::Registered | State::Forwarded))?;
            if state == State::Forwarded && case.objection_rejected {
                return Err(RuleError::ObjectionRejected);
            }
            reason(why)
        }
        Step::Divert { reason: why, .. } => {
            require(matches!(
                state,
                State::Registered | State::Forwarded | State::Accepted | State::InHandling
            ))?;
            final_matter()?;
            if state == State::Forwarded && case.objection_rejected {
                return Err(RuleError::ObjectionRejected);
            }
            reason(why)
        }
        Step::Extend { days, reason: why } => {
            require(state.is_handling())?;
            if !case.has_statutory_clock() {
                return Err(RuleError::ExtensionNotStatutory);
            }
            if *days == 0 {
                return Err(RuleError::ExtensionLength);
            }
            if case
                .extension_days
                .checked_add(*days)
                .is_none_or(|total| total > rules::MAX_EXTENSION_DAYS)
            {
                return Err(RuleError::ExtensionCap {
                    used: case.extension_days,
                    days: *days,
                });
            }
            reason(why)?;
            match handling_due(case, rules) {
                Some(due) if today > due => Err(RuleError::ExtensionTooLate { due }),
                _ => Ok(()),
            }
        }
        Step::Reply { text, .. } => {
            require(state.is_handling())?;
            non_empty(text)
        }
        Step::RecordDelivery { on } => {
            require(matches!(state, State::Replied | State::ReviewReplied))?;
            let replied = match state {
                State::ReviewReplied => case.dates.review_replied_on,
                _ => case.dates.replied_on,
            };
            match replied {
                Some(replied) if *on < replied || *on > today => {
                    Err(RuleError::DeliveryDate { replied })
                }
                _ => Ok(()),
            }
        }
        Step::Evaluate { .. } => {
            // A concluded case may still be evaluated inside the window: a suggestion or
            // accusation is concluded on its reply, or the petitioner was satisfied early.
            require(
                matches!(state, State::Replied | State::ReviewReplied)
                    || (state == State::Concluded && case.dates.replied_on.is_some()),
            )?;
            let evaluated = if evaluates_review(case) {
                case.dates.review_evaluated_on
            } else {
                case.dates.evaluated_on
            };
            if evaluated.is_some() {
                return Err(RuleError::AlreadyEvaluated);
            }
            match super::deadline::evaluation_window_end(case, rules) {
                Some(closed_on) if today > closed_on => {
                    Err(RuleError::EvaluationWindowClosed { closed_on })
                }
                _ => Ok(()),
            }
        }
        Step::RequestReview { .. } => {
            require(state == State::Replied)?;
            if !case.has_statutory_clock() {
                return Err(RuleError::NoReviewChain);
            }
            let closes = window_end(
                super::deadline::reply_received_on(case),
                rules::REVIEW_REQUEST_DAYS,
                rules,
            );
            match closes {
                Some(closed_on) if today > closed_on => {
                    Err(RuleError::ReviewWindowClosed { closed_on })
                }
                _ => Ok(()),
            }
        }
        Step::ReplyReview { text, .. } => {
            require(state == State::InReview)?;
            non_empty(text)
        }
        Step::RequestReReview { .. } => {
            require(state == State::ReviewReplied)?;
            let closes = window_end(
                super::deadline::review_received_on(case),
                rules::RE_REVIEW_REQUEST_DAYS,
                rules,
            );
            match closes {
                Some(closed_on) if today > closed_on => {
                    Err(RuleError::ReReviewWindowClosed { closed_on })
                }
                _ => Ok(()),
            }
        }
        Step::RecordHearing { days } => {
            require(state == State::InReReview)?;
            if *days == 0 {
                return Err(RuleError::HearingLength);
            }
            match super::deadline::current_clock(case, rules) {
                Some(clock) if today > clock.due_on => {
                    Err(RuleError::HearingOutsideClock { due: clock.due_on })
                }
                _ => Ok(()),
            }
        }
        Step::Finalise { text, .. } => {
            require(state == State::InReReview)?;
            non_empty(text)
        }
        Step::Conclude => {
            require(matches!(state, State::Replied | State::ReviewReplied))?;
            if !case.has_statutory_clock() {
                // No appeal chain for suggestions and accusations: concluded on reply.
                return Ok(());
            }
            let latest = match state {
                State::ReviewReplied => case.review_satisfaction,
                _ => case.satisfaction,
            };
            let satisfied = matches!(
                latest,
                Some(Satisfaction::Satisfied | Satisfaction::BasicallySatisfied)
            );
            let (start, days) = match state {
                State::ReviewReplied => (
                    super::deadline::review_received_on(case),
                    rules::RE_REVIEW_REQUEST_DAYS,
                ),
                _ => (
                    super::deadline::reply_received_on(case),
                    rules::REVIEW_REQUEST_DAYS,
                ),
            };
            match window_end(start, days, rules) {
                Some(until) if !satisfied && today <= until => {
                    Err(RuleError::AppealWindowOpen { until })
                }
                _ => Ok(()),
            }
        }
        Step::Supervise { .. } | Step::AssignOwner { .. } => open(case),
        Step::Classify { class, .. } => {
            // The class decides the clock and the appeal rights: fixed once the reply is out.
            require(matches!(
                state,
                State::Registered | State::Forwarded | State::Accepted | State::InHandling
            ))?;
            accused_holds_it(case, *class)
        }
        Step::RecordAccused { name, unit } => {
            open(case)?;
            if name.trim().is_empty() && unit.is_none() {
                return Err(RuleError::TextRequired);
            }
            // Recording the accused unit after forwarding to it would leave the accusation there.
            if case.state != State::Registered && unit.is_some() && *unit == case.unit {
                return Err(RuleError::AccusedUnit);
            }
            Ok(())
        }
        Step::PackageToLeader { .. } => {
            open(case)?;
            if case.package.is_some() {
                Err(RuleError::AlreadyPackaged)
            } else {
                Ok(())
            }
        }
        Step::TickDuty { .. } => {
            if case.package.is_none() {
                Err(RuleError::NotPackaged)
            } else {
                Ok(())
            }
        }
        Step::LinkRepeat { of, .. } => {
            if *of == case.id {
                Err(RuleError::RepeatOfItself)
            } else {
                Ok(())
            }
        }
        Step::FlagBacklog { .. } | Step::FlagCollective { .. } | Step::SignAgreement => Ok(()),
        Step::Note { text } => non_empty(text),
        Step::Undo { .. } => Err(RuleError::UndoByStore),
        Step::Import { .. } => Err(RuleError::AlreadyRegistered),
        Step::Edit { field, to, .. } => match field.problem(to) {
            Some(problem) => Err(RuleError::BadValue { problem }),
            None => Ok(()),
        },
    }
}

/// `step` with what the rules in force decide written into it — the delivery day of a reply
/// (by letter: `letter_delivery_days` later), whether an agreed objection restarts the Art 22
/// clock — so that its history replays the same under any later rules. Recorded steps are
/// settled first.
pub fn settled(case: &Case, step: &Step, at: NaiveDateTime, rules: &Rules) -> Step {
    let delivery = |given: &Option<chrono::NaiveDate>| {
        Some(given.unwrap_or_else(|| {
            super::deadline::default_delivery(case.intake.channel, at.date(), rules)
        }))
    };
    match step {
        Step::Reply {
            outcome,
            text,
            delivered_on,
        } => Step::Reply {
            outcome: *outcome,
            text: text.clone(),
            delivered_on: delivery(delivered_on),
        },
        Step::ReplyReview {
            outcome,
            text,
            delivered_on,
        } => Step::ReplyReview {
            outcome: *outcome,
            text: text.clone(),
            delivered_on: delivery(delivered_on),
        },
        Step::DecideObjection {
            agree: true,
            reason,
            restart: None,
        } => Step::DecideObjection {
            agree: true,
            reason: reason.clone(),
            restart: Some(rules.objection_restarts_dispose),
        },
        other => other.clone(),
    }
}

/// Applies `step` at `at` if the rules allow it; on error the case is unchanged.
pub fn apply(
    case: &mut Case,
    step: &Step,
    at: NaiveDateTime,
    rules: &Rules,
) -> Result<(), RuleError> {
    check(case, step, at, rules)?;
    record(case, step, at, rules);
    Ok(())
}

/// What `step` does to the case, without asking whether it may: for replaying a history whose
/// steps were checked when they were taken, under the rules then in force.
pub fn record(case: &mut Case, step: &Step, at: NaiveDateTime, rules: &Rules) {
    let today = at.date();
    match step {
        Step::Register { .. } => {}
        Step::Forward { unit, assign } => {
            case.unit = Some(*unit);
            case.assigned = *assign;
            case.dates.forwarded_on = Some(today);
            case.dates.disposed_on.get_or_insert(today);
            case.dates.answered_on = None;
            case.objection_rejected = false;
            case.state = State::Forwarded;
        }
        Step::Object { .. } => case.dates.objection_on = Some(today),
        Step::DecideObjection {
            agree: true,
            restart,
            ..
        } => {
            // The unit answered lawfully: the matter is not its remit. The case returns to the
            // bureau (the forwarding day stays on record, so KPI 1b counts the answer); its Art 22
            // clock restarts only when the rules say so.
            case.dates.answered_on = case.dates.objection_on.take();
            case.unit = None;
            case.assigned = false;
            if restart.unwrap_or(rules.objection_restarts_dispose) {
                case.dates.registered_on = Some(today);
                case.dates.disposed_on = None;
            }
            case.state = State::Registered;
        }
        Step::DecideObjection { agree: false, .. } => {
            case.dates.objection_on = None;
            case.objection_rejected = true;
        }
        Step::Accept { class } => {
            case.class = Some(*class);
            case.dates.accepted_on = Some(today);
            case.dates.answered_on = Some(today);
            case.dates.objection_on = None;
            case.state = State::Accepted;
        }
        Step::StartHandling => case.state = State::InHandling,
        Step::Decline { .. } => {
            answer_or_dispose(case, today);
            case.dates.closed_on = Some(today);
            case.state = State::Declined;
        }
        Step::Divert { route, .. } => {
            answer_or_dispose(case, today);
            case.route = Some(*route);
            case.dates.closed_on = Some(today);
            case.state = State::Diverted;
        }
        Step::Extend { days, .. } => {
            case.extension_days = case.extension_days.saturating_add(*days)
        }
        Step::Reply {
            outcome,
            delivered_on,
            ..
        } => {
            case.outcome = Some(*outcome);
            case.dates.replied_on = Some(today);
            case.dates.delivered_on = Some(delivered_on.unwrap_or_else(|| {
                super::deadline::default_delivery(case.intake.channel, today, rules)
            }));
            case.state = State::Replied;
        }
        Step::RecordDelivery { on } => match case.state {
            State::ReviewReplied => case.dates.review_delivered_on = Some(*on),
            _ => case.dates.delivered_on = Some(*on),
        },
        Step::Evaluate { rating } => {
            if evaluates_review(case) {
                case.review_satisfaction = Some(*rating);
                case.dates.review_evaluated_on = Some(today);
            } else {
                case.satisfaction = Some(*rating);
                case.dates.evaluated_on = Some(today);
            }
        }
        Step::RequestReview { body } => {
            case.dates.review_requested_on = Some(today);
            case.review_body = (!body.is_empty()).then(|| body.clone());
            case.state = State::InReview;
        }
        Step::ReplyReview {
            outcome,
            delivered_on,
            ..
        } => {
            case.outcome = Some(*outcome);
            case.dates.review_replied_on = Some(today);
            case.dates.review_delivered_on = Some(delivered_on.unwrap_or_else(|| {
                super::deadline::default_delivery(case.intake.channel, today, rules)
            }));
            case.state = State::ReviewReplied;
        }
        Step::RequestReReview { body } => {
            case.dates.re_review_requested_on = Some(today);
            if !body.is_empty() {
                case.review_body = Some(body.clone());
            }
            case.state = State::InReReview;
        }
        Step::RecordHearing { days } => case.hearing_days += *days,
        Step::Finalise { outcome, .. } => {
            case.outcome = Some(*outcome);
            case.dates.closed_on = Some(today);
            case.state = State::Final;
        }
        Step::Conclude => {
            case.dates.closed_on = Some(today);
            case.state = State::Concluded;
        }
        Step::Supervise { on } => case.supervised = *on,
        Step::FlagBacklog { on } => case.backlog = *on,
        Step::FlagCollective { on } => case.collective = *on,
        Step::LinkRepeat { of, of_final } => {
            case.repeat_of = Some(*of);
            case.repeat_of_final = *of_final;
        }
        Step::Classify { class, category } => {
            case.class = *class;
            case.intake.category = Some(*category);
        }
        Step::PackageToLeader { leader } => {
            case.package = Some(Package {
                leader: *leader,
                packaged_on: today,
                duties: Default::default(),
            });
        }
        Step::TickDuty { duty, note } => {
            if let Some(package) = case.package.as_mut() {
                package.duties[duty.index()] = Some(DutyRecord {
                    done_on: today,
                    note: note.clone(),
                });
            }
        }
        Step::SignAgreement => case.agreement_on = Some(today),
        Step::RecordAccused { name, unit } => {
            case.intake.accused = name.trim().to_string();
            case.intake.accused_unit = *unit;
        }
        Step::AssignOwner { owner } => case.owner = owner.clone(),
        Step::Note { .. } | Step::Undo { .. } | Step::Import { .. } => {}
        Step::Edit { field, to, .. } => field.set(&mut case.intake, to),
    }
    case.version += 1;
}

/// The registration fields as they were registered: `current` with every recorded correction
/// (`Edit`) in `history` taken back — each field to the value its first correction started from.
pub fn registered_intake(
    current: &super::case::Intake,
    history: &[super::step::Event],
) -> super::case::Intake {
    let mut intake = current.clone();
    let mut seen = Vec::new();
    for event in expand(history).iter() {
        if let Step::Edit { field, from, .. } = &event.step
            && !seen.contains(field)
        {
            seen.push(*field);
            field.set(&mut intake, from);
        }
    }
    intake
}

/// Rebuilds a case from its intake and events as they were recorded (each step was checked when
/// it was taken, under the rules then in force): the first event must be `Register`, dated on the
/// day of receipt.
pub fn replay_recorded(
    id: super::case::CaseId,
    number: String,
    intake: super::case::Intake,
    events: &[super::step::Event],
    rules: &Rules,
) -> Result<Case, ReplayError> {
    rebuild(id, number, intake, events, rules, false)
}

/// Rebuilds a case from its intake and events, checking every step against the rules. The first
/// event must be `Register`, dated on the day of receipt.
pub fn replay(
    id: super::case::CaseId,
    number: String,
    intake: super::case::Intake,
    events: &[super::step::Event],
    rules: &Rules,
) -> Result<Case, ReplayError> {
    rebuild(id, number, intake, events, rules, true)
}

/// A history with every `Import` event replaced by the steps it holds, in order.
pub fn expand(events: &[super::step::Event]) -> std::borrow::Cow<'_, [super::step::Event]> {
    if !events.iter().any(|e| matches!(e.step, Step::Import { .. })) {
        return std::borrow::Cow::Borrowed(events);
    }
    let mut out = Vec::with_capacity(events.len() + 8);
    for event in events {
        match &event.step {
            Step::Import { history, .. } => out.extend(history.iter().cloned()),
            _ => out.push(event.clone()),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn rebuild(
    id: super::case::CaseId,
    number: String,
    intake: super::case::Intake,
    events: &[super::step::Event],
    rules: &Rules,
    checked: bool,
) -> Result<Case, ReplayError> {
    let events = expand(events);
    let events = &events[..];
    let received = intake.received_on;
    let mut case = Case::registered(id, number, intake);
    let mut steps = events.iter().enumerate();
    match steps.next() {
        Some((_, first))
            if matches!(first.step, Step::Register { .. }) && first.at.date() == received => {}
        _ => return Err(ReplayError::NoRegistration),
    }
    for (index, event) in steps {
        if !checked {
            record(&mut case, &event.step, event.at, rules);
            continue;
        }
        apply(&mut case, &event.step, event.at, rules).map_err(|error| ReplayError::Refused {
            index,
            step: event.step.name(),
            error,
        })?;
    }
    Ok(case)
}

/// Why an event history does not make a valid case.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplayError {
    #[error("the history does not start with registration on the day of receipt")]
    NoRegistration,
    #[error("event {index} ({step}) breaks the rules: {error}")]
    Refused {
        index: usize,
        step: &'static str,
        error: RuleError,
    },
}

/// The latest day any milestone was reached; steps may not be dated before it.
pub fn last_step_on(case: &Case) -> Option<NaiveDate> {
    let d = &case.dates;
    [
        d.registered_on,
        d.forwarded_on,
        d.accepted_on,
        d.replied_on,
        d.evaluated_on,
        d.review_requested_on,
        d.review_replied_on,
        d.re_review_requested_on,
        d.closed_on,
        d.objection_on,
        d.review_evaluated_on,
        case.agreement_on,
        case.package.as_ref().map(|p| p.packaged_on),
    ]
    .into_iter()
    .flatten()
    .max()
}

/// Whether an evaluation now concerns the review opinion (not the first reply).
fn evaluates_review(case: &Case) -> bool {
    case.state == State::ReviewReplied
        || (case.state == State::Concluded && case.dates.review_replied_on.is_some())
}

/// Refuses accepting or classifying a case as an accusation while the unit it accuses holds it
/// (Art 30).
fn accused_holds_it(case: &Case, class: Option<super::codes::Class>) -> Result<(), RuleError> {
    let accusation = class == Some(super::codes::Class::Accusation) || case.is_confidential();
    if accusation && case.unit.is_some() && case.unit == case.intake.accused_unit {
        Err(RuleError::AccusedUnit)
    } else {
        Ok(())
    }
}

/// Records a decline or diversion as the unit's answer (from `Forwarded`) or the bureau's
/// disposal (from `Registered`).
fn answer_or_dispose(case: &mut Case, today: NaiveDate) {
    match case.state {
        State::Registered => {
            case.dates.disposed_on.get_or_insert(today);
        }
        State::Forwarded => {
            case.dates.answered_on = Some(today);
            case.dates.objection_on = None;
        }
        _ => {}
    }
}

fn window_end(start: Option<NaiveDate>, days: u32, rules: &Rules) -> Option<NaiveDate> {
    start.map(|s| rules.calendar.deadline(s, days, rules.roll_over))
}

fn open(case: &Case) -> Result<(), RuleError> {
    if case.state.is_open() {
        Ok(())
    } else {
        Err(RuleError::Closed { state: case.state })
    }
}

fn non_empty(text: &str) -> Result<(), RuleError> {
    if text.trim().is_empty() {
        Err(RuleError::TextRequired)
    } else {
        Ok(())
    }
}
