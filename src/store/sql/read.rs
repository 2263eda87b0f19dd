//! Read queries: queue counts and keyset pages, case detail, reference lists.
//!
//! Filters become WHERE clauses with bound parameters only; each built-in queue has an index
//! chosen from its query plan (see `schema.rs`).

use super::rows::{self, CASE_COLUMNS, ROW_COLUMNS};
use super::{Db, Row};
use crate::domain::region::PROVINCE_CODE;
use crate::domain::{CaseId, LeaderLevel, Role, State, Step};
use crate::store::{
    Campaign, CaseDetail, Cursor, Filter, Leader, Page, Scope, Sort, SortKey, StoreError,
    StoredEvent, Unit, User,
};
use crate::vals;
use chrono::NaiveDateTime;
use rusqlite::types::Value;

/// Appends the SQL condition for `filter` to `sql`, pushing its parameters.
pub fn condition(filter: &Filter, sql: &mut String, params: &mut Vec<Value>) {
    match filter {
        Filter::All => sql.push_str("1 = 1"),
        Filter::StateIn(states) => in_list(
            "state",
            states.iter().map(|s| Value::Text(s.code().to_string())),
            sql,
            params,
        ),
        Filter::HasCategory(true) => sql.push_str("category IS NOT NULL"),
        Filter::HasCategory(false) => sql.push_str("category IS NULL"),
        Filter::DueBefore(day) => {
            sql.push_str("due_on IS NOT NULL AND due_on < ?");
            params.push(Value::Text(rows::date(*day)));
        }
        Filter::DueBetween(from, to) => {
            sql.push_str("due_on IS NOT NULL AND due_on >= ? AND due_on <= ?");
            params.push(Value::Text(rows::date(*from)));
            params.push(Value::Text(rows::date(*to)));
        }
        Filter::Open => sql.push_str("closed_on IS NULL"),
        Filter::Supervised => sql.push_str("supervised = 1"),
        Filter::Packaged => sql.push_str("leader_id IS NOT NULL"),
        Filter::Backlog(day) => {
            sql.push_str("backlog_from IS NOT NULL AND backlog_from <= ?");
            params.push(Value::Text(rows::date(*day)));
        }
        Filter::Collective => sql.push_str("collective = 1"),
        Filter::Repeat => sql.push_str("repeat_of IS NOT NULL"),
        Filter::Region(prefix) => {
            sql.push_str("county >= ? AND county < ?");
            params.push(Value::Text(prefix.clone()));
            params.push(Value::Text(prefix_end(prefix)));
        }
        Filter::Category(category) => {
            sql.push_str("category = ?");
            params.push(Value::Text(category.code().to_string()));
        }
        // Resolved by the console; unresolved, nothing is known to match.
        Filter::Search(_) => sql.push_str("1 = 0"),
        Filter::Ids(ids) => in_list("id", ids.iter().map(|id| Value::Integer(*id)), sql, params),
        Filter::ReceivedBetween(from, to) => {
            sql.push_str("received_on >= ? AND received_on <= ?");
            params.push(Value::Text(rows::date(*from)));
            params.push(Value::Text(rows::date(*to)));
        }
        Filter::Unit(unit) => {
            sql.push_str("unit_id = ?");
            params.push(Value::Integer(*unit));
        }
        Filter::Leader(leader) => {
            sql.push_str("leader_id = ?");
            params.push(Value::Integer(*leader));
        }
        Filter::Campaign(campaign) => {
            sql.push_str("id IN (SELECT case_id FROM campaign_cases WHERE campaign_id = ?)");
            params.push(Value::Integer(*campaign));
        }
        Filter::Owner(user) => {
            sql.push_str("owner IS NOT NULL AND owner = ?");
            params.push(Value::Text(user.clone()));
        }
        Filter::And(parts) => {
            if parts.is_empty() {
                sql.push_str("1 = 1");
            }
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    sql.push_str(" AND ");
                }
                sql.push('(');
                condition(part, sql, params);
                sql.push(')');
            }
        }
    }
}

