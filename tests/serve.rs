//! `xinfang serve` with the real OpenSSH client over loopback, driven in tmux: users known by
//! their keys see their own scopes; unknown keys and commands are refused; a change made in one
//! session shows in another; resizing redraws; a killed client leaves the server and the
//! database sound; SIGTERM restores every session's terminal; an idle console is closed. Without
//! ssh or tmux these tests say they were skipped — except under `CI=true`, where that is a
//! failure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::tmux::{Tmux, require_tmux};
use common::{demo_db, stderr, stdout, xinfang};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn require_ssh() -> bool {
    let found = |tool: &str, arg: &str| {
        Command::new(tool)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success() || !o.stderr.is_empty())
    };
    if found("ssh", "-V") && found("ssh-keygen", "-?") {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("the OpenSSH client is required when CI=true (apt-get install -y openssh-client)");
    }
    eprintln!("skipped: the OpenSSH client (ssh, ssh-keygen) is not installed");
    false
}

/// A new Ed25519 key pair `dir/name`, `dir/name.pub`.
fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen");
    assert!(status.success());
    key
}

fn add_key(db: &Path, user: &str, key: &Path) {
    let public = format!("{}.pub", key.display());
    let output = xinfang(&[
        "--db",
        db.to_str().unwrap(),
        "--user",
        "admin",
        "user",
        "add-key",
        user,
        "--file",
        &public,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
}

/// A running `xinfang serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(db: &Path, dir: &Path, extra: &[&str]) -> Server {
        let log = dir.join("serve.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_xinfang"))
            .args(["--today", "2026-11-24", "--db"])
            .arg(db)
            // Port 0: the server takes a free port and says which.
            .args(["serve", "--listen", "127.0.0.1:0", "--host-key"])
            .arg(dir.join("host_key"))
            .arg("--log")
            .arg(&log)
            .args(extra)
            .env("XDG_CONFIG_HOME", dir.join("no-config"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start xinfang serve");
        let out = child.stdout.take().expect("stdout");
        let mut first = String::new();
        let mut reader = std::io::BufReader::new(out);
        reader.read_line(&mut first).expect("read");
        // The rest of its output is read (and dropped) until it ends.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        assert!(first.contains("xinfang serve:"), "did not start: {first}");
        let port = first
            .split(" on 127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {first}"));
        Server { child, port, log }
    }

    /// The shell command that opens `remote` as the owner of `key`.
    fn ssh(&self, key: &Path, lang: &str, remote: &str) -> String {
        format!(
            "ssh -p {} -t -i {} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no \
             -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o SetEnv=LANG={lang} 127.0.0.1 {remote}; \
             echo SSH-EXIT=$?; sleep 60",
            self.port,
            key.display()
        )
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the process to end.
    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(started.elapsed() < Duration::from_secs(15), "no exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn open(tmux: &Tmux, name: &str, width: u16, height: u16, command: &str) {
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        &width.to_string(),
        "-y",
        &height.to_string(),
        command,
    ]);
}

/// The count a queue row shows (`Supervised           4`).
fn count_of(screen: &str, queue: &str) -> u64 {
    screen
        .lines()
        .find_map(|line| {
            let at = line.find(queue)?;
            line[at + queue.len()..]
                .split(|c: char| !c.is_ascii_digit())
                .find(|w| !w.is_empty())
                .and_then(|w| w.parse().ok())
        })
        .unwrap_or_else(|| panic!("no queue {queue}:\n{screen}"))
}

