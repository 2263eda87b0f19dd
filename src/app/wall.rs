//! Wall-board mode (`xinfang board`): rotates boards on an interval, unattended, for weeks.
//!
//! Read-only in every sense: the database is opened read-only and no key changes data (keys only
//! quit or turn to the next or previous board, as the keymap's board keys say). Its loop is async:
//! locally on a runtime of its own, in `xinfang serve` as a task beside the consoles. A blocking
//! task owns the database; the screen's loop never waits on it. When the database goes away, the last numbers stay up with "stale
//! since HH:MM", the worker retries with backoff (1 s doubling to 60 s) and the board recovers by
//! itself. A store that reconnects by itself (PostgreSQL) is kept and asked again every second:
//! asking it costs nothing, and the board is back as soon as the connection is. Nothing accumulates: each load replaces the last, so memory stays flat.

use super::state::{BoardView, ThemeName};
use crate::domain::Rules;
use crate::domain::board::BoardKind;
use crate::i18n::{Lang, Told};
use crate::store::board::{BoardData, BoardQuery};
use crate::store::{OpenMode, Store};
use chrono::NaiveDate;
use crossterm::event::Event;
use std::time::{Duration, Instant};

/// Longest wait between two attempts to reach the database.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How often a store that is reconnecting by itself is asked again.
const RECONNECT_POLL: Duration = Duration::from_secs(1);

/// The database as the wall board sees it: reopened whenever it fails or its file is replaced.
pub struct Source {
    location: String,
    rules: Rules,
    store: Option<Box<dyn Store>>,
    /// Device and inode of the file the store was opened on.
    identity: Option<(u64, u64)>,
    /// The last failure came from a store that is reconnecting by itself, and it was kept.
    reconnecting: bool,
    /// A server's store, shared with its other sessions: used as it is, never reopened.
    shared: Option<std::sync::Arc<dyn Store>>,
}

impl Source {
    pub fn new(location: &str, rules: Rules) -> Source {
        Source {
            location: location.to_string(),
            rules,
            store: None,
            identity: None,
            reconnecting: false,
            shared: None,
        }
    }

    /// A source reading a server's shared store.
    pub fn shared(store: std::sync::Arc<dyn Store>, rules: Rules) -> Source {
        Source {
            location: store.location(),
            shared: Some(store),
            ..Source::new("", rules)
        }
    }

    /// True when the last failure came from a store that reconnects by itself (it was kept open).
    pub fn is_reconnecting(&self) -> bool {
        self.reconnecting
    }

    /// The file's identity now; an error when the file is gone.
    fn file_identity(&self) -> Result<Option<(u64, u64)>, Told> {
        use std::os::unix::fs::MetadataExt;
        if self.location.contains("://") {
            return Ok(None);
        }
        match std::fs::metadata(&self.location) {
            Ok(meta) => Ok(Some((meta.dev(), meta.ino()))),
            Err(_) => Err(crate::store::StoreError::Missing {
                path: self.location.clone(),
            }
            .told()),
        }
    }

    /// The open store, opening it (read-only) if needed. A file that was replaced since it was
    /// opened is opened again: open connections would keep reading the old one.
    fn store(&mut self) -> Result<&dyn Store, Told> {
        if let Some(store) = &self.shared {
            return Ok(store.as_ref());
        }
        let identity = match self.file_identity() {
            Ok(identity) => identity,
            Err(e) => {
                self.store = None;
                return Err(e);
            }
        };
        if identity != self.identity {
            self.store = None;
        }
        if self.store.is_none() {
            let store = crate::store::open(&self.location, self.rules.clone(), OpenMode::ReadOnly)
                .map_err(|e| e.told())?;
            self.store = Some(store);
            self.identity = identity;
        }
        match &self.store {
            Some(store) => Ok(store.as_ref()),
            None => Err(Told {
                zh: "数据库未打开".into(),
                en: "the database is not open".into(),
            }),
        }
    }

    /// Runs `read` on the store. On failure the store is dropped so that the next call reopens
    /// it — unless it is reconnecting by itself, when reopening would only start over.
    fn with_store<T>(
        &mut self,
        read: impl FnOnce(&dyn Store) -> Result<T, crate::store::StoreError>,
    ) -> Result<T, Told> {
        self.reconnecting = false;
        let result = read(self.store()?);
        if let Err(e) = &result {
            self.reconnecting = matches!(e, crate::store::StoreError::Unreachable { .. });
            if !self.reconnecting {
                self.store = None;
            }
        }
        result.map_err(|e| e.told())
    }

