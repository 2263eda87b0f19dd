//! The command centre's boards as rules: which boards exist, the periods the overview compares,
//! the indicators the tile map can show, colour bands for rates, and the early-warning settings
//! (domain.md §5, §6, §8, §9). Pure.

use chrono::{Datelike, Days, NaiveDate};

use super::kpi::Period;

code_enum! {
    /// A board of the command centre.
    BoardKind {
        Overview = ("overview", "总览", "Overview"),
        Packages = ("packages", "领导包案", "Leader packages"),
        Backlog = ("backlog", "积案化解", "Backlog clearance"),
        Map = ("map", "县区图", "County map"),
        Warnings = ("warnings", "预警", "Early warnings"),
        Meeting = ("meeting", "研判会", "Meeting"),
    }
}

/// The value `by` places after `current` in `all`, wrapping around (`all` must not be empty).
fn cycle<T: Copy + PartialEq>(all: &[T], current: T, by: isize) -> T {
    let n = all.len() as isize;
    let at = all.iter().position(|v| *v == current).unwrap_or(0) as isize;
    all[(at + by).rem_euclid(n) as usize]
}

impl BoardKind {
    /// The board after this one, wrapping around.
    pub fn next(self) -> BoardKind {
        cycle(BoardKind::ALL, self, 1)
    }

    /// The board before this one, wrapping around.
    pub fn previous(self) -> BoardKind {
        cycle(BoardKind::ALL, self, -1)
    }
}

code_enum! {
    /// A period the overview shows, compared with the same stretch of the period before.
    Span {
        Today = ("today", "今日", "Today"),
        Week = ("week", "本周", "This week"),
        Month = ("month", "本月", "This month"),
        Year = ("year", "本年", "This year"),
    }
}

impl Span {
    /// The period up to `as_of` and the same stretch of the previous period ("to date" against
    /// "to the same date"): yesterday; last week's Monday to the same weekday; last month's first
    /// to the same day (clamped to its length); last year's 1 January to the same date.
    pub fn periods(self, as_of: NaiveDate) -> (Period, Period) {
        let back = |d: NaiveDate, n: u64| d.checked_sub_days(Days::new(n)).unwrap_or(d);
        match self {
            Span::Today => {
                let yesterday = back(as_of, 1);
                (
                    Period {
                        from: as_of,
                        to: as_of,
                    },
                    Period {
                        from: yesterday,
                        to: yesterday,
                    },
                )
            }
            Span::Week => {
                let monday = back(as_of, u64::from(as_of.weekday().num_days_from_monday()));
                (
                    Period {
                        from: monday,
                        to: as_of,
                    },
                    Period {
                        from: back(monday, 7),
                        to: back(as_of, 7),
                    },
                )
            }
            Span::Month => {
                let first = as_of.with_day(1).unwrap_or(as_of);
                let previous_first = back(first, 1).with_day(1).unwrap_or(first);
                let previous_last = back(first, 1);
                let to = previous_first
                    .with_day(as_of.day())
                    .unwrap_or(previous_last)
                    .min(previous_last);
                (
                    Period {
                        from: first,
                        to: as_of,
                    },
                    Period {
                        from: previous_first,
                        to,
                    },
                )
            }
            Span::Year => {
                let first = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
                let previous_first =
                    NaiveDate::from_ymd_opt(as_of.year() - 1, 1, 1).unwrap_or(first);
                let to = as_of
                    .with_year(as_of.year() - 1)
                    // 29 February: the previous year ends its stretch on 28 February.
                    .unwrap_or_else(|| back(as_of, 366));
                (
                    Period {
                        from: first,
                        to: as_of,
                    },
                    Period {
                        from: previous_first,
                        to,
                    },
                )
            }
        }
    }
}

code_enum! {
    /// What the tile map colours and labels the counties by.
    Indicator {
        Overdue = ("overdue", "超期件", "overdue"),
        Clearance = ("clearance", "积案化解率", "backlog clearance"),
        Intake = ("intake", "近7日收件", "intake, last 7 days"),
        Warnings = ("warnings", "预警", "warnings"),
    }
}

impl Indicator {
    /// The next indicator, wrapping around.
    pub fn next(self) -> Indicator {
        cycle(Indicator::ALL, self, 1)
    }
}

