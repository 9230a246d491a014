//! The tamper-evident journal: a SHA-256 hash chain over the serialized events.
//!
//! Each event of a journal is linked to the one before it by a hash:
//!
//! ```text
//! hash(event n) = SHA-256( hash(event n-1) as 32 bytes || compact JSON of event n )
//! ```
//!
//! where the compact JSON is exactly what `serde_json::to_string(&event)` writes (the event's
//! JSON everywhere else in the library), and the hash before event 1 is 32 zero bytes
//! ([`GENESIS`]). The hash of the last event is the journal's *head*
//! ([`Registry::journal_head`]): one 64-character string that stands for the whole history. A
//! [`ChainedEvent`] is an event with its `prev`, the hash of the event before it, as snapshots
//! (`schema_version` 2) and the `journal` query write them. Hashes are lowercase hex.
//!
//! [`verify_journal`] recomputes the chain of a list of chained events and finds the first
//! event that was altered, inserted, removed or moved, or a head that differs from the one
//! expected ([`JournalTamper`], error code `journal_tampered` 905).
//!
//! The chain is computed on demand, never while commands are applied, so applying commands
//! (and bulk imports of millions of events) costs nothing more.
//!
//! **What it proves.** The hash is not keyed: whoever can rewrite a journal can also recompute
//! every `prev` and the head. The chain makes any change to history show as a different head,
//! so keep the head somewhere the journal's writer cannot change (a signed report, another
//! system, a printed register) and pass it as `expected_head`; a head written in the same file
//! as the journal (a snapshot's `head`) only catches edits made without recomputing it.
//!
//! ```
//! use tongxin::journal::{self, verify_journal, TamperKind, GENESIS};
//! use tongxin::Registry;
//!
//! let reg = Registry::new();
//! assert_eq!(reg.journal_head(), GENESIS);
//! let (chained, head) = journal::link(reg.journal());
//! assert_eq!(verify_journal(&chained, Some(&head)).unwrap(), head);
//! let other = "1".repeat(64);
//! let err = verify_journal(&chained, Some(&other)).unwrap_err();
//! assert_eq!(err.kind, TamperKind::HeadMismatch);
//! ```

use crate::command::{Command, Event, Warnings};
use crate::registry::Registry;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Borrow;
use std::fmt;

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash before the first event, and the head of an empty journal: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A journal event with the hash of the event before it. In JSON the event's own fields
/// followed by `"prev"`: `{"seq":1,"at":…,"actor":…,"command":{…},"prev":"00…00"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ChainedWire")]
pub struct ChainedEvent {
    /// The event.
    #[serde(flatten)]
    pub event: Event,
    /// The hash of the previous event (lowercase hex; [`GENESIS`] for the first).
    pub prev: String,
}

/// How a [`ChainedEvent`] is read: the event's fields written out, so that reading a journal
/// does not go through serde's buffering of flattened fields.
#[derive(Deserialize)]
struct ChainedWire {
    seq: u64,
    #[serde(with = "crate::date::moment")]
    at: NaiveDateTime,
    actor: String,
    command: Command,
    #[serde(default)]
    warnings: Warnings,
    prev: String,
}

impl From<ChainedWire> for ChainedEvent {
    fn from(w: ChainedWire) -> Self {
        ChainedEvent {
            event: Event {
                seq: w.seq,
                at: w.at,
                actor: w.actor,
                command: w.command,
                warnings: w.warnings,
            },
            prev: w.prev,
        }
    }
}

/// Hashes events one after another; reuses one buffer for their JSON.
#[derive(Debug, Clone)]
pub struct Chainer {
    head: Hash,
    buf: Vec<u8>,
}

impl Default for Chainer {
    fn default() -> Self {
        Chainer::new()
    }
}

impl Chainer {
    /// A chain before its first event (head = genesis).
    pub fn new() -> Self {
        Chainer {
            head: [0; 32],
            buf: Vec::with_capacity(512),
        }
    }

    /// The hash of the last event pushed (32 zero bytes before the first).
    pub fn head(&self) -> &Hash {
        &self.head
    }

    /// Links `event` after the current head; returns the new head.
    pub fn push(&mut self, event: &Event) -> &Hash {
        let prev = self.head;
        self.head = self.hash_after(&prev, event);
        &self.head
    }

