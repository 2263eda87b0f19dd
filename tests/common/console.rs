//! Driving the console in tests: keys typed from a script into the real event loop over a demo
//! SQLite database, drawn on ratatui's TestBackend; a session that keeps its state between runs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
#![allow(dead_code)] // each test file uses a part

use super::{demo_db, today};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::VecDeque;
use std::sync::Arc;
use xinfang::app::console::{Setup, initial_state};
use xinfang::app::run::{Clipboard, Inputs, Shared, run};
use xinfang::app::state::{Msg, Overlay, State, ThemeName};
use xinfang::domain::Rules;
use xinfang::i18n::Lang;
use xinfang::keymap::{Key, Keymap};
use xinfang::store::{self, OpenMode, Store};

#[derive(Default)]
pub struct Recorded(pub Vec<String>);

impl Clipboard for Recorded {
    fn copy(&mut self, text: &str) {
        self.0.push(text.to_string());
    }
}

pub fn setup(store: Arc<dyn Store>, lang: Lang, keymap: Keymap, notices: Vec<String>) -> Setup {
    Setup {
        store,
        user: "zhao.lei".into(),
        lang,
        theme: ThemeName::Dark,
        keymap,
        notices,
        today: today(),
        rules: Rules::default(),
        user_queues: Vec::new(),
        // As `--today` gives: the day holds for the whole session, steps included.
        clock: xinfang::app::clock::SessionClock::fixed(today()),
        mouse: true,
        config_path: None,
        export_dir: None,
    }
}

/// Messages for a script: key names (`j`, `ctrl-c`, `g g` as two items), `text:…` to type,
/// `paste:…` for one bracketed paste, `click@X,Y`, `wheel-down@X,Y` and `wheel-up@X,Y` for the
/// mouse, or `poll` (look for changes by other consoles).
pub fn script(keys: &[&str]) -> VecDeque<Msg> {
    let mut out = VecDeque::new();
    for item in keys {
        if *item == "poll" {
            out.push_back(Msg::Poll);
            continue;
        }
        if let Some((kind, at)) = item.split_once('@') {
            use xinfang::app::state::{Pointer, PointerKind};
            let kind = match kind {
                "click" => PointerKind::Click,
                "wheel-down" => PointerKind::WheelDown,
                "wheel-up" => PointerKind::WheelUp,
                other => panic!("unknown mouse event {other}"),
            };
            let (column, row) = at.split_once(',').expect("x,y");
            out.push_back(Msg::Mouse(Pointer {
                kind,
                column: column.parse().expect("x"),
                row: row.parse().expect("y"),
            }));
            continue;
        }
        if let Some(text) = item.strip_prefix("paste:") {
            // One bracketed paste, as a terminal delivers it.
            out.push_back(Msg::Paste(text.to_string()));
            continue;
        }
        if let Some(text) = item.strip_prefix("text:") {
            for c in text.chars() {
                out.push_back(Msg::Key(Key {
                    code: xinfang::keymap::KeyCodeName::Char(c),
                    ctrl: false,
                    alt: false,
                }));
            }
            continue;
        }
        let key = Key::parse(item).expect("test key");
        out.push_back(Msg::Key(key));
    }
    out
}

pub struct Driven {
    pub state: State,
    pub screen: String,
    pub copied: Vec<String>,
}

/// Runs the real loop over `keys` until the script is done and nothing is in flight.
pub fn drive_with(setup: Setup, width: u16, height: u16, keys: &[&str]) -> Driven {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let store = Arc::clone(&setup.store);
    let state = initial_state(&setup, width, height).expect("state");
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let mut clipboard = Recorded::default();
    let state = runtime
        .block_on(run(
            &mut terminal,
            store,
            state,
            Inputs::Script(script(keys)),
            &mut clipboard,
            &Shared::default(),
        ))
        .expect("run");
    // The screen of the final state, drawn afresh: TestBackend keeps stale cells under the second
    // half of double-width characters (a real terminal blanks them), so the incremental buffer
    // would depend on how many intermediate frames were drawn.
    let mut fresh = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    fresh
        .draw(|frame| xinfang::ui::draw(frame, &state))
        .expect("draw");
    let screen = super::buffer_text(fresh.backend().buffer());
    Driven {
        state,
        screen,
        copied: clipboard.0,
    }
}

pub fn open_demo(cases: u64) -> (tempfile::TempDir, Arc<dyn Store>) {
    let (dir, path) = demo_db(cases, 1);
    let store: Arc<dyn Store> = Arc::from(
        store::open(
            path.to_str().expect("utf-8"),
            Rules::default(),
            OpenMode::ReadWrite,
        )
        .expect("open"),
    );
    (dir, store)
}

