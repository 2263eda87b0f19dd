//! Marks for bulk steps: mark or unmark the selected case, a range, every case of the queue (or
//! of the search results), or clear them. A step taken while cases are marked goes to each
//! marked case in its own transaction, and a summary lists what happened to each. Pure.

use super::action::Action;
use super::state::{Effect, Msg, Overlay, State};
use crate::i18n::Lang;

/// Cases marked at most by `mark-all` on a queue.
pub const MARK_ALL_CAP: usize = 50_000;

/// The mark actions.
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::ToggleMark => {
            if let Some(id) = state.table.selected_row().map(|r| r.id)
                && !state.marks.remove(&id)
            {
                state.marks.insert(id);
            }
            let effects = super::update::apply(state, Action::SelectNext);
            say_count(state);
            effects
        }
        Action::MarkRange => {
            let rows = &state.table.rows;
            let last_marked = rows
                .iter()
                .take(state.table.selected + 1)
                .rposition(|r| state.marks.contains(&r.id));
            let from = last_marked.unwrap_or(state.table.selected);
            let ids: Vec<_> = rows[from..=state.table.selected.min(rows.len().saturating_sub(1))]
                .iter()
                .map(|r| r.id)
                .collect();
            state.marks.extend(ids);
            say_count(state);
            Vec::new()
        }
        Action::MarkAll => {
            if let Overlay::Search(search) = &state.overlay {
                state.marks.extend(search.hits.iter().map(|h| h.id));
                say_count(state);
                return Vec::new();
            }
            let Some(queue) = state.queue() else {
                return Vec::new();
            };
            vec![Effect::LoadQueueIds {
                filter: queue.filter.clone(),
                sort: queue.sort,
                scope: state.scope.clone(),
                cap: MARK_ALL_CAP,
            }]
        }
        Action::ClearMarks => {
            state.marks.clear();
            say_count(state);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn say_count(state: &mut State) {
    let n = state.marks.len();
    state.status = Some(match state.lang {
        Lang::Zh => format!("已标记 {n} 件"),
        Lang::En => format!("{n} marked"),
    });
}

/// Handles the mark and bulk messages; `None` for any other message.
pub fn on_msg(state: &mut State, msg: &Msg) -> Option<Vec<Effect>> {
    Some(match msg {
        Msg::QueueIds { ids, capped } => {
            state.marks.extend(ids.iter().copied());
            say_count(state);
            if *capped && let Some(status) = &mut state.status {
                status.push_str(state.lang.pick(
                    &format!("（最多 {MARK_ALL_CAP} 件）"),
                    &format!(" (at most {MARK_ALL_CAP})"),
                ));
            }
            Vec::new()
        }
        Msg::BulkDone { step, results } => {
            let lang = state.lang;
            let applied = results.iter().filter(|r| r.1.is_ok()).count();
            let mut lines = Vec::with_capacity(results.len());
            for (number, result) in results {
                lines.push(match result {
                    Ok(new_state) => {
                        format!("✓ {number}  {}", lang.pick(new_state.zh(), new_state.en()))
                    }
                    Err(why) => format!("✗ {}", why.get(lang)),
                });
            }
            let title = match lang {
                Lang::Zh => format!("批量 {step}：{applied}/{} 件已执行", results.len()),
                Lang::En => format!("bulk {step}: {applied} of {} applied", results.len()),
            };
            state.status = Some(title.clone());
            state.marks.clear();
            state.overlay = Overlay::Summary { title, lines };
            super::update::reload_keeping_selection(state)
        }
        _ => return None,
    })
}
