//! Writes: registering cases and applying steps, each inside the caller's write transaction
//! (which the backend serialises) together with its audit event. No code here updates or deletes
//! an event.

use super::Db;
use super::read::load_case;
use super::rows::{self, CASE_COLUMNS};
use crate::domain::lifecycle;
use crate::domain::{Case, CaseId, Intake, State, Step};
use crate::store::StoreError;
use crate::store::audit::{self, ChainedEvent};
use crate::vals;
use chrono::{Datelike, NaiveDateTime};

/// Appends one case event to the audit chain; returns its sequence number.
pub fn append_event(
    db: &dyn Db,
    case_id: Option<CaseId>,
    at: NaiveDateTime,
    actor: &str,
    step: &Step,
    from: Option<State>,
    to: Option<State>,
) -> Result<i64, StoreError> {
    let payload = serde_json::to_string(step).map_err(|e| db.backend(e.to_string()))?;
    append(
        db,
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
    db: &dyn Db,
    case_id: Option<CaseId>,
    at: NaiveDateTime,
    actor: &str,
    kind: &str,
    payload: &str,
) -> Result<i64, StoreError> {
    append(db, case_id, at, actor, kind, None, None, payload)
}

#[allow(clippy::too_many_arguments)]
fn append(
    db: &dyn Db,
    case_id: Option<CaseId>,
    at: NaiveDateTime,
    actor: &str,
    kind: &str,
    from_state: Option<&str>,
    to_state: Option<&str>,
    payload: &str,
) -> Result<i64, StoreError> {
    let head = chain_head(db)?;
    let (previous, seq) = (head.previous, head.next_seq());
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
    db.execute(
        "INSERT INTO events (seq, case_id, at, actor, kind, from_state, to_state, payload, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &vals![
            seq,
            case_id,
            at,
            actor,
            kind,
            from_state,
            to_state,
            payload,
            hash.to_vec()
        ],
    )?;
    db.announce(seq)?;
    Ok(seq)
}

