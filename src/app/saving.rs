//! Saving what is on screen — a search, or a board's drill-down — as a queue of the user's own:
//! `ctrl-s` (or `:save TITLE` in the palette) writes a `[[queue]]` entry to the settings file and
//! the queue appears in the queue list at once, selected.

use super::queues::{QueueConfig, QueueSort};
use super::state::{Effect, Focus, Msg, Overlay, Palette, State, View};
use crate::store::{Sort, SortKey};

/// What can be saved from the screen now, with a title to suggest; or why nothing can.
pub fn what_to_save(state: &State) -> Result<(QueueConfig, String), String> {
    let lang = state.lang;
    if let View::Search(query) = state.view() {
        let entry = QueueConfig {
            search: Some(query.clone()),
            sort: Some(QueueSort::Received),
            ..QueueConfig::default()
        };
        return Ok((entry, query));
    }
    if state.board_shown {
        return Err(lang
            .pick(
                "看板本身不能保存：选一行按 Enter 下钻，再按保存键",
                "a board itself cannot be saved: drill into a line with Enter, then save",
            )
            .to_string());
    }
    let Some(queue) = state.queue() else {
        return Err(lang.pick("没有可保存的内容", "nothing to save").to_string());
    };
    if queue.name != super::boards::DRILL_QUEUE {
        return Err(match lang {
            crate::i18n::Lang::Zh => format!(
                "「{}」已是队列：可保存的是搜索（/）或看板下钻（b）",
                queue.label(lang)
            ),
            crate::i18n::Lang::En => format!(
                "“{}” is a queue already: a search (/) or a board's drill-down (b) can be saved",
                queue.label(lang)
            ),
        });
    }
    let mut entry =
        QueueConfig::from_filter(&queue.filter, state.scope.today).ok_or_else(|| {
            lang.pick(
                "这个下钻无法保存为队列",
                "this drill-down cannot be saved as a queue",
            )
            .to_string()
        })?;
    entry.sort = queue_sort(queue.sort);
    let title = queue.label(lang).trim_start_matches('⤷').trim().to_string();
    Ok((entry, title))
}

fn queue_sort(sort: Sort) -> Option<QueueSort> {
    match (sort.key, sort.descending) {
        (SortKey::Received, true) => Some(QueueSort::Received),
        (SortKey::Due, false) => Some(QueueSort::Due),
        _ => None,
    }
}

/// The save action: the palette opens with `save ` and a suggested title to edit.
pub fn begin(state: &mut State) -> Vec<Effect> {
    match what_to_save(state) {
        Ok((entry, title)) => {
            state.overlay = Overlay::Palette(Palette {
                input: format!("save {title}"),
                saving: Some(Box::new(entry)),
                ..Palette::default()
            });
        }
        Err(why) => state.status = Some(why),
    }
    Vec::new()
}

/// `:save TITLE`: what the save action captured (the search as it was when the palette opened
/// over it), or else what is on screen, under that title.
pub fn save(state: &mut State, title: &str, captured: Option<QueueConfig>) -> Vec<Effect> {
    let lang = state.lang;
    let title = crate::text::sanitise(title).trim().to_string();
    if title.is_empty() {
        state.status = Some(
            lang.pick(
                "请给队列起个名字：save 名字",
                "give the queue a title: save TITLE",
            )
            .to_string(),
        );
        return Vec::new();
    }
    let entry = match captured {
        Some(entry) => entry,
        None => match what_to_save(state) {
            Ok((entry, _)) => entry,
            Err(why) => {
                state.status = Some(why);
                return Vec::new();
            }
        },
    };
    let Some(path) = state.config_path.clone() else {
        state.status = Some(
            lang.pick(
                "找不到设置文件的位置（用 --config 指定）",
                "no place for a settings file (give one with --config)",
            )
            .to_string(),
        );
        return Vec::new();
    };
    let taken: Vec<&str> = state.queues.iter().map(|q| q.name.as_str()).collect();
    let entry = QueueConfig {
        name: unique_name(&title, &taken),
        title: title.clone(),
        ..entry
    };
    vec![Effect::SaveQueue { path, entry }]
}

/// A kebab-case name from the title (pinyin for Chinese), made unique among `taken`.
pub fn unique_name(title: &str, taken: &[&str]) -> String {
    use pinyin::ToPinyin;
    let mut base = String::new();
    for c in title.chars() {
        if let Some(p) = c.to_pinyin() {
            base.push_str(p.plain());
        } else if c.is_ascii_alphanumeric() {
            base.push(c.to_ascii_lowercase());
        } else if !base.ends_with('-') && !base.is_empty() {
            base.push('-');
        }
    }
    let mut base: String = base.trim_end_matches('-').chars().take(40).collect();
    if base.is_empty() {
        base = "saved".to_string();
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.as_str()) || crate::store::Builtin::from_name(&name).is_some() {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// The settings file was written (or not): the new queue joins the list and opens.
pub fn on_msg(state: &mut State, msg: &Msg) -> Option<Vec<Effect>> {
    let Msg::QueueSaved { entry, outcome } = msg else {
        return None;
    };
    let lang = state.lang;
    if let Err(why) = outcome {
        state.status = Some(format!(
            "{}{}",
            lang.pick("未保存：", "not saved: "),
            crate::text::sanitise(why)
        ));
        return Some(Vec::new());
    }
    let built = entry.build(state.scope.today, state.due_soon_days, &state.user);
    let queue = match built {
        Ok(queue) => queue,
        Err(why) => {
            state.status = Some(crate::text::sanitise(&why).into_owned());
            return Some(Vec::new());
        }
    };
    // Before the drill-down it came from, which stays the last entry of the list.
    let at = state
        .queues
        .iter()
        .position(|q| q.name == super::boards::DRILL_QUEUE)
        .unwrap_or(state.queues.len());
    state.queues.insert(at, queue);
    state.counts.insert(at, None);
    state.queue_index = at;
    state.overlay = Overlay::None;
    state.board_shown = false;
    state.focus = Focus::Table;
    let file = state
        .config_path
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let effects = super::update::reload_from_start(state);
    state.status = Some(match lang {
        crate::i18n::Lang::Zh => format!("已保存队列「{}」（{}）", entry.title, file),
        crate::i18n::Lang::En => format!("saved queue “{}” ({})", entry.title, file),
    });
    Some(effects)
}

#[cfg(test)]
mod tests {
    use super::unique_name;

    #[test]
    fn names_come_from_the_title_and_never_collide() {
        assert_eq!(unique_name("银川欠薪", &[]), "yinchuanqianxin");
        assert_eq!(unique_name("Wages 2026", &[]), "wages-2026");
        assert_eq!(
            unique_name("银川 欠薪", &["yinchuan-qianxin"]),
            "yinchuan-qianxin-2"
        );
        assert_eq!(unique_name("！！", &[]), "saved");
        assert_eq!(
            unique_name("overdue", &[]),
            "overdue-2",
            "not a built-in's name"
        );
    }
}
