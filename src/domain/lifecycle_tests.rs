//! Unit tests of the state machine and its clocks; each names the Article it encodes.

use super::calendar::Calendar;
use super::case::{Case, Intake, Petitioner};
use super::codes::{Category, Channel, Class, DivertRoute, Duty, Outcome, Satisfaction};
use super::deadline::{self, ClockKind, Urgency};
use super::lifecycle::{ReplayError, RuleError, apply, check, replay};
use super::rules::Rules;
use super::state::State;
use super::step::{Event, Step};
use chrono::{NaiveDate, NaiveDateTime};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn at(text: &str) -> NaiveDateTime {
    d(text).and_hms_opt(10, 0, 0).expect("test time")
}

pub(super) fn intake(received: &str) -> Intake {
    Intake {
        title: "拖欠工资".into(),
        summary: "工地拖欠农民工工资三个月".into(),
        channel: Channel::Online,
        category: Some(Category::UnpaidWages),
        county: "640106".into(),
        township: "640106001".into(),
        petitioner: Petitioner::default(),
        persons: 1,
        involved: 1,
        threat: false,
        urgent: false,
        received_on: d(received),
        accused: String::new(),
        accused_unit: None,
    }
}

fn new_case(received: &str) -> Case {
    Case::registered(1, "NX-2026-000001".into(), intake(received))
}

/// A case received 2026-03-01 and forwarded to unit 7 on `day`.
fn forwarded(day: &str) -> Case {
    let mut case = new_case("2026-03-01");
    step(
        &mut case,
        Step::Forward {
            unit: 7,
            assign: false,
        },
        day,
    );
    case
}

fn step(case: &mut Case, step: Step, day: &str) {
    apply(case, &step, at(day), &Rules::default())
        .unwrap_or_else(|e| panic!("{} on {day}: {e}", step.name()));
}

/// A case accepted on 2026-03-10 after forwarding on 2026-03-03.
fn accepted_case() -> Case {
    let mut case = forwarded("2026-03-03");
    step(
        &mut case,
        Step::Accept {
            class: Class::Demand,
        },
        "2026-03-10",
    );
    case
}

fn replied_case() -> Case {
    let mut case = accepted_case();
    step(&mut case, reply(), "2026-04-01");
    case
}

fn reply() -> Step {
    Step::Reply {
        outcome: Outcome::Supported,
        text: "已协调支付".into(),
        delivered_on: None,
    }
}

#[test]
fn art22_registered_case_must_be_disposed_within_15_days_of_receipt() {
    let case = new_case("2026-03-01");
    let clock = deadline::duty_clock(&case, &Rules::default()).expect("dispose clock");
    assert_eq!(clock.kind, ClockKind::Dispose);
    assert_eq!(clock.due_on, d("2026-03-16"));
    let rules = Rules::default();
    assert_eq!(
        deadline::urgency(&case, d("2026-03-16"), &rules),
        Urgency::DueSoon { left: 0 }
    );
    assert_eq!(
        deadline::urgency(&case, d("2026-03-17"), &rules),
        Urgency::Overdue { days: 1 }
    );
}

#[test]
fn art23_forwarded_case_must_be_accepted_within_15_days() {
    let mut case = new_case("2026-03-01");
    step(
        &mut case,
        Step::Forward {
            unit: 7,
            assign: true,
        },
        "2026-03-03",
    );
    let clock = deadline::duty_clock(&case, &Rules::default()).expect("acceptance clock");
    assert_eq!(clock.kind, ClockKind::Acceptance);
    assert_eq!(clock.due_on, d("2026-03-18"));
    assert!(case.assigned);
}

