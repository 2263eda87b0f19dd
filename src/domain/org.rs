//! The organisations and people around cases: responsible units, packaging leaders, console
//! users and backlog clearance campaigns. Plain data; no I/O.

use super::case::{LeaderId, UnitId};
use super::codes::{LeaderLevel, Role};
use chrono::NaiveDate;
use serde::Serialize;

/// A responsible unit (责任单位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    /// Region code the unit belongs to (`64` for province-level departments).
    pub region: String,
}

/// A leader who may package cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leader {
    pub id: LeaderId,
    pub name: String,
    pub level: LeaderLevel,
    pub title: String,
    pub region: String,
}

/// A console user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// Admin-code prefix of the region the user works in.
    pub scope: String,
}

/// A backlog clearance campaign (专项工作 / 攻坚行动).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Target clearance rate in 0..=1.
    pub target: f64,
    pub cases: u64,
}
