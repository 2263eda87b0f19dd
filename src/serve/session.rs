//! One SSH session of the server: a console or a wall board, with its own state, size, language,
//! theme and keymap, on the server's shared store, index and change feed. The console and the
//! wall board are two models on the server's runtime, each session a task. Both draw into the channel through `output`, and on every way out restore the
//! client's terminal and say why the session ended.

use super::Hub;
use super::input::Parser;
use super::output::{Pending, Screen, Size};
use crate::app::console::Setup;
use crate::app::run::{Clipboard, Hosted, Inputs};
use crate::app::state::{Msg, ThemeName};
use crate::app::terminal::LeanBackend;
use crate::domain::board::BoardKind;
use crate::i18n::Lang;
use crate::keymap::Keymap;
use crate::store::User;
use crossterm::event::Event;
use russh::server::Msg as ServerMsg;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How to end a live session from outside (SIGTERM).
pub enum Control {
    Console(mpsc::UnboundedSender<Msg>),
    Wall(Arc<AtomicBool>),
}

impl Control {
    pub fn end(&self) {
        match self {
            Control::Console(tx) => {
                let _ = tx.send(Msg::Shutdown);
            }
            Control::Wall(stop) => stop.store(true, Ordering::SeqCst),
        }
    }
}

/// What the client asked to run (`ssh HOST`, or `ssh HOST board …`).
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Console,
    Board {
        boards: Vec<BoardKind>,
        rotate: Duration,
        region: String,
    },
}

#[derive(Debug, clap::Parser)]
#[command(name = "ssh HOST", no_binary_name = true, disable_version_flag = true)]
struct Remote {
    #[command(subcommand)]
    command: Option<RemoteCommand>,
}

#[derive(Debug, clap::Subcommand)]
enum RemoteCommand {
    /// The console (the default)
    Console,
    /// A wall board: read-only, rotating boards, no personal data
    Board {
        /// Boards to rotate through, comma-separated
        #[arg(
            long,
            value_delimiter = ',',
            value_parser = crate::app::wall::parse_board,
            default_value = "overview,packages,backlog,map,warnings,meeting"
        )]
        boards: Vec<BoardKind>,
        /// Time each board stays on screen: 30s, 2m, or seconds
        #[arg(long, value_parser = crate::app::wall::parse_interval, default_value = "30s")]
        rotate: Duration,
        /// Region to show: 64, a city such as 6401 or a county such as 640106
        #[arg(long, default_value = "64", value_parser = crate::app::wall::parse_region)]
        region: String,
    },
}

/// What the server answers instead of a session: help (status 0) or a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub text: String,
    pub status: u32,
}

/// The command line a client sent with `ssh HOST …`; `Err` is the answer instead (help asked
/// for, or why the command is refused).
pub fn parse_command(line: &str) -> Result<Command, Answer> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let remote = <Remote as clap::Parser>::try_parse_from(words).map_err(|e| {
        use clap::error::ErrorKind;
        let help = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
        Answer {
            text: e.to_string(),
            status: if help { 0 } else { 2 },
        }
    })?;
    Ok(match remote.command {
        None | Some(RemoteCommand::Console) => Command::Console,
        Some(RemoteCommand::Board {
            boards,
            rotate,
            region,
        }) => {
            let mut unique = Vec::new();
            for board in boards {
                if !unique.contains(&board) {
                    unique.push(board);
                }
            }
            Command::Board {
                boards: unique,
                rotate,
                region,
            }
        }
    })
}

/// The session's language, theme and keymap from the client's environment (`ssh -o
/// SetEnv=LANG=zh_CN.UTF-8`, `NO_COLOR`, `XINFANG_THEME`, `XINFANG_KEYMAP`), else the server's.
pub struct Looks {
    pub lang: Lang,
    pub theme: ThemeName,
    pub keymap: Keymap,
    pub notices: Vec<String>,
}

