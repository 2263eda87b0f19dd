//! `xinfang serve`: the console and wall boards over SSH (`xinfang::serve`). Settings come from
//! the command line and `config.toml`; each session's language, theme and keymap may come from
//! the client (`ssh -o SetEnv=LANG=zh_CN.UTF-8`).

use super::Context;
use anyhow::Result;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use xinfang::app::state::ThemeName;
use xinfang::i18n::Lang;
use xinfang::store::OpenMode;

#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    /// Address and port to listen on
    #[arg(long, default_value = "127.0.0.1:2222", value_name = "ADDR:PORT")]
    pub listen: String,
    /// The server's private host key (OpenSSH format); made with mode 0600 on first start
    /// [default: ssh_host_ed25519_key in the user config directory]
    #[arg(long, value_name = "FILE")]
    pub host_key: Option<PathBuf>,
    /// Most sessions at once; more are told the server is full
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub max_sessions: u64,
    /// Close a console after this long without a key: 30m, 2h, 90s; 0 = never (wall boards
    /// never time out)
    #[arg(long, default_value = "30m", value_parser = parse_timeout)]
    pub idle_timeout: Timeout,
    /// Log file for logins, logouts and refusals (appended) [default: standard error]
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

/// An idle timeout (`None`: never).
#[derive(Debug, Clone, Copy)]
pub struct Timeout(pub Option<Duration>);

fn parse_timeout(text: &str) -> Result<Timeout, String> {
    if text.trim() == "0" {
        return Ok(Timeout(None));
    }
    let seconds = xinfang::app::wall::parse_seconds(text)?;
    if seconds > 30 * 24 * 3600 {
        return Err(format!("`{text}` is more than 30 days; use 0 for never"));
    }
    Ok(Timeout(Some(Duration::from_secs(seconds.max(1)))))
}

pub fn run(
    context: &Context,
    args: &ServeArgs,
    lang: Option<Lang>,
    theme: Option<ThemeName>,
    keymap: Option<&str>,
) -> Result<ExitCode> {
    let config = &context.config;
    init_log(args.log.as_deref())?;
    let lang = lang
        .or_else(|| config.lang.as_deref().and_then(Lang::from_code))
        .unwrap_or(Lang::Zh);
    let theme = theme
        .or_else(|| config.theme.as_deref().and_then(ThemeName::from_name))
        .unwrap_or(ThemeName::Dark);
    let keymap = super::keymap_or_error(keymap.or(config.keymap.as_deref()))?;
    let host_key = match &args.host_key {
        Some(path) => path.clone(),
        None => dirs::config_dir()
            .map(|d| d.join("xinfang").join("ssh_host_ed25519_key"))
            .ok_or_else(|| anyhow::anyhow!("no user config directory; pass --host-key FILE"))?,
    };
    let store: Arc<dyn xinfang::store::Store> = Arc::from(context.open(OpenMode::ReadWrite)?);
    let location = store.location();
    xinfang::serve::serve(
        store,
        xinfang::serve::ServeOptions {
            listen: args.listen.clone(),
            host_key,
            max_sessions: usize::try_from(args.max_sessions).unwrap_or(usize::MAX),
            idle_timeout: args.idle_timeout.0,
            rules: config.rules.clone(),
            lang,
            theme,
            keymap,
            clock: xinfang::app::clock::SessionClock::from_option(context.fixed_day),
            mouse: config.mouse.unwrap_or(true),
            export_dir: config.export_dir.clone(),
        },
        // Written, not printed: a closed standard output must not stop the server.
        move |address: &str, fingerprint: &str| {
            use std::io::Write;
            let port = address.rsplit(':').next().unwrap_or("2222");
            let mut out = std::io::stdout();
            let _ = writeln!(
                out,
                "xinfang serve: {location} on {address}, host key {fingerprint}\n  connect: ssh -p {port} -t HOST    wall board: ssh -p {port} -t HOST board"
            );
            if !address.starts_with("127.") && !address.starts_with("[::1]") {
                let _ = writeln!(
                    out,
                    "  listening beyond this host: every address that reaches {address} may try keys"
                );
            }
            let _ = out.flush();
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Logs to `file` (appended) or standard error; never a key or a password, only fingerprints.
fn init_log(file: Option<&std::path::Path>) -> Result<()> {
    let filter = tracing_subscriber::filter::LevelFilter::INFO;
    let builder = tracing_subscriber::fmt()
        .with_max_level(filter)
        .with_target(false);
    match file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| anyhow::anyhow!("log {}: {e}", path.display()))?;
            builder
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
                .try_init()
                .map_err(|e| anyhow::anyhow!("log: {e}"))
        }
        None => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .try_init()
            .map_err(|e| anyhow::anyhow!("log: {e}")),
    }
}
