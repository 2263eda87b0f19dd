//! A warning in words, the same on the boards, in exports and in reports: its kind's short name
//! and its reason (domain.md §9), never a petitioner or petition text.

use crate::store::board::{Reason, Warning};

/// The kind's short name and the reason in words, in `lang` (for exports too).
pub fn describe_in(lang: crate::i18n::Lang, warning: &Warning) -> (String, String) {
    struct Words(crate::i18n::Lang);
    impl Words {
        fn pick<'s>(&self, zh: &'s str, en: &'s str) -> &'s str {
            self.0.pick(zh, en)
        }
    }
    let screen = Words(lang);
    let zh = lang == crate::i18n::Lang::Zh;
    let town =
        |code: &str| crate::domain::region::name_of(code).unwrap_or_else(|| code.to_string());
    match &warning.reason {
        Reason::Cluster {
            township,
            category,
            cases,
            days,
        } => (
            screen.pick("聚集", "cluster").to_string(),
            if zh {
                format!(
                    "{} {}：{days}日内新增{cases}件",
                    town(township),
                    category.zh()
                )
            } else {
                format!(
                    "{}, {}: {cases} new in {days} days",
                    town(township),
                    category.en()
                )
            },
        ),
        Reason::Flagged {
            persons,
            threat,
            urgent,
        } => {
            let mut parts = Vec::new();
            if *persons >= 5 {
                parts.push(if zh {
                    format!("信访人数{persons}")
                } else {
                    format!("{persons} petitioners")
                });
            }
            if *threat {
                parts.push(screen.pick("扬言", "threat").to_string());
            }
            if *urgent {
                parts.push(screen.pick("重大紧急", "major/urgent").to_string());
            }
            (
                screen.pick("重点", "flagged").to_string(),
                parts.join(if zh { "、" } else { ", " }),
            )
        }
        Reason::Surge { week, average } => (
            screen.pick("激增", "surge").to_string(),
            if zh {
                format!("近7日收件{week}，前4周周均{average:.1}")
            } else {
                format!("{week} in 7 days against a weekly {average:.1} over 4 weeks")
            },
        ),
        Reason::Deadlines {
            unit,
            due_soon,
            overdue,
        } => (
            screen.pick("时限", "deadlines").to_string(),
            if zh {
                format!("{unit}：即将到期{due_soon}，已超期{overdue}")
            } else {
                format!("{unit}: {due_soon} due soon, {overdue} overdue")
            },
        ),
    }
}
