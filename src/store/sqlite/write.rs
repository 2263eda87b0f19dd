//! Writes for SQLite: registering cases and applying steps, each in one `BEGIN IMMEDIATE`
//! transaction together with its audit event. No code here updates or deletes an event.

use super::SqliteStore;
use super::read::load_case;
use super::rows::{self, CASE_COLUMNS};
use crate::domain::lifecycle;
use crate::domain::{Case, CaseId, Intake, State, Step};
use crate::store::StoreError;
use crate::store::audit::{self, ChainedEvent};
use chrono::{Datelike, NaiveDateTime};
use rusqlite::{
    Connection, OptionalExtension, Transaction, TransactionBehavior, params, params_from_iter,
};

/// Appends one case event to the audit chain; returns its sequence number.
pub fn append_event(
    tx: &Connection,
    case_id: Option<CaseId>,
    at: NaiveDateTime,
    actor: &str,
    step: &Step,
    from: Option<State>,
    to: Option<State>,
) -> rusqlite::Result<i64> {
    let payload = serde_json::to_string(step)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    append(
        tx,
        case_id,
        at,
        actor,
        step.name(),
        from.map(|s| s.code()),
        to.map(|s| s.code()),
        &payload,
    )
}

/// Appends an event that is not a case step (a user change, a recompute).
pub(super) fn append_raw_event(
    tx: &Connection,
    case_id: Option<CaseId>,
    at: NaiveDateTime,
    actor: &str,
    kind: &str,
    payload: &str,
) -> rusqlite::Result<i64> {
    append(tx, case_id, at, actor, kind, None, None, payload)
}

#[allow(clippy::too_many_arguments)]
fn append(
    tx: &Connection,
    case_id: Option<CaseId>,
    at: NaiveDateTime,
    actor: &str,
    kind: &str,
    from_state: Option<&str>,
    to_state: Option<&str>,
    payload: &str,
) -> rusqlite::Result<i64> {
    let (last_seq, last_hash): (i64, Vec<u8>) = tx
        .prepare_cached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, audit::GENESIS.to_vec()));
    let previous: [u8; 32] = last_hash.try_into().unwrap_or(audit::GENESIS);
    let seq = last_seq + 1;
    let at = rows::timestamp(at);
    let event = ChainedEvent {
        seq,
        case_id,
        at: &at,
        actor,
        kind,
        from_state,
        to_state,
        payload,
    };
    let hash = audit::chain(&previous, &event);
    tx.prepare_cached(
        "INSERT INTO events (seq, case_id, at, actor, kind, from_state, to_state, payload, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        seq,
        case_id,
        at,
        actor,
        kind,
        from_state,
        to_state,
        payload,
        hash.to_vec()
    ])?;
    Ok(seq)
}

/// `INSERT INTO cases (…) VALUES (?, …)` over every column.
pub fn insert_case_sql() -> String {
    format!(
        "INSERT INTO cases ({}) VALUES ({})",
        CASE_COLUMNS.join(", "),
        vec!["?"; CASE_COLUMNS.len()].join(", ")
    )
}

fn update_case_sql() -> String {
    let sets: Vec<String> = CASE_COLUMNS[1..]
        .iter()
        .map(|c| format!("{c} = ?"))
        .collect();
    format!("UPDATE cases SET {} WHERE id = ?", sets.join(", "))
}

pub fn register(
    store: &SqliteStore,
    conn: &mut Connection,
    intake: &Intake,
    actor: &str,
    at: NaiveDateTime,
) -> Result<Case, StoreError> {
    let tx = begin(store, conn)?;
    let year = intake.received_on.year();
    let prefix = format!("NX-{year}-");
    let last: Option<String> = tx
        .query_row(
            "SELECT max(number) FROM cases WHERE number >= ? AND number < ?",
            params![prefix, format!("NX-{year}.")],
            |r| r.get(0),
        )
        .map_err(|e| store.error(e))?;
    let next = last
        .and_then(|n| n.get(prefix.len()..).and_then(|s| s.parse::<u64>().ok()))
        .unwrap_or(0)
        + 1;
    let id: i64 = tx
        .query_row("SELECT coalesce(max(id), 0) + 1 FROM cases", [], |r| {
            r.get(0)
        })
        .map_err(|e| store.error(e))?;
    let case = Case::registered(id, format!("{prefix}{next:06}"), intake.clone());
    tx.prepare_cached(&insert_case_sql())
        .and_then(|mut s| {
            s.execute(params_from_iter(rows::case_values(
                &case,
                store.rules(),
                at,
                actor,
            )))
        })
        .map_err(|e| store.error(e))?;
    let tally = crate::domain::kpi::tally(&case, store.rules());
    super::kpi::add_tally(&tx, case.intake.received_on, &case.intake.county, &tally, 1)
        .map_err(|e| store.error(e))?;
    append_event(
        &tx,
        Some(id),
        at,
        actor,
        &Step::Register,
        None,
        Some(State::Registered),
    )
    .map_err(|e| store.error(e))?;
    tx.commit().map_err(|e| store.error(e))?;
    Ok(case)
}

