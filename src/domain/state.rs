//! Case states of the petition life cycle (domain.md §3) and which are open.
//!
//! The transitions themselves live in `lifecycle.rs`; this file only names the states. Pure.

code_enum! {
    /// Where a case stands in its life cycle.
    State {
        Registered = ("registered", "已登记", "registered"),
        Forwarded = ("forwarded", "已转送", "forwarded"),
        Accepted = ("accepted", "已受理", "accepted"),
        InHandling = ("in-handling", "办理中", "in handling"),
        Replied = ("replied", "已答复", "replied"),
        InReview = ("in-review", "复查中", "in review"),
        ReviewReplied = ("review-replied", "复查已答复", "review replied"),
        InReReview = ("in-re-review", "复核中", "in re-review"),
        Concluded = ("concluded", "已办结", "concluded"),
        Final = ("final", "已终结", "final"),
        Declined = ("declined", "不予受理", "declined"),
        Diverted = ("diverted", "已导出", "diverted"),
    }
}

impl State {
    /// True while the case still needs work or may still move (not concluded, final, declined or
    /// diverted).
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            State::Concluded | State::Final | State::Declined | State::Diverted
        )
    }

    /// States whose cases the unit is handling under the 60-day clock (Art 34).
    pub fn is_handling(self) -> bool {
        matches!(self, State::Accepted | State::InHandling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_four_states_are_closed() {
        let closed: Vec<State> = State::ALL
            .iter()
            .copied()
            .filter(|s| !s.is_open())
            .collect();
        assert_eq!(
            closed,
            vec![
                State::Concluded,
                State::Final,
                State::Declined,
                State::Diverted
            ]
        );
    }
}
