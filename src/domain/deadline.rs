//! The deadline engine: every statutory clock of domain.md §3, derived from a case's milestones.
//!
//! A *duty* clock binds the bureau or unit (dispose, accept, handle, review, re-review): when it
//! runs out the case is overdue. A *window* binds the other side's right (the unit's objection,
//! the petitioner's appeal): when it closes the right is gone, nobody is late. Pure.

use super::calendar::days_between;
use super::case::Case;
use super::rules::{self, Rules};
use super::state::State;
use chrono::NaiveDate;

/// Which statutory clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockKind {
    /// Art 22: the bureau disposes within 15 days of receipt.
    Dispose,
    /// Art 23: the unit sends its acceptance notice within 15 days.
    Acceptance,
    /// Art 23: the unit may object within 5 working days.
    Objection,
    /// Art 34: a 申诉求决类 case is concluded within 60 days (+ extensions of at most 30 in all).
    Handling,
    /// Suggestions (Art 29) and accusations (Art 30): the bureau's internal handling target
    /// (`Rules::internal_target_days`), not a statutory clock.
    InternalTarget,
    /// Art 35: the petitioner may ask for review within 30 days of receiving the reply.
    ReviewWindow,
    /// Art 35: the review opinion within 30 days of the request.
    Review,
    /// Art 36: the petitioner may ask for re-review within 30 days of receiving the review opinion.
    ReReviewWindow,
    /// Art 36: the re-review opinion within 30 days, hearing time not counted.
    ReReview,
}

impl ClockKind {
    /// True for clocks that bind the bureau or unit (and can make a case overdue).
    pub fn is_duty(self) -> bool {
        !matches!(
            self,
            ClockKind::Objection | ClockKind::ReviewWindow | ClockKind::ReReviewWindow
        )
    }

    /// The article of the Regulations that sets the clock.
    pub fn article(self) -> &'static str {
        match self {
            ClockKind::Dispose => "Art 22",
            ClockKind::Acceptance | ClockKind::Objection => "Art 23",
            ClockKind::Handling => "Art 34",
            ClockKind::InternalTarget => "internal",
            ClockKind::ReviewWindow | ClockKind::Review => "Art 35",
            ClockKind::ReReviewWindow | ClockKind::ReReview => "Art 36",
        }
    }

    /// True for clocks the Regulations set; false for the bureau's internal target.
    pub fn is_statutory(self) -> bool {
        self != ClockKind::InternalTarget
    }

    /// Stable machine name.
    pub fn code(self) -> &'static str {
        match self {
            ClockKind::Dispose => "dispose",
            ClockKind::Acceptance => "acceptance",
            ClockKind::Objection => "objection",
            ClockKind::Handling => "handling",
            ClockKind::InternalTarget => "internal-target",
            ClockKind::ReviewWindow => "review-window",
            ClockKind::Review => "review",
            ClockKind::ReReviewWindow => "re-review-window",
            ClockKind::ReReview => "re-review",
        }
    }
}

/// A clock that has started: when, and its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub kind: ClockKind,
    pub started_on: NaiveDate,
    /// Last day on which the step is still in time.
    pub due_on: NaiveDate,
}

/// How pressing a case is on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// The duty clock ran out `days` days ago (1 = due yesterday).
    Overdue { days: i64 },
    /// `left` days or fewer remain (0 = due today), within the due-soon threshold.
    DueSoon { left: i64 },
    /// More than the due-soon threshold remains.
    OnTime { left: i64 },
    /// No duty clock runs (closed, or waiting on the petitioner).
    NoClock,
}

/// The handling clock's kind and length for the case: Art 34's 60 days plus extensions for a
/// 申诉求决类 case on the petition route; the internal target for suggestions and accusations.
pub fn handling_clock(case: &Case, rules: &Rules) -> (ClockKind, u32) {
    if case.has_statutory_clock() {
        (
            ClockKind::Handling,
            rules::HANDLING_DAYS + case.extension_days,
        )
    } else {
        (
            ClockKind::InternalTarget,
            rules.internal_target_days + case.extension_days,
        )
    }
}

