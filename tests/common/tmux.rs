//! A real terminal for tests: a tmux server of its own per test. Without tmux a test says it was
//! skipped — except under `CI=true`, where a missing tmux is a failure.

#![allow(dead_code)] // each test file uses a part

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn require_tmux() -> bool {
    if tmux_available() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("tmux is required when CI=true (apt-get install -y tmux)");
    }
    eprintln!("skipped: tmux is not installed");
    false
}

/// A tmux server of its own, so tests never touch the user's sessions.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("xinfang-test-{name}-{}", std::process::id()),
        }
    }

    pub fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.screen_of("t")
    }

    /// The screen of session `target`.
    pub fn screen_of(&self, target: &str) -> String {
        self.run(&["capture-pane", "-p", "-t", target])
    }

    /// Waits until the screen contains `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_on("t", text)
    }

    /// Waits until the screen of session `target` contains `text`.
    pub fn wait_on(&self, target: &str, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen_of(target);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{target}: `{text}` never appeared:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn keys(&self, keys: &[&str]) {
        self.keys_on("t", keys);
    }

    /// Types `keys` into session `target`.
    pub fn keys_on(&self, target: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", target];
        args.extend(keys);
        self.run(&args);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}
