//! A search or a board's drill-down saved as a queue of one's own (`ctrl-s`, `:save TITLE`),
//! through the console's real event loop over a demo database: written to the settings file
//! without disturbing what is there, shown at once with the same cases, and read back by the next
//! console. What cannot be saved says why and writes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::console::{Session, open_demo};
use std::path::Path;
use xinfang::app::state::{Overlay, State};

fn settings(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("settings").join("config.toml");
    if !text.is_empty() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    path
}

fn session_with(store: &std::sync::Arc<dyn xinfang::store::Store>, path: &Path) -> Session {
    let mut session = Session::new(store, 120, 40);
    session.state.as_mut().unwrap().config_path = Some(path.to_path_buf());
    session
}

fn shown(state: &State) -> &xinfang::app::state::QueueDef {
    &state.queues[state.queue_index]
}

#[test]
fn a_search_saved_is_a_queue_at_once_and_in_the_next_console() {
    let (dir, store) = open_demo(3000);
    let path = settings(
        dir.path(),
        "# the bureau's settings\ntheme = \"light\"\n\n[rules]\ndue_soon_days = 4\n",
    );
    let before = std::fs::read_to_string(&path).unwrap();
    let mut session = session_with(&store, &path);
    let state = session.keys(&["/", "text:工资"]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let total = search.total;
    assert!(total > 0 && total < 3000, "{total}");
    // ctrl-s offers `save 工资`; the title is edited before Enter.
    let state = session.keys(&["ctrl-s"]).clone();
    let Overlay::Palette(palette) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(palette.input, "save 工资");
    let state = session
        .keys(&["backspace", "backspace", "text:银川欠薪", "enter"])
        .clone();
    assert_eq!(state.overlay, Overlay::None);
    assert!(
        state
            .status
            .as_deref()
            .is_some_and(|s| s.contains("银川欠薪") && s.contains("config.toml")),
        "{:?}",
        state.status
    );
    // Shown at once, selected, with the search's cases.
    let queue = shown(&state);
    assert_eq!(queue.name, "yinchuanqianxin");
    assert_eq!(queue.label_zh, "银川欠薪");
    assert_eq!(state.counts[state.queue_index], Some(total as u64));
    let rows: Vec<_> = state.table.rows.iter().map(|r| r.id).collect();
    assert_eq!(rows.len(), total.min(rows.len()));
    assert!(!rows.is_empty());
    // Written after what was there, which is untouched.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(&before), "{text}");
    assert!(
        text.contains("[[queue]]") && text.contains("search = \"工资\""),
        "{text}"
    );
    let config = xinfang::config::load(Some(&path)).expect("still valid settings");
    assert_eq!(config.rules.due_soon_days, 4);
    assert_eq!(config.queues.len(), 1);

    // The next console lists it with the same count once its index is built.
    let queue = config.queues[0]
        .build(common::today(), 3, "zhao.lei")
        .expect("builds");
    let mut setup = common::console::setup(
        std::sync::Arc::clone(&store),
        xinfang::i18n::Lang::En,
        xinfang::keymap::Keymap::default_preset(),
        Vec::new(),
    );
    setup.user_queues = vec![queue];
    let driven = common::console::drive_with(setup, 120, 40, &["1", "end", "enter"]);
    assert_eq!(shown(&driven.state).name, "yinchuanqianxin");
    assert_eq!(
        driven.state.counts[driven.state.queue_index],
        Some(total as u64)
    );
    assert_eq!(
        driven
            .state
            .table
            .rows
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        rows
    );

    // A second save of the same title gets its own name; the first is kept.
    let state = session.keys(&["/", "text:拆迁", "ctrl-s", "enter"]).clone();
    assert_eq!(shown(&state).label_zh, "拆迁");
    let config = xinfang::config::load(Some(&path)).expect("valid");
    assert_eq!(config.queues.len(), 2);
}

#[test]
fn a_drill_down_saved_keeps_its_meaning() {
    let (dir, store) = open_demo(3000);
    let path = settings(dir.path(), "");
    let mut session = session_with(&store, &path);
    // The leader-package board's first line, drilled into, then saved under its own title.
    let state = session.keys(&["b", "]", "enter"]).clone();
    let drilled = shown(&state).clone();
    assert_eq!(drilled.name, "board-drill");
    let count = state.counts[state.queue_index];
    let rows: Vec<_> = state.table.rows.iter().map(|r| r.id).collect();
    let state = session.keys(&["ctrl-s"]).clone();
    let Overlay::Palette(palette) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(palette.input.starts_with("save "), "{}", palette.input);
    assert!(!palette.input.contains('⤷'));
    let state = session.keys(&["enter"]).clone();
    assert_ne!(shown(&state).name, "board-drill");
    assert_eq!(shown(&state).filter, drilled.filter);
    assert_eq!(state.counts[state.queue_index], count);
    assert_eq!(
        state.table.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        rows
    );
    // The file did not exist: it is created with just this queue.
    let text = std::fs::read_to_string(&path).expect("created");
    assert!(
        text.starts_with("[[queue]]\n") && text.contains("leader = "),
        "{text}"
    );
    // The drill-down itself is still there, after the saved queue.
    assert_eq!(
        state.queues.last().map(|q| q.name.as_str()),
        Some("board-drill")
    );
}

#[test]
fn what_cannot_be_saved_says_why_and_writes_nothing() {
    let (dir, store) = open_demo(1000);
    // A built-in queue is a queue already.
    let path = settings(dir.path(), "theme = \"dark\"\n");
    let mut session = session_with(&store, &path);
    let state = session.keys(&["2", "ctrl-s"]).clone();
    assert_eq!(state.overlay, Overlay::None);
    assert!(
        state
            .status
            .as_deref()
            .is_some_and(|s| s.contains("is a queue already")),
        "{:?}",
        state.status
    );
    // A board itself is not a view to save, and saying so does not name the queue behind it.
    let state = session.keys(&["b", "ctrl-s"]).clone();
    assert!(
        state
            .status
            .as_deref()
            .is_some_and(|s| s.contains("a board itself cannot be saved")),
        "{:?}",
        state.status
    );
    session.keys(&["esc"]);
    // A settings file that does not parse is not rewritten: the error names its line.
    let broken = "theme = \"dark\"\nmouse = maybe\n";
    std::fs::write(&path, broken).unwrap();
    let state = session.keys(&["/", "text:工资", "ctrl-s", "enter"]).clone();
    assert!(
        state
            .status
            .as_deref()
            .is_some_and(|s| s.starts_with("not saved: ") && s.contains("config.toml:2")),
        "{:?}",
        state.status
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    assert!(state.queues.iter().all(|q| q.name != "gongzi"));
    // An empty title is asked for.
    let state = session.keys(&["esc", "/", "text:工资", "ctrl-s"]).clone();
    let Overlay::Palette(palette) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let erase: Vec<&str> = palette.input["save".len()..]
        .chars()
        .map(|_| "backspace")
        .collect();
    let mut keys = erase.clone();
    keys.push("text: ");
    keys.push("enter");
    let state = session.keys(&keys).clone();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    assert!(
        state
            .status
            .as_deref()
            .is_some_and(|s| s.contains("give the queue a title")),
        "{:?}",
        state.status
    );
}
