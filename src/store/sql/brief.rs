//! The meeting brief in one read: the indicators (`kpi`, as `xinfang kpi` reads them), leader
//! packages, backlog clearance and warnings (`board`, as the boards read them), and intake broken
//! down by channel, county and category. Nothing here counts a thing the boards count otherwise.

use super::board::{self as boards, text};
use super::read::region_condition;
use super::{Db, rows};
use crate::domain::org::Campaign;
use crate::domain::{Category, Channel};
use crate::store::board::{BoardQuery, Reason};
use crate::store::brief::{Brief, BriefQuery, IntakeCount, PeriodBrief, UnitDeadlines, periods};
use crate::store::{Scope, StoreError};
use chrono::NaiveDate;

/// Reads the brief of `query`.
pub fn brief(db: &dyn Db, query: &BriefQuery) -> Result<Brief, StoreError> {
    let scope = Scope {
        region: query.region.clone(),
        user: String::new(),
        today: query.as_of,
    };
    let [current, previous, last_year] = periods(query.kind, query.as_of);
    let asks: Vec<(NaiveDate, NaiveDate)> = [current, previous, last_year]
        .iter()
        .map(|p| (p.to, p.to.min(query.as_of)))
        .collect();
    // One read of the backlog cases serves KPI 8 of the three periods and the backlog table.
    let candidates = super::backlog::candidates(db, &query.region, query.as_of, query.as_of)?;
    let clearances = super::backlog::clearances_of(&candidates, &asks, db.rules());
    let one = |i: usize, period: crate::domain::kpi::Period| -> Result<PeriodBrief, StoreError> {
        let seen = period.to.min(query.as_of);
        let clearance = clearances.get(i).copied().unwrap_or_default();
        Ok(PeriodBrief {
            period,
            seen,
            kpis: super::kpi::kpis_with_clearance(db, period, &scope, seen, clearance)?,
            intake: intake(db, period.from, seen, &query.region)?,
        })
    };
    let (current, previous, last_year) = (one(0, current)?, one(1, previous)?, one(2, last_year)?);
    let trend_from = query.kind.trend_from(query.as_of);
    let trend = boards::intake_by_day(db, trend_from, query.as_of, &query.region)?;
    let board_query = |as_of: NaiveDate, campaign: Option<i64>| BoardQuery {
        as_of,
        region: query.region.clone(),
        campaign,
    };
    let campaigns = super::read::campaigns(db)?;
    let running = Campaign::running(&campaigns, query.as_of).map(|c| c.id);
    let backlog = boards::backlog_of(
        db,
        &board_query(query.as_of, running),
        candidates,
        previous.seen,
    )?;
    // The database's state now, counted as of today (it keeps no past state of these).
    let packages = boards::packages(db, &board_query(query.today, None))?;
    let warnings = boards::warnings(db, &board_query(query.today, None))?;
    let mut deadlines: Vec<UnitDeadlines> = warnings
        .iter()
        .filter_map(|w| match &w.reason {
            Reason::Deadlines {
                unit,
                due_soon,
                overdue,
            } => Some(UnitDeadlines {
                unit: unit.clone(),
                region: w.county.clone(),
                due_soon: *due_soon,
                overdue: *overdue,
                filter: w.filter.clone(),
            }),
            _ => None,
        })
        .collect();
    deadlines.sort_by(|a, b| {
        (b.overdue, b.due_soon)
            .cmp(&(a.overdue, a.due_soon))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    let rules = db.rules();
    let queues = [
        crate::store::Builtin::DueSoon,
        crate::store::Builtin::Overdue,
    ]
    .map(|q| q.query(query.today, rules.due_soon_days, "").0);
    let now = Scope {
        today: query.today,
        ..scope.clone()
    };
    let totals = super::read::counts(db, &queues, &now)?;
    Ok(Brief {
        kind: query.kind,
        as_of: query.as_of,
        today: query.today,
        region: query.region.clone(),
        current,
        previous,
        last_year,
        trend_from,
        trend,
        packages,
        backlog,
        warnings,
        deadlines,
        due_soon_days: rules.due_soon_days,
        due_soon: totals.first().copied().unwrap_or(0),
        overdue: totals.get(1).copied().unwrap_or(0),
    })
}

/// Cases received from `from` to `to` per channel, county and category.
fn intake(
    db: &dyn Db,
    from: NaiveDate,
    to: NaiveDate,
    region: &str,
) -> Result<Vec<IntakeCount>, StoreError> {
    let mut sql = String::from(
        "SELECT channel, county, coalesce(category, ''), count(*) FROM cases \
         WHERE received_on >= ? AND received_on <= ?",
    );
    let mut params = vec![text(from), text(to)];
    region_condition(region, &mut sql, &mut params);
    sql.push_str(" GROUP BY channel, county, coalesce(category, '')");
    db.collect(&sql, &params, |r| {
        let (channel, county, category): (String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?);
        let cases = r.get::<i64>(3)?.max(0) as u64;
        let Some(channel) = Channel::from_code(&channel) else {
            return Ok(Err(rows::BadValue(format!(
                "cases.channel: unknown `{channel}`"
            ))));
        };
        let category = match category.as_str() {
            "" => None,
            code => match Category::from_code(code) {
                Some(c) => Some(c),
                None => {
                    return Ok(Err(rows::BadValue(format!(
                        "cases.category: unknown `{code}`"
                    ))));
                }
            },
        };
        Ok(Ok(IntakeCount {
            channel,
            county,
            category,
            cases,
        }))
    })
}
