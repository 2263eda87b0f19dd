//! What the keys do here: the one-line key-hint footer of each context and the `?` help, both
//! read from the active keymap (so they follow the user's preset and bindings) and told in the
//! user's language. Pure.

use super::action::Action;
use super::state::{Focus, Overlay, State};
use crate::i18n::Lang;
use crate::keymap::{Context, Keymap, key::sequence_text};

/// The context whose keys matter now (the one the footer and help start with).
pub fn context(state: &State) -> Context {
    match &state.overlay {
        Overlay::Palette(_) => Context::Palette,
        Overlay::Search(_) => Context::Search,
        Overlay::Step(_) => Context::Picker,
        Overlay::Help { context, .. } => *context,
        Overlay::Summary { .. } => Context::Global,
        Overlay::None if state.board_shown => Context::Board,
        Overlay::None => match state.focus {
            Focus::Queues => Context::Queues,
            Focus::Table => Context::Table,
            Focus::Detail => Context::Detail,
        },
    }
}

/// A short name of an action for the footer.
fn short(action: Action, lang: Lang) -> &'static str {
    let (zh, en) = match action {
        Action::TakeStep => ("办理", "step"),
        Action::ToggleMark => ("标记", "mark"),
        Action::OpenSearch => ("搜索", "search"),
        Action::OpenPalette => ("命令", "commands"),
        Action::OpenBoards => ("看板", "boards"),
        Action::ToggleHelp => ("帮助", "help"),
        Action::Quit => ("退出", "quit"),
        Action::Undo => ("撤销", "undo"),
        Action::OpenSelected => ("打开", "open"),
        Action::CopyCaseNumber => ("复制", "copy"),
        Action::FocusTable => ("列表", "list"),
        Action::SearchOpen => ("打开", "open"),
        Action::MarkAll => ("全部标记", "mark all"),
        Action::CloseOverlay => ("关闭", "close"),
        Action::PaletteRun => ("执行", "run"),
        Action::PaletteHistoryPrevious => ("历史", "history"),
        Action::PickChoose => ("选定", "choose"),
        Action::NextBoard => ("下一个", "next"),
        Action::BoardOption => ("选项", "option"),
        Action::CloseBoards => ("返回", "back"),
        Action::RegisterCase => ("登记", "register"),
        Action::HistoryBack => ("后退", "back"),
        Action::SelectNext => ("下移", "down"),
        Action::SaveView => ("存为队列", "save as queue"),
        Action::ExportView => ("导出", "export"),
        Action::BoardSort => ("排序", "sort"),
        Action::WriteReport => ("写简报", "brief"),
        _ => ("", ""),
    };
    lang.pick(zh, en)
}

/// The actions the footer names in a context, most useful first.
fn hinted(context: Context) -> &'static [Action] {
    match context {
        // Help and quit come early: what does not fit is left out from the end.
        Context::Queues => &[
            Action::OpenSelected,
            Action::ToggleHelp,
            Action::Quit,
            Action::OpenSearch,
            Action::OpenBoards,
            Action::RegisterCase,
            Action::OpenPalette,
        ],
        Context::Table => &[
            Action::TakeStep,
            Action::ToggleHelp,
            Action::Quit,
            Action::ToggleMark,
            Action::OpenSearch,
            Action::Undo,
            Action::HistoryBack,
            Action::OpenBoards,
            Action::OpenPalette,
        ],
        Context::Detail => &[
            Action::TakeStep,
            Action::ToggleHelp,
            Action::Quit,
            Action::CopyCaseNumber,
            Action::Undo,
            Action::HistoryBack,
            Action::FocusTable,
        ],
        Context::Search => &[
            Action::SearchOpen,
            Action::MarkAll,
            Action::SaveView,
            Action::ExportView,
            Action::CloseOverlay,
        ],
        Context::Palette => &[
            Action::PaletteRun,
            Action::PaletteHistoryPrevious,
            Action::CloseOverlay,
        ],
        Context::Picker => &[Action::PickChoose, Action::CloseOverlay],
        Context::Board => &[
            Action::OpenSelected,
            Action::ToggleHelp,
            Action::NextBoard,
            Action::BoardOption,
            Action::BoardSort,
            Action::WriteReport,
            Action::CloseBoards,
        ],
        Context::Global => &[Action::CloseOverlay, Action::Quit],
    }
}

/// The shortest key sequence bound to `action` in `context` (or, for a non-overlay context,
/// globally), as text.
pub fn key_for(keymap: &Keymap, context: Context, action: Action) -> Option<String> {
    // Over a form, the palette or the search, typed keys are text: only global sequences of
    // control keys (ctrl-c, ctrl-s) reach through.
    let overlay = matches!(
        context,
        Context::Picker | Context::Search | Context::Palette
    );
    [context, Context::Global].into_iter().find_map(|place| {
        keymap
            .bindings(place)
            .into_iter()
            .filter(|(keys, a)| {
                *a == action && (place == context || !overlay || keys.iter().all(|k| k.ctrl))
            })
            .map(|(keys, _)| sequence_text(&keys))
            .min_by_key(|text| (text.chars().count(), text.clone()))
    })
}