    /// The hash `event` would have after `prev`, without changing the chain.
    fn hash_after(&mut self, prev: &Hash, event: &Event) -> Hash {
        self.buf.clear();
        // Writing these plain data types into a `Vec` cannot fail (no I/O, no maps with
        // non-string keys); were it ever to, the bytes written so far are hashed, which still
        // gives a deterministic value.
        let _ = serde_json::to_writer(&mut self.buf, event);
        let mut h = Sha256::new();
        h.update(prev);
        h.update(&self.buf);
        h.finalize().into()
    }
}

/// The hash of `event` when it follows an event whose hash is `prev`.
pub fn event_hash(prev: &Hash, event: &Event) -> Hash {
    Chainer::new().hash_after(prev, event)
}

/// Lowercase hex of a hash.
pub fn to_hex(hash: &Hash) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in hash {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// A hash from 64 hex digits (either case); `None` for anything else.
pub fn from_hex(text: &str) -> Option<Hash> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}

/// The `prev` of every event of a journal, in order (the first is [`GENESIS`]).
pub fn chain<E: Borrow<Event>>(events: impl IntoIterator<Item = E>) -> Vec<String> {
    let mut c = Chainer::new();
    events
        .into_iter()
        .map(|e| {
            let prev = to_hex(c.head());
            c.push(e.borrow());
            prev
        })
        .collect()
}

/// The head of a journal: the hash of its last event ([`GENESIS`] when empty).
pub fn head<E: Borrow<Event>>(events: impl IntoIterator<Item = E>) -> String {
    let mut c = Chainer::new();
    for e in events {
        c.push(e.borrow());
    }
    to_hex(c.head())
}

/// Pairs every event with its `prev`; also returns the head.
pub fn link(events: impl IntoIterator<Item = Event>) -> (Vec<ChainedEvent>, String) {
    let mut c = Chainer::new();
    let chained = events
        .into_iter()
        .map(|event| {
            let prev = to_hex(c.head());
            c.push(&event);
            ChainedEvent { event, prev }
        })
        .collect();
    (chained, to_hex(c.head()))
}

/// What [`verify_journal`] found wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TamperKind {
    /// The event differs from the one the chain was made with: the next event's `prev` is not
    /// its hash (or, for event 1, its own `prev` is not the genesis hash).
    Altered,
    /// The event was not in the journal: its seq repeats or goes back, or the event after it
    /// links to the event before it, or it comes after the expected head.
    Inserted,
    /// The event is missing: the seqs jump over it.
    Removed,
    /// The event is out of place: found where an earlier seq, present further on, belongs.
    Reordered,
    /// The journal is intact up to its last event but does not end at the expected head: the
    /// last event was altered, or events after it were removed.
    HeadMismatch,
}

impl TamperKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TamperKind::Altered => "altered",
            TamperKind::Inserted => "inserted",
            TamperKind::Removed => "removed",
            TamperKind::Reordered => "reordered",
            TamperKind::HeadMismatch => "head_mismatch",
        }
    }
}

impl fmt::Display for TamperKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first tampered event of a journal (error code `journal_tampered`, 905).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("journal tampered at event {seq} ({kind}): {detail}")]
pub struct JournalTamper {
    /// The event: the altered, inserted, removed or moved one; for a head mismatch, the last
    /// event of the journal (0 when it is empty).
    pub seq: u64,
    /// What was found.
    pub kind: TamperKind,
    /// What was seen, naming the events and hashes involved.
    pub detail: String,
}

