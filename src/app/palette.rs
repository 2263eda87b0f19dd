//! The command palette's entries: every action by name and description, fuzzy-matched
//! (fuzzy-matcher's SkimMatcherV2), and commands with arguments (`queue overdue`,
//! `case NX-2026-000123`, `lang en`, `theme mono`, `quit`). Pure.

use super::action::Action;
use super::state::{QueueDef, ThemeName};
use crate::i18n::Lang;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// A command typed in the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Run(Action),
    Queue(String),
    Case(String),
    Lang(Lang),
    Theme(ThemeName),
    Board(crate::domain::board::BoardKind),
    /// Take this step on the case on screen.
    Step(super::triage::StepKind),
    /// Save the search or drill-down on screen as a queue with this title.
    Save(String),
}

/// One line of the palette list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub command: Command,
    /// What the line shows on the left (`quit`, `queue overdue`).
    pub label: String,
    pub description: String,
    /// The key that does the same, if any.
    pub key: String,
}

/// What the palette offers besides fixed commands: the active keymap (for each action's key) and
/// the steps the case on screen allows.
pub struct Offer<'a> {
    pub queues: &'a [QueueDef],
    pub keymap: &'a crate::keymap::Keymap,
    /// The case's steps: allowed (`None`), or refused with why — typed, a refused one says so
    /// rather than matching something else.
    pub steps: &'a [(super::triage::StepKind, Option<String>)],
}

/// Parses a typed command with an argument, if the input is one.
pub fn parse(input: &str, queues: &[QueueDef]) -> Option<Result<Command, String>> {
    let input = input.trim();
    let (word, rest) = input.split_once(char::is_whitespace).unwrap_or((input, ""));
    let rest = rest.trim();
    match word {
        // By name, or by the label the queue list shows (`queue 积案`, `queue Backlog`).
        "queue" | "q" if !rest.is_empty() => Some(
            queues
                .iter()
                .find(|q| {
                    q.name == rest || q.label_zh == rest || q.label_en.eq_ignore_ascii_case(rest)
                })
                .map(|q| Command::Queue(q.name.clone()))
                .ok_or_else(|| rest.to_string()),
        ),
        "case" if !rest.is_empty() => Some(Ok(Command::Case(rest.to_string()))),
        // Without a title it asks for one.
        "save" => Some(Ok(Command::Save(rest.to_string()))),
        "lang" if !rest.is_empty() => Some(
            Lang::from_code(rest)
                .map(Command::Lang)
                .ok_or_else(|| rest.to_string()),
        ),
        "board" if !rest.is_empty() => Some(
            crate::domain::board::BoardKind::from_code(rest)
                .map(Command::Board)
                .ok_or_else(|| rest.to_string()),
        ),
        "theme" if !rest.is_empty() => Some(
            ThemeName::from_name(rest)
                .map(Command::Theme)
                .ok_or_else(|| rest.to_string()),
        ),
        _ => None,
    }
}