pub fn drive(store: &Arc<dyn Store>, lang: Lang, width: u16, height: u16, keys: &[&str]) -> Driven {
    drive_with(
        setup(
            Arc::clone(store),
            lang,
            Keymap::default_preset(),
            Vec::new(),
        ),
        width,
        height,
        keys,
    )
}

/// One console run after another on the same terminal, state and search index, as if the user
/// kept typing while other consoles changed the data in between.
pub struct Session {
    pub runtime: tokio::runtime::Runtime,
    pub terminal: Terminal<TestBackend>,
    pub store: Arc<dyn Store>,
    pub shared: Shared,
    pub state: Option<State>,
}

impl Session {
    pub fn new(store: &Arc<dyn Store>, width: u16, height: u16) -> Session {
        Session::in_lang(store, Lang::En, width, height)
    }

    pub fn in_lang(store: &Arc<dyn Store>, lang: Lang, width: u16, height: u16) -> Session {
        Session::with_rules(store, lang, width, height, Rules::default())
    }

    /// A session under the given `[rules]`.
    pub fn with_rules(
        store: &Arc<dyn Store>,
        lang: Lang,
        width: u16,
        height: u16,
        rules: Rules,
    ) -> Session {
        let mut setup = setup(
            Arc::clone(store),
            lang,
            Keymap::default_preset(),
            Vec::new(),
        );
        setup.rules = rules;
        Session {
            runtime: tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            terminal: Terminal::new(TestBackend::new(width, height)).expect("terminal"),
            store: Arc::clone(store),
            shared: Shared::with_clock(setup.clock),
            state: Some(initial_state(&setup, width, height).expect("state")),
        }
    }

    /// Opens the to-register queue's first case and returns its number.
    pub fn first_registered_case(&mut self) -> String {
        let state = self.keys(&["1", "j", "2", "enter"]);
        state
            .detail
            .as_ref()
            .map(|d| d.case.number.clone())
            .expect("a registered case")
    }

    /// Runs the loop over `keys` until idle and returns the state.
    pub fn keys(&mut self, keys: &[&str]) -> &State {
        let state = self.state.take().expect("state");
        let mut clipboard = Recorded::default();
        let run = run(
            &mut self.terminal,
            Arc::clone(&self.store),
            state,
            Inputs::Script(script(keys)),
            &mut clipboard,
            &self.shared,
        );
        self.state = Some(self.runtime.block_on(run).expect("run"));
        self.state.as_ref().expect("state")
    }
}

/// The screen with the parts that vary between runs (temporary path, clock) replaced.
pub fn stable(driven: &Driven) -> String {
    let mut screen = driven.screen.replace(&driven.state.db_label, "<db>");
    for live in ["实时 ", "live "] {
        if let Some(at) = screen.find(live) {
            let start = at + live.len();
            let end = screen[start..]
                .char_indices()
                .nth(5)
                .map_or(screen.len(), |(i, _)| start + i);
            screen.replace_range(start..end, "HH:MM");
        }
    }
    screen
}

pub fn store_case(store: &Arc<dyn Store>, number: &str) -> xinfang::domain::Case {
    let id = store.find(number).expect("find").expect("exists");
    store.case(id).expect("read").expect("exists").case
}

/// The screen of the session's current state, drawn afresh.
pub fn session_screen(session: &mut Session) -> String {
    let state = session.state.as_ref().expect("state");
    let area = session.terminal.backend().buffer().area;
    let mut fresh = Terminal::new(TestBackend::new(area.width, area.height)).expect("terminal");
    fresh
        .draw(|frame| xinfang::ui::draw(frame, state))
        .expect("draw");
    super::buffer_text(fresh.backend().buffer())
}

/// Takes the step `kind` on the selected case by keys: open the menu, walk to it, choose it,
/// then the given keys for its prompts.
pub fn take(
    session: &mut Session,
    kind: xinfang::app::triage::StepKind,
    prompts: &[&str],
) -> State {
    let state = session.keys(&["s"]).clone();
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let at = form
        .menu
        .iter()
        .position(|e| e.kind == kind)
        .expect("listed");
    assert!(
        form.menu[at].refusal.is_none(),
        "{kind:?} refused: {:?}",
        form.menu[at].refusal
    );
    let mut keys: Vec<&str> = std::iter::repeat_n("down", at).collect();
    keys.push("enter");
    keys.extend(prompts);
    session.keys(&keys).clone()
}
