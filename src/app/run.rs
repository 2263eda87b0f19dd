//! The event loop: terminal input, store results and a once-a-minute tick become messages;
//! `update` changes the state; effects run on blocking tasks and come back as messages; the
//! screen is drawn once per batch of messages and only when something arrived. The loop never
//! awaits the store, and an idle console wakes only for the minute tick.

use super::clock::SessionClock;
use super::state::{Effect, Msg, State};
use super::update::{start, update};
use crate::store::{Filter, Store};
use crate::ui;
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Where input comes from.
pub enum Inputs {
    /// A real terminal (events, signals) feeding a channel.
    Channel(mpsc::UnboundedReceiver<Msg>),
    /// A script for tests: the next message is delivered only when no effect is in flight, and
    /// the loop ends when the script is exhausted and the console is idle.
    Script(VecDeque<Msg>),
}

/// Writes clipboard text to the terminal (OSC 52); tests record it instead.
pub trait Clipboard {
    fn copy(&mut self, text: &str);
}

/// The session's current day and time as HH:MM.
fn clock_of(session: SessionClock) -> (chrono::NaiveDate, String) {
    let now = session.now();
    (now.date(), now.format("%H:%M").to_string())
}

/// Performs a store effect and returns the message with its result (`None` for effects that are
/// not store work). Blocking: the loop calls it on a blocking task, the benchmark inline.
pub fn perform(effect: Effect, store: &dyn Store, session: SessionClock) -> Option<Msg> {
    let clock = || clock_of(session);
    let failed = |request, e: crate::store::StoreError| Msg::LoadFailed {
        request,
        reconnecting: matches!(e, crate::store::StoreError::Unreachable { .. }),
        error: e.told(),
        clock: clock().1,
    };
    Some(match effect {
        Effect::LoadCounts {
            request,
            filters,
            scope,
        } => match store.counts(&filters, &scope) {
            Ok(counts) => Msg::CountsLoaded {
                request,
                counts,
                clock: clock().1,
            },
            Err(e) => failed(request, e),
        },
        Effect::LoadPage {
            request,
            filter,
            sort,
            scope,
            cursor,
            limit,
            append,
            keep,
        } => match store.page(&filter, sort, &scope, cursor.as_ref(), limit) {
            Ok(page) => Msg::PageLoaded {
                request,
                page,
                append,
                keep,
                clock: clock().1,
            },
            Err(e) => failed(request, e),
        },
        Effect::LoadDetail { request, id } => match store.case(id) {
            Ok(detail) => Msg::DetailLoaded {
                request,
                detail: detail.map(Box::new),
            },
            Err(e) => failed(request, e),
        },
        Effect::FindCase { request, number } => match store.find(&number) {
            Ok(id) => Msg::CaseFound {
                request,
                id,
                number,
            },
            Err(e) => failed(request, e),
        },
        Effect::Undo { id, number, actor } => {
            let result = store
                .undo_last(id, &actor, session.now())
                .map(Box::new)
                .map_err(|e| e.told());
            Msg::StepDone {
                number,
                undo: true,
                result,
            }
        }
        Effect::UndoBulk { cases, actor } => {
            let at = session.now();
            // Each case by its own compensating event, in its own transaction.
            let results = cases
                .into_iter()
                .map(|(id, number)| {
                    let result = store
                        .undo_last(id, &actor, at)
                        .map(|c| c.state)
                        .map_err(|e| e.told());
                    (id, number, result)
                })
                .collect();
            Msg::BulkDone {
                step: crate::i18n::Told {
                    zh: "步骤".into(),
                    en: "step".into(),
                },
                undo: true,
                results,
            }
        }
        Effect::LoadRelated { id } => match store.related(id) {
            Ok(cases) => Msg::RelatedLoaded {
                id,
                cases: cases
                    .into_iter()
                    .map(|(other, number, title, day)| {
                        (other.to_string(), format!("{number} {day} {title}"))
                    })
                    .collect(),
            },
            Err(e) => failed(0, e),
        },
        Effect::Register { intake, actor } => {
            let result = store
                .register(&intake, &actor, session.now())
                .map(Box::new)
                .map_err(|e| e.told());
            let number = result
                .as_ref()
                .map(|c| c.number.clone())
                .unwrap_or_default();
            Msg::StepDone {
                number,
                undo: false,
                result,
            }
        }
        Effect::LoadReference => match (store.units(), store.leaders()) {
            (Ok(units), Ok(leaders)) => Msg::ReferenceLoaded { units, leaders },
            (Err(e), _) | (_, Err(e)) => failed(0, e),
        },
        Effect::ApplyStep {
            id,
            number,
            version,
            step,
            actor,
        } => {
            let result = store
                .apply(id, version, &step, &actor, session.now())
                .map(Box::new)
                .map_err(|e| e.told());
            Msg::StepDone {
                number,
                undo: false,
                result,
            }
        }
        Effect::ApplyBulk {
            ids,
            kind,
            answers,
            actor,
        } => {
            let at = session.now();
            let mut results = Vec::new();
            for id in ids {
                // Each case is its own transaction: applied whole, or refused with the reason.
                let outcome = match store.case(id) {
                    Ok(Some(detail)) => {
                        let case = detail.case;
                        match super::triage::build(kind, &case, &answers) {
                            Some(step) => (
                                id,
                                case.number.clone(),
                                store
                                    .apply(id, case.version, &step, &actor, at)
                                    .map(|c| c.state)
                                    .map_err(|e| e.told()),
                            ),
                            None => (
                                id,
                                case.number.clone(),
                                Err(crate::i18n::Told {
                                    zh: format!("{}：所填内容不适用于此信访件", case.number),
                                    en: format!("case {}: the answers do not fit it", case.number),
                                }),
                            ),
                        }
                    }
                    Ok(None) => (
                        id,
                        id.to_string(),
                        Err(crate::store::StoreError::NoSuchCase(id.to_string()).told()),
                    ),
                    Err(e) => (id, id.to_string(), Err(e.told())),
                };
                results.push(outcome);
            }
            Msg::BulkDone {
                step: crate::i18n::Told {
                    zh: kind.zh().into(),
                    en: kind.en().into(),
                },
                undo: false,
                results,
            }
        }
        Effect::Export {
            source,
            name,
            user,
            role,
            scope,
            lang,
            rules,
            dir,
        } => {
            let dir = super::exporting::dir_or_default(dir);
            let outcome = super::exporting::new_file_in(&dir, &name, &user, session.now())
                .map_err(|e| {
                    format!(
                        "cannot write into {}: {e}",
                        crate::text::sanitise(&dir.display().to_string())
                    )
                })
                .and_then(|path| {
                    let shown = crate::text::sanitise(&path.display().to_string()).into_owned();
                    let viewer = crate::transfer::export::Viewer {
                        role,
                        scope,
                        lang,
                        history: true,
                    };
                    crate::transfer::export::sink(crate::transfer::Format::Csv, Some(&path), lang)
                        .and_then(|sink| {
                            crate::transfer::export::write(store, &source, sink, &viewer, &rules)
                        })
                        .map(|n| (n, shown))
                });
            Msg::Exported { outcome }
        }
        Effect::WriteReport {
            query,
            lang,
            boards,
            dir,
        } => {
            let dir = super::exporting::dir_or_default(dir);
            let outcome = store
                .brief(&query)
                .map_err(|e| e.to_string())
                .and_then(|brief| {
                    let report = crate::report::build(
                        &brief,
                        crate::report::Options {
                            boards: &boards,
                            lang,
                        },
                    );
                    {
                        // Into the directory by name: a missing directory is an error, never a
                        // file named like it.
                        let format = crate::report::Format::Html;
                        let path = dir.join(crate::report::file_name(&report, format));
                        crate::report::write_to(&report, format, &path)
                    }
                })
                .map(|paths| {
                    paths.first().map_or_else(String::new, |p| {
                        crate::text::sanitise(&p.display().to_string()).into_owned()
                    })
                });
            Msg::ReportWritten { outcome }
        }
        Effect::SaveQueue { path, entry } => Msg::QueueSaved {
            outcome: crate::config::append_queue(&path, &entry),
            entry: Box::new(entry),
        },
        Effect::LoadQueueIds {
            filter,
            sort,
            scope,
            cap,
        } => match store.page(&filter, sort, &scope, None, cap) {
            Ok(page) => Msg::QueueIds {
                capped: page.next.is_some(),
                rows: page.rows,
            },
            Err(e) => failed(0, e),
        },
        Effect::LoadBoard {
            request,
            kind,
            query,
        } => match store.board(kind, &query) {
            Ok(data) => Msg::BoardLoaded {
                request,
                data: Box::new(data),
                clock: session.now().format("%H:%M:%S").to_string(),
            },
            Err(e) => failed(request, e),
        },
        Effect::CheckChanges => match store.head() {
            Ok(head) => Msg::ChangesSeen { head },
            Err(e) => failed(0, e),
        },
        Effect::Copy(_)
        | Effect::BuildIndex { .. }
        | Effect::Search { .. }
        | Effect::RefreshIndex { .. } => {
            return None;
        }
    })
}

