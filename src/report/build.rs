//! Builds a `Report` from a `Brief`: each section's sentences, tables and charts, in Chinese or
//! English. Every number shown is read off the brief here, once.

use super::chart::{Chart, Kind, Series};
use super::indicators::{self, Unit};
use super::{Cell, Column, Options, Report, Section, Span, Table, change, thousands};
use crate::domain::board::Band;
use crate::domain::region;
use crate::domain::{Category, Channel, LeaderLevel};
use crate::i18n::Lang;
use crate::store::Filter;
use crate::store::board::{BacklogCounty, Reason};
use crate::store::brief::{Brief, IntakeCount, PeriodBrief, ReportKind};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// The report of `brief`.
pub fn build(brief: &Brief, options: Options<'_>) -> Report {
    let lang = options.lang;
    let region_name = region::name_in(&brief.region, lang).unwrap_or_else(|| brief.region.clone());
    let kind_name = match lang {
        Lang::Zh => brief.kind.zh(),
        Lang::En => brief.kind.en(),
    };
    let span = |p: &PeriodBrief| Span {
        from: p.period.from,
        to: p.period.to,
        as_of: p.seen,
    };
    let title = match lang {
        Lang::Zh => format!("{region_name}信访工作{kind_name}（{}）", brief.as_of),
        Lang::En => format!(
            "{region_name} petition work: {kind_name} report, {}",
            brief.as_of
        ),
    };
    let range = |p: &PeriodBrief| {
        if p.period.from == p.period.to {
            p.period.from.to_string()
        } else {
            format!("{}–{}", p.period.from, p.period.to)
        }
    };
    let subtitle = match lang {
        Lang::Zh => format!(
            "统计期 {}；环比 {}；同比 {}",
            range(&brief.current),
            range(&brief.previous),
            range(&brief.last_year)
        ),
        Lang::En => format!(
            "Period {}; against {} and a year earlier {}",
            range(&brief.current),
            range(&brief.previous),
            range(&brief.last_year)
        ),
    };
    let b = Builder {
        brief,
        options,
        lang,
    };
    let mut report = Report {
        kind: brief.kind,
        as_of: brief.as_of,
        region: brief.region.clone(),
        region_name,
        lang: match lang {
            Lang::Zh => "zh",
            Lang::En => "en",
        },
        title,
        subtitle,
        period: span(&brief.current),
        previous: span(&brief.previous),
        last_year: span(&brief.last_year),
        sections: vec![
            b.intake(),
            b.indicators(),
            b.deadlines(),
            b.packages(),
            b.backlog(),
            b.warnings(),
        ],
    };
    neutralise(&mut report);
    report
}

/// Makes every control character in the report's text visible: names of units, leaders and
/// campaigns come from the database and may carry terminal escapes.
fn neutralise(report: &mut Report) {
    let clean = |t: &mut String| {
        if let std::borrow::Cow::Owned(c) = crate::text::sanitise(t) {
            *t = c;
        }
    };
    clean(&mut report.title);
    for section in &mut report.sections {
        section.sentences.iter_mut().for_each(clean);
        for table in &mut section.tables {
            clean(&mut table.title);
            for row in &mut table.rows {
                for cell in row {
                    if let Cell::Text(t) = cell {
                        clean(t);
                    }
                }
            }
        }
        for chart in &mut section.charts {
            chart.labels.iter_mut().for_each(clean);
        }
    }
}

struct Builder<'a> {
    brief: &'a Brief,
    options: Options<'a>,
    lang: Lang,
}

fn col(key: &'static str, zh: &str, en: &str, lang: Lang) -> Column {
    Column {
        key,
        heading: lang.pick(zh, en).to_string(),
    }
}

fn percent(r: Option<f64>) -> String {
    Cell::Rate(r).shown()
}

/// The change between two rates in percentage points, as the two are printed (each to a tenth
/// of a percent), so the column agrees with the figures beside it.
fn points_between(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    now.zip(before)
        .map(|(a, b)| ((a * 1000.0).round() - (b * 1000.0).round()) / 10.0)
}

/// "up 8.2% from the period before", "the same as a year earlier", "a year earlier had none".
fn against(now: u64, before: u64, what: &str) -> String {
    match change(now, before) {
        None => format!("{what} had none"),
        Some(c) if c >= 0.0005 => format!("up {:.1}% from {what}", c * 100.0),
        Some(c) if c <= -0.0005 => format!("down {:.1}% from {what}", -c * 100.0),
        Some(_) => format!("the same as {what}"),
    }
}

/// Sums intake counts by a key.
fn sum_by<K: Ord>(counts: &[IntakeCount], key: impl Fn(&IntakeCount) -> K) -> BTreeMap<K, u64> {
    let mut out = BTreeMap::new();
    for c in counts {
        *out.entry(key(c)).or_insert(0) += c.cases;
    }
    out
}