pub fn looks(hub: &Hub, env: &HashMap<String, String>) -> Looks {
    let mut notices = Vec::new();
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| env.get(*v))
        .find(|v| !v.is_empty());
    let lang = match (env.get("XINFANG_LANG"), locale) {
        (Some(code), _) if Lang::from_code(code).is_some() => {
            Lang::from_code(code).unwrap_or(hub.options.lang)
        }
        (_, Some(locale)) if locale.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        (_, Some(_)) => Lang::En,
        (_, None) => hub.options.lang,
    };
    let theme = if env.get("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        ThemeName::Mono
    } else {
        match env.get("XINFANG_THEME") {
            Some(name) => ThemeName::from_name(name).unwrap_or_else(|| {
                notices.push(format!(
                    "XINFANG_THEME `{}` is not dark, light or mono",
                    crate::text::sanitise(name)
                ));
                hub.options.theme
            }),
            None => hub.options.theme,
        }
    };
    let keymap = match env.get("XINFANG_KEYMAP") {
        Some(name) => Keymap::preset(name).unwrap_or_else(|_| {
            notices.push(format!(
                "XINFANG_KEYMAP `{}` is not a preset (default, vim, emacs)",
                crate::text::sanitise(name)
            ));
            hub.options.keymap.clone()
        }),
        None => hub.options.keymap.clone(),
    };
    Looks {
        lang,
        theme,
        keymap,
        notices,
    }
}

/// Where a session's input goes.
pub enum Feed {
    Console {
        tx: mpsc::UnboundedSender<Msg>,
        parser: Parser,
        /// Milliseconds since the server started at the last key, for the idle timeout.
        last_key: Arc<AtomicU64>,
        size: Size,
        /// Events taken in the current second, and when it began.
        rate: Rate,
    },
    Wall {
        tx: mpsc::UnboundedSender<Event>,
        parser: Parser,
        size: Size,
        stop: Arc<AtomicBool>,
    },
}

/// Most input events a session takes in a second (a fast typist makes 20, a paste is one event);
/// a client that sends more has the rest dropped, so its queue cannot grow without end.
pub const MAX_EVENTS_PER_SECOND: u32 = 2_000;

/// Input events counted per second.
#[derive(Debug)]
pub struct Rate {
    since: Instant,
    events: u32,
}

impl Rate {
    fn new() -> Rate {
        Rate {
            since: Instant::now(),
            events: 0,
        }
    }

    /// Whether one more event may be taken now.
    fn take(&mut self) -> bool {
        if self.since.elapsed() >= Duration::from_secs(1) {
            self.since = Instant::now();
            self.events = 0;
        }
        self.events += 1;
        self.events <= MAX_EVENTS_PER_SECOND
    }
}

impl Feed {
    /// A console's feed.
    fn console(tx: mpsc::UnboundedSender<Msg>, last_key: Arc<AtomicU64>, size: Size) -> Feed {
        Feed::Console {
            tx,
            parser: Parser::default(),
            last_key,
            size,
            rate: Rate::new(),
        }
    }