/// `column IN (?, ?, …)` with one parameter per value (`IN (NULL)`, matching nothing, for none).
fn in_list(
    column: &str,
    values: impl Iterator<Item = Value>,
    sql: &mut String,
    params: &mut Vec<Value>,
) {
    sql.push_str(column);
    sql.push_str(" IN (");
    let before = params.len();
    for value in values {
        if params.len() > before {
            sql.push_str(", ");
        }
        sql.push('?');
        params.push(value);
    }
    if params.len() == before {
        sql.push_str("NULL");
    }
    sql.push(')');
}

/// Appends the region-scope condition (an admin-code prefix as a range, so indexes still apply).
pub fn region_condition(region: &str, sql: &mut String, params: &mut Vec<Value>) {
    region_condition_on("county", region, sql, params);
}

/// `region_condition` on a named column (`c.county` where several tables have a county).
pub fn region_condition_on(column: &str, region: &str, sql: &mut String, params: &mut Vec<Value>) {
    if region.is_empty() || region == PROVINCE_CODE {
        return;
    }
    sql.push_str(&format!(" AND {column} >= ? AND {column} < ?"));
    params.push(Value::Text(region.to_string()));
    params.push(Value::Text(prefix_end(region)));
}

/// The smallest string greater than every string starting with `prefix`.
fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    "\u{10FFFF}".to_string()
}

fn where_clause(filter: &Filter, scope: &Scope) -> (String, Vec<Value>) {
    let mut sql = String::from(" WHERE (");
    let mut params = Vec::new();
    condition(filter, &mut sql, &mut params);
    sql.push(')');
    region_condition(&scope.region, &mut sql, &mut params);
    (sql, params)
}

pub fn counts(db: &dyn Db, filters: &[Filter], scope: &Scope) -> Result<Vec<u64>, StoreError> {
    filters
        .iter()
        .map(|filter| {
            let (clause, params) = where_clause(filter, scope);
            let sql = format!("SELECT count(*) FROM cases{clause}");
            db.one(&sql, &params, |r| r.get::<i64>(0)).map(|n| n as u64)
        })
        .collect()
}

pub fn state_counts(db: &dyn Db, scope: &Scope) -> Result<Vec<(State, u64)>, StoreError> {
    let (clause, params) = where_clause(&Filter::All, scope);
    let sql = format!("SELECT state, count(*) FROM cases{clause} GROUP BY state");
    let found = db.collect(&sql, &params, |r| {
        let (code, n) = (r.get::<String>(0)?, r.get::<i64>(1)?);
        Ok(State::from_code(&code)
            .map(|state| (state, n))
            .ok_or_else(|| rows::BadValue(format!("cases.state: unknown code `{code}`"))))
    })?;
    let mut out: Vec<(State, u64)> = State::ALL.iter().map(|s| (*s, 0)).collect();
    for (state, n) in found {
        if let Some(slot) = out.iter_mut().find(|(s, _)| *s == state) {
            slot.1 = n as u64;
        }
    }
    Ok(out)
}

pub fn page(
    db: &dyn Db,
    filter: &Filter,
    sort: Sort,
    scope: &Scope,
    cursor: Option<&Cursor>,
    limit: usize,
) -> Result<Page, StoreError> {
    let (mut clause, mut params) = where_clause(filter, scope);
    let column = sort.key.column();
    let (cmp, dir) = if sort.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(cursor) = cursor {
        match &cursor.key {
            Some(key) => {
                clause.push_str(&format!(" AND ({column}, id) {cmp} (?, ?)"));
                params.push(Value::Text(key.clone()));
            }
            None => clause.push_str(&format!(" AND id {cmp} ?")),
        }
        params.push(Value::Integer(cursor.id));
    }
    if sort.key == SortKey::Due {
        clause.push_str(" AND due_on IS NOT NULL");
    }
    // Ids first, from the covering index alone; only the page's rows are then read. (Sorting
    // whole rows would read every candidate row of a multi-state queue.)
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM cases WHERE id IN \
         (SELECT id FROM cases{clause} ORDER BY {column} {dir}, id {dir} LIMIT ?) \
         ORDER BY {column} {dir}, id {dir}"
    );
    params.push(Value::Integer(limit as i64 + 1));
    let mut rows_out = db.collect(&sql, &params, |row| Ok(rows::read_row(row)))?;
    let next = if rows_out.len() > limit {
        rows_out.truncate(limit);
        rows_out.last().map(|row| Cursor::after(row, sort))
    } else {
        None
    };
    Ok(Page {
        rows: rows_out,
        next,
    })
}