/// Where the audit chain ends: the newest event's number and hash (the genesis for none).
pub fn chain_head(db: &dyn Db) -> Result<audit::Chain, StoreError> {
    let (seq, hash): (i64, Vec<u8>) = db
        .first(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .unwrap_or((0, audit::GENESIS.to_vec()));
    Ok(audit::Chain {
        seq,
        previous: hash.try_into().unwrap_or(audit::GENESIS),
    })
}

/// Refuses `action` unless the user `actor` of this database may do it (`domain::access`):
/// asked inside the write transaction, so a refusal holds whatever the caller checked before.
pub fn authorise(
    db: &dyn Db,
    actor: &str,
    action: crate::domain::access::Action<'_>,
    (what, what_zh): (String, String),
) -> Result<(), StoreError> {
    use crate::domain::access::{self, Actor, Refusal};
    let user: Option<(String, String)> = db.first(
        "SELECT role, scope FROM users WHERE name = ?",
        &vals![actor],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let refused = |reason| StoreError::Refused {
        actor: actor.to_string(),
        what: what.clone(),
        what_zh: what_zh.clone(),
        reason,
    };
    let Some((role, scope)) = user else {
        return Err(refused(Refusal::NotAUser(actor.to_string())));
    };
    let role = crate::domain::Role::from_code(&role)
        .ok_or_else(|| StoreError::Invalid(format!("users.role: unknown code `{role}`")))?;
    let who = Actor {
        name: actor,
        role,
        scope: &scope,
    };
    access::may(&who, action).map_err(refused)
}

/// What taking `step` on case `number` is called in a refusal.
fn step_words(step: &str, number: &str) -> (String, String) {
    (
        format!("{} {number}", crate::domain::step::verb_en(step)),
        format!("{} {number}", crate::domain::step::name_zh(step)),
    )
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
    db: &dyn Db,
    intake: &Intake,
    actor: &str,
    at: NaiveDateTime,
) -> Result<Case, StoreError> {
    authorise(
        db,
        actor,
        crate::domain::access::Action::Register {
            county: &intake.county,
        },
        (
            format!("register a case in {}", intake.county),
            format!("登记 {} 的信访件", intake.county),
        ),
    )?;
    let year = intake.received_on.year();
    let prefix = format!("NX-{year}-");
    let last: Option<String> = db.one(
        "SELECT max(number) FROM cases WHERE number >= ? AND number < ?",
        &vals![&prefix, format!("NX-{year}.")],
        |r| r.get(0),
    )?;
    let next = last
        .and_then(|n| n.get(prefix.len()..).and_then(|s| s.parse::<u64>().ok()))
        .unwrap_or(0)
        + 1;
    let id: i64 = db.one("SELECT coalesce(max(id), 0) + 1 FROM cases", &[], |r| {
        r.get(0)
    })?;
    let case = Case::registered(id, format!("{prefix}{next:06}"), intake.clone());
    db.execute(
        &insert_case_sql(),
        &rows::case_values(&case, db.rules(), at, actor),
    )?;
    super::kpi::update_summary(db, None, &case)?;
    append_event(
        db,
        Some(id),
        at,
        actor,
        &Step::Register {
            intake: Some(crate::domain::case::intake_digest(intake)),
        },
        None,
        Some(State::Registered),
    )?;
    Ok(case)
}

pub fn apply(
    db: &dyn Db,
    id: CaseId,
    expected_version: i64,
    step: &Step,
    actor: &str,
    at: NaiveDateTime,
) -> Result<Case, StoreError> {
    let mut case = load_case(db, id)?.ok_or_else(|| StoreError::NoSuchCase(id.to_string()))?;
    authorise(
        db,
        actor,
        crate::domain::access::Action::Step {
            step: step.name(),
            county: &case.intake.county,
        },
        step_words(step.name(), &case.number),
    )?;
    if case.version != expected_version {
        let (by, when): (String, String) = db.one(
            "SELECT updated_by, updated_at FROM cases WHERE id = ?",
            &vals![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        return Err(StoreError::Conflict {
            number: case.number,
            by,
            at: when,
        });
    }
    let from = case.state;
    let before = case.clone();
    let filled = fill_step(db, &case, step, at)?;
    let step = &filled;
    lifecycle::apply(&mut case, step, at, db.rules()).map_err(|error| StoreError::Rule {
        number: case.number.clone(),
        error,
    })?;
    super::kpi::update_summary(db, Some(&before), &case)?;
    let mut values = rows::case_values(&case, db.rules(), at, actor);
    let id_value = values.remove(0);
    values.push(id_value);
    db.execute(&update_case_sql(), &values)?;
    if let Step::TickDuty { duty, note } = step {
        db.execute(
            "INSERT INTO package_duties (case_id, duty, done_on, note) VALUES (?, ?, ?, ?) \
             ON CONFLICT (case_id, duty) DO UPDATE SET done_on = excluded.done_on, note = excluded.note",
            &vals![id, duty.index() as i64, rows::date(at.date()), note],
        )?;
    }
    append_event(db, Some(id), at, actor, step, Some(from), Some(case.state))?;
    Ok(case)
}

/// The facts a step records that the store knows better than its caller: whether a linked
/// earlier case is final (Art 36 ¶3), which body one level up handles a review or re-review
/// (Art 35–36), and what the rules in force decide — the delivery day of a reply, whether an agreed
/// objection restarts the Art 22 clock — so that the history replays the same under any rules.
fn fill_step(db: &dyn Db, case: &Case, step: &Step, at: NaiveDateTime) -> Result<Step, StoreError> {
    let unit_region = || -> Result<String, StoreError> {
        match case.unit {
            Some(unit) => Ok(db
                .collect("SELECT region FROM units WHERE id = ?", &vals![unit], |r| {
                    Ok(Ok(r.get::<String>(0)?))
                })?
                .into_iter()
                .next()
                .unwrap_or_else(|| case.intake.county.clone())),
            None => Ok(case.intake.county.clone()),
        }
    };
    Ok(match step {
        Step::LinkRepeat { of, .. } => {
            let state: Vec<String> =
                db.collect("SELECT state FROM cases WHERE id = ?", &vals![*of], |r| {
                    Ok(Ok(r.get(0)?))
                })?;
            let Some(state) = state.into_iter().next() else {
                return Err(StoreError::NoSuchCase(of.to_string()));
            };
            Step::LinkRepeat {
                of: *of,
                of_final: state == State::Final.code(),
            }
        }
        Step::RequestReview { .. } => Step::RequestReview {
            body: crate::domain::region::level_up(&unit_region()?),
        },
        Step::RequestReReview { .. } => {
            let reviewer = match &case.review_body {
                Some(body) => body.clone(),
                None => crate::domain::region::level_up(&unit_region()?),
            };
            Step::RequestReReview {
                body: crate::domain::region::level_up(&reviewer),
            }
        }
        other => lifecycle::settled(case, other, at, db.rules()),
    })
}

/// Adds or changes a console user, with its audit event (no case; the change as payload).
pub fn change_user(
    db: &dyn Db,
    change: &crate::store::UserChange,
    actor: &str,
    at: NaiveDateTime,
) -> Result<crate::store::User, StoreError> {
    use crate::store::UserChange;
    let name = change.name();
    if let UserChange::Add { name, .. } = change
        && let Some(problem) = crate::domain::org::user_name_problem(name)
    {
        return Err(StoreError::Invalid(format!(
            "user `{}`: {problem}",
            crate::text::sanitise(name)
        )));
    }
    let users: i64 = db.one("SELECT count(*) FROM users", &[], |r| r.get(0))?;
    match change {
        // The first user of an empty database is its first admin, and adds themself: whoever
        // can write the database file or connect to it is trusted to set it up.
        UserChange::Add { name, role, .. } if users == 0 => {
            if name != actor || *role != crate::domain::Role::Admin {
                return Err(StoreError::Invalid(format!(
                    "the first user of a database must be its admin and yourself: `xinfang user add {actor} --role admin`"
                )));
            }
        }
        _ => authorise(
            db,
            actor,
            crate::domain::access::Action::ChangeUsers,
            (
                format!("change user `{name}`"),
                format!("修改用户 `{name}`"),
            ),
        )?,
    }
    let exists = db.one(
        "SELECT count(*) FROM users WHERE name = ?",
        &vals![name],
        |r| r.get::<i64>(0),
    )? > 0;
    match change {
        UserChange::Add { role, scope, .. } if !exists => db.execute(
            "INSERT INTO users (name, role, scope, created_at) VALUES (?, ?, ?, ?)",
            &vals![name, role.code(), scope, rows::timestamp(at)],
        ),
        UserChange::Add { .. } => {
            return Err(StoreError::Invalid(format!("user `{name}` already exists")));
        }
        _ if !exists => return Err(StoreError::Invalid(format!("no user `{name}`"))),
        UserChange::SetRole { role, .. }
            if *role != crate::domain::Role::Admin
                && db.one(
                    "SELECT count(*) FROM users WHERE role = 'admin' AND name <> ?",
                    &vals![name],
                    |r| r.get::<i64>(0),
                )? == 0 =>
        {
            return Err(StoreError::Invalid(format!(
                "`{name}` is the last admin; make another user an admin first"
            )));
        }
        UserChange::SetRole { role, .. } => db.execute(
            "UPDATE users SET role = ? WHERE name = ?",
            &vals![role.code(), name],
        ),
        UserChange::SetScope { scope, .. } => db.execute(
            "UPDATE users SET scope = ? WHERE name = ?",
            &vals![scope, name],
        ),
        UserChange::AddKey {
            key,
            fingerprint,
            comment,
            ..
        } => {
            // The key is checked again here: the fingerprint it is found by must be its own.
            let parsed = crate::sshkey::parse(key).map_err(StoreError::Invalid)?;
            if parsed.fingerprint != *fingerprint || parsed.key != *key {
                return Err(StoreError::Invalid(format!(
                    "key {fingerprint}: not the key's own fingerprint and text ({})",
                    parsed.fingerprint
                )));
            }
            let owner: Vec<String> = db.collect(
                "SELECT name FROM user_keys WHERE fingerprint = ?",
                &vals![fingerprint],
                |r| Ok(Ok(r.get::<String>(0)?)),
            )?;
            if let Some(owner) = owner.first() {
                return Err(StoreError::Invalid(if owner == name {
                    format!("`{name}` already has the key {fingerprint}")
                } else {
                    format!(
                        "the key {fingerprint} belongs to `{}`; a key belongs to one user",
                        crate::text::sanitise(owner)
                    )
                }));
            }
            db.execute(
                "INSERT INTO user_keys (fingerprint, name, key, comment, added_at) \
                 VALUES (?, ?, ?, ?, ?)",
                &vals![fingerprint, name, &parsed.key, comment, rows::timestamp(at)],
            )
        }
        UserChange::RemoveKey { fingerprint, .. } => {
            let removed = db.execute(
                "DELETE FROM user_keys WHERE fingerprint = ? AND name = ?",
                &vals![fingerprint, name],
            )?;
            if removed == 0 {
                return Err(StoreError::Invalid(format!(
                    "`{name}` has no key {}",
                    crate::text::sanitise(fingerprint)
                )));
            }
            Ok(removed)
        }
    }?;
    let payload = serde_json::to_string(change).map_err(|e| StoreError::Invalid(e.to_string()))?;
    append_raw_event(db, None, at, actor, user_kind(change), &payload)?;
    let user = db.one(
        "SELECT name, role, scope FROM users WHERE name = ?",
        &vals![name],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
            ))
        },
    )?;
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
        crate::store::UserChange::AddKey { .. } => "user-add-key",
        crate::store::UserChange::RemoveKey { .. } => "user-remove-key",
    }
}

