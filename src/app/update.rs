//! `update(state, msg) -> effects`: every change of the console's state, pure and unit-tested.
//!
//! Keys are resolved through the keymap (focused context first, then global; multi-key
//! sequences wait). Results carry request ids and only the newest of each kind is applied. A
//! reload keeps the selection on the same case id; if that case left the queue, the selection
//! moves to its neighbour and the status bar says why.

use super::action::Action;
use super::boards;
use super::marking;
use super::palette::{self, Command};
use super::searching;
use super::state::{Effect, Focus, Link, Msg, Overlay, PAGE_ROWS, Palette, State};
use super::stepping;
use crate::i18n::Text;
use crate::keymap::KeyCodeName;
use crate::keymap::{Context, Key, Lookup};

/// Applies `msg` to `state` and returns the effects to run.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = match msg {
        Msg::Key(key)
            if (!state.typeahead.is_empty() || waits(state, &key)) && !cancels(state, &key) =>
        {
            if state.typeahead.len() < TYPEAHEAD_KEYS {
                state.typeahead.push(key);
            }
            Vec::new()
        }
        msg => update_inner(state, msg),
    };
    marking::sync(state);
    // The rows arrived (or failed to): the keys typed ahead act on them, in order, until one of
    // them starts another queue load.
    while let Some(event) = state.typeahead.first().copied()
        && !waits(state, &event)
    {
        state.typeahead.remove(0);
        effects.extend(update_inner(state, Msg::Key(event)));
        marking::sync(state);
    }
    if let Overlay::Search(search) = &state.overlay
        && !search.input.trim().is_empty()
    {
        // `/` reopens the last search with its results.
        state.last_search = Some(search.clone());
    }
    effects
}

/// At most this many keys wait for a queue's rows; more are dropped.
const TYPEAHEAD_KEYS: usize = 64;

/// Whether `event` must wait for a load on its way: any key for the table while its queue's first
/// rows are coming (it would act on nothing), and the step key while the selected case's detail
/// is coming (the form needs the case as it is). A failed load ends the wait like a finished one.
fn waits(state: &State, key: &Key) -> bool {
    // Enter in the search before its results: the keys after it belong to the case it opens.
    if let Overlay::Search(search) = &state.overlay {
        return search.open_when_done;
    }
    if state.overlay != Overlay::None || state.board_shown {
        return false;
    }
    if state.focus == Focus::Table && state.table.loading && state.table.rows.is_empty() {
        return true;
    }
    if !state.requests.detail_pending() {
        return false;
    }
    // A case opened (from a search, by number, or the next row) is not on screen yet: a step or
    // a copy would take the case shown before it.
    let mut keys = state.pending_keys.clone();
    keys.push(*key);
    matches!(
        state.keymap.lookup(&contexts(state), &keys),
        Lookup::Matched(Action::TakeStep | Action::CopyCaseNumber | Action::CopyCaseSummary)
    )
}

/// Esc or quit while the search waits to open its first match: not held behind it.
fn cancels(state: &State, key: &Key) -> bool {
    let Overlay::Search(search) = &state.overlay else {
        return false;
    };
    search.open_when_done
        && matches!(
            state.keymap.lookup(&contexts(state), &[*key]),
            Lookup::Matched(Action::CloseOverlay | Action::Quit)
        )
}

