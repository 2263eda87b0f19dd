//! Keymaps as data: per-context maps from key sequences to actions, read from TOML.
//!
//! Presets (`keymaps/default.toml`, `vim.toml`, `emacs.toml`) are embedded in the binary. A user
//! file names a preset (`preset = "vim"`, default `default`) and merges over it per context; an
//! empty action (`""`) unbinds a key. Every problem names the file, the line and the reason; a
//! file with problems is not applied at all. Imports only `app::action`; no terminal I/O.

pub mod key;

use crate::app::action::Action;
pub use key::{Key, KeyCodeName};
use std::collections::BTreeMap;

code_enum! {
    /// Where a key binding applies. `global` applies everywhere, after the focused context.
    Context {
        Global = ("global", "全局", "global"),
        Queues = ("queues", "队列", "queues"),
        Table = ("table", "列表", "table"),
        Detail = ("detail", "详情", "detail"),
        Search = ("search", "搜索", "search"),
        Palette = ("palette", "命令面板", "palette"),
        Picker = ("picker", "选择器", "picker"),
        Board = ("board", "看板", "board"),
    }
}

/// The embedded presets, by name.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
    ("emacs", include_str!("../../keymaps/emacs.toml")),
];

/// A problem in a keymap file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for KeymapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

/// The result of looking up the keys typed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The keys are bound to this action.
    Matched(Action),
    /// The keys start a longer binding: wait for more.
    Pending,
    /// Nothing is bound to these keys.
    NotFound,
}

/// Bindings of every context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    maps: BTreeMap<Context, BTreeMap<Vec<Key>, Action>>,
}

/// One parsed file: its preset and its entries (`None` = unbind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapFile {
    pub preset: String,
    pub entries: Vec<(Context, Vec<Key>, Option<Action>)>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl KeymapFile {
    /// Parses a keymap file; `file` is its name for messages.
    pub fn parse(text: &str, file: &str) -> Result<KeymapFile, Vec<KeymapError>> {
        let error = |line, reason: String| KeymapError {
            file: file.to_string(),
            line,
            reason,
        };
        use toml::de::{DeTable, DeValue};
        let root = DeTable::parse(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            vec![error(line, e.message().trim().to_string())]
        })?;
        let mut errors = Vec::new();
        let mut preset = "default".to_string();
        let mut entries = Vec::new();
        for (section, value) in root.get_ref().iter() {
            let section_line = line_of(text, section.span().start);
            let name: &str = section.get_ref();
            let bindings = match value.get_ref() {
                DeValue::String(p) if name == "preset" => {
                    if PRESETS.iter().any(|(known, _)| *known == p.as_ref()) {
                        preset = p.to_string();
                    } else {
                        errors.push(error(
                            section_line,
                            format!("unknown preset `{p}` (default, vim, emacs)"),
                        ));
                    }
                    continue;
                }
                DeValue::Table(bindings) => bindings,
                _ => {
                    errors.push(error(
                        section_line,
                        format!("`{name}` is neither preset = \"…\" nor a [context] of bindings"),
                    ));
                    continue;
                }
            };
            let Some(context) = Context::from_code(name) else {
                let known: Vec<&str> = Context::ALL.iter().map(|c| c.code()).collect();
                errors.push(error(
                    section_line,
                    format!("unknown context [{name}] (known: {})", known.join(", ")),
                ));
                continue;
            };
            let mut seen: BTreeMap<Vec<Key>, usize> = BTreeMap::new();
            for (keys, action) in bindings.iter() {
                let line = line_of(text, keys.span().start);
                let parsed = match Key::parse_sequence(keys.get_ref()) {
                    Ok(parsed) => parsed,
                    Err(reason) => {
                        errors.push(error(line, reason));
                        continue;
                    }
                };
                if let Some(first) = seen.insert(parsed.clone(), line) {
                    errors.push(error(
                        line,
                        format!(
                            "`{}` is bound twice in [{}] (also on line {first})",
                            keys.get_ref(),
                            context.code()
                        ),
                    ));
                }
                let DeValue::String(action_name) = action.get_ref() else {
                    errors.push(error(
                        line,
                        format!("the action for `{}` must be a string", keys.get_ref()),
                    ));
                    continue;
                };
                let action = match action_name.as_ref() {
                    "" => None,
                    name => match Action::from_name(name) {
                        Some(action) => Some(action),
                        None => {
                            errors.push(error(
                                line,
                                format!(
                                    "unknown action `{name}` (see the help screen for the list)"
                                ),
                            ));
                            continue;
                        }
                    },
                };
                entries.push((context, parsed, action));
            }
        }
        if errors.is_empty() {
            Ok(KeymapFile { preset, entries })
        } else {
            errors.sort_by_key(|e| e.line);
            Err(errors)
        }
    }
}