#[test]
fn art23_unit_may_object_within_five_working_days_and_the_bureau_decides() {
    let mut case = new_case("2026-03-01");
    // Forwarded Tuesday 3 March: the five working days end Tuesday 10 March.
    step(
        &mut case,
        Step::Forward {
            unit: 7,
            assign: false,
        },
        "2026-03-03",
    );
    let late = check(
        &case,
        &Step::Object {
            reason: "非本单位职责".into(),
        },
        at("2026-03-11"),
        &Rules::default(),
    );
    assert_eq!(
        late,
        Err(RuleError::ObjectionWindowClosed {
            closed_on: d("2026-03-10")
        })
    );
    step(
        &mut case,
        Step::Object {
            reason: "非本单位职责".into(),
        },
        "2026-03-10",
    );
    // Art 23 ¶3: the objection waits for the bureau; the case stays with the unit meanwhile.
    assert_eq!(case.state, State::Forwarded);
    assert_eq!(case.dates.objection_on, Some(d("2026-03-10")));
    let again = Step::Object {
        reason: "再次异议".into(),
    };
    assert_eq!(
        check(&case, &again, at("2026-03-10"), &Rules::default()),
        Err(RuleError::ObjectionPending)
    );
    let mut agreed = case.clone();
    step(
        &mut agreed,
        Step::DecideObjection {
            agree: true,
            reason: "确非该单位职责".into(),
            restart: None,
        },
        "2026-03-11",
    );
    assert_eq!(agreed.state, State::Registered);
    assert_eq!(agreed.unit, None);
    // The bureau's Art 22 clock is not restarted by default: still 15 days from receipt.
    let clock = deadline::duty_clock(&agreed, &Rules::default()).expect("dispose clock");
    assert_eq!(clock.due_on, d("2026-03-16"));
    // … unless the rules say so.
    let restarting = Rules {
        objection_restarts_dispose: true,
        ..Rules::default()
    };
    let mut restarted = case.clone();
    apply(
        &mut restarted,
        &Step::DecideObjection {
            agree: true,
            reason: "确非该单位职责".into(),
            restart: None,
        },
        at("2026-03-11"),
        &restarting,
    )
    .expect("agree");
    let clock = deadline::duty_clock(&restarted, &restarting).expect("dispose clock");
    assert_eq!(clock.due_on, d("2026-03-26"));
    // Rejected: the unit must accept; it can neither object again nor decline.
    step(
        &mut case,
        Step::DecideObjection {
            agree: false,
            reason: "属该单位职责".into(),
            restart: None,
        },
        "2026-03-11",
    );
    assert_eq!(case.state, State::Forwarded);
    assert_eq!(
        check(&case, &again, at("2026-03-11"), &Rules::default()),
        Err(RuleError::ObjectionRejected)
    );
    let decline = Step::Decline {
        reason: "不予受理".into(),
    };
    assert_eq!(
        check(&case, &decline, at("2026-03-12"), &Rules::default()),
        Err(RuleError::ObjectionRejected)
    );
    step(
        &mut case,
        Step::Accept {
            class: Class::Demand,
        },
        "2026-03-12",
    );
    assert_eq!(case.state, State::Accepted);
}

#[test]
fn art34_handling_concludes_within_60_days_of_acceptance() {
    let case = accepted_case();
    let clock = deadline::duty_clock(&case, &Rules::default()).expect("handling clock");
    assert_eq!(clock.kind, ClockKind::Handling);
    assert_eq!(clock.due_on, d("2026-05-09"));
}

#[test]
fn art34_extensions_total_at_most_30_days_each_with_a_reason() {
    let rules = Rules::default();
    let mut case = accepted_case();
    let too_long = Step::Extend {
        days: 31,
        reason: "需现场核查".into(),
    };
    assert_eq!(
        check(&case, &too_long, at("2026-04-01"), &rules),
        Err(RuleError::ExtensionCap { used: 0, days: 31 })
    );
    let zero = Step::Extend {
        days: 0,
        reason: "需现场核查".into(),
    };
    assert_eq!(
        check(&case, &zero, at("2026-04-01"), &rules),
        Err(RuleError::ExtensionLength)
    );
    let no_reason = Step::Extend {
        days: 30,
        reason: "  ".into(),
    };
    assert_eq!(
        check(&case, &no_reason, at("2026-04-01"), &rules),
        Err(RuleError::ReasonRequired)
    );
    // Two extensions within the cap: 10 days, then 20 more (30 in total).
    step(
        &mut case,
        Step::Extend {
            days: 10,
            reason: "需现场核查".into(),
        },
        "2026-04-01",
    );
    assert_eq!(deadline::handling_due(&case, &rules), Some(d("2026-05-19")));
    step(
        &mut case,
        Step::Extend {
            days: 20,
            reason: "需补充调查".into(),
        },
        "2026-05-10",
    );
    assert_eq!(deadline::handling_due(&case, &rules), Some(d("2026-06-08")));
    let again = Step::Extend {
        days: 1,
        reason: "再次延期".into(),
    };
    assert_eq!(
        check(&case, &again, at("2026-05-12"), &rules),
        Err(RuleError::ExtensionCap { used: 30, days: 1 })
    );
}

