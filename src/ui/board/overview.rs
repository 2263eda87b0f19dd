//! The overview board: the indicators of domain.md §8 for today, this week, month and year, each
//! with its change against the same stretch of the period before, and 30 days of intake by channel.

use super::{Screen, pad, points, right, sparkline};
use crate::domain::kpi::{Kpis, Ratio};
use crate::store::board::Overview;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// One row of the indicator table.
struct Row {
    zh: &'static str,
    en: &'static str,
    value: fn(&Kpis) -> Value,
    /// Which way a change is an improvement.
    better: Better,
}

/// Which direction of change is good news.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Better {
    Higher,
    Lower,
    /// Neither (intake: more petitions are neither good nor bad work).
    Neither,
}

enum Value {
    /// A rate where higher is better (banded).
    Good(Ratio),
    /// A rate shown without a band (repeat rate, online share).
    Plain(Ratio),
    Count(u64),
    Days(Option<f64>),
    Collective(u64, u64),
}

const ROWS: [Row; 11] = [
    Row {
        zh: "收件数",
        en: "Cases received",
        value: |k| Value::Count(k.cases),
        better: Better::Neither,
    },
    Row {
        zh: "1a 及时处理率",
        en: "1a Timely disposal",
        value: |k| Value::Good(k.timely_disposal),
        better: Better::Higher,
    },
    Row {
        zh: "1b 及时受理率",
        en: "1b Timely acceptance",
        value: |k| Value::Good(k.timely_acceptance),
        better: Better::Higher,
    },
    Row {
        zh: "2 按期办结率",
        en: "2 On-time completion",
        value: |k| Value::Good(k.completion),
        better: Better::Higher,
    },
    Row {
        zh: "3 参评率",
        en: "3 Evaluation rate",
        value: |k| Value::Good(k.participation),
        better: Better::Higher,
    },
    Row {
        zh: "4 满意率",
        en: "4 Satisfaction",
        value: |k| Value::Good(k.satisfaction),
        better: Better::Higher,
    },
    Row {
        zh: "5 重复信访率",
        en: "5 Repeat rate",
        value: |k| Value::Plain(k.repeat_rate),
        better: Better::Lower,
    },
    Row {
        zh: "6 网上信访占比",
        en: "6 Online share",
        value: |k| Value::Plain(k.online_share),
        better: Better::Higher,
    },
    Row {
        zh: "7 平均办理天数",
        en: "7 Avg handling days",
        value: |k| Value::Days(k.average_handling_days()),
        better: Better::Lower,
    },
    Row {
        zh: "8 积案化解率",
        en: "8 Backlog clearance",
        value: |k| Value::Good(k.backlog_clearance),
        better: Better::Higher,
    },
    Row {
        zh: "9 集体访 批/人",
        en: "9 Collective b/p",
        value: |k| Value::Collective(k.collective_batches, k.collective_persons),
        better: Better::Lower,
    },
];

/// The direction of a change: +1 up, -1 down, 0 none or unknown.
fn direction(now: &Value, before: &Value) -> i8 {
    let sign = |d: f64| {
        if d.abs() < 0.0005 {
            0
        } else if d > 0.0 {
            1
        } else {
            -1
        }
    };
    match (now, before) {
        (Value::Good(a), Value::Good(b)) | (Value::Plain(a), Value::Plain(b)) => {
            match (a.rate(), b.rate()) {
                (Some(a), Some(b)) => sign(a - b),
                _ => 0,
            }
        }
        (Value::Count(a), Value::Count(b)) | (Value::Collective(a, _), Value::Collective(b, _)) => {
            sign(*a as f64 - *b as f64)
        }
        (Value::Days(Some(a)), Value::Days(Some(b))) => sign(a - b),
        _ => 0,
    }
}

/// The value and its change, as spans of one cell; a change carries ✓ (better) or ✗ (worse) and
/// the matching colour, never colour alone.
fn cell(
    screen: &Screen<'_>,
    now: &Value,
    before: &Value,
    better: Better,
    width: usize,
) -> Vec<Span<'static>> {
    let verdict = match (direction(now, before), better) {
        (0, _) | (_, Better::Neither) => None,
        (1, Better::Higher) | (-1, Better::Lower) => Some(true),
        _ => Some(false),
    };
    let (text, change, style) = match (now, before) {
        (Value::Good(a), Value::Good(b)) => {
            let span = screen.rate(a.rate());
            (
                span.content.to_string(),
                points(a.rate(), b.rate()),
                span.style,
            )
        }
        (Value::Plain(a), Value::Plain(b)) => (
            a.rate()
                .map_or("—".to_string(), |r| format!("{:.1}%", r * 100.0)),
            points(a.rate(), b.rate()),
            screen.theme.text,
        ),
        (Value::Count(a), Value::Count(b)) => (
            a.to_string(),
            super::change(*a as i64, *b as i64),
            screen.theme.text,
        ),
        (Value::Days(a), Value::Days(b)) => (
            a.map_or("—".to_string(), |d| format!("{d:.1}")),
            match (a, b) {
                // The same minus sign as every other change on the boards.
                (Some(a), Some(b)) => format!("{:+.1}", a - b).replace('-', "−"),
                _ => "—".to_string(),
            },
            screen.theme.text,
        ),
        (Value::Collective(a, p), Value::Collective(b, _)) => (
            format!("{a}/{p}"),
            super::change(*a as i64, *b as i64),
            screen.theme.text,
        ),
        _ => ("—".to_string(), String::new(), screen.theme.muted),
    };
    let change_width = (width / 2).min(8);
    let (change, change_style) = match verdict {
        Some(true) => (format!("{change}✓"), screen.theme.on_time),
        Some(false) => (format!("{change}✗"), screen.theme.overdue),
        None => (change, screen.theme.muted),
    };
    vec![
        Span::styled(right(&text, width - change_width), style),
        Span::styled(format!(" {}", pad(&change, change_width - 1)), change_style),
    ]
}

