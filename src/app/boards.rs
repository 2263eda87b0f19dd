//! The boards inside the console: opening and switching boards, their choices (leader level,
//! campaign, map indicator), moving the selection, and drilling down from a line or tile to its
//! cases, which open as a queue of their own. Pure: changes the state and returns effects.

use super::action::Action;
use super::state::{BoardView, Effect, Focus, Msg, QueueDef, State};
use crate::domain::LeaderLevel;
use crate::domain::board::{BoardKind, Indicator};
use crate::domain::region;
use crate::store::board::{BoardData, BoardQuery, Reason};
use crate::store::{Filter, Sort, SortKey};

/// The queue a drill-down opens.
pub const DRILL_QUEUE: &str = "board-drill";

/// Shows the boards on `kind` (or the last board shown) and loads it.
pub fn open(state: &mut State, kind: Option<BoardKind>) -> Vec<Effect> {
    let view = state
        .board
        .get_or_insert_with(|| BoardView::new(BoardKind::Overview));
    if let Some(kind) = kind
        && kind != view.kind
    {
        view.kind = kind;
        view.data = None;
        view.selected = 0;
        // A column number means another column on another board.
        view.sort = None;
    }
    state.board_shown = true;
    load(state)
}

/// The effect that loads the shown board.
pub fn load(state: &mut State) -> Vec<Effect> {
    let Some(view) = &state.board else {
        return Vec::new();
    };
    if !state.board_shown {
        return Vec::new();
    }
    let request = state.requests.issue();
    state.requests.board = request;
    vec![Effect::LoadBoard {
        request,
        kind: view.kind,
        query: BoardQuery {
            as_of: state.scope.today,
            region: state.scope.region.clone(),
            campaign: view.campaign,
        },
    }]
}

/// `write-report`: today's brief as an HTML page in the export directory.
fn write_report(state: &mut State) -> Vec<Effect> {
    state.status = Some(state.lang.pick("正在写简报…", "writing the brief…").into());
    vec![Effect::WriteReport {
        query: crate::store::brief::BriefQuery {
            kind: crate::store::brief::ReportKind::Daily,
            as_of: state.scope.today,
            region: state.scope.region.clone(),
            today: state.scope.today,
        },
        lang: state.lang,
        boards: state.board_rules.clone(),
        dir: state.export_dir.clone(),
    }]
}

/// A loaded board, or a written report.
pub fn on_msg(state: &mut State, msg: &Msg) -> Option<Vec<Effect>> {
    if let Msg::ReportWritten { outcome } = msg {
        state.status = Some(match (outcome, state.lang) {
            (Ok(path), crate::i18n::Lang::Zh) => format!("简报已写入 {path}"),
            (Ok(path), crate::i18n::Lang::En) => format!("brief written to {path}"),
            (Err(e), crate::i18n::Lang::Zh) => format!("简报未写成：{e}"),
            (Err(e), crate::i18n::Lang::En) => format!("the brief was not written: {e}"),
        });
        return Some(Vec::new());
    }
    let Msg::BoardLoaded {
        request,
        data,
        clock,
    } = msg
    else {
        return None;
    };
    if *request != state.requests.board {
        return Some(Vec::new());
    }
    let Some(view) = &mut state.board else {
        return Some(Vec::new());
    };
    if view.choose_campaign(data, state.scope.today) {
        return Some(load(state));
    }
    view.updated = clock.clone();
    view.set_data((**data).clone(), &state.board_rules, state.lang);
    view.selected = view.selected.min(lines(view).saturating_sub(1));
    state.link = super::state::Link::Live;
    Some(Vec::new())
}

/// The leader levels the package board filters by, in cycle order (`None` = all).
fn next_level(level: Option<LeaderLevel>) -> Option<LeaderLevel> {
    match level {
        None => LeaderLevel::ALL.first().copied(),
        Some(l) => {
            let at = LeaderLevel::ALL.iter().position(|x| *x == l).unwrap_or(0);
            LeaderLevel::ALL.get(at + 1).copied()
        }
    }
}

