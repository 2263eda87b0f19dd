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

/// Why `name` cannot be a user name, if it cannot: a user name is one word of printable
/// characters, at most 64, with no control, invisible or direction-changing character (a name
/// shown as `admin` must be `admin`).
pub fn user_name_problem(name: &str) -> Option<&'static str> {
    let invisible = |c: char| {
        matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
    };
    if name.is_empty() {
        Some("a user name cannot be empty")
    } else if name.chars().count() > 64 {
        Some("a user name has at most 64 characters")
    } else if name
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || invisible(c))
    {
        Some(
            "a user name is one word without spaces, control, invisible or direction-changing characters",
        )
    } else {
        None
    }
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

impl Campaign {
    /// The campaign running on `day` (the latest started, when several run).
    pub fn running(campaigns: &[Campaign], day: NaiveDate) -> Option<&Campaign> {
        campaigns
            .iter()
            .filter(|c| c.starts_on <= day && day <= c.ends_on)
            .max_by_key(|c| c.starts_on)
    }
}

#[cfg(test)]
mod tests {
    use super::user_name_problem;

    #[test]
    fn user_names_are_one_visible_word() {
        for good in ["li.na", "zhao.lei", "王强", "ops-1"] {
            assert_eq!(user_name_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "li na",
            "li\tna",
            "adm\u{202E}nim",
            "ad\u{200B}min",
            "\u{1b}[2Jx",
            "a\u{9b}b",
            "\u{FEFF}admin",
        ] {
            assert!(user_name_problem(bad).is_some(), "{bad:?}");
        }
        assert!(user_name_problem(&"x".repeat(65)).is_some());
    }
}
