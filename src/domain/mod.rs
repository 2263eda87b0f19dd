//! Petition-work rules (domain.md): cases, states, transitions, statutory deadlines, KPIs,
//! classification and Ningxia's regions.
//!
//! Pure and exhaustive: this module must not import `store`, `ui`, `app`, SQL or terminal crates,
//! and does no I/O. Everything here is deterministic given its inputs (including "today").

#[macro_use]
mod codes;
pub mod access;
pub mod board;
pub mod calendar;
pub mod case;
pub mod deadline;
pub mod kpi;
pub mod lifecycle;
pub mod org;
pub mod region;
pub mod rules;
pub mod state;
pub mod step;

#[cfg(test)]
mod lifecycle_props;
#[cfg(test)]
mod lifecycle_tests;

pub use case::{Case, CaseId, Intake, LeaderId, Milestones, Package, Petitioner, UnitId};
pub use codes::{
    Category, Channel, Class, DivertRoute, Duty, LeaderLevel, Outcome, Role, Satisfaction,
};
pub use rules::Rules;
pub use state::State;
pub use step::{Event, IntakeField, Step};

/// Fixed offset of China Standard Time (UTC+8); business days are counted in it.
pub const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// The current local date and time in China.
pub fn china_now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc() + chrono::Duration::seconds(i64::from(CHINA_OFFSET_SECONDS))
}
