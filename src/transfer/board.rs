//! `xinfang export --board NAME`: a board's table as the board shows it — per leader, per county,
//! per warning, or the overview's indicators per period — with numbers as numbers. Boards carry no
//! personal data and no petition text.

use super::export::Cell;
use crate::domain::kpi::{Kpis, Ratio};
use crate::i18n::Lang;
use crate::store::board::BoardData;

/// A board's table: its headers and rows, in `lang`.
pub fn table(data: &BoardData, lang: Lang) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
    let text = |t: &str| Cell::Text(crate::text::sanitise(t).into_owned());
    let n = |v: u64| Cell::Number(v as i64);
    let county = |code: &str| {
        text(&crate::domain::region::name_in(code, lang).unwrap_or_else(|| code.to_string()))
    };
    let pick = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    match data {
        // The Meeting board's table: units ranked by overdue cases (`xinfang report` writes the
        // whole brief).
        BoardData::Meeting(brief) => (
            vec![
                pick("排名", "rank"),
                pick("责任单位", "unit"),
                pick("地区", "region"),
                pick("已超期", "overdue"),
                pick("临期", "due soon"),
            ],
            brief
                .deadlines
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    vec![
                        n(i as u64 + 1),
                        text(&u.unit),
                        county(&u.region),
                        n(u.overdue),
                        n(u.due_soon),
                    ]
                })
                .collect(),
        ),
        BoardData::Packages(rows) => (
            vec![
                pick("包案领导", "leader"),
                pick("层级", "level"),
                pick("职务", "title"),
                pick("地区", "region"),
                pick("包案件数", "cases"),
                pick("已化解", "resolved"),
                pick("五包落实项", "duties done"),
                pick("超期", "overdue"),
                pick("最早未结", "oldest open"),
            ],
            rows.iter()
                .map(|r| {
                    vec![
                        text(&r.leader.name),
                        text(lang.pick(r.leader.level.zh(), r.leader.level.code())),
                        text(&r.leader.title),
                        county(&r.leader.region),
                        n(r.cases),
                        n(r.resolved),
                        n(r.duties_done),
                        n(r.overdue),
                        r.oldest_open.map_or(Cell::Empty, Cell::Date),
                    ]
                })
                .collect(),
        ),
        BoardData::Backlog(board) => {
            let mut rows: Vec<Vec<Cell>> = board
                .counties
                .iter()
                .map(|c| {
                    vec![
                        county(&c.county),
                        n(c.backlog),
                        n(c.cleared),
                        c.rate().map_or(Cell::Empty, |r| Cell::Real(r * 100.0)),
                        n(c.cleared_before),
                    ]
                })
                .collect();
            let total = board.total();
            rows.push(vec![
                text(pick("合计", "total")),
                n(total.backlog),
                n(total.cleared),
                total.rate().map_or(Cell::Empty, |r| Cell::Real(r * 100.0)),
                n(total.cleared_before),
            ]);
            (
                vec![
                    pick("县区", "county"),
                    pick("积案", "backlog"),
                    pick("已化解", "cleared"),
                    pick("化解率%", "rate %"),
                    pick("昨日化解", "cleared yesterday"),
                ],
                rows,
            )
        }
        BoardData::Map(tiles) => (
            vec![
                pick("县区", "county"),
                pick("本周收件", "intake this week"),
                pick("超期", "overdue"),
                pick("积案", "backlog"),
                pick("已化解", "cleared"),
                pick("预警", "warnings"),
            ],
            tiles
                .iter()
                .map(|t| {
                    vec![
                        county(&t.county),
                        n(t.intake_week),
                        n(t.overdue),
                        n(t.backlog),
                        n(t.cleared),
                        n(t.warnings),
                    ]
                })
                .collect(),
        ),
        BoardData::Warnings(list) => (
            vec![
                pick("日期", "day"),
                pick("县区", "county"),
                pick("类型", "kind"),
                pick("原因", "reason"),
                pick("信访件", "cases"),
            ],
            list.iter()
                .map(|w| {
                    let (kind, reason) = crate::report::warning::describe_in(lang, w);
                    let numbers: Vec<&str> = w.cases.iter().map(|(_, n)| n.as_str()).collect();
                    vec![
                        Cell::Date(w.on),
                        county(&w.county),
                        text(&kind),
                        text(&reason),
                        text(&numbers.join(" ")),
                    ]
                })
                .collect(),
        ),
        BoardData::Overview(overview) => {
            let rate = |r: &Ratio| r.rate().map_or(Cell::Empty, |v| Cell::Real(v * 100.0));
            let kpis = |k: &Kpis| {
                vec![
                    n(k.cases),
                    rate(&k.online_share),
                    rate(&k.timely_disposal),
                    rate(&k.timely_acceptance),
                    rate(&k.completion),
                    rate(&k.participation),
                    rate(&k.satisfaction),
                    rate(&k.repeat_rate),
                    rate(&k.backlog_clearance),
                ]
            };
            let mut rows = Vec::new();
            for period in &overview.periods {
                for (which, k) in [
                    (pick("本期", "current"), &period.current),
                    (pick("上期同段", "previous"), &period.previous),
                ] {
                    let mut row = vec![
                        text(lang.pick(period.span.zh(), period.span.en())),
                        text(which),
                    ];
                    row.extend(kpis(k));
                    rows.push(row);
                }
            }
            (
                vec![
                    pick("期间", "period"),
                    pick("比较", "compared"),
                    pick("收件", "cases"),
                    pick("网上信访占比%", "online %"),
                    pick("及时转送率%", "timely disposal %"),
                    pick("及时受理率%", "timely acceptance %"),
                    pick("按期办结率%", "completion %"),
                    pick("参评率%", "participation %"),
                    pick("满意率%", "satisfaction %"),
                    pick("重复信访率%", "repeat %"),
                    pick("积案化解率%", "backlog clearance %"),
                ],
                rows,
            )
        }
    }
}