/// Shortens a hash or a caller's text for messages.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(16).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Checks a journal's chain: seqs from 1 without gap or repeat, each `prev` the hash of the
/// event before it, and (when given) the last event's hash equal to `expected_head`. Returns
/// the head, or the first tampered event:
///
/// - seq 1, 2, … expected in order; a seq that repeats or goes back → that event
///   [`Inserted`](TamperKind::Inserted); a seq that jumps ahead → the expected one
///   [`Removed`](TamperKind::Removed), or, when the expected seq comes later in the list, the
///   event found [`Reordered`](TamperKind::Reordered), or, when the event's `prev` links it
///   right where the expected seq belongs, the expected event [`Altered`](TamperKind::Altered)
///   (its seq changed);
/// - a `prev` that is not the hash of the previous event → the previous event
///   [`Altered`](TamperKind::Altered) (event 1 when its own `prev` is not [`GENESIS`]), or
///   [`Inserted`](TamperKind::Inserted) when the `prev` is the hash of the event before that
///   (an event slipped in and the seqs after it renumbered);
/// - a head that is not `expected_head` → the events after the expected head
///   [`Inserted`](TamperKind::Inserted) when it is the hash of an earlier event, else
///   [`HeadMismatch`](TamperKind::HeadMismatch) at the last event.
///
/// Hashes are compared as hex in either case; `expected_head` of any other form never matches.
pub fn verify_journal(
    events: &[ChainedEvent],
    expected_head: Option<&str>,
) -> Result<String, JournalTamper> {
    let mut c = Chainer::new();
    // The hash of the event two back, for telling an insertion from an alteration.
    let mut before_prev: Option<Hash> = None;
    for (i, ce) in events.iter().enumerate() {
        let expected = i as u64 + 1;
        let seq = ce.event.seq;
        if seq < expected {
            return Err(JournalTamper {
                seq,
                kind: TamperKind::Inserted,
                detail: format!(
                    "event {seq} appears again (or out of order) where event {expected} belongs"
                ),
            });
        }
        if seq > expected && from_hex(&ce.prev) == Some(*c.head()) {
            // In its place in the chain: the event `expected` with its seq changed.
            return Err(JournalTamper {
                seq: expected,
                kind: TamperKind::Altered,
                detail: format!("its seq was changed to {seq}"),
            });
        }
        if seq > expected {
            let later = events[i + 1..].iter().any(|e| e.event.seq == expected);
            return Err(if later {
                JournalTamper {
                    seq,
                    kind: TamperKind::Reordered,
                    detail: format!(
                        "event {seq} comes before event {expected}, which appears further on"
                    ),
                }
            } else {
                JournalTamper {
                    seq: expected,
                    kind: TamperKind::Removed,
                    detail: if seq == expected + 1 {
                        format!("event {seq} follows event {}", expected - 1)
                    } else {
                        format!(
                            "event {seq} follows event {} (events {expected} to {} are missing)",
                            expected - 1,
                            seq - 1
                        )
                    },
                }
            });
        }
        let head = *c.head();
        if from_hex(&ce.prev) != Some(head) {
            if i == 0 {
                return Err(JournalTamper {
                    seq,
                    kind: TamperKind::Altered,
                    detail: format!(
                        "its `prev` is `{}`, not the genesis hash (64 zeros)",
                        short(&ce.prev)
                    ),
                });
            }
            let previous = events[i - 1].event.seq;
            return Err(match before_prev {
                Some(h) if from_hex(&ce.prev) == Some(h) => JournalTamper {
                    seq: previous,
                    kind: TamperKind::Inserted,
                    detail: format!(
                        "event {seq} links to the event before event {previous} (`prev` `{}`)",
                        short(&ce.prev)
                    ),
                },
                _ => JournalTamper {
                    seq: previous,
                    kind: TamperKind::Altered,
                    detail: format!(
                        "event {seq}'s `prev` is `{}` but event {previous} hashes to `{}`",
                        short(&ce.prev),
                        short(&to_hex(&head))
                    ),
                },
            });
        }
        before_prev = Some(head);
        c.push(&ce.event);
    }
    let head = to_hex(c.head());
    match expected_head {
        Some(want) if from_hex(want) != Some(*c.head()) => {
            let last = events.last().map_or(0, |e| e.event.seq);
            // Events appended after the expected head: it is the hash of an earlier event.
            if let Some(want) = from_hex(want) {
                let mut again = Chainer::new();
                if want == *again.head() {
                    if let Some(first) = events.first() {
                        return Err(appended(first.event.seq, 0, last));
                    }
                }
                for (i, ce) in events.iter().enumerate() {
                    if *again.push(&ce.event) == want {
                        if let Some(next) = events.get(i + 1) {
                            return Err(appended(next.event.seq, ce.event.seq, last));
                        }
                    }
                }
            }
            Err(JournalTamper {
                seq: last,
                kind: TamperKind::HeadMismatch,
                detail: format!(
                    "the journal ends at event {last} with head `{}` but `{}` was expected \
                     (event {last} altered, or events after it removed)",
                    short(&head),
                    short(want)
                ),
            })
        }
        _ => Ok(head),
    }
}

fn appended(first: u64, at: u64, last: u64) -> JournalTamper {
    JournalTamper {
        seq: first,
        kind: TamperKind::Inserted,
        detail: format!(
            "the expected head is the hash of event {at}: events {first} to {last} were added \
             after it"
        ),
    }
}