/// Loads one case (with its five duties) by id.
pub fn load_case(db: &dyn Db, id: CaseId) -> Result<Option<crate::domain::Case>, StoreError> {
    let sql = format!("SELECT {} FROM cases WHERE id = ?", CASE_COLUMNS.join(", "));
    let Some(case) = db
        .collect(&sql, &vals![id], |row| Ok(rows::read_case(row)))?
        .pop()
    else {
        return Ok(None);
    };
    let mut case = case;
    if case.package.is_some() {
        let duties = db.collect(
            "SELECT duty, done_on, note FROM package_duties WHERE case_id = ? ORDER BY duty",
            &vals![id],
            |r| {
                let (index, done_on, note) =
                    (r.get::<i64>(0)?, r.get::<String>(1)?, r.get::<String>(2)?);
                Ok(stored_date(|| "package_duties.done_on".into(), &done_on)
                    .map(|day| (index, day, note)))
            },
        )?;
        for (index, day, note) in duties {
            rows::add_duty(&mut case, index as usize, day, note);
        }
    }
    Ok(Some(case))
}

/// A case's events in order.
pub fn events(db: &dyn Db, id: CaseId) -> Result<Vec<StoredEvent>, StoreError> {
    db.collect(
        &format!("SELECT {EVENT_COLUMNS} FROM events WHERE case_id = ? ORDER BY seq"),
        &vals![id],
        |r| event_at(r, 0),
    )
}

/// The columns `event_at` reads, in order.
const EVENT_COLUMNS: &str = "seq, at, actor, payload, from_state, to_state";

/// The event whose `EVENT_COLUMNS` start at column `first` of the row.
fn event_at(r: &Row<'_>, first: usize) -> rusqlite::Result<Result<StoredEvent, rows::BadValue>> {
    let (seq, at, actor, payload, from, to) = (
        r.get::<i64>(first)?,
        r.get::<String>(first + 1)?,
        r.get::<String>(first + 2)?,
        r.get::<String>(first + 3)?,
        r.get::<Option<String>>(first + 4)?,
        r.get::<Option<String>>(first + 5)?,
    );
    Ok(stored_event(seq, &at, actor, &payload, from, to))
}

fn stored_event(
    seq: i64,
    at: &str,
    actor: String,
    payload: &str,
    from: Option<String>,
    to: Option<String>,
) -> Result<StoredEvent, rows::BadValue> {
    let bad = |what: String| rows::BadValue(format!("events {seq}: {what}"));
    let at = rows::parse_timestamp(at)
        .or_else(|| NaiveDateTime::parse_from_str(at, rows::TIMESTAMP).ok())
        .ok_or_else(|| bad(format!("`{at}` is not a time")))?;
    let step: Step = serde_json::from_str(payload).map_err(|e| bad(e.to_string()))?;
    let state = |code: Option<String>| -> Result<Option<State>, rows::BadValue> {
        match code {
            None => Ok(None),
            Some(c) => State::from_code(&c)
                .map(Some)
                .ok_or_else(|| bad(format!("unknown state `{c}`"))),
        }
    };
    Ok(StoredEvent {
        seq,
        at,
        actor,
        step,
        from_state: state(from)?,
        to_state: state(to)?,
    })
}

pub fn detail(db: &dyn Db, id: CaseId) -> Result<Option<CaseDetail>, StoreError> {
    let Some(case) = load_case(db, id)? else {
        return Ok(None);
    };
    let events = events(db, id)?;
    let unit = match case.unit {
        Some(unit_id) => units_where(db, "WHERE id = ?", &vals![unit_id])?.pop(),
        None => None,
    };
    let leader = match &case.package {
        Some(p) => leaders_where(db, "WHERE id = ?", &vals![p.leader])?.pop(),
        None => None,
    };
    Ok(Some(CaseDetail {
        case,
        events,
        unit,
        leader,
        repeat_number: None,
    }))
}

