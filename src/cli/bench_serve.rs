//! `xinfang bench --serve N`: the budgets of `xinfang serve` (issue: one host, many operators),
//! measured with N SSH clients (russh's client, in this process) against a real `xinfang serve`
//! child process on the database: the server's start (the shared index), its resident memory with
//! N sessions, each session's first frame and first search, key press to frame while all N move,
//! and the server's CPU when idle. The clients share the machine with the server, so the
//! latencies include their own work. Adds a key made for this run to `zhao.lei` and one to
//! `li.na` (on the audit chain, as `admin`: a demo database's), and removes them at the end.

use super::Context;
use anyhow::{Context as _, Result, bail};
use russh::ChannelMsg;
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use xinfang::store::{OpenMode, UserChange};

/// A key made for this run.
fn new_key() -> PrivateKey {
    let mut seed = [0u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut seed[..]);
    PrivateKey::from(russh::keys::ssh_key::private::Ed25519Keypair::from_seed(
        &seed,
    ))
}

/// The users' keys for this run, added to the database; removed again when dropped.
struct Keys {
    store: Box<dyn xinfang::store::Store>,
    now: chrono::NaiveDateTime,
    keys: Vec<(String, PrivateKey, String)>,
}

impl Keys {
    fn add(context: &Context, location: &str, users: &[&str]) -> Result<Keys> {
        let store =
            xinfang::store::open(location, context.config.rules.clone(), OpenMode::ReadWrite)?;
        let mut added = Keys {
            store,
            now: context.now,
            keys: Vec::new(),
        };
        for user in users {
            let key = new_key();
            let line = key.public_key().to_openssh()?;
            let parsed = xinfang::sshkey::parse(&line).map_err(anyhow::Error::msg)?;
            added.store.change_user(
                &UserChange::AddKey {
                    name: (*user).to_string(),
                    key: parsed.key,
                    fingerprint: parsed.fingerprint.clone(),
                    comment: "bench".into(),
                },
                "admin",
                context.now,
            )?;
            added
                .keys
                .push(((*user).to_string(), key, parsed.fingerprint));
        }
        Ok(added)
    }

    fn of(&self, user: &str) -> Option<PrivateKey> {
        self.keys
            .iter()
            .find(|(name, _, _)| name == user)
            .map(|(_, key, _)| key.clone())
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        for (name, _, fingerprint) in &self.keys {
            let removed = self.store.change_user(
                &UserChange::RemoveKey {
                    name: name.clone(),
                    fingerprint: fingerprint.clone(),
                },
                "admin",
                self.now,
            );
            if let Err(e) = removed {
                eprintln!("xinfang bench: the key {fingerprint} of {name} was not removed: {e}");
            }
        }
    }
}

struct Client;

impl russh::client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// One client session: its channel and what it has received.
struct Session {
    _handle: russh::client::Handle<Client>,
    channel: russh::Channel<russh::client::Msg>,
    screen: Vec<u8>,
}

impl Session {
    /// Waits until the bytes received contain `text` (or `limit` passes).
    async fn wait_for(&mut self, text: &str, limit: Duration) -> Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            if contains(&self.screen, text.as_bytes()) {
                self.screen.clear();
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => self.screen.extend_from_slice(&data),
                Ok(Some(_)) => {}
                Ok(None) => bail!("the session ended"),
                Err(_) => bail!("`{text}` did not arrive within {limit:?}"),
            }
        }
    }

    /// Waits for the next frame; returns when its first bytes arrive.
    async fn next_frame(&mut self, limit: Duration) -> Result<()> {
        loop {
            match tokio::time::timeout(limit, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { .. })) => return Ok(()),
                Ok(Some(_)) => {}
                Ok(None) => bail!("the session ended"),
                Err(_) => bail!("no frame within {limit:?}"),
            }
        }
    }

    /// Takes whatever has arrived without waiting.
    fn drain(&mut self) {
        while let Some(Some(_)) = self.channel.wait().now_or_never() {}
    }
}