code_enum! {
    /// Where a rate stands against the bands of domain.md §8; never shown by colour alone.
    Band {
        Good = ("good", "达标", "good"),
        Watch = ("watch", "关注", "watch"),
        Poor = ("poor", "落后", "poor"),
    }
}

impl Band {
    /// The symbol shown beside the colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Band::Good => "●",
            Band::Watch => "▲",
            Band::Poor => "✖",
        }
    }
}

/// Board settings (`[boards]` in `config.toml`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoardRules {
    /// Rates at or above this percentage are green ("good").
    pub green_percent: u32,
    /// Rates at or above this percentage (and below green) are amber ("watch"); below is red.
    pub amber_percent: u32,
    /// A cluster warning needs this many new cases of one category in one township …
    pub cluster_cases: u32,
    /// … within this many days.
    pub cluster_days: u32,
    /// A county whose last 7 days' intake exceeds its average of the 4 weeks before by more than
    /// this percentage gets a warning.
    pub surge_percent: u32,
    /// The days the overview's intake sparkline and the clearance chart cover.
    pub chart_days: u32,
}

impl Default for BoardRules {
    fn default() -> Self {
        BoardRules {
            green_percent: 95,
            amber_percent: 85,
            cluster_cases: 5,
            cluster_days: 7,
            surge_percent: 50,
            chart_days: 30,
        }
    }
}

impl BoardRules {
    /// The band of a rate in 0..=1.
    pub fn band(&self, rate: f64) -> Band {
        let percent = rate * 100.0;
        if percent >= f64::from(self.green_percent) {
            Band::Good
        } else if percent >= f64::from(self.amber_percent) {
            Band::Watch
        } else {
            Band::Poor
        }
    }

    /// True when `week` is more than `surge_percent` above `average` (never for a zero average).
    pub fn is_surge(&self, week: u64, average: f64) -> bool {
        average > 0.0 && (week as f64) > average * (1.0 + f64::from(self.surge_percent) / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn periods_compare_to_the_same_stretch_before() {
        // 2026-11-24 is a Tuesday.
        let as_of = day("2026-11-24");
        let p = |from: &str, to: &str| Period {
            from: day(from),
            to: day(to),
        };
        assert_eq!(
            Span::Today.periods(as_of),
            (p("2026-11-24", "2026-11-24"), p("2026-11-23", "2026-11-23"))
        );
        assert_eq!(
            Span::Week.periods(as_of),
            (p("2026-11-23", "2026-11-24"), p("2026-11-16", "2026-11-17"))
        );
        assert_eq!(
            Span::Month.periods(as_of),
            (p("2026-11-01", "2026-11-24"), p("2026-10-01", "2026-10-24"))
        );
        assert_eq!(
            Span::Year.periods(as_of),
            (p("2026-01-01", "2026-11-24"), p("2025-01-01", "2025-11-24"))
        );
        // 31 March against February: the previous stretch ends on February's last day.
        assert_eq!(
            Span::Month.periods(day("2026-03-31")).1,
            p("2026-02-01", "2026-02-28")
        );
        assert_eq!(
            Span::Year.periods(day("2028-02-29")).1,
            p("2027-01-01", "2027-02-28")
        );
    }

    #[test]
    fn bands_follow_the_configured_percentages() {
        let rules = BoardRules::default();
        assert_eq!(rules.band(0.95), Band::Good);
        assert_eq!(rules.band(0.9499), Band::Watch);
        assert_eq!(rules.band(0.85), Band::Watch);
        assert_eq!(rules.band(0.8499), Band::Poor);
        assert!(rules.is_surge(16, 10.0));
        assert!(
            !rules.is_surge(15, 10.0),
            "exactly +50% is not more than 50%"
        );
        assert!(!rules.is_surge(3, 0.0));
    }

    #[test]
    fn boards_cycle_both_ways() {
        for board in BoardKind::ALL {
            assert_eq!(board.next().previous(), *board);
        }
        assert_eq!(BoardKind::Warnings.next(), BoardKind::Meeting);
        assert_eq!(BoardKind::Meeting.next(), BoardKind::Overview);
    }
}