pub fn find(db: &dyn Db, number: &str) -> Result<Option<CaseId>, StoreError> {
    db.first(
        "SELECT id FROM cases WHERE number = ?",
        &vals![number],
        |r| r.get(0),
    )
}

/// A stored date, or what is wrong with it.
pub(super) fn stored_date(
    what: impl FnOnce() -> String,
    text: &str,
) -> Result<chrono::NaiveDate, rows::BadValue> {
    rows::parse_date(text)
        .ok_or_else(|| rows::BadValue(format!("{}: `{text}` is not a date", what())))
}

fn units_where(db: &dyn Db, clause: &str, params: &[Value]) -> Result<Vec<Unit>, StoreError> {
    let sql = format!("SELECT id, name, region FROM units {clause} ORDER BY id");
    db.collect(&sql, params, |r| {
        Ok(Ok(Unit {
            id: r.get(0)?,
            name: r.get(1)?,
            region: r.get(2)?,
        }))
    })
}

pub fn units(db: &dyn Db) -> Result<Vec<Unit>, StoreError> {
    units_where(db, "", &[])
}

fn leaders_where(db: &dyn Db, clause: &str, params: &[Value]) -> Result<Vec<Leader>, StoreError> {
    let sql = format!("SELECT id, name, level, title, region FROM leaders {clause} ORDER BY id");
    db.collect(&sql, params, |r| {
        let level: String = r.get(2)?;
        let Some(level) = LeaderLevel::from_code(&level) else {
            return Ok(Err(rows::BadValue(format!(
                "leaders.level: unknown code `{level}`"
            ))));
        };
        Ok(Ok(Leader {
            id: r.get(0)?,
            name: r.get(1)?,
            level,
            title: r.get(3)?,
            region: r.get(4)?,
        }))
    })
}

pub fn leaders(db: &dyn Db) -> Result<Vec<Leader>, StoreError> {
    leaders_where(db, "", &[])
}

/// A user from a row of (name, role, scope).
fn user_row(r: &Row<'_>) -> rusqlite::Result<Result<User, rows::BadValue>> {
    let role: String = r.get(1)?;
    let Some(role) = Role::from_code(&role) else {
        return Ok(Err(rows::BadValue(format!(
            "users.role: unknown code `{role}`"
        ))));
    };
    Ok(Ok(User {
        name: r.get(0)?,
        role,
        scope: r.get(2)?,
    }))
}

pub fn users(db: &dyn Db) -> Result<Vec<User>, StoreError> {
    db.collect(
        "SELECT name, role, scope FROM users ORDER BY name",
        &[],
        user_row,
    )
}

pub fn user_keys(
    db: &dyn Db,
    name: Option<&str>,
) -> Result<Vec<crate::store::UserKey>, StoreError> {
    let columns = "SELECT name, fingerprint, key, comment, added_at FROM user_keys";
    let row = |r: &super::Row<'_>| {
        Ok(Ok(crate::store::UserKey {
            name: r.get(0)?,
            fingerprint: r.get(1)?,
            key: r.get(2)?,
            comment: r.get(3)?,
            added_at: r.get(4)?,
        }))
    };
    match name {
        Some(name) => db.collect(
            &format!("{columns} WHERE name = ? ORDER BY added_at, fingerprint"),
            &vals![name],
            row,
        ),
        None => db.collect(
            &format!("{columns} ORDER BY name, added_at, fingerprint"),
            &[],
            row,
        ),
    }
}

pub fn key_owner(db: &dyn Db, fingerprint: &str) -> Result<Option<User>, StoreError> {
    let sql = "SELECT u.name, u.role, u.scope FROM user_keys k JOIN users u ON u.name = k.name \
               WHERE k.fingerprint = ?";
    let found = db.collect(sql, &vals![fingerprint], user_row)?;
    Ok(found.into_iter().next())
}

