//! Tamper evidence for the current rows: every case row must equal the replay of its events
//! (through the state machine, deadlines under the rules the last `db recompute` recorded), and
//! every user row the replay of its user events. The audit chain proves the events; this proves
//! the rows follow from them, so a direct `UPDATE` of a state, a deadline or a role is found.
//!
//! Cases are read in id ranges with their events and duties, so memory stays bounded at any size.
//! The registration fields themselves are not in the events (only their corrections are, which
//! the replay re-applies).

use super::Db;
use super::rows::{self, CASE_COLUMNS};
use crate::domain::{Case, Event, Role, Rules, Step, lifecycle};
use crate::store::{StoreError, UserChange};
use crate::vals;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Cases replayed per batch.
const BATCH: i64 = 20_000;
/// Columns not derived from the events: bookkeeping of the last write.
const BOOKKEEPING: &[&str] = &["updated_at", "updated_by"];
/// Columns derived from the rules, compared with what the recorded rules give.
const DERIVED: &[&str] = &["due_on", "handling_due_on", "backlog_from"];

/// Case and user rows that differ from their events, at most `limit` lines; returns the number of
/// cases replayed too.
pub fn differences(db: &dyn Db, limit: usize) -> Result<(u64, Vec<String>), StoreError> {
    let rules = super::kpi::recorded_rules(db)?;
    let mut problems = users(db)?;
    problems.truncate(limit);
    let mut replayed = 0u64;
    let mut after = i64::MIN;
    while problems.len() < limit {
        let Some((count, last)) = batch(db, &rules, after, limit, &mut problems)? else {
            break;
        };
        replayed += count;
        after = last;
    }
    Ok((replayed, problems))
}

/// Replays the next `BATCH` cases after id `after`; returns how many and the last id, or `None`
/// when there are no more. Paged by id, not by id range, so any ids take one pass.
fn batch(
    db: &dyn Db,
    rules: &Rules,
    after: i64,
    limit: usize,
    problems: &mut Vec<String>,
) -> Result<Option<(u64, i64)>, StoreError> {
    let sql = format!(
        "SELECT {}, due_on, handling_due_on, backlog_from, leader_id FROM cases WHERE id > ? ORDER BY id LIMIT {BATCH}",
        CASE_COLUMNS.join(", ")
    );
    let columns = CASE_COLUMNS.len();
    let stored: Vec<(Case, Stored)> = db.collect(&sql, &vals![after], |row| {
        let extra = Stored {
            derived: [
                row.get(columns)?,
                row.get(columns + 1)?,
                row.get(columns + 2)?,
            ],
            leader: row.get(columns + 3)?,
        };
        Ok(rows::read_case(row).map(|case| (case, extra)))
    })?;
    let Some(last) = stored.last().map(|(case, _)| case.id) else {
        return Ok(None);
    };
    let range = vals![after, last];
    let mut events: HashMap<i64, Vec<(i64, Event)>> = HashMap::new();
    // An event that does not parse is reported against its case, not as a failure of the check:
    // the chain walk names the event itself.
    let parsed: Vec<(i64, i64, Result<Event, String>)> = db.collect(
        "SELECT case_id, seq, at, actor, payload FROM events WHERE case_id > ? AND case_id <= ? ORDER BY case_id, seq",
        &range,
        |r| {
            let (case, seq, at, actor, payload) = (
                r.get::<i64>(0)?,
                r.get::<i64>(1)?,
                r.get::<String>(2)?,
                r.get::<String>(3)?,
                r.get::<String>(4)?,
            );
            let event = rows::parse_timestamp(&at)
                .ok_or_else(|| format!("event {seq}: `{at}` is not a time"))
                .and_then(|at| {
                    serde_json::from_str::<Step>(&payload)
                        .map(|step| Event { at, actor, step })
                        .map_err(|e| format!("event {seq} is not a step ({e})"))
                });
            Ok(Ok((case, seq, event)))
        },
    )?;
    let mut unreadable: HashMap<i64, String> = HashMap::new();
    for (case, seq, event) in parsed {
        match event {
            Ok(event) => events.entry(case).or_default().push((seq, event)),
            Err(problem) => {
                unreadable.entry(case).or_insert(problem);
            }
        }
    }
    let mut duties: HashMap<i64, Vec<(usize, chrono::NaiveDate, String)>> = HashMap::new();
    let rows_of_duties = db.collect(
        "SELECT case_id, duty, done_on, note FROM package_duties WHERE case_id > ? AND case_id <= ?",
        &range,
        |r| {
            let (case, duty, done_on, note) = (
                r.get::<i64>(0)?,
                r.get::<i64>(1)?,
                r.get::<String>(2)?,
                r.get::<String>(3)?,
            );
            Ok(rows::parse_date(&done_on)
                .map(|day| (case, duty as usize, day, note))
                .ok_or_else(|| {
                    rows::BadValue(format!("package_duties.done_on: `{done_on}` is not a date"))
                }))
        },
    )?;
    for (case, duty, day, note) in rows_of_duties {
        duties.entry(case).or_default().push((duty, day, note));
    }
    let count = stored.len() as u64;
    let next = Some((count, last));
    for (mut case, derived) in stored {
        if problems.len() >= limit {
            break;
        }
        if case.package.is_some() {
            for (duty, day, note) in duties.remove(&case.id).unwrap_or_default() {
                rows::add_duty(&mut case, duty, day, note);
            }
        }
        let history = events.remove(&case.id).unwrap_or_default();
        let found = match unreadable.remove(&case.id) {
            Some(problem) => Some(problem),
            None => compare(&case, &derived, &history, rules),
        };
        if let Some(problem) = found {
            problems.push(format!("case {}: {problem}", case.number));
        }
    }
    Ok(next)
}

