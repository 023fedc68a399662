//! Whole-draft benchmark: `cargo bench -p copilot-app --bench draft`.
//!
//! Sets up a vault with the sample data in a temporary directory, loads the default model, then
//! drafts for three sample clients three times each and prints the medians of: time to the first
//! rationale token, prefill and decode throughput, and the wall time of the whole draft (rules +
//! retrieval + generation + verification + save). Also prints model load time and peak RSS.
//! Figures, not assertions: compare runs on the same machine.

use copilot_app::draft::{DraftInput, DraftProgress};
use copilot_app::reexports::{CancelFlag, KeychainUse, Passphrase};
use copilot_app::{ModelManifest, Workspace};
use copilot_core::{Currency, Lang, Money};
use std::path::Path;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn status_field(name: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(name))
                .map(|l| l[name.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    std::env::set_var("COPILOT_TODAY", "2026-11-29");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let threads: Option<usize> = std::env::var("COPILOT_THREADS")
        .ok()
        .and_then(|t| t.parse().ok());
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, _) = Workspace::init(
        dir.path(),
        &Passphrase::new("benchmark passphrase"),
        KeychainUse::Disabled,
    )
    .unwrap();
    ws.import_sample(&repo.join("assets")).unwrap();
    let manifest = ModelManifest::load(&repo.join("models")).unwrap();
    let entry = manifest
        .entry(std::env::var("COPILOT_MODEL").ok().as_deref())
        .unwrap()
        .clone();
    let rss_before = status_field("VmRSS:");
    let t = Instant::now();
    let mut handle = copilot_app::ModelHandle::new(manifest, entry.clone(), threads);
    let model = handle.get().expect("model present (copilot models fetch)");
    let load_s = t.elapsed().as_secs_f64();
    println!(
        "machine: {} · {} threads",
        cpu_model(),
        model.info().threads
    );
    println!(
        "model: {} {} · sha256 {} · file {} bytes",
        entry.name, entry.quantization, entry.sha256, entry.size_bytes
    );
    println!(
        "model load (incl. SHA-256 check): {load_s:.2} s · RSS before {rss_before}, after {}",
        status_field("VmRSS:")
    );

    let t = Instant::now();
    let cached = copilot_app::draft::warm_up(model, Lang::En).unwrap();
    println!(
        "warm-up (fixed prompt prefix, {cached} tokens, once per model load): {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let clients = [
        ("C0002", Lang::En),
        ("C0001", Lang::En),
        ("C0009", Lang::En),
    ];
    let (mut first, mut total, mut prefill_tps, mut decode_tps, mut prompt_tokens) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut reused = vec![];
    for round in 0..3 {
        for (client, lang) in clients {
            let input = DraftInput {
                amount: Some(Money::new(
                    rust_decimal::Decimal::new(100_000, 0),
                    Currency::CNY,
                )),
                goal: Some("steady growth over the next years".into()),
                ..DraftInput::new(client, lang)
            };
            let started = Instant::now();
            let mut first_token = None;
            let (report, timings) = ws
                .draft(&input, &mut handle, &CancelFlag::new(), &mut |p| {
                    if matches!(p, DraftProgress::Token(_)) && first_token.is_none() {
                        first_token = Some(started.elapsed().as_secs_f64());
                    }
                })
                .unwrap();
            let wall = started.elapsed().as_secs_f64();
            if timings.generated_tokens == 0 {
                continue;
            }
            first.push(first_token.unwrap_or(wall));
            total.push(wall);
            prefill_tps.push(
                (timings.prompt_tokens - timings.reused_prefix_tokens) as f64
                    / (timings.prefill_ms / 1e3),
            );
            reused.push(timings.reused_prefix_tokens as f64);
            decode_tps.push(timings.generated_tokens as f64 / (timings.decode_ms / 1e3));
            prompt_tokens.push(timings.prompt_tokens as f64);
            if round == 0 {
                println!(
                    "  {client}: {} eligible, prompt {} tok, {} generated, {} flagged, wall {wall:.2} s",
                    report.eligible.len(),
                    timings.prompt_tokens,
                    timings.generated_tokens,
                    report.flagged.len()
                );
            }
        }
    }
    println!("drafts measured: {}", total.len());
    println!(
        "prompt tokens (median): {:.0}, of which reused from the prefix cache: {:.0}",
        median(prompt_tokens),
        median(reused)
    );
    println!(
        "prefill of the client-specific part: {:.1} tok/s (median)",
        median(prefill_tps)
    );
    println!("decode: {:.1} tok/s (median)", median(decode_tps));
    println!(
        "Generate → first rationale token: {:.2} s (median)",
        median(first)
    );
    println!(
        "whole draft (rules + retrieval + generation + verification + save): {:.2} s (median)",
        median(total)
    );
    println!(
        "peak RSS (VmHWM): {} · model file {} MiB",
        status_field("VmHWM:"),
        entry.size_bytes / (1 << 20)
    );
}