fn update_inner(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Paste(text) => paste(state, &text),
        Msg::Mouse(event) => {
            state.status = None;
            super::mouse::on_mouse(state, event)
        }
        Msg::Resize(width, height) => {
            state.width = width;
            state.height = height;
            clamp_offset(state);
            Vec::new()
        }
        Msg::Tick { now } => {
            state.now = now;
            let (today, clock) = (now.date(), now.format("%H:%M").to_string());
            if today != state.scope.today {
                // A new day moves deadlines between queues: rebuild and reload.
                state.scope.today = today;
                let names: Vec<String> = state.queues.iter().map(|q| q.name.clone()).collect();
                for (queue, name) in state.queues.iter_mut().zip(names) {
                    if let Some(builtin) = crate::store::Builtin::from_name(&name) {
                        *queue = super::state::QueueDef::builtin(
                            builtin,
                            today,
                            state.due_soon_days,
                            &state.user,
                        );
                    } else if let Some(Ok(rebuilt)) = queue
                        .source
                        .as_ref()
                        .map(|s| s.build(today, state.due_soon_days, &state.user))
                    {
                        // A user queue's "this week" and "the last 7 days" move with the day.
                        *queue = rebuilt;
                    }
                }
                return reload(state, true);
            }
            state.loaded_at = clock;
            Vec::new()
        }
        Msg::CountsLoaded {
            request,
            counts,
            clock,
        } => {
            if request == state.requests.counts {
                state.counts = counts.into_iter().map(Some).collect();
                mark_live(state, clock);
            }
            Vec::new()
        }
        Msg::PageLoaded {
            request,
            page,
            append,
            keep,
            clock,
        } => {
            if request != state.requests.page {
                return Vec::new();
            }
            mark_live(state, clock);
            state.table.loading = false;
            state.table.next = page.next;
            let resorted = std::mem::take(&mut state.table.resorted);
            if append {
                state.table.rows.extend(page.rows);
                if std::mem::take(&mut state.table.to_end) {
                    return move_selection(state, i64::MAX / 2);
                }
                return Vec::new();
            }
            let previous_index = state.table.selected;
            state.table.rows = page.rows;
            // A case shown alone (opened by number or from a search) is not the table's row:
            // reloading the queue around it (after a change) must not replace it in the detail.
            let shown_alone = keep.is_some_and(|id| {
                state
                    .detail
                    .as_ref()
                    .is_some_and(|d| d.case.id != id && state.compact_detail)
            });
            match keep {
                Some(id) => match state.table.rows.iter().position(|r| r.id == id) {
                    Some(index) => state.table.selected = index,
                    None if resorted => {
                        // Re-sorted: the case is further down the new order; start at the top.
                        state.table.selected = 0;
                        state.table.offset = 0;
                    }
                    None => {
                        state.table.selected =
                            previous_index.min(state.table.rows.len().saturating_sub(1));
                        // Keep what the user was told (a step's result) and say why the selection moved.
                        let left = Text::CaseLeftQueue.get(state.lang);
                        state.status = Some(match state.status.take() {
                            Some(before) => format!("{before} · {left}"),
                            None => left.to_string(),
                        });
                    }
                },
                None => {
                    state.table.selected = 0;
                    state.table.offset = 0;
                }
            }
            clamp_offset(state);
            if shown_alone {
                return Vec::new();
            }
            load_selected_detail(state)
        }
        Msg::DetailLoaded { request, detail } => {
            if request == state.requests.detail {
                state.requests.detail_answered = request;
                state.detail = detail.map(|d| *d);
                stepping::on_detail(state);
            }
            Vec::new()
        }
        Msg::CaseFound {
            request,
            id,
            number,
        } => {
            if request != state.requests.find {
                return Vec::new();
            }
            match id {
                Some(id) => show_case(state, id),
                None => {
                    state.status = Some(format!(
                        "{}: {}",
                        Text::CaseNotFound.get(state.lang),
                        number
                    ));
                    Vec::new()
                }
            }
        }
        Msg::LoadFailed {
            request,
            error,
            clock,
            reconnecting,
        } => {
            if request == state.requests.page {
                state.table.loading = false;
            }
            if request == state.requests.detail {
                state.requests.detail_answered = request;
            }
            match (&state.link, reconnecting) {
                // Still reconnecting: the status line already says so, every second would be noise.
                (Link::Reconnecting { .. }, true) => return Vec::new(),
                (Link::Stale { .. }, false) => {}
                (_, true) => state.link = Link::Reconnecting { since: clock },
                (_, false) => state.link = Link::Stale { since: clock },
            }
            state.status = Some(format!(
                "{}: {}",
                Text::LoadFailed.get(state.lang),
                error.get(state.lang)
            ));
            Vec::new()
        }
        Msg::Shutdown => {
            state.quit = true;
            Vec::new()
        }
        other => searching::on_msg(state, &other)
            .or_else(|| stepping::on_msg(state, &other))
            .or_else(|| marking::on_msg(state, &other))
            .or_else(|| boards::on_msg(state, &other))
            .or_else(|| super::saving::on_msg(state, &other))
            .or_else(|| super::exporting::on_msg(state, &other))
            .unwrap_or_default(),
    }
}

/// Reloads counts and the current queue from its first row.
pub fn reload_from_start(state: &mut State) -> Vec<Effect> {
    reload(state, false)
}

/// Reloads counts, the queue and the detail, keeping the selection on its case.
pub fn reload_keeping_selection(state: &mut State) -> Vec<Effect> {
    reload(state, true)
}

/// The first effects after start: counts, the first page, and nothing selected yet.
pub fn start(state: &mut State) -> Vec<Effect> {
    let mut effects = reload(state, false);
    effects.push(Effect::LoadReference);
    effects.push(Effect::BuildIndex {
        role: state.role,
        region: state.scope.region.clone(),
    });
    effects
}

fn mark_live(state: &mut State, clock: String) {
    state.link = Link::Live;
    state.loaded_at = clock;
}

