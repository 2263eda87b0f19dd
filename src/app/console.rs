//! Opening the console on a real terminal: who the user is, the initial state, the tokio
//! runtime, terminal input on its own thread, SIGTERM/SIGHUP, and restoring the terminal on every
//! way out (quit, error, panic, signal).

use super::run::{Clipboard, Inputs, run};
use super::state::{Focus, Link, Msg, Overlay, QueueDef, Requests, State, Table, ThemeName};
use super::terminal::{LeanBackend, TerminalGuard, osc52};
use crate::domain::region::PROVINCE_CODE;
use crate::domain::{Role, Rules};
use crate::i18n::{Lang, Text};
use crate::keymap::Keymap;
use crate::store::{Builtin, Scope, Store, StoreError};
use chrono::NaiveDate;
use std::io::Write;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Everything needed to open the console.
pub struct Setup {
    pub store: Arc<dyn Store>,
    pub user: String,
    pub lang: Lang,
    pub theme: ThemeName,
    pub keymap: Keymap,
    pub notices: Vec<String>,
    pub today: NaiveDate,
    pub rules: Rules,
    pub user_queues: Vec<QueueDef>,
    /// Real time, or the day fixed with `--today` for the whole session.
    pub clock: super::clock::SessionClock,
    /// Clicks and the wheel (`mouse = false` in the settings turns them off, which gives the
    /// terminal's own text selection back).
    pub mouse: bool,
    /// Where saved queues are written: the settings file read, else the default place.
    pub config_path: Option<std::path::PathBuf>,
    /// Where exports are written (`export_dir`; `None`: the current directory).
    pub export_dir: Option<std::path::PathBuf>,
}

/// The user's role and region scope; an unknown user is a viewer of the whole province, with a
/// banner saying so.
pub fn resolve_user(store: &dyn Store, name: &str) -> Result<(Role, String, bool), StoreError> {
    Ok(match store.users()?.into_iter().find(|u| u.name == name) {
        Some(user) => (user.role, user.scope, false),
        None => (Role::Viewer, PROVINCE_CODE.to_string(), true),
    })
}

/// The state the console starts in.
pub fn initial_state(setup: &Setup, width: u16, height: u16) -> Result<State, StoreError> {
    let (role, region, unknown) = resolve_user(setup.store.as_ref(), &setup.user)?;
    let mut notices = setup.notices.clone();
    if unknown {
        notices.insert(
            0,
            format!("{} ({})", Text::ReadOnlyBanner.get(setup.lang), setup.user),
        );
    }
    let mut queues: Vec<QueueDef> = Builtin::ALL
        .iter()
        .map(|q| QueueDef::builtin(*q, setup.today, setup.rules.due_soon_days, &setup.user))
        .collect();
    queues.extend(setup.user_queues.iter().cloned());
    Ok(State {
        lang: setup.lang,
        theme: setup.theme,
        user: setup.user.clone(),
        role,
        scope: Scope {
            region,
            user: setup.user.clone(),
            today: setup.today,
        },
        due_soon_days: setup.rules.due_soon_days,
        rules: setup.rules.clone(),
        now: setup.clock.now(),
        fixed_day: setup.clock.fixed,
        db_label: setup.store.location(),
        link: Link::Loading,
        keymap: setup.keymap.clone(),
        counts: vec![None; queues.len()],
        queues,
        queue_index: 0,
        table: Table::default(),
        detail: None,
        detail_scroll: 0,
        focus: Focus::Table,
        overlay: Overlay::None,
        compact_detail: false,
        status: None,
        notices,
        pending_keys: Vec::new(),
        typeahead: Vec::new(),
        palette_history: Vec::new(),
        width,
        height,
        requests: Requests::default(),
        copied: None,
        loaded_at: String::new(),
        index: super::state::IndexStatus::Building(0),
        last_step: None,
        last_bulk: Vec::new(),
        related: Vec::new(),
        marks: Default::default(),
        mark_view: None,
        view_gen: 0,
        search_view: None,
        config_path: setup.config_path.clone(),
        export_dir: setup.export_dir.clone(),
        pending_form: None,
        quit_armed: false,
        history: Vec::new(),
        history_at: 0,
        navigating: false,
        browsing_queues: false,
        last_browsed: false,
        last_search: None,
        units: Vec::new(),
        leaders: Vec::new(),
        head: 0,
        board: None,
        board_shown: false,
        board_rules: setup.rules.boards.clone(),
        quit: false,
    })
}

struct Osc52<'a, W: Write>(&'a mut W);

impl<W: Write> Clipboard for Osc52<'_, W> {
    fn copy(&mut self, text: &str) {
        let _ = self.0.write_all(osc52(text).as_bytes());
        let _ = self.0.flush();
    }
}

/// Opens the console on the controlling terminal and runs it until the user quits.
pub fn open(setup: Setup) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let guard = TerminalGuard::enter()?;
    if setup.mouse {
        crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    let (width, height) = crossterm::terminal::size()?;
    let state = initial_state(&setup, width, height).map_err(std::io::Error::other)?;
    let (tx, rx) = mpsc::unbounded_channel::<Msg>();
    let keys = tx.clone();
    std::thread::spawn(move || {
        loop {
            let msg = match crossterm::event::read() {
                Ok(event) => match super::terminal::message_of(event) {
                    Some(msg) => msg,
                    None => continue,
                },
                // The terminal is gone (an SSH drop): leave.
                Err(_) => Msg::Shutdown,
            };
            let shutdown = matches!(msg, Msg::Shutdown);
            if keys.send(msg).is_err() || shutdown {
                return;
            }
        }
    });
    let result = runtime.block_on(async move {
        let signals = tx.clone();
        tokio::spawn(async move {
            super::terminal::shutdown_signal().await;
            let _ = signals.send(Msg::Shutdown);
        });
        let mut terminal = ratatui::Terminal::new(LeanBackend::new(std::io::stdout()))?;
        terminal.clear()?;
        let mut out = std::io::stdout();
        let mut clipboard = Osc52(&mut out);
        let shared = super::run::Shared::with_clock(setup.clock);
        run(
            &mut terminal,
            setup.store.clone(),
            state,
            Inputs::Channel(rx),
            &mut clipboard,
            &shared,
        )
        .await
        .map(drop)
    });
    drop(guard);
    runtime.shutdown_background();
    result
}