#[test]
fn art34_extension_must_come_before_the_deadline() {
    let case = accepted_case();
    let late = Step::Extend {
        days: 10,
        reason: "补充材料".into(),
    };
    assert_eq!(
        check(&case, &late, at("2026-05-10"), &Rules::default()),
        Err(RuleError::ExtensionTooLate {
            due: d("2026-05-09")
        })
    );
}

#[test]
fn art35_review_may_be_requested_within_30_days_of_the_reply() {
    let rules = Rules::default();
    let case = replied_case();
    let window = deadline::current_clock(&case, &rules).expect("review window");
    assert_eq!(window.kind, ClockKind::ReviewWindow);
    assert_eq!(window.due_on, d("2026-05-01"));
    // A window binds the petitioner, not the unit: the case is not overdue after it.
    assert_eq!(
        deadline::urgency(&case, d("2026-06-01"), &rules),
        Urgency::NoClock
    );
    assert_eq!(
        check(
            &case,
            &Step::RequestReview {
                body: String::new()
            },
            at("2026-05-02"),
            &rules
        ),
        Err(RuleError::ReviewWindowClosed {
            closed_on: d("2026-05-01")
        })
    );
    let mut in_time = case.clone();
    step(
        &mut in_time,
        Step::RequestReview {
            body: String::new(),
        },
        "2026-05-01",
    );
    assert_eq!(in_time.state, State::InReview);
    let clock = deadline::duty_clock(&in_time, &rules).expect("review clock");
    assert_eq!(clock.due_on, d("2026-05-31"));
}

#[test]
fn art36_re_review_within_30_days_and_hearing_days_are_not_counted() {
    let rules = Rules::default();
    let mut case = replied_case();
    step(
        &mut case,
        Step::RequestReview {
            body: String::new(),
        },
        "2026-04-10",
    );
    step(
        &mut case,
        Step::ReplyReview {
            outcome: Outcome::Explained,
            text: "维持原意见".into(),
            delivered_on: None,
        },
        "2026-05-01",
    );
    assert_eq!(
        check(
            &case,
            &Step::RequestReReview {
                body: String::new()
            },
            at("2026-06-01"),
            &rules
        ),
        Err(RuleError::ReReviewWindowClosed {
            closed_on: d("2026-05-31")
        })
    );
    step(
        &mut case,
        Step::RequestReReview {
            body: String::new(),
        },
        "2026-05-20",
    );
    assert_eq!(
        deadline::duty_clock(&case, &rules).map(|c| c.due_on),
        Some(d("2026-06-19"))
    );
    step(&mut case, Step::RecordHearing { days: 4 }, "2026-06-01");
    assert_eq!(
        deadline::duty_clock(&case, &rules).map(|c| c.due_on),
        Some(d("2026-06-23"))
    );
    step(
        &mut case,
        Step::Finalise {
            outcome: Outcome::NotSupported,
            text: "复核维持".into(),
        },
        "2026-06-10",
    );
    assert_eq!(case.state, State::Final);
    assert_eq!(deadline::duty_clock(&case, &rules), None);
}

#[test]
fn art36_final_cases_accept_no_further_appeal() {
    let mut case = replied_case();
    step(
        &mut case,
        Step::RequestReview {
            body: String::new(),
        },
        "2026-04-10",
    );
    step(
        &mut case,
        Step::ReplyReview {
            outcome: Outcome::Explained,
            text: "维持".into(),
            delivered_on: None,
        },
        "2026-05-01",
    );
    step(
        &mut case,
        Step::RequestReReview {
            body: String::new(),
        },
        "2026-05-02",
    );
    step(
        &mut case,
        Step::Finalise {
            outcome: Outcome::NotSupported,
            text: "维持".into(),
        },
        "2026-05-20",
    );
    for next in [
        Step::RequestReview {
            body: String::new(),
        },
        Step::RequestReReview {
            body: String::new(),
        },
        reply(),
        Step::Conclude,
    ] {
        let refused = check(&case, &next, at("2026-05-21"), &Rules::default());
        assert!(
            matches!(
                refused,
                Err(RuleError::NotAllowed {
                    state: State::Final,
                    ..
                })
            ),
            "{refused:?}"
        );
    }
}