/// The contexts keys are looked up in, most specific first.
fn contexts(state: &State) -> Vec<Context> {
    match &state.overlay {
        Overlay::Palette(_) => vec![Context::Palette],
        Overlay::Search(_) => vec![Context::Search],
        Overlay::Step(_) => vec![Context::Picker],
        // The summary is a notice: the table's keys work through it (`u` undoes the bulk step).
        Overlay::Summary { .. } => vec![Context::Global, Context::Table],
        Overlay::Help { .. } => vec![Context::Global],
        Overlay::None if state.board_shown => vec![Context::Board, Context::Global],
        Overlay::None => {
            let focused = match state.focus {
                Focus::Queues => Context::Queues,
                Focus::Table => Context::Table,
                Focus::Detail => Context::Detail,
            };
            vec![focused, Context::Global]
        }
    }
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    state.status = None;
    let armed = std::mem::replace(&mut state.quit_armed, false);
    let mut keys = std::mem::take(&mut state.pending_keys);
    keys.push(key);
    if matches!(state.overlay, Overlay::Help { .. }) {
        return help_key(state, &key, &keys);
    }
    match state.keymap.lookup(&contexts(state), &keys) {
        Lookup::Matched(Action::Quit) if armed => {
            state.quit = true;
            Vec::new()
        }
        Lookup::Matched(action) => apply(state, action),
        Lookup::Pending => {
            state.pending_keys = keys;
            Vec::new()
        }
        // In a form, the palette or the search, typed letters are text; a global control key
        // (ctrl-c) still works, and so does a global sequence of control keys (ctrl-x ctrl-s).
        Lookup::NotFound
            if keys.iter().all(|k| k.ctrl)
                && matches!(
                    state.overlay,
                    Overlay::Step(_) | Overlay::Palette(_) | Overlay::Search(_)
                ) =>
        {
            match state.keymap.lookup(&[Context::Global], &keys) {
                Lookup::Matched(Action::Quit) if armed => {
                    state.quit = true;
                    Vec::new()
                }
                Lookup::Matched(action) => apply(state, action),
                Lookup::Pending => {
                    state.pending_keys = keys;
                    Vec::new()
                }
                Lookup::NotFound => Vec::new(),
            }
        }
        Lookup::NotFound => match &mut state.overlay {
            Overlay::Palette(palette) => {
                edit_palette(palette, &key);
                Vec::new()
            }
            Overlay::Search(_) => searching::edit(state, &key),
            Overlay::Step(_) => stepping::edit(state, &key),
            _ => Vec::new(),
        },
    }
}

/// Pasted text goes into whatever is being typed: a step answer, the palette or the search.
fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let one_line = || {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match &mut state.overlay {
        Overlay::Step(_) => stepping::paste(state, text),
        Overlay::Palette(palette) => {
            palette.input.push_str(&one_line());
            palette.selected = 0;
            palette.recall = None;
            Vec::new()
        }
        Overlay::Search(_) => searching::paste(state, &one_line()),
        _ => Vec::new(),
    }
}

fn edit_palette(palette: &mut Palette, key: &Key) {
    if let Some(c) = key.text() {
        palette.input.push(c);
        palette.selected = 0;
        palette.recall = None;
    } else if key.code == KeyCodeName::Backspace {
        palette.input.pop();
        palette.selected = 0;
    }
}