/// How many selectable lines the board shows.
pub fn lines(view: &BoardView) -> usize {
    match &view.data {
        Some(BoardData::Packages(rows)) => package_rows(view, rows).len(),
        Some(BoardData::Backlog(board)) => backlog_lines(view, &board.counties).len(),
        Some(BoardData::Map(tiles)) => tiles.len(),
        Some(BoardData::Warnings(list)) => list.len(),
        Some(BoardData::Overview(o)) => o.periods.len(),
        // The number of lines is the same in either language and under any bands.
        Some(BoardData::Meeting(_)) => view.meeting.as_ref().map_or(0, |(_, items)| items.len()),
        None => 0,
    }
}

/// Columns of the leader-package table, for its sort.
pub const PACKAGE_COLUMNS: usize = 7;

/// The leader-package rows shown: the level chosen, in the order chosen (`view.sort`). The
/// screen, the selection and the drill-down all use this one list.
pub fn package_rows<'a>(
    view: &BoardView,
    rows: &'a [crate::store::board::PackageRow],
) -> Vec<&'a crate::store::board::PackageRow> {
    let mut shown: Vec<&crate::store::board::PackageRow> = rows
        .iter()
        .filter(|r| view.level.is_none_or(|l| r.leader.level == l))
        .collect();
    let rank = |level: LeaderLevel| LeaderLevel::ALL.iter().position(|l| *l == level);
    if let Some((column, descending)) = view.sort {
        shown.sort_by(|a, b| {
            let order = match column {
                // By rank (自治区 first), not by the name of the level.
                0 => rank(a.leader.level).cmp(&rank(b.leader.level)),
                1 => a.leader.name.cmp(&b.leader.name),
                2 => a.cases.cmp(&b.cases),
                3 => a.resolved.cmp(&b.resolved),
                4 => a
                    .duty_rate()
                    .partial_cmp(&b.duty_rate())
                    .unwrap_or(std::cmp::Ordering::Equal),
                5 => a.overdue.cmp(&b.overdue),
                // Days open: an older date is more days; no open case is the fewest.
                _ => match (a.oldest_open, b.oldest_open) {
                    (Some(x), Some(y)) => y.cmp(&x),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                },
            };
            if descending { order.reverse() } else { order }
        });
    }
    shown
}

/// Columns of the backlog table that sort: region, backlog, cleared, rate, change since
/// yesterday.
pub const BACKLOG_COLUMNS: usize = 5;

/// Columns of the warnings list that sort: day, county, kind, size.
pub const WARNING_COLUMNS: usize = 4;

/// The warnings shown, in the order chosen (`view.sort`): newest first by default.
pub fn warning_rows<'a>(
    view: &BoardView,
    list: &'a [crate::store::board::Warning],
) -> Vec<&'a crate::store::board::Warning> {
    use crate::store::board::Reason;
    let mut shown: Vec<&crate::store::board::Warning> = list.iter().collect();
    let kind = |r: &Reason| match r {
        Reason::Flagged { .. } => 0,
        Reason::Cluster { .. } => 1,
        Reason::Surge { .. } => 2,
        Reason::Deadlines { .. } => 3,
    };
    let size = |r: &Reason| match r {
        // Cases: one flagged case.
        Reason::Flagged { .. } => 1,
        Reason::Cluster { cases, .. } => *cases,
        Reason::Surge { week, .. } => *week,
        Reason::Deadlines {
            due_soon, overdue, ..
        } => due_soon + overdue,
    };
    if let Some((column, descending)) = view.sort {
        shown.sort_by(|a, b| {
            let order = match column {
                0 => a.on.cmp(&b.on),
                1 => a.county.cmp(&b.county),
                2 => kind(&a.reason).cmp(&kind(&b.reason)),
                _ => size(&a.reason).cmp(&size(&b.reason)),
            };
            if descending { order.reverse() } else { order }
        });
    }
    shown
}