/// The entries matching `input`, best first: every action in the user's language with its key
/// (found by name, either language or pinyin), the queues, the boards, and the steps the case
/// on screen allows (`:答复`, `:dafu`, `:reply`).
pub fn entries(input: &str, offer: &Offer<'_>, lang: Lang) -> Vec<Entry> {
    let queues = offer.queues;
    let matcher = SkimMatcherV2::default();
    let input = input.trim();
    let mut scored: Vec<(i64, Entry)> = Vec::new();
    let mut push = |score: Option<i64>, entry: Entry| {
        if let Some(score) = score {
            scored.push((score, entry));
        }
    };
    let queue_prefix = input.strip_prefix("queue").map(str::trim);
    for queue in queues {
        let label = format!("queue {}", queue.name);
        let score = match queue_prefix {
            Some(q) if !q.is_empty() => matcher.fuzzy_match(&queue.name, q),
            _ if input.is_empty() => None,
            _ => matcher.fuzzy_match(&label, input),
        };
        push(
            score,
            Entry {
                command: Command::Queue(queue.name.clone()),
                label,
                description: queue.label(lang).to_string(),
                key: String::new(),
            },
        );
    }
    if let Some(board) = input.strip_prefix("board") {
        let board = board.trim();
        for kind in crate::domain::board::BoardKind::ALL {
            let score = if board.is_empty() {
                Some(1)
            } else {
                matcher.fuzzy_match(kind.code(), board)
            };
            push(
                score,
                Entry {
                    command: Command::Board(*kind),
                    label: format!("board {}", kind.code()),
                    description: lang.pick(kind.zh(), kind.en()).to_string(),
                    key: String::new(),
                },
            );
        }
    }
    if queue_prefix.is_none_or(str::is_empty) {
        // The case's steps first: on an empty palette, those it allows now.
        for (kind, refusal) in offer.steps {
            let (full, initials) = crate::search::pinyin_of(kind.zh());
            let haystack = format!(
                "{} {} {} {full} {initials}",
                kind.zh(),
                kind.en(),
                kind.code()
            );
            let score = if input.is_empty() {
                refusal.is_none().then_some(1)
            } else {
                matcher
                    .fuzzy_match(&haystack, input.trim_start_matches(':'))
                    .map(|s| s + 1)
            };
            let name = lang.pick(kind.zh(), kind.en());
            let (label, description) = match refusal {
                None => (
                    format!(":{name}"),
                    lang.pick(
                        "对当前信访件执行此步骤",
                        "take this step on the case on screen",
                    )
                    .to_string(),
                ),
                Some(why) => (format!(":{name} ✗"), why.clone()),
            };
            push(
                score,
                Entry {
                    command: Command::Step(*kind),
                    label,
                    description,
                    key: String::new(),
                },
            );
        }
        for action in Action::ALL.iter().filter(|a| !a.inside_a_list()) {
            let (full, initials) = crate::search::pinyin_of(action.describe_zh());
            let haystack = format!(
                "{} {} {} {full} {initials}",
                action.name(),
                action.describe(lang),
                action.describe(lang.other())
            );
            let score = if input.is_empty() {
                Some(0)
            } else {
                matcher.fuzzy_match(&haystack, input)
            };
            push(
                score,
                Entry {
                    command: Command::Run(*action),
                    // What it does in the user's language; the name to type beside it.
                    label: action.describe(lang).to_string(),
                    description: action.name().to_string(),
                    key: offer
                        .keymap
                        .keys_for(*action)
                        .into_iter()
                        .min_by_key(|k| k.chars().count())
                        .unwrap_or_default(),
                },
            );
        }
    }
    if let Some(Ok(command)) = parse(input, queues)
        && !matches!(command, Command::Queue(_) | Command::Board(_))
    {
        push(
            Some(i64::MAX),
            Entry {
                command,
                label: input.to_string(),
                description: String::new(),
                key: String::new(),
            },
        );
    }
    // Stable: equal scores keep the list order (actions in help order).
    scored.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    scored.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Builtin;

    fn queues() -> Vec<QueueDef> {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        Builtin::ALL
            .iter()
            .map(|q| QueueDef::builtin(*q, today, 3, "u"))
            .collect()
    }

    #[test]
    fn fuzzy_matches_actions_by_name_and_description() {
        let (queues, keymap) = (queues(), crate::keymap::Keymap::default_preset());
        let offer = Offer {
            queues: &queues,
            keymap: &keymap,
            steps: &[],
        };
        let list = entries("hlp", &offer, Lang::En);
        assert_eq!(
            list.first().map(|e| &e.command),
            Some(&Command::Run(Action::ToggleHelp))
        );
        assert_eq!(list.first().map(|e| e.key.as_str()), Some("?"));
        let list = entries("退出", &offer, Lang::Zh);
        assert_eq!(
            list.first().map(|e| &e.command),
            Some(&Command::Run(Action::Quit))
        );
        let list = entries("chexiao", &offer, Lang::Zh);
        assert_eq!(
            list.first().map(|e| &e.command),
            Some(&Command::Run(Action::Undo)),
            "pinyin finds 撤销"
        );
        let commands = Action::ALL.iter().filter(|a| !a.inside_a_list()).count();
        assert_eq!(entries("", &offer, Lang::En).len(), commands);
    }

    #[test]
    fn the_steps_of_the_case_on_screen_are_offered_by_chinese_pinyin_and_english() {
        use super::super::triage::StepKind;
        let (queues, keymap) = (queues(), crate::keymap::Keymap::default_preset());
        let offer = Offer {
            queues: &queues,
            keymap: &keymap,
            steps: &[
                (StepKind::Forward, None),
                (StepKind::Note, None),
                (StepKind::Reply, Some("not now".into())),
            ],
        };
        for typed in [":答复", "dafu", "reply"] {
            let list = entries(typed, &offer, Lang::Zh);
            assert_eq!(
                list.first().map(|e| &e.command),
                Some(&Command::Step(StepKind::Reply)),
                "{typed}"
            );
        }
    }

    #[test]
    fn commands_with_arguments_parse_and_suggest() {
        let q = queues();
        assert_eq!(
            parse("queue overdue", &q),
            Some(Ok(Command::Queue("overdue".into())))
        );
        assert_eq!(parse("queue nope", &q), Some(Err("nope".into())));
        assert_eq!(
            parse("case NX-2026-000123", &q),
            Some(Ok(Command::Case("NX-2026-000123".into())))
        );
        assert_eq!(parse("lang en", &q), Some(Ok(Command::Lang(Lang::En))));
        assert_eq!(
            parse("theme mono", &q),
            Some(Ok(Command::Theme(ThemeName::Mono)))
        );
        assert_eq!(parse("quit", &q), None);
        let keymap = crate::keymap::Keymap::default_preset();
        let offer = Offer {
            queues: &q,
            keymap: &keymap,
            steps: &[],
        };
        let list = entries("queue ovd", &offer, Lang::En);
        assert_eq!(
            list.first().map(|e| &e.command),
            Some(&Command::Queue("overdue".into()))
        );
    }
}
