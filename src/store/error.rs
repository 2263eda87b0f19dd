//! Errors the store reports, written for the person at the keyboard.
//!
//! Each variant says what happened and, where there is one, what to do. Backend-specific errors
//! are translated here so that callers never see SQL error codes.

use crate::domain::State;
use crate::domain::lifecycle::RuleError;
use thiserror::Error;

/// Anything that can go wrong talking to a store.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database not found: {path} (create one with `xinfang demo` or `xinfang db migrate`)")]
    Missing { path: String },
    #[error("{path} is not a SQLite database ({detail})")]
    NotSqlite { path: String, detail: String },
    #[error("{path} is a SQLite database but not a xinfang one")]
    NotXinfang { path: String },
    #[error(
        "{path} is truncated: its header promises {expected} bytes but the file has {found}; restore it from a backup"
    )]
    Truncated {
        path: String,
        expected: u64,
        found: u64,
    },
    #[error(
        "{path} was written by a newer xinfang (schema version {found}; this build knows up to {known}); upgrade xinfang to open it"
    )]
    TooNew {
        path: String,
        found: u32,
        known: u32,
    },
    #[error("{path} is damaged ({detail}); run `xinfang db check` and restore it from a backup")]
    Corrupt { path: String, detail: String },
    #[error("{path} is locked by another program and stayed locked; try again")]
    Locked { path: String },
    #[error(
        "{path} is being written by another xinfang (a demo or an import); try again when it has finished"
    )]
    Busy { path: String },
    #[error("{path} is read-only here: {detail}")]
    ReadOnly { path: String, detail: String },
    /// A write its caller chose not to keep (an import's dry run, or one that found problems).
    #[error("nothing was written")]
    RolledBack,
    #[error("no case {0}")]
    NoSuchCase(String),
    #[error("case {number} was changed by {by} at {at}; reloaded, nothing was overwritten")]
    Conflict {
        number: String,
        by: String,
        at: String,
    },
    #[error("case {number}: {error}")]
    Rule { number: String, error: RuleError },
    #[error("case {number} is {state}, which this queue does not hold")]
    NotInQueue { number: String, state: State },
    #[error("case {number}: nothing to undo (only its registration)")]
    NothingToUndo { number: String },
    #[error(
        "case {number}: the last step ({}) was taken by {by}, not by {actor}; only your own last step can be undone",
        crate::domain::step::verb_en(.step)
    )]
    NotYourStep {
        number: String,
        step: &'static str,
        by: String,
        actor: String,
    },
    #[error("{actor} may not {what}: {reason}; nothing was written")]
    Refused {
        actor: String,
        /// What was asked, in English (e.g. "finalise NX-2026-000123").
        what: String,
        /// The same in Chinese.
        what_zh: String,
        reason: crate::domain::access::Refusal,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("cannot read or write {path}: {detail}")]
    Io { path: String, detail: String },
    #[error("database error on {path}: {detail}")]
    Backend { path: String, detail: String },
    #[error("no connection to {path}, nothing was written; reconnecting ({detail})")]
    Unreachable { path: String, detail: String },
}