#[test]
fn art35_conclusion_waits_for_the_appeal_window_unless_the_petitioner_is_satisfied() {
    let rules = Rules::default();
    let case = replied_case();
    assert_eq!(
        check(&case, &Step::Conclude, at("2026-04-20"), &rules),
        Err(RuleError::AppealWindowOpen {
            until: d("2026-05-01")
        })
    );
    let mut after_window = case.clone();
    step(&mut after_window, Step::Conclude, "2026-05-02");
    assert_eq!(after_window.state, State::Concluded);
    let mut satisfied = case;
    step(
        &mut satisfied,
        Step::Evaluate {
            rating: Satisfaction::Satisfied,
        },
        "2026-04-05",
    );
    step(&mut satisfied, Step::Conclude, "2026-04-06");
    assert_eq!(satisfied.dates.closed_on, Some(d("2026-04-06")));
}

#[test]
fn first_and_review_evaluations_are_kept_apart() {
    let mut case = replied_case();
    step(
        &mut case,
        Step::Evaluate {
            rating: Satisfaction::Unsatisfied,
        },
        "2026-04-02",
    );
    assert_eq!(
        check(
            &case,
            &Step::Evaluate {
                rating: Satisfaction::Satisfied
            },
            at("2026-04-03"),
            &Rules::default()
        ),
        Err(RuleError::AlreadyEvaluated)
    );
    step(
        &mut case,
        Step::RequestReview {
            body: String::new(),
        },
        "2026-04-03",
    );
    step(
        &mut case,
        Step::ReplyReview {
            outcome: Outcome::Supported,
            text: "改为支持".into(),
            delivered_on: None,
        },
        "2026-04-20",
    );
    step(
        &mut case,
        Step::Evaluate {
            rating: Satisfaction::Satisfied,
        },
        "2026-04-21",
    );
    // 谁办理、谁接受评价: the review's evaluation never overwrites the first.
    assert_eq!(case.satisfaction, Some(Satisfaction::Unsatisfied));
    assert_eq!(case.review_satisfaction, Some(Satisfaction::Satisfied));
}

#[test]
fn art19_art22_decline_and_divert_need_reasons_and_close_the_case() {
    let rules = Rules::default();
    let case = new_case("2026-03-01");
    assert_eq!(
        check(
            &case,
            &Step::Decline {
                reason: String::new()
            },
            at("2026-03-02"),
            &rules
        ),
        Err(RuleError::ReasonRequired)
    );
    let mut declined = case.clone();
    step(
        &mut declined,
        Step::Decline {
            reason: "同一事项已在下级机关办理期限内".into(),
        },
        "2026-03-02",
    );
    assert_eq!(
        (declined.state, declined.dates.closed_on),
        (State::Declined, Some(d("2026-03-02")))
    );
    let mut diverted = case;
    step(
        &mut diverted,
        Step::Divert {
            route: DivertRoute::Litigation,
            reason: "诉访分离".into(),
        },
        "2026-03-02",
    );
    assert_eq!(diverted.state, State::Diverted);
    assert!(diverted.is_litigation());
}

#[test]
fn art28_accepted_case_may_still_be_diverted_but_a_replied_one_may_not() {
    let rules = Rules::default();
    let divert = Step::Divert {
        route: DivertRoute::Arbitration,
        reason: "劳动仲裁".into(),
    };
    assert_eq!(
        check(&accepted_case(), &divert, at("2026-03-12"), &rules),
        Ok(())
    );
    assert_eq!(
        check(&replied_case(), &divert, at("2026-04-02"), &rules),
        Err(RuleError::NotAllowed {
            step: "divert",
            state: State::Replied
        })
    );
}

#[test]
fn transitions_outside_the_table_are_refused_with_the_state_named() {
    let case = new_case("2026-03-01");
    let refused = check(
        &case,
        &Step::Accept {
            class: Class::Demand,
        },
        at("2026-03-02"),
        &Rules::default(),
    );
    assert_eq!(
        refused,
        Err(RuleError::NotAllowed {
            step: "accept",
            state: State::Registered
        })
    );
    assert_eq!(
        refused.map_err(|e| e.to_string()),
        Err("cannot accept a case that is registered".to_string())
    );
}