pub fn lines(screen: &Screen<'_>, overview: &Overview, area: Rect) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    let label_width = if screen.lang == crate::i18n::Lang::Zh {
        16
    } else {
        21
    };
    let columns = overview.periods.len().max(1);
    // A wall-sized screen spreads the table out: wider cells and a blank line between rows.
    let roomy = screen.wall && super::digits::scale_for(area) > 1;
    let widest = if roomy { 44 } else { 26 };
    let cell_width = (width.saturating_sub(label_width) / columns).clamp(12, widest);
    let mut out = Vec::new();
    if screen.wall && area.height >= 30 {
        out.extend(headline(screen, overview, super::digits::scale_for(area)));
    }
    let mut header = vec![Span::styled(pad("", label_width), screen.theme.header)];
    for (i, period) in overview.periods.iter().enumerate() {
        let name = screen.pick(period.span.zh(), period.span.en());
        let style = if !screen.wall && i == screen.view.selected {
            screen.theme.selected
        } else {
            screen.theme.header
        };
        header.push(Span::styled(right(name, cell_width), style));
    }
    out.push(Line::from(header));
    for row in &ROWS {
        let mut spans = vec![Span::styled(
            pad(screen.pick(row.zh, row.en), label_width),
            screen.theme.text,
        )];
        for period in &overview.periods {
            spans.extend(cell(
                screen,
                &(row.value)(&period.current),
                &(row.value)(&period.previous),
                row.better,
                cell_width,
            ));
        }
        out.push(Line::from(spans));
        if roomy {
            out.push(Line::raw(""));
        }
    }
    let (g, a) = (screen.rules.green_percent, screen.rules.amber_percent);
    out.push(Line::styled(
        match screen.lang {
            crate::i18n::Lang::Zh => {
                format!("● 达标≥{g}% ▲ 关注{a}–{g}% ✖ 落后<{a}%；对比上期同期（百分点）✓向好 ✗变差")
            }
            crate::i18n::Lang::En => format!(
                "● ≥{g}% ▲ {a}–{g}% ✖ <{a}%; vs the same stretch before (points) ✓ better ✗ worse"
            ),
        },
        screen.theme.muted,
    ));
    let rows_left = usize::from(area.height).saturating_sub(out.len() + 1);
    if rows_left >= 2 {
        let days = overview.intake.first().map_or(0, |(_, v)| v.len());
        out.push(Line::styled(
            format!(
                "{} {} – {}",
                screen.pick("近30日收件（按渠道）", "Intake, last 30 days, by channel"),
                overview.first_day.format("%m-%d"),
                (overview.first_day + chrono::Days::new(days.saturating_sub(1) as u64))
                    .format("%m-%d")
            ),
            screen.theme.header,
        ));
        for (channel, series) in overview.intake.iter().take(rows_left - 1) {
            let total: u64 = series.iter().sum();
            let name = screen.pick(channel.zh(), channel.en());
            let room = width.saturating_sub(label_width + 10);
            let shown = &series[series.len().saturating_sub(room)..];
            out.push(Line::from(vec![
                Span::styled(pad(name, label_width), screen.theme.text),
                Span::styled(sparkline(shown), screen.theme.title),
                Span::styled(right(&total.to_string(), 9), screen.theme.muted),
            ]));
        }
    }
    out
}

/// Large digits: today's intake and the month's on-time completion.
fn headline(screen: &Screen<'_>, overview: &Overview, scale: usize) -> Vec<Line<'static>> {
    let today = overview.periods.first().map_or(0, |p| p.current.cases);
    let month = overview
        .periods
        .get(2)
        .and_then(|p| p.current.completion.rate());
    let month_text = month.map_or("-".to_string(), |r| format!("{:.1}%", r * 100.0));
    let (Some(a), Some(b)) = (
        super::digits::big_scaled(&today.to_string(), scale),
        super::digits::big_scaled(&month_text, scale),
    ) else {
        return Vec::new();
    };
    let style = month.map_or(screen.theme.muted, |r| {
        screen.band_style(screen.rules.band(r))
    });
    let mut out = vec![Line::styled(
        format!(
            "{}{}",
            pad(screen.pick("今日收件", "Received today"), 30 * scale),
            screen.pick("本月按期办结率", "On-time completion this month")
        ),
        screen.theme.header,
    )];
    for (left, rate) in a.iter().zip(b.iter()) {
        out.push(Line::from(vec![
            Span::styled(pad(left, 30 * scale), screen.theme.title),
            Span::styled(rate.clone(), style),
        ]));
    }
    out.push(Line::raw(""));
    out
}