    /// Bytes typed by the client.
    pub fn bytes(&mut self, data: &[u8], epoch: Instant) {
        match self {
            Feed::Console {
                tx,
                parser,
                last_key,
                rate,
                ..
            } => {
                last_key.store(epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
                for event in parser.feed(data) {
                    // A size comes from the channel's window changes, never from the input.
                    if matches!(event, Event::Resize(..)) || !rate.take() {
                        continue;
                    }
                    if let Some(msg) = crate::app::terminal::message_of(event) {
                        let _ = tx.send(msg);
                    }
                }
            }
            Feed::Wall { tx, parser, .. } => {
                for event in parser.feed(data) {
                    let _ = tx.send(event);
                }
            }
        }
    }

    /// The client's window changed.
    pub fn resize(&self, width: u16, height: u16) {
        match self {
            Feed::Console { tx, size, .. } => {
                size.set(width, height);
                let _ = tx.send(Msg::Resize(width, height));
            }
            Feed::Wall { tx, size, .. } => {
                size.set(width, height);
                let _ = tx.send(Event::Resize(width, height));
            }
        }
    }

    /// The client closed the channel.
    pub fn close(&self) {
        match self {
            Feed::Console { tx, .. } => {
                let _ = tx.send(Msg::Shutdown);
            }
            Feed::Wall { stop, .. } => stop.store(true, Ordering::SeqCst),
        }
    }
}

/// Terminal modes for a full-screen session, and their undoing.
fn enter(mouse: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = crossterm::queue!(
        out,
        crossterm::terminal::EnterAlternateScreen,
        crossterm::cursor::Hide,
        crossterm::event::EnableBracketedPaste
    );
    if mouse {
        let _ = crossterm::queue!(out, crossterm::event::EnableMouseCapture);
    }
    out
}

fn leave(goodbye: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = crossterm::queue!(
        out,
        crossterm::event::DisableMouseCapture,
        crossterm::event::DisableBracketedPaste,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show,
        crossterm::style::ResetColor
    );
    out.extend_from_slice(goodbye.as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

struct RemoteClipboard(Arc<Pending>);

impl Clipboard for RemoteClipboard {
    fn copy(&mut self, text: &str) {
        self.0.push(crate::app::terminal::osc52(text).as_bytes());
    }
}

/// A session that could not start: what it was given back, and the message for the client.
pub type Refused = Box<(Start, String)>;

/// Everything a new session needs.
pub struct Start {
    pub user: User,
    pub fingerprint: String,
    pub peer: String,
    pub size: Size,
    pub env: HashMap<String, String>,
    pub channel: russh::Channel<ServerMsg>,
    pub command: Command,
}

/// Starts a session; its input goes to the returned feed. `Err` with the reason (the server is
/// full) when it cannot start.
pub fn start(hub: &Arc<Hub>, start: Start, epoch: Instant) -> Result<Feed, Refused> {
    match start.command.clone() {
        Command::Console => console(hub, start, epoch),
        Command::Board {
            boards,
            rotate,
            region,
        } => wall(hub, start, boards, rotate, region),
    }
}

/// The last line of a session that ended normally: why, when the server is stopping.
fn goodbye(hub: &Hub, lang: Lang) -> String {
    if hub.stopping.load(Ordering::SeqCst) {
        lang.pick(
            "xinfang：服务正在停止，会话已关闭（未提交的内容未保存）",
            "xinfang: the server is stopping; the session was closed (nothing unsubmitted was saved)",
        )
        .to_string()
    } else {
        lang.pick("xinfang：再见", "xinfang: goodbye").to_string()
    }
}

fn full(hub: &Hub, looks: &Looks) -> String {
    looks
        .lang
        .pick(
            &format!(
                "xinfang：会话已满（{} 个），请稍后再试",
                hub.options.max_sessions
            ),
            &format!(
                "xinfang: the server is full ({} at most); try again later",
                hub.options.max_sessions
            ),
        )
        .to_string()
}

/// Waits for the last bytes to go out, at most a few seconds: a client that takes nothing more
/// (its window closed) must not keep the session's slot forever.
async fn finish(pump: tokio::task::JoinHandle<()>) {
    let abort = pump.abort_handle();
    if tokio::time::timeout(Duration::from_secs(5), pump)
        .await
        .is_err()
    {
        abort.abort();
    }
}

/// A session's place among the server's sessions, given up when dropped — however its task ends,
/// a panic included.
struct Registered {
    hub: Arc<Hub>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.hub.unregister(self.id);
    }
}

/// A registered session's channel: its output pumped to the client.
struct Opened {
    registered: Registered,
    id: u64,
    user: User,
    fingerprint: String,
    peer: String,
    size: Size,
    write: russh::ChannelWriteHalf<ServerMsg>,
    pending: Arc<Pending>,
    pump: tokio::task::JoinHandle<()>,
}

/// Registers a session (refused when the server is full) and starts writing to its channel.
fn open(hub: &Arc<Hub>, start: Start, control: Control, looks: &Looks) -> Result<Opened, Refused> {
    let Some(id) = hub.register(control) else {
        let message = full(hub, looks);
        return Err(Box::new((start, message)));
    };
    let Start {
        user,
        fingerprint,
        peer,
        size,
        channel,
        ..
    } = start;
    let (read, write) = channel.split();
    // Input arrives through the handler; an unread half would stall the connection.
    drop(read);
    let pending = Arc::new(Pending::default());
    let pump = tokio::spawn(Arc::clone(&pending).pump(write.make_writer()));
    Ok(Opened {
        registered: Registered {
            hub: Arc::clone(hub),
            id,
        },
        id,
        user,
        fingerprint,
        peer,
        size,
        write,
        pending,
        pump,
    })
}

fn console(hub: &Arc<Hub>, start: Start, epoch: Instant) -> Result<Feed, Refused> {
    let looks = looks(hub, &start.env);
    let (tx, rx) = mpsc::unbounded_channel::<Msg>();
    let Opened {
        registered,
        id,
        user,
        fingerprint,
        peer,
        size,
        write,
        pending,
        pump,
    } = open(hub, start, Control::Console(tx.clone()), &looks)?;
    let last_key = Arc::new(AtomicU64::new(epoch.elapsed().as_millis() as u64));
    let feed = Feed::console(tx.clone(), Arc::clone(&last_key), size.clone());
    let hub = Arc::clone(hub);
    let idle = Arc::new(AtomicBool::new(false));
    if let Some(timeout) = hub.options.idle_timeout {
        let (tx, idle, last_key) = (tx.clone(), Arc::clone(&idle), Arc::clone(&last_key));
        tokio::spawn(async move {
            let check = (timeout / 4).clamp(Duration::from_millis(200), Duration::from_secs(30));
            loop {
                tokio::time::sleep(check).await;
                let since = (epoch.elapsed().as_millis() as u64)
                    .saturating_sub(last_key.load(Ordering::Relaxed));
                if Duration::from_millis(since) >= timeout {
                    idle.store(true, Ordering::SeqCst);
                    let _ = tx.send(Msg::Shutdown);
                    return;
                }
                if tx.is_closed() {
                    return;
                }
            }
        });
    }
    tokio::spawn(async move {
        let started = Instant::now();
        tracing::info!(session = id, user = %user.name, key = %fingerprint, %peer, "console opened");
        pending.push(&enter(hub.options.mouse));
        let (width, height) = size.get();
        let setup = Setup {
            store: Arc::clone(&hub.store),
            user: user.name.clone(),
            lang: looks.lang,
            theme: looks.theme,
            keymap: looks.keymap,
            notices: looks.notices,
            today: hub.options.clock.today(),
            rules: hub.options.rules.clone(),
            user_queues: Vec::new(),
            clock: hub.options.clock,
            mouse: hub.options.mouse,
            config_path: None,
            export_dir: hub.options.export_dir.clone(),
        };
        let state = tokio::task::block_in_place(|| {
            crate::app::console::initial_state(&setup, width, height)
        });
        let outcome = match state {
            Ok(state) => {
                let wake = tx.clone();
                let wake_size = size.clone();
                let screen = Screen::new(
                    Arc::clone(&pending),
                    Box::new(move || {
                        let (w, h) = wake_size.get();
                        let _ = wake.send(Msg::Resize(w, h));
                    }),
                );
                let shared = hub.shared.session(
                    crate::search::Viewer::new(state.role, &state.scope.region),
                    Hosted {
                        index_head: Arc::clone(&hub.index_head),
                        changes: hub.changes.clone(),
                        repaint: Arc::clone(&pending.repaint),
                    },
                );
                match ratatui::Terminal::new(LeanBackend::with_size(screen, size.cell())) {
                    Ok(mut terminal) => {
                        let mut clipboard = RemoteClipboard(Arc::clone(&pending));
                        crate::app::run::run(
                            &mut terminal,
                            Arc::clone(&hub.store),
                            state,
                            Inputs::Channel(rx),
                            &mut clipboard,
                            &shared,
                        )
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string())
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
            Err(e) => Err(e.told().get(looks.lang).to_string()),
        };
        let goodbye = match &outcome {
            Err(e) => format!("xinfang: {}", crate::text::sanitise(e)),
            Ok(()) if idle.load(Ordering::SeqCst) => {
                let seconds = hub.options.idle_timeout.map_or(0, |t| t.as_secs());
                let (n, zh, en) = if seconds < 120 {
                    (seconds, "秒", "s")
                } else {
                    (seconds / 60, "分钟", "min")
                };
                match looks.lang {
                    Lang::Zh => format!("xinfang：{n} {zh}未按键，会话已关闭"),
                    Lang::En => format!("xinfang: closed after {n} {en} without a key"),
                }
            }
            Ok(()) => goodbye(&hub, looks.lang),
        };
        pending.push_always(&leave(&goodbye));
        pending.close();
        finish(pump).await;
        let _ = write.exit_status(u32::from(outcome.is_err())).await;
        let _ = write.eof().await;
        let _ = write.close().await;
        drop(registered);
        tracing::info!(
            session = id,
            user = %user.name,
            seconds = started.elapsed().as_secs(),
            dropped_bytes = pending.dropped.load(Ordering::Relaxed),
            "console closed"
        );
    });
    Ok(feed)
}

fn wall(
    hub: &Arc<Hub>,
    start: Start,
    boards: Vec<BoardKind>,
    rotate: Duration,
    region: String,
) -> Result<Feed, Refused> {
    let looks = looks(hub, &start.env);
    // A wall board shows the user's own region: the whole of it when a wider one (the default,
    // the province) is asked for, and nothing outside it.
    let region = match crate::domain::access::listing_region(&start.user.scope, &region) {
        Some(region) => region.to_string(),
        None => {
            let message = format!(
                "xinfang: board --region {}: outside the region of {} ({})",
                crate::text::sanitise(&region),
                crate::text::sanitise(&start.user.name),
                crate::text::sanitise(&start.user.scope)
            );
            return Err(Box::new((start, message)));
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let Opened {
        registered,
        id,
        user,
        fingerprint,
        peer,
        size,
        write,
        pending,
        pump,
    } = open(hub, start, Control::Wall(Arc::clone(&stop)), &looks)?;
    let (keys_tx, mut keys) = mpsc::unbounded_channel::<Event>();
    let feed = Feed::Wall {
        tx: keys_tx.clone(),
        parser: Parser::default(),
        size: size.clone(),
        stop: Arc::clone(&stop),
    };
    let hub = Arc::clone(hub);
    // The wall board is a second model on the server's runtime, as each console is.
    tokio::spawn(async move {
        tracing::info!(session = id, user = %user.name, key = %fingerprint, %peer, "wall board opened");
        pending.push(&enter(false));
        let wake = keys_tx;
        let wake_size = size.clone();
        let screen = Screen::new(
            Arc::clone(&pending),
            Box::new(move || {
                let (w, h) = wake_size.get();
                let _ = wake.send(Event::Resize(w, h));
            }),
        );
        let options = crate::app::wall::WallOptions {
            location: hub.store.location(),
            rules: hub.options.rules.clone(),
            boards,
            rotate,
            lang: looks.lang,
            theme: looks.theme,
            region,
            today: hub.options.clock.fixed,
            repaint: Some(Arc::clone(&pending.repaint)),
            keymap: looks.keymap.clone(),
        };
        let source =
            crate::app::wall::Source::shared(Arc::clone(&hub.store), hub.options.rules.clone());
        let outcome = match ratatui::Terminal::new(LeanBackend::with_size(screen, size.cell())) {
            Ok(mut terminal) => {
                crate::app::wall::run_on(&mut terminal, &mut keys, &stop, &options, source).await
            }
            Err(e) => Err(e),
        };
        let goodbye = match &outcome {
            Err(e) => format!("xinfang: {}", crate::text::sanitise(&e.to_string())),
            Ok(()) => goodbye(&hub, looks.lang),
        };
        pending.push_always(&leave(&goodbye));
        pending.close();
        finish(pump).await;
        let _ = write.exit_status(u32::from(outcome.is_err())).await;
        let _ = write.eof().await;
        let _ = write.close().await;
        drop(registered);
        tracing::info!(session = id, user = %user.name, "wall board closed");
    });
    Ok(feed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_keys_is_cut_at_the_rate_limit() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut feed = Feed::console(tx, Arc::default(), Size::new(80, 24));
        let epoch = Instant::now();
        feed.bytes(&vec![b'j'; 5_000], epoch);
        let mut taken = 0;
        while rx.try_recv().is_ok() {
            taken += 1;
        }
        assert_eq!(taken, MAX_EVENTS_PER_SECOND as usize);
    }

    #[test]
    fn remote_commands_parse_and_bad_ones_say_why() {
        assert_eq!(parse_command(""), Ok(Command::Console));
        assert_eq!(parse_command("console"), Ok(Command::Console));
        let Ok(Command::Board {
            boards,
            rotate,
            region,
        }) = parse_command("board --boards map,map,warnings --rotate 2m --region 6401")
        else {
            panic!("a board command");
        };
        assert_eq!(boards, vec![BoardKind::Map, BoardKind::Warnings]);
        assert_eq!(rotate, Duration::from_secs(120));
        assert_eq!(region, "6401");
        assert_eq!(parse_command("rm -rf /").map_err(|a| a.status), Err(2));
        let error = parse_command("board --boards pie").expect_err("unknown board");
        assert!(error.text.contains("unknown board `pie`"), "{error:?}");
        let help = parse_command("help").expect_err("help");
        assert_eq!(help.status, 0);
        assert!(help.text.contains("board"), "{help:?}");
    }
}