#[test]
fn refusals_name_every_step_in_words_in_both_languages() {
    let names = [
        "register",
        "forward",
        "object",
        "accept",
        "start-handling",
        "decline",
        "divert",
        "extend",
        "reply",
        "evaluate",
        "request-review",
        "reply-review",
        "request-re-review",
        "record-hearing",
        "finalise",
        "conclude",
        "supervise",
        "flag-backlog",
        "flag-collective",
        "link-repeat",
        "classify",
        "package",
        "tick-duty",
        "sign-agreement",
        "assign-owner",
        "note",
        "edit",
        "undo",
    ];
    for step in names {
        let refused = RuleError::NotAllowed {
            step,
            state: State::Registered,
        };
        let en = refused.to_string();
        assert!(
            en.starts_with("cannot ") && en.ends_with(" a case that is registered"),
            "{en}"
        );
        let verb = &en["cannot ".len()..en.len() - " a case that is registered".len()];
        assert!(
            !verb.is_empty() && (verb != step || !step.contains('-')),
            "`{step}` reads as `{verb}`"
        );
        let zh = refused.zh();
        assert!(!zh.contains(step), "`{step}` is untranslated in: {zh}");
    }
    let hearing = RuleError::NotAllowed {
        step: "record-hearing",
        state: State::Registered,
    };
    assert_eq!(
        hearing.to_string(),
        "cannot record a hearing on a case that is registered"
    );
}

#[test]
fn steps_cannot_be_backdated_before_the_last_one() {
    let case = accepted_case();
    assert_eq!(
        check(&case, &reply(), at("2026-03-09"), &Rules::default()),
        Err(RuleError::OutOfOrder {
            at: d("2026-03-09"),
            last: d("2026-03-10")
        })
    );
}

#[test]
fn art18_leader_package_and_five_duties() {
    let rules = Rules::default();
    let mut case = accepted_case();
    assert_eq!(
        check(
            &case,
            &Step::TickDuty {
                duty: Duty::Resolve,
                note: String::new()
            },
            at("2026-03-11"),
            &rules
        ),
        Err(RuleError::NotPackaged)
    );
    step(&mut case, Step::PackageToLeader { leader: 3 }, "2026-03-11");
    step(
        &mut case,
        Step::TickDuty {
            duty: Duty::KnowSituation,
            note: "已走访".into(),
        },
        "2026-03-12",
    );
    step(
        &mut case,
        Step::TickDuty {
            duty: Duty::Counsel,
            note: "已谈心".into(),
        },
        "2026-03-13",
    );
    let package = case.package.as_ref().expect("packaged");
    assert_eq!(package.duties_done(), 2);
    assert_eq!(
        package.duty(Duty::Counsel).map(|r| r.done_on),
        Some(d("2026-03-13"))
    );
    assert_eq!(
        check(
            &case,
            &Step::PackageToLeader { leader: 4 },
            at("2026-03-14"),
            &rules
        ),
        Err(RuleError::AlreadyPackaged)
    );
}

#[test]
fn art39_supervision_only_on_open_cases() {
    let mut case = replied_case();
    step(&mut case, Step::Supervise { on: true }, "2026-04-02");
    assert!(case.supervised);
    step(&mut case, Step::Conclude, "2026-05-02");
    assert_eq!(
        check(
            &case,
            &Step::Supervise { on: false },
            at("2026-05-03"),
            &Rules::default()
        ),
        Err(RuleError::Closed {
            state: State::Concluded
        })
    );
}

#[test]
fn every_applied_step_bumps_the_version_and_a_refused_one_changes_nothing() {
    let mut case = new_case("2026-03-01");
    assert_eq!(case.version, 1);
    step(
        &mut case,
        Step::Note {
            text: "来电补充材料".into(),
        },
        "2026-03-02",
    );
    assert_eq!(case.version, 2);
    let before = case.clone();
    let refused = apply(
        &mut case,
        &Step::Conclude,
        at("2026-03-03"),
        &Rules::default(),
    );
    assert!(refused.is_err());
    assert_eq!(case, before);
}

#[test]
fn roll_over_moves_a_weekend_deadline_when_configured() {
    // Received Sunday 1 March 2026 + 13 days would be Saturday 14 March; the dispose clock is
    // 15 days (Monday 16 March) either way, so use a Friday receipt: Fri 6 March + 15 = Sat 21.
    let case = new_case("2026-03-06");
    let plain = Rules::default();
    let rolling = Rules {
        roll_over: true,
        calendar: Calendar::default(),
        ..Rules::default()
    };
    assert_eq!(
        deadline::duty_clock(&case, &plain).map(|c| c.due_on),
        Some(d("2026-03-21"))
    );
    assert_eq!(
        deadline::duty_clock(&case, &rolling).map(|c| c.due_on),
        Some(d("2026-03-23"))
    );
}

