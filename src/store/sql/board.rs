//! The boards' data: one read transaction per board, bound parameters only.
//!
//! Counts per day come from the `kpi_day` summary; open, overdue, flagged and backlog cases from
//! small partial indexes. Backlog clearance is decided per case by `domain::kpi::is_cleared`, the
//! same rule KPI 8 uses, so the board and the overview never disagree.

use super::backlog::BacklogCase;
use super::read::{region_condition, region_condition_on, stored_date};
use super::{Db, rows};
use crate::domain::board::{BoardKind, Span};
use crate::domain::calendar::add_days;
use crate::domain::kpi;
use crate::domain::region::COUNTIES;
use crate::domain::{Category, Channel, LeaderLevel};
use crate::store::board::{
    BacklogBoard, BacklogCounty, BoardData, BoardQuery, CountyTile, Overview, PackageRow,
    PeriodKpis, Reason, WARNING_CASES_SHOWN, Warning,
};
use crate::store::{Filter, Leader, Scope, StoreError};
use chrono::{Days, NaiveDate};
use rusqlite::types::Value;
use std::collections::BTreeMap;

/// Not confidential (`domain::case::confidential`: class accusation, category 纪检监察, route
/// discipline inspection or an accused party on record): these never appear on a board
/// (domain.md §4, Art 30).
const NOT_CONFIDENTIAL: &str = "coalesce(class, '') <> 'accusation' \
    AND coalesce(category, '') <> 'discipline' AND coalesce(route, '') <> 'discipline-inspection' \
    AND accused = '' AND accused_unit_id IS NULL";

/// Daily intake per channel from `first_day` to `last_day`, one value per day (every channel,
/// in code order).
pub(super) fn intake_by_day(
    db: &dyn Db,
    first_day: NaiveDate,
    last_day: NaiveDate,
    region: &str,
) -> Result<Vec<(Channel, Vec<u64>)>, StoreError> {
    let days = (last_day - first_day).num_days().max(-1) + 1;
    let mut sql = String::from(
        "SELECT received_on, channel, count(*) FROM cases \
         WHERE received_on >= ? AND received_on <= ?",
    );
    let mut params = vec![text(first_day), text(last_day)];
    region_condition(region, &mut sql, &mut params);
    sql.push_str(" GROUP BY received_on, channel");
    let found = db.collect(&sql, &params, |r| {
        let (day, channel): (String, String) = (r.get(0)?, r.get(1)?);
        let n: i64 = r.get(2)?;
        Ok(
            stored_date(|| "cases.received_on".into(), &day).and_then(|day| {
                Channel::from_code(&channel)
                    .map(|c| (day, c, n.max(0) as u64))
                    .ok_or_else(|| rows::BadValue(format!("cases.channel: unknown `{channel}`")))
            }),
        )
    })?;
    let mut intake: Vec<(Channel, Vec<u64>)> = Channel::ALL
        .iter()
        .map(|c| (*c, vec![0; days as usize]))
        .collect();
    for (day, channel, n) in found {
        let at = (day - first_day).num_days();
        if let (Ok(at), Some(series)) = (
            usize::try_from(at),
            intake.iter_mut().find(|(c, _)| *c == channel),
        ) && let Some(slot) = series.1.get_mut(at)
        {
            *slot += n;
        }
    }
    Ok(intake)
}

/// Reads one board.
pub fn board(db: &dyn Db, kind: BoardKind, query: &BoardQuery) -> Result<BoardData, StoreError> {
    // The caller reads in one transaction: every number on a board is from the same moment.
    match kind {
        BoardKind::Overview => overview(db, query).map(|o| BoardData::Overview(o.into())),
        BoardKind::Packages => packages(db, query).map(BoardData::Packages),
        BoardKind::Backlog => backlog(db, query).map(|b| BoardData::Backlog(b.into())),
        BoardKind::Map => map(db, query).map(BoardData::Map),
        BoardKind::Warnings => warnings(db, query).map(BoardData::Warnings),
        BoardKind::Meeting => super::brief::brief(
            db,
            &crate::store::brief::BriefQuery {
                kind: crate::store::brief::ReportKind::Daily,
                as_of: query.as_of,
                region: query.region.clone(),
                today: query.as_of,
            },
        )
        .map(|b| BoardData::Meeting(Box::new(b))),
    }
}

fn back(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(n))).unwrap_or(day)
}

pub(super) fn text(day: NaiveDate) -> Value {
    Value::Text(rows::date(day))
}

fn scope(query: &BoardQuery) -> Scope {
    Scope {
        region: query.region.clone(),
        user: String::new(),
        today: query.as_of,
    }
}

