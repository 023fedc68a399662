//! Speed of the local model: load, prefill and decode, medians of 3 runs.
//!
//! `cargo bench -p copilot-llm -- [--threads N] [--prompt-tokens N] [--decode-tokens N] [--model PATH]`
//!
//! The model defaults to `$COPILOT_MODEL_DIR/SmolLM2-135M-Instruct.Q4_1.gguf`,
//! else `<workspace>/models/…`. Prefill runs the prompt through the model from
//! an empty cache; decode then generates greedily, one forward pass per token,
//! without stopping at end-of-turn so every run times the same number of tokens.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use copilot_llm::{sha256_file, LoadOptions, LocalModel, PREFILL_CHUNK_TOKENS};

const DEFAULT_MODEL: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";
const RUNS: usize = 3;

struct Args {
    threads: Option<usize>,
    prompt_tokens: usize,
    decode_tokens: usize,
    model: PathBuf,
}

fn parse_args() -> Args {
    let mut args = Args {
        threads: None,
        prompt_tokens: 400,
        decode_tokens: 128,
        model: std::env::var_os("COPILOT_MODEL_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"))
            .join(DEFAULT_MODEL),
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < raw.len() {
        let value = raw.get(i + 1).cloned();
        match (raw[i].as_str(), value) {
            ("--threads", Some(v)) => {
                args.threads = v.parse().ok();
                i += 1;
            }
            ("--prompt-tokens", Some(v)) => {
                args.prompt_tokens = v.parse().unwrap_or(args.prompt_tokens);
                i += 1;
            }
            ("--decode-tokens", Some(v)) => {
                args.decode_tokens = v.parse().unwrap_or(args.decode_tokens);
                i += 1;
            }
            ("--model", Some(v)) => {
                args.model = PathBuf::from(v);
                i += 1;
            }
            // `cargo bench` passes `--bench`; anything else unknown is ignored too.
            _ => {}
        }
        i += 1;
    }
    args
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// `VmHWM` (peak resident set size) of this process, in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, v) in logits.iter().enumerate() {
        if *v > logits[best] {
            best = i;
        }
    }
    best as u32
}

/// A prompt of exactly `n` tokens: a chat turn around advisory-style text.
fn prompt_ids(model: &LocalModel, n: usize) -> Vec<u32> {
    let paragraph = "The client holds a balanced portfolio of deposits, bond funds and a \
        small equity allocation. Their stated goal is steady income with limited drawdowns, \
        and they review the position with their adviser every quarter. ";
    let text = format!(
        "<|im_start|>system\nYou are a careful assistant for bank advisers.<|im_end|>\n<|im_start|>user\n{}",
        paragraph.repeat(n / 20 + 2)
    );
    let mut ids = model.tokenizer().encode_prompt(&text).expect("tokenize");
    ids.truncate(n);
    ids
}

fn main() {
    let args = parse_args();
    assert!(
        args.model.is_file(),
        "model file {} not found: run `copilot models fetch`",
        args.model.display()
    );

    let hash_started = Instant::now();
    let sha256 = sha256_file(&args.model).expect("hash");
    let hash_time = hash_started.elapsed();

    let load_started = Instant::now();
    let mut model = LocalModel::load(
        &args.model,
        &sha256,
        &LoadOptions {
            threads: args.threads,
        },
    )
    .expect("load");
    let load_time = load_started.elapsed();
    let rss_after_load = peak_rss_mib();

    let ids = prompt_ids(&model, args.prompt_tokens);
    let info = model.info().clone();
    println!("copilot-llm generate benchmark");
    println!(
        "machine:        {} ({} logical CPUs)",
        cpu_model(),
        num_cpus()
    );
    println!("threads:        {}", info.threads);
    println!("model:          {}", args.model.display());
    println!("sha256:         {}", info.sha256);
    println!(
        "architecture:   {} {} ({} MiB)",
        info.architecture,
        info.quantization,
        info.file_size / (1024 * 1024)
    );
    println!("hash time:      {:.3} s", hash_time.as_secs_f64());
    println!(
        "load time:      {:.3} s (including hash check)",
        load_time.as_secs_f64()
    );
    println!("peak RSS load:  {rss_after_load:.1} MiB");
    println!("prompt length:  {} tokens", ids.len());

    let mut prefill_rates = Vec::new();
    let mut decode_rates = Vec::new();
    for run in 0..RUNS {
        let started = Instant::now();
        let mut logits = Vec::new();
        for (i, chunk) in ids.chunks(PREFILL_CHUNK_TOKENS).enumerate() {
            logits = model
                .forward(chunk, i * PREFILL_CHUNK_TOKENS)
                .expect("prefill");
        }
        let prefill = started.elapsed();

        let started = Instant::now();
        for position in ids.len()..ids.len() + args.decode_tokens {
            let next = argmax(&logits);
            logits = model.forward(&[next], position).expect("decode");
        }
        let decode = started.elapsed();
        let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "run {}:          prefill {:.1} tok/s ({:.3} s), decode {:.1} tok/s ({:.3} s)",
            run + 1,
            rate(ids.len(), prefill),
            prefill.as_secs_f64(),
            rate(args.decode_tokens, decode),
            decode.as_secs_f64()
        );
        prefill_rates.push(rate(ids.len(), prefill));
        decode_rates.push(rate(args.decode_tokens, decode));
    }
    println!(
        "prefill:        {:.1} tok/s (median of {RUNS}, {} tokens)",
        median(prefill_rates),
        ids.len()
    );
    println!(
        "decode:         {:.1} tok/s (median of {RUNS}, {} tokens after the prompt)",
        median(decode_rates),
        args.decode_tokens
    );
    println!("peak RSS:       {:.1} MiB", peak_rss_mib());
}

fn num_cpus() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