#[test]
fn replay_rebuilds_the_case_and_rejects_a_history_without_registration() {
    let events = vec![
        Event {
            at: at("2026-03-01"),
            actor: "a".into(),
            step: Step::Register { intake: None },
        },
        Event {
            at: at("2026-03-03"),
            actor: "a".into(),
            step: Step::Forward {
                unit: 7,
                assign: false,
            },
        },
        Event {
            at: at("2026-03-10"),
            actor: "b".into(),
            step: Step::Accept {
                class: Class::Demand,
            },
        },
    ];
    let case = replay(
        1,
        "NX-2026-000001".into(),
        intake("2026-03-01"),
        &events,
        &Rules::default(),
    )
    .expect("valid");
    assert_eq!(case, accepted_case());
    let err = replay(
        1,
        "x".into(),
        intake("2026-03-01"),
        &events[1..],
        &Rules::default(),
    );
    assert_eq!(err, Err(ReplayError::NoRegistration));
    let mut bad = events.clone();
    bad.push(Event {
        at: at("2026-03-11"),
        actor: "b".into(),
        step: Step::RequestReview {
            body: String::new(),
        },
    });
    assert!(matches!(
        replay(1, "x".into(), intake("2026-03-01"), &bad, &Rules::default()),
        Err(ReplayError::Refused {
            index: 3,
            step: "request-review",
            ..
        })
    ));
}

/// A suggestion accepted on 2026-03-10.
fn suggestion_case() -> Case {
    let mut case = forwarded("2026-03-03");
    step(
        &mut case,
        Step::Accept {
            class: Class::Suggestion,
        },
        "2026-03-10",
    );
    case
}

#[test]
fn art29_art30_suggestions_have_an_internal_target_and_no_review_chain() {
    let rules = Rules {
        internal_target_days: 45,
        ..Rules::default()
    };
    let mut case = suggestion_case();
    let clock = deadline::duty_clock(&case, &rules).expect("internal target");
    assert_eq!(clock.kind, ClockKind::InternalTarget);
    assert!(!clock.kind.is_statutory());
    assert_eq!(clock.due_on, d("2026-04-24"));
    // Art 34's extension is for 申诉求决类 cases only.
    let extend = Step::Extend {
        days: 10,
        reason: "需调研".into(),
    };
    assert_eq!(
        check(&case, &extend, at("2026-04-01"), &rules),
        Err(RuleError::ExtensionNotStatutory)
    );
    apply(&mut case, &reply(), at("2026-04-01"), &rules).expect("reply");
    // No review window after the reply, so no review, and conclusion at once.
    assert_eq!(deadline::current_clock(&case, &rules), None);
    assert_eq!(
        check(
            &case,
            &Step::RequestReview {
                body: String::new()
            },
            at("2026-04-02"),
            &rules
        ),
        Err(RuleError::NoReviewChain)
    );
    apply(&mut case, &Step::Conclude, at("2026-04-02"), &rules).expect("conclude");
    assert_eq!(case.state, State::Concluded);
}

#[test]
fn art35_windows_run_from_delivery_letters_take_configured_days() {
    let rules = Rules {
        letter_delivery_days: 5,
        ..Rules::default()
    };
    let mut case = accepted_case();
    case.intake.channel = Channel::Letter;
    apply(&mut case, &reply(), at("2026-04-01"), &rules).expect("reply");
    assert_eq!(case.dates.delivered_on, Some(d("2026-04-06")));
    let window = deadline::current_clock(&case, &rules).expect("review window");
    assert_eq!(window.kind, ClockKind::ReviewWindow);
    assert_eq!(window.started_on, d("2026-04-06"));
    assert_eq!(window.due_on, d("2026-05-06"));
    // Still in time on 05-06 (30 days from receipt, not from the reply).
    assert_eq!(
        check(
            &case,
            &Step::RequestReview {
                body: String::new()
            },
            at("2026-05-06"),
            &rules
        ),
        Ok(())
    );
    // A recorded delivery (the receipt came back) moves the window.
    apply(
        &mut case,
        &Step::RecordDelivery {
            on: d("2026-04-10"),
        },
        at("2026-04-12"),
        &rules,
    )
    .expect("delivery");
    assert_eq!(
        deadline::current_clock(&case, &rules).map(|c| c.due_on),
        Some(d("2026-05-10"))
    );
    // A delivery before the reply or after today is refused.
    assert_eq!(
        check(
            &case,
            &Step::RecordDelivery {
                on: d("2026-03-31")
            },
            at("2026-04-12"),
            &rules
        ),
        Err(RuleError::DeliveryDate {
            replied: d("2026-04-01")
        })
    );
    // Online replies are delivered the same day.
    let mut online = accepted_case();
    apply(&mut online, &reply(), at("2026-04-01"), &rules).expect("reply");
    assert_eq!(online.dates.delivered_on, Some(d("2026-04-01")));
}

