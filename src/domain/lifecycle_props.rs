//! Property tests: random step sequences are applied legally or refused without change, and a
//! case's deadlines always agree with its event history.

use super::calendar::add_days;
use super::case::Case;
use super::codes::{Class, DivertRoute, Duty, Outcome, Satisfaction};
use super::deadline::{self, ClockKind};
use super::lifecycle::{apply, replay};
use super::lifecycle_tests::intake;
use super::rules::{self, Rules};
use super::state::State;
use super::step::{Event, Step};
use chrono::NaiveDate;
use proptest::prelude::*;

fn any_step() -> impl Strategy<Value = Step> {
    let text = prop_oneof![Just(String::new()), Just("理由".to_string())];
    prop_oneof![
        (1i64..5, any::<bool>()).prop_map(|(unit, assign)| Step::Forward { unit, assign }),
        text.clone().prop_map(|reason| Step::Object { reason }),
        prop::sample::select(Class::ALL).prop_map(|class| Step::Accept { class }),
        Just(Step::StartHandling),
        text.clone().prop_map(|reason| Step::Decline { reason }),
        (prop::sample::select(DivertRoute::ALL), text.clone())
            .prop_map(|(route, reason)| Step::Divert { route, reason }),
        (0u32..40, text.clone()).prop_map(|(days, reason)| Step::Extend { days, reason }),
        (prop::sample::select(Outcome::ALL), text.clone()).prop_map(|(outcome, text)| {
            Step::Reply {
                outcome,
                text,
                delivered_on: None,
            }
        }),
        prop::sample::select(Satisfaction::ALL).prop_map(|rating| Step::Evaluate { rating }),
        Just(Step::RequestReview {
            body: String::new()
        }),
        (prop::sample::select(Outcome::ALL), text.clone()).prop_map(|(outcome, text)| {
            Step::ReplyReview {
                outcome,
                text,
                delivered_on: None,
            }
        }),
        Just(Step::RequestReReview {
            body: String::new()
        }),
        (0u32..5).prop_map(|days| Step::RecordHearing { days }),
        (prop::sample::select(Outcome::ALL), text.clone())
            .prop_map(|(outcome, text)| Step::Finalise { outcome, text }),
        Just(Step::Conclude),
        any::<bool>().prop_map(|on| Step::Supervise { on }),
        any::<bool>().prop_map(|on| Step::FlagBacklog { on }),
        (1i64..4).prop_map(|leader| Step::PackageToLeader { leader }),
        prop::sample::select(Duty::ALL).prop_map(|duty| Step::TickDuty {
            duty,
            note: String::new()
        }),
        Just(Step::SignAgreement),
    ]
}

/// Day offsets are mostly small steps forward, sometimes a step back (which must be refused).
fn any_sequence() -> impl Strategy<Value = Vec<(i64, Step)>> {
    prop::collection::vec((-3i64..45, any_step()), 0..40)
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default()
}

/// Invariants every reachable case satisfies.
fn assert_consistent(case: &Case) {
    let d = &case.dates;
    assert_eq!(
        d.closed_on.is_some(),
        !case.state.is_open(),
        "closed_on iff closed: {case:?}"
    );
    if case.state.is_handling() {
        assert!(d.accepted_on.is_some() && case.unit.is_some() && case.class.is_some());
    }
    if matches!(case.state, State::Forwarded) {
        assert!(d.forwarded_on.is_some() && case.unit.is_some());
    }
    if matches!(
        case.state,
        State::Replied | State::InReview | State::ReviewReplied | State::InReReview
    ) {
        assert!(d.replied_on.is_some());
    }
    if case.state == State::Final {
        assert!(d.re_review_requested_on.is_some());
    }
    assert!(case.extension_days <= rules::MAX_EXTENSION_DAYS);
}

/// The duty deadline computed straight from the event list, without the case fold.
fn due_from_events(events: &[Event], state: State) -> Option<NaiveDate> {
    let last = |name: &str| {
        events
            .iter()
            .rev()
            .find(|e| e.step.name() == name)
            .map(|e| e.at.date())
    };
    let extension: u32 = events
        .iter()
        .filter_map(|e| match e.step {
            Step::Extend { days, .. } => Some(days),
            _ => None,
        })
        .sum();
    let hearing: u32 = events
        .iter()
        .filter_map(|e| match e.step {
            Step::RecordHearing { days } => Some(days),
            _ => None,
        })
        .sum();
    match state {
        State::Registered => {
            let from = last("object").or_else(|| last("register"))?;
            Some(add_days(from, 15))
        }
        State::Forwarded => Some(add_days(last("forward")?, 15)),
        State::Accepted | State::InHandling => Some(add_days(last("accept")?, 60 + extension)),
        State::InReview => Some(add_days(last("request-review")?, 30)),
        State::InReReview => Some(add_days(last("request-re-review")?, 30 + hearing)),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_steps_are_applied_legally_or_refused_without_change(seq in any_sequence()) {
        let rules = Rules::default();
        let mut case = Case::registered(1, "NX-2026-000001".into(), intake("2026-01-05"));
        let mut day = start();
        let mut applied = 0;
        for (offset, step) in seq {
            day = day.checked_add_signed(chrono::Duration::days(offset)).unwrap_or(day);
            let at = day.and_hms_opt(9, 0, 0).unwrap_or_default();
            let before = case.clone();
            match apply(&mut case, &step, at, &rules) {
                Ok(()) => {
                    applied += 1;
                    assert_consistent(&case);
                }
                Err(_) => prop_assert_eq!(&case, &before),
            }
        }
        prop_assert_eq!(case.version, 1 + applied);
    }

    #[test]
    fn deadlines_always_agree_with_the_event_history(seq in any_sequence()) {
        let rules = Rules::default();
        let mut case = Case::registered(1, "NX-2026-000001".into(), intake("2026-01-05"));
        let mut events = vec![Event { at: start().and_hms_opt(8, 0, 0).unwrap_or_default(), actor: "t".into(), step: Step::Register { intake: None } }];
        let mut day = start();
        for (offset, step) in seq {
            day = day.checked_add_signed(chrono::Duration::days(offset)).unwrap_or(day);
            let at = day.and_hms_opt(9, 0, 0).unwrap_or_default();
            if apply(&mut case, &step, at, &rules).is_ok() {
                events.push(Event { at, actor: "t".into(), step });
            }
        }
        // Replaying the recorded events gives the same case…
        let rebuilt = replay(1, "NX-2026-000001".into(), intake("2026-01-05"), &events, &rules);
        prop_assert_eq!(rebuilt.as_ref(), Ok(&case));
        // …and its duty deadline equals the one computed directly from the events.
        let clock = deadline::duty_clock(&case, &rules);
        prop_assert_eq!(clock.map(|c| c.due_on), due_from_events(&events, case.state));
        if let Some(clock) = clock {
            prop_assert!(clock.kind.is_duty());
            prop_assert!(clock.kind != ClockKind::Objection);
        }
    }
}