/// Whether `f` changes something on the board (leader level, campaign, map indicator).
pub fn has_option(kind: BoardKind) -> bool {
    matches!(
        kind,
        BoardKind::Packages | BoardKind::Backlog | BoardKind::Map
    )
}

/// How many columns the board's table sorts by (0: it keeps its own order).
pub fn sortable_columns(kind: BoardKind) -> usize {
    match kind {
        BoardKind::Packages => PACKAGE_COLUMNS,
        BoardKind::Backlog => BACKLOG_COLUMNS,
        BoardKind::Warnings => WARNING_COLUMNS,
        _ => 0,
    }
}

/// `board-sort`: the next column of the board's table, each up then down, then the board's own
/// order again.
fn sort_board(state: &mut State) -> Vec<Effect> {
    let lang = state.lang;
    let Some(view) = state.board.as_mut() else {
        return Vec::new();
    };
    let columns = sortable_columns(view.kind);
    if columns == 0 {
        state.status = Some(
            lang.pick(
                "此看板按其固有顺序排列（可排序的是领导包案、积案化解和预警表）",
                "this board keeps its own order (the leader-package, backlog and warnings tables sort)",
            )
            .to_string(),
        );
        return Vec::new();
    }
    view.sort = match view.sort {
        None => Some((0, false)),
        Some((column, false)) => Some((column, true)),
        Some((column, true)) if column + 1 < columns => Some((column + 1, false)),
        Some(_) => None,
    };
    view.selected = 0;
    state.status = Some(match view.sort {
        Some((column, descending)) => format!(
            "{} {} {}",
            lang.pick("排序：", "sorted by"),
            column_name(view.kind, column, lang),
            if descending { "▼" } else { "▲" }
        ),
        None => lang
            .pick("恢复看板原有顺序", "the board's own order")
            .to_string(),
    });
    Vec::new()
}

/// The heading of a sortable column of a board's table.
pub fn column_name(kind: BoardKind, column: usize, lang: crate::i18n::Lang) -> &'static str {
    let (zh, en) = match (kind, column) {
        (BoardKind::Backlog, 0) => ("地区", "Region"),
        (BoardKind::Backlog, 1) => ("积案", "Backlog"),
        (BoardKind::Backlog, 2) => ("化解", "Cleared"),
        (BoardKind::Backlog, 3) => ("化解率", "Rate"),
        (BoardKind::Backlog, _) => ("较昨日", "Δ day"),
        (BoardKind::Warnings, 0) => ("日期", "Day"),
        (BoardKind::Warnings, 1) => ("县区", "County"),
        (BoardKind::Warnings, 2) => ("类型", "Kind"),
        (BoardKind::Warnings, _) => ("规模", "Size"),
        (_, column) => return package_column_name(column, lang),
    };
    lang.pick(zh, en)
}

/// A leader-package column's heading.
pub fn package_column_name(column: usize, lang: crate::i18n::Lang) -> &'static str {
    let (zh, en) = match column {
        0 => ("层级", "Level"),
        1 => ("领导", "Leader"),
        2 => ("包案", "Cases"),
        3 => ("化解", "Resolved"),
        4 => ("五包完成", "Five duties"),
        5 => ("超期", "Overdue"),
        _ => ("最久(天)", "Oldest(d)"),
    };
    lang.pick(zh, en)
}