/// What a case row holds beyond what `read_case` reads into a case.
struct Stored {
    /// `due_on`, `handling_due_on`, `backlog_from` as stored.
    derived: [Option<String>; 3],
    /// `leader_id` as stored (a case reads it only with `packaged_on`).
    leader: Option<i64>,
}

/// How the stored case differs from the replay of its events, if it does.
fn compare(
    stored: &Case,
    extra: &Stored,
    history: &[(i64, Event)],
    rules: &Rules,
) -> Option<String> {
    let derived = &extra.derived;
    let undone: HashSet<i64> = history
        .iter()
        .filter_map(|(_, e)| match e.step {
            Step::Undo { of } => Some(of),
            _ => None,
        })
        .collect();
    let effective: Vec<Event> = history
        .iter()
        .filter(|(seq, e)| !matches!(e.step, Step::Undo { .. }) && !undone.contains(seq))
        .map(|(_, e)| e.clone())
        .collect();
    // An imported case's history is inside its import event.
    let effective = lifecycle::expand(&effective).into_owned();
    // The registration fields as registered: the stored ones with their corrections taken back
    // must give the digest the registration recorded (histories before it was recorded: not
    // checked); replaying the corrections must then give the stored fields again.
    let registered = lifecycle::registered_intake(&stored.intake, &effective);
    if let Some(Event {
        step: Step::Register {
            intake: Some(digest),
        },
        ..
    }) = effective.first()
        && crate::domain::case::intake_digest(&registered) != *digest
    {
        return Some(
            "its registration fields (title, summary, petitioner, channel, category, place, persons, flags) differ from those registered".into(),
        );
    }
    if extra.leader != replayed_leader(&effective) {
        return Some(format!(
            "`leader_id` is {} but its events give {}",
            extra.leader.map_or("empty".into(), |l| l.to_string()),
            replayed_leader(&effective).map_or("empty".into(), |l| l.to_string())
        ));
    }
    let mut replayed = match lifecycle::replay_recorded(
        stored.id,
        stored.number.clone(),
        registered,
        &effective,
        rules,
    ) {
        Ok(case) => case,
        Err(e) => return Some(format!("its events do not replay ({e})")),
    };
    replayed.version = history.len() as i64;
    let derived_now = [
        crate::domain::deadline::duty_clock(&replayed, rules).map(|c| c.due_on),
        crate::domain::deadline::handling_due(&replayed, rules),
        crate::domain::kpi::backlog_from(&replayed, rules),
    ];
    let derived_same = derived_now
        .iter()
        .zip(derived)
        .all(|(now, stored)| now.map(rows::date).as_deref() == stored.as_deref());
    if derived_same && replayed == *stored {
        return None;
    }
    // Something differs: name the first column that does.
    let at = chrono::NaiveDateTime::default();
    let want = rows::case_values(&replayed, rules, at, "");
    let have = rows::case_values(stored, rules, at, "");
    for ((column, want), have) in CASE_COLUMNS.iter().zip(&want).zip(&have) {
        if BOOKKEEPING.contains(column) {
            continue;
        }
        let (have, want) = match DERIVED.iter().position(|d| d == column) {
            Some(i) => (
                derived[i]
                    .clone()
                    .map_or(rusqlite::types::Value::Null, Into::into),
                want.clone(),
            ),
            None => (have.clone(), want.clone()),
        };
        if have != want {
            return Some(format!(
                "`{column}` is {} but its events give {}",
                shown(&have),
                shown(&want)
            ));
        }
    }
    if stored.package != replayed.package {
        return Some("its package duties differ from its events".into());
    }
    None
}

