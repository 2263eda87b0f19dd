//! The console's event loop and state: terminal events, store results and timers become
//! messages; `update` changes the state and asks for effects; effects run on blocking tasks and
//! come back as messages tagged with request ids (the newest wins). May import `store`,
//! `domain`, `keymap`, `ui`, `i18n`; the store never imports this.

pub mod action;
pub mod boards;
pub mod clock;
pub mod console;
pub mod exporting;
pub mod hints;
pub mod history;
pub mod marking;
pub mod mouse;
pub mod palette;
/// Queue definitions live below the console (`crate::queues`).
pub use crate::queues;
pub mod run;
pub mod runner;
pub mod saving;
pub mod searching;
pub mod state;
pub mod stepping;
pub mod terminal;
pub mod triage;
pub mod update;
pub mod wall;
