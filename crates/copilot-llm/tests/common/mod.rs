//! Helpers shared by the tests against real model files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use copilot_llm::{CancelFlag, GenerationParams, LocalModel, StopReason};
use serde::Deserialize;

/// The folder holding the model files: `$COPILOT_MODEL_DIR`, else `<workspace>/models`.
pub fn model_dir() -> PathBuf {
    match std::env::var_os("COPILOT_MODEL_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"),
    }
}

/// The path of model file `name`; fails the test (never skips) when it is absent.
pub fn model_path(name: &str) -> PathBuf {
    let path = model_dir().join(name);
    assert!(
        path.is_file(),
        "model file {} not found: run `copilot models fetch` (or set COPILOT_MODEL_DIR to the folder holding {name})",
        path.display()
    );
    path
}

/// A llama.cpp reference file (see `scripts/llama_reference.py` and
/// `tests/fixtures/make_long_reference.py`).
#[derive(Deserialize)]
pub struct Reference {
    pub model_sha256: String,
    #[serde(alias = "llama_cpp_python_version")]
    pub llama_cpp_version: String,
    #[serde(default)]
    pub tokenize: Vec<TokenizeCase>,
    pub greedy: Vec<GreedyCase>,
}

#[derive(Deserialize)]
pub struct TokenizeCase {
    pub text: String,
    pub ids: Vec<u32>,
}

#[derive(Deserialize)]
pub struct GreedyCase {
    pub prompt: String,
    pub prompt_ids: Vec<u32>,
    pub n_predict: usize,
    pub ids: Vec<u32>,
    pub top2_margins: Vec<f64>,
}

/// Reads `tests/fixtures/<name>` and checks it was made with the file `sha256`.
pub fn reference(name: &str, sha256: &str) -> Reference {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "llama.cpp reference {} is missing ({e}); it is produced by running llama.cpp on the pinned model file",
            path.display()
        )
    });
    let reference: Reference = serde_json::from_str(&text).expect("reference JSON");
    assert_eq!(
        reference.model_sha256, sha256,
        "the reference {name} was made with another model file"
    );
    reference
}

/// Encodes every reference string and returns the mismatches.
pub fn tokenizer_mismatches(model: &LocalModel, reference: &Reference) -> Vec<String> {
    let mut mismatches = Vec::new();
    for case in &reference.tokenize {
        let ids = model.tokenizer().encode(&case.text).unwrap();
        if ids != case.ids {
            mismatches.push(format!(
                "{:?}: ours {:?}, llama.cpp {:?}",
                case.text, ids, case.ids
            ));
        }
    }
    mismatches
}

/// Logit gap under which choosing a different token than llama.cpp counts as a
/// near-tie rather than a bug.
///
/// Two correct runtimes do not produce identical logits: 8-bit activation
/// quantization turns last-bit differences (summation order, `expf`
/// approximations, FMA contraction) into logit differences of 0.1–0.3 on
/// average and up to 1.0 on these models. llama.cpp itself, run on the same
/// SmolLM2 file with an F32 instead of its default F16 KV cache, shifts logits
/// by that much and flips the reference's greedy choice at steps whose top-2
/// gap is about 0.2. The reference lists that gap per step (`top2_margins`).
pub const NEAR_TIE_LOGITS: f64 = 0.5;

fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, v) in logits.iter().enumerate() {
        if *v > logits[best] {
            best = i;
        }
    }
    best as u32
}

/// Checks greedy decoding against llama.cpp's, and returns `(identical
/// steps, steps)` of the teacher-forced comparison.
///
/// Teacher-forced: llama.cpp's own tokens are fed back; at every step our
/// arg-max must be llama.cpp's choice unless that choice was a near-tie.
/// Free-running: `generate` must equal llama.cpp's tokens up to the first
/// near-tie where the two may part.
pub fn check_greedy(model: &mut LocalModel, reference: &Reference) -> (usize, usize) {
    let mut exact_steps = 0;
    let mut total_steps = 0;
    for (index, case) in reference.greedy.iter().enumerate() {
        let prompt_ids = model.tokenizer().encode_prompt(&case.prompt).unwrap();
        assert_eq!(
            prompt_ids, case.prompt_ids,
            "prompt #{index} tokenizes differently"
        );
        assert_eq!(case.ids.len(), case.n_predict);
        assert_eq!(case.top2_margins.len(), case.ids.len());

        let mut logits = Vec::new();
        for (i, chunk) in prompt_ids
            .chunks(copilot_llm::PREFILL_CHUNK_TOKENS)
            .enumerate()
        {
            logits = model
                .forward(chunk, i * copilot_llm::PREFILL_CHUNK_TOKENS)
                .unwrap();
        }
        for (step, (&expected, &margin)) in case.ids.iter().zip(&case.top2_margins).enumerate() {
            let ours = argmax(&logits);
            total_steps += 1;
            if ours == expected {
                exact_steps += 1;
            } else {
                assert!(
                    margin < NEAR_TIE_LOGITS,
                    "prompt #{index} step {step}: we chose {ours}, llama.cpp {} chose {expected} with a clear margin of {margin}",
                    reference.llama_cpp_version
                );
            }
            logits = model.forward(&[expected], prompt_ids.len() + step).unwrap();
        }

        let generation = model
            .generate(
                &case.prompt,
                &GenerationParams::greedy(case.n_predict),
                &CancelFlag::new(),
                &mut |_| {},
            )
            .unwrap();
        let mut ours = generation.tokens.clone();
        if let StopReason::EndOfTurn { token_id } = generation.stop_reason {
            // The reference does not stop at end-of-turn; compare including it.
            ours.push(token_id);
        }
        if let Some(step) = ours.iter().zip(&case.ids).position(|(a, b)| a != b) {
            assert!(
                case.top2_margins[step] < NEAR_TIE_LOGITS,
                "prompt #{index}: generation departs from llama.cpp at step {step}, where llama.cpp's margin was {}",
                case.top2_margins[step]
            );
        }
    }
    (exact_steps, total_steps)
}