    /// One board's data.
    pub fn fetch(&mut self, kind: BoardKind, query: &BoardQuery) -> Result<BoardData, Told> {
        self.with_store(|store| store.board(kind, query))
    }

    /// The newest change position, to reload only when something changed.
    pub fn head(&mut self) -> Result<i64, Told> {
        self.with_store(|store| store.head())
    }
}

/// What the wall screen shows.
pub struct Wall {
    pub lang: Lang,
    pub theme: ThemeName,
    pub rules: crate::domain::board::BoardRules,
    pub boards: Vec<BoardKind>,
    pub current: usize,
    /// One view per board, keeping its last numbers.
    pub views: Vec<BoardView>,
    /// Since when (HH:MM) the numbers are stale, and why.
    pub stale: Option<(String, String)>,
    /// HH:MM of the last successful load (or of the start).
    pub last_ok: String,
    pub today: NaiveDate,
    pub clock: String,
    pub rotate: Duration,
    /// Someone pressed a key: the footer shows the keys until the next rotation (a screen nobody
    /// touches shows none).
    pub touched: bool,
}

impl Wall {
    pub fn new(
        boards: Vec<BoardKind>,
        lang: Lang,
        theme: ThemeName,
        rules: &Rules,
        rotate: Duration,
    ) -> Wall {
        let now = crate::domain::china_now();
        Wall {
            lang,
            theme,
            rules: rules.boards.clone(),
            views: boards.iter().map(|k| BoardView::new(*k)).collect(),
            boards,
            current: 0,
            stale: None,
            last_ok: now.format("%H:%M").to_string(),
            today: now.date(),
            clock: now.format("%H:%M:%S").to_string(),
            rotate,
            touched: false,
        }
    }

    /// The board on screen.
    pub fn kind(&self) -> BoardKind {
        self.boards
            .get(self.current)
            .copied()
            .unwrap_or(BoardKind::Overview)
    }

    /// Turns `by` boards forward (or back, negative).
    pub fn turn(&mut self, by: i64) {
        let n = self.boards.len().max(1) as i64;
        self.current = (self.current as i64 + by).rem_euclid(n) as usize;
    }

    /// Takes a load's result: fresh numbers clear the stale mark; a failure keeps the numbers.
    /// Returns true when the board should be loaded again: the backlog board's first load found a
    /// campaign running today, which it shows from then on.
    pub fn loaded(
        &mut self,
        kind: BoardKind,
        result: Result<BoardData, Told>,
        clock: &str,
    ) -> bool {
        let today = self.today;
        match result {
            Ok(data) => {
                if let Some(view) = self.views.iter_mut().find(|v| v.kind == kind) {
                    if view.choose_campaign(&data, today) {
                        return true;
                    }
                    view.set_data(data, &self.rules, self.lang);
                    view.updated = clock.to_string();
                }
                self.stale = None;
                self.last_ok = clock.get(..5).unwrap_or(clock).to_string();
                false
            }
            Err(e) => {
                self.failed(&e);
                false
            }
        }
    }

    /// Marks the numbers stale (keeping the first "since").
    pub fn failed(&mut self, error: &Told) {
        let reason = error.get(self.lang).to_string();
        match &mut self.stale {
            Some((_, why)) => *why = reason,
            None => self.stale = Some((self.last_ok.clone(), reason)),
        }
    }

    /// The board query for today.
    pub fn query(&self, region: &str) -> BoardQuery {
        let kind = self.kind();
        BoardQuery {
            as_of: self.today,
            region: region.to_string(),
            campaign: self
                .views
                .iter()
                .find(|v| v.kind == kind)
                .and_then(|v| v.campaign),
        }
    }
}

/// A board by its code, or the list of codes.
pub fn parse_board(text: &str) -> Result<BoardKind, String> {
    BoardKind::from_code(text.trim()).ok_or_else(|| {
        let known: Vec<&str> = BoardKind::ALL.iter().map(|b| b.code()).collect();
        format!("unknown board `{text}` (known: {})", known.join(", "))
    })
}

/// Seconds in `30s`, `2m`, `1h` or plain seconds.
pub fn parse_seconds(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a time like 30s, 2m or 1h"))?;
    match unit {
        "s" => Ok(n),
        "m" => Ok(n.saturating_mul(60)),
        "h" => Ok(n.saturating_mul(3600)),
        _ => Err(format!("`{text}`: the unit must be s, m or h")),
    }
}

/// `30s`, `2m`, `1h` or plain seconds (at least 2 s).
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let seconds = parse_seconds(text)?;
    let text = text.trim();
    if seconds > 24 * 3600 {
        return Err(format!("`{text}` is too long; rotate at least once a day"));
    }
    if seconds < 2 {
        return Err(format!("`{text}` is too short; rotate every 2s or more"));
    }
    Ok(Duration::from_secs(seconds))
}