/// The last day of the handling clock: acceptance + 60 days + extensions (Art 34), or the
/// internal target for suggestions and accusations.
pub fn handling_due(case: &Case, rules: &Rules) -> Option<NaiveDate> {
    let accepted = case.dates.accepted_on?;
    let (_, days) = handling_clock(case, rules);
    Some(rules.calendar.deadline(accepted, days, rules.roll_over))
}

/// The last day of the Art 22 disposal clock (15 days from receipt, or from the day an agreed
/// objection returned the case when the rules restart it).
pub fn dispose_due(case: &Case, rules: &Rules) -> Option<NaiveDate> {
    let start = case.dates.registered_on?;
    Some(
        rules
            .calendar
            .deadline(start, rules::DISPOSE_DAYS, rules.roll_over),
    )
}

/// The last day of the Art 23 acceptance clock (15 days from forwarding).
pub fn accept_due(case: &Case, rules: &Rules) -> Option<NaiveDate> {
    let start = case.dates.forwarded_on?;
    Some(
        rules
            .calendar
            .deadline(start, rules::ACCEPT_DAYS, rules.roll_over),
    )
}

/// Day the petitioner received the latest first reply: the recorded delivery, else the reply day.
pub fn reply_received_on(case: &Case) -> Option<NaiveDate> {
    case.dates.delivered_on.or(case.dates.replied_on)
}

/// Day the petitioner received the review opinion: the recorded delivery, else the opinion day.
pub fn review_received_on(case: &Case) -> Option<NaiveDate> {
    case.dates
        .review_delivered_on
        .or(case.dates.review_replied_on)
}

/// The default delivery day of a reply made on `replied_on` to a petition that came by
/// `channel`: the same day, or `letter_delivery_days` later for letters.
pub fn default_delivery(
    channel: super::codes::Channel,
    replied_on: NaiveDate,
    rules: &Rules,
) -> NaiveDate {
    match channel {
        super::codes::Channel::Letter => {
            super::calendar::add_days(replied_on, rules.letter_delivery_days)
        }
        _ => replied_on,
    }
}

/// The last day on which the petitioner may evaluate the latest reply: the evaluation window
/// runs from its delivery.
pub fn evaluation_window_end(case: &Case, rules: &Rules) -> Option<NaiveDate> {
    let review = case.state == State::ReviewReplied
        || (case.state == State::Concluded && case.dates.review_replied_on.is_some());
    let received = if review {
        review_received_on(case)
    } else {
        reply_received_on(case)
    }?;
    Some(super::calendar::add_days(
        received,
        rules.evaluation_window_days,
    ))
}

/// The clock that runs in the case's current state, duty or window, if any. In `Forwarded` this
/// is the acceptance clock; the objection window is in [`objection_window`]. A suggestion or
/// accusation has no review window after its reply (no Art 35–36 chain).
pub fn current_clock(case: &Case, rules: &Rules) -> Option<Clock> {
    let cal = &rules.calendar;
    let roll = rules.roll_over;
    let make = |kind, start: Option<NaiveDate>, days| {
        start.map(|started_on| Clock {
            kind,
            started_on,
            due_on: cal.deadline(started_on, days, roll),
        })
    };
    match case.state {
        State::Registered => make(
            ClockKind::Dispose,
            case.dates.registered_on,
            rules::DISPOSE_DAYS,
        ),
        State::Forwarded => make(
            ClockKind::Acceptance,
            case.dates.forwarded_on,
            rules::ACCEPT_DAYS,
        ),
        State::Accepted | State::InHandling => {
            let (kind, days) = handling_clock(case, rules);
            make(kind, case.dates.accepted_on, days)
        }
        State::Replied if case.has_statutory_clock() => make(
            ClockKind::ReviewWindow,
            reply_received_on(case),
            rules::REVIEW_REQUEST_DAYS,
        ),
        State::Replied => None,
        State::InReview => make(
            ClockKind::Review,
            case.dates.review_requested_on,
            rules::REVIEW_DAYS,
        ),
        State::ReviewReplied => make(
            ClockKind::ReReviewWindow,
            review_received_on(case),
            rules::RE_REVIEW_REQUEST_DAYS,
        ),
        State::InReReview => make(
            ClockKind::ReReview,
            case.dates.re_review_requested_on,
            rules::RE_REVIEW_DAYS + case.hearing_days,
        ),
        State::Concluded | State::Final | State::Declined | State::Diverted => None,
    }
}

