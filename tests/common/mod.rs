//! Helpers shared by the integration tests: demo databases in temporary directories, file
//! fingerprints, and running the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
#![allow(dead_code)]

pub mod browser;
pub mod console;
pub mod pg;
pub mod tmux;

use chrono::{NaiveDate, NaiveDateTime};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;
use xinfang::demo::{self, Options};
use xinfang::domain::Rules;

/// Writes an empty database at `path` as the first released schema (version 1) left it.
pub fn version_1_database(path: &Path) {
    old_database(path, 1);
}

/// Writes an empty database at `path` as schema version `version` left it.
pub fn old_database(path: &Path, version: usize) {
    let conn = rusqlite::Connection::open(path).expect("create");
    for sql in &xinfang::store::sqlite::schema::MIGRATIONS[..version] {
        conn.execute_batch(sql).expect("old schema");
    }
    conn.pragma_update(None, "user_version", version as u32)
        .expect("version");
    conn.pragma_update(
        None,
        "application_id",
        xinfang::store::sqlite::schema::APPLICATION_ID,
    )
    .expect("application id");
}

/// The fixed "today" every test uses, so results do not depend on the calendar.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("valid date")
}

/// The moment demo data ends at: 18:00 on `today()` (the CLI's `--today` uses the same).
pub fn now() -> NaiveDateTime {
    today().and_hms_opt(18, 0, 0).expect("valid time")
}

/// A fresh demo database of `cases` cases in a temporary directory.
pub fn demo_db(cases: u64, seed: u64) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("demo.db");
    let options = Options {
        cases,
        seed,
        now: now(),
    };
    demo::generate(&path, &options, Rules::default(), &|_| {}).expect("demo generation");
    (dir, path)
}

/// SHA-256 of a file and of its `-wal` log (an absent or empty log — which a reader may leave —
/// holds nothing), to prove that nothing was written.
pub fn fingerprint(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let log = std::fs::read(PathBuf::from(wal)).unwrap_or_default();
    let main = std::fs::read(path).expect("read file");
    format!(
        "{} {}",
        hex::encode(Sha256::digest(&main)),
        hex::encode(Sha256::digest(&log))
    )
}

/// Runs the `xinfang` binary with `args`, a fixed today, and no user settings file.
pub fn xinfang(args: &[&str]) -> Output {
    let empty_config = std::env::temp_dir().join("xinfang-tests-no-config");
    Command::new(env!("CARGO_BIN_EXE_xinfang"))
        .args(["--today", "2026-11-24"])
        .args(args)
        .env_remove("XINFANG_DB")
        .env_remove("XINFANG_CONFIG")
        .env("XDG_CONFIG_HOME", &empty_config)
        .output()
        .expect("run xinfang")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The text of a rendered buffer, one line per row with trailing blanks cut; a double-width
/// character is taken once (its second cell is skipped).
pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let mut screen = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        screen.push_str(line.trim_end());
        screen.push('\n');
    }
    screen
}

/// The OS login of this process, which is who xinfang says is running it.
pub fn login() -> String {
    nix::unistd::User::from_uid(nix::unistd::getuid())
        .expect("password database")
        .expect("this user has a login name")
        .name
}

/// A wage-arrears petition received today in `county`, with a full petitioner.
pub fn intake_in(county: &str) -> xinfang::domain::Intake {
    use xinfang::domain::{Category, Channel, Intake, Petitioner};
    Intake {
        channel: Channel::Visit,
        category: Some(Category::UnpaidWages),
        county: county.into(),
        township: "兴庆区某街道".into(),
        title: "拖欠工资".into(),
        summary: "某工地拖欠三名工人工资".into(),
        petitioner: Petitioner {
            name: "马某".into(),
            id_number: "640104199001011234".into(),
            phone: "13900000000".into(),
            address: "银川市兴庆区".into(),
        },
        persons: 3,
        involved: 3,
        threat: false,
        urgent: false,
        received_on: today(),
        accused: String::new(),
        accused_unit: None,
    }
}
