//! `config.toml`: where the database is and the configurable rules of domain.md.
//!
//! Unknown keys are errors, and every error names the file, the line and the problem. A missing
//! file at the default location is not an error (defaults apply); a missing file named on the
//! command line is.

use crate::domain::Rules;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The settings file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Database path (or URL), used when `--db` is not given.
    pub db: Option<String>,
    /// The configurable petition rules.
    pub rules: Rules,
    /// Keymap preset name (`default`, `vim`, `emacs`) or a keymap file path.
    pub keymap: Option<String>,
    /// Display language (`zh` or `en`); default from `LANG`.
    pub lang: Option<String>,
    /// Colour theme (`dark`, `light`, `mono`).
    pub theme: Option<String>,
    /// Clicks and the wheel in the console (default on).
    pub mouse: Option<bool>,
    /// Where the console's export key writes files (default: the directory it was started in).
    pub export_dir: Option<PathBuf>,
    /// User-defined queues.
    #[serde(rename = "queue")]
    pub queues: Vec<crate::queues::QueueConfig>,
}

/// A settings file that cannot be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {detail}")]
    Read { path: String, detail: String },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: String,
        line: usize,
        message: String,
    },
}

/// The default settings file: `$XDG_CONFIG_HOME/xinfang/config.toml` or the platform equivalent.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("xinfang").join("config.toml"))
}

/// Parses settings text; `path` is only for messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        ConfigError::Invalid {
            path: path.display().to_string(),
            line,
            message: e.message().trim().to_string(),
        }
    })
}

/// Loads settings from `path` if given (it must exist), else from the default location if a file
/// is there, else defaults.
/// The settings file `load` reads: the one given, else the default one when it exists.
pub fn source(path: Option<&Path>) -> Option<std::path::PathBuf> {
    match path {
        Some(p) => Some(p.to_path_buf()),
        None => default_path().filter(|p| p.exists()),
    }
}

pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
    let (path, required) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok(Config::default()),
        },
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, &path),
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(ConfigError::Read {
            path: path.display().to_string(),
            detail: e.to_string(),
        }),
    }
}

/// Adds a `[[queue]]` entry at the end of the settings file at `path` (created, with its
/// directory, when missing), leaving everything already in it as it was. Refused, with nothing
/// written, when the file cannot be read or parsed, or already has a queue of that name. The new
/// file replaces the old in one step (written beside it, then renamed).
pub fn append_queue(path: &Path, entry: &crate::queues::QueueConfig) -> Result<(), String> {
    let shown = path.display().to_string();
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{shown}: {e}")),
    };
    let before = parse(&old, path).map_err(|e| e.to_string())?;
    if before.queues.iter().any(|q| q.name == entry.name) {
        return Err(format!("{shown}: a queue named `{}` exists", entry.name));
    }
    let table = toml::to_string(entry).map_err(|e| format!("{shown}: {e}"))?;
    let mut text = old;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str("[[queue]]\n");
    text.push_str(&table);
    // What is written must read back as the same settings plus this queue.
    let after = parse(&text, path).map_err(|e| e.to_string())?;
    if after.queues.last() != Some(entry) {
        return Err(format!("{shown}: the queue would not read back as written"));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".saving");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, &text).map_err(|e| format!("{}: {e}", temporary.display()))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("{shown}: {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_calendar_are_read() {
        let text = "db = \"/srv/xinfang.db\"\n[rules]\ndue_soon_days = 5\nroll_over = true\n\
                    [rules.calendar]\nholidays = [\"2026-10-01\", \"2026-10-02\"]\nworkdays = [\"2026-09-27\"]\n";
        let config = parse(text, Path::new("c.toml")).expect("valid config");
        assert_eq!(config.db.as_deref(), Some("/srv/xinfang.db"));
        assert_eq!(config.rules.due_soon_days, 5);
        assert!(config.rules.roll_over);
        assert_eq!(config.rules.calendar.holidays.len(), 2);
        assert_eq!(
            config.rules.backlog_open_days, 180,
            "unset keys keep their defaults"
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_name_file_and_line() {
        let err = parse(
            "[rules]\ndue_soon_days = 3\nroll_ovr = true\n",
            Path::new("c.toml"),
        )
        .expect_err("typo must be refused");
        let text = err.to_string();
        assert!(
            text.starts_with("c.toml:3: unknown field `roll_ovr`"),
            "{text}"
        );
        let err = parse(
            "[rules]\n\ndue_soon_days = \"three\"\n",
            Path::new("c.toml"),
        )
        .expect_err("wrong type must be refused");
        assert!(err.to_string().starts_with("c.toml:3: "), "{err}");
    }

    #[test]
    fn board_settings_are_read_and_a_typo_is_named() {
        let config = parse(
            "[rules.boards]\ngreen_percent = 98\ncluster_cases = 3\n",
            Path::new("c.toml"),
        )
        .expect("valid config");
        assert_eq!(config.rules.boards.green_percent, 98);
        assert_eq!(config.rules.boards.cluster_cases, 3);
        assert_eq!(
            config.rules.boards.amber_percent, 85,
            "unset keys keep defaults"
        );
        let err = parse(
            "[rules.boards]\ngreen_percent = 98\nsurge_pct = 40\n",
            Path::new("c.toml"),
        )
        .expect_err("typo must be refused");
        assert!(
            err.to_string()
                .starts_with("c.toml:3: unknown field `surge_pct`"),
            "{err}"
        );
    }
}
