//! Who may see what (domain.md §4, §11): personal data by role and region scope, and Art 30
//! content (title, summary, accuser) of confidential cases for supervisors and admins in scope
//! only. One place decides; the console, listings, search and boards ask it. Pure.

use super::codes::Role;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
