//! The real binary in a real terminal (tmux): start it, type keys, read the screen, then drop the
//! session's terminal (SIGHUP) and check that the process exits, the terminal left the alternate
//! screen, and the database passes `db check`. Without tmux this test says it was skipped —
//! except under `CI=true`, where a missing tmux is a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::tmux::{Tmux, require_tmux};
use common::{demo_db, stdout, xinfang};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn start(tmux: &Tmux, db: &Path, extra: &str, width: u16, height: u16) {
    let command = format!(
        "LANG=en_US.UTF-8 {} --db {} --today 2026-11-24 --user zhao.lei {extra}; echo EXITED=$?; sleep 60",
        env!("CARGO_BIN_EXE_xinfang"),
        db.display()
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        &width.to_string(),
        "-y",
        &height.to_string(),
        &command,
    ]);
}

#[test]
fn the_console_runs_in_a_real_terminal_and_survives_an_ssh_drop() {
    if !require_tmux() {
        return;
    }
    let (_dir, db) = demo_db(3000, 1);
    let tmux = Tmux::new("main");
    start(&tmux, &db, "", 120, 40);
    tmux.wait_for("In handling");
    tmux.wait_for("live");
    tmux.keys(&["1", "j", "j", "2"]);
    tmux.wait_for("Cases · Awaiting acceptance");
    tmux.keys(&["?"]);
    tmux.wait_for("Keys");
    tmux.keys(&["Escape"]);
    // Esc and a letter sent together arrive as one Alt sequence; a person types them apart.
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["L"]);
    let screen = tmux.wait_for("队列");
    assert!(screen.contains("待受理"), "{screen}");
    tmux.keys(&[":"]);
    tmux.wait_for("命令面板");
    tmux.keys(&[
        "q", "u", "e", "u", "e", " ", "b", "a", "c", "k", "l", "o", "g", "Enter",
    ]);
    tmux.wait_for("信访件 · 积案");
    // Resize down to 80x24 and back.
    tmux.run(&["resize-window", "-t", "t", "-x", "80", "-y", "24"]);
    tmux.wait_for("积案");
    tmux.run(&["resize-window", "-t", "t", "-x", "120", "-y", "40"]);
    tmux.wait_for("详情");
    // The SSH connection drops: the terminal's process group gets SIGHUP.
    let pid = tmux.run(&["display-message", "-p", "-t", "t", "#{pane_pid}"]);
    let shell: i32 = pid.trim().parse().expect("pane pid");
    let children = Command::new("pgrep")
        .args(["-P", &shell.to_string(), "xinfang"])
        .output()
        .expect("pgrep");
    let console = String::from_utf8_lossy(&children.stdout).trim().to_string();
    assert!(
        !console.is_empty(),
        "the console runs under the pane's shell"
    );
    Command::new("kill")
        .args(["-HUP", &console])
        .status()
        .expect("kill");
    let screen = tmux.wait_for("EXITED=");
    assert!(
        screen.contains("EXITED=0"),
        "exits cleanly on SIGHUP:\n{screen}"
    );
    let alternate = tmux.run(&["display-message", "-p", "-t", "t", "#{alternate_on}"]);
    assert_eq!(
        alternate.trim(),
        "0",
        "the terminal left the alternate screen"
    );
    let check = xinfang(&["--db", db.to_str().expect("utf-8"), "db", "check"]);
    assert!(check.status.success(), "{}", stdout(&check));
}

#[test]
fn quit_ctrl_c_and_a_bad_keymap_in_a_real_terminal() {
    if !require_tmux() {
        return;
    }
    let (dir, db) = demo_db(500, 2);
    let keymap = dir.path().join("mine.toml");
    std::fs::write(
        &keymap,
        "[table]\n\"j\" = \"select-next\"\n\"k\" = \"fly-away\"\n",
    )
    .expect("write");
    let tmux = Tmux::new("keys");
    start(
        &tmux,
        &db,
        &format!("--keymap {} --theme mono", keymap.display()),
        100,
        30,
    );
    let screen = tmux.wait_for("keymap problems");
    assert!(
        screen.contains("mine.toml:3: unknown action `fly-away`"),
        "{screen}"
    );
    tmux.keys(&["C-c"]);
    let screen = tmux.wait_for("EXITED=");
    assert!(screen.contains("EXITED=0"), "{screen}");
    let alternate = tmux.run(&["display-message", "-p", "-t", "t", "#{alternate_on}"]);
    assert_eq!(alternate.trim(), "0");
}

