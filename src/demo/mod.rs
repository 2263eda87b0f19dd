//! Realistic, deterministic Ningxia demo data of any size (`xinfang demo`).
//!
//! Cases are spread over the 18 months up to "now" (weekdays busier, intake falling, wage
//! arrears peaking before the Spring Festival), numbered in order of receipt, and played through
//! the real state machine. Generation runs on one thread while the store loads on another.
//! May import `domain` and `store`; never `ui` or `app`.

mod cases;
mod people;
pub mod reference;
mod simulate;
mod text;

use crate::domain::{Rules, calendar::add_days};
use crate::store::StoreError;
use crate::store::audit::Chain;
use crate::store::sqlite;
use crate::store::sqlite::EncodedCase;
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub use reference::DEMO_USER;

/// Days of history the demo covers (about 18 months).
pub const HISTORY_DAYS: u64 = 548;
/// Cases sent from the generator to the loader at a time.
const BATCH: usize = 2048;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub cases: u64,
    pub seed: u64,
    /// The moment the data ends at; nothing happens after it.
    pub now: NaiveDateTime,
}

/// What was generated, and how fast.
#[derive(Debug, Clone)]
pub struct Summary {
    pub cases: u64,
    pub events: u64,
    pub elapsed: Duration,
}

impl Summary {
    /// Cases written per second.
    pub fn rate(&self) -> f64 {
        self.cases as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Generates the demo database at `path`, replacing it only when complete. `progress` is called
/// with the number of cases written so far.
pub fn generate(
    path: &Path,
    options: &Options,
    rules: Rules,
    progress: &dyn Fn(u64),
) -> Result<Summary, StoreError> {
    let started = Instant::now();
    let (sender, receiver) = mpsc::sync_channel::<Vec<EncodedCase>>(8);
    // The users come first on the audit chain, added by the demo's admin before any case.
    let mut chain = Chain::default();
    let added_at = (options.now.date() - Days::new(HISTORY_DAYS))
        .and_hms_opt(8, 0, 0)
        .unwrap_or(options.now);
    let users = demo_users()
        .into_iter()
        .map(|user| {
            let event = sqlite::encode_user(&user, reference::DEMO_ADMIN, added_at, &mut chain)?;
            Ok((user, event))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    std::thread::scope(|scope| {
        let producer = scope.spawn(|| produce(options, &rules, sender, chain));
        // Every reference comes from the generator's own tables and the state machine.
        // The loader owns the receiving end: a load that fails before reading (a busy target) drops
        // it, which stops the generator instead of leaving it blocked on a full channel.
        let loaded = sqlite::load(path, sqlite::References::Trusted, |loader| {
            for unit in reference::units() {
                loader.add_unit(&unit)?;
            }
            for leader in reference::leaders() {
                loader.add_leader(&leader)?;
            }
            let created = crate::store::sqlite::timestamp_text(options.now);
            for (user, added) in &users {
                loader.add_user(user, added)?;
            }
            let mut cases = 0u64;
            let mut events = 0u64;
            // Taken by value: a load that fails before reading (a busy target) drops it, which
            // stops the generator instead of leaving it blocked on a full channel.
            for batch in receiver {
                cases += batch.len() as u64;
                for case in &batch {
                    loader.add(case)?;
                }
                progress(cases);
            }
            let (backlog, produced_events) = match producer.join() {
                Ok(result) => result?,
                Err(_) => {
                    return Err(StoreError::Invalid(
                        "the demo generator stopped unexpectedly".into(),
                    ));
                }
            };
            events += produced_events;
            add_campaigns(loader, &backlog, options.now.date())?;
            loader.set_meta("demo_seed", &options.seed.to_string())?;
            // The rules every deadline was computed under, which `db check` replays with.
            let used =
                serde_json::to_string(&rules).map_err(|e| StoreError::Invalid(e.to_string()))?;
            loader.set_meta("rules", &used)?;
            loader.set_meta("demo_cases", &options.cases.to_string())?;
            loader.set_meta("demo_now", &created)?;
            Ok((cases, events))
        });
        loaded.map(|(cases, events)| Summary {
            cases,
            events,
            elapsed: started.elapsed(),
        })
    })
}

/// The demo's users, and whoever generates it as one more admin: they may then act as any demo
/// user with `--user`, by the same rule as on a real database (a login that is already a demo
/// user keeps that user's role).
fn demo_users() -> Vec<crate::store::User> {
    let mut users = reference::users();
    let login = crate::login::os_login();
    if crate::domain::org::user_name_problem(&login).is_none()
        && !login.starts_with('#')
        && !users.iter().any(|u| u.name == login)
    {
        users.push(crate::store::User {
            name: login,
            role: crate::domain::Role::Admin,
            scope: crate::domain::region::PROVINCE_CODE.to_string(),
        });
    }
    users
}

/// Generates and encodes every case in order of receipt and sends them in batches; returns the
/// backlog ids and the number of events.
fn produce(
    options: &Options,
    rules: &Rules,
    sender: mpsc::SyncSender<Vec<EncodedCase>>,
    mut chain: Chain,
) -> Result<(Vec<(i64, NaiveDate)>, u64), StoreError> {
    let mut generator = cases::Generator::new(rules, options.now);
    let mut batch = Vec::with_capacity(BATCH);
    let mut id = 0i64;
    let mut year = 0;
    let mut serial = 0u64;
    for (day, count) in daily_counts(options.cases, options.now.date()) {
        let mut rng = ChaCha8Rng::seed_from_u64(
            options.seed ^ (day.num_days_from_ce() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let latest = if day == options.now.date() {
            options.now.time()
        } else {
            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
        };
        let mut times: Vec<NaiveTime> =
            (0..count).map(|_| receipt_time(&mut rng, latest)).collect();
        times.sort();
        for time in times {
            id += 1;
            if day.year() != year {
                year = day.year();
                serial = 0;
            }
            serial += 1;
            let number = format!("NX-{year}-{serial:06}");
            let (case, events) = generator.case(&mut rng, id, number, day.and_time(time));
            batch.push(sqlite::encode_case(&case, &events, rules, &mut chain)?);
            if batch.len() == BATCH
                && sender
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .is_err()
            {
                // The loader stopped; its own error is the one to report.
                break;
            }
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(batch);
    }
    Ok((generator.backlog_ids, chain.seq as u64))
}

/// A receipt time: office hours mostly, online petitions around the clock; never after `latest`.
fn receipt_time<R: Rng>(rng: &mut R, latest: NaiveTime) -> NaiveTime {
    let secs = if rng.random_bool(0.7) {
        rng.random_range(8 * 3600..18 * 3600)
    } else {
        rng.random_range(0..86_400)
    };
    let limit = chrono::Timelike::num_seconds_from_midnight(&latest).max(1);
    NaiveTime::from_num_seconds_from_midnight_opt(secs % limit, 0).unwrap_or(NaiveTime::MIN)
}

/// How many cases each day of the history receives, summing exactly to `total`.
pub fn daily_counts(total: u64, today: NaiveDate) -> Vec<(NaiveDate, u64)> {
    let first = today - Days::new(HISTORY_DAYS - 1);
    let weights: Vec<(NaiveDate, f64)> = (0..HISTORY_DAYS)
        .map(|i| {
            let day = add_days(first, i as u32);
            let weekday = match day.weekday() {
                Weekday::Sat => 0.45,
                Weekday::Sun => 0.35,
                _ => 1.0,
            };
            // Intake falls over the history, as the seed reports for Ningxia.
            let trend = 1.15 - 0.3 * i as f64 / HISTORY_DAYS as f64;
            let season = if matches!(day.month(), 12 | 1) {
                1.15
            } else {
                1.0
            };
            (day, weekday * trend * season)
        })
        .collect();
    let sum: f64 = weights.iter().map(|(_, w)| w).sum();
    let mut out = Vec::with_capacity(weights.len());
    let mut cumulative = 0.0;
    let mut assigned = 0u64;
    for (day, w) in weights {
        cumulative += w;
        let upto = ((total as f64) * cumulative / sum).round() as u64;
        let upto = upto.min(total);
        out.push((day, upto - assigned));
        assigned = upto;
    }
    if let Some(last) = out.last_mut() {
        last.1 += total - assigned;
    }
    out
}

fn add_campaigns(
    loader: &mut sqlite::BulkLoader<'_>,
    backlog: &[(i64, NaiveDate)],
    today: NaiveDate,
) -> Result<(), StoreError> {
    let current_start = today - Days::new(270);
    let current: Vec<i64> = backlog
        .iter()
        .filter(|(_, d)| *d < today - Days::new(30))
        .map(|(id, _)| *id)
        .collect();
    let earlier_start = today - Days::new(520);
    let earlier: Vec<i64> = backlog
        .iter()
        .filter(|(_, d)| *d < earlier_start + Days::new(60))
        .map(|(id, _)| *id)
        .collect();
    loader.add_campaign(
        1,
        &format!("{}年信访积案化解百日攻坚行动", earlier_start.year()),
        earlier_start,
        earlier_start + Days::new(100),
        0.95,
        &earlier,
    )?;
    loader.add_campaign(
        2,
        &format!("{}年信访积案化解攻坚行动", current_start.year()),
        current_start,
        today + Days::new(35),
        0.97,
        &current,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_counts_cover_18_months_and_sum_exactly() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        for total in [0u64, 1, 999, 100_000] {
            let counts = daily_counts(total, today);
            assert_eq!(counts.len() as u64, HISTORY_DAYS);
            assert_eq!(counts.iter().map(|c| c.1).sum::<u64>(), total);
            assert_eq!(counts.last().map(|c| c.0), Some(today));
        }
        let counts = daily_counts(100_000, today);
        let monday = counts
            .iter()
            .find(|(d, _)| d.weekday() == Weekday::Mon)
            .map(|c| c.1)
            .unwrap_or(0);
        let sunday = counts
            .iter()
            .find(|(d, _)| d.weekday() == Weekday::Sun)
            .map(|c| c.1)
            .unwrap_or(0);
        assert!(monday > 2 * sunday, "weekdays busier: {monday} vs {sunday}");
    }
}