/// The search index and the newest search request, shared with the blocking tasks. The caller
/// owns it, so that a state handed back into `run` keeps its index.
#[derive(Clone, Default)]
pub struct Shared {
    index: Arc<std::sync::RwLock<Option<crate::search::Index>>>,
    latest_search: Arc<std::sync::atomic::AtomicU64>,
    /// Saved searches resolved against the index as it is now (cleared when the index changes),
    /// per viewer: a queue's count and its page, and every count reload until the data changes,
    /// share one search.
    resolved: Arc<std::sync::Mutex<std::collections::HashMap<Resolved, Filter>>>,
    /// The session's clock, for effects that date what they write.
    clock: SessionClock,
    /// Whom this session searches for; `None`: the user the index was built for.
    viewer: Option<crate::search::Viewer>,
    /// Set when a server owns the index and the change watcher (`xinfang serve`).
    hosted: Option<Hosted>,
}

type Resolved = (Option<crate::search::Viewer>, String, chrono::NaiveDate);

/// What a server shares with each of its sessions: the index is built before the first session
/// and kept current once for all, by the server's one change watcher, which tells every session
/// of each change after the index has it.
#[derive(Clone)]
pub struct Hosted {
    /// The change-feed position the shared index is current to.
    pub index_head: Arc<std::sync::atomic::AtomicI64>,
    /// The newest change position, published after the index has it.
    pub changes: tokio::sync::watch::Receiver<i64>,
    /// Set by the session's output when it dropped frames for a slow client: the next frame is
    /// drawn whole.
    pub repaint: Arc<std::sync::atomic::AtomicBool>,
}