/// The leader of the last packaging in a history, if any.
fn replayed_leader(history: &[Event]) -> Option<i64> {
    history.iter().rev().find_map(|e| match e.step {
        Step::PackageToLeader { leader } => Some(leader),
        _ => None,
    })
}

fn shown(value: &rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    match value {
        Value::Null => "empty".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => format!("`{}`", crate::text::sanitise(t)),
        Value::Blob(_) => "binary".into(),
    }
}

/// Users whose row differs from the replay of the user events.
fn users(db: &dyn Db) -> Result<Vec<String>, StoreError> {
    let changes: Vec<(i64, Option<UserChange>)> = db.collect(
        "SELECT seq, payload FROM events WHERE case_id IS NULL AND kind LIKE 'user-%' ORDER BY seq",
        &[],
        |r| {
            let (seq, payload) = (r.get::<i64>(0)?, r.get::<String>(1)?);
            Ok(Ok((seq, serde_json::from_str::<UserChange>(&payload).ok())))
        },
    )?;
    let mut problems = Vec::new();
    let mut replayed: BTreeMap<String, (Role, String)> = BTreeMap::new();
    // Keys by fingerprint: owner and key.
    let mut keys: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (seq, change) in changes {
        let Some(change) = change else {
            problems.push(format!("event {seq} is not a user change"));
            continue;
        };
        match change {
            UserChange::Add { name, role, scope } => {
                replayed.insert(name, (role, scope));
            }
            UserChange::SetRole { name, role } => {
                if let Some(user) = replayed.get_mut(&name) {
                    user.0 = role;
                }
            }
            UserChange::SetScope { name, scope } => {
                if let Some(user) = replayed.get_mut(&name) {
                    user.1 = scope;
                }
            }
            UserChange::AddKey {
                name,
                key,
                fingerprint,
                ..
            } => {
                keys.insert(fingerprint, (name, key));
            }
            UserChange::RemoveKey { fingerprint, .. } => {
                keys.remove(&fingerprint);
            }
        }
    }
    for stored in super::read::user_keys(db, None)? {
        let fingerprint = crate::text::sanitise(&stored.fingerprint);
        match keys.remove(&stored.fingerprint) {
            None => problems.push(format!(
                "key {fingerprint} of `{}` has no event that added it (added outside xinfang)",
                crate::text::sanitise(&stored.name)
            )),
            Some((name, key)) if name != stored.name || key != stored.key => problems.push(
                format!("key {fingerprint}: its row differs from the event that added it"),
            ),
            Some(_) => {}
        }
    }
    for fingerprint in keys.keys() {
        problems.push(format!(
            "key {} was added by an event but has no row (removed outside xinfang)",
            crate::text::sanitise(fingerprint)
        ));
    }
    let stored = super::read::users(db)?;
    for user in &stored {
        let name = crate::text::sanitise(&user.name);
        match replayed.remove(&user.name) {
            None => problems.push(format!(
                "user `{name}` has no event that added them (added outside xinfang)"
            )),
            Some((role, _)) if role != user.role => problems.push(format!(
                "user `{name}`: role is {} but their events give {}",
                user.role.code(),
                role.code()
            )),
            Some((_, scope)) if scope != user.scope => problems.push(format!(
                "user `{name}`: scope is {} but their events give {scope}",
                user.scope
            )),
            Some(_) => {}
        }
    }
    for name in replayed.keys() {
        problems.push(format!(
            "user `{}` was added by an event but has no row (removed outside xinfang)",
            crate::text::sanitise(name)
        ));
    }
    Ok(problems)
}
