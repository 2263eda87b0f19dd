//! Plays a case forward through the real state machine, recording events. Steps dated after
//! "now" stop the life cycle there, which is what leaves recent cases open in every queue.

use crate::domain::lifecycle;
use crate::domain::{Case, Rules, Step};
use crate::store::StoredEvent;
use chrono::{Duration, NaiveDateTime, NaiveTime};
use rand::Rng;

/// A case being played forward.
pub struct Sim<'r> {
    pub case: Case,
    pub events: Vec<StoredEvent>,
    rules: &'r Rules,
    now: NaiveDateTime,
    /// Time of the latest recorded event; later events are never dated before it.
    pub cursor: NaiveDateTime,
    /// Set once a life-cycle step fell after "now": the case stays where it is.
    pub stopped: bool,
}

impl<'r> Sim<'r> {
    /// Starts with the registration event.
    pub fn new(
        case: Case,
        registered_at: NaiveDateTime,
        actor: &str,
        now: NaiveDateTime,
        rules: &'r Rules,
    ) -> Self {
        let state = case.state;
        let registered = crate::domain::case::intake_digest(&case.intake);
        Sim {
            case,
            events: vec![StoredEvent {
                seq: 0,
                at: registered_at,
                actor: actor.to_string(),
                step: Step::Register {
                    intake: Some(registered),
                },
                from_state: None,
                to_state: Some(state),
            }],
            rules,
            now,
            cursor: registered_at,
            stopped: false,
        }
    }

    /// A working-hours moment `days` after the cursor (never before it).
    pub fn after<R: Rng>(&self, rng: &mut R, days: i64) -> NaiveDateTime {
        let day = self.cursor.date() + Duration::days(days.max(0));
        let time = NaiveTime::from_hms_opt(
            rng.random_range(8..18),
            rng.random_range(0..60),
            rng.random_range(0..60),
        )
        .unwrap_or(NaiveTime::MIN);
        let at = day.and_time(time);
        if at <= self.cursor {
            self.cursor + Duration::minutes(rng.random_range(5..90))
        } else {
            at
        }
    }

    /// A working-hours moment between `low` and `high` days after the cursor.
    pub fn within<R: Rng>(&self, rng: &mut R, low: i64, high: i64) -> NaiveDateTime {
        let days = rng.random_range(low..=high);
        self.after(rng, days)
    }

    /// A life-cycle step: if it falls after "now" the case stops here. Returns whether applied.
    pub fn step(&mut self, at: NaiveDateTime, actor: &str, step: Step) -> bool {
        if self.stopped {
            return false;
        }
        if at > self.now {
            self.stopped = true;
            return false;
        }
        self.record(at, actor, step)
    }

    /// A side step (flag, tick, note): skipped if it falls after "now", without stopping.
    pub fn side(&mut self, at: NaiveDateTime, actor: &str, step: Step) -> bool {
        at <= self.now && self.record(at, actor, step)
    }

    fn record(&mut self, at: NaiveDateTime, actor: &str, step: Step) -> bool {
        let at = at.max(self.cursor);
        let from = self.case.state;
        let step = lifecycle::settled(&self.case, &step, at, self.rules);
        if lifecycle::apply(&mut self.case, &step, at, self.rules).is_err() {
            return false;
        }
        self.events.push(StoredEvent {
            seq: 0,
            at,
            actor: actor.to_string(),
            step,
            from_state: Some(from),
            to_state: Some(self.case.state),
        });
        self.cursor = at;
        true
    }
}
