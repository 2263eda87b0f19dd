//! Who may see and do what (domain.md §4, §11), by role and region scope. One place decides:
//! the store asks it before every write (so a refusal holds whatever the caller), and the console,
//! listings, search and boards ask it before anything leaves the process. Pure.
//!
//! - Personal data (ID number, phone, address): operators and above, in scope.
//! - Art 30 content (title, summary, petitioner, accused) of a confidential case: supervisors and
//!   admins in scope.
//! - Case steps and registration: operators and above, on cases in their scope; supervising,
//!   packaging to a leader and finalising need a supervisor.
//! - User changes, `db recompute` and imports: admins.

use super::codes::Role;

/// Steps (by `Step::name`) that only supervisors and admins may take.
const SUPERVISOR_STEPS: &[&str] = &["supervise", "package", "finalise"];

/// Something a user asks the store to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Register a new case received in `county`.
    Register { county: &'a str },
    /// Take the step named `step` (`Step::name`) on a case in `county`; undo is `"undo"`.
    Step { step: &'a str, county: &'a str },
    /// Add a user or change one's role or scope.
    ChangeUsers,
    /// Recompute every deadline and the indicator summary under new rules.
    Recompute,
    /// Load cases from a file.
    Import,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("`{0}` is not a user of this database")]
    NotAUser(String),
    #[error("a viewer cannot change anything")]
    Viewer,
    #[error("the case is outside {0}'s region")]
    OutOfScope(String),
    #[error("only a supervisor or admin may take this step")]
    NeedsSupervisor,
    #[error("only an admin may do this")]
    NeedsAdmin,
}

impl Refusal {
    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Refusal::NotAUser(name) => format!("`{name}` 不是本数据库的用户"),
            Refusal::Viewer => "只读用户不能修改任何内容".into(),
            Refusal::OutOfScope(name) => format!("该信访件不在 {name} 的辖区"),
            Refusal::NeedsSupervisor => "此步骤需督办员或管理员".into(),
            Refusal::NeedsAdmin => "只有管理员可以执行此操作".into(),
        }
    }
}

/// A user as the access rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    pub name: &'a str,
    pub role: Role,
    /// Admin-code prefix of the region they work in.
    pub scope: &'a str,
}

/// Whether `actor` may do `action`.
pub fn may(actor: &Actor<'_>, action: Action<'_>) -> Result<(), Refusal> {
    let in_scope = |county: &str| {
        if county.starts_with(actor.scope) {
            Ok(())
        } else {
            Err(Refusal::OutOfScope(actor.name.to_string()))
        }
    };
    match action {
        Action::ChangeUsers | Action::Recompute | Action::Import => {
            if actor.role == Role::Admin {
                Ok(())
            } else {
                Err(Refusal::NeedsAdmin)
            }
        }
        _ if actor.role == Role::Viewer => Err(Refusal::Viewer),
        Action::Register { county } => in_scope(county),
        Action::Step { step, county } => {
            in_scope(county)?;
            if actor.role == Role::Operator && SUPERVISOR_STEPS.contains(&step) {
                Err(Refusal::NeedsSupervisor)
            } else {
                Ok(())
            }
        }
    }
}

/// Whether the step named `step` needs a supervisor or admin.
pub fn needs_supervisor(step: &str) -> bool {
    SUPERVISOR_STEPS.contains(&step)
}

/// Whether `role` with `scope` may see the petitioner's personal data (ID number, phone,
/// address) for a case in `county`.
pub fn may_see_personal(role: Role, scope: &str, county: &str) -> bool {
    role != Role::Viewer && county.starts_with(scope)
}

/// Whether a case's content (title, summary) and its petitioner may be shown at all: always for
/// an ordinary case; for a confidential one (Art 30, `Case::is_confidential`) only to supervisors
/// and admins whose scope covers it.
pub fn may_see_content(confidential: bool, role: Role, scope: &str, county: &str) -> bool {
    !confidential || (matches!(role, Role::Supervisor | Role::Admin) && county.starts_with(scope))
}

/// The region a listing may cover for a user whose scope is `scope` when `asked` is asked for:
/// the asked region if it lies inside the scope, the scope if the asked region is wider (a
/// listing shows what the console shows), and `None` if the two do not overlap.
pub fn listing_region<'a>(scope: &'a str, asked: &'a str) -> Option<&'a str> {
    if asked.starts_with(scope) {
        Some(asked)
    } else if scope.starts_with(asked) {
        Some(scope)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, scope: &str) -> Actor<'_> {
        Actor {
            name: "u",
            role,
            scope,
        }
    }

    #[test]
    fn art30_content_only_for_supervisors_in_scope() {
        assert!(!may_see_content(true, Role::Viewer, "64", "640106"));
        assert!(!may_see_content(true, Role::Operator, "64", "640106"));
        assert!(may_see_content(true, Role::Supervisor, "64", "640106"));
        assert!(!may_see_content(true, Role::Supervisor, "6402", "640106"));
        assert!(may_see_content(true, Role::Admin, "6401", "640106"));
        assert!(may_see_content(false, Role::Viewer, "64", "640106"));
    }

    #[test]
    fn personal_data_for_operators_and_above_in_scope() {
        assert!(!may_see_personal(Role::Viewer, "64", "640106"));
        assert!(may_see_personal(Role::Operator, "6401", "640106"));
        assert!(!may_see_personal(Role::Operator, "6402", "640106"));
    }

    #[test]
    fn writes_by_role_and_scope() {
        let step = |step| Action::Step {
            step,
            county: "640106",
        };
        let viewer = actor(Role::Viewer, "64");
        assert_eq!(may(&viewer, step("note")), Err(Refusal::Viewer));
        assert_eq!(
            may(&viewer, Action::Register { county: "640106" }),
            Err(Refusal::Viewer)
        );
        let operator = actor(Role::Operator, "6401");
        assert_eq!(may(&operator, step("note")), Ok(()));
        assert_eq!(
            may(&operator, step("finalise")),
            Err(Refusal::NeedsSupervisor)
        );
        assert_eq!(
            may(&actor(Role::Operator, "6402"), step("note")),
            Err(Refusal::OutOfScope("u".into()))
        );
        assert_eq!(
            may(&actor(Role::Supervisor, "64"), step("finalise")),
            Ok(())
        );
        for action in [Action::ChangeUsers, Action::Recompute, Action::Import] {
            assert_eq!(
                may(&actor(Role::Supervisor, "64"), action),
                Err(Refusal::NeedsAdmin)
            );
            assert_eq!(may(&actor(Role::Admin, "64"), action), Ok(()));
        }
    }

    #[test]
    fn listings_never_leave_the_scope() {
        assert_eq!(listing_region("6401", "64"), Some("6401"));
        assert_eq!(listing_region("64", "640106"), Some("640106"));
        assert_eq!(listing_region("6401", "6402"), None);
    }
}