trait NowOrNever: std::future::Future + Sized {
    fn now_or_never(self) -> Option<Self::Output> {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut pinned = std::pin::pin!(self);
        match pinned.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => Some(v),
            std::task::Poll::Pending => None,
        }
    }
}

impl<F: std::future::Future> NowOrNever for F {}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn connect(port: u16, user: &str, key: PrivateKey) -> Result<(Session, Duration, Duration)> {
    let config = Arc::new(russh::client::Config {
        nodelay: true,
        ..Default::default()
    });
    let mut handle = russh::client::connect(config, ("127.0.0.1", port), Client).await?;
    let auth = handle
        .authenticate_publickey(user, PrivateKeyWithHashAlg::new(Arc::new(key), None))
        .await?;
    if !auth.success() {
        bail!("the key of {user} was refused");
    }
    let channel = handle.channel_open_session().await?;
    channel
        .request_pty(false, "xterm-256color", 120, 40, 0, 0, &[])
        .await?;
    channel.set_env(false, "LANG", "en_US.UTF-8").await?;
    let asked = Instant::now();
    channel.request_shell(false).await?;
    let mut session = Session {
        _handle: handle,
        channel,
        screen: Vec::new(),
    };
    session
        .wait_for(&format!("user {user}"), Duration::from_secs(30))
        .await?;
    let first = asked.elapsed();
    // Search is ready at once: the first search answers without building anything.
    session.drain();
    let typed = Instant::now();
    session.channel.data(&b"/"[..]).await?;
    session.channel.data("wage".as_bytes()).await?;
    session.wait_for("match", Duration::from_secs(30)).await?;
    let search = typed.elapsed();
    session.channel.data(&b"\x1b"[..]).await?;
    tokio::time::sleep(Duration::from_millis(50)).await;
    session.drain();
    Ok((session, first, search))
}

/// Resident and peak memory of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system) a process has used, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name in parentheses: utime is the 14th field, stime the 15th.
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let get = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    get(11) + get(12)
}

