//! Speed of the audit log in the real SQLCipher file.
//!
//! `cargo bench -p copilot-store --bench audit -- [--commits N] [--records N] [--runs N] [--dir PATH]`
//!
//! 1. `Store::audit` N times (default 10,000): one transaction and one commit per record with
//!    `synchronous = FULL`, what a sign-in or an export costs.
//! 2. Bulk load to `--records` (default 1,000,000) through one transaction
//!    (`Store::bench_append_many`), only to reach the size.
//! 3. Over the whole log, medians of `--runs` (default 3), interleaved:
//!    `Store::verify_audit(Some(head))` (read + HMAC-SHA-256 chain check), against its peers on a
//!    second connection to the same file: the same `SELECT` with SHA-256 over the same bytes, and
//!    the `SELECT` alone.
//! 4. In memory: building the chain (`AuditRecord::next`) and `copilot_core::audit::verify`.
//!
//! MB/s counts the record bytes (seq as 8 bytes, the five text fields, both MACs). The temp dir is
//! under `--dir` (default: the system temp dir), so the disk is the one it sits on.

use copilot_core::audit::{self, AuditKey, AuditRecord};
use copilot_core::DatabaseKey;
use copilot_store::{AuditEntry, Store};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Args {
    commits: u64,
    records: u64,
    runs: usize,
    dir: Option<PathBuf>,
}

