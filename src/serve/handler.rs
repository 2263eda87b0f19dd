//! The SSH protocol side of the server: one `Connection` per client. Public-key authentication
//! only, against the users' keys in the store; a PTY's size and environment are kept until the
//! shell or command starts a session; input, window changes and the channel's end go to it.

use super::Hub;
use super::output::Size;
use super::session::{self, Feed, Start};
use crate::store::User;
use russh::keys::PublicKey;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Makes one `Connection` per client.
pub struct Server {
    pub hub: Arc<Hub>,
}

impl russh::server::Server for Server {
    type Handler = Connection;

    fn new_client(&mut self, peer: Option<SocketAddr>) -> Connection {
        self.hub.connections.fetch_add(1, Ordering::SeqCst);
        Connection {
            hub: Arc::clone(&self.hub),
            peer,
            user: None,
            offered: None,
            fingerprint: String::new(),
            channels: HashMap::new(),
            epoch: Instant::now(),
        }
    }

    fn handle_session_error(&mut self, error: anyhow::Error) {
        tracing::debug!(%error, "connection ended with an error");
    }
}

/// A channel between its opening and its end.
struct Pending {
    channel: Option<Channel<Msg>>,
    /// The client asked for a terminal (`ssh -t`).
    pty: bool,
    size: Size,
    env: HashMap<String, String>,
    feed: Option<Feed>,
}

/// One client connection.
pub struct Connection {
    hub: Arc<Hub>,
    peer: Option<SocketAddr>,
    user: Option<User>,
    /// The last key offered that has an owner: its fingerprint and owner.
    offered: Option<(String, User)>,
    fingerprint: String,
    channels: HashMap<ChannelId, Pending>,
    epoch: Instant,
}

/// Environment variables a client may set for its session.
const ACCEPTED_ENV: &[&str] = &[
    "LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "NO_COLOR",
    "XINFANG_LANG",
    "XINFANG_THEME",
    "XINFANG_KEYMAP",
];

impl Connection {
    fn peer(&self) -> String {
        self.peer.map_or_else(|| "?".into(), |p| p.to_string())
    }

    /// The user owning `key`, if the key is known and accepted. The owner found when the key is
    /// offered is kept for its signed login that follows: one lookup per login.
    async fn owner(&mut self, key: &PublicKey) -> Option<User> {
        if !crate::sshkey::accepted(&key.algorithm()) {
            return None;
        }
        let fingerprint = crate::sshkey::fingerprint(key);
        if let Some((offered, owner)) = &self.offered
            && *offered == fingerprint
        {
            return Some(owner.clone());
        }
        let store = Arc::clone(&self.hub.store);
        let asked = fingerprint.clone();
        let owner = match tokio::task::spawn_blocking(move || store.key_owner(&asked)).await {
            Ok(Ok(owner)) => owner,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot read users' keys");
                None
            }
            Err(_) => None,
        };
        self.offered = owner.clone().map(|owner| (fingerprint, owner));
        owner
    }

    /// Starts what the client asked for on `channel`.
    async fn start(
        &mut self,
        channel: ChannelId,
        command: &str,
        session: &mut Session,
    ) -> anyhow::Result<()> {
        let Some(user) = self.user.clone() else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        let peer = self.peer();
        let Some(pending) = self.channels.get_mut(&channel) else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        let Some(open) = pending.channel.take() else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        session.channel_success(channel)?;
        let parsed = session::parse_command(command).and_then(|command| {
            if pending.pty {
                Ok(command)
            } else {
                Err(session::Answer {
                    text: "xinfang: the console needs a terminal: connect with `ssh -t`\n".into(),
                    status: 1,
                })
            }
        });
        let command = match parsed {
            Ok(command) => command,
            Err(answer) => {
                if answer.status != 0 {
                    tracing::info!(user = %user.name, %peer, status = answer.status, "command refused");
                }
                let text = answer.text.replace('\n', "\r\n");
                let ext = if answer.status == 0 { None } else { Some(1) };
                let _ = match ext {
                    Some(ext) => open.extended_data_bytes(ext, text.into_bytes()).await,
                    None => open.data_bytes(text.into_bytes()).await,
                };
                let _ = open.exit_status(answer.status).await;
                let _ = open.eof().await;
                let _ = open.close().await;
                return Ok(());
            }
        };
        let start = Start {
            user,
            fingerprint: self.fingerprint.clone(),
            peer,
            size: pending.size.clone(),
            env: pending.env.clone(),
            channel: open,
            command,
        };
        match session::start(&self.hub, start, self.epoch) {
            Ok(feed) => pending.feed = Some(feed),
            Err(refused) => {
                let (start, message) = *refused;
                tracing::warn!(user = %start.user.name, reason = %message, "session refused");
                let _ = start
                    .channel
                    .extended_data_bytes(1, format!("{message}\r\n").into_bytes())
                    .await;
                let _ = start.channel.exit_status(1).await;
                let _ = start.channel.eof().await;
                let _ = start.channel.close().await;
            }
        }
        Ok(())
    }
}