fn ticks_per_second() -> f64 {
    // The kernel's USER_HZ; 100 on Linux.
    100.0
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let index = ((times.len() as f64 - 1.0) * p).round() as usize;
    times.get(index).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the serve measurements with `sessions` clients; returns Markdown table rows.
pub fn run(
    context: &Context,
    location: &str,
    sessions: usize,
    seconds: u64,
) -> Result<Vec<String>> {
    let users = ["zhao.lei", "li.na"];
    let keys = Keys::add(context, location, &users)?;
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--db")
        .arg(location)
        .args(["--today", &context.now.date().to_string()])
        .args(["serve", "--listen", "127.0.0.1:0", "--idle-timeout", "0"])
        .arg("--max-sessions")
        .arg((sessions + 10).to_string())
        .arg("--host-key")
        .arg(dir.path().join("host_key"))
        .arg("--log")
        .arg(dir.path().join("serve.log"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("start xinfang serve")?;
    let out = child.stdout.take().context("stdout")?;
    let pid = child.id();
    let server = Server(child);
    let mut reader = std::io::BufReader::new(out);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let ready = started.elapsed();
    let port: u16 = first
        .split(" on 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|p| p.parse().ok())
        .with_context(|| format!("the server did not start: {first}"))?;
    let mut rows = vec![format!(
        "| serve: start, index built and listening | {:.2} s | — | — |",
        ready.as_secs_f64()
    )];
    let (idle_rss, _) = memory(pid);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let idle_cpu = |pid: u32, seconds: u64| {
        let before = cpu_ticks(pid);
        std::thread::sleep(Duration::from_secs(seconds));
        (cpu_ticks(pid) - before) as f64 / ticks_per_second() / seconds as f64 * 100.0
    };
    // Idle is measured over at least 30 s (the kernel counts CPU time in 10 ms ticks), after
    // the start has settled.
    std::thread::sleep(Duration::from_secs(3));
    let cpu_alone = idle_cpu(pid, seconds.max(30));
    let mut clients = Vec::new();
    let mut firsts = Vec::new();
    let mut searches = Vec::new();
    for i in 0..sessions {
        let user = users[i % users.len()];
        let (session, first, search) = runtime.block_on(connect(
            port,
            user,
            keys.of(user).context("a key for the user")?,
        ))?;
        firsts.push(first);
        searches.push(search);
        clients.push(session);
    }
    // Every session's queues and counts are loaded (the server's CPU falls below 2 % over a
    // second) before the server is called idle.
    let settled = Instant::now();
    while settled.elapsed() < Duration::from_secs(120) {
        let before = cpu_ticks(pid);
        std::thread::sleep(Duration::from_secs(1));
        if cpu_ticks(pid) - before < 2 {
            break;
        }
    }
    let loaded = settled.elapsed();
    let (rss, _) = memory(pid);
    let cpu_idle = idle_cpu(pid, seconds.max(30));
    // Every session moves: j and k in turn, one key every 100 ms each, all at once.
    let keys = runtime.block_on(async {
        let mut tasks = Vec::new();
        for (n, mut session) in clients.into_iter().enumerate() {
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::new();
                // Spread the sessions over the interval.
                tokio::time::sleep(Duration::from_millis((n as u64 * 100) / 50)).await;
                let end = Instant::now() + Duration::from_secs(seconds);
                let mut down = true;
                while Instant::now() < end {
                    session.drain();
                    let key: &[u8] = if down { b"j" } else { b"k" };
                    down = !down;
                    let sent = Instant::now();
                    if session.channel.data(key).await.is_err() {
                        break;
                    }
                    if session.next_frame(Duration::from_secs(5)).await.is_err() {
                        break;
                    }
                    times.push(sent.elapsed());
                    tokio::time::sleep(Duration::from_millis(100).saturating_sub(sent.elapsed()))
                        .await;
                }
                (times, session)
            }));
        }
        let mut all = Vec::new();
        let mut kept = Vec::new();
        for task in tasks {
            if let Ok((times, session)) = task.await {
                all.extend(times);
                kept.push(session);
            }
        }
        (all, kept)
    });
    let (mut key_times, kept) = keys;
    let (rss_after, peak) = memory(pid);
    let presses = key_times.len();
    rows.push(format!(
        "| serve: resident memory, no session / {sessions} sessions / after they moved (peak) | {idle_rss:.0} / {rss:.0} / {rss_after:.0} MiB ({peak:.0}) | — | ≤ 1 GiB with 50 sessions |"
    ));
    rows.push(format!(
        "| serve: first frame of a new session (shell request to status bar), {sessions} sessions one after another | {} | {} (p99) | ≤ 300 ms |",
        ms(percentile(&mut firsts, 0.5)),
        ms(percentile(&mut firsts, 0.99))
    ));
    rows.push(format!(
        "| serve: every session's queues loaded (server CPU < 2 %), after the last connected | {:.1} s | — | — |",
        loaded.as_secs_f64()
    ));
    rows.push(format!(
        "| serve: first search of a session (`/wage` to results) | {} | {} (p99) | search ready at once |",
        ms(percentile(&mut searches, 0.5)),
        ms(percentile(&mut searches, 0.99))
    ));
    rows.push(format!(
        "| serve: key press to frame, {sessions} sessions moving (10 keys/s each, {presses} presses) | {} | {} (p99) | ≤ 16 ms p99 |",
        ms(percentile(&mut key_times, 0.5)),
        ms(percentile(&mut key_times, 0.99))
    ));
    rows.push(format!(
        "| serve: CPU when idle (of one core, over {}s), no session / {sessions} idle sessions | {cpu_alone:.2} % / {cpu_idle:.2} % | — | no measurable CPU |",
        seconds.max(30)
    ));
    drop(kept);
    drop(server);
    Ok(rows)
}
