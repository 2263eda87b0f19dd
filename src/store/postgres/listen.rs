//! Live updates: one connection per store that `LISTEN`s for the sequence numbers every write
//! announces (`pg_notify`, delivered when the writing transaction commits), so a console learns
//! of another console's change as soon as it is committed, without polling the server.
//!
//! When that connection is lost (server restart, `pg_terminate_backend`, network), the watch
//! says so — consoles show "reconnecting" — and reconnects by itself, after 0.5 s and then
//! doubling to at most 5 s. On reconnecting it reads the newest sequence number again, so
//! changes made meanwhile are not missed.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The notification channel, as SQL: named after the schema, so that databases in different
/// schemas of one server do not hear each other (and cut to PostgreSQL's 63-character names).
pub const CHANNEL_SQL: &str = "left('xinfang_events_' || current_schema(), 63)";

/// How often a quiet connection is checked, and how long it may take to answer.
const PROBE_EVERY: Duration = Duration::from_secs(2);
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// A listening connection that has not come round its loop for this long is lost, whatever
/// it is waiting for (a link gone silent can hold a call longer than its own timeout).
const SILENT_AFTER: Duration = Duration::from_secs(6);

/// What the listening connection knows.
#[derive(Default)]
pub struct Watch {
    head: AtomicI64,
    live: AtomicBool,
    /// When the listening connection last came round its loop (ms since the Unix epoch).
    alive_at: AtomicU64,
    stop: AtomicBool,
    /// Why the connection is down and since when (China time, HH:MM:SS).
    down: Mutex<Option<(String, String)>>,
}

impl Watch {
    /// The newest sequence number, or why it is not known now.
    pub fn head(&self) -> Result<i64, String> {
        if self.live.load(Ordering::SeqCst) {
            let quiet = now_ms().saturating_sub(self.alive_at.load(Ordering::SeqCst));
            if quiet <= SILENT_AFTER.as_millis() as u64 {
                return Ok(self.head.load(Ordering::SeqCst));
            }
            self.went_down(format!("no answer from the server for {} s", quiet / 1000));
        }
        let down = self.down.lock().unwrap_or_else(|p| p.into_inner());
        Err(match &*down {
            Some((since, why)) => format!("since {since}: {why}"),
            None => "connecting".to_string(),
        })
    }

    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }

    /// A write this store made itself: known at once, not only when its notification arrives.
    pub fn saw(&self, seq: i64) {
        self.head.fetch_max(seq, Ordering::SeqCst);
    }

    /// Ends the listening thread (within a quarter of a second).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    fn went_down(&self, why: String) {
        let was_live = self.live.swap(false, Ordering::SeqCst);
        let mut down = self.down.lock().unwrap_or_else(|p| p.into_inner());
        if was_live || down.is_none() {
            let since = crate::domain::china_now().format("%H:%M:%S").to_string();
            *down = Some((since, why));
        } else if let Some((_, reason)) = down.as_mut() {
            *reason = why;
        }
    }
}

/// Starts listening on `url` in a thread of its own.
pub fn spawn(url: String) -> Arc<Watch> {
    let watch = Arc::new(Watch::default());
    let shared = Arc::clone(&watch);
    let spawned = std::thread::Builder::new()
        .name("xinfang-listen".into())
        .spawn(move || run(&url, &shared));
    if let Err(e) = spawned {
        watch.went_down(format!("cannot start the listening thread: {e}"));
    }
    watch
}

fn run(url: &str, watch: &Watch) {
    let mut wait = Duration::from_millis(500);
    while !watch.stop.load(Ordering::SeqCst) {
        match listen(url, watch) {
            Ok(()) => return,
            Err(why) => watch.went_down(why),
        }
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if watch.stop.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

/// One connection's life: `Ok` when asked to stop, `Err` with the reason it was lost.
fn listen(url: &str, watch: &Watch) -> Result<(), String> {
    use postgres::fallible_iterator::FallibleIterator;
    let mut conn = super::connect(url).map_err(|e| match e {
        crate::store::StoreError::Unreachable { detail, .. }
        | crate::store::StoreError::Backend { detail, .. } => detail,
        other => other.to_string(),
    })?;
    let client = &mut conn.client;
    let text = |e: postgres::Error| super::describe(&e);
    let channel: String = client
        .query_one(&format!("SELECT {CHANNEL_SQL}"), &[])
        .map_err(text)?
        .get(0);
    let channel = channel.replace('"', "\"\"");
    client
        .batch_execute(&format!("LISTEN \"{channel}\""))
        .map_err(text)?;
    let head: i64 = client
        .query_one("SELECT coalesce(max(seq), 0) FROM events", &[])
        .map_err(text)?
        .get(0);
    watch.saw(head);
    watch.alive_at.store(now_ms(), Ordering::SeqCst);
    watch.live.store(true, Ordering::SeqCst);
    let mut probed = Instant::now();
    loop {
        if watch.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let next = client
            .notifications()
            .timeout_iter(Duration::from_millis(250))
            .next();
        match next {
            Ok(Some(note)) => {
                if let Ok(seq) = note.payload().parse::<i64>() {
                    watch.saw(seq);
                }
            }
            Ok(None) => {
                if client.is_closed() {
                    return Err("the connection was closed".into());
                }
                if probed.elapsed() >= PROBE_EVERY {
                    // A link that went silent (no reset) does not answer in time.
                    client.is_valid(PROBE_TIMEOUT).map_err(text)?;
                    probed = Instant::now();
                }
            }
            Err(e) => return Err(text(e)),
        }
        if !watch.live.load(Ordering::SeqCst) {
            // Declared lost while this loop was held up: start afresh.
            return Err("the server did not answer in time".into());
        }
        watch.alive_at.store(now_ms(), Ordering::SeqCst);
    }
}

/// Milliseconds since the Unix epoch.
fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