#[test]
fn the_wall_board_rotates_writes_nothing_and_survives_its_database_going_away() {
    if !require_tmux() {
        return;
    }
    let (_dir, db) = demo_db(3000, 1);
    let before = common::fingerprint(&db);
    let tmux = Tmux::new("wall");
    start(&tmux, &db, "board --rotate 2s", 80, 24);
    // Every board comes round in turn, with the clock and the time of the numbers.
    for (at, heading) in [
        ("1/6", "Timely acceptance"),
        ("2/6", "Five duties"),
        ("3/6", "Cleared per day"),
        ("4/6", "Indicator"),
        ("5/6", "units with deadlines"),
        ("6/6", "Today in brief"),
    ] {
        let screen = tmux.wait_for(&format!("· {at} ·"));
        let screen = if screen.contains(heading) {
            screen
        } else {
            tmux.wait_for(heading)
        };
        assert!(screen.contains("updated"), "{screen}");
        assert!(screen.contains("2026-11-24"), "the clock shows:\n{screen}");
    }
    // The database file goes away: the last numbers stay, marked stale; the board keeps running.
    let aside = db.with_extension("aside");
    std::fs::rename(&db, &aside).expect("move the database away");
    let screen = tmux.wait_for("stale since");
    assert!(screen.contains("not found"), "{screen}");
    std::thread::sleep(Duration::from_secs(3));
    assert!(!tmux.screen().contains("EXITED"), "never exits on an error");
    // It comes back: the board recovers by itself.
    std::fs::rename(&aside, &db).expect("put the database back");
    let started = Instant::now();
    loop {
        let screen = tmux.screen();
        if !screen.contains("stale since") && screen.contains("updated") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never recovered:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXITED=");
    assert!(screen.contains("EXITED=0"), "{screen}");
    assert_eq!(
        common::fingerprint(&db),
        before,
        "the wall board wrote nothing"
    );
}

#[test]
fn the_wall_board_leaves_when_its_terminal_goes_away() {
    if !require_tmux() {
        return;
    }
    let (_dir, db) = demo_db(500, 2);
    let tmux = Tmux::new("wallgone");
    start(&tmux, &db, "board --rotate 2s", 80, 24);
    tmux.wait_for("updated");
    let running = || {
        Command::new("pgrep")
            .args(["-f", &format!("xinfang --db {} ", db.display())])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    assert!(running());
    // The terminal disappears (the tmux server dies, as a closed SSH session's pty does).
    tmux.run(&["kill-server"]);
    let started = Instant::now();
    while running() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the wall board outlived its terminal"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_paste_keeps_its_lines_and_never_submits_and_a_settings_notice_names_its_file() {
    if !require_tmux() {
        return;
    }
    let (dir, db) = demo_db(3000, 1);
    let settings = dir.path().join("bureau-settings.toml");
    std::fs::write(&settings, "theme = \"neon\"\n").expect("settings");
    let tmux = Tmux::new("paste");
    start(
        &tmux,
        &db,
        &format!("--config {}", settings.display()),
        120,
        40,
    );
    // The notice names the file that was read, not a generic name.
    let screen = tmux.wait_for("theme `neon`");
    assert!(screen.contains("bureau-settings.toml"), "{screen}");
    tmux.keys(&["1", "j", "2"]);
    tmux.wait_for("Petitioner");
    tmux.keys(&["s"]);
    tmux.wait_for("Take a step");
    tmux.keys(&["n", "o", "t", "e", "Enter"]);
    tmux.wait_for("note");
    // A bracketed paste of two lines: both kept, and the newline is not Enter.
    tmux.run(&["set-buffer", "-b", "two", "第一行\n第二行\n"]);
    tmux.run(&["paste-buffer", "-p", "-b", "two", "-t", "t"]);
    let screen = tmux.wait_for("第一行␊第二行");
    assert!(
        screen.contains("Take a step"),
        "the form is still open:\n{screen}"
    );
    tmux.keys(&["Escape"]);
}
