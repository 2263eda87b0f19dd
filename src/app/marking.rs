//! Marks for bulk steps: mark or unmark the selected case, a range, every case of the queue (or
//! of the search results), or clear them. Marks belong to the view they were made in: switching
//! queue, searching or drilling down clears them and says so, so a step never reaches cases the
//! user cannot see. A step taken while cases are marked lists them and asks before it goes to
//! each marked case in its own transaction; a summary lists what happened to each, and `undo`
//! takes the whole bulk step back. Pure.

use super::action::Action;
use super::state::{Effect, Msg, Overlay, State};
use crate::i18n::{Lang, Text};
use crate::store::CaseRow;

/// Cases marked at most by `mark-all` on a queue.
pub const MARK_ALL_CAP: usize = 50_000;

/// A marked case as the bulk list shows it: its number and its title (or the Art 30 notice).
pub fn label(state: &State, number: &str, title: &str, visible: bool) -> String {
    let title = if visible && !title.is_empty() {
        title
    } else {
        Text::Restricted.get(state.lang)
    };
    crate::text::sanitise(&format!("{number}  {title}")).into_owned()
}

fn row_label(state: &State, row: &CaseRow) -> String {
    let visible = crate::domain::access::may_see_content(
        row.confidential,
        state.role,
        &state.scope.region,
        &row.county,
    );
    label(state, &row.number, &row.title, visible)
}

/// Marks start afresh in a view other than the one they were made in.
fn adopt_view(state: &mut State) {
    let view = state.view();
    if state.mark_view.as_ref() != Some(&view) {
        state.marks.clear();
        state.mark_view = Some(view);
    }
}

/// Clears marks made in another view than the one shown, and says so. Run after every update.
pub fn sync(state: &mut State) {
    if state.marks.is_empty() || state.mark_view.as_ref() == Some(&state.view()) {
        return;
    }
    let n = state.marks.len();
    state.marks.clear();
    state.mark_view = None;
    let said = match (state.lang, n) {
        (Lang::Zh, _) => format!("已清除 {n} 个标记（标记只属于做标记的视图）"),
        (Lang::En, 1) => "1 mark cleared (marks stay in the view they were made in)".to_string(),
        (Lang::En, _) => format!("{n} marks cleared (marks stay in the view they were made in)"),
    };
    state.status = Some(match state.status.take() {
        Some(before) => format!("{before} · {said}"),
        None => said,
    });
}

/// The mark actions.
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::ToggleMark => {
            adopt_view(state);
            if let Some(row) = state.table.selected_row() {
                let (id, label) = (row.id, row_label(state, row));
                if state.marks.remove(&id).is_none() {
                    state.marks.insert(id, label);
                }
            }
            super::update::apply(state, Action::SelectNext)
        }
        Action::MarkRange => {
            adopt_view(state);
            let rows = &state.table.rows;
            if rows.is_empty() {
                return Vec::new();
            }
            let last_marked = rows
                .iter()
                .take(state.table.selected + 1)
                .rposition(|r| state.marks.contains_key(&r.id));
            let from = last_marked.unwrap_or(state.table.selected);
            let picked: Vec<_> = rows[from..=state.table.selected.min(rows.len() - 1)]
                .iter()
                .map(|r| (r.id, row_label(state, r)))
                .collect();
            state.marks.extend(picked);
            Vec::new()
        }
        Action::MarkAll => {
            adopt_view(state);
            if let Overlay::Search(search) = &state.overlay {
                let picked: Vec<_> = search
                    .hits
                    .iter()
                    .map(|h| (h.id, label(state, &h.number, &h.title, !h.title.is_empty())))
                    .collect();
                state.marks.extend(picked);
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
            let n = state.marks.len();
            state.marks.clear();
            state.status = Some(match (state.lang, n) {
                (Lang::Zh, _) => format!("已清除 {n} 个标记"),
                (Lang::En, 1) => "1 mark cleared".to_string(),
                (Lang::En, _) => format!("{n} marks cleared"),
            });
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Handles the mark and bulk messages; `None` for any other message.
pub fn on_msg(state: &mut State, msg: &Msg) -> Option<Vec<Effect>> {
    Some(match msg {
        Msg::QueueIds { rows, capped } => {
            // Asked for in a view the user has since left: those cases are not on screen.
            if state.mark_view.as_ref() != Some(&state.view()) {
                return Some(Vec::new());
            }
            let picked: Vec<_> = rows.iter().map(|r| (r.id, row_label(state, r))).collect();
            state.marks.extend(picked);
            if *capped {
                state.status = Some(
                    state
                        .lang
                        .pick(
                            &format!("只标记了前 {MARK_ALL_CAP} 件"),
                            &format!("only the first {MARK_ALL_CAP} cases were marked"),
                        )
                        .to_string(),
                );
            }
            Vec::new()
        }
        Msg::BulkDone {
            step,
            undo,
            results,
        } => {
            let lang = state.lang;
            let step = step.get(lang);
            let applied = results.iter().filter(|r| r.2.is_ok()).count();
            let mut lines = Vec::with_capacity(results.len());
            for (_, number, result) in results {
                lines.push(match result {
                    Ok(new_state) => {
                        format!("✓ {number}  {}", lang.pick(new_state.zh(), new_state.en()))
                    }
                    Err(why) => format!("✗ {}", why.get(lang)),
                });
            }
            let title = match (lang, undo) {
                (Lang::Zh, false) => {
                    format!(
                        "批量{step}：{applied}/{} 件已执行（u 可整体撤销）",
                        results.len()
                    )
                }
                (Lang::En, false) => format!(
                    "bulk {step}: {applied} of {} applied (u undoes them all)",
                    results.len()
                ),
                (Lang::Zh, true) => {
                    format!("已撤销批量{step}：{applied}/{} 件已退回", results.len())
                }
                (Lang::En, true) => format!(
                    "bulk {step} undone: {applied} of {} taken back",
                    results.len()
                ),
            };
            state.last_bulk = if *undo {
                Vec::new()
            } else {
                results
                    .iter()
                    .filter(|r| r.2.is_ok())
                    .map(|r| (r.0, r.1.clone()))
                    .collect()
            };
            if !*undo && !state.last_bulk.is_empty() {
                // Undo takes back the bulk step, not an older single one.
                state.last_step = None;
            }
            state.status = Some(title.clone());
            state.marks.clear();
            state.mark_view = None;
            state.overlay = Overlay::Summary { title, lines };
            super::update::reload_keeping_selection(state)
        }
        _ => return None,
    })
}
