//! The tamper-evident audit chain over the events table.
//!
//! Every event's hash covers the previous event's hash and the event's own fields, so changing,
//! inserting, deleting or reordering any event breaks the chain from that point on. Backend
//! independent: backends store and read the fields; the hashing lives here.

use sha2::{Digest, Sha256};

/// Hash before the first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// The fields of one event that the chain covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedEvent<'a> {
    pub seq: i64,
    pub case_id: Option<i64>,
    /// `YYYY-MM-DD HH:MM:SS`, China local time.
    pub at: &'a str,
    pub actor: &'a str,
    pub kind: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    /// The step as JSON.
    pub payload: &'a str,
}

/// The hash of `event` chained onto `previous`.
pub fn chain(previous: &[u8; 32], event: &ChainedEvent<'_>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(event.seq.to_le_bytes());
    hasher.update(event.case_id.unwrap_or(-1).to_le_bytes());
    for field in [
        event.at,
        event.actor,
        event.kind,
        event.from_state.unwrap_or(""),
        event.to_state.unwrap_or(""),
        event.payload,
    ] {
        // Length-prefixed so that moving text between fields changes the hash.
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().into()
}

/// The head of a chain being written: the last sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub seq: i64,
    pub previous: [u8; 32],
}

impl Default for Chain {
    fn default() -> Self {
        Chain {
            seq: 0,
            previous: GENESIS,
        }
    }
}

impl Chain {
    /// The sequence number the next event gets.
    pub fn next_seq(&self) -> i64 {
        self.seq + 1
    }

    /// Appends `event` (whose `seq` must be `next_seq()`) and returns its hash.
    pub fn append(&mut self, event: &ChainedEvent<'_>) -> [u8; 32] {
        let hash = chain(&self.previous, event);
        self.seq = event.seq;
        self.previous = hash;
        hash
    }
}

/// Where a chain first fails to verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// Sequence number of the first event whose stored hash does not match.
    pub seq: i64,
    /// Sequence number of the event before it (0 at the start).
    pub previous_seq: i64,
}

/// Walks events in sequence order, checking each stored hash; stops at the first broken link.
#[derive(Debug, Clone)]
pub struct Verifier {
    previous: [u8; 32],
    previous_seq: i64,
    pub checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            previous: GENESIS,
            previous_seq: 0,
            checked: 0,
        }
    }
}

impl Verifier {
    /// Checks the next event; `Err` names the first broken link.
    pub fn next(&mut self, event: &ChainedEvent<'_>, stored: &[u8]) -> Result<(), BrokenLink> {
        let expected = chain(&self.previous, event);
        if stored != expected.as_slice() || event.seq != self.previous_seq + 1 {
            return Err(BrokenLink {
                seq: event.seq,
                previous_seq: self.previous_seq,
            });
        }
        self.previous = expected;
        self.previous_seq = event.seq;
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, actor: &'static str) -> ChainedEvent<'static> {
        ChainedEvent {
            seq,
            case_id: Some(1),
            at: "2026-03-01 10:00:00",
            actor,
            kind: "note",
            from_state: Some("registered"),
            to_state: Some("registered"),
            payload: "{}",
        }
    }

    #[test]
    fn a_changed_field_or_a_gap_breaks_the_chain() {
        let h1 = chain(&GENESIS, &event(1, "a"));
        let h2 = chain(&h1, &event(2, "b"));
        let mut v = Verifier::default();
        assert_eq!(v.next(&event(1, "a"), &h1), Ok(()));
        assert_eq!(v.next(&event(2, "b"), &h2), Ok(()));
        let mut tampered = Verifier::default();
        assert_eq!(
            tampered.next(&event(1, "x"), &h1),
            Err(BrokenLink {
                seq: 1,
                previous_seq: 0
            })
        );
        let mut gap = Verifier::default();
        assert_eq!(gap.next(&event(1, "a"), &h1), Ok(()));
        let h3 = chain(&h1, &event(3, "b"));
        assert_eq!(
            gap.next(&event(3, "b"), &h3),
            Err(BrokenLink {
                seq: 3,
                previous_seq: 1
            })
        );
    }
}