/// The counties of the region, in code order.
fn counties_in(region: &str) -> Vec<String> {
    COUNTIES
        .iter()
        .filter(|c| c.code.starts_with(region) || region.starts_with(c.code))
        .map(|c| c.code.to_string())
        .collect()
}

fn overview(db: &dyn Db, query: &BoardQuery) -> Result<Overview, StoreError> {
    let scope = scope(query);
    // Each period is seen as of its own last day (the period before "as of the same lag", so an
    // unfinished period is never compared with a finished one; domain.md §8). Backlog clearance
    // for all eight comes from one read of the backlog cases.
    let spans: Vec<(Span, kpi::Period, kpi::Period)> = Span::ALL
        .iter()
        .map(|span| {
            let (current, previous) = span.periods(query.as_of);
            (*span, current, previous)
        })
        .collect();
    let seen = |p: &kpi::Period| p.to.min(query.as_of);
    let asks: Vec<(NaiveDate, NaiveDate)> = spans
        .iter()
        .flat_map(|(_, c, p)| [(c.to, seen(c)), (p.to, seen(p))])
        .collect();
    let clearances = super::backlog::clearances(db, &scope.region, &asks)?;
    let mut periods = Vec::new();
    for (i, (span, current, previous)) in spans.iter().enumerate() {
        let kpis = |period: &kpi::Period, clearance: Option<&kpi::Ratio>| {
            super::kpi::kpis_with_clearance(
                db,
                *period,
                &scope,
                seen(period),
                clearance.copied().unwrap_or_default(),
            )
        };
        periods.push(PeriodKpis {
            span: *span,
            period: *current,
            current: kpis(current, clearances.get(2 * i))?,
            previous: kpis(previous, clearances.get(2 * i + 1))?,
        });
    }
    let days = db.rules().boards.chart_days.max(1);
    let first_day = back(query.as_of, days - 1);
    let intake = intake_by_day(db, first_day, query.as_of, &query.region)?;
    Ok(Overview {
        periods,
        first_day,
        intake,
    })
}

pub(super) fn packages(db: &dyn Db, query: &BoardQuery) -> Result<Vec<PackageRow>, StoreError> {
    // Duties done per leader: duties per case, then each packaged case's leader, joined here.
    // (Joined in SQL, the duty counts of every case were built into a temporary index first: a
    // quarter of the board's time on a million cases.)
    let done: std::collections::HashMap<i64, i64> = db
        .collect(
            "SELECT case_id, count(*) FROM package_duties GROUP BY case_id",
            &[],
            |r| Ok(Ok((r.get::<i64>(0)?, r.get::<i64>(1)?))),
        )?
        .into_iter()
        .collect();
    let mut sql = String::from("SELECT id, leader_id FROM cases WHERE leader_id IS NOT NULL");
    let mut params = Vec::new();
    region_condition(&query.region, &mut sql, &mut params);
    let mut duties: std::collections::HashMap<i64, u64> = std::collections::HashMap::new();
    for (case, leader) in db.collect(&sql, &params, |r| {
        Ok(Ok((r.get::<i64>(0)?, r.get::<i64>(1)?)))
    })? {
        *duties.entry(leader).or_default() += done.get(&case).copied().unwrap_or(0).max(0) as u64;
    }
    let mut sql = String::from(
        "SELECT l.id, l.name, l.level, l.title, l.region, count(*),
                sum(CASE WHEN c.state IN ('concluded', 'final') THEN 1 ELSE 0 END),
                sum(CASE WHEN c.closed_on IS NULL AND c.due_on IS NOT NULL AND c.due_on < ?
                    THEN 1 ELSE 0 END),
                min(CASE WHEN c.closed_on IS NULL THEN c.received_on END)
         FROM cases c JOIN leaders l ON l.id = c.leader_id
         WHERE c.leader_id IS NOT NULL",
    );
    let mut params = vec![text(query.as_of)];
    region_condition(&query.region, &mut sql, &mut params);
    sql.push_str(" GROUP BY l.id ORDER BY l.id");
    db.collect(&sql, &params, |r| {
        let level: String = r.get(2)?;
        let oldest: Option<String> = r.get(8)?;
        let Some(level) = LeaderLevel::from_code(&level) else {
            return Ok(Err(rows::BadValue(format!(
                "leaders.level: unknown code `{level}`"
            ))));
        };
        let oldest_open = match oldest {
            Some(day) => match stored_date(|| "cases.received_on".into(), &day) {
                Ok(day) => Some(day),
                Err(bad) => return Ok(Err(bad)),
            },
            None => None,
        };
        let count = |i: usize| {
            r.get::<Option<i64>>(i)
                .map(|v| v.unwrap_or(0).max(0) as u64)
        };
        Ok(Ok(PackageRow {
            leader: Leader {
                id: r.get(0)?,
                name: r.get(1)?,
                level,
                title: r.get(3)?,
                region: r.get(4)?,
            },
            cases: count(5)?,
            resolved: count(6)?,
            overdue: count(7)?,
            oldest_open,
            duties_done: duties.get(&r.get::<i64>(0)?).copied().unwrap_or(0),
        }))
    })
}

