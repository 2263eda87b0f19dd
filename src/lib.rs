//! xinfang: a full-screen terminal operations console for petition (信访) case work.
//!
//! Layers point downward only: `domain` (pure rules) ← `store` (persistence) ← `demo`.
//! The binary in `main.rs` parses the command line and is the only place that uses `anyhow`.

pub mod config;
pub mod demo;
#[macro_use]
pub mod domain;
pub mod app;
pub mod i18n;
pub mod keymap;
pub mod login;
pub mod queues;
pub mod report;
pub mod search;
pub mod serve;
pub mod sshkey;
pub mod store;
pub mod text;
pub mod transfer;
pub mod ui;
