//! The indicators of domain.md §8 as `xinfang kpi` and the reports list them: one stable key, a
//! name in each language, the numerator, denominator and value, in the domain's order.

use crate::domain::kpi::{Kpis, Ratio};

/// What an indicator measures in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A rate in 0..=1.
    Rate,
    /// A mean number of days.
    Days,
    /// A count (of cases, replies, batches or persons).
    Count(&'static str),
}

impl Unit {
    /// The unit as `xinfang kpi` prints it.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Rate => "%",
            Unit::Days => "days",
            Unit::Count(what) => what,
        }
    }
}

/// One indicator's numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// Numerator (or the count itself).
    pub num: u64,
    /// Denominator; `None` for counts.
    pub den: Option<u64>,
    /// The rate, the mean or the count; `None` when there is nothing to measure.
    pub value: Option<f64>,
}

/// An indicator: its key, names and how to read it from `Kpis`.
pub struct Indicator {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub unit: Unit,
    pub pick: fn(&Kpis) -> Measure,
}

fn rate(r: Ratio) -> Measure {
    Measure {
        num: r.num,
        den: Some(r.den),
        value: r.rate(),
    }
}

fn count(n: u64) -> Measure {
    Measure {
        num: n,
        den: None,
        value: Some(n as f64),
    }
}

/// Every indicator, in domain.md §8's order.
pub const ALL: [Indicator; 15] = [
    Indicator {
        key: "cases_received",
        zh: "收件数",
        en: "Cases received",
        unit: Unit::Count("cases"),
        pick: |k| count(k.cases),
    },
    Indicator {
        key: "timely_disposal",
        zh: "1a 信访部门及时处理率",
        en: "1a Timely disposal",
        unit: Unit::Rate,
        pick: |k| rate(k.timely_disposal),
    },
    Indicator {
        key: "timely_acceptance",
        zh: "1b 及时受理率",
        en: "1b Timely acceptance",
        unit: Unit::Rate,
        pick: |k| rate(k.timely_acceptance),
    },
    Indicator {
        key: "on_time_completion",
        zh: "2 按期办结率",
        en: "2 On-time completion",
        unit: Unit::Rate,
        pick: |k| rate(k.completion),
    },
    Indicator {
        key: "evaluation_participation",
        zh: "3 参评率",
        en: "3 Evaluation participation",
        unit: Unit::Rate,
        pick: |k| rate(k.participation),
    },
    Indicator {
        key: "evaluation_expired",
        zh: "3 评价期满未评价",
        en: "3 Windows closed unevaluated",
        unit: Unit::Count("replies"),
        pick: |k| count(k.evaluation_expired),
    },
    Indicator {
        key: "satisfaction",
        zh: "4 满意率",
        en: "4 Satisfaction",
        unit: Unit::Rate,
        pick: |k| rate(k.satisfaction),
    },
    Indicator {
        key: "review_satisfaction",
        zh: "4 复查满意率（另计）",
        en: "4 Review satisfaction (apart)",
        unit: Unit::Rate,
        pick: |k| rate(k.review_satisfaction),
    },
    Indicator {
        key: "repeat_rate",
        zh: "5 重复信访率",
        en: "5 Repeat rate",
        unit: Unit::Rate,
        pick: |k| rate(k.repeat_rate),
    },
    Indicator {
        key: "online_share",
        zh: "6 网上信访占比",
        en: "6 Online share",
        unit: Unit::Rate,
        pick: |k| rate(k.online_share),
    },
    Indicator {
        key: "average_handling_days",
        zh: "7 平均办理天数",
        en: "7 Average handling days",
        unit: Unit::Days,
        pick: |k| Measure {
            num: k.handling_days_total,
            den: Some(k.handled),
            value: k.average_handling_days(),
        },
    },
    Indicator {
        key: "backlog_clearance",
        zh: "8 积案化解率",
        en: "8 Backlog clearance",
        unit: Unit::Rate,
        pick: |k| rate(k.backlog_clearance),
    },
    Indicator {
        key: "collective_batches",
        zh: "9 集体访批次",
        en: "9 Collective visits (batches)",
        unit: Unit::Count("batches"),
        pick: |k| count(k.collective_batches),
    },
    Indicator {
        key: "collective_persons",
        zh: "9 集体访人次",
        en: "9 Collective visits (persons)",
        unit: Unit::Count("persons"),
        pick: |k| count(k.collective_persons),
    },
    Indicator {
        key: "repeat_cases",
        zh: "5 重复信访件数",
        en: "5 Repeat cases",
        unit: Unit::Count("cases"),
        pick: |k| count(k.repeat_rate.num),
    },
];

/// The rates whose band is shown (higher is better): 1a–4 and backlog clearance.
pub fn is_banded(key: &str) -> bool {
    matches!(
        key,
        "timely_disposal"
            | "timely_acceptance"
            | "on_time_completion"
            | "evaluation_participation"
            | "satisfaction"
            | "backlog_clearance"
    )
}
