//! Back and forward through the places the user went: queues (drill-downs with their own
//! definition), cases opened on their own, and searches (k9s's `[` and `]`). Pure.

use super::state::{Effect, Focus, Place, State};
use crate::i18n::Lang;

/// Places kept at most.
const KEPT: usize = 100;

/// Records a place the user went to, unless they are going back or forward.
pub fn record(state: &mut State, place: Place) {
    if state.navigating {
        return;
    }
    if state.history.get(state.history_at) == Some(&place) {
        return;
    }
    if !state.history.is_empty() {
        state.history.truncate(state.history_at + 1);
    }
    // A queue passed on the way down the queue list replaces the one passed before it (the
    // queue the walk started from stays).
    if state.browsing_queues
        && state.last_browsed
        && matches!(state.history.last(), Some(Place::Queue(_)))
    {
        state.history.pop();
    }
    state.last_browsed = state.browsing_queues;
    state.history.push(place);
    if state.history.len() > KEPT {
        state.history.remove(0);
    }
    state.history_at = state.history.len() - 1;
}

/// Goes `delta` places back (negative) or forward (positive), if there is a place there.
pub fn go(state: &mut State, delta: i64) -> Vec<Effect> {
    let target = state.history_at as i64 + delta;
    let Some(place) = usize::try_from(target)
        .ok()
        .and_then(|at| state.history.get(at).cloned().map(|p| (at, p)))
    else {
        state.status = Some(
            match (delta < 0, state.lang) {
                (true, Lang::Zh) => "没有可后退的位置",
                (true, Lang::En) => "nothing to go back to",
                (false, Lang::Zh) => "没有可前进的位置",
                (false, Lang::En) => "nothing to go forward to",
            }
            .to_string(),
        );
        return Vec::new();
    };
    let (at, place) = place;
    state.history_at = at;
    state.navigating = true;
    let effects = visit(state, &place);
    state.navigating = false;
    let where_ = describe(state, &place);
    state.status = Some(format!(
        "{} {where_} ({}/{})",
        if delta < 0 { "←" } else { "→" },
        at + 1,
        state.history.len()
    ));
    effects
}

fn describe(state: &State, place: &Place) -> String {
    let lang = state.lang;
    match place {
        Place::Queue(queue) => format!("{} {}", lang.pick("队列", "queue"), queue.label(lang)),
        Place::Case(id) => state
            .detail
            .as_ref()
            .filter(|d| d.case.id == *id)
            .map(|d| crate::text::sanitise(&d.case.number).into_owned())
            .unwrap_or_else(|| lang.pick("信访件", "case").to_string()),
        Place::Search(query) => format!(
            "{} {}",
            lang.pick("搜索", "search"),
            crate::text::sanitise(query)
        ),
    }
}

fn visit(state: &mut State, place: &Place) -> Vec<Effect> {
    match place {
        Place::Queue(queue) => {
            let index = match state.queues.iter().position(|q| q.name == queue.name) {
                Some(at) => {
                    // A drill-down shares one slot: it gets its own definition back.
                    state.queues[at] = queue.clone();
                    at
                }
                None => {
                    state.queues.push(queue.clone());
                    state.counts.push(None);
                    state.queues.len() - 1
                }
            };
            state.queue_index = index;
            state.board_shown = false;
            state.overlay = super::state::Overlay::None;
            state.focus = Focus::Table;
            state.compact_detail = false;
            super::update::reload_from_start(state)
        }
        Place::Case(id) => {
            state.overlay = super::state::Overlay::None;
            state.board_shown = false;
            super::update::show_case(state, *id)
        }
        Place::Search(query) => super::searching::reopen(state, query),
    }
}