/// The backlog cases of the board: backlog cases on `as_of` (of the campaign, if one is chosen),
/// out of `candidates` (`backlog::candidates` up to and as of `as_of`).
fn backlog_cases(
    db: &dyn Db,
    query: &BoardQuery,
    campaign: Option<i64>,
    mut cases: Vec<BacklogCase>,
) -> Result<Vec<BacklogCase>, StoreError> {
    // Campaign membership is looked up in memory: joining would read every case row at random.
    let members: Option<std::collections::HashSet<i64>> = match campaign {
        Some(id) => Some(
            db.collect(
                "SELECT case_id FROM campaign_cases WHERE campaign_id = ?",
                &[Value::Integer(id)],
                |r| Ok(Ok(r.get::<i64>(0)?)),
            )?
            .into_iter()
            .collect(),
        ),
        None => None,
    };
    let rules = db.rules();
    cases.retain(|c| {
        c.is_backlog_on(query.as_of, rules) && members.as_ref().is_none_or(|m| m.contains(&c.id))
    });
    Ok(cases)
}

fn backlog(db: &dyn Db, query: &BoardQuery) -> Result<BacklogBoard, StoreError> {
    let candidates = super::backlog::candidates(db, &query.region, query.as_of, query.as_of)?;
    backlog_of(db, query, candidates, back(query.as_of, 1))
}

/// The backlog board out of `candidates` (`backlog::candidates` up to and as of the board's day),
/// with each county's cases cleared as of `before` too.
pub(super) fn backlog_of(
    db: &dyn Db,
    query: &BoardQuery,
    candidates: Vec<BacklogCase>,
    before: NaiveDate,
) -> Result<BacklogBoard, StoreError> {
    let campaigns = super::read::campaigns(db)?;
    let campaign = query
        .campaign
        .and_then(|id| campaigns.iter().find(|c| c.id == id).cloned());
    let cases = backlog_cases(db, query, campaign.as_ref().map(|c| c.id), candidates)?;
    let rules = db.rules();
    let mut by_county: BTreeMap<String, BacklogCounty> = counties_in(&query.region)
        .into_iter()
        .map(|county| {
            (
                county.clone(),
                BacklogCounty {
                    county,
                    ..BacklogCounty::default()
                },
            )
        })
        .collect();
    let days = rules.boards.chart_days.max(1);
    let first_day = back(query.as_of, days - 1);
    // Cleared counts on each day from the day before the chart to today. Most cases are the
    // same on the first and the last day with no repeat in between: they count once.
    let day_before = back(first_day, 1);
    let mut cleared_on_day = vec![0i64; days as usize + 1];
    let mut steady = 0i64;
    for case in &cases {
        let row = by_county
            .entry(case.county.clone())
            .or_insert_with(|| BacklogCounty {
                county: case.county.clone(),
                ..BacklogCounty::default()
            });
        row.backlog += 1;
        row.cleared += u64::from(case.cleared_on(query.as_of, rules));
        row.cleared_before += u64::from(case.cleared_on(before, rules));
        let at_start = case.cleared_on(day_before, rules);
        let changes = at_start != case.cleared_on(query.as_of, rules)
            || case.repeats.iter().any(|r| *r > day_before);
        if !changes {
            steady += i64::from(at_start);
            continue;
        }
        for (i, slot) in cleared_on_day.iter_mut().enumerate() {
            *slot += i64::from(case.cleared_on(add_days(day_before, i as u32), rules));
        }
    }
    for slot in &mut cleared_on_day {
        *slot += steady;
    }
    let daily = cleared_on_day
        .windows(2)
        .map(|w| (w[1] - w[0]).max(0) as u64)
        .collect();
    let cleared_by_day = cleared_on_day
        .iter()
        .skip(1)
        .map(|n| (*n).max(0) as u64)
        .collect();
    Ok(BacklogBoard {
        campaign,
        campaigns,
        counties: by_county.into_values().collect(),
        before,
        first_day,
        daily,
        cleared_by_day,
    })
}