#[test]
fn two_users_see_their_own_scopes_and_a_change_in_one_shows_in_the_other() {
    if !require_tmux() || !require_ssh() {
        return;
    }
    let (dir, db) = demo_db(3000, 1);
    let li = keygen(dir.path(), "li");
    let zhao = keygen(dir.path(), "zhao");
    add_key(&db, "li.na", &li);
    add_key(&db, "zhao.lei", &zhao);
    let server = Server::start(&db, dir.path(), &[]);
    let tmux = Tmux::new("serve-scopes");
    open(&tmux, "li", 120, 40, &server.ssh(&li, "en_US.UTF-8", ""));
    open(
        &tmux,
        "zhao",
        120,
        40,
        &server.ssh(&zhao, "zh_CN.UTF-8", ""),
    );
    open(
        &tmux,
        "zhao2",
        120,
        40,
        &server.ssh(&zhao, "en_US.UTF-8", ""),
    );
    // Each console is its key's user, in their language, with search ready at once.
    tmux.wait_on("li", "user li.na (operator)");
    tmux.wait_on("zhao", "用户 zhao.lei (督办员)");
    tmux.wait_on("zhao2", "user zhao.lei");
    // Counts loaded: the status bar says the numbers are live.
    let li_screen = tmux.wait_on("li", "live");
    let zhao_screen = tmux.wait_on("zhao", "实时");
    tmux.wait_on("zhao2", "live");
    // li.na works in Yinchuan (6401), zhao.lei in the whole province.
    let li_all = count_of(&li_screen, "All");
    let zhao_all = count_of(&zhao_screen, "全部");
    assert!(
        li_all > 0 && li_all < zhao_all,
        "li {li_all}, zhao {zhao_all}"
    );
    tmux.keys_on("li", &["/"]);
    tmux.keys_on("li", &["工", "资"]);
    tmux.wait_on("li", "match");
    tmux.keys_on("li", &["Escape"]);
    // A change in one session reaches the other within a second.
    let before = count_of(&tmux.wait_on("zhao2", "Supervised"), "Supervised");
    tmux.keys_on("zhao", &["1", "j", "2"]);
    tmux.wait_on("zhao", "待转送 ·");
    tmux.keys_on("zhao", &["s"]);
    tmux.wait_on("zhao", "办理步骤");
    for key in ["s", "u", "p", "e", "r", "v", "i", "s", "e", "Enter"] {
        tmux.keys_on("zhao", &[key]);
    }
    // The step is done in its own session first (on or off, whichever it was), and its own
    // count follows.
    tmux.wait_on("zhao", "✓");
    let started = Instant::now();
    let after = loop {
        let screen = tmux.screen_of("zhao");
        let now = count_of(&screen, "督办");
        if now != before {
            break now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the step did not change the count:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let started = Instant::now();
    loop {
        let now = count_of(&tmux.screen_of("zhao2"), "Supervised");
        if now == after {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the other session still shows {now} supervised (was {before}, now {after})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The step is on the audit chain under the key's user.
    let actor: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT actor FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the newest event");
    assert_eq!(actor, "zhao.lei");
    // A resize redraws at the new size.
    tmux.run(&["resize-window", "-t", "li", "-x", "80", "-y", "24"]);
    let started = Instant::now();
    loop {
        let screen = tmux.screen_of("li");
        let bottom = screen.lines().nth(23).unwrap_or("");
        if bottom.contains("li.na") && screen.lines().all(|l| l.chars().count() <= 80) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "not redrawn at 80×24:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.keys_on("li", &["q"]);
    let screen = tmux.wait_on("li", "SSH-EXIT=0");
    assert!(screen.contains("xinfang: goodbye"), "{screen}");
    let log = server.log();
    assert!(log.contains("login user=li.na"), "{log}");
    assert!(log.contains("console closed session="), "{log}");
    // The log names keys by fingerprint and never holds one.
    let public = std::fs::read_to_string(format!("{}.pub", li.display())).unwrap();
    let body = public.split_whitespace().nth(1).unwrap();
    assert!(!log.contains(body), "a key in the log:\n{log}");
}

#[test]
fn unknown_keys_and_commands_are_refused_and_a_wall_board_opens() {
    if !require_tmux() || !require_ssh() {
        return;
    }
    let (dir, db) = demo_db(2000, 2);
    let zhao = keygen(dir.path(), "zhao");
    let li = keygen(dir.path(), "li");
    let stranger = keygen(dir.path(), "stranger");
    add_key(&db, "zhao.lei", &zhao);
    add_key(&db, "li.na", &li);
    let server = Server::start(&db, dir.path(), &[]);
    let tmux = Tmux::new("serve-refuse");
    open(
        &tmux,
        "x",
        100,
        30,
        &server.ssh(&stranger, "en_US.UTF-8", ""),
    );
    let screen = tmux.wait_on("x", "SSH-EXIT=255");
    assert!(screen.contains("Permission denied"), "{screen}");
    assert!(
        server.log().contains("refused: unknown key"),
        "{}",
        server.log()
    );
    open(
        &tmux,
        "bad",
        100,
        30,
        &server.ssh(&zhao, "en_US.UTF-8", "rm -rf /"),
    );
    let screen = tmux.wait_on("bad", "SSH-EXIT=2");
    assert!(screen.contains("unrecognized subcommand"), "{screen}");
    // Help is an answer, not a refusal.
    open(
        &tmux,
        "help",
        100,
        30,
        &server.ssh(&zhao, "en_US.UTF-8", "help"),
    );
    let screen = tmux.wait_on("help", "SSH-EXIT=0");
    assert!(screen.contains("board"), "{screen}");
    // Without a terminal there is no console, and the client is told how to ask for one.
    let command = server
        .ssh(&zhao, "en_US.UTF-8", "")
        .replacen(" -t ", " -T ", 1);
    open(&tmux, "nopty", 100, 30, &command);
    let screen = tmux.wait_on("nopty", "SSH-EXIT=1");
    assert!(screen.contains("needs a terminal"), "{screen}");
    // A wall board shows its user's region at most.
    let command = server.ssh(&li, "en_US.UTF-8", "board --region 6402");
    open(&tmux, "outside", 100, 30, &command);
    let screen = tmux.wait_on("outside", "SSH-EXIT=1");
    assert!(
        screen.contains("outside the region of li.na (6401)"),
        "{screen}"
    );
    // A wall board turns on its own, and by the keymap's board keys (here vim's, which the
    // client asks for).
    let wall = server
        .ssh(
            &zhao,
            "en_US.UTF-8",
            "board --boards map,warnings --rotate 1h",
        )
        .replacen(
            "SetEnv=LANG=en_US.UTF-8",
            "SetEnv=\"LANG=en_US.UTF-8 XINFANG_KEYMAP=vim\"",
            1,
        );
    open(&tmux, "wall", 100, 30, &wall);
    tmux.wait_on("wall", "County map");
    tmux.wait_on("wall", "1/2");
    tmux.keys_on("wall", &["l"]);
    tmux.wait_on("wall", "2/2");
    tmux.keys_on("wall", &["h"]);
    tmux.wait_on("wall", "1/2");
    tmux.keys_on("wall", &["q"]);
    let screen = tmux.wait_on("wall", "SSH-EXIT=0");
    assert!(screen.contains("goodbye"), "{screen}");
}

#[test]
fn sigterm_restores_every_terminal_and_a_killed_client_leaves_everything_sound() {
    if !require_tmux() || !require_ssh() {
        return;
    }
    let (dir, db) = demo_db(2000, 3);
    let zhao = keygen(dir.path(), "zhao");
    add_key(&db, "zhao.lei", &zhao);
    let mut server = Server::start(&db, dir.path(), &[]);
    let tmux = Tmux::new("serve-term");
    // A client killed mid-session: the server goes on.
    open(
        &tmux,
        "killed",
        100,
        30,
        &server.ssh(&zhao, "en_US.UTF-8", ""),
    );
    tmux.wait_on("killed", "user zhao.lei");
    let pid = tmux.run(&["display", "-p", "-t", "killed", "#{pane_pid}"]);
    Command::new("pkill")
        .args(["-KILL", "-P", pid.trim(), "ssh"])
        .status()
        .expect("pkill");
    tmux.wait_on("killed", "SSH-EXIT=");
    // (Names that are no prefix of a window name: tmux looks a target up as a window first.)
    for name in ["c1", "c2"] {
        open(&tmux, name, 100, 30, &server.ssh(&zhao, "en_US.UTF-8", ""));
    }
    open(
        &tmux,
        "wb",
        100,
        30,
        &server.ssh(&zhao, "en_US.UTF-8", "board"),
    );
    tmux.wait_on("c1", "user zhao.lei");
    tmux.wait_on("c2", "user zhao.lei");
    tmux.wait_on("wb", "Overview");
    for name in ["c1", "c2", "wb"] {
        assert_eq!(
            tmux.run(&["display", "-p", "-t", name, "#{alternate_on}"])
                .trim(),
            "1"
        );
    }
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    for name in ["c1", "c2", "wb"] {
        let screen = tmux.wait_on(name, "SSH-EXIT=");
        assert!(
            screen.contains("the server is stopping"),
            "{name} is not told why:\n{screen}"
        );
        assert_eq!(
            tmux.run(&["display", "-p", "-t", name, "#{alternate_on}"])
                .trim(),
            "0",
            "{name} is still on the alternate screen"
        );
    }
    let log = server.log();
    assert!(log.contains("stopping") && log.contains("stopped"), "{log}");
    let db = db.to_str().unwrap();
    for check in [&["db", "check"][..], &["audit", "verify"][..]] {
        let output = xinfang(&[&["--db", db][..], check].concat());
        assert!(
            output.status.success(),
            "{}{}",
            stdout(&output),
            stderr(&output)
        );
    }
}

#[test]
fn an_idle_console_is_closed_and_told_why() {
    if !require_tmux() || !require_ssh() {
        return;
    }
    let (dir, db) = demo_db(1000, 4);
    let zhao = keygen(dir.path(), "zhao");
    add_key(&db, "zhao.lei", &zhao);
    let server = Server::start(&db, dir.path(), &["--idle-timeout", "2s"]);
    let tmux = Tmux::new("serve-idle");
    open(&tmux, "i", 100, 30, &server.ssh(&zhao, "en_US.UTF-8", ""));
    tmux.wait_on("i", "user zhao.lei");
    let screen = tmux.wait_on("i", "SSH-EXIT=");
    assert!(
        screen.contains("closed after 2 s without a key"),
        "{screen}"
    );
}

#[test]
fn keys_are_kept_on_both_backends_on_the_audit_chain_and_refused_when_bad() {
    if !require_ssh() {
        return;
    }
    let (dir, db) = demo_db(500, 5);
    let li = keygen_or_fixed(dir.path());
    let path = db.to_str().unwrap();
    let mut locations = vec![path.to_string()];
    // A key added before `db copy` goes with the database.
    let zhao = keygen(dir.path(), "zhao");
    add_key(&db, "zhao.lei", &zhao);
    let schema = common::pg::server().map(|base| common::pg::Schema::new(&base, "serve_keys"));
    if let Some(schema) = &schema {
        let copied = xinfang(&["db", "copy", "--from", path, "--to", &schema.url()]);
        assert!(copied.status.success(), "{}", stderr(&copied));
        let on_sqlite = stdout(&xinfang(&["--db", path, "user", "keys", "zhao.lei"]));
        let on_postgres = stdout(&xinfang(&[
            "--db",
            &schema.url(),
            "user",
            "keys",
            "zhao.lei",
        ]));
        assert!(on_sqlite.contains("SHA256:"), "{on_sqlite}");
        assert_eq!(on_sqlite, on_postgres, "the key went with the copy");
        locations.push(schema.url());
    }
    for location in &locations {
        let run =
            |args: &[&str]| xinfang(&[&["--db", location, "--user", "admin"][..], args].concat());
        let added = run(&["user", "add-key", "li.na", "--key", &li]);
        assert!(added.status.success(), "{location}: {}", stderr(&added));
        let fingerprint = stdout(&added).split('\t').nth(1).unwrap().to_string();
        assert!(fingerprint.starts_with("SHA256:"));
        // A key belongs to one user.
        let again = run(&["user", "add-key", "wang.qiang", "--key", &li]);
        assert!(!again.status.success());
        assert!(
            stderr(&again).contains("belongs to `li.na`"),
            "{}",
            stderr(&again)
        );
        // Only admins change keys.
        let other = xinfang(&[
            "--db",
            location,
            "--user",
            "li.na",
            "user",
            "remove-key",
            "li.na",
            &fingerprint,
        ]);
        assert!(!other.status.success());
        let listed = run(&["user", "keys", "li.na"]);
        assert!(
            stdout(&listed).contains(&fingerprint),
            "{}",
            stdout(&listed)
        );
        assert!(run(&["audit", "verify"]).status.success());
        let removed = run(&["user", "remove-key", "li.na", &fingerprint]);
        assert!(removed.status.success(), "{}", stderr(&removed));
        assert!(!stdout(&run(&["user", "keys", "li.na"])).contains(&fingerprint));
        let verified = run(&["audit", "verify"]);
        assert!(verified.status.success(), "{}", stdout(&verified));
        // Bad keys change nothing and say why.
        for (bad, says) in [
            ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", "not a public key"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
            ("", "empty"),
        ] {
            let refused = run(&["user", "add-key", "li.na", "--key", bad]);
            assert!(!refused.status.success());
            assert!(
                stderr(&refused).contains(says),
                "{bad}: {}",
                stderr(&refused)
            );
            assert!(!stderr(&refused).contains("BEGIN"), "the key was echoed");
        }
        let missing = run(&["user", "add-key", "li.na", "--file", "/nonexistent/li.pub"]);
        assert!(
            stderr(&missing).contains("/nonexistent/li.pub"),
            "{}",
            stderr(&missing)
        );
    }
}

/// An Ed25519 public key line: made by ssh-keygen when there is one, else a fixed one.
fn keygen_or_fixed(dir: &Path) -> String {
    if Command::new("ssh-keygen").arg("-?").output().is_ok() {
        let key = keygen(dir, "li");
        return std::fs::read_to_string(format!("{}.pub", key.display())).unwrap();
    }
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl li".into()
}