pub fn apply(
    store: &SqliteStore,
    conn: &mut Connection,
    id: CaseId,
    expected_version: i64,
    step: &Step,
    actor: &str,
    at: NaiveDateTime,
) -> Result<Case, StoreError> {
    let tx = begin(store, conn)?;
    let mut case =
        load_case(store, &tx, id)?.ok_or_else(|| StoreError::NoSuchCase(id.to_string()))?;
    if case.version != expected_version {
        let (by, when): (String, String) = tx
            .query_row(
                "SELECT updated_by, updated_at FROM cases WHERE id = ?",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| store.error(e))?;
        return Err(StoreError::Conflict {
            number: case.number,
            by,
            at: when,
        });
    }
    let from = case.state;
    let before = case.clone();
    lifecycle::apply(&mut case, step, at, store.rules()).map_err(|error| StoreError::Rule {
        number: case.number.clone(),
        error,
    })?;
    update_summary(&tx, &before, &case, store.rules()).map_err(|e| store.error(e))?;
    let mut values = rows::case_values(&case, store.rules(), at, actor);
    let id_value = values.remove(0);
    values.push(id_value);
    tx.prepare_cached(&update_case_sql())
        .and_then(|mut s| s.execute(params_from_iter(values)))
        .map_err(|e| store.error(e))?;
    if let Step::TickDuty { duty, note } = step {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO package_duties (case_id, duty, done_on, note) VALUES (?, ?, ?, ?)",
        )
        .and_then(|mut s| s.execute(params![id, duty.index() as i64, rows::date(at.date()), note]))
        .map_err(|e| store.error(e))?;
    }
    append_event(&tx, Some(id), at, actor, step, Some(from), Some(case.state))
        .map_err(|e| store.error(e))?;
    tx.commit().map_err(|e| store.error(e))?;
    Ok(case)
}

/// Moves the case's KPI contribution from its old value to its new one.
fn update_summary(
    conn: &Connection,
    before: &Case,
    after: &Case,
    rules: &crate::domain::Rules,
) -> rusqlite::Result<()> {
    use crate::domain::kpi::tally;
    let (old, new) = (tally(before, rules), tally(after, rules));
    let same_key = before.intake.received_on == after.intake.received_on
        && before.intake.county == after.intake.county;
    if same_key && old == new {
        return Ok(());
    }
    super::kpi::add_tally(
        conn,
        before.intake.received_on,
        &before.intake.county,
        &old,
        -1,
    )?;
    super::kpi::add_tally(
        conn,
        after.intake.received_on,
        &after.intake.county,
        &new,
        1,
    )
}

fn begin<'c>(store: &SqliteStore, conn: &'c mut Connection) -> Result<Transaction<'c>, StoreError> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| store.error(e))
}