fn map(db: &dyn Db, query: &BoardQuery) -> Result<Vec<CountyTile>, StoreError> {
    let mut tiles: BTreeMap<String, CountyTile> = counties_in(&query.region)
        .into_iter()
        .map(|county| {
            (
                county.clone(),
                CountyTile {
                    county,
                    ..CountyTile::default()
                },
            )
        })
        .collect();
    let per_county = |sql: &str, params: Vec<Value>| {
        db.collect(sql, &params, |r| {
            Ok(Ok((r.get::<String>(0)?, r.get::<i64>(1)?.max(0) as u64)))
        })
    };
    let mut sql = String::from("SELECT county, sum(cases) FROM kpi_day WHERE day > ? AND day <= ?");
    let mut params = vec![text(back(query.as_of, 7)), text(query.as_of)];
    region_condition(&query.region, &mut sql, &mut params);
    sql.push_str(" GROUP BY county");
    for (county, n) in per_county(&sql, params)? {
        tiles.entry(county).or_default().intake_week = n;
    }
    let mut sql =
        String::from("SELECT county, count(*) FROM cases WHERE due_on IS NOT NULL AND due_on < ?");
    let mut params = vec![text(query.as_of)];
    region_condition(&query.region, &mut sql, &mut params);
    sql.push_str(" GROUP BY county");
    for (county, n) in per_county(&sql, params)? {
        tiles.entry(county).or_default().overdue = n;
    }
    let all = BoardQuery {
        campaign: None,
        ..query.clone()
    };
    for row in backlog(db, &all)?.counties {
        let tile = tiles.entry(row.county.clone()).or_default();
        tile.backlog = row.backlog;
        tile.cleared = row.cleared;
    }
    for warning in warnings(db, query)? {
        if let Some(tile) = tiles.get_mut(&warning.county) {
            tile.warnings += 1;
        }
    }
    Ok(tiles
        .into_iter()
        .map(|(county, mut tile)| {
            tile.county = county;
            tile
        })
        .collect())
}