/// A region code that exists: the province, a city or a county.
pub fn parse_region(text: &str) -> Result<String, String> {
    let known = text == crate::domain::region::PROVINCE_CODE
        || crate::domain::region::name_of(text).is_some();
    if known && text.len() <= 6 {
        Ok(text.to_string())
    } else {
        Err(format!(
            "unknown region `{text}`: use 64, a city code such as 6401 or a county code such as 640106"
        ))
    }
}

/// Requests to the worker thread.
enum Request {
    Load(BoardKind, BoardQuery),
    Head,
}

/// Replies from the worker thread.
enum Reply {
    Loaded(BoardKind, Result<BoardData, Told>, String),
    Head(Result<i64, Told>),
}

/// Options of `xinfang board`.
pub struct WallOptions {
    pub location: String,
    pub rules: Rules,
    pub boards: Vec<BoardKind>,
    pub rotate: Duration,
    pub lang: Lang,
    pub theme: ThemeName,
    pub region: String,
    /// A fixed day (tests and demos); `None` follows the clock.
    pub today: Option<NaiveDate>,
    /// Set when frames were dropped for a slow remote client: the next one is drawn whole.
    pub repaint: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Keys: the board view's next-board, previous-board and the global quit.
    pub keymap: crate::keymap::Keymap,
}