/// Applies one action.
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    if matches!(state.overlay, Overlay::Summary { .. }) && action != Action::Quit {
        state.overlay = Overlay::None;
        if action == Action::CloseOverlay {
            return Vec::new();
        }
    }
    if let Some(effects) = move_in_overlay(state, action) {
        return effects;
    }
    if state.board_shown
        && state.overlay == Overlay::None
        && (action.is_movement() || matches!(action, Action::OpenSelected | Action::CloseOverlay))
    {
        let action = if action == Action::CloseOverlay {
            Action::CloseBoards
        } else {
            action
        };
        return boards::apply(state, action);
    }
    match action {
        Action::OpenBoards
        | Action::CloseBoards
        | Action::NextBoard
        | Action::PreviousBoard
        | Action::BoardOption
        | Action::WriteReport
        | Action::BoardSort => boards::apply(state, action),
        Action::Quit => {
            let form = matches!(state.overlay, Overlay::Step(_));
            if form || !state.marks.is_empty() {
                // Something would be lost: the next quit key leaves, any other key stays.
                state.quit_armed = true;
                let n = state.marks.len();
                let key = super::hints::key_for(&state.keymap, Context::Global, Action::Quit)
                    .unwrap_or_else(|| "ctrl-c".to_string());
                state.status = Some(match (state.lang, form, n) {
                    (crate::i18n::Lang::Zh, true, _) => {
                        format!("表单尚未提交：再按 {key} 退出，按其他键继续")
                    }
                    (crate::i18n::Lang::En, true, _) => format!(
                        "the form is not submitted: press {key} again to leave, any other key stays"
                    ),
                    (crate::i18n::Lang::Zh, false, _) => {
                        format!("有 {n} 个标记：再按 {key} 退出，按其他键继续")
                    }
                    (crate::i18n::Lang::En, false, 1) => {
                        format!("1 case is marked: press {key} again to leave, any other key stays")
                    }
                    (crate::i18n::Lang::En, false, _) => format!(
                        "{n} cases are marked: press {key} again to leave, any other key stays"
                    ),
                });
                return Vec::new();
            }
            state.quit = true;
            Vec::new()
        }
        Action::ToggleHelp => {
            state.overlay = match state.overlay {
                Overlay::Help { .. } => Overlay::None,
                _ => Overlay::Help {
                    scroll: 0,
                    filter: String::new(),
                    context: super::hints::context(state),
                },
            };
            Vec::new()
        }
        Action::SortByNumber
        | Action::SortByReceived
        | Action::SortByChannel
        | Action::SortByCounty
        | Action::SortByCategory
        | Action::SortByTitle
        | Action::SortByState
        | Action::SortByDue => sort_by(state, action),
        Action::SaveView => super::saving::begin(state),
        Action::ExportView => super::exporting::begin(state),
        Action::HistoryBack => super::history::go(state, -1),
        Action::HistoryForward => super::history::go(state, 1),
        Action::OpenPalette => {
            state.overlay = Overlay::Palette(Palette::default());
            Vec::new()
        }
        Action::CloseOverlay => {
            // Esc on a case opened on its own (narrow screen, or a search or `case` result the
            // table does not show) goes back to the table and its selected case.
            let apart = state.detail.as_ref().map(|d| d.case.id)
                != state.table.selected_row().map(|r| r.id);
            if state.overlay == Overlay::None && (!state.wide() || apart) {
                state.compact_detail = false;
                return focus(state, Focus::Table);
            }
            state.overlay = Overlay::None;
            Vec::new()
        }
        Action::FocusNext | Action::FocusPrevious => {
            let order = [Focus::Queues, Focus::Table, Focus::Detail];
            let at = order.iter().position(|f| *f == state.focus).unwrap_or(1);
            let step = if action == Action::FocusNext { 1 } else { 2 };
            focus(state, order[(at + step) % 3])
        }
        Action::FocusQueues => focus(state, Focus::Queues),
        Action::FocusTable => focus(state, Focus::Table),
        Action::FocusDetail => focus(state, Focus::Detail),
        Action::SelectNext => move_selection(state, 1),
        Action::SelectPrevious => move_selection(state, -1),
        Action::PageDown => move_selection(state, state.visible_rows() as i64),
        Action::PageUp => move_selection(state, -(state.visible_rows() as i64)),
        Action::SelectFirst => move_selection(state, i64::MIN / 2),
        Action::SelectLast => last_row(state),
        Action::OpenSelected => match state.focus {
            Focus::Queues => focus(state, Focus::Table),
            Focus::Table => focus(state, Focus::Detail),
            Focus::Detail => Vec::new(),
        },
        Action::ToggleDetail => {
            state.compact_detail = !state.compact_detail;
            state.focus = if state.compact_detail {
                Focus::Detail
            } else {
                Focus::Table
            };
            Vec::new()
        }
        Action::Refresh => reload(state, true),
        Action::CopyCaseNumber | Action::CopyCaseSummary => {
            let Some(shown) = copied_case(state) else {
                state.status = Some(Text::NoCaseSelected.get(state.lang).to_string());
                return Vec::new();
            };
            let visible = crate::domain::access::may_see_content(
                shown.confidential,
                state.role,
                &state.scope.region,
                shown.county,
            );
            let text = if action == Action::CopyCaseNumber {
                shown.number.to_string()
            } else {
                let county = crate::domain::region::name_of(shown.county).unwrap_or_default();
                let title = if visible {
                    shown.title
                } else {
                    Text::Restricted.get(state.lang)
                };
                format!(
                    "{} {} {} {} {}",
                    shown.number,
                    shown.received_on,
                    county,
                    shown.state.zh(),
                    title
                )
            };
            // What goes to the clipboard (OSC 52) is neutralised like everything on screen.
            let text = crate::text::sanitise(&text).into_owned();
            state.status = Some(format!("{} {}", text, Text::Copied.get(state.lang)));
            state.copied = Some(text.clone());
            vec![Effect::Copy(text)]
        }
        Action::SwitchLanguage => {
            state.lang = state.lang.other();
            Vec::new()
        }
        Action::CycleTheme => {
            state.theme = state.theme.next();
            Vec::new()
        }
        Action::PaletteNext | Action::PalettePrevious => {
            let count = palette_entries(state).len();
            if let Overlay::Palette(p) = &mut state.overlay
                && count > 0
            {
                p.selected = if action == Action::PaletteNext {
                    (p.selected + 1) % count
                } else {
                    (p.selected + count - 1) % count
                };
                p.moved = true;
            }
            Vec::new()
        }
        Action::PaletteHistoryPrevious | Action::PaletteHistoryNext => {
            let history = state.palette_history.clone();
            if let Overlay::Palette(p) = &mut state.overlay
                && !history.is_empty()
            {
                let at = match (p.recall, action) {
                    (None, Action::PaletteHistoryPrevious) => Some(history.len() - 1),
                    (None, _) => None,
                    (Some(i), Action::PaletteHistoryPrevious) => Some(i.saturating_sub(1)),
                    (Some(i), _) if i + 1 < history.len() => Some(i + 1),
                    (Some(_), _) => None,
                };
                p.recall = at;
                p.input = at.map(|i| history[i].clone()).unwrap_or_default();
                p.selected = 0;
            }
            Vec::new()
        }
        Action::PaletteRun => run_palette(state),
        Action::ToggleMark | Action::MarkRange | Action::MarkAll | Action::ClearMarks => {
            marking::apply(state, action)
        }
        Action::TakeStep
        | Action::PickNext
        | Action::PickPrevious
        | Action::PickChoose
        | Action::Undo
        | Action::RegisterCase => stepping::apply(state, action),
        Action::OpenSearch | Action::SearchNext | Action::SearchPrevious | Action::SearchOpen => {
            searching::apply(state, action)
        }
    }
}

