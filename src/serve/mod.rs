//! `xinfang serve`: the console and the wall boards over SSH, in one process for every operator.
//!
//! The application is the SSH server (russh): a user is known by the public key they log in
//! with (`xinfang user add-key`), nobody gets a shell, and `ssh -t HOST` opens that user's
//! console, `ssh -t HOST board …` a wall board. All sessions share one store, one search index
//! (built before the first login, so search is ready at once) and one change watcher that keeps
//! the index current once and tells every session; each session has its own console state, size,
//! language, theme and keymap. Output goes through the lean backend into the channel with
//! backpressure (`output`); input bytes become key, paste and mouse events (`input`).
//!
//! Operations: SIGTERM or SIGINT end every session cleanly (the client's terminal is restored and
//! told why); keepalives find dead clients; an idle console is closed after `--idle-timeout`;
//! addresses with too many refused keys are refused for a while; logins, logouts and refusals go
//! to the log (`tracing`), which never holds a key, only its fingerprint.

mod handler;
mod hostkey;
pub mod input;
pub mod output;
mod session;
mod watcher;

use crate::app::clock::SessionClock;
use crate::app::run::Shared;
use crate::app::state::ThemeName;
use crate::domain::Rules;
use crate::i18n::Lang;
use crate::keymap::Keymap;
use crate::store::Store;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use hostkey::load_or_create as host_key;

/// Refused keys from one address before it is refused outright.
pub const MAX_FAILURES: u32 = 10;
/// How long failures are remembered (and an address refused).
pub const FAILURE_WINDOW: Duration = Duration::from_secs(600);
/// Most addresses whose failures are remembered at once.
pub const MAX_ADDRESSES: usize = 10_000;

/// What `xinfang serve` runs with.
pub struct ServeOptions {
    pub listen: String,
    pub host_key: PathBuf,
    pub max_sessions: usize,
    /// A console with no key pressed for this long is closed (`None`: never).
    pub idle_timeout: Option<Duration>,
    pub rules: Rules,
    /// The language of a session whose client sends no LANG.
    pub lang: Lang,
    pub theme: ThemeName,
    pub keymap: Keymap,
    pub clock: SessionClock,
    pub mouse: bool,
    pub export_dir: Option<PathBuf>,
}

/// What every session of the server shares.
pub struct Hub {
    pub store: Arc<dyn Store>,
    pub shared: Shared,
    pub index_head: Arc<std::sync::atomic::AtomicI64>,
    pub changes: tokio::sync::watch::Receiver<i64>,
    pub options: ServeOptions,
    /// Live sessions and how to end each.
    sessions: Mutex<HashMap<u64, session::Control>>,
    next_session: AtomicU64,
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
    /// SIGTERM or SIGINT arrived: sessions say so as they end.
    pub stopping: std::sync::atomic::AtomicBool,
    /// Client connections open now.
    pub connections: std::sync::atomic::AtomicUsize,
}

impl Hub {
    /// Whether `address` has had too many keys refused lately.
    pub fn banned(&self, address: Option<IpAddr>) -> bool {
        let Some(address) = address else {
            return false;
        };
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(&address) {
            Some((_, since)) if since.elapsed() > FAILURE_WINDOW => {
                failures.remove(&address);
                false
            }
            Some((count, _)) => *count >= MAX_FAILURES,
            None => false,
        }
    }

    /// Counts a refused key from `address`. Addresses whose window has passed are forgotten, and
    /// at most `MAX_ADDRESSES` are remembered (the oldest go first).
    pub fn failed(&self, address: Option<IpAddr>) {
        if let Some(address) = address {
            let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
            failures.retain(|_, (_, since)| since.elapsed() <= FAILURE_WINDOW);
            if failures.len() >= MAX_ADDRESSES
                && !failures.contains_key(&address)
                && let Some(oldest) = failures
                    .iter()
                    .min_by_key(|(_, (_, since))| *since)
                    .map(|(a, _)| *a)
            {
                failures.remove(&oldest);
            }
            let entry = failures.entry(address).or_insert((0, Instant::now()));
            entry.0 += 1;
        }
    }