/// Widest and tallest terminal a session is drawn for: a client's size is taken up to these (a
/// screen of 65535×65535 cells would be gigabytes).
const MAX_WIDTH: u32 = 1000;
const MAX_HEIGHT: u32 = 500;

fn clamp(value: u32, max: u32) -> u16 {
    u16::try_from(value.clamp(1, max)).unwrap_or(1)
}

impl russh::server::Handler for Connection {
    type Error = anyhow::Error;

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        let address = self.peer.map(|p| p.ip());
        // A known key is let in whatever others did from the same address (a bureau behind one
        // NAT address must not be locked out by one stranger).
        if self.owner(offer.public_key).await.is_some() {
            return Ok(Auth::Accept);
        }
        if self.hub.banned(address) {
            tracing::warn!(
                peer = %self.peer(),
                key = %crate::sshkey::fingerprint(offer.public_key),
                limit = super::MAX_FAILURES,
                minutes = super::FAILURE_WINDOW.as_secs() / 60,
                "refused and disconnected: too many unknown keys from this address"
            );
            anyhow::bail!("too many unknown keys from this address");
        }
        self.hub.failed(address);
        tracing::info!(
            peer = %self.peer(),
            login = %crate::text::sanitise(user),
            key = %crate::sshkey::fingerprint(offer.public_key),
            "refused: unknown key"
        );
        Ok(Auth::reject())
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        match self.owner(key.public_key).await {
            Some(owner) => {
                self.fingerprint = crate::sshkey::fingerprint(key.public_key);
                tracing::info!(
                    user = %owner.name,
                    login = %crate::text::sanitise(user),
                    key = %self.fingerprint,
                    peer = %self.peer(),
                    "login"
                );
                self.user = Some(owner);
                Ok(Auth::Accept)
            }
            None => {
                self.hub.failed(self.peer.map(|p| p.ip()));
                Ok(Auth::reject())
            }
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.user.is_none() {
            return Ok(());
        }
        self.channels.insert(
            channel.id(),
            Pending {
                channel: Some(channel),
                pty: false,
                size: Size::new(80, 24),
                env: HashMap::new(),
                feed: None,
            },
        );
        reply.accept().await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&channel) {
            Some(pending) => {
                pending.pty = true;
                pending
                    .size
                    .set(clamp(col_width, MAX_WIDTH), clamp(row_height, MAX_HEIGHT));
                session.channel_success(channel)?;
            }
            None => session.channel_failure(channel)?,
        }
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&channel) {
            Some(pending) if ACCEPTED_ENV.contains(&name) && value.len() <= 256 => {
                pending.env.insert(name.to_string(), value.to_string());
                session.channel_success(channel)?;
            }
            _ => session.channel_failure(channel)?,
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.start(channel, "", session).await
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let command = String::from_utf8_lossy(&data[..data.len().min(4096)]).into_owned();
        self.start(channel, &command, session).await
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let epoch = self.epoch;
        if let Some(feed) = self
            .channels
            .get_mut(&channel)
            .and_then(|p| p.feed.as_mut())
        {
            feed.bytes(data, epoch);
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(pending) = self.channels.get(&channel) {
            let (width, height) = (clamp(col_width, MAX_WIDTH), clamp(row_height, MAX_HEIGHT));
            pending.size.set(width, height);
            if let Some(feed) = &pending.feed {
                feed.resize(width, height);
            }
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.end(channel);
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.end(channel);
        Ok(())
    }
}

impl Connection {
    fn end(&mut self, channel: ChannelId) {
        if let Some(pending) = self.channels.remove(&channel)
            && let Some(feed) = pending.feed
        {
            feed.close();
        }
    }
}

impl Drop for Connection {
    /// A client that vanished (killed, network gone) ends its sessions.
    fn drop(&mut self) {
        self.hub.connections.fetch_sub(1, Ordering::SeqCst);
        for (_, pending) in self.channels.drain() {
            if let Some(feed) = pending.feed {
                feed.close();
            }
        }
        if let Some(user) = &self.user {
            tracing::info!(user = %user.name, peer = %self.peer(), "logout");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_client_size_is_taken_within_bounds() {
        assert_eq!(super::clamp(120, super::MAX_WIDTH), 120);
        assert_eq!(super::clamp(65_535, super::MAX_WIDTH), 1000);
        assert_eq!(super::clamp(u32::MAX, super::MAX_HEIGHT), 500);
        assert_eq!(super::clamp(0, super::MAX_HEIGHT), 1);
    }
}