/// The movement actions (down, up, first, last, page) in a menu, picker, palette or search
/// results: one vocabulary in every list. `None` when no such list has the keyboard.
fn move_in_overlay(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    const PAGE: i64 = 10;
    let delta = match action {
        Action::SelectNext => 1,
        Action::SelectPrevious => -1,
        Action::PageDown => PAGE,
        Action::PageUp => -PAGE,
        Action::SelectFirst => i64::MIN / 2,
        Action::SelectLast => i64::MAX / 2,
        _ => return None,
    };
    let lang = state.lang;
    let count = match &state.overlay {
        Overlay::Step(form) => stepping::list_len(form, lang),
        Overlay::Palette(_) => palette_entries(state).len(),
        Overlay::Search(search) => search.hits.len(),
        _ => return None,
    };
    let last = count.saturating_sub(1) as i64;
    let moved = |at: usize| (at as i64 + delta).clamp(0, last) as usize;
    match &mut state.overlay {
        Overlay::Step(form) => form.selected = moved(form.selected),
        Overlay::Palette(p) => {
            p.selected = moved(p.selected);
            p.moved = true;
        }
        Overlay::Search(search) => search.selected = moved(search.selected),
        _ => {}
    }
    Some(Vec::new())
}

/// Keys on the help screen: movement and closing through the keymap; with a filter typed, or
/// for any other printable key, the filter.
fn help_key(state: &mut State, key: &Key, keys: &[Key]) -> Vec<Effect> {
    let typing = matches!(&state.overlay, Overlay::Help { filter, .. } if !filter.is_empty());
    let printable = key.text().is_some();
    let action = match state
        .keymap
        .lookup(&[Context::Table, Context::Global], keys)
    {
        Lookup::Matched(action) => Some(action),
        Lookup::Pending if !typing && !printable => {
            state.pending_keys = keys.to_vec();
            return Vec::new();
        }
        _ => None,
    };
    let navigation = action.is_some_and(|a| {
        a.is_movement() || matches!(a, Action::ToggleHelp | Action::CloseOverlay | Action::Quit)
    });
    if let Overlay::Help { filter, scroll, .. } = &mut state.overlay {
        if key.code == KeyCodeName::Backspace {
            filter.pop();
            *scroll = 0;
            return Vec::new();
        }
        if key.code == KeyCodeName::Esc && !filter.is_empty() {
            filter.clear();
            return Vec::new();
        }
        // `/` starts a filter explicitly, so that it may begin with a movement letter.
        if let Some(c) = key.text()
            && (typing || !navigation || c == '/')
        {
            filter.push(c);
            *scroll = 0;
            return Vec::new();
        }
    }
    match action {
        Some(action) if navigation => apply(state, action),
        _ => Vec::new(),
    }
}