impl Shared {
    fn forget_resolved(&self) {
        self.resolved
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// `filter` with each saved search replaced by the cases it matches in `index`.
    fn resolve(&self, filter: &Filter, index: &crate::search::Index, today: NaiveDate) -> Filter {
        match filter {
            Filter::Search(query) => {
                let key = (self.viewer.clone(), query.clone(), today);
                if let Some(found) = self
                    .resolved
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(&key)
                {
                    return found.clone();
                }
                let viewer = self.viewer.as_ref().unwrap_or_else(|| index.viewer());
                let found = crate::search::resolve(filter, index, today, viewer);
                self.resolved
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(key, found.clone());
                found
            }
            Filter::And(parts) => Filter::And(
                parts
                    .iter()
                    .map(|p| self.resolve(p, index, today))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Shared state for a session on `clock`.
    pub fn with_clock(clock: SessionClock) -> Shared {
        Shared {
            clock,
            ..Shared::default()
        }
    }

    /// The same, searching for `viewer`.
    pub fn for_viewer(mut self, viewer: crate::search::Viewer) -> Shared {
        self.viewer = Some(viewer);
        self
    }

    /// A server's shared index (built and current to `head`), for its sessions.
    pub fn hosting(index: crate::search::Index, clock: SessionClock) -> Shared {
        Shared {
            index: Arc::new(std::sync::RwLock::new(Some(index))),
            clock,
            ..Shared::default()
        }
    }

    /// One session of a server: the server's index, this session's own newest search, viewer,
    /// change feed and repaint flag.
    pub fn session(&self, viewer: crate::search::Viewer, hosted: Hosted) -> Shared {
        Shared {
            index: Arc::clone(&self.index),
            resolved: Arc::clone(&self.resolved),
            latest_search: Arc::default(),
            clock: self.clock,
            viewer: Some(viewer),
            hosted: Some(hosted),
        }
    }

    /// Applies every change after `since` to the shared index (the server's watcher does this
    /// once for all sessions); returns the new position.
    pub fn refresh_index(
        &self,
        store: &dyn Store,
        since: i64,
    ) -> Result<i64, crate::store::StoreError> {
        // The store is read first; the index is locked only to take the changes.
        let (head, docs) = crate::search::changed_docs(store, since)?;
        let mut guard = self.index.write().unwrap_or_else(|p| p.into_inner());
        if let Some(index) = guard.as_mut() {
            for doc in &docs {
                index.upsert(doc);
            }
        }
        drop(guard);
        self.forget_resolved();
        Ok(head)
    }
}

/// Performs an effect that needs the search index; other effects go to `perform`.
fn perform_indexed(
    effect: Effect,
    store: &dyn Store,
    shared: &Shared,
    results: &mpsc::UnboundedSender<Msg>,
) -> Option<Msg> {
    use std::sync::atomic::Ordering;
    use std::sync::atomic::Ordering as O;
    match (&shared.hosted, &effect) {
        // A server's index is built before any session and kept current by its watcher.
        (Some(hosted), Effect::BuildIndex { .. }) => {
            return Some(Msg::IndexReady {
                head: hosted.index_head.load(O::SeqCst),
            });
        }
        (Some(hosted), Effect::RefreshIndex { .. }) => {
            return Some(Msg::IndexRefreshed {
                head: hosted.index_head.load(O::SeqCst),
            });
        }
        _ => {}
    }
    match effect {
        Effect::BuildIndex { role, region } => {
            let progress = results.clone();
            let built = crate::search::build(store, role, &region, &mut |indexed| {
                let _ = progress.send(Msg::IndexProgress { indexed });
            });
            Some(match built {
                Ok((index, head)) => {
                    *shared.index.write().unwrap_or_else(|p| p.into_inner()) = Some(index);
                    shared.forget_resolved();
                    Msg::IndexReady { head }
                }
                Err(e) => Msg::IndexFailed { error: e.told() },
            })
        }
        Effect::RefreshIndex { since, .. } => {
            // Nothing to refresh before the index is built.
            shared
                .index
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()?;
            Some(match shared.refresh_index(store, since) {
                Ok(head) => Msg::IndexRefreshed { head },
                Err(e) => Msg::LoadFailed {
                    request: 0,
                    reconnecting: matches!(e, crate::store::StoreError::Unreachable { .. }),
                    error: e.told(),
                    clock: clock_of(shared.clock).1,
                },
            })
        }
        Effect::Search {
            request,
            query,
            today,
            within,
        } => {
            shared.latest_search.store(request, Ordering::SeqCst);
            let parsed = crate::search::parse(&query).ok()?;
            let guard = shared.index.read().unwrap_or_else(|p| p.into_inner());
            let index = guard.as_ref()?;
            let stale = || shared.latest_search.load(Ordering::SeqCst) != request;
            let viewer = shared.viewer.as_ref().unwrap_or_else(|| index.viewer());
            let results = index.search_until(
                &parsed,
                today,
                super::searching::SEARCH_ROWS,
                within.as_deref(),
                viewer,
                &stale,
            );
            Some(Msg::SearchDone {
                request,
                query,
                results: Box::new(results),
            })
        }
        other => perform(resolve_searches(other, shared), store, shared.clock),
    }
}

/// A load whose filter holds a saved search, with the search replaced by the cases it matches in
/// the shared index (left as it is while the index is being built: it matches nothing yet, and
/// the queue is loaded again when the index is ready).
fn resolve_searches(mut effect: Effect, shared: &Shared) -> Effect {
    let (filters, today): (Vec<&mut crate::store::Filter>, _) = match &mut effect {
        Effect::LoadCounts { filters, scope, .. } => (filters.iter_mut().collect(), scope.today),
        Effect::LoadPage { filter, scope, .. } | Effect::LoadQueueIds { filter, scope, .. } => {
            (vec![filter], scope.today)
        }
        Effect::Export {
            source: crate::transfer::export::Source::Queue { filter, scope, .. },
            ..
        } => (vec![filter], scope.today),
        _ => return effect,
    };
    if !filters.iter().any(|f| f.has_search()) {
        return effect;
    }
    let guard = shared.index.read().unwrap_or_else(|p| p.into_inner());
    if let Some(index) = guard.as_ref() {
        for filter in filters.into_iter().filter(|f| f.has_search()) {
            *filter = shared.resolve(filter, index, today);
        }
    }
    drop(guard);
    effect
}

/// Runs an effect off the UI task; its result comes back on `results`. Every spawned effect
/// answers with exactly one message (an empty search result if there is nothing to say), so the
/// loop can count what is in flight.
pub(super) fn spawn(
    effect: Effect,
    store: &Arc<dyn Store>,
    shared: &Shared,
    results: &mpsc::UnboundedSender<Msg>,
) {
    let store = Arc::clone(store);
    let shared = shared.clone();
    let results = results.clone();
    tokio::task::spawn_blocking(move || {
        let fallback = match &effect {
            Effect::Search { request, query, .. } => Some(Msg::SearchDone {
                request: *request,
                query: query.clone(),
                results: Box::default(),
            }),
            Effect::RefreshIndex { since, .. } => Some(Msg::IndexRefreshed { head: *since }),
            _ => None,
        };
        let msg = perform_indexed(effect, store.as_ref(), &shared, &results).or(fallback);
        if let Some(msg) = msg {
            let _ = results.send(msg);
        }
    });
}

/// The next change position from a server's watcher (`None` when the server is gone); never
/// resolves for a console that watches by itself.
async fn changed(changes: &mut Option<tokio::sync::watch::Receiver<i64>>) -> Option<i64> {
    match changes {
        Some(rx) => match rx.changed().await {
            Ok(()) => Some(*rx.borrow_and_update()),
            Err(_) => None,
        },
        None => std::future::pending().await,
    }
}

/// Runs the console until the user quits, a shutdown signal arrives, or (scripted) the script
/// ends with nothing in flight. Returns the final state.
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    store: Arc<dyn Store>,
    mut state: State,
    mut inputs: Inputs,
    clipboard: &mut (dyn Clipboard + Send),
    shared: &Shared,
) -> Result<State, B::Error> {
    let (results_tx, mut results) = mpsc::unbounded_channel::<Msg>();
    let mut runner = super::runner::Runner::new(&store, shared, results_tx);
    // Whether anything on screen may have changed since the last frame: an idle console draws
    // nothing and writes nothing.
    let mut dirty = false;
    // Returns whether the message may have changed the screen.
    let dispatch = |msg: Msg,
                    state: &mut State,
                    runner: &mut super::runner::Runner<'_>,
                    clipboard: &mut (dyn Clipboard + Send)| {
        runner.answered(&msg);
        let quiet = matches!(msg, Msg::Poll | Msg::ChangesSeen { .. });
        let effects = update(state, msg);
        let changed = !(quiet && effects.iter().all(|e| matches!(e, Effect::CheckChanges)));
        for effect in effects {
            if let Effect::Copy(text) = &effect {
                clipboard.copy(text);
                continue;
            }
            runner.run(effect);
        }
        changed
    };
    // A fresh state loads everything; a state handed back in (tests continue one) keeps its data.
    if state.requests.last == 0 {
        for effect in start(&mut state) {
            runner.run(effect);
        }
    }
    terminal.draw(|frame| ui::draw(frame, &state))?;
    // The minute tick comes at the turn of each minute of the session's clock, so that the day
    // (and a registration's date) changes on time.
    let into_minute = u64::from(chrono::Timelike::second(&shared.clock.now()));
    let mut minute = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(60 - into_minute.min(59)),
        Duration::from_secs(60),
    );
    // Changes by other consoles show within a second: four small queries a second (on PostgreSQL
    // none: the store's listening connection keeps the newest position), no redraw unless
    // changed. A server's sessions are told by its one watcher instead.
    let mut changes = shared.hosted.as_ref().map(|h| h.changes.clone());
    let mut second = tokio::time::interval(Duration::from_millis(250));
    second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    second.tick().await;
    let repaint = shared.hosted.as_ref().map(|h| Arc::clone(&h.repaint));
    loop {
        if state.quit {
            break;
        }
        let first = match &mut inputs {
            Inputs::Channel(rx) => tokio::select! {
                Some(msg) = rx.recv() => msg,
                Some(msg) = results.recv() => msg,
                _ = minute.tick() => Msg::Tick { now: shared.clock.now() },
                head = changed(&mut changes) => match head {
                    Some(head) => Msg::ChangesSeen { head },
                    None => Msg::Shutdown,
                },
                _ = second.tick(), if changes.is_none() => Msg::Poll,
                else => break,
            },
            Inputs::Script(script) => {
                if runner.in_flight > 0 {
                    match results.recv().await {
                        Some(msg) => msg,
                        None => break,
                    }
                } else {
                    match script.pop_front() {
                        Some(msg) => msg,
                        None => break,
                    }
                }
            }
        };
        dirty |= dispatch(first, &mut state, &mut runner, clipboard);
        // Drain whatever else is waiting, then draw once.
        loop {
            let next = match &mut inputs {
                Inputs::Channel(rx) => rx.try_recv().ok(),
                Inputs::Script(_) => None,
            };
            let msg = match next {
                Some(msg) => msg,
                None => match results.try_recv() {
                    Ok(msg) => msg,
                    Err(_) => break,
                },
            };
            dirty |= dispatch(msg, &mut state, &mut runner, clipboard);
        }
        if state.quit {
            break;
        }
        // Frames a slow client could not take were dropped: this one is drawn whole.
        if repaint
            .as_ref()
            .is_some_and(|r| r.swap(false, std::sync::atomic::Ordering::SeqCst))
        {
            terminal.clear()?;
            dirty = true;
        }
        if std::mem::take(&mut dirty) {
            terminal.draw(|frame| ui::draw(frame, &state))?;
        }
    }
    Ok(state)
}
