//! Speed of the local model: load, prefill and decode, medians of 3 runs;
//! then the cost of the numeral ban and of constrained figure decoding
//! (`GenerationParams::allowed_figures`) on the decode rate of `generate`.
//!
//! `cargo bench -p copilot-llm -- [--threads N] [--prompt-tokens N] [--decode-tokens N] [--model PATH]`
//!
//! The model defaults to `$COPILOT_MODEL_DIR/SmolLM2-135M-Instruct.Q4_1.gguf`,
//! else `<workspace>/models/…`. Prefill runs the prompt through the model from
//! an empty cache; decode then generates greedily, one forward pass per token,
//! without stopping at end-of-turn so every run times the same number of tokens.
//! The `generate` runs are greedy and stop at end-of-turn; their rate is the
//! generated tokens over the decode time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use copilot_llm::figures::AllowedFigures;
use copilot_llm::numerals::NumeralBan;
use copilot_llm::{
    sha256_file, CancelFlag, ChatMessage, GenerationParams, LoadOptions, LocalModel,
    PREFILL_CHUNK_TOKENS,
};

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
    figure_decoding(&mut model, args.decode_tokens);
}

/// Twenty figures and codes of the kind a draft's facts hold.
const FACT_FIGURES: [&str; 20] = [
    "0.30%",
    "1.50%",
    "0.80%",
    "3.2%",
    "4.15%",
    "BF01",
    "BF02",
    "EQ07",
    "MM03",
    "C3",
    "R2",
    "2026-02-25",
    "2027-03-31",
    "10,000",
    "50,000",
    "100,000",
    "12",
    "36",
    "90",
    "5",
];

/// Decode rate of `generate` with no ban, the plain ban, and the ban with
/// [`FACT_FIGURES`] allowed; then the cost of one constrained step alone.
fn figure_decoding(model: &mut LocalModel, max_new_tokens: usize) {
    let question = "Facts: product BF01 (bond fund, risk R2, fee 0.30%, lock-up 90 days, \
        minimum 10,000), product EQ07 (equity fund, risk C3, fee 1.50%, horizon 36 months). \
        Explain to the client in a long paragraph why these products suit a 5-year goal, \
        restating their fees, codes and minimums.";
    let prompt = model
        .render_chat(&[ChatMessage::user(question)])
        .expect("chat template");
    let allowed: Vec<String> = FACT_FIGURES.iter().map(|f| f.to_string()).collect();
    let settings = [
        ("no ban", false, Vec::new()),
        ("plain numeral ban", true, Vec::new()),
        ("ban + 20 allowed figures", true, allowed),
    ];
    let params: Vec<GenerationParams> = settings
        .iter()
        .map(|(_, ban_numerals, allowed_figures)| GenerationParams {
            ban_numerals: *ban_numerals,
            allowed_figures: allowed_figures.clone(),
            repeat_penalty: 1.1,
            repeat_last_n: 64,
            ..GenerationParams::greedy(max_new_tokens)
        })
        .collect();
    // Settings alternate within each run, so that load from other processes
    // weighs on all of them alike.
    let mut rates = vec![Vec::new(); settings.len()];
    let mut tokens = vec![0; settings.len()];
    for _ in 0..RUNS {
        for (i, params) in params.iter().enumerate() {
            let generation = model
                .generate(&prompt, params, &CancelFlag::new(), &mut |_| {})
                .expect("generate");
            tokens[i] = generation.tokens.len();
            rates[i].push(tokens[i] as f64 / generation.decode.as_secs_f64());
        }
    }
    let mut medians = Vec::new();
    for (i, (label, _, _)) in settings.iter().enumerate() {
        let rate = median(rates[i].clone());
        println!(
            "generate, {label:<25} decode {rate:.1} tok/s (median of {RUNS}, {} tokens)",
            tokens[i]
        );
        medians.push(rate);
    }
    println!(
        "allowed / plain ban:  {:.3} (decode rate ratio)",
        medians[2] / medians[1]
    );

    // One step of constrained decoding alone, outside and inside a figure word.
    let ban = NumeralBan::for_tokenizer(model.tokenizer());
    let allowed = AllowedFigures::new(&FACT_FIGURES);
    for word in ["", "0.3", "bf0"] {
        let calls = 200;
        let started = Instant::now();
        let mut banned = 0;
        for _ in 0..calls {
            banned += ban
                .figure_step(model.tokenizer(), &allowed, word, &[])
                .banned
                .len();
        }
        let per_call = started.elapsed().as_secs_f64() / calls as f64;
        println!(
            "figure step, run {word:?}: {:.1} µs per token ({} ids banned by the step, besides the fixed lists)",
            per_call * 1e6,
            banned / calls
        );
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