/// The sort key of a table column.
pub fn sort_key(column: super::state::Column) -> crate::store::SortKey {
    use super::state::Column as C;
    use crate::store::SortKey as K;
    match column {
        C::Number => K::Number,
        C::Received => K::Received,
        C::Channel => K::Channel,
        C::County => K::County,
        C::Category => K::Category,
        C::Title => K::Title,
        C::State => K::State,
        C::Due => K::DueAll,
    }
}

/// Sorts the queue by a column (k9s: the same key again reverses); the selection stays on its
/// case and the header shows the order.
fn sort_by(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(column) = action.sort_column() else {
        return Vec::new();
    };
    let key = sort_key(column);
    let lang = state.lang;
    let Some(queue) = state.queues.get_mut(state.queue_index) else {
        return Vec::new();
    };
    let same = queue.sort.key == key
        || (key == crate::store::SortKey::DueAll && queue.sort.key == crate::store::SortKey::Due);
    queue.sort = crate::store::Sort {
        key: if same { queue.sort.key } else { key },
        // Newest received first; everything else from the smallest.
        descending: if same {
            !queue.sort.descending
        } else {
            key == crate::store::SortKey::Received
        },
    };
    let arrow = if queue.sort.descending { "▼" } else { "▲" };
    state.status = Some(format!(
        "{} {} {arrow}",
        lang.pick("排序：", "sorted by"),
        lang.pick(column.zh(), column.en())
    ));
    state.focus = Focus::Table;
    state.table.resorted = true;
    reload(state, true)
}

/// The fields of the case a copy takes.
struct Shown<'a> {
    number: &'a str,
    received_on: chrono::NaiveDate,
    county: &'a str,
    state: crate::domain::State,
    title: &'a str,
    confidential: bool,
}

/// The case the user sees: the detail's when the detail has the keyboard (or fills a narrow
/// screen), else the selected row's.
fn copied_case(state: &State) -> Option<Shown<'_>> {
    if state.detail_in_view()
        && let Some(detail) = &state.detail
    {
        let case = &detail.case;
        return Some(Shown {
            number: &case.number,
            received_on: case.intake.received_on,
            county: &case.intake.county,
            state: case.state,
            title: &case.intake.title,
            confidential: case.is_confidential(),
        });
    }
    state.table.selected_row().map(|row| Shown {
        number: &row.number,
        received_on: row.received_on,
        county: &row.county,
        state: row.state,
        title: &row.title,
        confidential: row.confidential,
    })
}

/// The palette's entries for what is typed.
pub fn palette_entries(state: &State) -> Vec<palette::Entry> {
    match &state.overlay {
        Overlay::Palette(p) => {
            let steps = stepping::palette_steps(state);
            let offer = palette::Offer {
                queues: &state.queues,
                keymap: &state.keymap,
                steps: &steps,
            };
            palette::entries(&p.input, &offer, state.lang)
        }
        _ => Vec::new(),
    }
}

fn run_palette(state: &mut State) -> Vec<Effect> {
    let Overlay::Palette(p) = state.overlay.clone() else {
        return Vec::new();
    };
    let input = p.input.trim().to_string();
    if input.is_empty() && !p.moved {
        // Nothing typed and nothing chosen: Enter does nothing (never the first entry).
        state.status = Some(
            state
                .lang
                .pick(
                    "请输入命令，或用方向键选择一项",
                    "type a command, or choose one with the arrow keys",
                )
                .to_string(),
        );
        return Vec::new();
    }
    let command = match palette::parse(&input, &state.queues) {
        Some(Ok(command)) => Some(command),
        Some(Err(bad)) => {
            let what = if input.starts_with("queue") {
                Text::UnknownQueue
            } else {
                Text::UnknownCommand
            };
            state.status = Some(format!(
                "{}: {}",
                what.get(state.lang),
                crate::text::sanitise(&bad)
            ));
            None
        }
        None => palette_entries(state)
            .into_iter()
            .nth(p.selected)
            .map(|e| e.command),
    };
    let Some(command) = command else {
        if state.status.is_none() {
            state.status = Some(format!(
                "{}: {}",
                Text::UnknownCommand.get(state.lang),
                crate::text::sanitise(&input)
            ));
        }
        return Vec::new();
    };
    if !input.is_empty() {
        state.palette_history.retain(|h| *h != input);
        state.palette_history.push(input);
    }
    state.overlay = Overlay::None;
    match command {
        Command::Run(action) => apply(state, action),
        Command::Queue(name) => match state.queues.iter().position(|q| q.name == name) {
            Some(index) => {
                state.queue_index = index;
                state.focus = Focus::Table;
                load_queue(state, None)
            }
            None => Vec::new(),
        },
        Command::Case(number) => {
            let request = state.requests.issue();
            state.requests.find = request;
            vec![Effect::FindCase { request, number }]
        }
        Command::Lang(lang) => {
            state.lang = lang;
            Vec::new()
        }
        Command::Board(kind) => boards::open(state, Some(kind)),
        Command::Theme(theme) => {
            state.theme = theme;
            Vec::new()
        }
        Command::Step(kind) => stepping::open_with(state, kind),
        Command::Save(title) => super::saving::save(state, &title, p.saving.map(|e| *e)),
    }
}

