//! Two consoles in real terminals (tmux) on one PostgreSQL database: a change made in one appears
//! in the other; when the second loses its connection (through a TCP relay the test cuts, as a
//! server restart or a dropped network would) it shows "reconnecting", refuses a change with a
//! clear message and writes nothing, then recovers by itself and shows what changed meanwhile;
//! and both recover when the server terminates their sessions (`pg_terminate_backend`) and when
//! the link goes silent (bytes lost without a reset).
//! Needs PostgreSQL (`XINFANG_TEST_PG`) and tmux; without them it says it was skipped — except
//! under `CI=true`, where either missing is a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::pg::{Schema, server};
use common::tmux::{Tmux, require_tmux};
use common::{demo_db, stdout, xinfang};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xinfang::domain::Rules;

/// A TCP relay to the server that the test can cut (every connection closed, new ones dropped),
/// freeze (bytes silently lost, new connections never answered: a network gone quiet) and restore.
struct Relay {
    port: u16,
    cut: Arc<AtomicBool>,
    frozen: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

/// Copies `from` to `to` until either closes; while `frozen`, what arrives is dropped.
fn pump(mut from: TcpStream, mut to: TcpStream, frozen: Arc<AtomicBool>) {
    let mut buffer = [0u8; 16384];
    while let Ok(n) = from.read(&mut buffer) {
        if n == 0 {
            break;
        }
        if !frozen.load(Ordering::SeqCst) && to.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
}

impl Relay {
    fn start(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let cut = Arc::new(AtomicBool::new(false));
        let frozen = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (cut_flag, frozen_flag, streams) =
            (Arc::clone(&cut), Arc::clone(&frozen), Arc::clone(&open));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if cut_flag.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                if frozen_flag.load(Ordering::SeqCst) {
                    // Held open and never answered.
                    streams.lock().unwrap().push(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let mut kept = streams.lock().unwrap();
                for stream in [&client, &server] {
                    kept.push(stream.try_clone().expect("clone"));
                }
                for (from, to) in [
                    (
                        client.try_clone().expect("clone"),
                        server.try_clone().expect("clone"),
                    ),
                    (server, client),
                ] {
                    let frozen = Arc::clone(&frozen_flag);
                    std::thread::spawn(move || pump(from, to, frozen));
                }
            }
        });
        Relay {
            port,
            cut,
            frozen,
            open,
        }
    }

    fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.frozen.store(false, Ordering::SeqCst);
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// The number after `label` on a console screen's queue list (none while an overlay hides it).
fn count(screen: &str, label: &str) -> Option<u64> {
    let line = screen.lines().find(|l| l.contains(label))?;
    let after = &line[line.find(label)? + label.len()..];
    after
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

/// Waits until `label`'s count on session `target` is `want`; returns how long it took.
fn wait_count(tmux: &Tmux, target: &str, label: &str, want: u64) -> Duration {
    let started = Instant::now();
    loop {
        let screen = tmux.screen_of(target);
        if count(&screen, label) == Some(want) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{target}: `{label}` never became {want}:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until `label`'s count on session `target` is no longer `was`; returns the new count.
fn changed_count(tmux: &Tmux, target: &str, label: &str, was: u64) -> u64 {
    let started = Instant::now();
    loop {
        let screen = tmux.screen_of(target);
        if let Some(now) = count(&screen, label).filter(|n| *n != was) {
            return now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{target}: `{label}` stayed {was}:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn console(tmux: &Tmux, name: &str, url: &str) {
    let command = format!(
        "LANG=en_US.UTF-8 {} --db '{url}' --today 2026-11-24 --user zhao.lei; echo EXITED=$?; sleep 60",
        env!("CARGO_BIN_EXE_xinfang"),
    );
    let args = ["-d", "-s", name, "-x", "130", "-y", "36", &command];
    tmux.run(&[&["new-session"][..], &args[..]].concat());
    tmux.wait_on(name, "live");
    // The whole queue, so that a case is selected.
    tmux.keys_on(name, &[":"]);
    tmux.wait_on(name, "Command palette");
    tmux.keys_on(name, &["-l", "queue all"]);
    tmux.keys_on(name, &["Enter"]);
    tmux.wait_on(name, "Cases · All");
}

/// Toggles supervision of the selected case (a supervisor's step, the fifth in the step list).
fn toggle_supervision(tmux: &Tmux, name: &str) {
    tmux.keys_on(name, &["s"]);
    tmux.wait_on(name, "Take a step");
    tmux.keys_on(name, &["Down", "Down", "Down", "Down"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux.keys_on(name, &["Enter"]);
}

#[test]
fn consoles_on_postgresql_see_each_others_changes_and_recover_from_a_lost_connection() {
    if !require_tmux() {
        return;
    }
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "live");
    let (_dir, path) = demo_db(800, 4);
    xinfang::store::copy::copy(path.to_str().unwrap(), &schema.url(), &Rules::default())
        .expect("copy");
    let config = postgres::Config::from_str(&base).expect("url");
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(name)) => name.clone(),
        _ => "127.0.0.1".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let relay = Relay::start(format!("{host}:{port}"));
    let relayed = format!(
        "postgres://{}@127.0.0.1:{}/{}?sslmode=disable&options=-csearch_path%3D{}&application_name={}",
        config.get_user().unwrap_or("postgres"),
        relay.port,
        config.get_dbname().unwrap_or("test"),
        schema.name,
        schema.name
    );
    let tmux = Tmux::new("pglive");
    // The consoles' sessions carry the schema's name, so that only they are terminated below.
    let named = format!("{}&application_name={}", schema.url(), schema.name);
    console(&tmux, "a", &named);
    console(&tmux, "b", &relayed);
    let supervised = count(&tmux.screen_of("a"), "Supervised").expect("a's count");
    wait_count(&tmux, "b", "Supervised", supervised);

    // A change in one console appears in the other.
    toggle_supervision(&tmux, "a");
    tmux.wait_on("a", "✓");
    // The counts reload just after the step's message: supervision went on or off.
    let now = changed_count(&tmux, "a", "Supervised", supervised);
    assert_eq!(now.abs_diff(supervised), 1);
    let took = wait_count(&tmux, "b", "Supervised", now);
    eprintln!("the other console showed the change after {took:?}");

    // The second console's connection is lost: it says so and keeps its last numbers.
    relay.cut();
    let screen = tmux.wait_on("b", "reconnecting since");
    assert_eq!(count(&screen, "Supervised"), Some(now));
    // Meanwhile the first console changes the case back.
    toggle_supervision(&tmux, "a");
    wait_count(&tmux, "a", "Supervised", supervised);
    // A change tried while disconnected is refused clearly and nothing is written.
    let events = |url: &str| {
        let out = xinfang(&["--db", url, "audit", "verify"]);
        assert!(out.status.success(), "{}", stdout(&out));
        stdout(&out)
    };
    let before = events(&schema.url());
    toggle_supervision(&tmux, "b");
    tmux.wait_on("b", "nothing was written");
    // The refused form stays open with its answers for another try; Esc puts it away.
    tmux.keys_on("b", &["Escape"]);
    assert_eq!(
        events(&schema.url()),
        before,
        "the refused change wrote nothing"
    );

    // The connection comes back: the console recovers by itself and shows the change it missed.
    relay.restore();
    let took = wait_count(&tmux, "b", "Supervised", supervised);
    tmux.wait_on("b", "live");
    eprintln!("the reconnected console caught up after {took:?}");

    // The consoles' sessions are terminated (`pg_terminate_backend`): both consoles
    // reconnect by themselves, and a change in one still reaches the other.
    let mut admin = schema.client();
    let killed = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1 AND pid <> pg_backend_pid()",
            &[&schema.name],
        )
        .expect("terminate")
        .len();
    assert!(
        killed >= 4,
        "each console has a listening and a pooled connection: {killed}"
    );
    tmux.wait_on("a", "live");
    toggle_supervision(&tmux, "b");
    let now = changed_count(&tmux, "b", "Supervised", supervised);
    let took = wait_count(&tmux, "a", "Supervised", now);
    eprintln!("after pg_terminate_backend, a change reached the other console after {took:?}");

    // The network goes quiet: no reset, bytes simply lost. The relayed console notices on its
    // own (the listening connection's probe gets no answer) and says it is reconnecting.
    tmux.wait_on("b", "live");
    relay.freeze();
    let started = Instant::now();
    tmux.wait_on("b", "reconnecting since");
    eprintln!("a silent link was noticed after {:?}", started.elapsed());
    toggle_supervision(&tmux, "a");
    let now = changed_count(&tmux, "a", "Supervised", now);
    // The link comes back (its stale connections closed): the console catches up.
    relay.cut();
    relay.restore();
    let took = wait_count(&tmux, "b", "Supervised", now);
    tmux.wait_on("b", "live");
    eprintln!("after the silent link came back, the console caught up after {took:?}");
    let _ = std::io::stderr().flush();
}

#[test]
fn a_wall_board_on_postgresql_shows_a_new_case_by_itself() {
    if !require_tmux() {
        return;
    }
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "wall");
    let (_dir, path) = demo_db(400, 6);
    xinfang::store::copy::copy(path.to_str().unwrap(), &schema.url(), &Rules::default())
        .expect("copy");
    let tmux = Tmux::new("pgwall");
    let command = format!(
        "LANG=en_US.UTF-8 {} --db '{}' --today 2026-11-24 board --boards overview; sleep 60",
        env!("CARGO_BIN_EXE_xinfang"),
        schema.url()
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "w",
        "-x",
        "120",
        "-y",
        "32",
        &command,
    ]);
    let screen = tmux.wait_on("w", "Cases received");
    let today = count(&screen, "Cases received").expect("today's intake");
    // Another program registers a case received today.
    let store = xinfang::store::open(
        &schema.url(),
        Rules::default(),
        xinfang::store::OpenMode::ReadWrite,
    )
    .expect("open");
    let mut intake = store.case(1).expect("read").expect("case 1").case.intake;
    intake.received_on = common::today();
    store
        .register(&intake, "li.na", common::now())
        .expect("register");
    let took = wait_count(&tmux, "w", "Cases received", today + 1);
    eprintln!("the wall board showed the new case after {took:?}");
}

#[test]
fn a_wall_boards_source_keeps_a_reconnecting_store_and_recovers_with_it() {
    let Some(base) = server() else { return };
    let schema = Schema::new(&base, "source");
    let (_dir, path) = demo_db(200, 9);
    xinfang::store::copy::copy(path.to_str().unwrap(), &schema.url(), &Rules::default())
        .expect("copy");
    let config = postgres::Config::from_str(&base).expect("url");
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let relay = Relay::start(format!("127.0.0.1:{port}"));
    let relayed = format!(
        "postgres://{}@127.0.0.1:{}/{}?sslmode=disable&options=-csearch_path%3D{}",
        config.get_user().unwrap_or("postgres"),
        relay.port,
        config.get_dbname().unwrap_or("test"),
        schema.name
    );
    let mut source = xinfang::app::wall::Source::new(&relayed, Rules::default());
    let head = source.head().expect("head");
    assert!(!source.is_reconnecting());
    relay.cut();
    let until = Instant::now() + Duration::from_secs(20);
    let error = loop {
        if let Err(e) = source.head() {
            break e;
        }
        assert!(
            Instant::now() < until,
            "the lost connection was never noticed"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(error.en.contains("no connection"), "{}", error.en);
    assert!(
        source.is_reconnecting(),
        "the store reconnects by itself, so the source keeps it"
    );
    relay.restore();
    let until = Instant::now() + Duration::from_secs(20);
    while source.head().is_err() {
        assert!(Instant::now() < until, "the store never came back");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(source.head().expect("head"), head);
    assert!(!source.is_reconnecting());
}