impl Registry {
    /// The journal's head: the hash of its last event, lowercase hex ([`GENESIS`] when the
    /// journal is empty). Computed from the whole journal on each call (see [`crate::journal`]).
    pub fn journal_head(&self) -> String {
        head(self.journal())
    }

    /// The journal with each event's `prev` (see [`link`]), and the head.
    pub fn chained_journal(&self) -> (Vec<ChainedEvent>, String) {
        link(self.journal())
    }
}

/// A registry's journal ([`Registry::journal`]): its accepted events, oldest first, read like
/// a list.
///
/// The registry keeps its journal compactly (a join as the membership record it created, the
/// addition of a person as a reference to their row while it is unchanged), so each event is
/// rebuilt when read: [`get`](Journal::get) and iteration give owned [`Event`]s, exactly the
/// events [`Registry::apply`] returned.
///
/// ```
/// use tongxin::{Command, Meta, Registry};
///
/// let mut reg = Registry::new();
/// let meta = Meta { at: Default::default(), actor: "clerk".into() };
/// let person = r#"{"id": "p1", "party": "cpc", "title": "senior", "stratum": "none"}"#;
/// let person = serde_json::from_str(person).unwrap();
/// let applied = reg.apply(&meta, Command::AddPerson { person }).unwrap();
/// let journal = reg.journal();
/// assert_eq!(journal.len(), 1);
/// assert_eq!(journal.get(0), Some(applied.clone()));
/// assert_eq!(journal.iter().collect::<Vec<_>>(), vec![applied]);
/// ```
#[derive(Clone, Copy)]
pub struct Journal<'a> {
    reg: &'a Registry,
}

impl fmt::Debug for Journal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Two journals are equal when they hold equal events in the same order.
impl PartialEq for Journal<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<'a> Journal<'a> {
    pub(crate) fn new(reg: &'a Registry) -> Self {
        Journal { reg }
    }

    /// The number of events.
    pub fn len(&self) -> usize {
        self.reg.journal_len()
    }

    /// Whether there are no events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The event at `index` (0-based, so its `seq` is `index + 1`); `None` past the end.
    pub fn get(&self, index: usize) -> Option<Event> {
        self.reg.event(index)
    }

    /// The first event.
    pub fn first(&self) -> Option<Event> {
        self.get(0)
    }

    /// The last event.
    pub fn last(&self) -> Option<Event> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Every event, oldest first.
    pub fn iter(&self) -> Events<'a> {
        Events {
            reg: self.reg,
            next: 0,
            end: self.len(),
        }
    }

    /// Every event, oldest first, in a list.
    pub fn to_vec(&self) -> Vec<Event> {
        self.iter().collect()
    }
}

impl<'a> IntoIterator for Journal<'a> {
    type Item = Event;
    type IntoIter = Events<'a>;
    fn into_iter(self) -> Events<'a> {
        self.iter()
    }
}

/// The events of a [`Journal`], oldest first ([`Journal::iter`]).
#[derive(Debug, Clone)]
pub struct Events<'a> {
    reg: &'a Registry,
    next: usize,
    end: usize,
}

impl Iterator for Events<'_> {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        if self.next >= self.end {
            return None;
        }
        self.next += 1;
        self.reg.event(self.next - 1)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }
    fn nth(&mut self, n: usize) -> Option<Event> {
        self.next = self.next.saturating_add(n).min(self.end);
        self.next()
    }
}

impl DoubleEndedIterator for Events<'_> {
    fn next_back(&mut self) -> Option<Event> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        self.reg.event(self.end)
    }
}

impl ExactSizeIterator for Events<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let h: Hash = core::array::from_fn(|i| (i * 37) as u8);
        let s = to_hex(&h);
        assert_eq!(s.len(), 64);
        assert_eq!(from_hex(&s), Some(h));
        assert_eq!(from_hex(&s.to_uppercase()), Some(h));
        assert_eq!(from_hex(GENESIS), Some([0; 32]));
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex(&"g".repeat(64)), None);
        assert_eq!(from_hex(&"é".repeat(32)), None);
    }

    #[test]
    fn sha256_of_known_input() {
        // SHA-256 of 32 zero bytes followed by "abc".
        let mut h = Sha256::new();
        h.update([0u8; 32]);
        h.update(b"abc");
        let d: Hash = h.finalize().into();
        assert_eq!(d.len(), 32);
        // SHA-256("abc") itself, the FIPS 180-2 test vector.
        let d: Hash = Sha256::digest(b"abc").into();
        assert_eq!(
            to_hex(&d),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