fn parse_args() -> Args {
    let mut args = Args {
        commits: 10_000,
        records: 1_000_000,
        runs: 3,
        dir: None,
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < raw.len() {
        let value = raw.get(i + 1).cloned();
        match (raw[i].as_str(), value) {
            ("--commits", Some(v)) => {
                args.commits = v.parse().unwrap_or(args.commits);
                i += 1;
            }
            ("--records", Some(v)) => {
                args.records = v.parse().unwrap_or(args.records);
                i += 1;
            }
            ("--runs", Some(v)) => {
                args.runs = v.parse::<usize>().unwrap_or(args.runs).max(1);
                i += 1;
            }
            ("--dir", Some(v)) => {
                args.dir = Some(PathBuf::from(v));
                i += 1;
            }
            // `cargo bench` passes `--bench`; ignore it and anything unknown.
            _ => {}
        }
        i += 1;
    }
    args
}

const KEY: [u8; 32] = [0x42; 32];

/// A typical record: an export of one draft.
fn entry() -> AuditEntry {
    AuditEntry::new(
        "adv-0001",
        audit::actions::EXPORT,
        "D-20261130-000123",
        serde_json::json!({
            "format": "pdf",
            "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "rules": "cn-suitability@2026.1",
        }),
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rate(n: u64, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn mb_s(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The peer of `verify_audit` on its own connection: same query, same order; `hash` = SHA-256 of
/// each record's bytes (no key, no chain). Returns (rows, bytes).
fn select_rows(conn: &Connection, hash: bool) -> (u64, u64) {
    let mut stmt = conn
        .prepare(
            "SELECT seq, at, actor, action, subject, data, prev_mac, mac FROM audit ORDER BY rowid",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    let (mut n, mut bytes) = (0u64, 0u64);
    let mut sink = 0u8;
    while let Some(r) = rows.next().unwrap() {
        let seq: i64 = r.get(0).unwrap();
        let mut h = Sha256::new();
        h.update(seq.to_be_bytes());
        bytes += 8;
        for i in 1..=7 {
            let v = r.get_ref(i).unwrap();
            let b = match v {
                rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => b,
                _ => &[],
            };
            bytes += b.len() as u64;
            if hash {
                h.update((b.len() as u32).to_be_bytes());
                h.update(b);
            }
        }
        if hash {
            sink ^= h.finalize()[0];
        }
        n += 1;
    }
    std::hint::black_box(sink);
    (n, bytes)
}

fn raw_connection(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA temp_store = MEMORY;",
        hex::encode(KEY)
    ))
    .unwrap();
    conn
}

fn main() {
    let args = parse_args();
    let dir = match &args.dir {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let path = dir.path().join("audit-bench.db");
    let key = DatabaseKey::from_bytes(KEY);
    let mut store = Store::create(&path, &key).unwrap();
    let e = entry();
    println!(
        "audit bench: {} commits, {} records, median of {} runs, file {}",
        args.commits,
        args.records,
        args.runs,
        path.display()
    );

    // 1. One transaction per record (synchronous = FULL).
    let t = Instant::now();
    for _ in 0..args.commits {
        store.audit(&e).unwrap();
    }
    let per_commit = t.elapsed();

    // 2. Bulk load to the target size.
    let bulk_n = args.records.saturating_sub(args.commits);
    let t = Instant::now();
    store.bench_append_many(bulk_n, &e).unwrap();
    let bulk = t.elapsed();
    let head = store.audit_head().unwrap();
    let total = head.0;
    let file_mb = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;

    // 3. Verify vs SELECT + SHA-256 vs SELECT, interleaved, fresh connections for the peers.
    let peer = raw_connection(&path);
    let (mut verify_t, mut sha_t, mut select_t) = (vec![], vec![], vec![]);
    let mut bytes = 0;
    for _ in 0..args.runs {
        let t = Instant::now();
        let report = store.verify_audit(Some(head)).unwrap();
        verify_t.push(t.elapsed());
        assert!(report.ok && report.records == total, "{report:?}");

        let t = Instant::now();
        let (n, b) = select_rows(&peer, true);
        sha_t.push(t.elapsed());
        assert_eq!(n, total);
        bytes = b;

        let t = Instant::now();
        let (n, _) = select_rows(&peer, false);
        select_t.push(t.elapsed());
        assert_eq!(n, total);
    }
    let (verify_t, sha_t, select_t) = (median(verify_t), median(sha_t), median(select_t));
    drop(peer);
    drop(store);

    // 4. In memory.
    let audit_key = AuditKey::derive(&key);
    let data = e.data.to_string();
    let t = Instant::now();
    let mut log: Vec<AuditRecord> = Vec::with_capacity(total as usize);
    for i in 0..total {
        let prev = log.last().map(|r| (r.seq, r.mac));
        log.push(AuditRecord::next(
            &audit_key,
            prev,
            format!("2026-11-30T08:{:02}:{:02}Z", i / 60 % 60, i % 60),
            e.actor.clone(),
            e.action.clone(),
            e.subject.clone(),
            data.clone(),
        ));
    }
    let build_t = t.elapsed();
    let mut mem_t = vec![];
    let mem_head = (total, log.last().map(|r| r.mac).unwrap_or([0; 32]));
    for _ in 0..args.runs {
        let t = Instant::now();
        let report = audit::verify(&audit_key, &log, Some(mem_head));
        mem_t.push(t.elapsed());
        assert!(report.ok && report.records == total, "{report:?}");
    }
    let mem_t = median(mem_t);

    println!(
        "log: {total} records, {:.1} MB of record bytes ({:.0} B/record), file {file_mb:.1} MB",
        bytes as f64 / 1e6,
        bytes as f64 / total.max(1) as f64
    );
    println!();
    println!(
        "{:<46} {:>10} {:>14} {:>10}",
        "operation", "time", "records/s", "MB/s"
    );
    let row = |name: &str, n: u64, d: Duration, b: Option<u64>| {
        println!(
            "{:<46} {:>9.3}s {:>14.0} {:>10}",
            name,
            d.as_secs_f64(),
            rate(n, d),
            b.map(|b| format!("{:.1}", mb_s(b, d)))
                .unwrap_or_else(|| "-".into())
        );
    };
    row(
        &format!("Store::audit, 1 commit each ({} records)", args.commits),
        args.commits,
        per_commit,
        None,
    );
    row(
        &format!("bench_append_many, 1 transaction ({bulk_n})"),
        bulk_n,
        bulk,
        None,
    );
    row(
        "Store::verify_audit(Some(head))",
        total,
        verify_t,
        Some(bytes),
    );
    row(
        "SELECT + SHA-256 per record (no HMAC)",
        total,
        sha_t,
        Some(bytes),
    );
    row("SELECT only", total, select_t, Some(bytes));
    row(
        "in memory: build chain (AuditRecord::next)",
        total,
        build_t,
        Some(bytes),
    );
    row("in memory: audit::verify", total, mem_t, Some(bytes));
    println!();
    println!(
        "verify_audit / (SELECT + SHA-256) = {:.2}x; verify_audit / SELECT = {:.2}x; \
         in-memory verify is {:.0}% of verify_audit",
        verify_t.as_secs_f64() / sha_t.as_secs_f64(),
        verify_t.as_secs_f64() / select_t.as_secs_f64(),
        100.0 * mem_t.as_secs_f64() / verify_t.as_secs_f64()
    );
    if per_commit > Duration::ZERO {
        println!(
            "per-commit append: {:.3} ms/record",
            per_commit.as_secs_f64() * 1e3 / args.commits.max(1) as f64
        );
    }
}
