//! The configurable parts of the petition rules, with the defaults domain.md states.
//!
//! Statutory numbers that the law fixes (15, 60, 30 days, …) are constants here; what domain.md
//! calls **configurable** is a field of `Rules`, read from `config.toml` by the caller. Pure.

use super::calendar::Calendar;
use serde::Deserialize;

/// Art 22: the bureau disposes of a registered petition within 15 days of receipt.
pub const DISPOSE_DAYS: u32 = 15;
/// Art 23: the unit sends its acceptance notice within 15 days of receiving a forwarded case.
pub const ACCEPT_DAYS: u32 = 15;
/// Art 23: the unit may object within 5 working days if the matter is not its remit.
pub const OBJECTION_WORKING_DAYS: u32 = 5;
/// Art 34: handling concludes within 60 days of acceptance.
pub const HANDLING_DAYS: u32 = 60;
/// Art 34: extensions of at most 30 days in total.
pub const MAX_EXTENSION_DAYS: u32 = 30;
/// Art 35: review may be requested within 30 days of receiving the reply.
pub const REVIEW_REQUEST_DAYS: u32 = 30;
/// Art 35: the review opinion is due within 30 days of the request.
pub const REVIEW_DAYS: u32 = 30;
/// Art 36: re-review may be requested within 30 days of the review opinion.
pub const RE_REVIEW_REQUEST_DAYS: u32 = 30;
/// Art 36: the re-review opinion is due within 30 days (hearing time not counted).
pub const RE_REVIEW_DAYS: u32 = 30;

/// Rule settings that deployments may change.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// A duty clock with this many days or fewer left is "due soon".
    pub due_soon_days: u32,
    /// Whether a deadline falling on a non-working day moves to the next working day.
    pub roll_over: bool,
    /// Holidays and make-up working days.
    pub calendar: Calendar,
    /// A case open longer than this many days is a backlog case.
    pub backlog_open_days: u32,
    /// A case with this many repeat petitions or more is a backlog case.
    pub backlog_repeats: u32,
    /// A concluded backlog case counts as cleared after this many days with no new petition.
    pub cleared_quiet_days: u32,
    /// A case with this many petitioners or more is a collective visit (Art 20).
    pub collective_threshold: u32,
    /// Days after a reply during which the petitioner may evaluate it.
    pub evaluation_window_days: u32,
    /// Internal target for handling suggestions (Art 29) and accusations (Art 30), which Art 34's
    /// statutory clock does not cover: days from acceptance.
    pub internal_target_days: u32,
    /// Days a reply sent by letter takes to reach the petitioner; the Art 35/36 windows run from
    /// that delivery day. Replies to other channels are delivered on the day they are made.
    pub letter_delivery_days: u32,
    /// Whether a case returned by an agreed objection (Art 23 ¶3) starts a new 15-day Art 22
    /// disposal clock. Off by default: the bureau's clock keeps running from receipt.
    pub objection_restarts_dispose: bool,
    /// Colour bands and early-warning thresholds of the boards.
    pub boards: super::board::BoardRules,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            due_soon_days: 3,
            roll_over: false,
            calendar: Calendar::default(),
            backlog_open_days: 180,
            backlog_repeats: 3,
            cleared_quiet_days: 90,
            collective_threshold: 5,
            evaluation_window_days: 30,
            internal_target_days: 60,
            letter_delivery_days: 3,
            objection_restarts_dispose: false,
            boards: super::board::BoardRules::default(),
        }
    }
}
