//! Property tests of the audit chain (HMAC-SHA-256, `copilot_core::audit`): random chains of 1–199
//! records with random field contents (empty, ASCII, CJK, any printable Unicode, JSON), then one
//! random tampering. The verdict must never be `ok`, and `first_broken` / `reason` must name
//! exactly the first affected record:
//!
//! | tampering (positions 1-based, in the tampered log)              | first_broken | reason      |
//! |-----------------------------------------------------------------|--------------|-------------|
//! | change `at`/`actor`/`action`/`subject`/`data` of record p       | p            | `mac`       |
//! | move bytes across a field boundary of record p (length prefix)  | p            | `mac`       |
//! | change `mac` of record p (one bit)                              | p            | `mac`       |
//! | change `prev_mac` of record p (one bit)                         | p            | `link`      |
//! | change `seq` of record p                                        | p            | `sequence`  |
//! | delete record p < N                                             | p            | `sequence`  |
//! | delete record N (the last), checkpoint of the original head     | N            | `truncated` |
//! | insert at position p a record forged with another key (right seq and prev_mac) | p | `mac` |
//! | insert at position p a copy of record j ≠ p                     | p            | `sequence`  |
//! | insert a copy of record j right after it (duplicate)            | j+1          | `sequence`  |
//! | swap records a < b                                              | a            | `sequence`  |
//! | swap the contents of a < b but keep the sequence numbers        | a            | `link`      |
//! | move record a to position b                                     | min(a, b)    | `sequence`  |
//! | keep only the first k < N records, checkpoint (N, head MAC)     | k+1          | `truncated` |
//!
//! Every tampered log is verified with the checkpoint of the original head and without one; the
//! verdict is the same, except that cutting records off the end (truncation, deleting the last
//! record) is invisible without a checkpoint — the documented reason checkpoints exist.

use copilot_core::audit::{
    record_mac, verify, AuditKey, AuditRecord, ChainVerifier, MacBytes, GENESIS_MAC,
};
use proptest::prelude::*;
use proptest::sample::Index;

const KEY: [u8; 32] = [0x5a; 32];
const OTHER_KEY: [u8; 32] = [0xa5; 32];

/// The text fields of one record.
#[derive(Debug, Clone)]
struct Fields {
    at: String,
    actor: String,
    action: String,
    subject: String,
    data: String,
}

fn json_text() -> impl Strategy<Value = String> {
    (
        any::<u32>(),
        "[a-z\u{4e00}-\u{9fa5}\"\\\\{}]{0,6}",
        any::<bool>(),
    )
        .prop_map(|(n, s, b)| {
            serde_json::json!({"draft_id": format!("D-{n}"), "note": s, "ok": b, "n": [n, null]})
                .to_string()
        })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[A-Za-z0-9_.-]{1,12}",
        "[\u{4e00}-\u{9fa5}]{1,8}",
        "\\PC{0,12}",
        json_text(),
    ]
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        prop_oneof![
            (0u32..100_000).prop_map(|s| format!(
                "2026-11-{:02}T{:02}:{:02}:{:02}Z",
                1 + s / 86_400 % 28,
                s / 3600 % 24,
                s / 60 % 60,
                s % 60
            )),
            text()
        ],
        text(),
        prop_oneof![
            Just("draft".to_string()),
            Just("submit".to_string()),
            text()
        ],
        text(),
        text(),
    )
        .prop_map(|(at, actor, action, subject, data)| Fields {
            at,
            actor,
            action,
            subject,
            data,
        })
}

fn build(key: &AuditKey, fields: &[Fields]) -> Vec<AuditRecord> {
    let mut out: Vec<AuditRecord> = Vec::with_capacity(fields.len());
    for f in fields {
        let prev = out.last().map(|r| (r.seq, r.mac));
        out.push(AuditRecord::next(
            key,
            prev,
            f.at.clone(),
            f.actor.clone(),
            f.action.clone(),
            f.subject.clone(),
            f.data.clone(),
        ));
    }
    out
}

fn head(log: &[AuditRecord]) -> (u64, MacBytes) {
    log.last()
        .map(|r| (r.seq, r.mac))
        .unwrap_or((0, GENESIS_MAC))
}