/// The running duty clock, if the case has one now.
pub fn duty_clock(case: &Case, rules: &Rules) -> Option<Clock> {
    current_clock(case, rules).filter(|c| c.kind.is_duty())
}

/// The unit's 5-working-day objection window while the case is forwarded (Art 23).
pub fn objection_window(case: &Case, rules: &Rules) -> Option<Clock> {
    if case.state != State::Forwarded {
        return None;
    }
    let started_on = case.dates.forwarded_on?;
    Some(Clock {
        kind: ClockKind::Objection,
        started_on,
        due_on: rules
            .calendar
            .working_deadline(started_on, rules::OBJECTION_WORKING_DAYS),
    })
}

/// Urgency of the case on `today`, from its duty clock.
pub fn urgency(case: &Case, today: NaiveDate, rules: &Rules) -> Urgency {
    match duty_clock(case, rules) {
        None => Urgency::NoClock,
        Some(clock) => classify(clock.due_on, today, rules.due_soon_days),
    }
}

/// Urgency of a duty deadline `due_on` seen on `today`.
pub fn classify(due_on: NaiveDate, today: NaiveDate, due_soon_days: u32) -> Urgency {
    let left = days_between(today, due_on);
    if left < 0 {
        Urgency::Overdue { days: -left }
    } else if left <= i64::from(due_soon_days) {
        Urgency::DueSoon { left }
    } else {
        Urgency::OnTime { left }
    }
}

/// Every clock the case has started so far, in order, for the deadline timeline.
pub fn timeline(case: &Case, rules: &Rules) -> Vec<Clock> {
    let cal = &rules.calendar;
    let roll = rules.roll_over;
    let mut out = Vec::new();
    let mut push = |kind, start: Option<NaiveDate>, days| {
        if let Some(started_on) = start {
            out.push(Clock {
                kind,
                started_on,
                due_on: cal.deadline(started_on, days, roll),
            });
        }
    };
    push(
        ClockKind::Dispose,
        case.dates.registered_on,
        rules::DISPOSE_DAYS,
    );
    push(
        ClockKind::Acceptance,
        case.dates.forwarded_on,
        rules::ACCEPT_DAYS,
    );
    let (handling_kind, handling_days) = handling_clock(case, rules);
    push(handling_kind, case.dates.accepted_on, handling_days);
    if case.has_statutory_clock() {
        push(
            ClockKind::ReviewWindow,
            reply_received_on(case),
            rules::REVIEW_REQUEST_DAYS,
        );
    }
    push(
        ClockKind::Review,
        case.dates.review_requested_on,
        rules::REVIEW_DAYS,
    );
    push(
        ClockKind::ReReviewWindow,
        review_received_on(case),
        rules::RE_REVIEW_REQUEST_DAYS,
    );
    push(
        ClockKind::ReReview,
        case.dates.re_review_requested_on,
        rules::RE_REVIEW_DAYS + case.hearing_days,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn due_soon_is_three_days_or_fewer_and_overdue_is_past_the_last_day() {
        let due = d("2026-05-10");
        assert_eq!(
            classify(due, d("2026-05-06"), 3),
            Urgency::OnTime { left: 4 }
        );
        assert_eq!(
            classify(due, d("2026-05-07"), 3),
            Urgency::DueSoon { left: 3 }
        );
        assert_eq!(
            classify(due, d("2026-05-10"), 3),
            Urgency::DueSoon { left: 0 }
        );
        assert_eq!(
            classify(due, d("2026-05-11"), 3),
            Urgency::Overdue { days: 1 }
        );
    }

    #[test]
    fn windows_are_not_duties() {
        assert!(ClockKind::Handling.is_duty());
        assert!(!ClockKind::ReviewWindow.is_duty());
        assert!(!ClockKind::Objection.is_duty());
        assert_eq!(ClockKind::ReReview.article(), "Art 36");
    }
}