impl Builder<'_> {
    fn pick<'s>(&self, zh: &'s str, en: &'s str) -> &'s str {
        self.lang.pick(zh, en)
    }

    /// "this week" as the sentences say it.
    fn period_word(&self) -> String {
        // A report on an earlier day names its day: "today" is the day it is read.
        let past = self.brief.as_of < self.brief.today;
        let day = self.brief.as_of;
        match (self.brief.kind, self.lang, past) {
            (ReportKind::Daily, Lang::Zh, false) => "今日".to_string(),
            (ReportKind::Weekly, Lang::Zh, false) => "本周".to_string(),
            (ReportKind::Monthly, Lang::Zh, false) => "本月".to_string(),
            (ReportKind::Daily, Lang::En, false) => "Today".to_string(),
            (ReportKind::Weekly, Lang::En, false) => "This week".to_string(),
            (ReportKind::Monthly, Lang::En, false) => "This month".to_string(),
            (ReportKind::Daily, Lang::Zh, true) => format!("{}月{}日", day.month(), day.day()),
            (ReportKind::Weekly, Lang::Zh, true) => "该周".to_string(),
            (ReportKind::Monthly, Lang::Zh, true) => format!("{}月", day.month()),
            (ReportKind::Daily, Lang::En, true) => format!("On {day}"),
            (ReportKind::Weekly, Lang::En, true) => "That week".to_string(),
            (ReportKind::Monthly, Lang::En, true) => format!("In {}", day.format("%B %Y")),
        }
    }

    /// "up 8.2%" / "下降8.2%" / "持平" against a base.
    fn moved(&self, now: u64, before: u64) -> String {
        match (change(now, before), self.lang) {
            (None, Lang::Zh) => "无可比数据".to_string(),
            (None, Lang::En) => "not comparable (none before)".to_string(),
            // Under a twentieth of a percent rounds to 0.0 %: unchanged.
            (Some(c), Lang::Zh) if c >= 0.0005 => format!("上升{:.1}%", c * 100.0),
            (Some(c), Lang::Zh) if c <= -0.0005 => format!("下降{:.1}%", -c * 100.0),
            (Some(_), Lang::Zh) => "持平".to_string(),
            (Some(c), Lang::En) if c >= 0.0005 => format!("up {:.1}%", c * 100.0),
            (Some(c), Lang::En) if c <= -0.0005 => format!("down {:.1}%", -c * 100.0),
            (Some(_), Lang::En) => "unchanged".to_string(),
        }
    }

    /// On a report for an earlier day: deadlines, packages and warnings are today's state.
    fn state_now_note(&self) -> Option<String> {
        let (today, day) = (self.brief.today, self.brief.as_of);
        (day < today).then(|| match self.lang {
            Lang::Zh => format!("注：此项按今日（{today}）的状态统计，不是{day}当日的状态。"),
            Lang::En => format!("Note: counted as things stand today ({today}), not as on {day}."),
        })
    }

    /// "up 2.1 points" / "提高2.1个百分点" / "持平" for a change of a rate.
    fn moved_points(&self, points: Option<f64>) -> String {
        match (points, self.lang) {
            (None, Lang::Zh) => "无可比数据".to_string(),
            (None, Lang::En) => "not comparable (none before)".to_string(),
            (Some(p), Lang::Zh) if p >= 0.05 => format!("提高{p:.1}个百分点"),
            (Some(p), Lang::Zh) if p <= -0.05 => format!("下降{:.1}个百分点", -p),
            (Some(_), Lang::Zh) => "持平".to_string(),
            (Some(p), Lang::En) if p >= 0.05 => format!("up {p:.1} points"),
            (Some(p), Lang::En) if p <= -0.05 => format!("down {:.1} points", -p),
            (Some(_), Lang::En) => "unchanged".to_string(),
        }
    }

    /// Names tied for first or last, read aloud: at most three, then how many in all
    /// (`counter_zh`: 个单位, 个县区).
    fn name_tied<S: AsRef<str>>(&self, names: &[S], counter_zh: &str) -> String {
        let first: Vec<&str> = names.iter().take(3).map(AsRef::as_ref).collect();
        match (self.lang, names.len()) {
            (Lang::Zh, n) if n > 3 => format!("{}等{n}{counter_zh}", first.join("、")),
            (Lang::Zh, _) => first.join("、"),
            (Lang::En, n) if n > 3 => format!("{} and {} more", first.join(", "), n - 3),
            (Lang::En, _) => first.join(", "),
        }
    }

    /// True when `code` (a city or county) is inside the report's region or contains it.
    fn touches_region(&self, code: &str) -> bool {
        code.starts_with(&self.brief.region) || self.brief.region.starts_with(code)
    }

    fn county_name(&self, code: &str) -> String {
        region::name_in(code, self.lang).unwrap_or_else(|| code.to_string())
    }

    fn category_name(&self, category: Option<Category>) -> String {
        match category {
            Some(c) => self.pick(c.zh(), c.en()).to_string(),
            None => self.pick("未分类", "unclassified").to_string(),
        }
    }

    fn received_filter(&self) -> Filter {
        let p = self.brief.current.period;
        Filter::ReceivedBetween(p.from, p.to.min(self.brief.as_of))
    }

    fn intake(&self) -> Section {
        let (cur, prev, ly) = (
            &self.brief.current,
            &self.brief.previous,
            &self.brief.last_year,
        );
        let total = |p: &PeriodBrief| p.intake.iter().map(|c| c.cases).sum::<u64>();
        let (n, n_prev, n_ly) = (total(cur), total(prev), total(ly));
        let online = cur
            .intake
            .iter()
            .filter(|c| c.channel == Channel::Online)
            .map(|c| c.cases)
            .sum::<u64>();
        let online_share = (n > 0).then(|| online as f64 / n as f64);
        let mut sentences = vec![match self.lang {
            Lang::Zh if n == 0 => format!(
                "{}未收到信访事项（上期{}件，去年同期{}件）。",
                self.period_word(),
                thousands(n_prev),
                thousands(n_ly)
            ),
            Lang::En if n == 0 => format!(
                "{} no petitions were received ({} in the period before, {} a year earlier).",
                self.period_word(),
                thousands(n_prev),
                thousands(n_ly)
            ),
            Lang::Zh => format!(
                "{}收到信访事项{}件，环比{}，同比{}，其中网上信访占{}。",
                self.period_word(),
                thousands(n),
                self.moved(n, n_prev),
                self.moved(n, n_ly),
                percent(online_share)
            ),
            Lang::En => format!(
                "{} {} received, {} and {}; {} came online.",
                self.period_word(),
                if n == 1 {
                    "1 petition was".to_string()
                } else {
                    format!("{} petitions were", thousands(n))
                },
                against(n, n_prev, "the period before"),
                against(n, n_ly, "a year earlier"),
                percent(online_share)
            ),
        }];
        // Rows keyed three ways, each with the period before and a year earlier.
        let three = |key: &dyn Fn(&IntakeCount) -> String| {
            let (a, b, c) = (
                sum_by(&cur.intake, key),
                sum_by(&prev.intake, key),
                sum_by(&ly.intake, key),
            );
            let mut keys: Vec<String> = a.keys().chain(b.keys()).chain(c.keys()).cloned().collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .map(|k| {
                    let get = |m: &BTreeMap<String, u64>| m.get(&k).copied().unwrap_or(0);
                    let row = (get(&a), get(&b), get(&c));
                    (k, row)
                })
                .collect::<Vec<_>>()
        };
        let numbers = |(now, before, year): (u64, u64, u64)| {
            vec![
                Cell::Count(now),
                Cell::Count(before),
                Cell::Change(change(now, before)),
                Cell::Count(year),
                Cell::Change(change(now, year)),
                Cell::Rate((n > 0).then(|| now as f64 / n as f64)),
            ]
        };
        let number_columns = |lang: Lang| {
            vec![
                col("cases", "件数", "Cases", lang),
                col("previous", "上期", "Before", lang),
                col("change", "环比", "Change", lang),
                col("last_year", "去年同期", "Year before", lang),
                col("year_change", "同比", "On a year", lang),
                col("share", "占比", "Share", lang),
            ]
        };
        let lang = self.lang;
        // By channel, in code order.
        let channels = three(&|c| c.channel.code().to_string());
        let mut rows = Vec::new();
        for channel in Channel::ALL {
            let row = channels
                .iter()
                .find(|(k, _)| k == channel.code())
                .map_or((0, 0, 0), |(_, r)| *r);
            let mut cells = vec![
                Cell::Text(channel.code().to_string()),
                Cell::Text(self.pick(channel.zh(), channel.en()).to_string()),
            ];
            cells.extend(numbers(row));
            rows.push(cells);
        }
        let mut columns = vec![
            col("channel", "代码", "Code", lang),
            col("name", "信访形式", "Channel", lang),
        ];
        columns.extend(number_columns(lang));
        let by_channel = Table {
            key: "intake_by_channel",
            title: self.pick("按信访形式", "By channel").to_string(),
            columns,
            rows,
        };
        // By city and county: each city's total, then its counties.
        let counties = three(&|c| c.county.clone());
        let mut rows = Vec::new();
        for city in region::CITIES.iter() {
            if !self.touches_region(city.code) {
                continue;
            }
            let inside: Vec<&(String, (u64, u64, u64))> = counties
                .iter()
                .filter(|(k, _)| k.starts_with(city.code))
                .collect();
            let sum = inside.iter().fold((0, 0, 0), |acc, (_, r)| {
                (acc.0 + r.0, acc.1 + r.1, acc.2 + r.2)
            });
            // A county's report has no city total: it would be the county again.
            if self.brief.region.len() <= city.code.len() {
                let mut cells = vec![
                    Cell::Text(city.code.to_string()),
                    Cell::Text(self.county_name(city.code)),
                    Cell::Text(self.pick("合计", "total").to_string()),
                ];
                cells.extend(numbers(sum));
                rows.push(cells);
            }
            for (code, row) in region::counties_of(city.code).map(|c| {
                let row = counties
                    .iter()
                    .find(|(k, _)| k == c.code)
                    .map_or((0, 0, 0), |(_, r)| *r);
                (c.code, row)
            }) {
                if !self.touches_region(code) {
                    continue;
                }
                let mut cells = vec![
                    Cell::Text(code.to_string()),
                    Cell::Text(self.county_name(city.code)),
                    Cell::Text(self.county_name(code)),
                ];
                cells.extend(numbers(row));
                rows.push(cells);
            }
        }
        let mut columns = vec![
            col("code", "代码", "Code", lang),
            col("city", "市", "City", lang),
            col("county", "县区", "County", lang),
        ];
        columns.extend(number_columns(lang));
        let by_county = Table {
            key: "intake_by_county",
            title: self.pick("按市、县区", "By city and county").to_string(),
            columns,
            rows,
        };
        // By category, largest first.
        let categories = three(&|c| c.category.map_or(String::new(), |c| c.code().to_string()));
        let mut ranked = categories.clone();
        ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        let rows = ranked
            .iter()
            .map(|(code, row)| {
                let mut cells = vec![
                    if code.is_empty() {
                        Cell::None
                    } else {
                        Cell::Text(code.clone())
                    },
                    Cell::Text(self.category_name(Category::from_code(code))),
                ];
                cells.extend(numbers(*row));
                cells
            })
            .collect();
        let mut columns = vec![
            col("category", "代码", "Code", lang),
            col("name", "内容分类", "Category", lang),
        ];
        columns.extend(number_columns(lang));
        let by_category = Table {
            key: "intake_by_category",
            title: self.pick("按内容分类", "By category").to_string(),
            columns,
            rows,
        };
        // Rising fastest: the largest increase on the period before.
        // The keys with the largest increase (all of them when tied), with the increase.
        fn rising(rows: &[(String, (u64, u64, u64))]) -> Option<(Vec<&String>, u64)> {
            let most = rows.iter().map(|(_, r)| r.0.saturating_sub(r.1)).max()?;
            (most > 0).then(|| {
                let keys = rows
                    .iter()
                    .filter(|(_, r)| r.0.saturating_sub(r.1) == most)
                    .map(|(k, _)| k)
                    .collect();
                (keys, most)
            })
        }
        // Cases not yet classified are not a matter that is rising.
        let classified: Vec<(String, (u64, u64, u64))> = categories
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .cloned()
            .collect();
        let top_category = rising(&classified).map(|(keys, d)| {
            let names: Vec<String> = keys
                .iter()
                .map(|k| self.category_name(Category::from_code(k)))
                .collect();
            (self.name_tied(&names, "个分类"), names.len(), d)
        });
        let top_county = rising(&counties).map(|(keys, d)| {
            let names: Vec<String> = keys.iter().map(|k| self.county_name(k)).collect();
            (self.name_tied(&names, "个县区"), names.len(), d)
        });
        let part = |zh: &str, en: (&str, &str), (names, n, d): (String, usize, u64)| match (
            self.lang, n,
        ) {
            (Lang::Zh, 1) => format!("{zh}“{names}”（增加{}件）", thousands(d)),
            (Lang::Zh, _) => format!("{zh}“{names}”（各增加{}件）", thousands(d)),
            (Lang::En, 1) => format!("the {} {names} (+{})", en.0, thousands(d)),
            (Lang::En, _) => format!("the {} {names} (+{} each)", en.1, thousands(d)),
        };
        let parts: Vec<String> = [
            top_category.map(|t| part("内容分类", ("category", "categories"), t)),
            top_county.map(|t| part("县区", ("county", "counties"), t)),
        ]
        .into_iter()
        .flatten()
        .collect();
        sentences.push(match (parts.is_empty(), self.lang) {
            (true, _) => self
                .pick(
                    "各内容分类和县区收件均未增加。",
                    "No category or county received more than before.",
                )
                .to_string(),
            (false, Lang::Zh) => format!("增长最快的是{}。", parts.join("和")),
            (false, Lang::En) => format!("Rising fastest: {}.", parts.join("; ")),
        });
        // Charts: intake by county, and the trend by channel.
        let county_rows: Vec<(String, f64)> = region::COUNTIES
            .iter()
            .filter(|c| self.touches_region(c.code))
            .map(|c| {
                let n = counties
                    .iter()
                    .find(|(k, _)| k == c.code)
                    .map_or(0, |(_, r)| r.0);
                (self.county_name(c.code), n as f64)
            })
            .collect();
        let mut charts = vec![Chart {
            key: "intake_by_county",
            title: match self.lang {
                Lang::Zh => format!("{}各县区收件", self.period_word()),
                Lang::En => format!("Intake by county, {}", self.period_word().to_lowercase()),
            },
            kind: Kind::Bar,
            labels: county_rows.iter().map(|(l, _)| l.clone()).collect(),
            series: vec![Series {
                name: self.pick("件数", "cases").to_string(),
                values: county_rows.iter().map(|(_, v)| *v).collect(),
            }],
            percent: false,
            target: None,
        }];
        charts.push(self.trend_chart());
        Section {
            key: "intake",
            heading: self.pick("一、信访总体情况", "1. Intake").to_string(),
            sentences,
            tables: vec![by_channel, by_county, by_category],
            charts,
            drill: Some((
                self.received_filter(),
                match self.lang {
                    Lang::Zh => format!("{}收件", self.period_word()),
                    Lang::En => format!("received {}", self.period_word().to_lowercase()),
                },
            )),
        }
    }

    /// Daily intake by channel, bucketed by day (daily), week (weekly) or month (monthly).
    fn trend_chart(&self) -> Chart {
        let first = self.brief.trend_from;
        let days = self.brief.trend.first().map_or(0, |(_, v)| v.len());
        let bucket = |i: usize| -> (String, NaiveDate) {
            let day = first
                .checked_add_days(chrono::Days::new(i as u64))
                .unwrap_or(first);
            match self.brief.kind {
                ReportKind::Daily => (day.format("%m-%d").to_string(), day),
                ReportKind::Weekly => {
                    let monday = day
                        .checked_sub_days(chrono::Days::new(u64::from(
                            day.weekday().num_days_from_monday(),
                        )))
                        .unwrap_or(day);
                    (monday.format("%m-%d").to_string(), monday)
                }
                ReportKind::Monthly => {
                    let month = day.with_day(1).unwrap_or(day);
                    (month.format("%Y-%m").to_string(), month)
                }
            }
        };
        let mut labels: Vec<(String, NaiveDate)> = Vec::new();
        let mut index = Vec::with_capacity(days);
        for i in 0..days {
            let b = bucket(i);
            if labels.last().is_none_or(|l| l.1 != b.1) {
                labels.push(b);
            }
            index.push(labels.len() - 1);
        }
        let series = self
            .brief
            .trend
            .iter()
            .map(|(channel, values)| {
                let mut sums = vec![0.0; labels.len()];
                for (i, v) in values.iter().enumerate() {
                    if let Some(slot) = index.get(i).and_then(|b| sums.get_mut(*b)) {
                        *slot += *v as f64;
                    }
                }
                Series {
                    name: self.pick(channel.zh(), channel.en()).to_string(),
                    values: sums,
                }
            })
            .collect();
        let what = match (self.brief.kind, self.lang) {
            (ReportKind::Daily, Lang::Zh) => "近14日每日收件（按信访形式）",
            (ReportKind::Weekly, Lang::Zh) => "近8周每周收件（按信访形式，标注为周一）",
            (ReportKind::Monthly, Lang::Zh) => "近12个月每月收件（按信访形式）",
            (ReportKind::Daily, Lang::En) => "Daily intake, last 14 days, by channel",
            (ReportKind::Weekly, Lang::En) => {
                "Weekly intake, last 8 weeks (from Monday), by channel"
            }
            (ReportKind::Monthly, Lang::En) => "Monthly intake, last 12 months, by channel",
        };
        // The last week or month runs only to the report's day: marked, so a short bar does not
        // read as a fall.
        let as_of = self.brief.as_of;
        let partial = match self.brief.kind {
            ReportKind::Daily => false,
            ReportKind::Weekly => as_of.weekday() != chrono::Weekday::Sun,
            ReportKind::Monthly => as_of
                .checked_add_days(chrono::Days::new(1))
                .is_some_and(|next| next.day() != 1),
        };
        let mut labels: Vec<String> = labels.into_iter().map(|(l, _)| l).collect();
        let mut title = what.to_string();
        if partial && let Some(last) = labels.last_mut() {
            last.push('*');
            title.push_str(&match self.lang {
                Lang::Zh => format!("；*截至{}", as_of.format("%m-%d")),
                Lang::En => format!("; * to {}", as_of.format("%m-%d")),
            });
        }
        Chart {
            key: "intake_trend",
            title,
            kind: Kind::Stacked,
            labels,
            series,
            percent: false,
            target: None,
        }
    }

    fn band(&self, rate: Option<f64>) -> Option<Band> {
        rate.map(|r| self.options.boards.band(r))
    }

    fn band_text(&self, band: Option<Band>) -> String {
        band.map_or_else(
            || "—".to_string(),
            |b| format!("{} {}", b.symbol(), self.pick(b.zh(), b.en())),
        )
    }

    fn indicators(&self) -> Section {
        let lang = self.lang;
        let (now, before) = (&self.brief.current.kpis, &self.brief.previous.kpis);
        let mut rows = Vec::new();
        let mut below = Vec::new();
        let banded = indicators::ALL
            .iter()
            .filter(|i| indicators::is_banded(i.key))
            .count();
        let mut measured = 0;
        for i in &indicators::ALL {
            let m = (i.pick)(now);
            let p = (i.pick)(before);
            let name = self.pick(i.zh, i.en).to_string();
            let value = match i.unit {
                Unit::Rate => Cell::Rate(m.value),
                Unit::Days => Cell::Days(m.value),
                Unit::Count(_) => Cell::Count(m.num),
            };
            let previous = match i.unit {
                Unit::Rate => Cell::Rate(p.value),
                Unit::Days => Cell::Days(p.value),
                Unit::Count(_) => Cell::Count(p.num),
            };
            // A rate moves in points; a count or a mean in percent: two columns, never mixed.
            let (moved, points) = match i.unit {
                Unit::Rate => (Cell::None, Cell::Points(points_between(m.value, p.value))),
                Unit::Days => (
                    Cell::Change(
                        m.value
                            .zip(p.value)
                            .and_then(|(a, b)| (b > 0.0).then(|| (a - b) / b)),
                    ),
                    Cell::None,
                ),
                Unit::Count(_) => (Cell::Change(change(m.num, p.num)), Cell::None),
            };
            let band = if indicators::is_banded(i.key) {
                self.band(m.value)
            } else {
                None
            };
            if matches!(band, Some(Band::Watch | Band::Poor)) {
                // Read aloud: the name without its number in domain.md §8.
                let spoken = name.split_once(' ').map_or(name.as_str(), |(_, n)| n);
                below.push(match lang {
                    Lang::Zh => format!("{spoken}{}（{}）", percent(m.value), self.band_text(band)),
                    Lang::En => format!(
                        "{} {} ({})",
                        spoken.to_lowercase(),
                        percent(m.value),
                        self.band_text(band)
                    ),
                });
            }
            if band.is_some() {
                measured += 1;
            }
            rows.push(vec![
                Cell::Text(i.key.to_string()),
                Cell::Text(name),
                Cell::Count(m.num),
                m.den.map_or(Cell::None, Cell::Count),
                value,
                band.map_or(Cell::None, |b| Cell::Coded {
                    code: b.code().to_string(),
                    shown: self.band_text(Some(b)),
                }),
                previous,
                moved,
                points,
            ]);
        }
        let short = |k: &crate::domain::kpi::Ratio| percent(k.rate());
        let mut sentences = vec![match lang {
            Lang::Zh => format!(
                "及时处理率{}，及时受理率{}，按期办结率{}，参评率{}，满意率{}，平均办理{}天。",
                short(&now.timely_disposal),
                short(&now.timely_acceptance),
                short(&now.completion),
                short(&now.participation),
                short(&now.satisfaction),
                now.average_handling_days()
                    .map_or_else(|| "—".to_string(), |d| format!("{d:.1}"))
            ),
            Lang::En => format!(
                "Timely disposal {}, timely acceptance {}, on-time completion {}, participation {}, satisfaction {}; replies took {} days on average.",
                short(&now.timely_disposal),
                short(&now.timely_acceptance),
                short(&now.completion),
                short(&now.participation),
                short(&now.satisfaction),
                now.average_handling_days()
                    .map_or_else(|| "—".to_string(), |d| format!("{d:.1}"))
            ),
        }];
        if measured == 0 {
            // Nothing to read out but that.
            sentences.clear();
        }
        sentences.push(if measured == 0 {
            self.pick(
                "本期没有可计算的比率指标。",
                "No rate could be measured in this period.",
            )
            .to_string()
        } else if below.is_empty() {
            let unmeasured = banded.saturating_sub(measured);
            match (lang, unmeasured) {
                (Lang::Zh, 0) => "各项考核比率均达标。".to_string(),
                (Lang::Zh, n) => format!("可计算的{measured}项考核比率均达标（另{n}项本期无数据）。"),
                (Lang::En, 0) => "Every banded rate is at or above its target.".to_string(),
                (Lang::En, n) => format!(
                    "The {measured} banded rates that could be measured are at or above target ({n} had no data)."
                ),
            }
        } else {
            match lang {
                Lang::Zh => format!("未达标：{}。", below.join("，")),
                Lang::En => format!("Below target: {}.", below.join(", ")),
            }
        });
        Section {
            key: "indicators",
            heading: self.pick("二、主要指标", "2. Indicators").to_string(),
            sentences,
            tables: vec![Table {
                key: "indicators",
                title: self
                    .pick("指标（分子/分母）", "Indicators (numerator / denominator)")
                    .to_string(),
                columns: vec![
                    col("indicator", "代码", "Key", lang),
                    col("name", "指标", "Indicator", lang),
                    col("num", "分子", "Numerator", lang),
                    col("den", "分母", "Denominator", lang),
                    col("value", "数值", "Value", lang),
                    col("band", "达标", "Band", lang),
                    col("previous", "上期", "Before", lang),
                    col("change", "环比", "Change", lang),
                    col("points", "变化(百分点)", "Change (points)", lang),
                ],
                rows,
            }],
            charts: Vec::new(),
            drill: None,
        }
    }

    fn deadlines(&self) -> Section {
        let lang = self.lang;
        let list = &self.brief.deadlines;
        let (unit_soon, unit_overdue) = list
            .iter()
            .fold((0, 0), |acc, u| (acc.0 + u.due_soon, acc.1 + u.overdue));
        // The totals are the console's due-soon and overdue queues; the units' share of them is
        // the table, the rest still lies with the bureau (not yet forwarded or assigned).
        let (soon, overdue) = (self.brief.due_soon, self.brief.overdue);
        let bureau = (soon + overdue).saturating_sub(unit_soon + unit_overdue);
        let days = self.brief.due_soon_days;
        // The units with the most overdue cases (all of them when tied; at most three named).
        let most = list.first().map_or(0, |u| u.overdue);
        let tied: Vec<&str> = list
            .iter()
            .filter(|u| most > 0 && u.overdue == most)
            .map(|u| u.unit.as_str())
            .collect();
        let worst = (!tied.is_empty()).then(|| (self.name_tied(&tied, "个单位"), most));
        let mut first = match lang {
            Lang::Zh => format!(
                "在办事项{days}日内到期{}件、已超期{}件",
                thousands(soon),
                thousands(overdue)
            ),
            Lang::En => format!(
                "{} open {} due within {days} days and {} are overdue",
                thousands(soon),
                if soon == 1 {
                    "case falls"
                } else {
                    "cases fall"
                },
                thousands(overdue)
            ),
        };
        if bureau > 0 {
            first.push_str(&match lang {
                Lang::Zh => format!(
                    "（以上共{}件尚在信访部门，尚未转送或交办）",
                    thousands(bureau)
                ),
                Lang::En => format!(
                    " ({} of these still with the bureau, not yet forwarded or assigned)",
                    thousands(bureau)
                ),
            });
        }
        first.push_str(&match (worst, lang) {
            (Some((names, n)), Lang::Zh) => {
                format!(
                    "；超期最多的单位是{names}（{}{}件）。",
                    if tied.len() > 1 { "各" } else { "" },
                    thousands(n)
                )
            }
            (None, Lang::Zh) => "。".to_string(),
            (Some((names, n)), Lang::En) => {
                let each = if tied.len() > 1 { " each" } else { "" };
                format!("; the most overdue: {names} ({}{each}).", thousands(n))
            }
            (None, Lang::En) => ".".to_string(),
        });
        let mut sentences = vec![first];
        sentences.extend(self.state_now_note());
        let mut rows: Vec<Vec<Cell>> = list
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![
                    Cell::Count(i as u64 + 1),
                    Cell::Text(u.unit.clone()),
                    Cell::Text(self.county_name(&u.region)),
                    Cell::Count(u.overdue),
                    Cell::Count(u.due_soon),
                ]
            })
            .collect();
        // The cases still with the bureau, so the table adds up to the sentence.
        if bureau > 0 {
            rows.push(vec![
                Cell::None,
                Cell::Text(
                    self.pick(
                        "信访部门（尚未转送或交办）",
                        "the bureau (not yet forwarded or assigned)",
                    )
                    .to_string(),
                ),
                Cell::Text(self.county_name(&self.brief.region)),
                Cell::Count(overdue.saturating_sub(unit_overdue)),
                Cell::Count(soon.saturating_sub(unit_soon)),
            ]);
        }
        Section {
            key: "deadlines",
            heading: self.pick("三、办理时限", "3. Deadlines").to_string(),
            sentences,
            tables: vec![Table {
                key: "deadlines_by_unit",
                title: self
                    .pick(
                        "各责任单位超期与临期（按超期排序）",
                        "Units ranked by overdue cases",
                    )
                    .to_string(),
                columns: vec![
                    col("rank", "排名", "Rank", lang),
                    col("unit", "责任单位", "Unit", lang),
                    col("region", "地区", "Region", lang),
                    col("overdue", "已超期", "Overdue", lang),
                    col("due_soon", "临期", "Due soon", lang),
                ],
                rows,
            }],
            charts: Vec::new(),
            drill: Some((
                Filter::DueBefore(crate::domain::calendar::add_days(
                    crate::domain::calendar::add_days(self.brief.today, days),
                    1,
                )),
                self.pick("临期和超期", "due soon or overdue").to_string(),
            )),
        }
    }

    fn packages(&self) -> Section {
        let lang = self.lang;
        let rows = &self.brief.packages;
        // Cases, resolved, duties done and overdue of some leaders' packages.
        let sums = |rows: &mut dyn Iterator<Item = &crate::store::board::PackageRow>| {
            rows.fold((0, 0, 0, 0), |a, r| {
                (
                    a.0 + r.cases,
                    a.1 + r.resolved,
                    a.2 + r.duties_done,
                    a.3 + r.overdue,
                )
            })
        };
        let (cases, resolved, duties, overdue) = sums(&mut rows.iter());
        let rate = |num: u64, den: u64| (den > 0).then(|| num as f64 / den as f64);
        let sentences = vec![match lang {
            Lang::Zh => format!(
                "{}名领导包案{}件，已化解{}件（{}），五包责任完成{}，超期{}件。",
                rows.len(),
                thousands(cases),
                thousands(resolved),
                percent(rate(resolved, cases)),
                percent(rate(duties, cases * 5)),
                thousands(overdue)
            ),
            Lang::En => format!(
                "{} {} {} packaged {}: {} resolved ({}), five duties {} done, {} overdue.",
                rows.len(),
                if rows.len() == 1 {
                    "leader holds"
                } else {
                    "leaders hold"
                },
                thousands(cases),
                if cases == 1 { "case" } else { "cases" },
                thousands(resolved),
                percent(rate(resolved, cases)),
                percent(rate(duties, cases * 5)),
                thousands(overdue)
            ),
        }];
        let mut sentences = sentences;
        sentences.extend(self.state_now_note());
        let mut by_level = Vec::new();
        for level in LeaderLevel::ALL {
            let at: Vec<_> = rows.iter().filter(|r| r.leader.level == *level).collect();
            if at.is_empty() {
                continue;
            }
            let (c, res, d, o) = sums(&mut at.iter().copied());
            by_level.push(vec![
                Cell::Text(level.code().to_string()),
                Cell::Text(self.pick(level.zh(), level.en()).to_string()),
                Cell::Count(at.len() as u64),
                Cell::Count(c),
                Cell::Count(res),
                Cell::Rate(rate(res, c)),
                Cell::Rate(rate(d, c * 5)),
                Cell::Count(o),
            ]);
        }
        let mut leaders: Vec<_> = rows.iter().collect();
        let rank = |l: LeaderLevel| LeaderLevel::ALL.iter().position(|x| *x == l);
        leaders.sort_by(|a, b| {
            rank(a.leader.level)
                .cmp(&rank(b.leader.level))
                .then_with(|| b.overdue.cmp(&a.overdue))
                .then_with(|| a.leader.name.cmp(&b.leader.name))
        });
        let per_leader = leaders
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(
                        self.pick(r.leader.level.zh(), r.leader.level.en())
                            .to_string(),
                    ),
                    Cell::Text(r.leader.name.clone()),
                    Cell::Text(r.leader.title.clone()),
                    Cell::Count(r.cases),
                    Cell::Count(r.resolved),
                    Cell::Rate(r.duty_rate()),
                    Cell::Count(r.overdue),
                    r.oldest_open.map_or(Cell::None, |d| {
                        Cell::Count((self.brief.as_of - d).num_days().max(0) as u64)
                    }),
                ]
            })
            .collect();
        Section {
            key: "packages",
            heading: self.pick("四、领导包案", "4. Leader packages").to_string(),
            sentences,
            tables: vec![
                Table {
                    key: "packages_by_level",
                    title: self.pick("按层级", "By level").to_string(),
                    columns: vec![
                        col("level", "代码", "Code", lang),
                        col("name", "层级", "Level", lang),
                        col("leaders", "领导数", "Leaders", lang),
                        col("cases", "包案", "Cases", lang),
                        col("resolved", "已化解", "Resolved", lang),
                        col("resolved_rate", "化解率", "Resolved rate", lang),
                        col("duties", "五包完成率", "Five duties", lang),
                        col("overdue", "超期", "Overdue", lang),
                    ],
                    rows: by_level,
                },
                Table {
                    key: "packages_by_leader",
                    title: self.pick("各包案领导", "Each leader").to_string(),
                    columns: vec![
                        col("level", "层级", "Level", lang),
                        col("leader", "领导", "Leader", lang),
                        col("title", "职务", "Title", lang),
                        col("cases", "包案", "Cases", lang),
                        col("resolved", "已化解", "Resolved", lang),
                        col("duties", "五包完成率", "Five duties", lang),
                        col("overdue", "超期", "Overdue", lang),
                        col("oldest_days", "最久在办(天)", "Oldest open (days)", lang),
                    ],
                    rows: per_leader,
                },
            ],
            charts: Vec::new(),
            drill: Some((
                Filter::Packaged,
                self.pick("领导包案", "packaged").to_string(),
            )),
        }
    }

    fn backlog(&self) -> Section {
        let lang = self.lang;
        let board = &self.brief.backlog;
        let total = board.total();
        // The rate as of the last report, over the same backlog cases.
        let rate_before =
            |c: &BacklogCounty| (c.backlog > 0).then(|| c.cleared_before as f64 / c.backlog as f64);
        let target = board.campaign.as_ref().map(|c| c.target);
        let name = board.campaign.as_ref().map_or_else(
            || self.pick("全部积案", "All backlog cases").to_string(),
            |c| c.name.clone(),
        );
        let points = |now: Option<f64>, then: Option<f64>| points_between(now, then);
        // The cases behind the section: the campaign's backlog, when one is shown.
        let mut parts = vec![Filter::Backlog(self.brief.as_of)];
        if let Some(c) = &board.campaign {
            parts.push(Filter::Campaign(c.id));
        }
        let backlog_filter = Filter::And(parts);
        let mut ranked: Vec<&BacklogCounty> =
            board.counties.iter().filter(|c| c.backlog > 0).collect();
        ranked.sort_by(|a, b| {
            b.rate()
                .unwrap_or(0.0)
                .total_cmp(&a.rate().unwrap_or(0.0))
                .then_with(|| a.county.cmp(&b.county))
        });
        let lowest = ranked.last();
        let moved_points = points(total.rate(), rate_before(&total));
        let gap = points_between(total.rate(), target);
        let mut sentences = vec![match lang {
            Lang::Zh => format!(
                "{}积案{}件，已化解{}件，化解率{}{}，较上期{}。",
                if board.campaign.is_some() {
                    format!("“{name}”")
                } else {
                    name.clone()
                },
                thousands(total.backlog),
                thousands(total.cleared),
                percent(total.rate()),
                target.map_or(String::new(), |t| format!("（目标{:.0}%）", t * 100.0)),
                self.moved_points(moved_points)
            ),
            Lang::En => format!(
                "{}: {} backlog cases, {} cleared, a clearance rate of {}{}, {} since the last report.",
                name,
                thousands(total.backlog),
                thousands(total.cleared),
                percent(total.rate()),
                target.map_or(String::new(), |t| format!(" (target {:.0}%)", t * 100.0)),
                self.moved_points(moved_points)
            ),
        }];
        // The lowest county, when there are counties to compare; and the gap to the target.
        // The lowest counties, when the rates differ at all (tied ones named together, at most
        // three).
        let highest = ranked.first().and_then(|c| c.rate());
        let lowest = lowest
            .and_then(|low| low.rate())
            .filter(|low| highest.is_some_and(|high| high > *low))
            .map(|low| {
                let tied: Vec<String> = ranked
                    .iter()
                    .filter(|c| c.rate() == Some(low))
                    .map(|c| self.county_name(&c.county))
                    .collect();
                let verb = if tied.len() > 1 { "are" } else { "is" };
                (self.name_tied(&tied, "个县区"), percent(Some(low)), verb)
            });
        let short = gap.filter(|g| *g < 0.0).map(|g| -g);
        match (lang, short, lowest) {
            (_, None, None) => {}
            (Lang::Zh, Some(g), None) => sentences.push(format!("距目标差{g:.1}个百分点。")),
            (Lang::Zh, Some(g), Some((county, rate, _))) => sentences.push(format!(
                "距目标差{g:.1}个百分点，化解率最低的是{county}（{rate}）。"
            )),
            (Lang::Zh, None, Some((county, rate, _))) => {
                sentences.push(format!("化解率最低的是{county}（{rate}）。"));
            }
            (Lang::En, Some(g), None) => {
                sentences.push(format!("{g:.1} points short of the target."));
            }
            (Lang::En, Some(g), Some((county, rate, verb))) => sentences.push(format!(
                "{g:.1} points short of the target; the lowest {verb} {county} ({rate})."
            )),
            (Lang::En, None, Some((county, rate, verb))) => {
                sentences.push(format!("The lowest {verb} {county} ({rate})."));
            }
        }
        // A campaign is part of the backlog: indicator 8 counts every backlog case.
        if board.campaign.is_some() {
            let all = self.brief.current.kpis.backlog_clearance;
            sentences.push(match lang {
                Lang::Zh => format!(
                    "全部积案{}件，化解率{}（指标8）。",
                    thousands(all.den),
                    percent(all.rate())
                ),
                Lang::En => format!(
                    "All backlog cases: {}, cleared {} (indicator 8).",
                    thousands(all.den),
                    percent(all.rate())
                ),
            });
        }
        let row = |c: &BacklogCounty, rank: Option<usize>, label: String| {
            let mut cells = vec![
                rank.map_or(Cell::None, |r| Cell::Count(r as u64)),
                Cell::Text(c.county.clone()),
                Cell::Text(label),
                Cell::Count(c.backlog),
                Cell::Count(c.cleared),
                Cell::Rate(c.rate()),
            ];
            cells.push(Cell::Points(points_between(c.rate(), target)));
            cells.push(Cell::Count(c.cleared.saturating_sub(c.cleared_before)));
            cells.push(Cell::Points(points(c.rate(), rate_before(c))));
            cells
        };
        let columns = vec![
            col("rank", "排名", "Rank", lang),
            col("code", "代码", "Code", lang),
            col("region", "地区", "Region", lang),
            col("backlog", "积案", "Backlog", lang),
            col("cleared", "已化解", "Cleared", lang),
            col("rate", "化解率", "Rate", lang),
            col("to_target", "距目标(百分点)", "To target (points)", lang),
            col("cleared_since", "较上期新化解", "Cleared since last", lang),
            col(
                "rate_change",
                "化解率变化(百分点)",
                "Rate change (points)",
                lang,
            ),
        ];
        let ranking = ranked
            .iter()
            .map(|c| {
                // Equal rates share a rank (1, 1, 3), as the backlog board ranks them.
                let rank = 1 + ranked
                    .iter()
                    .filter(|o| o.rate().unwrap_or(0.0) > c.rate().unwrap_or(0.0))
                    .count();
                row(c, Some(rank), self.county_name(&c.county))
            })
            .collect();
        let mut cities = Vec::new();
        for city in region::CITIES.iter() {
            let mut sum = BacklogCounty {
                county: city.code.to_string(),
                ..BacklogCounty::default()
            };
            let mut any = false;
            for c in board
                .counties
                .iter()
                .filter(|c| c.county.starts_with(city.code))
            {
                sum.add(c);
                any = true;
            }
            // A county's report has no city totals: they would be the county again.
            if any && self.brief.region.len() <= city.code.len() {
                cities.push(row(&sum, None, self.county_name(city.code)));
            }
        }
        let mut charts = Vec::new();
        if self.brief.kind != ReportKind::Daily && total.backlog > 0 {
            // The clearance rate at the end of each day of the board's chart.
            let days = board.cleared_by_day.len();
            let values: Vec<f64> = board
                .cleared_by_day
                .iter()
                .map(|n| *n as f64 / total.backlog as f64)
                .collect();
            charts.push(Chart {
                key: "clearance_trend",
                title: match lang {
                    Lang::Zh if target.is_some() => format!("近{days}日积案化解率（虚线为目标）"),
                    Lang::Zh => format!("近{days}日积案化解率"),
                    Lang::En if target.is_some() => {
                        format!("Backlog clearance rate, last {days} days (dashed: the target)")
                    }
                    Lang::En => format!("Backlog clearance rate, last {days} days"),
                },
                kind: Kind::Line,
                labels: (0..days)
                    .map(|i| {
                        (board.first_day + chrono::Days::new(i as u64))
                            .format("%m-%d")
                            .to_string()
                    })
                    .collect(),
                series: vec![Series {
                    name: self.pick("化解率", "clearance").to_string(),
                    values,
                }],
                percent: true,
                target,
            });
        }
        Section {
            key: "backlog",
            heading: self
                .pick("五、积案化解（挂图作战）", "5. Backlog clearance")
                .to_string(),
            sentences,
            tables: vec![
                Table {
                    key: "backlog_ranking",
                    title: self
                        .pick("县区化解率排名", "Counties ranked by clearance rate")
                        .to_string(),
                    columns: columns.clone(),
                    rows: ranking,
                },
                Table {
                    key: "backlog_by_city",
                    title: self.pick("各市合计", "Each city").to_string(),
                    columns,
                    rows: cities,
                },
            ],
            charts,
            drill: Some((
                backlog_filter,
                format!("{name} {}", self.pick("积案", "backlog")),
            )),
        }
    }

    fn warnings(&self) -> Section {
        let lang = self.lang;
        // The deadline warnings are section 3's table.
        let warnings: Vec<_> = self
            .brief
            .warnings_in_period()
            .filter(|w| !matches!(w.reason, Reason::Deadlines { .. }))
            .collect();
        let kind_of = |r: &Reason| match r {
            Reason::Cluster { .. } => ("cluster", "聚集", "cluster", "clusters"),
            Reason::Flagged { .. } => ("flagged", "重点件", "flagged case", "flagged cases"),
            Reason::Surge { .. } => ("surge", "收件激增", "intake surge", "intake surges"),
            Reason::Deadlines { .. } => ("deadlines", "时限", "deadlines", "deadlines"),
        };
        let mut by_kind: BTreeMap<&str, (usize, &str, &str, &str)> = BTreeMap::new();
        for w in &warnings {
            let (k, zh, en, ens) = kind_of(&w.reason);
            by_kind.entry(k).or_insert((0, zh, en, ens)).0 += 1;
        }
        let (now, before) = (&self.brief.current.kpis, &self.brief.previous.kpis);
        let kinds: Vec<String> = by_kind
            .values()
            .map(|(n, zh, en, ens)| match lang {
                Lang::Zh => format!("{zh}{n}条"),
                Lang::En => format!("{n} {}", if *n == 1 { en } else { ens }),
            })
            .collect();
        // Warnings are the board's, standing today: those that arose in the period are listed.
        let today_only = self.brief.current.period.from == self.brief.today
            && self.brief.current.period.to == self.brief.today;
        let today = self.brief.today;
        let n = warnings.len();
        let plural = if n == 1 { "warning" } else { "warnings" };
        let mut sentences = vec![match lang {
            Lang::Zh if n == 0 && today_only => "今日无聚集、重点件或收件激增预警。".to_string(),
            Lang::Zh if n == 0 => {
                format!(
                    "{today}在册的预警中，没有{}发生的聚集、重点件或收件激增。",
                    self.period_word()
                )
            }
            Lang::Zh if today_only => format!("今日预警{n}条：{}。", kinds.join("、")),
            Lang::Zh => format!(
                "{today}在册的预警中，{}发生的{n}条：{}。",
                self.period_word(),
                kinds.join("、")
            ),
            Lang::En if n == 0 && today_only => {
                "Today: no cluster, flagged case or intake surge.".to_string()
            }
            Lang::En if n == 0 => format!(
                "Of the warnings standing on {today}, none (cluster, flagged case or surge) arose in this period."
            ),
            Lang::En if today_only => format!("Today: {n} early {plural} ({}).", kinds.join(", ")),
            Lang::En => format!(
                "Of the warnings standing on {today}, {n} arose in this period ({}).",
                kinds.join(", ")
            ),
        }];
        let repeats = match lang {
            Lang::Zh => format!(
                "重复信访{}件，占收件的{}，环比{}",
                thousands(now.repeat_rate.num),
                percent(now.repeat_rate.rate()),
                self.moved(now.repeat_rate.num, before.repeat_rate.num),
            ),
            Lang::En => format!(
                "Repeat petitions: {} ({} of intake), {}",
                thousands(now.repeat_rate.num),
                percent(now.repeat_rate.rate()),
                against(
                    now.repeat_rate.num,
                    before.repeat_rate.num,
                    "the period before"
                ),
            ),
        };
        let (batches, before_batches) = (now.collective_batches, before.collective_batches);
        let collective = match lang {
            Lang::Zh if batches == 0 && before_batches == 0 => "本期和上期均无集体访".to_string(),
            Lang::En if batches == 0 && before_batches == 0 => {
                "no collective visit in this period or the one before".to_string()
            }
            Lang::Zh => format!(
                "集体访{}批{}人次，批次环比{}",
                thousands(batches),
                thousands(now.collective_persons),
                self.moved(batches, before_batches)
            ),
            Lang::En => format!(
                "collective visits: {} with {} persons, batches {}",
                thousands(batches),
                thousands(now.collective_persons),
                self.moved(batches, before_batches)
            ),
        };
        sentences.push(match lang {
            Lang::Zh => format!("{repeats}；{collective}。"),
            Lang::En => format!("{repeats}; {collective}."),
        });
        let rows = warnings
            .iter()
            .map(|w| {
                let (key, zh, en, _) = kind_of(&w.reason);
                let (_, detail) = crate::report::warning::describe_in(lang, w);
                vec![
                    Cell::Text(w.on.to_string()),
                    Cell::Text(self.county_name(&w.county)),
                    Cell::Text(key.to_string()),
                    Cell::Text(self.pick(zh, en).to_string()),
                    Cell::Text(detail),
                    Cell::Text(
                        w.cases
                            .iter()
                            .map(|(_, n)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                ]
            })
            .collect();
        let trend = |key: &'static str, zh: &str, en: &str, a: u64, b: u64| {
            vec![
                Cell::Text(key.to_string()),
                Cell::Text(self.pick(zh, en).to_string()),
                Cell::Count(a),
                Cell::Count(b),
                Cell::Change(change(a, b)),
            ]
        };
        Section {
            key: "warnings",
            heading: self
                .pick(
                    "六、预警、重复信访与集体访",
                    "6. Warnings, repeats and collective visits",
                )
                .to_string(),
            sentences,
            tables: vec![
                Table {
                    key: "warnings",
                    title: self.pick("预警", "Early warnings").to_string(),
                    columns: vec![
                        col("day", "日期", "Day", lang),
                        col("county", "县区", "County", lang),
                        col("kind", "类型代码", "Kind code", lang),
                        col("kind_name", "类型", "Kind", lang),
                        col("detail", "情况", "Detail", lang),
                        col("cases", "涉及件", "Cases", lang),
                    ],
                    rows,
                },
                Table {
                    key: "repeats_and_collective",
                    title: self
                        .pick("重复信访与集体访", "Repeats and collective visits")
                        .to_string(),
                    columns: vec![
                        col("measure", "代码", "Key", lang),
                        col("name", "项目", "Measure", lang),
                        col("current", "本期", "This period", lang),
                        col("previous", "上期", "Before", lang),
                        col("change", "环比", "Change", lang),
                    ],
                    rows: vec![
                        trend(
                            "repeat_cases",
                            "重复信访件数",
                            "Repeat petitions",
                            now.repeat_rate.num,
                            before.repeat_rate.num,
                        ),
                        trend(
                            "collective_batches",
                            "集体访批次",
                            "Collective visits (batches)",
                            now.collective_batches,
                            before.collective_batches,
                        ),
                        trend(
                            "collective_persons",
                            "集体访人次",
                            "Collective visits (persons)",
                            now.collective_persons,
                            before.collective_persons,
                        ),
                    ],
                },
            ],
            charts: Vec::new(),
            drill: None,
        }
    }
}