/// One field of a record.
#[derive(Debug, Clone, Copy)]
enum Field {
    At,
    Actor,
    Action,
    Subject,
    Data,
    PrevMac,
    Mac,
    Seq,
}

fn text_field(r: &mut AuditRecord, i: usize) -> &mut String {
    match i {
        0 => &mut r.at,
        1 => &mut r.actor,
        2 => &mut r.action,
        3 => &mut r.subject,
        _ => &mut r.data,
    }
}

/// One tampering; positions are drawn as [`Index`] and resolved against the chain's length.
#[derive(Debug, Clone)]
enum Tamper {
    /// Replace a field of record `pos` with a different value.
    Modify {
        pos: Index,
        field: Field,
        text: String,
        bit: u8,
        delta: u64,
    },
    /// Move one character across the boundary between text field `boundary` and the next.
    ShiftBoundary {
        pos: Index,
        boundary: usize,
    },
    Delete {
        pos: Index,
    },
    /// Insert, before original position `pos` (0..=N), a record made with another key whose seq
    /// and prev_mac are what the chain expects there.
    InsertForged {
        pos: Index,
        fields: Fields,
    },
    /// Insert, before original position `pos` (0..=N), a copy of record `src`.
    InsertCopy {
        pos: Index,
        src: Index,
    },
    Duplicate {
        pos: Index,
    },
    Swap {
        a: Index,
        b: Index,
    },
    SwapKeepSeq {
        a: Index,
        b: Index,
    },
    Move {
        from: Index,
        to: Index,
    },
    Truncate {
        keep: Index,
    },
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![
        Just(Field::At),
        Just(Field::Actor),
        Just(Field::Action),
        Just(Field::Subject),
        Just(Field::Data),
        Just(Field::PrevMac),
        Just(Field::Mac),
        Just(Field::Seq),
    ]
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        4 => (any::<Index>(), field(), text(), any::<u8>(), 1..u64::MAX).prop_map(
            |(pos, field, text, bit, delta)| Tamper::Modify { pos, field, text, bit, delta }
        ),
        1 => (any::<Index>(), 0usize..4).prop_map(|(pos, boundary)| Tamper::ShiftBoundary { pos, boundary }),
        1 => any::<Index>().prop_map(|pos| Tamper::Delete { pos }),
        1 => (any::<Index>(), fields()).prop_map(|(pos, fields)| Tamper::InsertForged { pos, fields }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(pos, src)| Tamper::InsertCopy { pos, src }),
        1 => any::<Index>().prop_map(|pos| Tamper::Duplicate { pos }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Tamper::Swap { a, b }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Tamper::SwapKeepSeq { a, b }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(from, to)| Tamper::Move { from, to }),
        1 => any::<Index>().prop_map(|keep| Tamper::Truncate { keep }),
    ]
}

/// What verification must report for a tampered log.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    first_broken: u64,
    reason: &'static str,
    /// True when the tampering only cuts records off the end: invisible without a checkpoint.
    needs_checkpoint: bool,
}

fn expect(first_broken: u64, reason: &'static str) -> Expected {
    Expected {
        first_broken,
        reason,
        needs_checkpoint: false,
    }
}

/// Two distinct 0-based positions `a < b` in `0..n` (`n >= 2`).
fn two(n: usize, a: Index, b: Index) -> (usize, usize) {
    let a = a.index(n);
    let mut b = b.index(n - 1);
    if b >= a {
        b += 1;
    }
    (a.min(b), a.max(b))
}