pub(super) fn warnings(db: &dyn Db, query: &BoardQuery) -> Result<Vec<Warning>, StoreError> {
    let rules = db.rules();
    let board = &rules.boards;
    let mut out = Vec::new();
    let shown = |ids: &str, numbers: &str| -> Vec<(i64, String)> {
        ids.split(',')
            .zip(numbers.split(','))
            .filter_map(|(id, number)| id.parse().ok().map(|id| (id, number.to_string())))
            .collect()
    };
    // 1. Clusters: N or more new cases of one category in one township within the window.
    let dialect = db.dialect();
    let newest_first = "received_on DESC, id DESC";
    let mut sql = format!(
        "SELECT county, township, category, count(*), max(received_on), {}, {}
         FROM (SELECT id, number, county, township, category, received_on FROM cases
               WHERE received_on > ? AND received_on <= ? AND category IS NOT NULL
               AND {NOT_CONFIDENTIAL} ORDER BY {newest_first}) AS recent
         WHERE 1 = 1",
        dialect.join("id", newest_first),
        dialect.join("number", newest_first),
    );
    let mut params = vec![
        text(back(query.as_of, board.cluster_days)),
        text(query.as_of),
    ];
    region_condition(&query.region, &mut sql, &mut params);
    sql.push_str(" GROUP BY county, township, category HAVING count(*) >= ? ORDER BY county, township, category");
    params.push(Value::Integer(i64::from(board.cluster_cases)));
    let clusters = db.collect(&sql, &params, |r| {
        let (county, township, category): (String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?);
        let (n, newest, ids, numbers): (i64, String, String, String) =
            (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        let Some(category) = Category::from_code(&category) else {
            return Ok(Err(rows::BadValue(format!(
                "cases.category: unknown code `{category}`"
            ))));
        };
        Ok(
            stored_date(|| "cases.received_on".into(), &newest).map(|on| Warning {
                on,
                county,
                reason: Reason::Cluster {
                    township,
                    category,
                    cases: n.max(0) as u64,
                    days: board.cluster_days,
                },
                filter: Filter::Ids(ids.split(',').filter_map(|id| id.parse().ok()).collect()),
                cases: shown(&ids, &numbers)
                    .into_iter()
                    .take(WARNING_CASES_SHOWN)
                    .collect(),
            }),
        )
    })?;
    out.extend(clusters);
    // 2. Open cases with many petitioners, a threat, or marked major/urgent. The threshold is
    // written into the statement so that the partial index `cases_flagged` applies.
    let persons = rules.collective_threshold;
    let mut sql = format!(
        "SELECT id, number, county, received_on, persons, threat, urgent FROM cases
         WHERE closed_on IS NULL AND (persons >= {persons} OR threat = 1 OR urgent = 1)
         AND {NOT_CONFIDENTIAL}"
    );
    let mut params = Vec::new();
    region_condition(&query.region, &mut sql, &mut params);
    sql.push_str(&format!(
        " ORDER BY received_on DESC, id DESC LIMIT {}",
        crate::store::board::FLAGGED_SHOWN
    ));
    let flagged = db.collect(&sql, &params, |r| {
        let on: String = r.get(3)?;
        let (id, number, county): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let (persons, threat, urgent): (i64, bool, bool) = (r.get(4)?, r.get(5)?, r.get(6)?);
        Ok(
            stored_date(|| format!("cases {number}.received_on"), &on).map(|on| Warning {
                on,
                county,
                reason: Reason::Flagged {
                    persons: persons.clamp(0, i64::from(u32::MAX)) as u32,
                    threat,
                    urgent,
                },
                cases: vec![(id, number)],
                filter: Filter::Ids(vec![id]),
            }),
        )
    })?;
    out.extend(flagged);
    // 3. Counties whose last 7 days exceed their weekly average of the 4 weeks before.
    let mut sql = String::from(
        "SELECT county, sum(CASE WHEN day > ?1 THEN cases ELSE 0 END),
                sum(CASE WHEN day <= ?1 THEN cases ELSE 0 END)
         FROM kpi_day WHERE day > ?2 AND day <= ?3",
    );
    let week_start = back(query.as_of, 7);
    let mut params = vec![
        text(week_start),
        text(back(query.as_of, 35)),
        text(query.as_of),
    ];
    region_condition(&query.region, &mut sql, &mut params);
    sql.push_str(" GROUP BY county ORDER BY county");
    let weeks = db.collect(&sql, &params, |r| {
        Ok(Ok((
            r.get::<String>(0)?,
            r.get::<i64>(1)?,
            r.get::<i64>(2)?,
        )))
    })?;
    for (county, week, before) in weeks {
        let (week, average) = (week.max(0) as u64, before.max(0) as f64 / 4.0);
        if board.is_surge(week, average) {
            out.push(Warning {
                on: query.as_of,
                county: county.clone(),
                reason: Reason::Surge { week, average },
                cases: Vec::new(),
                filter: Filter::And(vec![
                    Filter::Region(county),
                    Filter::ReceivedBetween(add_days(week_start, 1), query.as_of),
                ]),
            });
        }
    }
    // 4. Per unit: open cases due within the due-soon days, and overdue ones.
    let soon_end = add_days(query.as_of, rules.due_soon_days);
    let mut sql = String::from(
        "SELECT u.id, u.name, u.region, sum(CASE WHEN c.due_on < ?1 THEN 1 ELSE 0 END),
                sum(CASE WHEN c.due_on >= ?1 THEN 1 ELSE 0 END)
         FROM cases c JOIN units u ON u.id = c.unit_id
         WHERE c.due_on IS NOT NULL AND c.due_on <= ?2",
    );
    let mut params = vec![text(query.as_of), text(soon_end)];
    // A plain `?` after `?2` is parameter 3, and so on.
    region_condition_on("c.county", &query.region, &mut sql, &mut params);
    sql.push_str(" GROUP BY u.id ORDER BY u.id");
    let units = db.collect(&sql, &params, |r| {
        Ok(Ok((
            r.get::<i64>(0)?,
            r.get::<String>(1)?,
            r.get::<String>(2)?,
            r.get::<i64>(3)?.max(0) as u64,
            r.get::<i64>(4)?.max(0) as u64,
        )))
    })?;
    for (id, unit, county, overdue, due_soon) in units {
        out.push(Warning {
            on: query.as_of,
            county,
            reason: Reason::Deadlines {
                unit,
                due_soon,
                overdue,
            },
            cases: Vec::new(),
            filter: Filter::And(vec![
                Filter::Unit(id),
                Filter::DueBefore(add_days(soon_end, 1)),
            ]),
        });
    }
    // Newest first; on one day: flagged cases, clusters, surges, then deadlines by size.
    let rank = |w: &Warning| match &w.reason {
        Reason::Flagged { .. } => (0, 0),
        Reason::Cluster { cases, .. } => (1, u64::MAX - cases),
        Reason::Surge { week, .. } => (2, u64::MAX - week),
        Reason::Deadlines {
            due_soon, overdue, ..
        } => (3, u64::MAX - (due_soon + overdue)),
    };
    out.sort_by(|a, b| b.on.cmp(&a.on).then_with(|| rank(a).cmp(&rank(b))));
    Ok(out)
}
