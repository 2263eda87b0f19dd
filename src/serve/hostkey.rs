//! The server's host key: read from its file, or made on first start (Ed25519, written with mode
//! 0600 and never replaced, so clients' known_hosts stay right).

use russh::keys::PrivateKey;
use std::io::Write;
use std::path::Path;

pub fn load_or_create(path: &Path) -> anyhow::Result<PrivateKey> {
    let shown = crate::text::sanitise(&path.display().to_string()).into_owned();
    if path.exists() {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            anyhow::bail!(
                "{shown}: the host key may be read by others (mode {:o}); `chmod 600 {shown}`",
                mode & 0o777
            );
        }
        return PrivateKey::read_openssh_file(path)
            .map_err(|e| anyhow::anyhow!("{shown}: not an OpenSSH private key: {e}"));
    }
    let mut seed = [0u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut seed[..]);
    let pair = russh::keys::ssh_key::private::Ed25519Keypair::from_seed(&seed);
    let key = PrivateKey::from(pair);
    let text = key
        .to_openssh(russh::keys::ssh_key::LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("cannot write the host key: {e}"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    }
    let mut file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?
    };
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    tracing::info!(path = %shown, "host key created");
    Ok(key)
}