/// Applies `t` to `log`; `None` when the tampering needs a longer chain.
fn apply(log: &mut Vec<AuditRecord>, t: &Tamper) -> Option<Expected> {
    let n = log.len();
    Some(match t {
        Tamper::Modify {
            pos,
            field,
            text,
            bit,
            delta,
        } => {
            let p = pos.index(n);
            let r = &mut log[p];
            let seq = p as u64 + 1;
            let flip = |m: &mut MacBytes| m[(*bit / 8) as usize % 32] ^= 1 << (bit % 8);
            match field {
                Field::PrevMac => {
                    flip(&mut r.prev_mac);
                    expect(seq, "link")
                }
                Field::Mac => {
                    flip(&mut r.mac);
                    expect(seq, "mac")
                }
                Field::Seq => {
                    r.seq = r.seq.wrapping_add(*delta);
                    expect(seq, "sequence")
                }
                f => {
                    let i = *f as usize;
                    let s = text_field(r, i);
                    if s == text {
                        s.push('变');
                    } else {
                        *s = text.clone();
                    }
                    expect(seq, "mac")
                }
            }
        }
        Tamper::ShiftBoundary { pos, boundary } => {
            let p = pos.index(n);
            let r = &mut log[p];
            let (i, j) = (*boundary, boundary + 1);
            if let Some(c) = text_field(r, i).pop() {
                // "ab" | "c" → "a" | "bc": the concatenation is unchanged.
                text_field(r, j).insert(0, c);
            } else if !text_field(r, j).is_empty() {
                // "" | "bc" → "b" | "c".
                let c = text_field(r, j).remove(0);
                text_field(r, i).push(c);
            } else {
                text_field(r, i).push('x');
            }
            expect(p as u64 + 1, "mac")
        }
        Tamper::Delete { pos } => {
            let p = pos.index(n);
            log.remove(p);
            if p + 1 == n {
                Expected {
                    first_broken: n as u64,
                    reason: "truncated",
                    needs_checkpoint: true,
                }
            } else {
                expect(p as u64 + 1, "sequence")
            }
        }
        Tamper::InsertForged { pos, fields } => {
            let i = pos.index(n + 1);
            let prev = (i > 0).then(|| (log[i - 1].seq, log[i - 1].mac));
            let f = fields.clone();
            let forged = AuditRecord::next(
                &AuditKey::from_bytes(OTHER_KEY),
                prev,
                f.at,
                f.actor,
                f.action,
                f.subject,
                f.data,
            );
            assert_eq!(forged.seq, i as u64 + 1);
            log.insert(i, forged);
            expect(i as u64 + 1, "mac")
        }
        Tamper::InsertCopy { pos, src } => {
            let i = pos.index(n + 1);
            let j = src.index(n);
            let copy = log[j].clone();
            log.insert(i, copy);
            if j == i {
                // The copy of the record that follows: identical up to it, then one seq too low.
                expect(i as u64 + 2, "sequence")
            } else {
                expect(i as u64 + 1, "sequence")
            }
        }
        Tamper::Duplicate { pos } => {
            let j = pos.index(n);
            let copy = log[j].clone();
            log.insert(j + 1, copy);
            expect(j as u64 + 2, "sequence")
        }
        Tamper::Swap { a, b } => {
            if n < 2 {
                return None;
            }
            let (a, b) = two(n, *a, *b);
            log.swap(a, b);
            expect(a as u64 + 1, "sequence")
        }
        Tamper::SwapKeepSeq { a, b } => {
            if n < 2 {
                return None;
            }
            let (a, b) = two(n, *a, *b);
            log.swap(a, b);
            log[a].seq = a as u64 + 1;
            log[b].seq = b as u64 + 1;
            expect(a as u64 + 1, "link")
        }
        Tamper::Move { from, to } => {
            if n < 2 {
                return None;
            }
            let from = from.index(n);
            let mut to = to.index(n - 1);
            if to >= from {
                to += 1;
            }
            let r = log.remove(from);
            log.insert(to, r);
            expect(from.min(to) as u64 + 1, "sequence")
        }
        Tamper::Truncate { keep } => {
            let k = keep.index(n);
            log.truncate(k);
            Expected {
                first_broken: k as u64 + 1,
                reason: "truncated",
                needs_checkpoint: true,
            }
        }
    })
}