pub fn campaigns(db: &dyn Db) -> Result<Vec<Campaign>, StoreError> {
    let sql = "SELECT c.id, c.name, c.starts_on, c.ends_on, c.target, \
               (SELECT count(*) FROM campaign_cases cc WHERE cc.campaign_id = c.id) \
               FROM campaigns c ORDER BY c.starts_on, c.id";
    db.collect(sql, &[], |r| {
        let id: i64 = r.get(0)?;
        let (starts, ends): (String, String) = (r.get(2)?, r.get(3)?);
        let what = || format!("campaigns {id}");
        let (starts_on, ends_on) = match (stored_date(what, &starts), stored_date(what, &ends)) {
            (Ok(s), Ok(e)) => (s, e),
            (Err(bad), _) | (_, Err(bad)) => return Ok(Err(bad)),
        };
        Ok(Ok(Campaign {
            id,
            name: r.get(1)?,
            starts_on,
            ends_on,
            target: r.get(4)?,
            cases: r.get::<i64>(5)? as u64,
        }))
    })
}

pub fn search_docs(
    db: &dyn Db,
    after: CaseId,
    limit: usize,
) -> Result<Vec<crate::store::SearchDoc>, StoreError> {
    let mut out = Vec::with_capacity(limit.min(100_000));
    let mut bad = None;
    db.query(
        "SELECT id, number, title, summary, pet_name, county, township, unit_id, leader_id, category, \
         class, channel, state, due_on, supervised, backlog, collective, \
         CASE WHEN repeat_of IS NOT NULL THEN 1 ELSE 0 END, route, \
         CASE WHEN accused <> '' OR accused_unit_id IS NOT NULL THEN 1 ELSE 0 END \
         FROM cases WHERE id > ? ORDER BY id LIMIT ?",
        &vals![after, limit as i64],
        &mut |row| {
            match search_doc(row) {
                Ok(doc) => out.push(doc),
                Err(b) => {
                    bad.get_or_insert(b);
                }
            }
            Ok(())
        },
    )?;
    match bad {
        Some(b) => Err(db.corrupt(b)),
        None => Ok(out),
    }
}

fn search_doc(row: &Row<'_>) -> Result<crate::store::SearchDoc, rows::BadValue> {
    use crate::domain::{Category, Channel, Class};
    let mut r = rows::Reader::new(row);
    let mut doc = crate::store::SearchDoc {
        id: r.int()?,
        number: r.text()?,
        title: r.text()?,
        summary: r.text()?,
        petitioner: r.text()?,
        county: r.text()?,
        township: r.text()?,
        unit: r.opt_int()?,
        leader: r.opt_int()?,
        category: r.opt_code(Category::from_code)?,
        class: r.opt_code(Class::from_code)?,
        confidential: false,
        channel: r.code(Channel::from_code)?,
        state: r.code(State::from_code)?,
        due_on: r.opt_date()?,
        supervised: r.flag()?,
        backlog: r.flag()?,
        collective: r.flag()?,
        repeat: r.flag()?,
    };
    let route = r.opt_code(crate::domain::DivertRoute::from_code)?;
    let accused = r.flag()?;
    doc.confidential = crate::domain::case::confidential(doc.category, doc.class, route, accused);
    Ok(doc)
}

/// The newest event's sequence number (0 for none).
pub fn head(db: &dyn Db) -> Result<i64, StoreError> {
    db.one("SELECT coalesce(max(seq), 0) FROM events", &[], |r| {
        r.get(0)
    })
}

pub fn changed_since(db: &dyn Db, seq: i64) -> Result<(i64, Vec<CaseId>), StoreError> {
    let mut head = seq;
    let mut ids = Vec::new();
    db.query(
        "SELECT seq, case_id FROM events WHERE seq > ? ORDER BY seq",
        &vals![seq],
        &mut |r| {
            let (s, id) = (r.get::<i64>(0)?, r.get::<Option<i64>>(1)?);
            head = head.max(s);
            if let Some(id) = id
                && !ids.contains(&id)
            {
                ids.push(id);
            }
            Ok(())
        },
    )?;
    Ok((head, ids))
}