impl Keymap {
    /// The named preset.
    pub fn preset(name: &str) -> Result<Keymap, Vec<KeymapError>> {
        let Some((_, text)) = PRESETS.iter().find(|(n, _)| *n == name) else {
            return Err(vec![KeymapError {
                file: "--keymap".into(),
                line: 1,
                reason: format!("unknown keymap `{name}` (default, vim, emacs, or a file path)"),
            }]);
        };
        let file = KeymapFile::parse(text, &format!("keymaps/{name}.toml"))?;
        let mut keymap = Keymap::default();
        keymap.merge(&file);
        Ok(keymap)
    }

    /// Loads a user file over the preset it names; on any problem, returns the default preset and
    /// the problems.
    pub fn with_user_file(text: &str, file: &str) -> (Keymap, Vec<KeymapError>) {
        match KeymapFile::parse(text, file) {
            Ok(user) => match Keymap::preset(&user.preset) {
                Ok(mut keymap) => {
                    keymap.merge(&user);
                    match keymap.conflicts(file) {
                        problems if problems.is_empty() => (keymap, problems),
                        problems => (Keymap::default_preset(), problems),
                    }
                }
                Err(errors) => (Keymap::default_preset(), errors),
            },
            Err(errors) => (Keymap::default_preset(), errors),
        }
    }

    /// The default preset (embedded and tested, so it always parses).
    pub fn default_preset() -> Keymap {
        Keymap::preset("default").unwrap_or_default()
    }

    /// Applies a file's entries over these bindings.
    pub fn merge(&mut self, file: &KeymapFile) {
        for (context, keys, action) in &file.entries {
            let map = self.maps.entry(*context).or_default();
            match action {
                Some(action) => {
                    map.insert(keys.clone(), *action);
                }
                None => {
                    map.remove(keys);
                }
            }
        }
    }

    /// Bindings where one key sequence is a prefix of another in the same context, which would
    /// make the longer one unreachable.
    pub fn conflicts(&self, file: &str) -> Vec<KeymapError> {
        let mut out = Vec::new();
        for (context, map) in &self.maps {
            for short in map.keys() {
                for long in map.keys() {
                    if long.len() > short.len() && long.starts_with(short) {
                        out.push(KeymapError {
                            file: file.to_string(),
                            line: 1,
                            reason: format!(
                                "in [{}], `{}` hides `{}`",
                                context.code(),
                                key::sequence_text(short),
                                key::sequence_text(long)
                            ),
                        });
                    }
                }
            }
        }
        out
    }

    /// Looks `keys` up in `contexts`, in order (the focused context first, `global` last).
    pub fn lookup(&self, contexts: &[Context], keys: &[Key]) -> Lookup {
        let mut pending = false;
        for context in contexts {
            let Some(map) = self.maps.get(context) else {
                continue;
            };
            if let Some(action) = map.get(keys) {
                return Lookup::Matched(*action);
            }
            if map
                .keys()
                .any(|k| k.len() > keys.len() && k.starts_with(keys))
            {
                pending = true;
            }
        }
        if pending {
            Lookup::Pending
        } else {
            Lookup::NotFound
        }
    }

    /// The bindings of one context, sorted by action then keys.
    pub fn bindings(&self, context: Context) -> Vec<(Vec<Key>, Action)> {
        let mut out: Vec<(Vec<Key>, Action)> = self
            .maps
            .get(&context)
            .map(|m| m.iter().map(|(k, a)| (k.clone(), *a)).collect())
            .unwrap_or_default();
        out.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        out
    }