// Case counts keep the file under ~15 s in the debug profile on two cores: 2,500 tamperings
// (about 250 per kind) and 500 intact chains (each checked ten ways).
proptest! {
    #![proptest_config(ProptestConfig::with_cases(2500))]

    /// Every tampering is caught at exactly the first affected record.
    #[test]
    fn any_tampering_is_caught_at_the_first_affected_record(
        fields in prop::collection::vec(fields(), 1..200),
        t in tamper(),
    ) {
        let key = AuditKey::from_bytes(KEY);
        let original = build(&key, &fields);
        let checkpoint = head(&original);
        let mut log = original.clone();
        let expected = apply(&mut log, &t);
        prop_assume!(expected.is_some());
        let expected = expected.unwrap();

        let with = verify(&key, &log, Some(checkpoint));
        prop_assert!(!with.ok, "{t:?} not caught with the checkpoint: {with:?}");
        prop_assert_eq!(with.records, log.len() as u64);
        prop_assert_eq!(
            (with.first_broken, with.reason.as_deref()),
            (Some(expected.first_broken), Some(expected.reason)),
            "{:?}", t
        );

        let without = verify(&key, &log, None);
        prop_assert_eq!(without.records, log.len() as u64);
        if expected.needs_checkpoint {
            // A cut end is a valid shorter chain: only a checkpoint can tell.
            prop_assert!(without.ok, "{without:?}");
        } else {
            prop_assert_eq!(
                (without.ok, without.first_broken, without.reason.as_deref()),
                (false, Some(expected.first_broken), Some(expected.reason)),
                "{:?}", t
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The untampered chain verifies with and without its checkpoint (and with the checkpoint of
    /// any earlier head: the log may grow after a checkpoint); under another key it breaks at
    /// record 1; a checkpoint with the right count and a wrong MAC breaks at that count.
    #[test]
    fn intact_chain_verifies_and_only_under_its_key(
        fields in prop::collection::vec(fields(), 1..200),
        at in any::<Index>(),
        bit in any::<u8>(),
    ) {
        let key = AuditKey::from_bytes(KEY);
        let log = build(&key, &fields);
        let n = log.len() as u64;
        let (records, head_mac) = head(&log);
        prop_assert_eq!(records, n);

        for checkpoint in [None, Some((records, head_mac)), Some((0, GENESIS_MAC))] {
            let r = verify(&key, &log, checkpoint);
            prop_assert!(r.ok, "{checkpoint:?}: {r:?}");
            prop_assert_eq!((r.records, r.first_broken, r.reason), (n, None, None));
        }
        let m = at.index(log.len());
        let earlier = verify(&key, &log, Some((m as u64 + 1, log[m].mac)));
        prop_assert!(earlier.ok, "{earlier:?}");

        // Streaming: the verifier's head is the chain's head, and every MAC recomputes.
        let mut v = ChainVerifier::new(&key, None);
        for r in &log {
            prop_assert_eq!(
                record_mac(&key, r.seq, &r.at, &r.actor, &r.action, &r.subject, &r.data, &r.prev_mac),
                r.mac
            );
            v.push(r);
        }
        prop_assert_eq!(v.head(), (records, head_mac));

        let other = AuditKey::from_bytes(OTHER_KEY);
        let r = verify(&other, &log, None);
        prop_assert_eq!((r.ok, r.first_broken, r.reason.as_deref()), (false, Some(1), Some("mac")));
        let r = verify(&other, &log, Some((records, head_mac)));
        prop_assert_eq!((r.ok, r.first_broken, r.reason.as_deref()), (false, Some(1), Some("mac")));

        let mut wrong = head_mac;
        wrong[(bit / 8) as usize % 32] ^= 1 << (bit % 8);
        let r = verify(&key, &log, Some((records, wrong)));
        prop_assert_eq!(
            (r.ok, r.records, r.first_broken, r.reason.as_deref()),
            (false, n, Some(n), Some("truncated"))
        );
        let mut wrong_mid = log[m].mac;
        wrong_mid[(bit / 8) as usize % 32] ^= 1 << (bit % 8);
        let r = verify(&key, &log, Some((m as u64 + 1, wrong_mid)));
        prop_assert_eq!(
            (r.ok, r.first_broken, r.reason.as_deref()),
            (false, Some(m as u64 + 1), Some("truncated"))
        );
        // A checkpoint beyond the end: the first missing record is the break.
        let r = verify(&key, &log, Some((n + 1, [0x11; 32])));
        prop_assert_eq!(
            (r.ok, r.first_broken, r.reason.as_deref()),
            (false, Some(n + 1), Some("truncated"))
        );
    }
}

#[test]
fn empty_log_verifies_without_checkpoint_and_is_truncated_against_one() {
    let key = AuditKey::from_bytes(KEY);
    let r = verify(&key, &[], None);
    assert!(r.ok && r.records == 0, "{r:?}");
    let r = verify(&key, &[], Some((3, [1; 32])));
    assert_eq!(
        (r.ok, r.first_broken, r.reason.as_deref()),
        (false, Some(1), Some("truncated"))
    );
}