/// The footer's hints for the current context: `key name` pairs, most useful first.
pub fn footer(state: &State) -> Vec<(String, String)> {
    let lang = state.lang;
    let pair = |key: &str, zh: &str, en: &str| (key.to_string(), lang.pick(zh, en).to_string());
    // Screens whose keys are not keymap actions say their own.
    match &state.overlay {
        Overlay::Help { .. } => {
            let close = key_for(&state.keymap, Context::Global, Action::CloseOverlay)
                .unwrap_or_else(|| "esc".into());
            return vec![
                pair("/", "查找", "find"),
                pair("j k", "滚动", "scroll"),
                pair(&close, "关闭", "close"),
            ];
        }
        Overlay::Step(form) if form.confirming_bulk => {
            return vec![
                pair("y", "执行", "apply"),
                pair("n", "返回", "back"),
                pair("esc", "取消", "cancel"),
            ];
        }
        _ => {}
    }
    let context = context(state);
    let mut out: Vec<(String, String)> = hinted(context)
        .iter()
        // A board's choice and sort are hinted only where the board has them.
        .filter(
            |action| match (context, state.board.as_ref().map(|v| v.kind)) {
                (Context::Board, Some(kind)) => match action {
                    Action::BoardOption => super::boards::has_option(kind),
                    Action::BoardSort => super::boards::sortable_columns(kind) > 0,
                    _ => true,
                },
                _ => true,
            },
        )
        .filter_map(|action| {
            let key = key_for(&state.keymap, context, *action)?;
            Some((key, short(*action, lang).to_string()))
        })
        .collect();
    if context == Context::Picker {
        // Typing and Backspace are not keymap actions, but the form runs on them.
        out.insert(
            1,
            (
                "⌫".into(),
                lang.pick("上一问", "previous question").to_string(),
            ),
        );
    }
    out
}

/// One line of the help: the context it belongs to, its keys, action name and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub context: Context,
    pub keys: String,
    pub action: Action,
    pub description: &'static str,
}

/// The help's lines: the current context first, then global keys, then the other contexts,
/// then actions with no key; only those matching `filter` (keys, name or description, in
/// either language, pinyin too) when one is typed.
pub fn help_lines(keymap: &Keymap, first: Context, filter: &str, lang: Lang) -> Vec<HelpLine> {
    let mut order = vec![first];
    if first != Context::Global {
        order.push(Context::Global);
    }
    let rest: Vec<Context> = Context::ALL
        .iter()
        .copied()
        .filter(|c| !order.contains(c))
        .collect();
    order.extend(rest);
    let filter = filter.trim().trim_start_matches('/').to_lowercase();
    let matches = |keys: &str, action: Action| {
        if filter.is_empty() {
            return true;
        }
        let (full, initials) = crate::search::pinyin_of(action.describe_zh());
        [
            keys.to_lowercase(),
            action.name().to_string(),
            action.describe_en().to_lowercase(),
            action.describe_zh().to_string(),
            full,
            initials,
        ]
        .iter()
        .any(|text| text.contains(&filter))
    };
    let mut out = Vec::new();
    for context in order {
        for (keys, action) in keymap.bindings(context) {
            let keys = sequence_text(&keys);
            if matches(&keys, action) {
                out.push(HelpLine {
                    context,
                    keys,
                    action,
                    description: action.describe(lang),
                });
            }
        }
    }
    for action in Action::ALL {
        if keymap.keys_for(*action).is_empty() && matches("", *action) {
            out.push(HelpLine {
                context: Context::Global,
                keys: String::new(),
                action: *action,
                description: action.describe(lang),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_starts_with_the_context_and_finds_by_chinese_pinyin_or_english() {
        let keymap = Keymap::default_preset();
        let lines = help_lines(&keymap, Context::Detail, "", Lang::En);
        assert_eq!(lines.first().map(|l| l.context), Some(Context::Detail));
        for typed in ["撤销", "chexiao", "undo"] {
            let found = help_lines(&keymap, Context::Table, typed, Lang::Zh);
            assert!(
                found.iter().any(|l| l.action == Action::Undo),
                "{typed}: {found:?}"
            );
            assert!(found.iter().all(|l| l.action == Action::Undo), "{typed}");
        }
    }

    #[test]
    fn footer_keys_follow_the_preset() {
        let vim = Keymap::preset("vim").unwrap_or_default();
        assert_eq!(
            key_for(&vim, Context::Table, Action::CopyCaseNumber).as_deref(),
            Some("y y")
        );
        let default = Keymap::default_preset();
        assert_eq!(
            key_for(&default, Context::Table, Action::CopyCaseNumber).as_deref(),
            Some("y")
        );
    }
}