/// The backlog board's lines: each city (a code of four digits), then its counties; sorted by a
/// column (`view.sort`), the counties alone, ranked by it.
pub fn backlog_lines(
    view: &BoardView,
    counties: &[crate::store::board::BacklogCounty],
) -> Vec<String> {
    if let Some((column, descending)) = view.sort {
        let mut rows: Vec<&crate::store::board::BacklogCounty> = counties.iter().collect();
        rows.sort_by(|a, b| {
            let order = match column {
                0 => a.county.cmp(&b.county),
                1 => a.backlog.cmp(&b.backlog),
                2 => a.cleared.cmp(&b.cleared),
                // Counties without backlog have no rate: below every rate.
                3 => a
                    .rate()
                    .unwrap_or(-1.0)
                    .total_cmp(&b.rate().unwrap_or(-1.0)),
                _ => (a.cleared.saturating_sub(a.cleared_before))
                    .cmp(&b.cleared.saturating_sub(b.cleared_before)),
            };
            let order = order.then_with(|| a.county.cmp(&b.county));
            if descending { order.reverse() } else { order }
        });
        return rows.into_iter().map(|c| c.county.clone()).collect();
    }
    let mut out = Vec::new();
    for city in region::CITIES.iter() {
        let inside: Vec<&str> = counties
            .iter()
            .filter(|c| c.county.starts_with(city.code))
            .map(|c| c.county.as_str())
            .collect();
        if inside.is_empty() {
            continue;
        }
        out.push(city.code.to_string());
        out.extend(inside.into_iter().map(str::to_string));
    }
    out
}

/// Applies a board action (or a movement while the boards are shown).
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::OpenBoards => open(state, None),
        Action::CloseBoards => {
            state.board_shown = false;
            Vec::new()
        }
        Action::NextBoard | Action::PreviousBoard => {
            let kind = state.board.as_ref().map_or(BoardKind::Overview, |v| {
                if action == Action::NextBoard {
                    v.kind.next()
                } else {
                    v.kind.previous()
                }
            });
            open(state, Some(kind))
        }
        Action::BoardOption => option(state),
        Action::BoardSort => sort_board(state),
        Action::WriteReport => write_report(state),
        Action::SelectNext => select(state, 1),
        Action::SelectPrevious => select(state, -1),
        Action::PageDown => select(state, 10),
        Action::PageUp => select(state, -10),
        Action::SelectFirst => select(state, i64::MIN / 2),
        Action::SelectLast => select(state, i64::MAX / 2),
        Action::OpenSelected => drill(state),
        _ => Vec::new(),
    }
}

fn select(state: &mut State, delta: i64) -> Vec<Effect> {
    if let Some(view) = &mut state.board {
        let last = lines(view).saturating_sub(1) as i64;
        view.selected = (view.selected as i64 + delta).clamp(0, last.max(0)) as usize;
    }
    Vec::new()
}

fn option(state: &mut State) -> Vec<Effect> {
    let Some(view) = &mut state.board else {
        return Vec::new();
    };
    match (view.kind, &view.data) {
        (BoardKind::Packages, _) => {
            view.level = next_level(view.level);
            view.selected = 0;
            Vec::new()
        }
        (BoardKind::Map, _) => {
            view.indicator = view.indicator.next();
            Vec::new()
        }
        (BoardKind::Backlog, Some(BoardData::Backlog(board))) => {
            // All backlog cases, then each campaign in turn.
            let ids: Vec<Option<i64>> = std::iter::once(None)
                .chain(board.campaigns.iter().map(|c| Some(c.id)))
                .collect();
            let at = ids.iter().position(|id| *id == view.campaign).unwrap_or(0);
            view.campaign = ids[(at + 1) % ids.len()];
            view.campaign_chosen = true;
            view.selected = 0;
            load(state)
        }
        _ => {
            state.status = Some(
                state
                    .lang
                    .pick(
                        "此看板没有可切换的选项（领导包案、积案化解和县区图有）",
                        "this board has no choice to change (leader packages, backlog and the map have)",
                    )
                    .to_string(),
            );
            Vec::new()
        }
    }
}