pub fn related(
    db: &dyn Db,
    id: CaseId,
) -> Result<Vec<(CaseId, String, String, chrono::NaiveDate)>, StoreError> {
    // Two indexed lookups (cases_pet_id, cases_pet_phone) rather than one OR join, which SQLite
    // would answer by walking every earlier case.
    let sql = "SELECT id, number, title, received_on FROM ( \
           SELECT o.id, o.number, o.title, o.received_on FROM cases c JOIN cases o \
             ON o.pet_id_number = c.pet_id_number AND o.pet_id_number <> '' \
             WHERE c.id = ?1 AND o.id <> c.id AND o.received_on <= c.received_on \
           UNION \
           SELECT o.id, o.number, o.title, o.received_on FROM cases c JOIN cases o \
             ON o.pet_phone = c.pet_phone AND o.pet_name = c.pet_name AND o.pet_phone <> '' \
             WHERE c.id = ?1 AND o.id <> c.id AND o.received_on <= c.received_on) AS earlier \
         ORDER BY received_on DESC, id DESC LIMIT 50";
    db.collect(sql, &vals![id], |r| {
        let (other, number, title, received): (CaseId, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        Ok(stored_date(|| "cases.received_on".into(), &received)
            .map(|day| (other, number, title, day)))
    })
}

/// Cases with their histories, in the order of `ids` (unknown ids left out): what an export
/// writes. Read with three queries per call, whatever the number of ids.
pub fn details(db: &dyn Db, ids: &[CaseId]) -> Result<Vec<CaseDetail>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let params: Vec<Value> = ids.iter().map(|id| Value::Integer(*id)).collect();
    let sql = format!(
        "SELECT {} FROM cases WHERE id IN ({marks})",
        CASE_COLUMNS.join(", ")
    );
    let mut cases: std::collections::HashMap<CaseId, crate::domain::Case> = db
        .collect(&sql, &params, |row| Ok(rows::read_case(row)))?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let duties = db.collect(
        &format!(
            "SELECT case_id, duty, done_on, note FROM package_duties WHERE case_id IN ({marks})"
        ),
        &params,
        |r| {
            let (case, index, done_on, note) = (
                r.get::<i64>(0)?,
                r.get::<i64>(1)?,
                r.get::<String>(2)?,
                r.get::<String>(3)?,
            );
            Ok(stored_date(|| "package_duties.done_on".into(), &done_on)
                .map(|day| (case, index, day, note)))
        },
    )?;
    for (id, index, day, note) in duties {
        if let Some(case) = cases.get_mut(&id) {
            rows::add_duty(case, index as usize, day, note);
        }
    }
    let mut events: std::collections::HashMap<CaseId, Vec<StoredEvent>> =
        std::collections::HashMap::with_capacity(ids.len());
    let found = db.collect(
        &format!(
            "SELECT case_id, {EVENT_COLUMNS} FROM events \
             WHERE case_id IN ({marks}) ORDER BY case_id, seq"
        ),
        &params,
        |r| {
            let case = r.get::<i64>(0)?;
            Ok(event_at(r, 1)?.map(|e| (case, e)))
        },
    )?;
    for (case, event) in found {
        events.entry(case).or_default().push(event);
    }
    let repeats: Vec<Value> = cases
        .values()
        .filter_map(|c| c.repeat_of.map(Value::Integer))
        .collect();
    let mut numbers: std::collections::HashMap<CaseId, String> = std::collections::HashMap::new();
    if !repeats.is_empty() {
        let marks = vec!["?"; repeats.len()].join(", ");
        let found = db.collect(
            &format!("SELECT id, number FROM cases WHERE id IN ({marks})"),
            &repeats,
            |r| Ok(Ok((r.get::<i64>(0)?, r.get::<String>(1)?))),
        )?;
        numbers.extend(found);
    }
    Ok(ids
        .iter()
        .filter_map(|id| {
            cases.remove(id).map(|case| CaseDetail {
                events: events.remove(id).unwrap_or_default(),
                repeat_number: case.repeat_of.and_then(|r| numbers.get(&r).cloned()),
                case,
                unit: None,
                leader: None,
            })
        })
        .collect())
}
