//! The server's one change watcher: four times a second it asks the store for the newest change
//! (on PostgreSQL the store's listening connection answers without a query), applies the changes
//! to the shared search index once, and only then tells every session, which reload what they
//! show. An idle server asks nothing else.

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
    loop {
        tick.tick().await;
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
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot read changes"),
            Err(e) => tracing::warn!(error = %e, "change watcher task failed"),
        }
    }
}
