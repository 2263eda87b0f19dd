//! The console's export: the marked cases, or else the search results or the queue on screen,
//! written as CSV to the directory the console was started in, as the user's role sees them. The
//! file is written off the UI task; the status line says where it went.

use super::state::{Effect, Msg, Overlay, State};
use crate::transfer::export::Source;

/// The export action: what to write, and a name for the file.
pub fn begin(state: &mut State) -> Vec<Effect> {
    let (source, name) = if !state.marks.is_empty() {
        (
            Source::Ids(state.marks.keys().copied().collect()),
            "marked".to_string(),
        )
    } else if let Overlay::Search(search) = &state.overlay {
        if search.hits.is_empty() {
            state.status = Some(
                state
                    .lang
                    .pick("没有可导出的搜索结果", "no search results to export")
                    .into(),
            );
            return Vec::new();
        }
        (
            Source::Ids(search.hits.iter().map(|h| h.id).collect()),
            "search".to_string(),
        )
    } else if let Some(queue) = state.queue().filter(|_| !state.board_shown) {
        (
            Source::Queue {
                filter: queue.filter.clone(),
                sort: queue.sort,
                scope: state.scope.clone(),
            },
            queue.name.clone(),
        )
    } else {
        state.status = Some(
            state
                .lang
                .pick(
                    "看板本身不能导出：选一行按 Enter 下钻，再导出",
                    "a board itself cannot be exported: drill into a line with Enter, then export",
                )
                .into(),
        );
        return Vec::new();
    };
    state.status = Some(state.lang.pick("正在导出…", "exporting…").into());
    vec![Effect::Export {
        source,
        name,
        user: state.user.clone(),
        role: state.role,
        scope: state.scope.region.clone(),
        lang: state.lang,
        rules: Box::new(state.rules.clone()),
        dir: state.export_dir.clone(),
    }]
}

/// Says where the export went, or why it failed; `None` for any other message.
pub fn on_msg(state: &mut State, msg: &Msg) -> Option<Vec<Effect>> {
    let Msg::Exported { outcome } = msg else {
        return None;
    };
    state.status = Some(match (outcome, state.lang) {
        (Ok((n, path)), crate::i18n::Lang::Zh) => format!("已导出 {n} 件到 {path}"),
        (Ok((1, path)), crate::i18n::Lang::En) => format!("exported 1 case to {path}"),
        (Ok((n, path)), crate::i18n::Lang::En) => format!("exported {n} cases to {path}"),
        (Err(e), crate::i18n::Lang::Zh) => format!("导出失败：{e}"),
        (Err(e), crate::i18n::Lang::En) => format!("export failed: {e}"),
    });
    Some(Vec::new())
}

/// Where the console writes files: `export_dir` if set, else the directory it was started in
/// (else the temporary directory).
pub fn dir_or_default(dir: Option<std::path::PathBuf>) -> std::path::PathBuf {
    dir.or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(std::env::temp_dir)
}

/// A new file for `user`'s export of `name` made at `now`, in `dir`, created empty (mode 0600)
/// so that no other export — another session's in the same second — can write into it:
/// `xinfang-NAME-USER-TIME.csv`, with `-2`, `-3`… when taken.
pub fn new_file_in(
    dir: &std::path::Path,
    name: &str,
    user: &str,
    now: chrono::NaiveDateTime,
) -> std::io::Result<std::path::PathBuf> {
    use std::os::unix::fs::OpenOptionsExt;
    let safe = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let stem = format!(
        "xinfang-{}-{}-{}",
        safe(name),
        safe(user),
        now.format("%Y%m%d-%H%M%S")
    );
    for n in 1..1000 {
        let file = if n == 1 {
            format!("{stem}.csv")
        } else {
            format!("{stem}-{n}.csv")
        };
        let path = dir.join(file);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "too many exports with this name in this second",
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_exports_in_one_second_get_two_files() {
        let dir = tempfile::tempdir().expect("dir");
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(18, 2, 21))
            .expect("time");
        let first =
            super::new_file_in(dir.path(), "awaiting-acceptance", "li.na", now).expect("first");
        let second =
            super::new_file_in(dir.path(), "awaiting-acceptance", "li.na", now).expect("second");
        let other =
            super::new_file_in(dir.path(), "awaiting-acceptance", "zhao.lei", now).expect("other");
        assert!(first.ends_with("xinfang-awaiting-acceptance-li.na-20261124-180221.csv"));
        assert!(second.ends_with("xinfang-awaiting-acceptance-li.na-20261124-180221-2.csv"));
        assert!(other.ends_with("xinfang-awaiting-acceptance-zhao.lei-20261124-180221.csv"));
    }
}