/// Adds or changes a console user, with its audit event (no case; the change as payload).
pub fn change_user(
    store: &SqliteStore,
    conn: &mut Connection,
    change: &crate::store::UserChange,
    actor: &str,
    at: NaiveDateTime,
) -> Result<crate::store::User, StoreError> {
    use crate::store::UserChange;
    let tx = begin(store, conn)?;
    let name = match change {
        UserChange::Add { name, .. }
        | UserChange::SetRole { name, .. }
        | UserChange::SetScope { name, .. } => name,
    };
    let exists: bool = tx
        .query_row("SELECT count(*) FROM users WHERE name = ?", [name], |r| {
            r.get::<_, i64>(0)
        })
        .map(|n| n > 0)
        .map_err(|e| store.error(e))?;
    let result = match change {
        UserChange::Add { role, scope, .. } if !exists => tx.execute(
            "INSERT INTO users (name, role, scope, created_at) VALUES (?, ?, ?, ?)",
            params![name, role.code(), scope, rows::timestamp(at)],
        ),
        UserChange::Add { .. } => {
            return Err(StoreError::Invalid(format!("user `{name}` already exists")));
        }
        _ if !exists => return Err(StoreError::Invalid(format!("no user `{name}`"))),
        UserChange::SetRole { role, .. } => tx.execute(
            "UPDATE users SET role = ? WHERE name = ?",
            params![role.code(), name],
        ),
        UserChange::SetScope { scope, .. } => tx.execute(
            "UPDATE users SET scope = ? WHERE name = ?",
            params![scope, name],
        ),
    };
    result.map_err(|e| store.error(e))?;
    let payload = serde_json::to_string(change).map_err(|e| StoreError::Invalid(e.to_string()))?;
    append_raw_event(&tx, None, at, actor, user_kind(change), &payload)
        .map_err(|e| store.error(e))?;
    let user = tx
        .query_row(
            "SELECT name, role, scope FROM users WHERE name = ?",
            [name],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .map_err(|e| store.error(e))?;
    tx.commit().map_err(|e| store.error(e))?;
    let role = crate::domain::Role::from_code(&user.1)
        .ok_or_else(|| StoreError::Invalid(format!("users.role: unknown code `{}`", user.1)))?;
    Ok(crate::store::User {
        name: user.0,
        role,
        scope: user.2,
    })
}

fn user_kind(change: &crate::store::UserChange) -> &'static str {
    match change {
        crate::store::UserChange::Add { .. } => "user-add",
        crate::store::UserChange::SetRole { .. } => "user-set-role",
        crate::store::UserChange::SetScope { .. } => "user-set-scope",
    }
}

/// See `Store::undo_last`.
pub fn undo_last(
    store: &SqliteStore,
    conn: &mut Connection,
    id: CaseId,
    actor: &str,
    at: NaiveDateTime,
) -> Result<Case, StoreError> {
    use crate::domain::Event;
    let tx = begin(store, conn)?;
    let current =
        load_case(store, &tx, id)?.ok_or_else(|| StoreError::NoSuchCase(id.to_string()))?;
    let events = super::read::events(store, &tx, id)?;
    let undone: std::collections::HashSet<i64> = events
        .iter()
        .filter_map(|e| match e.step {
            Step::Undo { of } => Some(of),
            _ => None,
        })
        .collect();
    let effective: Vec<_> = events
        .iter()
        .filter(|e| !matches!(e.step, Step::Undo { .. }) && !undone.contains(&e.seq))
        .collect();
    let number = current.number.clone();
    let Some((last, kept)) = effective.split_last() else {
        return Err(StoreError::Invalid(format!("case {number} has no history")));
    };
    if last.step == Step::Register {
        return Err(StoreError::NothingToUndo { number });
    }
    if last.actor != actor {
        return Err(StoreError::NotYourStep {
            number,
            step: last.step.name(),
            by: last.actor.clone(),
            actor: actor.to_string(),
        });
    }
    let history: Vec<Event> = kept
        .iter()
        .map(|e| Event {
            at: e.at,
            actor: e.actor.clone(),
            step: e.step.clone(),
        })
        .collect();
    let mut rebuilt = lifecycle::replay(
        id,
        number.clone(),
        current.intake.clone(),
        &history,
        store.rules(),
    )
    .map_err(|e| StoreError::Invalid(format!("case {number}: cannot undo: {e}")))?;
    rebuilt.version = current.version + 1;
    let mut values = rows::case_values(&rebuilt, store.rules(), at, actor);
    let id_value = values.remove(0);
    values.push(id_value);
    tx.prepare_cached(&update_case_sql())
        .and_then(|mut s| s.execute(params_from_iter(values)))
        .map_err(|e| store.error(e))?;
    tx.execute("DELETE FROM package_duties WHERE case_id = ?", [id])
        .map_err(|e| store.error(e))?;
    if let Some(package) = &rebuilt.package {
        for (index, duty) in package.duties.iter().enumerate() {
            if let Some(duty) = duty {
                tx.execute(
                    "INSERT INTO package_duties (case_id, duty, done_on, note) VALUES (?, ?, ?, ?)",
                    params![id, index as i64, rows::date(duty.done_on), duty.note],
                )
                .map_err(|e| store.error(e))?;
            }
        }
    }
    update_summary(&tx, &current, &rebuilt, store.rules()).map_err(|e| store.error(e))?;
    append_event(
        &tx,
        Some(id),
        at,
        actor,
        &Step::Undo { of: last.seq },
        Some(current.state),
        Some(rebuilt.state),
    )
    .map_err(|e| store.error(e))?;
    tx.commit().map_err(|e| store.error(e))?;
    Ok(rebuilt)
}
