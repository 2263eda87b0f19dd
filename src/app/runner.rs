//! The effect runner of the console's host loop: runs each effect on a blocking task and counts
//! what is in flight. Detail loads are coalesced: while one is in flight, a newer one waits in a
//! single slot (a newer still replaces it, latest wins), so holding `j` on a slow database asks
//! for at most two cases, not one per row passed.

use super::run::{Shared, spawn};
use super::state::{Effect, Msg};
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::mpsc;

pub struct Runner<'a> {
    store: &'a Arc<dyn Store>,
    shared: &'a Shared,
    results: mpsc::UnboundedSender<Msg>,
    /// Effects spawned and not yet answered.
    pub in_flight: usize,
    /// The request id of the detail load in flight.
    detail: Option<u64>,
    /// The newest detail load asked for meanwhile.
    next_detail: Option<Effect>,
}

impl<'a> Runner<'a> {
    pub fn new(
        store: &'a Arc<dyn Store>,
        shared: &'a Shared,
        results: mpsc::UnboundedSender<Msg>,
    ) -> Runner<'a> {
        Runner {
            store,
            shared,
            results,
            in_flight: 0,
            detail: None,
            next_detail: None,
        }
    }

    /// Runs `effect` (or holds it, if it is a detail load while another is in flight).
    pub fn run(&mut self, effect: Effect) {
        if let Effect::LoadDetail { request, .. } = &effect {
            if self.detail.is_some() {
                self.next_detail = Some(effect);
                return;
            }
            self.detail = Some(*request);
        }
        self.in_flight += 1;
        spawn(effect, self.store, self.shared, &self.results);
    }

    /// Notes that `msg` arrived: an answer ends its effect, and the end of a detail load starts
    /// the one held.
    pub fn answered(&mut self, msg: &Msg) {
        if msg.answers_effect() {
            self.in_flight = self.in_flight.saturating_sub(1);
        }
        let request = match msg {
            Msg::DetailLoaded { request, .. } | Msg::LoadFailed { request, .. } => Some(*request),
            _ => None,
        };
        if request.is_some() && request == self.detail {
            self.detail = None;
            if let Some(next) = self.next_detail.take() {
                self.run(next);
            }
        }
    }

    /// Whether a detail load waits behind another.
    pub fn holding(&self) -> bool {
        self.next_detail.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_newer_detail_load_waits_and_replaces_the_one_waiting() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("d.db");
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(18, 0, 0))
            .expect("time");
        let options = crate::demo::Options {
            cases: 50,
            seed: 1,
            now,
        };
        crate::demo::generate(&path, &options, crate::domain::Rules::default(), &|_| {})
            .expect("demo");
        let store: Arc<dyn Store> = Arc::from(
            crate::store::open(
                path.to_str().expect("utf-8"),
                crate::domain::Rules::default(),
                crate::store::OpenMode::ReadOnly,
            )
            .expect("open"),
        );
        let shared = Shared::default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut runner = Runner::new(&store, &shared, tx);
        for request in 1..=3 {
            runner.run(Effect::LoadDetail { request, id: 1 });
        }
        assert_eq!(runner.in_flight, 1, "one load at a time");
        assert!(runner.holding());
        let answered = |msg: &Msg| match msg {
            Msg::DetailLoaded { request, .. } => *request,
            other => panic!("{other:?}"),
        };
        let first = rx.recv().await.expect("an answer");
        assert_eq!(answered(&first), 1);
        runner.answered(&first);
        // The held load is the newest (3); the one it replaced (2) is never asked.
        assert_eq!(runner.in_flight, 1);
        assert!(!runner.holding());
        let second = rx.recv().await.expect("an answer");
        assert_eq!(answered(&second), 3);
        runner.answered(&second);
        assert_eq!(runner.in_flight, 0);
        assert!(rx.try_recv().is_err());
    }
}