#[test]
fn evaluation_only_inside_its_window() {
    let rules = Rules::default();
    let case = replied_case();
    let evaluate = Step::Evaluate {
        rating: Satisfaction::Satisfied,
    };
    // Replied online 04-01: the 30-day window ends 05-01.
    assert_eq!(check(&case, &evaluate, at("2026-05-01"), &rules), Ok(()));
    assert_eq!(
        check(&case, &evaluate, at("2026-05-02"), &rules),
        Err(RuleError::EvaluationWindowClosed {
            closed_on: d("2026-05-01")
        })
    );
}

#[test]
fn art36_hearing_days_only_while_the_re_review_clock_runs() {
    let rules = Rules::default();
    let mut case = replied_case();
    step(
        &mut case,
        Step::RequestReview {
            body: "6401".into(),
        },
        "2026-04-10",
    );
    assert_eq!(case.review_body.as_deref(), Some("6401"));
    step(
        &mut case,
        Step::ReplyReview {
            outcome: Outcome::NotSupported,
            text: "维持".into(),
            delivered_on: None,
        },
        "2026-05-01",
    );
    step(
        &mut case,
        Step::RequestReReview { body: "64".into() },
        "2026-05-10",
    );
    // Re-review moves one level up again, and is recorded.
    assert_eq!(case.review_body.as_deref(), Some("64"));
    let hearing = Step::RecordHearing { days: 5 };
    // The re-review clock ends 06-09.
    assert_eq!(check(&case, &hearing, at("2026-06-09"), &rules), Ok(()));
    assert_eq!(
        check(&case, &hearing, at("2026-06-10"), &rules),
        Err(RuleError::HearingOutsideClock {
            due: d("2026-06-09")
        })
    );
}

#[test]
fn art36_a_repeat_of_a_final_matter_can_only_be_declined() {
    let rules = Rules::default();
    let mut case = new_case("2026-03-01");
    step(
        &mut case,
        Step::LinkRepeat {
            of: 99,
            of_final: true,
        },
        "2026-03-01",
    );
    let forward = Step::Forward {
        unit: 7,
        assign: false,
    };
    assert_eq!(
        check(&case, &forward, at("2026-03-02"), &rules),
        Err(RuleError::FinalMatter)
    );
    let divert = Step::Divert {
        route: DivertRoute::Arbitration,
        reason: "仲裁".into(),
    };
    assert_eq!(
        check(&case, &divert, at("2026-03-02"), &rules),
        Err(RuleError::FinalMatter)
    );
    step(
        &mut case,
        Step::Decline {
            reason: "已复核终结（第三十六条第三款）".into(),
        },
        "2026-03-02",
    );
    assert_eq!(case.state, State::Declined);
}

#[test]
fn art30_an_accusation_is_confidential_from_registration_and_never_goes_to_the_accused() {
    let rules = Rules::default();
    let mut case = new_case("2026-03-01");
    case.intake.category = Some(Category::Discipline);
    // Confidential before any class is given: category 纪检监察.
    assert!(case.is_confidential());
    step(
        &mut case,
        Step::RecordAccused {
            name: "王某（局长）".into(),
            unit: Some(7),
        },
        "2026-03-01",
    );
    assert_eq!(
        check(
            &case,
            &Step::Forward {
                unit: 7,
                assign: false
            },
            at("2026-03-02"),
            &rules
        ),
        Err(RuleError::AccusedUnit)
    );
    step(
        &mut case,
        Step::Forward {
            unit: 8,
            assign: false,
        },
        "2026-03-02",
    );
    assert_eq!(case.unit, Some(8));
    // Class or route alone also make a case confidential.
    let mut by_class = new_case("2026-03-01");
    by_class.class = Some(Class::Accusation);
    assert!(by_class.is_confidential());
    let mut by_route = new_case("2026-03-01");
    by_route.route = Some(DivertRoute::DisciplineInspection);
    assert!(by_route.is_confidential());
    assert!(!new_case("2026-03-01").is_confidential());
}