/// Runs the wall board on the controlling terminal until `q`, Ctrl-C, SIGTERM or SIGHUP. Errors
/// from the database never end it.
pub fn run(options: WallOptions) -> std::io::Result<()> {
    use crossterm::event::read;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let guard = super::terminal::TerminalGuard::enter()?;
    // Terminal input on its own thread: the screen loop must keep its clock, its retries and its
    // signal checks even if reading the terminal blocks (or spins on a hung-up terminal).
    let (keys_tx, mut keys) = tokio::sync::mpsc::unbounded_channel::<Event>();
    std::thread::spawn(move || {
        while let Ok(event) = read() {
            if keys_tx.send(event).is_err() {
                return;
            }
        }
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let source = Source::new(&options.location, options.rules.clone());
    let mut terminal =
        ratatui::Terminal::new(super::terminal::LeanBackend::new(std::io::stdout()))?;
    let result = runtime.block_on(async {
        let flag = std::sync::Arc::clone(&stop);
        tokio::spawn(async move {
            super::terminal::shutdown_signal().await;
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        run_on(&mut terminal, &mut keys, &stop, &options, source).await
    });
    drop(terminal);
    drop(guard);
    runtime.shutdown_background();
    result
}

/// Runs the wall board on `terminal` with `keys` until `q`, Ctrl-C, `stop` or the end of the
/// keys: the local terminal's loop, and a server's wall sessions'. Reads go to a worker thread
/// that owns `source`.
pub async fn run_on<B: ratatui::backend::Backend<Error = std::io::Error>>(
    terminal: &mut ratatui::Terminal<B>,
    keys: &mut tokio::sync::mpsc::UnboundedReceiver<Event>,
    stop: &std::sync::atomic::AtomicBool,
    options: &WallOptions,
    mut source: Source,
) -> std::io::Result<()> {
    use super::action::Action;
    use crate::keymap::{Context, Key, Lookup};
    use tokio::sync::mpsc::unbounded_channel;
    let mut pending: Vec<Key> = Vec::new();
    let (requests, mut worker_requests) = unbounded_channel::<Request>();
    // Each reply says whether a failure is a store reconnecting by itself.
    let (worker_replies, mut replies) = unbounded_channel::<(Reply, bool)>();
    // The store is read on a blocking task; the screen's loop never waits on it.
    tokio::task::spawn_blocking(move || {
        while let Some(request) = worker_requests.blocking_recv() {
            let reply = match request {
                Request::Load(kind, query) => {
                    let result = source.fetch(kind, &query);
                    let clock = crate::domain::china_now().format("%H:%M:%S").to_string();
                    Reply::Loaded(kind, result, clock)
                }
                Request::Head => Reply::Head(source.head()),
            };
            if worker_replies
                .send((reply, source.is_reconnecting()))
                .is_err()
            {
                return;
            }
        }
    });
    let mut wall = Wall::new(
        options.boards.clone(),
        options.lang,
        options.theme,
        &options.rules,
        options.rotate,
    );
    if let Some(day) = options.today {
        wall.today = day;
    }
    terminal.clear()?;
    let tick = Duration::from_millis(250);
    let mut in_flight = false;
    let mut head: Option<i64> = None;
    let mut backoff = Duration::from_secs(1);
    let mut retry_at: Option<Instant> = None;
    let mut next_rotate = Instant::now() + options.rotate;
    let mut next_poll = Instant::now();
    let mut next_full = Instant::now() + Duration::from_secs(60);
    let mut want_load = true;
    let mut dirty = true;
    loop {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        // While the worker is busy, its answer is picked up promptly rather than a tick later.
        let wait = if in_flight {
            Duration::from_millis(20)
        } else {
            tick
        };
        let event = match tokio::time::timeout(wait, keys.recv()).await {
            Ok(Some(event)) => Some(event),
            // The terminal is gone.
            Ok(None) => break,
            Err(_) => None,
        };
        if let Some(event) = event {
            match event {
                Event::Key(event) => {
                    if let Some(key) = Key::from_terminal(&event) {
                        wall.touched = true;
                        dirty = true;
                        pending.push(key);
                        let turn = match options
                            .keymap
                            .lookup(&[Context::Board, Context::Global], &pending)
                        {
                            // The first key of a sequence (`g t`) waits for the next.
                            Lookup::Pending => None,
                            Lookup::Matched(Action::Quit) => break,
                            Lookup::Matched(Action::NextBoard) => Some(1),
                            Lookup::Matched(Action::PreviousBoard) => Some(-1),
                            Lookup::Matched(_) | Lookup::NotFound => Some(0),
                        };
                        if let Some(turn) = turn {
                            pending.clear();
                            if turn != 0 {
                                wall.turn(turn);
                                next_rotate = Instant::now() + options.rotate;
                                want_load = true;
                            }
                        }
                    }
                }
                Event::Resize(..) => dirty = true,
                _ => {}
            }
        }
        while let Ok((reply, reconnecting)) = replies.try_recv() {
            in_flight = false;
            dirty = true;
            let failed = match reply {
                Reply::Loaded(kind, result, clock) => {
                    let failed = result.is_err();
                    if wall.loaded(kind, result, &clock) {
                        want_load = true;
                    }
                    failed
                }
                Reply::Head(Ok(now)) => {
                    if head.is_some_and(|h| h != now) {
                        want_load = true;
                    }
                    head = Some(now);
                    if wall.stale.is_some() {
                        want_load = true;
                    }
                    false
                }
                Reply::Head(Err(e)) => {
                    wall.failed(&e);
                    true
                }
            };
            if failed && reconnecting {
                retry_at = Some(Instant::now() + RECONNECT_POLL);
            } else if failed {
                retry_at = Some(Instant::now() + backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            } else if wall.stale.is_none() {
                backoff = Duration::from_secs(1);
            }
        }
        let now = Instant::now();
        let now_china = crate::domain::china_now();
        let clock = now_china.format("%H:%M:%S").to_string();
        if clock != wall.clock {
            wall.clock = clock;
            if options.today.is_none() && now_china.date() != wall.today {
                wall.today = now_china.date();
                want_load = true;
            }
            dirty = true;
        }
        if now >= next_rotate {
            wall.touched = false;
            wall.turn(1);
            next_rotate = now + options.rotate;
            want_load = true;
        }
        if now >= next_full {
            // Numbers that move with the clock (overdue, due soon) refresh every minute.
            next_full = now + Duration::from_secs(60);
            want_load = true;
        }
        let waiting = retry_at.is_some_and(|at| now < at);
        if !in_flight && !waiting {
            let request = if want_load || wall.views[wall.current].data.is_none() {
                want_load = false;
                Some(Request::Load(wall.kind(), wall.query(&options.region)))
            } else if now >= next_poll {
                next_poll = now + Duration::from_millis(250);
                Some(Request::Head)
            } else {
                None
            };
            if let Some(request) = request {
                retry_at = None;
                in_flight = requests.send(request).is_ok();
            }
        }
        if options
            .repaint
            .as_ref()
            .is_some_and(|r| r.swap(false, std::sync::atomic::Ordering::SeqCst))
        {
            terminal.clear()?;
            dirty = true;
        }
        if dirty {
            terminal.draw(|frame| crate::ui::wall::draw(frame, &wall))?;
            dirty = false;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn intervals_parse_with_units_and_refuse_nonsense() {
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_interval("45"), Ok(Duration::from_secs(45)));
        assert!(parse_interval("1s").is_err());
        assert!(parse_interval("10x").is_err());
        assert!(parse_interval("s").is_err());
        assert!(parse_board("packages").is_ok());
        assert!(parse_board("pie").unwrap_err().contains("known: overview"));
        assert!(parse_region("640106").is_ok());
        assert!(parse_region("9999").is_err());
    }
}
