//! The console's `/` search and its freshness: typing runs a search on the index (the newest
//! request wins; a longer query searches only the previous matches), Enter opens the case, Esc
//! returns to where the user was. A once-a-second check of the store's change position reloads
//! the counts, the queue (keeping the selection) and the index when another console changed
//! something. Pure, like `update`.

use super::action::Action;
use super::state::{Effect, IndexStatus, Link, Msg, Overlay, Search, State};
use crate::i18n::Text;
use crate::keymap::{Key, KeyCodeName};

/// Results shown at most.
pub const SEARCH_ROWS: usize = 200;

/// Handles the search and change messages; `None` for any other message.
pub fn on_msg(state: &mut State, msg: &Msg) -> Option<Vec<Effect>> {
    Some(match msg {
        Msg::IndexProgress { indexed } => {
            if matches!(state.index, IndexStatus::Building(_)) {
                state.index = IndexStatus::Building(*indexed);
            }
            Vec::new()
        }
        Msg::IndexReady { head } => {
            state.index = IndexStatus::Ready;
            state.head = state.head.max(*head);
            let mut effects = run_search(state);
            // Saved search queues matched nothing until now.
            if state.queues.iter().any(|q| q.filter.has_search()) {
                effects.extend(super::update::reload_keeping_selection(state));
            }
            effects
        }
        Msg::IndexFailed { error } => {
            state.index = IndexStatus::Failed(error.clone());
            Vec::new()
        }
        Msg::IndexRefreshed { .. } => {
            let mut effects = run_search(state);
            // Saved search queues follow the index: their counts and rows again.
            if state.queues.iter().any(|q| q.filter.has_search()) {
                effects.extend(super::update::reload_keeping_selection(state));
            }
            effects
        }
        Msg::SearchDone {
            request,
            query,
            results,
        } => {
            if *request == state.requests.search
                && let Overlay::Search(search) = &mut state.overlay
            {
                search.searching = false;
                search.hits = results.hits.clone();
                search.total = results.total;
                search.selected = search.selected.min(search.hits.len().saturating_sub(1));
                search.narrowing = Some((query.clone(), results.matched.clone()));
                if search.open_when_done {
                    search.open_when_done = false;
                    return Some(open_selected(state));
                }
            }
            Vec::new()
        }
        Msg::Poll => {
            if state.head > 0 {
                vec![Effect::CheckChanges]
            } else {
                Vec::new()
            }
        }
        Msg::ChangesSeen { head } => {
            if matches!(state.link, Link::Reconnecting { .. }) {
                // Back after a lost connection: the failure message goes, the numbers reload.
                state.status = None;
                if *head <= state.head {
                    return Some(super::update::reload_keeping_selection(state));
                }
            }
            if *head <= state.head || state.head == 0 {
                return Some(Vec::new());
            }
            let since = state.head;
            state.head = *head;
            let mut effects = super::update::reload_keeping_selection(state);
            if state.index == IndexStatus::Ready {
                effects.push(Effect::RefreshIndex {
                    since,
                    role: state.role,
                    region: state.scope.region.clone(),
                });
            }
            effects
        }
        _ => return None,
    })
}

/// The search actions.
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::OpenSearch => {
            // The last search comes back with its results: typing replaces it, Backspace edits it.
            let mut search = state.last_search.clone().unwrap_or_default();
            search.reopened = !search.input.is_empty();
            state.overlay = Overlay::Search(search);
            Vec::new()
        }
        Action::SearchNext | Action::SearchPrevious => {
            if let Overlay::Search(search) = &mut state.overlay
                && !search.hits.is_empty()
            {
                let count = search.hits.len();
                search.selected = if action == Action::SearchNext {
                    (search.selected + 1).min(count - 1)
                } else {
                    search.selected.saturating_sub(1)
                };
            }
            Vec::new()
        }
        Action::SearchOpen => {
            let ready = state.index == IndexStatus::Ready;
            if let Overlay::Search(search) = &mut state.overlay
                && search.hits.is_empty()
                && search.error.is_none()
                && !search.input.trim().is_empty()
                && (search.searching || !ready)
            {
                // Typed and pressed Enter faster than the search answered (a slow link, a
                // building index): the first match opens as soon as it is known.
                search.open_when_done = true;
                return Vec::new();
            }
            open_selected(state)
        }
        _ => Vec::new(),
    }
}

/// Closes the search and opens the highlighted match's detail (nothing without a match).
fn open_selected(state: &mut State) -> Vec<Effect> {
    let Overlay::Search(search) = &state.overlay else {
        return Vec::new();
    };
    let Some(hit) = search.hits.get(search.selected) else {
        return Vec::new();
    };
    let id = hit.id;
    let query = search.input.trim().to_string();
    super::history::record(state, super::state::Place::Search(query.clone()));
    state.overlay = Overlay::None;
    let effects = super::update::show_case(state, id);
    // The case shown belongs to the search: marks made there stay while it is shown.
    state.search_view = Some(query);
    effects
}

/// Typing in the search box.
pub fn edit(state: &mut State, key: &Key) -> Vec<Effect> {
    let Overlay::Search(search) = &mut state.overlay else {
        return Vec::new();
    };
    let reopened = std::mem::replace(&mut search.reopened, false);
    if let Some(c) = key.text() {
        if reopened {
            search.input.clear();
            search.narrowing = None;
        }
        search.input.push(c);
    } else if key.code == KeyCodeName::Backspace {
        if search.input.pop().is_none() {
            return Vec::new();
        }
    } else {
        return Vec::new();
    }
    search.selected = 0;
    search.open_when_done = false;
    run_search(state)
}