#[test]
fn forwarded_cases_may_be_diverted() {
    let mut case = forwarded("2026-03-03");
    step(
        &mut case,
        Step::Divert {
            route: DivertRoute::Litigation,
            reason: "涉法涉诉".into(),
        },
        "2026-03-05",
    );
    assert_eq!(case.state, State::Diverted);
    assert_eq!(case.dates.answered_on, Some(d("2026-03-05")));
}

#[test]
fn kpi_1b_counts_an_agreed_objection_as_the_units_answer() {
    use super::kpi::{Period, compute};
    let mut case = forwarded("2026-03-03");
    step(
        &mut case,
        Step::Object {
            reason: "非本单位职责".into(),
        },
        "2026-03-05",
    );
    step(
        &mut case,
        Step::DecideObjection {
            agree: true,
            reason: "同意".into(),
            restart: None,
        },
        "2026-03-06",
    );
    let march = Period {
        from: d("2026-03-01"),
        to: d("2026-03-31"),
    };
    let k = compute(&[case], march, d("2026-03-31"), &Rules::default());
    // Answered (the agreed objection) on 03-06, two days after forwarding: in time.
    assert_eq!((k.timely_acceptance.num, k.timely_acceptance.den), (1, 1));
}

#[test]
fn kpi_2_a_case_diverted_after_its_deadline_stays_late() {
    use super::kpi::{Period, compute};
    let mut late = accepted_case(); // due 2026-05-09
    step(
        &mut late,
        Step::Divert {
            route: DivertRoute::Arbitration,
            reason: "仲裁".into(),
        },
        "2026-05-20",
    );
    let mut in_time = accepted_case();
    step(
        &mut in_time,
        Step::Divert {
            route: DivertRoute::Arbitration,
            reason: "仲裁".into(),
        },
        "2026-04-01",
    );
    let year = Period {
        from: d("2026-01-01"),
        to: d("2026-12-31"),
    };
    let k = compute(&[late], year, d("2026-12-31"), &Rules::default());
    assert_eq!(
        (k.completion.num, k.completion.den),
        (0, 1),
        "late by the time it left"
    );
    let k = compute(&[in_time], year, d("2026-12-31"), &Rules::default());
    assert_eq!(
        (k.completion.num, k.completion.den),
        (0, 0),
        "left the route in time"
    );
}

#[test]
fn a_concluded_suggestion_can_still_be_evaluated_inside_its_window() {
    let rules = Rules::default();
    let mut case = suggestion_case();
    apply(&mut case, &reply(), at("2026-04-01"), &rules).expect("reply");
    apply(&mut case, &Step::Conclude, at("2026-04-01"), &rules).expect("conclude");
    let evaluate = Step::Evaluate {
        rating: Satisfaction::Satisfied,
    };
    assert_eq!(
        check(&case, &evaluate, at("2026-05-02"), &rules),
        Err(RuleError::EvaluationWindowClosed {
            closed_on: d("2026-05-01")
        })
    );
    apply(&mut case, &evaluate, at("2026-04-10"), &rules).expect("evaluate");
    assert_eq!(case.satisfaction, Some(Satisfaction::Satisfied));
}

#[test]
fn art23_a_rejected_objection_cannot_be_escaped_by_diverting() {
    let mut case = forwarded("2026-03-03");
    step(
        &mut case,
        Step::Object {
            reason: "非本单位职责".into(),
        },
        "2026-03-04",
    );
    step(
        &mut case,
        Step::DecideObjection {
            agree: false,
            reason: "属该单位职责".into(),
            restart: None,
        },
        "2026-03-05",
    );
    let divert = Step::Divert {
        route: DivertRoute::Arbitration,
        reason: "仲裁".into(),
    };
    assert_eq!(
        check(&case, &divert, at("2026-03-06"), &Rules::default()),
        Err(RuleError::ObjectionRejected)
    );
}

#[test]
fn art30_the_accused_unit_never_receives_the_case_even_before_it_is_classified() {
    let mut case = new_case("2026-03-01");
    assert!(!case.is_confidential());
    step(
        &mut case,
        Step::RecordAccused {
            name: "某局".into(),
            unit: Some(7),
        },
        "2026-03-01",
    );
    // An accused party on record makes the case confidential at once (Art 30).
    assert!(case.is_confidential());
    assert_eq!(
        check(
            &case,
            &Step::Forward {
                unit: 7,
                assign: false
            },
            at("2026-03-02"),
            &Rules::default()
        ),
        Err(RuleError::AccusedUnit)
    );
}