/// Opens the cases behind the selected line or tile as the drill-down queue.
fn drill(state: &mut State) -> Vec<Effect> {
    let Some(view) = &state.board else {
        return Vec::new();
    };
    let today = state.scope.today;
    let name = |code: &str| region::name_of(code).unwrap_or_else(|| code.to_string());
    let name_en = |code: &str| {
        region::name_in(code, crate::i18n::Lang::En).unwrap_or_else(|| code.to_string())
    };
    let target: Option<(String, String, Filter)> = match &view.data {
        Some(BoardData::Packages(rows)) => package_rows(view, rows).get(view.selected).map(|r| {
            (
                format!("{} 包案", r.leader.name),
                format!("packaged to {}", r.leader.name),
                Filter::Leader(r.leader.id),
            )
        }),
        Some(BoardData::Backlog(board)) => backlog_lines(view, &board.counties)
            .get(view.selected)
            .map(|code| {
                let mut parts = vec![Filter::Backlog(today), Filter::Region(code.clone())];
                if let Some(c) = &board.campaign {
                    parts.push(Filter::Campaign(c.id));
                }
                (
                    format!("{} 积案", name(code)),
                    format!("backlog in {}", name_en(code)),
                    Filter::And(parts),
                )
            }),
        Some(BoardData::Map(tiles)) => tiles.get(view.selected).map(|tile| {
            let county = Filter::Region(tile.county.clone());
            let (zh, en, filter) = match view.indicator {
                Indicator::Overdue => ("超期", "overdue", Filter::DueBefore(today)),
                Indicator::Clearance => ("积案", "backlog", Filter::Backlog(today)),
                Indicator::Intake => (
                    "近7日收件",
                    "received in the last 7 days",
                    Filter::ReceivedBetween(
                        today
                            .checked_sub_days(chrono::Days::new(6))
                            .unwrap_or(today),
                        today,
                    ),
                ),
                Indicator::Warnings => ("在办", "open", Filter::Open),
            };
            (
                format!("{} {zh}", name(&tile.county)),
                format!("{en} in {}", name_en(&tile.county)),
                Filter::And(vec![county, filter]),
            )
        }),
        Some(BoardData::Warnings(list)) => warning_rows(view, list).get(view.selected).map(|w| {
            let (zh, en) = match &w.reason {
                Reason::Cluster { category, .. } => (
                    format!("聚集 {}", category.zh()),
                    format!("cluster {}", category.en()),
                ),
                Reason::Flagged { .. } => ("重点件".to_string(), "flagged".to_string()),
                Reason::Surge { .. } => ("收件激增".to_string(), "intake surge".to_string()),
                Reason::Deadlines { unit, .. } => {
                    (format!("{unit} 时限"), format!("{unit} deadlines"))
                }
            };
            (
                format!("{} {zh}", name(&w.county)),
                format!("{} {en}", name_en(&w.county)),
                w.filter.clone(),
            )
        }),
        Some(BoardData::Overview(o)) => o.periods.get(view.selected).map(|p| {
            (
                format!("{}收件", p.span.zh()),
                format!("received {}", p.span.en().to_lowercase()),
                Filter::ReceivedBetween(p.period.from, p.period.to),
            )
        }),
        Some(BoardData::Meeting(_)) => view
            .meeting_items(&state.board_rules, state.lang)
            .get(view.selected)
            .and_then(|item| item.drill.clone())
            .map(|(filter, zh, en)| (zh, en, filter)),
        None => None,
    };
    let Some((zh, en, filter)) = target else {
        if view.data.is_some() {
            state.status = Some(
                state
                    .lang
                    .pick("此行没有对应的信访件", "no cases behind this line")
                    .to_string(),
            );
        }
        return Vec::new();
    };
    let queue = QueueDef {
        name: DRILL_QUEUE.to_string(),
        // Names of units, leaders and campaigns come from the database: made visible once here,
        // so every place that shows the queue's name (title, list, history, palette) is safe.
        label_zh: crate::text::sanitise(&format!("⤷ {zh}")).into_owned(),
        label_en: crate::text::sanitise(&format!("⤷ {en}")).into_owned(),
        filter,
        sort: Sort {
            key: SortKey::Received,
            descending: true,
        },
        columns: Vec::new(),
        source: None,
    };
    match state.queues.iter().position(|q| q.name == DRILL_QUEUE) {
        Some(at) => {
            state.queues[at] = queue;
            state.queue_index = at;
        }
        None => {
            state.queues.push(queue);
            state.counts.push(None);
            state.queue_index = state.queues.len() - 1;
        }
    }
    state.board_shown = false;
    state.focus = Focus::Table;
    super::update::reload_from_start(state)
}