    /// Every key sequence bound to `action` in any context, as text.
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        let mut out: Vec<String> = self
            .maps
            .values()
            .flat_map(|m| {
                m.iter()
                    .filter(|(_, a)| **a == action)
                    .map(|(k, _)| key::sequence_text(k))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_presets_bind_the_same_actions_and_move_alike_in_every_list() {
        let bound = |name: &str| -> std::collections::BTreeSet<Action> {
            let keymap = Keymap::preset(name).unwrap_or_default();
            Action::ALL
                .iter()
                .copied()
                .filter(|a| !keymap.keys_for(*a).is_empty())
                .collect()
        };
        let default = bound("default");
        for preset in ["vim", "emacs"] {
            let other = bound(preset);
            let missing: Vec<&str> = default.difference(&other).map(|a| a.name()).collect();
            assert!(missing.is_empty(), "{preset} leaves unbound: {missing:?}");
        }
        // One movement vocabulary: every list can go to its first and last line and page.
        for preset in ["default", "vim", "emacs"] {
            let keymap = Keymap::preset(preset).unwrap_or_default();
            for context in [
                Context::Queues,
                Context::Table,
                Context::Detail,
                Context::Board,
                Context::Picker,
                Context::Search,
                Context::Palette,
            ] {
                let actions: Vec<Action> =
                    keymap.bindings(context).into_iter().map(|b| b.1).collect();
                for movement in [
                    Action::SelectFirst,
                    Action::SelectLast,
                    Action::PageDown,
                    Action::PageUp,
                ] {
                    assert!(
                        actions.contains(&movement),
                        "{preset} [{}] has no {}",
                        context.code(),
                        movement.name()
                    );
                }
            }
        }
    }

    #[test]
    fn every_preset_parses_without_duplicates_or_hidden_bindings() {
        for (name, text) in PRESETS {
            let file = KeymapFile::parse(text, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(!file.entries.is_empty(), "{name}");
            let keymap = Keymap::preset(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(keymap.conflicts(name), vec![], "{name}");
        }
    }

    #[test]
    fn every_action_is_reachable_in_the_default_keymap() {
        let keymap = Keymap::default_preset();
        for action in Action::ALL {
            assert!(
                !keymap.keys_for(*action).is_empty(),
                "{} has no key",
                action.name()
            );
        }
    }

    #[test]
    fn multi_key_sequences_wait_then_match() {
        let keymap = Keymap::preset("vim").expect("vim");
        let g = Key::parse("g").expect("key");
        let ctx = [Context::Table, Context::Global];
        assert_eq!(keymap.lookup(&ctx, &[g]), Lookup::Pending);
        assert_eq!(
            keymap.lookup(&ctx, &[g, g]),
            Lookup::Matched(Action::SelectFirst)
        );
        assert_eq!(
            keymap.lookup(&ctx, &[Key::parse("w").expect("key")]),
            Lookup::NotFound
        );
    }

    #[test]
    fn a_user_file_merges_per_context_and_can_unbind() {
        let text = "preset = \"vim\"\n[table]\n\"x\" = \"select-next\"\n\"j\" = \"\"\n";
        let (keymap, errors) = Keymap::with_user_file(text, "mine.toml");
        assert_eq!(errors, vec![]);
        let ctx = [Context::Table, Context::Global];
        assert_eq!(
            keymap.lookup(&ctx, &[Key::parse("x").expect("key")]),
            Lookup::Matched(Action::SelectNext)
        );
        assert_eq!(
            keymap.lookup(&ctx, &[Key::parse("j").expect("key")]),
            Lookup::NotFound
        );
        assert_eq!(
            keymap.lookup(&ctx, &[Key::parse("k").expect("key")]),
            Lookup::Matched(Action::SelectPrevious)
        );
    }

    #[test]
    fn bad_files_name_the_line_and_fall_back_to_the_defaults() {
        let text = "[table]\n\"j\" = \"select-next\"\n\"hyper-q\" = \"quit\"\n\"k\" = \"fly-away\"\n[sidebar]\n\"x\" = \"quit\"\n";
        let (keymap, errors) = Keymap::with_user_file(text, "mine.toml");
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(
            shown[0].starts_with("mine.toml:3: `hyper-q` is not a key"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("mine.toml:4: unknown action `fly-away`"),
            "{shown:?}"
        );
        assert!(
            shown[2].starts_with("mine.toml:5: unknown context [sidebar]"),
            "{shown:?}"
        );
        assert_eq!(keymap, Keymap::default_preset());
        let (_, errors) = Keymap::with_user_file(
            "[table]\n\"j\" = \"quit\"\n\"C-c\" = \"quit\"\n\"ctrl-c\" = \"quit\"\n",
            "two.toml",
        );
        assert!(
            errors
                .iter()
                .any(|e| e.line == 4 && e.reason.contains("bound twice")),
            "{errors:?}"
        );
        let (_, errors) = Keymap::with_user_file("[table\n", "broken.toml");
        assert_eq!(errors.first().map(|e| e.line), Some(1));
    }
}