/// Reopens the search with `query` and runs it (going back to a search).
pub fn reopen(state: &mut State, query: &str) -> Vec<Effect> {
    state.overlay = Overlay::Search(Search {
        input: query.to_string(),
        ..Search::default()
    });
    run_search(state)
}

/// Pasted text (already one line) added to the search box.
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let Overlay::Search(search) = &mut state.overlay else {
        return Vec::new();
    };
    if text.is_empty() {
        return Vec::new();
    }
    search.input.push_str(text);
    search.selected = 0;
    search.open_when_done = false;
    run_search(state)
}

/// Parses the input and asks for a search (or shows what is wrong, keeping the last results).
fn run_search(state: &mut State) -> Vec<Effect> {
    let today = state.scope.today;
    let ready = state.index == IndexStatus::Ready;
    let lang = state.lang;
    let Overlay::Search(search) = &mut state.overlay else {
        return Vec::new();
    };
    let input = search.input.trim().to_string();
    if input.is_empty() {
        *search = Search {
            input: search.input.clone(),
            ..Search::default()
        };
        return Vec::new();
    }
    if let Err(e) = crate::search::parse(&input) {
        search.error = Some(format!(
            "{}{}",
            lang.pick("查询有误：", "query: "),
            e.describe(lang)
        ));
        return Vec::new();
    }
    search.error = None;
    if !ready {
        return Vec::new();
    }
    // A longer version of the last query only has to look at the last query's matches.
    let within = match &search.narrowing {
        Some((previous, matched)) if narrows(previous, &input) => Some(matched.clone()),
        _ => None,
    };
    search.searching = true;
    let request = state.requests.issue();
    state.requests.search = request;
    vec![Effect::Search {
        request,
        query: input,
        today,
        within,
    }]
}

/// True when every match of `longer` is a match of `previous`, so only the previous matches need
/// searching: the earlier terms are unchanged, and the last one is the same kind of text term
/// (not negated, not OR-ed) whose text extends the old text.
pub fn narrows(previous: &str, longer: &str) -> bool {
    use crate::search::query::{Term, TextMode};
    let (Ok(old), Ok(new)) = (crate::search::parse(previous), crate::search::parse(longer)) else {
        return false;
    };
    let (Some((old_last, old_rest)), Some(_)) = (old.groups.split_last(), new.groups.last()) else {
        return false;
    };
    if new.groups.len() < old.groups.len() || new.groups[..old_rest.len()] != *old_rest {
        return false;
    }
    let extended = &new.groups[old_rest.len()];
    if old_last == extended {
        return true;
    }
    match (old_last.as_slice(), extended.as_slice()) {
        ([o], [n]) if !o.negate && !n.negate => match (&o.term, &n.term) {
            (Term::Text { text: a, mode: ma }, Term::Text { text: b, mode: mb }) => {
                // A term that becomes number-shaped is matched differently (numbers only).
                ma == mb
                    && *ma != TextMode::Suffix
                    && b.starts_with(a.as_str())
                    && crate::search::id_shaped(a) == crate::search::id_shaped(b)
            }
            _ => false,
        },
        _ => false,
    }
}

/// The status line under the search box.
pub fn status(state: &State, search: &Search) -> String {
    let lang = state.lang;
    if let Some(error) = &search.error {
        return error.clone();
    }
    match &state.index {
        IndexStatus::Building(n) => format!("{} {n}…", lang.pick("正在建立索引", "indexing")),
        IndexStatus::Failed(e) => format!("{}: {}", Text::LoadFailed.get(lang), e.get(lang)),
        IndexStatus::Ready if search.input.trim().is_empty() => {
            lang.pick("输入以搜索：拼音、'精确、^前缀、后缀$、!排除、a | b、status: region: cat: flag: due:<3d", "type to search: pinyin, 'exact, ^prefix, suffix$, !not, a | b, status: region: cat: flag: due:<3d").to_string()
        }
        IndexStatus::Ready => format!(
            "{} {}",
            search.total,
            lang.pick(
                "件匹配",
                if search.total == 1 {
                    "matching case"
                } else {
                    "matching cases"
                }
            )
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::narrows;

    #[test]
    fn narrowing_only_when_the_longer_query_cannot_widen() {
        assert!(narrows("工", "工资"));
        assert!(narrows("zw 金", "zw 金凤"));
        // `00` is text, `001` a case number: the longer one searches afresh.
        assert!(!narrows("00", "001"));
        assert!(narrows("001", "0016"));
        assert!(!narrows("工资", "工资 | 交房"));
        assert!(
            narrows("工", "工 !资"),
            "an added AND term, even negated, narrows"
        );
        assert!(!narrows("!工", "!工资"), "a longer negated term widens");
        assert!(!narrows("问题$", "问题$x"));
        assert!(
            !narrows("status:overdue regio", "status:overdue region:6"),
            "a text term became a field"
        );
        assert!(!narrows("cat:工资 fla", "cat:工资 flag:b"));
        assert!(narrows("工资", "工资 交房"), "another AND term narrows");
    }
}