/// Moves the keyboard to a pane. Leaving the detail while it shows a case other than the
/// selected row (opened from a search or by number) brings the selected row's case back, so
/// that the detail, `s` and `y` agree with the highlighted line.
fn focus(state: &mut State, target: Focus) -> Vec<Effect> {
    state.focus = target;
    if !state.wide() {
        state.compact_detail = target == Focus::Detail;
    }
    if target != Focus::Queues {
        // The queue chosen in the queue list is a visit of its own: the next walk adds one.
        state.last_browsed = false;
    }
    if target == Focus::Detail {
        return Vec::new();
    }
    // Back to the table: a case opened from a search no longer holds the search's view.
    state.search_view = None;
    state.compact_detail = false;
    let apart =
        state.detail.as_ref().map(|d| d.case.id) != state.table.selected_row().map(|r| r.id);
    if apart {
        state.detail = None;
        return load_selected_detail(state);
    }
    Vec::new()
}

/// Rows `G` loads at once to reach the end of a long queue.
const TO_END_ROWS: usize = 20_000;

/// `G`/`end`: the last row. In the table of a queue longer than what is loaded, the rest is
/// loaded first (at most 20,000 rows at a time; `G` again goes on) and the last row selected.
fn last_row(state: &mut State) -> Vec<Effect> {
    if state.overlay != Overlay::None || state.focus != Focus::Table || state.table.loading {
        return move_selection(state, i64::MAX / 2);
    }
    match next_rows(state, TO_END_ROWS) {
        Some(effects) => {
            state.table.to_end = true;
            effects
        }
        None => move_selection(state, i64::MAX / 2),
    }
}

/// Moves the selection of the focused pane by `delta` lines (the mouse's clicks).
pub fn apply_delta(state: &mut State, delta: i64) -> Vec<Effect> {
    if delta == 0 {
        return Vec::new();
    }
    move_selection(state, delta)
}

fn move_selection(state: &mut State, delta: i64) -> Vec<Effect> {
    if let Overlay::Help {
        filter, context, ..
    } = &state.overlay
    {
        // No further than the last page: the help's lines and a heading per context.
        let lines = super::hints::help_lines(&state.keymap, *context, filter, state.lang).len()
            + crate::keymap::Context::ALL.len()
            + 1;
        let last = lines.saturating_sub(state.visible_rows()) as i64;
        if let Overlay::Help { scroll, .. } = &mut state.overlay {
            *scroll = (i64::from(*scroll) + delta).clamp(0, last.max(0)) as u16;
        }
        return Vec::new();
    }
    match state.focus {
        Focus::Queues => {
            let last = state.queues.len().saturating_sub(1) as i64;
            let target = (state.queue_index as i64 + delta).clamp(0, last) as usize;
            if target == state.queue_index {
                return Vec::new();
            }
            state.queue_index = target;
            // Walking down the queue list is one visit, not one per queue passed.
            state.browsing_queues = true;
            let effects = load_queue(state, None);
            state.browsing_queues = false;
            effects
        }
        Focus::Table => {
            let last = state.table.rows.len().saturating_sub(1) as i64;
            let target = (state.table.selected as i64 + delta).clamp(0, last) as usize;
            if target == state.table.selected || state.table.rows.is_empty() {
                return more_if_needed(state);
            }
            state.table.selected = target;
            clamp_offset(state);
            let mut effects = load_selected_detail(state);
            effects.extend(more_if_needed(state));
            effects
        }
        Focus::Detail => {
            // No further than the last line: the detail pane's inner size on this screen.
            let panes = crate::ui::panes(
                state,
                ratatui::layout::Rect::new(0, 0, state.width, state.height),
            );
            let last = panes.detail.map_or(0, |area| {
                crate::ui::detail::max_scroll(
                    state,
                    area.width.saturating_sub(2),
                    area.height.saturating_sub(2),
                )
            });
            state.detail_scroll =
                (i64::from(state.detail_scroll) + delta).clamp(0, i64::from(last)) as u16;
            Vec::new()
        }
    }
}