/// See `Store::undo_last`.
pub fn undo_last(
    db: &dyn Db,
    id: CaseId,
    actor: &str,
    at: NaiveDateTime,
) -> Result<Case, StoreError> {
    use crate::domain::Event;
    let current = load_case(db, id)?.ok_or_else(|| StoreError::NoSuchCase(id.to_string()))?;
    authorise(
        db,
        actor,
        crate::domain::access::Action::Step {
            step: "undo",
            county: &current.intake.county,
        },
        step_words("undo", &current.number),
    )?;
    let events = super::read::events(db, id)?;
    let effective = crate::store::effective(&events);
    let number = current.number.clone();
    let Some((last, kept)) = effective.split_last() else {
        return Err(StoreError::Invalid(format!("case {number} has no history")));
    };
    if matches!(last.step, Step::Register { .. } | Step::Import { .. }) {
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
    let as_events = |events: &[&crate::store::StoredEvent]| -> Vec<Event> {
        events
            .iter()
            .map(|e| Event {
                at: e.at,
                actor: e.actor.clone(),
                step: e.step.clone(),
            })
            .collect()
    };
    let history = as_events(kept);
    // Replayed from the registration fields as registered, so an undone correction is taken back.
    let registered = lifecycle::registered_intake(&current.intake, &as_events(&effective));
    let mut rebuilt = lifecycle::replay(id, number.clone(), registered, &history, db.rules())
        .map_err(|e| StoreError::Invalid(format!("case {number}: cannot undo: {e}")))?;
    rebuilt.version = current.version + 1;
    let mut values = rows::case_values(&rebuilt, db.rules(), at, actor);
    let id_value = values.remove(0);
    values.push(id_value);
    db.execute(&update_case_sql(), &values)?;
    db.execute("DELETE FROM package_duties WHERE case_id = ?", &vals![id])?;
    if let Some(package) = &rebuilt.package {
        for (index, duty) in package.duties.iter().enumerate() {
            if let Some(duty) = duty {
                db.execute(
                    "INSERT INTO package_duties (case_id, duty, done_on, note) VALUES (?, ?, ?, ?)",
                    &vals![id, index as i64, rows::date(duty.done_on), &duty.note],
                )?;
            }
        }
    }
    super::kpi::update_summary(db, Some(&current), &rebuilt)?;
    append_event(
        db,
        Some(id),
        at,
        actor,
        &Step::Undo { of: last.seq },
        Some(current.state),
        Some(rebuilt.state),
    )?;
    Ok(rebuilt)
}