impl StoreError {
    /// The same message in Chinese. Details that come from the operating system or the database
    /// engine (`detail`) stay as they were given.
    pub fn zh(&self) -> String {
        use crate::domain::step::name_zh;
        match self {
            StoreError::Missing { path } => {
                format!("找不到数据库 {path}（可用 `xinfang demo` 或 `xinfang db migrate` 创建）")
            }
            StoreError::NotSqlite { path, detail } => {
                format!("{path} 不是 SQLite 数据库（{detail}）")
            }
            StoreError::NotXinfang { path } => {
                format!("{path} 是 SQLite 数据库，但不是 xinfang 的数据库")
            }
            StoreError::Truncated {
                path,
                expected,
                found,
            } => format!(
                "{path} 已被截断：文件头表明应有 {expected} 字节，实际只有 {found} 字节；请从备份恢复"
            ),
            StoreError::TooNew { path, found, known } => format!(
                "{path} 由更新版本的 xinfang 写入（架构版本 {found}，本程序最高支持 {known}）；请先升级 xinfang"
            ),
            StoreError::Corrupt { path, detail } => {
                format!("{path} 已损坏（{detail}）；请运行 `xinfang db check` 并从备份恢复")
            }
            StoreError::Locked { path } => {
                format!("{path} 被其他程序锁定，一直未释放；请稍后重试")
            }
            StoreError::ReadOnly { path, detail } => format!("{path} 在此只读：{detail}"),
            StoreError::NoSuchCase(number) => format!("没有信访件 {number}"),
            StoreError::RolledBack => "未写入任何数据".into(),
            StoreError::Busy { path } => {
                format!("{path} 正由另一个 xinfang（生成演示数据或导入）写入；请待其完成后重试")
            }
            StoreError::Conflict { number, by, at } => {
                format!("{number} 已被 {by} 于 {at} 修改；已重新加载，未覆盖任何内容")
            }
            StoreError::Rule { number, error } => format!("{number}：{}", error.zh()),
            StoreError::NotInQueue { number, state } => {
                format!("{number} 当前为「{}」，不在此队列中", state.zh())
            }
            StoreError::NothingToUndo { number } => {
                format!("{number}：没有可撤销的步骤（只剩登记）")
            }
            StoreError::NotYourStep {
                number,
                step,
                by,
                actor,
            } => format!(
                "{number}：最后一步「{}」由 {by} 执行，不是 {actor}；只能撤销自己的最后一步",
                name_zh(step)
            ),
            StoreError::Refused {
                actor,
                what_zh,
                reason,
                ..
            } => format!("{actor} 无权{what_zh}：{}；未写入任何内容", reason.zh()),
            StoreError::Invalid(message) => message.clone(),
            StoreError::Io { path, detail } => format!("无法读写 {path}：{detail}"),
            StoreError::Backend { path, detail } => format!("数据库 {path} 出错：{detail}"),
            StoreError::Unreachable { path, detail } => {
                format!("与 {path} 的连接已断开，未写入任何内容；正在重连（{detail}）")
            }
        }
    }

    /// The message in both languages, for a screen that may switch language after it arrived.
    pub fn told(&self) -> crate::i18n::Told {
        crate::i18n::Told {
            zh: self.zh(),
            en: self.to_string(),
        }
    }

    /// True when retrying later may succeed (locked, unreachable).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Locked { .. } | StoreError::Io { .. } | StoreError::Unreachable { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::StoreError;
    use crate::domain::State;

    #[test]
    fn every_error_but_free_text_has_a_chinese_message() {
        let path = || "/srv/x.db".to_string();
        let all = [
            StoreError::Missing { path: path() },
            StoreError::NotSqlite {
                path: path(),
                detail: "no SQLite header".into(),
            },
            StoreError::NotXinfang { path: path() },
            StoreError::Truncated {
                path: path(),
                expected: 8192,
                found: 4096,
            },
            StoreError::TooNew {
                path: path(),
                found: 9,
                known: 2,
            },
            StoreError::Corrupt {
                path: path(),
                detail: "bad page".into(),
            },
            StoreError::Locked { path: path() },
            StoreError::ReadOnly {
                path: path(),
                detail: "read-only file".into(),
            },
            StoreError::NoSuchCase("NX-2026-000001".into()),
            StoreError::Conflict {
                number: "NX-2026-000001".into(),
                by: "li.na".into(),
                at: "10:00".into(),
            },
            StoreError::NotInQueue {
                number: "NX-2026-000001".into(),
                state: State::Concluded,
            },
            StoreError::NothingToUndo {
                number: "NX-2026-000001".into(),
            },
            StoreError::NotYourStep {
                number: "NX-2026-000001".into(),
                step: "reply",
                by: "li.na".into(),
                actor: "wang.qiang".into(),
            },
            StoreError::Refused {
                actor: "zhou.min".into(),
                what: "reply NX-2026-000001".into(),
                what_zh: "答复 NX-2026-000001".into(),
                reason: crate::domain::access::Refusal::Viewer,
            },
            StoreError::Io {
                path: path(),
                detail: "permission denied".into(),
            },
            StoreError::Backend {
                path: path(),
                detail: "disk I/O error".into(),
            },
            StoreError::Unreachable {
                path: path(),
                detail: "connection refused".into(),
            },
        ];
        for error in all {
            let zh = error.zh();
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{error:?}: {zh}"
            );
            let told = error.told();
            assert_eq!((told.zh, told.en), (zh, error.to_string()));
        }
    }
}
