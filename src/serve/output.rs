//! A session's screen output into its SSH channel, with backpressure: frames are written by one
//! task that waits for the client's window, and frames drawn meanwhile are joined into one
//! pending write. A client too slow to take them (more than `MAX_PENDING` waiting) loses the
//! pending bytes, and its next frame is drawn whole instead: the latest frame, never an unbounded
//! queue.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;

/// Most bytes waiting for a slow client.
pub const MAX_PENDING: usize = 256 * 1024;

/// What the drawing side and the writing task share.
#[derive(Default)]
pub struct Pending {
    bytes: Mutex<Vec<u8>>,
    ready: Notify,
    /// Frames were dropped: the next one must be drawn whole.
    pub repaint: Arc<AtomicBool>,
    /// Bytes dropped in all, for the log and the benchmark.
    pub dropped: std::sync::atomic::AtomicU64,
    closed: AtomicBool,
}

impl Pending {
    /// Queues `bytes` for the client; returns false when frames had to be dropped. A frame is
    /// always taken when nothing waits (so a whole frame larger than the limit still goes out).
    pub fn push(&self, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            return true;
        }
        let mut pending = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        let kept = pending.is_empty() || pending.len() + bytes.len() <= MAX_PENDING;
        if kept {
            pending.extend_from_slice(bytes);
        } else {
            self.dropped
                .fetch_add((pending.len() + bytes.len()) as u64, Ordering::Relaxed);
            pending.clear();
            self.repaint.store(true, Ordering::SeqCst);
        }
        drop(pending);
        self.ready.notify_one();
        kept
    }

    /// Queues bytes that must reach the client whatever waits (leaving the alternate screen).
    pub fn push_always(&self, bytes: &[u8]) {
        self.bytes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
        self.ready.notify_one();
    }

    /// Ends the writing task once what is queued is written.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.ready.notify_one();
    }

    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.bytes.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Writes queued bytes to `out` until closed or the client is gone.
    pub async fn pump(self: Arc<Self>, mut out: impl tokio::io::AsyncWrite + Unpin) {
        loop {
            let bytes = self.take();
            if bytes.is_empty() {
                if self.closed.load(Ordering::SeqCst) {
                    let _ = out.flush().await;
                    return;
                }
                self.ready.notified().await;
                continue;
            }
            if out.write_all(&bytes).await.is_err() || out.flush().await.is_err() {
                return;
            }
        }
    }
}

/// The `Write` end the terminal backend draws into: a frame is handed over on `flush`.
pub struct Screen {
    frame: Vec<u8>,
    pending: Arc<Pending>,
    /// Asked to redraw after frames were dropped (so that an idle console is repainted too).
    on_drop: Box<dyn Fn() + Send>,
}

impl Screen {
    pub fn new(pending: Arc<Pending>, on_drop: Box<dyn Fn() + Send>) -> Screen {
        Screen {
            frame: Vec::new(),
            pending,
            on_drop,
        }
    }
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.frame.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.push(&self.frame) {
            (self.on_drop)();
        }
        self.frame.clear();
        Ok(())
    }
}

/// A terminal size shared between the SSH handler (window changes) and the backend.
#[derive(Debug, Clone, Default)]
pub struct Size(Arc<AtomicU32>);

impl Size {
    pub fn new(width: u16, height: u16) -> Size {
        let size = Size::default();
        size.set(width, height);
        size
    }

    pub fn set(&self, width: u16, height: u16) {
        self.0.store(
            (u32::from(width) << 16) | u32::from(height),
            Ordering::SeqCst,
        );
    }

    pub fn get(&self) -> (u16, u16) {
        let v = self.0.load(Ordering::SeqCst);
        ((v >> 16) as u16, (v & 0xffff) as u16)
    }

    /// The shared cell, for the backend.
    pub fn cell(&self) -> Arc<AtomicU32> {
        Arc::clone(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_client_loses_old_frames_and_is_repainted() {
        let pending = Arc::new(Pending::default());
        assert!(pending.push(&vec![b'x'; MAX_PENDING / 2]));
        assert!(!pending.repaint.load(Ordering::SeqCst));
        // A frame that would pass the limit drops everything waiting.
        assert!(!pending.push(&vec![b'y'; MAX_PENDING]));
        assert!(pending.repaint.load(Ordering::SeqCst));
        assert!(pending.take().is_empty());
        assert_eq!(
            pending.dropped.load(Ordering::Relaxed),
            (MAX_PENDING / 2 + MAX_PENDING) as u64
        );
        // The whole frame drawn next is taken even when larger than the limit: nothing waits.
        assert!(pending.push(&vec![b'z'; MAX_PENDING * 2]));
        assert_eq!(pending.take().len(), MAX_PENDING * 2);
        // What restores the terminal always goes.
        pending.push(&vec![b'x'; MAX_PENDING]);
        pending.push_always(b"leave");
        assert!(pending.take().ends_with(b"leave"));
    }

    #[tokio::test]
    async fn frames_drawn_while_writing_are_joined() {
        let pending = Arc::new(Pending::default());
        pending.push(b"one ");
        pending.push(b"two");
        pending.close();
        let mut out = Vec::new();
        Arc::clone(&pending).pump(&mut out).await;
        assert_eq!(out, b"one two");
    }

    #[test]
    fn sizes_round_trip() {
        let size = Size::new(200, 60);
        assert_eq!(size.get(), (200, 60));
        size.set(80, 24);
        assert_eq!(size.get(), (80, 24));
    }
}