/// Keeps the selected row inside the visible window.
fn clamp_offset(state: &mut State) {
    let visible = state.visible_rows();
    let table = &mut state.table;
    if table.selected < table.offset {
        table.offset = table.selected;
    } else if table.selected >= table.offset + visible {
        table.offset = table.selected + 1 - visible;
    }
    let max_offset = table.rows.len().saturating_sub(visible);
    table.offset = table.offset.min(max_offset);
}

/// Loads the next page when the selection nears the end of what is loaded.
fn more_if_needed(state: &mut State) -> Vec<Effect> {
    let near_end = state.table.selected + 2 * state.visible_rows() >= state.table.rows.len();
    if !near_end || state.table.loading {
        return Vec::new();
    }
    next_rows(state, PAGE_ROWS).unwrap_or_default()
}

/// The next `limit` rows of the queue after those loaded; `None` when everything is loaded.
fn next_rows(state: &mut State, limit: usize) -> Option<Vec<Effect>> {
    let (Some(cursor), Some(queue)) = (state.table.next.clone(), state.queue()) else {
        return None;
    };
    let (filter, sort) = (queue.filter.clone(), queue.sort);
    let request = state.requests.issue();
    state.requests.page = request;
    state.table.loading = true;
    Some(vec![Effect::LoadPage {
        request,
        filter,
        sort,
        scope: state.scope.clone(),
        cursor: Some(cursor),
        limit,
        append: true,
        keep: None,
    }])
}

fn load_selected_detail(state: &mut State) -> Vec<Effect> {
    state.detail_scroll = 0;
    match state.table.selected_row() {
        Some(row) if state.detail.as_ref().is_none_or(|d| d.case.id != row.id) => {
            let id = row.id;
            let request = state.requests.issue();
            state.requests.detail = request;
            vec![Effect::LoadDetail { request, id }]
        }
        Some(_) => Vec::new(),
        None => {
            state.detail = None;
            Vec::new()
        }
    }
}

/// Loads the current queue from the start; `keep` holds the selection on a case id.
fn load_queue(state: &mut State, keep: Option<crate::domain::CaseId>) -> Vec<Effect> {
    let Some(queue) = state.queue().cloned() else {
        return Vec::new();
    };
    let (filter, sort) = (queue.filter.clone(), queue.sort);
    if keep.is_none() {
        state.table = super::state::Table::default();
        state.detail = None;
        // Another queue or drill-down: a new view (marks made elsewhere do not follow).
        state.view_gen += 1;
        state.search_view = None;
        let place = super::state::Place::Queue(queue.clone());
        super::history::record(state, place);
    }
    state.table.loading = true;
    let request = state.requests.issue();
    state.requests.page = request;
    // Reloading in place fetches as many rows as are loaded, so the scroll position holds.
    let limit = state.table.rows.len().max(PAGE_ROWS);
    vec![Effect::LoadPage {
        request,
        filter,
        sort,
        scope: state.scope.clone(),
        cursor: None,
        limit,
        append: false,
        keep,
    }]
}

/// Reloads counts and the current queue; with `keep_selection`, the selection stays on its case.
fn reload(state: &mut State, keep_selection: bool) -> Vec<Effect> {
    let request = state.requests.issue();
    state.requests.counts = request;
    // "Reconnecting" stays until a load succeeds: a reload must not hide a lost connection.
    if !matches!(state.link, Link::Live | Link::Reconnecting { .. }) {
        state.link = Link::Loading;
    }
    let filters = state.queues.iter().map(|q| q.filter.clone()).collect();
    let mut effects = vec![Effect::LoadCounts {
        request,
        filters,
        scope: state.scope.clone(),
    }];
    let keep = if keep_selection {
        state.table.selected_row().map(|r| r.id)
    } else {
        None
    };
    effects.extend(load_queue(state, keep));
    effects.extend(boards::load(state));
    if keep_selection && let Some(id) = state.detail.as_ref().map(|d| d.case.id) {
        // The detail is reloaded too (it may have changed); the old one shows until then, and
        // stays if the reload fails (a lost connection).
        let request = state.requests.issue();
        state.requests.detail = request;
        effects.push(Effect::LoadDetail { request, id });
    }
    effects
}

/// Shows case `id` alone in the detail pane (after a search or a `case NUMBER` command).
pub fn show_case(state: &mut State, id: crate::domain::CaseId) -> Vec<Effect> {
    super::history::record(state, super::state::Place::Case(id));
    state.focus = Focus::Detail;
    state.compact_detail = true;
    state.detail_scroll = 0;
    let request = state.requests.issue();
    state.requests.detail = request;
    vec![Effect::LoadDetail { request, id }]
}
