//! The server's one change watcher: four times a second it asks the store for the newest change
//! (on PostgreSQL the store's listening connection answers without a query), applies the changes
//! to the shared search index once, and only then tells every session, which reload what they
//! show. On SQLite the question is only asked when the database file or its write-ahead log has
//! changed (size or time) or the log's index header has (it changes with every commit, even
//! within one tick of the file system's clock), so an idle server only looks at three files.

use crate::app::run::Shared;
use crate::store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub async fn watch(
    store: Arc<dyn Store>,
    shared: Shared,
    index_head: Arc<AtomicI64>,
    publish: tokio::sync::watch::Sender<i64>,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let location = store.location();
    let files = (!location.contains("://")).then(|| {
        (
            std::path::PathBuf::from(&location),
            std::path::PathBuf::from(format!("{location}-wal")),
            std::path::PathBuf::from(format!("{location}-shm")),
        )
    });
    let mut seen = None;
    loop {
        tick.tick().await;
        if let Some((db, wal, shm)) = &files {
            let now = Some((stamp(db), stamp(wal), header(shm)));
            if now == seen {
                continue;
            }
            seen = now;
        }
        let store = Arc::clone(&store);
        let shared = shared.clone();
        let since = index_head.load(Ordering::SeqCst);
        let checked = tokio::task::spawn_blocking(move || {
            let head = store.head()?;
            if head == since {
                return Ok(head);
            }
            shared.refresh_index(store.as_ref(), since)
        })
        .await;
        match checked {
            Ok(Ok(head)) if head != since => {
                index_head.store(head, Ordering::SeqCst);
                tracing::debug!(head, "changes seen");
                publish.send_replace(head);
            }
            Ok(Ok(_)) => {}
            // Asked again on the next tick, changed files or not.
            Ok(Err(e)) => {
                seen = None;
                tracing::warn!(error = %e, "cannot read changes");
            }
            Err(e) => {
                seen = None;
                tracing::warn!(error = %e, "change watcher task failed");
            }
        }
    }
}

/// A file's length and modification time (nanoseconds), or nothing when it is missing.
fn stamp(path: &std::path::Path) -> Option<(u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.len(), m.mtime(), m.mtime_nsec()))
}

/// The first bytes of the WAL index (its header, with the change counter and the last frame),
/// or nothing when there is none.
fn header(path: &std::path::Path) -> Option<[u8; 48]> {
    use std::io::Read;
    let mut bytes = [0u8; 48];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut bytes))
        .ok()
        .map(|()| bytes)
}