    /// Registers a session; `None` when the server is full.
    fn register(&self, control: session::Control) -> Option<u64> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if sessions.len() >= self.options.max_sessions {
            return None;
        }
        let id = self.next_session.fetch_add(1, Ordering::SeqCst);
        sessions.insert(id, control);
        Some(id)
    }

    fn unregister(&self, id: u64) {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    /// Sessions open now.
    pub fn session_count(&self) -> usize {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// Asks every session to end.
    fn end_all(&self) {
        for control in self
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
        {
            control.end();
        }
    }
}

/// Serves on `store` until SIGTERM or SIGINT, calling `on_ready` with the address and the host
/// key's fingerprint once it listens. Returns when every session has ended.
pub fn serve(
    store: Arc<dyn Store>,
    options: ServeOptions,
    on_ready: impl FnOnce(&str, &str) + Send,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(serve_async(store, options, on_ready))
}

async fn serve_async(
    store: Arc<dyn Store>,
    options: ServeOptions,
    on_ready: impl FnOnce(&str, &str),
) -> anyhow::Result<()> {
    use russh::server::Server as _;
    let key = hostkey::load_or_create(&options.host_key)?;
    let fingerprint = crate::sshkey::fingerprint(key.public_key());
    if let Some(owner) = store.key_owner(&fingerprint)? {
        anyhow::bail!(
            "{}: this is the login key of `{}`, not a host key: give the server a key of its own",
            crate::text::sanitise(&options.host_key.display().to_string()),
            crate::text::sanitise(&owner.name)
        );
    }
    // Bind first: a port in use is said at once, before a minute of indexing.
    let listener = tokio::net::TcpListener::bind(&options.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", options.listen))?;
    let started = Instant::now();
    let building = Arc::clone(&store);
    let (index, head) = tokio::task::spawn_blocking(move || {
        crate::search::build(
            building.as_ref(),
            crate::domain::Role::Admin,
            crate::domain::region::PROVINCE_CODE,
            &mut |_| {},
        )
    })
    .await??;
    tracing::info!(
        cases = index.len(),
        seconds = started.elapsed().as_secs_f64(),
        "search index built"
    );
    let shared = Shared::hosting(index, options.clock);
    let index_head = Arc::new(std::sync::atomic::AtomicI64::new(head));
    let (publish, changes) = tokio::sync::watch::channel(head);
    let hub = Arc::new(Hub {
        store: Arc::clone(&store),
        shared: shared.clone(),
        index_head: Arc::clone(&index_head),
        changes,
        options,
        sessions: Mutex::new(HashMap::new()),
        next_session: AtomicU64::new(1),
        failures: Mutex::new(HashMap::new()),
        stopping: std::sync::atomic::AtomicBool::new(false),
        connections: std::sync::atomic::AtomicUsize::new(0),
    });
    let watcher = tokio::spawn(watcher::watch(
        Arc::clone(&store),
        shared,
        index_head,
        publish,
    ));
    let config = Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard(
            format!("SSH-2.0-xinfang_{}", env!("CARGO_PKG_VERSION")).into(),
        ),
        methods: russh::MethodSet::from(&[russh::MethodKind::PublicKey][..]),
        auth_rejection_time: Duration::from_millis(500),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![key],
        max_auth_attempts: 6,
        // Dead clients are found by keepalives (whose answers count as activity); a connection
        // that says nothing at all, not even its version, is dropped after five minutes. An idle
        // console is closed by the session.
        inactivity_timeout: Some(Duration::from_secs(300)),
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        nodelay: true,
        ..Default::default()
    });
    let address = listener
        .local_addr()
        .map_or_else(|_| hub.options.listen.clone(), |a| a.to_string());
    tracing::info!(%address, host_key = %fingerprint, "listening");
    on_ready(&address, &fingerprint);
    let mut server = handler::Server {
        hub: Arc::clone(&hub),
    };
    let running = server.run_on_socket(config, &listener);
    let handle = running.handle();
    tokio::select! {
        result = running => { result?; }
        () = crate::app::terminal::shutdown_signal() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!(sessions = hub.session_count(), "stopping");
    hub.stopping.store(true, Ordering::SeqCst);
    hub.end_all();
    // Each session restores its client's terminal and says goodbye, and its client then closes
    // the connection. Only connections still open after that are cut: cutting earlier could
    // overtake the goodbye still on its way.
    let deadline = Instant::now() + Duration::from_secs(5);
    while (hub.session_count() > 0 || hub.connections.load(Ordering::SeqCst) > 0)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    handle.shutdown("xinfang is stopping".into());
    tokio::time::sleep(Duration::from_millis(100)).await;
    watcher.abort();
    tracing::info!("stopped");
    Ok(())
}
